/* test_search.c - content import, the search entry point, visibility, index in step with writes, facet
 * counts against a brute-force count, snippets (issue 3 items 3-6; REQUIREMENTS B10, G30, G35). */
#include "testutil.h"
#include "dbtest.h"

#include "content/entity.h"
#include "content/import.h"
#include "content/schema.h"
#include "core/jtime.h"
#include "core/log.h"
#include "search/search.h"
#include "app/export.h"

#define NOW 1790000000 /* 2026-09-21 */

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

static import_report_t
import_csv(db_t *db, const char *csv, bool skip_bad)
{
	import_report_t rep;

	import_entities(db, schema, "job", IMPORT_CSV, csv, strlen(csv), skip_bad, NOW, &rep);
	return rep;
}

/* the last columns are the items a published job offer must state (B01, content/joblaw.h) */
#define LAW_COLS ",duties_scope,contract_period,trial_period,workplace,workplace_scope,hours,overtime,breaks,holidays," \
	"salary,insurance,smoking"
#define LAW ",変更なし,期間の定めなし,なし,本社,変更なし,9:00〜18:00,月10時間程度,60分,土日祝,月給20万円,雇用保険・労災保険," \
	"屋内禁煙"
static const char HEADER[] = "title,company_name,description,occupation,employment,municipality,target,industry,status,"
    "listing_start,listing_end" LAW_COLS "\n";

static search_result_t
find(db_t *db, arena_t *a, const char *q, bool staff)
{
	search_params_t p;
	search_result_t r;

	memset(&p, 0, sizeof(p));
	p.type = "job";
	p.q = q;
	p.per_page = 100;
	p.staff = staff;
	p.facets = true;
	p.now = NOW;
	assert_true(search_run(db, a, &p, &r));
	return r;
}

static void
load_basic(db_t *db)
{
	char csv[4096];
	import_report_t rep;

	snprintf(csv, sizeof(csv), "%s"
	    "法人営業職,上州商事,県内企業への提案営業です。,07,seishain,10201,新卒|既卒,I,,," LAW "\n"
	    "ＩＴ営業（ソリューション）,赤城システム,ＳＥと同行します。,07,正社員,高崎市,,G,,," LAW "\n"
	    "看護師（病棟）,榛名病院,手厚い看護体制です。,04,seishain,10203,既卒,P,,," LAW "\n"
	    "ｴﾝｼﾞﾆｱ募集,利根テック,Java の開発。,02,keiyaku,10205,,G,,," LAW "\n"
	    "一般事務,妙義工業,派遣社員として事務を担当。,06,haken,10201,,E,,," LAW "\n"
	    "営業事務（下書き）,下書き社,まだ公開しない。,06,seishain,10201,,E,draft,," LAW "\n"
	    "期限切れの営業,過去社,掲載が終わった求人。,07,seishain,10201,,E,,2026-01-01,2026-03-31" LAW "\n"
	    "これからの営業,未来社,まだ掲載前。,07,seishain,10201,,E,,2027-01-01," LAW "\n", HEADER);
	rep = import_csv(db, csv, false);
	if (rep.bad != 0)
		print_error("%s\n", rep.errors.data);
	assert_int_equal(rep.bad, 0);
	assert_int_equal(rep.written, 8);
	buf_free(&rep.errors);
}

static bool
has_title(db_t *db, const search_result_t *r, const char *title)
{
	int i;

	for (i = 0; i < r->nids; i++) {
		db_stmt_t *st = db_prepare(db, "SELECT title FROM entities WHERE id = ?");
		bool eq;
		db_bind_i64(st, 1, r->ids[i]);
		eq = db_step(st) == DB_ROW && strcmp(db_col_text(st, 0), title) == 0;
		db_done(st);
		if (eq)
			return true;
	}
	return false;
}

