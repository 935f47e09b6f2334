package dev.letterpress.schedule;

import dev.letterpress.delivery.Campaign;
import dev.letterpress.delivery.CampaignStore;
import dev.letterpress.delivery.LocalSendTime;
import dev.letterpress.render.IssueRenderer;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.SubscriberStore;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;

/**
 * Creating, pausing, resuming and cancelling campaigns. The issue is checked (schemas and a test render of
 * every template) before anything is stored, so a broken issue is refused here and never found mid-send.
 */
public final class Campaigns {
    static final int MAX_NAME = 300;
    private final CampaignStore store;
    private final SubscriberStore subscribers;
    private final IssueRenderer renderer;
    private final Scheduling scheduling;
    private final Clock clock;
    private final java.util.Set<String> smtpServers;

    public Campaigns(CampaignStore store, SubscriberStore subscribers, IssueRenderer renderer, Scheduling scheduling, Clock clock,
                     java.util.Set<String> smtpServers) {
        this.smtpServers = java.util.Set.copyOf(smtpServers);
        this.store = store;
        this.subscribers = subscribers;
        this.renderer = renderer;
        this.scheduling = scheduling;
        this.clock = clock;
    }

    /** Validates and stores an issue; returns its id. */
    public long saveIssue(String name, String json) {
        renderer.check(json);
        return store.saveIssue(name, json);
    }

    /** Validates the issue, stores it and schedules the campaign at {@code sendAt} (null: now). */
    public long create(String name, String issueJson, List<String> listNames, Instant sendAt) {
        return create(name, issueJson, listNames, sendAt, null);
    }

    /** As above, pinned to the named server of the SMTP pool (null: any healthy server). */
    public long create(String name, String issueJson, List<String> listNames, Instant sendAt, String smtpServer) {
        return create(name, issueJson, listNames, sendAt, smtpServer, null);
    }

    /**
     * As above, narrowed to the lists' subscribers matching {@code segment} (an expression of the segment language,
     * copied into the campaign; null: everyone on the lists). A bad expression is refused with its column.
     */
    public long create(String name, String issueJson, List<String> listNames, Instant sendAt, String smtpServer, String segment) {
        return create(name, issueJson, listNames, sendAt, smtpServer, segment, null);
    }

    /**
     * Per-recipient local time ("Timewarp"): as above, but each subscriber gets the campaign at {@code localTime}
     * (e.g. 2026-12-01T09:00) in their own zone, from their {@code timezone} attribute, or in {@code fallbackZone}
     * when that is missing or not a known IANA zone. The campaign starts (freezing its audience) when the first zone
     * on Earth reaches that time (UTC+14) and is done when the last (UTC-12) has, retries apart. Refused when even
     * the last zone's time is past.
     */
    public long createAtLocalTime(String name, String issueJson, List<String> listNames, LocalDateTime localTime, ZoneId fallbackZone,
                                  String smtpServer, String segment) {
        LocalSendTime local = new LocalSendTime(localTime, fallbackZone);
        if (local.last().isBefore(clock.instant())) {
            throw new IllegalArgumentException("local time " + local.at() + " has passed in every time zone (the last one reached it at "
                    + local.last() + "); pick a later time");
        }
        return create(name, issueJson, listNames, null, smtpServer, segment, local);
    }

    private long create(String name, String issueJson, List<String> listNames, Instant sendAt, String smtpServer, String segment,
                        LocalSendTime local) {
        checkName(name);
        if (segment != null) {
            dev.letterpress.segment.Segment.parse(segment); // throws SegmentSyntaxException naming the column
        }
        if (listNames.isEmpty()) {
            throw new IllegalArgumentException("a campaign needs at least one list (--list NAME)");
        }
        if (smtpServer != null && !smtpServers.contains(smtpServer)) {
            throw new IllegalArgumentException("no SMTP server named '" + smtpServer + "'; the configured ones are "
                    + new java.util.TreeSet<>(smtpServers) + " (smtp.name and smtp.servers)");
        }
        List<Long> listIds = listNames.stream().map(subscribers::requireList).map(MailingList::id).toList();
        long issueId = saveIssue(name, issueJson);
        return createForIssue(name, issueId, listIds, sendAt, null, smtpServer, segment, local);
    }

    long createForIssue(String name, long issueId, List<Long> listIds, Instant sendAt, Long scheduleId) {
        return createForIssue(name, issueId, listIds, sendAt, scheduleId, null, null, null);
    }

    /** {@code local} non-null: at that local time per recipient, starting at its first zone (or now, if that passed). */
    long createForIssue(String name, long issueId, List<Long> listIds, Instant sendAt, Long scheduleId, String smtpServer,
                        String segment, LocalSendTime local) {
        checkName(name);
        Instant now = clock.instant();
        Instant when = local != null ? (local.first().isAfter(now) ? local.first() : now) : sendAt == null ? now : sendAt;
        long id = store.create(name, issueId, listIds, when, scheduleId, smtpServer, segment, local);
        scheduling.scheduleCampaign(id, when);
        return id;
    }

    /** A campaign's name fits its column (300) and is one line: refused with a reason, never a database error. */
    private static void checkName(String name) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a campaign name is 1 to " + MAX_NAME + " characters on one line"
                    + (name == null ? "" : " (this one has " + name.length() + ")"));
        }
    }

    public void pause(long id) {
        Campaign c = store.require(id);
        if (!store.transition(id, Campaign.RUNNING, Campaign.PAUSED, "paused by request")
                && !store.transition(id, Campaign.SCHEDULED, Campaign.PAUSED, "paused by request")) {
            throw new IllegalArgumentException("campaign #" + id + " is " + c.status() + "; only a scheduled or running campaign can be paused");
        }
    }

    /** Continues a paused campaign from its ledger. */
    public void resume(long id) {
        Campaign c = store.require(id);
        String next = c.audienceFrozen() ? Campaign.RUNNING : Campaign.SCHEDULED;
        if (!store.transition(id, Campaign.PAUSED, next, null)) {
            throw new IllegalArgumentException("campaign #" + id + " is " + c.status() + "; only a paused campaign can be resumed");
        }
        Instant at = c.sendAt().isAfter(clock.instant()) ? c.sendAt() : clock.instant();
        scheduling.scheduleCampaign(id, at);
    }

    public void cancel(long id) {
        Campaign c = store.require(id);
        // conditional on the status just read: a campaign that finished meanwhile stays finished
        if (c.isOver() || !store.transition(id, c.status(), Campaign.CANCELLED, "cancelled by request")) {
            throw new IllegalArgumentException("campaign #" + id + " is already " + store.require(id).status());
        }
    }

    /** After a restart: every campaign that was sending gets a trigger, so it resumes from its ledger. */
    public int resumeInterrupted() {
        int n = 0;
        for (Campaign c : store.inStatus(Campaign.RUNNING)) {
            if (!scheduling.hasPendingTrigger(c.id())) {
                scheduling.scheduleCampaign(c.id(), clock.instant());
                n++;
            }
        }
        // A scheduled campaign whose trigger fired while this node was stopping was handed back unstarted and has no
        // trigger left: give it one, or it would never be sent.
        for (Campaign c : store.inStatus(Campaign.SCHEDULED)) {
            if (!scheduling.hasPendingTrigger(c.id())) {
                Instant now = clock.instant();
                scheduling.scheduleCampaign(c.id(), c.sendAt() != null && c.sendAt().isAfter(now) ? c.sendAt() : now);
                n++;
            }
        }
        return n;
    }
}
