/* alerts.c - intrusion signals: security events, thresholds in a sliding window, alerts and their mail (SEC13). */
#include "auth/alerts.h"
#include "auth/audit.h"
#include "core/buf.h"
#include "core/jtime.h"
#include "core/log.h"
#include "core/str.h"
#include "mail/mail.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static const char *const names[ALERT_NKINDS] = { "login", "ipblock", "csrf" };
static const char *const labels[ALERT_NKINDS] = {
	"ログイン失敗の急増", "IPアドレス制限による拒否の急増", "不正なフォーム送信（CSRF）の急増",
};

/* per kind: rows written in the current minute, and events over the cap not yet counted in an alert */
static struct {
	int64_t minute;
	int     rows;
	int64_t pending;
} gate[ALERT_NKINDS];
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;

const char *
alerts_kind_name(alert_kind_t k)
{
	return (unsigned)k < ALERT_NKINDS ? names[k] : "";
}

const char *
alerts_kind_label(alert_kind_t k)
{
	return (unsigned)k < ALERT_NKINDS ? labels[k] : "";
}

bool
alerts_kind_parse(const char *name, alert_kind_t *k)
{
	int i;

	for (i = 0; i < ALERT_NKINDS; i++)
		if (name != NULL && strcmp(name, names[i]) == 0) {
			*k = (alert_kind_t)i;
			return true;
		}
	return false;
}

void
alerts_gate_reset(void)
{
	pthread_mutex_lock(&gate_lock);
	memset(gate, 0, sizeof(gate));
	pthread_mutex_unlock(&gate_lock);
}

/* True when this event may write a row; *extra takes the events counted in memory since the last row. */
static bool
gate_pass(alert_kind_t kind, int64_t now, int64_t *extra)
{
	bool ok;

	pthread_mutex_lock(&gate_lock);
	if (gate[kind].minute != now / 60) {
		gate[kind].minute = now / 60;
		gate[kind].rows = 0;
	}
	ok = gate[kind].rows < ALERTS_ROWS_PER_MIN;
	if (ok) {
		gate[kind].rows++;
		*extra = gate[kind].pending;
		gate[kind].pending = 0;
	} else {
		gate[kind].pending++;
	}
	pthread_mutex_unlock(&gate_lock);
	return ok;
}