static void
test_keywords(void **state)
{
	db_t *db = *state;
	arena_t a;
	search_result_t r;

	arena_init(&a, 65536, 0);
	load_basic(db);
	r = find(db, &a, "営業", false);
	assert_int_equal(r.total, 2); /* draft, expired and future ones are not public */
	assert_true(has_title(db, &r, "法人営業職"));
	assert_true(has_title(db, &r, "ＩＴ営業（ソリューション）"));
	r = find(db, &a, "営業", true);
	assert_int_equal(r.total, 5); /* staff see every status and period */
	r = find(db, &a, "it営業", false);
	assert_int_equal(r.total, 1);
	r = find(db, &a, "se", false);
	assert_true(has_title(db, &r, "ＩＴ営業（ソリューション）"));
	r = find(db, &a, "エンジニア", false);
	assert_true(has_title(db, &r, "ｴﾝｼﾞﾆｱ募集"));
	r = find(db, &a, "看", false);
	assert_int_equal(r.total, 1);
	r = find(db, &a, "事務 -派遣", false);
	assert_int_equal(r.total, 0);
	r = find(db, &a, "看護 OR 事務", false);
	assert_int_equal(r.total, 2);
	r = find(db, &a, "\"法人営業\"", false);
	assert_int_equal(r.total, 1);
	r = find(db, &a, "\"営業法人\"", false); /* a phrase keeps its order */
	assert_int_equal(r.total, 0);
	r = find(db, &a, "！？", false);
	assert_int_equal(r.total, 0);
	r = find(db, &a, "", false);
	assert_int_equal(r.total, 5);
	arena_free(&a);
}

static void
test_facets_and_filters(void **state)
{
	db_t *db = *state;
	arena_t a;
	search_params_t p;
	search_result_t r;
	int i;
	int64_t area_chumo = -1, muni_maebashi = -1;

	arena_init(&a, 65536, 0);
	load_basic(db);
	r = find(db, &a, "", false);
	for (i = 0; i < r.nfacets; i++) {
		if (strcmp(r.facets[i].vocab, "area") == 0 && strcmp(r.facets[i].code, "chumo") == 0)
			area_chumo = r.facets[i].count;
		if (strcmp(r.facets[i].vocab, "municipality") == 0 && strcmp(r.facets[i].code, "10201") == 0)
			muni_maebashi = r.facets[i].count;
	}
	/* 前橋市 (10201) x2 public, 伊勢崎 (10204)? none; 中毛 = 前橋 2 */
	assert_int_equal(muni_maebashi, 2);
	assert_int_equal(area_chumo, 2);

	memset(&p, 0, sizeof(p));
	p.type = "job";
	p.per_page = 100;
	p.facets = true;
	p.now = NOW;
	p.nfilters = 2;
	p.filters[0].vocab = "area";
	p.filters[0].codes[0] = "chumo";
	p.filters[0].codes[1] = "tomo";
	p.filters[0].ncodes = 2;
	p.filters[1].vocab = "employment";
	p.filters[1].codes[0] = "seishain";
	p.filters[1].ncodes = 1;
	assert_true(search_run(db, &a, &p, &r));
	/* 中毛 or 東毛, and 正社員: 法人営業職 (前橋), 看護師 (桐生 = 東毛) */
	assert_int_equal(r.total, 2);
	arena_free(&a);
}

