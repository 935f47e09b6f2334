package dev.letterpress.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.letterpress.signup.DataRequests;
import dev.letterpress.subscriber.ConsentLog;
import dev.letterpress.subscriber.DataRights;
import dev.letterpress.subscriber.Subscriber;
import dev.letterpress.subscriber.SubscriberStore;
import dev.letterpress.subscriber.Subscription;
import dev.letterpress.tracking.Token;
import dev.letterpress.tracking.Tracker;
import io.javalin.http.Context;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The preference centre behind /p/{token}: name, lists, pause, do not track, leave, and asking for a download or an
 * erasure, which happen behind a link mailed to the subscriber (/d/{token}, {@link DataRequests}). The
 * token in the path is the secret (it reached only the subscriber's inbox), which is also what protects the
 * forms against cross-site requests without cookies; a POST a browser marks as coming from another site is refused as well.
 */
final class PreferenceRoutes {
    static final String WORDING = "preferences-page/2026-11";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final Tracker tracker;
    private final SubscriberStore subscribers;
    private final DataRights rights;
    private final DataRequests requests;
    private final ConsentLog consent;
    private final Pages pages;
    private final String origin;
    private final Clock clock;

    PreferenceRoutes(Tracker tracker, SubscriberStore subscribers, DataRights rights, DataRequests requests, ConsentLog consent, Pages pages,
                     URI baseUrl, Clock clock) {
        this.tracker = tracker;
        this.subscribers = subscribers;
        this.rights = rights;
        this.requests = requests;
        this.consent = consent;
        this.pages = pages;
        this.origin = baseUrl.getScheme() + "://" + baseUrl.getRawAuthority();
        this.clock = clock;
    }

    void show(Context ctx) {
        subscriber(ctx).ifPresent(s -> render(ctx, 200, s.subscriber(), false, null));
    }

    void save(Context ctx) {
        Optional<Verified> v = post(ctx);
        if (v.isEmpty()) {
            return;
        }
        long id = v.get().subscriber().id();
        String ip = ClientAddress.of(ctx);
        if ("leave".equals(ctx.formParam("action"))) {
            if (tracker.unsubscribe(new Token(Token.Purpose.UNSUBSCRIBE, v.get().token().campaign(), id, 0), true, "preferences page")) {
                consent.record(id, null, ConsentLog.Action.UNSUBSCRIBE, "preferences page: leave everything", WORDING, ip);
            }
            render(ctx, 200, subscribers.findById(id).orElseThrow(), true, null);
            return;
        }
        String name = ctx.formParam("name");
        String pause = Optional.ofNullable(ctx.formParam("pause")).orElse("keep");
        if (name != null && (name.length() > 500 || name.chars().anyMatch(Character::isISOControl))) {
            render(ctx, 400, v.get().subscriber(), false, "Your name can have at most 500 characters and no line breaks; nothing was saved.");
            return;
        }
        if (!Set.of("none", "keep", "30", "90", "indefinite").contains(pause)) {
            render(ctx, 400, v.get().subscriber(), false, "Choose one of the pause options; nothing was saved.");
            return;
        }
        if (name != null && !name.isBlank()) {
            subscribers.rename(id, name.strip());
        }
        Set<Long> wanted = ctx.formParams("list").stream().filter(x -> x.matches("\\d{1,18}")).map(Long::parseLong).collect(Collectors.toSet());
        String source = "preferences page (campaign #" + v.get().token().campaign() + ")";
        for (Subscription sub : subscribers.subscriptionsOf(id)) {
            boolean on = wanted.contains(sub.listId());
            if (!on && Subscription.UNCONFIRMED.equals(sub.status())) {
                continue; // a sign-up still waiting for its confirm link is shown unticked: saving must not end it
            }
            if (subscribers.setStatus(sub.listId(), id, on ? Subscription.CONFIRMED : Subscription.UNSUBSCRIBED, source)) {
                consent.record(id, sub.listId(), on ? ConsentLog.Action.RESUBSCRIBE : ConsentLog.Action.UNSUBSCRIBE, "preferences page", WORDING, ip);
            }
        }
        boolean dnt = "on".equals(ctx.formParam("dnt"));
        if (rights.setDoNotTrack(id, dnt)) {
            consent.record(id, null, ConsentLog.Action.DO_NOT_TRACK, "preferences page: " + (dnt ? "on" : "off"), WORDING, ip);
        }
        savePause(id, pause, ip);
        render(ctx, 200, subscribers.findById(id).orElseThrow(), true, null);
    }

    /** Asks for a download: the link to it goes to the subscriber's own address (see {@link DataRequests}). */
    void export(Context ctx) {
        post(ctx).ifPresent(v -> mailLink(ctx, v.subscriber(), DataRequests.Kind.EXPORT));
    }

    /** Asks for an erasure, once the tick says the reader knows it is final: the link goes to their own address. */
    void erase(Context ctx) {
        Optional<Verified> v = post(ctx);
        if (v.isEmpty()) {
            return;
        }
        if (!"yes".equals(ctx.formParam("confirm"))) {
            render(ctx, 400, v.get().subscriber(), false, "Tick “I understand that erasing cannot be undone” to erase your data; nothing was erased.");
            return;
        }
        mailLink(ctx, v.get().subscriber(), DataRequests.Kind.ERASE);
    }

    private void mailLink(Context ctx, Subscriber s, DataRequests.Kind kind) {
        String what = kind == DataRequests.Kind.ERASE ? "erase your data" : "download your data";
        String to = Pages.mask(s.email());
        switch (requests.send(s, kind)) {
            case SENT -> pages.message(ctx, 200, "Check your inbox", "We sent a link to " + to + ". Open it within "
                    + DataRequests.VALID.toMinutes() + " minutes to " + what + ". Nothing happens until you do.");
            case SENT_RECENTLY -> pages.message(ctx, 200, "Check your inbox", "We sent a link to " + to
                    + " a few minutes ago: open that one to " + what + ". Nothing happens until you do.");
            case NOT_MAILABLE -> pages.message(ctx, 409, "We cannot email this address", "Mail to " + to
                    + " bounced or was reported as spam, so we no longer send to it. Reply to any issue you received, or "
                    + "write to the address in its footer, and we will help you with your data.");
            case FAILED -> pages.message(ctx, 503, "Please try again later",
                    "We could not send the email with your link just now; nothing has changed. Please try again in a few minutes.");
        }
    }

    /** The page behind a mailed data link: says what its button will do, and does nothing itself. */
    void dataPage(Context ctx) {
        dataRequest(ctx).ifPresent(r -> pages.render(ctx, 200, "data-request", Map.of("erase", r.kind() == DataRequests.Kind.ERASE,
                "email", Pages.mask(r.subscriber().email()), "actionUrl", "/d/" + ctx.pathParam("token"))));
    }

    /** The button on that page: the download, or the erasure. */
    void dataAction(Context ctx) throws JsonProcessingException {
        if (foreign(ctx)) {
            return;
        }
        Optional<DataRequest> r = dataRequest(ctx);
        if (r.isEmpty()) {
            return;
        }
        long id = r.get().subscriber().id();
        if (r.get().kind() == DataRequests.Kind.EXPORT) {
            ctx.header("Content-Disposition", "attachment; filename=\"my-data.json\"");
            ctx.header("Cache-Control", "no-store");
            ctx.contentType("application/json; charset=UTF-8").result(JSON.writeValueAsString(rights.export(id)));
            return;
        }
        rights.erase(id, "link mailed from the preferences page", ClientAddress.of(ctx));
        pages.message(ctx, 200, "Your data is erased",
                "Your address, your name and everything that identified you are gone, and you will get no more email from us.");
    }

    private record DataRequest(Subscriber subscriber, DataRequests.Kind kind) {}

    private Optional<DataRequest> dataRequest(Context ctx) {
        Optional<DataRequests.Request> r = requests.verify(ctx.pathParam("token"));
        if (r.isEmpty()) {
            pages.message(ctx, 404, "Link not recognised or expired", "This link is not valid, or older than "
                    + DataRequests.VALID.toMinutes() + " minutes. Ask again from your preferences page (the link at the end of every email).");
            return Optional.empty();
        }
        Optional<Subscriber> s = subscribers.findById(r.get().subscriber()).filter(x -> !"erased".equals(x.status()));
        if (s.isEmpty()) {
            pages.message(ctx, 404, "Not available", SubscriberRoutes.GONE);
            return Optional.empty();
        }
        return Optional.of(new DataRequest(s.get(), r.get().kind()));
    }

    private void savePause(long id, String pause, String ip) {
        Instant now = clock.instant();
        boolean wasPaused = rights.settings(id).paused(now);
        Instant until = switch (pause) {
            case "30" -> now.plus(Duration.ofDays(30));
            case "90" -> now.plus(Duration.ofDays(90));
            case "indefinite" -> DataRights.INDEFINITELY;
            default -> null;
        };
        if (until != null) {
            rights.pauseUntil(id, until);
            consent.record(id, null, ConsentLog.Action.PAUSE, "preferences page: " + pause, WORDING, ip);
        } else if (pause.equals("none") && wasPaused) {
            rights.pauseUntil(id, null);
            consent.record(id, null, ConsentLog.Action.RESUME, "preferences page", WORDING, ip);
        }
    }

    private void render(Context ctx, int status, Subscriber s, boolean saved, String error) {
        List<Map<String, Object>> lists = subscribers.subscriptionsOf(s.id()).stream()
                .map(sub -> Map.<String, Object>of("id", sub.listId(), "name", sub.listName(),
                        "subscribed", Subscription.CONFIRMED.equals(sub.status())))
                .toList();
        DataRights.Settings settings = rights.settings(s.id());
        String base = "/p/" + ctx.pathParam("token");
        Map<String, Object> model = new HashMap<>();
        model.put("email", Pages.mask(s.email()));
        if (s.name() != null) {
            model.put("name", s.name());
        }
        model.put("lists", lists);
        model.put("actionUrl", base);
        model.put("exportUrl", base + "/export");
        model.put("eraseUrl", base + "/erase");
        model.put("saved", saved);
        model.put("doNotTrack", settings.doNotTrack());
        if (settings.paused(clock.instant())) {
            model.put("pausedUntil", settings.pausedUntil().equals(DataRights.INDEFINITELY) ? "indefinitely" : DAY.format(settings.pausedUntil()));
        }
        if (error != null) {
            model.put("error", error);
        }
        pages.render(ctx, status, "preferences", model);
    }

    record Verified(Token token, Subscriber subscriber) {}

    /** A POST: from our own page (or a client that says nothing about where it comes from), with a valid token. */
    private Optional<Verified> post(Context ctx) {
        return foreign(ctx) ? Optional.empty() : subscriber(ctx);
    }

    /** A POST a browser marks as sent from another site: answered with a 403 here. */
    private boolean foreign(Context ctx) {
        // Browsers say where a request came from in Sec-Fetch-Site, whatever the referrer policy; Origin is "null"
        // under our no-referrer policy, so it only counts when it names another site.
        String site = ctx.header("Sec-Fetch-Site");
        String from = ctx.header("Origin");
        boolean foreign = (site != null && !site.equals("same-origin") && !site.equals("none"))
                || (from != null && !from.equals("null") && !from.equals(origin));
        if (foreign) {
            pages.message(ctx, 403, "Not allowed", "This form can only be sent from its own page. Open the link in your email and try again.");
        }
        return foreign;
    }

    private Optional<Verified> subscriber(Context ctx) {
        Optional<Token> t = tracker.verify(ctx.pathParam("token"), Token.Purpose.PREFERENCES);
        if (t.isEmpty()) {
            pages.message(ctx, 404, "Link not recognised", SubscriberRoutes.BAD_LINK);
            return Optional.empty();
        }
        Optional<Subscriber> s = subscribers.findById(t.get().subscriber()).filter(x -> !"erased".equals(x.status()));
        if (s.isEmpty()) {
            pages.message(ctx, 404, "Not available", SubscriberRoutes.GONE);
            return Optional.empty();
        }
        return Optional.of(new Verified(t.get(), s.get()));
    }
}
