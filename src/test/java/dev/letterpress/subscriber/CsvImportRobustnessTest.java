package dev.letterpress.subscriber;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The importer against what the world sends it: a concurrent writer of the same addresses, a file in another encoding. */
class CsvImportRobustnessTest extends ImporterFixture {
    /**
     * A sign-up (or another import) that adds one of a chunk's addresses between the chunk's lookup and its insert:
     * the insert meets the unique key, and the chunk is tried again, so its other rows are not lost and nothing is
     * counted twice. The sign-up is made for real, from another connection, by a trigger on the import's first insert.
     */
    @Test
    void anAddressAddedByASignUpDuringTheImportDoesNotFailItsChunk() {
        MailingList other = store.createList("signups " + System.nanoTime(), null);
        RaceTrigger.list = other.id();
        RaceTrigger.email = "racer@race.example";
        jdbc.update("CREATE TRIGGER import_race BEFORE INSERT ON subscribers FOR EACH ROW CALL '" + RaceTrigger.class.getName() + "'");
        try {
            CsvImporter.Report report = run("""
                    email,name
                    first@race.example,First
                    racer@race.example,Racer
                    last@race.example,Last
                    """);
            assertThat(RaceTrigger.email).as("the trigger fired").isNull();
            assertThat(report.rows()).isEqualTo(3);
            assertThat(report.added()).isEqualTo(2);
            assertThat(report.updated() + report.unchanged()).isEqualTo(1);
            assertThat(report.invalid() + report.duplicates()).isZero();
            assertThat(problems).isEmpty();
            for (String email : List.of("first@race.example", "racer@race.example", "last@race.example")) {
                Subscriber s = store.findByEmail(email).orElseThrow();
                assertThat(statusOn(s.id())).isEqualTo(Subscription.CONFIRMED);
            }
            assertThat(jdbc.count("SELECT COUNT(*) FROM subscribers WHERE email_key = 'racer@race.example'")).isEqualTo(1);
        } finally {
            jdbc.update("DROP TRIGGER import_race");
        }
    }

    /** Subscribes {@link #email} from its own connection the first time the import inserts a subscriber. */
    public static final class RaceTrigger implements org.h2.api.Trigger {
        static volatile String email;
        static volatile long list;

        @Override
        public void fire(java.sql.Connection conn, Object[] oldRow, Object[] newRow) {
            String e = email;
            if (e != null) {
                email = null;
                store.addToList(list, e, "Signed up meanwhile", Map.of(), Subscription.CONFIRMED, "sign-up form");
            }
        }
    }

    /**
     * A file saved as Windows-1252 (Excel's plain CSV): the row whose bytes are not UTF-8 is reported with its line and
     * a hint, the others import, and nothing garbled is stored; a header in another encoding stops the import at once.
     */
    @Test
    void rowsThatAreNotUtf8AreReportedWithTheirLineAndTheRestImports() throws Exception {
        byte[] latin1 = "email,name,city\nok1@enc.example,Ada,Berlin\nmueller@enc.example,J\u00fcrgen M\u00fcller,K\u00f6ln\nok2@enc.example,Bob,Paris\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        CsvImporter.Report report = importer.importCsv(CsvImporter.utf8(new java.io.ByteArrayInputStream(latin1)), "excel.csv", list,
                Subscription.CONFIRMED, listener);
        assertThat(report.added()).isEqualTo(2);
        assertThat(report.invalid()).isEqualTo(1);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.reason()).contains("not UTF-8").contains("CSV UTF-8");
        });
        assertThat(store.findByEmail("mueller@enc.example")).isEmpty();
        assertThat(store.findByEmail("ok2@enc.example")).isPresent();

        // the same in UTF-8 imports, and so does a replacement character that a UTF-8 file really holds
        byte[] utf8 = "email,name,city\nmueller@enc.example,J\u00fcrgen M\u00fcller,K\u00f6ln\nq@enc.example,Q\ufffd,X\n"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        importer.importCsv(CsvImporter.utf8(new java.io.ByteArrayInputStream(utf8)), "utf8.csv", list, Subscription.CONFIRMED, listener);
        assertThat(store.findByEmail("mueller@enc.example").orElseThrow().name()).isEqualTo("J\u00fcrgen M\u00fcller");
        assertThat(store.findByEmail("q@enc.example").orElseThrow().name()).isEqualTo("Q\ufffd");
        assertThat(problems).hasSize(1);

        byte[] header = "email,stra\u00dfe\nx@enc.example,1\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> importer.importCsv(CsvImporter.utf8(new java.io.ByteArrayInputStream(header)), "h.csv", list,
                Subscription.CONFIRMED, listener)).hasMessageContaining("line 1").hasMessageContaining("not UTF-8");
    }
}
