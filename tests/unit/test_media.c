/* test_media.c - uploaded images (media/media.c): only real raster images are kept, limits apply before
 * decoding, metadata never survives, variants and their names (issue 4 item 4 photos, issue 5 item 5,
 * G04 light pages, SEC: no file names from requests). */
#include "testutil.h"
#include "dbtest.h"

#include "media/media.h"

#include <string.h>
#include <vips/vips.h>
#include <zlib.h>

static db_t *db;

static int
setup(void **state)
{
	(void)state;
	db = dbtest_open();
	return db != NULL && media_init() ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	dbtest_close(db);
	media_shutdown();
	return 0;
}

/* A w×h picture with some structure (so encoders do real work), as PNG or JPEG bytes: colour, or grey
 * with an alpha channel. */
static void *
picture(int w, int h, bool alpha, const char *fmt, size_t *n)
{
	VipsImage *x, *y, *rgb, *out;
	void *data = NULL;

	assert_int_equal(vips_xyz(&x, w, h, NULL), 0);
	assert_int_equal(vips_extract_band(x, &y, 0, NULL), 0);
	if (alpha) {
		assert_int_equal(vips_bandjoin_const1(y, &rgb, 128, NULL), 0);
	} else {
		double gb[] = { 90, 200 };
		assert_int_equal(vips_bandjoin_const(y, &rgb, gb, 2, NULL), 0);
	}
	assert_int_equal(vips_cast_uchar(rgb, &out, NULL), 0);
	if (strcmp(fmt, "png") == 0)
		assert_int_equal(vips_pngsave_buffer(out, &data, n, NULL), 0);
	else
		assert_int_equal(vips_jpegsave_buffer(out, &data, n, "Q", 90, NULL), 0);
	g_object_unref(x);
	g_object_unref(y);
	g_object_unref(rgb);
	g_object_unref(out);
	return data;
}

static int64_t
count(const char *table)
{
	db_stmt_t *st = db_prepare(db, strcmp(table, "media") == 0 ? "SELECT count(*) FROM media" :
	    "SELECT count(*) FROM media_variants");
	int64_t c;

	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	c = db_col_i64(st, 0);
	db_done(st);
	return c;
}

static bool
has_bytes(const buf_t *b, const char *needle)
{
	return memmem(b->data, b->len, needle, strlen(needle)) != NULL;
}

/* The stored bytes are a whole image of the stated width (decoded to the last pixel). */
static void
assert_decodes(const buf_t *b, int width)
{
	VipsImage *im = vips_image_new_from_buffer(b->data, b->len, "", "fail_on", VIPS_FAIL_ON_WARNING, NULL);
	double avg;

	assert_non_null(im);
	assert_int_equal(im->Xsize, width);
	assert_int_equal(vips_avg(im, &avg, NULL), 0);
	assert_int_equal(vips_image_get_typeof(im, "exif-data"), 0);
	g_object_unref(im);
}

static void
test_store_variants(void **state)
{
	size_t n;
	void *png = picture(800, 600, false, "png", &n);
	int64_t id, again;
	char err[256];
	media_info_t mi;
	buf_t b = BUF_INIT;

	(void)state;
	assert_true(media_store(db, png, n, "会社の写真.png", 0, 1000, &id, err, sizeof(err)));
	assert_true(id > 0);
	assert_true(media_info(db, id, &mi));
	/* 320 and 640, then the upload's own width: never enlarged */
	assert_int_equal(mi.nvariants, 3);
	assert_int_equal(mi.widths[0], 320);
	assert_int_equal(mi.heights[0], 240);
	assert_int_equal(mi.widths[1], 640);
	assert_int_equal(mi.width, 800);
	assert_int_equal(mi.height, 600);
	assert_true(media_variant(db, mi.key, 640, "webp", &b));
	assert_true(b.len > 12 && memcmp(b.data, "RIFF", 4) == 0 && memcmp(b.data + 8, "WEBP", 4) == 0);
	assert_decodes(&b, 640);
	buf_clear(&b);
	assert_true(media_variant(db, mi.key, 320, "jpg", &b));
	assert_true(b.len > 3 && (unsigned char)b.data[0] == 0xFF && (unsigned char)b.data[1] == 0xD8);
	buf_clear(&b);
	assert_false(media_variant(db, mi.key, 1280, "jpg", &b));  /* not made: wider than the upload */
	assert_false(media_variant(db, "00000000000000000000000000000000", 320, "jpg", &b));
	/* the same bytes again are the same medium */
	assert_true(media_store(db, png, n, "again.png", 0, 2000, &again, err, sizeof(err)));
	assert_int_equal(again, id);
	assert_int_equal(count("media_variants"), 6);
	buf_free(&b);
	g_free(png);
	assert_true(media_delete(db, id));
	assert_int_equal(count("media"), 0);
	assert_int_equal(count("media_variants"), 0);
}

