-- Addresses whose mailbox refused mail for its state (x.2.x: full, over quota, disabled for now), by the number of
-- different campaigns it did so in since the last delivery that went through. delivery/SoftBounces suppresses an
-- address at 3: a mailbox full for three issues in a row is abandoned, and mailing it again tells mailbox providers
-- the list is not kept clean. A delivered message removes the row. (V21 is taken on H2 only.)
CREATE TABLE soft_bounces (
  email_key        VARCHAR(320) PRIMARY KEY,
  campaigns        INT          NOT NULL,
  last_campaign_id BIGINT       NOT NULL,
  last_detail      VARCHAR(1000),
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
