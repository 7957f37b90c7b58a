/*
 * listing.c - the public list and detail pages of the searchable types (issue 4 item 4; G30, G31, G33-G35):
 * /jobs, /companies, /internships and /<base>/<id>. Everything comes from the schema: the facet filters are
 * the type's fields whose vocabulary is a facet, the detail page shows every public field under its label.
 * A list page is one GET form (keyword, filters as checkboxes with counts, sort) and works without
 * JavaScript; its URL is the bookmark. The public sees only published entities inside their listing
 * period; anything else answers 404.
 */
#include "app/web.h"
#include "content/settings.h"
#include "content/entity.h"
#include "content/schema.h"
#include "core/config.h"
#include "core/jtime.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"
#include "media/media.h"
#include "search/search.h"
#include "view/markdown.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PER_PAGE     20
#define QUERY_MAX    200   /* characters kept from the keyword box */
#define SUMMARY_MAX  4     /* fields shown under a result's title */

typedef struct listing {
	const char *type;      /* schema type */
	const char *base;      /* /jobs */
	const char *noun;      /* 求人情報 */
} listing_t;

static const listing_t listings[] = {
	{ "job", "/jobs", "求人情報" },
	{ "company", "/companies", "企業情報" },
	{ "internship", "/internships", "インターンシップ情報" },
	{ "news", "/news", "新着情報" },
	{ "event", "/events", "イベント情報" },
	{ "project", "/projects", "県の実施事業" },
	{ "tips", "/tips", "企業向けお役立ち情報" },
	{ "column", "/columns", "コラム" },
};

static schema_t *schema;

bool
listing_init(char *err, size_t errlen)
{
	schema = schema_load(config.root, config.site, err, errlen);
	return schema != NULL;
}

void
listing_free(void)
{
	schema_free(schema);
	schema = NULL;
}

static const listing_t *
listing_for(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(listings) / sizeof(listings[0]); i++)
		if (strcmp(listings[i].type, type) == 0)
			return &listings[i];
	return NULL;
}

static const schema_vocab_t *
vocab(const char *code)
{
	int i;

	for (i = 0; schema != NULL && i < schema->nvocabs; i++)
		if (strcmp(schema->vocabs[i].code, code) == 0)
			return &schema->vocabs[i];
	return NULL;
}

/* The facet vocabularies of a type, in field order, each once; the parent "area" comes before
 * "municipality" because the municipality's terms carry it as an ancestor. */
static int
facet_vocabs(const schema_type_t *t, const char **out, int max)
{
	int i, j, n = 0;

	for (i = 0; i < t->nfields && n < max; i++) {
		const schema_field_t *f = &t->fields[i];
		const schema_vocab_t *v;
		const char *codes[2];
		int k, nc = 0;
		if (f->type != F_TERMS || f->internal || (v = vocab(f->vocab)) == NULL || !v->facet)
			continue;
		if (strcmp(f->vocab, "municipality") == 0 && vocab("area") != NULL && vocab("area")->facet)
			codes[nc++] = "area";
		codes[nc++] = f->vocab;
		for (k = 0; k < nc && n < max; k++) {
			for (j = 0; j < n && strcmp(out[j], codes[k]) != 0; j++)
				;
			if (j == n)
				out[n++] = codes[k];
		}
	}
	return n;
}

/* The keyword, cut to QUERY_MAX characters at a character boundary. */
static const char *
keyword(req_t *r)
{
	const char *q = http_query(r, "q");
	size_t n, i;

	if (q == NULL)
		return "";
	n = strlen(q);
	i = str_utf8_prefix(q, n, QUERY_MAX);
	return i < n ? arena_strndup(&r->arena, q, i) : q;
}

/* The selected codes of one vocabulary (?industry=E&industry=G), as the filter and as a set. */
static void
selected(req_t *r, const char *vcode, search_filter_t *f)
{
	size_t i;

	f->vocab = vcode;
	f->ncodes = 0;
	for (i = 0; i < r->query.count && f->ncodes < SEARCH_MAX_CODES; i++)
		if (strcmp(r->query.fields[i].name, vcode) == 0 && r->query.fields[i].value[0] != '\0' &&
		    strlen(r->query.fields[i].value) <= 32)
			f->codes[f->ncodes++] = r->query.fields[i].value;
}

static bool
is_selected(const search_filter_t *f, const char *code)
{
	int i;

	for (i = 0; i < f->ncodes; i++)
		if (strcmp(f->codes[i], code) == 0)
			return true;
	return false;
}

/* The names of an entity's terms of one vocabulary, joined with 、 (in the arena); NULL when none. */
static const char *
names_joined(req_t *r, db_t *db, int64_t id, const char *vcode)
{
	db_stmt_t *st = db_prepare(db, "SELECT t.name FROM entity_terms et JOIN terms t ON t.id = et.term_id "
	    "WHERE et.entity_id = ? AND t.vocab = ? ORDER BY t.sort, t.code");
	buf_t b = BUF_INIT;
	const char *v;

	if (st == NULL)
		return NULL;
	db_bind_i64(st, 1, id);
	db_bind_str(st, 2, vcode);
	while (db_step(st) == DB_ROW) {
		if (b.len > 0)
			buf_puts(&b, "、");
		buf_puts(&b, db_col_text(st, 0));
	}
	db_done(st);
	v = b.len > 0 && !b.oom ? arena_strdup(&r->arena, b.data) : NULL;
	buf_free(&b);
	return v;
}

/* The terms of one vocabulary an entity has when at least one of them has a logo (マスタ管理, 認証制度):
 * each with its picture (alt = its name) or, without one, its name; NULL when none has a logo. */
