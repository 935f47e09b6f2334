package dev.letterpress.issue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The section types found in {@code email/sections/}: every {@code <type>.json} schema that has both templates
 * next to it. Adding a type means dropping in three files; no Java changes.
 */
public final class SectionTypes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, SectionType> types;

    private SectionTypes(Map<String, SectionType> types) {
        this.types = Collections.unmodifiableMap(types);
    }

    /** Loads from {@code <templateRoot>/email/sections}; a broken schema stops start-up with its file name. */
    public static SectionTypes load(Path templateRoot) {
        Path dir = templateRoot.resolve("email").resolve("sections");
        Map<String, SectionType> types = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path schema : (Iterable<Path>) files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted()::iterator) {
                String file = schema.getFileName().toString();
                String name = file.substring(0, file.length() - ".json".length());
                if (!Files.exists(dir.resolve(name + ".ftlh")) || !Files.exists(dir.resolve(name + ".ftl"))) {
                    throw new IllegalStateException("section type '" + name + "' needs both " + name + ".ftlh and " + name + ".ftl in " + dir);
                }
                JsonNode root;
                try {
                    root = JSON.readTree(Files.readString(schema));
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read section schema " + schema + ": " + e.getMessage(), e);
                }
                types.put(name, new SectionType(name, root.path("label").asText(name), root.path("description").asText(""),
                        fields(root.path("fields"), schema + " fields")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list section types in " + dir, e);
        }
        if (types.isEmpty()) {
            throw new IllegalStateException("no section types (*.json + .ftlh + .ftl) in " + dir);
        }
        return new SectionTypes(types);
    }

    private static Map<String, FieldSpec> fields(JsonNode node, String where) {
        if (!node.isObject() || node.isEmpty()) {
            throw new IllegalStateException(where + ": expected an object of field definitions");
        }
        Map<String, FieldSpec> fields = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode spec = e.getValue();
            String typeName = spec.path("type").asText("");
            FieldSpec.Type type;
            try {
                type = FieldSpec.Type.valueOf(typeName.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ex) {
                throw new IllegalStateException(where + "." + e.getKey() + ": unknown field type '" + typeName
                        + "'; use text, markdown, url, datetime, zone or list");
            }
            Map<String, FieldSpec> items = type == FieldSpec.Type.LIST
                    ? fields(spec.path("item").path("fields"), where + "." + e.getKey() + ".item.fields") : Map.of();
            fields.put(e.getKey(), new FieldSpec(e.getKey(), type, spec.path("required").asBoolean(false),
                    spec.path("maxLength").asInt(type == FieldSpec.Type.TEXT ? 500 : 20_000),
                    spec.path("minItems").asInt(0), spec.hasNonNull("zoneField") ? spec.get("zoneField").asText() : null, items,
                    spec.path("label").asText(e.getKey())));
        }
        return fields;
    }

    public SectionType get(String name) {
        return types.get(name);
    }

    public Map<String, SectionType> all() {
        return types;
    }
}
