/* company.c - company accounts' own information: revisions, approval, listing periods, renewal. */
#include "content/company.h"
#include "content/settings.h"
#include "core/config.h"
#include "core/jtime.h"
#include "core/log.h"
#include "core/str.h"
#include "mail/mail.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400

/* ---- settings ---- */

static bool
setting_get(db_t *db, const char *key, char *out, size_t n, bool *found)
{
	db_stmt_t *st = db_prepare(db, "SELECT value FROM settings WHERE key = ?");
	int rc;

	*found = false;
	if (st == NULL)
		return false;
	db_bind_str(st, 1, key);
	rc = db_step(st);
	if (rc == DB_ROW)
		*found = str_copy(out, n, db_col_text(st, 0));
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE;
}

bool
company_parse_notice_days(const char *v, company_settings_t *s)
{
	int days[COMPANY_MAX_NOTICES], n = 0, i, j;
	const char *p = v;

	while (*p != '\0') {
		char tmp[8];
		size_t len = strcspn(p, ",");
		int64_t d;
		while (len > 0 && *p == ' ') { p++; len--; }
		if (len == 0 || len >= sizeof(tmp) || n >= COMPANY_MAX_NOTICES)
			return false;
		memcpy(tmp, p, len);
		tmp[len] = '\0';
		while (len > 0 && tmp[len - 1] == ' ')
			tmp[--len] = '\0';
		if (!str_to_i64(tmp, 1, 365, &d))
			return false;
		for (i = 0; i < n; i++)
			if (days[i] == (int)d)
				return false;
		days[n++] = (int)d;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	/* descending */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && days[j] > days[j - 1]; j--) {
			int t = days[j];
			days[j] = days[j - 1];
			days[j - 1] = t;
		}
	memcpy(s->notice_days, days, sizeof(int) * (size_t)n);
	s->nnotice = n;
	return true;
}

bool
company_settings_load(db_t *db, company_settings_t *s)
{
	char v[COMPANY_SETTING_MAX];
	bool found;
	int64_t n;

	memset(s, 0, sizeof(*s));
	s->approval = true;
	s->unit_months = 1;
	s->notice_days[0] = 14;
	s->notice_days[1] = 3;
	s->nnotice = 2;
	if (!setting_get(db, "company_approval", v, sizeof(v), &found))
		return false;
	if (found)
		s->approval = !(strcmp(v, "0") == 0 || strcmp(v, "off") == 0 || strcmp(v, "false") == 0);
	if (!setting_get(db, "listing_unit_months", v, sizeof(v), &found))
		return false;
	if (found && str_to_i64(v, 1, COMPANY_MAX_UNIT, &n))
		s->unit_months = (int)n;
	if (!setting_get(db, "notice_days", v, sizeof(v), &found))
		return false;
	if (found) {
		company_settings_t tmp = *s;
		if (company_parse_notice_days(v, &tmp))
			*s = tmp;
		else
			log_error("company: the setting notice_days is malformed; using 14,3");
	}
	return true;
}

