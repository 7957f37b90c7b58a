/* test_masters.c - マスタ管理 (issue 6 item 3; G52 職種マスタ, G53 業種マスタ): adding, renaming, reordering,
 * retiring and deleting terms through app/master.h on the Gunma schema; only administrators write; every
 * change audited; a term in use is never deleted; a retired term stays on the record that has it but is
 * refused for new values (entity validation and the member forms); `migrate` re-importing the schema
 * overwrites nothing the screen changed and brings back nothing it deleted; every change moves the
 * search_log sequence the search indexes and the public page cache compare (facets follow at once). */
#include "testutil.h"
#include "dbtest.h"

#include "app/master.h"
#include "auth/account.h"
#include "content/entity.h"
#include "content/schema.h"
#include "core/log.h"
#include "member/member.h"
#include "search/search.h"

#define T0 1790000000
#define PW "Maebashi-Kiryu-42"

static schema_t *schema;

static int
setup(void **state)
{
	char err[512] = "";
	db_t *db = dbtest_open();

	log_set_quiet(true);
	if (db == NULL)
		return -1;
	schema = schema_load(".", "gunma", err, sizeof(err));
	if (schema == NULL || !schema_sync_terms(schema, db, ".", err, sizeof(err))) {
		print_error("schema: %s\n", err);
		return -1;
	}
	*state = db;
	return 0;
}

static int
teardown(void **state)
{
	schema_free(schema);
	schema = NULL;
	dbtest_close(*state);
	return 0;
}

static account_t
staff(db_t *db, const char *login, const char *dept, const char *role)
{
	char email[128], err[256] = "";
	int64_t id = 0;
	account_new_t n = { "staff", login, email, "テスト", PW, dept };
	account_t a;

	snprintf(email, sizeof(email), "%s@example.jp", login);
	assert_true(account_create_staff(db, &n, role, false, "test", "127.0.0.1", T0, &id, err, sizeof(err)));
	memset(&a, 0, sizeof(a));
	assert_true(account_get(db, id, &a));
	return a;
}

static int64_t
num(db_t *db, const char *sql, const char *a, const char *b)
{
	db_stmt_t *st = db_prepare(db, sql);
	int64_t n = -1;

	assert_non_null(st);
	if (a != NULL)
		db_bind_str(st, 1, a);
	if (b != NULL)
		db_bind_str(st, 2, b);
	if (db_step(st) == DB_ROW)
		n = db_col_i64(st, 0);
	db_done(st);
	return n;
}

static int64_t
term_id(db_t *db, const char *vocab, const char *code)
{
	return num(db, "SELECT COALESCE((SELECT id FROM terms WHERE vocab = ? AND code = ?), 0)", vocab, code);
}

static const char *
term_name(db_t *db, int64_t id, char *out, size_t n)
{
	db_stmt_t *st = db_prepare(db, "SELECT name FROM terms WHERE id = ?");

	out[0] = '\0';
	assert_non_null(st);
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW)
		snprintf(out, n, "%s", db_col_text(st, 0));
	db_done(st);
	return out;
}

/* The codes of vocab in display order, joined with ','. */
static void
order(db_t *db, const char *vocab, char *out, size_t n)
{
	db_stmt_t *st = db_prepare(db, "SELECT code FROM terms WHERE vocab = ? ORDER BY sort, code");
	size_t len = 0;

	out[0] = '\0';
	assert_non_null(st);
	db_bind_str(st, 1, vocab);
	while (db_step(st) == DB_ROW && len + 40 < n)
		len += (size_t)snprintf(out + len, n - len, "%s%s", len ? "," : "", db_col_text(st, 0));
	db_done(st);
}

static int64_t
audits(db_t *db, const char *action)
{
	return num(db, "SELECT COUNT(*) FROM audit_log WHERE action = ?", action, NULL);
}

