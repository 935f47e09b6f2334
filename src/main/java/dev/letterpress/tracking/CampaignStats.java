package dev.letterpress.tracking;

import dev.letterpress.db.Jdbc;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A campaign's opens and clicks for reports, read from the rollups (migration V13, kept by {@link Rollups}), so
 * the cost does not grow with the number of events: a handful of rows per campaign and hour.
 */
public final class CampaignStats {
    /** One class (a person's or a machine's) of one kind: events, and distinct recipients among them. */
    public record Count(long events, long recipients) {}

    /** Opens and clicks of a campaign, each split into a person's and a machine's. */
    public record Totals(Count humanOpens, Count machineOpens, Count humanClicks, Count machineClicks) {}

    /** One hour (UTC) of a campaign's timeline. */
    public record Hour(Instant start, long humanOpens, long machineOpens, long humanClicks, long machineClicks) {}

    public record LinkClicks(long linkId, String url, long human, long machine) {
        public long total() {
            return human + machine;
        }
    }

    private final Jdbc jdbc;

    public CampaignStats(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Totals totals(long campaign) {
        long[] events = new long[4];
        long[] recipients = new long[4];
        jdbc.query(Rollups.SQL.get("totals"), rs -> events[slot(rs.getString(1), rs.getBoolean(2))] += rs.getLong(3), campaign);
        jdbc.query(Rollups.SQL.get("uniques"), rs -> recipients[slot(rs.getString(1), rs.getBoolean(2))] += rs.getLong(3), campaign);
        return new Totals(new Count(events[0], recipients[0]), new Count(events[1], recipients[1]),
                new Count(events[2], recipients[2]), new Count(events[3], recipients[3]));
    }

    /** Hours with any open or click, oldest first. */
    public List<Hour> timeline(long campaign) {
        Map<Instant, long[]> byHour = new LinkedHashMap<>();
        jdbc.query(Rollups.SQL.get("hours"), rs -> byHour.computeIfAbsent(Jdbc.instant(rs, 1), h -> new long[4])
                [slot(rs.getString(2), rs.getBoolean(3))] += rs.getLong(4), campaign);
        List<Hour> out = new ArrayList<>(byHour.size());
        byHour.forEach((h, n) -> out.add(new Hour(h, n[0], n[1], n[2], n[3])));
        return out;
    }

    /** The most clicked links (all classes), most first. */
    public List<LinkClicks> topLinks(long campaign, int limit) {
        Map<Long, LinkClicks> byLink = new LinkedHashMap<>();
        jdbc.query(Rollups.SQL.get("links"), rs -> {
            long id = rs.getLong(1);
            boolean human = rs.getBoolean(3);
            long n = rs.getLong(4);
            LinkClicks was = byLink.getOrDefault(id, new LinkClicks(id, rs.getString(2), 0, 0));
            return byLink.put(id, new LinkClicks(id, was.url(), was.human() + (human ? n : 0), was.machine() + (human ? 0 : n)));
        }, campaign);
        return byLink.values().stream()
                .filter(l -> l.total() > 0)
                .sorted(Comparator.comparingLong(LinkClicks::total).reversed().thenComparing(LinkClicks::url))
                .limit(limit).toList();
    }

    private static int slot(String kind, boolean human) {
        return ("open".equals(kind) ? 0 : 2) + (human ? 0 : 1);
    }
}
