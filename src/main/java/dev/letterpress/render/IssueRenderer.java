package dev.letterpress.render;

import dev.letterpress.config.Config;
import dev.letterpress.issue.Issue;
import dev.letterpress.issue.IssueInvalidException;
import dev.letterpress.issue.IssueParser;
import dev.letterpress.issue.Problem;
import dev.letterpress.issue.SectionType;
import dev.letterpress.issue.SectionTypes;
import dev.letterpress.subscriber.Subscriber;
import freemarker.core.HTMLOutputFormat;
import freemarker.core.TemplateHTMLOutputModel;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates and prepares issues. {@link #check} is what saving, validating and scheduling call: it parses
 * against the schemas and renders every template with sample readers, so a template error is found then,
 * with its section path, and never in the middle of a send.
 */
public final class IssueRenderer {
    private final Templates templates;
    private final SectionTypes types;
    private final IssueParser parser;
    private final Config.Sender sender;

    public IssueRenderer(Templates templates, SectionTypes types, Config.Sender sender) {
        this.templates = templates;
        this.types = types;
        this.parser = new IssueParser(types);
        this.sender = sender;
    }

    /** Parses, validates and test-renders; throws {@link IssueInvalidException} listing every problem. */
    public PreparedIssue check(String json) {
        PreparedIssue prepared = prepare(parser.parse(json));
        List<Problem> problems = new ArrayList<>();
        for (Subscriber sample : List.of(
                new Subscriber(1, "ada@example.com", "Ada Lovelace", Map.of("city", "London"), "active"),
                new Subscriber(2, "anonymous@example.com", null, Map.of(), "active"))) {
            try {
                prepared.render(new MailContext(sample, "Sample list", "https://example.invalid/v", "https://example.invalid/u",
                        "https://example.invalid/p", "https://example.invalid/s", "https://example.invalid/o.gif"));
            } catch (TemplateException e) {
                problems.add(new Problem("layout", "template error in " + e.getTemplateSourceName() + " line " + e.getLineNumber()
                        + ": " + firstLine(e.getMessageWithoutStackTop())));
                break;
            }
        }
        if (!problems.isEmpty()) {
            throw new IssueInvalidException(problems);
        }
        return prepared;
    }

    /** Parses and validates against the schemas only (no template run). */
    public Issue parse(String json) {
        return parser.parse(json);
    }

    /** Renders every section once; the result renders the per-recipient layout only. */
    public PreparedIssue prepare(Issue issue) {
        List<Problem> problems = new ArrayList<>();
        List<PreparedIssue.RenderedSection> rendered = new ArrayList<>();
        Map<String, Object> issueModel = new HashMap<>();
        issueModel.put("subject", issue.subject());
        if (issue.preheader() != null) {
            issueModel.put("preheader", issue.preheader());
        }
        for (Issue.Section section : issue.sections()) {
            SectionType type = types.get(section.type());
            String current = "email/sections/" + section.type() + ".ftlh";
            try {
                Map<String, Object> model = new HashMap<>();
                model.put("newsletter", Map.of("name", sender.newsletterName()));
                model.put("issue", issueModel);
                model.put("section", SectionModel.of(section.fields(), type.fields(), true));
                TemplateHTMLOutputModel html = HTMLOutputFormat.INSTANCE.fromMarkup(templates.render(current, model));
                current = "email/sections/" + section.type() + ".ftl";
                model.put("section", SectionModel.of(section.fields(), type.fields(), false));
                rendered.add(new PreparedIssue.RenderedSection(section.type(), html, templates.render(current, model).strip()));
            } catch (TemplateException e) {
                problems.add(new Problem(section.path(), "template error in " + current + " line " + e.getLineNumber() + ": "
                        + firstLine(e.getMessageWithoutStackTop())));
            } catch (IOException e) {
                problems.add(new Problem(section.path(), "cannot load template " + current + ": " + firstLine(e.getMessage())));
            }
        }
        Template htmlLayout = null;
        Template textLayout = null;
        try {
            htmlLayout = templates.get("email/layout/issue.ftlh");
            textLayout = templates.get("email/layout/issue.ftl");
        } catch (IOException e) {
            problems.add(new Problem("layout", "cannot load layout template: " + firstLine(e.getMessage())));
        }
        if (!problems.isEmpty()) {
            throw new IssueInvalidException(problems);
        }
        return new PreparedIssue(issue, List.copyOf(rendered), htmlLayout, textLayout, templates, sender);
    }

    /** FreeMarker's message without its hints: the first line and, when it names the failing expression, that too. */
    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String line : s.strip().split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("----") || t.startsWith("Tip:") || out.length() > 0 && !t.startsWith("==>")) {
                if (out.length() > 0) {
                    break;
                }
                continue;
            }
            out.append(out.length() == 0 ? "" : " ").append(t);
        }
        return out.toString();
    }
}
