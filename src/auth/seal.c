/* seal.c - sealed personal fields and blind indexes (issue 7 item 3; SEC06); see seal.h. */
#include "auth/seal.h"
#include "core/log.h"
#include "core/str.h"
#include "core/text.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned char aead_key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
static unsigned char index_key[crypto_generichash_KEYBYTES];
static bool ready;

void
seal_set_key(const unsigned char key[SEAL_KEY_BYTES])
{
	crypto_kdf_derive_from_key(aead_key, sizeof(aead_key), 1, "sealaead", key);
	crypto_kdf_derive_from_key(index_key, sizeof(index_key), 2, "sealidx_", key);
	ready = true;
}

bool
seal_ready(void)
{
	return ready;
}

void
seal_close(void)
{
	sodium_memzero(aead_key, sizeof(aead_key));
	sodium_memzero(index_key, sizeof(index_key));
	ready = false;
}

static bool
make_parent(const char *path)
{
	char dir[1024];
	char *slash;

	if (!str_copy(dir, sizeof(dir), path))
		return false;
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return true;
	*slash = '\0';
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		log_error("seal: cannot create %s: %s", dir, strerror(errno));
		return false;
	}
	return true;
}

static bool
create_key(const char *path)
{
	unsigned char k[SEAL_KEY_BYTES];
	int fd;
	bool ok;

	if (!make_parent(path))
		return false;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST;
	randombytes_buf(k, sizeof(k));
	ok = write(fd, k, sizeof(k)) == (ssize_t)sizeof(k) && fsync(fd) == 0;
	close(fd);
	sodium_memzero(k, sizeof(k));
	if (ok)
		log_info("seal: created the key file %s (back it up with the database: without it the sealed data is lost)", path);
	return ok;
}

bool
seal_open(const char *path, bool create)
{
	unsigned char k[SEAL_KEY_BYTES];
	struct stat st;
	ssize_t n;
	int fd;

	if (path == NULL || path[0] == '\0') {
		log_error("seal: no key file configured ([security] seal_key_file)");
		return false;
	}
	if (create && !create_key(path)) {
		log_error("seal: cannot create the key file %s", path);
		return false;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		log_error("seal: cannot read the key file %s: %s (run `tsunagu migrate` to create it)", path, strerror(errno));
		return false;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size != SEAL_KEY_BYTES || (st.st_mode & 077) != 0) {
		log_error("seal: %s must be a regular file of %d bytes that only its owner may read (chmod 600)", path,
		    SEAL_KEY_BYTES);
		close(fd);
		return false;
	}
	n = read(fd, k, sizeof(k));
	close(fd);
	if (n != (ssize_t)sizeof(k)) {
		sodium_memzero(k, sizeof(k));
		log_error("seal: cannot read the key file %s", path);
		return false;
	}
	seal_set_key(k);
	sodium_memzero(k, sizeof(k));
	return true;
}

static bool
make_ad(char *ad, size_t adlen, const char *table, const char *column, int64_t row, size_t *len)
{
	int n = snprintf(ad, adlen, "%s/%s/%" PRId64, table, column, row);

	if (n < 0 || (size_t)n >= adlen)
		return false;
	*len = (size_t)n;
	return true;
}

unsigned char *
seal_encrypt(arena_t *A, const char *table, const char *column, int64_t row, const char *plain, size_t n,
    size_t *outlen)
{
	char ad[160];
	size_t adlen;
	unsigned char *out;
	unsigned long long clen;

	if (!ready || n > SEAL_VALUE_MAX || !make_ad(ad, sizeof(ad), table, column, row, &adlen))
		return NULL;
	out = arena_alloc(A, n + SEAL_OVERHEAD);
	if (out == NULL)
		return NULL;
	randombytes_buf(out, SEAL_NONCE_BYTES);
	if (crypto_aead_xchacha20poly1305_ietf_encrypt(out + SEAL_NONCE_BYTES, &clen, (const unsigned char *)plain, n,
	    (const unsigned char *)ad, adlen, NULL, out, aead_key) != 0)
		return NULL;
	*outlen = SEAL_NONCE_BYTES + (size_t)clen;
	return out;
}

char *
seal_decrypt(arena_t *A, const char *table, const char *column, int64_t row, const void *sealed, size_t n)
{
	char ad[160];
	size_t adlen;
	unsigned char *out;
	unsigned long long mlen;
	const unsigned char *c = sealed;

	if (!ready || n < SEAL_OVERHEAD || n > SEAL_VALUE_MAX + SEAL_OVERHEAD ||
	    !make_ad(ad, sizeof(ad), table, column, row, &adlen))
		return NULL;
	out = arena_alloc(A, n - SEAL_OVERHEAD + 1);
	if (out == NULL)
		return NULL;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, &mlen, NULL, c + SEAL_NONCE_BYTES, n - SEAL_NONCE_BYTES,
	    (const unsigned char *)ad, adlen, c, aead_key) != 0)
		return NULL;
	out[mlen] = '\0';
	return (char *)out;
}

