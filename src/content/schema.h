/*
 * schema.h - the content types and vocabularies a site profile declares in sites/<site>/schema.json.
 *
 * {
 *   "vocabularies": { CODE: { "name": 地域, "facet": true,
 *                             "terms": [ { "code", "name", "parent"? } ]            -- inline, or
 *                             "csv": { "file", "code", "name", "parent_vocab"?, "parent_name"? } } },
 *   "types": { NAME: { "name": 求人情報, "name_en", "title": FIELD, "deadline"?: FIELD,
 *                      "fields": [ { "name", "type", "label", "label_en", "required", "max",
 *                                    "searchable", "vocab", "internal", "csv", "print",
 *                                    "disclosure", "disclosure_if", "reason" } ] } }
 * }
 * Field types: text, longtext, markdown (long text written in Markdown), number, yen, date, url, email, phone,
 * boolean, terms (values from a vocabulary), image (a media id or a relative path: [A-Za-z0-9_./-], no ".."),
 * links (one "label|URL" per line).
 * Flags: "required", "searchable" (into the search body), "internal" (staff only), "csv" (in CSV output;
 * default true), "print" (on printed sheets such as 求人票; default true for public fields, false for internal
 * ones). A flag given must be true or false. "disclosure": N marks the field that states item N of the
 * legally required job-advertisement items, "disclosure_if" a boolean field that makes it needed, and
 * "reason" a terms field that must be chosen when this field has a value (an age limit): content/joblaw.h. Whether a vocabulary is a search facet is the vocabulary's "facet".
 */
#ifndef TSUNAGU_SCHEMA_H
#define TSUNAGU_SCHEMA_H

#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>

#define SCHEMA_MAX_TYPES   32
#define SCHEMA_MAX_FIELDS  96
#define SCHEMA_MAX_VOCABS  32
#define SCHEMA_MAX_FILE    (1 << 20)

typedef enum {
	F_TEXT, F_LONGTEXT, F_NUMBER, F_YEN, F_DATE, F_URL, F_EMAIL, F_PHONE, F_BOOLEAN, F_TERMS,
	F_IMAGE, F_MARKDOWN, F_LINKS, F_VIDEO,
} field_type_t;

typedef struct schema_field {
	char        *name;
	field_type_t type;
	char        *label;
	char        *label_en;
	char        *vocab;      /* F_TERMS */
	char        *thumbnail;  /* F_VIDEO: the image field shown until the player is asked for */
	char        *disclosure_if; /* the boolean field that makes this disclosure needed (joblaw.h) */
	char        *reason;     /* the terms field holding the lawful reason for a value here (joblaw.h) */
	int          disclosure; /* row of data/master/required_job_disclosures.csv this field states; 0 none */
	int          max;        /* characters; 0 = the type's default */
	bool         required;
	bool         searchable;
	bool         internal;   /* never shown to the public */
	bool         csv;        /* included in CSV output */
	bool         print;      /* included on printed sheets */
} schema_field_t;

typedef struct schema_type {
	char           *name;
	char           *label;
	char           *label_en;
	int             title_field;     /* index into fields */
	int             deadline_field;  /* index, or -1 */
	schema_field_t  fields[SCHEMA_MAX_FIELDS];
	int             nfields;
} schema_type_t;

typedef struct schema_vocab {
	char *code;
	char *name;
	bool  facet;
} schema_vocab_t;

typedef struct schema {
	schema_type_t   types[SCHEMA_MAX_TYPES];
	int             ntypes;
	schema_vocab_t  vocabs[SCHEMA_MAX_VOCABS];
	int             nvocabs;
	void           *json;   /* the parsed document (json_t *), for term sources */
} schema_t;

/* Loads root/sites/<site>/schema.json; false with "file: message" in err. */
schema_t             *schema_load(const char *root, const char *site, char *err, size_t errlen);
void                  schema_free(schema_t *s);
const schema_type_t  *schema_type(const schema_t *s, const char *name);
const schema_vocab_t *schema_vocab(const schema_t *s, const char *code);
int                   schema_field_index(const schema_type_t *t, const char *name);
/* Creates or updates the vocabularies and adds the terms the database does not have yet (idempotent).
 * Once a term exists the screen マスタ管理 (/staff/masters) is its authority: its name, parent, order and
 * retirement are never overwritten from the file, and terms no longer listed are kept (records may use
 * them). A new term goes after the vocabulary's last one. CSV sources are read under root. */
bool                  schema_sync_terms(const schema_t *s, db_t *db, const char *root, char *err, size_t errlen);
const char           *schema_field_type_name(field_type_t t);

#endif
