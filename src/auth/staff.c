/* staff.c - staff master, department master and the account lifecycle, each checked by policy_can. */
#include "auth/staff.h"
#include "auth/audit.h"
#include "auth/password.h"
#include "auth/policy.h"
#include "auth/session.h"
#include "core/str.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char MSG_DB[] = "処理中にエラーが発生しました。時間をおいて再度お試しください。";
static const char MSG_DENIED[] = "この操作を行う権限がありません。";
static const char MSG_LAST_ADMIN[] = "最後の管理者は停止・削除できず、管理権限も外せません。先に別の管理者を登録してください。";

const char *
account_status_label(const char *status)
{
	if (strcmp(status, "active") == 0) return "利用中";
	if (strcmp(status, "suspended") == 0) return "停止中";
	if (strcmp(status, "deleted") == 0) return "削除済み";
	return status;
}

const char *
department_kind_label(const char *kind)
{
	if (strcmp(kind, "pref") == 0) return "県";
	if (strcmp(kind, "employment") == 0) return "就職支援部門";
	if (strcmp(kind, "company") == 0) return "企業支援部門";
	return kind;
}

static bool
text_ok(const char *s, size_t min_chars, size_t max_chars, bool newlines)
{
	size_t n, chars;

	if (s == NULL)
		return min_chars == 0;
	n = strlen(s);
	if (!str_utf8_valid(s, n, newlines))
		return false;
	chars = str_utf8_len(s, n);
	return chars >= min_chars && chars <= max_chars;
}

/* An active department by code: its id (0 when none). */
static int64_t
department_by_code(db_t *db, const char *code)
{
	db_stmt_t *st;
	int64_t id = 0;

	if (code == NULL || code[0] == '\0' || strlen(code) > DEPARTMENT_CODE_MAX)
		return 0;
	st = db_prepare(db, "SELECT id FROM departments WHERE code = ? AND retired_at IS NULL");
	if (st == NULL)
		return -1;
	db_bind_str(st, 1, code);
	if (db_step(st) == DB_ROW)
		id = db_col_i64(st, 0);
	db_done(st);
	return id;
}

int64_t
staff_count_admins(db_t *db, int64_t except_id)
{
	db_stmt_t *st = db_prepare(db, "SELECT COUNT(*) FROM accounts WHERE kind = 'staff' AND role = 'admin' "
	    "AND status = 'active' AND id <> ?");
	int64_t n = -1;

	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, except_id);
	if (db_step(st) == DB_ROW)
		n = db_col_i64(st, 0);
	db_done(st);
	return n;
}

static bool
audit(db_t *db, const account_t *actor, const char *ip, const char *action, int64_t target_id, const char *kind,
    const char *detail, int64_t now)
{
	char target[64];
	audit_entry_t e = { actor->id, actor->login, ip ? ip : "", action, target, detail ? detail : "" };

	snprintf(target, sizeof(target), "%s:%" PRId64, kind, target_id);
	return audit_append(db, &e, now);
}

static staff_result_t
fail(staff_result_t rc, const char *msg, char *err, size_t errlen)
{
	str_errf(err, errlen, "%s", msg);
	return rc;
}

/* Validates the fields staff_create and staff_update share; the department id in *dept. */
static staff_result_t
check_common(db_t *db, const staff_input_t *in, int64_t *dept, const char **field, char *err, size_t errlen)
{
	if (!text_ok(in->display_name, 1, DISPLAY_NAME_MAX, false)) {
		*field = "display_name";
		str_errf(err, errlen, "氏名を%d文字以内で入力してください。", DISPLAY_NAME_MAX);
		return STAFF_INVALID;
	}
	if (in->email == NULL || !account_email_valid(in->email)) {
		*field = "email";
		return fail(STAFF_INVALID, "メールアドレスを正しい形式で入力してください（例：tanto@example.jp）。", err, errlen);
	}
	*dept = department_by_code(db, in->department_code);
	if (*dept < 0)
		return fail(STAFF_ERROR, MSG_DB, err, errlen);
	if (*dept == 0) {
		*field = "department";
		return fail(STAFF_INVALID, "担当部署を選んでください。", err, errlen);
	}
	if (!account_role_valid(in->role)) {
		*field = "role";
		return fail(STAFF_INVALID, "権限を閲覧・編集・管理から選んでください。", err, errlen);
	}
	return STAFF_OK;
}

