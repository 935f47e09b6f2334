package dev.letterpress.cli;

import dev.letterpress.App;
import dev.letterpress.delivery.Campaign;
import dev.letterpress.delivery.LocalSendTime;
import dev.letterpress.issue.IssueInvalidException;
import dev.letterpress.linkcheck.LinkCheckOptions;
import dev.letterpress.linkcheck.LinkResult;
import dev.letterpress.render.PreparedIssue;
import dev.letterpress.tracking.EventStore;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "campaigns", description = "Create, follow and control campaigns.",
        subcommands = {CampaignsCommand.Create.class, CampaignsCommand.Status.class, CampaignsCommand.ListAll.class,
                CampaignsCommand.Pause.class, CampaignsCommand.Resume.class, CampaignsCommand.Cancel.class})
final class CampaignsCommand {
    @ParentCommand
    Main main;

    static final class When {
        @Option(names = "--now", required = true, description = "Send as soon as possible.")
        boolean now;

        @ArgGroup(exclusive = false)
        At at;
    }

    static final class At {
        @Option(names = "--at", required = true, paramLabel = "TIME", description = "Local date and time, e.g. 2026-12-01T09:00.")
        String time;

        @Option(names = "--zone", paramLabel = "ZONE", description = "IANA time zone for --at, e.g. Europe/Berlin (default: this machine's).")
        String zone;
    }