/* A published job with occupation/industry given by code; the entity id (0 when refused, with errors). */
static int64_t
job(db_t *db, const char *title, const char *industry, int64_t resave, buf_t *errors)
{
	const schema_type_t *t = schema_type(schema, "job");
	entity_draft_t d;
	entity_ready_t e;
	int64_t id = 0;

	memset(&d, 0, sizeof(d));
	d.type = t;
	d.entity_id = resave;
	d.values[schema_field_index(t, "title")] = title;
	d.values[schema_field_index(t, "company_name")] = "株式会社テスト";
	d.values[schema_field_index(t, "description")] = "仕事の説明";
	d.values[schema_field_index(t, "industry")] = industry;
	d.values[schema_field_index(t, "occupation")] = "01";
	d.values[schema_field_index(t, "employment")] = "seishain";
	d.values[schema_field_index(t, "municipality")] = "10201";
	{
		/* the items a published job offer must state (B01, content/joblaw.h) */
		static const char *const law[][2] = {
			{ "duties_scope", "変更なし" }, { "contract_period", "期間の定めなし" }, { "trial_period", "なし" },
			{ "workplace", "本社" }, { "workplace_scope", "変更なし" }, { "hours", "9:00〜18:00" },
			{ "overtime", "なし" }, { "breaks", "60分" }, { "holidays", "土日祝" }, { "salary", "月給20万円" },
			{ "insurance", "雇用保険" }, { "smoking", "屋内禁煙" },
		};
		size_t k;
		for (k = 0; k < sizeof(law) / sizeof(law[0]); k++)
			d.values[schema_field_index(t, law[k][0])] = law[k][1];
	}
	if (!entity_validate(db, &d, &e, errors))
		return 0;
	if (resave > 0) {
		entity_ready_free(&e);
		return resave;  /* validation is what a re-save asks of the terms */
	}
	assert_true(db_begin_write(db));
	assert_true(entity_insert(db, &e, T0, &id));
	assert_true(db_commit(db));
	entity_ready_free(&e);
	return id;
}

/* G52/G53: add with a generated and a typed code, refusals next to their field, only for admins, audited. */
static void
test_add(void **state)
{
	db_t *db = *state;
	account_t admin = staff(db, "m-admin", "pref", "admin"), editor = staff(db, "m-edit", "pref", "edit");
	const char *field = NULL;
	char err[512] = "", o[4096];
	int64_t id = 0, id2 = 0, before = num(db, "SELECT COUNT(*) FROM terms WHERE vocab = ?", "industry", NULL);
	master_term_t t;

	/* an edit-role member of the prefecture may not write master data */
	assert_int_equal(master_term_add(db, &editor, "industry", "", "宇宙産業", NULL, "127.0.0.1", T0, &id, &field,
	    err, sizeof(err)), MASTER_DENIED);
	assert_int_equal(num(db, "SELECT COUNT(*) FROM terms WHERE vocab = ?", "industry", NULL), before);

	assert_int_equal(master_term_add(db, &admin, "industry", "", "宇宙産業", NULL, "127.0.0.1", T0, &id, &field,
	    err, sizeof(err)), MASTER_OK);
	assert_true(id > 0);
	assert_true(master_term_get(db, "industry", id, &t));
	assert_string_equal(t.name, "宇宙産業");
	assert_true(t.code[0] == 't');
	order(db, "industry", o, sizeof(o));
	assert_non_null(strstr(o, t.code));
	assert_string_equal(o + strlen(o) - strlen(t.code), t.code);  /* at the end */
	assert_int_equal(audits(db, "master.term_add"), 1);

	assert_int_equal(master_term_add(db, &admin, "industry", "SPACE-2", "宇宙関連サービス", NULL, "", T0, &id2, &field,
	    err, sizeof(err)), MASTER_OK);
	assert_int_equal(term_id(db, "industry", "SPACE-2"), id2);

	/* refusals: each names its field, nothing written */
	assert_int_equal(master_term_add(db, &admin, "industry", "", "宇宙産業", NULL, "", T0, &id2, &field, err,
	    sizeof(err)), MASTER_INVALID);
	assert_string_equal(field, "name");
	assert_non_null(strstr(err, "同じ名称"));
	assert_int_equal(master_term_add(db, &admin, "industry", "SPACE-2", "別の名前", NULL, "", T0, &id2, &field, err,
	    sizeof(err)), MASTER_INVALID);
	assert_string_equal(field, "code");
	assert_int_equal(master_term_add(db, &admin, "industry", "a b", "別の名前", NULL, "", T0, &id2, &field, err,
	    sizeof(err)), MASTER_INVALID);
	assert_string_equal(field, "code");
	assert_int_equal(master_term_add(db, &admin, "industry", "", "A|B", NULL, "", T0, &id2, &field, err,
	    sizeof(err)), MASTER_INVALID);
	assert_string_equal(field, "name");
	assert_int_equal(master_term_add(db, &admin, "industry", "", "A、B", NULL, "", T0, &id2, &field, err,
	    sizeof(err)), MASTER_INVALID);
	assert_int_equal(master_term_add(db, &admin, "industry", "", "一行\n二行", NULL, "", T0, &id2, &field, err,
	    sizeof(err)), MASTER_INVALID);
	assert_int_equal(master_term_add(db, &admin, "industry", "", "", NULL, "", T0, &id2, &field, err,
	    sizeof(err)), MASTER_INVALID);
	assert_int_equal(master_term_add(db, &admin, "nosuch", "", "名前", NULL, "", T0, &id2, &field, err,
	    sizeof(err)), MASTER_NOT_FOUND);
	/* a vocabulary with parents needs an active parent */
	assert_int_equal(master_term_add(db, &admin, "municipality", "", "新市", NULL, "", T0, &id2, &field, err,
	    sizeof(err)), MASTER_INVALID);
	assert_string_equal(field, "parent");
	assert_int_equal(master_term_add(db, &admin, "municipality", "", "新市", "nosuch", "", T0, &id2, &field, err,
	    sizeof(err)), MASTER_INVALID);
	assert_string_equal(field, "parent");
	assert_int_equal(num(db, "SELECT COUNT(*) FROM terms WHERE vocab = ?", "industry", NULL), before + 2);
	assert_int_equal(audits(db, "master.term_add"), 2);
}

