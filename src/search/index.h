/*
 * index.h - the in-memory inverted index of one entity type (internal to src/search; search.h is the
 * public face). Documents get dense numbers (docno) in the order they are added; an update or delete
 * marks the old docno dead and an update appends a new one, so every posting list stays sorted by
 * docno and is only ever appended to. Dead documents are skipped until the next full build.
 *
 * Positions: the title's tokens take positions from 0, the body's from SX_BODY_BASE, so no phrase spans
 * the two and a position tells its field without looking at the document. A posting-list entry is, in LEB128 varints: docno + 1 - the previous
 * entry's docno + 1, title hits, body hits, the byte length of the positions, then the positions as
 * deltas (from 0, or from SX_BODY_BASE when there are no title hits). Counting needs the first four
 * only; phrases read the positions.
 *
 * Besides the tokenizer's tokens, every CJK character (a unit: the character with its combining marks
 * and variation selectors) is also entered as a unigram at the position of the bigram it begins,
 * counted in the hits but without a stored position (the tokenizer's own trailing unigrams keep
 * theirs). So a one-character query reads the unigram lists of the units that begin with its bytes
 * (usually one), and the positions a phrase ending in a one-character prefix needs are still those
 * of the tokens beginning with it.
 */
#ifndef TSUNAGU_SEARCH_INDEX_H
#define TSUNAGU_SEARCH_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SX_NONE UINT32_MAX
#define SX_TYPE_MAX 64
#define SX_BODY_BASE (1u << 20)    /* the body's first position; a title's tokens beyond it are dropped */
#define SX_MAX_TERM_ID (1u << 24)  /* terms with larger ids are not counted in facets */
#define SX_MAX_SLOTS 0xffff        /* and so are terms beyond the 65,535th of a site */

enum { SX_DRAFT, SX_PENDING, SX_PUBLISHED, SX_ARCHIVED };

typedef struct sx_doc {
	int64_t  id;
	int64_t  published_at, deadline, listing_start, listing_end;  /* 0 = none */
	int64_t  updated_at;
	uint32_t skeys;      /* the staff list's texts in sx_index_t.skeys: title, kana, company name, each NUL-ended */
	uint32_t len;        /* positions used by title and body: BM25's document length */
	uint32_t terms_off;  /* term ids in sx_index_t.doc_terms */
	uint16_t nterms;
	uint8_t  status;
	uint8_t  alive;
} sx_doc_t;

typedef struct sx_term {
	int64_t  id;
	char    *vocab, *code, *name;
	bool     facet;
} sx_term_t;   /* sx_index_t.terms is in (vocab, sort, code) order */

typedef struct sx_token {
	uint8_t  *post;
	uint32_t  len, cap;
	uint32_t  last;        /* docno + 1 of the last entry; 0 = none */
	uint32_t  ndocs;       /* entries, dead documents included */
	uint32_t  key;         /* its text: keys + key, klen bytes */
	uint16_t  klen;
	uint8_t   kind;        /* token_kind_t; all but TOKEN_WORD are in a first-character chain */
	uint32_t  next_first;  /* next token beginning with the same CJK character; SX_NONE ends */
	uint32_t  stamp, cnt, off;  /* scratch while one document is added */
} sx_token_t;

typedef struct sx_index {
	char        type[SX_TYPE_MAX];
	char        instance[40];  /* search_state.instance of the database it was built from */
	int64_t     seq;           /* last search_log entry applied */

	sx_doc_t   *docs;
	uint32_t    ndocs, capdocs, nalive;
	uint64_t    alive_len;     /* sum of len over the living documents */
	uint32_t   *doc_terms;     /* term ids */
	uint16_t   *doc_slots;     /* the same terms as indexes in terms[]; sx_nslots(ix) for an unknown term */
	size_t      ndoc_terms, capdoc_terms, capdoc_slots;

	sx_token_t *toks;
	uint32_t    ntoks, captoks;
	char       *keys;
	size_t      keys_len, keys_cap;
	uint32_t   *tok_table;     /* open addressing: token index + 1; 0 = empty */
	uint32_t    tok_mask;
	uint32_t   *first_table;   /* pairs (code point, first token); code point 0 = empty */
	uint32_t    first_mask, nfirst;

	char       *skeys;         /* the documents' staff texts (sx_doc_t.skeys) */
	size_t      skeys_len, skeys_cap;

	uint64_t   *id_table;      /* pairs (entity id, docno); id 0 = empty */
	uint32_t    id_mask, nids;

	sx_term_t  *terms;
	uint32_t    nterms;
	uint32_t   *term_slot;     /* by term id: index in terms + 1; 0 = unknown */
	uint32_t    nterm_slot;

	/* scratch for sx_add */
	uint64_t   *occ;           /* token << 32 | position */
	uint32_t   *touched, *bucket;
	size_t      nocc, capocc, ntouched, captouched, capbucket;
	uint32_t    pos, pos_limit;
	bool        oom;
} sx_index_t;

