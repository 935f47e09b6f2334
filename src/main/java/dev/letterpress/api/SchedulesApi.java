package dev.letterpress.api;

import dev.letterpress.schedule.WeeklySchedules;
import dev.letterpress.segment.SegmentStore;
import dev.letterpress.subscriber.SubscriberStore;
import io.javalin.http.Context;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Weekly schedules: days, a local time, a zone, target lists, and the queue of issues they send one per firing. */
final class SchedulesApi {
    private static final Pattern TIME = Pattern.compile("([01]\\d|2[0-3]):[0-5]\\d");

    private final WeeklySchedules weekly;
    private final SubscriberStore subscribers;
    private final IssueQueries issues;
    private final Api.Limits limits;
    private final SegmentStore segments;

    SchedulesApi(WeeklySchedules weekly, SubscriberStore subscribers, IssueQueries issues, SegmentStore segments, Api.Limits limits) {
        this.segments = segments;
        this.weekly = weekly;
        this.subscribers = subscribers;
        this.issues = issues;
        this.limits = limits;
    }

    void all(Context ctx) {
        Json.send(ctx, 200, weekly.all().stream().map(this::view).toList());
    }

    /**
     * POST /api/schedules {name, days: ["MON","THU"], time: "09:00", zone: "Europe/Berlin", lists: [...], segment?, localTime?}:
     * segment names a saved segment; localTime true sends at the time in each subscriber's zone (zone is the fallback).
     */
    void create(Context ctx) {
        Body body = Json.object(ctx, limits.maxBodyBytes()).only("name", "days", "time", "zone", "lists", "segment", "localTime");
        String name = body.requireString("name", 200);
        if (name.isBlank()) {
            throw ApiError.badRequest("name", "must not be blank");
        }
        List<String> days = body.strings("days", true, 7, 10);
        for (int i = 0; i < days.size(); i++) {
            if (day(days.get(i)) == null) {
                throw ApiError.badRequest("days[" + i + "]", "'" + days.get(i) + "' is not a day; use MON, TUE, WED, THU, FRI, SAT or SUN");
            }
        }
        String time = body.requireString("time", 5);
        if (!TIME.matcher(time).matches()) {
            throw ApiError.badRequest("time", "a local time of day as HH:mm, e.g. 09:00");
        }
        String zone = body.requireString("zone", 64);
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw ApiError.badRequest("zone", "'" + zone + "' is not a time zone; use an IANA name such as Europe/Berlin");
        }
        List<String> lists = body.strings("lists", true, 100, 200);
        ListsApi.resolve(subscribers, lists, "lists");
        String segment = body.string("segment", false, 100);
        if (segment != null && segments.find(segment).isEmpty()) {
            throw ApiError.badRequest("segment", "no saved segment named '" + segment + "'; create it with: letterpress segments create NAME EXPR");
        }
        if (weekly.all().stream().anyMatch(s -> s.name().equals(name))) {
            throw ApiError.conflict("name", "a schedule named '" + name + "' already exists");
        }
        var s = weekly.create(name, String.join(",", days), time, zone, lists, segment, body.bool("localTime"));
        Json.send(ctx, 201, view(s));
    }

    /** GET /api/schedules/{id}: the schedule, its queue with the expected send times, and its recent runs. */
    void get(Context ctx) {
        var s = require(ctx);
        Map<String, Object> out = view(s);
        out.put("queue", queueOf(s));
        out.put("recentRuns", weekly.runs(s.id(), 10));
        Json.send(ctx, 200, out);
    }

    void queue(Context ctx) {
        Json.send(ctx, 200, queueOf(require(ctx)));
    }

    /** POST /api/schedules/{id}/queue {issueId}: a copy of the issue joins the end of the queue. */
    void enqueue(Context ctx) {
        var s = require(ctx);
        Body body = Json.object(ctx, limits.maxBodyBytes()).only("issueId");
        Long issueId = body.longValue("issueId");
        if (issueId == null) {
            throw ApiError.badRequest("issueId", "required: the id of an issue created with POST /api/issues");
        }
        var issue = issues.issue(issueId).orElseThrow(() -> ApiError.badRequest("issueId", "no issue #" + issueId));
        weekly.enqueue(s.name(), issue.name(), issue.document());
        Json.send(ctx, 201, queueOf(s));
    }

    private WeeklySchedules.Schedule require(Context ctx) {
        long id = Body.id(ctx, "id");
        return weekly.find(id).orElseThrow(() -> ApiError.notFound("no weekly schedule #" + id));
    }

    private Map<String, Object> view(WeeklySchedules.Schedule s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", s.id());
        out.put("name", s.name());
        out.put("days", List.of(s.days().split(",")));
        out.put("time", s.localTime());
        out.put("zone", s.zone());
        out.put("segment", s.segmentName());
        out.put("localTime", s.perRecipientTime());
        out.put("lists", issues.scheduleLists(s.id()));
        out.put("nextFire", weekly.nextFire(s.id()));
        out.put("ready", weekly.readyCount(s.id()));
        return out;
    }

    /** The ready issues in sending order, each with the firing it will go out at if every firing before it sends one. */
    private List<Map<String, Object>> queueOf(WeeklySchedules.Schedule s) {
        List<IssueQueries.Queued> queued = issues.queue(s.id());
        Instant next = weekly.nextFire(s.id());
        List<Instant> firings = next == null ? List.of() : firings(s, next, queued.size());
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < queued.size(); i++) {
            var q = queued.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("position", q.position());
            m.put("issueId", q.issueId());
            m.put("name", q.name());
            m.put("addedAt", q.addedAt());
            m.put("expectedAt", i < firings.size() ? firings.get(i) : null);
            out.add(m);
        }
        return out;
    }

    static List<Instant> firings(WeeklySchedules.Schedule s, Instant first, int n) {
        // the trigger's zone: with per-recipient time, UTC+14, where each firing's day reaches the time first
        ZoneId zone = s.triggerZone();
        LocalTime time = LocalTime.parse(s.localTime());
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String d : s.days().split(",")) {
            days.add(day(d));
        }
        List<Instant> out = new ArrayList<>();
        if (n == 0) {
            return out;
        }
        out.add(first);
        LocalDate date = first.atZone(zone).toLocalDate();
        while (out.size() < n) {
            date = date.plusDays(1);
            if (days.contains(date.getDayOfWeek())) {
                out.add(ZonedDateTime.of(date, time, zone).toInstant());
            }
        }
        return out;
    }

    static DayOfWeek day(String s) {
        String d = s.strip().toUpperCase(Locale.ROOT);
        if (d.length() < 3) {
            return null;
        }
        for (DayOfWeek dow : DayOfWeek.values()) {
            if (dow.name().startsWith(d)) {
                return dow;
            }
        }
        return null;
    }
}
