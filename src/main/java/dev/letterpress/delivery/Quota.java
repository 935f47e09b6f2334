package dev.letterpress.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One batch's share of the rate limits. Tokens are fetched in chunks sized to what the rest of the batch needs,
 * so the shared buckets are asked once per chunk rather than once per message. A recipient whose domain is over
 * its cap waits in the ledger ({@link Ledger.Throttled}); when the server itself is over its cap the rest of the
 * batch is handed back untried and the sweep rests until the bucket refills.
 */
final class Quota {
    /** What to record instead of sending, or null: the message may go now. */
    sealed interface Verdict permits Wait, Rest {}

    /** The recipient's domain is over its cap until {@code until}. */
    record Wait(Instant until, String why) implements Verdict {}

    /** The server is over its cap until {@code until}: stop this batch. */
    record Rest(Instant until, String why) implements Verdict {}

    private final RateLimits limits;
    private final Duration maxWait;
    private final Map<String, Integer> domainLeft = new HashMap<>();
    private final Map<String, Integer> domainTokens = new HashMap<>();
    private final Map<String, Instant> domainBlocked = new HashMap<>();
    private String server;
    private int serverTokens;

    Quota(RateLimits limits, List<Ledger.Recipient> batch, Duration maxWait) {
        this.limits = limits;
        this.maxWait = maxWait;
        for (Ledger.Recipient r : batch) {
            String d = limits.cappedDomain(r.subscriber().email());
            if (d != null) {
                domainLeft.merge(d, 1, Integer::sum);
            }
        }
    }

    /**
     * Takes the tokens one message to {@code recipient} over {@code toServer} needs, or says why it must wait.
     * {@code leftInBatch} counts this message and those after it.
     */
    Verdict admit(String toServer, String recipient, int leftInBatch) {
        String domain = limits.cappedDomain(recipient);
        if (domain != null) {
            domainLeft.merge(domain, -1, Integer::sum);
            Instant blocked = domainBlocked.get(domain);
            if (blocked != null) {
                return new Wait(blocked, "rate limit: " + domain);
            }
            if (domainTokens.getOrDefault(domain, 0) == 0) {
                RateLimits.Grant g = limits.domain(domain, domainLeft.get(domain) + 1, maxWait);
                if (g.granted() == 0) {
                    domainBlocked.put(domain, g.retryAt());
                    return new Wait(g.retryAt(), "rate limit: " + domain);
                }
                domainTokens.put(domain, g.granted());
            }
            domainTokens.merge(domain, -1, Integer::sum);
        }
        if (limits.limitsServer(toServer)) {
            if (!toServer.equals(server)) {
                server = toServer; // tokens belong to one server's bucket
                serverTokens = 0;
            }
            if (serverTokens == 0) {
                RateLimits.Grant g = limits.server(toServer, leftInBatch, maxWait);
                if (g.granted() == 0) {
                    return new Rest(g.retryAt(), "rate limit: SMTP server " + toServer);
                }
                serverTokens = g.granted();
            }
            serverTokens--;
        }
        return null;
    }
}
