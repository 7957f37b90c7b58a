/* import.c - CSV / JSON Lines into entities, all or nothing unless told to skip bad rows. */
#include "content/import.h"
#include "content/cms.h"
#include "content/company.h"
#include "content/entity.h"
#include "core/csv.h"
#include "core/str.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { COL_FIELD, COL_STATUS, COL_START, COL_END, COL_DEPT, COL_ID, COL_IGNORED };

typedef struct column {
	int kind;
	int field;
} column_t;

static const struct { const char *name; const char *label; int kind; } sys_cols[] = {
	{ "status", "状態", COL_STATUS },
	{ "listing_start", "掲載開始日", COL_START },
	{ "listing_end", "掲載終了日", COL_END },
	{ "department", "担当部署", COL_DEPT },
	/* a row with 番号 updates that record (an export edited and read back); without, a new one */
	{ "id", "番号", COL_ID },
	/* columns of an export (csvio_export.c) that an import does not take */
	{ "created_at", "登録日", COL_IGNORED },
	{ "updated_at", "更新日", COL_IGNORED },
};

static void
report(import_report_t *rep, int64_t line, const char *msg)
{
	const char *p = msg;

	if (rep->errors.len > 64 * 1024 || rep->bad > IMPORT_MAX_ERRORS)
		return;
	/* one line per problem, each with its row number */
	while (*p != '\0') {
		size_t n = strcspn(p, "\n");
		buf_printf(&rep->errors, "%lld行目: %.*s\n", (long long)line, (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
	}
}

static bool
resolve_column(const schema_type_t *t, const char *name, column_t *c)
{
	size_t i;
	int f;

	for (i = 0; i < sizeof(sys_cols) / sizeof(sys_cols[0]); i++) {
		if (strcmp(name, sys_cols[i].name) == 0 || strcmp(name, sys_cols[i].label) == 0) {
			c->kind = sys_cols[i].kind;
			return true;
		}
	}
	if ((f = schema_field_index(t, name)) < 0)
		for (f = 0; f < t->nfields && strcmp(t->fields[f].label, name) != 0; f++)
			;
	if (f < 0 || f >= t->nfields)
		return false;
	c->kind = COL_FIELD;
	c->field = f;
	return true;
}

/* What one row names: its values go into the draft; which columns it had decides, for an update, what is
 * kept as stored (a column the file does not have is left alone). */
typedef struct row {
	entity_draft_t d;
	const char    *id;                      /* 番号: the record to update */
	bool           field[SCHEMA_MAX_FIELDS];
	bool           status, start, end, dept;
} row_t;

static void
put(row_t *w, const column_t *c, const char *v)
{
	switch (c->kind) {
	case COL_FIELD: w->d.values[c->field] = v; w->field[c->field] = true; break;
	case COL_STATUS: w->d.status = v; w->status = true; break;
	case COL_START: w->d.listing_start = v; w->start = true; break;
	case COL_END: w->d.listing_end = v; w->end = true; break;
	case COL_DEPT: w->d.department = v; w->dept = true; break;
	case COL_ID: w->id = v; break;
	default: break;
	}
}

/* The record a row's 番号 names, as stored. */
typedef struct target {
	int64_t id;
	char    status[16];
	char    dept_code[64];
	int64_t listing_start, listing_end;
	company_values_t values;
	bool    have_values;
} target_t;

/* Looks up the row's 番号: 1 found (into *tg), 0 refused (reported), -1 database error. */
static int
find_target(db_t *db, const import_opts_t *o, row_t *w, int64_t line, import_report_t *rep, target_t *tg)
{
	const schema_type_t *t = w->d.type;
	db_stmt_t *st;
	char msg[300];
	int rc;

	if (!str_to_i64(w->id, 1, INT64_MAX, &tg->id)) {
		report(rep, line, "「番号」は更新する記録の番号（数字）です。新しく登録する行は「番号」を空にしてください。");
		return 0;
	}
	st = db_prepare(db, "SELECT e.status, COALESCE(d.code, ''), COALESCE(e.listing_start, 0), COALESCE(e.listing_end, 0) "
	    "FROM entities e LEFT JOIN departments d ON d.id = e.department_id WHERE e.id = ? AND e.type = ?");
	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, tg->id);
	db_bind_str(st, 2, t->name);
	rc = db_step(st);
	if (rc == DB_ROW) {
		str_copy(tg->status, sizeof(tg->status), db_col_text(st, 0));
		str_copy(tg->dept_code, sizeof(tg->dept_code), db_col_text(st, 1));
		tg->listing_start = db_col_i64(st, 2);
		tg->listing_end = db_col_i64(st, 3);
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return -1;
	if (rc == DB_DONE) {
		snprintf(msg, sizeof(msg), "番号%lldの「%s」はありません。新しく登録する行は「番号」を空にしてください。",
		    (long long)tg->id, t->label);
		report(rep, line, msg);
		return 0;
	}
	if (strcmp(tg->status, "pending") == 0) {
		snprintf(msg, sizeof(msg), "番号%lldは承認待ちの変更があるため、取り込みでは更新できません。", (long long)tg->id);
		report(rep, line, msg);
		return 0;
	}
	if (o->own_department_only && (o->department_code == NULL || strcmp(tg->dept_code, o->department_code) != 0)) {
		snprintf(msg, sizeof(msg), "番号%lldはほかの部署の記録のため、更新できません。", (long long)tg->id);
		report(rep, line, msg);
		return 0;
	}
	if (!company_entity_values(db, t, tg->id, &tg->values))
		return -1;
	tg->have_values = true;
	/* what the file does not name stays as stored */
	for (int f = 0; f < t->nfields; f++)
		if (!w->field[f])
			w->d.values[f] = tg->values.v[f];
	if (!w->status)
		w->d.status = tg->status;
	if (!w->dept && tg->dept_code[0] != '\0')
		w->d.department = tg->dept_code;
	w->d.entity_id = tg->id;  /* a retired term it already has may stay (issue 6 item 3) */
	return 1;
}

/* Writes the validated row over the stored record: fields and terms, status, listing period (a column the
 * file lacks keeps the stored one), department, and a revision for the editor's history. */
static bool
apply_update(db_t *db, const import_opts_t *o, const row_t *w, const target_t *tg, entity_ready_t *e, int64_t now)
{
	db_stmt_t *st;

	if (!w->start)
		e->listing_start = tg->listing_start;
	if (!w->end)
		e->listing_end = tg->listing_end;
	if (!company_apply(db, tg->id, e, now))
		return false;
	if (strcmp(tg->status, e->status) != 0 && !entity_set_status(db, tg->id, e->status, now))
		return false;
	if (!entity_set_listing(db, tg->id, e->listing_start, e->listing_end, now))
		return false;
	st = db_prepare(db, "UPDATE entities SET department_id = ? WHERE id = ?");
	if (st == NULL)
		return false;
	if (e->department_id) db_bind_i64(st, 1, e->department_id); else db_bind_null(st, 1);
	db_bind_i64(st, 2, tg->id);
	return db_run(st) == DB_DONE && cms_revision_add(db, tg->id, o->actor_id, "import", now);
}

/* Validates and (when valid) inserts one row, or updates the record its 番号 names; counts and reports. */
static bool
take(db_t *db, const entity_terms_t *tc, const import_opts_t *o, row_t *w, int64_t line, int64_t now,
    import_report_t *rep)
{
	entity_draft_t *d = &w->d;
	entity_ready_t e;
	buf_t errors = BUF_INIT;
	target_t tg;
	int64_t id;
	bool ok;

	rep->rows++;
	memset(&tg, 0, sizeof(tg));
	if (w->id != NULL && w->id[0] != '\0') {
		int rc = find_target(db, o, w, line, rep, &tg);
		if (rc <= 0) {
			if (tg.have_values)
				company_values_free(&tg.values);
			if (rc == 0)
				rep->bad++;
			else
				report(rep, line, "データベースを読めませんでした。");
			return rc == 0;
		}
	}
	if (o->department_code != NULL) {
		bool blank = d->department == NULL || d->department[0] == '\0';
		if (!blank && strcmp(d->department, o->department_code) != 0 &&
		    (o->department_name == NULL || strcmp(d->department, o->department_name) != 0) && o->own_department_only) {
			rep->bad++;
			report(rep, line, "「担当部署」には自分の部署しか指定できません。");
			goto done;
		}
		if (blank || o->own_department_only)
			d->department = o->department_code;
	}
	if (!entity_validate_with(db, tc, d, &e, &errors)) {
		rep->bad++;
		report(rep, line, errors.data ? errors.data : "不正な行です。");
		buf_free(&errors);
		goto done;
	}
	buf_free(&errors);
	ok = tg.id != 0 ? apply_update(db, o, w, &tg, &e, now) : entity_insert(db, &e, now, &id);
	entity_ready_free(&e);
	if (!ok) {
		if (tg.have_values)
			company_values_free(&tg.values);
		report(rep, line, "データベースに書き込めませんでした。");
		return false;
	}
	rep->written++;
	if (tg.id != 0)
		rep->updated++;
done:
	if (tg.have_values)
		company_values_free(&tg.values);
	return true;
}

static bool
import_csv(db_t *db, const entity_terms_t *tc, const import_opts_t *o, const schema_type_t *t, const char *data,
    size_t len, int64_t now, import_report_t *rep)
{
	csv_reader_t r;
	column_t cols[CSV_MAX_FIELDS];
	int ncols, i, rc;
	bool ok = true;

	csv_reader_init(&r, data, len);
	rc = csv_read(&r);
	if (rc != 1) {
		report(rep, 1, rc < 0 ? r.err : "見出し行がありません。");
		rep->bad++;
		csv_reader_free(&r);
		return true;
	}
	ncols = r.nfields;
	for (i = 0; i < ncols; i++) {
		if (!resolve_column(t, r.fields[i], &cols[i])) {
			char msg[300];
			snprintf(msg, sizeof(msg), "見出し「%.100s」は「%s」の項目にありません。", r.fields[i], t->label);
			report(rep, 1, msg);
			rep->bad++;
			cols[i].kind = COL_IGNORED;
		}
	}
	while (ok && (rc = csv_read(&r)) != 0) {
		row_t w;
		if (rc < 0) {
			rep->rows++;
			rep->bad++;
			report(rep, r.line, r.err);
			continue;
		}
		if (r.nfields != ncols) {
			char msg[120];
			rep->rows++;
			rep->bad++;
			snprintf(msg, sizeof(msg), "項目の数が見出しと違います（見出し%d、この行%d）。", ncols, r.nfields);
			report(rep, r.line, msg);
			continue;
		}
		memset(&w, 0, sizeof(w));
		w.d.type = t;
		for (i = 0; i < ncols; i++)
			put(&w, &cols[i], r.fields[i]);
		ok = take(db, tc, o, &w, r.line, now, rep);
	}
	csv_reader_free(&r);
	return ok;
}

/* A JSON value as the text a form would have sent; arrays become "a|b". */
static char *
json_text(json_t *v)
{
	buf_t b = BUF_INIT;
	size_t i;
	json_t *x;

	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_integer(v)) {
		buf_printf(&b, "%lld", (long long)json_integer_value(v));
	} else if (json_is_true(v)) {
		buf_puts(&b, "true");
	} else if (json_is_false(v)) {
		buf_puts(&b, "false");
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (i > 0)
				buf_putc(&b, '|');
			if (json_is_string(x))
				buf_puts(&b, json_string_value(x));
			else if (json_is_integer(x))
				buf_printf(&b, "%lld", (long long)json_integer_value(x));
		}
	} else {
		return NULL;
	}
	return buf_steal(&b, NULL);
}

