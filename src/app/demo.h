/* demo.h - the demo content of `tsunagu seed --demo`: fictitious companies, job offers, internships,
 * events, articles, fixed pages and banners of the Gunma site, generated from a fixed seed. */
#ifndef TSUNAGU_DEMO_H
#define TSUNAGU_DEMO_H

#include "content/schema.h"
#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes the demo content in one transaction, every entity through entity_validate and entity_insert,
 * dates relative to now. Does nothing when entities of type "company" exist already. False with a
 * message in err (nothing written). */
bool demo_content(db_t *db, const schema_t *s, int64_t now, char *err, size_t errlen);

/* 50 fictitious job seekers (demo_seekers.c; issue 7 item 8) with consultant records, interactions and
 * referrals to the published demo jobs and internships, in one transaction; sealed like real records.
 * Does nothing when they exist. *made gets how many were written. */
bool demo_seekers(db_t *db, int64_t now, int *made, char *err, size_t errlen);

typedef enum { DEMO_PICTURE_PHOTO, DEMO_PICTURE_VIDEO, DEMO_PICTURE_BANNER } demo_picture_t;

/* A drawn picture stored through media_store (demo_images.c): its media id, or 0 when it could not be
 * made (the demo then goes without it). text is the caption of video thumbnails and banners. */
int64_t demo_picture(db_t *db, demo_picture_t kind, unsigned seed, const char *text, int64_t now);

#endif
