package dev.letterpress.subscriber;

import java.util.Map;

/** A subscriber as the rest of the system sees them; attributes are free-form strings. */
public record Subscriber(long id, String email, String name, Map<String, String> attributes, String status) {
    /** The first word of the name, or null: mail templates greet with it and fall back when absent. */
    public String firstName() {
        if (name == null || name.isBlank()) {
            return null;
        }
        String trimmed = name.strip();
        int space = trimmed.indexOf(' ');
        return space < 0 ? trimmed : trimmed.substring(0, space);
    }
}
