/* pages.c - home, login, logout, My Page and password change. */
#include "app/web.h"
#include "auth/alerts.h"
#include "auth/audit.h"
#include "auth/csrf.h"
#include "auth/password.h"
#include "core/config.h"
#include "core/jtime.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define FORM_LOGIN_MAX 256 /* bytes kept of a typed login ID when showing the form again */

void
page_health(req_t *r)
{
	db_t *db = db_thread();
	db_stmt_t *st = db ? db_prepare(db, "SELECT 1") : NULL;

	if (st == NULL || db_step(st) != DB_ROW) {
		if (st)
			db_done(st);
		http_text(r, 503, "unavailable\n");
		return;
	}
	db_done(st);
	r->no_store = true;
	http_text(r, 200, "ok\n");
}

static void
login_form(req_t *r, const char *error, const char *login, const char *next)
{
	tv_t *ctx = web_ctx(r, "ログイン");
	arena_t *A = &r->arena;

	tv_set_str(A, ctx, "csrf", web_csrf(r));
	tv_set_str(A, ctx, "error", error);
	tv_set_str(A, ctx, "login", login);
	tv_set_str(A, ctx, "next", web_safe_next(next, NULL));
	tv_set_int(A, ctx, "max_failures", config.login_max_failures);
	r->no_store = true;
	web_render(r, "login", ctx);
}

void
page_login(req_t *r)
{
	if (r->auth->signed_in) {
		http_redirect(r, web_safe_next(http_query(r, "next"), "/mypage"));
		return;
	}
	login_form(r, NULL, NULL, http_query(r, "next"));
}

void
page_login_post(req_t *r)
{
	const char *login = http_form(r, "login"), *password = http_form(r, "password");
	const char *next = http_form(r, "next");
	struct auth_ctx *a = r->auth;
	login_policy_t pol = { config.login_max_failures, (int64_t)config.login_lockout_min * 60 };
	account_t acc;
	session_t s;
	login_result_t res;
	db_t *db = db_thread();
	char msg[256];

	if (login == NULL || password == NULL || login[0] == '\0' || password[0] == '\0') {
		login_form(r, "ログインIDとパスワードを入力してください。", login, next);
		return;
	}
	if (strlen(login) > FORM_LOGIN_MAX || strlen(password) > PASSWORD_MAX_BYTES) {
		login_form(r, "ログインIDまたはパスワードが正しくありません。", NULL, next);
		return;
	}
	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	res = account_login(db, login, password, r->ip, jtime_now(), &pol, &acc);
	switch (res) {
	case LOGIN_OK:
		break;
	case LOGIN_FAILED:
		web_security_event(r, ALERT_LOGIN, "password"); /* SEC13 */
		login_form(r, "ログインIDまたはパスワードが正しくありません。", login, next);
		return;
	case LOGIN_LOCKED:
		web_security_event(r, ALERT_LOGIN, "password, locked"); /* SEC13 */
		snprintf(msg, sizeof(msg), "ログインに%d回続けて失敗したため、このログインIDでのログインを%d分間停止しています。"
		    "時間をおいてからお試しください。", config.login_max_failures, config.login_lockout_min);
		login_form(r, arena_strdup(&r->arena, msg), login, next);
		return;
	case LOGIN_ERROR:
		web_error(r, 500, NULL);
		return;
	}
	/* G54: staff may sign in only from addresses the staff area allows, members only from those of the
	 * member area; the answer is the one for a wrong password, the audit log has the reason */
	if (!web_ip_allowed(r, strcmp(acc.kind, "staff") == 0 ? IPACL_STAFF : IPACL_MEMBER)) {
		char target[48];
		audit_entry_t e = { acc.id, acc.login, r->ip, "login.ip_refused", target, "" };
		snprintf(target, sizeof(target), "account:%" PRId64, acc.id);
		e.detail = strcmp(acc.kind, "staff") == 0 ? "area=staff" : "area=member";
		if (!audit_append(db, &e, jtime_now())) {
			web_error(r, 500, NULL);
			return;
		}
		login_form(r, "ログインIDまたはパスワードが正しくありません。", login, next);
		return;
	}
	/* staff with an authenticator give its code first (issue 6 item 6): no session until then */
	if (twofactor_login_step(r, &acc, next))
		return;
	/* a new session ID at every login; whatever the browser held before is void */
	if (a->signed_in)
		session_destroy(db, a->session.id);
	if (!session_create(db, acc.id, r->ip, jtime_now(), &s)) {
		web_error(r, 500, NULL);
		return;
	}
	http_set_cookie(r, web_cookie_session(r), s.id, -1, true);
	http_clear_cookie(r, web_cookie_pre(r));
	http_redirect(r, web_safe_next(next, "/mypage"));
}

void
page_logout_post(req_t *r)
{
	struct auth_ctx *a = r->auth;
	db_t *db = db_thread();

	if (a->signed_in && db != NULL) {
		audit_entry_t e = { a->account.id, a->account.login, r->ip, "logout", "", "" };
		char target[48];
		snprintf(target, sizeof(target), "account:%" PRId64, a->account.id);
		e.target = target;
		if (!session_destroy(db, a->session.id)) {
			web_error(r, 500, NULL);
			return;
		}
		if (!audit_append(db, &e, jtime_now()))
			log_error("logout: audit entry could not be written for account %" PRId64, a->account.id);
	}
	http_clear_cookie(r, web_cookie_session(r));
	http_redirect(r, "/?logged_out=1");
}

void
page_mypage(req_t *r)
{
	tv_t *ctx = web_ctx(r, "マイページ");

	tv_set_bool(&r->arena, ctx, "password_changed", http_query(r, "done") != NULL &&
	    strcmp(http_query(r, "done"), "password") == 0);
	consult_mypage(r, ctx);
	/* the job seeker's profile section (register.c) */
	tv_set_bool(&r->arena, ctx, "is_seeker", r->auth->signed_in && strcmp(r->auth->account.kind, "seeker") == 0);
	company_mypage_section(r, ctx);
	web_render(r, "mypage", ctx);
}

static void
password_form(req_t *r, const char *error)
{
	tv_t *ctx = web_ctx(r, "パスワードの変更");

	tv_set_str(&r->arena, ctx, "error", error);
	tv_set_bool(&r->arena, ctx, "must_change", r->auth->account.must_change_password);
	web_render(r, "password", ctx);
}

void
page_password(req_t *r)
{
	password_form(r, NULL);
}

void
page_password_post(req_t *r)
{
	const char *cur = http_form(r, "current_password"), *next = http_form(r, "new_password");
	const char *confirm = http_form(r, "new_password_confirm");
	struct auth_ctx *a = r->auth;
	db_t *db = db_thread();
	char err[256];

	if (cur == NULL || next == NULL || confirm == NULL || cur[0] == '\0' || next[0] == '\0') {
		password_form(r, "すべての項目を入力してください。");
		return;
	}
	if (strcmp(next, confirm) != 0) {
		password_form(r, "新しいパスワードと確認用のパスワードが一致しません。");
		return;
	}
	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (!account_change_password(db, &a->account, cur, next, a->session.id, r->ip, jtime_now(), err, sizeof(err))) {
		password_form(r, arena_strdup(&r->arena, err));
		return;
	}
	http_redirect(r, "/mypage?done=password");
}
