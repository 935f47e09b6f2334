package dev.letterpress.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.App;
import dev.letterpress.TestSupport;
import dev.letterpress.subscriber.Subscription;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Segments over HTTP: save, count, preview an expression, delete; bad expressions and names answer 4xx naming the field. */
class ApiSegmentsTest {
    @TempDir
    static Path dir;
    static App app;
    static ApiClient api;

    @BeforeAll
    static void start() {
        app = App.create(TestSupport.config(dir, TestSupport.freePort(), Map.of())).start();
        api = new ApiClient(app.config.http().publicBaseUrl().toString(), app.apiKeys.create("tests").secret());
        var list = app.subscribers.createList("Weekly", "");
        String[][] people = {{"de-pro@example.com", "DE", "pro"}, {"at-pro@example.com", "AT", "pro"},
                {"de-free@example.com", "DE", "free"}, {"fr-pro@example.com", "FR", "pro"}};
        for (String[] p : people) {
            app.subscribers.addToList(list.id(), p[0], null, Map.of("country", p[1], "plan", p[2]), Subscription.CONFIRMED, "test");
        }
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void aSegmentIsSavedCountedListedAndDeleted() {
        var created = api.post("/api/segments", Map.of("name", "DACH pro", "expression", "plan = \"pro\" and country in (\"DE\",\"AT\")"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("matching").asLong()).isEqualTo(2);
        assertThat(created.json().path("expression").asText()).isEqualTo("plan = \"pro\" and country in (\"DE\",\"AT\")");

        var one = api.get("/api/segments/DACH%20pro");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().path("matching").asLong()).isEqualTo(2);
        List<String> names = new ArrayList<>();
        api.get("/api/segments").json().forEach(s -> names.add(s.path("name").asText()));
        assertThat(names).contains("DACH pro");

        var taken = api.post("/api/segments", Map.of("name", "DACH pro", "expression", "plan = \"free\""));
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.field()).isEqualTo("name");

        assertThat(api.delete("/api/segments/DACH%20pro").status()).isEqualTo(200);
        assertThat(api.get("/api/segments/DACH%20pro").status()).isEqualTo(404);
        assertThat(api.delete("/api/segments/DACH%20pro").status()).isEqualTo(404);
    }

    @Test
    void anExpressionIsPreviewedWithoutSavingAndABadOneIsRefusedWithItsColumn() {
        var preview = api.post("/api/segments/preview", Map.of("expression", "country = \"DE\"", "limit", 1));
        assertThat(preview.status()).isEqualTo(200);
        assertThat(preview.json().path("matching").asLong()).isEqualTo(2);
        assertThat(preview.json().path("first")).hasSize(1);
        assertThat(preview.json().path("first").get(0).path("email").asText()).endsWith("@example.com");

        var bad = api.post("/api/segments/preview", Map.of("expression", "plan = "));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.field()).isEqualTo("expression");
        assertThat(bad.error()).contains("column");
        // values are bound, never spliced: SQL in a value is only a value
        var injection = api.post("/api/segments/preview", Map.of("expression", "plan = \"x' OR '1'='1\""));
        assertThat(injection.status()).isEqualTo(200);
        assertThat(injection.json().path("matching").asLong()).isZero();

        var badSave = api.post("/api/segments", Map.of("name", "Broken", "expression", "country in (\"DE\""));
        assertThat(badSave.status()).isEqualTo(400);
        assertThat(badSave.field()).isEqualTo("expression");
        assertThat(api.get("/api/segments/Broken").status()).isEqualTo(404);
        assertThat(api.post("/api/segments", Map.of("name", "x")).field()).isEqualTo("expression");
        assertThat(api.post("/api/segments/preview", Map.of("expression", "plan = \"pro\"", "limit", 0)).field()).isEqualTo("limit");
        assertThat(api.post("/api/segments", Map.of("name", "x", "expression", "plan = \"pro\"", "sql", "1")).field()).isEqualTo("sql");
    }
}
