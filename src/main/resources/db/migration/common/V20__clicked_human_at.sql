-- When a recipient's first click that counts as a person's was made (NULL while none does). A burst re-labels
-- the clicks of its last two seconds as a machine's; whether the person's mark on the ledger row survives it is
-- then "was the first person's click before the burst", answered from this row instead of from the recipient's
-- clicks in the events table, which no longer has an index by subscriber on H2 (V21).
ALTER TABLE deliveries ADD COLUMN clicked_human_at TIMESTAMP WITH TIME ZONE;

-- Events from before classification (human IS NULL) count as a person's, as in V13. One grouped MERGE: a
-- correlated subquery per ledger row could make H2 scan a campaign's clicks once per clicker.
MERGE INTO deliveries d
USING (SELECT campaign_id, subscriber_id, MIN(created_at) AS first_click FROM events
       WHERE kind = 'click' AND COALESCE(human, TRUE) AND campaign_id IS NOT NULL AND subscriber_id IS NOT NULL
       GROUP BY campaign_id, subscriber_id) AS v
ON d.campaign_id = v.campaign_id AND d.subscriber_id = v.subscriber_id AND d.clicked_human
WHEN MATCHED THEN UPDATE SET clicked_human_at = v.first_click;
