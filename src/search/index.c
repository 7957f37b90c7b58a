/*
 * index.c - the in-memory inverted index (index.h): token table, posting lists, documents, terms.
 *
 * Adding a document tokenizes its title and body once (tokenize.h, the same path as queries), collects
 * (token, position) occurrences, groups them by token with a counting pass (no sort) and appends one
 * entry to each token's posting list. Hash tables are open addressing with linear probing, kept at
 * most half full.
 */
#include "search/index.h"
#include "search/tokenize.h"
#include "core/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_TABLE 1024u

static bool
grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 16;
	void *q;

	if (need <= *cap)
		return true;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * elem);
	if (q == NULL)
		return false;
	*p = q;
	*cap = n;
	return true;
}

static bool
grow32(void **p, uint32_t *cap, size_t need, size_t elem)
{
	size_t c = *cap;
	bool ok;

	if (need > UINT32_MAX / 2)
		return false;
	ok = grow(p, &c, need, elem);
	*cap = (uint32_t)c;
	return ok;
}

static inline uint32_t
hash_bytes(const char *s, size_t n)
{
	uint64_t h = str_hash64(s, n);
	return (uint32_t)(h ^ (h >> 32));
}

static inline uint32_t
hash_u64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (uint32_t)x;
}

static size_t
put_varint(uint8_t *p, uint32_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

static inline uint32_t
get_varint(const uint8_t **pp)
{
	const uint8_t *p = *pp;
	uint32_t v = 0;
	int shift = 0;

	while (*p & 0x80) {
		v |= (uint32_t)(*p++ & 0x7f) << shift;
		shift += 7;
	}
	v |= (uint32_t)*p++ << shift;
	*pp = p;
	return v;
}

#define NOPOS 0x80000000u  /* an occurrence flag: counted, but its position is not stored */

uint32_t
sx_first_cp(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (n == 0)
		return 0;
	if (u[0] < 0x80)
		return u[0];
	if ((u[0] & 0xe0) == 0xc0 && n >= 2)
		return ((uint32_t)(u[0] & 0x1f) << 6) | (u[1] & 0x3f);
	if ((u[0] & 0xf0) == 0xe0 && n >= 3)
		return ((uint32_t)(u[0] & 0x0f) << 12) | ((uint32_t)(u[1] & 0x3f) << 6) | (u[2] & 0x3f);
	if (n >= 4)
		return ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3f) << 12) | ((uint32_t)(u[2] & 0x3f) << 6) |
		    (u[3] & 0x3f);
	return 0;
}

sx_index_t *
sx_new(const char *type)
{
	sx_index_t *ix = calloc(1, sizeof(*ix));

	if (ix == NULL)
		return NULL;
	snprintf(ix->type, sizeof(ix->type), "%s", type);
	ix->tok_table = calloc(MIN_TABLE, sizeof(uint32_t));
	ix->first_table = calloc(MIN_TABLE * 2, sizeof(uint32_t));
	ix->id_table = calloc(MIN_TABLE * 2, sizeof(uint64_t));
	if (ix->tok_table == NULL || ix->first_table == NULL || ix->id_table == NULL) {
		sx_free(ix);
		return NULL;
	}
	ix->tok_mask = ix->first_mask = ix->id_mask = MIN_TABLE - 1;
	return ix;
}

static void
free_terms(sx_index_t *ix)
{
	uint32_t i;

	for (i = 0; i < ix->nterms; i++) {
		free(ix->terms[i].vocab);
		free(ix->terms[i].code);
		free(ix->terms[i].name);
	}
	free(ix->terms);
	free(ix->term_slot);
	ix->terms = NULL;
	ix->term_slot = NULL;
	ix->nterms = ix->nterm_slot = 0;
}

void
sx_free(sx_index_t *ix)
{
	uint32_t i;

	if (ix == NULL)
		return;
	for (i = 0; i < ix->ntoks; i++)
		free(ix->toks[i].post);
	free(ix->toks);
	free(ix->keys);
	free(ix->tok_table);
	free(ix->first_table);
	free(ix->id_table);
	free(ix->skeys);
	free(ix->docs);
	free(ix->doc_terms);
	free(ix->doc_slots);
	free_terms(ix);
	free(ix->occ);
	free(ix->touched);
	free(ix->bucket);
	free(ix);
}

