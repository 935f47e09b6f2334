package dev.letterpress.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.letterpress.App;
import dev.letterpress.FaultySmtpServer;
import dev.letterpress.TestSupport;
import dev.letterpress.config.ConfigLoader;
import dev.letterpress.subscriber.Subscription;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several SMTP servers, each with its own bounded pool of reused connections; mail goes to a healthy one. */
class SmtpPoolTest {
    @TempDir
    Path dir;

    @Test
    void aCampaignGoesThroughTheHealthyServerWhenTheFirstIsDown() throws Exception {
        int dead = TestSupport.freePort(); // nothing listens there
        try (FaultySmtpServer backup = new FaultySmtpServer((rcpt, before) -> "250 OK");
             App app = App.create(TestSupport.config(dir, dead, Map.of("smtp.servers", "backup",
                     "smtp.backup.host", "127.0.0.1", "smtp.backup.port", Integer.toString(backup.port()),
                     "delivery.batch.size", "5"))).start()) {
            var list = app.subscribers.createList("Weekly", null);
            for (int i = 0; i < 20; i++) {
                app.subscribers.addToList(list.id(), "reader" + i + "@example.com", null, Map.of(), Subscription.CONFIRMED, "test");
            }
            long campaign = app.campaigns.create("Failover", TestSupport.demoIssue(), List.of("Weekly"), null);
            TestSupport.await("the campaign to finish", Duration.ofSeconds(30),
                    () -> "finished".equals(app.campaignStore.require(campaign).status()));
            assertThat(backup.delivered).hasSize(20).doesNotHaveDuplicates();
            // the dead server cost no recipient a retry: the pool moved on at connect time
            assertThat(app.campaignStore.stateCounts(campaign)).containsEntry("sent", 20L).containsEntry("deferred", 0L);
        }
    }

    @Test
    void aPinnedCampaignUsesOnlyItsServerAndAnUnknownNameIsRefused() throws Exception {
        try (FaultySmtpServer primary = new FaultySmtpServer((rcpt, before) -> "250 OK");
             FaultySmtpServer other = new FaultySmtpServer((rcpt, before) -> "250 OK");
             App app = App.create(TestSupport.config(dir, primary.port(), Map.of("smtp.servers", "bulk",
                     "smtp.bulk.host", "127.0.0.1", "smtp.bulk.port", Integer.toString(other.port()),
                     "delivery.batch.size", "3"))).start()) {
            var list = app.subscribers.createList("Weekly", null);
            for (int i = 0; i < 12; i++) {
                app.subscribers.addToList(list.id(), "reader" + i + "@example.com", null, Map.of(), Subscription.CONFIRMED, "test");
            }
            assertThatThrownBy(() -> app.campaigns.create("Nowhere", TestSupport.demoIssue(), List.of("Weekly"), null, "nosuch"))
                    .hasMessageContaining("no SMTP server named 'nosuch'").hasMessageContaining("[bulk, primary]");
            long campaign = app.campaigns.create("Pinned", TestSupport.demoIssue(), List.of("Weekly"), null, "bulk");
            TestSupport.await("the campaign to finish", Duration.ofSeconds(30),
                    () -> "finished".equals(app.campaignStore.require(campaign).status()));
            assertThat(other.delivered).hasSize(12);
            assertThat(primary.delivered).isEmpty();
        }
    }

    @Test
    void connectionsAreBoundedReusedAndRecycled() throws Exception {
        try (FaultySmtpServer a = new FaultySmtpServer((rcpt, before) -> "250 OK");
             FaultySmtpServer b = new FaultySmtpServer((rcpt, before) -> "250 OK")) {
            var config = ConfigLoader.fromMap(Map.of("smtp.host", "127.0.0.1", "smtp.port", Integer.toString(a.port()),
                    "smtp.max.connections", "2", "smtp.servers", "b", "smtp.b.host", "127.0.0.1",
                    "smtp.b.port", Integer.toString(b.port()), "delivery.messages.per.connection", "2"));
            AtomicInteger opened = new AtomicInteger();
            var servers = config.smtpServers().stream().map(s -> new SmtpPool.Server(s.name(), counting(new SmtpMailer(s), opened),
                    s.maxConnections(), s.idleTimeout())).toList();
            SmtpPool pool = new SmtpPool(servers, config.delivery().messagesPerConnection(), Clock.systemUTC());

            // unpinned connections take the servers in turn
            Mailer.Connection first = pool.connect();
            Mailer.Connection second = pool.connect();
            assertThat(List.of(first.server(), second.server())).containsExactlyInAnyOrder("primary", "b");
            first.close();
            second.close();

            // pinned: at most two open to "primary"; a third caller waits until one comes back, and reuses it
            Mailer.Connection c1 = pool.connect("primary");
            Mailer.Connection c2 = pool.connect("primary");
            CompletableFuture<Mailer.Connection> third = CompletableFuture.supplyAsync(() -> {
                try {
                    return pool.connect("primary");
                } catch (SendFailure e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            assertThat(third).isNotDone();
            int openedBefore = opened.get();
            c1.close();
            Mailer.Connection c3 = third.get(10, TimeUnit.SECONDS);
            assertThat(c3).isSameAs(c1);
            assertThat(opened.get()).isEqualTo(openedBefore);

            // a connection that carried messages.per.connection messages is closed, not reused
            var message = new jakarta.mail.internet.MimeMessage(jakarta.mail.Session.getInstance(new java.util.Properties()));
            message.setFrom("news@example.com");
            message.setText("hello");
            c3.send(message, "x1@example.com");
            c3.send(message, "x2@example.com");
            c3.close();
            Mailer.Connection c4 = pool.connect("primary");
            assertThat(c4).isNotSameAs(c3);
            assertThat(a.delivered).containsExactly("x1@example.com", "x2@example.com");
            c2.close();
            c4.close();
            pool.closeIdle();
        }
    }

    @Test
    void aDownServerIsSkippedUntilItsWaitIsOver() throws Exception {
        int dead = TestSupport.freePort();
        try (FaultySmtpServer live = new FaultySmtpServer((rcpt, before) -> "250 OK")) {
            var config = ConfigLoader.fromMap(Map.of("smtp.host", "127.0.0.1", "smtp.port", Integer.toString(dead),
                    "smtp.timeout", "2s", "smtp.servers", "live", "smtp.live.host", "127.0.0.1", "smtp.live.port", Integer.toString(live.port())));
            SmtpPool pool = SmtpPool.fromConfig(config, Clock.systemUTC());
            for (int i = 0; i < 4; i++) {
                try (Mailer.Connection c = pool.connect()) {
                    assertThat(c.server()).isEqualTo("live");
                }
            }
            assertThat(pool.isDown("primary")).isTrue();
            assertThat(pool.isDown("live")).isFalse();
            // pinned to the dead server: a clear error, which the engine turns into a retry later
            assertThatThrownBy(() -> pool.connect("primary")).isInstanceOf(SendFailure.class)
                    .hasMessageContaining("no healthy SMTP server").hasMessageContaining("pinned to primary");
            pool.closeIdle();
        }
    }

    private static Mailer counting(Mailer inner, AtomicInteger opened) {
        return () -> {
            opened.incrementAndGet();
            return inner.connect();
        };
    }
}
