package dev.letterpress.web;

import dev.letterpress.delivery.CampaignStore;
import dev.letterpress.subscriber.Subscriber;
import dev.letterpress.subscriber.SubscriberStore;
import dev.letterpress.subscriber.Subscription;
import dev.letterpress.tracking.Token;
import dev.letterpress.tracking.Tracker;
import freemarker.template.TemplateException;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Web view, unsubscribe and preferences. A GET never changes anything (link scanners fetch every URL in
 * a mail); only a POST does, including the RFC 8058 one-click POST, which needs no cookie or page.
 */
final class SubscriberRoutes {
    private static final String BAD_LINK = "This link is incomplete or has been changed. Please use the link exactly as it appears in the email.";

    private final Tracker tracker;
    private final SubscriberStore subscribers;
    private final CampaignStore campaigns;
    private final CampaignViews views;
    private final Pages pages;

    SubscriberRoutes(Tracker tracker, SubscriberStore subscribers, CampaignStore campaigns, CampaignViews views, Pages pages) {
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
        tracker.unsubscribe(t.get(), everything, oneClick ? "one-click (RFC 8058)" : "unsubscribe page");
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
        tracker.resubscribe(t.get(), scope.equals("all"));
        pages.render(ctx, 200, "resubscribed", Map.of("listName", listName(t.get()), "scope", scope));
    }

    void preferences(Context ctx) {
        Optional<Token> t = token(ctx, Token.Purpose.PREFERENCES);
        Optional<Subscriber> s = t.flatMap(v -> subscriber(ctx, v));
        if (s.isPresent()) {
            renderPreferences(ctx, s.get(), false);
        }
    }

    void savePreferences(Context ctx) {
        Optional<Token> t = token(ctx, Token.Purpose.PREFERENCES);
        Optional<Subscriber> s = t.flatMap(v -> subscriber(ctx, v));
        if (s.isEmpty()) {
            return;
        }
        long id = s.get().id();
        if ("leave".equals(ctx.formParam("action"))) {
            tracker.unsubscribe(new Token(Token.Purpose.UNSUBSCRIBE, t.get().campaign(), id, 0), true, "preferences page");
        } else {
            String name = ctx.formParam("name");
            if (name != null && !name.isBlank() && name.length() <= 500 && name.chars().noneMatch(Character::isISOControl)) {
                subscribers.rename(id, name.strip());
            }
            Set<Long> wanted = ctx.formParams("list").stream().filter(v -> v.matches("\\d{1,18}")).map(Long::parseLong).collect(Collectors.toSet());
            for (Subscription sub : subscribers.subscriptionsOf(id)) {
                String status = wanted.contains(sub.listId()) ? Subscription.CONFIRMED : Subscription.UNSUBSCRIBED;
                subscribers.setStatus(sub.listId(), id, status, "preferences page (campaign #" + t.get().campaign() + ")");
            }
        }
        renderPreferences(ctx, subscribers.findById(id).orElseThrow(), true);
    }

    private void renderPreferences(Context ctx, Subscriber s, boolean saved) {
        List<Map<String, Object>> lists = subscribers.subscriptionsOf(s.id()).stream()
                .map(sub -> Map.<String, Object>of("id", sub.listId(), "name", sub.listName(),
                        "subscribed", Subscription.CONFIRMED.equals(sub.status())))
                .toList();
        Map<String, Object> model = new HashMap<>();
        model.put("email", Pages.mask(s.email()));
        if (s.name() != null) {
            model.put("name", s.name());
        }
        model.put("lists", lists);
        model.put("actionUrl", "/p/" + ctx.pathParam("token"));
        model.put("saved", saved);
        pages.render(ctx, 200, "preferences", model);
    }

    private Optional<Token> token(Context ctx, Token.Purpose purpose) {
        Optional<Token> t = tracker.verify(ctx.pathParam("token"), purpose);
        if (t.isEmpty()) {
            pages.message(ctx, 404, "Link not recognised", BAD_LINK);
        }
        return t;
    }

    private Optional<Subscriber> subscriber(Context ctx, Token t) {
        Optional<Subscriber> s = t.subscriber() == 0 ? Optional.empty() : subscribers.findById(t.subscriber());
        if (s.isEmpty()) {
            pages.message(ctx, 404, "Not available", "This is a shared copy of the newsletter, or the subscription no longer exists.");
        }
        return s;
    }

    private String listName(Token t) {
        return subscribers.listById(t.extra()).map(l -> l.name()).orElse("this newsletter");
    }
}
