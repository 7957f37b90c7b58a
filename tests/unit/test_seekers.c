/* test_seekers.c - job-seeker records in the back office (issue 7 items 3 and 7; G66, SEC06, SEC09, B08):
 * sealed profile and blind-index search, consultant records, interactions, referrals with their outcome
 * history, export, and an erasure that keeps the statistics rows and the audit chain. */
#include "testutil.h"
#include "dbtest.h"

#include "app/consult.h"
#include "auth/account.h"
#include "core/arena.h"
#include "core/log.h"
#include "member/member.h"
#include "member/records.h"

#include <fcntl.h>
#include <sys/stat.h>

#define T0 1790000000
#define PW "Maebashi-Kiryu-42"
#define NAME "山田 太郎"
#define KANA "やまだ たろう"
#define PHONE "090-4321-8765"
#define NOTES "面接の受け答えを練習した。次回は志望動機を整理する。"
#define BODY "志望動機の書き方を相談したいです。"

typedef struct fx {
	db_t   *db;
	account_t staff, seeker;
	arena_t A;
} fx_t;

static void
make(db_t *db, const char *kind, const char *login, const char *dept, account_t *out)
{
	char email[128], err[256] = "";
	int64_t id = 0;
	account_new_t n = { kind, login, email, kind[1] == 't' ? "就職 担当" : "", PW, dept };

	snprintf(email, sizeof(email), "%s@example.jp", login);
	if (!account_create(db, &n, "test", "127.0.0.1", T0, &id, err, sizeof(err)))
		fail_msg("account_create %s: %s", login, err);
	assert_true(account_get(db, id, out));
}

static void
store(fx_t *f, int64_t id, const char *name, const char *kana, const char *phone)
{
	member_form_t m;

	member_form_init(&m, MEMBER_SEEKER_PROFILE);
	m.values[member_form_index(&m, "name")] = name;
	m.values[member_form_index(&m, "kana")] = kana;
	m.values[member_form_index(&m, "phone")] = phone;
	m.values[member_form_index(&m, "target")] = "kisotsu";
	m.values[member_form_index(&m, "school")] = "前橋工科大学";
	assert_true(db_begin_write(f->db));
	assert_true(rec_seeker_store(f->db, &f->A, id, &m, false, T0));
	assert_true(db_commit(f->db));
}

static int
setup(void **state)
{
	fx_t *f = calloc(1, sizeof(*f));

	log_set_quiet(true);
	if (f == NULL || (f->db = dbtest_open()) == NULL)
		return -1;
	arena_init(&f->A, 8192, 1 << 24);
	make(f->db, "staff", "shushoku-1", "shushoku", &f->staff);
	make(f->db, "seeker", "J00000001", NULL, &f->seeker);
	store(f, f->seeker.id, NAME, KANA, PHONE);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fx_t *f = *state;

	arena_free(&f->A);
	dbtest_close(f->db);
	free(f);
	return 0;
}

static int64_t
count(db_t *db, const char *sql)
{
	db_stmt_t *st = db_prepare(db, sql);
	int64_t n = -1;

	if (st != NULL && db_step(st) == DB_ROW)
		n = db_col_i64(st, 0);
	if (st != NULL)
		db_done(st);
	return n;
}

/* true when needle is in the database file or its WAL */
static bool
in_files(const char *needle)
{
	static const char *const names[] = { "tsunagu.db", "tsunagu.db-wal" };
	size_t i;

	for (i = 0; i < 2; i++) {
		char path[400];
		struct stat st;
		int fd;
		char *buf;
		bool hit;
		snprintf(path, sizeof(path), "%s/%s", dbtest_dir, names[i]);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) != 0 || st.st_size == 0) {
			close(fd);
			continue;
		}
		buf = malloc((size_t)st.st_size);
		assert_non_null(buf);
		assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
		close(fd);
		hit = memmem(buf, (size_t)st.st_size, needle, strlen(needle)) != NULL;
		free(buf);
		if (hit)
			return true;
	}
	return false;
}

static size_t
search(fx_t *f, const char *name, const char *kana, const char *kw)
{
	rec_filter_t q = { name, kana, kw, "", "", 0, 0, 1 };
	rec_row_t *rows;
	size_t n;

	assert_true(rec_seeker_search(f->db, &f->A, &q, &rows, &n));
	if (n == 1)
		assert_string_equal(rows[0].name, NAME);
	return n;
}