static tv_t *
term_logos(req_t *r, db_t *db, int64_t id, const char *vcode)
{
	arena_t *A = &r->arena;
	db_stmt_t *st = db_prepare(db, "SELECT t.name, COALESCE(t.logo_media_id, 0) FROM entity_terms et "
	    "JOIN terms t ON t.id = et.term_id WHERE et.entity_id = ? AND t.vocab = ? ORDER BY t.sort, t.code");
	tv_t *list = tv_list(A);
	bool any = false;

	if (st == NULL)
		return NULL;
	db_bind_i64(st, 1, id);
	db_bind_str(st, 2, vcode);
	while (db_step(st) == DB_ROW) {
		tv_t *m = tv_map(A), *pic = NULL;
		const char *name = arena_strdup(A, db_col_text(st, 0));
		if (db_col_i64(st, 1) > 0)
			pic = web_picture(r, db, arena_printf(A, "%lld", (long long)db_col_i64(st, 1)), name, "6rem");
		tv_set_str(A, m, "name", name);
		if (pic != NULL) {
			tv_set(A, m, "pic", pic);
			any = true;
		} else {
			tv_set_bool(A, m, "pic", false);
		}
		tv_push(A, list, m);
	}
	db_done(st);
	return any ? list : NULL;
}

static tv_t *
term_names(req_t *r, db_t *db, int64_t id, const char *vcode)
{
	const char *s = names_joined(r, db, id, vcode);

	return s != NULL ? tv_str(&r->arena, s) : NULL;
}

/* A field's value for display (text), or NULL when empty. */
static tv_t *
field_value(req_t *r, db_t *db, int64_t id, const schema_field_t *f, json_t *fields)
{
	json_t *v = json_object_get(fields, f->name);
	char num[64];

	if (f->type == F_TERMS)
		return term_names(r, db, id, f->vocab);
	if (v == NULL || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return json_string_length(v) > 0 ? tv_str(&r->arena, json_string_value(v)) : NULL;
	if (json_is_integer(v)) {
		if (f->type == F_YEN)
			return NULL;  /* shown through the yen filter by the caller */
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		return tv_str(&r->arena, num);
	}
	if (json_is_true(v))
		return tv_str(&r->arena, "あり");
	if (json_is_false(v))
		return tv_str(&r->arena, "なし");
	return NULL;
}

typedef struct row {
	int64_t id, published_at, deadline, listing_start, listing_end;
	char    status[16];
	char   *title;
	json_t *fields;
} row_t;

static bool
load_row(db_t *db, int64_t id, const char *type, row_t *out)
{
	db_stmt_t *st = db_prepare(db, "SELECT id, status, published_at, deadline, listing_start, listing_end, title, fields "
	    "FROM entities WHERE id = ? AND type = ?");
	bool found = false;

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, id);
	db_bind_str(st, 2, type);
	if (db_step(st) == DB_ROW) {
		out->id = db_col_i64(st, 0);
		str_copy(out->status, sizeof(out->status), db_col_text(st, 1));
		out->published_at = db_col_i64(st, 2);
		out->deadline = db_col_i64(st, 3);
		out->listing_start = db_col_i64(st, 4);
		out->listing_end = db_col_i64(st, 5);
		out->title = strdup(db_col_text(st, 6));
		out->fields = json_loadb(db_col_text(st, 7), db_col_len(st, 7), 0, NULL);
		found = out->title != NULL && json_is_object(out->fields);
	}
	db_done(st);
	if (!found) {
		free(out->title);
		json_decref(out->fields);
		memset(out, 0, sizeof(*out));
	}
	return found;
}

static void
free_row(row_t *row)
{
	free(row->title);
	json_decref(row->fields);
}

static bool
public_now(const row_t *row, int64_t now)
{
	return entity_public(row->status, row->listing_start, row->listing_end, now);
}

