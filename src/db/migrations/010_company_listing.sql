-- 010 company listing (issue 5 items 5 and 7; G22-G25): changes a company makes on its My Page wait for
-- staff approval as revisions; listing-period notices are sent once each; members get notices on My Page.
-- Site settings (table settings, 001) read by src/content/company.c, with these defaults:
--   company_approval     '1'     edits and the first publication need staff approval ('0': live at once)
--   listing_unit_months  '1'     one listing period and one renewal, in months
--   notice_days          '14,3'  days before the end of the period when the company is told

-- A company's edit of its public fields, as the raw values of the form (JSON object of strings).
CREATE TABLE company_revisions (
	id         INTEGER PRIMARY KEY,
	entity_id  INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
	account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
	fields     TEXT NOT NULL,
	status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
	reason     TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	decided_at INTEGER,
	decided_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL
);
CREATE INDEX company_revisions_entity ON company_revisions (entity_id, id);
CREATE INDEX company_revisions_status ON company_revisions (status, id);

-- A notice sent for one listing period (its end) and one threshold: never sent twice.
CREATE TABLE listing_notices (
	entity_id   INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
	listing_end INTEGER NOT NULL,
	days        INTEGER NOT NULL,
	sent_at     INTEGER NOT NULL,
	PRIMARY KEY (entity_id, listing_end, days)
);

-- Notices shown on a member's My Page (お知らせ).
CREATE TABLE member_notices (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	text       TEXT NOT NULL,
	read_at    INTEGER                     -- for a later "mark as read"; My Page shows as new those since the previous login
);
CREATE INDEX member_notices_account ON member_notices (account_id, id);
