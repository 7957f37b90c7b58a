/* test_stats.c - statistics (issue 7 item 6; G70-G72, B03): fiscal years and their 和暦 names at the JST
 * boundary, JST month buckets, the page-view counter (path filter, bot filter, aggregation, flush, bound),
 * the report tables over a real database, and the SVG chart (well-formed, escaped, empty). */
#include "testutil.h"
#include "dbtest.h"

#include "core/jtime.h"
#include "stats/stats.h"
#include "view/chart.h"

static int64_t
iso(const char *s)
{
	int64_t t = 0;

	assert_true(jtime_parse_iso(s, &t));
	return t;
}

static const char *
fy_label(int64_t at, char *out, size_t n)
{
	buf_t b = BUF_INIT;

	assert_true(jtime_fiscal_label(&b, jtime_fiscal_year(at)));
	snprintf(out, n, "%s", b.data);
	buf_free(&b);
	return out;
}

/* G70: 年度 = April-March, named in 和暦, decided by the JST date */
static void
test_fiscal_year(void **state)
{
	char l[64];

	(void)state;
	assert_string_equal(fy_label(iso("2026-03-15T12:00:00+09:00"), l, sizeof(l)), "令和7年度");
	assert_string_equal(fy_label(iso("2026-04-01T00:00:00+09:00"), l, sizeof(l)), "令和8年度");
	/* 2026-03-31T15:00Z is 2026-04-01 00:00 in Japan */
	assert_string_equal(fy_label(iso("2026-03-31T15:00:00Z"), l, sizeof(l)), "令和8年度");
	assert_string_equal(fy_label(iso("2026-03-31T14:59:59Z"), l, sizeof(l)), "令和7年度");
	assert_string_equal(fy_label(iso("2019-06-01T00:00:00+09:00"), l, sizeof(l)), "令和元年度");
	assert_string_equal(fy_label(iso("1988-06-01T00:00:00+09:00"), l, sizeof(l)), "昭和63年度");
	assert_string_equal(fy_label(iso("2019-03-01T00:00:00+09:00"), l, sizeof(l)), "平成30年度");
}

static void
test_month_key(void **state)
{
	char m[8];

	(void)state;
	jtime_month_key(iso("2026-03-31T15:00:00Z"), m);
	assert_string_equal(m, "2026-04");
	jtime_month_key(iso("2026-03-31T14:59:59Z"), m);
	assert_string_equal(m, "2026-03");
	assert_int_equal(jtime_month_start(2026, 4), iso("2026-04-01T00:00:00+09:00"));
}

static void
test_period(void **state)
{
	stats_period_t p;
	const char *err;
	int64_t now = iso("2026-11-22T10:00:00+09:00");

	(void)state;
	assert_true(stats_period_parse("2026-03", "2026-04", STATS_FY, now, &p, &err));
	assert_int_equal(p.from_at, iso("2026-03-01T00:00:00+09:00"));
	assert_int_equal(p.to_at, iso("2026-05-01T00:00:00+09:00"));
	assert_string_equal(p.from, "2026-03");
	/* defaults: the last twelve months; this fiscal year */
	assert_true(stats_period_parse(NULL, "", STATS_MONTH, now, &p, &err));
	assert_string_equal(p.from, "2025-12");
	assert_string_equal(p.to, "2026-11");
	assert_true(stats_period_parse(NULL, NULL, STATS_FY, now, &p, &err));
	assert_string_equal(p.from, "2026-04");
	assert_string_equal(p.to, "2027-03");
	assert_false(stats_period_parse("2026-05", "2026-04", STATS_MONTH, now, &p, &err));
	assert_non_null(err);
	assert_false(stats_period_parse("2026-13", "2026-04", STATS_MONTH, now, &p, &err));
	assert_false(stats_period_parse("2026-1", "2026-04", STATS_MONTH, now, &p, &err));
	assert_false(stats_period_parse("x", "2026-04", STATS_MONTH, now, &p, &err));
	assert_false(stats_period_parse("2026-01", "2026-12", STATS_DAY, now, &p, &err));
	assert_true(stats_period_parse("2026-01", "2026-06", STATS_DAY, now, &p, &err));
}

