package dev.letterpress.render;

import dev.letterpress.config.Config;
import dev.letterpress.issue.Issue;
import dev.letterpress.subscriber.Subscriber;
import freemarker.core.TemplateHTMLOutputModel;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An issue whose sections are already rendered (once per campaign); only the layout, which greets the reader
 * and carries their links, runs per recipient.
 */
public final class PreparedIssue {
    record RenderedSection(String type, TemplateHTMLOutputModel html, String text) {}

    private final Issue issue;
    private final List<RenderedSection> sections;
    private final Template htmlLayout;
    private final Template textLayout;
    private final Templates templates;
    private final Config.Sender sender;
    /** The parts of the layout's model that are the same for every recipient, built once. */
    private final List<Map<String, Object>> htmlSections;
    private final List<Map<String, Object>> textSections;
    private final Map<String, Object> newsletter;
    /** Lengths of the last message rendered: the buffer size for the next. */
    private int htmlChars = 16_384;
    private int textChars = 4_096;

    PreparedIssue(Issue issue, List<RenderedSection> sections, Template htmlLayout, Template textLayout, Templates templates,
                  Config.Sender sender) {
        this.issue = issue;
        this.sections = sections;
        this.htmlLayout = htmlLayout;
        this.textLayout = textLayout;
        this.templates = templates;
        this.sender = sender;
        this.htmlSections = sections.stream().map(s -> Map.<String, Object>of("type", s.type(), "body", s.html())).toList();
        this.textSections = sections.stream().map(s -> Map.<String, Object>of("type", s.type(), "body", s.text())).toList();
        this.newsletter = Map.of("name", sender.newsletterName());
    }

    public Issue issue() {
        return issue;
    }

    public RenderedContent render(MailContext ctx) throws TemplateException {
        Recipient reader = Recipient.of(ctx, reason(ctx.subscriber(), ctx.listName()));
        String html = templates.render(htmlLayout, model(reader, true), htmlChars + htmlChars / 8);
        String text = templates.render(textLayout, model(reader, false), textChars + textChars / 8);
        htmlChars = html.length(); // the next reader's message is about as long (racy updates are harmless: a hint)
        textChars = text.length();
        return new RenderedContent(html, text);
    }

    Template layout(boolean html) {
        return html ? htmlLayout : textLayout;
    }

    Template template(String name) throws java.io.IOException {
        return templates.get(name);
    }

    /** One layout alone, for {@code reader}'s values (which {@link LayoutSkeleton} makes placeholders). */
    String renderLayout(Recipient reader, boolean html) throws TemplateException {
        return templates.render(html ? htmlLayout : textLayout, model(reader, html), html ? htmlChars + htmlChars / 8 : textChars + textChars / 8);
    }

    /** Why the reader gets this mail, as the footer says it. */
    String reason(Subscriber sub, String listName) {
        return sub.id() == 0
                ? "This is the web version of " + sender.newsletterName() + ", sent to the subscribers of " + listName + "."
                : "You are receiving this because you subscribed to " + listName + " from " + sender.newsletterName()
                        + " with " + sub.email() + ".";
    }

    /**
     * What the layout sees of one reader. Values are strings when rendering for real; a skeleton puts markup
     * placeholders in their place. {@code name} and {@code firstName} are null when the reader has no name.
     */
    record Recipient(Object email, Object name, Object firstName, Map<String, ?> attributes, String listName,
                  Object webView, Object unsubscribe, Object preferences, String share, Object reason, Object pixelUrl) {
        static Recipient of(MailContext ctx, String reason) {
            Subscriber sub = ctx.subscriber();
            boolean named = sub.name() != null && !sub.name().isBlank();
            return new Recipient(sub.email(), named ? sub.name() : null, named ? sub.firstName() : null, sub.attributes(),
                    ctx.listName(), ctx.webViewUrl(), ctx.unsubscribeUrl(), ctx.preferencesUrl(), ctx.shareUrl(), reason,
                    ctx.pixelUrl());
        }
    }

    private Map<String, Object> model(Recipient r, boolean html) {
        Map<String, Object> m = new HashMap<>();
        m.put("subject", issue.subject());
        if (issue.preheader() != null) {
            m.put("preheader", issue.preheader());
        }
        m.put("newsletter", newsletter);
        m.put("sections", html ? htmlSections : textSections);
        Map<String, Object> subscriber = new HashMap<>();
        subscriber.put("email", r.email());
        if (r.name() != null) {
            subscriber.put("name", r.name());
            subscriber.put("firstName", r.firstName());
        }
        subscriber.put("attributes", r.attributes());
        m.put("subscriber", subscriber);
        m.put("links", Map.of("webView", r.webView(), "unsubscribe", r.unsubscribe(), "preferences", r.preferences(),
                "share", r.share()));
        m.put("footer", Map.of("postalAddress", sender.postalAddress(), "listName", r.listName(), "reason", r.reason()));
        if (html) {
            m.put("pixelUrl", r.pixelUrl());
        }
        return m;
    }
}
