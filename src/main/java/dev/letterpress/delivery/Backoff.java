package dev.letterpress.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter for temporary failures, and the age at which a recipient is given up. */
final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final Duration giveUp;

    Backoff(Duration initial, Duration max, Duration giveUp) {
        this.initial = initial;
        this.max = max;
        this.giveUp = giveUp;
    }

    /** When to try again after the {@code attempt}-th failure (1-based): initial × 2^(attempt-1), capped, ±20 %. */
    Instant next(Instant now, int attempt) {
        long base = initial.toMillis() << Math.min(20, Math.max(0, attempt - 1));
        long capped = Math.min(base, max.toMillis());
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return now.plusMillis((long) (capped * jitter));
    }

    /** True once the first failure is older than the give-up age (RFC 5321 §4.5.4.1: 4-5 days). */
    boolean expired(Instant firstFailure, Instant now) {
        return firstFailure != null && Duration.between(firstFailure, now).compareTo(giveUp) >= 0;
    }
}
