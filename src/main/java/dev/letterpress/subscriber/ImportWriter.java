package dev.letterpress.subscriber;

import dev.letterpress.db.DataException;
import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One connection and its prepared statements for a whole import; a transaction per chunk of rows. The rows come in
 * address order ({@link AddressOrder}), so a duplicate's first line is in its own chunk or ends the one before.
 */
final class ImportWriter implements AutoCloseable {
    /** Tries of a chunk that collided with a concurrent writer's new address (SQLSTATE 23505 in H2 and PostgreSQL). */
    private static final int ATTEMPTS = 3;
    private static final String UNIQUE_VIOLATION = "23505";

    private record Existing(long id, String name, String attributes, boolean onList) {}

    private final Connection c;
    private final Clock clock;
    /** An address's erasure marker (DataRights), or null: no check. */
    private final UnaryOperator<String> erasureMarker;
    private final long listId;
    private final long importId;
    private final String status;
    private final String consent;
    private final PreparedStatement lookup;
    private final PreparedStatement update;
    private final PreparedStatement insert;
    private final PreparedStatement subscribe;
    private final PreparedStatement erased;
    /** The first line of the last address in the chunks committed so far: a duplicate of it may start the next chunk. */
    private CsvImporter.Row previous;

    ImportWriter(Connection c, Sql sql, Clock clock, UnaryOperator<String> erasureMarker, long listId, long importId, String status,
                 String consent) throws SQLException {
        this.c = c;
        this.clock = clock;
        this.erasureMarker = erasureMarker;
        this.listId = listId;
        this.importId = importId;
        this.status = status;
        this.consent = consent;
        this.lookup = c.prepareStatement(sql.get("import-lookup"));
        this.update = c.prepareStatement(sql.get("import-update"));
        this.insert = c.prepareStatement(sql.get("import-insert"), new String[] {"id", "email_key"});
        this.subscribe = c.prepareStatement(sql.get("import-subscribe"));
        this.erased = erasureMarker != null ? c.prepareStatement(sql.get("import-erased")) : null;
    }

    /** Drops the rows whose address erased itself, each reported with its line; counted as invalid. */
    private void dropErased(Map<String, CsvImporter.Row> byKey, long[] counts, CsvImporter.Listener listener) throws SQLException {
        Map<String, String> byMarker = new HashMap<>();
        byKey.forEach((key, row) -> byMarker.put(erasureMarker.apply(row.email()), key));
        Jdbc.bind(erased, (Object) byMarker.keySet().toArray(String[]::new));
        try (ResultSet rs = erased.executeQuery()) {
            while (rs.next()) {
                CsvImporter.Row row = byKey.remove(byMarker.get(rs.getString(1)));
                counts[5]++;
                listener.problem(new CsvImporter.RowProblem(row.line(), CsvImporter.RowProblem.Kind.INVALID, row.email()
                        + " asked to be erased; not imported (only their own sign-up through the form brings them back)"));
            }
        }
    }

    void flush(List<CsvImporter.Row> chunk, long[] counts, CsvImporter.Listener listener) throws SQLException {
        if (chunk.isEmpty()) {
            return;
        }
        Map<String, CsvImporter.Row> byKey = new LinkedHashMap<>();
        for (CsvImporter.Row row : chunk) {
            CsvImporter.Row earlier = previous != null && previous.key().equals(row.key()) ? previous : byKey.putIfAbsent(row.key(), row);
            if (earlier != null) {
                counts[4]++;
                listener.problem(new CsvImporter.RowProblem(row.line(), CsvImporter.RowProblem.Kind.DUPLICATE, row.email() + " already appears on line " + earlier.line()));
            }
        }
        Instant now = clock.instant();
        for (int attempt = 1; ; attempt++) {
            long[] found = new long[counts.length];
            List<CsvImporter.RowProblem> problems = new ArrayList<>();
            try {
                write(new LinkedHashMap<>(byKey), now, found, problems::add);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                if (attempt < ATTEMPTS && e instanceof SQLException sqe && UNIQUE_VIOLATION.equals(sqe.getSQLState())) {
                    // a sign-up or another import added one of these addresses (or subscriptions) after the lookup:
                    // the next attempt's lookup finds it, and the chunk's other rows are not lost with it
                    continue;
                }
                throw e instanceof SQLException sqe
                        ? new DataException("import chunk ending at line " + chunk.get(chunk.size() - 1).line(), sqe) : (RuntimeException) e;
            }
            // only what was committed counts
            for (int i = 0; i < counts.length; i++) {
                counts[i] += found[i];
            }
            problems.forEach(listener::problem);
            CsvImporter.Row last = byKey.get(chunk.get(chunk.size() - 1).key());
            if (last != null) { // null: the whole chunk repeated the previous address
                previous = last;
            }
            return;
        }
    }

