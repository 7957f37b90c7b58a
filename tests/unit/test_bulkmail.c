/* test_bulkmail.c - 一斉メール (issue 7 item 5; G55, G56, SEC08): placeholders and the refusal of unknown
 * ones, the selection (mail_ok, status, held, invalid addresses, filters), unsubscribe tokens (sign, verify,
 * tamper), one outbox row per recipient with one address each in one transaction with its audit entry, the
 * confirmed count, and the 5,000 cap. */
#include "testutil.h"
#include "dbtest.h"

#include "auth/account.h"
#include "core/buf.h"
#include "core/log.h"
#include "mail/bulk.h"
#include "mail/mail.h"

#define T0 1790000000
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
make(db_t *db, const char *kind, const char *login, const char *name, const char *dept)
{
	char email[128], err[256] = "";
	int64_t id = 0;
	account_new_t n = { kind, login, email, name, PW, dept };

	snprintf(email, sizeof(email), "%s@example.jp", login);
	if (!account_create(db, &n, "test", "127.0.0.1", T0, &id, err, sizeof(err)))
		fail_msg("account_create %s: %s", login, err);
	return id;
}

static void
exec_sql(db_t *db, const char *sql, int64_t id)
{
	db_stmt_t *st = db_prepare(db, sql);

	assert_non_null(st);
	db_bind_i64(st, 1, id);
	assert_int_equal(db_run(st), DB_DONE);
}

static int64_t
seeker(db_t *db, const char *login, const char *name, int mail_ok)
{
	int64_t id = make(db, "seeker", login, name, NULL);
	db_stmt_t *st = db_prepare(db, "INSERT INTO seekers (account_id, name, kana, target, mail_ok, created_at, updated_at) "
	    "VALUES (?, ?, 'てすと', 'shinsotsu', ?, 0, 0)");

	assert_non_null(st);
	db_bind_i64(st, 1, id);
	db_bind_str(st, 2, name);
	db_bind_i64(st, 3, mail_ok);
	assert_int_equal(db_run(st), DB_DONE);
	return id;
}

static int64_t
count_sql(db_t *db, const char *sql, int64_t id)
{
	db_stmt_t *st = db_prepare(db, sql);
	int64_t n = -1;

	assert_non_null(st);
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW)
		n = db_col_i64(st, 0);
	db_done(st);
	return n;
}

static void
test_placeholders(void **state)
{
	bulk_recipient_t rc = { 7, "taro", "taro@example.jp", "上州 太郎" };
	char err[512];
	buf_t b;

	(void)state;
	buf_init(&b);
	assert_true(bulk_render(&b, "{{氏名}} 様（{{ログインID}}）{{氏名}}", &rc, err, sizeof(err)));
	assert_string_equal(b.data, "上州 太郎 様（taro）上州 太郎");
	buf_clear(&b);
	assert_true(bulk_render(&b, "差し込みなし { } }}", &rc, err, sizeof(err)));
	assert_string_equal(b.data, "差し込みなし { } }}");
	buf_clear(&b);
	assert_false(bulk_render(&b, "{{住所}} へ", &rc, err, sizeof(err)));
	assert_non_null(strstr(err, "「{{住所}}」は使えない差し込み項目です"));
	assert_false(bulk_render(&b, "{{ 氏名 }}", &rc, err, sizeof(err)));   /* no spaces: exact marks only */
	assert_false(bulk_render(&b, "閉じない {{氏名", &rc, err, sizeof(err)));
	assert_non_null(strstr(err, "閉じられていません"));
	buf_free(&b);

	assert_true(bulk_check_text("{{氏名}}様 お知らせ", true, err, sizeof(err)));
	assert_false(bulk_check_text("", true, err, sizeof(err)));
	assert_string_equal(err, "件名を入力してください。");
	assert_false(bulk_check_text("件名\r\nBcc: x@example.jp", true, err, sizeof(err)));
	assert_non_null(strstr(err, "1行"));
	assert_true(bulk_check_text("本文\n二行目", false, err, sizeof(err)));
	assert_false(bulk_check_text("{{電話}}", false, err, sizeof(err)));
	{
		char big[BULK_SUBJECT_MAX * 3 + 8];
		size_t i;
		for (i = 0; i < BULK_SUBJECT_MAX + 1; i++)
			memcpy(big + i * 3, "あ", 3);
		big[i * 3] = '\0';
		assert_false(bulk_check_text(big, true, err, sizeof(err)));
		big[(i - 1) * 3] = '\0';
		assert_true(bulk_check_text(big, true, err, sizeof(err)));
	}
}

