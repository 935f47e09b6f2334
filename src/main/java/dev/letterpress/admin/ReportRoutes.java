package dev.letterpress.admin;

import dev.letterpress.delivery.Campaign;
import dev.letterpress.delivery.CampaignStore;
import dev.letterpress.schedule.Campaigns;
import dev.letterpress.subscriber.NotFoundException;
import dev.letterpress.tracking.CampaignStats;
import dev.letterpress.tracking.EventStore;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A campaign's report: totals, hourly charts, top links, bounces, the live progress bar, and pause/resume/cancel. */
final class ReportRoutes {
    private static final int TOP_LINKS = 10;
    private static final int BOUNCES = 50;

    private final CampaignStore store;
    private final Campaigns campaigns;
    private final EventStore events;
    private final CampaignStats stats;
    private final AdminQueries queries;
    private final AdminView view;

    ReportRoutes(CampaignStore store, Campaigns campaigns, EventStore events, CampaignStats stats, AdminQueries queries, AdminView view) {
        this.store = store;
        this.campaigns = campaigns;
        this.events = events;
        this.stats = stats;
        this.queries = queries;
        this.view = view;
    }

    void show(Context ctx, AdminSessions.Session s) {
        Campaign c = campaign(ctx);
        Map<String, Object> m = new HashMap<>();
        m.put("c", DashboardRoutes.summary(c, store, events, stats));
        m.put("lists", queries.campaignLists(c.id()));
        m.put("ledger", store.stateCounts(c.id()));
        List<CampaignStats.Hour> hours = stats.timeline(c.id());
        m.put("opensChart", Charts.hourly(hours, false));
        m.put("clicksChart", Charts.hourly(hours, true));
        List<CampaignStats.LinkClicks> links = stats.topLinks(c.id(), TOP_LINKS);
        long most = links.stream().mapToLong(CampaignStats.LinkClicks::total).max().orElse(1);
        m.put("links", links.stream().map(l -> Map.of("url", l.url(), "total", l.total(), "human", l.human(), "machine", l.machine(),
                "percent", Math.max(1, Math.round(100.0 * l.total() / most)))).toList());
        m.put("bounces", events.bounces(c.id(), BOUNCES).stream().map(b -> Map.of("at", AdminView.time(b.at()),
                "email", b.email() == null ? "(erased)" : b.email(), "detail", b.detail() == null ? "" : b.detail())).toList());
        m.put("live", !c.isOver());
        m.put("canPause", Campaign.RUNNING.equals(c.status()) || Campaign.SCHEDULED.equals(c.status()));
        m.put("canResume", Campaign.PAUSED.equals(c.status()));
        m.put("canCancel", !c.isOver());
        view.page(ctx, 200, "report", s, m);
    }

    /** GET .../progress: what the progress bar polls while the campaign sends. */
    void progress(Context ctx, AdminSessions.Session s) {
        Campaign c = campaign(ctx);
        Map<String, Object> sum = DashboardRoutes.summary(c, store, events, stats);
        Map<String, Object> out = new LinkedHashMap<>();
        for (String k : List.of("status", "percent", "done", "total", "sent", "failed")) {
            out.put(k, sum.get(k));
        }
        out.put("over", c.isOver());
        AdminView.json(ctx, 200, out);
    }

    void control(Context ctx, AdminSessions.Session s) {
        Campaign c = campaign(ctx);
        switch (ctx.pathParam("action")) {
            case "pause" -> campaigns.pause(c.id());
            case "resume" -> campaigns.resume(c.id());
            case "cancel" -> campaigns.cancel(c.id());
            default -> throw new NotFoundException("no such action: " + ctx.pathParam("action"));
        }
        ctx.status(303).header("Location", "/admin/campaigns/" + c.id());
    }

    private Campaign campaign(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new NotFoundException("no campaign '" + ctx.pathParam("id") + "'");
        }
        return store.find(id).orElseThrow(() -> new NotFoundException("no campaign #" + id));
    }
}
