package dev.letterpress.api;

import dev.letterpress.apikey.ApiKeys;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** API keys over the API itself: list, create (the secret is in this one answer only), revoke. */
final class KeysApi {
    private final ApiKeys keys;
    private final Api.Limits limits;

    KeysApi(ApiKeys keys, Api.Limits limits) {
        this.keys = keys;
        this.limits = limits;
    }

    void all(Context ctx) {
        Json.send(ctx, 200, keys.all().stream().map(KeysApi::view).toList());
    }

    void create(Context ctx) {
        Body body = Json.object(ctx, limits.maxBodyBytes()).only("name");
        String name = body.requireString("name", 100);
        String problem = ApiKeys.nameProblem(name);
        if (problem != null) {
            throw ApiError.badRequest("name", problem);
        }
        if (keys.find(name).isPresent()) {
            throw ApiError.conflict("name", "a key named '" + name + "' already exists (names of revoked keys are kept too)");
        }
        ApiKeys.Created created = keys.create(name);
        Map<String, Object> out = view(created.key());
        out.put("key", created.secret());
        out.put("note", "store this key now: it is not shown again");
        Json.send(ctx, 201, out);
    }

    void revoke(Context ctx) {
        String name = ctx.pathParam("name");
        if (keys.find(name).isEmpty()) {
            throw ApiError.notFound("no API key named '" + Body.abbreviate(name) + "'");
        }
        if (!keys.revoke(name)) {
            throw ApiError.conflict("name", "the key '" + name + "' is already revoked");
        }
        Json.send(ctx, 200, view(keys.find(name).orElseThrow()));
    }

    private static Map<String, Object> view(ApiKeys.Key k) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", k.name());
        out.put("prefix", k.prefix());
        out.put("active", k.active());
        out.put("createdAt", k.createdAt());
        out.put("lastUsedAt", k.lastUsedAt());
        out.put("revokedAt", k.revokedAt());
        return out;
    }
}
