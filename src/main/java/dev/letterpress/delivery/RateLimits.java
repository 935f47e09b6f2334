package dev.letterpress.delivery;

import dev.letterpress.config.Config;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConfigurationBuilder;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The sending caps: per SMTP server (smtp[.N].rate.per.second / per.hour) and per recipient domain
 * (delivery.domain.limits), as bucket4j token buckets kept in the database, so the caps hold across nodes and
 * across restarts: a restarted node finds the buckets as drained as it left them, with no fresh burst.
 * Tokens are taken in chunks (at most one bucket's capacity) so a batch costs one database round trip per chunk,
 * not one per message.
 */
final class RateLimits {
    /** How many of the asked-for messages may go now; if fewer than asked, when to ask again. */
    record Grant(int granted, Instant retryAt) {}

    private final JdbcBuckets buckets;
    private final Map<String, Config.Limit> serverLimits = new ConcurrentHashMap<>();
    private final Map<String, Config.Limit> domainLimits;
    private final Map<String, Bucket> cache = new ConcurrentHashMap<>();
    private final Clock clock;
    /**
     * This node's configuration's version for bucket4j: a bucket stored with an older version takes this node's
     * limits (keeping its tokens, at most the new capacity), so a changed cap applies from the next start instead of
     * never. The start time orders versions: with differing configs on several nodes, the last one started wins.
     */
    private final long configVersion;

    RateLimits(DataSource ds, Config config, Clock clock) {
        this.configVersion = clock.millis();
        this.buckets = new JdbcBuckets(ds);
        for (Config.Smtp s : config.smtpServers()) {
            if (s.rate().limited()) {
                serverLimits.put(s.name(), s.rate());
            }
        }
        this.domainLimits = config.domainLimits();
        this.clock = clock;
    }

    boolean limitsServer(String server) {
        return serverLimits.containsKey(server);
    }

    /** The capped domain a recipient address falls under, or null. */
    String cappedDomain(String email) {
        if (domainLimits.isEmpty()) {
            return null;
        }
        String domain = email.substring(email.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        return domainLimits.containsKey(domain) ? domain : null;
    }

    /** Up to {@code wanted} messages to the server, waiting at most {@code maxWait} for tokens. */
    Grant server(String server, int wanted, Duration maxWait) {
        return take("server:" + server, serverLimits.get(server), wanted, maxWait);
    }

    /** Up to {@code wanted} messages to the domain, waiting at most {@code maxWait} for tokens. */
    Grant domain(String domain, int wanted, Duration maxWait) {
        return take("domain:" + domain, domainLimits.get(domain), wanted, maxWait);
    }

    private Grant take(String key, Config.Limit limit, int wanted, Duration maxWait) {
        if (limit == null || wanted <= 0) {
            return new Grant(Math.max(wanted, 0), null);
        }
        Bucket bucket = cache.computeIfAbsent(key, k -> buckets.builder()
                .withImplicitConfigurationReplacement(configVersion, TokensInheritanceStrategy.AS_IS)
                .build(k, () -> configuration(limit)));
        int chunk = (int) Math.min(wanted, capacity(limit));
        try {
            if (maxWait.isZero() || maxWait.isNegative() ? bucket.tryConsume(chunk) : bucket.asBlocking().tryConsume(chunk, maxWait)) {
                return new Grant(chunk, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Grant(0, clock.instant());
        }
        // the whole chunk is too far away: take what is there now, so an almost spent cap is still used up
        long got = bucket.tryConsumeAsMuchAsPossible(chunk);
        if (got > 0) {
            return new Grant((int) got, null);
        }
        long waitNanos = bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
        return new Grant(0, clock.instant().plusNanos(Math.max(waitNanos, 1_000_000)));
    }

    private static long capacity(Config.Limit limit) {
        if (limit.perSecond() > 0 && limit.perHour() > 0) {
            return Math.min(limit.perSecond(), limit.perHour());
        }
        return limit.perSecond() > 0 ? limit.perSecond() : limit.perHour();
    }

    static BucketConfiguration configuration(Config.Limit limit) {
        ConfigurationBuilder b = BucketConfiguration.builder();
        if (limit.perSecond() > 0) {
            b.addLimit(l -> l.capacity(limit.perSecond()).refillGreedy(limit.perSecond(), Duration.ofSeconds(1)));
        }
        if (limit.perHour() > 0) {
            b.addLimit(l -> l.capacity(limit.perHour()).refillGreedy(limit.perHour(), Duration.ofHours(1)));
        }
        return b.build();
    }
}
