-- 022 company and offer records (issue 7 items 1 and 2; G60-G65): a company's recruiting contacts
-- (採用担当者, several per company), the interaction history of companies and offers (企業対応履歴), and the
-- handling status of job offers and internships (対応状況), a status kept apart from publication.
-- Written by src/content/records.c only, each write audited in its transaction.

CREATE TABLE company_contacts (
	id               INTEGER PRIMARY KEY,
	entity_id        INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
	name             TEXT NOT NULL,
	kana             TEXT NOT NULL DEFAULT '',
	department_title TEXT NOT NULL DEFAULT '',   -- 部署・役職
	phone            TEXT NOT NULL DEFAULT '',
	email            TEXT NOT NULL DEFAULT '',
	note             TEXT NOT NULL DEFAULT '',
	sort             INTEGER NOT NULL DEFAULT 0,
	created_at       INTEGER NOT NULL,
	updated_at       INTEGER NOT NULL
);
CREATE INDEX company_contacts_entity ON company_contacts (entity_id, sort, id);

-- entity_id: the company (NULL when an offer's company is not a registered company entity);
-- offer_entity_id: the job offer or internship the interaction was about, if any.
CREATE TABLE company_interactions (
	id               INTEGER PRIMARY KEY,
	entity_id        INTEGER REFERENCES entities (id) ON DELETE CASCADE,
	offer_entity_id  INTEGER REFERENCES entities (id) ON DELETE CASCADE,
	at               INTEGER NOT NULL,            -- UTC epoch, entered and shown in JST
	staff_account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
	department_id    INTEGER REFERENCES departments (id),
	channel          TEXT NOT NULL CHECK (channel IN ('visit_in', 'phone', 'mail', 'visit', 'online', 'other')),
	summary          TEXT NOT NULL,
	next_action      TEXT NOT NULL DEFAULT '',
	next_action_due  INTEGER,                     -- JST day start, NULL: none
	created_at       INTEGER NOT NULL,
	updated_at       INTEGER NOT NULL,
	CHECK (entity_id IS NOT NULL OR offer_entity_id IS NOT NULL)
);
CREATE INDEX company_interactions_entity ON company_interactions (entity_id, at);
CREATE INDEX company_interactions_offer ON company_interactions (offer_entity_id, at);

-- 対応状況 of an offer: the current value is the latest row.
CREATE TABLE offer_status_history (
	id            INTEGER PRIMARY KEY,
	entity_id     INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
	status        TEXT NOT NULL CHECK (status IN ('received', 'open', 'filled', 'closed')),
	note          TEXT NOT NULL DEFAULT '',
	by_account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
	at            INTEGER NOT NULL
);
CREATE INDEX offer_status_history_entity ON offer_status_history (entity_id, id);
