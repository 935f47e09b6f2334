-- Token buckets for bucket4j's select-for-update protocol (see delivery/JdbcBuckets).

-- name: lock
SELECT state FROM rate_buckets WHERE id = ? FOR UPDATE

-- name: insert
INSERT INTO rate_buckets (id, state) VALUES (?, NULL)

-- name: update
UPDATE rate_buckets SET state = ? WHERE id = ?

-- name: delete
DELETE FROM rate_buckets WHERE id = ?
