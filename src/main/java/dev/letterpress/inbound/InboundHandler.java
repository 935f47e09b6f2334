package dev.letterpress.inbound;

import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import dev.letterpress.delivery.SendFailure;
import dev.letterpress.delivery.SoftBounces;
import dev.letterpress.subscriber.ConsentLog;
import dev.letterpress.subscriber.SubscriberStore;
import dev.letterpress.tracking.EventStore;
import dev.letterpress.tracking.Token;
import dev.letterpress.tracking.Tracker;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Acts on one inbound mail: a bounce report records a bounce (and suppresses the address when the status says it
 * is bad, as for a 5xx during the send), a complaint unsubscribes the reader from everything and suppresses the
 * address, and a mail to the List-Unsubscribe mailto whose subject carries a valid unsubscribe token unsubscribes
 * from that list. Each is acted on only once it is proven to be about our mail: a report must quote the exact
 * Message-ID the ledger recorded for that reader (its random part cannot be guessed), and a token must verify.
 * Anything else is {@link Outcome#NOT_OURS} and is left for a person. Acting twice on the same mail changes nothing.
 */
final class InboundHandler {
    enum Outcome { BOUNCE, DELAYED, COMPLAINT, UNSUBSCRIBE, NOT_OURS }

    record Result(Outcome outcome, String detail) {
        /** Ours and dealt with: the mail can go. */
        boolean handled() {
            return outcome != Outcome.NOT_OURS;
        }
    }

    /** Our Message-IDs: {@code <campaign.subscriber.random@domain>} (MailComposer). */
    private static final Pattern OUR_MESSAGE_ID = Pattern.compile("<?(\\d{1,18})\\.(\\d{1,18})\\.([0-9a-z]{1,13})@[^>\\s]+>?");
    /** The List-Unsubscribe mailto's subject: {@code unsubscribe-<token>}, wherever a client put it in the subject. */
    private static final Pattern UNSUBSCRIBE_SUBJECT = Pattern.compile("unsubscribe-([A-Za-z0-9_-]{16,400})");

    private record Delivery(long campaign, long subscriber, String email) {}

    private final Jdbc jdbc;
    private final Sql sql = Sql.load("inbound");
    private final SubscriberStore subscribers;
    private final EventStore events;
    private final Tracker tracker;
    private final ConsentLog consent;
    private final SoftBounces softBounces;

    InboundHandler(Jdbc jdbc, SubscriberStore subscribers, EventStore events, Tracker tracker, ConsentLog consent, SoftBounces softBounces) {
        this.jdbc = jdbc;
        this.softBounces = softBounces;
        this.consent = consent;
        this.subscribers = subscribers;
        this.events = events;
        this.tracker = tracker;
    }

    Result handle(MimeMessage mail) throws MessagingException, IOException {
        Optional<Report> report = Report.of(mail);
        if (report.isPresent()) {
            return report.get().kind() == Report.Kind.COMPLAINT ? complaint(report.get()) : deliveryStatus(report.get());
        }
        String subject = mail.getSubject();
        Matcher m = UNSUBSCRIBE_SUBJECT.matcher(subject == null ? "" : subject);
        if (m.find()) {
            Optional<Token> token = tracker.verify(m.group(1), Token.Purpose.UNSUBSCRIBE);
            if (token.isPresent()) {
                boolean changed = tracker.unsubscribe(token.get(), false, "mailto");
                if (changed) {
                    consent.record(token.get().subscriber(), token.get().extra(), ConsentLog.Action.UNSUBSCRIBE,
                            "mailto (List-Unsubscribe): this list", null, null);
                }
                return new Result(Outcome.UNSUBSCRIBE, "subscriber #" + token.get().subscriber() + " from list #" + token.get().extra()
                        + (changed ? "" : " (already unsubscribed)"));
            }
            return new Result(Outcome.NOT_OURS, "an unsubscribe subject whose token does not verify");
        }
        return new Result(Outcome.NOT_OURS, "neither a report nor an unsubscribe request");
    }

    private Result deliveryStatus(Report report) {
        Optional<Delivery> d = delivery(report.messageId());
        if (d.isEmpty()) {
            return new Result(Outcome.NOT_OURS, "a delivery report about a message we did not send (" + report.messageId() + ")");
        }
        Delivery delivery = d.get();
        if (report.recipients().isEmpty()) {
            return new Result(Outcome.NOT_OURS, "a delivery report about campaign #" + delivery.campaign() + " without a readable recipient block");
        }
        Report.Recipient failed = report.recipients().stream().filter(Report.Recipient::failed).findFirst().orElse(null);
        if (failed == null) {
            // delayed (the relay keeps trying), delivered, relayed: nothing to record yet
            return new Result(Outcome.DELAYED, "campaign #" + delivery.campaign() + ", subscriber #" + delivery.subscriber() + ": "
                    + report.recipients().get(0).action());
        }
        String status = failed.status() == null ? "" : failed.status();
        SendFailure reason = new SendFailure(failed.code(), status + " " + (failed.diagnostic() == null ? "" : failed.diagnostic()), null);
        // Final-Recipient is the mailbox that failed; a forwarder's report names our reader only as Original-Recipient
        boolean sameAddress = delivery.email().equalsIgnoreCase(nullToEmpty(failed.finalRecipient()));
        // cut to what the columns hold (suppressions.detail 1000, events.detail 1000): a long diagnostic must not fail the write
        String detail = cut("DSN from " + (report.reporter() == null ? "a relay" : cut(report.reporter(), 100)) + ": " + failed.code() + " "
                + cut(status, 20) + (sameAddress ? "" : " (for " + cut(failed.finalRecipient(), 320) + ", a forwarding address)")
                + (failed.diagnostic() == null ? "" : " " + failed.diagnostic()), 900);
        boolean first = jdbc.count(sql.get("event-recorded"), delivery.subscriber(), delivery.campaign(), "bounce") == 0;
        if (first) {
            events.record(EventStore.Kind.BOUNCE, delivery.campaign(), delivery.subscriber(), null, detail, null);
        }
        // the address is suppressed only when the report is about that address: a bounce at a forwarding target
        // says nothing certain about the subscriber's own mailbox
        if (reason.badAddress() && sameAddress) {
            subscribers.suppress(delivery.email(), "hard-bounce", detail);
        } else if (first && sameAddress && SoftBounces.counts(reason)) {
            // a relay that gave up on a full mailbox: counted as the SMTP reply would have been, once per campaign
            // (not a campaign that has a bounce recorded already, by the send or an earlier report: reports come again
            // and out of order, and the send counted its own mailbox-full reply)
            softBounces.recordAndSuppress(subscribers, delivery.email(), delivery.campaign(), detail, true);
        }
        return new Result(Outcome.BOUNCE, "campaign #" + delivery.campaign() + ", subscriber #" + delivery.subscriber() + ": " + detail);
    }

    private Result complaint(Report report) {
        Optional<Delivery> d = delivery(report.messageId());
        if (d.isEmpty()) {
            return new Result(Outcome.NOT_OURS, "a feedback report about a message we did not send (" + report.messageId() + ")");
        }
        Delivery delivery = d.get();
        if ("not-spam".equals(report.feedbackType())) {
            return new Result(Outcome.DELAYED, "a not-spam report for campaign #" + delivery.campaign() + ": nothing to do");
        }
        // short enough for consent_source (500) with the campaign added
        String detail = "spam complaint (" + cut(report.feedbackType(), 40) + ") reported by "
                + (report.reporter() == null ? "a mailbox provider" : cut(report.reporter(), 100));
        if (jdbc.count(sql.get("event-recorded"), delivery.subscriber(), delivery.campaign(), "complaint") == 0) {
            events.record(EventStore.Kind.COMPLAINT, delivery.campaign(), delivery.subscriber(), null, detail, null);
        }
        int lists = subscribers.unsubscribeAll(delivery.subscriber(), detail + " (campaign #" + delivery.campaign() + ")");
        if (lists > 0) {
            events.record(EventStore.Kind.UNSUBSCRIBE, delivery.campaign(), delivery.subscriber(), null, "all lists via " + detail, null);
            consent.record(delivery.subscriber(), null, ConsentLog.Action.UNSUBSCRIBE, detail + ": everything", null, null);
        }
        subscribers.suppress(delivery.email(), "complaint", detail);
        return new Result(Outcome.COMPLAINT, "campaign #" + delivery.campaign() + ", subscriber #" + delivery.subscriber() + ": " + detail);
    }

    /** The delivery a Message-ID names, if the ledger sent exactly that id to that reader. */
    private Optional<Delivery> delivery(String messageId) {
        if (messageId == null) {
            return Optional.empty();
        }
        Matcher m = OUR_MESSAGE_ID.matcher(messageId.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        long campaign = Long.parseLong(m.group(1));
        long subscriber = Long.parseLong(m.group(2));
        String quoted = bare(messageId);
        return jdbc.one(sql.get("delivery-sent-as"), rs -> {
            String sent = rs.getString("message_id");
            return sent != null && bare(sent).equals(quoted) ? Optional.of(new Delivery(campaign, subscriber, rs.getString("email"))) : Optional.<Delivery>empty();
        }, campaign, subscriber).flatMap(x -> x);
    }

    private static String bare(String messageId) {
        String s = messageId.strip();
        return s.startsWith("<") && s.endsWith(">") ? s.substring(1, s.length() - 1) : s;
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