bool
company_setting_set(db_t *db, const char *key, const char *value, char *err, size_t errlen)
{
	company_settings_t tmp;
	int64_t n;
	db_stmt_t *st;

	if (strcmp(key, "company_approval") == 0) {
		if (strcmp(value, "0") != 0 && strcmp(value, "1") != 0) {
			str_errf(err, errlen, "company_approval is 0 or 1");
			return false;
		}
	} else if (strcmp(key, "listing_unit_months") == 0) {
		if (!str_to_i64(value, 1, COMPANY_MAX_UNIT, &n)) {
			str_errf(err, errlen, "listing_unit_months is 1..%d", COMPANY_MAX_UNIT);
			return false;
		}
	} else if (strcmp(key, "notice_days") == 0) {
		if (!company_parse_notice_days(value, &tmp)) {
			str_errf(err, errlen, "notice_days is a list of distinct days 1..365 such as 14,3");
			return false;
		}
	} else {
		str_errf(err, errlen, "unknown setting %s", key);
		return false;
	}
	st = db_prepare(db, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
	if (st == NULL) {
		str_errf(err, errlen, "database error");
		return false;
	}
	db_bind_str(st, 1, key);
	db_bind_str(st, 2, value);
	if (db_run(st) != DB_DONE) {
		str_errf(err, errlen, "database error");
		return false;
	}
	return true;
}

/* ---- listing-period arithmetic ---- */

int
company_days_left(int64_t listing_end, int64_t now)
{
	int64_t d = listing_end - jtime_day_start(now);

	return (int)(d > 0 ? (d + DAY - 1) / DAY : d / DAY);
}

int64_t
company_first_end(int64_t now, int unit_months)
{
	return jtime_add_months(jtime_day_start(now), unit_months);
}

bool
company_renew_open(int64_t listing_end, int64_t now, int unit_months)
{
	/* an open-ended listing has nothing to extend (renewing would give it an end) */
	return listing_end != 0 && (listing_end <= now || listing_end <= jtime_add_months(jtime_day_start(now), unit_months));
}

int64_t
company_renew_end(int64_t listing_end, int64_t now, int unit_months)
{
	int64_t base = listing_end > now ? listing_end : jtime_day_start(now);

	return jtime_add_months(base, unit_months);
}

int
company_notice_due(const company_settings_t *s, int64_t listing_end, int64_t now)
{
	int left, i, due = 0;

	if (listing_end == 0 || now >= listing_end)
		return 0;
	left = company_days_left(listing_end, now);
	for (i = 0; i < s->nnotice; i++)
		if (left <= s->notice_days[i])
			due = s->notice_days[i]; /* descending: the last one reached is the smallest */
	return due;
}

/* ---- accounts and entities ---- */

int64_t
company_entity_of(db_t *db, int64_t account_id)
{
	db_stmt_t *st = db_prepare(db, "SELECT entity_id FROM company_accounts WHERE account_id = ?");
	int64_t id = 0;
	int rc;

	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, account_id);
	rc = db_step(st);
	if (rc == DB_ROW)
		id = db_col_i64(st, 0);
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? id : -1;
}

bool
company_link(db_t *db, int64_t account_id, int64_t entity_id, int64_t now, char *err, size_t errlen)
{
	db_stmt_t *st = db_prepare(db, "SELECT (SELECT kind FROM accounts WHERE id = ?), (SELECT type FROM entities WHERE id = ?)");
	bool ok;
	int rc;

	if (st == NULL) {
		str_errf(err, errlen, "database error");
		return false;
	}
	db_bind_i64(st, 1, account_id);
	db_bind_i64(st, 2, entity_id);
	ok = db_step(st) == DB_ROW && strcmp(db_col_text(st, 0), "company") == 0 && strcmp(db_col_text(st, 1), "company") == 0;
	db_done(st);
	if (!ok) {
		str_errf(err, errlen, "the account must be a company account and the entity a company");
		return false;
	}
	st = db_prepare(db, "INSERT INTO company_accounts (account_id, entity_id, created_at) VALUES (?, ?, ?)");
	if (st == NULL) {
		str_errf(err, errlen, "database error");
		return false;
	}
	db_bind_i64(st, 1, account_id);
	db_bind_i64(st, 2, entity_id);
	db_bind_i64(st, 3, now);
	rc = db_run(st);
	if (rc == DB_CONSTRAINT) {
		str_errf(err, errlen, "the account or the entity is already linked");
		return false;
	}
	if (rc != DB_DONE) {
		str_errf(err, errlen, "database error");
		return false;
	}
	return true;
}

