package dev.letterpress.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal, fast SMTP sink for {@code bench send} when Postfix's smtp-sink is not installed: answers
 * EHLO/HELO/MAIL/RCPT/DATA/RSET/NOOP/QUIT, discards the data, one thread per connection, TCP_NODELAY.
 * Pipelined commands are answered together. It runs in the benchmark's own process, so it also keeps the
 * CPU time of its threads, for the benchmark to subtract.
 */
final class BenchSink implements AutoCloseable {
    private static final byte[] GREETING = ascii("220 sink.invalid ESMTP bench sink\r\n");
    private static final byte[] EHLO = ascii("250-sink.invalid\r\n250-PIPELINING\r\n250 SIZE 52428800\r\n");
    private static final byte[] OK = ascii("250 2.0.0 Ok\r\n");
    private static final byte[] DATA = ascii("354 End data with <CR><LF>.<CR><LF>\r\n");
    private static final byte[] QUEUED = ascii("250 2.0.0 Ok: queued\r\n");
    private static final byte[] BYE = ascii("221 2.0.0 Bye\r\n");
    private static final byte[] UNKNOWN = ascii("502 5.5.2 Error: command not recognized\r\n");

    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Thread> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong endedCpu = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private volatile boolean closed;

    BenchSink() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        acceptor = new Thread(this::accept, "bench-sink-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    long messages() {
        return messages.get();
    }

    /** CPU time used so far by the sink's connection threads. */
    long cpuNanos() {
        long sum = endedCpu.get();
        for (Thread t : live) {
            long n = threads.getThreadCpuTime(t.getId());
            if (n > 0) {
                sum += n;
            }
        }
        return sum;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                Thread t = new Thread(() -> serve(s), "bench-sink");
                t.setDaemon(true);
                live.add(t);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("bench sink: accept failed: " + e);
                }
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            Reader r = new Reader(in);
            byte[] reply = new byte[4096];
            int pending = 0;
            out.write(GREETING);
            out.flush();
            while (true) {
                int len = r.line();
                if (len < 0) {
                    return;
                }
                byte[] answer;
                String verb = r.verb();
                switch (verb) {
                    case "EHLO" -> answer = EHLO;
                    case "HELO", "MAIL", "RCPT", "RSET", "NOOP" -> answer = OK;
                    case "DATA" -> {
                        out.write(reply, 0, pending);
                        pending = 0;
                        out.write(DATA);
                        out.flush();
                        if (!r.skipData()) {
                            return;
                        }
                        messages.incrementAndGet();
                        answer = QUEUED;
                    }
                    case "QUIT" -> {
                        out.write(reply, 0, pending);
                        out.write(BYE);
                        out.flush();
                        return;
                    }
                    default -> answer = UNKNOWN;
                }
                if (pending + answer.length > reply.length) {
                    out.write(reply, 0, pending);
                    pending = 0;
                }
                System.arraycopy(answer, 0, reply, pending, answer.length);
                pending += answer.length;
                if (!r.buffered()) {
                    out.write(reply, 0, pending);
                    out.flush();
                    pending = 0;
                }
            }
        } catch (IOException e) {
            // client went away: nothing to do
        } finally {
            long cpu = threads.getThreadCpuTime(Thread.currentThread().getId());
            if (cpu > 0) {
                endedCpu.addAndGet(cpu);
            }
            live.remove(Thread.currentThread());
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Byte-level line reader with a DATA skipper that looks for CRLF.CRLF across buffer refills. */
    private static final class Reader {
        private final InputStream in;
        private final byte[] buf = new byte[64 * 1024];
        private int pos;
        private int lim;
        private final byte[] line = new byte[1024];
        private int lineLen;

        Reader(InputStream in) {
            this.in = in;
        }

        boolean buffered() {
            return pos < lim;
        }

        private boolean fill() throws IOException {
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                return false;
            }
            pos = 0;
            lim = n;
            return true;
        }

        /** Reads one command line (without CRLF); -1 at end of stream. */
        int line() throws IOException {
            lineLen = 0;
            while (true) {
                if (pos >= lim && !fill()) {
                    return -1;
                }
                byte b = buf[pos++];
                if (b == '\n') {
                    if (lineLen > 0 && line[lineLen - 1] == '\r') {
                        lineLen--;
                    }
                    return lineLen;
                }
                if (lineLen < line.length) {
                    line[lineLen++] = b;
                }
            }
        }

        String verb() {
            int n = 0;
            while (n < lineLen && n < 4 && line[n] != ' ') {
                n++;
            }
            char[] c = new char[n];
            for (int i = 0; i < n; i++) {
                c[i] = (char) Character.toUpperCase(line[i]);
            }
            return new String(c);
        }

        /** Discards message data up to and including the CRLF "." CRLF terminator. */
        boolean skipData() throws IOException {
            // state: how much of "\r\n.\r\n" has matched; the DATA line's own CRLF counts as the first "\r\n"
            int state = 2;
            while (true) {
                if (pos >= lim && !fill()) {
                    return false;
                }
                byte[] b = buf;
                int i = pos;
                int end = lim;
                while (i < end) {
                    byte c = b[i++];
                    switch (state) {
                        case 0 -> state = c == '\r' ? 1 : 0;
                        case 1 -> state = c == '\n' ? 2 : c == '\r' ? 1 : 0;
                        case 2 -> state = c == '.' ? 3 : c == '\r' ? 1 : 0;
                        case 3 -> state = c == '\r' ? 4 : 0;
                        case 4 -> {
                            if (c == '\n') {
                                pos = i;
                                return true;
                            }
                            state = c == '\r' ? 1 : 0;
                        }
                        default -> throw new IllegalStateException();
                    }
                }
                pos = end;
            }
        }
    }
}
