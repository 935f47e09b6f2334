package dev.letterpress.cli;

import dev.letterpress.App;
import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import dev.letterpress.subscriber.Subscription;
import java.io.StringReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Inputs and the check for bench/load.sh: valid pixel and click URLs of a real campaign, then its event count. */
final class BenchTrackingCommand {
    private static final Sql SQL = Sql.load("bench");

    private BenchTrackingCommand() {}

    @Command(name = "tokens", description = "Create a (cancelled) campaign whose N readers have sent ledger rows and registered links, and write valid"
            + " pixel and click paths for a load test: DIR/pixel.txt, DIR/click.txt, DIR/campaign.")
    static final class Tokens implements Callable<Integer> {
        @ParentCommand
        BenchCommand parent;

        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path out;

        @Option(names = "--subscribers", defaultValue = "10000", description = "Distinct readers (default: ${DEFAULT-VALUE}).")
        int subscribers;

        @Option(names = "--links", defaultValue = "20", description = "Links in the issue (default: ${DEFAULT-VALUE}).")
        int links;

        @Override
        public Integer call() throws IOException {
            if (subscribers < 1 || links < 1) {
                throw new IllegalArgumentException("--subscribers and --links must be at least 1");
            }
            Files.createDirectories(out);
            try (App app = parent.main.app()) {
                String listName = "bench-tracking-" + System.currentTimeMillis();
                var list = app.subscribers.createList(listName, "bench tokens");
                StringBuilder csv = new StringBuilder("email,name\n");
                for (int s = 1; s <= subscribers; s++) {
                    csv.append("load").append(s).append('.').append(list.id()).append("@bench.example.com,Reader ").append(s).append('\n');
                }
                app.importer.importCsv(new StringReader(csv.toString()), "bench-tokens.csv", list, Subscription.CONFIRMED, p -> { });
                // scheduled far ahead and cancelled at once: it only exists so its tokens and links are real
                long campaign = app.campaigns.create("bench tracking", dev.letterpress.cli.DemoCommand.demoIssue(), List.of(listName),
                        Instant.now().plus(3650, ChronoUnit.DAYS));
                app.campaigns.cancel(campaign);
                // ...and every reader has a ledger row, sent an hour ago, as after a real send: the event writer looks
                // up each reader's delivery and marks it at their first open and click, work a load test must include
                // (a campaign without ledger rows hid a per-batch scan of the whole ledger)
                Jdbc jdbc = app.db.jdbc();
                jdbc.update(SQL.get("tokens-deliveries"), campaign, list.id(), Instant.now().minus(1, ChronoUnit.HOURS), list.id());
                List<Long> readers = jdbc.query(SQL.get("tokens-readers"), rs -> rs.getLong(1), campaign);
                long[] linkIds = new long[links];
                for (int i = 0; i < links; i++) {
                    linkIds[i] = app.links.idFor(campaign, "https://example.com/bench/" + i);
                }
                String base = app.urls.base();
                try (BufferedWriter pixel = Files.newBufferedWriter(out.resolve("pixel.txt"), StandardCharsets.UTF_8);
                     BufferedWriter click = Files.newBufferedWriter(out.resolve("click.txt"), StandardCharsets.UTF_8)) {
                    // each reader clicks one link, so no click burst
                    for (long s : readers) {
                        pixel.write(app.urls.open(campaign, s).substring(base.length()));
                        pixel.newLine();
                        click.write(app.urls.click(campaign, s, linkIds[(int) (s % links)]).substring(base.length()));
                        click.newLine();
                    }
                }
                Files.writeString(out.resolve("campaign"), Long.toString(campaign));
                System.out.printf("campaign #%d: %,d pixel and %,d click paths in %s%n", campaign, subscribers, subscribers, out);
                return 0;
            }
        }
    }

    @Command(name = "events", description = "Print the number of stored opens and clicks of a campaign (after the server has written them).")
    static final class Events implements Callable<Integer> {
        @ParentCommand
        BenchCommand parent;

        @Option(names = "--campaign", required = true)
        long campaign;

        @Override
        public Integer call() {
            try (App app = parent.main.app()) {
                var counts = app.events.counts(campaign);
                long opens = counts.containsKey("open") ? counts.get("open").total() : 0;
                long clicks = counts.containsKey("click") ? counts.get("click").total() : 0;
                System.out.println(opens + clicks);
                return 0;
            }
        }
    }
}
