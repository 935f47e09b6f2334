package dev.letterpress.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.letterpress.TestSupport;
import dev.letterpress.db.Database;
import dev.letterpress.db.Jdbc;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.SubscriberStore;
import dev.letterpress.subscriber.Subscription;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch's outcomes and the next claim share one transaction: both are written, or neither. */
class LedgerWriteAndClaimTest {
    private static final Duration LEASE = Duration.ofMinutes(5);

    @TempDir
    Path dir;
    Database db;
    Jdbc jdbc;
    Ledger ledger;
    long campaign;

    @BeforeEach
    void setUp() {
        db = Database.open(TestSupport.config(dir, 25, Map.of()));
        jdbc = db.jdbc();
        Clock clock = Clock.systemUTC();
        SubscriberStore subscribers = new SubscriberStore(jdbc, clock);
        CampaignStore campaigns = new CampaignStore(jdbc, clock);
        ledger = new Ledger(db.dataSource(), clock);
        MailingList weekly = subscribers.createList("Weekly", null);
        for (int i = 0; i < 6; i++) {
            subscribers.addToList(weekly.id(), "r" + i + "@example.com", null, Map.of(), Subscription.CONFIRMED, "test");
        }
        long issue = campaigns.saveIssue("Issue", "{\"subject\":\"any document will do for the store\"}");
        campaign = campaigns.create("Campaign", issue, List.of(weekly.id()), Instant.now(), null);
        assertThat(ledger.freeze(campaign)).isEqualTo(6);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void theOutcomesAndTheNextBatchAreWrittenTogether() {
        long[] seen = {0};
        List<Ledger.Recipient> first = claim(seen);
        assertThat(first).hasSize(3);
        List<Ledger.Outcome> outcomes = List.of(new Ledger.Sent(id(first, 0), "250 ok", "<m0@x>"),
                new Ledger.Deferred(id(first, 1), 451, "try later", Instant.now().plusSeconds(60)),
                new Ledger.Failed(id(first, 2), 550, "5.1.1 no such user"));

        long[] next = {seen[0]};
        List<Ledger.Recipient> second = ledger.writeAndClaim(campaign, "node-a", outcomes,
                claimer -> claimer.claim(campaign, next[0], 3, "node-a", LEASE, next));

        assertThat(second).extracting(r -> r.subscriber().email()).containsExactly("r3@example.com", "r4@example.com", "r5@example.com");
        assertThat(states()).containsExactly("sent", "deferred", "failed", "claimed", "claimed", "claimed");
    }

    @Test
    void whenTheClaimFailsTheOutcomesAreNotWrittenEither() {
        long[] seen = {0};
        List<Ledger.Recipient> first = claim(seen);
        List<Ledger.Outcome> outcomes = first.stream().map(r -> (Ledger.Outcome) new Ledger.Sent(r.subscriber().id(), "250 ok", "<m@x>")).toList();

        Throwable failure = catchThrowable(() -> ledger.writeAndClaim(campaign, "node-a", outcomes, claimer -> {
            claimer.claim(campaign, seen[0], 3, "node-a", LEASE, new long[] {seen[0]});
            throw new IllegalStateException("the claim step failed");
        }));

        assertThat(failure).hasMessage("the claim step failed");
        // all or nothing: the worker then writes the outcomes on their own (Worker.claimAfter)
        assertThat(states()).containsExactly("claimed", "claimed", "claimed", "queued", "queued", "queued");
        ledger.write(campaign, "node-a", outcomes);
        assertThat(states()).containsExactly("sent", "sent", "sent", "queued", "queued", "queued");
    }

    /** A worker's first claim: no outcomes to record yet. */
    private List<Ledger.Recipient> claim(long[] seen) {
        return ledger.writeAndClaim(campaign, "node-a", List.of(), claimer -> claimer.claim(campaign, 0, 3, "node-a", LEASE, seen));
    }

    private static long id(List<Ledger.Recipient> batch, int i) {
        return batch.get(i).subscriber().id();
    }

    private List<String> states() {
        return jdbc.query("SELECT state FROM deliveries WHERE campaign_id = ? ORDER BY subscriber_id", rs -> rs.getString(1), campaign);
    }
}
