/* test_medialib.c - the media library's data (media/library.c; issue 6 item 5, G05, G40-G44, G80, SEC03):
 * alt text limits, markup refused, where an image is used (image fields in the fields JSON, its URL in
 * Markdown and links, pending company edits), delete refused while used, search, and the Markdown an
 * inserted image becomes (libcmark safe mode keeps a relative image URL). */
#include "testutil.h"
#include "dbtest.h"

#include "media/library.h"
#include "view/markdown.h"

#include <string.h>
#include <vips/vips.h>

static db_t *db;

static int
setup(void **state)
{
	(void)state;
	db = dbtest_open();
	return db != NULL && media_init() ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	dbtest_close(db);
	media_shutdown();
	return 0;
}

/* news.image and company.photo1 are image fields; job.count is a number field. */
static bool
is_image(const char *type, const char *field, void *arg)
{
	(void)arg;
	return (strcmp(type, "news") == 0 && strcmp(field, "image") == 0) ||
	    (strcmp(type, "company") == 0 && strcmp(field, "photo1") == 0);
}

static void
exec(const char *sql)
{
	assert_int_equal(db_exec(db, sql), DB_DONE);
}

/* A medium without pixels (the usage rules need only its row) with the given id and key. */
static void
fake_medium(int64_t id, const char *key, const char *alt, const char *label, const char *name)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO media (id, key, sha256, name, width, height, bytes_in, created_at, alt, label) "
	    "VALUES (?, ?, randomblob(32), ?, 1280, 720, 1000, ?, ?, ?)");

	assert_non_null(st);
	db_bind_i64(st, 1, id);
	db_bind_str(st, 2, key);
	db_bind_str(st, 3, name);
	db_bind_i64(st, 4, 1700000000 + id);
	db_bind_str(st, 5, alt);
	db_bind_str(st, 6, label);
	assert_int_equal(db_run(st), DB_DONE);
	st = db_prepare(db, "INSERT INTO media_variants (media_id, width, height, format, data) VALUES (?, 320, 180, 'jpg', x'00')");
	assert_non_null(st);
	db_bind_i64(st, 1, id);
	assert_int_equal(db_run(st), DB_DONE);
}

static int64_t
entity(const char *type, const char *title, const char *fields)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO entities (type, title, fields, created_at, updated_at) VALUES (?, ?, ?, 1, 1)");

	assert_non_null(st);
	db_bind_str(st, 1, type);
	db_bind_str(st, 2, title);
	db_bind_str(st, 3, fields);
	assert_int_equal(db_run(st), DB_DONE);
	return db_last_id(db);
}

static void
test_alt_limits(void **state)
{
	char err[256], s[MEDIALIB_ALT_MAX * 3 + 8];
	size_t i;

	(void)state;
	assert_true(medialib_alt_check("県庁舎の外観", true, err, sizeof(err)));
	assert_true(medialib_alt_check("", false, err, sizeof(err)));
	err[0] = '\0';
	assert_false(medialib_alt_check("", true, err, sizeof(err)));
	assert_non_null(strstr(err, "代替テキストを入力してください"));
	assert_false(medialib_alt_check("  \xe3\x80\x80 ", true, err, sizeof(err)));  /* spaces only, U+3000 too */
	/* exactly 200 characters of three bytes each pass; 201 do not */
	s[0] = '\0';
	for (i = 0; i < MEDIALIB_ALT_MAX; i++)
		strcat(s, "あ");
	assert_true(medialib_alt_check(s, true, err, sizeof(err)));
	strcat(s, "あ");
	assert_false(medialib_alt_check(s, true, err, sizeof(err)));
	assert_non_null(strstr(err, "200文字以内"));
	assert_false(medialib_alt_check("一行目\n二行目", true, err, sizeof(err)));
	assert_false(medialib_alt_check("タブ\tあり", true, err, sizeof(err)));
	assert_false(medialib_alt_check("\xff\xfe", true, err, sizeof(err)));
	/* the note: optional, 100 characters */
	assert_true(medialib_label_check("", err, sizeof(err)));
	memset(s, 'a', 100);
	s[100] = '\0';
	assert_true(medialib_label_check(s, err, sizeof(err)));
	s[100] = 'a';
	s[101] = '\0';
	assert_false(medialib_label_check(s, err, sizeof(err)));
	assert_non_null(strstr(err, "管理用メモは100文字以内"));
}

static void
test_markup_refused(void **state)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	char err[256];
	int64_t id = 1;
	bool existing = true;

	(void)state;
	assert_true(medialib_is_markup("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", 40));
	assert_true(medialib_is_markup("\xef\xbb\xbf \r\n<?xml version=\"1.0\"?>", 26));
	assert_true(medialib_is_markup("\n<!DOCTYPE html><html>", 22));
	assert_false(medialib_is_markup(png, sizeof(png)));
	assert_false(medialib_is_markup("", 0));
	err[0] = '\0';
	assert_false(medialib_upload(db, "<svg onload=alert(1)/>", 22, "x.svg", "代替", "", 0, 0, 1, &id, &existing,
	    err, sizeof(err)));
	assert_int_equal(id, 0);
	assert_non_null(strstr(err, "SVG・HTML"));
}

