/* test_markdown.c - staff Markdown to public HTML (view/markdown.c): safe mode and heading levels
 * (issue 4 item 4; SEC: no script from content). */
#include "testutil.h"

#include "view/markdown.h"

#include <string.h>

static char *
render(const char *md, int shift)
{
	static buf_t b;

	buf_free(&b);
	buf_init(&b);
	assert_true(markdown_html(md, strlen(md), shift, &b));
	return b.data ? b.data : "";
}

static void
test_basic(void **state)
{
	(void)state;
	assert_string_equal(render("**太字**と[リンク](https://example.jp/)", 2),
	    "<p><strong>太字</strong>と<a href=\"https://example.jp/\">リンク</a></p>\n");
	assert_non_null(strstr(render("- 一つ目\n- 二つ目\n", 0), "<li>二つ目</li>"));
}

static void
test_safe(void **state)
{
	const char *h;

	(void)state;
	h = render("<script>alert(1)</script>\n\n本文<img src=x onerror=alert(1)>", 0);
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "onerror"));
	h = render("[押して](javascript:alert(1)) [データ](data:text/html,<b>x</b>)", 0);
	assert_null(strstr(h, "javascript:"));
	assert_null(strstr(h, "data:text/html"));
	h = render("`<b>`", 0);
	assert_non_null(strstr(h, "&lt;b&gt;"));
}

static void
test_headings_shift(void **state)
{
	(void)state;
	assert_string_equal(render("# 見出し", 2), "<h2>見出し</h2>\n");
	assert_string_equal(render("## 見出し\n\n### 小見出し", 2), "<h2>見出し</h2>\n<h3>小見出し</h3>\n");
	assert_string_equal(render("#### 深い\n\n###### もっと深い", 2), "<h2>深い</h2>\n<h4>もっと深い</h4>\n");
	assert_string_equal(render("# 一\n\n###### 六", 2), "<h2>一</h2>\n<h6>六</h6>\n");
}

static void
test_limit(void **state)
{
	buf_t b = BUF_INIT;
	char *big = malloc(MARKDOWN_MAX + 2);

	(void)state;
	assert_non_null(big);
	memset(big, 'a', MARKDOWN_MAX + 1);
	big[MARKDOWN_MAX + 1] = '\0';
	assert_false(markdown_html(big, MARKDOWN_MAX + 1, 0, &b));
	assert_int_equal(b.len, 0);
	free(big);
	buf_free(&b);
	render("", 0);  /* frees the static buffer */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_safe),
		cmocka_unit_test(test_headings_shift),
		cmocka_unit_test(test_limit),
	};

	return cmocka_run_group_tests_name("markdown", tests, NULL, NULL);
}
