package dev.letterpress.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON object from a request, read field by field. Every getter checks type and bounds and fails with a 400
 * naming the field by its path ({@code lists[0]}, {@code attributes.city}), so handlers stay one line per field.
 */
final class Body {
    private final JsonNode node;
    private final String path;

    Body(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    String at(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** Fails on the first field not in {@code allowed}: a typo must not be silently ignored. */
    Body only(String... allowed) {
        Set<String> known = Set.of(allowed);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw ApiError.badRequest(at(f), "unknown field; allowed here: " + String.join(", ", Arrays.asList(allowed)));
            }
        }
        return this;
    }

    /** Present, even as null (PATCH: null clears). */
    boolean present(String field) {
        return node.has(field);
    }

    String string(String field, boolean required, int max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiError.badRequest(at(field), "required");
            }
            return null;
        }
        return text(v, at(field), max);
    }

    String requireString(String field, int max) {
        return string(field, true, max);
    }

    Long longValue(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber()) {
            throw ApiError.badRequest(at(field), "must be a whole number");
        }
        return v.asLong();
    }

    boolean bool(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw ApiError.badRequest(at(field), "must be true or false");
        }
        return v.asBoolean();
    }

    /** A list of strings; {@code required} means present and non-empty. */
    List<String> strings(String field, boolean required, int maxItems, int maxLength) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiError.badRequest(at(field), "required: a non-empty list");
            }
            return List.of();
        }
        if (!v.isArray()) {
            throw ApiError.badRequest(at(field), "must be a list of strings");
        }
        if (required && v.isEmpty()) {
            throw ApiError.badRequest(at(field), "must not be empty");
        }
        if (v.size() > maxItems) {
            throw ApiError.badRequest(at(field), "at most " + maxItems + " items");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(text(v.get(i), at(field) + "[" + i + "]", maxLength));
        }
        return out;
    }

    /** An object of string values (numbers and booleans are taken as their text). */
    Map<String, String> stringMap(String field, int maxEntries, int maxLength) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw ApiError.badRequest(at(field), "must be an object of strings, e.g. {\"city\": \"Berlin\"}");
        }
        if (v.size() > maxEntries) {
            throw ApiError.badRequest(at(field), "at most " + maxEntries + " entries");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var it = v.fields(); it.hasNext(); ) {
            var e = it.next();
            String where = at(field) + "." + e.getKey();
            if (e.getKey().isBlank() || e.getKey().length() > 100 || e.getKey().chars().anyMatch(Character::isISOControl)) {
                throw ApiError.badRequest(where, "an attribute name is 1 to 100 printable characters");
            }
            if (e.getKey().strip().equalsIgnoreCase("email") || e.getKey().strip().equalsIgnoreCase("name")) {
                // the CSV export writes email and name as its own first columns: an attribute of that name would
                // make a second column of it, and the file would not import again
                throw ApiError.badRequest(where, "'" + e.getKey() + "' is the subscriber's own field, not an attribute: send it at the top level");
            }
            JsonNode value = e.getValue();
            if (!value.isValueNode() || value.isNull()) {
                throw ApiError.badRequest(where, "must be a string");
            }
            out.put(e.getKey(), text(value.isTextual() ? value : TextNode.valueOf(value.asText()), where, maxLength));
        }
        return out;
    }

    /** A list of objects, each read as a Body with its index in the path. */
    List<Body> objects(String field, int maxItems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw ApiError.badRequest(at(field), "must be a list of objects");
        }
        if (v.size() > maxItems) {
            throw ApiError.badRequest(at(field), "at most " + maxItems + " items");
        }
        List<Body> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isObject()) {
                throw ApiError.badRequest(at(field) + "[" + i + "]", "must be an object");
            }
            out.add(new Body(v.get(i), at(field) + "[" + i + "]"));
        }
        return out;
    }

    private static String text(JsonNode v, String where, int max) {
        if (!v.isTextual()) {
            throw ApiError.badRequest(where, "must be a string");
        }
        String s = v.asText();
        if (s.length() > max) {
            throw ApiError.badRequest(where, "longer than " + max + " characters");
        }
        if (s.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw ApiError.badRequest(where, "must be a single line");
        }
        return s;
    }

    // --- query and path parameters: the same rules, named the same way ---

    static long id(Context ctx, String param) {
        String v = ctx.pathParam(param);
        try {
            long id = Long.parseLong(v);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiError.badRequest(param, "'" + abbreviate(v) + "' is not an id (a positive whole number)");
    }

    static int intQuery(Context ctx, String param, int dflt, int min, int max) {
        String v = ctx.queryParam(param);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiError.badRequest(param, "must be a whole number from " + min + " to " + max);
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
