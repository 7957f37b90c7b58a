/*
 * pagecache.h - rendered public pages kept for visitors who are not signed in (issue 4 item 8).
 *
 * A page is kept by its request URI with both its plain and gzip bodies, stamped with the search_log
 * sequence number read before it was rendered; it is served again only while that number is unchanged
 * (any write to entities, terms or vocabularies by any process changes it) and for PAGECACHE_TTL_S
 * seconds at most (listing periods start and end with time alone). Only pages whose handlers mark them
 * cacheable, answered 200, without cookies, are kept; a signed-in visitor never gets or fills the cache.
 */
#ifndef TSUNAGU_PAGECACHE_H
#define TSUNAGU_PAGECACHE_H

#include "http/http.h"

#include <stdbool.h>
#include <stdint.h>

#define PAGECACHE_TTL_S       10
#define PAGECACHE_MAX_ENTRIES 4096
#define PAGECACHE_MAX_BYTES   (64u << 20)
#define PAGECACHE_MAX_KEY     2048

/* Serves r from the cache when it holds a fresh copy for seq; true when served. */
bool pagecache_serve(req_t *r, int64_t seq, int64_t now);
/* Keeps the body just rendered into r->out (plain) for r->raw_uri. */
void pagecache_store(req_t *r, int64_t seq, int64_t now);
void pagecache_clear(void);

#endif