/* The first max characters of s (a meta description), with an ellipsis when cut; newlines as spaces. */
static const char *
cut_chars(arena_t *A, const char *s, size_t max)
{
	size_t n = strlen(s), i = str_utf8_prefix(s, n, max);
	char *out;

	out = arena_printf(A, "%.*s%s", (int)i, s, i < n ? "…" : "");
	for (char *c = out; c != NULL && *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	return out;
}

/* Appends name=value to a query string being built (values percent-encoded). */
static void
qs_add(buf_t *b, const char *name, const char *value)
{
	buf_putc(b, b->len > 0 ? '&' : '?');
	buf_puts(b, name);
	buf_putc(b, '=');
	buf_append_urlenc(b, value, strlen(value));
}

static void
list_page(req_t *r, const listing_t *l)
{
	arena_t *A = &r->arena;
	const schema_type_t *t = schema != NULL ? schema_type(schema, l->type) : NULL;
	const char *vocabs[SEARCH_MAX_FILTERS], *q, *sort;
	search_params_t p;
	search_result_t res;
	db_t *db = db_thread();
	tv_t *ctx, *items, *facets, *pages;
	buf_t qs = BUF_INIT, title = BUF_INIT;
	int nv, i, j, page = 1, npages;
	int64_t x;

	if (t == NULL || db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	memset(&p, 0, sizeof(p));
	q = keyword(r);
	nv = facet_vocabs(t, vocabs, SEARCH_MAX_FILTERS);
	for (i = 0; i < nv; i++) {
		selected(r, vocabs[i], &p.filters[i]);
		p.nfilters++;
	}
	sort = http_query(r, "sort");
	if (sort != NULL && strcmp(sort, "newest") == 0)
		p.sort = SORT_NEWEST;
	else if (sort != NULL && strcmp(sort, "deadline") == 0 && t->deadline_field >= 0)
		p.sort = SORT_DEADLINE;
	else
		p.sort = SORT_RELEVANCE;
	if (http_query(r, "page") != NULL && str_to_i64(http_query(r, "page"), 1, SEARCH_MAX_PAGE, &x))
		page = (int)x;
	p.type = l->type;
	p.q = q;
	p.page = page;
	p.per_page = PER_PAGE;
	p.facets = true;
	p.now = jtime_now();
	if (!search_run(db, A, &p, &res)) {
		web_error(r, 500, NULL);
		return;
	}

	/* the title says what is shown: 「営業」の求人情報（2ページ目） */
	if (q[0] != '\0')
		buf_printf(&title, "「%s」の", q);
	buf_puts(&title, l->noun);
	buf_puts(&title, "一覧");
	if (page > 1)
		buf_printf(&title, "（%dページ目）", page);
	ctx = web_ctx(r, arena_strdup(A, title.data ? title.data : l->noun));
	buf_free(&title);
	tv_set_str(A, ctx, "description", arena_printf(A, "群馬県内の%sを、キーワード・地域・業種・職種・対象者から探せます。", l->noun));
	tv_set_str(A, ctx, "base", l->base);
	tv_set_str(A, ctx, "noun", l->noun);
	tv_set_str(A, ctx, "q", q);
	tv_set_int(A, ctx, "total", res.total);
	tv_set_bool(A, ctx, "empty_query", res.empty_query);
	tv_set_bool(A, ctx, "has_deadline", t->deadline_field >= 0);
	tv_set_bool(A, ctx, "sort_relevance", p.sort == SORT_RELEVANCE);
	tv_set_bool(A, ctx, "sort_newest", p.sort == SORT_NEWEST);
	tv_set_bool(A, ctx, "sort_deadline", p.sort == SORT_DEADLINE);

	/* results */
	items = tv_list(A);
	for (i = 0; i < res.nids; i++) {
		row_t row;
		tv_t *it = tv_map(A), *summary = tv_list(A);
		int shown = 0;
		if (!load_row(db, res.ids[i], l->type, &row))
			continue;
		tv_set_int(A, it, "id", row.id);
		tv_set_str(A, it, "title", row.title);
		tv_set_str(A, it, "url", arena_printf(A, "%s/%lld", l->base, (long long)row.id));
		for (j = 0; j < t->nfields && shown < SUMMARY_MAX; j++) {
			const schema_field_t *f = &t->fields[j];
			tv_t *v, *pair;
			if (j == t->title_field || f->internal || f->type == F_LONGTEXT || f->type == F_MARKDOWN || f->type == F_URL ||
			    f->type == F_EMAIL || f->type == F_IMAGE || f->type == F_LINKS)
				continue;
			v = NULL;
			if (f->type == F_TERMS) {
				/* from the index the search just used: no query per field */
				buf_t names = BUF_INIT;
				if (search_term_names(l->type, row.id, f->vocab, "、", &names) && names.len > 0)
					v = tv_str(A, names.data);
				buf_free(&names);
			} else {
				v = field_value(r, db, row.id, f, row.fields);
			}
			if (v == NULL)
				continue;
			pair = tv_map(A);
			tv_set_str(A, pair, "label", f->label);
			tv_set(A, pair, "value", v);
			tv_push(A, summary, pair);
			shown++;
		}
		tv_set(A, it, "summary", summary);
		tv_set_bool(A, it, "has_summary", shown > 0);
		if (row.deadline)
			tv_set_int(A, it, "deadline", row.deadline);
		if (q[0] != '\0') {
			buf_t snip = BUF_INIT;
			if (search_snippet(db, row.id, q, 32, &snip) && snip.len > 0)
				tv_set(A, it, "snippet", tv_html_trusted(A, snip.data, snip.len));  /* escaped by search_snippet */
			buf_free(&snip);
		}
		tv_push(A, items, it);
		free_row(&row);
	}
	tv_set(A, ctx, "items", items);
	tv_set_bool(A, ctx, "has_items", res.nids > 0);

	/* filters: each facet vocabulary with the terms found (and the ones selected, even at 0). The counts
	 * of a vocabulary that is itself filtered come from the same search without that filter, so its
	 * other terms stay offered with what ticking them would add (disjunctive facets). */
	facets = tv_list(A);
	for (i = 0; i < nv; i++) {
		const schema_vocab_t *v = vocab(vocabs[i]);
		tv_t *fv = tv_map(A), *terms = tv_list(A);
		search_result_t own = res;
		int nsel = 0;
		if (p.filters[i].ncodes > 0) {
			search_params_t op = p;
			op.filters[i].ncodes = 0;
			op.page = 1;
			op.per_page = 1;
			if (!search_run(db, A, &op, &own))
				own = res;
		}
		for (j = 0; j < own.nfacets; j++) {
			const facet_count_t *fc = &own.facets[j];
			tv_t *term;
			if (strcmp(fc->vocab, vocabs[i]) != 0)
				continue;
			term = tv_map(A);
			tv_set_str(A, term, "code", fc->code);
			tv_set_str(A, term, "name", fc->name);
			tv_set_int(A, term, "count", fc->count);
			tv_set_str(A, term, "id", arena_printf(A, "f-%s-%s", vocabs[i], fc->code));
			if (is_selected(&p.filters[i], fc->code)) {
				tv_set_bool(A, term, "checked", true);
				nsel++;
			}
			tv_push(A, terms, term);
		}
		for (j = 0; j < p.filters[i].ncodes; j++) {
			/* a selected code with no result left is still shown, so it can be unticked */
			int k;
			bool listed = false;
			for (k = 0; k < own.nfacets; k++)
				if (strcmp(own.facets[k].vocab, vocabs[i]) == 0 && strcmp(own.facets[k].code, p.filters[i].codes[j]) == 0)
					listed = true;
			if (!listed) {
				tv_t *term = tv_map(A);
				tv_set_str(A, term, "code", p.filters[i].codes[j]);
				tv_set_str(A, term, "name", p.filters[i].codes[j]);
				tv_set_int(A, term, "count", 0);
				tv_set_str(A, term, "id", arena_printf(A, "f-%s-%d", vocabs[i], j));
				tv_set_bool(A, term, "checked", true);
				tv_push(A, terms, term);
				nsel++;
			}
		}
		tv_set_str(A, fv, "vocab", vocabs[i]);
		tv_set_str(A, fv, "name", v != NULL ? v->name : vocabs[i]);
		tv_set(A, fv, "terms", terms);
		tv_set_bool(A, fv, "open", nsel > 0);
		tv_set_int(A, fv, "selected", nsel);
		tv_push(A, facets, fv);
	}
	tv_set(A, ctx, "facets", facets);
	{
		int nsel = 0;
		for (i = 0; i < nv; i++)
			nsel += p.filters[i].ncodes;
		if (nsel > 0)
			tv_set_int(A, ctx, "any_selected", nsel);
	}

	/* pagination keeps everything but the page */
	if (q[0] != '\0')
		qs_add(&qs, "q", q);
	for (i = 0; i < nv; i++)
		for (j = 0; j < p.filters[i].ncodes; j++)
			qs_add(&qs, vocabs[i], p.filters[i].codes[j]);
	if (p.sort == SORT_NEWEST)
		qs_add(&qs, "sort", "newest");
	else if (p.sort == SORT_DEADLINE)
		qs_add(&qs, "sort", "deadline");
	npages = (int)((res.total + PER_PAGE - 1) / PER_PAGE);
	if (npages > SEARCH_MAX_PAGE)
		npages = SEARCH_MAX_PAGE;
	pages = tv_list(A);
	for (i = page - 3; i <= page + 3; i++) {
		tv_t *pg;
		if (i < 1 || i > npages)
			continue;
		pg = tv_map(A);
		tv_set_int(A, pg, "n", i);
		tv_set_str(A, pg, "url", arena_printf(A, "%s%s%spage=%d", l->base, qs.len ? qs.data : "?", qs.len ? "&" : "", i));
		tv_set_bool(A, pg, "current", i == page);
		tv_push(A, pages, pg);
	}
	tv_set(A, ctx, "pages", pages);
	tv_set_bool(A, ctx, "paged", npages > 1);
	if (page > 1 && page <= npages)
		tv_set_str(A, ctx, "prev_url", arena_printf(A, "%s%s%spage=%d", l->base, qs.len ? qs.data : "?", qs.len ? "&" : "", page - 1));
	if (page < npages)
		tv_set_str(A, ctx, "next_url", arena_printf(A, "%s%s%spage=%d", l->base, qs.len ? qs.data : "?", qs.len ? "&" : "", page + 1));
	tv_set_int(A, ctx, "page", page);
	tv_set_int(A, ctx, "npages", npages);
	tv_set_str(A, ctx, "canonical", web_abs(r, arena_printf(A, "%s%s", l->base, qs.len ? qs.data : "")));
	buf_free(&qs);
	web_cacheable(r);
	web_render(r, "list", ctx);
}

/* "月給22万円～30万円", "時給1,100円", "年収400万円以上": the amount(s) and the unit of a salary text, for
 * schema.org's baseSalary; false when the text does not say it that plainly. */
static bool
parse_salary(const char *s, double *lo, double *hi, const char **unit)
{
	static const struct { const char *word, *unit; } units[] = {
		{ "時給", "HOUR" }, { "日給", "DAY" }, { "月給", "MONTH" }, { "月収", "MONTH" }, { "基本給", "MONTH" },
		{ "年収", "YEAR" }, { "年俸", "YEAR" },
	};
	const char *p = NULL;
	double v[2] = { 0, 0 };
	int n = 0;
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]) && p == NULL; i++) {
		p = strstr(s, units[i].word);
		if (p != NULL) {
			*unit = units[i].unit;
			p += strlen(units[i].word);
		}
	}
	if (p == NULL)
		return false;
	while (*p != '\0' && n < 2) {
		double x = 0, frac = 0, scale = 1;
		bool digits = false;
		while (*p == ' ' || *p == ':' || strncmp(p, "：", 3) == 0)
			p += *p == ' ' || *p == ':' ? 1 : 3;
		while ((*p >= '0' && *p <= '9') || *p == ',' || *p == '.') {
			if (*p == '.')
				frac = 1;
			else if (*p != ',') {
				if (frac > 0) {
					scale /= 10;
					x += (*p - '0') * scale;
				} else {
					x = x * 10 + (*p - '0');
				}
				digits = true;
			}
			p++;
		}
		if (!digits)
			break;
		if (strncmp(p, "万", 3) == 0) {
			x *= 10000;
			p += 3;
		}
		if (strncmp(p, "円", 3) == 0)
			p += 3;
		v[n++] = x;
		if (strncmp(p, "～", 3) == 0 || strncmp(p, "〜", 3) == 0)
			p += 3;
		else if (*p == '~' || *p == '-')
			p++;
		else
			break;
	}
	if (n == 0 || v[0] <= 0)
		return false;
	*lo = v[0];
	*hi = n == 2 && v[1] > v[0] ? v[1] : 0;
	return true;
}

