/* staff.c - the back office's landing page, the staff master (担当者マスタ, G50) and the department master
 * (担当部署マスタ, G51). Every screen asks web_can (the department rule, auth/policy.h) and every write goes
 * through auth/staff.h, which asks again. */
#include "app/web.h"
#include "auth/policy.h"
#include "auth/staff.h"
#include "auth/totp.h"
#include "core/jtime.h"
#include "core/str.h"
#include "db/db.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define FORM_TEXT_MAX 1024 /* bytes of any one typed value kept for showing a form again */

static const char *const ROLES[] = { "view", "edit", "admin" };

/* A typed value to show again, or "" when absent or too long to be anything valid. */
static const char *
kept(req_t *r, const char *name)
{
	const char *v = http_form(r, name);

	return v != NULL && strlen(v) <= FORM_TEXT_MAX ? v : "";
}

static account_t *
me(req_t *r)
{
	return &r->auth->account;
}

static db_t *
db_or_500(req_t *r)
{
	db_t *db = db_thread();

	if (db == NULL)
		web_error(r, 500, NULL);
	return db;
}

/* ---- landing page ---- */

void
page_staff_home(req_t *r)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "業務管理メニュー");
	account_t *a = me(r);

	r->no_store = true;
	tv_set_bool(A, ctx, "can_staff", policy_can(a, POLICY_VIEW, POLICY_STAFF, a->department_id));
	tv_set_bool(A, ctx, "can_settings", policy_can(a, POLICY_VIEW, POLICY_SETTINGS, 0));  /* IP rules (G54) */
	tv_set_bool(A, ctx, "can_members", policy_can(a, POLICY_VIEW, POLICY_SEEKER, 0));
	tv_set_bool(A, ctx, "can_audit", policy_can(a, POLICY_VIEW, POLICY_SETTINGS, 0));
	tv_set_bool(A, ctx, "can_bulkmail", policy_can(a, POLICY_BULK_MAIL, POLICY_SEEKER, a->department_id) ||
	    policy_can(a, POLICY_BULK_MAIL, POLICY_COMPANY, a->department_id));
	tv_set_str(A, ctx, "role_label", account_role_label(a->role));
	security_alerts_section(r, ctx); /* SEC13: open alerts, administrators only */
	web_render(r, "staff/index", ctx);
}

/* ---- staff master ---- */

