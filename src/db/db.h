/*
 * db.h - the only way code talks to the database.
 *
 * Callers write SQL with `?` placeholders and bind every value; a backend translates placeholders
 * as it needs (PostgreSQL: $1, $2 ...). SQL the callers write keeps to what SQLite and PostgreSQL
 * share. Each worker thread has its own connection (db_thread()); statements are prepared once per
 * connection and cached by their SQL text.
 */
#ifndef TSUNAGU_DB_H
#define TSUNAGU_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct db db_t;
typedef struct db_stmt db_stmt_t;

enum { DB_ROW = 1, DB_DONE = 0, DB_ERR = -1, DB_BUSY = -2, DB_CONSTRAINT = -3 };

/* Sets where the database lives (once, at start): dir/tsunagu.db for SQLite. */
bool        db_configure(const char *data_dir);
/* Opens a new connection; NULL on failure (the reason is logged). */
db_t       *db_open(void);
void        db_close(db_t *db);
/* This thread's connection, opened on first use and closed when the thread exits. */
db_t       *db_thread(void);

/* Runs SQL without parameters (schema, pragmas, migrations). Returns DB_DONE or DB_ERR. */
int         db_exec(db_t *db, const char *sql);
/* Prepared (and cached) statement, reset and with bindings cleared. NULL on error. */
db_stmt_t  *db_prepare(db_t *db, const char *sql);
/* Binding: indexes start at 1. Text is copied. */
void        db_bind_text(db_stmt_t *st, int i, const char *s, size_t n);
void        db_bind_str(db_stmt_t *st, int i, const char *s); /* NULL binds NULL */
void        db_bind_i64(db_stmt_t *st, int i, int64_t v);
void        db_bind_blob(db_stmt_t *st, int i, const void *p, size_t n);
void        db_bind_null(db_stmt_t *st, int i);
/* DB_ROW, DB_DONE, DB_CONSTRAINT, DB_BUSY or DB_ERR. */
int         db_step(db_stmt_t *st);
/* Resets the statement so its connection holds no read lock (call when done with rows). */
void        db_done(db_stmt_t *st);
/* Columns: indexes start at 0; text is valid until the next step/done. */
const char *db_col_text(db_stmt_t *st, int i); /* "" for NULL */
size_t      db_col_len(db_stmt_t *st, int i);
int64_t     db_col_i64(db_stmt_t *st, int i);
const void *db_col_blob(db_stmt_t *st, int i);
bool        db_col_null(db_stmt_t *st, int i);
/* step + done for statements returning no rows: DB_DONE on success. */
int         db_run(db_stmt_t *st);

/* Transactions. db_begin_write takes the write lock at once (SQLite BEGIN IMMEDIATE). */
bool        db_begin(db_t *db);
bool        db_begin_write(db_t *db);
bool        db_commit(db_t *db);
void        db_rollback(db_t *db);
/* True while a transaction is open on this connection (its reads see its own uncommitted writes). */
bool        db_in_transaction(db_t *db);

int64_t     db_last_id(db_t *db);
int64_t     db_changes(db_t *db);
const char *db_errmsg(db_t *db);

/* Applies migrations from src/db/migrations (compiled in) not yet applied; returns false on error. */
bool        db_migrate(db_t *db, int *applied);
/* Highest applied migration number (0 when none). */
int         db_schema_version(db_t *db);

#endif
