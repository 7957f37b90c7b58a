/* session.c - sessions in the database, looked up by the BLAKE2b hash of the cookie value. */
#include "auth/session.h"
#include "core/str.h"

#include <sodium.h>
#include <string.h>

static bool
id_hash(const char *id, unsigned char out[32])
{
	size_t n = strlen(id);
	size_t i;

	if (n != SESSION_ID_LEN)
		return false;
	for (i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	crypto_generichash(out, 32, (const unsigned char *)id, n, NULL, 0);
	return true;
}

bool
session_create(db_t *db, int64_t account_id, const char *ip, int64_t now, session_t *out)
{
	unsigned char raw[SESSION_ID_BYTES], h[32];
	db_stmt_t *st;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out->id, sizeof(out->id), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	if (!id_hash(out->id, h))
		return false;
	st = db_prepare(db, "INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at, ip) VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		return false;
	db_bind_blob(st, 1, h, sizeof(h));
	db_bind_i64(st, 2, account_id);
	db_bind_i64(st, 3, now);
	db_bind_i64(st, 4, now);
	db_bind_str(st, 5, ip ? ip : "");
	if (db_run(st) != DB_DONE)
		return false;
	out->account_id = account_id;
	out->created_at = out->last_seen_at = now;
	return true;
}

static bool
delete_hash(db_t *db, const unsigned char h[32])
{
	db_stmt_t *st = db_prepare(db, "DELETE FROM sessions WHERE id_hash = ?");

	if (st == NULL)
		return false;
	db_bind_blob(st, 1, h, 32);
	return db_run(st) == DB_DONE;
}

int
session_lookup(db_t *db, const char *id, int64_t now, const session_policy_t *p, session_t *out)
{
	unsigned char h[32];
	db_stmt_t *st;
	int rc;

	if (id == NULL || !id_hash(id, h))
		return 0;
	st = db_prepare(db, "SELECT s.account_id, s.created_at, s.last_seen_at FROM sessions s "
	    "JOIN accounts a ON a.id = s.account_id WHERE s.id_hash = ? AND a.status = 'active'");
	if (st == NULL)
		return -1;
	db_bind_blob(st, 1, h, sizeof(h));
	rc = db_step(st);
	if (rc != DB_ROW) {
		db_done(st);
		return rc == DB_DONE ? 0 : -1;
	}
	out->account_id = db_col_i64(st, 0);
	out->created_at = db_col_i64(st, 1);
	out->last_seen_at = db_col_i64(st, 2);
	db_done(st);
	str_copy(out->id, sizeof(out->id), id);

	if (now - out->last_seen_at >= p->idle_s || now - out->created_at >= p->absolute_s || now < out->created_at - 300) {
		delete_hash(db, h);
		return 0;
	}
	if (now - out->last_seen_at >= SESSION_TOUCH_S) {
		st = db_prepare(db, "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?");
		if (st != NULL) {
			db_bind_i64(st, 1, now);
			db_bind_blob(st, 2, h, sizeof(h));
			db_run(st);
		}
		out->last_seen_at = now;
	}
	return 1;
}

bool
session_destroy(db_t *db, const char *id)
{
	unsigned char h[32];

	if (id == NULL || !id_hash(id, h))
		return true;
	return delete_hash(db, h);
}

bool
session_destroy_account(db_t *db, int64_t account_id, const char *keep_id)
{
	unsigned char h[32];
	db_stmt_t *st;

	if (keep_id != NULL && id_hash(keep_id, h)) {
		st = db_prepare(db, "DELETE FROM sessions WHERE account_id = ? AND id_hash <> ?");
		if (st == NULL)
			return false;
		db_bind_i64(st, 1, account_id);
		db_bind_blob(st, 2, h, sizeof(h));
	} else {
		st = db_prepare(db, "DELETE FROM sessions WHERE account_id = ?");
		if (st == NULL)
			return false;
		db_bind_i64(st, 1, account_id);
	}
	return db_run(st) == DB_DONE;
}

int64_t
session_purge(db_t *db, int64_t now, const session_policy_t *p)
{
	db_stmt_t *st = db_prepare(db, "DELETE FROM sessions WHERE last_seen_at <= ? OR created_at <= ?");

	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, now - p->idle_s);
	db_bind_i64(st, 2, now - p->absolute_s);
	if (db_run(st) != DB_DONE)
		return -1;
	return db_changes(db);
}
