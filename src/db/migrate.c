/* migrate.c - applies the numbered migrations compiled into the binary, each in its own transaction. */
#include "db/db.h"
#include "db/migrations.h"
#include "core/log.h"

#include <stdio.h>
#include <time.h>

int
db_schema_version(db_t *db)
{
	db_stmt_t *st;
	int        v = 0;

	if (db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)") != DB_DONE)
		return -1;
	st = db_prepare(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
	if (st == NULL)
		return -1;
	if (db_step(st) == DB_ROW)
		v = (int)db_col_i64(st, 0);
	db_done(st);
	return v;
}

/* 1 when version is recorded as applied, 0 when not, -1 on error. */
static int
applied_already(db_t *db, int version)
{
	db_stmt_t *st = db_prepare(db, "SELECT 1 FROM schema_migrations WHERE version = ?");
	int        rc;

	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, version);
	rc = db_step(st);
	db_done(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* Every migration whose own number is missing is applied, in order, not only those above the highest:
 * changes developed side by side may land with a lower number than one a database already has
 * (006 merged before 004), and skipping them would leave that database without their tables. */
bool
db_migrate(db_t *db, int *applied)
{
	int        have = db_schema_version(db), done;
	size_t     i;
	db_stmt_t *st;

	*applied = 0;
	if (have < 0)
		return false;
	for (i = 0; i < migrations_count; i++) {
		const migration_t *m = &migrations[i];
		if ((done = applied_already(db, m->version)) < 0)
			return false;
		if (done)
			continue;
		if (!db_begin_write(db))
			return false;
		if (db_exec(db, m->sql) != DB_DONE) {
			log_error("migrate: %03d %s failed", m->version, m->name);
			db_rollback(db);
			return false;
		}
		st = db_prepare(db, "INSERT INTO schema_migrations (version, name, applied_at) "
		    "VALUES (?, ?, ?)");
		if (st == NULL) {
			db_rollback(db);
			return false;
		}
		db_bind_i64(st, 1, m->version);
		db_bind_str(st, 2, m->name);
		db_bind_i64(st, 3, (int64_t)time(NULL));
		if (db_run(st) != DB_DONE || !db_commit(db)) {
			db_rollback(db);
			return false;
		}
		log_info("migrate: applied %03d %s", m->version, m->name);
		(*applied)++;
	}
	return true;
}
