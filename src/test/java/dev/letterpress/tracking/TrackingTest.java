package dev.letterpress.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.App;
import dev.letterpress.TestSupport;
import dev.letterpress.db.Jdbc;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.Subscription;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The open pixel and click redirect over real HTTP, with tokens from mail really sent through GreenMail, and
 * what ends up in the events table: each test uses its own recipient, so the human/machine rules of one test
 * (timing, bursts) cannot see another's clicks.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrackingTest {
    private static final String TOKEN = "[A-Za-z0-9_-]{36}";
    private static final String SAFARI = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15";
    private static final String APPLE_MAIL = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)";
    private static final List<String> READERS = List.of("ada", "bob", "cy", "dee", "eve", "fay", "gus", "hal", "ivy", "jo", "kit", "lou");

    /** One recipient's tracked URLs: the pixel, the visible links in order, the hidden trap link. */
    record Mail(long subscriber, String pixel, List<String> clicks, String trap) {}

    @TempDir
    static Path dir;
    static GreenMail smtp;
    static App app;
    static Jdbc jdbc;
    static long campaign;
    static final Map<String, Mail> mails = new HashMap<>();
    static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void sendOneCampaign() throws Exception {
        smtp = TestSupport.greenMail();
        app = App.create(TestSupport.config(dir, smtp.getSmtp().getPort(), Map.of())).start();
        jdbc = app.db.jdbc();
        MailingList list = app.subscribers.createList("Weekly", null);
        for (String name : READERS) {
            app.subscribers.addToList(list.id(), name + "@example.com", null, Map.of(), Subscription.CONFIRMED, "test");
        }
        campaign = app.campaigns.create("Issue 1", TestSupport.demoIssue(), List.of(list.name()), null);
        TestSupport.await("campaign to finish", Duration.ofSeconds(20), () -> "finished".equals(app.campaignStore.require(campaign).status()));
        for (MimeMessage m : smtp.getReceivedMessages()) {
            String to = m.getAllRecipients()[0].toString();
            String html = (String) ((Multipart) m.getContent()).getBodyPart(1).getContent();
            String trap = first(html, "aria-hidden=\"true\"><a href=\"([^\"]+/c/" + TOKEN + ")\"");
            List<String> clicks = new ArrayList<>(new LinkedHashSet<>(all(html, "href=\"([^\"]+/c/" + TOKEN + ")\"")));
            clicks.remove(trap);
            mails.put(to.substring(0, to.indexOf('@')), new Mail(app.subscribers.findByEmail(to).orElseThrow().id(),
                    first(html, "src=\"([^\"]+/o/" + TOKEN + "\\.gif)\""), clicks, trap));
        }
        assertThat(mails).hasSize(READERS.size());
        assertThat(mails.get("ada").clicks()).hasSizeGreaterThanOrEqualTo(3);
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
    void aPersonReadingLaterIsCountedAsAPersonAndTheClickGoesToTheRegisteredLink() throws Exception {
        Mail ada = deliveredLongAgo("ada");
        assertThat(get(ada.pixel(), APPLE_MAIL).statusCode()).isEqualTo(200);
        HttpResponse<String> click = get(ada.clicks().get(0), SAFARI);
        assertThat(click.statusCode()).isEqualTo(302);
        long linkId = rows(ada).stream().filter(r -> r.kind().equals("click")).findFirst().orElseThrow().linkId();
        assertThat(click.headers().firstValue("Location")).hasValue(app.links.url(campaign, linkId).orElseThrow());
        assertThat(click.headers().firstValue("Location").orElseThrow()).startsWith("https://example.");
        // answered in front of Javalin (web.TrackingFastPath), which would have added its default text/plain;
        // with the same security headers as every page
        assertThat(click.headers().firstValue("Content-Type")).isEmpty();
        assertThat(click.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(click.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(click.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'none'");
        assertThat(rows(ada)).extracting(Row::kind, Row::human, Row::reason, Row::userAgent).containsExactly(
                tuple("open", true, MachineRules.NO_MACHINE_SIGNAL, APPLE_MAIL),
                tuple("click", true, MachineRules.NO_MACHINE_SIGNAL, SAFARI));
        EventStore.Split opens = app.events.split(campaign).get("open");
        assertThat(opens.human().total()).isGreaterThanOrEqualTo(1);
        assertThat(opens.human().unique()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theOpenPixelIsA43ByteGifThatNoCacheKeeps() throws Exception {
        Mail ivy = deliveredLongAgo("ivy");
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(ivy.pixel())).header("User-Agent", APPLE_MAIL).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).hasSize(43);
        assertThat(new String(r.body(), 0, 6, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("GIF89a");
        assertThat(r.headers().firstValue("Content-Length")).hasValue("43");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("image/gif");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store").contains("no-cache").contains("max-age=0");
        assertThat(r.headers().firstValue("Pragma")).hasValue("no-cache");
        assertThat(r.headers().firstValue("Expires")).hasValue("0");
    }

    @Test
    void aHeadRequestIsAnsweredButRecordedAsAMachine() throws Exception {
        Mail bob = deliveredLongAgo("bob");
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create(bob.clicks().get(0))).header("User-Agent", SAFARI)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(302);
        assertThat(rows(bob)).extracting(Row::kind, Row::human, Row::reason).containsExactly(tuple("click", false, MachineRules.HEAD_REQUEST));
    }

    @Test
    void aHeadRequestForThePixelIsAnsweredWithoutABodyAndRecordedAsAMachine() throws Exception {
        Mail kit = deliveredLongAgo("kit");
        HttpResponse<byte[]> head = http.send(HttpRequest.newBuilder(URI.create(kit.pixel())).header("User-Agent", SAFARI)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Type")).hasValue("image/gif");
        assertThat(head.headers().firstValue("Content-Length")).hasValue("43");
        assertThat(rows(kit)).extracting(Row::kind, Row::human, Row::reason).containsExactly(tuple("open", false, MachineRules.HEAD_REQUEST));
    }

    @Test
    void aScannerUserAgentIsAMachine() throws Exception {
        Mail cy = deliveredLongAgo("cy");
        assertThat(get(cy.clicks().get(1), "Mimecast URL Protect").statusCode()).isEqualTo(302);
        assertThat(rows(cy)).extracting(Row::human, Row::reason).containsExactly(tuple(false, MachineRules.SCANNER_USER_AGENT));
    }

    @Test
    void applesPrivacyProxyIsRecognisedByItsBareAgentAndByItsAddressBehindALocalProxy() throws Exception {
        Mail dee = deliveredLongAgo("dee");
        assertThat(get(dee.pixel(), "Mozilla/5.0").statusCode()).isEqualTo(200);
        // a local reverse proxy tells us the client's address; the request comes from 127.0.0.1, so it counts
        assertThat(http.send(HttpRequest.newBuilder(URI.create(dee.pixel())).header("User-Agent", APPLE_MAIL)
                .header("X-Forwarded-For", "203.0.113.7, 17.58.100.3").GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        // the same agent from an address that is not Apple's is a person
        assertThat(http.send(HttpRequest.newBuilder(URI.create(dee.pixel())).header("User-Agent", APPLE_MAIL)
                .header("X-Forwarded-For", "203.0.113.7").GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(rows(dee)).extracting(Row::human, Row::reason).containsExactly(tuple(false, MachineRules.APPLE_PRIVACY_PROXY),
                tuple(false, MachineRules.APPLE_PRIVACY_PROXY), tuple(true, MachineRules.NO_MACHINE_SIGNAL));
    }

    @Test
    void theHiddenTrapLinkMarksAMachineAndRedirectsNowhere() throws Exception {
        Mail eve = deliveredLongAgo("eve");
        HttpResponse<String> trap = get(eve.trap(), SAFARI);
        assertThat(trap.statusCode()).isEqualTo(204);
        assertThat(trap.headers().firstValue("Location")).isEmpty();
        assertThat(rows(eve)).extracting(Row::kind, Row::human, Row::reason).containsExactly(tuple("click", false, MachineRules.TRAP_LINK));
    }

    @Test
    void everyLinkClickedAtOnceMakesAllOfThemMachineClicks() throws Exception {
        Mail fay = deliveredLongAgo("fay");
        assertThat(get(fay.clicks().get(0), SAFARI).statusCode()).isEqualTo(302);
        app.eventBuffer.flush(); // the first is written as a person's before the burst shows
        assertThat(rows(fay)).extracting(Row::human).containsExactly(true);
        assertThat(get(fay.clicks().get(1), SAFARI).statusCode()).isEqualTo(302);
        assertThat(get(fay.clicks().get(2), SAFARI).statusCode()).isEqualTo(302);
        assertThat(rows(fay)).hasSize(3).allSatisfy(r -> {
            assertThat(r.human()).isFalse();
            assertThat(r.reason()).isEqualTo(MachineRules.ALL_LINKS_AT_ONCE);
        });
    }

    /**
     * The event writer skips marking a ledger row that was already marked when its batch began; a reader's repeat
     * opens in later batches, and a burst that re-labels a click already marked human, still leave the row's marks
     * equal to what the events say (and the last test checks the unique counts against the events).
     */
    @Test
    void repeatOpensInLaterBatchesAndABurstAfterAMarkedClickLeaveTheLedgerMarksRight() throws Exception {
        Mail jo = deliveredLongAgo("jo");
        for (int i = 0; i < 3; i++) {
            assertThat(get(jo.pixel(), SAFARI).statusCode()).isEqualTo(200);
            app.eventBuffer.flush();
        }
        assertThat(get(jo.clicks().get(0), SAFARI).statusCode()).isEqualTo(302);
        app.eventBuffer.flush();
        assertThat(marks(jo)).containsExactly(true, false, true, false);
        assertThat(get(jo.clicks().get(1), SAFARI).statusCode()).isEqualTo(302);
        assertThat(get(jo.clicks().get(2), SAFARI).statusCode()).isEqualTo(302);
        app.eventBuffer.flush();
        assertThat(rows(jo)).extracting(Row::kind, Row::human).containsExactly(tuple("open", true), tuple("open", true),
                tuple("open", true), tuple("click", false), tuple("click", false), tuple("click", false));
        // opened by a person; every click now a machine's, none a person's
        assertThat(marks(jo)).containsExactly(true, false, false, true);
    }

    /**
     * A burst re-labels only the clicks of its own two seconds: a person's click from an hour before stays theirs,
     * and so does the person's mark on the ledger row (decided from clicked_human_at, not from the reader's events).
     */
    @Test
    void aPersonsClickFromBeforeABurstStaysAPersons() throws Exception {
        Mail lou = deliveredLongAgo("lou");
        assertThat(lou.clicks()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(get(lou.clicks().get(0), SAFARI).statusCode()).isEqualTo(302);
        app.eventBuffer.flush();
        Instant firstAt = jdbc.query("SELECT clicked_human_at FROM deliveries WHERE campaign_id = ? AND subscriber_id = ?",
                rs -> rs.getObject(1, java.time.OffsetDateTime.class).toInstant(), campaign, lou.subscriber()).get(0);
        assertThat(firstAt).isEqualTo(jdbc.query("SELECT created_at FROM events WHERE campaign_id = ? AND subscriber_id = ?",
                rs -> rs.getObject(1, java.time.OffsetDateTime.class).toInstant(), campaign, lou.subscriber()).get(0));
        // that click an hour ago
        jdbc.update("UPDATE events SET created_at = created_at - INTERVAL '1' HOUR WHERE campaign_id = ? AND subscriber_id = ?", campaign, lou.subscriber());
        jdbc.update("UPDATE deliveries SET clicked_human_at = clicked_human_at - INTERVAL '1' HOUR WHERE campaign_id = ? AND subscriber_id = ?", campaign, lou.subscriber());
        for (int i = 1; i <= 3; i++) {
            assertThat(get(lou.clicks().get(i), SAFARI).statusCode()).isEqualTo(302);
        }
        assertThat(rows(lou)).extracting(Row::human).containsExactly(true, false, false, false);
        assertThat(marks(lou)).containsExactly(false, false, true, true);
    }

    private static List<Boolean> marks(Mail m) {
        return jdbc.query("SELECT opened_human, opened_machine, clicked_human, clicked_machine FROM deliveries WHERE campaign_id = ? AND subscriber_id = ?",
                rs -> List.of(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4)), campaign, m.subscriber()).get(0);
    }

    @Test
    void opensAndClicksRightAtDeliveryAreMachines() throws Exception {
        Mail gus = mails.get("gus");
        jdbc.update("UPDATE deliveries SET updated_at = ? WHERE campaign_id = ? AND subscriber_id = ?", Instant.now(), campaign, gus.subscriber());
        assertThat(get(gus.pixel(), APPLE_MAIL).statusCode()).isEqualTo(200);
        assertThat(get(gus.clicks().get(0), SAFARI).statusCode()).isEqualTo(302);
        assertThat(rows(gus)).extracting(Row::human, Row::reason).containsExactly(
                tuple(false, MachineRules.OPENED_AT_DELIVERY),
                tuple(false, MachineRules.CLICKED_AT_DELIVERY));
    }

    @Test
    void aDoNotTrackReaderIsCountedWithoutBeingStored() throws Exception {
        Mail hal = deliveredLongAgo("hal");
        jdbc.update("UPDATE subscribers SET do_not_track = TRUE WHERE id = ?", hal.subscriber());
        long anonymousBefore = anonymous();
        assertThat(get(hal.pixel(), APPLE_MAIL).statusCode()).isEqualTo(200);
        assertThat(get(hal.clicks().get(0), SAFARI).statusCode()).isEqualTo(302);
        app.eventBuffer.flush();
        assertThat(rows(hal)).isEmpty();
        assertThat(anonymous()).isEqualTo(anonymousBefore + 2);
        List<Row> anonymousRows = jdbc.query("SELECT kind, human, reason, user_agent, link_id FROM events WHERE campaign_id = ? AND subscriber_id IS NULL ORDER BY id",
                TrackingTest::row, campaign);
        assertThat(anonymousRows).extracting(Row::userAgent).containsOnlyNulls();
        assertThat(anonymousRows).extracting(Row::human).contains(true);

        // a burst of theirs: its click is a machine's, still without them, and their ledger row gets no mark
        assertThat(get(hal.clicks().get(1), SAFARI).statusCode()).isEqualTo(302);
        assertThat(get(hal.clicks().get(2), SAFARI).statusCode()).isEqualTo(302);
        app.eventBuffer.flush();
        assertThat(rows(hal)).isEmpty();
        assertThat(jdbc.query("SELECT reason FROM events WHERE campaign_id = ? AND subscriber_id IS NULL ORDER BY id DESC",
                rs -> rs.getString(1), campaign).get(0)).isEqualTo(MachineRules.ALL_LINKS_AT_ONCE);
        assertThat(marks(hal)).containsExactly(false, false, false, false);
    }

    @Test
    void badTokensUnknownLinksAndTargetParametersAre4xxAndWriteNothing() throws Exception {
        Mail ivy = mails.get("ivy");
        app.eventBuffer.flush();
        long before = jdbc.count("SELECT COUNT(*) FROM events");
        String click = ivy.clicks().get(0);
        String clickToken = click.substring(click.lastIndexOf('/') + 1);
        String pixelToken = ivy.pixel().substring(ivy.pixel().lastIndexOf('/') + 1).replace(".gif", "");
        String base = app.config.http().publicBaseUrl().toString();
        // a validly signed token for a link id this campaign never registered
        assertThat(get(app.urls.click(campaign, ivy.subscriber(), 4_000_000_000L), SAFARI).statusCode()).isEqualTo(404);
        // a URL parameter trying to choose the target
        assertThat(get(click + "?url=https://evil.example", SAFARI).statusCode()).isEqualTo(400);
        assertThat(get(click + "?to=https%3A%2F%2Fevil.example&x=1", SAFARI).statusCode()).isEqualTo(400);
        // tampered, truncated, forged, wrong purpose
        char last = clickToken.charAt(35);
        assertThat(get(base + "/c/" + clickToken.substring(0, 35) + (last == 'A' ? 'B' : 'A'), SAFARI).statusCode()).isEqualTo(404);
        assertThat(get(base + "/c/" + clickToken.substring(0, 30), SAFARI).statusCode()).isEqualTo(404);
        assertThat(get(base + "/c/" + "Q".repeat(36), SAFARI).statusCode()).isEqualTo(404);
        assertThat(get(base + "/c/" + pixelToken, SAFARI).statusCode()).isEqualTo(404);
        assertThat(get(base + "/o/" + clickToken + ".gif", SAFARI).statusCode()).isEqualTo(404);
        assertThat(get(base + "/o/" + pixelToken.substring(1) + ".gif", SAFARI).statusCode()).isEqualTo(404);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/c/" + "Q".repeat(36))).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
        app.eventBuffer.flush();
        assertThat(jdbc.count("SELECT COUNT(*) FROM events")).isEqualTo(before);
    }

    /**
     * Runs last, after the other tests' people, machines, bursts and anonymous readers: the report rollups equal
     * what the events table holds, counted the slow way.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void theReportRollupsEqualTheEventsCountedTheSlowWay() {
        app.eventBuffer.flush();
        CampaignStats stats = new CampaignStats(jdbc);
        CampaignStats.Totals totals = stats.totals(campaign);
        String count = "SELECT COUNT(*) FROM events WHERE campaign_id = ? AND kind = ? AND human = ?";
        String distinct = "SELECT COUNT(DISTINCT e.subscriber_id) FROM events e JOIN deliveries d ON d.campaign_id = e.campaign_id"
                + " AND d.subscriber_id = e.subscriber_id WHERE e.campaign_id = ? AND e.kind = ? AND e.human = ?";
        List<CampaignStats.Count> fromRollups = List.of(totals.humanOpens(), totals.machineOpens(), totals.humanClicks(), totals.machineClicks());
        List<CampaignStats.Count> counted = new ArrayList<>();
        for (String kind : List.of("open", "click")) {
            for (boolean human : new boolean[] {true, false}) {
                counted.add(new CampaignStats.Count(jdbc.count(count, campaign, kind, human), jdbc.count(distinct, campaign, kind, human)));
            }
        }
        assertThat(fromRollups).isEqualTo(counted);
        // the other tests made each of the four kinds, and a burst moved a person's click to the machines'
        assertThat(fromRollups).allSatisfy(c -> assertThat(c.events()).isPositive());
        assertThat(totals.machineClicks().recipients()).isLessThan(totals.machineClicks().events());

        List<CampaignStats.Hour> hours = stats.timeline(campaign);
        assertThat(hours).isNotEmpty();
        assertThat(hours.stream().mapToLong(CampaignStats.Hour::humanClicks).sum()).isEqualTo(totals.humanClicks().events());
        assertThat(hours.stream().mapToLong(CampaignStats.Hour::machineOpens).sum()).isEqualTo(totals.machineOpens().events());

        Map<Long, Long> perLink = new HashMap<>();
        jdbc.query("SELECT link_id, COUNT(*) FROM events WHERE campaign_id = ? AND kind = 'click' AND link_id IS NOT NULL GROUP BY link_id",
                rs -> perLink.put(rs.getLong(1), rs.getLong(2)), campaign);
        List<CampaignStats.LinkClicks> top = stats.topLinks(campaign, 100);
        assertThat(top).extracting(CampaignStats.LinkClicks::linkId, CampaignStats.LinkClicks::total)
                .containsExactlyInAnyOrderElementsOf(perLink.entrySet().stream()
                        .map(e -> tuple(e.getKey(), e.getValue())).toList());
        assertThat(top.get(0).url()).startsWith("https://");
    }

    // ---- helpers -------------------------------------------------------------------------------

    record Row(String kind, Boolean human, String reason, String userAgent, Long linkId) {}

    /** Pretends the reader's message was delivered an hour ago, so the at-delivery rules cannot fire. */
    private static Mail deliveredLongAgo(String reader) {
        Mail m = mails.get(reader);
        jdbc.update("UPDATE deliveries SET updated_at = ? WHERE campaign_id = ? AND subscriber_id = ?",
                Instant.now().minus(Duration.ofHours(1)), campaign, m.subscriber());
        return m;
    }

    private static List<Row> rows(Mail m) {
        app.eventBuffer.flush();
        return jdbc.query("SELECT kind, human, reason, user_agent, link_id FROM events WHERE campaign_id = ? AND subscriber_id = ? ORDER BY id",
                TrackingTest::row, campaign, m.subscriber());
    }

    private static Row row(java.sql.ResultSet rs) throws java.sql.SQLException {
        boolean human = rs.getBoolean("human");
        Boolean h = rs.wasNull() ? null : human;
        return new Row(rs.getString("kind"), h, rs.getString("reason"), rs.getString("user_agent"), Jdbc.nullableLong(rs, "link_id"));
    }

    private static long anonymous() {
        app.eventBuffer.flush();
        return app.events.split(campaign).values().stream().mapToLong(EventStore.Split::anonymous).sum();
    }

    private static HttpResponse<String> get(String url, String agent) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("User-Agent", agent).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String first(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        assertThat(m.find()).as("pattern " + regex).isTrue();
        return m.group(1);
    }

    private static List<String> all(String s, String regex) {
        return Pattern.compile(regex).matcher(s).results().map(r -> r.group(1)).toList();
    }
}
