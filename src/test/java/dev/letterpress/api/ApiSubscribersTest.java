package dev.letterpress.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.letterpress.App;
import dev.letterpress.TestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lists and subscribers over HTTP: create, read, update, search with keyset pages, CSV import and export, erasure. */
class ApiSubscribersTest {
    @TempDir
    static Path dir;
    static App app;
    static ApiClient api;

    @BeforeAll
    static void start() {
        app = App.create(TestSupport.config(dir, TestSupport.freePort(), Map.of())).start();
        api = new ApiClient(app.config.http().publicBaseUrl().toString(), app.apiKeys.create("tests").secret());
        assertThat(api.post("/api/lists", Map.of("name", "Weekly", "description", "The weekly letter")).status()).isEqualTo(201);
        assertThat(api.post("/api/lists", Map.of("name", "Events")).status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static Map<String, Object> subscriber(String email, String... lists) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("email", email);
        m.put("lists", List.of(lists));
        m.put("status", "confirmed");
        return m;
    }

    @Test
    void listsAreCreatedListedAndValidated() {
        var all = api.get("/api/lists");
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.json().findValuesAsText("name")).contains("Weekly", "Events");
        var dup = api.post("/api/lists", Map.of("name", "Weekly"));
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.field()).isEqualTo("name");
        var missing = api.post("/api/lists", Map.of("description", "no name"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.field()).isEqualTo("name");
        assertThat(missing.error()).isEqualTo("required");
    }

    @Test
    void aSubscriberIsCreatedReadAndUpdated() {
        Map<String, Object> body = subscriber("Ada@Example.com", "Weekly");
        body.put("name", "Ada Lovelace");
        body.put("attributes", Map.of("city", "London"));
        var created = api.post("/api/subscribers", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        long id = created.json().path("id").asLong();
        assertThat(created.json().path("subscriptions").get(0).path("list").asText()).isEqualTo("Weekly");
        assertThat(created.json().path("subscriptions").get(0).path("consentSource").asText()).isEqualTo("api key 'tests'");

        var dup = api.post("/api/subscribers", subscriber("ada@example.com", "Events"));
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.field()).isEqualTo("email");

        Map<String, Object> change = new LinkedHashMap<>();
        change.put("name", "Augusta Ada King");
        change.put("attributes", Map.of("city", "Marylebone", "role", "analyst"));
        change.put("subscriptions", List.of(Map.of("list", "Weekly", "status", "unsubscribed"), Map.of("list", "Events", "status", "confirmed")));
        var updated = api.patch("/api/subscribers/" + id, change);
        assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
        JsonNode s = api.get("/api/subscribers/" + id).json();
        assertThat(s.path("name").asText()).isEqualTo("Augusta Ada King");
        assertThat(s.path("attributes").path("role").asText()).isEqualTo("analyst");
        Map<String, String> statuses = new LinkedHashMap<>();
        s.path("subscriptions").forEach(x -> statuses.put(x.path("list").asText(), x.path("status").asText()));
        assertThat(statuses).containsEntry("Weekly", "unsubscribed").containsEntry("Events", "confirmed");

        var badStatus = api.patch("/api/subscribers/" + id, Map.of("subscriptions", List.of(Map.of("list", "Events", "status", "maybe"))));
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(badStatus.field()).isEqualTo("subscriptions[0].status");
        assertThat(api.get("/api/subscribers/" + id).json().path("name").asText()).isEqualTo("Augusta Ada King");
        assertThat(api.patch("/api/subscribers/999999", Map.of("name", "x")).status()).isEqualTo(404);
    }

    @Test
    void creatingASubscriberNamesTheBadField() {
        var badEmail = api.post("/api/subscribers", subscriber("not-an-address", "Weekly"));
        assertThat(badEmail.status()).isEqualTo(400);
        assertThat(badEmail.field()).isEqualTo("email");
        var unknownList = api.post("/api/subscribers", subscriber("grace@example.com", "Weekly", "Nope"));
        assertThat(unknownList.status()).isEqualTo(400);
        assertThat(unknownList.field()).isEqualTo("lists[1]");
        assertThat(unknownList.error()).contains("Nope");
        Map<String, Object> noStatus = subscriber("grace@example.com", "Weekly");
        noStatus.remove("status");
        var consent = api.post("/api/subscribers", noStatus);
        assertThat(consent.status()).isEqualTo(400);
        assertThat(consent.field()).isEqualTo("status");
        Map<String, Object> badAttribute = subscriber("grace@example.com", "Weekly");
        badAttribute.put("attributes", Map.of("tags", List.of("a")));
        assertThat(api.post("/api/subscribers", badAttribute).field()).isEqualTo("attributes.tags");
        badAttribute.put("attributes", Map.of("Name", "Grace"));
        var shadow = api.post("/api/subscribers", badAttribute);
        assertThat(shadow.status()).isEqualTo(400);
        assertThat(shadow.field()).isEqualTo("attributes.Name");
        assertThat(app.subscribers.findByEmail("grace@example.com")).isEmpty();
    }

