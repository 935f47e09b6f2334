package dev.letterpress.render;

import dev.letterpress.config.Config;
import dev.letterpress.subscriber.Subscriber;
import dev.letterpress.tracking.LinkRegistry;
import dev.letterpress.tracking.PublicUrls;
import freemarker.template.TemplateException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParameterList;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

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
    private final String subjectHeader;
    private final String base;
    private final String ownBasePrefix;
    private final String share;
    /** Link ids by URL for this campaign: the registry's answer, without building its cache key per link. */
    private final Map<String, Long> linkIds = new ConcurrentHashMap<>();
    private final Map<String, String> listIds = new ConcurrentHashMap<>();
    private final SkeletonCache skeletons;
    /** Per sending thread: the text and HTML lines of its previous message, whose encoding the next one reuses. */
    private final ThreadLocal<MimeBytes.LineCache[]> lineCaches =
            ThreadLocal.withInitial(() -> new MimeBytes.LineCache[] {new MimeBytes.LineCache(), new MimeBytes.LineCache()});
    private static final AtomicInteger PART = new AtomicInteger();
    /** One body buffer per sending thread (see {@link #scratchBody}). */
    private static final ThreadLocal<MimeBytes> BODY = ThreadLocal.withInitial(() -> new MimeBytes(64 << 10));
    private static final java.security.SecureRandom MESSAGE_ID_RANDOM = new java.security.SecureRandom();
    private static final byte[] TEXT_PART_HEADERS = ("Content-Type: text/plain; charset=UTF-8\r\n"
            + "Content-Transfer-Encoding: quoted-printable\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTML_PART_HEADERS = ("Content-Type: text/html; charset=UTF-8\r\n"
            + "Content-Transfer-Encoding: quoted-printable\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

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
            this.subjectHeader = MimeUtility.fold(9, MimeUtility.encodeText(prepared.issue().subject(), "UTF-8", null));
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
        this.base = urls.base();
        this.ownBasePrefix = base + "/";
        this.share = urls.share(campaign);
        this.skeletons = new SkeletonCache(prepared, campaign, share, base, ownBasePrefix, this::probeMatches);
    }

    /** The body alone (web view, previews): same links and tracking as the mail. */
    public RenderedContent content(Subscriber s, long listId, String listName) throws TemplateException {
        return content(s, listName, new Urls(s.id(), listId));
    }

    private RenderedContent content(Subscriber s, String listName, Urls u) throws TemplateException {
        RenderedContent raw = prepared.render(new MailContext(s, listName, u.webView(), u.unsubscribe(), u.preferences(), share, u.pixel()));
        String html = LinkRewriter.rewrite(raw.html(), base, ownBasePrefix, u::click);
        return new RenderedContent(html, raw.text());
    }

    /** The probe of a new shape (see {@link SkeletonCache#probe}): its full render against its splice. */
    private boolean probeMatches(SkeletonCache.Entry skeleton, Subscriber probe, long listId, String listName) {
        Urls u = new Urls(probe.id(), listId);
        try {
            RenderedContent full = content(probe, listName, u);
            String reason = prepared.reason(probe, listName);
            return full.html().equals(skeleton.html().splice(probe, reason, u)) && full.text().equals(skeleton.text().splice(probe, reason, u));
        } catch (TemplateException | RuntimeException e) {
            return false; // the full render itself fails on such values: no splicing for this shape
        }
    }

    /**
     * A spliced message checked against its full render (see {@link SkeletonCache}): the full render is what is
     * sent, and a difference turns splicing off for the campaign.
     */
    private RenderedContent checked(SkeletonCache.Entry skeleton, Subscriber s, String listName, Urls u) throws TemplateException {
        RenderedContent full;
        try {
            full = content(s, listName, u);
        } catch (TemplateException | RuntimeException e) {
            skeletons.notChecked(skeleton); // this reader's render failed, not the skeleton: the next reader checks it
            throw e;
        }
        String reason = prepared.reason(s, listName);
        String html = skeleton.html().splice(s, reason, u);
        String text = skeleton.text().splice(s, reason, u);
        if (!full.html().equals(html)) {
            skeletons.mismatch(s.id(), "HTML", html, full.html());
        } else if (!full.text().equals(text)) {
            skeletons.mismatch(s.id(), "text", text, full.text());
        } else {
            skeletons.matched(skeleton);
        }
        return full;
    }

    /** Whether messages are still spliced from skeletons (tests; false once one differed from its full render). */
    boolean splicing() {
        return skeletons.splicing();
    }

    public Composed compose(Subscriber s, long listId, String listName) throws TemplateException, MessagingException {
        Urls u = new Urls(s.id(), listId);
        // spliced from the campaign's skeletons for this kind of reader, or (content != null) rendered in full
        SkeletonCache.Entry skeleton = skeletons.forReader(s, listId, listName);
        SkeletonCache.Mode mode = skeleton == null ? SkeletonCache.Mode.FULL : skeletons.mode(skeleton);
        RenderedContent content = switch (mode) {
            case FULL -> content(s, listName, u);
            case CHECK -> checked(skeleton, s, listName, u);
            case SPLICE -> null;
        };
        // the random part is what proves a bounce or complaint report quotes a message we really sent (inbound): it
        // must not be predictable from another Message-ID a reader has seen, so not ThreadLocalRandom
        String messageId = "<" + campaign + "." + s.id() + "." + Long.toUnsignedString(MESSAGE_ID_RANDOM.nextLong(), 36)
                + "@" + sender.domain() + ">";
        PrebuiltMessage m = new PrebuiltMessage(SESSION);
        m.setFrom(from);
        try {
            m.setRecipient(MimeMessage.RecipientType.TO, s.name() == null ? new InternetAddress(s.email())
                    : new InternetAddress(s.email(), s.name(), "UTF-8"));
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
        m.setHeader("Subject", subjectHeader); // what setSubject(subject, "UTF-8") sets, encoded once per campaign
        m.setHeader("Date", dateHeader(clock.instant()));
        String unsubscribe = u.unsubscribe();
        // RFC 2369: the https URL (RFC 8058 one-click) and a mailto whose subject carries the same token
        m.setHeader("List-Unsubscribe", "<" + unsubscribe + ">, <mailto:" + sender.unsubscribeMailto() + "?subject=unsubscribe-"
                + unsubscribe.substring(unsubscribe.lastIndexOf('/') + 1) + ">");
        m.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        m.setHeader("List-Id", listIds.computeIfAbsent(listId + " " + listName, k -> listId(listName, listId)));
        m.setHeader("Precedence", "bulk");
        // Gmail's feedback loop aggregates complaints by these fields: campaign, list, type, sender
        m.setHeader("Feedback-ID", campaign + ":" + listId + ":newsletter:" + sender.feedbackIdSender());

        // What saveChanges() would set for a multipart/alternative of a text and an HTML part, and the body as
        // Jakarta Mail would write it, built here once: MimeMessage.writeTo then copies the bytes as they are
        // instead of re-encoding both parts byte by byte through its stream layers on every send.
        String boundary = boundary();
        ParameterList params = new ParameterList();
        params.set("boundary", boundary);
        m.setHeader("MIME-Version", "1.0");
        m.setHeader("Content-Type", new ContentType("multipart", "alternative", params).toString());
        m.setHeader("Message-ID", messageId);
        byte[] bytes;
        if (content == null) {
            String reason = prepared.reason(s, listName);
            MimeBytes body = scratchBody();
            body.ascii("--").ascii(boundary).crlf().bytes(TEXT_PART_HEADERS);
            skeleton.text().writeQuotedPrintable(body, s, reason, u);
            body.crlf().ascii("--").ascii(boundary).crlf().bytes(HTML_PART_HEADERS);
            skeleton.html().writeQuotedPrintable(body, s, reason, u);
            body.crlf().ascii("--").ascii(boundary).ascii("--").crlf();
            bytes = detached(body);
        } else {
            String text = content.text();
            String html = content.html();
            MimeBytes body = scratchBody();
            MimeBytes.LineCache[] caches = lineCaches.get();
            body.ascii("--").ascii(boundary).crlf().bytes(TEXT_PART_HEADERS).quotedPrintable(text, caches[0]).crlf();
            body.ascii("--").ascii(boundary).crlf().bytes(HTML_PART_HEADERS).quotedPrintable(html, caches[1]).crlf();
            body.ascii("--").ascii(boundary).ascii("--").crlf();
            bytes = detached(body);
            caches[0].commit(bytes);
            caches[1].commit(bytes);
        }
        m.prebuilt(bytes);
        return new Composed(m, messageId);
    }

    /**
     * The sending thread's buffer for a body, emptied: a new array per message, sized for the largest body, was 4 % of
     * a sending thread's profile samples (allocating and zeroing ~15 KB) and a fifth of all it allocated.
     */
    private static MimeBytes scratchBody() {
        return BODY.get().reset();
    }

    /** The body as an exact-size array. A buffer grown past 1 MB by an unusually large issue is not kept. */
    private static byte[] detached(MimeBytes body) {
        byte[] bytes = body.copy();
        if (body.capacity() > 1 << 20) {
            BODY.set(new MimeBytes(64 << 10));
        }
        return bytes;
    }

    /** The Date header of the second it was last asked for: {@link MailDateFormat} is slow and a second holds thousands of messages. */
    private volatile DateHeader lastDate = new DateHeader(Long.MIN_VALUE, "");

    private record DateHeader(long epochSecond, String value) {}

    /** What {@code setSentDate} writes (MailDateFormat, the JVM's zone), made once a second. */
    private String dateHeader(java.time.Instant now) {
        DateHeader d = lastDate;
        if (d.epochSecond() != now.getEpochSecond()) {
            d = new DateHeader(now.getEpochSecond(), new MailDateFormat().format(Date.from(now)));
            lastDate = d;
        }
        return d.value();
    }

    /** Jakarta Mail's boundary format (UniqueValue): "=_" cannot occur in quoted-printable or header text. */
    private static String boundary() {
        return "----=_Part_" + PART.getAndIncrement() + "_" + (ThreadLocalRandom.current().nextInt() & Integer.MAX_VALUE) + "."
                + System.currentTimeMillis();
    }

    /** One recipient's URLs, each token made once per message (a link used twice gets the same URL, as before). */
    private final class Urls implements LayoutSkeleton.Links {
        private final long sid;
        private final long listId;
        private String unsubscribe;
        private String view;
        private java.util.HashMap<String, String> clicks;

        Urls(long sid, long listId) {
            this.sid = sid;
            this.listId = listId;
        }

        @Override
        public String webView() {
            if (view == null) {
                view = urls.view(campaign, sid);
            }
            return view;
        }

        @Override
        public String unsubscribe() {
            if (unsubscribe == null) {
                unsubscribe = urls.unsubscribe(campaign, sid, listId);
            }
            return unsubscribe;
        }

        @Override
        public String preferences() {
            return urls.preferences(campaign, sid);
        }

        @Override
        public String pixel() {
            return urls.open(campaign, sid);
        }

        @Override
        public String click(String url) {
            if (clicks == null) {
                clicks = new java.util.HashMap<>();
            }
            String tracked = clicks.get(url);
            if (tracked == null) {
                Long id = linkIds.get(url);
                if (id == null) {
                    id = links.idFor(campaign, url);
                    linkIds.put(url, id);
                }
                tracked = urls.click(campaign, sid, id);
                clicks.put(url, tracked);
            }
            return tracked;
        }
    }

    /** RFC 2919: a phrase plus a unique id made of the list's name and our domain. */
    private String listId(String listName, long listId) {
        String slug = listName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        String phrase = listName.replaceAll("[\"\\\\]", "");
        return "\"" + phrase + "\" <" + (slug.isEmpty() ? "list" : slug) + "." + listId + "." + sender.domain() + ">";
    }

    /**
     * A message whose headers are set as usual and whose body is already encoded: it counts as saved and
     * unmodified, so {@link MimeMessage#writeTo} writes its header lines and then these bytes, and reading it
     * back (getContent and the like) parses them as for a received message.
     */
    private static final class PrebuiltMessage extends MimeMessage {
        private static final boolean HEADERS_UTF8 = !"false".equalsIgnoreCase(System.getProperty("mail.mime.allowutf8"));

        PrebuiltMessage(Session session) {
            super(session);
        }

        void prebuilt(byte[] body) {
            this.content = body;
            this.saved = true;
            this.modified = false;
        }

        /**
         * Header lines as a new message writes them (MimeBodyPart.writeTo: UTF-8 unless the mail.mime.allowutf8
         * system property says false), a blank line, then the body. The unmodified-message path of MimeMessage
         * would write the header lines as ISO-8859-1 instead: a non-ASCII address would change on the wire.
         */
        @Override
        public void writeTo(OutputStream os, String[] ignoreList) throws IOException, MessagingException {
            if (modified || content == null) {
                super.writeTo(os, ignoreList);
                return;
            }
            Enumeration<String> lines = getNonMatchingHeaderLines(ignoreList);
            MimeBytes head = new MimeBytes(2048);
            while (lines.hasMoreElements()) {
                String line = lines.nextElement();
                if (HEADERS_UTF8) {
                    head.bytes(line.getBytes(StandardCharsets.UTF_8));
                } else {
                    head.ascii(line);
                }
                head.crlf();
            }
            head.crlf();
            head.writeTo(os);
            os.write(content);
            os.flush();
        }

        @Override
        protected void updateMessageID() {
            // the Message-ID is ours; saveChanges() (only if a caller modifies the message) must not replace it
        }
    }
}