bool
company_state_get(db_t *db, int64_t entity_id, company_state_t *s)
{
	db_stmt_t *st = db_prepare(db, "SELECT title, status, listing_start, listing_end FROM entities WHERE id = ?");
	bool found = false;

	memset(s, 0, sizeof(*s));
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, entity_id);
	if (db_step(st) == DB_ROW) {
		s->entity_id = entity_id;
		str_copy(s->title, sizeof(s->title), db_col_text(st, 0));
		str_copy(s->status, sizeof(s->status), db_col_text(st, 1));
		s->listing_start = db_col_i64(st, 2);
		s->listing_end = db_col_i64(st, 3);
		found = true;
	}
	db_done(st);
	if (!found)
		return false;
	st = db_prepare(db, "SELECT id, status, reason FROM company_revisions WHERE entity_id = ? ORDER BY id DESC LIMIT 1");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, entity_id);
	if (db_step(st) == DB_ROW) {
		if (strcmp(db_col_text(st, 1), "pending") == 0)
			s->pending_id = db_col_i64(st, 0);
		else if (strcmp(db_col_text(st, 1), "rejected") == 0) {
			s->rejected = true;
			str_copy(s->reason, sizeof(s->reason), db_col_text(st, 2));
		}
	}
	db_done(st);
	return true;
}

/* ---- raw values ---- */

void
company_values_free(company_values_t *v)
{
	int i;

	for (i = 0; i < SCHEMA_MAX_FIELDS; i++) {
		free(v->v[i]);
		v->v[i] = NULL;
	}
}

/* One stored field value back into the text a form or CSV would give. */
static char *
raw_of(const schema_field_t *f, json_t *v)
{
	buf_t b = BUF_INIT;
	char *out;
	size_t i;
	json_t *x;

	if (v == NULL || json_is_null(v))
		return NULL;
	if (json_is_string(v)) {
		return json_string_length(v) > 0 ? strdup(json_string_value(v)) : NULL;
	} else if (json_is_integer(v)) {
		buf_printf(&b, "%lld", (long long)json_integer_value(v));
	} else if (json_is_boolean(v)) {
		buf_puts(&b, json_is_true(v) ? "true" : "false");
	} else if (json_is_array(v) && f->type == F_LINKS) {
		json_array_foreach(v, i, x) {
			json_t *l = json_object_get(x, "label"), *u = json_object_get(x, "url");
			if (!json_is_string(u))
				continue;
			if (b.len > 0)
				buf_putc(&b, '\n');
			buf_printf(&b, "%s|%s", json_is_string(l) ? json_string_value(l) : "", json_string_value(u));
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (!json_is_string(x))
				continue;
			if (b.len > 0)
				buf_putc(&b, '|');
			buf_puts(&b, json_string_value(x));
		}
	}
	if (b.len == 0 || b.oom) {
		buf_free(&b);
		return NULL;
	}
	out = buf_steal(&b, NULL);
	buf_free(&b);
	return out;
}

bool
company_values_from_json(const schema_type_t *t, const char *fields_json, company_values_t *out)
{
	json_t *j = json_loads(fields_json, 0, NULL);
	int i;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(j)) {
		json_decref(j);
		return false;
	}
	for (i = 0; i < t->nfields; i++)
		out->v[i] = raw_of(&t->fields[i], json_object_get(j, t->fields[i].name));
	json_decref(j);
	return true;
}

char *
company_values_to_json(const schema_type_t *t, const company_values_t *v, bool public_only)
{
	json_t *j = json_object();
	char *s;
	int i;

	if (j == NULL)
		return NULL;
	for (i = 0; i < t->nfields; i++) {
		if (public_only && t->fields[i].internal)
			continue;
		json_object_set_new(j, t->fields[i].name, json_string(v->v[i] ? v->v[i] : ""));
	}
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s;
}

bool
company_entity_values(db_t *db, const schema_type_t *t, int64_t entity_id, company_values_t *out)
{
	db_stmt_t *st = db_prepare(db, "SELECT fields FROM entities WHERE id = ? AND type = ?");
	bool ok = false;

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, entity_id);
	db_bind_str(st, 2, t->name);
	if (db_step(st) == DB_ROW)
		ok = company_values_from_json(t, db_col_text(st, 0), out);
	db_done(st);
	return ok;
}

