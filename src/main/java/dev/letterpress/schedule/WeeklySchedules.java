package dev.letterpress.schedule;

import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import dev.letterpress.delivery.LocalSendTime;
import dev.letterpress.segment.SavedSegment;
import dev.letterpress.segment.SegmentStore;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.NotFoundException;
import dev.letterpress.subscriber.SubscriberStore;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Weekly schedules: days, a local time and a zone (Quartz's cron trigger keeps the local time across
 * daylight-saving changes), target lists, and a queue of issues sent oldest first. A firing with an empty
 * queue is a recorded skip and a warning, not an error.
 */
public final class WeeklySchedules {
    private static final Logger log = LoggerFactory.getLogger(WeeklySchedules.class);

    /**
     * {@code segmentName}: a saved segment narrowing the lists (null: whole lists); {@code perRecipientTime}: each
     * subscriber gets it at {@code localTime} in their own zone, {@code zone} being the fallback.
     */
    public record Schedule(long id, String name, String days, String localTime, String zone, String segmentName, boolean perRecipientTime) {
        /**
         * The zone the trigger's cron runs in: the schedule's own, or with per-recipient time UTC+14, where the day's
         * time comes first on Earth (up to 26 hours before the schedule's own zone), so no subscriber gets it late.
         */
        public ZoneId triggerZone() {
            return perRecipientTime ? LocalSendTime.FIRST_ZONE : ZoneId.of(zone);
        }
    }

    public record Run(Instant firedAt, String outcome, Long campaignId, String note) {}

    private final Jdbc jdbc;
    private final Sql sql = Sql.load("schedules");
    private final SubscriberStore subscribers;
    private final Campaigns campaigns;
    private final Scheduling scheduling;
    private final SegmentStore segments;
    private final Clock clock;

    public WeeklySchedules(Jdbc jdbc, SubscriberStore subscribers, Campaigns campaigns, Scheduling scheduling, SegmentStore segments, Clock clock) {
        this.segments = segments;
        this.jdbc = jdbc;
        this.subscribers = subscribers;
        this.campaigns = campaigns;
        this.scheduling = scheduling;
        this.clock = clock;
    }

    /**
     * Creates a schedule. {@code days} like "MON,THU" or "monday", {@code time} "09:00", {@code zone} an IANA id.
     */
    public Schedule create(String name, String days, String time, String zone, List<String> listNames) {
        return create(name, days, time, zone, listNames, null, false);
    }

