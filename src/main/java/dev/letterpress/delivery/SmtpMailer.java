package dev.letterpress.delivery;

import dev.letterpress.config.Config;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/** SMTP through Jakarta Mail (Angus), one reused connection per {@link Connection}. */
public final class SmtpMailer implements Mailer {
    private final Config.Smtp smtp;
    private final Session session;

    public SmtpMailer(Config.Smtp smtp) {
        this(smtp, null);
    }

    /** {@code envelopeFrom}: the MAIL FROM address (where bounces go), or null for each message's From address. */
    public SmtpMailer(Config.Smtp smtp, String envelopeFrom) {
        this.smtp = smtp;
        String protocol = smtp.security() == Config.Security.TLS ? "smtps" : "smtp";
        Properties p = new Properties();
        String prefix = "mail." + protocol + ".";
        p.setProperty("mail.transport.protocol", protocol);
        p.setProperty(prefix + "host", smtp.host());
        p.setProperty(prefix + "port", Integer.toString(smtp.port()));
        String timeout = Long.toString(smtp.timeout().toMillis());
        p.setProperty(prefix + "connectiontimeout", timeout);
        p.setProperty(prefix + "timeout", timeout);
        p.setProperty(prefix + "writetimeout", timeout);
        p.setProperty(prefix + "quitwait", "false");
        p.setProperty(prefix + "auth", Boolean.toString(smtp.authenticates()));
        if (smtp.security() == Config.Security.STARTTLS) {
            p.setProperty(prefix + "starttls.enable", "true");
            p.setProperty(prefix + "starttls.required", "true");
        }
        if (smtp.security() != Config.Security.NONE) {
            p.setProperty(prefix + "ssl.checkserveridentity", "true");
        }
        if (smtp.security() == Config.Security.TLS) {
            p.put(prefix + "ssl.socketFactory", new NoDelaySocketFactory(javax.net.ssl.SSLSocketFactory.getDefault()));
        } else {
            p.put(prefix + "socketFactory", new NoDelaySocketFactory(javax.net.SocketFactory.getDefault()));
        }
        if (envelopeFrom != null) {
            p.setProperty(prefix + "from", envelopeFrom);
        }
        this.session = Session.getInstance(p);
    }

    @Override
    public Connection connect() throws SendFailure {
        try {
            Transport t = session.getTransport();
            if (smtp.authenticates()) {
                t.connect(smtp.username(), smtp.password());
            } else {
                t.connect();
            }
            return new SmtpConnection((SMTPTransport) t);
        } catch (MessagingException e) {
            throw failure(e);
        }
    }

    private static SendFailure failure(MessagingException e) {
        // The most specific SMTP reply wins: a rejected recipient inside a SendFailedException, say.
        for (Exception x = e; x != null; x = x instanceof MessagingException m ? m.getNextException() : null) {
            if (x instanceof SMTPSenderFailedException f) {
                return new SendFailure(f.getReturnCode(), f.getMessage(), e, true);
            }
            if (x instanceof SMTPAddressFailedException a) {
                return new SendFailure(a.getReturnCode(), a.getMessage(), e);
            }
            if (x instanceof SMTPSendFailedException s) {
                return new SendFailure(s.getReturnCode(), s.getMessage(), e);
            }
        }
        if (e instanceof SendFailedException) {
            return new SendFailure(0, e.getMessage(), e);
        }
        String detail = e.getMessage();
        if (e.getCause() != null) {
            detail = detail + " (" + e.getCause() + ")";
        }
        return new SendFailure(0, "connection: " + detail, e);
    }

    private static final class SmtpConnection implements Connection {
        private final SMTPTransport transport;

        SmtpConnection(SMTPTransport transport) {
            this.transport = transport;
        }

        @Override
        public String send(MimeMessage message, String recipient) throws SendFailure {
            try {
                transport.sendMessage(message, new Address[] {new InternetAddress(recipient)});
                return transport.getLastServerResponse();
            } catch (MessagingException e) {
                throw failure(e);
            }
        }

        @Override
        public boolean isUsable() {
            return transport.isConnected();
        }

        @Override
        public void close() {
            try {
                transport.close();
            } catch (MessagingException ignored) {
                // closing a dead connection: nothing left to do
            }
        }
    }
}
