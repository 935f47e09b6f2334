package dev.letterpress.api;

import dev.letterpress.subscriber.EmailAddress;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.Subscriber;
import dev.letterpress.subscriber.SubscriberStore;
import dev.letterpress.subscriber.Subscription;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Subscribers: search, create, read, update, erase. Import and export are in {@link CsvTransfer}. */
final class SubscribersApi {
    static final Set<String> SUBSCRIPTION_STATUSES = Set.of(Subscription.CONFIRMED, Subscription.UNCONFIRMED, Subscription.UNSUBSCRIBED);
    private static final int MAX_ATTRIBUTES = 100;
    private static final int MAX_VALUE = 1_000;

    record Page(List<SubscriberQueries.Row> items, String next) {}

    private final SubscriberStore store;
    private final SubscriberQueries queries;
    private final Api.Limits limits;

    private final dev.letterpress.subscriber.DataRights rights;

    SubscribersApi(SubscriberStore store, SubscriberQueries queries, dev.letterpress.subscriber.DataRights rights, Api.Limits limits) {
        this.rights = rights;
        this.store = store;
        this.queries = queries;
        this.limits = limits;
    }

    /** GET /api/subscribers?email=&attribute=name:value&list=&status=&limit=&after= */
    void search(Context ctx) {
        var filter = filter(ctx, store);
        int limit = Body.intQuery(ctx, "limit", 100, 1, 1000);
        SubscriberQueries.Page page;
        try {
            page = queries.page(filter, ctx.queryParam("after"), limit, true);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("after", e.getMessage());
        }
        Json.send(ctx, 200, new Page(page.rows(), page.next()));
    }

    /** The search filters from the query string; export uses the same. */
    static SubscriberQueries.Filter filter(Context ctx, SubscriberStore store) {
        String email = ctx.queryParam("email");
        if (email != null && (email.isBlank() || email.length() > 320)) {
            throw ApiError.badRequest("email", "1 to 320 characters of the address to look for");
        }
        String attribute = ctx.queryParam("attribute");
        String attrName = null;
        String attrValue = null;
        if (attribute != null) {
            int colon = attribute.indexOf(':');
            if (colon <= 0) {
                throw ApiError.badRequest("attribute", "use name:value, e.g. attribute=city:Berlin");
            }
            attrName = attribute.substring(0, colon);
            attrValue = attribute.substring(colon + 1);
        }
        Long listId = null;
        String list = ctx.queryParam("list");
        if (list != null) {
            listId = store.findList(list).orElseThrow(() -> ApiError.badRequest("list", "no list named '" + Body.abbreviate(list) + "'")).id();
        }
        String status = ctx.queryParam("status");
        if (status != null && !SUBSCRIPTION_STATUSES.contains(status)) {
            throw ApiError.badRequest("status", "one of confirmed, unconfirmed, unsubscribed");
        }
        return new SubscriberQueries.Filter(email, attrName, attrValue, listId, status);
    }

    /** POST /api/subscribers: a new address onto one or more lists, with the status given (no default: consent is explicit). */
    void create(Context ctx) {
        Body body = Json.object(ctx, limits.maxBodyBytes()).only("email", "name", "attributes", "lists", "status");
        String email = body.requireString("email", 320);
        String problem = EmailAddress.problem(email);
        if (problem != null) {
            throw ApiError.badRequest("email", problem);
        }
        String name = body.string("name", false, 500);
        Map<String, String> attributes = body.stringMap("attributes", MAX_ATTRIBUTES, MAX_VALUE);
        List<MailingList> lists = ListsApi.resolve(store, body.strings("lists", true, 100, 200), "lists");
        String status = body.requireString("status", 20);
        if (!Subscription.CONFIRMED.equals(status) && !Subscription.UNCONFIRMED.equals(status)) {
            throw ApiError.badRequest("status", "confirmed (consent already given) or unconfirmed");
        }
        store.findByEmail(email).ifPresent(s -> {
            throw ApiError.conflict("email", "a subscriber with this address already exists (id " + s.id() + "); change it with PATCH /api/subscribers/" + s.id());
        });
        Subscriber s = null;
        for (MailingList list : lists) {
            s = store.addToList(list.id(), email, name, attributes, status, Api.actor(ctx));
        }
        Json.send(ctx, 201, view(s.id()));
    }

    void get(Context ctx) {
        Json.send(ctx, 200, view(Body.id(ctx, "id")));
    }

    /**
     * PATCH /api/subscribers/{id}: name (null clears), attributes (replace all), status (active | blocked) and
     * subscriptions ([{list, status}]: each list's status is set, the subscription made if missing).
     */
    void update(Context ctx) {
        long id = Body.id(ctx, "id");
        Subscriber s = require(id);
        Body body = Json.object(ctx, limits.maxBodyBytes()).only("name", "attributes", "status", "subscriptions");
        String name = body.present("name") ? body.string("name", false, 500) : s.name();
        Map<String, String> attributes = body.present("attributes") ? body.stringMap("attributes", MAX_ATTRIBUTES, MAX_VALUE) : null;
        String status = body.string("status", false, 20);
        if (status != null && !status.equals("active") && !status.equals("blocked")) {
            throw ApiError.badRequest("status", "active or blocked");
        }
        List<Map.Entry<MailingList, String>> changes = new ArrayList<>();
        for (Body sub : body.objects("subscriptions", 100)) {
            sub.only("list", "status");
            String listName = sub.requireString("list", 200);
            MailingList list = store.findList(listName).orElseThrow(() -> ApiError.badRequest(sub.at("list"), "no list named '" + listName + "'"));
            String st = sub.requireString("status", 20);
            if (!SUBSCRIPTION_STATUSES.contains(st)) {
                throw ApiError.badRequest(sub.at("status"), "one of confirmed, unconfirmed, unsubscribed");
            }
            changes.add(Map.entry(list, st));
        }
        // everything is checked before anything is written
        if (body.present("name")) {
            store.rename(id, name);
        }
        if (attributes != null) {
            queries.setAttributes(id, attributes);
        }
        if (status != null) {
            queries.setStatus(id, status);
        }
        for (var change : changes) {
            store.addToList(change.getKey().id(), s.email(), name, s.attributes(), change.getValue(), Api.actor(ctx));
        }
        Json.send(ctx, 200, view(id));
    }

    /**
     * DELETE /api/subscribers/{id}: erasure, the same as the subscriber's own from the preference centre (see
     * DataRights): personal data replaced, counts kept without the person, a keyed hash of the address kept.
     */
    void erase(Context ctx) {
        long id = Body.id(ctx, "id");
        require(id);
        rights.erase(id, "api: " + Api.actor(ctx), null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("erased", id);
        Json.send(ctx, 200, out);
    }

    private Subscriber require(long id) {
        return store.findById(id).orElseThrow(() -> ApiError.notFound("no subscriber #" + id));
    }

    private Map<String, Object> view(long id) {
        Subscriber s = require(id);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", s.id());
        out.put("email", s.email());
        out.put("name", s.name());
        out.put("attributes", s.attributes());
        out.put("status", s.status());
        out.put("suppressed", store.isSuppressed(s.email()));
        out.put("createdAt", queries.createdAt(id));
        out.put("subscriptions", store.subscriptionsOf(id).stream()
                .map(x -> new SubscriberQueries.Subscription(x.listName(), x.status(), x.consentAt(), x.consentSource())).toList());
        return out;
    }
}
