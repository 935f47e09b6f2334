package dev.letterpress.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.cli.CliRunner.Run;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.letterpress.config.ConfigLoader;
import dev.letterpress.db.Database;
import dev.letterpress.subscriber.SubscriberStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The marketer's desk on the command line, in-process over a real H2 database: {@code issues check-links} and
 * {@code campaigns create --check-links} against WireMock, and {@code segments create / count / list}.
 */
class MarketerDeskCliTest {
    private final CliRunner runner = new CliRunner();
    @TempDir
    Path dir;
    Path config;
    WireMockServer wm;
    String base;


    @BeforeEach
    void setUp() throws IOException {
        runner.capture();
        String templates = Path.of("templates").toAbsolutePath().toString().replace('\\', '/');
        String data = dir.resolve("data").toString().replace('\\', '/');
        config = Files.writeString(dir.resolve("letterpress.properties"), "data.dir = " + data + "\ntemplates.dir = " + templates + "\n");
        wm = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        wm.start();
        base = "http://127.0.0.1:" + wm.port();
        wm.stubFor(any(urlEqualTo("/ok")).willReturn(aResponse().withStatus(200)));
        wm.stubFor(any(urlEqualTo("/img.png")).willReturn(aResponse().withStatus(200)));
        wm.stubFor(any(urlEqualTo("/missing")).willReturn(aResponse().withStatus(404)));
        wm.stubFor(any(urlEqualTo("/old")).willReturn(aResponse().withStatus(301).withHeader("Location", "/ok")));
    }

    @AfterEach
    void tearDown() {
        runner.restore();
        wm.stop();
    }

    private String issue(boolean withBrokenLink) {
        String body = "See [the good page](" + base + "/ok)" + (withBrokenLink ? " and [the gone one](" + base + "/missing)" : "") + ".";
        return """
                {"subject": "Links", "sender": {"name": "Build Notes", "email": "news@example.com"},
                 "sections": [
                   {"type": "lead", "headline": "Hello", "body": "%s"},
                   {"type": "links", "items": [{"title": "Moved page", "url": "%s/old"}]},
                   {"type": "image", "imageUrl": "%s/img.png", "altText": "A picture"}
                 ]}
                """.formatted(body, base, base);
    }

    @Test
    void checkLinksListsEveryLinkWithItsOutcomeAndExitsZeroUnlessStrict() throws IOException {
        Path file = Files.writeString(dir.resolve("issue.json"), issue(true));
        Run run = run("issues", "check-links", file.toString(), "--timeout", "10s");
        assertThat(run.code()).isEqualTo(0);
        List<String> lines = run.out().lines().toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("ok ").contains("200  " + base + "/ok  (\"the good page\")"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("BROKEN ").contains("404  " + base + "/missing  (\"the gone one\")"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("ok (redirected)").contains(base + "/old  (\"Moved page\")"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("301  -> /ok"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains(base + "/img.png  (image \"A picture\")"));
        assertThat(lines.get(lines.size() - 1)).isEqualTo("4 links checked: 3 ok (1 redirected), 1 broken");
        assertThat(run.out()).doesNotContain("letterpress.invalid").doesNotContain("/unsubscribe");

        Run strict = run("issues", "check-links", file.toString(), "--strict");
        assertThat(strict.code()).isEqualTo(3);
        Run clean = run("issues", "check-links", Files.writeString(dir.resolve("clean.json"), issue(false)).toString(), "--strict");
        assertThat(clean.code()).isEqualTo(0);
        assertThat(clean.out()).contains("3 links checked: 3 ok (1 redirected), 0 broken");

        Run badTimeout = run("issues", "check-links", file.toString(), "--timeout", "soon");
        assertThat(badTimeout.code()).isEqualTo(1);
        assertThat(badTimeout.err()).contains("--timeout 'soon' is not a duration");
    }

    @Test
    void campaignsCreateWithCheckLinksRefusesBrokenLinksUnlessScheduledAnyway() throws IOException {
        createList("Weekly");
        Path file = Files.writeString(dir.resolve("issue.json"), issue(true));
        Run refused = run("campaigns", "create", "--issue", file.toString(), "--list", "Weekly", "--at", "2030-01-06T09:00Z", "--check-links");
        assertThat(refused.code()).isEqualTo(3);
        assertThat(refused.out()).contains("BROKEN").contains(base + "/missing");
        assertThat(refused.err()).contains("1 broken link: nothing scheduled").contains("--schedule-anyway");
        assertThat(run("campaigns", "list").out()).doesNotContain("Links");

        Run anyway = run("campaigns", "create", "--issue", file.toString(), "--list", "Weekly", "--at", "2030-01-06T09:00Z",
                "--check-links", "--schedule-anyway");
        assertThat(anyway.code()).isEqualTo(0);
        assertThat(anyway.out()).contains("BROKEN").contains("Scheduling anyway with 1 broken link").contains("Campaign #1 \"Links\" scheduled");
    }

    @Test
    void segmentsAreCreatedCountedAndListedAndBadExpressionsPointAtTheColumn() {
        try (Database db = Database.open(ConfigLoader.load(config, true, Map.of()))) {
            SubscriberStore store = new SubscriberStore(db.jdbc(), Clock.systemUTC());
            long list = store.createList("Weekly", null).id();
            store.addToList(list, "ada@example.com", "Ada", Map.of("plan", "pro", "country", "DE"), "confirmed", "test");
            store.addToList(list, "bob@example.com", "Bob", Map.of("plan", "pro", "country", "US"), "confirmed", "test");
            store.addToList(list, "cy@example.com", "Cy", Map.of("plan", "free", "country", "AT"), "confirmed", "test");
        }
        Run create = run("segments", "create", "Pro DACH", "plan = \"pro\" and country in (\"DE\",\"AT\")");
        assertThat(create.code()).isEqualTo(0);
        assertThat(create.out()).contains("Segment \"Pro DACH\" created; it matches 1 subscribers now.");

        Run count = run("segments", "count", "Pro DACH", "--preview", "5");
        assertThat(count.code()).isEqualTo(0);
        assertThat(count.out()).contains("1 subscribers match plan = \"pro\" and country in (\"DE\",\"AT\")").contains("ada@example.com");

        Run adHoc = run("segments", "count", "--expr", "plan = 'pro'");
        assertThat(adHoc.out()).contains("2 subscribers match");

        Run bad = run("segments", "count", "--expr", "plan = ");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err().lines().toList()).containsExactly("error: expected a value after '=' at column 8", "  plan = ", "         ^");

        Run duplicate = run("segments", "create", "Pro DACH", "plan = 'x'");
        assertThat(duplicate.code()).isEqualTo(1);
        assertThat(duplicate.err()).contains("a segment named 'Pro DACH' already exists");

        Run missing = run("segments", "count", "Nope");
        assertThat(missing.err()).contains("no segment named 'Nope'");

        Run list = run("segments", "list");
        assertThat(list.out()).contains("Pro DACH").contains("1  plan = \"pro\"");
    }

    private void createList(String name) {
        try (Database db = Database.open(ConfigLoader.load(config, true, Map.of()))) {
            new SubscriberStore(db.jdbc(), Clock.systemUTC()).createList(name, null);
        }
    }

    private Run run(String... args) {
        return runner.run(config, args);
    }
}