/* ---- terms ---- */

bool
sx_terms_begin(sx_index_t *ix)
{
	free_terms(ix);
	return true;
}

bool
sx_terms_add(sx_index_t *ix, int64_t id, const char *vocab, const char *code, const char *name, bool facet)
{
	sx_term_t *t;

	if (id <= 0 || id >= SX_MAX_TERM_ID)
		return true;  /* not counted (index.h) */
	if ((ix->nterms & (ix->nterms - 1)) == 0) {  /* 0, 1, 2, 4, ...: double */
		sx_term_t *more = realloc(ix->terms, sizeof(*more) * (ix->nterms ? ix->nterms * 2 : 64));
		if (more == NULL)
			return false;
		ix->terms = more;
	}
	if ((uint32_t)id >= ix->nterm_slot) {
		uint32_t n = ix->nterm_slot ? ix->nterm_slot : 256;
		uint32_t *more;
		while (n <= (uint32_t)id)
			n *= 2;
		more = realloc(ix->term_slot, sizeof(uint32_t) * n);
		if (more == NULL)
			return false;
		memset(more + ix->nterm_slot, 0, sizeof(uint32_t) * (n - ix->nterm_slot));
		ix->term_slot = more;
		ix->nterm_slot = n;
	}
	t = &ix->terms[ix->nterms];
	t->id = id;
	t->vocab = strdup(vocab);
	t->code = strdup(code);
	t->name = strdup(name);
	t->facet = facet;
	if (t->vocab == NULL || t->code == NULL || t->name == NULL) {
		free(t->vocab);
		free(t->code);
		free(t->name);
		return false;
	}
	ix->nterms++;
	ix->term_slot[id] = ix->nterms;
	return true;
}

static uint16_t
slot_of(const sx_index_t *ix, uint32_t id)
{
	uint32_t s = sx_term_index(ix, id), unknown = sx_nslots(ix);

	return (uint16_t)(s == SX_NONE || s >= unknown ? unknown : s);
}

static void
map_slots(sx_index_t *ix, size_t from)
{
	size_t i;

	for (i = from; i < ix->ndoc_terms; i++)
		ix->doc_slots[i] = slot_of(ix, ix->doc_terms[i]);
}

void
sx_terms_end(sx_index_t *ix)
{
	map_slots(ix, 0);
}

/* ---- tables ---- */

static bool
rehash_tokens(sx_index_t *ix)
{
	uint32_t n = (ix->tok_mask + 1) * 2, i, *t = calloc(n, sizeof(uint32_t));

	if (t == NULL)
		return false;
	for (i = 0; i < ix->ntoks; i++) {
		uint32_t h = hash_bytes(ix->keys + ix->toks[i].key, ix->toks[i].klen) & (n - 1);
		while (t[h])
			h = (h + 1) & (n - 1);
		t[h] = i + 1;
	}
	free(ix->tok_table);
	ix->tok_table = t;
	ix->tok_mask = n - 1;
	return true;
}

uint32_t
sx_lookup(const sx_index_t *ix, const char *tok, size_t len)
{
	uint32_t h = hash_bytes(tok, len) & ix->tok_mask, v;

	while ((v = ix->tok_table[h]) != 0) {
		const sx_token_t *t = &ix->toks[v - 1];
		if (t->klen == len && memcmp(ix->keys + t->key, tok, len) == 0)
			return v - 1;
		h = (h + 1) & ix->tok_mask;
	}
	return SX_NONE;
}

