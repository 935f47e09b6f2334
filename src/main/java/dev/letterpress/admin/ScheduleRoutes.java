package dev.letterpress.admin;

import dev.letterpress.issue.IssueInvalidException;
import dev.letterpress.render.IssueRenderer;
import dev.letterpress.render.PreparedIssue;
import dev.letterpress.schedule.Campaigns;
import dev.letterpress.segment.SavedSegment;
import dev.letterpress.segment.SegmentStore;
import dev.letterpress.subscriber.NotFoundException;
import dev.letterpress.subscriber.SubscriberStore;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The schedule dialog: lists and/or a saved segment, now or a date and time in a zone, and the per-recipient
 * local-time option. The link preflight runs first; broken links are shown and need an explicit "schedule anyway".
 */
final class ScheduleRoutes {
    /** Every zone Java knows, sorted: the picker's options. */
    static final List<String> ZONES = ZoneId.getAvailableZoneIds().stream().sorted().toList();
    private static final Duration PAST_TOLERANCE = Duration.ofMinutes(1);

    private final IssueRenderer renderer;
    private final Campaigns campaigns;
    private final AdminQueries queries;
    private final SubscriberStore subscribers;
    private final SegmentStore segments;
    private final AdminView view;
    private final Clock clock;

    ScheduleRoutes(IssueRenderer renderer, Campaigns campaigns, AdminQueries queries, SubscriberStore subscribers, SegmentStore segments,
                   AdminView view, Clock clock) {
        this.renderer = renderer;
        this.campaigns = campaigns;
        this.queries = queries;
        this.subscribers = subscribers;
        this.segments = segments;
        this.view = view;
        this.clock = clock;
    }

    /** What the marketer chose, as submitted (kept to fill the dialog again). */
    record Choice(List<String> lists, String segment, boolean now, String date, String time, String zone, boolean localTime, String name) {}

    void dialog(Context ctx, AdminSessions.Session s) {
        var issue = issue(ctx);
        render(ctx, s, 200, issue, new Choice(List.of(), "", true, "", "09:00", "", false, issue.name()), null, null);
    }

    void schedule(Context ctx, AdminSessions.Session s) {
        var issue = issue(ctx);
        Choice c = new Choice(ctx.formParams("list"), blank(ctx.formParam("segment")), !"at".equals(ctx.formParam("when")),
                blank(ctx.formParam("date")), blank(ctx.formParam("time")), blank(ctx.formParam("zone")),
                ctx.formParam("localTime") != null, blank(ctx.formParam("name")).isEmpty() ? issue.name() : ctx.formParam("name").strip());
        List<String> problems = new ArrayList<>();
        if (c.lists().isEmpty()) {
            problems.add("Choose at least one list.");
        }
        c.lists().stream().filter(l -> subscribers.findList(l).isEmpty()).forEach(l -> problems.add("There is no list named '" + l + "'."));
        String segmentExpression = null;
        if (!c.segment().isEmpty()) {
            segmentExpression = segments.find(c.segment()).map(SavedSegment::expression).orElse(null);
            if (segmentExpression == null) {
                problems.add("There is no saved segment named '" + c.segment() + "'.");
            }
        }
        LocalDateTime local = null;
        ZoneId zone = null;
        if (!c.now()) {
            try {
                local = LocalDateTime.of(LocalDate.parse(c.date()), LocalTime.parse(c.time()));
                zone = ZoneId.of(c.zone());
                Instant at = local.atZone(zone).toInstant();
                // in each subscriber's zone, the time is past only when it is past in the last zone (Campaigns checks)
                if (!c.localTime() && at.isBefore(clock.instant().minus(PAST_TOLERANCE))) {
                    problems.add("That time is in the past (" + AdminView.time(at) + "); choose \"now\" to send at once.");
                }
            } catch (DateTimeException e) {
                problems.add("Give a date (YYYY-MM-DD), a time (HH:MM) and a time zone such as Europe/Berlin.");
            }
        } else if (c.localTime()) {
            problems.add("Sending at a time in each subscriber's time zone needs a date and time (choose \"At\"); "
                    + "the zone is used for subscribers without a known one.");
        }
        if (!problems.isEmpty()) {
            render(ctx, s, 422, issue, c, problems, null);
            return;
        }
        PreparedIssue prepared;
        try {
            prepared = renderer.check(issue.document());
        } catch (IssueInvalidException e) {
            render(ctx, s, 422, issue, c, e.problems().stream().map(Object::toString).toList(), null);
            return;
        }
        if (ctx.formParam("anyway") == null) {
            var links = ComposeRoutes.checkLinks(prepared);
            if (links.stream().anyMatch(l -> (Boolean) l.get("broken"))) {
                render(ctx, s, 409, issue, c, List.of(), links);
                return;
            }
        }
        long id;
        try {
            id = startCampaign(c.name(), issue.document(), c.lists(), local, zone, segmentExpression, c.localTime());
        } catch (IllegalArgumentException e) {
            render(ctx, s, 422, issue, c, List.of(e.getMessage()), null);
            return;
        }
        ctx.status(303).header("Location", "/admin/campaigns/" + id);
    }

    /**
     * The one place where the "send at this time in each subscriber's time zone" choice reaches the backend:
     * {@code local} null means now; otherwise the campaign goes out at {@code local} in {@code zone}, or, with
     * {@code localTime}, at {@code local} in each subscriber's own zone ({@code zone} for those without one).
     */
    private long startCampaign(String name, String issueJson, List<String> lists, LocalDateTime local, ZoneId zone, String segment,
                               boolean localTime) {
        if (local == null) {
            return campaigns.create(name, issueJson, lists, null, null, segment);
        }
        if (localTime) {
            return campaigns.createAtLocalTime(name, issueJson, lists, local, zone, null, segment);
        }
        return campaigns.create(name, issueJson, lists, local.atZone(zone).toInstant(), null, segment);
    }

    private AdminQueries.StoredIssue issue(Context ctx) {
        long id = Long.parseLong(ctx.pathParam("id"));
        return queries.issue(id).orElseThrow(() -> new NotFoundException("no issue #" + id));
    }

    private void render(Context ctx, AdminSessions.Session s, int status, AdminQueries.StoredIssue issue, Choice c, List<String> problems,
                        List<Map<String, Object>> links) {
        Map<String, Object> m = new HashMap<>();
        m.put("issue", Map.of("id", issue.id(), "name", issue.name()));
        m.put("lists", subscribers.listsWithCounts().stream().map(e -> Map.of("name", e.getKey().name(), "count", e.getValue(),
                "checked", c.lists().contains(e.getKey().name()))).toList());
        m.put("segments", segments.list().stream().map(SavedSegment::name).toList());
        m.put("choice", Map.of("segment", c.segment(), "now", c.now(), "date", c.date(), "time", c.time(), "zone", c.zone(),
                "localTime", c.localTime(), "name", c.name()));
        m.put("zones", ZONES);
        m.put("problems", problems == null ? List.of() : problems);
        if (links != null) {
            m.put("links", links);
            m.put("brokenLinks", links.stream().filter(l -> (Boolean) l.get("broken")).count());
        }
        view.page(ctx, status, "schedule", s, m);
    }

    private static String blank(String s) {
        return s == null ? "" : s.strip();
    }
}
