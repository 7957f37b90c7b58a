/* test_records.c - staff records of companies and offers (issue 7 items 1 and 2; G60-G65): phone numbers
 * in any notation, the staff search and its filters, recruiting contacts (G63), interaction history order,
 * the 対応状況 of offers (G64, G65) and the department rule refusing writes of other departments (G62). */
#include "testutil.h"
#include "dbtest.h"

#include "auth/account.h"
#include "content/entity.h"
#include "content/records.h"
#include "content/schema.h"
#include "core/jtime.h"
#include "core/log.h"
#include "search/search.h"

#define PW "Records-Test-2026x"
#define T0 1775001600 /* 2026-04-01 09:00 JST */

static schema_t *schema;
static const char *const company_phones[] = { "phone", "recruiter_phone" };

/* G60: every notation of one number gives the same digits; letters are refused. */
static void
test_phone_digits(void **state)
{
	char d[32];

	(void)state;
	assert_int_equal(records_phone_digits("027-123-4567", d, sizeof(d)), 10);
	assert_string_equal(d, "0271234567");
	assert_int_equal(records_phone_digits("0271234567", d, sizeof(d)), 10);
	assert_string_equal(d, "0271234567");
	assert_int_equal(records_phone_digits("０２７－１２３－４５６７", d, sizeof(d)), 10);
	assert_string_equal(d, "0271234567");
	assert_int_equal(records_phone_digits("(027) 123‐4567", d, sizeof(d)), 10);
	assert_string_equal(d, "0271234567");
	assert_int_equal(records_phone_digits("０２７ー１２３ー４５６７", d, sizeof(d)), 10);
	assert_string_equal(d, "0271234567");
	assert_int_equal(records_phone_digits("", d, sizeof(d)), 0);
	assert_int_equal(records_phone_digits("027-abc", d, sizeof(d)), -1);
	assert_int_equal(records_phone_digits("1234567890123456", d, sizeof(d)), -1);
	assert_int_equal(records_phone_digits("\xff", d, sizeof(d)), -1);
}

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
	search_reset();
	*state = db;
	return 0;
}