staff_result_t
staff_create(db_t *db, const account_t *actor, const staff_input_t *in, const char *ip, int64_t now,
    int64_t *id, const char **field, char *err, size_t errlen)
{
	account_new_t n;
	staff_result_t rc;
	pw_verdict_t v;
	int64_t dept = 0;

	*field = NULL;
	if (!policy_can(actor, POLICY_CREATE, POLICY_STAFF, 0) && !policy_can(actor, POLICY_CREATE, POLICY_STAFF,
	    actor->department_id))
		return fail(STAFF_DENIED, MSG_DENIED, err, errlen);
	if (in->login == NULL || !account_login_valid(in->login)) {
		*field = "login";
		return fail(STAFF_INVALID, "ログインIDは半角英数字と . _ - @ で3〜64文字で入力してください。", err, errlen);
	}
	rc = check_common(db, in, &dept, field, err, errlen);
	if (rc != STAFF_OK)
		return rc;
	if (!policy_can(actor, POLICY_CREATE, POLICY_STAFF, dept)) {
		*field = "department";
		return fail(STAFF_INVALID, "この担当部署の担当者は登録できません。自分の部署を選んでください。", err, errlen);
	}
	v = password_check(in->password ? in->password : "", in->login, in->email);
	if (v != PW_OK) {
		*field = "password";
		return fail(STAFF_INVALID, password_message(v), err, errlen);
	}
	n.kind = "staff";
	n.login = in->login;
	n.email = in->email;
	n.display_name = in->display_name;
	n.password = in->password;
	n.department_code = in->department_code;
	/* account_create_staff audits "account.create" itself, under the acting admin's login ID */
	if (!account_create_staff(db, &n, in->role, true, actor->login, ip, now, id, err, errlen)) {
		*field = strstr(err, "ログインID") != NULL ? "login" : NULL;
		return *field ? STAFF_INVALID : STAFF_ERROR;
	}
	return STAFF_OK;
}

/* The staff account id as it is now: department id, role and status. */
static staff_result_t
load_staff(db_t *db, int64_t id, int64_t *dept, char *role, size_t rolelen, char *status, size_t statuslen)
{
	db_stmt_t *st = db_prepare(db, "SELECT department_id, COALESCE(role, ''), status FROM accounts "
	    "WHERE id = ? AND kind = 'staff'");
	staff_result_t rc = STAFF_NOT_FOUND;

	if (st == NULL)
		return STAFF_ERROR;
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW) {
		*dept = db_col_i64(st, 0);
		str_copy(role, rolelen, db_col_text(st, 1));
		str_copy(status, statuslen, db_col_text(st, 2));
		rc = STAFF_OK;
	}
	db_done(st);
	return rc;
}

staff_result_t
staff_update(db_t *db, const account_t *actor, int64_t id, const staff_input_t *in, const char *ip,
    int64_t now, const char **field, char *err, size_t errlen)
{
	char role[16], status[16], detail[160];
	int64_t old_dept = 0, dept = 0, admins;
	staff_result_t rc;
	db_stmt_t *st;

	*field = NULL;
	rc = load_staff(db, id, &old_dept, role, sizeof(role), status, sizeof(status));
	if (rc != STAFF_OK)
		return fail(rc, rc == STAFF_NOT_FOUND ? "担当者が見つかりません。" : MSG_DB, err, errlen);
	if (!policy_can(actor, POLICY_UPDATE, POLICY_STAFF, old_dept))
		return fail(STAFF_DENIED, MSG_DENIED, err, errlen);
	if (strcmp(status, "deleted") == 0)
		return fail(STAFF_INVALID, "削除済みの担当者は編集できません。", err, errlen);
	rc = check_common(db, in, &dept, field, err, errlen);
	if (rc != STAFF_OK)
		return rc;
	if (!policy_can(actor, POLICY_UPDATE, POLICY_STAFF, dept)) {
		*field = "department";
		return fail(STAFF_INVALID, "この担当部署には移せません。自分の部署を選んでください。", err, errlen);
	}
	if (strcmp(role, "admin") == 0 && strcmp(in->role, "admin") != 0 && strcmp(status, "active") == 0) {
		admins = staff_count_admins(db, id);
		if (admins < 0)
			return fail(STAFF_ERROR, MSG_DB, err, errlen);
		if (admins == 0) {
			*field = "role";
			return fail(STAFF_LAST_ADMIN, MSG_LAST_ADMIN, err, errlen);
		}
	}
	snprintf(detail, sizeof(detail), "role %s -> %s, department %" PRId64 " -> %" PRId64, role, in->role,
	    old_dept, dept);
	if (!db_begin_write(db))
		return fail(STAFF_ERROR, MSG_DB, err, errlen);
	/* checked again under the write lock: two admins demoting each other at once leave one */
	if (strcmp(role, "admin") == 0 && strcmp(in->role, "admin") != 0 && strcmp(status, "active") == 0 &&
	    staff_count_admins(db, id) < 1) {
		db_rollback(db);
		*field = "role";
		return fail(STAFF_LAST_ADMIN, MSG_LAST_ADMIN, err, errlen);
	}
	/* inside the transaction: no entry, no change (SEC07) */
	if (!audit(db, actor, ip, "staff.update", id, "account", detail, now))
		goto fail;
	st = db_prepare(db, "UPDATE accounts SET email = ?, display_name = ?, department_id = ?, role = ?, updated_at = ? "
	    "WHERE id = ? AND kind = 'staff'");
	if (st == NULL)
		goto fail;
	db_bind_str(st, 1, in->email);
	db_bind_str(st, 2, in->display_name);
	db_bind_i64(st, 3, dept);
	db_bind_str(st, 4, in->role);
	db_bind_i64(st, 5, now);
	db_bind_i64(st, 6, id);
	if (db_run(st) != DB_DONE || !db_commit(db))
		goto fail;
	audit_sync_head(db);
	return STAFF_OK;
fail:
	db_rollback(db);
	return fail(STAFF_ERROR, MSG_DB, err, errlen);
}

