-- name: insert-key
INSERT INTO api_keys (name, key_hash, key_prefix, created_at) VALUES (?, ?, ?, ?)

-- name: key-by-name
SELECT id, name, key_prefix, created_at, last_used_at, revoked_at FROM api_keys WHERE name = ?

-- name: all-keys
SELECT id, name, key_prefix, created_at, last_used_at, revoked_at FROM api_keys ORDER BY name

-- Only active keys authenticate; the hash column is unique, so this is one index lookup.
-- name: active-key-by-hash
SELECT id, name, key_prefix, created_at, last_used_at, revoked_at, key_hash FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL

-- name: revoke
UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL

-- At most one write per key per minute, however busy the key is.
-- name: touch
UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)
