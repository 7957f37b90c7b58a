/*
 * tmpl.c - templates compiled once into node trees; rendering only walks them.
 *
 * A set owns one arena holding every template's source copy, nodes, names and literals. Parsing turns
 * a file into a list of nodes (text, var with its filters resolved to ids, section and inverted
 * section with a child list, partial); names are split into segments and literals decoded at that
 * point. Linking stores a pointer to each partial's template in its node, so rendering does no
 * lookups but map keys. After loading and linking nothing in a set is written again, so any number
 * of threads may render from it at once; each render keeps its state (the context stack, scratch
 * buffers for filters) on its own stack.
 */
#include "view/tmpl.h"
#include "view/tmpl_int.h"
#include "core/arena.h"
#include "core/str.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TMPL_MAX_NAME      256         /* a template or partial name */
#define TMPL_MAX_FILTERS   16          /* filters in one tag */
#define TMPL_MAX_SHOWN     64          /* bytes of a name quoted in an error */
#define TMPL_MAX_STEPS     (1L << 22)  /* nodes visited in one render: nested sections over an outer
                                          list grow exponentially, and must not hang a worker */
#define TMPL_ARENA_BLOCK   (64 * 1024)

enum nkind { N_TEXT, N_VAR, N_SECTION, N_INVERTED, N_PARTIAL };
enum ekind { E_NAME, E_DOT, E_INDEX, E_FIRST, E_LAST, E_LIT };

struct filter {
	tmpl_filter_t f;
	const char   *arg;
	size_t        argn;
};

struct expr {
	enum ekind   kind;
	const char **segs;   /* E_NAME: the dotted parts */
	size_t       nseg;
	const char  *text;   /* E_LIT: the decoded literal; otherwise the name as written */
	size_t       textn;
};

struct tmpl;

struct node {
	enum nkind         kind;
	int                line;
	struct node       *next;
	const char        *text;      /* N_TEXT */
	size_t             len;
	struct expr        expr;      /* N_VAR, N_SECTION, N_INVERTED */
	struct filter     *filters;   /* N_VAR */
	size_t             nfilters;
	struct node       *child;     /* N_SECTION, N_INVERTED */
	const char        *pname;     /* N_PARTIAL */
	const struct tmpl *partial;   /* N_PARTIAL, set by linking */
};

struct tmpl {
	const char  *name;
	const char  *label;  /* for messages: the file, or the name */
	struct node *body;
};

static const struct tmpl *
find_tmpl(const tmpl_set_t *set, const char *name)
{
	size_t k, mask;

	if (set->tabcap == 0)
		return NULL;
	mask = set->tabcap - 1;
	for (k = str_hash32(name) & mask; set->tab[k] != NULL; k = (k + 1) & mask)
		if (strcmp(set->tab[k]->name, name) == 0)
			return set->tab[k];
	return NULL;
}

static bool
rebuild_tab(tmpl_set_t *set)
{
	struct tmpl **tab;
	size_t        cap = 16, k, j, mask;

	while (cap < set->n * 2)
		cap *= 2;
	if ((tab = calloc(cap, sizeof(*tab))) == NULL)
		return false;
	mask = cap - 1;
	for (j = 0; j < set->n; j++) {
		for (k = str_hash32(set->list[j]->name) & mask; tab[k] != NULL; k = (k + 1) & mask)
			;
		tab[k] = set->list[j];
	}
	free(set->tab);
	set->tab = tab;
	set->tabcap = cap;
	return true;
}

/* ---- parsing ---- */

struct open_section {
	struct node  *sec;
	struct node **tail;
};

struct parser {
	arena_t            *a;
	const char         *label;
	int                 line;
	char               *err;
	size_t              errlen;
	struct open_section open[TMPL_MAX_DEPTH + 1]; /* [0] is the template's top level */
	size_t              depth;
};

static bool
perr(struct parser *ps, int line, const char *fmt, ...)
{
	char    msg[256];
	va_list ap;

	va_start(ap, fmt);
	/* truncation only shortens the message */
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	str_errf(ps->err, ps->errlen, "%s:%d: %s", ps->label, line, msg);
	return false;
}

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool
is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '-';
}

static void
skip_ws(const char **s, const char *e)
{
	while (*s < e && is_ws(**s))
		(*s)++;
}

static int
shown(size_t n)
{
	return n > TMPL_MAX_SHOWN ? TMPL_MAX_SHOWN : (int)n;
}

