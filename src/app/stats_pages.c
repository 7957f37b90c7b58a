/* stats_pages.c - 統計 (issue 7 item 6; G70-G72, B03): the back office's statistics screens. Each screen has
 * a period picker (a GET form), a table (the accessible form of the data), a chart drawn on the server
 * (view/chart.h) and a CSV download of the same numbers. Viewing is POLICY_VIEW of the record kind counted
 * (every staff role); the CSV is POLICY_EXPORT and is audited as stats.export before it is sent. */
#include "app/web.h"
#include "auth/audit.h"
#include "auth/policy.h"
#include "core/csv.h"
#include "core/jtime.h"
#include "core/str.h"
#include "db/db.h"
#include "stats/stats.h"
#include "view/chart.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define PAGES_PER_PAGE 50      /* rows of the per-page table on one screen */
#define PAGES_MAX_PAGE 1000
#define PAGES_CSV_MAX  20000   /* pages in one CSV */

typedef enum { REP_CONSULT, REP_COMPANY, REP_PAGES, REP_ACTIVITY } report_t;

static const struct {
	const char *slug, *title, *intro;
	int         kind;    /* policy_record_t */
} REPORTS[] = {
	{ "consultations", "相談件数", "相談の件数を日別・月別・年度別（4月〜翌年3月）に、部署ごと・相談方法ごと・相談内容ごとに数えます。", POLICY_CONSULTATION },
	{ "company-views", "企業ページ閲覧数", "公開している企業情報ページの閲覧数を、企業ごと・月ごとに数えます。", POLICY_COMPANY },
	{ "pages", "ページ別閲覧数", "公開ページごとの閲覧数です。閲覧数の多い順に表示します。", POLICY_CMS },
	{ "activity", "登録・申込み", "求職者と企業の会員登録、イベントの申込みの件数を月ごとに数えます。", POLICY_SEEKER },
};

static const struct { const char *code, *label; stats_unit_t unit; } UNITS[] = {
	{ "day", "日別", STATS_DAY },
	{ "month", "月別", STATS_MONTH },
	{ "fy", "年度別", STATS_FY },
};

/* ---- GET /staff/stats ---- */

void
page_staff_stats(req_t *r)
{
	arena_t *A = &r->arena;
	tv_t *ctx, *list;
	size_t i;

	if (!web_can(r, POLICY_VIEW, POLICY_CONSULTATION, 0))
		return;
	ctx = web_ctx(r, "統計");
	list = tv_list(A);
	for (i = 0; i < sizeof(REPORTS) / sizeof(REPORTS[0]); i++) {
		tv_t *it = tv_map(A);
		tv_set_str(A, it, "url", arena_printf(A, "/staff/stats/%s", REPORTS[i].slug));
		tv_set_str(A, it, "title", REPORTS[i].title);
		tv_set_str(A, it, "intro", REPORTS[i].intro);
		tv_push(A, list, it);
	}
	tv_set(A, ctx, "reports", list);
	web_render(r, "staff/stats", ctx);
}

/* ---- the report screens ---- */

typedef struct report_req {
	report_t        rep;
	bool            csv;
	stats_unit_t    unit;
	const char     *unit_code;
	stats_period_t  p;
	const char     *error;
	const char     *from, *to;   /* as typed (shown again) */
	int64_t         fy;          /* the fiscal year chosen in the select (0: none) */
	int64_t         page;
} report_req_t;

/* A typed month to show again: at most 7 bytes of digits and '-'. */
static const char *
typed_month(req_t *r, const char *name)
{
	const char *v = http_query(r, name);
	size_t i;

	if (v == NULL || strlen(v) > 7)
		return "";
	for (i = 0; v[i]; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || v[i] == '-'))
			return "";
	return v;
}

