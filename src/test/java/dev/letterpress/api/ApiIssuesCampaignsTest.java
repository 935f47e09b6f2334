package dev.letterpress.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.App;
import dev.letterpress.TestSupport;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issues (validate, store, replace, preview, test send through GreenMail) and campaigns (send, control, progress, statistics). */
class ApiIssuesCampaignsTest {
    @TempDir
    static Path dir;
    static GreenMail smtp;
    static App app;
    static ApiClient api;
    static long ada;

    @BeforeAll
    static void start() {
        smtp = TestSupport.greenMail();
        app = App.create(TestSupport.config(dir, smtp.getSmtp().getPort(), Map.of())).start();
        api = new ApiClient(app.config.http().publicBaseUrl().toString(), app.apiKeys.create("tests").secret());
        api.post("/api/lists", Map.of("name", "Readers"));
        for (String who : List.of("ada", "grace", "linus")) {
            var body = ApiSubscribersTest.subscriber(who + "@example.com", "Readers");
            body.put("name", who.substring(0, 1).toUpperCase() + who.substring(1) + " Reader");
            var created = api.post("/api/subscribers", body);
            assertThat(created.status()).isEqualTo(201);
            if (who.equals("ada")) {
                ada = created.json().path("id").asLong();
            }
        }
    }

    @AfterAll
    static void stop() {
        app.close();
        smtp.stop();
    }

    static ObjectNode demoIssue() throws Exception {
        return (ObjectNode) ApiClient.JSON.readTree(TestSupport.demoIssue());
    }

    static long createIssue() throws Exception {
        var created = api.post("/api/issues", demoIssue());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().path("id").asLong();
    }

    @Test
    void issuesAreValidatedStoredReadAndReplaced() throws Exception {
        ObjectNode doc = demoIssue();
        doc.put("name", "Issue 42");
        var created = api.post("/api/issues", doc);
        assertThat(created.status()).isEqualTo(201);
        long id = created.json().path("id").asLong();
        assertThat(created.json().path("name").asText()).isEqualTo("Issue 42");
        assertThat(api.get("/api/issues/" + id).json().path("document").path("subject").asText()).isEqualTo(doc.path("subject").asText());

        doc.put("subject", "A new subject");
        var replaced = api.put("/api/issues/" + id, doc);
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(api.get("/api/issues/" + id).json().path("document").path("subject").asText()).isEqualTo("A new subject");

        var valid = api.post("/api/issues/validate", doc);
        assertThat(valid.status()).isEqualTo(200);
        assertThat(valid.json().path("valid").asBoolean()).isTrue();
        assertThat(valid.json().path("sections").size()).isEqualTo(doc.path("sections").size());

        ((ObjectNode) doc.path("sections").get(1)).put("type", "horoscope");
        doc.remove("subject");
        var invalid = api.post("/api/issues/validate", doc);
        assertThat(invalid.status()).isEqualTo(400);
        List<String> fields = invalid.json().path("problems").findValuesAsText("field");
        assertThat(fields).contains("subject", "sections[1].type");
        assertThat(invalid.field()).isIn(fields);
        var notStored = api.post("/api/issues", doc);
        assertThat(notStored.status()).isEqualTo(400);
        assertThat(api.put("/api/issues/" + id, doc).status()).isEqualTo(400);
        assertThat(api.get("/api/issues/" + id).json().path("document").path("subject").asText()).isEqualTo("A new subject");
        assertThat(api.get("/api/issues/999999").status()).isEqualTo(404);
    }

