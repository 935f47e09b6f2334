package dev.letterpress.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the bundled defaults, then the config file, then LETTERPRESS_* environment variables, and
 * validates every value once. A bad value stops start-up with a message naming key, value and what is allowed.
 */
public final class ConfigLoader {
    private static final String DEFAULTS = "/defaults/letterpress.properties";
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final Properties values;
    private final Map<String, String> env;

    private ConfigLoader(Properties values, Map<String, String> env) {
        this.values = values;
        this.env = env;
    }

    /** Loads defaults, then {@code file} if it exists (it must exist when {@code required}), then the environment. */
    public static Config load(Path file, boolean required, Map<String, String> env) {
        Properties props = defaults();
        if (file != null && Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                Properties fromFile = new Properties();
                fromFile.load(r);
                for (String key : fromFile.stringPropertyNames()) {
                    override(props, key, fromFile.getProperty(key), file.toString());
                }
            } catch (IOException e) {
                throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
            }
        } else if (required) {
            throw new ConfigException("config file " + file + " does not exist; pass an existing file to --config");
        }
        return new ConfigLoader(props, env).build();
    }

    /** Defaults overridden by the given keys, without file or environment (tests, the demo). */
    public static Config fromMap(Map<String, String> overrides) {
        Properties props = defaults();
        overrides.forEach((k, v) -> override(props, k, v, "overrides"));
        return new ConfigLoader(props, Map.of()).build();
    }

    private static Properties defaults() {
        Properties props = new Properties();
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException("bundled " + DEFAULTS + " is missing from the jar");
            }
            props.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled defaults", e);
        }
        return props;
    }

    private static void override(Properties props, String key, String value, String source) {
        if (!props.containsKey(key)) {
            throw new ConfigException(source + ": unknown key '" + key + "'; the known keys are documented in config/letterpress.properties");
        }
        props.setProperty(key, value);
    }

    public static String envName(String key) {
        return "LETTERPRESS_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private String raw(String key) {
        String fromEnv = env.get(envName(key));
        String value = fromEnv != null ? fromEnv : values.getProperty(key);
        if (value == null) {
            throw new IllegalStateException("no default for " + key);
        }
        return value.strip();
    }

    private Config build() {
        Path dataDir = Path.of(nonEmpty("data.dir"));
        String dbUrl = raw("db.url");
        if (dbUrl.isEmpty()) {
            // AUTO_SERVER lets the CLI read and write while `serve` or `demo` holds the file. A bigger page cache than
            // H2's 16 MB makes index-heavy work such as imports faster, but H2 does not size it by the heap: 64 MB in a
            // 128 MB heap makes imports slower from GC alone. So an eighth of the heap, between 16 and 64 MB.
            // WRITE_DELAY=0 hands every commit to the OS at once (default: up to 500 ms later), so a killed process
            // loses no committed ledger outcome.
            long cacheKb = Math.max(16 << 10, Math.min(64 << 10, Runtime.getRuntime().maxMemory() / 8 / 1024));
            dbUrl = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("letterpress") + ";AUTO_SERVER=TRUE;CACHE_SIZE=" + cacheKb
                    + ";WRITE_DELAY=0";
        } else if (!dbUrl.startsWith("jdbc:h2:") && !dbUrl.startsWith("jdbc:postgresql:")) {
            throw bad("db.url", dbUrl, "a jdbc:h2: or jdbc:postgresql: URL, or empty for the embedded H2 database");
        }
        var db = new Config.Db(dbUrl, raw("db.user"), raw("db.password"), integer("db.pool.size", 2, 200));

        URI base = baseUrl();
        var http = new Config.Http(nonEmpty("http.host"), integer("http.port", 0, 65535), base);

        String secret = raw("tracking.secret");
        if (!secret.isEmpty() && secret.length() < 32) {
            throw bad("tracking.secret", "(" + secret.length() + " characters)", "at least 32 characters, or empty to generate one");
        }
        String domain = raw("newsletter.domain");
        if (domain.isEmpty()) {
            domain = base.getHost();
        } else if (!domain.matches("[A-Za-z0-9.-]+")) {
            throw bad("newsletter.domain", domain, "a domain name such as news.example.com");
        }
        String mailto = raw("unsubscribe.mailto");
        if (mailto.isEmpty()) {
            mailto = "unsubscribe@" + domain;
        } else if (!mailto.matches("[^@\\s<>,]+@[A-Za-z0-9.-]+")) {
            throw bad("unsubscribe.mailto", mailto, "an email address such as unsubscribe@news.example.com, or empty");
        }
        String feedback = raw("feedback.id.sender");
        if (!feedback.matches("[A-Za-z0-9._-]{1,64}")) {
            throw bad("feedback.id.sender", feedback, "1 to 64 letters, digits, dots, dashes or underscores");
        }
        var sender = new Config.Sender(singleLine("newsletter.name"), domain, singleLine("sender.postal.address"), mailto, feedback);

        var smtp = new Config.Smtp(nonEmpty("smtp.host"), integer("smtp.port", 1, 65535),
                choice("smtp.security", Config.Security.class), raw("smtp.username"), raw("smtp.password"),
                duration("smtp.timeout"));

        var delivery = new Config.Delivery(integer("delivery.batch.size", 1, 10_000), integer("delivery.connections", 1, 64),
                integer("delivery.messages.per.connection", 1, 100_000), duration("delivery.lease"),
                duration("delivery.retry.initial"), duration("delivery.retry.max"), duration("delivery.retry.give.up"),
                fraction("delivery.pause.error.rate"), integer("delivery.pause.window", 10, 100_000), duration("delivery.poll"));
        if (delivery.retryMax().compareTo(delivery.retryInitial()) < 0) {
            throw bad("delivery.retry.max", raw("delivery.retry.max"), "a duration at least delivery.retry.initial (" + raw("delivery.retry.initial") + ")");
        }
        var dkim = dkim();
        var demo = new Config.Demo(integer("demo.smtp.port", 0, 65535), integer("demo.subscribers", 1, 1_000_000));
        return new Config(dataDir, db, http, secret, sender, smtp, delivery, dkim, integer("scheduler.threads", 1, 50),
                Path.of(nonEmpty("templates.dir")), demo);
    }

    private Config.Dkim dkim() {
        String domain = raw("dkim.domain");
        String selector = raw("dkim.selector");
        String key = raw("dkim.private.key");
        if (domain.isEmpty()) {
            return new Config.Dkim("", selector, null);
        }
        if (!domain.matches("[A-Za-z0-9.-]+\\.[A-Za-z]{2,}")) {
            throw bad("dkim.domain", domain, "the signing domain, such as news.example.com, or empty to not sign");
        }
        if (!selector.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw bad("dkim.selector", selector, "a DNS label such as letterpress or s2026");
        }
        if (key.isEmpty() || !Files.isReadable(Path.of(key))) {
            throw bad("dkim.private.key", key, "a readable PKCS#8 private key file (PEM or DER) when dkim.domain is set");
        }
        return new Config.Dkim(domain, selector, Path.of(key));
    }

    private double fraction(String key) {
        String v = raw(key);
        try {
            double d = Double.parseDouble(v);
            if (d >= 0.01 && d <= 1) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(key, v, "a number from 0.01 to 1");
    }

    private URI baseUrl() {
        String value = nonEmpty("public.base.url");
        String allowed = "an absolute https URL such as https://news.example.com (http only for localhost)";
        URI uri;
        try {
            uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
        } catch (URISyntaxException e) {
            throw bad("public.base.url", value, allowed);
        }
        if (uri.getHost() == null || uri.getScheme() == null || uri.getQuery() != null || uri.getFragment() != null) {
            throw bad("public.base.url", value, allowed);
        }
        String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        boolean local = uri.getHost().equalsIgnoreCase("localhost") || uri.getHost().equals("127.0.0.1");
        if (!scheme.equals("https") && !(scheme.equals("http") && local)) {
            throw bad("public.base.url", value, allowed);
        }
        return uri;
    }

    private String nonEmpty(String key) {
        String v = raw(key);
        if (v.isEmpty()) {
            throw bad(key, v, "a non-empty value");
        }
        return v;
    }

    private String singleLine(String key) {
        String v = nonEmpty(key);
        if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
            throw bad(key, v, "a single line of text");
        }
        return v;
    }

    private int integer(String key, int min, int max) {
        String v = raw(key);
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(key, v, "an integer from " + min + " to " + max);
    }

    private Duration duration(String key) {
        String v = raw(key);
        Matcher m = DURATION.matcher(v);
        if (!m.matches()) {
            throw bad(key, v, "a duration with a unit: ms, s, m, h or d (e.g. 30s, 15m, 4d)");
        }
        Duration d;
        try {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            if (d.compareTo(Duration.ofDays(3650)) > 0) {
                throw new ArithmeticException("too long");
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw bad(key, v, "a duration of at most 3650d");
        }
        if (d.isZero()) {
            throw bad(key, v, "a duration greater than zero");
        }
        return d;
    }

    private <E extends Enum<E>> E choice(String key, Class<E> type) {
        String v = raw(key);
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder("one of:");
            for (E c : type.getEnumConstants()) {
                allowed.append(' ').append(c.name().toLowerCase(Locale.ROOT));
            }
            throw bad(key, v, allowed.toString());
        }
    }

    private ConfigException bad(String key, String value, String allowed) {
        String source = env.containsKey(envName(key)) ? " (from " + envName(key) + ")" : "";
        return new ConfigException("invalid configuration: " + key + " = '" + value + "'" + source + "; expected " + allowed);
    }
}
