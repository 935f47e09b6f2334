package dev.letterpress;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A small but real SMTP receiver (RFC 5321 subset: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) whose reply to
 * RCPT is chosen per recipient by a rule, so tests can inject temporary and permanent failures.
 * The rule gets the address and how many times it was tried before, and returns a full reply ("250 OK"),
 * {@link #DROP} to close the connection without a word, or {@code STALL <ms> <reply>} to answer late.
 */
public final class FaultySmtpServer implements AutoCloseable {
    /** Messages accepted, one entry per recipient address. */
    public final List<String> delivered = new CopyOnWriteArrayList<>();
    /** The reply to every MAIL FROM (a test may make it a refusal of the sender). */
    public volatile String mailFromReply = "250 OK";
    /** Rule result: drop the connection instead of replying. */
    public static final String DROP = "DROP";
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final BiFunction<String, Integer, String> rcptRule;
    private final boolean pipelining;
    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "faulty-smtp");
        t.setDaemon(true);
        return t;
    });

    public FaultySmtpServer(BiFunction<String, Integer, String> rcptRule) throws IOException {
        this(rcptRule, true);
    }

    /** With {@code pipelining}, EHLO offers PIPELINING (RFC 2920), and clients that use it send MAIL, RCPT and DATA at once. */
    public FaultySmtpServer(BiFunction<String, Integer, String> rcptRule, boolean pipelining) throws IOException {
        this.rcptRule = rcptRule;
        this.pipelining = pipelining;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.submit(this::acceptLoop);
    }

    /** A receiver that accepts everyone, {@code millis} after each RCPT: slow enough for a test to stop a send midway. */
    public static FaultySmtpServer acceptingAfter(long millis) throws IOException {
        return new FaultySmtpServer((rcpt, before) -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "250 OK";
        });
    }

    public int port() {
        return server.getLocalPort();
    }

    public int attempts(String address) {
        AtomicInteger n = attempts.get(address);
        return n == null ? 0 : n.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                pool.submit(() -> session(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket socket) {
        try (socket; BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
             OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream())) {
            reply(out, "220 faulty.test ESMTP");
            String rcpt = null;
            boolean rcptOk = false;
            boolean mailOk = false;
            String line;
            while (true) {
                // RFC 2920: replies to pipelined commands go out together once no more input is waiting. One small
                // write per reply would, with Nagle's algorithm, wait for the client's delayed ACK (40 ms) each time.
                if (!in.ready()) {
                    out.flush();
                }
                if ((line = in.readLine()) == null) {
                    break;
                }
                String upper = line.toUpperCase();
                if (upper.startsWith("EHLO")) {
                    reply(out, "250-faulty.test\r\n" + (pipelining ? "250-PIPELINING\r\n" : "") + "250 8BITMIME");
                } else if (upper.startsWith("MAIL FROM")) {
                    String r = mailFromReply;
                    mailOk = r.startsWith("2");
                    reply(out, r);
                } else if (upper.startsWith("HELO") || upper.startsWith("NOOP")) {
                    reply(out, "250 OK");
                } else if (upper.startsWith("RSET")) {
                    rcpt = null;
                    rcptOk = false;
                    mailOk = false;
                    reply(out, "250 OK");
                } else if (upper.startsWith("RCPT TO") && !mailOk) {
                    reply(out, "503 5.5.1 Error: need MAIL command");
                } else if (upper.startsWith("RCPT TO")) {
                    rcpt = line.substring(line.indexOf('<') + 1, line.lastIndexOf('>'));
                    int before = attempts.computeIfAbsent(rcpt, k -> new AtomicInteger()).getAndIncrement();
                    String r = rcptRule.apply(rcpt, before);
                    if (r.equals(DROP)) {
                        return;
                    }
                    if (r.startsWith("STALL ")) {
                        out.flush(); // what was answered before stays answered; only this reply is late
                        String[] parts = r.split(" ", 3);
                        Thread.sleep(Long.parseLong(parts[1]));
                        r = parts[2];
                    }
                    rcptOk = r.startsWith("2");
                    reply(out, r);
                    if (r.startsWith("421")) {
                        out.flush();
                        return;
                    }
                } else if (upper.equals("DATA")) {
                    if (!rcptOk) {
                        reply(out, "554 5.5.1 no valid recipients");
                        continue;
                    }
                    reply(out, "354 go ahead");
                    out.flush();
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        // discard the message body
                    }
                    if (line == null) {
                        return; // the data never ended: nothing was delivered (a pipelining client that gave up)
                    }
                    delivered.add(rcpt);
                    mailOk = false;
                    rcptOk = false;
                    reply(out, "250 2.0.0 queued");
                } else if (upper.startsWith("QUIT")) {
                    reply(out, "221 bye");
                    out.flush();
                    return;
                } else {
                    reply(out, "502 5.5.2 command not implemented");
                }
            }
        } catch (IOException e) {
            // client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Buffers a reply; the session loop flushes when no more input is waiting. */
    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }
}