void
page_staff_accounts(req_t *r)
{
	arena_t *A = &r->arena;
	db_t *db;
	db_stmt_t *st;
	tv_t *ctx, *list;
	const char *done = http_query(r, "done");

	if (!web_can(r, POLICY_VIEW, POLICY_STAFF, me(r)->department_id) || (db = db_or_500(r)) == NULL)
		return;
	ctx = web_ctx(r, "担当者マスタ");
	list = tv_list(A);
	st = db_prepare(db, "SELECT a.id, a.login, a.display_name, d.name, COALESCE(a.role, ''), a.status, "
	    "COALESCE(a.last_login_at, 0), a.department_id FROM accounts a JOIN departments d ON d.id = a.department_id "
	    "WHERE a.kind = 'staff' ORDER BY a.status = 'deleted', d.id, a.login_key LIMIT 2000");
	if (st == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	while (db_step(st) == DB_ROW) {
		tv_t *m = tv_map(A);
		tv_set_int(A, m, "id", db_col_i64(st, 0));
		tv_set_str(A, m, "login", db_col_text(st, 1));
		tv_set_str(A, m, "name", db_col_text(st, 2));
		tv_set_str(A, m, "department", db_col_text(st, 3));
		tv_set_str(A, m, "role", account_role_label(db_col_text(st, 4)));
		tv_set_str(A, m, "status", account_status_label(db_col_text(st, 5)));
		tv_set_bool(A, m, "inactive", strcmp(db_col_text(st, 5), "active") != 0);
		tv_set_int(A, m, "last_login_at", db_col_i64(st, 6));
		tv_set_bool(A, m, "editable", policy_can(me(r), POLICY_UPDATE, POLICY_STAFF, db_col_i64(st, 7)));
		tv_push(A, list, m);
	}
	db_done(st);
	tv_set(A, ctx, "staff", list);
	tv_set_bool(A, ctx, "can_create", policy_can(me(r), POLICY_CREATE, POLICY_STAFF, me(r)->department_id));
	if (done != NULL)
		tv_set_str(A, ctx, "done", strcmp(done, "created") == 0 ? "担当者を登録しました。" : NULL);
	web_render(r, "staff/accounts", ctx);
}

/* The department and role choices, with the chosen ones selected. Only departments the actor may put
 * staff into are offered. */
static bool
add_choices(req_t *r, db_t *db, tv_t *ctx, const char *dept_code, const char *role)
{
	arena_t *A = &r->arena;
	tv_t *depts = tv_list(A), *roles = tv_list(A);
	db_stmt_t *st = db_prepare(db, "SELECT id, code, name, kind FROM departments WHERE retired_at IS NULL ORDER BY id");
	size_t i;

	if (st == NULL)
		return false;
	while (db_step(st) == DB_ROW) {
		tv_t *m;
		if (!policy_can(me(r), POLICY_CREATE, POLICY_STAFF, db_col_i64(st, 0)))
			continue;
		m = tv_map(A);
		tv_set_str(A, m, "code", db_col_text(st, 1));
		tv_set_str(A, m, "name", db_col_text(st, 2));
		tv_set_str(A, m, "kind", department_kind_label(db_col_text(st, 3)));
		tv_set_bool(A, m, "selected", dept_code != NULL && strcmp(dept_code, db_col_text(st, 1)) == 0);
		tv_push(A, depts, m);
	}
	db_done(st);
	for (i = 0; i < sizeof(ROLES) / sizeof(ROLES[0]); i++) {
		tv_t *m = tv_map(A);
		tv_set_str(A, m, "value", ROLES[i]);
		tv_set_str(A, m, "label", account_role_label(ROLES[i]));
		tv_set_bool(A, m, "selected", role != NULL && strcmp(role, ROLES[i]) == 0);
		tv_push(A, roles, m);
	}
	tv_set(A, ctx, "departments", depts);
	tv_set(A, ctx, "roles", roles);
	return true;
}

static tv_t *
field_error(req_t *r, const char *field, const char *msg)
{
	tv_t *m = tv_map(&r->arena);

	if (msg != NULL && msg[0] != '\0')
		tv_set_str(&r->arena, m, field != NULL ? field : "form", msg);
	return m;
}

static void
new_form(req_t *r, db_t *db, const char *field, const char *msg)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "担当者の登録"), *form = tv_map(A);

	tv_set_str(A, form, "login", kept(r, "login"));
	tv_set_str(A, form, "display_name", kept(r, "display_name"));
	tv_set_str(A, form, "email", kept(r, "email"));
	tv_set(A, ctx, "form", form);
	tv_set(A, ctx, "err", field_error(r, field, msg));
	tv_set_str(A, ctx, "error", msg != NULL && msg[0] ? (field != NULL ? "入力内容を確認してください。" : msg) : NULL);
	tv_set_bool(A, ctx, "creating", true);
	tv_set_str(A, ctx, "action", "/staff/accounts/new");
	if (!add_choices(r, db, ctx, http_form(r, "department"), http_form(r, "role") ? http_form(r, "role") : "edit")) {
		web_error(r, 500, NULL);
		return;
	}
	if (msg != NULL && msg[0])
		r->status = 422;
	web_render(r, "staff/account_form", ctx);
}

void
page_staff_account_new(req_t *r)
{
	db_t *db;

	if (!web_can(r, POLICY_CREATE, POLICY_STAFF, me(r)->department_id) || (db = db_or_500(r)) == NULL)
		return;
	new_form(r, db, NULL, NULL);
}

