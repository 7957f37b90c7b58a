/* secret.c - key files: created once with random bytes, read at start, never logged. */
#include "auth/secret.h"
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const names[SECRET_COUNT] = { "audit", "csrf", "totp" };
static unsigned char keys[SECRET_COUNT][SECRET_BYTES];

static bool
read_key(const char *path, unsigned char *out)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, out, SECRET_BYTES);
	close(fd);
	return n == SECRET_BYTES;
}

static bool
create_key(const char *path)
{
	unsigned char k[SECRET_BYTES];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	bool ok;

	if (fd < 0)
		return errno == EEXIST;
	randombytes_buf(k, sizeof(k));
	ok = write(fd, k, sizeof(k)) == (ssize_t)sizeof(k) && fsync(fd) == 0;
	close(fd);
	sodium_memzero(k, sizeof(k));
	return ok;
}

bool
secret_init(const char *dir, bool create)
{
	char path[1024];
	int i, n;

	if (create && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		log_error("secret: cannot create %s: %s", dir, strerror(errno));
		return false;
	}
	for (i = 0; i < SECRET_COUNT; i++) {
		n = snprintf(path, sizeof(path), "%s/%s.key", dir, names[i]);
		if (n < 0 || (size_t)n >= sizeof(path))
			return false;
		if (create && !create_key(path)) {
			log_error("secret: cannot create %s", path);
			return false;
		}
		if (!read_key(path, keys[i])) {
			log_error("secret: cannot read %s (run `tsunagu migrate` first)", path);
			return false;
		}
	}
	return true;
}

const unsigned char *
secret_get(secret_id_t id)
{
	return keys[id];
}