    @Test
    void previewRendersForAChosenSubscriber() throws Exception {
        long id = createIssue();
        var preview = api.get("/api/issues/" + id + "/preview?subscriber=" + ada);
        assertThat(preview.status()).isEqualTo(200);
        assertThat(preview.json().path("subscriber").asText()).isEqualTo("ada@example.com");
        assertThat(preview.json().path("html").asText()).contains("<html").contains("Ada");
        assertThat(preview.json().path("text").asText()).contains("Hi Ada,").contains("ada@example.com");
        var sample = api.get("/api/issues/" + id + "/preview").json();
        assertThat(sample.path("text").asText()).contains("Hi Sample,").doesNotContain("Ada");
        var missing = api.get("/api/issues/" + id + "/preview?subscriber=999999");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.field()).isEqualTo("subscriber");
    }

    @Test
    void testSendsGoToTheGivenAddressesOnly() throws Exception {
        long id = createIssue();
        int before = smtp.getReceivedMessages().length;
        var sent = api.post("/api/issues/" + id + "/test-send", Map.of("to", List.of("editor@example.com", "boss@example.com"), "subscriber", ada));
        assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
        assertThat(sent.json().path("results").findValuesAsText("sent")).containsExactly("true", "true");
        MimeMessage[] received = Arrays.copyOfRange(smtp.getReceivedMessages(), before, smtp.getReceivedMessages().length);
        assertThat(received).hasSize(2);
        assertThat(received[0].getSubject()).startsWith("[Test] ");
        assertThat(Arrays.stream(received).map(m -> {
            try {
                return m.getAllRecipients()[0].toString();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        })).containsExactlyInAnyOrder("editor@example.com", "boss@example.com");

        var bad = api.post("/api/issues/" + id + "/test-send", Map.of("to", List.of("editor@example.com", "nope")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.field()).isEqualTo("to[1]");
        var tooMany = api.post("/api/issues/" + id + "/test-send", Map.of("to", java.util.Collections.nCopies(11, "a@example.com")));
        assertThat(tooMany.field()).isEqualTo("to");
        assertThat(smtp.getReceivedMessages()).hasSize(before + 2);
    }

    @Test
    void aCampaignSentNowReportsProgressAndStatistics() throws Exception {
        long issue = createIssue();
        int before = smtp.getReceivedMessages().length;
        var created = api.post("/api/campaigns", Map.of("issueId", issue, "lists", List.of("Readers"), "now", true, "name", "Now"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        long id = created.json().path("id").asLong();
        assertThat(created.json().path("lists").get(0).asText()).isEqualTo("Readers");
        TestSupport.await("campaign " + id + " to finish", Duration.ofSeconds(30),
                () -> api.get("/api/campaigns/" + id).json().path("status").asText().equals("finished"));
        JsonNode progress = api.get("/api/campaigns/" + id + "/progress").json();
        assertThat(progress.path("ledger").path("sent").asLong()).isEqualTo(3);
        assertThat(progress.path("remaining").asLong()).isZero();
        assertThat(progress.path("percentDone").asDouble()).isEqualTo(100.0);
        JsonNode stats = api.get("/api/campaigns/" + id + "/statistics").json();
        assertThat(stats.path("sent").asLong()).isEqualTo(3);
        assertThat(stats.path("events").path("open").has("unique")).isTrue();
        assertThat(stats.path("events").path("click").path("machine").has("recipients")).isTrue();
        assertThat(stats.path("uniqueRates").path("open").isNumber()).isTrue();
        assertThat(smtp.getReceivedMessages()).hasSize(before + 3);
        assertThat(api.get("/api/campaigns").json().findValuesAsText("name")).contains("Now");

        // the campaign holds its own copy of the issue: that copy may not change any more
        long copy = created.json().path("issueId").asLong();
        assertThat(copy).isNotEqualTo(issue);
        var locked = api.put("/api/issues/" + copy, demoIssue());
        assertThat(locked.status()).isEqualTo(409);
        assertThat(api.post("/api/campaigns/" + id + "/pause", Map.of()).status()).isEqualTo(409);

        // erasing a recipient afterwards leaves the counts and no trace of the address
        long linus = app.subscribers.findByEmail("linus@example.com").orElseThrow().id();
        assertThat(api.delete("/api/subscribers/" + linus).status()).isEqualTo(200);
        assertThat(app.db.jdbc().count("SELECT COUNT(*) FROM deliveries WHERE LOWER(email) LIKE '%linus%'")).isZero();
        assertThat(app.db.jdbc().count("SELECT COUNT(*) FROM deliveries WHERE campaign_id = ? AND email LIKE 'erased-%@erased.invalid'", id)).isEqualTo(1);
        assertThat(api.get("/api/campaigns/" + id + "/progress").json().path("ledger").path("sent").asLong()).isEqualTo(3);
    }

    @Test
    void aScheduledCampaignIsPausedResumedAndCancelled() throws Exception {
        long issue = createIssue();
        LocalDateTime tomorrow = LocalDateTime.now(ZoneId.of("Europe/Berlin")).plusDays(1).withNano(0).withSecond(0);
        Map<String, Object> body = new LinkedHashMap<>(Map.of("issueId", issue, "lists", List.of("Readers"),
                "sendAt", tomorrow.toString(), "zone", "Europe/Berlin"));
        var created = api.post("/api/campaigns", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        long id = created.json().path("id").asLong();
        assertThat(Instant.parse(created.json().path("sendAt").asText())).isEqualTo(tomorrow.atZone(ZoneId.of("Europe/Berlin")).toInstant());
        assertThat(created.json().path("status").asText()).isEqualTo("scheduled");

        assertThat(api.post("/api/campaigns/" + id + "/pause", Map.of()).json().path("status").asText()).isEqualTo("paused");
        assertThat(api.post("/api/campaigns/" + id + "/pause", Map.of()).status()).isEqualTo(409);
        assertThat(api.post("/api/campaigns/" + id + "/resume", Map.of()).json().path("status").asText()).isEqualTo("scheduled");
        assertThat(api.post("/api/campaigns/" + id + "/cancel", Map.of()).json().path("status").asText()).isEqualTo("cancelled");
        var again = api.post("/api/campaigns/" + id + "/cancel", Map.of());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.field()).isEqualTo("status");
        assertThat(api.post("/api/campaigns/999999/cancel", Map.of()).status()).isEqualTo(404);
    }

    @Test
    void campaignRequestsAreValidatedFieldByField() throws Exception {
        long issue = createIssue();
        int before = api.get("/api/campaigns?limit=500").json().size();
        var segment = api.post("/api/campaigns", Map.of("issueId", issue, "lists", List.of("Readers"), "now", true, "segment", "city = "));
        assertThat(segment.status()).isEqualTo(400);
        assertThat(segment.field()).isEqualTo("segment");
        assertThat(segment.error()).contains("column");

        var unknownList = api.post("/api/campaigns", Map.of("issueId", issue, "lists", List.of("Readers", "Ghosts"), "now", true));
        assertThat(unknownList.status()).isEqualTo(400);
        assertThat(unknownList.field()).isEqualTo("lists[1]");
        var noList = api.post("/api/campaigns", Map.of("issueId", issue, "lists", List.of(), "now", true));
        assertThat(noList.field()).isEqualTo("lists");
        var noZone = api.post("/api/campaigns", Map.of("issueId", issue, "lists", List.of("Readers"), "sendAt", "2030-01-01T09:00"));
        assertThat(noZone.status()).isEqualTo(400);
        assertThat(noZone.field()).isEqualTo("zone");
        var badZone = api.post("/api/campaigns", Map.of("issueId", issue, "lists", List.of("Readers"), "sendAt", "2030-01-01T09:00", "zone", "Mars/Base"));
        assertThat(badZone.field()).isEqualTo("zone");
        var past = api.post("/api/campaigns", Map.of("issueId", issue, "lists", List.of("Readers"), "sendAt", "2020-01-01T09:00Z"));
        assertThat(past.field()).isEqualTo("sendAt");
        var both = api.post("/api/campaigns", Map.of("issueId", issue, "lists", List.of("Readers"), "now", true, "sendAt", "2030-01-01T09:00Z"));
        assertThat(both.status()).isEqualTo(400);
        var noIssue = api.post("/api/campaigns", Map.of("issueId", 999999, "lists", List.of("Readers"), "now", true));
        assertThat(noIssue.field()).isEqualTo("issueId");
        assertThat(api.get("/api/campaigns?limit=501").field()).isEqualTo("limit");
        // none of the refused requests made a campaign
        assertThat(api.get("/api/campaigns?limit=500").json().size()).isEqualTo(before);
    }
}
