package dev.letterpress.delivery;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each node's look-out for running campaigns it can help with. Quartz fires a campaign's start on one node;
 * this is how the other nodes join its send, and how a crashed peer's rows are picked up once their lease
 * has expired. The ledger's SKIP LOCKED claims keep the nodes' batches disjoint.
 */
public final class CampaignWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CampaignWatcher.class);

    private final DeliveryEngine engine;
    private final Duration every;
    /** Leaves a trigger for when a helper run's campaign can go on (the scheduler's; this package does not know it). */
    private final java.util.function.BiConsumer<Long, java.time.Instant> retryAt;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "campaign-watcher"));
    private final ExecutorService senders = Executors.newCachedThreadPool(r -> daemon(r, "campaign-helper"));

    public CampaignWatcher(DeliveryEngine engine, Duration every, java.util.function.BiConsumer<Long, java.time.Instant> retryAt) {
        this.engine = engine;
        this.every = every;
        this.retryAt = retryAt;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::look, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void look() {
        try {
            for (long id : engine.campaignsNeedingHelp()) {
                senders.submit(() -> {
                    DeliveryEngine.Result r = engine.run(id);
                    log.info("campaign {}: helper run ended {} ({})", id, r.kind(), r.detail());
                    if (r.kind() == DeliveryEngine.Result.Kind.RETRY_LATER && r.retryAt() != null) {
                        try {
                            retryAt.accept(id, r.retryAt()); // waiting rows are not claimable: this watcher would not look again
                        } catch (RuntimeException e) {
                            log.warn("campaign {}: could not leave a trigger for {} (a restart re-creates it): {}", id, r.retryAt(), e.getMessage());
                        }
                    }
                });
            }
        } catch (RuntimeException e) {
            log.warn("looking for campaigns to help with failed; trying again in {}", every, e);
        }
    }

    /**
     * Stops looking; runs in progress are stopped by the engine's own stop(). Never by interrupting: a thread
     * interrupted inside H2's file I/O closes the database's file channel, and with it the database, under everyone.
     */
    @Override
    public void close() {
        timer.shutdown();
        senders.shutdown();
        try {
            timer.awaitTermination(30, TimeUnit.SECONDS);
            senders.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
