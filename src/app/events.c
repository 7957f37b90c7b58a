/*
 * events.c - event sessions on the public event page, applications and cancellations by job seekers, their
 * list on My Page and the .ics calendar file (issue 5 items 4 and 6; G12, G41, B06).
 *
 * The rules (capacity, waiting list, deadlines) live in content/event.c; this file is the HTTP side: one
 * write transaction per action holding the change, its mails (mail_enqueue) and its audit entries (no
 * entry, no change), and the screens. Event detail pages are never put in the public page cache: seat counts change
 * without the search log moving, and a signed-in seeker sees their own state (see docs/architecture.md).
 */
#include "app/web.h"
#include "auth/audit.h"
#include "content/event.h"
#include "content/settings.h"
#include "content/ics.h"
#include "core/config.h"
#include "core/jtime.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"
#include "mail/mail.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MYPAGE_APPS_MAX 100  /* applications listed on My Page */

static const char *
site_label(void)
{
	return settings_site_nickname(); /* the settings screen over site.ini (G01) */
}

/* "2026年12月1日 13:00〜15:00" (the end with its date when it is another day) */
static const char *
when_text(arena_t *A, const event_session_t *s)
{
	buf_t b = BUF_INIT;
	struct tm a, z;
	const char *out;

	jtime_jst(s->starts_at, &a);
	jtime_jst(s->ends_at, &z);
	jtime_format(&b, s->starts_at, "datetime");
	buf_puts(&b, "〜");
	jtime_format(&b, s->ends_at, a.tm_yday == z.tm_yday && a.tm_year == z.tm_year ? "time" : "datetime");
	out = b.oom || b.data == NULL ? "" : arena_strdup(A, b.data);
	buf_free(&b);
	return out;
}

static const char *
datetime_text(arena_t *A, int64_t t)
{
	buf_t b = BUF_INIT;
	const char *out;

	jtime_format(&b, t, "datetime");
	out = b.oom || b.data == NULL ? "" : arena_strdup(A, b.data);
	buf_free(&b);
	return out;
}

static bool
is_seeker(req_t *r)
{
	return r->auth != NULL && r->auth->signed_in && strcmp(r->auth->account.kind, "seeker") == 0;
}

/* ---- the public event page ---- */

/* This account's active application for a session: its id and status ("" when none). */
static int64_t
own_application(db_t *db, int64_t session_id, int64_t account_id, char *status, size_t n)
{
	db_stmt_t *st = db_prepare(db, "SELECT id, status FROM event_applications WHERE session_id = ? AND account_id = ? "
	    "AND status <> 'cancelled'");
	int64_t id = 0;

	status[0] = '\0';
	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, session_id);
	db_bind_i64(st, 2, account_id);
	if (db_step(st) == DB_ROW) {
		id = db_col_i64(st, 0);
		str_copy(status, n, db_col_text(st, 1));
	}
	db_done(st);
	return id;
}

