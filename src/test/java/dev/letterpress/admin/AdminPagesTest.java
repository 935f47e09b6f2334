package dev.letterpress.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.App;
import dev.letterpress.TestSupport;
import dev.letterpress.delivery.Campaign;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.Subscription;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin's other pages over HTTP (no browser): weekly schedules, subscribers, CSV import, campaign controls, link preflight. */
class AdminPagesTest {
    @TempDir
    static Path dir;
    static App app;
    static AdminHttp http;
    static AdminHttp.Signed s;
    static MailingList weekly;

    @BeforeAll
    static void start() throws Exception {
        app = App.create(TestSupport.config(dir, TestSupport.freePort(), Map.of("api.max.upload.bytes", "2048")), null, null, java.time.Clock.systemUTC()).start();
        app.admins.create("ada", "correct horse battery staple");
        http = new AdminHttp(app.config.http().publicBaseUrl().toString());
        s = http.signIn("ada", "correct horse battery staple");
        weekly = app.subscribers.createList("Weekly", null);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aWeeklyScheduleIsCreatedAndItsQueueExtended() throws Exception {
        Map<String, String> form = new LinkedHashMap<>(Map.of("_csrf", s.csrf(), "name", "Monday letter", "day", "MON", "time", "09:00",
                "zone", "Europe/Berlin", "list", "Weekly"));
        var created = http.post("/admin/schedules", s.cookie(), form);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(303);
        String page = created.headers().firstValue("Location").orElseThrow();
        long issue = app.campaigns.saveIssue("Queued issue", TestSupport.demoIssue());
        assertThat(http.post(page + "/queue", s.cookie(), Map.of("_csrf", s.csrf(), "issue", Long.toString(issue))).statusCode()).isEqualTo(303);
        String body = http.get(page, s.cookie()).body();
        assertThat(body).contains("Monday letter").contains("MON at 09:00 (Europe/Berlin)").contains("Queued issue").contains("issues ready: 1");
        assertThat(http.get("/admin/schedules", s.cookie()).body()).contains("Monday letter");

        form.put("day", "Someday");
        form.put("name", "Another letter");
        var bad = http.post("/admin/schedules", s.cookie(), form);
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).contains("is not a day");

        form.put("day", "MON");
        form.put("name", "x".repeat(201));
        var tooLong = http.post("/admin/schedules", s.cookie(), form);
        assertThat(tooLong.statusCode()).as("a clear refusal, not a database error").isBetween(400, 499);
        assertThat(tooLong.body()).contains("at most 200 characters");
    }

    @Test
    void subscribersAreSearchedInKeysetPagesAndOneSubscribersHistoryIsShown() throws Exception {
        MailingList list = app.subscribers.createList("Search", null);
        for (int i = 0; i < 55; i++) {
            app.subscribers.addToList(list.id(), String.format("page%02d@search.example", i), null, Map.of("city", i % 2 == 0 ? "Berlin" : "Paris"),
                    Subscription.CONFIRMED, "test");
        }
        var first = http.get("/admin/subscribers?email=search.example&list=Search", s.cookie());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(count(first.body(), "@search.example</a>")).isEqualTo(50);
        String next = AdminHttp.csrfOf(first.body()) == null ? null : first.body().replaceAll("(?s).*id=\"next-page\" href=\"([^\"]+)\".*", "$1");
        assertThat(next).contains("after=");
        var second = http.get(next.replace("&amp;", "&"), s.cookie());
        assertThat(count(second.body(), "@search.example</a>")).isEqualTo(5);
        assertThat(second.body()).doesNotContain("id=\"next-page\"").contains("page54@search.example");
        assertThat(count(http.get("/admin/subscribers?attribute=city%3DParis&list=Search", s.cookie()).body(), "@search.example</a>")).isEqualTo(27);

        long id = app.subscribers.findByEmail("page00@search.example").orElseThrow().id();
        var one = http.get("/admin/subscribers/" + id, s.cookie());
        assertThat(one.body()).contains("page00@search.example").contains("subscriptions").contains("Search").contains("confirmed");
    }

