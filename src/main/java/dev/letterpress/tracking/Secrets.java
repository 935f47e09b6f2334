package dev.letterpress.tracking;

import dev.letterpress.db.DataException;
import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import java.security.SecureRandom;
import java.util.Base64;

/** The token-signing secret: from the config, or generated once and kept in the database for every node. */
public final class Secrets {
    private static final String KEY = "tracking.secret";

    private Secrets() {}

    public static String trackingSecret(String configured, Jdbc jdbc) {
        if (!configured.isEmpty()) {
            return configured;
        }
        Sql sql = Sql.load("tracking");
        var stored = jdbc.one(sql.get("setting"), rs -> rs.getString(1), KEY);
        if (stored.isPresent()) {
            return stored.get();
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
            jdbc.update(sql.get("insert-setting"), KEY, secret);
            return secret;
        } catch (DataException raced) {
            // another node stored one first: use theirs
            return jdbc.one(sql.get("setting"), rs -> rs.getString(1), KEY).orElseThrow(() -> raced);
        }
    }
}
