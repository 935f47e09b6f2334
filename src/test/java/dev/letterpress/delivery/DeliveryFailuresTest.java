package dev.letterpress.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.App;
import dev.letterpress.FaultySmtpServer;
import dev.letterpress.TestSupport;
import dev.letterpress.subscriber.Subscription;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporary failures are retried until delivered, permanent ones become bounces (and suppress bad addresses). */
class DeliveryFailuresTest {
    @TempDir
    Path dir;

    @Test
    void transientFailuresAreRetriedAndPermanentOnesBounce() throws Exception {
        try (FaultySmtpServer smtp = new FaultySmtpServer((rcpt, before) -> {
                    if (rcpt.startsWith("gone")) {
                        return "550 5.1.1 <" + rcpt + ">: no such user";
                    }
                    if (rcpt.startsWith("policy")) {
                        return "550 5.7.1 message refused by policy";
                    }
                    if (rcpt.startsWith("greylisted")) {
                        return before < 2 ? "451 4.7.1 greylisted, try again later" : "250 OK";
                    }
                    return "250 OK";
                });
             App app = App.create(TestSupport.config(dir, smtp.port(), Map.of("delivery.retry.initial", "200ms",
                     "delivery.retry.max", "400ms"))).start()) {
            var list = app.subscribers.createList("Weekly", null);
            for (String email : List.of("ok@example.com", "gone@example.com", "policy@example.com", "greylisted@example.com")) {
                app.subscribers.addToList(list.id(), email, null, Map.of(), Subscription.CONFIRMED, "test");
            }
            long campaign = app.campaigns.create("Faults", TestSupport.demoIssue(), List.of("Weekly"), null);
            TestSupport.await("the campaign to finish", Duration.ofSeconds(30),
                    () -> "finished".equals(app.campaignStore.require(campaign).status()));

            assertThat(smtp.delivered).containsExactlyInAnyOrder("ok@example.com", "greylisted@example.com");
            assertThat(smtp.attempts("greylisted@example.com")).isEqualTo(3);
            Map<String, Long> counts = app.campaignStore.stateCounts(campaign);
            assertThat(counts).containsEntry("sent", 2L).containsEntry("failed", 2L).containsEntry("deferred", 0L);
            assertThat(app.events.counts(campaign).get("bounce").total()).isEqualTo(2);
            // bounced during the send: failed rows, so none of them is taken off the delivered messages
            assertThat(app.events.bouncedAfterSending(campaign)).isZero();
            // the bad address is suppressed, the policy refusal is not the address's fault
            assertThat(app.subscribers.isSuppressed("gone@example.com")).isTrue();
            assertThat(app.subscribers.isSuppressed("policy@example.com")).isFalse();

            // the next campaign leaves the suppressed address out of its audience
            long next = app.campaigns.create("Next", TestSupport.demoIssue(), List.of("Weekly"), null);
            TestSupport.await("the next campaign to finish", Duration.ofSeconds(30),
                    () -> "finished".equals(app.campaignStore.require(next).status()));
            assertThat(app.campaignStore.require(next).audienceSize()).isEqualTo(3);
        }
    }