bool
events_page_ctx(req_t *r, db_t *db, int64_t entity_id, tv_t *ctx)
{
	arena_t *A = &r->arena;
	event_session_t *ss = calloc(EVENT_SESSIONS_MAX, sizeof(*ss));
	int n, i;
	int64_t now = jtime_now();
	bool seeker = is_seeker(r);
	tv_t *list;

	if (ss == NULL)
		return false;
	n = event_sessions_of(db, entity_id, ss, EVENT_SESSIONS_MAX);
	if (n < 0) {
		free(ss);
		return false;
	}
	tv_set_bool(A, ctx, "is_event", true);
	if (n == 0) {
		free(ss);
		return true;
	}
	list = tv_list(A);
	for (i = 0; i < n; i++) {
		const event_session_t *s = &ss[i];
		tv_t *v = tv_map(A);
		int64_t left = event_seats_left(s);
		bool open = event_session_open(s, now);
		tv_set_int(A, v, "id", s->id);
		tv_set_str(A, v, "when", when_text(A, s));
		tv_set_str(A, v, "place", arena_strdup(A, s->place));
		tv_set_bool(A, v, "online", s->online_url[0] != '\0');
		tv_set_str(A, v, "deadline", datetime_text(A, s->apply_deadline));
		if (s->capacity > 0)
			tv_set_int(A, v, "capacity", s->capacity);
		if (strcmp(s->status, "cancelled") == 0) {
			tv_set_str(A, v, "availability", "中止");
		} else if (!open) {
			tv_set_str(A, v, "availability", "受付終了");
		} else if (left == 0) {
			tv_set_str(A, v, "availability", "満席・キャンセル待ち受付中");
			tv_set_bool(A, v, "full", true);
		} else if (left < 0) {
			tv_set_str(A, v, "availability", "受付中（定員なし）");
		} else {
			tv_set_str(A, v, "availability", arena_printf(A, "残り%lld席", (long long)left));
		}
		tv_set_bool(A, v, "open", open);
		if (seeker) {
			char st[16];
			int64_t own = own_application(db, s->id, r->auth->account.id, st, sizeof(st));
			if (own < 0) {
				free(ss);
				return false;
			}
			if (own > 0)
				tv_set_str(A, v, "own", strcmp(st, "confirmed") == 0 ? "申込済みです" : "キャンセル待ちで申込済みです");
			else if (open)
				tv_set_bool(A, v, "can_apply", true);
		}
		tv_push(A, list, v);
	}
	free(ss);
	tv_set(A, ctx, "sessions", list);
	tv_set_bool(A, ctx, "has_sessions", true);
	tv_set_bool(A, ctx, "seeker", seeker);
	tv_set_bool(A, ctx, "anonymous", r->auth == NULL || !r->auth->signed_in);
	tv_set_int(A, ctx, "event_id", entity_id);
	if (seeker)
		tv_set_str(A, ctx, "csrf", web_csrf(r));
	else
		tv_set_str(A, ctx, "login_next", arena_printf(A, "/events/%lld", (long long)entity_id));
	return true;
}

/* ---- mail and calendar ---- */

static bool
app_ics(req_t *r, const event_application_t *a, int64_t now, buf_t *out)
{
	arena_t *A = &r->arena;
	const event_session_t *s = &a->session;
	const char *page = web_abs(r, arena_printf(A, "/events/%lld", (long long)s->entity_id));
	ics_event_t e = { 0 };

	e.uid = arena_printf(A, "event-application-%lld.%s@tsunagu", (long long)a->id, config.site);
	e.dtstamp = now;
	e.start = s->starts_at;
	e.end = s->ends_at;
	e.summary = a->event_title;
	e.location = s->place[0] ? s->place : (s->online_url[0] ? "オンライン" : NULL);
	e.url = s->online_url[0] ? s->online_url : page;
	e.description = arena_printf(A, "%s のイベント申込（申込番号 %lld）\n会場・オンライン参加のご案内: %s\nイベントの詳細: %s",
	    site_label(), (long long)a->id, s->place[0] ? s->place : "オンライン", page);
	return e.description != NULL && ics_build(out, &e);
}

typedef enum { MAIL_APPLIED, MAIL_WAITING, MAIL_PROMOTED, MAIL_CANCELLED } event_mail_t;

