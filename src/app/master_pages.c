/* master_pages.c - the screens of マスタ管理 (/staff/masters; issue 6 item 3, G52, G53): every vocabulary of
 * the site with its terms. Every GET and POST asks web_can(POLICY_MASTER) (staff view, administrators
 * write); every write goes through master.h, which asks policy_can again and audits in its transaction. */
#include "app/master.h"
#include "app/web.h"
#include "auth/policy.h"
#include "core/jtime.h"
#include "core/str.h"
#include "db/db.h"
#include "http/form.h"
#include "media/media.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define FORM_TEXT_MAX 1024 /* bytes of a typed value kept for showing a form again */
#define LOGO_SIZES    "8rem"

static const char *
kept(req_t *r, const char *name)
{
	const char *v = http_form(r, name);

	return v != NULL && strlen(v) <= FORM_TEXT_MAX ? v : "";
}

static db_t *
db_or_500(req_t *r)
{
	db_t *db = db_thread();

	if (db == NULL)
		web_error(r, 500, NULL);
	return db;
}

static bool
can_write(req_t *r)
{
	return policy_can(&r->auth->account, POLICY_UPDATE, POLICY_MASTER, 0);
}

/* The vocabulary named by the URL, or a 404 page. */
static bool
vocab_or_404(req_t *r, db_t *db, master_vocab_t *v)
{
	if (master_vocab_get(db, http_param(r, 0), v))
		return true;
	web_error(r, 404, NULL);
	return false;
}

/* ---- /staff/masters ---- */

