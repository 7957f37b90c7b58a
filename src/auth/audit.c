/* audit.c - the audit hash chain and its head file. */
#include "auth/audit.h"
#include "auth/secret.h"
#include "core/log.h"
#include "core/str.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char head_path[1024];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const char zero_mac[AUDIT_MAC_HEX + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

bool
audit_init(const char *data_dir)
{
	int n = snprintf(head_path, sizeof(head_path), "%s/audit.head", data_dir);

	return n > 0 && (size_t)n < sizeof(head_path);
}

static void
put_field(crypto_auth_hmacsha256_state *st, const char *s)
{
	unsigned char len[8];
	uint64_t n = s ? strlen(s) : 0;
	int i;

	for (i = 0; i < 8; i++)
		len[i] = (unsigned char)(n >> (8 * i));
	crypto_auth_hmacsha256_update(st, len, sizeof(len));
	if (n > 0)
		crypto_auth_hmacsha256_update(st, (const unsigned char *)s, n);
}

static void
compute_mac(const char *prev, int64_t id, int64_t at, int64_t actor_id, const char *actor, const char *ip,
    const char *action, const char *target, const char *detail, char out[AUDIT_MAC_HEX + 1])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char num[32];

	crypto_auth_hmacsha256_init(&st, secret_get(SECRET_AUDIT), SECRET_BYTES);
	put_field(&st, prev);
	snprintf(num, sizeof(num), "%" PRId64, id);
	put_field(&st, num);
	snprintf(num, sizeof(num), "%" PRId64, at);
	put_field(&st, num);
	snprintf(num, sizeof(num), "%" PRId64, actor_id);
	put_field(&st, num);
	put_field(&st, actor);
	put_field(&st, ip);
	put_field(&st, action);
	put_field(&st, target);
	put_field(&st, detail);
	crypto_auth_hmacsha256_final(&st, mac);
	str_hex(out, mac, sizeof(mac));
}

static bool
write_head(int64_t id, const char *mac)
{
	char tmp[1100], line[128];
	int fd, n;
	bool ok;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp", head_path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return false;
	n = snprintf(line, sizeof(line), "%" PRId64 " %s\n", id, mac);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	ok = write(fd, line, (size_t)n) == n && fsync(fd) == 0;
	close(fd);
	if (!ok || rename(tmp, head_path) != 0) {
		unlink(tmp);
		return false;
	}
	return true;
}

/* Reads the head file: false when missing; id 0 means an empty chain. */
static bool
read_head(int64_t *id, char mac[AUDIT_MAC_HEX + 1])
{
	char line[160], idtxt[32];
	int fd = open(head_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;
	char *sp;

	if (fd < 0)
		return false;
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (n <= 0)
		return false;
	line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	sp = strchr(line, ' ');
	if (sp == NULL || (size_t)(sp - line) >= sizeof(idtxt) || strlen(sp + 1) != AUDIT_MAC_HEX)
		return false;
	memcpy(idtxt, line, (size_t)(sp - line));
	idtxt[sp - line] = '\0';
	if (!str_to_i64(idtxt, 0, INT64_MAX, id))
		return false;
	memcpy(mac, sp + 1, AUDIT_MAC_HEX + 1);
	return true;
}

/* Moves the head file forward to (id, mac), never back: appends committed by other threads may finish in
 * any order. Called with lock held. */
static bool
advance_head(int64_t id, const char *mac)
{
	char cur[AUDIT_MAC_HEX + 1];
	int64_t have = 0;

	if (read_head(&have, cur) && have >= id)
		return true;
	if (!write_head(id, mac)) {
		log_error("audit: cannot write %s: %s", head_path, strerror(errno));
		return false;
	}
	return true;
}

/* The prune anchor (auth/audit.h): id 0 and the zero mac when nothing was ever pruned. False on a
 * database error. */
static bool
read_anchor(db_t *db, int64_t *id, char mac[AUDIT_MAC_HEX + 1])
{
	db_stmt_t *st = db_prepare(db, "SELECT id, mac FROM audit_anchor ORDER BY id DESC LIMIT 1");
	int rc;

	*id = 0;
	memcpy(mac, zero_mac, AUDIT_MAC_HEX + 1);
	if (st == NULL)
		return false;
	rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_col_i64(st, 0);
		str_copy(mac, AUDIT_MAC_HEX + 1, db_col_text(st, 1));
	}
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE;
}

