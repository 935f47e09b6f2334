package dev.letterpress.admin;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A small HTTP client for the admin's pages: no redirects followed, cookies sent by hand, forms url-encoded. */
final class AdminHttp {
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final Pattern HIDDEN_CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final String base;

    AdminHttp(String base) {
        this.base = base;
    }

    HttpResponse<String> get(String path, String cookie) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String cookie, Map<String, String> form, String... headers) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Signs in through the form; returns the session cookie ("lp_admin=...") and the page's CSRF token, or null. */
    Signed signIn(String name, String password) throws Exception {
        var attempt = attempt(name, password);
        String session = cookie(attempt, Admin.COOKIE);
        if (attempt.statusCode() != 303 || session == null || session.isEmpty()) {
            return null;
        }
        String cookie = Admin.COOKIE + "=" + session;
        return new Signed(cookie, csrfOf(get("/admin", cookie).body()));
    }

    /** The sign-in form, then a POST of it with the given name and password. */
    HttpResponse<String> attempt(String name, String password) throws Exception {
        var form = get("/admin/signin", null);
        String pre = cookie(form, AuthRoutes.SIGNIN_COOKIE);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("_csrf", csrfOf(form.body()));
        fields.put("next", "/admin");
        fields.put("name", name);
        fields.put("password", password);
        return post("/admin/signin", AuthRoutes.SIGNIN_COOKIE + "=" + pre, fields);
    }

    record Signed(String cookie, String csrf) {}

    static String csrfOf(String html) {
        Matcher m = HIDDEN_CSRF.matcher(html);
        return m.find() ? m.group(1) : null;
    }

    /** The value the response sets for cookie {@code name}, or null. */
    static String cookie(HttpResponse<?> r, String name) {
        return setCookies(r).stream().filter(c -> c.startsWith(name + "=")).map(c -> c.substring(name.length() + 1).split(";", 2)[0])
                .reduce((a, b) -> b).orElse(null);
    }

    static List<String> setCookies(HttpResponse<?> r) {
        return r.headers().allValues("Set-Cookie");
    }

    static String encode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue() == null ? "" : e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }
}
