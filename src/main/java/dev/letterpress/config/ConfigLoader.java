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
    /** The keys of a pool server named in smtp.servers: smtp.NAME.host and so on. */
    private static final Pattern SERVER_KEY = Pattern.compile(
            "smtp\\.([a-z][a-z0-9-]{0,31})\\.(host|port|security|username|password|timeout|max\\.connections|idle\\.timeout|rate\\.per\\.second|rate\\.per\\.hour|pipelining)");
    private static final java.util.Set<String> RESERVED_NAMES = java.util.Set.of(
            "host", "port", "security", "username", "password", "timeout", "max", "idle", "rate", "name", "servers", "pipelining");
    private static final Pattern DOMAIN_LIMIT = Pattern.compile("([a-z0-9.-]+\\.[a-z]{2,})\\s*=\\s*(\\d{1,9})\\s*/\\s*(s|h)");

    private final Properties values;
    /** Typed, validated reads of single keys. */
    private final ConfigValues read;

    private ConfigLoader(Properties values, Map<String, String> env) {
        this.values = values;
        this.read = new ConfigValues(values, env);
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
        if (!props.containsKey(key) && !SERVER_KEY.matcher(key).matches()) {
            throw new ConfigException(source + ": unknown key '" + key + "'; the known keys are documented in config/letterpress.properties");
        }
        props.setProperty(key, value);
    }

    public static String envName(String key) {
        return "LETTERPRESS_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private Config build() {
        Path dataDir = Path.of(read.nonEmpty("data.dir"));
        String dbUrl = read.raw("db.url");
        if (dbUrl.isEmpty()) {
            // AUTO_SERVER lets the CLI read and write while `serve` or `demo` holds the file. A bigger page cache than
            // H2's 16 MB makes index-heavy work such as imports faster, but H2 does not size it by the heap: 64 MB in a
            // 128 MB heap makes imports slower from GC alone. So an eighth of the heap, between 16 and 64 MB.
            // WRITE_DELAY=0 hands every commit to the OS at once (default: up to 500 ms later), so a killed process
            // loses no committed ledger outcome. QUERY_CACHE_SIZE: H2's 8 parsed statements per connection are fewer than
            // a send cycle uses, which re-parsed them (4 % of a sending thread); with 64, -6 % CPU per message.
            long cacheKb = Math.max(16 << 10, Math.min(64 << 10, Runtime.getRuntime().maxMemory() / 8 / 1024));
            // retry: reopens H2's file channel when a thread is interrupted inside file I/O. Without it, one interrupt
            // (Quartz interrupts its scheduler thread on shutdown, which may be reading the job store) closes the
            // channel and with it the whole database, and the scheduler then retries forever: a hang at shutdown.
            dbUrl = "jdbc:h2:retry:" + dataDir.toAbsolutePath().resolve("letterpress") + ";AUTO_SERVER=TRUE;CACHE_SIZE=" + cacheKb
                    + ";WRITE_DELAY=0;QUERY_CACHE_SIZE=64";
        } else if (!dbUrl.startsWith("jdbc:h2:") && !dbUrl.startsWith("jdbc:postgresql:")) {
            throw read.bad("db.url", dbUrl, "a jdbc:h2: or jdbc:postgresql: URL, or empty for the embedded H2 database");
        }
        var db = new Config.Db(dbUrl, read.raw("db.user"), read.raw("db.password"), read.integer("db.pool.size", 2, 200));

        URI base = baseUrl();
        var http = new Config.Http(read.nonEmpty("http.host"), read.integer("http.port", 0, 65535), base);

        String secret = read.raw("tracking.secret");
        // a comma-separated list, newest first (key rotation): every entry must be long enough on its own
        for (String one : secret.split(",")) {
            if (!one.isBlank() && one.strip().length() < 32) {
                throw read.bad("tracking.secret", "(a secret of " + one.strip().length() + " characters)",
                        "secrets of at least 32 characters each, newest first and comma-separated, or empty to generate one");
            }
        }
        boolean individual = read.bool("tracking.individual");
        String domain = read.raw("newsletter.domain");
        if (domain.isEmpty()) {
            domain = base.getHost();
        } else if (!domain.matches("[A-Za-z0-9.-]+")) {
            throw read.bad("newsletter.domain", domain, "a domain name such as news.example.com");
        }
        String mailto = address("unsubscribe.mailto", "unsubscribe@" + domain);
        String feedback = read.raw("feedback.id.sender");
        if (!feedback.matches("[A-Za-z0-9._-]{1,64}")) {
            throw read.bad("feedback.id.sender", feedback, "1 to 64 letters, digits, dots, dashes or underscores");
        }
        String bounce = address("bounce.address", "");
        var sender = new Config.Sender(read.singleLine("newsletter.name"), domain, read.singleLine("sender.postal.address"), mailto, feedback, bounce);

        var smtp = new Config.Smtp(serverName("smtp.name", read.raw("smtp.name")), read.nonEmpty("smtp.host"), read.integer("smtp.port", 1, 65535),
                read.choice("smtp.security", Config.Security.class), read.raw("smtp.username"), read.raw("smtp.password"),
                read.duration("smtp.timeout"), read.integer("smtp.max.connections", 1, 256), read.duration("smtp.idle.timeout"),
                new Config.Limit(read.integer("smtp.rate.per.second", 0, 1_000_000_000), read.integer("smtp.rate.per.hour", 0, 1_000_000_000)),
                read.bool("smtp.pipelining"));
        var servers = smtpServers(smtp);
        var domainLimits = domainLimits();

        var delivery = new Config.Delivery(read.integer("delivery.batch.size", 1, 10_000), read.integer("delivery.connections", 1, 64),
                read.integer("delivery.messages.per.connection", 1, 100_000), read.duration("delivery.lease"),
                read.duration("delivery.retry.initial"), read.duration("delivery.retry.max"), read.duration("delivery.retry.give.up"),
                read.fraction("delivery.pause.error.rate"), read.integer("delivery.pause.window", 10, 100_000), read.duration("delivery.poll"));
        if (delivery.retryMax().compareTo(delivery.retryInitial()) < 0) {
            throw read.bad("delivery.retry.max", read.raw("delivery.retry.max"), "a duration at least delivery.retry.initial (" + read.raw("delivery.retry.initial") + ")");
        }
        var dkim = dkim();
        var demo = new Config.Demo(read.integer("demo.smtp.port", 0, 65535), read.integer("demo.subscribers", 1, 1_000_000));
        var api = new Config.ApiLimits(read.integer("api.max.body.bytes", 1024, 100 << 20), read.integer("api.max.upload.bytes", 1024, Integer.MAX_VALUE));
        return new Config(dataDir, db, http, secret, individual, sender, smtp, servers, domainLimits, delivery, dkim, read.integer("scheduler.threads", 1, 50),
                Path.of(read.nonEmpty("templates.dir")), demo, signup(domain), api, adminSessionIdle(), inbound());
    }

    private Config.Inbound inbound() {
        var inbound = new Config.Inbound(read.raw("inbound.imap.host"), read.integer("inbound.imap.port", 1, 65535),
                read.choice("inbound.imap.security", Config.Security.class), read.raw("inbound.imap.username"), read.raw("inbound.imap.password"),
                read.nonEmpty("inbound.imap.folder"), read.duration("inbound.poll"), read.duration("inbound.imap.timeout"));
        if (inbound.enabled() && inbound.username().isEmpty()) {
            throw read.bad("inbound.imap.username", "", "the mailbox's IMAP user name (inbound.imap.host is set)");
        }
        return inbound;
    }

    /** An email address usable in headers and SMTP commands, or {@code fallback} when the key is empty. */
    private String address(String key, String fallback) {
        String v = read.raw(key);
        if (v.isEmpty()) {
            return fallback;
        }
        if (!v.matches("[^@\\s<>,]+@[A-Za-z0-9.-]+")) {
            throw read.bad(key, v, "an email address such as someone@news.example.com, or empty");
        }
        return v;
    }

    private Duration adminSessionIdle() {
        Duration idle = read.duration("admin.session.idle");
        if (idle.compareTo(Duration.ofMinutes(1)) < 0) {
            throw read.bad("admin.session.idle", read.raw("admin.session.idle"), "a duration of at least 1m");
        }
        return idle;
    }

    private Config.Signup signup(String domain) {
        String from = address("signup.sender.email", "newsletter@" + domain);
        return new Config.Signup(from, read.integer("signup.limit.per.ip", 1, 100_000), read.integer("signup.limit.per.address", 1, 1000),
                read.duration("signup.confirm.valid"));
    }

    private String serverName(String key, String name) {
        if (!name.matches("[a-z][a-z0-9-]{0,31}") || RESERVED_NAMES.contains(name)) {
            throw read.bad(key, name, "a server name of lower-case letters, digits and dashes (up to 32, starting with a letter),"
                    + " other than " + new java.util.TreeSet<>(RESERVED_NAMES));
        }
        return name;
    }

    /** The first server, then those named in smtp.servers; a key a server leaves out takes the first server's value. */
    private java.util.List<Config.Smtp> smtpServers(Config.Smtp first) {
        var out = new java.util.ArrayList<Config.Smtp>();
        out.add(first);
        for (String key : values.stringPropertyNames()) {
            Matcher m = SERVER_KEY.matcher(key);
            if (m.matches() && !RESERVED_NAMES.contains(m.group(1)) && !java.util.Arrays.asList(read.raw("smtp.servers").split("\\s*,\\s*")).contains(m.group(1))) {
                throw read.bad(key, read.raw(key), "a key of a server listed in smtp.servers ('" + read.raw("smtp.servers") + "'); add " + m.group(1) + " there");
            }
        }
        String list = read.raw("smtp.servers");
        if (list.isEmpty()) {
            return java.util.List.copyOf(out);
        }
        for (String name : list.split("\\s*,\\s*")) {
            serverName("smtp.servers", name);
            if (out.stream().anyMatch(s -> s.name().equals(name))) {
                throw read.bad("smtp.servers", list, "distinct names, none equal to smtp.name ('" + first.name() + "')");
            }
            String p = "smtp." + name + ".";
            if (read.rawOrNull(p + "host") == null || read.rawOrNull(p + "host").isEmpty()) {
                throw read.bad(p + "host", "", "the host of server " + name + " (listed in smtp.servers)");
            }
            out.add(new Config.Smtp(name, read.raw(p + "host"),
                    inherit(p + "port") ? first.port() : read.integer(p + "port", 1, 65535),
                    inherit(p + "security") ? first.security() : read.choice(p + "security", Config.Security.class),
                    inherit(p + "username") ? first.username() : read.raw(p + "username"),
                    inherit(p + "password") ? first.password() : read.raw(p + "password"),
                    inherit(p + "timeout") ? first.timeout() : read.duration(p + "timeout"),
                    inherit(p + "max.connections") ? first.maxConnections() : read.integer(p + "max.connections", 1, 256),
                    inherit(p + "idle.timeout") ? first.idleTimeout() : read.duration(p + "idle.timeout"),
                    new Config.Limit(inherit(p + "rate.per.second") ? first.rate().perSecond() : read.integer(p + "rate.per.second", 0, 1_000_000_000),
                            inherit(p + "rate.per.hour") ? first.rate().perHour() : read.integer(p + "rate.per.hour", 0, 1_000_000_000)),
                    inherit(p + "pipelining") ? first.pipelining() : read.bool(p + "pipelining")));
        }
        return java.util.List.copyOf(out);
    }

    private boolean inherit(String key) {
        return read.rawOrNull(key) == null;
    }

    private java.util.Map<String, Config.Limit> domainLimits() {
        String v = read.raw("delivery.domain.limits");
        var perSecond = new java.util.TreeMap<String, Long>();
        var perHour = new java.util.TreeMap<String, Long>();
        if (!v.isEmpty()) {
            for (String part : v.toLowerCase(Locale.ROOT).split("\\s*,\\s*")) {
                Matcher m = DOMAIN_LIMIT.matcher(part);
                if (!m.matches() || Long.parseLong(m.group(2)) == 0) {
                    throw read.bad("delivery.domain.limits", v, "comma-separated domain=N/s or domain=N/h with N > 0, e.g. gmail.com=20/s, gmail.com=50000/h"
                            + " ('" + part + "' is not)");
                }
                (m.group(3).equals("s") ? perSecond : perHour).put(m.group(1), Long.parseLong(m.group(2)));
            }
        }
        var out = new java.util.TreeMap<String, Config.Limit>();
        var domains = new java.util.TreeSet<String>(perSecond.keySet());
        domains.addAll(perHour.keySet());
        for (String d : domains) {
            out.put(d, new Config.Limit(perSecond.getOrDefault(d, 0L), perHour.getOrDefault(d, 0L)));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    private Config.Dkim dkim() {
        String domain = read.raw("dkim.domain");
        String selector = read.raw("dkim.selector");
        String key = read.raw("dkim.private.key");
        if (domain.isEmpty()) {
            return new Config.Dkim("", selector, null);
        }
        if (!domain.matches("[A-Za-z0-9.-]+\\.[A-Za-z]{2,}")) {
            throw read.bad("dkim.domain", domain, "the signing domain, such as news.example.com, or empty to not sign");
        }
        if (!selector.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw read.bad("dkim.selector", selector, "a DNS label such as letterpress or s2026");
        }
        if (key.isEmpty() || !Files.isReadable(Path.of(key))) {
            throw read.bad("dkim.private.key", key, "a readable PKCS#8 private key file (PEM or DER) when dkim.domain is set");
        }
        return new Config.Dkim(domain, selector, Path.of(key));
    }

    private URI baseUrl() {
        String value = read.nonEmpty("public.base.url");
        String allowed = "an absolute https URL such as https://news.example.com (http only for localhost)";
        URI uri;
        try {
            uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
        } catch (URISyntaxException e) {
            throw read.bad("public.base.url", value, allowed);
        }
        if (uri.getHost() == null || uri.getScheme() == null || uri.getQuery() != null || uri.getFragment() != null) {
            throw read.bad("public.base.url", value, allowed);
        }
        String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        boolean local = uri.getHost().equalsIgnoreCase("localhost") || uri.getHost().equals("127.0.0.1");
        if (!scheme.equals("https") && !(scheme.equals("http") && local)) {
            throw read.bad("public.base.url", value, allowed);
        }
        return uri;
    }
}
