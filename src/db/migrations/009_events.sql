-- 009 events: sessions (開催回) of event entities and seekers' applications to them (issue 5 items 4 and 6;
-- G12, G41, B06). Times are UTC epoch seconds; JST is only for display.

CREATE TABLE event_sessions (
	id             INTEGER PRIMARY KEY,
	entity_id      INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,  -- an entity of type "event"
	starts_at      INTEGER NOT NULL,
	ends_at        INTEGER NOT NULL,
	place          TEXT NOT NULL DEFAULT '',    -- 会場 (empty for an online session)
	online_url     TEXT NOT NULL DEFAULT '',    -- http(s) URL of an online session
	capacity       INTEGER NOT NULL DEFAULT 0,  -- 0: no limit
	apply_deadline INTEGER NOT NULL,            -- applications and cancellations are taken before this moment
	status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cancelled')),
	sort           INTEGER NOT NULL DEFAULT 0,
	created_at     INTEGER NOT NULL,
	CHECK (ends_at >= starts_at),
	CHECK (capacity >= 0)
);
CREATE INDEX event_sessions_entity ON event_sessions (entity_id, sort, starts_at);

CREATE TABLE event_applications (
	id           INTEGER PRIMARY KEY,
	session_id   INTEGER NOT NULL REFERENCES event_sessions (id) ON DELETE CASCADE,
	account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	status       TEXT NOT NULL CHECK (status IN ('confirmed', 'waiting', 'cancelled')),
	position     INTEGER NOT NULL DEFAULT 0,  -- order of arrival within the session (waiting list order)
	created_at   INTEGER NOT NULL,
	cancelled_at INTEGER,
	promoted_at  INTEGER                     -- moved from the waiting list to confirmed
);
-- one active (confirmed or waiting) application per session and account; cancelled ones stay as history
CREATE UNIQUE INDEX event_applications_active ON event_applications (session_id, account_id)
	WHERE status <> 'cancelled';
CREATE INDEX event_applications_session ON event_applications (session_id, status, position);
CREATE INDEX event_applications_account ON event_applications (account_id, created_at);
