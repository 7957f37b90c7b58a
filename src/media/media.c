/*
 * media.c - uploaded images through libvips (DESIGN.md: resize to a few widths, WebP + JPEG, strip
 * metadata). What makes an upload safe to keep:
 *   - only the PNG, JPEG, WebP and GIF loaders may read it (libvips also has SVG, PDF, ... loaders);
 *   - its declared size is checked from the header before a single pixel is decoded;
 *   - every variant is produced by decoding the whole image, so a truncated or corrupt file fails;
 *   - variants are re-encoded with "strip": no EXIF (GPS), XMP or comments survive, and nothing of the
 *     upload but its pixels is stored.
 */
#include "media/media.h"
#include "core/log.h"
#include "core/str.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <vips/vips.h>

const int media_widths[MEDIA_NWIDTHS] = { 320, 640, 1280 };

static const char *const loaders[] = {
	"VipsForeignLoadPngBuffer", "VipsForeignLoadJpegBuffer", "VipsForeignLoadWebpBuffer",
	"VipsForeignLoadGifBuffer",
};

static bool started;

/* libvips reports through GLib's log, one warning per bad tile of a corrupt upload: the upload is
 * refused with a message anyway, so these are dropped rather than flooding the server log. */
static void
quiet_glib(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
	(void)domain; (void)level; (void)message; (void)data;
}

bool
media_init(void)
{
	if (started)
		return true;
	if (VIPS_INIT("tsunagu") != 0) {
		log_error("media: libvips did not start: %s", vips_error_buffer());
		return false;
	}
	vips_block_untrusted_set(TRUE);
	vips_cache_set_max(0);      /* no decoded image stays in memory after a request */
	vips_concurrency_set(1);    /* uploads are rare; a page request never waits for image threads */
	g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO, quiet_glib, NULL);
	started = true;
	return true;
}

void
media_shutdown(void)
{
	if (started)
		vips_shutdown();
	started = false;
}

static bool
loader_allowed(const void *data, size_t n)
{
	const char *name = vips_foreign_find_load_buffer(data, n);
	size_t i;

	vips_error_clear();
	if (name == NULL)
		return false;
	for (i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++)
		if (strcmp(name, loaders[i]) == 0)
			return true;
	return false;
}

/* Width and height as the header declares them, with the limits applied. */
static bool
header_ok(const void *data, size_t n, int *w, int *h, char *err, size_t errlen)
{
	VipsImage *im = vips_image_new_from_buffer(data, n, "", NULL);
	int64_t pages = 1;

	if (im == NULL) {
		vips_error_clear();
		snprintf(err, errlen, "画像を読み取れませんでした。JPEG・PNG・WebP・GIF の画像を選んでください。");
		return false;
	}
	*w = im->Xsize;
	*h = vips_image_get_page_height(im);
	if (im->Ysize > *h && *h > 0)
		pages = im->Ysize / *h;
	g_object_unref(im);
	if (*w <= 0 || *h <= 0 || *w > MEDIA_MAX_SIDE || *h > MEDIA_MAX_SIDE ||
	    (int64_t)*w * *h > MEDIA_MAX_PIXELS || pages > 1000) {
		snprintf(err, errlen, "画像が大きすぎます（縦横それぞれ%d画素、合計%d万画素まで）。", MEDIA_MAX_SIDE,
		    MEDIA_MAX_PIXELS / 10000);
		return false;
	}
	return true;
}

struct variant {
	int    width, height;
	void  *webp, *jpg;
	size_t webp_len, jpg_len;
};

static void
variants_free(struct variant *v, int nv)
{
	int i;

	for (i = 0; i < nv; i++) {
		g_free(v[i].webp);
		g_free(v[i].jpg);
	}
}

/* JPEG has no transparency: a transparent upload is put on white first. */
static int
flatten_white(VipsImage *in, VipsImage **out)
{
	double white[] = { 255 };  /* one value serves grey and colour images alike */
	VipsArrayDouble *bg;
	int rc;

	if (!vips_image_hasalpha(in)) {
		*out = in;
		g_object_ref(in);
		return 0;
	}
	bg = vips_array_double_new(white, 1);
	rc = vips_flatten(in, out, "background", bg, NULL);
	vips_area_unref(VIPS_AREA(bg));
	return rc;
}

/*
 * Every metadata item of the decoded image is dropped before encoding. The savers' own "strip" is
 * not enough: libvips 8.14's WebP saver still writes the EXIF block (test_media.c caught it).
 * vips_image_remove only touches the metadata table; width, bands and the like are not in it.
 */
static void
drop_metadata(VipsImage *im)
{
	gchar **names = vips_image_get_fields(im);
	int i;

	for (i = 0; names != NULL && names[i] != NULL; i++)
		(void)vips_image_remove(im, names[i]);
	g_strfreev(names);
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24);
}

