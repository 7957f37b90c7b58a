/* totp.c - RFC 6238 codes, encrypted secrets, recovery codes and half-signed-in logins (issue 6 item 6). */
#include "auth/totp.h"
#include "auth/audit.h"
#include "auth/session.h"
#include "auth/secret.h"
#include "core/buf.h"
#include "core/str.h"

#include <ctype.h>
#include <inttypes.h>
#include <nettle/hmac.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEALED_BYTES (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + TOTP_SECRET_BYTES)
#define HASH_BYTES   32

static const char B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

uint32_t
totp_hotp(const uint8_t *key, size_t keylen, uint64_t counter, int digits)
{
	struct hmac_sha1_ctx ctx;
	uint8_t msg[8], mac[SHA1_DIGEST_SIZE];
	uint32_t bin, mod = 1;
	int i, off;

	for (i = 7; i >= 0; i--) {
		msg[i] = (uint8_t)(counter & 0xff);
		counter >>= 8;
	}
	hmac_sha1_set_key(&ctx, keylen, key);
	hmac_sha1_update(&ctx, sizeof(msg), msg);
	hmac_sha1_digest(&ctx, sizeof(mac), mac);
	off = mac[SHA1_DIGEST_SIZE - 1] & 0x0f;
	bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) | ((uint32_t)mac[off + 2] << 8) |
	    (uint32_t)mac[off + 3];
	for (i = 0; i < digits; i++)
		mod *= 10;
	sodium_memzero(&ctx, sizeof(ctx));
	return bin % mod;
}

int64_t
totp_step(int64_t now)
{
	return now < 0 ? 0 : now / TOTP_STEP_S;
}

bool
totp_base32_encode(const uint8_t *in, size_t n, char *out, size_t outlen)
{
	size_t i, o = 0;
	uint32_t acc = 0;
	int bits = 0;

	for (i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			if (o + 1 >= outlen)
				return false;
			out[o++] = B32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0) {
		if (o + 1 >= outlen)
			return false;
		out[o++] = B32[(acc << (5 - bits)) & 31];
	}
	if (o >= outlen)
		return false;
	out[o] = '\0';
	return true;
}

long
totp_base32_decode(const char *in, uint8_t *out, size_t outmax)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;

	for (; *in; in++) {
		int c = toupper((unsigned char)*in);
		const char *p;
		if (c == ' ' || c == '-' || c == '=')
			continue;
		if (c == '\0' || (p = strchr(B32, c)) == NULL)
			return -1;
		acc = (acc << 5) | (uint32_t)(p - B32);
		bits += 5;
		if (bits >= 8) {
			if (o >= outmax)
				return -1;
			out[o++] = (uint8_t)((acc >> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return (long)o;
}

/* The digits of a typed code (spaces ignored); false unless exactly TOTP_DIGITS digits. */
static bool
code_digits(const char *code, char out[TOTP_DIGITS + 1])
{
	size_t n = 0;

	if (code == NULL || strlen(code) > TOTP_CODE_MAX)
		return false;
	for (; *code; code++) {
		if (*code == ' ')
			continue;
		if (!isdigit((unsigned char)*code) || n >= TOTP_DIGITS)
			return false;
		out[n++] = *code;
	}
	out[n] = '\0';
	return n == TOTP_DIGITS;
}

int64_t
totp_match(const uint8_t *key, size_t keylen, const char *code, int64_t now, int64_t last_step)
{
	char digits[TOTP_DIGITS + 1], want[TOTP_DIGITS + 1];
	int64_t s = totp_step(now), found = -1, d;

	if (!code_digits(code, digits))
		return -1;
	for (d = -1; d <= 1; d++) {
		if (s + d <= last_step || s + d < 0)
			continue;
		snprintf(want, sizeof(want), "%06" PRIu32, totp_hotp(key, keylen, (uint64_t)(s + d), TOTP_DIGITS));
		if (sodium_memcmp(want, digits, TOTP_DIGITS) == 0 && found < 0)
			found = s + d;
	}
	return found;
}

char *
totp_uri(const char *issuer, const char *login, const char *secret_b32)
{
	buf_t b = BUF_INIT;

	buf_puts(&b, "otpauth://totp/");
	buf_append_urlenc(&b, issuer, strlen(issuer));
	buf_putc(&b, ':');
	buf_append_urlenc(&b, login, strlen(login));
	buf_printf(&b, "?secret=%s&issuer=", secret_b32);
	buf_append_urlenc(&b, issuer, strlen(issuer));
	buf_printf(&b, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS, TOTP_STEP_S);
	if (b.oom) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b, NULL);
}

char *
totp_qr_svg(const char *text, const char *title)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	buf_t b = BUF_INIT;
	int x, y, w, quiet = 4;

	if (q == NULL)
		return NULL;
	w = q->width;
	buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 %d %d\" width=\"240\" "
	    "height=\"240\" role=\"img\" aria-labelledby=\"qr-title\" shape-rendering=\"crispEdges\"><title id=\"qr-title\">",
	    w + 2 * quiet, w + 2 * quiet);
	buf_append_html(&b, title, strlen(title));
	buf_printf(&b, "</title><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
	    w + 2 * quiet, w + 2 * quiet);
	for (y = 0; y < w; y++)
		for (x = 0; x < w; x++)
			if (q->data[y * w + x] & 1)
				buf_printf(&b, "M%d %dh1v1h-1z", x + quiet, y + quiet);
	buf_puts(&b, "\"/></svg>");
	QRcode_free(q);
	if (b.oom) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b, NULL);
}

