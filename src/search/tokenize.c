/*
 * tokenize.c - the search tokenizer (tokenize.h) and its FTS5 face.
 *
 * The text is walked once, cluster by cluster. A cluster is one code point plus the code points
 * that NFKC may fold into it: combining marks, the half-width voiced-sound marks U+FF9E/U+FF9F
 * (ｶﾞ -> ガ), Hangul vowel/final jamo (extends_cluster). Each cluster is normalised on its own
 * (NFKC + case fold, through utf8proc into a reusable buffer, no allocation) and every code point
 * that comes out of it carries the cluster's byte range in the ORIGINAL text; that is how token
 * offsets refer to the original text even when normalisation merges (ｶﾞ -> ガ) or expands
 * (㍿ -> 株式会社) characters. Plain ASCII and the common kanji/kana, which normalisation leaves
 * alone, skip utf8proc altogether.
 *
 * The normalised code points are then classed (word, CJK, mark, separator) and fed to a small
 * state machine that builds word tokens and CJK bigrams in fixed buffers.
 */
#include "search/tokenize.h"
#include "core/buf.h"
#include "core/log.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define NORM_OPTIONS (UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD)
#define CLUSTER_MAX_CODEPOINTS 32              /* a longer run of marks is cut into several clusters */
#define NORM_STACK_CODEPOINTS 1024             /* fits any cluster (NFKD expands one code point to <= 18) */
#define UNIT_MAX_BYTES (TOKEN_MAX_BYTES / 2)   /* one CJK character with its marks; further marks dropped */
#define DECOMP_MAX_CODEPOINTS 32                /* of one code point: at most 18 */
#define CP_MAX_BYTES 4

typedef enum { CLASS_SEP, CLASS_WORD, CLASS_CJK, CLASS_MARK } char_class_t;

typedef struct unit {
	const char *p;      /* the normalised bytes: into the text itself when unchanged, else b */
	bool        in_text;
	size_t      len;
	size_t      start, end;  /* original byte range */
	char        b[UNIT_MAX_BYTES];
} unit_t;

typedef struct walker {
	/* what to do with the normalised code points: fill norm (search_normalize) or tokenize */
	buf_t    *norm;
	bool      emit_unigrams;
	void     *ctx;
	token_cb  cb;

	char_class_t last;         /* class of the current token's last character: where a mark goes */

	char      word[TOKEN_MAX_BYTES];
	size_t    wlen, wstart, wend;

	unit_t    unit[2];         /* the CJK run: unit[cur] is being built, unit[cur ^ 1] is the one before */
	int       cur;
	size_t    runlen;          /* complete characters in the run, unit[cur] not counted */
	bool      have_cur;
	char      pair[TOKEN_MAX_BYTES];

	int32_t   stack[NORM_STACK_CODEPOINTS];
	int32_t  *heap;            /* for a cluster that does not fit the stack buffer (not expected) */
	size_t    heapcap;
} walker_t;

void db_tokenizers_register(sqlite3 *conn);

/* ---- character classes ---- */

static bool
in_han_block(int32_t cp)
{
	return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
	    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3ffff);
}

/* Kana, Hangul and the ideographic marks; counted as CJK only when they are letters (・ and ゠ are not). */
static bool
in_cjk_block(int32_t cp)
{
	return (cp >= 0x3005 && cp <= 0x3007) || (cp >= 0x3021 && cp <= 0x3029) ||
	    (cp >= 0x3031 && cp <= 0x3035) || (cp >= 0x303b && cp <= 0x303c) ||
	    (cp >= 0x3041 && cp <= 0x30ff) || (cp >= 0x31f0 && cp <= 0x31ff) ||
	    (cp >= 0x2e80 && cp <= 0x2fdf) || (cp >= 0x1100 && cp <= 0x11ff) ||
	    (cp >= 0x3130 && cp <= 0x318f) || (cp >= 0xa960 && cp <= 0xa97f) ||
	    (cp >= 0xac00 && cp <= 0xd7ff) || (cp >= 0x1b000 && cp <= 0x1b16f);
}

static char_class_t
char_class(int32_t cp)
{
	utf8proc_category_t cat;

	if (cp < 0x80) {
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'))
			return CLASS_WORD;
		return CLASS_SEP;
	}
	if (in_han_block(cp))
		return CLASS_CJK;
	cat = utf8proc_category(cp);
	switch (cat) {
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
		return CLASS_MARK;
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_NL:
		if (in_cjk_block(cp))
			return CLASS_CJK;
		return cat == UTF8PROC_CATEGORY_NL ? CLASS_SEP : CLASS_WORD;
	case UTF8PROC_CATEGORY_ND:
		return CLASS_WORD;
	default:
		return CLASS_SEP;
	}
}

