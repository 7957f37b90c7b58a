/*
 * picture.c - images on pages: /media/<key>-<width>.<webp|jpg> answered from the database, and the
 * <picture> values templates render (WebP with a JPEG fallback, every stored width in srcset, the
 * intrinsic size so the page does not jump while images load).
 */
#include "app/web.h"
#include "core/buf.h"
#include "core/str.h"
#include "db/db.h"
#include "media/media.h"

#include <stdio.h>
#include <string.h>

void
page_media(req_t *r)
{
	char key[MEDIA_KEY_LEN + 1];
	const char *format;
	int width;
	db_t *db = db_thread();

	if (!media_parse_name(http_param(r, 0), key, &width, &format)) {
		web_error(r, 404, NULL);
		return;
	}
	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	buf_clear(&r->out);
	if (!media_variant(db, key, width, format, &r->out)) {
		buf_clear(&r->out);
		web_error(r, 404, NULL);
		return;
	}
	r->status = 200;
	r->content_type = strcmp(format, "webp") == 0 ? "image/webp" : "image/jpeg";
	/* a key's variants never change: a new upload gets a new key */
	r->cache_control = "public, max-age=31536000, immutable";
}

static const char *
srcset(arena_t *A, const media_info_t *mi, const char *format)
{
	buf_t b = BUF_INIT;
	const char *s;
	int i;

	for (i = 0; i < mi->nvariants; i++)
		buf_printf(&b, "%s/media/%s-%d.%s %dw", i ? ", " : "", mi->key, mi->widths[i], format, mi->widths[i]);
	s = b.oom || b.data == NULL ? "" : arena_strdup(A, b.data);
	buf_free(&b);
	return s;
}

tv_t *
web_picture(req_t *r, db_t *db, const char *ref, const char *alt, const char *sizes)
{
	arena_t *A = &r->arena;
	media_info_t mi;
	int64_t id;
	tv_t *p;
	int fallback;

	if (ref == NULL || !media_ref_parse(ref, strlen(ref), &id) || !media_info(db, id, &mi))
		return NULL;
	/* the fallback <img> takes the 640 px variant (or the widest there is below it) */
	for (fallback = mi.nvariants - 1; fallback > 0 && mi.widths[fallback] > 640; fallback--)
		;
	p = tv_map(A);
	tv_set_str(A, p, "webp", srcset(A, &mi, "webp"));
	tv_set_str(A, p, "jpg", srcset(A, &mi, "jpg"));
	tv_set_str(A, p, "src", arena_printf(A, "/media/%s-%d.jpg", mi.key, mi.widths[fallback]));
	tv_set_int(A, p, "width", mi.width);
	tv_set_int(A, p, "height", mi.height);
	tv_set_str(A, p, "alt", alt != NULL ? alt : "");
	tv_set_str(A, p, "sizes", sizes);
	return p;
}
