/*
 * outbox.c - the outbox table: queueing, claiming with a lease, and the outcome of each attempt.
 *
 * A row is 'queued' until a sender claims it ('sending', attempts + 1, lease_until = now + MAIL_LEASE_S)
 * in a short write transaction; delivery happens outside any transaction; the outcome is written only
 * if the row still carries the same claim (status 'sending' and the same attempts), so a sender whose
 * lease ran out and was overtaken by another cannot overwrite the newer outcome. A claimed row nobody
 * marks goes back to 'queued' when its lease expires: at least once, never lost.
 */
#include "mail/mail.h"
#include "mail/mail_int.h"
#include "core/log.h"
#include "core/str.h"

#include <stdlib.h>
#include <string.h>

#define ERR_MAX 512

/* One outbox row, copied out of the statement (its text dies at the next step). */
struct row {
	mail_msg_t m;
	int64_t    created_at;
	char      *message_id;
	char      *kind, *to, *subject, *body, *att_name, *att_mime, *unsubscribe;
	void      *att_data;
};

bool
mail_enqueue(db_t *db, const mail_msg_t *m, int64_t now, int64_t *id_out, char *err, size_t errlen)
{
	db_stmt_t *st;

	if (!mail_check(m, err, errlen))
		return false;
	st = db_prepare(db, "INSERT INTO outbox (created_at, kind, to_addr, subject, body, att_name, att_mime, "
	    "att_data, next_attempt_at, list_unsubscribe) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		goto fail;
	db_bind_i64(st, 1, now);
	db_bind_str(st, 2, m->kind);
	db_bind_str(st, 3, m->to);
	db_bind_str(st, 4, m->subject);
	db_bind_str(st, 5, m->body);
	db_bind_str(st, 6, m->att_name);
	db_bind_str(st, 7, m->att_name != NULL ? m->att_mime : NULL);
	if (m->att_name != NULL)
		db_bind_blob(st, 8, m->att_data, m->att_len);
	else
		db_bind_null(st, 8);
	db_bind_i64(st, 9, now);
	db_bind_str(st, 10, m->unsubscribe);
	if (db_run(st) != DB_DONE)
		goto fail;
	if (id_out != NULL)
		*id_out = db_last_id(db);
	/* inside a transaction the row is not visible to the sender yet; the caller wakes it after commit */
	if (!db_in_transaction(db))
		mail_wake();
	return true;
fail:
	log_error("mail: cannot queue a %s message: %s", m->kind, db_errmsg(db));
	str_errf(err, errlen, "メールを送信待ちにできませんでした。");
	return false;
}

int64_t
mail_backoff_s(int attempts)
{
	int64_t s = MAIL_BACKOFF_FIRST_S;
	int i;

	for (i = 1; i < attempts && s < MAIL_BACKOFF_MAX_S; i++)
		s *= 2;
	return s < MAIL_BACKOFF_MAX_S ? s : MAIL_BACKOFF_MAX_S;
}

/* The next due row and its attempts so far; 0 when none. */
static int64_t
next_due(db_t *db, int64_t now, int *attempts)
{
	db_stmt_t *st = db_prepare(db, "SELECT id, attempts FROM outbox WHERE status = 'queued' AND "
	    "next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1");
	int64_t id = 0;
	int rc;

	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, now);
	rc = db_step(st);
	if (rc == DB_ROW) {
		id = db_col_i64(st, 0);
		*attempts = (int)db_col_i64(st, 1);
	}
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? id : -1;
}

static bool
take(db_t *db, int64_t id, int64_t now, const char *msgid)
{
	db_stmt_t *st = db_prepare(db, "UPDATE outbox SET status = 'sending', attempts = attempts + 1, "
	    "lease_until = ?, message_id = COALESCE(message_id, ?) WHERE id = ? AND status = 'queued'");

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, now + MAIL_LEASE_S);
	db_bind_str(st, 2, msgid);
	db_bind_i64(st, 3, id);
	return db_run(st) == DB_DONE && db_changes(db) == 1;
}

