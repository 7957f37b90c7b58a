/*
 * event_staff.c - the staff screens of event sessions (開催日程) and their applicants (申込者一覧) (G12, G41,
 * G62, SEC06, SEC07).
 *
 * /staff/events/:id lists an event's sessions with their counts; every staff member may view it (G62). The
 * form on it adds a session through event_session_add (its checks, event_session_check, name the field a
 * message belongs to); only staff who may edit the event's department (policy_can POLICY_UPDATE POLICY_CMS
 * with the department stored on the entity) see the form and may post it, and the session and its audit
 * entry event.session_add are one transaction. /staff/events/:id/sessions/:sid lists the applications with
 * the seekers' names (sealed in seekers, opened with rec_seeker_name): personal data, so the audit entry
 * event.applicants_view is written before anything is rendered (no entry, no page) and the page is
 * no-store; its CSV (POLICY_EXPORT) is audited as event.applicants_export the same way.
 */
#include "app/web.h"
#include "auth/audit.h"
#include "auth/policy.h"
#include "content/cms.h"
#include "content/event.h"
#include "core/csv.h"
#include "core/jtime.h"
#include "core/str.h"
#include "db/db.h"
#include "member/records.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define APPLICANTS_MAX 3000     /* applications listed for one session */
#define FORM_TEXT_MAX  32       /* bytes of a datetime or number field as typed */

static const account_t *
me(req_t *r)
{
	return &r->auth->account;
}

/* The event of the URL's first parameter into rec (free it with cms_record_free); false once answered. */
static bool
url_event(req_t *r, db_t *db, cms_record_t *rec)
{
	int64_t id;
	cms_result_t res;

	if (!str_to_i64(http_param(r, 0), 1, INT64_MAX, &id)) {
		web_error(r, 404, NULL);
		return false;
	}
	res = cms_record_get(db, id, "event", rec);
	if (res == CMS_NOT_FOUND) {
		web_error(r, 404, NULL);
		return false;
	}
	if (res != CMS_OK) {
		web_error(r, 500, NULL);
		return false;
	}
	return true;
}

/* A typed value kept for the form (at most n bytes, valid UTF-8 or nothing). */
static const char *
kept(req_t *r, const char *name, size_t n)
{
	const char *v = http_form(r, name);

	if (v == NULL || strlen(v) > n || !str_utf8_valid(v, strlen(v), false))
		return "";
	return v;
}

static const char *
state_label(const event_session_t *s, int64_t now)
{
	if (strcmp(s->status, "cancelled") == 0)
		return "中止";
	if (s->ends_at < now)
		return "終了";
	if (s->starts_at <= now)
		return "開催中";
	if (!event_session_open(s, now))
		return "受付終了";
	if (event_seats_left(s) == 0)
		return "満席（キャンセル待ち受付中）";
	return "受付中";
}

/* The session's display values (shared by both pages). */
static tv_t *
session_view(req_t *r, const event_session_t *s, int64_t eid, int64_t now)
{
	arena_t *A = &r->arena;
	tv_t *v = tv_map(A);
	struct tm a, z;
	int64_t left = event_seats_left(s);

	jtime_jst(s->starts_at, &a);
	jtime_jst(s->ends_at, &z);
	tv_set_int(A, v, "id", s->id);
	tv_set_int(A, v, "starts", s->starts_at);
	tv_set_int(A, v, "ends", s->ends_at);
	tv_set_bool(A, v, "same_day", a.tm_yday == z.tm_yday && a.tm_year == z.tm_year);
	tv_set_int(A, v, "deadline", s->apply_deadline);
	tv_set_str(A, v, "place", arena_strdup(A, s->place));
	tv_set_str(A, v, "online_url", arena_strdup(A, s->online_url));
	if (s->capacity > 0)
		tv_set_int(A, v, "capacity", s->capacity);
	tv_set_int(A, v, "confirmed", s->confirmed);
	tv_set_int(A, v, "waiting", s->waiting);
	tv_set_str(A, v, "left", left < 0 ? "制限なし" : arena_printf(A, "%lld席", (long long)left));
	tv_set_str(A, v, "state", state_label(s, now));
	tv_set_str(A, v, "url", arena_printf(A, "/staff/events/%" PRId64 "/sessions/%" PRId64, eid, s->id));
	return v;
}