static void
read_request(req_t *r, report_req_t *q)
{
	const char *unit = http_query(r, "unit"), *pg = http_query(r, "page");
	const char *fy = http_query(r, "fy"), *from = http_query(r, "from"), *to = http_query(r, "to");
	size_t i;

	q->unit = STATS_MONTH;
	q->unit_code = "month";
	if (q->rep == REP_CONSULT && unit != NULL) {
		for (i = 0; i < sizeof(UNITS) / sizeof(UNITS[0]); i++)
			if (strcmp(unit, UNITS[i].code) == 0) {
				q->unit = UNITS[i].unit;
				q->unit_code = UNITS[i].code;
			}
	}
	q->from = typed_month(r, "from");
	q->to = typed_month(r, "to");
	if (fy != NULL && fy[0] != '\0' && str_to_i64(fy, 2000, 2998, &q->fy)) {
		/* a fiscal year chosen in the select wins over the months: April to March */
		q->from = from = arena_printf(&r->arena, "%04d-04", (int)q->fy);
		q->to = to = arena_printf(&r->arena, "%04d-03", (int)q->fy + 1);
	}
	if (!stats_period_parse(from, to, q->unit, jtime_now(), &q->p, &q->error)) {
		/* show the default period with the message */
		const char *ignored;
		stats_period_parse(NULL, NULL, q->unit, jtime_now(), &q->p, &ignored);
	} else if (q->from[0] == '\0' && q->to[0] == '\0') {
		q->from = q->p.from;
		q->to = q->p.to;
	}
	q->page = 1;
	if (pg != NULL && !str_to_i64(pg, 1, PAGES_MAX_PAGE, &q->page))
		q->page = 1;
}

static int64_t
col_sum(const stats_table_t *t, int c)
{
	int64_t s = 0;
	int i;

	for (i = 0; i < t->nrows; i++)
		s += STATS_CELL(t, i, c);
	return s;
}

/* The table as template data: caption, column headings, rows of a th label and numbers. */
static tv_t *
table_ctx(arena_t *A, const stats_table_t *t, const char *id, const char *caption, const char *row_heading,
    bool link_rows)
{
	tv_t *m = tv_map(A), *cols = tv_list(A), *rows = tv_list(A);
	int i, c;

	tv_set_str(A, m, "id", id);
	tv_set_str(A, m, "caption", caption);
	tv_set_str(A, m, "row_heading", row_heading);
	for (c = 0; c < t->ncols; c++)
		tv_push(A, cols, tv_str(A, t->cols[c]));
	for (i = 0; i < t->nrows; i++) {
		tv_t *row = tv_map(A), *cells = tv_list(A);
		tv_set_str(A, row, "label", t->labels[i]);
		if (link_rows)
			tv_set_str(A, row, "href", t->keys[i]);
		for (c = 0; c < t->ncols; c++)
			tv_push(A, cells, tv_int(A, STATS_CELL(t, i, c)));
		tv_set(A, row, "cells", cells);
		tv_push(A, rows, row);
	}
	tv_set(A, m, "cols", cols);
	tv_set(A, m, "rows", rows);
	tv_set_bool(A, m, "any", t->nrows > 0);
	return m;
}

/* A chart of column c of t by row, or of several columns as lines. */
static tv_t *
chart_ctx(arena_t *A, const stats_table_t *t, chart_kind_t kind, const char *id, const char *title,
    const report_req_t *q, const int *cols, int ncols)
{
	chart_t ch;
	buf_t b = BUF_INIT, d = BUF_INIT;
	int s, i, best = -1;
	tv_t *v;

	memset(&ch, 0, sizeof(ch));
	ch.kind = kind;
	ch.id = id;
	ch.title = title;
	ch.labels = t->labels;
	ch.npoints = t->nrows < CHART_MAX_POINTS ? t->nrows : CHART_MAX_POINTS;
	ch.nseries = ncols < CHART_MAX_SERIES ? ncols : CHART_MAX_SERIES;
	buf_printf(&d, "%s から %s までの%s。", q->p.from, q->p.to, title);
	for (s = 0; s < ch.nseries; s++) {
		int64_t *vals = arena_calloc(A, (size_t)(ch.npoints > 0 ? ch.npoints : 1), sizeof(*vals));
		if (vals == NULL)
			return tv_str(A, "");
		for (i = 0; i < ch.npoints; i++)
			vals[i] = STATS_CELL(t, i, cols[s]);
		ch.series[s].name = t->cols[cols[s]];
		ch.series[s].values = vals;
		buf_printf(&d, "%s 合計%" PRId64 "。", t->cols[cols[s]], col_sum(t, cols[s]));
	}
	if (ch.nseries == 1) {
		for (i = 0; i < ch.npoints; i++)
			if (best < 0 || STATS_CELL(t, i, cols[0]) > STATS_CELL(t, best, cols[0]))
				best = i;
		if (best >= 0 && STATS_CELL(t, best, cols[0]) > 0)
			buf_printf(&d, "最も多いのは%s（%" PRId64 "）。", t->labels[best], STATS_CELL(t, best, cols[0]));
	}
	buf_puts(&d, "数値は下の表のとおりです。");
	ch.desc = d.oom ? "" : d.data;
	if (!chart_svg(&b, &ch) || b.oom)
		v = tv_str(A, "");
	else
		v = tv_html_trusted(A, b.data, b.len);  /* every text in it escaped by chart_svg */
	buf_free(&b);
	buf_free(&d);
	return v;
}

