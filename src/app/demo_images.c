/*
 * demo_images.c - pictures for the demo data, drawn at seed time (no image files in the tree, nothing
 * downloaded): a street of buildings under a sky for company photos, a dark frame for video thumbnails,
 * a coloured band with its caption for banners. Each goes through media_store like an upload.
 */
#include "app/demo.h"
#include "core/log.h"
#include "media/media.h"

#include <stdio.h>
#include <string.h>
#include <vips/vips.h>

/* Seven sky/accent palettes, picked by the seed. */
static const double palettes[][2][3] = {
	{ { 126, 180, 226 }, { 232, 242, 250 } }, { { 244, 180, 120 }, { 252, 236, 214 } },
	{ { 150, 200, 170 }, { 230, 246, 236 } }, { { 170, 160, 220 }, { 238, 234, 250 } },
	{ { 110, 160, 200 }, { 214, 232, 244 } }, { { 230, 150, 150 }, { 250, 230, 226 } },
	{ { 120, 170, 150 }, { 224, 240, 232 } },
};

/* A vertical gradient from top to bottom colour, w×h, 8-bit sRGB, in memory so it can be drawn on. */
static VipsImage *
gradient(int w, int h, const double top[3], const double bottom[3])
{
	VipsImage *xyz = NULL, *y = NULL, *lin = NULL, *u8 = NULL, *mem = NULL;
	double a[3], b[3];
	int i;

	for (i = 0; i < 3; i++) {
		a[i] = (bottom[i] - top[i]) / (h > 1 ? h - 1 : 1);
		b[i] = top[i];
	}
	if (vips_xyz(&xyz, w, h, NULL) == 0 && vips_extract_band(xyz, &y, 1, NULL) == 0 &&
	    vips_linear(y, &lin, a, b, 3, NULL) == 0 && vips_cast_uchar(lin, &u8, NULL) == 0 &&
	    vips_copy(u8, &mem, "interpretation", VIPS_INTERPRETATION_sRGB, NULL) == 0) {
		VipsImage *m = vips_image_copy_memory(mem);
		g_object_unref(mem);
		mem = m;
	}
	if (xyz) g_object_unref(xyz);
	if (y) g_object_unref(y);
	if (lin) g_object_unref(lin);
	if (u8) g_object_unref(u8);
	return mem;
}

static void
rect(VipsImage *im, double r, double g, double b, int x, int y, int w, int h)
{
	double ink[3] = { r, g, b };

	(void)vips_draw_rect(im, ink, 3, x, y, w, h, "fill", TRUE, NULL);
}

/* White (or dark) text centred in the box x,y,w,h; skipped quietly when no font renders. */
static void
caption(VipsImage *im, const char *text, int size, bool dark, int x, int y, int w, int h)
{
	VipsImage *mask = NULL;
	double ink[3] = { 255, 255, 255 }, black[3] = { 20, 33, 43 };
	char font[64];

	snprintf(font, sizeof(font), "sans bold %d", size);
	if (vips_text(&mask, text, "font", font, "width", w, "align", VIPS_ALIGN_CENTRE, "dpi", 72, NULL) != 0) {
		vips_error_clear();
		return;
	}
	(void)vips_draw_mask(im, dark ? black : ink, 3, mask, x + (w - mask->Xsize) / 2, y + (h - mask->Ysize) / 2, NULL);
	g_object_unref(mask);
}

static void
street(VipsImage *im, unsigned seed)
{
	int w = im->Xsize, h = im->Ysize, ground = h * 3 / 4, x = 0, k = 0;

	rect(im, 120, 128, 120, 0, ground, w, h - ground);
	rect(im, 90, 96, 90, 0, ground + (h - ground) / 2, w, 6);
	while (x < w) {
		unsigned s = seed * 2654435761u + (unsigned)k++ * 40503u;
		int bw = 90 + (int)(s % 140), bh = h / 4 + (int)((s >> 8) % (unsigned)(h / 2)), top = ground - bh, wx, wy;
		double shade = 150 + (double)((s >> 16) % 80);
		rect(im, shade, shade - 10, shade - 25, x, top, bw - 8, bh);
		for (wy = top + 14; wy + 18 < ground - 10; wy += 30)
			for (wx = x + 12; wx + 16 < x + bw - 16; wx += 26)
				rect(im, 250, 244, 200 + (double)((s >> 4) % 40), wx, wy, 14, 18);
		x += bw;
	}
}

static int64_t
store(db_t *db, VipsImage *im, const char *name, int64_t now)
{
	void *jpg = NULL;
	size_t n = 0;
	int64_t id = 0;
	char err[256];

	if (vips_jpegsave_buffer(im, &jpg, &n, "Q", 90, NULL) != 0) {
		vips_error_clear();
		return 0;
	}
	if (!media_store(db, jpg, n, name, 0, now, &id, err, sizeof(err)))
		log_error("demo: picture %s: %s", name, err);
	g_free(jpg);
	return id;
}

int64_t
demo_picture(db_t *db, demo_picture_t kind, unsigned seed, const char *text, int64_t now)
{
	const double (*pal)[3] = palettes[seed % (sizeof(palettes) / sizeof(palettes[0]))];
	double dark[3] = { 20, 33, 43 }, darker[3] = { 48, 62, 74 };
	VipsImage *im;
	int64_t id;
	char name[64];

	if (!media_init())
		return 0;
	switch (kind) {
	case DEMO_PICTURE_PHOTO:
		im = gradient(800, 533, pal[0], pal[1]);
		if (im != NULL)
			street(im, seed);
		break;
	case DEMO_PICTURE_VIDEO:
		im = gradient(800, 450, dark, darker);
		if (im != NULL) {
			rect(im, pal[0][0], pal[0][1], pal[0][2], 0, 380, 800, 70);
			caption(im, text, 40, false, 40, 120, 720, 160);
		}
		break;
	default:
		im = gradient(640, 200, pal[0], pal[1]);
		if (im != NULL)
			caption(im, text, 34, true, 24, 16, 592, 168);
		break;
	}
	if (im == NULL) {
		vips_error_clear();
		return 0;
	}
	snprintf(name, sizeof(name), "demo-%d-%u.jpg", (int)kind, seed);
	id = store(db, im, name, now);
	g_object_unref(im);
	return id;
}