static struct node *
node_new(struct parser *ps, enum nkind kind, int line)
{
	struct node *n = arena_zalloc(ps->a, sizeof(*n));

	if (n == NULL) {
		perr(ps, line, "out of memory");
		return NULL;
	}
	n->kind = kind;
	n->line = line;
	return n;
}

static void
emit(struct parser *ps, struct node *n)
{
	struct open_section *o = &ps->open[ps->depth];

	*o->tail = n;
	o->tail = &n->next;
}

/* Decodes the "..." at *s (escapes \" and \\) into the arena. */
static bool
parse_literal(struct parser *ps, int line, const char **s, const char *e, const char **out, size_t *outn)
{
	const char *p, *q;
	char       *d;
	size_t      n = 0;

	for (p = *s + 1; p < e && *p != '"'; p++, n++) {
		if (*p == '\\') {
			if (p + 1 == e || (p[1] != '"' && p[1] != '\\'))
				return perr(ps, line, "bad escape in string literal (only \\\" and \\\\)");
			p++;
		}
	}
	if (p == e)
		return perr(ps, line, "unterminated string literal");
	if ((d = arena_alloc(ps->a, n + 1)) == NULL)
		return perr(ps, line, "out of memory");
	for (q = *s + 1, n = 0; q < p; q++) {
		if (*q == '\\')
			q++;
		d[n++] = *q;
	}
	d[n] = '\0';
	*out = d;
	*outn = n;
	*s = p + 1;
	return true;
}

static bool
parse_expr(struct parser *ps, int line, const char **s, const char *e, struct expr *x, bool allow_lit)
{
	const char *p, *start, *q;
	size_t      k;

	skip_ws(s, e);
	p = start = *s;
	memset(x, 0, sizeof(*x));
	if (p < e && *p == '"') {
		if (!allow_lit)
			return perr(ps, line, "a section needs a name, not a string literal");
		x->kind = E_LIT;
		return parse_literal(ps, line, s, e, &x->text, &x->textn);
	}
	if (p < e && *p == '@') {
		p++;
		while (p < e && is_ident(*p))
			p++;
		if ((size_t)(p - start) == 6 && memcmp(start, "@index", 6) == 0)
			x->kind = E_INDEX;
		else if ((size_t)(p - start) == 6 && memcmp(start, "@first", 6) == 0)
			x->kind = E_FIRST;
		else if ((size_t)(p - start) == 5 && memcmp(start, "@last", 5) == 0)
			x->kind = E_LAST;
		else
			return perr(ps, line, "unknown variable '%.*s' (@index, @first, @last)",
			    shown((size_t)(p - start)), start);
	} else if (p < e && *p == '.' && (p + 1 == e || (!is_ident(p[1]) && p[1] != '.'))) {
		x->kind = E_DOT;
		p++;
	} else {
		while (p < e && (is_ident(*p) || *p == '.'))
			p++;
		if (p == start)
			return perr(ps, line, "expected a name");
		x->kind = E_NAME;
		x->nseg = 1;
		for (q = start; q < p; q++)
			if (*q == '.')
				x->nseg++;
		if ((x->segs = arena_calloc(ps->a, x->nseg, sizeof(*x->segs))) == NULL)
			return perr(ps, line, "out of memory");
		for (q = start, k = 0; k < x->nseg; k++) {
			const char *dot = memchr(q, '.', (size_t)(p - q));
			const char *segend = dot != NULL ? dot : p;

			if (segend == q)
				return perr(ps, line, "bad name '%.*s'", shown((size_t)(p - start)), start);
			if ((x->segs[k] = arena_strndup(ps->a, q, (size_t)(segend - q))) == NULL)
				return perr(ps, line, "out of memory");
			q = segend + 1;
		}
	}
	x->text = start;
	x->textn = (size_t)(p - start);
	*s = p;
	return true;
}

