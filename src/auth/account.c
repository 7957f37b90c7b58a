/* account.c - accounts, login with per-ID lock-out, password change; every outcome audited. */
#include "auth/account.h"
#include "auth/audit.h"
#include "auth/password.h"
#include "auth/session.h"
#include "core/str.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char MSG_DB[] = "処理中にエラーが発生しました。時間をおいて再度お試しください。";

bool
account_login_valid(const char *login)
{
	size_t n = strlen(login), i;

	if (n < LOGIN_MIN || n > LOGIN_MAX)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)login[i];
		if (!(isalnum(c) || c == '.' || c == '_' || c == '-' || c == '@'))
			return false;
	}
	return true;
}

bool
account_email_valid(const char *email)
{
	return str_email_valid(email);
}

bool
account_role_valid(const char *role)
{
	return role != NULL && (strcmp(role, "view") == 0 || strcmp(role, "edit") == 0 || strcmp(role, "admin") == 0);
}

const char *
account_role_label(const char *role)
{
	if (strcmp(role, "view") == 0) return "閲覧";
	if (strcmp(role, "edit") == 0) return "編集";
	if (strcmp(role, "admin") == 0) return "管理";
	return "";
}

const char *
account_kind_label(const char *kind)
{
	if (strcmp(kind, "staff") == 0) return "職員";
	if (strcmp(kind, "seeker") == 0) return "求職者";
	if (strcmp(kind, "company") == 0) return "企業";
	if (strcmp(kind, "business") == 0) return "事業者";
	if (strcmp(kind, "applicant") == 0) return "申込者";
	return kind;
}

/* The key logins are counted and looked up by: ASCII lower case of a syntactically valid ID. */
static void
login_key(const char *login, char out[LOGIN_MAX + 1])
{
	size_t i;

	for (i = 0; login[i] != '\0' && i < LOGIN_MAX; i++)
		out[i] = (char)tolower((unsigned char)login[i]);
	out[i] = '\0';
}

static void
row_to_account(db_stmt_t *st, account_t *a)
{
	a->id = db_col_i64(st, 0);
	str_copy(a->kind, sizeof(a->kind), db_col_text(st, 1));
	str_copy(a->login, sizeof(a->login), db_col_text(st, 2));
	str_copy(a->email, sizeof(a->email), db_col_text(st, 3));
	str_copy(a->display_name, sizeof(a->display_name), db_col_text(st, 4));
	str_copy(a->status, sizeof(a->status), db_col_text(st, 5));
	str_copy(a->department_code, sizeof(a->department_code), db_col_text(st, 6));
	str_copy(a->department_name, sizeof(a->department_name), db_col_text(st, 7));
	str_copy(a->department_kind, sizeof(a->department_kind), db_col_text(st, 8));
	a->last_login_at = db_col_i64(st, 9);
	a->password_changed_at = db_col_i64(st, 10);
	str_copy(a->role, sizeof(a->role), db_col_text(st, 12));
	a->department_id = db_col_i64(st, 13);
	a->must_change_password = db_col_i64(st, 14) != 0;
}

#define ACCOUNT_COLS "a.id, a.kind, a.login, a.email, a.display_name, a.status, " \
	"COALESCE(d.code, ''), COALESCE(d.name, ''), COALESCE(d.kind, ''), COALESCE(a.prev_login_at, 0), " \
	"a.password_changed_at, a.password_hash, COALESCE(a.role, ''), COALESCE(a.department_id, 0), " \
	"a.must_change_password FROM accounts a LEFT JOIN departments d ON d.id = a.department_id "

bool
account_get(db_t *db, int64_t id, account_t *out)
{
	db_stmt_t *st = db_prepare(db, "SELECT " ACCOUNT_COLS "WHERE a.id = ?");
	bool found;

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, id);
	found = db_step(st) == DB_ROW;
	if (found)
		row_to_account(st, out);
	db_done(st);
	return found;
}

static void
audit_login(db_t *db, int64_t actor_id, const char *login, const char *ip, const char *action, const char *detail,
    int64_t now, bool *ok)
{
	audit_entry_t e = { actor_id, login, ip, action, "", detail };
	char target[48];

	if (actor_id > 0) {
		snprintf(target, sizeof(target), "account:%" PRId64, actor_id);
		e.target = target;
	}
	if (!audit_append(db, &e, now))
		*ok = false;
}

/* One more failure for a login key (password or second factor alike): the counter, and the lock once it
 * reaches the policy's limit (then the counter restarts at the lock's end). */
