package dev.letterpress.delivery;

import dev.letterpress.config.Config;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * SMTP spoken directly over a socket, for servers reached without TLS (a relay on the same host or network, the
 * usual place for bulk sending). Per message it writes MAIL, RCPT and DATA in one go when the server offers
 * PIPELINING (RFC 2920), so a message costs two round trips instead of four, and it writes the message's bytes
 * as they are, with only SMTP's line ends and dot-stuffing applied, in one pass. Jakarta Mail's transport does
 * neither; it still carries TLS connections ({@link SmtpMailer}).
 *
 * <p>Failures keep the most specific reply: a refused recipient is that RCPT reply (code and enhanced status),
 * not the DATA refusal that follows it. A network fault, a timeout or a malformed reply is code 0 (retried) and
 * leaves the connection unusable.
 */
public final class SmtpClient implements Mailer {
    /** What Jakarta Mail's transport leaves out of the header when it sends. */
    private static final String[] NOT_SENT = {"Bcc", "Content-Length"};
    private static final String LOCAL_NAME = localName();

    private final Config.Smtp smtp;
    private final String envelopeFrom;

    public SmtpClient(Config.Smtp smtp) {
        this(smtp, null);
    }

    /** {@code envelopeFrom}: the MAIL FROM address (where bounces go), or null for each message's From address. */
    public SmtpClient(Config.Smtp smtp, String envelopeFrom) {
        this.envelopeFrom = envelopeFrom;
        if (smtp.security() != Config.Security.NONE) {
            throw new IllegalArgumentException("SmtpClient speaks SMTP without TLS; use SmtpMailer for " + smtp.security());
        }
        this.smtp = smtp;
    }

    @Override
    public Connection connect() throws SendFailure {
        Socket socket = new Socket();
        SmtpChannel channel = null;
        try {
            socket.setTcpNoDelay(true); // commands are small writes answered at once: no Nagle delay
            socket.connect(new InetSocketAddress(smtp.host(), smtp.port()), (int) Math.min(Integer.MAX_VALUE, smtp.timeout().toMillis()));
            channel = new SmtpChannel(socket, smtp.timeout());
            expect(channel, channel.read(), 2, "greeting");
            Set<String> extensions = ehlo(channel);
            if (smtp.authenticates()) {
                authenticate(channel, extensions);
            }
            return new ClientConnection(channel, smtp.pipelining() && extensions.contains("PIPELINING"), extensions.contains("SMTPUTF8"),
                    envelopeFrom);
        } catch (IOException e) {
            close(channel, socket);
            throw new SendFailure(0, "connection: cannot talk to " + smtp.host() + ":" + smtp.port() + " (" + e + ")", e);
        } catch (SendFailure f) {
            close(channel, socket);
            throw f;
        }
    }

