/* test_csv.c - CSV reader (quoting, line ends, line numbers, every error and the resume after it) and writer. */
#include "testutil.h"

#include "core/csv.h"

/* The messages staff see; kept here in full so that a change to one is a deliberate change. */
#define MSG_QUOTE_OPEN  "引用符が閉じられていません"
#define MSG_AFTER_QUOTE "閉じた引用符の後に文字があります"
#define MSG_STRAY_QUOTE "引用符で囲まれていない項目に引用符があります"
#define MSG_TOO_MANY    "項目が多すぎます（512項目まで）"
#define MSG_TOO_LONG    "項目が長すぎます"
#define MSG_UTF8        "文字コードがUTF-8ではありません"
#define MSG_CONTROL     "制御文字が含まれています"

#define SLEN(lit) (sizeof(lit) - 1)

static void
expect_rec(csv_reader_t *r, int line, const char *const *want, int n)
{
	int i;

	assert_int_equal(csv_read(r), 1);
	assert_int_equal(r->line, line);
	assert_int_equal(r->nfields, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(r->lens[i], strlen(want[i]));
		assert_memory_equal(r->fields[i], want[i], r->lens[i]);
		assert_int_equal(r->fields[i][r->lens[i]], '\0');
	}
}

#define EXPECT_REC(r, line, ...) \
	expect_rec((r), (line), (const char *const[]){ __VA_ARGS__ }, \
	    (int)(sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)))

static void
expect_err(csv_reader_t *r, int line, const char *msg)
{
	assert_int_equal(csv_read(r), -1);
	assert_int_equal(r->line, line);
	assert_int_equal(r->nfields, 0);
	assert_string_equal(r->err, msg);
}

static void
expect_end(csv_reader_t *r)
{
	assert_int_equal(csv_read(r), 0);
	assert_int_equal(r->nfields, 0);
	assert_int_equal(csv_read(r), 0);
}

static void
test_simple(void **state)
{
	static const char in[] = "a,b,c\n1,2,3\n";
	csv_reader_t r;

	csv_reader_init(&r, in, SLEN(in));
	EXPECT_REC(&r, 1, "a", "b", "c");
	EXPECT_REC(&r, 2, "1", "2", "3");
	expect_end(&r);
	csv_reader_free(&r);

	csv_reader_init(&r, "", 0);
	expect_end(&r);
	csv_reader_free(&r);
	csv_reader_init(&r, NULL, 0);
	expect_end(&r);
	csv_reader_free(&r);
}

static void
test_bom(void **state)
{
	static const char in[] = "\xEF\xBB\xBFid,name\r\n1,x\r\n";
	static const char only[] = "\xEF\xBB\xBF";
	static const char later[] = "a\n\xEF\xBB\xBF" "b\n";
	csv_reader_t r;

	csv_reader_init(&r, in, SLEN(in));
	EXPECT_REC(&r, 1, "id", "name");
	EXPECT_REC(&r, 2, "1", "x");
	expect_end(&r);
	csv_reader_free(&r);

	csv_reader_init(&r, only, SLEN(only));
	expect_end(&r);
	csv_reader_free(&r);

	/* only a leading BOM is one; later it is an ordinary character (U+FEFF) */
	csv_reader_init(&r, later, SLEN(later));
	EXPECT_REC(&r, 1, "a");
	EXPECT_REC(&r, 2, "\xEF\xBB\xBF" "b");
	expect_end(&r);
	csv_reader_free(&r);
}

static void
test_quoted(void **state)
{
	static const char in[] =
	    "\"a,b\",\"c\nd\",\"e\"\"f\"\n"
	    "\"\",\"\"\"\",x\n"
	    "\"\"\"quoted\"\"\",\"\r\n\",\" sp \"\n"
	    "\"last\"";
	csv_reader_t r;

	csv_reader_init(&r, in, SLEN(in));
	EXPECT_REC(&r, 1, "a,b", "c\nd", "e\"f");
	EXPECT_REC(&r, 3, "", "\"", "x");
	EXPECT_REC(&r, 4, "\"quoted\"", "\r\n", " sp ");
	EXPECT_REC(&r, 6, "last");
	expect_end(&r);
	csv_reader_free(&r);
}

