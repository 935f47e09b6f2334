-- When a recipient's first click that counts as a person's was made (NULL while none does). A burst re-labels
-- the clicks of its last two seconds as a machine's; whether the person's mark on the ledger row survives it is
-- then "was the first person's click before the burst", answered from this row instead of from the recipient's
-- clicks in the events table, which no longer has an index by subscriber on H2 (V21).
ALTER TABLE deliveries ADD COLUMN clicked_human_at TIMESTAMP WITH TIME ZONE;

-- Events from before classification (human IS NULL) count as a person's, as in V13.
UPDATE deliveries d SET clicked_human_at = (
  SELECT MIN(e.created_at) FROM events e
  WHERE e.campaign_id = d.campaign_id AND e.subscriber_id = d.subscriber_id AND e.kind = 'click' AND COALESCE(e.human, TRUE))
WHERE d.clicked_human;

-- A burst's earlier clicks are found as the campaign's clicks newer than an event id the writer noted (see
-- tracking/EventBuffer.IdFloors): with the id in this index that is one short range, however many clicks the
-- campaign has. The other queries on it use its first two columns as before.
DROP INDEX events_by_campaign;
CREATE INDEX events_by_campaign ON events (campaign_id, kind, id);
