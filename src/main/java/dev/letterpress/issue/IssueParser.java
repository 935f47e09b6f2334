package dev.letterpress.issue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.letterpress.subscriber.EmailAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns issue JSON into an {@link Issue}, checking it against the section schemas. Every problem is collected
 * with its path, so one run tells the author everything; nothing is returned unless all of it is right.
 * Template errors are found by the renderer's check, which runs after this.
 */
public final class IssueParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP_LEVEL = Set.of("subject", "preheader", "sender", "sections", "name");
    private static final int MAX_SUBJECT = 250;

    private final SectionTypes types;

    public IssueParser(SectionTypes types) {
        this.types = types;
    }

    public Issue parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": ";
            throw new IssueInvalidException(List.of(new Problem("", where + "malformed JSON: " + e.getOriginalMessage())));
        }
        List<Problem> problems = new ArrayList<>();
        if (root == null || !root.isObject()) {
            throw new IssueInvalidException(List.of(new Problem("", "an issue must be a JSON object with subject, sender and sections")));
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TOP_LEVEL.contains(key)) {
                problems.add(new Problem(key, "unknown field; an issue has subject, preheader, sender and sections"));
            }
        }
        String subject = headerText(root, "subject", true, MAX_SUBJECT, problems);
        String preheader = headerText(root, "preheader", false, MAX_SUBJECT, problems);
        JsonNode senderNode = root.path("sender");
        Issue.Sender sender = null;
        if (!senderNode.isObject()) {
            problems.add(new Problem("sender", "required: an object with name and email"));
        } else {
            String name = headerText(senderNode, "name", true, 100, problems, "sender.");
            String email = text(senderNode, "email");
            if (email == null) {
                problems.add(new Problem("sender.email", "required"));
            } else if (EmailAddress.problem(email) != null) {
                problems.add(new Problem("sender.email", EmailAddress.problem(email)));
            }
            sender = new Issue.Sender(name, email);
        }
        List<Issue.Section> sections = new ArrayList<>();
        JsonNode list = root.path("sections");
        if (!list.isArray() || list.isEmpty()) {
            problems.add(new Problem("sections", "required: a non-empty list of sections"));
        } else {
            for (int i = 0; i < list.size(); i++) {
                Issue.Section s = section(i, list.get(i), problems);
                if (s != null) {
                    sections.add(s);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IssueInvalidException(problems);
        }
        return new Issue(subject, preheader, sender, List.copyOf(sections), json);
    }

    private Issue.Section section(int index, JsonNode node, List<Problem> problems) {
        String path = "sections[" + index + "]";
        if (!node.isObject()) {
            problems.add(new Problem(path, "must be an object with a type"));
            return null;
        }
        String typeName = text(node, "type");
        if (typeName == null) {
            problems.add(new Problem(path + ".type", "required; one of " + String.join(", ", types.all().keySet())));
            return null;
        }
        SectionType type = types.get(typeName);
        if (type == null) {
            problems.add(new Problem(path + ".type", "unknown section type '" + typeName + "'; known types: "
                    + String.join(", ", types.all().keySet())));
            return null;
        }
        ObjectNode fields = ((ObjectNode) node).deepCopy();
        fields.remove("type");
        fields(path, fields, type.fields(), problems);
        return new Issue.Section(index, typeName, fields);
    }

    private void fields(String path, ObjectNode node, Map<String, FieldSpec> specs, List<Problem> problems) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!specs.containsKey(key)) {
                problems.add(new Problem(path + "." + key, "unknown field; this section has " + String.join(", ", specs.keySet())));
            }
        }
        for (FieldSpec spec : specs.values()) {
            String at = path + "." + spec.name();
            JsonNode value = node.get(spec.name());
            if (value == null || value.isNull() || (value.isTextual() && value.asText().isBlank())) {
                if (spec.required()) {
                    problems.add(new Problem(at, "required"));
                }
                node.remove(spec.name());
                continue;
            }
            if (spec.type() == FieldSpec.Type.LIST) {
                list(at, value, spec, problems);
                continue;
            }
            if (!value.isTextual()) {
                problems.add(new Problem(at, "must be a string"));
                continue;
            }
            String s = value.asText();
            String problem = checkValue(spec, s, node);
            if (problem != null) {
                problems.add(new Problem(at, problem));
            }
        }
    }

    private void list(String at, JsonNode value, FieldSpec spec, List<Problem> problems) {
        if (!value.isArray()) {
            problems.add(new Problem(at, "must be a list"));
            return;
        }
        if (value.size() < spec.minItems()) {
            problems.add(new Problem(at, "needs at least " + spec.minItems() + " item" + (spec.minItems() == 1 ? "" : "s")));
        }
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isObject()) {
                problems.add(new Problem(at + "[" + i + "]", "must be an object"));
            } else {
                fields(at + "[" + i + "]", (ObjectNode) item, spec.itemFields(), problems);
            }
        }
    }

    private static String checkValue(FieldSpec spec, String s, ObjectNode siblings) {
        if (s.length() > spec.maxLength()) {
            return "longer than " + spec.maxLength() + " characters";
        }
        switch (spec.type()) {
            case TEXT -> {
                if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0) {
                    return "must be a single line (no line breaks)";
                }
            }
            case URL -> {
                return urlProblem(s);
            }
            case ZONE -> {
                try {
                    ZoneId.of(s);
                } catch (DateTimeException e) {
                    return "'" + s + "' is not a time zone; use an IANA name such as Europe/Berlin or America/New_York";
                }
            }
            case DATETIME -> {
                try {
                    LocalDateTime.parse(s);
                } catch (DateTimeException e) {
                    return "'" + s + "' is not a date and time; use ISO-8601 such as 2026-12-03T18:00";
                }
                if (spec.zoneField() != null && !siblings.hasNonNull(spec.zoneField())) {
                    return "needs its time zone in " + spec.zoneField();
                }
            }
            default -> { }
        }
        return null;
    }

    /** Null when {@code s} is an absolute http(s) URL. */
    public static String urlProblem(String s) {
        try {
            URI uri = new URI(s);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return null;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        return "'" + s + "' is not an absolute http(s) URL";
    }

    private static String headerText(JsonNode node, String field, boolean required, int max, List<Problem> problems) {
        return headerText(node, field, required, max, problems, "");
    }

    /** A value that becomes a mail header: CR or LF would let it inject headers, so it is refused. */
    private static String headerText(JsonNode node, String field, boolean required, int max, List<Problem> problems, String prefix) {
        String value = text(node, field);
        String path = prefix + field;
        if (value == null) {
            if (required) {
                problems.add(new Problem(path, "required"));
            }
            return null;
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            problems.add(new Problem(path, "must not contain line breaks (CR or LF): they could inject mail headers"));
        } else if (value.chars().anyMatch(Character::isISOControl)) {
            problems.add(new Problem(path, "must not contain control characters"));
        } else if (value.length() > max) {
            problems.add(new Problem(path, "longer than " + max + " characters"));
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || !v.isTextual() || v.asText().isBlank() ? null : v.asText();
    }
}
