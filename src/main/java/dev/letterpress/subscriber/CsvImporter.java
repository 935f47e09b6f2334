package dev.letterpress.subscriber;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.letterpress.db.DataException;
import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Streams a CSV file ({@code email,name,...attributes}) into a list in chunks: constant memory on any
 * file size. Bad rows are reported with their line number and skipped; the good rows import. Re-importing
 * the same file changes nothing, and an existing subscription (an unsubscribe above all) is never overridden.
 */
public final class CsvImporter {
    static final int CHUNK = 2_000;
    private static final int MAX_NAME = 500;
    private static final int MAX_VALUE = 1_000;

    /** Receives bad and duplicate rows as they are found, and progress once per chunk. */
    public interface Listener {
        void problem(RowProblem problem);

        default void progress(long rowsRead) {}
    }

    public record RowProblem(long line, Kind kind, String reason) {
        public enum Kind { INVALID, DUPLICATE }
    }

    public record Report(long rows, long added, long updated, long unchanged, long duplicates, long invalid,
                         long subscribed, Duration took) {
        public double rowsPerSecond() {
            return rows / Math.max(0.001, took.toNanos() / 1e9);
        }
    }

    /** The CSV cannot be imported at all (no header, no email column); nothing was written. */
    public static final class ImportException extends RuntimeException {
        public ImportException(String message) {
            super(message);
        }
    }

    private record Row(long line, String email, String key, String name, Map<String, String> attributes) {}

    private record Existing(long id, String key, String name, String attributes, Long lastImport, boolean onList) {}

    private final Jdbc jdbc;
    private final javax.sql.DataSource dataSource;
    private final Sql sql = Sql.load("subscribers");
    private final Clock clock;

    public CsvImporter(javax.sql.DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.jdbc = new Jdbc(dataSource);
        this.clock = clock;
    }

