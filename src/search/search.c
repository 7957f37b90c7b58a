/*
 * search.c - the entry point of every list page (search.h), over the in-memory index (index.h).
 *
 * Keeping in step: every write to entities, entity_terms, terms or vocabularies adds a search_log row
 * in its own transaction (triggers, 003_search_log.sql). Before a search, the index of the type is
 * compared with the log's last sequence number; if it is behind, the search takes the index's write
 * lock and applies the entries after its own in one read transaction (re-reading the changed rows), or
 * rebuilds the index when it is missing, from another database, older than what the log still holds,
 * or a quarter dead. A search inside a transaction that has itself written (the log is ahead of the
 * shared index and only this connection can see why) runs on a private index built from what this
 * connection sees, so uncommitted changes never reach the shared index.
 *
 * Evaluation: each word of the query (query.h) becomes a hit list (documents in docno order with
 * title and body hit counts): a token's posting list, the union of the lists of every token beginning
 * with a character (one-character words), or a phrase matched on positions. Groups of ORed words are
 * united, groups intersected, excluded words removed; then one pass over the candidates applies the
 * visibility rule and the facet filters, counts the total and the facet terms, scores BM25 (title hits
 * weighted tenfold, FTS5's formula) or takes the sort key, and keeps the page in a bounded heap.
 */
#include "search/search.h"
#include "search/index.h"
#include "search/query.h"
#include "search/tokenize.h"
#include "core/log.h"
#include "core/str.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_TYPES       32
#define BM25_K1         1.2
#define BM25_B          0.75
#define TITLE_WEIGHT    10.0
#define TERMS_PER_DOC   256    /* term links read per entity (entity.h allows 64) */
#define DEAD_REBUILD    1024   /* dead documents tolerated before a quarter-dead index is rebuilt */
#define BUILD_PARTS     4      /* threads of a full build, at most */
#define PARALLEL_MIN_DOCS 5000 /* fewer entities are indexed on the calling thread alone */

typedef struct slot {
	char             type[SX_TYPE_MAX];
	pthread_rwlock_t lock;
	sx_index_t      *ix;
} slot_t;

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static slot_t *slots[MAX_TYPES];
static int nslots;

typedef struct state {
	int64_t latest, pruned;
	char    instance[40];
} state_t;

/* ---- keeping in step ---- */

static bool
read_state(db_t *db, state_t *s)
{
	db_stmt_t *st = db_prepare(db, "SELECT ifnull((SELECT seq FROM sqlite_sequence WHERE name = 'search_log'), 0), "
	    "pruned_upto, instance FROM search_state WHERE id = 1");
	bool ok = false;

	if (st == NULL)
		return false;
	if (db_step(st) == DB_ROW) {
		s->latest = db_col_i64(st, 0);
		s->pruned = db_col_i64(st, 1);
		snprintf(s->instance, sizeof(s->instance), "%s", db_col_text(st, 2));
		ok = true;
	}
	db_done(st);
	return ok;
}

static bool
load_terms(sx_index_t *ix, db_t *db)
{
	/* a retired term (016_masters.sql) keeps its name on the records that have it, but is no facet choice */
	db_stmt_t *st = db_prepare(db, "SELECT t.id, t.vocab, t.code, t.name, v.facet AND t.retired_at IS NULL FROM terms t "
	    "JOIN vocabularies v ON v.code = t.vocab ORDER BY t.vocab, t.sort, t.code");
	int rc;

	if (st == NULL || !sx_terms_begin(ix))
		return false;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!sx_terms_add(ix, db_col_i64(st, 0), db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
		    db_col_i64(st, 4) != 0)) {
			rc = DB_ERR;
			break;
		}
	}
	db_done(st);
	sx_terms_end(ix);
	return rc == DB_DONE;
}

static uint8_t
status_code(const char *s)
{
	if (strcmp(s, "published") == 0)
		return SX_PUBLISHED;
	if (strcmp(s, "pending") == 0)
		return SX_PENDING;
	if (strcmp(s, "archived") == 0)
		return SX_ARCHIVED;
	return SX_DRAFT;
}

#define DOC_COLUMNS "id, status, listing_start, listing_end, deadline, published_at, title, body, updated_at, " \
	"json_extract(fields, '$.name_kana'), json_extract(fields, '$.company_name')"

/* Adds the row st points at (DOC_COLUMNS) with its term links. */
static bool
add_row(sx_index_t *ix, db_t *db, db_stmt_t *st)
{
	sx_doc_t meta;
	int64_t terms[TERMS_PER_DOC];
	int nterms = 0, rc;
	db_stmt_t *tq;

	memset(&meta, 0, sizeof(meta));
	meta.id = db_col_i64(st, 0);
	meta.status = status_code(db_col_text(st, 1));
	meta.listing_start = db_col_i64(st, 2);
	meta.listing_end = db_col_i64(st, 3);
	meta.deadline = db_col_i64(st, 4);
	meta.published_at = db_col_i64(st, 5);
	meta.updated_at = db_col_i64(st, 8);
	tq = db_prepare(db, "SELECT term_id FROM entity_terms WHERE entity_id = ?");
	if (tq == NULL)
		return false;
	db_bind_i64(tq, 1, meta.id);
	while ((rc = db_step(tq)) == DB_ROW && nterms < TERMS_PER_DOC)
		terms[nterms++] = db_col_i64(tq, 0);
	db_done(tq);
	if (rc != DB_ROW && rc != DB_DONE)
		return false;
	return sx_add(ix, &meta, db_col_text(st, 6), db_col_len(st, 6), db_col_text(st, 7), db_col_len(st, 7), terms, nterms,
	    db_col_text(st, 9), db_col_text(st, 10));
}

/* Adds the type's entities with lo <= id < hi. */
static bool
build_range(sx_index_t *ix, db_t *db, const char *type, int64_t lo, int64_t hi)
{
	db_stmt_t *st = db_prepare(db, "SELECT " DOC_COLUMNS " FROM entities WHERE type = ? AND id >= ? AND id < ? ORDER BY id");
	int rc;

	if (st == NULL)
		return false;
	db_bind_str(st, 1, type);
	db_bind_i64(st, 2, lo);
	db_bind_i64(st, 3, hi);
	while ((rc = db_step(st)) == DB_ROW) {
		if (!add_row(ix, db, st)) {
			rc = DB_ERR;
			break;
		}
	}
	db_done(st);
	return rc == DB_DONE;
}

/* A part of a full build on a thread of its own, with its own connection on the same snapshot. */
typedef struct part {
	pthread_t   thread;
	const char *type;
	int64_t     lo, hi;
	state_t     want;
	sx_index_t *ix;
	bool        started, ok;
} part_t;

