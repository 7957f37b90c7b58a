-- 016 masters (マスタ管理, issue 6 item 3; G52, G53): terms edited on the screen /staff/masters.
-- A term in use is retired, not deleted: it stays on the records that have it, is no longer offered
-- for new choices and no longer listed as a search facet. NULL = active. Every UPDATE of terms already
-- appends to search_log (003), so the public pages see a change at once.
ALTER TABLE terms ADD COLUMN retired_at INTEGER;

-- An uploaded logo of a 認証制度 term (media.h), shown on company pages instead of the name; NULL = none.
ALTER TABLE terms ADD COLUMN logo_media_id INTEGER REFERENCES media (id);

-- The vocabulary whose terms are this one's parents (市町村 → 地域), written by `migrate` from
-- schema.json, so the screen can offer the parent choices without the schema file. NULL = flat.
ALTER TABLE vocabularies ADD COLUMN parent_vocab TEXT;

-- Terms deleted on the screen: `migrate` does not add them again from schema.json or a CSV master.
-- Adding the same code on the screen removes the row.
CREATE TABLE terms_deleted (
	vocab      TEXT NOT NULL,
	code       TEXT NOT NULL,
	deleted_at INTEGER NOT NULL,
	PRIMARY KEY (vocab, code)
) WITHOUT ROWID;
