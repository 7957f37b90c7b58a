/*
 * form.h - request data parsers: query strings, urlencoded and multipart bodies, Cookie headers.
 * Pure functions over bytes (fuzzed in fuzz/), each with limits; they return 0 on success or the
 * HTTP status they mean: 400 malformed (including invalid UTF-8 in a text value), 413 too large/many.
 */
#ifndef TSUNAGU_FORM_H
#define TSUNAGU_FORM_H

#include "core/arena.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct form_field {
	const char *name;          /* NUL-terminated, decoded */
	const char *value;         /* NUL-terminated, decoded; for files the raw bytes (may contain NUL) */
	size_t      value_len;
	const char *filename;      /* multipart file parts only (basename only, for display; never opened) */
	const char *content_type;  /* multipart parts that declare one */
} form_field_t;

typedef struct form {
	form_field_t *fields;
	size_t        count;
} form_t;

typedef struct form_limits {
	size_t max_fields;     /* fields (or cookies) in one request */
	size_t max_name;       /* bytes of one decoded name */
	size_t max_value;      /* bytes of one decoded text value */
	size_t max_file;       /* bytes of one uploaded file */
	size_t max_files;      /* file parts in one request */
} form_limits_t;

/* Limits used by the server unless configured otherwise (see core/limits.h). */
extern const form_limits_t form_default_limits;

/* application/x-www-form-urlencoded (and query strings: pass the part after '?'). '+' is a space. */
int  form_parse_urlencoded(arena_t *a, const char *s, size_t n, const form_limits_t *lim, form_t *out);
/* multipart/form-data; content_type is the whole Content-Type header value (its boundary is read from it). */
int  form_parse_multipart(arena_t *a, const char *content_type, const char *body, size_t n,
         const form_limits_t *lim, form_t *out);
/* Cookie header: "a=1; b=2". Names compared exactly by callers; a malformed pair is skipped, not fatal. */
int  form_parse_cookies(arena_t *a, const char *header, size_t n, const form_limits_t *lim, form_t *out);

/* First value of name, or NULL. */
const char         *form_get(const form_t *f, const char *name);
const form_field_t *form_get_field(const form_t *f, const char *name);

#endif
