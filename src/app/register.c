/* register.c - the pages of member registration, password reset and the job seeker's profile
 * (issue 5 items 3, 4, 7; G11, G12, G21, SEC04, SEC05, B04). The logic lives in src/member/. */
#include "app/web.h"
#include "auth/password.h"
#include "content/schema.h"
#include "content/settings.h"
#include "core/config.h"
#include "core/jtime.h"
#include "core/log.h"
#include "db/db.h"
#include "mail/mail.h"
#include "member/member.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define FORM_SEEKER  "register_seeker"
#define FORM_COMPANY "register_company"
#define FORM_FORGOT  "password_forgot"
#define MSG_FIX      "入力内容に誤りがあります。各項目のメッセージをご確認のうえ、もう一度送信してください。"

static pthread_mutex_t schema_lock = PTHREAD_MUTEX_INITIALIZER;
static schema_t *schema;

/* The site schema, for the company entity a registration creates (loaded on first use). */
static const schema_t *
site_schema(void)
{
	char err[512];

	pthread_mutex_lock(&schema_lock);
	if (schema == NULL && (schema = schema_load(config.root, config.site, err, sizeof(err))) == NULL)
		log_error("register: schema: %s", err);
	pthread_mutex_unlock(&schema_lock);
	return schema;
}

void
register_free(void)
{
	pthread_mutex_lock(&schema_lock);
	schema_free(schema);
	schema = NULL;
	pthread_mutex_unlock(&schema_lock);
}

static member_site_t
site_of(req_t *r, const char *link_path)
{
	member_site_t s;

	s.name = settings_site_nickname(); /* the settings screen over site.ini (G01) */
	s.link_base = web_abs(r, link_path);
	s.login_url = web_abs(r, "/login");
	s.forgot_url = web_abs(r, "/password/forgot");
	return s;
}

/* The options of a select: the active terms of vocab in their order, and a retired one only when it is
 * the stored value (prev) of the profile being edited (issue 6 item 3). */
static tv_t *
options(req_t *r, db_t *db, const char *vocab, const char *selected, const char *prev)
{
	arena_t *A = &r->arena;
	tv_t *list = tv_list(A), *o = tv_map(A);
	db_stmt_t *st;

	tv_set_str(A, o, "value", "");
	tv_set_str(A, o, "label", "選んでください");
	tv_set_bool(A, o, "selected", selected == NULL || selected[0] == '\0');
	tv_push(A, list, o);
	st = db ? db_prepare(db, "SELECT code, name, retired_at IS NOT NULL FROM terms WHERE vocab = ? "
	    "AND (retired_at IS NULL OR code = ?) ORDER BY sort, id") : NULL;
	if (st == NULL)
		return list;
	db_bind_str(st, 1, vocab);
	db_bind_str(st, 2, prev != NULL ? prev : "");
	while (db_step(st) == DB_ROW) {
		o = tv_map(A);
		tv_set_str(A, o, "value", db_col_text(st, 0));
		tv_set_str(A, o, "label", db_col_i64(st, 2) ? arena_printf(A, "%s（廃止）", db_col_text(st, 1)) :
		    db_col_text(st, 1));
		tv_set_bool(A, o, "selected", selected != NULL && strcmp(selected, db_col_text(st, 0)) == 0);
		tv_push(A, list, o);
	}
	db_done(st);
	return list;
}

/* The fields for templates/partials/member_fields.html; every key is set on every item so that no
 * lookup falls through to the page's own values. */