int64_t
mail_claim(db_t *db, int64_t now, const char *from, int *attempts)
{
	char msgid[MAIL_MSGID_MAX];
	int64_t id;
	int before = 0;

	/* the claim must commit on its own, before the slow part: never inside a caller's transaction */
	if (db_in_transaction(db) || !mail_message_id(msgid, sizeof(msgid), from))
		return -1;
	if (!db_begin_write(db))
		return -1;
	id = next_due(db, now, &before);
	if (id < 0 || (id > 0 && !take(db, id, now, msgid)) || !db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	*attempts = before + 1;
	return id;
}

int64_t
mail_release_expired(db_t *db, int64_t now, int max_attempts)
{
	db_stmt_t *st = db_prepare(db, "UPDATE outbox SET status = CASE WHEN attempts >= ? THEN 'failed' "
	    "ELSE 'queued' END, lease_until = NULL, last_error = 'lease expired: the sender stopped during delivery' "
	    "WHERE status = 'sending' AND lease_until <= ?");

	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, max_attempts);
	db_bind_i64(st, 2, now);
	if (db_run(st) != DB_DONE)
		return -1;
	return db_changes(db);
}

int64_t
mail_count(db_t *db, const char *status)
{
	db_stmt_t *st = db_prepare(db, "SELECT COUNT(*) FROM outbox WHERE status = ?");
	int64_t n = -1;

	if (st == NULL)
		return -1;
	db_bind_str(st, 1, status);
	if (db_step(st) == DB_ROW)
		n = db_col_i64(st, 0);
	db_done(st);
	return n;
}

static void
row_free(struct row *r)
{
	free(r->kind);
	free(r->to);
	free(r->subject);
	free(r->body);
	free(r->att_name);
	free(r->att_mime);
	free(r->att_data);
	free(r->message_id);
	free(r->unsubscribe);
	memset(r, 0, sizeof(*r));
}

static char *
col_dup(db_stmt_t *st, int i)
{
	return db_col_null(st, i) ? NULL : strndup(db_col_text(st, i), db_col_len(st, i));
}

static bool
row_copy(db_stmt_t *st, struct row *r)
{
	size_t n = db_col_len(st, 6);

	r->kind = col_dup(st, 0);
	r->to = col_dup(st, 1);
	r->subject = col_dup(st, 2);
	r->body = col_dup(st, 3);
	r->att_name = col_dup(st, 4);
	r->att_mime = col_dup(st, 5);
	if (!db_col_null(st, 6) && n > 0 && (r->att_data = malloc(n)) != NULL)
		memcpy(r->att_data, db_col_blob(st, 6), n);
	r->created_at = db_col_i64(st, 7);
	r->message_id = col_dup(st, 8);
	r->unsubscribe = col_dup(st, 9);
	r->m = (mail_msg_t){ r->kind, r->to, r->subject, r->body, r->att_name, r->att_mime, r->att_data,
		r->att_data != NULL ? n : 0, r->unsubscribe };
	return r->kind != NULL && r->to != NULL && r->subject != NULL && r->body != NULL &&
	    r->message_id != NULL && (db_col_null(st, 4) || (r->att_name != NULL && r->att_data != NULL)) &&
	    (db_col_null(st, 9) || r->unsubscribe != NULL);
}

static bool
row_load(db_t *db, int64_t id, struct row *r)
{
	db_stmt_t *st = db_prepare(db, "SELECT kind, to_addr, subject, body, att_name, att_mime, att_data, "
	    "created_at, message_id, list_unsubscribe FROM outbox WHERE id = ?");
	bool ok = false;

	memset(r, 0, sizeof(*r));
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW)
		ok = row_copy(st, r);
	db_done(st);
	if (!ok)
		row_free(r);
	return ok;
}

static bool
mark_sent(db_t *db, int64_t id, int attempts, int64_t now)
{
	db_stmt_t *st = db_prepare(db, "UPDATE outbox SET status = 'sent', sent_at = ?, lease_until = NULL, "
	    "last_error = NULL WHERE id = ? AND status = 'sending' AND attempts = ?");

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, now);
	db_bind_i64(st, 2, id);
	db_bind_i64(st, 3, attempts);
	return db_run(st) == DB_DONE;
}

