/* reset.c - password reset by a mailed single-use link valid for an hour (issue 5 item 7; G11, G21, SEC14). */
#include "member/member.h"
#include "auth/audit.h"
#include "auth/password.h"
#include "auth/session.h"
#include "core/buf.h"
#include "core/log.h"
#include "mail/mail.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char MSG_DB[] = "処理中にエラーが発生しました。時間をおいて再度お試しください。";

bool
member_reset_token(db_t *db, int64_t account_id, int64_t now, int64_t ttl_s, char token[MEMBER_TOKEN_LEN + 1])
{
	unsigned char h[32];
	db_stmt_t *st;

	member_token_new(token, h);
	st = db_prepare(db, "INSERT INTO password_resets (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return false;
	db_bind_blob(st, 1, h, sizeof(h));
	db_bind_i64(st, 2, account_id);
	db_bind_i64(st, 3, now);
	db_bind_i64(st, 4, now + ttl_s);
	return db_run(st) == DB_DONE;
}

bool
member_reset_request(db_t *db, const char *email, const char *ip, const member_site_t *site, int64_t now,
    int *sent)
{
	int64_t ids[MEMBER_RESET_ACCOUNTS];
	char logins[MEMBER_RESET_ACCOUNTS][65], kinds[MEMBER_RESET_ACCOUNTS][16], addr[MEMBER_RESET_ACCOUNTS][STR_EMAIL_MAX + 1];
	char subject[200];
	db_stmt_t *st;
	int n = 0, i;
	bool ok = false;

	*sent = 0;
	if (email == NULL || !str_email_valid(email))
		return true;
	if (!db_begin_write(db))
		return false;
	{
		/* inside the transaction: no entry, no link mailed (SEC07) */
		audit_entry_t e = { 0, "anonymous", ip, "password.reset_request", "", "" };
		if (!audit_append(db, &e, now))
			goto done;
	}
	/* members only: staff accounts are reset by an administrator (they carry more rights) */
	st = db_prepare(db, "SELECT id, login, kind, email FROM accounts WHERE lower(email) = lower(?) AND status = 'active' "
	    "AND kind IN ('seeker', 'company') ORDER BY id LIMIT ?");
	if (st == NULL)
		goto done;
	db_bind_str(st, 1, email);
	db_bind_i64(st, 2, MEMBER_RESET_ACCOUNTS);
	while (n < MEMBER_RESET_ACCOUNTS && db_step(st) == DB_ROW) {
		ids[n] = db_col_i64(st, 0);
		str_copy(logins[n], sizeof(logins[n]), db_col_text(st, 1));
		str_copy(kinds[n], sizeof(kinds[n]), db_col_text(st, 2));
		str_copy(addr[n], sizeof(addr[n]), db_col_text(st, 3));
		n++;
	}
	db_done(st);
	snprintf(subject, sizeof(subject), "【%s】パスワードの再設定", site->name);
	for (i = 0; i < n; i++) {
		char token[MEMBER_TOKEN_LEN + 1], err[256];
		buf_t body = BUF_INIT;
		mail_msg_t m = { "reset", addr[i], subject, NULL, NULL, NULL, NULL, 0, NULL };
		int64_t mid;
		bool queued;

		if (!member_reset_token(db, ids[i], now, MEMBER_RESET_TTL_S, token))
			goto done;
		buf_printf(&body, "%sで、パスワードの再設定のお申し込みを受け付けました。\n\n"
		    "ログインID：%s（%s）\n\n"
		    "次のリンクを開いて、新しいパスワードを設定してください。"
		    "リンクは1時間有効で、1回だけ使えます。\n\n%s%s\n\n"
		    "お申し込みに心当たりがない場合は、このメールを削除してください。パスワードは変わりません。\n"
		    "\n-- \n%s\nこのメールは送信専用のアドレスからお送りしています。\n",
		    site->name, logins[i], strcmp(kinds[i], "company") == 0 ? "企業" : "利用者", site->link_base, token,
		    site->name);
		sodium_memzero(token, sizeof(token));
		m.body = body.data;
		queued = !body.oom && mail_enqueue(db, &m, now, &mid, err, sizeof(err));
		if (body.data != NULL)
			sodium_memzero(body.data, body.len);
		buf_free(&body);
		if (!queued) {
			log_error("member: reset mail not queued: %s", err);
			goto done;
		}
	}
	ok = db_commit(db);
	if (ok) {
		*sent = n;
		audit_sync_head(db);
	}
done:
	if (!ok)
		db_rollback(db);
	return ok;
}

/* The reset row of a token: 1 found (fields set), 0 unknown, -1 error. */
static member_link_t
reset_row(db_t *db, const char *token, int64_t now, int64_t *account_id, char login[65], char email[STR_EMAIL_MAX + 1])
{
	unsigned char h[32];
	db_stmt_t *st;
	member_link_t res;
	int rc;

	if (!member_token_hash(token, h))
		return MEMBER_LINK_UNKNOWN;
	st = db_prepare(db, "SELECT r.account_id, r.expires_at, r.used_at, a.login, a.email FROM password_resets r "
	    "JOIN accounts a ON a.id = r.account_id WHERE r.token_hash = ? AND a.status = 'active'");
	if (st == NULL)
		return MEMBER_LINK_ERROR;
	db_bind_blob(st, 1, h, sizeof(h));
	rc = db_step(st);
	if (rc != DB_ROW) {
		db_done(st);
		return rc == DB_DONE ? MEMBER_LINK_UNKNOWN : MEMBER_LINK_ERROR;
	}
	*account_id = db_col_i64(st, 0);
	res = !db_col_null(st, 2) ? MEMBER_LINK_USED : db_col_i64(st, 1) <= now ? MEMBER_LINK_EXPIRED : MEMBER_LINK_OK;
	str_copy(login, 65, db_col_text(st, 3));
	if (email != NULL)
		str_copy(email, STR_EMAIL_MAX + 1, db_col_text(st, 4));
	db_done(st);
	return res;
}

member_link_t
member_reset_lookup(db_t *db, const char *token, int64_t now, int64_t *account_id, char login[65])
{
	return reset_row(db, token, now, account_id, login, NULL);
}

bool
member_reset_complete(db_t *db, const char *token, const char *password, const char *ip, int64_t now,
    member_link_t *link, char *err, size_t errlen)
{
	char login[65], email[STR_EMAIL_MAX + 1], hash[PASSWORD_HASH_MAX], target[48];
	int64_t account_id = 0;
	pw_verdict_t v;
	db_stmt_t *st;
	bool ok = false;

	hash[0] = '\0';
	*link = reset_row(db, token, now, &account_id, login, email);
	if (*link != MEMBER_LINK_OK) {
		str_errf(err, errlen, "%s", *link == MEMBER_LINK_ERROR ? MSG_DB : "このリンクは使えません。");
		return false;
	}
	v = password_check(password ? password : "", login, email);
	if (v != PW_OK) {
		str_errf(err, errlen, "%s", password_message(v));
		return false;
	}
	if (!password_hash(password, hash)) {
		str_errf(err, errlen, "%s", MSG_DB);
		return false;
	}
	snprintf(target, sizeof(target), "account:%" PRId64, account_id);
	if (!db_begin_write(db))
		goto dbfail;
	*link = reset_row(db, token, now, &account_id, login, email);
	if (*link != MEMBER_LINK_OK) {
		str_errf(err, errlen, "このリンクは使えません。");
		goto fail;
	}
	{
		/* inside the transaction: no entry, no new password (SEC07) */
		audit_entry_t e = { account_id, login, ip, "password.reset", target, "by mailed link" };
		if (!audit_append(db, &e, now))
			goto dbfail;
	}
	st = db_prepare(db, "UPDATE accounts SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?");
	if (st == NULL)
		goto dbfail;
	db_bind_str(st, 1, hash);
	db_bind_i64(st, 2, now);
	db_bind_i64(st, 3, now);
	db_bind_i64(st, 4, account_id);
	if (db_run(st) != DB_DONE)
		goto dbfail;
	/* every link of the account is spent, not only this one */
	st = db_prepare(db, "UPDATE password_resets SET used_at = ? WHERE account_id = ? AND used_at IS NULL");
	if (st == NULL)
		goto dbfail;
	db_bind_i64(st, 1, now);
	db_bind_i64(st, 2, account_id);
	if (db_run(st) != DB_DONE || !session_destroy_account(db, account_id, NULL) || !db_commit(db))
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
	return ok;
}
