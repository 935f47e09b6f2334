package dev.letterpress.signup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private Instant now = Instant.parse("2026-11-28T10:00:00Z");

    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void allowsTheLimitPerKeyInASlidingWindow() {
        RateLimiter limiter = new RateLimiter(3, Duration.ofHours(1), clock);
        assertThat(limiter.tryAcquire("a")).isTrue();
        now = now.plus(Duration.ofMinutes(20));
        assertThat(limiter.tryAcquire("a")).isTrue();
        assertThat(limiter.tryAcquire("a")).isTrue();
        assertThat(limiter.tryAcquire("a")).as("fourth within the hour").isFalse();
        assertThat(limiter.tryAcquire("b")).as("keys are independent").isTrue();
        now = now.plus(Duration.ofMinutes(41));
        assertThat(limiter.tryAcquire("a")).as("the first one has left the window").isTrue();
        assertThat(limiter.tryAcquire("a")).as("refusals were not counted, the others still are").isFalse();
    }

    @Test
    void ipv6AddressesAreLimitedByTheirSlash64AndIpv4ByTheAddress() {
        assertThat(Signup.network("2001:db8:1:2:aaaa::1")).isEqualTo(Signup.network("2001:db8:1:2:bbbb:cccc:dddd:eeee"))
                .isEqualTo("20010db800010002::/64");
        assertThat(Signup.network("2001:db8:1:3::1")).isNotEqualTo(Signup.network("2001:db8:1:2::1"));
        assertThat(Signup.network("198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(Signup.network(null)).isEmpty();
    }
}
