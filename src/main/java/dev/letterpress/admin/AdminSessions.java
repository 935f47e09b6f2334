package dev.letterpress.admin;

import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Signed-in sessions, kept in the database so any node can serve any request. The cookie carries 256 random
 * bits; the table holds only their SHA-256 hash. A session unused for longer than the idle limit is gone.
 */
final class AdminSessions {
    record Session(long id, long adminId, String adminName, String csrfToken) {}

    /** A new session and the cookie value that opens it, which exists nowhere else once sent. */
    record Created(Session session, String token) {}

    /** last_seen_at moves at most this often, so a busy page does not write on every request. */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final Jdbc jdbc;
    private final Sql sql = Sql.load("admin");
    private final Clock clock;
    private final Duration idle;
    private final SecureRandom random = new SecureRandom();

    AdminSessions(Jdbc jdbc, Clock clock, Duration idle) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.idle = idle;
    }

    Duration idle() {
        return idle;
    }

    Created create(long adminId, String adminName) {
        Instant now = clock.instant();
        // a sign-in is a good moment to sweep: no timer needed, and the table stays small
        jdbc.update(sql.get("delete-idle-sessions"), now.minus(idle));
        String token = randomToken();
        String csrf = randomToken();
        long id = jdbc.insert(sql.get("insert-session"), hash(token), adminId, csrf, now, now);
        return new Created(new Session(id, adminId, adminName, csrf), token);
    }

    Optional<Session> find(String token) {
        if (token == null || token.length() != 43) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return jdbc.one(sql.get("session"), rs -> {
            Session s = new Session(rs.getLong("id"), rs.getLong("admin_id"), rs.getString("name"), rs.getString("csrf_token"));
            if (Jdbc.instant(rs, "last_seen_at").isBefore(now.minus(TOUCH_EVERY))) {
                jdbc.update(sql.get("touch-session"), now, s.id());
            }
            return s;
        }, hash(token), now.minus(idle));
    }

    void delete(long id) {
        jdbc.update(sql.get("delete-session"), id);
    }

    /** Constant-time comparison of a submitted synchronizer token with the session's. */
    static boolean csrfMatches(Session session, String submitted) {
        return submitted != null && MessageDigest.isEqual(session.csrfToken().getBytes(StandardCharsets.UTF_8),
                submitted.getBytes(StandardCharsets.UTF_8));
    }

    String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
