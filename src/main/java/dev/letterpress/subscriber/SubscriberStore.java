package dev.letterpress.subscriber;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.letterpress.db.DataException;
import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Lists, subscribers, subscriptions and the suppression list. */
public final class SubscriberStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> ATTRIBUTES = new TypeReference<>() {};

    private final Jdbc jdbc;
    private final Sql sql = Sql.load("subscribers");
    private final Clock clock;

    public SubscriberStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public MailingList createList(String name, String description) {
        if (name == null || name.isBlank() || name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("list name must be 1 to 200 printable characters");
        }
        if (findList(name).isPresent()) {
            throw new IllegalArgumentException("a list named '" + name + "' already exists");
        }
        long id = jdbc.insert(sql.get("insert-list"), name, description, now());
        return new MailingList(id, name, description);
    }

    public Optional<MailingList> findList(String name) {
        return jdbc.one(sql.get("list-by-name"), SubscriberStore::list, name);
    }

    public MailingList requireList(String name) {
        return findList(name).orElseThrow(() -> new NotFoundException(
                "no list named '" + name + "'; create it with: letterpress lists create \"" + name + "\""));
    }

    public Optional<MailingList> listById(long id) {
        return jdbc.one(sql.get("list-by-id"), SubscriberStore::list, id);
    }

    /** Every list, by name, without counting anyone (counting reads every subscription of a list). */
    public List<MailingList> lists() {
        return jdbc.query(sql.get("list-names"), SubscriberStore::list);
    }

    /** Every list with its number of confirmed subscribers. */
    public List<Map.Entry<MailingList, Long>> listsWithCounts() {
        return jdbc.query(sql.get("all-lists"), rs -> Map.entry(list(rs), rs.getLong("confirmed")));
    }

    public Optional<Subscriber> findByEmail(String email) {
        return jdbc.one(sql.get("subscriber-by-key"), SubscriberStore::subscriber, EmailAddress.key(email));
    }

    public Optional<Subscriber> findById(long id) {
        return jdbc.one(sql.get("subscriber-by-id"), SubscriberStore::subscriber, id);
    }

    /** Adds a subscriber (or finds the existing one) and subscribes them to a list with the given status. */
    public Subscriber addToList(long listId, String email, String name, Map<String, String> attributes, String status, String source) {
        String problem = EmailAddress.problem(email);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        Subscriber s = findByEmail(email).orElseGet(() -> {
            long id = jdbc.insert(sql.get("insert-subscriber"), email, EmailAddress.key(email), name,
                    toJson(attributes), null, now(), now());
            return new Subscriber(id, email, name, attributes, "active");
        });
        Optional<String> current = jdbc.one(sql.get("subscription-status"), rs -> rs.getString(1), listId, s.id());
        if (current.isEmpty()) {
            jdbc.update(sql.get("insert-subscription"), listId, s.id(), status, now(), source, now());
        } else {
            setStatus(listId, s.id(), status, source);
        }
        return s;
    }

    public List<Subscription> subscriptionsOf(long subscriberId) {
        return jdbc.query(sql.get("subscriptions-of"), rs -> new Subscription(rs.getLong("list_id"), rs.getString("list_name"),
                rs.getString("status"), Jdbc.instant(rs, "consent_at"), rs.getString("consent_source")), subscriberId);
    }

    /** Changes one list's status; returns false when it already had that status (idempotent). */
    public boolean setStatus(long listId, long subscriberId, String status, String source) {
        Instant now = now();
        return jdbc.update(sql.get("set-subscription-status"), status, now, source, now, listId, subscriberId, status) > 0;
    }

    /** Unsubscribes from every list; returns how many subscriptions changed. */
    public int unsubscribeAll(long subscriberId, String source) {
        Instant now = now();
        return jdbc.update(sql.get("unsubscribe-all"), now, source, now, subscriberId);
    }

    public void rename(long subscriberId, String name) {
        jdbc.update(sql.get("update-subscriber-name"), name, now(), subscriberId);
    }

    public boolean isSuppressed(String email) {
        return jdbc.count(sql.get("is-suppressed"), EmailAddress.key(email)) > 0;
    }

    /** Adds the address to the suppression list; returns false if it was already there. */
    public boolean suppress(String email, String reason, String detail) {
        try {
            // a server's reply can run past the column (several long lines): the start says what happened
            String cut = detail != null && detail.length() > 1000 ? detail.substring(0, 1000) : detail;
            jdbc.update(sql.get("suppress"), EmailAddress.key(email), reason, cut, now());
            return true;
        } catch (DataException e) {
            if (e.getCause() instanceof SQLException sqe && "23505".equals(sqe.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    static String toJson(Map<String, String> attributes) {
        try {
            return attributes == null || attributes.isEmpty() ? "{}" : JSON.writeValueAsString(attributes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a stored attributes column (other packages read subscriber rows in their own queries). */
    public static Map<String, String> attributes(String json) {
        return fromJson(json);
    }

    static Map<String, String> fromJson(String json) {
        try {
            return json == null || json.equals("{}") ? Map.of() : JSON.readValue(json, ATTRIBUTES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt attributes JSON: " + json, e);
        }
    }

    private Instant now() {
        return clock.instant();
    }

    private static MailingList list(ResultSet rs) throws SQLException {
        return new MailingList(rs.getLong("id"), rs.getString("name"), rs.getString("description"));
    }

    private static Subscriber subscriber(ResultSet rs) throws SQLException {
        return new Subscriber(rs.getLong("id"), rs.getString("email"), rs.getString("name"),
                fromJson(rs.getString("attributes")), rs.getString("status"));
    }
}
