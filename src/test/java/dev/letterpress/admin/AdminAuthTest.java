package dev.letterpress.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.App;
import dev.letterpress.TestSupport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sign-in, sessions and CSRF of the web admin over real HTTP against the running app (H2, no browser). The
 * {@code admins} commands are tested in AdminsCommandTest (one app per JVM at a time).
 */
class AdminAuthTest {
    static final String PASSWORD = "correct horse battery staple";

    @TempDir
    static Path dir;
    static App app;
    static AdminHttp http;
    /** Moved forward by the idle-expiry test; everything else only ever sees it go forward too. */
    static final MovableClock clock = new MovableClock();
    static final java.time.Duration IDLE = java.time.Duration.ofMinutes(30);

    @BeforeAll
    static void start() {
        app = App.create(TestSupport.config(dir, TestSupport.freePort(), Map.of("admin.session.idle", "30m")), null, null, clock).start();
        app.admins.create("ada", PASSWORD);
        http = new AdminHttp(app.config.http().publicBaseUrl().toString());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void everyPageButSignInSendsStrangersToSignIn() throws Exception {
        var dashboard = http.get("/admin", null);
        assertThat(dashboard.statusCode()).isEqualTo(302);
        assertThat(dashboard.headers().firstValue("Location")).hasValue("/admin/signin?next=%2Fadmin");
        assertThat(http.get("/admin/subscribers?email=x", null).headers().firstValue("Location").orElseThrow())
                .startsWith("/admin/signin?next=");
        assertThat(http.get("/admin/campaigns/1/progress", null).statusCode()).isEqualTo(401);
        var post = http.post("/admin/compose", null, Map.of("action", "save"));
        assertThat(post.statusCode()).isEqualTo(303);
        assertThat(post.headers().firstValue("Location")).hasValue("/admin/signin");
        var signin = http.get("/admin/signin", null);
        assertThat(signin.statusCode()).isEqualTo(200);
        assertThat(signin.body()).contains("id=\"signin-button\"");
        assertThat(signin.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'").doesNotContain("unsafe-eval");
        assertThat(http.get("/admin/static/admin.js", null).statusCode()).isEqualTo(200);
        assertThat(http.get("/admin/static/secrets.txt", null).statusCode()).isEqualTo(404);
    }

    @Test
    void aWrongPasswordAndAnUnknownNameGetTheSameAnswerAndNoSession() throws Exception {
        long sessionsBefore = sessions();
        var wrong = http.attempt("ada", "not the password at all");
        var unknown = http.attempt("nobody", "not the password at all");
        for (var r : java.util.List.of(wrong, unknown)) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains(AuthRoutes.FAILED);
            assertThat(AdminHttp.cookie(r, Admin.COOKIE)).isNull();
        }
        assertThat(wrong.body().replaceAll("value=\"[^\"]*\"", "")).isEqualTo(unknown.body().replaceAll("value=\"[^\"]*\"", ""));
        assertThat(sessions()).isEqualTo(sessionsBefore);
    }

    @Test
    void repeatedFailuresAreThrottledEvenBeforeTheRightPassword() throws Exception {
        app.admins.create("grace", PASSWORD);
        for (int i = 0; i < SignInThrottle.LIMIT; i++) {
            assertThat(http.attempt("grace", "wrong password number " + i).statusCode()).isEqualTo(401);
        }
        var blocked = http.attempt("grace", PASSWORD);
        assertThat(blocked.statusCode()).isEqualTo(429);
        assertThat(AdminHttp.cookie(blocked, Admin.COOKIE)).isNull();
        // another account from the same address is not locked out by grace's failures
        assertThat(http.signIn("ada", PASSWORD)).isNotNull();
    }

    @Test
    void parallelGuessesAreCountedBeforeTheirPasswordsAreChecked() throws Exception {
        app.admins.create("hopper", PASSWORD);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = i;
                answers.add(pool.submit(() -> http.attempt("hopper", "parallel guess " + n).statusCode()));
            }
            int checked = 0;
            for (var a : answers) {
                int status = a.get();
                assertThat(status).isIn(401, 429);
                checked += status == 401 ? 1 : 0;
            }
            // at most the limit's worth of passwords were checked, however many arrived at once
            assertThat(checked).isEqualTo(SignInThrottle.LIMIT);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theSessionCookieIsHttpOnlySecureStrictAndScopedToTheAdmin() throws Exception {
        var ok = http.attempt("ada", PASSWORD);
        assertThat(ok.statusCode()).isEqualTo(303);
        assertThat(ok.headers().firstValue("Location")).hasValue("/admin");
        String header = AdminHttp.setCookies(ok).stream().filter(c -> c.startsWith(Admin.COOKIE + "=")).findFirst().orElseThrow();
        assertThat(header).contains("; HttpOnly").contains("; Secure").contains("; SameSite=Strict").contains("; Path=/admin");
        String token = AdminHttp.cookie(ok, Admin.COOKIE);
        assertThat(token).hasSize(43);
        // only the token's hash is stored
        assertThat(app.db.jdbc().count("SELECT COUNT(*) FROM admin_sessions WHERE token_hash = ?", token)).isZero();
        assertThat(app.db.jdbc().count("SELECT COUNT(*) FROM admin_sessions WHERE token_hash = ?", AdminSessions.hash(token))).isEqualTo(1);
        var dashboard = http.get("/admin", Admin.COOKIE + "=" + token);
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("<h1>Dashboard</h1>");
        assertThat(dashboard.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void aPostWithoutOrWithAWrongCsrfTokenIsRefusedAndChangesNothing() throws Exception {
        var s = http.signIn("ada", PASSWORD);
        assertThat(s).isNotNull();
        assertThat(s.csrf()).isNotBlank();
        long before = issues();
        Map<String, String> form = validIssueForm();
        var missing = http.post("/admin/compose", s.cookie(), form);
        assertThat(missing.statusCode()).isEqualTo(403);
        form.put("_csrf", "x" + s.csrf().substring(1));
        assertThat(http.post("/admin/compose", s.cookie(), form).statusCode()).isEqualTo(403);
        form.remove("_csrf");
        assertThat(http.post("/admin/compose", s.cookie(), form, "X-CSRF-Token", "wrong").statusCode()).isEqualTo(403);
        // another session's token does not fit this one
        var other = http.signIn("ada", PASSWORD);
        assertThat(http.post("/admin/compose", s.cookie(), form, "X-CSRF-Token", other.csrf()).statusCode()).isEqualTo(403);
        assertThat(issues()).isEqualTo(before);

        form.put("_csrf", s.csrf());
        var saved = http.post("/admin/compose", s.cookie(), form);
        assertThat(saved.statusCode()).isEqualTo(303);
        assertThat(saved.headers().firstValue("Location").orElseThrow()).matches("/admin/issues/\\d+\\?saved=1");
        assertThat(issues()).isEqualTo(before + 1);
        // the live preview's fetch sends the token as a header
        form.remove("_csrf");
        var preview = http.post("/admin/compose/preview", s.cookie(), form, "X-CSRF-Token", s.csrf());
        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(preview.body()).contains("Admin test headline");
    }

    @Test
    void theSignInFormHasItsOwnCsrfGuardAndNeverRedirectsOffSite() throws Exception {
        Map<String, String> form = new LinkedHashMap<>(Map.of("name", "ada", "password", PASSWORD, "_csrf", "guess"));
        var forged = http.post("/admin/signin", null, form);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(AdminHttp.cookie(forged, Admin.COOKIE)).isNull();
        assertThat(AuthRoutes.safeNext("//evil.example/admin")).isEqualTo("/admin");
        assertThat(AuthRoutes.safeNext("https://evil.example/")).isEqualTo("/admin");
        assertThat(AuthRoutes.safeNext("/admin/campaigns/3")).isEqualTo("/admin/campaigns/3");
    }

    @Test
    void signingOutEndsTheSessionOnTheServer() throws Exception {
        var s = http.signIn("ada", PASSWORD);
        String hash = AdminSessions.hash(s.cookie().substring(Admin.COOKIE.length() + 1));
        assertThat(app.db.jdbc().count("SELECT COUNT(*) FROM admin_sessions WHERE token_hash = ?", hash)).isEqualTo(1);
        var out = http.post("/admin/signout", s.cookie(), Map.of("_csrf", s.csrf()));
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(AdminHttp.setCookies(out)).anyMatch(c -> c.startsWith(Admin.COOKIE + "=;") && c.contains("Max-Age=0"));
        assertThat(app.db.jdbc().count("SELECT COUNT(*) FROM admin_sessions WHERE token_hash = ?", hash)).isZero();
        // the old cookie, replayed, no longer works
        assertThat(http.get("/admin", s.cookie()).statusCode()).isEqualTo(302);
    }

    @Test
    void aSessionUnusedForLongerThanTheIdleLimitEnds() throws Exception {
        var s = http.signIn("ada", PASSWORD);
        assertThat(http.get("/admin", s.cookie()).statusCode()).isEqualTo(200);
        // used within the limit, twice: each use moves the limit on
        clock.advance(IDLE.minusMinutes(5));
        assertThat(http.get("/admin", s.cookie()).statusCode()).isEqualTo(200);
        clock.advance(IDLE.minusMinutes(5));
        assertThat(http.get("/admin", s.cookie()).statusCode()).isEqualTo(200);
        clock.advance(IDLE.plusMinutes(1));
        var expired = http.get("/admin", s.cookie());
        assertThat(expired.statusCode()).isEqualTo(302);
        assertThat(expired.headers().firstValue("Location").orElseThrow()).startsWith("/admin/signin");
    }

    @Test
    void anIdleLimitUnderAMinuteIsRefusedAtStartWithTheKeyNamed() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.letterpress.config.ConfigLoader.fromMap(Map.of("admin.session.idle", "30s")))
                .hasMessageContaining("admin.session.idle").hasMessageContaining("at least 1m");
    }

    /** A clock the test moves forward. */
    static final class MovableClock extends java.time.Clock {
        private volatile java.time.Duration offset = java.time.Duration.ZERO;

        void advance(java.time.Duration d) {
            offset = offset.plus(d);
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.now().plus(offset);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    static Map<String, String> validIssueForm() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("action", "save");
        form.put("subject", "Admin test issue");
        form.put("sender.name", "Build Notes");
        form.put("sender.email", "news@example.com");
        form.put("sections", "1");
        form.put("s.0.type", "lead");
        form.put("s.0.headline", "Admin test headline");
        form.put("s.0.body", "A short essay.");
        return form;
    }

    private static long sessions() {
        return app.db.jdbc().count("SELECT COUNT(*) FROM admin_sessions");
    }

    private static long issues() {
        return app.db.jdbc().count("SELECT COUNT(*) FROM issues");
    }
}
