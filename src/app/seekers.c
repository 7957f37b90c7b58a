/*
 * seekers.c - 求職者管理: job-seeker records in the back office (issue 7 items 3 and 7; G66, SEC06, SEC09, B08).
 *
 * /staff/seekers lists and finds seekers (name and kana through the blind index, a keyword over the fields
 * that are not sealed, desired industry, target group, registration period); /staff/seekers/:id shows the
 * record with its consultant records, interactions, referrals and mail consultations. Everyone on the
 * staff may look (G62); only employment support and the prefecture write (policy_can, POLICY_SEEKER):
 * others get the same pages without forms and 403 on a direct POST. Every look at a record is in the
 * audit chain before the page is built (no entry, no page); every change is audited in its transaction
 * (member/records.c). Account lifecycle (suspend, reactivate) stays on /staff/members.
 */
#include "app/web.h"
#include "core/csv.h"
#include "auth/audit.h"
#include "auth/policy.h"
#include "auth/seal.h"
#include "auth/staff.h"
#include "content/settings.h"
#include "core/jtime.h"
#include "core/str.h"
#include "db/db.h"
#include "member/member.h"
#include "member/records.h"
#include "mail/mail.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSG_FIX "入力内容を確認してください。"

static account_t *
me(req_t *r)
{
	return &r->auth->account;
}

static bool
can_edit(req_t *r)
{
	return policy_can(me(r), POLICY_UPDATE, POLICY_SEEKER, 0);
}

/* erasure (SEC09): an administrator of employment support or the prefecture */
static bool
can_erase(req_t *r)
{
	return policy_can(me(r), POLICY_DELETE, POLICY_SEEKER, 0) && strcmp(me(r)->role, "admin") == 0;
}

/* a query or form value of at most max characters of one line (else "") */
static const char *
small(const char *v, size_t max)
{
	if (v == NULL || strlen(v) > max * 4 || !str_utf8_valid(v, strlen(v), false) || str_utf8_len(v, strlen(v)) > max)
		return "";
	return v;
}

/* a form value kept for re-display (several lines allowed) */
static const char *
kept(req_t *r, const char *name, size_t max)
{
	const char *v = r->method == M_POST ? http_form(r, name) : NULL;

	if (v == NULL || strlen(v) > max * 4 || !str_utf8_valid(v, strlen(v), true))
		return "";
	return v;
}

static tv_t *
term_options(req_t *r, db_t *db, const char *vocab, const char *selected, const char *none)
{
	arena_t *A = &r->arena;
	tv_t *list = tv_list(A), *o = tv_map(A);
	db_stmt_t *st = db_prepare(db, "SELECT code, name FROM terms WHERE vocab = ? ORDER BY sort, id");

	tv_set_str(A, o, "value", "");
	tv_set_str(A, o, "label", none);
	tv_set_bool(A, o, "selected", selected == NULL || selected[0] == '\0');
	tv_push(A, list, o);
	if (st == NULL)
		return list;
	db_bind_str(st, 1, vocab);
	while (db_step(st) == DB_ROW) {
		o = tv_map(A);
		tv_set_str(A, o, "value", db_col_text(st, 0));
		tv_set_str(A, o, "label", db_col_text(st, 1));
		tv_set_bool(A, o, "selected", selected != NULL && strcmp(selected, db_col_text(st, 0)) == 0);
		tv_push(A, list, o);
	}
	db_done(st);
	return list;
}

static const char *
term_name(req_t *r, db_t *db, const char *vocab, const char *code)
{
	char name[256];

	if (code == NULL || code[0] == '\0')
		return "";
	return member_term_name(db, vocab, code, name, sizeof(name)) ? arena_strdup(&r->arena, name) : code;
}

static bool
audit_look(req_t *r, db_t *db, const char *action, int64_t id, const char *detail)
{
	char target[48];
	audit_entry_t e = { me(r)->id, me(r)->login, r->ip, action, target, detail };

	snprintf(target, sizeof(target), "account:%" PRId64, id);
	/* outside a transaction audit_append commits the entry and moves the head file itself */
	return audit_append(db, &e, jtime_now());
}

/* ---- list ---- */

static int64_t
day(const char *ymd)
{
	int64_t t;

	return ymd != NULL && strlen(ymd) == 10 && jtime_parse_ymd(ymd, &t) ? t : 0;
}

/* ---- the list as CSV (issue 7 item 4; G67): page by page from the export's own connection, streamed ---- */

struct seeker_csv {
	db_t        *db;
	rec_filter_t f;
	char        *strs[5];   /* the filter's strings, owned */
	int          page;
	bool         done, failed;
	buf_t        pending;
	size_t       off;
};

static void
seeker_csv_free(void *arg)
{
	struct seeker_csv *c = arg;
	size_t i;

	if (c->db != NULL)
		db_close(c->db);
	for (i = 0; i < 5; i++)
		free(c->strs[i]);
	buf_free(&c->pending);
	free(c);
}

static void
csv_cell(buf_t *b, const char *s, bool last)
{
	csv_write_cell(b, s != NULL ? s : "", s != NULL ? strlen(s) : 0, last);
}

/* A term's name for the CSV (the code when it is not in the master). */
static const char *
csv_term(db_t *db, arena_t *A, const char *vocab, const char *code)
{
	db_stmt_t *st;
	const char *name = code;

	if (code == NULL || code[0] == '\0' || (st = db_prepare(db, "SELECT name FROM terms WHERE vocab = ? AND code = ?")) == NULL)
		return code;
	db_bind_str(st, 1, vocab);
	db_bind_str(st, 2, code);
	if (db_step(st) == DB_ROW)
		name = arena_strdup(A, db_col_text(st, 0));
	db_done(st);
	return name;
}

