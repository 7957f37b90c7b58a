/*
 * records.h - job-seeker records in the back office (issue 7 items 3 and 7; G66, SEC06, SEC09): the
 * sealed profile, internal memo and remarks (備考), consultant records (コンサルタント記録), interaction
 * history (対応履歴), referrals (紹介履歴) with every outcome kept, the export of everything held about one
 * person and the erasure that keeps statistics. Without HTTP: the pages are app/seekers.c.
 *
 * Every personal text is sealed with auth/seal.h under "table/column/row"; a seeker's name and kana are
 * found through seeker_name_index (blind index of prefixes). Every write is audited inside its own
 * transaction (no entry, no change) with the names of the fields it changed.
 */
#ifndef TSUNAGU_RECORDS_H
#define TSUNAGU_RECORDS_H

#include "auth/account.h"
#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"
#include "member/member.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REC_NOTES_MAX     4000   /* characters of a consultant record's notes or a memo */
#define REC_SUMMARY_MAX   1000   /* characters of an interaction */
#define REC_LIST_MAX      100    /* seekers per page of the staff list */
#define REC_QUERY_MAX     50     /* characters of a name or kana search */
#define REC_REASON_MAX    200    /* characters of an erasure reason */

/* The sealed seeker columns, in the order of the MEMBER_SEEKER_PROFILE form's text fields. */
extern const char *const rec_seeker_cols[10];
#define REC_SEEKER_NCOLS 10

/* Writes (insert or update) a seeker's profile from f (MEMBER_SEEKER_PROFILE or MEMBER_SEEKER_REG values)
 * sealed, with its name index; inside the caller's transaction. */
bool rec_seeker_store(db_t *db, arena_t *A, int64_t account_id, const member_form_t *f, bool held, int64_t now);
/* Replaces the blind index rows of a seeker (name and kana); inside the caller's transaction. */
bool rec_seeker_index(db_t *db, arena_t *A, int64_t account_id, const char *name, const char *kana);
/* The seeker's name opened (in A): "" when none, NULL on error. */
const char *rec_seeker_name(db_t *db, arena_t *A, int64_t account_id);

/* Seals every row still in clear (seekers, consultations, consultation_messages, registrations), builds
 * their name indexes and empties seekers' display names; then checkpoints the WAL so no clear copy is
 * left in it. Run by `migrate` and at start; returns rows sealed, -1 on error. */
int64_t rec_seal_migrate(db_t *db);

/* One seeker as the staff detail page shows it (strings in A). */
typedef struct rec_seeker {
	int64_t     id;
	const char *login, *email, *status;
	const char *v[REC_SEEKER_NCOLS];   /* name, kana, birth_date, phone, postal_code, address, school,
	                                      graduation, target, wishes */
	const char *industry;              /* code of "industry" */
	const char *internal_memo, *remarks;
	bool        mail_ok, held, erased;
	int64_t     created_at, updated_at, erased_at;
} rec_seeker_t;

/* 1 found, 0 not a seeker, -1 error (or a sealed value that does not open). */
int  rec_seeker_get(db_t *db, arena_t *A, int64_t id, rec_seeker_t *out);

/* Staff list filters; empty strings and 0 mean "any". */
typedef struct rec_filter {
	const char *name;       /* prefix (or whole) of the name, through the blind index */
	const char *kana;       /* prefix (or whole) of the kana */
	const char *keyword;    /* login ID, e-mail address, school (in clear? no: sealed) - see seekers.c */
	const char *industry;   /* term code */
	const char *target;     /* term code */
	int64_t     from, to;   /* registered at in [from, to) (UTC epoch) */
	int         page;       /* 1.. */
} rec_filter_t;

typedef struct rec_row {
	int64_t     id;
	const char *login, *name, *kana, *target, *industry, *status;
	int64_t     created_at;
	bool        erased;
} rec_row_t;

/* Seekers matching f, newest first, at most REC_LIST_MAX (+1 to tell "more"); *n rows in *out (in A). */
bool rec_seeker_search(db_t *db, arena_t *A, const rec_filter_t *f, rec_row_t **out, size_t *n);