/* SEC06: 「山田」 finds 山田太郎 through the blind index; nothing personal in clear in the file */
static void
test_sealed_search(void **state)
{
	fx_t *f = *state;
	rec_seeker_t s;
	int64_t cid;
	char err[256];

	assert_int_equal(rec_seeker_get(f->db, &f->A, f->seeker.id, &s), 1);
	assert_string_equal(s.v[0], NAME);
	assert_string_equal(s.v[3], PHONE);
	assert_int_equal(search(f, "山田", "", ""), 1);
	assert_int_equal(search(f, "山田太郎", "", ""), 1);
	assert_int_equal(search(f, "山本", "", ""), 0);
	assert_int_equal(search(f, "", "ヤマダ", ""), 1);
	assert_int_equal(search(f, "", "たろう", ""), 0); /* a prefix, not any part */
	assert_int_equal(search(f, "", "", "工科"), 1);     /* school is not sealed: keyword */
	assert_int_equal(search(f, "", "", "J00000001"), 1);
	assert_int_equal(search(f, "", "", "4321"), 0);     /* the phone is sealed: not searchable */
	assert_true(consult_create(f->db, &f->seeker, "127.0.0.1", "志望動機の相談", BODY, T0, &cid, err, sizeof(err)));
	{
		consult_msg_t *m;
		size_t n;
		consult_t c;
		assert_true(consult_messages(f->db, &f->A, cid, &m, &n));
		assert_int_equal(n, 1);
		assert_string_equal(m[0].body, BODY);
		assert_int_equal(consult_get(f->db, cid, &c), 1);
		assert_string_equal(c.subject, "志望動機の相談");
		assert_string_equal(c.seeker_name, NAME);
	}
	assert_int_equal(db_exec(f->db, "PRAGMA wal_checkpoint(PASSIVE)"), DB_DONE);
	assert_false(in_files("山田"));
	assert_false(in_files("やまだ"));
	assert_false(in_files(PHONE));
	assert_false(in_files("志望動機"));
	assert_true(in_files("前橋工科大学")); /* the check can fail: clear text is found */
}

static void
test_records(void **state)
{
	fx_t *f = *state;
	rec_consult_in_t in = { "2026-04-01", 0, "visit", 0, "interview", NOTES };
	rec_err_t e;
	int64_t id, id2;

	/* refusals name the field */
	in.channel = "fax";
	assert_false(rec_consult_save(f->db, &f->A, &f->staff, "127.0.0.1", f->seeker.id, 0, &in, T0, &id, &e));
	assert_string_equal(e.field, "channel");
	in.channel = "visit";
	in.topic = "nope";
	assert_false(rec_consult_check(f->db, &in, &e));
	assert_string_equal(e.field, "topic");
	in.topic = "interview";
	in.held_on = "2026-02-30";
	assert_false(rec_consult_check(f->db, &in, &e));
	assert_string_equal(e.field, "held_on");
	in.held_on = "2026-04-01";
	assert_true(rec_consult_save(f->db, &f->A, &f->staff, "127.0.0.1", f->seeker.id, 0, &in, T0, &id, &e));
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM consultant_records WHERE staff_id IS NOT NULL "
	    "AND department_id = (SELECT id FROM departments WHERE code = 'shushoku') AND typeof(notes) = 'blob'"), 1);
	in.notes = "更新した記録";
	in.channel = "online";
	assert_true(rec_consult_save(f->db, &f->A, &f->staff, "127.0.0.1", f->seeker.id, id, &in, T0 + 5, &id2, &e));
	assert_int_equal(id2, id);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM consultant_records WHERE channel = 'online'"), 1);
	/* another seeker's record is not updated through this one */
	assert_false(rec_consult_save(f->db, &f->A, &f->staff, "127.0.0.1", f->seeker.id + 100, id, &in, T0, &id2, &e));
	assert_true(rec_interaction_add(f->db, &f->A, &f->staff, "127.0.0.1", f->seeker.id, "2026-04-02", "履歴書を受け取った",
	    T0, &e));
	assert_false(rec_interaction_add(f->db, &f->A, &f->staff, "127.0.0.1", f->seeker.id, "2026-04-02", "", T0, &e));
	assert_string_equal(e.field, "summary");
	/* every change audited with what changed (B08) */
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'seeker.record_add' "
	    "AND detail LIKE '%notes%'"), 1);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'seeker.record_update'"), 1);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'seeker.interaction_add'"), 1);
	/* the staff edit names the changed fields */
	{
		member_form_t m;
		char err[256];
		assert_true(member_seeker_load(f->db, f->seeker.id, &m, &f->A));
		m.values[member_form_index(&m, "phone")] = "027-111-2222";
		assert_true(rec_seeker_update(f->db, &f->A, &f->staff, "127.0.0.1", f->seeker.id, &m, "it", "メモ", "備考です",
		    T0 + 9, err, sizeof(err)));
		assert_int_equal(count(f->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'seeker.update' "
		    "AND detail = 'phone,industry,internal_memo,remarks'"), 1);
	}
}