/* Queues the mail of kind about application a to its account, in the open transaction. */
static bool
queue_mail(req_t *r, db_t *db, event_mail_t kind, const event_application_t *a, int64_t now)
{
	arena_t *A = &r->arena;
	const event_session_t *s = &a->session;
	account_t acc;
	buf_t body = BUF_INIT, ics = BUF_INIT;
	mail_msg_t m = { 0 };
	const char *head, *subject, *where;
	char err[256];
	bool ok = false, attach = kind == MAIL_APPLIED || kind == MAIL_PROMOTED;

	if (!account_get(db, a->account_id, &acc) || acc.email[0] == '\0')
		return true;  /* no address to write to: nothing to send */
	switch (kind) {
	case MAIL_APPLIED:
		subject = "イベントのお申し込みを受け付けました";
		head = "次のイベントのお申し込みを受け付けました。当日のご参加をお待ちしています。\n"
		    "カレンダーに登録できるファイル（.ics）を添付しています。";
		break;
	case MAIL_WAITING:
		subject = "イベントのキャンセル待ちを受け付けました";
		head = arena_printf(A, "次のイベントは定員に達しているため、キャンセル待ち（%lld番目）として受け付けました。\n"
		    "席が空いたときは自動で申込済みになり、メールでお知らせします。", (long long)a->waiting_rank);
		break;
	case MAIL_PROMOTED:
		subject = "キャンセル待ちのイベントに参加できるようになりました";
		head = "キャンセルが出たため、キャンセル待ちでお申し込みのイベントが「申込済み」になりました。\n"
		    "カレンダーに登録できるファイル（.ics）を添付しています。参加できなくなった場合は、マイページからキャンセルしてください。";
		break;
	default:
		subject = "イベントのお申し込みをキャンセルしました";
		head = "次のイベントのお申し込みをキャンセルしました。";
		break;
	}
	where = s->place[0] ? s->place : "オンライン";
	buf_printf(&body, "%s様\n\n%s\n\n", web_person_name(r, db, &acc), head);
	buf_printf(&body, "イベント：%s\n日時：%s\n会場：%s\n", a->event_title, when_text(A, s), where);
	if (s->online_url[0] && kind != MAIL_CANCELLED && kind != MAIL_WAITING)
		buf_printf(&body, "オンライン参加のURL：%s\n", s->online_url);
	buf_printf(&body, "申込番号：%lld\n", (long long)a->id);
	if (kind != MAIL_CANCELLED)
		buf_printf(&body, "キャンセルの締切：%s\n", datetime_text(A, s->apply_deadline));
	buf_printf(&body, "\nお申し込みの確認・キャンセルはマイページから行えます。\n%s\n\n"
	    "このメールは送信専用のアドレスから送っています。\n%s\n", web_abs(r, "/mypage/events"), site_label());
	if (attach && !app_ics(r, a, now, &ics))
		goto done;
	m.kind = "event";
	m.to = acc.email;
	m.subject = arena_printf(A, "【%s】%s", site_label(), subject);
	m.body = body.data;
	if (attach) {
		m.att_name = "event.ics";
		m.att_mime = ICS_MIME;
		m.att_data = ics.data;
		m.att_len = ics.len;
	}
	if (body.oom || ics.oom || m.subject == NULL)
		goto done;
	ok = mail_enqueue(db, &m, now, NULL, err, sizeof(err));
	if (!ok)
		log_error("events: mail for application %lld not queued: %s", (long long)a->id, err);
done:
	buf_free(&body);
	buf_free(&ics);
	return ok;
}

/* The audit entry of an application change, inside the transaction that makes it: no entry, no change. */
static bool
audit_app(req_t *r, db_t *db, int64_t actor_id, const char *actor, const char *action, const event_application_t *a,
    int64_t now)
{
	char target[48], detail[96];
	audit_entry_t e = { actor_id, actor, r->ip, action, target, detail };

	snprintf(target, sizeof(target), "event_application:%" PRId64, a->id);
	snprintf(detail, sizeof(detail), "session:%" PRId64 " account:%" PRId64 " %s", a->session_id, a->account_id,
	    a->status);
	return audit_append(db, &e, now);
}

/* A short page saying why an application or cancellation was not taken, with the way on. */
static void
notice(req_t *r, unsigned status, const char *title, const char *message, int64_t entity_id)
{
	tv_t *ctx = web_ctx(r, title);
	arena_t *A = &r->arena;

	tv_set_str(A, ctx, "heading", title);
	tv_set_str(A, ctx, "message", message);
	if (entity_id > 0)
		tv_set_str(A, ctx, "event_url", arena_printf(A, "/events/%lld", (long long)entity_id));
	r->status = status;
	r->no_store = true;
	web_render(r, "event_notice", ctx);
}

/* ---- POST /events/:id/apply ---- */

