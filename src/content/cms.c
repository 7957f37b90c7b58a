/* cms.c - saving, publishing, booking, restoring and deleting entities for the staff editor (cms.h). */
#include "content/cms.h"
#include "auth/audit.h"
#include "auth/policy.h"
#include "content/entity.h"
#include "core/jtime.h"
#include "core/log.h"
#include "core/str.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
cms_policy_kind(const char *type)
{
	if (type != NULL && strcmp(type, "company") == 0)
		return POLICY_COMPANY;
	if (type != NULL && strcmp(type, "job") == 0)
		return POLICY_JOB;
	if (type != NULL && strcmp(type, "internship") == 0)
		return POLICY_INTERNSHIP;
	return POLICY_CMS;
}

const char *
cms_status_label(const char *status, bool scheduled)
{
	if (status == NULL)
		return "";
	if (strcmp(status, "published") == 0)
		return "公開中";
	if (strcmp(status, "archived") == 0)
		return scheduled ? "公開予約" : "非公開";
	if (strcmp(status, "pending") == 0)
		return "承認待ち";
	return scheduled ? "公開予約" : "下書き";
}

cms_result_t
cms_record_get(db_t *db, int64_t id, const char *type, cms_record_t *out)
{
	db_stmt_t *st = db_prepare(db, "SELECT e.id, e.type, e.status, COALESCE(e.department_id, 0), e.updated_at, "
	    "e.title, e.fields, COALESCE(s.publish_at, 0) FROM entities e LEFT JOIN entity_schedule s ON s.entity_id = e.id "
	    "WHERE e.id = ?");
	cms_result_t res = CMS_NOT_FOUND;
	int rc;

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return CMS_ERROR;
	db_bind_i64(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW && (type == NULL || strcmp(db_col_text(st, 1), type) == 0)) {
		out->id = db_col_i64(st, 0);
		str_copy(out->type, sizeof(out->type), db_col_text(st, 1));
		str_copy(out->status, sizeof(out->status), db_col_text(st, 2));
		out->department_id = db_col_i64(st, 3);
		out->updated_at = db_col_i64(st, 4);
		out->title = strdup(db_col_text(st, 5));
		out->fields = strdup(db_col_text(st, 6));
		out->publish_at = db_col_i64(st, 7);
		res = out->title != NULL && out->fields != NULL ? CMS_OK : CMS_ERROR;
	} else if (rc != DB_ROW && rc != DB_DONE) {
		res = CMS_ERROR;
	}
	db_done(st);
	if (res != CMS_OK)
		cms_record_free(out);
	return res;
}

void
cms_record_free(cms_record_t *r)
{
	free(r->title);
	free(r->fields);
	r->title = r->fields = NULL;
}

/* ---- pieces of one transaction ---- */

static bool
audit(db_t *db, const cms_actor_t *who, const char *action, int64_t id, const char *detail, int64_t now)
{
	char target[48];
	audit_entry_t e = { who && who->account ? who->account->id : 0, who && who->account ? who->account->login : "system",
	    who && who->ip ? who->ip : "local", action, target, detail };

	snprintf(target, sizeof(target), "entity:%" PRId64, id);
	return audit_append(db, &e, now);
}

/* A revision equal to the entity as it is now (inside the caller's transaction). */
bool
cms_revision_add(db_t *db, int64_t entity_id, int64_t actor, const char *note, int64_t now)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO entity_revisions (entity_id, saved_at, saved_by, title, fields, status, note) "
	    "SELECT id, ?, ?, title, fields, status, ? FROM entities WHERE id = ?");

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, now);
	if (actor > 0) db_bind_i64(st, 2, actor); else db_bind_null(st, 2);
	db_bind_str(st, 3, note ? note : "");
	db_bind_i64(st, 4, entity_id);
	return db_run(st) == DB_DONE && db_changes(db) == 1;
}

