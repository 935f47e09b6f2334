package dev.letterpress.inbound;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A machine-readable report about a message we sent, read from a mail: a delivery status notification
 * (RFC 3464, {@code multipart/report; report-type=delivery-status}) or a feedback-loop complaint (RFC 5965 ARF,
 * {@code report-type=feedback-report}). Only the standard formats: free-text bounces some old MTAs still write are
 * not reports, and stay in the mailbox for a person.
 *
 * @param messageId the Message-ID of the message the report is about, from the returned headers or message
 *                  (the only part of the original a report reliably carries); null when absent
 * @param recipients for a DSN, its per-recipient blocks; empty for a complaint
 * @param feedbackType for a complaint, its Feedback-Type (abuse, fraud, not-spam...); null for a DSN
 */
record Report(Kind kind, String messageId, List<Recipient> recipients, String feedbackType, String reporter) {
    private static final Pattern REPLY_CODE = Pattern.compile("(?:^|[\\s;:])([245]\\d\\d)(?=[\\s-]|$)");

    enum Kind { DELIVERY_STATUS, COMPLAINT }

    /**
     * One recipient block of a DSN. {@code action}: failed, delayed, delivered, relayed or expanded (only failed
     * means the message will not arrive); {@code status}: the RFC 3463 code, e.g. 5.1.1; addresses without their
     * "rfc822;" type.
     */
    record Recipient(String finalRecipient, String originalRecipient, String action, String status, String diagnostic) {
        boolean failed() {
            return "failed".equals(action);
        }

        /**
         * The SMTP reply code in the diagnostic ("smtp; 550 5.1.1 ..."), else the status's class times 100. A code
         * of another class than the status is not the reply (Postfix writes "host mx[10.0.250.3] said: 550 ...").
         */
        int code() {
            int statusClass = status != null && !status.isEmpty() && Character.isDigit(status.charAt(0)) ? status.charAt(0) - '0' : 0;
            if (diagnostic != null) {
                Matcher m = REPLY_CODE.matcher(diagnostic);
                while (m.find()) {
                    int code = Integer.parseInt(m.group(1));
                    if (statusClass == 0 || code / 100 == statusClass) {
                        return code;
                    }
                }
            }
            return statusClass * 100;
        }
    }

    /** The report in {@code message}, if it is one. Malformed parts are skipped, never thrown about. */
    static Optional<Report> of(MimeMessage message) throws MessagingException, IOException {
        if (!message.isMimeType("multipart/report")) {
            return Optional.empty();
        }
        String type = new ContentType(message.getContentType()).getParameter("report-type");
        Kind kind;
        if ("delivery-status".equalsIgnoreCase(type)) {
            kind = Kind.DELIVERY_STATUS;
        } else if ("feedback-report".equalsIgnoreCase(type)) {
            kind = Kind.COMPLAINT;
        } else {
            return Optional.empty(); // e.g. disposition-notification (read receipts): nothing to act on
        }
        if (!(message.getContent() instanceof Multipart parts)) {
            return Optional.empty();
        }
        String messageId = null;
        List<Recipient> recipients = new ArrayList<>();
        String feedbackType = null;
        String reporter = null;
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart part = parts.getBodyPart(i);
            if (part.isMimeType("message/delivery-status")) {
                List<InternetHeaders> blocks = blocks(part);
                for (InternetHeaders block : blocks) {
                    if (reporter == null) {
                        reporter = value(block, "Reporting-MTA"); // a per-message field: the first block, normally
                    }
                    String action = value(block, "Action"); // per-recipient blocks are the ones with an Action
                    if (action != null) {
                        recipients.add(new Recipient(address(value(block, "Final-Recipient")), address(value(block, "Original-Recipient")),
                                action.toLowerCase(Locale.ROOT), value(block, "Status"), value(block, "Diagnostic-Code")));
                    }
                }
            } else if (part.isMimeType("message/feedback-report")) {
                List<InternetHeaders> blocks = blocks(part);
                if (!blocks.isEmpty()) {
                    String t = value(blocks.get(0), "Feedback-Type");
                    feedbackType = t == null ? null : t.toLowerCase(Locale.ROOT);
                    reporter = first(value(blocks.get(0), "Reporting-MTA"), value(blocks.get(0), "User-Agent"));
                }
            } else if (messageId == null && (part.isMimeType("text/rfc822-headers") || part.isMimeType("message/rfc822")
                    || part.isMimeType("message/rfc822-headers"))) {
                // the returned message or its headers: the first header block is the original's header
                try (InputStream in = new BufferedInputStream(part.getInputStream())) {
                    messageId = value(new InternetHeaders(in), "Message-ID");
                }
            }
        }
        if (kind == Kind.COMPLAINT && feedbackType == null) {
            return Optional.empty();
        }
        return Optional.of(new Report(kind, messageId, List.copyOf(recipients), feedbackType, reporter));
    }

    /** A DSN or ARF body: header-style field blocks separated by blank lines. */
    private static List<InternetHeaders> blocks(Part part) throws MessagingException, IOException {
        List<InternetHeaders> out = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(part.getInputStream())) {
            while (true) {
                in.mark(2);
                int next = in.read();
                if (next < 0) {
                    break;
                }
                in.reset();
                InternetHeaders block = new InternetHeaders(in); // reads up to and including the blank line after it
                if (block.getAllHeaderLines().hasMoreElements()) {
                    out.add(block);
                }
            }
        }
        return out;
    }

    private static String value(InternetHeaders headers, String name) {
        String v = headers.getHeader(name, null);
        // MimeUtility.unfold, not a regex: a crafted field of many thousand blanks must cost linear time
        return v == null ? null : jakarta.mail.internet.MimeUtility.unfold(v).strip();
    }

    /** "rfc822; someone@example.com" -> someone@example.com */
    private static String address(String field) {
        if (field == null) {
            return null;
        }
        int semi = field.indexOf(';');
        String a = (semi >= 0 ? field.substring(semi + 1) : field).strip();
        if (a.startsWith("<") && a.endsWith(">")) {
            a = a.substring(1, a.length() - 1);
        }
        return a.isEmpty() ? null : a;
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }
}
