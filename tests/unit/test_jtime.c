/* test_jtime.c - JST rendering whatever TZ says, 和暦 at era boundaries, 年度, YYYY-MM-DD parsing. */
#include "testutil.h"

#include "core/jtime.h"

#include <time.h>

/* Reference epochs computed independently (Python datetime with a +09:00 zone). */
#define T_2026_11_22_1005   1795309500LL /* 2026-11-22 10:05:00 JST */
#define T_2026_01_05_090307 1767571387LL /* 2026-01-05 09:03:07 JST */
#define T_HTTP_EXAMPLE      1795310573LL /* 2026-11-22 01:22:53 UTC */

static char *
fmt(int64_t epoch, const char *kind)
{
	buf_t b = BUF_INIT;

	assert_true(jtime_format(&b, epoch, kind));
	return buf_steal(&b, NULL);
}

#define assert_fmt(epoch, kind, expect) do { \
	char *s_ = fmt((epoch), (kind)); \
	assert_string_equal(s_, (expect)); \
	free(s_); \
} while (0)

static void
test_kinds(void **state)
{
	assert_fmt(T_2026_11_22_1005, "date", "2026年11月22日");
	assert_fmt(T_2026_11_22_1005, "datetime", "2026年11月22日 10:05");
	assert_fmt(T_2026_11_22_1005, "time", "10:05");
	assert_fmt(T_2026_11_22_1005, "wareki", "令和8年11月22日");
	assert_fmt(T_2026_11_22_1005, "iso", "2026-11-22T10:05:00+09:00");
	assert_fmt(T_2026_11_22_1005, "ymd", "2026-11-22");
	assert_fmt(T_HTTP_EXAMPLE, "http", "Sun, 22 Nov 2026 01:22:53 GMT");
	/* no zero padding in Japanese dates, zero padding in clock times and ISO */
	assert_fmt(T_2026_01_05_090307, "date", "2026年1月5日");
	assert_fmt(T_2026_01_05_090307, "datetime", "2026年1月5日 09:03");
	assert_fmt(T_2026_01_05_090307, "iso", "2026-01-05T09:03:07+09:00");
	assert_fmt(T_2026_01_05_090307, "ymd", "2026-01-05");
	assert_fmt(0, "iso", "1970-01-01T09:00:00+09:00");
	assert_fmt(0, "http", "Thu, 01 Jan 1970 00:00:00 GMT");
}