/* G66: staff register a walk-in seeker: one transaction with the account (no password yet: it never
 * verifies), the sealed profile found by name, the internal data, the audit entry and the mail with a
 * single-use link; a second account for the same address is refused with nothing written. */
static void
test_create_by_staff(void **state)
{
	fx_t *f = *state;
	member_site_t site = { "テストサイト", "https://example.jp/password/reset?token=", "https://example.jp/login",
		"https://example.jp/password/forgot" };
	member_form_t m;
	char err[256] = "", login[MEMBER_LOGIN_LEN + 1];
	int64_t id = 0, before;
	account_t a;
	rec_seeker_t s;

	{
		db_stmt_t *st = db_prepare(f->db, "INSERT OR IGNORE INTO vocabularies (code, name) VALUES ('target', '対象区分')");
		assert_non_null(st);
		assert_int_equal(db_run(st), DB_DONE);
		st = db_prepare(f->db, "INSERT OR IGNORE INTO terms (vocab, code, name) VALUES ('target', 'shinsotsu', '新卒')");
		assert_non_null(st);
		assert_int_equal(db_run(st), DB_DONE);
	}
	member_form_init(&m, MEMBER_SEEKER_REG);
	m.values[member_form_index(&m, "email")] = "walkin@example.jp";
	m.values[member_form_index(&m, "name")] = "窓口 花子";
	m.values[member_form_index(&m, "kana")] = "まどぐち はなこ";
	m.values[member_form_index(&m, "birth_date")] = "2002-03-04";
	m.values[member_form_index(&m, "target")] = "shinsotsu";
	m.values[member_form_index(&m, "mail_ok")] = "1";
	if (!member_form_check(f->db, &m, T0))
		for (int i = 0; i < m.n; i++)
			if (m.errors[i][0] != '\0')
				fail_msg("%s: %s", m.defs[i].name, m.errors[i]);
	assert_int_equal(rec_seeker_create(f->db, &f->A, &f->staff, "127.0.0.1", &m, "it", "窓口で受付", "", &site, T0, &id,
	    login, err, sizeof(err)), REC_CREATE_OK);
	assert_true(id > 0);
	assert_true(login[0] == 'J' && strlen(login) == MEMBER_LOGIN_LEN);
	assert_true(account_get(f->db, id, &a));
	assert_string_equal(a.kind, "seeker");
	assert_string_equal(a.login, login);
	assert_string_equal(a.display_name, "");
	assert_int_equal(rec_seeker_get(f->db, &f->A, id, &s), 1);
	assert_string_equal(s.v[0], "窓口 花子");
	assert_string_equal(s.industry, "it");
	assert_string_equal(s.internal_memo, "窓口で受付");
	assert_true(s.mail_ok);
	{
		rec_filter_t q = { "窓口", "", "", "", "", 0, 0, 1 };
		rec_row_t *rows;
		size_t n;
		assert_true(rec_seeker_search(f->db, &f->A, &q, &rows, &n));
		assert_int_equal(n, 1);
		assert_int_equal(rows[0].id, id);
	}
	assert_false(in_files("窓口 花子"));
	/* no password: nothing verifies until the seeker chooses one through the link */
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM accounts WHERE kind = 'seeker' AND password_hash = '' "
	    "AND email = 'walkin@example.jp'"), 1);
	{
		login_policy_t pol = { 5, 900 };
		account_t out;
		assert_int_equal(account_login(f->db, login, "", "127.0.0.1", T0, &pol, &out), LOGIN_FAILED);
		assert_int_equal(account_login(f->db, login, PW, "127.0.0.1", T0, &pol, &out), LOGIN_FAILED);
	}
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM password_resets WHERE used_at IS NULL "
	    "AND expires_at = 1790000000 + 7 * 86400"), 1);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM outbox WHERE to_addr = 'walkin@example.jp' "
	    "AND body LIKE '%https://example.jp/password/reset?token=%' AND instr(body, '窓口 花子') = 0"), 1);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'seeker.create'"), 1);
	/* the same address again: refused, nothing written */
	before = count(f->db, "SELECT COUNT(*) FROM accounts");
	m.values[member_form_index(&m, "email")] = "WalkIn@example.jp";
	assert_int_equal(rec_seeker_create(f->db, &f->A, &f->staff, "127.0.0.1", &m, "", "", "", &site, T0, &id, login, err,
	    sizeof(err)), REC_CREATE_DUPLICATE);
	assert_non_null(strstr(err, "すでに登録されています"));
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM accounts"), before);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'seeker.create'"), 1);
	/* a memo over the limit: refused before anything is written */
	{
		char *big = calloc(REC_NOTES_MAX + 2, 1);
		assert_non_null(big);
		memset(big, 'a', REC_NOTES_MAX + 1);
		m.values[member_form_index(&m, "email")] = "other@example.jp";
		assert_int_equal(rec_seeker_create(f->db, &f->A, &f->staff, "127.0.0.1", &m, "", big, "", &site, T0, &id, login,
		    err, sizeof(err)), REC_CREATE_INVALID);
		free(big);
		assert_int_equal(count(f->db, "SELECT COUNT(*) FROM accounts"), before);
	}
}

