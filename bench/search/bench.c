/*
 * bench.c - the search benchmark (issue 3 item 7).
 *
 *   search-bench [--root DIR] [--data DIR] [--reps N] [--build-only] FILE.jsonl
 *   search-bench [--root DIR] --data DIR [--reps N] --queries-only
 *
 * The build: a fresh database made the way `tsunagu migrate` makes it (migrations, then the site's
 * vocabularies), then FILE (job offers from bench/search/gen.c) imported in one import_entities call,
 * the way `tsunagu import` does, then the in-memory index built from the database the way a server
 * builds it at start-up (search_warm). The build time is the sum of the two (build_s=; import_s= and
 * index_s= apart). The database size is taken after a WAL checkpoint; index_mb= is the memory the
 * index holds. With --queries-only the index is built from the existing database (index_s=).
 *
 * The queries: a fixed set in classes, each run through search_run exactly as a public list page
 * runs it (facets on, 20 per page, relevance, public visibility, now), one warm-up run and then up to
 * --reps timed runs (BENCH_REPS, default 50). A query stops early once it has spent its budget
 * (BENCH_QUERY_BUDGET_S, default 5 s) after BENCH_MIN_REPS (3) runs; a query whose warm-up alone
 * exceeds the budget is timed once, so a pathological query cannot stall the benchmark for hours.
 * Each query is also timed without facet counts (ids page + total) to show what the counts cost,
 * unless it was too slow to repeat.
 * The last lines are key=value figures for scripts.
 *
 * --data DIR keeps the database (it must not hold one yet, except with --queries-only, which reuses it
 * and skips the build: the quick loop while working on search.c). Without --data a directory is made
 * under $TMPDIR (or /tmp) and removed at the end.
 */
#include "content/import.h"
#include "content/schema.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/jtime.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"
#include "search/search.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define DEFAULT_REPS 50
#define DEFAULT_MIN_REPS 3
#define DEFAULT_BUDGET_S 5
#define MAX_REPS 10000
#define NOFACET_REPS 10
#define SITE "gunma"
#define TYPE "job"

typedef struct facet_arg {
	const char *vocab, *code;
} facet_arg_t;

typedef struct bench_query {
	const char *cls;
	const char *q;          /* NULL: no keyword */
	facet_arg_t f[2];
} bench_query_t;

/* The fixed query set. Facet codes are the site's (sites/gunma/schema.json, data/master/). */
static const bench_query_t queries[] = {
	{ "one_char", "看", { { 0 } } },
	{ "one_char", "営", { { 0 } } },
	{ "one_char", "事", { { 0 } } },
	{ "one_char", "前", { { 0 } } },
	{ "one_char", "介", { { 0 } } },
	{ "one_char", "製", { { 0 } } },
	{ "one_char", "保", { { 0 } } },

	{ "two_char", "営業", { { 0 } } },
	{ "two_char", "看護", { { 0 } } },
	{ "two_char", "事務", { { 0 } } },
	{ "two_char", "介護", { { 0 } } },
	{ "two_char", "前橋", { { 0 } } },
	{ "two_char", "製造", { { 0 } } },
	{ "two_char", "保育", { { 0 } } },
	{ "two_char", "高崎", { { 0 } } },

	{ "three_plus", "看護師", { { 0 } } },
	{ "three_plus", "エンジニア", { { 0 } } },
	{ "three_plus", "施工管理", { { 0 } } },
	{ "three_plus", "ルート営業", { { 0 } } },
	{ "three_plus", "介護職員", { { 0 } } },
	{ "three_plus", "品質管理", { { 0 } } },
	{ "three_plus", "一般事務", { { 0 } } },
	{ "three_plus", "薬剤師", { { 0 } } },

	{ "latin", "IT", { { 0 } } },
	{ "latin", "SE", { { 0 } } },
	{ "latin", "ＳＥ", { { 0 } } },
	{ "latin", "Java", { { 0 } } },
	{ "latin", "ITエンジニア", { { 0 } } },
	{ "latin", "ｴﾝｼﾞﾆｱ", { { 0 } } },
	{ "latin", "AWS", { { 0 } } },
	{ "latin", "CAD", { { 0 } } },

	{ "multi", "営業 前橋", { { 0 } } },
	{ "multi", "看護師 夜勤なし", { { 0 } } },
	{ "multi", "事務 OR 経理", { { 0 } } },
	{ "multi", "介護 -派遣", { { 0 } } },
	{ "multi", "\"法人営業\" 未経験", { { 0 } } },

	{ "facet2", "営業", { { "area", "chumo" }, { "employment", "seishain" } } },
	{ "facet2", "看護師", { { "municipality", "10201" }, { "employment", "part" } } },
	{ "facet2", "事務", { { "area", "tomo" }, { "target", "chuto" } } },
	{ "facet2", "エンジニア", { { "industry", "G" }, { "employment", "seishain" } } },
	{ "facet2", "介護", { { "area", "seimo" }, { "occupation", "08" } } },
	{ "facet2", "IT", { { "area", "chumo" }, { "target", "shinsotsu" } } },

	{ "facet_only", NULL, { { "area", "chumo" }, { "employment", "seishain" } } },
	{ "facet_only", NULL, { { "occupation", "04" }, { "municipality", "10202" } } },
	{ "facet_only", NULL, { { "industry", "E" }, { "target", "shinsotsu" } } },
	{ "facet_only", NULL, { { "area", "hokumo" }, { "employment", "part" } } },
	{ "facet_only", NULL, { { "occupation", "07" }, { "area", "tomo" } } },
};