/* B03: crawlers and scripts are not visitors; HeadlessChrome only when configured */
static void
test_bot_filter(void **state)
{
	const char *firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
	const char *headless = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
	    "HeadlessChrome/131.0.0.0 Safari/537.36";

	(void)state;
	assert_false(stats_is_bot(firefox, false));
	assert_true(stats_is_bot("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", true));
	assert_true(stats_is_bot("Mozilla/5.0 (compatible; bingbot/2.0)", false));
	assert_true(stats_is_bot("Mozilla/5.0 (compatible; Yahoo! Slurp)", false));
	assert_true(stats_is_bot("curl/8.5.0", false));
	assert_true(stats_is_bot("Baiduspider", false));
	assert_true(stats_is_bot("", false));
	assert_true(stats_is_bot(NULL, false));
	assert_true(stats_is_bot(headless, false));
	assert_false(stats_is_bot(headless, true));
}

static void
test_path_filter(void **state)
{
	char out[STATS_MAX_PATH + 1];
	char longp[400];

	(void)state;
	assert_true(stats_path_normalise("/companies/012", out, sizeof(out)));
	assert_string_equal(out, "/companies/12");
	assert_true(stats_path_normalise("/companies/0", out, sizeof(out)));
	assert_string_equal(out, "/companies/0");
	assert_true(stats_path_normalise("/jobs/", out, sizeof(out)));
	assert_string_equal(out, "/jobs");
	assert_true(stats_path_normalise("/", out, sizeof(out)));
	assert_string_equal(out, "/");
	assert_true(stats_path_normalise("/pages/about", out, sizeof(out)));
	assert_string_equal(out, "/pages/about");
	assert_false(stats_path_normalise("/static/site.css", out, sizeof(out)));
	assert_false(stats_path_normalise("/staff/stats", out, sizeof(out)));
	assert_false(stats_path_normalise("/staff", out, sizeof(out)));
	assert_false(stats_path_normalise("/mypage", out, sizeof(out)));
	assert_false(stats_path_normalise("/media/x-320.webp", out, sizeof(out)));
	assert_false(stats_path_normalise("/sitemap.xml", out, sizeof(out)));
	assert_false(stats_path_normalise("/sitemaps/jobs.xml", out, sizeof(out)));
	assert_false(stats_path_normalise("/robots.txt", out, sizeof(out)));
	assert_false(stats_path_normalise("/healthz", out, sizeof(out)));
	assert_false(stats_path_normalise("/login", out, sizeof(out)));
	assert_false(stats_path_normalise("relative", out, sizeof(out)));
	assert_false(stats_path_normalise("/a\nb", out, sizeof(out)));
	/* /staffing is not /staff */
	assert_true(stats_path_normalise("/staffing", out, sizeof(out)));
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	assert_false(stats_path_normalise(longp, out, sizeof(out)));
}

static int64_t
views(db_t *db, const char *month, const char *path)
{
	db_stmt_t *st = db_prepare(db, "SELECT views FROM page_views WHERE month = ? AND path = ?");
	int64_t v = -1;

	db_bind_str(st, 1, month);
	db_bind_str(st, 2, path);
	if (db_step(st) == DB_ROW)
		v = db_col_i64(st, 0);
	db_done(st);
	return v;
}

/* G71, G72: views add up in memory and reach page_views on a flush, adding to what is there */
static void
test_count_and_flush(void **state)
{
	db_t *db = dbtest_open();
	int64_t mar = iso("2026-03-31T14:00:00Z"), apr = iso("2026-03-31T15:00:00Z");
	int i;

	(void)state;
	assert_non_null(db);
	stats_reset();
	for (i = 0; i < 3; i++)
		stats_count("/companies/5", mar);
	stats_count("/companies/05", apr);
	stats_count("/static/site.css", mar);
	stats_count("/staff/stats", mar);
	assert_int_equal(stats_pending(), 2);
	assert_int_equal(stats_flush(db), 2);
	assert_int_equal(stats_pending(), 0);
	assert_int_equal(views(db, "2026-03", "/companies/5"), 3);
	assert_int_equal(views(db, "2026-04", "/companies/5"), 1);
	assert_int_equal(views(db, "2026-03", "/static/site.css"), -1);
	stats_count("/companies/5", mar);
	assert_int_equal(stats_flush(db), 1);
	assert_int_equal(views(db, "2026-03", "/companies/5"), 4);
	assert_int_equal(stats_flush(db), 0);
	/* the month by arithmetic agrees with jtime_month_key across years, leap days and JST midnights */
	stats_reset();
	for (int64_t t = iso("2023-12-31T14:59:59Z"), k = 0; t < iso("2029-01-01T00:00:00Z"); t += 86400 * 7 + 3600 * 5 + 17, k++) {
		char want[8], path[32];
		jtime_month_key(t, want);
		snprintf(path, sizeof(path), "/jobs/%lld", (long long)k + 1);
		stats_count(path, t);
		assert_int_equal(stats_flush(db), 1);
		assert_int_equal(views(db, want, path), 1);
	}
	stats_count("/news", iso("2028-02-29T14:59:59Z")); /* 2/29 23:59:59 JST */
	stats_count("/news", iso("2028-02-29T15:00:00Z")); /* 3/1 00:00 JST */
	assert_int_equal(stats_flush(db), 2);
	assert_int_equal(views(db, "2028-02", "/news"), 1);
	assert_int_equal(views(db, "2028-03", "/news"), 1);
	dbtest_close(db);
}