static int64_t
job(db_t *db, const char *type)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO entities (type, status, created_at, updated_at, title) "
	    "VALUES (?, 'published', 1, 1, 'テスト求人')");

	db_bind_str(st, 1, type);
	assert_int_equal(db_run(st), DB_DONE);
	return db_last_id(db);
}

static void
test_referrals(void **state)
{
	fx_t *f = *state;
	int64_t j = job(f->db, "job"), ev = job(f->db, "event"), id;
	rec_err_t e;

	assert_false(rec_referral_add(f->db, &f->staff, "", f->seeker.id, ev, "2026-04-03", "applied", T0, &id, &e));
	assert_string_equal(e.field, "entity_id");
	assert_false(rec_referral_add(f->db, &f->staff, "", f->seeker.id, j, "2026-04-03", "maybe", T0, &id, &e));
	assert_string_equal(e.field, "outcome");
	assert_true(rec_referral_add(f->db, &f->staff, "", f->seeker.id, j, "2026-04-03", "applied", T0, &id, &e));
	assert_true(rec_referral_outcome(f->db, &f->staff, "", f->seeker.id, id, "interview", T0 + 1, &e));
	assert_true(rec_referral_outcome(f->db, &f->staff, "", f->seeker.id, id, "interview", T0 + 2, &e)); /* no change */
	assert_true(rec_referral_outcome(f->db, &f->staff, "", f->seeker.id, id, "offer", T0 + 3, &e));
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM referral_outcomes"), 3);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM referrals WHERE outcome = 'offer'"), 1);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'seeker.referral_outcome'"), 2);
	assert_string_equal(rec_outcome_label("hired"), "就職");
	assert_string_equal(rec_channel_label("phone"), "電話");
}