/* What a status change of account id is judged as: the policy kind and record department. */
static staff_result_t
target_of(db_t *db, int64_t id, char *kind, size_t kindlen, char *status, size_t statuslen, char *role,
    size_t rolelen, policy_record_t *pk, int64_t *dept)
{
	db_stmt_t *st = db_prepare(db, "SELECT a.kind, a.status, COALESCE(a.role, ''), COALESCE(a.department_id, 0), "
	    "COALESCE(e.department_id, 0) FROM accounts a LEFT JOIN company_accounts c ON c.account_id = a.id "
	    "LEFT JOIN entities e ON e.id = c.entity_id WHERE a.id = ?");
	staff_result_t rc = STAFF_NOT_FOUND;

	if (st == NULL)
		return STAFF_ERROR;
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW) {
		str_copy(kind, kindlen, db_col_text(st, 0));
		str_copy(status, statuslen, db_col_text(st, 1));
		str_copy(role, rolelen, db_col_text(st, 2));
		if (strcmp(kind, "staff") == 0) {
			*pk = POLICY_STAFF;
			*dept = db_col_i64(st, 3);
		} else if (strcmp(kind, "seeker") == 0) {
			*pk = POLICY_SEEKER;
			*dept = 0;
		} else {
			*pk = POLICY_COMPANY;
			*dept = strcmp(kind, "company") == 0 ? db_col_i64(st, 4) : 0;
		}
		rc = STAFF_OK;
	}
	db_done(st);
	return rc;
}

