package dev.letterpress.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import dev.letterpress.subscriber.EmailAddress;
import dev.letterpress.subscriber.SubscriberStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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

    public SubscriberQueries(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Up to {@code limit} subscribers with ids above {@code after}, in id order, with their subscriptions. */
    public List<Row> page(Filter f, long after, int limit, boolean withSubscriptions) {
        StringBuilder q = new StringBuilder(sql.get("search-select"));
        List<Object> params = new ArrayList<>();
        params.add(after);
        if (f.email() != null) {
            q.append('\n').append(sql.get("search-email"));
            params.add("%" + like(EmailAddress.key(f.email())) + "%");
        }
        if (f.attributeName() != null) {
            q.append('\n').append(sql.get("search-attribute"));
            params.add("%" + like(jsonString(f.attributeName()) + ":" + jsonString(f.attributeValue())) + "%");
        }
        if (f.listId() != null && f.status() != null) {
            q.append('\n').append(sql.get("search-list-status"));
            params.add(f.listId());
            params.add(f.status());
        } else if (f.listId() != null) {
            q.append('\n').append(sql.get("search-list"));
            params.add(f.listId());
        } else if (f.status() != null) {
            q.append('\n').append(sql.get("search-status"));
            params.add(f.status());
        }
        q.append('\n').append(sql.get("search-page"));
        params.add(limit);
        List<Row> rows = jdbc.query(q.toString(), rs -> new Row(rs.getLong("id"), rs.getString("email"), rs.getString("name"),
                SubscriberStore.attributes(rs.getString("attributes")), rs.getString("status"), Jdbc.instant(rs, "created_at"),
                new ArrayList<>()), params.toArray());
        if (withSubscriptions && !rows.isEmpty()) {
            Map<Long, List<Subscription>> byId = new HashMap<>();
            rows.forEach(r -> byId.put(r.id(), r.subscriptions()));
            jdbc.query(sql.get("subscriptions-of-page"), rs -> byId.get(rs.getLong("subscriber_id")).add(new Subscription(
                    rs.getString("list_name"), rs.getString("status"), Jdbc.instant(rs, "consent_at"), rs.getString("consent_source"))),
                    (Object) rows.stream().map(Row::id).toArray(Long[]::new));
        }
        return rows;
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

    private static String jsonString(String s) {
        try {
            return Json.MAPPER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String like(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