/* Rename and reorder; each moves search_log (the facets and the page cache follow at once). */
static void
test_rename_reorder(void **state)
{
	db_t *db = *state;
	account_t admin = staff(db, "m-admin", "pref", "admin"), viewer = staff(db, "m-view", "kigyo", "view");
	const char *field = NULL;
	char err[512] = "", o1[4096], o2[4096], name[256];
	int64_t a = term_id(db, "occupation", "02"), first = term_id(db, "occupation", "01"), seq;

	assert_true(a > 0 && first > 0);
	seq = search_log_seq(db);
	assert_int_equal(master_term_update(db, &viewer, "occupation", a, "研究職", NULL, "", T0, &field, err,
	    sizeof(err)), MASTER_DENIED);
	assert_int_equal(master_term_update(db, &admin, "occupation", a, "研究・開発の職業", NULL, "", T0, &field, err,
	    sizeof(err)), MASTER_OK);
	assert_string_equal(term_name(db, a, name, sizeof(name)), "研究・開発の職業");
	assert_true(search_log_seq(db) > seq);
	assert_int_equal(audits(db, "master.term_update"), 1);
	/* the same name again: nothing written, nothing audited */
	assert_int_equal(master_term_update(db, &admin, "occupation", a, "研究・開発の職業", NULL, "", T0, &field, err,
	    sizeof(err)), MASTER_OK);
	assert_int_equal(audits(db, "master.term_update"), 1);
	/* another term's name is refused; the wrong vocabulary is "not found" */
	assert_int_equal(master_term_update(db, &admin, "occupation", a, term_name(db, first, name, sizeof(name)), NULL,
	    "", T0, &field, err, sizeof(err)), MASTER_INVALID);
	assert_int_equal(master_term_update(db, &admin, "industry", a, "x", NULL, "", T0, &field, err, sizeof(err)),
	    MASTER_NOT_FOUND);

	order(db, "occupation", o1, sizeof(o1));
	assert_true(strncmp(o1, "01,02,", 6) == 0);
	seq = search_log_seq(db);
	assert_int_equal(master_term_move(db, &admin, "occupation", a, true, "", T0, err, sizeof(err)), MASTER_OK);
	order(db, "occupation", o2, sizeof(o2));
	assert_true(strncmp(o2, "02,01,", 6) == 0);
	assert_true(search_log_seq(db) > seq);
	assert_int_equal(master_term_move(db, &admin, "occupation", a, true, "", T0, err, sizeof(err)), MASTER_INVALID);
	assert_non_null(strstr(err, "先頭"));
	assert_int_equal(master_term_move(db, &admin, "occupation", a, false, "", T0, err, sizeof(err)), MASTER_OK);
	order(db, "occupation", o2, sizeof(o2));
	assert_string_equal(o1, o2);
	assert_int_equal(audits(db, "master.term_move"), 2);
	assert_int_equal(master_term_move(db, &viewer, "occupation", a, false, "", T0, err, sizeof(err)), MASTER_DENIED);
}

