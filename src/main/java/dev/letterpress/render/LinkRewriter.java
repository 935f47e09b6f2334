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
        return rewrite(html, ownBase, ownBase + "/", track);
    }

    /** As {@link #rewrite(String, String, Function)}, with {@code ownBasePrefix} = ownBase + "/" made once by the caller. */
    static String rewrite(String html, String ownBase, String ownBasePrefix, Function<String, String> track) {
        StringBuilder out = null;
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
            if (out == null) {
                out = new StringBuilder(html.length() + 1024);
            }
            out.append(html, from, start);
            String escaped = html.substring(start, end);
            // only an ampersand starts an entity: without one, unescaping would return the text unchanged
            String url = (escaped.indexOf('&') < 0 ? escaped : Parser.unescapeEntities(escaped, true)).strip();
            if (isTrackable(url, ownBase, ownBasePrefix)) {
                out.append(track.apply(url));
            } else {
                out.append(escaped);
            }
            from = end;
        }
        return out == null ? html : out.append(html, from, html.length()).toString();
    }

    private static boolean isTrackable(String url, String ownBase, String ownBasePrefix) {
        return (startsWithAscii(url, "http://") || startsWithAscii(url, "https://")) && !url.startsWith(ownBasePrefix) && !url.equals(ownBase);
    }

    /** Whether {@code s} starts with the lower-case ASCII {@code prefix}, ignoring ASCII case (as lower-casing it would). */
    private static boolean startsWithAscii(String s, String prefix) {
        if (s.length() < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Next {@code href="} (any case) preceded by whitespace, so {@code data-href} is not taken for it. Looks for
     * the {@code ="} first (rarer than an 'h'; String.indexOf is vectorised), then checks the name before it.
     */
    private static int indexOfHref(String html, int from) {
        int eq = from + 4;
        while (true) {
            eq = html.indexOf('=', eq);
            if (eq < 0 || eq + 1 >= html.length()) {
                return -1;
            }
            int i = eq - 4;
            if (html.charAt(eq + 1) == '"' && i > 0 && html.regionMatches(true, i, "href", 0, 4)
                    && Character.isWhitespace(html.charAt(i - 1))) {
                return i;
            }
            eq++;
        }
    }
}