bool
totp_role_required(const char *roles, const char *role)
{
	size_t n = strlen(role);
	const char *p = roles;

	if (n == 0)
		return false;
	while (*p) {
		size_t k;
		while (*p == ',' || *p == ' ')
			p++;
		k = strcspn(p, ", ");
		if (k == n && strncmp(p, role, n) == 0)
			return true;
		p += k;
	}
	return false;
}

/* --- database --- */

totp_state_t
totp_state(db_t *db, int64_t account_id)
{
	db_stmt_t *st = db_prepare(db, "SELECT status FROM totp WHERE account_id = ?");
	totp_state_t s = TOTP_NONE;
	int rc;

	if (st == NULL)
		return TOTP_DBERR;
	db_bind_i64(st, 1, account_id);
	rc = db_step(st);
	if (rc == DB_ROW)
		s = strcmp(db_col_text(st, 0), "active") == 0 ? TOTP_ACTIVE : TOTP_PENDING;
	else if (rc != DB_DONE)
		s = TOTP_DBERR;
	db_done(st);
	return s;
}

bool
totp_start(db_t *db, int64_t account_id, int64_t now, uint8_t secret[TOTP_SECRET_BYTES])
{
	uint8_t sealed[SEALED_BYTES];
	db_stmt_t *st;
	bool ok;

	randombytes_buf(secret, TOTP_SECRET_BYTES);
	randombytes_buf(sealed, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(sealed + crypto_secretbox_NONCEBYTES, secret, TOTP_SECRET_BYTES, sealed,
	    secret_get(SECRET_TOTP));
	/* an active authenticator is never replaced from here: it is removed first */
	st = db_prepare(db, "INSERT INTO totp (account_id, secret, status, last_step, created_at) VALUES (?, ?, 'pending', 0, ?) "
	    "ON CONFLICT (account_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at "
	    "WHERE totp.status = 'pending'");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, account_id);
	db_bind_blob(st, 2, sealed, sizeof(sealed));
	db_bind_i64(st, 3, now);
	ok = db_run(st) == DB_DONE && db_changes(db) == 1;
	return ok;
}

static bool
load_secret(db_t *db, int64_t account_id, uint8_t secret[TOTP_SECRET_BYTES], int64_t *last_step, bool *active)
{
	db_stmt_t *st = db_prepare(db, "SELECT secret, last_step, status FROM totp WHERE account_id = ?");
	bool ok = false;

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, account_id);
	if (db_step(st) == DB_ROW && db_col_len(st, 0) == SEALED_BYTES) {
		const uint8_t *s = db_col_blob(st, 0);
		ok = crypto_secretbox_open_easy(secret, s + crypto_secretbox_NONCEBYTES,
		    SEALED_BYTES - crypto_secretbox_NONCEBYTES, s, secret_get(SECRET_TOTP)) == 0;
		if (last_step)
			*last_step = db_col_i64(st, 1);
		if (active)
			*active = strcmp(db_col_text(st, 2), "active") == 0;
	}
	db_done(st);
	return ok;
}

bool
totp_secret(db_t *db, int64_t account_id, uint8_t secret[TOTP_SECRET_BYTES])
{
	return load_secret(db, account_id, secret, NULL, NULL);
}

static void
code_hash(const char *code, uint8_t out[HASH_BYTES])
{
	char norm[TOTP_RECOVERY_LEN + 1];
	size_t n = 0;

	/* case, spaces and the hyphen do not matter */
	for (; *code && n < TOTP_RECOVERY_LEN; code++)
		if (*code != ' ' && *code != '-')
			norm[n++] = (char)toupper((unsigned char)*code);
	norm[n] = '\0';
	crypto_generichash(out, HASH_BYTES, (const uint8_t *)norm, n, secret_get(SECRET_TOTP), SECRET_BYTES);
}

