package dev.letterpress.tracking;

/**
 * What a public URL's token stands for. {@code extra} is the link id for clicks and the list id for
 * unsubscribes; {@code subscriber} is 0 in the anonymous web view used for sharing.
 */
public record Token(Purpose purpose, long campaign, long subscriber, long extra) {
    // New purposes go at the end: the ordinal is inside every token already sent. SUBSCRIBE names a list's public
    // form (extra = list id); CONFIRM is a double opt-in link (campaign = minute issued, for expiry; extra = list id).
    // DATA is a mailed link to download or erase one's data (campaign = minute issued; extra = what: signup.DataRequests).
    public enum Purpose { OPEN, CLICK, VIEW, UNSUBSCRIBE, PREFERENCES, SUBSCRIBE, CONFIRM, DATA }
}
