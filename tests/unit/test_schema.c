/* test_schema.c - the content model (issue 4 items 1 and 3): schema.json parsing (field types image,
 * markdown, links; flags csv and print), validation of the new field types, the Gunma profile's ten
 * types, and the demo content (validated, idempotent, fictitious contact data). */
#include "testutil.h"
#include "dbtest.h"

#include "app/demo.h"
#include "content/entity.h"
#include "content/schema.h"
#include "core/log.h"

#include <sys/stat.h>

#define NOW 1790000000 /* 2026-09-21 */

/* ---- a schema written to a temporary root ---- */

static char root[256];

static void
write_schema(const char *json)
{
	char path[400];
	FILE *f;

	snprintf(root, sizeof(root), "/tmp/tsunagu-schema-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/sites", root);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sites/t", root);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sites/t/schema.json", root);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(json, f);
	fclose(f);
}

static void
remove_schema(void)
{
	char path[400];

	snprintf(path, sizeof(path), "%s/sites/t/schema.json", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sites/t", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/sites", root);
	rmdir(path);
	rmdir(root);
}

static schema_t *
load_json(const char *json, char *err, size_t errlen)
{
	schema_t *s;

	write_schema(json);
	s = schema_load(root, "t", err, errlen);
	remove_schema();
	return s;
}

static const char TEST_SCHEMA[] =
    "{ \"types\": { \"doc\": { \"name\": \"文書\", \"title\": \"title\", \"fields\": [\n"
    "  { \"name\": \"title\", \"type\": \"text\", \"label\": \"題名\", \"required\": true },\n"
    "  { \"name\": \"photo\", \"type\": \"image\", \"label\": \"写真\", \"csv\": false },\n"
    "  { \"name\": \"body\", \"type\": \"markdown\", \"label\": \"本文\" },\n"
    "  { \"name\": \"short\", \"type\": \"markdown\", \"label\": \"概要\", \"max\": 10 },\n"
    "  { \"name\": \"links\", \"type\": \"links\", \"label\": \"関連リンク\" },\n"
    "  { \"name\": \"memo\", \"type\": \"longtext\", \"label\": \"社内メモ\", \"internal\": true },\n"
    "  { \"name\": \"memo2\", \"type\": \"text\", \"label\": \"印刷する社内メモ\", \"internal\": true, \"print\": true }\n"
    "] } } }\n";

static void
test_parse_new_types_and_flags(void **state)
{
	char err[512] = "";
	schema_t *s = load_json(TEST_SCHEMA, err, sizeof(err));
	const schema_type_t *t;

	(void)state;
	assert_non_null(s);
	t = schema_type(s, "doc");
	assert_non_null(t);
	assert_int_equal(t->nfields, 7);
	assert_int_equal(t->fields[1].type, F_IMAGE);
	assert_int_equal(t->fields[2].type, F_MARKDOWN);
	assert_int_equal(t->fields[4].type, F_LINKS);
	assert_string_equal(schema_field_type_name(F_IMAGE), "image");
	assert_string_equal(schema_field_type_name(F_MARKDOWN), "markdown");
	assert_string_equal(schema_field_type_name(F_LINKS), "links");
	/* csv defaults to true; print to true for public fields and false for internal ones */
	assert_true(t->fields[0].csv);
	assert_true(t->fields[0].print);
	assert_false(t->fields[1].csv);
	assert_true(t->fields[1].print);
	assert_true(t->fields[5].internal);
	assert_true(t->fields[5].csv);
	assert_false(t->fields[5].print);
	assert_true(t->fields[6].print);
	schema_free(s);
}

static void
test_parse_errors(void **state)
{
	char err[512] = "";
	schema_t *s;

	(void)state;
	s = load_json("{ \"types\": { \"doc\": { \"title\": \"title\", \"fields\": [\n"
	    "  { \"name\": \"title\", \"type\": \"text\", \"csv\": \"yes\" } ] } } }", err, sizeof(err));
	assert_null(s);
	assert_non_null(strstr(err, "true or false"));
	s = load_json("{ \"types\": { \"doc\": { \"title\": \"title\", \"fields\": [\n"
	    "  { \"name\": \"title\", \"type\": \"text\" }, { \"name\": \"pic\", \"type\": \"picture\" } ] } } }",
	    err, sizeof(err));
	assert_null(s);
	assert_non_null(strstr(err, "unknown field type"));
	s = load_json("{ \"types\": { \"doc\": { \"title\": \"title\", \"fields\": [\n"
	    "  { \"name\": \"title\", \"type\": \"text\" },\n"
	    "  { \"name\": \"memo\", \"type\": \"text\", \"internal\": true, \"searchable\": true } ] } } }",
	    err, sizeof(err));
	assert_null(s);
	assert_non_null(strstr(err, "internal field cannot be searchable"));
	s = load_json("{ \"types\": { \"doc\": { \"title\": \"body\", \"fields\": [\n"
	    "  { \"name\": \"body\", \"type\": \"markdown\" } ] } } }", err, sizeof(err));
	assert_null(s);
	assert_non_null(strstr(err, "title"));
}

