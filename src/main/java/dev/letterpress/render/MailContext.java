package dev.letterpress.render;

import dev.letterpress.subscriber.Subscriber;

/** Everything the per-recipient layout needs beyond the issue: who, which links, why they get it. */
public record MailContext(Subscriber subscriber, String listName, String webViewUrl, String unsubscribeUrl,
                          String preferencesUrl, String shareUrl, String pixelUrl) {}