static bool
import_jsonl(db_t *db, const entity_terms_t *tc, const import_opts_t *o, const schema_type_t *t, const char *data,
    size_t len, int64_t now, import_report_t *rep)
{
	size_t pos = 0;
	int64_t line = 0;
	bool ok = true;

	while (ok && pos < len) {
		size_t n = 0, k;
		const char *start = data + pos, *key;
		json_t *obj, *v;
		json_error_t je;
		row_t w;
		char *texts[SCHEMA_MAX_FIELDS + 8];
		int ntexts = 0;
		bool bad = false;

		while (pos + n < len && data[pos + n] != '\n')
			n++;
		pos += n + 1;
		line++;
		for (k = 0; k < n && (start[k] == ' ' || start[k] == '\t' || start[k] == '\r'); k++)
			;
		if (k == n)
			continue; /* blank line */
		obj = json_loadb(start, n, JSON_REJECT_DUPLICATES, &je);
		if (!json_is_object(obj)) {
			char msg[400];
			rep->rows++;
			rep->bad++;
			snprintf(msg, sizeof(msg), "JSONとして読めません（%d文字目: %s）。", je.column, je.text);
			report(rep, line, msg);
			json_decref(obj);
			continue;
		}
		memset(&w, 0, sizeof(w));
		w.d.type = t;
		json_object_foreach(obj, key, v) {
			column_t c;
			char *s;
			if (!resolve_column(t, key, &c)) {
				char msg[300];
				snprintf(msg, sizeof(msg), "項目「%.100s」は「%s」にありません。", key, t->label);
				report(rep, line, msg);
				bad = true;
				continue;
			}
			if (json_is_null(v))
				continue;
			s = json_text(v);
			if (s == NULL || ntexts >= SCHEMA_MAX_FIELDS + 8) {
				char msg[200];
				free(s);
				snprintf(msg, sizeof(msg), "項目「%.100s」の値の形が正しくありません。", key);
				report(rep, line, msg);
				bad = true;
				continue;
			}
			texts[ntexts++] = s;
			put(&w, &c, s);
		}
		if (bad) {
			rep->rows++;
			rep->bad++;
		} else {
			ok = take(db, tc, o, &w, line, now, rep);
		}
		while (ntexts > 0)
			free(texts[--ntexts]);
		json_decref(obj);
	}
	return ok;
}

