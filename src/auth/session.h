/* session.h - server-side sessions: 256-bit random IDs, only their hash stored, idle and absolute timeouts. */
#ifndef TSUNAGU_SESSION_H
#define TSUNAGU_SESSION_H

#include "db/db.h"

#include <stdbool.h>
#include <stdint.h>

#define SESSION_ID_BYTES 32
#define SESSION_ID_LEN   43   /* base64url without padding */
#define SESSION_TOUCH_S  60   /* last_seen is written at most once a minute */

typedef struct session {
	char    id[SESSION_ID_LEN + 1];
	int64_t account_id;
	int64_t created_at;
	int64_t last_seen_at;
} session_t;

typedef struct session_policy {
	int64_t idle_s;
	int64_t absolute_s;
} session_policy_t;

/* A new session for account_id (the ID is new random bytes every time: rotation at login). */
bool session_create(db_t *db, int64_t account_id, const char *ip, int64_t now, session_t *out);
/* 1: valid (last_seen refreshed when due); 0: unknown, malformed or expired (an expired one is deleted);
 * -1: database error. */
int  session_lookup(db_t *db, const char *id, int64_t now, const session_policy_t *p, session_t *out);
bool session_destroy(db_t *db, const char *id);
/* Ends every session of the account except keep_id (NULL: all). */
bool session_destroy_account(db_t *db, int64_t account_id, const char *keep_id);
/* Deletes sessions past either timeout; returns how many, or -1. */
int64_t session_purge(db_t *db, int64_t now, const session_policy_t *p);

#endif