static void
test_line_ends(void **state)
{
	static const char in[] = "a,1\r\nb,2\nc,3\rd,4";
	static const char inner[] = "\"x\r\ny\",\"p\rq\",\"m\n\nn\"\rz\r\n";
	csv_reader_t r;

	csv_reader_init(&r, in, SLEN(in));
	EXPECT_REC(&r, 1, "a", "1");
	EXPECT_REC(&r, 2, "b", "2");
	EXPECT_REC(&r, 3, "c", "3");
	EXPECT_REC(&r, 4, "d", "4");
	expect_end(&r);
	csv_reader_free(&r);

	/* line breaks inside quotes are kept as they are */
	csv_reader_init(&r, inner, SLEN(inner));
	EXPECT_REC(&r, 1, "x\r\ny", "p\rq", "m\n\nn");
	EXPECT_REC(&r, 6, "z");
	expect_end(&r);
	csv_reader_free(&r);
}

static void
test_empty_fields(void **state)
{
	static const char in[] = ",,\na,,b\na,b,\n,\n\"\"\nz,";
	csv_reader_t r;

	csv_reader_init(&r, in, SLEN(in));
	EXPECT_REC(&r, 1, "", "", "");
	EXPECT_REC(&r, 2, "a", "", "b");
	EXPECT_REC(&r, 3, "a", "b", "");
	EXPECT_REC(&r, 4, "", "");
	EXPECT_REC(&r, 5, "");
	EXPECT_REC(&r, 6, "z", "");
	expect_end(&r);
	csv_reader_free(&r);
}

static void
test_blank_lines(void **state)
{
	static const char in[] = "\n\na\n\r\n\rb\n\n";
	static const char blanks[] = "\r\n\n\r\r";
	static const char spaces[] = " \n";
	csv_reader_t r;

	csv_reader_init(&r, in, SLEN(in));
	EXPECT_REC(&r, 3, "a");
	EXPECT_REC(&r, 6, "b");
	expect_end(&r);
	csv_reader_free(&r);

	csv_reader_init(&r, blanks, SLEN(blanks));
	expect_end(&r);
	csv_reader_free(&r);

	/* a line with a space is not blank */
	csv_reader_init(&r, spaces, SLEN(spaces));
	EXPECT_REC(&r, 1, " ");
	expect_end(&r);
	csv_reader_free(&r);
}

static void
test_line_numbers(void **state)
{
	static const char in[] = "a,\"x\ny\r\nz\"\nb\n\"p\rq\"\n\nc";
	csv_reader_t r;

	csv_reader_init(&r, in, SLEN(in));
	EXPECT_REC(&r, 1, "a", "x\ny\r\nz");
	EXPECT_REC(&r, 4, "b");
	EXPECT_REC(&r, 5, "p\rq");
	EXPECT_REC(&r, 8, "c");
	expect_end(&r);
	csv_reader_free(&r);
}

static void
test_err_stray_quote(void **state)
{
	static const char in[] = "ok\nab\"c,d\nx,5\" inch,y\nnext\n";
	csv_reader_t r;

	csv_reader_init(&r, in, SLEN(in));
	EXPECT_REC(&r, 1, "ok");
	expect_err(&r, 2, MSG_STRAY_QUOTE);
	expect_err(&r, 3, MSG_STRAY_QUOTE);
	EXPECT_REC(&r, 4, "next");
	expect_end(&r);
	csv_reader_free(&r);
}

static void
test_err_after_quote(void **state)
{
	static const char in[] = "\"a\"b,c\nx\n\"m\nn\"junk,\"q\nr\"\nnext\r\n\"a\" \n\"end\"x";
	static const char escaped[] = "\"a\"x,\"p\"\"q\nr\",s\nnext\n";
	csv_reader_t r;

	csv_reader_init(&r, in, SLEN(in));
	expect_err(&r, 1, MSG_AFTER_QUOTE);
	EXPECT_REC(&r, 2, "x");
	/* the bad record starts on line 3 and, with its later quoted field, runs to line 5 */
	expect_err(&r, 3, MSG_AFTER_QUOTE);
	EXPECT_REC(&r, 6, "next");
	expect_err(&r, 7, MSG_AFTER_QUOTE);
	expect_err(&r, 8, MSG_AFTER_QUOTE);
	expect_end(&r);
	csv_reader_free(&r);

	/* skipping the bad record honours "" inside its later quoted fields */
	csv_reader_init(&r, escaped, SLEN(escaped));
	expect_err(&r, 1, MSG_AFTER_QUOTE);
	EXPECT_REC(&r, 3, "next");
	expect_end(&r);
	csv_reader_free(&r);
}

