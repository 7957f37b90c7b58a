/*
 * csvio_export.c - CSV exports of company, job and internship records (issue 7 items 4 and 9; G67, SEC12):
 * /staff/export/<type>.csv with the list pages' filters (q, one parameter per vocabulary, status, sort),
 * UTF-8 with BOM, RFC 4180, every cell formula-neutralised (core/csv.h), streamed (export.h), and audited
 * (content.export) before the first byte. The columns are the schema's CSV fields under their Japanese
 * labels, terms by name joined with '|', then 状態, 掲載開始日, 掲載終了日 and 担当部署 — what the import reads, so
 * an exported file can be corrected and imported again (番号, 登録日 and 更新日 are ignored by the import).
 */
#include "app/export.h"
#include "app/web.h"
#include "auth/audit.h"
#include "auth/policy.h"
#include "core/buf.h"
#include "core/csv.h"
#include "core/jtime.h"
#include "core/str.h"
#include "db/db.h"
#include "search/search.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT_CHUNK (32 * 1024)  /* rows are rendered until this much is waiting */

struct export {
	db_t                *db;      /* the export's own connection */
	const schema_type_t *t;
	int64_t             *ids;
	size_t               n, next, rows;
	buf_t                pending; /* rendered, not yet handed out */
	size_t               off;
	bool                 failed;
};

static void
cell(buf_t *b, const char *s)
{
	csv_write_cell(b, s, strlen(s), false);
}

static void
last_cell(buf_t *b, const char *s)
{
	csv_write_cell(b, s, strlen(s), true);
}

static bool
exported(const schema_field_t *f)
{
	return f->csv && f->type != F_IMAGE && f->type != F_VIDEO;
}

static void
header(export_t *e)
{
	int i;

	csv_write_bom(&e->pending);
	cell(&e->pending, "番号");
	for (i = 0; i < e->t->nfields; i++)
		if (exported(&e->t->fields[i]))
			cell(&e->pending, e->t->fields[i].label);
	cell(&e->pending, "状態");
	cell(&e->pending, "掲載開始日");
	cell(&e->pending, "掲載終了日");
	cell(&e->pending, "担当部署");
	cell(&e->pending, "登録日");
	last_cell(&e->pending, "更新日");
}

export_t *
export_open(const schema_type_t *t, const int64_t *ids, size_t n)
{
	export_t *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	e->t = t;
	e->n = n;
	e->ids = malloc(sizeof(int64_t) * (n > 0 ? n : 1));
	e->db = db_open();
	if (e->ids == NULL || e->db == NULL) {
		export_close(e);
		return NULL;
	}
	if (n > 0)
		memcpy(e->ids, ids, sizeof(int64_t) * n);
	buf_init(&e->pending);
	header(e);
	return e;
}

/* The names of the entity's terms of one vocabulary joined with '|' (what the import reads). */
static void
term_names(export_t *e, int64_t id, const char *vocab, buf_t *out)
{
	db_stmt_t *st = db_prepare(e->db, "SELECT t.name FROM entity_terms et JOIN terms t ON t.id = et.term_id "
	    "WHERE et.entity_id = ? AND t.vocab = ? ORDER BY t.sort, t.code");

	buf_clear(out);
	if (st == NULL) {
		e->failed = true;
		return;
	}
	db_bind_i64(st, 1, id);
	db_bind_str(st, 2, vocab);
	while (db_step(st) == DB_ROW) {
		if (out->len > 0)
			buf_putc(out, '|');
		buf_puts(out, db_col_text(st, 0));
	}
	db_done(st);
}

static void
date_cell(buf_t *b, int64_t epoch, bool end, bool last)
{
	buf_t d = BUF_INIT;

	if (epoch > 0)
		jtime_format(&d, end ? epoch - 86400 : epoch, "ymd"); /* an end is stored as the next day's start */
	csv_write_cell(b, d.data != NULL ? d.data : "", d.len, last);
	buf_free(&d);
}

