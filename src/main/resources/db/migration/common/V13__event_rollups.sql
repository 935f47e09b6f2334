-- Reports read these instead of counting the events table: with a million recipients and ten million events,
-- COUNT(DISTINCT ...) over events takes seconds; these answer in milliseconds. The event writer keeps them in the
-- same transaction as the events themselves (tracking/Rollups), so they never drift from the rows they sum.

-- Opens and clicks per campaign, hour (UTC) and class (a person's or a machine's; see docs/tracking-rules.md).
CREATE TABLE event_hours (
  campaign_id BIGINT      NOT NULL,
  hour_start  TIMESTAMP WITH TIME ZONE NOT NULL,
  kind        VARCHAR(20) NOT NULL,
  human       BOOLEAN     NOT NULL,
  events      BIGINT      NOT NULL,
  PRIMARY KEY (campaign_id, kind, human, hour_start)
);

-- Clicks per link and class.
CREATE TABLE link_clicks (
  campaign_id BIGINT  NOT NULL,
  link_id     BIGINT  NOT NULL,
  human       BOOLEAN NOT NULL,
  clicks      BIGINT  NOT NULL,
  PRIMARY KEY (campaign_id, link_id, human)
);

-- Distinct recipients who opened or clicked, per class. A recipient counts once per kind and class: the flags
-- below, on the recipient's ledger row, say whether they already count.
CREATE TABLE event_uniques (
  campaign_id BIGINT      NOT NULL,
  kind        VARCHAR(20) NOT NULL,
  human       BOOLEAN     NOT NULL,
  subscribers BIGINT      NOT NULL,
  PRIMARY KEY (campaign_id, kind, human)
);

ALTER TABLE deliveries ADD COLUMN opened_human    BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE deliveries ADD COLUMN opened_machine  BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE deliveries ADD COLUMN clicked_human   BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE deliveries ADD COLUMN clicked_machine BOOLEAN NOT NULL DEFAULT FALSE;

-- Existing events, summed once (event_hours in V14, where H2 and PostgreSQL cut hours differently).
-- Events from before classification (human IS NULL) count as a person's.
INSERT INTO link_clicks (campaign_id, link_id, human, clicks)
SELECT campaign_id, link_id, COALESCE(human, TRUE), COUNT(*)
FROM events WHERE campaign_id IS NOT NULL AND kind = 'click' AND link_id IS NOT NULL
GROUP BY campaign_id, link_id, COALESCE(human, TRUE);

UPDATE deliveries d SET
  opened_human    = EXISTS (SELECT 1 FROM events e WHERE e.campaign_id = d.campaign_id AND e.subscriber_id = d.subscriber_id AND e.kind = 'open' AND COALESCE(e.human, TRUE)),
  opened_machine  = EXISTS (SELECT 1 FROM events e WHERE e.campaign_id = d.campaign_id AND e.subscriber_id = d.subscriber_id AND e.kind = 'open' AND e.human = FALSE),
  clicked_human   = EXISTS (SELECT 1 FROM events e WHERE e.campaign_id = d.campaign_id AND e.subscriber_id = d.subscriber_id AND e.kind = 'click' AND COALESCE(e.human, TRUE)),
  clicked_machine = EXISTS (SELECT 1 FROM events e WHERE e.campaign_id = d.campaign_id AND e.subscriber_id = d.subscriber_id AND e.kind = 'click' AND e.human = FALSE)
WHERE EXISTS (SELECT 1 FROM events e WHERE e.campaign_id = d.campaign_id AND e.subscriber_id = d.subscriber_id);

INSERT INTO event_uniques (campaign_id, kind, human, subscribers)
SELECT campaign_id, 'open', TRUE, COUNT(*) FROM deliveries WHERE opened_human GROUP BY campaign_id
UNION ALL SELECT campaign_id, 'open', FALSE, COUNT(*) FROM deliveries WHERE opened_machine GROUP BY campaign_id
UNION ALL SELECT campaign_id, 'click', TRUE, COUNT(*) FROM deliveries WHERE clicked_human GROUP BY campaign_id
UNION ALL SELECT campaign_id, 'click', FALSE, COUNT(*) FROM deliveries WHERE clicked_machine GROUP BY campaign_id;
