package dev.letterpress.delivery;

import dev.letterpress.config.Config;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several SMTP servers, each with its own pool of reused connections: at most {@code max.connections} open at
 * once per server on this node, recycled after {@code delivery.messages.per.connection} messages, closed when idle
 * longer than {@code idle.timeout}. A server that cannot be reached is marked down for a while (5 s, doubling up
 * to 5 min) and the next healthy one is used, so mail keeps flowing while one relay is out.
 */
public final class SmtpPool implements Mailer {
    private static final Logger log = LoggerFactory.getLogger(SmtpPool.class);
    static final Duration FIRST_DOWN = Duration.ofSeconds(5);
    static final Duration LONGEST_DOWN = Duration.ofMinutes(5);
    /** How long a caller waits for a free connection slot before trying the next server again. */
    private static final long SLOT_WAIT_MS = 50;

    /** One server: how to reach it, and the pool's state for it. */
    static final class Server {
        final String name;
        final Mailer transport;
        final Semaphore slots;
        final Duration idleTimeout;
        final Deque<Pooled> idle = new ArrayDeque<>();
        private Instant downUntil = Instant.MIN;
        private int failures;

        Server(String name, Mailer transport, int maxConnections, Duration idleTimeout) {
            this.name = name;
            this.transport = transport;
            this.slots = new Semaphore(maxConnections, true);
            this.idleTimeout = idleTimeout;
        }

        synchronized boolean healthy(Instant now) {
            return !now.isBefore(downUntil);
        }

        synchronized Instant downUntil() {
            return downUntil;
        }

        synchronized void failed(Instant now) {
            failures++;
            Duration wait = FIRST_DOWN.multipliedBy(1L << Math.min(failures - 1, 16));
            downUntil = now.plus(wait.compareTo(LONGEST_DOWN) > 0 ? LONGEST_DOWN : wait);
        }

        synchronized void succeeded() {
            failures = 0;
            downUntil = Instant.MIN;
        }
    }

    private final List<Server> servers;
    private final int messagesPerConnection;
    private final Clock clock;
    private final AtomicInteger next = new AtomicInteger();

