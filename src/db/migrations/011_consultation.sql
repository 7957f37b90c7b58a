-- 011 consultation: mail consultation (メール相談) between a job seeker and the staff (issue 5 items 4 and 8, G12).
-- A thread belongs to one seeker account and is handled by a department (the employment-support department).
-- Each message's text is one column (consultation_messages.body), so issue 7 can seal it (SEC06) without
-- changing the shape; subjects are consultation text too and are sealed the same way then.
-- Times are UTC epoch seconds.

CREATE TABLE consultations (
	id                  INTEGER PRIMARY KEY,
	account_id          INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE, -- the seeker
	department_id       INTEGER REFERENCES departments (id),                           -- who handles it
	subject             TEXT NOT NULL,                                                 -- one line, ≤ 100 characters
	status              TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
	created_at          INTEGER NOT NULL,
	updated_at          INTEGER NOT NULL,                                              -- last message or status change
	last_staff_reply_at INTEGER                                                        -- NULL until staff answer
);
CREATE INDEX consultations_account ON consultations (account_id, updated_at);
CREATE INDEX consultations_updated ON consultations (updated_at);

CREATE TABLE consultation_messages (
	id                INTEGER PRIMARY KEY,
	consultation_id   INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
	author_account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
	author_kind       TEXT NOT NULL CHECK (author_kind IN ('seeker', 'staff')),
	body              TEXT NOT NULL,                                                   -- ≤ 4000 characters
	created_at        INTEGER NOT NULL,
	read_at           INTEGER                    -- when the other side first read it (seeker: 未読 until then)
);
CREATE INDEX consultation_messages_thread ON consultation_messages (consultation_id, id);
-- the seeker's unread count: staff messages not yet read
CREATE INDEX consultation_messages_unread ON consultation_messages (consultation_id, author_kind, read_at);
