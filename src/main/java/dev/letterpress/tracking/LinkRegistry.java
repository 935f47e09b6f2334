package dev.letterpress.tracking;

import dev.letterpress.db.DataException;
import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The links of each campaign, registered at render time. A click token names a link id; the redirect target
 * is looked up here, so no URL parameter can ever choose where a click goes.
 *
 * <p>When a campaign has UTM parameters switched on ({@code campaigns.utm_campaign}), they are appended to each
 * link as it is registered, so the stored target, not the mail, carries them. {@link #TRAP_URL} is the hidden
 * link in the layout that no person can see: it is registered like any other, and a click on it is a machine's.
 */
public final class LinkRegistry {
    /** The hidden trap link's target in templates/email/layout/issue.ftlh (.invalid never resolves: RFC 2606). */
    public static final String TRAP_URL = "https://trap.letterpress.invalid/";

    private final Jdbc jdbc;
    private final Sql sql = Sql.load("tracking");
    private final String utmSource;
    private final Map<String, Long> cache = new ConcurrentHashMap<>();
    /** Registered targets never change, so clicks are answered from memory after the first. */
    private final Map<Long, String> targets = new ConcurrentHashMap<>();
    private final Map<Long, Optional<String>> utm = new ConcurrentHashMap<>();

    public LinkRegistry(Jdbc jdbc) {
        this(jdbc, "newsletter");
    }

    /** {@code newsletterName} becomes utm_source (as a slug) for campaigns with UTM parameters. */
    public LinkRegistry(Jdbc jdbc, String newsletterName) {
        this.jdbc = jdbc;
        String slug = newsletterName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        this.utmSource = slug.isEmpty() ? "newsletter" : slug;
    }

    /** The id of {@code url} in {@code campaign}, registering it on first sight (safe across threads and nodes). */
    public long idFor(long campaign, String url) {
        return cache.computeIfAbsent(campaign + " " + url, k -> register(campaign, withUtm(campaign, url)));
    }

    /** Switches UTM parameters on for a campaign's links ({@code value} is utm_campaign), or off with null. */
    public void setUtm(long campaign, String value) {
        jdbc.update(sql.get("set-campaign-utm"), value, campaign);
        utm.remove(campaign);
    }

    /** {@code url} with utm_source/medium/campaign appended, if the campaign asks for them and the URL has none. */
    String withUtm(long campaign, String url) {
        Optional<String> value = utm.computeIfAbsent(campaign,
                c -> jdbc.one(sql.get("campaign-utm"), rs -> Optional.ofNullable(rs.getString(1)), c).flatMap(v -> v));
        if (value.isEmpty() || url.equals(TRAP_URL) || url.contains("utm_")) {
            return url;
        }
        int hash = url.indexOf('#');
        String fragment = hash < 0 ? "" : url.substring(hash);
        String rest = hash < 0 ? url : url.substring(0, hash);
        String params = "utm_source=" + enc(utmSource) + "&utm_medium=email&utm_campaign=" + enc(value.get());
        return rest + (rest.indexOf('?') < 0 ? "?" : rest.endsWith("?") || rest.endsWith("&") ? "" : "&") + params + fragment;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private long register(long campaign, String url) {
        String hash = sha256(url);
        var existing = jdbc.one(sql.get("link-by-hash"), rs -> rs.getLong(1), campaign, hash);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            return jdbc.insert(sql.get("insert-link"), campaign, hash, url);
        } catch (DataException raced) {
            return jdbc.one(sql.get("link-by-hash"), rs -> rs.getLong(1), campaign, hash).orElseThrow(() -> raced);
        }
    }

    public Optional<String> url(long campaign, long linkId) {
        long key = campaign << 32 | linkId; // both are at most 32 bits in a token
        String known = targets.get(key);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<String> url = jdbc.one(sql.get("link-url"), rs -> rs.getString(1), campaign, linkId);
        // unknown ids are not cached: probing costs no memory
        url.ifPresent(u -> {
            if (targets.size() < 100_000) {
                targets.put(key, u);
            }
        });
        return url;
    }

    /** Forgets a finished campaign's links (the database keeps them). */
    public void evict(long campaign) {
        String prefix = campaign + " ";
        cache.keySet().removeIf(k -> k.startsWith(prefix));
        utm.remove(campaign);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
