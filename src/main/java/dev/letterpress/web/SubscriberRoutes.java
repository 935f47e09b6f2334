package dev.letterpress.web;

import dev.letterpress.delivery.CampaignStore;
import dev.letterpress.subscriber.ConsentLog;
import dev.letterpress.subscriber.Subscriber;
import dev.letterpress.subscriber.SubscriberStore;
import dev.letterpress.subscriber.Subscription;
import dev.letterpress.tracking.Token;
import dev.letterpress.tracking.Tracker;
import freemarker.template.TemplateException;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;

/**
 * Web view and unsubscribe (preferences: {@link PreferenceRoutes}). A GET never changes anything (link scanners fetch every URL in
 * a mail); only a POST does, including the RFC 8058 one-click POST, which needs no cookie or page.
 */
final class SubscriberRoutes {
    static final String BAD_LINK = "This link is incomplete or has been changed. Please use the link exactly as it appears in the email.";
    static final String GONE = "This is a shared copy of the newsletter, or the subscription no longer exists.";
    static final String WORDING = "unsubscribe-page/2026-11";

    private final Tracker tracker;
    private final SubscriberStore subscribers;
    private final CampaignStore campaigns;
    private final CampaignViews views;
    private final Pages pages;
    private final ConsentLog consent;

    SubscriberRoutes(Tracker tracker, SubscriberStore subscribers, CampaignStore campaigns, CampaignViews views, Pages pages, ConsentLog consent) {
        this.consent = consent;
        this.tracker = tracker;
        this.subscribers = subscribers;
        this.campaigns = campaigns;
        this.views = views;
        this.pages = pages;
    }

    void webView(Context ctx) throws TemplateException {
        Optional<Token> t = token(ctx, Token.Purpose.VIEW);
        if (t.isEmpty()) {
            return;
        }
        long campaign = t.get().campaign();
        Subscriber reader = t.get().subscriber() == 0 ? new Subscriber(0, "", null, Map.of(), "active")
                : subscribers.findById(t.get().subscriber()).orElse(null);
        var list = campaigns.recipientList(campaign, t.get().subscriber());
        if (reader == null || list.isEmpty()) {
            pages.message(ctx, 404, "Issue not available", "This issue is no longer available.");
            return;
        }
        var content = views.composer(campaign).content(reader, list.get().getKey(), list.get().getValue());
        ctx.contentType("text/html; charset=UTF-8").result(content.html());
    }

    void confirmUnsubscribe(Context ctx) {
        Optional<Token> t = token(ctx, Token.Purpose.UNSUBSCRIBE);
        Optional<Subscriber> s = t.flatMap(v -> subscriber(ctx, v));
        if (s.isEmpty()) {
            return;
        }
        pages.render(ctx, 200, "unsubscribe", Map.of("email", Pages.mask(s.get().email()), "listName", listName(t.get()),
                "actionUrl", "/u/" + ctx.pathParam("token")));
    }

    /** The form's POST and the RFC 8058 one-click POST ({@code List-Unsubscribe=One-Click}); idempotent. */
    void unsubscribe(Context ctx) {
        Optional<Token> t = token(ctx, Token.Purpose.UNSUBSCRIBE);
        if (t.isEmpty() || subscriber(ctx, t.get()).isEmpty()) {
            return;
        }
        boolean oneClick = "One-Click".equals(ctx.formParam("List-Unsubscribe"));
        boolean everything = !oneClick && "all".equals(ctx.formParam("scope"));
        String via = oneClick ? "one-click (RFC 8058)" : Tracker.PAGE;
        if (tracker.unsubscribe(t.get(), everything, via)) {
            consent.record(t.get().subscriber(), everything ? null : t.get().extra(), ConsentLog.Action.UNSUBSCRIBE,
                    via + (everything ? ": everything" : ": this list"), oneClick ? null : WORDING, ClientAddress.of(ctx));
        }
        if (oneClick) {
            ctx.contentType("text/plain; charset=UTF-8").result("Unsubscribed.");
            return;
        }
        String scope = everything ? "all" : "list";
        pages.render(ctx, 200, "unsubscribed", Map.of("listName", listName(t.get()), "scope", scope,
                "undoUrl", "/u/" + ctx.pathParam("token") + "/undo?scope=" + scope,
                "preferencesUrl", "/p/" + tracker.preferencesToken(t.get())));
    }

    void undo(Context ctx) {
        Optional<Token> t = token(ctx, Token.Purpose.UNSUBSCRIBE);
        if (t.isEmpty() || subscriber(ctx, t.get()).isEmpty()) {
            return;
        }
        String scope = "all".equals(ctx.queryParam("scope")) ? "all" : "list";
        if (!tracker.resubscribe(t.get(), scope.equals("all")) && !alreadyUndone(t.get(), scope.equals("all"))) {
            pages.message(ctx, 409, "This can no longer be undone here",
                    "Undo works for " + Tracker.UNDO_WINDOW.toMinutes() + " minutes after unsubscribing on this page, and only for what "
                            + "that unsubscribe ended. To subscribe again, use the preferences link in any of our emails.");
            return;
        }
        consent.record(t.get().subscriber(), scope.equals("all") ? null : t.get().extra(), ConsentLog.Action.RESUBSCRIBE,
                "unsubscribe page: undo", WORDING, ClientAddress.of(ctx));
        pages.render(ctx, 200, "resubscribed", Map.of("listName", listName(t.get()), "scope", scope));
    }

    /** A second press of the undo button finds the subscriptions the first one restored: the same answer again. */
    private boolean alreadyUndone(Token t, boolean everything) {
        String source = "resubscribed on the unsubscribe page (campaign #" + t.campaign() + ")";
        return subscribers.subscriptionsOf(t.subscriber()).stream().anyMatch(s -> (everything || s.listId() == t.extra())
                && Subscription.CONFIRMED.equals(s.status()) && source.equals(s.consentSource()));
    }

    private Optional<Token> token(Context ctx, Token.Purpose purpose) {
        Optional<Token> t = tracker.verify(ctx.pathParam("token"), purpose);
        if (t.isEmpty()) {
            pages.message(ctx, 404, "Link not recognised", BAD_LINK);
        }
        return t;
    }

    private Optional<Subscriber> subscriber(Context ctx, Token t) {
        Optional<Subscriber> s = t.subscriber() == 0 ? Optional.empty()
                : subscribers.findById(t.subscriber()).filter(x -> !"erased".equals(x.status()));
        if (s.isEmpty()) {
            pages.message(ctx, 404, "Not available", GONE);
        }
        return s;
    }

    private String listName(Token t) {
        return subscribers.listById(t.extra()).map(l -> l.name()).orElse("this newsletter");
    }
}
