package dev.letterpress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sending process is killed with SIGKILL at several points of a campaign and started again each time:
 * no address is missed, and only messages in flight at a kill can come twice.
 */
class CrashTest {
    private static final int RECIPIENTS = 3_000;
    private static final int IN_FLIGHT = 2 * 50; // delivery.connections × delivery.batch.size

    @TempDir
    Path dir;

    @Test
    void killedThreeTimesMidSendEveryAddressArrivesAndOnlyInFlightRowsRepeat() throws Exception {
        try (FaultySmtpServer smtp = FaultySmtpServer.acceptingAfter(2)) {
            int httpPort = TestSupport.freePort();
            Map<String, String> settings = Map.of("smtp.port", Integer.toString(smtp.port()), "delivery.batch.size", "50",
                    "delivery.connections", "2", "delivery.lease", "2s", "delivery.poll", "1s",
                    "http.port", Integer.toString(httpPort), "public.base.url", "http://127.0.0.1:" + httpPort);
            var config = TestSupport.config(dir, smtp.port(), settings);
            long campaign = TestSupport.campaignToReaders(config, "Crash", RECIPIENTS);
            Path props = NodeProcess.properties(dir.resolve("node.properties"), config, settings);

            int kills = 0;
            for (double at : new double[] {0.2, 0.5, 0.8}) {
                NodeProcess node = NodeProcess.serve(props, dir.resolve("node-" + kills + ".log"));
                TestSupport.await((int) (at * 100) + "% to be sent", Duration.ofSeconds(60), () -> smtp.delivered.size() >= at * RECIPIENTS);
                node.kill();
                kills++;
                System.out.printf("crash test: killed the sender after %d messages%n", smtp.delivered.size());
            }
            try (NodeProcess last = NodeProcess.serve(props, dir.resolve("node-last.log"))) {
                String url = config.db().url();
                try {
                    TestSupport.await("the campaign to finish", Duration.ofSeconds(90), () -> "finished".equals(status(url, campaign)));
                } catch (AssertionError e) {
                    System.out.println("last node's log:\n" + last.output());
                    throw e;
                }
            }
            Map<String, Long> perAddress = smtp.delivered.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            long duplicates = smtp.delivered.size() - perAddress.size();
            System.out.printf("crash test: %d kills, %d messages for %d addresses: 0 missing, %d duplicates (bound %d)%n",
                    kills, smtp.delivered.size(), perAddress.size(), duplicates, kills * IN_FLIGHT);
            assertThat(perAddress).hasSize(RECIPIENTS);
            assertThat(duplicates).isLessThanOrEqualTo((long) kills * IN_FLIGHT);
        }
    }

    private static String status(String url, long campaign) {
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT status FROM campaigns WHERE id = " + campaign)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (Exception e) {
            return null; // the node may be restarting
        }
    }
}
