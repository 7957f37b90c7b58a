/* test_joblaw.c - the publication check of job offers (issue 7 item 2; B01): every legally required item,
 * the fixed-term renewal condition, the age-limit reason, gender-specific titles as warnings, the same
 * on stored fields JSON, entity_validate refusing to publish and allowing a draft, entity_publish_check,
 * and the schema attributes' own checks. */
#include "testutil.h"
#include "dbtest.h"

#include "content/entity.h"
#include "content/joblaw.h"
#include "content/schema.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define NOW 1790000000 /* 2026-09-21 */

static schema_t *schema;
static const schema_type_t *job;

/* A complete, lawful job offer. */
static const struct { const char *field, *value; } complete[] = {
	{ "title", "一般事務" }, { "company_name", "上州商事" }, { "description", "受発注の入力と電話対応" },
	{ "duties_scope", "変更なし" }, { "occupation", "06" }, { "employment", "seishain" },
	{ "contract_period", "期間の定めなし" }, { "trial_period", "あり（3か月）" }, { "municipality", "10201" },
	{ "workplace", "本社（前橋市）" }, { "workplace_scope", "変更なし" }, { "hours", "9:00〜18:00" },
	{ "overtime", "月10時間程度" }, { "breaks", "60分" }, { "salary", "月給20万円" }, { "holidays", "土日祝" },
	{ "insurance", "雇用保険、労災保険、健康保険、厚生年金" }, { "smoking", "屋内禁煙" },
};

static void
fill(const char *values[])
{
	size_t i;
	int k;

	memset(values, 0, sizeof(char *) * SCHEMA_MAX_FIELDS);
	for (i = 0; i < sizeof(complete) / sizeof(complete[0]); i++) {
		k = schema_field_index(job, complete[i].field);
		assert_true(k >= 0);
		values[k] = complete[i].value;
	}
}

static void
set(const char *values[], const char *field, const char *value)
{
	int k = schema_field_index(job, field);

	assert_true(k >= 0);
	values[k] = value;
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
	job = schema_type(schema, "job");
	*state = db;
	return job != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	schema_free(schema);
	dbtest_close(*state);
	return 0;
}

static void
test_complete_passes(void **state)
{
	const char *v[SCHEMA_MAX_FIELDS];
	buf_t e = BUF_INIT;

	assert_true(joblaw_applies(job));
	assert_false(joblaw_applies(schema_type(schema, "news")));
	fill(v);
	assert_true(joblaw_check(job, v, &e));
	assert_int_equal(e.len, 0);
	buf_free(&e);
}

/* Each required item, left out on its own, is named with its clause. */
static void
test_each_item_required(void **state)
{
	static const struct { const char *field, *label, *clause; } items[] = {
		{ "description", "「仕事の内容」", "第1号" }, { "duties_scope", "「従事すべき業務の変更の範囲」", "第1号" },
		{ "contract_period", "「労働契約の期間」", "第2号" }, { "trial_period", "「試用期間」", "第2号の2" },
		{ "workplace", "「就業場所」", "第3号" }, { "workplace_scope", "「就業場所の変更の範囲」", "第3号" },
		{ "hours", "「勤務時間」", "第4号" }, { "overtime", "「時間外」", "第4号" }, { "breaks", "「休憩時間」", "第4号" },
		{ "holidays", "「休日休暇」", "第4号" }, { "salary", "「給与」", "第5号" }, { "insurance", "「加入保険」", "第6号" },
		{ "company_name", "「企業名」", "第7号" }, { "smoking", "「受動喫煙防止措置」", "第9号" },
	};
	const char *v[SCHEMA_MAX_FIELDS];
	size_t i;

	for (i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		buf_t e = BUF_INIT;
		fill(v);
		set(v, items[i].field, i % 2 ? " \u3000 " : NULL); /* blanks count as missing */
		assert_false(joblaw_check(job, v, &e));
		assert_non_null(strstr(e.data, items[i].label));
		assert_non_null(strstr(e.data, items[i].clause));
		assert_null(strchr(e.data, '\n')); /* exactly one line */
		buf_free(&e);
	}
}

static void
test_renewal_only_for_renewable_fixed_term(void **state)
{
	const char *v[SCHEMA_MAX_FIELDS];
	buf_t e = BUF_INIT;

	fill(v);
	set(v, "fixed_term_renewable", "いいえ");
	assert_true(joblaw_check(job, v, &e));
	set(v, "fixed_term_renewable", "はい");
	assert_false(joblaw_check(job, v, &e));
	assert_non_null(strstr(e.data, "「契約更新の基準・更新上限」"));
	assert_non_null(strstr(e.data, "第2号の3"));
	buf_clear(&e);
	set(v, "renewal_rule", "更新あり（上限5年）");
	assert_true(joblaw_check(job, v, &e));
	buf_free(&e);
}

