package dev.letterpress.api;

import dev.letterpress.delivery.Campaign;
import dev.letterpress.delivery.CampaignStore;
import dev.letterpress.delivery.LocalSendTime;
import dev.letterpress.schedule.Campaigns;
import dev.letterpress.subscriber.SubscriberStore;
import dev.letterpress.tracking.CampaignStats;
import dev.letterpress.tracking.EventStore;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Campaigns: create for lists (now, or at a local time in a zone), pause, resume, cancel, progress, statistics. */
final class CampaignsApi {
    /** A send time this far in the past is taken as a mistake, not as "now". */
    private static final Duration PAST_TOLERANCE = Duration.ofMinutes(1);

    private final CampaignStore store;
    private final SubscriberStore subscribers;
    private final Campaigns campaigns;
    private final EventStore events;
    private final CampaignStats stats;
    private final IssueQueries issues;
    private final Api.Limits limits;
    private final Clock clock;

    CampaignsApi(CampaignStore store, SubscriberStore subscribers, Campaigns campaigns, EventStore events, CampaignStats stats, IssueQueries issues, Api.Limits limits, Clock clock) {
        this.store = store;
        this.subscribers = subscribers;
        this.campaigns = campaigns;
        this.events = events;
        this.stats = stats;
        this.issues = issues;
        this.limits = limits;
        this.clock = clock;
    }

    void recent(Context ctx) {
        int limit = Body.intQuery(ctx, "limit", 20, 1, 500);
        Json.send(ctx, 200, store.recent(limit).stream().map(this::view).toList());
    }

    /**
     * POST /api/campaigns {name?, issueId, lists, now | sendAt (+ zone), segment?}. The campaign keeps its own copy of the
     * issue, so editing the issue afterwards never changes what this campaign sends.
     */
    void create(Context ctx) {
        Body body = Json.object(ctx, limits.maxBodyBytes()).only("name", "issueId", "lists", "now", "sendAt", "zone", "segment", "localTime");
        // a segment expression narrows the lists' audience; it is copied into the campaign
        String segment = body.string("segment", false, 2000);
        if (segment != null) {
            try {
                dev.letterpress.segment.Segment.parse(segment);
            } catch (dev.letterpress.segment.SegmentSyntaxException e) {
                throw ApiError.badRequest("segment", e.getMessage());
            }
        }
        Long issueId = body.longValue("issueId");
        if (issueId == null) {
            throw ApiError.badRequest("issueId", "required: the id of an issue created with POST /api/issues");
        }
        var issue = issues.issue(issueId).orElseThrow(() -> ApiError.badRequest("issueId", "no issue #" + issueId));
        List<String> lists = body.strings("lists", true, 100, 200);
        ListsApi.resolve(subscribers, lists, "lists");
        String name = body.string("name", false, 300);
        String campaignName = name == null || name.isBlank() ? issue.name() : name;
        long id;
        if (body.bool("localTime")) {
            // sendAt is a local time in each subscriber's zone; zone is the fallback for those without a valid one
            LocalDateTime local = localWhen(body);
            try {
                id = campaigns.createAtLocalTime(campaignName, issue.document(), lists, local, ZoneId.of(body.string("zone", true, 64)), null, segment);
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("sendAt", e.getMessage());
            }
        } else {
            id = campaigns.create(campaignName, issue.document(), lists, when(body), null, segment);
        }
        Json.send(ctx, 201, view(store.require(id)));
    }

