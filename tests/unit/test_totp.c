/* test_totp.c - staff two-factor sign-in (issue 6 item 6; B05, SEC14, SEC16): RFC 4226 appendix D HOTP and
 * RFC 6238 appendix B TOTP (SHA-1) vectors, base32 (RFC 4648), replay refusal, recovery codes, pending logins. */
#include "testutil.h"
#include "dbtest.h"

#include "auth/account.h"
#include "auth/totp.h"
#include "auth/session.h"
#include "core/config.h"
#include "core/log.h"

#include <ctype.h>
#include <inttypes.h>

#define T0 1790000000
#define PW "Maebashi-Kiryu-42"

static const uint8_t RFC_KEY[] = "12345678901234567890";

static void
test_hotp_rfc4226(void **state)
{
	static const uint32_t want[10] = { 755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871,
		520489 };
	uint64_t c;

	(void)state;
	for (c = 0; c < 10; c++)
		assert_int_equal(totp_hotp(RFC_KEY, 20, c, 6), want[c]);
}

static void
test_totp_rfc6238(void **state)
{
	static const struct { int64_t t; uint32_t code; } v[] = {
		{ 59, 94287082 }, { 1111111109, 7081804 }, { 1111111111, 14050471 }, { 1234567890, 89005924 },
		{ 2000000000, 69279037 }, { 20000000000LL, 65353130 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(totp_hotp(RFC_KEY, 20, (uint64_t)totp_step(v[i].t), 8), v[i].code);
}

static void
test_match_window_and_replay(void **state)
{
	char code[8];
	int64_t s = totp_step(T0);

	(void)state;
	snprintf(code, sizeof(code), "%06" PRIu32, totp_hotp(RFC_KEY, 20, (uint64_t)s, 6));
	assert_int_equal(totp_match(RFC_KEY, 20, code, T0, 0), s);
	assert_int_equal(totp_match(RFC_KEY, 20, code, T0 + 30, 0), s);   /* one step late: accepted */
	assert_int_equal(totp_match(RFC_KEY, 20, code, T0 - 30, 0), s);   /* one step early */
	assert_int_equal(totp_match(RFC_KEY, 20, code, T0 + 90, 0), -1);  /* three steps late */
	assert_int_equal(totp_match(RFC_KEY, 20, code, T0, s), -1);       /* that step is spent */
	assert_int_equal(totp_match(RFC_KEY, 20, "12345", T0, 0), -1);
	assert_int_equal(totp_match(RFC_KEY, 20, "12a456", T0, 0), -1);
	assert_int_equal(totp_match(RFC_KEY, 20, NULL, T0, 0), -1);
	{
		char spaced[10] = { code[0], code[1], code[2], ' ', code[3], code[4], code[5], '\0' };
		assert_int_equal(totp_match(RFC_KEY, 20, spaced, T0, 0), s);
	}
}

static void
test_base32(void **state)
{
	char out[64];
	uint8_t bin[32];

	(void)state;
	assert_true(totp_base32_encode((const uint8_t *)"foobar", 6, out, sizeof(out)));
	assert_string_equal(out, "MZXW6YTBOI");
	assert_true(totp_base32_encode((const uint8_t *)"f", 1, out, sizeof(out)));
	assert_string_equal(out, "MY");
	assert_false(totp_base32_encode((const uint8_t *)"foobar", 6, out, 5));
	assert_int_equal(totp_base32_decode("mzxw 6ytb-oi", bin, sizeof(bin)), 6);
	assert_memory_equal(bin, "foobar", 6);
	assert_int_equal(totp_base32_decode("MZ1W", bin, sizeof(bin)), -1);
	assert_true(totp_base32_encode(RFC_KEY, 20, out, sizeof(out)));
	assert_int_equal(strlen(out), TOTP_BASE32_LEN);
	assert_string_equal(out, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

static void
test_uri_qr_roles(void **state)
{
	char *u = totp_uri("ぐんま", "kato.m", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), *svg;

	(void)state;
	assert_non_null(u);
	assert_non_null(strstr(u, "otpauth://totp/%E3%81%90%E3%82%93%E3%81%BE:kato.m?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer="));
	svg = totp_qr_svg(u, "QR <code>");
	assert_non_null(svg);
	assert_true(strncmp(svg, "<svg ", 5) == 0);
	assert_non_null(strstr(svg, "QR &lt;code&gt;"));
	assert_non_null(strstr(svg, "h1v1h-1z"));
	free(svg);
	free(u);
	assert_true(totp_role_required("edit,admin", "edit"));
	assert_true(totp_role_required("edit, admin", "admin"));
	assert_false(totp_role_required("edit,admin", "view"));
	assert_false(totp_role_required("", "edit"));
	assert_false(totp_role_required("edit,admin", ""));
	assert_false(totp_role_required("editor", "edit"));
	{
		/* [login] require_2fa_roles: default edit,admin; only the three roles; empty allowed */
		config_t c;
		char err[256];
		config_defaults(&c);
		assert_string_equal(c.login_require_2fa_roles, "edit,admin");
		assert_true(config_set(&c, "login", "require_2fa_roles", "view, edit,admin", err, sizeof(err)));
		assert_true(totp_role_required(c.login_require_2fa_roles, "view"));
		assert_false(config_set(&c, "login", "require_2fa_roles", "edit,root", err, sizeof(err)));
		assert_true(config_set(&c, "login", "require_2fa_roles", "", err, sizeof(err)));
		assert_false(totp_role_required(c.login_require_2fa_roles, "admin"));
	}
}

static int64_t
make_account(db_t *db, const char *login, account_t *a)
{
	char email[128], err[256] = "";
	int64_t id = 0;
	account_new_t n = { "seeker", login, email, "テスト", PW, NULL };

	snprintf(email, sizeof(email), "%s@example.jp", login);
	if (!account_create(db, &n, "test", "127.0.0.1", T0, &id, err, sizeof(err)))
		print_error("account_create: %s\n", err);
	assert_true(account_get(db, id, a));
	return id;
}

static void
current_code(db_t *db, int64_t id, int64_t now, char code[8])
{
	uint8_t secret[TOTP_SECRET_BYTES];

	assert_true(totp_secret(db, id, secret));
	snprintf(code, 8, "%06" PRIu32, totp_hotp(secret, sizeof(secret), (uint64_t)totp_step(now), 6));
}

static int64_t
count_rows(db_t *db, const char *sql, int64_t id)
{
	db_stmt_t *st = db_prepare(db, sql);
	int64_t n;

	assert_non_null(st);
	db_bind_i64(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	n = db_col_i64(st, 0);
	db_done(st);
	return n;
}

static void
test_enrol_verify_recovery(void **state)
{
	db_t *db = dbtest_open();
	account_t a;
	uint8_t secret[TOTP_SECRET_BYTES], stored[TOTP_SECRET_BYTES];
	char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN + 1], codes2[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN + 1];
	char code[8];
	int64_t id;
	db_stmt_t *st;

	(void)state;
	assert_non_null(db);
	log_set_quiet(true);
	id = make_account(db, "totp.user", &a);
	assert_int_equal(totp_state(db, id), TOTP_NONE);
	assert_true(totp_start(db, id, T0, secret));
	assert_int_equal(totp_state(db, id), TOTP_PENDING);
	assert_true(totp_secret(db, id, stored));
	assert_memory_equal(secret, stored, sizeof(secret));
	/* the secret is not stored in clear */
	st = db_prepare(db, "SELECT secret FROM totp WHERE account_id = ?");
	db_bind_i64(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	assert_null(memmem(db_col_blob(st, 0), db_col_len(st, 0), secret, sizeof(secret)));
	db_done(st);

	current_code(db, id, T0, code);
	{
		char wrong[8];
		snprintf(wrong, sizeof(wrong), "%06ld", (strtol(code, NULL, 10) + 500000) % 1000000);
		assert_int_equal(totp_confirm(db, &a, wrong, "", T0, codes), 0);
		assert_int_equal(totp_state(db, id), TOTP_PENDING);
	}
	assert_int_equal(totp_confirm(db, &a, code, "", T0, codes), 1);
	assert_int_equal(totp_state(db, id), TOTP_ACTIVE);
	assert_false(totp_start(db, id, T0, secret)); /* an active one is not replaced */
	assert_int_equal(totp_recovery_left(db, id), 10);
	assert_int_equal(strlen(codes[0]), TOTP_RECOVERY_LEN);
	assert_int_equal(codes[0][5], '-');

	/* the confirming code's step is spent; the next step works once */
	assert_int_equal(totp_verify(db, id, code, T0), 0);
	current_code(db, id, T0 + 30, code);
	assert_int_equal(totp_verify(db, id, code, T0 + 30), 1);
	assert_int_equal(totp_verify(db, id, code, T0 + 30), 0);
	/* recovery codes: once each, case and hyphen free */
	{
		char lower[TOTP_RECOVERY_LEN + 1];
		size_t i;
		for (i = 0; i <= TOTP_RECOVERY_LEN; i++)
			lower[i] = (char)tolower((unsigned char)codes[3][i]);
		assert_int_equal(totp_verify(db, id, lower, T0 + 60), 2);
	}
	assert_int_equal(totp_verify(db, id, codes[3], T0 + 60), 0);
	assert_int_equal(totp_recovery_left(db, id), 9);
	/* regenerating voids the old codes */
	assert_true(totp_regenerate(db, &a, "", T0 + 90, codes2));
	assert_int_equal(totp_verify(db, id, codes[4], T0 + 90), 0);
	assert_int_equal(totp_verify(db, id, codes2[4], T0 + 90), 2);
	/* removal by the owner keeps their sessions */
	{
		session_t s;
		char pending[TOTP_TOKEN_LEN + 1];
		assert_true(session_create(db, id, "192.0.2.1", T0 + 100, &s));
		assert_true(totp_remove(db, id, id, a.login, "", "2fa.disable", T0 + 120));
		assert_int_equal(totp_state(db, id), TOTP_NONE);
		assert_int_equal(totp_recovery_left(db, id), 0);
		assert_int_equal(count_rows(db, "SELECT count(*) FROM sessions WHERE account_id = ?", id), 1);
		/* an admin's reset (a lost authenticator) also ends the account's sessions and pending logins */
		assert_true(totp_start(db, id, T0 + 130, secret));
		assert_true(totp_pending_create(db, id, "/staff", T0 + 130, pending));
		assert_true(totp_remove(db, id, 9999, "admin", "", "2fa.reset", T0 + 140));
		assert_int_equal(count_rows(db, "SELECT count(*) FROM sessions WHERE account_id = ?", id), 0);
		assert_int_equal(count_rows(db, "SELECT count(*) FROM login_pending WHERE account_id = ?", id), 0);
	}
	dbtest_close(db);
}

static void
test_pending_and_throttle(void **state)
{
	db_t *db = dbtest_open();
	login_policy_t pol = { 3, 900 };
	char token[TOTP_TOKEN_LEN + 1], next[64];
	account_t a;
	int64_t id, got = 0;

	(void)state;
	assert_non_null(db);
	log_set_quiet(true);
	id = make_account(db, "pend.user", &a);
	assert_true(totp_pending_create(db, id, "/staff", T0, token));
	assert_int_equal(strlen(token), TOTP_TOKEN_LEN);
	assert_true(totp_pending_lookup(db, token, T0 + 10, &got, next, sizeof(next)));
	assert_int_equal(got, id);
	assert_string_equal(next, "/staff");
	assert_false(totp_pending_lookup(db, token, T0 + TOTP_PENDING_S + 1, &got, next, sizeof(next)));
	assert_false(totp_pending_lookup(db, "short", T0, &got, NULL, 0));
	assert_true(totp_pending_destroy(db, token));
	assert_false(totp_pending_lookup(db, token, T0 + 10, &got, NULL, 0));
	/* housekeeping removes what has expired, nothing younger */
	assert_true(totp_pending_create(db, id, "/staff", T0, token));
	assert_int_equal(totp_pending_prune(db, T0 + TOTP_PENDING_S), 0);
	assert_int_equal(totp_pending_prune(db, T0 + TOTP_PENDING_S + 1), 1);
	assert_false(totp_pending_lookup(db, token, T0 + 10, &got, NULL, 0));

	assert_false(account_throttle_locked(db, a.login, T0));
	assert_int_equal(account_throttle_failure(db, &a, "", "2fa", T0, &pol), LOGIN_FAILED);
	assert_int_equal(account_throttle_failure(db, &a, "", "2fa", T0, &pol), LOGIN_FAILED);
	assert_int_equal(account_throttle_failure(db, &a, "", "2fa", T0, &pol), LOGIN_LOCKED);
	assert_true(account_throttle_locked(db, "PEND.user", T0 + 1));
	assert_false(account_throttle_locked(db, a.login, T0 + 901));
	dbtest_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hotp_rfc4226),
		cmocka_unit_test(test_totp_rfc6238),
		cmocka_unit_test(test_match_window_and_replay),
		cmocka_unit_test(test_base32),
		cmocka_unit_test(test_uri_qr_roles),
		cmocka_unit_test(test_enrol_verify_recovery),
		cmocka_unit_test(test_pending_and_throttle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