/* the pending table is bounded: further distinct pages are dropped, known ones still count */
static void
test_bound(void **state)
{
	char path[64];
	int64_t now = iso("2026-05-10T12:00:00+09:00");
	int i;

	(void)state;
	stats_reset();
	for (i = 0; i < STATS_MAX_KEYS + 10; i++) {
		snprintf(path, sizeof(path), "/jobs/%d", i + 1);
		stats_count(path, now);
	}
	assert_int_equal(stats_pending(), STATS_MAX_KEYS);
	assert_int_equal(stats_dropped(), 10);
	stats_count("/jobs/1", now);
	assert_int_equal(stats_dropped(), 10);
	stats_reset();
}

static void
add_consultation(db_t *db, int64_t account, int64_t dept, int64_t at)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO consultations (account_id, department_id, subject, created_at, "
	    "updated_at) VALUES (?, ?, '相談', ?, ?)");

	db_bind_i64(st, 1, account);
	if (dept > 0)
		db_bind_i64(st, 2, dept);
	else
		db_bind_null(st, 2);
	db_bind_i64(st, 3, at);
	db_bind_i64(st, 4, at);
	assert_int_equal(db_run(st), DB_DONE);
}

static int64_t
add_account(db_t *db, const char *kind, const char *login, int64_t at)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO accounts (kind, login, login_key, email, password_hash, created_at, "
	    "updated_at, password_changed_at, department_id) VALUES (?, ?, ?, 'a@example.jp', 'x', ?, ?, ?, "
	    "CASE WHEN ? = 'staff' THEN 1 END)");

	db_bind_str(st, 1, kind);
	db_bind_str(st, 2, login);
	db_bind_str(st, 3, login);
	db_bind_i64(st, 4, at);
	db_bind_i64(st, 5, at);
	db_bind_i64(st, 6, at);
	db_bind_str(st, 7, kind);
	assert_int_equal(db_run(st), DB_DONE);
	return db_last_id(db);
}

static int
col_of(const stats_table_t *t, const char *name)
{
	int c;

	for (c = 0; c < t->ncols; c++)
		if (strcmp(t->cols[c], name) == 0)
			return c;
	return -1;
}