static void
test_err_unterminated(void **state)
{
	static const char in[] = "ok\n\"abc\nmore,lines\nhere\n";
	static const char end[] = "a,\"";
	csv_reader_t r;

	csv_reader_init(&r, in, SLEN(in));
	EXPECT_REC(&r, 1, "ok");
	expect_err(&r, 2, MSG_QUOTE_OPEN);
	expect_end(&r);
	csv_reader_free(&r);

	csv_reader_init(&r, end, SLEN(end));
	expect_err(&r, 1, MSG_QUOTE_OPEN);
	expect_end(&r);
	csv_reader_free(&r);
}

static char *
row_of(int nfields)
{
	char *s = malloc((size_t)nfields * 2 + 1);
	int   i;

	assert_non_null(s);
	for (i = 0; i < nfields; i++) {
		s[2 * i] = 'x';
		s[2 * i + 1] = i + 1 < nfields ? ',' : '\n';
	}
	s[2 * nfields] = '\0';
	return s;
}

static void
test_err_too_many(void **state)
{
	char *max = row_of(CSV_MAX_FIELDS);
	char *over = row_of(CSV_MAX_FIELDS + 1);
	buf_t in = BUF_INIT;
	csv_reader_t r;

	assert_true(buf_puts(&in, max));
	assert_true(buf_puts(&in, over));
	assert_true(buf_puts(&in, "\"a\nb\",c,"));
	assert_true(buf_puts(&in, over));
	assert_true(buf_puts(&in, "next\n"));
	csv_reader_init(&r, in.data, in.len);
	assert_int_equal(csv_read(&r), 1);
	assert_int_equal(r.nfields, CSV_MAX_FIELDS);
	assert_string_equal(r.fields[CSV_MAX_FIELDS - 1], "x");
	expect_err(&r, 2, MSG_TOO_MANY);
	expect_err(&r, 3, MSG_TOO_MANY);
	EXPECT_REC(&r, 5, "next");
	expect_end(&r);
	csv_reader_free(&r);
	buf_free(&in);
	free(max);
	free(over);
}

static void
test_err_too_long(void **state)
{
	buf_t in = BUF_INIT;
	csv_reader_t r;
	char *big = malloc(CSV_MAX_FIELD + 2);

	assert_non_null(big);
	memset(big, 'a', CSV_MAX_FIELD + 1);
	big[CSV_MAX_FIELD + 1] = '\0';

	/* exactly the limit, unquoted and quoted (a "" pair counts as one byte) */
	assert_true(buf_append(&in, big, CSV_MAX_FIELD));
	assert_true(buf_puts(&in, "\n\""));
	assert_true(buf_append(&in, big, CSV_MAX_FIELD - 1));
	assert_true(buf_puts(&in, "\"\"\"\n"));
	/* one byte over: unquoted, quoted over two lines, quoted reaching it through a "" pair */
	assert_true(buf_append(&in, big, CSV_MAX_FIELD + 1));
	assert_true(buf_puts(&in, ",b\nnext1\n\"x\n"));
	assert_true(buf_append(&in, big, CSV_MAX_FIELD));
	assert_true(buf_puts(&in, "\",\"y\nz\"\nnext2\n\""));
	assert_true(buf_append(&in, big, CSV_MAX_FIELD));
	assert_true(buf_puts(&in, "\"\"\"\nnext3"));

	csv_reader_init(&r, in.data, in.len);
	assert_int_equal(csv_read(&r), 1);
	assert_int_equal(r.nfields, 1);
	assert_int_equal(r.lens[0], CSV_MAX_FIELD);
	assert_int_equal(csv_read(&r), 1);
	assert_int_equal(r.line, 2);
	assert_int_equal(r.lens[0], CSV_MAX_FIELD);
	assert_int_equal(r.fields[0][CSV_MAX_FIELD - 1], '"');
	expect_err(&r, 3, MSG_TOO_LONG);
	EXPECT_REC(&r, 4, "next1");
	expect_err(&r, 5, MSG_TOO_LONG);
	EXPECT_REC(&r, 8, "next2");
	expect_err(&r, 9, MSG_TOO_LONG);
	EXPECT_REC(&r, 10, "next3");
	expect_end(&r);
	csv_reader_free(&r);
	buf_free(&in);
	free(big);
}

static void
test_err_utf8(void **state)
{
	static const char in[] =
	    "a,\xff\n"              /* not a UTF-8 byte */
	    "\xc0\xaf\n"            /* overlong */
	    "\"\xe3\x81\",x\n"      /* cut short */
	    "\xed\xa0\x80\n"        /* surrogate */
	    "\"ok\n\xfe\"\n"        /* inside a multi-line field */
	    "next\n";
	csv_reader_t r;

	csv_reader_init(&r, in, SLEN(in));
	expect_err(&r, 1, MSG_UTF8);
	expect_err(&r, 2, MSG_UTF8);
	expect_err(&r, 3, MSG_UTF8);
	expect_err(&r, 4, MSG_UTF8);
	expect_err(&r, 5, MSG_UTF8);
	EXPECT_REC(&r, 7, "next");
	expect_end(&r);
	csv_reader_free(&r);
}

