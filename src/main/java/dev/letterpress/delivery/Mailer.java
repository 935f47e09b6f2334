package dev.letterpress.delivery;

import jakarta.mail.internet.MimeMessage;

/**
 * What the delivery engine needs from a mail transport, and nothing more: open a connection, hand it
 * messages one at a time, close it. SMTP is one implementation; tests plug in real alternatives.
 */
public interface Mailer {
    Connection connect() throws SendFailure;

    /**
     * A connection to the named server of a pool, or to any server when {@code server} is null. A mailer with a
     * single server has nothing to choose from and ignores the name.
     */
    default Connection connect(String server) throws SendFailure {
        return connect();
    }

    interface Connection extends AutoCloseable {
        /** Returns the server's acceptance reply (e.g. "250 2.0.0 Ok") once the message is accepted. */
        String send(MimeMessage message, String recipient) throws SendFailure;

        /** False once the server or the network dropped the connection; the engine then reconnects. */
        boolean isUsable();

        /** Which server this connection goes to: the key of its rate limit. */
        default String server() {
            return "default";
        }

        @Override
        void close();
    }
}
