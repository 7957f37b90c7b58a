/* consult.c - mail consultation threads and messages (consult.h). */
#include "app/consult.h"
#include "auth/audit.h"
#include "auth/seal.h"
#include "auth/policy.h"
#include "core/str.h"
#include "mail/mail.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define MSG_DB "処理中にエラーが発生しました。時間をおいてもう一度お試しください。"

/* Only spaces (ASCII, tab, U+3000 IDEOGRAPHIC SPACE) and line breaks. */
static bool
blank(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		else if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
			p += 3;
		else
			return false;
	}
	return true;
}

/* A C0 control other than those allowed, or DEL. */
static bool
has_control(const char *s, bool newlines)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\t' || (newlines && (*p == '\r' || *p == '\n')))
			continue;
		if (*p < 0x20 || *p == 0x7f)
			return true;
	}
	return false;
}

bool
consult_subject_check(const char *s, char *err, size_t errlen)
{
	size_t n, chars;

	if (s == NULL || blank(s)) {
		str_errf(err, errlen, "件名を入力してください。");
		return false;
	}
	n = strlen(s);
	if (strchr(s, '\r') != NULL || strchr(s, '\n') != NULL) {
		str_errf(err, errlen, "件名は1行で入力してください（改行は使えません）。");
		return false;
	}
	if (!str_utf8_valid(s, n, true) || has_control(s, false)) {
		str_errf(err, errlen, "件名に使えない文字が含まれています。");
		return false;
	}
	chars = str_utf8_len(s, n);
	if (chars > CONSULT_SUBJECT_MAX) {
		str_errf(err, errlen, "件名は%d文字以内で入力してください（現在%zu文字）。", CONSULT_SUBJECT_MAX, chars);
		return false;
	}
	return true;
}

bool
consult_body_check(const char *s, char *err, size_t errlen)
{
	size_t n, chars = 0;

	if (s == NULL || blank(s)) {
		str_errf(err, errlen, "相談内容を入力してください。");
		return false;
	}
	n = strlen(s);
	if (!str_utf8_valid(s, n, true) || has_control(s, true)) {
		str_errf(err, errlen, "相談内容に使えない文字が含まれています。");
		return false;
	}
	/* a line break counts once, whether the browser sent CRLF or LF */
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && !(s[i] == '\n' && i > 0 && s[i - 1] == '\r'))
			chars++;
	if (chars > CONSULT_BODY_MAX) {
		str_errf(err, errlen, "相談内容は%d文字以内で入力してください（現在%zu文字）。", CONSULT_BODY_MAX, chars);
		return false;
	}
	return true;
}

char *
consult_body_normalise(arena_t *a, const char *s)
{
	size_t n = strlen(s), j = 0;
	char *out = arena_alloc(a, n + 1);

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r') {
			out[j++] = '\n';
			if (s[i + 1] == '\n')
				i++;
		} else {
			out[j++] = s[i];
		}
	}
	out[j] = '\0';
	return out;
}

bool
consult_staff_may_reply(const account_t *staff, const consult_t *c)
{
	/* the department rule (auth/policy.h): the prefecture, or an edit/admin of the thread's department */
	return staff != NULL && c != NULL && policy_can(staff, POLICY_UPDATE, POLICY_CONSULTATION, c->department_id);
}

/* The department that handles new consultations: the first employment-support department. */
static int64_t
handling_department(db_t *db)
{
	db_stmt_t *st = db_prepare(db, "SELECT id FROM departments WHERE kind = 'employment' ORDER BY id LIMIT 1");
	int64_t id = 0;

	if (st == NULL)
		return -1;
	if (db_step(st) == DB_ROW)
		id = db_col_i64(st, 0);
	db_done(st);
	return id;
}