bool
audit_sync_head(db_t *db)
{
	db_stmt_t *st = db_prepare(db, "SELECT id, mac FROM audit_log ORDER BY id DESC LIMIT 1");
	char mac[AUDIT_MAC_HEX + 1];
	int64_t id = 0;
	bool ok = true;

	if (st == NULL)
		return false;
	if (db_step(st) == DB_ROW) {
		id = db_col_i64(st, 0);
		str_copy(mac, sizeof(mac), db_col_text(st, 1));
	}
	db_done(st);
	if (id > 0) {
		pthread_mutex_lock(&lock);
		ok = advance_head(id, mac);
		pthread_mutex_unlock(&lock);
	}
	return ok;
}

bool
audit_append(db_t *db, const audit_entry_t *e, int64_t now)
{
	db_stmt_t *st;
	char prev[AUDIT_MAC_HEX + 1], mac[AUDIT_MAC_HEX + 1];
	int64_t id = 1;
	bool ok = false, inside = db_in_transaction(db);

	/* inside the caller's write transaction the entry commits (or rolls back) with the action it records.
	 * The database's write lock is always taken before the mutex (which orders head-file writes), so a
	 * thread holding one never waits for a thread holding the other. */
	if (!inside && !db_begin_write(db)) {
		log_error("audit: cannot append %s: %s", e->action, db_errmsg(db));
		return false;
	}
	pthread_mutex_lock(&lock);
	st = db_prepare(db, "SELECT id, mac FROM audit_log ORDER BY id DESC LIMIT 1");
	if (st == NULL)
		goto fail;
	memcpy(prev, zero_mac, sizeof(prev));
	if (db_step(st) == DB_ROW) {
		id = db_col_i64(st, 0) + 1;
		str_copy(prev, sizeof(prev), db_col_text(st, 1));
		db_done(st);
	} else {
		/* an empty table: the chain goes on from the prune anchor, if any */
		int64_t aid;
		db_done(st);
		if (!read_anchor(db, &aid, prev))
			goto fail;
		id = aid + 1;
	}
	compute_mac(prev, id, now, e->actor_id, e->actor, e->ip, e->action, e->target, e->detail, mac);
	st = db_prepare(db, "INSERT INTO audit_log (id, at, actor_id, actor, ip, action, target, detail, prev_mac, mac) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		goto fail;
	db_bind_i64(st, 1, id);
	db_bind_i64(st, 2, now);
	if (e->actor_id > 0)
		db_bind_i64(st, 3, e->actor_id);
	else
		db_bind_null(st, 3);
	db_bind_str(st, 4, e->actor ? e->actor : "");
	db_bind_str(st, 5, e->ip ? e->ip : "");
	db_bind_str(st, 6, e->action);
	db_bind_str(st, 7, e->target ? e->target : "");
	db_bind_str(st, 8, e->detail ? e->detail : "");
	db_bind_str(st, 9, prev);
	db_bind_str(st, 10, mac);
	if (db_run(st) != DB_DONE)
		goto fail;
	if (inside) {
		ok = true;  /* the caller commits, then calls audit_sync_head */
		goto done;
	}
	if (!db_commit(db))
		goto fail;
	/* the entry is in the table; a head that could not be written shows in audit verify */
	ok = advance_head(id, mac);
	goto done;
fail:
	log_error("audit: cannot append %s: %s", e->action, db_errmsg(db));
	if (!inside)
		db_rollback(db);
done:
	pthread_mutex_unlock(&lock);
	return ok;
}

int64_t
audit_verify(db_t *db, char *why, size_t whylen)
{
	db_stmt_t *st;
	char prev[AUDIT_MAC_HEX + 1], mac[AUDIT_MAC_HEX + 1], head_mac[AUDIT_MAC_HEX + 1];
	int64_t expect = 1, head_id = 0, bad = 0, anchor = 0;
	bool have_head, first = true, prune_seen = false;
	char want[48];
	int rc;

	why[0] = '\0';
	if (!read_anchor(db, &anchor, prev))
		return -1;
	expect = anchor + 1;
	snprintf(want, sizeof(want), "audit:%" PRId64, anchor);
	st = db_prepare(db, "SELECT id, at, COALESCE(actor_id, 0), actor, ip, action, target, detail, prev_mac, mac "
	    "FROM audit_log ORDER BY id");
	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t id = db_col_i64(st, 0);
		if (id != expect) {
			bad = expect;
			snprintf(why, whylen, "entry %" PRId64 " is missing (next present is %" PRId64 ")%s", expect, id,
			    first && anchor == 0 ? "; the log was cut at its start (no prune anchor)" : "");
			break;
		}
		/* a genuine anchor is named by the audit.prune entry written with it (its mac cannot be forged):
		 * an anchor moved forward to hide entries has none */
		if (anchor > 0 && !prune_seen && strcmp(db_col_text(st, 5), "audit.prune") == 0 &&
		    strcmp(db_col_text(st, 6), want) == 0)
			prune_seen = true;
		first = false;
		if (strcmp(db_col_text(st, 8), prev) != 0) {
			bad = id;
			snprintf(why, whylen, "entry %" PRId64 " does not follow the entry before it", id);
			break;
		}
		compute_mac(prev, id, db_col_i64(st, 1), db_col_i64(st, 2), db_col_text(st, 3), db_col_text(st, 4),
		    db_col_text(st, 5), db_col_text(st, 6), db_col_text(st, 7), mac);
		if (sodium_memcmp(mac, db_col_text(st, 9), AUDIT_MAC_HEX) != 0 || db_col_len(st, 9) != AUDIT_MAC_HEX) {
			bad = id;
			snprintf(why, whylen, "entry %" PRId64 " was altered", id);
			break;
		}
		memcpy(prev, mac, sizeof(prev));
		expect = id + 1;
	}
	db_done(st);
	if (rc == DB_ERR || rc == DB_BUSY)
		return -1;
	if (bad != 0)
		return bad;
	if (anchor > 0 && !prune_seen) {
		snprintf(why, whylen, "the prune anchor %" PRId64 " has no audit.prune record: entries after it may "
		    "have been cut", anchor);
		return anchor + 1;
	}
	have_head = read_head(&head_id, head_mac);
	if (!have_head) {
		if (expect == 1 && anchor == 0)
			return 0; /* nothing written yet */
		snprintf(why, whylen, "the chain head file %s is missing", head_path);
		return expect - 1;
	}
	if (head_id != expect - 1 || (head_id > 0 && strcmp(head_mac, prev) != 0)) {
		if (head_id > expect - 1) {
			snprintf(why, whylen, "entries %" PRId64 " to %" PRId64 " were cut off", expect, head_id);
			return expect;
		}
		snprintf(why, whylen, "the last entry %" PRId64 " does not match the chain head (entry %" PRId64 ")",
		    expect - 1, head_id);
		return head_id + 1 <= expect - 1 ? head_id + 1 : expect - 1;
	}
	return 0;
}