/*
 * libvips 8.14's WebP saver writes an EXIF chunk made from the image's resolution and orientation
 * even after every metadata item is gone and "strip" is set. Our own output is rewritten without
 * EXIF and XMP chunks (and their VP8X flags), so a stored image carries pixels and nothing else.
 * The input is libvips' just-written file; anything unexpected makes it fail rather than guess.
 */
bool
media_webp_strip(unsigned char *d, size_t *len)
{
	size_t p = 12, w = 12, n = *len;

	if (n < 12 || memcmp(d, "RIFF", 4) != 0 || memcmp(d + 8, "WEBP", 4) != 0)
		return false;
	while (p + 8 <= n) {
		uint32_t sz = le32(d + p + 4);
		size_t whole = 8 + (size_t)sz + (sz & 1);
		if (whole > n - p)
			return false;
		if (memcmp(d + p, "EXIF", 4) != 0 && memcmp(d + p, "XMP ", 4) != 0) {
			if (memcmp(d + p, "VP8X", 4) == 0 && sz >= 1)
				d[p + 8] &= (unsigned char)~0x0C;  /* the EXIF (8) and XMP (4) flags */
			memmove(d + w, d + p, whole);
			w += whole;
		}
		p += whole;
	}
	if (p != n)
		return false;
	put_le32(d + 4, (uint32_t)(w - 8));
	*len = w;
	return true;
}

/*
 * The largest variant, decoded from the upload once: shrink-on-load, turned upright, an embedded colour
 * profile applied (libvips converts to sRGB then), and kept in memory (at most 1280 px wide).
 */
static VipsImage *
decode_largest(const void *data, size_t n, int width)
{
	VipsImage *seq = NULL, *mem = NULL;

	if (vips_thumbnail_buffer((void *)(uintptr_t)data, n, &seq, width, "height", MEDIA_MAX_SIDE, "size", VIPS_SIZE_DOWN,
	    "option_string", "fail_on=error", NULL) == 0) {
		/* the loader reads once, top to bottom; the result is small enough to keep for every encoder */
		mem = vips_image_copy_memory(seq);
	}
	if (seq != NULL)
		g_object_unref(seq);
	if (mem != NULL)
		drop_metadata(mem);
	return mem;
}

/* One width made from the decoded largest variant, saved as WebP and as JPEG, without metadata. */
static bool
make_variant(VipsImage *big, int width, struct variant *v)
{
	VipsImage *t = NULL, *flat = NULL;
	bool ok = false;

	memset(v, 0, sizeof(*v));
	if (width >= big->Xsize) {
		t = big;
		g_object_ref(t);
	} else if (vips_resize(big, &t, (double)width / big->Xsize, NULL) != 0) {
		goto out;
	}
	v->width = t->Xsize;
	v->height = t->Ysize;
	if (vips_webpsave_buffer(t, &v->webp, &v->webp_len, "Q", 75, "effort", 2, "strip", TRUE, NULL) != 0 ||
	    !media_webp_strip(v->webp, &v->webp_len))
		goto out;
	if (flatten_white(t, &flat) != 0)
		goto out;
	if (vips_jpegsave_buffer(flat, &v->jpg, &v->jpg_len, "Q", 80, "strip", TRUE, "interlace", TRUE,
	    "optimize_coding", TRUE, NULL) != 0)
		goto out;
	ok = true;
out:
	if (t != NULL)
		g_object_unref(t);
	if (flat != NULL)
		g_object_unref(flat);
	if (!ok)
		vips_error_clear();
	return ok;
}

/* The widths to make: each standard width narrower than the upload, and the upload's own width (≤ the largest). */
static int
plan_widths(int w, int out[MEDIA_MAX_VARIANTS])
{
	int i, k = 0;

	for (i = 0; i < MEDIA_NWIDTHS; i++) {
		if (media_widths[i] < w)
			out[k++] = media_widths[i];
		else {
			out[k++] = w;
			break;
		}
	}
	return k;
}

static bool
name_ok(const char *name)
{
	size_t n = strlen(name);

	return n <= MEDIA_MAX_NAME && str_utf8_valid(name, n, false);
}

static int64_t
find_by_hash(db_t *db, const unsigned char hash[32])
{
	db_stmt_t *st = db_prepare(db, "SELECT id FROM media WHERE sha256 = ?");
	int64_t id = 0;

	if (st == NULL)
		return -1;
	db_bind_blob(st, 1, hash, 32);
	if (db_step(st) == DB_ROW)
		id = db_col_i64(st, 0);
	db_done(st);
	return id;
}

