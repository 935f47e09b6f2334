package dev.letterpress.admin;

import dev.letterpress.subscriber.CsvImporter;
import dev.letterpress.subscriber.MailingList;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CSV uploads imported in the background, one at a time, each with an id the page polls. The upload is copied to a
 * temporary file first (the request's stream ends with the request). Jobs live in this node's memory: the progress
 * page must be served by the node that took the upload, and a restart forgets them (the imported rows stay, and
 * importing the same file again changes nothing twice).
 */
final class ImportJobs implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ImportJobs.class);
    static final int MAX_REPORTED = 1_000;
    private static final int MAX_KEPT = 100;

    static final class Job {
        final String id;
        final String list;
        final String file;
        final long totalRows;
        volatile long rowsRead;
        /** Good rows handled so far, of how many: the second phase, after the whole file was read and put in address order. */
        volatile long rowsWritten;
        volatile long rowsToWrite;
        volatile CsvImporter.Report report;
        volatile String error;
        final List<CsvImporter.RowProblem> problems = Collections.synchronizedList(new ArrayList<>());

        Job(String id, String list, String file, long totalRows) {
            this.id = id;
            this.list = list;
            this.file = file;
            this.totalRows = totalRows;
        }

        boolean done() {
            return report != null || error != null;
        }

        int percent() {
            if (done()) {
                return 100;
            }
            // reading and sorting takes about a tenth of an import, writing the rest
            long read = totalRows == 0 ? 0 : 10 * Math.min(rowsRead, totalRows) / totalRows;
            long toWrite = rowsToWrite; // read once: the importer's thread sets it
            return (int) Math.min(99, toWrite == 0 ? read : 10 + 90 * rowsWritten / toWrite);
        }
    }

    private final CsvImporter importer;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "admin-import");
        t.setDaemon(true);
        return t;
    });

    ImportJobs(CsvImporter importer) {
        this.importer = importer;
    }

    /** Takes ownership of {@code upload} (deleted when the import ends) and starts importing it. */
    Job start(Path upload, String fileName, MailingList list, String status, String admin) throws IOException {
        long lines;
        try (var l = Files.lines(upload, StandardCharsets.UTF_8)) {
            lines = Math.max(0, l.count() - 1);
        } catch (java.io.UncheckedIOException e) {
            lines = 0; // not UTF-8 text: the importer says what is wrong
        }
        if (jobs.size() >= MAX_KEPT) {
            jobs.values().stream().filter(Job::done).map(j -> j.id).findFirst().ifPresent(jobs::remove);
        }
        Job job = new Job(UUID.randomUUID().toString(), list.name(), fileName, lines);
        jobs.put(job.id, job);
        worker.submit(() -> {
            try (Reader in = CsvImporter.utf8(Files.newInputStream(upload))) {
                job.report = importer.importCsv(in, "admin upload by '" + admin + "' (" + fileName + ")", list, status, new CsvImporter.Listener() {
                    @Override
                    public void problem(CsvImporter.RowProblem p) {
                        if (job.problems.size() < MAX_REPORTED) {
                            job.problems.add(p);
                        }
                    }

                    @Override
                    public void progress(long rowsRead, long rowsWritten, long rowsToWrite) {
                        job.rowsRead = rowsRead;
                        job.rowsWritten = rowsWritten;
                        job.rowsToWrite = rowsToWrite;
                    }
                });
            } catch (CsvImporter.ImportException | IllegalArgumentException e) {
                job.error = e.getMessage();
            } catch (Exception e) {
                log.error("import of {} failed", fileName, e);
                job.error = "the import failed: " + e.getMessage();
            } finally {
                try {
                    Files.deleteIfExists(upload);
                } catch (IOException e) {
                    log.warn("cannot delete {}", upload);
                }
            }
        });
        return job;
    }

    Optional<Job> find(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
