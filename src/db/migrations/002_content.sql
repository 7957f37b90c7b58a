-- 002 content: entities of the types a site profile declares (sites/<site>/schema.json), vocabularies
-- and their terms, and the full-text index kept in step by triggers in the same transaction.

CREATE TABLE vocabularies (
	code  TEXT PRIMARY KEY,
	name  TEXT NOT NULL,
	facet INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE terms (
	id        INTEGER PRIMARY KEY,
	vocab     TEXT NOT NULL REFERENCES vocabularies (code) ON DELETE CASCADE,
	code      TEXT NOT NULL,
	name      TEXT NOT NULL,
	parent_id INTEGER REFERENCES terms (id),
	sort      INTEGER NOT NULL DEFAULT 0,
	UNIQUE (vocab, code)
);
CREATE INDEX terms_vocab_name ON terms (vocab, name);

-- Narrow columns first: the visibility test of a search reads them for every match, and SQLite reads a
-- row's columns in order, so they must come before the long text (docs/bench.md).
CREATE TABLE entities (
	id            INTEGER PRIMARY KEY,
	type          TEXT NOT NULL,
	status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'pending', 'published', 'archived')),
	listing_start INTEGER,                    -- listing period (掲載期間); NULL: open-ended
	listing_end   INTEGER,
	deadline      INTEGER,                    -- for "締切が近い順"; NULL sorts last
	published_at  INTEGER,
	owner_id      INTEGER REFERENCES accounts (id),
	department_id INTEGER REFERENCES departments (id),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	title         TEXT NOT NULL,
	body          TEXT NOT NULL DEFAULT '',   -- the schema's searchable fields other than the title
	fields        TEXT NOT NULL DEFAULT '{}'  -- every field value, as JSON
);
CREATE INDEX entities_list ON entities (type, status, published_at);

-- Terms of an entity, with their ancestors (a municipality's area) so filters and counts need no joins up.
CREATE TABLE entity_terms (
	entity_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
	term_id   INTEGER NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
	PRIMARY KEY (entity_id, term_id)
) WITHOUT ROWID;
CREATE INDEX entity_terms_term ON entity_terms (term_id, entity_id);

CREATE VIRTUAL TABLE entity_fts USING fts5(title, body, content = 'entities', content_rowid = 'id', tokenize = 'tsunagu');

-- Inserts are indexed by entity_insert() itself, in the same transaction: an AFTER INSERT trigger makes
-- FTS5 flush its pending terms at every statement savepoint, which made bulk imports four times slower
-- (docs/bench.md). Updates and deletes, which are rare, stay with triggers.
CREATE TRIGGER entities_fts_delete AFTER DELETE ON entities BEGIN
	INSERT INTO entity_fts (entity_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER entities_fts_update AFTER UPDATE OF title, body ON entities BEGIN
	INSERT INTO entity_fts (entity_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
	INSERT INTO entity_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
