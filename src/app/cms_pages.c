/*
 * cms_pages.c - the staff content editor (issue 6 item 5; G05, G40-G44, G80): /staff/content, the list of a
 * type, the edit form generated from the schema for every type (internal fields included), publication
 * (下書き保存, 公開, 予約公開, 非公開にする), revisions with a diff and restore, deletion of drafts, the
 * Markdown preview (/staff/preview/markdown, the same renderer as the public pages) and the staff preview of
 * unpublished content. Every GET and POST asks web_can with the department stored on the record; the
 * writes themselves (content/cms.c) ask policy_can again inside their transaction.
 */
#include "app/web.h"
#include "auth/policy.h"
#include "content/cms.h"
#include "content/company.h"
#include "content/entity.h"
#include "content/joblaw.h"
#include "content/schema.h"
#include "core/config.h"
#include "core/jtime.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"
#include "http/static.h"
#include "media/media.h"
#include "view/markdown.h"

#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_PER_PAGE   20
#define KEYWORD_MAX     100   /* characters kept from the keyword box */
#define REVISIONS_SHOWN 200
#define PHOTO_SIZES     "(min-width: 40rem) 20rem, 60vw"

static schema_t *schema;
static pthread_mutex_t schema_lock = PTHREAD_MUTEX_INITIALIZER;

static const schema_t *
cms_schema(void)
{
	char err[512];
	const schema_t *s;

	pthread_mutex_lock(&schema_lock);
	if (schema == NULL && (schema = schema_load(config.root, config.site, err, sizeof(err))) == NULL)
		log_error("content editor: %s", err);
	s = schema;
	pthread_mutex_unlock(&schema_lock);
	return s;
}

void
cms_pages_free(void)
{
	pthread_mutex_lock(&schema_lock);
	schema_free(schema);
	schema = NULL;
	pthread_mutex_unlock(&schema_lock);
}

/* The type named in the URL, or NULL after answering 404. */
static const schema_type_t *
url_type(req_t *r)
{
	const schema_t *s = cms_schema();
	const schema_type_t *t = s != NULL ? schema_type(s, http_param(r, 0)) : NULL;

	if (s == NULL)
		web_error(r, 500, NULL);
	else if (t == NULL)
		web_error(r, 404, NULL);
	return t;
}

/* The record named in the URL (of that type), or false after answering 404/500. */
static bool
url_record(req_t *r, db_t *db, const schema_type_t *t, int param, cms_record_t *rec)
{
	int64_t id;
	cms_result_t res;

	if (!str_to_i64(http_param(r, param), 1, INT64_MAX, &id)) {
		web_error(r, 404, NULL);
		return false;
	}
	res = cms_record_get(db, id, t->name, rec);
	if (res == CMS_OK)
		return true;
	web_error(r, res == CMS_NOT_FOUND ? 404 : 500, NULL);
	return false;
}

static db_t *
db_or_500(req_t *r)
{
	db_t *db = db_thread();

	if (db == NULL)
		web_error(r, 500, NULL);
	return db;
}

static const account_t *
me(req_t *r)
{
	return &r->auth->account;
}

static const char *
jst(arena_t *A, int64_t t, const char *kind)
{
	buf_t b = BUF_INIT;
	const char *s;

	jtime_format(&b, t, kind);
	s = b.oom || b.data == NULL ? "" : arena_strdup(A, b.data);
	buf_free(&b);
	return s;
}

/* "2026-11-22T10:05:30" for a datetime-local input (JST). */
static const char *
local_input(arena_t *A, int64_t t)
{
	const char *iso = jst(A, t, "iso");  /* 2026-11-22T10:05:00+09:00 */

	return strlen(iso) >= 19 ? arena_strndup(A, iso, 19) : "";
}

/* A datetime-local value (YYYY-MM-DDTHH:MM[:SS], JST); false when malformed. */
static bool
parse_local(const char *v, int64_t *out)
{
	char iso[40];
	size_t n = v != NULL ? strlen(v) : 0;

	if (n == 16)
		snprintf(iso, sizeof(iso), "%s:00+09:00", v);
	else if (n == 19)
		snprintf(iso, sizeof(iso), "%s+09:00", v);
	else
		return false;
	return jtime_parse_iso(iso, out);
}

static const char *
department_name(req_t *r, db_t *db, int64_t id)
{
	db_stmt_t *st;
	const char *name = "（なし）";

	if (id <= 0 || (st = db_prepare(db, "SELECT name FROM departments WHERE id = ?")) == NULL)
		return name;
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW)
		name = arena_strdup(&r->arena, db_col_text(st, 0));
	db_done(st);
	return name;
}

/* The public address of a record, or NULL for types without a detail page of their own. */
static const char *
public_url(arena_t *A, const char *type, int64_t id, const char *fields)
{
	static const struct { const char *type, *base; } bases[] = {
		{ "job", "/jobs" }, { "company", "/companies" }, { "internship", "/internships" }, { "news", "/news" },
		{ "event", "/events" }, { "project", "/projects" }, { "tips", "/tips" }, { "column", "/columns" },
	};
	size_t i;

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
		if (strcmp(bases[i].type, type) == 0)
			return arena_printf(A, "%s/%" PRId64, bases[i].base, id);
	if (strcmp(type, "page") == 0) {
		/* a fixed page lives at /pages/<slug> */
		json_t *j = json_loads(fields, 0, NULL), *slug = json_object_get(j, "slug");
		const char *url = NULL;
		if (json_is_string(slug) && json_string_length(slug) > 0) {
			buf_t b = BUF_INIT;
			buf_puts(&b, "/pages/");
			buf_append_urlenc(&b, json_string_value(slug), json_string_length(slug));
			if (!b.oom)
				url = arena_strdup(A, b.data);
			buf_free(&b);
		}
		json_decref(j);
		return url;
	}
	return NULL;
}

/* ---- /staff/content: the types ---- */

