/* test_form.c - urlencoded, multipart and cookie parsers: decoded values, limits, error statuses. */
#include "testutil.h"

#include "http/form.h"

#define TEST_ARENA_LIMIT ((size_t)64 * 1024 * 1024)

static int
setup(void **state)
{
	arena_t *a = malloc(sizeof(*a));

	if (a == NULL)
		return -1;
	arena_init(a, 0, TEST_ARENA_LIMIT);
	*state = a;
	return 0;
}

static int
teardown(void **state)
{
	arena_t *a = *state;

	arena_free(a);
	free(a);
	return 0;
}

static int
urlenc(arena_t *a, const char *s, form_t *f)
{
	return form_parse_urlencoded(a, s, strlen(s), NULL, f);
}

static void
assert_empty(const form_t *f)
{
	assert_null(f->fields);
	assert_int_equal(f->count, 0);
}

/* An urlencoded input that must fail with want, leaving the output empty. */
static void
urlenc_fails(arena_t *a, const char *s, const form_limits_t *lim, int want)
{
	form_t f = { (form_field_t *)1, 99 };

	assert_int_equal(form_parse_urlencoded(a, s, strlen(s), lim, &f), want);
	assert_empty(&f);
}

/* ---- urlencoded ---- */

static void
test_urlenc_basic(void **state)
{
	arena_t *a = *state;
	form_t   f;

	assert_int_equal(urlenc(a, "a=1&b=two&c=", &f), 0);
	assert_int_equal(f.count, 3);
	assert_string_equal(f.fields[0].name, "a");
	assert_string_equal(f.fields[0].value, "1");
	assert_int_equal(f.fields[0].value_len, 1);
	assert_string_equal(f.fields[1].name, "b");
	assert_string_equal(f.fields[1].value, "two");
	assert_string_equal(f.fields[2].name, "c");
	assert_string_equal(f.fields[2].value, "");
	assert_int_equal(f.fields[2].value_len, 0);
	assert_null(f.fields[0].filename);
	assert_null(f.fields[0].content_type);
	assert_string_equal(form_get(&f, "b"), "two");
	assert_null(form_get(&f, "d"));
	assert_null(form_get(&f, "B"));
	assert_ptr_equal(form_get_field(&f, "c"), &f.fields[2]);
}

static void
test_urlenc_japanese(void **state)
{
	arena_t *a = *state;
	form_t   f;

	assert_int_equal(urlenc(a, "name=%E7%BE%A4%E9%A6%AC&%E7%9C%8C=%e6%9d%b1%e4%ba%ac", &f), 0);
	assert_int_equal(f.count, 2);
	assert_string_equal(f.fields[0].value, "群馬");
	assert_int_equal(f.fields[0].value_len, 6);
	assert_string_equal(f.fields[1].name, "県");
	assert_string_equal(f.fields[1].value, "東京");
	/* raw (unencoded) UTF-8 is accepted too */
	assert_int_equal(urlenc(a, "q=群馬県", &f), 0);
	assert_string_equal(form_get(&f, "q"), "群馬県");
}

static void
test_urlenc_plus_and_escapes(void **state)
{
	arena_t *a = *state;
	form_t   f;

	assert_int_equal(urlenc(a, "q=a+b%2Bc%20d&x%3Dy=1%262", &f), 0);
	assert_int_equal(f.count, 2);
	assert_string_equal(f.fields[0].value, "a b+c d");
	assert_string_equal(f.fields[1].name, "x=y");
	assert_string_equal(f.fields[1].value, "1&2");
	/* only the first '=' separates */
	assert_int_equal(urlenc(a, "k=v=w", &f), 0);
	assert_string_equal(form_get(&f, "k"), "v=w");
	/* newlines allowed in values */
	assert_int_equal(urlenc(a, "t=line1%0D%0Aline2%09", &f), 0);
	assert_string_equal(form_get(&f, "t"), "line1\r\nline2\t");
}

static void
test_urlenc_missing_eq_and_empty_pairs(void **state)
{
	arena_t *a = *state;
	form_t   f;

	assert_int_equal(urlenc(a, "&&flag&&x=1&", &f), 0);
	assert_int_equal(f.count, 2);
	assert_string_equal(f.fields[0].name, "flag");
	assert_string_equal(f.fields[0].value, "");
	assert_int_equal(f.fields[0].value_len, 0);
	assert_string_equal(f.fields[1].name, "x");
	assert_int_equal(urlenc(a, "", &f), 0);
	assert_empty(&f);
	assert_int_equal(urlenc(a, "&&&", &f), 0);
	assert_empty(&f);
	assert_int_equal(form_parse_urlencoded(a, NULL, 0, NULL, &f), 0);
	assert_empty(&f);
}

static void
test_urlenc_duplicates_first_wins(void **state)
{
	arena_t *a = *state;
	form_t   f;

	assert_int_equal(urlenc(a, "id=1&id=2", &f), 0);
	assert_int_equal(f.count, 2);
	assert_string_equal(form_get(&f, "id"), "1");
	assert_string_equal(f.fields[1].value, "2");
}

