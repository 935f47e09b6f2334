package dev.letterpress.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one key at a time, the environment first, as the type it must have: a value that is not one stops start-up
 * with a message naming the key, the value (and the variable it came from) and what is allowed.
 */
final class ConfigValues {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final Properties values;
    private final Map<String, String> env;

    ConfigValues(Properties values, Map<String, String> env) {
        this.values = values;
        this.env = env;
    }

    String raw(String key) {
        String value = rawOrNull(key);
        if (value == null) {
            throw new IllegalStateException("no default for " + key);
        }
        return value;
    }

    String rawOrNull(String key) {
        String fromEnv = env.get(ConfigLoader.envName(key));
        String value = fromEnv != null ? fromEnv : values.getProperty(key);
        return value == null ? null : value.strip();
    }

    boolean bool(String key) {
        String v = raw(key).toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw bad(key, v, "true or false");
        }
        return v.equals("true");
    }

    double fraction(String key) {
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

    String nonEmpty(String key) {
        String v = raw(key);
        if (v.isEmpty()) {
            throw bad(key, v, "a non-empty value");
        }
        return v;
    }

    String singleLine(String key) {
        String v = nonEmpty(key);
        if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
            throw bad(key, v, "a single line of text");
        }
        return v;
    }

    int integer(String key, int min, int max) {
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

    Duration duration(String key) {
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

    <E extends Enum<E>> E choice(String key, Class<E> type) {
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

    ConfigException bad(String key, String value, String allowed) {
        String source = env.containsKey(ConfigLoader.envName(key)) ? " (from " + ConfigLoader.envName(key) + ")" : "";
        return new ConfigException("invalid configuration: " + key + " = '" + value + "'" + source + "; expected " + allowed);
    }
}