static tv_t *
fields_ctx(req_t *r, db_t *db, const member_form_t *f)
{
	arena_t *A = &r->arena;
	tv_t *list = tv_list(A);
	int i;

	for (i = 0; i < f->n; i++) {
		const member_field_t *d = &f->defs[i];
		const char *v = f->values[i] ? f->values[i] : "";
		const char *e = f->errors[i];
		tv_t *m = tv_map(A);
		buf_t desc = BUF_INIT;
		bool sel = strcmp(d->input, "select") == 0, area = strcmp(d->input, "textarea") == 0;
		bool box = strcmp(d->input, "checkbox") == 0;

		tv_set_str(A, m, "name", d->name);
		tv_set_str(A, m, "label", d->label);
		tv_set_str(A, m, "type", d->input);
		tv_set_bool(A, m, "is_select", sel);
		tv_set_bool(A, m, "is_textarea", area);
		tv_set_bool(A, m, "is_checkbox", box);
		tv_set_bool(A, m, "is_input", !sel && !area && !box);
		tv_set_str(A, m, "value", v);
		tv_set_bool(A, m, "checked", box && v[0] != '\0');
		tv_set_bool(A, m, "required", d->required);
		/* maxlength does not apply to date and month inputs */
		tv_set_int(A, m, "maxlength", d->check == MF_DATE || d->check == MF_MONTH ? 0 : d->max);
		tv_set_str(A, m, "autocomplete", d->autocomplete ? d->autocomplete : "");
		tv_set_str(A, m, "hint", d->hint ? d->hint : "");
		tv_set_str(A, m, "ferr", e);
		if (e[0] != '\0')
			buf_printf(&desc, "f-%s-error", d->name);
		if (d->hint != NULL)
			buf_printf(&desc, "%sf-%s-hint", desc.len ? " " : "", d->name);
		tv_set_str(A, m, "describedby", desc.data && !desc.oom ? desc.data : "");
		buf_free(&desc);
		tv_set(A, m, "options", sel ? options(r, db, d->vocab, v, f->prev[i]) : tv_list(A));
		tv_push(A, list, m);
	}
	return list;
}

/* Reads the form's fields from the request: only the fields the form has (no mass assignment). */
static void
form_read(req_t *r, member_form_t *f)
{
	int i;

	for (i = 0; i < f->n; i++)
		f->values[i] = http_form(r, f->defs[i].name);
}

typedef struct page_text {
	const char *title;
	const char *intro;
	const char *action;
	const char *button;
	const char *antispam;  /* form name, or NULL */
} page_text_t;

static const page_text_t seeker_text = {
	"利用者登録", "ジョブカフェぐんまの利用者登録（無料）のお申し込みフォームです。送信すると、確認のためのメールをお送りします。"
	"メールのリンクから登録を完了すると、ログインIDが発行され、パスワードを設定できます。",
	"/register/seeker", "確認メールを送信する", FORM_SEEKER,
};
static const page_text_t company_text = {
	"企業登録", "企業の方の利用者登録（無料）のお申し込みフォームです。送信すると、確認のためのメールをお送りします。"
	"メールのリンクから登録を完了すると、ログインIDが発行され、パスワードを設定できます。"
	"ご入力の企業名・代表者・所在地・電話番号・業種・事業内容・ご担当者名・メールアドレスは企業情報（下書き）として登録され、"
	"担当者の確認後にサイトに掲載されます。",
	"/register/company", "確認メールを送信する", FORM_COMPANY,
};
static const page_text_t forgot_text = {
	"パスワードの再設定", "ご登録のメールアドレスを入力してください。パスワードを再設定するためのリンクをメールでお送りします。"
	"リンクは1時間有効で、1回だけ使えます。",
	"/password/forgot", "再設定のメールを送信する", FORM_FORGOT,
};
static const page_text_t profile_text = {
	"プロフィールの確認・変更", "ご登録のプロフィールです。変更したい項目を書き換えて「変更を保存する」を押してください。",
	"/mypage/profile", "変更を保存する", NULL,
};

