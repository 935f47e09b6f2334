package dev.letterpress.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.cli.CliRunner.Run;
import dev.letterpress.TestSupport;
import dev.letterpress.config.ConfigLoader;
import dev.letterpress.db.Database;
import dev.letterpress.subscriber.SubscriberStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line in-process, through {@link Main#commandLine()}, over a real H2 database in a temp directory:
 * exit codes, one-line errors, and what each command prints and writes. Every command that opens the app costs
 * about 0.7 s (mostly the scheduler's shutdown), so lists a test needs are made through the store directly.
 */
class CliTest {
    private final CliRunner runner = new CliRunner();
    @TempDir
    Path dir;
    Path config;


    @BeforeEach
    void setUp() throws IOException {
        runner.capture();
        config = writeConfig("");
    }

    @AfterEach
    void restore() {
        runner.restore();
    }

    // ---- configuration errors ------------------------------------------------------------------

    @Test
    void anInvalidConfigValueIsOneErrorLineWithoutStackTrace() throws IOException {
        Path bad = writeConfig("smtp.port = abc\n");
        Run run = runWith(bad, "lists", "list");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("error: ").contains("smtp.port").contains("'abc'");
        assertThat(run.err()).doesNotContain("at dev.");
        assertThat(run.out()).doesNotContain("#");
    }

    @Test
    void verbosePrintsTheStackTrace() throws IOException {
        Path bad = writeConfig("smtp.port = abc\n");
        Run run = execute("--config", bad.toString(), "--verbose", "lists", "list");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.errLines().get(0)).startsWith("error: ").contains("smtp.port").contains("'abc'");
        assertThat(run.err()).contains("at dev.letterpress.config.ConfigLoader");
        assertThat(run.errLines().size()).isGreaterThan(1);
    }

    @Test
    void anUnknownConfigKeyIsNamed() throws IOException {
        Path bad = writeConfig("smtp.prot = 2525\n");
        Run run = runWith(bad, "lists", "list");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).startsWith("error: ").contains("unknown key 'smtp.prot'");
    }

    @Test
    void inboundPollWithoutAMailboxSaysWhichKeysToSet() {
        Run run = run("inbound", "poll");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).startsWith("error: ").contains("inbound.imap.host is empty").contains("inbound.imap.username");
    }

    // ---- issues ----------------------------------------------------------------------------------

    @Test
    void validateAcceptsTheDemoIssue() throws IOException {
        Path issue = file("issue.json", TestSupport.demoIssue());
        Run run = run("issues", "validate", issue.toString());
        assertThat(run.code()).isEqualTo(0);
        assertThat(run.out()).contains(issue + ": valid, 7 sections (lead, chart, stories, events, discovery, links, image)");
        assertThat(run.err()).doesNotContain("error");
    }

    @Test
    void validateReportsMalformedJsonWithLineAndColumn() throws IOException {
        Path issue = file("broken.json", "{\n  \"subject\": \"Hi\",\n  \"sections\": [ }\n");
        Run run = run("issues", "validate", issue.toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("line 3").contains("column").contains("malformed JSON");
        assertThat(run.out()).doesNotContain("valid,");
    }

    @Test
    void validateNamesTheUnknownSectionTypeByPath() throws IOException {
        String json = TestSupport.demoIssue().replace("\"type\": \"discovery\"", "\"type\": \"horoscope\"");
        assertThat(json).isNotEqualTo(TestSupport.demoIssue());
        Path issue = file("unknown-type.json", json);
        Run run = run("issues", "validate", issue.toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("1 problem:").contains("sections[4].type: unknown section type 'horoscope'");
    }

    @Test
    void validateRefusesLineBreaksInTheSubject() throws IOException {
        String json = TestSupport.demoIssue().replace("\"subject\": \"The written proposal is back (and your standup is nervous)\"",
                "\"subject\": \"Hello\\r\\nBcc: everyone@example.com\"");
        assertThat(json).isNotEqualTo(TestSupport.demoIssue());
        Path issue = file("crlf.json", json);
        Run run = run("issues", "validate", issue.toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.errLines()).anySatisfy(l -> assertThat(l.strip()).startsWith("subject: must not contain line breaks"));
    }

    @Test
    void validateOfAMissingFileIsOneErrorLine() {
        Run run = run("issues", "validate", dir.resolve("nope.json").toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).startsWith("error: no such file").contains("nope.json");
    }

    @Test
    void renderWritesHtmlAndText() throws IOException {
        Path issue = file("issue.json", TestSupport.demoIssue());
        Path html = dir.resolve("out.html");
        Path text = dir.resolve("out.txt");
        Run run = run("issues", "render", issue.toString(), "--out", html.toString(), "--text", text.toString());
        assertThat(run.code()).isEqualTo(0);
        assertThat(run.out()).contains("Wrote " + html + " and " + text);
        assertThat(html).exists();
        assertThat(text).exists();
        assertThat(Files.readString(html)).contains("The quiet comeback of the written proposal").contains("<html");
        assertThat(Files.readString(text)).contains("The quiet comeback of the written proposal").doesNotContain("<p>");
    }

    // ---- lists and subscribers --------------------------------------------------------------------

    @Test
    void listsAreCreatedOnceAndListed() {
        Run first = run("lists", "create", "Weekly");
        assertThat(first.code()).isEqualTo(0);
        assertThat(first.out()).contains("Created list #1 \"Weekly\"");

        Run again = run("lists", "create", "Weekly");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.errLines()).hasSize(1);
        assertThat(again.err()).startsWith("error: ").contains("already exists");

        Run list = run("lists", "list");
        assertThat(list.code()).isEqualTo(0);
        assertThat(list.out().lines().filter(l -> l.contains("Weekly")).toList())
                .singleElement().satisfies(l -> assertThat(l).startsWith("#1").contains("0 confirmed"));
    }

    @Test
    void aListsSnippetIsAFormPostingToItsSignedSubscribeUrl() {
        createList("Weekly");
        Run run = run("lists", "snippet", "Weekly");
        assertThat(run.code()).isEqualTo(0);
        assertThat(run.out()).containsPattern("<form method=\"post\" action=\"http://[^\"]+/s/[A-Za-z0-9_-]{36}\"")
                .contains("<label for=\"lp-email\">Email address</label>").contains("name=\"website\"").contains("Subscribe to Weekly");
        Run missing = run("lists", "snippet", "Nope");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).startsWith("error: ").contains("no list named 'Nope'");
    }

    @Test
    void importReportsBadAndDuplicateRowsAndExitsThree() throws IOException {
        createList("Weekly");
        Path csv = file("people.csv", """
                email,name
                ada@example.com,Ada Lovelace
                not-an-email,Broken
                grace@example.com,Grace Hopper
                ADA@example.com,Ada Again
                linus@example.com,Linus
                """);
        Path errors = dir.resolve("errors.csv");
        Run run = run("subscribers", "import", csv.toString(), "--list", "Weekly", "--errors", errors.toString());
        assertThat(run.code()).isEqualTo(3);
        assertThat(run.out()).contains("5 rows read").contains("3 added").contains("1 duplicates").contains("1 invalid");
        assertThat(run.err()).contains("line 3: invalid:").contains("line 5: duplicate:");

        List<String> rows = Files.readAllLines(errors);
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).isEqualTo("line,kind,reason");
        assertThat(rows.subList(1, 3)).satisfiesExactlyInAnyOrder(
                r -> assertThat(r).startsWith("3,invalid,").contains("not-an-email"),
                r -> assertThat(r).startsWith("5,duplicate,").contains("line 2"));

        assertThat(confirmedOn("Weekly")).isEqualTo(3);
    }

    @Test
    void importIntoAMissingListSaysHowToCreateIt() throws IOException {
        Path csv = file("people.csv", "email,name\nada@example.com,Ada\n");
        Run run = run("subscribers", "import", csv.toString(), "--list", "Nope");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).startsWith("error: ").contains("'Nope'").contains("lists create");
    }

    // ---- campaigns -------------------------------------------------------------------------------

    @Test
    void campaignLifecycleFromCreateToCancel() throws IOException {
        createList("Weekly");
        Path issue = file("issue.json", TestSupport.demoIssue());

        Run create = run("campaigns", "create", "--issue", issue.toString(), "--list", "Weekly",
                "--at", "2030-01-06T09:00", "--zone", "Europe/Berlin");
        assertThat(create.code()).isEqualTo(0);
        assertThat(create.out()).contains("Campaign #1 ").contains("scheduled for 2030-01-06T08:00:00Z").doesNotContain("(now)");

        Run status = run("campaigns", "status", "1");
        assertThat(status.code()).isEqualTo(0);
        assertThat(status.out()).contains("Campaign #1 \"The written proposal is back (and your standup is nervous)\": scheduled")
                .contains("send at   2030-01-06T08:00:00Z")
                .contains("audience  not frozen yet");
        assertThat(status.out().lines().filter(l -> l.startsWith("  ledger")).toList())
                .singleElement().satisfies(l -> assertThat(l).contains("queued 0").contains("sent 0").contains("failed 0"));

        Run pause = run("campaigns", "pause", "1");
        assertThat(pause.code()).isEqualTo(0);
        assertThat(pause.out()).contains("Campaign #1 paused");
        assertThat(run("campaigns", "status", "1").out()).contains("\": paused (paused by request)");

        Run resume = run("campaigns", "resume", "1");
        assertThat(resume.code()).isEqualTo(0);
        assertThat(resume.out()).contains("Campaign #1 resumed");

        Run cancel = run("campaigns", "cancel", "1");
        assertThat(cancel.code()).isEqualTo(0);
        assertThat(cancel.out()).contains("Campaign #1 cancelled.");

        Run again = run("campaigns", "cancel", "1");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.errLines()).hasSize(1);
        assertThat(again.err()).startsWith("error: ").contains("already cancelled");
    }

    @Test
    void aBadZoneIsNamed() throws IOException {
        Path issue = file("issue.json", TestSupport.demoIssue());
        Run run = run("campaigns", "create", "--issue", issue.toString(), "--list", "Weekly",
                "--at", "2030-01-06T09:00", "--zone", "Mars/Olympus_Mons");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).startsWith("error: ").contains("'Mars/Olympus_Mons'").contains("time zone");
    }

    @Test
    void nowAndAtTogetherIsAUsageError() throws IOException {
        Path issue = file("issue.json", TestSupport.demoIssue());
        Run run = run("campaigns", "create", "--issue", issue.toString(), "--list", "Weekly",
                "--now", "--at", "2030-01-06T09:00");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("mutually exclusive").contains("--now").contains("--at");
    }

    // ---- weekly schedules ----------------------------------------------------------------------

    @Test
    void weeklyScheduleIsCreatedFilledAndListed() throws IOException {
        createList("Weekly");
        ZoneId ny = ZoneId.of("America/New_York");
        ZonedDateTime before = ZonedDateTime.now(ny);

        Run create = run("schedules", "weekly", "create", "--name", "Monday", "--days", "MON", "--time", "09:00",
                "--zone", "America/New_York", "--list", "Weekly");
        assertThat(create.code()).isEqualTo(0);
        String expectedNext = nextMonday9(before).toInstant().toString();
        assertThat(create.out()).contains("Weekly schedule #1 \"Monday\": MON at 09:00 America/New_York")
                .contains("next firing " + expectedNext);

        Path issue = file("issue.json", TestSupport.demoIssue());
        Run enqueue = run("schedules", "weekly", "enqueue", "--schedule", "Monday", "--issue", issue.toString());
        assertThat(enqueue.code()).isEqualTo(0);
        assertThat(enqueue.out()).contains("for \"Monday\" (1 ready)");

        Run list = run("schedules", "list");
        assertThat(list.code()).isEqualTo(0);
        assertThat(list.out()).contains("#1 Monday: MON 09:00 America/New_York, next " + expectedNext + ", 1 issue(s) ready");
    }

    @Test
    void anUnknownDayIsNamed() {
        Run run = run("schedules", "weekly", "create", "--name", "Fun", "--days", "FUNDAY", "--time", "09:00",
                "--zone", "Europe/Berlin", "--list", "Weekly");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).startsWith("error: ").contains("'FUNDAY' is not a day");
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** The next Monday 09:00 in the zone strictly after {@code now} (what a weekly cron trigger fires at). */
    private static ZonedDateTime nextMonday9(ZonedDateTime now) {
        ZonedDateTime candidate = now.with(TemporalAdjusters.nextOrSame(DayOfWeek.MONDAY)).with(LocalTime.of(9, 0));
        return candidate.isAfter(now) ? candidate : candidate.plusWeeks(1);
    }

    /** Seeds a list through the store: a real database, without the cost of a whole app per command. */
    private void createList(String name) {
        try (Database db = Database.open(ConfigLoader.load(config, true, Map.of()))) {
            new SubscriberStore(db.jdbc(), Clock.systemUTC()).createList(name, null);
        }
    }

    private long confirmedOn(String list) {
        try (Database db = Database.open(ConfigLoader.load(config, true, Map.of()))) {
            return new SubscriberStore(db.jdbc(), Clock.systemUTC()).listsWithCounts().stream()
                    .filter(e -> e.getKey().name().equals(list)).map(Map.Entry::getValue).findFirst().orElseThrow();
        }
    }

    private Path writeConfig(String extra) throws IOException {
        String templates = Path.of("templates").toAbsolutePath().toString().replace('\\', '/');
        String data = dir.resolve("data").toString().replace('\\', '/');
        return Files.writeString(dir.resolve("letterpress-" + System.nanoTime() + ".properties"),
                "data.dir = " + data + "\ntemplates.dir = " + templates + "\n" + extra, StandardCharsets.UTF_8);
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private Run run(String... args) {
        return runner.run(config, args);
    }

    private Run runWith(Path configFile, String... args) {
        return runner.run(configFile, args);
    }

    private Run execute(String... args) {
        return runner.execute(args);
    }
}