/* Brute force: for many random entities, the facet counts of a query equal a count in C. */
static void
test_facet_counts_brute_force(void **state)
{
	db_t *db = *state;
	static const char *const words[] = { "営業", "看護", "事務", "介護", "製造" };
	static const char *const munis[] = { "10201", "10202", "10203", "10204", "10205", "10206" };
	static const char *const emps[] = { "seishain", "keiyaku", "part" };
	struct row { int word, muni, emp; bool pub; } rows[90];
	buf_t csv = BUF_INIT;
	import_report_t rep;
	arena_t a;
	unsigned seed = 7;
	int i, w, m, e;

	buf_puts(&csv, HEADER);
	for (i = 0; i < 90; i++) {
		seed = seed * 1103515245u + 12345u;
		rows[i].word = (int)((seed >> 8) % 5);
		rows[i].muni = (int)((seed >> 12) % 6);
		rows[i].emp = (int)((seed >> 16) % 3);
		rows[i].pub = ((seed >> 20) % 4) != 0;
		buf_printf(&csv, "%s担当 %d,社%d,%sの仕事です。,07,%s,%s,,E,%s,," LAW "\n", words[rows[i].word], i, i,
		    words[rows[i].word], emps[rows[i].emp], munis[rows[i].muni], rows[i].pub ? "published" : "draft");
	}
	rep = import_csv(db, csv.data, false);
	assert_int_equal(rep.bad, 0);
	buf_free(&rep.errors);
	buf_free(&csv);
	arena_init(&a, 65536, 0);
	for (w = 0; w < 5; w++) {
		search_result_t r = find(db, &a, words[w], false);
		int64_t want_total = 0, want_m[6] = { 0 }, want_e[3] = { 0 };
		for (i = 0; i < 90; i++) {
			if (rows[i].word != w || !rows[i].pub)
				continue;
			want_total++;
			want_m[rows[i].muni]++;
			want_e[rows[i].emp]++;
		}
		assert_int_equal(r.total, want_total);
		for (m = 0; m < 6; m++) {
			int64_t got = 0;
			for (i = 0; i < r.nfacets; i++)
				if (strcmp(r.facets[i].vocab, "municipality") == 0 && strcmp(r.facets[i].code, munis[m]) == 0)
					got = r.facets[i].count;
			assert_int_equal(got, want_m[m]);
		}
		for (e = 0; e < 3; e++) {
			int64_t got = 0;
			for (i = 0; i < r.nfacets; i++)
				if (strcmp(r.facets[i].vocab, "employment") == 0 && strcmp(r.facets[i].code, emps[e]) == 0)
					got = r.facets[i].count;
			assert_int_equal(got, want_e[e]);
		}
	}
	arena_free(&a);
}

static void
test_index_in_step(void **state)
{
	db_t *db = *state;
	arena_t a;
	search_result_t r;
	db_stmt_t *st;
	int64_t id;

	arena_init(&a, 65536, 0);
	load_basic(db);
	search_reset();
	assert_false(search_ready("job"));   /* not built in this process yet */
	r = find(db, &a, "看護", false);
	assert_true(search_ready("job"));
	assert_int_equal(r.nids, 1);
	id = r.ids[0];
	/* a new title is found at once, the old one no longer */
	st = db_prepare(db, "UPDATE entities SET title = '保育士（園児20名）' WHERE id = ?");
	db_bind_i64(st, 1, id);
	assert_int_equal(db_run(st), DB_DONE);
	assert_int_equal(find(db, &a, "保育", false).total, 1);
	assert_int_equal(find(db, &a, "病棟", false).total, 0);
	{
		/* the staff lists' title filter follows the change too (issue 7 item 9) */
		search_params_t p;
		search_result_t sr;
		memset(&p, 0, sizeof(p));
		p.type = "job";
		p.staff = true;
		p.sort = SORT_UPDATED;
		p.page = 1;
		p.per_page = 20;
		p.now = NOW;
		p.title_part = "園児20名";
		assert_true(search_run(db, &a, &p, &sr));
		assert_int_equal(sr.total, 1);
		assert_int_equal(sr.ids[0], id);
		p.title_part = "病棟";
		assert_true(search_run(db, &a, &p, &sr));
		assert_int_equal(sr.total, 0);
	}
	/* status and period changes */
	assert_true(entity_set_status(db, id, "archived", NOW));
	assert_int_equal(find(db, &a, "保育", false).total, 0);
	assert_int_equal(find(db, &a, "保育", true).total, 1);
	assert_true(entity_set_status(db, id, "published", NOW));
	assert_true(entity_set_listing(db, id, 0, NOW - 1, NOW));
	assert_int_equal(find(db, &a, "保育", false).total, 0);
	assert_true(entity_set_listing(db, id, 0, 0, NOW));
	assert_int_equal(find(db, &a, "保育", false).total, 1);
	/* a rolled-back change leaves the index as it was */
	assert_true(db_begin_write(db));
	assert_true(entity_delete(db, id));
	assert_int_equal(find(db, &a, "保育", true).total, 0);
	db_rollback(db);
	assert_int_equal(find(db, &a, "保育", true).total, 1);
	assert_true(entity_delete(db, id));
	assert_int_equal(find(db, &a, "保育", true).total, 0);
	arena_free(&a);
}