static bool
first_put(sx_index_t *ix, uint32_t cp, uint32_t tok)
{
	uint32_t h, *e;

	if ((ix->nfirst + 1) * 2 > ix->first_mask + 1) {
		uint32_t n = (ix->first_mask + 1) * 2, i, *t = calloc((size_t)n * 2, sizeof(uint32_t));
		if (t == NULL)
			return false;
		for (i = 0; i <= ix->first_mask; i++) {
			uint32_t c = ix->first_table[i * 2];
			if (c == 0)
				continue;
			h = hash_u64(c) & (n - 1);
			while (t[h * 2])
				h = (h + 1) & (n - 1);
			t[h * 2] = c;
			t[h * 2 + 1] = ix->first_table[i * 2 + 1];
		}
		free(ix->first_table);
		ix->first_table = t;
		ix->first_mask = n - 1;
	}
	h = hash_u64(cp) & ix->first_mask;
	for (;;) {
		e = &ix->first_table[h * 2];
		if (e[0] == cp) {
			ix->toks[tok].next_first = e[1];
			e[1] = tok;
			return true;
		}
		if (e[0] == 0) {
			e[0] = cp;
			e[1] = tok;
			ix->toks[tok].next_first = SX_NONE;
			ix->nfirst++;
			return true;
		}
		h = (h + 1) & ix->first_mask;
	}
}

uint32_t
sx_first(const sx_index_t *ix, uint32_t cp)
{
	uint32_t h = hash_u64(cp) & ix->first_mask;

	if (cp == 0)
		return SX_NONE;
	while (ix->first_table[h * 2] != 0) {
		if (ix->first_table[h * 2] == cp)
			return ix->first_table[h * 2 + 1];
		h = (h + 1) & ix->first_mask;
	}
	return SX_NONE;
}

/* The token's index, added when new; SX_NONE on no memory. */
static uint32_t
intern(sx_index_t *ix, const char *tok, size_t len, uint8_t kind)
{
	uint32_t h, v, id;
	sx_token_t *t;

	h = hash_bytes(tok, len) & ix->tok_mask;
	while ((v = ix->tok_table[h]) != 0) {
		t = &ix->toks[v - 1];
		if (t->klen == len && memcmp(ix->keys + t->key, tok, len) == 0)
			return v - 1;
		h = (h + 1) & ix->tok_mask;
	}
	if (!grow32((void **)&ix->toks, &ix->captoks, (size_t)ix->ntoks + 1, sizeof(sx_token_t)) ||
	    !grow((void **)&ix->keys, &ix->keys_cap, ix->keys_len + len, 1))
		return SX_NONE;
	id = ix->ntoks;
	t = &ix->toks[id];
	memset(t, 0, sizeof(*t));
	t->key = (uint32_t)ix->keys_len;
	t->klen = (uint16_t)len;
	t->kind = kind;
	t->next_first = SX_NONE;
	memcpy(ix->keys + ix->keys_len, tok, len);
	ix->keys_len += len;
	ix->ntoks++;
	ix->tok_table[h] = id + 1;
	if (kind != TOKEN_WORD && !first_put(ix, sx_first_cp(tok, len), id))
		return SX_NONE;
	if ((uint64_t)ix->ntoks * 2 > (uint64_t)ix->tok_mask + 1 && !rehash_tokens(ix))
		return SX_NONE;
	return id;
}

static bool
id_put(sx_index_t *ix, int64_t id, uint32_t docno)
{
	uint32_t h;

	if ((ix->nids + 1) * 2 > ix->id_mask + 1) {
		uint32_t n = (ix->id_mask + 1) * 2, i;
		uint64_t *t = calloc((size_t)n * 2, sizeof(uint64_t));
		if (t == NULL)
			return false;
		for (i = 0; i <= ix->id_mask; i++) {
			uint64_t k = ix->id_table[i * 2];
			if (k == 0)
				continue;
			h = hash_u64(k) & (n - 1);
			while (t[h * 2])
				h = (h + 1) & (n - 1);
			t[h * 2] = k;
			t[h * 2 + 1] = ix->id_table[i * 2 + 1];
		}
		free(ix->id_table);
		ix->id_table = t;
		ix->id_mask = n - 1;
	}
	h = hash_u64((uint64_t)id) & ix->id_mask;
	while (ix->id_table[h * 2] != 0 && ix->id_table[h * 2] != (uint64_t)id)
		h = (h + 1) & ix->id_mask;
	if (ix->id_table[h * 2] == 0)
		ix->nids++;
	ix->id_table[h * 2] = (uint64_t)id;
	ix->id_table[h * 2 + 1] = docno;
	return true;
}

