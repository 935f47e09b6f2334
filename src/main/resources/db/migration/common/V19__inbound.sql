-- Where inbound-mail reading got to in each mailbox (IMAP UIDs only grow while UIDVALIDITY stays the same),
-- and which node holds the lease to read it now: one reader at a time across nodes.
CREATE TABLE inbound_mailboxes (
  mailbox      VARCHAR(500) PRIMARY KEY,
  uid_validity BIGINT,
  last_uid     BIGINT NOT NULL DEFAULT 0,
  locked_by    VARCHAR(200),
  locked_until TIMESTAMP WITH TIME ZONE
);