/* New codes, replacing any (inside the caller's transaction). */
static bool
new_codes(db_t *db, int64_t account_id, char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN + 1])
{
	db_stmt_t *st = db_prepare(db, "DELETE FROM totp_recovery WHERE account_id = ?");
	int i, j;

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, account_id);
	if (db_run(st) != DB_DONE)
		return false;
	for (i = 0; i < TOTP_RECOVERY_COUNT; i++) {
		uint8_t h[HASH_BYTES];
		for (j = 0; j < TOTP_RECOVERY_LEN; j++)
			codes[i][j] = j == 5 ? '-' : B32[randombytes_uniform(32)];
		codes[i][TOTP_RECOVERY_LEN] = '\0';
		code_hash(codes[i], h);
		st = db_prepare(db, "INSERT INTO totp_recovery (account_id, code_hash) VALUES (?, ?)");
		if (st == NULL)
			return false;
		db_bind_i64(st, 1, account_id);
		db_bind_blob(st, 2, h, sizeof(h));
		if (db_run(st) != DB_DONE)
			return false;
	}
	return true;
}

static bool
audit_2fa(db_t *db, int64_t actor_id, const char *actor, const char *ip, const char *action, int64_t target_id,
    int64_t now)
{
	char target[48];
	audit_entry_t e = { actor_id, actor, ip, action, target, "" };

	snprintf(target, sizeof(target), "account:%" PRId64, target_id);
	return audit_append(db, &e, now);
}

int
totp_confirm(db_t *db, const account_t *a, const char *code, const char *ip, int64_t now,
    char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN + 1])
{
	uint8_t secret[TOTP_SECRET_BYTES];
	int64_t last = 0, step;
	bool active = false;
	db_stmt_t *st;

	if (!db_begin_write(db))
		return -1;
	if (!load_secret(db, a->id, secret, &last, &active) || active) {
		db_rollback(db);
		return active ? 0 : -1;
	}
	step = totp_match(secret, sizeof(secret), code, now, last);
	sodium_memzero(secret, sizeof(secret));
	if (step < 0) {
		db_rollback(db);
		return 0;
	}
	st = db_prepare(db, "UPDATE totp SET status = 'active', last_step = ?, activated_at = ? WHERE account_id = ?");
	if (st == NULL)
		goto fail;
	db_bind_i64(st, 1, step);
	db_bind_i64(st, 2, now);
	db_bind_i64(st, 3, a->id);
	if (db_run(st) != DB_DONE || !new_codes(db, a->id, codes) ||
	    !audit_2fa(db, a->id, a->login, ip, "2fa.enable", a->id, now) || !db_commit(db))
		goto fail;
	audit_sync_head(db);
	return 1;
fail:
	db_rollback(db);
	return -1;
}

int
totp_verify(db_t *db, int64_t account_id, const char *code, int64_t now)
{
	uint8_t secret[TOTP_SECRET_BYTES], h[HASH_BYTES];
	int64_t last = 0, step;
	bool active = false;
	db_stmt_t *st;
	int result = 0;

	if (code == NULL || strlen(code) > TOTP_CODE_MAX)
		return 0;
	if (!db_begin_write(db))
		return -1;
	if (!load_secret(db, account_id, secret, &last, &active) || !active) {
		db_rollback(db);
		return -1;
	}
	step = totp_match(secret, sizeof(secret), code, now, last);
	sodium_memzero(secret, sizeof(secret));
	if (step >= 0) {
		/* the step is spent: the same code (or an older one) is refused from now on */
		st = db_prepare(db, "UPDATE totp SET last_step = ? WHERE account_id = ? AND last_step < ?");
		if (st == NULL)
			goto fail;
		db_bind_i64(st, 1, step);
		db_bind_i64(st, 2, account_id);
		db_bind_i64(st, 3, step);
		if (db_run(st) != DB_DONE)
			goto fail;
		result = db_changes(db) == 1 ? 1 : 0;
	} else {
		code_hash(code, h);
		st = db_prepare(db, "UPDATE totp_recovery SET used_at = ? WHERE id = (SELECT id FROM totp_recovery "
		    "WHERE account_id = ? AND code_hash = ? AND used_at IS NULL LIMIT 1)");
		if (st == NULL)
			goto fail;
		db_bind_i64(st, 1, now);
		db_bind_i64(st, 2, account_id);
		db_bind_blob(st, 3, h, sizeof(h));
		if (db_run(st) != DB_DONE)
			goto fail;
		result = db_changes(db) == 1 ? 2 : 0;
	}
	if (!db_commit(db))
		goto fail;
	return result;
fail:
	db_rollback(db);
	return -1;
}

bool
totp_regenerate(db_t *db, const account_t *a, const char *ip, int64_t now,
    char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN + 1])
{
	if (!db_begin_write(db))
		return false;
	if (totp_state(db, a->id) != TOTP_ACTIVE || !new_codes(db, a->id, codes) ||
	    !audit_2fa(db, a->id, a->login, ip, "2fa.recovery_codes", a->id, now) || !db_commit(db)) {
		db_rollback(db);
		return false;
	}
	audit_sync_head(db);
	return true;
}

