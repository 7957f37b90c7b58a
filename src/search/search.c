/*
 * search.c - one SQL shape for every list: FTS5 MATCH (our tokenizer, BM25 with the title weighted
 * tenfold) joined to entities, the visibility rule, exclusions and facet filters; the same WHERE then
 * counts the total and the terms of the result. SQL text is assembled only from fixed fragments and
 * '?' placeholders; every value is bound.
 */
#include "search/search.h"
#include "search/query.h"
#include "core/log.h"
#include "core/str.h"

#include <stdio.h>
#include <string.h>

#define MAX_BINDS 200
#define TITLE_WEIGHT "10.0"
#define BODY_WEIGHT "1.0"

typedef struct sql {
	buf_t text;
	struct { bool is_int; int64_t i; const char *s; } b[MAX_BINDS];
	int   n;
	bool  overflow;
} sql_t;

static void
bind_s(sql_t *q, const char *s)
{
	if (q->n >= MAX_BINDS) {
		q->overflow = true;
		return;
	}
	q->b[q->n].is_int = false;
	q->b[q->n].s = s;
	q->n++;
}

static void
bind_i(sql_t *q, int64_t v)
{
	if (q->n >= MAX_BINDS) {
		q->overflow = true;
		return;
	}
	q->b[q->n].is_int = true;
	q->b[q->n].i = v;
	q->n++;
}

static db_stmt_t *
prepare(db_t *db, sql_t *q)
{
	db_stmt_t *st;
	int i;

	if (q->overflow || q->text.oom)
		return NULL;
	st = db_prepare(db, q->text.data);
	if (st == NULL)
		return NULL;
	for (i = 0; i < q->n; i++) {
		if (q->b[i].is_int)
			db_bind_i64(st, i + 1, q->b[i].i);
		else
			db_bind_str(st, i + 1, q->b[i].s);
	}
	return st;
}

/* FROM ... WHERE ... shared by the three queries. */
static void
from_where(sql_t *q, const search_params_t *p, const search_query_t *sq)
{
	int i, j;

	if (sq->match.len > 0) {
		buf_puts(&q->text, " FROM entity_fts CROSS JOIN entities e ON e.id = entity_fts.rowid WHERE entity_fts MATCH ?");
		bind_s(q, sq->match.data);
		buf_puts(&q->text, " AND e.type = ?");
	} else {
		buf_puts(&q->text, " FROM entities e WHERE e.type = ?");
	}
	bind_s(q, p->type);
	if (!p->staff) {
		buf_puts(&q->text, " AND e.status = 'published' AND (e.listing_start IS NULL OR e.listing_start <= ?)"
		    " AND (e.listing_end IS NULL OR e.listing_end > ?)");
		bind_i(q, p->now);
		bind_i(q, p->now);
	}
	if (sq->exclude.len > 0) {
		buf_puts(&q->text, " AND e.id NOT IN (SELECT rowid FROM entity_fts WHERE entity_fts MATCH ?)");
		bind_s(q, sq->exclude.data);
	}
	for (i = 0; i < p->nfilters && i < SEARCH_MAX_FILTERS; i++) {
		const search_filter_t *f = &p->filters[i];
		if (f->ncodes <= 0)
			continue;
		buf_puts(&q->text, " AND e.id IN (SELECT et.entity_id FROM entity_terms et JOIN terms t ON t.id = et.term_id"
		    " WHERE t.vocab = ? AND t.code IN (");
		bind_s(q, f->vocab);
		for (j = 0; j < f->ncodes && j < SEARCH_MAX_CODES; j++) {
			buf_puts(&q->text, j ? ", ?" : "?");
			bind_s(q, f->codes[j]);
		}
		buf_puts(&q->text, "))");
	}
}

static bool
run_ids(db_t *db, arena_t *a, const search_params_t *p, const search_query_t *sq, search_result_t *out)
{
	sql_t q = { 0 };
	db_stmt_t *st;
	int per = p->per_page, page = p->page, rc = DB_ERR, cap;
	bool ok = false;

	if (per <= 0 || per > SEARCH_MAX_PER_PAGE)
		per = 20;
	if (page <= 0)
		page = 1;
	if (page > SEARCH_MAX_PAGE)
		page = SEARCH_MAX_PAGE;
	buf_puts(&q.text, "SELECT e.id");
	from_where(&q, p, sq);
	if (p->sort == SORT_RELEVANCE && sq->match.len > 0)
		buf_puts(&q.text, " ORDER BY bm25(entity_fts, " TITLE_WEIGHT ", " BODY_WEIGHT "), e.id DESC");
	else if (p->sort == SORT_DEADLINE)
		buf_puts(&q.text, " ORDER BY e.deadline IS NULL, e.deadline, e.id DESC");
	else
		buf_puts(&q.text, " ORDER BY e.published_at DESC, e.id DESC");
	buf_puts(&q.text, " LIMIT ? OFFSET ?");
	bind_i(&q, per);
	bind_i(&q, (int64_t)(page - 1) * per);
	st = prepare(db, &q);
	if (st == NULL)
		goto done;
	cap = per;
	out->ids = arena_alloc(a, sizeof(int64_t) * (size_t)cap);
	if (out->ids == NULL) {
		db_done(st);
		goto done;
	}
	while ((rc = db_step(st)) == DB_ROW && out->nids < cap)
		out->ids[out->nids++] = db_col_i64(st, 0);
	db_done(st);
	ok = rc == DB_DONE || rc == DB_ROW;
done:
	buf_free(&q.text);
	return ok;
}