static void
form_page(req_t *r, const page_text_t *t, const member_form_t *f, const char *error, const char *notice)
{
	tv_t *ctx = web_ctx(r, t->title);
	arena_t *A = &r->arena;

	tv_set_str(A, ctx, "csrf", web_csrf(r));
	tv_set_str(A, ctx, "heading", t->title);
	tv_set_str(A, ctx, "intro", t->intro);
	tv_set_str(A, ctx, "action", t->action);
	tv_set_str(A, ctx, "button", t->button);
	tv_set_str(A, ctx, "error", error);
	tv_set_str(A, ctx, "notice", notice);
	tv_set_bool(A, ctx, "has_required", f->kind != MEMBER_FORGOT);
	tv_set_bool(A, ctx, "is_forgot", f->kind == MEMBER_FORGOT);
	tv_set_bool(A, ctx, "is_profile", f->kind == MEMBER_SEEKER_PROFILE);
	tv_set_bool(A, ctx, "is_register", f->kind == MEMBER_SEEKER_REG || f->kind == MEMBER_COMPANY_REG);
	tv_set(A, ctx, "fields", fields_ctx(r, db_thread(), f));
	if (t->antispam != NULL)
		web_antispam(r, ctx, t->antispam);
	r->no_store = true;
	web_render(r, "member_form", ctx);
}

/* A page of a few sentences, an optional login ID and links. */
static void
notice_page(req_t *r, const char *title, const char *const *paras, const char *login_id, const char *const *links)
{
	tv_t *ctx = web_ctx(r, title);
	arena_t *A = &r->arena;
	tv_t *ps = tv_list(A), *ls = tv_list(A);
	size_t i;

	for (i = 0; paras != NULL && paras[i] != NULL; i++)
		tv_push(A, ps, tv_str(A, paras[i]));
	for (i = 0; links != NULL && links[i] != NULL && links[i + 1] != NULL; i += 2) {
		tv_t *l = tv_map(A);
		tv_set_str(A, l, "href", links[i]);
		tv_set_str(A, l, "label", links[i + 1]);
		tv_push(A, ls, l);
	}
	tv_set_str(A, ctx, "heading", title);
	tv_set(A, ctx, "paras", ps);
	tv_set(A, ctx, "links", ls);
	tv_set_str(A, ctx, "login_id", login_id);
	r->no_store = true;
	web_render(r, "member_notice", ctx);
}

/* ---- registration ---- */

static void
register_get(req_t *r, member_form_kind_t kind)
{
	member_form_t f;

	member_form_init(&f, kind);
	if (kind == MEMBER_SEEKER_REG || kind == MEMBER_COMPANY_REG)
		f.values[member_form_index(&f, "mail_ok")] = "1";
	form_page(r, kind == MEMBER_COMPANY_REG ? &company_text : &seeker_text, &f, NULL, NULL);
}

void page_register_seeker(req_t *r) { register_get(r, MEMBER_SEEKER_REG); }
void page_register_company(req_t *r) { register_get(r, MEMBER_COMPANY_REG); }

static void
register_post(req_t *r, member_form_kind_t kind)
{
	const page_text_t *t = kind == MEMBER_COMPANY_REG ? &company_text : &seeker_text;
	member_site_t site = site_of(r, "/register/confirm?token=");
	member_reg_outcome_t outcome;
	antispam_verdict_t v;
	member_form_t f;
	int64_t reg_id;
	db_t *db = db_thread();

	member_form_init(&f, kind);
	form_read(r, &f);
	if (db == NULL || !web_antispam_check(r, t->antispam, &v)) {
		web_error(r, 500, NULL);
		return;
	}
	if (v == ANTISPAM_REJECT_HONEYPOT) {
		/* the same answer as a real registration, and nothing stored or sent */
		http_redirect(r, kind == MEMBER_COMPANY_REG ? "/register/sent?kind=company" : "/register/sent");
		return;
	}
	if (v != ANTISPAM_ACCEPT && v != ANTISPAM_HOLD) {
		member_form_check(db, &f, jtime_now());
		form_page(r, t, &f, antispam_message(v), NULL);
		return;
	}
	if (!member_form_check(db, &f, jtime_now())) {
		form_page(r, t, &f, MSG_FIX, NULL);
		return;
	}
	if (!member_register(db, &f, v == ANTISPAM_HOLD, r->ip, &site, jtime_now(), &outcome, &reg_id)) {
		web_error(r, 500, NULL);
		return;
	}
	mail_wake();
	if (kind == MEMBER_COMPANY_REG)
		http_redirect(r, v == ANTISPAM_HOLD ? "/register/sent?kind=company&held=1" : "/register/sent?kind=company");
	else
		http_redirect(r, v == ANTISPAM_HOLD ? "/register/sent?held=1" : "/register/sent");
}