/* The next page of rows into pending; false on an error. */
static bool
seeker_csv_page(struct seeker_csv *c)
{
	arena_t A;
	rec_row_t *rows;
	size_t n, i;
	bool ok;

	arena_init(&A, 16 * 1024, 64 << 20);
	c->f.page = ++c->page;
	ok = c->page <= 100000 && rec_seeker_search(c->db, &A, &c->f, &rows, &n);
	for (i = 0; ok && i < n && i < REC_LIST_MAX; i++) {
		buf_t d = BUF_INIT;
		jtime_format(&d, rows[i].created_at, "ymd");
		csv_cell(&c->pending, rows[i].login, false);
		csv_cell(&c->pending, rows[i].erased ? SEAL_DELETED : rows[i].name, false);
		csv_cell(&c->pending, rows[i].erased ? "" : rows[i].kana, false);
		csv_cell(&c->pending, csv_term(c->db, &A, "target", rows[i].target), false);
		csv_cell(&c->pending, csv_term(c->db, &A, "industry", rows[i].industry), false);
		csv_cell(&c->pending, account_status_label(rows[i].status), false);
		csv_cell(&c->pending, d.data, true);
		buf_free(&d);
	}
	if (ok && n <= REC_LIST_MAX)
		c->done = true;
	arena_free(&A);
	return ok && !c->pending.oom;
}

static long
seeker_csv_read(void *arg, char *buf, size_t max)
{
	struct seeker_csv *c = arg;
	size_t avail, n;

	if (c->pending.len == c->off) {
		buf_clear(&c->pending);
		c->off = 0;
		if (c->done)
			return 0;
		if (!seeker_csv_page(c))
			return -1;
	}
	avail = c->pending.len - c->off;
	if (avail == 0)
		return 0;
	n = avail < max ? avail : max;
	memcpy(buf, c->pending.data + c->off, n);
	c->off += n;
	return (long)n;
}

static void
seekers_csv(req_t *r, db_t *db, const rec_filter_t *f)
{
	struct seeker_csv *c;
	audit_entry_t e = { me(r)->id, me(r)->login, r->ip, "seeker.export_list", "seekers",
	    r->raw_uri != NULL && strchr(r->raw_uri, '?') ? strchr(r->raw_uri, '?') + 1 : "" };
	const char *strs[5] = { f->name, f->kana, f->keyword, f->industry, f->target };
	size_t i;

	if (!web_can(r, POLICY_EXPORT, POLICY_SEEKER, me(r)->department_id))
		return;
	/* personal data leaves the system: no entry, no file (SEC07, SEC12) */
	if (!audit_append(db, &e, jtime_now())) {
		web_error(r, 500, "監査ログに記録できなかったため、ダウンロードできません。");
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL || (c->db = db_open()) == NULL) {
		if (c != NULL)
			seeker_csv_free(c);
		web_error(r, 500, NULL);
		return;
	}
	c->f = *f;
	for (i = 0; i < 5; i++)
		c->strs[i] = strs[i] != NULL ? strdup(strs[i]) : NULL;
	c->f.name = c->strs[0];
	c->f.kana = c->strs[1];
	c->f.keyword = c->strs[2];
	c->f.industry = c->strs[3];
	c->f.target = c->strs[4];
	buf_init(&c->pending);
	csv_write_bom(&c->pending);
	csv_cell(&c->pending, "ログインID", false);
	csv_cell(&c->pending, "氏名", false);
	csv_cell(&c->pending, "ふりがな", false);
	csv_cell(&c->pending, "対象区分", false);
	csv_cell(&c->pending, "希望業種", false);
	csv_cell(&c->pending, "状態", false);
	csv_cell(&c->pending, "登録日", true);
	r->content_type = "text/csv; charset=utf-8";
	r->no_store = true;
	http_set_header(r, "Content-Disposition", "attachment; filename=\"seekers.csv\"");
	r->stream = seeker_csv_read;
	r->stream_free = seeker_csv_free;
	r->stream_arg = c;
}