static bool
parse_filters(struct parser *ps, int line, const char **s, const char *e, struct node *n)
{
	struct filter fl[TMPL_MAX_FILTERS];
	size_t        nf = 0, namelen;
	const char   *p = *s, *name;
	bool          wants_arg;

	for (;;) {
		skip_ws(&p, e);
		if (p == e)
			break;
		if (*p != '|')
			return perr(ps, line, "unexpected '%c' in tag", *p);
		p++;
		skip_ws(&p, e);
		name = p;
		while (p < e && is_ident(*p))
			p++;
		namelen = (size_t)(p - name);
		if (namelen == 0)
			return perr(ps, line, "expected a filter name after '|'");
		if (nf == TMPL_MAX_FILTERS)
			return perr(ps, line, "more than %d filters", TMPL_MAX_FILTERS);
		memset(&fl[nf], 0, sizeof(fl[nf]));
		if (!tmpl_filter_find(name, namelen, &fl[nf].f, &wants_arg))
			return perr(ps, line, "unknown filter '%.*s'", shown(namelen), name);
		skip_ws(&p, e);
		if (p < e && *p == '"') {
			if (!wants_arg)
				return perr(ps, line, "filter '%.*s' takes no argument", shown(namelen), name);
			if (!parse_literal(ps, line, &p, e, &fl[nf].arg, &fl[nf].argn))
				return false;
		} else if (wants_arg) {
			return perr(ps, line, "filter '%.*s' needs a \"string\" argument", shown(namelen), name);
		}
		nf++;
	}
	if (nf > 0) {
		if ((n->filters = arena_memdup(ps->a, fl, nf * sizeof(fl[0]))) == NULL)
			return perr(ps, line, "out of memory");
		n->nfilters = nf;
	}
	*s = p;
	return true;
}

static bool
is_partial_char(char c)
{
	return is_ident(c) || c == '/' || c == '.';
}

/* One tag's content, [s, e), found on line. */
static bool
parse_tag(struct parser *ps, int line, const char *s, const char *e)
{
	struct node *n;
	struct expr  x;
	const char  *p;
	char         sigil;

	skip_ws(&s, e);
	while (e > s && is_ws(e[-1]))
		e--;
	if (s == e)
		return perr(ps, line, "empty tag");
	sigil = *s;
	switch (sigil) {
	case '!':
		return true;
	case '{':
		return perr(ps, line, "{{{ }}} is not supported: use {{ x | raw }}");
	case '#':
	case '^':
		s++;
		if (!parse_expr(ps, line, &s, e, &x, false))
			return false;
		skip_ws(&s, e);
		if (s != e)
			return perr(ps, line, *s == '|' ? "filters are not allowed in a section tag" :
			    "unexpected text after the section name");
		if (ps->depth == TMPL_MAX_DEPTH)
			return perr(ps, line, "sections nested deeper than %d", TMPL_MAX_DEPTH);
		if ((n = node_new(ps, sigil == '#' ? N_SECTION : N_INVERTED, line)) == NULL)
			return false;
		n->expr = x;
		emit(ps, n);
		ps->depth++;
		ps->open[ps->depth].sec = n;
		ps->open[ps->depth].tail = &n->child;
		return true;
	case '/':
		s++;
		if (!parse_expr(ps, line, &s, e, &x, false))
			return false;
		skip_ws(&s, e);
		if (s != e)
			return perr(ps, line, "unexpected text after the section name");
		if (ps->depth == 0)
			return perr(ps, line, "{{/ %.*s }} without an open section", shown(x.textn), x.text);
		n = ps->open[ps->depth].sec;
		if (n->expr.textn != x.textn || memcmp(n->expr.text, x.text, x.textn) != 0)
			return perr(ps, line, "{{/ %.*s }} does not close {{%c %.*s }} from line %d",
			    shown(x.textn), x.text, n->kind == N_SECTION ? '#' : '^',
			    shown(n->expr.textn), n->expr.text, n->line);
		ps->depth--;
		return true;
	case '>':
		s++;
		skip_ws(&s, e);
		for (p = s; p < e && is_partial_char(*p); p++)
			;
		if (p == s || p != e || *s == '/' || (size_t)(p - s) > TMPL_MAX_NAME)
			return perr(ps, line, "bad partial name '%.*s'", shown((size_t)(e - s)), s);
		if ((n = node_new(ps, N_PARTIAL, line)) == NULL)
			return false;
		if ((n->pname = arena_strndup(ps->a, s, (size_t)(p - s))) == NULL)
			return perr(ps, line, "out of memory");
		emit(ps, n);
		return true;
	default:
		if ((n = node_new(ps, N_VAR, line)) == NULL)
			return false;
		if (!parse_expr(ps, line, &s, e, &n->expr, true) || !parse_filters(ps, line, &s, e, n))
			return false;
		emit(ps, n);
		return true;
	}
}

