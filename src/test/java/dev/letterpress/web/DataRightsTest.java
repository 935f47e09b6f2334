package dev.letterpress.web;

import static dev.letterpress.web.WebClient.first;
import static dev.letterpress.web.WebClient.get;
import static dev.letterpress.web.WebClient.mailTo;
import static dev.letterpress.web.WebClient.parts;
import static dev.letterpress.web.WebClient.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.App;
import dev.letterpress.TestSupport;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.Subscription;
import dev.letterpress.tracking.EventStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The preference centre's data rights over real HTTP after a real send: download, erase, pause, do not track,
 * and the consent record every change leaves. Each test works on its own subscriber.
 */
class DataRightsTest {
    private static final List<String> PEOPLE = List.of("ada", "bob", "cy", "dee", "eve", "fay", "gil");

    @TempDir
    static Path dir;
    static GreenMail smtp;
    static App app;
    static String base;
    static MailingList weekly;
    static MailingList events;
    static long campaign;
    static final Map<String, Long> ids = new LinkedHashMap<>();

    @BeforeAll
    static void sendOneCampaign() throws Exception {
        smtp = TestSupport.greenMail();
        app = App.create(TestSupport.config(dir, smtp.getSmtp().getPort(), Map.of())).start();
        base = app.config.http().publicBaseUrl().toString();
        weekly = app.subscribers.createList("Weekly", null);
        events = app.subscribers.createList("Events", null);
        for (String p : PEOPLE) {
            ids.put(p, app.subscribers.addToList(weekly.id(), p + "@example.com", p.toUpperCase() + " Person", Map.of("city", "Berlin"),
                    Subscription.CONFIRMED, "test").id());
            app.subscribers.addToList(events.id(), p + "@example.com", null, Map.of(), Subscription.CONFIRMED, "test");
        }
        campaign = send("Issue 1");
        assertThat(deliveries(campaign)).isEqualTo(PEOPLE.size());
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
    void theDownloadHoldsProfileSubscriptionsConsentDeliveriesAndEvents() throws Exception {
        long ada = ids.get("ada");
        assertThat(get(app.urls.open(campaign, ada)).statusCode()).isEqualTo(200);
        // written before she opts out of tracking: the buffer applies do-not-track as it writes, so an open still
        // queued when the choice is made would be stored without her (on purpose: the choice wins at once)
        app.eventBuffer.flush();
        post(prefs(ada), "action=save&name=Ada&list=" + weekly.id() + "&list=" + events.id() + "&dnt=on&pause=none");

        // the preferences link travels in every forwarded issue: asking sends a link to ada's own address instead
        HttpResponse<String> asked = post(prefs(ada) + "/export", "");
        assertThat(asked.statusCode()).isEqualTo(200);
        assertThat(asked.body()).contains("Check your inbox").contains("a•••@example.com").doesNotContain("ada@example.com");
        String link = dataLink("ada@example.com", "Your data from");
        assertThat(post(prefs(ada) + "/export", "").body()).as("no second mail within minutes").contains("a few minutes ago");
        assertThat(dataMails("ada@example.com")).hasSize(1);

        HttpResponse<String> page = get(link);
        assertThat(page.statusCode()).as("a GET (a scanner) shows the button, downloads nothing").isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("id=\"export-button\"").doesNotContain("erase-button");
        assertThat(post(link, "", "Origin", "https://evil.example").statusCode()).isEqualTo(403);
        HttpResponse<String> r = post(link, "");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(r.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode data = new ObjectMapper().readTree(r.body());
        assertThat(data.at("/profile/email").asText()).isEqualTo("ada@example.com");
        assertThat(data.at("/profile/name").asText()).isEqualTo("Ada");
        assertThat(data.at("/profile/attributes/city").asText()).isEqualTo("Berlin");
        assertThat(data.at("/profile/doNotTrack").asBoolean()).isTrue();
        assertThat(data.get("subscriptions")).hasSize(2);
        assertThat(data.get("consentRecords").findValuesAsText("action")).contains("do-not-track");
        assertThat(data.at("/deliveries/0/campaign").asText()).isEqualTo("Issue 1");
        assertThat(data.at("/deliveries/0/state").asText()).isEqualTo("sent");
        assertThat(data.get("events").findValuesAsText("kind")).contains("open");
        assertThat(get(prefs(ada) + "/export").statusCode()).as("a GET (a scanner) downloads nothing").isEqualTo(404);

        // a tampered, a wrong-purpose or an expired link does nothing
        String token = link.substring(link.lastIndexOf('/') + 1);
        String tampered = link.substring(0, link.length() - 1) + (token.endsWith("A") ? "B" : "A");
        assertThat(post(tampered, "").statusCode()).isEqualTo(404);
        assertThat(post(base + "/d/" + prefs(ada).substring(prefs(ada).lastIndexOf('/') + 1), "").statusCode()).isEqualTo(404);
        String old = base + "/d/" + app.tokens.encode(new dev.letterpress.tracking.Token(dev.letterpress.tracking.Token.Purpose.DATA,
                System.currentTimeMillis() / 60_000 - 61, ada, 1));
        HttpResponse<String> expired = post(old, "");
        assertThat(expired.statusCode()).isEqualTo(404);
        assertThat(expired.body()).contains("older than 60 minutes");
    }

    @Test
    void theDownloadHoldsWhatTheSuppressionListAndTheSoftBounceCountKeepAboutTheAddress() throws Exception {
        long hal = app.subscribers.addToList(weekly.id(), "Hal@Example.com", "Hal", Map.of(), Subscription.CONFIRMED, "test").id();
        Map<String, Object> before = app.dataRights.export(hal);
        assertThat(before).containsEntry("suppression", null).containsEntry("softBounces", null);
        try (var c = app.db.dataSource().getConnection(); var st = c.prepareStatement(
                "INSERT INTO soft_bounces (email_key, campaigns, last_campaign_id, last_detail, updated_at) VALUES (?, 2, ?, ?, CURRENT_TIMESTAMP)")) {
            st.setString(1, "hal@example.com");
            st.setLong(2, campaign);
            st.setString(3, "452 4.2.2 mailbox full");
            st.executeUpdate();
        }
        assertThat(app.subscribers.suppress("hal@example.com", "complaint", "feedback loop report")).isTrue();
        Map<String, Object> after = app.dataRights.export(hal);
        assertThat(after.get("suppression")).isEqualTo(Map.of("reason", "complaint", "detail", "feedback loop report",
                "at", ((Map<?, ?>) after.get("suppression")).get("at")));
        assertThat((Map<String, Object>) after.get("softBounces")).containsEntry("campaigns", 2).containsEntry("lastCampaignId", campaign)
                .containsEntry("lastDetail", "452 4.2.2 mailbox full");
        app.dataRights.erase(hal, "test", null);
        Map<String, Object> erased = app.dataRights.export(hal);
        assertThat(erased).as("erasure removed both").containsEntry("suppression", null).containsEntry("softBounces", null);
    }

    @Test
    void erasingNeedsTheTickAndThenLeavesCountsButNoPerson() throws Exception {
        long bob = ids.get("bob");
        get(app.urls.open(campaign, bob));
        app.eventBuffer.flush(); // opens are written in batches; the counts below read the table
        Map<String, EventStore.Count> countsBefore = app.events.counts(campaign);

        HttpResponse<String> unticked = post(prefs(bob) + "/erase", "");
        assertThat(unticked.statusCode()).isEqualTo(400);
        assertThat(unticked.body()).contains("I understand that erasing cannot be undone").contains("nothing was erased");
        assertThat(app.subscribers.findById(bob).orElseThrow().email()).isEqualTo("bob@example.com");

        app.db.jdbc().update("INSERT INTO soft_bounces (email_key, campaigns, last_campaign_id, last_detail, updated_at) VALUES (?, 1, ?, '552 5.2.2 full', ?)",
                "bob@example.com", campaign, Instant.now());
        HttpResponse<String> asked = post(prefs(bob) + "/erase", "confirm=yes");
        assertThat(asked.statusCode()).isEqualTo(200);
        assertThat(asked.body()).contains("Check your inbox");
        assertThat(app.subscribers.findById(bob).orElseThrow().email()).as("nothing erased before the mailed link").isEqualTo("bob@example.com");
        String eraseLink = dataLink("bob@example.com", "Erase your data");
        assertThat(get(eraseLink).body()).contains("id=\"erase-button\"");
        assertThat(app.subscribers.findById(bob).orElseThrow().email()).as("a GET erases nothing").isEqualTo("bob@example.com");
        HttpResponse<String> erased = post(eraseLink, "");
        assertThat(erased.statusCode()).isEqualTo(200);
        assertThat(erased.body()).contains("Your data is erased");
        assertThat(post(eraseLink, "").statusCode()).as("the link is spent with its subscriber").isEqualTo(404);

        var row = app.subscribers.findById(bob).orElseThrow();
        assertThat(row.email()).doesNotContain("bob").endsWith("@erased.invalid");
        assertThat(row.name()).isNull();
        assertThat(row.attributes()).isEmpty();
        assertThat(app.subscribers.findByEmail("bob@example.com")).isEmpty();
        assertThat(app.subscribers.subscriptionsOf(bob)).extracting(Subscription::status).containsOnly(Subscription.UNSUBSCRIBED);
        assertThat(app.events.counts(campaign).get("open").total()).as("opens still counted").isEqualTo(countsBefore.get("open").total());
        var jdbc = app.db.jdbc();
        assertThat(jdbc.count("SELECT COUNT(*) FROM events WHERE subscriber_id = ?", bob)).isZero();
        assertThat(jdbc.count("SELECT COUNT(*) FROM deliveries WHERE email = 'bob@example.com'")).isZero();
        assertThat(jdbc.count("SELECT COUNT(*) FROM deliveries WHERE subscriber_id = ? AND state = 'sent'", bob)).as("ledger rows stay").isPositive();
        assertThat(jdbc.count("SELECT COUNT(*) FROM suppressions WHERE email_key LIKE '%bob%'")).isZero();
        assertThat(jdbc.count("SELECT COUNT(*) FROM soft_bounces WHERE email_key LIKE '%bob%'")).isZero();
        assertThat(app.dataRights.wasErased("Bob@example.com")).isTrue();
        assertThat(app.consent.of(bob)).extracting(r -> r.get("action")).contains("erase");
        assertThat(app.consent.of(bob)).extracting(r -> r.get("ipHash")).containsOnlyNulls();

        assertThat(get(prefs(bob)).statusCode()).isEqualTo(404);
        assertThat(get(app.urls.unsubscribe(campaign, bob, weekly.id())).statusCode()).isEqualTo(404);
        assertThat(post(prefs(bob) + "/export", "").statusCode()).isEqualTo(404);

        // Bob may come back through the form: a fresh double opt-in, which lifts the erasure marker
        assertThat(post(app.signup.formUrl(weekly), "email=bob%40example.com").statusCode()).isEqualTo(200);
        TestSupport.await("a confirmation mail to bob", Duration.ofSeconds(10), () -> confirmMail("bob@example.com") != null);
        String link = first(parts(confirmMail("bob@example.com"))[0], "(http\\S+/confirm/\\S{36})");
        assertThat(post(link, "").statusCode()).isEqualTo(200);
        long newBob = app.subscribers.findByEmail("bob@example.com").orElseThrow().id();
        assertThat(newBob).isNotEqualTo(bob);
        assertThat(app.dataRights.wasErased("bob@example.com")).isFalse();
    }

    @Test
    void aPausedSubscriberIsLeftOutOfTheNextSendUntilTheyResume() throws Exception {
        long cy = ids.get("cy");
        HttpResponse<String> saved = post(prefs(cy), "action=save&name=Cy&list=" + weekly.id() + "&list=" + events.id() + "&pause=30");
        assertThat(saved.statusCode()).isEqualTo(200);
        assertThat(saved.body()).contains("Your email is paused until").contains("id=\"pause-keep\" name=\"pause\" value=\"keep\" checked");
        Instant until = app.dataRights.settings(cy).pausedUntil();
        assertThat(until).isBetween(Instant.now().plus(Duration.ofDays(29)), Instant.now().plus(Duration.ofDays(31)));
        assertThat(statuses(cy)).containsOnly(Subscription.CONFIRMED);

        long second = send("Issue 2");
        assertThat(app.db.jdbc().count("SELECT COUNT(*) FROM deliveries WHERE campaign_id = ? AND subscriber_id = ?", second, cy)).isZero();
        assertThat(deliveries(second)).isPositive();

        HttpResponse<String> resumed = post(prefs(cy), "action=save&name=Cy&list=" + weekly.id() + "&pause=none");
        assertThat(resumed.body()).doesNotContain("Your email is paused");
        assertThat(app.dataRights.settings(cy).pausedUntil()).isNull();
        assertThat(app.consent.of(cy)).extracting(r -> r.get("action")).contains("pause", "resume", "unsubscribe");

        post(prefs(cy), "action=save&name=Cy&list=" + weekly.id() + "&pause=indefinite");
        assertThat(get(prefs(cy)).body()).contains("paused until you resume it");
        post(prefs(cy), "action=save&name=Cy&list=" + weekly.id() + "&pause=none");
    }

    @Test
    void doNotTrackIsSavedAndRecorded() throws Exception {
        long dee = ids.get("dee");
        assertThat(get(prefs(dee)).body()).contains("id=\"dnt\" name=\"dnt\" value=\"on\">");
        post(prefs(dee), "action=save&name=Dee&list=" + weekly.id() + "&list=" + events.id() + "&dnt=on");
        assertThat(app.dataRights.settings(dee).doNotTrack()).isTrue();
        assertThat(get(prefs(dee)).body()).contains("id=\"dnt\" name=\"dnt\" value=\"on\" checked>");
        assertThat(app.consent.of(dee)).extracting(r -> r.get("action")).containsExactly("do-not-track");
        assertThat(app.consent.of(dee)).extracting(r -> r.get("source")).containsExactly("preferences page: on");
    }

    @Test
    void aPostFromAnotherSiteIsRefusedAndChangesNothing() throws Exception {
        long eve = ids.get("eve");
        HttpResponse<String> r = post(prefs(eve), "action=leave", "Origin", "https://evil.example");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(post(prefs(eve) + "/erase", "confirm=yes", "Origin", "https://evil.example").statusCode()).isEqualTo(403);
        assertThat(post(prefs(eve) + "/erase", "confirm=yes", "Sec-Fetch-Site", "cross-site", "Origin", "null").statusCode()).isEqualTo(403);
        assertThat(statuses(eve)).containsOnly(Subscription.CONFIRMED);
        assertThat(app.subscribers.findById(eve).orElseThrow().email()).isEqualTo("eve@example.com");
        assertThat(post(prefs(eve), "action=save&name=Eve&list=" + weekly.id() + "&list=" + events.id(), "Origin", base).statusCode()).isEqualTo(200);
        assertThat(post(prefs(eve), "action=save&name=Eve&list=" + weekly.id() + "&list=" + events.id(),
                "Origin", "null", "Sec-Fetch-Site", "same-origin").statusCode()).as("our own page under no-referrer").isEqualTo(200);
    }

    /** A bounced or complained address gets no data mail (the page says why); no public form takes a multipart body. */
    @Test
    void aSuppressedAddressGetsNoDataMailAndFormsRefuseUploads() throws Exception {
        long gil = ids.get("gil");
        app.subscribers.suppress("gil@example.com", "hard-bounce", "550 5.1.1 test");
        HttpResponse<String> asked = post(prefs(gil) + "/export", "");
        assertThat(asked.statusCode()).isEqualTo(409);
        assertThat(asked.body()).contains("We cannot email this address");
        Thread.sleep(300);
        assertThat(dataMails("gil@example.com")).isEmpty();

        String boundary = "----lp" + System.nanoTime();
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\nleave\r\n--" + boundary + "--\r\n";
        HttpResponse<String> upload = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(prefs(gil)))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(multipart)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(upload.statusCode()).isEqualTo(415);
        assertThat(statuses(gil)).containsOnly(Subscription.CONFIRMED);
    }

    @Test
    void everyUnsubscribeAndUndoLeavesAConsentRecord() throws Exception {
        long fay = ids.get("fay");
        String unsubscribe = app.urls.unsubscribe(campaign, fay, weekly.id());
        assertThat(post(unsubscribe, "List-Unsubscribe=One-Click").statusCode()).isEqualTo(200);
        assertThat(post(unsubscribe, "List-Unsubscribe=One-Click").statusCode()).as("idempotent").isEqualTo(200);
        // a mail client's one-click shows no page and offers no undo: the page's undo only reverts the page's own unsubscribe
        assertThat(post(unsubscribe + "/undo?scope=list", "").statusCode()).isEqualTo(409);
        app.subscribers.setStatus(weekly.id(), fay, Subscription.CONFIRMED, "test");
        assertThat(post(unsubscribe, "scope=list").statusCode()).isEqualTo(200);
        assertThat(post(unsubscribe + "/undo?scope=list", "").statusCode()).isEqualTo(200);
        assertThat(post(unsubscribe, "scope=all").statusCode()).isEqualTo(200);
        var records = app.consent.of(fay);
        assertThat(records).extracting(r -> r.get("action")).containsExactly("unsubscribe", "unsubscribe", "resubscribe", "unsubscribe");
        assertThat(records).extracting(r -> r.get("source")).containsExactly("one-click (RFC 8058): this list",
                "unsubscribe page: this list", "unsubscribe page: undo", "unsubscribe page: everything");
        assertThat(records).extracting(r -> r.get("list")).containsExactly("Weekly", "Weekly", "Weekly", null);
    }

    private static long send(String name) {
        long id = app.campaigns.create(name, TestSupport.demoIssue(), List.of(weekly.name()), null);
        TestSupport.await("campaign " + id + " to finish", Duration.ofSeconds(20),
                () -> "finished".equals(app.campaignStore.require(id).status()));
        return id;
    }

    private static long deliveries(long campaign) {
        return app.db.jdbc().count("SELECT COUNT(*) FROM deliveries WHERE campaign_id = ?", campaign);
    }

    private static String prefs(long subscriber) {
        return app.urls.preferences(campaign, subscriber);
    }

    private static List<String> statuses(long subscriber) {
        return app.subscribers.subscriptionsOf(subscriber).stream().map(Subscription::status).toList();
    }

    /** The mails with a data link sent to {@code to}. */
    private static List<jakarta.mail.internet.MimeMessage> dataMails(String to) {
        try {
            List<jakarta.mail.internet.MimeMessage> found = new java.util.ArrayList<>();
            for (var m : mailTo(smtp, to, 0)) {
                if (m.getSubject().startsWith("Your data from") || m.getSubject().startsWith("Erase your data")) {
                    found.add(m);
                }
            }
            return found;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The data link in the mail to {@code to} whose subject starts with {@code subject}. */
    private static String dataLink(String to, String subject) throws Exception {
        TestSupport.await("a data mail to " + to, Duration.ofSeconds(10), () -> dataMails(to).stream().anyMatch(m -> subjectOf(m).startsWith(subject)));
        var mail = dataMails(to).stream().filter(m -> subjectOf(m).startsWith(subject)).findFirst().orElseThrow();
        return first(parts(mail)[0], "(http\\S+/d/\\S{36,})");
    }

    private static String subjectOf(jakarta.mail.internet.MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static jakarta.mail.internet.MimeMessage confirmMail(String to) {
        try {
            for (var m : mailTo(smtp, to, 0)) {
                if (m.getSubject().startsWith("Please confirm")) {
                    return m;
                }
            }
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