static uint32_t
id_get(const sx_index_t *ix, int64_t id)
{
	uint32_t h = hash_u64((uint64_t)id) & ix->id_mask;

	while (ix->id_table[h * 2] != 0) {
		if (ix->id_table[h * 2] == (uint64_t)id)
			return (uint32_t)ix->id_table[h * 2 + 1];
		h = (h + 1) & ix->id_mask;
	}
	return SX_NONE;
}

/* ---- documents ---- */

static int
on_token(void *ctx, token_kind_t kind, const char *tok, size_t len, size_t start, size_t end, bool colocated)
{
	sx_index_t *ix = ctx;
	uint32_t id;

	(void)start;
	(void)end;
	if (!colocated)
		ix->pos++;
	if (ix->pos >= ix->pos_limit) {
		ix->pos = ix->pos_limit;  /* a title of a million tokens: the rest is not indexed */
		return 0;
	}
	id = intern(ix, tok, len, (uint8_t)kind);
	if (id == SX_NONE || !grow((void **)&ix->occ, &ix->capocc, ix->nocc + 2, sizeof(uint64_t))) {
		ix->oom = true;
		return -1;
	}
	ix->occ[ix->nocc++] = (uint64_t)id << 32 | ix->pos;
	if (kind == TOKEN_BIGRAM) {
		/* its first character as a unigram, counted but without a position (index.h) */
		id = intern(ix, tok, search_unit_len(tok, len), TOKEN_UNIGRAM);
		if (id == SX_NONE) {
			ix->oom = true;
			return -1;
		}
		ix->occ[ix->nocc++] = (uint64_t)id << 32 | ix->pos | NOPOS;
	}
	return 0;
}

/* Appends one entry for document docno to each token it has. */
static bool
write_postings(sx_index_t *ix, uint32_t docno)
{
	size_t i, total = 0;
	uint32_t stamp = docno + 1;

	ix->ntouched = 0;
	for (i = 0; i < ix->nocc; i++) {
		uint32_t tok = (uint32_t)(ix->occ[i] >> 32);
		sx_token_t *t = &ix->toks[tok];
		if (t->stamp != stamp) {
			t->stamp = stamp;
			t->cnt = 0;
			if (!grow((void **)&ix->touched, &ix->captouched, ix->ntouched + 1, sizeof(uint32_t)))
				return false;
			ix->touched[ix->ntouched++] = tok;
		}
		t->cnt++;
	}
	for (i = 0; i < ix->ntouched; i++) {
		sx_token_t *t = &ix->toks[ix->touched[i]];
		t->off = (uint32_t)total;
		total += t->cnt;
		t->cnt = 0;
	}
	if (!grow((void **)&ix->bucket, &ix->capbucket, ix->nocc, sizeof(uint32_t)))
		return false;
	for (i = 0; i < ix->nocc; i++) {
		sx_token_t *t = &ix->toks[ix->occ[i] >> 32];
		ix->bucket[t->off + t->cnt++] = (uint32_t)ix->occ[i];
	}
	for (i = 0; i < ix->ntouched; i++) {
		sx_token_t *t = &ix->toks[ix->touched[i]];
		const uint32_t *pos = ix->bucket + t->off;
		uint32_t n = t->cnt, j, nt = 0, prev = 0;
		uint8_t posbuf[5 * 64], *pb = posbuf, *heapbuf = NULL;
		size_t plen = 0, need;

		if (n > 64) {
			heapbuf = malloc((size_t)n * 5);
			if (heapbuf == NULL)
				return false;
			pb = heapbuf;
		}
		for (j = 0; j < n; j++)
			if ((pos[j] & ~NOPOS) < SX_BODY_BASE)
				nt++;
		prev = nt > 0 ? 0 : SX_BODY_BASE;  /* index.h: deltas start from the field's base */
		for (j = 0; j < n; j++) {
			if (pos[j] & NOPOS)
				continue;
			plen += put_varint(pb + plen, pos[j] - prev);
			prev = pos[j];
		}
		need = (size_t)t->len + 20 + plen;
		if (need > UINT32_MAX / 2) {
			free(heapbuf);
			return false;
		}
		if (need > t->cap) {
			size_t c = t->cap;
			if (!grow((void **)&t->post, &c, need, 1)) {
				free(heapbuf);
				return false;
			}
			t->cap = (uint32_t)c;
		}
		t->len += (uint32_t)put_varint(t->post + t->len, stamp - t->last);
		t->len += (uint32_t)put_varint(t->post + t->len, nt);
		t->len += (uint32_t)put_varint(t->post + t->len, n - nt);
		t->len += (uint32_t)put_varint(t->post + t->len, (uint32_t)plen);
		memcpy(t->post + t->len, pb, plen);
		t->len += (uint32_t)plen;
		t->last = stamp;
		t->ndocs++;
		free(heapbuf);
	}
	return true;
}

