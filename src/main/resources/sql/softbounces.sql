-- Soft bounces (migrations V22, V23): counted once per campaign; removed by a delivery that went through unless a
-- relay's report made the count; a count whose last soft bounce is older than the "stale" instant starts over.

-- name: count
MERGE INTO soft_bounces t
USING (VALUES (CAST(? AS VARCHAR(320)), CAST(? AS BIGINT), CAST(? AS VARCHAR(1000)), CAST(? AS TIMESTAMP WITH TIME ZONE),
               CAST(? AS BOOLEAN), CAST(? AS TIMESTAMP WITH TIME ZONE)))
  AS v(email_key, campaign_id, detail, at, relay, stale)
ON t.email_key = v.email_key
WHEN MATCHED AND t.last_campaign_id <> v.campaign_id THEN
  UPDATE SET campaigns = CASE WHEN t.updated_at < v.stale THEN 1 ELSE t.campaigns + 1 END,
             reported_by_relay = CASE WHEN t.updated_at < v.stale THEN v.relay ELSE (t.reported_by_relay OR v.relay) END,
             last_campaign_id = v.campaign_id, last_detail = v.detail, updated_at = v.at
WHEN NOT MATCHED THEN
  INSERT (email_key, campaigns, last_campaign_id, last_detail, updated_at, reported_by_relay)
  VALUES (v.email_key, 1, v.campaign_id, v.detail, v.at, v.relay)

-- name: campaigns
SELECT campaigns FROM soft_bounces WHERE email_key = ?

-- Whether any count is one a delivery resets (counts from relays' reports are not).
-- name: any
SELECT COUNT(*) FROM soft_bounces WHERE NOT reported_by_relay

-- Which of a batch's delivered addresses have a count that a delivery resets: a key lookup per address, in one
-- statement; usually none.
-- name: counted
SELECT s.email_key FROM UNNEST(?) AS x(k) JOIN soft_bounces s ON s.email_key = x.k AND NOT s.reported_by_relay

-- name: delivered
DELETE FROM soft_bounces WHERE email_key = ?
