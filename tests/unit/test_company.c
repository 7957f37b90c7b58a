/* test_company.c - listing periods of companies (issue 5 items 5, 7, 8; G22-G25): month arithmetic in JST
 * with the end-of-month rule, renewal from the old end, notice selection, the clock override's parser,
 * and the whole path through the database: submit → pending → approve → notices once each → archive →
 * renewal restores; a rejection mails its reason. */
#include "testutil.h"
#include "dbtest.h"

#include "auth/account.h"
#include "content/company.h"
#include "content/entity.h"
#include "content/schema.h"
#include "core/jtime.h"
#include "core/log.h"
#include "jobs/expiry.h"

static int64_t
ymd(const char *s)
{
	int64_t t = 0;

	assert_true(jtime_parse_ymd(s, &t));
	return t;
}

static int64_t
iso(const char *s)
{
	int64_t t = 0;

	assert_true(jtime_parse_iso(s, &t));
	return t;
}

/* G23/G25: a month counted in JST; a day the month lacks ends the period with that month (民法143条). */
static void
test_add_months(void **state)
{
	(void)state;
	assert_int_equal(jtime_add_months(ymd("2026-01-15"), 1), ymd("2026-02-15"));
	assert_int_equal(jtime_add_months(ymd("2026-01-31"), 1), ymd("2026-03-01"));
	assert_int_equal(jtime_add_months(ymd("2026-01-29"), 1), ymd("2026-03-01"));  /* 2026 is no leap year */
	assert_int_equal(jtime_add_months(ymd("2028-01-29"), 1), ymd("2028-02-29"));
	assert_int_equal(jtime_add_months(ymd("2028-01-31"), 1), ymd("2028-03-01"));
	assert_int_equal(jtime_add_months(ymd("2026-12-15"), 1), ymd("2027-01-15"));
	assert_int_equal(jtime_add_months(ymd("2026-11-30"), 3), ymd("2027-03-01"));
	assert_int_equal(jtime_add_months(ymd("2026-03-31"), 12), ymd("2027-03-31"));
	assert_int_equal(jtime_add_months(ymd("2026-05-31"), 1), ymd("2026-07-01"));
	/* 08:00 JST on 1 April is still 31 March in UTC: the JST date counts */
	assert_int_equal(jtime_add_months(iso("2026-04-01T08:00:00+09:00"), 1), ymd("2026-05-01"));
	assert_int_equal(jtime_day_start(iso("2026-04-01T08:00:00+09:00")), ymd("2026-04-01"));
	assert_int_equal(jtime_day_start(iso("2026-04-01T23:59:59+09:00")), ymd("2026-04-01"));
}

static void
test_parse_iso(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(iso("2026-04-01T09:00:00+09:00"), ymd("2026-04-01") + 9 * 3600);
	assert_int_equal(iso("2026-04-01T00:00:00Z"), ymd("2026-04-01") + 9 * 3600);
	assert_int_equal(iso("2026-04-01T00:00:00-05:30"), ymd("2026-04-01") + 9 * 3600 + 5 * 3600 + 1800);
	assert_false(jtime_parse_iso("2026-04-01", &t));
	assert_false(jtime_parse_iso("2026-04-01 09:00:00+09:00", &t));
	assert_false(jtime_parse_iso("2026-02-30T09:00:00+09:00", &t));
	assert_false(jtime_parse_iso("2026-04-01T24:00:00+09:00", &t));
	assert_false(jtime_parse_iso("2026-04-01T09:00:00+0900", &t));
	assert_false(jtime_parse_iso("2026-04-01T09:00:00+09:00x", &t));
	assert_false(jtime_parse_iso(NULL, &t));
}