void page_register_seeker_post(req_t *r) { register_post(r, MEMBER_SEEKER_REG); }
void page_register_company_post(req_t *r) { register_post(r, MEMBER_COMPANY_REG); }

void
page_register_sent(req_t *r)
{
	const char *held = http_query(r, "held");
	const char *paras[] = {
		"ご入力のメールアドレスあてに、確認のためのメールを送信しました。",
		"メールに記載のリンクを24時間以内に開いて、パスワードを設定し、登録を完了してください。",
		"メールが届かない場合は、迷惑メールのフォルダをご確認いただくか、メールアドレスをお確かめのうえ、もう一度お申し込みください。",
		held != NULL ? antispam_message(ANTISPAM_HOLD) : NULL,
		NULL,
	};
	const char *links[] = { "/", "トップページへ", NULL };

	notice_page(r, "確認メールを送信しました", paras, NULL, links);
}

static void
link_problem(req_t *r, member_link_t link, bool reset)
{
	const char *msg = link == MEMBER_LINK_EXPIRED ? "このリンクは有効期限が切れています。"
	    : link == MEMBER_LINK_USED ? "このリンクはすでに使われています。リンクは1回だけ使えます。"
	    : "このリンクは正しくないか、使えなくなっています。メールに記載のリンクをもう一度ご確認ください。";
	const char *paras_reg[] = { msg, "お手数ですが、もう一度お申し込みください。登録が完了している場合は、ログインできます。", NULL };
	const char *paras_reset[] = { msg, "お手数ですが、パスワードの再設定をもう一度お申し込みください。", NULL };
	const char *links_reg[] = { "/register/seeker", "利用者登録をやり直す", "/register/company", "企業登録をやり直す",
		"/login", "ログイン", NULL };
	const char *links_reset[] = { "/password/forgot", "パスワードの再設定をもう一度申し込む", "/login", "ログイン", NULL };

	if (link == MEMBER_LINK_ERROR) {
		web_error(r, 500, NULL);
		return;
	}
	r->status = link == MEMBER_LINK_UNKNOWN ? 404 : 410;
	notice_page(r, reset ? "パスワードの再設定" : "登録の確認", reset ? paras_reset : paras_reg, NULL,
	    reset ? links_reset : links_reg);
}

static void
setpw_page(req_t *r, bool reset, const char *token, const char *login, const char *kind, const char *email,
    const char *error)
{
	tv_t *ctx = web_ctx(r, reset ? "新しいパスワードの設定" : "パスワードの設定");
	arena_t *A = &r->arena;

	tv_set_str(A, ctx, "csrf", web_csrf(r));
	tv_set_str(A, ctx, "heading", reset ? "新しいパスワードの設定" : "パスワードの設定");
	tv_set_str(A, ctx, "action", reset ? "/password/reset" : "/register/confirm");
	tv_set_str(A, ctx, "token", token);
	tv_set_str(A, ctx, "login_id", login);
	tv_set_str(A, ctx, "kind_label", kind == NULL ? NULL : strcmp(kind, "company") == 0 ? "企業" : "利用者");
	tv_set_str(A, ctx, "email", email);
	tv_set_bool(A, ctx, "reset", reset);
	tv_set_str(A, ctx, "error", error);
	r->no_store = true;
	web_render(r, "member_setpw", ctx);
}

void
page_register_confirm(req_t *r)
{
	const char *token = http_query(r, "token");
	member_reg_t reg;
	member_link_t link;
	db_t *db = db_thread();

	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	link = member_register_lookup(db, token, jtime_now(), &reg);
	if (link != MEMBER_LINK_OK) {
		link_problem(r, link, false);
		return;
	}
	setpw_page(r, false, token, reg.login, reg.kind, reg.email, NULL);
}