bool
company_revision_values(db_t *db, const schema_type_t *t, int64_t revision_id, int64_t *entity_id, company_values_t *out)
{
	db_stmt_t *st = db_prepare(db, "SELECT entity_id, fields FROM company_revisions WHERE id = ?");
	json_t *j = NULL;
	int i;

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, revision_id);
	if (db_step(st) == DB_ROW) {
		*entity_id = db_col_i64(st, 0);
		j = json_loads(db_col_text(st, 1), 0, NULL);
	}
	db_done(st);
	if (!json_is_object(j) || !company_entity_values(db, t, *entity_id, out)) {
		json_decref(j);
		return false;
	}
	for (i = 0; i < t->nfields; i++) {
		json_t *v = json_object_get(j, t->fields[i].name);
		if (t->fields[i].internal || !json_is_string(v))
			continue;  /* a revision never touches an internal field */
		free(out->v[i]);
		out->v[i] = json_string_length(v) > 0 ? strdup(json_string_value(v)) : NULL;
	}
	json_decref(j);
	return true;
}

/* ---- writes ---- */

bool
company_apply(db_t *db, int64_t entity_id, const entity_ready_t *e, int64_t now)
{
	db_stmt_t *st = db_prepare(db, "UPDATE entities SET title = ?, body = ?, fields = ?, deadline = ?, updated_at = ? WHERE id = ?");
	int i;

	if (st == NULL)
		return false;
	db_bind_str(st, 1, e->title);
	db_bind_text(st, 2, e->body.data ? e->body.data : "", e->body.len);
	db_bind_str(st, 3, e->fields_json);
	if (e->deadline) db_bind_i64(st, 4, e->deadline); else db_bind_null(st, 4);
	db_bind_i64(st, 5, now);
	db_bind_i64(st, 6, entity_id);
	if (db_run(st) != DB_DONE || db_changes(db) != 1)
		return false;
	st = db_prepare(db, "DELETE FROM entity_terms WHERE entity_id = ?");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, entity_id);
	if (db_run(st) != DB_DONE)
		return false;
	for (i = 0; i < e->nterms; i++) {
		st = db_prepare(db, "INSERT INTO entity_terms (entity_id, term_id) VALUES (?, ?) ON CONFLICT DO NOTHING");
		if (st == NULL)
			return false;
		db_bind_i64(st, 1, entity_id);
		db_bind_i64(st, 2, e->term_ids[i]);
		if (db_run(st) != DB_DONE)
			return false;
	}
	return true;
}

/* entity_id: the company record re-saved, so a retired term it already has may stay (issue 6 item 3). */
static bool
validate(db_t *db, const schema_type_t *t, int64_t entity_id, const company_values_t *v, entity_ready_t *out,
    buf_t *errors)
{
	entity_draft_t d;
	int i;

	memset(&d, 0, sizeof(d));
	d.type = t;
	d.entity_id = entity_id;
	for (i = 0; i < t->nfields; i++)
		d.values[i] = v->v[i];
	return entity_validate(db, &d, out, errors);
}

/* A first publication: published, with a first period from today. */
static bool
publish_first(db_t *db, int64_t entity_id, const company_settings_t *s, int64_t now)
{
	int64_t start = jtime_day_start(now);

	return entity_set_status(db, entity_id, "published", now) &&
	    entity_set_listing(db, entity_id, start, company_first_end(now, s->unit_months), now);
}