/* Appends the staff texts (title of tlen bytes, kana, company) to the pool; their offset into *off. */
static bool
put_skeys(sx_index_t *ix, const char *title, size_t tlen, const char *kana, const char *company, uint32_t *off)
{
	size_t kl = kana != NULL ? strlen(kana) : 0, cl = company != NULL ? strlen(company) : 0;
	const char *nul = title != NULL ? memchr(title, '\0', tlen) : NULL;

	if (title == NULL)
		tlen = 0;
	else if (nul != NULL)
		tlen = (size_t)(nul - title);
	if (ix->skeys_len + tlen + kl + cl + 3 > UINT32_MAX ||
	    !grow((void **)&ix->skeys, &ix->skeys_cap, ix->skeys_len + tlen + kl + cl + 3, 1))
		return false;
	*off = (uint32_t)ix->skeys_len;
	if (tlen > 0)
		memcpy(ix->skeys + ix->skeys_len, title, tlen);
	ix->skeys_len += tlen;
	ix->skeys[ix->skeys_len++] = '\0';
	if (kl > 0)
		memcpy(ix->skeys + ix->skeys_len, kana, kl);
	ix->skeys_len += kl;
	ix->skeys[ix->skeys_len++] = '\0';
	if (cl > 0)
		memcpy(ix->skeys + ix->skeys_len, company, cl);
	ix->skeys_len += cl;
	ix->skeys[ix->skeys_len++] = '\0';
	return true;
}

bool
sx_add(sx_index_t *ix, const sx_doc_t *meta, const char *title, size_t tlen, const char *body, size_t blen,
    const int64_t *term_ids, int nterms, const char *kana, const char *company)
{
	sx_doc_t *d;
	uint32_t docno, title_len, skeys;
	int i;
	bool ok;

	if (ix->ndocs == SX_NONE - 1)
		return false;
	if (!put_skeys(ix, title, tlen, kana, company, &skeys))
		return false;
	if (!grow32((void **)&ix->docs, &ix->capdocs, (size_t)ix->ndocs + 1, sizeof(sx_doc_t)) ||
	    !grow((void **)&ix->doc_terms, &ix->capdoc_terms, ix->ndoc_terms + (size_t)(nterms > 0 ? nterms : 0),
	    sizeof(uint32_t)) ||
	    !grow((void **)&ix->doc_slots, &ix->capdoc_slots, ix->ndoc_terms + (size_t)(nterms > 0 ? nterms : 0),
	    sizeof(uint16_t)))
		return false;
	docno = ix->ndocs;
	ix->nocc = 0;
	ix->oom = false;
	ix->pos = UINT32_MAX;  /* the first token's position is 0 */
	ix->pos_limit = SX_BODY_BASE - 1;
	ok = search_tokenize(title, tlen, true, ix, on_token) == 0;
	title_len = ix->pos + 1;
	ix->pos = SX_BODY_BASE - 1;  /* the body's first token lands at SX_BODY_BASE */
	ix->pos_limit = NOPOS - 1;
	if (ok)
		ok = search_tokenize(body, blen, true, ix, on_token) == 0;
	if (!ok || ix->oom) {
		ix->nocc = 0;
		if (ix->oom)
			return false;
		/* invalid UTF-8 (not expected: entities are validated): indexed without text */
		title_len = 0;
		ix->pos = SX_BODY_BASE - 1;
	}
	if (!write_postings(ix, docno))
		return false;
	d = &ix->docs[docno];
	*d = *meta;
	d->skeys = skeys;
	d->len = title_len + (ix->pos - (SX_BODY_BASE - 1));  /* positions in title and body */
	d->terms_off = (uint32_t)ix->ndoc_terms;
	d->nterms = 0;
	for (i = 0; i < nterms && d->nterms < UINT16_MAX; i++) {
		if (term_ids[i] > 0 && term_ids[i] < SX_MAX_TERM_ID) {
			ix->doc_slots[ix->ndoc_terms] = slot_of(ix, (uint32_t)term_ids[i]);
			ix->doc_terms[ix->ndoc_terms++] = (uint32_t)term_ids[i];
			d->nterms++;
		}
	}
	d->alive = 1;
	if (!id_put(ix, d->id, docno))
		return false;
	ix->ndocs++;
	ix->nalive++;
	ix->alive_len += d->len;
	return true;
}

