package dev.letterpress.cli;

import dev.letterpress.App;
import dev.letterpress.issue.IssueInvalidException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "schedules", description = "Weekly schedules.", subcommands = {SchedulesCommand.Weekly.class, SchedulesCommand.ListAll.class})
final class SchedulesCommand {
    @ParentCommand
    Main main;

    @Command(name = "weekly", description = "Create weekly schedules and queue issues for them.",
            subcommands = {Weekly.Create.class, Weekly.Enqueue.class})
    static final class Weekly {
        @ParentCommand
        SchedulesCommand parent;

        @Command(name = "create", description = "Send the next queued issue every week at a local time.")
        static final class Create implements Runnable {
            @ParentCommand
            Weekly weekly;

            @Option(names = "--name", required = true)
            String name;

            @Option(names = "--days", required = true, description = "Days of the week, e.g. MON or MON,THU.")
            String days;

            @Option(names = "--time", required = true, description = "Local time of day, e.g. 09:00.")
            String time;

            @Option(names = "--zone", required = true, description = "IANA time zone, e.g. Europe/Berlin.")
            String zone;

            @Option(names = "--list", required = true, paramLabel = "NAME", description = "Target list; repeat for several.")
            List<String> lists;

            @Option(names = "--segment", paramLabel = "NAME", description = "Only the lists' subscribers in this saved segment; each firing"
                    + " copies its expression as it is then.")
            String segment;

            @Option(names = "--local-time", description = "Send at --time in each subscriber's own time zone (their timezone attribute; --zone"
                    + " for those without a valid one); each firing starts when the first zone on Earth (UTC+14) reaches that time.")
            boolean localTime;

            @Override
            public void run() {
                try (App app = weekly.parent.main.app()) {
                    var s = app.weekly.create(name, days, time, zone, lists, segment, localTime);
                    System.out.println("Weekly schedule #" + s.id() + " \"" + s.name() + "\": " + describe(s, " at ")
                            + "; next firing " + app.weekly.nextFire(s.id()) + ". Queue issues with: letterpress schedules weekly enqueue");
                }
            }
        }

        @Command(name = "enqueue", description = "Validate an issue and add it to a schedule's queue.")
        static final class Enqueue implements Callable<Integer> {
            @ParentCommand
            Weekly weekly;

            @Option(names = "--schedule", required = true, paramLabel = "NAME")
            String schedule;

            @Option(names = "--issue", required = true, paramLabel = "FILE")
            Path issue;

            @Override
            public Integer call() throws Exception {
                String json = IssuesCommand.read(issue);
                try (App app = weekly.parent.main.app()) {
                    long id = app.weekly.enqueue(schedule, app.renderer.parse(json).subject(), json);
                    var s = app.weekly.require(schedule);
                    System.out.println("Queued issue #" + id + " for \"" + schedule + "\" (" + app.weekly.readyCount(s.id()) + " ready)");
                    return 0;
                } catch (IssueInvalidException e) {
                    return IssuesCommand.report(e, issue);
                }
            }
        }
    }

    /** "MON,THU at 09:00 Europe/Berlin" ({@code at} " at ") or as {@code schedules list} has it ({@code at} " "). */
    static String describe(dev.letterpress.schedule.WeeklySchedules.Schedule s, String at) {
        return s.days() + at + s.localTime() + (s.perRecipientTime() ? " in each subscriber's time zone (fallback " + s.zone() + ")" : " " + s.zone())
                + (s.segmentName() == null ? "" : ", segment " + s.segmentName());
    }

    @Command(name = "list", description = "Weekly schedules with their next firing, queue and recent runs.")
    static final class ListAll implements Runnable {
        @ParentCommand
        SchedulesCommand parent;

        @Override
        public void run() {
            try (App app = parent.main.app()) {
                for (var s : app.weekly.all()) {
                    System.out.println("#" + s.id() + " " + s.name() + ": " + describe(s, " ")
                            + ", next " + app.weekly.nextFire(s.id()) + ", " + app.weekly.readyCount(s.id()) + " issue(s) ready");
                    for (var r : app.weekly.runs(s.id(), 5)) {
                        System.out.println("    " + r.firedAt() + " " + r.outcome() + (r.campaignId() == null ? "" : " campaign #" + r.campaignId())
                                + (r.note() == null ? "" : " (" + r.note() + ")"));
                    }
                }
            }
        }
    }
}
