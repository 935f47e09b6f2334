package dev.letterpress.render;

/** One recipient's mail body: the HTML part and the plain-text part. */
public record RenderedContent(String html, String text) {}
