/*
 * staff.h - the staff master (担当者マスタ, G50), the department master (担当部署マスタ, G51) and the
 * lifecycle of every account (SEC15): suspend, reactivate, delete, with the reason recorded.
 *
 * Each function takes the acting account and asks policy_can itself, so a direct POST that skips the
 * screens meets the same rule. Each change is audited (audit.h) before its transaction runs; a change
 * whose audit entry cannot be written does not happen.
 */
#ifndef TSUNAGU_STAFF_H
#define TSUNAGU_STAFF_H

#include "auth/account.h"
#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STAFF_REASON_MAX     500  /* characters of a status change reason */
#define DEPARTMENT_NAME_MAX  50   /* characters */
#define DEPARTMENT_CODE_MAX  32   /* bytes of [a-z0-9_-] */

typedef enum {
	STAFF_OK = 0,
	STAFF_INVALID,  /* the input is wrong: a Japanese message in err, the form field in *field */
	STAFF_DENIED,   /* the actor may not do this (answer 403) */
	STAFF_LAST_ADMIN, /* would leave no active administrator */
	STAFF_NOT_FOUND,
	STAFF_ERROR,    /* database or audit failure (answer 500) */
} staff_result_t;

typedef struct staff_input {
	const char *login;           /* create only */
	const char *password;        /* create only: the initial password, to be changed at first login */
	const char *email;
	const char *display_name;
	const char *department_code;
	const char *role;            /* view, edit, admin */
} staff_input_t;

/* Registers a staff member (admin only; policy POLICY_STAFF/CREATE in the chosen department). */
staff_result_t staff_create(db_t *db, const account_t *actor, const staff_input_t *in, const char *ip, int64_t now,
                   int64_t *id, const char **field, char *err, size_t errlen);
/* Changes name, e-mail, department and role. The last active admin keeps the admin role. */
staff_result_t staff_update(db_t *db, const account_t *actor, int64_t id, const staff_input_t *in, const char *ip,
                   int64_t now, const char **field, char *err, size_t errlen);
/* Sets an account's status to active, suspended or deleted (final) with a reason (1-500 characters),
 * logs it in account_status_log and ends the account's sessions. Staff targets: admin rule, never
 * oneself, never the last active admin. Seekers: POLICY_SEEKER; companies: POLICY_COMPANY with the
 * company record's department; other member kinds: as a company with no department (prefecture only). */
staff_result_t account_set_status(db_t *db, const account_t *actor, int64_t id, const char *status,
                   const char *reason, const char *ip, int64_t now, char *err, size_t errlen);
/* Active accounts with the admin role, other than except_id (0: none). -1 on error. */
int64_t        staff_count_admins(db_t *db, int64_t except_id);
/* Japanese label of an account status (利用中, 停止中, 削除済み). */
const char    *account_status_label(const char *status);

/* Department master (POLICY_MASTER): kinds are fixed to pref, employment and company. */
staff_result_t department_add(db_t *db, const account_t *actor, const char *code, const char *name, const char *kind,
                   const char *ip, int64_t now, const char **field, char *err, size_t errlen);
staff_result_t department_rename(db_t *db, const account_t *actor, int64_t id, const char *name, const char *ip,
                   int64_t now, char *err, size_t errlen);
/* A department with staff or records is retired (kept, no longer chosen); one without is deleted.
 * *deleted tells which. The prefecture's own departments (kind pref) stay. */
staff_result_t department_retire(db_t *db, const account_t *actor, int64_t id, const char *ip, int64_t now,
                   bool *deleted, char *err, size_t errlen);
const char    *department_kind_label(const char *kind);

#endif