void
page_staff_account_new_post(req_t *r)
{
	staff_input_t in = { http_form(r, "login"), http_form(r, "password"), http_form(r, "email"),
		http_form(r, "display_name"), http_form(r, "department"), http_form(r, "role") };
	const char *field = NULL, *confirm = http_form(r, "password_confirm");
	char err[512] = "";
	int64_t id;
	db_t *db;

	if (!web_can(r, POLICY_CREATE, POLICY_STAFF, me(r)->department_id) || (db = db_or_500(r)) == NULL)
		return;
	if (in.password != NULL && (confirm == NULL || strcmp(in.password, confirm) != 0)) {
		new_form(r, db, "password_confirm", "確認用のパスワードが一致しません。");
		return;
	}
	switch (staff_create(db, me(r), &in, r->ip, jtime_now(), &id, &field, err, sizeof(err))) {
	case STAFF_OK:
		http_redirect(r, "/staff/accounts?done=created");
		return;
	case STAFF_DENIED:
		web_error(r, 403, err);
		return;
	case STAFF_INVALID:
	case STAFF_LAST_ADMIN:
	case STAFF_NOT_FOUND:
		new_form(r, db, field, arena_strdup(&r->arena, err));
		return;
	case STAFF_ERROR:
		break;
	}
	web_error(r, 500, NULL);
}

typedef struct staff_row {
	int64_t id, dept, last_login;
	const char *login, *name, *email, *dept_code, *role, *status;
} staff_row_t;

static int
load_row(req_t *r, db_t *db, staff_row_t *row)
{
	db_stmt_t *st;
	int found = 0;

	if (!str_to_i64(http_param(r, 0), 1, INT64_MAX, &row->id))
		return 0;
	st = db_prepare(db, "SELECT a.login, a.display_name, a.email, d.code, COALESCE(a.role, ''), a.status, "
	    "a.department_id, COALESCE(a.last_login_at, 0) FROM accounts a JOIN departments d ON d.id = a.department_id "
	    "WHERE a.id = ? AND a.kind = 'staff'");
	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, row->id);
	if (db_step(st) == DB_ROW) {
		row->login = arena_strdup(&r->arena, db_col_text(st, 0));
		row->name = arena_strdup(&r->arena, db_col_text(st, 1));
		row->email = arena_strdup(&r->arena, db_col_text(st, 2));
		row->dept_code = arena_strdup(&r->arena, db_col_text(st, 3));
		row->role = arena_strdup(&r->arena, db_col_text(st, 4));
		row->status = arena_strdup(&r->arena, db_col_text(st, 5));
		row->dept = db_col_i64(st, 6);
		row->last_login = db_col_i64(st, 7);
		found = 1;
	}
	db_done(st);
	return found;
}

