package dev.letterpress.web;

import java.util.List;
import java.util.Map;

/** The demo's caught mail, as the demo page needs it (the demo implements it over GreenMail). */
public interface MailboxView {
    record Caught(int index, String to, String subject, String receivedAt) {}

    int total();

    List<Caught> first(int n);

    /** The HTML or text part of message {@code index}, or null if there is none. */
    String body(int index, boolean html);

    /** One row per campaign for the page's table: id, name, status and counts. */
    List<Map<String, Object>> campaigns();
}
