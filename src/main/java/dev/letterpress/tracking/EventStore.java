package dev.letterpress.tracking;

import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** Opens, clicks, unsubscribes and bounces, one row each. */
public final class EventStore {
    public enum Kind { OPEN, CLICK, UNSUBSCRIBE, BOUNCE }

    public record Count(long total, long unique) {}

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

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
