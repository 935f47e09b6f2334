-- name: insert-list
INSERT INTO mailing_lists (name, description, created_at) VALUES (?, ?, ?)

-- name: list-by-name
SELECT id, name, description FROM mailing_lists WHERE name = ?

-- name: list-by-id
SELECT id, name, description FROM mailing_lists WHERE id = ?

-- name: all-lists
SELECT l.id, l.name, l.description,
       (SELECT COUNT(*) FROM subscriptions s WHERE s.list_id = l.id AND s.status = 'confirmed') AS confirmed
FROM mailing_lists l ORDER BY l.name

-- name: subscriber-by-key
SELECT id, email, name, attributes, status FROM subscribers WHERE email_key = ?

-- name: subscriber-by-id
SELECT id, email, name, attributes, status FROM subscribers WHERE id = ?

-- name: insert-subscriber
INSERT INTO subscribers (email, email_key, name, attributes, status, last_import, created_at, updated_at)
VALUES (?, ?, ?, ?, 'active', ?, ?, ?)

-- name: update-subscriber-name
UPDATE subscribers SET name = ?, updated_at = ? WHERE id = ?

-- name: subscriptions-of
SELECT s.list_id, l.name AS list_name, s.status, s.consent_at, s.consent_source
FROM subscriptions s JOIN mailing_lists l ON l.id = s.list_id
WHERE s.subscriber_id = ? ORDER BY l.name

-- name: subscription-status
SELECT status FROM subscriptions WHERE list_id = ? AND subscriber_id = ?

-- name: insert-subscription
INSERT INTO subscriptions (list_id, subscriber_id, status, consent_at, consent_source, updated_at)
VALUES (?, ?, ?, ?, ?, ?)

-- name: set-subscription-status
UPDATE subscriptions SET status = ?, consent_at = ?, consent_source = ?, updated_at = ?
WHERE list_id = ? AND subscriber_id = ? AND status <> ?

-- name: unsubscribe-all
UPDATE subscriptions SET status = 'unsubscribed', consent_at = ?, consent_source = ?, updated_at = ?
WHERE subscriber_id = ? AND status <> 'unsubscribed'

-- name: is-suppressed
SELECT COUNT(*) FROM suppressions WHERE email_key = ?

-- name: suppress
INSERT INTO suppressions (email_key, reason, detail, created_at) VALUES (?, ?, ?, ?)

-- name: import-start
INSERT INTO imports (list_id, source, started_at) VALUES (?, ?, ?)

-- name: import-finish
UPDATE imports SET finished_at = ?, total_rows = ?, added = ?, updated = ?, duplicates = ?, invalid = ? WHERE id = ?

-- name: import-lookup
SELECT id, email_key, name, attributes, last_import FROM subscribers WHERE email_key = ANY(?)

-- name: import-insert
INSERT INTO subscribers (email, email_key, name, attributes, status, last_import, created_at, updated_at)
VALUES (?, ?, ?, ?, 'active', ?, ?, ?)

-- name: import-update
UPDATE subscribers SET name = ?, attributes = ?, last_import = ?, updated_at = ? WHERE id = ?

-- name: import-touch
UPDATE subscribers SET last_import = ? WHERE id = ANY(?)

-- Adds the list to every subscriber of the chunk that is not on it yet; an existing subscription
-- (unsubscribed above all) is never changed by an import.
-- name: import-subscribe
INSERT INTO subscriptions (list_id, subscriber_id, status, consent_at, consent_source, updated_at)
SELECT ?, s.id, ?, ?, ?, ? FROM subscribers s
WHERE s.email_key = ANY(?)
  AND NOT EXISTS (SELECT 1 FROM subscriptions x WHERE x.list_id = ? AND x.subscriber_id = s.id)
