/* chart.c - inline SVG bar and line charts (chart.h). Plot area inside fixed margins; at most 12 x labels
 * are written (every k-th) so they do not overlap; a value axis with four grid lines. */
#include "view/chart.h"

#include <inttypes.h>
#include <string.h>

#define ML 56   /* margins: left (value labels), right, top, bottom (x labels, legend) */
#define MR 12
#define MT 16
#define MB 56
#define MAX_XLABELS 12

static const char *const colours[CHART_MAX_SERIES] = { "#1a5fb4", "#c64600", "#26a269", "#813d9c" };

int64_t
chart_axis_max(int64_t max)
{
	int64_t p = 1, need;

	if (max <= 0)
		return 4;
	need = max / 4 + (max % 4 != 0);   /* each of the four grid steps holds at least this much */
	while (p <= INT64_MAX / 40) {
		if (p >= need)
			return 4 * p;
		if (2 * p >= need)
			return 8 * p;
		if (5 * p >= need)
			return 20 * p;
		p *= 10;
	}
	return max;
}

/* Rough width of a label in the chart's units: CJK and other wide characters 13, ASCII 7.5. */
static int
label_width(const char *s)
{
	int w = 0;

	for (; s != NULL && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x80)
			w += 15;
		else if ((c & 0xc0) != 0x80)
			w += 26;
	}
	return w / 2;
}

static bool
id_ok(const char *id)
{
	if (id == NULL || *id == '\0' || strlen(id) > 40)
		return false;
	for (; *id; id++)
		if (!((*id >= 'a' && *id <= 'z') || (*id >= 'A' && *id <= 'Z') || (*id >= '0' && *id <= '9') || *id == '-'))
			return false;
	return true;
}

static void
text(buf_t *out, const char *s)
{
	if (s != NULL)
		buf_append_html(out, s, strlen(s));
}

bool
chart_svg(buf_t *out, const chart_t *c)
{
	const int pw = CHART_W - ML - MR, ph = CHART_H - MT - MB;
	int64_t max = 0, top;
	int i, s, step;

	if (!id_ok(c->id) || c->npoints < 0 || c->npoints > CHART_MAX_POINTS || c->nseries < 0 ||
	    c->nseries > CHART_MAX_SERIES || (c->npoints > 0 && c->labels == NULL))
		return false;
	for (s = 0; s < c->nseries; s++) {
		if (c->series[s].values == NULL && c->npoints > 0)
			return false;
		for (i = 0; i < c->npoints; i++)
			if (c->series[s].values[i] > max)
				max = c->series[s].values[i];
	}
	top = chart_axis_max(max);
	buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-labelledby=\"%s-title %s-desc\" font-family=\"sans-serif\" font-size=\"13\">",
	    CHART_W, CHART_H, c->id, c->id);
	buf_printf(out, "<title id=\"%s-title\">", c->id);
	text(out, c->title);
	buf_printf(out, "</title><desc id=\"%s-desc\">", c->id);
	text(out, c->desc);
	buf_puts(out, "</desc>");
	buf_printf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>", CHART_W, CHART_H);
	/* value axis: 0, 1/4 ... top */
	for (i = 0; i <= 4; i++) {
		int y = MT + ph - ph * i / 4;
		buf_printf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1\"/>",
		    ML, y, ML + pw, y, i == 0 ? "#333333" : "#d0d0d0");
		buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#333333\">%" PRId64 "</text>",
		    ML - 6, y + 4, top * i / 4);
	}
	if (c->npoints == 0 || c->nseries == 0) {
		buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#333333\">データがありません</text>",
		    ML + pw / 2, MT + ph / 2);
		return buf_puts(out, "</svg>") && !out->oom;
	}
	/* x labels, every step-th, so that the widest fits its share of the axis */
	{
		int widest = 0;
		for (i = 0; i < c->npoints; i++)
			if (label_width(c->labels[i]) > widest)
				widest = label_width(c->labels[i]);
		step = (c->npoints + MAX_XLABELS - 1) / MAX_XLABELS;
		while (step < c->npoints && (int64_t)step * pw < (int64_t)(widest + 8) * c->npoints)
			step++;
	}
	for (i = 0; i < c->npoints; i += step) {
		int x = ML + (int)((2 * (int64_t)i + 1) * pw / (2 * (int64_t)c->npoints));
		buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#333333\">", x, MT + ph + 16);
		text(out, c->labels[i]);
		buf_puts(out, "</text>");
	}
	for (s = 0; s < c->nseries; s++) {
		const int64_t *v = c->series[s].values;
		if (c->kind == CHART_BAR) {
			/* a group per point, a bar per series, 70% of the slot wide */
			int64_t slot = (int64_t)pw * 1000 / c->npoints, bw = slot * 7 / 10 / c->nseries;
			for (i = 0; i < c->npoints; i++) {
				int64_t val = v[i] > 0 ? v[i] : 0, h = val * ph / top;
				int64_t x = ML * 1000 + slot * i + slot * 15 / 100 + bw * s;
				buf_printf(out, "<rect x=\"%" PRId64 ".%03" PRId64 "\" y=\"%" PRId64 "\" width=\"%" PRId64 ".%03"
				    PRId64 "\" height=\"%" PRId64 "\" fill=\"%s\"/>", x / 1000, x % 1000, (int64_t)(MT + ph) - h,
				    bw / 1000, bw % 1000, h, colours[s]);
			}
		} else {
			buf_printf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", colours[s]);
			for (i = 0; i < c->npoints; i++) {
				int64_t val = v[i] > 0 ? v[i] : 0;
				int64_t x = ML + (2 * (int64_t)i + 1) * pw / (2 * (int64_t)c->npoints);
				buf_printf(out, "%s%" PRId64 ",%" PRId64, i ? " " : "", x, (int64_t)(MT + ph) - val * ph / top);
			}
			buf_puts(out, "\"/>");
			for (i = 0; i < c->npoints; i++) {
				int64_t val = v[i] > 0 ? v[i] : 0;
				int64_t x = ML + (2 * (int64_t)i + 1) * pw / (2 * (int64_t)c->npoints);
				buf_printf(out, "<circle cx=\"%" PRId64 "\" cy=\"%" PRId64 "\" r=\"3\" fill=\"%s\"/>", x,
				    (int64_t)(MT + ph) - val * ph / top, colours[s]);
			}
		}
	}
	if (c->nseries > 1) {
		/* legend under the x labels */
		for (s = 0; s < c->nseries; s++) {
			int x = ML + s * (pw / c->nseries);
			buf_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>", x, CHART_H - 22,
			    colours[s]);
			buf_printf(out, "<text x=\"%d\" y=\"%d\" fill=\"#333333\">", x + 16, CHART_H - 12);
			text(out, c->series[s].name);
			buf_puts(out, "</text>");
		}
	}
	return buf_puts(out, "</svg>") && !out->oom;
}
