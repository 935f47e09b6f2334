package dev.letterpress.render;

import dev.letterpress.subscriber.Subscriber;
import freemarker.template.Template;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One campaign's {@link LayoutSkeleton}s by reader shape, and what makes them safe to use:
 * <ul>
 * <li>the layouts and the templates they import may not use a way out of markup or around FreeMarker's checks
 * ({@code ?markup_string}, {@code ?no_esc}, {@code ?is_...} type tests but not a loop's {@code ?is_first} and the
 * like, {@code ?html}, {@code ?interpret}, {@code ?eval}, {@code #attempt}, {@code #noautoesc}, {@code #outputformat},
 * auto-escaping off) or the clock ({@code .now}), read from their source;</li>
 * <li>a new shape is first tried with a made-up reader of awkward values ({@link #probe}), rendered in full and
 * spliced: a difference means no skeleton for that shape;</li>
 * <li>the first real reader of a shape, and one message in every {@value #CHECK_EVERY} after, is also rendered in
 * full and compared; until that first check passed, other threads render that shape in full. One difference turns
 * splicing off for the campaign (logged with where, not what), and every message from then on renders in full.</li>
 * </ul>
 * A campaign whose readers come in more than {@value #MAX_SHAPES} shapes renders the others in full (a shape's two
 * skeletons hold about twice the message, ~100 KB with the bundled layout: 64 of them stay under 7 MB).
 */
final class SkeletonCache {
    private static final Logger log = LoggerFactory.getLogger(SkeletonCache.class);
    static final int MAX_SHAPES = 64;
    static final int CHECK_EVERY = 1000;
    private static final Pattern OUT_OF_MARKUP = Pattern.compile("\\?\\s*(markup_string|no_esc|html|xhtml|xml"
            + "|is_(?!first\\b|last\\b|odd_item\\b|even_item\\b)[a-z_]+|interpret|eval|eval_json)\\b"
            + "|\\.(now|get_optional_template)\\b|<#(noautoesc|outputformat|attempt)\\b|auto_esc|output_format");
    private static final Pattern IMPORT = Pattern.compile("<#(?:import|include)\\s+(\\S+)");

    /** A shape's HTML and text skeletons, and whether a real reader's message has proved them yet. */
    record Entry(LayoutSkeleton html, LayoutSkeleton text, AtomicInteger state) {
        static final int UNCHECKED = 0;
        static final int CHECKING = 1;
        static final int VERIFIED = 2;
    }

    /** How one message is made. */
    enum Mode { SPLICE, CHECK, FULL }

    /**
     * Renders {@code probe} in full and splices it from {@code entry}; true when both give the same text. The
     * composer does this: it owns the full render and the reader's links.
     */
    interface Prober {
        boolean matches(Entry entry, Subscriber probe, long listId, String listName);
    }

    private final PreparedIssue prepared;
    private final long campaign;
    private final String share;
    private final String ownBase;
    private final String ownBasePrefix;
    /** An {@link Entry}, or the reason the shape has none. */
    private final Map<String, Object> byShape = new ConcurrentHashMap<>();
    private final AtomicLong messages = new AtomicLong();
    private final Prober prober;
    private volatile String off;

    SkeletonCache(PreparedIssue prepared, long campaign, String share, String ownBase, String ownBasePrefix, Prober prober) {
        this.prober = prober;
        this.prepared = prepared;
        this.campaign = campaign;
        this.share = share;
        this.ownBase = ownBase;
        this.ownBasePrefix = ownBasePrefix;
        this.off = sourceProblem(prepared);
        if (off != null) {
            log.info("campaign {}: every message renders its layout in full: {}", campaign, off);
        }
    }

    /** The skeletons for {@code s}'s shape, or null: render their mail in full. */
    Entry forReader(Subscriber s, long listId, String listName) {
        if (off != null) {
            return null;
        }
        String shape = LayoutSkeleton.shape(s, listName);
        Object e = byShape.get(shape);
        if (e == null) {
            if (byShape.size() >= MAX_SHAPES) {
                return null;
            }
            e = byShape.computeIfAbsent(shape, k -> build(s, listId, listName));
        }
        return e instanceof Entry entry ? entry : null;
    }

    /**
     * How to make a message of {@code entry}'s shape: spliced once a real reader's message proved the skeletons
     * (and then checked once every {@value #CHECK_EVERY}); the first reader's is checked, and while that check runs
     * on one thread the others render in full rather than splice unproved.
     */
    Mode mode(Entry entry) {
        int state = entry.state().get();
        if (state == Entry.VERIFIED) {
            return messages.incrementAndGet() % CHECK_EVERY == 0 ? Mode.CHECK : Mode.SPLICE;
        }
        return state == Entry.UNCHECKED && entry.state().compareAndSet(Entry.UNCHECKED, Entry.CHECKING) ? Mode.CHECK : Mode.FULL;
    }

    /** The check could not be made (the full render failed): the next reader of the shape makes it. */
    void notChecked(Entry entry) {
        entry.state().compareAndSet(Entry.CHECKING, Entry.UNCHECKED);
    }

    /** A checked message matched its full render. */
    void matched(Entry entry) {
        entry.state().set(Entry.VERIFIED);
    }

    /** A spliced message differed from its full render: splice no more for this campaign. */
    void mismatch(long subscriberId, String part, String spliced, String full) {
        int at = 0;
        while (at < spliced.length() && at < full.length() && spliced.charAt(at) == full.charAt(at)) {
            at++;
        }
        off = "a spliced message differed from its full render";
        // where, not what: the text around it may be the reader's name or address
        log.warn("campaign {}: subscriber {}'s spliced {} part differed from its full render at character {} of {};"
                + " every message from now on renders its layout in full", campaign, subscriberId, part, at, full.length());
    }

    boolean splicing() {
        return off == null;
    }

    private Object build(Subscriber s, long listId, String listName) {
        try {
            Entry entry = new Entry(LayoutSkeleton.build(prepared, true, s, listName, share, ownBase, ownBasePrefix),
                    LayoutSkeleton.build(prepared, false, s, listName, share, ownBase, ownBasePrefix), new AtomicInteger());
            if (!prober.matches(entry, probe(s), listId, listName)) {
                throw new LayoutSkeleton.NotSpliceable("a reader of this shape with awkward values (markup characters, spaces,"
                        + " line breaks, lower case) was rendered differently in full");
            }
            return entry;
        } catch (LayoutSkeleton.NotSpliceable e) {
            log.info("campaign {}: readers of list {} shaped like subscriber {} get the layout rendered in full: {}", campaign,
                    listName, s.id(), e.getMessage());
            return e.getMessage();
        }
    }

    /**
     * A made-up reader of {@code s}'s shape whose every value is awkward: what escaping, trimming, changing case or
     * branching on a value would treat differently from printing it, so a layout that does any of those where
     * FreeMarker lets it (inside #attempt, an ?interpret-ed string) renders this reader differently in full.
     */
    static Subscriber probe(Subscriber s) {
        String awkward = " ab<c&\"'d>\r\ne\tf ";
        Map<String, String> attributes = new java.util.LinkedHashMap<>();
        s.attributes().forEach((k, v) -> attributes.put(k, v == null || v.isEmpty() ? v : awkward));
        boolean named = s.name() != null && !s.name().isBlank();
        return new Subscriber(s.id(), "ab<c&\"'d>.e@x.example", named ? "ab<c&\"'d>\te f" : s.name(), attributes, s.status());
    }

    /** Why the layouts' source rules out splicing, or null. Follows imports and includes with constant names. */
    static String sourceProblem(PreparedIssue prepared) {
        Deque<Template> todo = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        for (boolean html : new boolean[] {true, false}) {
            todo.add(prepared.layout(html));
            seen.add(prepared.layout(html).getName());
        }
        while (!todo.isEmpty()) {
            Template t = todo.poll();
            if (t.getOutputFormat() instanceof freemarker.core.MarkupOutputFormat && !t.getAutoEscaping()) {
                return t.getName() + " turns auto-escaping off";
            }
            String source = t.toString();
            Matcher m = OUT_OF_MARKUP.matcher(source);
            if (m.find()) {
                return t.getName() + " uses " + m.group().replaceAll("\\s", "");
            }
            Matcher imports = IMPORT.matcher(source);
            while (imports.find()) {
                String arg = imports.group(1);
                if (!arg.startsWith("\"") || arg.indexOf('"', 1) < 0 || arg.contains("${")) {
                    return t.getName() + " imports a template whose name is computed";
                }
                String name = arg.substring(1, arg.indexOf('"', 1));
                String resolved = name.startsWith("/") ? name.substring(1)
                        : t.getName().substring(0, t.getName().lastIndexOf('/') + 1) + name;
                if (seen.add(resolved)) {
                    try {
                        todo.add(prepared.template(resolved));
                    } catch (IOException e) {
                        return "cannot read " + resolved + ": " + e.getMessage();
                    }
                }
            }
        }
        return null;
    }
}
