package dev.letterpress;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.letterpress.config.Config;
import dev.letterpress.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Shared helpers: free ports, a config over a temp directory, a GreenMail SMTP server, waiting. */
public final class TestSupport {
    private TestSupport() {}

    /**
     * A port free right now, below Linux's ephemeral range (32768-60999). A port from ServerSocket(0) comes from that
     * range, the same one outgoing connections (SMTP, JDBC, HTTP clients) take theirs from, so between this call and
     * the server's bind a client socket could take it ("Port already in use", seen in CI).
     */
    public static int freePort() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            try (ServerSocket s = new ServerSocket(port)) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new UncheckedIOException(new IOException("no free port found between 20000 and 32000"));
    }

    public static GreenMail greenMail() {
        GreenMail mail = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        return mail;
    }

    /** A config over {@code dir} sending to {@code smtpPort}, serving on a free port; extra keys override. */
    public static Config config(Path dir, int smtpPort, Map<String, String> extra) {
        int http = freePort();
        Map<String, String> m = new HashMap<>();
        m.put("data.dir", dir.toString());
        m.put("http.port", Integer.toString(http));
        m.put("public.base.url", "http://127.0.0.1:" + http);
        m.put("smtp.host", "127.0.0.1");
        m.put("smtp.port", Integer.toString(smtpPort));
        m.put("smtp.timeout", "10s");
        m.put("delivery.retry.initial", "1s");
        m.put("delivery.retry.max", "2s");
        m.put("delivery.poll", "1s");
        m.put("templates.dir", Path.of("templates").toAbsolutePath().toString());
        m.putAll(extra);
        return ConfigLoader.fromMap(m);
    }

    /** A list {@code listName} with {@code n} confirmed readers, reader0@example.com and on. */
    public static void importReaders(App app, String listName, int n) {
        var list = app.subscribers.createList(listName, null);
        StringBuilder csv = new StringBuilder("email\n");
        for (int i = 0; i < n; i++) {
            csv.append("reader").append(i).append("@example.com\n");
        }
        app.importer.importCsv(new java.io.StringReader(csv.toString()), "readers.csv", list,
                dev.letterpress.subscriber.Subscription.CONFIRMED, p -> { });
    }

    /** In {@code config}'s database: the list "Weekly" with {@code readers} readers and a campaign to it sent now; its id. */
    public static long campaignToReaders(Config config, String name, int readers) {
        try (App seed = App.create(config)) {
            importReaders(seed, "Weekly", readers);
            return seed.campaigns.create(name, demoIssue(), java.util.List.of("Weekly"), null);
        }
    }

    /** A copy of the project's templates in {@code target} (over any copy already there), for a test to edit. */
    public static void copyTemplates(Path target) throws IOException {
        Path source = Path.of("templates").toAbsolutePath();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(source.relativize(p).toString());
                if (java.nio.file.Files.isDirectory(p)) {
                    java.nio.file.Files.createDirectories(to);
                } else {
                    java.nio.file.Files.copy(p, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    public static String demoIssue() {
        try (InputStream in = TestSupport.class.getResourceAsStream("/demo/issue.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** The address of a received message's first recipient (without its name). */
    public static String recipient(jakarta.mail.internet.MimeMessage m) {
        try {
            return ((jakarta.mail.internet.InternetAddress) m.getAllRecipients()[0]).getAddress();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
