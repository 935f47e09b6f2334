package dev.letterpress.subscriber;

import java.time.Instant;

/** One list membership with the when and how of the latest consent change. */
public record Subscription(long listId, String listName, String status, Instant consentAt, String consentSource) {
    public static final String UNCONFIRMED = "unconfirmed";
    public static final String CONFIRMED = "confirmed";
    public static final String UNSUBSCRIBED = "unsubscribed";
}
