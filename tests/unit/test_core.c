/* test_core.c - arena, buf and str: the helpers every other module leans on. */
#include "testutil.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/str.h"

#define ALIGN_MAX (_Alignof(max_align_t))

/* ---- arena ---- */

static void
test_arena_alignment(void **state)
{
	arena_t a;
	size_t  i;
	void   *p;

	(void)state;
	arena_init(&a, 1024, 0);
	for (i = 0; i < 200; i++) {
		p = arena_alloc(&a, i % 37 + 1);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % ALIGN_MAX, 0);
		memset(p, 0x5a, i % 37 + 1);
	}
	/* big ones too */
	p = arena_alloc(&a, 5000);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % ALIGN_MAX, 0);
	/* zero bytes still gives a distinct, usable pointer */
	{
		char *z1 = arena_alloc(&a, 0), *z2 = arena_alloc(&a, 0);

		assert_non_null(z1);
		assert_non_null(z2);
		assert_ptr_not_equal(z1, z2);
	}
	arena_free(&a);
	assert_null(a.head);
	assert_int_equal(a.total, 0);
}

static void
test_arena_distinct_and_intact(void **state)
{
	arena_t a;
	char   *p[300];
	size_t  i, j;

	(void)state;
	arena_init(&a, 512, 0);
	for (i = 0; i < 300; i++) {
		size_t n = (i * 7) % 200 + 1;

		p[i] = arena_alloc(&a, n);
		assert_non_null(p[i]);
		memset(p[i], (int)(i & 0xff), n);
	}
	/* nothing overlapped: every allocation still holds its own byte */
	for (i = 0; i < 300; i++)
		for (j = 0; j < (i * 7) % 200 + 1; j++)
			assert_int_equal((unsigned char)p[i][j], i & 0xff);
	arena_free(&a);
}

static void
test_arena_big(void **state)
{
	arena_t a;
	char   *small1, *big, *small2, *huge;

	(void)state;
	arena_init(&a, 1024, 0);
	small1 = arena_alloc(&a, 16);
	big = arena_alloc(&a, 100000);
	assert_non_null(big);
	memset(big, 'b', 100000);
	/* a big allocation does not waste the current block */
	small2 = arena_alloc(&a, 16);
	assert_ptr_equal(small2, small1 + 16);
	huge = arena_alloc(&a, 8 * 1024 * 1024);
	assert_non_null(huge);
	memset(huge, 'h', 8 * 1024 * 1024);
	assert_int_equal(big[99999], 'b');
	assert_true(a.total >= 100000 + 8 * 1024 * 1024 + 32);
	/* a big allocation as the very first one */
	arena_free(&a);
	arena_init(&a, 1024, 0);
	big = arena_alloc(&a, 4096);
	assert_non_null(big);
	small1 = arena_alloc(&a, 8);
	assert_non_null(small1);
	memset(big, 1, 4096);
	memset(small1, 2, 8);
	arena_reset(&a);
	assert_non_null(arena_alloc(&a, 8));
	arena_free(&a);
}

static void
test_arena_limit(void **state)
{
	arena_t a;

	(void)state;
	arena_init(&a, 1024, 100);
	assert_non_null(arena_alloc(&a, 64));
	assert_non_null(arena_alloc(&a, 32));
	assert_int_equal(a.total, 96);
	/* 1 byte is rounded up to the alignment: over the limit */
	assert_null(arena_alloc(&a, 1));
	assert_int_equal(a.total, 96);
	assert_null(arena_alloc(&a, 200));
	assert_null(arena_alloc(&a, SIZE_MAX));
	assert_null(arena_alloc(&a, SIZE_MAX - 8));
	assert_null(arena_strdup(&a, "this is far more than the four bytes that are left over"));
	/* reset gives the budget back */
	arena_reset(&a);
	assert_int_equal(a.total, 0);
	assert_non_null(arena_alloc(&a, 96));
	arena_free(&a);

	/* the limit holds for big allocations too */
	arena_init(&a, 64, 1000);
	assert_null(arena_alloc(&a, 2000));
	assert_non_null(arena_alloc(&a, 992));
	assert_null(arena_alloc(&a, 16));
	arena_free(&a);

	/* no limit: SIZE_MAX still fails cleanly */
	arena_init(&a, 0, 0);
	assert_null(arena_alloc(&a, SIZE_MAX));
	assert_null(arena_calloc(&a, SIZE_MAX / 2, 4));
	assert_null(arena_strndup(&a, "x", SIZE_MAX));
	arena_free(&a);
}

