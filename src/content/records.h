/*
 * records.h - the back office's records of companies, job offers and internships (issue 7 items 1 and 2;
 * G60-G65): the staff search (name, kana, keyword, phone in any notation, region, industry, job type,
 * status, listing period), a company's recruiting contacts (採用担当者), the interaction history
 * (企業対応履歴) of companies and offers, and an offer's handling status (対応状況) with its history.
 *
 * Every write asks the department rule (policy_can, G62) for the record it touches and is audited inside
 * its own write transaction (no entry, no write). Tables: migration 022.
 */
#ifndef TSUNAGU_RECORDS_H
#define TSUNAGU_RECORDS_H

#include "auth/account.h"
#include "core/arena.h"
#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RECORDS_QUERY_MAX      200   /* bytes of one search box */
#define RECORDS_PHONE_DIGITS   15    /* digits kept from a phone number (E.164 maximum) */
#define RECORDS_PHONE_MIN      4     /* digits a phone search needs */
#define RECORDS_PER_PAGE       20
#define RECORDS_MAX_PAGE       1000
#define RECORDS_NAME_MAX       100   /* characters */
#define RECORDS_LINE_MAX       200
#define RECORDS_NOTE_MAX       2000
#define RECORDS_SUMMARY_MAX    4000
#define RECORDS_CONTACTS_MAX   50    /* contacts of one company */
#define RECORDS_HISTORY_SHOWN  200   /* rows of a history shown */

typedef enum {
	RECORDS_OK = 0,
	RECORDS_DENIED,     /* the department rule says no */
	RECORDS_INVALID,    /* a value is wrong: field and a Japanese message */
	RECORDS_NOT_FOUND,
	RECORDS_ERROR,      /* database or audit failure: nothing written */
} records_rc_t;

/* The digits of a phone number as typed or stored: NFKC (full-width digits become ASCII), then every
 * digit kept and the separators (hyphens, spaces, parentheses, dots, slashes) dropped. Returns the number
 * of digits, or -1 when something else is there (letters) or there are too many. */
int records_phone_digits(const char *in, char *out, size_t outlen);

typedef struct records_query {
	const char *type;        /* company, job, internship */
	const char *name;        /* part of the title (企業名 / 求人タイトル) */
	const char *kana;        /* part of name_kana (companies) */
	const char *company;     /* part of company_name (offers) */
	const char *q;           /* keyword, through the search index (staff visibility) */
	const char *phone;       /* any notation; matches a part of any phone-type field */
	const char *const *phone_fields; /* the type's phone-type field names (schema) */
	int         nphone_fields;
	const char *region;      /* area or municipality code */
	const char *industry;    /* term code */
	const char *occupation;  /* term code */
	const char *status;      /* draft, pending, published, archived */
	int64_t     ends_before; /* listing_end before this time (0: no limit) */
	int64_t     ends_after;  /* listing_end at or after this time, or open-ended */
	int64_t     active_on;   /* the listing period covers this time */
	bool        sort_name;   /* by kana/name instead of last update */
	int         page;        /* 1-based */
	int         per_page;
	int64_t     now;
} records_query_t;

typedef struct records_row {
	int64_t     id;
	const char *title;
	const char *kana;
	const char *company;
	const char *status;
	const char *department;   /* its name, "" when none */
	int64_t     department_id;
	int64_t     listing_start, listing_end, updated_at;
} records_row_t;

typedef struct records_list {
	records_row_t *rows;
	int            nrows;
	int64_t        total;
	const char    *problem;  /* a Japanese note on a query that could not be used (phone too short) */
} records_list_t;

/* Runs the staff search; allocations in a. False on a database error. */
bool records_search(db_t *db, arena_t *a, const records_query_t *q, records_list_t *out);
/* Every id the query matches, in the list's order (page and per_page ignored), at most RECORDS_EXPORT_MAX:
 * what a CSV export of the list writes (app/export.h). False on a database error or no memory. */
