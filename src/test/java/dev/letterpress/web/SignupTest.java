package dev.letterpress.web;

import static dev.letterpress.web.WebClient.first;
import static dev.letterpress.web.WebClient.form;
import static dev.letterpress.web.WebClient.get;
import static dev.letterpress.web.WebClient.mailTo;
import static dev.letterpress.web.WebClient.parts;
import static dev.letterpress.web.WebClient.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.App;
import dev.letterpress.TestSupport;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.Subscription;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public subscribe form and double opt-in over real HTTP, with the confirmation mail really sent through
 * GreenMail. Every test uses its own addresses; the per-IP limit is high here and tested in SignupLimitTest.
 */
class SignupTest {
    private static final String TOKEN = "[A-Za-z0-9_-]{36}";

    @TempDir
    static Path dir;
    static GreenMail smtp;
    static App app;
    static WebClient.MovableClock clock = new WebClient.MovableClock();
    static String base;
    static MailingList weekly;
    static String formUrl;

    @BeforeAll
    static void start() {
        smtp = TestSupport.greenMail();
        app = App.create(TestSupport.config(dir, smtp.getSmtp().getPort(), Map.of("signup.limit.per.ip", "1000",
                "signup.sender.email", "hello@news.example.com")), null, null, clock).start();
        base = app.config.http().publicBaseUrl().toString();
        weekly = app.subscribers.createList("Weekly", "One email every Monday.");
        formUrl = app.signup.formUrl(weekly);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void subscribingSendsAConfirmLinkWhoseGetChangesNothingAndWhosePostConfirms() throws Exception {
        HttpResponse<String> page = get(formUrl);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Subscribe to Weekly").contains("One email every Monday.")
                .contains("<label for=\"email\">Email address</label>").contains("name=\"website\"");

        HttpResponse<String> sent = post(formUrl, "email=" + form("New.Reader@example.com") + "&name=" + form("New Reader") + "&website=");
        assertThat(sent.statusCode()).isEqualTo(200);
        assertThat(sent.body()).contains("Check your inbox");
        app.signup.settle(); // the work behind the answer happens after it
        long id = app.subscribers.findByEmail("new.reader@example.com").orElseThrow().id();
        assertThat(status(id)).isEqualTo(Subscription.UNCONFIRMED);

        List<MimeMessage> mail = mailTo(smtp, "New.Reader@example.com", 1);
        assertThat(mail).hasSize(1);
        MimeMessage m = mail.get(0);
        assertThat(m.getSubject()).isEqualTo("Please confirm your subscription to Weekly");
        assertThat(m.getFrom()[0].toString()).contains("hello@news.example.com");
        assertThat(m.getHeader("Auto-Submitted", null)).isEqualTo("auto-generated");
        assertThat(m.getHeader("List-Unsubscribe")).isNull();
        String[] body = parts(m);
        String link = first(body[0], "(http\\S+/confirm/" + TOKEN + ")");
        assertThat(body[1]).contains("href=\"" + link + "\"").contains("Confirm my subscription");

        HttpResponse<String> confirmPage = get(link);
        assertThat(confirmPage.statusCode()).isEqualTo(200);
        assertThat(confirmPage.body()).contains("N•••@example.com").contains("<form method=\"post\"").contains("Yes, subscribe me")
                .doesNotContain("new.reader@example.com");
        assertThat(status(id)).as("a GET (a link scanner) confirms nobody").isEqualTo(Subscription.UNCONFIRMED);

        HttpResponse<String> done = post(link, "");
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).contains("You are subscribed").containsPattern("href=\"/p/" + TOKEN + "\"");
        assertThat(status(id)).isEqualTo(Subscription.CONFIRMED);
        assertThat(post(link, "").statusCode()).as("confirming twice is harmless").isEqualTo(200);

        List<Map<String, Object>> records = app.consent.of(id);
        assertThat(records).extracting(r -> r.get("action")).containsExactly("subscribe-request", "confirm");
        assertThat(records).extracting(r -> r.get("source")).containsExactly("subscribe form", "confirmation link");
        assertThat(records).extracting(r -> r.get("list")).containsOnly("Weekly");
        assertThat(records).extracting(r -> (String) r.get("wordingVersion")).doesNotContainNull();
        for (Map<String, Object> r : records) {
            assertThat((String) r.get("ipHash")).as("a salted hash, never the address").matches("[0-9a-f]{32}").doesNotContain("127.0.0.1");
        }
        assertThat(app.subscribers.findById(id).orElseThrow().name()).isEqualTo("New Reader");
    }

    @Test
    void aKnownAddressGetsTheSameAnswerAndAMailSayingSoWithoutAnyChange() throws Exception {
        app.subscribers.addToList(weekly.id(), "known@example.com", "Known", Map.of(), Subscription.CONFIRMED, "test");
        long id = app.subscribers.findByEmail("known@example.com").orElseThrow().id();

        HttpResponse<String> forKnown = post(formUrl, "email=known%40example.com&name=Someone+Else");
        HttpResponse<String> forNew = post(formUrl, "email=unknown%40example.com&name=Someone+Else");
        assertThat(forKnown.statusCode()).isEqualTo(forNew.statusCode()).isEqualTo(200);
        assertThat(forKnown.body()).isEqualTo(forNew.body());

        List<MimeMessage> mail = mailTo(smtp, "known@example.com", 1);
        assertThat(mail).hasSize(1);
        app.signup.settle();
        assertThat(mail.get(0).getSubject()).isEqualTo("You are already subscribed to Weekly");
        assertThat(parts(mail.get(0))[0]).doesNotContain("/confirm/").contains("/p/");
        assertThat(status(id)).isEqualTo(Subscription.CONFIRMED);
        assertThat(app.subscribers.findById(id).orElseThrow().name()).as("a stranger cannot rename anyone").isEqualTo("Known");
        assertThat(app.consent.of(id)).isEmpty();
    }