static const char *const classes[] = { "one_char", "two_char", "three_plus", "latin", "multi", "facet2", "facet_only" };

typedef struct settings {
	long reps, min_reps, budget_s;
} settings_t;

typedef struct query_stats {
	double *ms;        /* timed runs, sorted */
	size_t  n;
	double  nofacet_p50;
	int64_t total;
} query_stats_t;

typedef struct build_stats {
	int64_t rows;
	double  import_s, index_s, ckpt_s;
	int64_t db_bytes, published;
	search_stats_t index;
} build_stats_t;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n). */
static double
percentile(const double *v, size_t n, double pct)
{
	size_t rank;

	if (n == 0)
		return 0;
	rank = (size_t)(pct / 100.0 * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	return v[(rank > n ? n : rank) - 1];
}

static int64_t
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

/* One integer from a statement without parameters; -1 when it cannot be prepared or has no row. */
static int64_t
query_i64(db_t *db, const char *sql)
{
	db_stmt_t *st = db_prepare(db, sql);
	int64_t v = -1;

	if (st == NULL)
		return -1;
	if (db_step(st) == DB_ROW && !db_col_null(st, 0))
		v = db_col_i64(st, 0);
	db_done(st);
	return v;
}

static bool
env_long(const char *name, long lo, long hi, long *out)
{
	const char *v = getenv(name);
	int64_t x;

	if (v == NULL || *v == '\0')
		return true;
	if (!str_to_i64(v, lo, hi, &x)) {
		fprintf(stderr, "search-bench: %s must be a number from %ld to %ld\n", name, lo, hi);
		return false;
	}
	*out = (long)x;
	return true;
}

/* Spaces that pad s to width columns; a multi-byte character is taken as two columns wide. */
static int
pad(const char *s, int width)
{
	size_t bytes = strlen(s), chars = str_utf8_len(s, bytes);
	int w = (int)(chars + (bytes - chars) / 2);

	return w < width ? width - w : 0;
}

static void
describe(const bench_query_t *bq, char *out, size_t n)
{
	int w = snprintf(out, n, "%s", bq->q ? bq->q : "(none)");
	int i;

	for (i = 0; i < 2 && w > 0 && (size_t)w < n; i++)
		if (bq->f[i].vocab != NULL)
			w += snprintf(out + w, n - (size_t)w, " +%s=%s", bq->f[i].vocab, bq->f[i].code);
}

/* ---- the build ---- */

static bool
build(db_t *db, const char *root, const char *file, const char *db_path, build_stats_t *bs)
{
	char err[1024] = "";
	schema_t *s = NULL;
	import_report_t rep;
	struct stat st;
	const char *data = MAP_FAILED;
	size_t len = 0;
	int fd, applied;
	double t0;
	bool ok = false;

	memset(&rep, 0, sizeof(rep));
	if (!db_migrate(db, &applied)) {
		fprintf(stderr, "search-bench: migration failed\n");
		return false;
	}
	if ((s = schema_load(root, SITE, err, sizeof(err))) == NULL || !schema_sync_terms(s, db, root, err, sizeof(err))) {
		fprintf(stderr, "search-bench: site %s: %s\n", SITE, err);
		goto done;
	}
	/* mapped, not read into a buf_t: 100,000 offers are more than BUF_MAX */
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0 ||
	    (data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0)) == MAP_FAILED) {
		fprintf(stderr, "search-bench: cannot read %s: %s\n", file, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto done;
	}
	close(fd);
	len = (size_t)st.st_size;
	printf("input: %s, %.1f MB\n", file, (double)len / 1e6);
	fflush(stdout);

	t0 = now_s();
	if (!import_entities(db, s, TYPE, IMPORT_JSONL, data, len, false, jtime_now(), &rep)) {
		fprintf(stderr, "search-bench: import failed (%lld rows read, %lld bad)\n%s", (long long)rep.rows,
		    (long long)rep.bad, rep.errors.data ? rep.errors.data : "");
		goto done;
	}
	bs->import_s = now_s() - t0;
	bs->rows = rep.written;
	t0 = now_s();
	if (db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)") != DB_DONE) {
		fprintf(stderr, "search-bench: checkpoint failed\n");
		goto done;
	}
	bs->ckpt_s = now_s() - t0;
	bs->db_bytes = file_size(db_path);
	ok = true;
