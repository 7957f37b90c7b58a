/*
 * records_pages.c - the back office's record screens of companies, job offers and internships (issue 7
 * items 1 and 2; G60-G65): 企業管理 /staff/companies, 求人管理 /staff/jobs, インターンシップ管理
 * /staff/internships, each a search list and a record page. Fields themselves are edited in the content
 * editor (/staff/content/<type>/<id>); here staff keep what the editor does not: recruiting contacts,
 * the interaction history and the 対応状況 of offers. Every GET and POST asks web_can (G62); the writes
 * are in content/records.c, which asks policy_can again and audits inside its transaction.
 */
#include "app/web.h"
#include "auth/policy.h"
#include "content/records.h"
#include "content/schema.h"
#include "core/jtime.h"
#include "core/str.h"
#include "db/db.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define FORM_TEXT_MAX 8192  /* bytes of a typed value kept for showing a form again */

typedef struct kind_info {
	const char *type;      /* schema type */
	const char *base;      /* /staff/companies */
	const char *label;     /* 企業 */
	const char *menu;      /* 企業管理 */
	int         policy;    /* POLICY_COMPANY ... */
} kind_info_t;

static const kind_info_t KINDS[] = {
	{ "company", "/staff/companies", "企業", "企業管理", POLICY_COMPANY },
	{ "job", "/staff/jobs", "求人", "求人管理", POLICY_JOB },
	{ "internship", "/staff/internships", "インターンシップ", "インターンシップ管理", POLICY_INTERNSHIP },
};

static const char *const STATUS_CODES[4] = { "draft", "pending", "published", "archived" };
static const char *const STATUS_LABELS[4] = { "下書き", "承認待ち", "公開中", "掲載終了" };

static const char *
status_label(const char *code)
{
	for (size_t i = 0; code != NULL && i < 4; i++)
		if (strcmp(code, STATUS_CODES[i]) == 0)
			return STATUS_LABELS[i];
	return code;
}

/* A query or form value within the limit, else NULL. */
static const char *
q_arg(req_t *r, const char *name)
{
	const char *v = http_query(r, name);

	return v != NULL && v[0] != '\0' && strlen(v) <= RECORDS_QUERY_MAX ? v : NULL;
}

static const char *
kept(req_t *r, const char *name)
{
	const char *v = http_form(r, name);

	return v != NULL && strlen(v) <= FORM_TEXT_MAX ? v : "";
}

/* A JST date (YYYY-MM-DD) as the epoch of its start; 0 when absent or not a date. */
static int64_t
q_date(req_t *r, const char *name)
{
	const char *v = q_arg(r, name);
	int64_t t = 0;

	return v != NULL && jtime_parse_ymd(v, &t) ? t : 0;
}

static void
term_options(req_t *r, db_t *db, tv_t *ctx, const char *key, const char *vocab, const char *sel)
{
	arena_t *A = &r->arena;
	tv_t *list = tv_list(A);
	db_stmt_t *st = db_prepare(db, "SELECT code, name FROM terms WHERE vocab = ? ORDER BY sort, id LIMIT 500");

	if (st != NULL) {
		db_bind_str(st, 1, vocab);
		while (db_step(st) == DB_ROW) {
			tv_t *m = tv_map(A);
			tv_set_str(A, m, "code", db_col_text(st, 0));
			tv_set_str(A, m, "name", db_col_text(st, 1));
			tv_set_bool(A, m, "selected", sel != NULL && strcmp(sel, db_col_text(st, 0)) == 0);
			tv_push(A, list, m);
		}
		db_done(st);
	}
	tv_set(A, ctx, key, list);
}

/* The type's phone-type field names, for the phone search. */
static int
phone_fields(const schema_type_t *t, const char **names, int max)
{
	int n = 0;

	for (int i = 0; t != NULL && i < t->nfields && n < max; i++)
		if (t->fields[i].type == F_PHONE)
			names[n++] = t->fields[i].name;
	return n;
}

/* Appends name=value to a query string being built (values percent-encoded). */
static void
qs_add(buf_t *qs, const char *name, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return;
	buf_putc(qs, qs->len > 0 ? '&' : '?');
	buf_puts(qs, name);
	buf_putc(qs, '=');
	buf_append_urlenc(qs, value, strlen(value));
}