static bool
schedule_clear(db_t *db, int64_t entity_id)
{
	db_stmt_t *st = db_prepare(db, "DELETE FROM entity_schedule WHERE entity_id = ?");

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, entity_id);
	return db_run(st) == DB_DONE;
}

static bool
schedule_exists(db_t *db, int64_t entity_id)
{
	db_stmt_t *st = db_prepare(db, "SELECT 1 FROM entity_schedule WHERE entity_id = ?");
	bool yes = false;

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, entity_id);
	yes = db_step(st) == DB_ROW;
	db_done(st);
	return yes;
}

static bool
schedule_set(db_t *db, int64_t entity_id, int64_t at, int64_t actor, int64_t now)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO entity_schedule (entity_id, publish_at, set_by, set_at) VALUES (?, ?, ?, ?) "
	    "ON CONFLICT (entity_id) DO UPDATE SET publish_at = excluded.publish_at, set_by = excluded.set_by, set_at = excluded.set_at");

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, entity_id);
	db_bind_i64(st, 2, at);
	if (actor > 0) db_bind_i64(st, 3, actor); else db_bind_null(st, 3);
	db_bind_i64(st, 4, now);
	return db_run(st) == DB_DONE;
}

/* Names of the fields whose raw values differ, comma-separated (title included). */
static void
changed_fields(const schema_type_t *t, const char *old_json, const char *new_json, buf_t *out)
{
	company_values_t a, b;
	int i;

	if (!company_values_from_json(t, old_json, &a))
		memset(&a, 0, sizeof(a));
	if (!company_values_from_json(t, new_json, &b))
		memset(&b, 0, sizeof(b));
	for (i = 0; i < t->nfields; i++) {
		const char *x = a.v[i] ? a.v[i] : "", *y = b.v[i] ? b.v[i] : "";
		if (strcmp(x, y) == 0)
			continue;
		if (out->len > 0)
			buf_putc(out, ',');
		buf_puts(out, t->fields[i].name);
	}
	company_values_free(&a);
	company_values_free(&b);
}

static cms_result_t
validate(db_t *db, const schema_type_t *t, const company_values_t *v, const char *status, entity_ready_t *e, buf_t *errors)
{
	entity_draft_t d;
	int i;

	memset(&d, 0, sizeof(d));
	d.type = t;
	d.status = status;
	for (i = 0; i < t->nfields; i++)
		d.values[i] = v->v[i];
	return entity_validate(db, &d, e, errors) ? CMS_OK : errors->len > 0 ? CMS_INVALID : CMS_ERROR;
}

static void
add_msg(buf_t *errors, const char *msg)
{
	if (errors->len > 0)
		buf_putc(errors, '\n');
	buf_puts(errors, msg);
}

/* ---- save ---- */