static void *
part_main(void *arg)
{
	part_t *pt = arg;
	db_t *db = db_open();
	state_t s;

	if (db == NULL)
		return NULL;
	if (db_begin(db)) {
		/* the same snapshot as the caller's, or nothing: the caller then builds this part itself */
		if (read_state(db, &s) && s.latest == pt->want.latest && strcmp(s.instance, pt->want.instance) == 0 &&
		    (pt->ix = sx_new(pt->type)) != NULL)
			pt->ok = build_range(pt->ix, db, pt->type, pt->lo, pt->hi);
		db_commit(db);
	}
	db_close(db);
	return NULL;
}

static int64_t
query_i64(db_t *db, const char *sql, const char *type, int64_t arg)
{
	db_stmt_t *st = db_prepare(db, sql);
	int64_t v = -1;

	if (st == NULL)
		return -1;
	db_bind_str(st, 1, type);
	db_bind_i64(st, 2, arg);
	if (db_step(st) == DB_ROW)
		v = db_col_i64(st, 0);
	db_done(st);
	return v;
}

/* Builds the type's index from what db sees (inside its read transaction). Large types are split
 * by id into one part per processor (at most BUILD_PARTS), built in parallel and appended in order. */
static sx_index_t *
build_full(db_t *db, const char *type, const state_t *s)
{
	part_t parts[BUILD_PARTS];
	sx_index_t *ix = sx_new(type);
	int64_t count, bound[BUILD_PARTS + 1];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int nparts = 1, i;
	bool ok = false;

	memset(parts, 0, sizeof(parts));
	if (ix == NULL || !load_terms(ix, db))
		goto done;
	count = query_i64(db, "SELECT COUNT(*) FROM entities WHERE type = ? AND ? = 0", type, 0);
	if (count < 0)
		goto done;
	if (count >= PARALLEL_MIN_DOCS && cpus > 1)
		nparts = cpus < BUILD_PARTS ? (int)cpus : BUILD_PARTS;
	bound[0] = INT64_MIN;
	bound[nparts] = INT64_MAX;
	for (i = 1; i < nparts; i++) {
		bound[i] = query_i64(db, "SELECT id FROM entities WHERE type = ? ORDER BY id LIMIT 1 OFFSET ?", type,
		    count * i / nparts);
		if (bound[i] < 0)
			nparts = i;  /* not expected: fewer parts */
	}
	bound[nparts] = INT64_MAX;
	for (i = 1; i < nparts; i++) {
		parts[i].type = type;
		parts[i].lo = bound[i];
		parts[i].hi = bound[i + 1];
		parts[i].want = *s;
		parts[i].started = pthread_create(&parts[i].thread, NULL, part_main, &parts[i]) == 0;
	}
	ok = build_range(ix, db, type, bound[0], bound[1]);
	for (i = 1; i < nparts; i++) {
		if (parts[i].started)
			pthread_join(parts[i].thread, NULL);
		if (!ok)
			continue;
		if (parts[i].ok)
			ok = sx_append(ix, parts[i].ix);
		else
			ok = build_range(ix, db, type, parts[i].lo, parts[i].hi);
	}
	if (ok) {
		sx_shrink(ix);
		ix->seq = s->latest;
		snprintf(ix->instance, sizeof(ix->instance), "%s", s->instance);
	}
done:
	for (i = 1; i < BUILD_PARTS; i++)
		sx_free(parts[i].ix);
	if (!ok) {
		log_error("search: cannot build the index of %s", type);
		sx_free(ix);
		return NULL;
	}
	return ix;
}

/* Applies the log entries after ix->seq. False when a full build is the better way (or on error). */
static bool
apply_log(sx_index_t *ix, db_t *db, const state_t *s)
{
	db_stmt_t *st = db_prepare(db, "SELECT DISTINCT entity_id FROM search_log WHERE seq > ? AND seq <= ?");
	int64_t *ids = NULL, *more;
	size_t n = 0, cap = 0, i, limit = (size_t)ix->nalive / 2 + 1000;
	int rc;
	bool ok = false;

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, ix->seq);
	db_bind_i64(st, 2, s->latest);
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == limit)
			break;  /* a bulk change: rebuilding is faster */
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			more = realloc(ids, sizeof(int64_t) * cap);
			if (more == NULL)
				break;
			ids = more;
		}
		ids[n++] = db_col_i64(st, 0);
	}
	db_done(st);
	if (rc != DB_DONE)
		goto done;
	for (i = 0; i < n; i++) {
		if (ids[i] == 0) {
			if (!load_terms(ix, db))
				goto done;
			continue;
		}
		sx_remove(ix, ids[i]);
		st = db_prepare(db, "SELECT " DOC_COLUMNS " FROM entities WHERE id = ? AND type = ?");
		if (st == NULL)
			goto done;
		db_bind_i64(st, 1, ids[i]);
		db_bind_str(st, 2, ix->type);
		rc = db_step(st);
		if (rc == DB_ROW && !add_row(ix, db, st))
			rc = DB_ERR;
		db_done(st);
		if (rc != DB_ROW && rc != DB_DONE)
			goto done;
	}
	ix->seq = s->latest;
	ok = true;
done:
	free(ids);
	return ok;
}

static bool
fresh(const sx_index_t *ix, const state_t *s)
{
	return ix != NULL && ix->seq == s->latest && strcmp(ix->instance, s->instance) == 0;
}

/* With the slot's write lock held and no transaction open: brings the shared index up to date. */
static bool
refresh(slot_t *sl, db_t *db)
{
	state_t s;
	sx_index_t *ix = sl->ix, *built;
	bool ok = false;

	if (!db_begin(db))
		return false;
	if (!read_state(db, &s))
		goto done;
	if (fresh(ix, &s)) {
		ok = true;
		goto done;
	}
	if (ix != NULL && strcmp(ix->instance, s.instance) == 0 && ix->seq >= s.pruned && ix->seq < s.latest &&
	    !(ix->ndocs - ix->nalive > DEAD_REBUILD && ix->ndocs - ix->nalive > ix->ndocs / 4) && apply_log(ix, db, &s)) {
		ok = true;
		goto done;
	}
	built = build_full(db, sl->type, &s);
	if (built != NULL) {
		sx_free(sl->ix);
		sl->ix = built;
		ok = true;
	}
done:
	if (ok)
		ok = db_commit(db);
	else
		db_rollback(db);
	return ok;
}

static slot_t *
get_slot(const char *type)
{
	slot_t *sl = NULL;
	int i;

	if (strlen(type) >= SX_TYPE_MAX)
		return NULL;
	pthread_mutex_lock(&reg_mu);
	for (i = 0; i < nslots; i++) {
		if (strcmp(slots[i]->type, type) == 0) {
			sl = slots[i];
			break;
		}
	}
	if (sl == NULL && nslots < MAX_TYPES && (sl = calloc(1, sizeof(*sl))) != NULL) {
		snprintf(sl->type, sizeof(sl->type), "%s", type);
		if (pthread_rwlock_init(&sl->lock, NULL) != 0) {
			free(sl);
			sl = NULL;
		} else {
			slots[nslots++] = sl;
		}
	}
	pthread_mutex_unlock(&reg_mu);
	return sl;
}

