package dev.letterpress.render;

import dev.letterpress.subscriber.Subscriber;
import freemarker.core.HTMLOutputFormat;
import freemarker.template.TemplateException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A campaign's HTML or text layout rendered once for one shape of reader (their list, whether they have a name,
 * which attributes they have and which of those are empty), with a placeholder wherever a per-reader value goes
 * and, in HTML, a slot for every tracked link. Per recipient, {@link #writeQuotedPrintable} joins the fixed text
 * with that reader's values (escaped in HTML) and click URLs, encoding only the lines that hold them
 * ({@link QpSplicer}): no FreeMarker run and no link scan per message.
 *
 * <p>The placeholders are HTML markup values. A layout can print them and test them with {@code ??} or give
 * defaults with {@code !}, which the shape fixes for every reader it stands for; any string built-in or comparison
 * on markup is an error in FreeMarker, so a layout that transforms or branches on a reader's value gets no
 * skeleton and renders per reader, as before. {@link SkeletonCache} refuses the ways out of markup by reading the
 * templates, tries each shape with a made-up awkward reader, and checks spliced against rendered mail.
 */
final class LayoutSkeleton {
    enum Slot { EMAIL, NAME, FIRST_NAME, ATTRIBUTE, WEB_VIEW, UNSUBSCRIBE, PREFERENCES, REASON, PIXEL, CLICK }

    /** A reader's own links, made per message. */
    interface Links {
        String webView();

        String unsubscribe();

        String preferences();

        String pixel();

        String click(String url);
    }

    /** Why a layout could not be made a skeleton for a shape; logged once per shape. */
    static final class NotSpliceable extends Exception {
        NotSpliceable(String why) {
            super(why, null, false, false);
        }
    }

    private static final char VALUE_START = '\uE000';
    private static final char VALUE_END = '\uE001';
    private static final char CLICK_START = '\uE002';
    private static final char CLICK_END = '\uE003';

    /** Fixed text: literals[i] comes before slot i, the last one after the last slot. */
    private final String[] literals;
    private final Slot[] slots;
    /** The attribute's name for ATTRIBUTE slots, the link's URL for CLICK slots. */
    private final String[] keys;
    /** HTML (values escaped, links tracked) or plain text (values as they are). */
    private final boolean html;
    private final int fixedChars;
    private final QpSplicer qp;

    private LayoutSkeleton(String[] literals, Slot[] slots, String[] keys, boolean html) {
        this.literals = literals;
        this.slots = slots;
        this.keys = keys;
        this.html = html;
        this.qp = new QpSplicer(literals);
        int n = 0;
        for (String l : literals) {
            n += l.length();
        }
        this.fixedChars = n;
    }

    /** What makes two readers' skeletons the same: list, named or not, attribute names in order and which are empty. */
    static String shape(Subscriber s, String listName) {
        StringBuilder k = new StringBuilder(64).append(listName.length()).append(':').append(listName);
        k.append(s.name() != null && !s.name().isBlank() ? 'n' : '-');
        for (Map.Entry<String, String> e : s.attributes().entrySet()) {
            String v = e.getValue();
            k.append(e.getKey().length()).append(':').append(e.getKey()).append(v == null ? '0' : v.isEmpty() ? 'e' : 'v');
        }
        return k.toString();
    }

    /**
     * Renders {@code prepared}'s HTML or text layout for the shape of {@code s}; in HTML, scans its links as the
     * real render would ({@link LinkRewriter}), keeping a slot per tracked link.
     */
    static LayoutSkeleton build(PreparedIssue prepared, boolean html, Subscriber s, String listName, String share,
                                String ownBase, String ownBasePrefix) throws NotSpliceable {
        List<Slot> holeSlots = new ArrayList<>();
        List<String> holeKeys = new ArrayList<>();
        List<String> holePrefixes = new ArrayList<>();
        Placeholders p = new Placeholders(holeSlots, holeKeys, holePrefixes, ownBasePrefix);
        boolean named = s.name() != null && !s.name().isBlank();
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : s.attributes().entrySet()) {
            String v = e.getValue();
            attributes.put(e.getKey(), v == null || v.isEmpty() ? v : p.value(Slot.ATTRIBUTE, e.getKey()));
        }
        var recipient = new PreparedIssue.Recipient(p.value(Slot.EMAIL, null), named ? p.value(Slot.NAME, null) : null,
                named ? p.value(Slot.FIRST_NAME, null) : null, attributes, listName, p.ownLink(Slot.WEB_VIEW),
                p.ownLink(Slot.UNSUBSCRIBE), p.ownLink(Slot.PREFERENCES), share, p.value(Slot.REASON, null),
                p.ownLink(Slot.PIXEL));
        String rendered;
        try {
            rendered = prepared.renderLayout(recipient, html);
        } catch (TemplateException e) {
            throw new NotSpliceable("the layout does more than print a reader's values (" + e.getTemplateSourceName()
                    + " line " + e.getLineNumber() + ")");
        }
        List<String> clickUrls = new ArrayList<>();
        if (!html) {
            return parse(rendered, holeSlots, holeKeys, holePrefixes, clickUrls, false);
        }
        boolean[] personalLink = {false};
        String marked = LinkRewriter.rewrite(rendered, ownBase, ownBasePrefix, url -> {
            if (hasMarker(url)) {
                personalLink[0] = true;
                return url;
            }
            clickUrls.add(url);
            return CLICK_START + Integer.toString(clickUrls.size() - 1) + CLICK_END;
        });
        if (personalLink[0]) {
            throw new NotSpliceable("a tracked link contains a reader's value");
        }
        return parse(marked, holeSlots, holeKeys, holePrefixes, clickUrls, true);
    }

    private static LayoutSkeleton parse(String marked, List<Slot> holeSlots, List<String> holeKeys, List<String> holePrefixes,
                                        List<String> clickUrls, boolean html) throws NotSpliceable {
        List<String> literals = new ArrayList<>();
        List<Slot> slots = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < marked.length()) {
            char c = marked.charAt(i);
            if (c != VALUE_START && c != CLICK_START) {
                if (c == VALUE_END || c == CLICK_END) {
                    throw new NotSpliceable("the layout or the issue contains private-use characters U+E000..U+E003");
                }
                literal.append(c);
                i++;
                continue;
            }
            char endChar = c == VALUE_START ? VALUE_END : CLICK_END;
            int end = marked.indexOf(endChar, i + 1);
            int index = end < 0 ? -1 : parseIndex(marked, i + 1, end);
            if (index < 0 || index >= (c == VALUE_START ? holeSlots.size() : clickUrls.size())) {
                throw new NotSpliceable("the layout or the issue contains private-use characters U+E000..U+E003");
            }
            if (c == VALUE_START) {
                String prefix = holePrefixes.get(index);
                if (literal.length() < prefix.length()
                        || !literal.substring(literal.length() - prefix.length()).equals(prefix)) {
                    throw new NotSpliceable("the layout changes a reader's value before printing it");
                }
                literal.setLength(literal.length() - prefix.length());
                slots.add(holeSlots.get(index));
                keys.add(holeKeys.get(index));
            } else {
                slots.add(Slot.CLICK);
                keys.add(clickUrls.get(index));
            }
            literals.add(literal.toString());
            literal.setLength(0);
            i = end + 1;
        }
        literals.add(literal.toString());
        return new LayoutSkeleton(literals.toArray(String[]::new), slots.toArray(Slot[]::new), keys.toArray(String[]::new), html);
    }

    private static int parseIndex(String s, int from, int to) {
        if (to <= from || to - from > 6) {
            return -1;
        }
        int n = 0;
        for (int i = from; i < to; i++) {
            char d = s.charAt(i);
            if (d < '0' || d > '9') {
                return -1;
            }
            n = n * 10 + (d - '0');
        }
        return n;
    }

    private static boolean hasMarker(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= VALUE_START && c <= CLICK_END) {
                return true;
            }
        }
        return false;
    }

    /** {@code s}'s text: the fixed text with their values (in HTML escaped as FreeMarker escapes them) and click URLs. */
    String splice(Subscriber s, String reason, Links links) {
        StringBuilder out = new StringBuilder(fixedChars + 160 * slots.length);
        for (int i = 0; i < slots.length; i++) {
            out.append(literals[i]).append(value(i, s, reason, links));
        }
        return out.append(literals[slots.length]).toString();
    }

    /** Appends what {@link #splice} returns as quoted-printable UTF-8, encoding only the lines with slots. */
    void writeQuotedPrintable(MimeBytes out, Subscriber s, String reason, Links links) {
        qp.write(out, i -> value(i, s, reason, links));
    }

    private String value(int i, Subscriber s, String reason, Links links) {
        String v = switch (slots[i]) {
            case EMAIL -> s.email();
            case NAME -> s.name();
            case FIRST_NAME -> s.firstName();
            case ATTRIBUTE -> s.attributes().get(keys[i]);
            case WEB_VIEW -> links.webView();
            case UNSUBSCRIBE -> links.unsubscribe();
            case PREFERENCES -> links.preferences();
            case REASON -> reason;
            case PIXEL -> links.pixel();
            case CLICK -> {
                yield links.click(keys[i]); // as LinkRewriter puts it: tracked URLs need no escaping
            }
        };
        // FreeMarker's own HTML escaping, so the same bytes as a full render
        return html && slots[i] != Slot.CLICK ? HTMLOutputFormat.INSTANCE.escapePlainText(v) : v;
    }

    int slotCount() {
        return slots.length;
    }

    /** Makes the placeholders and remembers, by index, what each stands for. */
    private record Placeholders(List<Slot> slots, List<String> keys, List<String> prefixes, String ownBasePrefix) {
        /**
         * A reader's value. It starts like a tracked link so that, were it in a link, {@link LinkRewriter} would
         * hand it to the tracker, which refuses it: a link built from a reader's value is per reader.
         */
        Object value(Slot slot, String key) {
            return add(slot, key, "https://");
        }

        /** One of our own links: like the real ones it starts with our base URL, which LinkRewriter leaves alone. */
        Object ownLink(Slot slot) {
            return add(slot, null, ownBasePrefix);
        }

        private Object add(Slot slot, String key, String prefix) {
            slots.add(slot);
            keys.add(key);
            prefixes.add(prefix);
            try {
                return HTMLOutputFormat.INSTANCE.fromMarkup(prefix + VALUE_START + (slots.size() - 1) + VALUE_END);
            } catch (freemarker.template.TemplateModelException e) {
                throw new IllegalStateException(e); // HTML markup from a string: nothing to fail
            }
        }
    }
}