/* A failed attempt: queued again after the back-off, or failed for good when it was the last one. */
static bool
mark_failed(db_t *db, int64_t id, int attempts, int64_t now, bool final, const char *why)
{
	db_stmt_t *st = db_prepare(db, "UPDATE outbox SET status = ?, next_attempt_at = ?, lease_until = NULL, "
	    "last_error = ? WHERE id = ? AND status = 'sending' AND attempts = ?");

	if (st == NULL)
		return false;
	db_bind_str(st, 1, final ? "failed" : "queued");
	db_bind_i64(st, 2, now + (final ? 0 : mail_backoff_s(attempts)));
	db_bind_str(st, 3, why);
	db_bind_i64(st, 4, id);
	db_bind_i64(st, 5, attempts);
	return db_run(st) == DB_DONE;
}

/* Builds and delivers one claimed row, then records the outcome. Returns the smtp result, or -1 on a
 * database error. Bodies are personal data: the log gets the id, kind and error, never the text. */
static int
send_one(db_t *db, const config_t *c, smtp_t *s, int64_t id, int attempts, int64_t now, mail_round_t *r)
{
	char err[ERR_MAX] = "";
	struct row row;
	buf_t msg = BUF_INIT;
	mail_head_t h;
	int rc = SMTP_FAILED;
	bool final, ok;

	if (!row_load(db, id, &row))
		return -1;
	h = (mail_head_t){ c->mail_from, c->mail_from_name, row.message_id, row.created_at };
	/* a row that cannot be built never will be: it fails at once instead of being retried */
	if (!mail_build(&msg, &row.m, &h, err, sizeof(err)))
		final = true;
	else {
		rc = mail_smtp_send(s, row.to, msg.data, msg.len, err, sizeof(err));
		final = attempts >= c->mail_max_attempts;
	}
	if (rc == SMTP_OK) {
		ok = mark_sent(db, id, attempts, now);
		log_info("mail: %lld (%s) sent", (long long)id, row.kind);
		r->sent++;
	} else {
		ok = mark_failed(db, id, attempts, now, final, err);
		log_error("mail: %lld (%s) attempt %d failed%s: %s", (long long)id, row.kind, attempts,
		    final ? " for good" : ", will retry", err);
		if (final)
			r->failed++;
		else
			r->retried++;
	}
	buf_free(&msg);
	row_free(&row);
	return ok ? rc : -1;
}

bool
mail_configured(const config_t *c, char *why, size_t whylen)
{
	char id[MAIL_MSGID_MAX];

	if (c->mail_smtp_url[0] == '\0') {
		str_errf(why, whylen, "no [mail] smtp_url (or TSUNAGU_SMTP_URL) is set");
		return false;
	}
	if (!str_email_valid(c->mail_from)) {
		str_errf(why, whylen, "no [mail] from (or TSUNAGU_MAIL_FROM) address is set");
		return false;
	}
	if (!mail_message_id(id, sizeof(id), c->mail_from)) {
		str_errf(why, whylen, "the domain of [mail] from is too long for a Message-ID");
		return false;
	}
	return true;
}

int
mail_send_due(db_t *db, const config_t *c, int64_t now, int max, mail_round_t *r)
{
	mail_round_t local = { 0, 0, 0 };
	smtp_t *s;
	int n = 0, rc = 0, attempts = 0;
	int64_t id;

	if (r == NULL)
		r = &local;
	*r = local;
	if (!mail_configured(c, NULL, 0))
		return 0;
	if (mail_release_expired(db, now, c->mail_max_attempts) < 0)
		return -1;
	if ((s = mail_smtp_open(c)) == NULL)
		return 0;
	/* one claim at a time, so a second sender (another process running tick) shares the work */
	while (n < max && !mail_stopping()) {
		if ((id = mail_claim(db, now, c->mail_from, &attempts)) <= 0) {
			rc = id < 0 ? -1 : 0;
			break;
		}
		n++;
		rc = send_one(db, c, s, id, attempts, now, r);
		if (rc < 0 || rc == SMTP_UNREACHABLE)
			break; /* the others would fail the same way; they stay queued, untouched */
	}
	mail_smtp_close(s);
	return rc < 0 ? -1 : n;
}
