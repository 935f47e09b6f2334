package dev.letterpress.render;

import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.commonmark.renderer.text.TextContentRenderer;

/**
 * Markdown for section text fields. Raw HTML in the source is escaped, not passed through, and unsafe link
 * schemes (javascript: and the like) are dropped, so content can never inject markup or script.
 */
final class Markdown {
    private static final Parser PARSER = Parser.builder().build();
    private static final HtmlRenderer HTML = HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true).build();
    private static final TextContentRenderer TEXT = TextContentRenderer.builder().lineBreakRendering(org.commonmark.renderer.text.LineBreakRendering.SEPARATE_BLOCKS).build();

    private Markdown() {}

    static String html(String markdown) {
        return HTML.render(PARSER.parse(markdown)).strip();
    }

    /** Readable plain text; links keep their target in parentheses so they can be followed from the text part. */
    static String text(String markdown) {
        Node doc = PARSER.parse(markdown);
        return TEXT.render(doc).strip();
    }
}
