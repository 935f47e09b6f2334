package dev.letterpress.delivery;

import dev.letterpress.config.Config;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs every message with DKIM just before it goes to the wrapped {@link Mailer}. The message is serialized
 * once, signed over those exact bytes, and handed on as a message that writes exactly the signed bytes, so no
 * later re-encoding or re-folding by the transport can invalidate the signature.
 */
public final class DkimMailer implements Mailer {
    private static final Logger log = LoggerFactory.getLogger(DkimMailer.class);
    /** What SMTPTransport leaves out when it writes a message; the signed bytes leave out the same. */
    private static final String[] NOT_SENT = {"Bcc", "Content-Length"};

    private final Mailer inner;
    private final DkimSigner signer;

    public DkimMailer(Mailer inner, DkimSigner signer) {
        this.inner = inner;
        this.signer = signer;
    }

    /** Loads the key once (a bad key stops start-up with an error naming dkim.private.key) and wraps {@code inner}. */
    public static DkimMailer create(Mailer inner, Config.Dkim dkim, Clock clock) {
        PrivateKey key = DkimKeyFile.load(dkim.privateKey());
        log.info("DKIM: signing as d={} s={} ({}-bit RSA key); the DNS record at {}._domainkey.{} must be: {}", dkim.domain(),
                dkim.selector(), ((RSAPrivateKey) key).getModulus().bitLength(), dkim.selector(), dkim.domain(),
                DkimKeyFile.dnsRecord(key));
        return new DkimMailer(inner, new DkimSigner(dkim.domain(), dkim.selector(), key, clock));
    }

    /** The message as it will be sent: DKIM-Signature first, then the (folded) header and the body. */
    public MimeMessage sign(MimeMessage message) throws MessagingException, IOException, GeneralSecurityException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream(16 * 1024);
        message.writeTo(raw, NOT_SENT);
        return new SignedMessage(message, signer.sign(raw.toByteArray()));
    }

    @Override
    public Connection connect() throws SendFailure {
        return connect(null);
    }

    @Override
    public Connection connect(String server) throws SendFailure {
        Connection connection = inner.connect(server);
        return new Connection() {
            @Override
            public String send(MimeMessage message, String recipient) throws SendFailure {
                MimeMessage signed;
                try {
                    signed = sign(message);
                } catch (MessagingException | IOException | GeneralSecurityException | RuntimeException e) {
                    // a local fault, not the server's: code 0 keeps the recipient for a later try
                    throw new SendFailure(0, "DKIM signing failed: " + e, e);
                }
                return connection.send(signed, recipient);
            }

            @Override
            public boolean isUsable() {
                return connection.isUsable();
            }

            @Override
            public String server() {
                return connection.server();
            }

            @Override
            public void close() {
                connection.close();
            }
        };
    }

    /**
     * A message frozen to the signed bytes: {@link #writeTo} writes them and nothing else, whatever the transport
     * asks to leave out or convert. Its headers are parsed from those bytes, so the envelope sender still comes
     * from its From field.
     */
    static final class SignedMessage extends MimeMessage {
        private final byte[] bytes;

        SignedMessage(MimeMessage original, byte[] bytes) throws MessagingException {
            super(original.getSession());
            this.bytes = bytes;
            this.headers = new InternetHeaders(new ByteArrayInputStream(bytes));
            this.saved = true;
            this.modified = false;
        }

        byte[] bytes() {
            return bytes;
        }

        @Override
        public void writeTo(OutputStream os) throws IOException {
            os.write(bytes);
        }

        @Override
        public void writeTo(OutputStream os, String[] ignoreList) throws IOException {
            os.write(bytes);
        }

        @Override
        public void saveChanges() {
            // frozen: the headers are signed
        }
    }
}