static void
test_urlenc_bad_escapes(void **state)
{
	arena_t *a = *state;

	urlenc_fails(a, "a=%G1", NULL, 400);
	urlenc_fails(a, "a=%1G", NULL, 400);
	urlenc_fails(a, "a=%4", NULL, 400);
	urlenc_fails(a, "a=%", NULL, 400);
	urlenc_fails(a, "a=1&b=%4&c=3", NULL, 400);
	urlenc_fails(a, "%zz=1", NULL, 400);
	urlenc_fails(a, "a=%%41", NULL, 400);
	{
		form_t f = { NULL, 0 };

		/* the escape is cut by the given length, whatever follows in memory */
		assert_int_equal(form_parse_urlencoded(a, "a=%41", 4, NULL, &f), 400);
		assert_empty(&f);
		assert_int_equal(form_parse_urlencoded(a, "a=%41", 3, NULL, &f), 400);
		assert_int_equal(form_parse_urlencoded(a, "a=%41", 5, NULL, &f), 0);
		assert_string_equal(form_get(&f, "a"), "A");
	}
}

static void
test_urlenc_bad_utf8(void **state)
{
	arena_t *a = *state;

	urlenc_fails(a, "a=%FF", NULL, 400);
	urlenc_fails(a, "a=%C0%AF", NULL, 400);       /* overlong '/' */
	urlenc_fails(a, "a=%E0%80%AF", NULL, 400);    /* overlong, 3 bytes */
	urlenc_fails(a, "a=%ED%A0%80", NULL, 400);    /* surrogate U+D800 */
	urlenc_fails(a, "a=%F4%90%80%80", NULL, 400); /* > U+10FFFF */
	urlenc_fails(a, "a=%E7%BE", NULL, 400);       /* truncated */
	urlenc_fails(a, "%FF=1", NULL, 400);
	urlenc_fails(a, "a=\xff", NULL, 400);         /* raw invalid byte */
	urlenc_fails(a, "a=%01", NULL, 400);          /* control character */
	urlenc_fails(a, "a=%7F", NULL, 400);
	urlenc_fails(a, "a%0A=1", NULL, 400);         /* newline in a name */
}

static void
test_urlenc_nul(void **state)
{
	arena_t *a = *state;
	form_t   f = { NULL, 0 };

	urlenc_fails(a, "a=%00", NULL, 400);
	urlenc_fails(a, "a%00b=1", NULL, 400);
	urlenc_fails(a, "a=x%00", NULL, 400);
	/* a raw NUL byte inside the given length */
	assert_int_equal(form_parse_urlencoded(a, "a=b\0c", 5, NULL, &f), 400);
	assert_empty(&f);
}

static void
test_urlenc_limits(void **state)
{
	arena_t      *a = *state;
	form_limits_t lim = form_default_limits;
	form_t        f;
	char         *s;
	size_t        i;

	lim.max_fields = 3;
	lim.max_name = 4;
	lim.max_value = 5;
	assert_int_equal(form_parse_urlencoded(a, "a=1&b=2&c=3", 11, &lim, &f), 0);
	assert_int_equal(f.count, 3);
	urlenc_fails(a, "a=1&b=2&c=3&d=4", &lim, 413);
	/* empty pairs do not count */
	assert_int_equal(form_parse_urlencoded(a, "a=1&&b=2&&&c=3&", 15, &lim, &f), 0);
	assert_int_equal(f.count, 3);

	assert_int_equal(form_parse_urlencoded(a, "abcd=12345", 10, &lim, &f), 0);
	urlenc_fails(a, "abcde=1", &lim, 413);
	urlenc_fails(a, "a=123456", &lim, 413);
	/* limits count decoded bytes: three escapes are three bytes */
	assert_int_equal(form_parse_urlencoded(a, "%41%42%43%44=%31%32%33%34%35", 28, &lim, &f), 0);
	assert_string_equal(form_get(&f, "ABCD"), "12345");
	urlenc_fails(a, "a=%E7%BE%A4%E9%A6%AC", &lim, 413); /* 6 bytes */

	/* default limits: 200 fields */
	s = malloc(201 * 4 + 1);
	assert_non_null(s);
	for (i = 0; i < 201; i++)
		memcpy(s + i * 4, "a=1&", 4);
	s[200 * 4 - 1] = '\0';
	assert_int_equal(urlenc(a, s, &f), 0);
	assert_int_equal(f.count, 200);
	s[200 * 4 - 1] = '&';
	s[201 * 4 - 1] = '\0';
	urlenc_fails(a, s, NULL, 413);
	free(s);

	/* default value limit: 64 KiB */
	s = malloc(2 + 65537 + 1);
	assert_non_null(s);
	memcpy(s, "v=", 2);
	memset(s + 2, 'x', 65536);
	s[2 + 65536] = '\0';
	assert_int_equal(urlenc(a, s, &f), 0);
	assert_int_equal(f.fields[0].value_len, 65536);
	s[2 + 65536] = 'x';
	s[2 + 65537] = '\0';
	urlenc_fails(a, s, NULL, 413);
	free(s);
}