static void
test_arena_reset_reuse(void **state)
{
	arena_t a;
	char   *first, *again;
	size_t  i;

	(void)state;
	arena_init(&a, 1024, 0);
	first = arena_alloc(&a, 32);
	memset(first, 0xaa, 32);
	for (i = 0; i < 100; i++)
		assert_non_null(arena_alloc(&a, 100)); /* several more blocks */
	assert_non_null(arena_alloc(&a, 50000));
	arena_reset(&a);
	assert_int_equal(a.total, 0);
	/* the first block is kept and reused from its start */
	again = arena_zalloc(&a, 32);
	assert_ptr_equal(again, first);
	for (i = 0; i < 32; i++)
		assert_int_equal(again[i], 0);
	/* reset of an empty arena, twice */
	arena_free(&a);
	arena_reset(&a);
	arena_reset(&a);
	assert_null(a.head);
	assert_non_null(arena_alloc(&a, 10));
	arena_free(&a);
}

static void
test_arena_helpers(void **state)
{
	arena_t     a;
	char       *s;
	int        *v;
	const char  bytes[4] = { 'a', '\0', 'b', '\0' };
	char       *big;
	size_t      i;

	(void)state;
	arena_init(&a, 256, 0);
	s = arena_strdup(&a, "群馬");
	assert_string_equal(s, "群馬");
	s = arena_strndup(&a, "abcdef", 3);
	assert_string_equal(s, "abc");
	s = arena_memdup(&a, bytes, 4);
	assert_memory_equal(s, bytes, 4);
	assert_non_null(arena_memdup(&a, NULL, 0));
	v = arena_calloc(&a, 10, sizeof(*v));
	assert_non_null(v);
	for (i = 0; i < 10; i++)
		assert_int_equal(v[i], 0);

	s = arena_printf(&a, "%s=%d;%05.1f|%c", "key", -42, 3.14159, 'z');
	assert_string_equal(s, "key=-42;003.1|z");
	s = arena_printf(&a, "%s", "");
	assert_string_equal(s, "");
	/* longer than a block */
	big = malloc(10001);
	assert_non_null(big);
	memset(big, 'q', 10000);
	big[10000] = '\0';
	s = arena_printf(&a, "<%s>", big);
	assert_int_equal(strlen(s), 10002);
	assert_int_equal(s[0], '<');
	assert_int_equal(s[10001], '>');
	assert_int_equal(s[5000], 'q');
	free(big);
	arena_free(&a);

	/* printf respects the limit */
	arena_init(&a, 256, 32);
	assert_null(arena_printf(&a, "%0100d", 1));
	arena_free(&a);
}

/* ---- buf ---- */

static void
test_buf_growth(void **state)
{
	buf_t  b = BUF_INIT;
	size_t i;
	char  *p;
	size_t len;

	(void)state;
	for (i = 0; i < 10000; i++)
		assert_true(buf_putc(&b, (char)('a' + i % 26)));
	assert_int_equal(b.len, 10000);
	assert_true(b.cap > b.len);
	assert_int_equal(b.data[10000], '\0');
	assert_int_equal(b.data[9999], 'a' + 9999 % 26);
	assert_true(buf_append(&b, "x\0y", 3));
	assert_int_equal(b.len, 10003);
	assert_memory_equal(b.data + 10000, "x\0y", 4);
	assert_true(buf_printf(&b, "%d-%s", 7, "seven"));
	assert_string_equal(b.data + 10003, "7-seven");
	assert_true(buf_append(&b, NULL, 0));
	buf_clear(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_true(buf_puts(&b, "abc"));
	p = buf_steal(&b, &len);
	assert_int_equal(len, 3);
	assert_string_equal(p, "abc");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(p);
	/* stealing an empty buffer still gives a string to free */
	p = buf_steal(&b, &len);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);
	buf_free(&b);
}