/* ---- validation of the new field types ---- */

typedef struct vctx {
	db_t     *db;
	schema_t *s;
} vctx_t;

static int
setup_validate(void **state)
{
	char err[512] = "";
	vctx_t *v = calloc(1, sizeof(*v));

	log_set_quiet(true);
	if (v == NULL || (v->db = dbtest_open()) == NULL)
		return -1;
	write_schema(TEST_SCHEMA);
	v->s = schema_load(root, "t", err, sizeof(err));
	remove_schema();
	if (v->s == NULL) {
		print_error("schema: %s\n", err);
		return -1;
	}
	*state = v;
	return 0;
}

static int
teardown_validate(void **state)
{
	vctx_t *v = *state;

	schema_free(v->s);
	dbtest_close(v->db);
	free(v);
	return 0;
}

/* Validates a "doc" with one field set; returns the fields JSON (caller frees) or NULL with errors. */
static char *
check(vctx_t *v, const char *field, const char *value, buf_t *errors)
{
	const schema_type_t *t = schema_type(v->s, "doc");
	entity_draft_t d;
	entity_ready_t e;
	char *json;

	memset(&d, 0, sizeof(d));
	d.type = t;
	d.values[0] = "題名";
	d.values[schema_field_index(t, field)] = value;
	buf_clear(errors);
	if (!entity_validate(v->db, &d, &e, errors))
		return NULL;
	json = strdup(e.fields_json);
	entity_ready_free(&e);
	return json;
}

static void
expect_ok(vctx_t *v, const char *field, const char *value, const char *json_part)
{
	buf_t errors = BUF_INIT;
	char *json = check(v, field, value, &errors);

	if (json == NULL)
		fail_msg("%s=%s: %s", field, value, errors.data ? errors.data : "");
	if (json_part != NULL && strstr(json, json_part) == NULL)
		fail_msg("%s=%s: %s lacks %s", field, value, json, json_part);
	free(json);
	buf_free(&errors);
}

static void
expect_bad(vctx_t *v, const char *field, const char *value, const char *message_part)
{
	buf_t errors = BUF_INIT;
	char *json = check(v, field, value, &errors);

	if (json != NULL)
		fail_msg("%s=%s was accepted: %s", field, value, json);
	if (errors.data == NULL || strstr(errors.data, message_part) == NULL)
		fail_msg("%s=%s: message \"%s\" lacks \"%s\"", field, value, errors.data ? errors.data : "", message_part);
	buf_free(&errors);
}

/* An image field holds a stored image's id (media.h): never a file name or a URL (no file names from requests). */
static void
test_validate_image(void **state)
{
	vctx_t *v = *state;
	db_stmt_t *st = db_prepare(v->db, "INSERT INTO media (id, key, sha256, width, height, bytes_in, created_at) "
	    "VALUES (7, '0123456789abcdef0123456789abcdef', x'00', 10, 10, 10, 0)");

	assert_non_null(st);
	assert_int_equal(db_run(st), DB_DONE);
	expect_ok(v, "photo", "7", "\"photo\":\"7\"");
	expect_bad(v, "photo", "8", "「写真」は登録済みの画像を選んでください。");
	expect_bad(v, "photo", "07", "「写真」");
	expect_bad(v, "photo", "demo/company/akagi-1.jpg", "「写真」");
	expect_bad(v, "photo", "../etc/passwd", "「写真」");
	expect_bad(v, "photo", "/etc/passwd", "「写真」");
	expect_bad(v, "photo", "https://example.jp/x.png", "「写真」");
	expect_bad(v, "photo", "7 ", "「写真」");
	expect_bad(v, "photo", "1234567890123456789", "「写真」");
}

