-- A campaign may pin one server of the SMTP pool (NULL: any healthy server).
ALTER TABLE campaigns ADD COLUMN smtp_server VARCHAR(32);

-- Token buckets of the rate limits (per SMTP server, per recipient domain), kept in the database so that every
-- node shares them and a restart does not refill them: bucket4j's serialized state, locked with SELECT FOR UPDATE.
CREATE TABLE rate_buckets (
  id    VARCHAR(300) PRIMARY KEY,
  state BYTEA
);