/* A retired term: refused for a new record, kept when the record that has it is saved again, refused in
 * the member forms unless it is the stored value; un-retired, it is chosen again. */
static void
test_retire_validation(void **state)
{
	db_t *db = *state;
	account_t admin = staff(db, "m-admin", "pref", "admin");
	char err[512] = "";
	buf_t errors = BUF_INIT;
	int64_t e = job(db, "営業スタッフ", "E", 0, &errors), te = term_id(db, "industry", "E");
	int64_t tt = term_id(db, "target", "shinsotsu");

	assert_true(e > 0);
	assert_true(te > 0);
	assert_int_equal(master_term_retire(db, &admin, "industry", te, true, "", T0, err, sizeof(err)), MASTER_OK);
	assert_int_equal(audits(db, "master.term_retire"), 1);
	assert_int_equal(num(db, "SELECT COUNT(*) FROM terms WHERE vocab = ? AND code = ? AND retired_at IS NOT NULL",
	    "industry", "E"), 1);

	/* new record: refused, by code and by name */
	assert_int_equal(job(db, "新しい求人", "E", 0, &errors), 0);
	assert_non_null(strstr(errors.data, "廃止"));
	buf_clear(&errors);
	assert_int_equal(job(db, "新しい求人", "製造業", 0, &errors), 0);
	buf_clear(&errors);
	/* the record that has it, saved again unchanged: kept */
	assert_int_equal(job(db, "営業スタッフ", "E", e, &errors), e);
	assert_int_equal(errors.len, 0);
	/* another record re-saved with it newly added: refused */
	{
		int64_t other = job(db, "事務スタッフ", "D", 0, &errors);
		assert_true(other > 0);
		assert_int_equal(job(db, "事務スタッフ", "D|E", other, &errors), 0);
		buf_clear(&errors);
	}
	/* un-retired: chosen again */
	assert_int_equal(master_term_retire(db, &admin, "industry", te, false, "", T0, err, sizeof(err)), MASTER_OK);
	assert_int_equal(audits(db, "master.term_restore"), 1);
	assert_true(job(db, "新しい求人", "E", 0, &errors) > 0);

	/* member forms (a seeker's 対象者): the stored value may stay, a new choice may not */
	if (tt > 0) {
		assert_true(member_term_choosable(db, "target", "shinsotsu", NULL));
		assert_int_equal(master_term_retire(db, &admin, "target", tt, true, "", T0, err, sizeof(err)), MASTER_OK);
		assert_false(member_term_choosable(db, "target", "shinsotsu", NULL));
		assert_false(member_term_choosable(db, "target", "shinsotsu", "kisotsu"));
		assert_true(member_term_choosable(db, "target", "shinsotsu", "shinsotsu"));
		assert_true(member_term_name(db, "target", "shinsotsu", NULL, 0)); /* still named on old records */
	}
	buf_free(&errors);
}

