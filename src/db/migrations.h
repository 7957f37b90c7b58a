/* migrations.h - the SQL migrations, generated into build/gen/migrations.c from src/db/migrations/NNN_name.sql. */
#ifndef TSUNAGU_MIGRATIONS_H
#define TSUNAGU_MIGRATIONS_H

#include <stddef.h>

typedef struct migration {
	int         version;
	const char *name;
	const char *sql;
} migration_t;

extern const migration_t migrations[];
extern const size_t      migrations_count;

#endif
