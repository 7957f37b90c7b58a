/* buf.h - growable byte buffer that carries its length (heap-backed; the owner frees it). */
#ifndef TSUNAGU_BUF_H
#define TSUNAGU_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct buf {
	char  *data;  /* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
	bool   oom;   /* sticky: set once any append failed; the content is then incomplete */
} buf_t;

#define BUF_INIT { NULL, 0, 0, false }
#define BUF_MAX ((size_t)256 * 1024 * 1024) /* no buffer grows past this */

void  buf_init(buf_t *b);
void  buf_free(buf_t *b);
/* Hands the data to the caller (free() it); the buffer is empty afterwards. */
char *buf_steal(buf_t *b, size_t *len);
bool  buf_reserve(buf_t *b, size_t extra);
bool  buf_append(buf_t *b, const void *p, size_t n);
bool  buf_puts(buf_t *b, const char *s);
bool  buf_putc(buf_t *b, char c);
bool  buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void  buf_clear(buf_t *b);

/* HTML-escape & < > " ' (safe in text and in quoted attributes). */
bool  buf_append_html(buf_t *b, const char *s, size_t n);
/* Percent-encode everything but unreserved characters (RFC 3986). */
bool  buf_append_urlenc(buf_t *b, const char *s, size_t n);
/* Escape for a log line: control characters and backslash as \xHH, so one entry stays one line. */
bool  buf_append_logsafe(buf_t *b, const char *s, size_t n);
/* Escape for a JSON string body (no quotes added); '<' '>' '&' escaped too so it is safe inside <script>. */
bool  buf_append_json(buf_t *b, const char *s, size_t n);

#endif
