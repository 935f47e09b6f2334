package dev.letterpress.admin;

import io.javalin.http.Context;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Sign-in and sign-out. The sign-in form has its own CSRF guard (a double-submit cookie), since there is no session
 * yet to hold a token. A wrong password and an unknown name get the same answer, after the same work.
 */
final class AuthRoutes {
    static final String SIGNIN_COOKIE = "lp_admin_signin";
    static final String FAILED = "Wrong name or password.";

    private final AdminAccounts accounts;
    private final AdminSessions sessions;
    private final SignInThrottle throttle;
    private final AdminView view;

    AuthRoutes(AdminAccounts accounts, AdminSessions sessions, SignInThrottle throttle, AdminView view) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.throttle = throttle;
        this.view = view;
    }

    void form(Context ctx, AdminSessions.Session ignored) {
        if (sessions.find(ctx.cookie(Admin.COOKIE)).isPresent()) {
            ctx.redirect("/admin");
            return;
        }
        render(ctx, 200, null, ctx.queryParam("signedout") != null ? "You are signed out." : null);
    }

    void signIn(Context ctx, AdminSessions.Session ignored) {
        String pre = ctx.cookie(SIGNIN_COOKIE);
        String submitted = ctx.formParam(Admin.CSRF_FIELD);
        if (pre == null || submitted == null || !MessageDigest.isEqual(pre.getBytes(StandardCharsets.UTF_8), submitted.getBytes(StandardCharsets.UTF_8))) {
            view.message(ctx, 403, null, "This form has expired", "Reload the sign-in page and try again (cookies must be enabled).");
            return;
        }
        String name = String.valueOf(ctx.formParam("name")).strip();
        String password = ctx.formParam("password");
        String ip = dev.letterpress.web.ClientAddress.of(ctx);
        long attempt = throttle.begin(ip, name);
        if (attempt < 0) {
            render(ctx, 429, "Too many failed sign-ins. Wait a few minutes and try again.", null);
            return;
        }
        var account = accounts.authenticate(name, password);
        if (account.isEmpty()) {
            render(ctx, 401, FAILED, null);
            return;
        }
        throttle.succeeded(ip, name, attempt);
        var created = sessions.create(account.get().id(), account.get().name());
        // a session cookie (no Max-Age): the idle limit is enforced on the server, where signing out can end it
        ctx.res().addHeader("Set-Cookie", Admin.COOKIE + "=" + created.token() + "; Path=/admin; HttpOnly; Secure; SameSite=Strict");
        ctx.res().addHeader("Set-Cookie", SIGNIN_COOKIE + "=; Path=/admin; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
        ctx.status(303).header("Location", safeNext(ctx.formParam("next")));
    }

    void signOut(Context ctx, AdminSessions.Session session) {
        sessions.delete(session.id());
        ctx.res().addHeader("Set-Cookie", Admin.COOKIE + "=; Path=/admin; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
        ctx.status(303).header("Location", "/admin/signin?signedout=1");
    }

    private void render(Context ctx, int status, String error, String notice) {
        String token = sessions.randomToken();
        ctx.res().addHeader("Set-Cookie", SIGNIN_COOKIE + "=" + token + "; Path=/admin; Max-Age=3600; HttpOnly; Secure; SameSite=Strict");
        Map<String, Object> model = new HashMap<>();
        model.put("signinToken", token);
        model.put("next", safeNext(ctx.queryParam("next") != null ? ctx.queryParam("next") : ctx.formParam("next")));
        model.put("name", ctx.formParam("name") == null ? "" : ctx.formParam("name"));
        if (error != null) {
            model.put("error", error);
        }
        if (notice != null) {
            model.put("notice", notice);
        }
        view.page(ctx, status, "signin", null, model);
    }

    /** Only a path inside the admin: never another site (an open redirect) nor a scheme-relative //host. */
    static String safeNext(String next) {
        if (next != null && (next.equals("/admin") || next.startsWith("/admin/")) && !next.contains("//") && !next.contains("\\")
                && next.chars().noneMatch(c -> c < 0x20)) {
            return next;
        }
        return "/admin";
    }
}