void
page_register_confirm_post(req_t *r)
{
	const char *token = http_form(r, "token"), *pw = http_form(r, "new_password");
	const char *confirm = http_form(r, "new_password_confirm");
	member_site_t site = site_of(r, "/register/confirm?token=");
	member_reg_t reg;
	member_link_t link;
	db_t *db = db_thread();
	char err[512];

	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	link = member_register_lookup(db, token, jtime_now(), &reg);
	if (link != MEMBER_LINK_OK) {
		link_problem(r, link, false);
		return;
	}
	if (pw == NULL || confirm == NULL || pw[0] == '\0' || strlen(pw) > PASSWORD_MAX_BYTES) {
		setpw_page(r, false, token, reg.login, reg.kind, reg.email, "パスワードを入力してください（128文字以内）。");
		return;
	}
	if (strcmp(pw, confirm) != 0) {
		setpw_page(r, false, token, reg.login, reg.kind, reg.email, "パスワードと確認用のパスワードが一致しません。");
		return;
	}
	if (!member_register_complete(db, site_schema(), token, pw, r->ip, &site, jtime_now(), &link, &reg, err,
	    sizeof(err))) {
		if (link != MEMBER_LINK_OK)
			link_problem(r, link, false);
		else
			setpw_page(r, false, token, reg.login, reg.kind, reg.email, arena_strdup(&r->arena, err));
		return;
	}
	mail_wake();
	{
		const char *paras[] = {
			"登録が完了しました。ログインIDは次のとおりです。同じ内容をメールでもお送りしました。",
			"ログインIDは、ログインのたびに使います。メモなどに控えて大切に保管してください。",
			strcmp(reg.kind, "company") == 0 ? "企業情報は下書きとして登録しました。担当者の確認後に掲載されます。" : NULL,
			NULL,
		};
		const char *links[] = { "/login", "ログイン画面へ", NULL };
		notice_page(r, "登録が完了しました", paras, reg.login, links);
	}
}

/* ---- password reset ---- */

void
page_password_forgot(req_t *r)
{
	member_form_t f;

	if (http_query(r, "sent") != NULL) {
		const char *paras[] = {
			"ご入力のメールアドレスが登録されている場合は、パスワードを再設定するためのメールを送信しました。",
			"メールに記載のリンクを1時間以内に開いて、新しいパスワードを設定してください。リンクは1回だけ使えます。",
			"メールが届かない場合は、迷惑メールのフォルダをご確認いただくか、ご登録のメールアドレスをお確かめのうえ、もう一度お申し込みください。",
			NULL,
		};
		const char *links[] = { "/login", "ログイン画面へ", NULL };
		notice_page(r, "メールを送信しました", paras, NULL, links);
		return;
	}
	member_form_init(&f, MEMBER_FORGOT);
	form_page(r, &forgot_text, &f, NULL, NULL);
}

void
page_password_forgot_post(req_t *r)
{
	member_site_t site = site_of(r, "/password/reset?token=");
	antispam_verdict_t v;
	member_form_t f;
	db_t *db = db_thread();
	int sent;

	member_form_init(&f, MEMBER_FORGOT);
	form_read(r, &f);
	if (db == NULL || !web_antispam_check(r, FORM_FORGOT, &v)) {
		web_error(r, 500, NULL);
		return;
	}
	if (v == ANTISPAM_REJECT_HONEYPOT) {
		http_redirect(r, "/password/forgot?sent=1");
		return;
	}
	if (v != ANTISPAM_ACCEPT && v != ANTISPAM_HOLD) {
		member_form_check(NULL, &f, jtime_now());
		form_page(r, &forgot_text, &f, antispam_message(v), NULL);
		return;
	}
	if (!member_form_check(NULL, &f, jtime_now())) {
		form_page(r, &forgot_text, &f, MSG_FIX, NULL);
		return;
	}
	/* held (no proof of work) is still answered: the mail goes only to the address's own accounts */
	if (!member_reset_request(db, member_form_value(&f, "email"), r->ip, &site, jtime_now(), &sent)) {
		web_error(r, 500, NULL);
		return;
	}
	if (sent > 0)
		mail_wake();
	http_redirect(r, "/password/forgot?sent=1");
}