static int
teardown(void **state)
{
	search_reset();
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

static account_t
staff(db_t *db, const char *login, const char *dept, const char *role)
{
	char email[128], err[256] = "";
	int64_t id = 0;
	account_new_t n = { "staff", login, email, "職員", PW, dept };
	account_t a;

	snprintf(email, sizeof(email), "%s@example.jp", login);
	assert_true(account_create_staff(db, &n, role, false, "test", "127.0.0.1", T0, &id, err, sizeof(err)));
	memset(&a, 0, sizeof(a));
	assert_true(account_get(db, id, &a));
	return a;
}

/* A value for a required field the test does not care about. */
static const char *
filler(db_t *db, const schema_field_t *f, char *buf, size_t n)
{
	db_stmt_t *st;

	switch (f->type) {
	case F_TERMS:
		st = db_prepare(db, "SELECT code FROM terms WHERE vocab = ? ORDER BY sort, id LIMIT 1");
		assert_non_null(st);
		db_bind_str(st, 1, f->vocab);
		assert_int_equal(db_step(st), DB_ROW);
		snprintf(buf, n, "%s", db_col_text(st, 0));
		db_done(st);
		return buf;
	case F_DATE:
		return "2026-05-01";
	case F_NUMBER:
	case F_YEN:
		return "1";
	case F_BOOLEAN:
		return "0";
	default:
		return "テスト";
	}
}

/* An entity of type with the given values (name=value pairs, NULL-terminated), registered to dept. */
static int64_t
make(db_t *db, const char *type, const char *status, const char *dept, const char *const *kv)
{
	const schema_type_t *t = schema_type(schema, type);
	entity_draft_t d;
	entity_ready_t e;
	buf_t errors = BUF_INIT;
	int64_t id = 0;
	char fill[SCHEMA_MAX_FIELDS][64];

	assert_non_null(t);
	memset(&d, 0, sizeof(d));
	d.type = t;
	d.status = status;
	d.department = dept;
	for (int i = 0; kv[i] != NULL; i += 2) {
		int k = schema_field_index(t, kv[i]);
		assert_true(k >= 0);
		d.values[k] = kv[i + 1];
	}
	for (int i = 0; i < t->nfields; i++)
		if (t->fields[i].required && d.values[i] == NULL)
			d.values[i] = filler(db, &t->fields[i], fill[i], sizeof(fill[i]));
	if (!entity_validate(db, &d, &e, &errors))
		print_error("validate: %s\n", errors.data);
	assert_true(db_begin_write(db));
	assert_true(entity_insert(db, &e, T0, &id));
	assert_true(db_commit(db));
	entity_ready_free(&e);
	buf_free(&errors);
	return id;
}

static void
set_phone(db_t *db, int64_t id, const char *phone)
{
	db_stmt_t *st = db_prepare(db, "UPDATE entities SET fields = json_set(fields, '$.phone', ?) WHERE id = ?");

	assert_non_null(st);
	db_bind_str(st, 1, phone);
	db_bind_i64(st, 2, id);
	assert_int_equal(db_run(st), DB_DONE);
}

static int64_t
search_one(db_t *db, records_query_t *q, int64_t *total)
{
	arena_t a;
	records_list_t l;
	int64_t first = 0;

	arena_init(&a, 4096, 1 << 22);
	q->now = T0;
	assert_true(records_search(db, &a, q, &l));
	*total = l.total;
	if (l.nrows > 0)
		first = l.rows[0].id;
	arena_free(&a);
	return first;
}

/* G60: the search by phone in three notations, by name, kana, keyword, industry, region, status and
 * listing period, sorted by name. */
static void
test_search(void **state)
{
	db_t *db = *state;
	static const char *const acme[] = { "name", "テスト株式会社", "name_kana", "てすとかぶしきがいしゃ",
		"business", "精密部品の試作をしています。", "industry", "E", "municipality", "高崎市",
		"phone", "027-123-4567", NULL };
	static const char *const beta[] = { "name", "ベータ商事", "name_kana", "べーたしょうじ", "business", "卸売業です。",
		"industry", "I", "municipality", "前橋市", NULL };
	records_query_t q;
	int64_t a, b, total;

	a = make(db, "company", "published", "kigyo", acme);
	b = make(db, "company", "draft", "kigyo", beta);
	set_phone(db, b, "０２７－９８７－６５４３");

	memset(&q, 0, sizeof(q));
	q.type = "company";
	q.phone_fields = company_phones;
	q.nphone_fields = 2;
	/* before the index is built (at start-up) the unfiltered list comes from SQL alone, in the same order */
	search_reset();
	assert_false(search_ready("company"));
	assert_int_equal(search_one(db, &q, &total), b);
	assert_int_equal(total, 2);
	assert_false(search_ready("company"));
	q.phone = "027-123-4567";
	assert_int_equal(search_one(db, &q, &total), a);
	assert_true(search_ready("company"));
	assert_int_equal(total, 1);
	q.phone = "0271234567";
	assert_int_equal(search_one(db, &q, &total), a);
	assert_int_equal(total, 1);
	q.phone = "０２７－１２３－４５６７";
	assert_int_equal(search_one(db, &q, &total), a);
	assert_int_equal(total, 1);
	q.phone = "0279876543";   /* stored in full width */
	assert_int_equal(search_one(db, &q, &total), b);
	assert_int_equal(total, 1);
	q.phone = "027";          /* too short: nothing, not everything */
	search_one(db, &q, &total);
	assert_int_equal(total, 0);
	/* issue 7 item 9: the phone numbers held in memory follow a change made after the first search */
	set_phone(db, a, "0278-11-2233");
	q.phone = "0278112233";
	assert_int_equal(search_one(db, &q, &total), a);
	assert_int_equal(total, 1);
	q.phone = "0271234567";
	search_one(db, &q, &total);
	assert_int_equal(total, 0);
	set_phone(db, a, "027-123-4567");
	assert_int_equal(search_one(db, &q, &total), a);
	assert_int_equal(total, 1);
	q.phone = NULL;

	assert_int_equal(search_one(db, &q, &total), b);  /* newest update first (same time: higher id) */
	assert_int_equal(total, 2);
	q.sort_name = true;                              /* て before べ */
	assert_int_equal(search_one(db, &q, &total), a);
	q.sort_name = false;

	q.name = "ベータ";
	assert_int_equal(search_one(db, &q, &total), b);
	assert_int_equal(total, 1);
	q.name = NULL;
	q.kana = "てすと";
	assert_int_equal(search_one(db, &q, &total), a);
	assert_int_equal(total, 1);
	q.kana = NULL;
	q.q = "精密部品";
	assert_int_equal(search_one(db, &q, &total), a);
	assert_int_equal(total, 1);
	q.q = NULL;
	q.region = "10202";       /* 高崎市 is a's; its area finds it too */
	assert_int_equal(search_one(db, &q, &total), a);
	assert_int_equal(total, 1);
	{
		char area[32] = "";
		db_stmt_t *st = db_prepare(db, "SELECT p.code FROM terms t JOIN terms p ON p.id = t.parent_id "
		    "WHERE t.vocab = 'municipality' AND t.code = '10202'");
		assert_non_null(st);
		assert_int_equal(db_step(st), DB_ROW);
		snprintf(area, sizeof(area), "%s", db_col_text(st, 0));
		db_done(st);
		q.region = area;
		assert_int_equal(search_one(db, &q, &total), a);
		assert_int_equal(total, 1);
	}
	q.region = NULL;
	q.industry = "I";
	assert_int_equal(search_one(db, &q, &total), b);
	assert_int_equal(total, 1);
	q.status = "published";   /* industry I and published: none */
	search_one(db, &q, &total);
	assert_int_equal(total, 0);
	q.industry = NULL;
	assert_int_equal(search_one(db, &q, &total), a);
	assert_int_equal(total, 1);
	q.status = NULL;

	/* listing period: a's ends 2026-05-01 */
	assert_true(entity_set_listing(db, a, T0 - 86400, T0 + 30 * 86400, T0));
	q.ends_before = T0 + 31 * 86400;
	assert_int_equal(search_one(db, &q, &total), a);
	assert_int_equal(total, 1);
	q.ends_before = 0;
	q.active_on = T0 + 40 * 86400;  /* b has no period: open-ended counts as active */
	assert_int_equal(search_one(db, &q, &total), b);
	assert_int_equal(total, 1);
	q.active_on = 0;
	q.ends_after = T0 + 31 * 86400; /* a's ends before; b's never */
	assert_int_equal(search_one(db, &q, &total), b);
	assert_int_equal(total, 1);
	q.ends_after = T0 + 30 * 86400; /* at the end itself: both */
	search_one(db, &q, &total);
	assert_int_equal(total, 2);
	q.ends_after = 0;

	/* issue 7 item 9: every filter is answered by the search index; combined, and an unknown status */
	q.phone = "0279876543";
	q.status = "draft";
	assert_int_equal(search_one(db, &q, &total), b);
	assert_int_equal(total, 1);
	q.status = "published";
	search_one(db, &q, &total);
	assert_int_equal(total, 0);
	q.phone = NULL;
	q.status = "no-such-status";
	search_one(db, &q, &total);
	assert_int_equal(total, 0);
	q.status = NULL;
	q.q = "卸売業";
	q.kana = "べーた";
	assert_int_equal(search_one(db, &q, &total), b);
	assert_int_equal(total, 1);
	q.kana = "てすと";   /* the keyword is b's, the kana a's */
	search_one(db, &q, &total);
	assert_int_equal(total, 0);
	q.q = NULL;
	q.kana = NULL;
	{
		/* name order: the kana, else the title; page 2 of one per page; the export's ids in the same order */
		static const char *const gamma[] = { "name", "アルファ工業", "business", "機械", "industry", "E",
			"municipality", "前橋市", NULL };
		int64_t c = make(db, "company", "draft", "kigyo", gamma), *ids;
		size_t n;
		arena_t ar;

		q.sort_name = true;
		q.per_page = 1;
		q.page = 1;
		/* byte order: てすと (E3 81 A6) < べーた (E3 81 B9) < アルファ工業, no kana so its name (E3 82 A2) */
		assert_int_equal(search_one(db, &q, &total), a);
		assert_int_equal(total, 3);
		q.page = 2;
		assert_int_equal(search_one(db, &q, &total), b);
		q.page = 3;
		assert_int_equal(search_one(db, &q, &total), c);
		arena_init(&ar, 4096, 1 << 20);
		assert_true(records_search_ids(db, &ar, &q, &ids, &n));
		assert_int_equal(n, 3);
		assert_int_equal(ids[0], a);
		assert_int_equal(ids[1], b);
		assert_int_equal(ids[2], c);
		q.sort_name = false;
		assert_true(records_search_ids(db, &ar, &q, &ids, &n));
		assert_int_equal(n, 3);
		assert_int_equal(ids[0], c);   /* newest update first */
		arena_free(&ar);
		q.page = 1;
		q.per_page = 0;
	}
}

/* G63: contacts added, changed, listed in order and removed, each write audited; bad values refused. */
static void
test_contacts(void **state)
{
	db_t *db = *state;
	static const char *const acme[] = { "name", "連絡先テスト株式会社", NULL };
	account_t ed = staff(db, "kigyo-edit", "kigyo", "edit");
	records_contact_t c = { 0 }, *list;
	const char *field;
	char err[256];
	arena_t a;
	int64_t id = make(db, "company", "published", "kigyo", acme);
	int n;

	c.entity_id = id;
	c.name = "採用 花子";
	c.phone = "027-111-2222";
	c.email = "hanako@example.jp";
	c.sort = 2;
	assert_int_equal(records_contact_save(db, &ed, "127.0.0.1", &c, T0, &field, err, sizeof(err)), RECORDS_OK);
	assert_true(c.id > 0);
	c.id = 0;
	c.name = "人事 太郎";
	c.sort = 1;
	c.email = "not-an-address";
	assert_int_equal(records_contact_save(db, &ed, "127.0.0.1", &c, T0, &field, err, sizeof(err)), RECORDS_INVALID);
	assert_string_equal(field, "email");
	c.email = "";
	assert_int_equal(records_contact_save(db, &ed, "127.0.0.1", &c, T0, &field, err, sizeof(err)), RECORDS_OK);
	c.department_title = "人事課長";
	assert_int_equal(records_contact_save(db, &ed, "127.0.0.1", &c, T0 + 60, &field, err, sizeof(err)), RECORDS_OK);

	arena_init(&a, 4096, 1 << 20);
	assert_true(records_contacts(db, &a, id, &list, &n));
	assert_int_equal(n, 2);
	assert_string_equal(list[0].name, "人事 太郎");
	assert_string_equal(list[0].department_title, "人事課長");
	assert_string_equal(list[1].name, "採用 花子");
	arena_free(&a);

	/* a contact's phone finds the company too */
	{
		records_query_t q;
		int64_t total;
		memset(&q, 0, sizeof(q));
		q.type = "company";
		q.phone = "０２７１１１２２２２";
		assert_int_equal(search_one(db, &q, &total), id);
	}

	assert_int_equal(records_contact_delete(db, &ed, "127.0.0.1", id, c.id, T0, err, sizeof(err)), RECORDS_OK);
	assert_int_equal(records_contact_delete(db, &ed, "127.0.0.1", id, c.id, T0, err, sizeof(err)), RECORDS_NOT_FOUND);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM company_contacts WHERE entity_id = ?", id), 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'company.contact_add'", 0), 2);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'company.contact_update'", 0), 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'company.contact_delete'", 0), 1);
}

