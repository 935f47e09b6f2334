package dev.letterpress.cli;

import dev.letterpress.App;
import dev.letterpress.config.Config;
import dev.letterpress.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code letterpress} command line. Errors print one line and exit non-zero; --verbose adds the stack trace. */
@Command(name = "letterpress", mixinStandardHelpOptions = true, version = "Letterpress 0.1",
        description = "Self-hosted newsletter delivery: subscribers, sectioned issues, scheduled SMTP sends, tracking.",
        subcommands = {ServeCommand.class, DemoCommand.class, ListsCommand.class, SubscribersCommand.class, IssuesCommand.class,
                CampaignsCommand.class, SchedulesCommand.class, SegmentsCommand.class, BenchCommand.class, SigningKeysCommand.class, KeysCommand.class, AdminsCommand.class, InboundCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    static final Path DEFAULT_CONFIG = Path.of("config", "letterpress.properties");

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (default: config/letterpress.properties if it exists; defaults otherwise).")
    Path configFile;

    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;

    public static void main(String[] args) {
        // Removes a ServiceLoader lookup Jakarta Mail does per call (upstream jakartaee/mail-api #861).
        System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Main main = cmd.getCommandSpec().root().userObject() instanceof Main m ? m : null;
            PrintWriter err = cmd.getErr();
            err.println("error: " + message(e));
            if (main != null && main.verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cli;
    }

    Config config() {
        return ConfigLoader.load(configFile != null ? configFile : DEFAULT_CONFIG, configFile != null, System.getenv());
    }

    App app() {
        return App.create(config());
    }

    private static String message(Throwable e) {
        Throwable t = e;
        // unwrap wrappers that add nothing
        while (t.getCause() != null && (t.getMessage() == null || t instanceof java.util.concurrent.CompletionException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
