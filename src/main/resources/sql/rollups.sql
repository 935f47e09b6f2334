-- Report rollups (see migration V13): written by the event writer in the events' own transaction, read by reports.
-- MERGE is standard SQL that H2 2.x and PostgreSQL 15+ both run.

-- name: add-hour
MERGE INTO event_hours t
USING (VALUES (CAST(? AS BIGINT), CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS VARCHAR(20)), CAST(? AS BOOLEAN), CAST(? AS BIGINT)))
  AS v(campaign_id, hour_start, kind, human, n)
ON t.campaign_id = v.campaign_id AND t.kind = v.kind AND t.human = v.human AND t.hour_start = v.hour_start
WHEN MATCHED THEN UPDATE SET events = t.events + v.n
WHEN NOT MATCHED THEN INSERT (campaign_id, hour_start, kind, human, events) VALUES (v.campaign_id, v.hour_start, v.kind, v.human, v.n)

-- name: add-link
MERGE INTO link_clicks t
USING (VALUES (CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BOOLEAN), CAST(? AS BIGINT))) AS v(campaign_id, link_id, human, n)
ON t.campaign_id = v.campaign_id AND t.link_id = v.link_id AND t.human = v.human
WHEN MATCHED THEN UPDATE SET clicks = t.clicks + v.n
WHEN NOT MATCHED THEN INSERT (campaign_id, link_id, human, clicks) VALUES (v.campaign_id, v.link_id, v.human, v.n)

-- name: add-unique
MERGE INTO event_uniques t
USING (VALUES (CAST(? AS BIGINT), CAST(? AS VARCHAR(20)), CAST(? AS BOOLEAN), CAST(? AS BIGINT))) AS v(campaign_id, kind, human, n)
ON t.campaign_id = v.campaign_id AND t.kind = v.kind AND t.human = v.human
WHEN MATCHED THEN UPDATE SET subscribers = t.subscribers + v.n
WHEN NOT MATCHED THEN INSERT (campaign_id, kind, human, subscribers) VALUES (v.campaign_id, v.kind, v.human, v.n)

-- The first open or click of each class marks the recipient's ledger row: one statement per batch, campaign and
-- class, and the number of rows it changed is the number of new unique readers. A MERGE driven by the ids
-- looks each one up in the key; H2 answers "subscriber_id IN (SELECT ... UNNEST(?))" or "= ANY(?)" by scanning
-- the campaign's whole ledger and testing each row. (The ids are distinct: PostgreSQL refuses to merge a row twice.)
-- name: flag-open-human
MERGE INTO deliveries d USING (SELECT CAST(? AS BIGINT) AS campaign_id, x.id FROM UNNEST(?) AS x(id)) AS v
ON d.campaign_id = v.campaign_id AND d.subscriber_id = v.id AND d.opened_human = FALSE
WHEN MATCHED THEN UPDATE SET opened_human = TRUE

-- name: flag-open-machine
MERGE INTO deliveries d USING (SELECT CAST(? AS BIGINT) AS campaign_id, x.id FROM UNNEST(?) AS x(id)) AS v
ON d.campaign_id = v.campaign_id AND d.subscriber_id = v.id AND d.opened_machine = FALSE
WHEN MATCHED THEN UPDATE SET opened_machine = TRUE

-- The person's click mark also keeps when the first such click was (V20): the ids come with their batch's earliest time.
-- name: flag-click-human
MERGE INTO deliveries d USING (SELECT CAST(? AS BIGINT) AS campaign_id, x.id, x.at FROM UNNEST(?, ?) AS x(id, at)) AS v
ON d.campaign_id = v.campaign_id AND d.subscriber_id = v.id AND d.clicked_human = FALSE
WHEN MATCHED THEN UPDATE SET clicked_human = TRUE, clicked_human_at = v.at

-- name: flag-click-machine
MERGE INTO deliveries d USING (SELECT CAST(? AS BIGINT) AS campaign_id, x.id FROM UNNEST(?) AS x(id)) AS v
ON d.campaign_id = v.campaign_id AND d.subscriber_id = v.id AND d.clicked_machine = FALSE
WHEN MATCHED THEN UPDATE SET clicked_machine = TRUE

-- A burst of clicks turned out to be a scanner's: the person's clicks it re-labels, before they are re-labelled.
-- Its clicks are all newer than the id the writer passes (see EventBuffer.IdFloors): on H2 a short range of
-- events_by_campaign (V21); PostgreSQL may use events_by_subscriber instead.
-- name: burst-clicks
SELECT created_at, link_id FROM events
WHERE id > ? AND campaign_id = ? AND subscriber_id = ? AND kind = 'click' AND created_at >= ? AND human = TRUE

-- name: click-flags
SELECT clicked_human, clicked_machine, clicked_human_at FROM deliveries WHERE campaign_id = ? AND subscriber_id = ?

-- name: set-click-flags
UPDATE deliveries SET clicked_human = ?, clicked_machine = ?, clicked_human_at = ? WHERE campaign_id = ? AND subscriber_id = ?

-- name: hours
SELECT hour_start, kind, human, events FROM event_hours WHERE campaign_id = ? ORDER BY hour_start, kind, human

-- name: totals
SELECT kind, human, SUM(events) AS events FROM event_hours WHERE campaign_id = ? GROUP BY kind, human

-- name: uniques
SELECT kind, human, subscribers FROM event_uniques WHERE campaign_id = ?

-- name: links
SELECT c.link_id, l.url, c.human, c.clicks FROM link_clicks c JOIN links l ON l.id = c.link_id WHERE c.campaign_id = ?
