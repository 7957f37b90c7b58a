/*
 * tokenize.h - Japanese-aware tokenization for search (REQUIREMENTS B10, issue 3).
 *
 * Text is normalised with utf8proc: NFKC (half-width katakana become full width, full-width Latin
 * and digits become ASCII) and case folding; the long-vowel mark ー and the iteration marks 々 ゝ ゞ
 * ヽ ヾ are kept as they are. Then:
 *   - runs of Latin letters and digits (after folding) are one token each ("ses", "it", "2026");
 *   - runs of CJK characters (kanji, hiragana, katakana, ー, 々 ...) become overlapping bigrams
 *     ("看護師" -> "看護", "護師"), and the last character of every run is also emitted as a unigram
 *     at the position of the last bigram (FTS5_TOKEN_COLOCATED), so that a one-character query can be
 *     answered as a prefix query ("看"* matches "看護" and a trailing "看"); a one-character run is
 *     just that character;
 *   - everything else (spaces, punctuation, symbols) separates tokens.
 * Queries go through the same path, so "ＳＥ", "SE" and "se" are the same token, and "ｴﾝｼﾞﾆｱ" and
 * "エンジニア" give the same bigrams.
 */
#ifndef TSUNAGU_TOKENIZE_H
#define TSUNAGU_TOKENIZE_H

#include <stdbool.h>
#include <stddef.h>

#define TOKEN_MAX_BYTES 64          /* a longer Latin/digit run is cut into tokens of at most this */
#define TOKENIZE_MAX_INPUT (4 << 20) /* longer input is tokenized only up to this many bytes */

typedef enum { TOKEN_WORD = 1, TOKEN_BIGRAM = 2, TOKEN_UNIGRAM = 4 } token_kind_t;

/* Called for each token: tok/len is the normalised token (not NUL-terminated); start/end are byte
 * offsets of the token in the ORIGINAL text (for highlighting); colocated is true for the trailing
 * unigram that shares the previous token's position. Return non-zero to stop (that value is
 * returned by search_tokenize). */
typedef int (*token_cb)(void *ctx, token_kind_t kind, const char *tok, size_t len, size_t start, size_t end,
    bool colocated);

/* Tokenizes text[0..n). Returns 0, the callback's non-zero value, or -1 on invalid UTF-8 / no memory.
 * emit_unigrams false suppresses the trailing unigrams (queries use bigrams only, except that a
 * one-character CJK run is still reported as TOKEN_UNIGRAM). */
int  search_tokenize(const char *text, size_t n, bool emit_unigrams, void *ctx, token_cb cb);

/* The normalised form of text (NFKC + case fold, marks kept), malloc'd and NUL-terminated; NULL on
 * invalid UTF-8. */
char *search_normalize(const char *text, size_t n, size_t *outlen);

/* The byte length of the first character of a normalised CJK token, with the marks that belong to it
 * (a bigram's first unit, as the tokenizer built it). */
size_t search_unit_len(const char *tok, size_t len);

/* Registers the FTS5 tokenizer "tsunagu" on an SQLite connection (a sqlite3 *). Returns an SQLite
 * result code. Called for every connection by the db layer (db_tokenizers_register). */
int  search_register_tokenizer(void *sqlite_conn);

#endif
