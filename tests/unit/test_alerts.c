/* test_alerts.c - intrusion signals (issue 6 item 8; SEC13): thresholds in sliding windows, one open alert
 * per kind extended rather than duplicated, the mail limit with the clock, the per-minute row cap, pruning
 * and the audited acknowledgement; and the site settings of issue 6 item 5 (G01, G45, G86): checks with
 * Japanese messages, storing only changed keys, and the stored value over the site.ini default. */
#include "testutil.h"
#include "dbtest.h"

#include "auth/alerts.h"
#include "content/settings.h"
#include "core/config.h"

static db_t *db;
static const int64_t T0 = 1790000000; /* 2026-09 */

static int
setup_db(void **state)
{
	(void)state;
	config_defaults(&config);
	str_copy(config.site_name, sizeof(config.site_name), "群馬県就職支援情報サイト");
	alerts_gate_reset();
	db = dbtest_open();
	return db == NULL ? -1 : 0;
}

static int
teardown_db(void **state)
{
	(void)state;
	dbtest_close(db);
	settings_free();
	return 0;
}

static alerts_policy_t
policy(const char *mail_to)
{
	alerts_policy_t p = { 300, 10, 50, 20, 10, 3600, mail_to, "ぐんまジョブナビ", "https://example.jp/staff" };
	return p;
}

static int64_t
scalar(const char *sql)
{
	db_stmt_t *st = db_prepare(db, sql);
	int64_t v = -1;

	assert_non_null(st);
	if (db_step(st) == DB_ROW)
		v = db_col_i64(st, 0);
	db_done(st);
	return v;
}

static int
record(alert_kind_t k, const char *ip, int64_t at, const alerts_policy_t *p, bool *mailed)
{
	return alerts_record(db, k, ip, "password", at, p, mailed);
}

/* SEC13: nine failures from one address open nothing; the tenth within five minutes opens one alert. */
static void
test_login_per_ip_threshold(void **state)
{
	alerts_policy_t p = policy("");
	bool mailed;
	int i;

	(void)state;
	for (i = 0; i < 9; i++)
		assert_int_equal(record(ALERT_LOGIN, "203.0.113.5", T0 + i, &p, &mailed), 0);
	assert_int_equal(scalar("SELECT COUNT(*) FROM security_alerts"), 0);
	assert_int_equal(record(ALERT_LOGIN, "203.0.113.5", T0 + 9, &p, &mailed), 1);
	assert_false(mailed); /* no address: the dashboard only */
	assert_int_equal(scalar("SELECT COUNT(*) FROM security_alerts WHERE kind = 'login' AND acknowledged_at IS NULL"), 1);
	assert_int_equal(scalar("SELECT count FROM security_alerts"), 10);
	assert_int_equal(scalar("SELECT first_at FROM security_alerts"), T0);
}

/* The window slides: failures spread wider than the window never reach the threshold. */
static void
test_window_slides(void **state)
{
	alerts_policy_t p = policy("");
	bool mailed;
	int i;

	(void)state;
	for (i = 0; i < 30; i++) /* one every 40 s: at most 8 inside any 300 s */
		assert_int_equal(record(ALERT_LOGIN, "203.0.113.5", T0 + i * 40, &p, &mailed), 0);
	assert_int_equal(scalar("SELECT COUNT(*) FROM security_alerts"), 0);
	/* other kinds keep their own counts and thresholds */
	for (i = 0; i < 9; i++)
		assert_int_equal(record(ALERT_CSRF, "198.51.100.1", T0 + 2000 + i, &p, &mailed), 0);
	assert_int_equal(record(ALERT_CSRF, "198.51.100.1", T0 + 2009, &p, &mailed), 1);
	for (i = 0; i < 19; i++)
		assert_int_equal(record(ALERT_IPBLOCK, "198.51.100.2", T0 + 3000 + i, &p, &mailed), 0);
	assert_int_equal(record(ALERT_IPBLOCK, "198.51.100.2", T0 + 3019, &p, &mailed), 1);
	assert_int_equal(scalar("SELECT COUNT(*) FROM security_alerts"), 2);
}

