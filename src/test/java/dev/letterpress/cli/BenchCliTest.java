package dev.letterpress.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.TestSupport;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `bench send` end to end into a real SMTP server and `bench import`, small: the figures are the command's business, not the test's. */
class BenchCliTest {
    /** The JIT threads' CPU is read from /proc: a number on Linux (and so in CI), "-" where there is none. */
    private static final String JIT = java.nio.file.Files.isDirectory(Path.of("/proc/self/task")) ? "\\d+\\.\\d" : "-";
    private final CliRunner runner = new CliRunner();

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        runner.capture();
    }

    @AfterEach
    void restore() {
        runner.restore();
    }

    @Test
    void dkimPhaseSendsTheSameReadersSignedAndPrintsTheCostPerMessage() throws Exception {
        GreenMail mail = TestSupport.greenMail();
        try {
            var run = runner.execute("bench", "send", "--recipients", "30", "--warmup", "0", "--no-baseline", "--dkim",
                    "--sink", "127.0.0.1:" + mail.getSmtp().getPort(), "--dir", dir.toString());
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).containsPattern("letterpress campaign +30 ")
                    .containsPattern("letterpress \\+ DKIM +30 ")
                    .containsPattern("DKIM \\(rsa-sha256, 2048-bit, relaxed/relaxed\\): [+-]\\d+ us of CPU per message");
            MimeMessage[] received = mail.getReceivedMessages();
            assertThat(received).hasSize(60);
            // each of the 30 readers got the campaign twice: unsigned, then signed by the key the command made
            java.util.Map<String, List<String>> byReader = new java.util.TreeMap<>();
            for (MimeMessage m : received) {
                String[] sig = m.getHeader("DKIM-Signature");
                assertThat(sig == null || sig.length == 1).isTrue();
                byReader.computeIfAbsent(m.getAllRecipients()[0].toString(), k -> new java.util.ArrayList<>()).add(sig == null ? "unsigned" : sig[0]);
            }
            assertThat(byReader).hasSize(30);
            assertThat(byReader.values()).allSatisfy(sigs -> {
                assertThat(sigs).hasSize(2).contains("unsigned");
                String signature = sigs.get(sigs.get(0).equals("unsigned") ? 1 : 0);
                assertThat(signature).contains("a=rsa-sha256", "c=relaxed/relaxed", "d=bench.example.com", "s=bench");
            });
        } finally {
            mail.stop();
        }
    }

    @Test
    void compactLayoutSendsSmallerMailWithTheSameTrackedLinksAndGreeting() throws Exception {
        GreenMail mail = TestSupport.greenMail();
        try {
            var run = runner.execute("bench", "send", "--recipients", "12", "--warmup", "4", "--warmup-rounds", "2", "--no-baseline",
                    "--layout", "compact", "--sink", "127.0.0.1:" + mail.getSmtp().getPort(), "--dir", dir.toString());
            assertThat(run.code()).as(run.err()).isZero();
            // two warm-up campaigns to the same 4 other readers before the measured one, each with the JIT's share
            assertThat(run.out()).containsPattern("warm-up 1/2: letterpress campaign, 4 messages, [\\d,]+ msgs/s, JIT " + JIT + " s")
                    .contains("warm-up 2/2: letterpress campaign, 4 messages").containsPattern("CPU s +JIT s +peak heap");
            java.util.regex.Matcher size = java.util.regex.Pattern.compile("message size: ([\\d,]+) bytes").matcher(run.out());
            assertThat(size.find()).as(run.out()).isTrue();
            assertThat(Integer.parseInt(size.group(1).replace(",", ""))).isBetween(4_000, 15_000);
            MimeMessage[] received = mail.getReceivedMessages();
            assertThat(received).hasSize(12 + 2 * 4);
            received = java.util.Arrays.stream(received).filter(m -> to(m).startsWith("reader"))
                    .toArray(MimeMessage[]::new);
            assertThat(received).hasSize(12);
            jakarta.mail.Multipart parts = (jakarta.mail.Multipart) received[0].getContent();
            String html = (String) parts.getBodyPart(1).getContent();
            assertThat(parts.getBodyPart(1).isMimeType("text/html")).isTrue();
            assertThat(html).contains("Hi Reader,", "/u/", "/c/", "/o/", "Unsubscribe from").doesNotContain("font-family:-apple-system");
            assertThat(received[0].getHeader("List-Unsubscribe-Post")).containsExactly("List-Unsubscribe=One-Click");
        } finally {
            mail.stop();
        }
        var bad = runner.execute("bench", "send", "--recipients", "1", "--layout", "fancy", "--dir", dir.toString());
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("--layout: expected bundled or compact, got 'fancy'");
    }

    @Test
    void warmUpImportsOtherReadersThenTheMeasuredImportAndItsRepeat() throws Exception {
        var run = runner.execute("bench", "import", "--rows", "50", "--warmup", "20", "--dir", dir.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out())
                .containsPattern("warm-up \\(not counted\\) +20 rows in .* s CPU of which JIT " + JIT + " s \\(added 20, unchanged 0, subscribed 20\\)")
                .containsPattern("first import +50 rows in .*\\(added 50, unchanged 0, subscribed 50\\)")
                .containsPattern("re-import \\(idempotent\\) +50 rows in .*\\(added 0, unchanged 50, subscribed 0\\)");

        var bad = runner.execute("bench", "import", "--rows", "5", "--warmup", "-1", "--dir", dir.resolve("other").toString());
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("--warmup must be 0 or more");
    }

    private static String to(MimeMessage m) {
        try {
            return ((jakarta.mail.internet.InternetAddress) m.getAllRecipients()[0]).getAddress();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
