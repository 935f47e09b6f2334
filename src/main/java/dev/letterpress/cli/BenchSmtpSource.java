package dev.letterpress.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Postfix's own load generator, {@code smtp-source}, sending as many messages of the same size over as many
 * reused connections into the same sink: what a C client that does nothing but SMTP reaches on this machine,
 * the reference the send target is stated against. Also reads a child process's CPU time, so the table can
 * show what the sink itself spent in each phase (it shares the machine with the sender).
 */
final class BenchSmtpSource {
    private BenchSmtpSource() {}

    static BenchSendCommand.Figures run(Path program, String host, int port, int messages, int connections, int messageBytes,
                                        Process sink) throws IOException, InterruptedException {
        double sink0 = cpuSeconds(sink);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(program.toString(), "-d", "-s", Integer.toString(connections), "-m", Integer.toString(messages),
                "-l", Integer.toString(messageBytes), "-f", "news@bench.example.com", "-t", "reader@bench.example.com", host + ":" + port)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int code = p.waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (code != 0) {
            System.out.printf("WARNING: smtp-source exited with %d%n", code);
        }
        return new BenchSendCommand.Figures("postfix smtp-source", messages, seconds, seconds, Double.NaN, Double.NaN, 0)
                .withSinkCpu(cpuSeconds(sink) - sink0);
    }

    /** User plus system CPU seconds of a running process, from /proc (Linux); NaN when unknown. */
    static double cpuSeconds(Process p) {
        if (p == null) {
            return Double.NaN;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            // fields after the command name, which is in parentheses and may hold spaces: state is the first,
            // utime and stime (clock ticks, 100 a second on Linux) the 12th and 13th
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
