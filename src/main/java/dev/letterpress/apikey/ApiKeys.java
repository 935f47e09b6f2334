package dev.letterpress.apikey;

import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import dev.letterpress.subscriber.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API keys: 256 random bits, shown once when created, stored only as their SHA-256 hash. A key is looked up
 * by its hash (the stored hash reveals nothing usable: the key has far too much entropy to guess from it) and
 * the hashes are then compared in constant time. Revoking keeps the row, so the list shows what existed.
 */
public final class ApiKeys {
    /** Every key starts with this, so a leaked one is easy to recognise (secret scanners, logs). */
    static final String PREFIX = "lp_";
    private static final int KEY_LENGTH = PREFIX.length() + 43; // 32 bytes in unpadded base64url
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._ -]{0,99}");
    /** last_used_at is a hint for people, not an audit log: one write per key per minute is enough. */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    public record Key(long id, String name, String prefix, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {
        public boolean active() {
            return revokedAt == null;
        }
    }

    /** A new key and its secret, which exists nowhere else once this is dropped. */
    public record Created(Key key, String secret) {}

    private final Jdbc jdbc;
    private final Sql sql = Sql.load("apikeys");
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ApiKeys(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Null when the name is acceptable, otherwise why not. */
    public static String nameProblem(String name) {
        if (name == null || name.isBlank()) {
            return "a key needs a name, e.g. newsletter-site";
        }
        if (!NAME.matcher(name).matches()) {
            return "a key name is 1 to 100 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit";
        }
        return null;
    }

    public Created create(String name) {
        String problem = nameProblem(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (find(name).isPresent()) {
            throw new IllegalArgumentException("a key named '" + name + "' already exists (names of revoked keys are kept too)");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        String prefix = secret.substring(0, 8);
        long id = jdbc.insert(sql.get("insert-key"), name, hash(secret), prefix, now);
        return new Created(new Key(id, name, prefix, now, null, null), secret);
    }

    public Optional<Key> find(String name) {
        return jdbc.one(sql.get("key-by-name"), ApiKeys::key, name);
    }

    public List<Key> all() {
        return jdbc.query(sql.get("all-keys"), ApiKeys::key);
    }

    /** Revokes the named key; false when it was already revoked. */
    public boolean revoke(String name) {
        if (find(name).isEmpty()) {
            throw new NotFoundException("no API key named '" + name + "'; list them with: letterpress keys list");
        }
        return jdbc.update(sql.get("revoke"), clock.instant(), name) > 0;
    }

    /** The active key this secret belongs to, or empty: unknown, malformed and revoked keys alike. */
    public Optional<Key> authenticate(String secret) {
        if (secret == null || secret.length() != KEY_LENGTH || !secret.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String presented = hash(secret);
        // the lookup narrows by hash; the constant-time comparison is what decides
        Optional<Key> found = jdbc.one(sql.get("active-key-by-hash"), rs -> new Object[] {key(rs), rs.getString("key_hash")}, presented)
                .filter(row -> MessageDigest.isEqual(((String) row[1]).getBytes(StandardCharsets.US_ASCII),
                        presented.getBytes(StandardCharsets.US_ASCII)))
                .map(row -> (Key) row[0]);
        found.ifPresent(k -> {
            Instant now = clock.instant();
            jdbc.update(sql.get("touch"), now, k.id(), now.minus(TOUCH_EVERY));
        });
        return found;
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static Key key(ResultSet rs) throws SQLException {
        return new Key(rs.getLong("id"), rs.getString("name"), rs.getString("key_prefix"), Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "last_used_at"), Jdbc.instant(rs, "revoked_at"));
    }
}