typedef struct sx_cursor {
	const uint8_t *p, *end;
	uint32_t       doc;      /* current docno; SX_NONE when done */
	uint32_t       nt, nb;   /* title and body hits in it */
	const uint8_t *pos;      /* its positions */
	uint32_t       posbytes;
} sx_cursor_t;

sx_index_t *sx_new(const char *type);
void        sx_free(sx_index_t *ix);

/* Replaces the term table (id, vocabulary, code, name, facet flag), given in display order; then
 * sx_terms_end maps every document's terms to the new table. */
bool        sx_terms_begin(sx_index_t *ix);
bool        sx_terms_add(sx_index_t *ix, int64_t id, const char *vocab, const char *code, const char *name, bool facet);
void        sx_terms_end(sx_index_t *ix);

/* Adds a document (the caller has called sx_remove for an older version). False on no memory or
 * invalid UTF-8 (the document is then not searchable, but the index stays consistent). kana and
 * company (NUL-ended, NULL for none) are kept with the title for the staff list's filters and name
 * order (search.h), not searched by words. */
bool        sx_add(sx_index_t *ix, const sx_doc_t *meta, const char *title, size_t tlen, const char *body,
    size_t blen, const int64_t *term_ids, int nterms, const char *kana, const char *company);
/* A document's staff texts: 0 the title, 1 the kana, 2 the company name ("" when none). */
static inline const char *
sx_skey(const sx_index_t *ix, const sx_doc_t *d, int which)
{
	const char *s = ix->skeys + d->skeys;

	for (; which > 0; which--)
		s += strlen(s) + 1;
	return s;
}
/* Appends every document of src (built from entities with larger ids) to dst; src is left as it was. */
bool        sx_append(sx_index_t *dst, const sx_index_t *src);
/* Gives back the slack of the posting lists (after a full build). */
void        sx_shrink(sx_index_t *ix);
/* The living document of an entity, or SX_NONE. */
uint32_t    sx_docno(const sx_index_t *ix, int64_t id);
/* Marks the entity's document dead; false when it had none. */
bool        sx_remove(sx_index_t *ix, int64_t id);

/* A token's index, SX_NONE when no document has it. */
uint32_t    sx_lookup(const sx_index_t *ix, const char *tok, size_t len);
/* The first code point of a UTF-8 token (tokens are valid UTF-8); 0 for an empty one. */
uint32_t    sx_first_cp(const char *s, size_t n);
/* The first token beginning with the CJK code point cp (then follow next_first); SX_NONE if none. */
uint32_t    sx_first(const sx_index_t *ix, uint32_t cp);
/* Slots of terms in doc_slots: 0 .. sx_nslots - 1 are terms, sx_nslots itself stands for "unknown";
 * arrays indexed by slot need sx_nslots + 1 entries. */
static inline uint32_t
sx_nslots(const sx_index_t *ix)
{
	return ix->nterms < SX_MAX_SLOTS ? ix->nterms : SX_MAX_SLOTS;
}

/* The term's index in ix->terms, or SX_NONE. */
static inline uint32_t
sx_term_index(const sx_index_t *ix, uint32_t term_id)
{
	return term_id < ix->nterm_slot && ix->term_slot[term_id] ? ix->term_slot[term_id] - 1 : SX_NONE;
}

void        sx_cursor_init(sx_cursor_t *c, const sx_index_t *ix, uint32_t tok);
void        sx_cursor_next(sx_cursor_t *c);
static inline void
sx_cursor_seek(sx_cursor_t *c, uint32_t doc)
{
	while (c->doc < doc)
		sx_cursor_next(c);
}
/* Decodes the current entry's positions into out (room for nt + nb); returns how many. */
uint32_t    sx_cursor_positions(const sx_cursor_t *c, uint32_t *out);

/* Bytes held (for the log and the benchmark). */
size_t      sx_memory(const sx_index_t *ix);

#endif