done:
	if (data != MAP_FAILED)
		munmap((void *)data, len);
	buf_free(&rep.errors);
	schema_free(s);
	return ok;
}

static void
sizes(db_t *db, const char *db_path, build_stats_t *bs)
{
	bs->db_bytes = file_size(db_path);
	bs->published = query_i64(db, "SELECT COUNT(*) FROM entities WHERE status = 'published'");
	if (bs->rows == 0)
		bs->rows = query_i64(db, "SELECT COUNT(*) FROM entities");
}

/* ---- the queries ---- */

static void
fill_params(search_params_t *p, const bench_query_t *bq, int64_t now, bool facets)
{
	int i;

	memset(p, 0, sizeof(*p));
	p->type = TYPE;
	p->q = bq->q;
	for (i = 0; i < 2; i++) {
		if (bq->f[i].vocab == NULL)
			continue;
		p->filters[p->nfilters].vocab = bq->f[i].vocab;
		p->filters[p->nfilters].codes[0] = bq->f[i].code;
		p->filters[p->nfilters].ncodes = 1;
		p->nfilters++;
	}
	p->sort = SORT_RELEVANCE;
	p->page = 1;
	p->per_page = 20;
	p->staff = false;
	p->facets = facets;
	p->now = now;
}

/* One search_run, timed in milliseconds; negative on failure. */
static double
timed_run(db_t *db, arena_t *a, const search_params_t *p, search_result_t *res)
{
	double t0;

	arena_reset(a);
	t0 = now_s();
	if (!search_run(db, a, p, res))
		return -1;
	return (now_s() - t0) * 1000;
}

static bool
run_query(db_t *db, arena_t *a, const bench_query_t *bq, const settings_t *cfg, query_stats_t *qs)
{
	search_params_t p;
	search_result_t res;
	double warm, spent = 0, t, nf[NOFACET_REPS];
	int64_t now = jtime_now();
	size_t n = 0, k;

	qs->ms = calloc((size_t)cfg->reps, sizeof(double));
	if (qs->ms == NULL)
		return false;
	fill_params(&p, bq, now, true);
	if ((warm = timed_run(db, a, &p, &res)) < 0)
		return false;
	qs->total = res.total;
	if (warm > (double)cfg->budget_s * 1000) {
		qs->ms[n++] = warm; /* too slow to repeat: the one run is the figure */
	} else {
		while (n < (size_t)cfg->reps && (n < (size_t)cfg->min_reps || spent < (double)cfg->budget_s * 1000)) {
			if ((t = timed_run(db, a, &p, &res)) < 0)
				return false;
			qs->ms[n++] = t;
			spent += t;
		}
	}
	qs->n = n;
	qsort(qs->ms, n, sizeof(double), cmp_double);

	/* the same without facet counts: ids page and total only (not for a query too slow to repeat) */
	fill_params(&p, bq, now, false);
	qs->nofacet_p50 = -1;
	if (warm > (double)cfg->budget_s * 1000)
		return true;
	for (k = 0; k < NOFACET_REPS && k < n; k++)
		if ((nf[k] = timed_run(db, a, &p, &res)) < 0)
			return false;
	qsort(nf, k, sizeof(double), cmp_double);
	qs->nofacet_p50 = percentile(nf, k, 50);
	return true;
}

