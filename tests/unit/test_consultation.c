/* test_consultation.c - mail consultation (issue 5 items 4 and 8; G12, SEC04, SEC08): input limits, ownership,
 * unread counts, the reply permission rule, the staff list filter, and a notice mail without any consultation
 * text. */
#include "testutil.h"
#include "dbtest.h"

#include "app/consult.h"
#include "auth/account.h"
#include "core/arena.h"
#include "core/log.h"
#include "mail/mail.h"

#define T0 1790000000
#define PW "Maebashi-Kiryu-42"
#define SUBJECT "面接の練習について"
#define BODY1 "来週の面接に向けて練習をお願いできますか。\r\n平日の午後が希望です。"
#define REPLY1 "承知しました。水曜日の14時はいかがでしょうか。"
#define URL "https://shushoku.example.jp/mypage/consultations/1"

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

static void
make(db_t *db, const char *kind, const char *login, const char *dept, account_t *out)
{
	char email[128], err[256] = "";
	int64_t id = 0;
	account_new_t n = { kind, login, email, "テスト 利用者", PW, dept };

	snprintf(email, sizeof(email), "%s@example.jp", login);
	if (!account_create(db, &n, "test", "127.0.0.1", T0, &id, err, sizeof(err)))
		fail_msg("account_create %s: %s", login, err);
	assert_true(account_get(db, id, out));
}

static void
test_input_checks(void **state)
{
	char err[256], big[CONSULT_BODY_MAX * 3 + 8];
	size_t i;

	(void)state;
	assert_true(consult_subject_check(SUBJECT, err, sizeof(err)));
	assert_false(consult_subject_check("", err, sizeof(err)));
	assert_string_equal(err, "件名を入力してください。");
	assert_false(consult_subject_check(" \xe3\x80\x80 ", err, sizeof(err))); /* only spaces, U+3000 too */
	/* CR/LF in the subject: refused with a message, never silently removed (SEC04) */
	assert_false(consult_subject_check("件名\r\nBcc: x@example.jp", err, sizeof(err)));
	assert_non_null(strstr(err, "改行"));
	assert_false(consult_subject_check("件名\n", err, sizeof(err)));
	assert_false(consult_subject_check("a\x01z", err, sizeof(err)));
	/* 100 characters of three bytes each pass, 101 do not */
	big[0] = '\0';
	for (i = 0; i < CONSULT_SUBJECT_MAX; i++)
		strcat(big, "相");
	assert_true(consult_subject_check(big, err, sizeof(err)));
	strcat(big, "談");
	assert_false(consult_subject_check(big, err, sizeof(err)));
	assert_non_null(strstr(err, "100文字以内"));

	assert_true(consult_body_check(BODY1, err, sizeof(err)));
	assert_false(consult_body_check("\r\n\t ", err, sizeof(err)));
	assert_false(consult_body_check("a\x1b[31m", err, sizeof(err)));
	/* 4000 characters where each line break is CRLF: still 4000 */
	memset(big, 0, sizeof(big));
	for (i = 0; i < CONSULT_BODY_MAX / 2; i++)
		memcpy(big + i * 3, "a\r\n", 3);
	assert_int_equal(strlen(big), CONSULT_BODY_MAX / 2 * 3);
	assert_true(consult_body_check(big, err, sizeof(err)));
	strcat(big, "x");
	assert_false(consult_body_check(big, err, sizeof(err)));
	assert_non_null(strstr(err, "4000文字以内"));
}

static void
test_normalise(void **state)
{
	arena_t a;

	(void)state;
	arena_init(&a, 1024, 0);
	assert_string_equal(consult_body_normalise(&a, "a\r\nb\rc\nd"), "a\nb\nc\nd");
	assert_string_equal(consult_body_normalise(&a, ""), "");
	arena_free(&a);
}