void
page_event_apply_post(req_t *r)
{
	struct auth_ctx *a = r->auth;
	db_t *db = db_thread();
	int64_t entity_id, session_id, app_id = 0, now = jtime_now();
	event_outcome_t res;
	event_application_t app;

	if (!str_to_i64(http_param(r, 0), 1, INT64_MAX, &entity_id) ||
	    !str_to_i64(http_form(r, "session"), 1, INT64_MAX, &session_id)) {
		web_error(r, 404, NULL);
		return;
	}
	if (db == NULL || !db_begin_write(db)) {
		web_error(r, 500, NULL);
		return;
	}
	res = event_apply(db, session_id, entity_id, a->account.id, now, &app_id);
	switch (res) {
	case EVENT_CONFIRMED:
	case EVENT_WAITING:
		break;
	case EVENT_DUPLICATE:
		db_rollback(db);
		notice(r, 409, "すでにお申し込みいただいています", "この回にはすでにお申し込みいただいています（キャンセル待ちを含みます）。"
		    "お申し込みの状況はマイページの「セミナー・イベントの申込」でご確認いただけます。", entity_id);
		return;
	case EVENT_CLOSED:
		db_rollback(db);
		notice(r, 409, "受付を終了しています", "この回は申込締切を過ぎたか、開催が中止になったため、お申し込みを受け付けられません。", entity_id);
		return;
	case EVENT_NOT_FOUND:
		db_rollback(db);
		web_error(r, 404, NULL);
		return;
	default:
		db_rollback(db);
		web_error(r, 500, NULL);
		return;
	}
	if (!event_application_get(db, app_id, &app) ||
	    !queue_mail(r, db, res == EVENT_CONFIRMED ? MAIL_APPLIED : MAIL_WAITING, &app, now) ||
	    !audit_app(r, db, a->account.id, a->account.login, "event.apply", &app, now) || !db_commit(db)) {
		db_rollback(db);
		web_error(r, 500, NULL);
		return;
	}
	(void)audit_sync_head(db);
	mail_wake();
	http_redirect(r, arena_printf(&r->arena, "/mypage/events?done=%s&app=%lld",
	    res == EVENT_CONFIRMED ? "applied" : "waiting", (long long)app_id));
}

/* ---- My Page: /mypage/events ---- */

static const char *
status_label(arena_t *A, const event_application_t *e)
{
	if (strcmp(e->status, "confirmed") == 0)
		return "申込済み";
	if (strcmp(e->status, "waiting") == 0)
		return arena_printf(A, "キャンセル待ち（%lld番目）", (long long)e->waiting_rank);
	return "キャンセル済み";
}

