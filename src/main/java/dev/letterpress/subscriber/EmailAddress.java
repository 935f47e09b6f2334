package dev.letterpress.subscriber;

import java.util.Locale;
import java.util.regex.Pattern;

/** Pragmatic address validation: what a bulk sender can deliver to, not every RFC 5322 oddity. */
public final class EmailAddress {
    // local part: dot-atom characters; domain: labels of letters, digits and hyphens with a dot-separated TLD
    private static final Pattern VALID = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}");

    private EmailAddress() {}

    /** Returns null when valid, otherwise the reason. */
    public static String problem(String email) {
        if (email == null || email.isBlank()) {
            return "email is empty";
        }
        if (email.length() > 254) {
            return "email is longer than 254 characters";
        }
        if (!VALID.matcher(email).matches()) {
            return "'" + abbreviate(email) + "' is not a valid email address";
        }
        if (email.indexOf('@') > 64) {
            return "the part before @ is longer than 64 characters";
        }
        return null;
    }

    public static boolean isValid(String email) {
        return problem(email) == null;
    }

    /** The key that makes addresses unique case-insensitively. */
    public static String key(String email) {
        return email.toLowerCase(Locale.ROOT);
    }

    public static String domain(String email) {
        return key(email.substring(email.lastIndexOf('@') + 1));
    }

    private static String abbreviate(String s) {
        String oneLine = s.replaceAll("[\\r\\n\\t]", " ");
        return oneLine.length() <= 60 ? oneLine : oneLine.substring(0, 57) + "...";
    }
}
