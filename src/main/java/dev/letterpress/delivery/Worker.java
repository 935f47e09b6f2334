package dev.letterpress.delivery;

import dev.letterpress.config.Config;
import dev.letterpress.render.MailComposer;
import dev.letterpress.subscriber.SubscriberStore;
import dev.letterpress.tracking.EventStore;
import freemarker.template.TemplateException;
import jakarta.mail.MessagingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One send worker: holds one SMTP connection, claims batches, sends each message and records the batch's
 * outcomes together, in the transaction that claims its next batch. A row is written {@code sent} only after the
 * server accepted its message.
 */
final class Worker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final DeliveryEngine.Sweep sweep;
    private final Mailer mailer;
    private final Ledger ledger;
    private final EventStore events;
    private final SubscriberStore subscribers;
    private final Backoff backoff;
    private final Config.Delivery settings;
    private final RateLimits limits;
    private final Clock clock;
    private final String node;
    private final AtomicBoolean stopping;
    private Mailer.Connection connection;
    private int sentOnConnection;
    /**
     * The failure behind the last {@link Ledger.Failed} outcome that is a bounce (a permanent one, or a mailbox-state
     * one given up on: {@link SoftBounces}), for bounce handling after the write.
     */
    private SendFailure lastFailure;
    private final SoftBounces softBounces;
    /** Set when the pool had no free connection for a minute: the worker releases its batch and ends. */
    private boolean poolBusy;
    /** The most recent failure text, for the reason given when the campaign pauses itself. */
    private String lastError;

    Worker(DeliveryEngine.Sweep sweep, Mailer mailer, Ledger ledger, EventStore events, SubscriberStore subscribers, SoftBounces softBounces,
           Backoff backoff, Config.Delivery settings, RateLimits limits, Clock clock, String node, AtomicBoolean stopping) {
        this.limits = limits;
        this.softBounces = softBounces;
        this.sweep = sweep;
        this.mailer = mailer;
        this.ledger = ledger;
        this.events = events;
        this.subscribers = subscribers;
        this.backoff = backoff;
        this.settings = settings;
        this.clock = clock;
        this.node = node;
        this.stopping = stopping;
    }

    /** A sent batch whose outcomes are not written yet: they go into the ledger with the next claim. */
    private record Done(List<Ledger.Recipient> batch, List<Ledger.Outcome> outcomes, List<Ledger.Recipient> bounced,
                        List<SendFailure> bounceReasons) {}

    @Override
    public void run() {
        Done done = null;
        try {
            while (true) {
                List<Ledger.Recipient> batch = recordAndClaim(done);
                done = null;
                if (batch.isEmpty()) {
                    return;
                }
                done = send(batch);
            }
        } finally {
            closeConnection();
        }
    }

    /**
     * Writes {@code done}'s outcomes (null before the first batch) and claims the next batch in the same transaction
     * (one commit per batch), or writes them alone when the worker is to stop: stopping, pool busy, the campaign
     * paused, cancelled or over. If anything here fails, the outcomes are written on their own before the failure goes
     * on, so the sent messages are not handed out again after the lease (unless that write fails too).
     * The transaction's connection is taken before the sweep's lock, and nothing under that lock takes another, so
     * workers waiting for the lock can never hold the connections the one inside needs (however small db.pool.size).
     */
    private List<Ledger.Recipient> recordAndClaim(Done done) {
        List<Ledger.Outcome> outcomes = done == null ? List.of() : done.outcomes();
        List<Ledger.Recipient> batch;
        try {
            // both read the campaign's status from the database
            if (!stopping.get() && !poolBusy && sweep.stillRunning() && sweep.mayClaim()) {
                batch = ledger.writeAndClaim(sweep.campaignId, node, outcomes,
                        claimer -> sweep.next(claimer, settings.batchSize(), node, settings.lease()));
            } else {
                ledger.write(sweep.campaignId, node, outcomes);
                batch = List.of();
            }
        } catch (RuntimeException e) {
            // harmless if the failed attempt did write them: only rows still claimed by this node change
            if (done != null && writeAfter(done.outcomes(), e)) {
                recorded(done);
            }
            throw e;
        }
        if (done != null) {
            recorded(done);
        }
        return batch;
    }

    /**
     * What follows a batch's written outcomes: the error rate, bounces, soft-bounce counts. Never throws: the next
     * batch may be claimed already, and a failure here must not strand it until its lease runs out.
     */
    private void recorded(Done done) {
        try {
            sweep.recordOutcomes(done.outcomes(), lastError);
        } catch (RuntimeException e) {
            log.error("campaign {}: could not update the error rate or pause the campaign", sweep.campaignId, e);
        }
        recordBounces(done.bounced(), done.bounceReasons()); // the facts are recorded; now act on the bounces
        try {
            softBounces.delivered(delivered(done.batch(), done.outcomes()));
        } catch (RuntimeException e) {
            log.error("campaign {}: could not reset the soft-bounce counts of delivered readers", sweep.campaignId, e);
        }
    }

    /** Sends a claimed batch; on a failure writes what is known, hands back the rest and throws. */
    private Done send(List<Ledger.Recipient> batch) {
        List<Ledger.Outcome> outcomes = new ArrayList<>(batch.size());
        List<Ledger.Recipient> bounced = new ArrayList<>();
        List<SendFailure> bounceReasons = new ArrayList<>();
        Instant renewAt = clock.instant().plus(settings.lease().dividedBy(2));
        java.util.Set<Long> lost = new java.util.HashSet<>();
        Quota quota = new Quota(limits, batch, quotaWait());
        try {
            for (int i = 0; i < batch.size(); i++) {
                Ledger.Recipient r = batch.get(i);
                if (stopping.get() || poolBusy || !sweep.stillRunning()) {
                    outcomes.add(new Ledger.Released(r.subscriber().id()));
                    continue;
                }
                if (clock.instant().isAfter(renewAt)) {
                    // a slow batch: keep all of it ours (the rows already sent too: their outcome is written
                    // only at the end of the batch, and an expired lease would let another node send them
                    // again), and drop whatever another node took over meanwhile
                    List<Long> unwritten = batch.stream().map(x -> x.subscriber().id()).filter(id -> !lost.contains(id)).toList();
                    java.util.Set<Long> held = ledger.renew(sweep.campaignId, node, unwritten, settings.lease());
                    unwritten.stream().filter(id -> !held.contains(id)).forEach(lost::add);
                    renewAt = clock.instant().plus(settings.lease().dividedBy(2));
                }
                if (lost.contains(r.subscriber().id())) {
                    continue;
                }
                Ledger.Outcome o = sendOne(r, quota, batch.size() - i);
                outcomes.add(o);
                if (o instanceof Ledger.Failed && lastFailure != null) {
                    bounced.add(r);
                    bounceReasons.add(lastFailure);
                }
            }
        } catch (RuntimeException e) {
            // e.g. the database failed a renewal or a rate-limit bucket: record what was already sent (or those
            // messages would go out again after the lease) and hand back the rest, then let the run fail
            if (saveWhatIsKnown(batch, outcomes, lost, e)) {
                recordBounces(bounced, bounceReasons);
            }
            throw e;
        }
        return new Done(batch, outcomes, bounced, bounceReasons);
    }

    /** Writes the outcomes so far and releases the untried rows; false (noted on {@code failure}) if even that failed. */
    private boolean saveWhatIsKnown(List<Ledger.Recipient> batch, List<Ledger.Outcome> outcomes, java.util.Set<Long> lost,
                                    RuntimeException failure) {
        java.util.Set<Long> decided = new java.util.HashSet<>(lost);
        outcomes.forEach(o -> decided.add(o.subscriberId()));
        List<Ledger.Outcome> all = new ArrayList<>(outcomes);
        batch.stream().filter(r -> !decided.contains(r.subscriber().id())).forEach(r -> all.add(new Ledger.Released(r.subscriber().id())));
        return writeAfter(all, failure);
    }

    /** Writes outcomes after {@code failure} stopped the usual flow; false (noted on {@code failure}) if that fails too. */
    private boolean writeAfter(List<Ledger.Outcome> outcomes, RuntimeException failure) {
        try {
            ledger.write(sweep.campaignId, node, outcomes);
            return true;
        } catch (RuntimeException again) {
            failure.addSuppressed(again); // the rows stay claimed: the lease hands them out again (a resend, never a loss)
            return false;
        }
    }

    /** Long enough to ride out a per-second cap; short against the lease, so held rows never go stale. */
    private Duration quotaWait() {
        Duration quarter = settings.lease().dividedBy(4);
        return quarter.compareTo(Duration.ofSeconds(10)) < 0 ? quarter : Duration.ofSeconds(10);
    }

    private Ledger.Outcome sendOne(Ledger.Recipient r, Quota quota, int leftInBatch) {
        lastFailure = null;
        long id = r.subscriber().id();
        try {
            if (connection == null) {
                connection = mailer.connect(sweep.smtpServer);
                sentOnConnection = 0;
            }
        } catch (SendFailure f) {
            if (f.poolBusy()) {
                // other campaigns hold every connection of this node: not an attempt, not an error; this worker hands
                // its batch back and stops, and the run's end reschedules what is left
                poolBusy = true;
                return new Ledger.Released(id);
            }
            // the server's fault or the network's, never the recipient's: retry later, no bounce
            lastError = (f.code() == 0 ? "" : f.code() + " ") + f.getMessage();
            return deferOrFail(r, f.code(), f.getMessage());
        }
        Quota.Verdict verdict = quota.admit(connection.server(), r.subscriber().email(), leftInBatch);
        if (verdict instanceof Quota.Wait w) {
            return new Ledger.Throttled(id, w.until(), w.why());
        }
        if (verdict instanceof Quota.Rest rest) {
            sweep.rest(rest.until(), rest.why());
            return new Ledger.Released(id);
        }
        MailComposer.Composed mail;
        try {
            mail = sweep.composer.compose(r.subscriber(), r.listId(), r.listName());
        } catch (TemplateException | MessagingException | RuntimeException e) {
            // Should not happen after validation; keep the row for a later try rather than lose it.
            log.error("campaign {}: cannot build the message for subscriber {}", sweep.campaignId, id, e);
            return deferOrFail(r, 0, "cannot build message: " + e.getMessage());
        }
        try {
            String reply = connection.send(mail.message(), r.subscriber().email());
            if (++sentOnConnection >= settings.messagesPerConnection()) {
                closeConnection();
            }
            return new Ledger.Sent(id, reply, mail.messageId());
        } catch (SendFailure f) {
            lastError = (f.code() == 0 ? "" : f.code() + " ") + f.getMessage();
            if (connection != null && (f.code() == 0 || f.code() == 421 || !connection.isUsable())) {
                closeConnection();
            }
            if (f.permanent() && !f.aboutSender()) {
                lastFailure = f;
                return new Ledger.Failed(id, f.code(), f.getMessage());
            }
            // a refused sender is every recipient's problem alike: deferred (never a bounce), and counted in the error
            // rate, so the campaign pauses itself with this reply as its reason
            Ledger.Outcome o = deferOrFail(r, f.code(), f.getMessage());
            if (o instanceof Ledger.Failed && SoftBounces.counts(f)) {
                lastFailure = f; // given up on a mailbox that stayed full: a (soft) bounce of that mailbox
            }
            return o;
        }
    }

    private Ledger.Outcome deferOrFail(Ledger.Recipient r, int code, String detail) {
        Instant now = clock.instant();
        if (backoff.expired(r.firstFailedAt(), now)) {
            return new Ledger.Failed(r.subscriber().id(), code, "gave up after " + (r.attempts() + 1) + " attempts: " + detail);
        }
        return new Ledger.Deferred(r.subscriber().id(), code, detail, backoff.next(now, r.attempts() + 1));
    }

    private void recordBounces(List<Ledger.Recipient> bounced, List<SendFailure> reasons) {
        boolean wholesale = reasons.stream().filter(SoftBounces::counts).count() > SoftBounces.MAX_PER_BATCH;
        for (int i = 0; i < bounced.size(); i++) {
            try {
                recordBounce(bounced.get(i), reasons.get(i), !wholesale);
            } catch (RuntimeException e) {
                // the outcomes are written already; one failed bounce record must not cost the others theirs
                log.error("campaign {}: could not record the bounce of subscriber {}", sweep.campaignId, bounced.get(i).subscriber().id(), e);
            }
        }
    }

    private void recordBounce(Ledger.Recipient r, SendFailure f, boolean countSoft) {
        String detail = f.code() + (f.enhanced() == null ? "" : " " + f.enhanced()) + " " + f.getMessage();
        events.record(EventStore.Kind.BOUNCE, sweep.campaignId, r.subscriber().id(), null, detail, null);
        if (f.badAddress()) {
            subscribers.suppress(r.subscriber().email(), "hard-bounce", detail);
        } else if (countSoft && SoftBounces.counts(f)) {
            softBounces.recordAndSuppress(subscribers, r.subscriber().email(), sweep.campaignId, detail, false);
        }
    }

    private static List<String> delivered(List<Ledger.Recipient> batch, List<Ledger.Outcome> outcomes) {
        java.util.Set<Long> sent = new java.util.HashSet<>();
        outcomes.stream().filter(o -> o instanceof Ledger.Sent).forEach(o -> sent.add(o.subscriberId()));
        return sent.isEmpty() ? List.of() : batch.stream().filter(r -> sent.contains(r.subscriber().id())).map(r -> r.subscriber().email()).toList();
    }

    private void closeConnection() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }
}