static void
test_token(void **state)
{
	char t[BULK_TOKEN_MAX + 1], bad[BULK_TOKEN_MAX + 1];
	int64_t id = 0;

	(void)state;
	bulk_token_make(42, t);
	assert_true(bulk_token_verify(t, &id));
	assert_int_equal(id, 42);
	/* another account's id with this MAC, a flipped digit, a cut token, junk */
	snprintf(bad, sizeof(bad), "43%s", strchr(t, '.'));
	assert_false(bulk_token_verify(bad, &id));
	memcpy(bad, t, sizeof(bad));
	bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == '0' ? '1' : '0';
	assert_false(bulk_token_verify(bad, &id));
	memcpy(bad, t, sizeof(bad));
	bad[strlen(bad) - 2] = '\0';
	assert_false(bulk_token_verify(bad, &id));
	assert_false(bulk_token_verify("", &id));
	assert_false(bulk_token_verify(NULL, &id));
	assert_false(bulk_token_verify("42", &id));
	assert_false(bulk_token_verify("-1.00", &id));
	assert_int_equal(id, 42);
}

static void
test_mask(void **state)
{
	char m[64];

	(void)state;
	bulk_mask_email("taro@example.jp", m, sizeof(m));
	assert_string_equal(m, "ta***@example.jp");
	bulk_mask_email("a@example.jp", m, sizeof(m));
	assert_string_equal(m, "a***@example.jp");
	bulk_mask_email("xy@example.jp", m, sizeof(m));
	assert_string_equal(m, "x***@example.jp");
}

static void
test_selection(void **state)
{
	db_t *db = *state;
	bulk_filter_t f = { .audience = BULK_SEEKER };
	bulk_recipient_t rc[10];
	int64_t s1, s2, s3, s4, s5;
	char name[BULK_NAME_MAX];

	s1 = seeker(db, "sel-1", "一 太郎", 1);
	s2 = seeker(db, "sel-2", "", 1);            /* no name: the login ID stands in */
	s3 = seeker(db, "sel-3", "三 花子", 0);      /* declined mail */
	s4 = seeker(db, "sel-4", "四 次郎", 1);      /* suspended below */
	s5 = seeker(db, "sel-5", "五 五郎", 1);      /* held (確認待ち) below */
	make(db, "seeker", "sel-6", "六", NULL);     /* no profile row: no consent recorded */
	exec_sql(db, "UPDATE accounts SET status = 'suspended' WHERE id = ?", s4);
	exec_sql(db, "UPDATE seekers SET held = 1 WHERE account_id = ?", s5);
	(void)s3;

	assert_int_equal(bulk_count(db, &f, BULK_MAX_RECIPIENTS), 2);
	assert_int_equal(bulk_select(db, &f, 0, rc, 10), 2);
	assert_int_equal(rc[0].account_id, s1);
	assert_string_equal(rc[0].name, "一 太郎");
	assert_string_equal(rc[0].email, "sel-1@example.jp");
	assert_int_equal(rc[1].account_id, s2);
	assert_string_equal(rc[1].name, "sel-2");
	/* after: the next one (preview 次の対象者) */
	assert_int_equal(bulk_select(db, &f, s1, rc, 1), 1);
	assert_int_equal(rc[0].account_id, s2);
	/* an address that is not one (changed behind the form's back) is left out */
	exec_sql(db, "UPDATE accounts SET email = 'not an address' WHERE id = ?", s2);
	assert_int_equal(bulk_count(db, &f, BULK_MAX_RECIPIENTS), 1);
	/* keyword and target */
	str_copy(f.keyword, sizeof(f.keyword), "一 太");
	assert_int_equal(bulk_count(db, &f, BULK_MAX_RECIPIENTS), 1);
	str_copy(f.keyword, sizeof(f.keyword), "nobody");
	assert_int_equal(bulk_count(db, &f, BULK_MAX_RECIPIENTS), 0);
	f.keyword[0] = '\0';
	str_copy(f.target, sizeof(f.target), "kisotsu");
	assert_int_equal(bulk_count(db, &f, BULK_MAX_RECIPIENTS), 0);
	str_copy(f.target, sizeof(f.target), "shinsotsu");
	assert_int_equal(bulk_count(db, &f, BULK_MAX_RECIPIENTS), 1);
	/* registration period */
	f.from = T0 + 1;
	assert_int_equal(bulk_count(db, &f, BULK_MAX_RECIPIENTS), 0);
	f.from = T0;
	f.until = T0 + 1;
	assert_int_equal(bulk_count(db, &f, BULK_MAX_RECIPIENTS), 1);
	/* the name helper */
	assert_true(bulk_recipient_name(db, s1, name, sizeof(name)));
	assert_string_equal(name, "一 太郎");
	assert_true(bulk_recipient_name(db, s1, name, 5));   /* cut on a character boundary */
	assert_string_equal(name, "一 ");
	/* companies: none linked */
	memset(&f, 0, sizeof(f));
	f.audience = BULK_COMPANY;
	assert_int_equal(bulk_count(db, &f, BULK_MAX_RECIPIENTS), 0);
}

