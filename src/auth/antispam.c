/*
 * antispam.c - proof-of-work challenges, honeypot and per-address rate limit for public forms.
 *
 * A challenge is stateless until it is used: the token carries the form, the time, the difficulty and a
 * random nonce, signed with HMAC-SHA256 under a key derived from the CSRF secret with its own context
 * (crypto_kdf, "antispam"), so a CSRF token can never pass for a challenge or the other way round and no
 * new key file is needed. Only a used token leaves a row (its hash, until it would have expired anyway),
 * which is what makes it single use. The rate limit counts per form and per address (an IPv6 /64, as
 * one household or phone gets a whole /64) in fixed windows and judges a window sliding back from now by
 * weighting the previous window's count with the part of it still inside, so a burst across a window
 * boundary cannot pass twice the limit.
 */
#include "auth/antispam.h"
#include "auth/secret.h"
#include "core/log.h"
#include "core/str.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define NONCE_BYTES 16
#define NONCE_B64   22   /* base64url of 16 bytes, no padding */
#define MAC_B64     43   /* base64url of 32 bytes, no padding */
#define PARTS       6    /* v1 form issued difficulty nonce mac */

static antispam_policy_t policy = {
	ANTISPAM_DEFAULT_DIFFICULTY, ANTISPAM_DEFAULT_TTL_S, ANTISPAM_DEFAULT_RATE_MAX, ANTISPAM_DEFAULT_WINDOW_S,
};

void
antispam_configure(const antispam_policy_t *p)
{
	if (p->difficulty >= 1 && p->difficulty <= ANTISPAM_DIFFICULTY_MAX)
		policy.difficulty = p->difficulty;
	if (p->ttl_s >= 60)
		policy.ttl_s = p->ttl_s;
	if (p->rate_max >= 1)
		policy.rate_max = p->rate_max;
	if (p->rate_window_s >= 1)
		policy.rate_window_s = p->rate_window_s;
}

const antispam_policy_t *
antispam_policy(void)
{
	return &policy;
}

static bool
form_ok(const char *s)
{
	size_t n = 0;

	if (s == NULL)
		return false;
	for (; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_' || s[n] == '-'))
			return false;
	return n >= 1 && n <= ANTISPAM_FORM_MAX;
}

/* mac = base64url(HMAC-SHA256(k, body)), k derived from the CSRF secret for this use only */
static void
sign(const char *body, size_t n, char mac[MAC_B64 + 1])
{
	unsigned char key[crypto_auth_hmacsha256_KEYBYTES], out[crypto_auth_hmacsha256_BYTES];

	crypto_kdf_derive_from_key(key, sizeof(key), 1, "antispam", secret_get(SECRET_CSRF));
	crypto_auth_hmacsha256(out, (const unsigned char *)body, n, key);
	sodium_bin2base64(mac, MAC_B64 + 1, out, sizeof(out), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(key, sizeof(key));
}

bool
antispam_challenge(char *out, size_t outlen, const char *form_name, int64_t now)
{
	unsigned char raw[NONCE_BYTES];
	char nonce[NONCE_B64 + 1], mac[MAC_B64 + 1];
	int n;

	if (!form_ok(form_name) || now < 0)
		return false;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(nonce, sizeof(nonce), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	n = snprintf(out, outlen, "v1.%s.%" PRId64 ".%d.%s", form_name, now, policy.difficulty, nonce);
	if (n < 0 || (size_t)n + 1 + MAC_B64 + 1 > outlen)
		return false;
	sign(out, (size_t)n, mac);
	out[n] = '.';
	memcpy(out + n + 1, mac, MAC_B64 + 1);
	return true;
}

static int
zero_bits(const unsigned char *h, size_t n)
{
	int bits = 0;
	size_t i;
	unsigned m;

	for (i = 0; i < n; i++) {
		if (h[i] != 0) {
			for (m = 0x80; (h[i] & m) == 0; m >>= 1)
				bits++;
			return bits;
		}
		bits += 8;
	}
	return bits;
}

static bool
solution_syntax_ok(const char *s)
{
	size_t n = 0;

	if (s == NULL)
		return false;
	for (; s[n] != '\0'; n++)
		if (s[n] < '0' || s[n] > '9')
			return false;
	return n >= 1 && n <= ANTISPAM_SOLUTION_MAX;
}

bool
antispam_solution_ok(const char *token, const char *solution, int difficulty)
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];

	if (token == NULL || !solution_syntax_ok(solution) || difficulty < 1 || difficulty > 256)
		return false;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)token, strlen(token));
	crypto_hash_sha256_update(&st, (const unsigned char *)":", 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)solution, strlen(solution));
	crypto_hash_sha256_final(&st, h);
	return zero_bits(h, sizeof(h)) >= difficulty;
}

