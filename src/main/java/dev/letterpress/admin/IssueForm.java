package dev.letterpress.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.letterpress.issue.FieldSpec;
import dev.letterpress.issue.SectionType;
import dev.letterpress.issue.SectionTypes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The composer's form, generated from the section schemas (so a section type dropped into templates/email/sections/
 * gets its form with no Java change), and read back into the issue document. Field names mirror the document:
 * {@code s.2.items.1.headline} is {@code sections[2].items[1].headline}, the path validation reports problems at.
 * Counts travel in the form too ({@code sections}, {@code s.2.items.n}), so rows can be added and removed.
 */
final class IssueForm {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SectionTypes types;

    IssueForm(SectionTypes types) {
        this.types = types;
    }

    /** The issue document the submitted form describes; empty fields are left out (validation then says "required"). */
    ObjectNode read(Map<String, List<String>> form) {
        ObjectNode doc = NODES.objectNode();
        put(doc, "name", value(form, "name"));
        put(doc, "subject", value(form, "subject"));
        put(doc, "preheader", value(form, "preheader"));
        ObjectNode sender = doc.putObject("sender");
        put(sender, "name", value(form, "sender.name"));
        put(sender, "email", value(form, "sender.email"));
        ArrayNode sections = doc.putArray("sections");
        int n = count(form, "sections");
        for (int i = 0; i < n; i++) {
            String type = value(form, "s." + i + ".type");
            SectionType t = type == null ? null : types.get(type);
            if (t == null) {
                continue;
            }
            ObjectNode section = sections.addObject();
            section.put("type", type);
            readFields(form, "s." + i + ".", t.fields(), section);
        }
        return doc;
    }

    private void readFields(Map<String, List<String>> form, String prefix, Map<String, FieldSpec> specs, ObjectNode into) {
        for (FieldSpec f : specs.values()) {
            if (f.type() == FieldSpec.Type.LIST) {
                ArrayNode items = into.putArray(f.name());
                int m = count(form, prefix + f.name() + ".n");
                for (int j = 0; j < m; j++) {
                    readFields(form, prefix + f.name() + "." + j + ".", f.itemFields(), items.addObject());
                }
            } else {
                put(into, f.name(), value(form, prefix + f.name()));
            }
        }
    }

