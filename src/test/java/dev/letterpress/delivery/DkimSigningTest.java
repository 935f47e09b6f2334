package dev.letterpress.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.App;
import dev.letterpress.TestSupport;
import dev.letterpress.config.ConfigException;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.Subscription;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DKIM end to end: messages sent by the app over real SMTP are verified by another implementation, Debian's
 * python3-dkim (dkimpy), with the public key handed to it through its dnsfunc instead of DNS.
 */
class DkimSigningTest {
    private static final String DOMAIN = "news.example.com";
    private static final String SELECTOR = "s2026";
    /** Non-ASCII and over 200 characters: Jakarta Mail folds it into several encoded-words. */
    private static final String SUBJECT = "Grüße aus der Werkstatt: Übergänge, Änderungen und Überraschungen — warum die "
            + "Pipeline grün blieb, wie wir 42 % schneller wurden, und was „Fußnoten“ mit Zeitzonen zu tun haben 🚀 "
            + "(ein sehr langer Betreff, damit Faltung geübt wird)";
    /** A long mailto makes List-Unsubscribe far longer than a line should be. */
    private static final String MAILTO = "unsubscribe-requests-for-build-notes-weekly@mailing-lists.newsletters.letterpress-example-domain.example.com";
    private static final String VERIFY = """
            import logging, sys, dkim
            logging.basicConfig(level=logging.DEBUG, stream=sys.stdout, format='%(message)s')
            record, expected = sys.argv[1].encode(), sys.argv[2].encode()
            asked = []
            def dnsfunc(name, timeout=5):
                asked.append(name)
                return record if name.rstrip(b'.').lower() == expected.lower() else None
            message = sys.stdin.buffer.read()
            ok = dkim.verify(message, logger=logging.getLogger('dkim'), dnsfunc=dnsfunc)
            print('asked for %r; verified: %s' % (asked, ok))
            sys.exit(0 if ok else 1)
            """;

    @TempDir
    static Path keys;
    static Path keyFile;
    static String dnsRecord;

    @TempDir
    Path dir;

    @BeforeAll
    static void key() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair pair = g.generateKeyPair();
        keyFile = keys.resolve("dkim.pem");
        Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        dnsRecord = "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }

