/* seed.h - demo data for `make run` (fictitious, marked as demo). */
#ifndef TSUNAGU_SEED_H
#define TSUNAGU_SEED_H

#include "db/db.h"

/* Creates the demo accounts when missing; prints their login IDs. Returns a process exit code. */
int seed_demo(db_t *db);

#endif
