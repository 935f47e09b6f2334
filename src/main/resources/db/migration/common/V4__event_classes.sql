-- Opens and clicks are classified as a person's or a machine's (Apple's privacy proxy, link scanners,
-- prefetchers), with the rule that decided it: see docs/tracking-rules.md. NULL for other kinds and for
-- events recorded before this migration.
ALTER TABLE events ADD COLUMN human BOOLEAN;
ALTER TABLE events ADD COLUMN reason VARCHAR(100);

-- UTM parameters for a campaign's links: NULL = none; else the utm_campaign value
-- (utm_source is the newsletter, utm_medium is email), appended when links are registered at render time.
ALTER TABLE campaigns ADD COLUMN utm_campaign VARCHAR(200);