    /**
     * A full mailbox (5.2.2) is a bounce but not a bad address: suppressed only when it refuses in three campaigns in a
     * row. A message that goes through between them starts the count again.
     */
    @Test
    void aMailboxFullInThreeCampaignsInARowIsSuppressedAndADeliveryResetsTheCount() throws Exception {
        java.util.concurrent.atomic.AtomicInteger round = new java.util.concurrent.atomic.AtomicInteger();
        try (FaultySmtpServer smtp = new FaultySmtpServer((rcpt, before) -> {
                    if (rcpt.startsWith("full")) {
                        return "552 5.2.2 <" + rcpt + ">: mailbox full";
                    }
                    if (rcpt.startsWith("flaky")) {
                        return round.get() == 3 ? "250 OK" : "452 4.2.2 mailbox over quota";
                    }
                    if (rcpt.startsWith("busy")) {
                        return "451 4.3.0 temporary local problem"; // not about the mailbox: never counted
                    }
                    return "250 OK";
                });
             App app = App.create(TestSupport.config(dir, smtp.port(), Map.of("delivery.retry.initial", "100ms",
                     "delivery.retry.max", "100ms", "delivery.retry.give.up", "300ms"))).start()) {
            var list = app.subscribers.createList("Weekly", null);
            for (String email : List.of("ok@example.com", "full@example.com", "flaky@example.com", "busy@example.com")) {
                app.subscribers.addToList(list.id(), email, null, Map.of(), Subscription.CONFIRMED, "test");
            }
            for (int i = 1; i <= 4; i++) {
                round.set(i);
                long campaign = app.campaigns.create("Round " + i, TestSupport.demoIssue(), List.of("Weekly"), null);
                TestSupport.await("round " + i + " to finish", Duration.ofSeconds(30),
                        () -> "finished".equals(app.campaignStore.require(campaign).status()));
                assertThat(app.subscribers.isSuppressed("full@example.com")).as("full after round " + i).isEqualTo(i >= 3);
                assertThat(app.subscribers.isSuppressed("flaky@example.com")).as("flaky after round " + i).isFalse();
                assertThat(app.subscribers.isSuppressed("busy@example.com")).as("busy after round " + i).isFalse();
                if (i == 4) {
                    assertThat(app.campaignStore.require(campaign).audienceSize()).as("full is left out").isEqualTo(3);
                }
            }
            var jdbc = app.db.jdbc();
            assertThat(jdbc.count("SELECT campaigns FROM soft_bounces WHERE email_key = 'flaky@example.com'"))
                    .as("counted again from the delivery in round 3").isEqualTo(1);
            assertThat(jdbc.count("SELECT COUNT(*) FROM suppressions WHERE email_key = 'full@example.com' AND reason = 'soft-bounces'")).isEqualTo(1);
            assertThat(jdbc.count("SELECT COUNT(*) FROM soft_bounces WHERE email_key = 'full@example.com'")).as("forgotten once suppressed").isZero();
            assertThat(jdbc.count("SELECT COUNT(*) FROM soft_bounces WHERE email_key = 'busy@example.com'")).isZero();
        }
    }

    /** The relay's quota on us (5.2.2 for everyone, or naming the submission) is nobody's full mailbox: nothing is counted. */
    @Test
    void aRelayRefusingEveryoneWithMailboxFullCountsNoSoftBounce() throws Exception {
        try (FaultySmtpServer smtp = new FaultySmtpServer((rcpt, before) -> rcpt.startsWith("quota")
                        ? "550 5.2.2 STOREDRV.Submission.Exception:SubmissionQuotaExceededException" : "552 5.2.2 mailbox full");
             App app = App.create(TestSupport.config(dir, smtp.port(), Map.of())).start()) {
            var list = app.subscribers.createList("Weekly", null);
            for (String email : List.of("a@example.com", "b@example.com", "c@example.com", "quota@example.com")) {
                app.subscribers.addToList(list.id(), email, null, Map.of(), Subscription.CONFIRMED, "test");
            }
            long campaign = app.campaigns.create("Everyone full", TestSupport.demoIssue(), List.of("Weekly"), null);
            TestSupport.await("the campaign to end", Duration.ofSeconds(30),
                    () -> List.of("finished", "paused").contains(app.campaignStore.require(campaign).status()));
            assertThat(app.events.counts(campaign).get("bounce").total()).as("still bounces").isPositive();
            assertThat(app.db.jdbc().count("SELECT COUNT(*) FROM soft_bounces")).isZero();
        }
    }

