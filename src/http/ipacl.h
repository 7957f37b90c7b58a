/*
 * ipacl.h - IP address access restriction (G54): which addresses may reach which area of the site.
 *
 * A list is CIDR blocks, IPv4 (a.b.c.d/n) and IPv6 (full, compressed with ::, ::ffff:a.b.c.d, /n); a bare
 * address is /32 or /128. Entries are separated by spaces, tabs, newlines or commas ("、", "，" and the
 * ideographic space too); '#' starts a comment to the end of the line. The parser is strict: no leading
 * zeros, no host bits under the prefix, no zone IDs, and every problem is reported in Japanese with its
 * line number. IPv4 is held as the IPv4-mapped IPv6 block (::ffff:a.b.c.d, prefix 96 + n), so an
 * IPv4-mapped client address matches IPv4 rules.
 *
 * Areas: staff back office (/staff...), member My Pages (/mypage...), public (everything else). An empty
 * list restricts nothing. The lists live in the database (ip_rules, migration 013) and are cached per
 * process; the cache reads a version number at most once a second (ipacl_cache_allows).
 */
#ifndef TSUNAGU_IPACL_H
#define TSUNAGU_IPACL_H

#include "core/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IPACL_MAX_RULES   256      /* entries in one list */
#define IPACL_MAX_TEXT    16384    /* bytes of one list as typed (comments included) */
#define IPACL_MAX_ERRORS  20       /* problems reported per list; the rest are counted */
#define IPACL_TOKEN_SHOW  48       /* bytes of a bad entry quoted back in a message */
#define IPACL_RULE_STR    64       /* "ffff:...:ffff/128" and a NUL */

typedef enum { IPACL_PUBLIC = 0, IPACL_MEMBER = 1, IPACL_STAFF = 2 } ipacl_area_t;
#define IPACL_NAREAS 3

typedef struct ipacl_rule {
	uint8_t addr[16];  /* network address, IPv4 as ::ffff:a.b.c.d */
	uint8_t prefix;    /* 0..128 over the 16 bytes (IPv4 /n is 96 + n) */
	bool    v4;        /* written as IPv4 */
} ipacl_rule_t;

typedef struct ipacl_list {
	size_t       n;
	ipacl_rule_t rules[IPACL_MAX_RULES];
} ipacl_list_t;

typedef struct ipacl_error {
	int  line;         /* 1-based; 0 for the whole list */
	char msg[256];     /* Japanese, starting with "N行目: " when line > 0 */
} ipacl_error_t;

typedef struct ipacl_errors {
	int           n;
	int           more;  /* problems found beyond IPACL_MAX_ERRORS */
	ipacl_error_t e[IPACL_MAX_ERRORS];
} ipacl_errors_t;

/* Parses a list; true when it had no problem. errs may be NULL. out is filled with the good entries
 * either way (callers store nothing when false). */
bool        ipacl_parse(const char *text, size_t len, ipacl_list_t *out, ipacl_errors_t *errs);
/* One address (no prefix) into 16 bytes, IPv4 as IPv4-mapped; strict like the parser. */
bool        ipacl_addr_parse(const char *s, size_t len, uint8_t out[16], bool *v4);
/* An entry as text: "10.0.0.0/8", "2001:db8::/32", a bare address when the prefix is full. */
void        ipacl_rule_str(const ipacl_rule_t *r, char out[IPACL_RULE_STR]);
/* The whole list, one entry per line (the canonical form; parsing it gives the same list). */
bool        ipacl_format(const ipacl_list_t *l, buf_t *out);
/* True when the address (16 bytes) is inside one of the entries. */
bool        ipacl_match(const ipacl_list_t *l, const uint8_t addr[16]);
/* The rule for a client address as text: an empty list allows everything; otherwise the address must be
 * inside an entry (an address that does not parse, such as "-", is refused). */
bool        ipacl_allows(const ipacl_list_t *l, const char *ip);
/* True when saving rules for area would shut out current_ip from what an administrator needs: the
 * staff area, and the public area (the login page and the style sheets are public). The member area
 * never locks an administrator out. */
bool        ipacl_would_lock_out(const ipacl_list_t *rules, ipacl_area_t area, const char *current_ip);

/* Areas by path: "/staff..." staff, "/mypage..." member, anything else public. */
ipacl_area_t ipacl_area_of(const char *path);
const char  *ipacl_area_name(ipacl_area_t a);          /* "staff", "member", "public" */
const char  *ipacl_area_label(ipacl_area_t a);         /* Japanese */
bool         ipacl_area_parse(const char *name, ipacl_area_t *out);

/* --- storage and the per-process cache (ipacl_store.c) --- */
struct db;

/* The list of area as stored (text as typed, comments kept) into out; false on a database error. */
bool        ipacl_store_get(struct db *db, ipacl_area_t a, buf_t *out);
/* Replaces the list of area and raises the version (the caller has parsed it). Runs in the caller's
 * transaction when one is open, else in its own. */
bool        ipacl_store_set(struct db *db, ipacl_area_t a, const char *text, const char *by, int64_t now);
/* Loads all three lists now (at start); false on a database error. */
bool        ipacl_cache_load(struct db *db);
/* Whether ip may reach area, from the cached lists; the version in the database is read at most once
 * a second (now_s) and the lists reloaded when it changed. A stored list that no longer parses refuses
 * everyone (fail closed) and is logged. */
bool        ipacl_cache_allows(struct db *db, ipacl_area_t area, const char *ip, int64_t now_s);
/* The next ipacl_cache_allows reads the version again (after a change made by this process). */
void        ipacl_cache_invalidate(void);

#endif
