package dev.letterpress.admin;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: after {@value #LIMIT} failed sign-ins for one name from one address within
 * {@link #WINDOW}, or {@value #IP_LIMIT} from one address for any names, further attempts are refused unchecked
 * until the oldest failure leaves the window. In memory, per node: behind a load balancer the bound is the sum.
 */
final class SignInThrottle {
    static final int LIMIT = 5;
    static final int IP_LIMIT = 30;
    static final Duration WINDOW = Duration.ofMinutes(15);

    private final Clock clock;
    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    SignInThrottle(Clock clock) {
        this.clock = clock;
    }

    /** Whether another attempt may be checked now. */
    boolean allowed(String ip, String name) {
        return count("u:" + ip + "\n" + name) < LIMIT && count("ip:" + ip) < IP_LIMIT;
    }

    void failed(String ip, String name) {
        long now = clock.millis();
        for (String key : new String[] {"u:" + ip + "\n" + name, "ip:" + ip}) {
            failures.compute(key, (k, d) -> {
                Deque<Long> q = d == null ? new ArrayDeque<>() : d;
                q.addLast(now);
                return q;
            });
        }
        if (failures.size() > 100_000) {
            long oldest = now - WINDOW.toMillis();
            failures.entrySet().removeIf(e -> e.getValue().isEmpty() || e.getValue().peekLast() <= oldest);
        }
    }

    void succeeded(String ip, String name) {
        failures.remove("u:" + ip + "\n" + name);
    }

    private int count(String key) {
        long oldest = clock.millis() - WINDOW.toMillis();
        Deque<Long> d = failures.computeIfPresent(key, (k, q) -> {
            while (!q.isEmpty() && q.peekFirst() <= oldest) {
                q.pollFirst();
            }
            return q.isEmpty() ? null : q;
        });
        return d == null ? 0 : d.size();
    }
}