#define RECORDS_EXPORT_MAX 200000
bool records_search_ids(db_t *db, arena_t *a, const records_query_t *q, int64_t **ids, size_t *n);

/* The policy kind of an entity type (company, job, internship), -1 for others. */
int records_kind(const char *type);
/* An entity's type (into type) and department; false when it does not exist. */
bool records_entity(db_t *db, int64_t id, char *type, size_t typelen, int64_t *department);
/* The company entity whose name equals the offer's company_name (0: none). Offers have no company id
 * column yet: the name is the link. */
int64_t records_offer_company(db_t *db, int64_t offer_id);

/* ---- recruiting contacts (採用担当者) ---- */
typedef struct records_contact {
	int64_t     id;          /* 0: a new one */
	int64_t     entity_id;   /* the company */
	const char *name, *kana, *department_title, *phone, *email, *note;
	int64_t     sort;
	int64_t     updated_at;
} records_contact_t;

/* Adds (id 0) or changes a contact; on RECORDS_INVALID *field names the form field and err says why. */
records_rc_t records_contact_save(db_t *db, const account_t *actor, const char *ip, records_contact_t *c,
    int64_t now, const char **field, char *err, size_t errlen);
records_rc_t records_contact_delete(db_t *db, const account_t *actor, const char *ip, int64_t entity_id,
    int64_t contact_id, int64_t now, char *err, size_t errlen);
/* The company's contacts in their order; allocations in a. */
bool records_contacts(db_t *db, arena_t *a, int64_t entity_id, records_contact_t **out, int *n);

/* ---- interaction history (企業対応履歴) ---- */
typedef struct records_interaction {
	int64_t     id;              /* 0: a new one */
	int64_t     entity_id;       /* the company, 0 when none */
	int64_t     offer_entity_id; /* the offer it was about, 0 when none */
	int64_t     at;
	int64_t     staff_account_id;
	int64_t     department_id;
	const char *channel;         /* visit_in, phone, mail, visit, online, other */
	const char *summary, *next_action;
	int64_t     next_action_due; /* 0: none */
	const char *staff, *department; /* names, when read */
} records_interaction_t;

/* Channel codes in display order and their labels (来所, 電話, メール, 訪問, オンライン, その他). */
extern const char *const records_channels[6];
const char *records_channel_label(const char *code);

/* Adds (id 0: by actor, in actor's department) or changes one (what, when, how, next action; the
 * staff member stays). A write from an offer's page (offer_entity_id set) is ruled by the offer's kind
 * and department, otherwise by the company's. */
records_rc_t records_interaction_save(db_t *db, const account_t *actor, const char *ip, records_interaction_t *in,
    int64_t now, const char **field, char *err, size_t errlen);
/* Newest first: of a company (by_offer false: every one filed under it) or of an offer. */
bool records_interactions(db_t *db, arena_t *a, int64_t id, bool by_offer, records_interaction_t **out, int *n);
bool records_interaction_get(db_t *db, arena_t *a, int64_t id, records_interaction_t *out);

/* ---- 対応状況 of offers ---- */
extern const char *const records_offer_statuses[4];  /* received, open, filled, closed */
const char *records_offer_status_label(const char *code);  /* 受付, 公開中, 充足, 終了 */

typedef struct records_status_row {
	const char *status, *note, *by;
	int64_t     at;
} records_status_row_t;

records_rc_t records_offer_status_set(db_t *db, const account_t *actor, const char *ip, int64_t offer_id,
    const char *status, const char *note, int64_t now, char *err, size_t errlen);
/* The current status (the latest row) into out, "" when none was ever set. */
bool records_offer_status_current(db_t *db, int64_t offer_id, char *out, size_t outlen);
/* Newest first. */
bool records_offer_status_history(db_t *db, arena_t *a, int64_t offer_id, records_status_row_t **out, int *n);

#endif
