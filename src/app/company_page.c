/*
 * company_page.c - the company's own pages (issue 5 items 5 and 7; G22-G25): the edit form of its company
 * information generated from the schema (/mypage/company), the renewal button (更新) and the My Page
 * section with status, listing period and notices; and the staff's approval list (/staff/approvals).
 * The logic lives in content/company.c; this file turns requests into its calls and its results into pages.
 */
#include "app/web.h"
#include "auth/policy.h"
#include "auth/audit.h"
#include "content/company.h"
#include "content/entity.h"
#include "content/schema.h"
#include "core/config.h"
#include "core/jtime.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"
#include "mail/mail.h"
#include "media/media.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTICES_SHOWN   20   /* My Page notices listed */
#define APPROVALS_SHOWN 50   /* pending revisions on one page */
#define DIFF_TEXT_MAX   300  /* characters of a changed value shown in the diff */
#define PHOTO_SIZES     "(min-width: 40rem) 20rem, 60vw"

static schema_t *schema;
static pthread_mutex_t schema_lock = PTHREAD_MUTEX_INITIALIZER;

static const schema_type_t *
company_type(void)
{
	char err[512];
	const schema_type_t *t;

	pthread_mutex_lock(&schema_lock);
	if (schema == NULL && (schema = schema_load(config.root, config.site, err, sizeof(err))) == NULL)
		log_error("company pages: %s", err);
	t = schema != NULL ? schema_type(schema, "company") : NULL;
	pthread_mutex_unlock(&schema_lock);
	return t;
}

void
company_pages_free(void)
{
	pthread_mutex_lock(&schema_lock);
	schema_free(schema);
	schema = NULL;
	pthread_mutex_unlock(&schema_lock);
}

/* The audit entry of a change, written inside the transaction that makes it: no entry, no change. */
static bool
audit_action(req_t *r, db_t *db, const char *action, int64_t entity_id, const char *detail)
{
	struct auth_ctx *a = r->auth;
	char target[48];
	audit_entry_t e = { a->account.id, a->account.login, r->ip, action, target, detail };

	snprintf(target, sizeof(target), "entity:%" PRId64, entity_id);
	return audit_append(db, &e, jtime_now());
}

/* "2026年4月30日" */
static const char *
date_str(arena_t *A, int64_t t)
{
	buf_t b = BUF_INIT;
	const char *s;

	jtime_format(&b, t, "date");
	s = b.oom || b.data == NULL ? "" : arena_strdup(A, b.data);
	buf_free(&b);
	return s;
}

/* ---- My Page section ---- */

