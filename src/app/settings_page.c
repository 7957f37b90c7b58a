/*
 * settings_page.c - the site settings screen /staff/settings (issue 6 item 5; G01, G45, G86) and the
 * intrusion signals' screens (issue 6 item 8; SEC13): the 「セキュリティ警告」 region of the staff
 * dashboard, /staff/security with past alerts, and the acknowledgement. Administrators only
 * (POLICY_SETTINGS). web_security_event is the one call the request path makes for an event.
 */
#include "app/web.h"
#include "auth/alerts.h"
#include "auth/audit.h"
#include "auth/policy.h"
#include "content/settings.h"
#include "core/config.h"
#include "core/jtime.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"
#include "mail/mail.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* ---- intrusion signals on the request path ---- */

void
web_security_event(req_t *r, int kind, const char *detail)
{
	const site_settings_t *s = settings_current();
	alerts_policy_t p = {
		config.security_window_s, config.security_login_per_ip, config.security_login_total,
		config.security_ipblock, config.security_csrf, (int64_t)config.security_mail_interval_min * 60,
		s->v[SET_ALERT_MAIL], s->v[SET_NAME], config.base_url[0] ? web_abs(r, "/staff") : "",
	};
	db_t *db = db_thread();
	bool mailed = false;

	if (db == NULL || alerts_record(db, (alert_kind_t)kind, r->ip, detail, jtime_now(), &p, &mailed) < 0) {
		log_error("security: an event (%s) could not be recorded", alerts_kind_name((alert_kind_t)kind));
		return;
	}
	if (mailed)
		mail_wake();
}

/* ---- site settings ---- */

struct settings_form {
	site_settings_t v;
	const char     *err[SET_COUNT];
};

static const char *const hints[SET_COUNT] = {
	"ページの上部やタイトル、メールに表示される正式名称です（60文字以内）。",
	"覚えやすい通称です。ページ上部に大きく表示されます（30文字以内、空欄なら正式名称）。",
	"トップページの「移住を考えている方へ」から案内する、群馬県の移住マッチングサイトのURLです（空欄なら案内しません）。",
	"「G-」で始まる測定IDです。入力すると公開ページにタグが入ります（空欄なら計測しません）。",
	"Search Console の確認用メタタグ（<meta name=\"google-site-verification\" content=\"…\">）の content の値です（タグごと貼り付けても構いません）。",
	"企業情報の掲載期間を何か月単位で更新するかです（1〜12）。",
	"オンにすると、企業が変更した情報は職員が承認してから公開されます。",
	"掲載期間の終了の何日前にお知らせメールを送るかを、カンマで区切って入力します（例: 14,3）。",
	"セキュリティ警告をメールで受け取るアドレスです（空欄ならメールは送らず、業務管理メニューにだけ表示します）。",
};

static const struct {
	const char *label;
	const char *type;        /* input type; NULL: written by the template itself (the checkbox) */
	int         maxlength;
	const char *inputmode;
} inputs[SET_COUNT] = {
	{ "サイト名", "text", SETTINGS_NAME_CHARS, NULL },
	{ "愛称", "text", SETTINGS_NICK_CHARS, NULL },
	{ "移住マッチングサイトのURL", "url", SETTINGS_URL_MAX, NULL },
	{ "Google アナリティクス測定ID", "text", SETTINGS_GA_MAX, NULL },
	{ "Search Console 確認コード", "text", SETTINGS_GSC_MAX, NULL },
	{ "掲載期間の単位（月）", "text", 2, "numeric" },
	{ "企業情報の承認", NULL, 0, NULL },
	{ "掲載終了のお知らせ（日前）", "text", SETTINGS_NOTICE_MAX, NULL },
	{ "セキュリティ通知先メールアドレス", "email", STR_EMAIL_MAX, NULL },
};

static void
render(req_t *r, const struct settings_form *f, const char *error, const char *done)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "サイト設定"), *fields = tv_map(A);
	int k;

	r->no_store = true;
	tv_set_str(A, ctx, "csrf", web_csrf(r));
	tv_set_str(A, ctx, "error", error);
	if (done != NULL)
		tv_set_str(A, ctx, "done", done);
	for (k = 0; k < SET_COUNT; k++) {
		tv_t *m = tv_map(A);
		tv_set_str(A, m, "name", settings_field((settings_key_t)k));
		tv_set_str(A, m, "label", inputs[k].label);
		if (inputs[k].type != NULL)
			tv_set_str(A, m, "type", inputs[k].type);
		tv_set_int(A, m, "maxlength", inputs[k].maxlength);
		if (inputs[k].inputmode != NULL)
			tv_set_str(A, m, "inputmode", inputs[k].inputmode);
		tv_set_str(A, m, "value", f->v.v[k]);
		tv_set_str(A, m, "hint", hints[k]);
		if (f->err[k] != NULL) {
			tv_set_str(A, m, "error", f->err[k]);
			tv_set_bool(A, m, "invalid", true);
		}
		tv_set(A, fields, settings_field((settings_key_t)k), m);
	}
	tv_set_bool(A, ctx, "approval_on", strcmp(f->v.v[SET_APPROVAL], "1") == 0);
	tv_set(A, ctx, "f", fields);
	tv_set_str(A, ctx, "default_name", config.site_name);
	web_render(r, "staff/settings", ctx);
}