/* Printable ASCII only, at most n-1 bytes: a request path or login ID never carries controls into a row. */
static void
clean(char *out, size_t n, const char *s)
{
	size_t k = 0;

	for (; s != NULL && *s != '\0' && k + 1 < n; s++)
		out[k++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	out[k] = '\0';
}

static int64_t
count_since(db_t *db, alert_kind_t kind, const char *ip, int64_t since)
{
	db_stmt_t *st = db_prepare(db, ip != NULL
	    ? "SELECT COUNT(*) FROM security_events WHERE kind = ? AND at > ? AND ip = ?"
	    : "SELECT COUNT(*) FROM security_events WHERE kind = ? AND at > ?");
	int64_t n = -1;

	if (st == NULL)
		return -1;
	db_bind_str(st, 1, names[kind]);
	db_bind_i64(st, 2, since);
	if (ip != NULL)
		db_bind_str(st, 3, ip);
	if (db_step(st) == DB_ROW)
		n = db_col_i64(st, 0);
	db_done(st);
	return n;
}

/* "203.0.113.5（12件）、198.51.100.7（3件）" from the last ALERTS_SUMMARY_SPAN seconds. */
static bool
summary(db_t *db, alert_kind_t kind, int64_t since, buf_t *out)
{
	db_stmt_t *st = db_prepare(db, "SELECT ip, COUNT(*) AS n FROM security_events WHERE kind = ? AND at >= ? "
	    "GROUP BY ip ORDER BY n DESC, ip LIMIT 5");
	int rc, i = 0;

	if (st == NULL)
		return false;
	db_bind_str(st, 1, names[kind]);
	db_bind_i64(st, 2, since);
	while ((rc = db_step(st)) == DB_ROW) {
		if (out->len + ALERTS_IP_MAX + 32 > ALERTS_SUMMARY_MAX)
			break;
		buf_printf(out, "%s%s（%" PRId64 "件）", i++ > 0 ? "、" : "", db_col_text(st, 0), db_col_i64(st, 1));
	}
	db_done(st);
	return (rc == DB_ROW || rc == DB_DONE) && !out->oom;
}

static bool
threshold_crossed(db_t *db, alert_kind_t kind, const char *ip, int64_t now, const alerts_policy_t *p, bool *crossed)
{
	int64_t since = now - p->window_s, n;
	int limit = kind == ALERT_LOGIN ? p->login_total : kind == ALERT_IPBLOCK ? p->ipblock : p->csrf;

	*crossed = false;
	if ((n = count_since(db, kind, NULL, since)) < 0)
		return false;
	if (limit > 0 && n >= limit)
		*crossed = true;
	if (!*crossed && kind == ALERT_LOGIN && p->login_per_ip > 0) {
		if ((n = count_since(db, kind, ip, since)) < 0)
			return false;
		*crossed = n >= p->login_per_ip;
	}
	return true;
}

/* The alert mail: fixed Japanese text, counts, times and addresses only (never a login ID or a path). */
static bool
queue_mail(db_t *db, alert_kind_t kind, int64_t first_at, int64_t now, int64_t count, const char *top,
    const alerts_policy_t *p)
{
	buf_t subject = BUF_INIT, body = BUF_INIT, from = BUF_INIT, to = BUF_INIT;
	const char *site = p->site_name != NULL && p->site_name[0] ? p->site_name : "tsunagu";
	char err[256];
	bool ok;

	buf_printf(&subject, "【%s】セキュリティ警告：%s", site, labels[kind]);
	jtime_format(&from, first_at, "datetime");
	jtime_format(&to, now, "datetime");
	buf_printf(&body, "%s の管理者の方へ\n\nセキュリティ警告が記録されました。\n\n"
	    "種類：%s\n件数：%" PRId64 "件\n期間：%s 〜 %s\n主な送信元IPアドレス：%s\n\n"
	    "業務管理メニューの「セキュリティ警告」で内容を確認し、「確認済みにする」を押してください。\n%s%s"
	    "\n同じ種類の警告についてのメールは、%" PRId64 "分に1回までお送りします。\n"
	    "※このメールは送信専用です。\n", site, labels[kind], count,
	    from.data ? from.data : "", to.data ? to.data : "", top[0] ? top : "（なし）",
	    p->staff_url != NULL ? p->staff_url : "", p->staff_url != NULL && p->staff_url[0] ? "\n" : "",
	    p->mail_interval_s / 60);
	ok = !subject.oom && !body.oom;
	if (ok) {
		mail_msg_t m = { "security", p->mail_to, subject.data, body.data, NULL, NULL, NULL, 0, NULL };
		ok = mail_enqueue(db, &m, now, NULL, err, sizeof(err));
		if (!ok)
			log_error("alerts: the alert mail could not be queued: %s", err);
	}
	buf_free(&subject);
	buf_free(&body);
	buf_free(&from);
	buf_free(&to);
	return ok;
}

/* Queues the mail when the kind had none within the interval; *mailed when it did. */
static bool
maybe_mail(db_t *db, alert_kind_t kind, int64_t alert_id, int64_t first_at, int64_t now, int64_t count,
    const char *top, const alerts_policy_t *p, bool *mailed)
{
	db_stmt_t *st;
	int64_t last = 0;

	if (p->mail_to == NULL || p->mail_to[0] == '\0')
		return true;
	st = db_prepare(db, "SELECT COALESCE(MAX(mailed_at), 0) FROM security_alerts WHERE kind = ?");
	if (st == NULL)
		return false;
	db_bind_str(st, 1, names[kind]);
	if (db_step(st) == DB_ROW)
		last = db_col_i64(st, 0);
	db_done(st);
	if (last > 0 && now - last < p->mail_interval_s)
		return true;
	if (!queue_mail(db, kind, first_at, now, count, top, p))
		return true; /* a bad address must not stop the alert itself; logged */
	st = db_prepare(db, "UPDATE security_alerts SET mailed_at = ? WHERE id = ?");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, now);
	db_bind_i64(st, 2, alert_id);
	if (db_run(st) != DB_DONE)
		return false;
	*mailed = true;
	return true;
}