static bool
insert_all(db_t *db, const unsigned char hash[32], const char *name, size_t bytes_in, int64_t account, int64_t now,
    const struct variant *v, int nv, int64_t *id)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO media (sha256, name, width, height, bytes_in, created_at, created_by, key) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	unsigned char rnd[MEDIA_KEY_LEN / 2];
	char key[MEDIA_KEY_LEN + 1];
	int i;

	if (st == NULL)
		return false;
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(key, sizeof(key), rnd, sizeof(rnd));
	db_bind_blob(st, 1, hash, 32);
	db_bind_str(st, 2, name);
	db_bind_i64(st, 3, v[nv - 1].width);
	db_bind_i64(st, 4, v[nv - 1].height);
	db_bind_i64(st, 5, (int64_t)bytes_in);
	db_bind_i64(st, 6, now);
	if (account > 0)
		db_bind_i64(st, 7, account);
	else
		db_bind_null(st, 7);
	db_bind_str(st, 8, key);
	if (db_run(st) != DB_DONE)
		return false;
	*id = db_last_id(db);
	for (i = 0; i < nv * 2; i++) {
		const struct variant *x = &v[i / 2];
		st = db_prepare(db, "INSERT INTO media_variants (media_id, width, height, format, data) VALUES (?, ?, ?, ?, ?)");
		if (st == NULL)
			return false;
		db_bind_i64(st, 1, *id);
		db_bind_i64(st, 2, x->width);
		db_bind_i64(st, 3, x->height);
		db_bind_str(st, 4, i % 2 ? "jpg" : "webp");
		db_bind_blob(st, 5, i % 2 ? x->jpg : x->webp, i % 2 ? x->jpg_len : x->webp_len);
		if (db_run(st) != DB_DONE)
			return false;
	}
	return true;
}

bool
media_store(db_t *db, const void *data, size_t n, const char *name, int64_t account, int64_t now,
    int64_t *id, char *err, size_t errlen)
{
	unsigned char hash[32];
	struct variant v[MEDIA_MAX_VARIANTS];
	int widths[MEDIA_MAX_VARIANTS], nv, made = 0, w, h, i;
	bool own, ok;
	int64_t found;
	VipsImage *big;

	*id = 0;
	if (!media_init()) {
		snprintf(err, errlen, "画像を処理できませんでした。時間をおいてもう一度お試しください。");
		return false;
	}
	if (n == 0 || n > MEDIA_MAX_BYTES) {
		snprintf(err, errlen, n == 0 ? "画像ファイルが空です。" : "画像ファイルが大きすぎます（%d MB まで）。",
		    MEDIA_MAX_BYTES / (1024 * 1024));
		return false;
	}
	if (name == NULL || !name_ok(name))
		name = "";
	if (!loader_allowed(data, n)) {
		snprintf(err, errlen, "この形式のファイルは使えません。JPEG・PNG・WebP・GIF の画像を選んでください。");
		return false;
	}
	if (!header_ok(data, n, &w, &h, err, errlen))
		return false;
	crypto_hash_sha256(hash, data, n);
	if ((found = find_by_hash(db, hash)) != 0) {
		if (found < 0) {
			snprintf(err, errlen, "画像を保存できませんでした。");
			return false;
		}
		*id = found;
		return true;
	}
	nv = plan_widths(w, widths);
	if ((big = decode_largest(data, n, widths[nv - 1])) != NULL) {
		for (i = 0; i < nv; i++, made++)
			if (!make_variant(big, widths[i], &v[i]))
				break;
		g_object_unref(big);
	} else {
		vips_error_clear();
	}
	if (big == NULL || made < nv) {
		variants_free(v, made);
		snprintf(err, errlen, "画像が壊れているか、途中で切れています。別の画像を選んでください。");
		return false;
	}
	own = !db_in_transaction(db);
	ok = (!own || db_begin_write(db)) && insert_all(db, hash, name, n, account, now, v, nv, id);
	if (own) {
		if (ok)
			ok = db_commit(db);
		else
			db_rollback(db);
	}
	variants_free(v, made);
	if (!ok) {
		*id = 0;
		log_error("media: store failed: %s", db_errmsg(db));
		snprintf(err, errlen, "画像を保存できませんでした。");
	}
	return ok;
}