void
page_password_reset(req_t *r)
{
	const char *token = http_query(r, "token");
	char login[65];
	int64_t account_id;
	member_link_t link;
	db_t *db = db_thread();

	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	link = member_reset_lookup(db, token, jtime_now(), &account_id, login);
	if (link != MEMBER_LINK_OK) {
		link_problem(r, link, true);
		return;
	}
	setpw_page(r, true, token, login, NULL, NULL, NULL);
}

void
page_password_reset_post(req_t *r)
{
	const char *token = http_form(r, "token"), *pw = http_form(r, "new_password");
	const char *confirm = http_form(r, "new_password_confirm");
	char login[65], err[512];
	int64_t account_id;
	member_link_t link;
	db_t *db = db_thread();

	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	link = member_reset_lookup(db, token, jtime_now(), &account_id, login);
	if (link != MEMBER_LINK_OK) {
		link_problem(r, link, true);
		return;
	}
	if (pw == NULL || confirm == NULL || pw[0] == '\0' || strlen(pw) > PASSWORD_MAX_BYTES) {
		setpw_page(r, true, token, login, NULL, NULL, "新しいパスワードを入力してください（128文字以内）。");
		return;
	}
	if (strcmp(pw, confirm) != 0) {
		setpw_page(r, true, token, login, NULL, NULL, "新しいパスワードと確認用のパスワードが一致しません。");
		return;
	}
	if (!member_reset_complete(db, token, pw, r->ip, jtime_now(), &link, err, sizeof(err))) {
		if (link != MEMBER_LINK_OK)
			link_problem(r, link, true);
		else
			setpw_page(r, true, token, login, NULL, NULL, arena_strdup(&r->arena, err));
		return;
	}
	/* every session of the account has ended, this browser's included */
	if (r->auth != NULL && r->auth->signed_in && r->auth->account.id == account_id)
		http_clear_cookie(r, web_cookie_session(r));
	{
		const char *paras[] = {
			"パスワードを再設定しました。新しいパスワードでログインしてください。",
			"安全のため、このアカウントでのログインはすべての端末で終了しました。",
			NULL,
		};
		const char *links[] = { "/login", "ログイン画面へ", NULL };
		notice_page(r, "パスワードを再設定しました", paras, login, links);
	}
}

/* ---- the job seeker's profile ---- */

void
page_profile(req_t *r)
{
	member_form_t f;
	db_t *db = db_thread();
	bool done = http_query(r, "done") != NULL;

	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (!member_seeker_load(db, r->auth->account.id, &f, &r->arena) &&
	    (r->auth->account.display_name[0] != '\0'))
		f.values[member_form_index(&f, "name")] = r->auth->account.display_name;
	form_page(r, &profile_text, &f, NULL, done ? "プロフィールを保存しました。" : NULL);
}

void
page_profile_post(req_t *r)
{
	member_form_t f, stored;
	db_t *db = db_thread();
	struct auth_ctx *a = r->auth;

	member_form_init(&f, MEMBER_SEEKER_PROFILE);
	form_read(r, &f);
	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	/* what is stored: a retired term may stay where it already is (issue 6 item 3) */
	if (member_seeker_load(db, a->account.id, &stored, &r->arena))
		memcpy(f.prev, stored.prev, sizeof(f.prev));
	if (!member_form_check(db, &f, jtime_now())) {
		form_page(r, &profile_text, &f, MSG_FIX, NULL);
		return;
	}
	if (!member_seeker_save(db, a->account.id, a->account.login, r->ip, &f, jtime_now())) {
		web_error(r, 500, NULL);
		return;
	}
	http_redirect(r, "/mypage/profile?done=1");
}
