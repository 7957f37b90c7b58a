/* jobs.h - scheduled work inside the server process: housekeeping and the search indexes now, mail and
 * expiry notices later. */
#ifndef TSUNAGU_JOBS_H
#define TSUNAGU_JOBS_H

#include "db/db.h"

#include <stdbool.h>
#include <stdint.h>

#define JOBS_INTERVAL_S 300 /* how often housekeeping runs */
#define JOBS_MAX_TYPES 16
#define SEARCH_LOG_KEEP_S 86400 /* search_log entries older than this are deleted */

typedef struct jobs_policy {
	int64_t session_idle_s;
	int64_t session_absolute_s;
	int64_t throttle_keep_s;   /* forget login failures older than this */
	/* entity types whose search index is built at start and refreshed every round (search.h) */
	char    types[JOBS_MAX_TYPES][64];
	int     ntypes;
	int64_t audit_keep_s;      /* audit entries older than this are pruned (audit_prune); 0: never */
} jobs_policy_t;

/* One round of housekeeping: expired sessions, stale login-failure counters, old search_log entries,
 * used anti-spam tokens past their expiry and finished rate windows (antispam_prune) are deleted, and
 * the search indexes of p->types are brought up to date; audit entries older than p->audit_keep_s are pruned
 * (audit_prune: the anchor and an "audit.prune" entry in the same transaction).
 * Returns the number of rows removed, or -1 on a database error. */
int64_t jobs_housekeeping(db_t *db, int64_t now, const jobs_policy_t *p);
/* Starts a thread running jobs_housekeeping every JOBS_INTERVAL_S; jobs_stop ends it. */
bool    jobs_start(const jobs_policy_t *p);
void    jobs_stop(void);

#endif
