package dev.letterpress.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.App;
import dev.letterpress.TestSupport;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.Subscription;
import dev.letterpress.tracking.EventStore;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The subscriber-facing pages over real HTTP, with links taken from mail really sent through GreenMail.
 * One app and one campaign for the class; every test works on its own subscriber, so tests do not depend
 * on each other's order.
 */
class PublicPagesTest {
    private static final String TOKEN = "[A-Za-z0-9_-]{36}";

    /** The links one recipient got in their message. */
    record Links(String unsubscribe, String view, String preferences, String share, String pixel) {}

    @TempDir
    static Path dir;
    static GreenMail smtp;
    static App app;
    static String base;
    static MailingList weekly;
    static MailingList events;
    static MailingList archive;
    static long campaign;
    static final Map<String, Links> links = new HashMap<>();
    static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void sendOneCampaign() throws Exception {
        smtp = TestSupport.greenMail();
        app = App.create(TestSupport.config(dir, smtp.getSmtp().getPort(), Map.of())).start();
        base = app.config.http().publicBaseUrl().toString();
        weekly = app.subscribers.createList("Weekly", null);
        events = app.subscribers.createList("Events", null);
        archive = app.subscribers.createList("Archive", null);
        for (String name : List.of("Ada Lovelace", "Grace Hopper", "Linus Torvalds", "Margaret Hamilton", "Katherine Johnson", "Mallory Example")) {
            String email = email(name);
            app.subscribers.addToList(weekly.id(), email, name, Map.of(), Subscription.CONFIRMED, "test");
            app.subscribers.addToList(events.id(), email, name, Map.of(), Subscription.CONFIRMED, "test");
        }
        // Ada left the archive list long ago, for her own reasons: no undo on a page may bring that back.
        long ada = id("ada@example.com");
        app.subscribers.addToList(archive.id(), "ada@example.com", "Ada Lovelace", Map.of(), Subscription.CONFIRMED, "test");
        assertThat(app.subscribers.setStatus(archive.id(), ada, Subscription.UNSUBSCRIBED, "removed by an editor")).isTrue();

        campaign = app.campaigns.create("Issue 1", TestSupport.demoIssue(), List.of(weekly.name()), null);
        TestSupport.await("campaign " + campaign + " to finish", Duration.ofSeconds(20),
                () -> "finished".equals(app.campaignStore.require(campaign).status()));
        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(6);
        for (MimeMessage m : received) {
            String to = m.getAllRecipients()[0].toString().replaceAll(".*<|>.*", "");
            String html = (String) ((Multipart) m.getContent()).getBodyPart(1).getContent();
            links.put(to, new Links(
                    m.getHeader("List-Unsubscribe", null).replaceAll("^<([^>]+)>.*$", "$1"),
                    first(html, "href=\"([^\"]+/v/" + TOKEN + ")\"[^>]*>View this issue in your browser"),
                    first(html, "href=\"([^\"]+/p/" + TOKEN + ")\"[^>]*>Manage your preferences"),
                    first(html, "href=\"([^\"]+/v/" + TOKEN + ")\"[^>]*>Share this issue"),
                    first(html, "src=\"([^\"]+/o/" + TOKEN + "\\.gif)\"")));
        }
        assertThat(links).hasSize(6);
        for (Links l : links.values()) {
            assertThat(l.unsubscribe()).startsWith(base + "/u/");
            assertThat(l.view()).isNotEqualTo(l.share());
        }
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
    void pagesCarrySecurityHeaders() throws Exception {
        Links k = links.get("katherine@example.com");
        for (String url : List.of(k.unsubscribe(), k.preferences(), k.view(), base + "/no/such/page")) {
            HttpResponse<String> r = get(url);
            assertThat(r.headers().firstValue("Referrer-Policy")).as(url).hasValue("no-referrer");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(url).hasValue("nosniff");
            assertThat(r.headers().firstValue("X-Frame-Options")).as(url).hasValue("DENY");
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(url).hasValueSatisfying(
                    csp -> assertThat(csp).contains("default-src 'none'").contains("frame-ancestors 'none'"));
        }
    }

    @Test
    void theUnsubscribePageAsksWithAMaskedAddressAndChangesNothing() throws Exception {
        long k = id("katherine@example.com");
        Map<String, String> before = statuses(k);
        Map<String, EventStore.Count> eventsBefore = eventCounts();

        HttpResponse<String> page = get(links.get("katherine@example.com").unsubscribe());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("<form method=\"post\"")
                .containsPattern("<input type=\"radio\"[^>]*name=\"scope\" value=\"list\"")
                .containsPattern("<input type=\"radio\"[^>]*name=\"scope\" value=\"all\"")
                .contains("k•••@example.com")
                .contains("Only Weekly")
                .doesNotContain("katherine@example.com");

        assertThat(statuses(k)).isEqualTo(before).containsEntry("Weekly", Subscription.CONFIRMED);
        assertThat(eventCounts()).isEqualTo(eventsBefore);
    }

    @Test
    void unsubscribingFromEverythingCanBeUndoneWithoutResubscribingOlderChoices() throws Exception {
        long ada = id("ada@example.com");
        long unsubscribesBefore = count("unsubscribe");

        HttpResponse<String> done = post(links.get("ada@example.com").unsubscribe(), "scope=all");
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).contains("You are unsubscribed").contains("from any of its lists");
        assertThat(statuses(ada)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "Weekly", Subscription.UNSUBSCRIBED, "Events", Subscription.UNSUBSCRIBED, "Archive", Subscription.UNSUBSCRIBED));
        assertThat(count("unsubscribe")).isEqualTo(unsubscribesBefore + 1);

