/* text.c - Unicode folding with utf8proc. */
#include "core/text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

char *
text_fold(arena_t *a, const char *s, size_t n)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t  len;
	char *res;
	size_t start = 0, end;

	len = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &out,
	    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
	if (len < 0)
		return NULL;
	end = (size_t)len;
	while (start < end && (out[start] == ' ' || out[start] == '\t' || out[start] == '\n' || out[start] == '\r'))
		start++;
	while (end > start && (out[end - 1] == ' ' || out[end - 1] == '\t' || out[end - 1] == '\n' || out[end - 1] == '\r'))
		end--;
	res = arena_strndup(a, (const char *)out + start, end - start);
	free(out);
	return res;
}