static void
test_unknown_kind(void **state)
{
	buf_t b = BUF_INIT;

	assert_false(jtime_format(&b, 0, "nope"));
	assert_false(jtime_format(&b, 0, ""));
	assert_false(jtime_format(&b, 0, NULL));
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void
test_appends(void **state)
{
	buf_t b = BUF_INIT;

	assert_true(buf_puts(&b, "更新: "));
	assert_true(jtime_format(&b, T_2026_11_22_1005, "date"));
	assert_string_equal(b.data, "更新: 2026年11月22日");
	buf_free(&b);
}

static void
test_wareki_boundaries(void **state)
{
	assert_fmt(1556636399LL, "wareki", "平成31年4月30日");    /* 2019-04-30 23:59:59 JST */
	assert_fmt(1556636400LL, "wareki", "令和元年5月1日");      /* 2019-05-01 00:00:00 JST */
	assert_fmt(1556636400LL + 365 * 86400, "wareki", "令和2年4月30日");
	assert_fmt(600145200LL, "wareki", "昭和64年1月7日");       /* 1989-01-07 12:00 JST */
	assert_fmt(600188400LL - 1, "wareki", "昭和64年1月7日");   /* 23:59:59 */
	assert_fmt(600188400LL, "wareki", "平成元年1月8日");       /* 1989-01-08 00:00 JST */
	assert_fmt(-1357678800LL, "wareki", "大正15年12月24日");   /* 1926-12-24 */
	assert_fmt(-1357635600LL, "wareki", "昭和元年12月25日");   /* 1926-12-25 */
	assert_fmt(-1812229200LL, "wareki", "明治45年7月29日");    /* 1912-07-29 */
	assert_fmt(-1812186000LL, "wareki", "大正元年7月30日");    /* 1912-07-30 */
	assert_fmt(-3216790800LL, "wareki", "明治元年1月25日");    /* 1868-01-25 */
	assert_fmt(-3216834000LL, "wareki", "1868年1月24日");      /* before 明治: the Western date */
	/* the UTC day is still 04-30 but the JST day is 05-01 */
	assert_fmt(1556636400LL + 3600, "wareki", "令和元年5月1日"); /* 2019-04-30T16:00Z */
	assert_fmt(1556636400LL + 3600, "ymd", "2019-05-01");
}

static void
test_wareki_via_parse(void **state)
{
	int64_t e;

	assert_true(jtime_parse_ymd("2019-04-30", &e));
	assert_fmt(e, "wareki", "平成31年4月30日");
	assert_true(jtime_parse_ymd("2019-05-01", &e));
	assert_fmt(e, "wareki", "令和元年5月1日");
	assert_true(jtime_parse_ymd("1989-01-07", &e));
	assert_fmt(e, "wareki", "昭和64年1月7日");
	assert_true(jtime_parse_ymd("1989-01-08", &e));
	assert_fmt(e, "wareki", "平成元年1月8日");
}

static void
check_fixed_outputs(void)
{
	struct tm tm;

	assert_fmt(T_2026_11_22_1005, "datetime", "2026年11月22日 10:05");
	assert_fmt(T_2026_11_22_1005, "iso", "2026-11-22T10:05:00+09:00");
	assert_fmt(1556636400LL + 3600, "date", "2019年5月1日");
	assert_fmt(1774969200LL, "time", "00:00");
	assert_int_equal(jtime_fiscal_year(1774969199LL), 2025);
	assert_int_equal(jtime_fiscal_year(1774969200LL), 2026);
	jtime_jst(T_2026_11_22_1005, &tm);
	assert_int_equal(tm.tm_year, 126);
	assert_int_equal(tm.tm_mon, 10);
	assert_int_equal(tm.tm_mday, 22);
	assert_int_equal(tm.tm_hour, 10);
	assert_int_equal(tm.tm_min, 5);
}

static void
test_tz_independent(void **state)
{
	char     *saved = getenv("TZ") ? strdup(getenv("TZ")) : NULL;

	time_t    t = (time_t)T_2026_11_22_1005;
	struct tm lt;

	assert_int_equal(setenv("TZ", "America/New_York", 1), 0);
	tzset();
	/* the machine's zone really is New York now: local time is the previous evening */
	assert_non_null(localtime_r(&t, &lt));
	assert_int_equal(lt.tm_hour, 20);
	check_fixed_outputs();
	assert_int_equal(setenv("TZ", "UTC", 1), 0);
	tzset();
	check_fixed_outputs();
	assert_int_equal(setenv("TZ", "Pacific/Kiritimati", 1), 0); /* UTC+14 */
	tzset();
	check_fixed_outputs();
	if (saved != NULL) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();
}

static void
test_fiscal_year(void **state)
{
	int64_t e;

	assert_true(jtime_parse_ymd("2026-03-31", &e));
	assert_int_equal(jtime_fiscal_year(e), 2025);
	assert_int_equal(jtime_fiscal_year(e + 86399), 2025);      /* 2026-03-31 23:59:59 JST */
	assert_true(jtime_parse_ymd("2026-04-01", &e));
	assert_int_equal(jtime_fiscal_year(e), 2026);
	assert_int_equal(jtime_fiscal_year(1774969200LL), 2026);   /* 2026-03-31T15:00:00Z = 04-01 JST */
	assert_int_equal(jtime_fiscal_year(1774969199LL), 2025);   /* 2026-03-31T14:59:59Z */
	assert_int_equal(jtime_fiscal_year(1774926000LL), 2025);   /* 2026-03-31 12:00 JST */
	assert_true(jtime_parse_ymd("2026-01-01", &e));
	assert_int_equal(jtime_fiscal_year(e), 2025);
	assert_true(jtime_parse_ymd("2026-12-31", &e));
	assert_int_equal(jtime_fiscal_year(e), 2026);
}

static void
test_parse_ymd(void **state)
{
	int64_t e = 42;

	assert_true(jtime_parse_ymd("2026-04-01", &e));
	assert_int_equal(e, 1774969200LL);
	assert_true(jtime_parse_ymd("1970-01-01", &e));
	assert_int_equal(e, -9 * 3600);
	assert_true(jtime_parse_ymd("2024-02-29", &e));
	assert_true(jtime_parse_ymd("2000-02-29", &e));
	assert_true(jtime_parse_ymd("2026-12-31", &e));
	assert_true(jtime_parse_ymd("1868-01-25", &e));
	assert_int_equal(e, -3216790800LL);

	e = 42;
	assert_false(jtime_parse_ymd("2026-02-30", &e));
	assert_false(jtime_parse_ymd("2026-02-29", &e));
	assert_false(jtime_parse_ymd("1900-02-29", &e));
	assert_false(jtime_parse_ymd("2026-13-01", &e));
	assert_false(jtime_parse_ymd("2026-00-10", &e));
	assert_false(jtime_parse_ymd("2026-01-00", &e));
	assert_false(jtime_parse_ymd("2026-01-32", &e));
	assert_false(jtime_parse_ymd("2026-04-31", &e));
	assert_false(jtime_parse_ymd("2026-01-01x", &e));
	assert_false(jtime_parse_ymd("2026-01-01 ", &e));
	assert_false(jtime_parse_ymd(" 2026-01-01", &e));
	assert_false(jtime_parse_ymd("2026-1-01", &e));
	assert_false(jtime_parse_ymd("2026/01/01", &e));
	assert_false(jtime_parse_ymd("20260101", &e));
	assert_false(jtime_parse_ymd("0000-01-01", &e));
	assert_false(jtime_parse_ymd("+026-01-01", &e));
	assert_false(jtime_parse_ymd("2026-0a-01", &e));
	assert_false(jtime_parse_ymd("", &e));
	assert_false(jtime_parse_ymd(NULL, &e));
	assert_int_equal(e, 42);
}

static void
test_parse_roundtrip(void **state)
{
	static const char *days[] = { "2026-11-22", "2019-05-01", "1989-01-08", "2000-02-29", "1999-12-31",
	    "2038-01-19", "2100-03-01", "1900-03-01", "1601-01-01" };
	size_t k;
	int64_t e;

	for (k = 0; k < sizeof(days) / sizeof(days[0]); k++) {
		char *s;

		assert_true(jtime_parse_ymd(days[k], &e));
		s = fmt(e, "ymd");
		assert_string_equal(s, days[k]);
		free(s);
		s = fmt(e, "time");
		assert_string_equal(s, "00:00");
		free(s);
	}
}

static void
test_fake_now(void **state)
{
	time_t real = time(NULL);

	jtime_set_fake(T_2026_11_22_1005);
	assert_int_equal(jtime_now(), T_2026_11_22_1005);
	jtime_set_fake(0);
	assert_true(jtime_now() >= (int64_t)real && jtime_now() < (int64_t)real + 60);
}

static void
test_extremes(void **state)
{
	/* out-of-range moments are clamped to years 1..9999, never garbage or a crash */
	assert_fmt(INT64_MAX, "ymd", "9999-12-31");
	assert_fmt(INT64_MIN, "ymd", "0001-01-01");
	assert_fmt(INT64_MAX, "wareki", "令和7981年12月31日");
	assert_fmt(INT64_MIN, "http", "Mon, 01 Jan 0001 00:00:00 GMT");
	assert_int_equal(jtime_fiscal_year(INT64_MAX), 9999);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_unknown_kind),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_wareki_boundaries),
		cmocka_unit_test(test_wareki_via_parse),
		cmocka_unit_test(test_tz_independent),
		cmocka_unit_test(test_fiscal_year),
		cmocka_unit_test(test_parse_ymd),
		cmocka_unit_test(test_parse_roundtrip),
		cmocka_unit_test(test_fake_now),
		cmocka_unit_test(test_extremes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
