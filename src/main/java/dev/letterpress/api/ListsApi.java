package dev.letterpress.api;

import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.SubscriberStore;
import io.javalin.http.Context;
import java.util.List;

/** GET and POST /api/lists. */
final class ListsApi {
    record ListView(long id, String name, String description, Long confirmed) {}

    private final SubscriberStore subscribers;
    private final Api.Limits limits;

    ListsApi(SubscriberStore subscribers, Api.Limits limits) {
        this.subscribers = subscribers;
        this.limits = limits;
    }

    void all(Context ctx) {
        List<ListView> out = subscribers.listsWithCounts().stream()
                .map(e -> new ListView(e.getKey().id(), e.getKey().name(), e.getKey().description(), e.getValue())).toList();
        Json.send(ctx, 200, out);
    }

    void create(Context ctx) {
        Body body = Json.object(ctx, limits.maxBodyBytes()).only("name", "description");
        String name = body.requireString("name", 200);
        String description = body.string("description", false, 2000);
        if (name.isBlank()) {
            throw ApiError.badRequest("name", "must not be blank");
        }
        if (subscribers.findList(name).isPresent()) {
            throw ApiError.conflict("name", "a list named '" + name + "' already exists");
        }
        MailingList list;
        try {
            list = subscribers.createList(name, description);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("name", e.getMessage());
        }
        Json.send(ctx, 201, new ListView(list.id(), list.name(), list.description(), 0L));
    }

    /** Resolves list names from a request, naming the failing one by its index. */
    static List<MailingList> resolve(SubscriberStore subscribers, List<String> names, String field) {
        return java.util.stream.IntStream.range(0, names.size()).mapToObj(i -> subscribers.findList(names.get(i))
                .orElseThrow(() -> ApiError.badRequest(field + "[" + i + "]", "no list named '" + names.get(i) + "'"))).toList();
    }
}
