/*
 * bulkmail_pages.c - 一斉メール (issue 7 item 5; G55, G56, SEC08): the list of sends, the compose form with
 * its live count, preview for one real recipient, test send to oneself and the send itself, the progress
 * page, and the public unsubscribe page the footer of every message links to. Who may send to whom is the
 * department rule (POLICY_BULK_MAIL), asked on every GET and POST. The mail logic is in mail/bulk.h.
 */
#include "app/web.h"
#include "auth/audit.h"
#include "auth/policy.h"
#include "core/config.h"
#include "core/jtime.h"
#include "core/str.h"
#include "db/db.h"
#include "mail/bulk.h"
#include "mail/mail.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BULK_LIST_MAX      100  /* sends shown on the list page */
#define BULK_PAGE_ROWS     50   /* recipients per page of the progress page */
#define FORM_KEEP_MAX      (4 * BULK_BODY_MAX + 1024) /* bytes of a typed value shown again */

static account_t *
me(req_t *r)
{
	return &r->auth->account;
}

static const char *
kept(req_t *r, const char *name)
{
	const char *v = http_form(r, name);

	return v != NULL && strlen(v) <= FORM_KEEP_MAX && str_utf8_valid(v, strlen(v), true) ? v : "";
}

/* The staff member may send bulk mail to seekers or to companies; else 403 (the seekers' answer). */
static bool
may_any(req_t *r)
{
	if (policy_can(me(r), POLICY_BULK_MAIL, POLICY_COMPANY, me(r)->department_id))
		return true;
	return web_can(r, POLICY_BULK_MAIL, POLICY_SEEKER, me(r)->department_id);
}

static policy_record_t
kind_of(bulk_audience_t a)
{
	return a == BULK_COMPANY ? POLICY_COMPANY : POLICY_SEEKER;
}

static const char *const LISTING[][2] = {
	{ "published", "掲載中" }, { "pending", "承認待ち" }, { "draft", "下書き" }, { "archived", "掲載終了" },
};
#define NLISTING (sizeof(LISTING) / sizeof(LISTING[0]))

/* Reads the filter from the form; false with a message per field in errs. */
static bool
read_filter(req_t *r, bulk_filter_t *f, tv_t *errs)
{
	arena_t *A = &r->arena;
	const char *aud = http_form(r, "audience"), *v;
	bool ok = true;
	int64_t t;

	memset(f, 0, sizeof(*f));
	f->audience = aud != NULL && strcmp(aud, "company") == 0 ? BULK_COMPANY : BULK_SEEKER;
	v = http_form(r, "keyword");
	if (v != NULL && v[0]) {
		if (!str_utf8_valid(v, strlen(v), false) || str_utf8_len(v, strlen(v)) > BULK_KEYWORD_MAX ||
		    !str_copy(f->keyword, sizeof(f->keyword), v)) {
			tv_set_str(A, errs, "keyword", "キーワードは100文字以内の1行で入力してください。");
			ok = false;
		}
	}
	if (f->audience == BULK_SEEKER) {
		v = http_form(r, "target");
		if (v != NULL && v[0] && !str_copy(f->target, sizeof(f->target), v)) {
			tv_set_str(A, errs, "target", "対象区分を選び直してください。");
			ok = false;
		}
		v = http_form(r, "from");
		if (v != NULL && v[0] && !jtime_parse_ymd(v, &f->from)) {
			tv_set_str(A, errs, "from", "登録日（から）は 2026-04-01 のような日付で入力してください。");
			ok = false;
		}
		v = http_form(r, "to");
		if (v != NULL && v[0]) {
			if (!jtime_parse_ymd(v, &t)) {
				tv_set_str(A, errs, "to", "登録日（まで）は 2026-04-30 のような日付で入力してください。");
				ok = false;
			} else {
				f->until = t + 86400;
			}
		}
		if (f->from && f->until && f->until <= f->from) {
			tv_set_str(A, errs, "to", "登録日（まで）は登録日（から）と同じか、それより後の日付にしてください。");
			ok = false;
		}
	} else {
		v = http_form(r, "industry");
		if (v != NULL && v[0] && !str_to_i64(v, 1, INT64_MAX, &f->industry)) {
			tv_set_str(A, errs, "industry", "業種を選び直してください。");
			ok = false;
		}
		v = http_form(r, "area");
		if (v != NULL && v[0] && !str_to_i64(v, 1, INT64_MAX, &f->area)) {
			tv_set_str(A, errs, "area", "地域・市町村を選び直してください。");
			ok = false;
		}
		v = http_form(r, "listing");
		if (v != NULL && v[0]) {
			bool known = false;
			for (size_t i = 0; i < NLISTING; i++)
				known = known || strcmp(v, LISTING[i][0]) == 0;
			if (!known || !str_copy(f->listing, sizeof(f->listing), v)) {
				tv_set_str(A, errs, "listing", "掲載状態を選び直してください。");
				ok = false;
			}
		}
	}
	return ok;
}