/* G70: March 2026 falls in 令和7年度 and April 2026 in 令和8年度; days and months in JST; departments apart */
static void
test_consultation_report(void **state)
{
	db_t *db = dbtest_open();
	arena_t A;
	stats_period_t p;
	stats_table_t by, ch, tp;
	const char *err;
	int64_t acc, shushoku = 2;
	int c_sh, c_un;

	(void)state;
	assert_non_null(db);
	arena_init(&A, 4096, 1 << 24);
	acc = add_account(db, "seeker", "s1", iso("2026-01-01T00:00:00+09:00"));
	add_consultation(db, acc, shushoku, iso("2026-03-10T10:00:00+09:00"));
	add_consultation(db, acc, 0, iso("2026-03-31T14:59:59Z"));       /* 3/31 23:59:59 JST */
	add_consultation(db, acc, shushoku, iso("2026-03-31T15:00:00Z")); /* 4/1 00:00 JST */
	add_consultation(db, acc, shushoku, iso("2026-05-01T00:00:00+09:00")); /* outside */

	assert_true(stats_period_parse("2026-03", "2026-04", STATS_FY, 0, &p, &err));
	assert_true(stats_consultations(db, &A, STATS_FY, &p, &by, &ch, &tp));
	assert_int_equal(by.nrows, 2);
	assert_string_equal(by.keys[0], "2025");
	assert_string_equal(by.labels[0], "令和7年度（2025年度）");
	assert_string_equal(by.labels[1], "令和8年度（2026年度）");
	c_sh = col_of(&by, "就職支援部門");
	c_un = col_of(&by, "未割当");
	assert_true(c_sh > 0);
	assert_int_equal(STATS_CELL(&by, 0, 0), 2);
	assert_int_equal(STATS_CELL(&by, 0, c_sh), 1);
	assert_int_equal(STATS_CELL(&by, 0, c_un), 1);
	assert_int_equal(STATS_CELL(&by, 1, 0), 1);
	assert_int_equal(STATS_CELL(&by, 1, c_sh), 1);
	/* channels and topics: mail consultations are メール / その他 */
	assert_string_equal(ch.keys[2], "メール");
	assert_int_equal(STATS_CELL(&ch, 2, 0), 3);
	assert_int_equal(STATS_CELL(&ch, 0, 0), 0);
	assert_int_equal(tp.nrows, 1);
	assert_string_equal(tp.keys[0], "その他");
	assert_int_equal(STATS_CELL(&tp, 0, 0), 3);

	assert_true(stats_consultations(db, &A, STATS_MONTH, &p, &by, &ch, &tp));
	assert_int_equal(by.nrows, 2);
	assert_string_equal(by.keys[0], "2026-03");
	assert_string_equal(by.labels[1], "2026年4月");
	assert_int_equal(STATS_CELL(&by, 0, 0), 2);
	assert_int_equal(STATS_CELL(&by, 1, 0), 1);

	assert_true(stats_period_parse("2026-03", "2026-04", STATS_DAY, 0, &p, &err));
	assert_true(stats_consultations(db, &A, STATS_DAY, &p, &by, &ch, &tp));
	assert_int_equal(by.nrows, 31 + 30);
	assert_string_equal(by.keys[30], "2026-03-31");
	assert_int_equal(STATS_CELL(&by, 9, 0), 1);   /* 3/10 */
	assert_int_equal(STATS_CELL(&by, 30, 0), 1);  /* 3/31 */
	assert_int_equal(STATS_CELL(&by, 31, 0), 1);  /* 4/1 */

	/* コンサルタント記録 (migration 020) count with their own channel, topic and department, on their JST date */
	{
		db_stmt_t *st = db_prepare(db, "INSERT INTO consultant_records (seeker_id, held_on, channel, department_id, topic, "
		    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, 0)");
		db_bind_i64(st, 1, acc);
		db_bind_str(st, 2, "2026-03-31");
		db_bind_str(st, 3, "visit");
		db_bind_i64(st, 4, shushoku);
		db_bind_str(st, 5, "interview");
		assert_int_equal(db_run(st), DB_DONE);
	}
	assert_true(stats_period_parse("2026-03", "2026-04", STATS_FY, 0, &p, &err));
	assert_true(stats_consultations(db, &A, STATS_FY, &p, &by, &ch, &tp));
	assert_int_equal(STATS_CELL(&by, 0, 0), 3);      /* 令和7年度: two mail, one visit */
	assert_int_equal(STATS_CELL(&by, 0, c_sh), 2);
	assert_string_equal(ch.keys[0], "来所");
	assert_int_equal(STATS_CELL(&ch, 0, 0), 1);
	assert_int_equal(tp.nrows, 2);
	arena_free(&A);
	dbtest_close(db);
}

static int64_t
add_company(db_t *db, const char *title)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO entities (type, status, created_at, updated_at, title) "
	    "VALUES ('company', 'published', 0, 0, ?)");

	db_bind_str(st, 1, title);
	assert_int_equal(db_run(st), DB_DONE);
	return db_last_id(db);
}