/* Inserts a message with its body sealed under the new row's id (SEC06), in the caller's transaction. */
static bool
insert_message(db_t *db, int64_t cid, int64_t author, const char *kind, const char *body, int64_t now)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO consultation_messages (consultation_id, author_account_id, "
	    "author_kind, body, sealed, created_at) VALUES (?, ?, ?, X'', 1, ?)");
	arena_t A;
	int64_t id;
	bool ok;

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, cid);
	db_bind_i64(st, 2, author);
	db_bind_str(st, 3, kind);
	db_bind_i64(st, 4, now);
	if (db_run(st) != DB_DONE)
		return false;
	id = db_last_id(db);
	arena_init(&A, 4096, (size_t)1 << 20);
	st = db_prepare(db, "UPDATE consultation_messages SET body = ? WHERE id = ?");
	ok = st != NULL && seal_bind(st, 1, &A, "consultation_messages", "body", id, body);
	if (ok) {
		db_bind_i64(st, 2, id);
		ok = db_run(st) == DB_DONE;
	}
	arena_free(&A);
	return ok;
}

bool
consult_create(db_t *db, const account_t *seeker, const char *ip, const char *subject, const char *body, int64_t now,
    int64_t *id, char *err, size_t errlen)
{
	db_stmt_t *st;
	int64_t dept;

	if (strcmp(seeker->kind, "seeker") != 0) {
		str_errf(err, errlen, "メール相談は求職者の方のみご利用いただけます。");
		return false;
	}
	if (!consult_subject_check(subject, err, errlen) || !consult_body_check(body, err, errlen))
		return false;
	if (!db_begin_write(db))
		goto fail;
	dept = handling_department(db);
	if (dept < 0)
		goto fail;
	st = db_prepare(db, "INSERT INTO consultations (account_id, department_id, subject, sealed, status, created_at, "
	    "updated_at) VALUES (?, ?, X'', 1, 'open', ?, ?)");
	if (st == NULL)
		goto fail;
	db_bind_i64(st, 1, seeker->id);
	if (dept > 0)
		db_bind_i64(st, 2, dept);
	else
		db_bind_null(st, 2);
	db_bind_i64(st, 3, now);
	db_bind_i64(st, 4, now);
	if (db_run(st) != DB_DONE)
		goto fail;
	*id = db_last_id(db);
	{
		/* the subject is consultation text: sealed under the new row's id (SEC06) */
		arena_t A;
		bool ok;
		arena_init(&A, 4096, (size_t)1 << 20);
		st = db_prepare(db, "UPDATE consultations SET subject = ? WHERE id = ?");
		ok = st != NULL && seal_bind(st, 1, &A, "consultations", "subject", *id, subject);
		if (ok) {
			db_bind_i64(st, 2, *id);
			ok = db_run(st) == DB_DONE;
		}
		arena_free(&A);
		if (!ok)
			goto fail;
	}
	if (!insert_message(db, *id, seeker->id, "seeker", body, now))
		goto fail;
	{
		char target[48];
		audit_entry_t e = { seeker->id, seeker->login, ip ? ip : "", "consultation.create", target, "" };
		snprintf(target, sizeof(target), "consultation:%" PRId64, *id);
		if (!audit_append(db, &e, now) || !db_commit(db))
			goto fail;
	}
	audit_sync_head(db);
	return true;
fail:
	db_rollback(db);
	str_errf(err, errlen, "%s", MSG_DB);
	return false;
}

/* The columns every thread query selects, in the order read_thread reads them. */
#define THREAD_COLS \
	"c.id, c.account_id, COALESCE(c.department_id, 0), c.subject, c.status, c.created_at, c.updated_at, " \
	"COALESCE(c.last_staff_reply_at, 0), " \
	"(SELECT COUNT(*) FROM consultation_messages m WHERE m.consultation_id = c.id AND m.author_kind = 'staff' " \
	"AND m.read_at IS NULL), " \
	"(SELECT COUNT(*) FROM consultation_messages m WHERE m.consultation_id = c.id), " \
	"COALESCE((SELECT m.author_kind = 'seeker' FROM consultation_messages m WHERE m.consultation_id = c.id " \
	"ORDER BY m.id DESC LIMIT 1), 0), " \
	"COALESCE(NULLIF(a.display_name, ''), a.login), a.login, COALESCE(d.name, ''), c.sealed, s.name, " \
	"COALESCE(s.sealed, 0) "
#define THREAD_FROM \
	"FROM consultations c JOIN accounts a ON a.id = c.account_id LEFT JOIN seekers s ON s.account_id = c.account_id " \
	"LEFT JOIN departments d ON d.id = c.department_id "