int64_t
audit_prune(db_t *db, int64_t before, const char *actor, const char *ip, int64_t now, int64_t *boundary)
{
	db_stmt_t *st;
	char mac[AUDIT_MAC_HEX + 1], target[48], detail[96];
	int64_t last = 0, count = 0;
	int rc;

	*boundary = 0;
	if (!db_begin_write(db))
		return -1;
	/* ids are the chain's order; a prefix of it goes (entries are written in time order, but the clock
	 * may have been set back, so "older than" is the last id written before the cut-off) */
	st = db_prepare(db, "SELECT id, mac FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log WHERE at < ?)");
	if (st == NULL)
		goto fail;
	db_bind_i64(st, 1, before);
	rc = db_step(st);
	if (rc == DB_ROW) {
		last = db_col_i64(st, 0);
		str_copy(mac, sizeof(mac), db_col_text(st, 1));
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		goto fail;
	if (last == 0) {
		db_rollback(db);
		return 0;
	}
	st = db_prepare(db, "DELETE FROM audit_log WHERE id <= ?");
	if (st == NULL)
		goto fail;
	db_bind_i64(st, 1, last);
	if (db_run(st) != DB_DONE)
		goto fail;
	count = db_changes(db);
	st = db_prepare(db, "DELETE FROM audit_anchor");
	if (st == NULL || db_run(st) != DB_DONE)
		goto fail;
	st = db_prepare(db, "INSERT INTO audit_anchor (id, mac, pruned_at) VALUES (?, ?, ?)");
	if (st == NULL)
		goto fail;
	db_bind_i64(st, 1, last);
	db_bind_str(st, 2, mac);
	db_bind_i64(st, 3, now);
	if (db_run(st) != DB_DONE)
		goto fail;
	snprintf(target, sizeof(target), "audit:%" PRId64, last);
	snprintf(detail, sizeof(detail), "%" PRId64 " entries up to %" PRId64 " pruned", count, last);
	{
		audit_entry_t e = { 0, actor ? actor : "system", ip ? ip : "local", "audit.prune", target, detail };
		if (!audit_append(db, &e, now))
			goto fail;
	}
	if (!db_commit(db))
		goto fail;
	*boundary = last;
	if (!audit_sync_head(db))
		log_error("audit: the chain head could not be moved after pruning");
	return count;
fail:
	log_error("audit: cannot prune: %s", db_errmsg(db));
	db_rollback(db);
	return -1;
}
