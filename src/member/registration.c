/* registration.c - registration of job seekers and companies confirmed by e-mail (issue 5 item 3; G11, G21).
 * Tokens travel only in the mailed link; the table keeps their BLAKE2b hash (as session.c does). */
#include "member/member.h"
#include "auth/audit.h"
#include "auth/seal.h"
#include "member/records.h"
#include "auth/password.h"
#include "content/entity.h"
#include "core/buf.h"
#include "core/log.h"
#include "mail/mail.h"

#include <ctype.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOGIN_TRIES 20  /* random login IDs tried before giving up (10^8 of them per prefix) */

static const char MSG_DB[] = "処理中にエラーが発生しました。時間をおいて再度お試しください。";

void
member_token_new(char out[MEMBER_TOKEN_LEN + 1], unsigned char hash[32])
{
	unsigned char raw[MEMBER_TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, MEMBER_TOKEN_LEN + 1, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	crypto_generichash(hash, 32, (const unsigned char *)out, MEMBER_TOKEN_LEN, NULL, 0);
}

bool
member_token_hash(const char *token, unsigned char hash[32])
{
	size_t i;

	if (token == NULL || strlen(token) != MEMBER_TOKEN_LEN)
		return false;
	for (i = 0; i < MEMBER_TOKEN_LEN; i++) {
		char c = token[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	crypto_generichash(hash, 32, (const unsigned char *)token, MEMBER_TOKEN_LEN, NULL, 0);
	return true;
}

/* 1: taken, 0: free, -1: error. */
static int
login_taken(db_t *db, const char *login)
{
	char key[MEMBER_LOGIN_LEN + 1];
	db_stmt_t *st;
	size_t i;
	int rc;

	for (i = 0; login[i] && i < MEMBER_LOGIN_LEN; i++)
		key[i] = (char)tolower((unsigned char)login[i]);
	key[i] = '\0';
	st = db_prepare(db, "SELECT 1 FROM accounts WHERE login_key = ? UNION ALL SELECT 1 FROM registrations WHERE login = ?");
	if (st == NULL)
		return -1;
	db_bind_str(st, 1, key);
	db_bind_str(st, 2, login);
	rc = db_step(st);
	db_done(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

bool
member_login_new(db_t *db, char prefix, char out[MEMBER_LOGIN_LEN + 1])
{
	int t, rc;

	for (t = 0; t < LOGIN_TRIES; t++) {
		/* the first digit is never 0, so the ID keeps its length wherever it is written as a number */
		uint32_t n = 10000000u + randombytes_uniform(90000000u);
		snprintf(out, MEMBER_LOGIN_LEN + 1, "%c%08" PRIu32, prefix, n);
		rc = login_taken(db, out);
		if (rc == 0)
			return true;
		if (rc < 0)
			return false;
	}
	return false;
}

static const char *
kind_label(const char *kind)
{
	return strcmp(kind, "company") == 0 ? "企業登録" : "利用者登録";
}

static void
signature(buf_t *b, const member_site_t *site)
{
	buf_printf(b, "\n-- \n%s\nこのメールは送信専用のアドレスからお送りしています。ご返信いただいてもお答えできません。\n", site->name);
}

static bool
enqueue(db_t *db, const char *kind, const char *to, const char *subject, buf_t *body, int64_t now)
{
	mail_msg_t m = { kind, to, subject, body->data, NULL, NULL, NULL, 0, NULL };
	char err[256];
	int64_t id;

	if (body->oom) {
		log_error("member: mail body out of memory");
		return false;
	}
	if (!mail_enqueue(db, &m, now, &id, err, sizeof(err))) {
		log_error("member: mail not queued: %s", err);
		return false;
	}
	return true;
}

/* 1: an account of this kind has the address, 0: none, -1: error. */
static int
email_taken(db_t *db, const char *kind, const char *email)
{
	db_stmt_t *st = db_prepare(db, "SELECT 1 FROM accounts WHERE kind = ? AND lower(email) = lower(?) AND status <> 'deleted'");
	int rc;

	if (st == NULL)
		return -1;
	db_bind_str(st, 1, kind);
	db_bind_str(st, 2, email);
	rc = db_step(st);
	db_done(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

bool
member_register(db_t *db, const member_form_t *f, bool held, const char *ip, const member_site_t *site,
    int64_t now, member_reg_outcome_t *outcome, int64_t *reg_id)
{
	const char *kind = f->kind == MEMBER_COMPANY_REG ? "company" : "seeker";
	const char *email = member_form_value(f, "email");
	char token[MEMBER_TOKEN_LEN + 1], login[MEMBER_LOGIN_LEN + 1], subject[200];
	unsigned char h[32];
	char *json = NULL;
	buf_t body = BUF_INIT;
	db_stmt_t *st;
	int taken;
	bool ok = false;

	*reg_id = 0;
	if (f->kind != MEMBER_SEEKER_REG && f->kind != MEMBER_COMPANY_REG)
		return false;
	if (!db_begin_write(db))
		return false;
	{
		/* inside the transaction: no entry, no registration and no mail (SEC07) */
		audit_entry_t e = { 0, "anonymous", ip, "register.request", "", held ? "held" : "" };
		e.target = kind;
		if (!audit_append(db, &e, now))
			goto done;
	}
	if ((taken = email_taken(db, kind, email)) < 0)
		goto done;
	if (taken) {
		/* the screen says "sent" either way; only the owner of the address learns it is registered */
		*outcome = MEMBER_REG_DUPLICATE;
		snprintf(subject, sizeof(subject), "【%s】%sのお申し込みについて", site->name, kind_label(kind));
		buf_printf(&body, "%sの%sのお申し込みがありましたが、このメールアドレスはすでに登録されています。\n\n"
		    "ログインIDをお忘れの場合は、登録時にお送りした「ログインIDのお知らせ」のメールをご確認いただくか、"
		    "%sまでお問い合わせください。\n"
		    "パスワードをお忘れの場合は、次のページから再設定できます。\n%s\n\n"
		    "このお申し込みに心当たりがない場合は、このメールを削除してください。\n",
		    site->name, kind_label(kind), site->name, site->forgot_url);
		signature(&body, site);
		if (!enqueue(db, "confirm", email, subject, &body, now))
			goto done;
		ok = db_commit(db);
		goto done;
	}
	*outcome = MEMBER_REG_SENT;
	if (!member_login_new(db, f->kind == MEMBER_COMPANY_REG ? 'C' : 'J', login) || (json = member_form_json(f)) == NULL)
		goto done;
	member_token_new(token, h);
	st = db_prepare(db, "INSERT INTO registrations (token_hash, kind, email, login, form_json, held, ip, created_at, "
	    "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		goto done;
	db_bind_blob(st, 1, h, sizeof(h));
	db_bind_str(st, 2, kind);
	db_bind_str(st, 3, email);
	db_bind_str(st, 4, login);
	db_bind_blob(st, 5, "", 0); /* sealed below, once the row id (its associated data) exists */
	db_bind_i64(st, 6, held ? 1 : 0);
	db_bind_str(st, 7, ip ? ip : "");
	db_bind_i64(st, 8, now);
	db_bind_i64(st, 9, now + MEMBER_REG_TTL_S);
	if (db_run(st) != DB_DONE)
		goto done;
	*reg_id = db_last_id(db);
	{
		/* what the form held is personal data: sealed (SEC06) */
		arena_t A;
		bool sealed;
		arena_init(&A, 4096, (size_t)1 << 20);
		st = db_prepare(db, "UPDATE registrations SET form_json = ?, sealed = 1 WHERE id = ?");
		sealed = st != NULL && seal_bind(st, 1, &A, "registrations", "form_json", *reg_id, json);
		if (sealed) {
			db_bind_i64(st, 2, *reg_id);
			sealed = db_run(st) == DB_DONE;
		}
		arena_free(&A);
		if (!sealed)
			goto done;
	}
	snprintf(subject, sizeof(subject), "【%s】メールアドレスの確認（%s）", site->name, kind_label(kind));
	buf_printf(&body, "%sの%sのお申し込みを受け付けました。\n\n"
	    "次のリンクを開いて、メールアドレスの確認とパスワードの設定を行ってください。"
	    "ログインIDはリンク先の画面に表示され、登録が完了するとメールでもお知らせします。\n\n%s%s\n\n"
	    "リンクの有効期限は24時間です。期限が過ぎた場合は、お手数ですが最初からお申し込みください。\n"
	    "このお申し込みに心当たりがない場合は、このメールを削除してください。登録は行われません。\n",
	    site->name, kind_label(kind), site->link_base, token);
	signature(&body, site);
	sodium_memzero(token, sizeof(token));
	if (!enqueue(db, "confirm", email, subject, &body, now))
		goto done;
	ok = db_commit(db);
done:
	if (!ok)
		db_rollback(db);
	else
		audit_sync_head(db);
	free(json);
	if (body.data != NULL)
		sodium_memzero(body.data, body.len);
	buf_free(&body);
	return ok;
}

/* Reads the registration a token names; the same rules for the page and for completing. */
member_link_t
member_register_lookup(db_t *db, const char *token, int64_t now, member_reg_t *out)
{
	unsigned char h[32];
	db_stmt_t *st;
	member_link_t res;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!member_token_hash(token, h))
		return MEMBER_LINK_UNKNOWN;
	st = db_prepare(db, "SELECT id, kind, email, login, held, expires_at, used_at FROM registrations WHERE token_hash = ?");
	if (st == NULL)
		return MEMBER_LINK_ERROR;
	db_bind_blob(st, 1, h, sizeof(h));
	rc = db_step(st);
	if (rc != DB_ROW) {
		db_done(st);
		return rc == DB_DONE ? MEMBER_LINK_UNKNOWN : MEMBER_LINK_ERROR;
	}
	out->id = db_col_i64(st, 0);
	str_copy(out->kind, sizeof(out->kind), db_col_text(st, 1));
	str_copy(out->email, sizeof(out->email), db_col_text(st, 2));
	str_copy(out->login, sizeof(out->login), db_col_text(st, 3));
	out->held = db_col_i64(st, 4) != 0;
	out->expires_at = db_col_i64(st, 5);
	res = !db_col_null(st, 6) ? MEMBER_LINK_USED : out->expires_at <= now ? MEMBER_LINK_EXPIRED : MEMBER_LINK_OK;
	db_done(st);
	return res;
}

static bool
form_json_of(db_t *db, int64_t reg_id, char **json, arena_t *A)
{
	db_stmt_t *st = db_prepare(db, "SELECT form_json, sealed FROM registrations WHERE id = ?");
	const char *v = NULL;
	bool ok;

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, reg_id);
	if (db_step(st) == DB_ROW)
		v = db_col_i64(st, 1) ? seal_col(st, 0, A, "registrations", "form_json", reg_id) : db_col_text(st, 0);
	ok = v != NULL && (*json = strdup(v)) != NULL;
	db_done(st);
	return ok;
}

bool
member_account_insert(db_t *db, const char *kind, const char *login, const char *email, const char *name,
    const char *hash, int64_t now, int64_t *id)
{
	char key[MEMBER_LOGIN_LEN + 1];
	db_stmt_t *st;
	size_t i;

	for (i = 0; login[i] && i < MEMBER_LOGIN_LEN; i++)
		key[i] = (char)tolower((unsigned char)login[i]);
	key[i] = '\0';
	st = db_prepare(db, "INSERT INTO accounts (kind, login, login_key, email, display_name, password_hash, "
	    "created_at, updated_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return false;
	db_bind_str(st, 1, kind);
	db_bind_str(st, 2, login);
	db_bind_str(st, 3, key);
	db_bind_str(st, 4, email);
	db_bind_str(st, 5, name);
	db_bind_str(st, 6, hash);
	db_bind_i64(st, 7, now);
	db_bind_i64(st, 8, now);
	db_bind_i64(st, 9, now);
	if (db_run(st) != DB_DONE)
		return false;
	*id = db_last_id(db);
	return true;
}

/* the profile sealed, with its name index (SEC06) */
static bool
insert_seeker(db_t *db, arena_t *A, int64_t account_id, const member_form_t *f, bool held, int64_t now)
{
	return rec_seeker_store(db, A, account_id, f, held, now);
}

/* A draft company entity from the registration form: the schema's own fields and checks (entity.h). */
static bool
insert_company(db_t *db, const schema_t *s, int64_t account_id, const member_form_t *f, bool held, int64_t now,
    char *err, size_t errlen)
{
	static const char *const map[] = { "name", "name_kana", "representative", "municipality", "address", "phone",
		"industry", "business", "contact", "email" };
	const schema_type_t *t = s ? schema_type(s, "company") : NULL;
	entity_draft_t d;
	entity_ready_t e;
	buf_t errors = BUF_INIT;
	db_stmt_t *st;
	int64_t entity_id;
	size_t i;
	bool ok;

	if (t == NULL) {
		log_error("member: the schema has no company type");
		return false;
	}
	memset(&d, 0, sizeof(d));
	d.type = t;
	d.status = "draft";
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		int k = schema_field_index(t, map[i]);
		if (k >= 0)
			d.values[k] = member_form_value(f, map[i]);
	}
	if (!entity_validate(db, &d, &e, &errors)) {
		/* the registration form checks at least what the schema does; this is the schema changing under it */
		log_error("member: company entity refused: %s", errors.data ? errors.data : "");
		str_errf(err, errlen, "企業情報を登録できませんでした。%s", errors.data ? errors.data : "");
		buf_free(&errors);
		return false;
	}
	buf_free(&errors);
	ok = entity_insert(db, &e, now, &entity_id);
	entity_ready_free(&e);
	if (!ok)
		return false;
	st = db_prepare(db, "UPDATE entities SET owner_id = ? WHERE id = ?");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, account_id);
	db_bind_i64(st, 2, entity_id);
	if (db_run(st) != DB_DONE)
		return false;
	st = db_prepare(db, "INSERT INTO company_accounts (account_id, entity_id, mail_ok, held, created_at) VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, account_id);
	db_bind_i64(st, 2, entity_id);
	db_bind_i64(st, 3, member_form_value(f, "mail_ok")[0] != '\0');
	db_bind_i64(st, 4, held ? 1 : 0);
	db_bind_i64(st, 5, now);
	return db_run(st) == DB_DONE;
}

bool
member_register_complete(db_t *db, const schema_t *s, const char *token, const char *password,
    const char *ip, const member_site_t *site, int64_t now, member_link_t *link, member_reg_t *reg,
    char *err, size_t errlen)
{
	char hash[PASSWORD_HASH_MAX], target[48], subject[200];
	member_form_t f;
	arena_t A;
	char *json = NULL;
	buf_t body = BUF_INIT;
	db_stmt_t *st;
	int64_t account_id = 0;
	pw_verdict_t v;
	bool ok = false, company;

	hash[0] = '\0';
	if (errlen > 0)
		err[0] = '\0';
	arena_init(&A, 4096, 256 * 1024);
	*link = member_register_lookup(db, token, now, reg);
	if (*link != MEMBER_LINK_OK) {
		str_errf(err, errlen, "%s", *link == MEMBER_LINK_ERROR ? MSG_DB : "このリンクは使えません。");
		goto out;
	}
	company = strcmp(reg->kind, "company") == 0;
	v = password_check(password ? password : "", reg->login, reg->email);
	if (v != PW_OK) {
		str_errf(err, errlen, "%s", password_message(v));
		goto out;
	}
	if (!password_hash(password, hash)) {
		str_errf(err, errlen, "%s", MSG_DB);
		goto out;
	}
	snprintf(target, sizeof(target), "registration:%" PRId64, reg->id);
	if (!db_begin_write(db)) {
		str_errf(err, errlen, "%s", MSG_DB);
		goto out;
	}
	/* read again inside the transaction: two tabs submitting at once create one account */
	*link = member_register_lookup(db, token, now, reg);
	if (*link != MEMBER_LINK_OK) {
		str_errf(err, errlen, "このリンクは使えません。");
		goto fail;
	}
	{
		/* inside the transaction: no entry, no account (SEC07) */
		audit_entry_t e = { 0, reg->login, ip, "register.complete", target, reg->kind };
		if (!audit_append(db, &e, now))
			goto dbfail;
	}
	if (email_taken(db, reg->kind, reg->email) != 0) {
		str_errf(err, errlen, "このメールアドレスはすでに登録されています。ログインIDとパスワードでログインしてください。"
		    "パスワードをお忘れの場合は、ログイン画面の「パスワードをお忘れの方」から再設定できます。");
		goto fail;
	}
	member_form_init(&f, company ? MEMBER_COMPANY_REG : MEMBER_SEEKER_REG);
	if (!form_json_of(db, reg->id, &json, &A) || !member_form_from_json(&f, json, &A)) {
		str_errf(err, errlen, "%s", MSG_DB);
		goto fail;
	}
	/* a seeker's name lives sealed in seekers, not in accounts.display_name (SEC06) */
	if (!member_account_insert(db, reg->kind, reg->login, reg->email, company ? member_form_value(&f, "name") : "", hash,
	    now, &account_id)) {
		str_errf(err, errlen, "%s", MSG_DB);
		goto fail;
	}
	if (company ? !insert_company(db, s, account_id, &f, reg->held, now, err, errlen)
	    : !insert_seeker(db, &A, account_id, &f, reg->held, now)) {
		if (err[0] == '\0')
			str_errf(err, errlen, "%s", MSG_DB);
		goto fail;
	}
	/* the personal data now lives in its own table; the registration keeps none of it */
	st = db_prepare(db, "UPDATE registrations SET used_at = ?, account_id = ?, form_json = '{}' WHERE id = ? AND used_at IS NULL");
	if (st == NULL)
		goto dbfail;
	db_bind_i64(st, 1, now);
	db_bind_i64(st, 2, account_id);
	db_bind_i64(st, 3, reg->id);
	if (db_run(st) != DB_DONE || db_changes(db) != 1)
		goto dbfail;
	snprintf(subject, sizeof(subject), "【%s】ログインIDのお知らせ", site->name);
	buf_printf(&body, "%sの%sが完了しました。\n\nログインID：%s\n\n"
	    "パスワードは登録の際に設定したものをお使いください（このメールには記載していません）。\n"
	    "ログインはこちらから：%s\n\n"
	    "パスワードをお忘れの場合は、次のページから再設定できます。\n%s\n",
	    site->name, kind_label(reg->kind), reg->login, site->login_url, site->forgot_url);
	if (company)
		buf_puts(&body, "\n企業情報は下書きとして登録しました。担当者の確認後に掲載されます。\n");
	signature(&body, site);
	if (!enqueue(db, "notice", reg->email, subject, &body, now) || !db_commit(db))
		goto dbfail;
	audit_sync_head(db);
	ok = true;
	goto out;
dbfail:
	str_errf(err, errlen, "%s", MSG_DB);
fail:
	db_rollback(db);
out:
	sodium_memzero(hash, sizeof(hash));
	free(json);
	buf_free(&body);
	arena_free(&A);
	return ok;
}

int64_t
member_prune(db_t *db, int64_t now)
{
	db_stmt_t *st = db_prepare(db, "DELETE FROM registrations WHERE used_at IS NULL AND expires_at < ?");
	int64_t n;

	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, now);
	if (db_run(st) != DB_DONE)
		return -1;
	n = db_changes(db);
	st = db_prepare(db, "DELETE FROM password_resets WHERE expires_at < ?");
	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, now);
	if (db_run(st) != DB_DONE)
		return -1;
	return n + db_changes(db);
}
