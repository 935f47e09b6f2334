package dev.letterpress.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.App;
import dev.letterpress.PostgresSupport;
import dev.letterpress.TestSupport;
import dev.letterpress.subscriber.ConsentLog;
import dev.letterpress.subscriber.DataRights;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.Subscription;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The consent, pause, export and erasure SQL on a real PostgreSQL (the other tests run on H2). */
class DataRightsPostgresTest {
    @TempDir
    Path dir;

    @Test
    void pauseExportAndEraseWorkOnPostgres() throws Exception {
        GreenMail smtp = TestSupport.greenMail();
        try (App app = App.create(TestSupport.config(dir, smtp.getSmtp().getPort(),
                Map.of("db.url", PostgresSupport.newDatabase(), "db.user", "postgres", "db.password", "postgres"))).start()) {
            assertThat(app.db.isPostgres()).isTrue();
            MailingList list = app.subscribers.createList("Weekly", null);
            long ada = app.subscribers.addToList(list.id(), "ada@example.com", "Ada", Map.of("k", "v"), Subscription.CONFIRMED, "test").id();
            long bob = app.subscribers.addToList(list.id(), "bob@example.com", "Bob", Map.of(), Subscription.CONFIRMED, "test").id();
            app.dataRights.pauseUntil(bob, Instant.now().plus(Duration.ofDays(30)));
            assertThat(app.dataRights.setDoNotTrack(ada, true)).isTrue();
            assertThat(app.dataRights.setDoNotTrack(ada, true)).isFalse();
            app.consent.record(ada, list.id(), ConsentLog.Action.DO_NOT_TRACK, "test", "w/1", "10.0.0.1");

            long campaign = app.campaigns.create("Issue 1", TestSupport.demoIssue(), List.of("Weekly"), null);
            TestSupport.await("campaign to finish", Duration.ofSeconds(30), () -> "finished".equals(app.campaignStore.require(campaign).status()));
            assertThat(smtp.getReceivedMessages()).as("the paused subscriber got nothing").hasSize(1);

            Map<String, Object> data = app.dataRights.export(ada);
            assertThat(data).containsKeys("profile", "subscriptions", "consentRecords", "deliveries", "events");
            assertThat((List<?>) data.get("deliveries")).hasSize(1);
            assertThat((List<?>) data.get("consentRecords")).hasSize(1);

            app.dataRights.erase(ada, "test", null);
            assertThat(app.subscribers.findByEmail("ada@example.com")).isEmpty();
            assertThat(app.dataRights.wasErased("ada@example.com")).isTrue();
            assertThat(app.consent.of(ada)).extracting(r -> r.get("ipHash")).containsOnlyNulls();
            DataRights.Settings s = app.dataRights.settings(bob);
            assertThat(s.paused(Instant.now())).isTrue();
        } finally {
            smtp.stop();
        }
    }
}
