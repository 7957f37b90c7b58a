/* arena.h - per-request bump allocator: everything a request allocates dies with it. */
#ifndef TSUNAGU_ARENA_H
#define TSUNAGU_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block_t;

typedef struct arena {
	arena_block_t *head;      /* current block; older blocks chained behind it */
	size_t         block_size; /* size of ordinary blocks */
	size_t         total;     /* bytes handed out, for limits and tests */
	size_t         limit;     /* 0 = unlimited; otherwise allocations past it fail */
} arena_t;

void   arena_init(arena_t *a, size_t block_size, size_t limit);
/* Frees every block; the arena may be used again after arena_init. */
void   arena_free(arena_t *a);
/* Keeps the first block, drops the rest: cheap reuse between requests. */
void   arena_reset(arena_t *a);
/* Returns NULL only when the arena's limit is reached or memory is exhausted. */
void  *arena_alloc(arena_t *a, size_t n);
void  *arena_zalloc(arena_t *a, size_t n);
/* Checked n*size allocation (overflow yields NULL). */
void  *arena_calloc(arena_t *a, size_t n, size_t size);
char  *arena_strdup(arena_t *a, const char *s);
char  *arena_strndup(arena_t *a, const char *s, size_t n);
void  *arena_memdup(arena_t *a, const void *p, size_t n);
char  *arena_printf(arena_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
