/*
 * ipacl_store.c - the IP rules in the database (table ip_rules, migration 013) and the per-process cache
 * the request path reads (G54).
 *
 * Requests only take a read lock and match; at most once a second one request (whichever gets the
 * refresh mutex) reads MAX(version), and only when it changed are the three lists read and parsed, then
 * swapped in under the write lock. So several app nodes sharing a database see a change within about a
 * second, and a request never parses rules. If the database cannot be read the lists in memory stay.
 */
#include "http/ipacl.h"
#include "core/log.h"
#include "db/db.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static pthread_rwlock_t cache_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t refresh_lock = PTHREAD_MUTEX_INITIALIZER;
static ipacl_list_t cached[IPACL_NAREAS];
static bool broken[IPACL_NAREAS];       /* the stored list no longer parses: refuse everyone */
static int64_t cached_version = -1;
static atomic_llong last_check = -1;

bool
ipacl_store_get(db_t *db, ipacl_area_t a, buf_t *out)
{
	db_stmt_t *st = db_prepare(db, "SELECT rules FROM ip_rules WHERE area = ?");
	int rc;

	if (st == NULL)
		return false;
	db_bind_str(st, 1, ipacl_area_name(a));
	rc = db_step(st);
	if (rc == DB_ROW)
		buf_append(out, db_col_text(st, 0), db_col_len(st, 0));
	db_done(st);
	return (rc == DB_ROW || rc == DB_DONE) && !out->oom;
}

bool
ipacl_store_set(db_t *db, ipacl_area_t a, const char *text, const char *by, int64_t now)
{
	bool own = !db_in_transaction(db);
	db_stmt_t *st;

	if (own && !db_begin_write(db))
		return false;
	/* the row exists from the migration; the INSERT covers a table emptied by hand */
	st = db_prepare(db, "INSERT INTO ip_rules (area, rules, version, updated_at, updated_by) "
	    "VALUES (?, ?, (SELECT COALESCE(MAX(version), 0) + 1 FROM ip_rules), ?, ?) "
	    "ON CONFLICT (area) DO UPDATE SET rules = excluded.rules, version = excluded.version, "
	    "updated_at = excluded.updated_at, updated_by = excluded.updated_by");
	if (st == NULL)
		goto fail;
	db_bind_str(st, 1, ipacl_area_name(a));
	db_bind_str(st, 2, text);
	db_bind_i64(st, 3, now);
	db_bind_str(st, 4, by ? by : "");
	if (db_run(st) != DB_DONE)
		goto fail;
	if (own && !db_commit(db))
		goto fail;
	ipacl_cache_invalidate();
	return true;
fail:
	log_error("ip rules: cannot save the %s list: %s", ipacl_area_name(a), db_errmsg(db));
	if (own)
		db_rollback(db);
	return false;
}

static int64_t
read_version(db_t *db)
{
	db_stmt_t *st = db_prepare(db, "SELECT COALESCE(MAX(version), 0) FROM ip_rules");
	int64_t v = -1;

	if (st == NULL)
		return -1;
	if (db_step(st) == DB_ROW)
		v = db_col_i64(st, 0);
	db_done(st);
	return v;
}

/* Reads and parses the three lists and swaps them in; called with refresh_lock held. */
static bool
reload(db_t *db, int64_t version)
{
	static ipacl_list_t fresh[IPACL_NAREAS];   /* guarded by refresh_lock */
	bool bad[IPACL_NAREAS];
	int i;

	for (i = 0; i < IPACL_NAREAS; i++) {
		buf_t b = BUF_INIT;
		if (!ipacl_store_get(db, (ipacl_area_t)i, &b)) {
			buf_free(&b);
			return false;
		}
		bad[i] = !ipacl_parse(b.data ? b.data : "", b.len, &fresh[i], NULL);
		if (bad[i])
			log_error("ip rules: the stored %s list does not parse; the area is closed to every address "
			    "until it is fixed (tsunagu ip-rules set)", ipacl_area_name((ipacl_area_t)i));
		buf_free(&b);
	}
	pthread_rwlock_wrlock(&cache_lock);
	memcpy(cached, fresh, sizeof(cached));
	memcpy(broken, bad, sizeof(broken));
	cached_version = version;
	pthread_rwlock_unlock(&cache_lock);
	return true;
}

bool
ipacl_cache_load(db_t *db)
{
	int64_t v;
	bool ok;

	pthread_mutex_lock(&refresh_lock);
	v = read_version(db);
	ok = v >= 0 && reload(db, v);
	pthread_mutex_unlock(&refresh_lock);
	return ok;
}

static void
maybe_refresh(db_t *db, int64_t now_s)
{
	int64_t v;

	if (db == NULL || atomic_load(&last_check) == now_s || pthread_mutex_trylock(&refresh_lock) != 0)
		return;
	atomic_store(&last_check, now_s);
	v = read_version(db);
	if (v >= 0 && v != cached_version && !reload(db, v))
		log_error("ip rules: cannot read the lists; keeping the ones in memory");
	pthread_mutex_unlock(&refresh_lock);
}

bool
ipacl_cache_allows(db_t *db, ipacl_area_t area, const char *ip, int64_t now_s)
{
	bool ok;

	if ((unsigned)area >= IPACL_NAREAS)
		area = IPACL_PUBLIC;
	maybe_refresh(db, now_s);
	pthread_rwlock_rdlock(&cache_lock);
	ok = !broken[area] && ipacl_allows(&cached[area], ip);
	pthread_rwlock_unlock(&cache_lock);
	return ok;
}

void
ipacl_cache_invalidate(void)
{
	atomic_store(&last_check, -1);
}