/* The edit page; from_post: show what was typed. which: "edit" or "status" form the message belongs to. */
static void
edit_form(req_t *r, db_t *db, const staff_row_t *row, bool from_post, const char *field, const char *msg,
    const char *which)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "担当者の編集"), *form = tv_map(A), *hist = tv_list(A);
	const char *done = http_query(r, "done");
	db_stmt_t *st;

	tv_set_int(A, form, "id", row->id);
	tv_set_str(A, form, "login", row->login);
	tv_set_str(A, form, "display_name", from_post ? kept(r, "display_name") : row->name);
	tv_set_str(A, form, "email", from_post ? kept(r, "email") : row->email);
	tv_set_str(A, form, "status_label", account_status_label(row->status));
	tv_set_bool(A, form, "active", strcmp(row->status, "active") == 0);
	tv_set_bool(A, form, "suspended", strcmp(row->status, "suspended") == 0);
	tv_set_bool(A, form, "deleted", strcmp(row->status, "deleted") == 0);
	tv_set_bool(A, form, "self", row->id == me(r)->id);
	tv_set_int(A, form, "last_login_at", row->last_login);
	tv_set(A, ctx, "form", form);
	if (which != NULL && strcmp(which, "status") == 0) {
		tv_set(A, ctx, "serr", field_error(r, "reason", msg));
		tv_set_str(A, ctx, "reason", kept(r, "reason"));
	} else {
		tv_set(A, ctx, "err", field_error(r, field, msg));
	}
	tv_set_str(A, ctx, "error", msg != NULL && msg[0] ? msg : NULL);
	tv_set_str(A, ctx, "action", arena_printf(A, "/staff/accounts/%" PRId64, row->id));
	if (done != NULL && strcmp(done, "saved") == 0)
		tv_set_str(A, ctx, "done", "変更を保存しました。");
	else if (done != NULL && strcmp(done, "status") == 0)
		tv_set_str(A, ctx, "done", "状態を変更しました。");
	else if (done != NULL && strcmp(done, "2fa") == 0)
		tv_set_str(A, ctx, "done", "二段階認証をリセットしました。本人は次のログインのあと、あらためて設定します。");
	/* issue 6 item 6: the member's second factor, and an administrator's reset of it */
	tv_set_bool(A, form, "totp_active", totp_state(db, row->id) == TOTP_ACTIVE);
	tv_set_bool(A, form, "can_reset_2fa", strcmp(r->auth->account.role, "admin") == 0 && row->id != r->auth->account.id);
	if (!add_choices(r, db, ctx, from_post ? http_form(r, "department") : row->dept_code,
	    from_post ? http_form(r, "role") : row->role)) {
		web_error(r, 500, NULL);
		return;
	}
	st = db_prepare(db, "SELECT l.status, l.reason, l.at, COALESCE(b.login, '') FROM account_status_log l "
	    "LEFT JOIN accounts b ON b.id = l.by_id WHERE l.account_id = ? ORDER BY l.id DESC LIMIT 50");
	if (st != NULL) {
		db_bind_i64(st, 1, row->id);
		while (db_step(st) == DB_ROW) {
			tv_t *m = tv_map(A);
			tv_set_str(A, m, "status", account_status_label(db_col_text(st, 0)));
			tv_set_str(A, m, "reason", db_col_text(st, 1));
			tv_set_int(A, m, "at", db_col_i64(st, 2));
			tv_set_str(A, m, "by", db_col_text(st, 3));
			tv_push(A, hist, m);
		}
		db_done(st);
	}
	tv_set(A, ctx, "history", hist);
	if (msg != NULL && msg[0])
		r->status = 422;
	web_render(r, "staff/account_form", ctx);
}

/* Loads the staff member of the URL and checks the actor may manage them; false when answered. */
static bool
staff_target(req_t *r, db_t **db, staff_row_t *row)
{
	int rc;

	if ((*db = db_or_500(r)) == NULL)
		return false;
	/* someone who may not manage staff at all learns nothing about who exists */
	if (!web_can(r, POLICY_VIEW, POLICY_STAFF, me(r)->department_id))
		return false;
	rc = load_row(r, *db, row);
	if (rc < 0) {
		web_error(r, 500, NULL);
		return false;
	}
	if (rc == 0) {
		web_error(r, 404, NULL);
		return false;
	}
	return web_can(r, POLICY_UPDATE, POLICY_STAFF, row->dept);
}

void
page_staff_account(req_t *r)
{
	staff_row_t row;
	db_t *db;

	if (!staff_target(r, &db, &row))
		return;
	edit_form(r, db, &row, false, NULL, NULL, NULL);
}

void
page_staff_account_post(req_t *r)
{
	staff_input_t in = { NULL, NULL, http_form(r, "email"), http_form(r, "display_name"), http_form(r, "department"),
		http_form(r, "role") };
	const char *field = NULL;
	char err[512] = "";
	staff_row_t row;
	db_t *db;

	if (!staff_target(r, &db, &row))
		return;
	switch (staff_update(db, me(r), row.id, &in, r->ip, jtime_now(), &field, err, sizeof(err))) {
	case STAFF_OK:
		http_redirect(r, arena_printf(&r->arena, "/staff/accounts/%" PRId64 "?done=saved", row.id));
		return;
	case STAFF_DENIED:
		web_error(r, 403, err);
		return;
	case STAFF_INVALID:
	case STAFF_LAST_ADMIN:
		edit_form(r, db, &row, true, field, arena_strdup(&r->arena, err), "edit");
		return;
	case STAFF_NOT_FOUND:
		web_error(r, 404, NULL);
		return;
	case STAFF_ERROR:
		break;
	}
	web_error(r, 500, NULL);
}

