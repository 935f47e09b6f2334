package dev.letterpress.segment;

import dev.letterpress.db.DataException;
import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import dev.letterpress.subscriber.NotFoundException;
import dev.letterpress.subscriber.Subscriber;
import dev.letterpress.subscriber.SubscriberStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Named segments and what they match. Counting and previewing run over every subscriber (whatever their lists or
 * status; add {@code status = "active"} to the expression to leave blocked ones out): a campaign's audience is its
 * lists' confirmed subscribers, and a segment narrows that further once delivery uses {@link Segment#filter}.
 */
public final class SegmentStore {
    private static final Sql SQL = Sql.load("segments");
    static final int MAX_NAME = 100;
    static final int MAX_PREVIEW = 1000;

    private final Jdbc jdbc;
    private final Clock clock;

    public SegmentStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Checks the expression and stores it under {@code name}; a taken name or a bad expression is an error. */
    public SavedSegment create(String name, String expression) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty() || n.length() > MAX_NAME || n.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("segment name must be 1 to " + MAX_NAME + " characters without control characters");
        }
        Segment.parse(expression);
        if (find(n).isPresent()) {
            throw new IllegalArgumentException("a segment named '" + n + "' already exists");
        }
        try {
            long id = jdbc.insert(SQL.get("insert-segment"), n, expression, clock.instant());
            return new SavedSegment(id, n, expression, clock.instant());
        } catch (DataException e) {
            if (find(n).isPresent()) { // created by someone else in the meantime
                throw new IllegalArgumentException("a segment named '" + n + "' already exists");
            }
            throw e;
        }
    }

    public Optional<SavedSegment> find(String name) {
        return jdbc.one(SQL.get("segment-by-name"), SegmentStore::saved, name);
    }

    public SavedSegment require(String name) {
        return find(name).orElseThrow(() -> new NotFoundException("no segment named '" + name + "'"));
    }

    /** Removes a segment; schedules that name it record a skip at their next firing. Returns whether it existed. */
    public boolean delete(String name) {
        return jdbc.update(SQL.get("delete-segment"), name) > 0;
    }

    public List<SavedSegment> list() {
        return jdbc.query(SQL.get("all-segments"), SegmentStore::saved);
    }

    /** The stored segment's condition over {@code subscribers <alias>}, for a query of another package (see {@link SqlFilter}). */
    public SqlFilter filter(String name, String alias) {
        return require(name).segment().filter(alias);
    }

    /** How many subscribers match. */
    public long count(Segment segment) {
        SqlFilter f = segment.filter("s");
        return jdbc.count(SQL.get("count-matching").replace("{filter}", f.sql()), f.parameters().toArray());
    }

    /** The first {@code limit} matching subscribers by id. */
    public List<Subscriber> preview(Segment segment, int limit) {
        if (limit < 1 || limit > MAX_PREVIEW) {
            throw new IllegalArgumentException("preview limit must be 1.." + MAX_PREVIEW + ", not " + limit);
        }
        SqlFilter f = segment.filter("s");
        List<Object> params = new ArrayList<>(f.parameters());
        params.add(limit);
        return jdbc.query(SQL.get("preview-matching").replace("{filter}", f.sql()),
                rs -> new Subscriber(rs.getLong("id"), rs.getString("email"), rs.getString("name"),
                        SubscriberStore.attributes(rs.getString("attributes")), rs.getString("status")),
                params.toArray());
    }

    private static SavedSegment saved(ResultSet rs) throws SQLException {
        return new SavedSegment(rs.getLong("id"), rs.getString("name"), rs.getString("expression"), Jdbc.instant(rs, "created_at"));
    }
}
