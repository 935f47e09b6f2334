package dev.letterpress.linkcheck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.App;
import dev.letterpress.TestSupport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which links the preflight finds in an issue: what readers will see, and none of our own per-reader links. */
class IssueLinksTest {
    @TempDir
    Path dir;

    @Test
    void theDemoIssuesLinksFromMarkdownFieldsAndImagesAreFoundOnceEach() {
        var renderer = App.issueRenderer(TestSupport.config(dir, 25, Map.of()));
        List<IssueLinks.Link> links = IssueLinks.of(renderer.check(TestSupport.demoIssue()));
        List<String> urls = links.stream().map(IssueLinks.Link::url).toList();
        assertThat(urls).contains(
                "https://example.com/build-notes/proposal-templates",      // a Markdown link in the lead's body
                "https://picsum.photos/seed/letterpress-chart/600/340",    // the chart's image
                "https://example.com/stories/ci-as-a-product",             // a url field
                "https://example.org/webinars/slow-pipelines/register",    // an event's sign-up link
                "https://picsum.photos/seed/letterpress-meme/600/400");
        assertThat(urls).doesNotHaveDuplicates();
        assertThat(urls).allMatch(u -> u.startsWith("https://")).noneMatch(u -> u.contains("letterpress.invalid"));
        assertThat(links).filteredOn(l -> l.url().equals("https://example.com/build-notes/proposal-templates"))
                .singleElement().satisfies(l -> assertThat(l.text()).isEqualTo("one shared folder"));
        assertThat(links).filteredOn(l -> l.tag().equals("img")).extracting(IssueLinks.Link::url)
                .containsExactlyInAnyOrder("https://picsum.photos/seed/letterpress-chart/600/340", "https://picsum.photos/seed/letterpress-meme/600/400");
    }

    @Test
    void onlyAbsoluteHttpLinksAreTakenAndEntitiesAreDecoded() {
        List<IssueLinks.Link> links = IssueLinks.ofHtml("<a href=\"mailto:x@example.com\">m</a><a href=\"/relative\">r</a>"
                + "<a href=\"javascript:alert(1)\">j</a><a href=\"https://example.com/?a=1&amp;b=2\">q</a><img src=\"HTTP://EXAMPLE.COM/i.png\">");
        assertThat(links).extracting(IssueLinks.Link::url).containsExactly("https://example.com/?a=1&b=2", "HTTP://EXAMPLE.COM/i.png");
    }
}