/* Renders one record; false when it is gone (deleted since the search) or on an error. */
static bool
row(export_t *e, int64_t id)
{
	db_stmt_t *st = db_prepare(e->db, "SELECT e.status, COALESCE(e.listing_start, 0), COALESCE(e.listing_end, 0), "
	    "COALESCE(d.code, ''), e.created_at, e.updated_at, e.fields FROM entities e "
	    "LEFT JOIN departments d ON d.id = e.department_id WHERE e.id = ? AND e.type = ?");
	char status[16], dept[64], num[32];
	int64_t start, end, created, updated;
	json_t *fields;
	buf_t tmp = BUF_INIT, *b = &e->pending;
	int i;

	if (st == NULL) {
		e->failed = true;
		return false;
	}
	db_bind_i64(st, 1, id);
	db_bind_str(st, 2, e->t->name);
	if (db_step(st) != DB_ROW) {
		db_done(st);
		return false;
	}
	str_copy(status, sizeof(status), db_col_text(st, 0));
	start = db_col_i64(st, 1);
	end = db_col_i64(st, 2);
	str_copy(dept, sizeof(dept), db_col_text(st, 3));
	created = db_col_i64(st, 4);
	updated = db_col_i64(st, 5);
	fields = json_loadb(db_col_text(st, 6), db_col_len(st, 6), 0, NULL);
	db_done(st);

	snprintf(num, sizeof(num), "%" PRId64, id);
	cell(b, num);
	for (i = 0; i < e->t->nfields; i++) {
		const schema_field_t *f = &e->t->fields[i];
		json_t *v = json_object_get(fields, f->name);
		if (!exported(f))
			continue;
		if (f->type == F_TERMS) {
			term_names(e, id, f->vocab, &tmp);
			cell(b, tmp.data != NULL ? tmp.data : "");
		} else if (f->type == F_LINKS && json_is_array(v)) {
			size_t k;
			json_t *l;
			buf_clear(&tmp);
			json_array_foreach(v, k, l) {
				if (tmp.len > 0)
					buf_putc(&tmp, '\n');
				const char *label = json_string_value(json_object_get(l, "label"));
				const char *url = json_string_value(json_object_get(l, "url"));
				buf_printf(&tmp, "%s|%s", label != NULL ? label : "", url != NULL ? url : "");
			}
			cell(b, tmp.data != NULL ? tmp.data : "");
		} else if (json_is_string(v)) {
			cell(b, json_string_value(v));
		} else if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%" PRId64, (int64_t)json_integer_value(v));
			cell(b, num);
		} else if (json_is_boolean(v)) {
			cell(b, json_is_true(v) ? "はい" : "いいえ");
		} else {
			cell(b, "");
		}
	}
	cell(b, status);
	date_cell(b, start, false, false);
	date_cell(b, end, true, false);
	cell(b, dept);
	date_cell(b, created, false, false);
	date_cell(b, updated, false, true);
	json_decref(fields);
	buf_free(&tmp);
	e->rows++;
	return true;
}

long
export_read(export_t *e, char *buf, size_t max)
{
	size_t avail, n;

	/* what was read goes: the unread rest moves to the front, so the buffer stays about EXPORT_CHUNK plus a
	 * row (it used to be emptied only when a read took exactly all of it, which reads of a fixed size
	 * smaller than the chunk never do: it grew to BUF_MAX, 256 MiB, and the export broke off there) */
	if (e->off > 0) {
		avail = e->pending.len - e->off;
		memmove(e->pending.data, e->pending.data + e->off, avail);
		e->pending.len = avail;
		e->pending.data[avail] = '\0';
		e->off = 0;
	}
	while (e->pending.len - e->off < EXPORT_CHUNK && e->next < e->n && !e->failed) {
		if (!db_in_transaction(e->db) && !db_begin(e->db)) {
			e->failed = true;
			break;
		}
		(void)row(e, e->ids[e->next++]);
	}
	if (e->next >= e->n && db_in_transaction(e->db))
		db_rollback(e->db); /* a read-only snapshot ends */
	if (e->failed || e->pending.oom)
		return -1;
	avail = e->pending.len - e->off;
	if (avail == 0)
		return 0;
	n = avail < max ? avail : max;
	memcpy(buf, e->pending.data + e->off, n);
	e->off += n;
	return (long)n;
}

size_t
export_rows(const export_t *e)
{
	return e->rows;
}

size_t
export_buffered(const export_t *e)
{
	return e->pending.cap;
}

void
export_close(export_t *e)
{
	if (e == NULL)
		return;
	if (e->db != NULL) {
		if (db_in_transaction(e->db))
			db_rollback(e->db);
		db_close(e->db);
	}
	buf_free(&e->pending);
	free(e->ids);
	free(e);
}

/* ---- GET /staff/export/<type>.csv ---- */

static long
stream_read(void *arg, char *buf, size_t max)
{
	return export_read(arg, buf, max);
}

static void
stream_free(void *arg)
{
	export_close(arg);
}

static const struct {
	const char *type;
	int         kind;
} exportable[] = {
	{ "company", POLICY_COMPANY },
	{ "job", POLICY_JOB },
	{ "internship", POLICY_INTERNSHIP },
};