/* G25: renewal adds one unit to the old end; an ended period is renewed from today. */
static void
test_periods(void **state)
{
	int64_t now = iso("2026-04-01T09:00:00+09:00"), end;

	(void)state;
	end = company_first_end(now, 1);
	assert_int_equal(end, ymd("2026-05-01"));         /* listed 4/1 through 4/30 */
	assert_int_equal(company_days_left(end, now), 30);
	assert_true(company_renew_open(end, now, 1));
	assert_int_equal(company_renew_end(end, now, 1), ymd("2026-06-01"));
	/* two units ahead: no further renewal until the end is a unit away again */
	assert_false(company_renew_open(ymd("2026-06-01"), now, 1));
	assert_true(company_renew_open(ymd("2026-06-01"), iso("2026-05-01T00:00:00+09:00"), 1));
	/* ended (archived) on 5/1; renewed on 5/10: from 5/10 */
	assert_true(company_renew_open(end, iso("2026-05-10T10:00:00+09:00"), 1));
	assert_int_equal(company_renew_end(end, iso("2026-05-10T10:00:00+09:00"), 1), ymd("2026-06-10"));
	/* a three-month unit from the end of November */
	assert_int_equal(company_renew_end(ymd("2026-11-30"), ymd("2026-11-20"), 3), ymd("2027-03-01"));
	assert_int_equal(company_days_left(end, iso("2026-04-30T23:00:00+09:00")), 1);
	assert_int_equal(company_days_left(end, end), 0);
	assert_false(company_renew_open(0, now, 1));  /* open-ended: nothing to extend */
}

/* G25: notices at 14 and 3 days before the end, the smallest threshold reached. */
static void
test_notice_due(void **state)
{
	company_settings_t s;
	int64_t end = ymd("2026-06-01");

	(void)state;
	assert_true(company_parse_notice_days("14,3", &s));
	assert_int_equal(company_notice_due(&s, end, iso("2026-05-17T09:00:00+09:00")), 0);
	assert_int_equal(company_notice_due(&s, end, iso("2026-05-18T00:00:00+09:00")), 14);
	assert_int_equal(company_notice_due(&s, end, iso("2026-05-18T23:59:59+09:00")), 14);
	assert_int_equal(company_notice_due(&s, end, iso("2026-05-28T09:00:00+09:00")), 14);
	assert_int_equal(company_notice_due(&s, end, iso("2026-05-29T09:00:00+09:00")), 3);
	assert_int_equal(company_notice_due(&s, end, iso("2026-05-31T23:59:59+09:00")), 3);
	assert_int_equal(company_notice_due(&s, end, end), 0);
	assert_int_equal(company_notice_due(&s, 0, end), 0);
	assert_true(company_parse_notice_days("3, 30 ,14", &s));
	assert_int_equal(s.nnotice, 3);
	assert_int_equal(s.notice_days[0], 30);
	assert_int_equal(s.notice_days[2], 3);
	assert_false(company_parse_notice_days("14,14", &s));
	assert_false(company_parse_notice_days("0", &s));
	assert_false(company_parse_notice_days("366", &s));
	assert_false(company_parse_notice_days("a,3", &s));
	assert_false(company_parse_notice_days("1,2,3,4,5,6,7,8,9", &s));
}

/* ---- through the database ---- */

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
	dbtest_close(*state);
	return 0;
}

static int64_t
count(db_t *db, const char *sql, int64_t id)
{
	db_stmt_t *st = db_prepare(db, sql);
	int64_t n = -1;

	assert_non_null(st);
	if (id)
		db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW)
		n = db_col_i64(st, 0);
	db_done(st);
	return n;
}

static void
set_value(const schema_type_t *t, company_values_t *v, const char *name, const char *value)
{
	int i = schema_field_index(t, name);

	assert_true(i >= 0);
	free(v->v[i]);
	v->v[i] = value ? strdup(value) : NULL;
}

