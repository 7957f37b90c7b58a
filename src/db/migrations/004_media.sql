-- 004 media: uploaded images, kept in the database as their resized variants (DESIGN.md: all state in
-- the database). The original upload is never stored: only re-encoded pixels, without metadata.
CREATE TABLE media (
	id         INTEGER PRIMARY KEY,
	key        TEXT NOT NULL UNIQUE,           -- random, in the public URL: ids can be counted, keys cannot
	sha256     BLOB NOT NULL UNIQUE,           -- of the uploaded bytes: the same file twice is one medium
	name       TEXT NOT NULL DEFAULT '',       -- the uploader's file name, shown to staff only
	width      INTEGER NOT NULL,               -- of the largest variant
	height     INTEGER NOT NULL,
	bytes_in   INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	created_by INTEGER                         -- account id, NULL for the command line and the demo
);

CREATE TABLE media_variants (
	id       INTEGER PRIMARY KEY,
	media_id INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,
	width    INTEGER NOT NULL,
	height   INTEGER NOT NULL,
	format   TEXT NOT NULL CHECK (format IN ('webp', 'jpg')),
	data     BLOB NOT NULL,
	UNIQUE (media_id, width, format)
);