void
page_staff_masters(req_t *r)
{
	arena_t *A = &r->arena;
	tv_t *ctx, *list;
	db_stmt_t *st;
	db_t *db;

	if (!web_can(r, POLICY_VIEW, POLICY_MASTER, 0) || (db = db_or_500(r)) == NULL)
		return;
	st = db_prepare(db, "SELECT v.code, v.name, COALESCE(p.name, ''), "
	    "(SELECT COUNT(*) FROM terms t WHERE t.vocab = v.code), "
	    "(SELECT COUNT(*) FROM terms t WHERE t.vocab = v.code AND t.retired_at IS NOT NULL) "
	    "FROM vocabularies v LEFT JOIN vocabularies p ON p.code = v.parent_vocab ORDER BY v.rowid");
	if (st == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	ctx = web_ctx(r, "マスタ管理");
	list = tv_list(A);
	while (db_step(st) == DB_ROW) {
		tv_t *m = tv_map(A);
		tv_set_str(A, m, "code", arena_strdup(A, db_col_text(st, 0)));
		tv_set_str(A, m, "name", arena_strdup(A, db_col_text(st, 1)));
		tv_set_str(A, m, "parent", db_col_len(st, 2) ? arena_strdup(A, db_col_text(st, 2)) : NULL);
		tv_set_int(A, m, "terms", db_col_i64(st, 3));
		tv_set_int(A, m, "retired", db_col_i64(st, 4));
		tv_push(A, list, m);
	}
	db_done(st);
	tv_set(A, ctx, "vocabularies", list);
	tv_set_bool(A, ctx, "can_edit", can_write(r));
	web_render(r, "staff/masters", ctx);
}

/* ---- /staff/masters/:vocab ---- */

/* The parent choices (active terms of the parent vocabulary, and keep even when retired), selected one
 * marked; NULL for a flat vocabulary. */
static tv_t *
parent_choices(req_t *r, db_t *db, const master_vocab_t *v, const char *selected, int64_t keep)
{
	arena_t *A = &r->arena;
	tv_t *list;
	db_stmt_t *st;

	if (v->parent_vocab[0] == '\0')
		return NULL;
	st = db_prepare(db, "SELECT id, code, name, retired_at IS NOT NULL FROM terms WHERE vocab = ? "
	    "AND (retired_at IS NULL OR id = ?) ORDER BY sort, code");
	if (st == NULL)
		return NULL;
	list = tv_list(A);
	db_bind_str(st, 1, v->parent_vocab);
	db_bind_i64(st, 2, keep);
	while (db_step(st) == DB_ROW) {
		tv_t *m = tv_map(A);
		tv_set_str(A, m, "code", arena_strdup(A, db_col_text(st, 1)));
		tv_set_str(A, m, "name", db_col_i64(st, 3) ? arena_printf(A, "%s（廃止）", db_col_text(st, 2)) :
		    arena_strdup(A, db_col_text(st, 2)));
		tv_set_bool(A, m, "selected", selected != NULL && strcmp(selected, db_col_text(st, 1)) == 0);
		tv_push(A, list, m);
	}
	db_done(st);
	return list;
}

static const char *
done_message(const char *done)
{
	static const struct { const char *code, *msg; } msgs[] = {
		{ "added", "項目を追加しました。公開ページの絞り込みにもすぐに反映されます。" },
		{ "updated", "項目を変更しました。公開ページにもすぐに反映されます。" },
		{ "moved", "並び順を変更しました。" },
		{ "retired", "項目を廃止しました。新しい登録では選べなくなり、公開ページの絞り込みからも外れました（使っている登録には残ります）。" },
		{ "restored", "項目の使用を再開しました。" },
		{ "deleted", "項目を削除しました。" },
		{ "logo", "ロゴを保存しました。企業のページでは名称の代わりにロゴが表示されます。" },
		{ "logo_removed", "ロゴを外しました。" },
	};
	size_t i;

	for (i = 0; done != NULL && i < sizeof(msgs) / sizeof(msgs[0]); i++)
		if (strcmp(done, msgs[i].code) == 0)
			return msgs[i].msg;
	return NULL;
}

/* The list of terms with the add form; field/msg: a refused add (the form keeps what was typed) or, with
 * field NULL, a refused action on a row. */
static void
master_page(req_t *r, db_t *db, const master_vocab_t *v, const char *field, const char *msg)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, arena_printf(A, "%sマスタ", v->name)), *list = tv_list(A), *form = tv_map(A);
	tv_t *err = tv_map(A), *parents;
	bool edit = can_write(r), adding = field != NULL;
	db_stmt_t *st;
	int64_t n = 0, total = v->terms;

	st = db_prepare(db, "SELECT t.id, t.code, t.name, COALESCE(p.name, ''), t.retired_at IS NOT NULL, "
	    "((SELECT COUNT(*) FROM entity_terms et WHERE et.term_id = t.id) + "
	    "(SELECT COUNT(*) FROM terms c WHERE c.parent_id = t.id) + "
	    "CASE WHEN t.vocab = 'target' THEN (SELECT COUNT(*) FROM seekers s WHERE s.target = t.code) ELSE 0 END) "
	    "FROM terms t LEFT JOIN terms p ON p.id = t.parent_id WHERE t.vocab = ? ORDER BY t.sort, t.code LIMIT ?");
	if (st == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	db_bind_str(st, 1, v->code);
	db_bind_i64(st, 2, MASTER_TERMS_MAX);
	while (db_step(st) == DB_ROW) {
		tv_t *m = tv_map(A);
		int64_t uses = db_col_i64(st, 5);
		n++;
		tv_set_int(A, m, "id", db_col_i64(st, 0));
		tv_set_str(A, m, "code", arena_strdup(A, db_col_text(st, 1)));
		tv_set_str(A, m, "name", arena_strdup(A, db_col_text(st, 2)));
		tv_set_str(A, m, "parent", db_col_len(st, 3) ? arena_strdup(A, db_col_text(st, 3)) : NULL);
		tv_set_bool(A, m, "retired", db_col_i64(st, 4) != 0);
		tv_set_int(A, m, "uses", uses);
		tv_set_bool(A, m, "in_use", uses > 0);
		tv_set_bool(A, m, "first", n == 1);
		tv_set_bool(A, m, "last", n == total);
		tv_push(A, list, m);
	}
	db_done(st);
	{
		tv_t *vm = tv_map(A);
		tv_set_str(A, vm, "code", v->code);
		tv_set_str(A, vm, "name", v->name);
		tv_set_str(A, vm, "parent_name", v->parent_vocab[0] ? v->parent_name : NULL);
		tv_set_int(A, vm, "terms", v->terms);
		tv_set_int(A, vm, "active", v->active);
		tv_set_bool(A, vm, "facet", v->facet);
		tv_set(A, ctx, "vocab", vm);
	}
	tv_set(A, ctx, "terms", list);
	tv_set_bool(A, ctx, "can_edit", edit);
	tv_set_str(A, form, "code", adding ? kept(r, "code") : "");
	tv_set_str(A, form, "name", adding ? kept(r, "name") : "");
	parents = parent_choices(r, db, v, adding ? http_form(r, "parent") : NULL, 0);
	if (parents != NULL)
		tv_set(A, form, "parents", parents);
	tv_set_bool(A, form, "has_parents", parents != NULL);
	tv_set(A, ctx, "form", form);
	if (adding && msg != NULL)
		tv_set_str(A, err, field, msg);
	tv_set(A, ctx, "err", err);
	if (msg != NULL) {
		tv_set_str(A, ctx, "error", adding ? "入力内容を確認してください。" : msg);
		r->status = 422;
	}
	tv_set_str(A, ctx, "done", done_message(http_query(r, "done")));
	web_render(r, "staff/master", ctx);
}