/* A company account linked to a draft company entity; returns the entity id. */
static int64_t
make_company(db_t *db, const schema_type_t *t, int64_t now, int64_t *account)
{
	account_new_t n = { "company", "acme-test", "saiyo@acme.example.jp", "テスト株式会社", "Kigyo-Test-2026x", NULL };
	entity_draft_t d;
	entity_ready_t e;
	buf_t errors = BUF_INIT;
	char err[256];
	int64_t id = 0;

	assert_true(account_create(db, &n, "test", "local", now, account, err, sizeof(err)));
	memset(&d, 0, sizeof(d));
	d.type = t;
	d.status = "draft";
	d.values[schema_field_index(t, "name")] = "テスト株式会社";
	d.values[schema_field_index(t, "business")] = "試験をしています。";
	d.values[schema_field_index(t, "industry")] = "E";
	d.values[schema_field_index(t, "municipality")] = "高崎市";
	d.values[schema_field_index(t, "internal_memo")] = "職員のメモ";
	assert_true(entity_validate(db, &d, &e, &errors));
	assert_true(db_begin_write(db));
	assert_true(entity_insert(db, &e, now, &id));
	assert_true(db_commit(db));
	entity_ready_free(&e);
	buf_free(&errors);
	assert_true(company_link(db, *account, id, now, err, sizeof(err)));
	assert_false(company_link(db, *account, id, now, err, sizeof(err)));  /* once each way */
	assert_int_equal(company_entity_of(db, *account), id);
	return id;
}

