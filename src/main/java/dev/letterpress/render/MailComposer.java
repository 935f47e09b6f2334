package dev.letterpress.render;

import dev.letterpress.config.Config;
import dev.letterpress.subscriber.Subscriber;
import dev.letterpress.tracking.LinkRegistry;
import dev.letterpress.tracking.PublicUrls;
import freemarker.template.TemplateException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.UnsupportedEncodingException;
import java.time.Clock;
import java.util.Date;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds one campaign's messages: the per-recipient layout, tracked links, the open pixel, and the headers
 * mailbox providers require of bulk mail (RFC 2369 List-Unsubscribe, RFC 8058 one-click, List-Id).
 */
public final class MailComposer {
    /** A message ready for SMTP, with the id it was sent under. */
    public record Composed(MimeMessage message, String messageId) {}

    private static final Session SESSION = Session.getInstance(new Properties());

    private final PreparedIssue prepared;
    private final long campaign;
    private final PublicUrls urls;
    private final LinkRegistry links;
    private final Config.Sender sender;
    private final Clock clock;
    private final InternetAddress from;

    public MailComposer(PreparedIssue prepared, long campaign, PublicUrls urls, LinkRegistry links, Config.Sender sender, Clock clock) {
        this.prepared = prepared;
        this.campaign = campaign;
        this.urls = urls;
        this.links = links;
        this.sender = sender;
        this.clock = clock;
        try {
            var s = prepared.issue().sender();
            this.from = new InternetAddress(s.email(), s.name(), "UTF-8");
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The body alone (web view, previews): same links and tracking as the mail. */
    public RenderedContent content(Subscriber s, long listId, String listName) throws TemplateException {
        long sid = s.id();
        RenderedContent raw = prepared.render(new MailContext(s, listName, urls.view(campaign, sid), urls.unsubscribe(campaign, sid, listId),
                urls.preferences(campaign, sid), urls.share(campaign), urls.open(campaign, sid)));
        String html = LinkRewriter.rewrite(raw.html(), urls.base(), url -> urls.click(campaign, sid, links.idFor(campaign, url)));
        return new RenderedContent(html, raw.text());
    }

    public Composed compose(Subscriber s, long listId, String listName) throws TemplateException, MessagingException {
        RenderedContent content = content(s, listId, listName);
        String messageId = "<" + campaign + "." + s.id() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
                + "@" + sender.domain() + ">";
        MimeMessage m = new FixedIdMessage(SESSION, messageId);
        m.setFrom(from);
        try {
            m.setRecipient(MimeMessage.RecipientType.TO, s.name() == null ? new InternetAddress(s.email())
                    : new InternetAddress(s.email(), s.name(), "UTF-8"));
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
        m.setSubject(prepared.issue().subject(), "UTF-8");
        m.setSentDate(Date.from(clock.instant()));
        String unsubscribe = urls.unsubscribe(campaign, s.id(), listId);
        // RFC 2369: the https URL (RFC 8058 one-click) and a mailto whose subject carries the same token
        m.setHeader("List-Unsubscribe", "<" + unsubscribe + ">, <mailto:" + sender.unsubscribeMailto() + "?subject=unsubscribe-"
                + unsubscribe.substring(unsubscribe.lastIndexOf('/') + 1) + ">");
        m.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        m.setHeader("List-Id", listId(listName, listId));
        m.setHeader("Precedence", "bulk");
        // Gmail's feedback loop aggregates complaints by these fields: campaign, list, type, sender
        m.setHeader("Feedback-ID", campaign + ":" + listId + ":newsletter:" + sender.feedbackIdSender());

        MimeBodyPart text = new MimeBodyPart();
        text.setText(content.text(), "UTF-8", "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(content.html(), "UTF-8", "html");
        // Naming the encoding spares Jakarta Mail a byte-by-byte scan of each body to pick one (most of its CPU
        // per message); quoted-printable is right for UTF-8 text with long lines.
        text.setHeader("Content-Transfer-Encoding", "quoted-printable");
        html.setHeader("Content-Transfer-Encoding", "quoted-printable");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        m.setContent(alternative);
        m.saveChanges();
        return new Composed(m, messageId);
    }

    /** RFC 2919: a phrase plus a unique id made of the list's name and our domain. */
    private String listId(String listName, long listId) {
        String slug = listName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        String phrase = listName.replaceAll("[\"\\\\]", "");
        return "\"" + phrase + "\" <" + (slug.isEmpty() ? "list" : slug) + "." + listId + "." + sender.domain() + ">";
    }

    /** Keeps our Message-ID: MimeMessage would otherwise replace it in saveChanges(). */
    private static final class FixedIdMessage extends MimeMessage {
        private final String id;

        FixedIdMessage(Session session, String id) {
            super(session);
            this.id = id;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", id);
        }
    }
}
