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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One campaign's {@link LayoutSkeleton}s by reader shape, and what makes them safe to use:
 * <ul>
 * <li>the layout and the templates it imports may not use the ways out of markup ({@code ?markup_string},
 * {@code ?no_esc}, the {@code ?is_...} type tests, but not a loop's {@code ?is_first} and the like) or the clock ({@code .now}), read from their source;</li>
 * <li>the first reader of every shape, and one message in every {@value #CHECK_EVERY} after, is also rendered
 * in full and compared. One difference turns splicing off for the campaign (logged with where it differs), and
 * every message from then on is rendered in full.</li>
 * </ul>
 * A campaign whose readers come in more than {@value #MAX_SHAPES} shapes renders the others in full (a shape's two
 * skeletons hold about twice the message, ~100 KB with the bundled layout: 64 of them stay under 7 MB).
 */
final class SkeletonCache {
    private static final Logger log = LoggerFactory.getLogger(SkeletonCache.class);
    static final int MAX_SHAPES = 64;
    static final int CHECK_EVERY = 1000;
    private static final Pattern OUT_OF_MARKUP = Pattern.compile("\\?\\s*(markup_string|no_esc|is_(?!first\\b|last\\b|odd_item\\b|even_item\\b)[a-z_]+)\\b|\\.now\\b");
    private static final Pattern IMPORT = Pattern.compile("<#(?:import|include)\\s+(\\S+)");

    /** A shape's HTML and text skeletons. */
    record Entry(LayoutSkeleton html, LayoutSkeleton text, AtomicBoolean checked) {}

    private final PreparedIssue prepared;
    private final long campaign;
    private final String share;
    private final String ownBase;
    private final String ownBasePrefix;
    /** An {@link Entry}, or the reason the shape has none. */
    private final Map<String, Object> byShape = new ConcurrentHashMap<>();
    private final AtomicLong messages = new AtomicLong();
    private volatile String off;

    SkeletonCache(PreparedIssue prepared, long campaign, String share, String ownBase, String ownBasePrefix) {
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
    Entry forReader(Subscriber s, String listName) {
        if (off != null) {
            return null;
        }
        String shape = LayoutSkeleton.shape(s, listName);
        Object e = byShape.get(shape);
        if (e == null) {
            if (byShape.size() >= MAX_SHAPES) {
                return null;
            }
            e = byShape.computeIfAbsent(shape, k -> build(s, listName));
        }
        return e instanceof Entry entry ? entry : null;
    }

    /** Whether this message, spliced from {@code entry}, should also be rendered in full and compared. */
    boolean shouldCheck(Entry entry) {
        return entry.checked().compareAndSet(false, true) || messages.incrementAndGet() % CHECK_EVERY == 0;
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

    private Object build(Subscriber s, String listName) {
        try {
            return new Entry(LayoutSkeleton.build(prepared, true, s, listName, share, ownBase, ownBasePrefix),
                    LayoutSkeleton.build(prepared, false, s, listName, share, ownBase, ownBasePrefix), new AtomicBoolean());
        } catch (LayoutSkeleton.NotSpliceable e) {
            log.info("campaign {}: readers of list {} shaped like subscriber {} get the layout rendered in full: {}", campaign,
                    listName, s.id(), e.getMessage());
            return e.getMessage();
        }
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