typedef struct parsed {
	char        copy[ANTISPAM_TOKEN_MAX];
	const char *part[PARTS];
	size_t      body_len;   /* bytes before the '.' that precedes the MAC: what was signed */
	int64_t     issued;
	int         difficulty;
} parsed_t;

static bool
b64url_ok(const char *s, size_t want)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++)
		if (!((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') ||
		    s[n] == '-' || s[n] == '_'))
			return false;
	return n == want;
}

/* Splits token into its six parts; false for anything not shaped like a token this code writes. */
static bool
parse(const char *token, parsed_t *p)
{
	char *s;
	int i = 0;
	int64_t d;

	if (!str_copy(p->copy, sizeof(p->copy), token))
		return false;
	p->part[i++] = p->copy;
	for (s = p->copy; *s != '\0'; s++) {
		if (*s != '.')
			continue;
		if (i == PARTS)
			return false;
		*s = '\0';
		p->part[i++] = s + 1;
	}
	if (i != PARTS || strcmp(p->part[0], "v1") != 0 || !form_ok(p->part[1]) ||
	    !str_to_i64(p->part[2], 0, INT64_MAX / 2, &p->issued) ||
	    !str_to_i64(p->part[3], 1, ANTISPAM_DIFFICULTY_MAX, &d) ||
	    !b64url_ok(p->part[4], NONCE_B64) || !b64url_ok(p->part[5], MAC_B64))
		return false;
	p->difficulty = (int)d;
	p->body_len = (size_t)(p->part[5] - p->copy) - 1;
	return true;
}

/* The token's own verdict: ACCEPT here still has to pass the single-use record. */
static antispam_verdict_t
judge(const char *form, const char *token, const char *solution, int64_t now, int64_t *expires)
{
	parsed_t p;
	char want[MAC_B64 + 1];

	if (!parse(token, &p))
		return ANTISPAM_REJECT_BAD;
	sign(token, p.body_len, want); /* the original, not p.copy: its dots are NULs now */
	if (sodium_memcmp(want, p.part[5], MAC_B64) != 0 || !str_eq(p.part[1], form))
		return ANTISPAM_REJECT_BAD;
	if (now < p.issued - ANTISPAM_SKEW_S || now > p.issued + policy.ttl_s)
		return ANTISPAM_REJECT_EXPIRED;
	/* a genuine token issued before the difficulty was raised: stale, like an expired one */
	if (p.difficulty < policy.difficulty)
		return ANTISPAM_REJECT_EXPIRED;
	if (!antispam_solution_ok(token, solution, p.difficulty))
		return ANTISPAM_REJECT_BAD;
	*expires = p.issued + policy.ttl_s;
	return ANTISPAM_ACCEPT;
}

void
antispam_addr_key(const char *addr, char out[64])
{
	struct in_addr a4;
	struct in6_addr a6;
	char tmp[INET6_ADDRSTRLEN];
	size_t i;

	if (addr == NULL)
		addr = "";
	if (inet_pton(AF_INET, addr, &a4) == 1 && inet_ntop(AF_INET, &a4, out, 64) != NULL)
		return;
	if (inet_pton(AF_INET6, addr, &a6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			memcpy(&a4, a6.s6_addr + 12, 4);
			if (inet_ntop(AF_INET, &a4, out, 64) != NULL)
				return;
		}
		memset(a6.s6_addr + 8, 0, 8);
		if (inet_ntop(AF_INET6, &a6, tmp, sizeof(tmp)) != NULL && snprintf(out, 64, "%s/64", tmp) < 64)
			return;
	}
	/* not an address (a misconfigured proxy header): still one key, in characters safe to log */
	for (i = 0; addr[i] != '\0' && i < 63; i++)
		out[i] = (addr[i] >= '0' && addr[i] <= '9') || (addr[i] >= 'a' && addr[i] <= 'z') ||
		    (addr[i] >= 'A' && addr[i] <= 'Z') || addr[i] == '.' || addr[i] == ':' ? addr[i] : '_';
	out[i] = '\0';
}

static int64_t
window_start(int64_t now)
{
	int64_t w = policy.rate_window_s;

	return now - (now % w + w) % w;
}

