/*
 * member.h - what job seekers and companies do for themselves (issue 5 items 3, 4, 7; G11, G12, G21):
 * registration confirmed by e-mail, password reset by e-mail, the job seeker's profile.
 *
 * Registration: the form is checked (member_form_check) and member_register stores a pending
 * registration with a random token, of which only the BLAKE2b hash is kept, and queues a mail with the
 * link <base>/register/confirm?token=... in the same transaction. When the address already belongs to
 * an account of that kind, no registration is stored and the mail says so instead: the screen answers
 * the same either way. Opening the link shows the login ID chosen at registration; setting a password
 * (member_register_complete) creates the account, the seekers row or the draft company entity with its
 * company_accounts row, marks the registration used and queues the login ID mail, all in one transaction.
 *
 * Password reset: member_reset_request queues, for each member account with the address, a mail with a
 * single-use link valid MEMBER_RESET_TTL_S; member_reset_complete sets the new password and ends every
 * session of the account.
 *
 * Mail headers are never made from what a visitor typed: the subject is fixed text, the address is a
 * checked plain address (SEC04), and a form with a control character in any one-line field is refused.
 */
#ifndef TSUNAGU_MEMBER_H
#define TSUNAGU_MEMBER_H

#include "content/schema.h"
#include "core/arena.h"
#include "core/str.h"
#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEMBER_TOKEN_BYTES     32
#define MEMBER_TOKEN_LEN       43                /* base64url without padding */
#define MEMBER_REG_TTL_S       (24 * 3600)       /* a confirmation link */
#define MEMBER_RESET_TTL_S     3600              /* a password reset link */
#define MEMBER_LOGIN_DIGITS    8                 /* J12345678, C12345678 */
#define MEMBER_LOGIN_LEN       (1 + MEMBER_LOGIN_DIGITS)
#define MEMBER_FIELDS_MAX      16
#define MEMBER_ERR_MAX         200               /* bytes of one field's message */
#define MEMBER_VALUE_MAX       4096              /* bytes of one field's value before any other check */
#define MEMBER_RESET_ACCOUNTS  5                 /* accounts one reset request may mail */
#define MEMBER_NAME_MAX        50                /* characters of a person's name or its kana */

typedef enum { MEMBER_SEEKER_REG, MEMBER_COMPANY_REG, MEMBER_SEEKER_PROFILE, MEMBER_FORGOT } member_form_kind_t;

/* What a field's value must be. */
typedef enum {
	MF_TEXT,      /* one line */
	MF_LONG,      /* several lines */
	MF_KANA,      /* hiragana or katakana, spaces, ー */
	MF_DATE,      /* YYYY-MM-DD, a real date in the past */
	MF_MONTH,     /* YYYY-MM */
	MF_PHONE,     /* digits and hyphens */
	MF_POSTAL,    /* 123-4567 or 1234567 */
	MF_EMAIL,
	MF_TERM,      /* a code of the vocabulary named by the field's vocab */
	MF_BOOL,      /* a checkbox: "1" or absent */
} member_check_t;

typedef struct member_field {
	const char     *name;          /* form field name and JSON key */
	const char     *label;         /* Japanese label */
	member_check_t  check;
	int             max;           /* characters */
	bool            required;
	const char     *vocab;         /* MF_TERM */
	const char     *input;         /* HTML: text, email, tel, date, month, textarea, select, checkbox */
	const char     *autocomplete;  /* NULL: none */
	const char     *hint;          /* NULL: none */
} member_field_t;

/* A form's values (borrowed; NULL = empty) and one message per field that is wrong. */
typedef struct member_form {
	member_form_kind_t     kind;
	const member_field_t  *defs;
	int                    n;
	const char            *values[MEMBER_FIELDS_MAX];
	const char            *prev[MEMBER_FIELDS_MAX];  /* the stored values of a re-saved profile (NULL: none):
	                                                  * a retired term equal to its stored value may stay */
	char                   errors[MEMBER_FIELDS_MAX][MEMBER_ERR_MAX];
} member_form_t;

/* An empty form of kind. */
void        member_form_init(member_form_t *f, member_form_kind_t kind);
int         member_form_index(const member_form_t *f, const char *name);
const char *member_form_value(const member_form_t *f, const char *name);
/* Checks every field (terms against the database when db is not NULL); false when any is wrong, with
 * Japanese messages in f->errors. */
bool        member_form_check(db_t *db, member_form_t *f, int64_t now);
/* The values as a JSON object (malloc'd); NULL on failure. */
char       *member_form_json(const member_form_t *f);
/* Fills f's values from a JSON object, copied into A; false when json is not an object. */
bool        member_form_from_json(member_form_t *f, const char *json, arena_t *A);
/* A term's name for code (into out), e.g. the vocabulary "target"; false when unknown. Retired terms
 * (マスタ管理) are found too: they still name what old records hold. */
