-- 017 cms: the staff content editor (issue 6 item 5; G05, G40-G44, G80). Every save of an entity keeps a
-- revision (restore adds a new one equal to an old one: history is never rewritten), and a publication
-- booked for a time waits in entity_schedule until the scheduler thread or `tsunagu tick` publishes it.

CREATE TABLE entity_revisions (
	id        INTEGER PRIMARY KEY,
	entity_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
	saved_at  INTEGER NOT NULL,
	saved_by  INTEGER REFERENCES accounts (id),
	title     TEXT NOT NULL,
	fields    TEXT NOT NULL,            -- the entity's fields JSON as saved
	status    TEXT NOT NULL,            -- the entity's status right after the save
	note      TEXT NOT NULL DEFAULT ''  -- e.g. "restore:12"
);
CREATE INDEX entity_revisions_entity ON entity_revisions (entity_id, id);

-- A draft (or unpublished entity) booked for publication at publish_at (UTC epoch seconds).
CREATE TABLE entity_schedule (
	entity_id  INTEGER PRIMARY KEY REFERENCES entities (id) ON DELETE CASCADE,
	publish_at INTEGER NOT NULL,
	set_by     INTEGER REFERENCES accounts (id),
	set_at     INTEGER NOT NULL
);
CREATE INDEX entity_schedule_due ON entity_schedule (publish_at);
