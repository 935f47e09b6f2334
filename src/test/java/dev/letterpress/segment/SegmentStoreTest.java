package dev.letterpress.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.letterpress.PostgresSupport;
import dev.letterpress.TestSupport;
import dev.letterpress.db.Database;
import dev.letterpress.subscriber.Subscriber;
import dev.letterpress.subscriber.SubscriberStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segments evaluated by the real databases: the same subscribers and the same expectations on H2 (through the
 * CREATE ALIAS functions) and on an embedded PostgreSQL (through its SQL functions), so the two migrations agree.
 */
class SegmentStoreTest {
    @TempDir
    Path dir;

    /** Expression → the local parts of the addresses it must match, in id order. */
    static final Map<String, List<String>> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("plan = \"pro\" and country in (\"DE\",\"AT\")", List.of("ada"));
        EXPECTED.put("plan = 'pro'", List.of("ada", "grace"));
        EXPECTED.put("plan != 'pro'", List.of("linus", "margaret", "alan", "mallory"));
        EXPECTED.put("not plan = 'pro'", List.of("linus", "margaret", "alan", "mallory"));
        EXPECTED.put("country not in ('DE', 'US')", List.of("linus", "margaret", "alan", "mallory"));
        EXPECTED.put("age >= 36", List.of("ada", "grace"));
        EXPECTED.put("age < 36", List.of("linus"));
        EXPECTED.put("age > 36", List.of("grace"));
        EXPECTED.put("age > \"36\"", List.of("grace", "linus", "margaret")); // as text "9" and "unknown" sort after "36"
        EXPECTED.put("age in (9, 85)", List.of("grace", "linus"));
        EXPECTED.put("plan is set", List.of("ada", "grace", "linus", "mallory"));
        EXPECTED.put("plan is not set", List.of("margaret", "alan"));
        EXPECTED.put("name contains 'LOVE'", List.of("ada"));
        EXPECTED.put("name is not set", List.of("margaret"));
        EXPECTED.put("email ends with '@example.com'", List.of("ada", "grace", "margaret"));
        EXPECTED.put("email = 'GRACE@example.com'", List.of("grace"));
        EXPECTED.put("email starts with 'a' or email starts with 'l'", List.of("ada", "linus", "alan"));
        EXPECTED.put("tags contains '100%'", List.of("ada"));
        EXPECTED.put("tags contains '0%p'", List.of());
        EXPECTED.put("status = 'blocked'", List.of("linus"));
        EXPECTED.put("status = 'active' and (plan = 'pro' or country = 'FI')", List.of("ada", "grace"));
        EXPECTED.put("created_at >= '2026-06-01'", List.of("alan", "mallory"));
        EXPECTED.put("created_at < '2026-06-01T00:00Z'", List.of("ada", "grace", "linus", "margaret"));
        EXPECTED.put("attr('status') = 'vip'", List.of("grace"));
        EXPECTED.put("plan = \"x' OR '1'='1\"", List.of("mallory"));
    }

    @Test
    void segmentsMatchTheSameSubscribersOnH2() {
        try (Database db = Database.open(TestSupport.config(dir, 25, Map.of()))) {
            assertThat(db.isPostgres()).isFalse();
            checkAll(db);
        }
    }

    @Test
    void segmentsMatchTheSameSubscribersOnPostgres() {
        String url = PostgresSupport.newDatabase();
        try (Database db = Database.open(TestSupport.config(dir, 25, Map.of("db.url", url, "db.user", "postgres", "db.password", "postgres")))) {
            assertThat(db.isPostgres()).isTrue();
            checkAll(db);
        }
    }

    private void checkAll(Database db) {
        seed(db);
        SegmentStore store = new SegmentStore(db.jdbc(), Clock.systemUTC());
        for (var e : EXPECTED.entrySet()) {
            Segment segment = Segment.parse(e.getKey());
            List<String> matched = store.preview(segment, 100).stream().map(s -> s.email().substring(0, s.email().indexOf('@')).toLowerCase()).toList();
            assertThat(matched).as(e.getKey()).containsExactlyElementsOf(sortedById(e.getValue()));
            assertThat(store.count(segment)).as(e.getKey()).isEqualTo(e.getValue().size());
        }
        // SQL's doubled-quote escape means nothing here: the text ends at the second quote, the rest is a syntax error
        assertThatThrownBy(() -> Segment.parse("plan = 'x'' OR ''1''=''1'")).isInstanceOf(SegmentSyntaxException.class);
        // nothing the expressions carried was executed: every subscriber is still there
        assertThat(store.count(Segment.parse("email is set"))).isEqualTo(6);

        SavedSegment saved = store.create("Pro in DACH", "plan = \"pro\" and country in (\"DE\",\"AT\")");
        assertThat(store.require("Pro in DACH").expression()).isEqualTo(saved.expression());
        assertThat(store.count(store.require("Pro in DACH").segment())).isEqualTo(1);
        // as the audience freeze would use it: spliced into a query of its own, parameters bound at that place
        SqlFilter f = store.filter("Pro in DACH", "s");
        List<Object> params = new ArrayList<>(List.of("confirmed"));
        params.addAll(f.parameters());
        params.add("active");
        assertThat(db.jdbc().count("SELECT COUNT(*) FROM subscribers s JOIN subscriptions sub ON sub.subscriber_id = s.id AND sub.status = ?"
                + " WHERE (" + f.sql() + ") AND s.status = ?", params.toArray())).isEqualTo(1);
        store.create("Everyone", "email is set");
        assertThat(store.list()).extracting(SavedSegment::name).containsExactly("Everyone", "Pro in DACH");
        assertThatThrownBy(() -> store.create("Everyone", "plan = 'x'")).hasMessage("a segment named 'Everyone' already exists");
        assertThatThrownBy(() -> store.create("Broken", "plan =")).isInstanceOf(SegmentSyntaxException.class);
        assertThatThrownBy(() -> store.create(" ", "plan = 'x'")).hasMessageContaining("segment name must be");
        assertThatThrownBy(() -> store.require("Nope")).hasMessage("no segment named 'Nope'");
        assertThat(store.preview(Segment.parse("email is set"), 2)).extracting(Subscriber::email)
                .containsExactly("ada@example.com", "Grace@Example.com");
    }

    private static final List<String> ORDER = List.of("ada", "grace", "linus", "margaret", "alan", "mallory");

    private static List<String> sortedById(List<String> names) {
        return names.stream().sorted((a, b) -> ORDER.indexOf(a) - ORDER.indexOf(b)).toList();
    }

    private static void seed(Database db) {
        Clock spring = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
        Clock summer = Clock.fixed(Instant.parse("2026-07-01T10:00:00Z"), ZoneOffset.UTC);
        SubscriberStore early = new SubscriberStore(db.jdbc(), spring);
        SubscriberStore late = new SubscriberStore(db.jdbc(), summer);
        long list = early.createList("Weekly", null).id();
        early.addToList(list, "ada@example.com", "Ada Lovelace", Map.of("plan", "pro", "country", "DE", "age", "36", "tags", "math,100%"), "confirmed", "test");
        early.addToList(list, "Grace@Example.com", "Grace Hopper", Map.of("plan", "pro", "country", "US", "age", "85", "status", "vip"), "confirmed", "test");
        early.addToList(list, "linus@example.org", "Linus", Map.of("plan", "free", "country", "FI", "age", "9"), "confirmed", "test");
        early.addToList(list, "margaret@example.com", null, Map.of("plan", "", "country", "AT", "age", "unknown"), "confirmed", "test");
        late.addToList(list, "alan@example.net", "Alan Turing", Map.of(), "confirmed", "test");
        late.addToList(list, "mallory@example.net", "Mallory", Map.of("plan", "x' OR '1'='1"), "confirmed", "test");
        db.jdbc().update("UPDATE subscribers SET status = 'blocked' WHERE email_key = ?", "linus@example.org");
    }
}
