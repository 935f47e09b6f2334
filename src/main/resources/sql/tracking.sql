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

-- name: resubscribe-undone
UPDATE subscriptions SET status = 'confirmed', consent_at = ?, consent_source = ?, updated_at = ?
WHERE subscriber_id = ? AND status = 'unsubscribed' AND consent_source = ?