/* options of a flat vocabulary: value term code or id, selected when equal to cur */
static tv_t *
term_options(req_t *r, db_t *db, const char *vocab, bool by_code, const char *cur)
{
	arena_t *A = &r->arena;
	tv_t *list = tv_list(A);
	db_stmt_t *st = db_prepare(db, "SELECT id, code, name FROM terms WHERE vocab = ? AND retired_at IS NULL "
	    "ORDER BY sort, id LIMIT 2000");

	if (st == NULL)
		return list;
	db_bind_str(st, 1, vocab);
	while (db_step(st) == DB_ROW) {
		tv_t *o = tv_map(A);
		const char *val = by_code ? db_col_text(st, 1) : arena_printf(A, "%" PRId64, db_col_i64(st, 0));
		tv_set_str(A, o, "value", val);
		tv_set_str(A, o, "name", db_col_text(st, 2));
		tv_set_bool(A, o, "selected", cur != NULL && strcmp(cur, val) == 0);
		tv_push(A, list, o);
	}
	db_done(st);
	return list;
}

/* areas, each with its municipalities, for an optgroup each */
static tv_t *
area_options(req_t *r, db_t *db, const char *cur)
{
	arena_t *A = &r->arena;
	tv_t *groups = tv_list(A), *g = NULL, *opts = NULL;
	int64_t last = 0;
	db_stmt_t *st = db_prepare(db, "SELECT a.id, a.name, COALESCE(m.id, 0), COALESCE(m.name, '') FROM terms a "
	    "LEFT JOIN terms m ON m.parent_id = a.id AND m.vocab = 'municipality' AND m.retired_at IS NULL "
	    "WHERE a.vocab = 'area' AND a.retired_at IS NULL ORDER BY a.sort, a.id, m.sort, m.id LIMIT 5000");

	if (st == NULL)
		return groups;
	while (db_step(st) == DB_ROW) {
		int64_t aid = db_col_i64(st, 0), mid = db_col_i64(st, 2);
		if (g == NULL || aid != last) {
			const char *val = arena_printf(A, "%" PRId64, aid);
			tv_t *o = tv_map(A);
			g = tv_map(A);
			opts = tv_list(A);
			tv_set_str(A, g, "label", db_col_text(st, 1));
			tv_set_str(A, o, "value", val);
			tv_set_str(A, o, "name", arena_printf(A, "%s（全域）", db_col_text(st, 1)));
			tv_set_bool(A, o, "selected", cur != NULL && strcmp(cur, val) == 0);
			tv_push(A, opts, o);
			tv_set(A, g, "options", opts);
			tv_push(A, groups, g);
			last = aid;
		}
		if (mid > 0) {
			const char *val = arena_printf(A, "%" PRId64, mid);
			tv_t *o = tv_map(A);
			tv_set_str(A, o, "value", val);
			tv_set_str(A, o, "name", db_col_text(st, 3));
			tv_set_bool(A, o, "selected", cur != NULL && strcmp(cur, val) == 0);
			tv_push(A, opts, o);
		}
	}
	db_done(st);
	return groups;
}

