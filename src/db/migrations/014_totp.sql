-- 014 staff two-factor sign-in with TOTP (issue 6 item 6; B05, SEC14, SEC16, SEC17).
-- One authenticator per account. The RFC 6238 secret (20 bytes) is kept encrypted with libsodium's
-- secretbox under <data>/keys/totp.key: secret = nonce (24 bytes) || ciphertext (36 bytes).
CREATE TABLE totp (
	account_id   INTEGER PRIMARY KEY REFERENCES accounts (id),
	secret       BLOB NOT NULL,
	status       TEXT NOT NULL CHECK (status IN ('pending', 'active')),
	last_step    INTEGER NOT NULL DEFAULT 0,  -- the last 30-second step accepted: never accepted twice
	created_at   INTEGER NOT NULL,
	activated_at INTEGER
);

-- Ten single-use recovery codes per account; only a keyed BLAKE2b hash of each is stored.
CREATE TABLE totp_recovery (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	code_hash  BLOB NOT NULL,
	used_at    INTEGER
);
CREATE INDEX totp_recovery_account ON totp_recovery (account_id);

-- Half-signed-in logins: the password was right, the second factor is still due. Only a hash of the
-- cookie's random token is stored; a record lives five minutes and is never a session.
CREATE TABLE login_pending (
	token_hash BLOB PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	next       TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
