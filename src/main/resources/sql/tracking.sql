-- name: setting
SELECT setting_value FROM app_settings WHERE name = ?

-- name: insert-setting
INSERT INTO app_settings (name, setting_value) VALUES (?, ?)

-- name: link-by-hash
SELECT id FROM links WHERE campaign_id = ? AND url_hash = ?

-- name: insert-link
INSERT INTO links (campaign_id, url_hash, url) VALUES (?, ?, ?)

-- name: link-url
SELECT url FROM links WHERE campaign_id = ? AND id = ?

-- name: insert-event
INSERT INTO events (campaign_id, subscriber_id, kind, link_id, detail, user_agent, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)

-- name: event-counts
SELECT kind, COUNT(*) AS total, COUNT(DISTINCT subscriber_id) AS uniques FROM events WHERE campaign_id = ? GROUP BY kind

-- Unsubscribes and bounces: few rows each, read through the (campaign_id, kind) index. Opens and clicks, which
-- can be millions, are read from the rollups (CampaignStats) instead.
-- One equality range of the index per kind: with kind IN (...) H2 used the index for campaign_id only and read
-- all of the campaign's opens and clicks (0.7 s warm, 12 s cold at 2.5 million events).
-- name: rare-event-counts
SELECT kind, COUNT(*) AS total, COUNT(DISTINCT subscriber_id) AS uniques FROM events
WHERE campaign_id = ? AND kind = 'unsubscribe' GROUP BY kind
UNION ALL
SELECT kind, COUNT(*) AS total, COUNT(DISTINCT subscriber_id) AS uniques FROM events
WHERE campaign_id = ? AND kind = 'bounce' GROUP BY kind
UNION ALL
SELECT kind, COUNT(*) AS total, COUNT(DISTINCT subscriber_id) AS uniques FROM events
WHERE campaign_id = ? AND kind = 'complaint' GROUP BY kind

-- name: bounced-after-sending
SELECT COUNT(DISTINCT e.subscriber_id) FROM events e
JOIN deliveries d ON d.campaign_id = e.campaign_id AND d.subscriber_id = e.subscriber_id
WHERE e.campaign_id = ? AND e.kind = 'bounce' AND d.state = 'sent'

-- Undo on the unsubscribe page: only the subscriptions that page's own unsubscribe ended, and only soon after.
-- name: resubscribe-undone
UPDATE subscriptions SET status = 'confirmed', consent_at = ?, consent_source = ?, updated_at = ?
WHERE subscriber_id = ? AND status = 'unsubscribed' AND consent_source = ? AND consent_at > ?

-- name: resubscribe-list-undone
UPDATE subscriptions SET status = 'confirmed', consent_at = ?, consent_source = ?, updated_at = ?
WHERE list_id = ? AND subscriber_id = ? AND status = 'unsubscribed' AND consent_source = ? AND consent_at > ?

-- name: update-setting
UPDATE app_settings SET setting_value = ? WHERE name = ?

-- A batch of classified opens and clicks in one statement, one array per column.
-- name: insert-classified-events
INSERT INTO events (campaign_id, subscriber_id, kind, link_id, user_agent, created_at, human, reason)
SELECT x.c, x.s, x.k, x.l, x.u, x.t, x.h, x.r FROM UNNEST(?, ?, ?, ?, ?, ?, ?, ?) AS x(c, s, k, l, u, t, h, r)

-- When each of a batch's readers was sent the campaign, and who of them asked not to be tracked: both driven
-- by the batch's ids through UNNEST, so each is a primary key lookup per reader. "subscriber_id = ANY(?)" made H2
-- scan the campaign's whole ledger (and the do-not-track query every subscriber) once per batch: at 100,000
-- recipients the event writer managed 1,600 events/s.
-- The ledger row's marks come along, so readers already marked need no MERGE (see Rollups).
-- name: sent-at
SELECT d.subscriber_id, d.updated_at, d.opened_human, d.opened_machine, d.clicked_human, d.clicked_machine FROM UNNEST(?) AS x(id)
JOIN deliveries d ON d.campaign_id = ? AND d.subscriber_id = x.id
WHERE d.state = 'sent'

-- name: do-not-track
SELECT s.id FROM UNNEST(?) AS x(id) JOIN subscribers s ON s.id = x.id WHERE s.do_not_track = TRUE

-- name: burst-reclassify
UPDATE events SET human = FALSE, reason = ?
WHERE id > ? AND campaign_id = ? AND subscriber_id = ? AND kind = 'click' AND created_at >= ? AND human = TRUE

-- The newest event id: below the ids of everything the writer inserts after reading it (see EventBuffer.IdFloors).
-- name: max-event-id
SELECT COALESCE(MAX(id), 0) FROM events

-- name: event-counts-by-class
SELECT kind, human, COUNT(*) AS total, COUNT(DISTINCT subscriber_id) AS uniques, COUNT(subscriber_id) AS attributed
FROM events WHERE campaign_id = ? AND kind IN ('open', 'click') GROUP BY kind, human

-- name: campaign-utm
SELECT utm_campaign FROM campaigns WHERE id = ?

-- name: set-campaign-utm
UPDATE campaigns SET utm_campaign = ? WHERE id = ?

-- The web admin's report: the latest bounces (few rows, through the (campaign_id, kind) index).
-- name: recent-bounces
SELECT e.created_at, e.detail, s.email FROM events e LEFT JOIN subscribers s ON s.id = e.subscriber_id
WHERE e.campaign_id = ? AND e.kind = 'bounce' ORDER BY e.id DESC LIMIT ?
