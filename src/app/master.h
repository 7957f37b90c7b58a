/*
 * master.h - マスタ管理 (issue 6 item 3; G52 職種マスタ, G53 業種マスタ and every other vocabulary of the
 * site's schema): the data side of /staff/masters, without HTTP (the pages are master_pages.c).
 *
 * A term is added, renamed, given another parent, moved up or down, retired (廃止) and taken back into use
 * (再開); it is deleted only while nothing uses it. "Used" means linked to a record (entity_terms, which
 * holds ancestors too), chosen in a job seeker's profile (the vocabulary "target", seekers.target) or
 * the parent of another term. A retired term stays on the records that have it and keeps its name there;
 * it is no longer offered for new choices and no longer a search facet (016_masters.sql).
 *
 * Every function asks policy_can(POLICY_MASTER) itself (administrators write, every staff member reads)
 * and writes its audit entry in the transaction of the change: no entry, no change (SEC07). Every change
 * of terms appends to search_log (triggers of 003), which the search indexes and the public page cache
 * compare before answering, so the next public page shows it.
 */
#ifndef TSUNAGU_MASTER_H
#define TSUNAGU_MASTER_H

#include "auth/account.h"
#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MASTER_CODE_MAX   32     /* bytes: [A-Za-z0-9_-] */
#define MASTER_NAME_MAX   100    /* characters, one line */
#define MASTER_VOCAB_MAX  40     /* bytes of a vocabulary code (schema.c name_ok) */
#define MASTER_TERMS_MAX  5000   /* terms of one vocabulary the screen and a move handle */
#define MASTER_LOGO_VOCAB "certification"  /* the vocabulary whose terms may have a logo (認証制度) */

typedef enum {
	MASTER_OK = 0,
	MASTER_DENIED,     /* not an administrator */
	MASTER_NOT_FOUND,  /* no such vocabulary, or no such term in it */
	MASTER_INVALID,    /* a value is wrong: message in err, the field in *field */
	MASTER_IN_USE,     /* delete refused: something uses the term (retire it instead) */
	MASTER_ERROR       /* database */
} master_result_t;

typedef struct master_vocab {
	char    code[MASTER_VOCAB_MAX + 1];
	char    name[256];
	bool    facet;
	char    parent_vocab[MASTER_VOCAB_MAX + 1];  /* "" when the vocabulary is flat */
	char    parent_name[256];                    /* the parent vocabulary's name */
	int64_t terms;                               /* all terms */
	int64_t active;                              /* terms not retired */
} master_vocab_t;

typedef struct master_term {
	int64_t id;
	char    vocab[MASTER_VOCAB_MAX + 1];
	char    code[MASTER_CODE_MAX * 4 + 1];       /* codes from schema files may be longer than typed ones */
	char    name[MASTER_NAME_MAX * 4 + 1];
	int64_t parent_id;                           /* 0: none */
	char    parent_code[MASTER_CODE_MAX * 4 + 1];
	char    parent_name[MASTER_NAME_MAX * 4 + 1];
	int64_t sort;
	int64_t retired_at;                          /* 0: active */
	int64_t logo_media_id;                       /* 0: none (MASTER_LOGO_VOCAB only) */
} master_term_t;

/* A vocabulary by code; false when there is none (or on a database error). */
bool master_vocab_get(db_t *db, const char *code, master_vocab_t *out);
/* A term of vocab by id; false when there is none. */
bool master_term_get(db_t *db, const char *vocab, int64_t id, master_term_t *out);
/* What uses the term: records, seeker profiles and child terms together; -1 on a database error. */
int64_t master_term_uses(db_t *db, int64_t id);

/*
 * Adds a term at the end of vocab. code may be NULL or "" (one is made: "t" and a number). parent is a
 * code of the parent vocabulary (required when the vocabulary has one, and active). The new id in *id.
 * On MASTER_INVALID *field names the form field ("code", "name", "parent").
 */
master_result_t master_term_add(db_t *db, const account_t *actor, const char *vocab, const char *code,
    const char *name, const char *parent, const char *ip, int64_t now, int64_t *id, const char **field,
    char *err, size_t errlen);
/* Renames a term and, in a vocabulary with parents, moves it under another parent (records that use it
 * get the new ancestor and lose the old one unless another of their terms still has it). */
master_result_t master_term_update(db_t *db, const account_t *actor, const char *vocab, int64_t id,
    const char *name, const char *parent, const char *ip, int64_t now, const char **field, char *err,
    size_t errlen);
/* Swaps the term with the one above (up) or below it in the vocabulary's order. */
master_result_t master_term_move(db_t *db, const account_t *actor, const char *vocab, int64_t id, bool up,
    const char *ip, int64_t now, char *err, size_t errlen);
/* Retires (retire true) or takes back into use (false) a term. */
master_result_t master_term_retire(db_t *db, const account_t *actor, const char *vocab, int64_t id, bool retire,
    const char *ip, int64_t now, char *err, size_t errlen);
/* Deletes a term nothing uses; MASTER_IN_USE otherwise (with the reason in err). */
master_result_t master_term_delete(db_t *db, const account_t *actor, const char *vocab, int64_t id,
    const char *ip, int64_t now, char *err, size_t errlen);

/* Sets (media_id > 0, a stored image) or removes (0) the logo of a term of MASTER_LOGO_VOCAB. */
master_result_t master_term_set_logo(db_t *db, const account_t *actor, const char *vocab, int64_t id,
    int64_t media_id, const char *ip, int64_t now, char *err, size_t errlen);

#endif
