/* file.h - reading whole files the careful way: relative to an open directory, no symlinks, bounded. */
#ifndef TSUNAGU_FILE_H
#define TSUNAGU_FILE_H

#include <stdbool.h>
#include <stddef.h>

/* Reads the regular file name under directory dfd (O_NOFOLLOW) into a heap buffer, NUL-terminated,
 * of at most max bytes. NULL on failure with errno set; *too_big (may be NULL) tells a file over max. */
char *file_read_at(int dfd, const char *name, size_t max, size_t *len, bool *too_big);

#endif