/* ---- evaluation ---- */

typedef struct hits {
	uint32_t *doc;
	uint16_t *tt, *tb;   /* title and body hits, saturated */
	uint32_t  n, cap;
} hits_t;

typedef struct scratch {
	uint32_t *pa, *pb, *pc;  /* position buffers */
	size_t    cap;
} scratch_t;

static bool
hits_push(hits_t *h, uint32_t doc, uint32_t tt, uint32_t tb)
{
	if (h->n == h->cap) {
		uint32_t c = h->cap ? h->cap * 2 : 256;
		uint32_t *d = realloc(h->doc, sizeof(uint32_t) * c);
		uint16_t *a, *b;
		if (d == NULL)
			return false;
		h->doc = d;
		a = realloc(h->tt, sizeof(uint16_t) * c);
		if (a == NULL)
			return false;
		h->tt = a;
		b = realloc(h->tb, sizeof(uint16_t) * c);
		if (b == NULL)
			return false;
		h->tb = b;
		h->cap = c;
	}
	h->doc[h->n] = doc;
	h->tt[h->n] = (uint16_t)(tt > UINT16_MAX ? UINT16_MAX : tt);
	h->tb[h->n] = (uint16_t)(tb > UINT16_MAX ? UINT16_MAX : tb);
	h->n++;
	return true;
}

static void
hits_free(hits_t *h)
{
	free(h->doc);
	free(h->tt);
	free(h->tb);
	memset(h, 0, sizeof(*h));
}

static bool
scratch_need(scratch_t *s, size_t n)
{
	uint32_t *a, *b, *c;

	if (n <= s->cap)
		return true;
	n = n < 256 ? 256 : n * 2;
	a = realloc(s->pa, sizeof(uint32_t) * n);
	if (a == NULL)
		return false;
	s->pa = a;
	b = realloc(s->pb, sizeof(uint32_t) * n);
	if (b == NULL)
		return false;
	s->pb = b;
	c = realloc(s->pc, sizeof(uint32_t) * n);
	if (c == NULL)
		return false;
	s->pc = c;
	s->cap = n;
	return true;
}

/* Documents a word needs to be looked for in (the candidates of the groups evaluated before it);
 * NULL: everywhere. */
typedef struct only {
	const uint32_t *doc;
	uint32_t        n;
} only_t;

/* One token's list as hits. Dead documents are left in every hit list (reading each one's flag here
 * would cost a cache miss per entry); the final pass skips them. */
static bool
eval_list(const sx_index_t *ix, uint32_t tok, hits_t *out, const only_t *only)
{
	sx_cursor_t c;
	uint32_t i;

	if (only != NULL) {
		sx_cursor_init(&c, ix, tok);
		for (i = 0; i < only->n && c.doc != SX_NONE; i++) {
			sx_cursor_seek(&c, only->doc[i]);
			if (c.doc == only->doc[i] && !hits_push(out, c.doc, c.nt, c.nb))
				return false;
		}
		return true;
	}
	for (sx_cursor_init(&c, ix, tok); c.doc != SX_NONE; sx_cursor_next(&c))
		if (!hits_push(out, c.doc, c.nt, c.nb))
			return false;
	return true;
}