static void
test_age_limit_needs_a_lawful_reason(void **state)
{
	const char *v[SCHEMA_MAX_FIELDS];
	buf_t e = BUF_INIT;

	fill(v);
	set(v, "age_limit", "不問");
	assert_true(joblaw_check(job, v, &e));
	set(v, "age_limit", " なし ");
	assert_true(joblaw_check(job, v, &e));
	set(v, "age_limit", "35歳以下");
	assert_false(joblaw_check(job, v, &e));
	assert_non_null(strstr(e.data, "「年齢制限の理由」を選んでください"));
	assert_non_null(strstr(e.data, "労働施策総合推進法第9条"));
	buf_clear(&e);
	set(v, "age_limit_reason", "c");
	assert_true(joblaw_check(job, v, &e));
	buf_free(&e);
}

static void
test_gendered_titles_warn(void **state)
{
	const char *v[SCHEMA_MAX_FIELDS];
	buf_t w = BUF_INIT, e = BUF_INIT;

	fill(v);
	assert_int_equal(joblaw_warnings(job, v, &w), 0);
	set(v, "title", "看護婦（病棟）");
	set(v, "description", "営業マンとしてルート営業。看護婦の補助も。");
	assert_int_equal(joblaw_warnings(job, v, &w), 2); /* one per word, wherever it appears */
	assert_non_null(strstr(w.data, "「求人タイトル」に性別を限定する表現「看護婦」"));
	assert_non_null(strstr(w.data, "看護師"));
	assert_non_null(strstr(w.data, "「営業マン」"));
	assert_true(joblaw_check(job, v, &e)); /* a warning, not a refusal */
	/* internal fields are not the advertisement */
	buf_clear(&w);
	fill(v);
	set(v, "internal_memo", "スチュワーデス経験者");
	assert_int_equal(joblaw_warnings(job, v, &w), 0);
	buf_free(&w);
	buf_free(&e);
}

/* B01 guidance: a fixed overtime payment needs its hours, amount and the extra pay beyond them stated */
static void
test_fixed_overtime_warns(void **state)
{
	const char *v[SCHEMA_MAX_FIELDS];
	buf_t w = BUF_INIT, e = BUF_INIT;

	fill(v);
	set(v, "salary", "月給25万円（固定残業代を含む）");
	assert_int_equal(joblaw_warnings(job, v, &w), 1);
	assert_non_null(strstr(w.data, "「給与」に固定残業代（みなし残業代）があります。"));
	assert_true(joblaw_check(job, v, &e)); /* a warning, not a refusal */
	buf_clear(&w);
	set(v, "salary", "月給25万円（基本給21万円、固定残業代4万円は20時間分。20時間を超える時間外労働は追加で支給）");
	assert_int_equal(joblaw_warnings(job, v, &w), 0);
	/* full-width numbers count too; the statement may be in another field */
	set(v, "salary", "月給25万円（みなし残業代を含む）");
	set(v, "overtime", "みなし残業２０時間分（４万円）を含み、超過分は別途支給");
	buf_clear(&w);
	assert_int_equal(joblaw_warnings(job, v, &w), 0);
	set(v, "overtime", "みなし残業あり");
	assert_int_equal(joblaw_warnings(job, v, &w), 1);
	buf_free(&w);
	buf_free(&e);
}

static void
test_json_forms(void **state)
{
	buf_t e = BUF_INIT, w = BUF_INIT;

	assert_false(joblaw_check_json(job, "{\"title\":\"x\"}", &e));
	assert_non_null(strstr(e.data, "「受動喫煙防止措置」"));
	buf_clear(&e);
	assert_false(joblaw_check_json(job, "not json", &e)); /* unreadable counts as empty */
	buf_clear(&e);
	assert_true(joblaw_check_json(job,
	    "{\"company_name\":\"a\",\"description\":\"b\",\"duties_scope\":\"c\",\"contract_period\":\"d\","
	    "\"fixed_term_renewable\":false,\"trial_period\":\"e\",\"workplace\":\"f\",\"workplace_scope\":\"g\","
	    "\"hours\":\"h\",\"overtime\":\"i\",\"breaks\":\"j\",\"salary\":\"k\",\"holidays\":\"l\",\"insurance\":\"m\","
	    "\"smoking\":\"n\",\"age_limit\":\"40歳以下\",\"age_limit_reason\":[\"c\"],\"annual_holidays\":120}", &e));
	assert_false(joblaw_check_json(job,
	    "{\"company_name\":\"a\",\"description\":\"b\",\"duties_scope\":\"c\",\"contract_period\":\"d\","
	    "\"fixed_term_renewable\":true,\"trial_period\":\"e\",\"workplace\":\"f\",\"workplace_scope\":\"g\","
	    "\"hours\":\"h\",\"overtime\":\"i\",\"breaks\":\"j\",\"salary\":\"k\",\"holidays\":\"l\",\"insurance\":\"m\","
	    "\"smoking\":\"n\",\"age_limit\":\"40歳以下\",\"age_limit_reason\":[]}", &e));
	assert_non_null(strstr(e.data, "「契約更新の基準・更新上限」"));
	assert_non_null(strstr(e.data, "「年齢制限の理由」"));
	assert_int_equal(joblaw_warnings_json(job, "{\"title\":\"ウェイトレス募集\"}", &w), 1);
	buf_free(&e);
	buf_free(&w);
}

