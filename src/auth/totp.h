/*
 * totp.h - staff two-factor sign-in (issue 6 item 6; B05, SEC14, SEC16, SEC17).
 *
 * RFC 4226 HOTP / RFC 6238 TOTP with HMAC-SHA1 (nettle): 6 digits, 30-second steps, the step before and
 * after accepted, a step never accepted twice for an account (totp.last_step). The 20-byte secret is kept
 * encrypted (secretbox, key <data>/keys/totp.key). Ten single-use recovery codes, stored as keyed BLAKE2b
 * hashes. A half-signed-in login (password right, code due) is a login_pending row, never a session.
 */
#ifndef TSUNAGU_TOTP_H
#define TSUNAGU_TOTP_H

#include "auth/account.h"
#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOTP_SECRET_BYTES   20
#define TOTP_STEP_S         30
#define TOTP_DIGITS         6
#define TOTP_BASE32_LEN     32          /* 20 bytes in base32, no padding */
#define TOTP_RECOVERY_COUNT 10
#define TOTP_RECOVERY_LEN   11          /* xxxxx-xxxxx */
#define TOTP_CODE_MAX       32          /* longest code input looked at */
#define TOTP_PENDING_S      300         /* a half-signed-in login lasts five minutes */
#define TOTP_TOKEN_LEN      43          /* base64url of 32 random bytes */

typedef enum { TOTP_NONE = 0, TOTP_PENDING = 1, TOTP_ACTIVE = 2, TOTP_DBERR = -1 } totp_state_t;

/* RFC 4226: the HOTP value of counter (digits 6..8). */
uint32_t totp_hotp(const uint8_t *key, size_t keylen, uint64_t counter, int digits);
/* RFC 6238 step of a Unix time (T0 = 0, X = 30). */
int64_t  totp_step(int64_t now);
/* RFC 4648 base32 (A-Z2-7), no padding; false when out is too small. */
bool     totp_base32_encode(const uint8_t *in, size_t n, char *out, size_t outlen);
/* Decodes base32 ignoring spaces, hyphens and case; returns bytes written, or -1 when malformed. */
long     totp_base32_decode(const char *in, uint8_t *out, size_t outmax);
/* The step (>last_step, within ±1 of now) whose code matches; -1 when none. Spaces in code are ignored. */
int64_t  totp_match(const uint8_t *key, size_t keylen, const char *code, int64_t now, int64_t last_step);
/* otpauth://totp/<issuer>:<login>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30 (malloc'd). */
char    *totp_uri(const char *issuer, const char *login, const char *secret_b32);
/* The QR code of text as an SVG element (malloc'd); title is its text alternative. NULL on failure. */
char    *totp_qr_svg(const char *text, const char *title);
/* True when config [login] require_2fa_roles names role (comma or space separated). */
bool     totp_role_required(const char *roles, const char *role);

/* --- per account (database) --- */
totp_state_t totp_state(db_t *db, int64_t account_id);
/* Makes a new pending secret (replacing a pending one; refused when active). */
bool totp_start(db_t *db, int64_t account_id, int64_t now, uint8_t secret[TOTP_SECRET_BYTES]);
/* The pending (or active) secret, decrypted. */
bool totp_secret(db_t *db, int64_t account_id, uint8_t secret[TOTP_SECRET_BYTES]);
/* Confirms the pending secret with a current code: active, ten new recovery codes in codes, audited.
 * 1 done, 0 wrong code, -1 error. */
int  totp_confirm(db_t *db, const account_t *a, const char *code, const char *ip, int64_t now,
         char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN + 1]);
/* Second login step: 1 a TOTP code matched, 2 a recovery code matched (now used), 0 neither, -1 error. */
int  totp_verify(db_t *db, int64_t account_id, const char *code, int64_t now);
/* Replaces the recovery codes (the old ones stop working), audited. */
bool totp_regenerate(db_t *db, const account_t *a, const char *ip, int64_t now,
         char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN + 1]);
/* Unused recovery codes left; -1 on error. */
int  totp_recovery_left(db_t *db, int64_t account_id);
/* Removes the account's second factor (its own choice, or an administrator's reset), audited as action. */
bool totp_remove(db_t *db, int64_t account_id, int64_t actor_id, const char *actor, const char *ip,
         const char *action, int64_t now);

/* --- half-signed-in logins --- */
bool totp_pending_create(db_t *db, int64_t account_id, const char *next, int64_t now, char token[TOTP_TOKEN_LEN + 1]);
/* The account (and where to go next, up to nextlen) of a live token; false when unknown or expired. */
bool totp_pending_lookup(db_t *db, const char *token, int64_t now, int64_t *account_id, char *next, size_t nextlen);
bool totp_pending_destroy(db_t *db, const char *token);
/* Deletes half-finished logins older than TOTP_PENDING_S (housekeeping); rows removed, or -1. */
int64_t totp_pending_prune(db_t *db, int64_t now);

#endif
