-- 020 seeker records: job seekers in the back office, sealed personal fields, data subject requests
-- (issue 7 items 3 and 7; G66, SEC06, SEC09, B08; src/member/records.c, src/app/seekers.c).
--
-- Personal fields of seekers and the texts of consultations are sealed (auth/seal.h): the columns keep
-- their names but hold BLOBs (nonce || XChaCha20-Poly1305 ciphertext) once `sealed` is 1. SQL cannot
-- encrypt, so `tsunagu migrate` (and the server at start) seals the rows still in clear right after this
-- migration (member_seal_migrate). Nothing sealed can be searched with SQL; names and kana are found
-- through seeker_name_index (keyed hashes of the normalised name's prefixes).

ALTER TABLE seekers ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE seekers ADD COLUMN industry TEXT NOT NULL DEFAULT '';  -- 希望業種: a code of the vocabulary "industry"
ALTER TABLE seekers ADD COLUMN internal_memo BLOB;                 -- 内部メモ (staff only), sealed
ALTER TABLE seekers ADD COLUMN remarks BLOB;                       -- 備考 (staff only), sealed
ALTER TABLE seekers ADD COLUMN erased_at INTEGER;                  -- SEC09: personal fields wiped at
ALTER TABLE consultations ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE consultation_messages ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE registrations ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;

-- Blind index of a seeker's name and kana: one row per indexed prefix (auth/seal.h seal_index_all).
CREATE TABLE seeker_name_index (
	hash      BLOB NOT NULL,
	seeker_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	PRIMARY KEY (hash, seeker_id)
) WITHOUT ROWID;
CREATE INDEX seeker_name_index_seeker ON seeker_name_index (seeker_id);

-- 相談区分: the topic of a consultant record (fixed list; staff pick one).
CREATE TABLE consult_topics (
	code TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	sort INTEGER NOT NULL
);
INSERT INTO consult_topics (code, name, sort) VALUES
	('job', '就職相談', 1),
	('documents', '応募書類', 2),
	('interview', '面接対策', 3),
	('aptitude', '適職診断', 4),
	('retention', '職場定着', 5),
	('other', 'その他', 6);

-- コンサルタント記録: one consultation with a seeker. The row itself (date, department, channel, topic)
-- is statistics and stays when the seeker is erased (SEC09); the notes are sealed and wiped then.
CREATE TABLE consultant_records (
	id            INTEGER PRIMARY KEY,
	seeker_id     INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	held_on       TEXT NOT NULL,                                    -- YYYY-MM-DD (JST)
	staff_id      INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
	channel       TEXT NOT NULL CHECK (channel IN ('visit', 'phone', 'mail', 'online')),
	department_id INTEGER REFERENCES departments (id),
	topic         TEXT NOT NULL REFERENCES consult_topics (code),
	notes         BLOB,                                             -- sealed; NULL once erased
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
CREATE INDEX consultant_records_seeker ON consultant_records (seeker_id, held_on);
CREATE INDEX consultant_records_stats ON consultant_records (held_on, department_id, channel);

-- 対応履歴: other contacts with the seeker (a call back, a document received ...).
CREATE TABLE seeker_interactions (
	id          INTEGER PRIMARY KEY,
	seeker_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	happened_on TEXT NOT NULL,                                      -- YYYY-MM-DD (JST)
	staff_id    INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
	summary     BLOB,                                               -- sealed; NULL once erased
	created_at  INTEGER NOT NULL
);
CREATE INDEX seeker_interactions_seeker ON seeker_interactions (seeker_id, happened_on);

-- 紹介履歴: which seeker was introduced to which job or internship, by whom, and how it went. No personal
-- text: the rows stay as statistics when the seeker is erased.
CREATE TABLE referrals (
	id            INTEGER PRIMARY KEY,
	seeker_id     INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	entity_id     INTEGER NOT NULL REFERENCES entities (id),        -- a job or an internship
	referred_on   TEXT NOT NULL,                                    -- YYYY-MM-DD (JST)
	staff_id      INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
	department_id INTEGER REFERENCES departments (id),
	outcome       TEXT NOT NULL CHECK (outcome IN ('applied', 'interview', 'offer', 'hired', 'declined')),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
CREATE INDEX referrals_seeker ON referrals (seeker_id, referred_on);
CREATE INDEX referrals_entity ON referrals (entity_id);

-- Every outcome a referral has had, the first included (応募 → 面接 → 内定 → 就職 / 辞退).
CREATE TABLE referral_outcomes (
	id          INTEGER PRIMARY KEY,
	referral_id INTEGER NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
	outcome     TEXT NOT NULL CHECK (outcome IN ('applied', 'interview', 'offer', 'hired', 'declined')),
	staff_id    INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
	at          INTEGER NOT NULL
);
CREATE INDEX referral_outcomes_referral ON referral_outcomes (referral_id, id);
