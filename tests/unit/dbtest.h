/* dbtest.h - a fresh data directory with a migrated database and keys, for tests that need them. */
#ifndef TSUNAGU_DBTEST_H
#define TSUNAGU_DBTEST_H

#include "auth/audit.h"
#include "auth/seal.h"
#include "auth/secret.h"
#include "db/db.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dbtest_dir[256];

/* Returns a migrated database in a new temporary directory (removed by dbtest_close). */
static db_t *
dbtest_open(void)
{
	char keys[300];
	int applied;
	db_t *db;

	if (sodium_init() < 0)
		return NULL;
	snprintf(dbtest_dir, sizeof(dbtest_dir), "/tmp/tsunagu-test-XXXXXX");
	if (mkdtemp(dbtest_dir) == NULL)
		return NULL;
	{
		/* sealed personal data (SEC06): a key in memory only */
		unsigned char k[SEAL_KEY_BYTES];
		randombytes_buf(k, sizeof(k));
		seal_set_key(k);
	}
	snprintf(keys, sizeof(keys), "%s/keys", dbtest_dir);
	if (!secret_init(keys, true) || !db_configure(dbtest_dir) || !audit_init(dbtest_dir))
		return NULL;
	db = db_open();
	if (db == NULL || !db_migrate(db, &applied))
		return NULL;
	return db;
}

static void
dbtest_rm(const char *name)
{
	char p[400];

	snprintf(p, sizeof(p), "%s/%s", dbtest_dir, name);
	unlink(p);
}

static void
dbtest_close(db_t *db)
{
	char p[400];

	db_close(db);
	dbtest_rm("tsunagu.db");
	dbtest_rm("tsunagu.db-wal");
	dbtest_rm("tsunagu.db-shm");
	dbtest_rm("audit.head");
	dbtest_rm("keys/audit.key");
	dbtest_rm("keys/csrf.key");
	dbtest_rm("keys/totp.key");
	snprintf(p, sizeof(p), "%s/keys", dbtest_dir);
	rmdir(p);
	rmdir(dbtest_dir);
}

#endif
