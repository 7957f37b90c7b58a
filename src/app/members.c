/* members.c - 会員管理: staff find job-seeker and company accounts and suspend, reactivate or delete them
 * with a reason (SEC15). Who may is the department rule's answer (auth/policy.h): seekers by employment
 * support and the prefecture, companies by the department the company record is registered to. */
#include "app/web.h"
#include "auth/audit.h"
#include "auth/policy.h"
#include "auth/seal.h"
#include "auth/staff.h"
#include "core/jtime.h"
#include "core/str.h"
#include "db/db.h"
#include "member/records.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define MEMBER_QUERY_MAX 100   /* characters of a search */
#define MEMBER_LIST_MAX  100   /* rows shown */

static account_t *
me(req_t *r)
{
	return &r->auth->account;
}

void
page_staff_members(req_t *r)
{
	arena_t *A = &r->arena;
	const char *q = http_query(r, "q"), *kind = http_query(r, "kind"), *held = http_query(r, "held");
	tv_t *ctx, *list;
	db_stmt_t *st;
	db_t *db;
	int64_t n = 0;
	unsigned char hash[SEAL_INDEX_BYTES];
	bool have_hash;

	if (!web_can(r, POLICY_VIEW, POLICY_SEEKER, 0))
		return;
	if ((db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (q == NULL || !str_utf8_valid(q, strlen(q), false) || str_utf8_len(q, strlen(q)) > MEMBER_QUERY_MAX)
		q = "";
	if (kind == NULL || (strcmp(kind, "seeker") != 0 && strcmp(kind, "company") != 0))
		kind = "";
	ctx = web_ctx(r, "会員管理");
	list = tv_list(A);
	/* instr on lower(): no LIKE wildcards to escape; lower() folds ASCII, enough for IDs and addresses */
	/* a seeker's name is sealed (SEC06): found by its blind index (prefix or whole name) */
	have_hash = q[0] != '\0' && seal_index_query(A, "name", q, hash);
	st = db_prepare(db, "SELECT a.id, a.kind, a.login, a.display_name, a.email, a.status, COALESCE(a.last_login_at, 0), "
	    "COALESCE(s.held, c.held, 0), s.name, COALESCE(s.sealed, 0) FROM accounts a "
	    "LEFT JOIN seekers s ON s.account_id = a.id LEFT JOIN company_accounts c ON c.account_id = a.id "
	    "WHERE a.kind <> 'staff' AND (? = '' OR a.kind = ?) AND (? = '' OR instr(lower(a.login), lower(?)) > 0 "
	    "OR instr(lower(a.email), lower(?)) > 0 OR instr(a.display_name, ?) > 0 "
	    "OR a.id IN (SELECT seeker_id FROM seeker_name_index WHERE hash = ?)) "
	    "AND (? = 0 OR COALESCE(s.held, c.held, 0) = 1) ORDER BY a.id DESC LIMIT ?");
	if (st == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	db_bind_str(st, 1, kind);
	db_bind_str(st, 2, kind);
	db_bind_str(st, 3, q);
	db_bind_str(st, 4, q);
	db_bind_str(st, 5, q);
	db_bind_str(st, 6, q);
	if (have_hash)
		db_bind_blob(st, 7, hash, sizeof(hash));
	else
		db_bind_null(st, 7);
	db_bind_i64(st, 8, held != NULL && strcmp(held, "1") == 0);
	db_bind_i64(st, 9, MEMBER_LIST_MAX + 1);
	while (db_step(st) == DB_ROW) {
		tv_t *m;
		if (++n > MEMBER_LIST_MAX)
			break;
		m = tv_map(A);
		tv_set_int(A, m, "id", db_col_i64(st, 0));
		tv_set_str(A, m, "kind", account_kind_label(db_col_text(st, 1)));
		tv_set_str(A, m, "login", db_col_text(st, 2));
		if (!db_col_null(st, 8)) {
			const char *nm = db_col_i64(st, 9) ? seal_col(st, 8, A, "seekers", "name", db_col_i64(st, 0)) :
			    db_col_text(st, 8);
			tv_set_str(A, m, "name", nm == NULL ? "（復号できません）" : nm[0] ? nm : SEAL_DELETED);
		} else {
			tv_set_str(A, m, "name", db_col_text(st, 3));
		}
		tv_set_str(A, m, "email", db_col_text(st, 4));
		tv_set_str(A, m, "status", account_status_label(db_col_text(st, 5)));
		tv_set_bool(A, m, "inactive", strcmp(db_col_text(st, 5), "active") != 0);
		tv_set_int(A, m, "last_login_at", db_col_i64(st, 6));
		tv_set_bool(A, m, "held", db_col_i64(st, 7) != 0);
		tv_push(A, list, m);
	}
	db_done(st);
	tv_set(A, ctx, "members", list);
	tv_set_bool(A, ctx, "more", n > MEMBER_LIST_MAX);
	tv_set_bool(A, ctx, "any", n > 0);
	tv_set_int(A, ctx, "max", MEMBER_LIST_MAX);
	tv_set_str(A, ctx, "q", q);
	tv_set_bool(A, ctx, "k_seeker", strcmp(kind, "seeker") == 0);
	tv_set_bool(A, ctx, "k_company", strcmp(kind, "company") == 0);
	tv_set_bool(A, ctx, "held_only", held != NULL && strcmp(held, "1") == 0);
	tv_set_bool(A, ctx, "searched", http_query(r, "q") != NULL);
	web_render(r, "staff/members", ctx);
}

typedef struct member {
	int64_t id, dept, last_login, created;
	bool held;           /* registered without the anti-spam work: waits for staff review (確認待ち) */
	policy_record_t pk;
	const char *kind, *login, *name, *email, *status;
} member_t;

/* 1 found, 0 not (or a staff account: not a member), -1 error */
static int
load_member(req_t *r, db_t *db, member_t *m)
{
	db_stmt_t *st;
	int found = 0;
	bool seeker = false;

	if (!str_to_i64(http_param(r, 0), 1, INT64_MAX, &m->id))
		return 0;
	st = db_prepare(db, "SELECT a.kind, a.login, a.display_name, a.email, a.status, COALESCE(a.last_login_at, 0), "
	    "a.created_at, COALESCE(e.department_id, 0), COALESCE((SELECT held FROM seekers WHERE account_id = a.id), c.held, 0) "
	    "FROM accounts a LEFT JOIN company_accounts c ON c.account_id = a.id "
	    "LEFT JOIN entities e ON e.id = c.entity_id WHERE a.id = ? AND a.kind <> 'staff'");
	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, m->id);
	if (db_step(st) == DB_ROW) {
		m->kind = arena_strdup(&r->arena, db_col_text(st, 0));
		m->login = arena_strdup(&r->arena, db_col_text(st, 1));
		m->name = arena_strdup(&r->arena, db_col_text(st, 2));
		m->email = arena_strdup(&r->arena, db_col_text(st, 3));
		m->status = arena_strdup(&r->arena, db_col_text(st, 4));
		m->last_login = db_col_i64(st, 5);
		m->created = db_col_i64(st, 6);
		m->held = db_col_i64(st, 8) != 0;
		/* as account_set_status judges it */
		if (strcmp(m->kind, "seeker") == 0) {
			m->pk = POLICY_SEEKER;
			m->dept = 0;
			seeker = true;
		} else {
			m->pk = POLICY_COMPANY;
			m->dept = strcmp(m->kind, "company") == 0 ? db_col_i64(st, 7) : 0;
		}
		found = 1;
	}
	db_done(st);
	if (seeker) {
		/* the name is sealed in seekers (SEC06) */
		const char *nm = rec_seeker_name(db, &r->arena, m->id);
		if (nm == NULL)
			return -1;
		m->name = nm[0] ? nm : m->name;
	}
	return found;
}

static void
member_page(req_t *r, db_t *db, const member_t *m, const char *msg)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "会員の詳細"), *u = tv_map(A), *hist = tv_list(A), *err = tv_map(A);
	const char *done = http_query(r, "done");
	const char *reason = http_form(r, "reason");
	db_stmt_t *st;

	/* every look at a job seeker's personal record is in the audit chain first (SEC07): no entry, no page */
	if (strcmp(m->kind, "seeker") == 0) {
		char target[48];
		audit_entry_t e = { me(r)->id, me(r)->login, r->ip, "seeker.view", target, msg != NULL ? "form again" : "" };
		snprintf(target, sizeof(target), "account:%" PRId64, m->id);
		if (!audit_append(db, &e, jtime_now())) {
			web_error(r, 500, "監査ログに記録できなかったため、表示を中止しました。");
			return;
		}
	}
	tv_set_int(A, u, "id", m->id);
	tv_set_str(A, u, "kind", account_kind_label(m->kind));
	tv_set_str(A, u, "login", m->login);
	tv_set_str(A, u, "name", m->name);
	tv_set_str(A, u, "email", m->email);
	tv_set_str(A, u, "status", account_status_label(m->status));
	tv_set_bool(A, u, "active", strcmp(m->status, "active") == 0);
	tv_set_bool(A, u, "suspended", strcmp(m->status, "suspended") == 0);
	tv_set_bool(A, u, "deleted", strcmp(m->status, "deleted") == 0);
	tv_set_int(A, u, "last_login_at", m->last_login);
	tv_set_int(A, u, "created_at", m->created);
	tv_set_bool(A, u, "held", m->held);
	tv_set_bool(A, u, "is_seeker", strcmp(m->kind, "seeker") == 0); /* link to 求職者管理 (issue 7 item 3) */
	tv_set_str(A, u, "release_action", arena_printf(A, "/staff/members/%" PRId64 "/release", m->id));
	tv_set(A, ctx, "member", u);
	tv_set_bool(A, ctx, "can_status", policy_can(me(r), POLICY_STATUS, m->pk, m->dept));
	tv_set_bool(A, ctx, "can_delete", policy_can(me(r), POLICY_DELETE, m->pk, m->dept));
	if (msg != NULL) {
		tv_set_str(A, err, "reason", msg);
		tv_set_str(A, ctx, "error", msg);
		r->status = 422;
	}
	tv_set(A, ctx, "serr", err);
	tv_set_str(A, ctx, "reason", reason != NULL && strlen(reason) <= 4 * STAFF_REASON_MAX ? reason : "");
	tv_set_str(A, ctx, "action", arena_printf(A, "/staff/members/%" PRId64 "/status", m->id));
	if (done != NULL && strcmp(done, "status") == 0)
		tv_set_str(A, ctx, "done", "状態を変更しました。");
	else if (done != NULL && strcmp(done, "released") == 0)
		tv_set_str(A, ctx, "done", "確認済みにしました。");
	st = db_prepare(db, "SELECT l.status, l.reason, l.at, COALESCE(b.login, '') FROM account_status_log l "
	    "LEFT JOIN accounts b ON b.id = l.by_id WHERE l.account_id = ? ORDER BY l.id DESC LIMIT 50");
	if (st == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	db_bind_i64(st, 1, m->id);
	while (db_step(st) == DB_ROW) {
		tv_t *h = tv_map(A);
		tv_set_str(A, h, "status", account_status_label(db_col_text(st, 0)));
		tv_set_str(A, h, "reason", db_col_text(st, 1));
		tv_set_int(A, h, "at", db_col_i64(st, 2));
		tv_set_str(A, h, "by", db_col_text(st, 3));
		tv_push(A, hist, h);
	}
	db_done(st);
	tv_set(A, ctx, "history", hist);
	web_render(r, "staff/member", ctx);
}

static bool
member_target(req_t *r, db_t **db, member_t *m, policy_action_t action)
{
	int rc;

	if ((*db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return false;
	}
	rc = load_member(r, *db, m);
	if (rc < 0) {
		web_error(r, 500, NULL);
		return false;
	}
	if (rc == 0) {
		/* access first: a refused visitor learns nothing about which accounts exist */
		if (web_can(r, POLICY_VIEW, POLICY_SEEKER, 0))
			web_error(r, 404, NULL);
		return false;
	}
	return web_can(r, action, m->pk, m->dept);
}

void
page_staff_member(req_t *r)
{
	member_t m;
	db_t *db;

	if (!member_target(r, &db, &m, POLICY_VIEW))
		return;
	member_page(r, db, &m, NULL);
}

void
page_staff_member_status_post(req_t *r)
{
	const char *status = http_form(r, "status");
	char err[512] = "";
	member_t m;
	db_t *db;

	if (!member_target(r, &db, &m, status != NULL && strcmp(status, "deleted") == 0 ? POLICY_DELETE : POLICY_STATUS))
		return;
	switch (account_set_status(db, me(r), m.id, status, http_form(r, "reason"), r->ip, jtime_now(), err, sizeof(err))) {
	case STAFF_OK:
		http_redirect(r, arena_printf(&r->arena, "/staff/members/%" PRId64 "?done=status", m.id));
		return;
	case STAFF_DENIED:
		web_error(r, 403, err);
		return;
	case STAFF_INVALID:
	case STAFF_LAST_ADMIN:
		member_page(r, db, &m, arena_strdup(&r->arena, err));
		return;
	case STAFF_NOT_FOUND:
		web_error(r, 404, NULL);
		return;
	case STAFF_ERROR:
		break;
	}
	web_error(r, 500, NULL);
}

/*
 * 確認待ち → 確認済み: a registration sent without the proof of work (JavaScript off, B04) is kept but
 * marked held until a staff member who may change the member's status has looked at it. The change and
 * its audit entry commit together.
 */
void
page_staff_member_release_post(req_t *r)
{
	struct auth_ctx *a = r->auth;
	char target[48];
	audit_entry_t e = { a->account.id, a->account.login, r->ip, "member.release", target, "held cleared" };
	member_t m;
	db_stmt_t *st;
	db_t *db;
	bool ok;

	if (!member_target(r, &db, &m, POLICY_STATUS))
		return;
	if (!m.held) {
		http_redirect(r, arena_printf(&r->arena, "/staff/members/%" PRId64, m.id));
		return;
	}
	snprintf(target, sizeof(target), "account:%" PRId64, m.id);
	if (!db_begin_write(db)) {
		web_error(r, 500, NULL);
		return;
	}
	st = db_prepare(db, strcmp(m.kind, "seeker") == 0 ? "UPDATE seekers SET held = 0 WHERE account_id = ?" :
	    "UPDATE company_accounts SET held = 0 WHERE account_id = ?");
	ok = st != NULL;
	if (ok) {
		db_bind_i64(st, 1, m.id);
		ok = db_run(st) == DB_DONE;
	}
	if (!ok || !audit_append(db, &e, jtime_now()) || !db_commit(db)) {
		db_rollback(db);
		web_error(r, 500, NULL);
		return;
	}
	(void)audit_sync_head(db);
	http_redirect(r, arena_printf(&r->arena, "/staff/members/%" PRId64 "?done=released", m.id));
}
