-- name: insert-list
INSERT INTO mailing_lists (name, description, created_at) VALUES (?, ?, ?)

-- name: list-by-name
SELECT id, name, description FROM mailing_lists WHERE name = ?

-- name: list-by-id
SELECT id, name, description FROM mailing_lists WHERE id = ?

-- name: list-names
SELECT id, name, description FROM mailing_lists ORDER BY name

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

-- The chunk's addresses joined through the email_key index (UNNEST keeps it O(chunk), where "= ANY(array)"
-- makes H2 compare every row with the whole array), with each one's subscription to the target list, if any.
-- name: import-lookup
SELECT s.id, s.email_key, s.name, s.attributes, sub.status AS list_status
FROM UNNEST(?) AS chunk(k)
JOIN subscribers s ON s.email_key = chunk.k
LEFT JOIN subscriptions sub ON sub.subscriber_id = s.id AND sub.list_id = ?

-- Bulk statements over arrays: one statement per chunk instead of one per row (several times faster on H2).
-- The importer reads the new ids back as generated keys, so subscribing them needs no second email_key lookup.
-- name: import-insert
INSERT INTO subscribers (email, email_key, name, attributes, status, last_import, created_at, updated_at)
SELECT c.e, c.k, c.n, c.a, 'active', ?, ?, ? FROM UNNEST(?, ?, ?, ?) AS c(e, k, n, a)

-- name: import-update
UPDATE subscribers SET name = ?, attributes = ?, last_import = ?, updated_at = ? WHERE id = ?

-- Subscribes the chunk's subscribers (by id) that are not on the list yet. An existing subscription
-- (unsubscribed above all) is never changed by an import: the importer only passes ids without one.
-- name: import-subscribe
INSERT INTO subscriptions (list_id, subscriber_id, status, consent_at, consent_source, updated_at)
SELECT ?, c.id, ?, ?, ?, ? FROM UNNEST(?) AS c(id)

-- name: erased-markers-exist
SELECT COUNT(*) FROM suppressions WHERE reason = 'erased'

-- The chunk's erasure markers (keyed hashes of addresses) that are on the suppression list.
-- name: import-erased
SELECT s.email_key FROM UNNEST(?) AS m(k) JOIN suppressions s ON s.email_key = m.k AND s.reason = 'erased'
