package dev.letterpress.delivery;

import dev.letterpress.db.DataException;
import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import dev.letterpress.segment.Segment;
import dev.letterpress.segment.SqlFilter;
import dev.letterpress.subscriber.Subscriber;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The per-recipient delivery ledger. A row's state moves only after the fact it records: {@code sent} after
 * the SMTP server accepted the message, {@code claimed} before it is handed to SMTP. Batches are claimed by
 * keyset on subscriber id. With a local time per recipient, rows whose time has not come are {@code waiting}, which
 * no claim takes; {@link #releaseDue} queues them once their time has come.
 */
final class Ledger {
    record Recipient(Subscriber subscriber, long listId, String listName, int attempts, Instant firstFailedAt) {}

    sealed interface Outcome permits Sent, Deferred, Failed, Released, Throttled {
        long subscriberId();
    }

    record Sent(long subscriberId, String reply, String messageId) implements Outcome {}

    record Deferred(long subscriberId, int code, String detail, Instant nextAttempt) implements Outcome {}

    record Failed(long subscriberId, int code, String detail) implements Outcome {}

    record Released(long subscriberId) implements Outcome {}

    /** Held back by a rate limit, not tried: waits until {@code until}, with no attempt counted. */
    record Throttled(long subscriberId, Instant until, String detail) implements Outcome {}

    private final Jdbc jdbc;
    private final Sql sql = Sql.load("ledger");
    private final Sql campaigns = Sql.load("campaigns");
    private final Clock clock;
    private final long freezeSlice;

    Ledger(DataSource ds, Clock clock) {
        this(ds, clock, FREEZE_SLICE);
    }

    Ledger(DataSource ds, Clock clock, long freezeSlice) {
        this.freezeSlice = freezeSlice;
        this.jdbc = new Jdbc(ds);
        this.clock = clock;
    }

    /** Subscriber ids per freeze transaction: bounded work and memory per commit, whatever the audience size. */
    static final long FREEZE_SLICE = 50_000;

    /**
     * Writes one ledger row per recipient, then marks the audience frozen; -1 if it was already frozen. The
     * upper bound (the highest subscriber id when freezing began) is fixed first, so a freeze interrupted by a
     * crash resumes over the same audience; slices commit one by one and skip rows already written. Nobody sends
     * from the ledger before the frozen flag is set.
     */
    int freeze(long campaignId) {
        jdbc.update(campaigns.get("fix-audience-bound"), campaignId);
        var bound = jdbc.one(campaigns.get("audience-bound"), rs -> new long[] {rs.getBoolean(1) ? 1 : 0, rs.getLong(2)}, campaignId)
                .orElseThrow();
        if (bound[0] == 1) {
            return -1;
        }
        // a segment narrows the lists' audience: its compiled condition (values always bound) joins the slice query
        String expression = jdbc.firstOrNull(campaigns.get("campaign-segment"), rs -> rs.getString(1), campaignId);
        SqlFilter segment = expression == null ? null : Segment.parse(expression).filter("s");
        // at a local time in each subscriber's zone, every row gets its own not_before
        LocalSendTime local = localTime(campaignId);
        String base = sql.get(local == null ? "freeze-slice" : "freeze-slice-local-time");
        String slice = segment == null ? base : base.replace("GROUP BY s.id", "AND (" + segment.sql() + ")\nGROUP BY s.id");
        Instant fallback = local == null ? null : local.instantFor(null);
        for (long from = 0; from < bound[1]; from += freezeSlice) {
            long lo = from;
            long hi = Math.min(from + freezeSlice, bound[1]);
            Instant now = clock.instant();
            List<Object> params = local == null ? new ArrayList<>(List.of(campaignId, now, campaignId, lo, hi, campaignId))
                    : new ArrayList<>(List.of(campaignId, fallback, now, now, fallback, campaignId, lo, hi, campaignId));
            if (segment != null) {
                params.addAll(segment.parameters());
            }
            try {
                jdbc.update(slice, params.toArray());
            } catch (DataException raced) {
                // another node froze part of this slice at the same moment: once more, skipping its rows
                jdbc.update(slice, params.toArray());
            }
        }
        int size = (int) jdbc.count(sql.get("audience-count"), campaignId);
        return jdbc.update(campaigns.get("mark-frozen"), size, campaignId) == 0 ? -1 : size;
    }

    private LocalSendTime localTime(long campaignId) {
        return jdbc.firstOrNull(campaigns.get("campaign-local-time"), rs -> LocalSendTime.fromColumns(rs.getString(1), rs.getString(2)), campaignId);
    }

    /**
     * Queues the waiting rows whose local time has come, in slices of subscriber ids like the freeze; returns how
     * many. Idempotent, and cheap when nothing waits: each slice is a range of the state index.
     */
    int releaseDue(long campaignId) {
        var bound = jdbc.one(campaigns.get("audience-bound"), rs -> rs.getLong(2), campaignId).orElse(0L);
        Instant now = clock.instant();
        int released = 0;
        for (long from = 0; from < bound; from += freezeSlice) {
            released += jdbc.update(sql.get("release-due"), now, campaignId, from, Math.min(from + freezeSlice, bound), now);
        }
        return released;
    }

    /** When the next waiting row's local time comes, or null when none waits. */
    Instant nextLocalTime(long campaignId) {
        return jdbc.one(sql.get("next-local-time"), rs -> Jdbc.instant(rs, 1), campaignId).orElse(null);
    }

    /**
     * Claims the next batch after {@code after} (by keyset), in the transaction of {@link #writeAndClaim}: eligible
     * rows become {@code claimed} with a lease; rows whose subscriber left or got suppressed since the freeze become
     * {@code skipped}. Returns the claimed rows; {@code lastSeen[0]} becomes the last id the claim looked at.
     */
    interface Claimer {
        List<Recipient> claim(long campaignId, long after, int limit, String node, Duration lease, long[] lastSeen);
    }

    /**
     * Records a batch's outcomes (none before a worker's first batch) and, in the same transaction, lets {@code next}
     * claim the following batch: one commit per batch instead of two. On H2 each commit writes every page it changed
     * to the file (WRITE_DELAY=0), and the outcomes and the next claim change the same pages (adjacent ids); the two
     * commits were a fifth of a sending thread. When anything fails, none of it is written: the caller records the
     * outcomes on their own then. (What {@code next} changed outside the database stays: a sweep's cursor past rows
     * that are {@code queued} again, which the next run, with a new sweep from the start, picks up.)
     */
    List<Recipient> writeAndClaim(long campaignId, String node, List<Outcome> outcomes, java.util.function.Function<Claimer, List<Recipient>> next) {
        return jdbc.inTransaction(c -> {
            writeIn(c, campaignId, node, outcomes);
            return next.apply((id, after, limit, n, lease, lastSeen) -> {
                try {
                    return claimIn(c, id, after, limit, n, lease, lastSeen);
                } catch (SQLException e) {
                    throw new DataException("ledger claim", e);
                }
            });
        });
    }

    private List<Recipient> claimIn(Connection c, long campaignId, long after, int limit, String node, Duration lease, long[] lastSeen)
            throws SQLException {
        Instant now = clock.instant();
        List<Long> candidates = Jdbc.query(c, sql.get("batch-end"), rs -> rs.getLong(1), campaignId, after, now, now, limit);
        if (candidates.isEmpty()) {
            return List.<Recipient>of();
        }
        long end = candidates.get(candidates.size() - 1);
        List<Long> locked = Jdbc.query(c, sql.get("lock-batch"), rs -> rs.getLong(1), campaignId, after, end, now, now);
        // the whole range is looked at: what was not locked here is another node's (or was claimed meanwhile)
        lastSeen[0] = end;
        if (locked.isEmpty()) {
            return List.<Recipient>of();
        }
        java.util.Set<Long> mine = new java.util.HashSet<>(locked);
        List<Object[]> rows = new ArrayList<>(locked.size());
        for (Object[] row : Jdbc.query(c, sql.get("batch-details"), rs -> mine.contains(rs.getLong("subscriber_id")) ? new Object[] {
                new Recipient(new Subscriber(rs.getLong("subscriber_id"), rs.getString("email"), rs.getString("name"),
                        dev.letterpress.subscriber.SubscriberStore.attributes(rs.getString("attributes")), "active"),
                        rs.getLong("list_id"), rs.getString("list_name"), rs.getInt("attempts"), Jdbc.instant(rs, "first_failed_at")),
                rs.getInt("eligible") == 1} : null, campaignId, locked.get(0), locked.get(locked.size() - 1))) {
            if (row != null) {
                rows.add(row); // rows of the range that this claim did not lock (sent, or another node's) are left out
            }
        }
        List<Recipient> claimed = new ArrayList<>(rows.size());
        Map<String, PreparedStatement> statements = new java.util.LinkedHashMap<>();
        try {
            for (Object[] row : rows) {
                Recipient r = (Recipient) row[0];
                if ((Boolean) row[1]) {
                    add(statement(c, statements, "claim"), node, now.plus(lease), now, campaignId, r.subscriber().id());
                    claimed.add(r);
                } else {
                    add(statement(c, statements, "skip"), "unsubscribed or suppressed after the audience froze", now, campaignId,
                            r.subscriber().id());
                }
            }
            for (PreparedStatement ps : statements.values()) {
                ps.executeBatch();
            }
        } finally {
            for (PreparedStatement ps : statements.values()) {
                ps.close();
            }
        }
        return claimed;
    }

    /** Records a batch's outcomes in one transaction; rows another node took over (lease lost) are left alone. */
    void write(long campaignId, String node, List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        jdbc.inTransaction(c -> {
            writeIn(c, campaignId, node, outcomes);
            return null;
        });
    }

    private void writeIn(Connection c, long campaignId, String node, List<Outcome> outcomes) throws SQLException {
        Instant now = clock.instant();
        // one statement per kind of outcome the batch has, prepared when first needed: most batches are all
        // "sent", and preparing the other four every time was 2-3 % of a sending thread
        Map<String, PreparedStatement> statements = new java.util.LinkedHashMap<>();
        try {
            for (Outcome o : outcomes) {
                long id = o.subscriberId();
                if (o instanceof Sent s) {
                    add(statement(c, statements, "mark-sent"), code(s.reply()), cut(s.reply()), s.messageId(), now, campaignId, id, node);
                } else if (o instanceof Deferred d) {
                    add(statement(c, statements, "mark-deferred"), d.code(), cut(d.detail()), now, d.nextAttempt(), now, campaignId, id, node);
                } else if (o instanceof Failed f) {
                    add(statement(c, statements, "mark-failed"), f.code(), cut(f.detail()), now, now, campaignId, id, node);
                } else if (o instanceof Throttled t) {
                    add(statement(c, statements, "mark-throttled"), cut(t.detail()), t.until(), now, campaignId, id, node);
                } else {
                    add(statement(c, statements, "release"), now, campaignId, id, node);
                }
            }
            for (PreparedStatement ps : statements.values()) {
                ps.executeBatch();
            }
        } finally {
            for (PreparedStatement ps : statements.values()) {
                ps.close();
            }
        }
    }

    private PreparedStatement statement(Connection c, Map<String, PreparedStatement> open, String name) throws SQLException {
        PreparedStatement ps = open.get(name);
        if (ps == null) {
            ps = c.prepareStatement(sql.get(name));
            open.put(name, ps);
        }
        return ps;
    }

    /**
     * Extends the lease on rows this node still holds and returns those it still holds: a row whose lease ran out
     * and that another node took over must not be sent from here too.
     */
    java.util.Set<Long> renew(long campaignId, String node, List<Long> ids, Duration lease) {
        java.util.Set<Long> held = new java.util.HashSet<>();
        if (ids.isEmpty()) {
            return held;
        }
        Instant until = clock.instant().plus(lease);
        jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.get("renew"))) {
                for (long id : ids) {
                    Jdbc.bind(ps, until, campaignId, id, node);
                    ps.addBatch();
                }
                int[] updated = ps.executeBatch();
                for (int i = 0; i < updated.length; i++) {
                    if (updated[i] != 0) {
                        held.add(ids.get(i));
                    }
                }
            }
            return null;
        });
        return held;
    }

    /** Whether some node could claim a row right now. */
    boolean hasClaimable(long campaignId) {
        Instant now = clock.instant();
        return jdbc.one(sql.get("claimable"), rs -> Boolean.TRUE, campaignId, campaignId, now, campaignId, now).isPresent();
    }

    Instant nextRetry(long campaignId) {
        return jdbc.one(sql.get("next-retry"), rs -> Jdbc.instant(rs, 1), campaignId).orElse(null);
    }

    Instant nextLeaseExpiry(long campaignId) {
        return jdbc.one(sql.get("next-lease-expiry"), rs -> Jdbc.instant(rs, 1), campaignId).orElse(null);
    }

    Map<String, Long> counts(long campaignId, CampaignStore store) {
        return store.stateCounts(campaignId);
    }

    private static void add(PreparedStatement ps, Object... params) throws SQLException {
        Jdbc.bind(ps, params);
        ps.addBatch();
    }

    private static Integer code(String reply) {
        if (reply != null && reply.length() >= 3 && Character.isDigit(reply.charAt(0))) {
            try {
                return Integer.parseInt(reply.substring(0, 3));
            } catch (NumberFormatException ignored) {
                return null;
            }
        }
        return null;
    }

    private static String cut(String s) {
        return s == null ? null : s.length() <= 1000 ? s.strip() : s.substring(0, 1000);
    }
}
