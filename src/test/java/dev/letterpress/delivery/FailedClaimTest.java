package dev.letterpress.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.App;
import dev.letterpress.FaultySmtpServer;
import dev.letterpress.TestSupport;
import dev.letterpress.subscriber.Subscription;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.tools.TriggerAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker records a batch's outcomes in the transaction that claims its next batch. When that claim fails, the
 * outcomes must still be written, or every message of the batch would go out again after the lease.
 */
class FailedClaimTest {
    /** Counts claims (queued to claimed) and fails the first one past the first {@link #ALLOWED}. */
    public static final class FailOneClaim extends TriggerAdapter {
        static final int ALLOWED = 2;
        static final AtomicInteger claims = new AtomicInteger();
        static final AtomicInteger failures = new AtomicInteger();

        @Override
        public void fire(Connection conn, ResultSet oldRow, ResultSet newRow) throws SQLException {
            if ("queued".equals(oldRow.getString("STATE")) && "claimed".equals(newRow.getString("STATE"))
                    && claims.incrementAndGet() > ALLOWED && failures.get() == 0) {
                failures.incrementAndGet();
                throw new SQLException("claim refused by the test's trigger");
            }
        }
    }

    @TempDir
    Path dir;

    @Test
    void theOutcomesAreWrittenWhenTheNextClaimFails() throws Exception {
        List<String> readers = List.of("a@example.com", "b@example.com", "c@example.com", "d@example.com");
        FailOneClaim.claims.set(0);
        FailOneClaim.failures.set(0);
        try (FaultySmtpServer smtp = new FaultySmtpServer((rcpt, before) -> "250 OK");
             App app = App.create(TestSupport.config(dir, smtp.port(), Map.of("delivery.batch.size", "2", "delivery.connections", "1")))) {
            var list = app.subscribers.createList("Weekly", null);
            for (String email : readers) {
                app.subscribers.addToList(list.id(), email, null, Map.of(), Subscription.CONFIRMED, "test");
            }
            long campaign = app.campaigns.create("Claims", TestSupport.demoIssue(), List.of("Weekly"), null);
            app.db.jdbc().update("CREATE TRIGGER fail_one_claim BEFORE UPDATE ON deliveries FOR EACH ROW CALL '"
                    + FailOneClaim.class.getName() + "'");

            // the first batch goes out; claiming the second fails, and the run ends for a later retry
            DeliveryEngine.Result first = app.engine.run(campaign);
            assertThat(FailOneClaim.failures).hasValue(1);
            assertThat(first.kind()).isEqualTo(DeliveryEngine.Result.Kind.RETRY_LATER);
            assertThat(smtp.delivered).containsExactly("a@example.com", "b@example.com");
            // the sent batch is recorded; the batch whose claim failed is untouched (the claim was rolled back)
            assertThat(app.db.jdbc().query("SELECT state FROM deliveries WHERE campaign_id = ? ORDER BY subscriber_id",
                    rs -> rs.getString(1), campaign)).containsExactly("sent", "sent", "queued", "queued");

            DeliveryEngine.Result second = app.engine.run(campaign);
            assertThat(second.kind()).as(second.detail()).isEqualTo(DeliveryEngine.Result.Kind.FINISHED);
            assertThat(smtp.delivered).containsExactlyElementsOf(readers); // each once
        }
    }
}
