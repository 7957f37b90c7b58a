/*
 * library.h - the media library behind /staff/media (issue 6 item 5; G05, G40-G44, G80): what staff say
 * about an image (代替テキスト, a note), searching, and where an image is used, so that one in use is never
 * deleted. Images are referred to in two ways, and both are found:
 *   - an image field of an entity holds the medium's id as a decimal string ("photo1": "12"); which fields
 *     are image fields is the site schema's business, asked through a callback;
 *   - any text (a Markdown body, a link) may hold its URL "/media/<key>-<width>.<fmt>".
 * Pending company edits (company_revisions) count as uses too: approving one must not find its photo gone.
 * No HTTP here; the pages are src/app/medialib_pages.c.
 */
#ifndef TSUNAGU_MEDIA_LIBRARY_H
#define TSUNAGU_MEDIA_LIBRARY_H

#include "db/db.h"
#include "media/media.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEDIALIB_ALT_MAX    200  /* characters of an alt text */
#define MEDIALIB_LABEL_MAX  100  /* characters of the staff note */
#define MEDIALIB_QUERY_MAX  100  /* characters of a search */
#define MEDIALIB_MAX_FILES  10   /* files in one upload (the body limit, 12 MB by default, applies too) */
#define MEDIALIB_PER_PAGE   24   /* images on one page of the library and of the picker */
#define MEDIALIB_MAX_USES   20   /* uses listed for one image (all are counted) */
#define MEDIALIB_TITLE_MAX  200  /* bytes of a using record's title kept for display */

/* Is field of content type an image field (its value a media id)? arg is the caller's. */
typedef bool (*medialib_image_field_fn)(const char *type, const char *field, void *arg);

typedef struct medialib_use {
	int64_t entity_id;
	char    type[32];
	char    title[MEDIALIB_TITLE_MAX + 1];
	char    field[64];          /* the field that refers to it */
	bool    by_url;             /* its URL in a text (Markdown), not an image field */
	bool    pending;            /* in a company's edit waiting for approval */
} medialib_use_t;

typedef struct medialib_item {
	int64_t id;
	char    key[MEDIA_KEY_LEN + 1];
	char    alt[MEDIALIB_ALT_MAX * 4 + 1];
	char    label[MEDIALIB_LABEL_MAX * 4 + 1];
	char    name[MEDIA_MAX_NAME + 1];      /* the uploader's file name (display only) */
	int     width, height;                 /* the largest variant */
	int     thumb_width, thumb_height;     /* the smallest (320 px, or the image itself when narrower) */
	int64_t bytes_in;                      /* size of the uploaded file */
	int64_t created_at, created_by, department_id, updated_at;
	char    uploader[400];                 /* display name or login of created_by; "" when none */
	char    department[64];
} medialib_item_t;

typedef enum { MEDIALIB_OK, MEDIALIB_IN_USE, MEDIALIB_NOT_FOUND, MEDIALIB_ERROR } medialib_result_t;

/* An alt text: one line of valid UTF-8 without control characters, at most MEDIALIB_ALT_MAX characters,
 * not only spaces when required. False with a Japanese message in err. */
bool medialib_alt_check(const char *s, bool required, char *err, size_t errlen);
/* The staff note: like an alt text, optional, at most MEDIALIB_LABEL_MAX characters. */
bool medialib_label_check(const char *s, char *err, size_t errlen);
/* True when the bytes are markup (SVG, HTML, XML: they start with '<' after a BOM and spaces); such an
 * upload is refused with its own message before libvips sees it. */
bool medialib_is_markup(const void *data, size_t n);

/*
 * Stores an upload through media_store and gives a new medium its alt text, note and department
 * (department 0: none). The same bytes stored before give that medium (*existing = true); its alt text
 * and note are filled in only where they are empty. Inside the caller's write transaction. False with a
 * Japanese message in err.
 */
bool medialib_upload(db_t *db, const void *data, size_t n, const char *filename, const char *alt,
    const char *label, int64_t account, int64_t department, int64_t now, int64_t *id, bool *existing,
    char *err, size_t errlen);

bool medialib_get(db_t *db, int64_t id, medialib_item_t *it);
/* Sets alt text and note (checked by the caller). False when there is no such medium or on error. */
bool medialib_update(db_t *db, int64_t id, const char *alt, const char *label, int64_t now);

/*
 * Images whose alt text, note or file name contains q ("" or NULL: all), newest first: up to limit items
 * from offset into items; *total gets the number of matches. Returns the number of items, -1 on error.
 */
int medialib_search(db_t *db, const char *q, int64_t offset, int limit, medialib_item_t *items, int64_t *total);

/* Where medium id (of key) is used: up to max uses into uses; returns how many there are in all, -1 on error. */
int medialib_usage(db_t *db, int64_t id, const char *key, medialib_image_field_fn is_image, void *arg,
    medialib_use_t *uses, int max);

/*
 * Deletes medium id unless it is used (MEDIALIB_IN_USE, with up to max uses in uses and their count in
 * *nuses). Inside the caller's write transaction, so the check and the delete see the same data.
 */
medialib_result_t medialib_delete(db_t *db, int64_t id, medialib_image_field_fn is_image, void *arg,
    medialib_use_t *uses, int max, int *nuses);

#endif
