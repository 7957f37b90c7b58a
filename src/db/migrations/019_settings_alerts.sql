-- 019 site settings screen and intrusion signals (issue 6 items 5 and 8; G01, G45, G86, SEC13).
-- Site settings live in the settings table of 001 (key/value); the keys the screen writes are listed in
-- src/content/settings.h. A stored value overrides the [site]/[security] default of site.ini / the config.
--
-- security_events: one row per failed login, IP-rule refusal or CSRF failure (src/auth/alerts.c), kept
-- for ALERTS_EVENT_KEEP_S and pruned by housekeeping; a per-process cap keeps a flood from writing more
-- than ALERTS_ROWS_PER_MIN rows a minute per kind.
CREATE TABLE security_events (
	id     INTEGER PRIMARY KEY,
	kind   TEXT NOT NULL CHECK (kind IN ('login', 'ipblock', 'csrf')),
	ip     TEXT NOT NULL,
	at     INTEGER NOT NULL,
	detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX security_events_kind_at ON security_events (kind, at);
CREATE INDEX security_events_kind_ip_at ON security_events (kind, ip, at);

-- security_alerts: at most one open alert (acknowledged_at IS NULL) per kind; events after the threshold
-- extend it (last_at, count). mailed_at: when the alert mail was queued (0: not), the hourly limit is
-- taken over all alerts of the kind.
CREATE TABLE security_alerts (
	id              INTEGER PRIMARY KEY,
	kind            TEXT NOT NULL CHECK (kind IN ('login', 'ipblock', 'csrf')),
	first_at        INTEGER NOT NULL,
	last_at         INTEGER NOT NULL,
	count           INTEGER NOT NULL,
	summary         TEXT NOT NULL DEFAULT '',
	acknowledged_by TEXT,
	acknowledged_at INTEGER,
	mailed_at       INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX security_alerts_open ON security_alerts (kind) WHERE acknowledged_at IS NULL;
CREATE INDEX security_alerts_kind_mailed ON security_alerts (kind, mailed_at);
