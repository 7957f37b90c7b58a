/* value.h - the data a template sees: null, bool, int, string, trusted HTML, list, map; all in an arena. */
#ifndef TSUNAGU_VALUE_H
#define TSUNAGU_VALUE_H

#include "core/arena.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { TV_NULL, TV_BOOL, TV_INT, TV_STR, TV_HTML, TV_LIST, TV_MAP } tv_kind_t;

typedef struct tv tv_t;
struct tv {
	tv_kind_t kind;
	union {
		bool    b;
		int64_t i;
		struct { const char *s; size_t n; } str;             /* TV_STR and TV_HTML */
		struct { tv_t **items; size_t n, cap; } list;
		struct { const char **keys; tv_t **vals; size_t n, cap; } map;
	} u;
};

tv_t *tv_map(arena_t *a);
tv_t *tv_list(arena_t *a);
tv_t *tv_null(arena_t *a);
tv_t *tv_bool(arena_t *a, bool b);
tv_t *tv_int(arena_t *a, int64_t i);
/* Strings are copied into the arena; NULL s gives TV_NULL. */
tv_t *tv_str(arena_t *a, const char *s);
tv_t *tv_strn(arena_t *a, const char *s, size_t n);
/* HTML written into the page unescaped. Only for HTML the program itself produced
 * (a rendered template, rendered Markdown); never for anything a user typed. */
tv_t *tv_html_trusted(arena_t *a, const char *html, size_t n);

/* Map setters replace an existing key. Keys are not copied: pass literals or arena strings. */
void  tv_set(arena_t *a, tv_t *map, const char *key, tv_t *v);
void  tv_set_str(arena_t *a, tv_t *map, const char *key, const char *s);
void  tv_set_int(arena_t *a, tv_t *map, const char *key, int64_t i);
void  tv_set_bool(arena_t *a, tv_t *map, const char *key, bool b);
void  tv_push(arena_t *a, tv_t *list, tv_t *v);
/* NULL when absent or when map is not a map. */
tv_t *tv_get(const tv_t *map, const char *key);
/* Truthiness as templates see it: null, false, 0, "" and [] are false. */
bool  tv_truthy(const tv_t *v);

#endif
