package dev.letterpress.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.letterpress.TestSupport;
import dev.letterpress.config.ConfigLoader;
import dev.letterpress.issue.IssueInvalidException;
import dev.letterpress.issue.Problem;
import dev.letterpress.issue.SectionTypes;
import dev.letterpress.subscriber.Subscriber;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Template errors found at check time with their path, and the HTML part's escaping of content. */
class IssueRendererTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void copyTemplates() throws IOException {
        TestSupport.copyTemplates(dir);
    }

    private IssueRenderer renderer() {
        return new IssueRenderer(new Templates(TemplateRoot.resolve(dir)), SectionTypes.load(dir), ConfigLoader.fromMap(Map.of()).sender());
    }

    @Test
    void theUntouchedCopyChecksAndRendersTheDemoIssue() throws Exception {
        RenderedContent out = render(renderer().check(TestSupport.demoIssue()), new Subscriber(7, "ada@example.com", "Ada Lovelace", Map.of(), "active"));
        assertThat(out.html()).contains("The quiet comeback of the written proposal").contains("Hi Ada")
                .contains("https://example.invalid/u").contains("https://example.invalid/o.gif");
        assertThat(out.text()).contains("The quiet comeback of the written proposal").doesNotContain("<p>");
    }

    @Test
    void anErrorInASectionTemplateNamesTheSectionTheTemplateAndTheLine() throws Exception {
        int line = appendLine("email/sections/lead.ftlh", "${section.nope.deeper}");
        IssueInvalidException e = catchThrowableOfType(IssueInvalidException.class, () -> renderer().check(TestSupport.demoIssue()));
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("sections[0]");
            assertThat(p.message()).startsWith("template error in email/sections/lead.ftlh line " + line + ": ").contains("evaluated to null or missing");
        });
    }

    @Test
    void anErrorInAPlainTextSectionTemplateNamesThatTemplate() throws Exception {
        int line = appendLine("email/sections/events.ftl", "${section.items[0].nope}");
        IssueInvalidException e = catchThrowableOfType(IssueInvalidException.class, () -> renderer().check(TestSupport.demoIssue()));
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("sections[3]");
            assertThat(p.message()).startsWith("template error in email/sections/events.ftl line " + line + ": ");
        });
    }

    @Test
    void aSyntaxErrorInASectionTemplateIsReportedAtThatSection() throws Exception {
        appendLine("email/sections/image.ftlh", "<#if>");
        IssueInvalidException e = catchThrowableOfType(IssueInvalidException.class, () -> renderer().check(TestSupport.demoIssue()));
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("sections[6]");
            assertThat(p.message()).startsWith("cannot load template email/sections/image.ftlh").contains("line");
        });
    }

    @Test
    void aRuntimeErrorInTheLayoutIsReportedAtLayout() throws Exception {
        int line = appendLine("email/layout/issue.ftlh", "${links.nope.deeper}");
        IssueInvalidException e = catchThrowableOfType(IssueInvalidException.class, () -> renderer().check(TestSupport.demoIssue()));
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("layout");
            assertThat(p.message()).startsWith("template error in email/layout/issue.ftlh line " + line + ": ");
        });
    }

    @Test
    void aSyntaxErrorInTheLayoutIsReportedAtLayout() throws Exception {
        appendLine("email/layout/issue.ftl", "<#list>");
        IssueInvalidException e = catchThrowableOfType(IssueInvalidException.class, () -> renderer().check(TestSupport.demoIssue()));
        assertThat(e).isNotNull();
        assertThat(e.problems()).extracting(Problem::path).containsExactly("layout");
        assertThat(e.problems().get(0).message()).startsWith("cannot load layout template: ").contains("email/layout/issue.ftl");
    }

    @Test
    void textFieldsAreHtmlEscaped() throws Exception {
        String json = issue("Tom & Jerry <3", lead("<script>alert(1)</script>", "A **bold** claim."));
        RenderedContent out = render(renderer().check(json), new Subscriber(3, "x@example.com", "Ada<script>alert(2)</script>", Map.of(), "active"));
        assertThat(out.html()).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)")
                .doesNotContain("<script>alert(2)").contains("&lt;script&gt;alert(2)")
                .contains("<title>Tom &amp; Jerry &lt;3</title>")
                // Markdown markup itself is not escaped twice
                .contains("<strong>bold</strong>");
        // the plain-text part carries the text as written (no HTML there to escape)
        assertThat(out.text()).contains("<script>alert(1)</script>").doesNotContain("&lt;");
    }

    @Test
    void rawHtmlInMarkdownIsEscaped() throws Exception {
        String json = issue("Subject", lead("Headline", "Look: <img src=x onerror=alert(1)> and <b onclick=\"x()\">this</b>\n\n<iframe src=\"https://evil.example\"></iframe>"));
        String html = render(renderer().check(json), new Subscriber(3, "x@example.com", null, Map.of(), "active")).html();
        assertThat(html).contains("&lt;img src=x onerror=alert(1)&gt;").doesNotContain("<img src=x")
                .doesNotContain("<b onclick").doesNotContain("<iframe");
    }

    @Test
    void aJavascriptLinkInMarkdownDoesNotBecomeAJavascriptHref() throws Exception {
        String json = issue("Subject", lead("Headline",
                "[x](javascript:alert(1)) and [y](JavaScript:alert(2)) and ![z](javascript:alert(3)) and [ok](https://example.com/ok)"));
        String html = render(renderer().check(json), new Subscriber(3, "x@example.com", null, Map.of(), "active")).html();
        assertThat(html.toLowerCase()).doesNotContain("javascript:");
        assertThat(html).contains("href=\"https://example.com/ok\"");
    }

    private static RenderedContent render(PreparedIssue prepared, Subscriber s) throws Exception {
        return prepared.render(new MailContext(s, "Build Notes weekly", "https://example.invalid/v", "https://example.invalid/u",
                "https://example.invalid/p", "https://example.invalid/s", "https://example.invalid/o.gif"));
    }

    /** Appends one line to a copied template; returns its line number. */
    private int appendLine(String template, String line) {
        Path file = dir.resolve(template);
        try {
            String text = Files.readString(file);
            if (!text.endsWith("\n")) {
                Files.writeString(file, "\n", StandardOpenOption.APPEND);
                text += "\n";
            }
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            return (int) text.chars().filter(c -> c == '\n').count() + 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode lead(String headline, String body) {
        ObjectNode s = JSON.createObjectNode();
        s.put("type", "lead");
        s.put("headline", headline);
        s.put("body", body);
        return s;
    }

    private static String issue(String subject, ObjectNode... sections) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        root.put("subject", subject);
        root.putObject("sender").put("name", "Build Notes").put("email", "news@example.com");
        var list = root.putArray("sections");
        for (ObjectNode s : sections) {
            list.add(s);
        }
        return JSON.writeValueAsString(root);
    }
}
