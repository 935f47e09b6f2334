package dev.letterpress.subscriber;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.App;
import dev.letterpress.TestSupport;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An address that erased itself is not brought back by importing an old file again; its own fresh consent is. */
class ErasedImportTest {
    @TempDir
    Path dir;

    @Test
    void anErasedAddressInACsvIsReportedWithItsLineAndNotImported() {
        try (App app = App.create(TestSupport.config(dir, 25, Map.of()))) {
            MailingList list = app.subscribers.createList("Weekly", null);
            String csv = "email,name\nann@example.com,Ann\nBob@Example.com,Bob\ncarol@example.com,Carol\n";
            app.importer.importCsv(new StringReader(csv), "old.csv", list, Subscription.CONFIRMED, p -> { });
            long bob = app.subscribers.findByEmail("bob@example.com").orElseThrow().id();
            app.subscribers.suppress("bob@example.com", "complaint", "marked a message as spam");
            app.dataRights.erase(bob, "test", null); // drops the complaint row with the address, keeps a keyed marker

            List<CsvImporter.RowProblem> problems = new ArrayList<>();
            CsvImporter.Report again = app.importer.importCsv(new StringReader(csv), "old.csv", list, Subscription.CONFIRMED, problems::add);

            assertThat(problems).singleElement().satisfies(p -> {
                assertThat(p.line()).isEqualTo(3);
                assertThat(p.kind()).isEqualTo(CsvImporter.RowProblem.Kind.INVALID);
                assertThat(p.reason()).contains("Bob@Example.com").contains("asked to be erased");
            });
            assertThat(again.invalid()).isEqualTo(1);
            assertThat(again.unchanged()).isEqualTo(2);
            assertThat(app.subscribers.findByEmail("bob@example.com")).isEmpty();

            // once the person subscribes again themselves (the confirm step clears the marker), imports include them
            app.dataRights.clearErased("bob@example.com");
            CsvImporter.Report after = app.importer.importCsv(new StringReader(csv), "old.csv", list, Subscription.CONFIRMED, p -> { });
            assertThat(after.added()).isEqualTo(1);
            assertThat(app.subscribers.findByEmail("bob@example.com")).isPresent();
        }
    }
}
