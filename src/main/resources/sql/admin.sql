-- The web admin under /admin: accounts, sessions, and the few reads no other store has.

-- name: insert-account
INSERT INTO admin_accounts (name, password_hash, created_at) VALUES (?, ?, ?)

-- name: account-by-name
SELECT id, name, password_hash, created_at, last_sign_in_at FROM admin_accounts WHERE name = ?

-- name: all-accounts
SELECT id, name, password_hash, created_at, last_sign_in_at FROM admin_accounts ORDER BY name

-- Sessions go with their account (ON DELETE CASCADE); deleting them first as well keeps that true without relying on it.
-- name: delete-sessions-of-account
DELETE FROM admin_sessions WHERE admin_id IN (SELECT id FROM admin_accounts WHERE name = ?)

-- name: delete-account
DELETE FROM admin_accounts WHERE name = ?

-- name: signed-in
UPDATE admin_accounts SET last_sign_in_at = ? WHERE id = ?

-- name: insert-session
INSERT INTO admin_sessions (token_hash, admin_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)

-- Idle sessions are not found: the caller passes the oldest last_seen_at still valid.
-- name: session
SELECT s.id, s.admin_id, a.name, s.csrf_token, s.last_seen_at
FROM admin_sessions s JOIN admin_accounts a ON a.id = s.admin_id WHERE s.token_hash = ? AND s.last_seen_at > ?

-- name: touch-session
UPDATE admin_sessions SET last_seen_at = ? WHERE id = ?

-- name: delete-session
DELETE FROM admin_sessions WHERE id = ?

-- name: delete-idle-sessions
DELETE FROM admin_sessions WHERE last_seen_at <= ?

-- name: recent-issues
SELECT id, name, created_at FROM issues ORDER BY id DESC LIMIT ?

-- name: issue
SELECT id, name, document FROM issues WHERE id = ?

-- An issue that a campaign or a schedule's queue holds is what they send: it may not change any more.
-- name: issue-in-use
SELECT (SELECT COUNT(*) FROM campaigns WHERE issue_id = ?) + (SELECT COUNT(*) FROM schedule_queue WHERE issue_id = ?)

-- name: update-issue
UPDATE issues SET name = ?, document = ? WHERE id = ?

-- name: schedule-queue
SELECT q.id, q.issue_id, i.name, q.added_at, q.state FROM schedule_queue q JOIN issues i ON i.id = q.issue_id
WHERE q.schedule_id = ? ORDER BY q.id DESC LIMIT 50

-- name: schedule-list-names
SELECT l.name FROM weekly_schedule_lists sl JOIN mailing_lists l ON l.id = sl.list_id WHERE sl.schedule_id = ? ORDER BY l.name

-- name: campaign-list-names
SELECT l.name FROM campaign_lists cl JOIN mailing_lists l ON l.id = cl.list_id WHERE cl.campaign_id = ? ORDER BY l.name