/* The body as typed, with CRLF made LF (what is counted and stored); arena memory. */
static const char *
body_lf(req_t *r)
{
	const char *b = http_form(r, "body");
	char *out, *o;

	if (b == NULL)
		return "";
	out = arena_alloc(&r->arena, strlen(b) + 1);
	if (out == NULL)
		return "";
	for (o = out; *b; b++)
		if (!(b[0] == '\r' && b[1] == '\n'))
			*o++ = *b;
	*o = '\0';
	return out;
}

typedef struct compose {
	bulk_filter_t f;
	bool filter_ok;
	int64_t count;        /* -1: not counted */
	const char *error;    /* the summary at the top */
	const char *notice;   /* test sent ... */
	tv_t *errs;           /* per field */
	tv_t *preview;        /* NULL: none */
} compose_t;

static void
compose_page(req_t *r, db_t *db, compose_t *c)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "一斉メールの作成");
	const char *aud = http_form(r, "audience");
	bool can_seeker = policy_can(me(r), POLICY_BULK_MAIL, POLICY_SEEKER, me(r)->department_id);
	bool can_company = policy_can(me(r), POLICY_BULK_MAIL, POLICY_COMPANY, me(r)->department_id);
	tv_t *listing = tv_list(A);
	const char *cur_listing = kept(r, "listing");

	r->no_store = true;
	if (aud == NULL)
		aud = can_seeker ? "seeker" : "company";
	tv_set_bool(A, ctx, "can_seeker", can_seeker);
	tv_set_bool(A, ctx, "can_company", can_company);
	tv_set_bool(A, ctx, "a_seeker", strcmp(aud, "company") != 0);
	tv_set_bool(A, ctx, "a_company", strcmp(aud, "company") == 0);
	tv_set(A, ctx, "targets", term_options(r, db, "target", true, kept(r, "target")));
	tv_set(A, ctx, "industries", term_options(r, db, "industry", false, kept(r, "industry")));
	tv_set(A, ctx, "areas", area_options(r, db, kept(r, "area")));
	for (size_t i = 0; i < NLISTING; i++) {
		tv_t *o = tv_map(A);
		tv_set_str(A, o, "value", LISTING[i][0]);
		tv_set_str(A, o, "name", LISTING[i][1]);
		tv_set_bool(A, o, "selected", strcmp(cur_listing, LISTING[i][0]) == 0);
		tv_push(A, listing, o);
	}
	tv_set(A, ctx, "listings", listing);
	tv_set_str(A, ctx, "from", kept(r, "from"));
	tv_set_str(A, ctx, "to", kept(r, "to"));
	tv_set_str(A, ctx, "keyword", kept(r, "keyword"));
	tv_set_str(A, ctx, "subject", kept(r, "subject"));
	tv_set_str(A, ctx, "body", kept(r, "body"));
	tv_set_int(A, ctx, "subject_max", BULK_SUBJECT_MAX);
	tv_set_int(A, ctx, "body_max", BULK_BODY_MAX);
	tv_set_int(A, ctx, "cap", BULK_MAX_RECIPIENTS);
	tv_set(A, ctx, "err", c->errs);
	if (c->error != NULL) {
		tv_set_str(A, ctx, "error", c->error);
		r->status = 422;
	}
	if (c->notice != NULL)
		tv_set_str(A, ctx, "notice", c->notice);
	if (c->count >= 0) {
		tv_set_bool(A, ctx, "counted", true);
		tv_set_int(A, ctx, "count", c->count);
		tv_set_bool(A, ctx, "over", c->count > BULK_MAX_RECIPIENTS);
		tv_set_bool(A, ctx, "sendable", c->count > 0 && c->count <= BULK_MAX_RECIPIENTS);
		tv_set_str(A, ctx, "audience_label", bulk_audience_label(c->f.audience));
	}
	if (c->preview != NULL)
		tv_set(A, ctx, "preview", c->preview);
	web_render(r, "staff/bulkmail_new", ctx);
}

