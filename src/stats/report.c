/* report.c - statistics tables (issue 7 item 6; G70-G72): counts bucketed by JST day, month or fiscal
 * year (年度, April to March) in C from plain rows, so the same arithmetic serves every database. */
#include "stats/stats.h"
#include "core/jtime.h"
#include "core/str.h"

#include <stdio.h>
#include <string.h>

#define DAY_S 86400

static bool
parse_month(const char *s, int *y, int *m)
{
	int64_t yy, mm;
	char ys[5], ms[3];

	if (s == NULL || strlen(s) != 7 || s[4] != '-')
		return false;
	memcpy(ys, s, 4);
	ys[4] = '\0';
	memcpy(ms, s + 5, 2);
	ms[2] = '\0';
	if (!str_to_i64(ys, 2000, 2999, &yy) || !str_to_i64(ms, 1, 12, &mm) || ms[0] < '0' || ys[0] < '0')
		return false;
	*y = (int)yy;
	*m = (int)mm;
	return true;
}

static void
month_key(int y, int m, char out[8])
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%04d-%02d", y % 10000, m % 100);
	memcpy(out, tmp, 7);
	out[7] = '\0';
}

bool
stats_period_parse(const char *from, const char *to, stats_unit_t unit, int64_t now, stats_period_t *p,
    const char **err)
{
	struct tm tm;
	int span, max = unit == STATS_DAY ? STATS_MAX_MONTHS_DAY : STATS_MAX_MONTHS;
	bool none = (from == NULL || from[0] == '\0') && (to == NULL || to[0] == '\0');

	memset(p, 0, sizeof(*p));
	*err = NULL;
	jtime_jst(now, &tm);
	if (none) {
		p->y1 = tm.tm_year + 1900;
		p->m1 = tm.tm_mon + 1;
		if (unit == STATS_FY) {
			/* this fiscal year: April to March */
			p->y0 = jtime_fiscal_year(now);
			p->m0 = 4;
			p->y1 = p->y0 + 1;
			p->m1 = 3;
		} else if (unit == STATS_DAY) {
			p->y0 = p->y1;
			p->m0 = p->m1;
		} else {
			p->y0 = p->m1 == 12 ? p->y1 : p->y1 - 1;
			p->m0 = p->m1 == 12 ? 1 : p->m1 + 1;
		}
	} else {
		if (!parse_month(from, &p->y0, &p->m0)) {
			*err = "開始月は「2026-04」のように年と月で入力してください。";
			return false;
		}
		if (!parse_month(to, &p->y1, &p->m1)) {
			*err = "終了月は「2027-03」のように年と月で入力してください。";
			return false;
		}
	}
	span = (p->y1 * 12 + p->m1) - (p->y0 * 12 + p->m0) + 1;
	if (span < 1) {
		*err = "終了月は開始月と同じか、それより後にしてください。";
		return false;
	}
	if (span > max) {
		*err = unit == STATS_DAY ? "日別の集計期間は6か月以内にしてください。" : "集計期間は10年以内にしてください。";
		return false;
	}
	p->from_at = jtime_month_start(p->y0, p->m0);
	p->to_at = jtime_month_start(p->m1 == 12 ? p->y1 + 1 : p->y1, p->m1 == 12 ? 1 : p->m1 + 1);
	month_key(p->y0, p->m0, p->from);
	month_key(p->y1, p->m1, p->to);
	return true;
}

/* ---- tables ---- */

static bool
table_alloc(arena_t *A, stats_table_t *t, int nrows, int ncols)
{
	t->nrows = nrows;
	t->ncols = ncols;
	t->cols = arena_calloc(A, (size_t)(ncols > 0 ? ncols : 1), sizeof(*t->cols));
	t->labels = arena_calloc(A, (size_t)(nrows > 0 ? nrows : 1), sizeof(*t->labels));
	t->keys = arena_calloc(A, (size_t)(nrows > 0 ? nrows : 1), sizeof(*t->keys));
	t->cells = arena_calloc(A, (size_t)(nrows > 0 ? nrows : 1) * (size_t)(ncols > 0 ? ncols : 1), sizeof(*t->cells));
	return t->cols != NULL && t->labels != NULL && t->keys != NULL && t->cells != NULL;
}

/* Rows of the period in unit: days, months or fiscal years. */
static int
period_rows(const stats_period_t *p, stats_unit_t unit)
{
	if (unit == STATS_DAY)
		return (int)((p->to_at - p->from_at) / DAY_S);
	if (unit == STATS_FY)
		return jtime_fiscal_year(p->to_at - 1) - jtime_fiscal_year(p->from_at) + 1;
	return (p->y1 * 12 + p->m1) - (p->y0 * 12 + p->m0) + 1;
}

