package dev.letterpress;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.subscriber.CsvImporter;
import dev.letterpress.subscriber.Subscription;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same migrations and named queries on a real PostgreSQL: import, freeze, send, retry-safe ledger, weekly schedule. */
class PostgresFlowTest {
    @TempDir
    Path dir;

    @Test
    void importSendAndScheduleOnPostgres() throws Exception {
        GreenMail smtp = TestSupport.greenMail();
        String url = PostgresSupport.newDatabase();
        try (App app = App.create(TestSupport.config(dir, smtp.getSmtp().getPort(),
                Map.of("db.url", url, "db.user", "postgres", "db.password", "postgres"))).start()) {
            assertThat(app.db.isPostgres()).isTrue();
            var list = app.subscribers.createList("Weekly", null);
            List<CsvImporter.RowProblem> problems = new ArrayList<>();
            String csv = "email,name,city\nada@example.com,Ada,London\nbad-address,Bad,Nowhere\ngrace@example.com,Grace,Arlington\nADA@example.com,Ada Again,London\n";
            var report = app.importer.importCsv(new StringReader(csv), "pg.csv", list, Subscription.CONFIRMED, problems::add);
            assertThat(report.added()).isEqualTo(2);
            assertThat(report.invalid()).isEqualTo(1);
            assertThat(report.duplicates()).isEqualTo(1);
            var again = app.importer.importCsv(new StringReader(csv), "pg.csv", list, Subscription.CONFIRMED, p -> { });
            assertThat(again.added()).isZero();
            assertThat(again.unchanged()).isEqualTo(2);
            assertThat(app.subscribers.findByEmail("ada@example.com").orElseThrow().attributes()).containsEntry("city", "London");

            // a soft-bounce count for ada from earlier campaigns: her delivery below ends it (SoftBounces on PostgreSQL)
            app.db.jdbc().update("INSERT INTO soft_bounces (email_key, campaigns, last_campaign_id, last_detail, updated_at) VALUES (?, 2, 0, 'test', ?)",
                    "ada@example.com", java.time.Instant.now());
            long campaign = app.campaigns.create("PG issue", TestSupport.demoIssue(), List.of("Weekly"), null);
            TestSupport.await("the campaign to finish on PostgreSQL", Duration.ofSeconds(30),
                    () -> "finished".equals(app.campaignStore.require(campaign).status()));
            assertThat(smtp.getReceivedMessages()).hasSize(2);
            assertThat(app.campaignStore.stateCounts(campaign)).containsEntry("sent", 2L);
            assertThat(app.db.jdbc().count("SELECT COUNT(*) FROM soft_bounces")).isZero();

            // opens and clicks reach the report rollups through PostgreSQL's MERGE: two opens of one reader (one
            // unique), a click; delivered an hour ago so that the at-delivery machine rules stay out of it
            long ada = app.subscribers.findByEmail("ada@example.com").orElseThrow().id();
            app.db.jdbc().update("UPDATE deliveries SET updated_at = ? WHERE campaign_id = ?", java.time.Instant.now().minusSeconds(3600), campaign);
            long link = app.links.idFor(campaign, "https://example.com/pg");
            var http = java.net.http.HttpClient.newHttpClient();
            for (String u : List.of(app.urls.open(campaign, ada), app.urls.open(campaign, ada), app.urls.click(campaign, ada, link))) {
                http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(u)).header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0").build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
            }
            app.eventBuffer.flush();
            var totals = new dev.letterpress.tracking.CampaignStats(app.db.jdbc()).totals(campaign);
            assertThat(totals.humanOpens()).isEqualTo(new dev.letterpress.tracking.CampaignStats.Count(2, 1));
            assertThat(totals.humanClicks()).isEqualTo(new dev.letterpress.tracking.CampaignStats.Count(1, 1));

            var schedule = app.weekly.create("Monday", "MON", "09:00", "Europe/Berlin", List.of("Weekly"));
            assertThat(app.weekly.nextFire(schedule.id())).isNotNull();
            app.weekly.enqueue("Monday", "next", TestSupport.demoIssue());
            assertThat(app.weekly.readyCount(schedule.id())).isEqualTo(1);

            // a relay's bounce report read from an IMAP mailbox: the inbound lease, position and ledger lookup on PostgreSQL
            var imap = new GreenMail(new com.icegreen.greenmail.util.ServerSetup(TestSupport.freePort(), "127.0.0.1", "imap"));
            imap.start();
            try {
                imap.setUser("bounces@news.example.com", "bounces", "secret");
                var ledgerAda = java.util.Arrays.stream(smtp.getReceivedMessages())
                        .filter(m -> TestSupport.recipient(m).equals("ada@example.com")).findFirst().orElseThrow();
                imap.getUserManager().getUser("bounces").deliver(dev.letterpress.inbound.TestReports.dsn(ledgerAda.getMessageID(),
                        "ada@example.com", "failed", "5.1.1", "smtp; 550 5.1.1 user unknown"));
                var reader = new dev.letterpress.inbound.MailboxReader(new dev.letterpress.config.Config.Inbound("127.0.0.1",
                        imap.getImap().getPort(), dev.letterpress.config.Config.Security.NONE, "bounces", "secret", "INBOX",
                        Duration.ofHours(1), Duration.ofSeconds(10)), app.db.jdbc(), app.subscribers, app.events, app.tracker, app.consent,
                        new dev.letterpress.delivery.SoftBounces(app.db.jdbc(), java.time.Clock.systemUTC()), "pg-node", java.time.Clock.systemUTC());
                assertThat(reader.pass().count("BOUNCE")).isEqualTo(1);
                assertThat(app.subscribers.isSuppressed("ada@example.com")).isTrue();
                assertThat(reader.pass().read()).isZero();
            } finally {
                imap.stop();
            }
        } finally {
            smtp.stop();
        }
    }
}
