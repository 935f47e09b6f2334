-- H2 hands out identity values from a cache of 32 and then writes the sequence's new position down in a
-- commit of its own. With WRITE_DELAY=0 (set for the ledger's sake) every such commit stores the database's
-- dirty pages to disk: a bulk insert of a million subscribers paid for ~31,000 stores, the biggest single cost
-- of an import; the event flusher paid the same per 32 opens or clicks. A larger cache only means a gap of
-- unused ids after a crash; nothing here needs ids without gaps. (PostgreSQL's sequences are not affected.)
ALTER TABLE subscribers ALTER COLUMN id SET CACHE 10000;
ALTER TABLE events ALTER COLUMN id SET CACHE 10000;
ALTER TABLE links ALTER COLUMN id SET CACHE 1000;
ALTER TABLE consent_records ALTER COLUMN id SET CACHE 1000;
