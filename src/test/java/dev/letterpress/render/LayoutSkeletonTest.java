package dev.letterpress.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.letterpress.App;
import dev.letterpress.TestSupport;
import dev.letterpress.config.Config;
import dev.letterpress.subscriber.Subscriber;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mail spliced from a campaign's layout skeleton is, byte for byte, the mail the full render makes, for every
 * kind of reader; layouts that do more than print a reader's values are rendered in full instead.
 */
class LayoutSkeletonTest {
    @TempDir
    Path dir;
    private Path templates;
    private App app;
    private long campaign;

    @BeforeEach
    void copyTemplates() throws IOException {
        templates = dir.resolve("templates");
        TestSupport.copyTemplates(templates);
    }

    @AfterEach
    void close() {
        if (app != null) {
            app.close();
        }
    }

    /** A composer over the templates as they are now in {@code templates}, for a campaign of the demo issue. */
    private MailComposer composer() {
        Config config = TestSupport.config(dir.resolve("data"), 2525, Map.of("templates.dir", templates.toString()));
        if (app == null) {
            app = App.create(config);
            app.subscribers.createList("Weekly", null);
            campaign = app.campaigns.create("Skeleton", TestSupport.demoIssue(), List.of("Weekly"), java.time.Instant.now().plusSeconds(86_400));
        }
        IssueRenderer renderer = new IssueRenderer(new Templates(TemplateRoot.resolve(templates)),
                dev.letterpress.issue.SectionTypes.load(templates), config.sender());
        return new MailComposer(renderer.check(TestSupport.demoIssue()), campaign, app.urls, app.links, config.sender(),
                Clock.systemUTC());
    }