void
company_mypage_section(req_t *r, tv_t *ctx)
{
	arena_t *A = &r->arena;
	struct auth_ctx *a = r->auth;
	db_t *db = db_thread();
	company_settings_t s;
	company_state_t cs;
	int64_t id, now = jtime_now();
	tv_t *c, *list;
	db_stmt_t *st;
	const char *done = http_query(r, "done");

	if (a == NULL || !a->signed_in || db == NULL)
		return;
	if (strcmp(a->account.kind, "staff") == 0) {
		tv_set_bool(A, ctx, "staff_approvals", true);
		return;
	}
	if (strcmp(a->account.kind, "company") != 0)
		return;
	c = tv_map(A);
	tv_set(A, ctx, "company", c);
	if ((id = company_entity_of(db, a->account.id)) <= 0 || !company_state_get(db, id, &cs) ||
	    !company_settings_load(db, &s)) {
		tv_set_bool(A, c, "none", true);
		return;
	}
	tv_set_str(A, c, "name", arena_strdup(A, cs.title));
	if (strcmp(cs.status, "archived") == 0)
		tv_set_str(A, c, "status", "アーカイブ（公開を終了しています）");
	else if (strcmp(cs.status, "published") == 0 && entity_public(cs.status, cs.listing_start, cs.listing_end, now))
		tv_set_str(A, c, "status", cs.pending_id ? "公開中（変更の承認待ち）" : "公開中");
	else if (cs.pending_id)
		tv_set_str(A, c, "status", "承認待ち");
	else if (strcmp(cs.status, "published") == 0)
		tv_set_str(A, c, "status", "掲載期間外");
	else
		tv_set_str(A, c, "status", "未公開（下書き）");
	if (cs.rejected) {
		tv_set_str(A, c, "status", strcmp(cs.status, "published") == 0 ? "公開中（変更は差し戻し）" : "差し戻し");
		tv_set_str(A, c, "reason", arena_strdup(A, cs.reason));
	}
	if (strcmp(cs.status, "published") == 0 && entity_public(cs.status, cs.listing_start, cs.listing_end, now))
		tv_set_str(A, c, "public_url", arena_printf(A, "/companies/%" PRId64, id));
	if (cs.listing_end == 0 && strcmp(cs.status, "published") == 0)
		tv_set_bool(A, c, "open_ended", true);
	if (cs.listing_end) {
		int left = company_days_left(cs.listing_end, now);
		tv_set_str(A, c, "start", cs.listing_start ? date_str(A, cs.listing_start) : "");
		tv_set_str(A, c, "end", date_str(A, cs.listing_end - 1));
		if (left > 0 && strcmp(cs.status, "published") == 0)
			tv_set_int(A, c, "days_left", left);
	}
	if (strcmp(cs.status, "published") == 0 || strcmp(cs.status, "archived") == 0) {
		if (company_renew_open(cs.listing_end, now, s.unit_months) || strcmp(cs.status, "archived") == 0) {
			tv_set_bool(A, c, "renew", true);
			tv_set_str(A, c, "renew_to", date_str(A, company_renew_end(cs.listing_end, now, s.unit_months) - 1));
		} else {
			tv_set_str(A, c, "renew_later", arena_printf(A, "掲載期間の更新は、掲載終了日の%dか月前から行えます。", s.unit_months));
		}
	}
	tv_set_int(A, c, "unit", s.unit_months);
	tv_set_str(A, c, "csrf", web_csrf(r));
	if (done != NULL) {
		if (strcmp(done, "company_pending") == 0)
			tv_set_str(A, c, "done", "企業情報の変更を受け付けました。県の担当者が確認してから公開されます。");
		else if (strcmp(done, "company_live") == 0)
			tv_set_str(A, c, "done", "企業情報を更新し、公開しました。");
		else if (strcmp(done, "renewed") == 0)
			tv_set_str(A, c, "done", "掲載期間を更新しました。");
	}
	/* notices, newest first; those since the previous login are new (a GET changes nothing, so nothing is
	 * marked as read here) */
	list = tv_list(A);
	st = db_prepare(db, "SELECT id, created_at, text FROM member_notices WHERE account_id = ? ORDER BY id DESC LIMIT ?");
	if (st != NULL) {
		db_bind_i64(st, 1, a->account.id);
		db_bind_i64(st, 2, NOTICES_SHOWN);
		while (db_step(st) == DB_ROW) {
			tv_t *n = tv_map(A);
			tv_set_int(A, n, "at", db_col_i64(st, 1));
			tv_set_str(A, n, "text", arena_strdup(A, db_col_text(st, 2)));
			tv_set_bool(A, n, "unread", db_col_i64(st, 1) > a->account.last_login_at);
			tv_push(A, list, n);
		}
		db_done(st);
	}
	tv_set(A, c, "notices", list);
	tv_set_bool(A, c, "has_notices", list->u.list.n > 0);
}

/* ---- the edit form ---- */