/* Counts this submission; *over when the sliding-window estimate passes rate_max. */
static bool
rate_count(db_t *db, const char *addr, const char *form, int64_t now, bool *over)
{
	char key[64];
	int64_t w = policy.rate_window_s, start = window_start(now), elapsed = now - start, cur = 0, prev = 0;
	int64_t limit = (int64_t)policy.rate_max * w;
	db_stmt_t *st;

	antispam_addr_key(addr, key);
	st = db_prepare(db, "INSERT INTO antispam_rate (addr_key, form, window_start, count) VALUES (?, ?, ?, 1) "
	    "ON CONFLICT (addr_key, form, window_start) DO UPDATE SET count = antispam_rate.count + 1 "
	    "RETURNING count");
	if (st == NULL)
		return false;
	db_bind_str(st, 1, key);
	db_bind_str(st, 2, form);
	db_bind_i64(st, 3, start);
	if (db_step(st) != DB_ROW) {
		db_done(st);
		return false;
	}
	cur = db_col_i64(st, 0);
	db_done(st);
	st = db_prepare(db, "SELECT count FROM antispam_rate WHERE addr_key = ? AND form = ? AND window_start = ?");
	if (st == NULL)
		return false;
	db_bind_str(st, 1, key);
	db_bind_str(st, 2, form);
	db_bind_i64(st, 3, start - w);
	if (db_step(st) == DB_ROW)
		prev = db_col_i64(st, 0);
	db_done(st);
	*over = cur * w + prev * (w - elapsed) > limit;
	/* an intrusion signal (SEC13), logged once per window: when this submission was the one to cross */
	if (*over && (cur - 1) * w + prev * (w - elapsed) <= limit)
		log_info("antispam: rate limit reached for form %s from %s", form, key);
	return true;
}

/* Records the token as used; REPLAY when it already was. */
static bool
mark_used(db_t *db, const char *token, int64_t expires, antispam_verdict_t *v)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	db_stmt_t *st;
	int rc;

	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	st = db_prepare(db, "INSERT INTO antispam_used (token_hash, expires_at) VALUES (?, ?)");
	if (st == NULL)
		return false;
	db_bind_blob(st, 1, h, sizeof(h));
	db_bind_i64(st, 2, expires);
	rc = db_run(st);
	if (rc == DB_CONSTRAINT) {
		*v = ANTISPAM_REJECT_REPLAY;
		return true;
	}
	if (rc != DB_DONE)
		return false;
	*v = ANTISPAM_ACCEPT;
	return true;
}

bool
antispam_check(db_t *db, const antispam_input_t *in, int64_t now, antispam_verdict_t *v)
{
	int64_t expires = 0;
	bool over = false;

	/* a person never sees the field, so anything in it was typed by a program */
	if (in->honeypot != NULL && in->honeypot[0] != '\0') {
		*v = ANTISPAM_REJECT_HONEYPOT;
		return true;
	}
	if (!rate_count(db, in->addr, in->form, now, &over))
		return false;
	if (over) {
		*v = ANTISPAM_REJECT_RATE;
		return true;
	}
	/* no work shown: the script did not run (JavaScript off, an old browser); a person may still be there */
	if (in->token == NULL || in->token[0] == '\0' || !solution_syntax_ok(in->solution)) {
		*v = ANTISPAM_HOLD;
		return true;
	}
	*v = judge(in->form, in->token, in->solution, now, &expires);
	if (*v != ANTISPAM_ACCEPT)
		return true;
	return mark_used(db, in->token, expires, v);
}

int64_t
antispam_prune(db_t *db, int64_t now)
{
	db_stmt_t *st = db_prepare(db, "DELETE FROM antispam_used WHERE expires_at < ?");
	int64_t n;

	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, now);
	if (db_run(st) != DB_DONE)
		return -1;
	n = db_changes(db);
	/* the current window and the one before it are read; older ones are not */
	st = db_prepare(db, "DELETE FROM antispam_rate WHERE window_start < ?");
	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, window_start(now) - policy.rate_window_s);
	if (db_run(st) != DB_DONE)
		return -1;
	return n + db_changes(db);
}

const char *
antispam_message(antispam_verdict_t v)
{
	switch (v) {
	case ANTISPAM_HOLD:
		return "送信を受け付けました。ブラウザーのJavaScriptが無効になっていたため、担当者が内容を確認してから"
		    "手続きを進めます。確認までお時間をいただく場合があります。";
	case ANTISPAM_REJECT_RATE:
		return "短い時間に同じ場所から多くの送信があったため、受け付けを一時的に止めています。"
		    "しばらく時間をおいてから、もう一度送信してください。";
	case ANTISPAM_REJECT_REPLAY:
		return "このフォームはすでに送信されています。二重に送信されるのを防ぐため、今回の送信は受け付けていません。"
		    "もう一度送る必要がある場合は、入力内容をご確認のうえ、あらためて送信してください。";
	case ANTISPAM_REJECT_EXPIRED:
		return "フォームを開いてから時間がたったため、送信の有効期限が切れました。入力内容はそのまま残っています。"
		    "ご確認のうえ、もう一度送信してください。";
	case ANTISPAM_REJECT_BAD:
		return "送信の確認ができませんでした。入力内容はそのまま残っています。ご確認のうえ、もう一度送信してください。";
	case ANTISPAM_ACCEPT:
	case ANTISPAM_REJECT_HONEYPOT:
		break;
	}
	return NULL;
}

const char *
antispam_verdict_name(antispam_verdict_t v)
{
	static const char *const names[] = { "accept", "hold", "honeypot", "rate", "replay", "expired", "bad" };

	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "unknown";
}
