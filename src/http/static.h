/* static.h - files under static/, read into memory at start and served by exact lookup (SEC03). */
#ifndef TSUNAGU_STATIC_H
#define TSUNAGU_STATIC_H

#include "http/http.h"

#include <stdbool.h>

#define STATIC_MAX_FILES 4096
#define STATIC_MAX_FILE  (8 * 1024 * 1024)
#define STATIC_MAX_TOTAL (256 * 1024 * 1024)

/* Loads every regular file below dir (no symlinks, no dotfiles); a precompressed NAME.gz beside NAME
 * is kept as its gzip form. URL of dir/css/site.css is /static/css/site.css. */
bool        static_load(const char *dir);
void        static_free(void);
/* Handler for GET /static/... : 200 with the file, 304 on a matching If-None-Match, 404 otherwise. */
void        static_serve(req_t *r);
/* A short hash of all static content, for cache-busting query strings (?v=...). */
const char *static_version(void);
/* Whether url (/static/...) names a loaded file (a page includes an optional script only when it is there). */
bool        static_has(const char *url);

#endif
