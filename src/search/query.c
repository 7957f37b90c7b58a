/*
 * query.c - the search box's language (query.h) compiled to FTS5 MATCH expressions.
 *
 * Every word or quoted phrase becomes one FTS5 string: its tokens, space-separated, inside double
 * quotes ("it 営業", "営業 業職"). FTS5 hands that string back to our tokenizer with
 * FTS5_TOKENIZE_QUERY, which yields the same tokens again (bigrams, no trailing unigrams), and
 * requires them at consecutive positions: a phrase. When the last token is a lone CJK character the
 * string gets a trailing '*', a prefix query, so "看" finds 看護 and a run ending in 看. Operators
 * are always explicit (AND, OR, parentheses): FTS5 does not allow an implicit AND next to a group.
 */
#include "search/query.h"
#include "search/tokenize.h"

#include <string.h>
#include <utf8proc.h>

#define QUERY_MAX_ITEMS (2 * QUERY_MAX_TERMS)

typedef enum { ITEM_TERM, ITEM_OR } item_kind_t;

typedef struct item {
	item_kind_t kind;
	size_t      off, len;  /* the term's FTS5 string in the parser's scratch buffer */
	int         word;      /* its index in search_query_t.words */
} item_t;

typedef struct parser {
	const char *q;
	size_t      n, pos;
	buf_t       terms;    /* FTS5 strings of the kept terms, back to back */
	buf_t       one;      /* the term being built */
	buf_t       raw;      /* its tokens, NUL-terminated, back to back */
	item_t      items[QUERY_MAX_ITEMS];
	int         nitems;
	int         nkept;    /* terms kept, excluded ones included */
	int         ntok;     /* tokens in the term being built */
	bool        last_unigram;
	bool        full;
	search_query_t *out;
} parser_t;

static int32_t
peek(const parser_t *p, size_t at, size_t *len)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t r;

	r = utf8proc_iterate((const utf8proc_uint8_t *)p->q + at, (utf8proc_ssize_t)(p->n - at), &cp);
	if (r <= 0) {  /* not reached: the query was validated */
		*len = 1;
		return 0xfffd;
	}
	*len = (size_t)r;
	return cp;
}

static bool
is_space(int32_t cp)
{
	utf8proc_category_t cat;

	if (cp <= 0x20 || cp == 0x7f || cp == 0x3000)
		return true;
	if (cp < 0x80)
		return false;
	cat = utf8proc_category(cp);
	return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP ||
	    cat == UTF8PROC_CATEGORY_CC;
}

static bool
is_minus(int32_t cp)
{
	return cp == '-' || cp == 0xff0d || cp == 0x2212;
}

/* The closing quote for an opening one, 0 when cp opens nothing. */
static int32_t
quote_closer(int32_t cp)
{
	switch (cp) {
	case '"':
	case 0xff02:
		return '"';
	case 0x300c:
		return 0x300d;  /* 「」 */
	case 0x300e:
		return 0x300f;  /* 『』 */
	case 0x201c:
		return 0x201d;  /* “” */
	default:
		return 0;
	}
}

static bool
closes(int32_t cp, int32_t closer)
{
	if (closer == '"')
		return cp == '"' || cp == 0xff02;
	return cp == closer;
}

static int
term_token(void *ctx, token_kind_t kind, const char *tok, size_t len, size_t start, size_t end, bool colocated)
{
	parser_t *p = ctx;
	size_t i;

	if (p->ntok > 0)
		buf_putc(&p->one, ' ');
	for (i = 0; i < len; i++) {
		if (tok[i] == '"')
			buf_putc(&p->one, '"');
		buf_putc(&p->one, tok[i]);
	}
	buf_append(&p->raw, tok, len);
	buf_putc(&p->raw, '\0');
	p->ntok++;
	p->last_unigram = kind == TOKEN_UNIGRAM;
	return p->one.oom || p->raw.oom ? -1 : 0;
}

static void
push_or(parser_t *p)
{
	if (p->nitems > 0 && p->items[p->nitems - 1].kind == ITEM_TERM && p->nitems < QUERY_MAX_ITEMS)
		p->items[p->nitems++].kind = ITEM_OR;
}

/* Tokenizes one word or phrase and keeps it. Returns false on no memory. */
static bool
add_term(parser_t *p, size_t start, size_t end, bool exclude)
{
	buf_t *dst;
	query_word_t *w;

	buf_clear(&p->one);
	buf_clear(&p->raw);
	p->ntok = 0;
	p->last_unigram = false;
	if (!buf_putc(&p->one, '"'))
		return false;
	if (search_tokenize(p->q + start, end - start, false, p, term_token) != 0)
		return false;
	if (p->ntok == 0)
		return true;  /* punctuation only: dropped */
	if (p->nkept == QUERY_MAX_TERMS) {
		p->out->truncated = true;
		p->full = true;
		return true;
	}
	buf_putc(&p->one, '"');
	if (p->last_unigram)
		buf_putc(&p->one, '*');
	if (p->one.oom)
		return false;
	p->nkept++;
	w = &p->out->words[p->out->nwords];
	w->off = (unsigned)p->out->toks.len;
	w->ntok = (unsigned)p->ntok;
	w->prefix = p->last_unigram;
	w->exclude = exclude;
	w->group = -1;
	if (!buf_append(&p->out->toks, p->raw.data, p->raw.len))
		return false;
	p->out->nwords++;
	if (exclude) {
		/* an OR waiting for its right-hand side has none */
		if (p->nitems > 0 && p->items[p->nitems - 1].kind == ITEM_OR)
			p->nitems--;
		dst = &p->out->exclude;
		if (dst->len > 0)
			buf_puts(dst, " OR ");
		buf_append(dst, p->one.data, p->one.len);
		return !dst->oom;
	}
	p->items[p->nitems].kind = ITEM_TERM;
	p->items[p->nitems].off = p->terms.len;
	p->items[p->nitems].len = p->one.len;
	p->items[p->nitems].word = p->out->nwords - 1;
	p->nitems++;
	p->out->nterms++;
	return buf_append(&p->terms, p->one.data, p->one.len);
}

