/* test_ics.c - the iCalendar generator (issue 5 item 4, B06; RFC 5545): TEXT escaping, folding at 75
 * octets without splitting a UTF-8 character (Japanese is 3 octets, emoji 4), CRLF line ends, UTC times,
 * URL only for http(s), invalid input made harmless. */
#include "testutil.h"

#include "content/ics.h"
#include "core/str.h"

#define T_START 1796097600  /* 2026-12-01T04:00:00Z = 13:00 JST */

static char *
escaped(const char *s)
{
	buf_t b = BUF_INIT;

	assert_true(ics_escape_text(&b, s, strlen(s)));
	return b.data ? b.data : strdup("");
}

static void
test_escape(void **state)
{
	char *e;

	(void)state;
	e = escaped("a\\b;c,d\ne");
	assert_string_equal(e, "a\\\\b\\;c\\,d\\ne");
	free(e);
	e = escaped("行1\r\n行2\r行3\t\x01:");  /* CRLF, lone CR -> \n; tab and controls dropped; ':' kept */
	assert_string_equal(e, "行1\\n行2\\n行3:");
	free(e);
	e = escaped("bad\xff\xc3(\xe3\x81");  /* invalid bytes and a cut-off character -> U+FFFD */
	assert_string_equal(e, "bad\xef\xbf\xbd\xef\xbf\xbd(\xef\xbf\xbd\xef\xbf\xbd");
	free(e);
	e = escaped("c1\xc2\x85x\x7f");  /* C1 control (NEL) and DEL dropped */
	assert_string_equal(e, "c1x");
	free(e);
}

/* every physical line is at most 75 octets, continuation lines start with one space, no line ends inside a
 * UTF-8 character, and unfolding gives the original back */
static void
check_folded(const char *out, size_t n, const char *orig)
{
	buf_t unfolded = BUF_INIT;
	size_t i = 0;
	bool first = true;

	while (i < n) {
		const char *eol = strstr(out + i, "\r\n");
		size_t len;
		assert_non_null(eol);
		len = (size_t)(eol - (out + i));
		assert_true(len <= ICS_LINE_OCTETS);
		if (!first) {
			assert_int_equal(out[i], ' ');
			buf_append(&unfolded, out + i + 1, len - 1);
		} else {
			buf_append(&unfolded, out + i, len);
		}
		/* a piece never starts with a continuation byte (the character was not split) */
		if (len > (first ? 0u : 1u))
			assert_true(((unsigned char)out[i + (first ? 0 : 1)] & 0xc0) != 0x80);
		assert_true(str_utf8_valid(out + i, len, false));
		first = false;
		i += len + 2;
	}
	assert_int_equal(i, n);
	assert_string_equal(unfolded.data ? unfolded.data : "", orig);
	buf_free(&unfolded);
}

static void
test_fold(void **state)
{
	buf_t b = BUF_INIT, line = BUF_INIT;
	int k;

	(void)state;
	/* exactly 75 octets: one line */
	for (k = 0; k < 75; k++)
		buf_putc(&line, 'a');
	assert_true(ics_fold(&b, line.data, line.len));
	assert_int_equal(b.len, 77);
	check_folded(b.data, b.len, line.data);
	/* 76: folded once */
	buf_clear(&b);
	buf_putc(&line, 'b');
	assert_true(ics_fold(&b, line.data, line.len));
	assert_memory_equal(b.data + 75, "\r\n b\r\n", 6);
	check_folded(b.data, b.len, line.data);
	/* Japanese after an 8-octet prefix: 3-octet characters never split */
	buf_clear(&b);
	buf_clear(&line);
	buf_puts(&line, "SUMMARY:");
	for (k = 0; k < 60; k++)
		buf_puts(&line, "説");
	assert_true(ics_fold(&b, line.data, line.len));
	check_folded(b.data, b.len, line.data);
	/* the first piece: 8 + 22*3 = 74 octets (a 23rd character would make 77) */
	assert_memory_equal(b.data + 74, "\r\n ", 3);
	/* emoji (4 octets) with odd offsets */
	for (k = 1; k < 8; k++) {
		int j;
		buf_clear(&b);
		buf_clear(&line);
		for (j = 0; j < k; j++)
			buf_putc(&line, 'x');
		for (j = 0; j < 50; j++)
			buf_puts(&line, "🎌");
		assert_true(ics_fold(&b, line.data, line.len));
		check_folded(b.data, b.len, line.data);
	}
	/* empty line */
	buf_clear(&b);
	assert_true(ics_fold(&b, "", 0));
	assert_string_equal(b.data, "\r\n");
	buf_free(&b);
	buf_free(&line);
}