bool
company_submit(db_t *db, const schema_type_t *t, int64_t entity_id, int64_t account_id, const company_values_t *values,
    const company_settings_t *s, int64_t now, bool *live, int64_t *revision_id, buf_t *errors)
{
	entity_ready_t ready;
	company_state_t cs;
	char *json;
	db_stmt_t *st;
	bool ok = false;

	*live = false;
	*revision_id = 0;
	if (!validate(db, t, entity_id, values, &ready, errors))
		return false;
	if (!company_state_get(db, entity_id, &cs) || (json = company_values_to_json(t, values, true)) == NULL) {
		entity_ready_free(&ready);
		return false;
	}
	if (s->approval) {
		if (cs.pending_id) {
			st = db_prepare(db, "UPDATE company_revisions SET fields = ?, account_id = ?, created_at = ? WHERE id = ? AND status = 'pending'");
			if (st != NULL) {
				db_bind_str(st, 1, json);
				db_bind_i64(st, 2, account_id);
				db_bind_i64(st, 3, now);
				db_bind_i64(st, 4, cs.pending_id);
				ok = db_run(st) == DB_DONE && db_changes(db) == 1;
				*revision_id = cs.pending_id;
			}
		} else {
			st = db_prepare(db, "INSERT INTO company_revisions (entity_id, account_id, fields, status, created_at) VALUES (?, ?, ?, 'pending', ?)");
			if (st != NULL) {
				db_bind_i64(st, 1, entity_id);
				db_bind_i64(st, 2, account_id);
				db_bind_str(st, 3, json);
				db_bind_i64(st, 4, now);
				ok = db_run(st) == DB_DONE;
				*revision_id = db_last_id(db);
			}
		}
	} else {
		/* live at once; the revision is kept as the record of the change */
		st = db_prepare(db, "INSERT INTO company_revisions (entity_id, account_id, fields, status, created_at, decided_at) "
		    "VALUES (?, ?, ?, 'approved', ?, ?)");
		if (st != NULL) {
			db_bind_i64(st, 1, entity_id);
			db_bind_i64(st, 2, account_id);
			db_bind_str(st, 3, json);
			db_bind_i64(st, 4, now);
			db_bind_i64(st, 5, now);
			ok = db_run(st) == DB_DONE;
			*revision_id = db_last_id(db);
		}
		/* an earlier pending one is superseded */
		st = ok ? db_prepare(db, "UPDATE company_revisions SET status = 'rejected', reason = '設定の変更により新しい編集に置き換えられました。', "
		    "decided_at = ? WHERE entity_id = ? AND status = 'pending'") : NULL;
		if (st != NULL) {
			db_bind_i64(st, 1, now);
			db_bind_i64(st, 2, entity_id);
			ok = db_run(st) == DB_DONE;
		}
		ok = ok && company_apply(db, entity_id, &ready, now);
		if (ok && (strcmp(cs.status, "draft") == 0 || strcmp(cs.status, "pending") == 0))
			ok = publish_first(db, entity_id, s, now);
		*live = ok;
	}
	free(json);
	entity_ready_free(&ready);
	return ok;
}

bool
company_notice_add(db_t *db, int64_t account_id, const char *text, int64_t now)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO member_notices (account_id, created_at, text) VALUES (?, ?, ?)");

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, account_id);
	db_bind_i64(st, 2, now);
	db_bind_str(st, 3, text);
	return db_run(st) == DB_DONE;
}

bool
company_tell(db_t *db, int64_t entity_id, const char *kind, const char *subject, const char *body, const char *notice,
    int64_t now)
{
	db_stmt_t *st = db_prepare(db, "SELECT a.id, a.email FROM company_accounts ca JOIN accounts a ON a.id = ca.account_id "
	    "WHERE ca.entity_id = ? AND a.status = 'active'");
	int64_t ids[4];
	char emails[4][STR_EMAIL_MAX + 1];
	int n = 0, i;

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, entity_id);
	while (n < 4 && db_step(st) == DB_ROW) {
		ids[n] = db_col_i64(st, 0);
		str_copy(emails[n], sizeof(emails[n]), db_col_text(st, 1));
		n++;
	}
	db_done(st);
	for (i = 0; i < n; i++) {
		mail_msg_t m = { kind, emails[i], subject, body, NULL, NULL, NULL, 0, NULL };
		char err[256];
		if (!mail_enqueue(db, &m, now, NULL, err, sizeof(err))) {
			log_error("company: mail to account %lld not queued: %s", (long long)ids[i], err);
			return false;
		}
		if (notice != NULL && !company_notice_add(db, ids[i], notice, now))
			return false;
	}
	return true;
}

