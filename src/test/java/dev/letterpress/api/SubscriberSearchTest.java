package dev.letterpress.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.letterpress.App;
import dev.letterpress.TestSupport;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.Subscription;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search's drivers and cursors on real H2 and PostgreSQL databases: pages follow each other without repeats or
 * gaps in every order, and a row-by-row filter read in windows under a time budget still finds every match.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubscriberSearchTest {
    // one app per JVM: the H2 class runs and closes, then the PostgreSQL one (a subclass) does
    App app;
    long small;

    /** The database's settings; the PostgreSQL subclass gives its own. */
    Map<String, String> database() {
        return Map.of();
    }

    @BeforeAll
    void start(@TempDir Path dir) {
        app = App.create(TestSupport.config(dir, TestSupport.freePort(), database())).start();
        small = fill(app);
    }

    /** 120 subscribers on a big list, every 30th also on a small one; returns the small list's id. */
    private static long fill(App app) {
        MailingList big = app.subscribers.createList("Big", "");
        MailingList small = app.subscribers.createList("Small", "");
        for (int i = 0; i < 120; i++) {
            String email = String.format("r%03d@%s.example", i, i % 2 == 0 ? "even" : "odd");
            app.subscribers.addToList(big.id(), email, null, Map.of("team", i % 10 == 7 ? "rare" : "common"), Subscription.CONFIRMED, "test");
            if (i % 30 == 0) {
                app.subscribers.addToList(small.id(), email, null, Map.of(), i == 60 ? Subscription.UNSUBSCRIBED : Subscription.CONFIRMED, "test");
            }
        }
        return small.id();
    }

    @AfterAll
    void stop() {
        app.close();
    }

    /** Every page of a search, following the cursors; each page as the list of its addresses. */
    private List<List<String>> pages(SubscriberSearch search, SubscriberQueries.Filter f, int limit) {
        List<List<String>> out = new ArrayList<>();
        String after = null;
        do {
            SubscriberQueries.Page page = search.page(f, after, limit, false);
            out.add(page.rows().stream().map(SubscriberQueries.Row::email).toList());
            assertThat(out).as("a search that never ends").hasSizeLessThan(1000);
            after = page.next();
        } while (after != null);
        return out;
    }

    private static SubscriberQueries.Filter filter(String email, String attribute, Long list, String status) {
        return new SubscriberQueries.Filter(email, attribute == null ? null : "team", attribute, list, status);
    }

    @Test
    void aWindowedSearchUnderATimeBudgetFindsEveryMatchOverSeveralShortPages() {
        // a budget of zero: every request reads one window of 4 ids and stops
        SubscriberSearch windowed = new SubscriberSearch(app.db.jdbc(), 4, Duration.ZERO);
        List<List<String>> pages = pages(windowed, filter(null, "rare", null, null), 100);
        List<String> found = pages.stream().flatMap(List::stream).toList();
        assertThat(found).hasSize(12).doesNotHaveDuplicates().allMatch(e -> e.matches("r\\d\\d7@odd\\.example"));
        // 120 ids in windows of 4: a request per window, most of them empty but with a cursor to go on from
        long lastId = app.db.jdbc().count("SELECT MAX(id) FROM subscribers");
        assertThat(pages).hasSize((int) ((lastId + 3) / 4)).anyMatch(List::isEmpty);
        // the same search with the default budget answers in one page
        assertThat(pages(new SubscriberSearch(app.db.jdbc(), 16, Duration.ofSeconds(10)), filter(null, "rare", null, null), 100)).hasSize(1);
        // a full page stops early, and the next starts after its last row
        assertThat(pages(windowed, filter(null, "rare", null, null), 5).stream().flatMap(List::stream).toList()).isEqualTo(found);
    }

    @Test
    void aListIsReadThroughItsSubscriptionsWithTheStatusOnTheSubscription() {
        SubscriberSearch search = new SubscriberSearch(app.db.jdbc(), SubscriberSearch.WINDOW, SubscriberSearch.BUDGET);
        assertThat(pages(search, filter(null, null, small, null), 2))
                .containsExactly(List.of("r000@even.example", "r030@even.example"), List.of("r060@even.example", "r090@even.example"));
        assertThat(pages(search, filter(null, null, small, Subscription.CONFIRMED), 10))
                .containsExactly(List.of("r000@even.example", "r030@even.example", "r090@even.example"));
        assertThat(pages(search, filter(null, null, small, Subscription.UNSUBSCRIBED), 10)).containsExactly(List.of("r060@even.example"));
        // status without a list: on any list
        assertThat(pages(search, filter(null, null, null, Subscription.UNSUBSCRIBED), 10)).containsExactly(List.of("r060@even.example"));
    }

    @Test
    void addressPagesGoInAddressOrderWithoutRepeatsOrGaps() {
        SubscriberSearch search = new SubscriberSearch(app.db.jdbc(), SubscriberSearch.WINDOW, SubscriberSearch.BUDGET);
        List<String> odd = pages(search, filter("@odd.example", null, null, null), 7).stream().flatMap(List::stream).toList();
        assertThat(odd).hasSize(60).doesNotHaveDuplicates().isSorted();
        // a bare term: addresses starting with it merged with the domain equal to it
        List<String> r01 = pages(search, filter("R01", null, null, null), 3).stream().flatMap(List::stream).toList();
        assertThat(r01).hasSize(10).isSorted().allMatch(e -> e.startsWith("r01"));
        // a blank term (the API and the admin refuse it before) is an error, not an empty prefix matching everyone
        assertThatThrownBy(() -> search.page(filter("  ", null, null, null), null, 10, false)).isInstanceOf(IllegalArgumentException.class);
        // address order with a filter on top
        assertThat(pages(search, filter("even.example", "rare", null, null), 10)).containsExactly(List.of());
        assertThat(pages(search, filter("odd.example", "rare", null, null), 5).stream().flatMap(List::stream).toList()).hasSize(12);
    }
}