/* Overall threshold: 50 failures from 50 addresses (none reaching 10) open the login alert. */
static void
test_login_total_threshold(void **state)
{
	alerts_policy_t p = policy("");
	char ip[32];
	bool mailed;
	int i, rc = 0;

	(void)state;
	for (i = 0; i < 50; i++) {
		snprintf(ip, sizeof(ip), "192.0.2.%d", i + 1);
		rc = record(ALERT_LOGIN, ip, T0 + i, &p, &mailed);
		if (i < 49)
			assert_int_equal(rc, 0);
	}
	assert_int_equal(rc, 1);
	assert_int_equal(scalar("SELECT count FROM security_alerts WHERE kind = 'login'"), 50);
}

/* Later events extend the one open alert: no second row, count and last_at grow, top addresses listed. */
static void
test_alert_extended_not_duplicated(void **state)
{
	alerts_policy_t p = policy("");
	bool mailed;
	int i;
	db_stmt_t *st;

	(void)state;
	for (i = 0; i < 10; i++)
		record(ALERT_LOGIN, "203.0.113.5", T0 + i, &p, &mailed);
	for (i = 0; i < 5; i++)
		assert_int_equal(record(ALERT_LOGIN, "198.51.100.9", T0 + 100 + i, &p, &mailed), 1);
	assert_int_equal(scalar("SELECT COUNT(*) FROM security_alerts"), 1);
	assert_int_equal(scalar("SELECT count FROM security_alerts"), 15);
	assert_int_equal(scalar("SELECT last_at FROM security_alerts"), T0 + 104);
	st = db_prepare(db, "SELECT summary FROM security_alerts");
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "203.0.113.5（10件）、198.51.100.9（5件）");
	db_done(st);
}