static void
json_member(buf_t *b, const char *key, const char *value)
{
	buf_printf(b, ",\"%s\":\"", key);
	buf_append_json(b, value, strlen(value));
	buf_putc(b, '"');
}

/* schema.org JobPosting (G87, B02) for a job page: escaped for a <script> element by buf_append_json. */
static tv_t *
job_jsonld(req_t *r, db_t *db, const row_t *row)
{
	static const struct { const char *code, *type; } employment[] = {
		{ "seishain", "FULL_TIME" }, { "keiyaku", "TEMPORARY" }, { "part", "PART_TIME" }, { "haken", "TEMPORARY" },
		{ "shokutaku", "OTHER" },
	};
	buf_t b = BUF_INIT, when = BUF_INIT;
	json_t *v;
	tv_t *out = NULL;
	const char *town;
	db_stmt_t *st;
	double lo, hi;
	const char *unit;
	int ntypes = 0;
	size_t i;

	buf_puts(&b, "{\"@context\":\"https://schema.org/\",\"@type\":\"JobPosting\"");
	json_member(&b, "title", row->title);
	v = json_object_get(row->fields, "description");
	json_member(&b, "description", json_is_string(v) ? json_string_value(v) : row->title);
	if (row->published_at && jtime_format(&when, row->published_at, "iso")) {
		json_member(&b, "datePosted", when.data);
		buf_clear(&when);
	}
	if ((row->listing_end || row->deadline) && jtime_format(&when, (row->listing_end ? row->listing_end : row->deadline + 1) - 1, "iso")) {
		json_member(&b, "validThrough", when.data);
		buf_clear(&when);
	}
	st = db_prepare(db, "SELECT t.code FROM entity_terms et JOIN terms t ON t.id = et.term_id WHERE et.entity_id = ? "
	    "AND t.vocab = 'employment' ORDER BY t.sort, t.code");
	if (st != NULL) {
		db_bind_i64(st, 1, row->id);
		while (db_step(st) == DB_ROW) {
			for (i = 0; i < sizeof(employment) / sizeof(employment[0]); i++) {
				if (strcmp(employment[i].code, db_col_text(st, 0)) != 0)
					continue;
				buf_puts(&b, ntypes++ ? ",\"" : ",\"employmentType\":[\"");
				buf_puts(&b, employment[i].type);
				buf_putc(&b, '"');
			}
		}
		db_done(st);
		if (ntypes > 0)
			buf_putc(&b, ']');
	}
	v = json_object_get(row->fields, "company_name");
	if (json_is_string(v)) {
		buf_puts(&b, ",\"hiringOrganization\":{\"@type\":\"Organization\"");
		json_member(&b, "name", json_string_value(v));
		buf_putc(&b, '}');
	}
	buf_puts(&b, ",\"jobLocation\":{\"@type\":\"Place\",\"address\":{\"@type\":\"PostalAddress\",\"addressCountry\":\"JP\","
	    "\"addressRegion\":\"群馬県\"");
	town = names_joined(r, db, row->id, "municipality");
	if (town != NULL)
		json_member(&b, "addressLocality", town);
	v = json_object_get(row->fields, "workplace");
	if (json_is_string(v) && json_string_length(v) > 0)
		json_member(&b, "streetAddress", json_string_value(v));
	buf_puts(&b, "}}");
	v = json_object_get(row->fields, "salary");
	if (json_is_string(v) && parse_salary(json_string_value(v), &lo, &hi, &unit)) {
		buf_printf(&b, ",\"baseSalary\":{\"@type\":\"MonetaryAmount\",\"currency\":\"JPY\",\"value\":{"
		    "\"@type\":\"QuantitativeValue\",\"unitText\":\"%s\",", unit);
		if (hi > 0)
			buf_printf(&b, "\"minValue\":%.0f,\"maxValue\":%.0f}}", lo, hi);
		else
			buf_printf(&b, "\"value\":%.0f}}", lo);
	}
	buf_putc(&b, '}');
	if (!b.oom)
		out = tv_html_trusted(&r->arena, b.data, b.len);
	buf_free(&b);
	buf_free(&when);
	return out;
}

