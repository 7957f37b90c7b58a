/*
 * ics.h - iCalendar (RFC 5545) files for event applications (B06): one VEVENT in a METHOD:PUBLISH
 * calendar, times in UTC ("Z"), CRLF line ends, lines folded at 75 octets without splitting a UTF-8
 * character, TEXT values escaped (\\ \; \, \n). Whatever the input, the output is valid UTF-8 with no
 * control characters other than the CRLF line ends: invalid bytes become U+FFFD, controls are dropped.
 */
#ifndef TSUNAGU_ICS_H
#define TSUNAGU_ICS_H

#include "core/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ICS_LINE_OCTETS 75           /* RFC 5545 3.1: octets of one line, CRLF not counted */
#define ICS_TEXT_MAX    (16 * 1024)  /* bytes of one value as given */
#define ICS_MIME        "text/calendar; method=PUBLISH; charset=UTF-8"

typedef struct ics_event {
	const char *uid;          /* stable per application, e.g. "event-application-12@example.jp" */
	int64_t     dtstamp;      /* when this calendar object was made (UTC epoch) */
	int64_t     start, end;   /* UTC epoch seconds; end >= start */
	const char *summary;      /* required */
	const char *location;     /* NULL or "": none */
	const char *url;          /* http(s) only, no spaces or controls; anything else is left out */
	const char *description;  /* NULL or "": none */
} ics_event_t;

/* Appends s (n bytes) as an escaped TEXT value. False when out ran out of memory. */
bool ics_escape_text(buf_t *out, const char *s, size_t n);
/* Appends one content line (valid UTF-8 without CR/LF, as ics_escape_text makes it) folded at
 * ICS_LINE_OCTETS octets, each piece ended by CRLF and continuation pieces started by one space. */
bool ics_fold(buf_t *out, const char *line, size_t n);
/* Appends a UTC date-time "YYYYMMDDTHHMMSSZ"; false for years outside 1970-9999. */
bool ics_datetime(buf_t *out, int64_t epoch);
/* Appends the whole calendar; false (out unchanged in meaning: callers discard it) when a required
 * value is missing, a time is out of range, a value is longer than ICS_TEXT_MAX, or memory runs out. */
bool ics_build(buf_t *out, const ics_event_t *e);

#endif