/* At most one mail per kind per hour, whether the alert is extended or acknowledged and opened again. */
static void
test_mail_rate_limit_with_clock(void **state)
{
	alerts_policy_t p = policy("security@example.jp");
	bool mailed, any = false;
	int i, mails = 0;

	(void)state;
	for (i = 0; i < 30; i++) {
		record(ALERT_LOGIN, "203.0.113.5", T0 + i, &p, &mailed);
		mails += mailed;
	}
	assert_int_equal(mails, 1);
	assert_int_equal(scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'security' AND to_addr = 'security@example.jp'"), 1);
	/* acknowledged, then a new burst 30 minutes later: a new alert, but no second mail within the hour */
	assert_int_equal(alerts_ack(db, scalar("SELECT id FROM security_alerts"), 1, "admin", "127.0.0.1", T0 + 100), 1);
	for (i = 0; i < 10; i++) {
		record(ALERT_LOGIN, "203.0.113.5", T0 + 1800 + i, &p, &mailed);
		any = any || mailed;
	}
	assert_false(any);
	assert_int_equal(scalar("SELECT COUNT(*) FROM security_alerts"), 2);
	/* an hour after the first mail, the still-open alert may mail again */
	record(ALERT_LOGIN, "203.0.113.5", T0 + 3700, &p, &mailed);
	assert_true(mailed);
	assert_int_equal(scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'security'"), 2);
	/* the mail says what and how many, in Japanese, without login IDs */
	{
		db_stmt_t *st = db_prepare(db, "SELECT subject, body FROM outbox ORDER BY id LIMIT 1");
		assert_non_null(st);
		assert_int_equal(db_step(st), DB_ROW);
		assert_string_equal(db_col_text(st, 0), "【ぐんまジョブナビ】セキュリティ警告：ログイン失敗の急増");
		assert_non_null(strstr(db_col_text(st, 1), "203.0.113.5（10件）"));
		assert_null(strstr(db_col_text(st, 1), "password"));
		db_done(st);
	}
}

/* A flood writes at most ALERTS_ROWS_PER_MIN rows a minute; the rest still count in the alert. */
static void
test_row_cap(void **state)
{
	alerts_policy_t p = policy("");
	bool mailed;
	int i;

	(void)state;
	for (i = 0; i < ALERTS_ROWS_PER_MIN + 30; i++)
		assert_true(record(ALERT_CSRF, "203.0.113.7", T0 - T0 % 60, &p, &mailed) >= 0);
	assert_int_equal(scalar("SELECT COUNT(*) FROM security_events"), ALERTS_ROWS_PER_MIN);
	/* next minute: the row is written and the 30 held back are added to the alert */
	assert_int_equal(record(ALERT_CSRF, "203.0.113.7", T0 - T0 % 60 + 60, &p, &mailed), 1);
	assert_int_equal(scalar("SELECT count FROM security_alerts"), ALERTS_ROWS_PER_MIN + 31);
}

/* Housekeeping deletes events older than ALERTS_EVENT_KEEP_S and keeps the alerts. */
static void
test_prune(void **state)
{
	alerts_policy_t p = policy("");
	bool mailed;
	int i;

	(void)state;
	for (i = 0; i < 10; i++)
		record(ALERT_LOGIN, "203.0.113.5", T0 + i, &p, &mailed);
	record(ALERT_LOGIN, "203.0.113.5", T0 + ALERTS_EVENT_KEEP_S, &p, &mailed);
	assert_int_equal(alerts_prune(db, T0 + ALERTS_EVENT_KEEP_S + 10), 10);
	assert_int_equal(scalar("SELECT COUNT(*) FROM security_events"), 1);
	assert_int_equal(scalar("SELECT COUNT(*) FROM security_alerts"), 1);
}

/* Acknowledging: audited security.ack, then gone from the open ones; a second time finds nothing. */
static void
test_ack_audited(void **state)
{
	alerts_policy_t p = policy("");
	bool mailed;
	int64_t id;
	int i;

	(void)state;
	for (i = 0; i < 10; i++)
		record(ALERT_CSRF, "203.0.113.5", T0 + i, &p, &mailed);
	id = scalar("SELECT id FROM security_alerts");
	assert_true(id > 0);
	assert_int_equal(alerts_ack(db, id, 7, "admin1", "127.0.0.1", T0 + 20), 1);
	assert_int_equal(scalar("SELECT COUNT(*) FROM security_alerts WHERE acknowledged_at IS NULL"), 0);
	assert_int_equal(scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'security.ack' AND actor = 'admin1'"), 1);
	assert_int_equal(alerts_ack(db, id, 7, "admin1", "127.0.0.1", T0 + 21), 0);
	{ char why[256]; assert_int_equal(audit_verify(db, why, sizeof(why)), 0); }
}

/* ---- site settings (issue 6 item 5) ---- */

static const char *
check(settings_key_t k, const char *in, char *out)
{
	str_copy(out, CONFIG_STR, in);
	return settings_check(k, out, CONFIG_STR);
}

static void
test_settings_checks(void **state)
{
	char v[CONFIG_STR];

	(void)state;
	assert_null(check(SET_GA, "g-abc123xyz", v));
	assert_string_equal(v, "G-ABC123XYZ"); /* typed in lower case: normalised */
	assert_non_null(check(SET_GA, "UA-12345-1", v));
	assert_non_null(check(SET_GA, "G-\"><script>", v));
	assert_null(check(SET_GA, "", v));
	assert_null(check(SET_GSC, "abcDEF123_-xyz", v));
	assert_non_null(check(SET_GSC, "<meta name=x>", v));
	assert_null(check(SET_GSC, "<meta name=\"google-site-verification\" content=\"tok-EN_1234567\" />", v));
	assert_string_equal(v, "tok-EN_1234567"); /* the whole tag pasted: its content value kept */
	assert_non_null(check(SET_GSC, "<meta content=\"bad token!\">", v));
	assert_non_null(check(SET_GSC, "short", v));
	assert_null(check(SET_MIGRATION, "https://gunma-iju.example.jp/match", v));
	assert_non_null(check(SET_MIGRATION, "javascript:alert(1)", v));
	assert_non_null(check(SET_MIGRATION, "https://a b", v));
	assert_non_null(check(SET_NAME, "", v));
	assert_string_equal(check(SET_NAME, "", v), "サイト名を入力してください。");
	assert_null(check(SET_NAME, "ぐんま就職ナビ", v));
	assert_non_null(check(SET_NAME, "あいうえおかきくけこあいうえおかきくけこあいうえおかきくけこあいうえおかきくけこあいうえおかきくけこあいうえおかきくけこX", v));
	assert_null(check(SET_UNIT, "３", v));
	assert_string_equal(v, "3");
	assert_non_null(check(SET_UNIT, "13", v));
	assert_null(check(SET_NOTICE, "3、14", v));
	assert_string_equal(v, "14,3");
	assert_non_null(check(SET_NOTICE, "14,14", v));
	assert_null(check(SET_APPROVAL, "", v));
	assert_string_equal(v, "0");
	assert_null(check(SET_ALERT_MAIL, "security@example.jp", v));
	assert_non_null(check(SET_ALERT_MAIL, "a@x.jp\r\nBcc: b@y.jp", v));
}

/* Stored values override site.ini; only changed keys are written, and the page caches are told. */
static void
test_settings_store_and_precedence(void **state)
{
	site_settings_t cur, next;
	buf_t changed = BUF_INIT;
	int n;
	int64_t seq;

	(void)state;
	str_copy(config.site_nickname, sizeof(config.site_nickname), "ぐんまジョブナビ");
	assert_true(settings_read(db, &cur));
	assert_string_equal(cur.v[SET_NAME], "群馬県就職支援情報サイト"); /* site.ini default */
	assert_string_equal(cur.v[SET_NOTICE], "14,3");
	assert_string_equal(cur.v[SET_APPROVAL], "1");
	next = cur;
	str_copy(next.v[SET_NAME], sizeof(next.v[SET_NAME]), "ぐんま就職ナビ");
	str_copy(next.v[SET_NOTICE], sizeof(next.v[SET_NOTICE]), "30,7");
	seq = scalar("SELECT MAX(seq) FROM search_log");
	assert_true(db_begin_write(db));
	assert_true(settings_store(db, &cur, &next, &changed, &n));
	assert_true(db_commit(db));
	assert_int_equal(n, 2);
	assert_string_equal(changed.data, "site.name,notice_days");
	assert_true(scalar("SELECT MAX(seq) FROM search_log") > seq);
	assert_int_equal(scalar("SELECT COUNT(*) FROM settings WHERE key = 'site.nickname'"), 0);
	assert_true(settings_read(db, &cur));
	assert_string_equal(cur.v[SET_NAME], "ぐんま就職ナビ");
	assert_string_equal(cur.v[SET_NICKNAME], "ぐんまジョブナビ");
	assert_string_equal(cur.v[SET_NOTICE], "30,7");
	/* the snapshot follows a refresh, and the nickname falls back to the name when empty */
	settings_refresh(db, 999999);
	assert_string_equal(settings_site_name(), "ぐんま就職ナビ");
	buf_free(&changed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_login_per_ip_threshold, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_window_slides, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_login_total_threshold, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_alert_extended_not_duplicated, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_mail_rate_limit_with_clock, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_row_cap, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_prune, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_ack_audited, setup_db, teardown_db),
		cmocka_unit_test(test_settings_checks),
		cmocka_unit_test_setup_teardown(test_settings_store_and_precedence, setup_db, teardown_db),
	};

	return cmocka_run_group_tests_name("alerts", tests, NULL, NULL);
}
