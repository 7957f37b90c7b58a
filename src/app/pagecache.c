/* pagecache.c - the public page cache (pagecache.h): a chained hash table under a read-write lock; when
 * it is full it is emptied (pages are cheap to render again, and a simple rule is easy to trust). */
#include "app/pagecache.h"
#include "core/str.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 8192

typedef struct entry {
	struct entry *next;
	char         *key;
	char         *body, *gz;
	size_t        len, gzlen;
	int64_t       seq, expires;
	const char   *csp;          /* the page's Content-Security-Policy (static; NULL: the default) */
} entry_t;

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static entry_t *buckets[BUCKETS];
static size_t nentries, nbytes;

static uint32_t
bucket_of(const char *key)
{
	return str_hash32(key) & (BUCKETS - 1);
}

static void
free_entry(entry_t *e)
{
	free(e->key);
	free(e->body);
	free(e->gz);
	free(e);
}

static void
clear_locked(void)
{
	size_t i;

	for (i = 0; i < BUCKETS; i++) {
		entry_t *e = buckets[i], *next;
		for (; e != NULL; e = next) {
			next = e->next;
			free_entry(e);
		}
		buckets[i] = NULL;
	}
	nentries = nbytes = 0;
}

void
pagecache_clear(void)
{
	pthread_rwlock_wrlock(&lock);
	clear_locked();
	pthread_rwlock_unlock(&lock);
}

bool
pagecache_serve(req_t *r, int64_t seq, int64_t now)
{
	const entry_t *e;
	bool served = false;

	if (r->raw_uri == NULL || strlen(r->raw_uri) > PAGECACHE_MAX_KEY)
		return false;
	pthread_rwlock_rdlock(&lock);
	for (e = buckets[bucket_of(r->raw_uri)]; e != NULL; e = e->next) {
		const char *body;
		size_t len;
		void *copy;
		if (strcmp(e->key, r->raw_uri) != 0)
			continue;
		if (e->seq != seq || now >= e->expires)
			break;
		body = r->accepts_gzip && e->gz != NULL ? e->gz : e->body;
		len = r->accepts_gzip && e->gz != NULL ? e->gzlen : e->len;
		/* copied while the lock is held: the entry may go as soon as it is released */
		copy = arena_alloc(&r->arena, len + 1);
		if (copy == NULL)
			break;
		memcpy(copy, body, len);
		r->copy_body = copy;
		r->copy_len = len;
		r->content_encoding = body == e->gz ? "gzip" : NULL;
		r->content_type = "text/html; charset=utf-8";
		r->status = 200;
		r->csp = e->csp;
		served = true;
		break;
	}
	pthread_rwlock_unlock(&lock);
	return served;
}

void
pagecache_store(req_t *r, int64_t seq, int64_t now)
{
	entry_t *e, **pp;
	uint32_t b;

	if (r->raw_uri == NULL || strlen(r->raw_uri) > PAGECACHE_MAX_KEY || r->out.oom || r->out.len == 0 ||
	    r->out.len > PAGECACHE_MAX_BYTES / 64)
		return;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return;
	e->key = strdup(r->raw_uri);
	e->body = malloc(r->out.len);
	if (e->key == NULL || e->body == NULL) {
		free_entry(e);
		return;
	}
	memcpy(e->body, r->out.data, r->out.len);
	e->len = r->out.len;
	if (!http_gzip(r->out.data, r->out.len, &e->gz, &e->gzlen))
		e->gz = NULL;
	e->seq = seq;
	e->csp = r->csp;  /* one of web.c's static policies */
	e->expires = now + PAGECACHE_TTL_S;
	b = bucket_of(e->key);
	pthread_rwlock_wrlock(&lock);
	if (nentries >= PAGECACHE_MAX_ENTRIES || nbytes + e->len + e->gzlen > PAGECACHE_MAX_BYTES)
		clear_locked();
	for (pp = &buckets[b]; *pp != NULL; pp = &(*pp)->next) {
		if (strcmp((*pp)->key, e->key) == 0) {  /* replaced */
			entry_t *old = *pp;
			e->next = old->next;
			*pp = e;
			nbytes -= old->len + old->gzlen;
			nbytes += e->len + e->gzlen;
			free_entry(old);
			pthread_rwlock_unlock(&lock);
			return;
		}
	}
	e->next = buckets[b];
	buckets[b] = e;
	nentries++;
	nbytes += e->len + e->gzlen;
	pthread_rwlock_unlock(&lock);
}
