/*
 * tmpl.h - the template engine: mustache-like, HTML-escaped by default, compiled once at load.
 *
 * Syntax (templates/NAME.html, NAME may contain '/'):
 *   {{ name }}              value, HTML-escaped (& < > " ' all escaped: safe in text and quoted attributes)
 *   {{ a.b.c }}  {{ . }}    dotted lookup through the context stack; '.' is the current item
 *   {{ @index }} {{ @first }} {{ @last }}   inside a list section (index starts at 1)
 *   {{ "literal" }}         a string literal (useful with filters: {{ "ホーム" | t }})
 *   {{ x | f1 | f2 "arg" }} filters, left to right; a filter may take one string literal
 *   {{ x | raw }}           the one way to write a value unescaped (grep for "| raw")
 *   {{# x }}...{{/ x }}     section: a list repeats per item, a map is entered once, a truthy scalar renders once
 *   {{^ x }}...{{/ x }}     inverted section: rendered when x is missing, false, 0, "" or []
 *   {{> partials/name }}    partial, rendered with the current context
 *   {{! comment }}
 * Filters: date (2026年11月22日), datetime (2026年11月22日 10:05), time (10:05), wareki (令和8年11月22日),
 *   iso (2026-11-22T10:05:00+09:00) — all on UTC epoch seconds, shown in JST whatever the machine's TZ;
 *   yen (1,234,567円), number (1,234,567), t (translation via i18n, msgid = the Japanese text),
 *   url (keeps http:, https:, mailto:, tel:, '/', '#', '?' and relative URLs; anything else becomes "#"),
 *   urlenc (percent-encoding for a query value), json (a JSON string literal, safe inside <script>), default "x", raw.
 * TV_HTML values (tv_html_trusted) are written as they are.
 */
#ifndef TSUNAGU_TMPL_H
#define TSUNAGU_TMPL_H

#include "core/buf.h"
#include "view/i18n.h"
#include "view/value.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct tmpl_set tmpl_set_t;

#define TMPL_MAX_FILE   (512 * 1024) /* one template file */
#define TMPL_MAX_DEPTH  32           /* nesting of partials and sections while rendering */

/* Loads every *.html under dir (recursively). Any syntax error or unknown partial or filter fails the
 * whole load with "file:line: message" in err. */
tmpl_set_t *tmpl_set_load(const char *dir, char *err, size_t errlen);
/* Compiles one template from memory into a new set under the given name (tests, fuzzing). */
tmpl_set_t *tmpl_set_from_string(const char *name, const char *src, size_t len, char *err, size_t errlen);
/* Adds a template from memory to an existing set (e.g. a partial for a test); false on error. */
bool        tmpl_set_add(tmpl_set_t *set, const char *name, const char *src, size_t len, char *err, size_t errlen);
/* Resolves partial references after tmpl_set_add calls; false (and err) when one is missing. */
bool        tmpl_set_link(tmpl_set_t *set, char *err, size_t errlen);
void        tmpl_set_free(tmpl_set_t *set);
bool        tmpl_set_has(const tmpl_set_t *set, const char *name);
/* True when a file under the loaded directory changed, was added or removed since the load (--dev). */
bool        tmpl_set_changed(const tmpl_set_t *set);

/* Renders name with ctx; lang selects translations (NULL or "ja": the text itself). i18n may be NULL. */
bool        tmpl_render(const tmpl_set_t *set, const char *name, const tv_t *ctx,
                const i18n_t *i18n, const char *lang, buf_t *out);

#endif