static int64_t
term(db_t *db, const char *vocab, const char *code, int64_t parent)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO terms (vocab, code, name, parent_id) VALUES (?, ?, ?, ?)");

	assert_non_null(st);
	db_bind_str(st, 1, vocab);
	db_bind_str(st, 2, code);
	db_bind_str(st, 3, code);
	if (parent > 0)
		db_bind_i64(st, 4, parent);
	else
		db_bind_null(st, 4);
	assert_int_equal(db_run(st), DB_DONE);
	return db_last_id(db);
}

/* a company account linked to a company record with these terms and status */
static int64_t
company(db_t *db, const char *login, const char *status, const int64_t *terms, int nterms)
{
	int64_t acc = make(db, "company", login, "株式会社テスト", NULL), ent;
	db_stmt_t *st = db_prepare(db, "INSERT INTO entities (type, status, created_at, updated_at, title) "
	    "VALUES ('company', ?, 0, 0, ?)");

	assert_non_null(st);
	db_bind_str(st, 1, status);
	db_bind_str(st, 2, login);
	assert_int_equal(db_run(st), DB_DONE);
	ent = db_last_id(db);
	for (int i = 0; i < nterms; i++) {
		st = db_prepare(db, "INSERT INTO entity_terms (entity_id, term_id) VALUES (?, ?)");
		assert_non_null(st);
		db_bind_i64(st, 1, ent);
		db_bind_i64(st, 2, terms[i]);
		assert_int_equal(db_run(st), DB_DONE);
	}
	st = db_prepare(db, "INSERT INTO company_accounts (account_id, entity_id, created_at) VALUES (?, ?, 0)");
	assert_non_null(st);
	db_bind_i64(st, 1, acc);
	db_bind_i64(st, 2, ent);
	assert_int_equal(db_run(st), DB_DONE);
	return acc;
}

static void
test_company_selection(void **state)
{
	db_t *db = *state;
	bulk_filter_t f = { .audience = BULK_COMPANY };
	int64_t e, g, area, m1, m2, c1, c2;

	assert_int_equal(db_exec(db, "INSERT OR IGNORE INTO vocabularies (code, name) VALUES ('industry', '業種'), "
	    "('area', '地域'), ('municipality', '市町村')"), DB_DONE);
	e = term(db, "industry", "bm-E", 0);
	g = term(db, "industry", "bm-G", 0);
	area = term(db, "area", "bm-chubu", 0);
	m1 = term(db, "municipality", "bm-10201", area);
	m2 = term(db, "municipality", "bm-10202", area);
	/* entity_terms holds ancestors too, as entity_insert writes them */
	c1 = company(db, "co-1", "published", (int64_t[]){ e, area, m1 }, 3);
	c2 = company(db, "co-2", "archived", (int64_t[]){ g, area, m2 }, 3);
	seeker(db, "co-seeker", "求職 者", 1);      /* never in a company send */

	assert_int_equal(bulk_count(db, &f, BULK_MAX_RECIPIENTS), 2);
	f.industry = e;
	assert_int_equal(bulk_count(db, &f, BULK_MAX_RECIPIENTS), 1);
	f.industry = 0;
	f.area = area;
	assert_int_equal(bulk_count(db, &f, BULK_MAX_RECIPIENTS), 2);
	f.area = m2;
	assert_int_equal(bulk_count(db, &f, BULK_MAX_RECIPIENTS), 1);
	f.area = 0;
	str_copy(f.listing, sizeof(f.listing), "archived");
	assert_int_equal(bulk_count(db, &f, BULK_MAX_RECIPIENTS), 1);
	f.listing[0] = '\0';
	exec_sql(db, "UPDATE company_accounts SET mail_ok = 0 WHERE account_id = ?", c2);
	assert_int_equal(bulk_count(db, &f, BULK_MAX_RECIPIENTS), 1);
	/* unsubscribe works for a company account too */
	assert_true(bulk_unsubscribe(db, c1, "127.0.0.1", T0));
	assert_int_equal(bulk_count(db, &f, BULK_MAX_RECIPIENTS), 0);
}

