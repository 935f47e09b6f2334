package dev.letterpress.api;

import dev.letterpress.PostgresSupport;
import java.util.Map;

/** The same searches on a real PostgreSQL: its "C"-collated address index, the generated domain, the list key. */
class SubscriberSearchPostgresTest extends SubscriberSearchTest {
    @Override
    Map<String, String> database() {
        return Map.of("db.url", PostgresSupport.newDatabase(), "db.user", "postgres", "db.password", "postgres");
    }
}