void
page_staff_seekers(req_t *r)
{
	arena_t *A = &r->arena;
	rec_filter_t f;
	rec_row_t *rows;
	size_t n, i;
	tv_t *ctx, *list;
	db_t *db;
	int64_t page = 1;
	const char *from = small(http_query(r, "from"), 10), *to = small(http_query(r, "to"), 10);

	if (!web_can(r, POLICY_VIEW, POLICY_SEEKER, 0))
		return;
	if ((db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	r->no_store = true;
	memset(&f, 0, sizeof(f));
	f.name = small(http_query(r, "name"), REC_QUERY_MAX);
	f.kana = small(http_query(r, "kana"), REC_QUERY_MAX);
	f.keyword = small(http_query(r, "keyword"), REC_QUERY_MAX);
	f.industry = small(http_query(r, "industry"), 32);
	f.target = small(http_query(r, "target"), 32);
	f.from = day(from);
	f.to = day(to) ? day(to) + 86400 : 0; /* to the end of that day (JST midnight to midnight) */
	if (!str_to_i64(http_query(r, "page"), 1, 1000, &page))
		page = 1;
	f.page = (int)page;
	if (http_query(r, "format") != NULL && strcmp(http_query(r, "format"), "csv") == 0) {
		seekers_csv(r, db, &f);
		return;
	}
	if (!rec_seeker_search(db, A, &f, &rows, &n)) {
		web_error(r, 500, NULL);
		return;
	}
	ctx = web_ctx(r, "求職者管理");
	list = tv_list(A);
	for (i = 0; i < n && i < REC_LIST_MAX; i++) {
		tv_t *m = tv_map(A);
		tv_set_int(A, m, "id", rows[i].id);
		tv_set_str(A, m, "login", rows[i].login);
		tv_set_str(A, m, "name", rows[i].erased ? SEAL_DELETED : rows[i].name[0] ? rows[i].name : "（未登録）");
		tv_set_str(A, m, "kana", rows[i].kana);
		tv_set_str(A, m, "target", term_name(r, db, "target", rows[i].target));
		tv_set_str(A, m, "industry", term_name(r, db, "industry", rows[i].industry));
		tv_set_int(A, m, "created_at", rows[i].created_at);
		tv_set_bool(A, m, "inactive", strcmp(rows[i].status, "active") != 0);
		tv_set_str(A, m, "status", account_status_label(rows[i].status));
		tv_push(A, list, m);
	}
	tv_set(A, ctx, "seekers", list);
	tv_set_bool(A, ctx, "any", n > 0);
	tv_set_bool(A, ctx, "more", n > REC_LIST_MAX);
	tv_set_int(A, ctx, "page", page);
	tv_set_int(A, ctx, "next_page", page + 1);
	tv_set_int(A, ctx, "prev_page", page - 1);
	tv_set_bool(A, ctx, "has_prev", page > 1);
	tv_set_str(A, ctx, "q_name", f.name);
	tv_set_str(A, ctx, "q_kana", f.kana);
	tv_set_str(A, ctx, "q_keyword", f.keyword);
	tv_set_str(A, ctx, "q_industry", f.industry);
	tv_set_str(A, ctx, "q_target", f.target);
	tv_set_str(A, ctx, "q_from", from);
	tv_set_str(A, ctx, "q_to", to);
	tv_set(A, ctx, "industries", term_options(r, db, "industry", f.industry, "指定しない"));
	tv_set(A, ctx, "targets", term_options(r, db, "target", f.target, "指定しない"));
	tv_set_bool(A, ctx, "searched", http_query(r, "name") != NULL);
	tv_set_bool(A, ctx, "can_export", policy_can(me(r), POLICY_EXPORT, POLICY_SEEKER, me(r)->department_id));
	tv_set_bool(A, ctx, "can_create", policy_can(me(r), POLICY_CREATE, POLICY_SEEKER, 0));
	web_render(r, "staff/seekers", ctx);
}

/* ---- one seeker ---- */

/* Loads the seeker of :id after asking the department rule; false when a response was written. */
static bool
target(req_t *r, db_t **db, rec_seeker_t *s, policy_action_t action)
{
	int64_t id;
	int rc;

	/* access first: a refused visitor learns nothing about which records exist */
	if (!web_can(r, action, POLICY_SEEKER, 0))
		return false;
	r->no_store = true;
	if ((*db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return false;
	}
	if (!str_to_i64(http_param(r, 0), 1, INT64_MAX, &id)) {
		web_error(r, 404, NULL);
		return false;
	}
	rc = rec_seeker_get(*db, &r->arena, id, s);
	if (rc <= 0) {
		web_error(r, rc == 0 ? 404 : 500, rc == 0 ? NULL : "求職者の情報を開けませんでした（暗号鍵を確認してください）。");
		return false;
	}
	return true;
}

static tv_t *
profile_ctx(req_t *r, db_t *db, const rec_seeker_t *s)
{
	arena_t *A = &r->arena;
	tv_t *p = tv_map(A);
	size_t i;

	tv_set_int(A, p, "id", s->id);
	tv_set_str(A, p, "login", s->login);
	tv_set_str(A, p, "email", s->email);
	tv_set_str(A, p, "status", account_status_label(s->status));
	for (i = 0; i < REC_SEEKER_NCOLS; i++)
		tv_set_str(A, p, rec_seeker_cols[i], s->v[i]);
	tv_set_str(A, p, "target_name", term_name(r, db, "target", s->v[8]));
	tv_set_str(A, p, "industry_name", term_name(r, db, "industry", s->industry));
	tv_set_str(A, p, "internal_memo", s->internal_memo);
	tv_set_str(A, p, "remarks", s->remarks);
	tv_set_bool(A, p, "mail_ok", s->mail_ok);
	tv_set_bool(A, p, "held", s->held);
	tv_set_bool(A, p, "erased", s->erased);
	tv_set_int(A, p, "erased_at", s->erased_at);
	tv_set_int(A, p, "created_at", s->created_at);
	tv_set_int(A, p, "updated_at", s->updated_at);
	tv_set_str(A, p, "display_name", s->erased ? SEAL_DELETED : s->v[0][0] ? s->v[0] : "（名前未登録）");
	return p;
}

static tv_t *
choice_list(req_t *r, const char *const (*v)[2], size_t n, const char *selected)
{
	arena_t *A = &r->arena;
	tv_t *list = tv_list(A);
	size_t i;

	for (i = 0; i < n; i++) {
		tv_t *o = tv_map(A);
		tv_set_str(A, o, "value", v[i][0]);
		tv_set_str(A, o, "label", v[i][1]);
		tv_set_bool(A, o, "selected", selected != NULL && strcmp(selected, v[i][0]) == 0);
		tv_push(A, list, o);
	}
	return list;
}

static const char *const CHANNELS[][2] = { { "visit", "来所" }, { "phone", "電話" }, { "mail", "メール" },
	{ "online", "オンライン" } };
static const char *const OUTCOMES[][2] = { { "applied", "応募" }, { "interview", "面接" }, { "offer", "内定" },
	{ "hired", "就職" }, { "declined", "辞退" } };

/* options of a "SELECT value, label" query; selected by value */
static tv_t *
query_options(req_t *r, db_t *db, const char *sql, int64_t selected)
{
	arena_t *A = &r->arena;
	tv_t *list = tv_list(A);
	db_stmt_t *st = db_prepare(db, sql);

	if (st == NULL)
		return list;
	while (db_step(st) == DB_ROW) {
		tv_t *o = tv_map(A);
		tv_set_int(A, o, "value", db_col_i64(st, 0));
		tv_set_str(A, o, "label", db_col_text(st, 1));
		tv_set_bool(A, o, "selected", db_col_i64(st, 0) == selected);
		tv_push(A, list, o);
	}
	db_done(st);
	return list;
}

static tv_t *
topic_options(req_t *r, db_t *db, const char *selected)
{
	arena_t *A = &r->arena;
	tv_t *list = tv_list(A);
	db_stmt_t *st = db_prepare(db, "SELECT code, name FROM consult_topics ORDER BY sort");

	if (st == NULL)
		return list;
	while (db_step(st) == DB_ROW) {
		tv_t *o = tv_map(A);
		tv_set_str(A, o, "value", db_col_text(st, 0));
		tv_set_str(A, o, "label", db_col_text(st, 1));
		tv_set_bool(A, o, "selected", selected != NULL && strcmp(selected, db_col_text(st, 0)) == 0);
		tv_push(A, list, o);
	}
	db_done(st);
	return list;
}

static const char *
today(req_t *r)
{
	struct tm tm;

	jtime_jst(jtime_now(), &tm);
	return arena_printf(&r->arena, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* The consultant record form's values: kept from a POST, else the record's, else defaults. */
static tv_t *
record_form(req_t *r, db_t *db, const rec_consult_in_t *in, const rec_err_t *e)
{
	arena_t *A = &r->arena;
	tv_t *f = tv_map(A), *err = tv_map(A);

	tv_set_str(A, f, "held_on", in->held_on);
	tv_set_str(A, f, "notes", in->notes);
	tv_set(A, f, "channels", choice_list(r, CHANNELS, 4, in->channel));
	tv_set(A, f, "topics", topic_options(r, db, in->topic));
	tv_set(A, f, "staff", query_options(r, db, "SELECT id, display_name || '（' || login || '）' FROM accounts "
	    "WHERE kind = 'staff' AND status = 'active' ORDER BY department_id, id", in->staff_id > 0 ? in->staff_id : me(r)->id));
	tv_set(A, f, "departments", query_options(r, db, "SELECT id, name FROM departments ORDER BY id",
	    in->department_id > 0 ? in->department_id : me(r)->department_id));
	if (e != NULL && e->field != NULL && e->field[0] != '\0')
		tv_set_str(A, err, e->field, e->msg);
	tv_set(A, f, "err", err);
	return f;
}

static void
read_record(req_t *r, rec_consult_in_t *in)
{
	int64_t v;

	in->held_on = kept(r, "held_on", 10);
	in->channel = kept(r, "channel", 16);
	in->topic = kept(r, "topic", 16);
	in->notes = kept(r, "notes", REC_NOTES_MAX);
	in->staff_id = str_to_i64(http_form(r, "staff_id"), 1, INT64_MAX, &v) ? v : 0;
	in->department_id = str_to_i64(http_form(r, "department_id"), 1, INT64_MAX, &v) ? v : 0;
}

typedef struct detail_err {
	const rec_err_t *record, *interaction, *referral;
	const char      *error;
} detail_err_t;

static bool
detail_lists(req_t *r, db_t *db, const rec_seeker_t *s, tv_t *ctx)
{
	arena_t *A = &r->arena;
	tv_t *recs = tv_list(A), *its = tv_list(A), *refs = tv_list(A), *cons = tv_list(A);
	db_stmt_t *st;

	st = db_prepare(db, "SELECT r.id, r.held_on, COALESCE(a.display_name, ''), r.channel, COALESCE(d.name, ''), t.name, "
	    "r.notes FROM consultant_records r LEFT JOIN accounts a ON a.id = r.staff_id "
	    "LEFT JOIN departments d ON d.id = r.department_id JOIN consult_topics t ON t.code = r.topic "
	    "WHERE r.seeker_id = ? ORDER BY r.held_on DESC, r.id DESC");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, s->id);
	while (db_step(st) == DB_ROW) {
		tv_t *m = tv_map(A);
		const char *notes = seal_col(st, 6, A, "consultant_records", "notes", db_col_i64(st, 0));
		tv_set_int(A, m, "id", db_col_i64(st, 0));
		tv_set_str(A, m, "held_on", db_col_text(st, 1));
		tv_set_str(A, m, "staff", db_col_text(st, 2));
		tv_set_str(A, m, "channel", rec_channel_label(db_col_text(st, 3)));
		tv_set_str(A, m, "department", db_col_text(st, 4));
		tv_set_str(A, m, "topic", db_col_text(st, 5));
		tv_set_str(A, m, "notes", notes == NULL ? "（復号できません）" : notes[0] ? notes : SEAL_DELETED);
		tv_set_str(A, m, "edit", arena_printf(A, "/staff/seekers/%" PRId64 "/records/%" PRId64, s->id, db_col_i64(st, 0)));
		tv_push(A, recs, m);
	}
	db_done(st);
	st = db_prepare(db, "SELECT i.id, i.happened_on, COALESCE(a.display_name, ''), i.summary FROM seeker_interactions i "
	    "LEFT JOIN accounts a ON a.id = i.staff_id WHERE i.seeker_id = ? ORDER BY i.happened_on DESC, i.id DESC");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, s->id);
	while (db_step(st) == DB_ROW) {
		tv_t *m = tv_map(A);
		const char *sum = seal_col(st, 3, A, "seeker_interactions", "summary", db_col_i64(st, 0));
		tv_set_str(A, m, "happened_on", db_col_text(st, 1));
		tv_set_str(A, m, "staff", db_col_text(st, 2));
		tv_set_str(A, m, "summary", sum == NULL ? "（復号できません）" : sum[0] ? sum : SEAL_DELETED);
		tv_push(A, its, m);
	}
	db_done(st);
	st = db_prepare(db, "SELECT f.id, f.referred_on, e.type, e.title, COALESCE(a.display_name, ''), f.outcome, e.id, "
	    "(SELECT group_concat(o.outcome, ',') FROM (SELECT outcome FROM referral_outcomes WHERE referral_id = f.id "
	    "ORDER BY id) o) FROM referrals f JOIN entities e ON e.id = f.entity_id LEFT JOIN accounts a ON a.id = f.staff_id "
	    "WHERE f.seeker_id = ? ORDER BY f.referred_on DESC, f.id DESC");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, s->id);
	while (db_step(st) == DB_ROW) {
		tv_t *m = tv_map(A);
		buf_t hist = BUF_INIT;
		const char *p = db_col_text(st, 7);
		while (*p) {
			const char *c = strchr(p, ',');
			size_t n = c ? (size_t)(c - p) : strlen(p);
			char code[16];
			if (n < sizeof(code)) {
				memcpy(code, p, n);
				code[n] = '\0';
				buf_printf(&hist, "%s%s", hist.len ? " → " : "", rec_outcome_label(code) ? rec_outcome_label(code) : code);
			}
			p += n + (c ? 1 : 0);
		}
		tv_set_int(A, m, "id", db_col_i64(st, 0));
		tv_set_str(A, m, "referred_on", db_col_text(st, 1));
		tv_set_str(A, m, "kind", strcmp(db_col_text(st, 2), "job") == 0 ? "求人" : "インターンシップ");
		tv_set_str(A, m, "title", db_col_text(st, 3));
		tv_set_str(A, m, "staff", db_col_text(st, 4));
		tv_set_str(A, m, "outcome", rec_outcome_label(db_col_text(st, 5)));
		tv_set_str(A, m, "history", hist.data && !hist.oom ? arena_strdup(A, hist.data) : "");
		tv_set_str(A, m, "action", arena_printf(A, "/staff/seekers/%" PRId64 "/referrals/%" PRId64, s->id, db_col_i64(st, 0)));
		tv_set(A, m, "outcomes", choice_list(r, OUTCOMES, 5, db_col_text(st, 5)));
		tv_push(A, refs, m);
		buf_free(&hist);
	}
	db_done(st);
	st = db_prepare(db, "SELECT c.id, c.subject, c.sealed, c.status, c.updated_at FROM consultations c "
	    "WHERE c.account_id = ? ORDER BY c.updated_at DESC");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, s->id);
	while (db_step(st) == DB_ROW) {
		tv_t *m = tv_map(A);
		int64_t cid = db_col_i64(st, 0);
		const char *subj = db_col_i64(st, 2) ? seal_col(st, 1, A, "consultations", "subject", cid) : db_col_text(st, 1);
		tv_set_int(A, m, "id", cid);
		tv_set_str(A, m, "subject", subj == NULL ? "（復号できません）" : subj[0] ? subj : SEAL_DELETED);
		tv_set_str(A, m, "status", strcmp(db_col_text(st, 3), "closed") == 0 ? "終了" : "受付中");
		tv_set_int(A, m, "updated_at", db_col_i64(st, 4));
		tv_push(A, cons, m);
	}
	db_done(st);
	tv_set(A, ctx, "records", recs);
	tv_set(A, ctx, "interactions", its);
	tv_set(A, ctx, "referrals", refs);
	tv_set(A, ctx, "consultations", cons);
	return true;
}

static void
detail_page(req_t *r, db_t *db, const rec_seeker_t *s, const detail_err_t *de)
{
	arena_t *A = &r->arena;
	tv_t *ctx, *ierr = tv_map(A), *ferr = tv_map(A), *iform = tv_map(A), *fform = tv_map(A);
	const char *done = http_query(r, "done");
	rec_consult_in_t in = { today(r), 0, "visit", 0, "job", "" };
	int64_t ent = 0;

	/* every look at a seeker's personal record is in the audit chain first (SEC07): no entry, no page */
	if (!audit_look(r, db, "seeker.view", s->id, de != NULL ? "form again" : "")) {
		web_error(r, 500, "監査ログに記録できなかったため、表示を中止しました。");
		return;
	}
	ctx = web_ctx(r, "求職者の詳細");
	tv_set(A, ctx, "seeker", profile_ctx(r, db, s));
	if (!detail_lists(r, db, s, ctx)) {
		web_error(r, 500, NULL);
		return;
	}
	tv_set_bool(A, ctx, "can_edit", can_edit(r) && !s->erased);
	tv_set_bool(A, ctx, "can_print", policy_can(me(r), POLICY_PRINT, POLICY_SEEKER, 0) && !s->erased);
	tv_set_bool(A, ctx, "can_export", policy_can(me(r), POLICY_EXPORT, POLICY_SEEKER, 0));
	tv_set_bool(A, ctx, "can_erase", can_erase(r) && !s->erased);
	tv_set_str(A, ctx, "base", arena_printf(A, "/staff/seekers/%" PRId64, s->id));
	tv_set_str(A, ctx, "csrf", web_csrf(r));
	if (de != NULL && de->record != NULL)
		read_record(r, &in);
	tv_set(A, ctx, "rform", record_form(r, db, &in, de ? de->record : NULL));
	tv_set_str(A, iform, "happened_on", de && de->interaction ? kept(r, "happened_on", 10) : today(r));
	tv_set_str(A, iform, "summary", de && de->interaction ? kept(r, "summary", REC_SUMMARY_MAX) : "");
	if (de && de->interaction && de->interaction->field && de->interaction->field[0])
		tv_set_str(A, ierr, de->interaction->field, de->interaction->msg);
	tv_set(A, iform, "err", ierr);
	tv_set(A, ctx, "iform", iform);
	if (de && de->referral)
		(void)str_to_i64(http_form(r, "entity_id"), 1, INT64_MAX, &ent);
	tv_set(A, fform, "entities", query_options(r, db, "SELECT id, CASE type WHEN 'job' THEN '求人：' ELSE "
	    "'インターンシップ：' END || title FROM entities WHERE type IN ('job', 'internship') AND status = 'published' "
	    "ORDER BY type, title LIMIT 500", ent));
	tv_set_str(A, fform, "referred_on", de && de->referral ? kept(r, "referred_on", 10) : today(r));
	tv_set(A, fform, "outcomes", choice_list(r, OUTCOMES, 5, de && de->referral ? kept(r, "outcome", 16) : "applied"));
	if (de && de->referral && de->referral->field && de->referral->field[0])
		tv_set_str(A, ferr, de->referral->field, de->referral->msg);
	tv_set(A, fform, "err", ferr);
	tv_set(A, ctx, "fform", fform);
	if (de != NULL) {
		tv_set_str(A, ctx, "error", de->error ? de->error : MSG_FIX);
		r->status = 422;
	}
	if (done != NULL) {
		static const char *const msgs[][2] = { { "record", "コンサルタント記録を保存しました。" },
			{ "interaction", "対応履歴を追加しました。" }, { "referral", "紹介履歴を追加しました。" },
			{ "outcome", "紹介の結果を変更しました。" }, { "profile", "求職者情報を保存しました。" },
			{ "erased", "個人情報を削除しました。統計用の件数と監査ログは残っています。" },
			{ "created", "求職者を登録しました。ログインIDと、パスワードを設定するためのリンクを本人あてにメールで送りました。" } };
		size_t i;
		for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++)
			if (strcmp(done, msgs[i][0]) == 0)
				tv_set_str(A, ctx, "done", msgs[i][1]);
	}
	web_render(r, "staff/seeker", ctx);
}

