-- Opens and clicks arrive in random subscriber order, so each of the event writer's commits touched a different
-- page of this index for nearly every event, and H2 (copy-on-write: a changed page is written whole at each
-- commit) re-serialised thousands of pages a second: 60 % of the writer's CPU under the load benchmark, growing
-- with the table. Without it the writer needs 5.6 instead of 14.2 µs of CPU per event (bench/load.sh).
-- What read events by subscriber: the burst rule (now by campaign and recent event id, tracking/EventBuffer, and the ledger
-- row's clicked_human_at, V20) and a subscriber's data export and erasure, which now scan the table: they are
-- rare, on request, and take about a second per few million events. PostgreSQL changes a B-tree page in place,
-- so it keeps the index (and finds a burst's clicks by it).
-- Version 21 exists on H2 only: the next migration in common/ must be V22 or later.
DROP INDEX events_by_subscriber;

-- A burst's earlier clicks are then found as the campaign's clicks newer than an event id the writer noted (see
-- tracking/EventBuffer.IdFloors): with the id in this index that is one short range, however many clicks the
-- campaign has. The other queries on it use its first two columns as before.
DROP INDEX events_by_campaign;
CREATE INDEX events_by_campaign ON events (campaign_id, kind, id);
