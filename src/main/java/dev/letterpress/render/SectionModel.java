package dev.letterpress.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.letterpress.issue.FieldSpec;
import freemarker.core.HTMLOutputFormat;
import freemarker.template.TemplateModelException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A section's validated JSON as a template model: Markdown becomes safe HTML markup for {@code .ftlh} and
 * plain text for {@code .ftl}; a date-time with a zone field becomes a hash of ready-formatted parts.
 * Absent optional fields stay absent, so templates must guard them ({@code !} or {@code ??}).
 */
final class SectionModel {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter ZONE = DateTimeFormatter.ofPattern("zzz (VV)", Locale.ENGLISH);

    private SectionModel() {}

    static Map<String, Object> of(ObjectNode fields, Map<String, FieldSpec> specs, boolean html) throws TemplateModelException {
        Map<String, Object> model = new LinkedHashMap<>();
        for (FieldSpec spec : specs.values()) {
            JsonNode value = fields.get(spec.name());
            if (value == null || value.isNull()) {
                continue;
            }
            model.put(spec.name(), switch (spec.type()) {
                case MARKDOWN -> html ? HTMLOutputFormat.INSTANCE.fromMarkup(Markdown.html(value.asText())) : Markdown.text(value.asText());
                case DATETIME -> dateTime(value.asText(), spec.zoneField() == null ? null : fields.path(spec.zoneField()).asText(null));
                case LIST -> list(value, spec.itemFields(), html);
                default -> value.asText();
            });
        }
        return model;
    }

    private static List<Map<String, Object>> list(JsonNode items, Map<String, FieldSpec> specs, boolean html) throws TemplateModelException {
        List<Map<String, Object>> out = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            out.add(of((ObjectNode) item, specs, html));
        }
        return out;
    }

    private static Map<String, String> dateTime(String iso, String zone) {
        LocalDateTime local = LocalDateTime.parse(iso);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("date", DATE.format(local));
        m.put("time", TIME.format(local));
        if (zone == null) {
            m.put("iso", local.toString());
            m.put("display", DATE.format(local) + ", " + TIME.format(local));
        } else {
            ZonedDateTime zoned = local.atZone(ZoneId.of(zone));
            m.put("iso", zoned.toOffsetDateTime().toString());
            m.put("zone", zone);
            m.put("display", DATE.format(local) + ", " + TIME.format(local) + " " + ZONE.format(zoned));
        }
        return m;
    }
}