    @Test
    void theExactBytesOnTheWireVerifyAndTamperingIsCaught() throws Exception {
        String python = verifier();
        List<byte[]> received;
        try (RawSmtpServer smtp = new RawSmtpServer()) {
            sendThroughApp(smtp.port(), 2);
            received = smtp.messages;
        }
        assertThat(received).hasSize(2);
        for (byte[] raw : received) {
            String text = new String(raw, StandardCharsets.US_ASCII);
            assertThat(text).startsWith("DKIM-Signature: ");
            String signature = field(text, "DKIM-Signature");
            assertThat(signature.replaceAll("\r\n\t", " ")).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d="
                    + DOMAIN + "; s=" + SELECTOR + "; t=");
            String h = tag(signature, "h");
            assertThat(List.of(h.split(":"))).contains("from", "subject", "date", "message-id", "list-unsubscribe",
                    "list-unsubscribe-post", "to", "list-id", "feedback-id", "mime-version", "content-type");
            // folding really happened, and every line stays within RFC 5322's 998 characters
            assertThat(field(text, "Subject")).contains("\r\n ");
            assertThat(field(text, "List-Unsubscribe")).contains(",\r\n <mailto:" + MAILTO);
            assertThat(signature).contains("\r\n\t");
            for (String line : text.substring(0, text.indexOf("\r\n\r\n")).split("\r\n")) {
                assertThat(line.length()).as(line).isLessThanOrEqualTo(998);
            }

            assertVerifies(python, raw, true, "as received");
            // relaxed canonicalization: re-folding on the way (e.g. by a relay) does not matter
            assertVerifies(python, text.replace(",\r\n <mailto:", ", <mailto:").getBytes(StandardCharsets.US_ASCII), true, "unfolded");

            // ...but content does: the body, the subject, the one-click unsubscribe target
            int body = text.indexOf("\r\n\r\n") + 4;
            int at = text.indexOf("Build Notes", body);
            assertThat(at).isPositive();
            assertVerifies(python, replaceAt(raw, at, "Build Notes", "Bold Notes!"), false, "tampered body");
            assertVerifies(python, text.replace("Subject: =?UTF-8?", "Subject: =?utf-8?").getBytes(StandardCharsets.US_ASCII),
                    false, "tampered subject");
            String unsubscribe = field(text, "List-Unsubscribe");
            assertVerifies(python, text.replace(unsubscribe, unsubscribe.replace("/u/", "/x/")).getBytes(StandardCharsets.US_ASCII),
                    false, "tampered List-Unsubscribe");
            // over-signed: a second List-Unsubscribe-Post added on the way breaks it too
            assertVerifies(python, text.replace("\r\n\r\n", "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII), false, "added header");
        }
    }

    @Test
    void messagesReceivedByGreenMailVerify() throws Exception {
        String python = verifier();
        GreenMail smtp = TestSupport.greenMail();
        try {
            sendThroughApp(smtp.getSmtp().getPort(), 3);
            MimeMessage[] received = smtp.getReceivedMessages();
            assertThat(received).hasSize(3);
            for (MimeMessage m : received) {
                assertThat(m.getSubject()).isEqualTo(SUBJECT);
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                m.writeTo(raw);
                assertVerifies(python, raw.toByteArray(), true, "GreenMail's copy");
            }
        } finally {
            smtp.stop();
        }
    }

    @Test
    void costPerMessage() throws Exception {
        byte[] sample;
        try (RawSmtpServer smtp = new RawSmtpServer()) {
            sendThroughApp(smtp.port(), 1);
            sample = smtp.messages.get(0);
        }
        String text = new String(sample, StandardCharsets.US_ASCII);
        int start = text.indexOf("\r\n", text.indexOf("b=")) + 2;
        while (text.charAt(start) == '\t') { // skip the signature's continuation lines
            start = text.indexOf("\r\n", start) + 2;
        }
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(sample, start, sample.length - start));
        DkimMailer mailer = new DkimMailer(null, new DkimSigner(DOMAIN, SELECTOR, DkimKeyFile.load(keyFile), Clock.systemUTC()));
        int n = 300;
        for (int i = 0; i < 200; i++) { // warm-up
            mailer.sign(message);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            message.writeTo(new ByteArrayOutputStream(16 * 1024), new String[] {"Bcc", "Content-Length"});
        }
        long serialize = System.nanoTime() - t0;
        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            mailer.sign(message);
        }
        long signed = System.nanoTime() - t0;
        PrivateKey key = DkimKeyFile.load(keyFile);
        byte[] headers = new byte[1500];
        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(headers);
            rsa.sign();
        }
        long rsaOnly = System.nanoTime() - t0;
        System.out.printf("DKIM cost: %,d signings of a %,d-byte message (2048-bit RSA): %.0f ms, %.3f ms per message "
                        + "(of which serializing the message: %.3f ms, the RSA signature alone: %.3f ms)%n", n, sample.length - start,
                signed / 1e6, signed / 1e6 / n, serialize / 1e6 / n, rsaOnly / 1e6 / n);
    }

    @Test
    void aKeyThatCannotBeReadStopsStartUpNamingTheKey() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a key\n");
        Path pkcs1 = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(512);
        Path weak = Files.write(dir.resolve("weak.der"), g.generateKeyPair().getPrivate().getEncoded());
        assertThatThrownBy(() -> App.create(config(1025, garbage)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dkim.private.key").hasMessageContaining("garbage.pem");
        assertThatThrownBy(() -> DkimKeyFile.load(pkcs1)).hasMessageContaining("dkim.private.key").hasMessageContaining("openssl pkcs8");
        assertThatThrownBy(() -> DkimKeyFile.load(weak)).hasMessageContaining("dkim.private.key").hasMessageContaining("512 bits");
        // DER works as well as PEM, and the DNS record derived from the key is the one published
        Path der = Files.write(dir.resolve("dkim.der"), DkimKeyFile.load(keyFile).getEncoded());
        assertThat(DkimKeyFile.dnsRecord(DkimKeyFile.load(der))).isEqualTo(dnsRecord);
    }

    // --- helpers ---------------------------------------------------------------------------------

    private dev.letterpress.config.Config config(int smtpPort, Path key) {
        return TestSupport.config(dir, smtpPort, Map.of("dkim.domain", DOMAIN, "dkim.selector", SELECTOR,
                "dkim.private.key", key.toString(), "unsubscribe.mailto", MAILTO));
    }

    private void sendThroughApp(int smtpPort, int recipients) {
        try (App app = App.create(config(smtpPort, keyFile)).start()) {
            MailingList list = app.subscribers.createList("Build Notes weekly", null);
            for (int i = 0; i < recipients; i++) {
                app.subscribers.addToList(list.id(), "reader" + i + "@example.com", i == 0 ? "Zoë Ünal" : null, Map.of(),
                        Subscription.CONFIRMED, "test");
            }
            String issue = TestSupport.demoIssue().replaceFirst("\"subject\": \"[^\"]*\"", Matcher.quoteReplacement("\"subject\": \"" + SUBJECT + "\""));
            long campaign = app.campaigns.create("DKIM", issue, List.of(list.name()), Instant.now().plusSeconds(1));
            TestSupport.await("campaign " + campaign + " to finish", Duration.ofSeconds(30),
                    () -> "finished".equals(app.campaignStore.require(campaign).status()));
            assertThat(app.campaignStore.stateCounts(campaign)).containsEntry("sent", (long) recipients);
        }
    }

    /** The whole field (continuation lines included) of the first {@code name} in the header. */
    private static String field(String message, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ":.*(?:\r\n[ \t].*)*").matcher(message.substring(0, message.indexOf("\r\n\r\n")));
        assertThat(m.find()).as("field " + name).isTrue();
        return m.group().replaceAll("\r$", "");
    }

    private static String tag(String signature, String tag) {
        Matcher m = Pattern.compile("[;\\s]" + tag + "=([^;]*)").matcher(signature);
        assertThat(m.find()).as("tag " + tag).isTrue();
        return m.group(1).replaceAll("\\s", "");
    }

    private static byte[] replaceAt(byte[] raw, int at, String from, String to) {
        byte[] copy = raw.clone();
        assertThat(new String(copy, at, from.length(), StandardCharsets.US_ASCII)).isEqualTo(from);
        System.arraycopy(to.getBytes(StandardCharsets.US_ASCII), 0, copy, at, to.length());
        return copy;
    }

    private static void assertVerifies(String python, byte[] message, boolean expected, String what) throws Exception {
        Process p = new ProcessBuilder(python, "-c", VERIFY, dnsRecord, SELECTOR + "._domainkey." + DOMAIN)
                .redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(message);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue() == 0).as("dkimpy verifies the message (" + what + "): expected " + expected + "\n" + output)
                .isEqualTo(expected);
    }

    /**
     * A Python with dkimpy (Debian: python3-dkim): the interpreter dkimverify runs under, then python3. Missing, the
     * verifying tests are skipped, except under CI=true, where they fail: CI must install the package.
     */
    private static String verifier() {
        List<String> candidates = new ArrayList<>();
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path script = Path.of(d.isEmpty() ? "." : d, "dkimverify");
            if (Files.isRegularFile(script)) {
                try {
                    String first = Files.readAllLines(script, StandardCharsets.ISO_8859_1).get(0);
                    if (first.startsWith("#!") && !first.contains("env ")) {
                        candidates.add(first.substring(2).strip().split("\\s+")[0]);
                    }
                } catch (IOException | IndexOutOfBoundsException ignored) {
                    // not readable: try the others
                }
            }
        }
        candidates.add("/usr/bin/python3");
        candidates.add("python3");
        for (String python : candidates) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import dkim").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return python;
                }
            } catch (IOException | InterruptedException ignored) {
                // not there: next
            }
        }
        String missing = "python3-dkim (dkimpy) is not installed, so DKIM signatures cannot be verified by an independent "
                + "implementation; install it with `apt-get install python3-dkim` (.ci/run does)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true: " + missing);
        }
        Assumptions.abort(missing);
        return null;
    }
}
