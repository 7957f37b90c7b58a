/*
 * policy.h - roles and the department rule (G62, G50, G51, SEC16, SEC17; DESIGN.md "Roles and the
 * department rule"). The one function every staff screen and every staff write asks before acting.
 *
 * The full matrix is a table in docs/architecture.md ("Roles and the department rule") and is walked
 * cell by cell in tests/unit/test_policy.c.
 */
#ifndef TSUNAGU_POLICY_H
#define TSUNAGU_POLICY_H

#include "auth/account.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
	POLICY_VIEW = 0,   /* read a record or a list */
	POLICY_CREATE,     /* register a new record (record_department: the department it will belong to) */
	POLICY_UPDATE,     /* edit */
	POLICY_DELETE,
	POLICY_STATUS,     /* publish, approve, suspend, reactivate ... */
	POLICY_EXPORT,     /* CSV download */
	POLICY_PRINT,      /* print sheet */
	POLICY_BULK_MAIL,  /* mail to many members at once */
	POLICY_ACTION_COUNT
} policy_action_t;

typedef enum {
	POLICY_COMPANY = 0,   /* company record, and a company's member account (its entity's department) */
	POLICY_JOB,
	POLICY_INTERNSHIP,
	POLICY_SEEKER,        /* a job seeker's personal record and member account */
	POLICY_CONSULTATION,
	POLICY_CMS,           /* news, events, projects, tips, columns, pages, banners */
	POLICY_MASTER,        /* departments, job types, industries and other master data */
	POLICY_STAFF,         /* staff accounts (担当者マスタ); record_department: the staff member's department */
	POLICY_SETTINGS,      /* site settings, IP rules */
	POLICY_RECORD_COUNT
} policy_record_t;

/*
 * May actor do action on a record of this kind registered to record_department (0: to none)?
 * Only active staff accounts are ever allowed anything; members and NULL get false.
 *   - view role: view and print, of everything but staff accounts and settings;
 *   - edit and admin roles write records of their own department; the prefecture (県) writes all;
 *     a seeker's personal record is written by employment support (就職支援部門, unassigned or its own)
 *     and the prefecture only; export is a read for edit and admin;
 *   - bulk mail: to seekers by prefecture or employment support, to companies by prefecture or company
 *     support; to nothing else;
 *   - master data and settings are written by admins only; settings and staff accounts are seen by
 *     admins only; staff accounts are written by an admin of the prefecture, or of the staff
 *     member's own department.
 */
bool policy_can(const account_t *actor, policy_action_t action, policy_record_t kind, int64_t record_department);

/* Names for logs, audit details and test output ("update", "company" ...). */
const char *policy_action_name(policy_action_t action);
const char *policy_record_name(policy_record_t kind);

#endif