bool
seal_bind(db_stmt_t *st, int i, arena_t *A, const char *table, const char *column, int64_t row, const char *plain)
{
	size_t len;
	unsigned char *c;

	if (plain == NULL)
		plain = "";
	c = seal_encrypt(A, table, column, row, plain, strlen(plain), &len);
	if (c == NULL)
		return false;
	db_bind_blob(st, i, c, len);
	return true;
}

const char *
seal_col(db_stmt_t *st, int i, arena_t *A, const char *table, const char *column, int64_t row)
{
	const void *p;
	size_t n;

	if (db_col_null(st, i))
		return "";
	p = db_col_blob(st, i);
	n = db_col_len(st, i);
	if (n == 0)
		return "";
	return seal_decrypt(A, table, column, row, p, n);
}

char *
seal_normalise(arena_t *A, const char *text)
{
	char *f, *o;
	const unsigned char *p;
	unsigned char *w;

	if (text == NULL)
		return NULL;
	f = text_fold(A, text, strlen(text));
	if (f == NULL)
		return NULL;
	/* drop white space (「山田 太郎」 = 「山田太郎」) and middle dots; katakana -> hiragana */
	o = arena_alloc(A, strlen(f) + 1);
	if (o == NULL)
		return NULL;
	w = (unsigned char *)o;
	for (p = (const unsigned char *)f; *p != '\0';) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			p++;
			continue;
		}
		/* U+3000 ideographic space (E3 80 80) and U+30FB katakana middle dot (E3 83 BB) */
		if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
			p += 3;
			continue;
		}
		if (p[0] == 0xE3 && p[1] == 0x83 && p[2] == 0xBB) {
			p += 3;
			continue;
		}
		/* katakana U+30A1..U+30F6 -> hiragana U+3041..U+3096 */
		if (p[0] == 0xE3 && (p[1] == 0x82 || p[1] == 0x83) && p[2] != '\0') {
			unsigned cp = 0x3000u | ((unsigned)(p[1] & 0x3F) << 6) | (unsigned)(p[2] & 0x3F);
			if (cp >= 0x30A1 && cp <= 0x30F6) {
				cp -= 0x60;
				*w++ = 0xE3;
				*w++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
				*w++ = (unsigned char)(0x80 | (cp & 0x3F));
				p += 3;
				continue;
			}
		}
		*w++ = *p++;
	}
	*w = '\0';
	return o;
}

static void
index_hash(const char *kind, char mode, const char *s, size_t n, unsigned char out[SEAL_INDEX_BYTES])
{
	crypto_generichash_state h;
	unsigned char m = (unsigned char)mode;

	crypto_generichash_init(&h, index_key, sizeof(index_key), SEAL_INDEX_BYTES);
	crypto_generichash_update(&h, (const unsigned char *)kind, strlen(kind) + 1);
	crypto_generichash_update(&h, &m, 1);
	crypto_generichash_update(&h, (const unsigned char *)s, n);
	crypto_generichash_final(&h, out, SEAL_INDEX_BYTES);
}

int
seal_index_all(arena_t *A, const char *kind, const char *text, unsigned char out[SEAL_INDEX_MAX][SEAL_INDEX_BYTES])
{
	char *s = seal_normalise(A, text);
	size_t len, chars, k;
	int n = 0;

	if (!ready || s == NULL || s[0] == '\0')
		return 0;
	len = strlen(s);
	chars = str_utf8_len(s, len);
	for (k = 1; k <= chars && k <= SEAL_PREFIX_MAX; k++)
		index_hash(kind, 'p', s, str_utf8_prefix(s, len, k), out[n++]);
	if (chars > SEAL_PREFIX_MAX)
		index_hash(kind, 'x', s, len, out[n++]);
	return n;
}

bool
seal_index_query(arena_t *A, const char *kind, const char *query, unsigned char out[SEAL_INDEX_BYTES])
{
	char *s = seal_normalise(A, query);
	size_t len;

	if (!ready || s == NULL || s[0] == '\0')
		return false;
	len = strlen(s);
	index_hash(kind, str_utf8_len(s, len) <= SEAL_PREFIX_MAX ? 'p' : 'x', s, len, out);
	return true;
}
