-- Data for `bench size` (an H2 benchmark: SYSTEM_RANGE is H2's). Ids are spread with a multiplier prime to the
-- subscriber count, so every campaign's readers are scattered across the table as real ones are.

-- name: deliveries
INSERT INTO deliveries (campaign_id, subscriber_id, email, list_id, state, attempts, smtp_code, updated_at)
SELECT ?, s.id, s.email, ?, CASE WHEN MOD(s.id, 53) = 0 THEN 'failed' ELSE 'sent' END, 1,
       CASE WHEN MOD(s.id, 53) = 0 THEN 550 ELSE 250 END, ?
FROM subscribers s

-- A campaign's events: opens and clicks of scattered readers over its first 72 hours, a fifth of them a machine's.
-- name: events
INSERT INTO events (campaign_id, subscriber_id, kind, link_id, created_at, human, reason)
SELECT ?, 1 + MOD(x * 7919, ?), CASE WHEN MOD(x, 4) = 0 THEN 'click' ELSE 'open' END,
       CASE WHEN MOD(x, 4) = 0 THEN ? + MOD(x, ?) END,
       DATEADD(SECOND, MOD(x * 31, 259200), CAST(? AS TIMESTAMP WITH TIME ZONE)), MOD(x, 5) <> 0,
       CASE WHEN MOD(x, 5) = 0 THEN 'bench: a machine' ELSE 'bench: a person' END
FROM SYSTEM_RANGE(1, ?)

-- The rollups of the generated events, counted the slow way once, as migration V13 does for old events.
-- name: rollup-hours
INSERT INTO event_hours (campaign_id, hour_start, kind, human, events)
SELECT campaign_id, DATE_TRUNC('HOUR', created_at), kind, human, COUNT(*) FROM events WHERE campaign_id = ?
GROUP BY campaign_id, DATE_TRUNC('HOUR', created_at), kind, human

-- name: rollup-links
INSERT INTO link_clicks (campaign_id, link_id, human, clicks)
SELECT campaign_id, link_id, human, COUNT(*) FROM events WHERE campaign_id = ? AND kind = 'click' GROUP BY campaign_id, link_id, human

-- name: rollup-uniques
INSERT INTO event_uniques (campaign_id, kind, human, subscribers)
SELECT campaign_id, kind, human, COUNT(DISTINCT subscriber_id) FROM events WHERE campaign_id = ? GROUP BY campaign_id, kind, human

-- name: finish-campaign
UPDATE campaigns SET status = 'finished', audience_frozen = TRUE, audience_size = ?, started_at = ?, finished_at = ? WHERE id = ?

-- name: latest-campaign
SELECT MAX(id) FROM campaigns WHERE status = 'finished'

-- `bench tokens`: the load test's readers, as if the campaign had been sent to its list an hour ago.
-- name: tokens-deliveries
INSERT INTO deliveries (campaign_id, subscriber_id, email, list_id, state, attempts, smtp_code, updated_at)
SELECT ?, s.id, s.email, ?, 'sent', 1, 250, ? FROM subscriptions x JOIN subscribers s ON s.id = x.subscriber_id
WHERE x.list_id = ?

-- name: tokens-readers
SELECT subscriber_id FROM deliveries WHERE campaign_id = ? ORDER BY subscriber_id