/* An image field some video field of t shows as its thumbnail (it appears with the video). */
static bool
is_thumbnail(const schema_type_t *t, const schema_field_t *img)
{
	int i;

	for (i = 0; i < t->nfields; i++)
		if (t->fields[i].type == F_VIDEO && t->fields[i].thumbnail != NULL && strcmp(t->fields[i].thumbnail, img->name) == 0)
			return true;
	return false;
}

/* A string field of row, or NULL when absent or empty. */
static const char *
row_str(const row_t *row, const char *name)
{
	json_t *v = json_object_get(row->fields, name);

	return json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

/* An image field as a <picture>: its alt text from the field "<name>_alt", else "<title>の<label>". */
static tv_t *
photo(req_t *r, db_t *db, const schema_type_t *t, const schema_field_t *f, const row_t *row)
{
	const char *ref = row_str(row, f->name), *alt;

	if (ref == NULL)
		return NULL;
	alt = row_str(row, arena_printf(&r->arena, "%s_alt", f->name));
	if (alt == NULL)
		alt = arena_printf(&r->arena, "%sの%s", row->title, f->label);
	return web_picture(r, db, ref, alt, "(min-width: 48rem) 44rem, 100vw");
}

/*
 * A video field: a thumbnail (the field its schema names, or a plain panel) inside a link to the video.
 * The player itself is loaded only when the visitor clicks (static/js/video.js): until then no request
 * goes to the video site. Without JavaScript the link opens the video's own page.
 */
static tv_t *
video(req_t *r, db_t *db, const schema_type_t *t, const schema_field_t *f, const row_t *row)
{
	arena_t *A = &r->arena;
	const char *url = row_str(row, f->name);
	tv_t *v = tv_map(A), *thumb;
	char embed[256];

	(void)t;
	tv_set_str(A, v, "label", f->label);
	tv_set_str(A, v, "url", url);
	tv_set_str(A, v, "title", row->title);
	if (media_video_embed(url, embed, sizeof(embed))) {
		tv_set_str(A, v, "embed", arena_strdup(A, embed));
		tv_set_str(A, v, "host", strstr(embed, "vimeo") != NULL ? "Vimeo" : "YouTube");
		web_allow_video(r);
	}
	if (f->thumbnail != NULL && (thumb = web_picture(r, db, row_str(row, f->thumbnail), "", "(min-width: 48rem) 44rem, 100vw")) != NULL)
		tv_set(A, v, "thumb", thumb);
	return v;
}

/* Marks a page as the staff preview of possibly unpublished content (issue 6 item 5): a banner, noindex,
 * never stored by a browser or the page cache. */
static void
preview_marks(req_t *r, tv_t *ctx)
{
	tv_set_bool(&r->arena, ctx, "preview", true);
	tv_set_bool(&r->arena, ctx, "noindex", true);
	r->no_store = true;
	http_set_header(r, "X-Robots-Tag", "noindex");
}

/* The detail page of id; preview: any status, for the staff preview (the caller has checked the viewer). */
static void
detail_render(req_t *r, const listing_t *l, int64_t id, bool preview)
{
	arena_t *A = &r->arena;
	const schema_type_t *t = schema != NULL ? schema_type(schema, l->type) : NULL;
	db_t *db = db_thread();
	row_t row;
	tv_t *ctx, *fields, *photos;
	int i;

	if (t == NULL || db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (!load_row(db, id, l->type, &row)) {
		web_error(r, 404, NULL);
		return;
	}
	if (!preview && !public_now(&row, jtime_now())) {
		/* drafts, archived entities and those outside their listing period are not there for the public */
		free_row(&row);
		web_error(r, 404, "この情報は掲載を終了したか、まだ掲載されていません。");
		return;
	}
	ctx = web_ctx(r, arena_strdup(A, row.title));
	if (preview)
		preview_marks(r, ctx);
	tv_set_str(A, ctx, "noun", l->noun);
	tv_set_str(A, ctx, "base", l->base);
	tv_set_str(A, ctx, "heading", arena_strdup(A, row.title));
	if (!preview)
		tv_set_str(A, ctx, "canonical", web_abs(r, arena_printf(A, "%s/%lld", l->base, (long long)row.id)));
	tv_set_str(A, ctx, "og_type", "article");
	if (row.published_at)
		tv_set_int(A, ctx, "published_at", row.published_at);
	fields = tv_list(A);
	photos = tv_list(A);
	for (i = 0; i < t->nfields; i++) {
		const schema_field_t *f = &t->fields[i];
		json_t *jv = json_object_get(row.fields, f->name);
		tv_t *pair, *v;
		size_t nl = strlen(f->name);
		if (i == t->title_field || f->internal || (nl > 4 && strcmp(f->name + nl - 4, "_alt") == 0))
			continue;  /* an image's description is its alt text */
		if (f->type == F_IMAGE) {
			if (!is_thumbnail(t, f) && (v = photo(r, db, t, f, &row)) != NULL)
				tv_push(A, photos, v);
			continue;
		}
		if (f->type == F_VIDEO) {
			if (json_is_string(jv) && json_string_length(jv) > 0)
				tv_set(A, ctx, "video", video(r, db, t, f, &row));
			continue;
		}
		pair = tv_map(A);
		tv_set_str(A, pair, "label", f->label);
		if (f->type == F_YEN && json_is_integer(jv)) {
			tv_set_int(A, pair, "yen", json_integer_value(jv));
		} else if (f->type == F_URL && json_is_string(jv)) {
			tv_set_str(A, pair, "url", json_string_value(jv));
		} else if (f->type == F_EMAIL && json_is_string(jv)) {
			tv_set_str(A, pair, "email", json_string_value(jv));
		} else if (f->type == F_MARKDOWN && json_is_string(jv)) {
			buf_t html = BUF_INIT;
			if (json_string_length(jv) == 0)
				continue;
			if (!markdown_html(json_string_value(jv), json_string_length(jv), 2, &html) || html.oom) {
				buf_free(&html);
				continue;
			}
			tv_set(A, pair, "html", tv_html_trusted(A, html.data, html.len));  /* libcmark safe mode */
			buf_free(&html);
			if (tv_get(ctx, "description") == NULL)
				tv_set_str(A, ctx, "description", cut_chars(A, json_string_value(jv), 110));
		} else if (f->type == F_DATE && json_is_string(jv)) {
			int64_t day;
			if (!jtime_parse_ymd(json_string_value(jv), &day))
				continue;
			tv_set_int(A, pair, "date", day);
		} else if (f->type == F_LINKS) {
			tv_t *links = tv_list(A);
			size_t k;
			json_t *link;
			json_array_foreach(jv, k, link) {
				json_t *lb = json_object_get(link, "label"), *u = json_object_get(link, "url");
				tv_t *lk;
				if (!json_is_string(u))
					continue;
				lk = tv_map(A);
				tv_set_str(A, lk, "label", json_is_string(lb) && json_string_length(lb) > 0 ? json_string_value(lb) : json_string_value(u));
				tv_set_str(A, lk, "url", json_string_value(u));
				tv_push(A, links, lk);
			}
			if (json_array_size(jv) == 0)
				continue;
			tv_set(A, pair, "links", links);
		} else if (f->type == F_TERMS && (v = term_logos(r, db, row.id, f->vocab)) != NULL) {
			tv_set(A, pair, "logos", v);
		} else {
			v = field_value(r, db, row.id, f, row.fields);
			if (v == NULL)
				continue;
			tv_set(A, pair, "value", v);
			/* Markdown is shown as the text it is until the CMS renders it (issue 6) */
			tv_set_bool(A, pair, "long", f->type == F_LONGTEXT || f->type == F_MARKDOWN);
		}
		tv_push(A, fields, pair);
		if ((f->type == F_LONGTEXT || f->type == F_MARKDOWN) && json_is_string(jv) && tv_get(ctx, "description") == NULL)
			tv_set_str(A, ctx, "description", cut_chars(A, json_string_value(jv), 110));
	}
	tv_set(A, ctx, "fields", fields);
	if (photos->u.list.n > 0) {
		/* the first photo is the page's picture for link previews (Open Graph) */
		tv_set(A, ctx, "photos", photos);
		tv_set_bool(A, ctx, "has_photos", true);
		tv_set_str(A, ctx, "og_image", web_abs(r, tv_get(photos->u.list.items[0], "src")->u.str.s));
	}
	tv_set_bool(A, ctx, "is_company", strcmp(l->type, "company") == 0);
	if (strcmp(l->type, "company") == 0) {
		/* its open job offers and internships */
		static const struct { const char *type, *key, *base; } kinds[] = {
			{ "job", "jobs", "/jobs" }, { "internship", "internships", "/internships" },
		};
		buf_t phrase = BUF_INIT;
		const char *c;
		size_t k;
		/* found through the search index: the company's name as a phrase (quotes dropped), then checked
		 * against each hit's company_name */
		buf_putc(&phrase, '"');
		for (c = row.title; *c; c++)
			if (*c != '"')
				buf_putc(&phrase, *c);
		buf_putc(&phrase, '"');
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]) && !phrase.oom; k++) {
			search_params_t sp;
			search_result_t res;
			tv_t *list = tv_list(A);
			int n = 0, j;
			memset(&sp, 0, sizeof(sp));
			sp.type = kinds[k].type;
			sp.q = phrase.data;
			sp.sort = SORT_NEWEST;
			sp.page = 1;
			sp.per_page = SEARCH_MAX_PER_PAGE;
			sp.now = jtime_now();
			if (!search_run(db, A, &sp, &res))
				continue;
			for (j = 0; j < res.nids; j++) {
				row_t o;
				json_t *cn;
				if (!load_row(db, res.ids[j], kinds[k].type, &o))
					continue;
				cn = json_object_get(o.fields, "company_name");
				if (json_is_string(cn) && strcmp(json_string_value(cn), row.title) == 0) {
					tv_t *it = tv_map(A);
					tv_set_str(A, it, "title", o.title);
					tv_set_str(A, it, "url", arena_printf(A, "%s/%lld", kinds[k].base, (long long)o.id));
					tv_push(A, list, it);
					n++;
				}
				free_row(&o);
			}
			if (n > 0) {
				tv_set(A, ctx, kinds[k].key, list);
				tv_set_bool(A, ctx, arena_printf(A, "has_%s", kinds[k].key), true);
			}
		}
		buf_free(&phrase);
	}
	if (strcmp(l->type, "job") == 0) {
		tv_t *ld = job_jsonld(r, db, &row);
		if (ld != NULL)
			tv_set(A, ctx, "jsonld", ld);
	}
	/* a job or internship links to its company when one of that name is listed */
	if (strcmp(l->type, "company") != 0) {
		json_t *cn = json_object_get(row.fields, "company_name");
		if (json_is_string(cn)) {
			db_stmt_t *st = db_prepare(db, "SELECT id FROM entities WHERE type = 'company' AND title = ? AND " ENTITY_PUBLIC_SQL " LIMIT 1");
			if (st != NULL) {
				int64_t now = jtime_now();
				db_bind_str(st, 1, json_string_value(cn));
				db_bind_i64(st, 2, now);
				db_bind_i64(st, 3, now);
				if (db_step(st) == DB_ROW) {
					tv_set_str(A, ctx, "company_url", arena_printf(A, "/companies/%lld", (long long)db_col_i64(st, 0)));
					tv_set_str(A, ctx, "company_name", arena_strdup(A, json_string_value(cn)));
				}
				db_done(st);
			}
		}
	}
	if (strcmp(l->type, "event") == 0) {
		/* sessions with seats left and the viewer's own applications: never from the page cache (events.c) */
		if (!events_page_ctx(r, db, row.id, ctx)) {
			free_row(&row);
			web_error(r, 500, NULL);
			return;
		}
	} else if (!preview) {
		web_cacheable(r);
	}
	free_row(&row);
	web_render(r, "detail", ctx);
}

