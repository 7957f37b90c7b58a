/* account.h - accounts of every kind, login with lock-out (SEC14, SEC15), password changes. */
#ifndef TSUNAGU_ACCOUNT_H
#define TSUNAGU_ACCOUNT_H

#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOGIN_MIN 3
#define LOGIN_MAX 64
#define EMAIL_MAX 254
#define DISPLAY_NAME_MAX 100  /* characters */

typedef struct account {
	int64_t id;
	char    kind[16];            /* staff, seeker, company, business, applicant */
	char    login[LOGIN_MAX + 1];
	char    email[EMAIL_MAX + 1];
	char    display_name[400];
	char    status[16];
	char    department_code[32]; /* staff only */
	char    department_name[64];
	char    department_kind[16]; /* pref, employment, company */
	int64_t last_login_at;       /* the login before the current one (0: none) */
	int64_t password_changed_at;
	/* issue 6 (staff roles, migration 012) */
	char    role[8];             /* staff: view, edit, admin; "" for members */
	int64_t department_id;       /* staff: their department (0 for members) */
	bool    must_change_password;
} account_t;

typedef enum { LOGIN_OK, LOGIN_FAILED, LOGIN_LOCKED, LOGIN_ERROR } login_result_t;

typedef struct login_policy {
	int     max_failures;
	int64_t lockout_s;
} login_policy_t;

typedef struct account_new {
	const char *kind;
	const char *login;
	const char *email;
	const char *display_name;
	const char *password;
	const char *department_code; /* required for staff, ignored otherwise */
} account_new_t;

/* Checks the password (and the lock-out counter kept per login ID whether or not it exists), audits
 * the outcome. The answer for an unknown ID is the same as for a wrong password. */
login_result_t account_login(db_t *db, const char *login, const char *password, const char *ip,
                   int64_t now, const login_policy_t *p, account_t *out);
bool account_get(db_t *db, int64_t id, account_t *out);
/* Validates and creates; on a validation failure returns false with a Japanese message in err. */
bool account_create(db_t *db, const account_new_t *n, const char *actor, const char *ip, int64_t now,
         int64_t *id, char *err, size_t errlen);
/* account_create for staff with a role (view, edit, admin; NULL: edit) and, for an initial password an
 * administrator gave, the duty to choose one's own at the next login (issue 6, G50). */
bool account_create_staff(db_t *db, const account_new_t *n, const char *role, bool must_change_password,
         const char *actor, const char *ip, int64_t now, int64_t *id, char *err, size_t errlen);
/* Changes the password after checking the current one; ends the account's other sessions. */
bool account_change_password(db_t *db, const account_t *a, const char *current, const char *next,
         const char *keep_session, const char *ip, int64_t now, char *err, size_t errlen);
/* issue 6 item 6: the second sign-in step (TOTP) counts its failures in the password lock-out. */
bool           account_throttle_locked(db_t *db, const char *login, int64_t now);
/* One more failure for a's login ID (what: e.g. "2fa"), audited; LOGIN_FAILED, LOGIN_LOCKED or LOGIN_ERROR. */
login_result_t account_throttle_failure(db_t *db, const account_t *a, const char *ip, const char *what, int64_t now,
         const login_policy_t *p);
/* A completed second step starts the count again, as a right password does. */
bool           account_throttle_clear(db_t *db, const char *login);
/* Login ID syntax: 3–64 of A–Z a–z 0–9 . _ - @ */
bool account_login_valid(const char *login);
bool account_email_valid(const char *email);
/* True for the three staff roles view, edit, admin. */
bool account_role_valid(const char *role);
/* Japanese label of a staff role (閲覧, 編集, 管理). */
const char *account_role_label(const char *role);
/* Japanese label of an account kind (求職者, 企業, 職員 ...). */
const char *account_kind_label(const char *kind);

#endif
