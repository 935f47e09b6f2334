-- name: insert-schedule
INSERT INTO weekly_schedules (name, days, local_time, zone, created_at, segment_name, per_recipient_time) VALUES (?, ?, ?, ?, ?, ?, ?)

-- name: insert-schedule-list
INSERT INTO weekly_schedule_lists (schedule_id, list_id) VALUES (?, ?)

-- name: schedule-by-id
SELECT id, name, days, local_time, zone, segment_name, per_recipient_time FROM weekly_schedules WHERE id = ?

-- name: schedule-by-name
SELECT id, name, days, local_time, zone, segment_name, per_recipient_time FROM weekly_schedules WHERE name = ?

-- name: all-schedules
SELECT id, name, days, local_time, zone, segment_name, per_recipient_time FROM weekly_schedules ORDER BY name

-- name: schedule-list-ids
SELECT list_id FROM weekly_schedule_lists WHERE schedule_id = ? ORDER BY list_id

-- name: enqueue
INSERT INTO schedule_queue (schedule_id, issue_id, state, added_at) VALUES (?, ?, 'ready', ?)

-- name: next-ready
SELECT id, issue_id FROM schedule_queue WHERE schedule_id = ? AND state = 'ready' ORDER BY id LIMIT 1

-- A firing takes its issue off the queue before it creates the campaign: a crash or failure in between leaves it
-- 'taking' (and a failed run recorded when there was time to): never sent twice by a later firing.
-- name: take-issue
UPDATE schedule_queue SET state = 'taking' WHERE id = ? AND state = 'ready'

-- name: mark-used
UPDATE schedule_queue SET state = 'used', campaign_id = ? WHERE id = ? AND state = 'taking'

-- name: ready-count
SELECT COUNT(*) FROM schedule_queue WHERE schedule_id = ? AND state = 'ready'

-- name: insert-run
INSERT INTO schedule_runs (schedule_id, fired_at, outcome, campaign_id, note) VALUES (?, ?, ?, ?, ?)

-- name: runs
SELECT fired_at, outcome, campaign_id, note FROM schedule_runs WHERE schedule_id = ? ORDER BY id DESC LIMIT ?
