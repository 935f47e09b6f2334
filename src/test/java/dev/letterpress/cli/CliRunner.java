package dev.letterpress.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the command line in-process, through {@link Main#commandLine()}, and captures everything it prints: what
 * commands write to System.out/err and picocli's own writers. {@link #capture()} in a test's set-up,
 * {@link #restore()} in its tear-down.
 */
final class CliRunner {
    /** One command's exit code and everything it printed. */
    record Run(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
    private final ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();

    void capture() {
        System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
    }

    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    /** {@code letterpress --config CONFIG ARGS...} */
    Run run(Path config, String... args) {
        List<String> all = new ArrayList<>(List.of("--config", config.toString()));
        all.addAll(Arrays.asList(args));
        return execute(all.toArray(String[]::new));
    }

    /** {@code letterpress ARGS...}, exactly as given. */
    Run execute(String... args) {
        capturedOut.reset();
        capturedErr.reset();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        System.out.flush();
        System.err.flush();
        return new Run(code, capturedOut.toString(StandardCharsets.UTF_8) + out, capturedErr.toString(StandardCharsets.UTF_8) + err);
    }
}