void
page_staff_master(req_t *r)
{
	master_vocab_t v;
	db_t *db;

	if (!web_can(r, POLICY_VIEW, POLICY_MASTER, 0) || (db = db_or_500(r)) == NULL || !vocab_or_404(r, db, &v))
		return;
	master_page(r, db, &v, NULL, NULL);
}

/* Answers a write: to the list (done) on success, the page with the message when refused. */
static void
answer(req_t *r, db_t *db, const master_vocab_t *v, master_result_t rc, const char *err, const char *done,
    int64_t id)
{
	switch (rc) {
	case MASTER_OK:
		http_redirect(r, arena_printf(&r->arena, "/staff/masters/%s?done=%s#t-%" PRId64, v->code, done, id));
		return;
	case MASTER_DENIED:
		web_error(r, 403, err);
		return;
	case MASTER_NOT_FOUND:
		web_error(r, 404, NULL);
		return;
	case MASTER_INVALID:
	case MASTER_IN_USE:
		master_page(r, db, v, NULL, arena_strdup(&r->arena, err));
		return;
	case MASTER_ERROR:
		break;
	}
	web_error(r, 500, NULL);
}

void
page_staff_master_add_post(req_t *r)
{
	master_vocab_t v;
	master_result_t rc;
	const char *field = NULL;
	char err[512] = "";
	int64_t id = 0;
	db_t *db;

	if (!web_can(r, POLICY_CREATE, POLICY_MASTER, 0) || (db = db_or_500(r)) == NULL || !vocab_or_404(r, db, &v))
		return;
	rc = master_term_add(db, &r->auth->account, v.code, http_form(r, "code"), http_form(r, "name"),
	    http_form(r, "parent"), r->ip, jtime_now(), &id, &field, err, sizeof(err));
	if (rc == MASTER_INVALID) {
		master_page(r, db, &v, field != NULL ? field : "name", arena_strdup(&r->arena, err));
		return;
	}
	answer(r, db, &v, rc, err, "added", id);
}

/* The term named by the URL (second parameter), or a 404 page. */
static bool
term_or_404(req_t *r, db_t *db, const master_vocab_t *v, master_term_t *t)
{
	int64_t id;

	if (str_to_i64(http_param(r, 1), 1, INT64_MAX, &id) && master_term_get(db, v->code, id, t))
		return true;
	web_error(r, 404, NULL);
	return false;
}