static void
read_thread(db_stmt_t *st, consult_t *c)
{
	memset(c, 0, sizeof(*c));
	c->id = db_col_i64(st, 0);
	c->account_id = db_col_i64(st, 1);
	c->department_id = db_col_i64(st, 2);
	{
		/* sealed texts opened (SEC06); a value that does not open shows as such, never as ciphertext */
		arena_t A;
		const char *subject, *name = NULL;
		arena_init(&A, 2048, (size_t)1 << 20);
		subject = db_col_i64(st, 14) ? seal_col(st, 3, &A, "consultations", "subject", c->id) : db_col_text(st, 3);
		str_copy(c->subject, sizeof(c->subject), subject == NULL ? "（復号できません）" : subject[0] ? subject : SEAL_DELETED);
		if (!db_col_null(st, 15))
			name = db_col_i64(st, 16) ? seal_col(st, 15, &A, "seekers", "name", c->account_id) : db_col_text(st, 15);
		str_copy(c->seeker_name, sizeof(c->seeker_name), name != NULL && name[0] ? name : db_col_text(st, 11));
		arena_free(&A);
	}
	c->closed = strcmp(db_col_text(st, 4), "closed") == 0;
	c->created_at = db_col_i64(st, 5);
	c->updated_at = db_col_i64(st, 6);
	c->last_staff_reply_at = db_col_i64(st, 7);
	c->unread = db_col_i64(st, 8);
	c->messages = db_col_i64(st, 9);
	c->awaiting_staff = !c->closed && db_col_i64(st, 10) != 0;
	str_copy(c->seeker_login, sizeof(c->seeker_login), db_col_text(st, 12));
	str_copy(c->department_name, sizeof(c->department_name), db_col_text(st, 13));
}

static int
get_thread(db_t *db, int64_t id, int64_t owner, consult_t *out)
{
	db_stmt_t *st = db_prepare(db, "SELECT " THREAD_COLS THREAD_FROM "WHERE c.id = ? AND (? = 0 OR c.account_id = ?)");
	int rc;

	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, id);
	db_bind_i64(st, 2, owner);
	db_bind_i64(st, 3, owner);
	rc = db_step(st);
	if (rc == DB_ROW)
		read_thread(st, out);
	db_done(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int
consult_get(db_t *db, int64_t id, consult_t *out)
{
	return get_thread(db, id, 0, out);
}

int
consult_get_owned(db_t *db, int64_t id, int64_t account_id, consult_t *out)
{
	if (account_id <= 0)
		return 0; /* never "any owner" */
	return get_thread(db, id, account_id, out);
}

bool
consult_messages(db_t *db, arena_t *a, int64_t id, consult_msg_t **out, size_t *n)
{
	db_stmt_t *st = db_prepare(db, "SELECT m.id, m.author_kind, COALESCE(NULLIF(a.display_name, ''), a.login, ''), "
	    "COALESCE(d.name, ''), m.body, m.created_at, COALESCE(m.read_at, 0), m.sealed FROM consultation_messages m "
	    "LEFT JOIN accounts a ON a.id = m.author_account_id LEFT JOIN departments d ON d.id = a.department_id "
	    "WHERE m.consultation_id = ? ORDER BY m.id");
	consult_msg_t *v = NULL;
	size_t cap = 0, k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, id);
	while ((rc = db_step(st)) == DB_ROW) {
		if (k == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			consult_msg_t *nv = arena_calloc(a, ncap, sizeof(*nv));
			if (nv == NULL)
				break;
			if (k)
				memcpy(nv, v, k * sizeof(*nv));
			v = nv;
			cap = ncap;
		}
		v[k].id = db_col_i64(st, 0);
		v[k].staff = strcmp(db_col_text(st, 1), "staff") == 0;
		v[k].author_name = arena_strdup(a, db_col_text(st, 2));
		v[k].author_department = arena_strdup(a, db_col_text(st, 3));
		v[k].body = db_col_i64(st, 7) ? seal_col(st, 4, a, "consultation_messages", "body", v[k].id) :
		    arena_strdup(a, db_col_text(st, 4));
		if (v[k].body != NULL && v[k].body[0] == '\0')
			v[k].body = SEAL_DELETED; /* erased (SEC09) */
		v[k].created_at = db_col_i64(st, 5);
		v[k].read_at = db_col_i64(st, 6);
		if (v[k].author_name == NULL || v[k].author_department == NULL || v[k].body == NULL)
			break;
		k++;
	}
	db_done(st);
	if (rc != DB_DONE)
		return false;
	*out = v;
	*n = k;
	return true;
}

