-- 008 registration and password reset by mail (issue 5 items 3 and 7; G11, G21, SEC04, SEC05, B04;
-- src/member/). Only hashes of the mailed tokens are stored (like sessions), never a token itself.

-- A registration waiting for its e-mail address to be confirmed. The login ID is chosen when the form
-- is sent (so the confirmation page can show it); the account is created only when the password is set.
CREATE TABLE registrations (
	id          INTEGER PRIMARY KEY,
	token_hash  BLOB NOT NULL UNIQUE,                -- BLAKE2b of the token in the mailed link
	kind        TEXT NOT NULL CHECK (kind IN ('seeker', 'company')),
	email       TEXT NOT NULL,
	login       TEXT NOT NULL UNIQUE,                -- the login ID to be issued (J/C + 8 digits)
	form_json   TEXT NOT NULL,                       -- what the form held; emptied once used
	held        INTEGER NOT NULL DEFAULT 0,          -- sent without the anti-spam work: staff review
	ip          TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,
	used_at     INTEGER,
	account_id  INTEGER REFERENCES accounts (id) ON DELETE SET NULL
);
CREATE INDEX registrations_expires ON registrations (expires_at);

-- A password reset link: single use, valid for one hour.
CREATE TABLE password_resets (
	token_hash  BLOB PRIMARY KEY,
	account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,
	used_at     INTEGER
);
CREATE INDEX password_resets_account ON password_resets (account_id);
CREATE INDEX password_resets_expires ON password_resets (expires_at);
