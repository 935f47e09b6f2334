package dev.letterpress.cli;

import dev.letterpress.App;
import dev.letterpress.config.ConfigLoader;
import dev.letterpress.delivery.Campaign;
import dev.letterpress.render.MailComposer;
import dev.letterpress.render.RenderedContent;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.Subscriber;
import dev.letterpress.tracking.LinkRegistry;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench send}: a whole campaign (freeze, per-recipient render, tracked links, MIME, SMTP, ledger) of the
 * demo issue to N generated recipients into an SMTP sink, then the same number of pre-built messages sent with
 * stock Jakarta Mail over one reused Transport per thread, as the baseline.
 */
@Command(name = "send", description = "Send the demo issue to N generated recipients into an SMTP sink; compare with stock Jakarta Mail.")
final class BenchSendCommand implements Callable<Integer> {
    private static final String LIST = "bench";
    private static final String WARMUP_LIST = "bench-warmup";
    private static final String CAMPAIGN = "letterpress campaign";
    private static final String SIGNED = "letterpress + DKIM";

    @Option(names = "--recipients", paramLabel = "N", defaultValue = "100000", description = "Generated recipients (default: ${DEFAULT-VALUE}).")
    int recipients;

    @Option(names = "--sink", paramLabel = "HOST:PORT|builtin",
            description = "Send to this SMTP server instead of starting one (default: Postfix's smtp-sink if on PATH, else a built-in sink). "
                    + "'builtin' forces the built-in sink.")
    String sink;