void
page_staff_seeker(req_t *r)
{
	rec_seeker_t s;
	db_t *db;

	if (!target(r, &db, &s, POLICY_VIEW))
		return;
	detail_page(r, db, &s, NULL);
}

static void
back(req_t *r, int64_t id, const char *done)
{
	http_redirect(r, arena_printf(&r->arena, "/staff/seekers/%" PRId64 "?done=%s", id, done));
}

void
page_staff_seeker_record_add_post(req_t *r)
{
	rec_seeker_t s;
	rec_consult_in_t in;
	rec_err_t e = { NULL, "" };
	detail_err_t de = { &e, NULL, NULL, NULL };
	int64_t id;
	db_t *db;

	if (!target(r, &db, &s, POLICY_UPDATE))
		return;
	if (s.erased) {
		web_error(r, 409, "この求職者の個人情報は削除済みです。");
		return;
	}
	read_record(r, &in);
	if (!rec_consult_save(db, &r->arena, me(r), r->ip, s.id, 0, &in, jtime_now(), &id, &e)) {
		detail_page(r, db, &s, &de);
		return;
	}
	back(r, s.id, "record");
}

static void
record_page(req_t *r, db_t *db, const rec_seeker_t *s, int64_t rid, const rec_consult_in_t *in, const rec_err_t *e)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "コンサルタント記録の編集");

	tv_set(A, ctx, "seeker", profile_ctx(r, db, s));
	tv_set(A, ctx, "rform", record_form(r, db, in, e));
	tv_set_str(A, ctx, "action", arena_printf(A, "/staff/seekers/%" PRId64 "/records/%" PRId64, s->id, rid));
	tv_set_str(A, ctx, "base", arena_printf(A, "/staff/seekers/%" PRId64, s->id));
	tv_set_str(A, ctx, "csrf", web_csrf(r));
	if (e != NULL) {
		tv_set_str(A, ctx, "error", MSG_FIX);
		r->status = 422;
	}
	web_render(r, "staff/seeker_record", ctx);
}