static void
page_list(req_t *r, const kind_info_t *k)
{
	static const char *const keys[] = { "name", "kana", "company", "q", "phone", "region", "industry", "occupation",
		"status", "ends_before", "ends_after", "active_on", "sort" };
	arena_t *A = &r->arena;
	const schema_t *s = listing_schema();
	const schema_type_t *t = s != NULL ? schema_type(s, k->type) : NULL;
	const char *phones[8];
	records_query_t q;
	records_list_t res;
	int64_t page = 1, pages;
	tv_t *ctx, *rows, *form, *statuses;
	buf_t qs = BUF_INIT;
	db_t *db;
	size_t i;

	if (!web_can(r, POLICY_VIEW, k->policy, 0))
		return;
	if (t == NULL || (db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	memset(&q, 0, sizeof(q));
	q.type = k->type;
	q.name = q_arg(r, "name");
	q.kana = q_arg(r, "kana");
	q.company = q_arg(r, "company");
	q.q = q_arg(r, "q");
	q.phone = q_arg(r, "phone");
	q.phone_fields = phones;
	q.nphone_fields = phone_fields(t, phones, 8);
	q.region = q_arg(r, "region");
	q.industry = q_arg(r, "industry");
	q.occupation = q_arg(r, "occupation");
	q.status = q_arg(r, "status");
	if (q.status != NULL && strcmp(status_label(q.status), q.status) == 0)
		q.status = NULL;  /* not one of the four */
	q.ends_before = q_date(r, "ends_before");
	q.ends_after = q_date(r, "ends_after");
	q.active_on = q_date(r, "active_on");
	if (q.active_on != 0)
		q.active_on += 12 * 3600;  /* midday of that JST day */
	q.sort_name = q_arg(r, "sort") != NULL && strcmp(q_arg(r, "sort"), "name") == 0;
	if (q_arg(r, "page") != NULL && !str_to_i64(q_arg(r, "page"), 1, RECORDS_MAX_PAGE, &page))
		page = 1;
	q.page = (int)page;
	q.per_page = RECORDS_PER_PAGE;
	q.now = jtime_now();
	/* 「CSVダウンロード」: the same query, every match, streamed (G67) */
	if (q_arg(r, "format") != NULL && strcmp(q_arg(r, "format"), "csv") == 0) {
		int64_t *ids;
		size_t nids;
		if (!web_can(r, POLICY_EXPORT, k->policy, r->auth->account.department_id))
			return;
		if (!records_search_ids(db, A, &q, &ids, &nids)) {
			web_error(r, 500, NULL);
			return;
		}
		web_export_csv(r, db, t, ids, nids);
		return;
	}
	if (!records_search(db, A, &q, &res)) {
		web_error(r, 500, NULL);
		return;
	}

	r->no_store = true;
	ctx = web_ctx(r, k->menu);
	tv_set_str(A, ctx, "heading", k->menu);
	tv_set_str(A, ctx, "base", k->base);
	tv_set_str(A, ctx, "kind_label", k->label);
	tv_set_str(A, ctx, "type", k->type);
	tv_set_bool(A, ctx, "is_company", strcmp(k->type, "company") == 0);
	tv_set_bool(A, ctx, "can_create", policy_can(&r->auth->account, POLICY_CREATE, k->policy, r->auth->account.department_id));
	form = tv_map(A);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = q_arg(r, keys[i]);
		tv_set_str(A, form, keys[i], v != NULL ? v : "");
		if (strcmp(keys[i], "sort") != 0)
			qs_add(&qs, keys[i], v);
	}
	tv_set_bool(A, form, "sort_name", q.sort_name);
	tv_set(A, ctx, "form", form);
	statuses = tv_list(A);
	for (i = 0; i < 4; i++) {
		tv_t *m = tv_map(A);
		tv_set_str(A, m, "code", STATUS_CODES[i]);
		tv_set_str(A, m, "name", STATUS_LABELS[i]);
		tv_set_bool(A, m, "selected", q.status != NULL && strcmp(q.status, STATUS_CODES[i]) == 0);
		tv_push(A, statuses, m);
	}
	tv_set(A, ctx, "statuses", statuses);
	term_options(r, db, ctx, "areas", "area", q.region);
	term_options(r, db, ctx, "municipalities", "municipality", q.region);
	term_options(r, db, ctx, "industries", "industry", q.industry);
	term_options(r, db, ctx, "occupations", "occupation", q.occupation);

	rows = tv_list(A);
	for (int n = 0; n < res.nrows; n++) {
		records_row_t *row = &res.rows[n];
		tv_t *m = tv_map(A);
		char st[16] = "";
		tv_set_int(A, m, "id", row->id);
		tv_set_str(A, m, "title", row->title);
		tv_set_str(A, m, "kana", row->kana);
		tv_set_str(A, m, "company", row->company);
		tv_set_str(A, m, "status", status_label(row->status));
		tv_set_str(A, m, "department", row->department[0] ? row->department : "（未設定）");
		tv_set_int(A, m, "listing_start", row->listing_start);
		tv_set_int(A, m, "listing_end", row->listing_end > 0 ? row->listing_end - 1 : 0);  /* last day */
		tv_set_int(A, m, "updated_at", row->updated_at);
		if (strcmp(k->type, "company") != 0 && records_offer_status_current(db, row->id, st, sizeof(st)) && st[0])
			tv_set_str(A, m, "handling", records_offer_status_label(st));
		tv_push(A, rows, m);
	}
	tv_set(A, ctx, "rows", rows);
	tv_set_int(A, ctx, "total", res.total);
	tv_set_str(A, ctx, "problem", res.problem);
	pages = (res.total + RECORDS_PER_PAGE - 1) / RECORDS_PER_PAGE;
	tv_set_int(A, ctx, "page", page);
	tv_set_int(A, ctx, "pages", pages > 0 ? pages : 1);
	{
		const char *sortq = q.sort_name ? "sort=name" : "sort=updated";
		const char *base = qs.data != NULL && !qs.oom ? qs.data : "";
		const char *sep = base[0] ? "&" : "?";
		if (page > 1)
			tv_set_str(A, ctx, "prev", arena_printf(A, "%s%s%s%s&page=%" PRId64, k->base, base, sep, sortq, page - 1));
		if (page < pages)
			tv_set_str(A, ctx, "next", arena_printf(A, "%s%s%s%s&page=%" PRId64, k->base, base, sep, sortq, page + 1));
		tv_set_str(A, ctx, "sort_updated", arena_printf(A, "%s%s%ssort=updated", k->base, base, sep));
		tv_set_str(A, ctx, "sort_name", arena_printf(A, "%s%s%ssort=name", k->base, base, sep));
		if (policy_can(&r->auth->account, POLICY_EXPORT, k->policy, r->auth->account.department_id))
			tv_set_str(A, ctx, "csv_url", arena_printf(A, "%s%s%s%s&format=csv", k->base, base, sep, sortq));
	}
	buf_free(&qs);
	web_render(r, "staff/records", ctx);
}

void
page_staff_records_companies(req_t *r)
{
	page_list(r, &KINDS[0]);
}

void
page_staff_records_jobs(req_t *r)
{
	page_list(r, &KINDS[1]);
}

void
page_staff_records_internships(req_t *r)
{
	page_list(r, &KINDS[2]);
}

/* ---- the record page ---- */

typedef struct form_err {
	const char *form;   /* contact, interaction, status: the form the message is for */
	const char *field;
	const char *msg;
} form_err_t;

typedef struct record {
	int64_t id, dept, listing_start, listing_end, updated_at, created_at;
	char   *title, *status, *fields_text, *dept_name;
} record_t;

static bool
load_record(req_t *r, db_t *db, const char *type, int64_t id, record_t *rec)
{
	db_stmt_t *st = db_prepare(db, "SELECT e.title, e.status, e.fields, COALESCE(e.department_id, 0), "
	    "COALESCE(e.listing_start, 0), COALESCE(e.listing_end, 0), e.updated_at, e.created_at, COALESCE(d.name, '') "
	    "FROM entities e LEFT JOIN departments d ON d.id = e.department_id WHERE e.id = ? AND e.type = ?");
	bool found = false;

	memset(rec, 0, sizeof(*rec));
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, id);
	db_bind_str(st, 2, type);
	if (db_step(st) == DB_ROW) {
		rec->id = id;
		rec->title = arena_strdup(&r->arena, db_col_text(st, 0));
		rec->status = arena_strdup(&r->arena, db_col_text(st, 1));
		rec->fields_text = arena_strdup(&r->arena, db_col_text(st, 2));
		rec->dept = db_col_i64(st, 3);
		rec->listing_start = db_col_i64(st, 4);
		rec->listing_end = db_col_i64(st, 5);
		rec->updated_at = db_col_i64(st, 6);
		rec->created_at = db_col_i64(st, 7);
		rec->dept_name = arena_strdup(&r->arena, db_col_text(st, 8));
		found = true;
	}
	db_done(st);
	return found;
}

