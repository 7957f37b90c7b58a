/*
 * antispam.h - spam protection for public forms (SEC05, B04): a proof-of-work challenge signed by this
 * server, a honeypot field and a per-address rate limit. Nothing leaves the server: no third party sees
 * the visitor.
 *
 * A form page embeds a challenge (antispam_challenge; templates/partials/antispam.html writes the fields);
 * static/js/pow.js finds a counter n such that SHA-256(token ":" n) starts with `difficulty` zero bits and
 * puts n in the solution field. The handler passes what came back to antispam_check and acts on the verdict:
 *
 *   ACCEPT           store the submission
 *   HOLD             store it marked for staff review (確認待ち): no proof of work, i.e. JavaScript was off
 *   REJECT_HONEYPOT  answer exactly as for ACCEPT but store nothing (a bot should not learn what gave it away)
 *   REJECT_*         show the form again with its values, a fresh challenge and antispam_message(v)
 */
#ifndef TSUNAGU_ANTISPAM_H
#define TSUNAGU_ANTISPAM_H

#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* field names the partial template writes and the handler reads */
#define ANTISPAM_FIELD_TOKEN    "as_token"
#define ANTISPAM_FIELD_SOLUTION "as_pow"
#define ANTISPAM_FIELD_HONEYPOT "website"   /* a name form-filling bots cannot resist */

#define ANTISPAM_TOKEN_MAX     160  /* bytes of a token, NUL included */
#define ANTISPAM_FORM_MAX      32   /* bytes of a form name: [a-z0-9_-] */
#define ANTISPAM_SOLUTION_MAX  16   /* decimal digits of a solution (below 2^53, exact in JavaScript) */
#define ANTISPAM_DIFFICULTY_MAX 28  /* zero bits; 2^28 hashes is minutes on a phone */
#define ANTISPAM_SKEW_S        60   /* a token is valid from issued_at - this (clocks of several app nodes) */

/* Defaults, explained in docs/architecture.md "Spam protection". */
#define ANTISPAM_DEFAULT_DIFFICULTY 16
#define ANTISPAM_DEFAULT_TTL_S      (30 * 60)
#define ANTISPAM_DEFAULT_RATE_MAX   5
#define ANTISPAM_DEFAULT_WINDOW_S   (10 * 60)

typedef struct antispam_policy {
	int     difficulty;     /* leading zero bits asked of new challenges, 1..ANTISPAM_DIFFICULTY_MAX */
	int64_t ttl_s;          /* a challenge is good for this long after it was issued */
	int     rate_max;       /* submissions of one form per address per window */
	int64_t rate_window_s;
} antispam_policy_t;

typedef enum {
	ANTISPAM_ACCEPT,
	ANTISPAM_HOLD,
	ANTISPAM_REJECT_HONEYPOT,
	ANTISPAM_REJECT_RATE,
	ANTISPAM_REJECT_REPLAY,
	ANTISPAM_REJECT_EXPIRED,
	ANTISPAM_REJECT_BAD,
} antispam_verdict_t;

typedef struct antispam_input {
	const char *form;      /* the form's name, as given to antispam_challenge */
	const char *token;     /* ANTISPAM_FIELD_TOKEN; NULL when absent */
	const char *solution;  /* ANTISPAM_FIELD_SOLUTION; NULL or "" when the script did not run */
	const char *honeypot;  /* ANTISPAM_FIELD_HONEYPOT; NULL when absent */
	const char *addr;      /* client address (IPv4 or IPv6 text) */
} antispam_input_t;

/* Sets the policy (once, at start, before any thread uses the module); a value out of range leaves the
 * one in force. Without a call the ANTISPAM_DEFAULT_* values apply. */
void        antispam_configure(const antispam_policy_t *p);
const antispam_policy_t *antispam_policy(void);

/* Writes a new challenge for form: "v1.<form>.<issued_at>.<difficulty>.<nonce>.<mac>". False when form is
 * not 1..ANTISPAM_FORM_MAX of [a-z0-9_-] or out is too small (ANTISPAM_TOKEN_MAX is always enough). */
bool        antispam_challenge(char *out, size_t outlen, const char *form_name, int64_t now);

/* Judges one submission; every submission that is not a honeypot hit counts towards the address's rate.
 * False only on a database error (the verdict is then undefined; answer 500). */
bool        antispam_check(db_t *db, const antispam_input_t *in, int64_t now, antispam_verdict_t *v);

/* True when SHA-256(token ":" solution) has at least difficulty leading zero bits (the check both this
 * file and static/js/pow.js implement; exposed for the tests that hold them to the same answer). */
bool        antispam_solution_ok(const char *token, const char *solution, int difficulty);

/* The key the rate limit counts under: an IPv4 address as it is, an IPv6 address as its /64
 * ("2001:db8:1:2::/64"), an IPv4-mapped IPv6 address as the IPv4 one. out holds 64 bytes. */
void        antispam_addr_key(const char *addr, char out[64]);

/* Deletes used-token records past their expiry and rate windows no longer looked at; returns the number
 * of rows removed, -1 on a database error. Called by the housekeeping round (jobs.c). */
int64_t     antispam_prune(db_t *db, int64_t now);

/* The Japanese text to show next to the form for a REJECT_RATE/REPLAY/EXPIRED/BAD verdict, the note for
 * the completion page for HOLD; NULL for ACCEPT and REJECT_HONEYPOT (those show the normal completion). */
const char *antispam_message(antispam_verdict_t v);
/* "accept", "hold", "honeypot", "rate", "replay", "expired", "bad": for logs and audit details. */
const char *antispam_verdict_name(antispam_verdict_t v);

#endif