/* A small PNG made by libvips, different for each seed. */
static void *
png(int seed, size_t *n)
{
	VipsImage *x, *y, *out;
	void *data = NULL;

	assert_int_equal(vips_xyz(&x, 400 + seed, 300, NULL), 0);
	assert_int_equal(vips_extract_band(x, &y, 0, NULL), 0);
	assert_int_equal(vips_cast_uchar(y, &out, NULL), 0);
	assert_int_equal(vips_pngsave_buffer(out, &data, n, NULL), 0);
	g_object_unref(x);
	g_object_unref(y);
	g_object_unref(out);
	return data;
}

static void
test_upload_and_search(void **state)
{
	medialib_item_t it, items[4];
	int64_t id, id2, total;
	bool existing;
	char err[256];
	size_t n;
	void *data = png(1, &n);

	(void)state;
	assert_true(db_begin_write(db));
	assert_true(medialib_upload(db, data, n, "kencho.png", "県庁の外観 100%", "広報誌用", 0, 0, 1000, &id, &existing,
	    err, sizeof(err)));
	assert_true(db_commit(db));
	assert_false(existing);
	assert_true(medialib_get(db, id, &it));
	assert_string_equal(it.alt, "県庁の外観 100%");
	assert_string_equal(it.label, "広報誌用");
	assert_string_equal(it.name, "kencho.png");
	assert_int_equal(it.width, 401);
	assert_int_equal(it.thumb_width, 320);
	assert_int_equal(it.department_id, 0);
	/* the same bytes again: the same medium, and its alt text is not overwritten */
	assert_true(medialib_upload(db, data, n, "other.png", "別の説明", "", 0, 0, 2000, &id2, &existing, err, sizeof(err)));
	assert_true(existing);
	assert_int_equal(id2, id);
	assert_true(medialib_get(db, id, &it));
	assert_string_equal(it.alt, "県庁の外観 100%");
	/* an empty alt text is filled by a later upload of the same bytes */
	assert_true(medialib_update(db, id, "", "広報誌用", 3000));
	assert_true(medialib_upload(db, data, n, "other.png", "別の説明", "", 0, 0, 4000, &id2, &existing, err, sizeof(err)));
	assert_true(medialib_get(db, id, &it));
	assert_string_equal(it.alt, "別の説明");
	assert_true(medialib_update(db, id, "県庁の外観 100%", "広報誌用", 5000));
	g_free(data);

	fake_medium(900, "0123456789abcdef0123456789abcdef", "赤城山の紅葉", "", "akagi.jpg");
	fake_medium(901, "fedcba9876543210fedcba9876543210", "", "イベント用", "100_percent.jpg");
	assert_int_equal(medialib_search(db, "", 0, 4, items, &total), 3);
	assert_int_equal(total, 3);
	assert_int_equal(medialib_search(db, "赤城", 0, 4, items, &total), 1);
	assert_int_equal(items[0].id, 900);
	assert_int_equal(medialib_search(db, "イベント", 0, 4, items, &total), 1);  /* the note */
	assert_int_equal(items[0].id, 901);
	assert_int_equal(medialib_search(db, "akagi", 0, 4, items, &total), 1);     /* the file name */
	/* % is a character, not a wildcard: only the alt text with "100%" matches, not "100_percent" */
	assert_int_equal(medialib_search(db, "100%", 0, 4, items, &total), 1);
	assert_int_equal(items[0].id, id);
	assert_int_equal(medialib_search(db, "存在しない", 0, 4, items, &total), 0);
	assert_int_equal(total, 0);
	/* paging: the newest first, offset skips */
	assert_int_equal(medialib_search(db, "", 1, 1, items, &total), 1);
	assert_int_equal(total, 3);
	assert_int_equal(items[0].id, 900);
}

#define KEY "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb"