/* Opens or extends the alert of kind; *open when the event belongs to one. */
static bool
raise_alert(db_t *db, alert_kind_t kind, const char *ip, int64_t now, int64_t extra, const alerts_policy_t *p,
    bool *open, bool *mailed)
{
	db_stmt_t *st;
	int64_t id = 0, first_at = now, count = 0, since;
	bool found = false, crossed;
	buf_t top = BUF_INIT;
	bool ok = false;

	*open = false;
	st = db_prepare(db, "SELECT id, first_at, count FROM security_alerts WHERE kind = ? AND acknowledged_at IS NULL");
	if (st == NULL)
		return false;
	db_bind_str(st, 1, names[kind]);
	if (db_step(st) == DB_ROW) {
		found = true;
		id = db_col_i64(st, 0);
		first_at = db_col_i64(st, 1);
		count = db_col_i64(st, 2);
	}
	db_done(st);
	if (found) {
		count += 1 + extra;
	} else {
		if (!threshold_crossed(db, kind, ip, now, p, &crossed))
			return false;
		if (!crossed)
			return true;
		if ((count = count_since(db, kind, NULL, now - p->window_s)) < 0)
			return false;
		count += extra;
		st = db_prepare(db, "SELECT COALESCE(MIN(at), ?) FROM security_events WHERE kind = ? AND at > ?");
		if (st == NULL)
			return false;
		db_bind_i64(st, 1, now);
		db_bind_str(st, 2, names[kind]);
		db_bind_i64(st, 3, now - p->window_s);
		if (db_step(st) == DB_ROW)
			first_at = db_col_i64(st, 0);
		db_done(st);
	}
	since = first_at > now - ALERTS_SUMMARY_SPAN ? first_at : now - ALERTS_SUMMARY_SPAN;
	if (!summary(db, kind, since, &top))
		goto done;
	if (found) {
		st = db_prepare(db, "UPDATE security_alerts SET last_at = ?, count = ?, summary = ? WHERE id = ?");
		if (st == NULL)
			goto done;
		db_bind_i64(st, 1, now);
		db_bind_i64(st, 2, count);
		db_bind_str(st, 3, top.data ? top.data : "");
		db_bind_i64(st, 4, id);
	} else {
		st = db_prepare(db, "INSERT INTO security_alerts (kind, first_at, last_at, count, summary) VALUES (?, ?, ?, ?, ?)");
		if (st == NULL)
			goto done;
		db_bind_str(st, 1, names[kind]);
		db_bind_i64(st, 2, first_at);
		db_bind_i64(st, 3, now);
		db_bind_i64(st, 4, count);
		db_bind_str(st, 5, top.data ? top.data : "");
	}
	if (db_run(st) != DB_DONE)
		goto done;
	if (!found) {
		id = db_last_id(db);
		log_error("security: alert %s opened (%" PRId64 " events since %" PRId64 ")", names[kind], count, first_at);
	}
	*open = true;
	ok = maybe_mail(db, kind, id, first_at, now, count, top.data ? top.data : "", p, mailed);
done:
	buf_free(&top);
	return ok;
}

int
alerts_record(db_t *db, alert_kind_t kind, const char *ip, const char *detail, int64_t now,
    const alerts_policy_t *p, bool *mailed)
{
	char ipc[ALERTS_IP_MAX], det[ALERTS_DETAIL_MAX];
	int64_t extra = 0;
	bool own, open = false;
	db_stmt_t *st;

	*mailed = false;
	if ((unsigned)kind >= ALERT_NKINDS || db == NULL)
		return -1;
	if (!gate_pass(kind, now, &extra))
		return 0;
	clean(ipc, sizeof(ipc), ip != NULL && ip[0] ? ip : "-");
	clean(det, sizeof(det), detail);
	own = !db_in_transaction(db);
	if (own && !db_begin_write(db))
		return -1;
	st = db_prepare(db, "INSERT INTO security_events (kind, ip, at, detail) VALUES (?, ?, ?, ?)");
	if (st == NULL)
		goto fail;
	db_bind_str(st, 1, names[kind]);
	db_bind_str(st, 2, ipc);
	db_bind_i64(st, 3, now);
	db_bind_str(st, 4, det);
	if (db_run(st) != DB_DONE || !raise_alert(db, kind, ipc, now, extra, p, &open, mailed))
		goto fail;
	if (own && !db_commit(db))
		goto fail;
	return open ? 1 : 0;
fail:
	*mailed = false;
	if (own)
		db_rollback(db);
	return -1;
}

int
alerts_ack(db_t *db, int64_t id, int64_t actor_id, const char *actor, const char *ip, int64_t now)
{
	char target[48], detail[96];
	db_stmt_t *st;
	int64_t count = 0;
	alert_kind_t kind = ALERT_LOGIN;
	bool found = false;

	if (!db_begin_write(db))
		return -1;
	st = db_prepare(db, "SELECT kind, count FROM security_alerts WHERE id = ? AND acknowledged_at IS NULL");
	if (st == NULL)
		goto fail;
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW) {
		found = alerts_kind_parse(db_col_text(st, 0), &kind);
		count = db_col_i64(st, 1);
	}
	db_done(st);
	if (!found) {
		db_rollback(db);
		return 0;
	}
	st = db_prepare(db, "UPDATE security_alerts SET acknowledged_by = ?, acknowledged_at = ? WHERE id = ?");
	if (st == NULL)
		goto fail;
	db_bind_str(st, 1, actor);
	db_bind_i64(st, 2, now);
	db_bind_i64(st, 3, id);
	if (db_run(st) != DB_DONE)
		goto fail;
	snprintf(target, sizeof(target), "security_alert:%" PRId64, id);
	snprintf(detail, sizeof(detail), "kind=%s count=%" PRId64, names[kind], count);
	{
		audit_entry_t e = { actor_id, actor, ip, "security.ack", target, detail };
		if (!audit_append(db, &e, now))
			goto fail;
	}
	if (!db_commit(db))
		goto fail;
	(void)audit_sync_head(db);
	return 1;
fail:
	db_rollback(db);
	return -1;
}

int64_t
alerts_prune(db_t *db, int64_t now)
{
	db_stmt_t *st = db_prepare(db, "DELETE FROM security_events WHERE at < ?");

	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, now - ALERTS_EVENT_KEEP_S);
	if (db_run(st) != DB_DONE)
		return -1;
	return db_changes(db);
}
