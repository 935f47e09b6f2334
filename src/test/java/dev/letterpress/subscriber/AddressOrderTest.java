package dev.letterpress.subscriber;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
    void spilledRunsMergeBackInAddressThenLineOrderAndTheirFilesAreDeleted(@TempDir Path parent) {
        // 3-row runs: 5,000 rows make 1,667 runs, so runs of runs are merged (64 at a time) before the last merge
        List<CsvImporter.Row> rows = rows(5_000, 2);
        AddressOrder order = new AddressOrder(3, Long.MAX_VALUE, parent.resolve("import-runs"));
        List<CsvImporter.Row> sorted;
        try (order) {
            rows.forEach(order::add);
            sorted = drain(order.sorted());
            assertThat(order.filesWritten()).isEqualTo(1_666 + 1_666 / 64); // the spilled runs and the merges of 64
            assertThat(order.directory().getParent()).isEqualTo(parent.resolve("import-runs"));
            try (var left = Files.list(order.directory())) {
                // level 0 holds fewer than 64 runs, level 1 the merged ones: never the 1,666 spilled runs at once
                assertThat(left.count()).isLessThan(2 * AddressOrder.FAN_IN);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // equal records: every field survived the file, nulls and non-ASCII text included
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
    void onlyRunDirectoriesADayOldAreRemovedAtStart(@TempDir Path parent) throws java.io.IOException {
        Instant now = Instant.parse("2026-11-29T12:00:00Z");
        Path old = Files.createDirectories(parent.resolve("import-123"));
        Files.writeString(old.resolve("run-0"), "x");
        Files.setLastModifiedTime(old, FileTime.from(now.minus(Duration.ofHours(25))));
        Path running = Files.createDirectories(parent.resolve("import-456")); // a CLI import next to the server
        Files.setLastModifiedTime(running, FileTime.from(now.minus(Duration.ofHours(2))));
        Path other = Files.createDirectories(parent.resolve("keep-me"));
        Files.setLastModifiedTime(other, FileTime.from(now.minus(Duration.ofDays(30))));
        AddressOrder.removeStale(parent, Clock.fixed(now, ZoneOffset.UTC));
        assertThat(old).doesNotExist();
        assertThat(running).exists();
        assertThat(other).exists();
        AddressOrder.removeStale(parent.resolve("missing"), Clock.fixed(now, ZoneOffset.UTC)); // nothing to do, no error
    }
}