void
page_mypage_events(req_t *r)
{
	arena_t *A = &r->arena;
	db_t *db = db_thread();
	event_application_t *apps;
	tv_t *ctx, *list;
	const char *done = http_query(r, "done");
	int64_t now = jtime_now(), just = 0;
	int n, i;

	if (db == NULL || (apps = calloc(MYPAGE_APPS_MAX, sizeof(*apps))) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	n = event_applications_of(db, r->auth->account.id, now, apps, MYPAGE_APPS_MAX);
	if (n < 0) {
		free(apps);
		web_error(r, 500, NULL);
		return;
	}
	ctx = web_ctx(r, "セミナー・イベントの申込");
	str_to_i64(http_query(r, "app"), 1, INT64_MAX, &just);
	list = tv_list(A);
	for (i = 0; i < n; i++) {
		const event_application_t *e = &apps[i];
		tv_t *v = tv_map(A);
		bool active = strcmp(e->status, "cancelled") != 0;
		tv_set_int(A, v, "id", e->id);
		tv_set_str(A, v, "title", arena_strdup(A, e->event_title));
		tv_set_str(A, v, "event_url", arena_printf(A, "/events/%lld", (long long)e->session.entity_id));
		tv_set_str(A, v, "when", when_text(A, &e->session));
		tv_set_str(A, v, "place", e->session.place[0] ? arena_strdup(A, e->session.place) : "オンライン");
		tv_set_str(A, v, "status", status_label(A, e));
		tv_set_str(A, v, "status_class", e->status);
		tv_set_str(A, v, "deadline", datetime_text(A, e->session.apply_deadline));
		tv_set_bool(A, v, "past", e->session.ends_at < now);
		if (active && event_session_open(&e->session, now))
			tv_set_bool(A, v, "can_cancel", true);
		else if (active && e->session.starts_at > now)
			tv_set_bool(A, v, "cancel_closed", true);
		if (strcmp(e->status, "confirmed") == 0)
			tv_set_str(A, v, "ics", arena_printf(A, "/mypage/events/%lld.ics", (long long)e->id));
		if (e->id == just && strcmp(e->status, "waiting") == 0)
			tv_set_int(A, ctx, "waiting_rank", e->waiting_rank);
		tv_push(A, list, v);
	}
	free(apps);
	tv_set(A, ctx, "applications", list);
	tv_set_bool(A, ctx, "has_applications", n > 0);
	if (done != NULL) {
		if (strcmp(done, "applied") == 0)
			tv_set_str(A, ctx, "done", "お申し込みを受け付けました。確認のメールをお送りしました。");
		else if (strcmp(done, "waiting") == 0)
			tv_set_str(A, ctx, "done", "定員に達しているため、キャンセル待ちとして受け付けました。席が空くと自動で申込済みになり、メールでお知らせします。");
		else if (strcmp(done, "cancelled") == 0)
			tv_set_str(A, ctx, "done", "お申し込みをキャンセルしました。");
	}
	tv_set_str(A, ctx, "csrf", web_csrf(r));
	r->no_store = true;
	web_render(r, "mypage_events", ctx);
}

/* ---- POST /mypage/events/:id/cancel ---- */

void
page_mypage_event_cancel_post(req_t *r)
{
	struct auth_ctx *a = r->auth;
	db_t *db = db_thread();
	int64_t app_id, now = jtime_now(), promoted[EVENT_PROMOTE_MAX];
	event_application_t app, up[EVENT_PROMOTE_MAX];
	event_outcome_t res;
	int np = 0, i;

	if (!str_to_i64(http_param(r, 0), 1, INT64_MAX, &app_id)) {
		web_error(r, 404, NULL);
		return;
	}
	if (db == NULL || !db_begin_write(db)) {
		web_error(r, 500, NULL);
		return;
	}
	res = event_cancel(db, app_id, a->account.id, now, promoted, EVENT_PROMOTE_MAX, &np);
	if (res == EVENT_NOT_FOUND) {
		db_rollback(db);
		web_error(r, 404, NULL);
		return;
	}
	if (res == EVENT_CLOSED) {
		int64_t entity = event_application_get(db, app_id, &app) ? app.session.entity_id : 0;
		db_rollback(db);
		notice(r, 409, "キャンセルの受付を終了しています", "キャンセルの締切を過ぎたため、このページからはキャンセルできません。"
		    "参加できなくなった場合は、イベントの問い合わせ先へご連絡ください。", entity);
		return;
	}
	if (res != EVENT_CONFIRMED || !event_application_get(db, app_id, &app) ||
	    !queue_mail(r, db, MAIL_CANCELLED, &app, now))
		goto fail;
	if (!audit_app(r, db, a->account.id, a->account.login, "event.cancel", &app, now))
		goto fail;
	for (i = 0; i < np; i++)
		if (!event_application_get(db, promoted[i], &up[i]) || !queue_mail(r, db, MAIL_PROMOTED, &up[i], now) ||
		    !audit_app(r, db, 0, "system", "event.promote", &up[i], now))
			goto fail;
	if (!db_commit(db))
		goto fail;
	(void)audit_sync_head(db);
	mail_wake();
	http_redirect(r, "/mypage/events?done=cancelled");
	return;
fail:
	db_rollback(db);
	web_error(r, 500, NULL);
}

/* ---- GET /mypage/events/<id>.ics ---- */

void
page_mypage_event_ics(req_t *r)
{
	const char *file = http_param(r, 0);
	char digits[24];
	size_t n = file ? strlen(file) : 0;
	int64_t app_id;
	event_application_t app;
	db_t *db = db_thread();
	buf_t ics = BUF_INIT;

	if (n < 5 || n - 4 >= sizeof(digits) || strcmp(file + n - 4, ".ics") != 0) {
		web_error(r, 404, NULL);
		return;
	}
	memcpy(digits, file, n - 4);
	digits[n - 4] = '\0';
	/* only the owner's confirmed applications; anything else is not there (no hint that it exists) */
	if (!str_to_i64(digits, 1, INT64_MAX, &app_id) || db == NULL || !event_application_get(db, app_id, &app) ||
	    app.account_id != r->auth->account.id || strcmp(app.status, "confirmed") != 0) {
		web_error(r, 404, NULL);
		return;
	}
	if (!app_ics(r, &app, jtime_now(), &ics) || ics.oom) {
		buf_free(&ics);
		web_error(r, 500, NULL);
		return;
	}
	buf_clear(&r->out);
	buf_append(&r->out, ics.data, ics.len);
	buf_free(&ics);
	r->status = 200;
	r->content_type = "text/calendar; charset=utf-8";
	r->no_store = true;
	http_set_header(r, "Content-Disposition", arena_printf(&r->arena, "attachment; filename=\"event-%lld.ics\"",
	    (long long)app_id));
}