static void
test_send(void **state)
{
	db_t *db = *state;
	bulk_filter_t f = { .audience = BULK_SEEKER };
	int64_t staff_id, s1, s2, s3, bulk_id = 0, n = 0;
	account_t staff;
	char err[512] = "";
	db_stmt_t *st;

	staff_id = make(db, "staff", "bm-staff", "就職 担当", "shushoku");
	assert_true(account_get(db, staff_id, &staff));
	s1 = seeker(db, "send-1", "一 太郎", 1);
	s2 = seeker(db, "send-2", "二 花子", 1);
	s3 = seeker(db, "send-3", "三 三郎", 0);
	bulk_send_req_t q = { &f, "{{氏名}}様へ", "{{氏名}} 様（{{ログインID}}）\nご案内です。", "https://shushoku.example.jp/",
		2, &staff, "127.0.0.1", T0 + 10 };

	/* a count other than the confirmed one is refused, and nothing is written */
	q.expect = 3;
	assert_int_equal(bulk_send(db, &q, &bulk_id, &n, err, sizeof(err)), BULK_INVALID);
	assert_non_null(strstr(err, "現在2件"));
	assert_int_equal(count_sql(db, "SELECT count(*) FROM outbox WHERE kind = 'bulk' OR ? = 1", 0), 0);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM bulk_mails WHERE ? = 0", 0), 0);
	/* an unknown placeholder is refused */
	q.expect = 2;
	q.body = "{{会社名}}";
	assert_int_equal(bulk_send(db, &q, &bulk_id, &n, err, sizeof(err)), BULK_INVALID);
	q.body = "{{氏名}} 様（{{ログインID}}）\nご案内です。";

	assert_int_equal(bulk_send(db, &q, &bulk_id, &n, err, sizeof(err)), BULK_OK);
	assert_int_equal(n, 2);
	assert_int_equal(count_sql(db, "SELECT recipients FROM bulk_mails WHERE id = ?", bulk_id), 2);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM bulk_mail_recipients WHERE bulk_id = ?", bulk_id), 2);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM outbox WHERE kind = 'bulk' AND ? = 0", 0), 2);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM bulk_mail_recipients WHERE account_id = ?", s3), 0);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM audit_log WHERE action = 'bulk_mail.send' AND actor_id = ?", staff_id), 1);
	/* one address per outbox row, the recipient's own, with the name and the unsubscribe link */
	st = db_prepare(db, "SELECT o.to_addr, o.subject, o.body, b.account_id, o.list_unsubscribe FROM bulk_mail_recipients b "
	    "JOIN outbox o ON o.id = b.outbox_id WHERE b.bulk_id = ? ORDER BY b.account_id");
	assert_non_null(st);
	db_bind_i64(st, 1, bulk_id);
	for (int i = 0; i < 2; i++) {
		char t[BULK_TOKEN_MAX + 1], url[200];
		assert_int_equal(db_step(st), DB_ROW);
		int64_t acc = db_col_i64(st, 3);
		assert_int_equal(acc, i == 0 ? s1 : s2);
		assert_string_equal(db_col_text(st, 0), i == 0 ? "send-1@example.jp" : "send-2@example.jp");
		assert_null(strchr(db_col_text(st, 0), ','));
		assert_string_equal(db_col_text(st, 1), i == 0 ? "一 太郎様へ" : "二 花子様へ");
		assert_non_null(strstr(db_col_text(st, 2), i == 0 ? "一 太郎 様（send-1）" : "二 花子 様（send-2）"));
		bulk_token_make(acc, t);
		snprintf(url, sizeof(url), "https://shushoku.example.jp/unsubscribe?t=%s", t);
		assert_non_null(strstr(db_col_text(st, 2), url));
		assert_string_equal(db_col_text(st, 4), url);   /* the List-Unsubscribe header's address (RFC 8058) */
		assert_null(strstr(db_col_text(st, 2), i == 0 ? "send-2@" : "send-1@"));
	}
	db_done(st);

	/* unsubscribe: mail_ok 0, audited, and the next selection leaves them out */
	assert_true(bulk_unsubscribe(db, s1, "127.0.0.1", T0 + 20));
	assert_int_equal(count_sql(db, "SELECT mail_ok FROM seekers WHERE account_id = ?", s1), 0);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM audit_log WHERE action = 'member.unsubscribe' AND actor_id = ?", s1), 1);
	assert_int_equal(bulk_count(db, &f, BULK_MAX_RECIPIENTS), 1);

	/* the test send: one row, to the staff member, marked */
	assert_int_equal(bulk_test_send(db, &q, err, sizeof(err)), BULK_OK);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM outbox WHERE to_addr = 'bm-staff@example.jp' AND subject = "
	    "'【テスト】就職 担当様へ' AND ? = 0", 0), 1);
}