static void
test_buf_limits(void **state)
{
	buf_t b;

	(void)state;
	buf_init(&b);
	assert_false(buf_reserve(&b, BUF_MAX + 1));
	assert_true(b.oom);
	/* sticky until cleared */
	assert_false(buf_puts(&b, "a"));
	buf_clear(&b);
	assert_false(b.oom);
	assert_true(buf_puts(&b, "a"));
	/* len + extra past BUF_MAX must fail, even when extra alone is exactly BUF_MAX */
	assert_false(buf_reserve(&b, BUF_MAX));
	assert_true(b.oom);
	assert_int_equal(b.len, 1);
	assert_true(b.cap < 1024);
	buf_clear(&b);
	assert_false(buf_reserve(&b, SIZE_MAX));
	buf_clear(&b);
	assert_false(buf_reserve(&b, SIZE_MAX - 1));
	buf_free(&b);
	assert_null(b.data);
	assert_false(b.oom);
}

static char *
esc(bool (*fn)(buf_t *, const char *, size_t), const char *s, size_t n)
{
	static char out[1024];
	buf_t       b = BUF_INIT;

	assert_true(fn(&b, s, n));
	assert_non_null(b.data);
	assert_true(b.len < sizeof(out));
	memcpy(out, b.data, b.len + 1);
	buf_free(&b);
	return out;
}

#define ESC(fn, lit) esc(fn, lit, sizeof(lit) - 1)

static void
test_buf_html(void **state)
{
	(void)state;
	assert_string_equal(ESC(buf_append_html, "&"), "&amp;");
	assert_string_equal(ESC(buf_append_html, "<"), "&lt;");
	assert_string_equal(ESC(buf_append_html, ">"), "&gt;");
	assert_string_equal(ESC(buf_append_html, "\""), "&quot;");
	assert_string_equal(ESC(buf_append_html, "'"), "&#39;");
	assert_string_equal(ESC(buf_append_html, "<a href=\"x\" onclick='y'>A&B</a>"),
	    "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;A&amp;B&lt;/a&gt;");
	assert_string_equal(ESC(buf_append_html, "群馬県 / plain text"), "群馬県 / plain text");
	assert_string_equal(ESC(buf_append_html, "&amp;"), "&amp;amp;");
	assert_string_equal(ESC(buf_append_html, ""), "");
	/* length, not NUL, ends the input */
	assert_string_equal(esc(buf_append_html, "<>", 1), "&lt;");
}

static void
test_buf_urlenc(void **state)
{
	(void)state;
	assert_string_equal(ESC(buf_append_urlenc, "AZaz09-_.~"), "AZaz09-_.~");
	assert_string_equal(ESC(buf_append_urlenc, "a b&c=d/e?f#g+h%"),
	    "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh%25");
	assert_string_equal(ESC(buf_append_urlenc, "群馬"), "%E7%BE%A4%E9%A6%AC");
	assert_string_equal(ESC(buf_append_urlenc, "\r\n\x7f"), "%0D%0A%7F");
	assert_string_equal(esc(buf_append_urlenc, "a\0b", 3), "a%00b");
}

static void
test_buf_logsafe(void **state)
{
	char *s;

	(void)state;
	s = ESC(buf_append_logsafe, "GET /x\r\nInjected: 1\n");
	assert_string_equal(s, "GET /x\\x0d\\x0aInjected: 1\\x0a");
	assert_null(strchr(s, '\n'));
	assert_null(strchr(s, '\r'));
	assert_string_equal(ESC(buf_append_logsafe, "a\\b"), "a\\x5cb");
	assert_string_equal(ESC(buf_append_logsafe, "\t\x1b[31m\x7f"), "\\x09\\x1b[31m\\x7f");
	assert_string_equal(esc(buf_append_logsafe, "a\0b", 3), "a\\x00b");
	/* an escaped backslash cannot be confused with an escape */
	assert_string_equal(ESC(buf_append_logsafe, "\\x0a"), "\\x5cx0a");
	assert_string_equal(ESC(buf_append_logsafe, "群馬 ok"), "群馬 ok");
}

