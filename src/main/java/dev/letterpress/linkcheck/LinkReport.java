package dev.letterpress.linkcheck;

import dev.letterpress.linkcheck.LinkResult.Hop;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Plain-text lines for the command line: one line per link, its redirects indented under it, then a summary. */
public final class LinkReport {
    private LinkReport() {}

    public static List<String> lines(List<LinkResult> results, Map<String, IssueLinks.Link> where) {
        List<String> out = new ArrayList<>();
        for (LinkResult r : results) {
            IssueLinks.Link link = where.get(r.url());
            String context = link == null || link.text().isBlank() ? "" : "  (" + (link.tag().equals("img") ? "image " : "") + "\"" + link.text() + "\")";
            out.add(String.format("%-18s %3s  %s%s", label(r), r.status() == 0 ? "-" : Integer.toString(r.status()), r.url(), context));
            for (Hop h : r.hops()) {
                out.add(String.format("%-18s %3d  -> %s", "", h.status(), h.location()));
            }
            if (r.broken() && r.detail() != null && !r.detail().equals("HTTP " + r.status())) {
                out.add(String.format("%-18s      %s", "", r.detail() + (r.method() != null ? " [" + r.method() + "]" : "")));
            }
        }
        out.add(summary(results));
        return out;
    }

    public static String summary(List<LinkResult> results) {
        long broken = results.stream().filter(LinkResult::broken).count();
        long redirected = results.stream().filter(r -> !r.broken() && r.redirected()).count();
        return results.size() + " link" + (results.size() == 1 ? "" : "s") + " checked: " + (results.size() - broken) + " ok"
                + (redirected > 0 ? " (" + redirected + " redirected)" : "") + ", " + broken + " broken";
    }

    private static String label(LinkResult r) {
        return switch (r.outcome()) {
            case OK -> r.redirected() ? "ok (redirected)" : "ok";
            case HTTP_ERROR -> "BROKEN";
            case TIMEOUT -> "TIMEOUT";
            case TLS_ERROR -> "TLS ERROR";
            case CONNECTION_ERROR -> "UNREACHABLE";
            case REDIRECT_LOOP -> "REDIRECT LOOP";
            case TOO_MANY_REDIRECTS -> "TOO MANY REDIRECTS";
            case BAD_URL -> "BAD URL";
        };
    }
}
