/* seed.h - demo data for `make run` (fictitious, marked as demo). */
#ifndef TSUNAGU_SEED_H
#define TSUNAGU_SEED_H

#include "content/schema.h"
#include "db/db.h"

/* Creates the demo accounts when missing and, when the site has no companies yet, the demo content of
 * its schema (demo.h); prints what it did. Returns a process exit code. */
int seed_demo(db_t *db, const schema_t *s);

#endif
