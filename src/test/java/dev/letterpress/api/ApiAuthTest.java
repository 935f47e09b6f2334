package dev.letterpress.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.App;
import dev.letterpress.TestSupport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API keys and the answers every endpoint shares: 401s, JSON errors, size and type limits, unknown routes. */
class ApiAuthTest {
    @TempDir
    static Path dir;
    static App app;
    static ApiClient api;
    static ApiClient anonymous;

    @BeforeAll
    static void start() {
        app = App.create(TestSupport.config(dir, TestSupport.freePort(), Map.of("api.max.body.bytes", "2048", "api.max.upload.bytes", "4096"))).start();
        String base = app.config.http().publicBaseUrl().toString();
        api = new ApiClient(base, app.apiKeys.create("tests").secret());
        anonymous = new ApiClient(base, null);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void noKeyWrongKeyAndMalformedHeaderAre401WithJson() {
        var none = anonymous.get("/api/lists");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.field()).isEqualTo("Authorization");
        assertThat(none.error()).contains("Bearer");
        assertThat(none.raw().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));

        var wrong = anonymous.withKey("lp_" + "A".repeat(43)).get("/api/lists");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.error()).contains("not valid");
        assertThat(anonymous.withKey("not-even-a-key").post("/api/lists", Map.of("name", "X")).status()).isEqualTo(401);

        var basic = anonymous.send("GET", "/api/lists", null, null);
        assertThat(basic.status()).isEqualTo(401);
        // nothing was created by the unauthenticated POST
        assertThat(app.subscribers.findList("X")).isEmpty();
        assertThat(api.get("/api/lists").status()).isEqualTo(200);
    }

    @Test
    void aRevokedKeyStopsWorkingAtOnce() {
        var created = api.post("/api/keys", Map.of("name", "short-lived"));
        assertThat(created.status()).isEqualTo(201);
        String secret = created.json().path("key").asText();
        assertThat(secret).startsWith("lp_").hasSize(46);
        ApiClient shortLived = api.withKey(secret);
        assertThat(shortLived.get("/api/lists").status()).isEqualTo(200);

        var revoked = api.delete("/api/keys/short-lived");
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().path("active").asBoolean()).isFalse();
        var after = shortLived.get("/api/lists");
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.error()).contains("revoked");
        assertThat(api.delete("/api/keys/short-lived").status()).isEqualTo(409);
        assertThat(api.delete("/api/keys/never-existed").status()).isEqualTo(404);
    }

    @Test
    void keysAreListedWithoutSecretsAndStoredOnlyAsHashes() throws Exception {
        var created = api.post("/api/keys", Map.of("name", "listing"));
        String secret = created.json().path("key").asText();
        var list = api.get("/api/keys");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(secret).contains("\"name\":\"listing\"").contains(secret.substring(0, 8));
        List<String> stored = app.db.jdbc().query("SELECT key_hash || key_prefix || name FROM api_keys", rs -> rs.getString(1));
        assertThat(stored).noneMatch(row -> row.contains(secret));
        String hash = sha256(secret);
        assertThat(stored).anyMatch(row -> row.startsWith(hash));
        // the key made its last-used time
        api.get("/api/lists");
        assertThat(api.get("/api/keys").json().findValues("lastUsedAt")).anyMatch(v -> !v.isNull());
    }

    static String sha256(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    @Test
    void keyCreationIsValidated() {
        var dup = api.post("/api/keys", Map.of("name", "tests"));
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.field()).isEqualTo("name");
        var bad = api.post("/api/keys", Map.of("name", "-nope\u0000"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.field()).isEqualTo("name");
        var extra = api.post("/api/keys", Map.of("name", "ok", "scope", "all"));
        assertThat(extra.status()).isEqualTo(400);
        assertThat(extra.field()).isEqualTo("scope");
    }

    @Test
    void theDescriptionIsPublicAndUnknownRoutesAreJson404s() {
        var doc = anonymous.get("/api/openapi.json");
        assertThat(doc.status()).isEqualTo(200);
        assertThat(doc.json().path("openapi").asText()).startsWith("3.");
        var missing = api.get("/api/nothing/here");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.raw().headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(missing.error()).contains("no such endpoint");
        var noCampaign = api.get("/api/campaigns/999999");
        assertThat(noCampaign.status()).isEqualTo(404);
        assertThat(noCampaign.error()).isEqualTo("no campaign #999999");
        var badId = api.get("/api/campaigns/abc");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.field()).isEqualTo("id");
    }

    @Test
    void bodiesAreCheckedForTypeSizeAndSyntax() {
        var malformed = api.send("POST", "/api/lists", "{\"name\": ", "application/json");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.field()).isEqualTo("body");
        assertThat(malformed.error()).contains("malformed JSON");
        assertThat(malformed.body()).doesNotContain("at dev.").doesNotContain("Exception");

        var form = api.send("POST", "/api/lists", "name=x", "application/x-www-form-urlencoded");
        assertThat(form.status()).isEqualTo(415);
        assertThat(form.field()).isEqualTo("Content-Type");

        var huge = api.post("/api/lists", Map.of("name", "big", "description", "x".repeat(3000)));
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.error()).contains("2048 bytes");
        assertThat(app.subscribers.findList("big")).isEmpty();

        var array = api.send("POST", "/api/lists", "[1,2]", "application/json");
        assertThat(array.status()).isEqualTo(400);
        assertThat(array.error()).contains("JSON object");
        var wrongType = api.post("/api/lists", Map.of("name", 42));
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.field()).isEqualTo("name");
        assertThat(wrongType.error()).isEqualTo("must be a string");
    }

    @Test
    void uploadsPastTheirLimitAre413WhetherDeclaredOrChunked() {
        app.subscribers.createList("Uploads", null);
        StringBuilder csv = new StringBuilder("email,name\n");
        for (int i = 0; csv.length() < 6000; i++) {
            csv.append("u").append(i).append("@upload.example,User ").append(i).append('\n');
        }
        var declared = api.send("POST", "/api/subscribers/import?list=Uploads&status=confirmed", csv.toString(), "text/csv");
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.error()).contains("4096 bytes");
        assertThat(declared.raw().headers().firstValue("Connection")).hasValue("close");
        assertThat(app.subscribers.findByEmail("u0@upload.example")).isEmpty();

        // no Content-Length: the limit is enforced while reading
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(app.config.http().publicBaseUrl() + "/api/subscribers/import?list=Uploads&status=confirmed"))
                .header("Content-Type", "text/csv").header("Authorization", "Bearer " + app.apiKeys.create("chunked").secret())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)))).build();
        try {
            var chunked = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(413);
            assertThat(chunked.body()).contains("4096 bytes").doesNotContain("Exception");
            // the unread rest of the body would be taken for the next request: the server closes, and says it will
            assertThat(chunked.headers().firstValue("Connection")).hasValue("close");
            // the importer reads the whole file before it writes a row: none of the rows before the limit either
            assertThat(app.subscribers.findByEmail("u0@upload.example")).isEmpty();
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void answersAreNeverCached() {
        assertThat(api.get("/api/lists").raw().headers().firstValue("Cache-Control")).hasValue("no-store");
    }
}
