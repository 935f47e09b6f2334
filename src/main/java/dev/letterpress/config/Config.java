package dev.letterpress.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The whole configuration, validated once by {@link ConfigLoader} and immutable afterwards.
 * Every key is documented in config/letterpress.properties (unit and default).
 */
public record Config(
        Path dataDir,
        Db db,
        Http http,
        String trackingSecret,
        boolean trackingIndividual,
        Sender sender,
        Smtp smtp,
        java.util.List<Smtp> smtpServers,
        java.util.Map<String, Limit> domainLimits,
        Delivery delivery,
        Dkim dkim,
        int schedulerThreads,
        Path templatesDir,
        Demo demo,
        Signup signup,
        ApiLimits api,
        Duration adminSessionIdle,
        Inbound inbound) {

    public record Db(String url, String user, String password, int poolSize) {
        public boolean isPostgres() {
            return url.startsWith("jdbc:postgresql:");
        }
    }

    public record Http(String host, int port, URI publicBaseUrl) {}

    /** Who the mail is from; {@code bounceAddress}: the envelope sender (MAIL FROM), empty for the From address. */
    public record Sender(String newsletterName, String domain, String postalAddress, String unsubscribeMailto,
                         String feedbackIdSender, String bounceAddress) {}

    /** DKIM signing; {@code enabled()} is false when dkim.domain is empty. */
    public record Dkim(String domain, String selector, Path privateKey) {
        public boolean enabled() {
            return !domain.isEmpty();
        }
    }

    public enum Security { NONE, STARTTLS, TLS }

    /** One SMTP server of the pool: where it is, how many connections it may hold, and how fast it may be fed. */
    public record Smtp(String name, String host, int port, Security security, String username, String password, Duration timeout,
                       int maxConnections, Duration idleTimeout, Limit rate, boolean pipelining) {
        public boolean authenticates() {
            return !username.isEmpty();
        }

        /** The same server settings at another address (the demo's and tests' local catchers). */
        public Smtp at(String newHost, int newPort) {
            return new Smtp(name, newHost, newPort, Security.NONE, "", "", timeout, maxConnections, idleTimeout, rate, pipelining);
        }
    }

    /** A sending rate cap: at most perSecond messages in any second and perHour in any hour; 0 means no cap. */
    public record Limit(long perSecond, long perHour) {
        public static final Limit NONE = new Limit(0, 0);

        public boolean limited() {
            return perSecond > 0 || perHour > 0;
        }
    }

    public record Delivery(int batchSize, int connections, int messagesPerConnection, Duration lease,
                           Duration retryInitial, Duration retryMax, Duration retryGiveUp, double pauseErrorRate,
                           int pauseWindow, Duration poll) {}

    public record Demo(int smtpPort, int subscribers) {}

    /** The public subscribe form: who confirmation mail comes from, abuse limits, how long a confirm link lasts. */
    public record Signup(String senderEmail, int perIpPerHour, int perAddressPerDay, Duration confirmValidFor) {}

    /**
     * The mailbox that receives bounces (RFC 3464 reports), complaints (RFC 5965 feedback reports) and mail to the
     * List-Unsubscribe mailto address, read over IMAP every {@code poll}; {@code enabled()} is false when no host is set.
     */
    public record Inbound(String host, int port, Security security, String username, String password, String folder, Duration poll,
                          Duration timeout) {
        public boolean enabled() {
            return !host.isEmpty();
        }
    }

    /** Request body limits of the REST API under /api, in bytes: JSON bodies, and CSV uploads. */
    public record ApiLimits(int maxBodyBytes, int maxUploadBytes) {}

    /** A copy with another HTTP port and base URL (tests and the demo pick free ports). */
    public Config withHttp(Http newHttp) {
        return new Config(dataDir, db, newHttp, trackingSecret, trackingIndividual, sender, smtp, smtpServers, domainLimits, delivery, dkim,
                schedulerThreads, templatesDir, demo, signup, api, adminSessionIdle, inbound);
    }

    /** A copy whose only SMTP server is {@code newSmtp} (the demo's catcher). */
    public Config withSmtp(Smtp newSmtp) {
        return new Config(dataDir, db, http, trackingSecret, trackingIndividual, sender, newSmtp, java.util.List.of(newSmtp), domainLimits, delivery, dkim,
                schedulerThreads, templatesDir, demo, signup, api, adminSessionIdle, inbound);
    }

    /** The pool's server of that name, if configured. */
    public java.util.Optional<Smtp> smtpServer(String name) {
        return smtpServers.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