typedef struct form_state {
	company_values_t values;
	const char      *errors[SCHEMA_MAX_FIELDS];
	const char      *general;     /* a message for the whole form */
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

static const char *
field_hint(arena_t *A, const schema_field_t *f)
{
	int max = f->max ? f->max : f->type == F_TEXT ? ENTITY_DEFAULT_TEXT : f->type == F_LONGTEXT ? ENTITY_DEFAULT_LONG :
	    ENTITY_DEFAULT_MARKDOWN;

	switch (f->type) {
	case F_TEXT: case F_LONGTEXT: case F_MARKDOWN:
		return arena_printf(A, "%d文字以内", max);
	case F_NUMBER: return "半角数字で入力してください。";
	case F_YEN: return "半角数字で、円単位で入力してください（例：10000000）。";
	case F_DATE: return "「2026-04-01」の形で入力してください。";
	case F_URL: return "https:// または http:// で始まるURL";
	case F_VIDEO: return "YouTube または Vimeo の動画ページのURL。サムネイルは「企業紹介動画のサムネイル」で選べます。";
	case F_EMAIL: return "例：saiyo@example.jp";
	case F_PHONE: return "半角数字とハイフン（例：027-123-4567）";
	case F_LINKS: return "1行に1件、「名前|https://…」の形で入力してください（20件まで）。";
	case F_IMAGE: return "JPEG・PNG・WebP・GIF の画像、10MBまで（まとめて送れるのは合計12MBまで）。位置情報などの付加情報は削除され、表示用の大きさに縮小されます。";
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
		const char *v = fs->values.v[i] ? fs->values.v[i] : "", *hint, *id;
		tv_t *m;
		buf_t desc = BUF_INIT;
		if (f->internal)
			continue;
		m = tv_map(A);
		id = arena_printf(A, "f-%s", f->name);
		tv_set_str(A, m, "name", f->name);
		tv_set_str(A, m, "id", id);
		tv_set_str(A, m, "label", f->label);
		tv_set_bool(A, m, "required", f->required);
		if ((hint = field_hint(A, f)) != NULL) {
			tv_set_str(A, m, "hint", hint);
			buf_printf(&desc, "%s-hint", id);
		}
		/* set even when absent: a missing key would be looked up in the page's context (its "error") */
		if (fs->errors[i] != NULL) {
			tv_set_str(A, m, "error", fs->errors[i]);
			buf_printf(&desc, "%s%s-error", desc.len ? " " : "", id);
		} else {
			tv_set_bool(A, m, "error", false);
		}
		if (desc.len > 0 && !desc.oom)
			tv_set_str(A, m, "describedby", arena_strdup(A, desc.data));
		buf_free(&desc);
		switch (f->type) {
		case F_LONGTEXT: case F_MARKDOWN: case F_LINKS:
			tv_set_bool(A, m, "k_textarea", true);
			tv_set_str(A, m, "value", v);
			tv_set_int(A, m, "rows", f->type == F_LINKS ? 4 : 6);
			if (f->type != F_LINKS)
				tv_set_int(A, m, "maxlength", f->max ? f->max : f->type == F_LONGTEXT ? ENTITY_DEFAULT_LONG : ENTITY_DEFAULT_MARKDOWN);
			break;
		case F_TERMS: {
			tv_t *opts = tv_list(A);
			db_stmt_t *st = db_prepare(db, "SELECT code, name, retired_at IS NOT NULL FROM terms WHERE vocab = ? "
			    "ORDER BY sort, code");
			int k = 0;
			tv_set_bool(A, m, "k_checks", true);
			if (st != NULL) {
				db_bind_str(st, 1, f->vocab);
				while (db_step(st) == DB_ROW) {
					tv_t *o;
					bool checked = term_checked(v, db_col_text(st, 0), db_col_text(st, 1));
					bool retired = db_col_i64(st, 2) != 0;
					/* a retired term is offered only where it is already chosen, so it can stay or be unticked */
					if (retired && !checked)
						continue;
					o = tv_map(A);
					tv_set_str(A, o, "value", arena_strdup(A, db_col_text(st, 0)));
					tv_set_str(A, o, "label", retired ? arena_printf(A, "%s（廃止）", db_col_text(st, 1)) :
					    arena_strdup(A, db_col_text(st, 1)));
					tv_set_str(A, o, "oid", arena_printf(A, "%s-%d", id, ++k));
					tv_set_bool(A, o, "checked", checked);
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
			tv_set_int(A, m, "maxlength", f->type == F_TEXT ? (f->max ? f->max : ENTITY_DEFAULT_TEXT) :
			    f->type == F_URL || f->type == F_VIDEO ? 2000 : f->type == F_EMAIL ? 254 : 40);
			if (f->type == F_NUMBER || f->type == F_YEN)
				tv_set_str(A, m, "inputmode", "numeric");
			if (f->type == F_EMAIL)
				tv_set_str(A, m, "autocomplete", "email");
			else if (f->type == F_PHONE)
				tv_set_str(A, m, "autocomplete", "tel");
			else if (f->type == F_URL)
				tv_set_str(A, m, "autocomplete", "url");
			break;
		}
		}
		tv_push(A, list, m);
	}
	return list;
}

static void
edit_form(req_t *r, db_t *db, const schema_type_t *t, const form_state_t *fs, bool pending, int nerrors)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "企業情報の編集");
	company_settings_t s;

	tv_set_str(A, ctx, "csrf", web_csrf(r));
	tv_set(A, ctx, "fields", form_fields(r, db, t, fs));
	if (nerrors > 0) {
		/* the messages again at the top, each a link to its field */
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
		tv_set(A, ctx, "error_list", list);
		tv_set_bool(A, ctx, "has_error_list", list->u.list.n > 0);
	}
	tv_set_bool(A, ctx, "pending", pending);
	if (company_settings_load(db, &s))
		tv_set_bool(A, ctx, "approval", s.approval);
	if (fs->general != NULL)
		tv_set_str(A, ctx, "error", fs->general);
	else if (nerrors > 0)
		tv_set_str(A, ctx, "error", arena_printf(A, "入力内容に%d件の問題があります。各項目のメッセージを確認してください。", nerrors));
	r->no_store = true;
	web_render(r, "company_edit", ctx);
}

/* The company entity of the signed-in account, or 0 after answering. */
static int64_t
own_entity(req_t *r, db_t *db)
{
	int64_t id = company_entity_of(db, r->auth->account.id);

	if (id < 0)
		web_error(r, 500, NULL);
	else if (id == 0)
		web_error(r, 404, "この企業アカウントには、まだ企業情報が登録されていません。お手数ですが県の担当者にお問い合わせください。");
	return id > 0 ? id : 0;
}

void
page_company_edit(req_t *r)
{
	db_t *db = db_thread();
	const schema_type_t *t = company_type();
	form_state_t fs;
	company_state_t cs;
	int64_t id, eid;
	bool ok;

	if (db == NULL || t == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if ((id = own_entity(r, db)) == 0)
		return;
	memset(&fs, 0, sizeof(fs));
	if (!company_state_get(db, id, &cs)) {
		web_error(r, 500, NULL);
		return;
	}
	/* what was sent for approval is what the company goes on editing */
	ok = cs.pending_id ? company_revision_values(db, t, cs.pending_id, &eid, &fs.values) : company_entity_values(db, t, id, &fs.values);
	if (!ok) {
		web_error(r, 500, NULL);
		return;
	}
	edit_form(r, db, t, &fs, cs.pending_id != 0, 0);
	company_values_free(&fs.values);
}

/* A copy of a typed value with the browser's CR LF (and lone CR) line ends made LF, as stored. */
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

/* Every value of a repeated field (checkboxes), joined with '|'. */
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

/* A media id from the hidden field is kept only when the company may use it: it is the current or the
 * pending value, or this account uploaded it. */
static bool
media_allowed(db_t *db, const char *v, const char *cur, const char *pending, int64_t account)
{
	int64_t mid;
	db_stmt_t *st;
	bool ok;

	if ((cur != NULL && strcmp(v, cur) == 0) || (pending != NULL && strcmp(v, pending) == 0))
		return true;
	if (!media_ref_parse(v, strlen(v), &mid) || (st = db_prepare(db, "SELECT 1 FROM media WHERE id = ? AND created_by = ?")) == NULL)
		return false;
	db_bind_i64(st, 1, mid);
	db_bind_i64(st, 2, account);
	ok = db_step(st) == DB_ROW;
	db_done(st);
	return ok;
}

/* Puts each line of entity_validate's messages next to the field it names (「label」…). */
static int
spread_errors(req_t *r, const schema_type_t *t, const char *msgs, form_state_t *fs)
{
	const char *p = msgs;
	int n = 0, i;

	while (p != NULL && *p) {
		size_t len = strcspn(p, "\n");
		const char *line = arena_strndup(&r->arena, p, len);
		bool placed = false;
		for (i = 0; i < t->nfields && line != NULL; i++) {
			const char *key = arena_printf(&r->arena, "「%s」", t->fields[i].label);
			if (!t->fields[i].internal && key != NULL && strncmp(line, key, strlen(key)) == 0 && fs->errors[i] == NULL) {
				fs->errors[i] = line;
				placed = true;
				break;
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

void
page_company_edit_post(req_t *r)
{
	db_t *db = db_thread();
	const schema_type_t *t = company_type();
	struct auth_ctx *a = r->auth;
	company_values_t cur, pend;
	company_settings_t s;
	company_state_t cs;
	form_state_t fs;
	buf_t errors = BUF_INIT;
	int64_t id, eid, rev = 0, now = jtime_now();
	int i, nerr = 0;
	bool live = false, ok;

	if (db == NULL || t == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if ((id = own_entity(r, db)) == 0)
		return;
	memset(&fs, 0, sizeof(fs));
	memset(&pend, 0, sizeof(pend));
	if (!company_state_get(db, id, &cs) || !company_settings_load(db, &s) || !company_entity_values(db, t, id, &cur) ||
	    (cs.pending_id && !company_revision_values(db, t, cs.pending_id, &eid, &pend))) {
		web_error(r, 500, NULL);
		return;
	}
	for (i = 0; i < t->nfields; i++) {
		const schema_field_t *f = &t->fields[i];
		const char *v;
		if (f->internal) {
			/* never from the request: no mass assignment of staff-only fields */
			fs.values.v[i] = cur.v[i] ? strdup(cur.v[i]) : NULL;
			continue;
		}
		switch (f->type) {
		case F_TERMS:
			fs.values.v[i] = form_joined(r, f->name);
			break;
		case F_BOOLEAN:
			fs.values.v[i] = strdup(http_form(r, f->name) != NULL ? "true" : "false");
			break;
		case F_IMAGE: {
			const form_field_t *file = form_get_field(&r->form, arena_printf(&r->arena, "%s_file", f->name));
			const char *keep = http_form(r, f->name), *del = http_form(r, arena_printf(&r->arena, "%s_delete", f->name));
			if (keep != NULL && keep[0] != '\0' && !media_allowed(db, keep, cur.v[i], pend.v[i], a->account.id))
				keep = cur.v[i];
			fs.values.v[i] = keep != NULL && keep[0] != '\0' ? strdup(keep) : NULL;
			if (file != NULL && file->filename != NULL && file->value_len > 0) {
				char err[256];
				int64_t mid = 0;
				if (media_store(db, file->value, file->value_len, file->filename, a->account.id, now, &mid, err, sizeof(err))) {
					char num[32];
					snprintf(num, sizeof(num), "%" PRId64, mid);
					free(fs.values.v[i]);
					fs.values.v[i] = strdup(num);
				} else {
					fs.errors[i] = arena_printf(&r->arena, "「%s」%s", f->label, err);
					nerr++;
				}
			} else if (del != NULL) {
				free(fs.values.v[i]);
				fs.values.v[i] = NULL;
			}
			break;
		}
		default:
			v = http_form(r, f->name);
			fs.values.v[i] = v != NULL && v[0] != '\0' ? unix_lines(v) : NULL;
			break;
		}
	}
	company_values_free(&cur);
	company_values_free(&pend);
	if (nerr > 0) {
		/* an upload failed: nothing is stored; the other fields are checked too so every message shows */
		entity_draft_t d;
		entity_ready_t e;
		memset(&d, 0, sizeof(d));
		d.type = t;
		d.entity_id = id;
		for (i = 0; i < t->nfields; i++)
			d.values[i] = fs.values.v[i];
		if (entity_validate(db, &d, &e, &errors))
			entity_ready_free(&e);
		nerr += spread_errors(r, t, errors.data, &fs);
		r->status = 400;
		edit_form(r, db, t, &fs, cs.pending_id != 0, nerr);
		goto done;
	}
	if (!db_begin_write(db)) {
		web_error(r, 500, NULL);
		goto done;
	}
	ok = company_submit(db, t, id, a->account.id, &fs.values, &s, now, &live, &rev, &errors);
	if (!ok) {
		db_rollback(db);
		if (errors.len == 0) {
			web_error(r, 500, NULL);
			goto done;
		}
		nerr = spread_errors(r, t, errors.data, &fs);
		r->status = 400;
		edit_form(r, db, t, &fs, cs.pending_id != 0, nerr);
		goto done;
	}
	if (!audit_action(r, db, live ? "company.edit.live" : "company.edit.submit", id,
	    arena_printf(&r->arena, "revision:%" PRId64, rev)) || !db_commit(db)) {
		db_rollback(db);
		web_error(r, 500, NULL);
		goto done;
	}
	(void)audit_sync_head(db);
	http_redirect(r, live ? "/mypage?done=company_live" : "/mypage?done=company_pending");
done:
	buf_free(&errors);
	company_values_free(&fs.values);
}

void
page_company_renew_post(req_t *r)
{
	db_t *db = db_thread();
	company_settings_t s;
	int64_t id, end = 0, now = jtime_now();
	char err[256];
	tv_t *ctx;

	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if ((id = own_entity(r, db)) == 0)
		return;
	if (!company_settings_load(db, &s) || !db_begin_write(db)) {
		web_error(r, 500, NULL);
		return;
	}
	if (!company_renew(db, id, &s, now, &end, err, sizeof(err))) {
		db_rollback(db);
		ctx = web_ctx(r, "マイページ");
		company_mypage_section(r, ctx);
		tv_set_str(&r->arena, ctx, "company_error", arena_strdup(&r->arena, err));
		r->status = 409;
		r->no_store = true;
		web_render(r, "mypage", ctx);
		return;
	}
	{
		buf_t b = BUF_INIT;
		bool ok;
		jtime_format(&b, end - 1, "ymd");
		ok = audit_action(r, db, "company.renew", id, b.oom || b.data == NULL ? "" : arena_printf(&r->arena, "until %s", b.data));
		buf_free(&b);
		if (!ok || !db_commit(db)) {
			db_rollback(db);
			web_error(r, 500, NULL);
			return;
		}
	}
	(void)audit_sync_head(db);
	http_redirect(r, "/mypage?done=renewed");
}

/* ---- staff: approvals ---- */

/* Who may decide (issue 6 brings the full department rule, G62): prefecture staff and company support. */
static bool
may_decide(db_t *db, const account_t *acc, int64_t entity_id)
{
	/* the department rule (auth/policy.h) on the company record; a company not yet registered to a
	 * department (a new registration) is company support's business */
	db_stmt_t *st = db_prepare(db, "SELECT COALESCE((SELECT department_id FROM entities WHERE id = ?), "
	    "(SELECT id FROM departments WHERE kind = 'company' ORDER BY id LIMIT 1), 0)");
	int64_t dept = 0;

	if (st != NULL) {
		db_bind_i64(st, 1, entity_id);
		if (db_step(st) == DB_ROW)
			dept = db_col_i64(st, 0);
		db_done(st);
	}
	return policy_can(acc, POLICY_STATUS, POLICY_COMPANY, dept);
}

/* A raw value for the diff: term codes as their names, long text cut. */
static const char *
diff_text(req_t *r, db_t *db, const schema_field_t *f, const char *v)
{
	arena_t *A = &r->arena;
	size_t n, i;

	if (v == NULL || v[0] == '\0')
		return "（なし）";
	if (f->type == F_TERMS) {
		/* names in the vocabulary's order, whether the value named terms by code or by name */
		buf_t b = BUF_INIT;
		const char *out;
		db_stmt_t *st = db_prepare(db, "SELECT code, name FROM terms WHERE vocab = ? ORDER BY sort, code");
		if (st != NULL) {
			db_bind_str(st, 1, f->vocab);
			while (db_step(st) == DB_ROW) {
				if (!term_checked(v, db_col_text(st, 0), db_col_text(st, 1)))
					continue;
				if (b.len)
					buf_puts(&b, "、");
				buf_puts(&b, db_col_text(st, 1));
			}
			db_done(st);
		}
		out = b.oom || b.data == NULL ? "（なし）" : arena_strdup(A, b.data);
		buf_free(&b);
		return out;
	}
	n = strlen(v);
	i = str_utf8_prefix(v, n, DIFF_TEXT_MAX);
	return i < n ? arena_printf(A, "%.*s…", (int)i, v) : v;
}

static void
approvals_page(req_t *r, int64_t err_rev, const char *error, const char *reason)
{
	arena_t *A = &r->arena;
	db_t *db = db_thread();
	const schema_type_t *t = company_type();
	tv_t *ctx = web_ctx(r, "企業情報の承認"), *list = tv_list(A);
	db_stmt_t *st;
	int64_t ids[APPROVALS_SHOWN];
	int n = 0, k, i;
	const char *done = http_query(r, "done");

	if (db == NULL || t == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	st = db_prepare(db, "SELECT id FROM company_revisions WHERE status = 'pending' ORDER BY id LIMIT ?");
	if (st == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	db_bind_i64(st, 1, APPROVALS_SHOWN);
	while (n < APPROVALS_SHOWN && db_step(st) == DB_ROW)
		ids[n++] = db_col_i64(st, 0);
	db_done(st);
	for (k = 0; k < n; k++) {
		company_values_t cur, next;
		company_state_t cs;
		int64_t eid = 0;
		tv_t *m = tv_map(A), *diffs = tv_list(A);
		if (!company_revision_values(db, t, ids[k], &eid, &next) || !company_state_get(db, eid, &cs) ||
		    !company_entity_values(db, t, eid, &cur)) {
			company_values_free(&next);
			continue;
		}
		st = db_prepare(db, "SELECT r.created_at, COALESCE(a.login, '') FROM company_revisions r "
		    "LEFT JOIN accounts a ON a.id = r.account_id WHERE r.id = ?");
		if (st != NULL) {
			db_bind_i64(st, 1, ids[k]);
			if (db_step(st) == DB_ROW) {
				tv_set_int(A, m, "at", db_col_i64(st, 0));
				tv_set_str(A, m, "login", arena_strdup(A, db_col_text(st, 1)));
			}
			db_done(st);
		}
		tv_set_int(A, m, "id", ids[k]);
		tv_set_str(A, m, "title", arena_strdup(A, cs.title));
		tv_set_str(A, m, "new_title", next.v[t->title_field] ? arena_strdup(A, next.v[t->title_field]) : "");
		tv_set_bool(A, m, "first", strcmp(cs.status, "draft") == 0 || strcmp(cs.status, "pending") == 0);
		tv_set_str(A, m, "csrf", web_csrf(r));
		for (i = 0; i < t->nfields; i++) {
			const schema_field_t *f = &t->fields[i];
			const char *o = cur.v[i] ? cur.v[i] : "", *nv = next.v[i] ? next.v[i] : "";
			tv_t *d;
			if (f->internal || strcmp(o, nv) == 0)
				continue;
			/* the same terms named by code in one and by name in the other are no change */
			if (f->type == F_TERMS && strcmp(diff_text(r, db, f, o), diff_text(r, db, f, nv)) == 0)
				continue;
			d = tv_map(A);
			tv_set_str(A, d, "label", f->label);
			if (f->type == F_IMAGE) {
				tv_t *po = o[0] ? web_picture(r, db, o, arena_printf(A, "変更前の%s", f->label), PHOTO_SIZES) : NULL;
				tv_t *pn = nv[0] ? web_picture(r, db, nv, arena_printf(A, "変更後の%s", f->label), PHOTO_SIZES) : NULL;
				tv_set_bool(A, d, "image", true);
				if (po) tv_set(A, d, "old_picture", po);
				if (pn) tv_set(A, d, "new_picture", pn);
			}
			tv_set_str(A, d, "old", diff_text(r, db, f, cur.v[i]));
			tv_set_str(A, d, "new", diff_text(r, db, f, next.v[i]));
			tv_push(A, diffs, d);
		}
		company_values_free(&cur);
		company_values_free(&next);
		tv_set(A, m, "diffs", diffs);
		tv_set_bool(A, m, "no_diff", diffs->u.list.n == 0);
		if (ids[k] == err_rev) {
			tv_set_str(A, m, "error", error);
			tv_set_str(A, m, "reason", reason);
		} else {
			tv_set_bool(A, m, "error", false);  /* not the page's */
		}
		tv_push(A, list, m);
	}
	if (list->u.list.n > 0)
		tv_set(A, ctx, "revisions", list);
	tv_set_bool(A, ctx, "may_decide", may_decide(db, &r->auth->account, 0));
	if (done != NULL && strcmp(done, "approved") == 0)
		tv_set_str(A, ctx, "done", "承認しました。企業に通知しました。");
	else if (done != NULL && strcmp(done, "rejected") == 0)
		tv_set_str(A, ctx, "done", "差し戻しました。理由を企業にメールで通知しました。");
	if (err_rev < 0 && error != NULL)
		tv_set_str(A, ctx, "error", error);
	r->no_store = true;
	web_render(r, "staff_approvals", ctx);
}

void
page_staff_approvals(req_t *r)
{
	approvals_page(r, 0, NULL, NULL);
}

void
page_staff_approval_post(req_t *r)
{
	db_t *db = db_thread();
	const schema_type_t *t = company_type();
	const char *action = http_form(r, "decision"), *reason = http_form(r, "reason");
	company_settings_t s;
	int64_t rev, eid = 0, now = jtime_now();
	char err[1024];
	bool approve, ok;
	db_stmt_t *st;

	if (db == NULL || t == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (!str_to_i64(http_param(r, 0), 1, INT64_MAX, &rev) || action == NULL ||
	    (strcmp(action, "approve") != 0 && strcmp(action, "reject") != 0)) {
		web_error(r, 400, NULL);
		return;
	}
	approve = strcmp(action, "approve") == 0;
	st = db_prepare(db, "SELECT entity_id FROM company_revisions WHERE id = ?");
	if (st != NULL) {
		db_bind_i64(st, 1, rev);
		if (db_step(st) == DB_ROW)
			eid = db_col_i64(st, 0);
		db_done(st);
	}
	if (eid == 0) {
		web_error(r, 404, NULL);
		return;
	}
	if (!may_decide(db, &r->auth->account, eid)) {
		web_error(r, 403, "この企業情報を承認・差し戻しできるのは、県または担当部署（企業支援部門）の編集・管理権限の職員です。");
		return;
	}
	if (!company_settings_load(db, &s) || !db_begin_write(db)) {
		web_error(r, 500, NULL);
		return;
	}
	err[0] = '\0';
	ok = approve ? company_approve(db, t, rev, r->auth->account.id, &s, now, err, sizeof(err)) :
	    company_reject(db, rev, r->auth->account.id, reason, now, err, sizeof(err));
	if (!ok) {
		db_rollback(db);
		r->status = 400;
		approvals_page(r, rev, err[0] ? arena_strdup(&r->arena, err) : "処理できませんでした。", reason);
		return;
	}
	if (!audit_action(r, db, approve ? "company.approve" : "company.reject", eid,
	    arena_printf(&r->arena, "revision:%" PRId64, rev)) || !db_commit(db)) {
		db_rollback(db);
		web_error(r, 500, NULL);
		return;
	}
	(void)audit_sync_head(db);
	mail_wake();
	http_redirect(r, approve ? "/staff/approvals?done=approved" : "/staff/approvals?done=rejected");
}
