package dev.letterpress.linkcheck;

import java.time.Duration;

/**
 * How politely and how long to check. {@code timeout} bounds each request until its response headers (connect
 * included); {@code concurrency} bounds requests in flight overall and {@code perHost} those to one host:port, so
 * an issue with fifty links to one site never opens fifty connections to it; {@code maxRedirects} bounds a chain.
 */
public record LinkCheckOptions(Duration timeout, int concurrency, int perHost, int maxRedirects, String userAgent) {
    public static final String USER_AGENT = "Letterpress-LinkCheck/0.1 (newsletter link preflight; one HEAD or GET per link)";

    public LinkCheckOptions {
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("link check timeout must be more than 0 and at most 5m, not " + timeout);
        }
        if (concurrency < 1 || concurrency > 64) {
            throw new IllegalArgumentException("link check concurrency must be 1..64, not " + concurrency);
        }
        if (perHost < 1 || perHost > concurrency) {
            throw new IllegalArgumentException("link check requests per host must be 1.." + concurrency + " (the concurrency), not " + perHost);
        }
        if (maxRedirects < 0 || maxRedirects > 50) {
            throw new IllegalArgumentException("link check max redirects must be 0..50, not " + maxRedirects);
        }
        if (userAgent == null || userAgent.isBlank()) {
            userAgent = USER_AGENT;
        }
    }

    /** 10 s per request, 8 at a time, 2 per host, 10 redirects. */
    public static LinkCheckOptions defaults() {
        return new LinkCheckOptions(Duration.ofSeconds(10), 8, 2, 10, USER_AGENT);
    }

    public LinkCheckOptions withTimeout(Duration t) {
        return new LinkCheckOptions(t, concurrency, perHost, maxRedirects, userAgent);
    }

    public LinkCheckOptions withConcurrency(int total, int host) {
        return new LinkCheckOptions(timeout, total, host, maxRedirects, userAgent);
    }

    public LinkCheckOptions withMaxRedirects(int n) {
        return new LinkCheckOptions(timeout, concurrency, perHost, n, userAgent);
    }
}
