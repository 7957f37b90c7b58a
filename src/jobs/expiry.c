/* expiry.c - notices before the end of a company's listing period, and the archive after it. */
#include "jobs/expiry.h"
#include "auth/audit.h"
#include "content/company.h"
#include "content/settings.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/jtime.h"
#include "core/log.h"
#include "core/str.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef struct due {
	int64_t id, end;
	char    title[400];
} due_t;

/* Written inside the transaction of the notice or archive it records: no entry, no action (SEC07). */
static bool
audit(db_t *db, const char *action, int64_t id, const char *detail, int64_t now)
{
	char target[48];
	audit_entry_t e = { 0, "system", "local", action, target, detail };

	snprintf(target, sizeof(target), "entity:%" PRId64, id);
	if (!audit_append(db, &e, now)) {
		log_error("expiry: audit entry %s for entity %" PRId64 " could not be written", action, id);
		return false;
	}
	return true;
}

/* Published companies with an account, a period not yet ended, and an end within the largest threshold. */
static int
load_due(db_t *db, int64_t now, int maxdays, int64_t after, due_t *out, int max)
{
	db_stmt_t *st = db_prepare(db, "SELECT e.id, e.listing_end, e.title FROM entities e "
	    "WHERE e.type = 'company' AND e.status = 'published' AND e.listing_end IS NOT NULL AND e.listing_end > ? "
	    "AND e.listing_end <= ? AND e.id > ? AND EXISTS (SELECT 1 FROM company_accounts ca WHERE ca.entity_id = e.id) "
	    "ORDER BY e.id LIMIT ?");
	int n = 0;

	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, now);
	db_bind_i64(st, 2, jtime_day_start(now) + (int64_t)(maxdays + 1) * 86400);
	db_bind_i64(st, 3, after);
	db_bind_i64(st, 4, max);
	while (n < max && db_step(st) == DB_ROW) {
		out[n].id = db_col_i64(st, 0);
		out[n].end = db_col_i64(st, 1);
		str_copy(out[n].title, sizeof(out[n].title), db_col_text(st, 2));
		n++;
	}
	db_done(st);
	return n;
}

static const char *
mypage(char *out, size_t n)
{
	snprintf(out, n, "%s/mypage", config.base_url[0] ? config.base_url : "");
	return out;
}

/* Sends the notice for threshold days unless this period already had it (or a smaller one). */
static bool
notice_one(db_t *db, const company_settings_t *s, const due_t *d, int days, int64_t now, bool *sent)
{
	db_stmt_t *st;
	buf_t body = BUF_INIT, when = BUF_INIT, notice = BUF_INIT;
	char url[600], subject[200];
	bool ok = false;
	int i;

	*sent = false;
	if (!db_begin_write(db))
		return false;
	st = db_prepare(db, "SELECT 1 FROM listing_notices WHERE entity_id = ? AND listing_end = ? AND days <= ?");
	if (st == NULL)
		goto done;
	db_bind_i64(st, 1, d->id);
	db_bind_i64(st, 2, d->end);
	db_bind_i64(st, 3, days);
	if (db_step(st) == DB_ROW) {
		db_done(st);
		ok = true;  /* already told */
		goto done;
	}
	db_done(st);
	/* this threshold and every larger one are done for this period (a missed 14-day notice is not sent
	 * after the 3-day one) */
	for (i = 0; i < s->nnotice; i++) {
		if (s->notice_days[i] < days)
			continue;
		st = db_prepare(db, "INSERT INTO listing_notices (entity_id, listing_end, days, sent_at) VALUES (?, ?, ?, ?) "
		    "ON CONFLICT DO NOTHING");
		if (st == NULL)
			goto done;
		db_bind_i64(st, 1, d->id);
		db_bind_i64(st, 2, d->end);
		db_bind_i64(st, 3, s->notice_days[i]);
		db_bind_i64(st, 4, now);
		if (db_run(st) != DB_DONE)
			goto done;
	}
	jtime_format(&when, d->end - 1, "date");
	snprintf(subject, sizeof(subject), "企業情報の掲載期間が残り%d日です", company_days_left(d->end, now));
	buf_printf(&body, "%s 様\n\n%sに掲載中の企業情報「%s」の掲載期間は %s までです（残り%d日）。\n"
	    "掲載を続ける場合は、マイページの「更新」ボタンを押してください。掲載期間が%dか月延長されます。\n"
	    "期間が終わると企業情報は公開されなくなり、アーカイブとして保管されます（更新すると再び公開されます）。\n\n"
	    "マイページ：%s\n\n※このメールは送信専用です。\n",
	    d->title, settings_site_name(), d->title, when.data ? when.data : "", company_days_left(d->end, now), s->unit_months,
	    mypage(url, sizeof(url)));
	buf_printf(&notice, "掲載期間は %s までです（残り%d日）。続ける場合は「更新」ボタンを押してください。",
	    when.data ? when.data : "", company_days_left(d->end, now));
	if (body.oom || notice.oom || !company_tell(db, d->id, "notice", subject, body.data, notice.data, now))
		goto done;
	{
		char detail[32];
		snprintf(detail, sizeof(detail), "%d days", days);
		if (!audit(db, "company.notice", d->id, detail, now))
			goto done;
	}
	if (!db_commit(db))
		goto done;
	audit_sync_head(db);
	*sent = true;
	ok = true;
done:
	if (!*sent)
		db_rollback(db);
	buf_free(&body);
	buf_free(&when);
	buf_free(&notice);
	return ok;
}

