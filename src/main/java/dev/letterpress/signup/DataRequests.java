package dev.letterpress.signup;

import dev.letterpress.config.Config;
import dev.letterpress.delivery.Mailer;
import dev.letterpress.subscriber.Subscriber;
import dev.letterpress.subscriber.SubscriberStore;
import dev.letterpress.tracking.Token;
import dev.letterpress.tracking.TokenCodec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A download or an erasure of one's data is asked for on the preferences page, but done only from a link mailed to
 * the subscriber's own address, valid for an hour. The preferences link is in every issue, and issues are
 * forwarded: whoever holds one may change what the reader gets (as any unsubscribe link allows), but must not read
 * the reader's data or erase them. The mailed link answers a GET with a page and acts only on its POST, so link
 * scanners never trigger either.
 */
public final class DataRequests {
    private static final Logger log = LoggerFactory.getLogger(DataRequests.class);
    /** How long a mailed link works. */
    public static final Duration VALID = Duration.ofHours(1);
    /** One mail per subscriber and kind in this time: a forwarded link cannot flood the reader's inbox. */
    static final Duration AGAIN_AFTER = Duration.ofMinutes(5);
    static final int PER_DAY = 6;

    public enum Kind { EXPORT, ERASE }

    /** What a mailed link stands for. */
    public record Request(long subscriber, Kind kind) {}

    public enum Outcome { SENT, SENT_RECENTLY, NOT_MAILABLE, FAILED }

    private final TokenCodec tokens;
    private final Mailer mailer;
    private final ConfirmationMail mail;
    private final String baseUrl;
    private final Clock clock;
    private final Map<String, Instant> lastSent = new ConcurrentHashMap<>();
    /** And at most this many a day per subscriber and kind (per node). */
    private final RateLimiter perDay;
    private final SubscriberStore subscribers;

    public DataRequests(SubscriberStore subscribers, TokenCodec tokens, Mailer mailer, ConfirmationMail mail, Config config, Clock clock) {
        this.subscribers = subscribers;
        this.perDay = new RateLimiter(PER_DAY, Duration.ofDays(1), clock);
        this.tokens = tokens;
        this.mailer = mailer;
        this.mail = mail;
        this.baseUrl = config.http().publicBaseUrl().toString();
        this.clock = clock;
    }

    /** Mails the subscriber a link for {@code kind}, unless one went out in the last {@link #AGAIN_AFTER}. */
    public Outcome send(Subscriber s, Kind kind) {
        if (subscribers.isSuppressed(s.email())) {
            return Outcome.NOT_MAILABLE; // bounced or complained: mailing it again hurts the sender and reaches no one
        }
        Instant now = clock.instant();
        if (lastSent.size() > 10_000) {
            lastSent.values().removeIf(t -> t.plus(AGAIN_AFTER).isBefore(now));
        }
        // the slot is taken before the (slow) send, atomically: parallel requests cannot each send one
        String key = s.id() + ":" + kind;
        Instant[] previous = new Instant[1];
        lastSent.compute(key, (k, last) -> {
            previous[0] = last;
            return last != null && last.plus(AGAIN_AFTER).isAfter(now) ? last : now;
        });
        if (previous[0] != null && previous[0].plus(AGAIN_AFTER).isAfter(now)) {
            return Outcome.SENT_RECENTLY;
        }
        if (!perDay.tryAcquire(key)) {
            return Outcome.SENT_RECENTLY;
        }
        String url = baseUrl + "/d/" + tokens.encode(new Token(Token.Purpose.DATA, clock.millis() / 60_000, s.id(), kind.ordinal() + 1));
        try (Mailer.Connection c = mailer.connect()) {
            c.send(mail.dataRequest(s.email(), kind == Kind.ERASE, url, VALID), s.email());
        } catch (Exception e) {
            lastSent.remove(key, now); // nothing went out: the next try may send
            log.warn("data request mail could not be sent: {}", e.getMessage());
            return Outcome.FAILED;
        }
        return Outcome.SENT;
    }

    /** The request a mailed link stands for; empty when the token is bad, of another purpose or expired. */
    public Optional<Request> verify(String token) {
        return tokens.decode(token, Token.Purpose.DATA)
                // whole minutes: issued in this minute is age 0; -1 allows another node's clock a minute ahead
                .filter(t -> clock.millis() / 60_000 - t.campaign() >= -1 && clock.millis() / 60_000 - t.campaign() < VALID.toMinutes())
                .filter(t -> t.extra() >= 1 && t.extra() <= Kind.values().length)
                .map(t -> new Request(t.subscriber(), Kind.values()[(int) t.extra() - 1]));
    }
}
