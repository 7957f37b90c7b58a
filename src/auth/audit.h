/*
 * audit.h - tamper-evident audit log (B08, SEC07, SEC12).
 *
 * Each entry's mac = HMAC-SHA256(audit key, prev_mac, id, at, actor_id, actor, ip, action, target, detail),
 * with each field length-prefixed. The key lives outside the database (secret.h); the chain head (last id
 * and mac) is written to <data>/audit.head after every append, so cutting entries off the end shows too.
 * If an entry cannot be written, the action it records must not happen: callers treat false as failure.
 */
#ifndef TSUNAGU_AUDIT_H
#define TSUNAGU_AUDIT_H

#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUDIT_MAC_HEX 64

typedef struct audit_entry {
	int64_t     actor_id;   /* 0 when none (e.g. an unknown login ID) */
	const char *actor;      /* login ID as typed, or "system" */
	const char *ip;
	const char *action;     /* "login.success", "login.failure", "login.lockout", "logout", "account.create" ... */
	const char *target;     /* what was acted on, e.g. "account:12" */
	const char *detail;     /* short free text; never a password, token or session ID */
} audit_entry_t;

/* Where the chain head file lives: <data_dir>/audit.head. */
bool audit_init(const char *data_dir);
/*
 * Appends an entry and updates the head file; false when either fails. Outside a transaction it uses its
 * own. Inside the caller's write transaction (db_begin_write) the entry is part of it: it commits or rolls
 * back with the action it records, and after the commit the caller calls audit_sync_head.
 */
bool audit_append(db_t *db, const audit_entry_t *e, int64_t now);
/* Moves the head file to the last committed entry (after a transaction that appended). */
bool audit_sync_head(db_t *db);
/* 0 when the chain and head are intact; otherwise the id of the first bad entry (or the id where the
 * log was cut) with a reason in why. -1 on a database error. */
int64_t audit_verify(db_t *db, char *why, size_t whylen);
/*
 * Retention (issue 6 item 7): deletes every entry up to the last one written before `before`, in one
 * transaction with the anchor (audit_anchor: that entry's id and mac, from which audit_verify starts) and
 * an "audit.prune" entry (target "audit:<boundary>", detail with the count) that is the first entry after
 * the anchor. Returns the number of entries deleted (0: nothing old enough), -1 on error (nothing pruned).
 */
int64_t audit_prune(db_t *db, int64_t before, const char *actor, const char *ip, int64_t now, int64_t *boundary);

#endif
