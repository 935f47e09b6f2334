-- Soft-bounce counts that a relay's delivery report (DSN) made. A relay accepts a message at SMTP time and may
-- report days later that the mailbox was full, so its acceptance of the next issue proves nothing about the
-- mailbox: such counts are not reset by deliveries (delivery/SoftBounces), only by 60 days without a new one.
ALTER TABLE soft_bounces ADD COLUMN reported_by_relay BOOLEAN DEFAULT FALSE NOT NULL;