static void
test_validate_markdown(void **state)
{
	vctx_t *v = *state;
	char *big = malloc(20002);

	assert_non_null(big);
	expect_ok(v, "body", "## 見出し\n\n- 項目1\n- 項目2\r\n", "\"body\":\"## 見出し\\n\\n- 項目1");
	expect_bad(v, "body", "ベル\x07文字", "「本文」に使えない文字");
	memset(big, 'x', 20000);
	big[20000] = '\0';
	expect_ok(v, "body", big, NULL);            /* the default maximum is 20,000 characters */
	big[20000] = 'x';
	big[20001] = '\0';
	expect_bad(v, "body", big, "20000文字以内");
	expect_ok(v, "short", "一二三四五六七八九十", NULL);
	expect_bad(v, "short", "一二三四五六七八九十一", "「概要」は10文字以内");
	free(big);
}

static void
test_validate_links(void **state)
{
	vctx_t *v = *state;
	buf_t many = BUF_INIT;
	int i;

	expect_ok(v, "links", "採用情報|https://a.example.jp/recruit/\n\n  ブログ | http://a.example.jp/blog  \r\n",
	    "\"links\":[{\"label\":\"採用情報\",\"url\":\"https://a.example.jp/recruit/\"},"
	    "{\"label\":\"ブログ\",\"url\":\"http://a.example.jp/blog\"}]");
	/* the last bar separates: a label may hold one */
	expect_ok(v, "links", "A|B|https://a.example.jp/", "{\"label\":\"A|B\",\"url\":\"https://a.example.jp/\"}");
	expect_bad(v, "links", "https://a.example.jp/", "「関連リンク」の1行目は「名前|https://…」の形");
	expect_bad(v, "links", "ok|https://a.example.jp/\n|https://b.example.jp/", "の2行目は「名前|https://…」の形");
	expect_bad(v, "links", "ftp|ftp://a.example.jp/", "の1行目のURLは http:// または https://");
	expect_bad(v, "links", "空|https://", "の1行目のURL");
	expect_bad(v, "links", "空白|https://a.example.jp/a b", "の1行目のURL");
	expect_bad(v, "links", "制御|https://a.example.jp/\x01", "「関連リンク」に使えない文字");
	for (i = 0; i < 21; i++)
		buf_printf(&many, "L%d|https://a.example.jp/%d\n", i, i);
	expect_bad(v, "links", many.data, "20件まで");
	buf_free(&many);
}

/* ---- the Gunma profile ---- */

