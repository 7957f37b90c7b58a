/*
 * jobsheet.c - 求人票印刷 (issue 7 item 2; G65, B01): a job offer on one A4 portrait sheet laid out like a
 * Hello Work 求人票, in its display sections (求人事業所, 仕事内容, 賃金・手当, 労働時間, その他の労働条件等,
 * 選考等; ../shared/data/hellowork_job_sheet_fields.csv), with the legally required items flagged when
 * missing. Staff only, any status; printing is audited (job.print) before the sheet is shown.
 */
#include "app/web.h"
#include "auth/audit.h"
#include "auth/policy.h"
#include "content/joblaw.h"
#include "content/schema.h"
#include "core/jtime.h"
#include "core/str.h"
#include "db/db.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The sections of the sheet and the job fields in each, by schema name. Fields of the type that no
 * section names (a site's own additions) go to その他, so nothing printable is left off. */
static const struct {
	const char *heading;
	const char *fields[16];
} sections[] = {
	{ "求人事業所", { "company_name", "contact", "phone" } },
	{ "仕事内容", { "occupation", "industry", "description", "duties_scope", "employment", "contract_period",
	    "fixed_term_renewable", "renewal_rule", "trial_period", "municipality", "workplace", "workplace_scope",
	    "transfer", "smoking" } },
	{ "求める人材", { "target", "age_limit", "age_limit_reason", "education", "qualifications" } },
	{ "賃金・手当", { "salary", "allowances", "bonus", "raises" } },
	{ "労働時間", { "hours", "overtime", "breaks", "holidays", "annual_holidays" } },
	{ "その他の労働条件等", { "insurance", "welfare", "retirement_age", "reemployment", "reemployment_age_limit" } },
	{ "選考等", { "openings", "how_to_apply", "deadline", "notes" } },
};

/* Not on the sheet: the title is its heading, pictures do not print. */
static bool
skipped(const schema_field_t *f, int title_field, int i)
{
	return i == title_field || !f->print || f->internal || f->type == F_IMAGE || f->type == F_VIDEO;
}

static bool
listed(const char *name)
{
	size_t s, k;

	for (s = 0; s < sizeof(sections) / sizeof(sections[0]); s++)
		for (k = 0; k < 16 && sections[s].fields[k] != NULL; k++)
			if (strcmp(sections[s].fields[k], name) == 0)
				return true;
	return false;
}

static void
add_row(req_t *r, db_t *db, int64_t id, const schema_field_t *f, json_t *fields, tv_t *rows)
{
	arena_t *A = &r->arena;
	tv_t *row = tv_map(A), *v = listing_field_text(r, db, id, f, fields);
	json_t *j = json_object_get(fields, f->name);

	tv_set_str(A, row, "label", f->label);
	if (f->type == F_YEN && json_is_integer(j))
		tv_set(A, row, "yen", tv_int(A, json_integer_value(j)));
	else if (f->type == F_DATE && json_is_string(j))
		tv_set_str(A, row, "value", json_string_value(j));
	else if (v != NULL)
		tv_set(A, row, "value", v);
	/* a required item (※); one needed only under a condition (更新基準: a renewable fixed term) when it holds */
	tv_set_bool(A, row, "required", f->disclosure > 0 &&
	    (f->disclosure_if == NULL || json_is_true(json_object_get(fields, f->disclosure_if))));
	tv_set_bool(A, row, "wide", f->type == F_LONGTEXT || f->type == F_MARKDOWN);
	tv_push(A, rows, row);
}

void
page_staff_job_sheet(req_t *r)
{
	arena_t *A = &r->arena;
	const schema_t *s = listing_schema();
	const schema_type_t *t = s != NULL ? schema_type(s, "job") : NULL;
	int64_t id = 0, dept = 0, created = 0;
	char target[48], *status = NULL, *title = NULL, *fields_text = NULL;
	audit_entry_t e = { r->auth->account.id, r->auth->account.login, r->ip, "job.print", target, NULL };
	tv_t *ctx, *secs, *sec, *rows, *other;
	buf_t problems = BUF_INIT, warnings = BUF_INIT;
	json_t *fields = NULL;
	db_stmt_t *st;
	db_t *db;
	size_t si, k;
	int i, idx;

	if (!web_can(r, POLICY_PRINT, POLICY_JOB, 0))
		return;
	if (t == NULL || (db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (!str_to_i64(http_param(r, 0), 1, INT64_MAX, &id)) {
		web_error(r, 404, NULL);
		return;
	}
	st = db_prepare(db, "SELECT status, title, fields, COALESCE(department_id, 0), created_at FROM entities "
	    "WHERE id = ? AND type = 'job'");
	if (st == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW) {
		status = arena_strdup(A, db_col_text(st, 0));
		title = arena_strdup(A, db_col_text(st, 1));
		fields_text = arena_strdup(A, db_col_text(st, 2));
		dept = db_col_i64(st, 3);
		created = db_col_i64(st, 4);
	}
	db_done(st);
	if (title == NULL) {
		web_error(r, 404, NULL);
		return;
	}
	if (!web_can(r, POLICY_PRINT, POLICY_JOB, dept))
		return;
	/* no entry, no sheet (SEC07) */
	snprintf(target, sizeof(target), "entity:%" PRId64, id);
	if (!audit_append(db, &e, jtime_now())) {
		web_error(r, 500, "監査ログに記録できなかったため、印刷できません。");
		return;
	}
	fields = json_loads(fields_text, 0, NULL);
	if (!json_is_object(fields)) {
		json_decref(fields);
		fields = json_object();
	}

	r->no_store = true;
	ctx = web_ctx(r, arena_printf(A, "求人票 %s", title));
	tv_set_str(A, ctx, "job_title", title);
	tv_set_int(A, ctx, "job_id", id);
	tv_set_str(A, ctx, "job_no", arena_printf(A, "%08" PRId64, id));
	tv_set_int(A, ctx, "created_at", created);
	tv_set_str(A, ctx, "status", strcmp(status, "published") == 0 ? "公開中" : strcmp(status, "draft") == 0 ? "下書き" :
	    strcmp(status, "pending") == 0 ? "承認待ち" : "掲載終了");
	tv_set_int(A, ctx, "printed_at", jtime_now());
	secs = tv_list(A);
	for (si = 0; si < sizeof(sections) / sizeof(sections[0]); si++) {
		sec = tv_map(A);
		rows = tv_list(A);
		for (k = 0; k < 16 && sections[si].fields[k] != NULL; k++) {
			idx = schema_field_index(t, sections[si].fields[k]);
			if (idx >= 0 && !skipped(&t->fields[idx], t->title_field, idx))
				add_row(r, db, id, &t->fields[idx], fields, rows);
		}
		tv_set_str(A, sec, "heading", sections[si].heading);
		tv_set_str(A, sec, "id", arena_printf(A, "sheet-%zu", si));
		tv_set(A, sec, "rows", rows);
		tv_push(A, secs, sec);
	}
	other = tv_list(A);
	for (i = 0; i < t->nfields; i++)
		if (!skipped(&t->fields[i], t->title_field, i) && !listed(t->fields[i].name))
			add_row(r, db, id, &t->fields[i], fields, other);
	if (other->u.list.n > 0) {
		sec = tv_map(A);
		tv_set_str(A, sec, "heading", "その他");
		tv_set_str(A, sec, "id", "sheet-other");
		tv_set(A, sec, "rows", other);
		tv_push(A, secs, sec);
	}
	tv_set(A, ctx, "sections", secs);
	if (!joblaw_check_json(t, fields_text, &problems) && !problems.oom)
		tv_set_str(A, ctx, "problems", arena_strdup(A, problems.data));
	if (joblaw_warnings_json(t, fields_text, &warnings) > 0 && !warnings.oom)
		tv_set_str(A, ctx, "warnings", arena_strdup(A, warnings.data));
	buf_free(&problems);
	buf_free(&warnings);
	json_decref(fields);
	web_render(r, "staff/job_sheet", ctx);
}
