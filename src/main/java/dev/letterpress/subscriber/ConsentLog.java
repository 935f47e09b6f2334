package dev.letterpress.subscriber;

import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Proof of consent: one row per change a subscriber makes or asks for (GDPR Art. 7(1): who, when, which form,
 * which wording). IP addresses and erased addresses are kept only as keyed HMACs under the installation secret, so
 * the table cannot be turned back into addresses without the secret, and even with it only by guessing.
 */
public final class ConsentLog {
    /** The actions recorded; the names are what the consent_records.action column holds. */
    public enum Action {
        SUBSCRIBE_REQUEST("subscribe-request"), CONFIRM("confirm"), UNSUBSCRIBE("unsubscribe"), RESUBSCRIBE("resubscribe"),
        PREFERENCES("preferences"), PAUSE("pause"), RESUME("resume"), DO_NOT_TRACK("do-not-track"), ERASE("erase");

        final String column;

        Action(String column) {
            this.column = column;
        }
    }

    private final Jdbc jdbc;
    private final Sql sql = Sql.load("privacy");
    private final Clock clock;
    private final SecretKeySpec key;
    /** One keyed Mac per thread: getInstance and init per hash cost several times the hash (imports hash every row). */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public ConsentLog(Jdbc jdbc, String installationSecret, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.key = new SecretKeySpec(derive(installationSecret), "HmacSHA256");
    }

    /** Records one change; {@code list} null for changes to every list; {@code ip} is hashed here, never stored. */
    public void record(long subscriber, Long list, Action action, String source, String wordingVersion, String ip) {
        jdbc.update(sql.get("insert-consent"), subscriber, list, action.column, truncate(source, 200), wordingVersion,
                ip == null || ip.isEmpty() ? null : hash("ip", ip).substring(0, 32), clock.instant());
    }

    /** Everything recorded for a subscriber, oldest first, as plain maps (the data export). */
    public List<Map<String, Object>> of(long subscriber) {
        return jdbc.query(sql.get("consent-of"), rs -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", String.valueOf(Jdbc.instant(rs, "created_at")));
            m.put("action", rs.getString("action"));
            m.put("list", rs.getString("list_name"));
            m.put("source", rs.getString("source"));
            m.put("wordingVersion", rs.getString("wording_version"));
            m.put("ipHash", rs.getString("ip_hash"));
            return m;
        }, subscriber);
    }

    /** A keyed hash of {@code value} in a domain ("ip", "erased"), hex. */
    String hash(String domain, String value) {
        Mac mac = macs.get(); // doFinal leaves it ready for the next value under the same key
        mac.update(domain.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] derive(String secret) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return m.doFinal("letterpress privacy hashes".getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
