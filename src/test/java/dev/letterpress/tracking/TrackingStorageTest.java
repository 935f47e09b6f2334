package dev.letterpress.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.App;
import dev.letterpress.TestSupport;
import dev.letterpress.config.Config;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What reaches the database and when, each test on its own app and database: the buffer loses nothing on a
 * graceful stop, aggregate-only mode stores no one, UTM parameters reach the redirect, and key rotation
 * through the config keeps old links working until their key is removed.
 */
class TrackingStorageTest {
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @TempDir
    Path dir;

    /** A campaign that is never sent (cancelled at once): its tokens and links are real all the same. */
    private static long quietCampaign(App app) {
        app.subscribers.createList("Quiet", null);
        long id = app.campaigns.create("Quiet", TestSupport.demoIssue(), List.of("Quiet"), Instant.now().plus(30, ChronoUnit.DAYS));
        app.campaigns.cancel(id);
        return id;
    }

    private Config config(Map<String, String> extra) {
        return TestSupport.config(dir, 2525, extra);
    }

    @Test
    void noEventIsLostOnAGracefulStop() throws Exception {
        Config config = config(Map.of());
        int threads = 8;
        int perThread = 150;
        long campaign;
        try (App app = App.create(config).start()) {
            campaign = quietCampaign(app);
            long link = app.links.idFor(campaign, "https://example.com/a");
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < perThread; i++) {
                        long subscriber = thread * 1000L + i + 1;
                        String url = i % 2 == 0 ? app.urls.open(campaign, subscriber) : app.urls.click(campaign, subscriber, link);
                        int status = http.send(HttpRequest.newBuilder(URI.create(url)).header("User-Agent", BROWSER).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode();
                        ok += status == 200 || status == 302 ? 1 : 0;
                    }
                    return ok;
                }));
            }
            int ok = 0;
            for (Future<Integer> f : done) {
                ok += f.get();
            }
            pool.shutdown();
            assertThat(ok).isEqualTo(threads * perThread);
            // closed at once: most of the last events are still in the buffer at this point
        }
        try (App reopened = App.create(config)) {
            assertThat(reopened.db.jdbc().count("SELECT COUNT(*) FROM events WHERE campaign_id = ?", campaign)).isEqualTo(threads * perThread);
            assertThat(reopened.db.jdbc().count("SELECT COUNT(DISTINCT subscriber_id) FROM events WHERE campaign_id = ?", campaign))
                    .isEqualTo(threads * perThread);
        }
    }

    @Test
    void eventsAreDurableWithinAboutASecondWithoutAnyFlush() throws Exception {
        try (App app = App.create(config(Map.of())).start()) {
            long campaign = quietCampaign(app);
            assertThat(get(app.urls.open(campaign, 5)).statusCode()).isEqualTo(200);
            long t0 = System.nanoTime();
            TestSupport.await("the open to be written", java.time.Duration.ofSeconds(2),
                    () -> app.db.jdbc().count("SELECT COUNT(*) FROM events WHERE campaign_id = ?", campaign) == 1);
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
        }
    }

    @Test
    void withIndividualTrackingOffOnlyAnonymousCountsAreStored() throws Exception {
        try (App app = App.create(config(Map.of("tracking.individual", "false"))).start()) {
            long campaign = quietCampaign(app);
            long link = app.links.idFor(campaign, "https://example.com/b");
            assertThat(get(app.urls.open(campaign, 7)).statusCode()).isEqualTo(200);
            assertThat(get(app.urls.open(campaign, 8)).statusCode()).isEqualTo(200);
            assertThat(get(app.urls.click(campaign, 7, link)).statusCode()).isEqualTo(302);
            app.eventBuffer.flush();
            var jdbc = app.db.jdbc();
            assertThat(jdbc.count("SELECT COUNT(*) FROM events WHERE campaign_id = ?", campaign)).isEqualTo(3);
            assertThat(jdbc.count("SELECT COUNT(*) FROM events WHERE campaign_id = ? AND (subscriber_id IS NOT NULL OR user_agent IS NOT NULL)", campaign)).isZero();
            EventStore.Split opens = app.events.split(campaign).get("open");
            assertThat(opens.human().total()).isEqualTo(2);
            assertThat(opens.human().unique()).isZero();
            assertThat(opens.anonymous()).isEqualTo(2);
            assertThat(app.events.split(campaign).get("click").anonymous()).isEqualTo(1);
        }
    }

    @Test
    void utmParametersAreAddedToTheRegisteredLinksOfACampaignThatAsksForThem() throws Exception {
        try (App app = App.create(config(Map.of("newsletter.name", "Build Notes"))).start()) {
            long plain = quietCampaign(app);
            app.subscribers.createList("Tagged", null);
            long tagged = app.campaigns.create("Tagged", TestSupport.demoIssue(), List.of("Tagged"), Instant.now().plus(30, ChronoUnit.DAYS));
            app.campaigns.cancel(tagged);
            app.links.setUtm(tagged, "issue 42");

            assertThat(location(app, plain, "https://example.com/x?a=1#top")).isEqualTo("https://example.com/x?a=1#top");
            assertThat(location(app, tagged, "https://example.com/x"))
                    .isEqualTo("https://example.com/x?utm_source=build-notes&utm_medium=email&utm_campaign=issue+42");
            assertThat(location(app, tagged, "https://example.com/y?a=1#top"))
                    .isEqualTo("https://example.com/y?a=1&utm_source=build-notes&utm_medium=email&utm_campaign=issue+42#top");
            // an author's own UTM parameters win
            assertThat(location(app, tagged, "https://example.com/z?utm_source=partner")).isEqualTo("https://example.com/z?utm_source=partner");
        }
    }

    @Test
    void rotatingKeysInTheConfigKeepsOldLinksWorkingUntilTheKeyIsRemoved() throws Exception {
        String oldKey = "old-secret-0123456789-0123456789-abcdef";
        String newKey = "new-secret-0123456789-0123456789-abcdef";
        String oldLink;
        long campaign;
        Config first = config(Map.of("tracking.secret", oldKey));
        try (App app = App.create(first).start()) {
            campaign = quietCampaign(app);
            oldLink = app.urls.open(campaign, 1);
            assertThat(get(oldLink).statusCode()).isEqualTo(200);
        }
        String oldToken = oldLink.substring(oldLink.lastIndexOf('/'));
        try (App app = App.create(config(Map.of("tracking.secret", newKey + ", " + oldKey))).start()) {
            String base = app.config.http().publicBaseUrl() + "/o";
            assertThat(get(base + oldToken).statusCode()).as("old key still verifies").isEqualTo(200);
            String newLink = app.urls.open(campaign, 1);
            assertThat(newLink).isNotEqualTo(base + oldToken);
            assertThat(get(newLink).statusCode()).isEqualTo(200);
        }
        try (App app = App.create(config(Map.of("tracking.secret", newKey))).start()) {
            String base = app.config.http().publicBaseUrl() + "/o";
            assertThat(get(base + oldToken).statusCode()).as("removed key").isEqualTo(404);
            app.eventBuffer.flush();
            assertThat(app.db.jdbc().count("SELECT COUNT(*) FROM events WHERE campaign_id = ?", campaign)).as("the refused open wrote nothing").isEqualTo(3);
        }
    }

    @Test
    void storedKeysRotateAndRetire() {
        Config config = config(Map.of());
        String link;
        try (App app = App.create(config)) {
            link = app.urls.open(1, 1);
            assertThat(Secrets.rotate(app.db.jdbc())).isEqualTo(2);
        }
        String token = link.substring(link.lastIndexOf('/') + 1).replace(".gif", "");
        try (App app = App.create(config)) {
            assertThat(app.tracker.verify(token, Token.Purpose.OPEN)).as("old stored key still verifies").isPresent();
            assertThat(app.urls.open(1, 1)).as("the new key signs").isNotEqualTo(link);
            assertThat(Secrets.retireOldest(app.db.jdbc())).isEqualTo(1);
        }
        try (App app = App.create(config)) {
            assertThat(app.tracker.verify(token, Token.Purpose.OPEN)).as("retired").isEmpty();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Secrets.retireOldest(app.db.jdbc()))
                    .hasMessageContaining("only one signing key");
        }
    }

    private String location(App app, long campaign, String url) throws Exception {
        long id = app.links.idFor(campaign, url);
        HttpResponse<String> r = get(app.urls.click(campaign, 3, id));
        assertThat(r.statusCode()).isEqualTo(302);
        return r.headers().firstValue("Location").orElseThrow();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("User-Agent", BROWSER).build(), HttpResponse.BodyHandlers.ofString());
    }
}
