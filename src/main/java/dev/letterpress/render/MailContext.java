package dev.letterpress.render;

import dev.letterpress.subscriber.Subscriber;

/** Everything the per-recipient layout needs beyond the issue: who, which links, why they get it. */
public record MailContext(Subscriber subscriber, String listName, String webViewUrl, String unsubscribeUrl,
                          String preferencesUrl, String shareUrl, String pixelUrl) {
    /** A preview for {@code reader}: links point at {@code publicBaseUrl}/preview/..., nothing is tracked. */
    public static MailContext preview(Subscriber reader, String publicBaseUrl) {
        String base = publicBaseUrl + "/preview";
        return new MailContext(reader, "Preview list", base + "/view", base + "/unsubscribe", base + "/preferences", base + "/share",
                base + "/open.gif");
    }
}