/* The record of this route's id, after the department rule for action; NULL when the answer was sent. */
static db_t *
record_or_answer(req_t *r, const kind_info_t *k, policy_action_t action, record_t *rec)
{
	int64_t id = 0;
	db_t *db;

	if (!web_can(r, POLICY_VIEW, k->policy, 0))
		return NULL;
	if ((db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return NULL;
	}
	if (!str_to_i64(http_param(r, 0), 1, INT64_MAX, &id) || !load_record(r, db, k->type, id, rec)) {
		web_error(r, 404, NULL);
		return NULL;
	}
	if (!web_can(r, action, k->policy, rec->dept))
		return NULL;
	return db;
}

static tv_t *
errmap(req_t *r, const form_err_t *fe, const char *form)
{
	tv_t *m = tv_map(&r->arena);

	if (fe != NULL && fe->msg != NULL && strcmp(fe->form, form) == 0)
		tv_set_str(&r->arena, m, fe->field != NULL ? fe->field : "form", fe->msg);
	return m;
}

static void
channel_options(req_t *r, tv_t *ctx, const char *sel)
{
	arena_t *A = &r->arena;
	tv_t *list = tv_list(A);

	for (size_t i = 0; i < 6; i++) {
		tv_t *m = tv_map(A);
		tv_set_str(A, m, "code", records_channels[i]);
		tv_set_str(A, m, "name", records_channel_label(records_channels[i]));
		tv_set_bool(A, m, "selected", sel != NULL && strcmp(sel, records_channels[i]) == 0);
		tv_push(A, list, m);
	}
	tv_set(A, ctx, "channels", list);
}

/* The interaction form's values: typed ones when shown again, else now (JST). */
static tv_t *
interaction_form(req_t *r, const records_interaction_t *x, bool again)
{
	arena_t *A = &r->arena;
	tv_t *f = tv_map(A);
	buf_t b = BUF_INIT;
	int64_t at = x != NULL ? x->at : jtime_now();

	if (again) {
		tv_set_str(A, f, "at_date", kept(r, "at_date"));
		tv_set_str(A, f, "at_time", kept(r, "at_time"));
		tv_set_str(A, f, "summary", kept(r, "summary"));
		tv_set_str(A, f, "next_action", kept(r, "next_action"));
		tv_set_str(A, f, "next_action_due", kept(r, "next_action_due"));
		return f;
	}
	if (jtime_format(&b, at, "iso") && !b.oom && b.len >= 16) {
		tv_set(A, f, "at_date", tv_strn(A, b.data, 10));
		tv_set(A, f, "at_time", tv_strn(A, b.data + 11, 5));
	}
	buf_clear(&b);
	if (x != NULL) {
		tv_set_str(A, f, "summary", x->summary);
		tv_set_str(A, f, "next_action", x->next_action);
		if (x->next_action_due > 0 && jtime_format(&b, x->next_action_due, "iso") && !b.oom && b.len >= 10)
			tv_set(A, f, "next_action_due", tv_strn(A, b.data, 10));
	}
	buf_free(&b);
	return f;
}

static tv_t *
interaction_rows(req_t *r, db_t *db, int64_t id, bool by_offer, const char *edit_base)
{
	arena_t *A = &r->arena;
	records_interaction_t *list;
	tv_t *rows = tv_list(A);
	int n = 0;

	if (!records_interactions(db, A, id, by_offer, &list, &n))
		return NULL;
	for (int i = 0; i < n; i++) {
		tv_t *m = tv_map(A);
		tv_set_int(A, m, "id", list[i].id);
		tv_set_int(A, m, "at", list[i].at);
		tv_set_str(A, m, "staff", list[i].staff[0] ? list[i].staff : "—");
		tv_set_str(A, m, "department", list[i].department[0] ? list[i].department : "—");
		tv_set_str(A, m, "channel", records_channel_label(list[i].channel));
		tv_set_str(A, m, "summary", list[i].summary);
		tv_set_str(A, m, "next_action", list[i].next_action);
		tv_set_int(A, m, "next_action_due", list[i].next_action_due);
		tv_set_bool(A, m, "from_offer", !by_offer && list[i].offer_entity_id != 0);
		tv_set_str(A, m, "edit", arena_printf(A, "%s/interactions/%" PRId64, edit_base, list[i].id));
		tv_push(A, rows, m);
	}
	return rows;
}

static void
record_page(req_t *r, const kind_info_t *k, db_t *db, const record_t *rec, const form_err_t *fe)
{
	arena_t *A = &r->arena;
	const schema_t *s = listing_schema();
	const schema_type_t *t = s != NULL ? schema_type(s, k->type) : NULL;
	bool company = strcmp(k->type, "company") == 0;
	const char *self = arena_printf(A, "%s/%" PRId64, k->base, rec->id);
	tv_t *ctx, *fields_list, *irows;
	json_t *fields;
	db_stmt_t *st;

	if (t == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	fields = json_loads(rec->fields_text, 0, NULL);
	if (!json_is_object(fields)) {
		json_decref(fields);
		fields = json_object();
	}
	r->no_store = true;
	ctx = web_ctx(r, arena_printf(A, "%s：%s", k->label, rec->title));
	tv_set_str(A, ctx, "menu", k->menu);
	tv_set_str(A, ctx, "base", k->base);
	tv_set_str(A, ctx, "self", self);
	tv_set_str(A, ctx, "kind_label", k->label);
	tv_set_str(A, ctx, "record_title", rec->title);
	tv_set_int(A, ctx, "id", rec->id);
	tv_set_bool(A, ctx, "is_company", company);
	tv_set_bool(A, ctx, "is_job", strcmp(k->type, "job") == 0);
	tv_set_str(A, ctx, "edit_url", arena_printf(A, "/staff/content/%s/%" PRId64, k->type, rec->id));
	tv_set_str(A, ctx, "status", status_label(rec->status));
	tv_set_int(A, ctx, "listing_start", rec->listing_start);
	tv_set_int(A, ctx, "listing_end", rec->listing_end > 0 ? rec->listing_end - 1 : 0);
	tv_set_int(A, ctx, "updated_at", rec->updated_at);
	tv_set_int(A, ctx, "created_at", rec->created_at);
	tv_set_str(A, ctx, "department", rec->dept_name[0] ? rec->dept_name : "（未設定）");
	tv_set_bool(A, ctx, "can_edit", policy_can(&r->auth->account, POLICY_UPDATE, k->policy, rec->dept));

	fields_list = tv_list(A);
	for (int i = 0; i < t->nfields; i++) {
		const schema_field_t *f = &t->fields[i];
		json_t *j = json_object_get(fields, f->name);
		tv_t *m = tv_map(A), *v;
		tv_set_str(A, m, "label", f->label);
		tv_set_bool(A, m, "internal", f->internal);
		tv_set_bool(A, m, "long", f->type == F_LONGTEXT || f->type == F_MARKDOWN);
		if (f->type == F_YEN && json_is_integer(j))
			tv_set(A, m, "yen", tv_int(A, json_integer_value(j)));
		else if ((f->type == F_IMAGE || f->type == F_VIDEO) && json_is_string(j) && json_string_length(j) > 0)
			tv_set_str(A, m, "value", f->type == F_IMAGE ? "画像あり" : json_string_value(j));
		else if ((v = listing_field_text(r, db, rec->id, f, fields)) != NULL)
			tv_set(A, m, "value", v);
		tv_push(A, fields_list, m);
	}
	tv_set(A, ctx, "fields", fields_list);

	if (company) {
		records_contact_t *cs;
		tv_t *clist = tv_list(A), *cf = tv_map(A);
		int n = 0;
		int64_t pending = 0;
		if (!records_contacts(db, A, rec->id, &cs, &n)) {
			json_decref(fields);
			web_error(r, 500, NULL);
			return;
		}
		for (int i = 0; i < n; i++) {
			tv_t *m = tv_map(A);
			tv_set_int(A, m, "id", cs[i].id);
			tv_set_str(A, m, "name", cs[i].name);
			tv_set_str(A, m, "kana", cs[i].kana);
			tv_set_str(A, m, "department_title", cs[i].department_title);
			tv_set_str(A, m, "phone", cs[i].phone);
			tv_set_str(A, m, "email", cs[i].email);
			tv_set_str(A, m, "note", cs[i].note);
			tv_set_str(A, m, "edit", arena_printf(A, "%s/contacts/%" PRId64, self, cs[i].id));
			tv_push(A, clist, m);
		}
		tv_set(A, ctx, "contacts", clist);
		if (fe != NULL && strcmp(fe->form, "contact") == 0) {
			static const char *const names[] = { "name", "kana", "department_title", "phone", "email", "note", "sort" };
			for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
				tv_set_str(A, cf, names[i], kept(r, names[i]));
		}
		tv_set(A, ctx, "cform", cf);
		tv_set(A, ctx, "cerr", errmap(r, fe, "contact"));
		st = db_prepare(db, "SELECT id FROM company_revisions WHERE entity_id = ? AND status = 'pending' ORDER BY id DESC LIMIT 1");
		if (st != NULL) {
			db_bind_i64(st, 1, rec->id);
			if (db_step(st) == DB_ROW)
				pending = db_col_i64(st, 0);
			db_done(st);
		}
		tv_set_bool(A, ctx, "pending_revision", pending != 0);
		irows = interaction_rows(r, db, rec->id, false, self);
	} else {
		records_status_row_t *h;
		tv_t *hl = tv_list(A), *opts = tv_list(A);
		char cur[16] = "";
		int n = 0;
		int64_t cid = records_offer_company(db, rec->id);
		if (cid > 0)
			tv_set_str(A, ctx, "company_url", arena_printf(A, "/staff/companies/%" PRId64, cid));
		tv_set_str(A, ctx, "company_name", json_string_value(json_object_get(fields, "company_name")));
		if (!records_offer_status_current(db, rec->id, cur, sizeof(cur)) ||
		    !records_offer_status_history(db, A, rec->id, &h, &n)) {
			json_decref(fields);
			web_error(r, 500, NULL);
			return;
		}
		tv_set_str(A, ctx, "handling", cur[0] ? records_offer_status_label(cur) : NULL);
		for (int i = 0; i < n; i++) {
			tv_t *m = tv_map(A);
			tv_set_str(A, m, "status", records_offer_status_label(h[i].status));
			tv_set_str(A, m, "note", h[i].note);
			tv_set_str(A, m, "by", h[i].by[0] ? h[i].by : "—");
			tv_set_int(A, m, "at", h[i].at);
			tv_push(A, hl, m);
		}
		tv_set(A, ctx, "status_history", hl);
		/* 紹介履歴 of this offer (migration 020): who was introduced (login ID: names stay sealed on this page),
		 * when, by which department, and the outcome so far */
		{
			static const char *const oc[] = { "applied", "応募", "interview", "面接", "offer", "内定", "hired", "就職",
				"declined", "辞退" };
			tv_t *refs = tv_list(A);
			db_stmt_t *rs = db_prepare(db, "SELECT r.seeker_id, a.login, r.referred_on, r.outcome, COALESCE(d.name, '') "
			    "FROM referrals r JOIN accounts a ON a.id = r.seeker_id LEFT JOIN departments d ON d.id = r.department_id "
			    "WHERE r.entity_id = ? ORDER BY r.referred_on DESC, r.id DESC LIMIT 200");
			if (rs == NULL) {
				json_decref(fields);
				web_error(r, 500, NULL);
				return;
			}
			db_bind_i64(rs, 1, rec->id);
			while (db_step(rs) == DB_ROW) {
				tv_t *m = tv_map(A);
				const char *o = db_col_text(rs, 3);
				tv_set_str(A, m, "url", arena_printf(A, "/staff/seekers/%" PRId64, db_col_i64(rs, 0)));
				tv_set_str(A, m, "login", arena_strdup(A, db_col_text(rs, 1)));
				tv_set_str(A, m, "on", arena_strdup(A, db_col_text(rs, 2)));
				tv_set_str(A, m, "department", arena_strdup(A, db_col_text(rs, 4)));
				for (size_t i = 0; i < sizeof(oc) / sizeof(oc[0]); i += 2)
					if (strcmp(o, oc[i]) == 0)
						tv_set_str(A, m, "outcome", oc[i + 1]);
				tv_push(A, refs, m);
			}
			db_done(rs);
			tv_set(A, ctx, "referrals", refs);
		}
		for (size_t i = 0; i < 4; i++) {
			tv_t *m = tv_map(A);
			const char *want = fe != NULL && strcmp(fe->form, "status") == 0 ? kept(r, "handling_status") : cur;
			tv_set_str(A, m, "code", records_offer_statuses[i]);
			tv_set_str(A, m, "name", records_offer_status_label(records_offer_statuses[i]));
			tv_set_bool(A, m, "selected", strcmp(want, records_offer_statuses[i]) == 0);
			tv_push(A, opts, m);
		}
		tv_set(A, ctx, "status_options", opts);
		tv_set(A, ctx, "serr", errmap(r, fe, "status"));
		tv_set_str(A, ctx, "status_note", fe != NULL && strcmp(fe->form, "status") == 0 ? kept(r, "note") : "");
		irows = interaction_rows(r, db, rec->id, true, self);
	}
	json_decref(fields);
	if (irows == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	tv_set(A, ctx, "interactions", irows);
	tv_set(A, ctx, "iform", interaction_form(r, NULL, fe != NULL && strcmp(fe->form, "interaction") == 0));
	tv_set(A, ctx, "ierr", errmap(r, fe, "interaction"));
	channel_options(r, ctx, fe != NULL && strcmp(fe->form, "interaction") == 0 ? kept(r, "channel") : "phone");
	if (fe != NULL && fe->msg != NULL) {
		tv_set_str(A, ctx, "error", "入力内容を確認してください。");
		r->status = 422;
	}
	if (http_query(r, "done") != NULL)
		tv_set_str(A, ctx, "done", "保存しました。");
	web_render(r, "staff/record", ctx);
}

static const kind_info_t *
kind_of_path(req_t *r)
{
	if (str_has_prefix(r->path, "/staff/jobs/"))
		return &KINDS[1];
	if (str_has_prefix(r->path, "/staff/internships/"))
		return &KINDS[2];
	return &KINDS[0];
}

void
page_staff_record(req_t *r)
{
	const kind_info_t *k = kind_of_path(r);
	record_t rec;
	db_t *db = record_or_answer(r, k, POLICY_VIEW, &rec);

	if (db != NULL)
		record_page(r, k, db, &rec, NULL);
}

/* After a write: back to the record page, or its form again with the message. */
static void
answer(req_t *r, const kind_info_t *k, db_t *db, const record_t *rec, records_rc_t rc, const char *form,
    const char *field, const char *err, const char *anchor)
{
	form_err_t fe = { form, field, err };

	switch (rc) {
	case RECORDS_OK:
		http_redirect(r, arena_printf(&r->arena, "%s/%" PRId64 "?done=1#%s", k->base, rec->id, anchor));
		return;
	case RECORDS_DENIED:
		web_error(r, 403, err);
		return;
	case RECORDS_NOT_FOUND:
		web_error(r, 404, err);
		return;
	case RECORDS_INVALID:
		fe.msg = arena_strdup(&r->arena, err);
		record_page(r, k, db, rec, &fe);
		return;
	case RECORDS_ERROR:
		break;
	}
	web_error(r, 500, err);
}

static void
contact_in(req_t *r, records_contact_t *c)
{
	int64_t sort = 0;
	const char *sv = http_form(r, "sort");

	c->name = http_form(r, "name");
	c->kana = http_form(r, "kana");
	c->department_title = http_form(r, "department_title");
	c->phone = http_form(r, "phone");
	c->email = http_form(r, "email");
	c->note = http_form(r, "note");
	if (sv != NULL && sv[0] != '\0' && !str_to_i64(sv, 0, 999, &sort))
		sort = -1;
	c->sort = sort;
}

void
page_staff_contact_add_post(req_t *r)
{
	record_t rec;
	records_contact_t c = { 0 };
	const char *field = NULL;
	char err[256] = "";
	records_rc_t rc;
	db_t *db = record_or_answer(r, &KINDS[0], POLICY_UPDATE, &rec);

	if (db == NULL)
		return;
	contact_in(r, &c);
	c.entity_id = rec.id;
	rc = records_contact_save(db, &r->auth->account, r->ip, &c, jtime_now(), &field, err, sizeof(err));
	answer(r, &KINDS[0], db, &rec, rc, "contact", field, err, "contacts-heading");
}

/* The contact edit page (GET) and its form shown again. */
static void
contact_page(req_t *r, const record_t *rec, const records_contact_t *c, const char *field, const char *msg)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "採用担当者の変更"), *f = tv_map(A), *e = tv_map(A);
	bool confirm = field != NULL && strcmp(field, "confirm") == 0;
	const char *typed = confirm ? NULL : msg;  /* the edit form shows what was typed, or the stored values */

	r->no_store = true;
	tv_set_str(A, f, "name", typed ? kept(r, "name") : c->name);
	tv_set_str(A, f, "kana", typed ? kept(r, "kana") : c->kana);
	tv_set_str(A, f, "department_title", typed ? kept(r, "department_title") : c->department_title);
	tv_set_str(A, f, "phone", typed ? kept(r, "phone") : c->phone);
	tv_set_str(A, f, "email", typed ? kept(r, "email") : c->email);
	tv_set_str(A, f, "note", typed ? kept(r, "note") : c->note);
	tv_set_str(A, f, "sort", typed ? kept(r, "sort") : arena_printf(A, "%" PRId64, c->sort));
	if (typed != NULL) {
		tv_set_str(A, e, field != NULL ? field : "form", msg);
		tv_set_str(A, ctx, "error", "入力内容を確認してください。");
		r->status = 422;
	}
	tv_set(A, ctx, "cform", f);
	tv_set(A, ctx, "cerr", e);
	tv_set_str(A, ctx, "record_title", rec->title);
	tv_set_str(A, ctx, "self", arena_printf(A, "/staff/companies/%" PRId64, rec->id));
	tv_set_str(A, ctx, "action", arena_printf(A, "/staff/companies/%" PRId64 "/contacts/%" PRId64, rec->id, c->id));
	if (confirm) {
		tv_set_str(A, ctx, "delete_error", msg);
		tv_set_str(A, ctx, "error", "削除の確認をしてください。");
		r->status = 422;
	}
	web_render(r, "staff/record_contact", ctx);
}

static bool
find_contact(req_t *r, db_t *db, const record_t *rec, records_contact_t *out)
{
	records_contact_t *cs;
	int64_t cid = 0;
	int n = 0;

	if (!str_to_i64(http_param(r, 1), 1, INT64_MAX, &cid) || !records_contacts(db, &r->arena, rec->id, &cs, &n))
		return false;
	for (int i = 0; i < n; i++)
		if (cs[i].id == cid) {
			*out = cs[i];
			return true;
		}
	return false;
}

void
page_staff_contact(req_t *r)
{
	record_t rec;
	records_contact_t c;
	db_t *db = record_or_answer(r, &KINDS[0], POLICY_UPDATE, &rec);

	if (db == NULL)
		return;
	if (!find_contact(r, db, &rec, &c)) {
		web_error(r, 404, NULL);
		return;
	}
	contact_page(r, &rec, &c, NULL, NULL);
}

void
page_staff_contact_post(req_t *r)
{
	record_t rec;
	records_contact_t c;
	const char *field = NULL;
	char err[256] = "";
	records_rc_t rc;
	db_t *db = record_or_answer(r, &KINDS[0], POLICY_UPDATE, &rec);

	if (db == NULL)
		return;
	if (!find_contact(r, db, &rec, &c)) {
		web_error(r, 404, NULL);
		return;
	}
	contact_in(r, &c);
	rc = records_contact_save(db, &r->auth->account, r->ip, &c, jtime_now(), &field, err, sizeof(err));
	if (rc == RECORDS_INVALID)
		contact_page(r, &rec, &c, field, arena_strdup(&r->arena, err));
	else
		answer(r, &KINDS[0], db, &rec, rc, "contact", field, err, "contacts-heading");
}

void
page_staff_contact_delete_post(req_t *r)
{
	record_t rec;
	records_contact_t c;
	char err[256] = "";
	db_t *db = record_or_answer(r, &KINDS[0], POLICY_UPDATE, &rec);

	if (db == NULL)
		return;
	if (!find_contact(r, db, &rec, &c)) {
		web_error(r, 404, NULL);
		return;
	}
	/* a deletion cannot be undone: it needs the box ticked, else the page again with the stored values */
	if (http_form(r, "confirm") == NULL) {
		contact_page(r, &rec, &c, "confirm", "削除する場合は「この採用担当者を削除します」にチェックを入れてください。");
		return;
	}
	answer(r, &KINDS[0], db, &rec, records_contact_delete(db, &r->auth->account, r->ip, rec.id, c.id, jtime_now(),
	    err, sizeof(err)), "contact", NULL, err, "contacts-heading");
}

/* ---- interactions ---- */

/* Reads the interaction form; false (with field and message) when the date or time is not one. */
static bool
interaction_in(req_t *r, records_interaction_t *x, const char **field, const char **msg)
{
	const char *d = http_form(r, "at_date"), *t = http_form(r, "at_time"), *due = http_form(r, "next_action_due");
	char iso[64];
	int64_t at = 0, dd = 0;

	x->channel = http_form(r, "channel");
	x->summary = http_form(r, "summary");
	x->next_action = http_form(r, "next_action");
	if (d == NULL || t == NULL || strlen(d) != 10 || strlen(t) != 5 ||
	    snprintf(iso, sizeof(iso), "%sT%s:00+09:00", d, t) >= (int)sizeof(iso) || !jtime_parse_iso(iso, &at)) {
		*field = "at_date";
		*msg = "「対応日時」は日付（例：2026-04-01）と時刻（例：10:30）で入力してください。";
		return false;
	}
	x->at = at;
	if (due != NULL && due[0] != '\0') {
		if (!jtime_parse_ymd(due, &dd)) {
			*field = "next_action_due";
			*msg = "「次回対応の期日」は日付で入力してください（例：2026-04-10）。";
			return false;
		}
		x->next_action_due = dd;
	}
	return true;
}

void
page_staff_interaction_add_post(req_t *r)
{
	const kind_info_t *k = kind_of_path(r);
	record_t rec;
	records_interaction_t x;
	const char *field = NULL, *msg = NULL;
	char err[256] = "";
	records_rc_t rc;
	db_t *db = record_or_answer(r, k, POLICY_UPDATE, &rec);

	if (db == NULL)
		return;
	memset(&x, 0, sizeof(x));
	if (strcmp(k->type, "company") == 0) {
		x.entity_id = rec.id;
	} else {
		x.offer_entity_id = rec.id;
		x.entity_id = records_offer_company(db, rec.id);
	}
	if (!interaction_in(r, &x, &field, &msg)) {
		answer(r, k, db, &rec, RECORDS_INVALID, "interaction", field, msg, "interactions-heading");
		return;
	}
	rc = records_interaction_save(db, &r->auth->account, r->ip, &x, jtime_now(), &field, err, sizeof(err));
	answer(r, k, db, &rec, rc, "interaction", field, err, "interactions-heading");
}

static void
interaction_page(req_t *r, const kind_info_t *k, const record_t *rec, const records_interaction_t *x,
    const char *field, const char *msg)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "対応履歴の変更"), *e = tv_map(A);

	r->no_store = true;
	tv_set(A, ctx, "iform", interaction_form(r, x, msg != NULL));
	channel_options(r, ctx, msg != NULL ? kept(r, "channel") : x->channel);
	if (msg != NULL) {
		tv_set_str(A, e, field != NULL ? field : "form", msg);
		tv_set_str(A, ctx, "error", "入力内容を確認してください。");
		r->status = 422;
	}
	tv_set(A, ctx, "ierr", e);
	tv_set_str(A, ctx, "record_title", rec->title);
	tv_set_str(A, ctx, "menu", k->menu);
	tv_set_str(A, ctx, "base", k->base);
	tv_set_str(A, ctx, "self", arena_printf(A, "%s/%" PRId64, k->base, rec->id));
	tv_set_str(A, ctx, "staff", x->staff[0] ? x->staff : "—");
	tv_set_str(A, ctx, "department", x->department[0] ? x->department : "—");
	tv_set_str(A, ctx, "action", arena_printf(A, "%s/%" PRId64 "/interactions/%" PRId64, k->base, rec->id, x->id));
	web_render(r, "staff/record_interaction", ctx);
}