    private static Map<String, String> attrs(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static final List<Subscriber> READERS = List.of(
            new Subscriber(11, "ada@example.com", "Ada Lovelace", attrs("city", "London"), "active"),
            new Subscriber(12, "grace@example.com", "Grace Hopper", attrs("city", "Arlington"), "active"),
            new Subscriber(13, "anon@example.com", null, Map.of(), "active"),
            new Subscriber(14, "blank@example.com", "   ", Map.of(), "active"),
            new Subscriber(15, "o'brien+tag@example.com", "<b>Bob</b> & \"Co\" 'x'", attrs("plan", "", "a&b", "<x>"), "active"),
            new Subscriber(16, "zoe@example.com", "Zoë Ångström 🙂", attrs("plan", "pro", "a&b", "y"), "active"),
            new Subscriber(17, "tab@example.com", "Tab\tName", attrs("note", null), "active"));

    @Test
    void splicedMailIsTheRenderedMailForEveryKindOfReader() throws Exception {
        MailComposer composer = composer();
        for (String list : List.of("Weekly", "Other <list> & \"co\"")) {
            for (Subscriber s : READERS) {
                RenderedContent rendered = composer.content(s, 1, list);
                // the first reader of each shape is checked against a full render; the second is spliced
                for (int round = 0; round < 2; round++) {
                    RenderedContent mailed = body(composer.compose(s, 1, list).message());
                    assertThat(mailed.html()).as("HTML for %s on %s, round %d", s.email(), list, round).isEqualTo(rendered.html());
                    assertThat(mailed.text()).as("text for %s", s.email()).isEqualTo(rendered.text());
                }
            }
        }
        assertThat(composer.splicing()).as("no spliced message differed from its render").isTrue();
        String ada = body(composer.compose(READERS.get(0), 1, "Weekly").message()).html();
        assertThat(ada).contains("Hi Ada,").contains("ada@example.com").contains("/c/").contains("/u/").contains("/o/");
        String bob = body(composer.compose(READERS.get(4), 1, "Weekly").message()).html();
        assertThat(bob).contains("Hi &lt;b&gt;Bob&lt;/b&gt;,").doesNotContain("<b>Bob");
    }

    @Test
    void theBundledLayoutMakesASkeletonWithASlotPerValueAndLink() throws Exception {
        MailComposer composer = composer();
        LayoutSkeleton skeleton = LayoutSkeleton.build(preparedDemo(), true, READERS.get(0), "Weekly", "https://x.example/v/s",
                "http://127.0.0.1", "http://127.0.0.1/");
        assertThat(skeleton.slotCount()).isGreaterThan(10);
        assertThat(SkeletonCache.sourceProblem(preparedDemo())).isNull();
        assertThat(composer.splicing()).isTrue();
    }

    @Test
    void aLayoutThatTransformsAReadersValueIsRenderedInFull() throws Exception {
        edit("email/layout/issue.ftlh", "Hi ${greetName},", "Hi ${((subscriber.firstName)!\"there\")?upper_case},");
        assertThatThrownBy(() -> LayoutSkeleton.build(preparedDemo(), true, READERS.get(0), "Weekly", "s", "http://h", "http://h/"))
                .isInstanceOf(LayoutSkeleton.NotSpliceable.class).hasMessageContaining("issue.ftlh line");
        assertThat(SkeletonCache.sourceProblem(preparedDemo())).as("nothing in the source gives it away").isNull();
        MailComposer composer = composer();
        for (int round = 0; round < 2; round++) {
            assertThat(body(composer.compose(READERS.get(0), 1, "Weekly").message()).html()).contains("Hi ADA,")
                    .isEqualTo(composer.content(READERS.get(0), 1, "Weekly").html());
        }
    }

    @Test
    void aTrackedLinkMadeFromAReadersValueIsRenderedInFull() throws Exception {
        edit("email/layout/issue.ftlh", "Hi ${greetName},",
                "<a href=\"https://example.com/welcome?who=${subscriber.email}\">Welcome</a> Hi ${greetName},");
        assertThatThrownBy(() -> LayoutSkeleton.build(preparedDemo(), true, READERS.get(0), "Weekly", "s", "http://h", "http://h/"))
                .isInstanceOf(LayoutSkeleton.NotSpliceable.class).hasMessageContaining("tracked link");
        MailComposer composer = composer();
        for (Subscriber s : READERS.subList(0, 2)) {
            String html = body(composer.compose(s, 1, "Weekly").message()).html();
            assertThat(html).isEqualTo(composer.content(s, 1, "Weekly").html()).doesNotContain("who=");
        }
    }

    @Test
    void aTemplateThatLeavesMarkupOrReadsTheClockIsRefusedByItsSource() throws Exception {
        edit("email/lib/components.ftlh", "<#macro", "<#macro leak>${subscriber.email?markup_string}</#macro>\n<#macro");
        assertThat(SkeletonCache.sourceProblem(preparedDemo())).contains("components.ftlh").contains("markup_string");
        copyTemplates();
        edit("email/layout/issue.ftlh", "Hi ${greetName},", "Hi ${greetName}, it is ${.now?date},");
        assertThat(SkeletonCache.sourceProblem(preparedDemo())).contains("issue.ftlh").contains(".now");
        MailComposer composer = composer();
        composer.compose(READERS.get(0), 1, "Weekly");
        assertThat(composer.splicing()).isFalse();
    }

    @Test
    void valueDependentLogicHiddenFromFreeMarkersTypeChecksIsRefusedByItsSourceAndRendersInFull() throws Exception {
        // a branch on how a reader's value is held, inside a string only ?interpret makes code of
        edit("email/layout/issue.ftlh", "Hi ${greetName},", "<#assign code = \"<#if !((subscriber.firstName)!'')?is_\" + "
                + "\"markup_output>VIP </#if>\"><@code?interpret/>Hi ${greetName},");
        assertThat(SkeletonCache.sourceProblem(preparedDemo())).contains("interpret");
        MailComposer composer = composer();
        assertThat(body(composer.compose(READERS.get(0), 1, "Weekly").message()).html()).contains("VIP Hi Ada,");
        assertThat(composer.splicing()).isFalse();
        for (String construct : List.of("<#attempt>${subscriber.email}<#recover>x</#attempt>", "<#noautoesc>${subscriber.email}</#noautoesc>",
                "${subscriber.email?eval}", "<#outputformat \"plainText\">x</#outputformat>")) {
            copyTemplates();
            edit("email/layout/issue.ftlh", "Hi ${greetName},", construct + "Hi ${greetName},");
            assertThat(SkeletonCache.sourceProblem(preparedDemo())).as(construct).isNotNull();
        }
    }

    @Test
    void aShapeIsSplicedOnlyOnceItsProbeAndThenItsFirstReaderMatchedTheirFullRender() throws Exception {
        for (Subscriber s : READERS) {
            assertThat(LayoutSkeleton.shape(SkeletonCache.probe(s), "Weekly")).as(s.email()).isEqualTo(LayoutSkeleton.shape(s, "Weekly"));
        }
        SkeletonCache refused = new SkeletonCache(preparedDemo(), 1, "https://h/v/s", "https://h", "https://h/", (e, p, id, l) -> false);
        assertThat(refused.forReader(READERS.get(0), 1, "Weekly")).as("the probe differed: no skeleton").isNull();
        assertThat(refused.splicing()).as("only that shape").isTrue();

        SkeletonCache cache = new SkeletonCache(preparedDemo(), 1, "https://h/v/s", "https://h", "https://h/", (e, p, id, l) -> true);
        SkeletonCache.Entry entry = cache.forReader(READERS.get(0), 1, "Weekly");
        assertThat(entry).isNotNull();
        assertThat(cache.forReader(READERS.get(1), 1, "Weekly")).as("same shape, same skeletons").isSameAs(entry);
        assertThat(cache.mode(entry)).isEqualTo(SkeletonCache.Mode.CHECK);
        assertThat(cache.mode(entry)).as("another thread while the first reader is checked").isEqualTo(SkeletonCache.Mode.FULL);
        cache.notChecked(entry);
        assertThat(cache.mode(entry)).as("that reader's render failed: the next one checks").isEqualTo(SkeletonCache.Mode.CHECK);
        cache.matched(entry);
        assertThat(cache.mode(entry)).isEqualTo(SkeletonCache.Mode.SPLICE);
        cache.mismatch(12, "HTML", "abc", "abd");
        assertThat(cache.splicing()).isFalse();
        assertThat(cache.forReader(READERS.get(0), 1, "Weekly")).isNull();
    }

    /** The demo issue prepared over the templates as they are now (no sample render: a test may break the layout). */
    private PreparedIssue preparedDemo() {
        IssueRenderer renderer = new IssueRenderer(new Templates(TemplateRoot.resolve(templates)),
                dev.letterpress.issue.SectionTypes.load(templates), dev.letterpress.config.ConfigLoader.fromMap(Map.of()).sender());
        return renderer.prepare(renderer.parse(TestSupport.demoIssue()));
    }

    private void edit(String template, String find, String replace) throws IOException {
        Path p = templates.resolve(template);
        String s = Files.readString(p);
        assertThat(s).contains(find);
        Files.writeString(p, s.replace(find, replace), StandardCharsets.UTF_8);
    }

    private static RenderedContent body(jakarta.mail.internet.MimeMessage m) throws Exception {
        Multipart mp = (Multipart) m.getContent();
        String text = null;
        String html = null;
        for (int i = 0; i < mp.getCount(); i++) {
            Part p = mp.getBodyPart(i);
            if (p.isMimeType("text/html")) {
                html = ((String) p.getContent()).replace("\r\n", "\n"); // MIME's canonical line ends
            } else if (p.isMimeType("text/plain")) {
                text = ((String) p.getContent()).replace("\r\n", "\n");
            }
        }
        return new RenderedContent(html, text);
    }
}