static bool
throttle_count(db_t *db, const char *key, int64_t failures, int64_t now, const login_policy_t *p, int64_t *locked_until)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO login_throttle (login_key, failures, last_failure, locked_until) "
	    "VALUES (?, ?, ?, ?) ON CONFLICT (login_key) DO UPDATE SET failures = excluded.failures, "
	    "last_failure = excluded.last_failure, locked_until = excluded.locked_until");

	*locked_until = failures >= p->max_failures ? now + p->lockout_s : 0;
	if (st == NULL)
		return false;
	db_bind_str(st, 1, key);
	db_bind_i64(st, 2, *locked_until ? 0 : failures);
	db_bind_i64(st, 3, now);
	db_bind_i64(st, 4, *locked_until);
	return db_run(st) == DB_DONE;
}

login_result_t
account_login(db_t *db, const char *login, const char *password, const char *ip,
    int64_t now, const login_policy_t *p, account_t *out)
{
	char key[LOGIN_MAX + 1], hash[PASSWORD_HASH_MAX];
	db_stmt_t *st;
	int64_t failures = 0, locked_until = 0;
	bool found = false, match, ok = true;
	const char *shown = account_login_valid(login) ? login : "(invalid)";

	if (!account_login_valid(login)) {
		/* not an ID anyone can have: same answer and time as a wrong password */
		password_verify_dummy(password);
		audit_login(db, 0, shown, ip, "login.failure", "malformed login ID", now, &ok);
		return ok ? LOGIN_FAILED : LOGIN_ERROR;
	}
	login_key(login, key);

	st = db_prepare(db, "SELECT failures, locked_until FROM login_throttle WHERE login_key = ?");
	if (st == NULL)
		return LOGIN_ERROR;
	db_bind_str(st, 1, key);
	if (db_step(st) == DB_ROW) {
		failures = db_col_i64(st, 0);
		locked_until = db_col_i64(st, 1);
	}
	db_done(st);
	if (locked_until > now) {
		password_verify_dummy(password);
		audit_login(db, 0, shown, ip, "login.refused", "locked", now, &ok);
		return ok ? LOGIN_LOCKED : LOGIN_ERROR;
	}
	if (locked_until != 0)
		failures = 0; /* a lock that has run out starts the count again */

	st = db_prepare(db, "SELECT " ACCOUNT_COLS "WHERE a.login_key = ? AND a.status = 'active'");
	if (st == NULL)
		return LOGIN_ERROR;
	db_bind_str(st, 1, key);
	if (db_step(st) == DB_ROW) {
		found = true;
		row_to_account(st, out);
		str_copy(hash, sizeof(hash), db_col_text(st, 11));
	}
	db_done(st);
	if (found) {
		match = password_verify(hash, password);
		sodium_memzero(hash, sizeof(hash));
	} else {
		password_verify_dummy(password);
		match = false;
	}

	if (match) {
		st = db_prepare(db, "DELETE FROM login_throttle WHERE login_key = ?");
		if (st == NULL)
			return LOGIN_ERROR;
		db_bind_str(st, 1, key);
		if (db_run(st) != DB_DONE)
			return LOGIN_ERROR;
		st = db_prepare(db, "UPDATE accounts SET prev_login_at = last_login_at, last_login_at = ? WHERE id = ?");
		if (st == NULL)
			return LOGIN_ERROR;
		db_bind_i64(st, 1, now);
		db_bind_i64(st, 2, out->id);
		if (db_run(st) != DB_DONE)
			return LOGIN_ERROR;
		audit_login(db, out->id, out->login, ip, "login.success", "", now, &ok);
		return ok ? LOGIN_OK : LOGIN_ERROR;
	}

	if (!throttle_count(db, key, ++failures, now, p, &locked_until))
		return LOGIN_ERROR;
	{
		char detail[64];
		snprintf(detail, sizeof(detail), "failure %" PRId64 " of %d%s", failures, p->max_failures,
		    found ? "" : ", unknown ID");
		audit_login(db, found ? out->id : 0, login, ip, "login.failure", detail, now, &ok);
		if (locked_until != 0)
			audit_login(db, found ? out->id : 0, login, ip, "login.lockout", "", now, &ok);
	}
	memset(out, 0, sizeof(*out));
	if (!ok)
		return LOGIN_ERROR;
	return locked_until ? LOGIN_LOCKED : LOGIN_FAILED;
}

static bool
department_id(db_t *db, const char *code, int64_t *id)
{
	db_stmt_t *st = db_prepare(db, "SELECT id FROM departments WHERE code = ? AND retired_at IS NULL");
	bool found;

	if (st == NULL)
		return false;
	db_bind_str(st, 1, code);
	found = db_step(st) == DB_ROW;
	if (found)
		*id = db_col_i64(st, 0);
	db_done(st);
	return found;
}