static int
by_start(const void *x, const void *y)
{
	const event_session_t *a = x, *b = y;

	if (a->starts_at != b->starts_at)
		return a->starts_at < b->starts_at ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* The event's page; field/error not NULL: the add form comes back with the typed values and the message. */
static void
event_page(req_t *r, db_t *db, const cms_record_t *rec, const char *field, const char *error)
{
	arena_t *A = &r->arena;
	event_session_t *ss = calloc(EVENT_SESSIONS_MAX, sizeof(*ss));
	tv_t *ctx, *list, *form, *err;
	int64_t now = jtime_now();
	int n, i;
	bool can_add = policy_can(me(r), POLICY_UPDATE, POLICY_CMS, rec->department_id);

	if (ss == NULL || (n = event_sessions_of(db, rec->id, ss, EVENT_SESSIONS_MAX)) < 0) {
		free(ss);
		web_error(r, 500, NULL);
		return;
	}
	qsort(ss, (size_t)n, sizeof(*ss), by_start);  /* in time order, whatever their sort numbers */
	ctx = web_ctx(r, "開催日程と申込者");
	tv_set_int(A, ctx, "id", rec->id);
	tv_set_str(A, ctx, "title", arena_strdup(A, rec->title ? rec->title : ""));
	tv_set_str(A, ctx, "edit_url", arena_printf(A, "/staff/content/event/%" PRId64, rec->id));
	tv_set_str(A, ctx, "status", cms_status_label(rec->status, rec->publish_at > 0));
	if (strcmp(rec->status, "published") == 0)
		tv_set_str(A, ctx, "public_url", arena_printf(A, "/events/%" PRId64, rec->id));
	list = tv_list(A);
	for (i = 0; i < n; i++)
		tv_push(A, list, session_view(r, &ss[i], rec->id, now));
	free(ss);
	tv_set(A, ctx, "sessions", list);
	tv_set_bool(A, ctx, "has_sessions", n > 0);
	tv_set_bool(A, ctx, "can_add", can_add);
	if (can_add) {
		static const char *const names[] = { "starts_at", "ends_at", "place", "online_url", "capacity", "apply_deadline" };
		form = tv_map(A);
		err = tv_map(A);
		for (i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
			tv_set_str(A, form, names[i], error != NULL ? kept(r, names[i], strcmp(names[i], "place") == 0 ?
			    EVENT_PLACE_MAX * 4 : strcmp(names[i], "online_url") == 0 ? EVENT_URL_MAX : FORM_TEXT_MAX) : "");
		if (field != NULL && field[0] != '\0')
			tv_set_str(A, err, field, error);
		tv_set(A, ctx, "form", form);
		tv_set(A, ctx, "err", err);
		tv_set_str(A, ctx, "csrf", web_csrf(r));
		if (error != NULL) {
			tv_set_str(A, ctx, "error", field != NULL && field[0] != '\0' ? "入力内容を確認してください。" : error);
			r->status = 422;
		}
	}
	if (http_query(r, "added") != NULL)
		tv_set_str(A, ctx, "done", "開催日程を追加しました。");
	r->no_store = true;
	web_render(r, "staff/event_sessions", ctx);
}

/* ---- GET /staff/events/:id ---- */

void
page_staff_event(req_t *r)
{
	db_t *db = db_thread();
	cms_record_t rec;

	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (!url_event(r, db, &rec))
		return;
	if (web_can(r, POLICY_VIEW, POLICY_CMS, rec.department_id))
		event_page(r, db, &rec, NULL, NULL);
	cms_record_free(&rec);
}

/* ---- POST /staff/events/:id/sessions ---- */

/* Drops the spaces around s, in place. */
static void
trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	memmove(s, s + i, n - i + 1);
}

/* A datetime-local field as JST: 0 when empty, -1 when malformed. */
static int64_t
form_time(req_t *r, const char *name)
{
	const char *v = http_form(r, name);
	int64_t t;

	if (v == NULL || v[0] == '\0')
		return 0;
	return event_parse_jst(v, &t) && t > 0 ? t : -1;
}

void
page_staff_event_session_post(req_t *r)
{
	db_t *db = db_thread();
	cms_record_t rec;
	event_session_t s;
	const char *field = NULL, *cap = http_form(r, "capacity"), *place = http_form(r, "place"),
	    *url = http_form(r, "online_url");
	char err[256], target[48], detail[128];
	int64_t id = 0, now = jtime_now();
	audit_entry_t e = { 0 };

	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (!url_event(r, db, &rec))
		return;
	if (!web_can(r, POLICY_UPDATE, POLICY_CMS, rec.department_id)) {
		cms_record_free(&rec);
		return;
	}
	memset(&s, 0, sizeof(s));
	s.entity_id = rec.id;
	s.starts_at = form_time(r, "starts_at");
	s.ends_at = form_time(r, "ends_at");
	s.apply_deadline = form_time(r, "apply_deadline");
	err[0] = '\0';
	if (s.starts_at <= 0) {
		field = "starts_at";
		str_copy(err, sizeof(err), s.starts_at == 0 ? "開始日時を入力してください。" :
		    "開始日時を正しく入力してください（例：2026-12-01 13:00）。");
	} else if (s.ends_at <= 0) {
		field = "ends_at";
		str_copy(err, sizeof(err), s.ends_at == 0 ? "終了日時を入力してください。" :
		    "終了日時を正しく入力してください（例：2026-12-01 15:00）。");
	} else if (s.apply_deadline <= 0) {
		field = "apply_deadline";
		str_copy(err, sizeof(err), s.apply_deadline == 0 ? "申込締切を入力してください。" :
		    "申込締切を正しく入力してください（例：2026-11-30 17:00）。");
	} else if (cap != NULL && cap[0] != '\0' && !str_to_i64(cap, 0, EVENT_CAPACITY_MAX, &s.capacity)) {
		field = "capacity";
		snprintf(err, sizeof(err), "定員は0（制限なし）から%dまでの半角数字で入力してください。空欄は制限なしです。",
		    EVENT_CAPACITY_MAX);
	} else if ((place != NULL && strlen(place) >= sizeof(s.place)) ||
	    (url != NULL && strlen(url) >= sizeof(s.online_url))) {
		field = place != NULL && strlen(place) >= sizeof(s.place) ? "place" : "online_url";
		str_copy(err, sizeof(err), strcmp(field, "place") == 0 ? "会場が長すぎます。200文字以内で入力してください。" :
		    "オンライン参加のURLが長すぎます。500バイト以内で入力してください。");
	} else {
		str_copy(s.place, sizeof(s.place), place != NULL ? place : "");
		trim(s.place);
		str_copy(s.online_url, sizeof(s.online_url), url != NULL ? url : "");
		trim(s.online_url);
		(void)event_session_check(&s, &field, err, sizeof(err));
	}
	if (err[0] != '\0') {
		event_page(r, db, &rec, field, err);
		cms_record_free(&rec);
		return;
	}
	if (!db_begin_write(db)) {
		cms_record_free(&rec);
		web_error(r, 500, NULL);
		return;
	}
	if (!event_session_add(db, &s, now, &id, err, sizeof(err))) {
		db_rollback(db);
		event_page(r, db, &rec, "", err);
		cms_record_free(&rec);
		return;
	}
	snprintf(target, sizeof(target), "event_session:%" PRId64, id);
	snprintf(detail, sizeof(detail), "event:%" PRId64 " starts:%" PRId64 " capacity:%" PRId64, rec.id, s.starts_at,
	    s.capacity);
	e.actor_id = me(r)->id;
	e.actor = me(r)->login;
	e.ip = r->ip;
	e.action = "event.session_add";
	e.target = target;
	e.detail = detail;
	if (!audit_append(db, &e, now) || !db_commit(db)) {
		db_rollback(db);
		cms_record_free(&rec);
		web_error(r, 500, "監査ログに記録できなかったため、追加を中止しました。");
		return;
	}
	(void)audit_sync_head(db);
	http_redirect(r, arena_printf(&r->arena, "/staff/events/%" PRId64 "?added=%" PRId64, rec.id, id));
	cms_record_free(&rec);
}

/* ---- the applicants of a session ---- */

/* The session of the URL (its second parameter) of event rec; false once answered. */
static bool
url_session(req_t *r, db_t *db, const cms_record_t *rec, event_session_t *s)
{
	int64_t sid;

	if (!str_to_i64(http_param(r, 1), 1, INT64_MAX, &sid) || !event_session_get(db, sid, s) ||
	    s->entity_id != rec->id) {
		web_error(r, 404, NULL);
		return false;
	}
	return true;
}

/* One audit entry about reading a session's applicants (committed at once); false when not written. */
static bool
audit_look(req_t *r, db_t *db, const char *action, const event_session_t *s, int n)
{
	char target[48], detail[64];
	audit_entry_t e = { me(r)->id, me(r)->login, r->ip, action, target, detail };

	snprintf(target, sizeof(target), "event_session:%" PRId64, s->id);
	snprintf(detail, sizeof(detail), "event:%" PRId64 " applications:%d", s->entity_id, n);
	/* outside a transaction audit_append commits the entry and moves the head file itself */
	return audit_append(db, &e, jtime_now());
}

static const char *
app_status(arena_t *A, const event_application_t *a)
{
	if (strcmp(a->status, "confirmed") == 0)
		return "申込済み";
	if (strcmp(a->status, "waiting") == 0)
		return arena_printf(A, "キャンセル待ち %lld番目", (long long)a->waiting_rank);
	return "キャンセル";
}

/* The applicant's name: the one sealed in seekers (opened), else the account's display name, else the login
 * ID; login gets the login ID. */
static const char *
app_name(req_t *r, db_t *db, int64_t account_id, const char **login)
{
	account_t acc;
	const char *name;

	if (!account_get(db, account_id, &acc)) {
		*login = "";
		return "";
	}
	*login = arena_strdup(&r->arena, acc.login);
	name = rec_seeker_name(db, &r->arena, account_id);
	if (name != NULL && name[0] != '\0')
		return name;
	return acc.display_name[0] != '\0' ? arena_strdup(&r->arena, acc.display_name) : *login;
}

/* Reads a session's applications (calloc'd into *out); -1 on error (answered). */
static int
load_apps(req_t *r, db_t *db, const event_session_t *s, event_application_t **out)
{
	int n;

	*out = calloc(APPLICANTS_MAX, sizeof(**out));
	if (*out == NULL || (n = event_session_applications(db, s->id, *out, APPLICANTS_MAX)) < 0) {
		free(*out);
		*out = NULL;
		web_error(r, 500, NULL);
		return -1;
	}
	return n;
}

/* ---- GET /staff/events/:id/sessions/:sid ---- */

void
page_staff_event_applicants(req_t *r)
{
	arena_t *A = &r->arena;
	db_t *db = db_thread();
	cms_record_t rec;
	event_session_t s;
	event_application_t *apps;
	tv_t *ctx, *list;
	int n, i;
	int64_t now = jtime_now();

	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (!url_event(r, db, &rec))
		return;
	if (!web_can(r, POLICY_VIEW, POLICY_CMS, rec.department_id) || !url_session(r, db, &rec, &s) ||
	    (n = load_apps(r, db, &s, &apps)) < 0) {
		cms_record_free(&rec);
		return;
	}
	r->no_store = true;
	if (!audit_look(r, db, "event.applicants_view", &s, n)) {
		free(apps);
		cms_record_free(&rec);
		web_error(r, 500, "監査ログに記録できなかったため、表示を中止しました。");
		return;
	}
	ctx = web_ctx(r, "申込者一覧");
	tv_set_int(A, ctx, "event_id", rec.id);
	tv_set_str(A, ctx, "title", arena_strdup(A, rec.title ? rec.title : ""));
	tv_set(A, ctx, "session", session_view(r, &s, rec.id, now));
	list = tv_list(A);
	for (i = 0; i < n; i++) {
		tv_t *v = tv_map(A);
		const char *login;
		tv_set_int(A, v, "no", i + 1);
		tv_set_str(A, v, "name", app_name(r, db, apps[i].account_id, &login));
		tv_set_str(A, v, "login", login);
		tv_set_str(A, v, "status", app_status(A, &apps[i]));
		tv_set_str(A, v, "status_class", arena_strdup(A, apps[i].status));
		tv_set_int(A, v, "created", apps[i].created_at);
		if (apps[i].cancelled_at > 0)
			tv_set_int(A, v, "cancelled", apps[i].cancelled_at);
		tv_push(A, list, v);
	}
	free(apps);
	tv_set(A, ctx, "applications", list);
	tv_set_bool(A, ctx, "has_applications", n > 0);
	tv_set_bool(A, ctx, "truncated", n == APPLICANTS_MAX);
	tv_set_int(A, ctx, "max", APPLICANTS_MAX);
	tv_set_int(A, ctx, "printed_at", now);
	if (policy_can(me(r), POLICY_EXPORT, POLICY_CMS, rec.department_id))
		tv_set_str(A, ctx, "csv_url", arena_printf(A, "/staff/events/%" PRId64 "/sessions/%" PRId64 "/csv", rec.id, s.id));
	cms_record_free(&rec);
	web_render(r, "staff/event_applicants", ctx);
}

/* ---- GET /staff/events/:id/sessions/:sid/csv ---- */

static bool
cell(buf_t *b, const char *s, bool last)
{
	return csv_write_cell(b, s, strlen(s), last);
}

static const char *
when(arena_t *A, int64_t t)
{
	buf_t b = BUF_INIT;
	const char *out;

	if (t <= 0)
		return "";
	jtime_format(&b, t, "datetime");
	out = b.oom || b.data == NULL ? "" : arena_strdup(A, b.data);
	buf_free(&b);
	return out;
}

void
page_staff_event_applicants_csv(req_t *r)
{
	arena_t *A = &r->arena;
	db_t *db = db_thread();
	cms_record_t rec;
	event_session_t s;
	event_application_t *apps;
	int n, i;
	bool ok;

	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (!url_event(r, db, &rec))
		return;
	if (!web_can(r, POLICY_EXPORT, POLICY_CMS, rec.department_id) || !url_session(r, db, &rec, &s) ||
	    (n = load_apps(r, db, &s, &apps)) < 0) {
		cms_record_free(&rec);
		return;
	}
	cms_record_free(&rec);
	if (!audit_look(r, db, "event.applicants_export", &s, n)) {
		free(apps);
		web_error(r, 500, "監査ログに記録できなかったため、出力を中止しました。");
		return;
	}
	buf_clear(&r->out);
	ok = csv_write_bom(&r->out) && cell(&r->out, "番号", false) && cell(&r->out, "氏名", false) &&
	    cell(&r->out, "ログインID", false) && cell(&r->out, "状態", false) && cell(&r->out, "申込日時", false) &&
	    cell(&r->out, "キャンセル日時", true);
	for (i = 0; ok && i < n; i++) {
		const char *login, *name = app_name(r, db, apps[i].account_id, &login);
		ok = cell(&r->out, arena_printf(A, "%d", i + 1), false) && cell(&r->out, name, false) &&
		    cell(&r->out, login, false) && cell(&r->out, app_status(A, &apps[i]), false) &&
		    cell(&r->out, when(A, apps[i].created_at), false) && cell(&r->out, when(A, apps[i].cancelled_at), true);
	}
	free(apps);
	if (!ok) {
		buf_clear(&r->out);
		web_error(r, 500, NULL);
		return;
	}
	r->status = 200;
	r->content_type = "text/csv; charset=utf-8";
	r->no_store = true;
	http_set_header(r, "Content-Disposition", arena_printf(A, "attachment; filename=\"event-session-%" PRId64
	    "-applicants.csv\"", s.id));
}
