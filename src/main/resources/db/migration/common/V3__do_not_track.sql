-- A subscriber's own "do not track" choice: when true, opens and clicks of this
-- subscriber are counted only in aggregates, never stored against the person.
ALTER TABLE subscribers ADD COLUMN do_not_track BOOLEAN DEFAULT FALSE NOT NULL;
