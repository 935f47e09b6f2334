package dev.letterpress.cli;

import dev.letterpress.App;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What a {@code bench send} run sets up before it measures: the recipients, the templates, Postfix's programs. */
final class BenchSendSetup {
    private BenchSendSetup() {}

    /** N confirmed subscribers of the list, by batched SQL in chunks (the CSV importer is measured by bench import). */
    static void generate(App app, long listId, int n, String prefix) throws SQLException {
        int chunk = 50_000;
        try (Connection c = app.db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement subscribers = c.prepareStatement(
                    "INSERT INTO subscribers (email, email_key, name, attributes, status, created_at, updated_at) "
                            + "SELECT ? || X || '@bench.example.com', ? || X || '@bench.example.com', 'Reader ' || X, "
                            + "'{\"city\":\"City ' || MOD(X, 97) || '\",\"plan\":\"' || CASE WHEN MOD(X, 3) = 0 THEN 'pro' ELSE 'free' END || '\"}', "
                            + "'active', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM SYSTEM_RANGE(?, ?)");
                 PreparedStatement subscriptions = c.prepareStatement(
                         "INSERT INTO subscriptions (list_id, subscriber_id, status, consent_at, consent_source, updated_at) "
                                 + "SELECT ?, id, 'confirmed', CURRENT_TIMESTAMP, 'bench send', CURRENT_TIMESTAMP FROM subscribers WHERE id > ?")) {
                long lastId;
                try (var rs = c.createStatement().executeQuery("SELECT COALESCE(MAX(id), 0) FROM subscribers")) {
                    rs.next();
                    lastId = rs.getLong(1);
                }
                for (int from = 1; from <= n; from += chunk) {
                    subscribers.setString(1, prefix);
                    subscribers.setString(2, prefix);
                    subscribers.setLong(3, from);
                    subscribers.setLong(4, Math.min(n, from + chunk - 1L));
                    subscribers.executeUpdate();
                    subscriptions.setLong(1, listId);
                    subscriptions.setLong(2, lastId);
                    subscriptions.executeUpdate();
                    c.commit();
                    try (var rs = c.createStatement().executeQuery("SELECT MAX(id) FROM subscribers")) {
                        rs.next();
                        lastId = rs.getLong(1);
                    }
                }
            }
        }
    }

    /** The bundled templates with the compact layout and components over them, in {@code dir}. */
    static Path compactTemplates(Path dir) throws IOException {
        Path bundled = dev.letterpress.render.TemplateRoot.resolve(dir.resolve("none")).path();
        try (Stream<Path> files = Files.walk(bundled)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = dir.resolve(bundled.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        for (String name : List.of("email/layout/issue.ftlh", "email/lib/components.ftlh")) {
            try (var in = BenchSendSetup.class.getResourceAsStream("/bench/compact/" + name)) {
                Files.copy(in, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    static Path onPath(String program) {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(path == null ? List.of() : List.of(path.split(File.pathSeparator)));
        dirs.add("/usr/sbin"); // Debian installs smtp-sink there, often not on a user's PATH
        for (String d : dirs) {
            Path p = Path.of(d, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void awaitPort(String host, int port, Process process) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("smtp-sink exited with " + process.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("smtp-sink did not listen on " + host + ":" + port + " within 10 s");
    }
}
