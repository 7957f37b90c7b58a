/* twofactor.c - staff two-factor sign-in (issue 6 item 6; B05, SEC14, SEC16, SEC17): the second login step
 * /login/2fa, enrolment and recovery codes at /mypage/2fa, an administrator's reset from the staff master. */
#include "app/web.h"
#include "auth/alerts.h"
#include "auth/audit.h"
#include "auth/totp.h"
#include "core/config.h"
#include "core/jtime.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEXT_MAX 513

static const char MSG_CODE[] = "確認コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください。";

const char *
web_cookie_2fa(req_t *r)
{
	return r->tls ? "__Host-tsunagu_2fa" : "tsunagu_2fa";
}

static login_policy_t
lock_policy(void)
{
	login_policy_t p = { config.login_max_failures, (int64_t)config.login_lockout_min * 60 };

	return p;
}

static const char *
lock_message(req_t *r)
{
	return arena_printf(&r->arena, "ログインに%d回続けて失敗したため、このログインIDでのログインを%d分間停止しています。"
	    "時間をおいてからお試しください。", config.login_max_failures, config.login_lockout_min);
}

bool
twofactor_login_step(req_t *r, const account_t *acc, const char *next)
{
	char token[TOTP_TOKEN_LEN + 1];
	db_t *db = db_thread();
	totp_state_t s;

	if (db == NULL) {
		web_error(r, 500, NULL);
		return true;
	}
	s = totp_state(db, acc->id);
	if (s == TOTP_DBERR) {
		web_error(r, 500, NULL);
		return true;
	}
	if (s != TOTP_ACTIVE)
		return false;
	if (!totp_pending_create(db, acc->id, web_safe_next(next, ""), jtime_now(), token)) {
		web_error(r, 500, NULL);
		return true;
	}
	http_set_cookie(r, web_cookie_2fa(r), token, TOTP_PENDING_S, true);
	http_redirect(r, "/login/2fa");
	return true;
}

bool
twofactor_enrolment_due(req_t *r)
{
	struct auth_ctx *a = r->auth;
	db_t *db;

	if (strcmp(a->account.kind, "staff") != 0 || !totp_role_required(config.login_require_2fa_roles, a->account.role))
		return false;
	db = db_thread();
	return db == NULL || totp_state(db, a->account.id) != TOTP_ACTIVE;
}

/* --- /login/2fa --- */

static void
login_2fa_form(req_t *r, const char *error)
{
	tv_t *ctx = web_ctx(r, "ログイン（二段階認証）");

	tv_set_str(&r->arena, ctx, "csrf", web_csrf(r));
	tv_set_str(&r->arena, ctx, "error", error);
	r->no_store = true;
	web_render(r, "login_2fa", ctx);
}

void
page_login_2fa(req_t *r)
{
	db_t *db = db_thread();
	int64_t id;

	r->no_store = true;
	if (db == NULL || !totp_pending_lookup(db, http_cookie(r, web_cookie_2fa(r)), jtime_now(), &id, NULL, 0)) {
		http_redirect(r, "/login");
		return;
	}
	login_2fa_form(r, NULL);
}

void
page_login_2fa_post(req_t *r)
{
	const char *token = http_cookie(r, web_cookie_2fa(r)), *code = http_form(r, "code");
	struct auth_ctx *a = r->auth;
	login_policy_t pol = lock_policy();
	char next[NEXT_MAX];
	int64_t id, now = jtime_now();
	db_t *db = db_thread();
	account_t acc;
	session_t s;
	int rc;

	r->no_store = true;
	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (!totp_pending_lookup(db, token, now, &id, next, sizeof(next)) || !account_get(db, id, &acc) ||
	    strcmp(acc.status, "active") != 0) {
		/* expired (five minutes) or never there: start again from the password */
		http_clear_cookie(r, web_cookie_2fa(r));
		http_redirect(r, "/login?expired=2fa");
		return;
	}
	if (account_throttle_locked(db, acc.login, now)) {
		totp_pending_destroy(db, token);
		http_clear_cookie(r, web_cookie_2fa(r));
		login_2fa_form(r, lock_message(r));
		return;
	}
	if (code == NULL || code[0] == '\0') {
		login_2fa_form(r, "確認コードを入力してください。");
		return;
	}
	rc = strlen(code) > TOTP_CODE_MAX ? 0 : totp_verify(db, acc.id, code, now);
	if (rc < 0) {
		web_error(r, 500, NULL);
		return;
	}
	if (rc == 0) {
		/* the same counter as wrong passwords (SEC14), and an intrusion signal (SEC13) */
		web_security_event(r, ALERT_LOGIN, "2fa");
		switch (account_throttle_failure(db, &acc, r->ip, "2fa", now, &pol)) {
		case LOGIN_LOCKED:
			totp_pending_destroy(db, token);
			http_clear_cookie(r, web_cookie_2fa(r));
			login_2fa_form(r, lock_message(r));
			return;
		case LOGIN_ERROR:
			web_error(r, 500, NULL);
			return;
		default:
			login_2fa_form(r, MSG_CODE);
			return;
		}
	}
	{
		audit_entry_t e = { acc.id, acc.login, r->ip, "login.2fa", "", rc == 2 ? "recovery code" : "totp" };
		char target[48];
		snprintf(target, sizeof(target), "account:%" PRId64, acc.id);
		e.target = target;
		if (!audit_append(db, &e, now)) {
			web_error(r, 500, NULL);
			return;
		}
	}
	if (!totp_pending_destroy(db, token) || !account_throttle_clear(db, acc.login)) {
		web_error(r, 500, NULL);
		return;
	}
	/* as at a one-step login: a new session ID, whatever the browser held before is void */
	if (a->signed_in)
		session_destroy(db, a->session.id);
	if (!session_create(db, acc.id, r->ip, now, &s)) {
		web_error(r, 500, NULL);
		return;
	}
	http_set_cookie(r, web_cookie_session(r), s.id, -1, true);
	http_clear_cookie(r, web_cookie_2fa(r));
	http_clear_cookie(r, web_cookie_pre(r));
	http_redirect(r, web_safe_next(next[0] ? next : NULL, rc == 2 ? "/mypage/2fa?recovery=1" : "/mypage"));
}

