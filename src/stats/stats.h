/*
 * stats.h - statistics (issue 7 item 6; G70-G72, B03).
 *
 * Page views: every successful GET of a public HTML page (cache hits included) is counted in memory by
 * JST month and normalised path, without cookies and without the visitor's address; known crawlers are
 * left out by their User-Agent. A thread writes the counts to page_views every [stats] flush_seconds and
 * once more at shutdown, so the request path only takes a short mutex. The table of pending counts is
 * bounded (STATS_MAX_KEYS distinct month+path pairs between two flushes; views of further pairs are
 * dropped and logged at the flush).
 *
 * Reports (report.c): consultation counts by day, month and fiscal year per department, channel and topic;
 * page and company page views by month; registrations and event applications by month.
 */
#ifndef TSUNAGU_STATS_H
#define TSUNAGU_STATS_H

#include "core/arena.h"
#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STATS_MAX_PATH      200    /* bytes of a counted path; a longer one is not counted */
#define STATS_MAX_KEYS      2048   /* distinct month+path pairs held between two flushes */
#define STATS_FLUSH_DEFAULT 60     /* seconds between flushes ([stats] flush_seconds) */

/* True when the User-Agent names a crawler, a script or nothing at all. HeadlessChrome counts as a bot
 * unless count_headless is set ([stats] count_headless; the browser tests set it). */
bool    stats_is_bot(const char *user_agent, bool count_headless);
/* Writes the counted form of a public page path into out: numeric segments lose leading zeros and a
 * trailing slash goes; false when the path is not a counted page (/static, /media, /staff, /mypage, the
 * sitemaps, robots.txt, healthz, anything under /login, /logout, /register, /password) or too long. */
bool    stats_path_normalise(const char *path, char *out, size_t n);
/* Counts one view of path (not normalised yet) at now; thread-safe, memory only. */
void    stats_count(const char *path, int64_t now);
/* Adds the pending counts to page_views in one transaction; the number of rows written, or -1 on a
 * database error (the counts are then kept for the next flush). */
int64_t stats_flush(db_t *db);
/* Pending month+path pairs and views dropped since the start (tests, logs). */
size_t  stats_pending(void);
int64_t stats_dropped(void);
/* Forgets all pending counts (tests). */
void    stats_reset(void);
/* Starts the flush thread (every flush_s seconds); stats_stop flushes once more and ends it. */
bool    stats_start(int flush_s);
void    stats_stop(void);

#endif

/* ---- reports (report.c) ---- */

#define STATS_MAX_MONTHS_DAY 6     /* a period shown by day spans at most this many months */
#define STATS_MAX_MONTHS     120   /* any other period: ten years */

typedef enum { STATS_DAY = 0, STATS_MONTH, STATS_FY } stats_unit_t;

/* A period of whole JST months, first and last included. */
typedef struct stats_period {
	int     y0, m0, y1, m1;
	int64_t from_at, to_at;   /* [from_at, to_at) in UTC epoch seconds */
	char    from[8], to[8];   /* "YYYY-MM" */
} stats_period_t;

/* Reads "YYYY-MM" from and to (NULL or "" for the default: the twelve months up to now's month, or for
 * the fiscal-year unit the fiscal year of now); false with a Japanese message when malformed, reversed or
 * longer than the unit allows. */
bool stats_period_parse(const char *from, const char *to, stats_unit_t unit, int64_t now, stats_period_t *p,
    const char **err);

/* A table of counts: nrows × ncols cells, row labels for the screen and keys for the CSV. */
typedef struct stats_table {
	int           nrows, ncols;
	const char  **cols;     /* column headings */
	const char  **labels;   /* row labels (令和7年度, 2026年3月, 2026-03-31, a page path ...) */
	const char  **keys;     /* row keys (2025, 2026-03, 2026-03-31, a path ...) */
	int64_t      *cells;    /* row-major */
} stats_table_t;

#define STATS_CELL(t, r, c) ((t)->cells[(size_t)(r) * (size_t)(t)->ncols + (size_t)(c)])

/*
 * The one source of consultation counts (G70): calls fn once per consultation made in [from_at, to_at)
 * with when it was made, the handling department (0: unassigned), the channel (来所, 電話, メール,
 * オンライン) and the topic. Today that is the mail consultations (channel メール, topic その他);
 * consultant records (コンサルタント記録) are added here, as a second query, when their table exists
 * (docs/architecture.md "Statistics"). False on a database error.
 */
typedef void (*stats_consultation_fn)(void *ctx, int64_t at, int64_t department_id, const char *channel,
    const char *topic);
bool stats_consultation_rows(db_t *db, int64_t from_at, int64_t to_at, stats_consultation_fn fn, void *ctx);

/* Consultation counts in p: by_period has a row per day, month or fiscal year of the unit, by_channel and
 * by_topic a row per channel and topic; each has the columns 合計, every department, 未割当. */
bool stats_consultations(db_t *db, arena_t *A, stats_unit_t unit, const stats_period_t *p,
    stats_table_t *by_period, stats_table_t *by_channel, stats_table_t *by_topic);
/* Company page views (G71): a row per company viewed in p, columns per month then 合計, most viewed first. */
bool stats_company_views(db_t *db, arena_t *A, const stats_period_t *p, stats_table_t *t);
/* Views per public page in p (G72), most viewed first: rows offset .. offset+limit, one column 閲覧数;
 * *total is the number of pages. */
bool stats_page_views(db_t *db, arena_t *A, const stats_period_t *p, int offset, int limit, stats_table_t *t,
    int64_t *total);
/* All counted views per month of p: one column 閲覧数 (the chart of the page-view screen). */
bool stats_views_by_month(db_t *db, arena_t *A, const stats_period_t *p, stats_table_t *t);
/* Registrations (seekers, companies) and event applications per month of p (G72). */
bool stats_activity(db_t *db, arena_t *A, const stats_period_t *p, stats_table_t *t);
