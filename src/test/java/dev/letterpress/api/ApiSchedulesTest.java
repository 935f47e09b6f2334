package dev.letterpress.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.letterpress.App;
import dev.letterpress.TestSupport;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weekly schedules over HTTP: create, read, and the queue of upcoming issues with the firing each will go out at. */
class ApiSchedulesTest {
    @TempDir
    static Path dir;
    static App app;
    static ApiClient api;

    @BeforeAll
    static void start() {
        app = App.create(TestSupport.config(dir, TestSupport.freePort(), Map.of())).start();
        api = new ApiClient(app.config.http().publicBaseUrl().toString(), app.apiKeys.create("tests").secret());
        api.post("/api/lists", Map.of("name", "Weekly"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static Map<String, Object> schedule(String name, List<String> days, String time, String zone) {
        return Map.of("name", name, "days", days, "time", time, "zone", zone, "lists", List.of("Weekly"));
    }

    @Test
    void aScheduleQueuesIssuesAndTellsWhenEachGoesOut() throws Exception {
        var created = api.post("/api/schedules", schedule("Mondays and Thursdays", List.of("MON", "THU"), "09:00", "Europe/Berlin"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        long id = created.json().path("id").asLong();
        assertThat(created.json().path("days").toString()).isEqualTo("[\"MON\",\"THU\"]");
        assertThat(created.json().path("lists").get(0).asText()).isEqualTo("Weekly");
        Instant next = Instant.parse(created.json().path("nextFire").asText());
        ZonedDateTime local = next.atZone(ZoneId.of("Europe/Berlin"));
        assertThat(local.toLocalTime()).isEqualTo(LocalTime.of(9, 0));
        assertThat(local.getDayOfWeek()).isIn(DayOfWeek.MONDAY, DayOfWeek.THURSDAY);

        for (int i = 0; i < 3; i++) {
            long issue = api.post("/api/issues", ApiIssuesCampaignsTest.demoIssue().put("name", "Queued " + i)).json().path("id").asLong();
            var queued = api.post("/api/schedules/" + id + "/queue", Map.of("issueId", issue));
            assertThat(queued.status()).as(queued.toString()).isEqualTo(201);
        }
        JsonNode queue = api.get("/api/schedules/" + id + "/queue").json();
        assertThat(queue).hasSize(3);
        assertThat(queue.findValuesAsText("name")).containsExactly("Queued 0", "Queued 1", "Queued 2");
        assertThat(queue.findValuesAsText("position")).containsExactly("1", "2", "3");
        List<ZonedDateTime> at = queue.findValuesAsText("expectedAt").stream()
                .map(t -> Instant.parse(t).atZone(ZoneId.of("Europe/Berlin"))).toList();
        assertThat(at.get(0).toInstant()).isEqualTo(next);
        for (int i = 1; i < at.size(); i++) {
            assertThat(at.get(i)).isAfter(at.get(i - 1));
            assertThat(at.get(i).toLocalTime()).isEqualTo(LocalTime.of(9, 0));
            assertThat(at.get(i).getDayOfWeek()).isIn(DayOfWeek.MONDAY, DayOfWeek.THURSDAY);
            assertThat(at.get(i).getDayOfWeek()).isNotEqualTo(at.get(i - 1).getDayOfWeek());
        }
        JsonNode one = api.get("/api/schedules/" + id).json();
        assertThat(one.path("ready").asLong()).isEqualTo(3);
        assertThat(one.path("queue")).hasSize(3);
        assertThat(api.get("/api/schedules").json().findValuesAsText("name")).contains("Mondays and Thursdays");
    }

    @Test
    void schedulesAreValidatedFieldByField() {
        var badDay = api.post("/api/schedules", schedule("Bad day", List.of("MON", "FUNDAY"), "09:00", "Europe/Berlin"));
        assertThat(badDay.status()).isEqualTo(400);
        assertThat(badDay.field()).isEqualTo("days[1]");
        assertThat(api.post("/api/schedules", schedule("Bad time", List.of("MON"), "25:00", "Europe/Berlin")).field()).isEqualTo("time");
        assertThat(api.post("/api/schedules", schedule("Bad zone", List.of("MON"), "09:00", "Europe/Atlantis")).field()).isEqualTo("zone");
        var noList = api.post("/api/schedules", Map.of("name", "No list", "days", List.of("MON"), "time", "09:00", "zone", "UTC", "lists", List.of("Nope")));
        assertThat(noList.field()).isEqualTo("lists[0]");
        assertThat(api.post("/api/schedules", schedule("Twice", List.of("FRI"), "07:30", "UTC")).status()).isEqualTo(201);
        var twice = api.post("/api/schedules", schedule("Twice", List.of("FRI"), "07:30", "UTC"));
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.field()).isEqualTo("name");
        assertThat(api.get("/api/schedules").json().findValuesAsText("name")).doesNotContain("Bad day", "Bad time", "Bad zone", "No list");
        assertThat(api.post("/api/schedules/999999/queue", Map.of("issueId", 1)).status()).isEqualTo(404);
        long twiceId = api.get("/api/schedules").json().findParents("name").stream()
                .filter(n -> n.path("name").asText().equals("Twice")).findFirst().orElseThrow().path("id").asLong();
        assertThat(api.post("/api/schedules/" + twiceId + "/queue", Map.of("issueId", 999999)).field()).isEqualTo("issueId");
    }
}
