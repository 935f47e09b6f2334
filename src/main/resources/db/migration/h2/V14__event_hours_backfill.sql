-- The opens and clicks recorded before V13, summed per UTC hour. H2 stores timestamps with their offset and the
-- app writes UTC, so DATE_TRUNC cuts UTC hours.
INSERT INTO event_hours (campaign_id, hour_start, kind, human, events)
SELECT campaign_id, DATE_TRUNC('HOUR', created_at), kind, COALESCE(human, TRUE), COUNT(*)
FROM events WHERE campaign_id IS NOT NULL AND kind IN ('open', 'click')
GROUP BY campaign_id, DATE_TRUNC('HOUR', created_at), kind, COALESCE(human, TRUE);

