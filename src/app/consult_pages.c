/* consult_pages.c - the mail consultation screens (issue 5 items 4 and 8; G12): the seeker's under
 * /mypage/consultations, the staff's under /staff/consultations. The data side is consult.c. */
#include "app/consult.h"
#include "app/web.h"
#include "content/settings.h"
#include "auth/audit.h"
#include "core/config.h"
#include "core/jtime.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"
#include "mail/mail.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define MSG_NO_REPLY "メール相談に返信できるのは、県または就職支援部門の職員です。企業支援部門の職員は閲覧のみできます。"
#define STAFF_PAGES_MAX 100000

/* This thread's database connection, or NULL after answering 500 (later calls get the same one). */
static db_t *
req_db(req_t *r)
{
	db_t *db = db_thread();

	if (db == NULL)
		web_error(r, 500, NULL);
	return db;
}

/* The thread id of the route's :id; false (and 404) when it is not a positive number. */
static bool
thread_id(req_t *r, int64_t *id)
{
	if (r->nparams < 1 || !str_to_i64(http_param(r, 0), 1, INT64_MAX, id)) {
		web_error(r, 404, NULL);
		return false;
	}
	return true;
}

/* Every staff look at a thread and every change is in the audit log (SEC07); no text of it ever is. */
static bool
audit_thread(req_t *r, const char *action, int64_t id)
{
	struct auth_ctx *a = r->auth;
	char target[48];
	audit_entry_t e = { a->account.id, a->account.login, r->ip, action, target, "" };

	snprintf(target, sizeof(target), "consultation:%" PRId64, id);
	return audit_append(db_thread(), &e, jtime_now());
}

static tv_t *
thread_value(arena_t *A, const consult_t *c, bool staff_view)
{
	tv_t *t = tv_map(A);

	tv_set_int(A, t, "id", c->id);
	tv_set_str(A, t, "subject", c->subject);
	tv_set_bool(A, t, "closed", c->closed);
	tv_set_str(A, t, "status_label", c->closed ? "終了" : "受付中");
	tv_set_int(A, t, "created_at", c->created_at);
	tv_set_int(A, t, "updated_at", c->updated_at);
	tv_set_int(A, t, "last_staff_reply_at", c->last_staff_reply_at);
	tv_set_int(A, t, "unread", c->unread);
	tv_set_int(A, t, "messages", c->messages);
	tv_set_bool(A, t, "awaiting", c->awaiting_staff);
	tv_set_str(A, t, "department", c->department_name);
	if (staff_view) {
		tv_set_str(A, t, "seeker_name", c->seeker_name);
		tv_set_str(A, t, "seeker_login", c->seeker_login);
		tv_set_str(A, t, "url", arena_printf(A, "/staff/consultations/%" PRId64, c->id));
	} else {
		tv_set_str(A, t, "url", arena_printf(A, "/mypage/consultations/%" PRId64, c->id));
	}
	return t;
}

/* The messages, oldest first; a message the reader had not read before this view is marked new. */
static bool
messages_value(req_t *r, tv_t *ctx, int64_t id, bool staff_view)
{
	arena_t *A = &r->arena;
	consult_msg_t *m;
	size_t n, i;
	tv_t *list = tv_list(A);

	if (!consult_messages(db_thread(), A, id, &m, &n))
		return false;
	for (i = 0; i < n; i++) {
		tv_t *it = tv_map(A);
		bool mine = staff_view ? m[i].staff : !m[i].staff;
		tv_set_int(A, it, "id", m[i].id);
		tv_set_bool(A, it, "staff", m[i].staff);
		tv_set_bool(A, it, "new", !mine && m[i].read_at == 0);
		if (m[i].staff) {
			/* the seeker sees the department; staff also see who wrote */
			tv_set_str(A, it, "author", staff_view ? arena_printf(A, "%s（%s）", m[i].author_name,
			    m[i].author_department) : arena_printf(A, "担当者（%s）", m[i].author_department[0] ?
			    m[i].author_department : "事務局"));
		} else {
			tv_set_str(A, it, "author", staff_view ? "相談者" : "あなた");
		}
		tv_set_str(A, it, "body", m[i].body);
		tv_set_int(A, it, "created_at", m[i].created_at);
		tv_push(A, list, it);
	}
	tv_set(A, ctx, "messages", list);
	return true;
}