    SmtpPool(List<Server> servers, int messagesPerConnection, Clock clock) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("an SMTP pool needs at least one server");
        }
        this.servers = List.copyOf(servers);
        this.messagesPerConnection = messagesPerConnection;
        this.clock = clock;
    }

    /**
     * The pool over every server in the config: {@link SmtpClient} (pipelining, pre-encoded bytes) for a server
     * reached without TLS, Jakarta Mail's transport ({@link SmtpMailer}) for one with TLS or STARTTLS.
     */
    public static SmtpPool fromConfig(Config config, Clock clock) {
        List<Server> servers = new ArrayList<>();
        for (Config.Smtp s : config.smtpServers()) {
            String bounces = config.sender().bounceAddress().isEmpty() ? null : config.sender().bounceAddress();
            Mailer transport = s.security() == Config.Security.NONE ? new SmtpClient(s, bounces) : new SmtpMailer(s, bounces);
            servers.add(new Server(s.name(), transport, s.maxConnections(), s.idleTimeout()));
        }
        return new SmtpPool(servers, config.delivery().messagesPerConnection(), clock);
    }

    @Override
    public Connection connect() throws SendFailure {
        return connect(null);
    }

    /**
     * A connection to the named server, or to any healthy one when {@code server} is null: servers are taken in
     * turn, skipping those marked down; a server that fails to connect is marked down and the next one is tried.
     */
    @Override
    public Connection connect(String server) throws SendFailure {
        List<Server> candidates = candidates(server);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        SendFailure last = null;
        while (true) {
            Instant now = clock.instant();
            boolean anyHealthy = false;
            int start = Math.floorMod(next.getAndIncrement(), candidates.size());
            for (int i = 0; i < candidates.size(); i++) {
                Server s = candidates.get((start + i) % candidates.size());
                if (!s.healthy(now)) {
                    continue;
                }
                anyHealthy = true;
                if (!s.slots.tryAcquire()) {
                    continue;
                }
                try {
                    return open(s);
                } catch (SendFailure f) {
                    s.slots.release();
                    last = f;
                    if (f.code() == 0 || f.code() == 421) {
                        s.failed(now);
                        log.warn("SMTP server {} is down until {}: {}", s.name, s.downUntil(), f.getMessage());
                    } else {
                        throw f; // the server answered (a 5xx greeting, an auth refusal): not a health matter
                    }
                }
            }
            if (!anyHealthy) {
                Server soonest = candidates.stream().min((a, b) -> a.downUntil().compareTo(b.downUntil())).orElseThrow();
                throw new SendFailure(0, "connection: no healthy SMTP server" + (server == null ? "" : " (campaign pinned to " + server + ")")
                        + "; " + soonest.name + " is retried after " + soonest.downUntil()
                        + (last == null ? "" : "; last error: " + last.getMessage()), last);
            }
            if (System.nanoTime() > deadline) {
                throw SendFailure.poolBusy("connection: every connection slot of the SMTP pool stayed busy for 60 s", last);
            }
            waitForSlot(candidates);
        }
    }

    private List<Server> candidates(String server) throws SendFailure {
        if (server == null) {
            return servers;
        }
        for (Server s : servers) {
            if (s.name.equals(server)) {
                return List.of(s);
            }
        }
        throw new SendFailure(0, "connection: no SMTP server named " + server + " in this node's smtp.servers", null);
    }

    private static void waitForSlot(List<Server> candidates) throws SendFailure {
        Server s = candidates.get(0);
        try {
            if (s.slots.tryAcquire(SLOT_WAIT_MS, TimeUnit.MILLISECONDS)) {
                s.slots.release(); // only waited for movement; the loop takes a slot in turn
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SendFailure(0, "connection: interrupted while waiting for an SMTP connection", e);
        }
    }

    /** Reuses an idle connection that is fresh and still open, or opens a new one. The caller holds a slot. */
    private Connection open(Server s) throws SendFailure {
        Instant now = clock.instant();
        while (true) {
            Pooled p;
            synchronized (s) {
                p = s.idle.pollFirst();
            }
            if (p == null) {
                break;
            }
            if (Duration.between(p.idleSince, now).compareTo(s.idleTimeout) < 0 && p.inner.isUsable()) {
                p.closed = false;
                return p;
            }
            p.inner.close();
        }
        Connection inner = s.transport.connect();
        s.succeeded();
        return new Pooled(s, inner);
    }

    /** Closes every idle connection (at shutdown). */
    public void closeIdle() {
        for (Server s : servers) {
            List<Pooled> drained;
            synchronized (s) {
                drained = new ArrayList<>(s.idle);
                s.idle.clear();
            }
            drained.forEach(p -> p.inner.close());
        }
    }

    /** Whether the named server is currently marked down (for status output and tests). */
    boolean isDown(String server) {
        Instant now = clock.instant();
        return servers.stream().anyMatch(s -> s.name.equals(server) && !s.healthy(now));
    }

    /** A borrowed connection: closing it hands it back to the pool, or really closes it when spent or broken. */
    private final class Pooled implements Connection {
        final Server server;
        final Connection inner;
        int sent;
        Instant idleSince;
        boolean closed;

        Pooled(Server server, Connection inner) {
            this.server = server;
            this.inner = inner;
        }

        @Override
        public String send(MimeMessage message, String recipient) throws SendFailure {
            try {
                String reply = inner.send(message, recipient);
                sent++;
                return reply;
            } catch (SendFailure f) {
                if (f.code() == 0 && !inner.isUsable() && servers.size() > 1) {
                    // dropped mid-conversation: steer new connections elsewhere for a while. With no elsewhere, a
                    // pause would only hold up the rest of the mail; the failed message has its own backoff.
                    server.failed(clock.instant());
                }
                throw f;
            }
        }

        @Override
        public boolean isUsable() {
            return inner.isUsable();
        }

        @Override
        public String server() {
            return server.name;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (sent < messagesPerConnection && inner.isUsable()) {
                    idleSince = clock.instant();
                    synchronized (server) {
                        server.idle.addFirst(this);
                    }
                } else {
                    inner.close();
                }
            } finally {
                server.slots.release();
            }
        }
    }
}