bool
account_create(db_t *db, const account_new_t *n, const char *actor, const char *ip, int64_t now,
    int64_t *id, char *err, size_t errlen)
{
	return account_create_staff(db, n, NULL, false, actor, ip, now, id, err, errlen);
}

bool
account_create_staff(db_t *db, const account_new_t *n, const char *role, bool must_change_password,
    const char *actor, const char *ip, int64_t now, int64_t *id, char *err, size_t errlen)
{
	static const char *const kinds[] = { "staff", "seeker", "company", "business", "applicant" };
	char key[LOGIN_MAX + 1], hash[PASSWORD_HASH_MAX], target[48];
	int64_t dept = 0;
	pw_verdict_t v;
	db_stmt_t *st;
	size_t i;
	int rc;
	bool kind_ok = false;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (n->kind != NULL && strcmp(n->kind, kinds[i]) == 0)
			kind_ok = true;
	if (!kind_ok) {
		snprintf(err, errlen, "アカウントの種別が正しくありません。");
		return false;
	}
	if (n->login == NULL || !account_login_valid(n->login)) {
		snprintf(err, errlen, "ログインIDは半角英数字と . _ - @ で3〜64文字で入力してください。");
		return false;
	}
	if (n->email == NULL || !account_email_valid(n->email)) {
		snprintf(err, errlen, "メールアドレスの形式が正しくありません。");
		return false;
	}
	if (n->display_name != NULL && (!str_utf8_valid(n->display_name, strlen(n->display_name), false) ||
	    str_utf8_len(n->display_name, strlen(n->display_name)) > DISPLAY_NAME_MAX)) {
		snprintf(err, errlen, "氏名・名称は%d文字以内で入力してください。", DISPLAY_NAME_MAX);
		return false;
	}
	if (strcmp(n->kind, "staff") == 0 &&
	    (n->department_code == NULL || !department_id(db, n->department_code, &dept))) {
		snprintf(err, errlen, "職員には登録済みの部署コードを指定してください。");
		return false;
	}
	if (strcmp(n->kind, "staff") == 0 && role != NULL && !account_role_valid(role)) {
		snprintf(err, errlen, "権限は閲覧・編集・管理のいずれかを指定してください。");
		return false;
	}
	v = password_check(n->password ? n->password : "", n->login, n->email);
	if (v != PW_OK) {
		snprintf(err, errlen, "%s", password_message(v));
		return false;
	}
	if (!password_hash(n->password, hash)) {
		snprintf(err, errlen, "%s", MSG_DB);
		return false;
	}
	login_key(n->login, key);
	st = db_prepare(db, "INSERT INTO accounts (kind, login, login_key, email, display_name, password_hash, "
	    "department_id, created_at, updated_at, password_changed_at, role, must_change_password) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL) {
		snprintf(err, errlen, "%s", MSG_DB);
		return false;
	}
	db_bind_str(st, 1, n->kind);
	db_bind_str(st, 2, n->login);
	db_bind_str(st, 3, key);
	db_bind_str(st, 4, n->email);
	db_bind_str(st, 5, n->display_name ? n->display_name : "");
	db_bind_str(st, 6, hash);
	if (dept)
		db_bind_i64(st, 7, dept);
	else
		db_bind_null(st, 7);
	db_bind_i64(st, 8, now);
	db_bind_i64(st, 9, now);
	db_bind_i64(st, 10, now);
	if (dept)
		db_bind_str(st, 11, role != NULL ? role : "edit");
	else
		db_bind_null(st, 11);
	db_bind_i64(st, 12, must_change_password && dept ? 1 : 0);
	rc = db_run(st);
	sodium_memzero(hash, sizeof(hash));
	if (rc == DB_CONSTRAINT) {
		snprintf(err, errlen, "このログインIDは既に使われています。別のログインIDを指定してください。");
		return false;
	}
	if (rc != DB_DONE) {
		snprintf(err, errlen, "%s", MSG_DB);
		return false;
	}
	*id = db_last_id(db);
	snprintf(target, sizeof(target), "account:%" PRId64, *id);
	{
		audit_entry_t e = { 0, actor ? actor : "system", ip ? ip : "", "account.create", target, n->kind };
		if (!audit_append(db, &e, now)) {
			/* the record of the change could not be written: undo the change */
			st = db_prepare(db, "DELETE FROM accounts WHERE id = ?");
			if (st != NULL) {
				db_bind_i64(st, 1, *id);
				db_run(st);
			}
			snprintf(err, errlen, "%s", MSG_DB);
			return false;
		}
	}
	return true;
}