static void
detail_page(req_t *r, const listing_t *l)
{
	int64_t id;

	if (!str_to_i64(http_param(r, 0), 1, INT64_MAX, &id)) {
		web_error(r, 404, NULL);
		return;
	}
	detail_render(r, l, id, false);
}

static void
fixed_render(req_t *r, db_t *db, int64_t id, bool preview)
{
	row_t row;
	json_t *body, *slug;
	buf_t html = BUF_INIT;
	tv_t *ctx;

	if (id == 0 || !load_row(db, id, "page", &row)) {
		web_error(r, 404, NULL);
		return;
	}
	if (!preview && !public_now(&row, jtime_now())) {
		free_row(&row);
		web_error(r, 404, NULL);
		return;
	}
	ctx = web_ctx(r, arena_strdup(&r->arena, row.title));
	if (preview)
		preview_marks(r, ctx);
	tv_set_str(&r->arena, ctx, "heading", arena_strdup(&r->arena, row.title));
	slug = json_object_get(row.fields, "slug");
	if (json_is_string(slug) && !preview)
		tv_set_str(&r->arena, ctx, "canonical", web_abs(r, arena_printf(&r->arena, "/pages/%s", json_string_value(slug))));
	body = json_object_get(row.fields, "body");
	if (json_is_string(body)) {
		tv_set_str(&r->arena, ctx, "description", cut_chars(&r->arena, json_string_value(body), 110));
		if (markdown_html(json_string_value(body), json_string_length(body), 2, &html) && !html.oom)
			tv_set(&r->arena, ctx, "html", tv_html_trusted(&r->arena, html.data, html.len));  /* cmark safe mode */
	}
	buf_free(&html);
	free_row(&row);
	if (!preview)
		web_cacheable(r);
	web_render(r, "page", ctx);
}

