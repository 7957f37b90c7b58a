-- 001 foundation: departments, accounts, sessions, login throttling, audit chain, settings.
-- Times are UTC epoch seconds. Text is UTF-8.

CREATE TABLE departments (
	id         INTEGER PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('pref', 'employment', 'company')),
	created_at INTEGER NOT NULL DEFAULT 0
);

INSERT INTO departments (code, name, kind) VALUES
	('pref', '県', 'pref'),
	('shushoku', '就職支援部門', 'employment'),
	('kigyo', '企業支援部門', 'company');

CREATE TABLE accounts (
	id            INTEGER PRIMARY KEY,
	kind          TEXT NOT NULL CHECK (kind IN ('staff', 'seeker', 'company', 'business', 'applicant')),
	login         TEXT NOT NULL UNIQUE,          -- as typed, compared in its normalised form below
	login_key     TEXT NOT NULL UNIQUE,          -- NFKC + lower case: what a login is looked up by
	email         TEXT NOT NULL,
	display_name  TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL,
	department_id INTEGER REFERENCES departments (id),
	status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'deleted')),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	password_changed_at INTEGER NOT NULL,
	last_login_at INTEGER,                      -- this login
	prev_login_at INTEGER,                      -- the one before, shown as 前回のログイン
	CHECK (kind <> 'staff' OR department_id IS NOT NULL)
);

-- Failed logins counted per login key, whether or not an account has it, so the answer never tells.
CREATE TABLE login_throttle (
	login_key    TEXT PRIMARY KEY,
	failures     INTEGER NOT NULL DEFAULT 0,
	last_failure INTEGER NOT NULL DEFAULT 0,
	locked_until INTEGER NOT NULL DEFAULT 0
);

-- The session ID itself is never stored: only its BLAKE2b hash.
CREATE TABLE sessions (
	id_hash      BLOB PRIMARY KEY,
	account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	created_at   INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	ip           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account ON sessions (account_id);

-- Hash chain: mac = HMAC(key, prev_mac | id | at | actor_id | actor | ip | action | target | detail).
CREATE TABLE audit_log (
	id       INTEGER PRIMARY KEY,
	at       INTEGER NOT NULL,
	actor_id INTEGER,
	actor    TEXT NOT NULL DEFAULT '',
	ip       TEXT NOT NULL DEFAULT '',
	action   TEXT NOT NULL,
	target   TEXT NOT NULL DEFAULT '',
	detail   TEXT NOT NULL DEFAULT '',
	prev_mac TEXT NOT NULL,
	mac      TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action, at);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
