package dev.letterpress;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.config.Config;
import dev.letterpress.delivery.Mailer;
import dev.letterpress.delivery.SendFailure;
import dev.letterpress.delivery.SmtpMailer;
import dev.letterpress.subscriber.Subscription;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping and starting the app: schedules survive, and an interrupted send finishes with no copy twice and none missed. */
class RestartTest {
    @TempDir
    Path dir;
    GreenMail smtp;

    @BeforeEach
    void startSmtp() {
        smtp = TestSupport.greenMail();
    }

    @AfterEach
    void stopSmtp() {
        smtp.stop();
    }

    @Test
    void aCampaignScheduledBeforeAShutdownFiresAfterTheNextStart() throws Exception {
        Config config = TestSupport.config(dir, smtp.getSmtp().getPort(), Map.of());
        Instant sendAt = Instant.now().plusSeconds(3);
        long campaign;
        try (App first = App.create(config).start()) {
            var list = first.subscribers.createList("Weekly", null);
            first.subscribers.addToList(list.id(), "ada@example.com", "Ada", Map.of(), Subscription.CONFIRMED, "test");
            campaign = first.campaigns.create("Later", TestSupport.demoIssue(), List.of("Weekly"), sendAt);
        }
        // down while the send time passes: the trigger is kept in the database and fires on the next start
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), sendAt).toMillis() + 500));
        assertThat(smtp.getReceivedMessages()).isEmpty();
        try (App second = App.create(config).start()) {
            TestSupport.await("the campaign to finish after restart", Duration.ofSeconds(30),
                    () -> "finished".equals(second.campaignStore.require(campaign).status()));
        }
        assertThat(smtp.getReceivedMessages()).hasSize(1);
    }

    @Test
    void aScheduledCampaignWhoseTriggerWasSpentWhileStoppingIsSentAfterTheNextStart() throws Exception {
        Config config = TestSupport.config(dir, smtp.getSmtp().getPort(), Map.of());
        long campaign;
        try (App first = App.create(config)) { // never started: nothing fires
            var list = first.subscribers.createList("Weekly", null);
            first.subscribers.addToList(list.id(), "ada@example.com", "Ada", Map.of(), Subscription.CONFIRMED, "test");
            campaign = first.campaigns.create("Spent", TestSupport.demoIssue(), List.of("Weekly"), Instant.now().minusSeconds(1));
            // what a trigger fired during shutdown leaves behind: a scheduled campaign and no trigger at all
            first.db.jdbc().update("DELETE FROM QRTZ_SIMPLE_TRIGGERS");
            first.db.jdbc().update("DELETE FROM QRTZ_TRIGGERS");
        }
        try (App second = App.create(config).start()) {
            TestSupport.await("the campaign to finish after restart", Duration.ofSeconds(30),
                    () -> "finished".equals(second.campaignStore.require(campaign).status()));
        }
        assertThat(smtp.getReceivedMessages()).hasSize(1);
    }

    @Test
    void aSendStoppedMidwayFinishesAfterRestartWithEveryAddressExactlyOnce() throws Exception {
        int recipients = 300;
        Config config = TestSupport.config(dir, smtp.getSmtp().getPort(),
                Map.of("delivery.batch.size", "20", "delivery.connections", "2"));
        // real SMTP, slowed down so the stop lands in the middle of the batches
        Mailer slow = slowed(new SmtpMailer(config.smtp()), 8);
        long campaign;
        long sentBeforeStop;
        try (App first = App.create(config, slow, null, Clock.systemUTC()).start()) {
            var list = first.subscribers.createList("Weekly", null);
            for (int i = 0; i < recipients; i++) {
                first.subscribers.addToList(list.id(), "reader" + i + "@example.com", "Reader " + i, Map.of(), Subscription.CONFIRMED, "test");
            }
            campaign = first.campaigns.create("Big", TestSupport.demoIssue(), List.of("Weekly"), null);
            TestSupport.await("some messages to be sent", Duration.ofSeconds(30),
                    () -> first.campaignStore.stateCounts(campaign).get("sent") >= 60);
        }
        try (App check = App.create(config)) {
            Map<String, Long> counts = check.campaignStore.stateCounts(campaign);
            sentBeforeStop = counts.get("sent");
            assertThat(sentBeforeStop).isBetween(60L, (long) recipients - 1);
            assertThat(counts.get("claimed")).as("a graceful stop hands back its claims").isZero();
            assertThat((long) smtp.getReceivedMessages().length).as("every accepted message is in the ledger").isEqualTo(sentBeforeStop);
        }
        try (App second = App.create(config, slow, null, Clock.systemUTC()).start()) {
            TestSupport.await("the campaign to finish after restart", Duration.ofSeconds(60),
                    () -> "finished".equals(second.campaignStore.require(campaign).status()));
            assertThat(second.campaignStore.stateCounts(campaign).get("sent")).isEqualTo(recipients);
        }
        Map<String, Long> perAddress = Arrays.stream(smtp.getReceivedMessages())
                .collect(Collectors.groupingBy(RestartTest::recipient, Collectors.counting()));
        System.out.printf("restart test: %d sent before the stop, %d after; %d addresses, max copies %d%n", sentBeforeStop,
                recipients - sentBeforeStop, perAddress.size(), perAddress.values().stream().mapToLong(Long::longValue).max().orElse(0));
        assertThat(perAddress).hasSize(recipients);
        assertThat(perAddress.values()).allMatch(n -> n == 1);
    }

    private static String recipient(MimeMessage m) {
        try {
            return m.getAllRecipients()[0].toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The real SMTP mailer with a pause before each message. */
    private static Mailer slowed(Mailer real, long millis) {
        return () -> {
            Mailer.Connection c = real.connect();
            return new Mailer.Connection() {
                @Override
                public String send(MimeMessage message, String recipient) throws SendFailure {
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return c.send(message, recipient);
                }

                @Override
                public boolean isUsable() {
                    return c.isUsable();
                }

                @Override
                public void close() {
                    c.close();
                }
            };
        };
    }
}