    public Report importCsv(Reader csv, String sourceName, MailingList list, String status, Listener listener) {
        if (!Subscription.CONFIRMED.equals(status) && !Subscription.UNCONFIRMED.equals(status)) {
            throw new IllegalArgumentException("status must be confirmed or unconfirmed, not '" + status + "'");
        }
        long started = System.nanoTime();
        var counts = new long[7]; // rows, added, updated, unchanged, duplicates, invalid, subscribed
        try (CsvReader<CsvRecord> reader = CsvReader.builder()
                .allowExtraFields(true).allowMissingFields(true).allowExtraCharsAfterClosingQuote(true)
                .ofCsvRecord(csv)) {
            var it = reader.iterator();
            if (!it.hasNext()) {
                throw new ImportException(sourceName + ": the file is empty; the first line must be a header such as email,name,city");
            }
            String[] header = header(it.next(), sourceName);
            long importId = jdbc.insert(sql.get("import-start"), list.id(), sourceName, clock.instant());
            String consent = "import #" + importId + " (" + sourceName + ")";
            List<Row> chunk = new ArrayList<>(CHUNK);
            while (true) {
                CsvRecord record;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    record = it.next();
                } catch (CsvParseException e) {
                    counts[5]++;
                    listener.problem(new RowProblem(-1, RowProblem.Kind.INVALID,
                            "unreadable CSV from here on (" + e.getMessage() + "); the rows after it were not imported"));
                    break;
                }
                counts[0]++;
                Row row = parse(record, header, listener);
                if (row == null) {
                    counts[5]++;
                    continue;
                }
                chunk.add(row);
                if (chunk.size() == CHUNK) {
                    flush(chunk, list.id(), importId, status, consent, counts, listener);
                    listener.progress(counts[0]);
                }
            }
            flush(chunk, list.id(), importId, status, consent, counts, listener);
            listener.progress(counts[0]);
            jdbc.update(sql.get("import-finish"), clock.instant(), counts[0], counts[1], counts[2], counts[4], counts[5], importId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sourceName, e);
        }
        return new Report(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6],
                Duration.ofNanos(System.nanoTime() - started));
    }

    private static String[] header(CsvRecord first, String sourceName) {
        String[] names = new String[first.getFieldCount()];
        boolean hasEmail = false;
        for (int i = 0; i < names.length; i++) {
            String n = first.getField(i).strip();
            if (i == 0 && n.startsWith("\uFEFF")) {
                n = n.substring(1);
            }
            if (n.isEmpty()) {
                throw new ImportException(sourceName + " line 1: column " + (i + 1) + " of the header has no name");
            }
            String lower = n.toLowerCase(Locale.ROOT);
            for (int j = 0; j < i; j++) {
                if (names[j].equalsIgnoreCase(n)) {
                    throw new ImportException(sourceName + " line 1: column '" + n + "' appears twice in the header");
                }
            }
            hasEmail |= lower.equals("email");
            names[i] = lower.equals("email") || lower.equals("name") ? lower : n;
        }
        if (!hasEmail) {
            throw new ImportException(sourceName + " line 1: the header has no 'email' column; expected a header such as email,name,city");
        }
        return names;
    }

    private static Row parse(CsvRecord record, String[] header, Listener listener) {
        long line = record.getStartingLineNumber();
        if (record.getFieldCount() != header.length) {
            listener.problem(new RowProblem(line, RowProblem.Kind.INVALID,
                    record.getFieldCount() + " fields, but the header has " + header.length + " (" + String.join(",", header) + ")"));
            return null;
        }
        for (String field : record.getFields()) {
            if (field.indexOf('\n') >= 0 || field.indexOf('\r') >= 0) {
                // FastCSV closes an unterminated quote at the end of the file (its issue #173), so such a quote
                // swallows the following lines into one value. Values are single-line here: report the span.
                long lines = field.stripTrailing().chars().filter(ch -> ch == '\n').count();
                listener.problem(new RowProblem(line, RowProblem.Kind.INVALID, "a quoted value runs from line " + line + " over "
                        + lines + " more line" + (lines == 1 ? "" : "s") + " (to line " + (line + lines)
                        + "): is a closing quote missing? Those lines were not imported; values must be on one line"));
                return null;
            }
        }
        String email = null;
        String name = null;
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int i = 0; i < header.length; i++) {
            String value = record.getField(i).strip();
            switch (header[i]) {
                case "email" -> email = value;
                case "name" -> name = value.isEmpty() ? null : value;
                default -> {
                    if (!value.isEmpty()) {
                        attributes.put(header[i], value);
                    }
                }
            }
        }
        String problem = EmailAddress.problem(email);
        if (problem == null && name != null && (name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl))) {
            problem = "name must be at most " + MAX_NAME + " printable characters";
        }
        if (problem == null) {
            for (var e : attributes.entrySet()) {
                if (e.getValue().length() > MAX_VALUE) {
                    problem = "attribute '" + e.getKey() + "' is longer than " + MAX_VALUE + " characters";
                }
            }
        }
        if (problem != null) {
            listener.problem(new RowProblem(line, RowProblem.Kind.INVALID, problem));
            return null;
        }
        return new Row(line, email, EmailAddress.key(email), name, attributes);
    }

    private void flush(List<Row> chunk, long listId, long importId, String status, String consent, long[] counts, Listener listener) {
        if (chunk.isEmpty()) {
            return;
        }
        Map<String, Row> byKey = new LinkedHashMap<>();
        for (Row row : chunk) {
            Row earlier = byKey.putIfAbsent(row.key(), row);
            if (earlier != null) {
                counts[4]++;
                listener.problem(new RowProblem(row.line(), RowProblem.Kind.DUPLICATE, row.email() + " already appears on line " + earlier.line()));
            }
        }
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            Map<String, Existing> existing = new HashMap<>();
            for (Existing e : Jdbc.query(c, sql.get("import-lookup"), rs -> new Existing(rs.getLong("id"), rs.getString("email_key"),
                    rs.getString("name"), rs.getString("attributes"), Jdbc.nullableLong(rs, "last_import"), rs.getString("list_status") != null),
                    byKey.keySet().toArray(String[]::new), listId)) {
                existing.put(e.key(), e);
            }
            List<String> toSubscribe = new ArrayList<>();
            List<Row> fresh = new ArrayList<>();
            List<Long> touched = new ArrayList<>();
            try (PreparedStatement update = c.prepareStatement(sql.get("import-update"))) {
                for (Row row : byKey.values()) {
                    Existing old = existing.get(row.key());
                    if (old == null) {
                        fresh.add(row);
                        toSubscribe.add(row.key());
                        continue;
                    }
                    if (old.lastImport() != null && old.lastImport() == importId) {
                        counts[4]++;
                        listener.problem(new RowProblem(row.line(), RowProblem.Kind.DUPLICATE, row.email() + " appears earlier in this file"));
                        continue;
                    }
                    if (!old.onList()) {
                        toSubscribe.add(row.key());
                    }
                    Map<String, String> merged = new LinkedHashMap<>(SubscriberStore.fromJson(old.attributes()));
                    merged.putAll(row.attributes());
                    String name = row.name() != null ? row.name() : old.name();
                    String json = SubscriberStore.toJson(merged);
                    if (Objects.equals(name, old.name()) && json.equals(old.attributes())) {
                        touched.add(old.id());
                        counts[3]++;
                    } else {
                        Jdbc.bind(update, name, json, importId, now, old.id());
                        update.addBatch();
                        counts[2]++;
                    }
                }
                update.executeBatch();
            }
            if (!touched.isEmpty()) {
                // by primary key, batched: "id IN (SELECT ... FROM UNNEST(?))" makes H2 scan the table per chunk
                try (PreparedStatement touch = c.prepareStatement(sql.get("import-touch"))) {
                    for (long id : touched) {
                        Jdbc.bind(touch, importId, id);
                        touch.addBatch();
                    }
                    touch.executeBatch();
                }
            }
            if (!fresh.isEmpty()) {
                Jdbc.update(c, sql.get("import-insert"), importId, now, now,
                        fresh.stream().map(Row::email).toArray(String[]::new), fresh.stream().map(Row::key).toArray(String[]::new),
                        fresh.stream().map(Row::name).toArray(String[]::new),
                        fresh.stream().map(r -> SubscriberStore.toJson(r.attributes())).toArray(String[]::new));
                counts[1] += fresh.size();
            }
            if (!toSubscribe.isEmpty()) {
                counts[6] += Jdbc.update(c, sql.get("import-subscribe"), listId, status, now, consent, now, toSubscribe.toArray(String[]::new));
            }
            c.commit();
        } catch (SQLException e) {
            throw new DataException("import chunk ending at line " + chunk.get(chunk.size() - 1).line(), e);
        }
        chunk.clear();
    }
}