/* --- /mypage/2fa --- */

static void
show_codes(req_t *r, char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN + 1], bool first)
{
	tv_t *ctx = web_ctx(r, "リカバリーコード"), *list = tv_list(&r->arena);
	int i;

	for (i = 0; i < TOTP_RECOVERY_COUNT; i++)
		tv_push(&r->arena, list, tv_str(&r->arena, codes[i]));
	sodium_memzero(codes, (size_t)TOTP_RECOVERY_COUNT * (TOTP_RECOVERY_LEN + 1));
	tv_set(&r->arena, ctx, "codes", list);
	tv_set_bool(&r->arena, ctx, "first", first);
	r->no_store = true;
	web_render(r, "mypage_2fa_codes", ctx);
}

static void
twofa_page(req_t *r, const char *error, const char *error_in)
{
	struct auth_ctx *a = r->auth;
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "二段階認証の設定");
	db_t *db = db_thread();
	totp_state_t s;
	const char *done = http_query(r, "done");

	r->no_store = true;
	if (db == NULL || (s = totp_state(db, a->account.id)) == TOTP_DBERR) {
		web_error(r, 500, NULL);
		return;
	}
	tv_set_str(A, ctx, "error", error);
	tv_set_bool(A, ctx, "error_confirm", error != NULL && strcmp(error_in, "confirm") == 0);
	tv_set_bool(A, ctx, "error_regenerate", error != NULL && strcmp(error_in, "regenerate") == 0);
	tv_set_bool(A, ctx, "error_disable", error != NULL && strcmp(error_in, "disable") == 0);
	tv_set_bool(A, ctx, "required", totp_role_required(config.login_require_2fa_roles, a->account.role));
	tv_set_bool(A, ctx, "forced", s != TOTP_ACTIVE && http_query(r, "required") != NULL);
	tv_set_bool(A, ctx, "state_none", s == TOTP_NONE);
	tv_set_bool(A, ctx, "state_pending", s == TOTP_PENDING);
	tv_set_bool(A, ctx, "state_active", s == TOTP_ACTIVE);
	tv_set_bool(A, ctx, "used_recovery", http_query(r, "recovery") != NULL);
	tv_set_str(A, ctx, "done", done != NULL && strcmp(done, "disabled") == 0 ? "二段階認証を解除しました。" : NULL);
	if (s == TOTP_PENDING) {
		uint8_t secret[TOTP_SECRET_BYTES];
		char b32[TOTP_BASE32_LEN + 1], grouped[TOTP_BASE32_LEN + TOTP_BASE32_LEN / 4 + 1];
		const char *issuer = config.site_short[0] ? config.site_short : (config.site_name[0] ? config.site_name : "tsunagu");
		char *uri, *svg;
		size_t i, o = 0;

		if (!totp_secret(db, a->account.id, secret) || !totp_base32_encode(secret, sizeof(secret), b32, sizeof(b32))) {
			sodium_memzero(secret, sizeof(secret));
			web_error(r, 500, NULL);
			return;
		}
		sodium_memzero(secret, sizeof(secret));
		for (i = 0; b32[i]; i++) {
			if (i > 0 && i % 4 == 0)
				grouped[o++] = ' ';
			grouped[o++] = b32[i];
		}
		grouped[o] = '\0';
		tv_set_str(A, ctx, "manual_key", grouped);
		uri = totp_uri(issuer, a->account.login, b32);
		svg = uri ? totp_qr_svg(uri, "認証アプリで読み取るQRコード。読み取れない場合は、下の手動入力用のキーを入力してください。") : NULL;
		if (svg != NULL)
			tv_set(A, ctx, "qr_svg", tv_html_trusted(A, svg, strlen(svg)));
		free(svg);
		free(uri);
		sodium_memzero(b32, sizeof(b32));
	}
	if (s == TOTP_ACTIVE)
		tv_set_int(A, ctx, "codes_left", totp_recovery_left(db, a->account.id));
	web_render(r, "mypage_2fa", ctx);
}

