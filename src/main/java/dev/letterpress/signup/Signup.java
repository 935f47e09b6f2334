package dev.letterpress.signup;

import dev.letterpress.config.Config;
import dev.letterpress.delivery.Mailer;
import dev.letterpress.subscriber.ConsentLog;
import dev.letterpress.subscriber.DataRights;
import dev.letterpress.subscriber.EmailAddress;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.Subscriber;
import dev.letterpress.subscriber.SubscriberStore;
import dev.letterpress.subscriber.Subscription;
import dev.letterpress.tracking.Token;
import dev.letterpress.tracking.TokenCodec;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Double opt-in: a request from the public form makes an unconfirmed subscription and mails a confirm link; only
 * the POST behind that link confirms. The answer to a request never tells whether the address was known: new,
 * unconfirmed, already subscribed, suppressed, honeypot and over-the-address-limit all get the same answer, and
 * the mail (if any) goes out on a background thread, so the response time does not depend on SMTP either.
 */
public final class Signup implements AutoCloseable {
    /** The wording the subscribe form shows; kept with every consent record it produced. */
    public static final String FORM_WORDING = "subscribe-form/2026-11";
    public static final String CONFIRM_WORDING = "confirm-page/2026-11";

    public enum Result { ACCEPTED, RATE_LIMITED }

    /** A confirm link's subscriber and list; {@code confirmed} once it has been confirmed. */
    public record Pending(Subscriber subscriber, MailingList list, boolean confirmed) {}

    private static final Logger log = LoggerFactory.getLogger(Signup.class);

