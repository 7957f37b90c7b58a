/* tmpl_int.h - private to the template engine (tmpl.c, tmpl_load.c, tmpl_filters.c). */
#ifndef TSUNAGU_TMPL_INT_H
#define TSUNAGU_TMPL_INT_H

#include "core/arena.h"
#include "core/buf.h"
#include "view/i18n.h"
#include "view/tmpl.h"
#include "view/value.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* ---- sets (tmpl.c), loaded from a directory by tmpl_load.c ---- */

#define TMPL_MAX_FILES 4096 /* templates in one set */

struct tmpl;

struct tmpl_snapshot {
	struct timespec newest;  /* newest mtime of a template file or directory */
	size_t          count;   /* template files */
};

struct tmpl_set {
	arena_t              arena;
	struct tmpl        **list;
	size_t               n, cap;
	struct tmpl        **tab;     /* open addressing by name, tabcap a power of two */
	size_t               tabcap;
	char                *dir;     /* NULL unless loaded from a directory */
	struct tmpl_snapshot snap;
};

tmpl_set_t *tmpl_set_new(void);
/* Compiles src as name; label names it in messages ("file:line: ..."). Partials are left for linking. */
bool        tmpl_set_compile(tmpl_set_t *set, const char *name, const char *label, const char *src,
                size_t len, char *err, size_t errlen);
/* Resolves partials; strict: a missing one is an error, otherwise it stays unresolved (render fails). */
bool        tmpl_set_resolve(tmpl_set_t *set, bool strict, char *err, size_t errlen);
/* snprintf into err (when not NULL); a truncated diagnostic is acceptable. */

/* ---- filters (tmpl_filters.c) ---- */

typedef enum {
	TF_DATE, TF_DATETIME, TF_TIME, TF_WAREKI, TF_ISO, TF_YEN, TF_NUMBER, TF_T,
	TF_URL, TF_URLENC, TF_JSON, TF_DEFAULT, TF_RAW
} tmpl_filter_t;

/* RV_STR is escaped on output, RV_SAFE written as is (TV_HTML, `| raw`, `| json`). */
typedef enum { RV_NULL, RV_BOOL, RV_INT, RV_STR, RV_SAFE, RV_LIST, RV_MAP } tmpl_rv_kind_t;

typedef struct {
	tmpl_rv_kind_t kind;
	bool           b;
	int64_t        i;
	const char    *s;   /* RV_STR, RV_SAFE: n bytes, not necessarily NUL-terminated */
	size_t         n;
	const tv_t    *tv;  /* RV_LIST, RV_MAP */
} tmpl_rv_t;

/* Everything one filter application may read. */
typedef struct {
	const i18n_t *i18n;
	const char   *lang;  /* NULL: no translation */
	const char   *arg;   /* the filter's string literal, NUL-terminated, or NULL */
	size_t        argn;
} tmpl_fenv_t;

/* Looks a filter up by name; *wants_arg tells whether it takes a string literal (then it must have one). */
bool tmpl_filter_find(const char *name, size_t n, tmpl_filter_t *f, bool *wants_arg);
/* The value of v as a template sees it. */
void tmpl_rv_from(const tv_t *v, tmpl_rv_t *out);
bool tmpl_rv_truthy(const tmpl_rv_t *v);
/* Applies f to *v. The result may point into scratch (cleared first), which must not hold *v's text.
 * False only when memory runs out. */
bool tmpl_filter_apply(tmpl_filter_t f, const tmpl_fenv_t *env, tmpl_rv_t *v, buf_t *scratch);
/* Writes v into out: RV_STR HTML-escaped, RV_SAFE as is, numbers in decimal, bools as true/false. */
bool tmpl_rv_write(buf_t *out, const tmpl_rv_t *v);
/* True when s may stand in an href/src as it is (see the url filter in tmpl.h). */
bool tmpl_url_allowed(const char *s, size_t n);

#endif
