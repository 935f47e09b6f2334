package dev.letterpress.cli;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.letterpress.App;
import dev.letterpress.config.Config;
import dev.letterpress.delivery.Campaign;
import dev.letterpress.subscriber.CsvImporter;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.Subscription;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * The README's first command: a built-in mail catcher, generated subscribers (and a few bad rows, reported),
 * the demo issue sent through real SMTP in batches, a summary with the send rate, then a local page to read
 * the caught mail and click through it.
 */
@Command(name = "demo", description = "Send the demo issue to generated subscribers through a built-in mail catcher, then keep serving.")
final class DemoCommand implements Callable<Integer> {
    static final String LIST = "Build Notes weekly";
    private static final String[] FIRST = {"Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Radia",
        "Tim", "Frances", "John", "Hedy", "Edsger", "Sophie", "Donald", "Joan", "Guido", "Anita"};
    private static final String[] LAST = {"Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Ritchie", "Liskov",
        "Thompson", "Perlman", "Berners-Lee", "Allen", "Backus", "Lamarr", "Dijkstra", "Wilson", "Knuth", "Clarke", "Rossum", "Borg"};
    private static final String[] CITIES = {"London", "Berlin", "Lisbon", "Toronto", "Nairobi", "Osaka", "Austin", "Melbourne"};

    @ParentCommand
    Main main;

    @Option(names = "--exit", description = "Exit after the send instead of serving the mailbox page.")
    boolean exit;

    @Option(names = "--subscribers", paramLabel = "N", description = "Generated subscribers (default: demo.subscribers, 1000).")
    Integer count;

    @Override
    public Integer call() throws Exception {
        Config base = main.config();
        int smtpPort = portOr(base.demo().smtpPort());
        GreenMail catcher = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        catcher.start();
        int httpPort = portOr(base.http().port());
        URI url = httpPort == base.http().port() ? base.http().publicBaseUrl() : URI.create("http://localhost:" + httpPort);
        Config config = base.withHttp(new Config.Http(base.http().host(), httpPort, url))
                .withSmtp(base.smtp().at("127.0.0.1", smtpPort));
        AtomicReference<App> ref = new AtomicReference<>();
        App app = App.create(config, null, new DemoMailbox(catcher, ref::get), Clock.systemUTC());
        ref.set(app);
        try {
            MailingList list = app.subscribers.findList(LIST).orElseGet(() -> app.subscribers.createList(LIST, "Demo subscribers"));
            int n = count != null ? count : base.demo().subscribers();
            Path csv = config.dataDir().resolve("demo-subscribers.csv");
            writeCsv(csv, n);
            System.out.println("Importing " + csv + " (" + n + " generated subscribers and a few broken rows):");
            CsvImporter.Report report;
            try (Reader in = Files.newBufferedReader(csv)) {
                report = app.importer.importCsv(in, csv.getFileName().toString(), list, Subscription.CONFIRMED,
                        p -> System.out.println("  line " + p.line() + ": " + p.kind().name().toLowerCase() + ": " + p.reason()));
            }
            System.out.printf("  %,d rows: %,d added, %,d unchanged, %,d duplicates, %,d invalid%n", report.rows(), report.added(),
                    report.unchanged(), report.duplicates(), report.invalid());
            app.start();
            long id = app.campaigns.create("Build Notes demo issue", demoIssue(), List.of(LIST), null);
            System.out.println("Sending campaign #" + id + " through the mail catcher on 127.0.0.1:" + smtpPort + " ...");
            Campaign done = awaitFinish(app, id);
            Map<String, Long> ledger = app.campaignStore.stateCounts(id);
            double seconds = Duration.between(done.startedAt(), done.finishedAt()).toMillis() / 1000.0;
            System.out.printf("%nSummary: %,d recipients, %,d sent, %,d failed, %,d skipped, %.2f s, %,.0f messages/s%n",
                    done.audienceSize(), ledger.get("sent"), ledger.get("failed"), ledger.get("skipped"), seconds,
                    ledger.get("sent") / Math.max(0.001, seconds));
            System.out.println("Caught mail:     " + url + "/demo/mail  (open a message, click its links, unsubscribe)");
            System.out.println("Campaign status: java -jar target/letterpress.jar campaigns status " + id);
            if (exit) {
                return ledger.get("sent") > 0 ? 0 : 1;
            }
            System.out.println("Serving until Ctrl-C.");
            GracefulStop.awaitThenRun(() -> {
                app.close();
                catcher.stop();
            });
            return 0;
        } finally {
            if (exit) {
                app.close();
                catcher.stop();
            }
        }
    }

    private static Campaign awaitFinish(App app, long id) throws InterruptedException {
        long lastPrint = 0;
        while (true) {
            Campaign c = app.campaignStore.require(id);
            if (c.isOver() || Campaign.PAUSED.equals(c.status())) {
                return c;
            }
            if (System.currentTimeMillis() - lastPrint > 1000 && c.audienceFrozen()) {
                System.out.printf("  %,d of %,d sent%n", app.campaignStore.stateCounts(id).get("sent"), c.audienceSize());
                lastPrint = System.currentTimeMillis();
            }
            Thread.sleep(100);
        }
    }

    /** Generated readers plus four rows the importer must report: bad address, wrong field count, blank email, duplicate. */
    static void writeCsv(Path csv, int n) throws IOException {
        Files.createDirectories(csv.toAbsolutePath().getParent());
        StringBuilder sb = new StringBuilder("email,name,city,plan\n");
        for (int i = 0; i < n; i++) {
            String first = FIRST[i % FIRST.length];
            String last = LAST[(i / FIRST.length) % LAST.length];
            sb.append(first.toLowerCase()).append('.').append(last.toLowerCase()).append('.').append(i).append("@example.com,")
                    .append(first).append(' ').append(last).append(',').append(CITIES[i % CITIES.length]).append(',')
                    .append(i % 3 == 0 ? "pro" : "free").append('\n');
            if (i == 10) {
                sb.append("not-an-address,Broken Row,Nowhere,free\n");
                sb.append("too.few@example.com,Only Two Fields\n");
                sb.append(",No Email,Nowhere,free\n");
                sb.append("ada.lovelace.0@example.com,Ada Again,London,pro\n");
            }
        }
        Files.writeString(csv, sb, StandardCharsets.UTF_8);
    }

    static String demoIssue() {
        return bundled("/demo/issue.json");
    }

    /** The issue a benchmark sends: a JSON file, "demo" for the demo issue, or (null) the short bench issue. */
    static String issue(String choice) throws IOException {
        if (choice == null) {
            return bundled("/bench/issue.json");
        }
        return "demo".equals(choice) ? demoIssue() : java.nio.file.Files.readString(java.nio.file.Path.of(choice));
    }

    private static String bundled(String resource) {
        try (InputStream in = DemoCommand.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The configured port if it is free, otherwise any free port (so a second demo still starts). */
    private static int portOr(int wanted) throws IOException {
        if (wanted != 0) {
            try (ServerSocket s = new ServerSocket(wanted)) {
                return wanted;
            } catch (IOException busy) {
                // fall through to a free port
            }
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