/* The union of several tokens' lists. */
static bool
eval_union(const sx_index_t *ix, const uint32_t *toks, uint32_t n, hits_t *out, const only_t *only)
{
	uint32_t *acc, i, d, places = only != NULL ? only->n : ix->ndocs;
	sx_cursor_t c;
	bool ok = true;

	if (n == 1)
		return eval_list(ix, toks[0], out, only);
	/* counts by document (or by place in only) */
	acc = calloc((size_t)places * 2 + 2, sizeof(uint32_t));
	if (acc == NULL)
		return false;
	for (i = 0; i < n; i++) {
		sx_cursor_init(&c, ix, toks[i]);
		if (only != NULL) {
			for (d = 0; d < only->n && c.doc != SX_NONE; d++) {
				sx_cursor_seek(&c, only->doc[d]);
				if (c.doc == only->doc[d]) {
					acc[(size_t)d * 2] += c.nt;
					acc[(size_t)d * 2 + 1] += c.nb;
				}
			}
			continue;
		}
		for (; c.doc != SX_NONE; sx_cursor_next(&c)) {
			acc[(size_t)c.doc * 2] += c.nt;
			acc[(size_t)c.doc * 2 + 1] += c.nb;
		}
	}
	for (d = 0; d < places && ok; d++)
		if ((acc[(size_t)d * 2] | acc[(size_t)d * 2 + 1]) != 0)
			ok = hits_push(out, only != NULL ? only->doc[d] : d, acc[(size_t)d * 2], acc[(size_t)d * 2 + 1]);
	free(acc);
	return ok;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Keeps the starts s of s (n of them) for which s + shift is in p (m of them); returns how many. */
static uint32_t
keep_followed(uint32_t *s, uint32_t n, const uint32_t *p, uint32_t m, uint32_t shift)
{
	uint32_t i, j = 0, k = 0;

	for (i = 0; i < n; i++) {
		uint32_t want = s[i] + shift;
		while (j < m && p[j] < want)
			j++;
		if (j < m && p[j] == want)
			s[k++] = s[i];
	}
	return k;
}

/* Tokens at consecutive positions, then (when nm > 0) one of the tokens members at the next one: a
 * phrase ending in a one-character prefix. */
static bool
eval_phrase(const sx_index_t *ix, const uint32_t *toks, uint32_t nf, const uint32_t *members, uint32_t nm, hits_t *out,
    scratch_t *sc, const only_t *only)
{
	sx_cursor_t *c, *mc = NULL;
	uint32_t i, d, n, m, tt, j, lead = 0, oi = 0;
	bool ok = false;

	c = calloc(nf, sizeof(*c));
	if (c == NULL)
		return false;
	for (i = 0; i < nf; i++)
		sx_cursor_init(&c[i], ix, toks[i]);
	if (nm > 0) {
		mc = calloc(nm, sizeof(*mc));
		if (mc == NULL)
			goto done;
		for (i = 0; i < nm; i++)
			sx_cursor_init(&mc[i], ix, members[i]);
	}
	/* the rarest token leads; the others are moved to its documents */
	for (i = 1; i < nf; i++)
		if (ix->toks[toks[i]].ndocs < ix->toks[toks[lead]].ndocs)
			lead = i;
	while ((d = c[lead].doc) != SX_NONE) {
		if (only != NULL) {
			while (oi < only->n && only->doc[oi] < d)
				oi++;
			if (oi == only->n)
				break;
			if (only->doc[oi] > d) {
				sx_cursor_seek(&c[lead], only->doc[oi]);
				continue;
			}
		}
		for (i = 0; i < nf; i++) {
			if (i == lead)
				continue;
			sx_cursor_seek(&c[i], d);
			if (c[i].doc != d)
				break;
		}
		if (i < nf) {
			if (c[i].doc == SX_NONE)
				break;
			sx_cursor_seek(&c[lead], c[i].doc);
			continue;
		}
		if (!scratch_need(sc, (size_t)c[lead].nt + c[lead].nb))
			goto done;
		m = sx_cursor_positions(&c[lead], sc->pa);
		for (i = 0, n = 0; i < m; i++)  /* the lead's positions as phrase starts */
			if (sc->pa[i] >= lead)
				sc->pa[n++] = sc->pa[i] - lead;
		for (i = 0; i < nf && n > 0; i++) {
			if (i == lead)
				continue;
			if (!scratch_need(sc, (size_t)c[i].nt + c[i].nb))
				goto done;
			m = sx_cursor_positions(&c[i], sc->pb);
			n = keep_followed(sc->pa, n, sc->pb, m, i);
		}
		if (n > 0 && mc != NULL) {
			m = 0;
			for (j = 0; j < nm; j++) {
				sx_cursor_seek(&mc[j], d);
				if (mc[j].doc != d)
					continue;
				if (!scratch_need(sc, (size_t)m + mc[j].nt + mc[j].nb))
					goto done;
				m += sx_cursor_positions(&mc[j], sc->pc + m);
			}
			qsort(sc->pc, m, sizeof(uint32_t), cmp_u32);
			n = keep_followed(sc->pa, n, sc->pc, m, nf);
		}
		if (n > 0) {
			for (i = 0, tt = 0; i < n; i++)
				if (sc->pa[i] < SX_BODY_BASE)
					tt++;
			if (!hits_push(out, d, tt, n - tt))
				goto done;
		}
		sx_cursor_next(&c[lead]);
	}
	ok = true;
done:
	free(c);
	free(mc);
	return ok;
}

/* The tokens whose text begins with the bytes of p (a one-character word: FTS5's prefix rule, so "ア"
 * also covers ア with a combining mark); only unigrams when unigrams_only. malloc'd; NULL when none
 * (or no memory: *oom). */
static uint32_t *
prefix_members(const sx_index_t *ix, const char *p, size_t len, bool unigrams_only, uint32_t *n, bool *oom)
{
	uint32_t t, *m = NULL, cap = 0;

	*n = 0;
	for (t = sx_first(ix, sx_first_cp(p, len)); t != SX_NONE; t = ix->toks[t].next_first) {
		const sx_token_t *k = &ix->toks[t];
		if (k->klen < len || memcmp(ix->keys + k->key, p, len) != 0)
			continue;
		if (unigrams_only && k->kind != TOKEN_UNIGRAM)
			continue;
		if (*n == cap) {
			uint32_t *more;
			cap = cap ? cap * 2 : 8;
			more = realloc(m, sizeof(uint32_t) * cap);
			if (more == NULL) {
				free(m);
				*oom = true;
				*n = 0;
				return NULL;
			}
			m = more;
		}
		m[(*n)++] = t;
	}
	return m;
}

static bool
eval_word(const sx_index_t *ix, const search_query_t *q, const query_word_t *w, hits_t *out, scratch_t *sc,
    const only_t *only)
{
	uint32_t toks[QUERY_MAX_BYTES], nf = w->prefix ? w->ntok - 1 : w->ntok, i, nm = 0, *members = NULL;
	const char *p = q->toks.data + w->off;
	bool ok, oom = false;

	if (w->ntok == 0 || w->ntok > QUERY_MAX_BYTES)
		return true;
	for (i = 0; i < w->ntok; i++) {
		size_t len = strlen(p);
		if (i < nf) {
			toks[i] = sx_lookup(ix, p, len);
			if (toks[i] == SX_NONE) {
				free(members);
				return true;  /* no document has it */
			}
		} else {
			/* a lone character: the unigram lists have every occurrence (index.h); at the end of a
			 * phrase, the tokens that begin with it, which carry the positions */
			members = prefix_members(ix, p, len, nf == 0, &nm, &oom);
			if (nm == 0)
				return !oom;
		}
		p += len + 1;
	}
	if (nf == 0)
		ok = eval_union(ix, members, nm, out, only);
	else if (nf == 1 && nm == 0)
		ok = eval_list(ix, toks[0], out, only);
	else
		ok = eval_phrase(ix, toks, nf, members, nm, out, sc, only);
	free(members);
	return ok;
}

/* How many documents a word is in, estimated from its tokens' lists without reading them: the rarest
 * token's count for a phrase, the sum over the unigrams for a lone character. Used to order the
 * groups (the rarest first, the others looked for only in its documents) and as BM25's document
 * frequency, so that a word scores the same whichever order it was evaluated in. */
static double
est_word(const sx_index_t *ix, const search_query_t *q, const query_word_t *w)
{
	uint32_t nf = w->prefix ? w->ntok - 1 : w->ntok, i, t, nm = 0, *members;
	const char *p = q->toks.data + w->off;
	double est = -1.0;
	bool oom = false;

	for (i = 0; i < w->ntok && i < QUERY_MAX_BYTES; i++) {
		size_t len = strlen(p);
		if (i < nf) {
			t = sx_lookup(ix, p, len);
			if (t == SX_NONE)
				return 0.0;
			if (est < 0 || ix->toks[t].ndocs < est)
				est = ix->toks[t].ndocs;
		} else if (nf == 0) {
			members = prefix_members(ix, p, len, true, &nm, &oom);
			est = 0.0;
			for (t = 0; t < nm; t++)
				est += ix->toks[members[t]].ndocs;
			free(members);
		}
		p += len + 1;
	}
	if (est < 0)
		est = 0.0;
	return est > ix->nalive ? ix->nalive : est;
}

typedef struct bitmap {
	uint64_t *w;
	uint32_t  nw;
} bitmap_t;

static bool
bitmap_init(bitmap_t *b, uint32_t n)
{
	b->nw = n / 64 + 1;
	b->w = calloc(b->nw, sizeof(uint64_t));
	return b->w != NULL;
}

static inline bool
bit_get(const bitmap_t *b, uint32_t i)
{
	return (b->w[i >> 6] >> (i & 63)) & 1;
}

static inline void
bit_set(bitmap_t *b, uint32_t i)
{
	b->w[i >> 6] |= (uint64_t)1 << (i & 63);
}

typedef struct scored {
	double      key;
	int64_t     id;
	const char *name;  /* SORT_NAME: the name it is ordered by (in the index); NULL otherwise */
} scored_t;

static inline bool
better(const scored_t *a, const scored_t *b)
{
	if (a->name != NULL && b->name != NULL) {
		int c = strcmp(a->name, b->name);
		if (c != 0)
			return c < 0;
	}
	return a->key > b->key || (a->key == b->key && a->id > b->id);
}

/* A min-heap of the best k: the root is the worst kept. */
typedef struct topk {
	scored_t *h;
	uint32_t  n, k;
} topk_t;

static void
topk_push(topk_t *t, double key, int64_t id, const char *name)
{
	scored_t s = { key, id, name };
	uint32_t i, c;

	if (t->k == 0)
		return;
	if (t->n < t->k) {
		i = t->n++;
		while (i > 0 && better(&t->h[(i - 1) / 2], &s)) {
			t->h[i] = t->h[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		t->h[i] = s;
		return;
	}
	if (!better(&s, &t->h[0]))
		return;
	i = 0;
	for (;;) {
		c = 2 * i + 1;
		if (c >= t->n)
			break;
		if (c + 1 < t->n && better(&t->h[c], &t->h[c + 1]))
			c++;
		if (!better(&s, &t->h[c]))
			break;
		t->h[i] = t->h[c];
		i = c;
	}
	t->h[i] = s;
}

static int
cmp_scored_desc(const void *a, const void *b)
{
	const scored_t *x = a, *y = b;

	return better(x, y) ? -1 : better(y, x) ? 1 : 0;
}

static bool
visible(const sx_doc_t *d, int64_t now)
{
	return d->status == SX_PUBLISHED && (d->listing_start == 0 || d->listing_start <= now) &&
	    (d->listing_end == 0 || d->listing_end > now);
}

/* The status code of a staff filter: -1 for none, -2 for a status no document has. */
static int
want_status(const char *s)
{
	static const char *const names[] = { "draft", "pending", "published", "archived" };
	static const int codes[] = { SX_DRAFT, SX_PENDING, SX_PUBLISHED, SX_ARCHIVED };

	if (s == NULL || s[0] == '\0')
		return -1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return codes[i];
	return -2;
}

static bool
has_part(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* Whether the document passes the staff lists' filters (search.h); status from want_status. */
static bool
staff_match(const sx_index_t *ix, const sx_doc_t *d, const search_params_t *p, int status)
{
	if (status != -1 && (int)d->status != status)
		return false;
	if (p->ends_before != 0 && (d->listing_end == 0 || d->listing_end >= p->ends_before))
		return false;
	if (p->ends_after != 0 && d->listing_end != 0 && d->listing_end < p->ends_after)
		return false;
	if (p->active_on != 0 && ((d->listing_start != 0 && d->listing_start > p->active_on) ||
	    (d->listing_end != 0 && d->listing_end <= p->active_on)))
		return false;
	if (has_part(p->title_part) && strstr(sx_skey(ix, d, 0), p->title_part) == NULL)
		return false;
	if (has_part(p->kana_part) && strstr(sx_skey(ix, d, 1), p->kana_part) == NULL)
		return false;
	if (has_part(p->company_part) && strstr(sx_skey(ix, d, 2), p->company_part) == NULL)
		return false;
	return true;
}

/* Filter bits per term index: bit f set when the term satisfies filter f. */
static uint8_t *
filter_bits(const sx_index_t *ix, const search_params_t *p, uint8_t *need)
{
	uint8_t *bits = calloc(sx_nslots(ix) + 1, 1);  /* by slot; the last one, "unknown", stays 0 */
	int f, j;
	uint32_t t;

	*need = 0;
	if (bits == NULL)
		return NULL;
	for (f = 0; f < p->nfilters && f < SEARCH_MAX_FILTERS; f++) {
		const search_filter_t *fl = &p->filters[f];
		if (fl->ncodes <= 0 || fl->vocab == NULL)
			continue;
		*need |= (uint8_t)(1u << f);
		for (t = 0; t < sx_nslots(ix); t++) {
			if (strcmp(ix->terms[t].vocab, fl->vocab) != 0 &&
			    (fl->vocab_alt == NULL || strcmp(ix->terms[t].vocab, fl->vocab_alt) != 0))
				continue;
			for (j = 0; j < fl->ncodes && j < SEARCH_MAX_CODES; j++)
				if (fl->codes[j] != NULL && strcmp(ix->terms[t].code, fl->codes[j]) == 0)
					bits[t] |= (uint8_t)(1u << f);
		}
	}
	return bits;
}

static bool
run_index(const sx_index_t *ix, arena_t *a, const search_params_t *p, const search_query_t *q, search_result_t *out)
{
	hits_t words[QUERY_MAX_TERMS];
	uint32_t wpos[QUERY_MAX_TERMS], *cand = NULL, ncand = 0, i, d, t;
	double idf[QUERY_MAX_TERMS], df[QUERY_MAX_TERMS], gest[QUERY_MAX_TERMS], avgdl, norm0, norm1;
	int w, g, gi, gorder[QUERY_MAX_TERMS], npos = 0, per = p->per_page, page = p->page;
	bitmap_t excl = { 0 }, un = { 0 }, only = { 0 };
	scratch_t sc = { 0 };
	uint8_t *fbits = NULL, need = 0;
	uint32_t *counts = NULL;
	topk_t top = { 0 };
	bool ok = false, all, ranked, staffed;
	int status = want_status(p->status);
	size_t first;

	memset(words, 0, sizeof(words));
	if (per <= 0 || per > SEARCH_MAX_PER_PAGE)
		per = 20;
	if (page <= 0)
		page = 1;
	if (page > SEARCH_MAX_PAGE)
		page = SEARCH_MAX_PAGE;
	for (w = 0; w < q->nwords; w++) {
		df[w] = est_word(ix, q, &q->words[w]);
		if (!q->words[w].exclude)
			npos++;
	}
	/* groups in order of their estimated size: the first is looked for everywhere, each next one only
	 * in the candidates left (groups intersected, each the union of its words) */
	for (g = 0; g < q->ngroups && g < QUERY_MAX_TERMS; g++) {
		gorder[g] = g;
		gest[g] = 0.0;
		for (w = 0; w < q->nwords; w++)
			if (!q->words[w].exclude && q->words[w].group == g)
				gest[g] += df[w];
	}
	for (g = 1; g < q->ngroups && g < QUERY_MAX_TERMS; g++) {  /* insertion sort: at most 16 */
		int k = gorder[g], j = g;
		while (j > 0 && gest[gorder[j - 1]] > gest[k]) {
			gorder[j] = gorder[j - 1];
			j--;
		}
		gorder[j] = k;
	}
	all = npos == 0;
	for (gi = 0; gi < q->ngroups && gi < QUERY_MAX_TERMS && !all; gi++) {
		uint32_t *gd = NULL, gn = 0, *owned = NULL;
		int nw = 0, last = -1;
		only_t o = { cand, ncand };
		g = gorder[gi];
		for (w = 0; w < q->nwords; w++)
			if (!q->words[w].exclude && q->words[w].group == g) {
				if (!eval_word(ix, q, &q->words[w], &words[w], &sc, cand != NULL ? &o : NULL))
					goto done;
				nw++;
				last = w;
			}
		if (nw == 0)
			continue;
		if (nw == 1) {
			gd = words[last].doc;
			gn = words[last].n;
		} else {
			if (!bitmap_init(&un, ix->ndocs))
				goto done;
			for (w = 0; w < q->nwords; w++)
				if (!q->words[w].exclude && q->words[w].group == g)
					for (i = 0; i < words[w].n; i++)
						bit_set(&un, words[w].doc[i]);
			owned = malloc(sizeof(uint32_t) * ((size_t)ix->ndocs + 1));
			if (owned == NULL)
				goto done;
			for (d = 0; d < ix->ndocs; d++)
				if (bit_get(&un, d))
					owned[gn++] = d;
			free(un.w);
			un.w = NULL;
			gd = owned;
		}
		if (cand == NULL) {
			cand = malloc(sizeof(uint32_t) * ((size_t)gn + 1));
			if (cand == NULL) {
				free(owned);
				goto done;
			}
			if (gn > 0)
				memcpy(cand, gd, sizeof(uint32_t) * gn);
			ncand = gn;
		} else {
			uint32_t k = 0, j = 0;
			for (i = 0; i < ncand; i++) {
				while (j < gn && gd[j] < cand[i])
					j++;
				if (j < gn && gd[j] == cand[i])
					cand[k++] = cand[i];
			}
			ncand = k;
		}
		free(owned);
	}
	if (!bitmap_init(&excl, ix->ndocs))
		goto done;
	for (w = 0; w < q->nwords; w++) {
		only_t o = { cand, ncand };
		if (!q->words[w].exclude)
			continue;
		if (!eval_word(ix, q, &q->words[w], &words[w], &sc, all ? NULL : &o))
			goto done;
		for (i = 0; i < words[w].n; i++)
			bit_set(&excl, words[w].doc[i]);
	}
	if (p->only) {
		if (!bitmap_init(&only, ix->ndocs))
			goto done;
		for (i = 0; p->only_ids != NULL && (int)i < p->nonly_ids; i++)
			if ((d = sx_docno(ix, p->only_ids[i])) != SX_NONE)
				bit_set(&only, d);
	}
	staffed = status != -1 || p->ends_before != 0 || p->ends_after != 0 || p->active_on != 0 ||
	    has_part(p->title_part) || has_part(p->kana_part) || has_part(p->company_part);
	fbits = filter_bits(ix, p, &need);
	counts = calloc(sx_nslots(ix) + 1, sizeof(uint32_t));
	first = (size_t)(page - 1) * (size_t)per;
	if (p->all) {
		/* an export: every match, so the heap holds every document it could be */
		first = 0;
		per = ix->ndocs > 0 ? (int)ix->ndocs : 1;
	}
	top.k = (uint32_t)(first + (size_t)per);
	top.h = malloc(sizeof(scored_t) * top.k);
	if (fbits == NULL || counts == NULL || top.h == NULL)
		goto done;
	ranked = p->sort == SORT_RELEVANCE && npos > 0;
	avgdl = ix->nalive > 0 ? (double)ix->alive_len / ix->nalive : 1.0;
	if (avgdl <= 0)
		avgdl = 1.0;
	/* BM25's length normalisation k1 * (1 - b + b * len / avgdl) = norm0 + norm1 * len */
	norm0 = BM25_K1 * (1.0 - BM25_B);
	norm1 = BM25_K1 * BM25_B / avgdl;
	for (w = 0; w < q->nwords; w++) {
		double n = df[w], N = ix->nalive;
		idf[w] = log((N - n + 0.5) / (n + 0.5));
		if (idf[w] <= 0.0)
			idf[w] = 1e-6;
		idf[w] *= BM25_K1 + 1.0;
		wpos[w] = 0;
	}
	for (i = 0; all ? i < ix->ndocs : i < ncand; i++) {
		const sx_doc_t *doc;
		const uint16_t *dt;
		uint8_t have = 0;
		double key;
		const char *name = NULL;

		d = all ? i : cand[i];
		doc = &ix->docs[d];
		if (!doc->alive || (!p->staff && !visible(doc, p->now)) || bit_get(&excl, d) ||
		    (p->only && !bit_get(&only, d)) || (staffed && !staff_match(ix, doc, p, status)))
			continue;
		dt = ix->doc_slots + doc->terms_off;
		if (need) {
			for (t = 0; t < doc->nterms; t++)
				have |= fbits[dt[t]];
			if ((have & need) != need)
				continue;
		}
		out->total++;
		if (p->facets)
			for (t = 0; t < doc->nterms; t++)
				counts[dt[t]]++;
		if (ranked) {
			double norm = norm0 + norm1 * doc->len;
			key = 0.0;
			for (w = 0; w < q->nwords; w++) {
				hits_t *h = &words[w];
				double f;
				if (q->words[w].exclude)
					continue;
				while (wpos[w] < h->n && h->doc[wpos[w]] < d)
					wpos[w]++;
				if (wpos[w] == h->n || h->doc[wpos[w]] != d)
					continue;
				f = TITLE_WEIGHT * h->tt[wpos[w]] + h->tb[wpos[w]];
				key += idf[w] * f / (f + norm);  /* idf[] includes (k1 + 1) */
			}
		} else if (p->sort == SORT_DEADLINE) {
			key = doc->deadline ? -(double)doc->deadline : -1e300;
		} else if (p->sort == SORT_UPDATED || p->sort == SORT_NAME) {
			key = (double)doc->updated_at;
			if (p->sort == SORT_NAME) {
				name = sx_skey(ix, doc, 1);
				if (name[0] == '\0')
					name = sx_skey(ix, doc, 0);
			}
		} else {
			key = doc->published_at ? (double)doc->published_at : -1e300;
		}
		topk_push(&top, key, doc->id, name);
	}
	/* the page */
	qsort(top.h, top.n, sizeof(scored_t), cmp_scored_desc);
	out->ids = arena_alloc(a, sizeof(int64_t) * (size_t)per);
	if (out->ids == NULL)
		goto done;
	for (i = (uint32_t)first; i < top.n; i++)
		out->ids[out->nids++] = top.h[i].id;
	if (p->facets) {
		uint32_t nf = 0;
		for (t = 0; t < sx_nslots(ix); t++)
			if (counts[t] > 0 && ix->terms[t].facet)
				nf++;
		out->facets = arena_alloc(a, sizeof(facet_count_t) * (nf + 1));
		if (out->facets == NULL)
			goto done;
		for (t = 0; t < sx_nslots(ix); t++) {
			facet_count_t *f;
			if (counts[t] == 0 || !ix->terms[t].facet)
				continue;
			f = &out->facets[out->nfacets++];
			f->vocab = arena_strdup(a, ix->terms[t].vocab);
			f->code = arena_strdup(a, ix->terms[t].code);
			f->name = arena_strdup(a, ix->terms[t].name);
			f->count = counts[t];
			if (f->vocab == NULL || f->code == NULL || f->name == NULL)
				goto done;
		}
	}
	ok = true;
done:
	for (w = 0; w < q->nwords; w++)
		hits_free(&words[w]);
	free(cand);
	free(excl.w);
	free(un.w);
	free(only.w);
	free(sc.pa);
	free(sc.pb);
	free(sc.pc);
	free(fbits);
	free(counts);
	free(top.h);
	return ok;
}

bool
search_run(db_t *db, arena_t *a, const search_params_t *p, search_result_t *out)
{
	search_query_t sq;
	const char *q = p->q ? p->q : "";
	slot_t *sl;
	state_t s;
	bool ok = false, in_txn;
	int tries;

	memset(out, 0, sizeof(*out));
	if (p->type == NULL || (sl = get_slot(p->type)) == NULL)
		return false;
	if (!search_query_parse(q, strlen(q), &sq))
		return false;
	/* words were typed (anything but spaces, U+3000 included) yet none is searchable: nothing matches */
	if (sq.nwords == 0 && q[strspn(q, " \t\xe3\x80\x80")] != '\0') {
		out->empty_query = true;
		search_query_free(&sq);
		return true;
	}
	in_txn = db_in_transaction(db);
	if (!read_state(db, &s))
		goto done;
	for (tries = 0; tries < 3; tries++) {
		pthread_rwlock_rdlock(&sl->lock);
		if (fresh(sl->ix, &s) || (tries == 2 && sl->ix != NULL && !in_txn)) {
			ok = run_index(sl->ix, a, p, &sq, out);
			pthread_rwlock_unlock(&sl->lock);
			goto done;
		}
		pthread_rwlock_unlock(&sl->lock);
		if (in_txn) {
			/* this connection may see its own uncommitted writes: a private index of what it sees */
			sx_index_t *own = build_full(db, p->type, &s);
			if (own != NULL)
				ok = run_index(own, a, p, &sq, out);
			sx_free(own);
			goto done;
		}
		pthread_rwlock_wrlock(&sl->lock);
		ok = refresh(sl, db);
		pthread_rwlock_unlock(&sl->lock);
		if (!ok || !read_state(db, &s))
			goto done;
		ok = false;
	}
done:
	search_query_free(&sq);
	return ok;
}

bool
search_ready(const char *type)
{
	slot_t *sl = type != NULL ? get_slot(type) : NULL;
	bool ready = false;

	if (sl != NULL && pthread_rwlock_tryrdlock(&sl->lock) == 0) {
		ready = sl->ix != NULL;
		pthread_rwlock_unlock(&sl->lock);
	}
	return ready;
}

bool
search_term_names(const char *type, int64_t id, const char *vocab, const char *sep, buf_t *out)
{
	slot_t *sl = get_slot(type);
	const sx_index_t *ix;
	uint32_t d, t, n = 0;
	uint16_t picked[256];
	bool ok = false;

	if (sl == NULL)
		return false;
	pthread_rwlock_rdlock(&sl->lock);
	ix = sl->ix;
	if (ix != NULL && (d = sx_docno(ix, id)) != SX_NONE) {
		const uint16_t *dt = ix->doc_slots + ix->docs[d].terms_off;
		for (t = 0; t < ix->docs[d].nterms && n < 256; t++)
			if (dt[t] < sx_nslots(ix) && strcmp(ix->terms[dt[t]].vocab, vocab) == 0)
				picked[n++] = dt[t];
		/* slots are in display order (vocabulary, sort, code): sort the few picked */
		for (t = 1; t < n; t++) {
			uint16_t v = picked[t];
			uint32_t j = t;
			while (j > 0 && picked[j - 1] > v) {
				picked[j] = picked[j - 1];
				j--;
			}
			picked[j] = v;
		}
		for (t = 0; t < n; t++) {
			if (t > 0)
				buf_puts(out, sep);
			buf_puts(out, ix->terms[picked[t]].name);
		}
		ok = !out->oom;
	}
	pthread_rwlock_unlock(&sl->lock);
	return ok;
}

int64_t
search_log_seq(db_t *db)
{
	db_stmt_t *st = db_prepare(db, "SELECT ifnull((SELECT seq FROM sqlite_sequence WHERE name = 'search_log'), 0)");
	int64_t v = -1;

	if (st == NULL)
		return -1;
	if (db_step(st) == DB_ROW)
		v = db_col_i64(st, 0);
	db_done(st);
	return v;
}

bool
search_warm(db_t *db, const char *type)
{
	slot_t *sl = get_slot(type);
	bool ok;

	if (sl == NULL || db_in_transaction(db))
		return false;
	pthread_rwlock_wrlock(&sl->lock);
	ok = refresh(sl, db);
	pthread_rwlock_unlock(&sl->lock);
	return ok;
}

bool
search_stats(const char *type, search_stats_t *st)
{
	slot_t *sl = get_slot(type);

	memset(st, 0, sizeof(*st));
	if (sl == NULL)
		return false;
	pthread_rwlock_rdlock(&sl->lock);
	if (sl->ix != NULL) {
		st->docs = sl->ix->nalive;
		st->tokens = sl->ix->ntoks;
		st->bytes = sx_memory(sl->ix);
	}
	pthread_rwlock_unlock(&sl->lock);
	return true;
}

void
search_reset(void)
{
	int i;

	pthread_mutex_lock(&reg_mu);
	for (i = 0; i < nslots; i++) {
		pthread_rwlock_wrlock(&slots[i]->lock);
		sx_free(slots[i]->ix);
		pthread_rwlock_unlock(&slots[i]->lock);
		pthread_rwlock_destroy(&slots[i]->lock);
		free(slots[i]);
		slots[i] = NULL;
	}
	nslots = 0;
	pthread_mutex_unlock(&reg_mu);
}

int64_t
search_log_prune(db_t *db, int64_t before)
{
	db_stmt_t *st;
	int64_t n;

	if (!db_begin_write(db))
		return -1;
	st = db_prepare(db, "UPDATE search_state SET pruned_upto = max(pruned_upto, "
	    "ifnull((SELECT max(seq) FROM search_log WHERE at < ? AND seq < (SELECT max(seq) FROM search_log)), 0)) WHERE id = 1");
	if (st == NULL)
		goto fail;
	db_bind_i64(st, 1, before);
	if (db_run(st) != DB_DONE)
		goto fail;
	st = db_prepare(db, "DELETE FROM search_log WHERE seq <= (SELECT pruned_upto FROM search_state WHERE id = 1)");
	if (st == NULL || db_run(st) != DB_DONE)
		goto fail;
	n = db_changes(db);
	if (!db_commit(db))
		return -1;
	return n;
fail:
	db_rollback(db);
	return -1;
}

/* ---- snippets ---- */

typedef struct stok {
	size_t   text;   /* normalised, at stoks_t.texts.data + text (not NUL-terminated) */
	size_t   len, start, end;
	uint32_t pos;
} stok_t;

typedef struct stoks {
	stok_t  *t;
	buf_t    texts;  /* every token's text back to back: one buffer, not an allocation per token */
	size_t   n, cap;
	uint32_t pos;
	bool     oom;
} stoks_t;

static int
snip_token(void *ctx, token_kind_t kind, const char *tok, size_t len, size_t start, size_t end, bool colocated)
{
	stoks_t *s = ctx;
	stok_t *t;

	(void)kind;
	if (!colocated)
		s->pos++;
	if (s->n == s->cap) {
		size_t c = s->cap ? s->cap * 2 : 256;
		stok_t *more = realloc(s->t, sizeof(*more) * c);
		if (more == NULL) {
			s->oom = true;
			return -1;
		}
		s->t = more;
		s->cap = c;
	}
	t = &s->t[s->n];
	t->text = s->texts.len;
	if (!buf_append(&s->texts, tok, len)) {
		s->oom = true;
		return -1;
	}
	t->len = len;
	t->start = start;
	t->end = end;
	t->pos = s->pos;
	s->n++;
	return 0;
}

typedef struct range {
	size_t start, end, tok;
} range_t;

static int
cmp_range(const void *a, const void *b)
{
	const range_t *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The byte range of the word matched at token index i, or false. Tokens of one position are adjacent. */
static bool
match_at(const stoks_t *s, size_t i, const search_query_t *q, const query_word_t *w, range_t *r)
{
	const char *p = q->toks.data + w->off;
	size_t k, j = i, len;
	uint32_t want = s->t[i].pos;

	for (k = 0; k < w->ntok; k++, want++) {
		bool last_prefix = w->prefix && k + 1 == w->ntok, found = false;
		len = strlen(p);
		while (j < s->n && s->t[j].pos < want)
			j++;
		for (; j < s->n && s->t[j].pos == want; j++) {
			const stok_t *t = &s->t[j];
			const char *tt = s->texts.data + t->text;
			if (last_prefix ? t->len >= len && memcmp(tt, p, len) == 0 : t->len == len && memcmp(tt, p, len) == 0) {
				found = true;
				break;
			}
		}
		if (!found)
			return false;
		if (k == 0)
			r->start = s->t[j].start;
		r->end = s->t[j].end;
		if (last_prefix && s->t[j].len > len) {
			/* a bigram matched by its first character: that character ends where the next token starts */
			if (j + 1 < s->n && s->t[j + 1].start > s->t[j].start && s->t[j + 1].start < s->t[j].end)
				r->end = s->t[j + 1].start;
		}
		p += len + 1;
	}
	return true;
}

/* Moves a byte offset back to the start of its UTF-8 character. */
static size_t
char_start(const char *b, size_t i)
{
	while (i > 0 && ((unsigned char)b[i] & 0xc0) == 0x80)
		i--;
	return i;
}

static size_t
skip_chars(const char *b, size_t n, size_t i, size_t chars, bool back)
{
	if (!back)
		return i >= n ? i : i + str_utf8_prefix(b + i, n - i, chars);
	while (chars-- > 0 && i > 0)
		i = char_start(b, i - 1);
	return i;
}

bool
search_snippet(db_t *db, int64_t id, const char *q, int max_tokens, buf_t *html)
{
	search_query_t sq;
	db_stmt_t *st;
	stoks_t s = { 0 };
	range_t *ranges = NULL;
	size_t nr = 0, i, n, from, to, at;
	const char *b;
	int w;
	bool ok = false;

	if (max_tokens <= 0 || max_tokens > 64)
		max_tokens = 32;
	if (!search_query_parse(q ? q : "", q ? strlen(q) : 0, &sq))
		return false;
	st = db_prepare(db, "SELECT body FROM entities WHERE id = ?");
	if (st == NULL)
		goto done;
	db_bind_i64(st, 1, id);
	if (db_step(st) != DB_ROW) {
		db_done(st);
		ok = true;
		goto done;
	}
	b = db_col_text(st, 0);
	n = db_col_len(st, 0);
	s.pos = UINT32_MAX;
	if (sq.nwords > 0 && search_tokenize(b, n, true, &s, snip_token) == 0 && !s.oom && s.n > 0) {
		ranges = malloc(sizeof(range_t) * s.n);
		for (i = 0; ranges != NULL && i < s.n; i++) {
			for (w = 0; w < sq.nwords; w++) {
				range_t r;
				if (sq.words[w].exclude || !match_at(&s, i, &sq, &sq.words[w], &r))
					continue;
				r.tok = i;
				ranges[nr++] = r;
				break;
			}
		}
	}
	if (nr > 0) {
		size_t lead = (size_t)max_tokens / 4, ft;
		qsort(ranges, nr, sizeof(range_t), cmp_range);
		/* a window of max_tokens tokens, a quarter of it before the first match (like FTS5's snippet) */
		ft = ranges[0].tok;
		from = ft <= lead ? 0 : s.t[ft - lead].start;
		to = ft + (size_t)max_tokens - lead >= s.n ? n : s.t[ft + (size_t)max_tokens - lead].start;
		if (to < ranges[0].end)
			to = ranges[0].end;
		if (from > 0)
			buf_puts(html, "…");
		at = from;
		for (i = 0; i < nr && ranges[i].start < to; i++) {
			size_t rs = ranges[i].start, re = ranges[i].end;
			if (re <= at)
				continue;
			if (rs < at)
				rs = at;
			while (i + 1 < nr && ranges[i + 1].start <= re) {  /* overlapping or touching: one mark */
				if (ranges[i + 1].end > re)
					re = ranges[i + 1].end;
				i++;
			}
			if (re > to)
				re = to;
			buf_append_html(html, b + at, rs - at);
			buf_puts(html, "<mark>");
			buf_append_html(html, b + rs, re - rs);
			buf_puts(html, "</mark>");
			at = re;
		}
		buf_append_html(html, b + at, to - at);
		if (to < n)
			buf_puts(html, "…");
	} else {
		/* no match in the body: its beginning */
		to = skip_chars(b, n, 0, (size_t)max_tokens * 3, false);
		buf_append_html(html, b, to);
		if (to < n)
			buf_puts(html, "…");
	}
	db_done(st);
	ok = !html->oom;
done:
	buf_free(&s.texts);
	free(s.t);
	free(ranges);
	search_query_free(&sq);
	return ok;
}
