package dev.letterpress.tracking;

import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import dev.letterpress.subscriber.Subscription;
import dev.letterpress.subscriber.SubscriberStore;
import java.time.Clock;
import java.util.Optional;

/**
 * What the public endpoints do, apart from HTTP: verify tokens, record opens and clicks, and change
 * subscriptions. Nothing is written unless the token is authentic and made for that purpose.
 */
public final class Tracker {
    /** How long the unsubscribe page's undo button works. */
    public static final java.time.Duration UNDO_WINDOW = java.time.Duration.ofMinutes(30);
    /** How the unsubscribe page names itself in consent sources ("via"). */
    public static final String PAGE = "unsubscribe page";
    private final TokenCodec tokens;
    private final LinkRegistry links;
    private final EventStore events;
    private final SubscriberStore subscribers;
    private final Jdbc jdbc;
    private final Sql sql = Sql.load("tracking");
    private final Clock clock;
    private final EventBuffer buffer;

    public Tracker(TokenCodec tokens, LinkRegistry links, EventStore events, SubscriberStore subscribers, Jdbc jdbc, Clock clock,
                   EventBuffer buffer) {
        this.buffer = buffer;
        this.tokens = tokens;
        this.links = links;
        this.events = events;
        this.subscribers = subscribers;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Optional<Token> verify(String token, Token.Purpose purpose) {
        return tokens.decode(token, purpose);
    }

    /** A preferences token for the subscriber of {@code t} (the unsubscribe page links to preferences). */
    public String preferencesToken(Token t) {
        return tokens.encode(new Token(Token.Purpose.PREFERENCES, t.campaign(), t.subscriber(), 0));
    }

    /**
     * Queues an open for the event buffer (classified and written within about a second); false, and nothing
     * recorded, for a bad token. {@code head}: the request was a HEAD, which no mail client sends for an image.
     */
    public boolean open(String token, String userAgent, String ip, boolean head) {
        String agent = stored(userAgent);
        Optional<Token> t = tokens.decode(token, Token.Purpose.OPEN);
        t.ifPresent(v -> buffer.add(new Hit(EventStore.Kind.OPEN, v.campaign(), v.subscriber(), null, false, head, agent, ip, clock.instant())));
        return t.isPresent();
    }

    /**
     * The registered target of a click token, after queueing the click; empty for a bad token or unknown link.
     * The hidden trap link's target is {@link LinkRegistry#TRAP_URL}: the caller answers it without a redirect.
     */
    public Optional<String> click(String token, String userAgent, String ip, boolean head) {
        Optional<Token> t = tokens.decode(token, Token.Purpose.CLICK);
        if (t.isEmpty()) {
            return Optional.empty();
        }
        Token v = t.get();
        String agent = stored(userAgent);
        Optional<String> url = links.url(v.campaign(), v.extra());
        url.ifPresent(u -> buffer.add(new Hit(EventStore.Kind.CLICK, v.campaign(), v.subscriber(), v.extra(),
                u.equals(LinkRegistry.TRAP_URL), head, agent, ip, clock.instant())));
        return url;
    }

    /**
     * Unsubscribes from the token's list, or from everything; effective at once, for running campaigns too
     * (the send re-checks consent per batch). Idempotent: returns false when there was nothing left to change.
     */
    public boolean unsubscribe(Token t, boolean everything, String via) {
        boolean changed;
        if (everything) {
            changed = subscribers.unsubscribeAll(t.subscriber(), allSource(t)) > 0;
        } else {
            changed = subscribers.setStatus(t.extra(), t.subscriber(), Subscription.UNSUBSCRIBED, via + " (campaign #" + t.campaign() + ")");
        }
        if (changed) {
            events.record(EventStore.Kind.UNSUBSCRIBE, t.campaign(), t.subscriber(), null, (everything ? "all lists" : "list #" + t.extra()) + " via " + via, null);
        }
        return changed;
    }

    /**
     * Undoes {@link #unsubscribe} from the confirmation page, for {@link #UNDO_WINDOW} after it and only for what that
     * page's unsubscribe ended. The unsubscribe link is in every copy of the mail, forwarded ones too: without these
     * limits anyone holding it could subscribe the reader again, in the reader's name, whenever they liked.
     */
    public boolean resubscribe(Token t, boolean everything) {
        String source = "resubscribed on the unsubscribe page (campaign #" + t.campaign() + ")";
        var now = clock.instant();
        var since = now.minus(UNDO_WINDOW);
        if (everything) {
            return jdbc.update(sql.get("resubscribe-undone"), now, source, now, t.subscriber(), allSource(t), since) > 0;
        }
        return jdbc.update(sql.get("resubscribe-list-undone"), now, source, now, t.extra(), t.subscriber(),
                PAGE + " (campaign #" + t.campaign() + ")", since) > 0;
    }

    /**
     * The user agent as it will be stored (events.user_agent holds 500 characters), cut before it is queued: the
     * queue holds up to 200,000 hits, and 8 KB agents in all of them would be 1.6 GB of heap.
     */
    private static String stored(String userAgent) {
        return userAgent == null || userAgent.length() <= EventBuffer.MAX_AGENT ? userAgent : userAgent.substring(0, EventBuffer.MAX_AGENT);
    }

    private static String allSource(Token t) {
        return "unsubscribe page: all lists (campaign #" + t.campaign() + ")";
    }
}
