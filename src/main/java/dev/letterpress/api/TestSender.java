package dev.letterpress.api;

import dev.letterpress.delivery.Mailer;
import dev.letterpress.delivery.SendFailure;
import dev.letterpress.issue.Issue;
import dev.letterpress.render.RenderedContent;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.UnsupportedEncodingException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/**
 * Test sends: the rendered preview to a few addresses over the app's own mail transport (so DKIM and the SMTP
 * settings are exercised too). No ledger, no tracking, no unsubscribe headers: these are not campaign mail.
 */
public final class TestSender {
    /** More than this is not a test send. */
    public static final int MAX_RECIPIENTS = 10;

    public record Result(String to, boolean sent, String reply) {}

    private static final Session SESSION = Session.getInstance(new Properties());

    private final Mailer mailer;
    private final Clock clock;

    public TestSender(Mailer mailer, Clock clock) {
        this.mailer = mailer;
        this.clock = clock;
    }

    public List<Result> send(Issue issue, RenderedContent content, List<String> to) throws MessagingException {
        List<Result> results = new ArrayList<>();
        Mailer.Connection connection = null;
        try {
            for (String address : to) {
                try {
                    if (connection == null || !connection.isUsable()) {
                        if (connection != null) {
                            connection.close();
                        }
                        connection = mailer.connect();
                    }
                    results.add(new Result(address, true, connection.send(message(issue, content, address), address)));
                } catch (SendFailure e) {
                    results.add(new Result(address, false, e.getMessage()));
                }
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
        return results;
    }

    private MimeMessage message(Issue issue, RenderedContent content, String to) throws MessagingException {
        MimeMessage m = new MimeMessage(SESSION);
        try {
            m.setFrom(new InternetAddress(issue.sender().email(), issue.sender().name(), "UTF-8"));
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
        m.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(to));
        m.setSubject("[Test] " + issue.subject(), "UTF-8");
        m.setSentDate(Date.from(clock.instant()));
        m.setHeader("X-Letterpress-Test", "yes");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(content.text(), "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(content.html(), "UTF-8", "html");
        MimeMultipart alternative = new MimeMultipart("alternative", text, html);
        m.setContent(alternative);
        m.saveChanges();
        return m;
    }
}