static void
test_datetime(void **state)
{
	buf_t b = BUF_INIT;

	(void)state;
	assert_true(ics_datetime(&b, T_START));
	assert_string_equal(b.data, "20261201T040000Z");
	assert_false(ics_datetime(&b, -1));
	assert_false(ics_datetime(&b, INT64_C(253402300800)));  /* year 10000 */
	buf_free(&b);
}

static void
test_build(void **state)
{
	ics_event_t e = {
		"event-application-12.gunma@tsunagu", T_START - 86400, T_START, T_START + 7200,
		"ぐんま合同企業説明会（第2回）; 前橋, 高崎", "上州つなぐホール 大展示場",
		"https://jobnavi.example.jp/events/5",
		"申込番号 12\n会場は2階です。持ち物：筆記用具、履歴書（写真つき）。駐車場はありませんので、公共交通機関をご利用ください。",
	};
	buf_t b = BUF_INIT;
	const char *p;

	(void)state;
	assert_true(ics_build(&b, &e));
	assert_non_null(strstr(b.data, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
	assert_non_null(strstr(b.data, "\r\nMETHOD:PUBLISH\r\n"));
	assert_non_null(strstr(b.data, "\r\nUID:event-application-12.gunma@tsunagu\r\n"));
	assert_non_null(strstr(b.data, "\r\nDTSTAMP:20261130T040000Z\r\n"));
	assert_non_null(strstr(b.data, "\r\nDTSTART:20261201T040000Z\r\n"));
	assert_non_null(strstr(b.data, "\r\nDTEND:20261201T060000Z\r\n"));
	assert_non_null(strstr(b.data, "SUMMARY:ぐんま合同企業説明会（第2回）\\; 前橋\\, 高崎\r\n"));
	assert_non_null(strstr(b.data, "\r\nURL:https://jobnavi.example.jp/events/5\r\n"));
	assert_non_null(strstr(b.data, "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"));
	/* every line ends with CRLF; no bare LF anywhere */
	for (p = b.data; *p; p++)
		if (*p == '\n')
			assert_true(p > b.data && p[-1] == '\r');
	/* the long description was folded */
	assert_non_null(strstr(b.data, "DESCRIPTION:申込番号 12\\n"));
	{
		/* every physical line within 75 octets */
		const char *line = b.data, *eol;
		while ((eol = strstr(line, "\r\n")) != NULL) {
			assert_true((size_t)(eol - line) <= ICS_LINE_OCTETS);
			line = eol + 2;
		}
	}
	assert_true(str_utf8_valid(b.data, b.len, true));
	buf_free(&b);
}

static void
test_build_refuses(void **state)
{
	ics_event_t e = { "uid@x", T_START, T_START, T_START + 60, "題", NULL, "javascript:alert(1)", NULL };
	buf_t b = BUF_INIT;
	char *big;

	(void)state;
	assert_true(ics_build(&b, &e));
	assert_null(strstr(b.data, "URL:"));      /* not http(s): left out */
	assert_null(strstr(b.data, "LOCATION"));  /* none given */
	buf_clear(&b);
	e.url = "https://x.example.jp/a\r\nATTENDEE:evil";
	assert_true(ics_build(&b, &e));
	assert_null(strstr(b.data, "ATTENDEE"));  /* a URL with controls is left out, never a new property */
	buf_clear(&b);
	e.url = NULL;
	e.summary = "x\r\nATTENDEE:evil";
	assert_true(ics_build(&b, &e));
	assert_null(strstr(b.data, "\r\nATTENDEE"));
	assert_non_null(strstr(b.data, "SUMMARY:x\\nATTENDEE:evil\r\n"));
	buf_clear(&b);
	e.summary = "";
	assert_false(ics_build(&b, &e));
	e.summary = "題";
	e.end = e.start - 1;
	assert_false(ics_build(&b, &e));
	e.end = e.start;
	e.uid = NULL;
	assert_false(ics_build(&b, &e));
	e.uid = "u";
	big = malloc(ICS_TEXT_MAX + 2);
	memset(big, 'a', ICS_TEXT_MAX + 1);
	big[ICS_TEXT_MAX + 1] = '\0';
	e.description = big;
	assert_false(ics_build(&b, &e));
	free(big);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_datetime),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_build_refuses),
	};

	return cmocka_run_group_tests_name("ics", tests, NULL, NULL);
}
