package dev.letterpress.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.letterpress.issue.SectionTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The composer's form is generated from the section schemas: a new type gets its form, rows and all, with no Java change. */
class IssueFormTest {
    @TempDir
    Path templates;

    @Test
    void aDroppedInSectionTypeGetsAFormWhoseValuesReadBackIntoTheDocument() throws Exception {
        Path sections = Files.createDirectories(templates.resolve("email").resolve("sections"));
        Files.writeString(sections.resolve("quotes.json"), """
                {"label": "Quotes of the week", "fields": {
                  "intro": {"type": "markdown", "label": "Introduction"},
                  "quotes": {"type": "list", "required": true, "minItems": 1, "label": "Quotes",
                    "item": {"fields": {"text": {"type": "text", "required": true, "label": "Quote"},
                                        "source": {"type": "url", "label": "Where it was said"}}}}}}""");
        Files.writeString(sections.resolve("quotes.ftlh"), "<#list section.quotes as q>${q.text}</#list>");
        Files.writeString(sections.resolve("quotes.ftl"), "<#list section.quotes as q>${q.text}</#list>");
        IssueForm form = new IssueForm(SectionTypes.load(templates));

        ObjectNode doc = AdminView.JSON.createObjectNode();
        doc.putArray("sections");
        form.apply("add", "quotes", doc);
        form.apply("additem:0:quotes", null, doc);
        var model = form.sections(doc, Map.of("sections[0].quotes[1].text", "required"));
        assertThat(model).hasSize(1);
        assertThat(model.get(0)).containsEntry("label", "Quotes of the week");
        @SuppressWarnings("unchecked")
        var fields = (List<Map<String, Object>>) model.get(0).get("fields");
        assertThat(fields).extracting(f -> f.get("label")).containsExactly("Introduction", "Quotes");
        assertThat(fields.get(0)).containsEntry("kind", "markdown").containsEntry("name", "s.0.intro");
        @SuppressWarnings("unchecked")
        var rows = (List<Map<String, Object>>) fields.get(1).get("items");
        assertThat(rows).hasSize(2);
        @SuppressWarnings("unchecked")
        var second = (List<Map<String, Object>>) rows.get(1).get("fields");
        assertThat(second.get(0)).containsEntry("name", "s.0.quotes.1.text").containsEntry("path", "sections[0].quotes[1].text")
                .containsEntry("problem", "required");

        Map<String, List<String>> submitted = new HashMap<>();
        submitted.put("subject", List.of("S"));
        submitted.put("sections", List.of("1"));
        submitted.put("s.0.type", List.of("quotes"));
        submitted.put("s.0.intro", List.of("Said\r\nthis week"));
        submitted.put("s.0.quotes.n", List.of("2"));
        submitted.put("s.0.quotes.0.text", List.of("First"));
        submitted.put("s.0.quotes.1.text", List.of("  "));
        ObjectNode read = form.read(submitted);
        assertThat(read.at("/sections/0/intro").asText()).as("CRLF from a textarea becomes LF").isEqualTo("Said\nthis week");
        assertThat(read.at("/sections/0/quotes/0/text").asText()).isEqualTo("First");
        assertThat(read.at("/sections/0/quotes/1").has("text")).as("blank is left out, so validation says required").isFalse();
    }

    @Test
    void sectionsMoveAndRowsGoAway() {
        IssueForm form = new IssueForm(SectionTypes.load(Path.of("templates")));
        ObjectNode doc = AdminView.JSON.createObjectNode();
        doc.putArray("sections");
        form.apply("add", "lead", doc);
        form.apply("add", "stories", doc);
        form.apply("add", "events", doc);
        form.apply("up:2", null, doc);
        assertThat(types(doc)).containsExactly("lead", "events", "stories");
        form.apply("down:0", null, doc);
        assertThat(types(doc)).containsExactly("events", "lead", "stories");
        form.apply("up:0", null, doc); // already first: nothing moves
        assertThat(types(doc)).containsExactly("events", "lead", "stories");
        form.apply("move:0:2", null, doc);
        assertThat(types(doc)).containsExactly("lead", "stories", "events");
        form.apply("move:2:0", null, doc);
        assertThat(types(doc)).containsExactly("events", "lead", "stories");
        form.apply("additem:2:items", null, doc);
        assertThat(doc.at("/sections/2/items").size()).isEqualTo(2);
        form.apply("removeitem:2:items:0", null, doc);
        assertThat(doc.at("/sections/2/items").size()).isEqualTo(1);
        form.apply("remove:1", null, doc);
        assertThat(types(doc)).containsExactly("events", "stories");
        assertThat(form.apply("save", null, doc)).isFalse();
        assertThatThrownBy(() -> form.apply("add", "no-such-type", doc)).hasMessageContaining("choose a section type");
        assertThatThrownBy(() -> form.apply("remove:9", null, doc)).hasMessageContaining("reload the page");
    }

    private static List<String> types(ObjectNode doc) {
        List<String> out = new java.util.ArrayList<>();
        doc.get("sections").forEach(s -> out.add(s.get("type").asText()));
        return out;
    }
}
