package dev.letterpress.render;

import java.util.function.Function;
import org.jsoup.parser.Parser;

/**
 * Rewrites every http(s) {@code href="..."} in rendered HTML through {@code track}, except links to our own
 * base URL (unsubscribe, preferences, web view are already tokens). A single linear scan, no DOM: the HTML
 * comes from our own auto-escaping templates, where attribute values are always double-quoted.
 */
final class LinkRewriter {
    private LinkRewriter() {}

    static String rewrite(String html, String ownBase, Function<String, String> track) {
        StringBuilder out = new StringBuilder(html.length() + 1024);
        int from = 0;
        while (true) {
            int attr = indexOfHref(html, from);
            if (attr < 0) {
                break;
            }
            int start = attr + 6; // after href="
            int end = html.indexOf('"', start);
            if (end < 0) {
                break;
            }
            String escaped = html.substring(start, end);
            String url = Parser.unescapeEntities(escaped, true).strip();
            out.append(html, from, start);
            if (isTrackable(url, ownBase)) {
                out.append(track.apply(url));
            } else {
                out.append(escaped);
            }
            from = end;
        }
        return out.append(html, from, html.length()).toString();
    }

    private static boolean isTrackable(String url, String ownBase) {
        String lower = url.length() > 8 ? url.substring(0, 8).toLowerCase(java.util.Locale.ROOT) : url.toLowerCase(java.util.Locale.ROOT);
        return (lower.startsWith("http://") || lower.startsWith("https://")) && !url.startsWith(ownBase + "/") && !url.equals(ownBase);
    }

    /** Next {@code href="} (any case) preceded by whitespace, so {@code data-href} is not taken for it. */
    private static int indexOfHref(String html, int from) {
        for (int i = from; i <= html.length() - 6; i++) {
            char c = html.charAt(i);
            if ((c == 'h' || c == 'H') && html.regionMatches(true, i, "href=\"", 0, 6) && i > 0
                    && Character.isWhitespace(html.charAt(i - 1))) {
                return i;
            }
        }
        return -1;
    }
}
