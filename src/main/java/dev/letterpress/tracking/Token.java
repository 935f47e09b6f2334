package dev.letterpress.tracking;

/**
 * What a public URL's token stands for. {@code extra} is the link id for clicks and the list id for
 * unsubscribes; {@code subscriber} is 0 in the anonymous web view used for sharing.
 */
public record Token(Purpose purpose, long campaign, long subscriber, long extra) {
    public enum Purpose { OPEN, CLICK, VIEW, UNSUBSCRIBE, PREFERENCES }
}
