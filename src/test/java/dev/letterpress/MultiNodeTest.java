package dev.letterpress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.subscriber.Subscription;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes (separate JVMs) on one PostgreSQL share a 20,000-recipient campaign: every address exactly once;
 * and when one node is killed mid-send, the other finishes after the lease expires, losing nothing.
 */
class MultiNodeTest {
    private static final int RECIPIENTS = 20_000;

    @TempDir
    Path dir;

    @Test
    void twoNodesDeliverEveryAddressExactlyOnce() throws Exception {
        try (FaultySmtpServer smtp = new FaultySmtpServer((rcpt, before) -> "250 OK")) {
            Setup s = setup(smtp.port());
            try (NodeProcess a = NodeProcess.serve(s.config("a"), dir.resolve("a.log"));
                 NodeProcess b = NodeProcess.serve(s.config("b"), dir.resolve("b.log"))) {
                long campaign = s.startCampaign();
                s.awaitFinished(campaign, Duration.ofSeconds(120));
                Map<String, Long> perAddress = count(smtp.delivered);
                Map<String, Long> perNode = s.sentPerNode(campaign);
                System.out.printf("two nodes: %d messages for %d addresses; sent per node %s%n", smtp.delivered.size(), perAddress.size(), perNode);
                assertThat(perAddress).hasSize(RECIPIENTS);
                assertThat(perAddress.values()).allMatch(n -> n == 1);
                assertThat(perNode).as("both nodes took part").hasSize(2);
            }
        }
    }

    @Test
    void killingOneNodeMidSendLosesNothing() throws Exception {
        try (FaultySmtpServer smtp = new FaultySmtpServer((rcpt, before) -> {
                    try {
                        Thread.sleep(1); // keep the send going long enough to kill a node in the middle
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return "250 OK";
                })) {
            Setup s = setup(smtp.port());
            try (NodeProcess a = NodeProcess.serve(s.config("a"), dir.resolve("a.log"));
                 NodeProcess b = NodeProcess.serve(s.config("b"), dir.resolve("b.log"))) {
                long campaign = s.startCampaign();
                TestSupport.await("a quarter of the mail to be sent", Duration.ofSeconds(120), () -> smtp.delivered.size() >= RECIPIENTS / 4);
                b.kill();
                int atKill = smtp.delivered.size();
                s.awaitFinished(campaign, Duration.ofSeconds(180));
                Map<String, Long> perAddress = count(smtp.delivered);
                long duplicates = smtp.delivered.size() - perAddress.size();
                System.out.printf("killed node b after %d messages: %d messages for %d addresses, %d duplicates (bound: %d in flight)%n",
                        atKill, smtp.delivered.size(), perAddress.size(), duplicates, 2 * 50);
                assertThat(perAddress).hasSize(RECIPIENTS);
                // only rows node b had claimed and handed to SMTP but not recorded can come twice
                assertThat(duplicates).isLessThanOrEqualTo(2 * 50);
                assertThat(a.output()).doesNotContain("Exception in thread");
            }
        }
    }

    private static Map<String, Long> count(List<String> delivered) {
        return delivered.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private Setup setup(int smtpPort) throws Exception {
        String url = PostgresSupport.newDatabase();
        Map<String, String> common = new HashMap<>();
        common.put("db.url", url);
        common.put("db.user", "postgres");
        common.put("db.password", "postgres");
        common.put("smtp.host", "127.0.0.1");
        common.put("smtp.port", Integer.toString(smtpPort));
        common.put("delivery.batch.size", "50");
        common.put("delivery.connections", "2");
        common.put("delivery.lease", "3s");
        common.put("delivery.poll", "1s");
        common.put("tracking.secret", "a-shared-secret-for-all-nodes-of-this-test");
        common.put("templates.dir", Path.of("templates").toAbsolutePath().toString());
        common.put("data.dir", dir.resolve("data").toString());
        Setup s = new Setup(dir, url, common);
        try (App seed = App.create(TestSupport.config(dir, smtpPort, common))) {
            var list = seed.subscribers.createList("Weekly", null);
            StringBuilder csv = new StringBuilder("email,name\n");
            for (int i = 0; i < RECIPIENTS; i++) {
                csv.append("reader").append(i).append("@example.com,Reader ").append(i).append('\n');
            }
            seed.importer.importCsv(new StringReader(csv.toString()), "nodes.csv", list, Subscription.CONFIRMED, p -> { });
        }
        return s;
    }

    private record Setup(Path dir, String url, Map<String, String> common) {
        Path config(String node) throws Exception {
            int port = TestSupport.freePort();
            StringBuilder props = new StringBuilder();
            common.forEach((k, v) -> props.append(k).append(" = ").append(v.replace("\\", "\\\\")).append('\n'));
            props.append("http.port = ").append(port).append('\n');
            props.append("public.base.url = http://127.0.0.1:").append(port).append('\n');
            Path file = dir.resolve(node + ".properties");
            Files.writeString(file, props);
            return file;
        }

        long startCampaign() {
            try (App control = App.create(TestSupport.config(dir, 25, common))) {
                return control.campaigns.create("Two nodes", TestSupport.demoIssue(), List.of("Weekly"), null);
            }
        }

        void awaitFinished(long campaign, Duration timeout) {
            TestSupport.await("campaign " + campaign + " to finish", timeout, () -> "finished".equals(query(
                    "SELECT status FROM campaigns WHERE id = " + campaign).get(0)));
        }

        Map<String, Long> sentPerNode(long campaign) {
            Map<String, Long> out = new HashMap<>();
            for (String row : query("SELECT claimed_by || '=' || COUNT(*) FROM deliveries WHERE campaign_id = " + campaign
                    + " AND state = 'sent' GROUP BY claimed_by")) {
                out.put(row.substring(0, row.lastIndexOf('=')), Long.parseLong(row.substring(row.lastIndexOf('=') + 1)));
            }
            return out;
        }

        private List<String> query(String sql) {
            try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                 ResultSet rs = c.createStatement().executeQuery(sql)) {
                List<String> rows = new java.util.ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
                return rows;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