/* Query string of the period (and unit) for links: "?unit=fy&from=2026-03&to=2026-04". */
static const char *
period_qs(arena_t *A, const report_req_t *q)
{
	if (q->rep == REP_CONSULT)
		return arena_printf(A, "?unit=%s&from=%s&to=%s", q->unit_code, q->p.from, q->p.to);
	return arena_printf(A, "?from=%s&to=%s", q->p.from, q->p.to);
}

static bool
load(db_t *db, arena_t *A, report_req_t *q, stats_table_t *t, stats_table_t *ch, stats_table_t *tp, int64_t *total,
    bool all_pages)
{
	*total = 0;
	switch (q->rep) {
	case REP_CONSULT:
		return stats_consultations(db, A, q->unit, &q->p, t, ch, tp);
	case REP_COMPANY:
		return stats_company_views(db, A, &q->p, t);
	case REP_PAGES:
		if (all_pages)
			return stats_page_views(db, A, &q->p, 0, PAGES_CSV_MAX, t, total);
		return stats_page_views(db, A, &q->p, (int)((q->page - 1) * PAGES_PER_PAGE), PAGES_PER_PAGE, t, total) &&
		    stats_views_by_month(db, A, &q->p, ch);
	case REP_ACTIVITY:
		return stats_activity(db, A, &q->p, t);
	}
	return false;
}

static void
csv_row_head(buf_t *out, const char *const *lead, int nlead, const stats_table_t *t)
{
	int i;

	for (i = 0; i < nlead; i++)
		csv_write_cell(out, lead[i], strlen(lead[i]), t->ncols == 0 && i + 1 == nlead);
	for (i = 0; i < t->ncols; i++)
		csv_write_cell(out, t->cols[i], strlen(t->cols[i]), i + 1 == t->ncols);
}

static void
csv_rows(buf_t *out, const char *group, const stats_table_t *t, bool with_key)
{
	int i, c;
	char num[24];

	for (i = 0; i < t->nrows; i++) {
		if (group != NULL)
			csv_write_cell(out, group, strlen(group), false);
		if (with_key)
			csv_write_cell(out, t->keys[i], strlen(t->keys[i]), false);
		csv_write_cell(out, t->labels[i], strlen(t->labels[i]), t->ncols == 0);
		for (c = 0; c < t->ncols; c++) {
			snprintf(num, sizeof(num), "%" PRId64, STATS_CELL(t, i, c));
			csv_write_cell(out, num, strlen(num), c + 1 == t->ncols);
		}
	}
}

static void
send_csv(req_t *r, db_t *db, report_req_t *q)
{
	arena_t *A = &r->arena;
	account_t *a = &r->auth->account;
	stats_table_t t, ch, tp;
	int64_t total;
	buf_t out = BUF_INIT;
	const char *unit_label = "月";
	size_t i;
	audit_entry_t e = { a->id, a->login, r->ip, "stats.export", arena_printf(A, "stats:%s", REPORTS[q->rep].slug),
		arena_printf(A, "unit=%s; from=%s; to=%s", q->unit_code, q->p.from, q->p.to) };

	if (q->error != NULL) {
		web_error(r, 400, "集計期間に誤りがあります。統計の画面で期間を確かめてからダウンロードしてください。");
		return;
	}
	if (!audit_append(db, &e, jtime_now())) {
		web_error(r, 500, "監査ログに記録できなかったため、ダウンロードを中止しました。");
		return;
	}
	if (!load(db, A, q, &t, &ch, &tp, &total, true)) {
		web_error(r, 500, NULL);
		return;
	}
	csv_write_bom(&out);
	switch (q->rep) {
	case REP_CONSULT: {
		static const char *const lead[] = { "集計区分", "項目" };
		for (i = 0; i < sizeof(UNITS) / sizeof(UNITS[0]); i++)
			if (UNITS[i].unit == q->unit)
				unit_label = UNITS[i].label;
		csv_row_head(&out, lead, 2, &t);
		csv_rows(&out, unit_label, &t, false);
		csv_rows(&out, "相談方法別", &ch, false);
		csv_rows(&out, "相談内容別", &tp, false);
		break;
	}
	case REP_COMPANY: {
		static const char *const lead[] = { "企業ID", "企業名" };
		csv_row_head(&out, lead, 2, &t);
		csv_rows(&out, NULL, &t, true);
		break;
	}
	case REP_PAGES: {
		static const char *const lead[] = { "ページ" };
		csv_row_head(&out, lead, 1, &t);
		csv_rows(&out, NULL, &t, false);
		break;
	}
	case REP_ACTIVITY: {
		static const char *const lead[] = { "月" };
		csv_row_head(&out, lead, 1, &t);
		csv_rows(&out, NULL, &t, false);
		break;
	}
	}
	if (out.oom) {
		buf_free(&out);
		web_error(r, 500, NULL);
		return;
	}
	buf_clear(&r->out);
	buf_append(&r->out, out.data, out.len);
	buf_free(&out);
	r->status = 200;
	r->content_type = "text/csv; charset=utf-8";
	r->no_store = true;
	http_set_header(r, "Content-Disposition", arena_printf(A, "attachment; filename=\"stats-%s-%s-%s.csv\"",
	    REPORTS[q->rep].slug, q->p.from, q->p.to));
}