/* G71, G72: company views by company and month; pages most viewed first; registrations by month */
static void
test_view_reports(void **state)
{
	db_t *db = dbtest_open();
	arena_t A;
	stats_period_t p;
	stats_table_t t;
	const char *err;
	int64_t a, b, total;
	char path[64];
	int i;

	(void)state;
	assert_non_null(db);
	arena_init(&A, 4096, 1 << 24);
	a = add_company(db, "株式会社あ");
	b = add_company(db, "株式会社<い>");
	stats_reset();
	snprintf(path, sizeof(path), "/companies/%lld", (long long)a);
	stats_count(path, iso("2026-03-05T00:00:00+09:00"));
	snprintf(path, sizeof(path), "/companies/%lld", (long long)b);
	for (i = 0; i < 3; i++)
		stats_count(path, iso("2026-04-05T00:00:00+09:00"));
	stats_count("/jobs", iso("2026-04-05T00:00:00+09:00"));
	assert_int_equal(stats_flush(db), 3);

	assert_true(stats_period_parse("2026-03", "2026-04", STATS_MONTH, 0, &p, &err));
	assert_true(stats_company_views(db, &A, &p, &t));
	assert_int_equal(t.nrows, 2);
	assert_int_equal(t.ncols, 3);
	assert_string_equal(t.labels[0], "株式会社<い>");
	assert_int_equal(STATS_CELL(&t, 0, 1), 3);
	assert_int_equal(STATS_CELL(&t, 0, 2), 3);
	assert_string_equal(t.labels[1], "株式会社あ");
	assert_int_equal(STATS_CELL(&t, 1, 0), 1);

	assert_true(stats_page_views(db, &A, &p, 0, 2, &t, &total));
	assert_int_equal(total, 3);
	assert_int_equal(t.nrows, 2);
	assert_int_equal(STATS_CELL(&t, 0, 0), 3);
	assert_true(stats_page_views(db, &A, &p, 2, 2, &t, &total));
	assert_int_equal(t.nrows, 1);

	assert_true(stats_views_by_month(db, &A, &p, &t));
	assert_int_equal(STATS_CELL(&t, 0, 0), 1);
	assert_int_equal(STATS_CELL(&t, 1, 0), 4);

	add_account(db, "seeker", "s1", iso("2026-03-31T14:59:59Z"));
	add_account(db, "seeker", "s2", iso("2026-03-31T15:00:00Z"));
	add_account(db, "company", "c1", iso("2026-04-02T00:00:00+09:00"));
	add_account(db, "staff", "x1", iso("2026-04-02T00:00:00+09:00"));
	assert_true(stats_activity(db, &A, &p, &t));
	assert_int_equal(t.nrows, 2);
	assert_int_equal(STATS_CELL(&t, 0, 0), 1);
	assert_int_equal(STATS_CELL(&t, 1, 0), 1);
	assert_int_equal(STATS_CELL(&t, 1, 1), 1);
	assert_int_equal(STATS_CELL(&t, 0, 2), 0);
	/* referrals by the month made, placements by the month a referral first reached 就職 (migration 020) */
	{
		int64_t s1 = add_account(db, "seeker", "r1", iso("2026-03-01T00:00:00+09:00"));
		int64_t job = add_company(db, "紹介先");
		db_stmt_t *st = db_prepare(db, "INSERT INTO referrals (seeker_id, entity_id, referred_on, outcome, created_at, "
		    "updated_at) VALUES (?, ?, ?, 'hired', 0, 0)");
		int64_t ref;
		db_bind_i64(st, 1, s1);
		db_bind_i64(st, 2, job);
		db_bind_str(st, 3, "2026-03-31");
		assert_int_equal(db_run(st), DB_DONE);
		ref = db_last_id(db);
		st = db_prepare(db, "INSERT INTO referral_outcomes (referral_id, outcome, at) VALUES (?, ?, ?)");
		db_bind_i64(st, 1, ref);
		db_bind_str(st, 2, "applied");
		db_bind_i64(st, 3, iso("2026-03-31T10:00:00+09:00"));
		assert_int_equal(db_run(st), DB_DONE);
		st = db_prepare(db, "INSERT INTO referral_outcomes (referral_id, outcome, at) VALUES (?, ?, ?)");
		db_bind_i64(st, 1, ref);
		db_bind_str(st, 2, "hired");
		db_bind_i64(st, 3, iso("2026-04-20T10:00:00+09:00"));
		assert_int_equal(db_run(st), DB_DONE);
		assert_true(stats_activity(db, &A, &p, &t));
		assert_string_equal(t.cols[3], "紹介");
		assert_string_equal(t.cols[4], "就職");
		assert_int_equal(STATS_CELL(&t, 0, 3), 1);
		assert_int_equal(STATS_CELL(&t, 1, 3), 0);
		assert_int_equal(STATS_CELL(&t, 0, 4), 0);
		assert_int_equal(STATS_CELL(&t, 1, 4), 1);
	}
	arena_free(&A);
	dbtest_close(db);
}