static void
test_large_and_alpha(void **state)
{
	size_t n;
	void *png = picture(2000, 500, true, "png", &n);
	int64_t id;
	char err[256];
	media_info_t mi;
	buf_t b = BUF_INIT;

	(void)state;
	assert_true(media_store(db, png, n, NULL, 0, 1000, &id, err, sizeof(err)));
	assert_true(media_info(db, id, &mi));
	assert_int_equal(mi.nvariants, 3);
	assert_int_equal(mi.width, 1280);   /* the largest standard width */
	assert_int_equal(mi.height, 320);
	/* a transparent grey upload still gets a JPEG (on white) */
	assert_true(media_variant(db, mi.key, 1280, "jpg", &b));
	assert_true(b.len > 100);
	buf_free(&b);
	g_free(png);
	assert_true(media_delete(db, id));
}

static void
assert_refused(const void *data, size_t n, const char *why)
{
	int64_t id = 99, before = count("media");
	char err[256] = "";

	assert_false(media_store(db, data, n, "x", 0, 1000, &id, err, sizeof(err)));
	assert_int_equal(id, 0);
	assert_non_null(strstr(err, why));
	assert_int_equal(count("media"), before);
}

static void
test_refuses_non_images(void **state)
{
	static const char svg[] = "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><script>alert(1)</script></svg>";
	static const char html[] = "<!doctype html><title>x</title>";
	static const unsigned char zeros[64];

	(void)state;
	assert_refused(svg, sizeof(svg) - 1, "この形式のファイルは使えません");
	assert_refused(html, sizeof(html) - 1, "この形式のファイルは使えません");
	assert_refused(zeros, sizeof(zeros), "この形式のファイルは使えません");
	assert_refused(zeros, 0, "空です");
	/* the size limit applies before anything reads the bytes */
	assert_refused(zeros, (size_t)MEDIA_MAX_BYTES + 1, "大きすぎます");
}

static void
test_refuses_truncated(void **state)
{
	size_t n;
	unsigned char *png = picture(400, 300, false, "png", &n);
	unsigned char *jpg;

	(void)state;
	assert_refused(png, n / 2, "壊れている");
	g_free(png);
	jpg = picture(400, 300, false, "jpg", &n);
	assert_refused(jpg, n / 2, "壊れている");
	g_free(jpg);
}

static void
be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16); p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
}

/* A PNG whose header declares w×h: a decompression bomb is refused from the header alone. */
static void
test_refuses_bombs(void **state)
{
	size_t n;
	unsigned char *png = picture(16, 16, false, "png", &n);

	(void)state;
	/* signature (8), IHDR length (4), "IHDR" (4), width, height, ..., CRC over type + data */
	be32(png + 16, 10000);
	be32(png + 20, 10000);
	be32(png + 29, (uint32_t)crc32(0, png + 12, 17));
	assert_refused(png, n, "大きすぎます");
	be32(png + 16, 20000);
	be32(png + 20, 10);
	be32(png + 29, (uint32_t)crc32(0, png + 12, 17));
	assert_refused(png, n, "大きすぎます");
	g_free(png);
}

/* A JPEG carrying an EXIF Artist and a comment: neither survives in any variant. */
static void
test_strips_metadata(void **state)
{
	static const char secret[] = "GUNMA TARO SECRET";
	size_t n, len = sizeof(secret), tiff = 26 + len, app1 = 2 + 6 + tiff, com = 2 + 14;
	unsigned char *jpg = picture(700, 500, false, "jpg", &n), *x, *p;
	int64_t id;
	char err[256];
	media_info_t mi;
	buf_t b = BUF_INIT;
	int i, f;

	(void)state;
	x = malloc(n + 2 + app1 + 2 + com);
	assert_non_null(x);
	p = x;
	*p++ = 0xFF; *p++ = 0xD8;
	*p++ = 0xFF; *p++ = 0xE1; *p++ = (unsigned char)(app1 >> 8); *p++ = (unsigned char)app1;
	memcpy(p, "Exif\0\0", 6); p += 6;
	memcpy(p, "II*\0\x08\0\0\0", 8); p += 8;                  /* TIFF header, IFD at 8 */
	*p++ = 1; *p++ = 0;                                       /* one entry */
	*p++ = 0x3B; *p++ = 0x01; *p++ = 2; *p++ = 0;             /* Artist, ASCII */
	*p++ = (unsigned char)len; *p++ = 0; *p++ = 0; *p++ = 0;  /* count */
	*p++ = 26; *p++ = 0; *p++ = 0; *p++ = 0;                  /* value at offset 26 */
	memset(p, 0, 4); p += 4;                                  /* no next IFD */
	memcpy(p, secret, len); p += len;
	*p++ = 0xFF; *p++ = 0xFE; *p++ = 0; *p++ = (unsigned char)com;
	memcpy(p, "COMMENT-SECRET", 14); p += 14;
	memcpy(p, jpg + 2, n - 2); p += n - 2;
	assert_true(memmem(x, (size_t)(p - x), secret, len - 1) != NULL);
	assert_true(media_store(db, x, (size_t)(p - x), "exif.jpg", 0, 1000, &id, err, sizeof(err)));
	assert_true(media_info(db, id, &mi));
	for (i = 0; i < mi.nvariants; i++)
		for (f = 0; f < 2; f++) {
			buf_clear(&b);
			assert_true(media_variant(db, mi.key, mi.widths[i], f ? "jpg" : "webp", &b));
			assert_false(has_bytes(&b, "SECRET"));
			assert_false(has_bytes(&b, "Exif"));
			assert_decodes(&b, mi.widths[i]);
		}
	buf_free(&b);
	free(x);
	g_free(jpg);
}