    @Test
    void addressSearchMatchesTheStartOfAnAddressOrItsDomainThroughTheIndex() {
        for (String email : List.of("ann@alpha.example", "Anna@beta.example", "bob@alpha.example", "zed.ann@alpha.example",
                "alpha@gamma.example")) {
            assertThat(api.post("/api/subscribers", subscriber(email, "Events")).status()).isEqualTo(201);
        }
        assertThat(emails("ann@alpha.example")).containsExactly("ann@alpha.example");
        assertThat(emails("ANN@")).containsExactly("ann@alpha.example");
        assertThat(emails("ann")).containsExactly("ann@alpha.example", "Anna@beta.example");
        // a bare term is also a whole domain; "@domain" is only that
        assertThat(emails("alpha.example")).containsExactly("ann@alpha.example", "bob@alpha.example", "zed.ann@alpha.example");
        assertThat(emails("@alpha.example")).containsExactly("ann@alpha.example", "bob@alpha.example", "zed.ann@alpha.example");
        assertThat(emails("alpha")).containsExactly("alpha@gamma.example");
        // not a search inside addresses (that would read every row)
        assertThat(emails("nn@alpha")).isEmpty();
        assertThat(emails("@alpha")).isEmpty();

        // address-ordered pages: the cursor is the last address, and a page never repeats or skips one
        var first = api.get("/api/subscribers?email=alpha.example&limit=2");
        assertThat(first.json().path("items")).hasSize(2);
        String next = first.json().path("next").asText();
        assertThat(next).isEqualTo("bob@alpha.example");
        var second = api.get("/api/subscribers?email=alpha.example&limit=2&after=" + java.net.URLEncoder.encode(next, StandardCharsets.UTF_8));
        assertThat(second.json().path("items")).hasSize(1);
        assertThat(second.json().path("items").get(0).path("email").asText()).isEqualTo("zed.ann@alpha.example");
        assertThat(second.json().path("next").isNull()).isTrue();
        // an address cursor given to an id-ordered search is refused, naming the field
        var bad = api.get("/api/subscribers?after=bob%40alpha.example");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.field()).isEqualTo("after");
    }

    private List<String> emails(String term) {
        var r = api.get("/api/subscribers?limit=100&email=" + java.net.URLEncoder.encode(term, StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().path("items").forEach(item -> out.add(item.path("email").asText()));
        return out;
    }

    @Test
    void searchPagesByKeysetAndFiltersByEmailAttributeAndStatus() {
        for (int i = 0; i < 25; i++) {
            Map<String, Object> body = subscriber(String.format("page%02d@search.example", i), "Events");
            body.put("attributes", Map.of("team", i % 2 == 0 ? "even" : "odd"));
            assertThat(api.post("/api/subscribers", body).status()).isEqualTo(201);
        }
        List<String> seen = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            var page = api.get("/api/subscribers?email=search.example&limit=10" + (next == null ? "" : "&after=" + next));
            assertThat(page.status()).isEqualTo(200);
            page.json().path("items").forEach(item -> seen.add(item.path("email").asText()));
            next = page.json().path("next").isNull() ? null : page.json().path("next").asText();
            pages++;
        } while (next != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(25).doesNotHaveDuplicates().isSorted();

        var odd = api.get("/api/subscribers?attribute=team:odd&limit=100").json().path("items");
        assertThat(odd).hasSize(12);
        odd.forEach(item -> assertThat(item.path("attributes").path("team").asText()).isEqualTo("odd"));
        assertThat(api.get("/api/subscribers?attribute=team:od").json().path("items")).isEmpty();

        app.subscribers.setStatus(app.subscribers.requireList("Events").id(),
                app.subscribers.findByEmail("page03@search.example").orElseThrow().id(), "unsubscribed", "test");
        var gone = api.get("/api/subscribers?list=Events&status=unsubscribed&email=search.example").json().path("items");
        assertThat(gone).hasSize(1);
        assertThat(gone.get(0).path("email").asText()).isEqualTo("page03@search.example");

        var badStatus = api.get("/api/subscribers?status=happy");
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(badStatus.field()).isEqualTo("status");
        assertThat(api.get("/api/subscribers?limit=0").field()).isEqualTo("limit");
        assertThat(api.get("/api/subscribers?attribute=nocolon").field()).isEqualTo("attribute");
        assertThat(api.get("/api/subscribers?list=Nope").field()).isEqualTo("list");
    }

    @Test
    void csvImportReportsBadRowsByLineAndImportsTheRest() {
        String csv = "email,name,city\n"
                + "lin@import.example,Linus,Helsinki\n"
                + "broken-address,Bad Row,Nowhere\n"
                + "mar@import.example,Margaret,Boston\n"
                + "lin@import.example,Linus Again,Helsinki\n";
        var report = api.send("POST", "/api/subscribers/import?list=Weekly&status=confirmed", csv, "text/csv");
        assertThat(report.status()).as(report.toString()).isEqualTo(200);
        JsonNode r = report.json();
        assertThat(r.path("rows").asLong()).isEqualTo(4);
        assertThat(r.path("added").asLong()).isEqualTo(2);
        assertThat(r.path("invalid").asLong()).isEqualTo(1);
        assertThat(r.path("duplicates").asLong()).isEqualTo(1);
        JsonNode problems = r.path("problems");
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0).path("line").asLong()).isEqualTo(3);
        assertThat(problems.get(0).path("kind").asText()).isEqualTo("invalid");
        assertThat(problems.get(0).path("reason").asText()).contains("broken-address");
        assertThat(problems.get(1).path("line").asLong()).isEqualTo(5);
        assertThat(problems.get(1).path("kind").asText()).isEqualTo("duplicate");
        assertThat(app.subscribers.findByEmail("mar@import.example")).isPresent();

        var noStatus = api.send("POST", "/api/subscribers/import?list=Weekly", csv, "text/csv");
        assertThat(noStatus.status()).isEqualTo(400);
        assertThat(noStatus.field()).isEqualTo("status");
        var noHeader = api.send("POST", "/api/subscribers/import?list=Weekly&status=confirmed", "name,city\nx,y\n", "text/csv");
        assertThat(noHeader.status()).isEqualTo(400);
        assertThat(noHeader.error()).contains("email");
        var json = api.send("POST", "/api/subscribers/import?list=Weekly&status=confirmed", "{}", "application/json");
        assertThat(json.status()).isEqualTo(415);
    }

    @Test
    void uploadsLargerThanJavalinsDefaultLimitImport() {
        // Javalin refuses bodies over 1 MB that it reads itself; the import streams, so only api.max.upload.bytes counts
        StringBuilder csv = new StringBuilder("email,name,note\n");
        String note = "n".repeat(500);
        int rows = 0;
        while (csv.length() < 1_500_000) {
            csv.append("big").append(rows++).append("@bulk.example,Bulk,").append(note).append('\n');
        }
        var report = api.send("POST", "/api/subscribers/import?list=Events&status=unconfirmed", csv.toString(), "text/csv");
        assertThat(report.status()).as(report.toString()).isEqualTo(200);
        assertThat(report.json().path("added").asLong()).isEqualTo(rows);
    }

    @Test
    void exportStreamsTheImportFormatAndImportsAgain() {
        String csv = "email,name,city,plan\n"
                + "one@export.example,\"One, First\",Oslo,pro\n"
                + "two@export.example,Two,,free\n"
                + "three@export.example,Three,Rome,\n"
                + "four@export.example,=1+2,-3,\n"; // formulas to a spreadsheet: exported with an apostrophe
        assertThat(api.send("POST", "/api/subscribers/import?list=Weekly&status=confirmed", csv, "text/csv").status()).isEqualTo(200);
        var export = api.get("/api/subscribers/export?email=export.example");
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.raw().headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/csv"));
        assertThat(export.raw().headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).contains("attachment"));
        List<String> lines = export.body().lines().toList();
        // an address search comes in address order
        assertThat(lines).containsExactly("email,name,city,plan", "four@export.example,'=1+2,'-3,", "one@export.example,\"One, First\",Oslo,pro",
                "three@export.example,Three,Rome,", "two@export.example,Two,,free");

        api.post("/api/lists", Map.of("name", "Copy"));
        var again = api.send("POST", "/api/subscribers/import?list=Copy&status=confirmed", export.body(), "text/csv").json();
        assertThat(again.path("rows").asLong()).isEqualTo(4);
        assertThat(again.path("invalid").asLong()).isZero();
        assertThat(again.path("unchanged").asLong()).isEqualTo(4);
        assertThat(api.get("/api/subscribers/export?list=Nope").field()).isEqualTo("list");
    }

    @Test
    void erasureRemovesThePersonAndKeepsNoAddress() {
        var created = api.post("/api/subscribers", subscriber("erase.me@example.com", "Weekly")).json();
        long id = created.path("id").asLong();
        var erased = api.delete("/api/subscribers/" + id);
        assertThat(erased.status()).isEqualTo(200);
        assertThat(erased.json().path("erased").asLong()).isEqualTo(id);
        // the row stays as an anonymous placeholder (counts keep their subscriber id), with nothing personal left
        var after = api.get("/api/subscribers/" + id).json();
        assertThat(after.path("email").asText()).isEqualTo("erased-" + id + "@erased.invalid");
        assertThat(after.path("name").isNull() || after.path("name").isMissingNode()).isTrue();
        assertThat(api.get("/api/subscribers?email=erase.me").json().path("items")).isEmpty();
        assertThat(app.db.jdbc().count("SELECT COUNT(*) FROM subscriptions WHERE subscriber_id = ? AND status <> 'unsubscribed'", id)).isZero();
        assertThat(app.dataRights.wasErased("erase.me@example.com")).isTrue();
        assertThat(api.delete("/api/subscribers/" + id).status()).as("idempotent").isEqualTo(200);
    }
}
