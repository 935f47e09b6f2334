package dev.letterpress.issue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.letterpress.TestSupport;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue JSON against the real section schemas in templates/email/sections: every problem, with its path. */
class IssueParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SectionTypes types;
    private static IssueParser parser;

    @BeforeAll
    static void load() {
        types = SectionTypes.load(Path.of("templates"));
        parser = new IssueParser(types);
    }

    @Test
    void theDemoIssueParses() {
        Issue issue = parser.parse(TestSupport.demoIssue());
        assertThat(issue.subject()).isEqualTo("The written proposal is back (and your standup is nervous)");
        assertThat(issue.sender()).isEqualTo(new Issue.Sender("Build Notes", "news@example.com"));
        assertThat(issue.sections()).hasSize(7);
        assertThat(issue.sections()).extracting(Issue.Section::type)
                .containsExactly("lead", "chart", "stories", "events", "discovery", "links", "image");
        assertThat(issue.sections()).extracting(Issue.Section::path)
                .containsExactly("sections[0]", "sections[1]", "sections[2]", "sections[3]", "sections[4]", "sections[5]", "sections[6]");
        // the section's own "type" key is not one of its fields
        assertThat(issue.sections().get(0).fields().has("type")).isFalse();
        assertThat(issue.sections().get(0).fields().path("headline").asText()).isEqualTo("The quiet comeback of the written proposal");
    }

    @Test
    void malformedJsonReportsLineAndColumn() {
        // line 3, column 26 is the opening quote of "email", where a comma is missing
        String json = "{\n  \"subject\": \"Hello\",\n  \"sender\": {\"name\": \"A\" \"email\": \"a@example.com\"}\n}";
        IssueInvalidException e = invalid(json);
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0).path()).isEmpty();
        assertThat(e.problems().get(0).message()).startsWith("line 3, column 26: malformed JSON: ");
    }

    @Test
    void truncatedJsonReportsWhereItEnded() {
        IssueInvalidException e = invalid("{\n\"subject\": \"x\",\n\"sections\": [");
        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.message()).startsWith("line 3, column").contains("malformed JSON"));
    }

    @Test
    void notAnObjectIsRefused() {
        assertThat(invalid("[1, 2]").getMessage()).contains("must be a JSON object");
        assertThat(invalid("\"just a string\"").getMessage()).contains("must be a JSON object");
    }

    @Test
    void anUnknownSectionTypeNamesTheKnownTypes() {
        IssueInvalidException e = invalid(demo(root -> section(root, 2).put("type", "carousel")));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("sections[2].type");
            assertThat(p.message()).isEqualTo("unknown section type 'carousel'; known types: chart, discovery, events, image, lead, links, stories");
        });
    }

    @Test
    void aMissingRequiredFieldIsReportedWithItsFullPath() {
        IssueInvalidException e = invalid(demo(root -> item(root, 3, 1).remove("signupUrl")));
        assertThat(e.problems()).containsExactly(new Problem("sections[3].items[1].signupUrl", "required"));
        assertThat(e.getMessage()).isEqualTo("sections[3].items[1].signupUrl: required");
    }

    @Test
    void aBlankRequiredFieldCountsAsMissing() {
        IssueInvalidException e = invalid(demo(root -> section(root, 0).put("headline", "   ")));
        assertThat(e.problems()).containsExactly(new Problem("sections[0].headline", "required"));
    }

    @Test
    void lineBreaksInTheSubjectAreRefused() {
        for (String subject : new String[] {"Hello\nBcc: victim@example.com", "Hello\rBcc: victim@example.com", "Hello\r\n"}) {
            IssueInvalidException e = invalid(demo(root -> root.put("subject", subject)));
            assertThat(e.problems()).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("subject");
                assertThat(p.message()).contains("line breaks");
            });
        }
    }

    @Test
    void crlfInTheSenderNameIsRefused() {
        IssueInvalidException e = invalid(demo(root -> ((ObjectNode) root.get("sender")).put("name", "Build Notes\r\nBcc: all@example.com")));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("sender.name");
            assertThat(p.message()).contains("CR or LF");
        });
    }

    @Test
    void otherControlCharactersInHeaderFieldsAreRefused() {
        IssueInvalidException e = invalid(demo(root -> root.put("preheader", "tab\there")));
        assertThat(e.problems()).containsExactly(new Problem("preheader", "must not contain control characters"));
    }

    @Test
    void lineBreaksInASectionTextFieldAreRefused() {
        IssueInvalidException e = invalid(demo(root -> section(root, 0).put("headline", "Two\nlines")));
        assertThat(e.problems()).containsExactly(new Problem("sections[0].headline", "must be a single line (no line breaks)"));
    }

    @Test
    void aBadUrlIsReportedWithItsPath() {
        for (String url : new String[] {"javascript:alert(1)", "/relative/path", "ftp://example.com/x", "https://", "not a url"}) {
            IssueInvalidException e = invalid(demo(root -> section(root, 1).put("sourceUrl", url)));
            assertThat(e.problems()).as(url).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("sections[1].sourceUrl");
                assertThat(p.message()).isEqualTo("'" + url + "' is not an absolute http(s) URL");
            });
        }
    }

    @Test
    void aBadZoneIsReportedWithItsPath() {
        IssueInvalidException e = invalid(demo(root -> item(root, 3, 0).put("timeZone", "Mars/Olympus_Mons")));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("sections[3].items[0].timeZone");
            assertThat(p.message()).startsWith("'Mars/Olympus_Mons' is not a time zone");
        });
    }

    @Test
    void aBadDateTimeIsReportedWithItsPath() {
        IssueInvalidException e = invalid(demo(root -> item(root, 3, 1).put("start", "2026-13-45T25:00")));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("sections[3].items[1].start");
            assertThat(p.message()).startsWith("'2026-13-45T25:00' is not a date and time");
        });
    }

    @Test
    void aDateTimeWithoutItsZoneIsReported() {
        IssueInvalidException e = invalid(demo(root -> item(root, 3, 0).remove("timeZone")));
        assertThat(e.problems()).containsExactlyInAnyOrder(
                new Problem("sections[3].items[0].start", "needs its time zone in timeZone"),
                new Problem("sections[3].items[0].timeZone", "required"));
    }

    @Test
    void unknownFieldsAreReportedWithTheirPath() {
        IssueInvalidException e = invalid(demo(root -> {
            section(root, 0).put("subtitle", "x");
            item(root, 5, 2).put("href", "https://example.com");
            root.put("footer", "x");
        }));
        assertThat(e.problems()).extracting(Problem::path).containsExactlyInAnyOrder("footer", "sections[0].subtitle", "sections[5].items[2].href");
        assertThat(e.problems()).filteredOn(p -> p.path().equals("sections[0].subtitle")).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo("unknown field; this section has heading, kicker, headline, pullQuote, body"));
    }

    @Test
    void aTooLongFieldIsReported() {
        IssueInvalidException e = invalid(demo(root -> section(root, 0).put("kicker", "k".repeat(61))));
        assertThat(e.problems()).containsExactly(new Problem("sections[0].kicker", "longer than 60 characters"));
    }

    @Test
    void anEmptyListAndAWrongTypeAreReported() {
        IssueInvalidException e = invalid(demo(root -> {
            section(root, 5).putArray("items");
            section(root, 4).put("url", 42);
        }));
        assertThat(e.problems()).containsExactlyInAnyOrder(
                new Problem("sections[5].items", "needs at least 1 item"),
                new Problem("sections[4].url", "must be a string"));
    }

    @Test
    void severalProblemsAreReportedTogether() {
        IssueInvalidException e = invalid(demo(root -> {
            root.put("subject", "a\nb");
            ((ObjectNode) root.get("sender")).put("email", "not-an-address");
            section(root, 1).put("imageUrl", "javascript:alert(1)");
            section(root, 2).put("type", "carousel");
            item(root, 3, 0).put("timeZone", "Nowhere/Land");
            item(root, 3, 1).put("start", "next tuesday");
            item(root, 3, 1).remove("signupUrl");
            section(root, 6).put("colour", "red");
        }));
        assertThat(e.problems()).extracting(Problem::path).containsExactlyInAnyOrder(
                "subject", "sender.email", "sections[1].imageUrl", "sections[2].type", "sections[3].items[0].timeZone",
                "sections[3].items[1].start", "sections[3].items[1].signupUrl", "sections[6].colour");
        // the exception message lists every one of them
        assertThat(e.getMessage()).contains("subject: must not contain line breaks", "sender.email: 'not-an-address'",
                "sections[1].imageUrl: 'javascript:alert(1)'", "sections[2].type: unknown section type 'carousel'",
                "sections[3].items[0].timeZone: 'Nowhere/Land'", "sections[3].items[1].start: 'next tuesday'",
                "sections[3].items[1].signupUrl: required", "sections[6].colour: unknown field");
    }

    @Test
    void missingHeaderFieldsAndSectionsAreReported() {
        IssueInvalidException e = invalid("{}");
        assertThat(e.problems()).extracting(Problem::path).containsExactlyInAnyOrder("subject", "sender", "sections");
        IssueInvalidException empty = invalid(demo(root -> root.putArray("sections")));
        assertThat(empty.problems()).containsExactly(new Problem("sections", "required: a non-empty list of sections"));
    }

    private static IssueInvalidException invalid(String json) {
        IssueInvalidException e = catchThrowableOfType(IssueInvalidException.class, () -> parser.parse(json));
        assertThat(e).as("parse should have failed for: " + json).isNotNull();
        return e;
    }

    private static String demo(Consumer<ObjectNode> change) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(TestSupport.demoIssue());
            change.accept(root);
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode section(ObjectNode root, int i) {
        return (ObjectNode) root.get("sections").get(i);
    }

    private static ObjectNode item(ObjectNode root, int section, int i) {
        return (ObjectNode) section(root, section).get("items").get(i);
    }
}