static void
test_reply_permission(void **state)
{
	db_t *db = *state;
	account_t pref, shushoku, kigyo, seeker;
	consult_t c;

	make(db, "staff", "perm-pref", "pref", &pref);
	make(db, "staff", "perm-shushoku", "shushoku", &shushoku);
	make(db, "staff", "perm-kigyo", "kigyo", &kigyo);
	make(db, "seeker", "perm-seeker", NULL, &seeker);
	memset(&c, 0, sizeof(c));
	c.department_id = shushoku.department_id;            /* threads belong to employment support */
	assert_true(consult_staff_may_reply(&pref, &c));
	assert_true(consult_staff_may_reply(&shushoku, &c));
	assert_false(consult_staff_may_reply(&kigyo, &c));   /* company support reads only */
	assert_false(consult_staff_may_reply(&seeker, &c));  /* not staff at all */
	assert_false(consult_staff_may_reply(NULL, &c));
	str_copy(shushoku.role, sizeof(shushoku.role), "view"); /* the department rule: a view role only reads */
	assert_false(consult_staff_may_reply(&shushoku, &c));
	str_copy(shushoku.role, sizeof(shushoku.role), "edit");
	str_copy(shushoku.status, sizeof(shushoku.status), "suspended");
	assert_false(consult_staff_may_reply(&shushoku, &c));
}

/* Counts outbox rows and checks none contains text of the thread. */
static int64_t
outbox_rows(db_t *db, const char *must_not_1, const char *must_not_2, const char *must_have)
{
	db_stmt_t *st = db_prepare(db, "SELECT to_addr, subject, body FROM outbox ORDER BY id");
	int64_t n = 0;

	while (db_step(st) == DB_ROW) {
		const char *body = db_col_text(st, 2);
		assert_string_equal(db_col_text(st, 1), CONSULT_NOTICE_SUBJECT);
		assert_null(strstr(body, must_not_1));
		assert_null(strstr(body, must_not_2));
		assert_null(strstr(body, SUBJECT));
		assert_non_null(strstr(body, must_have));
		n++;
	}
	db_done(st);
	return n;
}

