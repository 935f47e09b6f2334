package dev.letterpress.cli;

import dev.letterpress.App;
import dev.letterpress.config.ConfigLoader;
import dev.letterpress.subscriber.CsvImporter;
import dev.letterpress.subscriber.Subscription;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Benchmarks that live with the code. Numbers are whole-process and machine-dependent: compare runs side by side. */
@Command(name = "bench", description = "Benchmarks (not tests): print throughput figures.", subcommands = {BenchCommand.Import.class, BenchSendCommand.class,
        BenchTrackingCommand.Tokens.class, BenchTrackingCommand.Events.class, BenchSizeCommand.class})
final class BenchCommand {
    @picocli.CommandLine.ParentCommand
    Main main;

    @Command(name = "import", description = "Import N generated CSV rows into a fresh embedded H2 database, then re-import the same file.")
    static final class Import implements Callable<Integer> {
        @Option(names = "--rows", defaultValue = "1000000", description = "Rows to generate (default: ${DEFAULT-VALUE}).")
        int rows;

        @Option(names = "--dir", description = "Work directory (default: a new temporary directory, deleted afterwards).")
        Path dir;

        @Option(names = "--db-url", description = "A JDBC URL to try instead of the default: other H2 settings ({dir} stands for the work "
                + "directory's db folder), or an empty PostgreSQL database (user and password as URL parameters).")
        String dbUrl;

        @Option(names = "--warmup", paramLabel = "W", defaultValue = "0",
                description = "First import W other rows into another list, not counted: the measured import then runs in a JVM whose JIT "
                        + "has compiled the importer, as in a server that has imported before (default: ${DEFAULT-VALUE}, a fresh JVM, "
                        + "as the CLI's import).")
        int warmup;

        @Option(names = "--addresses", defaultValue = "shuffled", paramLabel = "ORDER",
                description = "shuffled: addresses in no order over a mix of big mailbox providers and thousands of other domains, "
                        + "as a real export is; sequential: reader0@bench.example.com, reader1@... in file order, the easiest case "
                        + "for the database's indexes (default: ${DEFAULT-VALUE}).")
        Addresses addresses;

        enum Addresses { shuffled, sequential }

        @Override
        public Integer call() throws IOException {
            if (warmup < 0) {
                throw new IllegalArgumentException("--warmup must be 0 or more");
            }
            boolean temporary = dir == null;
            Path work = temporary ? Files.createTempDirectory("letterpress-bench") : Files.createDirectories(dir);
            try {
                Path csv = work.resolve("bench.csv");
                long t0 = System.nanoTime();
                generate(csv, rows, "reader", addresses);
                System.out.printf("generated %,d rows (%,d MB) in %.1f s (not counted)%n", rows, Files.size(csv) >> 20, (System.nanoTime() - t0) / 1e9);
                if (warmup > 0) {
                    generate(work.resolve("warmup.csv"), warmup, "warmup", addresses);
                }
                Map<String, String> settings = new java.util.HashMap<>(Map.of("data.dir", work.resolve("db").toString()));
                if (dbUrl != null) {
                    settings.put("db.url", dbUrl.replace("{dir}", work.resolve("db").toAbsolutePath().toString()));
                }
                try (App app = App.create(ConfigLoader.fromMap(settings))) {
                    if (warmup > 0) {
                        timed(app, work.resolve("warmup.csv"), app.subscribers.createList("bench-warmup", null), "warm-up (not counted)");
                        BenchMeter.resetPeakHeap(); // the peak below is the measured imports' own
                    }
                    var list = app.subscribers.createList("bench", null);
                    for (String run : new String[] {"first import", "re-import (idempotent)"}) {
                        timed(app, csv, list, run);
                    }
                }
                System.out.printf("peak heap used: %,d MB (max heap %,d MB)%n", BenchMeter.peakHeap() >> 20, Runtime.getRuntime().maxMemory() >> 20);
                return 0;
            } finally {
                if (temporary) {
                    deleteTree(work);
                }
            }
        }

        private static void timed(App app, Path csv, dev.letterpress.subscriber.MailingList list, String run) throws IOException {
            CsvImporter.Report r;
            long cpu0 = BenchMeter.processCpuNanos();
            double jit0 = BenchMeter.jitCpuSeconds();
            try (Reader in = CsvImporter.utf8(Files.newInputStream(csv))) { // as the CLI, API and admin read
                r = app.importer.importCsv(in, csv.getFileName().toString(), list, Subscription.CONFIRMED, p -> { });
            }
            System.out.printf("%-24s %,d rows in %.2f s = %,.0f rows/s, %.1f s CPU of which JIT %s s (added %,d, unchanged %,d, subscribed %,d)%n",
                    run, r.rows(), r.took().toMillis() / 1000.0, r.rowsPerSecond(), (BenchMeter.processCpuNanos() - cpu0) / 1e9,
                    BenchMeter.seconds(BenchMeter.jitCpuSeconds() - jit0), r.added(), r.unchanged(), r.subscribed());
        }

        static void deleteTree(Path dir) throws IOException {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }

        /** Shares of the big mailbox providers in a typical list, in per mille; the rest spread over {@link #OTHER_DOMAINS}. */
        private static final String[] PROVIDERS = {"gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "gmx.de", "web.de"};
        private static final int[] PER_MILLE = {350, 90, 70, 60, 40, 20, 20};
        private static final int OTHER_DOMAINS = 5_000;

        static void generate(Path csv, int rows, String prefix, Addresses order) throws IOException {
            var random = new java.util.SplittableRandom(prefix.hashCode()); // the same file for the same arguments
            try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
                w.write("email,name,city,plan\n");
                for (int i = 0; i < rows; i++) {
                    String address = order == Addresses.sequential ? prefix + i + "@bench.example.com"
                            // unique through i, in no order through the random part in front of it
                            : prefix + "." + Long.toString(random.nextLong(1L << 40), 36) + "." + i + "@" + domain(random);
                    w.write(address + ",Reader " + i + ",City " + (i % 97) + "," + (i % 3 == 0 ? "pro" : "free") + "\n");
                }
            }
        }

        private static String domain(java.util.SplittableRandom random) {
            int roll = random.nextInt(1000);
            for (int p = 0; p < PROVIDERS.length; p++) {
                if ((roll -= PER_MILLE[p]) < 0) {
                    return PROVIDERS[p];
                }
            }
            return "company" + random.nextInt(OTHER_DOMAINS) + ".example";
        }
    }
}
