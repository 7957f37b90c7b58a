/*
 * chart.h - bar and line charts drawn on the server as inline SVG (issue 7 item 6; B03, G72): no script,
 * no external font, a fixed viewBox that scales with the page. The chart carries role="img" with a
 * <title> and a <desc> summing it up; the table beside it is the accessible equivalent of its data.
 * Every text (title, description, labels, series names) is XML-escaped.
 */
#ifndef TSUNAGU_CHART_H
#define TSUNAGU_CHART_H

#include "core/buf.h"

#include <stdbool.h>
#include <stdint.h>

#define CHART_MAX_SERIES 4
#define CHART_MAX_POINTS 400
#define CHART_W 480
#define CHART_H 280

typedef enum { CHART_BAR = 0, CHART_LINE } chart_kind_t;

typedef struct chart_series {
	const char    *name;     /* shown in the legend when there is more than one series */
	const int64_t *values;   /* npoints values, negative ones drawn as 0 */
} chart_series_t;

typedef struct chart {
	chart_kind_t        kind;
	const char         *id;      /* unique on the page: ids of <title> and <desc> ("[A-Za-z0-9-]" only) */
	const char         *title;
	const char         *desc;
	const char *const  *labels;  /* npoints x-axis labels */
	int                 npoints;
	chart_series_t      series[CHART_MAX_SERIES];
	int                 nseries;
} chart_t;

/* Appends the <svg> element; false when out ran out of memory or the chart is malformed (an id with
 * other characters, too many points or series). No points: an empty frame saying so. */
bool chart_svg(buf_t *out, const chart_t *c);
/* The value axis's top: four grid steps of a "nice" size (1, 2 or 5 times a power of ten) that together
 * reach max; 4 for max <= 0. */
int64_t chart_axis_max(int64_t max);

#endif