static cms_result_t
save_in_tx(db_t *db, const cms_save_t *s, const cms_actor_t *who, int64_t now, int64_t *id, buf_t *errors)
{
	const schema_type_t *t = s->type;
	const account_t *actor = who->account;
	int kind = cms_policy_kind(t->name);
	cms_record_t cur;
	entity_ready_t e;
	cms_result_t res;
	const char *status;
	buf_t changed = BUF_INIT, detail = BUF_INIT;
	bool ok = false, is_new = s->entity_id == 0;

	memset(&cur, 0, sizeof(cur));
	if (!is_new) {
		if ((res = cms_record_get(db, s->entity_id, t->name, &cur)) != CMS_OK)
			return res;
		/* the department stored on the record decides, whatever the form said */
		if (!policy_can(actor, POLICY_UPDATE, kind, cur.department_id) ||
		    (s->action != CMS_SAVE && !policy_can(actor, POLICY_STATUS, kind, cur.department_id))) {
			cms_record_free(&cur);
			return CMS_FORBIDDEN;
		}
		status = cur.status;
	} else {
		if (!policy_can(actor, POLICY_CREATE, kind, s->department_id) ||
		    (s->action != CMS_SAVE && !policy_can(actor, POLICY_STATUS, kind, s->department_id)))
			return CMS_FORBIDDEN;
		status = "draft";
	}
	switch (s->action) {
	case CMS_PUBLISH: status = "published"; break;
	case CMS_UNPUBLISH: status = is_new ? "draft" : "archived"; break;
	case CMS_SCHEDULE:
		if (strcmp(status, "published") == 0) {
			add_msg(errors, "「予約公開の日時」公開中の記事は予約できません。先に「非公開にする」を押してください。");
		} else if (s->publish_at <= now) {
			add_msg(errors, "「予約公開の日時」は今より後の日時を入力してください。");
		} else if (s->publish_at > now + CMS_SCHEDULE_MAX_AHEAD) {
			add_msg(errors, "「予約公開の日時」は5年以内の日時を入力してください。");
		}
		break;
	case CMS_SAVE: break;
	}
	/* A booking is checked as the publication it will be (the legally required items of a job offer, B01,
	 * content/joblaw.h), and so is every later save while the booking stands: the scheduler publishes
	 * without looking again. */
	res = validate(db, t, s->values,
	    s->action == CMS_SCHEDULE || (s->action == CMS_SAVE && !is_new && schedule_exists(db, s->entity_id)) ?
	    "published" : status, &e, errors);
	if (res == CMS_OK)
		str_copy(e.status, sizeof(e.status), status);
	if (res != CMS_OK || errors->len > 0) {
		if (res == CMS_OK)
			entity_ready_free(&e);
		cms_record_free(&cur);
		return res == CMS_OK ? CMS_INVALID : res;
	}
	if (is_new) {
		e.department_id = s->department_id;
		ok = entity_insert(db, &e, now, id) && cms_revision_add(db, *id, actor->id, "", now);
		buf_printf(&detail, "type:%s status:%s", t->name, e.status);
		ok = ok && audit(db, who, "content.create", *id, detail.data, now);
	} else {
		*id = s->entity_id;
		changed_fields(t, cur.fields, e.fields_json, &changed);
		if (strcmp(cur.title, e.title) != 0 && t->title_field >= 0 && !strstr(changed.data ? changed.data : "", t->fields[t->title_field].name)) {
			if (changed.len > 0)
				buf_putc(&changed, ',');
			buf_puts(&changed, t->fields[t->title_field].name);
		}
		ok = company_apply(db, *id, &e, now);
		if (ok && strcmp(cur.status, status) != 0)
			ok = entity_set_status(db, *id, status, now);
		ok = ok && cms_revision_add(db, *id, actor->id, "", now);
		buf_printf(&detail, "fields:%s", changed.len > 0 && changed.data ? changed.data : "-");
		ok = ok && audit(db, who, "content.update", *id, detail.data, now);
	}
	if (ok && s->action == CMS_PUBLISH) {
		ok = schedule_clear(db, *id) && audit(db, who, "content.publish", *id, "", now);
	} else if (ok && s->action == CMS_UNPUBLISH) {
		ok = schedule_clear(db, *id) && audit(db, who, "content.unpublish", *id, "", now);
	} else if (ok && s->action == CMS_SCHEDULE) {
		buf_t at = BUF_INIT;
		jtime_format(&at, s->publish_at, "iso");
		ok = schedule_set(db, *id, s->publish_at, actor->id, now) &&
		    audit(db, who, "content.schedule", *id, at.data && !at.oom ? at.data : "", now);
		buf_free(&at);
	}
	entity_ready_free(&e);
	cms_record_free(&cur);
	buf_free(&changed);
	buf_free(&detail);
	return ok ? CMS_OK : CMS_ERROR;
}