/* ---- /staff/masters/:vocab/:id (the edit form) ---- */

static void
term_page(req_t *r, db_t *db, const master_vocab_t *v, const master_term_t *t, const char *field, const char *msg,
    const char *logo_msg)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, arena_printf(A, "「%s」の編集", t->name)), *form = tv_map(A), *err = tv_map(A), *vm = tv_map(A);
	tv_t *parents;
	int64_t uses = master_term_uses(db, t->id);

	tv_set_str(A, vm, "code", v->code);
	tv_set_str(A, vm, "name", v->name);
	tv_set_str(A, vm, "parent_name", v->parent_vocab[0] ? v->parent_name : NULL);
	tv_set(A, ctx, "vocab", vm);
	tv_set_int(A, form, "id", t->id);
	tv_set_str(A, form, "code", t->code);
	tv_set_str(A, form, "old_name", t->name);
	tv_set_str(A, form, "name", msg != NULL ? kept(r, "name") : t->name);
	tv_set_bool(A, form, "retired", t->retired_at != 0);
	tv_set_int(A, form, "uses", uses < 0 ? 0 : uses);
	parents = parent_choices(r, db, v, msg != NULL ? http_form(r, "parent") : t->parent_code, t->parent_id);
	if (parents != NULL)
		tv_set(A, form, "parents", parents);
	tv_set_bool(A, form, "has_parents", parents != NULL);
	tv_set(A, ctx, "form", form);
	if (msg != NULL || logo_msg != NULL) {
		if (msg != NULL)
			tv_set_str(A, err, field != NULL ? field : "name", msg);
		tv_set_str(A, ctx, "error", "入力内容を確認してください。");
		r->status = 422;
	}
	tv_set(A, ctx, "err", err);
	tv_set_bool(A, ctx, "can_edit", can_write(r));
	if (strcmp(v->code, MASTER_LOGO_VOCAB) == 0) {
		/* 認証制度: a logo shown on company pages instead of the name */
		tv_t *logo = tv_map(A), *pic = NULL;
		if (t->logo_media_id > 0)
			pic = web_picture(r, db, arena_printf(A, "%" PRId64, t->logo_media_id), t->name, LOGO_SIZES);
		/* both keys set on the map, so a lookup never falls through to the page's own "error" */
		if (pic != NULL)
			tv_set(A, logo, "picture", pic);
		else
			tv_set_bool(A, logo, "picture", false);
		if (logo_msg != NULL)
			tv_set_str(A, logo, "error", logo_msg);
		else
			tv_set_bool(A, logo, "error", false);
		tv_set(A, ctx, "logo", logo);
	}
	web_render(r, "staff/master_term", ctx);
}

void
page_staff_master_term(req_t *r)
{
	master_vocab_t v;
	master_term_t t;
	db_t *db;

	if (!web_can(r, POLICY_VIEW, POLICY_MASTER, 0) || (db = db_or_500(r)) == NULL || !vocab_or_404(r, db, &v) ||
	    !term_or_404(r, db, &v, &t))
		return;
	term_page(r, db, &v, &t, NULL, NULL, NULL);
}

void
page_staff_master_term_post(req_t *r)
{
	master_vocab_t v;
	master_term_t t;
	master_result_t rc;
	const char *field = NULL;
	char err[512] = "";
	db_t *db;

	if (!web_can(r, POLICY_UPDATE, POLICY_MASTER, 0) || (db = db_or_500(r)) == NULL || !vocab_or_404(r, db, &v) ||
	    !term_or_404(r, db, &v, &t))
		return;
	rc = master_term_update(db, &r->auth->account, v.code, t.id, http_form(r, "name"), http_form(r, "parent"),
	    r->ip, jtime_now(), &field, err, sizeof(err));
	if (rc == MASTER_INVALID) {
		term_page(r, db, &v, &t, field, arena_strdup(&r->arena, err), NULL);
		return;
	}
	answer(r, db, &v, rc, err, "updated", t.id);
}