static bool
label_rows(arena_t *A, stats_table_t *t, const stats_period_t *p, stats_unit_t unit)
{
	int i;

	for (i = 0; i < t->nrows; i++) {
		if (unit == STATS_DAY) {
			struct tm tm;
			jtime_jst(p->from_at + (int64_t)i * DAY_S, &tm);
			t->keys[i] = arena_printf(A, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
			t->labels[i] = t->keys[i];
		} else if (unit == STATS_FY) {
			int fy = jtime_fiscal_year(p->from_at) + i;
			buf_t b = BUF_INIT;
			jtime_fiscal_label(&b, fy);
			t->keys[i] = arena_printf(A, "%d", fy);
			t->labels[i] = b.oom ? NULL : arena_printf(A, "%s（%d年度）", b.data, fy);
			buf_free(&b);
		} else {
			int k = p->y0 * 12 + (p->m0 - 1) + i;
			t->keys[i] = arena_printf(A, "%04d-%02d", k / 12, k % 12 + 1);
			t->labels[i] = arena_printf(A, "%d年%d月", k / 12, k % 12 + 1);
		}
		if (t->keys[i] == NULL || t->labels[i] == NULL)
			return false;
	}
	return true;
}

/* The row of moment at in a period table; -1 outside. */
static int
period_row(const stats_period_t *p, stats_unit_t unit, int64_t at)
{
	struct tm tm;
	int r;

	if (at < p->from_at || at >= p->to_at)
		return -1;
	if (unit == STATS_DAY)
		return (int)((jtime_day_start(at) - p->from_at) / DAY_S);
	if (unit == STATS_FY)
		return jtime_fiscal_year(at) - jtime_fiscal_year(p->from_at);
	jtime_jst(at, &tm);
	r = ((tm.tm_year + 1900) * 12 + tm.tm_mon) - (p->y0 * 12 + p->m0 - 1);
	return r;
}

/* Binds parameters 1 and 2 to the JST dates (YYYY-MM-DD) of [from_at, to_at): tables that keep a day as text
 * (consultant_records.held_on, referrals.referred_on) are filtered with "BETWEEN ?1 AND ?2". */
static void
bind_days(db_stmt_t *st, int64_t from_at, int64_t to_at)
{
	buf_t a = BUF_INIT, b = BUF_INIT;

	jtime_format(&a, from_at, "ymd");
	jtime_format(&b, to_at - 1, "ymd");
	db_bind_str(st, 1, a.data != NULL ? a.data : "");
	db_bind_str(st, 2, b.data != NULL ? b.data : "");
	buf_free(&a);
	buf_free(&b);
}

/* ---- consultations (G70) ---- */

bool
stats_consultation_rows(db_t *db, int64_t from_at, int64_t to_at, stats_consultation_fn fn, void *ctx)
{
	db_stmt_t *st;
	int rc;

	/* mail consultations (メール相談, migration 011): one each, counted when it was opened */
	st = db_prepare(db, "SELECT created_at, COALESCE(department_id, 0) FROM consultations "
	    "WHERE created_at >= ? AND created_at < ?");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, from_at);
	db_bind_i64(st, 2, to_at);
	while ((rc = db_step(st)) == DB_ROW)
		fn(ctx, db_col_i64(st, 0), db_col_i64(st, 1), "メール", "その他");
	db_done(st);
	if (rc != DB_DONE)
		return false;
	/* コンサルタント記録 (migration 020): one each, on its JST date (noon, so the day is unambiguous); the
	 * rows stay when a seeker is erased (SEC09), so the counts do too */
	st = db_prepare(db, "SELECT r.held_on, COALESCE(r.department_id, 0), r.channel, COALESCE(t.name, 'その他') "
	    "FROM consultant_records r LEFT JOIN consult_topics t ON t.code = r.topic "
	    "WHERE r.held_on >= ? AND r.held_on <= ?");
	if (st == NULL)
		return false;
	bind_days(st, from_at, to_at);
	while ((rc = db_step(st)) == DB_ROW) {
		static const char *const codes[] = { "visit", "phone", "mail", "online" };
		static const char *const names[] = { "来所", "電話", "メール", "オンライン" };
		const char *ch = db_col_text(st, 2), *name = NULL;
		int64_t day;
		size_t i;
		for (i = 0; i < 4; i++)
			if (strcmp(ch, codes[i]) == 0)
				name = names[i];
		if (name == NULL || !jtime_parse_ymd(db_col_text(st, 0), &day))
			continue;
		fn(ctx, day + 12 * 3600, db_col_i64(st, 1), name, db_col_text(st, 3));
	}
	db_done(st);
	return rc == DB_DONE;
}

