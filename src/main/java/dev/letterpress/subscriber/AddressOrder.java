package dev.letterpress.subscriber;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * Puts an import's good rows in address order (by key, then line) with bounded memory: sorted runs spill to
 * temporary files and are merged as they are read back. A file that fits in one run never touches the disk. The
 * files take 1.5-3 times the good rows' CSV text (attributes are JSON, which repeats the column names), twice that
 * while 64 runs merge into one, and are deleted at the end.
 *
 * <p>Why: H2 writes every index page that changed since its last store again at the next one, and it stores each
 * time some 19 MB of changed pages pile up. Addresses in no order (any real export) change a different page of the
 * address indexes with almost every row, so each store rewrites most of those indexes and an import grows with the
 * square of the list: 1,000,000 shuffled rows took minutes where the same rows in address order take seconds.
 */
final class AddressOrder implements AutoCloseable {
    static final Comparator<CsvImporter.Row> ORDER = Comparator.comparing(CsvImporter.Row::key).thenComparingLong(CsvImporter.Row::line);
    /** Rows and characters of row text held before a run spills: about 25 MB of heap at most. */
    static final int RUN_ROWS = 50_000;
    static final long RUN_CHARS = 6_000_000;
    /**
     * Runs merged at once: every 64 runs of one size are merged into one of the next (each row is rewritten once per
     * level), so the last merge reads at most 63 runs per level and the read buffers stay bounded on any file size.
     */
    static final int FAN_IN = 64;
    private static final int BUFFER = 1 << 15;
    private static final String PREFIX = "import-";
    /** Held (OS file lock) while an import uses its directory: what tells a leftover from a running import. */
    private static final String LOCK = "lock";
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AddressOrder.class);

    private final int runRows;
    private final long runChars;
    private final Path parent;
    private final List<CsvImporter.Row> run = new ArrayList<>();
    private long chars;
    /** Spilled runs by level: level k holds runs of about 64^k runs' rows. */
    private final List<List<Path>> levels = new ArrayList<>();
    private final List<RunReader> open = new ArrayList<>();
    private Path dir;
    private java.nio.channels.FileChannel lock;
    private int files;

    AddressOrder() {
        this(RUN_ROWS, RUN_CHARS, null);
    }

    /** {@code parent}: where each import makes its directory of runs; null for the system's temporary directory. */
    AddressOrder(int runRows, long runChars, Path parent) {
        this.runRows = runRows;
        this.runChars = runChars;
        this.parent = parent;
    }

    /**
     * Deletes the run directories that no import holds: those a killed process left behind (addresses, on disk). A
     * CLI import may be running next to the server in the same data directory, so a directory whose lock another
     * process or this one holds stays, as does one so new that its lock may not exist yet. Never fails: leftovers
     * take disk space, nothing else.
     */
    static void removeLeftovers(Path parent) {
        List<Path> dirs;
        try (var list = Files.list(parent)) {
            dirs = list.filter(d -> d.getFileName().toString().startsWith(PREFIX)).toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return; // no such directory yet, or unreadable: nothing to do here
        }
        for (Path d : dirs) {
            try {
                if (unheld(d)) {
                    deleteTree(d);
                }
            } catch (IOException | RuntimeException e) {
                log.warn("cannot remove the import leftovers in {}: {}", d, e.toString());
            }
        }
    }

    private static boolean unheld(Path d) throws IOException {
        if (Files.getLastModifiedTime(d).toInstant().isAfter(java.time.Instant.now().minusSeconds(60))) {
            return false; // changed within the minute: perhaps made a moment ago, its lock not taken yet
        }
        Path lockFile = d.resolve(LOCK);
        if (!Files.exists(lockFile)) {
            return true; // a crash between making the directory and its lock
        }
        try (var channel = java.nio.channels.FileChannel.open(lockFile, java.nio.file.StandardOpenOption.WRITE)) {
            return channel.tryLock() != null; // released with the channel
        } catch (java.nio.channels.OverlappingFileLockException heldHere) {
            return false;
        }
    }

    void add(CsvImporter.Row row) {
        run.add(row);
        chars += row.email().length() * 2L + (row.name() == null ? 0 : row.name().length()) + row.json().length();
        if (run.size() >= runRows || chars >= runChars) {
            spill();
        }
    }

    /** Run files written so far, merged ones included (tests). */
    int filesWritten() {
        return files;
    }

    /** The temporary directory, or null before the first spill (tests). */
    Path directory() {
        return dir;
    }

    /** All rows added, in order; call once, after the last {@link #add}. */
    Iterator<CsvImporter.Row> sorted() {
        run.sort(ORDER);
        if (files == 0) {
            return run.iterator();
        }
        List<Iterator<CsvImporter.Row>> sources = new ArrayList<>();
        for (List<Path> level : levels) {
            for (Path p : level) {
                sources.add(reader(p));
            }
        }
        sources.add(new ArrayList<>(run).iterator());
        run.clear();
        return merge(sources);
    }

    private void spill() {
        run.sort(ORDER);
        try {
            if (dir == null) {
                dir = parent == null ? Files.createTempDirectory("letterpress-" + PREFIX)
                        : Files.createTempDirectory(Files.createDirectories(parent), PREFIX);
                lock = java.nio.channels.FileChannel.open(dir.resolve(LOCK), java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.WRITE);
                lock.lock();
            }
            Path spilled = write(run.iterator());
            for (int k = 0; ; k++) {
                if (levels.size() == k) {
                    levels.add(new ArrayList<>());
                }
                List<Path> level = levels.get(k);
                level.add(spilled);
                if (level.size() < FAN_IN) {
                    break;
                }
                List<Iterator<CsvImporter.Row>> sources = new ArrayList<>();
                for (Path p : level) {
                    sources.add(reader(p));
                }
                spilled = write(merge(sources));
                open.removeAll(sources); // read to the end, so closed
                for (Path p : level) {
                    Files.deleteIfExists(p);
                }
                level.clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the import's sorted rows to a temporary file in " + dir + ": " + e, e);
        }
        run.clear();
        chars = 0;
    }

    private RunReader reader(Path file) {
        RunReader r = new RunReader(file);
        open.add(r);
        return r;
    }

    private Path write(Iterator<CsvImporter.Row> rows) throws IOException {
        Path file = dir.resolve("run-" + files++);
        try (var out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), BUFFER))) {
            while (rows.hasNext()) {
                CsvImporter.Row r = rows.next();
                out.writeLong(r.line());
                writeString(out, r.email()); // the key is derived again on reading: a third less disk
                writeString(out, r.name());
                writeString(out, r.json());
            }
        }
        return file;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static Iterator<CsvImporter.Row> merge(List<Iterator<CsvImporter.Row>> sources) {
        record Head(CsvImporter.Row row, Iterator<CsvImporter.Row> source) {}
        PriorityQueue<Head> heads = new PriorityQueue<>(Math.max(1, sources.size()), Comparator.comparing(Head::row, ORDER));
        for (Iterator<CsvImporter.Row> s : sources) {
            if (s.hasNext()) {
                heads.add(new Head(s.next(), s));
            }
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !heads.isEmpty();
            }

            @Override
            public CsvImporter.Row next() {
                Head head = heads.poll();
                if (head == null) {
                    throw new NoSuchElementException();
                }
                if (head.source().hasNext()) {
                    heads.add(new Head(head.source().next(), head.source()));
                }
                return head.row();
            }
        };
    }

    /**
     * Deletes the temporary files; the rows are gone with them. Never fails: the import is over (done or failed) and
     * a file that cannot be deleted now is removed by the next import or start ({@link #removeLeftovers}).
     */
    @Override
    public void close() {
        run.clear();
        for (RunReader r : open) {
            r.close();
        }
        if (dir == null) {
            return;
        }
        try {
            lock.close(); // releases the lock
            deleteTree(dir);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot delete the import's temporary files in {}: {}", dir, e.toString());
        }
    }

    private static void deleteTree(Path d) throws IOException {
        try (var paths = Files.list(d)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(d);
    }

    /** One spilled run read back row by row; closes its file at the end. */
    private static final class RunReader implements Iterator<CsvImporter.Row> {
        private final DataInputStream in;
        private CsvImporter.Row next;

        private final Path file;

        RunReader(Path file) {
            this.file = file;
            try {
                in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), BUFFER));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the import's temporary file " + file + ": " + e, e);
            }
            try {
                advance();
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        private void advance() {
            try {
                long line;
                try {
                    line = in.readLong();
                } catch (EOFException end) {
                    close();
                    return;
                }
                String email = readString(in);
                next = new CsvImporter.Row(line, email, EmailAddress.key(email), readString(in), readString(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the import's temporary file " + file + ": " + e, e);
            }
        }

        private static String readString(DataInputStream in) throws IOException {
            int length = in.readInt();
            if (length < 0) {
                return null;
            }
            byte[] bytes = in.readNBytes(length);
            if (bytes.length != length) {
                throw new EOFException("a temporary import file ends inside a row");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }

        void close() {
            next = null;
            try {
                in.close();
            } catch (IOException e) {
                // a read-only file: nothing was lost
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public CsvImporter.Row next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            CsvImporter.Row r = next;
            advance();
            return r;
        }
    }
}
