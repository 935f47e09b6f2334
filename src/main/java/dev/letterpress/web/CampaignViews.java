package dev.letterpress.web;

import dev.letterpress.config.Config;
import dev.letterpress.delivery.CampaignStore;
import dev.letterpress.render.IssueRenderer;
import dev.letterpress.render.MailComposer;
import dev.letterpress.tracking.LinkRegistry;
import dev.letterpress.tracking.PublicUrls;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** A composer per campaign for web views, prepared once and kept for the most recent campaigns. */
final class CampaignViews {
    private static final int KEEP = 32;

    private final CampaignStore campaigns;
    private final IssueRenderer renderer;
    private final PublicUrls urls;
    private final LinkRegistry links;
    private final Config.Sender sender;
    private final Clock clock;
    private final Map<Long, MailComposer> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, MailComposer> eldest) {
            return size() > KEEP;
        }
    };

    CampaignViews(CampaignStore campaigns, IssueRenderer renderer, PublicUrls urls, LinkRegistry links, Config.Sender sender, Clock clock) {
        this.campaigns = campaigns;
        this.renderer = renderer;
        this.urls = urls;
        this.links = links;
        this.sender = sender;
        this.clock = clock;
    }

    synchronized MailComposer composer(long campaignId) {
        MailComposer c = cache.get(campaignId);
        if (c == null) {
            var campaign = campaigns.require(campaignId);
            var prepared = renderer.prepare(renderer.parse(campaigns.issueDocument(campaign.issueId())));
            c = new MailComposer(prepared, campaignId, urls, links, sender, clock);
            cache.put(campaignId, c);
        }
        return c;
    }
}
