/* test_i18n.c - .po parsing and lookup: fallbacks, continued strings, escapes, errors with line numbers. */
#include "testutil.h"

#include "core/buf.h"
#include "view/i18n.h"

#include <sys/stat.h>
#include <unistd.h>

static const char basic_po[] =
    "# Translation of tsunagu into English.\n"
    "msgid \"\"\n"
    "msgstr \"\"\n"
    "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
    "\"Language: en\\n\"\n"
    "\n"
    "#: templates/layout.html:3\n"
    "msgid \"ホーム\"\n"
    "msgstr \"Home\"\n"
    "\n"
    "#, fuzzy\n"
    "msgid \"求人を探す\"\n"
    "msgstr \"Find jobs\"\n"
    "\n"
    "msgid \"未翻訳\"\n"
    "msgstr \"\"\n"
    "\n"
    "msgid \"\"\n"
    "\"長い\"\n"
    "\"文章\"\n"
    "msgstr \"\"\n"
    "\"A long \"\n"
    "\"sentence\"\n"
    "\n"
    "msgid \"改行\\nと\\t引用\\\"と\\\\\"\n"
    "msgstr \"Line\\nand\\ttab \\\"quote\\\" \\\\ backslash\"\n"
    "\n"
    "msgctxt \"button\"\n"
    "msgid \"送信\"\n"
    "msgstr \"Send (button)\"\n"
    "\n"
    "msgid \"送信\"\n"
    "msgstr \"Submit\"\n"
    "\n"
    "msgid \"件\"\n"
    "msgid_plural \"件\"\n"
    "msgstr[0] \"item\"\n"
    "msgstr[1] \"items\"\n"
    "\n"
    "#~ msgid \"古い\"\n"
    "#~ msgstr \"Old\"\n";

static i18n_t *
load(const char *lang, const char *po)
{
	char    err[256] = "";
	i18n_t *i = i18n_new();

	assert_non_null(i);
	if (!i18n_add_po(i, lang, po, strlen(po), err, sizeof(err)))
		fail_msg("i18n_add_po: %s", err);
	return i;
}

static void
test_lookup(void **state)
{
	i18n_t *i = load("en", basic_po);

	assert_string_equal(i18n_get(i, "en", "ホーム"), "Home");
	assert_string_equal(i18n_get(i, "en", "求人を探す"), "Find jobs"); /* fuzzy still used */
	assert_string_equal(i18n_get(i, "en", "件"), "item");
	assert_string_equal(i18n_get(i, "en", "送信"), "Submit");            /* context-less entry wins */
	assert_true(i18n_has_lang(i, "en"));
	assert_true(i18n_has_lang(i, "ja"));
	assert_false(i18n_has_lang(i, "fr"));
	assert_false(i18n_has_lang(i, NULL));
	i18n_free(i);
}

static void
test_fallback(void **state)
{
	i18n_t     *i = load("en", basic_po);
	const char *id = "存在しない";

	/* the msgid itself (the same pointer) when there is nothing better */
	assert_ptr_equal(i18n_get(i, "en", id), id);
	assert_string_equal(i18n_get(i, "en", "未翻訳"), "未翻訳");      /* empty msgstr */
	assert_string_equal(i18n_get(i, "en", "古い"), "古い");          /* obsolete entry */
	assert_string_equal(i18n_get(i, "en", ""), "");                  /* the header is no translation */
	assert_string_equal(i18n_get(i, "ja", "ホーム"), "ホーム");
	assert_string_equal(i18n_get(i, NULL, "ホーム"), "ホーム");
	assert_string_equal(i18n_get(i, "fr", "ホーム"), "ホーム");
	assert_string_equal(i18n_get(NULL, "en", "ホーム"), "ホーム");
	assert_null(i18n_get(i, "en", NULL));
	i18n_free(i);
}

