package dev.letterpress.subscriber;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** An import larger than one sorted run: the rows go through temporary files and are written in address order. */
class SpilledImportTest extends ImporterFixture {
    @Test
    void duplicatesAcrossRunsAreFoundAndEveryGoodRowImportsOnce() {
        importer.runRows = 7;
        try {
            StringBuilder csv = new StringBuilder("email,name,n\n");
            for (int i = 0; i < 300; i++) {
                // in no order: the sort, not the file, decides what is written when
                csv.append("r").append((i * 7919) % 300).append("@spill.example,Row ").append(i).append(',').append(i).append('\n');
            }
            csv.append("not-an-address,Bad,1\n");            // line 302
            csv.append("R17@SPILL.example,Again,2\n");      // line 303: a duplicate of an earlier line, far from it
            csv.append("r299@spill.example,Again,3\n");     // line 304
            CsvImporter.Report report = run(csv.toString());
            assertThat(report.rows()).isEqualTo(303);
            assertThat(report.added()).isEqualTo(300);
            assertThat(report.subscribed()).isEqualTo(300);
            assertThat(report.invalid()).isEqualTo(1);
            assertThat(report.duplicates()).isEqualTo(2);
            // the invalid row while reading, then the duplicates in address order: r17 before r299
            assertThat(problems).extracting(CsvImporter.RowProblem::line).containsExactly(302L, 303L, 304L);
            assertThat(problems).extracting(CsvImporter.RowProblem::kind).containsExactly(CsvImporter.RowProblem.Kind.INVALID,
                    CsvImporter.RowProblem.Kind.DUPLICATE, CsvImporter.RowProblem.Kind.DUPLICATE);
            // the first line with an address wins, wherever the sort put its duplicates
            int firstLineOf17 = 0;
            while ((firstLineOf17 * 7919) % 300 != 17) {
                firstLineOf17++;
            }
            assertThat(store.findByEmail("r17@spill.example").orElseThrow().name()).isEqualTo("Row " + firstLineOf17);
            assertThat(jdbc.count("SELECT COUNT(*) FROM subscriptions WHERE list_id = ?", list.id())).isEqualTo(300);
            assertThat(progress.get(progress.size() - 1)).isEqualTo("303/302/302"); // the invalid row is not among those to write

            problems.clear();
            CsvImporter.Report again = run(csv.toString());
            assertThat(again.unchanged()).isEqualTo(300);
            assertThat(again.added() + again.updated() + again.subscribed()).isZero();
            assertThat(again.duplicates()).isEqualTo(2);
        } finally {
            importer.runRows = AddressOrder.RUN_ROWS;
        }
    }

    @Test
    void aDuplicateThatStartsTheNextChunkNamesTheLineOfTheOneThatEndedTheLast() {
        StringBuilder csv = new StringBuilder("email\n");
        csv.append("b1999@edge.example\n"); // line 2: sorts last of the first chunk of 2,000
        for (int i = 0; i < 1_999; i++) {
            csv.append(String.format("b%04d@edge.example%n", i));
        }
        csv.append("B1999@EDGE.example\n"); // line 2,002: sorts first into the second chunk
        CsvImporter.Report report = run(csv.toString());
        assertThat(report.added()).isEqualTo(2_000);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2_002);
            assertThat(p.kind()).isEqualTo(CsvImporter.RowProblem.Kind.DUPLICATE);
            assertThat(p.reason()).isEqualTo("B1999@EDGE.example already appears on line 2");
        });
    }

    @Test
    void anInterruptWhileWritingStopsTheImportAndImportingAgainCompletesIt() {
        importer.runRows = 1_000; // spilled, so the interrupt may also land in a temporary file's read
        StringBuilder csv = new StringBuilder("email,name\n");
        for (int i = 0; i < 9_000; i++) {
            csv.append("s").append((i * 7919) % 9_000).append("@stop.example,Row ").append(i).append('\n');
        }
        CsvImporter.Listener interruptAfterFirstChunk = new CsvImporter.Listener() {
            @Override
            public void problem(CsvImporter.RowProblem problem) {}

            @Override
            public void progress(long rowsRead, long rowsWritten, long rowsToWrite) {
                if (rowsWritten == CsvImporter.CHUNK) {
                    Thread.currentThread().interrupt(); // as a shutdown's shutdownNow() does to the import's thread
                }
            }
        };
        try {
            assertThatThrownBy(() -> importer.importCsv(new java.io.StringReader(csv.toString()), "stop.csv", list, Subscription.CONFIRMED,
                    interruptAfterFirstChunk)).isInstanceOf(IllegalStateException.class).hasMessageContaining("interrupted");
            assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
            // the chunk before the interrupt stays; none after it was written
            assertThat(jdbc.count("SELECT COUNT(*) FROM subscriptions WHERE list_id = ?", list.id())).isEqualTo(CsvImporter.CHUNK);
            CsvImporter.Report again = run(csv.toString());
            assertThat(again.added()).isEqualTo(9_000 - CsvImporter.CHUNK);
            assertThat(again.unchanged()).isEqualTo(CsvImporter.CHUNK);
            assertThat(jdbc.count("SELECT COUNT(*) FROM subscriptions WHERE list_id = ?", list.id())).isEqualTo(9_000);
        } finally {
            Thread.interrupted();
            importer.runRows = AddressOrder.RUN_ROWS;
        }
    }
}
