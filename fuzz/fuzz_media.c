/*
 * fuzz_media.c - the parsers of media.c on arbitrary bytes (first byte picks one):
 *   0: media_parse_name (the /media/<key>-<width>.<fmt> URL segment): what it accepts prints back identically;
 *   1: media_video_embed: only the two player hosts come out, with nothing but URL-safe characters;
 *   2: media_webp_strip: the result is a consistent RIFF/WEBP file without EXIF or XMP chunks, and
 *      stripping it again changes nothing.
 */
#include "media/media.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
names(const char *s)
{
	char key[MEDIA_KEY_LEN + 1], back[128];
	const char *fmt;
	int w;

	if (!media_parse_name(s, key, &w, &fmt))
		return;
	CHECK(strlen(key) == MEDIA_KEY_LEN && strspn(key, "0123456789abcdef") == MEDIA_KEY_LEN);
	CHECK(w > 0 && w <= MEDIA_MAX_SIDE);
	CHECK(strcmp(fmt, "webp") == 0 || strcmp(fmt, "jpg") == 0);
	snprintf(back, sizeof(back), "%s-%d.%s", key, w, fmt);
	CHECK(strcmp(back, s) == 0);
}

static void
embeds(const char *s)
{
	char out[256];
	size_t i, n;

	if (!media_video_embed(s, out, sizeof(out)))
		return;
	CHECK(strncmp(out, "https://www.youtube-nocookie.com/embed/", 39) == 0 ||
	    strncmp(out, "https://player.vimeo.com/video/", 31) == 0);
	n = strlen(out);
	for (i = 0; i < n; i++)
		CHECK(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-?=&/:.", out[i]) != NULL);
}

static void
webp(const uint8_t *data, size_t size)
{
	unsigned char *d = malloc(size + 1), *again;
	size_t n = size, m, p;

	if (d == NULL)
		return;
	memcpy(d, data, size);
	if (media_webp_strip(d, &n)) {
		CHECK(n <= size && n >= 12);
		CHECK(memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0 && le32(d + 4) == n - 8);
		for (p = 12; p + 8 <= n; p += 8 + le32(d + p + 4) + (le32(d + p + 4) & 1)) {
			CHECK(memcmp(d + p, "EXIF", 4) != 0 && memcmp(d + p, "XMP ", 4) != 0);
			if (memcmp(d + p, "VP8X", 4) == 0 && le32(d + p + 4) >= 1)
				CHECK((d[p + 8] & 0x0C) == 0);
		}
		CHECK(p == n);
		again = malloc(n + 1);
		if (again != NULL) {
			memcpy(again, d, n);
			m = n;
			CHECK(media_webp_strip(again, &m) && m == n && memcmp(again, d, n) == 0);
			free(again);
		}
	}
	free(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size == 0)
		return 0;
	if (data[0] % 3 == 2) {
		webp(data + 1, size - 1);
		return 0;
	}
	s = malloc(size);
	if (s == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (data[0] % 3 == 0)
		names(s);
	else
		embeds(s);
	free(s);
	return 0;
}
