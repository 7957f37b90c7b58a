/* bulk.c - 一斉メール: selection, placeholders, the one-transaction send, unsubscribe tokens (bulk.h). */
#include "mail/bulk.h"
#include "auth/audit.h"
#include "auth/secret.h"
#include "core/arena.h"
#include "core/str.h"
#include "mail/mail.h"

#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PH_NAME  "{{氏名}}"
#define PH_LOGIN "{{ログインID}}"
#define TOKEN_PURPOSE "unsubscribe"

const char *
bulk_audience_name(bulk_audience_t a)
{
	return a == BULK_COMPANY ? "company" : "seeker";
}

const char *
bulk_audience_label(bulk_audience_t a)
{
	return a == BULK_COMPANY ? "企業" : "求職者";
}

static bulk_seeker_name_fn seeker_name;

void
bulk_set_seeker_name(bulk_seeker_name_fn fn)
{
	seeker_name = fn;
}

bool
bulk_recipient_name(db_t *db, int64_t account_id, char *buf, size_t n)
{
	db_stmt_t *st = db_prepare(db, "SELECT display_name, login, kind FROM accounts WHERE id = ?");
	char display[400] = "", login[64] = "", kind[16] = "";
	const char *name = display;
	size_t len;
	bool found;

	if (st == NULL || n == 0)
		return false;
	db_bind_i64(st, 1, account_id);
	found = db_step(st) == DB_ROW;
	if (found) {
		str_copy(display, sizeof(display), db_col_text(st, 0));
		str_copy(login, sizeof(login), db_col_text(st, 1));
		str_copy(kind, sizeof(kind), db_col_text(st, 2));
	}
	db_done(st);
	if (!found)
		return false;
	if (strcmp(kind, "seeker") == 0 && seeker_name != NULL) {
		/* a seeker's name is sealed (SEC06): opened by the app's function */
		arena_t A;
		const char *v;
		arena_init(&A, 1024, 1 << 16);
		v = seeker_name(db, &A, account_id);
		if (v == NULL) {
			arena_free(&A);
			return false;
		}
		if (v[0] != '\0')
			str_copy(display, sizeof(display), v);
		arena_free(&A);
	}
	if (name[0] == '\0')
		name = login;
	/* a name too long for buf is cut on a character boundary */
	len = strlen(name);
	if (len >= n) {
		len = n - 1;
		while (len > 0 && ((unsigned char)name[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(buf, name, len);
	buf[len] = '\0';
	return true;
}

/* Walks text's {{...}} marks: each known one is replaced (when out is not NULL); false on an unknown. */
static bool
walk(buf_t *out, const char *text, const bulk_recipient_t *rc, char *err, size_t errlen)
{
	const char *p = text, *open, *close;

	while ((open = strstr(p, "{{")) != NULL) {
		if (out != NULL && !buf_append(out, p, (size_t)(open - p)))
			return false;
		close = strstr(open + 2, "}}");
		if (close == NULL) {
			str_errf(err, errlen, "「{{」で始まる差し込み項目が「}}」で閉じられていません。使える差し込み項目は %s と %s です。",
			    PH_NAME, PH_LOGIN);
			return false;
		}
		close += 2;
		size_t n = (size_t)(close - open);
		if (n == strlen(PH_NAME) && memcmp(open, PH_NAME, n) == 0) {
			if (out != NULL && !buf_puts(out, rc->name))
				return false;
		} else if (n == strlen(PH_LOGIN) && memcmp(open, PH_LOGIN, n) == 0) {
			if (out != NULL && !buf_puts(out, rc->login))
				return false;
		} else {
			size_t show = str_utf8_prefix(open, n, 30);
			str_errf(err, errlen, "「%.*s」は使えない差し込み項目です。使える差し込み項目は %s と %s です。",
			    (int)show, open, PH_NAME, PH_LOGIN);
			return false;
		}
		p = close;
	}
	return out == NULL || buf_puts(out, p);
}

bool
bulk_check_text(const char *text, bool subject, char *err, size_t errlen)
{
	size_t n = text != NULL ? strlen(text) : 0;
	const char *what = subject ? "件名" : "本文";

	if (n == 0) {
		str_errf(err, errlen, "%sを入力してください。", what);
		return false;
	}
	if (!str_utf8_valid(text, n, !subject)) {
		str_errf(err, errlen, subject ? "件名は改行や制御文字を含まない1行で入力してください。" :
		    "本文に使えない文字が含まれています。");
		return false;
	}
	if (str_utf8_len(text, n) > (subject ? BULK_SUBJECT_MAX : BULK_BODY_MAX)) {
		str_errf(err, errlen, "%sは%d文字以内で入力してください。", what, subject ? BULK_SUBJECT_MAX : BULK_BODY_MAX);
		return false;
	}
	return walk(NULL, text, NULL, err, errlen);
}

bool
bulk_render(buf_t *out, const char *text, const bulk_recipient_t *rc, char *err, size_t errlen)
{
	return walk(out, text, rc, err, errlen);
}

/* HMAC-SHA256 of "unsubscribe:<id>" under a key derived from the CSRF secret for this use only */
static void
token_mac(int64_t account_id, unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
	unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
	char msg[64];
	int n = snprintf(msg, sizeof(msg), TOKEN_PURPOSE ":%" PRId64, account_id);

	crypto_kdf_derive_from_key(key, sizeof(key), 2, "bulkmail", secret_get(SECRET_CSRF));
	crypto_auth_hmacsha256(mac, (const unsigned char *)msg, (unsigned long long)n, key);
	sodium_memzero(key, sizeof(key));
}

void
bulk_token_make(int64_t account_id, char out[BULK_TOKEN_MAX + 1])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char hex[2 * sizeof(mac) + 1];

	token_mac(account_id, mac);
	str_hex(hex, mac, sizeof(mac));
	snprintf(out, BULK_TOKEN_MAX + 1, "%" PRId64 ".%s", account_id, hex);
}

bool
bulk_token_verify(const char *token, int64_t *account_id)
{
	char idpart[24], want[BULK_TOKEN_MAX + 1];
	const char *dot;
	size_t n;
	int64_t id;

	if (token == NULL || strlen(token) > BULK_TOKEN_MAX || (dot = strchr(token, '.')) == NULL)
		return false;
	n = (size_t)(dot - token);
	if (n == 0 || n >= sizeof(idpart))
		return false;
	memcpy(idpart, token, n);
	idpart[n] = '\0';
	if (!str_to_i64(idpart, 1, INT64_MAX, &id))
		return false;
	bulk_token_make(id, want);
	if (strlen(want) != strlen(token) || sodium_memcmp(want, token, strlen(want)) != 0)
		return false;
	*account_id = id;
	return true;
}

bool
bulk_unsubscribe_url(buf_t *out, const char *base_url, int64_t account_id)
{
	char token[BULK_TOKEN_MAX + 1];
	size_t bl = strlen(base_url);

	while (bl > 0 && base_url[bl - 1] == '/')
		bl--;
	bulk_token_make(account_id, token);
	return buf_printf(out, "%.*s/unsubscribe?t=%s", (int)bl, base_url, token);
}

bool
bulk_footer(buf_t *out, const char *base_url, int64_t account_id)
{
	return buf_puts(out, "\n\n--\n"
	           "このメールは、会員登録の際にお知らせメールの受け取りを承諾された方にお送りしています。\n"
	           "今後の受け取りを希望されない場合は、次のページで配信を停止できます。\n") &&
	    bulk_unsubscribe_url(out, base_url, account_id) && buf_putc(out, '\n');
}

static const char SQL_SEEKERS[] =
    "SELECT a.id, a.login, a.email FROM accounts a JOIN seekers s ON s.account_id = a.id "
    "WHERE a.kind = 'seeker' AND a.status = 'active' AND s.mail_ok = 1 AND s.held = 0 AND a.id > ?1 "
    "AND (?2 = '' OR s.target = ?2) AND (?3 = 0 OR a.created_at >= ?3) AND (?4 = 0 OR a.created_at < ?4) "
    "AND (?5 = '' OR instr(lower(a.login), lower(?5)) > 0 OR instr(a.display_name, ?5) > 0) "
    "ORDER BY a.id";
static const char SQL_COMPANIES[] =
    "SELECT a.id, a.login, a.email FROM accounts a JOIN company_accounts c ON c.account_id = a.id "
    "JOIN entities e ON e.id = c.entity_id "
    "WHERE a.kind = 'company' AND a.status = 'active' AND c.mail_ok = 1 AND c.held = 0 AND a.id > ?1 "
    "AND (?2 = 0 OR EXISTS (SELECT 1 FROM entity_terms et WHERE et.entity_id = e.id AND et.term_id = ?2)) "
    "AND (?3 = 0 OR EXISTS (SELECT 1 FROM entity_terms et JOIN terms t ON t.id = et.term_id "
    "    WHERE et.entity_id = e.id AND (t.id = ?3 OR t.parent_id = ?3))) "
    "AND (?4 = '' OR e.status = ?4) "
    "AND (?5 = '' OR instr(lower(a.login), lower(?5)) > 0 OR instr(a.display_name, ?5) > 0 OR instr(e.title, ?5) > 0) "
    "ORDER BY a.id";

static db_stmt_t *
select_stmt(db_t *db, const bulk_filter_t *f, int64_t after)
{
	db_stmt_t *st = db_prepare(db, f->audience == BULK_COMPANY ? SQL_COMPANIES : SQL_SEEKERS);

	if (st == NULL)
		return NULL;
	db_bind_i64(st, 1, after);
	if (f->audience == BULK_COMPANY) {
		db_bind_i64(st, 2, f->industry);
		db_bind_i64(st, 3, f->area);
		db_bind_str(st, 4, f->listing);
	} else {
		db_bind_str(st, 2, f->target);
		db_bind_i64(st, 3, f->from);
		db_bind_i64(st, 4, f->until);
	}
	db_bind_str(st, 5, f->keyword);
	return st;
}

int
bulk_select(db_t *db, const bulk_filter_t *f, int64_t after, bulk_recipient_t *out, int max)
{
	db_stmt_t *st = select_stmt(db, f, after);
	int n = 0;

	if (st == NULL)
		return -1;
	while (n < max && db_step(st) == DB_ROW) {
		bulk_recipient_t *rc = &out[n];
		if (!str_email_valid(db_col_text(st, 2)))
			continue;
		rc->account_id = db_col_i64(st, 0);
		if (!str_copy(rc->login, sizeof(rc->login), db_col_text(st, 1)) ||
		    !str_copy(rc->email, sizeof(rc->email), db_col_text(st, 2)))
			continue;
		n++;
	}
	db_done(st);
	for (int i = 0; i < n; i++)
		if (!bulk_recipient_name(db, out[i].account_id, out[i].name, sizeof(out[i].name)))
			return -1;
	return n;
}

int64_t
bulk_count(db_t *db, const bulk_filter_t *f, int64_t cap)
{
	db_stmt_t *st = select_stmt(db, f, 0);
	int64_t n = 0;

	if (st == NULL)
		return -1;
	while (n <= cap && db_step(st) == DB_ROW)
		if (str_email_valid(db_col_text(st, 2)))
			n++;
	db_done(st);
	return n;
}

char *
bulk_filter_json(const bulk_filter_t *f)
{
	json_t *o = json_object();
	char *s;

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "audience", json_string(bulk_audience_name(f->audience)));
	if (f->keyword[0])
		json_object_set_new(o, "keyword", json_string(f->keyword));
	if (f->audience == BULK_SEEKER) {
		if (f->target[0])
			json_object_set_new(o, "target", json_string(f->target));
		if (f->from)
			json_object_set_new(o, "from", json_integer(f->from));
		if (f->until)
			json_object_set_new(o, "until", json_integer(f->until));
	} else {
		if (f->industry)
			json_object_set_new(o, "industry", json_integer(f->industry));
		if (f->area)
			json_object_set_new(o, "area", json_integer(f->area));
		if (f->listing[0])
			json_object_set_new(o, "listing", json_string(f->listing));
	}
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

/* Subject and body for rc, NUL-terminated in subj and body (freed by the caller). */
static bool
compose(const bulk_send_req_t *q, const bulk_recipient_t *rc, const char *prefix, buf_t *subj, buf_t *body,
    char *err, size_t errlen)
{
	return buf_puts(subj, prefix) && bulk_render(subj, q->subject, rc, err, errlen) && buf_putc(subj, '\0') &&
	    bulk_render(body, q->body, rc, err, errlen) && bulk_footer(body, q->base_url, rc->account_id) &&
	    buf_putc(body, '\0');
}

static bool
enqueue_one(db_t *db, const bulk_send_req_t *q, const bulk_recipient_t *rc, const char *prefix, int64_t *outbox_id,
    char *err, size_t errlen)
{
	buf_t subj, body, url;
	mail_msg_t m = { 0 };
	bool ok;

	buf_init(&subj);
	buf_init(&body);
	buf_init(&url);
	ok = compose(q, rc, prefix, &subj, &body, err, errlen);
	/* the same page as the footer's link, for the mail program's own unsubscribe button (RFC 8058) */
	if (ok && (!bulk_unsubscribe_url(&url, q->base_url, rc->account_id) || !buf_putc(&url, '\0'))) {
		str_errf(err, errlen, "メールを組み立てるメモリが足りません。");
		ok = false;
	}
	if (ok) {
		m.kind = "bulk";
		m.to = rc->email;
		m.subject = subj.data;
		m.body = body.data;
		m.unsubscribe = mail_url_ok(url.data) ? url.data : NULL;  /* a base_url that is no URL: the footer only */
		ok = mail_enqueue(db, &m, q->now, outbox_id, err, errlen);
	}
	buf_free(&subj);
	buf_free(&body);
	buf_free(&url);
	return ok;
}

static bool
texts_ok(const bulk_send_req_t *q, char *err, size_t errlen)
{
	return bulk_check_text(q->subject, true, err, errlen) && bulk_check_text(q->body, false, err, errlen);
}

bulk_result_t
bulk_send(db_t *db, const bulk_send_req_t *q, int64_t *bulk_id, int64_t *count, char *err, size_t errlen)
{
	bulk_recipient_t *list = NULL;
	bulk_result_t res = BULK_ERROR;
	db_stmt_t *st = NULL;
	char *fjson = NULL, target[48], detail[1200];
	audit_entry_t e = { q->actor->id, q->actor->login, q->ip, "bulk_mail.send", target, detail };
	int n;

	if (!texts_ok(q, err, errlen))
		return BULK_INVALID;
	list = calloc(BULK_MAX_RECIPIENTS + 1, sizeof(*list));
	fjson = bulk_filter_json(q->filter);
	if (list == NULL || fjson == NULL) {
		free(list);
		free(fjson);
		return BULK_ERROR;
	}
	if (!db_begin_write(db))
		goto done;
	n = bulk_select(db, q->filter, 0, list, BULK_MAX_RECIPIENTS + 1);
	if (n < 0)
		goto fail;
	if (n == 0) {
		str_errf(err, errlen, "条件に合う送信先がありません。");
		res = BULK_INVALID;
		goto fail;
	}
	if (n > BULK_MAX_RECIPIENTS) {
		str_errf(err, errlen, "一度に送信できるのは%d件までです。条件を絞り込んでください。", BULK_MAX_RECIPIENTS);
		res = BULK_INVALID;
		goto fail;
	}
	if (q->expect != n) {
		str_errf(err, errlen, "送信先の件数が確認した時と変わりました（現在%d件）。件数を確かめて、もう一度送信してください。", n);
		res = BULK_INVALID;
		goto fail;
	}
	st = db_prepare(db, "INSERT INTO bulk_mails (audience, filter, subject, body, created_by, department_id, "
	    "created_at, recipients) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		goto fail;
	db_bind_str(st, 1, bulk_audience_name(q->filter->audience));
	db_bind_str(st, 2, fjson);
	db_bind_str(st, 3, q->subject);
	db_bind_str(st, 4, q->body);
	db_bind_i64(st, 5, q->actor->id);
	if (q->actor->department_id > 0)
		db_bind_i64(st, 6, q->actor->department_id);
	else
		db_bind_null(st, 6);
	db_bind_i64(st, 7, q->now);
	db_bind_i64(st, 8, n);
	if (db_run(st) != DB_DONE)
		goto fail;
	*bulk_id = db_last_id(db);
	for (int i = 0; i < n; i++) {
		int64_t oid;
		if (!enqueue_one(db, q, &list[i], "", &oid, err, errlen)) {
			/* a message that cannot be sent (a name that breaks the subject ...) stops the whole send */
			char why[300];
			str_copy(why, sizeof(why), err);
			str_errf(err, errlen, "%sさん（ログインID %s）あてのメールを作れませんでした: %s", bulk_audience_label(q->filter->audience),
			    list[i].login, why);
			res = BULK_INVALID;
			goto fail;
		}
		st = db_prepare(db, "INSERT INTO bulk_mail_recipients (bulk_id, account_id, outbox_id) VALUES (?, ?, ?)");
		if (st == NULL)
			goto fail;
		db_bind_i64(st, 1, *bulk_id);
		db_bind_i64(st, 2, list[i].account_id);
		db_bind_i64(st, 3, oid);
		if (db_run(st) != DB_DONE)
			goto fail;
	}
	snprintf(target, sizeof(target), "bulk_mail:%" PRId64, *bulk_id);
	snprintf(detail, sizeof(detail), "audience=%s count=%d filter=%.1000s", bulk_audience_name(q->filter->audience), n, fjson);
	if (!audit_append(db, &e, q->now) || !db_commit(db))
		goto fail;
	(void)audit_sync_head(db);
	*count = n;
	res = BULK_OK;
	goto done;
fail:
	db_rollback(db);
done:
	free(list);
	free(fjson);
	return res;
}

bulk_result_t
bulk_test_send(db_t *db, const bulk_send_req_t *q, char *err, size_t errlen)
{
	bulk_recipient_t me = { 0 };
	char target[48];
	audit_entry_t e = { q->actor->id, q->actor->login, q->ip, "bulk_mail.test", target, "test to own address" };
	int64_t oid;

	if (!texts_ok(q, err, errlen))
		return BULK_INVALID;
	if (!str_email_valid(q->actor->email)) {
		str_errf(err, errlen, "ご自分のメールアドレスが登録されていないため、テスト送信できません。");
		return BULK_INVALID;
	}
	me.account_id = q->actor->id;
	str_copy(me.login, sizeof(me.login), q->actor->login);
	str_copy(me.email, sizeof(me.email), q->actor->email);
	if (!bulk_recipient_name(db, me.account_id, me.name, sizeof(me.name)))
		return BULK_ERROR;
	snprintf(target, sizeof(target), "account:%" PRId64, q->actor->id);
	if (!db_begin_write(db))
		return BULK_ERROR;
	if (!enqueue_one(db, q, &me, "【テスト】", &oid, err, errlen)) {
		db_rollback(db);
		return BULK_INVALID;
	}
	if (!audit_append(db, &e, q->now) || !db_commit(db)) {
		db_rollback(db);
		return BULK_ERROR;
	}
	(void)audit_sync_head(db);
	return BULK_OK;
}

bool
bulk_unsubscribe(db_t *db, int64_t account_id, const char *ip, int64_t now)
{
	char target[48], login[LOGIN_MAX + 1] = "";
	audit_entry_t e = { account_id, login, ip, "member.unsubscribe", target, "mail_ok=0" };
	db_stmt_t *st;
	bool ok;

	st = db_prepare(db, "SELECT login FROM accounts WHERE id = ?");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, account_id);
	if (db_step(st) == DB_ROW)
		str_copy(login, sizeof(login), db_col_text(st, 0));
	db_done(st);
	snprintf(target, sizeof(target), "account:%" PRId64, account_id);
	if (!db_begin_write(db))
		return false;
	st = db_prepare(db, "UPDATE seekers SET mail_ok = 0, updated_at = ? WHERE account_id = ?");
	ok = st != NULL;
	if (ok) {
		db_bind_i64(st, 1, now);
		db_bind_i64(st, 2, account_id);
		ok = db_run(st) == DB_DONE;
	}
	if (ok) {
		st = db_prepare(db, "UPDATE company_accounts SET mail_ok = 0 WHERE account_id = ?");
		ok = st != NULL;
		if (ok) {
			db_bind_i64(st, 1, account_id);
			ok = db_run(st) == DB_DONE;
		}
	}
	if (!ok || !audit_append(db, &e, now) || !db_commit(db)) {
		db_rollback(db);
		return false;
	}
	(void)audit_sync_head(db);
	return true;
}

void
bulk_mask_email(const char *email, char *out, size_t n)
{
	const char *at = strchr(email, '@');
	size_t keep;

	if (n == 0)
		return;
	if (at == NULL) {
		snprintf(out, n, "***");
		return;
	}
	keep = (size_t)(at - email) > 2 ? 2 : 1;
	snprintf(out, n, "%.*s***%s", (int)keep, email, at);
}
