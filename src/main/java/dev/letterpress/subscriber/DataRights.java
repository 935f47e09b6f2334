package dev.letterpress.subscriber;

import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a subscriber can do about their own data from the preference centre: pause mail, opt out of tracking,
 * download everything kept about them, and erase themselves.
 *
 * <p>Erasure replaces the address, name and attributes, unsubscribes every list, detaches opens and clicks
 * (campaign counts stay, without the person), strips the address from the delivery ledger and drops the address's
 * suppression rows. What stays is a keyed HMAC of the address (a suppression row with reason {@code erased}): the
 * public subscribe form sees it and asks for a fresh double opt-in as for anyone, and the operator can tell the
 * address was erased without the table holding the address.
 */
public final class DataRights {
    /** "Until I resume": a pause this far in the future never ends by itself. */
    public static final Instant INDEFINITELY = Instant.parse("9999-01-01T00:00:00Z");

    public record Settings(boolean doNotTrack, Instant pausedUntil) {
        public boolean paused(Instant now) {
            return pausedUntil != null && pausedUntil.isAfter(now);
        }
    }

    private final Jdbc jdbc;
    private final Sql sql = Sql.load("privacy");
    private final ConsentLog consent;
    private final Clock clock;

    /** Writes opens and clicks still buffered in memory, so an export holds them and an erasure reaches them. */
    private final Runnable flushEvents;

    public DataRights(Jdbc jdbc, ConsentLog consent, Runnable flushEvents, Clock clock) {
        this.flushEvents = flushEvents;
        this.jdbc = jdbc;
        this.consent = consent;
        this.clock = clock;
    }

    public Settings settings(long subscriber) {
        return jdbc.one(sql.get("settings"), rs -> new Settings(rs.getBoolean(1), Jdbc.instant(rs, 2)), subscriber)
                .orElse(new Settings(false, null));
    }

    /** Returns false when the setting already had that value. */
    public boolean setDoNotTrack(long subscriber, boolean doNotTrack) {
        return jdbc.update(sql.get("set-do-not-track"), doNotTrack, clock.instant(), subscriber, doNotTrack) > 0;
    }

    /** Pauses until {@code until}, or ends a pause with null. */
    public void pauseUntil(long subscriber, Instant until) {
        jdbc.update(sql.get("set-paused-until"), until, clock.instant(), subscriber);
    }

    /**
     * Everything kept about one subscriber: profile, subscriptions, consent records, deliveries, opens and clicks,
     * and what the suppression list and the soft-bounce count hold about their address (null when nothing).
     */
    public Map<String, Object> export(long subscriber) {
        flushEvents.run();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("exportedAt", clock.instant().toString());
        out.put("profile", jdbc.one(sql.get("export-profile"), DataRights::profile, subscriber).orElse(Map.of()));
        out.put("subscriptions", jdbc.query(sql.get("export-subscriptions"), rs -> row(rs,
                "list", rs.getString("list_name"), "status", rs.getString("status"),
                "consentAt", str(Jdbc.instant(rs, "consent_at")), "consentSource", rs.getString("consent_source")), subscriber));
        out.put("consentRecords", consent.of(subscriber));
        out.put("deliveries", jdbc.query(sql.get("export-deliveries"), rs -> row(rs,
                "campaignId", rs.getLong("campaign_id"), "campaign", rs.getString("campaign_name"), "list", rs.getString("list_name"),
                "state", rs.getString("state"), "attempts", rs.getInt("attempts"), "smtpCode", Jdbc.nullableLong(rs, "smtp_code"),
                "at", str(Jdbc.instant(rs, "updated_at"))), subscriber));
        out.put("events", jdbc.query(sql.get("export-events"), rs -> row(rs,
                "campaignId", Jdbc.nullableLong(rs, "campaign_id"), "kind", rs.getString("kind"), "link", rs.getString("link"),
                "detail", rs.getString("detail"), "userAgent", rs.getString("user_agent"),
                "at", str(Jdbc.instant(rs, "created_at"))), subscriber));
        String email = jdbc.one(sql.get("export-profile"), rs -> rs.getString("email"), subscriber).orElse(null);
        String key = email == null ? null : EmailAddress.key(email);
        out.put("suppression", key == null ? null : jdbc.one(sql.get("export-suppression"), rs -> row(rs,
                "reason", rs.getString("reason"), "detail", rs.getString("detail"), "at", str(Jdbc.instant(rs, "created_at"))), key)
                .orElse(null));
        out.put("softBounces", key == null ? null : jdbc.one(sql.get("export-soft-bounces"), rs -> row(rs,
                "campaigns", rs.getInt("campaigns"), "lastCampaignId", rs.getLong("last_campaign_id"),
                "lastDetail", rs.getString("last_detail"), "at", str(Jdbc.instant(rs, "updated_at"))), key).orElse(null));
        return out;
    }

    /** Erases the subscriber's personal data (see the class comment for what stays); idempotent. */
    public void erase(long subscriber, String source, String ip) {
        flushEvents.run();
        Optional<String> email = jdbc.one(sql.get("export-profile"), rs -> rs.getString("email"), subscriber);
        if (email.isEmpty()) {
            return;
        }
        String placeholder = "erased-" + subscriber + "@erased.invalid";
        if (email.get().equals(placeholder)) {
            return;
        }
        String key = EmailAddress.key(email.get());
        String marker = erasedMarker(email.get());
        Instant now = clock.instant();
        consent.record(subscriber, null, ConsentLog.Action.ERASE, source, null, null);
        jdbc.inTransaction(c -> {
            Jdbc.update(c, sql.get("erase-subscriber"), placeholder, placeholder, now, subscriber);
            Jdbc.update(c, sql.get("erase-subscriptions"), now, now, subscriber);
            Jdbc.update(c, sql.get("erase-events"), subscriber);
            Jdbc.update(c, sql.get("erase-deliveries"), placeholder, subscriber);
            Jdbc.update(c, sql.get("erase-consent-ips"), subscriber);
            Jdbc.update(c, sql.get("delete-suppression"), key);
            Jdbc.update(c, sql.get("delete-soft-bounces"), key);
            Jdbc.update(c, sql.get("delete-suppression"), marker);
            Jdbc.update(c, sql.get("insert-erased-marker"), marker, now);
            return null;
        });
    }

    /** True when this address erased itself earlier (only its keyed hash is kept). */
    public boolean wasErased(String email) {
        return jdbc.count(sql.get("erased-marker-count"), erasedMarker(email)) > 0;
    }

    /** A fresh, confirmed consent from the person themselves lifts the erasure marker. */
    public void clearErased(String email) {
        jdbc.update(sql.get("delete-suppression"), erasedMarker(email));
    }

    /** The erasure marker of an address (a keyed hash): what the importer checks rows against. */
    public String erasedMarker(String email) {
        return "erased:" + consent.hash("erased", EmailAddress.key(email));
    }

    private static Map<String, Object> profile(ResultSet rs) throws SQLException {
        return row(rs, "email", rs.getString("email"), "name", rs.getString("name"),
                "attributes", SubscriberStore.fromJson(rs.getString("attributes")), "status", rs.getString("status"),
                "doNotTrack", rs.getBoolean("do_not_track"), "pausedUntil", str(Jdbc.instant(rs, "paused_until")),
                "createdAt", str(Jdbc.instant(rs, "created_at")), "updatedAt", str(Jdbc.instant(rs, "updated_at")));
    }

    private static Map<String, Object> row(ResultSet rs, Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static String str(Instant t) {
        return t == null ? null : t.toString();
    }
}
