package dev.letterpress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `serve` in its own JVM, stopped with SIGTERM (what Ctrl-C, systemd and Docker send): the shutdown must write
 * everything the process still holds, on the embedded database too. H2 closes a database in its own shutdown hook
 * unless told not to, and JVM hooks run concurrently, so that hook used to win: queued opens were lost and the
 * ledger outcomes of messages in flight were not written (a resend after the restart).
 */
class GracefulStopTest {
    @TempDir
    Path dir;

    @Test
    void sigtermWritesEveryQueuedOpenBeforeTheProcessExits() throws Exception {
        Map<String, String> settings = Map.of();
        var config = TestSupport.config(dir, TestSupport.freePort(), settings);
        List<String> pixels = new ArrayList<>();
        long campaign;
        try (App seed = App.create(config)) {
            TestSupport.importReaders(seed, "Weekly", 200);
            // never sent: it only makes the tokens real
            campaign = seed.campaigns.create("Stop", TestSupport.demoIssue(), List.of("Weekly"), Instant.now().plus(3650, ChronoUnit.DAYS));
            seed.campaigns.cancel(campaign);
            try (Connection c = DriverManager.getConnection(config.db().url(), "sa", "");
                 ResultSet rs = c.createStatement().executeQuery("SELECT id FROM subscribers ORDER BY id")) {
                while (rs.next()) {
                    pixels.add(seed.urls.open(campaign, rs.getLong(1)));
                }
            }
        }
        int answered;
        NodeProcess node = NodeProcess.serve(NodeProcess.properties(dir.resolve("node.properties"), config, settings), dir.resolve("node.log"));
        try {
            answered = hitConcurrently(pixels, 20);
        } finally {
            node.close(); // SIGTERM at once: the last fraction of a second of opens is still in the event buffer
        }
        long stored = count(config.db().url(), "SELECT COUNT(*) FROM events WHERE campaign_id = ? AND kind = 'open'", campaign);
        System.out.printf("graceful stop: %d opens answered, %d stored after SIGTERM%n", answered, stored);
        assertThat(answered).isEqualTo(pixels.size() * 20);
        assertThat(stored).as("opens stored after SIGTERM (node log:%n%s)", node.output()).isEqualTo(answered);
        assertThat(node.output()).doesNotContain("Database is already closed");
    }

    @Test
    void sigtermMidSendRecordsWhatWasAcceptedSoTheRestartSendsNobodyTwice() throws Exception {
        int recipients = 600;
        try (FaultySmtpServer smtp = FaultySmtpServer.acceptingAfter(5)) {
            Map<String, String> settings = Map.of("smtp.port", Integer.toString(smtp.port()), "delivery.batch.size", "50",
                    "delivery.connections", "2", "delivery.lease", "2s", "delivery.poll", "1s");
            var config = TestSupport.config(dir, smtp.port(), settings);
            long campaign = TestSupport.campaignToReaders(config, "Stop", recipients);
            Path props = NodeProcess.properties(dir.resolve("node.properties"), config, settings);
            try (NodeProcess node = NodeProcess.serve(props, dir.resolve("node-1.log"))) {
                TestSupport.await("a third to be sent", Duration.ofSeconds(60), () -> smtp.delivered.size() >= recipients / 3);
            } // SIGTERM mid-send
            int atStop = smtp.delivered.size();
            try (NodeProcess node = NodeProcess.serve(props, dir.resolve("node-2.log"))) {
                TestSupport.await("the campaign to finish", Duration.ofSeconds(90),
                        () -> count(config.db().url(), "SELECT COUNT(*) FROM campaigns WHERE id = ? AND status = 'finished'", campaign) == 1);
            }
            Map<String, Long> perAddress = smtp.delivered.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            System.out.printf("graceful stop: SIGTERM after %d messages; %d messages for %d addresses%n", atStop, smtp.delivered.size(), perAddress.size());
            assertThat(atStop).isLessThan(recipients);
            assertThat(perAddress).hasSize(recipients);
            assertThat(smtp.delivered).hasSize(recipients); // nobody twice
        }
    }

    @Test
    void aSecondSigtermDuringTheGracefulStopExitsAtOnce() throws Exception {
        // every RCPT takes 4 s, so the graceful stop, which lets each worker finish its message, takes seconds
        try (FaultySmtpServer smtp = FaultySmtpServer.acceptingAfter(4_000)) {
            Map<String, String> settings = Map.of("smtp.port", Integer.toString(smtp.port()), "delivery.poll", "1s");
            var config = TestSupport.config(dir, smtp.port(), settings);
            TestSupport.campaignToReaders(config, "Stop", 20);
            NodeProcess node = NodeProcess.serve(NodeProcess.properties(dir.resolve("node.properties"), config, settings), dir.resolve("node.log"));
            try {
                TestSupport.await("a message in flight", Duration.ofSeconds(60),
                        () -> java.util.stream.IntStream.range(0, 20).anyMatch(i -> smtp.attempts("reader" + i + "@example.com") > 0));
                node.signalTerm();
                assertThat(node.awaitExit(Duration.ofMillis(500))).as("still stopping gracefully after the first SIGTERM").isEqualTo(-1);
                long second = System.nanoTime();
                node.signalTerm();
                assertThat(node.awaitExit(Duration.ofSeconds(3))).isEqualTo(130);
                assertThat((System.nanoTime() - second) / 1_000_000).isLessThan(2_000);
                assertThat(node.output()).contains("stopping now, without waiting for the graceful stop");
            } finally {
                node.close();
            }
        }
    }

    /** Every pixel fetched {@code rounds} times by 8 threads; returns how many were answered 200. */
    private static int hitConcurrently(List<String> pixels, int rounds) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> parts = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int first = t;
                parts.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = first; i < pixels.size() * rounds; i += 8) {
                        var request = HttpRequest.newBuilder(URI.create(pixels.get(i % pixels.size()))).build();
                        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            int ok = 0;
            for (Future<Integer> part : parts) {
                ok += part.get();
            }
            return ok;
        } finally {
            pool.shutdownNow();
        }
    }

    private static long count(String url, String sql, long campaign) {
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             PreparedStatement st = c.prepareStatement(sql)) {
            st.setLong(1, campaign);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (Exception e) {
            return -1; // the node may be starting
        }
    }
}
