package dev.letterpress.cli;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Postfix's own load generator, {@code smtp-source}, sending as many messages of the same size over as many
 * reused connections into the same sink: what a C client that does nothing but SMTP reaches on this machine,
 * the reference the send target is stated against.
 */
final class BenchSmtpSource {
    private BenchSmtpSource() {}

    static BenchSendCommand.Figures run(Path program, String host, int port, int messages, int connections, int messageBytes,
                                        Process sink) throws IOException, InterruptedException {
        double sink0 = BenchMeter.cpuSeconds(sink);
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
                .withSinkCpu(BenchMeter.cpuSeconds(sink) - sink0);
    }
}