/* "2026年4月30日" of the last day of a period ending (exclusively) at end. */
static void
last_day(char *out, size_t n, int64_t end)
{
	buf_t b = BUF_INIT;

	jtime_format(&b, end - 1, "date");
	str_copy(out, n, b.oom || b.data == NULL ? "" : b.data);
	buf_free(&b);
}

static const char *
mypage_url(char *out, size_t n)
{
	snprintf(out, n, "%s/mypage", config.base_url[0] ? config.base_url : "");
	return out;
}

bool
company_approve(db_t *db, const schema_type_t *t, int64_t revision_id, int64_t staff_id, const company_settings_t *s,
    int64_t now, char *err, size_t errlen)
{
	company_values_t v;
	company_state_t cs;
	entity_ready_t ready;
	buf_t errors = BUF_INIT, body = BUF_INIT;
	int64_t entity_id = 0;
	db_stmt_t *st;
	bool first, ok;
	char day[64], url[600];

	st = db_prepare(db, "SELECT 1 FROM company_revisions WHERE id = ? AND status = 'pending'");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, revision_id);
	ok = db_step(st) == DB_ROW;
	db_done(st);
	if (!ok) {
		str_errf(err, errlen, "この申請は既に処理されています。");
		return false;
	}
	if (!company_revision_values(db, t, revision_id, &entity_id, &v) || !company_state_get(db, entity_id, &cs)) {
		str_errf(err, errlen, "申請の内容を読み込めませんでした。");
		company_values_free(&v);
		return false;
	}
	if (!validate(db, t, entity_id, &v, &ready, &errors)) {
		/* e.g. a term removed from its vocabulary since */
		str_errf(err, errlen, "申請の内容に問題があるため承認できません：%s", errors.data ? errors.data : "");
		company_values_free(&v);
		buf_free(&errors);
		return false;
	}
	company_values_free(&v);
	buf_free(&errors);
	first = strcmp(cs.status, "draft") == 0 || strcmp(cs.status, "pending") == 0;
	ok = company_apply(db, entity_id, &ready, now);
	entity_ready_free(&ready);
	if (ok && first)
		ok = publish_first(db, entity_id, s, now);
	st = ok ? db_prepare(db, "UPDATE company_revisions SET status = 'approved', decided_at = ?, decided_by = ? WHERE id = ?") : NULL;
	if (st == NULL) {
		str_errf(err, errlen, "データベースに書き込めませんでした。");
		return false;
	}
	db_bind_i64(st, 1, now);
	if (staff_id > 0) db_bind_i64(st, 2, staff_id); else db_bind_null(st, 2);
	db_bind_i64(st, 3, revision_id);
	if (db_run(st) != DB_DONE) {
		str_errf(err, errlen, "データベースに書き込めませんでした。");
		return false;
	}
	buf_printf(&body, "%s 様\n\n%sの企業情報の%sが承認され、公開されました。\n", cs.title, settings_site_name(),
	    first ? "掲載" : "変更");
	if (first) {
		last_day(day, sizeof(day), company_first_end(now, s->unit_months));
		buf_printf(&body, "掲載期間は %s までです。期間の終わりが近づくと、マイページの「更新」で延長できます。\n", day);
	}
	buf_printf(&body, "\nマイページ：%s\n\n※このメールは送信専用です。\n", mypage_url(url, sizeof(url)));
	ok = !body.oom && company_tell(db, entity_id, "company", "企業情報が承認されました", body.data,
	    first ? "企業情報の掲載が承認され、公開されました。" : "企業情報の変更が承認され、公開されました。", now);
	buf_free(&body);
	if (!ok)
		str_errf(err, errlen, "お知らせを登録できませんでした。");
	return ok;
}

