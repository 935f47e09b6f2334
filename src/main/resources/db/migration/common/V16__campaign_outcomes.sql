-- A finished campaign's ledger counts per state, written once by the first reader after it finished: no row of a
-- finished campaign changes state again, and counting a million-row ledger takes a quarter of a second or more,
-- too slow for a dashboard that lists twenty campaigns. Running, paused and cancelled campaigns are counted live.
CREATE TABLE campaign_outcomes (
  campaign_id BIGINT      NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  state       VARCHAR(16) NOT NULL,
  deliveries  BIGINT      NOT NULL,
  PRIMARY KEY (campaign_id, state)
);
