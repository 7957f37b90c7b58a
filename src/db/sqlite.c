/* sqlite.c - the SQLite backend of db.h: WAL, synchronous=FULL, foreign keys, busy timeout, statement cache. */
#include "db/db.h"
#include "core/log.h"
#include "core/str.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STMT_CACHE 128
#define BUSY_TIMEOUT_MS 5000

struct db_stmt {
	sqlite3_stmt *st;
	const char   *sql; /* interned copy, for the cache lookup */
	size_t        sql_len;
	uint64_t      hash;
};

struct db {
	sqlite3  *conn;
	db_stmt_t cache[STMT_CACHE];
	int       ncache;
};

static char db_path[4096];
static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;

extern void db_tokenizers_register(sqlite3 *conn) __attribute__((weak));

bool
db_configure(const char *data_dir)
{
	int n = snprintf(db_path, sizeof(db_path), "%s/tsunagu.db", data_dir);

	return n > 0 && (size_t)n < sizeof(db_path);
}

db_t *
db_open(void)
{
	db_t *db;
	int   rc;

	if (db_path[0] == '\0') {
		log_error("db: not configured");
		return NULL;
	}
	db = calloc(1, sizeof(*db));
	if (db == NULL)
		return NULL;
	rc = sqlite3_open_v2(db_path, &db->conn,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_error("db: cannot open %s: %s", db_path, db->conn ? sqlite3_errmsg(db->conn) : "out of memory");
		sqlite3_close(db->conn);
		free(db);
		return NULL;
	}
	sqlite3_busy_timeout(db->conn, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(db->conn, 1);
	/* trusted_schema=OFF: functions in triggers, views and defaults must be innocuous ones (SQLite's
	 * recommendation for applications; our triggers only insert rows). */
	if (db_exec(db, "PRAGMA trusted_schema=OFF") != DB_DONE ||
	    db_exec(db, "PRAGMA journal_mode=WAL") != DB_DONE ||
	    db_exec(db, "PRAGMA synchronous=FULL") != DB_DONE ||
	    db_exec(db, "PRAGMA foreign_keys=ON") != DB_DONE ||
	    /* deleted or overwritten content (a value before sealing, an erased seeker) is zeroed (SEC06, SEC09) */
	    db_exec(db, "PRAGMA secure_delete=ON") != DB_DONE) {
		db_close(db);
		return NULL;
	}
	if (db_tokenizers_register != NULL)
		db_tokenizers_register(db->conn);
	return db;
}

void
db_close(db_t *db)
{
	int i;

	if (db == NULL)
		return;
	for (i = 0; i < db->ncache; i++) {
		sqlite3_finalize(db->cache[i].st);
		free((void *)db->cache[i].sql);
	}
	sqlite3_close(db->conn);
	free(db);
}

static void
thread_close(void *p)
{
	db_close(p);
}

static void
thread_key_make(void)
{
	pthread_key_create(&thread_key, thread_close);
}

db_t *
db_thread(void)
{
	db_t *db;

	pthread_once(&thread_once, thread_key_make);
	db = pthread_getspecific(thread_key);
	if (db == NULL) {
		db = db_open();
		if (db != NULL)
			pthread_setspecific(thread_key, db);
	}
	return db;
}

int
db_exec(db_t *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db->conn, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_error("db: %s", err ? err : sqlite3_errmsg(db->conn));
		sqlite3_free(err);
		return DB_ERR;
	}
	return DB_DONE;
}