bool
company_reject(db_t *db, int64_t revision_id, int64_t staff_id, const char *reason, int64_t now, char *err, size_t errlen)
{
	db_stmt_t *st;
	int64_t entity_id = 0;
	company_state_t cs;
	buf_t body = BUF_INIT, notice = BUF_INIT;
	char url[600];
	bool ok;
	size_t chars;

	if (reason == NULL || reason[0] == '\0') {
		str_errf(err, errlen, "差し戻しの理由を入力してください。");
		return false;
	}
	if (!str_utf8_valid(reason, strlen(reason), true) || (chars = str_utf8_len(reason, strlen(reason))) > COMPANY_REASON_MAX) {
		str_errf(err, errlen, "差し戻しの理由は%d文字以内で入力してください。", COMPANY_REASON_MAX);
		return false;
	}
	st = db_prepare(db, "SELECT entity_id FROM company_revisions WHERE id = ? AND status = 'pending'");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, revision_id);
	if (db_step(st) == DB_ROW)
		entity_id = db_col_i64(st, 0);
	db_done(st);
	if (entity_id == 0 || !company_state_get(db, entity_id, &cs)) {
		str_errf(err, errlen, "この申請は既に処理されています。");
		return false;
	}
	st = db_prepare(db, "UPDATE company_revisions SET status = 'rejected', reason = ?, decided_at = ?, decided_by = ? WHERE id = ?");
	if (st == NULL)
		return false;
	db_bind_str(st, 1, reason);
	db_bind_i64(st, 2, now);
	if (staff_id > 0) db_bind_i64(st, 3, staff_id); else db_bind_null(st, 3);
	db_bind_i64(st, 4, revision_id);
	if (db_run(st) != DB_DONE) {
		str_errf(err, errlen, "データベースに書き込めませんでした。");
		return false;
	}
	/* the reason goes only into the body: a subject is fixed text */
	buf_printf(&body, "%s 様\n\n%sに申請いただいた企業情報は、次の理由で差し戻されました。\n\n%s\n\n"
	    "マイページの「企業情報の編集」から内容を直して、もう一度申請してください。\nマイページ：%s\n\n※このメールは送信専用です。\n",
	    cs.title, settings_site_name(), reason, mypage_url(url, sizeof(url)));
	buf_printf(&notice, "企業情報が差し戻されました。理由：%s", reason);
	ok = !body.oom && !notice.oom && company_tell(db, entity_id, "company", "企業情報が差し戻されました", body.data, notice.data, now);
	buf_free(&body);
	buf_free(&notice);
	if (!ok)
		str_errf(err, errlen, "お知らせを登録できませんでした。");
	return ok;
}

bool
company_renew(db_t *db, int64_t entity_id, const company_settings_t *s, int64_t now, int64_t *new_end, char *err,
    size_t errlen)
{
	company_state_t cs;
	int64_t start;

	if (!company_state_get(db, entity_id, &cs)) {
		str_errf(err, errlen, "企業情報が見つかりません。");
		return false;
	}
	if (strcmp(cs.status, "published") != 0 && strcmp(cs.status, "archived") != 0) {
		str_errf(err, errlen, "企業情報がまだ公開されていないため、掲載期間を更新できません。");
		return false;
	}
	if (strcmp(cs.status, "published") == 0 && !company_renew_open(cs.listing_end, now, s->unit_months)) {
		str_errf(err, errlen, "掲載期間の更新は、掲載終了日の%dか月前から行えます。", s->unit_months);
		return false;
	}
	*new_end = company_renew_end(cs.listing_end, now, s->unit_months);
	/* after a gap (an archive), the new period starts today */
	start = cs.listing_end > now && cs.listing_start != 0 ? cs.listing_start : jtime_day_start(now);
	if (!entity_set_listing(db, entity_id, start, *new_end, now) ||
	    (strcmp(cs.status, "published") != 0 && !entity_set_status(db, entity_id, "published", now))) {
		str_errf(err, errlen, "データベースに書き込めませんでした。");
		return false;
	}
	return true;
}