/* The "}}" that ends a tag starting at s; "}}" inside a string literal does not count, except in comments. */
static const char *
tag_end(const char *s, const char *end, bool comment)
{
	bool in_str = false;

	for (; s < end; s++) {
		if (in_str) {
			if (*s == '\\' && s + 1 < end)
				s++;
			else if (*s == '"')
				in_str = false;
		} else if (*s == '}' && s + 1 < end && s[1] == '}') {
			return s;
		} else if (*s == '"' && !comment) {
			in_str = true;
		}
	}
	return NULL;
}

static int
count_lines(const char *s, const char *e)
{
	int n = 0;

	while ((s = memchr(s, '\n', (size_t)(e - s))) != NULL) {
		n++;
		s++;
	}
	return n;
}

static bool
parse(struct parser *ps, struct tmpl *t, const char *src, size_t len)
{
	const char *p = src, *end = src + len, *q, *cs, *te;
	struct node *n;
	int          line;

	ps->line = 1;
	ps->depth = 0;
	ps->open[0].sec = NULL;
	ps->open[0].tail = &t->body;
	while (p < end) {
		q = memmem(p, (size_t)(end - p), "{{", 2);
		if (q == NULL)
			q = end;
		if (q > p) {
			if ((n = node_new(ps, N_TEXT, ps->line)) == NULL)
				return false;
			n->text = p;
			n->len = (size_t)(q - p);
			emit(ps, n);
			ps->line += count_lines(p, q);
		}
		if (q == end)
			break;
		line = ps->line;
		cs = q + 2;
		while (cs < end && is_ws(*cs))
			cs++;
		if ((te = tag_end(q + 2, end, cs < end && *cs == '!')) == NULL)
			return perr(ps, line, "unterminated tag");
		ps->line += count_lines(q, te);
		if (!parse_tag(ps, line, q + 2, te))
			return false;
		p = te + 2;
	}
	if (ps->depth > 0) {
		n = ps->open[ps->depth].sec;
		return perr(ps, n->line, "{{%c %.*s }} is never closed", n->kind == N_SECTION ? '#' : '^',
		    shown(n->expr.textn), n->expr.text);
	}
	return true;
}

/* ---- sets ---- */

tmpl_set_t *
tmpl_set_new(void)
{
	tmpl_set_t *set = calloc(1, sizeof(*set));

	if (set != NULL)
		arena_init(&set->arena, TMPL_ARENA_BLOCK, 0);
	return set;
}

void
tmpl_set_free(tmpl_set_t *set)
{
	if (set == NULL)
		return;
	arena_free(&set->arena);
	free(set->list);
	free(set->tab);
	free(set->dir);
	free(set);
}

bool
tmpl_set_has(const tmpl_set_t *set, const char *name)
{
	return set != NULL && name != NULL && find_tmpl(set, name) != NULL;
}

static bool
valid_name(const char *name)
{
	size_t n;

	if (name == NULL)
		return false;
	n = strnlen(name, TMPL_MAX_NAME + 1);
	return n > 0 && n <= TMPL_MAX_NAME;
}

bool
tmpl_set_compile(tmpl_set_t *set, const char *name, const char *label, const char *src, size_t len,
    char *err, size_t errlen)
{
	struct parser ps;
	struct tmpl  *t;
	char         *copy;

	if (!valid_name(name)) {
		str_errf(err, errlen, "%s: bad template name", label != NULL ? label : "?");
		return false;
	}
	if (len > TMPL_MAX_FILE) {
		str_errf(err, errlen, "%s:1: template larger than %d bytes", label, TMPL_MAX_FILE);
		return false;
	}
	if (src == NULL && len > 0) {
		str_errf(err, errlen, "%s:1: no source", label);
		return false;
	}
	if (find_tmpl(set, name) != NULL) {
		str_errf(err, errlen, "%s:1: template '%s' defined twice", label, name);
		return false;
	}
	if (set->n == TMPL_MAX_FILES) {
		str_errf(err, errlen, "%s:1: more than %d templates", label, TMPL_MAX_FILES);
		return false;
	}
	memset(&ps, 0, sizeof(ps));
	ps.a = &set->arena;
	ps.label = label;
	ps.err = err;
	ps.errlen = errlen;
	if ((t = arena_zalloc(&set->arena, sizeof(*t))) == NULL ||
	    (t->name = arena_strdup(&set->arena, name)) == NULL ||
	    (t->label = arena_strdup(&set->arena, label)) == NULL ||
	    (copy = arena_memdup(&set->arena, len > 0 ? src : "", len)) == NULL) {
		str_errf(err, errlen, "%s:1: out of memory", label);
		return false;
	}
	if (!parse(&ps, t, copy, len))
		return false;
	if (set->n == set->cap) {
		size_t        ncap = set->cap ? set->cap * 2 : 16;
		struct tmpl **l = realloc(set->list, ncap * sizeof(*l));

		if (l == NULL) {
			str_errf(err, errlen, "%s:1: out of memory", label);
			return false;
		}
		set->list = l;
		set->cap = ncap;
	}
	set->list[set->n++] = t;
	if (!rebuild_tab(set)) {
		set->n--;
		str_errf(err, errlen, "%s:1: out of memory", label);
		return false;
	}
	return true;
}

