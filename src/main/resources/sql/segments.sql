-- name: insert-segment
INSERT INTO segments (name, expression, created_at) VALUES (?, ?, ?)

-- name: segment-by-name
SELECT id, name, expression, created_at FROM segments WHERE name = ?

-- Campaigns copy their segment's expression, so nothing refers to this row.
-- name: delete-segment
DELETE FROM segments WHERE name = ?

-- name: all-segments
SELECT id, name, expression, created_at FROM segments ORDER BY name

-- {filter} is a Segment's SqlFilter over "s", spliced in by SegmentStore; its values are bound parameters.
-- name: count-matching
SELECT COUNT(*) FROM subscribers s WHERE {filter}

-- name: preview-matching
SELECT s.id, s.email, s.name, s.attributes, s.status FROM subscribers s WHERE {filter} ORDER BY s.id LIMIT ?