static void
test_urlenc_arena_exhausted(void **state)
{
	arena_t small;
	form_t  f;

	(void)state;
	arena_init(&small, 256, 64);
	assert_int_equal(form_parse_urlencoded(&small, "a=1&b=2&c=3&d=4&e=5&f=6&g=7", 27, NULL, &f),
	    413);
	assert_empty(&f);
	arena_free(&small);
}

/* ---- multipart ---- */

#define CT "multipart/form-data; boundary=----WebKitFormBoundaryAbC123"
#define B  "------WebKitFormBoundaryAbC123"

static int
mp(arena_t *a, const char *ct, const char *body, size_t n, const form_limits_t *lim, form_t *f)
{
	return form_parse_multipart(a, ct, body, n, lim, f);
}

static int
mps(arena_t *a, const char *body, form_t *f)
{
	return mp(a, CT, body, strlen(body), NULL, f);
}

static int
mps_lim(arena_t *a, const char *body, const form_limits_t *lim, form_t *f)
{
	return mp(a, CT, body, strlen(body), lim, f);
}

static void
mp_fails(arena_t *a, const char *ct, const char *body, const form_limits_t *lim, int want)
{
	form_t f = { (form_field_t *)1, 99 };

	assert_int_equal(mp(a, ct, body, strlen(body), lim, &f), want);
	assert_empty(&f);
}

/* Builds a multipart body with one part of the given headers and content. */
static char *
mp_body(const char *headers, size_t content_len, char fill, size_t *n)
{
	size_t hl = strlen(headers), bl = strlen(B), len;
	char  *s;

	len = bl + 2 + hl + 4 + content_len + 2 + bl + 2;
	s = malloc(len + 1);
	assert_non_null(s);
	memcpy(s, B "\r\n", bl + 2);
	memcpy(s + bl + 2, headers, hl);
	memcpy(s + bl + 2 + hl, "\r\n\r\n", 4);
	memset(s + bl + 2 + hl + 4, fill, content_len);
	memcpy(s + bl + 2 + hl + 4 + content_len, "\r\n" B "--", 2 + bl + 2);
	s[len] = '\0';
	*n = len;
	return s;
}

/* One part of exactly the given bytes (headers and all) between a delimiter and the close. */
static char *
mp_wrap(const char *part, size_t *n)
{
	size_t pl = strlen(part), bl = strlen(B), len;
	char  *s;

	len = bl + 2 + pl + 2 + bl + 2;
	s = malloc(len + 1);
	assert_non_null(s);
	memcpy(s, B "\r\n", bl + 2);
	memcpy(s + bl + 2, part, pl);
	memcpy(s + bl + 2 + pl, "\r\n" B "--", 2 + bl + 2);
	s[len] = '\0';
	*n = len;
	return s;
}

