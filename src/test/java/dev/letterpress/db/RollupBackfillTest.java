package dev.letterpress.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.tracking.CampaignStats;
import java.nio.file.Path;
import java.time.Instant;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database upgraded past V13 reports the opens and clicks it recorded before the rollups existed. */
class RollupBackfillTest {
    @TempDir
    Path dir;

    @Test
    void eventsRecordedBeforeTheRollupsAreSummedByTheMigration() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:" + dir.resolve("old").toAbsolutePath());
        migrate(ds, "12");
        Jdbc jdbc = new Jdbc(ds);
        Instant t = Instant.parse("2026-11-02T09:15:00Z");
        jdbc.update("INSERT INTO issues (id, name, document, created_at) VALUES (1, 'i', '{}', ?)", t);
        jdbc.update("INSERT INTO campaigns (id, name, issue_id, status, send_at, created_at) VALUES (7, 'c', 1, 'finished', ?, ?)", t, t);
        for (long s = 1; s <= 3; s++) {
            jdbc.update("INSERT INTO deliveries (campaign_id, subscriber_id, email, list_id, state, updated_at) VALUES (7, ?, ?, 1, 'sent', ?)",
                    s, "r" + s + "@example.com", t);
        }
        jdbc.update("INSERT INTO links (id, campaign_id, url_hash, url) VALUES (5, 7, 'h', 'https://example.com/a')");
        String event = "INSERT INTO events (campaign_id, subscriber_id, kind, link_id, created_at, human) VALUES (7, ?, ?, ?, ?, ?)";
        jdbc.update(event, 1, "open", null, t, true);
        jdbc.update(event, 1, "open", null, t.plusSeconds(3600), true);  // the next hour
        jdbc.update(event, 2, "open", null, t, false);
        jdbc.update(event, 3, "open", null, t, null);                    // before classification: a person's
        jdbc.update(event, 1, "click", 5, t, true);
        jdbc.update(event, 2, "click", 5, t, false);
        jdbc.update(event, null, "click", 5, t, true);                   // anonymous: in the totals only

        migrate(ds, "latest");

        CampaignStats stats = new CampaignStats(jdbc);
        CampaignStats.Totals totals = stats.totals(7);
        assertThat(totals.humanOpens()).isEqualTo(new CampaignStats.Count(3, 2));
        assertThat(totals.machineOpens()).isEqualTo(new CampaignStats.Count(1, 1));
        assertThat(totals.humanClicks()).isEqualTo(new CampaignStats.Count(2, 1));
        assertThat(totals.machineClicks()).isEqualTo(new CampaignStats.Count(1, 1));
        assertThat(stats.timeline(7)).extracting(CampaignStats.Hour::start, CampaignStats.Hour::humanOpens)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-11-02T09:00:00Z"), 2L),
                        org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-11-02T10:00:00Z"), 1L));
        assertThat(stats.topLinks(7, 10)).containsExactly(new CampaignStats.LinkClicks(5, "https://example.com/a", 2, 1));
    }

    private static void migrate(JdbcDataSource ds, String target) {
        Flyway.configure().dataSource(ds).target(target)
                .locations("classpath:db/migration/common", "classpath:db/migration/h2")
                .load().migrate();
    }
}