void
page_staff_content_types(req_t *r)
{
	arena_t *A = &r->arena;
	const schema_t *s = cms_schema();
	db_t *db;
	tv_t *ctx, *list;
	int i;

	if (!web_can(r, POLICY_VIEW, POLICY_CMS, 0) || (db = db_or_500(r)) == NULL)
		return;
	if (s == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	ctx = web_ctx(r, "記事・ページの編集");
	list = tv_list(A);
	for (i = 0; i < s->ntypes; i++) {
		const schema_type_t *t = &s->types[i];
		tv_t *m = tv_map(A);
		db_stmt_t *st = db_prepare(db, "SELECT COUNT(*), COALESCE(SUM(status = 'published'), 0), "
		    "COALESCE(SUM(status = 'draft'), 0) FROM entities WHERE type = ?");
		if (st == NULL) {
			web_error(r, 500, NULL);
			return;
		}
		db_bind_str(st, 1, t->name);
		if (db_step(st) == DB_ROW) {
			tv_set_int(A, m, "count", db_col_i64(st, 0));
			tv_set_int(A, m, "published", db_col_i64(st, 1));
			tv_set_int(A, m, "drafts", db_col_i64(st, 2));
		}
		db_done(st);
		tv_set_str(A, m, "name", t->name);
		tv_set_str(A, m, "label", t->label);
		tv_push(A, list, m);
	}
	tv_set(A, ctx, "types", list);
	web_render(r, "staff/content_types", ctx);
}

/* ---- /staff/content/:type: the list ---- */

/* The list's filter: type, keyword (twice), status (five times). */
#define LIST_WHERE "e.type = ? AND (? = '' OR instr(e.title, ?) > 0) AND (? = '' " \
	"OR (? = 'scheduled' AND s.entity_id IS NOT NULL) " \
	"OR (? = 'draft' AND e.status = 'draft' AND s.entity_id IS NULL) " \
	"OR (? IN ('published', 'archived', 'pending') AND e.status = ? AND s.entity_id IS NULL))"

static int
bind_where(db_stmt_t *st, const char *type, const char *q, const char *status)
{
	int i;

	db_bind_str(st, 1, type);
	db_bind_str(st, 2, q);
	db_bind_str(st, 3, q);
	for (i = 4; i <= 8; i++)
		db_bind_str(st, i, status);
	return 9;
}

static const struct { const char *code, *label; } STATUSES[] = {
	{ "draft", "下書き" }, { "scheduled", "公開予約" }, { "published", "公開中" }, { "archived", "非公開" },
	{ "pending", "承認待ち" },
};
#define NSTATUSES (sizeof(STATUSES) / sizeof(STATUSES[0]))

static const char *
done_message(const char *done)
{
	static const struct { const char *code, *text; } msgs[] = {
		{ "created", "下書きとして保存しました。" }, { "saved", "保存しました。" }, { "published", "公開しました。" },
		{ "scheduled", "予約公開を設定しました。指定の日時に自動で公開されます。" },
		{ "unpublished", "非公開にしました。" }, { "restored", "選んだ版の内容に戻しました（新しい版として保存しました）。" },
		{ "deleted", "削除しました。" },
	};
	size_t i;

	for (i = 0; done != NULL && i < sizeof(msgs) / sizeof(msgs[0]); i++)
		if (strcmp(msgs[i].code, done) == 0)
			return msgs[i].text;
	return NULL;
}

void
page_staff_content_list(req_t *r)
{
	arena_t *A = &r->arena;
	const schema_type_t *t;
	db_t *db;
	db_stmt_t *st;
	tv_t *ctx, *list, *opts;
	const char *q = http_query(r, "q"), *status = http_query(r, "status"), *pg = http_query(r, "page");
	int64_t page = 1, total = 0, pages;
	size_t i;
	buf_t qs = BUF_INIT;

	if ((t = url_type(r)) == NULL)
		return;
	if (!web_can(r, POLICY_VIEW, cms_policy_kind(t->name), 0) || (db = db_or_500(r)) == NULL)
		return;
	if (q == NULL || !str_utf8_valid(q, strlen(q), false))
		q = "";
	if (strlen(q) > KEYWORD_MAX * 4)
		q = "";
	if (status == NULL)
		status = "";
	for (i = 0; i < NSTATUSES && strcmp(STATUSES[i].code, status) != 0; i++)
		;
	if (i == NSTATUSES)
		status = "";
	if (pg != NULL && !str_to_i64(pg, 1, 100000, &page))
		page = 1;
	ctx = web_ctx(r, arena_printf(A, "%sの一覧", t->label));
	tv_set_str(A, ctx, "type", t->name);
	tv_set_str(A, ctx, "type_label", t->label);
	tv_set_str(A, ctx, "q", q);
	tv_set_bool(A, ctx, "can_create", policy_can(me(r), POLICY_CREATE, cms_policy_kind(t->name), me(r)->department_id));
	opts = tv_list(A);
	for (i = 0; i < NSTATUSES; i++) {
		tv_t *o = tv_map(A);
		tv_set_str(A, o, "value", STATUSES[i].code);
		tv_set_str(A, o, "label", STATUSES[i].label);
		tv_set_bool(A, o, "selected", strcmp(STATUSES[i].code, status) == 0);
		tv_push(A, opts, o);
	}
	tv_set(A, ctx, "statuses", opts);
	if ((st = db_prepare(db, "SELECT COUNT(*) FROM entities e LEFT JOIN entity_schedule s ON s.entity_id = e.id WHERE " LIST_WHERE)) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	bind_where(st, t->name, q, status);
	if (db_step(st) == DB_ROW)
		total = db_col_i64(st, 0);
	db_done(st);
	pages = total == 0 ? 1 : (total + LIST_PER_PAGE - 1) / LIST_PER_PAGE;
	if (page > pages)
		page = pages;
	st = db_prepare(db, "SELECT e.id, e.title, e.status, e.updated_at, COALESCE(d.name, ''), "
	    "COALESCE(s.publish_at, 0) FROM entities e LEFT JOIN entity_schedule s ON s.entity_id = e.id "
	    "LEFT JOIN departments d ON d.id = e.department_id WHERE " LIST_WHERE " ORDER BY e.updated_at DESC, e.id DESC LIMIT ? OFFSET ?");
	if (st == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	i = (size_t)bind_where(st, t->name, q, status);
	db_bind_i64(st, (int)i, LIST_PER_PAGE);
	db_bind_i64(st, (int)i + 1, (page - 1) * LIST_PER_PAGE);
	list = tv_list(A);
	while (db_step(st) == DB_ROW) {
		tv_t *m = tv_map(A);
		int64_t at = db_col_i64(st, 5);
		tv_set_str(A, m, "url", arena_printf(A, "/staff/content/%s/%" PRId64, t->name, db_col_i64(st, 0)));
		tv_set_str(A, m, "title", arena_strdup(A, db_col_text(st, 1)));
		tv_set_str(A, m, "status", cms_status_label(db_col_text(st, 2), at > 0));
		tv_set_str(A, m, "status_code", at > 0 ? "scheduled" : arena_strdup(A, db_col_text(st, 2)));
		tv_set_int(A, m, "updated", db_col_i64(st, 3));
		tv_set_str(A, m, "department", arena_strdup(A, db_col_text(st, 4)));
		if (at > 0)
			tv_set_int(A, m, "publish_at", at);
		tv_push(A, list, m);
	}
	db_done(st);
	tv_set(A, ctx, "items", list);
	tv_set_bool(A, ctx, "has_items", list->u.list.n > 0);
	tv_set_int(A, ctx, "total", total);
	tv_set_int(A, ctx, "page", page);
	tv_set_int(A, ctx, "pages", pages);
	buf_puts(&qs, "q=");
	buf_append_urlenc(&qs, q, strlen(q));
	buf_puts(&qs, "&status=");
	buf_puts(&qs, status);
	if (!qs.oom) {
		if (page > 1)
			tv_set_str(A, ctx, "prev", arena_printf(A, "/staff/content/%s?%s&page=%" PRId64, t->name, qs.data, page - 1));
		if (page < pages)
			tv_set_str(A, ctx, "next", arena_printf(A, "/staff/content/%s?%s&page=%" PRId64, t->name, qs.data, page + 1));
	}
	buf_free(&qs);
	if (done_message(http_query(r, "done")) != NULL)
		tv_set_str(A, ctx, "done", done_message(http_query(r, "done")));
	web_render(r, "staff/content_list", ctx);
}

/* ---- the edit form ---- */

typedef struct form_state {
	company_values_t values;
	const char      *errors[SCHEMA_MAX_FIELDS];
	const char      *general;
	const char      *schedule_error;
	const char      *publish_at;     /* as typed */
	int64_t          department_id;  /* a new record's (as chosen) */
	bool             preview;        /* show the rendered Markdown (the no-JavaScript preview) */
} form_state_t;

static bool
term_checked(const char *value, const char *code, const char *name)
{
	const char *p = value;

	if (value == NULL)
		return false;
	while (*p) {
		size_t n = strcspn(p, "|");
		if ((strlen(code) == n && strncmp(p, code, n) == 0) || (strlen(name) == n && strncmp(p, name, n) == 0))
			return true;
		p += n;
		if (*p == '|')
			p++;
	}
	return false;
}

static int
field_max(const schema_field_t *f)
{
	if (f->max)
		return f->max;
	return f->type == F_TEXT ? ENTITY_DEFAULT_TEXT : f->type == F_LONGTEXT ? ENTITY_DEFAULT_LONG :
	    f->type == F_MARKDOWN ? ENTITY_DEFAULT_MARKDOWN : 0;
}

static const char *
field_hint(arena_t *A, const schema_field_t *f)
{
	switch (f->type) {
	case F_TEXT: case F_LONGTEXT: return arena_printf(A, "%d文字以内", field_max(f));
	case F_MARKDOWN: return arena_printf(A, "%d文字以内。Markdown で書けます（見出しは「## 」、箇条書きは「- 」、リンクは「[文字](https://…)」）。", field_max(f));
	case F_NUMBER: return "半角数字で入力してください。";
	case F_YEN: return "半角数字で、円単位で入力してください（例：10000000）。";
	case F_DATE: return "「2026-04-01」の形で入力してください。";
	case F_URL: return "https:// または http:// で始まるURL";
	case F_VIDEO: return "YouTube または Vimeo の動画ページのURL";
	case F_EMAIL: return "例：info@example.jp";
	case F_PHONE: return "半角数字とハイフン（例：027-123-4567）";
	case F_LINKS: return "1行に1件、「名前|https://…」の形で入力してください（20件まで）。";
	case F_IMAGE: return "JPEG・PNG・WebP・GIF の画像、10MBまで。位置情報などの付加情報は削除され、表示用の大きさに縮小されます。";
	case F_TERMS: return "当てはまるものをすべて選んでください。";
	case F_BOOLEAN: return NULL;
	}
	return NULL;
}

static tv_t *
form_fields(req_t *r, db_t *db, const schema_type_t *t, const form_state_t *fs)
{
	arena_t *A = &r->arena;
	tv_t *list = tv_list(A);
	int i;

	for (i = 0; i < t->nfields; i++) {
		const schema_field_t *f = &t->fields[i];
		const char *v = fs->values.v[i] ? fs->values.v[i] : "", *hint, *id = arena_printf(A, "f-%s", f->name);
		tv_t *m = tv_map(A);
		buf_t desc = BUF_INIT;

		tv_set_str(A, m, "name", f->name);
		tv_set_str(A, m, "id", id);
		tv_set_str(A, m, "label", f->label);
		tv_set_bool(A, m, "required", f->required);
		tv_set_bool(A, m, "internal", f->internal);
		if ((hint = field_hint(A, f)) != NULL) {
			tv_set_str(A, m, "hint", hint);
			buf_printf(&desc, "%s-hint", id);
		}
		if (fs->errors[i] != NULL) {
			tv_set_str(A, m, "error", fs->errors[i]);
			buf_printf(&desc, "%s%s-error", desc.len ? " " : "", id);
		} else {
			tv_set_bool(A, m, "error", false);
		}
		if (desc.len > 0 && !desc.oom)
			tv_set_str(A, m, "describedby", arena_strdup(A, desc.data));
		else
			tv_set_bool(A, m, "describedby", false);
		buf_free(&desc);
		switch (f->type) {
		case F_LONGTEXT: case F_MARKDOWN: case F_LINKS:
			tv_set_bool(A, m, "k_textarea", true);
			tv_set_str(A, m, "value", v);
			tv_set_int(A, m, "rows", f->type == F_LINKS ? 4 : f->type == F_MARKDOWN ? 12 : 6);
			if (f->type != F_LINKS)
				tv_set_int(A, m, "maxlength", field_max(f));
			else
				tv_set_bool(A, m, "maxlength", false);
			if (f->type == F_MARKDOWN) {
				tv_set_bool(A, m, "markdown", true);
				if (fs->preview) {
					buf_t html = BUF_INIT;
					if (markdown_html(v, strlen(v), 2, &html) && !html.oom)
						tv_set(A, m, "preview_html", tv_html_trusted(A, html.data ? html.data : "", html.len));
					buf_free(&html);
				}
			} else {
				tv_set_bool(A, m, "markdown", false);
			}
			break;
		case F_TERMS: {
			tv_t *opts = tv_list(A);
			db_stmt_t *st = db_prepare(db, "SELECT code, name FROM terms WHERE vocab = ? ORDER BY sort, code");
			int k = 0;
			tv_set_bool(A, m, "k_checks", true);
			if (st != NULL) {
				db_bind_str(st, 1, f->vocab);
				while (db_step(st) == DB_ROW) {
					tv_t *o = tv_map(A);
					tv_set_str(A, o, "value", arena_strdup(A, db_col_text(st, 0)));
					tv_set_str(A, o, "label", arena_strdup(A, db_col_text(st, 1)));
					tv_set_str(A, o, "oid", arena_printf(A, "%s-%d", id, ++k));
					tv_set_bool(A, o, "checked", term_checked(v, db_col_text(st, 0), db_col_text(st, 1)));
					tv_push(A, opts, o);
				}
				db_done(st);
			}
			tv_set(A, m, "options", opts);
			break;
		}
		case F_IMAGE: {
			tv_t *pic = v[0] ? web_picture(r, db, v, arena_printf(A, "現在の%s", f->label), PHOTO_SIZES) : NULL;
			tv_set_bool(A, m, "k_image", true);
			tv_set_str(A, m, "value", v);
			if (pic != NULL)
				tv_set(A, m, "picture", pic);
			else
				tv_set_bool(A, m, "picture", false);
			break;
		}
		case F_BOOLEAN:
			tv_set_bool(A, m, "k_bool", true);
			tv_set_bool(A, m, "checked", strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
			break;
		default: {
			const char *type = f->type == F_URL || f->type == F_VIDEO ? "url" : f->type == F_EMAIL ? "email" :
			    f->type == F_PHONE ? "tel" : "text";
			tv_set_bool(A, m, "k_input", true);
			tv_set_str(A, m, "type", type);
			tv_set_str(A, m, "value", v);
			tv_set_int(A, m, "maxlength", f->type == F_TEXT ? field_max(f) :
			    f->type == F_URL || f->type == F_VIDEO ? 2000 : f->type == F_EMAIL ? 254 : 40);
			if (f->type == F_NUMBER || f->type == F_YEN)
				tv_set_str(A, m, "inputmode", "numeric");
			else
				tv_set_bool(A, m, "inputmode", false);
			break;
		}
		}
		tv_push(A, list, m);
	}
	return list;
}

/* Departments a prefecture staff member may give a new record (active ones). */
static tv_t *
department_options(req_t *r, db_t *db, int64_t selected)
{
	arena_t *A = &r->arena;
	tv_t *list = tv_list(A);
	db_stmt_t *st = db_prepare(db, "SELECT id, name FROM departments WHERE retired_at IS NULL ORDER BY id");

	if (st == NULL)
		return list;
	while (db_step(st) == DB_ROW) {
		tv_t *o = tv_map(A);
		tv_set_int(A, o, "value", db_col_i64(st, 0));
		tv_set_str(A, o, "label", arena_strdup(A, db_col_text(st, 1)));
		tv_set_bool(A, o, "selected", db_col_i64(st, 0) == selected);
		tv_push(A, list, o);
	}
	db_done(st);
	return list;
}

static void
edit_form(req_t *r, db_t *db, const schema_type_t *t, const cms_record_t *rec, const form_state_t *fs, int nerrors)
{
	arena_t *A = &r->arena;
	const account_t *a = me(r);
	int kind = cms_policy_kind(t->name);
	int64_t dept = rec != NULL ? rec->department_id : fs->department_id;
	tv_t *ctx = web_ctx(r, rec != NULL ? arena_printf(A, "%sの編集", t->label) : arena_printf(A, "%sの新規作成", t->label));
	bool published = rec != NULL && strcmp(rec->status, "published") == 0;

	tv_set_str(A, ctx, "type", t->name);
	tv_set_str(A, ctx, "type_label", t->label);
	tv_set_str(A, ctx, "csrf", web_csrf(r));
	tv_set(A, ctx, "fields", form_fields(r, db, t, fs));
	if (rec != NULL) {
		const char *pub = public_url(A, t->name, rec->id, rec->fields);
		tv_set_int(A, ctx, "id", rec->id);
		tv_set_str(A, ctx, "action", arena_printf(A, "/staff/content/%s/%" PRId64, t->name, rec->id));
		tv_set_str(A, ctx, "status", cms_status_label(rec->status, rec->publish_at > 0));
		tv_set_bool(A, ctx, "published", published);
		tv_set_bool(A, ctx, "deletable", strcmp(rec->status, "draft") == 0 || strcmp(rec->status, "archived") == 0);
		if (rec->publish_at > 0)
			tv_set_int(A, ctx, "scheduled_at", rec->publish_at);
		if (published && pub != NULL)
			tv_set_str(A, ctx, "public_url", pub);
		tv_set_str(A, ctx, "department", department_name(r, db, rec->department_id));
		tv_set_int(A, ctx, "updated", rec->updated_at);
	} else {
		tv_set_str(A, ctx, "action", arena_printf(A, "/staff/content/%s/new", t->name));
		tv_set_bool(A, ctx, "is_new", true);
		if (strcmp(a->department_kind, "pref") == 0) {
			tv_set(A, ctx, "departments", department_options(r, db, fs->department_id ? fs->department_id : a->department_id));
			tv_set_bool(A, ctx, "choose_department", true);
		} else
			tv_set_str(A, ctx, "department", department_name(r, db, a->department_id));
	}
	tv_set_bool(A, ctx, "readonly", !policy_can(a, rec != NULL ? POLICY_UPDATE : POLICY_CREATE, kind, dept));
	tv_set_bool(A, ctx, "can_status", policy_can(a, POLICY_STATUS, kind, dept));
	tv_set_str(A, ctx, "publish_at", fs->publish_at ? fs->publish_at : rec != NULL && rec->publish_at > 0 ?
	    local_input(A, rec->publish_at) : "");
	if (fs->schedule_error != NULL)
		tv_set_str(A, ctx, "schedule_error", fs->schedule_error);
	if (nerrors > 0) {
		tv_t *list = tv_list(A);
		int i;
		for (i = 0; i < t->nfields; i++) {
			tv_t *e;
			if (fs->errors[i] == NULL)
				continue;
			e = tv_map(A);
			tv_set_str(A, e, "text", fs->errors[i]);
			tv_set_str(A, e, "href", arena_printf(A, "#f-%s", t->fields[i].name));
			tv_push(A, list, e);
		}
		if (fs->schedule_error != NULL) {
			tv_t *e = tv_map(A);
			tv_set_str(A, e, "text", fs->schedule_error);
			tv_set_str(A, e, "href", "#publish-at");
			tv_push(A, list, e);
		}
		tv_set(A, ctx, "error_list", list);
		tv_set_bool(A, ctx, "has_error_list", list->u.list.n > 0);
	}
	if (fs->general != NULL)
		tv_set_str(A, ctx, "error", fs->general);
	else if (nerrors > 0)
		tv_set_str(A, ctx, "error", arena_printf(A, "入力内容に%d件の問題があります。各項目のメッセージを確認してください。", nerrors));
	if (fs->preview)
		tv_set_bool(A, ctx, "previewing", true);
	/* an event: its sessions and applicants (event_staff.c; G12, G41) */
	if (rec != NULL && strcmp(t->name, "event") == 0)
		tv_set_str(A, ctx, "sessions_url", arena_printf(A, "/staff/events/%" PRId64, rec->id));
	/* a job offer (B01, G65): what the law asks an advertisement to state, its sheet, wording warnings */
	if (joblaw_applies(t)) {
		buf_t w = BUF_INIT;
		tv_set_bool(A, ctx, "joblaw", true);
		if (rec != NULL && strcmp(t->name, "job") == 0)
			tv_set_str(A, ctx, "sheet_url", arena_printf(A, "/staff/jobs/%" PRId64 "/sheet", rec->id));
		if (joblaw_warnings(t, (const char *const *)fs->values.v, &w) > 0 && !w.oom)
			tv_set_str(A, ctx, "law_warnings", arena_strdup(A, w.data));
		buf_free(&w);
	}
	/* the media library's image picker takes the 画像 buttons when it is installed (static/js/media-picker.js) */
	tv_set_bool(A, ctx, "media_picker", static_has("/static/js/media-picker.js"));
	if (done_message(http_query(r, "done")) != NULL && nerrors == 0)
		tv_set_str(A, ctx, "done", done_message(http_query(r, "done")));
	r->no_store = true;
	web_render(r, "staff/content_edit", ctx);
}

void
page_staff_content_new(req_t *r)
{
	const schema_type_t *t;
	form_state_t fs;
	db_t *db;

	if ((t = url_type(r)) == NULL)
		return;
	/* the creator's department (prefecture staff may choose another in the form) */
	if (!web_can(r, POLICY_CREATE, cms_policy_kind(t->name), me(r)->department_id) || (db = db_or_500(r)) == NULL)
		return;
	memset(&fs, 0, sizeof(fs));
	fs.department_id = me(r)->department_id;
	edit_form(r, db, t, NULL, &fs, 0);
}

void
page_staff_content_edit(req_t *r)
{
	const schema_type_t *t;
	cms_record_t rec;
	form_state_t fs;
	db_t *db;

	if ((t = url_type(r)) == NULL || (db = db_or_500(r)) == NULL || !url_record(r, db, t, 1, &rec))
		return;
	if (!web_can(r, POLICY_VIEW, cms_policy_kind(t->name), rec.department_id)) {
		cms_record_free(&rec);
		return;
	}
	memset(&fs, 0, sizeof(fs));
	if (!company_values_from_json(t, rec.fields, &fs.values)) {
		cms_record_free(&rec);
		web_error(r, 500, NULL);
		return;
	}
	edit_form(r, db, t, &rec, &fs, 0);
	company_values_free(&fs.values);
	cms_record_free(&rec);
}

/* A copy of a typed value with CR LF (and lone CR) made LF, as stored. */
static char *
unix_lines(const char *v)
{
	char *out = strdup(v), *w = out;
	const char *p;

	if (out == NULL)
		return NULL;
	for (p = v; *p; p++) {
		if (*p == '\r') {
			*w++ = '\n';
			if (p[1] == '\n')
				p++;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return out;
}

static char *
form_joined(req_t *r, const char *name)
{
	buf_t b = BUF_INIT;
	size_t i;
	int n = 0;
	char *out;

	for (i = 0; i < r->form.count; i++) {
		const form_field_t *f = &r->form.fields[i];
		if (f->filename != NULL || strcmp(f->name, name) != 0 || f->value[0] == '\0' || strchr(f->value, '|') != NULL)
			continue;
		if (++n > ENTITY_MAX_VALUES)
			break;
		if (b.len > 0)
			buf_putc(&b, '|');
		buf_puts(&b, f->value);
	}
	if (b.len == 0 || b.oom) {
		buf_free(&b);
		return NULL;
	}
	out = buf_steal(&b, NULL);
	buf_free(&b);
	return out;
}

/* The typed values of every field (the schema's fields only: anything else sent is ignored); uploads are
 * stored in the media library. Returns the number of upload errors (placed next to their fields). */
static int
read_values(req_t *r, db_t *db, const schema_type_t *t, form_state_t *fs)
{
	int i, nerr = 0;

	for (i = 0; i < t->nfields; i++) {
		const schema_field_t *f = &t->fields[i];
		const char *v;
		switch (f->type) {
		case F_TERMS:
			fs->values.v[i] = form_joined(r, f->name);
			break;
		case F_BOOLEAN:
			fs->values.v[i] = strdup(http_form(r, f->name) != NULL ? "true" : "false");
			break;
		case F_IMAGE: {
			const form_field_t *file = form_get_field(&r->form, arena_printf(&r->arena, "%s_file", f->name));
			const char *keep = http_form(r, f->name), *del = http_form(r, arena_printf(&r->arena, "%s_delete", f->name));
			fs->values.v[i] = keep != NULL && keep[0] != '\0' ? strdup(keep) : NULL;
			if (file != NULL && file->filename != NULL && file->value_len > 0) {
				char err[256];
				int64_t mid = 0;
				if (media_store(db, file->value, file->value_len, file->filename, me(r)->id, jtime_now(), &mid, err, sizeof(err))) {
					char num[32];
					snprintf(num, sizeof(num), "%" PRId64, mid);
					free(fs->values.v[i]);
					fs->values.v[i] = strdup(num);
				} else {
					fs->errors[i] = arena_printf(&r->arena, "「%s」%s", f->label, err);
					nerr++;
				}
			} else if (del != NULL) {
				free(fs->values.v[i]);
				fs->values.v[i] = NULL;
			}
			break;
		}
		default:
			v = http_form(r, f->name);
			fs->values.v[i] = v != NULL && v[0] != '\0' ? unix_lines(v) : NULL;
			break;
		}
	}
	return nerr;
}

/* Puts each line of the messages next to the field it names (「label」…). */
static int
spread_errors(req_t *r, const schema_type_t *t, const char *msgs, form_state_t *fs)
{
	const char *p = msgs;
	int n = 0, i;

	while (p != NULL && *p) {
		size_t len = strcspn(p, "\n");
		const char *line = arena_strndup(&r->arena, p, len);
		bool placed = false;
		if (line != NULL && str_has_prefix(line, "「予約公開の日時」")) {
			fs->schedule_error = line;
			placed = true;
		}
		for (i = 0; i < t->nfields && line != NULL && !placed; i++) {
			const char *key = arena_printf(&r->arena, "「%s」", t->fields[i].label);
			if (key != NULL && strncmp(line, key, strlen(key)) == 0 && fs->errors[i] == NULL) {
				fs->errors[i] = line;
				placed = true;
			}
		}
		if (!placed && fs->general == NULL)
			fs->general = line;
		n++;
		p += len;
		if (*p == '\n')
			p++;
	}
	return n;
}

static bool
department_active(db_t *db, int64_t id)
{
	db_stmt_t *st = db_prepare(db, "SELECT 1 FROM departments WHERE id = ? AND retired_at IS NULL");
	bool ok;

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, id);
	ok = db_step(st) == DB_ROW;
	db_done(st);
	return ok;
}

static void
content_post(req_t *r, bool is_new)
{
	arena_t *A = &r->arena;
	const schema_type_t *t;
	const account_t *a = me(r);
	cms_record_t rec;
	form_state_t fs;
	cms_save_t s;
	cms_actor_t who = { a, r->ip };
	buf_t errors = BUF_INIT;
	db_t *db;
	const char *action = http_form(r, "action");
	int kind, nerr;
	int64_t id = 0;
	cms_result_t res;

	memset(&rec, 0, sizeof(rec));
	memset(&fs, 0, sizeof(fs));
	memset(&s, 0, sizeof(s));
	if ((t = url_type(r)) == NULL || (db = db_or_500(r)) == NULL)
		return;
	kind = cms_policy_kind(t->name);
	if (is_new) {
		/* the creator's department, unless prefecture staff choose one */
		fs.department_id = a->department_id;
		if (strcmp(a->department_kind, "pref") == 0 && http_form(r, "department") != NULL &&
		    !str_to_i64(http_form(r, "department"), 1, INT64_MAX, &fs.department_id)) {
			web_error(r, 400, NULL);
			return;
		}
		if (!department_active(db, fs.department_id)) {
			web_error(r, 400, "担当部署の指定が正しくありません。");
			return;
		}
		if (!web_can(r, POLICY_CREATE, kind, fs.department_id))
			return;
	} else {
		if (!url_record(r, db, t, 1, &rec))
			return;
		/* the department stored on the record, never one from the form */
		if (!web_can(r, POLICY_UPDATE, kind, rec.department_id))
			goto done;
	}
	s.action = CMS_SAVE;
	if (action == NULL || strcmp(action, "save") == 0)
		s.action = CMS_SAVE;
	else if (strcmp(action, "publish") == 0)
		s.action = CMS_PUBLISH;
	else if (strcmp(action, "schedule") == 0)
		s.action = CMS_SCHEDULE;
	else if (strcmp(action, "unpublish") == 0)
		s.action = CMS_UNPUBLISH;
	else if (strcmp(action, "preview") == 0)
		fs.preview = true;
	else {
		web_error(r, 400, NULL);
		goto done;
	}
	if (s.action != CMS_SAVE && !web_can(r, POLICY_STATUS, kind, is_new ? fs.department_id : rec.department_id))
		goto done;
	fs.publish_at = http_form(r, "publish_at");
	if (fs.publish_at != NULL && strlen(fs.publish_at) > 19)
		fs.publish_at = NULL;
	nerr = read_values(r, db, t, &fs);
	if (fs.preview || nerr > 0) {
		/* the no-JavaScript preview, or a failed upload: nothing is stored, the form comes back as typed */
		if (nerr > 0)
			r->status = 400;
		edit_form(r, db, t, is_new ? NULL : &rec, &fs, nerr);
		goto done;
	}
	if (s.action == CMS_SCHEDULE && !parse_local(fs.publish_at, &s.publish_at)) {
		fs.schedule_error = "「予約公開の日時」を「2026-04-01 09:00」の形で入力してください。";
		r->status = 400;
		edit_form(r, db, t, is_new ? NULL : &rec, &fs, 1);
		goto done;
	}
	s.type = t;
	s.entity_id = is_new ? 0 : rec.id;
	s.values = &fs.values;
	s.department_id = fs.department_id;
	res = cms_save(db, &s, &who, jtime_now(), &id, &errors);
	switch (res) {
	case CMS_OK:
		if (s.action == CMS_SCHEDULE)
			cms_scheduler_wake();
		http_redirect(r, arena_printf(A, "/staff/content/%s/%" PRId64 "?done=%s", t->name, id,
		    s.action == CMS_PUBLISH ? "published" : s.action == CMS_SCHEDULE ? "scheduled" :
		    s.action == CMS_UNPUBLISH ? "unpublished" : is_new ? "created" : "saved"));
		break;
	case CMS_INVALID:
		nerr = spread_errors(r, t, errors.data, &fs);
		r->status = 400;
		edit_form(r, db, t, is_new ? NULL : &rec, &fs, nerr);
		break;
	case CMS_FORBIDDEN:
		web_error(r, 403, "この操作を行う権限がありません。担当部署または権限をご確認ください。");
		break;
	case CMS_NOT_FOUND:
		web_error(r, 404, NULL);
		break;
	case CMS_ERROR:
		web_error(r, 500, NULL);
		break;
	}
done:
	buf_free(&errors);
	company_values_free(&fs.values);
	cms_record_free(&rec);
}

void page_staff_content_new_post(req_t *r) { content_post(r, true); }
void page_staff_content_edit_post(req_t *r) { content_post(r, false); }

/* ---- revisions ---- */

void
page_staff_content_revisions(req_t *r)
{
	arena_t *A = &r->arena;
	const schema_type_t *t;
	cms_record_t rec;
	db_t *db;
	db_stmt_t *st;
	tv_t *ctx, *list;

	if ((t = url_type(r)) == NULL || (db = db_or_500(r)) == NULL || !url_record(r, db, t, 1, &rec))
		return;
	if (!web_can(r, POLICY_VIEW, cms_policy_kind(t->name), rec.department_id))
		goto done;
	ctx = web_ctx(r, arena_printf(A, "変更履歴：%s", rec.title));
	tv_set_str(A, ctx, "type", t->name);
	tv_set_str(A, ctx, "type_label", t->label);
	tv_set_str(A, ctx, "title", arena_strdup(A, rec.title));
	tv_set_int(A, ctx, "id", rec.id);
	tv_set_str(A, ctx, "csrf", web_csrf(r));
	tv_set_bool(A, ctx, "can_restore", policy_can(me(r), POLICY_UPDATE, cms_policy_kind(t->name), rec.department_id));
	st = db_prepare(db, "SELECT v.id, v.saved_at, COALESCE(a.display_name, 'システム（予約公開）'), v.status, v.note "
	    "FROM entity_revisions v LEFT JOIN accounts a ON a.id = v.saved_by WHERE v.entity_id = ? ORDER BY v.id DESC LIMIT ?");
	if (st == NULL) {
		web_error(r, 500, NULL);
		goto done;
	}
	db_bind_i64(st, 1, rec.id);
	db_bind_i64(st, 2, REVISIONS_SHOWN);
	list = tv_list(A);
	while (db_step(st) == DB_ROW) {
		tv_t *m = tv_map(A);
		const char *note = db_col_text(st, 4);
		int64_t from;
		tv_set_int(A, m, "rev", db_col_i64(st, 0));
		tv_set_int(A, m, "saved_at", db_col_i64(st, 1));
		tv_set_str(A, m, "by", arena_strdup(A, db_col_text(st, 2)));
		tv_set_str(A, m, "status", cms_status_label(db_col_text(st, 3), false));
		if (str_has_prefix(note, "restore:") && str_to_i64(note + 8, 1, INT64_MAX, &from))
			tv_set_str(A, m, "note", arena_printf(A, "版%" PRId64 "から復元", from));
		else if (strcmp(note, "scheduled") == 0)
			tv_set_str(A, m, "note", "予約公開");
		else
			tv_set_bool(A, m, "note", false);
		tv_set_str(A, m, "url", arena_printf(A, "/staff/content/%s/%" PRId64 "/revisions/%" PRId64, t->name, rec.id, db_col_i64(st, 0)));
		tv_set_bool(A, m, "latest", list->u.list.n == 0);
		tv_push(A, list, m);
	}
	db_done(st);
	tv_set(A, ctx, "revisions", list);
	tv_set_bool(A, ctx, "has_revisions", list->u.list.n > 0);
	web_render(r, "staff/content_revisions", ctx);
done:
	cms_record_free(&rec);
}

/* One line of a diff for the template. */
static void
push_line(arena_t *A, tv_t *lines, char op, const char *text, size_t n)
{
	tv_t *l = tv_map(A);

	tv_set_str(A, l, "text", arena_strndup(A, text, n));
	tv_set_bool(A, l, "ins", op == '+');
	tv_set_bool(A, l, "del", op == '-');
	tv_set_bool(A, l, "same", op == ' ');
	tv_push(A, lines, l);
}

void
page_staff_content_diff(req_t *r)
{
	arena_t *A = &r->arena;
	const schema_type_t *t;
	cms_record_t rec;
	cms_revision_t rev;
	company_values_t old, now;
	db_t *db;
	tv_t *ctx, *fields;
	int64_t rid;
	int i, changed = 0;

	memset(&rev, 0, sizeof(rev));
	if ((t = url_type(r)) == NULL || (db = db_or_500(r)) == NULL || !url_record(r, db, t, 1, &rec))
		return;
	if (!web_can(r, POLICY_VIEW, cms_policy_kind(t->name), rec.department_id))
		goto done;
	if (!str_to_i64(http_param(r, 2), 1, INT64_MAX, &rid) || cms_revision_get(db, rec.id, rid, &rev) != CMS_OK) {
		web_error(r, 404, NULL);
		goto done;
	}
	if (!company_values_from_json(t, rev.fields, &old)) {
		web_error(r, 500, NULL);
		goto done;
	}
	if (!company_values_from_json(t, rec.fields, &now)) {
		company_values_free(&old);
		web_error(r, 500, NULL);
		goto done;
	}
	ctx = web_ctx(r, arena_printf(A, "版%" PRId64 "と現在の内容の比較", rid));
	tv_set_str(A, ctx, "type", t->name);
	tv_set_str(A, ctx, "type_label", t->label);
	tv_set_str(A, ctx, "title", arena_strdup(A, rec.title));
	tv_set_int(A, ctx, "id", rec.id);
	tv_set_int(A, ctx, "rev", rid);
	tv_set_int(A, ctx, "saved_at", rev.saved_at);
	tv_set_str(A, ctx, "csrf", web_csrf(r));
	tv_set_bool(A, ctx, "can_restore", policy_can(me(r), POLICY_UPDATE, cms_policy_kind(t->name), rec.department_id));
	fields = tv_list(A);
	for (i = 0; i < t->nfields; i++) {
		const schema_field_t *f = &t->fields[i];
		const char *a = old.v[i] ? old.v[i] : "", *b = now.v[i] ? now.v[i] : "";
		tv_t *m;
		if (strcmp(a, b) == 0)
			continue;
		changed++;
		m = tv_map(A);
		tv_set_str(A, m, "label", f->label);
		if (f->type == F_LONGTEXT || f->type == F_MARKDOWN || f->type == F_LINKS) {
			cms_diff_line_t *d;
			tv_t *lines = tv_list(A);
			int n = cms_diff_lines(a, b, &d), k;
			for (k = 0; k < n; k++)
				push_line(A, lines, d[k].op, d[k].text, d[k].len);
			free(d);
			tv_set(A, m, "lines", lines);
			tv_set_bool(A, m, "long", true);
		} else {
			tv_set_str(A, m, "old", a[0] ? arena_strdup(A, a) : "（空欄）");
			tv_set_str(A, m, "new", b[0] ? arena_strdup(A, b) : "（空欄）");
		}
		tv_push(A, fields, m);
	}
	tv_set(A, ctx, "fields", fields);
	tv_set_bool(A, ctx, "has_changes", changed > 0);
	company_values_free(&old);
	company_values_free(&now);
	web_render(r, "staff/content_diff", ctx);
done:
	cms_revision_free(&rev);
	cms_record_free(&rec);
}

void
page_staff_content_restore_post(req_t *r)
{
	const schema_type_t *t;
	cms_record_t rec;
	cms_actor_t who = { me(r), r->ip };
	buf_t errors = BUF_INIT;
	db_t *db;
	int64_t rid;
	cms_result_t res;

	if ((t = url_type(r)) == NULL || (db = db_or_500(r)) == NULL || !url_record(r, db, t, 1, &rec))
		return;
	if (!web_can(r, POLICY_UPDATE, cms_policy_kind(t->name), rec.department_id))
		goto done;
	if (!str_to_i64(http_param(r, 2), 1, INT64_MAX, &rid)) {
		web_error(r, 404, NULL);
		goto done;
	}
	res = cms_restore(db, t, rec.id, rid, &who, jtime_now(), &errors);
	if (res == CMS_OK)
		http_redirect(r, arena_printf(&r->arena, "/staff/content/%s/%" PRId64 "?done=restored", t->name, rec.id));
	else if (res == CMS_INVALID)
		web_error(r, 409, arena_printf(&r->arena, "この版には今は使えない値が含まれているため、復元できません。%s",
		    errors.data ? errors.data : ""));
	else
		web_error(r, res == CMS_FORBIDDEN ? 403 : res == CMS_NOT_FOUND ? 404 : 500, NULL);
done:
	buf_free(&errors);
	cms_record_free(&rec);
}

/* ---- delete ---- */

void
page_staff_content_delete(req_t *r)
{
	arena_t *A = &r->arena;
	const schema_type_t *t;
	cms_record_t rec;
	db_t *db;
	tv_t *ctx;

	if ((t = url_type(r)) == NULL || (db = db_or_500(r)) == NULL || !url_record(r, db, t, 1, &rec))
		return;
	if (web_can(r, POLICY_DELETE, cms_policy_kind(t->name), rec.department_id)) {
		ctx = web_ctx(r, "削除の確認");
		tv_set_str(A, ctx, "type", t->name);
		tv_set_str(A, ctx, "type_label", t->label);
		tv_set_str(A, ctx, "title", arena_strdup(A, rec.title));
		tv_set_int(A, ctx, "id", rec.id);
		tv_set_str(A, ctx, "csrf", web_csrf(r));
		tv_set_str(A, ctx, "status", cms_status_label(rec.status, rec.publish_at > 0));
		tv_set_bool(A, ctx, "deletable", strcmp(rec.status, "draft") == 0 || strcmp(rec.status, "archived") == 0);
		web_render(r, "staff/content_delete", ctx);
	}
	cms_record_free(&rec);
}

void
page_staff_content_delete_post(req_t *r)
{
	const schema_type_t *t;
	cms_record_t rec;
	cms_actor_t who = { me(r), r->ip };
	buf_t errors = BUF_INIT;
	db_t *db;
	cms_result_t res;

	if ((t = url_type(r)) == NULL || (db = db_or_500(r)) == NULL || !url_record(r, db, t, 1, &rec))
		return;
	if (!web_can(r, POLICY_DELETE, cms_policy_kind(t->name), rec.department_id))
		goto done;
	res = cms_delete(db, t, rec.id, &who, jtime_now(), &errors);
	if (res == CMS_OK)
		http_redirect(r, arena_printf(&r->arena, "/staff/content/%s?done=deleted", t->name));
	else if (res == CMS_INVALID)
		web_error(r, 409, arena_strdup(&r->arena, errors.data ? errors.data : ""));
	else
		web_error(r, res == CMS_FORBIDDEN ? 403 : res == CMS_NOT_FOUND ? 404 : 500, NULL);
done:
	buf_free(&errors);
	cms_record_free(&rec);
}

/* ---- previews ---- */

/* POST /staff/preview/markdown: the HTML of the text, by the renderer of the public pages (cmark safe
 * mode), for md-editor.js's live preview. */
void
page_staff_preview_markdown(req_t *r)
{
	const char *text = http_form(r, "text");
	buf_t html = BUF_INIT;

	if (!web_can(r, POLICY_VIEW, POLICY_CMS, 0))
		return;
	if (text == NULL)
		text = "";
	if (strlen(text) > (size_t)ENTITY_DEFAULT_MARKDOWN * 4 || !markdown_html(text, strlen(text), 2, &html) || html.oom) {
		buf_free(&html);
		web_error(r, 413, NULL);
		return;
	}
	if (html.len == 0)
		buf_puts(&html, "<p class=\"note\">（本文はまだありません）</p>");
	buf_append(&r->out, html.data, html.len);
	buf_free(&html);
	r->status = 200;
	r->no_store = true;
	r->content_type = "text/html; charset=utf-8";
	http_set_header(r, "X-Robots-Tag", "noindex");
}

/* GET /staff/content/:type/:id/preview: the public page of any status, for staff only; anyone else gets
 * the 404 the public address of a draft gives. */
void
page_staff_content_preview(req_t *r)
{
	struct auth_ctx *a = r->auth;
	const schema_type_t *t;
	cms_record_t rec;
	db_t *db;

	if (a == NULL || !a->signed_in || strcmp(a->account.kind, "staff") != 0) {
		r->no_store = true;
		web_error(r, 404, NULL);
		return;
	}
	if ((t = url_type(r)) == NULL || (db = db_or_500(r)) == NULL || !url_record(r, db, t, 1, &rec))
		return;
	if (web_can(r, POLICY_VIEW, cms_policy_kind(t->name), rec.department_id)) {
		http_set_header(r, "X-Robots-Tag", "noindex");
		listing_preview(r, t->name, rec.id);
	}
	cms_record_free(&rec);
}
