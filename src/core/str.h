/* str.h - small string helpers: range-checked numbers, UTF-8 checks, comparisons. */
#ifndef TSUNAGU_STR_H
#define TSUNAGU_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses a whole decimal integer in [min, max]; no sign for min >= 0, no spaces, no trailing junk. */
bool   str_to_i64(const char *s, int64_t min, int64_t max, int64_t *out);
/* True when s[0..n) is well-formed UTF-8 without NUL or C0 controls other than TAB, LF, CR. */
bool   str_utf8_valid(const char *s, size_t n, bool allow_newlines);
/* Number of code points in well-formed UTF-8. */
size_t str_utf8_len(const char *s, size_t n);
/* Bytes of the first `chars` characters of s[0..n): never ends inside a UTF-8 sequence (continuation
 * bytes stay with the character they follow, whatever the input). */
size_t str_utf8_prefix(const char *s, size_t n, size_t chars);
bool   str_eq(const char *a, const char *b);
bool   str_has_prefix(const char *s, const char *prefix);
/* ASCII case-insensitive search for needle in hay (n bytes). */
bool   str_contains_ci(const char *hay, size_t n, const char *needle, size_t m);
/* Copies at most dstsize-1 bytes; returns false when truncated. */
bool   str_copy(char *dst, size_t dstsize, const char *src);
#define STR_EMAIL_MAX 254
/* A plain mailbox address (local@domain.tld): no spaces, controls, quotes or specials that could reach
 * a mail header; at most STR_EMAIL_MAX bytes. */
bool     str_email_valid(const char *s);
/* FNV-1a hashes, for hash tables (not for anything secret). */
uint32_t str_hash32(const char *s);
uint64_t str_hash64(const char *s, size_t n);
/* snprintf into an error buffer (NULL or empty buffer: nothing); truncation is acceptable for messages. */
void     str_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Hex encoding of n bytes into out (2n+1 bytes). */
void   str_hex(char *out, const unsigned char *in, size_t n);

#endif
