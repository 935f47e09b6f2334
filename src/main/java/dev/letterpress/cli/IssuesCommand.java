package dev.letterpress.cli;

import dev.letterpress.App;
import dev.letterpress.issue.IssueInvalidException;
import dev.letterpress.issue.Problem;
import dev.letterpress.render.MailContext;
import dev.letterpress.render.PreparedIssue;
import dev.letterpress.subscriber.Subscriber;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "issues", description = "Check and preview issues.", subcommands = {IssuesCommand.Validate.class, IssuesCommand.Render.class, CheckLinksCommand.class})
final class IssuesCommand {
    @ParentCommand
    Main main;

    static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + file);
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** Prints every problem, one per line, and returns exit code 1. */
    static int report(IssueInvalidException e, Path file) {
        System.err.println(file + ": " + e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s") + ":");
        for (Problem p : e.problems()) {
            System.err.println("  " + p);
        }
        return 1;
    }

    @Command(name = "validate", description = "Check an issue against the section schemas and render every template once.")
    static final class Validate implements Callable<Integer> {
        @ParentCommand
        IssuesCommand parent;

        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws IOException {
            try {
                PreparedIssue issue = App.issueRenderer(parent.main.config()).check(read(file));
                System.out.println(file + ": valid, " + issue.issue().sections().size() + " sections ("
                        + String.join(", ", issue.issue().sections().stream().map(s -> s.type()).toList()) + ")");
                return 0;
            } catch (IssueInvalidException e) {
                return report(e, file);
            }
        }
    }

    @Command(name = "render", description = "Render an issue to HTML (and text) for a subscriber, as a preview. Links are not tracked.")
    static final class Render implements Callable<Integer> {
        @ParentCommand
        IssuesCommand parent;

        @Parameters(paramLabel = "FILE")
        Path file;

        @Option(names = "--subscriber", paramLabel = "EMAIL", description = "Personalise for this subscriber (default: a sample reader).")
        String email;

        @Option(names = "--out", required = true, paramLabel = "FILE.html")
        Path out;

        @Option(names = "--text", paramLabel = "FILE.txt", description = "Also write the plain-text part here.")
        Path text;

        @Override
        public Integer call() throws Exception {
            var config = parent.main.config();
            PreparedIssue issue;
            try {
                issue = App.issueRenderer(config).check(read(file));
            } catch (IssueInvalidException e) {
                return report(e, file);
            }
            Subscriber reader = new Subscriber(0, "reader@example.com", "Sample Reader", Map.of(), "active");
            if (email != null) {
                try (App app = App.create(config)) {
                    reader = app.subscribers.findByEmail(email).orElseThrow(() -> new IllegalArgumentException("no subscriber " + email));
                }
            }
            String base = config.http().publicBaseUrl() + "/preview";
            var content = issue.render(new MailContext(reader, "Preview list", base + "/view", base + "/unsubscribe",
                    base + "/preferences", base + "/share", base + "/open.gif"));
            Files.writeString(out, content.html(), StandardCharsets.UTF_8);
            if (text != null) {
                Files.writeString(text, content.text(), StandardCharsets.UTF_8);
            }
            System.out.println("Wrote " + out + (text != null ? " and " + text : "") + " for " + reader.email());
            return 0;
        }
    }
}
