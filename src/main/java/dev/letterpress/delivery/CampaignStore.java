package dev.letterpress.delivery;

import dev.letterpress.db.DataException;
import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import dev.letterpress.subscriber.NotFoundException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Issues as stored documents, campaigns and their status, and the ledger's counts. */
public final class CampaignStore {
    private final Jdbc jdbc;
    private final Sql sql = Sql.load("campaigns");
    private final Sql ledger = Sql.load("ledger");
    private final Clock clock;

    public CampaignStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Stores an issue document; callers validate it first. */
    public long saveIssue(String name, String json) {
        return jdbc.insert(sql.get("insert-issue"), name, json, clock.instant());
    }

    public String issueDocument(long issueId) {
        return jdbc.one(sql.get("issue-document"), rs -> rs.getString(1), issueId)
                .orElseThrow(() -> new NotFoundException("no issue #" + issueId));
    }

    public long create(String name, long issueId, List<Long> listIds, Instant sendAt, Long scheduleId) {
        return create(name, issueId, listIds, sendAt, scheduleId, null);
    }

    /** As above, pinned to one server of the SMTP pool ({@code smtpServer} null: any healthy server). */
    public long create(String name, long issueId, List<Long> listIds, Instant sendAt, Long scheduleId, String smtpServer) {
        return create(name, issueId, listIds, sendAt, scheduleId, smtpServer, null);
    }

    /** As above, narrowed to subscribers matching a segment expression ({@code segment} null: the whole lists). */
    public long create(String name, long issueId, List<Long> listIds, Instant sendAt, Long scheduleId, String smtpServer, String segment) {
        return create(name, issueId, listIds, sendAt, scheduleId, smtpServer, segment, null);
    }

