package dev.letterpress.delivery;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal real SMTP receiver (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) that keeps every message exactly
 * as it crossed the wire: the DATA bytes with only the SMTP transparency undone (RFC 5321 §4.5.2: a leading dot
 * removed) and the terminating "." line dropped. Nothing is parsed or re-serialized.
 */
public final class RawSmtpServer implements AutoCloseable {
    /** One received message per DATA: the raw bytes, every line still ending in CRLF. */
    public final List<byte[]> messages = new CopyOnWriteArrayList<>();
    /** The RCPT TO addresses, in order. */
    public final List<String> recipients = new CopyOnWriteArrayList<>();
    /** Transactions whose RCPT had already arrived when MAIL was read: the client pipelined (RFC 2920). */
    public final AtomicInteger pipelinedTransactions = new AtomicInteger();
    private final boolean pipelining;
    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "raw-smtp");
        t.setDaemon(true);
        return t;
    });

    public RawSmtpServer() throws IOException {
        this(false);
    }

    /** With {@code pipelining}, EHLO offers PIPELINING. */
    public RawSmtpServer(boolean pipelining) throws IOException {
        this.pipelining = pipelining;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.submit(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
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
        try (socket; InputStream in = new BufferedInputStream(socket.getInputStream()); OutputStream out = socket.getOutputStream()) {
            reply(out, "220 raw.test ESMTP");
            byte[] line;
            while ((line = readLine(in)) != null) {
                String command = new String(line, StandardCharsets.US_ASCII).strip().toUpperCase();
                if (command.startsWith("EHLO")) {
                    reply(out, "250-raw.test\r\n" + (pipelining ? "250-PIPELINING\r\n" : "") + "250 SIZE 52428800");
                } else if (command.startsWith("MAIL FROM")) {
                    if (in.available() > 0) {
                        pipelinedTransactions.incrementAndGet();
                    }
                    reply(out, "250 OK");
                } else if (command.startsWith("RCPT TO")) {
                    recipients.add(command.substring(command.indexOf('<') + 1, command.lastIndexOf('>')).toLowerCase(java.util.Locale.ROOT));
                    reply(out, "250 OK");
                } else if (command.startsWith("HELO")
                        || command.startsWith("RSET") || command.startsWith("NOOP")) {
                    reply(out, "250 OK");
                } else if (command.equals("DATA")) {
                    reply(out, "354 go ahead");
                    ByteArrayOutputStream data = new ByteArrayOutputStream();
                    while ((line = readLine(in)) != null) {
                        if (line.length == 3 && line[0] == '.') { // ".\r\n"
                            break;
                        }
                        int skip = line.length > 0 && line[0] == '.' ? 1 : 0;
                        data.write(line, skip, line.length - skip);
                    }
                    messages.add(data.toByteArray());
                    reply(out, "250 2.0.0 kept");
                } else if (command.startsWith("QUIT")) {
                    reply(out, "221 bye");
                    return;
                } else {
                    reply(out, "502 5.5.2 command not implemented");
                }
            }
        } catch (IOException e) {
            // client went away
        }
    }

    /** One line including its CRLF (or whatever ended it), null at end of stream. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) >= 0) {
            line.write(c);
            if (c == '\n') {
                return line.toByteArray();
            }
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }
}
