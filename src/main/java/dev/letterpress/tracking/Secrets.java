package dev.letterpress.tracking;

import dev.letterpress.db.DataException;
import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The token-signing secrets, newest first: from the config ({@code tracking.secret}, a comma-separated list), or
 * generated once and kept in the database for every node. Stored keys rotate with {@code letterpress signing-keys rotate}
 * (a new key signs from the next start on; the old ones keep verifying) and {@code letterpress signing-keys retire}
 * (drops the oldest: mail whose links were signed with it gets 404s from then on).
 */
public final class Secrets {
    private static final String KEY = "tracking.secret";
    private static final String PRIVACY_KEY = "privacy.secret";

    private Secrets() {}

    /** The configured secrets if any, else the stored ones (generated and stored on first start). */
    public static List<String> trackingSecrets(String configured, Jdbc jdbc) {
        List<String> fromConfig = parse(configured);
        if (!fromConfig.isEmpty()) {
            return fromConfig;
        }
        Sql sql = Sql.load("tracking");
        var stored = jdbc.one(sql.get("setting"), rs -> rs.getString(1), KEY);
        if (stored.isPresent()) {
            return parse(stored.get());
        }
        String secret = generate();
        try {
            jdbc.update(sql.get("insert-setting"), KEY, secret);
            return List.of(secret);
        } catch (DataException raced) {
            // another node stored one first: use theirs
            return parse(jdbc.one(sql.get("setting"), rs -> rs.getString(1), KEY).orElseThrow(() -> raced));
        }
    }

    /**
     * The key of the privacy hashes (consent records' IP addresses, erasure markers). It must outlive token-key
     * rotation: keyed by the newest signing key, a rotation made every erasure marker unfindable and every IP hash
     * incomparable with the ones before. Stored on first use, seeded with {@code seed} (the signing key that keyed
     * the hashes until then), so existing hashes keep matching.
     */
    public static String privacySecret(Jdbc jdbc, String seed) {
        Sql sql = Sql.load("tracking");
        var stored = jdbc.one(sql.get("setting"), rs -> rs.getString(1), PRIVACY_KEY);
        if (stored.isPresent()) {
            return stored.get();
        }
        try {
            jdbc.update(sql.get("insert-setting"), PRIVACY_KEY, seed);
            return seed;
        } catch (DataException raced) {
            return jdbc.one(sql.get("setting"), rs -> rs.getString(1), PRIVACY_KEY).orElseThrow(() -> raced);
        }
    }

    /** Adds a new stored key in front (it signs after the next start); returns how many keys are stored now. */
    public static int rotate(Jdbc jdbc) {
        List<String> keys = new ArrayList<>(trackingSecrets("", jdbc));
        keys.add(0, generate());
        store(jdbc, keys);
        return keys.size();
    }

    /** Removes the oldest stored key (never the last one); returns how many keys are stored now. */
    public static int retireOldest(Jdbc jdbc) {
        List<String> keys = new ArrayList<>(trackingSecrets("", jdbc));
        if (keys.size() < 2) {
            throw new IllegalArgumentException("only one signing key is stored; rotate first (letterpress signing-keys rotate), then retire the old one");
        }
        keys.remove(keys.size() - 1);
        store(jdbc, keys);
        return keys.size();
    }

    /** Splits a comma-separated list of secrets; empty entries are ignored. */
    public static List<String> parse(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static void store(Jdbc jdbc, List<String> keys) {
        jdbc.update(Sql.load("tracking").get("update-setting"), String.join(",", keys), KEY);
    }

    private static String generate() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
