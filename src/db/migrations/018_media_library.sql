-- 018 media library (issue 6 item 5; G05, G40-G44, G80, SEC03): what staff write about an image, and the
-- department it belongs to for the department rule. A medium is deleted for good (its variants cascade):
-- the same bytes uploaded again afterwards become a new medium with a new key.
ALTER TABLE media ADD COLUMN alt TEXT NOT NULL DEFAULT '';        -- 代替テキスト (alt attribute), one line
ALTER TABLE media ADD COLUMN label TEXT NOT NULL DEFAULT '';      -- a staff note to find it by (管理用メモ)
-- The uploader's department when it was uploaded: edit and delete follow policy_can(POLICY_CMS, this).
-- NULL (the command line, the demo, a company's own photos): only the prefecture may change it.
ALTER TABLE media ADD COLUMN department_id INTEGER REFERENCES departments (id);
ALTER TABLE media ADD COLUMN updated_at INTEGER;
CREATE INDEX media_created ON media (created_at, id);