void
page_staff_seeker_record(req_t *r)
{
	rec_seeker_t s;
	rec_consult_in_t in;
	int64_t rid;
	db_stmt_t *st;
	db_t *db;
	bool found = false;

	if (!target(r, &db, &s, POLICY_UPDATE))
		return;
	if (!str_to_i64(http_param(r, 1), 1, INT64_MAX, &rid) || s.erased) {
		web_error(r, 404, NULL);
		return;
	}
	if (!audit_look(r, db, "seeker.view", s.id, arena_printf(&r->arena, "consultant_record:%" PRId64, rid))) {
		web_error(r, 500, "監査ログに記録できなかったため、表示を中止しました。");
		return;
	}
	st = db_prepare(db, "SELECT held_on, COALESCE(staff_id, 0), channel, COALESCE(department_id, 0), topic, notes "
	    "FROM consultant_records WHERE id = ? AND seeker_id = ?");
	if (st == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	db_bind_i64(st, 1, rid);
	db_bind_i64(st, 2, s.id);
	if (db_step(st) == DB_ROW) {
		in.held_on = arena_strdup(&r->arena, db_col_text(st, 0));
		in.staff_id = db_col_i64(st, 1);
		in.channel = arena_strdup(&r->arena, db_col_text(st, 2));
		in.department_id = db_col_i64(st, 3);
		in.topic = arena_strdup(&r->arena, db_col_text(st, 4));
		in.notes = seal_col(st, 5, &r->arena, "consultant_records", "notes", rid);
		found = in.notes != NULL;
	}
	db_done(st);
	if (!found) {
		web_error(r, 404, NULL);
		return;
	}
	record_page(r, db, &s, rid, &in, NULL);
}

void
page_staff_seeker_record_post(req_t *r)
{
	rec_seeker_t s;
	rec_consult_in_t in;
	rec_err_t e = { NULL, "" };
	int64_t rid, id;
	db_t *db;

	if (!target(r, &db, &s, POLICY_UPDATE))
		return;
	if (!str_to_i64(http_param(r, 1), 1, INT64_MAX, &rid) || s.erased) {
		web_error(r, 404, NULL);
		return;
	}
	read_record(r, &in);
	if (!rec_consult_save(db, &r->arena, me(r), r->ip, s.id, rid, &in, jtime_now(), &id, &e)) {
		record_page(r, db, &s, rid, &in, &e);
		return;
	}
	back(r, s.id, "record");
}

void
page_staff_seeker_interaction_post(req_t *r)
{
	rec_seeker_t s;
	rec_err_t e = { NULL, "" };
	detail_err_t de = { NULL, &e, NULL, NULL };
	db_t *db;

	if (!target(r, &db, &s, POLICY_UPDATE))
		return;
	if (s.erased) {
		web_error(r, 409, "この求職者の個人情報は削除済みです。");
		return;
	}
	if (!rec_interaction_add(db, &r->arena, me(r), r->ip, s.id, kept(r, "happened_on", 10),
	    kept(r, "summary", REC_SUMMARY_MAX), jtime_now(), &e)) {
		detail_page(r, db, &s, &de);
		return;
	}
	back(r, s.id, "interaction");
}

void
page_staff_seeker_referral_post(req_t *r)
{
	rec_seeker_t s;
	rec_err_t e = { NULL, "" };
	detail_err_t de = { NULL, NULL, &e, NULL };
	int64_t ent = 0, id;
	db_t *db;

	if (!target(r, &db, &s, POLICY_UPDATE))
		return;
	if (s.erased) {
		web_error(r, 409, "この求職者の個人情報は削除済みです。");
		return;
	}
	(void)str_to_i64(http_form(r, "entity_id"), 1, INT64_MAX, &ent);
	if (!rec_referral_add(db, me(r), r->ip, s.id, ent, kept(r, "referred_on", 10), kept(r, "outcome", 16),
	    jtime_now(), &id, &e)) {
		detail_page(r, db, &s, &de);
		return;
	}
	back(r, s.id, "referral");
}

void
page_staff_seeker_outcome_post(req_t *r)
{
	rec_seeker_t s;
	rec_err_t e = { NULL, "" };
	detail_err_t de = { NULL, NULL, NULL, NULL };
	int64_t rid;
	db_t *db;

	if (!target(r, &db, &s, POLICY_UPDATE))
		return;
	if (!str_to_i64(http_param(r, 1), 1, INT64_MAX, &rid)) {
		web_error(r, 404, NULL);
		return;
	}
	if (!rec_referral_outcome(db, me(r), r->ip, s.id, rid, kept(r, "outcome", 16), jtime_now(), &e)) {
		de.error = e.msg;
		detail_page(r, db, &s, &de);
		return;
	}
	back(r, s.id, "outcome");
}

/* ---- profile and internal data ---- */

/* The fields for templates/partials/member_fields.html (as register.c builds them for the seeker's own
 * profile page): every key set on every item. */
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
		bool sel = strcmp(d->input, "select") == 0, area = strcmp(d->input, "textarea") == 0;
		bool box = strcmp(d->input, "checkbox") == 0;
		const char *desc = "";

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
		tv_set_int(A, m, "maxlength", d->check == MF_DATE || d->check == MF_MONTH ? 0 : d->max);
		tv_set_str(A, m, "autocomplete", "off");
		tv_set_str(A, m, "hint", d->hint ? d->hint : "");
		tv_set_str(A, m, "ferr", e);
		if (e[0] != '\0' && d->hint != NULL)
			desc = arena_printf(A, "f-%s-error f-%s-hint", d->name, d->name);
		else if (e[0] != '\0')
			desc = arena_printf(A, "f-%s-error", d->name);
		else if (d->hint != NULL)
			desc = arena_printf(A, "f-%s-hint", d->name);
		tv_set_str(A, m, "describedby", desc);
		tv_set(A, m, "options", sel ? term_options(r, db, d->vocab, v, "選んでください") : tv_list(A));
		tv_push(A, list, m);
	}
	return list;
}

