package dev.letterpress.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.App;
import dev.letterpress.FaultySmtpServer;
import dev.letterpress.PostgresSupport;
import dev.letterpress.TestSupport;
import dev.letterpress.config.Config;
import dev.letterpress.db.Database;
import dev.letterpress.subscriber.Subscription;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rate limits are token buckets in the database: shared by every node, kept across restarts. The assertions count
 * tokens and messages, never time: an hourly cap is used so that nothing refills while a test runs.
 */
class RateLimitsTest {
    @TempDir
    Path dir;

    @Test
    void anHourlyServerCapHoldsAcrossRestartsAndNodesOnH2() {
        Config config = TestSupport.config(dir, 25, Map.of("smtp.rate.per.hour", "5", "delivery.domain.limits", "capped.example=2/h"));
        checkBuckets(config);
    }

    @Test
    void theSameBucketsWorkOnPostgres() {
        Config config = TestSupport.config(dir, 25, Map.of("db.url", PostgresSupport.newDatabase(), "db.user", "postgres",
                "db.password", "postgres", "smtp.rate.per.hour", "5", "delivery.domain.limits", "capped.example=2/h"));
        checkBuckets(config);
    }

    private static void checkBuckets(Config config) {
        try (Database db = Database.open(config)) {
            RateLimits node = new RateLimits(db.dataSource(), config, Clock.systemUTC());
            assertThat(node.limitsServer("primary")).isTrue();
            assertThat(node.server("primary", 3, Duration.ZERO).granted()).isEqualTo(3);
            // a second node, or this one after a restart, finds the bucket as drained as it was left: no new burst
            RateLimits restarted = new RateLimits(db.dataSource(), config, Clock.systemUTC());
            assertThat(restarted.server("primary", 3, Duration.ZERO).granted()).isEqualTo(2); // what is left of the hour's 5
            RateLimits.Grant refused = restarted.server("primary", 1, Duration.ZERO);
            assertThat(refused.granted()).isZero();
            // one token at 5 an hour: about 12 minutes away
            assertThat(refused.retryAt()).isAfter(Instant.now().plus(Duration.ofMinutes(10)));
            assertThat(node.server("primary", 1, Duration.ZERO).granted()).isZero();

            // domains: only the configured ones are capped, matched case-insensitively
            assertThat(node.cappedDomain("Reader@Capped.Example")).isEqualTo("capped.example");
            assertThat(node.cappedDomain("reader@other.example")).isNull();
            assertThat(node.domain("capped.example", 5, Duration.ZERO).granted()).isEqualTo(2);
            assertThat(restarted.domain("capped.example", 1, Duration.ZERO).granted()).isZero();
        }
    }

    @Test
    void aChangedCapAppliesAfterTheNextStartWithoutAFreshBurst() throws Exception {
        Config five = TestSupport.config(dir, 25, Map.of("smtp.rate.per.hour", "5"));
        Config sixty = TestSupport.config(dir, 25, Map.of("smtp.rate.per.hour", "60"));
        try (Database db = Database.open(five)) {
            RateLimits before = new RateLimits(db.dataSource(), five, Clock.systemUTC());
            assertThat(before.server("primary", 5, Duration.ZERO).granted()).isEqualTo(5);
            Thread.sleep(5); // a later start: a newer configuration version
            RateLimits after = new RateLimits(db.dataSource(), sixty, Clock.systemUTC());
            RateLimits.Grant next = after.server("primary", 1, Duration.ZERO);
            // the spent tokens stay spent (no burst of 60), but they now come back at 60 an hour: one a minute, not one
            // every 12 minutes as under the old cap
            assertThat(next.granted()).isZero();
            assertThat(next.retryAt()).isBefore(Instant.now().plus(Duration.ofMinutes(2)));
        }
    }

    @Test
    void aCampaignSendsNoMoreThanTheCapsAllowAndKeepsTheRestForLater() throws Exception {
        try (FaultySmtpServer smtp = new FaultySmtpServer((rcpt, before) -> "250 OK");
             App app = App.create(TestSupport.config(dir, smtp.port(), Map.of("delivery.domain.limits", "capped.example=3/h",
                     "delivery.batch.size", "4", "delivery.connections", "2"))).start()) {
            var list = app.subscribers.createList("Weekly", null);
            for (int i = 0; i < 6; i++) {
                app.subscribers.addToList(list.id(), "reader" + i + "@capped.example", null, Map.of(), Subscription.CONFIRMED, "test");
                app.subscribers.addToList(list.id(), "reader" + i + "@other.example", null, Map.of(), Subscription.CONFIRMED, "test");
            }
            long campaign = app.campaigns.create("Capped", TestSupport.demoIssue(), List.of("Weekly"), null);
            TestSupport.await("the uncapped mail and the capped domain's allowance to go", Duration.ofSeconds(30),
                    () -> app.campaignStore.stateCounts(campaign).get("sent") == 9 && app.campaignStore.stateCounts(campaign).get("deferred") == 3);
            assertThat(smtp.delivered.stream().filter(a -> a.endsWith("@other.example"))).hasSize(6);
            assertThat(smtp.delivered.stream().filter(a -> a.endsWith("@capped.example"))).hasSize(3);
            // the held-back rows wait in the ledger without an attempt counted and without tripping the error-rate pause
            assertThat(app.campaignStore.require(campaign).status()).isEqualTo("running");
            assertThat(app.db.jdbc().count("SELECT COUNT(*) FROM deliveries WHERE campaign_id = ? AND state = 'deferred'"
                    + " AND attempts = 0 AND smtp_detail = 'rate limit: capped.example' AND next_attempt_at > ?", campaign,
                    Instant.now().plus(Duration.ofMinutes(5)))).isEqualTo(3);
        }
    }

    @Test
    void aSpentServerCapStopsTheSweepUntilTheBucketRefills() throws Exception {
        try (FaultySmtpServer smtp = new FaultySmtpServer((rcpt, before) -> "250 OK");
             App app = App.create(TestSupport.config(dir, smtp.port(), Map.of("smtp.rate.per.hour", "4",
                     "delivery.batch.size", "3", "delivery.connections", "1"))).start()) {
            var list = app.subscribers.createList("Weekly", null);
            for (int i = 0; i < 10; i++) {
                app.subscribers.addToList(list.id(), "reader" + i + "@example.com", null, Map.of(), Subscription.CONFIRMED, "test");
            }
            long campaign = app.campaigns.create("Server cap", TestSupport.demoIssue(), List.of("Weekly"), null);
            TestSupport.await("the hour's allowance to go", Duration.ofSeconds(30),
                    () -> app.campaignStore.stateCounts(campaign).get("sent") == 4
                            && String.valueOf(app.campaignStore.require(campaign).statusReason()).contains("rate limit"));
            Thread.sleep(1500); // a poll of the watcher: it must not send past the cap either
            assertThat(smtp.delivered).hasSize(4);
            Map<String, Long> counts = app.campaignStore.stateCounts(campaign);
            assertThat(counts.get("queued") + counts.get("claimed")).isEqualTo(6);
            assertThat(app.campaignStore.require(campaign).statusReason()).contains("rate limit: SMTP server primary").contains("resumes at");
        }
    }
}