/* Delete only what nothing uses; in use → refused with the reason, the term stays. */
static void
test_delete(void **state)
{
	db_t *db = *state;
	account_t admin = staff(db, "m-admin", "pref", "admin"), editor = staff(db, "m-edit", "shushoku", "edit");
	const char *field = NULL;
	char err[512] = "";
	buf_t errors = BUF_INIT;
	int64_t used = term_id(db, "industry", "E"), fresh = 0, area = term_id(db, "area", "chumo");

	assert_true(job(db, "営業スタッフ", "E", 0, &errors) > 0);
	assert_int_equal(master_term_delete(db, &admin, "industry", used, "", T0, err, sizeof(err)), MASTER_IN_USE);
	assert_non_null(strstr(err, "廃止"));
	assert_int_equal(term_id(db, "industry", "E"), used);
	/* a parent term with children is in use too */
	if (area > 0)
		assert_int_equal(master_term_delete(db, &admin, "area", area, "", T0, err, sizeof(err)), MASTER_IN_USE);

	assert_int_equal(master_term_add(db, &admin, "industry", "TMP", "一時的な業種", NULL, "", T0, &fresh, &field, err,
	    sizeof(err)), MASTER_OK);
	assert_int_equal(master_term_delete(db, &editor, "industry", fresh, "", T0, err, sizeof(err)), MASTER_DENIED);
	assert_int_equal(master_term_delete(db, &admin, "industry", fresh, "", T0, err, sizeof(err)), MASTER_OK);
	assert_int_equal(term_id(db, "industry", "TMP"), 0);
	assert_int_equal(audits(db, "master.term_delete"), 1);
	assert_int_equal(master_term_delete(db, &admin, "industry", fresh, "", T0, err, sizeof(err)), MASTER_NOT_FOUND);
	buf_free(&errors);
}

/* `migrate` again: names, order and retirement made on the screen stay; deleted terms stay deleted. */
static void
test_schema_reimport(void **state)
{
	db_t *db = *state;
	account_t admin = staff(db, "m-admin", "pref", "admin");
	const char *field = NULL;
	char err[512] = "", o1[4096], o2[4096], name[256];
	int64_t a = term_id(db, "industry", "A"), b = term_id(db, "industry", "B"), n;
	int64_t area = term_id(db, "area", "chumo"), muni = term_id(db, "municipality", "10201");

	assert_true(a > 0 && b > 0);
	assert_int_equal(master_term_update(db, &admin, "industry", a, "農林業", NULL, "", T0, &field, err, sizeof(err)),
	    MASTER_OK);
	assert_int_equal(master_term_move(db, &admin, "industry", b, true, "", T0, err, sizeof(err)), MASTER_OK);
	assert_int_equal(master_term_retire(db, &admin, "industry", b, true, "", T0, err, sizeof(err)), MASTER_OK);
	assert_int_equal(master_term_delete(db, &admin, "industry", term_id(db, "industry", "T"), "", T0, err, sizeof(err)),
	    MASTER_OK);
	/* a parent renamed on the screen: the CSV still names the old one; the re-import must not fail */
	if (area > 0 && muni > 0)
		assert_int_equal(master_term_update(db, &admin, "area", area, "中毛地域", NULL, "", T0, &field, err,
		    sizeof(err)), MASTER_OK);
	order(db, "industry", o1, sizeof(o1));
	n = num(db, "SELECT COUNT(*) FROM terms", NULL, NULL);

	err[0] = '\0';
	assert_true(schema_sync_terms(schema, db, ".", err, sizeof(err)));
	assert_string_equal(term_name(db, a, name, sizeof(name)), "農林業");
	order(db, "industry", o2, sizeof(o2));
	assert_string_equal(o1, o2);
	assert_int_equal(num(db, "SELECT COUNT(*) FROM terms WHERE vocab = ? AND code = ? AND retired_at IS NOT NULL",
	    "industry", "B"), 1);
	assert_int_equal(term_id(db, "industry", "T"), 0);
	assert_int_equal(num(db, "SELECT COUNT(*) FROM terms", NULL, NULL), n);
	/* the parent vocabulary is recorded for the screen */
	assert_int_equal(num(db, "SELECT COUNT(*) FROM vocabularies WHERE code = ? AND parent_vocab = ?", "municipality",
	    "area"), 1);
	/* the deleted code added on the screen again is no longer a tombstone */
	{
		int64_t id = 0;
		assert_int_equal(master_term_add(db, &admin, "industry", "T", "分類不能の産業", NULL, "", T0, &id, &field, err,
		    sizeof(err)), MASTER_OK);
		assert_int_equal(num(db, "SELECT COUNT(*) FROM terms_deleted WHERE vocab = ? AND code = ?", "industry", "T"), 0);
	}
}

