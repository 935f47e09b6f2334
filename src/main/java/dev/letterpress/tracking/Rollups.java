package dev.letterpress.tracking;

import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report rollups' share of one event-writing transaction (tables in migration V13). Opens and clicks are
 * summed in memory per hour, link and class; a recipient's first open or click of a class marks their ledger
 * row, and a mark that changed a row is a new unique. Everything is written by {@link #write()} inside the
 * events' own transaction, so the rollups always equal what the events table holds, on any number of nodes.
 */
final class Rollups {
    static final Sql SQL = Sql.load("rollups");
    private static final String[] FLAGS = {"flag-open-human", "flag-open-machine", "flag-click-human", "flag-click-machine"};
    private static final int CLICK_HUMAN = 2;

    private record HourKey(long campaign, String kind, boolean human, Instant hour) implements Comparable<HourKey> {
        @Override
        public int compareTo(HourKey o) {
            int c = Long.compare(campaign, o.campaign);
            c = c != 0 ? c : kind.compareTo(o.kind);
            c = c != 0 ? c : Boolean.compare(human, o.human);
            return c != 0 ? c : hour.compareTo(o.hour);
        }
    }

    private record LinkKey(long campaign, long link, boolean human) implements Comparable<LinkKey> {
        @Override
        public int compareTo(LinkKey o) {
            int c = Long.compare(campaign, o.campaign);
            c = c != 0 ? c : Long.compare(link, o.link);
            return c != 0 ? c : Boolean.compare(human, o.human);
        }
    }

    private record UniqueKey(long campaign, String kind, boolean human) implements Comparable<UniqueKey> {
        @Override
        public int compareTo(UniqueKey o) {
            int c = Long.compare(campaign, o.campaign);
            c = c != 0 ? c : kind.compareTo(o.kind);
            return c != 0 ? c : Boolean.compare(human, o.human);
        }
    }

    /** A recipient of a campaign: the key of their ledger row. */
    record Reader(long campaign, long subscriber) {}

    private final Connection c;
    /**
     * The marks each reader's ledger row carried when the batch began (bit i for {@code FLAGS[i]}): a mark already
     * set needs no MERGE, which is most of a busy campaign's opens and clicks. The MERGE still checks the row, so a
     * mark read as unset is never counted twice; a burst's re-labelling forgets what was read for that reader.
     */
    private final Map<Reader, Integer> marked;
    // sorted, so that every node updates rollup rows in the same order: two concurrent writers cannot deadlock
    private final Map<HourKey, long[]> hours = new TreeMap<>();
    private final Map<LinkKey, long[]> links = new TreeMap<>();
    private final Map<UniqueKey, long[]> uniques = new TreeMap<>();
    /**
     * Readers whose ledger row a flag query should mark, by campaign, kind and class (the flag), each with the time of
     * their batch's earliest event of that flag (kept for a person's click: clicked_human_at); sorted as above.
     */
    private final Map<UniqueKey, Map<Long, Instant>> toFlag = new TreeMap<>();

    Rollups(Connection c, Map<Reader, Integer> marked) {
        this.c = c;
        this.marked = marked;
    }

    /** The mark bits of a ledger row, in the order of {@code FLAGS}. */
    static int marks(boolean openedHuman, boolean openedMachine, boolean clickedHuman, boolean clickedMachine) {
        return (openedHuman ? 1 : 0) | (openedMachine ? 2 : 0) | (clickedHuman ? 4 : 0) | (clickedMachine ? 8 : 0);
    }

    private static int flag(String kind, boolean human) {
        return (kind.equals("open") ? 0 : 2) + (human ? 0 : 1);
    }

    /** An open or a click of a campaign; {@code subscriber} null when it may not be tracked individually. */
    void event(long campaign, Long subscriber, EventStore.Kind kind, Long linkId, boolean human, Instant at) throws SQLException {
        String k = kindName(kind);
        add(hours, new HourKey(campaign, k, human, at.truncatedTo(ChronoUnit.HOURS)), 1);
        if (kind == EventStore.Kind.CLICK && linkId != null) {
            add(links, new LinkKey(campaign, linkId, human), 1);
        }
        if (subscriber != null && (marked.getOrDefault(new Reader(campaign, subscriber), 0) & (1 << flag(k, human))) == 0) {
            toFlag.computeIfAbsent(new UniqueKey(campaign, k, human), key -> new TreeMap<>())
                    .merge(subscriber, at, (a, b) -> a.isBefore(b) ? a : b);
        }
    }

    /**
     * Before a burst's earlier clicks are re-labelled a machine's (the caller's UPDATE): moves them from the
     * person's sums to the machine's. Call {@link #settleClickFlags} after the UPDATE.
     */
    void moveBurst(long idFloor, long campaign, long subscriber, Instant since) throws SQLException {
        Jdbc.query(c, SQL.get("burst-clicks"), rs -> {
            Instant hour = Jdbc.instant(rs, 1).truncatedTo(ChronoUnit.HOURS);
            add(hours, new HourKey(campaign, "click", true, hour), -1);
            add(hours, new HourKey(campaign, "click", false, hour), 1);
            long link = rs.getLong(2);
            if (!rs.wasNull()) {
                add(links, new LinkKey(campaign, link, true), -1);
                add(links, new LinkKey(campaign, link, false), 1);
            }
            return null;
        }, idFloor, campaign, subscriber, since);
    }

    /**
     * After a burst re-labelled the recipient's clicks since {@code since} (the burst's own click already written as a
     * machine's): the click marks (and the unique counts) follow what their clicks now are. A person's click is left
     * only if the first one was before the burst, since every later one was re-labelled.
     */
    void settleClickFlags(long campaign, long subscriber, Instant since) throws SQLException {
        runFlags();
        marked.remove(new Reader(campaign, subscriber));
        record Flags(boolean human, boolean machine, Instant humanAt) {}
        List<Flags> rows = Jdbc.query(c, SQL.get("click-flags"),
                rs -> new Flags(rs.getBoolean(1), rs.getBoolean(2), Jdbc.instant(rs, 3)), campaign, subscriber);
        if (rows.isEmpty()) {
            return; // not a recipient (a test send): no ledger row to mark, nothing counted
        }
        Flags was = rows.get(0);
        // a mark without a time is older than V20's backfill could date: it stays
        boolean human = was.human() && (was.humanAt() == null || was.humanAt().isBefore(since));
        boolean machine = true;
        if (was.human() != human || was.machine() != machine) {
            Jdbc.update(c, SQL.get("set-click-flags"), human, machine, human ? was.humanAt() : null, campaign, subscriber);
            add(uniques, new UniqueKey(campaign, "click", true), Boolean.compare(human, was.human()));
            add(uniques, new UniqueKey(campaign, "click", false), Boolean.compare(machine, was.machine()));
        }
    }

    /** Writes the sums; the caller commits. */
    void write() throws SQLException {
        runFlags();
        merge("add-hour", hours, (k, n) -> new Object[] {k.campaign(), k.hour(), k.kind(), k.human(), n});
        merge("add-link", links, (k, n) -> new Object[] {k.campaign(), k.link(), k.human(), n});
        merge("add-unique", uniques, (k, n) -> new Object[] {k.campaign(), k.kind(), k.human(), n});
    }

    /**
     * One statement per campaign and flag for the whole batch: it marks the readers not marked yet, and the number
     * of rows it changed is the number of new unique openers or clickers of that class.
     */
    private void runFlags() throws SQLException {
        for (var e : toFlag.entrySet()) {
            UniqueKey key = e.getKey();
            int flag = flag(key.kind(), key.human());
            Long[] ids = e.getValue().keySet().toArray(Long[]::new);
            int changed = flag == CLICK_HUMAN
                    ? Jdbc.update(c, SQL.get(FLAGS[flag]), key.campaign(), ids, e.getValue().values().toArray(Instant[]::new))
                    : Jdbc.update(c, SQL.get(FLAGS[flag]), key.campaign(), ids);
            add(uniques, key, changed);
        }
        toFlag.clear();
    }

    private interface Params<K> {
        Object[] of(K key, long n);
    }

    private <K> void merge(String query, Map<K, long[]> sums, Params<K> params) throws SQLException {
        boolean any = false;
        try (PreparedStatement ps = Jdbc.prepare(c, SQL.get(query))) {
            for (var e : sums.entrySet()) {
                if (e.getValue()[0] != 0) {
                    Jdbc.bind(ps, params.of(e.getKey(), e.getValue()[0]));
                    ps.addBatch();
                    any = true;
                }
            }
            if (any) {
                ps.executeBatch();
            }
        }
    }

    private static <K> void add(Map<K, long[]> sums, K key, long n) {
        sums.computeIfAbsent(key, k -> new long[1])[0] += n;
    }

    static String kindName(EventStore.Kind kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
