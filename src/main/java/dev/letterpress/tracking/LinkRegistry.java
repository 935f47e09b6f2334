package dev.letterpress.tracking;

import dev.letterpress.db.DataException;
import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The links of each campaign, registered at render time. A click token names a link id; the redirect target
 * is looked up here, so no URL parameter can ever choose where a click goes.
 */
public final class LinkRegistry {
    private final Jdbc jdbc;
    private final Sql sql = Sql.load("tracking");
    private final Map<String, Long> cache = new ConcurrentHashMap<>();

    public LinkRegistry(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** The id of {@code url} in {@code campaign}, registering it on first sight (safe across threads and nodes). */
    public long idFor(long campaign, String url) {
        return cache.computeIfAbsent(campaign + " " + url, k -> register(campaign, url));
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
        return jdbc.one(sql.get("link-url"), rs -> rs.getString(1), campaign, linkId);
    }

    /** Forgets a finished campaign's links (the database keeps them). */
    public void evict(long campaign) {
        String prefix = campaign + " ";
        cache.keySet().removeIf(k -> k.startsWith(prefix));
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
