package dev.letterpress.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.letterpress.App;
import dev.letterpress.FaultySmtpServer;
import dev.letterpress.PostgresSupport;
import dev.letterpress.TestSupport;
import dev.letterpress.config.Config;
import dev.letterpress.segment.SegmentSyntaxException;
import dev.letterpress.subscriber.Subscription;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A campaign for lists and a segment freezes only the lists' subscribers who match the segment. */
class SegmentCampaignTest {
    @TempDir
    Path dir;

    @Test
    void onH2() throws Exception {
        check(Map.of());
    }

    @Test
    void onPostgres() throws Exception {
        check(Map.of("db.url", PostgresSupport.newDatabase(), "db.user", "postgres", "db.password", "postgres"));
    }

    private void check(Map<String, String> db) throws Exception {
        try (FaultySmtpServer smtp = new FaultySmtpServer((rcpt, before) -> "250 OK")) {
            Config config = TestSupport.config(dir, smtp.port(), db);
            try (App app = App.create(config).start()) {
                var list = app.subscribers.createList("Weekly", null);
                var other = app.subscribers.createList("Other", null);
                app.subscribers.addToList(list.id(), "ada@example.com", "Ada", Map.of("plan", "pro", "country", "DE"), Subscription.CONFIRMED, "test");
                app.subscribers.addToList(list.id(), "bob@example.com", "Bob", Map.of("plan", "pro", "country", "FR"), Subscription.CONFIRMED, "test");
                app.subscribers.addToList(list.id(), "cy@example.com", "Cy", Map.of("plan", "free", "country", "AT"), Subscription.CONFIRMED, "test");
                app.subscribers.addToList(list.id(), "dee@example.com", "Dee", Map.of(), Subscription.CONFIRMED, "test");
                // matches the segment but is not on the campaign's list: a segment narrows lists, never widens them
                app.subscribers.addToList(other.id(), "eve@example.com", "Eve", Map.of("plan", "pro", "country", "AT"), Subscription.CONFIRMED, "test");
                app.segments.create("DACH pros", "plan = \"pro\" and country in (\"DE\", \"AT\", \"CH\")");

                assertThatThrownBy(() -> app.campaigns.create("Bad", TestSupport.demoIssue(), List.of("Weekly"), null, null, "plan = "))
                        .isInstanceOf(SegmentSyntaxException.class).hasMessageContaining("column");

                long campaign = app.campaigns.create("Pros", TestSupport.demoIssue(), List.of("Weekly"), null, null,
                        app.segments.require("DACH pros").expression());
                TestSupport.await("the campaign to finish", Duration.ofSeconds(30),
                        () -> "finished".equals(app.campaignStore.require(campaign).status()));
                assertThat(smtp.delivered).containsExactly("ada@example.com");
                assertThat(app.campaignStore.require(campaign).audienceSize()).isEqualTo(1);
            }
        }
    }
}