/* G62: another department's staff, and a view-only role, are refused at the function; nothing is written. */
static void
test_department_rule(void **state)
{
	db_t *db = *state;
	static const char *const acme[] = { "name", "部署テスト株式会社", NULL };
	static const char *const job[] = { "title", "部署テストの求人", "company_name", "部署テスト株式会社", NULL };
	account_t other = staff(db, "shushoku-edit", "shushoku", "edit");
	account_t viewer = staff(db, "kigyo-view", "kigyo", "view");
	account_t pref = staff(db, "pref-edit", "pref", "edit");
	records_contact_t c = { 0 };
	records_interaction_t in = { 0 };
	const char *field;
	char err[256], cur[16];
	int64_t id = make(db, "company", "published", "kigyo", acme);
	int64_t jid = make(db, "job", "draft", "kigyo", job);

	c.entity_id = id;
	c.name = "採用 花子";
	assert_int_equal(records_contact_save(db, &other, "127.0.0.1", &c, T0, &field, err, sizeof(err)), RECORDS_DENIED);
	assert_int_equal(records_contact_save(db, &viewer, "127.0.0.1", &c, T0, &field, err, sizeof(err)), RECORDS_DENIED);
	in.entity_id = id;
	in.at = T0;
	in.channel = "phone";
	in.summary = "求人の相談";
	assert_int_equal(records_interaction_save(db, &other, "127.0.0.1", &in, T0, &field, err, sizeof(err)), RECORDS_DENIED);
	assert_int_equal(records_offer_status_set(db, &other, "127.0.0.1", jid, "open", "", T0, err, sizeof(err)),
	    RECORDS_DENIED);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM company_contacts", 0), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM company_interactions", 0), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM offer_status_history", 0), 0);
	/* the prefecture writes everything */
	assert_int_equal(records_contact_save(db, &pref, "127.0.0.1", &c, T0, &field, err, sizeof(err)), RECORDS_OK);
	assert_int_equal(records_offer_status_set(db, &pref, "127.0.0.1", jid, "open", "", T0, err, sizeof(err)), RECORDS_OK);
	assert_true(records_offer_status_current(db, jid, cur, sizeof(cur)));
	assert_string_equal(cur, "open");
	/* a company id is no offer */
	assert_int_equal(records_offer_status_set(db, &pref, "127.0.0.1", id, "open", "", T0, err, sizeof(err)),
	    RECORDS_NOT_FOUND);
}

