package dev.letterpress.cli;

import dev.letterpress.App;
import dev.letterpress.subscriber.CsvImporter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "subscribers", description = "Manage subscribers.", subcommands = SubscribersCommand.Import.class)
final class SubscribersCommand {
    @ParentCommand
    Main main;

    @Command(name = "import", description = "Import a CSV file (email,name,...attributes) into a list.")
    static final class Import implements Callable<Integer> {
        private static final int SHOWN = 20;

        @ParentCommand
        SubscribersCommand parent;

        @Parameters(paramLabel = "FILE")
        Path file;

        @Option(names = "--list", required = true, paramLabel = "NAME")
        String list;

        @Option(names = "--status", defaultValue = "confirmed", paramLabel = "STATUS",
                description = "confirmed (consent already given, the default) or unconfirmed.")
        String status;

        @Option(names = "--errors", paramLabel = "FILE", description = "Write every bad or duplicate row here as CSV (line,kind,reason).")
        Path errors;

        @Override
        public Integer call() throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no such file: " + file);
            }
            try (App app = parent.main.app()) {
                var target = app.subscribers.requireList(list);
                return run(app, target);
            }
        }

        private int run(App app, dev.letterpress.subscriber.MailingList target) throws IOException {
            try (Reader in = CsvImporter.utf8(Files.newInputStream(file));
                 BufferedWriter errorOut = errors == null ? null : Files.newBufferedWriter(errors, StandardCharsets.UTF_8)) {
                boolean terminal = System.console() != null;
                long size = Files.size(file);
                int[] shown = {0};
                if (errorOut != null) {
                    errorOut.write("line,kind,reason\n");
                }
                var report = app.importer.importCsv(in, file.getFileName().toString(), target, status, new CsvImporter.Listener() {
                    @Override
                    public void problem(CsvImporter.RowProblem p) {
                        if (shown[0]++ < SHOWN) {
                            System.err.println((terminal ? "\r" : "") + "line " + p.line() + ": " + p.kind().name().toLowerCase() + ": " + p.reason());
                        }
                        if (errorOut != null) {
                            try {
                                errorOut.write(p.line() + "," + p.kind().name().toLowerCase() + ",\"" + p.reason().replace("\"", "\"\"") + "\"\n");
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                    }

                    @Override
                    public void progress(long rows, long written, long toWrite) {
                        if (terminal) {
                            String line = toWrite == 0 ? String.format("reading: %,d rows (file is %,d KB)", rows, size / 1024)
                                    : String.format("writing: %,d of %,d rows", written, toWrite);
                            System.err.printf("\r%-60s", line); // padded: the longer reading line leaves nothing behind
                        }
                    }
                });
                if (terminal) {
                    System.err.print("\r" + " ".repeat(60) + "\r");
                }
                long problems = report.invalid() + report.duplicates();
                if (problems > SHOWN) {
                    System.err.println("... and " + (problems - SHOWN) + " more" + (errors == null ? " (use --errors FILE to get them all)" : " (all in " + errors + ")"));
                }
                System.out.printf("Imported %s into \"%s\": %,d rows read, %,d added, %,d updated, %,d unchanged, %,d newly on the list, "
                                + "%,d duplicates, %,d invalid, in %.1f s (%,.0f rows/s)%n", file.getFileName(), target.name(), report.rows(),
                        report.added(), report.updated(), report.unchanged(), report.subscribed(), report.duplicates(), report.invalid(),
                        report.took().toMillis() / 1000.0, report.rowsPerSecond());
                return report.invalid() > 0 ? 3 : 0;
            }
        }
    }
}
