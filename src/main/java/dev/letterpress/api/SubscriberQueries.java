package dev.letterpress.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import dev.letterpress.subscriber.SubscriberStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Search (keyset pages), attribute and status updates, and erasure: what the API needs beyond {@link SubscriberStore}. */
public final class SubscriberQueries {
    /** One search's filters; null fields do not filter. {@code status} without {@code listId} means: on any list. */
    public record Filter(String email, String attributeName, String attributeValue, Long listId, String status) {}

    public record Subscription(String list, String status, Instant consentAt, String consentSource) {}

    public record Row(long id, String email, String name, Map<String, String> attributes, String status, Instant createdAt,
               List<Subscription> subscriptions) {}

    private final Jdbc jdbc;
    private final Sql sql = Sql.load("api");
    private final Clock clock;
    private final SubscriberSearch search;

    public SubscriberQueries(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.search = new SubscriberSearch(jdbc, SubscriberSearch.WINDOW, SubscriberSearch.BUDGET);
    }

    /** One page of a search and the cursor of the next ({@code null} on the last page). */
    public record Page(List<Row> rows, String next) {}

    /** One page of a search: see {@link SubscriberSearch} for the orders, cursors and what each filter costs. */
    public Page page(Filter f, String after, int limit, boolean withSubscriptions) {
        return search.page(f, after, limit, withSubscriptions);
    }

    Instant createdAt(long id) {
        return jdbc.one(sql.get("subscriber-created"), rs -> Jdbc.instant(rs, 1), id).orElse(null);
    }

    void setAttributes(long id, Map<String, String> attributes) {
        jdbc.update(sql.get("update-attributes"), json(attributes), clock.instant(), id);
    }

    void setStatus(long id, String status) {
        jdbc.update(sql.get("update-status"), status, clock.instant(), id);
    }

    /** The same compact JSON the store writes, so a LIKE on the column matches exactly one attribute. */
    private static String json(Map<String, String> attributes) {
        try {
            return attributes.isEmpty() ? "{}" : Json.MAPPER.writeValueAsString(attributes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