/*
 * The class of a code point that NFKC + case folding leave unchanged and that never composes with
 * what follows unless a mark follows: the hot path for Japanese. CLASS_MARK means "not one of them".
 */
static char_class_t
fast_class(int32_t cp)
{
	if ((cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3041 && cp <= 0x3096) ||
	    (cp >= 0x30a1 && cp <= 0x30fa) || cp == 0x30fc || (cp >= 0x3005 && cp <= 0x3007))
		return CLASS_CJK;
	if ((cp >= 0x3001 && cp <= 0x3002) || (cp >= 0x3008 && cp <= 0x3011) ||
	    (cp >= 0x3014 && cp <= 0x301c) || cp == 0x30fb)
		return CLASS_SEP;
	return CLASS_MARK;
}

/*
 * Code points that normalisation may fold into the code point before them: those whose decomposition
 * starts with a non-starter (reordered; ﾞ -> U+3099) or with a code point that can compose with a
 * preceding starter. Apart from Hangul vowel and trailing jamo (ㄵ -> U+11AC), every such "second"
 * of a composition pair is a mark (Mn/Mc, e.g. U+0BBE), so no utf8proc internals are needed.
 */
static bool
extends_cluster(int32_t cp)
{
	utf8proc_int32_t d[DECOMP_MAX_CODEPOINTS];
	const utf8proc_property_t *prop;
	int bc = 0;

	if (cp < 0x300 || fast_class(cp) != CLASS_MARK || in_han_block(cp) ||
	    (cp >= 0xac00 && cp <= 0xd7a3))
		return false;
	if (cp >= 0x3000 && cp <= 0x30ff)
		return (cp >= 0x302a && cp <= 0x302f) || cp == 0x3099 || cp == 0x309a;
	if (cp >= 0xff01 && cp <= 0xffdc)
		return cp == 0xff9e || cp == 0xff9f || cp >= 0xffa0;  /* ﾞﾟ, half-width Hangul */
	if (cp >= 0x2000 && cp <= 0x20cf)
		return false;
	if (utf8proc_decompose_char(cp, d, DECOMP_MAX_CODEPOINTS, NORM_OPTIONS, &bc) <= 0)
		return false;
	if ((d[0] >= 0x1161 && d[0] <= 0x1175) || (d[0] >= 0x11a8 && d[0] <= 0x11c2))
		return true;
	prop = utf8proc_get_property(d[0]);
	return prop->combining_class != 0 || prop->category == UTF8PROC_CATEGORY_MN ||
	    prop->category == UTF8PROC_CATEGORY_MC || prop->category == UTF8PROC_CATEGORY_ME;
}

/* One well-formed UTF-8 code point (the rules of utf8proc_iterate); its length, or -1. */
static inline int
utf8_decode(const unsigned char *s, size_t n, int32_t *cp)
{
	unsigned c = s[0];
	int32_t  v;

	if (c < 0x80) {
		*cp = (int32_t)c;
		return 1;
	}
	if (c < 0xc2 || c > 0xf4)
		return -1;
	if (c < 0xe0) {
		if (n < 2 || (s[1] & 0xc0) != 0x80)
			return -1;
		*cp = (int32_t)((c & 0x1f) << 6 | (s[1] & 0x3f));
		return 2;
	}
	if (c < 0xf0) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return -1;
		v = (int32_t)((c & 0x0f) << 12 | (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f));
		if (v < 0x800 || (v >= 0xd800 && v <= 0xdfff))
			return -1;
		*cp = v;
		return 3;
	}
	if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
		return -1;
	v = (int32_t)((c & 0x07) << 18 | (unsigned)(s[1] & 0x3f) << 12 | (unsigned)(s[2] & 0x3f) << 6 |
	    (s[3] & 0x3f));
	if (v < 0x10000 || v > 0x10ffff)
		return -1;
	*cp = v;
	return 4;
}

/* ---- the token state machine ---- */

static int
word_flush(walker_t *w)
{
	int rc = 0;

	if (w->wlen > 0)
		rc = w->cb(w->ctx, TOKEN_WORD, w->word, w->wlen, w->wstart, w->wend, false);
	w->wlen = 0;
	return rc;
}