    /** "2026-12-01T09:00" in {@code zone}, or an instant with its own offset such as "2026-12-01T09:00Z". */
    static Instant parseAt(String time, String zone) {
        ZoneId z;
        try {
            z = zone == null ? ZoneId.systemDefault() : ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("--zone '" + zone + "' is not a time zone; use an IANA name such as Europe/Berlin");
        }
        String t = time.strip().replace(' ', 'T');
        try {
            return LocalDateTime.parse(t).atZone(z).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(t).toInstant();
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException("--at '" + time + "' is not a date and time; use 2026-12-01T09:00");
            }
        }
    }

    @Command(name = "create", description = "Validate an issue and schedule it for one or more lists.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        CampaignsCommand parent;

        @Option(names = "--issue", required = true, paramLabel = "FILE")
        Path issue;

        @Option(names = "--list", required = true, paramLabel = "NAME", description = "Target list; repeat for several.")
        List<String> lists;

        @Option(names = "--name", description = "Campaign name (default: the issue's subject).")
        String name;

        @Option(names = "--smtp", paramLabel = "SERVER", description = "Send only through this server of the SMTP pool (default: any healthy one).")
        String smtpServer;

        @Option(names = "--segment", paramLabel = "NAME", description = "Only the lists' subscribers in this saved segment (letterpress segments create); its expression is copied into the campaign.")
        String segment;

        // optional for picocli so that a missing --at with --local-time gets our message, which names --local-time
        @ArgGroup(exclusive = true, multiplicity = "0..1")
        When when;

        @Option(names = "--utm", arity = "0..1", fallbackValue = "", paramLabel = "CAMPAIGN",
                description = "Append utm_source (the newsletter), utm_medium=email and utm_campaign (this value; default: the campaign name as a slug) to the issue's links.")
        String utm;

        @Option(names = "--local-time", description = "Send at --at in each subscriber's own time zone (their timezone attribute; --zone for"
                + " those without a valid one), from when the first zone reaches that time until the last does.")
        boolean localTime;

        @Option(names = "--check-links", description = "Check the issue's links first; with broken ones, list them and schedule nothing.")
        boolean checkLinks;

        @Option(names = "--schedule-anyway", description = "Check the links, list the broken ones, and schedule all the same.")
        boolean scheduleAnyway;

        @Override
        public Integer call() throws Exception {
            LocalDateTime local = localTime ? parseLocal(when) : null;
            if (when == null) {
                throw new IllegalArgumentException("say when: --now, or --at 2026-12-01T09:00 [--zone Europe/Berlin]");
            }
            String json = IssuesCommand.read(issue);
            Instant at = when.now || localTime ? null : parseAt(when.at.time, when.at.zone);
            if (checkLinks || scheduleAnyway) {
                Integer refused = preflight(json);
                if (refused != null) {
                    return refused;
                }
            }
            try (App app = parent.main.app()) {
                String campaignName = name != null ? name : app.renderer.parse(json).subject();
                String expression = segment == null ? null : app.segments.require(segment).expression();
                long id = local != null
                        ? app.campaigns.createAtLocalTime(campaignName, json, lists, local, ZoneId.of(when.at.zone), smtpServer, expression)
                        : app.campaigns.create(campaignName, json, lists, at, smtpServer, expression);
                if (utm != null) {
                    // links are registered when the first message renders, after the audience has been frozen:
                    // long after this update, so every link gets the parameters
                    app.links.setUtm(id, utmValue(utm, campaignName));
                }
                Campaign c = app.campaignStore.require(id);
                LocalSendTime lt = app.campaignStore.localTime(id);
                System.out.println("Campaign #" + id + " \"" + c.name() + "\" scheduled for " + (lt == null ? c.sendAt() + (when.now ? " (now)" : "")
                        : lt.at() + " in each subscriber's time zone (fallback " + lt.fallback() + "), from " + c.sendAt() + " until " + lt.last())
                        + "; a running `letterpress serve` sends it. Follow it with: letterpress campaigns status " + id);
                return 0;
            } catch (IssueInvalidException e) {
                return IssuesCommand.report(e, issue);
            }
        }

        /** The link preflight: null to go on scheduling, or the exit code when broken links (or an invalid issue) stop it. */
        private Integer preflight(String json) {
            PreparedIssue prepared;
            try {
                prepared = App.issueRenderer(parent.main.config()).check(json);
            } catch (IssueInvalidException e) {
                return IssuesCommand.report(e, issue);
            }
            long broken = CheckLinksCommand.check(prepared, LinkCheckOptions.defaults(), System.out).stream().filter(LinkResult::broken).count();
            if (broken > 0 && !scheduleAnyway) {
                System.err.println(broken + " broken link" + (broken == 1 ? "" : "s") + ": nothing scheduled. Fix "
                        + (broken == 1 ? "it" : "them") + ", or schedule all the same with --schedule-anyway.");
                return CheckLinksCommand.BROKEN_LINKS;
            }
            if (broken > 0) {
                System.out.println("Scheduling anyway with " + broken + " broken link" + (broken == 1 ? "" : "s") + " (--schedule-anyway).");
            }
            return null;
        }
    }

    /** --at as a local date and time for --local-time, which needs --at and --zone (the fallback zone). */
    static LocalDateTime parseLocal(When when) {
        if (when == null || when.now || when.at == null) {
            throw new IllegalArgumentException("--local-time needs --at with a local date and time, e.g. --at 2026-12-01T09:00 --zone Europe/Berlin"
                    + " (each subscriber gets it at 09:00 in their own zone)");
        }
        if (when.at.zone == null) {
            throw new IllegalArgumentException("--local-time needs --zone: the time zone for subscribers without a valid timezone attribute,"
                    + " e.g. --zone Europe/Berlin");
        }
        try {
            ZoneId.of(when.at.zone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("--zone '" + when.at.zone + "' is not a time zone; use an IANA name such as Europe/Berlin");
        }
        try {
            return LocalDateTime.parse(when.at.time.strip().replace(' ', 'T'));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--at '" + when.at.time + "' is not a local date and time; with --local-time use 2026-12-01T09:00"
                    + " (no offset: the offset is each subscriber's own)");
        }
    }

    /** The utm_campaign value: as given, or the campaign name as a slug. */
    static String utmValue(String given, String campaignName) {
        String v = given.isBlank() ? campaignName.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "") : given.strip();
        if (v.isEmpty() || v.length() > 200 || v.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("--utm '" + given + "' is not usable as utm_campaign; give 1 to 200 printable characters, e.g. --utm issue-42");
        }
        return v;
    }

    @Command(name = "status", description = "A campaign's status, ledger counts and events.")
    static final class Status implements Runnable {
        @ParentCommand
        CampaignsCommand parent;

        @Parameters(paramLabel = "ID")
        long id;

        @Override
        public void run() {
            try (App app = parent.main.app()) {
                Campaign c = app.campaignStore.require(id);
                System.out.println("Campaign #" + c.id() + " \"" + c.name() + "\": " + c.status()
                        + (c.statusReason() == null ? "" : " (" + c.statusReason() + ")"));
                System.out.println("  send at   " + c.sendAt() + (c.startedAt() == null ? "" : "   started " + c.startedAt())
                        + (c.finishedAt() == null ? "" : "   finished " + c.finishedAt()));
                System.out.println("  audience  " + (c.audienceFrozen() ? c.audienceSize() + " recipients (frozen)" : "not frozen yet"));
                LocalSendTime lt = app.campaignStore.localTime(id);
                if (lt != null) {
                    System.out.println("  local     " + lt.at() + " in each subscriber's time zone (fallback " + lt.fallback() + "): from "
                            + lt.first() + " until " + lt.last() + "; " + app.campaignStore.stateCounts(id).get("waiting")
                            + " waiting for their local time");
                }
                StringBuilder ledger = new StringBuilder("  ledger   ");
                app.campaignStore.stateCounts(id).forEach((state, n) -> ledger.append(' ').append(state).append(' ').append(n).append(" |"));
                System.out.println(ledger.substring(0, ledger.length() - 2));
                Map<String, EventStore.Count> events = app.events.counts(id);
                StringBuilder ev = new StringBuilder("  events   ");
                for (String kind : List.of("open", "click", "unsubscribe", "bounce", "complaint")) {
                    EventStore.Count n = events.getOrDefault(kind, new EventStore.Count(0, 0));
                    ev.append(' ').append(kind).append("s ").append(n.total()).append(" (").append(n.unique()).append(" unique) |");
                }
                System.out.println(ev.substring(0, ev.length() - 2));
                long complaints = events.getOrDefault("complaint", new EventStore.Count(0, 0)).unique();
                long sent = app.campaignStore.stateCounts(id).getOrDefault("sent", 0L);
                if (complaints > 0 && sent > 0) {
                    // Gmail and Yahoo: keep reported spam under 0.1 %, never at 0.3 % or above
                    double rate = 100.0 * complaints / sent;
                    System.out.printf("  complaints %.3f %% of sent%s%n", rate,
                            rate >= 0.3 ? " (at or above 0.3 %: Gmail and Yahoo reject bulk mail at this rate)"
                                    : rate >= 0.1 ? " (above Gmail's 0.1 % guideline)" : "");
                }
                // people and machines apart (docs/tracking-rules.md says how they are told apart)
                app.events.split(id).forEach((kind, s) -> System.out.printf("  %-8s  human %d (%d unique) | machine %d (%d unique)%s%n",
                        kind + "s", s.human().total(), s.human().unique(), s.machine().total(), s.machine().unique(),
                        (s.anonymous() > 0 ? " | " + s.anonymous() + " not attributed (do-not-track)" : "")
                                + (s.unclassified() > 0 ? " | " + s.unclassified() + " unclassified" : "")));
            }
        }
    }

    @Command(name = "list", description = "The most recent campaigns.")
    static final class ListAll implements Runnable {
        @ParentCommand
        CampaignsCommand parent;

        @Option(names = "--limit", defaultValue = "20")
        int limit;

        @Override
        public void run() {
            try (App app = parent.main.app()) {
                for (Campaign c : app.campaignStore.recent(limit)) {
                    System.out.printf("#%-5d %-10s %-25s %s%n", c.id(), c.status(), c.sendAt(), c.name());
                }
            }
        }
    }

    /** A command acting on one campaign by id; subclasses say what to do and what to tell the user. */
    abstract static class Control implements Runnable {
        @ParentCommand
        CampaignsCommand parent;

        @Parameters(paramLabel = "ID")
        long id;

        abstract String act(App app);

        @Override
        public void run() {
            try (App app = parent.main.app()) {
                System.out.println(act(app));
            }
        }
    }

    @Command(name = "pause", description = "Pause a scheduled or running campaign; the ledger keeps its place.")
    static final class Pause extends Control {
        @Override
        String act(App app) {
            app.campaigns.pause(id);
            return "Campaign #" + id + " paused. Resume with: letterpress campaigns resume " + id;
        }
    }

    @Command(name = "resume", description = "Resume a paused campaign from its ledger.")
    static final class Resume extends Control {
        @Override
        String act(App app) {
            app.campaigns.resume(id);
            return "Campaign #" + id + " resumed; a running `letterpress serve` continues it.";
        }
    }

    @Command(name = "cancel", description = "Cancel a campaign; recipients not yet sent to get nothing.")
    static final class Cancel extends Control {
        @Override
        String act(App app) {
            app.campaigns.cancel(id);
            return "Campaign #" + id + " cancelled.";
        }
    }
}
