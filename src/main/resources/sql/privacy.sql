-- Consent records, a subscriber's own settings (pause, do not track), and the data rights: export and erasure.

-- name: insert-consent
INSERT INTO consent_records (subscriber_id, list_id, action, source, wording_version, ip_hash, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?)

-- name: consent-of
SELECT c.list_id, l.name AS list_name, c.action, c.source, c.wording_version, c.ip_hash, c.created_at
FROM consent_records c LEFT JOIN mailing_lists l ON l.id = c.list_id
WHERE c.subscriber_id = ? ORDER BY c.id

-- name: settings
SELECT do_not_track, paused_until FROM subscribers WHERE id = ?

-- name: set-do-not-track
UPDATE subscribers SET do_not_track = ?, updated_at = ? WHERE id = ? AND do_not_track <> ?

-- name: set-paused-until
UPDATE subscribers SET paused_until = ?, updated_at = ? WHERE id = ?

-- name: export-profile
SELECT email, name, attributes, status, do_not_track, paused_until, created_at, updated_at FROM subscribers WHERE id = ?

-- name: export-subscriptions
SELECT l.name AS list_name, s.status, s.consent_at, s.consent_source
FROM subscriptions s JOIN mailing_lists l ON l.id = s.list_id WHERE s.subscriber_id = ? ORDER BY l.name

-- The ledger's key is (campaign_id, subscriber_id): one key lookup per campaign finds a subscriber's rows, where
-- "WHERE subscriber_id = ?" alone reads the whole ledger (a second and more at millions of rows).
-- name: export-deliveries
SELECT d.campaign_id, c.name AS campaign_name, l.name AS list_name, d.state, d.attempts, d.smtp_code, d.updated_at
FROM campaigns c JOIN deliveries d ON d.campaign_id = c.id AND d.subscriber_id = ? LEFT JOIN mailing_lists l ON l.id = d.list_id
ORDER BY d.campaign_id

-- name: export-events
SELECT e.campaign_id, e.kind, k.url AS link, e.detail, e.user_agent, e.created_at
FROM events e LEFT JOIN links k ON k.id = e.link_id
WHERE e.subscriber_id = ? ORDER BY e.id

-- The address's entries in the suppression list and the soft-bounce count, by its key.
-- name: export-suppression
SELECT reason, detail, created_at FROM suppressions WHERE email_key = ?

-- name: export-soft-bounces
SELECT campaigns, last_campaign_id, last_detail, updated_at FROM soft_bounces WHERE email_key = ?

-- Erasure, in one transaction. The subscriber row stays (consent records and the ledger point at it) but
-- nothing in it identifies the person any more.
-- name: erase-subscriber
UPDATE subscribers SET email = ?, email_key = ?, name = NULL, attributes = '{}', status = 'erased',
       do_not_track = TRUE, paused_until = NULL, updated_at = ?
WHERE id = ?

-- name: erase-subscriptions
UPDATE subscriptions SET status = 'unsubscribed', consent_at = ?, consent_source = 'erased at the subscriber''s request', updated_at = ?
WHERE subscriber_id = ?

-- Opens, clicks, unsubscribes and bounces stay counted per campaign, without the person.
-- name: erase-events
UPDATE events SET subscriber_id = NULL, user_agent = NULL, detail = NULL WHERE subscriber_id = ?

-- The ledger keeps what happened per campaign (state, SMTP code, the open and click marks) but not the address,
-- the server's text, which often repeats it, or when the person first clicked.
-- name: erase-deliveries
UPDATE deliveries SET email = ?, smtp_detail = NULL, message_id = NULL, clicked_human_at = NULL
WHERE subscriber_id = ? AND campaign_id IN (SELECT id FROM campaigns)

-- name: erase-consent-ips
UPDATE consent_records SET ip_hash = NULL WHERE subscriber_id = ?

-- name: delete-suppression
DELETE FROM suppressions WHERE email_key = ?

-- name: delete-soft-bounces
DELETE FROM soft_bounces WHERE email_key = ?

-- name: insert-erased-marker
INSERT INTO suppressions (email_key, reason, detail, created_at) VALUES (?, 'erased', 'keyed HMAC of the address, not the address', ?)

-- name: erased-marker-count
SELECT COUNT(*) FROM suppressions WHERE email_key = ? AND reason = 'erased'
