package dev.letterpress.signup;

import dev.letterpress.config.Config;
import dev.letterpress.render.Templates;
import freemarker.template.TemplateException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * The transactional mails: the double opt-in mail (or, for an address already on the list, a note saying so), and
 * the link to download or erase one's data; plain text and HTML from templates/email/transactional/. They carry no
 * tracking and no List-Unsubscribe: ignoring them is how one declines.
 */
public final class ConfirmationMail {
    private static final Session SESSION = Session.getInstance(new Properties());

    private final Templates templates;
    private final Config.Sender sender;
    private final InternetAddress from;
    private final Clock clock;

    public ConfirmationMail(Templates templates, Config config, Clock clock) {
        this.templates = templates;
        this.sender = config.sender();
        this.clock = clock;
        try {
            this.from = new InternetAddress(config.signup().senderEmail(), sender.newsletterName(), "UTF-8");
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code confirmUrl} null: the address is already subscribed, so the mail says so and links to preferences. */
    MimeMessage build(String to, String listName, String confirmUrl, String preferencesUrl) {
        Map<String, Object> model = new HashMap<>();
        model.put("newsletter", Map.of("name", sender.newsletterName()));
        model.put("listName", listName);
        model.put("postalAddress", sender.postalAddress());
        model.put("preferencesUrl", preferencesUrl);
        if (confirmUrl != null) {
            model.put("confirmUrl", confirmUrl);
        }
        return message(to, confirmUrl != null ? "Please confirm your subscription to " + listName : "You are already subscribed to " + listName,
                "confirm", model);
    }

    /** The link to download ({@code erase} false) or erase one's data, mailed to the address it is about. */
    MimeMessage dataRequest(String to, boolean erase, String url, Duration validFor) {
        Map<String, Object> model = new HashMap<>();
        model.put("newsletter", Map.of("name", sender.newsletterName()));
        model.put("postalAddress", sender.postalAddress());
        model.put("erase", erase);
        model.put("url", url);
        model.put("validMinutes", validFor.toMinutes());
        return message(to, erase ? "Erase your data from " + sender.newsletterName() : "Your data from " + sender.newsletterName(),
                "data-request", model);
    }

    private MimeMessage message(String to, String subject, String template, Map<String, Object> model) {
        try {
            String text = templates.render("email/transactional/" + template + ".ftl", model);
            String html = templates.render("email/transactional/" + template + ".ftlh", model);
            MimeMessage m = new MimeMessage(SESSION);
            m.setFrom(from);
            m.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(to));
            m.setSubject(subject, "UTF-8");
            m.setSentDate(Date.from(clock.instant()));
            // RFC 3834: an automatic reply to a request, so auto-responders do not answer it
            m.setHeader("Auto-Submitted", "auto-generated");
            MimeBodyPart plain = new MimeBodyPart();
            plain.setText(text, "UTF-8");
            MimeBodyPart rich = new MimeBodyPart();
            rich.setText(html, "UTF-8", "html");
            m.setContent(new MimeMultipart("alternative", plain, rich));
            m.saveChanges();
            m.setHeader("Message-ID", "<" + UUID.randomUUID() + ".signup@" + sender.domain() + ">");
            return m;
        } catch (TemplateException | IOException | MessagingException e) {
            throw new IllegalStateException(template + " mail could not be built: " + e.getMessage(), e);
        }
    }
}
