/* secret.h - keys kept outside the database (in <keys dir>/NAME.key, 32 random bytes, mode 0600). */
#ifndef TSUNAGU_SECRET_H
#define TSUNAGU_SECRET_H

#include <stdbool.h>

#define SECRET_BYTES 32

typedef enum { SECRET_AUDIT, SECRET_CSRF, SECRET_TOTP, SECRET_COUNT } secret_id_t; /* totp: issue 6 item 6 */

/* Loads every key from dir; with create, makes dir (0700) and any missing key first. */
bool                 secret_init(const char *dir, bool create);
const unsigned char *secret_get(secret_id_t id);

#endif