/* Staff edit of the profile and internal data: f is a checked MEMBER_SEEKER_PROFILE form; industry a
 * checked code or ""; memo and remarks at most REC_NOTES_MAX characters. Audited "seeker.update" with
 * the changed field names. False with a Japanese message in err. */
bool rec_seeker_update(db_t *db, arena_t *A, const account_t *actor, const char *ip, int64_t id,
         const member_form_t *f, const char *industry, const char *memo, const char *remarks, int64_t now,
         char *err, size_t errlen);

/* A job seeker registered by staff at the counter (G66 求職者詳細情報登録): f is a checked MEMBER_SEEKER_REG
 * form (address and profile), industry a checked code or "", memo and remarks at most REC_NOTES_MAX
 * characters. In one transaction: a new login ID ("J" and digits) on an account with no password yet,
 * the sealed profile with its name index and internal data, the audit entry "seeker.create", and a mail
 * to the seeker with the login ID and a single-use link (REC_WELCOME_TTL_S) to choose a password — staff
 * never know it. The caller calls mail_wake() after. *id and login are set on success. */
#define REC_WELCOME_TTL_S (7 * 86400)
typedef enum { REC_CREATE_OK, REC_CREATE_INVALID, REC_CREATE_DUPLICATE, REC_CREATE_ERROR } rec_create_rc_t;
rec_create_rc_t rec_seeker_create(db_t *db, arena_t *A, const account_t *actor, const char *ip, const member_form_t *f,
         const char *industry, const char *memo, const char *remarks, const member_site_t *site, int64_t now,
         int64_t *id, char login[MEMBER_LOGIN_LEN + 1], char *err, size_t errlen);

/* A consultant record as typed (strings borrowed). */
typedef struct rec_consult_in {
	const char *held_on;      /* YYYY-MM-DD */
	int64_t     staff_id;     /* 0: the actor */
	const char *channel;      /* visit, phone, mail, online */
	int64_t     department_id;/* 0: the actor's */
	const char *topic;        /* consult_topics.code */
	const char *notes;
} rec_consult_in_t;

/* Which field is wrong (the form's field name) and why, for the form. */
typedef struct rec_err {
	const char *field;
	char        msg[200];
} rec_err_t;

bool rec_consult_check(db_t *db, const rec_consult_in_t *in, rec_err_t *e);
/* record_id 0: add; else update that record of the seeker. *id gets the record's id. */
bool rec_consult_save(db_t *db, arena_t *A, const account_t *actor, const char *ip, int64_t seeker_id,
         int64_t record_id, const rec_consult_in_t *in, int64_t now, int64_t *id, rec_err_t *e);

bool rec_interaction_add(db_t *db, arena_t *A, const account_t *actor, const char *ip, int64_t seeker_id,
         const char *happened_on, const char *summary, int64_t now, rec_err_t *e);

/* Outcome codes and their Japanese names: applied 応募, interview 面接, offer 内定, hired 就職, declined 辞退. */
const char *rec_outcome_label(const char *code);
const char *rec_channel_label(const char *code);
bool rec_referral_add(db_t *db, const account_t *actor, const char *ip, int64_t seeker_id, int64_t entity_id,
         const char *referred_on, const char *outcome, int64_t now, int64_t *id, rec_err_t *e);
bool rec_referral_outcome(db_t *db, const account_t *actor, const char *ip, int64_t seeker_id, int64_t referral_id,
         const char *outcome, int64_t now, rec_err_t *e);

/* SEC09: everything held about one seeker as a JSON document (malloc'd into *json); NULL on error. The
 * caller audits the export. */
bool rec_seeker_export(db_t *db, arena_t *A, int64_t id, char **json, size_t *len);
/* SEC09: wipes the personal fields and texts (sealed values emptied, name index removed, account
 * disabled with its e-mail address removed, sessions ended), keeps the statistics rows (consultant
 * records, referrals, consultations without their texts) and the audit chain; audited "seeker.erase"
 * with the reason. False with a Japanese message in err. */
bool rec_seeker_erase(db_t *db, const account_t *actor, const char *ip, int64_t id, const char *reason,
         int64_t now, char *err, size_t errlen);

#endif
