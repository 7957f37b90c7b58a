/*
 * csvio.c - CSV in and out of the back office (issue 7 item 4; G67, SEC12): 一括取り込み /staff/import (company,
 * job and internship records from CSV or JSON Lines through the same validation as the screens, with a check
 * that reports line-numbered errors and writes nothing), the header-only template of each type, and the
 * record exports (csvio_export.c). Who may: the department rule (POLICY_CREATE of the record kind in the
 * staff member's department; outside the prefecture every imported row belongs to one's own department).
 */
#include "app/web.h"
#include "auth/audit.h"
#include "auth/policy.h"
#include "content/import.h"
#include "content/schema.h"
#include "core/csv.h"
#include "core/jtime.h"
#include "core/str.h"
#include "db/db.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The types that can be imported on screen, with their record kind for the department rule. */
static const struct {
	const char *type;
	int         kind;
} importable[] = {
	{ "company", POLICY_COMPANY },
	{ "job", POLICY_JOB },
	{ "internship", POLICY_INTERNSHIP },
};
#define NIMPORTABLE (sizeof(importable) / sizeof(importable[0]))

static int
kind_of(const char *type)
{
	size_t i;

	for (i = 0; type != NULL && i < NIMPORTABLE; i++)
		if (strcmp(importable[i].type, type) == 0)
			return importable[i].kind;
	return -1;
}

static tv_t *
type_options(req_t *r, const schema_t *s, const char *selected)
{
	arena_t *A = &r->arena;
	tv_t *list = tv_list(A), *o;
	size_t i;

	for (i = 0; i < NIMPORTABLE; i++) {
		const schema_type_t *t = schema_type(s, importable[i].type);
		if (t == NULL)
			continue;
		o = tv_map(A);
		tv_set_str(A, o, "value", t->name);
		tv_set_str(A, o, "label", t->label);
		tv_set_bool(A, o, "selected", selected != NULL && strcmp(selected, t->name) == 0);
		tv_push(A, list, o);
	}
	return list;
}

static void
import_page(req_t *r, const char *type, bool skip_bad, const char *error, tv_t *result)
{
	arena_t *A = &r->arena;
	const schema_t *s = listing_schema();
	tv_t *ctx = web_ctx(r, "CSV一括取り込み");

	r->no_store = true;
	tv_set(A, ctx, "types", type_options(r, s, type));
	tv_set_bool(A, ctx, "skip_bad", skip_bad);
	if (error != NULL) {
		tv_set_str(A, ctx, "error", error);
		r->status = 422;
	}
	if (result != NULL)
		tv_set(A, ctx, "result", result);
	web_render(r, "staff/import", ctx);
}

void
page_staff_import(req_t *r)
{
	if (!web_can(r, POLICY_VIEW, POLICY_JOB, 0))
		return;
	import_page(r, http_query(r, "type"), false, NULL, NULL);
}

struct audit_arg {
	req_t      *r;
	const char *type;
	const char *file;
};

/* The import and its audit entry commit together (SEC07): no entry, no import. */
static bool
audit_import(db_t *db, const import_report_t *rep, void *arg)
{
	struct audit_arg *a = arg;
	req_t *r = a->r;
	audit_entry_t e = { r->auth->account.id, r->auth->account.login, r->ip, "content.import",
	    arena_printf(&r->arena, "type:%s", a->type),
	    arena_printf(&r->arena, "file=%s rows=%" PRId64 " written=%" PRId64 " bad=%" PRId64 " updated=%" PRId64, a->file,
	        rep->rows, rep->written, rep->bad, rep->updated) };

	return audit_append(db, &e, jtime_now());
}

