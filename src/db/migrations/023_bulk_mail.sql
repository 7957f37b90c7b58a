-- 023 bulk mail (一斉メール; issue 7 item 5, G55, G56, SEC08): one row per send, and one row per recipient
-- naming the outbox row that carries that recipient's own message (To: that recipient only). Progress is
-- read from the outbox rows' status; nothing here is updated after the send.

CREATE TABLE bulk_mails (
	id            INTEGER PRIMARY KEY,
	audience      TEXT NOT NULL CHECK (audience IN ('seeker', 'company')),
	filter        TEXT NOT NULL DEFAULT '{}',    -- the selection as JSON, as shown on the progress page
	subject       TEXT NOT NULL,                 -- as typed, with its {{placeholders}}
	body          TEXT NOT NULL,
	created_by    INTEGER NOT NULL REFERENCES accounts (id),
	department_id INTEGER REFERENCES departments (id),
	created_at    INTEGER NOT NULL,
	recipients    INTEGER NOT NULL
);

CREATE TABLE bulk_mail_recipients (
	bulk_id    INTEGER NOT NULL REFERENCES bulk_mails (id) ON DELETE CASCADE,
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	outbox_id  INTEGER NOT NULL REFERENCES outbox (id),
	PRIMARY KEY (bulk_id, account_id)
);