void
page_staff_export(req_t *r)
{
	arena_t *A = &r->arena;
	const schema_t *s = listing_schema();
	const char *file = http_param(r, 0), *status = http_query(r, "status"), *sort = http_query(r, "sort");
	const schema_type_t *t = NULL;
	search_params_t sp = { 0 };
	search_result_t res;
	char type[32];
	int64_t *ids;
	size_t n = file != NULL ? strlen(file) : 0, i, k, nids = 0;
	int kind = -1, f;
	db_t *db;

	if (n >= 5 && n - 4 < sizeof(type) && strcmp(file + n - 4, ".csv") == 0) {
		memcpy(type, file, n - 4);
		type[n - 4] = '\0';
		for (i = 0; i < sizeof(exportable) / sizeof(exportable[0]); i++)
			if (strcmp(exportable[i].type, type) == 0)
				kind = exportable[i].kind;
	}
	if (kind < 0 || s == NULL || (t = schema_type(s, type)) == NULL) {
		web_error(r, 404, NULL);
		return;
	}
	if (!web_can(r, POLICY_EXPORT, kind, r->auth->account.department_id))
		return;
	if ((db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	/* the list's filters: the keyword, one parameter per vocabulary of the type's terms fields */
	sp.type = t->name;
	sp.q = http_query(r, "q");
	if (sp.q != NULL && strlen(sp.q) > 400)
		sp.q = arena_strndup(A, sp.q, str_utf8_prefix(sp.q, strlen(sp.q), 100));
	sp.staff = true;
	sp.all = true;
	sp.now = jtime_now();
	sp.sort = sort != NULL && strcmp(sort, "deadline") == 0 ? SORT_DEADLINE :
	    sort != NULL && strcmp(sort, "relevance") == 0 ? SORT_RELEVANCE : SORT_NEWEST;
	for (f = 0; f < t->nfields && sp.nfilters < SEARCH_MAX_FILTERS; f++) {
		const schema_field_t *fd = &t->fields[f];
		search_filter_t *flt = &sp.filters[sp.nfilters];
		if (fd->type != F_TERMS)
			continue;
		flt->vocab = fd->vocab;
		flt->ncodes = 0;
		for (k = 0; k < r->query.count && flt->ncodes < SEARCH_MAX_CODES; k++)
			if (strcmp(r->query.fields[k].name, fd->vocab) == 0 && r->query.fields[k].value[0] != '\0' &&
			    strlen(r->query.fields[k].value) <= 32)
				flt->codes[flt->ncodes++] = r->query.fields[k].value;
		if (flt->ncodes > 0)
			sp.nfilters++;
	}
	if (!search_run(db, A, &sp, &res)) {
		web_error(r, 500, NULL);
		return;
	}
	/* the status filter is applied to the ids: the index does not keep statuses apart for staff */
	ids = res.nids > 0 ? arena_alloc(A, sizeof(int64_t) * (size_t)res.nids) : NULL;
	for (i = 0; i < (size_t)res.nids; i++) {
		if (status != NULL && status[0] != '\0') {
			db_stmt_t *st = db_prepare(db, "SELECT 1 FROM entities WHERE id = ? AND status = ?");
			bool keep;
			if (st == NULL) {
				web_error(r, 500, NULL);
				return;
			}
			db_bind_i64(st, 1, res.ids[i]);
			db_bind_str(st, 2, status);
			keep = db_step(st) == DB_ROW;
			db_done(st);
			if (!keep)
				continue;
		}
		ids[nids++] = res.ids[i];
	}
	web_export_csv(r, db, t, ids, nids);
}

void
web_export_csv(req_t *r, db_t *db, const schema_type_t *t, const int64_t *ids, size_t nids)
{
	arena_t *A = &r->arena;
	audit_entry_t ae;
	char target[48];
	export_t *e;

	/* no entry, no export (SEC07, SEC12); the filter is the query string the list was asked with */
	snprintf(target, sizeof(target), "type:%s", t->name);
	ae = (audit_entry_t){ r->auth->account.id, r->auth->account.login, r->ip, "content.export", target,
	    arena_printf(A, "rows=%zu filter=%s", nids, r->raw_uri != NULL && strchr(r->raw_uri, '?') ?
	        strchr(r->raw_uri, '?') + 1 : "") };
	if (!audit_append(db, &ae, jtime_now())) {
		web_error(r, 500, "監査ログに記録できなかったため、ダウンロードできません。");
		return;
	}
	if ((e = export_open(t, ids, nids)) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	r->content_type = "text/csv; charset=utf-8";
	r->no_store = true;
	{
		buf_t d = BUF_INIT;
		jtime_format(&d, jtime_now(), "ymd");
		http_set_header(r, "Content-Disposition", arena_printf(A, "attachment; filename=\"%s-%s.csv\"", t->name,
		    d.data != NULL ? d.data : "export"));
		buf_free(&d);
	}
	r->stream = stream_read;
	r->stream_free = stream_free;
	r->stream_arg = e;
}