/* The profile form and internal data of the edit and registration pages (staff/seeker_internal_fields). */
static void
form_ctx(req_t *r, db_t *db, tv_t *ctx, const member_form_t *f, const char *industry, const char *memo,
    const char *remarks, const char *error)
{
	arena_t *A = &r->arena;

	tv_set(A, ctx, "fields", fields_ctx(r, db, f));
	tv_set(A, ctx, "industries", term_options(r, db, "industry", industry, "選んでください"));
	tv_set_str(A, ctx, "internal_memo", memo);
	tv_set_str(A, ctx, "remarks", remarks);
	tv_set_str(A, ctx, "csrf", web_csrf(r));
	tv_set_int(A, ctx, "notes_max", REC_NOTES_MAX);
	if (error != NULL) {
		tv_set_str(A, ctx, "error", error);
		r->status = 422;
	}
}

/* Reads and checks the posted profile form (kind) and 希望業種; false when something is wrong (the
 * messages are in f). */
static bool
read_profile(req_t *r, db_t *db, member_form_kind_t kind, member_form_t *f, const char *industry)
{
	char name[256];

	member_form_init(f, kind);
	for (int i = 0; i < f->n; i++)
		f->values[i] = http_form(r, f->defs[i].name);
	return member_form_check(db, f, jtime_now()) &&
	    (industry[0] == '\0' || member_term_name(db, "industry", industry, name, sizeof(name)));
}

