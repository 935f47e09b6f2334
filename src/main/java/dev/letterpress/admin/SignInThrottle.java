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

    /**
     * Checks and counts an attempt in one step, before its password is checked: separately, parallel requests would
     * all pass the check during the quarter second of BCrypt before the first failure was counted. Returns the
     * attempt's stamp for {@link #succeeded}, or -1 when the attempt is refused unchecked.
     */
    synchronized long begin(String ip, String name) {
        if (count("u:" + ip + "\n" + name) >= LIMIT || count("ip:" + ip) >= IP_LIMIT) {
            return -1;
        }
        return record(ip, name);
    }

    private long record(String ip, String name) {
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
        return now;
    }

    /** A right password: the name's failures from this address are forgiven, and this attempt was not a failure. */
    synchronized void succeeded(String ip, String name, long stamp) {
        failures.remove("u:" + ip + "\n" + name);
        failures.computeIfPresent("ip:" + ip, (k, q) -> {
            q.removeLastOccurrence(stamp);
            return q.isEmpty() ? null : q;
        });
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