bool
sx_append(sx_index_t *dst, const sx_index_t *src)
{
	uint32_t base = dst->ndocs, i, id;
	size_t terms_base = dst->ndoc_terms, skeys_base = dst->skeys_len;

	if ((uint64_t)dst->ndocs + src->ndocs >= SX_NONE - 1 || skeys_base + src->skeys_len > UINT32_MAX ||
	    !grow((void **)&dst->skeys, &dst->skeys_cap, skeys_base + src->skeys_len + 1, 1) ||
	    !grow32((void **)&dst->docs, &dst->capdocs, (size_t)dst->ndocs + src->ndocs, sizeof(sx_doc_t)) ||
	    !grow((void **)&dst->doc_terms, &dst->capdoc_terms, dst->ndoc_terms + src->ndoc_terms + 1, sizeof(uint32_t)) ||
	    !grow((void **)&dst->doc_slots, &dst->capdoc_slots, dst->ndoc_terms + src->ndoc_terms + 1, sizeof(uint16_t)))
		return false;
	if (src->skeys_len > 0)
		memcpy(dst->skeys + skeys_base, src->skeys, src->skeys_len);
	dst->skeys_len += src->skeys_len;
	memcpy(dst->doc_terms + terms_base, src->doc_terms, sizeof(uint32_t) * src->ndoc_terms);
	dst->ndoc_terms += src->ndoc_terms;
	map_slots(dst, terms_base);  /* src may have no term table of its own */
	for (i = 0; i < src->ndocs; i++) {
		sx_doc_t *d = &dst->docs[base + i];
		*d = src->docs[i];
		d->terms_off += (uint32_t)terms_base;
		d->skeys += (uint32_t)skeys_base;
		if (!id_put(dst, d->id, base + i))
			return false;
	}
	for (i = 0; i < src->ntoks; i++) {
		const sx_token_t *st = &src->toks[i];
		const uint8_t *p = st->post;
		sx_token_t *dt;
		uint32_t first;
		size_t rest, need;

		if (st->len == 0)
			continue;
		id = intern(dst, src->keys + st->key, st->klen, st->kind);
		if (id == SX_NONE)
			return false;
		dt = &dst->toks[id];
		first = get_varint(&p);   /* the first entry's docno + 1 in src */
		rest = st->len - (size_t)(p - st->post);
		need = (size_t)dt->len + 5 + rest;
		if (need > UINT32_MAX / 2)
			return false;
		if (need > dt->cap) {
			size_t c = dt->cap;
			if (!grow((void **)&dt->post, &c, need, 1))
				return false;
			dt->cap = (uint32_t)c;
		}
		dt->len += (uint32_t)put_varint(dt->post + dt->len, first + base - dt->last);
		memcpy(dt->post + dt->len, p, rest);
		dt->len += (uint32_t)rest;
		dt->last = st->last + base;
		dt->ndocs += st->ndocs;
	}
	dst->ndocs += src->ndocs;
	dst->nalive += src->nalive;
	dst->alive_len += src->alive_len;
	return true;
}