    /** With "localTime": true, sendAt is a local date and time without offset, and zone (the fallback) is required. */
    private LocalDateTime localWhen(Body body) {
        if (body.bool("now")) {
            throw ApiError.badRequest("now", "\"localTime\": true needs \"sendAt\" (a local date and time such as 2026-12-01T09:00), not \"now\"");
        }
        String sendAt = body.string("sendAt", false, 40);
        if (sendAt == null) {
            throw ApiError.badRequest("sendAt", "required with \"localTime\": true: a local date and time such as 2026-12-01T09:00");
        }
        LocalDateTime local;
        try {
            local = LocalDateTime.parse(sendAt);
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest("sendAt", "'" + sendAt + "' is not a local date and time; with \"localTime\": true use 2026-12-01T09:00"
                    + " (no offset: each subscriber's zone gives it)");
        }
        String zone = body.string("zone", false, 64);
        if (zone == null) {
            throw ApiError.badRequest("zone", "required with \"localTime\": true: the IANA zone for subscribers without a valid timezone attribute");
        }
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw ApiError.badRequest("zone", "'" + zone + "' is not a time zone; use an IANA name such as Europe/Berlin");
        }
        return local;
    }

    /** Null means now. */
    private Instant when(Body body) {
        boolean now = body.bool("now");
        String sendAt = body.string("sendAt", false, 40);
        String zone = body.string("zone", false, 64);
        if (now == (sendAt != null)) {
            throw ApiError.badRequest(now ? "sendAt" : "now", "give either \"now\": true or \"sendAt\" (with \"zone\"), not both or neither");
        }
        if (now) {
            if (zone != null) {
                throw ApiError.badRequest("zone", "only used with sendAt");
            }
            return null;
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(sendAt).toInstant();
            if (zone != null) {
                throw ApiError.badRequest("zone", "sendAt already has an offset; leave out zone or the offset");
            }
        } catch (DateTimeParseException e) {
            LocalDateTime local;
            try {
                local = LocalDateTime.parse(sendAt);
            } catch (DateTimeParseException e2) {
                throw ApiError.badRequest("sendAt", "'" + sendAt + "' is not a date and time; use 2026-12-01T09:00 with a zone");
            }
            if (zone == null) {
                throw ApiError.badRequest("zone", "required with a local sendAt: an IANA zone such as Europe/Berlin");
            }
            try {
                at = local.atZone(ZoneId.of(zone)).toInstant();
            } catch (DateTimeException e3) {
                throw ApiError.badRequest("zone", "'" + zone + "' is not a time zone; use an IANA name such as Europe/Berlin");
            }
        }
        if (at.isBefore(clock.instant().minus(PAST_TOLERANCE))) {
            throw ApiError.badRequest("sendAt", "is in the past (" + at + "); use \"now\": true to send at once");
        }
        return at;
    }

    void get(Context ctx) {
        Json.send(ctx, 200, view(require(ctx)));
    }

    void pause(Context ctx) {
        control(ctx, campaigns::pause);
    }

    void resume(Context ctx) {
        control(ctx, campaigns::resume);
    }

    void cancel(Context ctx) {
        control(ctx, campaigns::cancel);
    }

    private void control(Context ctx, java.util.function.LongConsumer action) {
        Campaign c = require(ctx);
        try {
            action.accept(c.id());
        } catch (IllegalArgumentException e) {
            throw ApiError.conflict("status", e.getMessage());
        }
        Json.send(ctx, 200, view(store.require(c.id())));
    }

    /** GET /api/campaigns/{id}/progress: where the ledger is. */
    void progress(Context ctx) {
        Campaign c = require(ctx);
        Json.send(ctx, 200, progressOf(c));
    }

    private Map<String, Object> progressOf(Campaign c) {
        Map<String, Long> ledger = store.stateCounts(c.id());
        long total = ledger.values().stream().mapToLong(Long::longValue).sum();
        long done = ledger.get("sent") + ledger.get("failed") + ledger.get("skipped");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", c.id());
        out.put("status", c.status());
        out.put("audienceFrozen", c.audienceFrozen());
        out.put("audience", c.audienceSize());
        out.put("ledger", ledger);
        out.put("done", done);
        out.put("remaining", total - done);
        out.put("percentDone", total == 0 ? 0.0 : Math.round(1000.0 * done / total) / 10.0);
        return out;
    }

    /**
     * GET /api/campaigns/{id}/statistics: ledger outcomes, and events with unique counts and rates over the sent.
     * Opens and clicks come from the rollups, split into a person's and a machine's; their "unique" and rate count
     * the recipients a person's open or click was seen from, the only figure that does not lie (see the note).
     */
    void statistics(Context ctx) {
        Campaign c = require(ctx);
        Map<String, Long> ledger = store.stateCounts(c.id());
        CampaignStats.Totals totals = stats.totals(c.id());
        Map<String, EventStore.Count> rare = events.rareCounts(c.id());
        long sent = ledger.get("sent");
        Map<String, Object> ev = new LinkedHashMap<>();
        Map<String, Object> rates = new LinkedHashMap<>();
        ev.put("open", engagement(totals.humanOpens(), totals.machineOpens()));
        ev.put("click", engagement(totals.humanClicks(), totals.machineClicks()));
        rates.put("open", rate(totals.humanOpens().recipients(), sent));
        rates.put("click", rate(totals.humanClicks().recipients(), sent));
        for (String kind : List.of("unsubscribe", "bounce", "complaint")) {
            EventStore.Count n = rare.getOrDefault(kind, new EventStore.Count(0, 0));
            ev.put(kind, Map.of("total", n.total(), "unique", n.unique()));
            rates.put(kind, rate(n.unique(), sent));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", c.id());
        out.put("status", c.status());
        out.put("sent", sent);
        out.put("failed", ledger.get("failed"));
        out.put("skipped", ledger.get("skipped"));
        out.put("events", ev);
        out.put("uniqueRates", rates);
        // opens are inflated by Apple Mail Privacy Protection and clicks by link scanners
        out.put("note", "open and click totals include machines (mail privacy proxies pre-load images, link scanners follow links);"
                + " their unique counts and rates are recipients seen opening or clicking as a person");
        Json.send(ctx, 200, out);
    }

    private static Map<String, Object> engagement(CampaignStats.Count human, CampaignStats.Count machine) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", human.events() + machine.events());
        out.put("unique", human.recipients());
        out.put("human", Map.of("events", human.events(), "recipients", human.recipients()));
        out.put("machine", Map.of("events", machine.events(), "recipients", machine.recipients()));
        return out;
    }

    private static double rate(long n, long sent) {
        return sent == 0 ? 0.0 : Math.round(10000.0 * n / sent) / 10000.0;
    }

    private Campaign require(Context ctx) {
        long id = Body.id(ctx, "id");
        return store.find(id).orElseThrow(() -> ApiError.notFound("no campaign #" + id));
    }

    private Map<String, Object> view(Campaign c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", c.id());
        out.put("name", c.name());
        out.put("issueId", c.issueId());
        out.put("status", c.status());
        out.put("statusReason", c.statusReason());
        out.put("sendAt", c.sendAt());
        LocalSendTime local = store.localTime(c.id());
        if (local == null) {
            out.put("localTime", null);
        } else {
            Map<String, Object> lt = new LinkedHashMap<>();
            lt.put("at", local.at().toString());
            lt.put("fallbackZone", local.fallback().getId());
            lt.put("first", local.first());
            lt.put("last", local.last());
            out.put("localTime", lt);
        }
        out.put("lists", issues.campaignLists(c.id()));
        out.put("audienceFrozen", c.audienceFrozen());
        out.put("audience", c.audienceSize());
        out.put("createdAt", c.createdAt());
        out.put("startedAt", c.startedAt());
        out.put("finishedAt", c.finishedAt());
        return out;
    }
}