/* G63, G64: interactions newest first by their date, an edit keeps where it is filed; offers' own list. */
static void
test_interactions(void **state)
{
	db_t *db = *state;
	static const char *const acme[] = { "name", "履歴テスト株式会社", NULL };
	static const char *const job[] = { "title", "履歴テストの求人", "company_name", "履歴テスト株式会社", NULL };
	account_t ed = staff(db, "kigyo-edit2", "kigyo", "edit");
	records_interaction_t in = { 0 }, *list, got;
	const char *field;
	char err[256];
	arena_t a;
	int64_t id = make(db, "company", "published", "kigyo", acme);
	int64_t jid = make(db, "job", "draft", "kigyo", job);
	int n;

	assert_int_equal(records_offer_company(db, jid), id);
	{
		/* G64: offers are found by their company's name */
		records_query_t q;
		int64_t total;
		memset(&q, 0, sizeof(q));
		q.type = "job";
		q.company = "履歴テスト";
		assert_int_equal(search_one(db, &q, &total), jid);
		assert_int_equal(total, 1);
		q.company = "別の会社";
		search_one(db, &q, &total);
		assert_int_equal(total, 0);
	}
	in.entity_id = id;
	in.at = T0 + 3600;
	in.channel = "visit";
	in.summary = "訪問して求人内容を確認";
	in.next_action = "求人票を送る";
	in.next_action_due = T0 + 7 * 86400;
	assert_int_equal(records_interaction_save(db, &ed, "127.0.0.1", &in, T0, &field, err, sizeof(err)), RECORDS_OK);
	memset(&in, 0, sizeof(in));
	in.entity_id = id;
	in.at = T0 - 86400;  /* entered later, happened earlier */
	in.channel = "phone";
	in.summary = "初回の電話";
	assert_int_equal(records_interaction_save(db, &ed, "127.0.0.1", &in, T0 + 10, &field, err, sizeof(err)), RECORDS_OK);
	memset(&in, 0, sizeof(in));
	in.entity_id = id;
	in.offer_entity_id = jid;
	in.at = T0 + 7200;
	in.channel = "carrier-pigeon";
	in.summary = "求人について";
	assert_int_equal(records_interaction_save(db, &ed, "127.0.0.1", &in, T0, &field, err, sizeof(err)), RECORDS_INVALID);
	assert_string_equal(field, "channel");
	in.channel = "mail";
	assert_int_equal(records_interaction_save(db, &ed, "127.0.0.1", &in, T0, &field, err, sizeof(err)), RECORDS_OK);

	arena_init(&a, 4096, 1 << 20);
	assert_true(records_interactions(db, &a, id, false, &list, &n));
	assert_int_equal(n, 3);
	assert_string_equal(list[0].channel, "mail");
	assert_string_equal(list[1].summary, "訪問して求人内容を確認");
	assert_string_equal(list[2].summary, "初回の電話");
	assert_string_equal(list[2].department, "企業支援部門");
	assert_true(records_interactions(db, &a, jid, true, &list, &n));
	assert_int_equal(n, 1);

	/* an edit moves the date; the row stays filed under the offer whatever the caller says */
	memset(&got, 0, sizeof(got));
	got.id = list[0].id;
	got.entity_id = 999;
	got.at = T0 - 2 * 86400;
	got.channel = "online";
	got.summary = "オンラインで面談";
	assert_int_equal(records_interaction_save(db, &ed, "127.0.0.1", &got, T0 + 20, &field, err, sizeof(err)), RECORDS_OK);
	assert_true(records_interaction_get(db, &a, got.id, &got));
	assert_int_equal(got.offer_entity_id, jid);
	assert_int_equal(got.entity_id, id);
	assert_string_equal(got.channel, "online");
	assert_true(records_interactions(db, &a, id, false, &list, &n));
	assert_string_equal(list[2].summary, "オンラインで面談");
	arena_free(&a);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'company.interaction_add'", 0), 3);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'company.interaction_update'", 0), 1);
}

