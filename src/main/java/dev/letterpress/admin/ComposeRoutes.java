package dev.letterpress.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.letterpress.api.TestSender;
import dev.letterpress.delivery.Mailer;
import dev.letterpress.issue.IssueInvalidException;
import dev.letterpress.issue.SectionTypes;
import dev.letterpress.linkcheck.IssueLinks;
import dev.letterpress.linkcheck.LinkCheckOptions;
import dev.letterpress.linkcheck.LinkChecker;
import dev.letterpress.linkcheck.LinkResult;
import dev.letterpress.render.IssueRenderer;
import dev.letterpress.render.MailContext;
import dev.letterpress.render.PreparedIssue;
import dev.letterpress.render.RenderedContent;
import dev.letterpress.schedule.Campaigns;
import dev.letterpress.subscriber.EmailAddress;
import dev.letterpress.subscriber.NotFoundException;
import dev.letterpress.subscriber.Subscriber;
import dev.letterpress.subscriber.SubscriberStore;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Composing an issue: the form (see {@link IssueForm}), saving with the renderer's validation, the live preview
 * (the same render as the API's preview: {@link MailContext#preview}), test sends ({@link TestSender}) and the link
 * preflight ({@link LinkChecker}). Without JavaScript every button still works by posting the whole form.
 */
final class ComposeRoutes {
    static final Subscriber SAMPLE_READER = new Subscriber(0, "reader@example.com", "Sample Reader", Map.of(), "active");
    private static final LinkCheckOptions LINK_CHECK = LinkCheckOptions.defaults().withTimeout(Duration.ofSeconds(5));

    private final IssueForm form;
    private final IssueRenderer renderer;
    private final Campaigns campaigns;
    private final AdminQueries queries;
    private final SubscriberStore subscribers;
    private final TestSender sender;
    private final String publicBaseUrl;
    private final String newsletterName;
    private final AdminView view;

    ComposeRoutes(SectionTypes types, IssueRenderer renderer, Campaigns campaigns, AdminQueries queries, SubscriberStore subscribers,
                  Mailer mailer, String publicBaseUrl, String newsletterName, AdminView view, Clock clock) {
        this.form = new IssueForm(types);
        this.renderer = renderer;
        this.campaigns = campaigns;
        this.queries = queries;
        this.subscribers = subscribers;
        this.sender = new TestSender(mailer, clock);
        this.publicBaseUrl = publicBaseUrl;
        this.newsletterName = newsletterName;
        this.view = view;
    }

    void list(Context ctx, AdminSessions.Session s) {
        view.page(ctx, 200, "issues", s, Map.of("issues", queries.recentIssues(100).stream()
                .map(i -> Map.of("id", i.id(), "name", i.name(), "created", AdminView.time(i.createdAt()))).toList()));
    }

    /** A new issue: the newsletter as sender and one lead essay to start from. */
    void fresh(Context ctx, AdminSessions.Session s) {
        ObjectNode doc = AdminView.JSON.createObjectNode();
        doc.putObject("sender").put("name", newsletterName);
        doc.putArray("sections");
        form.apply("add", "lead", doc);
        render(ctx, s, 200, new State(null, doc));
    }

    void edit(Context ctx, AdminSessions.Session s) throws JsonProcessingException {
        long id = Long.parseLong(ctx.pathParam("id"));
        var issue = queries.issue(id).orElseThrow(() -> new NotFoundException("no issue #" + id));
        ObjectNode doc = (ObjectNode) AdminView.JSON.readTree(issue.document());
        if (!doc.has("name")) {
            doc.put("name", issue.name());
        }
        State st = new State(id, doc);
        if (ctx.queryParam("saved") != null) {
            st.notice = queries.inUse(id) ? "Saved as issue #" + id + "." : "Saved.";
        }
        render(ctx, s, 200, st);
    }

    /** Every button of the form posts here; {@code action} says which. */
    void submit(Context ctx, AdminSessions.Session s) throws Exception {
        Map<String, List<String>> params = ctx.formParamMap();
        State st = new State(issueId(params), form.read(params));
        st.previewAs = IssueForm.value(params, "previewAs");
        st.testTo = IssueForm.value(params, "testTo");
        String action = String.valueOf(IssueForm.value(params, "action"));
        if (form.apply(action, IssueForm.value(params, "addType"), st.doc)) {
            render(ctx, s, 200, st);
            return;
        }
        String json = AdminView.JSON.writeValueAsString(st.doc);
        PreparedIssue prepared;
        try {
            prepared = renderer.check(json);
        } catch (IssueInvalidException e) {
            st.problems = e.problems().stream().map(p -> Map.of("path", p.path(), "message", p.message())).toList();
            render(ctx, s, 422, st);
            return;
        }
        String readerProblem = readerProblem(st.previewAs);
        if (readerProblem != null) {
            st.problems = List.of(Map.of("path", "previewAs", "message", readerProblem));
            render(ctx, s, 422, st);
            return;
        }
        switch (action) {
            case "save", "schedule" -> {
                long id = save(st, json, prepared);
                ctx.status(303).header("Location", action.equals("save") ? "/admin/issues/" + id + "?saved=1" : "/admin/issues/" + id + "/schedule");
                return;
            }
            case "testsend" -> testSend(st, prepared);
            case "checklinks" -> st.links = checkLinks(prepared);
            default -> { } // "preview": the page again, with the preview of what was typed
        }
        render(ctx, s, 200, st);
    }

    /** The live preview: the form as JSON in, the rendered HTML and text (or the problems) out. */
    void preview(Context ctx, AdminSessions.Session s) throws Exception {
        Map<String, List<String>> params = ctx.formParamMap();
        ObjectNode doc = form.read(params);
        Map<String, Object> out = new LinkedHashMap<>();
        String readerProblem = readerProblem(IssueForm.value(params, "previewAs"));
        if (readerProblem != null) {
            out.put("problems", List.of(Map.of("path", "previewAs", "message", readerProblem)));
            AdminView.json(ctx, 200, out);
            return;
        }
        try {
            PreparedIssue prepared = renderer.check(AdminView.JSON.writeValueAsString(doc));
            RenderedContent content = prepared.render(MailContext.preview(reader(IssueForm.value(params, "previewAs")), publicBaseUrl));
            out.put("html", content.html());
            out.put("text", content.text());
            out.put("problems", List.of());
        } catch (IssueInvalidException e) {
            out.put("problems", e.problems().stream().map(p -> Map.of("path", p.path(), "message", p.message())).toList());
        }
        AdminView.json(ctx, 200, out);
    }

    /** Replaces the stored issue unless a campaign or a queue already holds it; then it is saved as a new one. */
    private long save(State st, String json, PreparedIssue prepared) {
        String name = st.doc.hasNonNull("name") ? st.doc.get("name").asText() : prepared.issue().subject();
        if (st.issueId != null && queries.issue(st.issueId).isPresent() && !queries.inUse(st.issueId)) {
            queries.updateIssue(st.issueId, name, json);
            return st.issueId;
        }
        return campaigns.saveIssue(name, json);
    }

    private void testSend(State st, PreparedIssue prepared) throws Exception {
        List<String> to = st.testTo == null ? List.of() : List.of(st.testTo.strip().split("[\\s,;]+"));
        List<Map<String, Object>> results = new ArrayList<>();
        if (to.isEmpty() || to.size() > TestSender.MAX_RECIPIENTS) {
            results.add(Map.of("to", "", "sent", false, "reply", "give 1 to " + TestSender.MAX_RECIPIENTS + " addresses, separated by commas"));
        } else if (to.stream().anyMatch(a -> EmailAddress.problem(a) != null)) {
            to.stream().filter(a -> EmailAddress.problem(a) != null)
                    .forEach(a -> results.add(Map.of("to", a, "sent", false, "reply", EmailAddress.problem(a))));
        } else {
            RenderedContent content = prepared.render(MailContext.preview(reader(st.previewAs), publicBaseUrl));
            for (TestSender.Result r : sender.send(prepared.issue(), content, to)) {
                results.add(Map.of("to", r.to(), "sent", r.sent(), "reply", r.reply() == null ? "" : r.reply()));
            }
        }
        st.testResults = results;
    }

    static List<Map<String, Object>> checkLinks(PreparedIssue prepared) {
        Map<String, IssueLinks.Link> where = new LinkedHashMap<>();
        IssueLinks.of(prepared).forEach(l -> where.put(l.url(), l));
        List<Map<String, Object>> out = new ArrayList<>();
        try (LinkChecker checker = new LinkChecker(LINK_CHECK)) {
            for (LinkResult r : checker.check(new ArrayList<>(where.keySet()))) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("url", r.url());
                m.put("text", where.get(r.url()).text());
                m.put("broken", r.broken());
                m.put("outcome", r.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
                m.put("status", r.status());
                m.put("detail", r.detail() == null ? "" : r.detail());
                m.put("hops", r.hops().stream().map(h -> h.status() + " → " + h.location()).toList());
                out.add(m);
            }
        }
        // broken first: those are what the marketer has to act on
        out.sort((a, b) -> Boolean.compare((Boolean) b.get("broken"), (Boolean) a.get("broken")));
        return out;
    }

    /** Null when the preview can be made for {@code email} (empty: the sample reader). */
    private String readerProblem(String email) {
        return email == null || subscribers.findByEmail(email.strip()).isPresent() ? null
                : "no subscriber with the address '" + email.strip() + "' to preview as; leave the field empty for a sample reader";
    }

    private Subscriber reader(String email) {
        if (email == null) {
            return SAMPLE_READER;
        }
        return subscribers.findByEmail(email.strip()).orElseThrow(() -> new IllegalArgumentException(
                "no subscriber with the address '" + email.strip() + "' to preview as; leave the field empty for a sample reader"));
    }

    private static Long issueId(Map<String, List<String>> params) {
        String v = IssueForm.value(params, "issueId");
        try {
            return v == null ? null : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** What one rendering of the composer shows. */
    private static final class State {
        final Long issueId;
        final ObjectNode doc;
        String previewAs;
        String testTo;
        String notice;
        List<Map<String, String>> problems = List.of();
        List<Map<String, Object>> testResults;
        List<Map<String, Object>> links;

        State(Long issueId, ObjectNode doc) {
            this.issueId = issueId;
            this.doc = doc;
        }
    }

    private void render(Context ctx, AdminSessions.Session s, int status, State st) {
        Map<String, String> byPath = new HashMap<>();
        st.problems.forEach(p -> byPath.merge(p.get("path"), p.get("message"), (a, b) -> a + "; " + b));
        Map<String, Object> m = new HashMap<>();
        m.put("issueId", st.issueId == null ? "" : st.issueId.toString());
        m.put("name", text(st.doc, "name"));
        m.put("subject", text(st.doc, "subject"));
        m.put("preheader", text(st.doc, "preheader"));
        m.put("senderName", text(st.doc.path("sender"), "name"));
        m.put("senderEmail", text(st.doc.path("sender"), "email"));
        m.put("sections", form.sections(st.doc, byPath));
        m.put("types", form.typeChoices());
        m.put("problems", st.problems);
        m.put("byPath", byPath);
        m.put("previewAs", st.previewAs == null ? "" : st.previewAs);
        m.put("testTo", st.testTo == null ? "" : st.testTo);
        m.put("zones", ScheduleRoutes.ZONES);
        if (st.notice != null) {
            m.put("notice", st.notice);
        }
        if (st.testResults != null) {
            m.put("testResults", st.testResults);
        }
        if (st.links != null) {
            m.put("links", st.links);
            m.put("brokenLinks", st.links.stream().filter(l -> (Boolean) l.get("broken")).count());
        }
        // the preview of what the form holds now, when it is valid; the problems are only shown after a button
        try {
            PreparedIssue prepared = renderer.check(AdminView.JSON.writeValueAsString(st.doc));
            RenderedContent content = prepared.render(MailContext.preview(reader(st.previewAs), publicBaseUrl));
            m.put("previewHtml", content.html());
            m.put("previewText", content.text());
        } catch (IssueInvalidException | IllegalArgumentException e) {
            m.put("previewHtml", "");
            m.put("previewText", "");
        } catch (Exception e) {
            throw new IllegalStateException("preview failed: " + e.getMessage(), e);
        }
        view.page(ctx, status, "compose", s, m);
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).asText("");
    }
}
