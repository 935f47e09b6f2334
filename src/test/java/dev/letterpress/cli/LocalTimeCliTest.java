package dev.letterpress.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.TestSupport;
import dev.letterpress.cli.CliRunner.Run;
import dev.letterpress.config.ConfigLoader;
import dev.letterpress.db.Database;
import dev.letterpress.segment.SegmentStore;
import dev.letterpress.subscriber.SubscriberStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code campaigns create --local-time} and {@code schedules weekly create --segment NAME --local-time}. */
class LocalTimeCliTest {
    private final CliRunner runner = new CliRunner();
    @TempDir
    Path dir;
    Path config;
    Path issue;

    @BeforeEach
    void setUp() throws IOException {
        runner.capture();
        String templates = Path.of("templates").toAbsolutePath().toString().replace('\\', '/');
        config = Files.writeString(dir.resolve("letterpress.properties"), "data.dir = " + dir.resolve("data").toString().replace('\\', '/')
                + "\ntemplates.dir = " + templates + "\n", StandardCharsets.UTF_8);
        issue = Files.writeString(dir.resolve("issue.json"), TestSupport.demoIssue(), StandardCharsets.UTF_8);
        try (Database db = Database.open(ConfigLoader.load(config, true, Map.of()))) {
            new SubscriberStore(db.jdbc(), Clock.systemUTC()).createList("Weekly", null);
            new SegmentStore(db.jdbc(), Clock.systemUTC()).create("Pros", "plan = \"pro\"");
        }
    }

    @AfterEach
    void restore() {
        runner.restore();
    }

    @Test
    void localTimeWithoutAtOrZoneIsAnErrorThatSaysWhatItNeeds() {
        for (String[] when : new String[][] {{}, {"--now"}}) {
            String[] args = new String[5 + when.length + 1];
            System.arraycopy(new String[] {"campaigns", "create", "--issue", issue.toString(), "--list"}, 0, args, 0, 5);
            args[5] = "Weekly";
            System.arraycopy(when, 0, args, 6, when.length);
            String[] all = java.util.Arrays.copyOf(args, args.length + 1);
            all[all.length - 1] = "--local-time";
            Run run = runner.run(config, all);
            assertThat(run.code()).as(run.err()).isEqualTo(1);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: --local-time needs --at").contains("2026-12-01T09:00");
        }
        Run noZone = runner.run(config, "campaigns", "create", "--issue", issue.toString(), "--list", "Weekly", "--at", "2030-12-02T09:00", "--local-time");
        assertThat(noZone.code()).isEqualTo(1);
        assertThat(noZone.err()).contains("--local-time needs --zone");
        Run offset = runner.run(config, "campaigns", "create", "--issue", issue.toString(), "--list", "Weekly", "--at", "2030-12-02T09:00Z",
                "--zone", "Europe/Berlin", "--local-time");
        assertThat(offset.code()).isEqualTo(1);
        assertThat(offset.err()).contains("no offset");
        Run neither = runner.run(config, "campaigns", "create", "--issue", issue.toString(), "--list", "Weekly");
        assertThat(neither.code()).isEqualTo(1);
        assertThat(neither.err()).contains("--now").contains("--at");
    }

    @Test
    void aCampaignAtNineInEachSubscribersZone() {
        Run create = runner.run(config, "campaigns", "create", "--issue", issue.toString(), "--list", "Weekly", "--at", "2030-12-02T09:00",
                "--zone", "Europe/Berlin", "--local-time");
        assertThat(create.code()).as(create.err()).isZero();
        assertThat(create.out()).contains("Campaign #1 ").contains("scheduled for 2030-12-02T09:00 in each subscriber's time zone (fallback Europe/Berlin)")
                .contains("from 2030-12-01T19:00:00Z until 2030-12-02T21:00:00Z");
        Run status = runner.run(config, "campaigns", "status", "1");
        assertThat(status.out()).contains("local     2030-12-02T09:00 in each subscriber's time zone (fallback Europe/Berlin)")
                .contains("0 waiting for their local time").contains("waiting 0");
    }

    @Test
    void aWeeklyScheduleWithASegmentAtEachSubscribersLocalTime() {
        Run create = runner.run(config, "schedules", "weekly", "create", "--name", "Pros weekly", "--days", "MON", "--time", "09:00",
                "--zone", "Europe/Berlin", "--list", "Weekly", "--segment", "Pros", "--local-time");
        assertThat(create.code()).as(create.err()).isZero();
        assertThat(create.out()).contains("MON at 09:00 in each subscriber's time zone (fallback Europe/Berlin), segment Pros")
                .containsPattern("next firing \\d{4}-\\d\\d-\\d\\dT19:00:00Z");
        assertThat(runner.run(config, "schedules", "list").out()).contains("Pros weekly: MON 09:00 in each subscriber's time zone");
        Run unknown = runner.run(config, "schedules", "weekly", "create", "--name", "x", "--days", "MON", "--time", "09:00",
                "--zone", "Europe/Berlin", "--list", "Weekly", "--segment", "Nope");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("no segment named 'Nope'");
    }
}
