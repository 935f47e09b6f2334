package dev.letterpress.subscriber;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import dev.letterpress.db.DataException;
import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Imports a CSV file ({@code email,name,...attributes}) into a list in chunks: bounded memory on any file size
 * (past one sorted run, temporary disk of a few times the good rows' text: {@link AddressOrder}). Bad rows are
 * reported with their line number and skipped; the good rows import. Re-importing the same file changes nothing,
 * and an existing subscription (an unsubscribe above all) is never overridden.
 */
public final class CsvImporter {
    static final int CHUNK = 2_000;
    /** Parsed chunks waiting for the writer: bounds memory while parsing runs ahead. */
    static final int QUEUE = 2;
    static final int MAX_NAME = 500;
    static final int MAX_VALUE = 1_000;
    /** subscribers.attributes holds 20,000 characters of JSON: a row beyond it is refused, never a failed chunk. */
    static final int MAX_ATTRIBUTES_JSON = 20_000;

    /**
     * What a CSV export writes for a value: one a spreadsheet would run as a formula (= + - @ tab CR first) gets a
     * leading apostrophe, which this importer takes off again, so an export imports unchanged.
     */
    public static String escapeFormula(String value) {
        return !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    }

    /** What a byte sequence that is not UTF-8 becomes in {@link #utf8}: the row holding it is reported, not imported. */
    static final char NOT_UTF8 = '\uFFFF'; // a noncharacter, unlike U+FFFD, which a UTF-8 file may hold
    static final String NOT_UTF8_HINT = "was the file saved as Windows-1252 or Latin-1 (Excel's plain \"CSV\" does that)? "
            + "Save it as \"CSV UTF-8\" and import it again";

    /**
     * A CSV file's text for {@link #importCsv}: every import path reads through this, so a file in another encoding
     * is treated alike everywhere. Bytes that are not UTF-8 become {@link #NOT_UTF8} and their row is reported with
     * its line (the rest imports), instead of being stored garbled or ending the import half-way.
     */
    public static Reader utf8(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)
                .replaceWith(String.valueOf(NOT_UTF8))), 1 << 16);
    }

    /**
     * Receives bad and duplicate rows as they are found, and progress. An import reads the whole file first (invalid
     * rows are reported then, in file order), then writes the good rows in address order (duplicates and rows refused
     * against what is stored are reported then, in that order).
     */
    public interface Listener {
        void problem(RowProblem problem);

        /**
         * While reading: rows read so far, then 0 and 0. Then once per written chunk: all rows read, the good rows
         * handled so far (written, or found duplicate or refused then) and how many there are in all.
         */
        default void progress(long rowsRead, long rowsWritten, long rowsToWrite) {}
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

    /** A good row; {@code json} holds its attribute columns (a JSON object of strings, {@code {}} for none). */
    record Row(long line, String email, String key, String name, String json) {}

    /** What the parser thread hands over: up to {@link #CHUNK} good rows, the bad ones before them, or the end. */
    record Batch(List<Row> rows, List<RowProblem> invalid, long rowsRead, boolean last, RuntimeException failure) {}

    private final Jdbc jdbc;
    private final javax.sql.DataSource dataSource;
    private final Sql sql = Sql.load("subscribers");
    private final Clock clock;
    /** Where sorted runs spill (the system's temporary directory if null): data.dir, the database's disk, not a small /tmp. */
    private final java.nio.file.Path spillDir;
    /** Rows per sorted run before it spills to a temporary file; tests make it small to spill and merge. */
    int runRows = AddressOrder.RUN_ROWS;
    /** An address's erasure marker (DataRights), or null: no check. */
    private final java.util.function.UnaryOperator<String> erasureMarker;

    public CsvImporter(javax.sql.DataSource dataSource, Clock clock) {
        this(dataSource, clock, null, null);
    }

    /**
     * {@code erasureMarker}: rows whose address erased itself (GDPR) are refused with a reason instead of imported: an
     * old file imported again must not bring back, and mail, someone who asked to be forgotten (or who complained,
     * or bounced: erasure drops those suppression rows with the address). Only their own fresh double opt-in does.
     */
    public CsvImporter(javax.sql.DataSource dataSource, Clock clock, java.util.function.UnaryOperator<String> erasureMarker,
                       java.nio.file.Path spillDir) {
        this.dataSource = dataSource;
        this.jdbc = new Jdbc(dataSource);
        this.clock = clock;
        this.erasureMarker = erasureMarker;
        this.spillDir = spillDir;
        if (spillDir != null) {
            AddressOrder.removeLeftovers(spillDir);
        }
    }

    /**
     * Reads, parses and validates on a second thread while this one puts the good rows in address order
     * ({@link AddressOrder}: sorted runs, spilled to temporary files past 50,000 good rows or 6 M characters), then
     * writes them a chunk per transaction: memory stays bounded on any file size. The listener is only ever called on the caller's thread:
     * invalid rows in file order while reading, then duplicates (and rows refused against what is stored) in address
     * order while writing. A failure part-way leaves the chunks before it imported; importing the file again
     * completes it and changes nothing twice.
     */
    public Report importCsv(Reader csv, String sourceName, MailingList list, String status, Listener listener) {
        if (!Subscription.CONFIRMED.equals(status) && !Subscription.UNCONFIRMED.equals(status)) {
            throw new IllegalArgumentException("status must be confirmed or unconfirmed, not '" + status + "'");
        }
        long started = System.nanoTime();
        var counts = new long[7]; // rows, added, updated, unchanged, duplicates, invalid, subscribed
        try (CsvReader<CsvRecord> reader = CsvReader.builder()
                // rows with too few or too many fields reach the importer, which reports them with their line
                .extraFieldStrategy(FieldMismatchStrategy.IGNORE).missingFieldStrategy(FieldMismatchStrategy.IGNORE)
                .allowExtraCharsAfterClosingQuote(true)
                .ofCsvRecord(csv)) {
            var it = reader.iterator();
            if (!it.hasNext()) {
                throw new ImportException(sourceName + ": the file is empty; the first line must be a header such as email,name,city");
            }
            String[] header = CsvRowParser.header(it.next(), sourceName);
            long importId = jdbc.insert(sql.get("import-start"), list.id(), sourceName, clock.instant());
            // a keyed hash of every row's address (about a microsecond each, on the writing thread): only when anyone erased at all
            boolean checkErased = erasureMarker != null && jdbc.count(sql.get("erased-markers-exist")) > 0;
            String consent = "import #" + importId + " (" + sourceName + ")";
            if (spillDir != null) {
                AddressOrder.removeLeftovers(spillDir); // a crashed import's, without waiting for a restart
            }
            CsvRowParser parser = new CsvRowParser(it, header);
            Thread parsing = new Thread(parser, "csv-import-parser");
            parsing.setDaemon(true);
            parsing.start();
            try (AddressOrder order = new AddressOrder(runRows, AddressOrder.RUN_CHARS, spillDir)) {
                read(parser, order, counts, listener);
                write(order.sorted(), importId, list.id(), status, consent, checkErased, counts, listener);
            } catch (SQLException e) {
                throw new DataException("import " + sourceName, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("import of " + sourceName + " interrupted", e);
            } catch (UncheckedIOException e) {
                if (e.getCause() instanceof java.nio.channels.ClosedByInterruptException) {
                    // an interrupt (shutdown) closed a temporary file under the sort: say so, not "cannot read"
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("import of " + sourceName + " interrupted", e);
                }
                throw e;
            } finally {
                parser.stopped = true;
                parsing.interrupt();
                joinQuietly(parsing);
            }
            jdbc.update(sql.get("import-finish"), clock.instant(), counts[0], counts[1], counts[2], counts[4], counts[5], importId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sourceName, e);
        }
        return new Report(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6],
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** Takes the parser's batches: reports the invalid rows (in file order) and puts the good ones in address order. */
    private static void read(CsvRowParser parser, AddressOrder order, long[] counts, Listener listener) throws InterruptedException {
        while (true) {
            Batch batch = parser.queue.take();
            if (batch.failure() != null) {
                throw batch.failure();
            }
            for (RowProblem p : batch.invalid()) {
                counts[5]++;
                listener.problem(p);
            }
            batch.rows().forEach(order::add);
            counts[0] = batch.rowsRead();
            listener.progress(counts[0], 0, 0);
            if (batch.last()) {
                return;
            }
        }
    }

    /** Writes the rows in address order, a transaction per chunk. */
    private void write(java.util.Iterator<Row> rows, long importId, long listId, String status, String consent, boolean checkErased,
                       long[] counts, Listener listener) throws SQLException, InterruptedException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (ImportWriter writer = new ImportWriter(c, sql, clock, checkErased ? erasureMarker : null, listId, importId, status, consent)) {
                long written = 0;
                long toWrite = counts[0] - counts[5];
                List<Row> chunk = new ArrayList<>(CHUNK);
                while (rows.hasNext()) {
                    chunk.add(rows.next());
                    if (chunk.size() == CHUNK || !rows.hasNext()) {
                        if (Thread.interrupted()) {
                            throw new InterruptedException(); // a shutdown: the chunks written stay, a re-import completes
                        }
                        writer.flush(chunk, counts, listener);
                        written += chunk.size();
                        listener.progress(counts[0], written, toWrite);
                        chunk = new ArrayList<>(CHUNK);
                    }
                }
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static void joinQuietly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

}
