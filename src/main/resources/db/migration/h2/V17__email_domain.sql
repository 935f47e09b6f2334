-- Subscriber search by domain ("@example.com") and by the start of an address, both through an index in address
-- order, so a search answers in milliseconds at a million subscribers instead of scanning every row (see
-- SubscriberQueries). The domain is derived by the database, so no writer can forget it.
ALTER TABLE subscribers ADD COLUMN email_domain VARCHAR(320) GENERATED ALWAYS AS (SUBSTRING(email_key FROM POSITION('@' IN email_key) + 1));
CREATE INDEX subscribers_by_domain ON subscribers (email_domain, email_key);
