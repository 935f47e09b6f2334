package dev.letterpress.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Defaults, file, environment, and a message naming key and value for every bad setting. */
class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void theDocumentedDefaultsLoad() {
        Config c = ConfigLoader.fromMap(Map.of());
        assertThat(c.smtp().host()).isEqualTo("localhost");
        assertThat(c.smtp().port()).isEqualTo(25);
        assertThat(c.smtp().security()).isEqualTo(Config.Security.NONE);
        assertThat(c.smtp().authenticates()).isFalse();
        assertThat(c.smtp().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.http().publicBaseUrl()).isEqualTo(URI.create("http://localhost:8080"));
        assertThat(c.sender().newsletterName()).isEqualTo("Build Notes");
        assertThat(c.sender().domain()).isEqualTo("localhost");
        assertThat(c.delivery().batchSize()).isEqualTo(100);
        assertThat(c.delivery().lease()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.delivery().retryInitial()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.delivery().retryMax()).isEqualTo(Duration.ofHours(4));
        assertThat(c.delivery().retryGiveUp()).isEqualTo(Duration.ofDays(4));
        assertThat(c.trackingSecret()).isEmpty();
        assertThat(c.db().url()).startsWith("jdbc:h2:retry:").contains(";AUTO_SERVER=TRUE");
        assertThat(c.db().isPostgres()).isFalse();
        assertThat(c.inbound().enabled()).isFalse();
        assertThat(c.inbound().port()).isEqualTo(993);
        assertThat(c.inbound().security()).isEqualTo(Config.Security.TLS);
        assertThat(c.inbound().poll()).isEqualTo(Duration.ofMinutes(1));
        // the same defaults without a file
        assertThat(ConfigLoader.load(dir.resolve("absent.properties"), false, Map.of())).isEqualTo(c);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            smtp.port            | 70000                   | an integer from 1 to 65535
            smtp.port            | abc                     | an integer from 1 to 65535
            smtp.port            | 0                       | an integer from 1 to 65535
            delivery.batch.size  | 0                       | an integer from 1 to 10000
            smtp.security        | ssl3                    | one of: none starttls tls
            smtp.pipelining      | sometimes               | true or false
            delivery.lease       | 5                       | a duration with a unit
            delivery.lease       | 0s                      | a duration greater than zero
            delivery.lease       | 5 minutes               | a duration with a unit
            public.base.url      | http://news.example.com | an absolute https URL
            public.base.url      | news.example.com        | an absolute https URL
            public.base.url      | https://x.example/?a=1  | an absolute https URL
            db.url               | jdbc:mysql://db/x       | a jdbc:h2: or jdbc:postgresql: URL
            newsletter.domain    | news example.com        | a domain name
            smtp.name            | Primary                 | a server name of lower-case letters
            smtp.name            | rate                    | a server name of lower-case letters
            smtp.servers         | primary                 | distinct names, none equal to smtp.name
            smtp.max.connections | 0                       | an integer from 1 to 256
            delivery.domain.limits | gmail.com=20          | comma-separated domain=N/s or domain=N/h
            delivery.domain.limits | gmail.com=0/s         | comma-separated domain=N/s or domain=N/h with N > 0
            inbound.imap.port    | 0                       | an integer from 1 to 65535
            bounce.address       | bounces                 | an email address
            unsubscribe.mailto   | a@b@c                   | an email address
            inbound.imap.security | imap4                  | one of: none starttls tls
            inbound.poll         | 1                       | a duration with a unit
            """)
    void aBadValueNamesKeyValueAndWhatIsAllowed(String key, String value, String allowed) {
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of(key, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key + " = '" + value + "'")
                .hasMessageContaining("expected " + allowed);
    }

    /*
     * Regression guard (this failed before the fix): ConfigLoader.duration parses "(\\d+)" with Long.parseLong and Duration.ofX without a range
     * check, so an oversized number escapes as NumberFormatException or ArithmeticException ("long overflow")
     * instead of a ConfigException naming the key.
     */
    @ParameterizedTest
    @CsvSource({"99999999999999999999s", "9999999999999999d", "999999999999999999m"})
    void anOversizedDurationIsAConfigError(String value) {
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("delivery.lease", value)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("delivery.lease = '" + value + "'");
    }

    @Test
    void retryMaxBelowRetryInitialIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("delivery.retry.initial", "10m", "delivery.retry.max", "5m")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("delivery.retry.max = '5m'").hasMessageContaining("delivery.retry.initial (10m)");
    }

    @Test
    void aShortTrackingSecretIsRefusedWithoutEchoingTheSecret() {
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("tracking.secret", "short")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tracking.secret")
                .hasMessageContaining("5 characters")
                .hasMessageContaining("at least 32 characters")
                .hasMessageNotContaining("short");
        assertThat(ConfigLoader.fromMap(Map.of("tracking.secret", "x".repeat(32))).trackingSecret()).hasSize(32);
    }

    @Test
    void localhostMayUseHttpAndATrailingSlashIsDropped() {
        assertThat(ConfigLoader.fromMap(Map.of("public.base.url", "http://127.0.0.1:9000/")).http().publicBaseUrl())
                .isEqualTo(URI.create("http://127.0.0.1:9000"));
        Config c = ConfigLoader.fromMap(Map.of("public.base.url", "https://news.example.com/letters"));
        assertThat(c.http().publicBaseUrl()).isEqualTo(URI.create("https://news.example.com/letters"));
        assertThat(c.sender().domain()).isEqualTo("news.example.com");
    }

    @Test
    void anUnknownKeyInTheFileIsRefused() throws IOException {
        Path file = write("smtp.host = mail.example.com\nsmtp.hots = typo.example.com\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, true, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'smtp.hots'")
                .hasMessageContaining(file.toString());
    }

    @Test
    void aBadValueInTheFileIsRefused() throws IOException {
        Path file = write("smtp.port = 70000\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, true, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("smtp.port = '70000'");
    }

    @Test
    void theFileOverridesDefaultsAndTheEnvironmentOverridesTheFile() throws IOException {
        Path file = write("smtp.host = file.example.com\nsmtp.port = 2525\nsmtp.security = starttls\n");
        Config fromFile = ConfigLoader.load(file, true, Map.of());
        assertThat(fromFile.smtp().host()).isEqualTo("file.example.com");
        assertThat(fromFile.smtp().port()).isEqualTo(2525);
        assertThat(fromFile.smtp().security()).isEqualTo(Config.Security.STARTTLS);

        Config withEnv = ConfigLoader.load(file, true, Map.of("LETTERPRESS_SMTP_HOST", "env.example.com",
                "LETTERPRESS_DELIVERY_BATCH_SIZE", "250", "UNRELATED", "x"));
        assertThat(withEnv.smtp().host()).isEqualTo("env.example.com");
        assertThat(withEnv.smtp().port()).isEqualTo(2525);
        assertThat(withEnv.delivery().batchSize()).isEqualTo(250);
    }

    @Test
    void aBadEnvironmentValueNamesTheVariable() throws IOException {
        Path file = write("smtp.port = 2525\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, true, Map.of("LETTERPRESS_SMTP_PORT", "99999")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("smtp.port = '99999'")
                .hasMessageContaining("LETTERPRESS_SMTP_PORT");
        // a bad value from the file does not blame the environment
        Path bad = write("smtp.port = 99999\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad, true, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageNotContaining("LETTERPRESS_");
    }

    @Test
    void poolServersInheritTheFirstServersSettingsAndDomainLimitsCombine() {
        Config c = ConfigLoader.fromMap(Map.of("smtp.host", "relay1.example.com", "smtp.port", "2525", "smtp.rate.per.second", "50",
                "smtp.servers", "backup, bulk", "smtp.backup.host", "relay2.example.com", "smtp.bulk.host", "relay3.example.com",
                "smtp.bulk.port", "587", "smtp.bulk.security", "starttls", "smtp.bulk.rate.per.hour", "10000",
                "delivery.domain.limits", "Gmail.com=20/s, gmail.com=50000/h, yahoo.com=10/s"));
        assertThat(c.smtpServers()).extracting(Config.Smtp::name).containsExactly("primary", "backup", "bulk");
        Config.Smtp backup = c.smtpServer("backup").orElseThrow();
        assertThat(backup.port()).isEqualTo(2525);
        assertThat(backup.rate()).isEqualTo(new Config.Limit(50, 0));
        Config.Smtp bulk = c.smtpServer("bulk").orElseThrow();
        assertThat(bulk.port()).isEqualTo(587);
        assertThat(bulk.security()).isEqualTo(Config.Security.STARTTLS);
        assertThat(bulk.rate()).isEqualTo(new Config.Limit(50, 10000));
        assertThat(c.domainLimits()).containsEntry("gmail.com", new Config.Limit(20, 50000)).containsEntry("yahoo.com", new Config.Limit(10, 0));
    }

    @Test
    void aListedServerWithoutAHostIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("smtp.servers", "backup")))
                .hasMessageContaining("smtp.backup.host").hasMessageContaining("the host of server backup");
    }

    @Test
    void aKeyOfAServerNotInTheListIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("smtp.backup.host", "relay2.example.com")))
                .hasMessageContaining("smtp.backup.host").hasMessageContaining("add backup there");
    }

    @Test
    void envNameFollowsTheDocumentedRule() {
        assertThat(ConfigLoader.envName("smtp.host")).isEqualTo("LETTERPRESS_SMTP_HOST");
        assertThat(ConfigLoader.envName("delivery.retry.give.up")).isEqualTo("LETTERPRESS_DELIVERY_RETRY_GIVE_UP");
    }

    @Test
    void aMissingRequiredConfigFileFailsClearly() {
        Path missing = dir.resolve("nope.properties");
        assertThatThrownBy(() -> ConfigLoader.load(missing, true, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist")
                .hasMessageContaining("--config");
    }

    private Path write(String content) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "letterpress", ".properties"), content);
    }

    @Test
    void anInboundMailboxNeedsItsUserName() {
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("inbound.imap.host", "imap.example.com")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("inbound.imap.username = ''")
                .hasMessageContaining("the mailbox's IMAP user name");
    }
}