void
page_staff_bulkmail_new(req_t *r)
{
	compose_t c = { .count = -1 };
	db_t *db;

	if (!may_any(r))
		return;
	if ((db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	c.errs = tv_map(&r->arena);
	compose_page(r, db, &c);
}

/* The preview of the message for the first recipient after `after`, or NULL when there is none. */
static tv_t *
make_preview(req_t *r, db_t *db, const bulk_filter_t *f, int64_t after, const char *subject, const char *body,
    char *err, size_t errlen, bool *bad)
{
	arena_t *A = &r->arena;
	bulk_recipient_t rc;
	buf_t s, b;
	tv_t *p;
	int n;

	*bad = false;
	n = bulk_select(db, f, after, &rc, 1);
	if (n == 0 && after > 0)
		n = bulk_select(db, f, 0, &rc, 1); /* past the last one: start again */
	if (n <= 0)
		return NULL;
	if (f->audience == BULK_SEEKER) {
		/* a job seeker's name and address on screen: in the audit chain first (SEC07), as 会員管理 does */
		char target[48];
		audit_entry_t e = { me(r)->id, me(r)->login, r->ip, "bulk_mail.preview", target, "" };
		snprintf(target, sizeof(target), "account:%" PRId64, rc.account_id);
		if (!audit_append(db, &e, jtime_now())) {
			snprintf(err, errlen, "監査ログに記録できなかったため、プレビューを中止しました。");
			*bad = true;
			return NULL;
		}
	}
	buf_init(&s);
	buf_init(&b);
	if (!bulk_render(&s, subject, &rc, err, errlen) || !bulk_render(&b, body, &rc, err, errlen) ||
	    !bulk_footer(&b, web_abs(r, ""), rc.account_id)) {
		buf_free(&s);
		buf_free(&b);
		*bad = true;
		return NULL;
	}
	p = tv_map(A);
	tv_set_str(A, p, "to", rc.email);
	tv_set_str(A, p, "name", rc.name);
	tv_set_str(A, p, "login", rc.login);
	tv_set_int(A, p, "account_id", rc.account_id);
	tv_set_str(A, p, "subject", s.data != NULL ? s.data : "");
	tv_set_str(A, p, "body", b.data != NULL ? b.data : "");
	buf_free(&s);
	buf_free(&b);
	return p;
}

void
page_staff_bulkmail_new_post(req_t *r)
{
	arena_t *A = &r->arena;
	const char *op = http_form(r, "op"), *subject = kept(r, "subject"), *body = body_lf(r);
	char serr[512] = "", berr[512] = "", err[512] = "";
	compose_t c = { .count = -1 };
	bool texts = true;
	db_t *db;

	if (op == NULL)
		op = "count";
	c.errs = tv_map(A);
	c.filter_ok = read_filter(r, &c.f, c.errs);
	if (!web_can(r, POLICY_BULK_MAIL, kind_of(c.f.audience), me(r)->department_id))
		return;
	if ((db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (!c.filter_ok) {
		c.error = "条件の入力内容に誤りがあります。各項目のメッセージをご確認ください。";
		compose_page(r, db, &c);
		return;
	}
	c.count = bulk_count(db, &c.f, BULK_MAX_RECIPIENTS);
	if (c.count < 0) {
		web_error(r, 500, NULL);
		return;
	}
	if (strcmp(op, "count") == 0) {
		compose_page(r, db, &c);
		return;
	}
	/* preview, test and send need the message */
	if (!bulk_check_text(subject, true, serr, sizeof(serr))) {
		tv_set_str(A, c.errs, "subject", arena_strdup(A, serr));
		texts = false;
	}
	if (!bulk_check_text(body, false, berr, sizeof(berr))) {
		tv_set_str(A, c.errs, "body", arena_strdup(A, berr));
		texts = false;
	}
	if (!texts) {
		c.error = "件名・本文の入力内容に誤りがあります。各項目のメッセージをご確認ください。";
		compose_page(r, db, &c);
		return;
	}
	bulk_send_req_t q = { &c.f, subject, body, web_abs(r, ""), 0, me(r), r->ip, jtime_now() };
	if (strcmp(op, "preview") == 0 || strcmp(op, "next") == 0) {
		int64_t after = 0;
		bool bad;
		if (strcmp(op, "next") == 0 && !str_to_i64(http_form(r, "after"), 0, INT64_MAX, &after))
			after = 0;
		c.preview = make_preview(r, db, &c.f, after, subject, body, err, sizeof(err), &bad);
		if (bad)
			c.error = arena_strdup(A, err);
		else if (c.preview == NULL)
			c.error = "条件に合う送信先がないため、プレビューできません。";
		compose_page(r, db, &c);
		return;
	}
	if (strcmp(op, "test") == 0) {
		switch (bulk_test_send(db, &q, err, sizeof(err))) {
		case BULK_OK:
			mail_wake();
			c.notice = arena_printf(A, "テストメールを %s あてに送信しました（件名の先頭に【テスト】が付きます）。", me(r)->email);
			break;
		case BULK_INVALID:
			c.error = arena_strdup(A, err);
			break;
		case BULK_ERROR:
			web_error(r, 500, NULL);
			return;
		}
		compose_page(r, db, &c);
		return;
	}
	if (strcmp(op, "send") == 0) {
		int64_t id = 0, n = 0;
		if (!str_to_i64(http_form(r, "confirm"), 1, BULK_MAX_RECIPIENTS, &q.expect)) {
			tv_set_str(A, c.errs, "confirm", "送信する前に、件数を確かめて「○件に送信します」にチェックを入れてください。");
			c.error = "送信の確認ができていません。";
			compose_page(r, db, &c);
			return;
		}
		switch (bulk_send(db, &q, &id, &n, err, sizeof(err))) {
		case BULK_OK:
			mail_wake();
			http_redirect(r, arena_printf(A, "/staff/bulkmail/%" PRId64 "?done=sent", id));
			return;
		case BULK_INVALID:
			c.error = arena_strdup(A, err);
			compose_page(r, db, &c);
			return;
		case BULK_ERROR:
			break;
		}
		web_error(r, 500, NULL);
		return;
	}
	web_error(r, 400, NULL);
}

/* counts of one send's outbox rows: sent, waiting (queued or sending), failed */
static bool
progress(db_t *db, int64_t id, int64_t *sent, int64_t *waiting, int64_t *failed)
{
	db_stmt_t *st = db_prepare(db, "SELECT COALESCE(SUM(o.status = 'sent'), 0), "
	    "COALESCE(SUM(o.status IN ('queued', 'sending')), 0), COALESCE(SUM(o.status = 'failed'), 0) "
	    "FROM bulk_mail_recipients b JOIN outbox o ON o.id = b.outbox_id WHERE b.bulk_id = ?");

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, id);
	*sent = *waiting = *failed = 0;
	if (db_step(st) == DB_ROW) {
		*sent = db_col_i64(st, 0);
		*waiting = db_col_i64(st, 1);
		*failed = db_col_i64(st, 2);
	}
	db_done(st);
	return true;
}

void
page_staff_bulkmail(req_t *r)
{
	arena_t *A = &r->arena;
	tv_t *ctx, *list = tv_list(A);
	db_stmt_t *st;
	db_t *db;
	struct { int64_t id; tv_t *m; } rows[BULK_LIST_MAX];
	int n = 0;
	bool cs = policy_can(me(r), POLICY_BULK_MAIL, POLICY_SEEKER, me(r)->department_id);
	bool cc = policy_can(me(r), POLICY_BULK_MAIL, POLICY_COMPANY, me(r)->department_id);

	if (!may_any(r))
		return;
	if ((db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	r->no_store = true;
	ctx = web_ctx(r, "一斉メール");
	st = db_prepare(db, "SELECT b.id, b.audience, b.subject, b.recipients, b.created_at, COALESCE(a.display_name, ''), "
	    "COALESCE(a.login, '') FROM bulk_mails b LEFT JOIN accounts a ON a.id = b.created_by "
	    "WHERE (b.audience = 'seeker' AND ?) OR (b.audience = 'company' AND ?) ORDER BY b.id DESC LIMIT ?");
	if (st == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	db_bind_i64(st, 1, cs);
	db_bind_i64(st, 2, cc);
	db_bind_i64(st, 3, BULK_LIST_MAX);
	while (n < BULK_LIST_MAX && db_step(st) == DB_ROW) {
		tv_t *m = tv_map(A);
		rows[n].id = db_col_i64(st, 0);
		tv_set_int(A, m, "id", rows[n].id);
		tv_set_str(A, m, "audience", strcmp(db_col_text(st, 1), "company") == 0 ? "企業" : "求職者");
		tv_set_str(A, m, "subject", db_col_text(st, 2));
		tv_set_int(A, m, "recipients", db_col_i64(st, 3));
		tv_set_int(A, m, "created_at", db_col_i64(st, 4));
		tv_set_str(A, m, "by", db_col_text(st, 5)[0] ? db_col_text(st, 5) : db_col_text(st, 6));
		rows[n].m = m;
		n++;
	}
	db_done(st);
	for (int i = 0; i < n; i++) {
		int64_t s, w, f;
		if (!progress(db, rows[i].id, &s, &w, &f)) {
			web_error(r, 500, NULL);
			return;
		}
		tv_set_int(A, rows[i].m, "sent", s);
		tv_set_int(A, rows[i].m, "waiting", w);
		tv_set_int(A, rows[i].m, "failed", f);
		tv_push(A, list, rows[i].m);
	}
	tv_set(A, ctx, "sends", list);
	tv_set_bool(A, ctx, "any", n > 0);
	web_render(r, "staff/bulkmail", ctx);
}

/* a term's name by id or by (vocab, code); "" when gone */
static const char *
term_name(req_t *r, db_t *db, int64_t id, const char *vocab, const char *code)
{
	db_stmt_t *st = db_prepare(db, id > 0 ? "SELECT name FROM terms WHERE id = ?" :
	    "SELECT name FROM terms WHERE vocab = ? AND code = ?");
	const char *name = "";

	if (st == NULL)
		return name;
	if (id > 0) {
		db_bind_i64(st, 1, id);
	} else {
		db_bind_str(st, 1, vocab);
		db_bind_str(st, 2, code);
	}
	if (db_step(st) == DB_ROW)
		name = arena_strdup(&r->arena, db_col_text(st, 0));
	db_done(st);
	return name;
}

static void
cond(req_t *r, tv_t *list, const char *label, const char *value)
{
	tv_t *m = tv_map(&r->arena);

	tv_set_str(&r->arena, m, "label", label);
	tv_set_str(&r->arena, m, "value", value);
	tv_push(&r->arena, list, m);
}

static const char *
day(req_t *r, int64_t epoch)
{
	buf_t b;
	const char *out = "";

	buf_init(&b);
	if (jtime_format(&b, epoch, "date") && b.data != NULL)
		out = arena_strdup(&r->arena, b.data);
	buf_free(&b);
	return out;
}

/* The stored filter JSON as a list of Japanese conditions for the progress page. */
static tv_t *
filter_conditions(req_t *r, db_t *db, const char *text)
{
	tv_t *list = tv_list(&r->arena);
	json_t *o = json_loads(text, 0, NULL), *v;

	if (o == NULL)
		return list;
	if ((v = json_object_get(o, "target")) != NULL && json_is_string(v))
		cond(r, list, "対象区分", term_name(r, db, 0, "target", json_string_value(v)));
	if ((v = json_object_get(o, "from")) != NULL && json_is_integer(v))
		cond(r, list, "登録日（から）", day(r, json_integer_value(v)));
	if ((v = json_object_get(o, "until")) != NULL && json_is_integer(v))
		cond(r, list, "登録日（まで）", day(r, json_integer_value(v) - 86400));
	if ((v = json_object_get(o, "industry")) != NULL && json_is_integer(v))
		cond(r, list, "業種", term_name(r, db, json_integer_value(v), NULL, NULL));
	if ((v = json_object_get(o, "area")) != NULL && json_is_integer(v))
		cond(r, list, "地域・市町村", term_name(r, db, json_integer_value(v), NULL, NULL));
	if ((v = json_object_get(o, "listing")) != NULL && json_is_string(v))
		for (size_t i = 0; i < NLISTING; i++)
			if (strcmp(json_string_value(v), LISTING[i][0]) == 0)
				cond(r, list, "掲載状態", LISTING[i][1]);
	if ((v = json_object_get(o, "keyword")) != NULL && json_is_string(v))
		cond(r, list, "キーワード", arena_strdup(&r->arena, json_string_value(v)));
	json_decref(o);
	return list;
}

static const char *
status_label(const char *s)
{
	if (strcmp(s, "sent") == 0)
		return "送信済み";
	if (strcmp(s, "failed") == 0)
		return "失敗";
	return "送信待ち";
}

void
page_staff_bulkmail_view(req_t *r)
{
	arena_t *A = &r->arena;
	tv_t *ctx, *list = tv_list(A), *b = tv_map(A);
	int64_t id, page = 1, total = 0, s, w, f;
	const char *pq = http_query(r, "page"), *done = http_query(r, "done");
	char audience[16] = "";
	db_stmt_t *st;
	db_t *db;
	bool found = false;

	if (!may_any(r))
		return;
	if ((db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (!str_to_i64(http_param(r, 0), 1, INT64_MAX, &id)) {
		web_error(r, 404, NULL);
		return;
	}
	if (pq != NULL && !str_to_i64(pq, 1, 100000, &page))
		page = 1;
	st = db_prepare(db, "SELECT b.audience, b.subject, b.body, b.filter, b.recipients, b.created_at, "
	    "COALESCE(a.display_name, ''), COALESCE(a.login, '') FROM bulk_mails b LEFT JOIN accounts a ON a.id = b.created_by "
	    "WHERE b.id = ?");
	if (st == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW) {
		found = true;
		str_copy(audience, sizeof(audience), db_col_text(st, 0));
		tv_set_int(A, b, "id", id);
		tv_set_str(A, b, "audience", strcmp(audience, "company") == 0 ? "企業" : "求職者");
		tv_set_str(A, b, "subject", db_col_text(st, 1));
		tv_set_str(A, b, "body", db_col_text(st, 2));
		tv_set(A, b, "conditions", filter_conditions(r, db, db_col_text(st, 3)));
		total = db_col_i64(st, 4);
		tv_set_int(A, b, "recipients", total);
		tv_set_int(A, b, "created_at", db_col_i64(st, 5));
		tv_set_str(A, b, "by", db_col_text(st, 6)[0] ? db_col_text(st, 6) : db_col_text(st, 7));
	}
	db_done(st);
	if (!found) {
		web_error(r, 404, NULL);
		return;
	}
	if (!web_can(r, POLICY_BULK_MAIL, strcmp(audience, "company") == 0 ? POLICY_COMPANY : POLICY_SEEKER,
	    me(r)->department_id))
		return;
	if (!progress(db, id, &s, &w, &f)) {
		web_error(r, 500, NULL);
		return;
	}
	r->no_store = true;
	ctx = web_ctx(r, "一斉メールの送信状況");
	tv_set_int(A, b, "sent", s);
	tv_set_int(A, b, "waiting", w);
	tv_set_int(A, b, "failed", f);
	st = db_prepare(db, "SELECT a.login, o.to_addr, o.status, COALESCE(o.sent_at, 0) FROM bulk_mail_recipients br "
	    "JOIN outbox o ON o.id = br.outbox_id JOIN accounts a ON a.id = br.account_id WHERE br.bulk_id = ? "
	    "ORDER BY br.account_id LIMIT ? OFFSET ?");
	if (st == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	db_bind_i64(st, 1, id);
	db_bind_i64(st, 2, BULK_PAGE_ROWS);
	db_bind_i64(st, 3, (page - 1) * BULK_PAGE_ROWS);
	while (db_step(st) == DB_ROW) {
		tv_t *m = tv_map(A);
		char masked[EMAIL_MAX + 8];
		bulk_mask_email(db_col_text(st, 1), masked, sizeof(masked));
		tv_set_str(A, m, "login", db_col_text(st, 0));
		tv_set_str(A, m, "to", masked);
		tv_set_str(A, m, "status", status_label(db_col_text(st, 2)));
		tv_set_bool(A, m, "failed", strcmp(db_col_text(st, 2), "failed") == 0);
		tv_set_int(A, m, "sent_at", db_col_i64(st, 3));
		tv_push(A, list, m);
	}
	db_done(st);
	tv_set(A, ctx, "send", b);
	tv_set(A, ctx, "rows", list);
	tv_set_int(A, ctx, "page", page);
	if (page > 1)
		tv_set_str(A, ctx, "prev", arena_printf(A, "/staff/bulkmail/%" PRId64 "?page=%" PRId64, id, page - 1));
	if (page * BULK_PAGE_ROWS < total)
		tv_set_str(A, ctx, "next", arena_printf(A, "/staff/bulkmail/%" PRId64 "?page=%" PRId64, id, page + 1));
	tv_set_str(A, ctx, "self", arena_printf(A, "/staff/bulkmail/%" PRId64 "?page=%" PRId64, id, page));
	tv_set_bool(A, ctx, "done", done != NULL && strcmp(done, "sent") == 0);
	web_render(r, "staff/bulkmail_view", ctx);
}

/* the public unsubscribe page (G56): GET shows a button, POST does it */
static void
unsubscribe_page(req_t *r, const char *token, bool done)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "お知らせメールの配信停止");

	r->no_store = true;
	tv_set_str(A, ctx, "csrf", web_csrf(r)); /* the pre-login cookie binds it when not signed in */
	tv_set_str(A, ctx, "token", token);
	tv_set_bool(A, ctx, "done", done);
	web_render(r, "unsubscribe", ctx);
}

void
page_unsubscribe(req_t *r)
{
	const char *t = http_query(r, "t");
	int64_t id;

	if (!bulk_token_verify(t, &id)) {
		web_error(r, 404, "このリンクは正しくないか、使えなくなっています。メールに記載のリンクをそのままお使いください。");
		return;
	}
	unsubscribe_page(r, t, false);
}

void
page_unsubscribe_post(req_t *r)
{
	/* the page's button sends t in the form; a mail program's one click (RFC 8058) in the URL */
	const char *t = http_form(r, "t") != NULL ? http_form(r, "t") : http_query(r, "t");
	int64_t id;
	db_t *db;

	if (!bulk_token_verify(t, &id)) {
		web_error(r, 404, "このリンクは正しくないか、使えなくなっています。メールに記載のリンクをそのままお使いください。");
		return;
	}
	if ((db = db_thread()) == NULL || !bulk_unsubscribe(db, id, r->ip, jtime_now())) {
		web_error(r, 500, NULL);
		return;
	}
	unsubscribe_page(r, t, true);
}