static bool
run_queries(db_t *db, const settings_t *cfg, double *p50, double *p99)
{
	query_stats_t qs[NELEM(queries)];
	arena_t a;
	size_t k, c, i;
	bool ok = false;

	memset(qs, 0, sizeof(qs));
	arena_init(&a, 65536, 0);
	printf("%-11s %-44s %8s %5s %9s %9s %11s\n", "class", "query", "total", "runs", "p50_ms", "p99_ms",
	    "nofacet_p50");
	for (k = 0; k < NELEM(queries); k++) {
		char desc[200];
		if (!run_query(db, &a, &queries[k], cfg, &qs[k])) {
			fprintf(stderr, "search-bench: search failed for %s\n", queries[k].q ? queries[k].q : "(facets only)");
			goto done;
		}
		describe(&queries[k], desc, sizeof(desc));
		printf("%-11s %s%*s %8lld %5zu %9.2f %9.2f ", queries[k].cls, desc, pad(desc, 44), "",
		    (long long)qs[k].total, qs[k].n, percentile(qs[k].ms, qs[k].n, 50), percentile(qs[k].ms, qs[k].n, 99));
		if (qs[k].nofacet_p50 >= 0)
			printf("%11.2f\n", qs[k].nofacet_p50);
		else
			printf("%11s\n", "-");
		fflush(stdout);
	}

	printf("\n%-11s %7s %6s %9s %9s %9s %11s\n", "class", "queries", "runs", "p50_ms", "p99_ms", "mean_ms",
	    "mean_total");
	for (c = 0; c < NELEM(classes); c++) {
		size_t n = 0, nqc = 0;
		double sum = 0, *all;
		int64_t totals = 0;
		for (k = 0; k < NELEM(queries); k++)
			if (strcmp(queries[k].cls, classes[c]) == 0)
				n += qs[k].n;
		if ((all = malloc((n ? n : 1) * sizeof(double))) == NULL)
			goto done;
		n = 0;
		for (k = 0; k < NELEM(queries); k++) {
			if (strcmp(queries[k].cls, classes[c]) != 0)
				continue;
			memcpy(all + n, qs[k].ms, qs[k].n * sizeof(double));
			n += qs[k].n;
			totals += qs[k].total;
			nqc++;
		}
		for (i = 0; i < n; i++)
			sum += all[i];
		qsort(all, n, sizeof(double), cmp_double);
		p50[c] = percentile(all, n, 50);
		p99[c] = percentile(all, n, 99);
		printf("%-11s %7zu %6zu %9.2f %9.2f %9.2f %11.0f\n", classes[c], nqc, n, p50[c], p99[c],
		    n ? sum / (double)n : 0.0, nqc ? (double)totals / (double)nqc : 0.0);
		free(all);
	}
	ok = true;
done:
	for (k = 0; k < NELEM(queries); k++)
		free(qs[k].ms);
	arena_free(&a);
	return ok;
}

/* ---- main ---- */

/* Removes what SQLite leaves in a data directory we made, then the directory. */
static void
remove_data(const char *dir)
{
	static const char *const files[] = { "tsunagu.db", "tsunagu.db-wal", "tsunagu.db-shm" };
	char path[4200];
	size_t i;

	for (i = 0; i < NELEM(files); i++) {
		int n = snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (n > 0 && (size_t)n < sizeof(path))
			unlink(path);
	}
	if (rmdir(dir) != 0)
		fprintf(stderr, "search-bench: could not remove %s: %s\n", dir, strerror(errno));
}

static int
usage(void)
{
	fputs("usage: search-bench [--root DIR] [--data DIR] [--reps N] [--build-only] FILE.jsonl\n"
	      "       search-bench [--root DIR] --data DIR [--reps N] --queries-only\n", stderr);
	return 2;
}