bool
consult_mark_read(db_t *db, int64_t id, const char *reader, int64_t now)
{
	db_stmt_t *st = db_prepare(db, "UPDATE consultation_messages SET read_at = ? "
	    "WHERE consultation_id = ? AND author_kind = ? AND read_at IS NULL");

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, now);
	db_bind_i64(st, 2, id);
	db_bind_str(st, 3, strcmp(reader, "seeker") == 0 ? "staff" : "seeker");
	return db_run(st) == DB_DONE;
}

bool
consult_reply_seeker(db_t *db, const consult_t *c, const account_t *seeker, const char *body, int64_t now,
    char *err, size_t errlen)
{
	db_stmt_t *st;

	if (c->account_id != seeker->id) {
		str_errf(err, errlen, "この相談には返信できません。");
		return false;
	}
	if (!consult_body_check(body, err, errlen))
		return false;
	if (!db_begin_write(db))
		goto fail;
	/* the seeker writing again means the matter is not settled: a closed thread opens again */
	st = db_prepare(db, "UPDATE consultations SET updated_at = ?, status = 'open' WHERE id = ? AND account_id = ?");
	if (st == NULL)
		goto fail;
	db_bind_i64(st, 1, now);
	db_bind_i64(st, 2, c->id);
	db_bind_i64(st, 3, seeker->id);
	if (db_run(st) != DB_DONE || db_changes(db) != 1)
		goto fail;
	if (!insert_message(db, c->id, seeker->id, "seeker", body, now) || !db_commit(db))
		goto fail;
	return true;
fail:
	db_rollback(db);
	str_errf(err, errlen, "%s", MSG_DB);
	return false;
}

bool
consult_notice_compose(buf_t *out, const char *site_name, const char *url)
{
	buf_printf(out,
	    "%s をご利用いただきありがとうございます。\n"
	    "\n"
	    "メール相談に、担当者から返信がありました。\n"
	    "返信の内容は、ログインしてマイページの「メール相談」でご確認ください。\n"
	    "\n"
	    "%s\n"
	    "\n"
	    "個人情報を守るため、このメールには相談の内容を記載していません。\n"
	    "このメールは送信専用のアドレスから送っています。このメールに返信されてもお答えできません。\n"
	    "お心当たりのない場合は、このメールを破棄してください。\n"
	    "\n"
	    "-- \n"
	    "%s\n",
	    site_name, url, site_name);
	return !out->oom;
}

bool
consult_reply_staff(db_t *db, const consult_t *c, const account_t *staff, const char *body,
    const char *site_name, const char *url, int64_t now, int64_t *mail_id, char *err, size_t errlen)
{
	account_t seeker;
	buf_t text = BUF_INIT;
	db_stmt_t *st;
	char merr[256];

	if (!consult_staff_may_reply(staff, c)) {
		str_errf(err, errlen, "この相談に返信する権限がありません。");
		return false;
	}
	if (!consult_body_check(body, err, errlen))
		return false;
	if (!account_get(db, c->account_id, &seeker) || !consult_notice_compose(&text, site_name, url)) {
		buf_free(&text);
		str_errf(err, errlen, "%s", MSG_DB);
		return false;
	}
	if (!db_begin_write(db))
		goto fail;
	st = db_prepare(db, "UPDATE consultations SET updated_at = ?, last_staff_reply_at = ? WHERE id = ?");
	if (st == NULL)
		goto fail;
	db_bind_i64(st, 1, now);
	db_bind_i64(st, 2, now);
	db_bind_i64(st, 3, c->id);
	if (db_run(st) != DB_DONE || db_changes(db) != 1 || !insert_message(db, c->id, staff->id, "staff", body, now))
		goto fail;
	{
		/* one recipient, fixed subject, a body of fixed text and the link (SEC04, SEC08) */
		mail_msg_t m = { "notice", seeker.email, CONSULT_NOTICE_SUBJECT, text.data, NULL, NULL, NULL, 0, NULL };
		if (!mail_enqueue(db, &m, now, mail_id, merr, sizeof(merr)))
			goto fail;
	}
	if (!db_commit(db))
		goto fail;
	buf_free(&text);
	return true;
fail:
	db_rollback(db);
	buf_free(&text);
	str_errf(err, errlen, "%s", MSG_DB);
	return false;
}

