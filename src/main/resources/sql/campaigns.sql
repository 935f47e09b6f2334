-- name: insert-issue
INSERT INTO issues (name, document, created_at) VALUES (?, ?, ?)

-- name: issue-document
SELECT document FROM issues WHERE id = ?

-- name: insert-campaign
INSERT INTO campaigns (name, issue_id, status, send_at, schedule_id, created_at, smtp_server, segment_expression,
                       local_send_at, local_fallback_zone)
VALUES (?, ?, 'scheduled', ?, ?, ?, ?, ?, ?, ?)

-- name: insert-local-time
INSERT INTO campaign_local_times (campaign_id, zone, send_at) VALUES (?, ?, ?)

-- name: campaign-local-time
SELECT local_send_at, local_fallback_zone FROM campaigns WHERE id = ?

-- name: campaign-smtp-server
SELECT smtp_server FROM campaigns WHERE id = ?

-- name: campaign-segment
SELECT segment_expression FROM campaigns WHERE id = ?

-- name: insert-campaign-list
INSERT INTO campaign_lists (campaign_id, list_id) VALUES (?, ?)

-- name: campaign
SELECT id, name, issue_id, status, status_reason, send_at, audience_frozen, audience_size, created_at, started_at, finished_at
FROM campaigns WHERE id = ?

-- name: campaigns-in-status
SELECT id, name, issue_id, status, status_reason, send_at, audience_frozen, audience_size, created_at, started_at, finished_at
FROM campaigns WHERE status = ? ORDER BY id

-- name: recent-campaigns
SELECT id, name, issue_id, status, status_reason, send_at, audience_frozen, audience_size, created_at, started_at, finished_at
FROM campaigns ORDER BY id DESC LIMIT ?

-- name: campaign-list-ids
SELECT list_id FROM campaign_lists WHERE campaign_id = ? ORDER BY list_id

-- name: set-status
UPDATE campaigns SET status = ?, status_reason = ? WHERE id = ?

-- name: set-status-if
UPDATE campaigns SET status = ?, status_reason = ? WHERE id = ? AND status = ?

-- name: mark-started
UPDATE campaigns SET status = 'running', status_reason = NULL, started_at = COALESCE(started_at, ?) WHERE id = ? AND status IN ('scheduled', 'running')

-- name: mark-finished
UPDATE campaigns SET status = 'finished', status_reason = ?, finished_at = ? WHERE id = ? AND status = 'running'

-- name: fix-audience-bound
UPDATE campaigns SET audience_max_id = (SELECT COALESCE(MAX(id), 0) FROM subscribers) WHERE id = ? AND audience_max_id IS NULL

-- name: audience-bound
SELECT audience_frozen, audience_max_id FROM campaigns WHERE id = ?

-- name: mark-frozen
UPDATE campaigns SET audience_frozen = TRUE, audience_size = ? WHERE id = ? AND audience_frozen = FALSE

-- name: recipient-list
SELECT d.list_id, l.name FROM deliveries d JOIN mailing_lists l ON l.id = d.list_id WHERE d.campaign_id = ? AND d.subscriber_id = ?

-- name: first-list
SELECT l.id, l.name FROM campaign_lists cl JOIN mailing_lists l ON l.id = cl.list_id WHERE cl.campaign_id = ? ORDER BY l.id LIMIT 1

-- A finished campaign's ledger counts, stored once (see migration V16).
-- name: outcomes
SELECT state, deliveries FROM campaign_outcomes WHERE campaign_id = ?

-- name: insert-outcome
INSERT INTO campaign_outcomes (campaign_id, state, deliveries) VALUES (?, ?, ?)
