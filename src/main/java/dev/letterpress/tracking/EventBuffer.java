package dev.letterpress.tracking;

import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens and clicks on their way to the database. The endpoints only put a {@link Hit} in a queue (no database
 * work in the request); one flusher thread takes what has arrived every {@link #FLUSH_EVERY_MS} ms, looks up
 * when each message was delivered and who asked not to be tracked (one query per campaign and batch), applies
 * {@link MachineRules}, and writes the batch in one transaction. So an event is durable within about a second,
 * and {@link #close()} writes everything still queued: a graceful stop loses nothing. A crash loses at most the
 * last fraction of a second of opens and clicks, which no one can tell from a reader who did not open.
 *
 * <p>Not tracking individually ({@code tracking.individual=false}, or a subscriber's do_not_track flag): the
 * event is still classified, then stored without subscriber id and user agent, so it counts in the totals only.
 */
public final class EventBuffer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventBuffer.class);
    static final long FLUSH_EVERY_MS = 200;
    private static final int MAX_BATCH = 5_000;
    /** Characters of a user agent kept (the column's size). */
    static final int MAX_AGENT = 500;
    /** Attempts to write a batch while stopping before its events are given up (and counted in the log). */
    private static final int ATTEMPTS_AT_STOP = 3;

    private final Jdbc jdbc;
    private final Sql sql = Sql.load("tracking");
    private final boolean individual;
    // a full queue makes requests wait rather than drop events: the database, not memory, sets the pace then
    private final BlockingQueue<Hit> queue = new ArrayBlockingQueue<>(200_000);
    private final MachineRules.Bursts bursts = new MachineRules.Bursts(100_000);
    private final IdFloors idFloors = new IdFloors(sql);
    private final Thread flusher;
    private final AtomicLong added = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    /** CPU time spent writing batches: the cost of an event that no request pays, but every request shares a core with. */
    private final AtomicLong writeCpuNanos = new AtomicLong();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The flusher's batch in hand; close() finishes it once the flusher has stopped, so a failed last write loses nothing. */
    private final List<Hit> inHand = new ArrayList<>();
    private volatile boolean closing;

    public EventBuffer(Jdbc jdbc, boolean individual) {
        this.jdbc = jdbc;
        this.individual = individual;
        this.flusher = new Thread(this::run, "event-flusher");
        this.flusher.setDaemon(true);
        this.flusher.start();
    }

    void add(Hit hit) {
        try {
            queue.put(hit);
            added.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording an event", e);
        }
    }

    private void run() {
        while (!closing) {
            // parked, not slept: close() unparks it, and an interrupt could close H2's file channel mid-write
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(FLUSH_EVERY_MS));
            drainAndWrite(inHand);
        }
    }

    /**
     * Writes everything queued so far (batches of MAX_BATCH); a failed write is retried, not dropped. While stopping,
     * a batch that fails {@link #ATTEMPTS_AT_STOP} times is given up with an error naming how many events that lost,
     * so that the rest of the stop (the database's own close above all) still happens.
     */
    private void drainAndWrite(List<Hit> batch) {
        int failures = 0;
        while (true) {
            if (batch.isEmpty()) {
                queue.drainTo(batch, MAX_BATCH);
            }
            if (batch.isEmpty()) {
                return;
            }
            try {
                long cpu = THREADS.getCurrentThreadCpuTime();
                write(batch);
                writeCpuNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu);
                written.addAndGet(batch.size());
                batch.clear();
                failures = 0;
            } catch (Throwable e) { // an Error too: the flusher must not die and leave every request blocked on a full queue
                failures++;
                if (closing && failures >= ATTEMPTS_AT_STOP) {
                    log.error("stopping: gave up writing {} tracking events after {} attempts ({} more still queued): {}",
                            batch.size(), failures, queue.size(), e.toString());
                    batch.clear();
                    queue.clear();
                    return;
                }
                log.warn("could not write {} tracking events, retrying: {}", batch.size(), e.toString());
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    private void write(List<Hit> batch) {
        Map<Long, Set<Long>> subscribersByCampaign = new HashMap<>();
        for (Hit h : batch) {
            if (h.subscriber() != 0) {
                subscribersByCampaign.computeIfAbsent(h.campaign(), k -> new HashSet<>()).add(h.subscriber());
            }
        }
        Map<Rollups.Reader, Instant> sentAt = new HashMap<>();
        Map<Rollups.Reader, Integer> marked = new HashMap<>();
        Set<Long> doNotTrack = new HashSet<>();
        Set<Long> allSubscribers = new HashSet<>();
        subscribersByCampaign.forEach((campaign, ids) -> {
            allSubscribers.addAll(ids);
            jdbc.query(sql.get("sent-at"), rs -> {
                var reader = new Rollups.Reader(campaign, rs.getLong(1));
                sentAt.put(reader, Jdbc.instant(rs, 2));
                marked.put(reader, Rollups.marks(rs.getBoolean(3), rs.getBoolean(4), rs.getBoolean(5), rs.getBoolean(6)));
                return reader;
            }, ids.toArray(Long[]::new), campaign);
        });
        if (!allSubscribers.isEmpty()) {
            doNotTrack.addAll(jdbc.query(sql.get("do-not-track"), rs -> rs.getLong(1), (Object) allSubscribers.toArray(Long[]::new)));
        }
        IdFloors.Batch done = jdbc.inTransaction(c -> {
            IdFloors.Batch floors = idFloors.begin(c, batch);
            Rollups rollups = new Rollups(c, marked);
            Rows rows = new Rows();
            for (Hit h : batch) {
                MachineRules.Verdict v = MachineRules.classify(h, sentAt.get(new Rollups.Reader(h.campaign(), h.subscriber())));
                boolean burst = h.kind() == EventStore.Kind.CLICK && h.subscriber() != 0 && !h.trap()
                        && bursts.isBurst(h.campaign(), h.subscriber(), h.linkId(), h.at());
                if (burst && v.human()) {
                    v = new MachineRules.Verdict(false, MachineRules.ALL_LINKS_AT_ONCE);
                }
                boolean anonymous = !individual || doNotTrack.contains(h.subscriber());
                Long subscriber = anonymous || h.subscriber() == 0 ? null : h.subscriber();
                if (h.campaign() != 0) {
                    rollups.event(h.campaign(), subscriber, h.kind(), h.linkId(), v.human(), h.at());
                }
                rows.add(h.campaign() == 0 ? null : h.campaign(), subscriber, h.kind().name().toLowerCase(Locale.ROOT), h.linkId(),
                        anonymous ? null : truncate(h.userAgent(), MAX_AGENT), h.at(), v.human(), v.reason());
                if (burst && subscriber != null) {
                    // the burst's earlier clicks, written before or earlier in this batch (sent to the table first),
                    // were the same machine. (A reader not tracked individually has no attributed clicks to re-label,
                    // and their ledger row must not get a mark from it either.)
                    rows.insert(c);
                    reclassifyBurst(c, h, rollups, floors);
                }
            }
            rows.insert(c);
            rollups.write();
            return floors;
        });
        idFloors.committed(done);
    }

    /** A batch's events as columns, inserted by one statement over arrays (on H2 several times cheaper than a JDBC batch). */
    private final class Rows {
        final List<Object[]> pending = new ArrayList<>();

        void add(Long campaign, Long subscriber, String kind, Long link, String userAgent, Instant at, boolean human, String reason) {
            pending.add(new Object[] {campaign, subscriber, kind, link, userAgent, at, human, reason});
        }

        void insert(Connection c) throws SQLException {
            if (pending.isEmpty()) {
                return;
            }
            int n = pending.size();
            Long[] campaigns = new Long[n];
            Long[] subscribers = new Long[n];
            String[] kinds = new String[n];
            Long[] links = new Long[n];
            String[] agents = new String[n];
            Instant[] times = new Instant[n];
            Boolean[] humans = new Boolean[n];
            String[] reasons = new String[n];
            for (int i = 0; i < n; i++) {
                Object[] r = pending.get(i);
                campaigns[i] = (Long) r[0];
                subscribers[i] = (Long) r[1];
                kinds[i] = (String) r[2];
                links[i] = (Long) r[3];
                agents[i] = (String) r[4];
                times[i] = (Instant) r[5];
                humans[i] = (Boolean) r[6];
                reasons[i] = (String) r[7];
            }
            int inserted = Jdbc.update(c, sql.get("insert-classified-events"), campaigns, subscribers, kinds, links, agents, times, humans, reasons);
            if (inserted != n) {
                throw new SQLException("inserted " + inserted + " of " + n + " events");
            }
            pending.clear();
        }
    }

    private void reclassifyBurst(Connection c, Hit h, Rollups rollups, IdFloors.Batch floors) throws SQLException {
        Instant since = h.at().minus(MachineRules.BURST_WINDOW);
        long floor = idFloors.before(since, floors);
        rollups.moveBurst(floor, h.campaign(), h.subscriber(), since);
        Jdbc.update(c, sql.get("burst-reclassify"), MachineRules.ALL_LINKS_AT_ONCE, floor, h.campaign(), h.subscriber(), since);
        rollups.settleClickFlags(h.campaign(), h.subscriber(), since);
    }

    /**
     * Where a burst's earlier clicks start in the events table, so that re-labelling them reads only the campaign's
     * newest clicks rather than all of them (the table has no index by subscriber on H2: V21). Before
     * each batch the writer notes the newest event id; every row it inserts afterwards has a bigger one (ids only
     * grow). A click made at or after {@code since} cannot be in a batch before the last one whose predecessors were
     * all older than {@code since}, so that batch's noted id is a floor for the burst; when the batches kept are all
     * too new, 0 (the campaign's whole click range: slower, as correct). After a restart the first batch's floor
     * serves, since no click before it is in the burst memory. One writer at a time is assumed: close() drains on its
     * own thread only when the flusher is stuck, and a burst then may miss the stuck batch's clicks.
     */
    static final class IdFloors {
        /** One batch's floor and the newest event time of every batch written before it. */
        record Batch(long floor, Instant before, Instant newest) {}

        private static final int KEPT = 256; // batches; at one per 200 ms, far more than a burst window
        private final java.util.ArrayDeque<Batch> written = new java.util.ArrayDeque<>();
        private final Sql sql;
        private Instant newestWritten = Instant.MIN;

        IdFloors(Sql sql) {
            this.sql = sql;
        }

        synchronized Batch begin(Connection c, List<Hit> batch) throws SQLException {
            long floor = Jdbc.query(c, sql.get("max-event-id"), rs -> rs.getLong(1)).get(0);
            Instant newest = batch.stream().map(Hit::at).max(Instant::compareTo).orElse(Instant.MIN);
            return new Batch(floor, newestWritten, newest);
        }

        synchronized void committed(Batch b) {
            written.addLast(b);
            if (b.newest().isAfter(newestWritten)) {
                newestWritten = b.newest();
            }
            while (written.size() > KEPT) {
                written.removeFirst();
            }
        }

        synchronized long before(Instant since, Batch current) {
            if (current.before().isBefore(since)) {
                return current.floor();
            }
            for (var it = written.descendingIterator(); it.hasNext(); ) {
                Batch b = it.next();
                if (b.before().isBefore(since)) {
                    return b.floor();
                }
            }
            return 0;
        }
    }

    /** Waits until everything added before this call is written (tests, and the bench's event count). */
    public void flush() {
        long target = added.get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (written.get() < target && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** Stops the flusher and writes every queued event; call after the HTTP server has stopped taking requests. */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(flusher);
        try {
            flusher.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the flusher's own batch, if its last write failed, then whatever arrived since; if the flusher is stuck
        // (a write that has not returned in 30 s), its batch stays its own and only the queue is written here
        drainAndWrite(flusher.isAlive() ? new ArrayList<>() : inHand);
        long n = written.get();
        if (n > 0) {
            log.info("event writer: {} events written, {} µs of CPU per event", n, String.format(Locale.ROOT, "%.1f", writeCpuNanos.get() / 1e3 / n));
        }
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