/* ---------------------------------------------------------------- seeker */

void
page_consult_list(req_t *r)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "メール相談"), *items = tv_list(A);
	consult_t *v;
	size_t n, i;

	r->no_store = true;
	if (req_db(r) == NULL)
		return;
	if (!consult_list_seeker(db_thread(), A, r->auth->account.id, &v, &n)) {
		web_error(r, 500, NULL);
		return;
	}
	for (i = 0; i < n; i++)
		tv_push(A, items, thread_value(A, &v[i], false));
	tv_set(A, ctx, "threads", items);
	tv_set_int(A, ctx, "count", (int64_t)n);
	tv_set_bool(A, ctx, "crumb_here", true);
	web_render(r, "consultations/mine", ctx);
}

static void
new_form(req_t *r, const char *subject, const char *body, const char *subject_err, const char *body_err)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "メール相談を始める");

	r->no_store = true;
	tv_set_str(A, ctx, "subject", subject);
	tv_set_str(A, ctx, "body", body);
	tv_set_str(A, ctx, "subject_error", subject_err);
	tv_set_str(A, ctx, "body_error", body_err);
	if (subject_err != NULL || body_err != NULL)
		tv_set_str(A, ctx, "error", "入力内容に誤りがあります。各項目のメッセージをご確認ください。");
	tv_set_int(A, ctx, "subject_max", CONSULT_SUBJECT_MAX);
	tv_set_int(A, ctx, "body_max", CONSULT_BODY_MAX);
	tv_set_str(A, ctx, "crumb_list", "/mypage/consultations");
	web_render(r, "consultations/new", ctx);
}

void
page_consult_new(req_t *r)
{
	new_form(r, NULL, NULL, NULL, NULL);
}

void
page_consult_new_post(req_t *r)
{
	struct auth_ctx *a = r->auth;
	const char *subject = http_form(r, "subject"), *body = http_form(r, "body");
	char serr[256], berr[256], err[256], *stored;
	bool s_ok, b_ok;
	int64_t id = 0;
	db_t *db = db_thread();

	s_ok = consult_subject_check(subject, serr, sizeof(serr));
	b_ok = consult_body_check(body, berr, sizeof(berr));
	if (!s_ok || !b_ok) {
		/* what was typed comes back (a subject with a line break as one line, for the single-line field) */
		new_form(r, subject, body, s_ok ? NULL : arena_strdup(&r->arena, serr),
		    b_ok ? NULL : arena_strdup(&r->arena, berr));
		return;
	}
	stored = consult_body_normalise(&r->arena, body);
	if (db == NULL || stored == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (!consult_create(db, &a->account, r->ip, subject, stored, jtime_now(), &id, err, sizeof(err))) {
		new_form(r, subject, body, NULL, arena_strdup(&r->arena, err));
		return;
	}
	http_redirect(r, arena_printf(&r->arena, "/mypage/consultations/%" PRId64 "?done=new", id));
}

static void
seeker_thread(req_t *r, const consult_t *c, const char *body, const char *body_err)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, c->subject);
	const char *done = http_query(r, "done");

	r->no_store = true;
	tv_set(A, ctx, "thread", thread_value(A, c, false));
	if (!messages_value(r, ctx, c->id, false)) {
		web_error(r, 500, NULL);
		return;
	}
	/* opening the thread is reading it: the staff answers are no longer unread */
	if (c->unread > 0 && !consult_mark_read(db_thread(), c->id, "seeker", jtime_now()))
		log_error("consultation: could not mark thread %" PRId64 " read", c->id);
	tv_set_str(A, ctx, "body", body);
	tv_set_str(A, ctx, "body_error", body_err);
	if (body_err != NULL)
		tv_set_str(A, ctx, "error", "送信できませんでした。返信内容のメッセージをご確認ください。");
	tv_set_bool(A, ctx, "sent", str_eq(done, "reply"));
	tv_set_bool(A, ctx, "started", str_eq(done, "new"));
	tv_set_int(A, ctx, "body_max", CONSULT_BODY_MAX);
	tv_set_str(A, ctx, "crumb_list", "/mypage/consultations");
	web_render(r, "consultations/thread", ctx);
}