static void
test_thread_flow(void **state)
{
	db_t *db = *state;
	account_t seeker, other, staff, kigyo;
	consult_t c, list_c;
	consult_t *list;
	consult_msg_t *msgs;
	size_t n;
	int64_t id = 0, id2 = 0, mail_id = 0, total;
	char err[256];
	arena_t a;

	arena_init(&a, 4096, 0);
	make(db, "seeker", "flow-seeker", NULL, &seeker);
	make(db, "seeker", "flow-other", NULL, &other);
	make(db, "staff", "flow-staff", "shushoku", &staff);
	make(db, "staff", "flow-kigyo", "kigyo", &kigyo);

	/* only seekers start threads; bad input writes nothing */
	assert_false(consult_create(db, &staff, "192.0.2.1", SUBJECT, BODY1, T0, &id, err, sizeof(err)));
	assert_false(consult_create(db, &seeker, "192.0.2.1", "a\r\nb", BODY1, T0, &id, err, sizeof(err)));
	assert_true(consult_list_staff(db, &a, false, 1, &list, &n, &total));
	assert_int_equal(total, 0);

	assert_true(consult_create(db, &seeker, "192.0.2.1", SUBJECT, consult_body_normalise(&a, BODY1), T0, &id, err, sizeof(err)));
	assert_true(id > 0);

	/* ownership: the owner finds it, another seeker does not, staff do */
	assert_int_equal(consult_get_owned(db, id, seeker.id, &c), 1);
	assert_string_equal(c.subject, SUBJECT);
	assert_false(c.closed);
	assert_true(c.awaiting_staff);
	assert_int_equal(c.messages, 1);
	assert_int_equal(c.unread, 0);
	assert_true(c.department_id > 0);
	assert_string_equal(c.department_name, "就職支援部門");
	assert_int_equal(consult_get_owned(db, id, other.id, &c), 0);
	assert_int_equal(consult_get_owned(db, id, 0, &c), 0);
	assert_int_equal(consult_get_owned(db, id + 1000, seeker.id, &c), 0);
	assert_int_equal(consult_get(db, id, &c), 1);
	assert_string_equal(c.seeker_login, "flow-seeker");
	assert_false(consult_reply_seeker(db, &c, &other, "横から", T0 + 1, err, sizeof(err)));

	/* the staff list: waiting for an answer */
	assert_true(consult_list_staff(db, &a, true, 1, &list, &n, &total));
	assert_int_equal(total, 1);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, id);

	/* company support may not answer; nothing is written */
	assert_false(consult_reply_staff(db, &c, &kigyo, REPLY1, "群馬県", URL, T0 + 10, &mail_id, err, sizeof(err)));
	assert_int_equal(outbox_rows(db, BODY1, REPLY1, URL), 0);

	/* an employment-support answer: the message and one notice mail without the texts */
	assert_true(consult_reply_staff(db, &c, &staff, REPLY1, "群馬県", URL, T0 + 10, &mail_id, err, sizeof(err)));
	assert_true(mail_id > 0);
	assert_int_equal(outbox_rows(db, "来週の面接", REPLY1, URL), 1);
	assert_int_equal(consult_unread_total(db, seeker.id), 1);
	assert_int_equal(consult_unread_total(db, other.id), 0);
	assert_true(consult_list_seeker(db, &a, seeker.id, &list, &n));
	assert_int_equal(n, 1);
	assert_int_equal(list[0].unread, 1);
	assert_int_equal(list[0].last_staff_reply_at, T0 + 10);
	assert_true(consult_list_seeker(db, &a, other.id, &list, &n));
	assert_int_equal(n, 0);
	assert_true(consult_list_staff(db, &a, true, 1, &list, &n, &total));
	assert_int_equal(total, 0);   /* answered: no longer waiting */

	/* the seeker reads it: no longer unread */
	assert_true(consult_mark_read(db, id, "seeker", T0 + 20));
	assert_int_equal(consult_unread_total(db, seeker.id), 0);
	assert_true(consult_messages(db, &a, id, &msgs, &n));
	assert_int_equal(n, 2);
	assert_false(msgs[0].staff);
	assert_string_equal(msgs[0].body, "来週の面接に向けて練習をお願いできますか。\n平日の午後が希望です。");
	assert_int_equal(msgs[0].read_at, 0);  /* staff have not opened it through consult_mark_read */
	assert_true(msgs[1].staff);
	assert_int_equal(msgs[1].read_at, T0 + 20);
	assert_string_equal(msgs[1].author_department, "就職支援部門");

	/* closing, then the seeker writes again: open and waiting once more */
	assert_true(consult_set_closed(db, id, true, T0 + 30));
	assert_int_equal(consult_get(db, id, &c), 1);
	assert_true(c.closed);
	assert_false(c.awaiting_staff);
	assert_true(consult_reply_seeker(db, &c, &seeker, "ありがとうございます。", T0 + 40, err, sizeof(err)));
	assert_int_equal(consult_get(db, id, &list_c), 1);
	assert_false(list_c.closed);
	assert_true(list_c.awaiting_staff);
	assert_int_equal(list_c.messages, 3);
	assert_true(consult_mark_read(db, id, "staff", T0 + 50));
	assert_true(consult_messages(db, &a, id, &msgs, &n));
	assert_int_equal(msgs[0].read_at, T0 + 50);
	assert_int_equal(msgs[2].read_at, T0 + 50);

	/* a second thread: lists newest first, unread counted over all threads */
	assert_true(consult_create(db, &seeker, "192.0.2.1", "二件目", "別件です。", T0 + 60, &id2, err, sizeof(err)));
	assert_int_equal(consult_get(db, id2, &c), 1);
	assert_true(consult_reply_staff(db, &c, &staff, "はい。", "群馬県", URL, T0 + 70, &mail_id, err, sizeof(err)));
	assert_true(consult_reply_staff(db, &c, &staff, "追記です。", "群馬県", URL, T0 + 80, &mail_id, err, sizeof(err)));
	assert_int_equal(consult_unread_total(db, seeker.id), 2);
	assert_true(consult_list_seeker(db, &a, seeker.id, &list, &n));
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, id2);
	assert_int_equal(list[0].unread, 2);
	assert_int_equal(list[1].unread, 0);
	assert_true(consult_list_staff(db, &a, false, 1, &list, &n, &total));
	assert_int_equal(total, 2);
	assert_true(consult_list_staff(db, &a, false, 2, &list, &n, &total));
	assert_int_equal(n, 0);
	arena_free(&a);
}

static void
test_notice_text(void **state)
{
	buf_t b = BUF_INIT;
	char err[256];
	mail_msg_t m = { "notice", "a@example.jp", CONSULT_NOTICE_SUBJECT, NULL, NULL, NULL, NULL, 0, NULL };

	(void)state;
	assert_true(consult_notice_compose(&b, "群馬県就職支援情報サイト", URL));
	assert_non_null(strstr(b.data, URL));
	assert_non_null(strstr(b.data, "群馬県就職支援情報サイト"));
	m.body = b.data;
	assert_true(mail_check(&m, err, sizeof(err)));  /* the outbox accepts it as it is */
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_input_checks),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test_setup_teardown(test_reply_permission, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_flow, setup, teardown),
		cmocka_unit_test(test_notice_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