static void
test_buf_json(void **state)
{
	(void)state;
	assert_string_equal(ESC(buf_append_json, "<"), "\\u003c");
	assert_string_equal(ESC(buf_append_json, ">"), "\\u003e");
	assert_string_equal(ESC(buf_append_json, "&"), "\\u0026");
	assert_string_equal(ESC(buf_append_json, "'"), "\\u0027");
	assert_string_equal(ESC(buf_append_json, "\""), "\\\"");
	assert_string_equal(ESC(buf_append_json, "\\"), "\\\\");
	assert_string_equal(ESC(buf_append_json, "\n\r\t"), "\\n\\r\\t");
	assert_string_equal(ESC(buf_append_json, "\x01\x1f\b\f"), "\\u0001\\u001f\\u0008\\u000c");
	assert_string_equal(esc(buf_append_json, "\0", 1), "\\u0000");
	assert_string_equal(ESC(buf_append_json, "</script><!--"), "\\u003c/script\\u003e\\u003c!--");
	assert_string_equal(ESC(buf_append_json, "群馬 ok"), "群馬 ok");
}

/* ---- str ---- */

static void
test_str_to_i64(void **state)
{
	int64_t v = 12345;

	(void)state;
	assert_true(str_to_i64("0", 0, 10, &v));
	assert_int_equal(v, 0);
	assert_true(str_to_i64("42", 0, 100, &v));
	assert_int_equal(v, 42);
	assert_true(str_to_i64("007", 0, 100, &v));
	assert_int_equal(v, 7);
	assert_true(str_to_i64("-5", -10, 10, &v));
	assert_int_equal(v, -5);
	assert_true(str_to_i64("9223372036854775807", INT64_MIN, INT64_MAX, &v));
	assert_true(v == INT64_MAX);
	assert_true(str_to_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &v));
	assert_true(v == INT64_MIN);
	assert_true(str_to_i64("10", 0, 10, &v));
	assert_true(str_to_i64("-10", -10, 10, &v));

	v = 777;
	assert_false(str_to_i64("", 0, 100, &v));
	assert_false(str_to_i64(NULL, 0, 100, &v));
	assert_false(str_to_i64("12x", 0, 100, &v));
	assert_false(str_to_i64(" 1", 0, 100, &v));
	assert_false(str_to_i64("1 ", 0, 100, &v));
	assert_false(str_to_i64("+1", 0, 100, &v));
	assert_false(str_to_i64("+1", -100, 100, &v));
	assert_false(str_to_i64("-", -100, 100, &v));
	assert_false(str_to_i64("--1", -100, 100, &v));
	assert_false(str_to_i64("- 1", -100, 100, &v));
	assert_false(str_to_i64("0x10", 0, 100, &v));
	assert_false(str_to_i64("1.5", 0, 100, &v));
	assert_false(str_to_i64("1e3", 0, 10000, &v));
	assert_false(str_to_i64("１２", 0, 100, &v)); /* full-width digits */
	assert_false(str_to_i64("9223372036854775808", INT64_MIN, INT64_MAX, &v));
	assert_false(str_to_i64("-9223372036854775809", INT64_MIN, INT64_MAX, &v));
	assert_false(str_to_i64("99999999999999999999999", 0, INT64_MAX, &v));
	assert_false(str_to_i64("11", 0, 10, &v));
	assert_false(str_to_i64("4", 5, 10, &v));
	assert_false(str_to_i64("-11", -10, 10, &v));
	assert_false(str_to_i64("-1", 0, 10, &v));
	assert_false(str_to_i64("-0", 0, 10, &v));
	/* the output is untouched on failure */
	assert_int_equal(v, 777);
}

#define U8(lit, nl) str_utf8_valid(lit, sizeof(lit) - 1, nl)

