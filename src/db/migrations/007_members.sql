-- 007 members: what job seekers and companies are beyond their accounts (issue 5). Shared by registration,
-- the My Pages, event applications and mail consultation; each of those adds its own tables after this one.

-- A job seeker's profile (利用者情報). Issue 7 seals the personal fields (SEC06); until then they are plain.
CREATE TABLE seekers (
	account_id      INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
	name            TEXT NOT NULL,               -- 氏名
	kana            TEXT NOT NULL,               -- ふりがな (hiragana)
	birth_date      TEXT NOT NULL DEFAULT '',    -- YYYY-MM-DD
	phone           TEXT NOT NULL DEFAULT '',
	postal_code     TEXT NOT NULL DEFAULT '',
	address         TEXT NOT NULL DEFAULT '',
	school          TEXT NOT NULL DEFAULT '',    -- 学校名
	graduation      TEXT NOT NULL DEFAULT '',    -- 卒業（予定）年月, YYYY-MM
	target          TEXT NOT NULL DEFAULT '',    -- a code of the vocabulary "target" (新卒, 既卒, ...)
	wishes          TEXT NOT NULL DEFAULT '',    -- 希望する職種・勤務地など
	mail_ok         INTEGER NOT NULL DEFAULT 1,  -- accepts information mail (bulk mail, G55)
	held            INTEGER NOT NULL DEFAULT 0,  -- registered without the anti-spam work: staff review first
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
);

-- The company entity a company account edits (one each way).
CREATE TABLE company_accounts (
	account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
	entity_id  INTEGER NOT NULL UNIQUE REFERENCES entities (id),
	mail_ok    INTEGER NOT NULL DEFAULT 1,
	held       INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
);