static void
test_names(void **state)
{
	int64_t id;
	char key[MEDIA_KEY_LEN + 1];
	int w;
	const char *fmt;
#define K "0123456789abcdef0123456789abcdef"

	(void)state;
	assert_true(media_parse_name(K "-640.webp", key, &w, &fmt));
	assert_string_equal(key, K);
	assert_int_equal(w, 640);
	assert_string_equal(fmt, "webp");
	assert_true(media_parse_name(K "-320.jpg", key, &w, &fmt));
	assert_string_equal(fmt, "jpg");
	assert_false(media_parse_name(K "-0640.webp", key, &w, &fmt));
	assert_false(media_parse_name(K "-640.png", key, &w, &fmt));
	assert_false(media_parse_name(K "-640.webp.jpg", key, &w, &fmt));
	assert_false(media_parse_name("../" K "-640.jpg", key, &w, &fmt));
	assert_false(media_parse_name(K "-99999.jpg", key, &w, &fmt));
	assert_false(media_parse_name(K "640.jpg", key, &w, &fmt));
	assert_false(media_parse_name("0123456789ABCDEF0123456789abcdef-640.jpg", key, &w, &fmt));
	assert_false(media_parse_name("0123456789abcdef0123456789abcde-640.jpg", key, &w, &fmt));
	assert_false(media_parse_name(K "-.jpg", key, &w, &fmt));
#undef K
	assert_true(media_ref_parse("42", 2, &id));
	assert_int_equal(id, 42);
	assert_false(media_ref_parse("photo.jpg", 9, &id));
	assert_false(media_ref_parse("0", 1, &id));
	assert_false(media_ref_parse("", 0, &id));
	assert_false(media_ref_parse("1234567890123456789", 19, &id));
}

static void
test_video_embed(void **state)
{
	char e[200];

	(void)state;
	assert_true(media_video_embed("https://www.youtube.com/watch?v=dQw4w9WgXcQ", e, sizeof(e)));
	assert_string_equal(e, "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1");
	assert_true(media_video_embed("https://youtu.be/dQw4w9WgXcQ?t=10", e, sizeof(e)));
	assert_string_equal(e, "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1");
	assert_true(media_video_embed("https://www.youtube.com/shorts/abcdefghij_", e, sizeof(e)));
	assert_true(media_video_embed("https://vimeo.com/123456789", e, sizeof(e)));
	assert_string_equal(e, "https://player.vimeo.com/video/123456789?autoplay=1&dnt=1");
	/* anything else is a plain link: no player from an unknown host, no smuggled characters */
	assert_false(media_video_embed("https://www.youtube.com/watch?v=dQw4w9WgXc", e, sizeof(e)));
	assert_false(media_video_embed("https://www.youtube.com/watch?v=dQw4w9WgXcQ\"onload=", e, sizeof(e)));
	assert_false(media_video_embed("https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ", e, sizeof(e)));
	assert_false(media_video_embed("http://www.youtube.com/watch?v=dQw4w9WgXcQ", e, sizeof(e)));
	assert_false(media_video_embed("https://vimeo.com/channels/staff", e, sizeof(e)));
	assert_false(media_video_embed("https://example.jp/video.mp4", e, sizeof(e)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_variants),
		cmocka_unit_test(test_large_and_alpha),
		cmocka_unit_test(test_refuses_non_images),
		cmocka_unit_test(test_refuses_truncated),
		cmocka_unit_test(test_refuses_bombs),
		cmocka_unit_test(test_strips_metadata),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_video_embed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