bool        member_term_name(db_t *db, const char *vocab, const char *code, char *out, size_t outlen);
/* May code be chosen now? Active terms, and a retired one only when it equals prev (the stored value). */
bool        member_term_choosable(db_t *db, const char *vocab, const char *code, const char *prev);

/* A new random token (MEMBER_TOKEN_LEN characters) and its hash. */
void        member_token_new(char out[MEMBER_TOKEN_LEN + 1], unsigned char hash[32]);
/* The hash of a token from a link; false when it is not one (wrong length or characters). */
bool        member_token_hash(const char *token, unsigned char hash[32]);
/* A login ID not yet used by an account or registration: prefix ('J' or 'C') and random digits. */
bool        member_login_new(db_t *db, char prefix, char out[MEMBER_LOGIN_LEN + 1]);

/* What the mails need to know about the site. */
typedef struct member_site {
	const char *name;        /* site name for subjects and signatures */
	const char *link_base;   /* absolute URL the token is appended to: ".../register/confirm?token=" */
	const char *login_url;   /* absolute URL of the login page */
	const char *forgot_url;  /* absolute URL of the password reset request page */
} member_site_t;

typedef enum { MEMBER_REG_SENT, MEMBER_REG_DUPLICATE } member_reg_outcome_t;

/* Stores a checked registration form (MEMBER_SEEKER_REG or MEMBER_COMPANY_REG) and queues its mail,
 * in one transaction; the caller calls mail_wake() afterwards. *reg_id gets the registration's id
 * (0 for a duplicate address). False on a database or mail error. */
bool member_register(db_t *db, const member_form_t *f, bool held, const char *ip, const member_site_t *site,
         int64_t now, member_reg_outcome_t *outcome, int64_t *reg_id);

typedef enum { MEMBER_LINK_OK, MEMBER_LINK_UNKNOWN, MEMBER_LINK_EXPIRED, MEMBER_LINK_USED, MEMBER_LINK_ERROR } member_link_t;

/* A pending registration as the confirmation page shows it. */
typedef struct member_reg {
	int64_t id;
	char    kind[16];
	char    email[STR_EMAIL_MAX + 1];
	char    login[MEMBER_LOGIN_LEN + 1];
	bool    held;
	int64_t expires_at;
} member_reg_t;

member_link_t member_register_lookup(db_t *db, const char *token, int64_t now, member_reg_t *out);
/* Creates the account of the registration token names with password (the policy of password.h): account,
 * seekers row or draft company entity (schema s) with company_accounts, registration used, login ID mail
 * queued, audit entry; in one transaction. False with a Japanese message in err (*link says why when
 * the link itself is not usable). */
bool member_register_complete(db_t *db, const schema_t *s, const char *token, const char *password,
         const char *ip, const member_site_t *site, int64_t now, member_link_t *link, member_reg_t *reg,
         char *err, size_t errlen);

/* Queues a reset mail for every active seeker or company account with email (at most
 * MEMBER_RESET_ACCOUNTS); *sent gets how many (never shown). False on a database error. */
bool member_reset_request(db_t *db, const char *email, const char *ip, const member_site_t *site, int64_t now,
         int *sent);
/* Inserts a member account (kind seeker or company) with its login ID (and the lower-case key that keeps
 * IDs unique whatever their case), inside the caller's transaction; hash "" for no password yet. */
bool member_account_insert(db_t *db, const char *kind, const char *login, const char *email, const char *name,
    const char *hash, int64_t now, int64_t *id);
/* A new single-use password link for the account, valid ttl_s, inside the caller's transaction: the row in
 * password_resets (its hash only) and the token for the mail into token. */
bool member_reset_token(db_t *db, int64_t account_id, int64_t now, int64_t ttl_s, char token[MEMBER_TOKEN_LEN + 1]);
/* The account a reset link is for (*login gets its login ID). */
member_link_t member_reset_lookup(db_t *db, const char *token, int64_t now, int64_t *account_id,
         char login[65]);
/* Sets the new password (policy of password.h), uses up every reset link of the account and ends all its
 * sessions, in one transaction after the audit entry. False with a Japanese message in err. */
bool member_reset_complete(db_t *db, const char *token, const char *password, const char *ip, int64_t now,
         member_link_t *link, char *err, size_t errlen);

/* Deletes registrations never confirmed once their link has expired (with the personal data they held)
 * and reset links past their expiry; returns the number of rows removed, -1 on a database error.
 * Called by the housekeeping round (jobs.c). */
int64_t member_prune(db_t *db, int64_t now);

/* The job seeker's profile (seekers row) as a MEMBER_SEEKER_PROFILE form, values copied into A;
 * false when the account has no row (values stay empty) or on error. */
bool member_seeker_load(db_t *db, int64_t account_id, member_form_t *f, arena_t *A);
/* Saves a checked MEMBER_SEEKER_PROFILE form (creating the row when missing) and the account's
 * display name, audited. False on a database error. */
bool member_seeker_save(db_t *db, int64_t account_id, const char *actor, const char *ip,
         const member_form_t *f, int64_t now);

#endif
