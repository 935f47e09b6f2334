package dev.letterpress.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.App;
import dev.letterpress.PostgresSupport;
import dev.letterpress.TestSupport;
import dev.letterpress.config.Config;
import dev.letterpress.subscriber.Subscription;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-recipient local time: each ledger row's instant is the campaign's local time in the subscriber's zone (or the
 * fallback zone), zones whose time has come are sent at once, the rest wait in the ledger, not in a thread, and come
 * out when their time comes, also across a restart; on H2 and PostgreSQL.
 */
class TimewarpTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @TempDir
    Path dir;
    GreenMail smtp;

    @BeforeEach
    void startSmtp() {
        smtp = TestSupport.greenMail();
    }

    @AfterEach
    void stopSmtp() {
        smtp.stop();
    }

    @Test
    void eachZoneGetsTheLocalTimeAsJavaTimeDoesAcrossDaylightSavingChanges() {
        LocalSendTime december = new LocalSendTime(LocalDateTime.parse("2026-12-01T09:00"), NEW_YORK);
        assertThat(december.instantFor("Pacific/Kiritimati")).isEqualTo(Instant.parse("2026-11-30T19:00:00Z"));
        assertThat(december.instantFor("Europe/Berlin")).isEqualTo(Instant.parse("2026-12-01T08:00:00Z"));
        assertThat(december.instantFor("America/Los_Angeles")).isEqualTo(Instant.parse("2026-12-01T17:00:00Z"));
        assertThat(december.instantFor(" Europe/Berlin ")).as("surrounding spaces").isEqualTo(Instant.parse("2026-12-01T08:00:00Z"));
        // not IANA zones: the fallback (New York, UTC-5 in December)
        for (String bad : new String[] {null, "", "Mars/Olympus", "europe/berlin", "+02:00", "UTC+3", "garbage"}) {
            assertThat(december.instantFor(bad)).as("zone attribute %s", bad).isEqualTo(Instant.parse("2026-12-01T14:00:00Z"));
        }
        assertThat(december.first()).isEqualTo(Instant.parse("2026-11-30T19:00:00Z"));
        assertThat(december.last()).isEqualTo(Instant.parse("2026-12-01T21:00:00Z"));

        // 02:30 on 28 March 2027 does not exist in Berlin (02:00 -> 03:00): it moves forward by the gap, to 03:30 CEST
        LocalSendTime gap = new LocalSendTime(LocalDateTime.parse("2027-03-28T02:30"), NEW_YORK);
        assertThat(gap.instantFor("Europe/Berlin")).isEqualTo(Instant.parse("2027-03-28T01:30:00Z"));
        assertThat(gap.instantFor("America/Los_Angeles")).as("already PDT").isEqualTo(Instant.parse("2027-03-28T09:30:00Z"));
        // 02:30 on 14 March 2027 does not exist in New York either: 03:30 EDT
        assertThat(new LocalSendTime(LocalDateTime.parse("2027-03-14T02:30"), BERLIN).instantFor("America/New_York"))
                .isEqualTo(Instant.parse("2027-03-14T07:30:00Z"));
        // 02:30 on 25 October 2026 happens twice in Berlin: the earlier one, still CEST
        assertThat(new LocalSendTime(LocalDateTime.parse("2026-10-25T02:30"), NEW_YORK).instantFor("Europe/Berlin"))
                .isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
    }

    @Test
    void theFreezeGivesEveryRecipientTheInstantOfTheirZoneOnH2() {
        freezeGivesEveryRecipientTheirInstant(Map.of());
    }

    @Test
    void theFreezeGivesEveryRecipientTheInstantOfTheirZoneOnPostgres() {
        freezeGivesEveryRecipientTheirInstant(postgres());
    }

    private void freezeGivesEveryRecipientTheirInstant(Map<String, String> db) {
        try (App app = App.create(TestSupport.config(dir, smtp.getSmtp().getPort(), db))) { // not started: the test freezes
            var list = app.subscribers.createList("Weekly", null);
            Map<String, String> zones = new java.util.LinkedHashMap<>();
            zones.put("kiri@example.com", "Pacific/Kiritimati");
            zones.put("berlin@example.com", "Europe/Berlin");
            zones.put("la@example.com", "America/Los_Angeles");
            zones.put("spaced@example.com", "  Europe/Berlin ");
            zones.put("mars@example.com", "Mars/Olympus");
            zones.put("offset@example.com", "+02:00");
            zones.put("none@example.com", null);
            zones.forEach((email, zone) -> app.subscribers.addToList(list.id(), email, null,
                    zone == null ? Map.of("plan", "pro") : Map.of("timezone", zone), Subscription.CONFIRMED, "test"));

            // the Berlin daylight-saving gap, with New York (already EDT) as the fallback
            long campaign = app.campaigns.createAtLocalTime("Gap", TestSupport.demoIssue(), List.of("Weekly"),
                    LocalDateTime.parse("2027-03-28T02:30"), NEW_YORK, null, null);
            assertThat(app.campaignStore.require(campaign).sendAt()).as("starts when the first zone gets there")
                    .isEqualTo(Instant.parse("2027-03-27T12:30:00Z"));
            assertThat(app.campaignStore.localTime(campaign)).isEqualTo(new LocalSendTime(LocalDateTime.parse("2027-03-28T02:30"), NEW_YORK));

            // frozen at a moment when only Kiritimati's time has come
            Clock at = Clock.fixed(Instant.parse("2027-03-27T13:00:00Z"), ZoneOffset.UTC);
            assertThat(new Ledger(app.db.dataSource(), at).freeze(campaign)).isEqualTo(7);

            Map<String, Instant> notBefore = new HashMap<>();
            Map<String, String> state = new HashMap<>();
            app.db.jdbc().query("SELECT email, not_before, state FROM deliveries WHERE campaign_id = ?", rs -> {
                notBefore.put(rs.getString(1), dev.letterpress.db.Jdbc.instant(rs, 2));
                return state.put(rs.getString(1), rs.getString(3));
            }, campaign);
            assertThat(notBefore).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "kiri@example.com", Instant.parse("2027-03-27T12:30:00Z"),
                    "berlin@example.com", Instant.parse("2027-03-28T01:30:00Z"),
                    "la@example.com", Instant.parse("2027-03-28T09:30:00Z"),
                    "spaced@example.com", Instant.parse("2027-03-28T01:30:00Z"),
                    "mars@example.com", Instant.parse("2027-03-28T06:30:00Z"),
                    "offset@example.com", Instant.parse("2027-03-28T06:30:00Z"),
                    "none@example.com", Instant.parse("2027-03-28T06:30:00Z")));
            state.forEach((email, s) -> assertThat(s).as("state of %s", email).isEqualTo(email.startsWith("kiri") ? "queued" : "waiting"));
            assertThat(app.campaignStore.stateCounts(campaign)).containsEntry("waiting", 6L).containsEntry("queued", 1L);

            // two hours later Berlin's time has come: releasing queues exactly those two, and says when the next comes
            Ledger later = new Ledger(app.db.dataSource(), Clock.fixed(Instant.parse("2027-03-28T03:00:00Z"), ZoneOffset.UTC));
            assertThat(later.releaseDue(campaign)).isEqualTo(2);
            assertThat(later.releaseDue(campaign)).as("idempotent").isZero();
            assertThat(app.campaignStore.stateCounts(campaign)).containsEntry("waiting", 4L).containsEntry("queued", 3L);
            assertThat(later.nextLocalTime(campaign)).isEqualTo(Instant.parse("2027-03-28T06:30:00Z"));

            assertThatThrownBy(() -> app.campaigns.createAtLocalTime("Past", TestSupport.demoIssue(), List.of("Weekly"),
                    LocalDateTime.parse("2020-01-01T09:00"), NEW_YORK, null, null)).hasMessageContaining("has passed in every time zone");
        }
    }

    @Test
    void zonesWhoseTimeHasComeAreSentAtOnceAndTheOthersWhenTheirsComesOnH2() throws Exception {
        sendsEachZoneAtItsTime(Map.of());
    }

    @Test
    void zonesWhoseTimeHasComeAreSentAtOnceAndTheOthersWhenTheirsComesOnPostgres() throws Exception {
        sendsEachZoneAtItsTime(postgres());
    }

    /**
     * The local time is a few seconds from now in London (the fallback): Kiritimati and Berlin are hours past it, Los
     * Angeles hours before it. The first two go at once, London's two when its time comes, Los Angeles waits.
     */
    private void sendsEachZoneAtItsTime(Map<String, String> db) throws Exception {
        Config config = TestSupport.config(dir, smtp.getSmtp().getPort(), db);
        try (App app = App.create(config).start()) {
            Fixture f = fixture(app, Duration.ofSeconds(6));
            TestSupport.await("Kiritimati and Berlin to be sent", Duration.ofSeconds(20), () -> received().size() >= 2);
            TestSupport.await("London's two to be sent when their time comes", Duration.ofSeconds(30), () -> received().size() >= 4);
            TestSupport.await("the run to end with only Los Angeles waiting", Duration.ofSeconds(10),
                    () -> String.valueOf(app.campaignStore.require(f.campaign).statusReason()).contains("1 waiting for their local time"));

            assertThat(received()).containsOnlyKeys("kiri@example.com", "berlin@example.com", "mars@example.com", "none@example.com")
                    .allSatisfy((rcpt, copies) -> assertThat(copies).as("copies to %s", rcpt).isEqualTo(1L));
            assertNobodyBeforeTheirTime(app, f.campaign);
            Campaign c = app.campaignStore.require(f.campaign);
            assertThat(c.status()).isEqualTo(Campaign.RUNNING);
            assertThat(app.campaignStore.stateCounts(f.campaign)).containsEntry("waiting", 1L).containsEntry("sent", 4L)
                    .containsEntry("queued", 0L).containsEntry("claimed", 0L);
            // waiting costs a trigger in the job store, for Los Angeles' time: no thread, no connection, no polling loop
            awaitOnlyTrigger(app, f.campaign, f.losAngeles);
            assertThat(app.engine.isSending(f.campaign)).isFalse();
            assertThat(app.engine.campaignsNeedingHelp()).doesNotContain(f.campaign);

            app.campaigns.pause(f.campaign);
            assertThat(app.campaignStore.require(f.campaign).status()).isEqualTo(Campaign.PAUSED);
            app.campaigns.resume(f.campaign);
            TestSupport.await("the resumed run to end waiting again", Duration.ofSeconds(10),
                    () -> String.valueOf(app.campaignStore.require(f.campaign).statusReason()).contains("1 waiting"));
            assertThat(app.campaignStore.require(f.campaign).status()).isEqualTo(Campaign.RUNNING);
            app.campaigns.cancel(f.campaign);
            assertThat(app.campaignStore.require(f.campaign).status()).isEqualTo(Campaign.CANCELLED);
            assertThat(received()).hasSize(4);
        }
    }

    @Test
    void aRestartWhileRecipientsWaitSendsThemOnceWhenTheirTimeComes() throws Exception {
        Config config = TestSupport.config(dir, smtp.getSmtp().getPort(), Map.of());
        Fixture f;
        try (App first = App.create(config).start()) {
            f = fixture(first, Duration.ofSeconds(12));
            TestSupport.await("Kiritimati and Berlin to be sent", Duration.ofSeconds(20), () -> received().size() >= 2);
            TestSupport.await("the run to end with London and Los Angeles waiting", Duration.ofSeconds(10),
                    () -> String.valueOf(first.campaignStore.require(f.campaign).statusReason()).contains("waiting for their local time"));
            // the wait is durable: a trigger for London's time in the job store
            awaitOnlyTrigger(first, f.campaign, f.london);
        }
        try (App down = App.create(config)) {
            assertThat(down.campaignStore.stateCounts(f.campaign)).containsEntry("waiting", 3L).containsEntry("sent", 2L);
            // and even without it (a trigger spent while stopping), the next start resumes from the ledger
            down.db.jdbc().update("DELETE FROM QRTZ_SIMPLE_TRIGGERS");
            down.db.jdbc().update("DELETE FROM QRTZ_TRIGGERS");
        }
        try (App second = App.create(config).start()) {
            TestSupport.await("London's two after the restart", Duration.ofSeconds(30), () -> received().size() >= 4);
            TestSupport.await("the run to end with Los Angeles waiting", Duration.ofSeconds(10),
                    () -> String.valueOf(second.campaignStore.require(f.campaign).statusReason()).contains("1 waiting for their local time"));
            awaitOnlyTrigger(second, f.campaign, f.losAngeles);
            assertNobodyBeforeTheirTime(second, f.campaign);
        }
        assertThat(received()).containsOnlyKeys("kiri@example.com", "berlin@example.com", "mars@example.com", "none@example.com")
                .allSatisfy((rcpt, copies) -> assertThat(copies).as("copies to %s", rcpt).isEqualTo(1L));
    }

    record Fixture(long campaign, Instant london, Instant losAngeles) {}

    private static Fixture fixture(App app, Duration ahead) {
        var list = app.subscribers.createList("Weekly", null);
        app.subscribers.addToList(list.id(), "kiri@example.com", "Kiri", Map.of("timezone", "Pacific/Kiritimati"), Subscription.CONFIRMED, "t");
        app.subscribers.addToList(list.id(), "berlin@example.com", "Berta", Map.of("timezone", "Europe/Berlin"), Subscription.CONFIRMED, "t");
        app.subscribers.addToList(list.id(), "mars@example.com", "Marvin", Map.of("timezone", "Mars/Olympus"), Subscription.CONFIRMED, "t");
        app.subscribers.addToList(list.id(), "none@example.com", "Nona", Map.of(), Subscription.CONFIRMED, "t");
        app.subscribers.addToList(list.id(), "la@example.com", "Lou", Map.of("timezone", "America/Los_Angeles"), Subscription.CONFIRMED, "t");
        ZoneId london = ZoneId.of("Europe/London");
        LocalDateTime local = LocalDateTime.ofInstant(Instant.now().plus(ahead), london).withNano(0);
        long campaign = app.campaigns.createAtLocalTime("Timewarp", TestSupport.demoIssue(), List.of("Weekly"), local, london, null, null);
        return new Fixture(campaign, local.atZone(london).toInstant(), local.atZone(ZoneId.of("America/Los_Angeles")).toInstant());
    }

    /** Sent rows were written after their local time: nobody got it early. */
    private static void assertNobodyBeforeTheirTime(App app, long campaign) {
        List<Instant[]> sent = app.db.jdbc().query("SELECT not_before, updated_at FROM deliveries WHERE campaign_id = ? AND state = 'sent'",
                rs -> new Instant[] {dev.letterpress.db.Jdbc.instant(rs, 1), dev.letterpress.db.Jdbc.instant(rs, 2)}, campaign);
        assertThat(sent).isNotEmpty().allSatisfy(r -> assertThat(r[1]).isAfterOrEqualTo(r[0]));
    }

    /** The campaign's triggers in the job store come down to one, at {@code at} (the run that fired it may still be ending). */
    private static void awaitOnlyTrigger(App app, long campaign, Instant at) {
        TestSupport.await("one trigger at " + at, Duration.ofSeconds(10), () -> app.db.jdbc()
                .query("SELECT NEXT_FIRE_TIME FROM QRTZ_TRIGGERS WHERE JOB_NAME = ?", rs -> rs.getLong(1), "campaign-" + campaign)
                .equals(List.of(at.toEpochMilli())));
    }

    private Map<String, Long> received() {
        return Arrays.stream(smtp.getReceivedMessages()).collect(Collectors.groupingBy(TimewarpTest::recipient, Collectors.counting()));
    }

    private static String recipient(MimeMessage m) {
        try {
            return ((jakarta.mail.internet.InternetAddress) m.getAllRecipients()[0]).getAddress();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> postgres() {
        return Map.of("db.url", PostgresSupport.newDatabase(), "db.user", "postgres", "db.password", "postgres");
    }
}
