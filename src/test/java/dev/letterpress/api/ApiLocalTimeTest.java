package dev.letterpress.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.App;
import dev.letterpress.TestSupport;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API's per-recipient local time for campaigns and weekly schedules, and a weekly schedule's saved segment. */
class ApiLocalTimeTest {
    @TempDir
    static Path dir;
    static App app;
    static ApiClient api;
    static long issueId;

    @BeforeAll
    static void start() throws Exception {
        app = App.create(TestSupport.config(dir, TestSupport.freePort(), Map.of())).start();
        api = new ApiClient(app.config.http().publicBaseUrl().toString(), app.apiKeys.create("tests").secret());
        api.post("/api/lists", Map.of("name", "Weekly"));
        app.segments.create("Pros", "plan = \"pro\"");
        issueId = api.post("/api/issues", ApiIssuesCampaignsTest.demoIssue()).json().path("id").asLong();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static Map<String, Object> campaign(Object... pairs) {
        Map<String, Object> m = new HashMap<>(Map.of("issueId", issueId, "lists", List.of("Weekly")));
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @Test
    void aCampaignAtALocalTimeInEachSubscribersZone() {
        var created = api.post("/api/campaigns", campaign("sendAt", "2030-12-02T09:00", "zone", "Europe/Berlin", "localTime", true));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().path("sendAt").asText()).isEqualTo("2030-12-01T19:00:00Z");
        var local = created.json().path("localTime");
        assertThat(local.path("at").asText()).isEqualTo("2030-12-02T09:00");
        assertThat(local.path("fallbackZone").asText()).isEqualTo("Europe/Berlin");
        assertThat(local.path("first").asText()).isEqualTo("2030-12-01T19:00:00Z");
        assertThat(local.path("last").asText()).isEqualTo("2030-12-02T21:00:00Z");
        long id = created.json().path("id").asLong();
        assertThat(api.get("/api/campaigns/" + id + "/progress").json().path("ledger").has("waiting")).isTrue();

        var plain = api.post("/api/campaigns", campaign("sendAt", "2030-12-02T09:00", "zone", "Europe/Berlin"));
        assertThat(plain.json().path("localTime").isNull()).isTrue();
        assertThat(plain.json().path("sendAt").asText()).isEqualTo("2030-12-02T08:00:00Z");
    }

    @Test
    void localTimeNeedsALocalSendAtAndAFallbackZone() {
        var now = api.post("/api/campaigns", campaign("now", true, "localTime", true));
        assertThat(now.status()).isEqualTo(400);
        assertThat(now.field()).isEqualTo("now");
        var noSendAt = api.post("/api/campaigns", campaign("zone", "Europe/Berlin", "localTime", true));
        assertThat(noSendAt.field()).isEqualTo("sendAt");
        assertThat(noSendAt.error()).contains("localTime");
        var offset = api.post("/api/campaigns", campaign("sendAt", "2030-12-02T09:00+01:00", "zone", "Europe/Berlin", "localTime", true));
        assertThat(offset.field()).isEqualTo("sendAt");
        assertThat(offset.error()).contains("no offset");
        var noZone = api.post("/api/campaigns", campaign("sendAt", "2030-12-02T09:00", "localTime", true));
        assertThat(noZone.field()).isEqualTo("zone");
        assertThat(api.post("/api/campaigns", campaign("sendAt", "2030-12-02T09:00", "zone", "Mars/Base", "localTime", true)).field())
                .isEqualTo("zone");
        var past = api.post("/api/campaigns", campaign("sendAt", "2020-12-02T09:00", "zone", "Europe/Berlin", "localTime", true));
        assertThat(past.status()).isEqualTo(400);
        assertThat(past.error()).contains("has passed in every time zone");
    }

    @Test
    void aWeeklyScheduleWithASavedSegmentAndLocalTime() {
        var created = api.post("/api/schedules", Map.of("name", "Pros on Monday", "days", List.of("MON"), "time", "09:00",
                "zone", "Europe/Berlin", "lists", List.of("Weekly"), "segment", "Pros", "localTime", true));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().path("segment").asText()).isEqualTo("Pros");
        assertThat(created.json().path("localTime").asBoolean()).isTrue();
        // fires when Monday 09:00 first happens on Earth: Sunday 19:00 UTC
        ZonedDateTime next = Instant.parse(created.json().path("nextFire").asText()).atZone(ZoneOffset.UTC);
        assertThat(next.getDayOfWeek()).isEqualTo(DayOfWeek.SUNDAY);
        assertThat(next.toLocalTime()).isEqualTo(LocalTime.of(19, 0));
        long id = created.json().path("id").asLong();
        assertThat(api.get("/api/schedules/" + id).json().path("segment").asText()).isEqualTo("Pros");

        var plain = api.post("/api/schedules", Map.of("name", "Everyone", "days", List.of("MON"), "time", "09:00",
                "zone", "Europe/Berlin", "lists", List.of("Weekly")));
        assertThat(plain.json().path("segment").isNull()).isTrue();
        assertThat(plain.json().path("localTime").asBoolean()).isFalse();

        var unknown = api.post("/api/schedules", Map.of("name", "Nobody", "days", List.of("MON"), "time", "09:00",
                "zone", "Europe/Berlin", "lists", List.of("Weekly"), "segment", "Nope"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.field()).isEqualTo("segment");
        assertThat(unknown.error()).contains("segments create");
    }
}
