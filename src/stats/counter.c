/* counter.c - cookie-less page-view counting (B03, G71, G72): an in-memory table of month+path counts
 * behind one mutex, written to page_views by a flush thread. No address, cookie or User-Agent is kept. */
#include "stats/stats.h"
#include "core/jtime.h"
#include "core/log.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NSLOTS (STATS_MAX_KEYS * 2)   /* open addressing, at most half full */

typedef struct slot {
	char    month[8];
	char    path[STATS_MAX_PATH + 1];
	int64_t views;
	bool    used;
} slot_t;

static slot_t table[NSLOTS];
static size_t nused;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int64_t dropped;

#define UA_SCAN_MAX 512   /* bytes of a User-Agent looked at (real ones are under 300) */

bool
stats_is_bot(const char *ua, bool count_headless)
{
	/* lower case: matched against the User-Agent folded to lower case once */
	static const char *const tokens[] = {
		"bot", "crawl", "spider", "slurp", "curl/", "wget", "python-", "go-http-client", "java/", "libwww",
		"httpclient", "okhttp", "facebookexternalhit", "preview", "monitor", "lighthouse", "axios/", "node-fetch",
	};
	char low[UA_SCAN_MAX + 1];
	size_t i, k, n;
	bool headless = false;

	if (ua == NULL || ua[0] == '\0')
		return true;
	for (n = 0; ua[n] != '\0' && n < UA_SCAN_MAX; n++)
		low[n] = (char)tolower((unsigned char)ua[n]);
	low[n] = '\0';
	/* one pass: at each position only the tokens starting with that letter are compared (a strstr per
	 * token cost about 2 µs a request) */
	for (i = 0; i < n; i++) {
		char c = low[i];
		if (c < 'a' || c > 'z')
			continue;
		for (k = 0; k < sizeof(tokens) / sizeof(tokens[0]); k++)
			if (tokens[k][0] == c && strncmp(low + i, tokens[k], strlen(tokens[k])) == 0)
				return true;
		if (c == 'h' && strncmp(low + i, "headless", 8) == 0)
			headless = true;
	}
	return !count_headless && headless;
}