static void
test_mp_two_text_one_file(void **state)
{
	static const char body[] =
	    "preamble to ignore\r\n"
	    B "\r\n"
	    "Content-Disposition: form-data; name=\"title\"\r\n"
	    "\r\n"
	    "群馬の仕事\r\n"
	    B "\r\n"
	    "content-disposition: FORM-DATA; name=\"note\"\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "\r\n"
	    "line1\r\nline2\r\n"
	    B "\r\n"
	    "Content-Disposition: form-data; name=\"photo\"; filename=\"a.png\"\r\n"
	    "Content-Type: image/png\r\n"
	    "\r\n"
	    "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\r\n--not-the-boundary\r\n\0\xff"
	    "\r\n"
	    B "--\r\n"
	    "epilogue " B " also ignored\r\n";
	static const char file[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\r\n--not-the-boundary\r\n\0\xff";
	arena_t *a = *state;
	form_t   f;

	assert_int_equal(mp(a, CT, body, sizeof(body) - 1, NULL, &f), 0);
	assert_int_equal(f.count, 3);

	assert_string_equal(f.fields[0].name, "title");
	assert_string_equal(f.fields[0].value, "群馬の仕事");
	assert_int_equal(f.fields[0].value_len, strlen("群馬の仕事"));
	assert_null(f.fields[0].filename);
	assert_null(f.fields[0].content_type);

	assert_string_equal(f.fields[1].name, "note");
	assert_string_equal(f.fields[1].value, "line1\r\nline2");
	assert_string_equal(f.fields[1].content_type, "text/plain; charset=UTF-8");
	assert_null(f.fields[1].filename);

	assert_string_equal(f.fields[2].name, "photo");
	assert_string_equal(f.fields[2].filename, "a.png");
	assert_string_equal(f.fields[2].content_type, "image/png");
	assert_int_equal(f.fields[2].value_len, sizeof(file) - 1);
	assert_memory_equal(f.fields[2].value, file, sizeof(file) - 1);
	assert_int_equal(f.fields[2].value[f.fields[2].value_len], '\0');

	assert_string_equal(form_get(&f, "note"), "line1\r\nline2");
	assert_ptr_equal(form_get_field(&f, "photo"), &f.fields[2]);
}

static void
test_mp_boundary_forms(void **state)
{
	arena_t *a = *state;
	form_t   f;
	static const char body[] =
	    "--a b:c\r\n"
	    "Content-Disposition: form-data; name=x\r\n"
	    "\r\n"
	    "1\r\n"
	    "--a b:c--";
	static const char zz[] =
	    "--zz\r\nContent-Disposition: form-data; name=\"y\"\r\n\r\n2\r\n--zz--";

	/* quoted boundary with a space and a colon, parameters in any case and order */
	assert_int_equal(mp(a, "multipart/form-data; charset=utf-8; boundary=\"a b:c\"", body,
	    sizeof(body) - 1, NULL, &f), 0);
	assert_int_equal(f.count, 1);
	assert_string_equal(form_get(&f, "x"), "1");
	assert_int_equal(mp(a, "Multipart/Form-Data;BOUNDARY=\"a b:c\"", body, sizeof(body) - 1,
	    NULL, &f), 0);
	assert_string_equal(form_get(&f, "x"), "1");

	/* unquoted; no preamble and no CRLF after the close delimiter */
	assert_int_equal(mp(a, "multipart/form-data; boundary=zz", zz, sizeof(zz) - 1, NULL, &f), 0);
	assert_string_equal(form_get(&f, "y"), "2");

	/* transport padding after a delimiter */
	assert_int_equal(mps(a, B " \t\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\nv\r\n"
	    B "--", &f), 0);
	assert_string_equal(form_get(&f, "p"), "v");

	/* only a close delimiter: no fields */
	assert_int_equal(mps(a, B "--\r\n", &f), 0);
	assert_empty(&f);
}

static void
test_mp_bad_boundary(void **state)
{
	arena_t *a = *state;
	form_t   f = { NULL, 0 };
	char     ct[160];
	char     b71[72];
	static const char body[] = "--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--";

	mp_fails(a, "multipart/form-data", body, NULL, 400);
	mp_fails(a, "multipart/form-data; boundary=", body, NULL, 400);
	mp_fails(a, "multipart/form-data; boundary=\"\"", body, NULL, 400);
	mp_fails(a, "multipart/form-data; boundary=\"x", body, NULL, 400);
	mp_fails(a, "multipart/form-data; boundary=x; boundary=y", body, NULL, 400);
	mp_fails(a, "multipart/form-data; boundary=y; boundary=x", body, NULL, 400);
	mp_fails(a, "multipart/form-data; boundary=\"x \"", body, NULL, 400);
	mp_fails(a, "multipart/form-data; boundary=\"x\\\"y\"", body, NULL, 400);
	mp_fails(a, "multipart/mixed; boundary=x", body, NULL, 400);
	mp_fails(a, "application/x-www-form-urlencoded", body, NULL, 400);
	mp_fails(a, "multipart/form-data boundary=x", body, NULL, 400);
	mp_fails(a, "", body, NULL, 400);
	assert_int_equal(form_parse_multipart(a, NULL, body, sizeof(body) - 1, NULL, &f), 400);
	assert_empty(&f);
	assert_int_equal(mp(a, "multipart/form-data; boundary=x", body, sizeof(body) - 1, NULL, &f), 0);

	/* 70 characters is the most RFC 2046 allows */
	memset(b71, 'b', 70);
	b71[70] = '\0';
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%s", b71);
	{
		char big[256];
		int  len = snprintf(big, sizeof(big), "--%s\r\nContent-Disposition: form-data; name=a\r\n"
		    "\r\n1\r\n--%s--", b71, b71);
		assert_true(len > 0 && (size_t)len < sizeof(big));
		assert_int_equal(mp(a, ct, big, (size_t)len, NULL, &f), 0);
		assert_string_equal(form_get(&f, "a"), "1");
	}
	b71[70] = 'b';
	b71[71] = '\0';
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%s", b71);
	mp_fails(a, ct, body, NULL, 400);
}

static void
test_mp_missing_end_boundary(void **state)
{
	arena_t *a = *state;

	mp_fails(a, CT, B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n", NULL, 400);
	mp_fails(a, CT, B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1", NULL, 400);
	/* the last delimiter is neither "--" nor CRLF */
	mp_fails(a, CT, B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n" B, NULL, 400);
	mp_fails(a, CT, B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n" B "-", NULL,
	    400);
	mp_fails(a, CT, B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n" B "x\r\n", NULL,
	    400);
	mp_fails(a, CT, "", NULL, 400);
	mp_fails(a, CT, "no delimiter at all", NULL, 400);
	mp_fails(a, CT, B, NULL, 400);
	mp_fails(a, CT, B "\r\n", NULL, 400);
}

static void
test_mp_malformed_parts(void **state)
{
	arena_t *a = *state;

	/* no Content-Disposition */
	mp_fails(a, CT, B "\r\nContent-Type: text/plain\r\n\r\n1\r\n" B "--", NULL, 400);
	mp_fails(a, CT, B "\r\n\r\n1\r\n" B "--", NULL, 400);
	/* not form-data, no name, duplicate name, duplicate header */
	mp_fails(a, CT, B "\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\n1\r\n" B "--", NULL, 400);
	mp_fails(a, CT, B "\r\nContent-Disposition: form-data\r\n\r\n1\r\n" B "--", NULL, 400);
	mp_fails(a, CT, B "\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\n1\r\n" B "--",
	    NULL, 400);
	mp_fails(a, CT, B "\r\nContent-Disposition: form-data; name=a\r\n"
	    "Content-Disposition: form-data; name=b\r\n\r\n1\r\n" B "--", NULL, 400);
	mp_fails(a, CT, B "\r\nContent-Disposition: form-data; name=a\r\n"
	    "Content-Disposition: form-data; filename=b\r\n\r\n1\r\n" B "--", NULL, 400);
	mp_fails(a, CT, B "\r\nContent-Disposition: form-data; name=a\r\nContent-Type: text/plain\r\n"
	    "Content-Type: text/html\r\n\r\n1\r\n" B "--", NULL, 400);
	/* unterminated quoted name; header line without a colon; folded header */
	mp_fails(a, CT, B "\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n" B "--", NULL, 400);
	mp_fails(a, CT, B "\r\nContent-Disposition form-data; name=a\r\n\r\n1\r\n" B "--", NULL, 400);
	mp_fails(a, CT, B "\r\nContent-Disposition: form-data; name=a\r\n X-Folded: 1\r\n\r\n1\r\n"
	    B "--", NULL, 400);
	/* a bare LF or a NUL in a header line */
	mp_fails(a, CT, B "\r\nContent-Disposition: form-data; name=a\nX: y\r\n\r\n1\r\n" B "--", NULL,
	    400);
	/* name with a newline (sent escaped), with invalid UTF-8 */
	mp_fails(a, CT, B "\r\nContent-Disposition: form-data; name=\"a\xff\"\r\n\r\n1\r\n" B "--", NULL,
	    400);
	/* text values: invalid UTF-8, NUL */
	mp_fails(a, CT, B "\r\nContent-Disposition: form-data; name=a\r\n\r\n\xc0\xaf\r\n" B "--", NULL,
	    400);
	{
		static const char body[] = B "\r\nContent-Disposition: form-data; name=a\r\n\r\nx\0y\r\n" B "--";
		form_t f = { NULL, 0 };

		assert_int_equal(mp(a, CT, body, sizeof(body) - 1, NULL, &f), 400);
		assert_empty(&f);
	}
}

static void
test_mp_quoted_names(void **state)
{
	arena_t *a = *state;
	form_t   f;

	assert_int_equal(mps(a, B "\r\nContent-Disposition: form-data; name=\"a\\\"b\\\\c;d\"\r\n\r\n1\r\n"
	    B "\r\nContent-Disposition: form-data ; name = \"都道府県\" ; x=\"y\"\r\n\r\n群馬\r\n"
	    B "--", &f), 0);
	assert_int_equal(f.count, 2);
	assert_string_equal(f.fields[0].name, "a\"b\\c;d");
	assert_string_equal(form_get(&f, "都道府県"), "群馬");
}

static void
test_mp_filenames(void **state)
{
	arena_t *a = *state;
	form_t   f;

	/* escaped backslashes (RFC quoted-string) */
	assert_int_equal(mps(a, B "\r\nContent-Disposition: form-data; name=\"f\"; "
	    "filename=\"C:\\\\Users\\\\x\\\\evil.png\"\r\n\r\nPNG\r\n" B "--", &f), 0);
	assert_string_equal(f.fields[0].filename, "evil.png");
	/* raw backslashes as old browsers sent them */
	assert_int_equal(mps(a, B "\r\nContent-Disposition: form-data; name=\"f\"; "
	    "filename=\"C:\\Users\\x\\evil.png\"\r\n\r\nPNG\r\n" B "--", &f), 0);
	assert_string_equal(f.fields[0].filename, "evil.png");
	assert_string_equal(f.fields[0].value, "PNG");
	assert_int_equal(mps(a, B "\r\nContent-Disposition: form-data; name=\"f\"; "
	    "filename=\"../../etc/passwd\"\r\n\r\nroot\r\n" B "--", &f), 0);
	assert_string_equal(f.fields[0].filename, "passwd");
	assert_int_equal(mps(a, B "\r\nContent-Disposition: form-data; name=\"f\"; "
	    "filename=\"履歴書 2024.pdf\"\r\n\r\n%PDF\r\n" B "--", &f), 0);
	assert_string_equal(f.fields[0].filename, "履歴書 2024.pdf");
	/* a trailing separator leaves an empty name: still a file since it has content */
	assert_int_equal(mps(a, B "\r\nContent-Disposition: form-data; name=\"f\"; "
	    "filename=\"dir/\"\r\n\r\nx\r\n" B "--", &f), 0);
	assert_int_equal(f.count, 1);
	assert_string_equal(f.fields[0].filename, "");
	/* control characters and invalid UTF-8 are refused */
	mp_fails(a, CT, B "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\tb\"\r\n\r\n"
	    "x\r\n" B "--", NULL, 400);
	mp_fails(a, CT, B "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\x01\"\r\n\r\n"
	    "x\r\n" B "--", NULL, 400);
	mp_fails(a, CT, B "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\xe7\xbe\"\r\n"
	    "\r\nx\r\n" B "--", NULL, 400);
	mp_fails(a, CT, B "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"; "
	    "filename=\"b\"\r\n\r\nx\r\n" B "--", NULL, 400);
	{
		char   h[400];
		char  *s;
		size_t n;

		/* 255 bytes of file name after the path is stripped; 256 is too long */
		size_t k;

		strcpy(h, "Content-Disposition: form-data; name=\"f\"; filename=\"dir/");
		k = strlen(h);
		memset(h + k, 'n', 255);
		strcpy(h + k + 255, "\"");
		s = mp_body(h, 1, 'x', &n);
		assert_int_equal(mp(a, CT, s, n, NULL, &f), 0);
		assert_int_equal(strlen(f.fields[0].filename), 255);
		free(s);
		strcpy(h + k + 255, "n\"");
		s = mp_body(h, 1, 'x', &n);
		assert_int_equal(mp(a, CT, s, n, NULL, &f), 413);
		free(s);
	}
}

static void
test_mp_empty_file_skipped(void **state)
{
	arena_t *a = *state;
	form_t   f;

	assert_int_equal(mps(a, B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
	    B "\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"\"\r\n"
	    "Content-Type: application/octet-stream\r\n\r\n\r\n"
	    B "\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n\r\n"
	    B "--\r\n", &f), 0);
	assert_int_equal(f.count, 2);
	assert_string_equal(f.fields[0].name, "a");
	assert_string_equal(f.fields[1].name, "b");
	assert_string_equal(f.fields[1].value, "");
	assert_null(form_get(&f, "photo"));

	/* a named but empty file is kept */
	assert_int_equal(mps(a, B "\r\nContent-Disposition: form-data; name=\"photo\"; "
	    "filename=\"empty.txt\"\r\n\r\n\r\n" B "--", &f), 0);
	assert_int_equal(f.count, 1);
	assert_string_equal(f.fields[0].filename, "empty.txt");
	assert_int_equal(f.fields[0].value_len, 0);

	/* skipped parts count against neither limit */
	{
		form_limits_t lim = form_default_limits;

		lim.max_fields = 1;
		lim.max_files = 0;
		assert_int_equal(mps_lim(a, B "\r\nContent-Disposition: form-data; name=\"p\"; "
		    "filename=\"\"\r\n\r\n\r\n"
		    B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n" B "--", &lim, &f), 0);
		assert_int_equal(f.count, 1);
	}
}

static void
test_mp_headers_without_body(void **state)
{
	arena_t *a = *state;
	form_t   f;

	/* the last header's CRLF doubles as the delimiter's (RFC 2046: the body is optional) */
	assert_int_equal(mps(a, B "\r\nContent-Disposition: form-data; name=\"a\"\r\n" B "--", &f), 0);
	assert_int_equal(f.count, 1);
	assert_string_equal(form_get(&f, "a"), "");
}

static void
test_mp_limits(void **state)
{
	arena_t      *a = *state;
	form_limits_t lim = form_default_limits;
	form_t        f;
	char         *s;
	size_t        n;

	/* max_file (default 10 MiB) */
	s = mp_body("Content-Disposition: form-data; name=\"f\"; filename=\"big.bin\"", 10 * 1024 * 1024,
	    '\0', &n);
	assert_int_equal(mp(a, CT, s, n, NULL, &f), 0);
	assert_int_equal(f.fields[0].value_len, 10 * 1024 * 1024);
	free(s);
	s = mp_body("Content-Disposition: form-data; name=\"f\"; filename=\"big.bin\"",
	    10 * 1024 * 1024 + 1, '\0', &n);
	f.count = 99;
	assert_int_equal(mp(a, CT, s, n, NULL, &f), 413);
	assert_empty(&f);
	free(s);

	/* max_value for text parts */
	s = mp_body("Content-Disposition: form-data; name=\"t\"", 65536, 'x', &n);
	assert_int_equal(mp(a, CT, s, n, NULL, &f), 0);
	free(s);
	s = mp_body("Content-Disposition: form-data; name=\"t\"", 65537, 'x', &n);
	assert_int_equal(mp(a, CT, s, n, NULL, &f), 413);
	free(s);

	/* max_name */
	lim.max_name = 3;
	s = mp_body("Content-Disposition: form-data; name=\"abc\"", 1, 'x', &n);
	assert_int_equal(mp(a, CT, s, n, &lim, &f), 0);
	free(s);
	s = mp_body("Content-Disposition: form-data; name=\"abcd\"", 1, 'x', &n);
	assert_int_equal(mp(a, CT, s, n, &lim, &f), 413);
	free(s);

	/* max_files and max_fields */
	lim = form_default_limits;
	lim.max_files = 2;
	lim.max_fields = 3;
#define FILEPART(nm) B "\r\nContent-Disposition: form-data; name=\"" nm "\"; filename=\"" nm ".txt\"\r\n\r\nx\r\n"
#define TEXTPART(nm) B "\r\nContent-Disposition: form-data; name=\"" nm "\"\r\n\r\nx\r\n"
	assert_int_equal(mps_lim(a, FILEPART("a") FILEPART("b") B "--", &lim, &f), 0);
	assert_int_equal(f.count, 2);
	mp_fails(a, CT, FILEPART("a") FILEPART("b") FILEPART("c") B "--", &lim, 413);
	mp_fails(a, CT, TEXTPART("a") FILEPART("b") TEXTPART("c") TEXTPART("d") B "--", &lim, 413);
	assert_int_equal(mps(a, TEXTPART("a") FILEPART("b") TEXTPART("c") B "--", &f), 0);
	assert_int_equal(f.count, 3);
	/* default: 20 files */
	mp_fails(a, CT, FILEPART("1") FILEPART("2") FILEPART("3") FILEPART("4") FILEPART("5")
	    FILEPART("6") FILEPART("7") FILEPART("8") FILEPART("9") FILEPART("10")
	    FILEPART("11") FILEPART("12") FILEPART("13") FILEPART("14") FILEPART("15")
	    FILEPART("16") FILEPART("17") FILEPART("18") FILEPART("19") FILEPART("20")
	    FILEPART("21") B "--", NULL, 413);
#undef FILEPART
#undef TEXTPART
}

static void
test_mp_header_block_limits(void **state)
{
	arena_t *a = *state;
	form_t   f;
	char    *h, *s;
	size_t   i, n;

	/* 16 header lines are fine, 17 are not */
	h = malloc(16 * 8 + 64);
	assert_non_null(h);
	strcpy(h, "Content-Disposition: form-data; name=\"a\"");
	for (i = 0; i < 15; i++)
		strcat(h, "\r\nX-A: 1");
	s = mp_body(h, 1, 'x', &n);
	assert_int_equal(mp(a, CT, s, n, NULL, &f), 0);
	free(s);
	strcat(h, "\r\nX-A: 1");
	s = mp_body(h, 1, 'x', &n);
	assert_int_equal(mp(a, CT, s, n, NULL, &f), 413);
	free(s);
	free(h);

	/* 8 KiB of header lines, CRLFs included: exactly 8192 is fine, 8193 is not */
	h = malloc(9000);
	assert_non_null(h);
	strcpy(h, "Content-Disposition: form-data; name=\"a\"\r\nX-Pad: ");
	n = strlen(h);
	memset(h + n, 'p', 8192 - n - 2);
	h[8192 - 2] = '\0';
	s = mp_body(h, 1, 'x', &n);
	assert_int_equal(mp(a, CT, s, n, NULL, &f), 0);
	assert_string_equal(form_get(&f, "a"), "x");
	free(s);
	strcat(h, "p");
	s = mp_body(h, 1, 'x', &n);
	assert_int_equal(mp(a, CT, s, n, NULL, &f), 413);
	free(s);
	/* headers only, the last one's CRLF being the delimiter's: the same 8192 bytes */
	h[8192 - 2] = '\0';
	s = mp_wrap(h, &n);
	assert_int_equal(mp(a, CT, s, n, NULL, &f), 0);
	assert_string_equal(form_get(&f, "a"), "");
	free(s);
	strcat(h, "p");
	s = mp_wrap(h, &n);
	assert_int_equal(mp(a, CT, s, n, NULL, &f), 413);
	free(s);
	free(h);
}

static void
test_mp_linear_time(void **state)
{
	arena_t *a = *state;
	form_t   f;
	char    *s;
	size_t   n, i, len;

	/*
	 * A text part of almost-delimiters ("\r\n--" + all but the last boundary character):
	 * a rescanning parser takes quadratic time here. 64 KiB of them must parse at once.
	 */
	static const char hdr[] = "Content-Disposition: form-data; name=\"f\"; filename=\"x\"";

	s = mp_body(hdr, 4 * 1024 * 1024, 'x', &n);
	len = strlen(B) + 2;
	for (i = strlen(B) + 2 + strlen(hdr) + 4; i + len + 64 < n; i += len) {
		memcpy(s + i, "\r\n" B, len);
		s[i + len - 1] = 'Z';
	}
	assert_int_equal(mp(a, CT, s, n, NULL, &f), 0);
	assert_int_equal(f.count, 1);
	free(s);
}

/* ---- cookies ---- */

static int
ck(arena_t *a, const char *s, form_t *f)
{
	return form_parse_cookies(a, s, strlen(s), NULL, f);
}

static void
test_cookies_basic(void **state)
{
	arena_t *a = *state;
	form_t   f;

	assert_int_equal(ck(a, "a=1; b=2", &f), 0);
	assert_int_equal(f.count, 2);
	assert_string_equal(f.fields[0].name, "a");
	assert_string_equal(f.fields[0].value, "1");
	assert_int_equal(f.fields[0].value_len, 1);
	assert_string_equal(form_get(&f, "b"), "2");

	assert_int_equal(ck(a, "  sid=abc.DEF-123_~ ;theme=\"dark\";empty=;  q=\"\"  ", &f), 0);
	assert_int_equal(f.count, 4);
	assert_string_equal(form_get(&f, "sid"), "abc.DEF-123_~");
	assert_string_equal(form_get(&f, "theme"), "dark");
	assert_string_equal(form_get(&f, "empty"), "");
	assert_string_equal(form_get(&f, "q"), "");
	assert_int_equal(form_get_field(&f, "q")->value_len, 0);

	/* no percent-decoding; '=' allowed in values (base64) */
	assert_int_equal(ck(a, "x=a%20b; t=YWJj==", &f), 0);
	assert_string_equal(form_get(&f, "x"), "a%20b");
	assert_string_equal(form_get(&f, "t"), "YWJj==");

	assert_int_equal(ck(a, "", &f), 0);
	assert_empty(&f);
	assert_int_equal(form_parse_cookies(a, NULL, 0, NULL, &f), 0);
	assert_empty(&f);
}

static void
test_cookies_garbage_skipped(void **state)
{
	arena_t *a = *state;
	form_t   f;

	assert_int_equal(ck(a, "novalue; =nameless; a=1; sp ace=x; b=has space; c=com,ma; "
	    "d=\"open; e=\x01; f=\xe7\xbe\xa4; g=q\"uote; ;; h=2", &f), 0);
	assert_int_equal(f.count, 2);
	assert_string_equal(f.fields[0].name, "a");
	assert_string_equal(f.fields[1].name, "h");
	assert_string_equal(f.fields[1].value, "2");
	assert_null(form_get(&f, "novalue"));
	assert_null(form_get(&f, ""));

	/* a NUL inside the given length spoils only its pair */
	assert_int_equal(form_parse_cookies(a, "a=x\0y; b=2", 10, NULL, &f), 0);
	assert_int_equal(f.count, 1);
	assert_string_equal(f.fields[0].name, "b");

	assert_int_equal(ck(a, ";;; ; garbage", &f), 0);
	assert_empty(&f);
}

static void
test_cookies_duplicates(void **state)
{
	arena_t *a = *state;
	form_t   f;

	assert_int_equal(ck(a, "sid=first; other=1; sid=second", &f), 0);
	assert_int_equal(f.count, 3);
	assert_string_equal(form_get(&f, "sid"), "first");
	assert_string_equal(f.fields[2].name, "sid");
	assert_string_equal(f.fields[2].value, "second");
	/* exact names only */
	assert_int_equal(ck(a, "SID=x; sid_x=y", &f), 0);
	assert_null(form_get(&f, "sid"));
}

static void
test_cookies_limits(void **state)
{
	arena_t      *a = *state;
	form_limits_t lim = form_default_limits;
	form_t        f = { NULL, 0 };

	lim.max_fields = 2;
	lim.max_name = 3;
	lim.max_value = 4;
	assert_int_equal(form_parse_cookies(a, "a=1; b=2", 8, &lim, &f), 0);
	assert_int_equal(f.count, 2);
	/* garbage does not count, a third good pair is too many */
	assert_int_equal(form_parse_cookies(a, "a=1; x; b=2", 11, &lim, &f), 0);
	assert_int_equal(form_parse_cookies(a, "a=1; b=2; c=3", 13, &lim, &f), 413);
	assert_empty(&f);
	/* an oversized pair is skipped like a malformed one */
	assert_int_equal(form_parse_cookies(a, "abcd=1; abc=1234; v=12345", 25, &lim, &f), 0);
	assert_int_equal(f.count, 1);
	assert_string_equal(f.fields[0].name, "abc");
}

static void
test_get_on_empty(void **state)
{
	form_t f = { NULL, 0 };

	(void)state;
	assert_null(form_get(&f, "a"));
	assert_null(form_get(NULL, "a"));
	assert_null(form_get_field(&f, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_urlenc_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_urlenc_japanese, setup, teardown),
		cmocka_unit_test_setup_teardown(test_urlenc_plus_and_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_urlenc_missing_eq_and_empty_pairs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_urlenc_duplicates_first_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_urlenc_bad_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_urlenc_bad_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_urlenc_nul, setup, teardown),
		cmocka_unit_test_setup_teardown(test_urlenc_limits, setup, teardown),
		cmocka_unit_test(test_urlenc_arena_exhausted),
		cmocka_unit_test_setup_teardown(test_mp_two_text_one_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mp_boundary_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mp_bad_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mp_missing_end_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mp_malformed_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mp_quoted_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mp_filenames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mp_empty_file_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mp_headers_without_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mp_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mp_header_block_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mp_linear_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cookies_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cookies_garbage_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cookies_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cookies_limits, setup, teardown),
		cmocka_unit_test(test_get_on_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