bool
account_change_password(db_t *db, const account_t *a, const char *current, const char *next,
    const char *keep_session, const char *ip, int64_t now, char *err, size_t errlen)
{
	char hash[PASSWORD_HASH_MAX], target[48];
	db_stmt_t *st;
	bool match;
	pw_verdict_t v;

	st = db_prepare(db, "SELECT password_hash FROM accounts WHERE id = ?");
	if (st == NULL) {
		snprintf(err, errlen, "%s", MSG_DB);
		return false;
	}
	db_bind_i64(st, 1, a->id);
	match = db_step(st) == DB_ROW && password_verify(db_col_text(st, 0), current ? current : "");
	db_done(st);
	if (!match) {
		snprintf(err, errlen, "現在のパスワードが正しくありません。");
		return false;
	}
	if (next == NULL || strcmp(next, current) == 0) {
		snprintf(err, errlen, "新しいパスワードには現在と異なるパスワードを入力してください。");
		return false;
	}
	v = password_check(next, a->login, a->email);
	if (v != PW_OK) {
		snprintf(err, errlen, "%s", password_message(v));
		return false;
	}
	if (!password_hash(next, hash)) {
		snprintf(err, errlen, "%s", MSG_DB);
		return false;
	}
	snprintf(target, sizeof(target), "account:%" PRId64, a->id);
	{
		audit_entry_t e = { a->id, a->login, ip, "account.password_change", target, "" };
		if (!audit_append(db, &e, now)) {
			sodium_memzero(hash, sizeof(hash));
			snprintf(err, errlen, "%s", MSG_DB);
			return false;
		}
	}
	if (!db_begin_write(db))
		goto fail;
	st = db_prepare(db, "UPDATE accounts SET password_hash = ?, password_changed_at = ?, updated_at = ?, "
	    "must_change_password = 0 WHERE id = ?");
	if (st == NULL)
		goto fail;
	db_bind_str(st, 1, hash);
	db_bind_i64(st, 2, now);
	db_bind_i64(st, 3, now);
	db_bind_i64(st, 4, a->id);
	if (db_run(st) != DB_DONE || !session_destroy_account(db, a->id, keep_session) || !db_commit(db))
		goto fail;
	sodium_memzero(hash, sizeof(hash));
	return true;
fail:
	db_rollback(db);
	sodium_memzero(hash, sizeof(hash));
	snprintf(err, errlen, "%s", MSG_DB);
	return false;
}

/* --- the second sign-in step shares the password lock-out (issue 6 item 6, SEC14) --- */

bool
account_throttle_locked(db_t *db, const char *login, int64_t now)
{
	char key[LOGIN_MAX + 1];
	db_stmt_t *st = db_prepare(db, "SELECT locked_until FROM login_throttle WHERE login_key = ?");
	bool locked = false;

	if (st == NULL)
		return true;
	login_key(login, key);
	db_bind_str(st, 1, key);
	if (db_step(st) == DB_ROW)
		locked = db_col_i64(st, 0) > now;
	db_done(st);
	return locked;
}

login_result_t
account_throttle_failure(db_t *db, const account_t *a, const char *ip, const char *what, int64_t now,
    const login_policy_t *p)
{
	char key[LOGIN_MAX + 1], detail[96];
	int64_t failures = 0, locked_until = 0;
	db_stmt_t *st;
	bool ok = true;

	login_key(a->login, key);
	st = db_prepare(db, "SELECT failures, locked_until FROM login_throttle WHERE login_key = ?");
	if (st == NULL)
		return LOGIN_ERROR;
	db_bind_str(st, 1, key);
	if (db_step(st) == DB_ROW) {
		failures = db_col_i64(st, 0);
		locked_until = db_col_i64(st, 1);
	}
	db_done(st);
	if (locked_until != 0)
		failures = 0;
	if (!throttle_count(db, key, ++failures, now, p, &locked_until))
		return LOGIN_ERROR;
	snprintf(detail, sizeof(detail), "%s: failure %" PRId64 " of %d", what, failures, p->max_failures);
	audit_login(db, a->id, a->login, ip, "login.failure", detail, now, &ok);
	if (locked_until != 0)
		audit_login(db, a->id, a->login, ip, "login.lockout", "", now, &ok);
	if (!ok)
		return LOGIN_ERROR;
	return locked_until ? LOGIN_LOCKED : LOGIN_FAILED;
}

bool
account_throttle_clear(db_t *db, const char *login)
{
	char key[LOGIN_MAX + 1];
	db_stmt_t *st = db_prepare(db, "DELETE FROM login_throttle WHERE login_key = ?");

	if (st == NULL)
		return false;
	login_key(login, key);
	db_bind_str(st, 1, key);
	return db_run(st) == DB_DONE;
}
