package dev.letterpress.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.App;
import dev.letterpress.TestSupport;
import dev.letterpress.subscriber.Subscription;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerUtils;
import org.quartz.spi.OperableTrigger;

class WeeklySchedulesTest {
    @TempDir
    Path dir;

    @Test
    void aFiringSendsTheNextReadyIssueAndAnEmptyQueueIsARecordedSkip() {
        GreenMail smtp = TestSupport.greenMail();
        try (App app = App.create(TestSupport.config(dir, smtp.getSmtp().getPort(), Map.of())).start()) {
            var list = app.subscribers.createList("Weekly", null);
            app.subscribers.addToList(list.id(), "ada@example.com", "Ada", Map.of(), Subscription.CONFIRMED, "test");
            app.subscribers.addToList(list.id(), "alan@example.com", "Alan", Map.of(), Subscription.CONFIRMED, "test");
            var schedule = app.weekly.create("Monday letter", "mon", "09:00", "Europe/Berlin", List.of("Weekly"));
            assertThat(schedule.days()).isEqualTo("MON");
            assertThat(app.weekly.nextFire(schedule.id())).isNotNull();
            ZonedDateTime next = app.weekly.nextFire(schedule.id()).atZone(ZoneId.of("Europe/Berlin"));
            assertThat(next.getDayOfWeek()).isEqualTo(DayOfWeek.MONDAY);
            assertThat(next.toLocalTime()).isEqualTo(LocalTime.of(9, 0));

            app.weekly.enqueue("Monday letter", "issue 1", TestSupport.demoIssue());
            assertThat(app.weekly.readyCount(schedule.id())).isEqualTo(1);
            app.weekly.fire(schedule.id());
            var runs = app.weekly.runs(schedule.id(), 10);
            assertThat(runs).singleElement().satisfies(r -> assertThat(r.outcome()).isEqualTo("sent"));
            long campaign = runs.get(0).campaignId();
            TestSupport.await("weekly campaign to finish", Duration.ofSeconds(30),
                    () -> "finished".equals(app.campaignStore.require(campaign).status()));
            assertThat(smtp.getReceivedMessages()).hasSize(2);
            assertThat(app.weekly.readyCount(schedule.id())).isZero();

            app.weekly.fire(schedule.id());
            assertThat(app.weekly.runs(schedule.id(), 10)).first().satisfies(r -> {
                assertThat(r.outcome()).isEqualTo("skipped");
                assertThat(r.campaignId()).isNull();
                assertThat(r.note()).contains("no ready issue");
            });
            assertThat(app.campaignStore.recent(10)).hasSize(1);
        } finally {
            smtp.stop();
        }
    }

    @Test
    void badScheduleInputIsRefusedWithTheOptionNamed() {
        try (App app = App.create(TestSupport.config(dir, 2525, Map.of()))) {
            app.subscribers.createList("Weekly", null);
            assertThatThrownBy(() -> app.weekly.create("x", "funday", "09:00", "UTC", List.of("Weekly"))).hasMessageContaining("--days").hasMessageContaining("funday");
            assertThatThrownBy(() -> app.weekly.create("x", "MON", "9am", "UTC", List.of("Weekly"))).hasMessageContaining("--time");
            assertThatThrownBy(() -> app.weekly.create("x", "MON", "09:00", "Mars/Olympus", List.of("Weekly"))).hasMessageContaining("--zone");
            assertThatThrownBy(() -> app.weekly.create("x", "MON", "09:00", "UTC", List.of("Nope"))).hasMessageContaining("lists create");
        }
    }

    @Test
    void theLocalTimeHoldsAcrossDaylightSavingChanges() {
        ZoneId newYork = ZoneId.of("America/New_York");
        // US daylight saving time ends on Sunday 1 November 2026: Mondays before are UTC-4, after UTC-5
        var trigger = (OperableTrigger) TriggerBuilder.newTrigger()
                .withSchedule(Scheduling.weekly("MON,THU", 9, 0, newYork))
                .startAt(Date.from(ZonedDateTime.of(2026, 10, 20, 0, 0, 0, 0, newYork).toInstant()))
                .build();
        List<Date> fires = TriggerUtils.computeFireTimes(trigger, null, 6);
        assertThat(fires).hasSize(6);
        for (Date d : fires) {
            ZonedDateTime local = d.toInstant().atZone(newYork);
            assertThat(local.toLocalTime()).isEqualTo(LocalTime.of(9, 0));
            assertThat(local.getDayOfWeek()).isIn(DayOfWeek.MONDAY, DayOfWeek.THURSDAY);
        }
        assertThat(fires.get(0).toInstant().atZone(newYork).getOffset().getTotalSeconds()).isEqualTo(-4 * 3600);
        assertThat(fires.get(5).toInstant().atZone(newYork).getOffset().getTotalSeconds()).isEqualTo(-5 * 3600);
    }
}