static void
test_flow(void **state)
{
	db_t *db = *state;
	const schema_type_t *t = schema_type(schema, "company");
	company_settings_t s;
	company_values_t v;
	company_state_t cs;
	expiry_report_t rep;
	buf_t errors = BUF_INIT;
	int64_t now = iso("2026-04-01T09:00:00+09:00"), account, id, rev, end;
	bool live;
	char err[512];

	assert_non_null(t);
	assert_true(company_settings_load(db, &s));
	assert_true(s.approval);
	assert_int_equal(s.unit_months, 1);
	id = make_company(db, t, now, &account);

	/* an edit with a bad value is refused whole */
	assert_true(company_entity_values(db, t, id, &v));
	set_value(t, &v, "attractions", "若手が活躍しています。");
	set_value(t, &v, "website", "javascript:alert(1)");
	assert_true(db_begin_write(db));
	assert_false(company_submit(db, t, id, account, &v, &s, now, &live, &rev, &errors));
	db_rollback(db);
	assert_non_null(strstr(errors.data, "「会社HP」"));
	buf_clear(&errors);

	/* G22: first publication waits for approval */
	set_value(t, &v, "website", "https://acme.example.jp/");
	assert_true(db_begin_write(db));
	assert_true(company_submit(db, t, id, account, &v, &s, now, &live, &rev, &errors));
	assert_true(db_commit(db));
	assert_false(live);
	assert_true(company_state_get(db, id, &cs));
	assert_string_equal(cs.status, "draft");
	assert_int_equal(cs.pending_id, rev);
	assert_false(entity_public(cs.status, cs.listing_start, cs.listing_end, now));
	company_values_free(&v);

	/* approved: published for one month from today, internal fields untouched */
	assert_true(db_begin_write(db));
	assert_true(company_approve(db, t, rev, 0, &s, now, err, sizeof(err)));
	assert_true(db_commit(db));
	assert_true(company_state_get(db, id, &cs));
	assert_string_equal(cs.status, "published");
	assert_int_equal(cs.pending_id, 0);
	assert_int_equal(cs.listing_start, ymd("2026-04-01"));
	assert_int_equal(cs.listing_end, ymd("2026-05-01"));
	assert_true(entity_public(cs.status, cs.listing_start, cs.listing_end, now));
	assert_true(company_entity_values(db, t, id, &v));
	assert_string_equal(v.v[schema_field_index(t, "internal_memo")], "職員のメモ");
	assert_string_equal(v.v[schema_field_index(t, "attractions")], "若手が活躍しています。");
	assert_int_equal(count(db, "SELECT COUNT(*) FROM outbox WHERE subject = '企業情報が承認されました'", 0), 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM member_notices WHERE account_id = ?", account), 1);
	/* deciding twice is refused */
	assert_true(db_begin_write(db));
	assert_false(company_approve(db, t, rev, 0, &s, now, err, sizeof(err)));
	db_rollback(db);

	/* an edit that is rejected: the reason is mailed, the public version stays */
	set_value(t, &v, "attractions", "差し戻される文章");
	assert_true(db_begin_write(db));
	assert_true(company_submit(db, t, id, account, &v, &s, now, &live, &rev, &errors));
	assert_true(db_commit(db));
	assert_true(db_begin_write(db));
	assert_false(company_reject(db, rev, 0, "", now, err, sizeof(err)));
	assert_true(company_reject(db, rev, 0, "写真の説明を入れてください。", now, err, sizeof(err)));
	assert_true(db_commit(db));
	assert_int_equal(count(db, "SELECT COUNT(*) FROM outbox WHERE subject = '企業情報が差し戻されました' "
	    "AND body LIKE '%写真の説明を入れてください。%'", 0), 1);
	assert_true(company_state_get(db, id, &cs));
	assert_true(cs.rejected);
	assert_string_equal(cs.reason, "写真の説明を入れてください。");
	company_values_free(&v);
	assert_true(company_entity_values(db, t, id, &v));
	assert_string_equal(v.v[schema_field_index(t, "attractions")], "若手が活躍しています。");
	company_values_free(&v);

	/* G25: renewal from the old end date */
	assert_true(db_begin_write(db));
	assert_true(company_renew(db, id, &s, now, &end, err, sizeof(err)));
	assert_true(db_commit(db));
	assert_int_equal(end, ymd("2026-06-01"));
	assert_true(db_begin_write(db));
	assert_false(company_renew(db, id, &s, now, &end, err, sizeof(err)));  /* two units ahead already */
	db_rollback(db);

	/* notices at T-14 and T-3, each once; T+0 archives */
	assert_true(expiry_round(db, iso("2026-05-17T09:00:00+09:00"), &rep));
	assert_int_equal(rep.notices, 0);
	assert_true(expiry_round(db, iso("2026-05-18T09:00:00+09:00"), &rep));
	assert_int_equal(rep.notices, 1);
	assert_true(expiry_round(db, iso("2026-05-18T09:05:00+09:00"), &rep));
	assert_int_equal(rep.notices, 0);
	assert_true(expiry_round(db, iso("2026-05-29T09:00:00+09:00"), &rep));
	assert_int_equal(rep.notices, 1);
	assert_true(expiry_round(db, iso("2026-05-30T09:00:00+09:00"), &rep));
	assert_int_equal(rep.notices, 0);
	assert_int_equal(rep.archived, 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM outbox WHERE kind = 'notice' AND subject LIKE '%残り14日%'", 0), 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM outbox WHERE kind = 'notice' AND subject LIKE '%残り3日%'", 0), 1);
	assert_true(expiry_round(db, iso("2026-06-01T09:00:00+09:00"), &rep));
	assert_int_equal(rep.archived, 1);
	assert_true(expiry_round(db, iso("2026-06-01T09:10:00+09:00"), &rep));
	assert_int_equal(rep.archived, 0);
	assert_true(company_state_get(db, id, &cs));
	assert_string_equal(cs.status, "archived");  /* kept, not public (G24) */
	assert_false(entity_public(cs.status, cs.listing_start, cs.listing_end, iso("2026-06-01T09:00:00+09:00")));

	/* renewing restores it, from today since the period had ended */
	now = iso("2026-06-03T10:00:00+09:00");
	assert_true(db_begin_write(db));
	assert_true(company_renew(db, id, &s, now, &end, err, sizeof(err)));
	assert_true(db_commit(db));
	assert_int_equal(end, ymd("2026-07-03"));
	assert_true(company_state_get(db, id, &cs));
	assert_string_equal(cs.status, "published");
	assert_int_equal(cs.listing_start, ymd("2026-06-03"));
	assert_true(entity_public(cs.status, cs.listing_start, cs.listing_end, now));
	/* the new period gets its own notices */
	assert_true(expiry_round(db, iso("2026-06-19T09:00:00+09:00"), &rep));
	assert_int_equal(rep.notices, 1);
	buf_free(&errors);
}

/* Approval off: edits and the first publication go live at once. A missed 14-day notice is not sent
 * after the 3-day one. */