/* /pages/<slug>: a fixed page (固定ページ) such as the guides for job seekers and companies (G10, G20) */
void
page_fixed(req_t *r)
{
	const char *slug = http_param(r, 0);
	db_t *db = db_thread();
	db_stmt_t *st;
	int64_t id = 0;

	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	st = db_prepare(db, "SELECT id FROM entities WHERE type = 'page' AND json_extract(fields, '$.slug') = ? "
	    "ORDER BY id DESC LIMIT 1");
	if (st == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	db_bind_str(st, 1, slug);
	if (db_step(st) == DB_ROW)
		id = db_col_i64(st, 0);
	db_done(st);
	fixed_render(r, db, id, false);
}

void
listing_preview(req_t *r, const char *type, int64_t id)
{
	const listing_t *l = listing_for(type);
	const schema_type_t *t = schema != NULL ? schema_type(schema, type) : NULL;
	db_t *db = db_thread();
	listing_t other;

	if (db == NULL || t == NULL) {
		web_error(r, db == NULL ? 500 : 404, NULL);
		return;
	}
	if (strcmp(type, "page") == 0) {
		fixed_render(r, db, id, true);
		return;
	}
	if (l == NULL) {
		/* a type without public pages of its own (banners): its fields on the detail template */
		other.type = t->name;
		other.base = "/";
		other.noun = t->label;
		l = &other;
	}
	detail_render(r, l, id, true);
}

/* Up to n public entities of a type for the top page, newest first (or by deadline). */
static tv_t *
latest(req_t *r, db_t *db, const char *type, const char *base, search_sort_t sort, int n)
{
	arena_t *A = &r->arena;
	search_params_t p;
	search_result_t res;
	tv_t *list = tv_list(A);
	int i, shown = 0, want = sort == SORT_DEADLINE ? 4 : n;  /* upcoming events: 4 of the next 20 */

	memset(&p, 0, sizeof(p));
	p.type = type;
	p.sort = sort;
	p.page = 1;
	p.per_page = n;
	p.now = jtime_now();
	if (!search_run(db, A, &p, &res))
		return NULL;
	for (i = 0; i < res.nids && shown < want; i++) {
		row_t row;
		tv_t *it;
		json_t *v;
		if (!load_row(db, res.ids[i], type, &row))
			continue;
		if (sort == SORT_DEADLINE && row.deadline != 0 && row.deadline < p.now) {
			free_row(&row);  /* "upcoming": its application deadline has passed */
			continue;
		}
		it = tv_map(A);
		tv_set_str(A, it, "title", row.title);
		tv_set_str(A, it, "url", arena_printf(A, "%s/%lld", base, (long long)row.id));
		if (row.published_at)
			tv_set_int(A, it, "published_at", row.published_at);
		if (row.deadline)
			tv_set_int(A, it, "deadline", row.deadline);
		v = json_object_get(row.fields, "company_name");
		if (json_is_string(v))
			tv_set_str(A, it, "company", json_string_value(v));
		v = json_object_get(row.fields, "schedule");
		if (json_is_string(v))
			tv_set_str(A, it, "schedule", json_string_value(v));
		v = json_object_get(row.fields, "link_url");
		if (json_is_string(v))
			tv_set_str(A, it, "link_url", json_string_value(v));
		v = json_object_get(row.fields, "sort_order");
		tv_set_int(A, it, "sort_order", json_is_integer(v) ? json_integer_value(v) : 0);
		tv_push(A, list, it);
		shown++;
		free_row(&row);
	}
	return list;
}

void
page_home(req_t *r)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "ホーム");
	db_t *db = db_thread();
	static const struct { const char *key, *type, *base; search_sort_t sort; int n; } blocks[] = {
		{ "news", "news", "/news", SORT_NEWEST, 5 },
		{ "jobs", "job", "/jobs", SORT_NEWEST, 6 },
		{ "internships", "internship", "/internships", SORT_NEWEST, 4 },
		{ "events", "event", "/events", SORT_DEADLINE, 20 },
	};
	db_stmt_t *st;
	tv_t *banners;
	int64_t now = jtime_now();
	size_t i;

	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	tv_set_bool(A, ctx, "is_home", true);
	tv_set_bool(A, ctx, "logged_out", http_query(r, "logged_out") != NULL && r->auth && !r->auth->signed_in);
	tv_set_str(A, ctx, "description", "群馬県が運営する就職支援情報サイトです。県内の求人情報・インターンシップ情報・企業情報を探せます。");
	tv_set_str(A, ctx, "canonical", web_abs(r, "/"));
	for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		tv_t *l = latest(r, db, blocks[i].type, blocks[i].base, blocks[i].sort, blocks[i].n);
		if (l == NULL) {
			web_error(r, 500, NULL);
			return;
		}
		tv_set(A, ctx, blocks[i].key, l);
	}
	/* banners in their display order (表示順); one without an order after those with one (SQL puts NULL first) */
	banners = tv_list(A);
	st = db_prepare(db, "SELECT title, json_extract(fields, '$.link_url'), json_extract(fields, '$.image') FROM entities "
	    "WHERE type = 'banner' AND " ENTITY_PUBLIC_SQL " ORDER BY json_extract(fields, '$.sort_order') IS NULL, "
	    "json_extract(fields, '$.sort_order'), id LIMIT 24");
	if (st != NULL) {
		db_bind_i64(st, 1, now);
		db_bind_i64(st, 2, now);
		while (db_step(st) == DB_ROW) {
			tv_t *b = tv_map(A);
			tv_set_str(A, b, "title", db_col_text(st, 0));
			tv_set_str(A, b, "url", db_col_text(st, 1));
			tv_set_str(A, b, "image", db_col_text(st, 2));
			tv_push(A, banners, b);
		}
		db_done(st);
		/* their images, once the rows are read (the banner's title is the image's alt text) */
		for (i = 0; i < banners->u.list.n; i++) {
			tv_t *b = banners->u.list.items[i], *pic;
			pic = web_picture(r, db, tv_get(b, "image")->u.str.s, tv_get(b, "title")->u.str.s, "(min-width: 40rem) 20rem, 100vw");
			if (pic != NULL)
				tv_set(A, b, "picture", pic);
		}
	}
	tv_set(A, ctx, "banners", banners);
	/* G45: the site settings screen's URL over site.ini's (content/settings.h) */
	if (settings_current()->v[SET_MIGRATION][0] != '\0')
		tv_set_str(A, ctx, "migration_url", settings_current()->v[SET_MIGRATION]);
	/* the "ログアウトしました" notice is for one visitor only */
	if (!tv_truthy(tv_get(ctx, "logged_out")))
		web_cacheable(r);
	web_render(r, "home", ctx);
}

