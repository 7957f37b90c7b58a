/* test_auth.c - sessions (expiry with an injected clock), CSRF tokens, login lock-out, account rules
 * (SEC02, SEC14, SEC15; issue 2 items 6 and 7). */
#include "testutil.h"
#include "dbtest.h"

#include "auth/account.h"
#include "auth/csrf.h"
#include "auth/password.h"
#include "auth/session.h"
#include "core/log.h"
#include "jobs/jobs.h"

#define T0 1790000000 /* a fixed "now" */
#define PW "Maebashi-Kiryu-42"

static int
setup(void **state)
{
	db_t *db = dbtest_open();

	log_set_quiet(true);
	*state = db;
	return db == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	dbtest_close(*state);
	return 0;
}

static int64_t
make_account(db_t *db, const char *kind, const char *login, const char *dept)
{
	char email[128], err[256] = "";
	int64_t id = 0;
	account_new_t n = { kind, login, email, "テスト", PW, dept };

	snprintf(email, sizeof(email), "%s@example.jp", login);
	if (!account_create(db, &n, "test", "127.0.0.1", T0, &id, err, sizeof(err)))
		print_error("account_create: %s\n", err);
	return id;
}

static void
test_session_lifecycle(void **state)
{
	db_t *db = *state;
	session_policy_t p = { 30 * 60, 12 * 3600 };
	session_t s, got, s2;
	int64_t id = make_account(db, "seeker", "sess-user", NULL);

	assert_true(id > 0);
	assert_true(session_create(db, id, "127.0.0.1", T0, &s));
	assert_int_equal(strlen(s.id), SESSION_ID_LEN);
	assert_int_equal(session_lookup(db, s.id, T0 + 10, &p, &got), 1);
	assert_int_equal(got.account_id, id);

	/* a second session never has the same ID */
	assert_true(session_create(db, id, "127.0.0.1", T0, &s2));
	assert_string_not_equal(s.id, s2.id);

	/* the stored value is a hash: the ID itself is not in the table */
	{
		db_stmt_t *st = db_prepare(db, "SELECT COUNT(*) FROM sessions WHERE id_hash = ? OR CAST(id_hash AS TEXT) = ?");
		db_bind_str(st, 1, s.id);
		db_bind_str(st, 2, s.id);
		assert_int_equal(db_step(st), DB_ROW);
		assert_int_equal(db_col_i64(st, 0), 0);
		db_done(st);
	}

	/* idle: refreshed at +29 min keeps it alive until +58 min, then idle time runs out */
	assert_int_equal(session_lookup(db, s.id, T0 + 29 * 60, &p, &got), 1);
	assert_int_equal(session_lookup(db, s.id, T0 + 58 * 60, &p, &got), 1);
	assert_int_equal(session_lookup(db, s.id, T0 + 88 * 60 + 1, &p, &got), 0);
	/* expired sessions are deleted, not merely refused */
	assert_int_equal(session_lookup(db, s.id, T0 + 60, &p, &got), 0);

	/* malformed and unknown IDs */
	assert_int_equal(session_lookup(db, "short", T0, &p, &got), 0);
	assert_int_equal(session_lookup(db, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", T0, &p, &got), 0);
	assert_int_equal(session_lookup(db, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'", T0, &p, &got), 0);
	assert_int_equal(session_lookup(db, NULL, T0, &p, &got), 0);

	/* destroy */
	assert_true(session_destroy(db, s2.id));
	assert_int_equal(session_lookup(db, s2.id, T0 + 1, &p, &got), 0);
}

static void
test_session_absolute_timeout(void **state)
{
	db_t *db = *state;
	session_policy_t p = { 30 * 60, 12 * 3600 };
	session_t s, got;
	int64_t t, id = make_account(db, "seeker", "abs-user", NULL);

	assert_true(session_create(db, id, "127.0.0.1", T0, &s));
	/* active every 20 minutes: still ends after 12 hours */
	for (t = T0; t < T0 + 12 * 3600; t += 20 * 60)
		assert_int_equal(session_lookup(db, s.id, t, &p, &got), 1);
	assert_int_equal(session_lookup(db, s.id, T0 + 12 * 3600, &p, &got), 0);
}

static void
test_session_destroy_account(void **state)
{
	db_t *db = *state;
	session_policy_t p = { 1800, 43200 };
	session_t a, b, c, got;
	int64_t id = make_account(db, "company", "many-sessions", NULL);
	int64_t other = make_account(db, "company", "other-sessions", NULL);

	assert_true(session_create(db, id, "", T0, &a));
	assert_true(session_create(db, id, "", T0, &b));
	assert_true(session_create(db, other, "", T0, &c));
	assert_true(session_destroy_account(db, id, a.id));
	assert_int_equal(session_lookup(db, a.id, T0 + 1, &p, &got), 1);
	assert_int_equal(session_lookup(db, b.id, T0 + 1, &p, &got), 0);
	assert_int_equal(session_lookup(db, c.id, T0 + 1, &p, &got), 1);
	assert_true(session_purge(db, T0 + 3600, &p) >= 2);
	assert_int_equal(session_lookup(db, a.id, T0 + 3600, &p, &got), 0);
}

static void
test_csrf(void **state)
{
	char t1[CSRF_TOKEN_LEN + 1], t2[CSRF_TOKEN_LEN + 1];

	(void)state;
	csrf_token("s:abc", t1);
	csrf_token("s:abd", t2);
	assert_int_equal(strlen(t1), CSRF_TOKEN_LEN);
	assert_string_not_equal(t1, t2);
	assert_true(csrf_check("s:abc", t1));
	assert_false(csrf_check("s:abd", t1));
	assert_false(csrf_check("s:abc", NULL));
	assert_false(csrf_check("s:abc", ""));
	t1[5] ^= 1;
	assert_false(csrf_check("s:abc", t1));
}

static void
test_login_lockout(void **state)
{
	db_t *db = *state;
	login_policy_t p = { 5, 15 * 60 };
	account_t a;
	int i;
	int64_t id = make_account(db, "staff", "lock-staff", "shushoku");

	assert_true(id > 0);
	assert_int_equal(account_login(db, "lock-staff", PW, "127.0.0.1", T0, &p, &a), LOGIN_OK);
	assert_int_equal(a.id, id);
	assert_string_equal(a.department_code, "shushoku");
	assert_string_equal(a.department_kind, "employment");
	/* the ID is matched without regard to case */
	assert_int_equal(account_login(db, "LOCK-Staff", PW, "127.0.0.1", T0, &p, &a), LOGIN_OK);

	for (i = 1; i <= 4; i++)
		assert_int_equal(account_login(db, "lock-staff", "wrong-password-1", "127.0.0.1", T0 + i, &p, &a), LOGIN_FAILED);
	/* the fifth failure locks */
	assert_int_equal(account_login(db, "lock-staff", "wrong-password-1", "127.0.0.1", T0 + 5, &p, &a), LOGIN_LOCKED);
	/* the right password is refused while locked */
	assert_int_equal(account_login(db, "lock-staff", PW, "127.0.0.1", T0 + 6, &p, &a), LOGIN_LOCKED);
	assert_int_equal(account_login(db, "lock-staff", PW, "127.0.0.1", T0 + 5 + 15 * 60 - 1, &p, &a), LOGIN_LOCKED);
	/* and accepted once the 15 minutes are over */
	assert_int_equal(account_login(db, "lock-staff", PW, "127.0.0.1", T0 + 5 + 15 * 60, &p, &a), LOGIN_OK);
	/* a success resets the count */
	for (i = 1; i <= 4; i++)
		assert_int_equal(account_login(db, "lock-staff", "nope-nope-nope", "127.0.0.1", T0 + 2000 + i, &p, &a), LOGIN_FAILED);
	assert_int_equal(account_login(db, "lock-staff", PW, "127.0.0.1", T0 + 2010, &p, &a), LOGIN_OK);
	assert_int_equal(account_login(db, "lock-staff", "nope-nope-nope", "127.0.0.1", T0 + 2011, &p, &a), LOGIN_FAILED);
}

static void
test_login_unknown_id_same_answers(void **state)
{
	db_t *db = *state;
	login_policy_t p = { 5, 15 * 60 };
	account_t a;
	int i;

	/* an ID nobody has gets the same sequence of answers as a real one */
	for (i = 1; i <= 4; i++)
		assert_int_equal(account_login(db, "no-such-user", "whatever-123", "127.0.0.1", T0 + i, &p, &a), LOGIN_FAILED);
	assert_int_equal(account_login(db, "no-such-user", "whatever-123", "127.0.0.1", T0 + 5, &p, &a), LOGIN_LOCKED);
	assert_int_equal(account_login(db, "no-such-user", "whatever-123", "127.0.0.1", T0 + 6, &p, &a), LOGIN_LOCKED);
	/* malformed IDs are plain failures */
	assert_int_equal(account_login(db, "x' OR 1=1 --", "whatever-123", "127.0.0.1", T0, &p, &a), LOGIN_FAILED);
}

static void
test_login_suspended(void **state)
{
	db_t *db = *state;
	login_policy_t p = { 5, 900 };
	account_t a;
	int64_t id = make_account(db, "seeker", "suspended-user", NULL);
	db_stmt_t *st = db_prepare(db, "UPDATE accounts SET status = 'suspended' WHERE id = ?");

	db_bind_i64(st, 1, id);
	assert_int_equal(db_run(st), DB_DONE);
	assert_int_equal(account_login(db, "suspended-user", PW, "127.0.0.1", T0, &p, &a), LOGIN_FAILED);
}

static void
test_account_create_rules(void **state)
{
	db_t *db = *state;
	char err[256];
	int64_t id;
	account_new_t n = { "staff", "new-staff", "new-staff@example.jp", "職員", PW, "nosuch" };

	assert_false(account_create(db, &n, "test", "", T0, &id, err, sizeof(err)));
	assert_non_null(strstr(err, "部署"));
	n.department_code = "kigyo";
	assert_true(account_create(db, &n, "test", "", T0, &id, err, sizeof(err)));
	/* duplicate login ID, in another case */
	n.login = "NEW-STAFF";
	assert_false(account_create(db, &n, "test", "", T0, &id, err, sizeof(err)));
	assert_non_null(strstr(err, "既に使われています"));
	n.login = "a b";
	assert_false(account_create(db, &n, "test", "", T0, &id, err, sizeof(err)));
	n.login = "fresh-id";
	n.email = "not-an-address";
	assert_false(account_create(db, &n, "test", "", T0, &id, err, sizeof(err)));
	assert_non_null(strstr(err, "メールアドレス"));
	n.email = "x@example.jp\r\nBcc: y@example.jp";
	assert_false(account_create(db, &n, "test", "", T0, &id, err, sizeof(err)));
	n.email = "fresh@example.jp";
	n.password = "short1A";
	assert_false(account_create(db, &n, "test", "", T0, &id, err, sizeof(err)));
	assert_non_null(strstr(err, "12文字以上"));
	n.kind = "root";
	n.password = PW;
	assert_false(account_create(db, &n, "test", "", T0, &id, err, sizeof(err)));
}

static void
test_password_change(void **state)
{
	db_t *db = *state;
	session_policy_t sp = { 1800, 43200 };
	login_policy_t lp = { 5, 900 };
	account_t a;
	session_t keep, other, got;
	char err[256];
	int64_t id = make_account(db, "seeker", "change-pw", NULL);

	assert_true(account_get(db, id, &a));
	assert_true(session_create(db, id, "", T0, &keep));
	assert_true(session_create(db, id, "", T0, &other));
	assert_false(account_change_password(db, &a, "wrong", "Another-Pass-77", keep.id, "", T0, err, sizeof(err)));
	assert_non_null(strstr(err, "現在のパスワード"));
	assert_false(account_change_password(db, &a, PW, "change-pw-12345", keep.id, "", T0, err, sizeof(err)));
	assert_true(account_change_password(db, &a, PW, "Another-Pass-77", keep.id, "", T0, err, sizeof(err)));
	/* other sessions end, this one stays */
	assert_int_equal(session_lookup(db, keep.id, T0 + 1, &sp, &got), 1);
	assert_int_equal(session_lookup(db, other.id, T0 + 1, &sp, &got), 0);
	assert_int_equal(account_login(db, "change-pw", PW, "", T0 + 2, &lp, &a), LOGIN_FAILED);
	assert_int_equal(account_login(db, "change-pw", "Another-Pass-77", "", T0 + 3, &lp, &a), LOGIN_OK);
}

static void
test_login_is_audited(void **state)
{
	db_t *db = *state;
	login_policy_t p = { 5, 900 };
	account_t a;
	db_stmt_t *st;
	char why[256];

	make_account(db, "seeker", "audited", NULL);
	account_login(db, "audited", PW, "192.0.2.7", T0, &p, &a);
	account_login(db, "audited", "bad-bad-bad-1", "192.0.2.8", T0, &p, &a);
	st = db_prepare(db, "SELECT action, ip, detail FROM audit_log WHERE actor = 'audited' ORDER BY id");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "login.success");
	assert_string_equal(db_col_text(st, 1), "192.0.2.7");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "login.failure");
	assert_string_equal(db_col_text(st, 1), "192.0.2.8");
	/* the password never reaches the log */
	assert_null(strstr(db_col_text(st, 2), "bad-bad"));
	db_done(st);
	st = db_prepare(db, "SELECT COUNT(*) FROM audit_log WHERE detail LIKE ? OR actor LIKE ? OR target LIKE ?");
	db_bind_str(st, 1, "%" PW "%");
	db_bind_str(st, 2, "%" PW "%");
	db_bind_str(st, 3, "%" PW "%");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_i64(st, 0), 0);
	db_done(st);
	assert_int_equal(audit_verify(db, why, sizeof(why)), 0);
}

static void
test_housekeeping(void **state)
{
	db_t *db = *state;
	jobs_policy_t jp = { 1800, 43200, 3000, { { 0 } }, 0, 0 };
	login_policy_t lp = { 5, 900 };
	session_policy_t sp = { 1800, 43200 };
	session_t fresh, stale, got;
	account_t a;
	db_stmt_t *st;
	int64_t id = make_account(db, "seeker", "housekeeping", NULL);

	assert_true(session_create(db, id, "", T0, &stale));
	assert_true(session_create(db, id, "", T0 + 3000, &fresh));
	account_login(db, "old-failure", "x-x-x-x-x-x-x", "", T0, &lp, &a);
	account_login(db, "new-failure", "x-x-x-x-x-x-x", "", T0 + 3000, &lp, &a);
	/* at T0 + 3600: the first session is idle past 30 min, the old failure is an hour old */
	assert_int_equal(jobs_housekeeping(db, T0 + 3600, &jp), 2);
	assert_int_equal(session_lookup(db, fresh.id, T0 + 3600, &sp, &got), 1);
	st = db_prepare(db, "SELECT login_key FROM login_throttle ORDER BY login_key");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "new-failure");
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
	(void)stale;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_session_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_absolute_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_destroy_account, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csrf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_lockout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_unknown_id_same_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_suspended, setup, teardown),
		cmocka_unit_test_setup_teardown(test_account_create_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_is_audited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_housekeeping, setup, teardown),
	};

	return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