/* ---- row actions: move, retire, restore, delete ---- */

enum act { ACT_MOVE, ACT_RETIRE, ACT_RESTORE, ACT_DELETE };

static void
row_action(req_t *r, enum act what)
{
	static const policy_action_t need[] = { POLICY_UPDATE, POLICY_STATUS, POLICY_STATUS, POLICY_DELETE };
	master_vocab_t v;
	master_term_t t;
	master_result_t rc = MASTER_ERROR;
	char err[512] = "";
	const char *done = "moved", *dir;
	account_t *me;
	db_t *db;

	if (!web_can(r, need[what], POLICY_MASTER, 0) || (db = db_or_500(r)) == NULL || !vocab_or_404(r, db, &v) ||
	    !term_or_404(r, db, &v, &t))
		return;
	me = &r->auth->account;
	switch (what) {
	case ACT_MOVE:
		dir = http_form(r, "dir");
		if (dir == NULL || (strcmp(dir, "up") != 0 && strcmp(dir, "down") != 0)) {
			web_error(r, 400, NULL);
			return;
		}
		rc = master_term_move(db, me, v.code, t.id, strcmp(dir, "up") == 0, r->ip, jtime_now(), err, sizeof(err));
		break;
	case ACT_RETIRE:
	case ACT_RESTORE:
		rc = master_term_retire(db, me, v.code, t.id, what == ACT_RETIRE, r->ip, jtime_now(), err, sizeof(err));
		done = what == ACT_RETIRE ? "retired" : "restored";
		break;
	case ACT_DELETE:
		rc = master_term_delete(db, me, v.code, t.id, r->ip, jtime_now(), err, sizeof(err));
		done = "deleted";
		break;
	}
	answer(r, db, &v, rc, err, done, t.id);
}

void page_staff_master_move_post(req_t *r) { row_action(r, ACT_MOVE); }
void page_staff_master_retire_post(req_t *r) { row_action(r, ACT_RETIRE); }
void page_staff_master_restore_post(req_t *r) { row_action(r, ACT_RESTORE); }
void page_staff_master_delete_post(req_t *r) { row_action(r, ACT_DELETE); }

/* ---- /staff/masters/certification/:id/logo (multipart): a 認証制度 term's logo ---- */

void
page_staff_master_logo_post(req_t *r)
{
	master_vocab_t v;
	master_term_t t;
	master_result_t rc;
	const form_field_t *file;
	char err[512] = "";
	int64_t mid = 0;
	db_t *db;

	if (!web_can(r, POLICY_UPDATE, POLICY_MASTER, 0) || (db = db_or_500(r)) == NULL || !vocab_or_404(r, db, &v) ||
	    !term_or_404(r, db, &v, &t))
		return;
	if (strcmp(v.code, MASTER_LOGO_VOCAB) != 0) {
		web_error(r, 404, NULL);
		return;
	}
	file = form_get_field(&r->form, "logo");
	if (http_form(r, "logo_delete") == NULL) {
		if (file == NULL || file->filename == NULL || file->value_len == 0) {
			term_page(r, db, &v, &t, NULL, NULL, "ロゴの画像ファイルを選んでください。");
			return;
		}
		/* the image is stored first (its own transaction); the link to it and its audit entry together */
		if (!media_store(db, file->value, file->value_len, file->filename, r->auth->account.id, jtime_now(), &mid, err,
		    sizeof(err))) {
			term_page(r, db, &v, &t, NULL, NULL, arena_strdup(&r->arena, err));
			return;
		}
	}
	rc = master_term_set_logo(db, &r->auth->account, v.code, t.id, mid, r->ip, jtime_now(), err, sizeof(err));
	if (rc == MASTER_INVALID) {
		term_page(r, db, &v, &t, NULL, NULL, arena_strdup(&r->arena, err));
		return;
	}
	answer(r, db, &v, rc, err, mid > 0 ? "logo" : "logo_removed", t.id);
}