    @Test
    void aCsvUploadIsImportedInTheBackgroundWithAPerRowReport() throws Exception {
        String csv = "email,name,city\nok1@import.example,One,Berlin\nnot-an-address,Two,Paris\nok2@import.example,Three,Rome\n";
        String boundary = "----letterpress" + System.nanoTime();
        String body = part(boundary, "_csrf", null, s.csrf()) + part(boundary, "list", null, "Weekly") + part(boundary, "status", null, "confirmed")
                + part(boundary, "file", "people.csv", csv) + "--" + boundary + "--\r\n";
        var upload = AdminHttp.HTTP.send(HttpRequest.newBuilder(URI.create(app.config.http().publicBaseUrl() + "/admin/imports"))
                .header("Cookie", s.cookie()).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(303);
        String job = upload.headers().firstValue("Location").orElseThrow();
        TestSupport.await("the import to finish", Duration.ofSeconds(20), () -> {
            try {
                return http.get(job + "/progress", s.cookie()).body().contains("\"done\":true");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        String report = http.get(job, s.cookie()).body();
        assertThat(report).contains("id=\"import-problems\"").contains("<td>3</td><td>invalid</td>").contains("aria-valuenow=\"100\"");
        assertThat(app.subscribers.findByEmail("ok2@import.example")).isPresent();
        assertThat(app.subscribers.findByEmail("not-an-address")).isEmpty();
    }

    @Test
    void anUploadPastTheLimitIsRefusedBeforeItIsRead() throws Exception {
        StringBuilder csv = new StringBuilder("email,name\n");
        for (int i = 0; csv.length() < 3000; i++) {
            csv.append("big").append(i).append("@import.example,Someone\n");
        }
        String boundary = "----letterpress" + System.nanoTime();
        String body = part(boundary, "_csrf", null, s.csrf()) + part(boundary, "list", null, "Weekly") + part(boundary, "status", null, "confirmed")
                + part(boundary, "file", "big.csv", csv.toString()) + "--" + boundary + "--\r\n";
        var upload = AdminHttp.HTTP.send(HttpRequest.newBuilder(URI.create(app.config.http().publicBaseUrl() + "/admin/imports"))
                .header("Cookie", s.cookie()).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(upload.statusCode()).isEqualTo(413);
        assertThat(upload.body()).contains("api.max.upload.bytes");
        // the unread rest of the body would be taken for the next request: the server closes, and says it will
        assertThat(upload.headers().firstValue("Connection")).hasValue("close");
        assertThat(app.subscribers.findByEmail("big0@import.example")).isEmpty();

        // the same body sent chunked, without a Content-Length: refused as it is read, past the limit
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        var chunked = AdminHttp.HTTP.send(HttpRequest.newBuilder(URI.create(app.config.http().publicBaseUrl() + "/admin/imports"))
                .header("Cookie", s.cookie()).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(413);
        assertThat(chunked.body()).contains("api.max.upload.bytes");
        assertThat(chunked.headers().firstValue("Connection")).hasValue("close");
        assertThat(app.subscribers.findByEmail("big0@import.example")).isEmpty();
    }

    @Test
    void aCampaignIsCancelledWithACsrfProtectedPost() throws Exception {
        long id = app.campaigns.create("Later", TestSupport.demoIssue(), List.of("Weekly"), Instant.now().plus(Duration.ofDays(3)));
        String page = http.get("/admin/campaigns/" + id, s.cookie()).body();
        assertThat(page).contains("id=\"cancel-button\"").contains("id=\"pause-button\"").contains("data-progress-url");
        String dashboard = http.get("/admin", s.cookie()).body();
        assertThat(dashboard.substring(dashboard.indexOf("id=\"upcoming\""), dashboard.indexOf("id=\"recent\""))).contains("/admin/campaigns/" + id);

        assertThat(http.post("/admin/campaigns/" + id + "/pause", s.cookie(), Map.of("_csrf", s.csrf())).statusCode()).isEqualTo(303);
        assertThat(app.campaignStore.require(id).status()).isEqualTo(Campaign.PAUSED);
        assertThat(http.get("/admin/campaigns/" + id, s.cookie()).body()).contains("id=\"resume-button\"").doesNotContain("id=\"pause-button\"");
        assertThat(http.post("/admin/campaigns/" + id + "/resume", s.cookie(), Map.of("_csrf", s.csrf())).statusCode()).isEqualTo(303);
        assertThat(app.campaignStore.require(id).status()).isEqualTo(Campaign.SCHEDULED);
        var twice = http.post("/admin/campaigns/" + id + "/resume", s.cookie(), Map.of("_csrf", s.csrf()));
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(twice.body()).contains("only a paused campaign can be resumed");

        long reader = app.subscribers.addToList(weekly.id(), "bounced@example.com", null, Map.of(), Subscription.CONFIRMED, "test").id();
        app.events.record(dev.letterpress.tracking.EventStore.Kind.BOUNCE, id, reader, null, "550 5.1.1 no such user", null);
        assertThat(http.get("/admin/campaigns/" + id, s.cookie()).body()).contains("bounced@example.com").contains("550 5.1.1 no such user");
        assertThat(http.post("/admin/campaigns/" + id + "/cancel", s.cookie(), Map.of()).statusCode()).isEqualTo(403);
        assertThat(app.campaignStore.require(id).status()).isEqualTo(Campaign.SCHEDULED);
        assertThat(http.post("/admin/campaigns/" + id + "/cancel", s.cookie(), Map.of("_csrf", s.csrf())).statusCode()).isEqualTo(303);
        assertThat(app.campaignStore.require(id).status()).isEqualTo(Campaign.CANCELLED);
        var progress = http.get("/admin/campaigns/" + id + "/progress", s.cookie());
        assertThat(progress.body()).contains("\"status\":\"cancelled\"").contains("\"over\":true");
    }

    @Test
    void brokenLinksStopTheScheduleUntilTheMarketerSchedulesAnyway() throws Exception {
        String base = app.config.http().publicBaseUrl().toString().replace("127.0.0.1", "localhost");
        String issue = """
                {"subject": "Links", "sender": {"name": "N", "email": "n@example.com"},
                 "sections": [{"type": "discovery", "blurb": "Look", "url": "%s/no-such-page"}]}""".formatted(base);
        long issueId = app.campaigns.saveIssue("Links", issue);
        Map<String, String> form = new LinkedHashMap<>(Map.of("_csrf", s.csrf(), "list", "Weekly", "when", "now"));
        long before = app.campaignStore.recent(100).size();
        var stopped = http.post("/admin/issues/" + issueId + "/schedule", s.cookie(), form);
        assertThat(stopped.statusCode()).isEqualTo(409);
        assertThat(stopped.body()).contains("id=\"broken-links\"").contains("/no-such-page").contains("(404)").contains("id=\"anyway\"");
        assertThat(app.campaignStore.recent(100)).hasSize((int) before);
        form.put("anyway", "on");
        var scheduled = http.post("/admin/issues/" + issueId + "/schedule", s.cookie(), form);
        assertThat(scheduled.statusCode()).isEqualTo(303);
        assertThat(scheduled.headers().firstValue("Location").orElseThrow()).matches("/admin/campaigns/\\d+");
        assertThat(app.campaignStore.recent(100)).hasSize((int) before + 1);
    }

    @Test
    void theLocalTimeChoiceReachesTheCampaign() throws Exception {
        long issueId = app.campaigns.saveIssue("Local", TestSupport.demoIssue());
        // "anyway" skips the link check: the demo issue's links point at hosts this test cannot reach
        Map<String, String> form = new LinkedHashMap<>(Map.of("_csrf", s.csrf(), "list", "Weekly", "when", "now", "localTime", "on",
                "anyway", "on"));
        var needsTime = http.post("/admin/issues/" + issueId + "/schedule", s.cookie(), form);
        assertThat(needsTime.statusCode()).isEqualTo(422);
        assertThat(needsTime.body()).contains("needs a date and time");
        String date = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(2).toString();
        form.putAll(Map.of("when", "at", "date", date, "time", "09:00", "zone", "Europe/Berlin"));
        var scheduled = http.post("/admin/issues/" + issueId + "/schedule", s.cookie(), form);
        assertThat(scheduled.statusCode()).as(scheduled.body()).isEqualTo(303);
        long id = Long.parseLong(scheduled.headers().firstValue("Location").orElseThrow().replaceAll(".*/", ""));
        var local = app.campaignStore.localTime(id);
        assertThat(local).isNotNull();
        assertThat(local.at()).isEqualTo(java.time.LocalDateTime.parse(date + "T09:00"));

        form.put("name", "y".repeat(301));
        var tooLong = http.post("/admin/issues/" + issueId + "/schedule", s.cookie(), form);
        assertThat(tooLong.statusCode()).as("a clear refusal, not a database error").isBetween(400, 499);
        assertThat(tooLong.body()).contains("1 to 300 characters");
        form.remove("name");

        form.remove("localTime");
        var plain = http.post("/admin/issues/" + issueId + "/schedule", s.cookie(), form);
        long plainId = Long.parseLong(plain.headers().firstValue("Location").orElseThrow().replaceAll(".*/", ""));
        assertThat(app.campaignStore.localTime(plainId)).isNull();
        assertThat(app.campaignStore.require(plainId).sendAt())
                .isEqualTo(java.time.LocalDateTime.parse(date + "T09:00").atZone(java.time.ZoneId.of("Europe/Berlin")).toInstant());
    }

    private static String part(String boundary, String name, String file, String value) {
        return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"" + (file == null ? "" : "; filename=\"" + file + "\"\r\nContent-Type: text/csv")
                + "\r\n\r\n" + value + "\r\n";
    }

    private static int count(String s, String what) {
        return s.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }
}