static void
test_import_errors(void **state)
{
	db_t *db = *state;
	char csv[2048];
	import_report_t rep;

	snprintf(csv, sizeof(csv), "%s"
	    "良い行,社,内容,07,seishain,10201,,E,,," LAW "\n"
	    ",社,内容,07,seishain,10201,,E,,," LAW "\n"
	    "大阪の求人,社,内容,07,seishain,大阪市,,E,,," LAW "\n"
	    "締切,社,内容,99,seishain,10201,,E,,2026-02-30," LAW "\n", HEADER);
	rep = import_csv(db, csv, false);
	assert_int_equal(rep.rows, 4);
	assert_int_equal(rep.bad, 3);
	assert_int_equal(rep.written, 0);
	assert_non_null(strstr(rep.errors.data, "3行目: 「求人タイトル」を入力してください。"));
	assert_non_null(strstr(rep.errors.data, "4行目: 「就業場所（市町村）」に「大阪市」という選択肢はありません。"));
	assert_non_null(strstr(rep.errors.data, "5行目: 「職種」に「99」という選択肢はありません。"));
	assert_non_null(strstr(rep.errors.data, "5行目: 「掲載開始日」"));
	buf_free(&rep.errors);
	{
		db_stmt_t *st = db_prepare(db, "SELECT COUNT(*) FROM entities");
		assert_int_equal(db_step(st), DB_ROW);
		assert_int_equal(db_col_i64(st, 0), 0); /* nothing written */
		db_done(st);
	}
	rep = import_csv(db, csv, true);
	assert_int_equal(rep.written, 1);
	buf_free(&rep.errors);
	/* unknown column */
	rep = import_csv(db, "title,no_such_field\nx,y\n", false);
	assert_non_null(strstr(rep.errors.data, "1行目: 見出し「no_such_field」"));
	assert_int_equal(rep.written, 0);
	buf_free(&rep.errors);
}

static void
test_import_jsonl_and_labels(void **state)
{
	db_t *db = *state;
	const char *jsonl =
	    "{\"求人タイトル\": \"介護職員\", \"企業名\": \"榛名会\", \"仕事の内容\": \"介護の仕事\", \"職種\": [\"08\"],"
	    " \"従事すべき業務の変更の範囲\": \"変更なし\", \"労働契約の期間\": \"期間の定めなし\", \"試用期間\": \"なし\","
	    " \"就業場所\": \"本社\", \"就業場所の変更の範囲\": \"変更なし\", \"勤務時間\": \"9:00〜18:00\", \"時間外\": \"なし\","
	    " \"休憩時間\": \"60分\", \"休日休暇\": \"土日祝\", \"給与\": \"月給20万円\", \"加入保険\": \"雇用保険\","
	    " \"受動喫煙防止措置\": \"屋内禁煙\","
	    " \"雇用形態\": \"パート・アルバイト\", \"municipality\": [\"前橋市\", \"10202\"], \"deadline\": \"2027-03-31\"}\n"
	    "\n"
	    "{\"title\": \"bad\", \"unknown\": 1}\n"
	    "not json\n";
	import_report_t rep;
	arena_t a;
	search_result_t r;

	import_entities(db, schema, "job", IMPORT_JSONL, jsonl, strlen(jsonl), true, NOW, &rep);
	assert_int_equal(rep.written, 1);
	assert_int_equal(rep.bad, 2);
	assert_non_null(strstr(rep.errors.data, "3行目"));
	assert_non_null(strstr(rep.errors.data, "4行目"));
	buf_free(&rep.errors);
	arena_init(&a, 65536, 0);
	r = find(db, &a, "介護", false);
	assert_int_equal(r.total, 1);
	/* both municipalities and their areas (中毛, 西毛) are linked */
	{
		int i, areas = 0;
		for (i = 0; i < r.nfacets; i++)
			if (strcmp(r.facets[i].vocab, "area") == 0)
				areas++;
		assert_int_equal(areas, 2);
	}
	arena_free(&a);
	assert_int_equal(import_guess_format("x.csv", "{", 1), IMPORT_CSV);
	assert_int_equal(import_guess_format("x.jsonl", "a", 1), IMPORT_JSONL);
	assert_int_equal(import_guess_format("-", " {", 2), IMPORT_JSONL);
}