void
page_staff_account_status_post(req_t *r)
{
	char err[512] = "";
	staff_row_t row;
	db_t *db;
	const char *status = http_form(r, "status");

	if (!staff_target(r, &db, &row))
		return;
	switch (account_set_status(db, me(r), row.id, status, http_form(r, "reason"), r->ip, jtime_now(), err,
	    sizeof(err))) {
	case STAFF_OK:
		http_redirect(r, arena_printf(&r->arena, "/staff/accounts/%" PRId64 "?done=status", row.id));
		return;
	case STAFF_DENIED:
		web_error(r, 403, err);
		return;
	case STAFF_INVALID:
	case STAFF_LAST_ADMIN:
		if (load_row(r, db, &row) != 1)
			break;
		edit_form(r, db, &row, false, "reason", arena_strdup(&r->arena, err), "status");
		return;
	case STAFF_NOT_FOUND:
		web_error(r, 404, NULL);
		return;
	case STAFF_ERROR:
		break;
	}
	web_error(r, 500, NULL);
}

/* ---- department master ---- */

static void
departments_page(req_t *r, db_t *db, const char *field, const char *msg, int64_t failed_id)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "担当部署マスタ"), *list = tv_list(A), *form = tv_map(A), *kinds = tv_list(A);
	static const char *const KINDS[] = { "pref", "employment", "company" };
	const char *done = http_query(r, "done"), *kind = failed_id == 0 ? http_form(r, "kind") : NULL;
	db_stmt_t *st;
	size_t i;

	st = db_prepare(db, "SELECT d.id, d.code, d.name, d.kind, d.retired_at IS NOT NULL, "
	    "(SELECT COUNT(*) FROM accounts a WHERE a.department_id = d.id AND a.status <> 'deleted'), "
	    "(SELECT COUNT(*) FROM entities e WHERE e.department_id = d.id) FROM departments d ORDER BY d.retired_at IS NOT NULL, d.id");
	if (st == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	while (db_step(st) == DB_ROW) {
		tv_t *m = tv_map(A);
		int64_t id = db_col_i64(st, 0);
		tv_set_int(A, m, "id", id);
		tv_set_str(A, m, "code", db_col_text(st, 1));
		tv_set_str(A, m, "name", id == failed_id ? kept(r, "name") : db_col_text(st, 2));
		tv_set_str(A, m, "kind", department_kind_label(db_col_text(st, 3)));
		tv_set_bool(A, m, "retired", db_col_i64(st, 4) != 0);
		tv_set_bool(A, m, "pref", strcmp(db_col_text(st, 3), "pref") == 0);
		tv_set_int(A, m, "staff", db_col_i64(st, 5));
		tv_set_int(A, m, "records", db_col_i64(st, 6));
		if (id == failed_id)
			tv_set_str(A, m, "error", msg);
		tv_push(A, list, m);
	}
	db_done(st);
	for (i = 0; i < 3; i++) {
		tv_t *m = tv_map(A);
		tv_set_str(A, m, "value", KINDS[i]);
		tv_set_str(A, m, "label", department_kind_label(KINDS[i]));
		tv_set_bool(A, m, "selected", kind != NULL && strcmp(kind, KINDS[i]) == 0);
		tv_push(A, kinds, m);
	}
	if (failed_id == 0) {
		tv_set_str(A, form, "code", kept(r, "code"));
		tv_set_str(A, form, "name", kept(r, "name"));
		tv_set(A, ctx, "err", field_error(r, field, msg));
	}
	tv_set(A, ctx, "form", form);
	tv_set(A, ctx, "kinds", kinds);
	tv_set(A, ctx, "departments", list);
	tv_set_str(A, ctx, "error", msg);
	tv_set_bool(A, ctx, "can_edit", policy_can(me(r), POLICY_UPDATE, POLICY_MASTER, 0));
	if (done != NULL) {
		if (strcmp(done, "added") == 0) tv_set_str(A, ctx, "done", "部署を追加しました。");
		else if (strcmp(done, "renamed") == 0) tv_set_str(A, ctx, "done", "部署名を変更しました。");
		else if (strcmp(done, "retired") == 0) tv_set_str(A, ctx, "done", "部署を廃止しました（担当者または登録情報があるため、記録として残しています）。");
		else if (strcmp(done, "deleted") == 0) tv_set_str(A, ctx, "done", "部署を削除しました。");
	}
	if (msg != NULL)
		r->status = 422;
	web_render(r, "staff/departments", ctx);
}

