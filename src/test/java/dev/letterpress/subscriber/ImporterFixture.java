package dev.letterpress.subscriber;

import dev.letterpress.TestSupport;
import dev.letterpress.db.Database;
import dev.letterpress.db.Jdbc;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** One file H2 database per test class for the importer's tests; every test works on its own list and addresses. */
abstract class ImporterFixture {
    @TempDir
    static Path dir;
    static Database db;
    static Jdbc jdbc;
    static SubscriberStore store;
    static CsvImporter importer;

    MailingList list;
    final List<CsvImporter.RowProblem> problems = new ArrayList<>();
    /** "read/written/toWrite" per call. */
    final List<String> progress = new ArrayList<>();
    final CsvImporter.Listener listener = new CsvImporter.Listener() {
        @Override
        public void problem(CsvImporter.RowProblem problem) {
            problems.add(problem);
        }

        @Override
        public void progress(long rowsRead, long rowsWritten, long rowsToWrite) {
            progress.add(rowsRead + "/" + rowsWritten + "/" + rowsToWrite);
        }
    };

    @BeforeAll
    static void open() {
        db = Database.open(TestSupport.config(dir, 25, Map.of()));
        jdbc = db.jdbc();
        store = new SubscriberStore(jdbc, Clock.systemUTC());
        importer = new CsvImporter(db.dataSource(), Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @BeforeEach
    void freshList() {
        list = store.createList("list " + System.nanoTime(), null);
    }

    CsvImporter.Report run(String csv) {
        return importer.importCsv(new StringReader(csv), "test.csv", list, Subscription.CONFIRMED, listener);
    }

    String statusOn(long subscriber) {
        return store.subscriptionsOf(subscriber).stream().filter(s -> s.listId() == list.id()).findFirst().orElseThrow().status();
    }
}