db_stmt_t *
db_prepare(db_t *db, const char *sql)
{
	size_t       n = strlen(sql);
	uint64_t     h = str_hash64(sql, n);
	sqlite3_stmt *st;
	db_stmt_t    *slot;
	int          i;

	for (i = 0; i < db->ncache; i++) {
		slot = &db->cache[i];
		if (slot->hash == h && slot->sql_len == n && memcmp(slot->sql, sql, n) == 0) {
			sqlite3_reset(slot->st);
			sqlite3_clear_bindings(slot->st);
			return slot;
		}
	}
	if (sqlite3_prepare_v3(db->conn, sql, (int)n, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		log_error("db: prepare failed: %s", sqlite3_errmsg(db->conn));
		return NULL;
	}
	if (db->ncache == STMT_CACHE) {
		/* full: drop the oldest entry */
		sqlite3_finalize(db->cache[0].st);
		free((void *)db->cache[0].sql);
		memmove(&db->cache[0], &db->cache[1], sizeof(db->cache[0]) * (STMT_CACHE - 1));
		db->ncache--;
	}
	slot = &db->cache[db->ncache];
	slot->sql = strdup(sql);
	if (slot->sql == NULL) {
		sqlite3_finalize(st);
		return NULL;
	}
	slot->st = st;
	slot->sql_len = n;
	slot->hash = h;
	db->ncache++;
	return slot;
}

void
db_bind_text(db_stmt_t *st, int i, const char *s, size_t n)
{
	sqlite3_bind_text(st->st, i, s, (int)n, SQLITE_TRANSIENT);
}

void
db_bind_str(db_stmt_t *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st->st, i);
	else
		sqlite3_bind_text(st->st, i, s, -1, SQLITE_TRANSIENT);
}

void
db_bind_i64(db_stmt_t *st, int i, int64_t v)
{
	sqlite3_bind_int64(st->st, i, v);
}

void
db_bind_blob(db_stmt_t *st, int i, const void *p, size_t n)
{
	sqlite3_bind_blob(st->st, i, p, (int)n, SQLITE_TRANSIENT);
}

void
db_bind_null(db_stmt_t *st, int i)
{
	sqlite3_bind_null(st->st, i);
}

int
db_step(db_stmt_t *st)
{
	int rc = sqlite3_step(st->st);

	switch (rc & 0xff) {
	case SQLITE_ROW:
		return DB_ROW;
	case SQLITE_DONE:
		return DB_DONE;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		log_error("db: busy: %s", sqlite3_errmsg(sqlite3_db_handle(st->st)));
		return DB_BUSY;
	case SQLITE_CONSTRAINT:
		return DB_CONSTRAINT;
	default:
		log_error("db: step failed: %s", sqlite3_errmsg(sqlite3_db_handle(st->st)));
		return DB_ERR;
	}
}

void
db_done(db_stmt_t *st)
{
	sqlite3_reset(st->st);
}

int
db_run(db_stmt_t *st)
{
	int rc = db_step(st);

	db_done(st);
	return rc == DB_ROW ? DB_DONE : rc;
}

const char *
db_col_text(db_stmt_t *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st->st, i);

	return t ? (const char *)t : "";
}

size_t
db_col_len(db_stmt_t *st, int i)
{
	return (size_t)sqlite3_column_bytes(st->st, i);
}

int64_t
db_col_i64(db_stmt_t *st, int i)
{
	return sqlite3_column_int64(st->st, i);
}

const void *
db_col_blob(db_stmt_t *st, int i)
{
	return sqlite3_column_blob(st->st, i);
}

bool
db_col_null(db_stmt_t *st, int i)
{
	return sqlite3_column_type(st->st, i) == SQLITE_NULL;
}

bool
db_begin(db_t *db)
{
	return db_exec(db, "BEGIN") == DB_DONE;
}

bool
db_in_transaction(db_t *db)
{
	return !sqlite3_get_autocommit(db->conn);
}

bool
db_begin_write(db_t *db)
{
	return db_exec(db, "BEGIN IMMEDIATE") == DB_DONE;
}

bool
db_commit(db_t *db)
{
	return db_exec(db, "COMMIT") == DB_DONE;
}

void
db_rollback(db_t *db)
{
	if (!sqlite3_get_autocommit(db->conn))
		db_exec(db, "ROLLBACK");
}

int64_t
db_last_id(db_t *db)
{
	return sqlite3_last_insert_rowid(db->conn);
}

int64_t
db_changes(db_t *db)
{
	return sqlite3_changes64(db->conn);
}

const char *
db_errmsg(db_t *db)
{
	return sqlite3_errmsg(db->conn);
}
