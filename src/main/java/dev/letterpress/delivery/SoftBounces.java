package dev.letterpress.delivery;

import dev.letterpress.db.DataException;
import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import dev.letterpress.subscriber.EmailAddress;
import dev.letterpress.subscriber.SubscriberStore;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Mailboxes that keep refusing mail for their state. A hard bounce (5.1.x, 5.2.1) suppresses at once; a mailbox
 * that is full (x.2.2) or otherwise unable to take mail for now (x.2.x) may empty again, so one such failure changes
 * nothing. In {@link #LIMIT} different campaigns without a delivery between them, though, it is an abandoned mailbox,
 * and mailing it on is what mailbox providers read as a list nobody cleans (deliverability.md: x.2.2 is soft). A
 * relay's delivery report counts as the SMTP reply would (InboundHandler); as a relay accepts mail it may bounce
 * days later, such a count is not reset by deliveries, only by {@link #STALE} without a new soft bounce. Only
 * the recipient server's mailbox-status replies count: a connection failure or a plain 4xx may be ours or the
 * network's, and counting them would suppress a whole list after three bad days. (Each node believes an empty table
 * for up to a minute, so a delivery right after another node's first soft bounce may not reset that count.)
 */
public final class SoftBounces {
    static final int LIMIT = 3;
    /** A count whose last soft bounce is older than this starts over: the mailbox was full once, long ago. */
    static final Duration STALE = Duration.ofDays(60);
    /** How long "the table is empty" is believed before it is counted again (a delivery then skips its DELETE). */
    private static final Duration RECHECK = Duration.ofMinutes(1);

    private final Jdbc jdbc;
    private final Sql sql = Sql.load("softbounces");
    private final Clock clock;
    private volatile Instant emptyUntil = Instant.MIN;

    public SoftBounces(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** More mailbox-full replies than this in one batch are the relay speaking about us, not about the mailboxes. */
    static final int MAX_PER_BATCH = 2;

    /**
     * True for "mailbox full" (x.2.2) about the recipient. Not x.2.3 (message too big: ours) or x.2.4, and not a
     * relay's own quota on us (Exchange Online answers 5.2.2 SubmissionQuotaExceeded for every recipient); the
     * caller also drops a batch's replies when more than {@link #MAX_PER_BATCH} came at once.
     */
    public static boolean counts(SendFailure f) {
        String e = f.enhanced();
        String text = String.valueOf(f.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return e != null && !f.aboutSender() && !f.badAddress() && (e.equals("4.2.2") || e.equals("5.2.2"))
                && !text.contains("submission") && !text.contains("sender");
    }

    /**
     * Counts a mailbox-state failure that {@link #counts} for {@code campaignId}, whether the SMTP server said it or
     * a relay's report did later; at {@link #LIMIT} campaigns suppresses the address. True when it was suppressed.
     */
    public boolean recordAndSuppress(SubscriberStore subscribers, String email, long campaignId, String detail, boolean fromRelay) {
        if (!record(email, campaignId, detail, fromRelay)) {
            return false;
        }
        subscribers.suppress(email, "soft-bounces", LIMIT + " campaigns in a row: " + detail);
        forget(email);
        return true;
    }

    /** Once suppressed, an address gets no deliveries that would ever remove its row. */
    void forget(String email) {
        jdbc.update(sql.get("delivered"), EmailAddress.key(email));
    }

    /**
     * Counts the failure for its campaign (once per campaign); true when the address has now reached {@link #LIMIT}.
     * {@code fromRelay}: a relay's later report said it, so the relay's acceptance of other issues does not reset it.
     */
    boolean record(String email, long campaignId, String detail, boolean fromRelay) {
        String key = EmailAddress.key(email);
        emptyUntil = Instant.MIN;
        Instant now = clock.instant();
        Object[] params = {key, campaignId, detail.length() > 1000 ? detail.substring(0, 1000) : detail, now, fromRelay, now.minus(STALE)};
        try {
            jdbc.update(sql.get("count"), params);
        } catch (DataException e) {
            if (!(e.getCause() instanceof SQLException sqe && "23505".equals(sqe.getSQLState()))) {
                throw e;
            }
            // another node inserted the same address's first count meanwhile (PostgreSQL's MERGE does not lock a
            // key that is not there yet): the row exists now, so this time the MERGE counts it
            jdbc.update(sql.get("count"), params);
        }
        return jdbc.one(sql.get("campaigns"), rs -> rs.getInt(1), key).orElse(0) >= LIMIT;
    }

    /** Messages that went through: their mailboxes start counting from zero again. */
    void delivered(List<String> emails) {
        if (emails.isEmpty() || clock.instant().isBefore(emptyUntil)) {
            return;
        }
        if (jdbc.count(sql.get("any")) == 0) {
            emptyUntil = clock.instant().plus(RECHECK);
            return;
        }
        String[] keys = emails.stream().map(EmailAddress::key).toArray(String[]::new);
        for (String key : jdbc.query(sql.get("counted"), rs -> rs.getString(1), (Object) keys)) {
            jdbc.update(sql.get("delivered"), key);
        }
    }
}