int
totp_recovery_left(db_t *db, int64_t account_id)
{
	db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM totp_recovery WHERE account_id = ? AND used_at IS NULL");
	int n = -1;

	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, account_id);
	if (db_step(st) == DB_ROW)
		n = (int)db_col_i64(st, 0);
	db_done(st);
	return n;
}

bool
totp_remove(db_t *db, int64_t account_id, int64_t actor_id, const char *actor, const char *ip,
    const char *action, int64_t now)
{
	db_stmt_t *st;

	if (!db_begin_write(db))
		return false;
	st = db_prepare(db, "DELETE FROM totp WHERE account_id = ?");
	if (st == NULL)
		goto fail;
	db_bind_i64(st, 1, account_id);
	if (db_run(st) != DB_DONE)
		goto fail;
	st = db_prepare(db, "DELETE FROM totp_recovery WHERE account_id = ?");
	if (st == NULL)
		goto fail;
	db_bind_i64(st, 1, account_id);
	if (db_run(st) != DB_DONE)
		goto fail;
	/* reset by someone else (a lost or stolen authenticator): the account's sessions and half-finished
	 * logins end too, so whoever holds them must sign in again and enrol afresh */
	if (actor_id != account_id) {
		if (!session_destroy_account(db, account_id, NULL) ||
		    (st = db_prepare(db, "DELETE FROM login_pending WHERE account_id = ?")) == NULL)
			goto fail;
		db_bind_i64(st, 1, account_id);
		if (db_run(st) != DB_DONE)
			goto fail;
	}
	if (!audit_2fa(db, actor_id, actor, ip, action, account_id, now) || !db_commit(db))
		goto fail;
	audit_sync_head(db);
	return true;
fail:
	db_rollback(db);
	return false;
}

/* --- half-signed-in logins --- */

static void
token_hash(const char *token, uint8_t out[HASH_BYTES])
{
	crypto_generichash(out, HASH_BYTES, (const uint8_t *)token, strlen(token), NULL, 0);
}

bool
totp_pending_create(db_t *db, int64_t account_id, const char *next, int64_t now, char token[TOTP_TOKEN_LEN + 1])
{
	uint8_t raw[32], h[HASH_BYTES];
	db_stmt_t *st;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, TOTP_TOKEN_LEN + 1, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	token_hash(token, h);
	/* old records of anyone go: they are only ever minutes old */
	st = db_prepare(db, "DELETE FROM login_pending WHERE created_at < ? OR account_id = ?");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, now - TOTP_PENDING_S);
	db_bind_i64(st, 2, account_id);
	if (db_run(st) != DB_DONE)
		return false;
	st = db_prepare(db, "INSERT INTO login_pending (token_hash, account_id, next, created_at) VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return false;
	db_bind_blob(st, 1, h, sizeof(h));
	db_bind_i64(st, 2, account_id);
	db_bind_str(st, 3, next ? next : "");
	db_bind_i64(st, 4, now);
	return db_run(st) == DB_DONE;
}

bool
totp_pending_lookup(db_t *db, const char *token, int64_t now, int64_t *account_id, char *next, size_t nextlen)
{
	uint8_t h[HASH_BYTES];
	db_stmt_t *st;
	bool found = false;

	if (token == NULL || strlen(token) != TOTP_TOKEN_LEN)
		return false;
	token_hash(token, h);
	st = db_prepare(db, "SELECT account_id, next FROM login_pending WHERE token_hash = ? AND created_at >= ?");
	if (st == NULL)
		return false;
	db_bind_blob(st, 1, h, sizeof(h));
	db_bind_i64(st, 2, now - TOTP_PENDING_S);
	if (db_step(st) == DB_ROW) {
		found = true;
		*account_id = db_col_i64(st, 0);
		if (next && !str_copy(next, nextlen, db_col_text(st, 1)))
			next[0] = '\0';
	}
	db_done(st);
	return found;
}

bool
totp_pending_destroy(db_t *db, const char *token)
{
	uint8_t h[HASH_BYTES];
	db_stmt_t *st;

	if (token == NULL)
		return true;
	token_hash(token, h);
	st = db_prepare(db, "DELETE FROM login_pending WHERE token_hash = ?");
	if (st == NULL)
		return false;
	db_bind_blob(st, 1, h, sizeof(h));
	return db_run(st) == DB_DONE;
}

int64_t
totp_pending_prune(db_t *db, int64_t now)
{
	db_stmt_t *st = db_prepare(db, "DELETE FROM login_pending WHERE created_at < ?");

	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, now - TOTP_PENDING_S);
	return db_run(st) == DB_DONE ? db_changes(db) : -1;
}