/* entity_validate refuses to publish an incomplete job offer and keeps it as a draft. */
static void
test_validate_and_publish_check(void **state)
{
	db_t *db = *state;
	entity_draft_t d = { .type = job };
	entity_ready_t r;
	buf_t e = BUF_INIT;
	int64_t id = 0;

	fill(d.values);
	set(d.values, "smoking", NULL);
	d.status = "published";
	assert_false(entity_validate(db, &d, &r, &e));
	assert_non_null(strstr(e.data, "「受動喫煙防止措置」は、求人を公開するときに必ず明示する事項です"));
	buf_clear(&e);
	d.status = "draft";
	assert_true(entity_validate(db, &d, &r, &e));
	assert_true(db_begin_write(db));
	assert_true(entity_insert(db, &r, NOW, &id));
	assert_true(db_commit(db));
	entity_ready_free(&r);
	assert_false(entity_publish_check(db, job, id, &e));
	assert_non_null(strstr(e.data, "「受動喫煙防止措置」"));
	buf_clear(&e);
	/* other types have nothing to check; a job id asked as another type is not found */
	assert_true(entity_publish_check(db, schema_type(schema, "news"), id, &e));
	/* complete: publishable */
	set(d.values, "smoking", "屋内禁煙");
	d.status = "published";
	assert_true(entity_validate(db, &d, &r, &e));
	assert_true(db_begin_write(db));
	assert_true(entity_insert(db, &r, NOW, &id));
	assert_true(db_commit(db));
	entity_ready_free(&r);
	assert_true(entity_publish_check(db, job, id, &e));
	assert_false(entity_publish_check(db, job, id + 100, &e));
	buf_free(&e);
}

/* The attributes are checked when the schema loads. */
static void
test_schema_attributes_checked(void **state)
{
	static const char *const bad[] = {
		"{\"types\":{\"j\":{\"name\":\"求人\",\"title\":\"t\",\"fields\":[{\"name\":\"t\",\"type\":\"text\",\"disclosure\":18}]}}}",
		"{\"types\":{\"j\":{\"name\":\"求人\",\"title\":\"t\",\"fields\":[{\"name\":\"t\",\"type\":\"text\",\"disclosure\":\"1\"}]}}}",
		"{\"types\":{\"j\":{\"name\":\"求人\",\"title\":\"t\",\"fields\":[{\"name\":\"t\",\"type\":\"text\",\"disclosure\":5,"
		"\"disclosure_if\":\"t\"}]}}}",
		"{\"types\":{\"j\":{\"name\":\"求人\",\"title\":\"t\",\"fields\":[{\"name\":\"t\",\"type\":\"text\",\"reason\":\"nope\"}]}}}",
	};
	char dir[] = "/tmp/tsunagu-joblaw-XXXXXX", path[256], err[256];
	size_t i;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sites", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sites/t", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sites/t/schema.json", dir);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *f = fopen(path, "w");
		schema_t *s;
		assert_non_null(f);
		fputs(bad[i], f);
		fclose(f);
		err[0] = '\0';
		s = schema_load(dir, "t", err, sizeof(err));
		assert_null(s);
		assert_true(strstr(err, "disclosure") != NULL || strstr(err, "reason") != NULL);
	}
	unlink(path);
	snprintf(path, sizeof(path), "%s/sites/t", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/sites", dir);
	rmdir(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_complete_passes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each_item_required, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renewal_only_for_renewable_fixed_term, setup, teardown),
		cmocka_unit_test_setup_teardown(test_age_limit_needs_a_lawful_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gendered_titles_warn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixed_overtime_warns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validate_and_publish_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_attributes_checked, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