static void
edit_page(req_t *r, db_t *db, const rec_seeker_t *s, const member_form_t *f, const char *industry,
    const char *memo, const char *remarks, const char *error)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "求職者情報の編集");

	tv_set(A, ctx, "seeker", profile_ctx(r, db, s));
	tv_set_str(A, ctx, "action", arena_printf(A, "/staff/seekers/%" PRId64 "/edit", s->id));
	tv_set_str(A, ctx, "base", arena_printf(A, "/staff/seekers/%" PRId64, s->id));
	form_ctx(r, db, ctx, f, industry, memo, remarks, error);
	web_render(r, "staff/seeker_edit", ctx);
}

void
page_staff_seeker_edit(req_t *r)
{
	rec_seeker_t s;
	member_form_t f;
	db_t *db;

	if (!target(r, &db, &s, POLICY_UPDATE))
		return;
	if (s.erased) {
		web_error(r, 409, "この求職者の個人情報は削除済みです。");
		return;
	}
	if (!audit_look(r, db, "seeker.view", s.id, "edit form")) {
		web_error(r, 500, "監査ログに記録できなかったため、表示を中止しました。");
		return;
	}
	(void)member_seeker_load(db, s.id, &f, &r->arena);
	edit_page(r, db, &s, &f, s.industry, s.internal_memo, s.remarks, NULL);
}

void
page_staff_seeker_edit_post(req_t *r)
{
	rec_seeker_t s;
	member_form_t f;
	const char *industry = small(http_form(r, "industry"), 32);
	const char *memo = kept(r, "internal_memo", REC_NOTES_MAX), *remarks = kept(r, "remarks", REC_NOTES_MAX);
	char err[256];
	db_t *db;

	if (!target(r, &db, &s, POLICY_UPDATE))
		return;
	if (s.erased) {
		web_error(r, 409, "この求職者の個人情報は削除済みです。");
		return;
	}
	if (!read_profile(r, db, MEMBER_SEEKER_PROFILE, &f, industry)) {
		edit_page(r, db, &s, &f, industry, memo, remarks, MSG_FIX);
		return;
	}
	if (!rec_seeker_update(db, &r->arena, me(r), r->ip, s.id, &f, industry, memo, remarks, jtime_now(), err, sizeof(err))) {
		edit_page(r, db, &s, &f, industry, memo, remarks, arena_strdup(&r->arena, err));
		return;
	}
	back(r, s.id, "profile");
}

/* ---- 求職者の新規登録 (G66): a job seeker registered by staff at the counter ---- */

static void
new_page(req_t *r, db_t *db, const member_form_t *f, const char *industry, const char *memo, const char *remarks,
    const char *error)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "求職者の新規登録");

	r->no_store = true;
	tv_set_int(A, ctx, "link_days", REC_WELCOME_TTL_S / 86400);
	form_ctx(r, db, ctx, f, industry, memo, remarks, error);
	web_render(r, "staff/seeker_new", ctx);
}

void
page_staff_seeker_new(req_t *r)
{
	member_form_t f;
	db_t *db = db_thread();

	if (!web_can(r, POLICY_CREATE, POLICY_SEEKER, 0))
		return;
	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	member_form_init(&f, MEMBER_SEEKER_REG);
	new_page(r, db, &f, "", "", "", NULL);
}