static void
test_str_utf8_valid(void **state)
{
	(void)state;
	assert_true(U8("", false));
	assert_true(U8("plain ascii ~", false));
	assert_true(U8("群馬県前橋市", false));
	assert_true(U8("\xc2\xa9 \xdf\xbf", false));          /* 2-byte edges: U+00A9, U+07FF */
	assert_true(U8("\xe0\xa0\x80", false));               /* U+0800, smallest 3-byte */
	assert_true(U8("\xed\x9f\xbf \xee\x80\x80", false));  /* around the surrogates */
	assert_true(U8("\xef\xbf\xbd", false));               /* U+FFFD */
	assert_true(U8("\xf0\x90\x80\x80", false));           /* U+10000 */
	assert_true(U8("\xf0\x9d\x84\x9e", false));           /* U+1D11E */
	assert_true(U8("\xf4\x8f\xbf\xbf", false));           /* U+10FFFF */
	assert_true(U8("tab\tok", false));

	/* overlongs */
	assert_false(U8("\xc0\xaf", false));
	assert_false(U8("\xc0\x80", false));
	assert_false(U8("\xc1\xbf", false));
	assert_false(U8("\xe0\x80\xaf", false));
	assert_false(U8("\xe0\x9f\xbf", false));
	assert_false(U8("\xf0\x80\x80\xaf", false));
	assert_false(U8("\xf0\x8f\xbf\xbf", false));
	/* surrogates */
	assert_false(U8("\xed\xa0\x80", false));
	assert_false(U8("\xed\xbf\xbf", false));
	assert_false(U8("\xed\xa0\xbd\xed\xb8\x80", false));  /* CESU-8 pair */
	/* beyond U+10FFFF */
	assert_false(U8("\xf4\x90\x80\x80", false));
	assert_false(U8("\xf5\x80\x80\x80", false));
	assert_false(U8("\xf7\xbf\xbf\xbf", false));
	assert_false(U8("\xf8\x88\x80\x80\x80", false));
	assert_false(U8("\xff", false));
	assert_false(U8("\xfe", false));
	/* stray continuation, bad continuation */
	assert_false(U8("\x80", false));
	assert_false(U8("a\xbf", false));
	assert_false(U8("\xe7\x41\xa4", false));
	assert_false(U8("\xc3\xc3\xa9", false));
	/* truncated at the end */
	assert_false(U8("a\xc3", false));
	assert_false(U8("\xe7\xbe", false));
	assert_false(U8("\xe7", false));
	assert_false(U8("\xf0\x9d\x84", false));
	/* the length is what counts: a valid sequence cut by n */
	assert_false(str_utf8_valid("\xe7\xbe\xa4", 2, false));
	assert_true(str_utf8_valid("\xe7\xbe\xa4\xff", 3, false));
	/* NUL and control characters */
	assert_false(U8("a\0b", true));
	assert_false(U8("\0", false));
	assert_false(U8("\x01", true));
	assert_false(U8("\x1b[2J", true));
	assert_false(U8("\x7f", true));
	/* newlines only when allowed */
	assert_false(U8("a\nb", false));
	assert_false(U8("a\rb", false));
	assert_true(U8("a\nb", true));
	assert_true(U8("a\r\nb\t", true));
}

/* The cut used for snippets, descriptions, keywords and diffs: whole characters only. */
static void
test_str_utf8_prefix(void **state)
{
	const char *s = "群馬a県🐮x";  /* 3-byte, 1, 3-byte, 4-byte, 1 */
	size_t n = strlen(s);

	(void)state;
	assert_int_equal(str_utf8_prefix(s, n, 0), 0);
	assert_int_equal(str_utf8_prefix(s, n, 1), 3);
	assert_int_equal(str_utf8_prefix(s, n, 2), 6);
	assert_int_equal(str_utf8_prefix(s, n, 3), 7);
	assert_int_equal(str_utf8_prefix(s, n, 5), 14);
	assert_int_equal(str_utf8_prefix(s, n, 6), n);
	assert_int_equal(str_utf8_prefix(s, n, 100), n);
	/* a sequence cut short by n, and stray continuation bytes, never run past n */
	assert_int_equal(str_utf8_prefix(s, 2, 1), 2);
	assert_int_equal(str_utf8_prefix("\x80\x80" "a", 3, 1), 2);
	assert_int_equal(str_utf8_prefix("", 0, 3), 0);
}

static void
test_str_utf8_len(void **state)
{
	(void)state;
	assert_int_equal(str_utf8_len("", 0), 0);
	assert_int_equal(str_utf8_len("abc", 3), 3);
	assert_int_equal(str_utf8_len("群馬a", strlen("群馬a")), 3);
	assert_int_equal(str_utf8_len("\xf0\x9d\x84\x9e!", 5), 2);
	assert_int_equal(str_utf8_len("\xc2\xa9", 2), 1);
}