/* term names for list pages come from the index the search used, in display order */
static void
test_term_names(void **state)
{
	db_t *db = *state;
	arena_t a;
	search_result_t r;
	buf_t b = BUF_INIT;

	arena_init(&a, 65536, 0);
	load_basic(db);
	r = find(db, &a, "法人営業", false);
	assert_int_equal(r.nids, 1);
	assert_true(search_term_names("job", r.ids[0], "target", "、", &b));
	assert_string_equal(b.data, "新卒、既卒");
	buf_clear(&b);
	assert_true(search_term_names("job", r.ids[0], "municipality", "、", &b));
	assert_string_equal(b.data, "前橋市");
	buf_clear(&b);
	assert_true(search_term_names("job", r.ids[0], "area", "、", &b));
	assert_string_equal(b.data, "中毛");  /* the municipality's ancestor */
	buf_clear(&b);
	assert_false(search_term_names("job", 999999, "target", "、", &b));
	assert_false(search_term_names("nosuchtype", r.ids[0], "target", "、", &b));
	buf_free(&b);
	arena_free(&a);
}

static void
test_snippet_escaped(void **state)
{
	db_t *db = *state;
	char csv[1024];
	import_report_t rep;
	arena_t a;
	search_result_t r;
	buf_t html = BUF_INIT;

	snprintf(csv, sizeof(csv), "%s"
	    "安全な求人,社,\"<script>alert(1)</script> 営業の仕事 & \"\"引用\"\"\",07,seishain,10201,,E,,," LAW "\n", HEADER);
	rep = import_csv(db, csv, false);
	assert_int_equal(rep.written, 1);
	buf_free(&rep.errors);
	arena_init(&a, 65536, 0);
	r = find(db, &a, "営業", false);
	assert_int_equal(r.nids, 1);
	assert_true(search_snippet(db, r.ids[0], "営業", 32, &html));
	assert_null(strstr(html.data, "<script>"));
	assert_non_null(strstr(html.data, "&lt;script&gt;"));
	assert_non_null(strstr(html.data, "<mark>営業</mark>"));
	assert_non_null(strstr(html.data, "&amp;"));
	buf_clear(&html);
	assert_true(search_snippet(db, r.ids[0], "", 32, &html));
	assert_non_null(strstr(html.data, "&lt;script&gt;"));
	buf_free(&html);
	arena_free(&a);
}

static bool
refuse_commit(db_t *db, const import_report_t *rep, void *arg)
{
	*(int64_t *)arg = rep->written;
	return false;
}

/* issue 7 item 4 (G67): a dry run checks and writes nothing; the before-commit hook (the audit entry) can
 * refuse the whole import; outside the prefecture rows get, and may only name, the importer's department. */
