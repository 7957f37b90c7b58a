/* jtime.c - UTC epoch seconds shown in JST by arithmetic (gmtime_r of epoch + 9h); TZ and localtime are never used. */
#include "core/jtime.h"

#include <stdatomic.h>
#include <string.h>

#define JST_OFFSET     (9 * 3600)
#define SECS_PER_DAY   86400
/* Shown times are clamped to years 1..9999 so every field fits its format. */
#define JTIME_SHOW_MIN (-62135596800LL)                  /* 0001-01-01T00:00:00Z */
#define JTIME_SHOW_MAX (253402300799LL - JST_OFFSET)     /* 9999-12-31T23:59:59+09:00 */
#define YMD_LEN        10                                /* "YYYY-MM-DD" */

static _Atomic int64_t fake_now;
static _Atomic int64_t offset_now; /* jtime_set_offset: seconds added to the real clock */

/* Start of each era (Gregorian JST dates), newest first; 明治 from the Gregorian start of its first year. */
static const struct era {
	const char *name;
	int         y, m, d;
} eras[] = {
	{ "令和", 2019, 5, 1 },
	{ "平成", 1989, 1, 8 },
	{ "昭和", 1926, 12, 25 },
	{ "大正", 1912, 7, 30 },
	{ "明治", 1868, 1, 25 },
};

int64_t
jtime_now(void)
{
	struct timespec ts;
	int64_t         f = atomic_load(&fake_now);

	if (f != 0)
		return f;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec + atomic_load(&offset_now);
}

void
jtime_set_fake(int64_t epoch)
{
	atomic_store(&fake_now, epoch);
}

static void
utc_tm(int64_t epoch, struct tm *out)
{
	time_t t;

	if (epoch < JTIME_SHOW_MIN)
		epoch = JTIME_SHOW_MIN;
	if (epoch > JTIME_SHOW_MAX + JST_OFFSET)
		epoch = JTIME_SHOW_MAX + JST_OFFSET;
	t = (time_t)epoch;
	if (gmtime_r(&t, out) == NULL)
		memset(out, 0, sizeof(*out));
}

void
jtime_jst(int64_t epoch, struct tm *out)
{
	if (epoch < JTIME_SHOW_MIN)
		epoch = JTIME_SHOW_MIN;
	if (epoch > JTIME_SHOW_MAX)
		epoch = JTIME_SHOW_MAX;
	utc_tm(epoch + JST_OFFSET, out);
}

static bool
format_wareki(buf_t *out, const struct tm *tm)
{
	int    y = tm->tm_year + 1900, m = tm->tm_mon + 1, d = tm->tm_mday;
	size_t i;

	for (i = 0; i < sizeof(eras) / sizeof(eras[0]); i++) {
		const struct era *e = &eras[i];
		int ey;

		if (y < e->y || (y == e->y && (m < e->m || (m == e->m && d < e->d))))
			continue;
		ey = y - e->y + 1;
		if (ey == 1)
			return buf_printf(out, "%s元年%d月%d日", e->name, m, d);
		return buf_printf(out, "%s%d年%d月%d日", e->name, ey, m, d);
	}
	/* before 明治: no era name to give, so the Western date */
	return buf_printf(out, "%d年%d月%d日", y, m, d);
}