    /**
     * Applies a structural button of the form: {@code add}, {@code up:I}, {@code down:I}, {@code move:FROM:TO}, {@code remove:I},
     * {@code additem:I:FIELD}, {@code removeitem:I:FIELD:J}. Returns false for any other action.
     */
    boolean apply(String action, String addType, ObjectNode doc) {
        ArrayNode sections = (ArrayNode) doc.get("sections");
        String[] a = action.split(":");
        try {
            switch (a[0]) {
                case "add" -> {
                    SectionType t = types.get(addType == null ? "" : addType);
                    if (t == null) {
                        throw new IllegalArgumentException("choose a section type to add");
                    }
                    ObjectNode s = sections.addObject();
                    s.put("type", t.name());
                    addEmptyItems(t.fields(), s);
                }
                case "up", "down" -> {
                    int i = Integer.parseInt(a[1]);
                    int j = a[0].equals("up") ? i - 1 : i + 1;
                    if (i >= 0 && j >= 0 && i < sections.size() && j < sections.size()) {
                        JsonNode x = sections.get(i);
                        sections.set(i, sections.get(j));
                        sections.set(j, x);
                    }
                }
                case "move" -> { // drag and drop: section FROM to position TO
                    int from = Integer.parseInt(a[1]);
                    int to = Integer.parseInt(a[2]);
                    if (from < 0 || to < 0 || from >= sections.size() || to >= sections.size()) {
                        throw new IndexOutOfBoundsException(action);
                    }
                    JsonNode moved = sections.remove(from);
                    sections.insert(to, moved);
                }
                case "remove" -> {
                    if (sections.remove(Integer.parseInt(a[1])) == null) {
                        throw new IndexOutOfBoundsException(a[1]);
                    }
                }
                case "additem" -> {
                    ObjectNode s = (ObjectNode) sections.get(Integer.parseInt(a[1]));
                    FieldSpec f = types.get(s.get("type").asText()).fields().get(a[2]);
                    ArrayNode items = s.has(a[2]) ? (ArrayNode) s.get(a[2]) : s.putArray(a[2]);
                    ObjectNode item = items.addObject();
                    addEmptyItems(f.itemFields(), item);
                }
                case "removeitem" -> {
                    if (((ArrayNode) sections.get(Integer.parseInt(a[1])).get(a[2])).remove(Integer.parseInt(a[3])) == null) {
                        throw new IndexOutOfBoundsException(a[3]);
                    }
                }
                default -> {
                    return false;
                }
            }
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && !(e instanceof NumberFormatException)) {
                throw iae;
            }
            throw new IllegalArgumentException("the form was changed while it was being sent; reload the page and try again");
        }
        return true;
    }

    /** A new section or row starts with one empty row in each of its lists, so there is something to fill in. */
    private static void addEmptyItems(Map<String, FieldSpec> specs, ObjectNode into) {
        for (FieldSpec f : specs.values()) {
            if (f.type() == FieldSpec.Type.LIST) {
                addEmptyItems(f.itemFields(), into.putArray(f.name()).addObject());
            }
        }
    }

    /** The template's model of the document's sections, each field with its value, form name, path and problem. */
    List<Map<String, Object>> sections(JsonNode doc, Map<String, String> problems) {
        List<Map<String, Object>> out = new ArrayList<>();
        JsonNode sections = doc.path("sections");
        for (int i = 0; i < sections.size(); i++) {
            JsonNode s = sections.get(i);
            SectionType t = types.get(s.path("type").asText());
            if (t == null) {
                continue;
            }
            String path = "sections[" + i + "]";
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", i);
            m.put("type", t.name());
            m.put("label", t.label());
            m.put("description", t.description());
            m.put("problem", problems.getOrDefault(path, ""));
            m.put("fields", fields(s, t.fields(), "s." + i + ".", path, problems));
            out.add(m);
        }
        return out;
    }

    private List<Map<String, Object>> fields(JsonNode node, Map<String, FieldSpec> specs, String prefix, String path, Map<String, String> problems) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (FieldSpec f : specs.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            String at = path + "." + f.name();
            m.put("name", prefix + f.name());
            m.put("id", (prefix + f.name()).replace('.', '-'));
            m.put("path", at);
            m.put("label", f.label());
            m.put("kind", f.type().name().toLowerCase(java.util.Locale.ROOT));
            m.put("required", f.required());
            m.put("problem", problems.getOrDefault(at, ""));
            if (f.type() == FieldSpec.Type.LIST) {
                List<Map<String, Object>> items = new ArrayList<>();
                JsonNode list = node.path(f.name());
                for (int j = 0; j < list.size(); j++) {
                    items.add(Map.of("index", j, "problem", problems.getOrDefault(at + "[" + j + "]", ""),
                            "fields", fields(list.get(j), f.itemFields(), prefix + f.name() + "." + j + ".", at + "[" + j + "]", problems)));
                }
                m.put("items", items);
                m.put("value", "");
            } else {
                m.put("value", node.path(f.name()).asText(""));
            }
            out.add(m);
        }
        return out;
    }

    List<Map<String, String>> typeChoices() {
        return types.all().values().stream().map(t -> Map.of("name", t.name(), "label", t.label())).toList();
    }

    static String value(Map<String, List<String>> form, String name) {
        List<String> v = form.get(name);
        if (v == null || v.isEmpty() || v.get(0) == null) {
            return null;
        }
        // browsers send CRLF in textareas; the document keeps plain LF
        String s = v.get(0).replace("\r\n", "\n");
        return s.isBlank() ? null : s;
    }

    private static int count(Map<String, List<String>> form, String name) {
        try {
            int n = Integer.parseInt(String.valueOf(value(form, name)));
            return Math.max(0, Math.min(n, 200));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void put(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
