-- 006 spam protection for public forms (SEC05, B04; src/auth/antispam.c). Challenges themselves are
-- signed, not stored; these two tables hold only what must outlive a request, and housekeeping prunes both.

-- A proof-of-work token once it has been used (its SHA-256, never the token), kept until the token would
-- have expired anyway: a second use is a replay.
CREATE TABLE antispam_used (
	token_hash BLOB PRIMARY KEY,
	expires_at INTEGER NOT NULL
);
CREATE INDEX antispam_used_expires ON antispam_used (expires_at);

-- Submissions per client address (IPv4, or an IPv6 /64) and form in fixed windows; the current and the
-- previous window are read, older ones pruned.
CREATE TABLE antispam_rate (
	addr_key     TEXT NOT NULL,
	form         TEXT NOT NULL,
	window_start INTEGER NOT NULL,
	count        INTEGER NOT NULL,
	PRIMARY KEY (addr_key, form, window_start)
);
CREATE INDEX antispam_rate_window ON antispam_rate (window_start);
