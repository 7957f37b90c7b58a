/* arena.c - bump allocator in chained blocks; large requests get a block of their own. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
	arena_block_t *next;
	size_t         size;
	size_t         used;
	max_align_t    data[]; /* aligned start */
};

#define ALIGN (_Alignof(max_align_t))

void
arena_init(arena_t *a, size_t block_size, size_t limit)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : 16384;
	a->total = 0;
	a->limit = limit;
}

void
arena_free(arena_t *a)
{
	arena_block_t *b = a->head, *n;

	while (b != NULL) {
		n = b->next;
		free(b);
		b = n;
	}
	a->head = NULL;
	a->total = 0;
}

void
arena_reset(arena_t *a)
{
	arena_block_t *b = a->head, *keep = NULL, *n;

	/* keep the oldest block (last in chain) if it is an ordinary one */
	while (b != NULL) {
		n = b->next;
		if (n == NULL && b->size == a->block_size)
			keep = b;
		else
			free(b);
		b = n;
	}
	if (keep != NULL) {
		keep->used = 0;
		keep->next = NULL;
	}
	a->head = keep;
	a->total = 0;
}

static arena_block_t *
block_new(size_t size)
{
	arena_block_t *b;

	if (size > SIZE_MAX - sizeof(*b))
		return NULL;
	b = malloc(sizeof(*b) + size);
	if (b == NULL)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

void *
arena_alloc(arena_t *a, size_t n)
{
	arena_block_t *b = a->head;
	size_t         need, off;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ALIGN)
		return NULL;
	need = (n + ALIGN - 1) & ~(ALIGN - 1);
	if (a->limit != 0 && (need > a->limit || a->total > a->limit - need))
		return NULL;

	if (b != NULL && b->size - b->used >= need) {
		off = b->used;
		b->used += need;
		a->total += need;
		return (char *)b->data + off;
	}
	if (need > a->block_size / 4) {
		/* big allocation: its own block, linked behind the current one */
		arena_block_t *big = block_new(need);
		if (big == NULL)
			return NULL;
		big->used = need;
		if (b != NULL) {
			big->next = b->next;
			b->next = big;
		} else {
			a->head = big;
		}
		a->total += need;
		return big->data;
	}
	b = block_new(a->block_size);
	if (b == NULL)
		return NULL;
	b->next = a->head;
	a->head = b;
	b->used = need;
	a->total += need;
	return b->data;
}

void *
arena_zalloc(arena_t *a, size_t n)
{
	void *p = arena_alloc(a, n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

void *
arena_calloc(arena_t *a, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	return arena_zalloc(a, n * size);
}

void *
arena_memdup(arena_t *a, const void *p, size_t n)
{
	void *q = arena_alloc(a, n);

	if (q != NULL && n > 0)
		memcpy(q, p, n);
	return q;
}

char *
arena_strndup(arena_t *a, const char *s, size_t n)
{
	char *q;

	if (n == SIZE_MAX)
		return NULL;
	q = arena_alloc(a, n + 1);
	if (q == NULL)
		return NULL;
	memcpy(q, s, n);
	q[n] = '\0';
	return q;
}

char *
arena_strdup(arena_t *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(arena_t *a, const char *fmt, ...)
{
	va_list ap;
	int     n;
	char   *q;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	q = arena_alloc(a, (size_t)n + 1);
	if (q == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(q, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return q;
}
