package dev.letterpress.db;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named queries from a resource file {@code sql/<concern>.sql}, split at lines {@code -- name: some-name}.
 * Loaded at start-up, so a missing query fails at boot rather than mid-send.
 */
public final class Sql {
    private final String concern;
    private final Map<String, String> queries;

    private Sql(String concern, Map<String, String> queries) {
        this.concern = concern;
        this.queries = queries;
    }

    public static Sql load(String concern) {
        String resource = "/sql/" + concern + ".sql";
        String text;
        try (InputStream in = Sql.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing SQL resource " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
        Map<String, String> queries = new LinkedHashMap<>();
        String name = null;
        StringBuilder body = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("-- name:")) {
                if (name != null) {
                    queries.put(name, body.toString().strip());
                }
                name = trimmed.substring("-- name:".length()).strip();
                body.setLength(0);
            } else if (name != null && !trimmed.startsWith("--")) {
                body.append(line).append('\n');
            }
        }
        if (name != null) {
            queries.put(name, body.toString().strip());
        }
        return new Sql(concern, Map.copyOf(queries));
    }

    public String get(String name) {
        String q = queries.get(name);
        if (q == null) {
            throw new IllegalStateException("no query '" + name + "' in sql/" + concern + ".sql");
        }
        return q;
    }
}
