package dev.letterpress.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.App;
import dev.letterpress.TestSupport;
import dev.letterpress.delivery.LocalSendTime;
import dev.letterpress.subscriber.Subscription;
import jakarta.mail.internet.InternetAddress;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerUtils;
import org.quartz.spi.OperableTrigger;
import org.slf4j.LoggerFactory;

/**
 * Weekly schedules across daylight-saving changes, with a saved segment and per-recipient local time, and firings
 * that find nothing to send.
 */
class WeeklyScheduleTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

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
    void berlinMondaysAtNineAreEightUtcInWinterAndSevenInSummer() {
        // summer time begins on 28 March 2027 and ends on 25 October 2026
        assertThat(fires("MON", 9, BERLIN, "2027-03-15T00:00:00Z", 4)).containsExactly(Instant.parse("2027-03-15T08:00:00Z"),
                Instant.parse("2027-03-22T08:00:00Z"), Instant.parse("2027-03-29T07:00:00Z"), Instant.parse("2027-04-05T07:00:00Z"));
        assertThat(fires("MON", 9, BERLIN, "2026-10-12T00:00:00Z", 3)).containsExactly(Instant.parse("2026-10-12T07:00:00Z"),
                Instant.parse("2026-10-19T07:00:00Z"), Instant.parse("2026-10-26T08:00:00Z"));
        // a time the spring change leaves out (02:30 on Sunday 28 March 2027): Quartz skips that week without a word...
        assertThat(fires("SUN", 2, 30, BERLIN, "2027-03-21T12:00:00Z", 2)).containsExactly(Instant.parse("2027-04-04T00:30:00Z"),
                Instant.parse("2027-04-11T00:30:00Z"));
        // ...so such a time is refused when the schedule is made, naming the day; the same time on another day is fine
        assertThatThrownBy(() -> WeeklySchedules.refuseSkippedTimes("SUN", LocalTime.of(2, 30), BERLIN, Instant.parse("2027-01-01T00:00:00Z")))
                .hasMessageContaining("--time 02:30 does not exist on Sunday 2027-03-28 in Europe/Berlin").hasMessageContaining("02:00 to 03:00");
        WeeklySchedules.refuseSkippedTimes("MON,SAT", LocalTime.of(2, 30), BERLIN, Instant.parse("2027-01-01T00:00:00Z"));
        WeeklySchedules.refuseSkippedTimes("SUN", LocalTime.of(3, 0), BERLIN, Instant.parse("2027-01-01T00:00:00Z"));
        // a time the autumn change repeats (02:30 on Sunday 25 October 2026) fires once, at the second 02:30 (CET)
        assertThat(fires("SUN", 2, 30, BERLIN, "2026-10-18T12:00:00Z", 2)).containsExactly(Instant.parse("2026-10-25T01:30:00Z"),
                Instant.parse("2026-11-01T01:30:00Z"));
    }

    @Test
    void theStoredTriggerOfASchedulePlansItsNextFiringAtItsLocalTime() {
        try (App app = App.create(TestSupport.config(dir, smtp.getSmtp().getPort(), Map.of()))) {
            app.subscribers.createList("Weekly", null);
            var s = app.weekly.create("Monday letter", "MON", "09:00", "Europe/Berlin", List.of("Weekly"));
            ZonedDateTime now = ZonedDateTime.now(BERLIN);
            ZonedDateTime monday = now.with(TemporalAdjusters.nextOrSame(DayOfWeek.MONDAY)).with(LocalTime.of(9, 0));
            Instant expected = (monday.isAfter(now) ? monday : monday.plusWeeks(1)).toInstant();
            assertThat(app.weekly.nextFire(s.id())).isEqualTo(expected);

            // per-recipient time: the trigger fires when Monday 09:00 first happens on Earth, Sunday 19:00 UTC, all year
            var local = app.weekly.create("Monday local", "MON", "09:00", "Europe/Berlin", List.of("Weekly"), null, true);
            assertThat(local.perRecipientTime()).isTrue();
            ZonedDateTime next = app.weekly.nextFire(local.id()).atZone(ZoneOffset.UTC);
            assertThat(next.getDayOfWeek()).isEqualTo(DayOfWeek.SUNDAY);
            assertThat(next.toLocalTime()).isEqualTo(LocalTime.of(19, 0));
            assertThat(fires("MON", 9, LocalSendTime.FIRST_ZONE, "2027-03-15T00:00:00Z", 3)).containsExactly(
                    Instant.parse("2027-03-21T19:00:00Z"), Instant.parse("2027-03-28T19:00:00Z"), Instant.parse("2027-04-04T19:00:00Z"));
            assertThat(app.weekly.find(local.id()).orElseThrow()).isEqualTo(local);
        }
    }

    @Test
    void aFiringCreatesItsCampaignWithTheSegmentAndTheLocalTime() {
        try (App app = App.create(TestSupport.config(dir, smtp.getSmtp().getPort(), Map.of()))) { // not started: the test fires
            app.subscribers.createList("Weekly", null);
            app.segments.create("Pros", "plan = \"pro\"");
            assertThatThrownBy(() -> app.weekly.create("x", "MON", "09:00", "Europe/Berlin", List.of("Weekly"), "Nope", false))
                    .hasMessageContaining("no segment named 'Nope'");
            var s = app.weekly.create("Pros on Monday", "MON", "09:00", "Europe/Berlin", List.of("Weekly"), "Pros", true);
            assertThat(s.segmentName()).isEqualTo("Pros");
            app.weekly.enqueue("Pros on Monday", "issue 1", TestSupport.demoIssue());

            // the firing planned for Sunday 28 March 2027, 19:00 UTC: Monday 29 March, 09:00 in each subscriber's zone
            app.weekly.fire(s.id(), Instant.parse("2027-03-28T19:00:00Z"));
            var run = app.weekly.runs(s.id(), 1).get(0);
            assertThat(run.outcome()).isEqualTo("sent");
            long campaign = run.campaignId();
            assertThat(app.campaignStore.localTime(campaign)).isEqualTo(new LocalSendTime(LocalDateTime.parse("2027-03-29T09:00"), BERLIN));
            assertThat(app.campaignStore.segment(campaign)).isEqualTo("plan = \"pro\"");
            assertThat(app.campaignStore.require(campaign).sendAt()).isEqualTo(Instant.parse("2027-03-28T19:00:00Z"));
            assertThat(app.campaignStore.require(campaign).name()).isEqualTo("Pros on Monday 2027-03-29");
        }
    }

    @Test
    void aFiringsCampaignIsNamedWithTheDateInTheSchedulesZone() {
        try (App app = App.create(TestSupport.config(dir, smtp.getSmtp().getPort(), Map.of()))) { // not started: the test fires
            app.subscribers.createList("Weekly", null);
            var s = app.weekly.create("Sydney Monday", "MON", "08:00", "Australia/Sydney", List.of("Weekly"), null, false);
            app.weekly.enqueue("Sydney Monday", "issue 1", TestSupport.demoIssue());
            // Monday 30 November 2026, 08:00 in Sydney (UTC+11) is still Sunday in UTC
            app.weekly.fire(s.id(), Instant.parse("2026-11-29T21:00:00Z"));
            long campaign = app.weekly.runs(s.id(), 1).get(0).campaignId();
            assertThat(app.campaignStore.require(campaign).name()).isEqualTo("Sydney Monday 2026-11-30");
        }
    }

    @Test
    void anIssueAFiringTookButDidNotFinishIsNeverSentByALaterFiring() {
        try (App app = App.create(TestSupport.config(dir, smtp.getSmtp().getPort(), Map.of()))) { // not started: the test fires
            app.subscribers.createList("Weekly", null);
            var s = app.weekly.create("Monday", "MON", "09:00", "Europe/Berlin", List.of("Weekly"));
            app.weekly.enqueue("Monday", "issue 1", TestSupport.demoIssue());
            // a firing that crashed after taking its issue and before creating the campaign (or whose trigger failed)
            app.db.jdbc().update("UPDATE schedule_queue SET state = 'taking'");

            app.weekly.fire(s.id(), Instant.parse("2027-03-29T07:00:00Z"));

            var run = app.weekly.runs(s.id(), 1).get(0);
            assertThat(run.outcome()).isEqualTo("skipped");
            assertThat(run.campaignId()).isNull();
            assertThat(app.weekly.readyCount(s.id())).isZero();
        }
    }

    @Test
    void aFiringSendsToTheSegmentOnlyAndFiringsWithNothingToSendAreRecordedSkipsWithAWarning() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(WeeklySchedules.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try (App app = App.create(TestSupport.config(dir, smtp.getSmtp().getPort(), Map.of())).start()) {
            var list = app.subscribers.createList("Weekly", null);
            app.subscribers.addToList(list.id(), "ada@example.com", "Ada", Map.of("plan", "pro"), Subscription.CONFIRMED, "test");
            app.subscribers.addToList(list.id(), "bob@example.com", "Bob", Map.of("plan", "free"), Subscription.CONFIRMED, "test");
            app.segments.create("Pros", "plan = \"pro\"");
            var s = app.weekly.create("Pros weekly", "MON", "09:00", "Europe/Berlin", List.of("Weekly"), "Pros", false);
            Instant plannedNext = app.weekly.nextFire(s.id());

            // an empty queue, fired by Quartz like the trigger would: a recorded skip and a warning, and the schedule goes on
            app.weekly.fireNow(s.id());
            TestSupport.await("the skip to be recorded", Duration.ofSeconds(15), () -> !app.weekly.runs(s.id(), 10).isEmpty());
            assertThat(app.weekly.runs(s.id(), 10)).singleElement().satisfies(r -> {
                assertThat(r.outcome()).isEqualTo("skipped");
                assertThat(r.campaignId()).isNull();
                assertThat(r.note()).isEqualTo("no ready issue in the queue");
            });
            assertThat(logged.list).anySatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.WARN);
                assertThat(e.getFormattedMessage()).contains("'Pros weekly'").contains("no ready issue");
            });
            assertThat(app.weekly.nextFire(s.id())).as("the weekly trigger is still there").isEqualTo(plannedNext);

            // with an issue: the campaign goes to the lists' subscribers in the segment only
            app.weekly.enqueue("Pros weekly", "issue 1", TestSupport.demoIssue());
            app.weekly.fireNow(s.id());
            TestSupport.await("the firing to start a campaign", Duration.ofSeconds(15), () -> app.weekly.runs(s.id(), 10).size() == 2);
            long campaign = app.weekly.runs(s.id(), 1).get(0).campaignId();
            TestSupport.await("the campaign to finish", Duration.ofSeconds(30),
                    () -> "finished".equals(app.campaignStore.require(campaign).status()));
            assertThat(Arrays.stream(smtp.getReceivedMessages()).map(m -> {
                try {
                    return ((InternetAddress) m.getAllRecipients()[0]).getAddress();
                } catch (jakarta.mail.MessagingException e) {
                    throw new IllegalStateException(e);
                }
            })).containsExactly("ada@example.com");

            // a segment gone by the firing: a recorded skip that names it, and the issue stays queued for next time
            app.weekly.enqueue("Pros weekly", "issue 2", TestSupport.demoIssue());
            app.db.jdbc().update("DELETE FROM segments WHERE name = 'Pros'");
            app.weekly.fireNow(s.id());
            TestSupport.await("the second skip", Duration.ofSeconds(15), () -> app.weekly.runs(s.id(), 10).size() == 3);
            assertThat(app.weekly.runs(s.id(), 1).get(0)).satisfies(r -> {
                assertThat(r.outcome()).isEqualTo("skipped");
                assertThat(r.note()).contains("segment 'Pros' no longer exists");
            });
            assertThat(app.weekly.readyCount(s.id())).isEqualTo(1);
            assertThat(logged.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("segment 'Pros' no longer exists"));
        } finally {
            logger.detachAppender(logged);
        }
    }

    private static List<Instant> fires(String days, int hour, ZoneId zone, String from, int n) {
        return fires(days, hour, 0, zone, from, n);
    }

    private static List<Instant> fires(String days, int hour, int minute, ZoneId zone, String from, int n) {
        var trigger = (OperableTrigger) TriggerBuilder.newTrigger().withSchedule(Scheduling.weekly(days, hour, minute, zone))
                .startAt(Date.from(Instant.parse(from))).build();
        return TriggerUtils.computeFireTimes(trigger, null, n).stream().map(Date::toInstant).toList();
    }
}
