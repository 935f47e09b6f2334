package dev.letterpress.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.cli.CliRunner.Run;
import dev.letterpress.App;
import dev.letterpress.TestSupport;
import dev.letterpress.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tracking side of the command line: human and machine statistics, UTM on create, key rotation. */
class TrackingCliTest {
    private final CliRunner runner = new CliRunner();
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";

    @TempDir
    Path dir;
    Path config;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void setUp() throws Exception {
        runner.capture();
        config = writeConfig("");
    }

    @AfterEach
    void restore() {
        runner.restore();
    }

    @Test
    void statusReportsHumanAndMachineOpensAndClicksApartUniqueAndTotal() throws Exception {
        long campaign;
        try (App app = App.create(ConfigLoader.load(config, true, java.util.Map.of())).start()) {
            app.subscribers.createList("Weekly", null);
            campaign = app.campaigns.create("Stats", TestSupport.demoIssue(), List.of("Weekly"), Instant.now().plus(30, ChronoUnit.DAYS));
            app.campaigns.cancel(campaign);
            long a = app.links.idFor(campaign, "https://example.com/a");
            // two people open, one of them twice; Apple's proxy opens for a third; a scanner clicks, a person clicks twice
            get(app.urls.open(campaign, 1), BROWSER);
            get(app.urls.open(campaign, 1), BROWSER);
            get(app.urls.open(campaign, 2), BROWSER);
            get(app.urls.open(campaign, 3), "Mozilla/5.0");
            get(app.urls.click(campaign, 4, a), "Barracuda Sentinel (EE)");
            get(app.urls.click(campaign, 1, a), BROWSER);
            get(app.urls.click(campaign, 1, a), BROWSER);
        }
        Run run = run("campaigns", "status", Long.toString(campaign));
        assertThat(run.code()).isEqualTo(0);
        assertThat(run.out()).contains("opens     human 3 (2 unique) | machine 1 (1 unique)")
                .contains("clicks    human 2 (1 unique) | machine 1 (1 unique)");
    }

    @Test
    void createWithUtmTagsTheCampaignsLinks() throws Exception {
        Path issue = Files.writeString(dir.resolve("issue.json"), TestSupport.demoIssue());
        try (App app = App.create(ConfigLoader.load(config, true, java.util.Map.of()))) {
            app.subscribers.createList("Weekly", null);
        }
        Run run = run("campaigns", "create", "--issue", issue.toString(), "--list", "Weekly", "--at", "2030-01-01T09:00", "--zone", "UTC",
                "--name", "Spring Sale!", "--utm");
        assertThat(run.code()).as(run.err()).isEqualTo(0);
        Run named = run("campaigns", "create", "--issue", issue.toString(), "--list", "Weekly", "--at", "2030-01-01T09:00", "--zone", "UTC",
                "--utm=q1-2030");
        assertThat(named.code()).as(named.err()).isEqualTo(0);
        try (App app = App.create(ConfigLoader.load(config, true, java.util.Map.of()))) {
            assertThat(app.db.jdbc().query("SELECT utm_campaign FROM campaigns ORDER BY id", rs -> rs.getString(1)))
                    .containsExactly("spring-sale", "q1-2030");
        }
    }

    @Test
    void keysRotateAndRetireTheStoredKeysAndRefuseWhenTheConfigHoldsThem() throws Exception {
        Run rotated = run("signing-keys", "rotate");
        assertThat(rotated.code()).as(rotated.err()).isEqualTo(0);
        assertThat(rotated.out()).contains("2 keys now");
        Run retired = run("signing-keys", "retire");
        assertThat(retired.code()).isEqualTo(0);
        assertThat(retired.out()).contains("1 key left");
        Run again = run("signing-keys", "retire");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("only one signing key");

        Path configured = writeConfig("tracking.secret = " + "k".repeat(40) + "\n");
        Run refused = runWith(configured, "signing-keys", "rotate");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("tracking.secret is set");
    }

    @Test
    void aShortSecretInTheListIsNamed() throws Exception {
        Path bad = writeConfig("tracking.secret = " + "k".repeat(40) + ", short\n");
        Run run = runWith(bad, "lists", "list");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("tracking.secret").contains("a secret of 5 characters").contains("at least 32 characters each");
    }

    private int get(String url, String agent) throws Exception {
        int status = http.send(HttpRequest.newBuilder(URI.create(url)).header("User-Agent", agent).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        assertThat(status).isIn(200, 302);
        return status;
    }

    @Test
    void loadBenchTokensAreValidPathsOfReadersWithSentLedgerRowsAndTheirEventsAreCounted() throws Exception {
        Path out = dir.resolve("tokens");
        Run made = run("bench", "tokens", "--out", out.toString(), "--subscribers", "30", "--links", "4");
        assertThat(made.code()).as(made.err()).isZero();
        List<String> pixels = Files.readAllLines(out.resolve("pixel.txt"));
        List<String> clicks = Files.readAllLines(out.resolve("click.txt"));
        assertThat(pixels).hasSize(30).doesNotHaveDuplicates();
        assertThat(clicks).hasSize(30);
        long campaign = Long.parseLong(Files.readString(out.resolve("campaign")).strip());
        try (App app = App.create(ConfigLoader.load(config, true, java.util.Map.of())).start()) {
            // every reader the paths name was sent the campaign: the load test exercises the ledger lookups and marks
            assertThat(app.db.jdbc().query("SELECT COUNT(*) FROM deliveries WHERE campaign_id = ? AND state = 'sent'", rs -> rs.getLong(1), campaign))
                    .containsExactly(30L);
            String base = app.urls.base();
            for (int i = 0; i < 3; i++) {
                assertThat(get(base + pixels.get(i), BROWSER)).isEqualTo(200);
                assertThat(get(base + clicks.get(i), BROWSER)).isEqualTo(302);
            }
            app.eventBuffer.flush();
            // a person opened and clicked an hour after delivery: human, and each reader's first marks their ledger row
            assertThat(app.db.jdbc().query("SELECT COUNT(*) FROM deliveries WHERE campaign_id = ? AND opened_human AND clicked_human",
                    rs -> rs.getLong(1), campaign)).containsExactly(3L);
        }
        Run counted = run("bench", "events", "--campaign", Long.toString(campaign));
        assertThat(counted.out().strip()).endsWith("6");
    }

    private Path writeConfig(String extra) throws Exception {
        String templates = Path.of("templates").toAbsolutePath().toString().replace('\\', '/');
        String data = dir.resolve("data").toString().replace('\\', '/');
        int port = TestSupport.freePort();
        return Files.writeString(dir.resolve("letterpress-" + System.nanoTime() + ".properties"),
                "data.dir = " + data + "\ntemplates.dir = " + templates + "\nhttp.port = " + port
                        + "\npublic.base.url = http://127.0.0.1:" + port + "\n" + extra, StandardCharsets.UTF_8);
    }

    private Run run(String... args) {
        return runner.run(config, args);
    }

    private Run runWith(Path configFile, String... args) {
        return runner.run(configFile, args);
    }
}