    /**
     * The form must not answer known addresses measurably slower or faster than new ones (the mail goes out in the
     * background either way). Interleaved, medians, after a warm-up; prints the figures.
     */
    @Test
    void knownAndNewAddressesTakeAboutAsLong() throws Exception {
        int n = 25;
        for (int i = 0; i < n + 3; i++) {
            app.subscribers.addToList(weekly.id(), "timing-known-" + i + "@example.com", null, Map.of(), Subscription.CONFIRMED, "test");
        }
        for (int i = 0; i < 3; i++) {
            post(formUrl, "email=timing-known-" + (n + i) + "%40example.com");
            post(formUrl, "email=timing-warm-" + i + "%40example.com");
        }
        long[] known = new long[n];
        long[] fresh = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            assertThat(post(formUrl, "email=timing-known-" + i + "%40example.com").statusCode()).isEqualTo(200);
            long t1 = System.nanoTime();
            assertThat(post(formUrl, "email=timing-new-" + i + "%40example.com").statusCode()).isEqualTo(200);
            long t2 = System.nanoTime();
            known[i] = t1 - t0;
            fresh[i] = t2 - t1;
        }
        java.util.Arrays.sort(known);
        java.util.Arrays.sort(fresh);
        double knownMs = known[n / 2] / 1e6;
        double freshMs = fresh[n / 2] / 1e6;
        System.out.printf("subscribe form median response: known address %.2f ms, new address %.2f ms (n=%d each)%n", knownMs, freshMs, n);
        assertThat(Math.abs(knownMs - freshMs)).as("median difference in ms (known %.2f, new %.2f)", knownMs, freshMs).isLessThan(20.0);
    }

    @Test
    void theHoneypotIsAnsweredLikeAnyoneAndDoesNothing() throws Exception {
        HttpResponse<String> r = post(formUrl, "email=bot%40example.com&website=" + form("http://spam.example"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("Check your inbox");
        app.signup.settle();
        assertThat(mailTo(smtp, "bot@example.com", 0)).isEmpty();
        assertThat(app.subscribers.findByEmail("bot@example.com")).isEmpty();
    }

    @Test
    void oneAddressGetsAtMostThreeMailsADay() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(post(formUrl, "email=often%40example.com").body()).contains("Check your inbox");
        }
        assertThat(mailTo(smtp, "often@example.com", 3)).hasSize(3);
        app.signup.settle();
        assertThat(mailTo(smtp, "often@example.com", 0)).hasSize(3);
    }

    @Test
    void badInputIsA400ThatNamesTheProblemAndKeepsWhatWasTyped() throws Exception {
        HttpResponse<String> r = post(formUrl, "email=" + form("not-an-address") + "&name=Ann");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("Please enter a valid email address").contains("not-an-address")
                .contains("aria-invalid=\"true\"").contains("value=\"Ann\"");
        assertThat(post(formUrl, "name=Ann").statusCode()).isEqualTo(400);
        assertThat(post(formUrl, "email=ann%40example.com&name=" + form("a\nb")).statusCode()).isEqualTo(400);
        app.signup.settle();
        assertThat(app.subscribers.findByEmail("ann@example.com")).isEmpty();
    }

    @Test
    void formsAndLinksWithBadTokensAreNotFound() throws Exception {
        String forged = base + "/s/" + "A".repeat(36);
        assertThat(get(forged).statusCode()).isEqualTo(404);
        assertThat(post(forged, "email=x%40example.com").statusCode()).isEqualTo(404);
        assertThat(post(base + "/confirm/" + "B".repeat(36), "").statusCode()).isEqualTo(404);
        // a preferences token is not a subscribe form
        String prefs = app.urls.preferences(1, 1);
        assertThat(get(base + "/s/" + prefs.substring(prefs.lastIndexOf('/') + 1)).statusCode()).isEqualTo(404);
        app.signup.settle();
        assertThat(app.subscribers.findByEmail("x@example.com")).isEmpty();
    }

    @Test
    void anExpiredConfirmLinkSaysSoAndConfirmsNothing() throws Exception {
        post(formUrl, "email=late%40example.com");
        String link = first(parts(mailTo(smtp, "late@example.com", 1).get(0))[0], "(http\\S+/confirm/" + TOKEN + ")");
        long id = app.subscribers.findByEmail("late@example.com").orElseThrow().id();
        try {
            clock.advance(Duration.ofDays(8));
            HttpResponse<String> r = post(link, "");
            assertThat(r.statusCode()).isEqualTo(410);
            assertThat(r.body()).contains("This link has expired");
            assertThat(status(id)).isEqualTo(Subscription.UNCONFIRMED);
        } finally {
            clock.advance(Duration.ofDays(-8));
        }
    }

    @Test
    void theSnippetPostsToTheForm() {
        String snippet = app.signup.snippet(weekly);
        assertThat(snippet).contains("action=\"" + formUrl + "\"").contains("method=\"post\"")
                .contains("<label for=\"lp-email\">").contains("name=\"website\"");
    }

    private static String status(long subscriber) {
        return app.subscribers.subscriptionsOf(subscriber).stream().filter(s -> s.listId() == weekly.id()).findFirst().orElseThrow().status();
    }
}
