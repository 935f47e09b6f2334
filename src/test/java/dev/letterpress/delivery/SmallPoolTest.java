package dev.letterpress.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.App;
import dev.letterpress.FaultySmtpServer;
import dev.letterpress.TestSupport;
import dev.letterpress.subscriber.Subscription;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * More send workers than database connections: each worker takes its transaction's connection before it waits for
 * the sweep's lock, and needs no other one under it, so the workers queue for connections and never deadlock.
 */
class SmallPoolTest {
    @TempDir
    Path dir;

    @Test
    void fourWorkersOnTwoConnectionsSendEveryoneOnce() throws Exception {
        try (FaultySmtpServer smtp = new FaultySmtpServer((rcpt, before) -> "250 OK");
             App app = App.create(TestSupport.config(dir, smtp.port(), Map.of("db.pool.size", "2", "delivery.connections", "4",
                     "delivery.batch.size", "5")))) {
            var list = app.subscribers.createList("Weekly", null);
            List<String> readers = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                readers.add("reader" + i + "@example.com");
                app.subscribers.addToList(list.id(), readers.get(i), null, Map.of(), Subscription.CONFIRMED, "test");
            }
            long campaign = app.campaigns.create("Small pool", TestSupport.demoIssue(), List.of("Weekly"), null);

            // a deadlock would end at the pool's connection timeout, failing a worker and with it the run
            DeliveryEngine.Result result = app.engine.run(campaign);

            assertThat(result.kind()).as(result.detail()).isEqualTo(DeliveryEngine.Result.Kind.FINISHED);
            assertThat(smtp.delivered).containsExactlyInAnyOrderElementsOf(readers);
        }
    }
}