static bool
is_or(const char *s, size_t n)
{
	return (n == 2 && memcmp(s, "OR", 2) == 0) || (n == 6 && memcmp(s, "\xef\xbc\xaf\xef\xbc\xb2", 6) == 0);
}

static bool
parse_terms(parser_t *p)
{
	size_t  len, start;
	int32_t cp, closer;
	bool    exclude;

	while (p->pos < p->n && !p->full) {
		cp = peek(p, p->pos, &len);
		if (is_space(cp)) {
			p->pos += len;
			continue;
		}
		exclude = false;
		if (is_minus(cp)) {
			p->pos += len;
			if (p->pos >= p->n)
				break;
			cp = peek(p, p->pos, &len);
			if (is_space(cp))
				continue;  /* a lone minus */
			exclude = true;
		}
		if ((closer = quote_closer(cp)) != 0) {
			p->pos += len;
			start = p->pos;
			while (p->pos < p->n) {
				cp = peek(p, p->pos, &len);
				if (closes(cp, closer))
					break;
				p->pos += len;
			}
			if (!add_term(p, start, p->pos, exclude))
				return false;
			if (p->pos < p->n)
				p->pos += len;  /* the closing quote */
			continue;
		}
		start = p->pos;
		while (p->pos < p->n) {
			cp = peek(p, p->pos, &len);
			if (is_space(cp) || quote_closer(cp) != 0)
				break;
			p->pos += len;
		}
		if (!exclude && is_or(p->q + start, p->pos - start)) {
			push_or(p);
			continue;
		}
		if (!add_term(p, start, p->pos, exclude))
			return false;
	}
	if (p->nitems > 0 && p->items[p->nitems - 1].kind == ITEM_OR)
		p->nitems--;
	return true;
}

/* TERM (OR TERM)* groups joined by AND; a group of several is parenthesised. */
static bool
build_match(parser_t *p)
{
	buf_t *m = &p->out->match;
	int i = 0, j, k;

	while (i < p->nitems) {
		if (m->len > 0)
			buf_puts(m, " AND ");
		j = i;
		while (j + 2 < p->nitems && p->items[j + 1].kind == ITEM_OR)
			j += 2;
		if (j > i)
			buf_putc(m, '(');
		for (k = i; k <= j; k += 2) {
			p->out->words[p->items[k].word].group = p->out->ngroups;
			if (k > i)
				buf_puts(m, " OR ");
			buf_append(m, p->terms.data + p->items[k].off, p->items[k].len);
		}
		if (j > i)
			buf_putc(m, ')');
		p->out->ngroups++;
		i = j + 1;
	}
	return !m->oom;
}

static bool
utf8_valid(const char *s, size_t n)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t r;
	size_t pos = 0;

	while (pos < n) {
		if ((unsigned char)s[pos] < 0x80) {
			pos++;
			continue;
		}
		r = utf8proc_iterate((const utf8proc_uint8_t *)s + pos, (utf8proc_ssize_t)(n - pos), &cp);
		if (r < 0)
			return false;
		pos += (size_t)r;
	}
	return true;
}

bool
search_query_parse(const char *q, size_t n, search_query_t *out)
{
	parser_t p;
	bool ok = false;

	buf_init(&out->match);
	buf_init(&out->exclude);
	buf_init(&out->toks);
	out->nterms = 0;
	out->truncated = false;
	out->nwords = 0;
	out->ngroups = 0;
	if (n > 0 && !utf8_valid(q, n))
		return false;
	memset(&p, 0, sizeof(p));
	p.q = q;
	p.n = n;
	p.out = out;
	buf_init(&p.terms);
	buf_init(&p.one);
	buf_init(&p.raw);
	if (p.n > QUERY_MAX_BYTES) {
		p.n = QUERY_MAX_BYTES;
		while (p.n > 0 && ((unsigned char)q[p.n] & 0xc0) == 0x80)
			p.n--;
		out->truncated = true;
	}
	if (!parse_terms(&p) || !build_match(&p))
		goto done;
	ok = true;
done:
	buf_free(&p.one);
	buf_free(&p.raw);
	buf_free(&p.terms);
	if (!ok)
		search_query_free(out);
	return ok;
}

void
search_query_free(search_query_t *q)
{
	buf_free(&q->match);
	buf_free(&q->exclude);
	buf_free(&q->toks);
	q->nterms = 0;
	q->truncated = false;
	q->nwords = 0;
	q->ngroups = 0;
}
