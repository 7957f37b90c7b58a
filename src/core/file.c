/* file.c - bounded whole-file reads. */
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

char *
file_read_at(int dfd, const char *name, size_t max, size_t *len, bool *too_big)
{
	struct stat st;
	char       *data = NULL;
	size_t      got = 0;
	ssize_t     r;
	int         fd;

	if (too_big != NULL)
		*too_big = false;
	if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return NULL;
	if (fstat(fd, &st) != 0)
		goto fail;
	if (!S_ISREG(st.st_mode) || st.st_size < 0) {
		errno = EINVAL;
		goto fail;
	}
	if ((uintmax_t)st.st_size > max) {
		if (too_big != NULL)
			*too_big = true;
		errno = EFBIG;
		goto fail;
	}
	if ((data = malloc((size_t)st.st_size + 1)) == NULL)
		goto fail;
	for (;;) {
		r = read(fd, data + got, (size_t)st.st_size + 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		got += (size_t)r;
		if (got > (size_t)st.st_size) {
			errno = EAGAIN; /* it grew while being read */
			goto fail;
		}
	}
	close(fd);
	data[got] = '\0';
	*len = got;
	return data;
fail:
	free(data);
	close(fd);
	return NULL;
}