/* The character being built is complete: pair it with the previous one. */
static int
cjk_close_unit(walker_t *w)
{
	const unit_t *prev = &w->unit[w->cur ^ 1], *cur = &w->unit[w->cur];
	int rc = 0;

	if (!w->have_cur)
		return 0;
	if (w->runlen > 0 && prev->in_text && cur->in_text && prev->p + prev->len == cur->p)
		rc = w->cb(w->ctx, TOKEN_BIGRAM, prev->p, prev->len + cur->len, prev->start, cur->end, false);
	else if (w->runlen > 0) {
		memcpy(w->pair, prev->p, prev->len);
		memcpy(w->pair + prev->len, cur->p, cur->len);
		rc = w->cb(w->ctx, TOKEN_BIGRAM, w->pair, prev->len + cur->len, prev->start, cur->end, false);
	}
	w->cur ^= 1;
	w->runlen++;
	w->have_cur = false;
	return rc;
}

static int
cjk_flush(walker_t *w)
{
	const unit_t *last;
	int rc;

	if ((rc = cjk_close_unit(w)) != 0)
		return rc;
	last = &w->unit[w->cur ^ 1];
	if (w->runlen == 1)
		rc = w->cb(w->ctx, TOKEN_UNIGRAM, last->p, last->len, last->start, last->end, false);
	else if (w->runlen > 1 && w->emit_unigrams)
		rc = w->cb(w->ctx, TOKEN_UNIGRAM, last->p, last->len, last->start, last->end, true);
	w->runlen = 0;
	return rc;
}

/*
 * One normalised code point b[0..len) of class cls, from the original bytes [start, end). stable:
 * b stays valid for the whole walk (it points into the text), so a CJK unit may keep the pointer.
 */
static int
feed(walker_t *w, char_class_t cls, const char *b, size_t len, size_t start, size_t end, bool stable)
{
	unit_t *u;
	bool    mark = cls == CLASS_MARK;
	int     rc;

	if (w->norm != NULL)
		return buf_append(w->norm, b, len) ? 0 : -1;
	if (mark) {
		if (w->last == CLASS_WORD)
			cls = CLASS_WORD;
		else if (w->last == CLASS_CJK) {
			u = &w->unit[w->cur];
			if (u->len + len <= UNIT_MAX_BYTES) {
				if (u->in_text) {
					memcpy(u->b, u->p, u->len);
					u->p = u->b;
					u->in_text = false;
				}
				memcpy(u->b + u->len, b, len);
				u->len += len;
				u->end = end;
			}
			return 0;
		} else
			return 0;
	}
	switch (cls) {
	case CLASS_WORD:
		if (w->last == CLASS_CJK && (rc = cjk_flush(w)) != 0)
			return rc;
		if (w->wlen + len > TOKEN_MAX_BYTES) {
			if (mark)
				return 0;  /* a token never starts with a mark: dropped, like a CJK unit's */
			if ((rc = word_flush(w)) != 0)
				return rc;
		}
		if (w->wlen == 0)
			w->wstart = start;
		memcpy(w->word + w->wlen, b, len);
		w->wlen += len;
		w->wend = end;
		break;
	case CLASS_CJK:
		if (w->last == CLASS_WORD && (rc = word_flush(w)) != 0)
			return rc;
		if ((rc = cjk_close_unit(w)) != 0)
			return rc;
		u = &w->unit[w->cur];
		if (stable)
			u->p = b;
		else {
			memcpy(u->b, b, len);
			u->p = u->b;
		}
		u->in_text = stable;
		u->len = len;
		u->start = start;
		u->end = end;
		w->have_cur = true;
		break;
	default:
		if (w->last == CLASS_WORD && (rc = word_flush(w)) != 0)
			return rc;
		if (w->last == CLASS_CJK && (rc = cjk_flush(w)) != 0)
			return rc;
		break;
	}
	w->last = cls;
	return 0;
}

static int
finish(walker_t *w)
{
	int rc = 0;

	if (w->norm != NULL)
		return 0;
	if (w->last == CLASS_WORD)
		rc = word_flush(w);
	else if (w->last == CLASS_CJK)
		rc = cjk_flush(w);
	w->last = CLASS_SEP;
	return rc;
}

/* ---- the walk over the original text ---- */

