-- Opens and clicks arrive in random subscriber order, so each of the event writer's commits touched a different
-- page of this index for nearly every event, and H2 (copy-on-write: a changed page is written whole at each
-- commit) re-serialised thousands of pages a second: 60 % of the writer's CPU under the load benchmark, growing
-- with the table. Without it the writer needs 5.6 instead of 14.2 µs of CPU per event (bench/load.sh).
-- What read events by subscriber: the burst rule (now by campaign and recent event id, tracking/EventBuffer, and the ledger
-- row's clicked_human_at, V20) and a subscriber's data export and erasure, which now scan the table: they are
-- rare, on request, and take about a second per few million events. PostgreSQL changes a B-tree page in place,
-- so it keeps the index.
DROP INDEX events_by_subscriber;
