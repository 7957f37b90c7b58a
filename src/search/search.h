/*
 * search.h - the one entry point every list page uses (issue 3): type + query + facet filters + sort +
 * page -> ids, total and per-facet counts for the current result. The public sees only published
 * entities inside their listing period; staff search sees every status.
 *
 * The index lives in memory, one per entity type and process, built from the entities table on first
 * use (or by search_warm) and kept in step through the search_log table (search.c explains how).
 */
#ifndef TSUNAGU_SEARCH_H
#define TSUNAGU_SEARCH_H

#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"

#include <stdbool.h>
#include <stdint.h>

#define SEARCH_MAX_FILTERS   8    /* vocabularies filtered at once */
#define SEARCH_MAX_CODES     16   /* codes per vocabulary (ORed) */
#define SEARCH_MAX_PER_PAGE  100
#define SEARCH_MAX_PAGE      1000

/* SORT_UPDATED (last update first) and SORT_NAME (kana, else title, in byte order; then last update
 * first) are the staff lists' orders. Ties go to the larger entity id. */
typedef enum { SORT_RELEVANCE, SORT_NEWEST, SORT_DEADLINE, SORT_UPDATED, SORT_NAME } search_sort_t;

typedef struct search_filter {
	const char *vocab;
	const char *vocab_alt;  /* a term of this vocabulary with one of the codes also satisfies the filter */
	const char *codes[SEARCH_MAX_CODES];
	int         ncodes;
} search_filter_t;

typedef struct search_params {
	const char     *type;      /* schema type name */
	const char     *q;         /* user's query, may be NULL or empty */
	search_filter_t filters[SEARCH_MAX_FILTERS];
	int             nfilters;  /* vocabularies ANDed; codes within one ORed */
	search_sort_t   sort;      /* relevance falls back to newest without a query */
	int             page;      /* 1-based */
	int             per_page;
	bool            staff;     /* every status and period */
	bool            facets;    /* compute facet counts */
	bool            all;       /* every match in sort order, ignoring page and per_page (an export) */
	int64_t         now;
	/* The staff lists' filters (back office, issue 7), each ignored when NULL or 0; they test what the
	 * index holds of every document, so a count under any of them is a pass over memory, not SQL: */
	const char     *status;        /* only this status (draft, pending, published, archived) */
	int64_t         ends_before;   /* a listing end before this time */
	int64_t         ends_after;    /* no listing end, or one at or after this time */
	int64_t         active_on;     /* the listing period covers this time */
	const char     *title_part;    /* a part of the title (bytes, as SQL's instr) */
	const char     *kana_part;     /* a part of fields.name_kana */
	const char     *company_part;  /* a part of fields.company_name */
	bool            only;          /* only the entities in only_ids (e.g. a phone number's matches) */
	const int64_t  *only_ids;
	int             nonly_ids;
} search_params_t;

typedef struct facet_count {
	const char *vocab;
	const char *code;
	const char *name;
	int64_t     count;
} facet_count_t;

typedef struct search_result {
	int64_t       *ids;
	int            nids;
	int64_t        total;
	facet_count_t *facets;    /* grouped by vocabulary, in term order; only terms with count > 0 */
	int            nfacets;
	bool           empty_query; /* the query had words but none could be searched */
} search_result_t;

/* Runs the search; allocations in a. False on a database error or no memory. */
bool search_run(db_t *db, arena_t *a, const search_params_t *p, search_result_t *out);
/* Appends an HTML-escaped excerpt of the entity's body with the query's matches in <mark>; falls back
 * to the beginning of the body when the query is empty or does not match the body. */
bool search_snippet(db_t *db, int64_t id, const char *q, int max_tokens, buf_t *html);

/* Builds or refreshes the type's index now (at start-up, so that the first visitor does not wait).
 * Must not be called inside a transaction. */
bool search_warm(db_t *db, const char *type);

/* Whether the type's index has been built in this process and is not being rebuilt right now: a search
 * then answers at once (it only applies the writes logged since). Never waits. */
bool search_ready(const char *type);

typedef struct search_stats {
	uint32_t docs;     /* living documents */
	uint32_t tokens;   /* distinct tokens */
	size_t   bytes;    /* memory held */
} search_stats_t;
bool search_stats(const char *type, search_stats_t *st);

/* Appends the names of an entity's terms of one vocabulary, joined with sep, in display order, from the
 * type's index as the last search left it (no query). False when the index does not hold the entity. */
bool search_term_names(const char *type, int64_t id, const char *vocab, const char *sep, buf_t *out);

/* The last search_log sequence number: it changes with every write to entities, terms or
 * vocabularies, by any process (the public page cache is stamped with it). -1 on error. */
int64_t search_log_seq(db_t *db);

/* Frees every index (at exit, and in tests between databases). No search may be running. */
void search_reset(void);

/* Deletes search_log entries written before `before` (never the newest); an index older than what is
 * left is rebuilt on its next search. Returns the number deleted, -1 on error. */
int64_t search_log_prune(db_t *db, int64_t before);

#endif