static void
test_gunma_types(void **state)
{
	static const struct { const char *name, *label; } want[] = {
		{ "company", "企業情報" }, { "job", "求人情報" }, { "internship", "インターンシップ情報" },
		{ "news", "新着情報" }, { "event", "イベント情報" }, { "project", "県の実施事業" },
		{ "tips", "企業向けお役立ち情報" }, { "column", "コラム" }, { "page", "固定ページ" }, { "banner", "バナー" },
	};
	/* G31, G33, G34: every item the specification names, by its Japanese label */
	static const struct { const char *type, *label; } items[] = {
		{ "company", "企業写真" }, { "company", "事業内容" }, { "company", "魅力・仕事データ" }, { "company", "所在地" },
		{ "company", "代表者" }, { "company", "事業所" }, { "company", "創業/設立年" }, { "company", "資本金" },
		{ "company", "売上高" }, { "company", "従業員数" }, { "company", "認証制度ロゴ" }, { "company", "会社HP" },
		{ "company", "その他リンク先" }, { "company", "連絡先" }, { "company", "企業紹介動画" },
		{ "internship", "インターンシップの内容" }, { "internship", "開催日時" }, { "internship", "開催場所" },
		{ "internship", "募集人数" }, { "internship", "応募資格" }, { "internship", "応募期間" },
		{ "internship", "募集の流れ" }, { "internship", "注意事項" }, { "internship", "申込先" },
		{ "job", "仕事の内容" }, { "job", "職種" }, { "job", "雇用形態" }, { "job", "採用予定人数" }, { "job", "就業場所" },
		{ "job", "勤務時間" }, { "job", "時間外" }, { "job", "転勤の可能性" }, { "job", "最終学歴" }, { "job", "年齢制限" },
		{ "job", "定年" }, { "job", "必要な資格・経験等" }, { "job", "再雇用" }, { "job", "再雇用年齢上限" },
		{ "job", "給与" }, { "job", "諸手当" }, { "job", "賞与" }, { "job", "休日休暇" }, { "job", "年間休日数" },
		{ "job", "福利厚生" }, { "job", "昇給" }, { "job", "特記事項" },
		{ "event", "開催日時" }, { "event", "開催場所" }, { "event", "定員" }, { "event", "対象" }, { "event", "申込締切" },
		{ "event", "内容" }, { "event", "申込方法" },
	};
	char err[512] = "";
	schema_t *s = schema_load(".", "gunma", err, sizeof(err));
	const schema_type_t *t;
	size_t i;
	int f;

	(void)state;
	if (s == NULL)
		fail_msg("%s", err);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		t = schema_type(s, want[i].name);
		if (t == NULL)
			fail_msg("no type %s", want[i].name);
		assert_string_equal(t->label, want[i].label);
		assert_true(t->title_field >= 0);
		for (f = 0; f < t->nfields; f++) {
			/* staff-only fields are never searchable (the public search would reveal them) */
			if (t->fields[f].internal) {
				assert_false(t->fields[f].searchable);
				assert_false(t->fields[f].print);
			}
		}
	}
	for (i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		t = schema_type(s, items[i].type);
		for (f = 0; f < t->nfields && strcmp(t->fields[f].label, items[i].label) != 0; f++)
			;
		if (f == t->nfields)
			fail_msg("type %s has no field labelled %s", items[i].type, items[i].label);
	}
	t = schema_type(s, "company");
	assert_int_equal(t->fields[schema_field_index(t, "photo")].type, F_IMAGE);
	assert_int_equal(t->fields[schema_field_index(t, "other_links")].type, F_LINKS);
	assert_string_equal(t->fields[schema_field_index(t, "certifications")].vocab, "certification");
	assert_true(t->fields[schema_field_index(t, "internal_memo")].internal);
	assert_non_null(schema_vocab(s, "certification"));
	t = schema_type(s, "news");
	assert_int_equal(t->fields[schema_field_index(t, "body")].type, F_MARKDOWN);
	t = schema_type(s, "banner");
	assert_int_equal(t->fields[schema_field_index(t, "sort_order")].type, F_NUMBER);
	assert_int_equal(t->fields[schema_field_index(t, "link_url")].type, F_URL);
	schema_free(s);
}

/* ---- demo content ---- */

typedef struct dctx {
	db_t     *db;
	schema_t *s;
} dctx_t;

static int
setup_demo(void **state)
{
	char err[512] = "";
	dctx_t *d = calloc(1, sizeof(*d));

	log_set_quiet(true);
	if (d == NULL || (d->db = dbtest_open()) == NULL)
		return -1;
	d->s = schema_load(".", "gunma", err, sizeof(err));
	if (d->s == NULL || !schema_sync_terms(d->s, d->db, ".", err, sizeof(err))) {
		print_error("schema: %s\n", err);
		return -1;
	}
	*state = d;
	return 0;
}

static int
teardown_demo(void **state)
{
	dctx_t *d = *state;

	schema_free(d->s);
	dbtest_close(d->db);
	free(d);
	return 0;
}

static int64_t
count(db_t *db, const char *sql, const char *arg)
{
	db_stmt_t *st = db_prepare(db, sql);
	int64_t n = -1;

	assert_non_null(st);
	if (arg != NULL)
		db_bind_str(st, 1, arg);
	if (db_step(st) == DB_ROW)
		n = db_col_i64(st, 0);
	db_done(st);
	return n;
}

#define BY_TYPE "SELECT COUNT(*) FROM entities WHERE type = ?"

/* Every e-mail address is under example.jp or .invalid; every 027 number has a subscriber part
 * starting with 0 (never assigned). */
static void
check_contacts(const char *text)
{
	const char *p;

	for (p = strchr(text, '@'); p != NULL; p = strchr(p + 1, '@')) {
		size_t n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz0123456789.-");
		if (!((n >= 10 && strncmp(p + 1 + n - 10, "example.jp", 10) == 0) ||
		    (n >= 8 && strncmp(p + 1 + n - 8, ".invalid", 8) == 0)))
			fail_msg("a real-looking e-mail domain: %.60s", p);
	}
	for (p = strstr(text, "027-"); p != NULL; p = strstr(p + 1, "027-"))
		if (p[4] != '0' && (p == text || ((p[-1] < '0' || p[-1] > '9') && p[-1] != '-')))
			fail_msg("a telephone number that could be real: %.14s", p);
	for (p = strstr(text, "://"); p != NULL; p = strstr(p + 1, "://")) {
		size_t n = strcspn(p + 3, "/\"");
		if (n < 10 || strncmp(p + 3 + n - 10, "example.jp", 10) != 0)
			fail_msg("a URL outside example.jp: %.60s", p);
	}
}

