package dev.letterpress.tracking;

import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** Opens, clicks, unsubscribes and bounces, one row each. */
public final class EventStore {
    /** COMPLAINT: a reader marked a message as spam (a feedback-loop report read from the inbound mailbox). */
    public enum Kind { OPEN, CLICK, UNSUBSCRIBE, BOUNCE, COMPLAINT }

    public record Count(long total, long unique) {}

    /**
     * Opens or clicks split into a person's and a machine's (see MachineRules). Unique counts can only count
     * subscribers that are stored; {@code anonymous} events (do-not-track, or tracking.individual=false) are in
     * the totals only. {@code unclassified}: events recorded before classification existed.
     */
    public record Split(Count human, Count machine, long anonymous, long unclassified) {}

    public record Bounce(java.time.Instant at, String email, String detail) {}

    private final Jdbc jdbc;
    private final Sql sql = Sql.load("tracking");
    private final Clock clock;

    public EventStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public void record(Kind kind, long campaign, long subscriber, Long linkId, String detail, String userAgent) {
        jdbc.update(sql.get("insert-event"), campaign == 0 ? null : campaign, subscriber == 0 ? null : subscriber,
                kind.name().toLowerCase(java.util.Locale.ROOT), linkId, truncate(detail, 1000), truncate(userAgent, 500), clock.instant());
    }

    /** Total and unique-subscriber counts per kind for one campaign. */
    public Map<String, Count> counts(long campaign) {
        Map<String, Count> out = new LinkedHashMap<>();
        jdbc.query(sql.get("event-counts"), rs -> out.put(rs.getString("kind"), new Count(rs.getLong("total"), rs.getLong("uniques"))), campaign);
        return out;
    }

    /** Unsubscribes, bounces and complaints of one campaign: cheap at any size (opens and clicks: {@link CampaignStats}). */
    public Map<String, Count> rareCounts(long campaign) {
        Map<String, Count> out = new LinkedHashMap<>();
        jdbc.query(sql.get("rare-event-counts"), rs -> out.put(rs.getString("kind"), new Count(rs.getLong("total"), rs.getLong("uniques"))), campaign, campaign, campaign);
        return out;
    }

    /** Opens and clicks of one campaign ("open", "click"), each split into human and machine. */
    public Map<String, Split> split(long campaign) {
        Map<String, long[]> acc = new LinkedHashMap<>();
        acc.put("open", new long[6]);
        acc.put("click", new long[6]);
        jdbc.query(sql.get("event-counts-by-class"), rs -> {
            long[] a = acc.get(rs.getString("kind"));
            boolean human = rs.getBoolean("human");
            boolean unknown = rs.wasNull();
            long total = rs.getLong("total");
            if (unknown) {
                a[5] += total;
            } else {
                int at = human ? 0 : 2;
                a[at] += total;
                a[at + 1] += rs.getLong("uniques");
            }
            a[4] += total - rs.getLong("attributed");
            return null;
        }, campaign);
        Map<String, Split> out = new LinkedHashMap<>();
        acc.forEach((kind, a) -> out.put(kind, new Split(new Count(a[0], a[1]), new Count(a[2], a[3]), a[4], a[5])));
        return out;
    }

    /**
     * Readers whose message the server accepted and who bounced later (a relay's report): the accepted messages
     * that were not delivered. A bounce during the send is a failed ledger row, never counted as sent.
     */
    public long bouncedAfterSending(long campaign) {
        return jdbc.count(sql.get("bounced-after-sending"), campaign);
    }

    /** The latest bounces of a campaign, newest first; the address is null once the subscriber was erased. */
    public java.util.List<Bounce> bounces(long campaign, int limit) {
        return jdbc.query(sql.get("recent-bounces"), rs -> new Bounce(Jdbc.instant(rs, "created_at"), rs.getString("email"), rs.getString("detail")),
                campaign, limit);
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