static bool
link_nodes(const tmpl_set_t *set, const struct tmpl *t, struct node *n, bool strict, char *err, size_t errlen)
{
	for (; n != NULL; n = n->next) {
		if (n->kind == N_PARTIAL) {
			n->partial = find_tmpl(set, n->pname);
			if (n->partial == NULL && strict) {
				str_errf(err, errlen, "%s:%d: unknown partial '%s'", t->label, n->line, n->pname);
				return false;
			}
		}
		if (n->child != NULL && !link_nodes(set, t, n->child, strict, err, errlen))
			return false;
	}
	return true;
}

bool
tmpl_set_resolve(tmpl_set_t *set, bool strict, char *err, size_t errlen)
{
	size_t k;

	for (k = 0; k < set->n; k++)
		if (!link_nodes(set, set->list[k], set->list[k]->body, strict, err, errlen))
			return false;
	return true;
}

bool
tmpl_set_add(tmpl_set_t *set, const char *name, const char *src, size_t len, char *err, size_t errlen)
{
	if (set == NULL || !tmpl_set_compile(set, name, name, src, len, err, errlen))
		return false;
	/* earlier templates may have been waiting for this one as a partial */
	return tmpl_set_resolve(set, false, NULL, 0);
}

bool
tmpl_set_link(tmpl_set_t *set, char *err, size_t errlen)
{
	return set != NULL && tmpl_set_resolve(set, true, err, errlen);
}

tmpl_set_t *
tmpl_set_from_string(const char *name, const char *src, size_t len, char *err, size_t errlen)
{
	tmpl_set_t *set = tmpl_set_new();

	if (set == NULL) {
		str_errf(err, errlen, "out of memory");
		return NULL;
	}
	if (!tmpl_set_add(set, name, src, len, err, errlen)) {
		tmpl_set_free(set);
		return NULL;
	}
	return set;
}

/* ---- rendering ---- */

struct frame {
	const tv_t *v;
	size_t      index;  /* 1-based position in the list, when item */
	size_t      count;
	bool        item;
};

struct render {
	buf_t       *out;
	const i18n_t *i18n;
	const char  *lang;
	buf_t        scratch[2];
	struct frame frames[TMPL_MAX_DEPTH + 1];
	size_t       nframes;
	size_t       depth;
	long         steps;
};

static bool render_nodes(struct render *r, const struct node *n);

/* Mustache lookup: the first name from the innermost map that has it, the rest inside that value. */
static const tv_t *
lookup(const struct render *r, const struct expr *x)
{
	const tv_t *v = NULL;
	size_t      f, k;

	if (x->kind == E_DOT)
		return r->frames[r->nframes - 1].v;
	for (f = r->nframes; f-- > 0;)
		if ((v = tv_get(r->frames[f].v, x->segs[0])) != NULL)
			break;
	for (k = 1; v != NULL && k < x->nseg; k++)
		v = tv_get(v, x->segs[k]);
	return v;
}

static void
eval(const struct render *r, const struct expr *x, tmpl_rv_t *v)
{
	const struct frame *item = NULL;
	size_t              f;

	switch (x->kind) {
	case E_LIT:
		memset(v, 0, sizeof(*v));
		v->kind = RV_STR;
		v->s = x->text;
		v->n = x->textn;
		return;
	case E_NAME:
	case E_DOT:
		tmpl_rv_from(lookup(r, x), v);
		return;
	default:
		break;
	}
	for (f = r->nframes; f-- > 0;) {
		if (r->frames[f].item) {
			item = &r->frames[f];
			break;
		}
	}
	memset(v, 0, sizeof(*v));
	if (item == NULL) {
		v->kind = RV_NULL;
	} else if (x->kind == E_INDEX) {
		v->kind = RV_INT;
		v->i = (int64_t)item->index;
	} else {
		v->kind = RV_BOOL;
		v->b = x->kind == E_FIRST ? item->index == 1 : item->index == item->count;
	}
}