bool
consult_set_closed(db_t *db, int64_t id, bool closed, int64_t now)
{
	db_stmt_t *st = db_prepare(db, "UPDATE consultations SET status = ?, updated_at = ? WHERE id = ?");

	if (st == NULL)
		return false;
	db_bind_str(st, 1, closed ? "closed" : "open");
	db_bind_i64(st, 2, now);
	db_bind_i64(st, 3, id);
	return db_run(st) == DB_DONE && db_changes(db) == 1;
}

int64_t
consult_unread_total(db_t *db, int64_t account_id)
{
	db_stmt_t *st = db_prepare(db, "SELECT COUNT(*) FROM consultation_messages m JOIN consultations c "
	    "ON c.id = m.consultation_id WHERE c.account_id = ? AND m.author_kind = 'staff' AND m.read_at IS NULL");
	int64_t n = -1;

	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, account_id);
	if (db_step(st) == DB_ROW)
		n = db_col_i64(st, 0);
	db_done(st);
	return n;
}

static bool
collect(db_stmt_t *st, arena_t *a, size_t max, consult_t **out, size_t *n)
{
	consult_t *v = arena_calloc(a, max ? max : 1, sizeof(*v));
	size_t k = 0;
	int rc = DB_DONE;

	*out = v;
	*n = 0;
	if (v == NULL) {
		db_done(st);
		return false;
	}
	while (k < max && (rc = db_step(st)) == DB_ROW)
		read_thread(st, &v[k++]);
	if (k < max && rc != DB_DONE) {
		db_done(st);
		return false;
	}
	db_done(st);
	*n = k;
	return true;
}

bool
consult_list_seeker(db_t *db, arena_t *a, int64_t account_id, consult_t **out, size_t *n)
{
	db_stmt_t *st = db_prepare(db, "SELECT " THREAD_COLS THREAD_FROM "WHERE c.account_id = ? "
	    "ORDER BY c.updated_at DESC, c.id DESC LIMIT ?");

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, account_id);
	db_bind_i64(st, 2, CONSULT_SEEKER_LIST);
	return collect(st, a, CONSULT_SEEKER_LIST, out, n);
}

/* open and the newest message is the seeker's */
#define AWAITING_SQL "(? = 0 OR (c.status = 'open' AND (SELECT m.author_kind FROM consultation_messages m " \
	"WHERE m.consultation_id = c.id ORDER BY m.id DESC LIMIT 1) = 'seeker'))"

bool
consult_list_staff(db_t *db, arena_t *a, bool awaiting_only, int64_t page, consult_t **out, size_t *n,
    int64_t *total)
{
	db_stmt_t *st;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (page < 1)
		page = 1;
	st = db_prepare(db, "SELECT COUNT(*) FROM consultations c WHERE " AWAITING_SQL);
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, awaiting_only);
	if (db_step(st) != DB_ROW) {
		db_done(st);
		return false;
	}
	*total = db_col_i64(st, 0);
	db_done(st);
	st = db_prepare(db, "SELECT " THREAD_COLS THREAD_FROM "WHERE " AWAITING_SQL
	    " ORDER BY c.updated_at DESC, c.id DESC LIMIT ? OFFSET ?");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, awaiting_only);
	db_bind_i64(st, 2, CONSULT_STAFF_PAGE);
	db_bind_i64(st, 3, (page - 1) * CONSULT_STAFF_PAGE);
	return collect(st, a, CONSULT_STAFF_PAGE, out, n);
}
