/*
 * entity.h - entities of schema types: validation of raw field values (from a form, CSV or JSON), and
 * writes of entities and their term links (triggers log each change for the search index, search.h).
 */
#ifndef TSUNAGU_ENTITY_H
#define TSUNAGU_ENTITY_H

#include "content/schema.h"
#include "core/buf.h"
#include "db/db.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define ENTITY_MAX_TERMS     64   /* term links of one entity, ancestors included */
#define ENTITY_MAX_VALUES    32   /* values in one terms field */
#define ENTITY_DEFAULT_TEXT  200  /* characters, when the schema sets no max */
#define ENTITY_DEFAULT_LONG  8000
#define ENTITY_DEFAULT_MARKDOWN 20000
#define ENTITY_MAX_LINKS     20   /* lines of a links field */
#define ENTITY_MAX_LINK_LABEL 100 /* characters of one link's label */

/* What the public may see (issue 3 item 3; G23, G24): published, and now inside the listing period. The
 * SQL form takes two parameters, both bound to now; search.c applies the same rule to its index. */
#define ENTITY_PUBLIC_SQL \
	"status = 'published' AND (listing_start IS NULL OR listing_start <= ?) AND (listing_end IS NULL OR listing_end > ?)"
static inline bool
entity_public(const char *status, int64_t listing_start, int64_t listing_end, int64_t now)
{
	return status != NULL && strcmp(status, "published") == 0 && (listing_start == 0 || listing_start <= now) &&
	    (listing_end == 0 || listing_end > now);
}

/* Raw input, as text. Terms fields list codes or names separated by '|' (or '、'). */
typedef struct entity_draft {
	const schema_type_t *type;
	const char          *values[SCHEMA_MAX_FIELDS]; /* by field index; NULL or "" = empty */
	const char          *status;         /* draft, pending, published, archived; NULL = published */
	const char          *listing_start;  /* YYYY-MM-DD (JST), or NULL */
	const char          *listing_end;    /* YYYY-MM-DD (JST; the listing ends at the end of that day), or NULL */
	const char          *department;     /* department code, or NULL */
	int64_t              entity_id;      /* the record re-saved (0: a new one): a retired term it already
	                                      * links is kept; anywhere else a retired term is refused */
} entity_draft_t;

/* Validated and resolved, ready to write. Owns its memory (entity_ready_free). */
typedef struct entity_ready {
	const schema_type_t *type;
	char    *title;
	buf_t    body;           /* searchable fields other than the title, one per line */
	char    *fields_json;
	int64_t  term_ids[ENTITY_MAX_TERMS];
	int      nterms;
	char     status[16];
	int64_t  listing_start;  /* 0 = none */
	int64_t  listing_end;
	int64_t  deadline;
	int64_t  department_id;
	int64_t  entity_id;      /* from the draft */
} entity_ready_t;

/* Checks every field; on failure appends one Japanese message per problem ("「給与」は200文字以内で…")
 * to errors, separated by newlines, and returns false. */
bool entity_validate(db_t *db, const entity_draft_t *d, entity_ready_t *out, buf_t *errors);
void entity_ready_free(entity_ready_t *e);

/* The terms table in memory, for validating many entities at once (an import): lookups by code or
 * name without a query each. Valid while the terms do not change: load it inside the write
 * transaction that uses it. */
typedef struct entity_terms entity_terms_t;
entity_terms_t *entity_terms_load(db_t *db);
void entity_terms_free(entity_terms_t *t);
/* entity_validate with the terms looked up in tc (NULL: in the database). */
bool entity_validate_with(db_t *db, const entity_terms_t *tc, const entity_draft_t *d, entity_ready_t *out,
    buf_t *errors);
/* Inserts inside the caller's transaction (the term links go with it). */
bool entity_insert(db_t *db, const entity_ready_t *e, int64_t now, int64_t *id);
bool entity_set_status(db_t *db, int64_t id, const char *status, int64_t now);
/* Before entity_set_status(..., "published") of a stored entity: the publication check of its type (B01,
 * content/joblaw.h: the items a job offer must state). Appends Japanese lines to errors and returns false
 * when it may not be published. entity_validate runs the same check when the draft's status is
 * published. */
bool entity_publish_check(db_t *db, const schema_type_t *t, int64_t id, buf_t *errors);
bool entity_set_listing(db_t *db, int64_t id, int64_t start, int64_t end, int64_t now);
bool entity_delete(db_t *db, int64_t id);

#endif