static void
test_usage(void **state)
{
	medialib_use_t uses[8];
	int64_t news, job, banner, company;
	int n;

	(void)state;
	fake_medium(50, KEY, "代替", "", "a.png");
	assert_int_equal(medialib_usage(db, 50, KEY, is_image, NULL, uses, 8), 0);
	/* the id's digits in a number field are not a use */
	job = entity("job", "事務員", "{\"count\":\"50\",\"note\":\"50人\"}");
	assert_int_equal(medialib_usage(db, 50, KEY, is_image, NULL, uses, 8), 0);
	/* an image field holding the id */
	news = entity("news", "お知らせ", "{\"image\":\"50\",\"body\":\"本文\"}");
	n = medialib_usage(db, 50, KEY, is_image, NULL, uses, 8);
	assert_int_equal(n, 1);
	assert_int_equal(uses[0].entity_id, news);
	assert_string_equal(uses[0].type, "news");
	assert_string_equal(uses[0].field, "image");
	assert_string_equal(uses[0].title, "お知らせ");
	assert_false(uses[0].by_url);
	/* another id in an image field is not this one */
	entity("news", "別のお知らせ", "{\"image\":\"500\"}");
	assert_int_equal(medialib_usage(db, 50, KEY, is_image, NULL, uses, 8), 1);
	/* its URL in a Markdown body (any width, any format), and in a links array */
	entity("column", "コラム", "{\"body\":\"前文\\n\\n![紅葉](/media/" KEY "-1280.jpg)\\n\\n![紅葉](/media/" KEY "-640.webp)\"}");
	banner = entity("banner", "バナー", "{\"links\":[{\"label\":\"画像\",\"url\":\"/media/" KEY "-320.jpg\"},"
	    "{\"label\":\"大きい画像\",\"url\":\"/media/" KEY "-1280.jpg\"}]}");
	n = medialib_usage(db, 50, KEY, is_image, NULL, uses, 8);
	assert_int_equal(n, 3);  /* the body counts once, the two links of the banner once */
	assert_string_equal(uses[1].type, "column");
	assert_string_equal(uses[1].field, "body");
	assert_true(uses[1].by_url);
	assert_int_equal(uses[2].entity_id, banner);
	assert_string_equal(uses[2].field, "links");
	/* a company's edit waiting for approval */
	company = entity("company", "株式会社テスト", "{}");
	{
		db_stmt_t *st = db_prepare(db, "INSERT INTO company_revisions (entity_id, fields, status, created_at) VALUES (?, ?, ?, 1)");
		assert_non_null(st);
		db_bind_i64(st, 1, company);
		db_bind_str(st, 2, "{\"photo1\":\"50\"}");
		db_bind_str(st, 3, "rejected");
		assert_int_equal(db_run(st), DB_DONE);
	}
	assert_int_equal(medialib_usage(db, 50, KEY, is_image, NULL, uses, 8), 3);  /* a rejected edit is no use */
	exec("UPDATE company_revisions SET status = 'pending'");
	n = medialib_usage(db, 50, KEY, is_image, NULL, uses, 8);
	assert_int_equal(n, 4);
	assert_true(uses[3].pending);
	assert_int_equal(uses[3].entity_id, company);
	/* all are counted, max are listed */
	assert_int_equal(medialib_usage(db, 50, KEY, is_image, NULL, uses, 2), 4);
	assert_int_equal(medialib_usage(db, 50, KEY, is_image, NULL, NULL, 0), 4);  /* the count alone, as the list shows it */
	(void)job;
}

static void
test_delete_refused_when_used(void **state)
{
	medialib_use_t uses[4];
	medialib_item_t it;
	int n = -1;
	int64_t used;

	(void)state;
	fake_medium(60, "cccccccccccccccccccccccccccccccc", "使用中", "", "b.png");
	fake_medium(61, "dddddddddddddddddddddddddddddddd", "未使用", "", "c.png");
	used = entity("news", "使っている記事", "{\"image\":\"60\"}");
	assert_true(db_begin_write(db));
	assert_int_equal(medialib_delete(db, 60, is_image, NULL, uses, 4, &n), MEDIALIB_IN_USE);
	assert_int_equal(n, 1);
	assert_int_equal(uses[0].entity_id, used);
	assert_int_equal(medialib_delete(db, 61, is_image, NULL, uses, 4, &n), MEDIALIB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(medialib_delete(db, 61, is_image, NULL, uses, 4, &n), MEDIALIB_NOT_FOUND);
	assert_true(db_commit(db));
	assert_true(medialib_get(db, 60, &it));
	assert_false(medialib_get(db, 61, &it));
	/* once the record no longer uses it, it can go (and its variants with it) */
	exec("UPDATE entities SET fields = '{\"image\":\"\"}' WHERE title = '使っている記事'");
	assert_int_equal(medialib_delete(db, 60, is_image, NULL, uses, 4, &n), MEDIALIB_OK);
	{
		db_stmt_t *st = db_prepare(db, "SELECT COUNT(*) FROM media_variants WHERE media_id IN (60, 61)");
		assert_non_null(st);
		assert_int_equal(db_step(st), DB_ROW);
		assert_int_equal(db_col_i64(st, 0), 0);
		db_done(st);
	}
}

/* What the picker inserts survives libcmark's safe mode as an <img> with the relative URL. */
static void
test_markdown_keeps_image(void **state)
{
	buf_t out = BUF_INIT;
	const char *md = "![県庁の外観](/media/" KEY "-1280.jpg)";

	(void)state;
	assert_true(markdown_html(md, strlen(md), 2, &out));
	assert_non_null(out.data);
	assert_non_null(strstr(out.data, "<img src=\"/media/" KEY "-1280.jpg\" alt=\"県庁の外観\""));
	buf_clear(&out);
	/* a javascript: URL in the same place is emptied */
	md = "![x](javascript:alert(1))";
	assert_true(markdown_html(md, strlen(md), 2, &out));
	assert_null(strstr(out.data, "javascript"));
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alt_limits),
		cmocka_unit_test(test_markup_refused),
		cmocka_unit_test(test_upload_and_search),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_delete_refused_when_used),
		cmocka_unit_test(test_markdown_keeps_image),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
