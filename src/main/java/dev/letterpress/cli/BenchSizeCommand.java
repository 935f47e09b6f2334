package dev.letterpress.cli;

import dev.letterpress.App;
import dev.letterpress.config.ConfigLoader;
import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import dev.letterpress.subscriber.Subscription;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * "Fast at size": fills an embedded H2 database with a million subscribers, a quarter's campaigns to all of them
 * and ten million opens and clicks, then times the pages a marketer opens most over real HTTP, each against
 * /health (the web stack's own floor) in the same run. A benchmark, not a test: it prints figures.
 */
@Command(name = "size", description = "Time the dashboard, a campaign report and subscriber searches on a database of N subscribers and M events.")
final class BenchSizeCommand implements Callable<Integer> {
    @Option(names = "--subscribers", defaultValue = "1000000", description = "Subscribers (default: ${DEFAULT-VALUE}).")
    int subscribers;

    @Option(names = "--events", defaultValue = "10000000", description = "Opens and clicks in all (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--campaigns", defaultValue = "4", description = "Campaigns, each sent to every subscriber (default: ${DEFAULT-VALUE}).")
    int campaigns;

    @Option(names = "--repeat", defaultValue = "15", description = "Timed requests per page, after 3 untimed (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--port", defaultValue = "18090", description = "HTTP port of the server under test (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--dir", description = "Keep the database here and reuse it on the next run (default: a temporary directory, deleted).")
    Path dir;

    private static final int LINKS = 20;
    private final Sql sql = Sql.load("bench");

    @Override
    public Integer call() throws Exception {
        if (subscribers < 1 || events < 0 || campaigns < 1 || repeat < 1) {
            throw new IllegalArgumentException("--subscribers, --campaigns and --repeat must be at least 1, --events at least 0");
        }
        boolean temporary = dir == null;
        Path work = temporary ? Files.createTempDirectory("letterpress-size") : dir;
        try {
            Map<String, String> settings = Map.of("data.dir", work.resolve("db").toString(), "http.port", String.valueOf(port),
                    "public.base.url", "http://127.0.0.1:" + port);
            try (App app = App.create(ConfigLoader.fromMap(settings)).start()) {
                long last = app.subscribers.findList("size").isPresent() ? latestCampaign(app.db.jdbc()) : fill(app, work);
                String key = app.apiKeys.create("bench-" + System.nanoTime()).secret();
                String base = app.urls.base();
                String cookie = signIn(app, base);
                long someone = subscribers / 2;
                Map<String, String> pages = new LinkedHashMap<>();
                pages.put("baseline: /health", "/health");
                pages.put("dashboard (admin)", "/admin");
                pages.put("campaign report (admin)", "/admin/campaigns/" + last);
                pages.put("search: address (admin)", "/admin/subscribers?email=reader" + someone + "%40bench.example.com");
                pages.put("search: @domain (admin)", "/admin/subscribers?email=%40bench.example.com");
                long someoneId = app.subscribers.findByEmail("reader" + someone + "@bench.example.com").orElseThrow().id();
                pages.put("one subscriber (admin)", "/admin/subscribers/" + someoneId);
                pages.put("campaign statistics (API)", "/api/campaigns/" + last + "/statistics");
                pages.put("campaign progress (API)", "/api/campaigns/" + last + "/progress");
                pages.put("campaigns list (API)", "/api/campaigns");
                pages.put("search: exact address (API)", "/api/subscribers?email=reader" + someone + "%40bench.example.com");
                pages.put("search: start of an address (API)", "/api/subscribers?email=reader" + (subscribers - 7) / 10);
                pages.put("search: domain (API)", "/api/subscribers?email=bench.example.com&after=reader" + someone + "%40bench.example.com");
                pages.put("search: attribute, common (API)", "/api/subscribers?attribute=plan:pro");
                pages.put("search: attribute, 1 in 100 (API)", "/api/subscribers?attribute=city:City%2096");
                pages.put("search: a list (API)", "/api/subscribers?list=size&after=" + someoneId);
                // no index serves a JSON attribute in both databases: a value nobody has is read for ~250 ms a page
                pages.put("search: attribute, nobody (API)", "/api/subscribers?attribute=city:Atlantis");
                pages.put("search: attribute, nobody (admin)", "/admin/subscribers?attribute=city%3DAtlantis&list=size");
                time(base, key, cookie, pages);
            }
            return 0;
        } finally {
            if (temporary) {
                BenchCommand.Import.deleteTree(work);
            }
        }
    }

    private long fill(App app, Path work) throws IOException {
        long t0 = System.nanoTime();
        Path csv = work.resolve("size.csv");
        BenchCommand.Import.generate(csv, subscribers, "reader", BenchCommand.Import.Addresses.sequential);
        var list = app.subscribers.createList("size", "bench size");
        try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            app.importer.importCsv(in, "size.csv", list, Subscription.CONFIRMED, p -> { });
        }
        Files.delete(csv);
        System.out.printf("%,d subscribers imported in %.0f s%n", subscribers, (System.nanoTime() - t0) / 1e9);
        Jdbc jdbc = app.db.jdbc();
        Instant firstSend = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(7L * campaigns, ChronoUnit.DAYS);
        long last = 0;
        for (int c = 0; c < campaigns; c++) {
            long t1 = System.nanoTime();
            Instant sentAt = firstSend.plus(7L * c, ChronoUnit.DAYS);
            // a real campaign (issue, lists), created far ahead and cancelled, then given a sent audience and events
            long id = app.campaigns.create("Weekly #" + (c + 1), DemoCommand.demoIssue(), List.of("size"), Instant.now().plus(3650, ChronoUnit.DAYS));
            app.campaigns.cancel(id);
            long firstLink = app.links.idFor(id, "https://example.com/size/" + id + "/0");
            for (int i = 1; i < LINKS; i++) {
                long link = app.links.idFor(id, "https://example.com/size/" + id + "/" + i);
                if (link != firstLink + i) {
                    throw new IllegalStateException("link ids are not consecutive (" + firstLink + ", then " + link + "); the generator needs them");
                }
            }
            jdbc.update(sql.get("deliveries"), id, list.id(), sentAt);
            jdbc.update(sql.get("finish-campaign"), subscribers, sentAt, sentAt.plus(1, ChronoUnit.HOURS), id);
            long n = events / campaigns + (c == campaigns - 1 ? events % campaigns : 0);
            jdbc.update(sql.get("events"), id, subscribers, firstLink, LINKS, sentAt, n);
            for (String rollup : List.of("rollup-hours", "rollup-links", "rollup-uniques")) {
                jdbc.update(sql.get(rollup), id);
            }
            System.out.printf("campaign #%d: %,d deliveries and %,d events in %.0f s%n", id, subscribers, n, (System.nanoTime() - t1) / 1e9);
            last = id;
        }
        return last;
    }

    private long latestCampaign(Jdbc jdbc) {
        System.out.println("reusing the database in " + dir);
        return jdbc.count(sql.get("latest-campaign"));
    }

    /** Signs a new admin account in over HTTP, as a browser does, and returns the session cookie. */
    private static String signIn(App app, String base) throws Exception {
        String name = "bench-" + System.nanoTime();
        String password = java.util.UUID.randomUUID().toString();
        app.admins.create(name, password);
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/signin")).build(), HttpResponse.BodyHandlers.ofString());
        String token = cookie(form, "lp_admin_signin");
        String body = "_csrf=" + enc(token) + "&next=%2Fadmin&name=" + enc(name) + "&password=" + enc(password);
        HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/signin"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", "lp_admin_signin=" + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (signedIn.statusCode() != 303) {
            throw new IllegalStateException("signing in answered " + signedIn.statusCode() + ": " + signedIn.body());
        }
        return "lp_admin=" + cookie(signedIn, "lp_admin");
    }

    private static String cookie(HttpResponse<?> r, String name) {
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst()
                .map(c -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .orElseThrow(() -> new IllegalStateException("no " + name + " cookie in " + r.headers().map()));
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private void time(String base, String key, String cookie, Map<String, String> pages) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, double[]> ms = new LinkedHashMap<>();
        pages.keySet().forEach(k -> ms.put(k, new double[repeat]));
        // round-robin, so a slow moment of the machine is shared by every page rather than spoiling one
        for (int round = -3; round < repeat; round++) {
            for (var page : pages.entrySet()) {
                HttpRequest req = HttpRequest.newBuilder(URI.create(base + page.getValue())).header("Authorization", "Bearer " + key)
                        .header("Cookie", cookie).build();
                long t = System.nanoTime();
                HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                double took = (System.nanoTime() - t) / 1e6;
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(page.getValue() + " answered " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
                }
                if (round >= 0) {
                    ms.get(page.getKey())[round] = took;
                }
            }
        }
        double floor = median(ms.get("baseline: /health"));
        System.out.printf("%n%-36s %10s %10s %10s %12s%n", "page", "median ms", "max ms", "x /health", "< 500 ms?");
        List<String> slow = new ArrayList<>();
        ms.forEach((page, t) -> {
            double med = median(t);
            double max = Arrays.stream(t).max().orElse(0);
            System.out.printf("%-36s %10.1f %10.1f %10.1f %12s%n", page, med, max, med / floor, med < 500 ? "yes" : "NO");
            if (med >= 500) {
                slow.add(page);
            }
        });
        System.out.println(slow.isEmpty() ? "every page's median is under 500 ms" : "over 500 ms: " + slow);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