void
page_staff_settings(req_t *r)
{
	struct settings_form f;
	const char *done = http_query(r, "done");
	db_t *db = db_thread();

	memset(&f, 0, sizeof(f));
	if (!web_can(r, POLICY_VIEW, POLICY_SETTINGS, 0))
		return;
	if (db == NULL || !settings_read(db, &f.v)) {
		web_error(r, 500, NULL);
		return;
	}
	render(r, &f, NULL, done == NULL ? NULL : strcmp(done, "1") == 0 ? "サイト設定を保存しました。公開ページにすぐ反映されます。"
	    : "変更された項目はありませんでした。");
}

/* Leading and trailing spaces (ASCII and ideographic) removed; false when over the field's byte limit (out then
 * holds what fits, for the form). */
static bool
take(const char *in, char *out, size_t n)
{
	size_t len;

	while (*in == ' ' || *in == '\t' || strncmp(in, "\xE3\x80\x80", 3) == 0)
		in += *in == ' ' || *in == '\t' ? 1 : 3;
	len = strlen(in);
	while (len > 0 && (in[len - 1] == ' ' || in[len - 1] == '\t' || in[len - 1] == '\r' || in[len - 1] == '\n'))
		len--;
	while (len >= 3 && memcmp(in + len - 3, "\xE3\x80\x80", 3) == 0)
		len -= 3;
	if (len >= n) {
		/* kept for the form up to the limit, without a broken character */
		len = str_utf8_prefix(in, n - 1, n - 1);
		memcpy(out, in, len);
		out[len] = '\0';
		return false;
	}
	memcpy(out, in, len);
	out[len] = '\0';
	return true;
}

void
page_staff_settings_post(req_t *r)
{
	struct settings_form f;
	site_settings_t cur;
	struct auth_ctx *a = r->auth;
	db_t *db = db_thread();
	buf_t changed = BUF_INIT, detail = BUF_INIT;
	int k, nchanged = 0;
	bool bad = false;

	memset(&f, 0, sizeof(f));
	if (!web_can(r, POLICY_UPDATE, POLICY_SETTINGS, 0))
		return;
	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	for (k = 0; k < SET_COUNT; k++) {
		const char *in = http_form(r, settings_field((settings_key_t)k));
		if (in == NULL && k != SET_APPROVAL) {
			/* every text field is always sent: a missing one is not this form, and must not clear a value */
			web_error(r, 400, NULL);
			return;
		}
		if (!take(in != NULL ? in : "0", f.v.v[k], sizeof(f.v.v[k]))) {
			f.err[k] = "入力された内容が長すぎます。";
			bad = true;
			continue;
		}
		if ((f.err[k] = settings_check((settings_key_t)k, f.v.v[k], sizeof(f.v.v[k]))) != NULL)
			bad = true;
	}
	if (bad) {
		r->status = 422;
		render(r, &f, "保存できませんでした。各項目のメッセージをご確認ください。", NULL);
		return;
	}
	if (!db_begin_write(db)) {
		web_error(r, 500, NULL);
		return;
	}
	if (!settings_read(db, &cur) || !settings_store(db, &cur, &f.v, &changed, &nchanged))
		goto fail;
	if (nchanged > 0) {
		buf_printf(&detail, "changed: %s", changed.data);
		if (detail.oom)
			goto fail;
		audit_entry_t e = { a->account.id, a->account.login, r->ip, "settings.update", "settings", detail.data };
		if (!audit_append(db, &e, jtime_now()))
			goto fail;
	}
	if (!db_commit(db))
		goto fail;
	if (nchanged > 0) {
		(void)audit_sync_head(db);
		if (settings_read(db, &cur))
			settings_publish(&cur); /* this process shows the new values at once */
		log_info("settings: %s changed by %s", changed.data, a->account.login);
	}
	buf_free(&changed);
	buf_free(&detail);
	http_redirect(r, nchanged > 0 ? "/staff/settings?done=1" : "/staff/settings?done=0");
	return;
fail:
	db_rollback(db);
	buf_free(&changed);
	buf_free(&detail);
	web_error(r, 500, NULL);
}

/* ---- security alerts ---- */

