package dev.letterpress.render;

import dev.letterpress.config.Config;
import dev.letterpress.issue.Issue;
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
        String html = templates.render(htmlLayout, model(ctx, true), htmlChars + htmlChars / 8);
        String text = templates.render(textLayout, model(ctx, false), textChars + textChars / 8);
        htmlChars = html.length(); // the next reader's message is about as long (racy updates are harmless: a hint)
        textChars = text.length();
        return new RenderedContent(html, text);
    }

    private Map<String, Object> model(MailContext ctx, boolean html) {
        Map<String, Object> m = new HashMap<>();
        m.put("subject", issue.subject());
        if (issue.preheader() != null) {
            m.put("preheader", issue.preheader());
        }
        m.put("newsletter", newsletter);
        m.put("sections", html ? htmlSections : textSections);
        var sub = ctx.subscriber();
        Map<String, Object> subscriber = new HashMap<>();
        subscriber.put("email", sub.email());
        if (sub.name() != null && !sub.name().isBlank()) {
            subscriber.put("name", sub.name());
            subscriber.put("firstName", sub.firstName());
        }
        subscriber.put("attributes", sub.attributes());
        m.put("subscriber", subscriber);
        m.put("links", Map.of("webView", ctx.webViewUrl(), "unsubscribe", ctx.unsubscribeUrl(),
                "preferences", ctx.preferencesUrl(), "share", ctx.shareUrl()));
        String reason = sub.id() == 0
                ? "This is the web version of " + sender.newsletterName() + ", sent to the subscribers of " + ctx.listName() + "."
                : "You are receiving this because you subscribed to " + ctx.listName() + " from " + sender.newsletterName()
                        + " with " + sub.email() + ".";
        m.put("footer", Map.of("postalAddress", sender.postalAddress(), "listName", ctx.listName(), "reason", reason));
        if (html) {
            m.put("pixelUrl", ctx.pixelUrl());
        }
        return m;
    }
}
