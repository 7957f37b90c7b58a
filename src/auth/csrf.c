/* csrf.c - HMAC-SHA256 tokens keyed with a secret outside the database (secret.h). */
#include "auth/csrf.h"
#include "auth/secret.h"

#include <sodium.h>
#include <string.h>

void
csrf_token(const char *binding, char out[CSRF_TOKEN_LEN + 1])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, secret_get(SECRET_CSRF), SECRET_BYTES);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"csrf\n", 5);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)binding, strlen(binding));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(out, CSRF_TOKEN_LEN + 1, mac, sizeof(mac), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool
csrf_check(const char *binding, const char *token)
{
	char want[CSRF_TOKEN_LEN + 1];

	if (binding == NULL || token == NULL || strlen(token) != CSRF_TOKEN_LEN)
		return false;
	csrf_token(binding, want);
	return sodium_memcmp(want, token, CSRF_TOKEN_LEN) == 0;
}