static void
test_import_dry_run_and_department(void **state)
{
	db_t *db = *state;
	char csv[4096];
	import_report_t rep;
	import_opts_t o = { .dry_run = true };
	int64_t seen = -1;
	db_stmt_t *st;

	snprintf(csv, sizeof(csv), "title,company_name,description,occupation,employment,municipality,department" LAW_COLS "\n"
	    "良い行,社,内容,07,seishain,10201," LAW "\n"
	    "悪い行,社,内容,07,seishain,大阪市," LAW "\n"
	    "よその部署,社,内容,07,seishain,10201,kigyo" LAW "\n");
	assert_false(import_entities_ex(db, schema, "job", IMPORT_CSV, csv, strlen(csv), &o, NOW, &rep));
	assert_int_equal(rep.rows, 3);
	assert_int_equal(rep.bad, 1);
	assert_int_equal(rep.written, 2); /* would be written */
	assert_non_null(strstr(rep.errors.data, "3行目: 「就業場所（市町村）」"));
	buf_free(&rep.errors);
	/* own department only: the third row is refused, the first gets shushoku */
	o = (import_opts_t){ .dry_run = true, .department_code = "shushoku", .department_name = "就職支援部門",
	    .own_department_only = true };
	assert_false(import_entities_ex(db, schema, "job", IMPORT_CSV, csv, strlen(csv), &o, NOW, &rep));
	assert_int_equal(rep.bad, 2);
	assert_non_null(strstr(rep.errors.data, "4行目: 「担当部署」には自分の部署しか指定できません。"));
	buf_free(&rep.errors);
	/* a refusing hook rolls everything back */
	o = (import_opts_t){ .skip_bad = true, .before_commit = refuse_commit, .arg = &seen, .department_code = "shushoku",
	    .own_department_only = true };
	assert_false(import_entities_ex(db, schema, "job", IMPORT_CSV, csv, strlen(csv), &o, NOW, &rep));
	assert_int_equal(seen, 1);
	buf_free(&rep.errors);
	st = db_prepare(db, "SELECT COUNT(*) FROM entities");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_i64(st, 0), 0);
	db_done(st);
	/* for real, skipping the bad rows: one written, in the importer's department */
	o = (import_opts_t){ .skip_bad = true, .department_code = "shushoku", .own_department_only = true };
	assert_true(import_entities_ex(db, schema, "job", IMPORT_CSV, csv, strlen(csv), &o, NOW, &rep));
	assert_int_equal(rep.written, 1);
	buf_free(&rep.errors);
	st = db_prepare(db, "SELECT d.code FROM entities e JOIN departments d ON d.id = e.department_id");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "shushoku");
	db_done(st);
}

static int64_t
q_i64(db_t *db, const char *sql, int64_t arg)
{
	db_stmt_t *st = db_prepare(db, sql);
	int64_t v = -1;

	assert_non_null(st);
	db_bind_i64(st, 1, arg);
	if (db_step(st) == DB_ROW)
		v = db_col_i64(st, 0);
	db_done(st);
	return v;
}

static char *
q_text(db_t *db, const char *sql, int64_t arg)
{
	db_stmt_t *st = db_prepare(db, sql);
	char *v = NULL;

	assert_non_null(st);
	db_bind_i64(st, 1, arg);
	if (db_step(st) == DB_ROW)
		v = strdup(db_col_text(st, 0));
	db_done(st);
	assert_non_null(v);
	return v;
}

/* G67: a row with 番号 updates that record: only the columns the file has, the rest (fields, status,
 * department) as stored, a revision for the history; unknown numbers, bad numbers and, outside the
 * prefecture, another department's record are refused; a dry run changes nothing. */