static void
test_err_control(void **state)
{
	static const char in[] = "a\0b,c\nx\n\"p\0\nq\"\nnext\nbell\x07,z\ndel\x7f\nlast";
	csv_reader_t r;

	csv_reader_init(&r, in, SLEN(in));
	expect_err(&r, 1, MSG_CONTROL);
	EXPECT_REC(&r, 2, "x");
	expect_err(&r, 3, MSG_CONTROL);
	EXPECT_REC(&r, 5, "next");
	expect_err(&r, 6, MSG_CONTROL);
	expect_err(&r, 7, MSG_CONTROL);
	EXPECT_REC(&r, 8, "last");
	expect_end(&r);
	csv_reader_free(&r);
}

static void
test_japanese(void **state)
{
	static const char in[] =
	    "\xEF\xBB\xBF" "企業名,所在地,備考\r\n"
	    "株式会社つなぐ,\"群馬県前橋市大手町1-1-1\",\"駐車場あり、\r\n最寄り駅は「前橋」\"\r\n"
	    "ぐんまジョブナビ,\"千葉県, 千葉市\",\"全角　空白\"\r\n";
	csv_reader_t r;

	csv_reader_init(&r, in, SLEN(in));
	EXPECT_REC(&r, 1, "企業名", "所在地", "備考");
	EXPECT_REC(&r, 2, "株式会社つなぐ", "群馬県前橋市大手町1-1-1", "駐車場あり、\r\n最寄り駅は「前橋」");
	EXPECT_REC(&r, 4, "ぐんまジョブナビ", "千葉県, 千葉市", "全角　空白");
	expect_end(&r);
	csv_reader_free(&r);
}

static void
test_fields_until_next_read(void **state)
{
	static const char in[] = "first,second\nthird\n";
	csv_reader_t r;

	csv_reader_init(&r, in, SLEN(in));
	assert_int_equal(csv_read(&r), 1);
	/* the fields are NUL-terminated copies, not pointers into the input */
	assert_string_equal(r.fields[0], "first");
	assert_string_equal(r.fields[1], "second");
	assert_int_equal(csv_read(&r), 1);
	assert_string_equal(r.fields[0], "third");
	csv_reader_free(&r);
	csv_reader_free(&r);
}

static void
test_large_input(void **state)
{
	/* many records and a field made only of "" pairs: both must stay fast (linear) */
	buf_t in = BUF_INIT;
	csv_reader_t r;
	int i, n = 0;

	for (i = 0; i < 100000; i++)
		assert_true(buf_printf(&in, "%d,\"x\"\"y\",\"a\nb\"\n", i));
	assert_true(buf_putc(&in, '"'));
	for (i = 0; i < CSV_MAX_FIELD / 2; i++)
		assert_true(buf_append(&in, "\"\"", 2));
	assert_true(buf_puts(&in, "\"\n"));
	csv_reader_init(&r, in.data, in.len);
	while (csv_read(&r) == 1) {
		if (n < 100000) {
			assert_int_equal(r.line, 2 * n + 1);
			assert_string_equal(r.fields[1], "x\"y");
		} else {
			assert_int_equal(r.lens[0], CSV_MAX_FIELD / 2);
		}
		n++;
	}
	assert_int_equal(n, 100001);
	csv_reader_free(&r);
	buf_free(&in);
}

static void
assert_buf(const buf_t *b, const char *want, size_t n)
{
	assert_false(b->oom);
	assert_int_equal(b->len, n);
	assert_memory_equal(b->data, want, n);
}

#define ASSERT_BUF(b, lit) assert_buf((b), (lit), SLEN(lit))