static void
test_no_approval(void **state)
{
	db_t *db = *state;
	const schema_type_t *t = schema_type(schema, "company");
	company_settings_t s;
	company_values_t v;
	company_state_t cs;
	expiry_report_t rep;
	buf_t errors = BUF_INIT;
	int64_t now = iso("2026-01-31T12:00:00+09:00"), account, id, rev;
	bool live;
	char err[256];

	assert_false(company_setting_set(db, "company_approval", "maybe", err, sizeof(err)));
	assert_false(company_setting_set(db, "no_such_key", "1", err, sizeof(err)));
	assert_true(company_setting_set(db, "company_approval", "0", err, sizeof(err)));
	assert_true(company_setting_set(db, "notice_days", "7,3", err, sizeof(err)));
	assert_true(company_settings_load(db, &s));
	assert_false(s.approval);
	assert_int_equal(s.notice_days[0], 7);
	id = make_company(db, t, now, &account);
	assert_true(company_entity_values(db, t, id, &v));
	set_value(t, &v, "name", "テスト株式会社（新）");
	assert_true(db_begin_write(db));
	assert_true(company_submit(db, t, id, account, &v, &s, now, &live, &rev, &errors));
	assert_true(db_commit(db));
	company_values_free(&v);
	assert_true(live);
	assert_true(company_state_get(db, id, &cs));
	assert_string_equal(cs.status, "published");
	assert_string_equal(cs.title, "テスト株式会社（新）");
	assert_int_equal(cs.listing_end, ymd("2026-03-01"));  /* 1/31 + 1 month: through 2/28 */
	assert_true(expiry_round(db, iso("2026-02-27T09:00:00+09:00"), &rep));
	assert_int_equal(rep.notices, 1);
	assert_true(expiry_round(db, iso("2026-02-28T09:00:00+09:00"), &rep));
	assert_int_equal(rep.notices, 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM listing_notices WHERE entity_id = ?", id), 2);
	buf_free(&errors);
}

/* G24: every company whose period has ended is archived, with an account or not; one without an account
 * gets no notices (there is nobody to tell), and one inside its period is left alone. */
static void
test_archive_unlinked(void **state)
{
	db_t *db = *state;
	const schema_type_t *t = schema_type(schema, "company");
	const char *ends[2] = { "2026-04-10", "2026-12-31" };
	int64_t ids[2], now = iso("2026-04-12T09:00:00+09:00");
	expiry_report_t rep;
	company_state_t cs;
	int k;

	for (k = 0; k < 2; k++) {
		entity_draft_t d;
		entity_ready_t e;
		buf_t errors = BUF_INIT;
		memset(&d, 0, sizeof(d));
		d.type = t;
		d.listing_start = "2026-01-01";
		d.listing_end = ends[k];
		d.values[schema_field_index(t, "name")] = k ? "続く株式会社" : "終わった株式会社";
		d.values[schema_field_index(t, "business")] = "試験";
		d.values[schema_field_index(t, "industry")] = "E";
		d.values[schema_field_index(t, "municipality")] = "前橋市";
		assert_true(entity_validate(db, &d, &e, &errors));
		assert_true(db_begin_write(db));
		assert_true(entity_insert(db, &e, now, &ids[k]));
		assert_true(db_commit(db));
		entity_ready_free(&e);
		buf_free(&errors);
	}
	assert_true(expiry_round(db, iso("2026-04-09T09:00:00+09:00"), &rep));
	assert_int_equal(rep.notices, 0);  /* 1 day left, but no account */
	assert_int_equal(rep.archived, 0);
	assert_true(expiry_round(db, now, &rep));
	assert_int_equal(rep.archived, 1);
	assert_true(company_state_get(db, ids[0], &cs));
	assert_string_equal(cs.status, "archived");
	assert_true(company_state_get(db, ids[1], &cs));
	assert_string_equal(cs.status, "published");
	assert_int_equal(count(db, "SELECT COUNT(*) FROM outbox", 0), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM listing_notices", 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_months),
		cmocka_unit_test(test_parse_iso),
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_notice_due),
		cmocka_unit_test_setup_teardown(test_flow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_approval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_archive_unlinked, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