bool
media_info(db_t *db, int64_t id, media_info_t *mi)
{
	db_stmt_t *st = db_prepare(db, "SELECT v.width, v.height, m.key FROM media m JOIN media_variants v ON v.media_id = m.id "
	    "WHERE m.id = ? AND v.format = 'jpg' ORDER BY v.width");

	memset(mi, 0, sizeof(*mi));
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, id);
	while (db_step(st) == DB_ROW && mi->nvariants < MEDIA_MAX_VARIANTS) {
		mi->widths[mi->nvariants] = (int)db_col_i64(st, 0);
		mi->heights[mi->nvariants] = (int)db_col_i64(st, 1);
		str_copy(mi->key, sizeof(mi->key), db_col_text(st, 2));
		mi->nvariants++;
	}
	db_done(st);
	if (mi->nvariants == 0)
		return false;
	mi->id = id;
	mi->width = mi->widths[mi->nvariants - 1];
	mi->height = mi->heights[mi->nvariants - 1];
	return true;
}

bool
media_variant(db_t *db, const char *key, int width, const char *format, buf_t *out)
{
	db_stmt_t *st = db_prepare(db, "SELECT v.data FROM media m JOIN media_variants v ON v.media_id = m.id "
	    "WHERE m.key = ? AND v.width = ? AND v.format = ?");
	bool ok = false;

	if (st == NULL)
		return false;
	db_bind_str(st, 1, key);
	db_bind_i64(st, 2, width);
	db_bind_str(st, 3, format);
	if (db_step(st) == DB_ROW)
		ok = buf_append(out, db_col_blob(st, 0), db_col_len(st, 0));
	db_done(st);
	return ok;
}

/* Decimal digits without a leading zero, 1..18 of them. */
static bool
parse_id(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	if (n == 0 || n > 18 || s[0] == '0')
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool
media_parse_name(const char *s, char key[MEDIA_KEY_LEN + 1], int *width, const char **format)
{
	const char *dot;
	int64_t w;

	if (strspn(s, "0123456789abcdef") != MEDIA_KEY_LEN || s[MEDIA_KEY_LEN] != '-' ||
	    (dot = strchr(s + MEDIA_KEY_LEN, '.')) == NULL)
		return false;
	if (!parse_id(s + MEDIA_KEY_LEN + 1, (size_t)(dot - s - MEDIA_KEY_LEN - 1), &w) || w > MEDIA_MAX_SIDE)
		return false;
	if (strcmp(dot, ".webp") == 0)
		*format = "webp";
	else if (strcmp(dot, ".jpg") == 0)
		*format = "jpg";
	else
		return false;
	memcpy(key, s, MEDIA_KEY_LEN);
	key[MEDIA_KEY_LEN] = '\0';
	*width = (int)w;
	return true;
}

bool
media_ref_parse(const char *v, size_t n, int64_t *id)
{
	return parse_id(v, n, id);
}

bool
media_delete(db_t *db, int64_t id)
{
	db_stmt_t *st = db_prepare(db, "DELETE FROM media_variants WHERE media_id = ?");

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, id);
	if (db_run(st) != DB_DONE)
		return false;
	if ((st = db_prepare(db, "DELETE FROM media WHERE id = ?")) == NULL)
		return false;
	db_bind_i64(st, 1, id);
	return db_run(st) == DB_DONE;
}

/* n characters of [A-Za-z0-9_-] at s, ending at the end, '?', '&', '#' or '/'. */
static bool
video_id(const char *s, size_t n, bool digits)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (digits ? !(s[i] >= '0' && s[i] <= '9') : !(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-'))
			return false;
	return strchr("?&#/", s[n]) != NULL;  /* s[n] == '\0' matches too */
}

bool
media_video_embed(const char *url, char *out, size_t outlen)
{
	static const char *const yt[] = {
		"https://www.youtube.com/watch?v=", "https://youtube.com/watch?v=", "https://m.youtube.com/watch?v=",
		"https://youtu.be/", "https://www.youtube.com/shorts/", "https://www.youtube.com/embed/",
		"https://www.youtube-nocookie.com/embed/",
	};
	static const char *const vimeo[] = { "https://vimeo.com/", "https://player.vimeo.com/video/" };
	size_t i, n;

	for (i = 0; i < sizeof(yt) / sizeof(yt[0]); i++) {
		n = strlen(yt[i]);
		if (strncmp(url, yt[i], n) == 0 && strlen(url + n) >= 11 && video_id(url + n, 11, false))
			return snprintf(out, outlen, "https://www.youtube-nocookie.com/embed/%.11s?autoplay=1", url + n) < (int)outlen;
	}
	for (i = 0; i < sizeof(vimeo) / sizeof(vimeo[0]); i++) {
		n = strlen(vimeo[i]);
		if (strncmp(url, vimeo[i], n) == 0) {
			size_t d = strspn(url + n, "0123456789");
			if (d >= 1 && d <= 12 && video_id(url + n, d, true))
				return snprintf(out, outlen, "https://player.vimeo.com/video/%.*s?autoplay=1&dnt=1", (int)d, url + n) <
				    (int)outlen;
		}
	}
	return false;
}