import_format_t
import_guess_format(const char *filename, const char *data, size_t len)
{
	size_t n = filename ? strlen(filename) : 0, i = 0;

	if (n >= 4 && strcmp(filename + n - 4, ".csv") == 0)
		return IMPORT_CSV;
	if ((n >= 6 && strcmp(filename + n - 6, ".jsonl") == 0) || (n >= 7 && strcmp(filename + n - 7, ".ndjson") == 0) ||
	    (n >= 5 && strcmp(filename + n - 5, ".json") == 0))
		return IMPORT_JSONL;
	while (i < len && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t'))
		i++;
	return i < len && data[i] == '{' ? IMPORT_JSONL : IMPORT_CSV;
}

bool
import_entities(db_t *db, const schema_t *s, const char *type, import_format_t fmt, const char *data,
    size_t len, bool skip_bad, int64_t now, import_report_t *rep)
{
	import_opts_t o = { .skip_bad = skip_bad };

	return import_entities_ex(db, s, type, fmt, data, len, &o, now, rep);
}

bool
import_entities_ex(db_t *db, const schema_t *s, const char *type, import_format_t fmt, const char *data,
    size_t len, const import_opts_t *o, int64_t now, import_report_t *rep)
{
	const schema_type_t *t = schema_type(s, type);
	entity_terms_t *tc;
	bool ok;

	memset(rep, 0, sizeof(*rep));
	buf_init(&rep->errors);
	if (t == NULL) {
		buf_printf(&rep->errors, "種類「%s」はこのサイトにありません。\n", type);
		return false;
	}
	if (!db_begin_write(db)) {
		buf_puts(&rep->errors, "データベースが使用中です。\n");
		return false;
	}
	tc = entity_terms_load(db);
	if (tc == NULL) {
		db_rollback(db);
		buf_puts(&rep->errors, "選択肢の一覧を読めませんでした。\n");
		return false;
	}
	ok = fmt == IMPORT_CSV ? import_csv(db, tc, o, t, data, len, now, rep) :
	    import_jsonl(db, tc, o, t, data, len, now, rep);
	entity_terms_free(tc);
	if (!ok || (rep->bad > 0 && !o->skip_bad)) {
		db_rollback(db);
		if (!o->dry_run)
			rep->written = 0;
		return false;
	}
	if (o->dry_run) {
		/* the rows were written to see that they can be (constraints, indexes); none of it stays */
		db_rollback(db);
		return true;
	}
	if ((o->before_commit != NULL && !o->before_commit(db, rep, o->arg)) || !db_commit(db)) {
		db_rollback(db);
		rep->written = 0;
		return false;
	}
	return true;
}
