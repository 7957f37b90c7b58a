/* password.h - argon2id password hashes (libsodium) and the password policy (SEC14, REQUIREMENTS G11/G21). */
#ifndef TSUNAGU_PASSWORD_H
#define TSUNAGU_PASSWORD_H

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_MIN_CHARS 12   /* code points */
#define PASSWORD_MAX_BYTES 512  /* longest accepted input; 128 characters of 4-byte UTF-8 */
#define PASSWORD_MAX_CHARS 128  /* code points, all of them significant */
#define PASSWORD_HASH_MAX  crypto_pwhash_STRBYTES

typedef enum {
	PW_OK = 0,
	PW_TOO_SHORT,
	PW_TOO_LONG,
	PW_ONE_KIND,        /* needs two kinds of: lower case, upper case, digits, symbols/other */
	PW_COMMON,          /* in the shipped list of common passwords (or one plus digits/symbols) */
	PW_CONTAINS_LOGIN,
	PW_CONTAINS_EMAIL,
	PW_INVALID          /* not UTF-8, or control characters */
} pw_verdict_t;

/* Loads the common-password list (one per line, lower case); false when the file cannot be read. */
bool         password_load_common(const char *path);
void         password_free_common(void);
pw_verdict_t password_check(const char *pw, const char *login, const char *email);
/* Japanese message for a verdict, for the form. */
const char  *password_message(pw_verdict_t v);
/* argon2id with libsodium's INTERACTIVE limits (64 MiB, 2 passes). False on failure. */
bool         password_hash(const char *pw, char out[PASSWORD_HASH_MAX]);
/* Constant-time verification; false for a malformed hash. */
bool         password_verify(const char *hash, const char *pw);
/* Burns the same time as a verification, for logins with an unknown ID. */
void         password_verify_dummy(const char *pw);

#endif
