/*
 * cms.h - the staff content editor's logic (issue 6 item 5; G05, G40-G44, G80): saving an entity of any
 * schema type with its publication action, revisions and restore, publication booked for a time, deletion,
 * and a line diff for the revision screen. Every write runs in one transaction with its audit entry and
 * asks policy_can with the department stored on the record (never one sent with the form).
 *
 * Statuses as staff see them: draft → 下書き, draft with a row in entity_schedule → 公開予約,
 * published → 公開中, archived → 非公開, pending (a company's edit waiting) → 承認待ち.
 */
#ifndef TSUNAGU_CMS_H
#define TSUNAGU_CMS_H

#include "auth/account.h"
#include "content/company.h"
#include "content/schema.h"
#include "core/buf.h"
#include "db/db.h"

#include <stdbool.h>
#include <stdint.h>

#define CMS_DIFF_MAX_LINES 2000   /* lines of one side a diff compares line by line */
#define CMS_SCHEDULE_MAX_AHEAD (5LL * 366 * 86400)  /* a booking at most five years ahead */

typedef enum { CMS_SAVE, CMS_PUBLISH, CMS_SCHEDULE, CMS_UNPUBLISH } cms_action_t;
typedef enum { CMS_OK, CMS_INVALID, CMS_FORBIDDEN, CMS_NOT_FOUND, CMS_ERROR } cms_result_t;

/* The policy record kind of a schema type: company, job and internship have their own; the rest is CMS. */
int         cms_policy_kind(const char *type);
/* 下書き, 公開予約, 公開中, 非公開, 承認待ち. */
const char *cms_status_label(const char *status, bool scheduled);

typedef struct cms_record {
	int64_t id, department_id, updated_at, publish_at; /* publish_at: the booking, 0 when none */
	char    type[64];
	char    status[16];
	char   *title;
	char   *fields;
} cms_record_t;
/* Reads an entity; CMS_NOT_FOUND when there is none (or of another type when type is not NULL). */
cms_result_t cms_record_get(db_t *db, int64_t id, const char *type, cms_record_t *out);
void         cms_record_free(cms_record_t *r);

typedef struct cms_actor {
	const account_t *account;
	const char      *ip;
} cms_actor_t;

typedef struct cms_save {
	const schema_type_t    *type;
	int64_t                 entity_id;      /* 0: a new record */
	const company_values_t *values;         /* raw values of every field */
	cms_action_t            action;
	int64_t                 publish_at;     /* CMS_SCHEDULE: when (UTC epoch seconds) */
	int64_t                 department_id;  /* a new record's department (the caller decides who may choose) */
} cms_save_t;

/*
 * Validates (entity_validate), writes the entity, applies the action, stores a revision and the audit
 * entries (content.create or content.update with the changed field names; content.publish,
 * content.schedule, content.unpublish), all in one transaction. CMS_INVALID with Japanese messages (one
 * per line, as entity_validate gives them) in errors; CMS_FORBIDDEN when policy_can refuses the stored
 * (or, for a new record, the given) department. *id gets the entity's id.
 */
cms_result_t cms_save(db_t *db, const cms_save_t *s, const cms_actor_t *who, int64_t now, int64_t *id, buf_t *errors);

/* Puts a revision's title and fields back as a new revision (content.restore); the status stays. */
cms_result_t cms_restore(db_t *db, const schema_type_t *t, int64_t entity_id, int64_t revision_id,
                 const cms_actor_t *who, int64_t now, buf_t *errors);

/* Deletes a draft or unpublished record (content.delete); CMS_INVALID with a message when it is public,
 * waiting for approval or still referred to by other records. */
cms_result_t cms_delete(db_t *db, const schema_type_t *t, int64_t entity_id, const cms_actor_t *who, int64_t now,
                 buf_t *errors);

/* Publishes every booking due at now, each in its own transaction with a content.publish entry by
 * "system". Returns how many were published, -1 on a database error. */
int          cms_publish_due(db_t *db, int64_t now);
/* The earliest booking, 0 when none, -1 on error. */
int64_t      cms_schedule_next(db_t *db);

/* Stores the entity as it is now as a revision (saved_by actor, NULL when 0; note), inside the caller's
 * transaction: every save, restore and import update adds one. */
bool         cms_revision_add(db_t *db, int64_t entity_id, int64_t actor, const char *note, int64_t now);

typedef struct cms_revision {
	int64_t id, entity_id, saved_at, saved_by;
	char    status[16];
	char   *title;
	char   *fields;
	char   *note;
} cms_revision_t;
cms_result_t cms_revision_get(db_t *db, int64_t entity_id, int64_t revision_id, cms_revision_t *out);
void         cms_revision_free(cms_revision_t *r);

/* A line diff (longest common subsequence) of a and b: op ' ' same, '-' only in a, '+' only in b. Texts
 * longer than CMS_DIFF_MAX_LINES lines are shown as all removed and all added. Returns the number of
 * lines (*out malloc'd, pointing into a and b), -1 on no memory. */
typedef struct cms_diff_line {
	char        op;
	const char *text;
	size_t      len;
} cms_diff_line_t;
int          cms_diff_lines(const char *a, const char *b, cms_diff_line_t **out);

/* The scheduler thread of `serve` (src/jobs/scheduler.c): sleeps until the earliest booking (at most
 * CMS_SCHEDULER_POLL_S), publishes what is due; cms_scheduler_wake after saving a booking. */
#define CMS_SCHEDULER_POLL_S 30
bool         cms_scheduler_start(void);
void         cms_scheduler_stop(void);
void         cms_scheduler_wake(void);

#endif