    private static void close(SmtpChannel channel, Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to save
        }
        if (channel != null) {
            channel.close();
        }
    }

    /** EHLO, or HELO for a server that refuses it; returns the offered extensions (keywords upper-cased, with AUTH's mechanisms). */
    private static Set<String> ehlo(SmtpChannel channel) throws IOException, SendFailure {
        channel.command("EHLO " + LOCAL_NAME);
        channel.flush();
        SmtpChannel.Reply reply = channel.read();
        Set<String> extensions = new HashSet<>();
        if (!reply.is(2)) {
            channel.command("HELO " + LOCAL_NAME);
            channel.flush();
            expect(channel, channel.read(), 2, "HELO");
            return extensions;
        }
        String[] lines = reply.text().split("\n");
        for (int i = 1; i < lines.length; i++) { // the first line is the server's name
            String line = lines[i].length() > 4 ? lines[i].substring(4).strip().toUpperCase(Locale.ROOT) : "";
            String[] words = line.split("[ =]+");
            extensions.add(words[0]);
            if (words[0].equals("AUTH")) {
                for (int w = 1; w < words.length; w++) {
                    extensions.add("AUTH " + words[w]);
                }
            }
        }
        return extensions;
    }

    private void authenticate(SmtpChannel channel, Set<String> extensions) throws IOException, SendFailure {
        Base64.Encoder b64 = Base64.getEncoder();
        if (extensions.contains("AUTH PLAIN")) {
            String credentials = "\0" + smtp.username() + "\0" + smtp.password();
            channel.command("AUTH PLAIN " + b64.encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
            channel.flush();
            expect(channel, channel.read(), 2, "AUTH PLAIN");
        } else if (extensions.contains("AUTH LOGIN")) {
            channel.command("AUTH LOGIN");
            channel.flush();
            expect(channel, channel.read(), 3, "AUTH LOGIN");
            channel.command(b64.encodeToString(smtp.username().getBytes(StandardCharsets.UTF_8)));
            channel.flush();
            expect(channel, channel.read(), 3, "AUTH LOGIN user name");
            channel.command(b64.encodeToString(smtp.password().getBytes(StandardCharsets.UTF_8)));
            channel.flush();
            expect(channel, channel.read(), 2, "AUTH LOGIN password");
        } else {
            throw new SendFailure(0, "connection: " + smtp.host() + " offers no AUTH mechanism this client speaks (PLAIN, LOGIN)", null);
        }
    }

    /** A reply outside the expected class, as a failure that keeps its code (a 4xx or 5xx greeting, say). */
    private static void expect(SmtpChannel channel, SmtpChannel.Reply reply, int klass, String step) throws SendFailure {
        if (!reply.is(klass)) {
            int code = reply.is(4) || reply.is(5) ? reply.code() : 0;
            channel.close();
            throw new SendFailure(code, reply.text() + " (" + step + ")", null);
        }
    }

    private static final class ClientConnection implements Connection {
        private final SmtpChannel channel;
        private final boolean pipelining;
        private final boolean utf8;
        /** MAIL FROM for every message (bounce.address), or null: each message's From address. */
        private final String envelopeFrom;
        /** The last transaction's refusal was the reply to MAIL FROM (our sender), not to RCPT TO. */
        private boolean mailRefused;
        private boolean broken;

        ClientConnection(SmtpChannel channel, boolean pipelining, boolean utf8, String envelopeFrom) {
            this.channel = channel;
            this.envelopeFrom = envelopeFrom;
            this.pipelining = pipelining;
            this.utf8 = utf8;
        }

        @Override
        public String send(MimeMessage message, String recipient) throws SendFailure {
            String from = envelopeFrom != null ? envelopeFrom : envelopeSender(message);
            if (!envelopeSafe(recipient) || !envelopeSafe(from)) {
                // never reaches the wire: a CR or LF in an address would end the command and start another
                throw new SendFailure(553, "5.1.3 not a usable address for SMTP: " + recipient.replaceAll("\\p{Cntrl}", "?"), null);
            }
            boolean ascii = isAscii(from) && isAscii(recipient);
            if (!ascii && !utf8) {
                throw new SendFailure(553, "5.6.7 the server does not accept non-ASCII addresses (no SMTPUTF8): " + recipient, null);
            }
            try {
                SmtpChannel.Reply failed = envelope(from, ascii ? "" : " SMTPUTF8", recipient);
                if (failed != null) {
                    throw failure(failed, mailRefused);
                }
                channel.sendData(data -> {
                    try {
                        message.writeTo(data, NOT_SENT);
                    } catch (MessagingException e) {
                        throw new IOException("cannot write the message: " + e.getMessage(), e);
                    }
                });
                SmtpChannel.Reply accepted = channel.read();
                if (!accepted.is(2)) {
                    throw failure(accepted, false);
                }
                return accepted.text();
            } catch (IOException e) {
                broken = true;
                channel.close();
                throw new SendFailure(0, "connection: " + e.getMessage(), e);
            }
        }

        /**
         * MAIL, RCPT and DATA: in one write when pipelining, else one at a time. Returns the reply that ended the
         * transaction, or null once the server is ready for the data (354). After a refusal the transaction is reset.
         */
        private SmtpChannel.Reply envelope(String from, String mailParameters, String recipient) throws IOException, SendFailure {
            String mail = "MAIL FROM:<" + from + ">" + mailParameters;
            String rcpt = "RCPT TO:<" + recipient + ">";
            if (pipelining) {
                channel.command(mail);
                channel.command(rcpt);
                channel.command("DATA");
                channel.flush();
                SmtpChannel.Reply mailReply = readOrKeep(null);
                mailRefused = !mailReply.is(2);
                SmtpChannel.Reply rcptReply = readOrKeep(mailReply.is(2) ? null : mailReply);
                SmtpChannel.Reply refusal = !mailReply.is(2) ? mailReply : !rcptReply.is(2) ? rcptReply : null;
                SmtpChannel.Reply dataReply = readOrKeep(refusal);
                if (refusal == null && dataReply.code() == 354) {
                    return null;
                }
                if (dataReply.code() == 354) {
                    // the server took DATA although nothing was accepted before it: an empty message ends it
                    channel.sendData(data -> { });
                    readOrKeep(refusal);
                }
                return reset(refusal != null ? refusal : dataReply);
            }
            for (String command : new String[] {mail, rcpt, "DATA"}) {
                channel.command(command);
                channel.flush();
                SmtpChannel.Reply reply = channel.read();
                mailRefused = command.equals(mail) && !reply.is(2);
                if (command.equals("DATA") ? reply.code() != 354 : !reply.is(2)) {
                    return reset(reply);
                }
            }
            return null;
        }

        /**
         * The next reply; when a refusal is already known, a connection the server closed after it (a 421, say)
         * still reports that refusal instead of a network error.
         */
        private SmtpChannel.Reply readOrKeep(SmtpChannel.Reply known) throws IOException {
            try {
                return channel.read();
            } catch (IOException e) {
                if (known == null) {
                    throw e;
                }
                broken = true;
                channel.close();
                return known;
            }
        }

        /** RSET after a refused transaction, so the connection can carry the next message. */
        private SmtpChannel.Reply reset(SmtpChannel.Reply refusal) {
            if (refusal.code() == 421 || broken) {
                broken = true;
                channel.close();
                return refusal;
            }
            try {
                channel.command("RSET");
                channel.flush();
                if (!channel.read().is(2)) {
                    broken = true;
                }
            } catch (IOException e) {
                broken = true;
                channel.close();
            }
            return refusal;
        }

        private static SendFailure failure(SmtpChannel.Reply reply, boolean toMailFrom) {
            int code = reply.is(4) || reply.is(5) ? reply.code() : 0;
            return new SendFailure(code, reply.text(), null, toMailFrom);
        }

        @Override
        public boolean isUsable() {
            return !broken && channel.isOpen();
        }

        @Override
        public void close() {
            if (!broken && channel.isOpen()) {
                try {
                    channel.command("QUIT");
                    channel.flush(); // not waiting for the 221: nothing depends on it
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            channel.close();
        }
    }

    /** The envelope sender: the From address, as Jakarta Mail's transport takes it when none is configured. */
    private static String envelopeSender(MimeMessage message) throws SendFailure {
        try {
            Address[] from = message.getFrom();
            if (from == null || from.length == 0 || !(from[0] instanceof InternetAddress a)) {
                throw new SendFailure(0, "the message has no From address to send it from", null);
            }
            return a.getAddress();
        } catch (MessagingException e) {
            throw new SendFailure(0, "cannot read the From address: " + e.getMessage(), e);
        }
    }

    /** No control characters, spaces or angle brackets: nothing that could end the address or the command. */
    private static boolean envelopeSafe(String address) {
        if (address.isEmpty()) {
            return false;
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c <= ' ' || c == '<' || c == '>' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static String localName() {
        try {
            String name = InetAddress.getLocalHost().getCanonicalHostName();
            return name == null || name.isBlank() ? "localhost" : name;
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
