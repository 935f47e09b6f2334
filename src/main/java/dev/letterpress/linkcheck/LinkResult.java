package dev.letterpress.linkcheck;

import java.time.Duration;
import java.util.List;

/**
 * What checking one link found. {@code hops} are the redirects followed, in order (each with the URL that
 * answered with it); {@code finalUrl} is where the chain ended; {@code status} is the last HTTP status, or 0 when
 * no answer came; {@code method} is the one that gave it (GET when HEAD was refused or failed).
 */
public record LinkResult(String url, Outcome outcome, int status, List<Hop> hops, String finalUrl, String method,
                         String detail, Duration elapsed) {
    public enum Outcome {
        OK, HTTP_ERROR, TIMEOUT, TLS_ERROR, CONNECTION_ERROR, REDIRECT_LOOP, TOO_MANY_REDIRECTS, BAD_URL
    }

    /** One redirect: {@code url} answered {@code status} and sent the checker to {@code location}. */
    public record Hop(String url, int status, String location) {}

    public LinkResult {
        hops = List.copyOf(hops);
    }

    public boolean broken() {
        return outcome != Outcome.OK;
    }

    public boolean redirected() {
        return !hops.isEmpty();
    }
}