static bool
render_var(struct render *r, const struct node *n)
{
	tmpl_rv_t   v;
	tmpl_fenv_t env;
	size_t      k, cur = 0;

	eval(r, &n->expr, &v);
	env.i18n = r->i18n;
	env.lang = r->lang;
	for (k = 0; k < n->nfilters; k++) {
		env.arg = n->filters[k].arg;
		env.argn = n->filters[k].argn;
		if (!tmpl_filter_apply(n->filters[k].f, &env, &v, &r->scratch[cur]))
			return false;
		/* the next filter writes into the other buffer when this one's result lives here */
		if ((v.kind == RV_STR || v.kind == RV_SAFE) && r->scratch[cur].data != NULL &&
		    v.s == r->scratch[cur].data)
			cur ^= 1;
	}
	return tmpl_rv_write(r->out, &v);
}

static bool
render_in(struct render *r, const struct node *body, const tv_t *ctx, bool push, size_t index, size_t count)
{
	bool ok;

	if (push) {
		struct frame *f = &r->frames[r->nframes++];
		f->v = ctx;
		f->index = index;
		f->count = count;
		f->item = count > 0;
	}
	ok = render_nodes(r, body);
	if (push)
		r->nframes--;
	return ok;
}

static bool
render_section(struct render *r, const struct node *n)
{
	const tv_t *tv = NULL;
	tmpl_rv_t   v;
	size_t      k;
	bool        ok = true;

	if (r->depth >= TMPL_MAX_DEPTH)
		return false;
	if (n->expr.kind == E_NAME || n->expr.kind == E_DOT) {
		tv = lookup(r, &n->expr);
		tmpl_rv_from(tv, &v);
	} else {
		eval(r, &n->expr, &v);
	}
	r->depth++;
	if (n->kind == N_INVERTED) {
		if (!tmpl_rv_truthy(&v))
			ok = render_in(r, n->child, NULL, false, 0, 0);
	} else if (v.kind == RV_LIST) {
		for (k = 0; ok && k < tv->u.list.n; k++) {
			if (++r->steps > TMPL_MAX_STEPS)
				ok = false;
			else
				ok = render_in(r, n->child, tv->u.list.items[k], true, k + 1, tv->u.list.n);
		}
	} else if (tmpl_rv_truthy(&v)) {
		/* a map or scalar becomes the context; @index and friends push nothing */
		ok = render_in(r, n->child, tv, tv != NULL, 0, 0);
	}
	r->depth--;
	return ok;
}

static bool
render_nodes(struct render *r, const struct node *n)
{
	for (; n != NULL; n = n->next) {
		if (++r->steps > TMPL_MAX_STEPS)
			return false;
		switch (n->kind) {
		case N_TEXT:
			if (!buf_append(r->out, n->text, n->len))
				return false;
			break;
		case N_VAR:
			if (!render_var(r, n))
				return false;
			break;
		case N_SECTION:
		case N_INVERTED:
			if (!render_section(r, n))
				return false;
			break;
		case N_PARTIAL:
			if (n->partial == NULL || r->depth >= TMPL_MAX_DEPTH)
				return false;
			r->depth++;
			if (!render_nodes(r, n->partial->body))
				return false;
			r->depth--;
			break;
		}
	}
	return true;
}

bool
tmpl_render(const tmpl_set_t *set, const char *name, const tv_t *ctx,
    const i18n_t *i18n, const char *lang, buf_t *out)
{
	const struct tmpl *t;
	struct render      r;
	size_t             start;
	bool               ok;

	if (set == NULL || name == NULL || out == NULL || (t = find_tmpl(set, name)) == NULL)
		return false;
	start = out->len;
	r.out = out;
	r.i18n = i18n;
	r.lang = lang;
	buf_init(&r.scratch[0]);
	buf_init(&r.scratch[1]);
	r.frames[0].v = ctx;
	r.frames[0].index = r.frames[0].count = 0;
	r.frames[0].item = false;
	r.nframes = 1;
	r.depth = 0;
	r.steps = 0;
	ok = render_nodes(&r, t->body) && !out->oom;
	buf_free(&r.scratch[0]);
	buf_free(&r.scratch[1]);
	if (!ok && !out->oom && out->data != NULL) {
		/* no half page: the caller sends an error page instead */
		out->len = start;
		out->data[start] = '\0';
	}
	return ok;
}