static const char *const CHANNELS[] = { "来所", "電話", "メール", "オンライン" };
#define NCHANNELS 4
#define MAX_TOPICS 32

struct cons_acc {
	arena_t              *A;
	stats_unit_t          unit;
	const stats_period_t *p;
	int64_t              *dept_ids;   /* column c+1 is department dept_ids[c]; the last column 未割当 */
	int                   ndepts;
	stats_table_t        *by_period, *by_channel, *by_topic;
	bool                  oom;
};

static int
dept_col(const struct cons_acc *a, int64_t dept)
{
	int i;

	for (i = 0; i < a->ndepts; i++)
		if (a->dept_ids[i] == dept)
			return i + 1;
	return a->ndepts + 1; /* unassigned, or a department that no longer exists */
}

static void
bump(stats_table_t *t, int row, int col)
{
	if (row < 0 || row >= t->nrows)
		return;
	STATS_CELL(t, row, 0)++;
	STATS_CELL(t, row, col)++;
}

static void
cons_add(void *ctx, int64_t at, int64_t dept, const char *channel, const char *topic)
{
	struct cons_acc *a = ctx;
	int col = dept_col(a, dept), i;

	bump(a->by_period, period_row(a->p, a->unit, at), col);
	for (i = 0; i < a->by_channel->nrows && strcmp(a->by_channel->keys[i], channel) != 0; i++)
		;
	bump(a->by_channel, i, col);
	for (i = 0; i < a->by_topic->nrows && strcmp(a->by_topic->keys[i], topic) != 0; i++)
		;
	if (i == a->by_topic->nrows && i < MAX_TOPICS) {
		/* a topic seen for the first time: a new row (the table was allocated for MAX_TOPICS) */
		a->by_topic->keys[i] = a->by_topic->labels[i] = arena_strdup(a->A, topic);
		if (a->by_topic->keys[i] == NULL) {
			a->oom = true;
			return;
		}
		a->by_topic->nrows++;
	}
	bump(a->by_topic, i, col);
}

/* Columns 合計, each department by id, 未割当 into t (already allocated with ndepts + 2 columns). */
static void
dept_columns(stats_table_t *t, const char **names, int ndepts)
{
	int i;

	t->cols[0] = "合計";
	for (i = 0; i < ndepts; i++)
		t->cols[i + 1] = names[i];
	t->cols[ndepts + 1] = "未割当";
}

bool
stats_consultations(db_t *db, arena_t *A, stats_unit_t unit, const stats_period_t *p,
    stats_table_t *by_period, stats_table_t *by_channel, stats_table_t *by_topic)
{
	struct cons_acc a = { A, unit, p, NULL, 0, by_period, by_channel, by_topic, false };
	const char **names;
	db_stmt_t *st;
	int rc, i, cap = 16;

	a.dept_ids = arena_calloc(A, (size_t)cap, sizeof(*a.dept_ids));
	names = arena_calloc(A, (size_t)cap, sizeof(*names));
	st = db_prepare(db, "SELECT id, name FROM departments ORDER BY id");
	if (st == NULL || a.dept_ids == NULL || names == NULL)
		return false;
	while ((rc = db_step(st)) == DB_ROW && a.ndepts < cap) {
		a.dept_ids[a.ndepts] = db_col_i64(st, 0);
		names[a.ndepts++] = arena_strdup(A, db_col_text(st, 1));
	}
	db_done(st);
	if (rc == DB_ERR || rc == DB_BUSY)
		return false;
	if (!table_alloc(A, by_period, period_rows(p, unit), a.ndepts + 2) || !label_rows(A, by_period, p, unit) ||
	    !table_alloc(A, by_channel, NCHANNELS, a.ndepts + 2) || !table_alloc(A, by_topic, MAX_TOPICS, a.ndepts + 2))
		return false;
	dept_columns(by_period, names, a.ndepts);
	dept_columns(by_channel, names, a.ndepts);
	dept_columns(by_topic, names, a.ndepts);
	for (i = 0; i < NCHANNELS; i++)
		by_channel->keys[i] = by_channel->labels[i] = CHANNELS[i];
	by_topic->nrows = 0;
	if (!stats_consultation_rows(db, p->from_at, p->to_at, cons_add, &a))
		return false;
	return !a.oom;
}