static void
test_import_update_by_id(void **state)
{
	db_t *db = *state;
	char csv[4096];
	import_report_t rep;
	import_opts_t o = { .department_code = "shushoku", .own_department_only = true, .actor_id = 0 };
	int64_t id;
	char *v;

	snprintf(csv, sizeof(csv), "title,company_name,description,occupation,employment,municipality" LAW_COLS "\n"
	    "元のタイトル,更新テスト社,元の仕事内容,07,seishain,10201" LAW "\n");
	assert_true(import_entities_ex(db, schema, "job", IMPORT_CSV, csv, strlen(csv), &o, NOW, &rep));
	assert_int_equal(rep.written, 1);
	assert_int_equal(rep.updated, 0);
	buf_free(&rep.errors);
	id = q_i64(db, "SELECT id FROM entities WHERE title = '元のタイトル' AND ? = 0", 0);
	assert_true(id > 0);
	/* a dry run reports the update and writes nothing */
	snprintf(csv, sizeof(csv), "番号,求人タイトル\n%lld,新しいタイトル\n", (long long)id);
	o.dry_run = true;
	assert_true(import_entities_ex(db, schema, "job", IMPORT_CSV, csv, strlen(csv), &o, NOW + 10, &rep));
	assert_int_equal(rep.written, 1);
	assert_int_equal(rep.updated, 1);
	buf_free(&rep.errors);
	v = q_text(db, "SELECT title FROM entities WHERE id = ?", id);
	assert_string_equal(v, "元のタイトル");
	free(v);
	/* for real: the title changes, the description, status and department stay, no new record */
	o.dry_run = false;
	assert_true(import_entities_ex(db, schema, "job", IMPORT_CSV, csv, strlen(csv), &o, NOW + 10, &rep));
	assert_int_equal(rep.updated, 1);
	buf_free(&rep.errors);
	assert_int_equal(q_i64(db, "SELECT COUNT(*) FROM entities WHERE type = 'job' AND ? = 0", 0), 1);
	v = q_text(db, "SELECT title || '/' || json_extract(fields, '$.description') || '/' || status FROM entities WHERE id = ?", id);
	assert_string_equal(v, "新しいタイトル/元の仕事内容/published");   /* imports publish by default; kept */
	free(v);
	v = q_text(db, "SELECT d.code FROM entities e JOIN departments d ON d.id = e.department_id WHERE e.id = ?", id);
	assert_string_equal(v, "shushoku");
	free(v);
	assert_int_equal(q_i64(db, "SELECT COUNT(*) FROM entity_revisions WHERE entity_id = ? AND note = 'import'", id), 1);
	assert_int_equal(q_i64(db, "SELECT updated_at FROM entities WHERE id = ?", id), NOW + 10);
	/* refused: an unknown number, a number that is no number, another department's record */
	snprintf(csv, sizeof(csv), "番号,求人タイトル\n999999,だめ\nabc,だめ\n");
	assert_false(import_entities_ex(db, schema, "job", IMPORT_CSV, csv, strlen(csv), &o, NOW + 20, &rep));
	assert_int_equal(rep.bad, 2);
	assert_non_null(strstr(rep.errors.data, "2行目: 番号999999の"));
	assert_non_null(strstr(rep.errors.data, "3行目: 「番号」は更新する記録の番号"));
	buf_free(&rep.errors);
	snprintf(csv, sizeof(csv), "番号,求人タイトル\n%lld,よその部署から\n", (long long)id);
	o.department_code = "kigyo";
	assert_false(import_entities_ex(db, schema, "job", IMPORT_CSV, csv, strlen(csv), &o, NOW + 20, &rep));
	assert_non_null(strstr(rep.errors.data, "ほかの部署の記録のため、更新できません"));
	buf_free(&rep.errors);
	/* the prefecture may (own_department_only false); an emptied required column is an error, not a wipe */
	o.own_department_only = false;
	snprintf(csv, sizeof(csv), "番号,求人タイトル\n%lld,\n", (long long)id);
	assert_false(import_entities_ex(db, schema, "job", IMPORT_CSV, csv, strlen(csv), &o, NOW + 20, &rep));
	assert_int_equal(rep.bad, 1);
	buf_free(&rep.errors);
	snprintf(csv, sizeof(csv), "番号,求人タイトル\n%lld,県が直したタイトル\n", (long long)id);
	assert_true(import_entities_ex(db, schema, "job", IMPORT_CSV, csv, strlen(csv), &o, NOW + 30, &rep));
	buf_free(&rep.errors);
	v = q_text(db, "SELECT title FROM entities WHERE id = ?", id);
	assert_string_equal(v, "県が直したタイトル");
	free(v);
	v = q_text(db, "SELECT d.code FROM entities e JOIN departments d ON d.id = e.department_id WHERE e.id = ?", id);
	assert_string_equal(v, "shushoku");   /* still its department: the file had no 担当部署 column */
	free(v);
}

/* Reads a whole export with reads of at most max bytes. */
static char *
read_all(export_t *e, size_t max, size_t *len)
{
	buf_t out = BUF_INIT;
	char chunk[4096];
	long n;

	assert_true(max <= sizeof(chunk));
	while ((n = export_read(e, chunk, max)) > 0) {
		assert_true((size_t)n <= max);
		buf_append(&out, chunk, (size_t)n);
	}
	assert_int_equal(n, 0);
	return buf_steal(&out, len);
}

/* issue 7 items 4 and 9 (G67): the streamed export gives the same bytes whatever the read size, with the BOM,
 * the Japanese header, formula cells neutralised, terms by name, a deleted record skipped; and an imported
 * export checks clean. */
