package dev.letterpress.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The linear href rewriter that puts click tracking on every external link of the rendered HTML. */
class LinkRewriterTest {
    private static final String BASE = "https://news.example.com";

    private final List<String> seen = new ArrayList<>();
    private final Function<String, String> track = url -> {
        seen.add(url);
        return BASE + "/c/T" + seen.size();
    };

    @Test
    void rewritesHttpAndHttpsLinks() {
        String html = "<p><a href=\"http://example.com/a\">a</a> and <a href=\"https://example.org/b\">b</a></p>";
        assertThat(LinkRewriter.rewrite(html, BASE, track))
                .isEqualTo("<p><a href=\"" + BASE + "/c/T1\">a</a> and <a href=\"" + BASE + "/c/T2\">b</a></p>");
        assertThat(seen).containsExactly("http://example.com/a", "https://example.org/b");
    }

    @Test
    void schemeAndAttributeNameAreCaseInsensitive() {
        String html = "<A HREF=\"HTTPS://Example.com/X\">x</A>\n<a\nhref=\"Http://example.com/y\">y</a>";
        assertThat(LinkRewriter.rewrite(html, BASE, track))
                .isEqualTo("<A HREF=\"" + BASE + "/c/T1\">x</A>\n<a\nhref=\"" + BASE + "/c/T2\">y</a>");
        assertThat(seen).containsExactly("HTTPS://Example.com/X", "Http://example.com/y");
    }

    @Test
    void leavesNonHttpAnchorsRelativeAndOwnLinksAlone() {
        String html = """
                <a href="mailto:editor@example.com?subject=Hi&amp;body=x">mail</a>
                <a href="#top">top</a>
                <a href="/archive/12">archive</a>
                <a href="archive.html">relative</a>
                <a href="//example.com/protocol-relative">pr</a>
                <a href="tel:+15550100">call</a>
                <a href="">empty</a>
                <a href="https://news.example.com/u/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA">unsubscribe</a>
                <a href="https://news.example.com/v/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB">web view</a>
                """;
        assertThat(LinkRewriter.rewrite(html, BASE, track)).isEqualTo(html);
        assertThat(seen).isEmpty();
    }

    @Test
    void aLookalikeOfTheOwnBaseIsStillTracked() {
        String html = "<a href=\"https://news.example.com.evil.example/x\">x</a>";
        assertThat(LinkRewriter.rewrite(html, BASE, track)).isEqualTo("<a href=\"" + BASE + "/c/T1\">x</a>");
        assertThat(seen).containsExactly("https://news.example.com.evil.example/x");
    }

    @Test
    void theCallbackGetsTheUnescapedUrl() {
        String html = "<a href=\"https://example.com/search?q=a&amp;page=2&amp;sort=new\">s</a>"
                + "<a href=\"https://example.com/p?x=&quot;y&quot;&#38;z=1\">p</a>";
        String out = LinkRewriter.rewrite(html, BASE, track);
        assertThat(seen).containsExactly("https://example.com/search?q=a&page=2&sort=new", "https://example.com/p?x=\"y\"&z=1");
        assertThat(out).isEqualTo("<a href=\"" + BASE + "/c/T1\">s</a><a href=\"" + BASE + "/c/T2\">p</a>");
    }

    @Test
    void ignoresDataHrefAndOtherAttributesEndingInHref() {
        String html = "<a data-href=\"https://example.com/d\" href=\"https://example.com/real\">d</a>"
                + "<div data-href=\"https://example.com/div\"></div><link xhref=\"https://example.com/x\">"
                + "<img src=\"https://example.com/pic.png\">";
        assertThat(LinkRewriter.rewrite(html, BASE, track)).isEqualTo(
                "<a data-href=\"https://example.com/d\" href=\"" + BASE + "/c/T1\">d</a>"
                        + "<div data-href=\"https://example.com/div\"></div><link xhref=\"https://example.com/x\">"
                        + "<img src=\"https://example.com/pic.png\">");
        assertThat(seen).containsExactly("https://example.com/real");
    }

    @Test
    void keepsTheRestOfTheDocumentByteIdentical() {
        String before = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Caf\u00e9 &amp; co \u2014 \uD83D\uDCEC</title>"
                + "<style>a { color:#1d4ed8; }</style></head>\r\n<body>\t<p style=\"margin:0\">&nbsp;&#847;&zwnj;</p>\n<table role=\"presentation\"><tr><td>";
        String middle = "</td><td class=\"x\">\u00fcml\u00e4ut</td></tr></table>\n<a class=\"btn\" target=\"_blank\" style=\"color:#fff\" ";
        String after = ">Read</a>\n<!-- trailing comment -->\n</body></html>   \n";
        String html = before + "<a href=\"https://example.com/1\">one</a>" + middle + "href=\"https://example.com/2?a=1&amp;b=2\"" + after;
        String out = LinkRewriter.rewrite(html, BASE, track);
        assertThat(out).isEqualTo(before + "<a href=\"" + BASE + "/c/T1\">one</a>" + middle + "href=\"" + BASE + "/c/T2\"" + after);
        // a document without links comes back as the very same text
        assertThat(LinkRewriter.rewrite(before + middle + after, BASE, track)).isEqualTo(before + middle + after);
        assertThat(seen).hasSize(2);
    }

    @Test
    void anUnterminatedAttributeAtTheEndIsLeftAsItIs() {
        String html = "<a href=\"https://example.com/ok\">ok</a><a href=\"https://example.com/broken";
        assertThat(LinkRewriter.rewrite(html, BASE, track))
                .isEqualTo("<a href=\"" + BASE + "/c/T1\">ok</a><a href=\"https://example.com/broken");
        assertThat(seen).containsExactly("https://example.com/ok");
    }
}
