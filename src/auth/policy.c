/* policy.c - the department rule (G62): one function, no state, no database. */
#include "auth/policy.h"

#include <string.h>

enum role { R_NONE, R_VIEW, R_EDIT, R_ADMIN };

static enum role
role_of(const account_t *a)
{
	if (strcmp(a->role, "view") == 0) return R_VIEW;
	if (strcmp(a->role, "edit") == 0) return R_EDIT;
	if (strcmp(a->role, "admin") == 0) return R_ADMIN;
	return R_NONE;
}

static bool
is_write(policy_action_t action)
{
	return action == POLICY_CREATE || action == POLICY_UPDATE || action == POLICY_DELETE ||
	    action == POLICY_STATUS || action == POLICY_BULK_MAIL;
}

bool
policy_can(const account_t *actor, policy_action_t action, policy_record_t kind, int64_t record_department)
{
	enum role role;
	bool pref, employment, company, own;

	if (actor == NULL || strcmp(actor->kind, "staff") != 0 || strcmp(actor->status, "active") != 0 ||
	    actor->department_id <= 0 || (unsigned)action >= POLICY_ACTION_COUNT || (unsigned)kind >= POLICY_RECORD_COUNT)
		return false;
	role = role_of(actor);
	if (role == R_NONE)
		return false;
	pref = strcmp(actor->department_kind, "pref") == 0;
	employment = strcmp(actor->department_kind, "employment") == 0;
	company = strcmp(actor->department_kind, "company") == 0;
	if (!pref && !employment && !company)
		return false;
	own = record_department > 0 && record_department == actor->department_id;

	if (!is_write(action)) {
		if (kind == POLICY_STAFF || kind == POLICY_SETTINGS)
			return role == R_ADMIN;
		if (action == POLICY_EXPORT)
			return role != R_VIEW; /* a CSV of many people's data is more than looking */
		return true;               /* everyone views and prints everything else (G62) */
	}
	if (role == R_VIEW)
		return false;
	if (action == POLICY_BULK_MAIL) {
		if (kind == POLICY_SEEKER)
			return pref || employment;
		if (kind == POLICY_COMPANY)
			return pref || company;
		return false;
	}
	switch (kind) {
	case POLICY_STAFF:
		return role == R_ADMIN && (pref || own);
	case POLICY_MASTER:
	case POLICY_SETTINGS:
		return role == R_ADMIN;
	case POLICY_SEEKER:
		/* personal records of job seekers: employment support only (G66), plus the prefecture */
		return pref || (employment && (record_department == 0 || own));
	case POLICY_COMPANY:
	case POLICY_JOB:
	case POLICY_INTERNSHIP:
	case POLICY_CONSULTATION:
	case POLICY_CMS:
		return pref || own;
	case POLICY_RECORD_COUNT:
		break;
	}
	return false;
}

const char *
policy_action_name(policy_action_t action)
{
	static const char *const names[POLICY_ACTION_COUNT] = {
		"view", "create", "update", "delete", "status", "export", "print", "bulk_mail",
	};

	return (unsigned)action < POLICY_ACTION_COUNT ? names[action] : "?";
}

const char *
policy_record_name(policy_record_t kind)
{
	static const char *const names[POLICY_RECORD_COUNT] = {
		"company", "job", "internship", "seeker", "consultation", "cms", "master", "staff", "settings",
	};

	return (unsigned)kind < POLICY_RECORD_COUNT ? names[kind] : "?";
}