staff_result_t
account_set_status(db_t *db, const account_t *actor, int64_t id, const char *status, const char *reason,
    const char *ip, int64_t now, char *err, size_t errlen)
{
	char kind[16], old[16], role[16], detail[64];
	policy_record_t pk;
	int64_t dept = 0;
	staff_result_t rc;
	db_stmt_t *st;
	bool to_active, admin_leaves;

	if (status == NULL || (strcmp(status, "active") != 0 && strcmp(status, "suspended") != 0 &&
	    strcmp(status, "deleted") != 0))
		return fail(STAFF_INVALID, "操作を選んでください。", err, errlen);
	rc = target_of(db, id, kind, sizeof(kind), old, sizeof(old), role, sizeof(role), &pk, &dept);
	if (rc != STAFF_OK)
		return fail(rc, rc == STAFF_NOT_FOUND ? "アカウントが見つかりません。" : MSG_DB, err, errlen);
	if (!policy_can(actor, strcmp(status, "deleted") == 0 ? POLICY_DELETE : POLICY_STATUS, pk, dept))
		return fail(STAFF_DENIED, MSG_DENIED, err, errlen);
	if (id == actor->id)
		return fail(STAFF_INVALID, "自分自身のアカウントは停止・削除できません。", err, errlen);
	if (strcmp(old, "deleted") == 0)
		return fail(STAFF_INVALID, "削除済みのアカウントは変更できません。", err, errlen);
	if (strcmp(old, status) == 0)
		return fail(STAFF_INVALID, strcmp(status, "active") == 0 ? "このアカウントは既に利用中です。" :
		    "このアカウントは既に停止中です。", err, errlen);
	if (reason == NULL || !text_ok(reason, 1, STAFF_REASON_MAX, true) || reason[strspn(reason, " \t\r\n")] == '\0') {
		str_errf(err, errlen, "理由を%d文字以内で入力してください。", STAFF_REASON_MAX);
		return STAFF_INVALID;
	}
	to_active = strcmp(status, "active") == 0;
	admin_leaves = pk == POLICY_STAFF && strcmp(role, "admin") == 0 && strcmp(old, "active") == 0 && !to_active;
	if (admin_leaves) {
		int64_t admins = staff_count_admins(db, id);
		if (admins < 0)
			return fail(STAFF_ERROR, MSG_DB, err, errlen);
		if (admins == 0)
			return fail(STAFF_LAST_ADMIN, MSG_LAST_ADMIN, err, errlen);
	}
	snprintf(detail, sizeof(detail), "%s %s -> %s", kind, old, status);
	if (!db_begin_write(db))
		return fail(STAFF_ERROR, MSG_DB, err, errlen);
	if (admin_leaves && staff_count_admins(db, id) < 1) {
		db_rollback(db);
		return fail(STAFF_LAST_ADMIN, MSG_LAST_ADMIN, err, errlen);
	}
	/* inside the transaction: no entry, no change (SEC07) */
	if (!audit(db, actor, ip, to_active ? "account.reactivate" : strcmp(status, "deleted") == 0 ? "account.delete" :
	    "account.suspend", id, "account", detail, now))
		goto fail;
	st = db_prepare(db, "UPDATE accounts SET status = ?, updated_at = ? WHERE id = ? AND status <> 'deleted'");
	if (st == NULL)
		goto fail;
	db_bind_str(st, 1, status);
	db_bind_i64(st, 2, now);
	db_bind_i64(st, 3, id);
	if (db_run(st) != DB_DONE)
		goto fail;
	st = db_prepare(db, "INSERT INTO account_status_log (account_id, status, reason, by_id, at) VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		goto fail;
	db_bind_i64(st, 1, id);
	db_bind_str(st, 2, status);
	db_bind_str(st, 3, reason);
	db_bind_i64(st, 4, actor->id);
	db_bind_i64(st, 5, now);
	if (db_run(st) != DB_DONE)
		goto fail;
	/* a suspended or deleted account is signed out everywhere at once */
	if (!to_active && !session_destroy_account(db, id, NULL))
		goto fail;
	if (!db_commit(db))
		goto fail;
	audit_sync_head(db);
	return STAFF_OK;
fail:
	db_rollback(db);
	return fail(STAFF_ERROR, MSG_DB, err, errlen);
}

static bool
code_ok(const char *code)
{
	size_t i, n = code ? strlen(code) : 0;

	if (n == 0 || n > DEPARTMENT_CODE_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((code[i] >= 'a' && code[i] <= 'z') || (code[i] >= '0' && code[i] <= '9') || code[i] == '_' ||
		    code[i] == '-'))
			return false;
	return true;
}

staff_result_t
department_add(db_t *db, const account_t *actor, const char *code, const char *name, const char *kind,
    const char *ip, int64_t now, const char **field, char *err, size_t errlen)
{
	db_stmt_t *st;
	int rc;

	*field = NULL;
	if (!policy_can(actor, POLICY_CREATE, POLICY_MASTER, 0))
		return fail(STAFF_DENIED, MSG_DENIED, err, errlen);
	if (!code_ok(code)) {
		*field = "code";
		str_errf(err, errlen, "部署コードは半角英小文字・数字・_ - で%d文字以内で入力してください。", DEPARTMENT_CODE_MAX);
		return STAFF_INVALID;
	}
	if (!text_ok(name, 1, DEPARTMENT_NAME_MAX, false)) {
		*field = "name";
		str_errf(err, errlen, "部署名を%d文字以内で入力してください。", DEPARTMENT_NAME_MAX);
		return STAFF_INVALID;
	}
	if (kind == NULL || (strcmp(kind, "pref") != 0 && strcmp(kind, "employment") != 0 && strcmp(kind, "company") != 0)) {
		*field = "kind";
		return fail(STAFF_INVALID, "部署の種類を県・就職支援部門・企業支援部門から選んでください。", err, errlen);
	}
	/* the entry and the change in one transaction: no entry, no change (SEC07) */
	if (!db_begin_write(db))
		return fail(STAFF_ERROR, MSG_DB, err, errlen);
	if (!audit(db, actor, ip, "department.create", 0, "department", code, now))
		return db_rollback(db), fail(STAFF_ERROR, MSG_DB, err, errlen);
	st = db_prepare(db, "INSERT INTO departments (code, name, kind, created_at) VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return db_rollback(db), fail(STAFF_ERROR, MSG_DB, err, errlen);
	db_bind_str(st, 1, code);
	db_bind_str(st, 2, name);
	db_bind_str(st, 3, kind);
	db_bind_i64(st, 4, now);
	rc = db_run(st);
	if (rc == DB_CONSTRAINT) {
		db_rollback(db);
		*field = "code";
		return fail(STAFF_INVALID, "この部署コードは既に使われています。", err, errlen);
	}
	if (rc != DB_DONE || !db_commit(db))
		return db_rollback(db), fail(STAFF_ERROR, MSG_DB, err, errlen);
	audit_sync_head(db);
	return STAFF_OK;
}

staff_result_t
department_rename(db_t *db, const account_t *actor, int64_t id, const char *name, const char *ip, int64_t now,
    char *err, size_t errlen)
{
	db_stmt_t *st;

	if (!policy_can(actor, POLICY_UPDATE, POLICY_MASTER, 0))
		return fail(STAFF_DENIED, MSG_DENIED, err, errlen);
	if (!text_ok(name, 1, DEPARTMENT_NAME_MAX, false)) {
		str_errf(err, errlen, "部署名を%d文字以内で入力してください。", DEPARTMENT_NAME_MAX);
		return STAFF_INVALID;
	}
	/* the entry and the change in one transaction: no entry, no change (SEC07) */
	if (!db_begin_write(db))
		return fail(STAFF_ERROR, MSG_DB, err, errlen);
	st = db_prepare(db, "UPDATE departments SET name = ? WHERE id = ?");
	if (st == NULL)
		return db_rollback(db), fail(STAFF_ERROR, MSG_DB, err, errlen);
	db_bind_str(st, 1, name);
	db_bind_i64(st, 2, id);
	if (db_run(st) != DB_DONE)
		return db_rollback(db), fail(STAFF_ERROR, MSG_DB, err, errlen);
	if (db_changes(db) != 1) {
		db_rollback(db);
		return fail(STAFF_NOT_FOUND, "部署が見つかりません。", err, errlen);
	}
	if (!audit(db, actor, ip, "department.rename", id, "department", "", now) || !db_commit(db))
		return db_rollback(db), fail(STAFF_ERROR, MSG_DB, err, errlen);
	audit_sync_head(db);
	return STAFF_OK;
}

staff_result_t
department_retire(db_t *db, const account_t *actor, int64_t id, const char *ip, int64_t now, bool *deleted,
    char *err, size_t errlen)
{
	db_stmt_t *st;
	char kind[16] = "";
	int64_t used = 0;
	bool found = false;

	*deleted = false;
	if (!policy_can(actor, POLICY_DELETE, POLICY_MASTER, 0))
		return fail(STAFF_DENIED, MSG_DENIED, err, errlen);
	st = db_prepare(db, "SELECT kind, (SELECT COUNT(*) FROM accounts WHERE department_id = d.id) + "
	    "(SELECT COUNT(*) FROM entities WHERE department_id = d.id) FROM departments d WHERE id = ? AND retired_at IS NULL");
	if (st == NULL)
		return fail(STAFF_ERROR, MSG_DB, err, errlen);
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW) {
		found = true;
		str_copy(kind, sizeof(kind), db_col_text(st, 0));
		used = db_col_i64(st, 1);
	}
	db_done(st);
	if (!found)
		return fail(STAFF_NOT_FOUND, "部署が見つかりません。", err, errlen);
	if (strcmp(kind, "pref") == 0)
		return fail(STAFF_INVALID, "県の部署は廃止できません。", err, errlen);
	/* the entry and the change in one transaction: no entry, no change (SEC07) */
	if (!db_begin_write(db))
		return fail(STAFF_ERROR, MSG_DB, err, errlen);
	if (!audit(db, actor, ip, used ? "department.retire" : "department.delete", id, "department", "", now))
		return db_rollback(db), fail(STAFF_ERROR, MSG_DB, err, errlen);
	st = db_prepare(db, used ? "UPDATE departments SET retired_at = ? WHERE id = ?" :
	    "DELETE FROM departments WHERE ? > 0 AND id = ?");
	if (st == NULL)
		return db_rollback(db), fail(STAFF_ERROR, MSG_DB, err, errlen);
	db_bind_i64(st, 1, now);
	db_bind_i64(st, 2, id);
	if (db_run(st) != DB_DONE || !db_commit(db))
		return db_rollback(db), fail(STAFF_ERROR, MSG_DB, err, errlen);
	audit_sync_head(db);
	*deleted = !used;
	return STAFF_OK;
}