static void
test_writer(void **state)
{
	buf_t b = BUF_INIT;

	assert_true(csv_write_bom(&b));
	ASSERT_BUF(&b, "\xEF\xBB\xBF");
	buf_clear(&b);

	assert_true(csv_write_cell(&b, "abc", 3, false));
	assert_true(csv_write_cell(&b, "", 0, false));
	assert_true(csv_write_cell(&b, NULL, 0, false));
	assert_true(csv_write_cell(&b, "a\"b", 3, false));
	assert_true(csv_write_cell(&b, "\"", 1, false));
	assert_true(csv_write_cell(&b, "line1\r\nline2", 12, false));
	assert_true(csv_write_cell(&b, "a,b", 3, false));
	assert_true(csv_write_cell(&b, "群馬", strlen("群馬"), true));
	ASSERT_BUF(&b, "\"abc\",\"\",\"\",\"a\"\"b\",\"\"\"\",\"line1\r\nline2\",\"a,b\",\"群馬\"\r\n");
	buf_clear(&b);

	/* formula injection: these starts get a ' inside the quotes, nothing else does */
	assert_true(csv_write_cell(&b, "=SUM(A1)", 8, true));
	ASSERT_BUF(&b, "\"'=SUM(A1)\"\r\n");
	buf_clear(&b);
	assert_true(csv_write_cell(&b, "-1", 2, true));
	ASSERT_BUF(&b, "\"'-1\"\r\n");
	buf_clear(&b);
	assert_true(csv_write_cell(&b, "+81", 3, false));
	assert_true(csv_write_cell(&b, "@x", 2, false));
	assert_true(csv_write_cell(&b, "\tt", 2, false));
	assert_true(csv_write_cell(&b, "\rr", 2, false));
	assert_true(csv_write_cell(&b, "\nn", 2, false));
	assert_true(csv_write_cell(&b, "=\"x\"", 4, false));
	assert_true(csv_write_cell(&b, "a=b", 3, false));
	assert_true(csv_write_cell(&b, " =x", 3, false));
	assert_true(csv_write_cell(&b, "'=x", 3, true));
	ASSERT_BUF(&b, "\"'+81\",\"'@x\",\"'\tt\",\"'\rr\",\"'\nn\",\"'=\"\"x\"\"\",\"a=b\",\" =x\",\"'=x\"\r\n");
	buf_clear(&b);

	/* length, not NUL, ends the cell */
	assert_true(csv_write_cell(&b, "abcdef", 2, true));
	ASSERT_BUF(&b, "\"ab\"\r\n");
	buf_free(&b);

	/* a failed buffer stays failed */
	b.oom = true;
	assert_false(csv_write_cell(&b, "x", 1, true));
	assert_false(csv_write_bom(&b));
	buf_free(&b);
}

static void
test_round_trip(void **state)
{
	static const char *const rows[][4] = {
		{ "id", "氏名", "備考", "金額" },
		{ "1", "群馬 太郎", "a,b", "1,000" },
		{ "2", "\"引用\"", "改行\r\nあり", "" },
		{ "", "", "", "" },
		{ "=SUM(A1)", "-1", "+81-27", "@home" },
		{ "\tタブ", "\r", "\n", "x\"\"y" },
		{ "'", "\"", ",", "\xEF\xBB\xBF" },
	};
	buf_t out = BUF_INIT;
	csv_reader_t r;
	size_t i, j;
	int line = 1;

	assert_true(csv_write_bom(&out));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (j = 0; j < 4; j++)
			assert_true(csv_write_cell(&out, rows[i][j], strlen(rows[i][j]), j == 3));

	csv_reader_init(&r, out.data, out.len);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int breaks = 1;

		assert_int_equal(csv_read(&r), 1);
		assert_int_equal(r.line, line);
		assert_int_equal(r.nfields, 4);
		for (j = 0; j < 4; j++) {
			const char *want = rows[i][j];
			const char *got = r.fields[j];
			const char *k;

			if (want[0] != '\0' && strchr("=+-@\t\r\n", want[0]) != NULL) {
				assert_int_equal(got[0], '\'');
				got++;
			}
			assert_string_equal(got, want);
			for (k = want; *k != '\0'; k++)
				if (*k == '\n' || (*k == '\r' && k[1] != '\n'))
					breaks++;
		}
		line += breaks;
	}
	expect_end(&r);
	csv_reader_free(&r);
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_empty_fields),
		cmocka_unit_test(test_blank_lines),
		cmocka_unit_test(test_line_numbers),
		cmocka_unit_test(test_err_stray_quote),
		cmocka_unit_test(test_err_after_quote),
		cmocka_unit_test(test_err_unterminated),
		cmocka_unit_test(test_err_too_many),
		cmocka_unit_test(test_err_too_long),
		cmocka_unit_test(test_err_utf8),
		cmocka_unit_test(test_err_control),
		cmocka_unit_test(test_japanese),
		cmocka_unit_test(test_fields_until_next_read),
		cmocka_unit_test(test_large_input),
		cmocka_unit_test(test_writer),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
