-- 012 staff roles and account lifecycle (issue 6 items 1-2; G50, G51, G62, SEC15).
-- A staff account's role: view (閲覧), edit (編集) or admin (管理). Members have none.

ALTER TABLE accounts ADD COLUMN role TEXT CHECK (role IS NULL OR role IN ('view', 'edit', 'admin'));
-- Set by an administrator who gave an initial password: the account must choose its own at the next login.
ALTER TABLE accounts ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
-- Staff made before roles existed were made by the operator's command line: they keep full rights.
UPDATE accounts SET role = 'admin' WHERE kind = 'staff';

-- A department with staff or records is retired, never deleted (its records keep pointing at it).
ALTER TABLE departments ADD COLUMN retired_at INTEGER;

-- Every suspension, reactivation and deletion of an account, with the reason staff gave.
CREATE TABLE account_status_log (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	status     TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'deleted')),
	reason     TEXT NOT NULL,
	by_id      INTEGER REFERENCES accounts (id),
	at         INTEGER NOT NULL
);
CREATE INDEX account_status_log_account ON account_status_log (account_id, at);