void
page_consult_view(req_t *r)
{
	consult_t c;
	int64_t id;
	int rc;

	if (!thread_id(r, &id) || req_db(r) == NULL)
		return;
	rc = consult_get_owned(db_thread(), id, r->auth->account.id, &c);
	if (rc != 1) {
		web_error(r, rc == 0 ? 404 : 500, NULL);   /* another seeker's thread does not exist for them */
		return;
	}
	seeker_thread(r, &c, NULL, NULL);
}

void
page_consult_reply_post(req_t *r)
{
	struct auth_ctx *a = r->auth;
	const char *body = http_form(r, "body");
	char err[256], *stored;
	consult_t c;
	int64_t id;
	int rc;
	db_t *db;

	if (!thread_id(r, &id) || (db = req_db(r)) == NULL)
		return;
	rc = consult_get_owned(db, id, a->account.id, &c);
	if (rc != 1) {
		web_error(r, rc == 0 ? 404 : 500, NULL);
		return;
	}
	if (!consult_body_check(body, err, sizeof(err))) {
		seeker_thread(r, &c, body, arena_strdup(&r->arena, err));
		return;
	}
	stored = consult_body_normalise(&r->arena, body);
	if (stored == NULL || !audit_thread(r, "consultation.seeker_reply", id)) {
		web_error(r, 500, NULL);
		return;
	}
	if (!consult_reply_seeker(db, &c, &a->account, stored, jtime_now(), err, sizeof(err))) {
		seeker_thread(r, &c, body, arena_strdup(&r->arena, err));
		return;
	}
	http_redirect(r, arena_printf(&r->arena, "/mypage/consultations/%" PRId64 "?done=reply#reply", id));
}

void
consult_mypage(req_t *r, tv_t *ctx)
{
	arena_t *A = &r->arena;
	struct auth_ctx *a = r->auth;
	tv_t *m;
	int64_t unread;

	if (a == NULL || !a->signed_in || db_thread() == NULL)
		return;
	m = tv_map(A);
	if (strcmp(a->account.kind, "seeker") == 0) {
		unread = consult_unread_total(db_thread(), a->account.id);
		tv_set_bool(A, m, "seeker", true);
		tv_set_int(A, m, "unread", unread > 0 ? unread : 0);
	} else if (strcmp(a->account.kind, "staff") == 0) {
		tv_set_bool(A, m, "staff", true);
	} else {
		return;
	}
	tv_set(A, ctx, "consult", m);
}

/* ---------------------------------------------------------------- staff */

void
page_staff_consult_list(req_t *r)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "メール相談の一覧"), *items = tv_list(A);
	const char *f = http_query(r, "filter"), *p = http_query(r, "page");
	bool all = str_eq(f, "all");
	int64_t page = 1, total, pages;
	consult_t *v;
	size_t n, i;
	const char *base = all ? "/staff/consultations?filter=all&page=" : "/staff/consultations?page=";

	r->no_store = true;
	if (p != NULL && !str_to_i64(p, 1, STAFF_PAGES_MAX, &page)) {
		web_error(r, 404, NULL);
		return;
	}
	if (req_db(r) == NULL)
		return;
	if (!consult_list_staff(db_thread(), A, !all, page, &v, &n, &total)) {
		web_error(r, 500, NULL);
		return;
	}
	for (i = 0; i < n; i++)
		tv_push(A, items, thread_value(A, &v[i], true));
	tv_set(A, ctx, "threads", items);
	tv_set_int(A, ctx, "count", (int64_t)n);
	tv_set_bool(A, ctx, "all", all);
	tv_set_int(A, ctx, "total", total);
	pages = (total + CONSULT_STAFF_PAGE - 1) / CONSULT_STAFF_PAGE;
	if (pages > 1) {
		tv_set_bool(A, ctx, "paged", true);
		tv_set_int(A, ctx, "page", page);
		tv_set_int(A, ctx, "pages", pages);
		if (page > 1)
			tv_set_str(A, ctx, "prev_url", arena_printf(A, "%s%" PRId64, base, page - 1));
		if (page < pages)
			tv_set_str(A, ctx, "next_url", arena_printf(A, "%s%" PRId64, base, page + 1));
	}
	web_render(r, "consultations/staff_list", ctx);
}