    /**
     * As above, narrowed to the saved segment {@code segmentName} (null: the whole lists; each firing copies the
     * segment's expression as it is then), and with {@code perRecipientTime} at {@code time} in each subscriber's
     * zone ({@code zone} is the fallback), the trigger firing when the first zone on Earth reaches it.
     */
    public Schedule create(String name, String days, String time, String zone, List<String> listNames, String segmentName,
                           boolean perRecipientTime) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a schedule needs a name");
        }
        if (name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a schedule name is at most 200 characters on one line (this one has " + name.length() + ")");
        }
        if (jdbc.one(sql.get("schedule-by-name"), rs -> rs.getLong(1), name).isPresent()) {
            throw new IllegalArgumentException("a schedule named '" + name + "' already exists");
        }
        String quartzDays = parseDays(days);
        LocalTime at;
        try {
            at = LocalTime.parse(time);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--time '" + time + "' is not a time of day; use HH:mm such as 09:00");
        }
        ZoneId zoneId;
        try {
            zoneId = ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("--zone '" + zone + "' is not a time zone; use an IANA name such as Europe/Berlin");
        }
        if (!perRecipientTime) {
            refuseSkippedTimes(quartzDays, at, zoneId, clock.instant());
        }
        if (listNames.isEmpty()) {
            throw new IllegalArgumentException("a schedule needs at least one list (--list NAME)");
        }
        List<Long> listIds = listNames.stream().map(subscribers::requireList).map(MailingList::id).toList();
        if (segmentName != null) {
            segments.require(segmentName); // names the command that creates it
        }
        String hhmm = String.format(Locale.ROOT, "%02d:%02d", at.getHour(), at.getMinute());
        long id = jdbc.inTransaction(c -> {
            long sid = Jdbc.insert(c, sql.get("insert-schedule"), name, quartzDays, hhmm, zoneId.getId(), clock.instant(), segmentName,
                    perRecipientTime);
            for (long listId : listIds) {
                Jdbc.update(c, sql.get("insert-schedule-list"), sid, listId);
            }
            return sid;
        });
        Schedule created = new Schedule(id, name, quartzDays, hhmm, zoneId.getId(), segmentName, perRecipientTime);
        scheduling.scheduleWeekly(id, quartzDays, at.getHour(), at.getMinute(), created.triggerZone());
        return created;
    }

    /** Validates the issue and puts it at the end of the schedule's queue; returns the issue id. */
    public long enqueue(String scheduleName, String issueName, String issueJson) {
        Schedule s = require(scheduleName);
        long issueId = campaigns.saveIssue(issueName, issueJson);
        jdbc.update(sql.get("enqueue"), s.id(), issueId, clock.instant());
        return issueId;
    }

    /** One firing now (see below). */
    void fire(long scheduleId) {
        fire(scheduleId, clock.instant());
    }

    /**
     * One firing: the next ready issue becomes a campaign sent now; no issue (or a segment deleted since) means a
     * recorded skip and a warning. {@code scheduledAt} is the firing's planned time, which a firing delayed by downtime
     * still sends for: with per-recipient time, its date in the first zone is the date everyone gets the issue.
     */
    void fire(long scheduleId, Instant scheduledAt) {
        Schedule s = find(scheduleId).orElse(null);
        if (s == null) {
            log.warn("weekly schedule #{} fired but no longer exists", scheduleId);
            return;
        }
        Instant now = clock.instant();
        Optional<long[]> next = jdbc.one(sql.get("next-ready"), rs -> new long[] {rs.getLong("id"), rs.getLong("issue_id")}, scheduleId);
        if (next.isEmpty()) {
            log.warn("weekly schedule '{}' fired with no ready issue in its queue: skipped this week", s.name());
            jdbc.update(sql.get("insert-run"), scheduleId, now, "skipped", null, "no ready issue in the queue");
            return;
        }
        String expression = null;
        if (s.segmentName() != null) {
            Optional<SavedSegment> segment = segments.find(s.segmentName());
            if (segment.isEmpty()) {
                log.warn("weekly schedule '{}' fired but its segment '{}' no longer exists: skipped this week", s.name(), s.segmentName());
                jdbc.update(sql.get("insert-run"), scheduleId, now, "skipped", null, "segment '" + s.segmentName() + "' no longer exists");
                return;
            }
            expression = segment.get().expression();
        }
        LocalSendTime local = null;
        // the date in the schedule's own zone (a Monday 08:00 Sydney firing is still Sunday in UTC)
        String day = scheduledAt.atZone(ZoneId.of(s.zone())).toLocalDate().toString();
        if (s.perRecipientTime()) {
            LocalDate date = scheduledAt.atZone(s.triggerZone()).toLocalDate();
            local = new LocalSendTime(LocalDateTime.of(date, LocalTime.parse(s.localTime())), ZoneId.of(s.zone()));
            day = date.toString();
        }
        List<Long> listIds = jdbc.query(sql.get("schedule-list-ids"), rs -> rs.getLong(1), scheduleId);
        if (jdbc.update(sql.get("take-issue"), next.get()[0]) == 0) {
            log.warn("weekly schedule '{}': its next issue was taken by another firing meanwhile; nothing sent by this one", s.name());
            return;
        }
        long campaignId;
        try {
            // schedules named before names were checked may hold a control character: one line, or the firing would fail
            String name = s.name().replaceAll("\\p{Cntrl}", " ").strip() + " " + day;
            campaignId = campaigns.createForIssue(name, next.get()[1], listIds, now, scheduleId, null, expression, local);
        } catch (RuntimeException e) {
            // not put back: the campaign row may exist already (its trigger is what failed), and then a later firing
            // would send the same issue a second time; the failed run says what happened
            jdbc.update(sql.get("insert-run"), scheduleId, now, "failed", null, "could not create the campaign: " + e.getMessage());
            throw e;
        }
        jdbc.update(sql.get("mark-used"), campaignId, next.get()[0]);
        jdbc.update(sql.get("insert-run"), scheduleId, now, "sent", campaignId, null);
        log.info("weekly schedule '{}' started campaign #{}", s.name(), campaignId);
    }

    /** One firing now, through the scheduler (as the trigger would fire it). */
    void fireNow(long scheduleId) {
        scheduling.fireWeeklyNow(scheduleId);
    }

    public Schedule require(String name) {
        return jdbc.one(sql.get("schedule-by-name"), WeeklySchedules::schedule, name).orElseThrow(() -> new NotFoundException(
                "no weekly schedule named '" + name + "'; create it with: letterpress schedules weekly create"));
    }

    public Optional<Schedule> find(long id) {
        return jdbc.one(sql.get("schedule-by-id"), WeeklySchedules::schedule, id);
    }

    public List<Schedule> all() {
        return jdbc.query(sql.get("all-schedules"), WeeklySchedules::schedule);
    }

    public long readyCount(long scheduleId) {
        return jdbc.count(sql.get("ready-count"), scheduleId);
    }

    public List<Run> runs(long scheduleId, int limit) {
        return jdbc.query(sql.get("runs"), rs -> new Run(Jdbc.instant(rs, "fired_at"), rs.getString("outcome"),
                Jdbc.nullableLong(rs, "campaign_id"), rs.getString("note")), scheduleId, limit);
    }

    public Instant nextFire(long scheduleId) {
        return scheduling.nextWeeklyFire(scheduleId);
    }

    /**
     * Quartz's cron trigger silently skips a firing whose local time a daylight-saving change leaves out (02:30 on a
     * Sunday in Berlin, on the last Sunday of March), so that week's issue would quietly not go out. Refuse such a time
     * while it is chosen, looking at the zone's changes over the next five years. (Per-recipient schedules fire in
     * UTC+14, which has no such changes; each subscriber's own gap moves their time forward instead.)
     */
    static void refuseSkippedTimes(String quartzDays, LocalTime time, ZoneId zone, Instant from) {
        var rules = zone.getRules();
        Set<String> days = Set.of(quartzDays.split(","));
        Instant until = from.plus(java.time.Duration.ofDays(5 * 366));
        for (var t = rules.nextTransition(from); t != null && t.getInstant().isBefore(until); t = rules.nextTransition(t.getInstant())) {
            if (!t.isGap()) {
                continue;
            }
            for (LocalDate d : List.of(t.getDateTimeBefore().toLocalDate(), t.getDateTimeAfter().toLocalDate())) {
                if (days.contains(d.getDayOfWeek().name().substring(0, 3)) && rules.getValidOffsets(LocalDateTime.of(d, time)).isEmpty()) {
                    throw new IllegalArgumentException("--time " + time + " does not exist on " + d.getDayOfWeek().name().charAt(0)
                            + d.getDayOfWeek().name().substring(1).toLowerCase(Locale.ROOT) + " " + d + " in " + zone.getId()
                            + " (clocks go from " + t.getDateTimeBefore().toLocalTime() + " to " + t.getDateTimeAfter().toLocalTime()
                            + "), and the scheduler would skip that week; pick a time outside that hour");
                }
            }
        }
    }

    static String parseDays(String days) {
        if (days == null || days.isBlank()) {
            throw new IllegalArgumentException("--days is required, e.g. MON or MON,THU");
        }
        Set<String> out = new LinkedHashSet<>();
        for (String part : days.split(",")) {
            String d = part.strip().toUpperCase(Locale.ROOT);
            DayOfWeek match = null;
            for (DayOfWeek dow : DayOfWeek.values()) {
                if (d.length() >= 3 && dow.name().startsWith(d)) {
                    match = dow;
                }
            }
            if (match == null) {
                throw new IllegalArgumentException("--days: '" + part.strip() + "' is not a day; use MON,TUE,WED,THU,FRI,SAT,SUN");
            }
            out.add(match.name().substring(0, 3));
        }
        return String.join(",", new ArrayList<>(out));
    }

    private static Schedule schedule(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Schedule(rs.getLong("id"), rs.getString("name"), rs.getString("days"), rs.getString("local_time"), rs.getString("zone"),
                rs.getString("segment_name"), rs.getBoolean("per_recipient_time"));
    }

}
