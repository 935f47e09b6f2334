package dev.letterpress.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.letterpress.delivery.Mailer;
import dev.letterpress.issue.Issue;
import dev.letterpress.render.IssueRenderer;
import dev.letterpress.render.MailContext;
import dev.letterpress.render.PreparedIssue;
import dev.letterpress.render.RenderedContent;
import dev.letterpress.schedule.Campaigns;
import dev.letterpress.subscriber.EmailAddress;
import dev.letterpress.subscriber.Subscriber;
import dev.letterpress.subscriber.SubscriberStore;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Issues: create, read, replace, validate, preview for a reader, and test sends to a few given addresses. */
final class IssuesApi {
    static final int MAX_TEST_RECIPIENTS = TestSender.MAX_RECIPIENTS;
    static final Subscriber SAMPLE_READER = new Subscriber(0, "reader@example.com", "Sample Reader", Map.of(), "active");

    private final IssueRenderer renderer;
    private final Campaigns campaigns;
    private final IssueQueries issues;
    private final SubscriberStore subscribers;
    private final TestSender sender;
    private final Api.Limits limits;
    private final String publicBaseUrl;

    IssuesApi(IssueRenderer renderer, Campaigns campaigns, IssueQueries issues, SubscriberStore subscribers, Mailer mailer,
              Api.Limits limits, String publicBaseUrl, Clock clock) {
        this.renderer = renderer;
        this.campaigns = campaigns;
        this.issues = issues;
        this.subscribers = subscribers;
        this.sender = new TestSender(mailer, clock);
        this.limits = limits;
        this.publicBaseUrl = publicBaseUrl;
    }

    /** POST /api/issues: the body is the issue document itself (the same JSON as `issues validate FILE`). */
    void create(Context ctx) {
        String json = Json.objectText(ctx, limits.maxBodyBytes());
        Issue issue = renderer.check(json).issue();
        long id = campaigns.saveIssue(name(json, issue), json);
        Json.send(ctx, 201, view(require(id)));
    }

    void get(Context ctx) {
        Json.send(ctx, 200, view(require(Body.id(ctx, "id"))));
    }

    /** PUT /api/issues/{id}: replaces the document, unless a campaign or a schedule's queue already holds it. */
    void update(Context ctx) {
        long id = Body.id(ctx, "id");
        require(id);
        if (issues.inUse(id)) {
            throw ApiError.conflict("id", "issue #" + id + " belongs to a campaign or a schedule's queue and can no longer change; "
                    + "create a new issue with POST /api/issues");
        }
        String json = Json.objectText(ctx, limits.maxBodyBytes());
        Issue issue = renderer.check(json).issue();
        issues.update(id, name(json, issue), json);
        Json.send(ctx, 200, view(require(id)));
    }

    /** POST /api/issues/validate: checks a document (schemas and a render of every template) and stores nothing. */
    void validate(Context ctx) {
        String json = Json.objectText(ctx, limits.maxBodyBytes());
        Issue issue = renderer.check(json).issue();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("valid", true);
        out.put("subject", issue.subject());
        out.put("sections", issue.sections().stream().map(Issue.Section::type).toList());
        Json.send(ctx, 200, out);
    }

    /** GET /api/issues/{id}/preview?subscriber=ID: HTML and text as that reader (or a sample one) would get them, links untracked. */
    void preview(Context ctx) throws Exception {
        var stored = require(Body.id(ctx, "id"));
        Subscriber reader = reader(ctx.queryParam("subscriber"), "subscriber");
        RenderedContent content = render(stored.document(), reader);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("subject", renderer.parse(stored.document()).subject());
        out.put("subscriber", reader.email());
        out.put("html", content.html());
        out.put("text", content.text());
        Json.send(ctx, 200, out);
    }

    /** POST /api/issues/{id}/test-send {"to": [...], "subscriber": id}: the preview, mailed with a [Test] subject. */
    void testSend(Context ctx) throws Exception {
        var stored = require(Body.id(ctx, "id"));
        Body body = Json.object(ctx, limits.maxBodyBytes()).only("to", "subscriber");
        List<String> to = body.strings("to", true, MAX_TEST_RECIPIENTS, 320);
        for (int i = 0; i < to.size(); i++) {
            String problem = EmailAddress.problem(to.get(i));
            if (problem != null) {
                throw ApiError.badRequest("to[" + i + "]", problem);
            }
        }
        Long subscriberId = body.longValue("subscriber");
        Subscriber reader = reader(subscriberId == null ? null : subscriberId.toString(), "subscriber");
        PreparedIssue prepared = renderer.check(stored.document());
        RenderedContent content = render(prepared, reader);
        Json.send(ctx, 200, Map.of("results", sender.send(prepared.issue(), content, to)));
    }

    private Subscriber reader(String id, String field) {
        if (id == null || id.isEmpty()) {
            return SAMPLE_READER;
        }
        long sid;
        try {
            sid = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(field, "a subscriber id (a whole number)");
        }
        return subscribers.findById(sid).orElseThrow(() -> ApiError.badRequest(field, "no subscriber #" + sid));
    }

    private RenderedContent render(String document, Subscriber reader) throws Exception {
        return render(renderer.check(document), reader);
    }

    private RenderedContent render(PreparedIssue prepared, Subscriber reader) throws Exception {
        return prepared.render(MailContext.preview(reader, publicBaseUrl));
    }

    private IssueQueries.StoredIssue require(long id) {
        return issues.issue(id).orElseThrow(() -> ApiError.notFound("no issue #" + id));
    }

    /** The document's optional "name", else its subject. */
    private static String name(String json, Issue issue) {
        try {
            var name = Json.MAPPER.readTree(json).get("name");
            if (name != null && name.isTextual() && !name.asText().isBlank()) {
                return name.asText().length() > 300 ? name.asText().substring(0, 300) : name.asText();
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("checked JSON no longer parses", e);
        }
        return issue.subject();
    }

    private static Map<String, Object> view(IssueQueries.StoredIssue i) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", i.id());
        out.put("name", i.name());
        out.put("createdAt", i.createdAt());
        try {
            out.put("document", Json.MAPPER.readTree(i.document()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored issue #" + i.id() + " is not JSON", e);
        }
        return out;
    }
}