void
page_staff_departments(req_t *r)
{
	db_t *db;

	if (!web_can(r, POLICY_VIEW, POLICY_MASTER, 0) || (db = db_or_500(r)) == NULL)
		return;
	departments_page(r, db, NULL, NULL, 0);
}

static void
answer(req_t *r, staff_result_t rc, const char *err, const char *ok_to)
{
	switch (rc) {
	case STAFF_OK:
		http_redirect(r, ok_to);
		return;
	case STAFF_DENIED:
		web_error(r, 403, err);
		return;
	case STAFF_NOT_FOUND:
		web_error(r, 404, NULL);
		return;
	case STAFF_INVALID:
	case STAFF_LAST_ADMIN:
		web_error(r, 400, err);
		return;
	case STAFF_ERROR:
		break;
	}
	web_error(r, 500, NULL);
}

void
page_staff_departments_post(req_t *r)
{
	const char *field = NULL;
	char err[512] = "";
	staff_result_t rc;
	db_t *db;

	if (!web_can(r, POLICY_CREATE, POLICY_MASTER, 0) || (db = db_or_500(r)) == NULL)
		return;
	rc = department_add(db, me(r), http_form(r, "code"), http_form(r, "name"), http_form(r, "kind"), r->ip,
	    jtime_now(), &field, err, sizeof(err));
	if (rc == STAFF_INVALID) {
		departments_page(r, db, field, arena_strdup(&r->arena, err), 0);
		return;
	}
	answer(r, rc, err, "/staff/departments?done=added");
}

void
page_staff_department_post(req_t *r)
{
	char err[512] = "";
	staff_result_t rc;
	int64_t id;
	db_t *db;

	if (!web_can(r, POLICY_UPDATE, POLICY_MASTER, 0) || (db = db_or_500(r)) == NULL)
		return;
	if (!str_to_i64(http_param(r, 0), 1, INT64_MAX, &id)) {
		web_error(r, 404, NULL);
		return;
	}
	rc = department_rename(db, me(r), id, http_form(r, "name"), r->ip, jtime_now(), err, sizeof(err));
	if (rc == STAFF_INVALID) {
		departments_page(r, db, NULL, arena_strdup(&r->arena, err), id);
		return;
	}
	answer(r, rc, err, "/staff/departments?done=renamed");
}

void
page_staff_department_retire_post(req_t *r)
{
	char err[512] = "";
	staff_result_t rc;
	bool deleted = false;
	int64_t id;
	db_t *db;

	if (!web_can(r, POLICY_DELETE, POLICY_MASTER, 0) || (db = db_or_500(r)) == NULL)
		return;
	if (!str_to_i64(http_param(r, 0), 1, INT64_MAX, &id)) {
		web_error(r, 404, NULL);
		return;
	}
	rc = department_retire(db, me(r), id, r->ip, jtime_now(), &deleted, err, sizeof(err));
	if (rc == STAFF_INVALID) {
		departments_page(r, db, NULL, arena_strdup(&r->arena, err), 0);
		return;
	}
	answer(r, rc, err, deleted ? "/staff/departments?done=deleted" : "/staff/departments?done=retired");
}
