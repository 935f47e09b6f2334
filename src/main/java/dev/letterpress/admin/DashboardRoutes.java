package dev.letterpress.admin;

import dev.letterpress.delivery.Campaign;
import dev.letterpress.delivery.CampaignStore;
import dev.letterpress.tracking.CampaignStats;
import dev.letterpress.tracking.EventStore;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The dashboard: upcoming and recent campaigns with their ledger and event counts. */
final class DashboardRoutes {
    private static final int RECENT = 20;

    private final CampaignStore campaigns;
    private final EventStore events;
    private final CampaignStats stats;
    private final AdminQueries queries;
    private final AdminView view;
    private final Clock clock;

    DashboardRoutes(CampaignStore campaigns, EventStore events, CampaignStats stats, AdminQueries queries, AdminView view, Clock clock) {
        this.campaigns = campaigns;
        this.events = events;
        this.stats = stats;
        this.queries = queries;
        this.view = view;
        this.clock = clock;
    }

    void show(Context ctx, AdminSessions.Session s) {
        List<Map<String, Object>> upcoming = new ArrayList<>();
        List<Map<String, Object>> recent = new ArrayList<>();
        for (Campaign c : campaigns.recent(RECENT)) {
            boolean waiting = Campaign.SCHEDULED.equals(c.status()) || Campaign.PAUSED.equals(c.status()) && !c.audienceFrozen();
            (waiting ? upcoming : recent).add(summary(c));
        }
        view.page(ctx, 200, "dashboard", s, Map.of("upcoming", upcoming, "recent", recent, "issues", queries.recentIssues(5).stream()
                .map(i -> Map.of("id", i.id(), "name", i.name(), "created", AdminView.time(i.createdAt()))).toList()));
    }

    /** One campaign's figures, as the dashboard and the report show them. */
    Map<String, Object> summary(Campaign c) {
        return summary(c, campaigns, events, stats);
    }

    /** Opens and clicks from the rollups and bounces from their few events, so this costs the same at any size. */
    static Map<String, Object> summary(Campaign c, CampaignStore campaigns, EventStore events, CampaignStats stats) {
        Map<String, Long> ledger = campaigns.stateCounts(c.id());
        CampaignStats.Totals totals = stats.totals(c.id());
        long sent = ledger.getOrDefault("sent", 0L);
        Map<String, EventStore.Count> rare = events.rareCounts(c.id());
        long bounced = rare.getOrDefault("bounce", new EventStore.Count(0, 0)).unique();
        long total = ledger.values().stream().mapToLong(Long::longValue).sum();
        long done = sent + ledger.getOrDefault("failed", 0L) + ledger.getOrDefault("skipped", 0L);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("name", c.name());
        m.put("status", c.status());
        m.put("reason", c.statusReason() == null ? "" : c.statusReason());
        m.put("sendAt", AdminView.time(c.sendAt()));
        m.put("finishedAt", AdminView.time(c.finishedAt()));
        m.put("audience", total);
        m.put("sent", sent);
        // bounces during the send are failed rows, not sent ones: only a relay's later bounce takes one off "sent"
        m.put("delivered", Math.max(0, sent - (bounced == 0 ? 0 : events.bouncedAfterSending(c.id()))));
        m.put("bounced", bounced);
        m.put("complaints", rare.getOrDefault("complaint", new EventStore.Count(0, 0)).unique());
        m.put("failed", ledger.getOrDefault("failed", 0L));
        m.put("humanOpens", totals.humanOpens().events());
        m.put("machineOpens", totals.machineOpens().events());
        m.put("humanClicks", totals.humanClicks().events());
        m.put("machineClicks", totals.machineClicks().events());
        m.put("uniqueHumanOpens", totals.humanOpens().recipients());
        m.put("uniqueHumanClicks", totals.humanClicks().recipients());
        m.put("percent", total == 0 ? (Campaign.FINISHED.equals(c.status()) ? 100 : 0) : (int) Math.floor(100.0 * done / total));
        m.put("done", done);
        m.put("total", total);
        return m;
    }
}
