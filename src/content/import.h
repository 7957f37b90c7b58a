/*
 * import.h - loading entities from CSV (UTF-8, header row) or JSON Lines (issue 3 item 4): how existing
 * sites' data is migrated in. Columns are the schema's field names or their Japanese labels, plus
 * status/状態, listing_start/掲載開始日, listing_end/掲載終了日 and department/担当部署. Terms are given by code
 * or name, several separated by '|'. A file with any bad row writes nothing unless skip_bad is set.
 * A row with id/番号 (as an export has it) updates that record of the type instead of adding one: the
 * columns the file has replace the stored values, the others stay; a 番号 that is not a record of the
 * type, a record waiting for approval, or (own_department_only) another department's record is an error.
 */
#ifndef TSUNAGU_IMPORT_H
#define TSUNAGU_IMPORT_H

#include "content/schema.h"
#include "core/buf.h"
#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IMPORT_MAX_ERRORS 1000   /* messages kept; the count goes on */

typedef enum { IMPORT_CSV, IMPORT_JSONL } import_format_t;

typedef struct import_report {
	int64_t rows;      /* data rows read */
	int64_t written;   /* entities written (new and updated) */
	int64_t updated;   /* of which updates of the record a row's 番号 named */
	int64_t bad;       /* rows with errors */
	buf_t   errors;    /* "N行目: message" lines */
} import_report_t;

/* Imports data[0..len). Returns true when the file was read to the end and what should be written was
 * written (with skip_bad: the good rows; without: all rows, or nothing if any was bad). */
bool import_entities(db_t *db, const schema_t *s, const char *type, import_format_t fmt, const char *data,
         size_t len, bool skip_bad, int64_t now, import_report_t *rep);
/* Options of import_entities_ex. */
typedef struct import_opts {
	bool skip_bad;  /* write the good rows even when some are bad */
	bool dry_run;   /* check every row and report, then write nothing (rep->written: rows that would be) */
	/* Called inside the write transaction just before it commits (not on a dry run): the caller's audit
	 * entry, so the import and its record commit together. Returning false rolls everything back. */
	bool (*before_commit)(db_t *db, const import_report_t *rep, void *arg);
	void *arg;
	/* The department rows without one get (a code), and with own_department_only the only one a row may
	 * name (by code or name): staff outside the prefecture import into their own department (G62). */
	const char *department_code;
	const char *department_name;
	bool        own_department_only;
	int64_t     actor_id;   /* who imports (the revision an update adds); 0: the command line */
} import_opts_t;

bool import_entities_ex(db_t *db, const schema_t *s, const char *type, import_format_t fmt, const char *data,
         size_t len, const import_opts_t *o, int64_t now, import_report_t *rep);

/* CSV when the name ends in .csv, JSON Lines for .jsonl/.ndjson/.json, else by the first byte ('{'). */
import_format_t import_guess_format(const char *filename, const char *data, size_t len);

#endif