int
main(int argc, char **argv)
{
	const char *root = ".", *data_arg = NULL, *file = NULL, *tmp;
	char data_dir[4096], db_path[4200];
	settings_t cfg = { DEFAULT_REPS, DEFAULT_MIN_REPS, DEFAULT_BUDGET_S };
	bool build_only = false, queries_only = false, made_dir = false;
	build_stats_t bs;
	double p50[NELEM(classes)], p99[NELEM(classes)];
	db_t *db = NULL;
	int i, rc = 1;
	size_t c;

	memset(&bs, 0, sizeof(bs));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
			root = argv[++i];
		else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
			data_arg = argv[++i];
		else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
			int64_t x;
			if (!str_to_i64(argv[++i], 1, MAX_REPS, &x))
				return usage();
			cfg.reps = (long)x;
		} else if (strcmp(argv[i], "--build-only") == 0)
			build_only = true;
		else if (strcmp(argv[i], "--queries-only") == 0)
			queries_only = true;
		else if (argv[i][0] != '-' && file == NULL)
			file = argv[i];
		else
			return usage();
	}
	if ((queries_only && (file != NULL || data_arg == NULL || build_only)) || (!queries_only && file == NULL))
		return usage();
	if (!env_long("BENCH_REPS", 1, MAX_REPS, &cfg.reps) || !env_long("BENCH_MIN_REPS", 1, MAX_REPS, &cfg.min_reps) ||
	    !env_long("BENCH_QUERY_BUDGET_S", 1, 3600, &cfg.budget_s))
		return 2;
	if (cfg.min_reps > cfg.reps)
		cfg.min_reps = cfg.reps;
	log_set_quiet(true);

	if (data_arg != NULL) {
		if (mkdir(data_arg, 0700) != 0 && errno != EEXIST) {
			fprintf(stderr, "search-bench: cannot create %s: %s\n", data_arg, strerror(errno));
			return 1;
		}
		if (!str_copy(data_dir, sizeof(data_dir), data_arg)) {
			fprintf(stderr, "search-bench: --data path too long\n");
			return 1;
		}
	} else {
		tmp = getenv("TMPDIR");
		i = snprintf(data_dir, sizeof(data_dir), "%s/search-bench.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (i < 0 || (size_t)i >= sizeof(data_dir) || mkdtemp(data_dir) == NULL) {
			fprintf(stderr, "search-bench: cannot create a temporary directory: %s\n", strerror(errno));
			return 1;
		}
		made_dir = true;
	}
	snprintf(db_path, sizeof(db_path), "%s/tsunagu.db", data_dir);
	if (queries_only != (file_size(db_path) > 0)) {
		fprintf(stderr, queries_only ? "search-bench: no database in %s to query\n" :
		    "search-bench: %s already holds a database; give an empty directory\n", data_dir);
		goto done;
	}
	if (!db_configure(data_dir) || (db = db_open()) == NULL) {
		fprintf(stderr, "search-bench: cannot open a database in %s\n", data_dir);
		goto done;
	}
	printf("search-bench: data in %s, %ld CPU(s)\n", data_dir, sysconf(_SC_NPROCESSORS_ONLN));
	if (!queries_only && !build(db, root, file, db_path, &bs))
		goto done;
	sizes(db, db_path, &bs);
	{
		double t0 = now_s();
		if (!search_warm(db, TYPE)) {
			fprintf(stderr, "search-bench: cannot build the index\n");
			goto done;
		}
		bs.index_s = now_s() - t0;
		search_stats(TYPE, &bs.index);
	}
	if (!queries_only)
		printf("build: %lld rows imported in %.2f s (%.0f rows/s), checkpoint %.2f s\n", (long long)bs.rows,
		    bs.import_s, (double)bs.rows / bs.import_s, bs.ckpt_s);
	printf("index: %u documents, %u distinct tokens, %.1f MB in memory, built in %.2f s\n", bs.index.docs,
	    bs.index.tokens, (double)bs.index.bytes / 1048576.0, bs.index_s);
	printf("size: database %.1f MB, %lld rows (%lld published)\n\n", (double)bs.db_bytes / 1048576.0,
	    (long long)bs.rows, (long long)bs.published);
	fflush(stdout);

	if (!build_only && !run_queries(db, &cfg, p50, p99))
		goto done;

	printf("\n");
	if (!queries_only) {
		printf("build_s=%.2f\n", bs.import_s + bs.index_s);
		printf("import_s=%.2f\n", bs.import_s);
	}
	printf("index_s=%.2f\n", bs.index_s);
	printf("rows=%lld\n", (long long)bs.rows);
	printf("index_mb=%.1f\n", (double)bs.index.bytes / 1048576.0);
	printf("db_mb=%.1f\n", (double)bs.db_bytes / 1048576.0);
	if (!build_only) {
		for (c = 0; c < NELEM(classes); c++)
			printf("p50_ms_%s=%.2f\n", classes[c], p50[c]);
		for (c = 0; c < NELEM(classes); c++)
			printf("p99_ms_%s=%.2f\n", classes[c], p99[c]);
	}
	rc = 0;
done:
	search_reset();
	db_close(db);
	if (made_dir)
		remove_data(data_dir);
	return rc;
}
