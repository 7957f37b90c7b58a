/*
 * query.h - the query language users already know, compiled to an FTS5 MATCH expression.
 *
 *   営業 事務          both (AND); the ideographic space U+3000 separates words too
 *   営業 OR 事務       either (OR binds tighter than the implicit AND: a b OR c = a AND (b OR c))
 *   "法人 営業"        a phrase (quotes may be ASCII " or full-width ＂ or 「」 brackets)
 *   -派遣              exclude (also the full-width minus －); a lone "-" is ignored
 * Each word is tokenized like documents (tokenize.h); a word made of several tokens becomes an FTS5
 * phrase of them ("IT営業" -> "it 営業"), a one-character CJK word becomes a prefix query ("看"*).
 * Words that yield no tokens (pure punctuation) are dropped. The output never contains anything from
 * the input except the tokens, each inside double quotes with '"' doubled, so it cannot inject FTS5 syntax.
 * The same words are also given structured (query_word_t), which is what search.c evaluates; the FTS5
 * expression is kept as the reference the unit tests compare the in-memory index against.
 */
#ifndef TSUNAGU_QUERY_H
#define TSUNAGU_QUERY_H

#include "core/buf.h"

#include <stdbool.h>
#include <stddef.h>

#define QUERY_MAX_BYTES 512   /* longer queries are cut at a character boundary */
#define QUERY_MAX_TERMS 16    /* further words are ignored */

/* One kept word or phrase, for the in-memory index (search.c): its tokens must occur at consecutive
 * positions; when prefix is set the last token is a lone CJK character that matches any token
 * beginning with it (a bigram, or the character itself). */
typedef struct query_word {
	unsigned off;      /* first token in search_query_t.toks; tokens are NUL-terminated, back to back */
	unsigned ntok;
	bool     prefix;
	bool     exclude;
	int      group;    /* positive words of one group are ORed; groups are ANDed (0, 1, ...) */
} query_word_t;

typedef struct search_query {
	buf_t  match;      /* FTS5 expression for what must match; empty when there is nothing positive */
	buf_t  exclude;    /* FTS5 expression whose matches are removed (OR of the excluded words); may be empty */
	int    nterms;     /* positive words kept */
	bool   truncated;  /* the query was cut (length or term count) */
	/* the same query, structured */
	buf_t        toks;
	query_word_t words[QUERY_MAX_TERMS];
	int          nwords;  /* positive and excluded */
	int          ngroups;
} search_query_t;

/* Parses q. Returns false only on invalid UTF-8 or out of memory. Free with search_query_free. */
bool search_query_parse(const char *q, size_t n, search_query_t *out);
void search_query_free(search_query_t *q);

#endif
