package dev.letterpress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A Letterpress node in its own JVM (`serve`), so a test can run several and kill one with SIGKILL. */
public final class NodeProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private NodeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** A properties file at {@code file} for node JVMs sharing {@code config}'s data, ports and templates, plus {@code settings}. */
    public static Path properties(Path file, dev.letterpress.config.Config config, java.util.Map<String, String> settings) throws IOException {
        StringBuilder p = new StringBuilder();
        p.append("data.dir = ").append(config.dataDir().toString().replace("\\", "\\\\")).append('\n');
        p.append("templates.dir = ").append(config.templatesDir().toString().replace("\\", "\\\\")).append('\n');
        p.append("smtp.host = 127.0.0.1\n");
        p.append("smtp.port = ").append(config.smtp().port()).append('\n');
        p.append("http.port = ").append(config.http().port()).append('\n');
        p.append("public.base.url = ").append(config.http().publicBaseUrl()).append('\n');
        settings.forEach((k, v) -> p.append(k).append(" = ").append(v).append('\n'));
        Files.writeString(file, p);
        return file;
    }

    /** Starts {@code letterpress --config file serve} on the test classpath and waits until it serves. */
    public static NodeProcess serve(Path config, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.letterpress.cli.Main", "--config", config.toString(), "serve"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        NodeProcess node = new NodeProcess(p, log);
        TestSupport.await("node to serve (log " + log + ")", Duration.ofSeconds(60), () -> {
            if (!p.isAlive()) {
                throw new AssertionError("node exited with " + p.exitValue() + ": " + node.output());
            }
            return node.output().contains("Letterpress is serving");
        });
        return node;
    }

    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGKILL: no shutdown hook, no last ledger write. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Sends SIGTERM without waiting for the process to exit. */
    public void signalTerm() {
        process.destroy();
    }

    /** The exit code, once the process has exited within {@code timeout}; -1 if it is still running. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** SIGTERM: the graceful stop. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