    @Test
    void whoUnsubscribesDuringASendGetsNothingMoreFromIt() throws Exception {
        int recipients = 120;
        try (FaultySmtpServer smtp = new FaultySmtpServer((rcpt, before) -> {
                    try {
                        Thread.sleep(5); // slow enough that the unsubscribe lands mid-send
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return "250 OK";
                });
             App app = App.create(TestSupport.config(dir, smtp.port(), Map.of("delivery.batch.size", "10",
                     "delivery.connections", "1"))).start()) {
            var list = app.subscribers.createList("Weekly", null);
            long last = 0;
            for (int i = 0; i < recipients; i++) {
                last = app.subscribers.addToList(list.id(), "reader" + i + "@example.com", null, Map.of(), Subscription.CONFIRMED, "test").id();
            }
            long campaign = app.campaigns.create("Running", TestSupport.demoIssue(), List.of("Weekly"), null);
            TestSupport.await("the send to start", Duration.ofSeconds(30), () -> !smtp.delivered.isEmpty());
            app.subscribers.setStatus(list.id(), last, Subscription.UNSUBSCRIBED, "test: unsubscribed mid-send");
            TestSupport.await("the campaign to finish", Duration.ofSeconds(30),
                    () -> "finished".equals(app.campaignStore.require(campaign).status()));
            assertThat(smtp.delivered).hasSize(recipients - 1).doesNotContain("reader" + (recipients - 1) + "@example.com");
            assertThat(app.campaignStore.stateCounts(campaign)).containsEntry("skipped", 1L).containsEntry("sent", (long) recipients - 1);
        }
    }

    @Test
    void aCampaignPausesItselfWhenMostAttemptsFailAndResumesFromItsLedger() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean blocked = new java.util.concurrent.atomic.AtomicBoolean(true);
        try (FaultySmtpServer smtp = new FaultySmtpServer((rcpt, before) ->
                    blocked.get() ? "451 4.7.0 temporarily rate limited, slow down" : "250 OK");
             App app = App.create(TestSupport.config(dir, smtp.port(), Map.of("delivery.pause.window", "20",
                     "delivery.pause.error.rate", "0.5", "delivery.batch.size", "10", "delivery.connections", "1",
                     "delivery.retry.initial", "200ms", "delivery.retry.max", "400ms"))).start()) {
            var list = app.subscribers.createList("Weekly", null);
            for (int i = 0; i < 100; i++) {
                app.subscribers.addToList(list.id(), "reader" + i + "@example.com", null, Map.of(), Subscription.CONFIRMED, "test");
            }
            long campaign = app.campaigns.create("Blocked", TestSupport.demoIssue(), List.of("Weekly"), null);
            TestSupport.await("the campaign to pause itself", Duration.ofSeconds(30),
                    () -> Campaign.PAUSED.equals(app.campaignStore.require(campaign).status()));
            Campaign paused = app.campaignStore.require(campaign);
            assertThat(paused.statusReason()).contains("paused automatically").contains("of the last 20 attempts failed")
                    .contains("451");
            // it stopped early: most of the list was never tried
            assertThat(app.campaignStore.stateCounts(campaign).get("queued")).isGreaterThan(50L);

            blocked.set(false);
            app.campaigns.resume(campaign);
            TestSupport.await("the resumed campaign to finish", Duration.ofSeconds(30),
                    () -> "finished".equals(app.campaignStore.require(campaign).status()));
            assertThat(smtp.delivered).hasSize(100).doesNotHaveDuplicates();
        }
    }

