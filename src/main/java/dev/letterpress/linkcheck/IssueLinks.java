package dev.letterpress.linkcheck;

import dev.letterpress.render.MailContext;
import dev.letterpress.render.PreparedIssue;
import dev.letterpress.subscriber.Subscriber;
import dev.letterpress.tracking.LinkRegistry;
import freemarker.template.TemplateException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;

/**
 * The links an issue's readers will see: the issue rendered as a sample reader gets it (so section templates,
 * Markdown and the layout all have their say), then every {@code a href}, {@code area href} and {@code img src}
 * with http(s), read by an HTML parser. Our own per-reader links (web view, unsubscribe, preferences, share,
 * the open pixel, the hidden trap link) are left out: they are made at send time and point at this server.
 */
public final class IssueLinks {
    /** Where an issue link appears: {@code tag} is "a" or "img", {@code text} the link text or image alt. */
    public record Link(String url, String tag, String text) {}

    private static final String OWN = "https://letterpress.invalid/preflight";

    private IssueLinks() {}

    public static List<Link> of(PreparedIssue issue) {
        String html;
        try {
            html = issue.render(new MailContext(new Subscriber(0, "reader@example.com", "Sample Reader", Map.of(), "active"),
                    "Preview list", OWN + "/view", OWN + "/unsubscribe", OWN + "/preferences", OWN + "/share", OWN + "/open.gif")).html();
        } catch (TemplateException e) {
            // check() already rendered it once; a template that fails now is a template bug, not a link problem
            throw new IllegalStateException("cannot render the issue to collect its links: " + e.getMessage(), e);
        }
        return ofHtml(html);
    }

    static List<Link> ofHtml(String html) {
        Map<String, Link> links = new LinkedHashMap<>();
        for (Element e : Jsoup.parse(html).select("a[href], area[href], img[src]")) {
            boolean img = e.normalName().equals("img");
            String url = e.attr(img ? "src" : "href").strip();
            String lower = url.toLowerCase(Locale.ROOT);
            // the tracking trap link is ours too: no reader ever follows it, and its host deliberately does not exist
            if (!(lower.startsWith("http://") || lower.startsWith("https://")) || url.startsWith(OWN) || url.equals(LinkRegistry.TRAP_URL)) {
                continue;
            }
            String text = img ? e.attr("alt") : e.text();
            text = text.length() > 60 ? text.substring(0, 57) + "..." : text;
            links.putIfAbsent(url, new Link(url, img ? "img" : "a", text));
        }
        return new ArrayList<>(links.values());
    }
}