static bool
run_total(db_t *db, const search_params_t *p, const search_query_t *sq, search_result_t *out)
{
	sql_t q = { 0 };
	db_stmt_t *st;
	bool ok = false;

	buf_puts(&q.text, "SELECT COUNT(*)");
	from_where(&q, p, sq);
	st = prepare(db, &q);
	if (st != NULL) {
		if (db_step(st) == DB_ROW) {
			out->total = db_col_i64(st, 0);
			ok = true;
		}
		db_done(st);
	}
	buf_free(&q.text);
	return ok;
}

static bool
run_facets(db_t *db, arena_t *a, const search_params_t *p, const search_query_t *sq, search_result_t *out)
{
	sql_t q = { 0 };
	db_stmt_t *st;
	int rc = DB_ERR, cap = 64;
	bool ok = false;

	buf_puts(&q.text, "SELECT t.vocab, t.code, t.name, c.n FROM (SELECT et.term_id, COUNT(*) AS n FROM entity_terms et"
	    " WHERE et.entity_id IN (SELECT e.id");
	from_where(&q, p, sq);
	buf_puts(&q.text, ") GROUP BY et.term_id) c JOIN terms t ON t.id = c.term_id"
	    " JOIN vocabularies v ON v.code = t.vocab AND v.facet = 1 ORDER BY t.vocab, t.sort, t.code");
	st = prepare(db, &q);
	if (st == NULL)
		goto done;
	out->facets = arena_alloc(a, sizeof(facet_count_t) * (size_t)cap);
	while (out->facets != NULL && (rc = db_step(st)) == DB_ROW) {
		facet_count_t *f;
		if (out->nfacets == cap) {
			facet_count_t *more = arena_alloc(a, sizeof(facet_count_t) * (size_t)cap * 2);
			if (more == NULL)
				break;
			memcpy(more, out->facets, sizeof(facet_count_t) * (size_t)cap);
			out->facets = more;
			cap *= 2;
		}
		f = &out->facets[out->nfacets++];
		f->vocab = arena_strdup(a, db_col_text(st, 0));
		f->code = arena_strdup(a, db_col_text(st, 1));
		f->name = arena_strdup(a, db_col_text(st, 2));
		f->count = db_col_i64(st, 3);
	}
	db_done(st);
	ok = out->facets != NULL && rc == DB_DONE;
done:
	buf_free(&q.text);
	return ok;
}

bool
search_run(db_t *db, arena_t *a, const search_params_t *p, search_result_t *out)
{
	search_query_t sq;
	const char *q = p->q ? p->q : "";
	bool ok;

	memset(out, 0, sizeof(*out));
	if (!search_query_parse(q, strlen(q), &sq))
		return false;
	/* words were typed (anything but spaces, U+3000 included) yet none is searchable: nothing matches */
	if (sq.match.len == 0 && sq.exclude.len == 0 && q[strspn(q, " \t\xe3\x80\x80")] != '\0') {
		out->empty_query = true;
		search_query_free(&sq);
		return true;
	}
	ok = run_ids(db, a, p, &sq, out) && run_total(db, p, &sq, out) && (!p->facets || run_facets(db, a, p, &sq, out));
	search_query_free(&sq);
	return ok;
}

bool
search_snippet(db_t *db, int64_t id, const char *q, int max_tokens, buf_t *html)
{
	search_query_t sq;
	db_stmt_t *st;
	const char *text = NULL, *p;
	bool ok = true;

	if (max_tokens <= 0 || max_tokens > 64)
		max_tokens = 32;
	if (!search_query_parse(q ? q : "", q ? strlen(q) : 0, &sq))
		return false;
	if (sq.match.len > 0) {
		st = db_prepare(db, "SELECT snippet(entity_fts, 1, char(1), char(2), '…', ?) FROM entity_fts "
		    "WHERE entity_fts MATCH ? AND rowid = ?");
		if (st != NULL) {
			db_bind_i64(st, 1, max_tokens);
			db_bind_str(st, 2, sq.match.data);
			db_bind_i64(st, 3, id);
			if (db_step(st) == DB_ROW && strchr(db_col_text(st, 0), '\x01') != NULL) {
				for (p = db_col_text(st, 0); *p; p++) {
					size_t run = strcspn(p, "\x01\x02");
					buf_append_html(html, p, run);
					p += run;
					if (*p == '\x01')
						buf_puts(html, "<mark>");
					else if (*p == '\x02')
						buf_puts(html, "</mark>");
					else
						break;
				}
				text = "";
			}
			db_done(st);
		}
	}
	if (text == NULL) {
		/* no match in the body: its beginning, cut at a character boundary */
		st = db_prepare(db, "SELECT body FROM entities WHERE id = ?");
		if (st == NULL) {
			ok = false;
		} else {
			db_bind_i64(st, 1, id);
			if (db_step(st) == DB_ROW) {
				const char *b = db_col_text(st, 0);
				size_t n = db_col_len(st, 0), cut = 0, chars = 0;
				while (cut < n && chars < (size_t)max_tokens * 3) {
					cut++;
					while (cut < n && ((unsigned char)b[cut] & 0xc0) == 0x80)
						cut++;
					chars++;
				}
				buf_append_html(html, b, cut);
				if (cut < n)
					buf_puts(html, "…");
			}
			db_done(st);
		}
	}
	search_query_free(&sq);
	return ok && !html->oom;
}