static void
show(req_t *r, db_t *db, report_req_t *q)
{
	arena_t *A = &r->arena;
	stats_table_t t, ch, tp;
	int64_t total = 0;
	tv_t *ctx = web_ctx(r, REPORTS[q->rep].title), *tables = tv_list(A), *charts = tv_list(A), *units;
	const char *qs = period_qs(A, q), *unit_label = "月別";
	size_t i;

	if (!load(db, A, q, &t, &ch, &tp, &total, false)) {
		web_error(r, 500, NULL);
		return;
	}
	tv_set_str(A, ctx, "heading", REPORTS[q->rep].title);
	tv_set_str(A, ctx, "intro", REPORTS[q->rep].intro);
	tv_set_str(A, ctx, "action", arena_printf(A, "/staff/stats/%s", REPORTS[q->rep].slug));
	tv_set_str(A, ctx, "from", q->from);
	tv_set_str(A, ctx, "to", q->to);
	{
		/* the fiscal-year select: this one and the five before it */
		tv_t *fys = tv_list(A);
		int now_fy = jtime_fiscal_year(jtime_now()), y;
		for (y = now_fy; y >= now_fy - 5; y--) {
			tv_t *o = tv_map(A);
			buf_t b = BUF_INIT;
			jtime_fiscal_label(&b, y);
			tv_set_int(A, o, "year", y);
			tv_set_str(A, o, "label", arena_printf(A, "%s（%d年4月〜%d年3月）", b.oom ? "" : b.data, y, y + 1));
			tv_set_bool(A, o, "selected", q->fy == y);
			buf_free(&b);
			tv_push(A, fys, o);
		}
		tv_set(A, ctx, "fiscal_years", fys);
	}
	tv_set_str(A, ctx, "period", arena_printf(A, "%s 〜 %s", q->p.from, q->p.to));
	if (q->error != NULL) {
		tv_set_str(A, ctx, "error", q->error);
		tv_set_str(A, ctx, "period_note", "入力された期間に誤りがあるため、既定の期間で表示しています。");
	}
	tv_set_bool(A, ctx, "can_export", policy_can(&r->auth->account, POLICY_EXPORT, (policy_record_t)REPORTS[q->rep].kind, 0));
	tv_set_str(A, ctx, "csv_url", arena_printf(A, "/staff/stats/%s.csv%s", REPORTS[q->rep].slug, qs));
	if (q->rep == REP_CONSULT) {
		units = tv_list(A);
		for (i = 0; i < sizeof(UNITS) / sizeof(UNITS[0]); i++) {
			tv_t *u = tv_map(A);
			tv_set_str(A, u, "code", UNITS[i].code);
			tv_set_str(A, u, "label", UNITS[i].label);
			tv_set_bool(A, u, "selected", UNITS[i].unit == q->unit);
			if (UNITS[i].unit == q->unit)
				unit_label = UNITS[i].label;
			tv_push(A, units, u);
		}
		tv_set(A, ctx, "units", units);
		tv_set_bool(A, ctx, "has_units", true);
	}
	switch (q->rep) {
	case REP_CONSULT: {
		int c0 = 0;
		tv_push(A, charts, chart_ctx(A, &t, CHART_BAR, "chart-consult", arena_printf(A, "相談件数（%s）", unit_label),
		    q, &c0, 1));
		tv_push(A, tables, table_ctx(A, &t, "t-period", arena_printf(A, "相談件数（%s・部署別）", unit_label),
		    "期間", false));
		tv_push(A, tables, table_ctx(A, &ch, "t-channel", "相談方法別の件数（部署別）", "相談方法", false));
		tv_push(A, tables, table_ctx(A, &tp, "t-topic", "相談内容別の件数（部署別）", "相談内容", false));
		break;
	}
	case REP_COMPANY: {
		/* the chart: all company pages' views per month (the sum of each month's column) */
		stats_table_t m;
		int c, c0 = 0;
		m.nrows = t.ncols - 1;
		m.ncols = 1;
		m.cols = (const char *[]){ "閲覧数" };
		m.labels = t.cols;
		m.keys = t.cols;
		m.cells = arena_calloc(A, (size_t)(m.nrows > 0 ? m.nrows : 1), sizeof(*m.cells));
		if (m.cells == NULL) {
			web_error(r, 500, NULL);
			return;
		}
		for (c = 0; c < m.nrows; c++)
			m.cells[c] = col_sum(&t, c);
		tv_push(A, charts, chart_ctx(A, &m, CHART_BAR, "chart-company", "企業ページ閲覧数（月別合計）", q, &c0, 1));
		for (c = 0; c < t.nrows; c++)
			t.keys[c] = arena_printf(A, "/companies/%s", t.keys[c]);
		tv_push(A, tables, table_ctx(A, &t, "t-company", "企業ページ閲覧数（企業別・月別、閲覧数の多い順）", "企業",
		    true));
		break;
	}
	case REP_PAGES: {
		int c0 = 0;
		int64_t pages = (total + PAGES_PER_PAGE - 1) / PAGES_PER_PAGE;
		tv_push(A, charts, chart_ctx(A, &ch, CHART_LINE, "chart-pages", "公開ページ全体の閲覧数（月別）", q, &c0, 1));
		tv_push(A, tables, table_ctx(A, &t, "t-pages", arena_printf(A, "ページ別閲覧数（閲覧数の多い順、%" PRId64
		    "ページ中 %" PRId64 "件目から）", total, (q->page - 1) * PAGES_PER_PAGE + 1), "ページ", true));
		if (q->page > 1)
			tv_set_str(A, ctx, "prev_url", arena_printf(A, "/staff/stats/pages%s&page=%" PRId64, qs, q->page - 1));
		if (q->page < pages)
			tv_set_str(A, ctx, "next_url", arena_printf(A, "/staff/stats/pages%s&page=%" PRId64, qs, q->page + 1));
		break;
	}
	case REP_ACTIVITY: {
		int cols[3] = { 0, 1, 2 };
		tv_push(A, charts, chart_ctx(A, &t, CHART_LINE, "chart-activity", "会員登録とイベント申込みの件数（月別）", q,
		    cols, 3));
		tv_push(A, tables, table_ctx(A, &t, "t-activity", "会員登録とイベント申込みの件数（月別）", "月", false));
		break;
	}
	}
	tv_set(A, ctx, "charts", charts);
	tv_set(A, ctx, "tables", tables);
	web_render(r, "staff/stats_report", ctx);
}

/* GET /staff/stats/:page - "consultations", "company-views", "pages", "activity", each also as ".csv" */
void
page_staff_stats_report(req_t *r)
{
	const char *name = http_param(r, 0);
	report_req_t q;
	size_t i, n;
	db_t *db;

	memset(&q, 0, sizeof(q));
	q.rep = (report_t)-1;
	for (i = 0; name != NULL && i < sizeof(REPORTS) / sizeof(REPORTS[0]); i++) {
		n = strlen(REPORTS[i].slug);
		if (strncmp(name, REPORTS[i].slug, n) == 0 && (name[n] == '\0' || strcmp(name + n, ".csv") == 0)) {
			q.rep = (report_t)i;
			q.csv = name[n] != '\0';
		}
	}
	if ((int)q.rep < 0) {
		web_error(r, 404, NULL);
		return;
	}
	if (!web_can(r, q.csv ? POLICY_EXPORT : POLICY_VIEW, REPORTS[q.rep].kind, 0))
		return;
	if ((db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	read_request(r, &q);
	if (q.csv)
		send_csv(r, db, &q);
	else
		show(r, db, &q);
}