    @Option(names = "--connections", paramLabel = "C", defaultValue = "4", description = "SMTP connections (delivery.connections and baseline threads; default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--layout", paramLabel = "bundled|compact", defaultValue = "bundled",
            description = "The HTML layout: the bundled one (inline-styled, ~31 KB messages) or a compact one styled by a <style>"
                    + " block (~9 KB), near the message size the send target was stated for (default: ${DEFAULT-VALUE}).")
    String layout;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "0",
            description = "delivery.batch.size for the campaign (default: the configuration's default).")
    int batchSize;

    @Option(names = "--db-url", description = "A jdbc:h2: URL to try instead of the default; {dir} stands for the work directory's db folder.")
    String dbUrl;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "50000",
            description = "Before each measured phase, the same work for W other recipients, --warmup-rounds times, not counted "
                    + "(default: ${DEFAULT-VALUE}; 0: measure from a cold start).")
    int warmup;

    @Option(names = "--warmup-rounds", paramLabel = "R", defaultValue = "3",
            description = "Warm-up campaigns (and baseline runs) before each measured one: a fresh JVM's JIT compiles for the first "
                    + "tens of seconds, and each campaign's start and end take paths the sending loop does not; the JIT column shows "
                    + "what is left (default: ${DEFAULT-VALUE}).")
    int warmupRounds;

    @Option(names = "--no-smtp-source", description = "Skip Postfix's smtp-source reference run (it runs when smtp-sink is the sink).")
    boolean noSmtpSource;

    @Option(names = "--baseline-only", description = "Only run the stock Jakarta Mail baseline.")
    boolean baselineOnly;

    @Option(names = "--no-baseline", description = "Skip the stock Jakarta Mail baseline.")
    boolean noBaseline;

    @Option(names = "--issue", paramLabel = "FILE|demo",
            description = "Issue to send: a JSON file, 'demo' for the demo issue (~45 KB messages), or by default a short issue with one of each section type (1.8 KB of content, ~31 KB messages with the layout).")
    String issueChoice;

    @Option(names = "--dkim", description = "Also send the campaign DKIM-signed (a fresh 2048-bit key), after the unsigned one, and print the cost per message.")
    boolean dkim;

    @Option(names = "--dir", description = "Work directory (default: a new temporary directory, deleted afterwards).")
    Path dir;

    /** One measured phase. */
    record Figures(String name, long messages, double seconds, double wallSeconds, double cpuSeconds, double jitSeconds, long peakHeap,
                   double sinkCpuSeconds) {
        Figures(String name, long messages, double seconds, double wallSeconds, double cpuSeconds, double jitSeconds, long peakHeap) {
            this(name, messages, seconds, wallSeconds, cpuSeconds, jitSeconds, peakHeap, Double.NaN);
        }

        Figures withSinkCpu(double s) {
            return new Figures(name, messages, seconds, wallSeconds, cpuSeconds, jitSeconds, peakHeap, s);
        }

        double rate() {
            return messages / Math.max(1e-9, seconds);
        }

        double wallRate() {
            return messages / Math.max(1e-9, wallSeconds);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (baselineOnly && noBaseline) {
            throw new IllegalArgumentException("--baseline-only and --no-baseline exclude each other");
        }
        if (warmup < 0 || warmupRounds < 0) {
            throw new IllegalArgumentException("--warmup and --warmup-rounds must be 0 or more");
        }
        if (recipients < 1) {
            throw new IllegalArgumentException("--recipients must be at least 1");
        }
        if (!"bundled".equals(layout) && !"compact".equals(layout)) {
            throw new IllegalArgumentException("--layout: expected bundled or compact, got '" + layout + "'");
        }
        if (connections < 1 || connections > 64) {
            throw new IllegalArgumentException("--connections must be 1..64");
        }
        boolean temporary = dir == null;
        Path work = temporary ? Files.createTempDirectory("letterpress-bench-send") : dir;
        Process smtpSink = null;
        BenchSink builtin = null;
        try {
            String host;
            int port;
            String sinkName;
            if (sink != null && !sink.equals("builtin")) {
                int colon = sink.lastIndexOf(':');
                if (colon < 1) {
                    throw new IllegalArgumentException("--sink must be HOST:PORT or builtin");
                }
                host = sink.substring(0, colon);
                port = Integer.parseInt(sink.substring(colon + 1));
                sinkName = "external " + sink;
            } else if (sink == null && BenchSendSetup.onPath("smtp-sink") != null) {
                host = "127.0.0.1";
                port = BenchSendSetup.freePort();
                smtpSink = new ProcessBuilder(BenchSendSetup.onPath("smtp-sink").toString(), "-u", "nobody", host + ":" + port, "1024")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                BenchSendSetup.awaitPort(host, port, smtpSink);
                sinkName = "postfix smtp-sink (child process)";
            } else {
                builtin = new BenchSink();
                host = "127.0.0.1";
                port = builtin.port();
                sinkName = "built-in sink (in this process; its CPU is subtracted)";
            }
            final BenchSink inProcess = builtin;
            Map<String, String> settings = new java.util.HashMap<>(Map.of(
                    "data.dir", work.resolve("db").toString(),
                    "http.port", "0",
                    "smtp.host", host,
                    "smtp.port", Integer.toString(port),
                    "delivery.connections", Integer.toString(connections)));
            if (batchSize > 0) {
                settings.put("delivery.batch.size", Integer.toString(batchSize));
            }
            if (dbUrl != null) {
                settings.put("db.url", dbUrl.replace("{dir}", work.resolve("db").toAbsolutePath().toString()));
            }
            if ("compact".equals(layout)) {
                settings.put("templates.dir", BenchSendSetup.compactTemplates(work.resolve("templates")).toString());
            }
            var config = ConfigLoader.fromMap(settings);
            System.out.printf("bench send: %,d recipients, %d connections, sink: %s, max heap %,d MB, GC: %s, %d CPUs, load %.2f%n",
                    recipients, connections, sinkName, Runtime.getRuntime().maxMemory() >> 20, collectors(),
                    Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            List<Figures> rows = new ArrayList<>();
            int messageBytes;
            try (App app = App.create(config, null, null, Clock.systemUTC())) {
                MailingList list = app.subscribers.createList(LIST, "bench send recipients");
                if (!baselineOnly) {
                    long t0 = System.nanoTime();
                    BenchSendSetup.generate(app, list.id(), recipients, "reader");
                    if (warmup > 0) {
                        BenchSendSetup.generate(app, app.subscribers.createList(WARMUP_LIST, "bench send warm-up").id(), warmup, "warmup");
                    }
                    System.out.printf("generated %,d subscribers in %.1f s (not counted)%n", recipients + warmup, (System.nanoTime() - t0) / 1e9);
                    app.start();
                    for (int round = 1; warmup > 0 && round <= warmupRounds; round++) {
                        warmedUp(round, runCampaign(app, inProcess, WARMUP_LIST, CAMPAIGN));
                    }
                    double sink0 = BenchMeter.cpuSeconds(smtpSink);
                    Figures f = runCampaign(app, inProcess, LIST, CAMPAIGN);
                    rows.add(f.withSinkCpu(BenchMeter.cpuSeconds(smtpSink) - sink0));
                }
                // the baseline's content: one rendered message of this issue, links tracked, built with stock Jakarta Mail
                long campaign = app.campaignStore.create("bench baseline", app.campaignStore.saveIssue("bench baseline", DemoCommand.issue(issueChoice)),
                        List.of(list.id()), Instant.now().plus(Duration.ofDays(3650)), null);
                MailComposer composer = new MailComposer(app.renderer.prepare(app.renderer.parse(DemoCommand.issue(issueChoice))), campaign,
                        app.urls, new LinkRegistry(app.db.jdbc()), config.sender(), Clock.systemUTC());
                Subscriber sample = new Subscriber(1, "reader1@bench.example.com", "Reader 1", Map.of("city", "City 1", "plan", "free"), "active");
                RenderedContent content = composer.content(sample, list.id(), LIST);
                MimeMessage composed = composer.compose(sample, list.id(), LIST).message();
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                composed.writeTo(bytes);
                messageBytes = bytes.size();
                if (!noBaseline) {
                    for (int round = 1; warmup > 0 && round <= warmupRounds; round++) {
                        warmedUp(round, BenchBaseline.run(composed, content, host, port, inProcess, warmup, connections));
                    }
                    double sink0 = BenchMeter.cpuSeconds(smtpSink);
                    Figures f = BenchBaseline.run(composed, content, host, port, inProcess, recipients, connections);
                    rows.add(f.withSinkCpu(BenchMeter.cpuSeconds(smtpSink) - sink0));
                }
                if (smtpSink != null && !noSmtpSource && BenchSendSetup.onPath("smtp-source") != null) {
                    rows.add(BenchSmtpSource.run(BenchSendSetup.onPath("smtp-source"), host, port, recipients, connections, messageBytes, smtpSink));
                }
            }
            Figures signed = null;
            if (dkim && !baselineOnly) {
                // the same readers again, by an App that signs: same database, same sink, a JIT already warm for the rest
                try (App app = App.create(ConfigLoader.fromMap(BenchDkim.with(settings, work)), null, null, Clock.systemUTC())) {
                    app.start();
                    for (int round = 1; warmup > 0 && round <= warmupRounds; round++) {
                        warmedUp(round, runCampaign(app, inProcess, WARMUP_LIST, SIGNED));
                    }
                    signed = runCampaign(app, inProcess, LIST, SIGNED);
                }
            }
            print(rows, messageBytes, signed);
            return 0;
        } finally {
            if (smtpSink != null) {
                smtpSink.destroy();
                smtpSink.waitFor();
            }
            if (builtin != null) {
                builtin.close();
            }
            if (temporary) {
                try (Stream<Path> paths = Files.walk(work)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private void warmedUp(int round, Figures f) {
        System.out.printf("warm-up %d/%d: %s, %,d messages, %,.0f msgs/s, JIT %s s (not counted)%n", round, warmupRounds, f.name(),
                f.messages(), f.rate(), BenchMeter.seconds(f.jitSeconds()));
    }

    private Figures runCampaign(App app, BenchSink sink, String listName, String name) throws InterruptedException, IOException {
        System.gc();
        BenchMeter.resetPeakHeap();
        long cpu0 = BenchMeter.processCpuNanos() - sinkCpu(sink);
        double jit0 = BenchMeter.jitCpuSeconds();
        long t0 = System.nanoTime();
        long id = app.campaigns.create("bench send " + listName, DemoCommand.issue(issueChoice), List.of(listName), null);
        Campaign done;
        long lastPrint = System.nanoTime();
        while (true) {
            done = app.campaignStore.require(id);
            if (done.isOver() || Campaign.PAUSED.equals(done.status())) {
                break;
            }
            if (System.nanoTime() - lastPrint > 10_000_000_000L && done.audienceFrozen()) {
                System.out.printf("  %,d of %,d sent%n", app.campaignStore.stateCounts(id).get("sent"), done.audienceSize());
                lastPrint = System.nanoTime();
            }
            Thread.sleep(20);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        long cpu = BenchMeter.processCpuNanos() - sinkCpu(sink) - cpu0;
        double jit = BenchMeter.jitCpuSeconds() - jit0;
        long peak = BenchMeter.peakHeap();
        Map<String, Long> counts = app.campaignStore.stateCounts(id);
        if (!Campaign.FINISHED.equals(done.status()) || counts.get("sent").longValue() != done.audienceSize().longValue()) {
            System.out.printf("WARNING: campaign ended %s (%s): %s%n", done.status(), done.statusReason(), counts);
        }
        if (sink != null && sink.messages() < counts.get("sent")) {
            System.out.printf("WARNING: the sink saw %,d messages, the ledger says %,d sent%n", sink.messages(), counts.get("sent"));
        }
        double seconds = Duration.between(done.startedAt(), done.finishedAt()).toNanos() / 1e9;
        return new Figures(name, counts.get("sent"), seconds, wall, cpu / 1e9, jit, peak);
    }

    private static void print(List<Figures> rows, int messageBytes, Figures signed) {
        System.out.printf("%nmessage size: %,d bytes%n", messageBytes);
        System.out.printf("%-22s %10s %9s %10s %9s %9s %10s %7s %9s %10s%n", "", "messages", "seconds", "msgs/s", "wall s", "wall/s", "CPU s",
                "JIT s", "peak heap", "sink CPU s");
        List<Figures> table = new ArrayList<>(rows);
        if (signed != null) {
            table.add(1, signed);
        }
        for (Figures f : table) {
            System.out.printf("%-22s %,10d %9.2f %,10.0f %9.2f %,9.0f %10s %7s %,7d MB %10s%n", f.name(), f.messages(), f.seconds(), f.rate(),
                    f.wallSeconds(), f.wallRate(), BenchMeter.seconds(f.cpuSeconds()), BenchMeter.seconds(f.jitSeconds()), f.peakHeap() >> 20,
                    BenchMeter.seconds(f.sinkCpuSeconds()));
        }
        Figures lp = byName(rows, CAMPAIGN);
        Figures base = byName(rows, "stock Jakarta Mail");
        Figures source = byName(rows, "postfix smtp-source");
        if (lp != null && base != null) {
            System.out.printf("letterpress / baseline: %.2fx msgs/s (wall: %.2fx), CPU per message %.0f us vs %.0f us%n",
                    lp.rate() / base.rate(), lp.wallRate() / base.wallRate(), lp.cpuSeconds() * 1e6 / lp.messages(),
                    base.cpuSeconds() * 1e6 / Math.max(1, base.messages()));
        }
        if (lp != null && source != null) {
            System.out.printf("letterpress / smtp-source: %.2fx msgs/s (smtp-source: Postfix's C load generator, same size, same sink,"
                    + " same connections)%n", lp.rate() / source.rate());
        }
        if (signed != null && lp != null) {
            BenchDkim.printCost(lp, signed);
        }
        System.out.println("(msgs/s: campaign started_at..finished_at, i.e. freeze, render, links, MIME, SMTP, ledger; wall: from create to"
                + " seen finished; CPU: whole process, minus a built-in sink's threads; JIT: the"
                + " CPU of the JIT compiler threads within it; peak heap: sum of heap pools' peaks in the phase;"
                + " sink CPU: smtp-sink's own CPU in the phase, when it is the sink)");
    }

    private static Figures byName(List<Figures> rows, String name) {
        return rows.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }

    static long sinkCpu(BenchSink sink) {
        return sink == null ? 0 : sink.cpuNanos();
    }

    /** The JVM's garbage collectors ("G1 Young Generation, G1 Old Generation"): they change the CPU per message. */
    static String collectors() {
        return String.join(", ", ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList());
    }
}