cms_result_t
cms_save(db_t *db, const cms_save_t *s, const cms_actor_t *who, int64_t now, int64_t *id, buf_t *errors)
{
	cms_result_t res;

	if (who == NULL || who->account == NULL || !db_begin_write(db))
		return CMS_ERROR;
	res = save_in_tx(db, s, who, now, id, errors);
	if (res != CMS_OK || !db_commit(db)) {
		db_rollback(db);
		return res == CMS_OK ? CMS_ERROR : res;
	}
	(void)audit_sync_head(db);
	return CMS_OK;
}

/* ---- restore ---- */

cms_result_t
cms_restore(db_t *db, const schema_type_t *t, int64_t entity_id, int64_t revision_id, const cms_actor_t *who, int64_t now,
    buf_t *errors)
{
	cms_record_t cur;
	cms_revision_t rev;
	company_values_t v;
	entity_ready_t e;
	cms_result_t res;
	char note[48];
	bool ok;

	if (who == NULL || who->account == NULL || !db_begin_write(db))
		return CMS_ERROR;
	if ((res = cms_record_get(db, entity_id, t->name, &cur)) != CMS_OK) {
		db_rollback(db);
		return res;
	}
	if (!policy_can(who->account, POLICY_UPDATE, cms_policy_kind(t->name), cur.department_id)) {
		cms_record_free(&cur);
		db_rollback(db);
		return CMS_FORBIDDEN;
	}
	if ((res = cms_revision_get(db, entity_id, revision_id, &rev)) != CMS_OK) {
		cms_record_free(&cur);
		db_rollback(db);
		return res;
	}
	/* validated again: a term or an image the old version used may be gone */
	if (!company_values_from_json(t, rev.fields, &v)) {
		res = CMS_ERROR;
		goto fail;
	}
	res = validate(db, t, &v, cur.status, &e, errors);
	company_values_free(&v);
	if (res != CMS_OK)
		goto fail;
	snprintf(note, sizeof(note), "restore:%" PRId64, revision_id);
	ok = company_apply(db, entity_id, &e, now) && cms_revision_add(db, entity_id, who->account->id, note, now) &&
	    audit(db, who, "content.restore", entity_id, note, now);
	entity_ready_free(&e);
	if (!ok || !db_commit(db)) {
		res = CMS_ERROR;
		goto fail;
	}
	(void)audit_sync_head(db);
	cms_record_free(&cur);
	cms_revision_free(&rev);
	return CMS_OK;
fail:
	db_rollback(db);
	cms_record_free(&cur);
	cms_revision_free(&rev);
	return res;
}

/* ---- delete ---- */

cms_result_t
cms_delete(db_t *db, const schema_type_t *t, int64_t entity_id, const cms_actor_t *who, int64_t now, buf_t *errors)
{
	cms_record_t cur;
	cms_result_t res;
	buf_t detail = BUF_INIT;
	int rc;

	if (who == NULL || who->account == NULL || !db_begin_write(db))
		return CMS_ERROR;
	if ((res = cms_record_get(db, entity_id, t->name, &cur)) != CMS_OK) {
		db_rollback(db);
		return res;
	}
	if (!policy_can(who->account, POLICY_DELETE, cms_policy_kind(t->name), cur.department_id)) {
		res = CMS_FORBIDDEN;
		goto fail;
	}
	if (strcmp(cur.status, "draft") != 0 && strcmp(cur.status, "archived") != 0) {
		add_msg(errors, "公開中・承認待ちの記事は削除できません。先に「非公開にする」を押してください。");
		res = CMS_INVALID;
		goto fail;
	}
	buf_printf(&detail, "type:%s title:%s", t->name, cur.title);
	/* the entry first, inside the transaction: no entry, no deletion */
	if (!audit(db, who, "content.delete", entity_id, detail.data && !detail.oom ? detail.data : "", now)) {
		res = CMS_ERROR;
		goto fail;
	}
	{
		db_stmt_t *st = db_prepare(db, "DELETE FROM entities WHERE id = ?");
		if (st == NULL) {
			res = CMS_ERROR;
			goto fail;
		}
		db_bind_i64(st, 1, entity_id);
		rc = db_run(st);
	}
	if (rc == DB_CONSTRAINT) {
		/* a company with accounts, a job with applications ...: kept */
		add_msg(errors, "この記事は他の情報（会員、申込みなど）から参照されているため削除できません。「非公開にする」で公開を止めてください。");
		res = CMS_INVALID;
		goto fail;
	}
	if (rc != DB_DONE || !db_commit(db)) {
		res = CMS_ERROR;
		goto fail;
	}
	(void)audit_sync_head(db);
	cms_record_free(&cur);
	buf_free(&detail);
	return CMS_OK;
fail:
	db_rollback(db);
	cms_record_free(&cur);
	buf_free(&detail);
	return res;
}