/* A municipality moved to another area: the records that use it follow (area facet counts stay right). */
static void
test_parent_change(void **state)
{
	db_t *db = *state;
	account_t admin = staff(db, "m-admin", "pref", "admin");
	const char *field = NULL;
	char err[512] = "";
	buf_t errors = BUF_INIT;
	int64_t e = job(db, "営業スタッフ", "E", 0, &errors);
	int64_t muni = term_id(db, "municipality", "10201"), chumo = term_id(db, "area", "chumo"),
	    seimo = term_id(db, "area", "seimo");

	assert_true(e > 0);
	if (muni <= 0 || chumo <= 0 || seimo <= 0) {
		skip();
		return;
	}
	assert_int_equal(num(db, "SELECT COUNT(*) FROM entity_terms WHERE term_id = (SELECT id FROM terms WHERE vocab = ? "
	    "AND code = ?) AND entity_id = (SELECT MAX(id) FROM entities)", "area", "chumo"), 1);
	assert_int_equal(master_term_update(db, &admin, "municipality", muni, "前橋市", "seimo", "", T0, &field, err,
	    sizeof(err)), MASTER_OK);
	assert_int_equal(num(db, "SELECT COUNT(*) FROM entity_terms WHERE term_id = (SELECT id FROM terms WHERE vocab = ? "
	    "AND code = ?) AND entity_id = (SELECT MAX(id) FROM entities)", "area", "chumo"), 0);
	assert_int_equal(num(db, "SELECT COUNT(*) FROM entity_terms WHERE term_id = (SELECT id FROM terms WHERE vocab = ? "
	    "AND code = ?) AND entity_id = (SELECT MAX(id) FROM entities)", "area", "seimo"), 1);
	/* a retired parent is not offered for a move */
	assert_int_equal(master_term_retire(db, &admin, "area", chumo, true, "", T0, err, sizeof(err)), MASTER_OK);
	assert_int_equal(master_term_update(db, &admin, "municipality", muni, "前橋市", "chumo", "", T0, &field, err,
	    sizeof(err)), MASTER_INVALID);
	assert_string_equal(field, "parent");
	buf_free(&errors);
}

/* 認証制度 logos (the optional part): only that vocabulary, only a stored image, admins only, audited. */
static void
test_logo(void **state)
{
	db_t *db = *state;
	account_t admin = staff(db, "m-admin", "pref", "admin"), editor = staff(db, "m-edit", "pref", "edit");
	char err[512] = "";
	int64_t cert = term_id(db, "certification", "kurumin"), media;
	master_term_t t;

	if (cert <= 0)
		cert = num(db, "SELECT MIN(id) FROM terms WHERE vocab = ?", "certification", NULL);
	assert_true(cert > 0);
	assert_int_equal(db_exec(db, "INSERT INTO media (key, sha256, width, height, bytes_in, created_at) "
	    "VALUES ('k1', x'00', 10, 10, 10, 0)"), DB_DONE);
	media = num(db, "SELECT MAX(id) FROM media", NULL, NULL);
	assert_int_equal(master_term_set_logo(db, &editor, "certification", cert, media, "", T0, err, sizeof(err)),
	    MASTER_DENIED);
	assert_int_equal(master_term_set_logo(db, &admin, "industry", term_id(db, "industry", "E"), media, "", T0, err,
	    sizeof(err)), MASTER_NOT_FOUND);
	assert_int_equal(master_term_set_logo(db, &admin, "certification", cert, media + 100, "", T0, err, sizeof(err)),
	    MASTER_INVALID);
	assert_int_equal(master_term_set_logo(db, &admin, "certification", cert, media, "", T0, err, sizeof(err)),
	    MASTER_OK);
	assert_true(master_term_get(db, "certification", cert, &t));
	assert_int_equal(t.logo_media_id, media);
	assert_int_equal(master_term_set_logo(db, &admin, "certification", cert, 0, "", T0, err, sizeof(err)), MASTER_OK);
	assert_true(master_term_get(db, "certification", cert, &t));
	assert_int_equal(t.logo_media_id, 0);
	assert_int_equal(audits(db, "master.term_logo"), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_reorder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retire_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_reimport, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parent_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_logo, setup, teardown),
	};

	return cmocka_run_group_tests_name("masters", tests, NULL, NULL);
}
