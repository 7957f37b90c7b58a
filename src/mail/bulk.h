/*
 * bulk.h - 一斉メール (G55, G56, SEC08): mail to the job seekers or companies a filter selects, only active
 * accounts that accepted information mail (mail_ok = 1) and have a valid address. Each recipient gets a
 * message of their own through the outbox (mail.h), To: that recipient only, never Cc or Bcc, with the
 * placeholders {{氏名}} and {{ログインID}} filled in and a footer holding their unsubscribe link (an HMAC
 * token of account id and purpose under a key derived from the CSRF secret). The send, its recipient
 * rows, every outbox row and the audit entry commit in one transaction.
 */
#ifndef TSUNAGU_BULK_H
#define TSUNAGU_BULK_H

#include "auth/account.h"
#include "core/buf.h"
#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BULK_MAX_RECIPIENTS 5000  /* per send; more is refused */
#define BULK_SUBJECT_MAX    100   /* characters as typed, one line */
#define BULK_BODY_MAX       10000 /* characters as typed */
#define BULK_KEYWORD_MAX    100   /* characters of the keyword filter */
#define BULK_CODE_MAX       64    /* bytes of a vocabulary code or a listing status */
#define BULK_TOKEN_MAX      96    /* bytes of an unsubscribe token: "<id>.<64 hex>" */
#define BULK_NAME_MAX       400   /* bytes of a recipient's name */

typedef enum { BULK_SEEKER = 0, BULK_COMPANY } bulk_audience_t;

/* The selection. Empty strings and zeros mean "any". */
typedef struct bulk_filter {
	bulk_audience_t audience;
	char    target[BULK_CODE_MAX + 1];          /* seekers: seekers.target (vocabulary "target") */
	int64_t from, until;                        /* seekers: accounts.created_at in [from, until) */
	char    keyword[4 * BULK_KEYWORD_MAX + 1];  /* login ID or display name contains it */
	int64_t industry;                           /* companies: a term id of vocabulary "industry" */
	int64_t area;                               /* companies: a term id of "area" or "municipality" */
	char    listing[BULK_CODE_MAX + 1];         /* companies: entities.status of the company record */
} bulk_filter_t;

typedef struct bulk_recipient {
	int64_t account_id;
	char    login[LOGIN_MAX + 1];
	char    email[EMAIL_MAX + 1];
	char    name[BULK_NAME_MAX];
} bulk_recipient_t;

typedef enum { BULK_OK = 0, BULK_INVALID, BULK_ERROR } bulk_result_t;

/* What bulk_send needs besides the filter. */
typedef struct bulk_send_req {
	const bulk_filter_t *filter;
	const char *subject, *body;
	const char *base_url;      /* config base_url, for the unsubscribe link */
	int64_t     expect;        /* the count the sender confirmed; a different count now is refused */
	const account_t *actor;
	const char *ip;
	int64_t     now;
} bulk_send_req_t;

/* The recipient's name as mail shows it (today accounts.display_name, the login ID when empty). The one
 * place a name is read, so that sealed personal fields can change it alone. False on a database error. */
bool bulk_recipient_name(db_t *db, int64_t account_id, char *buf, size_t n);
/* Where a job seeker's name comes from: their sealed profile (member/records.h rec_seeker_name), set by the
 * app at start; this module does not open sealed fields itself. NULL: display name or login ID only. */
struct arena;
typedef const char *(*bulk_seeker_name_fn)(db_t *db, struct arena *A, int64_t account_id);
void bulk_set_seeker_name(bulk_seeker_name_fn fn);

/* Checks a typed subject (one line) or body: length, UTF-8, and every {{...}} a known placeholder.
 * False with a Japanese message in err. */
bool bulk_check_text(const char *text, bool subject, char *err, size_t errlen);
/* Appends text with the placeholders filled in for rc; false (with err) on an unknown placeholder. */
bool bulk_render(buf_t *out, const char *text, const bulk_recipient_t *rc, char *err, size_t errlen);
/* The footer with the unsubscribe link for account_id, appended to out. */
bool bulk_footer(buf_t *out, const char *base_url, int64_t account_id);
/* The recipient's unsubscribe page, base_url + "/unsubscribe?t=<token>", appended to out (no newline). */
bool bulk_unsubscribe_url(buf_t *out, const char *base_url, int64_t account_id);

/* Up to max recipients with account id > after, in id order; returns how many, -1 on error. */
int     bulk_select(db_t *db, const bulk_filter_t *f, int64_t after, bulk_recipient_t *out, int max);
/* How many the filter selects, counting at most cap + 1; -1 on error. */
int64_t bulk_count(db_t *db, const bulk_filter_t *f, int64_t cap);
/* The filter as JSON (for bulk_mails.filter and the audit entry), malloc'd; NULL on failure. */
char   *bulk_filter_json(const bulk_filter_t *f);

/* Sends: one outbox row per recipient, the bulk_mails and bulk_mail_recipients rows and the audit entry
 * bulk_mail.send, all in one transaction (mail_wake() is the caller's, after). BULK_INVALID with a
 * Japanese message when there is nobody, more than BULK_MAX_RECIPIENTS, a count other than expected,
 * or a message that cannot be sent. */
bulk_result_t bulk_send(db_t *db, const bulk_send_req_t *q, int64_t *bulk_id, int64_t *count, char *err, size_t errlen);
/* One message to the actor's own address, subject marked 【テスト】, placeholders filled with the
 * actor's own name and login ID; audited bulk_mail.test. */
bulk_result_t bulk_test_send(db_t *db, const bulk_send_req_t *q, char *err, size_t errlen);

/* The unsubscribe token of account_id (NUL-terminated, at most BULK_TOKEN_MAX bytes). */
void bulk_token_make(int64_t account_id, char out[BULK_TOKEN_MAX + 1]);
/* True when token is one bulk_token_make made; *account_id gets its account. */
bool bulk_token_verify(const char *token, int64_t *account_id);
/* Sets mail_ok = 0 for the account (seeker or company) with the audit entry member.unsubscribe;
 * false on a database or audit error. */
bool bulk_unsubscribe(db_t *db, int64_t account_id, const char *ip, int64_t now);

/* "ta***@example.jp": the first two characters of the local part, then ***. */
void bulk_mask_email(const char *email, char *out, size_t n);

const char *bulk_audience_name(bulk_audience_t a);  /* "seeker", "company" */
const char *bulk_audience_label(bulk_audience_t a); /* 求職者, 企業 */

#endif