    /** One attempt at a chunk, inside its transaction: counts and problems go to the caller. */
    private void write(Map<String, CsvImporter.Row> byKey, Instant now, long[] counts, CsvImporter.Listener listener) throws SQLException {
        if (erased != null) {
            dropErased(byKey, counts, listener);
            if (byKey.isEmpty()) {
                return;
            }
        }
        Map<String, Existing> existing = new HashMap<>();
        Jdbc.bind(lookup, byKey.keySet().toArray(String[]::new), listId);
        try (ResultSet rs = lookup.executeQuery()) {
            while (rs.next()) {
                existing.put(rs.getString("email_key"), new Existing(rs.getLong("id"), rs.getString("name"),
                        rs.getString("attributes"), rs.getString("list_status") != null));
            }
        }
        List<Long> toSubscribe = new ArrayList<>();
        List<CsvImporter.Row> fresh = new ArrayList<>();
        int updates = 0;
        for (CsvImporter.Row row : byKey.values()) {
            Existing old = existing.get(row.key());
            if (old == null) {
                fresh.add(row);
                continue;
            }
            if (!old.onList()) {
                toSubscribe.add(old.id());
            }
            String name = row.name() != null ? row.name() : old.name();
            String json = merge(old.attributes(), row);
            if (json.length() > CsvImporter.MAX_ATTRIBUTES_JSON) {
                counts[5]++;
                listener.problem(new CsvImporter.RowProblem(row.line(), CsvImporter.RowProblem.Kind.INVALID, "with the attributes " + row.email()
                        + " already has, they would take " + json.length() + " characters; at most " + CsvImporter.MAX_ATTRIBUTES_JSON));
                continue;
            }
            if (Objects.equals(name, old.name()) && json.equals(old.attributes())) {
                counts[3]++; // nothing to write
            } else {
                Jdbc.bind(update, name, json, importId, now, old.id());
                update.addBatch();
                updates++;
                counts[2]++;
            }
        }
        if (updates > 0) {
            update.executeBatch();
        }
        if (!fresh.isEmpty()) {
            String[] emails = new String[fresh.size()];
            String[] keys = new String[fresh.size()];
            String[] names = new String[fresh.size()];
            String[] jsons = new String[fresh.size()];
            for (int i = 0; i < emails.length; i++) {
                CsvImporter.Row r = fresh.get(i);
                emails[i] = r.email();
                keys[i] = r.key();
                names[i] = r.name();
                jsons[i] = r.json();
            }
            Jdbc.bind(insert, importId, now, now, emails, keys, names, jsons);
            insert.executeUpdate();
            int inserted = 0;
            try (ResultSet ids = insert.getGeneratedKeys()) {
                while (ids.next()) {
                    long id = ids.getLong(1);
                    toSubscribe.add(id);
                    inserted++;
                }
            }
            if (inserted != fresh.size()) {
                throw new SQLException("inserted " + fresh.size() + " subscribers but got " + inserted + " ids back");
            }
            counts[1] += inserted;
        }
        if (!toSubscribe.isEmpty()) {
            Jdbc.bind(subscribe, listId, status, now, consent, now, toSubscribe.toArray(Long[]::new));
            counts[6] += subscribe.executeUpdate();
        }
    }

    @Override
    public void close() throws SQLException {
        try (lookup; update; insert; subscribe; erased) {
            // closes all five (try-with-resources skips a null)
        }
    }

    /** The stored attributes merged with the row's (the row's win); the stored JSON itself when that changes nothing. */
    private static String merge(String stored, CsvImporter.Row row) {
        if (row.json().equals("{}") || row.json().equals(stored)) {
            return stored;
        }
        Map<String, String> merged = new LinkedHashMap<>(SubscriberStore.fromJson(stored));
        merged.putAll(SubscriberStore.fromJson(row.json()));
        return SubscriberStore.toJson(merged);
    }
}
