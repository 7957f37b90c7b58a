/* csrf.h - CSRF tokens: HMAC of what the request is bound to (the session, or a pre-login cookie). */
#ifndef TSUNAGU_CSRF_H
#define TSUNAGU_CSRF_H

#include <stdbool.h>
#include <stddef.h>

#define CSRF_TOKEN_LEN 43   /* base64url of 32 bytes */
#define CSRF_FIELD     "csrf_token"

/* Token for binding (e.g. "s:<session id>" or "a:<pre-login cookie>"). */
void csrf_token(const char *binding, char out[CSRF_TOKEN_LEN + 1]);
/* Constant-time check of a submitted token against binding. */
bool csrf_check(const char *binding, const char *token);

#endif
