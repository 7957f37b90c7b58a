/* test_cms.c - the staff content editor's logic (issue 6 item 5; G05, G40-G44, G80): a save stores a revision
 * and its audit entries, restore adds a revision equal to an old one (history kept), the line diff, a booked
 * publication happens when due (and not before), deletion only of drafts, and the department rule on save:
 * a record of another department is refused whatever the caller passes. */
#include "testutil.h"
#include "dbtest.h"

#include "auth/account.h"
#include "auth/audit.h"
#include "content/cms.h"
#include "content/company.h"
#include "content/schema.h"
#include "core/jtime.h"
#include "core/log.h"

#include <stdlib.h>

#define T0 1790000000LL   /* 2026-09-21 */
#define PW "Kusatsu-Onsen-2026"

static schema_t *schema;

static int
setup(void **state)
{
	char err[512];
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
	account_new_t n = { "staff", login, email, "テスト担当", PW, dept };
	account_t a;

	snprintf(email, sizeof(email), "%s@example.jp", login);
	if (!account_create_staff(db, &n, role, false, "test", "127.0.0.1", T0, &id, err, sizeof(err)))
		print_error("account_create_staff: %s\n", err);
	memset(&a, 0, sizeof(a));
	assert_true(account_get(db, id, &a));
	return a;
}

static int64_t
dept_id(db_t *db, const char *code)
{
	db_stmt_t *st = db_prepare(db, "SELECT id FROM departments WHERE code = ?");
	int64_t id = 0;

	db_bind_str(st, 1, code);
	if (db_step(st) == DB_ROW)
		id = db_col_i64(st, 0);
	db_done(st);
	return id;
}

static int64_t
scalar(db_t *db, const char *sql, int64_t id)
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

static char *
text(db_t *db, const char *sql, int64_t id)
{
	db_stmt_t *st = db_prepare(db, sql);
	char *s = NULL;

	assert_non_null(st);
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW)
		s = strdup(db_col_text(st, 0));
	db_done(st);
	return s;
}

/* A news item's raw values: title, published_on, body. */
static void
news_values(const schema_type_t *t, company_values_t *v, const char *title, const char *body)
{
	memset(v, 0, sizeof(*v));
	v->v[schema_field_index(t, "title")] = strdup(title);
	v->v[schema_field_index(t, "published_on")] = strdup("2026-09-21");
	v->v[schema_field_index(t, "body")] = strdup(body);
}

static int64_t
save(db_t *db, const account_t *a, int64_t id, cms_action_t action, const char *title, const char *body, int64_t at,
    cms_result_t want)
{
	const schema_type_t *t = schema_type(schema, "news");
	company_values_t v;
	cms_save_t s = { t, id, &v, action, at, a->department_id };
	cms_actor_t who = { a, "127.0.0.1" };
	buf_t errors = BUF_INIT;
	int64_t out = 0;

	news_values(t, &v, title, body);
	assert_int_equal(cms_save(db, &s, &who, T0, &out, &errors), want);
	buf_free(&errors);
	company_values_free(&v);
	return out;
}

