-- Per-recipient local time ("Timewarp"): a campaign may go out at a local date and time in each subscriber's own
-- zone (their "timezone" attribute, or the fallback zone below). NULL: one instant for everyone (send_at).
ALTER TABLE campaigns ADD COLUMN local_send_at VARCHAR(19);
ALTER TABLE campaigns ADD COLUMN local_fallback_zone VARCHAR(64);

-- That local time as an instant in every zone the JVM knows, computed once in Java when the campaign is created
-- (so daylight-saving gaps and overlaps follow java.time exactly, on H2 and PostgreSQL alike). The audience freeze
-- joins a subscriber's timezone attribute to this table; an unknown or missing zone takes the fallback zone's instant.
CREATE TABLE campaign_local_times (
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
  zone        VARCHAR(64) NOT NULL,
  send_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (campaign_id, zone)
);

-- When the recipient's local time comes (NULL: no local time). Rows frozen before it are in state 'waiting', which
-- claims never take; the engine turns due ones into 'queued' when it runs, so the claim query stays as it was.
ALTER TABLE deliveries ADD COLUMN not_before TIMESTAMP WITH TIME ZONE;

-- Weekly schedules may narrow their lists by a saved segment (by name: each firing copies its current expression
-- into the campaign) and send at their local time in each subscriber's zone.
ALTER TABLE weekly_schedules ADD COLUMN segment_name VARCHAR(100);
ALTER TABLE weekly_schedules ADD COLUMN per_recipient_time BOOLEAN NOT NULL DEFAULT FALSE;