    @Test
    void aReceiverThatFailsInEveryWayStillGetsEverythingOnceOrBounces() throws Exception {
        try (FaultySmtpServer smtp = new FaultySmtpServer((rcpt, before) -> {
                    String kind = rcpt.substring(0, rcpt.indexOf('-'));
                    return switch (kind) {
                        case "closing" -> before == 0 ? "421 4.3.2 service shutting down, try later" : "250 OK";
                        case "busy" -> before < 2 ? "451 4.3.0 local error, try later" : "250 OK";
                        case "dropped" -> before == 0 ? FaultySmtpServer.DROP : "250 OK";
                        case "stalled" -> before == 0 ? "STALL 3000 250 OK" : "250 OK";
                        case "unknown" -> "550 5.1.1 no such user";
                        default -> "250 OK";
                    };
                });
             App app = App.create(TestSupport.config(dir, smtp.port(), Map.of("smtp.timeout", "1s",
                     "delivery.retry.initial", "200ms", "delivery.retry.max", "400ms", "delivery.connections", "2"))).start()) {
            var list = app.subscribers.createList("Weekly", null);
            List<String> transients = new java.util.ArrayList<>();
            List<String> permanent = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                for (String kind : List.of("closing", "busy", "dropped", "stalled", "fine")) {
                    transients.add(kind + "-" + i + "@example.com");
                }
                permanent.add("unknown-" + i + "@example.com");
            }
            for (String email : transients) {
                app.subscribers.addToList(list.id(), email, null, Map.of(), Subscription.CONFIRMED, "test");
            }
            for (String email : permanent) {
                app.subscribers.addToList(list.id(), email, null, Map.of(), Subscription.CONFIRMED, "test");
            }
            long campaign = app.campaigns.create("Faults", TestSupport.demoIssue(), List.of("Weekly"), null);
            TestSupport.await("the campaign to finish", Duration.ofSeconds(60),
                    () -> "finished".equals(app.campaignStore.require(campaign).status()));
            // every temporary failure ends delivered, exactly once; every permanent one is a bounce; nothing lost
            assertThat(smtp.delivered).containsExactlyInAnyOrderElementsOf(transients);
            assertThat(app.campaignStore.stateCounts(campaign)).containsEntry("sent", (long) transients.size())
                    .containsEntry("failed", (long) permanent.size()).containsEntry("deferred", 0L).containsEntry("queued", 0L);
            assertThat(app.events.counts(campaign).get("bounce").total()).isEqualTo(permanent.size());
            assertThat(permanent).allMatch(app.subscribers::isSuppressed);
        }
    }

    @Test
    void aRefusedSenderIsNobodysBounceAndPausesTheCampaignWithTheReason() throws Exception {
        try (FaultySmtpServer smtp = new FaultySmtpServer((rcpt, before) -> "250 OK");
             App app = App.create(TestSupport.config(dir, smtp.port(), Map.of("bounce.address", "bounces@unknown-domain.example",
                     "delivery.pause.window", "10", "delivery.pause.error.rate", "0.5"))).start()) {
            smtp.mailFromReply = "553 5.1.8 <bounces@unknown-domain.example>: Sender address rejected: Domain not found";
            var list = app.subscribers.createList("Weekly", null);
            for (int i = 0; i < 15; i++) {
                app.subscribers.addToList(list.id(), "reader" + i + "@example.com", null, Map.of(), Subscription.CONFIRMED, "test");
            }
            long campaign = app.campaigns.create("Bad sender", TestSupport.demoIssue(), List.of("Weekly"), null);
            TestSupport.await("the campaign to pause itself", Duration.ofSeconds(30),
                    () -> "paused".equals(app.campaignStore.require(campaign).status()));

            assertThat(app.campaignStore.require(campaign).statusReason()).contains("paused automatically").contains("5.1.8");
            Map<String, Long> counts = app.campaignStore.stateCounts(campaign);
            assertThat(counts.get("failed")).isZero();
            assertThat(counts.get("sent")).isZero();
            assertThat(counts.get("deferred")).isPositive();
            assertThat(app.events.counts(campaign)).doesNotContainKey("bounce");
            for (int i = 0; i < 15; i++) {
                assertThat(app.subscribers.isSuppressed("reader" + i + "@example.com")).isFalse();
            }
            assertThat(smtp.delivered).isEmpty();
        }
    }

    @Test
    void bothWaysOfTalkingTellASenderRefusalFromARecipientRefusal() throws Exception {
        for (boolean pipelining : new boolean[] {true, false}) {
            try (FaultySmtpServer smtp = new FaultySmtpServer((rcpt, before) -> "550 5.1.1 no such user", pipelining)) {
                var server = TestSupport.config(dir, smtp.port(), Map.of()).smtp();
                var message = new jakarta.mail.internet.MimeMessage(jakarta.mail.Session.getInstance(new java.util.Properties()));
                message.setFrom("news@news.example.com");
                message.setText("x");
                message.saveChanges();
                try (var c = new SmtpClient(server).connect()) {
                    var recipient = org.assertj.core.api.Assertions.catchThrowableOfType(() -> c.send(message, "gone@example.com"), SendFailure.class);
                    assertThat(recipient.aboutSender()).as("pipelining " + pipelining).isFalse();
                    assertThat(recipient.badAddress()).isTrue();
                    smtp.mailFromReply = "550 5.7.1 sender rejected";
                    var sender = org.assertj.core.api.Assertions.catchThrowableOfType(() -> c.send(message, "gone@example.com"), SendFailure.class);
                    assertThat(sender.aboutSender()).as("pipelining " + pipelining).isTrue();
                    assertThat(sender.badAddress()).isFalse();
                }
            }
        }
    }

    @Test
    void aPauseStopsTheWorkersWithinAboutASecondNotAfterTheBatchesTheyHold() throws Exception {
        try (FaultySmtpServer smtp = FaultySmtpServer.acceptingAfter(50);
             App app = App.create(TestSupport.config(dir, smtp.port(), Map.of("delivery.batch.size", "100",
                     "delivery.connections", "2"))).start()) {
            var list = app.subscribers.createList("Weekly", null);
            for (int i = 0; i < 300; i++) {
                app.subscribers.addToList(list.id(), "reader" + i + "@example.com", null, Map.of(), Subscription.CONFIRMED, "test");
            }
            long campaign = app.campaigns.create("Paused midway", TestSupport.demoIssue(), List.of("Weekly"), null);
            TestSupport.await("the first messages", Duration.ofSeconds(30), () -> smtp.delivered.size() >= 10);
            app.campaigns.pause(campaign);
            int atPause = smtp.delivered.size();
            TestSupport.await("the workers to stop", Duration.ofSeconds(30),
                    () -> app.campaignStore.stateCounts(campaign).get("claimed") == 0 && !app.engine.isSending(campaign));
            int after = smtp.delivered.size() - atPause;
            System.out.printf("pause: %d messages went out after it (2 workers, 50 ms a message, batches of 100)%n", after);
            // about a second of two workers at ~20 messages/s each, with room for a slow machine; before, each worker
            // finished its batch of 100 first
            assertThat(after).isLessThan(80);
            assertThat(app.campaignStore.stateCounts(campaign).get("queued")).isGreaterThan(100);
            assertThat(app.campaignStore.require(campaign).status()).isEqualTo("paused");
            // every batch in hand at the pause was recorded (sent) or handed back (queued): resumed, nobody gets two
            assertThat(app.campaignStore.stateCounts(campaign).get("sent")).isEqualTo(smtp.delivered.size());

            app.campaigns.resume(campaign);
            TestSupport.await("the resumed campaign to finish", Duration.ofSeconds(60),
                    () -> "finished".equals(app.campaignStore.require(campaign).status()));
            assertThat(smtp.delivered).hasSize(300).doesNotHaveDuplicates();
        }
    }

    @Test
    void aPoolWithNoFreeConnectionCostsNobodyAnAttemptAndThenSends() throws Exception {
        try (FaultySmtpServer smtp = new FaultySmtpServer((rcpt, before) -> "250 OK")) {
            var config = TestSupport.config(dir, smtp.port(), Map.of("delivery.connections", "2"));
            SmtpClient real = new SmtpClient(config.smtp());
            java.util.concurrent.atomic.AtomicInteger busyAnswers = new java.util.concurrent.atomic.AtomicInteger(3);
            Mailer sometimesBusy = () -> {
                if (busyAnswers.getAndDecrement() > 0) {
                    // what SmtpPool says after a minute with every slot taken by other campaigns
                    throw SendFailure.poolBusy("connection: every connection slot of the SMTP pool stayed busy for 60 s", null);
                }
                return real.connect();
            };
            try (App app = App.create(config, sometimesBusy, null, java.time.Clock.systemUTC()).start()) {
                var list = app.subscribers.createList("Weekly", null);
                for (int i = 0; i < 10; i++) {
                    app.subscribers.addToList(list.id(), "reader" + i + "@example.com", null, Map.of(), Subscription.CONFIRMED, "test");
                }
                long campaign = app.campaigns.create("Busy pool", TestSupport.demoIssue(), List.of("Weekly"), null);
                TestSupport.await("the campaign to finish", Duration.ofSeconds(30),
                        () -> "finished".equals(app.campaignStore.require(campaign).status()));

                assertThat(busyAnswers.get()).isNegative(); // the busy answers were given, then connections were made
                assertThat(smtp.delivered).hasSize(10).doesNotHaveDuplicates();
                // released, not deferred: nobody's attempt count or retry time moved, and no error counted
                assertThat(app.db.jdbc().count("SELECT MAX(attempts) FROM deliveries WHERE campaign_id = ?", campaign)).isEqualTo(1);
                assertThat(app.campaignStore.stateCounts(campaign)).containsEntry("sent", 10L);
            }
        }
    }

    @Test
    void aTriggerThatFindsTheCampaignAlreadySendingHereIsARetryNotADeadEnd() throws Exception {
        try (FaultySmtpServer smtp = FaultySmtpServer.acceptingAfter(100);
             App app = App.create(TestSupport.config(dir, smtp.port(), Map.of("delivery.connections", "1"))).start()) {
            var list = app.subscribers.createList("Weekly", null);
            for (int i = 0; i < 40; i++) {
                app.subscribers.addToList(list.id(), "reader" + i + "@example.com", null, Map.of(), Subscription.CONFIRMED, "test");
            }
            long campaign = app.campaigns.create("Busy here", TestSupport.demoIssue(), List.of("Weekly"), null);
            TestSupport.await("the send to be under way", Duration.ofSeconds(30), () -> app.engine.isSending(campaign));

            // what a second trigger (or the watcher's helper run ending while a trigger fires) meets
            DeliveryEngine.Result second = app.engine.run(campaign);

            assertThat(second.kind()).isEqualTo(DeliveryEngine.Result.Kind.RETRY_LATER);
            assertThat(second.retryAt()).isBetween(java.time.Instant.now(), java.time.Instant.now().plus(DeliveryEngine.BUSY_RETRY).plusSeconds(1));
            TestSupport.await("the campaign to finish", Duration.ofSeconds(60),
                    () -> "finished".equals(app.campaignStore.require(campaign).status()));
            assertThat(smtp.delivered).hasSize(40).doesNotHaveDuplicates();
        }
    }
}