    private final SubscriberStore subscribers;
    private final ConsentLog consent;
    private final DataRights rights;
    private final TokenCodec tokens;
    private final Mailer mailer;
    private final ConfirmationMail mail;
    private final Config.Signup config;
    private final String baseUrl;
    private final Clock clock;
    private final RateLimiter perIp;
    private final RateLimiter perAddress;
    /** Sign-up work waiting for the sign-up thread; beyond this a flood's requests are dropped (and logged). */
    private static final int QUEUE = 10_000;
    private final ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
        Thread t = new Thread(r, "signup");
        t.setDaemon(true);
        return t;
    }, (r, pool) -> log.warn("sign-up queue full ({} waiting): a sign-up request was dropped", QUEUE));

    public Signup(SubscriberStore subscribers, ConsentLog consent, DataRights rights, TokenCodec tokens, Mailer mailer,
                  ConfirmationMail mail, Config config, Clock clock) {
        this.subscribers = subscribers;
        this.consent = consent;
        this.rights = rights;
        this.tokens = tokens;
        this.mailer = mailer;
        this.mail = mail;
        this.config = config.signup();
        this.baseUrl = config.http().publicBaseUrl().toString();
        this.clock = clock;
        this.perIp = new RateLimiter(this.config.perIpPerHour(), Duration.ofHours(1), clock);
        this.perAddress = new RateLimiter(this.config.perAddressPerDay(), Duration.ofDays(1), clock);
    }

    /** The public form's URL for a list (what the embeddable snippet posts to). */
    public String formUrl(MailingList list) {
        return baseUrl + "/s/" + tokens.encode(new Token(Token.Purpose.SUBSCRIBE, 0, 0, list.id()));
    }

    /** An HTML form to paste into another site; it posts to the public form, which answers with its own page. */
    public String snippet(MailingList list) {
        String action = formUrl(list);
        String name = escape(list.name());
        return """
                <form method="post" action="%s" accept-charset="UTF-8">
                  <label for="lp-email">Email address</label>
                  <input type="email" id="lp-email" name="email" required autocomplete="email">
                  <label for="lp-name">Name (optional)</label>
                  <input type="text" id="lp-name" name="name" autocomplete="name">
                  <div style="position:absolute;left:-10000px" aria-hidden="true">
                    <label for="lp-website">Leave this empty</label>
                    <input type="text" id="lp-website" name="website" tabindex="-1" autocomplete="off">
                  </div>
                  <button type="submit">Subscribe to %s</button>
                  <p>We will email you a link to confirm. You can unsubscribe at any time.</p>
                </form>
                """.formatted(action, name);
    }

    public Optional<MailingList> formList(String token) {
        return tokens.decode(token, Token.Purpose.SUBSCRIBE).flatMap(t -> subscribers.listById(t.extra()));
    }

    /**
     * A request from the form (email already validated by the caller). {@code honeypot}: the hidden field was
     * filled in, so a bot sent it: answered like any other, and nothing happens.
     */
    public Result request(MailingList list, String email, String name, boolean honeypot, String ip) {
        if (!perIp.tryAcquire("ip:" + sha256(network(ip)))) {
            return Result.RATE_LIMITED;
        }
        // everything that depends on whether the address is known (lookups, inserts, commits, the mail) happens after
        // the answer, on the sign-up thread: the answer cannot tell a known address from a new one, not even by its time
        sender.execute(() -> {
            try {
                process(list, email, name, honeypot, ip);
            } catch (RuntimeException e) {
                log.warn("sign-up of an address to list #{} failed: {}", list.id(), e.toString());
            }
        });
        return Result.ACCEPTED;
    }

    /** Waits until the sign-up requests answered so far have been dealt with (tests; the CLI). */
    public void settle() {
        try {
            sender.submit(() -> { }).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("sign-up work did not settle: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The per-IP limit's key: an IPv4 address, or an IPv6 address's /64, which one subscriber line is usually given
     * whole (keyed by the full address, rotating within it would dodge the limit).
     */
    static String network(String ip) {
        if (ip == null || ip.indexOf(':') < 0) {
            return ip == null ? "" : ip;
        }
        try {
            byte[] a = java.net.InetAddress.getByName(ip).getAddress(); // a literal: no DNS lookup
            return a.length == 16 ? HexFormat.of().formatHex(a, 0, 8) + "::/64" : ip;
        } catch (java.net.UnknownHostException e) {
            return ip;
        }
    }

    private void process(MailingList list, String email, String name, boolean honeypot, String ip) {
        if (honeypot || !perAddress.tryAcquire(sha256(EmailAddress.key(email)))) {
            return;
        }
        if (subscribers.isSuppressed(email)) {
            return; // bounced or complained before: never mail it again, not even to confirm
        }
        Optional<Subscriber> known = subscribers.findByEmail(email);
        if (known.isPresent() && !"active".equals(known.get().status())) {
            return;
        }
        boolean alreadyConfirmed = known.isPresent() && subscribers.subscriptionsOf(known.get().id()).stream()
                .anyMatch(s -> s.listId() == list.id() && Subscription.CONFIRMED.equals(s.status()));
        Subscriber s;
        if (alreadyConfirmed) {
            s = known.get();
        } else {
            String cleanName = name == null || name.isBlank() ? null : name.strip();
            s = subscribers.addToList(list.id(), email, cleanName, Map.of(), Subscription.UNCONFIRMED, "subscribe form (awaiting confirmation)");
            consent.record(s.id(), list.id(), ConsentLog.Action.SUBSCRIBE_REQUEST, "subscribe form", FORM_WORDING, ip);
        }
        Subscriber to = s;
        String confirmUrl = baseUrl + "/confirm/" + tokens.encode(new Token(Token.Purpose.CONFIRM, clock.millis() / 60_000, s.id(), list.id()));
        String preferencesUrl = baseUrl + preferencesPath(s);
        send(mail.build(to.email(), list.name(), alreadyConfirmed ? null : confirmUrl, preferencesUrl), to.email());
    }

    /** The subscriber's preference centre, relative to the public base URL. */
    public String preferencesPath(Subscriber s) {
        return "/p/" + tokens.encode(new Token(Token.Purpose.PREFERENCES, 0, s.id(), 0));
    }

    /** What a confirm link stands for; empty when the token is bad, expired or its subscriber is gone. */
    public Optional<Pending> pending(String token) {
        Optional<Token> t = tokens.decode(token, Token.Purpose.CONFIRM);
        if (t.isEmpty() || expired(t.get())) {
            return Optional.empty();
        }
        Optional<Subscriber> s = subscribers.findById(t.get().subscriber()).filter(v -> "active".equals(v.status()));
        Optional<MailingList> list = subscribers.listById(t.get().extra());
        if (s.isEmpty() || list.isEmpty()) {
            return Optional.empty();
        }
        boolean confirmed = subscribers.subscriptionsOf(s.get().id()).stream()
                .anyMatch(x -> x.listId() == list.get().id() && Subscription.CONFIRMED.equals(x.status()));
        return Optional.of(new Pending(s.get(), list.get(), confirmed));
    }

    /** Confirms (the POST behind the link); idempotent. */
    public Optional<Pending> confirm(String token, String ip) {
        Optional<Pending> p = pending(token);
        if (p.isEmpty() || p.get().confirmed()) {
            return p;
        }
        Subscriber s = p.get().subscriber();
        subscribers.setStatus(p.get().list().id(), s.id(), Subscription.CONFIRMED, "subscribe form, confirmed by email (double opt-in)");
        consent.record(s.id(), p.get().list().id(), ConsentLog.Action.CONFIRM, "confirmation link", CONFIRM_WORDING, ip);
        rights.clearErased(s.email());
        return Optional.of(new Pending(s, p.get().list(), true));
    }

    /** True when the token is a confirm token, authentic, but older than signup.confirm.valid. */
    public boolean isExpired(String token) {
        return tokens.decode(token, Token.Purpose.CONFIRM).map(this::expired).orElse(false);
    }

    private boolean expired(Token t) {
        return clock.millis() / 60_000 - t.campaign() > config.confirmValidFor().toMinutes();
    }

    private void send(MimeMessage message, String recipient) {
        try (Mailer.Connection c = mailer.connect()) {
            c.send(message, recipient);
        } catch (Exception e) {
            // the form already answered; the person can simply submit it again
            log.warn("confirmation mail could not be sent: {}", e.getMessage());
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
