package dev.letterpress.admin;

import dev.letterpress.schedule.WeeklySchedules;
import dev.letterpress.subscriber.NotFoundException;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.SubscriberStore;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Weekly schedules: the list, creating one, its issue queue (and adding to it), and its recent runs with skips. */
final class WeeklyRoutes {
    static final List<String> DAYS = List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");

    private final WeeklySchedules weekly;
    private final SubscriberStore subscribers;
    private final dev.letterpress.segment.SegmentStore segments;
    private final AdminQueries queries;
    private final AdminView view;

    WeeklyRoutes(WeeklySchedules weekly, SubscriberStore subscribers, dev.letterpress.segment.SegmentStore segments, AdminQueries queries,
                 AdminView view) {
        this.weekly = weekly;
        this.subscribers = subscribers;
        this.segments = segments;
        this.queries = queries;
        this.view = view;
    }

    void list(Context ctx, AdminSessions.Session s) {
        render(ctx, s, 200, null);
    }

    void create(Context ctx, AdminSessions.Session s) {
        try {
            String segment = ctx.formParam("segment");
            var created = weekly.create(ctx.formParam("name"), String.join(",", ctx.formParams("day")), ctx.formParam("time"),
                    ctx.formParam("zone"), ctx.formParams("list"), segment == null || segment.isBlank() ? null : segment,
                    ctx.formParam("localTime") != null);
            ctx.status(303).header("Location", "/admin/schedules/" + created.id());
        } catch (IllegalArgumentException | NotFoundException e) {
            render(ctx, s, 422, e.getMessage().replace("--", ""));
        }
    }

    void show(Context ctx, AdminSessions.Session s) {
        var schedule = schedule(ctx);
        Map<String, Object> m = new HashMap<>();
        m.put("schedule", Map.of("id", schedule.id(), "name", schedule.name(), "days", schedule.days(), "time", schedule.localTime(),
                "zone", schedule.zone(), "next", AdminView.time(weekly.nextFire(schedule.id())), "ready", weekly.readyCount(schedule.id()),
                "segment", schedule.segmentName() == null ? "" : schedule.segmentName(), "localTime", schedule.perRecipientTime()));
        m.put("lists", queries.scheduleLists(schedule.id()));
        m.put("queue", queries.queue(schedule.id()).stream().map(q -> Map.of("issueId", q.issueId(), "name", q.name(),
                "added", AdminView.time(q.addedAt()), "state", q.state())).toList());
        m.put("runs", weekly.runs(schedule.id(), 20).stream().map(r -> Map.of("at", AdminView.time(r.firedAt()), "outcome", r.outcome(),
                "campaignId", r.campaignId() == null ? "" : r.campaignId().toString(), "note", r.note() == null ? "" : r.note())).toList());
        m.put("issues", queries.recentIssues(50).stream().map(i -> Map.of("id", i.id(), "name", i.name())).toList());
        view.page(ctx, 200, "schedule-weekly", s, m);
    }

    /** Adds a stored issue to the end of the queue (validated again, and copied, as the command line does). */
    void enqueue(Context ctx, AdminSessions.Session s) {
        var schedule = schedule(ctx);
        long issueId = Long.parseLong(String.valueOf(ctx.formParam("issue")));
        var issue = queries.issue(issueId).orElseThrow(() -> new NotFoundException("no issue #" + issueId));
        weekly.enqueue(schedule.name(), issue.name(), issue.document());
        ctx.status(303).header("Location", "/admin/schedules/" + schedule.id());
    }

    private WeeklySchedules.Schedule schedule(Context ctx) {
        long id = Long.parseLong(ctx.pathParam("id"));
        return weekly.find(id).orElseThrow(() -> new NotFoundException("no weekly schedule #" + id));
    }

    private void render(Context ctx, AdminSessions.Session s, int status, String problem) {
        Map<String, Object> m = new HashMap<>();
        m.put("schedules", weekly.all().stream().map(w -> Map.of("id", w.id(), "name", w.name(), "days", w.days(), "time", w.localTime(),
                "zone", w.zone(), "next", AdminView.time(weekly.nextFire(w.id())), "ready", weekly.readyCount(w.id()))).toList());
        m.put("lists", subscribers.lists().stream().map(MailingList::name).toList());
        m.put("days", DAYS);
        m.put("segments", segments.list().stream().map(dev.letterpress.segment.SavedSegment::name).toList());
        m.put("zones", ScheduleRoutes.ZONES);
        m.put("form", Map.of("name", orEmpty(ctx.formParam("name")), "time", ctx.formParam("time") == null ? "09:00" : ctx.formParam("time"),
                "zone", orEmpty(ctx.formParam("zone")), "days", ctx.formParams("day"), "lists", ctx.formParams("list"),
                "segment", orEmpty(ctx.formParam("segment")), "localTime", ctx.formParam("localTime") != null));
        if (problem != null) {
            m.put("problem", problem);
        }
        view.page(ctx, status, "schedules", s, m);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