void
page_mypage_2fa(req_t *r)
{
	twofa_page(r, NULL, "");
}

/* A current code (or a recovery code) from the signed-in member; wrong ones count toward the lock-out. */
static bool
recheck(req_t *r, db_t *db, const char *code, const char *where)
{
	login_policy_t pol = lock_policy();
	int rc;

	if (code == NULL || code[0] == '\0' || strlen(code) > TOTP_CODE_MAX) {
		twofa_page(r, "確認コードを入力してください。", where);
		return false;
	}
	rc = totp_verify(db, r->auth->account.id, code, jtime_now());
	if (rc < 0) {
		web_error(r, 500, NULL);
		return false;
	}
	if (rc == 0) {
		if (account_throttle_failure(db, &r->auth->account, r->ip, "2fa", jtime_now(), &pol) == LOGIN_ERROR)
			web_error(r, 500, NULL);
		else
			twofa_page(r, MSG_CODE, where);
		return false;
	}
	return true;
}

void
page_mypage_2fa_post(req_t *r)
{
	const char *action = http_form(r, "action"), *code = http_form(r, "code");
	struct auth_ctx *a = r->auth;
	char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN + 1];
	db_t *db = db_thread();
	totp_state_t s;
	uint8_t secret[TOTP_SECRET_BYTES];

	r->no_store = true;
	if (db == NULL || action == NULL || (s = totp_state(db, a->account.id)) == TOTP_DBERR) {
		web_error(r, db == NULL ? 500 : 400, NULL);
		return;
	}
	if (strcmp(action, "start") == 0 && s != TOTP_ACTIVE) {
		bool ok = totp_start(db, a->account.id, jtime_now(), secret);
		sodium_memzero(secret, sizeof(secret));
		if (!ok) {
			web_error(r, 500, NULL);
			return;
		}
		http_redirect(r, "/mypage/2fa");
		return;
	}
	if (strcmp(action, "confirm") == 0 && s == TOTP_PENDING) {
		int rc;
		if (code == NULL || code[0] == '\0' || strlen(code) > TOTP_CODE_MAX) {
			twofa_page(r, "確認コードを入力してください。", "confirm");
			return;
		}
		rc = totp_confirm(db, &a->account, code, r->ip, jtime_now(), codes);
		if (rc < 0)
			web_error(r, 500, NULL);
		else if (rc == 0)
			twofa_page(r, MSG_CODE, "confirm");
		else
			show_codes(r, codes, true);
		return;
	}
	if (strcmp(action, "regenerate") == 0 && s == TOTP_ACTIVE) {
		if (!recheck(r, db, code, "regenerate"))
			return;
		if (!totp_regenerate(db, &a->account, r->ip, jtime_now(), codes)) {
			web_error(r, 500, NULL);
			return;
		}
		show_codes(r, codes, false);
		return;
	}
	if (strcmp(action, "disable") == 0 && s == TOTP_ACTIVE) {
		if (totp_role_required(config.login_require_2fa_roles, a->account.role)) {
			twofa_page(r, "あなたの権限では二段階認証を解除できません。", "disable");
			return;
		}
		if (!recheck(r, db, code, "disable"))
			return;
		if (!totp_remove(db, a->account.id, a->account.id, a->account.login, r->ip, "2fa.disable", jtime_now())) {
			web_error(r, 500, NULL);
			return;
		}
		http_redirect(r, "/mypage/2fa?done=disabled");
		return;
	}
	/* a stale form (e.g. confirm after another tab finished): show the page as it is now */
	http_redirect(r, "/mypage/2fa");
}

/* --- an administrator's reset (staff master) --- */

void
page_staff_account_2fa_reset_post(req_t *r)
{
	struct auth_ctx *a = r->auth;
	const char *p = http_param(r, 0);
	db_t *db = db_thread();
	account_t target;
	int64_t id;

	r->no_store = true;
	if (strcmp(a->account.role, "admin") != 0) {
		web_error(r, 403, "二段階認証のリセットは管理権限の職員だけが行えます。");
		return;
	}
	if (p == NULL || !str_to_i64(p, 1, INT64_MAX, &id)) {
		web_error(r, 404, NULL);
		return;
	}
	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (!account_get(db, id, &target) || strcmp(target.kind, "staff") != 0) {
		web_error(r, 404, NULL);
		return;
	}
	if (id == a->account.id) {
		web_error(r, 403, "自分自身の二段階認証はマイページの「二段階認証の設定」から変更してください。");
		return;
	}
	if (!totp_remove(db, id, a->account.id, a->account.login, r->ip, "2fa.reset", jtime_now())) {
		web_error(r, 500, NULL);
		return;
	}
	http_redirect(r, arena_printf(&r->arena, "/staff/accounts/%" PRId64 "?done=2fa", id));
}