static tv_t *
alert_row(arena_t *A, db_stmt_t *st)
{
	tv_t *m = tv_map(A);
	alert_kind_t k = ALERT_LOGIN;

	(void)alerts_kind_parse(db_col_text(st, 1), &k);
	tv_set_int(A, m, "id", db_col_i64(st, 0));
	tv_set_str(A, m, "kind", alerts_kind_name(k));
	tv_set_str(A, m, "label", alerts_kind_label(k));
	tv_set_int(A, m, "first_at", db_col_i64(st, 2));
	tv_set_int(A, m, "last_at", db_col_i64(st, 3));
	tv_set_int(A, m, "count", db_col_i64(st, 4));
	tv_set_str(A, m, "summary", db_col_text(st, 5));
	if (!db_col_null(st, 7)) {
		tv_set_str(A, m, "acknowledged_by", db_col_text(st, 6));
		tv_set_int(A, m, "acknowledged_at", db_col_i64(st, 7));
	}
	tv_set_bool(A, m, "mailed", db_col_i64(st, 8) > 0);
	return m;
}

static tv_t *
alert_list(req_t *r, db_t *db, bool open_only, int limit)
{
	arena_t *A = &r->arena;
	tv_t *list = tv_list(A);
	db_stmt_t *st = db_prepare(db, open_only
	    ? "SELECT id, kind, first_at, last_at, count, summary, acknowledged_by, acknowledged_at, mailed_at "
	      "FROM security_alerts WHERE acknowledged_at IS NULL ORDER BY last_at DESC, id DESC LIMIT ?"
	    : "SELECT id, kind, first_at, last_at, count, summary, acknowledged_by, acknowledged_at, mailed_at "
	      "FROM security_alerts ORDER BY first_at DESC, id DESC LIMIT ?");
	int rc;

	if (st == NULL)
		return NULL;
	db_bind_i64(st, 1, limit);
	while ((rc = db_step(st)) == DB_ROW)
		tv_push(A, list, alert_row(A, st));
	db_done(st);
	return rc == DB_DONE ? list : NULL;
}

void
security_alerts_section(req_t *r, tv_t *ctx)
{
	db_t *db = db_thread();
	tv_t *list;

	if (r->auth == NULL || !policy_can(&r->auth->account, POLICY_VIEW, POLICY_SETTINGS, 0) || db == NULL)
		return;
	list = alert_list(r, db, true, 10);
	if (list == NULL) {
		log_error("security: the open alerts could not be read");
		return;
	}
	if (list->u.list.n > 0) {
		tv_set(&r->arena, ctx, "security_alerts", list);
		tv_set_bool(&r->arena, ctx, "has_security_alerts", true);
		tv_set_str(&r->arena, ctx, "csrf", web_csrf(r));
	}
	tv_set_bool(&r->arena, ctx, "acked", http_query(r, "acked") != NULL);
}

void
page_staff_security(req_t *r)
{
	db_t *db = db_thread();
	tv_t *ctx, *list;

	if (!web_can(r, POLICY_VIEW, POLICY_SETTINGS, 0))
		return;
	if (db == NULL || (list = alert_list(r, db, false, 200)) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	ctx = web_ctx(r, "セキュリティ警告の履歴");
	tv_set_str(&r->arena, ctx, "csrf", web_csrf(r));
	if (list->u.list.n > 0)
		tv_set(&r->arena, ctx, "alerts", list);
	tv_set_bool(&r->arena, ctx, "acked", http_query(r, "acked") != NULL);
	tv_set_int(&r->arena, ctx, "window_min", config.security_window_s / 60);
	tv_set_int(&r->arena, ctx, "login_per_ip", config.security_login_per_ip);
	tv_set_int(&r->arena, ctx, "login_total", config.security_login_total);
	tv_set_int(&r->arena, ctx, "ipblock", config.security_ipblock);
	tv_set_int(&r->arena, ctx, "csrf_n", config.security_csrf);
	tv_set_int(&r->arena, ctx, "mail_interval_min", config.security_mail_interval_min);
	tv_set_str(&r->arena, ctx, "alert_mail", settings_current()->v[SET_ALERT_MAIL]);
	web_render(r, "staff/security", ctx);
}

void
page_staff_security_ack_post(req_t *r)
{
	struct auth_ctx *a = r->auth;
	db_t *db = db_thread();
	int64_t id;
	const char *back = http_form(r, "back");
	int rc;

	if (!web_can(r, POLICY_UPDATE, POLICY_SETTINGS, 0))
		return;
	if (http_param(r, 0) == NULL || !str_to_i64(http_param(r, 0), 1, INT64_MAX, &id)) {
		web_error(r, 404, NULL);
		return;
	}
	if (db == NULL || (rc = alerts_ack(db, id, a->account.id, a->account.login, r->ip, jtime_now())) < 0) {
		web_error(r, 500, NULL);
		return;
	}
	if (rc == 0) {
		web_error(r, 404, "この警告は見つからないか、すでに確認済みです。");
		return;
	}
	http_redirect(r, back != NULL && strcmp(back, "list") == 0 ? "/staff/security?acked=1" : "/staff?acked=1");
}