static void
test_multiline_and_escapes(void **state)
{
	i18n_t *i = load("en", basic_po);

	assert_string_equal(i18n_get(i, "en", "長い文章"), "A long sentence");
	assert_string_equal(i18n_get(i, "en", "改行\nと\t引用\"と\\"), "Line\nand\ttab \"quote\" \\ backslash");
	i18n_free(i);
}

static void
test_crlf_and_bom(void **state)
{
	static const char po[] = "\xef\xbb\xbfmsgid \"はい\"\r\nmsgstr \"\"\r\n\"Yes\"\r\n";
	i18n_t *i = load("en", po);

	assert_string_equal(i18n_get(i, "en", "はい"), "Yes");
	i18n_free(i);
}

static void
test_several_langs(void **state)
{
	char    err[256];
	i18n_t *i = i18n_new();
	static const char en[] = "msgid \"はい\"\nmsgstr \"Yes\"\n";
	static const char zh[] = "msgid \"はい\"\nmsgstr \"是\"\n";
	static const char en2[] = "msgid \"いいえ\"\nmsgstr \"No\"\n";

	assert_true(i18n_add_po(i, "en", en, strlen(en), err, sizeof(err)));
	assert_true(i18n_add_po(i, "zh-Hans", zh, strlen(zh), err, sizeof(err)));
	assert_string_equal(i18n_get(i, "en", "はい"), "Yes");
	assert_string_equal(i18n_get(i, "zh-Hans", "はい"), "是");
	/* adding a catalog for a language again replaces the old one */
	assert_true(i18n_add_po(i, "en", en2, strlen(en2), err, sizeof(err)));
	assert_string_equal(i18n_get(i, "en", "いいえ"), "No");
	assert_string_equal(i18n_get(i, "en", "はい"), "はい");
	assert_string_equal(i18n_get(i, "zh-Hans", "はい"), "是");
	i18n_free(i);
}

static void
test_many_entries(void **state)
{
	buf_t   b = BUF_INIT;
	char    err[256], id[64], want[64];
	i18n_t *i = i18n_new();
	int     k;

	for (k = 0; k < 5000; k++)
		assert_true(buf_printf(&b, "msgid \"キー%d\"\nmsgstr \"value %d\"\n\n", k, k));
	assert_true(i18n_add_po(i, "en", b.data, b.len, err, sizeof(err)));
	for (k = 0; k < 5000; k++) {
		snprintf(id, sizeof(id), "キー%d", k);
		snprintf(want, sizeof(want), "value %d", k);
		assert_string_equal(i18n_get(i, "en", id), want);
	}
	assert_string_equal(i18n_get(i, "en", "キー5000"), "キー5000");
	buf_free(&b);
	i18n_free(i);
}

static void
expect_error(const char *po, const char *want)
{
	char    err[256] = "";
	i18n_t *i = i18n_new();

	assert_false(i18n_add_po(i, "en", po, strlen(po), err, sizeof(err)));
	assert_string_equal(err, want);
	/* a failed catalog leaves nothing behind */
	assert_false(i18n_has_lang(i, "en"));
	i18n_free(i);
}

static void
test_errors(void **state)
{
	expect_error("msgid \"a\"\nmsgstr \"b\"\n\nmsgid \"c\\q\"\nmsgstr \"d\"\n", "en:4: unknown escape in string");
	expect_error("msgid \"a\"\n\nmsgid \"c\"\nmsgstr \"d\"\n", "en:3: msgid without msgstr");
	expect_error("msgid \"a\"\n", "en:1: msgid without msgstr");
	expect_error("msgid \"a\"\nmsgstr \"b\n", "en:2: unterminated string");
	expect_error("msgid \"a\"\nmsgstr \"b\" x\n", "en:2: junk after string");
	expect_error("msgid \"a\"\nmsgstr b\n", "en:2: expected a \"string\"");
	expect_error("\"orphan\"\n", "en:1: string without a keyword");
	expect_error("msgid \"a\"\nmsgstr \"b\"\nmsgfoo \"c\"\n", "en:3: unknown keyword");
	expect_error("msgstr \"b\"\n", "en:1: msgstr out of place");
	expect_error("msgid \"a\"\nmsgstr \"b\"\nmsgstr \"c\"\n", "en:3: msgstr out of place");
	expect_error("msgctxt \"x\"\nmsgctxt \"y\"\nmsgid \"a\"\nmsgstr \"b\"\n", "en:2: msgctxt without msgid");
	expect_error("msgid \"a\"\nmsgstr[x] \"b\"\n", "en:2: bad msgstr[N]");
	expect_error("msgid \"\xff\"\nmsgstr \"b\"\n", "en: not valid UTF-8 text");
	expect_error("msgid \"a\x01\"\nmsgstr \"b\"\n", "en: not valid UTF-8 text");
}