static void
test_export_stream(void **state)
{
	db_t *db = *state;
	const schema_type_t *job = schema_type(schema, "job");
	char csv[4096], *a, *b;
	size_t alen, blen;
	int64_t ids[4];
	import_report_t rep;
	import_opts_t o = { .dry_run = true };
	export_t *e;
	db_stmt_t *st;
	int n = 0;

	snprintf(csv, sizeof(csv), "%s"
	    "\"=HYPERLINK(\"\"http://x\"\")\",上州商事,提案営業,07,seishain,10201,新卒|既卒,I,,," LAW "\n"
	    "一般事務,妙義工業,\"受発注\n電話対応\",06,part,10202,,E,draft,,2027-03-31" LAW "\n"
	    "消える求人,過去社,内容,07,seishain,10201,,E,,," LAW "\n", HEADER);
	rep = import_csv(db, csv, false);
	assert_int_equal(rep.written, 3);
	buf_free(&rep.errors);
	st = db_prepare(db, "SELECT id FROM entities ORDER BY id");
	while (db_step(st) == DB_ROW)
		ids[n++] = db_col_i64(st, 0);
	db_done(st);
	assert_int_equal(n, 3);
	ids[3] = 999999; /* not there: skipped */
	assert_true(db_begin_write(db));
	assert_true(entity_delete(db, ids[2]));
	assert_true(db_commit(db));

	e = export_open(job, ids, 4);
	assert_non_null(e);
	a = read_all(e, 4096, &alen);
	assert_int_equal(export_rows(e), 2);
	export_close(e);
	e = export_open(job, ids, 4);
	b = read_all(e, 7, &blen);  /* tiny reads split rows and UTF-8 sequences: the bytes are the same */
	export_close(e);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	assert_true(strncmp(a, "\xef\xbb\xbf\"番号\",\"求人タイトル\",\"企業名\"", strlen("\xef\xbb\xbf\"番号\",\"求人タイトル\",\"企業名\"")) == 0);
	assert_non_null(strstr(a, "\"'=HYPERLINK(\"\"http://x\"\")\""));
	assert_non_null(strstr(a, "\"新卒|既卒\""));
	assert_non_null(strstr(a, "\"受発注\n電話対応\""));
	assert_non_null(strstr(a, ",\"draft\",\"\",\"2027-03-31\","));  /* the end date as it was imported */
	assert_null(strstr(a, "消える求人"));
	/* what was exported imports back (a check: nothing written) */
	import_entities_ex(db, schema, "job", IMPORT_CSV, a, alen, &o, NOW, &rep);
	if (rep.bad != 0)
		print_error("%s\n", rep.errors.data);
	assert_int_equal(rep.bad, 0);
	assert_int_equal(rep.written, 2);
	buf_free(&rep.errors);
	free(a);
	free(b);
	/* issue 7 item 9: a long export read in pieces smaller than its chunk holds one chunk, not the file */
	{
		enum { COPIES = 3000 };
		int64_t *many = malloc(COPIES * sizeof(int64_t));
		size_t total = 0, peak = 0;
		long got;
		assert_non_null(many);
		for (int i = 0; i < COPIES; i++)
			many[i] = ids[i % 2];
		e = export_open(job, many, COPIES);
		assert_non_null(e);
		while ((got = export_read(e, csv, 1000)) > 0) {
			total += (size_t)got;
			if (export_buffered(e) > peak)
				peak = export_buffered(e);
		}
		assert_int_equal(got, 0);
		assert_int_equal(export_rows(e), COPIES);
		export_close(e);
		free(many);
		assert_true(total > 400 * 1024);
		assert_true(peak < 128 * 1024);
	}
	/* nothing to export: the header alone */
	e = export_open(job, NULL, 0);
	a = read_all(e, 100, &alen);
	export_close(e);
	assert_non_null(strstr(a, "\"更新日\"\r\n"));
	assert_int_equal(strstr(a, "\r\n") - a + 2, (long)alen);
	free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keywords, setup, teardown),
		cmocka_unit_test_setup_teardown(test_facets_and_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_facet_counts_brute_force, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_in_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_dry_run_and_department, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_update_by_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_jsonl_and_labels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snippet_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_term_names, setup, teardown),
	};

	return cmocka_run_group_tests_name("search", tests, NULL, NULL);
}
