-- A campaign may narrow its lists' audience with a segment: the expression is copied when the campaign is created,
-- so editing or deleting the named segment later does not change who a scheduled campaign goes to.
ALTER TABLE campaigns ADD COLUMN segment_expression VARCHAR(2000);