static bool
starts_seg(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

bool
stats_path_normalise(const char *path, char *out, size_t n)
{
	static const char *const skip[] = {
		"/static", "/media", "/staff", "/mypage", "/sitemaps", "/sitemap.xml", "/robots.txt", "/healthz",
		"/login", "/logout", "/register", "/password",
	};
	size_t i, k = 0;
	const char *p;

	if (path == NULL || path[0] != '/' || n == 0)
		return false;
	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (starts_seg(path, skip[i]))
			return false;
	for (p = path; *p; ) {
		/* one segment: "/" then up to the next "/" */
		const char *seg = p + 1, *end = seg;
		bool digits = true;
		while (*end != '\0' && *end != '/') {
			if (*end < '0' || *end > '9')
				digits = false;
			end++;
		}
		if (end == seg && *end == '\0' && k > 0)
			break;  /* a trailing slash */
		if (digits && end > seg)
			while (seg + 1 < end && *seg == '0')
				seg++;
		if (k + 1 + (size_t)(end - seg) >= n || k + 1 + (size_t)(end - seg) > STATS_MAX_PATH)
			return false;
		out[k++] = '/';
		memcpy(out + k, seg, (size_t)(end - seg));
		k += (size_t)(end - seg);
		p = end;
	}
	out[k] = '\0';
	for (i = 0; i < k; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			return false;
	return true;
}

/* FNV-1a of month and path */
static uint64_t
hash(const char *month, const char *path)
{
	uint64_t h = 1469598103934665603ull;

	for (; *month; month++)
		h = (h ^ (unsigned char)*month) * 1099511628211ull;
	for (; *path; path++)
		h = (h ^ (unsigned char)*path) * 1099511628211ull;
	return h;
}

/* Adds views to month+path (mu held); false when the table is full. */
static bool
add(const char *month, const char *path, int64_t views)
{
	size_t i = (size_t)(hash(month, path) % NSLOTS);

	for (;;) {
		slot_t *s = &table[i];
		if (!s->used) {
			if (nused >= STATS_MAX_KEYS)
				return false;
			memcpy(s->month, month, sizeof(s->month));
			memcpy(s->path, path, strlen(path) + 1);
			s->views = views;
			s->used = true;
			nused++;
			return true;
		}
		if (strcmp(s->month, month) == 0 && strcmp(s->path, path) == 0) {
			s->views += views;
			return true;
		}
		i = (i + 1) % NSLOTS;
	}
}

/* "YYYY-MM" of the JST month of now by arithmetic (H. Hinnant's civil_from_days): gmtime_r takes glibc's
 * time-zone lock, which every counted request would then queue on. */
static void
month_of(int64_t now, char out[8])
{
	int64_t z = (now + 9 * 3600) / 86400 + 719468, era, doe, yoe, doy, mp, y, m;

	if (now + 9 * 3600 < 0 || now > (int64_t)253402300799) {  /* outside 1970-9999: the slow path */
		jtime_month_key(now, out);
		return;
	}
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '\0';
}

void
stats_count(const char *path, int64_t now)
{
	char norm[STATS_MAX_PATH + 1], month[8];

	if (!stats_path_normalise(path, norm, sizeof(norm)))
		return;
	month_of(now, month);
	pthread_mutex_lock(&mu);
	if (!add(month, norm, 1))
		atomic_fetch_add(&dropped, 1);
	pthread_mutex_unlock(&mu);
}

size_t
stats_pending(void)
{
	size_t n;

	pthread_mutex_lock(&mu);
	n = nused;
	pthread_mutex_unlock(&mu);
	return n;
}

int64_t
stats_dropped(void)
{
	return atomic_load(&dropped);
}

void
stats_reset(void)
{
	pthread_mutex_lock(&mu);
	memset(table, 0, sizeof(table));
	nused = 0;
	pthread_mutex_unlock(&mu);
	atomic_store(&dropped, 0);
}

int64_t
stats_flush(db_t *db)
{
	slot_t *taken = NULL;
	size_t n = 0, i;
	int64_t written = -1;
	db_stmt_t *st;

	/* take the counts out under the lock, write them without it */
	pthread_mutex_lock(&mu);
	if (nused > 0 && (taken = malloc(nused * sizeof(*taken))) != NULL) {
		for (i = 0; i < NSLOTS; i++)
			if (table[i].used)
				taken[n++] = table[i];
		memset(table, 0, sizeof(table));
		nused = 0;
	}
	pthread_mutex_unlock(&mu);
	if (n == 0) {
		free(taken);
		return taken == NULL && stats_pending() > 0 ? -1 : 0;
	}
	if (!db_begin_write(db))
		goto done;
	for (i = 0; i < n; i++) {
		st = db_prepare(db, "INSERT INTO page_views (month, path, views) VALUES (?, ?, ?) "
		    "ON CONFLICT (month, path) DO UPDATE SET views = page_views.views + excluded.views");
		if (st == NULL)
			break;
		db_bind_str(st, 1, taken[i].month);
		db_bind_str(st, 2, taken[i].path);
		db_bind_i64(st, 3, taken[i].views);
		if (db_run(st) != DB_DONE)
			break;
	}
	if (i < n || !db_commit(db)) {
		db_rollback(db);
		goto done;
	}
	written = (int64_t)n;
done:
	if (written < 0) {
		/* keep them for the next round */
		pthread_mutex_lock(&mu);
		for (i = 0; i < n; i++)
			if (!add(taken[i].month, taken[i].path, taken[i].views))
				atomic_fetch_add(&dropped, taken[i].views);
		pthread_mutex_unlock(&mu);
	}
	free(taken);
	return written;
}

/* ---- the flush thread ---- */

static pthread_t thread;
static pthread_mutex_t tmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tcv = PTHREAD_COND_INITIALIZER;
static bool stopping, running;
static int interval_s = STATS_FLUSH_DEFAULT;

static void *
loop(void *arg)
{
	db_t *db = db_open();
	int64_t last_dropped = 0;

	(void)arg;
	if (db == NULL) {
		log_error("stats: no database connection; page views are not recorded");
		return NULL;
	}
	pthread_mutex_lock(&tmu);
	for (;;) {
		struct timespec until;
		bool last = stopping;
		int64_t d;
		if (!last) {
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += interval_s;
			while (!stopping && pthread_cond_timedwait(&tcv, &tmu, &until) != ETIMEDOUT)
				;
			last = stopping;
		}
		pthread_mutex_unlock(&tmu);
		if (stats_flush(db) < 0)
			log_error("stats: page views could not be written; kept for the next round");
		if ((d = stats_dropped()) != last_dropped) {
			log_error("stats: %lld page views dropped (more than %d distinct pages between flushes)",
			    (long long)(d - last_dropped), STATS_MAX_KEYS);
			last_dropped = d;
		}
		pthread_mutex_lock(&tmu);
		if (last)
			break;
	}
	pthread_mutex_unlock(&tmu);
	db_close(db);
	return NULL;
}

bool
stats_start(int flush_s)
{
	interval_s = flush_s > 0 ? flush_s : STATS_FLUSH_DEFAULT;
	stopping = false;
	if (pthread_create(&thread, NULL, loop, NULL) != 0)
		return false;
	running = true;
	return true;
}

void
stats_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&tmu);
	stopping = true;
	pthread_cond_signal(&tcv);
	pthread_mutex_unlock(&tmu);
	pthread_join(thread, NULL);
	running = false;
}
