package dev.letterpress.signup;

import dev.letterpress.config.Config;
import dev.letterpress.delivery.Mailer;
import dev.letterpress.subscriber.Subscriber;
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

    public enum Kind { EXPORT, ERASE }

    /** What a mailed link stands for. */
    public record Request(long subscriber, Kind kind) {}

    public enum Outcome { SENT, SENT_RECENTLY, FAILED }

    private final TokenCodec tokens;
    private final Mailer mailer;
    private final ConfirmationMail mail;
    private final String baseUrl;
    private final Clock clock;
    private final Map<String, Instant> lastSent = new ConcurrentHashMap<>();

    public DataRequests(TokenCodec tokens, Mailer mailer, ConfirmationMail mail, Config config, Clock clock) {
        this.tokens = tokens;
        this.mailer = mailer;
        this.mail = mail;
        this.baseUrl = config.http().publicBaseUrl().toString();
        this.clock = clock;
    }

    /** Mails the subscriber a link for {@code kind}, unless one went out in the last {@link #AGAIN_AFTER}. */
    public Outcome send(Subscriber s, Kind kind) {
        Instant now = clock.instant();
        String key = s.id() + ":" + kind;
        Instant last = lastSent.get(key);
        if (last != null && last.plus(AGAIN_AFTER).isAfter(now)) {
            return Outcome.SENT_RECENTLY;
        }
        if (lastSent.size() > 10_000) {
            lastSent.values().removeIf(t -> t.plus(AGAIN_AFTER).isBefore(now));
        }
        String url = baseUrl + "/d/" + tokens.encode(new Token(Token.Purpose.DATA, clock.millis() / 60_000, s.id(), kind.ordinal() + 1));
        try (Mailer.Connection c = mailer.connect()) {
            c.send(mail.dataRequest(s.email(), kind == Kind.ERASE, url, VALID), s.email());
        } catch (Exception e) {
            log.warn("data request mail could not be sent: {}", e.getMessage());
            return Outcome.FAILED;
        }
        lastSent.put(key, now);
        return Outcome.SENT;
    }

    /** The request a mailed link stands for; empty when the token is bad, of another purpose or expired. */
    public Optional<Request> verify(String token) {
        return tokens.decode(token, Token.Purpose.DATA)
                .filter(t -> clock.millis() / 60_000 - t.campaign() <= VALID.toMinutes())
                .filter(t -> t.extra() >= 1 && t.extra() <= Kind.values().length)
                .map(t -> new Request(t.subscriber(), Kind.values()[(int) t.extra() - 1]));
    }
}
