-- 005 outbox: every outgoing message is a row here first, written in the same transaction as whatever
-- caused it (a registration, a reset request), and delivered later by the sender (src/mail/). A row is
-- claimed by setting status 'sending' with a lease; a sender that dies mid-delivery leaves the lease to
-- expire and the row goes back to 'queued', so nothing is lost (at worst a message is sent twice).
-- Times are UTC epoch seconds.

CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	created_at      INTEGER NOT NULL,
	kind            TEXT NOT NULL,                 -- 'confirm', 'reset', 'notice', 'bulk' ...
	to_addr         TEXT NOT NULL,                 -- one recipient per row: nobody sees another's address (SEC08)
	subject         TEXT NOT NULL,
	body            TEXT NOT NULL,                 -- UTF-8; line ends normalised to CRLF when sent
	att_name        TEXT,                          -- optional single attachment (an .ics file)
	att_mime        TEXT,
	att_data        BLOB,
	status          TEXT NOT NULL DEFAULT 'queued'
	                CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
	attempts        INTEGER NOT NULL DEFAULT 0,    -- claims so far; also tells one claim from the next
	next_attempt_at INTEGER NOT NULL,
	lease_until     INTEGER,                       -- set while 'sending'
	last_error      TEXT,
	sent_at         INTEGER,
	message_id      TEXT,                          -- chosen at the first claim, kept for every retry
	CHECK ((att_name IS NULL) = (att_data IS NULL))
);

-- the sender's two questions: which queued rows are due, which leases have run out
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_lease ON outbox (status, lease_until);
