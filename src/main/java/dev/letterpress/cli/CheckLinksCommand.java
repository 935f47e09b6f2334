package dev.letterpress.cli;

import dev.letterpress.App;
import dev.letterpress.issue.IssueInvalidException;
import dev.letterpress.linkcheck.IssueLinks;
import dev.letterpress.linkcheck.LinkCheckOptions;
import dev.letterpress.linkcheck.LinkChecker;
import dev.letterpress.linkcheck.LinkReport;
import dev.letterpress.linkcheck.LinkResult;
import dev.letterpress.render.PreparedIssue;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code issues check-links FILE}: the link preflight on its own. Exit code 0 even with broken links, unless --strict. */
@Command(name = "check-links", description = "Check every link and image in an issue (HEAD, else GET; redirects followed and shown). "
        + "Broken links are listed; the exit code is 0 unless --strict.")
final class CheckLinksCommand implements Callable<Integer> {
    /** Exit code of --strict with broken links, and of campaigns create --check-links without --schedule-anyway. */
    static final int BROKEN_LINKS = 3;
    private static final Pattern DURATION = Pattern.compile("(\\d{1,7})(ms|s|m)");

    @ParentCommand
    IssuesCommand parent;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(names = "--strict", description = "Exit with code 3 when any link is broken.")
    boolean strict;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", description = "Per request, e.g. 500ms, 10s, 1m (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--concurrency", defaultValue = "8", description = "Requests in flight at most (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--per-host", defaultValue = "2", description = "Requests in flight to one host at most (default: ${DEFAULT-VALUE}).")
    int perHost;

    @Option(names = "--max-redirects", defaultValue = "10", description = "Longest redirect chain followed (default: ${DEFAULT-VALUE}).")
    int maxRedirects;

    @Override
    public Integer call() throws Exception {
        PreparedIssue issue;
        try {
            issue = App.issueRenderer(parent.main.config()).check(IssuesCommand.read(file));
        } catch (IssueInvalidException e) {
            return IssuesCommand.report(e, file);
        }
        LinkCheckOptions options = LinkCheckOptions.defaults().withTimeout(duration(timeout))
                .withConcurrency(concurrency, perHost).withMaxRedirects(maxRedirects);
        List<LinkResult> results = check(issue, options, System.out);
        return strict && results.stream().anyMatch(LinkResult::broken) ? BROKEN_LINKS : 0;
    }

    /** Checks the issue's links and prints one line per link and a summary to {@code out}. */
    static List<LinkResult> check(PreparedIssue issue, LinkCheckOptions options, PrintStream out) {
        Map<String, IssueLinks.Link> links = new LinkedHashMap<>();
        for (IssueLinks.Link l : IssueLinks.of(issue)) {
            links.put(l.url(), l);
        }
        List<LinkResult> results;
        try (LinkChecker checker = new LinkChecker(options)) {
            results = checker.check(List.copyOf(links.keySet()));
        }
        LinkReport.lines(results, links).forEach(out::println);
        return results;
    }

    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("--timeout '" + text + "' is not a duration; use e.g. 500ms, 10s or 1m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }
}