void
page_staff_import_post(req_t *r)
{
	arena_t *A = &r->arena;
	const schema_t *s = listing_schema();
	const char *type = http_form(r, "type"), *mode = http_form(r, "mode");
	const form_field_t *file = form_get_field(&r->form, "file");
	bool skip_bad = http_form(r, "skip_bad") != NULL, dry = mode == NULL || strcmp(mode, "import") != 0;
	account_t *me = &r->auth->account;
	import_report_t rep;
	struct audit_arg aa;
	import_opts_t o = { 0 };
	char fname[204];
	tv_t *res;
	db_t *db;
	int kind = kind_of(type);
	bool ok;

	if (!web_can(r, POLICY_VIEW, POLICY_JOB, 0))
		return;
	if (kind < 0 || s == NULL || schema_type(s, type) == NULL) {
		import_page(r, NULL, skip_bad, "「取り込む情報の種類」を選んでください。", NULL);
		return;
	}
	if (!web_can(r, POLICY_CREATE, kind, me->department_id))
		return;
	if (file == NULL || file->filename == NULL || file->value_len == 0) {
		import_page(r, type, skip_bad, "取り込むファイル（CSV または JSON Lines）を選んでください。", NULL);
		return;
	}
	if ((db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	/* the file name only labels the result and the audit entry: never opened; 50 characters at most */
	{
		size_t n = strlen(file->filename), b;
		if (!str_utf8_valid(file->filename, n, false)) {
			str_copy(fname, sizeof(fname), "（名前を表示できないファイル）");
		} else {
			b = str_utf8_prefix(file->filename, n, 50);
			memcpy(fname, file->filename, b);
			fname[b] = '\0';
		}
	}
	o.skip_bad = skip_bad;
	o.dry_run = dry;
	o.department_code = me->department_code[0] ? me->department_code : NULL;
	o.department_name = me->department_name[0] ? me->department_name : NULL;
	o.own_department_only = strcmp(me->department_kind, "pref") != 0;
	o.actor_id = me->id;
	aa = (struct audit_arg){ r, type, fname };
	o.before_commit = audit_import;
	o.arg = &aa;
	ok = import_entities_ex(db, s, type, import_guess_format(file->filename, file->value, file->value_len),
	    file->value, file->value_len, &o, jtime_now(), &rep);
	if (ok && !dry)
		(void)audit_sync_head(db);
	res = tv_map(A);
	tv_set_bool(A, res, "dry", dry);
	tv_set_bool(A, res, "ok", ok);
	tv_set_str(A, res, "file", fname);
	tv_set_int(A, res, "rows", rep.rows);
	tv_set_int(A, res, "written", rep.written);
	tv_set_int(A, res, "updated", rep.updated);
	tv_set_int(A, res, "bad", rep.bad);
	if (rep.errors.len > 0 && !rep.errors.oom) {
		tv_t *lines = tv_list(A);
		const char *p = rep.errors.data;
		while (*p != '\0') {
			size_t n = strcspn(p, "\n");
			if (n > 0)
				tv_push(A, lines, tv_strn(A, p, n));
			p += n;
			if (*p == '\n')
				p++;
		}
		tv_set(A, res, "errors", lines);
	}
	buf_free(&rep.errors);
	import_page(r, type, skip_bad, NULL, res);
}

/* GET /staff/import/template/<type>.csv: the header row (Japanese labels) that the import reads. */
void
page_staff_import_template(req_t *r)
{
	arena_t *A = &r->arena;
	const schema_t *s = listing_schema();
	const char *file = http_param(r, 0);
	char type[32];
	const schema_type_t *t;
	size_t n = file != NULL ? strlen(file) : 0;
	int i;

	if (n < 5 || n - 4 >= sizeof(type) || strcmp(file + n - 4, ".csv") != 0) {
		web_error(r, 404, NULL);
		return;
	}
	memcpy(type, file, n - 4);
	type[n - 4] = '\0';
	if (kind_of(type) < 0 || s == NULL || (t = schema_type(s, type)) == NULL) {
		web_error(r, 404, NULL);
		return;
	}
	if (!web_can(r, POLICY_VIEW, kind_of(type), 0))
		return;
	csv_write_bom(&r->out);
	for (i = 0; i < t->nfields; i++)
		if (t->fields[i].csv && t->fields[i].type != F_IMAGE && t->fields[i].type != F_VIDEO)
			csv_write_cell(&r->out, t->fields[i].label, strlen(t->fields[i].label), false);
	csv_write_cell(&r->out, "状態", strlen("状態"), false);
	csv_write_cell(&r->out, "掲載開始日", strlen("掲載開始日"), false);
	csv_write_cell(&r->out, "掲載終了日", strlen("掲載終了日"), false);
	csv_write_cell(&r->out, "担当部署", strlen("担当部署"), true);
	r->content_type = "text/csv; charset=utf-8";
	r->no_store = true;
	http_set_header(r, "Content-Disposition", arena_printf(A, "attachment; filename=\"%s-template.csv\"", type));
}
