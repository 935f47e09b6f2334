-- Queries of the REST API that the other stores do not have.

-- Subscriber search: one driving query per order ({filters} becomes the other filters' fragments below).
-- Keyset pagination: every page starts after the last id, or the last address, of the one before; never OFFSET.
-- name: search-by-id
SELECT s.id, s.email, s.name, s.attributes, s.status, s.created_at FROM subscribers s WHERE s.id > ? AND s.id <= ? {filters}
ORDER BY s.id LIMIT ?

-- One list's subscribers: a range of the subscriptions' key (list_id, subscriber_id), in subscriber id order.
-- ORDER BY names the whole key, as in search-by-domain: with subscriber_id alone H2 sorts the range (2.5 s).
-- name: search-by-list
SELECT s.id, s.email, s.name, s.attributes, s.status, s.created_at
FROM subscriptions x JOIN subscribers s ON s.id = x.subscriber_id
WHERE x.list_id = ? AND x.subscriber_id > ? AND x.subscriber_id <= ? {filters}
ORDER BY x.list_id, x.subscriber_id LIMIT ?

-- name: last-subscriber-id
SELECT COALESCE(MAX(id), 0) FROM subscribers

-- Addresses starting with a term: the range [term, term with its last character raised) of the email_key index,
-- read in its order, so LIMIT stops the scan. A range, not LIKE 'term%': H2 uses an index for LIKE only when the
-- pattern is a literal, not a parameter.
-- name: search-by-prefix
SELECT s.id, s.email, s.name, s.attributes, s.status, s.created_at FROM subscribers s
WHERE s.email_key >= ? AND s.email_key < ? AND s.email_key > ? {filters}
ORDER BY s.email_key LIMIT ?

-- One domain's addresses: a range of the (email_domain, email_key) index, in address order. The ORDER BY names both
-- columns of the index: with email_key alone H2 sorted every address of the domain (seconds for a big one).
-- name: search-by-domain
SELECT s.id, s.email, s.name, s.attributes, s.status, s.created_at FROM subscribers s
WHERE s.email_domain = ? AND s.email_key > ? {filters}
ORDER BY s.email_domain, s.email_key LIMIT ?

-- Attributes are stored as compact JSON, so "name":"value" (JSON-escaped both) is an exact match on one attribute.
-- name: search-attribute
AND s.attributes LIKE ? ESCAPE '\'

-- name: search-list
AND EXISTS (SELECT 1 FROM subscriptions x WHERE x.subscriber_id = s.id AND x.list_id = ?)

-- name: search-list-status
AND EXISTS (SELECT 1 FROM subscriptions x WHERE x.subscriber_id = s.id AND x.list_id = ? AND x.status = ?)

-- name: search-joined-status
AND x.status = ?

-- name: search-status
AND EXISTS (SELECT 1 FROM subscriptions x WHERE x.subscriber_id = s.id AND x.status = ?)

-- name: subscriptions-of-page
SELECT x.subscriber_id, l.name AS list_name, x.status, x.consent_at, x.consent_source
FROM UNNEST(?) AS page(id)
JOIN subscriptions x ON x.subscriber_id = page.id
JOIN mailing_lists l ON l.id = x.list_id
ORDER BY x.subscriber_id, l.name

-- name: subscriber-created
SELECT created_at FROM subscribers WHERE id = ?

-- name: update-attributes
UPDATE subscribers SET attributes = ?, updated_at = ? WHERE id = ?

-- name: update-status
UPDATE subscribers SET status = ?, updated_at = ? WHERE id = ?

-- Erasure (GDPR Art. 17). Ledger rows still waiting are skipped, so no send goes out after the erasure; the rows
-- stay for the campaign's counts, without the address. Events stay as anonymous counts.
-- name: issue
SELECT id, name, document, created_at FROM issues WHERE id = ?

-- name: update-issue
UPDATE issues SET name = ?, document = ? WHERE id = ?

-- name: issue-users
SELECT (SELECT COUNT(*) FROM campaigns WHERE issue_id = ?) + (SELECT COUNT(*) FROM schedule_queue WHERE issue_id = ?)

-- name: campaign-list-names
SELECT l.name FROM campaign_lists cl JOIN mailing_lists l ON l.id = cl.list_id WHERE cl.campaign_id = ? ORDER BY l.name

-- name: schedule-list-names
SELECT l.name FROM weekly_schedule_lists sl JOIN mailing_lists l ON l.id = sl.list_id WHERE sl.schedule_id = ? ORDER BY l.name

-- The issues waiting in a schedule's queue, in the order they will be sent.
-- name: schedule-queue
SELECT q.id, q.issue_id, i.name, q.added_at FROM schedule_queue q JOIN issues i ON i.id = q.issue_id
WHERE q.schedule_id = ? AND q.state = 'ready' ORDER BY q.id
