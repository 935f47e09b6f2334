package dev.letterpress.subscriber;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The streaming CSV import over a real (file) H2 database: idempotent, case-insensitive, consent-preserving. */
class CsvImporterTest extends ImporterFixture {
    @Test
    void reImportingTheSameFileChangesNothing() {
        String csv = """
                email,name,city
                ada@reimport.example,Ada Lovelace,London
                grace@reimport.example,Grace Hopper,Arlington
                linus@reimport.example,,Helsinki
                GRACE@reimport.example,Grace Again,Arlington
                margaret@reimport.example,Margaret Hamilton,
                """;
        CsvImporter.Report first = run(csv);
        assertThat(first.rows()).isEqualTo(5);
        assertThat(first.added()).isEqualTo(4);
        assertThat(first.duplicates()).isEqualTo(1);
        assertThat(first.subscribed()).isEqualTo(4);
        long subscribers = subscriberCount();
        long subscriptions = subscriptionCount();

        problems.clear();
        CsvImporter.Report second = run(csv);
        assertThat(second.rows()).isEqualTo(5);
        assertThat(second.added()).isZero();
        assertThat(second.updated()).isZero();
        assertThat(second.unchanged()).isEqualTo(4);
        assertThat(second.duplicates()).isEqualTo(1);
        assertThat(second.invalid()).isZero();
        assertThat(second.subscribed()).isZero();
        // the only problem reported is the in-file duplicate, not the rows that exist from the first import
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.kind()).isEqualTo(CsvImporter.RowProblem.Kind.DUPLICATE);
            assertThat(p.reason()).contains("already appears on line 3");
        });
        assertThat(subscriberCount()).isEqualTo(subscribers);
        assertThat(subscriptionCount()).isEqualTo(subscriptions);
        // the first spelling and the first row's name stay
        Subscriber grace = store.findByEmail("grace@reimport.example").orElseThrow();
        assertThat(grace.email()).isEqualTo("grace@reimport.example");
        assertThat(grace.name()).isEqualTo("Grace Hopper");
    }

    @Test
    void aReImportDoesNotResubscribeAnUnsubscribedSubscriber() {
        String csv = "email,name\nleaver@unsub.example,Leaver\nstayer@unsub.example,Stayer\n";
        run(csv);
        long leaver = store.findByEmail("leaver@unsub.example").orElseThrow().id();
        assertThat(store.setStatus(list.id(), leaver, Subscription.UNSUBSCRIBED, "test")).isTrue();

        CsvImporter.Report again = run(csv);
        assertThat(again.subscribed()).isZero();
        assertThat(statusOn(leaver)).isEqualTo(Subscription.UNSUBSCRIBED);
        assertThat(statusOn(store.findByEmail("stayer@unsub.example").orElseThrow().id())).isEqualTo(Subscription.CONFIRMED);
        // a changed row updates the subscriber's data, still without touching the unsubscribe
        CsvImporter.Report changed = run("email,name\nleaver@unsub.example,Leaver Renamed\n");
        assertThat(changed.updated()).isEqualTo(1);
        assertThat(store.findById(leaver).orElseThrow().name()).isEqualTo("Leaver Renamed");
        assertThat(statusOn(leaver)).isEqualTo(Subscription.UNSUBSCRIBED);
    }

    @Test
    void aHeaderWithoutAnEmailColumnIsRefusedAndNothingIsWritten() {
        long imports = jdbc.count("SELECT COUNT(*) FROM imports");
        long subscribers = subscriberCount();
        assertThatThrownBy(() -> run("name,city\nAda,London\n"))
                .isInstanceOf(CsvImporter.ImportException.class)
                .hasMessageContaining("'email'")
                .hasMessageContaining("test.csv line 1");
        assertThat(jdbc.count("SELECT COUNT(*) FROM imports")).isEqualTo(imports);
        assertThat(subscriberCount()).isEqualTo(subscribers);
    }

    @Test
    void anEmptyFileIsRefused() {
        assertThatThrownBy(() -> run(""))
                .isInstanceOf(CsvImporter.ImportException.class)
                .hasMessageContaining("test.csv").hasMessageContaining("empty");
    }

    @Test
    void aDuplicateOrNamelessHeaderColumnIsRefused() {
        assertThatThrownBy(() -> run("email,City,city\na@hdr.example,x,y\n"))
                .isInstanceOf(CsvImporter.ImportException.class).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> run("email,,city\na@hdr.example,x,y\n"))
                .isInstanceOf(CsvImporter.ImportException.class).hasMessageContaining("column 2");
    }

    @Test
    void theRowsBeforeAnUnclosedQuoteImport() {
        String csv = "email,name\nfirst@before-quote.example,First\nsecond@before-quote.example,Second\nthird@before-quote.example,\"Third, unfinished\n";
        CsvImporter.Report report = run(csv);
        assertThat(store.findByEmail("first@before-quote.example")).map(Subscriber::name).contains("First");
        assertThat(store.findByEmail("second@before-quote.example")).map(Subscriber::name).contains("Second");
        assertThat(report.added()).isGreaterThanOrEqualTo(2);
    }

    /*
     * Regression guard (this failed before the fix): FastCSV 4.x does not throw for an unterminated quote, it closes it at end of file
     * (osiegmar/FastCSV#173), so CsvImporter's CsvParseException branch never runs. The row imports silently
     * with name "Third, unfinished"; in an attribute column mid-file the quote swallows every later row into
     * that one attribute, with no problem reported at all.
     */
    @Test
    void anUnclosedQuoteAtTheEndIsReported() {
        String csv = "email,name\nfirst@quote.example,First\nsecond@quote.example,Second\nthird@quote.example,\"Third, unfinished\n";
        CsvImporter.Report report = run(csv);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(CsvImporter.RowProblem.Kind.INVALID);
            assertThat(p.line()).isIn(-1L, 4L);
        });
        assertThat(report.invalid()).isEqualTo(1);
        assertThat(report.added()).isEqualTo(2);
        assertThat(store.findByEmail("third@quote.example")).isEmpty();
    }

    @Test
    void anUnclosedQuoteInTheMiddleDoesNotSilentlySwallowTheRestOfTheFile() {
        String csv = "email,name,city\na@swallow.example,A,\"London\nb@swallow.example,B,Paris\nc@swallow.example,C,Rome\n";
        CsvImporter.Report report = run(csv);
        // the row whose quote never closes is refused and the swallowed lines are named, so nothing is lost silently
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2L);
            assertThat(p.reason()).contains("line 2").contains("to line 4").contains("closing quote");
        });
        assertThat(report.invalid()).isEqualTo(1);
        assertThat(store.findByEmail("a@swallow.example")).isEmpty();
        assertThat(store.findByEmail("b@swallow.example")).isEmpty();
    }

    @Test
    void anUnclosedQuoteInAMiddleColumnNamesTheLinesItSwallowedToo() {
        // the stray quote leaves the record with too few fields; that must not be all the report says
        String csv = "email,name,city\nd@swallow.example,\"Dee,Paris\ne@swallow.example,E,Rome\nf@swallow.example,F,Oslo\n";
        CsvImporter.Report report = run(csv);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2L);
            assertThat(p.reason()).contains("to line 4").contains("closing quote");
        });
        assertThat(report.invalid()).isEqualTo(1);
        assertThat(store.findByEmail("e@swallow.example")).isEmpty();
    }

    @Test
    void addressesAreUniqueCaseInsensitively() {
        CsvImporter.Report report = run("email,name\nA@x-case.example,Upper\na@X-CASE.example,Lower\n");
        assertThat(report.added()).isEqualTo(1);
        assertThat(report.duplicates()).isEqualTo(1);
        Subscriber s = store.findByEmail("a@x-case.example").orElseThrow();
        assertThat(s.email()).isEqualTo("A@x-case.example");
        assertThat(store.findByEmail("A@X-CASE.EXAMPLE")).map(Subscriber::id).contains(s.id());
        assertThat(jdbc.count("SELECT COUNT(*) FROM subscribers WHERE email_key = ?", "a@x-case.example")).isEqualTo(1);
        // a later file with yet another spelling finds the same subscriber
        CsvImporter.Report again = run("email,name\nA@X-Case.Example,Upper\n");
        assertThat(again.added()).isZero();
        assertThat(again.unchanged()).isEqualTo(1);
        // and so does the store's API
        assertThat(store.addToList(list.id(), "a@x-case.EXAMPLE", "x", Map.of(), Subscription.CONFIRMED, "test").id()).isEqualTo(s.id());
    }

    @Test
    void extraColumnsAreStoredAsAttributesAndMergedOnReImport() {
        run("email,Name,city,plan,team\nada@attr.example,Ada Lovelace,London,pro,\n");
        Subscriber ada = store.findByEmail("ada@attr.example").orElseThrow();
        assertThat(ada.name()).isEqualTo("Ada Lovelace");
        // empty values are not stored; the name column is not an attribute
        assertThat(ada.attributes()).containsExactly(Map.entry("city", "London"), Map.entry("plan", "pro"));

        CsvImporter.Report report = run("email,plan,team\nada@attr.example,enterprise,Analytics\n");
        assertThat(report.updated()).isEqualTo(1);
        Subscriber after = store.findByEmail("ada@attr.example").orElseThrow();
        assertThat(after.attributes()).containsExactly(Map.entry("city", "London"), Map.entry("plan", "enterprise"), Map.entry("team", "Analytics"));
        assertThat(after.name()).isEqualTo("Ada Lovelace");
    }

    @Test
    void badRowsAreReportedWithTheirLineAndSkipped() {
        CsvImporter.Report report = run("email,name,city\nok@bad-rows.example,Ok,X\nnot-an-email,Broken,X\nshort@bad-rows.example,Short\n");
        assertThat(report.added()).isEqualTo(1);
        assertThat(report.invalid()).isEqualTo(2);
        assertThat(problems).extracting(CsvImporter.RowProblem::line).containsExactly(3L, 4L);
        assertThat(problems.get(0).reason()).contains("not-an-email");
        assertThat(problems.get(1).reason()).contains("2 fields, but the header has 3");
    }

    @Test
    void tenThousandRowsImportInChunks() {
        StringBuilder csv = new StringBuilder("email,name,n\n");
        for (int i = 0; i < 10_000; i++) {
            csv.append("user").append(i).append("@bulk.example,User ").append(i).append(',').append(i).append('\n');
        }
        // the first address again, two chunks later: still found as a duplicate within the file
        csv.append("USER0@bulk.example,User 0,0\n");
        long before = subscriberCount();
        CsvImporter.Report report = run(csv.toString());
        assertThat(report.rows()).isEqualTo(10_001);
        assertThat(report.added()).isEqualTo(10_000);
        assertThat(report.duplicates()).isEqualTo(1);
        assertThat(report.subscribed()).isEqualTo(10_000);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(10_002);
            assertThat(p.kind()).isEqualTo(CsvImporter.RowProblem.Kind.DUPLICATE);
        });
        assertThat(subscriberCount()).isEqualTo(before + 10_000);
        assertThat(jdbc.count("SELECT COUNT(*) FROM subscriptions WHERE list_id = ? AND status = 'confirmed'", list.id())).isEqualTo(10_000);
        // reading: once per parsed chunk of 2,000 good rows and at the end; then writing: once per written chunk
        assertThat(progress).containsExactly("2000/0/0", "4000/0/0", "6000/0/0", "8000/0/0", "10000/0/0", "10001/0/0",
                "10001/2000/10001", "10001/4000/10001", "10001/6000/10001", "10001/8000/10001", "10001/10000/10001", "10001/10001/10001");
        assertThat(store.findByEmail("user9999@bulk.example").orElseThrow().attributes()).containsExactly(Map.entry("n", "9999"));

        problems.clear();
        CsvImporter.Report again = run(csv.toString());
        assertThat(again.unchanged()).isEqualTo(10_000);
        assertThat(again.added() + again.updated() + again.subscribed()).isZero();
        assertThat(again.duplicates()).isEqualTo(1);
        assertThat(subscriberCount()).isEqualTo(before + 10_000);
    }

    @Test
    void attributesTooLongForTheirColumnAreOneRowsProblemNotAFailedChunk() {
        StringBuilder header = new StringBuilder("email");
        StringBuilder wide = new StringBuilder("wide@limits.example");
        StringBuilder half = new StringBuilder("half@limits.example");
        StringBuilder rest = new StringBuilder("half@limits.example");
        for (int i = 0; i < 30; i++) {
            header.append(",a").append(i);
            wide.append(',').append("w".repeat(900)); // 30 x 900 characters: over the 20,000 of JSON the column holds
            half.append(',').append(i < 15 ? "h".repeat(900) : "");
            rest.append(',').append(i < 15 ? "" : "r".repeat(900));
        }
        String csv = header + "\nok1@limits.example" + ",x".repeat(30) + "\n" + wide + "\n" + half + "\nok2@limits.example" + ",y".repeat(30) + "\n";

        CsvImporter.Report first = run(csv);

        assertThat(first.added()).isEqualTo(3); // ok1, half, ok2: the chunk's other rows are in
        assertThat(first.invalid()).isEqualTo(1);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.reason()).contains("at most 20000");
        });
        // merged with what is stored, the second half would overflow too: refused with its line, the rest unchanged
        problems.clear();
        CsvImporter.Report second = run(header + "\n" + rest + "\nok1@limits.example" + ",x".repeat(30) + "\n");
        assertThat(second.invalid()).isEqualTo(1);
        assertThat(second.unchanged()).isEqualTo(1);
        assertThat(problems).singleElement().satisfies(p -> assertThat(p.line()).isEqualTo(2));
    }

    @Test
    void aValueTheExportGuardedAgainstSpreadsheetFormulasImportsAsItWas() {
        assertThat(CsvImporter.escapeFormula("=HYPERLINK(\"http://x.example\")")).isEqualTo("'=HYPERLINK(\"http://x.example\")");
        assertThat(CsvImporter.escapeFormula("-5")).isEqualTo("'-5");
        assertThat(CsvImporter.escapeFormula("Ada")).isEqualTo("Ada");
        // as the export writes it: the value has quotes, so the field is quoted and they are doubled
        run("email,name,score\nformula@limits.example,\"'=HYPERLINK(\"\"http://x.example\"\")\",'-5\nquote@limits.example,'Tis me,'x\n");
        Subscriber f = store.findByEmail("formula@limits.example").orElseThrow();
        assertThat(f.name()).isEqualTo("=HYPERLINK(\"http://x.example\")");
        assertThat(f.attributes()).containsEntry("score", "-5");
        // an apostrophe before anything else is the person's own
        Subscriber q = store.findByEmail("quote@limits.example").orElseThrow();
        assertThat(q.name()).isEqualTo("'Tis me");
        assertThat(q.attributes()).containsEntry("score", "'x");
    }

    @Test
    void onlyConfirmedOrUnconfirmedCanBeImported() {
        assertThatThrownBy(() -> importer.importCsv(new StringReader("email\na@b.example\n"), "x.csv", list, Subscription.UNSUBSCRIBED, listener))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static long subscriberCount() {
        return jdbc.count("SELECT COUNT(*) FROM subscribers");
    }

    private long subscriptionCount() {
        return jdbc.count("SELECT COUNT(*) FROM subscriptions WHERE list_id = ?", list.id());
    }
}