/* ---- page views (G71, G72) ---- */

static int
month_index(const stats_period_t *p, const char *month)
{
	int y, m;

	if (!parse_month(month, &y, &m))
		return -1;
	return (y * 12 + m) - (p->y0 * 12 + p->m0);
}

bool
stats_company_views(db_t *db, arena_t *A, const stats_period_t *p, stats_table_t *t)
{
	int nmonths = period_rows(p, STATS_MONTH), cap = 64, n = 0, i, rc;
	int64_t last = -1;
	db_stmt_t *st;
	stats_table_t months;

	if (!table_alloc(A, &months, nmonths, 1) || !label_rows(A, &months, p, STATS_MONTH))
		return false;
	st = db_prepare(db, "SELECT e.id, e.title, v.month, SUM(v.views) FROM page_views v "
	    "JOIN entities e ON e.type = 'company' AND v.path = '/companies/' || e.id "
	    "WHERE v.month >= ? AND v.month <= ? GROUP BY e.id, e.title, v.month ORDER BY e.id, v.month");
	if (st == NULL || !table_alloc(A, t, cap, nmonths + 1))
		return false;
	for (i = 0; i < nmonths; i++)
		t->cols[i] = months.labels[i];
	t->cols[nmonths] = "合計";
	db_bind_str(st, 1, p->from);
	db_bind_str(st, 2, p->to);
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t id = db_col_i64(st, 0);
		int mi = month_index(p, db_col_text(st, 2));
		if (id != last) {
			if (n == cap) {
				/* grow: copy into a table twice as tall */
				stats_table_t g;
				if (!table_alloc(A, &g, cap * 2, nmonths + 1))
					break;
				memcpy(g.cols, t->cols, sizeof(*g.cols) * (size_t)(nmonths + 1));
				memcpy(g.labels, t->labels, sizeof(*g.labels) * (size_t)cap);
				memcpy(g.keys, t->keys, sizeof(*g.keys) * (size_t)cap);
				memcpy(g.cells, t->cells, sizeof(*g.cells) * (size_t)cap * (size_t)(nmonths + 1));
				*t = g;
				cap *= 2;
			}
			t->keys[n] = arena_printf(A, "%lld", (long long)id);
			t->labels[n] = arena_strdup(A, db_col_text(st, 1));
			n++;
			last = id;
		}
		if (mi >= 0 && mi < nmonths) {
			STATS_CELL(t, n - 1, mi) += db_col_i64(st, 3);
			STATS_CELL(t, n - 1, nmonths) += db_col_i64(st, 3);
		}
	}
	db_done(st);
	t->nrows = n;
	if (rc != DB_DONE)
		return false;
	/* most viewed first (insertion sort: a few hundred companies at most) */
	for (i = 1; i < n; i++) {
		int j = i;
		while (j > 0 && STATS_CELL(t, j - 1, nmonths) < STATS_CELL(t, j, nmonths)) {
			const char *k = t->keys[j], *l = t->labels[j];
			int c;
			t->keys[j] = t->keys[j - 1];
			t->labels[j] = t->labels[j - 1];
			t->keys[j - 1] = k;
			t->labels[j - 1] = l;
			for (c = 0; c <= nmonths; c++) {
				int64_t v = STATS_CELL(t, j, c);
				STATS_CELL(t, j, c) = STATS_CELL(t, j - 1, c);
				STATS_CELL(t, j - 1, c) = v;
			}
			j--;
		}
	}
	return true;
}

bool
stats_page_views(db_t *db, arena_t *A, const stats_period_t *p, int offset, int limit, stats_table_t *t,
    int64_t *total)
{
	db_stmt_t *st;
	int rc, n = 0;

	*total = 0;
	st = db_prepare(db, "SELECT COUNT(DISTINCT path) FROM page_views WHERE month >= ? AND month <= ?");
	if (st == NULL)
		return false;
	db_bind_str(st, 1, p->from);
	db_bind_str(st, 2, p->to);
	if (db_step(st) == DB_ROW)
		*total = db_col_i64(st, 0);
	db_done(st);
	if (!table_alloc(A, t, limit, 1))
		return false;
	t->cols[0] = "閲覧数";
	st = db_prepare(db, "SELECT path, SUM(views) AS n FROM page_views WHERE month >= ? AND month <= ? "
	    "GROUP BY path ORDER BY n DESC, path LIMIT ? OFFSET ?");
	if (st == NULL)
		return false;
	db_bind_str(st, 1, p->from);
	db_bind_str(st, 2, p->to);
	db_bind_i64(st, 3, limit);
	db_bind_i64(st, 4, offset);
	while ((rc = db_step(st)) == DB_ROW && n < limit) {
		t->keys[n] = t->labels[n] = arena_strdup(A, db_col_text(st, 0));
		STATS_CELL(t, n, 0) = db_col_i64(st, 1);
		n++;
	}
	db_done(st);
	t->nrows = n;
	return rc == DB_DONE || rc == DB_ROW;
}