static bool
format_http(buf_t *out, int64_t epoch)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char mons[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	utc_tm(epoch, &tm);
	if (tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 || tm.tm_mon > 11)
		return false;
	return buf_printf(out, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
	    mons[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

bool
jtime_format(buf_t *out, int64_t epoch, const char *kind)
{
	struct tm tm;

	if (out == NULL || kind == NULL)
		return false;
	if (strcmp(kind, "http") == 0)
		return format_http(out, epoch);
	jtime_jst(epoch, &tm);
	if (strcmp(kind, "date") == 0)
		return buf_printf(out, "%d年%d月%d日", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	if (strcmp(kind, "datetime") == 0)
		return buf_printf(out, "%d年%d月%d日 %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		    tm.tm_mday, tm.tm_hour, tm.tm_min);
	if (strcmp(kind, "time") == 0)
		return buf_printf(out, "%02d:%02d", tm.tm_hour, tm.tm_min);
	if (strcmp(kind, "wareki") == 0)
		return format_wareki(out, &tm);
	if (strcmp(kind, "iso") == 0)
		return buf_printf(out, "%04d-%02d-%02dT%02d:%02d:%02d+09:00", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (strcmp(kind, "ymd") == 0)
		return buf_printf(out, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	return false;
}

int
jtime_fiscal_year(int64_t epoch)
{
	struct tm tm;

	jtime_jst(epoch, &tm);
	return tm.tm_mon + 1 >= 4 ? tm.tm_year + 1900 : tm.tm_year + 1900 - 1;
}

bool
jtime_fiscal_label(buf_t *out, int fy)
{
	size_t i;

	for (i = 0; i < sizeof(eras) / sizeof(eras[0]); i++) {
		const struct era *e = &eras[i];
		int ey;

		if (fy < e->y)
			continue;
		ey = fy - e->y + 1;
		if (ey == 1)
			return buf_printf(out, "%s元年度", e->name);
		return buf_printf(out, "%s%d年度", e->name, ey);
	}
	return buf_printf(out, "%d年度", fy);
}

void
jtime_month_key(int64_t epoch, char out[8])
{
	struct tm tm;
	unsigned y, m;

	jtime_jst(epoch, &tm);
	y = tm.tm_year + 1900 >= 0 && tm.tm_year + 1900 <= 9999 ? (unsigned)(tm.tm_year + 1900) : 0;
	m = (unsigned)(tm.tm_mon + 1);
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10 % 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '\0';
}

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t  era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool
digits(const char *s, size_t n, int *out)
{
	int    v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool
jtime_parse_ymd(const char *s, int64_t *epoch)
{
	int y, m, d;

	if (s == NULL || strnlen(s, YMD_LEN + 1) != YMD_LEN || s[4] != '-' || s[7] != '-')
		return false;
	if (!digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
		return false;
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return false;
	*epoch = days_from_civil(y, (unsigned)m, (unsigned)d) * SECS_PER_DAY - JST_OFFSET;
	return true;
}

/* ---- the clock override and listing-period arithmetic (issue 5 items 5, 7, 8; G23, G25) ---- */

void
jtime_set_offset(int64_t seconds)
{
	atomic_store(&offset_now, seconds);
}

bool
jtime_parse_iso(const char *s, int64_t *epoch)
{
	int64_t day;
	int h, mi, sec, oh, om, sign;
	char ymd[YMD_LEN + 1];

	if (s == NULL || strnlen(s, 32) < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return false;
	memcpy(ymd, s, YMD_LEN);
	ymd[YMD_LEN] = '\0';
	if (!jtime_parse_ymd(ymd, &day))
		return false;
	if (!digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &sec) || h > 23 || mi > 59 || sec > 59)
		return false;
	day += JST_OFFSET; /* UTC midnight of that calendar date */
	if (strcmp(s + 19, "Z") == 0) {
		oh = om = 0;
		sign = 1;
	} else {
		if (strlen(s + 19) != 6 || (s[19] != '+' && s[19] != '-') || s[22] != ':' || !digits(s + 20, 2, &oh) ||
		    !digits(s + 23, 2, &om) || oh > 23 || om > 59)
			return false;
		sign = s[19] == '+' ? 1 : -1;
	}
	*epoch = day + h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
	return true;
}

int64_t
jtime_day_start(int64_t epoch)
{
	int64_t local = epoch + JST_OFFSET, r = local % SECS_PER_DAY;

	if (r < 0)
		r += SECS_PER_DAY;
	return epoch - r;
}

int64_t
jtime_add_months(int64_t epoch, int months)
{
	struct tm t;
	int y, m, d;
	int64_t total;

	jtime_jst(epoch, &t);
	y = t.tm_year + 1900;
	total = (int64_t)y * 12 + t.tm_mon + months;
	y = (int)(total / 12);
	m = (int)(total % 12) + 1;
	d = t.tm_mday;
	if (d > days_in_month(y, m)) {
		/* no such day in that month (民法143条2項): the period ends with the month, so the next one
		 * begins on the 1st of the month after */
		d = 1;
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	return days_from_civil(y, (unsigned)m, (unsigned)d) * SECS_PER_DAY - JST_OFFSET;
}

int64_t
jtime_month_start(int y, int month)
{
	return days_from_civil(y, (unsigned)month, 1) * SECS_PER_DAY - JST_OFFSET;
}
