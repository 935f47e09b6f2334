package dev.letterpress.subscriber;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sorting an import's rows in bounded memory: in memory, spilled to runs, and merged over more than one level. */
class AddressOrderTest {
    private static List<CsvImporter.Row> rows(int n, long seed) {
        Random random = new Random(seed);
        List<CsvImporter.Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // few distinct addresses, so the same key recurs on many lines; names and JSON with non-ASCII text and nulls
            String key = "u" + random.nextInt(n / 3 + 1) + "@d" + random.nextInt(5) + ".example";
            String name = i % 4 == 0 ? null : "Zoë " + i;
            rows.add(new CsvImporter.Row(i + 2, key.toUpperCase(), key, name, i % 3 == 0 ? "{}" : "{\"city\":\"Kraków " + i + "\"}"));
        }
        return rows;
    }

    private static List<CsvImporter.Row> drain(Iterator<CsvImporter.Row> it) {
        List<CsvImporter.Row> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void aFileThatFitsInOneRunIsSortedInMemoryWithoutTemporaryFiles() {
        List<CsvImporter.Row> rows = rows(500, 1);
        try (AddressOrder order = new AddressOrder()) {
            rows.forEach(order::add);
            List<CsvImporter.Row> sorted = drain(order.sorted());
            assertThat(sorted).isEqualTo(rows.stream().sorted(AddressOrder.ORDER).toList());
            assertThat(order.filesWritten()).isZero();
            assertThat(order.directory()).isNull();
        }
    }

    @Test
    void spilledRunsMergeBackInAddressThenLineOrderAndTheirFilesAreDeleted(@TempDir Path parent) throws IOException {
        // 1-row runs: 4,200 spills; every 64 merge into a level-1 run and every 64 of those into a level-2 run
        List<CsvImporter.Row> rows = rows(4_201, 2);
        AddressOrder order = new AddressOrder(1, Long.MAX_VALUE, parent.resolve("import-runs"));
        List<CsvImporter.Row> sorted;
        try (order) {
            rows.forEach(order::add);
            sorted = drain(order.sorted());
            assertThat(order.filesWritten()).isEqualTo(4_201 + 4_201 / 64 + 4_201 / (64 * 64)); // spills, then the merges
            assertThat(order.directory().getParent()).isEqualTo(parent.resolve("import-runs"));
            try (var left = Files.list(order.directory())) {
                // what the last merge reads: at most 63 runs per level (and the lock), never the 4,200 spilled
                assertThat(left.count()).isLessThanOrEqualTo(3 * (AddressOrder.FAN_IN - 1) + 1);
            }
        }
        // equal records: every field survived the file, nulls and non-ASCII text included, and the key derived again
        assertThat(sorted).isEqualTo(rows.stream().sorted(AddressOrder.ORDER).toList());
        assertThat(order.directory()).doesNotExist();
    }

    @Test
    void runsAlsoSpillByTextSizeAndAnAbandonedMergeStillCleansUp() {
        List<CsvImporter.Row> rows = rows(1_000, 3);
        AddressOrder order = new AddressOrder(Integer.MAX_VALUE, 2_000, null); // characters, not rows, end each run
        try (order) {
            rows.forEach(order::add);
            assertThat(order.filesWritten()).isGreaterThan(10);
            Iterator<CsvImporter.Row> it = order.sorted();
            assertThat(it.next()).isEqualTo(rows.stream().min(AddressOrder.ORDER).orElseThrow());
            // an import that fails here closes the order with the runs still open
        }
        assertThat(order.directory()).doesNotExist();
    }

    @Test
    void leftoversOfAKilledImportAreRemovedButARunningImportsAreNot(@TempDir Path parent) throws IOException {
        FileTime tenMinutesAgo = FileTime.from(Instant.now().minusSeconds(600));
        Path crashed = Files.createDirectories(parent.resolve("import-123"));
        Files.writeString(crashed.resolve("lock"), ""); // nobody holds it any more
        Files.writeString(crashed.resolve("run-0"), "addresses");
        Files.setLastModifiedTime(crashed, tenMinutesAgo);
        Path unlockedOld = Files.createDirectories(parent.resolve("import-456")); // killed before it made its lock
        Files.setLastModifiedTime(unlockedOld, tenMinutesAgo);
        Path justMade = Files.createDirectories(parent.resolve("import-789")); // its lock may come in a moment
        Files.writeString(justMade.resolve("lock"), "");
        Path other = Files.createDirectories(parent.resolve("keep-me"));
        try (AddressOrder running = new AddressOrder(1, Long.MAX_VALUE, parent)) {
            running.add(new CsvImporter.Row(2, "a@b.example", "a@b.example", null, "{}")); // spills: makes and locks its directory
            Files.setLastModifiedTime(running.directory(), tenMinutesAgo); // writing no runs for a while: its lock keeps it
            AddressOrder.removeLeftovers(parent);
            assertThat(crashed).doesNotExist();
            assertThat(unlockedOld).doesNotExist();
            assertThat(justMade).exists();
            assertThat(other).exists();
            assertThat(running.directory()).exists();
            assertThat(drain(running.sorted())).hasSize(1);
        }
        AddressOrder.removeLeftovers(parent.resolve("missing")); // nothing there: no error
    }
}