void page_jobs(req_t *r) { list_page(r, listing_for("job")); }
void page_companies(req_t *r) { list_page(r, listing_for("company")); }
void page_internships(req_t *r) { list_page(r, listing_for("internship")); }
void page_job(req_t *r) { detail_page(r, listing_for("job")); }
void page_company(req_t *r) { detail_page(r, listing_for("company")); }
void page_internship(req_t *r) { detail_page(r, listing_for("internship")); }
void page_news_list(req_t *r) { list_page(r, listing_for("news")); }
void page_news_item(req_t *r) { detail_page(r, listing_for("news")); }
void page_events(req_t *r) { list_page(r, listing_for("event")); }
void page_event(req_t *r) { detail_page(r, listing_for("event")); }
void page_projects(req_t *r) { list_page(r, listing_for("project")); }
void page_project(req_t *r) { detail_page(r, listing_for("project")); }
void page_tips_list(req_t *r) { list_page(r, listing_for("tips")); }
void page_tips_item(req_t *r) { detail_page(r, listing_for("tips")); }
void page_columns(req_t *r) { list_page(r, listing_for("column")); }
void page_column(req_t *r) { detail_page(r, listing_for("column")); }

/* ---- for other pages (the staff's job sheet, jobsheet.c) ---- */

const schema_t *
listing_schema(void)
{
	return schema;
}

tv_t *
listing_field_text(req_t *r, db_t *db, int64_t id, const schema_field_t *f, json_t *fields)
{
	return field_value(r, db, id, f, fields);
}