void
sx_shrink(sx_index_t *ix)
{
	uint32_t i;

	for (i = 0; i < ix->ntoks; i++) {
		sx_token_t *t = &ix->toks[i];
		uint8_t *p;
		if (t->cap <= t->len + 16)
			continue;
		p = realloc(t->post, t->len ? t->len : 1);
		if (p != NULL) {
			t->post = p;
			t->cap = t->len ? t->len : 1;
		}
	}
	if (ix->skeys_cap > ix->skeys_len + 4096) {
		char *k = realloc(ix->skeys, ix->skeys_len ? ix->skeys_len : 1);
		if (k != NULL) {
			ix->skeys = k;
			ix->skeys_cap = ix->skeys_len ? ix->skeys_len : 1;
		}
	}
	free(ix->occ);
	free(ix->touched);
	free(ix->bucket);
	ix->occ = NULL;
	ix->touched = ix->bucket = NULL;
	ix->capocc = ix->captouched = ix->capbucket = 0;
}

uint32_t
sx_docno(const sx_index_t *ix, int64_t id)
{
	uint32_t d = id_get(ix, id);

	return d != SX_NONE && ix->docs[d].alive ? d : SX_NONE;
}

bool
sx_remove(sx_index_t *ix, int64_t id)
{
	uint32_t docno = id_get(ix, id);

	if (docno == SX_NONE || !ix->docs[docno].alive)
		return false;
	ix->docs[docno].alive = 0;
	ix->nalive--;
	ix->alive_len -= ix->docs[docno].len;
	return true;
}

/* ---- cursors ---- */

void
sx_cursor_init(sx_cursor_t *c, const sx_index_t *ix, uint32_t tok)
{
	memset(c, 0, sizeof(*c));
	if (tok == SX_NONE || tok >= ix->ntoks) {
		c->doc = SX_NONE;
		return;
	}
	c->p = ix->toks[tok].post;
	c->end = c->p + ix->toks[tok].len;
	c->doc = SX_NONE;  /* so that the first delta (docno + 1) lands on docno */
	sx_cursor_next(c);
}

void
sx_cursor_next(sx_cursor_t *c)
{
	if (c->p >= c->end) {
		c->doc = SX_NONE;
		c->p = c->end;
		return;
	}
	c->doc += get_varint(&c->p);  /* wraps from SX_NONE for the first entry */
	c->nt = get_varint(&c->p);
	c->nb = get_varint(&c->p);
	c->posbytes = get_varint(&c->p);
	c->pos = c->p;
	c->p += c->posbytes;
}

uint32_t
sx_cursor_positions(const sx_cursor_t *c, uint32_t *out)
{
	const uint8_t *p = c->pos, *end = c->pos + c->posbytes;
	uint32_t n = 0, v = c->nt > 0 ? 0 : SX_BODY_BASE;

	while (p < end) {
		v += get_varint(&p);
		out[n++] = v;
	}
	return n;
}

size_t
sx_memory(const sx_index_t *ix)
{
	size_t n = sizeof(*ix), i;

	for (i = 0; i < ix->ntoks; i++)
		n += ix->toks[i].cap;
	n += (size_t)ix->captoks * sizeof(sx_token_t) + ix->keys_cap + (size_t)(ix->tok_mask + 1) * 4 +
	    (size_t)(ix->first_mask + 1) * 8 + (size_t)(ix->id_mask + 1) * 16 + (size_t)ix->capdocs * sizeof(sx_doc_t) +
	    ix->capdoc_terms * 4 + ix->capdoc_slots * 2 + ix->skeys_cap + ix->capocc * 8 + ix->captouched * 4 + ix->capbucket * 4;
	return n;
}
