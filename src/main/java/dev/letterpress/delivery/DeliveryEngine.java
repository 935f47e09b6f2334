package dev.letterpress.delivery;

import dev.letterpress.config.Config;
import dev.letterpress.issue.IssueInvalidException;
import dev.letterpress.render.IssueRenderer;
import dev.letterpress.render.MailComposer;
import dev.letterpress.subscriber.SubscriberStore;
import dev.letterpress.tracking.EventStore;
import dev.letterpress.tracking.LinkRegistry;
import dev.letterpress.tracking.PublicUrls;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a campaign from its ledger: freezes the audience once, then several workers (one SMTP connection
 * each) claim batches by keyset, send, and write each batch's outcomes. Everything it needs to resume is in
 * the ledger, so a run can stop at any point and a later run carries on.
 */
public final class DeliveryEngine {
    private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);

    /** How a run ended; {@code retryAt} says when to run again for {@link Kind#RETRY_LATER}. */
    public record Result(Kind kind, Instant retryAt, String detail) {
        public enum Kind { FINISHED, RETRY_LATER, PAUSED, STOPPED, NOT_RUNNABLE }
    }

    private final CampaignStore campaigns;
    private final Ledger ledger;
    private final IssueRenderer renderer;
    private final SubscriberStore subscribers;
    private final EventStore events;
    private final Mailer mailer;
    private final PublicUrls urls;
    private final LinkRegistry links;
    private final Config config;
    private final Clock clock;
    private final String node;
    private final Backoff backoff;
    private final RateLimits limits;
    private final SoftBounces softBounces;
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** Campaigns this node is sending right now: one run per campaign per node (other nodes may run it too). */
    private final java.util.Set<Long> active = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public DeliveryEngine(CampaignStore campaigns, javax.sql.DataSource ds, IssueRenderer renderer, SubscriberStore subscribers,
                          EventStore events, SoftBounces softBounces, Mailer mailer, PublicUrls urls, LinkRegistry links, Config config,
                          Clock clock, String node) {
        this.campaigns = campaigns;
        this.ledger = new Ledger(ds, clock);
        this.renderer = renderer;
        this.subscribers = subscribers;
        this.events = events;
        this.mailer = mailer;
        this.urls = urls;
        this.links = links;
        this.config = config;
        this.clock = clock;
        this.node = node;
        Config.Delivery d = config.delivery();
        this.backoff = new Backoff(d.retryInitial(), d.retryMax(), d.retryGiveUp());
        this.limits = new RateLimits(ds, config, clock);
        this.softBounces = softBounces;
    }

    /** Asks running sends to finish the message in hand, record what they did, and hand back the rest. */
    public void stop() {
        stopping.set(true);
    }

    /** How soon a trigger that found the campaign already sending on this node looks again. */
    static final java.time.Duration BUSY_RETRY = java.time.Duration.ofSeconds(5);

    public Result run(long campaignId) {
        if (stopping.get()) {
            return new Result(Result.Kind.STOPPED, null, "this node is stopping");
        }
        if (!active.add(campaignId)) {
            // a retry, not a dead end: the run in progress may be a helper's (CampaignWatcher), whose own RETRY_LATER
            // (rows waiting for a retry or their local time) schedules nothing, so this trigger must not be lost
            return new Result(Result.Kind.RETRY_LATER, clock.instant().plus(BUSY_RETRY), "already sending on this node");
        }
        try {
            return runOnce(campaignId);
        } finally {
            active.remove(campaignId);
        }
    }

    /** Whether this node is sending the campaign now. */
    public boolean isSending(long campaignId) {
        return active.contains(campaignId);
    }

    /** Running campaigns with rows claimable now that this node is not already sending. */
    public List<Long> campaignsNeedingHelp() {
        List<Long> out = new ArrayList<>();
        for (Campaign c : campaigns.inStatus(Campaign.RUNNING)) {
            if (!active.contains(c.id()) && c.audienceFrozen() && ledger.hasClaimable(c.id())) {
                out.add(c.id());
            }
        }
        return out;
    }

    private Result runOnce(long campaignId) {
        Campaign c = campaigns.require(campaignId);
        if (c.isOver() || Campaign.PAUSED.equals(c.status())) {
            return new Result(Result.Kind.NOT_RUNNABLE, null, "campaign is " + c.status());
        }
        if (!campaigns.markStarted(campaignId)) {
            return new Result(Result.Kind.NOT_RUNNABLE, null, "campaign could not start");
        }
        if (!c.audienceFrozen()) {
            int size = ledger.freeze(campaignId);
            log.info("campaign {}: audience frozen, {} recipients", campaignId, size);
        }
        if (campaigns.localTime(campaignId) != null) {
            int due = ledger.releaseDue(campaignId);
            if (due > 0) {
                log.info("campaign {}: local time reached for {} more recipients", campaignId, due);
            }
        }
        MailComposer composer;
        try {
            var prepared = renderer.prepare(renderer.parse(campaigns.issueDocument(c.issueId())));
            composer = new MailComposer(prepared, campaignId, urls, links, config.sender(), clock);
        } catch (IssueInvalidException e) {
            // Validated when scheduled; only a template edited since can get here. Pause, never send half-broken mail.
            campaigns.setStatus(campaignId, Campaign.PAUSED, "issue no longer renders: " + e.getMessage());
            return new Result(Result.Kind.PAUSED, null, e.getMessage());
        }
        Sweep sweep = new Sweep(campaignId, composer, campaigns, campaigns.smtpServer(campaignId),
                new ErrorRate(config.delivery().pauseWindow(), config.delivery().pauseErrorRate()));
        int workers = config.delivery().connections();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "send-" + campaignId);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                futures.add(pool.submit(new Worker(sweep, mailer, ledger, events, subscribers, softBounces, backoff, config.delivery(), limits, clock, node, stopping)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.set(true);
        } catch (java.util.concurrent.ExecutionException e) {
            log.error("campaign {}: a send worker failed; the ledger keeps its state for the next run", campaignId, e.getCause());
            return new Result(Result.Kind.RETRY_LATER, clock.instant().plusSeconds(60), String.valueOf(e.getCause()));
        } finally {
            // not shutdownNow(): an interrupt inside H2's file I/O would close the database; stop() already asked
            // the workers to finish the message in hand and hand the rest back
            pool.shutdown();
        }
        return finish(campaignId, sweep);
    }

    private Result finish(long campaignId, Sweep sweep) {
        if (stopping.get()) {
            return new Result(Result.Kind.STOPPED, null, "stopped by shutdown");
        }
        if (sweep.restUntil != null) {
            // only the reason changes, and only while still running: a pause or cancel made meanwhile must stand
            if (!campaigns.transition(campaignId, Campaign.RUNNING, Campaign.RUNNING, sweep.restWhy + "; resumes at " + sweep.restUntil)) {
                return new Result(Result.Kind.PAUSED, null, "campaign is " + campaigns.require(campaignId).status());
            }
            return new Result(Result.Kind.RETRY_LATER, sweep.restUntil, sweep.restWhy);
        }
        Campaign now = campaigns.require(campaignId);
        if (!Campaign.RUNNING.equals(now.status())) {
            return new Result(Result.Kind.PAUSED, null, "campaign is " + now.status());
        }
        Map<String, Long> counts = campaigns.stateCounts(campaignId);
        if (counts.get("queued") > 0) {
            return new Result(Result.Kind.RETRY_LATER, clock.instant(), counts.get("queued") + " recipients still queued");
        }
        Instant lease = counts.get("claimed") > 0 ? ledger.nextLeaseExpiry(campaignId) : null;
        Instant retry = counts.get("deferred") > 0 ? ledger.nextRetry(campaignId) : null;
        // rows waiting for their local time: the run ends, and the next one starts when the next zone's time comes
        // (a Quartz trigger, not a waiting thread or connection)
        Instant local = counts.get("waiting") > 0 ? ledger.nextLocalTime(campaignId) : null;
        Instant at = earliest(earliest(lease, retry), local);
        if (at != null) {
            String why = (lease == null && retry == null ? "" : counts.get("deferred") + " deferred, " + counts.get("claimed") + " claimed elsewhere; ")
                    + (local == null ? "" : counts.get("waiting") + " waiting for their local time; ") + "next try at " + at;
            if (!campaigns.transition(campaignId, Campaign.RUNNING, Campaign.RUNNING, why)) {
                return new Result(Result.Kind.PAUSED, null, "campaign is " + campaigns.require(campaignId).status());
            }
            return new Result(Result.Kind.RETRY_LATER, at, why);
        }
        String summary = counts.get("sent") + " sent, " + counts.get("failed") + " failed, " + counts.get("skipped") + " skipped";
        campaigns.markFinished(campaignId, summary, counts);
        links.evict(campaignId);
        log.info("campaign {} finished: {}", campaignId, summary);
        return new Result(Result.Kind.FINISHED, null, summary);
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    /** One pass over the ledger by keyset, shared by the workers of a run. */
    static final class Sweep {
        final long campaignId;
        final MailComposer composer;
        /** The SMTP server the campaign is pinned to, or null for any healthy one. */
        final String smtpServer;
        private final CampaignStore campaigns;
        /** Set when the server's rate limit ran dry for longer than a worker may wait: the sweep rests until then. */
        private volatile Instant restUntil;
        private volatile String restWhy;
        private long cursor;
        private volatile boolean exhausted;
        private volatile boolean halted;
        private static final long STATUS_EVERY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
        private volatile long statusReadAt = System.nanoTime();

        private final ErrorRate errors;

        Sweep(long campaignId, MailComposer composer, CampaignStore campaigns, String smtpServer, ErrorRate errors) {
            this.campaignId = campaignId;
            this.composer = composer;
            this.smtpServer = smtpServer;
            this.campaigns = campaigns;
            this.errors = errors;
        }

        /** Counts a batch's attempts; pauses the campaign (for every node) when the recent error rate is too high. */
        void recordOutcomes(List<Ledger.Outcome> outcomes, String lastError) {
            boolean tripped = false;
            for (Ledger.Outcome o : outcomes) {
                if (!(o instanceof Ledger.Released) && !(o instanceof Ledger.Throttled)) {
                    tripped |= errors.record(!(o instanceof Ledger.Sent));
                }
            }
            if (tripped && !halted) {
                String why = String.format(java.util.Locale.ROOT, "paused automatically: %.0f%% of the last %d attempts failed%s",
                        errors.share() * 100, errors.window(), lastError == null ? "" : " (last: " + lastError + ")");
                if (campaigns.transition(campaignId, Campaign.RUNNING, Campaign.PAUSED, why)) {
                    log.warn("campaign {}: {}", campaignId, why);
                }
                halted = true;
            }
        }

        /**
         * False once someone paused or cancelled the campaign, from any process: the status is read from the database
         * at most once a second while a batch is sent, so a pause stops the workers within about a second instead of
         * after the batches they hold (up to batch size x connections messages).
         */
        boolean stillRunning() {
            if (halted || restUntil != null) {
                return false;
            }
            long now = System.nanoTime();
            if (now - statusReadAt > STATUS_EVERY_NANOS) {
                statusReadAt = now; // racy between workers: at worst a second read in the same second
                if (!Campaign.RUNNING.equals(campaigns.require(campaignId).status())) {
                    halted = true;
                }
            }
            return !halted && restUntil == null;
        }

        /** Stops claiming until {@code until}: the pinned (or chosen) server's rate limit is spent for now. */
        void rest(Instant until, String why) {
            if (restUntil == null) {
                restWhy = why;
                restUntil = until;
            }
        }

        /**
         * Whether a worker should claim another batch: false once this pass is over, or someone paused or cancelled
         * the campaign from any process (read from the database now, outside any worker's transaction).
         */
        boolean mayClaim() {
            if (exhausted || halted || restUntil != null) {
                return false;
            }
            if (!Campaign.RUNNING.equals(campaigns.require(campaignId).status())) {
                halted = true;
            }
            return !halted;
        }

        /**
         * The next batch after this node's cursor, claimed through {@code claimer}; empty when the pass is over or the
         * sweep halted or rests. Reads nothing else from the database: it runs inside the transaction that records the
         * worker's previous batch.
         */
        synchronized List<Ledger.Recipient> next(Ledger.Claimer claimer, int size, String node, java.time.Duration lease) {
            while (!exhausted && !halted && restUntil == null) {
                long[] last = {cursor};
                List<Ledger.Recipient> batch = claimer.claim(campaignId, cursor, size, node, lease, last);
                if (last[0] == cursor) {
                    exhausted = true; // nothing after the cursor: this pass is over
                    return List.of();
                }
                cursor = last[0];
                if (!batch.isEmpty()) {
                    return batch;
                }
                // the whole batch was skipped (unsubscribed since the freeze): look further
            }
            return List.of();
        }
    }
}