/* Normalises text[start..end) (one cluster) and feeds what comes out. */
static int
feed_cluster(walker_t *w, const char *text, size_t start, size_t end)
{
	utf8proc_int32_t *cps = w->stack;
	utf8proc_ssize_t  n, i;
	utf8proc_uint8_t  enc[CP_MAX_BYTES];
	utf8proc_ssize_t  elen;
	int rc;

	n = utf8proc_decompose((const utf8proc_uint8_t *)text + start, (utf8proc_ssize_t)(end - start),
	    cps, NORM_STACK_CODEPOINTS, NORM_OPTIONS);
	if (n < 0)
		return -1;
	if (n > NORM_STACK_CODEPOINTS) {
		if ((size_t)n > w->heapcap) {
			int32_t *p = realloc(w->heap, (size_t)n * sizeof(*p));

			if (p == NULL)
				return -1;
			w->heap = p;
			w->heapcap = (size_t)n;
		}
		cps = w->heap;
		n = utf8proc_decompose((const utf8proc_uint8_t *)text + start, (utf8proc_ssize_t)(end - start),
		    cps, (utf8proc_ssize_t)w->heapcap, NORM_OPTIONS);
		if (n < 0 || (size_t)n > w->heapcap)
			return -1;
	}
	n = utf8proc_normalize_utf32(cps, n, NORM_OPTIONS);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		elen = utf8proc_encode_char(cps[i], enc);
		if (elen <= 0)
			continue;
		rc = feed(w, char_class(cps[i]), (const char *)enc, (size_t)elen, start, end, false);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static size_t
cut_at_char(const char *text, size_t n, size_t max)
{
	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
		n--;
	return n;
}

static bool
utf8_valid(const unsigned char *s, size_t n)
{
	size_t  pos = 0;
	int32_t cp;
	int     len;

	while (pos < n) {
		if (s[pos] < 0x80) {
			pos++;
			continue;
		}
		if ((len = utf8_decode(s + pos, n - pos, &cp)) < 0)
			return false;
		pos += (size_t)len;
	}
	return true;
}

/*
 * Walks text[0..n). Strict: invalid UTF-8 returns -1 before anything is fed. Lenient (FTS5, which
 * must tokenize whatever is stored, the same way every time): an invalid byte separates tokens.
 * Each code point is decoded once: the one after a cluster is kept in next/nlen.
 */
static int
walk(walker_t *w, const char *text, size_t n, bool lenient)
{
	const unsigned char *s = (const unsigned char *)text;
	char_class_t cls;
	int32_t cp, next = -1;
	int     clen, nlen = 0;
	size_t  pos = 0, end, count;
	int     rc;

	if (!lenient && !utf8_valid(s, n))
		return -1;
	while (pos < n) {
		/* ASCII not followed by a possible mark: folded here */
		if (s[pos] < 0x80 && (pos + 1 == n || s[pos + 1] < 0x80)) {
			char c = (char)s[pos];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			cls = char_class(c);
			if ((rc = feed(w, cls, &c, 1, pos, pos + 1, false)) != 0)
				return rc;
			pos++;
			continue;
		}
		if (next >= 0) {
			cp = next;
			clen = nlen;
		} else if ((clen = utf8_decode(s + pos, n - pos, &cp)) < 0) {
			if ((rc = feed(w, CLASS_SEP, " ", 1, pos, pos + 1, false)) != 0)
				return rc;
			pos++;
			continue;
		}
		next = -1;
		end = pos + (size_t)clen;
		for (count = 1; end < n && s[end] >= 0x80; count++) {
			if ((nlen = utf8_decode(s + end, n - end, &next)) < 0) {
				next = -1;
				break;
			}
			if (count == CLUSTER_MAX_CODEPOINTS || !extends_cluster(next))
				break;
			end += (size_t)nlen;
			next = -1;
		}
		if (end == pos + (size_t)clen && (cls = fast_class(cp)) != CLASS_MARK)
			rc = feed(w, cls, text + pos, (size_t)clen, pos, end, true);
		else if (end == pos + (size_t)clen && cp >= 0xff01 && cp <= 0xff5e) {
			/* full-width ASCII: NFKC gives cp - 0xfee0 */
			char c = (char)(cp - 0xfee0);

			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			rc = feed(w, char_class(c), &c, 1, pos, end, false);
		} else
			rc = feed_cluster(w, text, pos, end);
		if (rc != 0)
			return rc;
		pos = end;
	}
	return finish(w);
}

static void
walker_init(walker_t *w)
{
	w->norm = NULL;
	w->emit_unigrams = false;
	w->ctx = NULL;
	w->cb = NULL;
	w->last = CLASS_SEP;
	w->wlen = 0;
	w->cur = 0;
	w->runlen = 0;
	w->have_cur = false;
	w->heap = NULL;
	w->heapcap = 0;
}

static int
tokenize(const char *text, size_t n, bool emit_unigrams, bool lenient, void *ctx, token_cb cb)
{
	walker_t w;
	int rc;

	if (text == NULL || n == 0)
		return 0;
	walker_init(&w);
	w.emit_unigrams = emit_unigrams;
	w.ctx = ctx;
	w.cb = cb;
	rc = walk(&w, text, cut_at_char(text, n, TOKENIZE_MAX_INPUT), lenient);
	free(w.heap);
	return rc;
}

int
search_tokenize(const char *text, size_t n, bool emit_unigrams, void *ctx, token_cb cb)
{
	return tokenize(text, n, emit_unigrams, false, ctx, cb);
}

size_t
search_unit_len(const char *tok, size_t len)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t r;
	size_t n;

	r = utf8proc_iterate((const utf8proc_uint8_t *)tok, (utf8proc_ssize_t)len, &cp);
	if (r <= 0)
		return len;
	n = (size_t)r;
	while (n < len) {
		r = utf8proc_iterate((const utf8proc_uint8_t *)tok + n, (utf8proc_ssize_t)(len - n), &cp);
		if (r <= 0 || char_class(cp) != CLASS_MARK)
			break;
		n += (size_t)r;
	}
	return n;
}