static int64_t
audits(db_t *db, const char *action, int64_t id)
{
	char target[48];
	db_stmt_t *st = db_prepare(db, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND target = ?");
	int64_t n = -1;

	snprintf(target, sizeof(target), "entity:%lld", (long long)id);
	db_bind_str(st, 1, action);
	db_bind_str(st, 2, target);
	if (db_step(st) == DB_ROW)
		n = db_col_i64(st, 0);
	db_done(st);
	return n;
}

/* G05: create, update, restore; every save a revision; restore never deletes history. */
static void
test_revisions_restore(void **state)
{
	db_t *db = *state;
	account_t pref = staff(db, "cms-pref", "pref", "edit");
	const schema_type_t *t = schema_type(schema, "news");
	cms_actor_t who = { &pref, "127.0.0.1" };
	buf_t errors = BUF_INIT;
	int64_t id, first;
	char *s, why[128];

	id = save(db, &pref, 0, CMS_SAVE, "最初の題名", "最初の本文\n二行目", 0, CMS_OK);
	assert_true(id > 0);
	s = text(db, "SELECT status FROM entities WHERE id = ?", id);
	assert_string_equal(s, "draft");
	free(s);
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM entity_revisions WHERE entity_id = ?", id), 1);
	first = scalar(db, "SELECT MIN(id) FROM entity_revisions WHERE entity_id = ?", id);
	assert_int_equal(audits(db, "content.create", id), 1);

	save(db, &pref, id, CMS_PUBLISH, "新しい題名", "新しい本文\n二行目", 0, CMS_OK);
	s = text(db, "SELECT status FROM entities WHERE id = ?", id);
	assert_string_equal(s, "published");
	free(s);
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM entity_revisions WHERE entity_id = ?", id), 2);
	assert_int_equal(audits(db, "content.publish", id), 1);
	/* content.update names the changed fields */
	s = text(db, "SELECT detail FROM audit_log WHERE action = 'content.update' AND target = 'entity:' || ?", id);
	assert_non_null(s);
	assert_non_null(strstr(s, "title"));
	assert_non_null(strstr(s, "body"));
	assert_null(strstr(s, "published_on"));
	free(s);

	assert_int_equal(cms_restore(db, t, id, first, &who, T0 + 10, &errors), CMS_OK);
	s = text(db, "SELECT title FROM entities WHERE id = ?", id);
	assert_string_equal(s, "最初の題名");
	free(s);
	s = text(db, "SELECT fields FROM entities WHERE id = ?", id);
	assert_non_null(strstr(s, "最初の本文"));
	free(s);
	/* still published, three revisions: nothing deleted */
	s = text(db, "SELECT status FROM entities WHERE id = ?", id);
	assert_string_equal(s, "published");
	free(s);
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM entity_revisions WHERE entity_id = ?", id), 3);
	s = text(db, "SELECT note FROM entity_revisions WHERE entity_id = ? ORDER BY id DESC LIMIT 1", id);
	assert_non_null(strstr(s, "restore:"));
	free(s);
	assert_int_equal(audits(db, "content.restore", id), 1);
	/* a revision of another entity is not found */
	assert_int_equal(cms_restore(db, t, id + 1000, first, &who, T0, &errors), CMS_NOT_FOUND);
	assert_int_equal(audit_verify(db, why, sizeof(why)), 0);
	buf_free(&errors);
}

/* Validation: nothing half-written; the messages name the fields. */
static void
test_invalid_saves_nothing(void **state)
{
	db_t *db = *state;
	account_t pref = staff(db, "cms-pref2", "pref", "edit");
	const schema_type_t *t = schema_type(schema, "news");
	company_values_t v;
	cms_save_t s = { t, 0, &v, CMS_SAVE, 0, pref.department_id };
	cms_actor_t who = { &pref, "127.0.0.1" };
	buf_t errors = BUF_INIT;
	int64_t id = 0, before = scalar(db, "SELECT COUNT(*) FROM entities WHERE ? >= 0", 0);

	news_values(t, &v, "題名", "本文");
	free(v.v[schema_field_index(t, "published_on")]);
	v.v[schema_field_index(t, "published_on")] = strdup("2026-02-30");
	assert_int_equal(cms_save(db, &s, &who, T0, &id, &errors), CMS_INVALID);
	assert_non_null(strstr(errors.data, "「日付」"));
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM entities WHERE ? >= 0", 0), before);
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM entity_revisions WHERE ? >= 0", 0), 0);
	buf_free(&errors);
	company_values_free(&v);
}

/* G62: the department stored on the record decides; another department's record is refused, even when
 * the caller claims the actor's own department for it. */
static void
test_department_rule(void **state)
{
	db_t *db = *state;
	account_t kigyo = staff(db, "cms-kigyo", "kigyo", "edit");
	account_t shushoku = staff(db, "cms-shushoku", "shushoku", "edit");
	account_t viewer = staff(db, "cms-viewer", "kigyo", "view");
	const schema_type_t *t = schema_type(schema, "news");
	company_values_t v;
	cms_save_t s = { t, 0, &v, CMS_SAVE, 0, 0 };
	cms_actor_t who = { &shushoku, "127.0.0.1" };
	buf_t errors = BUF_INIT;
	int64_t id, out = 0;
	char *title;

	id = save(db, &kigyo, 0, CMS_PUBLISH, "企業支援の記事", "本文", 0, CMS_OK);
	assert_int_equal(scalar(db, "SELECT department_id FROM entities WHERE id = ?", id), dept_id(db, "kigyo"));
	/* employment support edits it, claiming its own department: refused, unchanged */
	news_values(t, &v, "書き換え", "書き換えた本文");
	s.entity_id = id;
	s.department_id = shushoku.department_id;
	assert_int_equal(cms_save(db, &s, &who, T0, &out, &errors), CMS_FORBIDDEN);
	title = text(db, "SELECT title FROM entities WHERE id = ?", id);
	assert_string_equal(title, "企業支援の記事");
	free(title);
	assert_int_equal(scalar(db, "SELECT department_id FROM entities WHERE id = ?", id), dept_id(db, "kigyo"));
	/* nor may it unpublish, restore or delete it */
	s.action = CMS_UNPUBLISH;
	assert_int_equal(cms_save(db, &s, &who, T0, &out, &errors), CMS_FORBIDDEN);
	assert_int_equal(cms_restore(db, t, id, scalar(db, "SELECT MIN(id) FROM entity_revisions WHERE entity_id = ?", id),
	    &who, T0, &errors), CMS_FORBIDDEN);
	assert_int_equal(cms_delete(db, t, id, &who, T0, &errors), CMS_FORBIDDEN);
	/* a new record in another department: refused for a non-prefecture editor */
	s.entity_id = 0;
	s.action = CMS_SAVE;
	s.department_id = kigyo.department_id;
	assert_int_equal(cms_save(db, &s, &who, T0, &out, &errors), CMS_FORBIDDEN);
	/* the view role writes nothing */
	who.account = &viewer;
	s.department_id = viewer.department_id;
	assert_int_equal(cms_save(db, &s, &who, T0, &out, &errors), CMS_FORBIDDEN);
	/* the owner may */
	who.account = &kigyo;
	s.entity_id = id;
	s.department_id = 0;
	assert_int_equal(cms_save(db, &s, &who, T0, &out, &errors), CMS_OK);
	title = text(db, "SELECT title FROM entities WHERE id = ?", id);
	assert_string_equal(title, "書き換え");
	free(title);
	/* company records follow POLICY_COMPANY */
	assert_int_equal(cms_policy_kind("company"), 0);
	assert_int_not_equal(cms_policy_kind("news"), cms_policy_kind("company"));
	buf_free(&errors);
	company_values_free(&v);
}

/* A booking is published when due, by cms_publish_due (the scheduler thread and tick), not before. */
static void
test_schedule(void **state)
{
	db_t *db = *state;
	account_t pref = staff(db, "cms-pref3", "pref", "edit");
	int64_t id, at = T0 + 3600;
	char *s;

	/* in the past: refused */
	save(db, &pref, 0, CMS_SCHEDULE, "予約の記事", "本文", T0 - 1, CMS_INVALID);
	id = save(db, &pref, 0, CMS_SCHEDULE, "予約の記事", "本文", at, CMS_OK);
	assert_int_equal(cms_schedule_next(db), at);
	s = text(db, "SELECT status FROM entities WHERE id = ?", id);
	assert_string_equal(s, "draft");
	free(s);
	assert_string_equal(cms_status_label("draft", true), "公開予約");
	assert_int_equal(audits(db, "content.schedule", id), 1);
	assert_int_equal(cms_publish_due(db, at - 1), 0);
	s = text(db, "SELECT status FROM entities WHERE id = ?", id);
	assert_string_equal(s, "draft");
	free(s);
	assert_int_equal(cms_publish_due(db, at), 1);
	s = text(db, "SELECT status FROM entities WHERE id = ?", id);
	assert_string_equal(s, "published");
	free(s);
	assert_int_equal(scalar(db, "SELECT published_at FROM entities WHERE id = ?", id), at);
	assert_int_equal(cms_schedule_next(db), 0);
	assert_int_equal(audits(db, "content.publish", id), 1);
	/* the search log saw it (lists and the page cache follow it) */
	assert_true(scalar(db, "SELECT COUNT(*) FROM search_log WHERE entity_id = ?", id) >= 2);
	/* published: a booking is refused; unpublish then book again, then unpublish cancels the booking */
	save(db, &pref, id, CMS_SCHEDULE, "予約の記事", "本文", at + 60, CMS_INVALID);
	save(db, &pref, id, CMS_UNPUBLISH, "予約の記事", "本文", 0, CMS_OK);
	s = text(db, "SELECT status FROM entities WHERE id = ?", id);
	assert_string_equal(s, "archived");
	free(s);
	save(db, &pref, id, CMS_SCHEDULE, "予約の記事", "本文", at + 60, CMS_OK);
	assert_int_equal(cms_schedule_next(db), at + 60);
	save(db, &pref, id, CMS_UNPUBLISH, "予約の記事", "本文", 0, CMS_OK);
	assert_int_equal(cms_schedule_next(db), 0);
	assert_int_equal(cms_publish_due(db, at + 120), 0);
}

/* Only drafts and unpublished records are deleted, with their entry. */
static void
test_delete(void **state)
{
	db_t *db = *state;
	account_t pref = staff(db, "cms-pref4", "pref", "edit");
	const schema_type_t *t = schema_type(schema, "news");
	cms_actor_t who = { &pref, "127.0.0.1" };
	buf_t errors = BUF_INIT;
	int64_t id = save(db, &pref, 0, CMS_PUBLISH, "消す記事", "本文", 0, CMS_OK);

	assert_int_equal(cms_delete(db, t, id, &who, T0, &errors), CMS_INVALID);
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM entities WHERE id = ?", id), 1);
	save(db, &pref, id, CMS_UNPUBLISH, "消す記事", "本文", 0, CMS_OK);
	buf_clear(&errors);
	assert_int_equal(cms_delete(db, t, id, &who, T0, &errors), CMS_OK);
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM entities WHERE id = ?", id), 0);
	assert_int_equal(audits(db, "content.delete", id), 1);
	buf_free(&errors);
}

static void
expect(const cms_diff_line_t *d, char op, const char *s)
{
	assert_int_equal(d->op, op);
	assert_int_equal(d->len, strlen(s));
	assert_memory_equal(d->text, s, d->len);
}

static void
test_diff(void **state)
{
	cms_diff_line_t *d;
	int n;

	(void)state;
	n = cms_diff_lines("a\nb\nc", "a\nx\nc\nd", &d);
	assert_int_equal(n, 5);
	expect(&d[0], ' ', "a");
	expect(&d[1], '-', "b");
	expect(&d[2], '+', "x");
	expect(&d[3], ' ', "c");
	expect(&d[4], '+', "d");
	free(d);
	n = cms_diff_lines("", "新しい行", &d);
	assert_int_equal(n, 1);
	expect(&d[0], '+', "新しい行");
	free(d);
	n = cms_diff_lines("同じ\n", "同じ\n", &d);
	assert_int_equal(n, 1);
	expect(&d[0], ' ', "同じ");
	free(d);
	n = cms_diff_lines("x", "", &d);
	assert_int_equal(n, 1);
	expect(&d[0], '-', "x");
	free(d);
}

static void
test_labels(void **state)
{
	(void)state;
	assert_string_equal(cms_status_label("draft", false), "下書き");
	assert_string_equal(cms_status_label("published", false), "公開中");
	assert_string_equal(cms_status_label("archived", false), "非公開");
	assert_string_equal(cms_status_label("pending", false), "承認待ち");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_labels),
		cmocka_unit_test_setup_teardown(test_revisions_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_saves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_department_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schedule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
