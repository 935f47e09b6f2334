package dev.letterpress.tracking;

import java.net.URI;

/** Builds the public URLs that go into mail; every one carries a signed token and nothing else. */
public final class PublicUrls {
    private final String base;
    private final TokenCodec tokens;

    public PublicUrls(URI baseUrl, TokenCodec tokens) {
        this.base = baseUrl.toString();
        this.tokens = tokens;
    }

    public String base() {
        return base;
    }

    public String open(long campaign, long subscriber) {
        return base + "/o/" + tokens.encode(new Token(Token.Purpose.OPEN, campaign, subscriber, 0)) + ".gif";
    }

    public String click(long campaign, long subscriber, long linkId) {
        return base + "/c/" + tokens.encode(new Token(Token.Purpose.CLICK, campaign, subscriber, linkId));
    }

    public String view(long campaign, long subscriber) {
        return base + "/v/" + tokens.encode(new Token(Token.Purpose.VIEW, campaign, subscriber, 0));
    }

    /** The anonymous web view, safe to forward: it carries no subscriber. */
    public String share(long campaign) {
        return view(campaign, 0);
    }

    public String unsubscribe(long campaign, long subscriber, long listId) {
        return base + "/u/" + tokens.encode(new Token(Token.Purpose.UNSUBSCRIBE, campaign, subscriber, listId));
    }

    public String preferences(long campaign, long subscriber) {
        return base + "/p/" + tokens.encode(new Token(Token.Purpose.PREFERENCES, campaign, subscriber, 0));
    }
}
