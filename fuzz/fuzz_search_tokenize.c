/*
 * fuzz_search_tokenize.c - search_tokenize and search_normalize on arbitrary bytes: -1 exactly when
 * the input is not UTF-8 (and then no token was reported); every token non-empty, at most
 * TOKEN_MAX_BYTES, well-formed UTF-8, of a known kind; offsets inside the input with start <= end
 * and starts never going back; a colocated token only as a trailing unigram after a bigram;
 * unigrams in query mode only for one-character runs (never colocated). In query mode, the tokens
 * joined by spaces (what query.c hands FTS5) tokenize to the same tokens again.
 */
#include "core/buf.h"
#include "search/tokenize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

typedef struct state {
	buf_t        joined;       /* the tokens, space-separated */
	buf_t        kinds;        /* their kinds, one byte each */
	size_t       again;        /* tokens seen when re-tokenizing joined */
	size_t       again_off;    /* where the next of them is in joined */
	size_t       n;
	bool         unigrams;
	size_t       count;
	size_t       last_start;
	token_kind_t last_kind;
} state_t;

static bool
valid_utf8(const uint8_t *s, size_t n)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t r;
	size_t pos = 0;

	while (pos < n) {
		r = utf8proc_iterate(s + pos, (utf8proc_ssize_t)(n - pos), &cp);
		if (r <= 0)
			return false;
		pos += (size_t)r;
	}
	return true;
}

static int
check_token(void *ctx, token_kind_t kind, const char *tok, size_t len, size_t start, size_t end, bool colocated)
{
	state_t *st = ctx;

	CHECK(kind == TOKEN_WORD || kind == TOKEN_BIGRAM || kind == TOKEN_UNIGRAM);
	CHECK(len > 0 && len <= TOKEN_MAX_BYTES);
	CHECK(valid_utf8((const uint8_t *)tok, len));
	CHECK(start <= end && end <= st->n && start < end);
	CHECK(st->count == 0 || start >= st->last_start);
	if (colocated) {
		CHECK(st->unigrams);
		CHECK(kind == TOKEN_UNIGRAM && st->count > 0 && st->last_kind == TOKEN_BIGRAM);
	}
	if (kind == TOKEN_BIGRAM)
		CHECK(len >= 2);
	if (kind == TOKEN_WORD)
		CHECK(memchr(tok, ' ', len) == NULL && memchr(tok, '"', len) == NULL);
	st->count++;
	st->last_start = start;
	st->last_kind = kind;
	if (st->joined.len > 0)
		buf_putc(&st->joined, ' ');
	buf_append(&st->joined, tok, len);
	buf_putc(&st->kinds, (char)kind);
	return 0;
}

/* Re-tokenizing the joined tokens: the same kinds in the same order, and the same text. */
static int
check_again(void *ctx, token_kind_t kind, const char *tok, size_t len, size_t start, size_t end, bool colocated)
{
	state_t *st = ctx;

	CHECK(!colocated);
	CHECK(st->again < st->kinds.len && st->kinds.data[st->again] == (char)kind);
	CHECK(st->again_off + len <= st->joined.len && memcmp(st->joined.data + st->again_off, tok, len) == 0);
	st->again++;
	st->again_off += len + 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	state_t st;
	char   *norm;
	size_t  nlen = 0;
	bool    valid;
	int     rc;

	if (size == 0)
		return 0;
	memset(&st, 0, sizeof(st));
	st.unigrams = data[0] & 1;
	data++;
	size--;
	st.n = size;
	valid = valid_utf8(data, size);

	rc = search_tokenize((const char *)data, size, st.unigrams, &st, check_token);
	CHECK(rc == 0 || rc == -1);
	CHECK((rc == -1) == !valid);
	if (rc == -1)
		CHECK(st.count == 0);
	CHECK(!st.joined.oom && !st.kinds.oom);
	if (rc == 0 && !st.unigrams && st.joined.len > 0) {
		CHECK(search_tokenize(st.joined.data, st.joined.len, false, &st, check_again) == 0);
		CHECK(st.again == st.kinds.len);
	}
	buf_free(&st.joined);
	buf_free(&st.kinds);

	norm = search_normalize((const char *)data, size, &nlen);
	CHECK((norm == NULL) == !valid);
	if (norm != NULL) {
		CHECK(strlen(norm) <= nlen && norm[nlen] == '\0');
		CHECK(valid_utf8((const uint8_t *)norm, nlen));
		free(norm);
	}
	return 0;
}