static void
test_cap(void **state)
{
	db_t *db = *state;
	bulk_filter_t f = { .audience = BULK_SEEKER };
	int64_t staff_id, bulk_id = 0, n = 0;
	account_t staff;
	char err[512] = "";

	staff_id = make(db, "staff", "cap-staff", "県 担当", "pref");
	assert_true(account_get(db, staff_id, &staff));
	/* BULK_MAX_RECIPIENTS + 1 consenting seekers, straight in SQL (account_create hashes passwords) */
	assert_int_equal(db_exec(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5001) "
	    "INSERT INTO accounts (kind, login, login_key, email, display_name, password_hash, created_at, updated_at, "
	    "password_changed_at) SELECT 'seeker', 'cap' || i, 'cap' || i, 'cap' || i || '@example.jp', '', 'x', 0, 0, 0 FROM n"), DB_DONE);
	assert_int_equal(db_exec(db, "INSERT INTO seekers (account_id, name, kana, created_at, updated_at) "
	    "SELECT id, '', '', 0, 0 FROM accounts WHERE login LIKE 'cap%' AND kind = 'seeker'"), DB_DONE);
	assert_int_equal(bulk_count(db, &f, BULK_MAX_RECIPIENTS), BULK_MAX_RECIPIENTS + 1);
	bulk_send_req_t q = { &f, "件名", "本文", "https://x.example.jp", BULK_MAX_RECIPIENTS + 1, &staff, "127.0.0.1", T0 };
	assert_int_equal(bulk_send(db, &q, &bulk_id, &n, err, sizeof(err)), BULK_INVALID);
	assert_non_null(strstr(err, "5000件まで"));
	assert_int_equal(count_sql(db, "SELECT count(*) FROM outbox WHERE ? = 0", 0), 0);
	/* one fewer fits */
	exec_sql(db, "UPDATE seekers SET mail_ok = 0 WHERE account_id = (SELECT max(id) FROM accounts WHERE ? = 0)", 0);
	q.expect = BULK_MAX_RECIPIENTS;
	assert_int_equal(bulk_send(db, &q, &bulk_id, &n, err, sizeof(err)), BULK_OK);
	assert_int_equal(n, BULK_MAX_RECIPIENTS);
	assert_int_equal(count_sql(db, "SELECT count(DISTINCT to_addr) FROM outbox WHERE kind = 'bulk' AND ? = 0", 0), BULK_MAX_RECIPIENTS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placeholders),
		cmocka_unit_test_setup_teardown(test_token, setup, teardown),
		cmocka_unit_test(test_mask),
		cmocka_unit_test_setup_teardown(test_selection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_company_selection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