/* SEC09: the export has everything; the erasure wipes the person and keeps the counts and the chain */
static void
test_export_erase(void **state)
{
	fx_t *f = *state;
	rec_consult_in_t in = { "2026-04-01", 0, "phone", 0, "job", NOTES };
	int64_t rid, cid, j = job(f->db, "internship"), ref;
	rec_err_t e;
	char err[256], *json;
	size_t len;
	char why[256];

	assert_true(rec_consult_save(f->db, &f->A, &f->staff, "", f->seeker.id, 0, &in, T0, &rid, &e));
	assert_true(rec_referral_add(f->db, &f->staff, "", f->seeker.id, j, "2026-04-03", "hired", T0, &ref, &e));
	assert_true(consult_create(f->db, &f->seeker, "", "件名です", BODY, T0, &cid, err, sizeof(err)));
	assert_true(rec_seeker_export(f->db, &f->A, f->seeker.id, &json, &len));
	assert_non_null(strstr(json, NAME));
	assert_non_null(strstr(json, PHONE));
	assert_non_null(strstr(json, NOTES));
	assert_non_null(strstr(json, BODY));
	assert_non_null(strstr(json, "\"hired\""));
	assert_null(strstr(json, "password"));
	free(json);

	assert_false(rec_seeker_erase(f->db, &f->staff, "", f->seeker.id, "", T0, err, sizeof(err)));
	assert_true(rec_seeker_erase(f->db, &f->staff, "", f->seeker.id, "本人からの削除依頼", T0 + 10, err, sizeof(err)));
	assert_false(rec_seeker_erase(f->db, &f->staff, "", f->seeker.id, "again", T0 + 11, err, sizeof(err)));
	{
		rec_seeker_t s;
		assert_int_equal(rec_seeker_get(f->db, &f->A, f->seeker.id, &s), 1);
		assert_true(s.erased);
		assert_string_equal(s.v[0], "");
		assert_string_equal(s.v[3], "");
		assert_string_equal(s.email, "");
		assert_string_equal(s.status, "deleted");
	}
	assert_int_equal(search(f, "山田", "", ""), 0);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM seeker_name_index"), 0);
	/* statistics rows stay, without their texts */
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM consultant_records WHERE notes IS NULL AND channel = 'phone'"), 1);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM referrals WHERE outcome = 'hired'"), 1);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM consultations"), 1);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM consultation_messages WHERE length(body) = 0"), 1);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM sessions"), 0);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'seeker.erase' "
	    "AND detail LIKE 'reason=%'"), 1);
	assert_int_equal(audit_verify(f->db, why, sizeof(why)), 0);
	assert_int_equal(db_exec(f->db, "PRAGMA wal_checkpoint(TRUNCATE)"), DB_DONE);
	assert_false(in_files("J00000001@example.jp"));
}

/* rows written in clear before migration 020 are sealed by the one-time step of `migrate`, and found by name */
static void
test_seal_migrate(void **state)
{
	fx_t *f = *state;
	account_t old;
	rec_seeker_t s;
	db_stmt_t *st;

	make(f->db, "seeker", "J00000002", NULL, &old);
	st = db_prepare(f->db, "INSERT INTO seekers (account_id, name, kana, phone, created_at, updated_at) "
	    "VALUES (?, '前橋 次郎', 'まえばし じろう', '027-999-0001', 1, 1)");
	db_bind_i64(st, 1, old.id);
	assert_int_equal(db_run(st), DB_DONE);
	assert_int_equal(db_exec(f->db, "UPDATE accounts SET display_name = '前橋 次郎' WHERE login = 'J00000002'"), DB_DONE);
	assert_int_equal(db_exec(f->db, "INSERT INTO consultations (account_id, subject, created_at, updated_at) "
	    "VALUES ((SELECT id FROM accounts WHERE login = 'J00000002'), '古い相談の件名', 1, 1)"), DB_DONE);
	assert_int_equal(db_exec(f->db, "INSERT INTO consultation_messages (consultation_id, author_kind, body, created_at) "
	    "VALUES (last_insert_rowid(), 'seeker', '古い相談の本文', 1)"), DB_DONE);
	assert_int_equal(search(f, "前橋", "", ""), 0); /* not indexed yet */
	assert_int_equal(rec_seal_migrate(f->db), 3);
	assert_int_equal(rec_seal_migrate(f->db), 0);   /* once */
	assert_int_equal(rec_seeker_get(f->db, &f->A, old.id, &s), 1);
	assert_string_equal(s.v[0], "前橋 次郎");
	assert_string_equal(s.v[3], "027-999-0001");
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM seeker_name_index WHERE seeker_id = "
	    "(SELECT id FROM accounts WHERE login = 'J00000002')") > 0, 1);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM accounts WHERE display_name = '前橋 次郎'"), 0);
	{
		consult_msg_t *m;
		size_t n;
		assert_true(consult_messages(f->db, &f->A, count(f->db, "SELECT MAX(id) FROM consultations"), &m, &n));
		assert_int_equal(n, 1);
		assert_string_equal(m[0].body, "古い相談の本文");
	}
	assert_int_equal(db_exec(f->db, "PRAGMA wal_checkpoint(TRUNCATE)"), DB_DONE);
	assert_false(in_files("前橋 次郎"));
	assert_false(in_files("027-999-0001"));
	assert_false(in_files("古い相談の本文"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sealed_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_by_staff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_referrals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_erase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seal_migrate, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