/* G64, G65: 受付 → 公開中 → 充足; the current value is the latest, the history newest first, audited. */
static void
test_offer_status(void **state)
{
	db_t *db = *state;
	static const char *const job[] = { "title", "状況テストの求人", "company_name", "どこか", NULL };
	static const char *const intern[] = { "title", "状況テストのインターン", NULL };
	account_t ed = staff(db, "kigyo-edit3", "kigyo", "edit");
	records_status_row_t *h;
	char err[256], cur[16];
	arena_t a;
	int64_t jid = make(db, "job", "draft", "kigyo", job);
	int64_t iid = make(db, "internship", "draft", "kigyo", intern);
	int n;

	assert_int_equal(records_offer_company(db, jid), 0);
	assert_true(records_offer_status_current(db, jid, cur, sizeof(cur)));
	assert_string_equal(cur, "");
	assert_int_equal(records_offer_status_set(db, &ed, "127.0.0.1", jid, "received", "電話で受付", T0, err, sizeof(err)),
	    RECORDS_OK);
	assert_int_equal(records_offer_status_set(db, &ed, "127.0.0.1", jid, "open", "", T0 + 60, err, sizeof(err)),
	    RECORDS_OK);
	assert_int_equal(records_offer_status_set(db, &ed, "127.0.0.1", jid, "filled", "2名採用", T0 + 120, err, sizeof(err)),
	    RECORDS_OK);
	assert_int_equal(records_offer_status_set(db, &ed, "127.0.0.1", jid, "paused", "", T0, err, sizeof(err)),
	    RECORDS_INVALID);
	assert_true(records_offer_status_current(db, jid, cur, sizeof(cur)));
	assert_string_equal(cur, "filled");
	assert_string_equal(records_offer_status_label(cur), "充足");
	arena_init(&a, 4096, 1 << 20);
	assert_true(records_offer_status_history(db, &a, jid, &h, &n));
	assert_int_equal(n, 3);
	assert_string_equal(h[0].status, "filled");
	assert_string_equal(h[0].note, "2名採用");
	assert_string_equal(h[2].status, "received");
	arena_free(&a);
	assert_int_equal(records_offer_status_set(db, &ed, "127.0.0.1", iid, "closed", "", T0, err, sizeof(err)), RECORDS_OK);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'job.status'", 0), 3);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'internship.status' "
	    "AND detail = '-→closed'", 0), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phone_digits),
		cmocka_unit_test_setup_teardown(test_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contacts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_department_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_status, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