bool
stats_views_by_month(db_t *db, arena_t *A, const stats_period_t *p, stats_table_t *t)
{
	db_stmt_t *st;
	int rc;

	if (!table_alloc(A, t, period_rows(p, STATS_MONTH), 1) || !label_rows(A, t, p, STATS_MONTH))
		return false;
	t->cols[0] = "閲覧数";
	st = db_prepare(db, "SELECT month, SUM(views) FROM page_views WHERE month >= ? AND month <= ? GROUP BY month");
	if (st == NULL)
		return false;
	db_bind_str(st, 1, p->from);
	db_bind_str(st, 2, p->to);
	while ((rc = db_step(st)) == DB_ROW) {
		int mi = month_index(p, db_col_text(st, 0));
		if (mi >= 0 && mi < t->nrows)
			STATS_CELL(t, mi, 0) += db_col_i64(st, 1);
	}
	db_done(st);
	return rc == DB_DONE;
}

/* ---- registrations and applications (G72) ---- */

bool
stats_activity(db_t *db, arena_t *A, const stats_period_t *p, stats_table_t *t)
{
	db_stmt_t *st;
	int rc;

	if (!table_alloc(A, t, period_rows(p, STATS_MONTH), 5) || !label_rows(A, t, p, STATS_MONTH))
		return false;
	t->cols[0] = "求職者の会員登録";
	t->cols[1] = "企業の会員登録";
	t->cols[2] = "イベントの申込み";
	t->cols[3] = "紹介";
	t->cols[4] = "就職";
	st = db_prepare(db, "SELECT created_at, kind FROM accounts WHERE kind IN ('seeker', 'company') "
	    "AND created_at >= ? AND created_at < ?");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, p->from_at);
	db_bind_i64(st, 2, p->to_at);
	while ((rc = db_step(st)) == DB_ROW) {
		int r = period_row(p, STATS_MONTH, db_col_i64(st, 0));
		if (r >= 0 && r < t->nrows)
			STATS_CELL(t, r, strcmp(db_col_text(st, 1), "company") == 0 ? 1 : 0)++;
	}
	db_done(st);
	if (rc != DB_DONE)
		return false;
	st = db_prepare(db, "SELECT created_at FROM event_applications WHERE created_at >= ? AND created_at < ?");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, p->from_at);
	db_bind_i64(st, 2, p->to_at);
	while ((rc = db_step(st)) == DB_ROW) {
		int r = period_row(p, STATS_MONTH, db_col_i64(st, 0));
		if (r >= 0 && r < t->nrows)
			STATS_CELL(t, r, 2)++;
	}
	db_done(st);
	if (rc != DB_DONE)
		return false;
	/* 紹介 by the month it was made (referred_on, JST), 就職 by the month the outcome became 就職 */
	st = db_prepare(db, "SELECT referred_on FROM referrals WHERE referred_on >= ? AND referred_on <= ?");
	if (st == NULL)
		return false;
	bind_days(st, p->from_at, p->to_at);
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t day;
		int r;
		if (!jtime_parse_ymd(db_col_text(st, 0), &day))
			continue;
		r = period_row(p, STATS_MONTH, day + 12 * 3600);
		if (r >= 0 && r < t->nrows)
			STATS_CELL(t, r, 3)++;
	}
	db_done(st);
	if (rc != DB_DONE)
		return false;
	st = db_prepare(db, "SELECT MIN(at) FROM referral_outcomes WHERE outcome = 'hired' GROUP BY referral_id "
	    "HAVING MIN(at) >= ? AND MIN(at) < ?");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, p->from_at);
	db_bind_i64(st, 2, p->to_at);
	while ((rc = db_step(st)) == DB_ROW) {
		int r = period_row(p, STATS_MONTH, db_col_i64(st, 0));
		if (r >= 0 && r < t->nrows)
			STATS_CELL(t, r, 4)++;
	}
	db_done(st);
	return rc == DB_DONE;
}