static void
test_str_compare(void **state)
{
	char hex[9];
	const unsigned char raw[4] = { 0x00, 0x0f, 0xa5, 0xff };

	(void)state;
	assert_true(str_contains_ci("Hello World", 11, "WORLD", 5));
	assert_true(str_contains_ci("Hello World", 11, "hello", 5));
	assert_true(str_contains_ci("Hello World", 11, "o w", 3));
	assert_true(str_contains_ci("abc", 3, "", 0));
	assert_true(str_contains_ci("abc", 3, "ABC", 3));
	assert_false(str_contains_ci("abc", 3, "abcd", 4));
	assert_false(str_contains_ci("abc", 3, "abd", 3));
	assert_false(str_contains_ci("", 0, "a", 1));
	/* the haystack ends at n, not at NUL */
	assert_false(str_contains_ci("abcdef", 3, "def", 3));
	assert_true(str_contains_ci("aaab", 4, "AAB", 3));
	assert_true(str_contains_ci("群馬県", strlen("群馬県"), "馬", strlen("馬")));

	assert_true(str_eq("a", "a"));
	assert_false(str_eq("a", "A"));
	assert_false(str_eq("a", "ab"));
	assert_false(str_eq(NULL, "a"));
	assert_false(str_eq("a", NULL));
	assert_false(str_eq(NULL, NULL));
	assert_true(str_has_prefix("/admin/x", "/admin/"));
	assert_false(str_has_prefix("/adm", "/admin/"));
	assert_true(str_has_prefix("x", ""));

	str_hex(hex, raw, 4);
	assert_string_equal(hex, "000fa5ff");
	str_hex(hex, raw, 0);
	assert_string_equal(hex, "");
}

static void
test_str_email_valid(void **state)
{
	(void)state;
	assert_true(str_email_valid("tanaka@pref.gunma.lg.jp"));
	assert_false(str_email_valid("a@x.jp\r\nBcc: b@y.jp")); /* SECURITY.md item 8 */
	assert_false(str_email_valid("a b@x.jp"));
	assert_false(str_email_valid("@x.jp"));
	assert_false(str_email_valid("a@@x.jp"));
	assert_false(str_email_valid("a@x"));
	assert_false(str_email_valid("a@.jp"));
	assert_false(str_email_valid("a@x.jp."));
	assert_false(str_email_valid("\"a\"@x.jp"));
	assert_false(str_email_valid("田中@x.jp"));
}

static void
test_str_copy(void **state)
{
	char dst[4];
	char canary[8] = "XXXXXXX";

	(void)state;
	assert_true(str_copy(dst, sizeof(dst), "abc"));
	assert_string_equal(dst, "abc");
	assert_false(str_copy(dst, sizeof(dst), "abcd"));
	assert_string_equal(dst, "abc");
	assert_false(str_copy(dst, sizeof(dst), "abcdefgh"));
	assert_string_equal(dst, "abc");
	assert_true(str_copy(dst, sizeof(dst), ""));
	assert_string_equal(dst, "");
	assert_false(str_copy(dst, 1, "a"));
	assert_string_equal(dst, "");
	/* size 0 writes nothing */
	assert_false(str_copy(canary, 0, "abc"));
	assert_string_equal(canary, "XXXXXXX");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_str_utf8_prefix),
		cmocka_unit_test(test_arena_alignment),
		cmocka_unit_test(test_arena_distinct_and_intact),
		cmocka_unit_test(test_arena_big),
		cmocka_unit_test(test_arena_limit),
		cmocka_unit_test(test_arena_reset_reuse),
		cmocka_unit_test(test_arena_helpers),
		cmocka_unit_test(test_buf_growth),
		cmocka_unit_test(test_buf_limits),
		cmocka_unit_test(test_buf_html),
		cmocka_unit_test(test_buf_urlenc),
		cmocka_unit_test(test_buf_logsafe),
		cmocka_unit_test(test_buf_json),
		cmocka_unit_test(test_str_to_i64),
		cmocka_unit_test(test_str_email_valid),
		cmocka_unit_test(test_str_utf8_valid),
		cmocka_unit_test(test_str_utf8_len),
		cmocka_unit_test(test_str_compare),
		cmocka_unit_test(test_str_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