static void
staff_thread(req_t *r, const consult_t *c, const char *body, const char *body_err)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, c->subject);
	const char *done = http_query(r, "done");
	bool may = consult_staff_may_reply(&r->auth->account, c);

	r->no_store = true;
	/* personal data: no staff member sees a thread without a record of it */
	if (!audit_thread(r, "consultation.view", c->id)) {
		web_error(r, 500, NULL);
		return;
	}
	tv_set(A, ctx, "thread", thread_value(A, c, true));
	if (!messages_value(r, ctx, c->id, true)) {
		web_error(r, 500, NULL);
		return;
	}
	if (!consult_mark_read(db_thread(), c->id, "staff", jtime_now()))
		log_error("consultation: could not mark thread %" PRId64 " read by staff", c->id);
	tv_set_bool(A, ctx, "may_reply", may);
	tv_set_str(A, ctx, "no_reply_note", MSG_NO_REPLY);
	tv_set_str(A, ctx, "body", body);
	tv_set_str(A, ctx, "body_error", body_err);
	if (body_err != NULL)
		tv_set_str(A, ctx, "error", "送信できませんでした。返信内容のメッセージをご確認ください。");
	tv_set_bool(A, ctx, "sent", str_eq(done, "reply"));
	tv_set_bool(A, ctx, "closed_now", str_eq(done, "close"));
	tv_set_bool(A, ctx, "reopened_now", str_eq(done, "reopen"));
	tv_set_int(A, ctx, "body_max", CONSULT_BODY_MAX);
	web_render(r, "consultations/staff_thread", ctx);
}

/* The thread for a staff route; false when it has answered (404, 500). */
static bool
staff_load(req_t *r, consult_t *c)
{
	int64_t id;
	int rc;

	if (!thread_id(r, &id) || req_db(r) == NULL)
		return false;
	rc = consult_get(db_thread(), id, c);
	if (rc != 1) {
		web_error(r, rc == 0 ? 404 : 500, NULL);
		return false;
	}
	return true;
}

void
page_staff_consult_view(req_t *r)
{
	consult_t c;

	if (staff_load(r, &c))
		staff_thread(r, &c, NULL, NULL);
}

void
page_staff_consult_reply_post(req_t *r)
{
	struct auth_ctx *a = r->auth;
	const char *body = http_form(r, "body");
	char err[256], *stored;
	consult_t c;
	int64_t mail_id = 0;
	db_t *db = db_thread();

	if (!staff_load(r, &c))
		return;
	if (!consult_staff_may_reply(&a->account, &c)) {
		web_error(r, 403, MSG_NO_REPLY);
		return;
	}
	if (!consult_body_check(body, err, sizeof(err))) {
		staff_thread(r, &c, body, arena_strdup(&r->arena, err));
		return;
	}
	stored = consult_body_normalise(&r->arena, body);
	if (stored == NULL || !audit_thread(r, "consultation.reply", c.id)) {
		web_error(r, 500, NULL);
		return;
	}
	if (!consult_reply_staff(db, &c, &a->account, stored, settings_site_name(),
	    web_abs(r, arena_printf(&r->arena, "/mypage/consultations/%" PRId64, c.id)), jtime_now(), &mail_id,
	    err, sizeof(err))) {
		staff_thread(r, &c, body, arena_strdup(&r->arena, err));
		return;
	}
	mail_wake();
	http_redirect(r, arena_printf(&r->arena, "/staff/consultations/%" PRId64 "?done=reply#reply", c.id));
}

void
page_staff_consult_status_post(req_t *r)
{
	struct auth_ctx *a = r->auth;
	const char *action = http_form(r, "action");
	bool close;
	consult_t c;

	if (!staff_load(r, &c))
		return;
	if (!consult_staff_may_reply(&a->account, &c)) {
		web_error(r, 403, MSG_NO_REPLY);
		return;
	}
	if (str_eq(action, "close"))
		close = true;
	else if (str_eq(action, "reopen"))
		close = false;
	else {
		web_error(r, 400, NULL);
		return;
	}
	if (!audit_thread(r, close ? "consultation.close" : "consultation.reopen", c.id) ||
	    !consult_set_closed(db_thread(), c.id, close, jtime_now())) {
		web_error(r, 500, NULL);
		return;
	}
	http_redirect(r, arena_printf(&r->arena, "/staff/consultations/%" PRId64 "?done=%s", c.id,
	    close ? "close" : "reopen"));
}