/* ---- bookings ---- */

int64_t
cms_schedule_next(db_t *db)
{
	db_stmt_t *st = db_prepare(db, "SELECT COALESCE(MIN(publish_at), 0) FROM entity_schedule");
	int64_t at = -1;

	if (st == NULL)
		return -1;
	if (db_step(st) == DB_ROW)
		at = db_col_i64(st, 0);
	db_done(st);
	return at;
}

/* Publishes one due booking (its own transaction); 1 done, 0 nothing due, -1 error. */
static int
publish_one(db_t *db, int64_t now)
{
	db_stmt_t *st;
	int64_t id = 0, at = 0;
	char detail[80];
	buf_t iso = BUF_INIT;
	bool ok;

	if (!db_begin_write(db))
		return -1;
	st = db_prepare(db, "SELECT entity_id, publish_at FROM entity_schedule WHERE publish_at <= ? ORDER BY publish_at, entity_id LIMIT 1");
	if (st == NULL) {
		db_rollback(db);
		return -1;
	}
	db_bind_i64(st, 1, now);
	if (db_step(st) == DB_ROW) {
		id = db_col_i64(st, 0);
		at = db_col_i64(st, 1);
	}
	db_done(st);
	if (id == 0) {
		db_rollback(db);
		return 0;
	}
	jtime_format(&iso, at, "iso");
	snprintf(detail, sizeof(detail), "scheduled:%s", iso.data && !iso.oom ? iso.data : "");
	buf_free(&iso);
	/* published_at is the booked time, so lists order it where the staff meant it to appear */
	st = db_prepare(db, "UPDATE entities SET status = 'published', updated_at = ?, published_at = ? WHERE id = ?");
	ok = st != NULL;
	if (ok) {
		db_bind_i64(st, 1, now);
		db_bind_i64(st, 2, at);
		db_bind_i64(st, 3, id);
		ok = db_run(st) == DB_DONE;
	}
	ok = ok && schedule_clear(db, id) && cms_revision_add(db, id, 0, "scheduled", now) &&
	    audit(db, NULL, "content.publish", id, detail, now);
	if (!ok || !db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	(void)audit_sync_head(db);
	return 1;
}

int
cms_publish_due(db_t *db, int64_t now)
{
	int n = 0, k;

	while (n < 10000 && (k = publish_one(db, now)) > 0)
		n++;
	if (n == 0 && k < 0)
		return -1;
	if (k < 0)
		log_error("cms: a booked publication failed after %d succeeded", n);
	return n;
}

/* ---- revisions ---- */

cms_result_t
cms_revision_get(db_t *db, int64_t entity_id, int64_t revision_id, cms_revision_t *out)
{
	db_stmt_t *st = db_prepare(db, "SELECT id, entity_id, saved_at, COALESCE(saved_by, 0), status, title, fields, note "
	    "FROM entity_revisions WHERE id = ? AND entity_id = ?");
	cms_result_t res = CMS_NOT_FOUND;

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return CMS_ERROR;
	db_bind_i64(st, 1, revision_id);
	db_bind_i64(st, 2, entity_id);
	if (db_step(st) == DB_ROW) {
		out->id = db_col_i64(st, 0);
		out->entity_id = db_col_i64(st, 1);
		out->saved_at = db_col_i64(st, 2);
		out->saved_by = db_col_i64(st, 3);
		str_copy(out->status, sizeof(out->status), db_col_text(st, 4));
		out->title = strdup(db_col_text(st, 5));
		out->fields = strdup(db_col_text(st, 6));
		out->note = strdup(db_col_text(st, 7));
		res = out->title && out->fields && out->note ? CMS_OK : CMS_ERROR;
	}
	db_done(st);
	if (res != CMS_OK)
		cms_revision_free(out);
	return res;
}

void
cms_revision_free(cms_revision_t *r)
{
	free(r->title);
	free(r->fields);
	free(r->note);
	r->title = r->fields = r->note = NULL;
}

/* ---- line diff ---- */

typedef struct line {
	const char *p;
	size_t      n;
} line_t;

static size_t
split_lines(const char *s, line_t *out, size_t max)
{
	size_t n = 0;

	if (s == NULL || *s == '\0')
		return 0;
	for (;;) {
		size_t len = strcspn(s, "\n");
		if (n < max) {
			out[n].p = s;
			out[n].n = len;
		}
		n++;
		if (s[len] == '\0')
			break;
		s += len + 1;
		if (*s == '\0')
			break;
	}
	return n;
}

static bool
line_eq(const line_t *a, const line_t *b)
{
	return a->n == b->n && memcmp(a->p, b->p, a->n) == 0;
}

int
cms_diff_lines(const char *a, const char *b, cms_diff_line_t **out)
{
	size_t na = split_lines(a, NULL, 0), nb = split_lines(b, NULL, 0), i, j, k = 0;
	line_t *la = calloc(na + 1, sizeof(*la)), *lb = calloc(nb + 1, sizeof(*lb));
	uint32_t *L = NULL;
	cms_diff_line_t *d = calloc(na + nb + 1, sizeof(*d));

	*out = NULL;
	if (la == NULL || lb == NULL || d == NULL)
		goto oom;
	split_lines(a, la, na);
	split_lines(b, lb, nb);
	if (na > CMS_DIFF_MAX_LINES || nb > CMS_DIFF_MAX_LINES) {
		for (i = 0; i < na; i++)
			d[k++] = (cms_diff_line_t){ '-', la[i].p, la[i].n };
		for (j = 0; j < nb; j++)
			d[k++] = (cms_diff_line_t){ '+', lb[j].p, lb[j].n };
		goto done;
	}
	/* L[i][j]: the longest common subsequence of la[i..] and lb[j..] */
	if ((L = calloc((na + 1) * (nb + 1), sizeof(*L))) == NULL)
		goto oom;
	for (i = na; i-- > 0;)
		for (j = nb; j-- > 0;)
			L[i * (nb + 1) + j] = line_eq(&la[i], &lb[j]) ? L[(i + 1) * (nb + 1) + j + 1] + 1 :
			    L[(i + 1) * (nb + 1) + j] >= L[i * (nb + 1) + j + 1] ? L[(i + 1) * (nb + 1) + j] : L[i * (nb + 1) + j + 1];
	i = j = 0;
	while (i < na || j < nb) {
		if (i < na && j < nb && line_eq(&la[i], &lb[j])) {
			d[k++] = (cms_diff_line_t){ ' ', la[i].p, la[i].n };
			i++, j++;
		} else if (i < na && (j == nb || L[(i + 1) * (nb + 1) + j] >= L[i * (nb + 1) + j + 1])) {
			d[k++] = (cms_diff_line_t){ '-', la[i].p, la[i].n };
			i++;
		} else {
			d[k++] = (cms_diff_line_t){ '+', lb[j].p, lb[j].n };
			j++;
		}
	}
done:
	free(L);
	free(la);
	free(lb);
	*out = d;
	return (int)k;
oom:
	free(L);
	free(la);
	free(lb);
	free(d);
	return -1;
}
