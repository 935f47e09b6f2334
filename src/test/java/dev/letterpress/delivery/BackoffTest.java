package dev.letterpress.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Exponential backoff with ±20 % jitter, capped, and the give-up age. */
class BackoffTest {
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private final Backoff backoff = new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(30), Duration.ofDays(4));

    @Test
    void theWaitDoublesWithEveryAttemptWithinTwentyPercent() {
        long[] expectedMinutes = {1, 2, 4, 8, 16};
        for (int attempt = 1; attempt <= expectedMinutes.length; attempt++) {
            long base = Duration.ofMinutes(expectedMinutes[attempt - 1]).toMillis();
            for (int i = 0; i < 200; i++) {
                long wait = Duration.between(NOW, backoff.next(NOW, attempt)).toMillis();
                assertThat(wait).as("attempt " + attempt).isBetween((long) (base * 0.8), (long) (base * 1.2));
            }
        }
    }

    @Test
    void theWaitIsCappedAtMax() {
        long max = Duration.ofMinutes(30).toMillis();
        for (int attempt : new int[] {6, 7, 10, 21, 64, 1_000, Integer.MAX_VALUE}) {
            for (int i = 0; i < 50; i++) {
                long wait = Duration.between(NOW, backoff.next(NOW, attempt)).toMillis();
                assertThat(wait).as("attempt " + attempt).isBetween((long) (max * 0.8), (long) (max * 1.2));
            }
        }
    }

    @Test
    void attemptsBelowOneCountAsTheFirst() {
        long base = Duration.ofMinutes(1).toMillis();
        for (int attempt : new int[] {0, -5}) {
            long wait = Duration.between(NOW, backoff.next(NOW, attempt)).toMillis();
            assertThat(wait).isBetween((long) (base * 0.8), (long) (base * 1.2));
        }
    }

    @Test
    void theWaitIsJittered() {
        Set<Instant> distinct = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            distinct.add(backoff.next(NOW, 3));
        }
        // fifty draws over a ±48 s window: not all the same (spreads retries of a whole batch)
        assertThat(distinct.size()).isGreaterThan(10);
    }

    @Test
    void largeRealisticSettingsDoNotOverflow() {
        Backoff rfc = new Backoff(Duration.ofMinutes(30), Duration.ofHours(4), Duration.ofDays(4));
        long max = Duration.ofHours(4).toMillis();
        for (int attempt = 1; attempt <= 200; attempt++) {
            long wait = Duration.between(NOW, rfc.next(NOW, attempt)).toMillis();
            assertThat(wait).as("attempt " + attempt).isPositive().isLessThanOrEqualTo((long) (max * 1.2));
        }
    }

    @Test
    void expiresOnceTheFirstFailureIsGiveUpAgeOld() {
        Instant first = NOW.minus(Duration.ofDays(4));
        assertThat(backoff.expired(first, NOW)).isTrue();
        assertThat(backoff.expired(first.minusSeconds(1), NOW)).isTrue();
        assertThat(backoff.expired(first.plusMillis(1), NOW)).isFalse();
        assertThat(backoff.expired(NOW, NOW)).isFalse();
        // no failure yet: never expired
        assertThat(backoff.expired(null, NOW)).isFalse();
    }
}
