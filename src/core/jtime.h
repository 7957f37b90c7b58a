/* jtime.h - time: stored as UTC epoch seconds, shown in JST (UTC+9, no DST) whatever the machine's TZ. */
#ifndef TSUNAGU_JTIME_H
#define TSUNAGU_JTIME_H

#include "core/buf.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Now, in UTC epoch seconds; tests may pin it with jtime_set_fake (0 = real clock again). */
int64_t jtime_now(void);
void    jtime_set_fake(int64_t epoch);
/* Broken-down JST time of a UTC epoch. */
void    jtime_jst(int64_t epoch, struct tm *out);
/* Appends a JST rendering: kind is "date" (2026年11月22日), "datetime" (2026年11月22日 10:05),
 * "time" (10:05), "wareki" (令和8年11月22日; 元年 for the first year), "iso" (2026-11-22T10:05:00+09:00),
 * "ymd" (2026-11-22), "http" (RFC 7231 date in GMT). False for an unknown kind. */
bool    jtime_format(buf_t *out, int64_t epoch, const char *kind);
/* The Japanese fiscal year (年度, April to March) a moment falls in, by JST date. */
int     jtime_fiscal_year(int64_t epoch);
/* Appends the 和暦 name of fiscal year fy (April fy to March fy+1): 2025 → 令和7年度, 2019 → 令和元年度.
 * The era is the one in force at the end of calendar year fy (so 1988 → 昭和63年度, 2019 → 令和元年度). */
bool    jtime_fiscal_label(buf_t *out, int fy);
/* "YYYY-MM" of the JST month epoch falls in (out holds at least 8 bytes). */
void    jtime_month_key(int64_t epoch, char out[8]);
/* JST midnight on the 1st of month (1-12) of year y. */
int64_t jtime_month_start(int y, int month);
/* Parses YYYY-MM-DD as JST midnight; false when malformed or not a real date. */
bool    jtime_parse_ymd(const char *s, int64_t *epoch);

/* The clock override (TSUNAGU_NOW, main.c): seconds added to the real clock from now on (0 = none). */
void    jtime_set_offset(int64_t seconds);
/* Parses YYYY-MM-DDTHH:MM:SS followed by Z or +HH:MM / -HH:MM; false when malformed. */
bool    jtime_parse_iso(const char *s, int64_t *epoch);
/* JST midnight at the start of the day epoch falls in. */
int64_t jtime_day_start(int64_t epoch);
/* JST midnight of the date months after epoch's JST date; a day the month lacks (31 Jan + 1 month)
 * gives the 1st of the month after (1 Mar), so a period of months counted from the 31st ends with the
 * last day of the shorter month (民法143条). */
int64_t jtime_add_months(int64_t epoch, int months);

#endif
