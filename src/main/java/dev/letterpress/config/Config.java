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
        Sender sender,
        Smtp smtp,
        Delivery delivery,
        Dkim dkim,
        int schedulerThreads,
        Path templatesDir,
        Demo demo) {

    public record Db(String url, String user, String password, int poolSize) {
        public boolean isPostgres() {
            return url.startsWith("jdbc:postgresql:");
        }
    }

    public record Http(String host, int port, URI publicBaseUrl) {}

    public record Sender(String newsletterName, String domain, String postalAddress, String unsubscribeMailto,
                         String feedbackIdSender) {}

    /** DKIM signing; {@code enabled()} is false when dkim.domain is empty. */
    public record Dkim(String domain, String selector, Path privateKey) {
        public boolean enabled() {
            return !domain.isEmpty();
        }
    }

    public enum Security { NONE, STARTTLS, TLS }

    public record Smtp(String host, int port, Security security, String username, String password, Duration timeout) {
        public boolean authenticates() {
            return !username.isEmpty();
        }
    }

    public record Delivery(int batchSize, int connections, int messagesPerConnection, Duration lease,
                           Duration retryInitial, Duration retryMax, Duration retryGiveUp, double pauseErrorRate,
                           int pauseWindow, Duration poll) {}

    public record Demo(int smtpPort, int subscribers) {}

    /** A copy with another HTTP port and base URL (tests and the demo pick free ports). */
    public Config withHttp(Http newHttp) {
        return new Config(dataDir, db, newHttp, trackingSecret, sender, smtp, delivery, dkim, schedulerThreads, templatesDir, demo);
    }

    public Config withSmtp(Smtp newSmtp) {
        return new Config(dataDir, db, http, trackingSecret, sender, newSmtp, delivery, dkim, schedulerThreads, templatesDir, demo);
    }
}
