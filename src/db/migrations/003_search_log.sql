-- 003 search log: the full-text index moves out of FTS5 into memory (src/search/index.c; the
-- measurements behind the move are in docs/bench.md). What stays in the database, written in the same
-- transaction as the data, is a log of which entities changed: every process that holds an index
-- applies the entries after its last one before it answers a search, so a committed change is found
-- by the next search, and a rolled-back one never was.

DROP TRIGGER entities_fts_delete;
DROP TRIGGER entities_fts_update;
DROP TABLE entity_fts;

-- entity_id 0 means "terms or vocabularies changed" (facet names, codes, order).
CREATE TABLE search_log (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	entity_id INTEGER NOT NULL,
	at        INTEGER NOT NULL DEFAULT (unixepoch())
);

-- One row: entries up to pruned_upto have been deleted (an index older than that is rebuilt), and the
-- database's instance, so an index never outlives the file it was built from.
CREATE TABLE search_state (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	pruned_upto INTEGER NOT NULL DEFAULT 0,
	instance    TEXT NOT NULL
);
INSERT INTO search_state (id, pruned_upto, instance) VALUES (1, 0, lower(hex(randomblob(16))));
-- the sequence starts at 1 even in a database with no entities, so "no log yet" is never confused
-- with an index that has seen everything
INSERT INTO search_log (entity_id) VALUES (0);

CREATE TRIGGER entities_log_insert AFTER INSERT ON entities BEGIN
	INSERT INTO search_log (entity_id) VALUES (new.id);
END;
CREATE TRIGGER entities_log_update AFTER UPDATE ON entities BEGIN
	INSERT INTO search_log (entity_id) VALUES (new.id);
END;
CREATE TRIGGER entities_log_delete AFTER DELETE ON entities BEGIN
	INSERT INTO search_log (entity_id) VALUES (old.id);
END;
-- term links; entity_insert writes several right after the entity itself, logged once
CREATE TRIGGER entity_terms_log_insert AFTER INSERT ON entity_terms
WHEN (SELECT entity_id FROM search_log ORDER BY seq DESC LIMIT 1) IS NOT new.entity_id BEGIN
	INSERT INTO search_log (entity_id) VALUES (new.entity_id);
END;
CREATE TRIGGER entity_terms_log_delete AFTER DELETE ON entity_terms
WHEN (SELECT entity_id FROM search_log ORDER BY seq DESC LIMIT 1) IS NOT old.entity_id BEGIN
	INSERT INTO search_log (entity_id) VALUES (old.entity_id);
END;
CREATE TRIGGER terms_log_insert AFTER INSERT ON terms
WHEN (SELECT entity_id FROM search_log ORDER BY seq DESC LIMIT 1) IS NOT 0 BEGIN
	INSERT INTO search_log (entity_id) VALUES (0);
END;
CREATE TRIGGER terms_log_update AFTER UPDATE ON terms BEGIN
	INSERT INTO search_log (entity_id) VALUES (0);
END;
CREATE TRIGGER terms_log_delete AFTER DELETE ON terms BEGIN
	INSERT INTO search_log (entity_id) VALUES (0);
END;
CREATE TRIGGER vocabularies_log_update AFTER UPDATE ON vocabularies BEGIN
	INSERT INTO search_log (entity_id) VALUES (0);
END;