/* Well-formedness: every tag closed in order, no raw '<' or '&' in text or attributes. */
static void
assert_xml(const char *s)
{
	const char *stack[64];
	size_t nstack[64];
	int depth = 0;
	const char *p = s;

	while (*p) {
		if (*p == '<') {
			const char *e = strchr(p, '>');
			assert_non_null(e);
			if (p[1] == '/') {
				size_t n = strcspn(p + 2, " >");
				assert_true(depth > 0);
				depth--;
				assert_int_equal(n, nstack[depth]);
				assert_memory_equal(p + 2, stack[depth], n);
			} else if (e[-1] != '/') {
				assert_true(depth < 64);
				stack[depth] = p + 1;
				nstack[depth] = strcspn(p + 1, " >");
				depth++;
			}
			for (const char *q = p + 1; q < e; q++)
				assert_true(*q != '<');
			p = e + 1;
			continue;
		}
		if (*p == '&') {
			assert_true(strncmp(p, "&amp;", 5) == 0 || strncmp(p, "&lt;", 4) == 0 || strncmp(p, "&gt;", 4) == 0 ||
			    strncmp(p, "&quot;", 6) == 0 || strncmp(p, "&#39;", 5) == 0 || strncmp(p, "&#x27;", 6) == 0 ||
			    strncmp(p, "&apos;", 6) == 0);
		}
		p++;
	}
	assert_int_equal(depth, 0);
}

/* B03: server-drawn SVG: role=img, title and desc, escaped text, bars and lines, empty data */
static void
test_chart(void **state)
{
	const char *labels[] = { "2026年3月", "<b>&", "2026年5月" };
	int64_t v1[] = { 3, 10, 0 }, v2[] = { 1, 2, 3 };
	chart_t c = { CHART_BAR, "c1", "相談件数 <月別>", "3か月 & 合計13件", labels, 3,
		{ { "合計", v1 } }, 1 };
	buf_t b = BUF_INIT;

	(void)state;
	assert_int_equal(chart_axis_max(0), 4);
	assert_int_equal(chart_axis_max(1), 4);
	assert_int_equal(chart_axis_max(4), 4);
	assert_int_equal(chart_axis_max(7), 8);
	assert_int_equal(chart_axis_max(10), 20);
	assert_int_equal(chart_axis_max(40), 40);
	assert_int_equal(chart_axis_max(130), 200);
	assert_int_equal(chart_axis_max(450), 800);

	assert_true(chart_svg(&b, &c));
	assert_non_null(strstr(b.data, "role=\"img\""));
	assert_non_null(strstr(b.data, "aria-labelledby=\"c1-title c1-desc\""));
	assert_non_null(strstr(b.data, "<title id=\"c1-title\">相談件数 &lt;月別&gt;</title>"));
	assert_non_null(strstr(b.data, "&lt;b&gt;&amp;"));
	assert_null(strstr(b.data, "<b>"));
	assert_non_null(strstr(b.data, "viewBox=\"0 0 480 280\""));
	assert_null(strstr(b.data, "font-face"));
	assert_non_null(strstr(b.data, "<rect x="));
	assert_xml(b.data);

	buf_clear(&b);
	c.kind = CHART_LINE;
	c.series[1].name = "企業\"の\"登録";
	c.series[1].values = v2;
	c.nseries = 2;
	assert_true(chart_svg(&b, &c));
	assert_non_null(strstr(b.data, "<polyline"));
	assert_non_null(strstr(b.data, "企業&quot;の&quot;登録"));
	assert_xml(b.data);

	buf_clear(&b);
	c.npoints = 0;
	assert_true(chart_svg(&b, &c));
	assert_non_null(strstr(b.data, "データがありません"));
	assert_xml(b.data);

	c.id = "bad id\"";
	assert_false(chart_svg(&b, &c));
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fiscal_year),
		cmocka_unit_test(test_month_key),
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_bot_filter),
		cmocka_unit_test(test_path_filter),
		cmocka_unit_test(test_count_and_flush),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_consultation_report),
		cmocka_unit_test(test_view_reports),
		cmocka_unit_test(test_chart),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