/* The interaction of this route, filed under the record (a company's list shows its offers' too). */
static bool
find_interaction(req_t *r, db_t *db, const kind_info_t *k, const record_t *rec, records_interaction_t *x)
{
	int64_t iid = 0;

	if (!str_to_i64(http_param(r, 1), 1, INT64_MAX, &iid) || !records_interaction_get(db, &r->arena, iid, x))
		return false;
	return strcmp(k->type, "company") == 0 ? x->entity_id == rec->id : x->offer_entity_id == rec->id;
}

void
page_staff_interaction(req_t *r)
{
	const kind_info_t *k = kind_of_path(r);
	record_t rec;
	records_interaction_t x;
	db_t *db = record_or_answer(r, k, POLICY_UPDATE, &rec);

	if (db == NULL)
		return;
	if (!find_interaction(r, db, k, &rec, &x)) {
		web_error(r, 404, NULL);
		return;
	}
	interaction_page(r, k, &rec, &x, NULL, NULL);
}

void
page_staff_interaction_post(req_t *r)
{
	const kind_info_t *k = kind_of_path(r);
	record_t rec;
	records_interaction_t x, in;
	const char *field = NULL, *msg = NULL;
	char err[256] = "";
	records_rc_t rc;
	db_t *db = record_or_answer(r, k, POLICY_UPDATE, &rec);

	if (db == NULL)
		return;
	if (!find_interaction(r, db, k, &rec, &x)) {
		web_error(r, 404, NULL);
		return;
	}
	memset(&in, 0, sizeof(in));
	in.id = x.id;
	if (!interaction_in(r, &in, &field, &msg)) {
		interaction_page(r, k, &rec, &x, field, msg);
		return;
	}
	rc = records_interaction_save(db, &r->auth->account, r->ip, &in, jtime_now(), &field, err, sizeof(err));
	if (rc == RECORDS_INVALID)
		interaction_page(r, k, &rec, &x, field, arena_strdup(&r->arena, err));
	else
		answer(r, k, db, &rec, rc, "interaction", field, err, "interactions-heading");
}

/* ---- 対応状況 ---- */

void
page_staff_offer_status_post(req_t *r)
{
	const kind_info_t *k = kind_of_path(r);
	record_t rec;
	char err[256] = "";
	records_rc_t rc;
	db_t *db;

	if (k == &KINDS[0]) {
		web_error(r, 404, NULL);
		return;
	}
	if ((db = record_or_answer(r, k, POLICY_UPDATE, &rec)) == NULL)
		return;
	rc = records_offer_status_set(db, &r->auth->account, r->ip, rec.id, http_form(r, "handling_status"),
	    http_form(r, "note"), jtime_now(), err, sizeof(err));
	answer(r, k, db, &rec, rc, "status", strstr(err, "メモ") != NULL ? "note" : "handling_status", err,
	    "handling-heading");
}
