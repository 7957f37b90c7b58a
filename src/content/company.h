/*
 * company.h - what a company does with its own company information (issue 5 items 5 and 7; G22-G25):
 * the link between a company account and its entity, edits waiting for staff approval as revisions,
 * the listing period (掲載期間) with its renewal (更新), and the site settings that govern them.
 *
 * A listing period is [listing_start, listing_end) in UTC epoch seconds, both JST midnights; the last
 * day shown is the day before listing_end. One period is `listing_unit_months` months counted by the
 * civil-code rule (jtime_add_months). Renewal adds one unit to the current end; a company whose period
 * has already ended (archived) is renewed from today and published again.
 */
#ifndef TSUNAGU_COMPANY_H
#define TSUNAGU_COMPANY_H

#include "content/entity.h"
#include "content/schema.h"
#include "core/buf.h"
#include "db/db.h"

#include <stdbool.h>
#include <stdint.h>

#define COMPANY_MAX_NOTICES   8     /* thresholds in notice_days */
#define COMPANY_MAX_UNIT      12    /* months of one listing unit */
#define COMPANY_REASON_MAX    1000  /* characters of a rejection reason */
#define COMPANY_NOTICE_MAX    1000  /* characters of one My Page notice */
#define COMPANY_SETTING_MAX   64    /* bytes of a settings value read here */

typedef struct company_settings {
	bool approval;                         /* company_approval (default on) */
	int  unit_months;                      /* listing_unit_months (default 1) */
	int  notice_days[COMPANY_MAX_NOTICES]; /* notice_days (default 14,3), descending */
	int  nnotice;
} company_settings_t;

/* Reads the settings table; a missing or malformed value gives its default. False on a database error. */
bool    company_settings_load(db_t *db, company_settings_t *s);
/* Parses "14,3" into descending, distinct days (1..365); false when malformed. */
bool    company_parse_notice_days(const char *v, company_settings_t *s);
/* Writes one setting (checked: the three keys above only); false with a message when refused. */
bool    company_setting_set(db_t *db, const char *key, const char *value, char *err, size_t errlen);

/* ---- listing-period arithmetic (pure) ---- */
/* Days from today (JST) to the end: 1 on the last day, 0 or less once it has ended. */
int     company_days_left(int64_t listing_end, int64_t now);
/* The end of a first period approved now: today + unit months. */
int64_t company_first_end(int64_t now, int unit_months);
/* Renewal is open when the end is at most one unit after today (so a period never runs more than two
 * units ahead), or when the period has ended; never for a listing without an end. */
bool    company_renew_open(int64_t listing_end, int64_t now, int unit_months);
/* The new end after renewing: one unit after the current end, or after today when the period has ended
 * (or has none). */
int64_t company_renew_end(int64_t listing_end, int64_t now, int unit_months);
/* The notice threshold (days) due now for a period ending listing_end, or 0: the smallest threshold
 * that days_left has reached, while the period has not ended. */
int     company_notice_due(const company_settings_t *s, int64_t listing_end, int64_t now);

/* ---- accounts and entities ---- */
/* The company entity of an account: its id, 0 when none, -1 on a database error. */
int64_t company_entity_of(db_t *db, int64_t account_id);
/* Links a company account to a company entity (both must exist, neither linked yet). */
bool    company_link(db_t *db, int64_t account_id, int64_t entity_id, int64_t now, char *err, size_t errlen);

/* The state My Page shows. */
typedef struct company_state {
	int64_t entity_id;
	char    title[400];
	char    status[16];           /* entity status */
	int64_t listing_start, listing_end;
	int64_t pending_id;           /* a revision waiting for approval, or 0 */
	bool    rejected;             /* the latest decided revision was rejected (and none is pending) */
	char    reason[4 * COMPANY_REASON_MAX + 1];
} company_state_t;
bool    company_state_get(db_t *db, int64_t entity_id, company_state_t *st);

/* Raw values (as a form or CSV gives them) of an entity's fields JSON, by field index; malloc'd
 * strings, NULL for empty. company_values_free frees them. */
typedef struct company_values {
	char *v[SCHEMA_MAX_FIELDS];
} company_values_t;
bool    company_values_from_json(const schema_type_t *t, const char *fields_json, company_values_t *out);
/* The raw values as a JSON object of strings (revision storage); NULL on failure (free()). */
char   *company_values_to_json(const schema_type_t *t, const company_values_t *v, bool public_only);
void    company_values_free(company_values_t *v);
/* The current raw values of an entity (its fields JSON), and its title/status. */
bool    company_entity_values(db_t *db, const schema_type_t *t, int64_t entity_id, company_values_t *out);
/* The values of a pending revision laid over the entity's (internal fields stay the entity's). */
bool    company_revision_values(db_t *db, const schema_type_t *t, int64_t revision_id, int64_t *entity_id,
            company_values_t *out);

/* Writes validated values over an entity's title, body, fields, deadline and terms (in the caller's
 * transaction). */
bool    company_apply(db_t *db, int64_t entity_id, const entity_ready_t *e, int64_t now);

/*
 * A company's edit (values: every field, internal ones as they are now), in the caller's write
 * transaction. With approval on, it becomes the pending revision (replacing an earlier pending one);
 * otherwise it is applied at once and, for a first publication, the entity is published with a first
 * period. *live tells which. errors gets entity_validate's messages (one per line) when invalid.
 */
bool    company_submit(db_t *db, const schema_type_t *t, int64_t entity_id, int64_t account_id,
            const company_values_t *values, const company_settings_t *s, int64_t now, bool *live,
            int64_t *revision_id, buf_t *errors);

/* Staff decisions, in the caller's write transaction; each mails the company and leaves a My Page
 * notice. Approving a first publication publishes the entity with a first period from today. */
bool    company_approve(db_t *db, const schema_type_t *t, int64_t revision_id, int64_t staff_id,
            const company_settings_t *s, int64_t now, char *err, size_t errlen);
bool    company_reject(db_t *db, int64_t revision_id, int64_t staff_id, const char *reason, int64_t now,
            char *err, size_t errlen);

/* Renewal by the company (caller's write transaction): new end in *new_end; a restored archive is
 * published again. False with a Japanese message when not allowed now. */
bool    company_renew(db_t *db, int64_t entity_id, const company_settings_t *s, int64_t now, int64_t *new_end,
            char *err, size_t errlen);

/* A My Page notice for an account (caller's transaction). */
bool    company_notice_add(db_t *db, int64_t account_id, const char *text, int64_t now);
/* Queues a mail to the account(s) linked to entity_id and adds the same text as a My Page notice. */
bool    company_tell(db_t *db, int64_t entity_id, const char *kind, const char *subject, const char *body,
            const char *notice, int64_t now);

#endif