static bool
archive_one(db_t *db, const due_t *d, int64_t now, bool *done_one)
{
	buf_t body = BUF_INIT;
	char url[600];
	bool ok = false;

	*done_one = false;
	if (!db_begin_write(db))
		return false;
	/* only if it is still published and ended (another process may have been first) */
	{
		db_stmt_t *st = db_prepare(db, "UPDATE entities SET status = 'archived', updated_at = ? "
		    "WHERE id = ? AND status = 'published' AND listing_end IS NOT NULL AND listing_end <= ?");
		if (st == NULL)
			goto done;
		db_bind_i64(st, 1, now);
		db_bind_i64(st, 2, d->id);
		db_bind_i64(st, 3, now);
		if (db_run(st) != DB_DONE)
			goto done;
		if (db_changes(db) == 0) {
			ok = true;
			goto done;
		}
	}
	buf_printf(&body, "%s 様\n\n%sに掲載していた企業情報「%s」は掲載期間が終わったため、公開を終了しました。\n"
	    "内容はアーカイブとして保管しています。マイページの「更新」ボタンを押すと、再び公開されます。\n\n"
	    "マイページ：%s\n\n※このメールは送信専用です。\n", d->title, settings_site_name(), d->title, mypage(url, sizeof(url)));
	if (body.oom || !company_tell(db, d->id, "notice", "企業情報の掲載期間が終了しました", body.data,
	    "掲載期間が終了したため、企業情報の公開を終了しました（アーカイブ）。「更新」ボタンで再び公開できます。", now))
		goto done;
	if (!audit(db, "company.archive", d->id, "listing period ended", now) || !db_commit(db))
		goto done;
	audit_sync_head(db);
	*done_one = true;
	ok = true;
done:
	if (!*done_one)
		db_rollback(db);
	buf_free(&body);
	return ok;
}

bool
expiry_round(db_t *db, int64_t now, expiry_report_t *rep)
{
	company_settings_t s;
	due_t batch[64];
	int64_t after = 0;
	int n, i, rounds = 0;

	memset(rep, 0, sizeof(*rep));
	settings_refresh(db, -1); /* the site name of the settings screen (also under `tick`) */
	if (!company_settings_load(db, &s))
		return false;
	/* notices */
	if (s.nnotice > 0) {
		while ((n = load_due(db, now, s.notice_days[0], after, batch, 64)) > 0 && rounds++ < EXPIRY_BATCH) {
			for (i = 0; i < n; i++) {
				int days = company_notice_due(&s, batch[i].end, now);
				bool sent;
				after = batch[i].id;
				if (days == 0)
					continue;
				if (!notice_one(db, &s, &batch[i], days, now, &sent))
					return false;
				if (sent)
					rep->notices++;
			}
		}
		if (n < 0)
			return false;
	}
	/* the archive: every company, with an account or not */
	for (rounds = 0; rounds < EXPIRY_BATCH; rounds++) {
		db_stmt_t *st = db_prepare(db, "SELECT id, listing_end, title FROM entities WHERE type = 'company' AND status = 'published' "
		    "AND listing_end IS NOT NULL AND listing_end <= ? ORDER BY id LIMIT 64");
		bool any = false;
		if (st == NULL)
			return false;
		db_bind_i64(st, 1, now);
		n = 0;
		while (n < 64 && db_step(st) == DB_ROW) {
			batch[n].id = db_col_i64(st, 0);
			batch[n].end = db_col_i64(st, 1);
			str_copy(batch[n].title, sizeof(batch[n].title), db_col_text(st, 2));
			n++;
		}
		db_done(st);
		for (i = 0; i < n; i++) {
			bool done_one;
			if (!archive_one(db, &batch[i], now, &done_one))
				return false;
			if (done_one) {
				rep->archived++;
				any = true;
			}
		}
		if (n < 64 || !any)
			break;
	}
	return true;
}
