/*
 * media.h - uploaded images. An upload is decoded by libvips only when it is one of four raster
 * formats, checked against size limits before its pixels are read, turned upright, and stored as a few
 * widths in WebP and JPEG with every piece of metadata (EXIF, GPS, XMP, ICC comments) left behind.
 * The original bytes are never kept. Images are answered at /media/<key>-<width>.<webp|jpg>, where key
 * is random: an image of a draft cannot be found by counting.
 */
#ifndef TSUNAGU_MEDIA_H
#define TSUNAGU_MEDIA_H

#include "core/buf.h"
#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEDIA_MAX_BYTES   (10 * 1024 * 1024) /* an upload larger than this is refused unread */
#define MEDIA_MAX_PIXELS  (50 * 1000 * 1000) /* decompression bombs: refused from the header */
#define MEDIA_MAX_SIDE    12000
#define MEDIA_MAX_NAME    200                /* the uploader's file name, kept for staff */
#define MEDIA_NWIDTHS     3
#define MEDIA_MAX_VARIANTS MEDIA_NWIDTHS
#define MEDIA_KEY_LEN     32                 /* hex digits */

/* The widths made of every image (never wider than the upload itself). */
extern const int media_widths[MEDIA_NWIDTHS];

typedef struct media_info {
	int64_t id;
	char    key[MEDIA_KEY_LEN + 1];
	int     width, height;                  /* of the largest variant */
	int     nvariants;
	int     widths[MEDIA_MAX_VARIANTS];      /* ascending */
	int     heights[MEDIA_MAX_VARIANTS];
} media_info_t;

/* Starts libvips once per process (untrusted loaders blocked, no operation cache). False on failure. */
bool media_init(void);
void media_shutdown(void);

/*
 * Stores an upload: returns its id in *id (the existing id when the same bytes were stored before).
 * name is the uploader's file name (shown to staff; never used to open anything), account the uploader
 * or 0. On a bad image *id is 0, err holds a Japanese message and nothing is written. Uses its own
 * transaction unless the caller has one open.
 */
bool media_store(db_t *db, const void *data, size_t n, const char *name, int64_t account, int64_t now,
    int64_t *id, char *err, size_t errlen);

/* The stored variants of id; false when there is no such image. */
bool media_info(db_t *db, int64_t id, media_info_t *mi);

/* One variant's bytes ("webp" or "jpg") appended to out; false when there is none. */
bool media_variant(db_t *db, const char *key, int width, const char *format, buf_t *out);

/*
 * Parses a media URL's last segment "<key>-<width>.<webp|jpg>" (32 lower-case hex digits, a width
 * without leading zeros); key receives the key, format a static "webp" or "jpg". False otherwise.
 */
bool media_parse_name(const char *s, char key[MEDIA_KEY_LEN + 1], int *width, const char **format);

/* An image field holds its medium's id in decimal: true (and *id) when v is such an id. */
bool media_ref_parse(const char *v, size_t n, int64_t *id);

/*
 * The player address for a video page on YouTube or Vimeo (youtube-nocookie.com, Vimeo with dnt=1,
 * both starting at once since the visitor has just asked for it); false for any other address.
 */
bool media_video_embed(const char *url, char *out, size_t outlen);

/* Rewrites a WebP file in place without its EXIF and XMP chunks (and their VP8X flags); false when it is not a
 * well-formed RIFF/WEBP chunk sequence. Used on libvips' output; exposed for fuzz/fuzz_media.c. */
bool media_webp_strip(unsigned char *d, size_t *len);

/* Removes an image and its variants (the caller has checked nothing refers to it). */
bool media_delete(db_t *db, int64_t id);

#endif
