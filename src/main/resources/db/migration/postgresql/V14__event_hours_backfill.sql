-- The opens and clicks recorded before V13, summed per UTC hour. date_trunc on a timestamptz cuts in the
-- session's zone, so the hour is cut in UTC explicitly.
INSERT INTO event_hours (campaign_id, hour_start, kind, human, events)
SELECT campaign_id, DATE_TRUNC('HOUR', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', kind, COALESCE(human, TRUE), COUNT(*)
FROM events WHERE campaign_id IS NOT NULL AND kind IN ('open', 'click')
GROUP BY campaign_id, DATE_TRUNC('HOUR', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', kind, COALESCE(human, TRUE);