    /**
     * As above, at {@code localTime} in each recipient's zone ({@code localTime} null: at {@code sendAt} for everyone).
     * With a local time, {@code sendAt} should be its {@link LocalSendTime#first()}: the audience freezes then.
     */
    public long create(String name, long issueId, List<Long> listIds, Instant sendAt, Long scheduleId, String smtpServer, String segment,
                       LocalSendTime localTime) {
        return jdbc.inTransaction(c -> {
            long id = Jdbc.insert(c, sql.get("insert-campaign"), name, issueId, sendAt, scheduleId, clock.instant(), smtpServer, segment,
                    localTime == null ? null : localTime.at().toString(), localTime == null ? null : localTime.fallback().getId());
            for (long listId : listIds) {
                Jdbc.update(c, sql.get("insert-campaign-list"), id, listId);
            }
            if (localTime != null) {
                try (var ps = c.prepareStatement(sql.get("insert-local-time"))) {
                    for (var zone : localTime.everyZone().entrySet()) {
                        Jdbc.bind(ps, id, zone.getKey(), zone.getValue());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            return id;
        });
    }

    /** The campaign's per-recipient local time, or null when everyone gets it at its send time. */
    public LocalSendTime localTime(long id) {
        return jdbc.firstOrNull(sql.get("campaign-local-time"), rs -> LocalSendTime.fromColumns(rs.getString(1), rs.getString(2)), id);
    }

    /** The segment expression narrowing the campaign's audience, or null for the whole lists. */
    public String segment(long id) {
        return jdbc.firstOrNull(sql.get("campaign-segment"), rs -> rs.getString(1), id);
    }

    /** The SMTP server the campaign is pinned to, or null. */
    public String smtpServer(long id) {
        return jdbc.firstOrNull(sql.get("campaign-smtp-server"), rs -> rs.getString(1), id);
    }

    public Optional<Campaign> find(long id) {
        return jdbc.one(sql.get("campaign"), CampaignStore::campaign, id);
    }

    public Campaign require(long id) {
        return find(id).orElseThrow(() -> new NotFoundException("no campaign #" + id + "; list them with: letterpress campaigns list"));
    }

    public List<Campaign> inStatus(String status) {
        return jdbc.query(sql.get("campaigns-in-status"), CampaignStore::campaign, status);
    }

    public List<Campaign> recent(int limit) {
        return jdbc.query(sql.get("recent-campaigns"), CampaignStore::campaign, limit);
    }

    public List<Long> listIds(long campaignId) {
        return jdbc.query(sql.get("campaign-list-ids"), rs -> rs.getLong(1), campaignId);
    }

    /** The list a recipient was reached through; for subscriber 0 (the shared web view), the campaign's first list. */
    public Optional<Map.Entry<Long, String>> recipientList(long campaignId, long subscriberId) {
        return subscriberId == 0
                ? jdbc.one(sql.get("first-list"), rs -> Map.entry(rs.getLong(1), rs.getString(2)), campaignId)
                : jdbc.one(sql.get("recipient-list"), rs -> Map.entry(rs.getLong(1), rs.getString(2)), campaignId, subscriberId);
    }

    public void setStatus(long id, String status, String reason) {
        jdbc.update(sql.get("set-status"), status, reason, id);
    }

    /** Moves the status only if it is still {@code expected}; returns whether it moved. */
    public boolean transition(long id, String expected, String status, String reason) {
        return jdbc.update(sql.get("set-status-if"), status, reason, id, expected) > 0;
    }

    boolean markStarted(long id) {
        return jdbc.update(sql.get("mark-started"), clock.instant(), id) > 0;
    }

    /**
     * Finishes a running campaign and stores its final ledger counts with it, so that the dashboard opened right
     * after a big send does not count the ledger. {@code counts} must show nothing left to send, so none can change.
     */
    void markFinished(long id, String summary, Map<String, Long> counts) {
        try {
            jdbc.inTransaction(c -> {
                if (Jdbc.update(c, sql.get("mark-finished"), summary, clock.instant(), id) > 0) {
                    insertOutcomes(c, id, counts);
                }
                return null;
            });
        } catch (DataException e) {
            // the counts could not be stored: the status moves all the same, and the first reader stores them
            jdbc.update(sql.get("mark-finished"), summary, clock.instant(), id);
        }
    }

    private void insertOutcomes(java.sql.Connection c, long campaignId, Map<String, Long> counts) throws SQLException {
        for (var e : counts.entrySet()) {
            Jdbc.update(c, sql.get("insert-outcome"), campaignId, e.getKey(), e.getValue());
        }
    }

    /**
     * Ledger rows per state, every state present (zero when empty). A finished campaign's counts never change: the
     * engine stores them when it finishes the campaign, and for one finished before that (an upgraded database) the
     * first reader does; later readers read 7 rows instead of counting the ledger.
     */
    public Map<String, Long> stateCounts(long campaignId) {
        Map<String, Long> counts = zeroCounts();
        jdbc.query(sql.get("outcomes"), rs -> counts.put(rs.getString("state"), rs.getLong("deliveries")), campaignId);
        if (counts.values().stream().anyMatch(n -> n > 0)) {
            return counts;
        }
        // the status is read before counting: counts taken after it said finished are final
        boolean finished = find(campaignId).map(c -> Campaign.FINISHED.equals(c.status())).orElse(false);
        jdbc.query(ledger.get("state-counts"), rs -> counts.put(rs.getString("state"), rs.getLong("n")), campaignId);
        if (finished && counts.values().stream().anyMatch(n -> n > 0)) {
            try {
                jdbc.inTransaction(c -> {
                    insertOutcomes(c, campaignId, counts);
                    return null;
                });
            } catch (DataException e) {
                // another reader stored the same counts first
            }
        }
        return counts;
    }

    private static Map<String, Long> zeroCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String s : List.of("queued", "waiting", "claimed", "sent", "deferred", "failed", "skipped")) {
            counts.put(s, 0L);
        }
        return counts;
    }

    private static Campaign campaign(ResultSet rs) throws SQLException {
        int size = rs.getInt("audience_size");
        return new Campaign(rs.getLong("id"), rs.getString("name"), rs.getLong("issue_id"), rs.getString("status"),
                rs.getString("status_reason"), Jdbc.instant(rs, "send_at"), rs.getBoolean("audience_frozen"),
                rs.wasNull() ? null : size, Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "started_at"), Jdbc.instant(rs, "finished_at"));
    }
}