        String undo = first(done.body(), "<form method=\"post\" action=\"([^\"]+)\"");
        String token = links.get("ada@example.com").unsubscribe().substring((base + "/u/").length());
        assertThat(undo).isEqualTo("/u/" + token + "/undo?scope=all");

        HttpResponse<String> back = post(URI.create(base).resolve(undo).toString(), "");
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(back.body()).contains("Welcome back");
        assertThat(statuses(ada)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "Weekly", Subscription.CONFIRMED, "Events", Subscription.CONFIRMED, "Archive", Subscription.UNSUBSCRIBED));
        assertThat(subscription(ada, "Archive").consentSource()).isEqualTo("removed by an editor");
    }

    @Test
    void undoWorksOnlySoonAfterAndOnlyForWhatThePagesUnsubscribeEnded() throws Exception {
        long grace = id("grace@example.com");
        String unsubscribe = links.get("grace@example.com").unsubscribe();
        assertThat(post(unsubscribe, "scope=list").statusCode()).isEqualTo(200);
        String undo = unsubscribe + "/undo?scope=list";
        // pressed twice: the same answer, one resubscription
        assertThat(post(undo, "").body()).contains("Welcome back");
        assertThat(post(undo, "").statusCode()).isEqualTo(200);
        assertThat(statuses(grace)).containsEntry("Weekly", Subscription.CONFIRMED);

        // the reader leaves later, elsewhere (here: as the preferences page would record it); whoever holds a copy
        // of the mail cannot bring them back with the old undo button
        app.subscribers.setStatus(weekly.id(), grace, Subscription.UNSUBSCRIBED, "preferences page");
        HttpResponse<String> refused = post(undo, "");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("can no longer be undone");
        assertThat(statuses(grace)).containsEntry("Weekly", Subscription.UNSUBSCRIBED);

        // an unsubscribe on the page itself, but longer ago than the undo window
        assertThat(post(unsubscribe, "scope=list").statusCode()).isEqualTo(200); // already unsubscribed: nothing changes
        app.subscribers.setStatus(weekly.id(), grace, Subscription.CONFIRMED, "test");
        assertThat(post(unsubscribe, "scope=list").statusCode()).isEqualTo(200);
        app.db.jdbc().update("UPDATE subscriptions SET consent_at = ? WHERE subscriber_id = ?",
                java.time.Instant.now().minus(dev.letterpress.tracking.Tracker.UNDO_WINDOW).minusSeconds(60), grace);
        assertThat(post(undo, "").statusCode()).isEqualTo(409);
        assertThat(statuses(grace)).containsEntry("Weekly", Subscription.UNSUBSCRIBED);
    }

    @Test
    void unsubscribingFromTheListLeavesTheOtherLists() throws Exception {
        long grace = id("grace@example.com");
        HttpResponse<String> done = post(links.get("grace@example.com").unsubscribe(), "scope=list");
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).contains("You are unsubscribed").contains("no more Weekly email")
                .containsPattern("action=\"/u/" + TOKEN + "/undo\\?scope=list\"");
        assertThat(statuses(grace)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "Weekly", Subscription.UNSUBSCRIBED, "Events", Subscription.CONFIRMED));
    }

    @Test
    void preferencesShowTheListsAndSaveNameAndChoice() throws Exception {
        long linus = id("linus@example.com");
        String url = links.get("linus@example.com").preferences();

        HttpResponse<String> page = get(url);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(checkbox(weekly, true)).contains(checkbox(events, true))
                .contains("value=\"Linus Torvalds\"")
                .contains("l•••@example.com").doesNotContain("linus@example.com")
                .doesNotContain("Your preferences are saved");

        // a sign-up to Archive still waiting for its confirm link: shown unticked, and saving must not end it
        app.subscribers.addToList(archive.id(), "linus@example.com", "Linus Torvalds", Map.of(), Subscription.UNCONFIRMED,
                "subscribe form (awaiting confirmation)");
        HttpResponse<String> saved = post(url, "action=save&name=" + form("New Name") + "&list=" + weekly.id());
        assertThat(saved.statusCode()).isEqualTo(200);
        assertThat(saved.body()).contains("Your preferences are saved")
                .contains(checkbox(weekly, true)).contains(checkbox(events, false))
                .contains("value=\"New Name\"");
        assertThat(app.subscribers.findById(linus).orElseThrow().name()).isEqualTo("New Name");
        assertThat(statuses(linus)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "Weekly", Subscription.CONFIRMED, "Events", Subscription.UNSUBSCRIBED, "Archive", Subscription.UNCONFIRMED));
    }

    @Test
    void leavingFromPreferencesUnsubscribesEverything() throws Exception {
        long margaret = id("margaret@example.com");
        HttpResponse<String> left = post(links.get("margaret@example.com").preferences(), "action=leave");
        assertThat(left.statusCode()).isEqualTo(200);
        assertThat(left.body()).contains(checkbox(weekly, false)).contains(checkbox(events, false));
        assertThat(statuses(margaret)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "Weekly", Subscription.UNSUBSCRIBED, "Events", Subscription.UNSUBSCRIBED));
    }

    @Test
    void aHostileNameIsShownEscaped() throws Exception {
        String hostile = "<script>x</script>";
        Links mallory = links.get("mallory@example.com");
        HttpResponse<String> saved = post(mallory.preferences(),
                "action=save&name=" + form(hostile) + "&list=" + weekly.id() + "&list=" + events.id());
        assertThat(saved.statusCode()).isEqualTo(200);
        assertThat(app.subscribers.findById(id("mallory@example.com")).orElseThrow().name()).isEqualTo(hostile);
        assertThat(saved.body()).contains("value=\"&lt;script&gt;x&lt;/script&gt;\"").doesNotContain(hostile);

        HttpResponse<String> again = get(mallory.preferences());
        assertThat(again.body()).contains("&lt;script&gt;x&lt;/script&gt;").doesNotContain(hostile);
        HttpResponse<String> view = get(mallory.view());
        assertThat(view.statusCode()).isEqualTo(200);
        assertThat(view.body()).contains("Hi &lt;script&gt;x&lt;/script&gt;").doesNotContain(hostile);
    }

    @Test
    void theWebViewIsPersonalAndTheShareLinkIsAnonymous() throws Exception {
        Links k = links.get("katherine@example.com");
        HttpResponse<String> view = get(k.view());
        assertThat(view.statusCode()).isEqualTo(200);
        assertThat(view.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(view.body()).contains("Hi Katherine,").contains("The quiet comeback of the written proposal")
                .contains("katherine@example.com");

        HttpResponse<String> share = get(k.share());
        assertThat(share.statusCode()).isEqualTo(200);
        assertThat(share.body()).contains("Hi there,").contains("The quiet comeback of the written proposal")
                .contains("This is the web version of");
        for (String email : links.keySet()) {
            assertThat(share.body()).doesNotContain(email);
        }
        // every recipient got the same share link
        assertThat(links.values()).extracting(Links::share).containsOnly(k.share());
    }

    @Test
    void aTokenOnTheWrongRouteIsNotFoundAndWritesNothing() throws Exception {
        long k = id("katherine@example.com");
        Links l = links.get("katherine@example.com");
        String viewToken = l.view().substring(l.view().lastIndexOf('/') + 1);
        String unsubscribeToken = l.unsubscribe().substring(l.unsubscribe().lastIndexOf('/') + 1);
        String preferencesToken = l.preferences().substring(l.preferences().lastIndexOf('/') + 1);
        Map<String, String> before = statuses(k);
        String nameBefore = app.subscribers.findById(k).orElseThrow().name();
        Map<String, EventStore.Count> eventsBefore = eventCounts();

        assertThat(get(base + "/u/" + viewToken).statusCode()).isEqualTo(404);
        assertThat(post(base + "/u/" + viewToken, "scope=all").statusCode()).isEqualTo(404);
        assertThat(post(base + "/u/" + viewToken, "List-Unsubscribe=One-Click").statusCode()).isEqualTo(404);
        assertThat(post(base + "/u/" + preferencesToken, "scope=all").statusCode()).isEqualTo(404);
        assertThat(post(base + "/u/" + viewToken + "/undo?scope=all", "").statusCode()).isEqualTo(404);
        assertThat(post(base + "/p/" + unsubscribeToken, "action=leave").statusCode()).isEqualTo(404);
        assertThat(post(base + "/p/" + viewToken, "action=save&name=Hijacked").statusCode()).isEqualTo(404);
        assertThat(get(base + "/v/" + unsubscribeToken).statusCode()).isEqualTo(404);
        assertThat(get(base + "/o/" + viewToken + ".gif").statusCode()).isEqualTo(404);
        assertThat(get(base + "/c/" + viewToken).statusCode()).isEqualTo(404);

        HttpResponse<String> page = get(base + "/u/" + viewToken);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("Link not recognised");

        assertThat(statuses(k)).isEqualTo(before);
        assertThat(app.subscribers.findById(k).orElseThrow().name()).isEqualTo(nameBefore);
        assertThat(eventCounts()).isEqualTo(eventsBefore);
    }

    @Test
    void anUnknownPathIsAnHtmlNotFoundPage() throws Exception {
        HttpResponse<String> r = get(base + "/no/such/page");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(r.body()).contains("<html").contains("Not found").contains("There is nothing at this address")
                .doesNotContain("Endpoint GET");
        assertThat(post(base + "/u/", "scope=all").statusCode()).isEqualTo(404);
    }

    @Test
    void theOpenPixelIsATransparentGifAndCountsTheOpen() throws Exception {
        long opensBefore = count("open");
        HttpResponse<byte[]> r = pixel(links.get("katherine@example.com").pixel());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("image/gif");
        assertThat(r.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store");
        assertThat(r.body()).hasSize(43);
        assertThat(new String(r.body(), 0, 6, StandardCharsets.US_ASCII)).isEqualTo("GIF89a");
        assertThat(r.body()[r.body().length - 1]).as("GIF trailer").isEqualTo((byte) 0x3B);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(1);
        assertThat(image.getHeight()).isEqualTo(1);
        assertThat(image.getRGB(0, 0) >>> 24).as("alpha").isZero();
        assertThat(count("open")).isEqualTo(opensBefore + 1);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static String email(String name) {
        return name.substring(0, name.indexOf(' ')).toLowerCase() + "@example.com";
    }

    private static long id(String email) {
        return app.subscribers.findByEmail(email).orElseThrow().id();
    }

    private static Map<String, String> statuses(long subscriber) {
        Map<String, String> out = new LinkedHashMap<>();
        app.subscribers.subscriptionsOf(subscriber).forEach(s -> out.put(s.listName(), s.status()));
        return out;
    }

    private static Subscription subscription(long subscriber, String list) {
        return app.subscribers.subscriptionsOf(subscriber).stream().filter(s -> s.listName().equals(list)).findFirst().orElseThrow();
    }

    /** Opens and clicks are written in batches: what has been recorded so far, once written. */
    private static Map<String, EventStore.Count> eventCounts() {
        app.eventBuffer.flush();
        return app.events.counts(campaign);
    }

    private static long count(String kind) {
        return eventCounts().getOrDefault(kind, new EventStore.Count(0, 0)).total();
    }

    private static String checkbox(MailingList list, boolean checked) {
        return "<input type=\"checkbox\" id=\"list-" + list.id() + "\" name=\"list\" value=\"" + list.id() + "\"" + (checked ? " checked>" : ">");
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String first(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        assertThat(m.find()).as("pattern " + regex).isTrue();
        return m.group(1);
    }

    private static HttpResponse<byte[]> pixel(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
