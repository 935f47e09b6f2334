package dev.letterpress.delivery;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The bytes of one SMTP connection: commands are buffered until {@link #flush}, so several can go out in one
 * write (RFC 2920 pipelining); replies are read whole, multi-line ones included. A read that waits longer than
 * the timeout fails (the socket's SO_TIMEOUT); so does a write, which a watchdog ends by closing the socket, since
 * a receiver that stops reading would otherwise hold the sender forever. The watchdog looks at every open channel's
 * write deadline ten times a second: a write costs two field stores instead of scheduling and cancelling a task
 * (which woke the watchdog's thread twice per message, ~2 % of the sending process's CPU).
 */
final class SmtpChannel implements AutoCloseable {
    /** A server reply: its code and its full text, continuation lines joined by '\n'. */
    record Reply(int code, String text) {
        boolean is(int klass) {
            return code / 100 == klass;
        }
    }

    private static final long WATCH_EVERY_MS = 100;
    private static final Set<SmtpChannel> OPEN = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService WATCHDOG = watchdog();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final long timeoutMillis;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int limit;
    /** System.nanoTime() by which the write in progress must be done; 0 when none is. */
    private volatile long writeDeadline;
    private volatile boolean writeTimedOut;

    SmtpChannel(Socket socket, Duration timeout) throws IOException {
        this.socket = socket;
        this.timeoutMillis = timeout.toMillis();
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
        this.in = socket.getInputStream();
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        OPEN.add(this);
    }

    /** Buffers one command line (CRLF added). */
    void command(String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }

    /** Something that writes to the connection. */
    interface Writing {
        void to(SmtpDataStream data) throws IOException;
    }

    /**
     * Writes message data through a {@link SmtpDataStream}, ends it and sends everything buffered, all under the
     * write timeout.
     */
    void sendData(Writing writing) throws IOException {
        guarded(() -> {
            SmtpDataStream data = new SmtpDataStream(out);
            writing.to(data);
            data.finish();
            out.flush();
        });
    }

    /** Sends what is buffered; fails if the server takes longer than the timeout to take it. */
    void flush() throws IOException {
        guarded(out::flush);
    }

    private interface Io {
        void run() throws IOException;
    }

    private void guarded(Io io) throws IOException {
        writeDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis) | 1; // never 0
        try {
            io.run();
        } catch (SocketException e) {
            throw writeTimedOut ? new SocketException("write timed out after " + timeoutMillis + " ms") : e;
        } finally {
            writeDeadline = 0;
        }
    }

    /** The watchdog's round: closes each channel whose write is past its deadline. */
    private static void closeOverdueWrites() {
        long now = System.nanoTime();
        for (SmtpChannel c : OPEN) {
            long deadline = c.writeDeadline;
            if (deadline != 0 && now - deadline > 0) {
                c.writeTimedOut = true;
                c.close();
            }
        }
    }

    /** Reads one reply; a malformed one, the end of the stream or a timeout is an IOException. */
    Reply read() throws IOException {
        StringBuilder text = new StringBuilder(64);
        while (true) {
            String line = readLine();
            if (line.length() < 3 || !digits(line) || line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-') {
                throw new IOException("malformed SMTP reply: " + abbreviate(line));
            }
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(line);
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new Reply(Integer.parseInt(line.substring(0, 3)), text.toString());
            }
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = null;
        while (true) {
            if (pos == limit) {
                limit = in.read(buf);
                pos = 0;
                if (limit < 0) {
                    limit = 0;
                    throw new EOFException("the server closed the connection");
                }
            }
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            if (pos < limit) { // found the LF
                int end = pos > start && buf[pos - 1] == '\r' ? pos - 1 : pos;
                String tail = new String(buf, start, end - start, StandardCharsets.UTF_8);
                pos++;
                if (line == null) {
                    return tail;
                }
                String whole = line.append(tail).toString(); // the CR may have ended the previous read
                return whole.endsWith("\r") ? whole.substring(0, whole.length() - 1) : whole;
            }
            if (line == null) {
                line = new StringBuilder();
            }
            line.append(new String(buf, start, pos - start, StandardCharsets.UTF_8));
            if (line.length() > 4096) {
                throw new IOException("SMTP reply line longer than 4096 characters");
            }
        }
    }

    private static boolean digits(String line) {
        return Character.isDigit(line.charAt(0)) && Character.isDigit(line.charAt(1)) && Character.isDigit(line.charAt(2));
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    boolean isOpen() {
        return !socket.isClosed();
    }

    private void closeQuietly() {
        OPEN.remove(this);
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private static ScheduledExecutorService watchdog() {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "smtp-write-watchdog");
            t.setDaemon(true);
            return t;
        });
        s.scheduleWithFixedDelay(SmtpChannel::closeOverdueWrites, WATCH_EVERY_MS, WATCH_EVERY_MS, TimeUnit.MILLISECONDS);
        return s;
    }
}