char *
search_normalize(const char *text, size_t n, size_t *outlen)
{
	walker_t w;
	buf_t    b = BUF_INIT;
	char    *res = NULL;
	size_t   len = 0;

	walker_init(&w);
	w.norm = &b;
	if (n > 0 && (!buf_reserve(&b, n) || walk(&w, text, n, false) != 0 || b.oom))
		goto done;
	res = buf_steal(&b, &len);
	if (res != NULL && outlen != NULL)
		*outlen = len;
done:
	free(w.heap);
	buf_free(&b);
	return res;
}

/* ---- FTS5 ---- */

typedef struct fts_ctx {
	void *pctx;
	int (*xtoken)(void *, int, const char *, int, int, int);
} fts_ctx_t;

static struct { char unused; } fts_instance;

static int
fts_token(void *ctx, token_kind_t kind, const char *tok, size_t len, size_t start, size_t end, bool colocated)
{
	fts_ctx_t *c = ctx;

	return c->xtoken(c->pctx, colocated ? FTS5_TOKEN_COLOCATED : 0, tok, (int)len, (int)start, (int)end);
}

static int
fts_create(void *ud, const char **argv, int argc, Fts5Tokenizer **out)
{
	*out = (Fts5Tokenizer *)&fts_instance;
	return SQLITE_OK;
}

static void
fts_delete(Fts5Tokenizer *t)
{
}

/* Documents (and AUX, for highlight/snippet) get the trailing unigrams; queries never do. */
static int
fts_tokenize(Fts5Tokenizer *t, void *pctx, int flags, const char *text, int ntext,
    int (*xtoken)(void *, int, const char *, int, int, int))
{
	fts_ctx_t c = { pctx, xtoken };
	int rc;

	if (ntext <= 0)
		return SQLITE_OK;
	rc = tokenize(text, (size_t)ntext, (flags & FTS5_TOKENIZE_QUERY) == 0, true, &c, fts_token);
	return rc == -1 ? SQLITE_NOMEM : rc;
}

int
search_register_tokenizer(void *sqlite_conn)
{
	static fts5_tokenizer tok = { fts_create, fts_delete, fts_tokenize };
	sqlite3      *db = sqlite_conn;
	sqlite3_stmt *st = NULL;
	fts5_api     *api = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		goto done;
	if ((rc = sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL)) != SQLITE_OK)
		goto done;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? SQLITE_ERROR : rc;
		goto done;
	}
	if (api == NULL || api->iVersion < 2) {
		rc = SQLITE_ERROR;
		goto done;
	}
	rc = api->xCreateTokenizer(api, "tsunagu", NULL, &tok, NULL);
done:
	sqlite3_finalize(st);
	return rc;
}

void
db_tokenizers_register(sqlite3 *conn)
{
	int rc = search_register_tokenizer(conn);

	if (rc != SQLITE_OK)
		log_error("search: cannot register the FTS5 tokenizer: %s", sqlite3_errstr(rc));
}