static void
test_too_large(void **state)
{
	size_t  n = 4 * 1024 * 1024 + 1;
	char   *big = malloc(n), err[256];
	i18n_t *i = i18n_new();

	assert_non_null(big);
	memset(big, '#', n);
	assert_false(i18n_add_po(i, "en", big, n, err, sizeof(err)));
	assert_string_equal(err, "en: catalog larger than 4194304 bytes");
	assert_true(i18n_add_po(i, "en", big, n - 1, err, sizeof(err))); /* all comment: fine */
	free(big);
	i18n_free(i);
}

static void
test_bad_lang(void **state)
{
	char    err[256];
	i18n_t *i = i18n_new();

	assert_false(i18n_add_po(i, "../en", "", 0, err, sizeof(err)));
	assert_false(i18n_add_po(i, "", "", 0, err, sizeof(err)));
	assert_false(i18n_add_po(i, NULL, "", 0, err, sizeof(err)));
	i18n_free(i);
}

static void
write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(s, 1, strlen(s), f), strlen(s));
	assert_int_equal(fclose(f), 0);
}

static void
test_load_dir(void **state)
{
	char    dir[] = "/tmp/test_i18n_XXXXXX", path[512], err[512];
	i18n_t *i;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/en.po", dir);
	write_file(path, "msgid \"はい\"\nmsgstr \"Yes\"\n");
	snprintf(path, sizeof(path), "%s/zh-Hans.po", dir);
	write_file(path, "msgid \"はい\"\nmsgstr \"是\"\n");
	snprintf(path, sizeof(path), "%s/.hidden.po", dir);
	write_file(path, "broken");
	snprintf(path, sizeof(path), "%s/README", dir);
	write_file(path, "not a catalog");

	i = i18n_load(dir, err, sizeof(err));
	if (i == NULL)
		fail_msg("i18n_load: %s", err);
	assert_string_equal(i18n_get(i, "en", "はい"), "Yes");
	assert_string_equal(i18n_get(i, "zh-Hans", "はい"), "是");
	assert_false(i18n_has_lang(i, ".hidden"));
	i18n_free(i);

	/* one bad catalog fails the load, naming the file and line */
	snprintf(path, sizeof(path), "%s/ko.po", dir);
	write_file(path, "msgid \"はい\"\nmsgstr \"예\"\n\nmsgid \"x\"\n");
	assert_null(i18n_load(dir, err, sizeof(err)));
	snprintf(path, sizeof(path), "%s/ko.po:4: msgid without msgstr", dir);
	assert_string_equal(err, path);

	snprintf(path, sizeof(path), "%s/ko.po", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/en.po", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/zh-Hans.po", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/.hidden.po", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/README", dir);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);

	assert_null(i18n_load("/nonexistent/i18n", err, sizeof(err)));
	assert_string_equal(err, "/nonexistent/i18n: No such file or directory");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_fallback),
		cmocka_unit_test(test_multiline_and_escapes),
		cmocka_unit_test(test_crlf_and_bom),
		cmocka_unit_test(test_several_langs),
		cmocka_unit_test(test_many_entries),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_bad_lang),
		cmocka_unit_test(test_load_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
