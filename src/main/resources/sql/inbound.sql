-- name: mailbox-create
INSERT INTO inbound_mailboxes (mailbox, last_uid) SELECT ?, 0 WHERE NOT EXISTS (SELECT 1 FROM inbound_mailboxes WHERE mailbox = ?)

-- A lease: this node reads the mailbox until locked_until, unless another node holds an unexpired one.
-- name: mailbox-lease
UPDATE inbound_mailboxes SET locked_by = ?, locked_until = ?
WHERE mailbox = ? AND (locked_until IS NULL OR locked_until < ? OR locked_by = ?)

-- name: mailbox-release
UPDATE inbound_mailboxes SET locked_until = NULL WHERE mailbox = ? AND locked_by = ?

-- name: mailbox-position
SELECT uid_validity, last_uid FROM inbound_mailboxes WHERE mailbox = ?

-- name: mailbox-advance
UPDATE inbound_mailboxes SET uid_validity = ?, last_uid = ? WHERE mailbox = ? AND locked_by = ?

-- The delivery a report is about: the Message-ID it was sent under and the address it went to.
-- name: delivery-sent-as
SELECT d.message_id, d.email, d.list_id FROM deliveries d WHERE d.campaign_id = ? AND d.subscriber_id = ?

-- name: event-recorded
SELECT COUNT(*) FROM events WHERE subscriber_id = ? AND campaign_id = ? AND kind = ?