void
page_staff_seeker_new_post(req_t *r)
{
	member_form_t f;
	member_site_t site;
	const char *industry = small(http_form(r, "industry"), 32);
	const char *memo = kept(r, "internal_memo", REC_NOTES_MAX), *remarks = kept(r, "remarks", REC_NOTES_MAX);
	char err[256], login[MEMBER_LOGIN_LEN + 1];
	rec_create_rc_t rc;
	int64_t id;
	db_t *db = db_thread();

	if (!web_can(r, POLICY_CREATE, POLICY_SEEKER, 0))
		return;
	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (!read_profile(r, db, MEMBER_SEEKER_REG, &f, industry)) {
		new_page(r, db, &f, industry, memo, remarks, MSG_FIX);
		return;
	}
	site.name = settings_site_nickname();
	site.link_base = web_abs(r, "/password/reset?token=");
	site.login_url = web_abs(r, "/login");
	site.forgot_url = web_abs(r, "/password/forgot");
	rc = rec_seeker_create(db, &r->arena, me(r), r->ip, &f, industry, memo, remarks, &site, jtime_now(), &id, login,
	    err, sizeof(err));
	if (rc == REC_CREATE_DUPLICATE) {
		int k = member_form_index(&f, "email");
		if (k >= 0)
			str_copy(f.errors[k], sizeof(f.errors[k]), err);
		new_page(r, db, &f, industry, memo, remarks, MSG_FIX);
		return;
	}
	if (rc != REC_CREATE_OK) {
		new_page(r, db, &f, industry, memo, remarks, arena_strdup(&r->arena, err));
		return;
	}
	mail_wake();
	back(r, id, "created");
}

/* ---- 登録票印刷, export, erasure ---- */

void
page_staff_seeker_print(req_t *r)
{
	arena_t *A = &r->arena;
	rec_seeker_t s;
	tv_t *ctx;
	db_t *db;

	if (!target(r, &db, &s, POLICY_PRINT))
		return;
	if (!audit_look(r, db, "seeker.print", s.id, "")) {
		web_error(r, 500, "監査ログに記録できなかったため、表示を中止しました。");
		return;
	}
	ctx = web_ctx(r, "登録票");
	tv_set(A, ctx, "seeker", profile_ctx(r, db, &s));
	if (!detail_lists(r, db, &s, ctx)) {
		web_error(r, 500, NULL);
		return;
	}
	tv_set_int(A, ctx, "printed_at", jtime_now());
	tv_set_str(A, ctx, "base", arena_printf(A, "/staff/seekers/%" PRId64, s.id));
	web_render(r, "staff/seeker_print", ctx);
}

void
page_staff_seeker_export(req_t *r)
{
	rec_seeker_t s;
	char *json = NULL;
	size_t len = 0;
	db_t *db;

	if (!target(r, &db, &s, POLICY_EXPORT))
		return;
	/* the entry first: an export that cannot be recorded does not happen (SEC07, SEC09) */
	if (!audit_look(r, db, "seeker.export", s.id, "json")) {
		web_error(r, 500, "監査ログに記録できなかったため、出力を中止しました。");
		return;
	}
	if (!rec_seeker_export(db, &r->arena, s.id, &json, &len)) {
		web_error(r, 500, NULL);
		return;
	}
	buf_clear(&r->out);
	buf_append(&r->out, json, len);
	free(json);
	r->status = 200;
	r->content_type = "application/json; charset=utf-8";
	r->no_store = true;
	http_set_header(r, "Content-Disposition", arena_printf(&r->arena, "attachment; filename=\"seeker-%" PRId64 ".json\"", s.id));
}

static void
erase_page(req_t *r, db_t *db, const rec_seeker_t *s, const char *field, const char *error)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "求職者の個人情報の削除"), *err = tv_map(A);

	tv_set(A, ctx, "seeker", profile_ctx(r, db, s));
	tv_set_str(A, ctx, "action", arena_printf(A, "/staff/seekers/%" PRId64 "/erase", s->id));
	tv_set_str(A, ctx, "base", arena_printf(A, "/staff/seekers/%" PRId64, s->id));
	tv_set_str(A, ctx, "csrf", web_csrf(r));
	tv_set_str(A, ctx, "confirm", kept(r, "confirm", 64));
	tv_set_str(A, ctx, "reason", kept(r, "reason", REC_REASON_MAX));
	tv_set_int(A, ctx, "reason_max", REC_REASON_MAX);
	if (field != NULL) {
		tv_set_str(A, err, field, error);
		tv_set_str(A, ctx, "error", MSG_FIX);
		r->status = 422;
	}
	tv_set(A, ctx, "err", err);
	web_render(r, "staff/seeker_erase", ctx);
}

static bool
erase_target(req_t *r, db_t **db, rec_seeker_t *s)
{
	if (!target(r, db, s, POLICY_DELETE))
		return false;
	if (!can_erase(r)) {
		web_error(r, 403, "求職者の個人情報の削除は、就職支援部門または県の管理者が行います。");
		return false;
	}
	if (s->erased) {
		web_error(r, 409, "この求職者の個人情報はすでに削除されています。");
		return false;
	}
	return true;
}

void
page_staff_seeker_erase(req_t *r)
{
	rec_seeker_t s;
	db_t *db;

	if (!erase_target(r, &db, &s))
		return;
	if (!audit_look(r, db, "seeker.view", s.id, "erase form")) {
		web_error(r, 500, "監査ログに記録できなかったため、表示を中止しました。");
		return;
	}
	erase_page(r, db, &s, NULL, NULL);
}

void
page_staff_seeker_erase_post(req_t *r)
{
	const char *confirm = http_form(r, "confirm"), *reason = http_form(r, "reason");
	rec_seeker_t s;
	char err[256];
	db_t *db;

	if (!erase_target(r, &db, &s))
		return;
	if (confirm == NULL || strcmp(confirm, s.login) != 0) {
		erase_page(r, db, &s, "confirm", "確認のため、この求職者のログインIDを正確に入力してください。");
		return;
	}
	if (reason == NULL || reason[0] == '\0' || strlen(reason) > REC_REASON_MAX * 4 ||
	    !str_utf8_valid(reason, strlen(reason), false) || str_utf8_len(reason, strlen(reason)) > REC_REASON_MAX) {
		erase_page(r, db, &s, "reason", "削除の理由を200文字以内（1行）で入力してください。");
		return;
	}
	if (!rec_seeker_erase(db, me(r), r->ip, s.id, reason, jtime_now(), err, sizeof(err))) {
		erase_page(r, db, &s, "reason", arena_strdup(&r->arena, err));
		return;
	}
	back(r, s.id, "erased");
}
