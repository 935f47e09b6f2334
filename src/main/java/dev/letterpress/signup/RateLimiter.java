package dev.letterpress.signup;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code limit} events per key in a sliding window, in memory. Per node: with several nodes behind a
 * load balancer the effective limit is the sum, which is still a bound. Keys are already hashed by the caller,
 * so no address or IP sits in the heap longer than a request.
 */
final class RateLimiter {
    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Long>> hits = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong lastPurge = new java.util.concurrent.atomic.AtomicLong();

    RateLimiter(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** Counts one event for {@code key}; false (and not counted) when the key is over its limit. */
    boolean tryAcquire(String key) {
        long now = clock.millis();
        long oldest = now - window.toMillis();
        boolean[] allowed = new boolean[1];
        hits.compute(key, (k, times) -> {
            Deque<Long> t = times == null ? new ArrayDeque<>() : times;
            while (!t.isEmpty() && t.peekFirst() <= oldest) {
                t.pollFirst();
            }
            if (t.size() < limit) {
                t.addLast(now);
                allowed[0] = true;
            }
            return t;
        });
        long last = lastPurge.get();
        if (hits.size() > 100_000 && now - last >= 1_000 && lastPurge.compareAndSet(last, now)) {
            // a flood of distinct keys: drop the expired ones rather than grow without bound, at most once a second
            // (a scan per request would make every request of the flood cost the whole map)
            hits.entrySet().removeIf(e -> e.getValue().isEmpty() || e.getValue().peekLast() <= oldest);
        }
        return allowed[0];
    }
}