static void
test_demo_content(void **state)
{
	dctx_t *d = *state;
	char err[1024] = "";
	db_stmt_t *st;
	int64_t total;

	if (!demo_content(d->db, d->s, NOW, err, sizeof(err)))
		fail_msg("%s", err);
	assert_true(count(d->db, BY_TYPE, "company") >= 40);
	assert_true(count(d->db, BY_TYPE, "job") >= 120);
	assert_true(count(d->db, BY_TYPE, "internship") >= 30);
	assert_true(count(d->db, BY_TYPE, "news") >= 5);
	assert_true(count(d->db, BY_TYPE, "event") >= 5);
	assert_true(count(d->db, BY_TYPE, "column") >= 3);
	assert_true(count(d->db, BY_TYPE, "banner") >= 3);
	assert_true(count(d->db, BY_TYPE, "project") >= 2);
	assert_true(count(d->db, BY_TYPE, "tips") >= 2);
	assert_int_equal(count(d->db, "SELECT COUNT(*) FROM entities WHERE type = 'page' AND title = ?", "求職者の方へ"), 1);
	assert_int_equal(count(d->db, "SELECT COUNT(*) FROM entities WHERE type = 'page' AND title = ?", "企業の方へ"), 1);
	/* some job offers are drafts, some have a listing period that has ended */
	assert_true(count(d->db, "SELECT COUNT(*) FROM entities WHERE type = ? AND status = 'draft'", "job") >= 2);
	assert_true(count(d->db, "SELECT COUNT(*) FROM entities WHERE type = ? AND listing_end < 1790000000", "job") >= 5);
	/* every job offer names a demo company */
	assert_int_equal(count(d->db, "SELECT COUNT(*) FROM entities j WHERE j.type = ? AND NOT EXISTS (SELECT 1 FROM "
	    "entities c WHERE c.type = 'company' AND c.title = json_extract(j.fields, '$.company_name'))", "job"), 0);
	/* terms were linked (facets work): each company has an industry and a municipality with its area */
	assert_true(count(d->db, "SELECT COUNT(DISTINCT e.id) FROM entities e JOIN entity_terms et ON et.entity_id = e.id "
	    "JOIN terms t ON t.id = et.term_id WHERE e.type = 'company' AND t.vocab = ?", "area") >= 40);
	st = db_prepare(d->db, "SELECT fields FROM entities");
	assert_non_null(st);
	while (db_step(st) == DB_ROW)
		check_contacts(db_col_text(st, 0));
	db_done(st);

	/* a second run adds nothing */
	total = count(d->db, "SELECT COUNT(*) FROM entities", NULL);
	if (!demo_content(d->db, d->s, NOW + 86400, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(count(d->db, "SELECT COUNT(*) FROM entities", NULL), total);
}

static void
test_demo_schema_mismatch(void **state)
{
	dctx_t *d = *state;
	char err[1024] = "";
	schema_t *s = load_json("{ \"types\": { \"company\": { \"name\": \"企業情報\", \"title\": \"name\", \"fields\": [\n"
	    "  { \"name\": \"name\", \"type\": \"text\" } ] } } }", err, sizeof(err));

	assert_non_null(s);
	/* a profile without the fields the demo fills: an error, and nothing written */
	assert_false(demo_content(d->db, s, NOW, err, sizeof(err)));
	assert_non_null(strstr(err, "has no field"));
	assert_int_equal(count(d->db, "SELECT COUNT(*) FROM entities", NULL), 0);
	schema_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_new_types_and_flags),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test_setup_teardown(test_validate_image, setup_validate, teardown_validate),
		cmocka_unit_test_setup_teardown(test_validate_markdown, setup_validate, teardown_validate),
		cmocka_unit_test_setup_teardown(test_validate_links, setup_validate, teardown_validate),
		cmocka_unit_test(test_gunma_types),
		cmocka_unit_test_setup_teardown(test_demo_content, setup_demo, teardown_demo),
		cmocka_unit_test_setup_teardown(test_demo_schema_mismatch, setup_demo, teardown_demo),
	};

	return cmocka_run_group_tests_name("schema", tests, NULL, NULL);
}
