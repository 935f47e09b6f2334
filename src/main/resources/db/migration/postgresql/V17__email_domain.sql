-- Subscriber search by domain ("@example.com") and by the start of an address, both through an index in address
-- order (see SubscriberQueries). Addresses are compared byte-wise (collation "C"): keys are lower-cased ASCII
-- already, and only under "C" can PostgreSQL answer LIKE 'prefix%' and ORDER BY from the same b-tree.
ALTER TABLE subscribers ALTER COLUMN email_key TYPE VARCHAR(320) COLLATE "C";
ALTER TABLE subscribers ADD COLUMN email_domain VARCHAR(320) COLLATE "C"
  GENERATED ALWAYS AS (substring(email_key from position('@' in email_key) + 1)) STORED;
CREATE INDEX subscribers_by_domain ON subscribers (email_domain, email_key);
