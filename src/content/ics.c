/* ics.c - iCalendar text for one event (RFC 5545): escaping, folding, UTC times. See ics.h. */
#include "content/ics.h"

#include <string.h>
#include <time.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 when the bytes there are not one:
 * no overlongs, surrogates or code points past U+10FFFF. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	/* C1 controls (U+0080-U+009F) are dropped like C0 ones */
	if (len == 2 && cp < 0xa0)
		return 0;
	return len;
}

bool
ics_escape_text(buf_t *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		unsigned char c = p[i];
		if (c == '\r') {
			/* CRLF and a lone CR are line breaks like LF */
			buf_puts(out, "\\n");
			i += (i + 1 < n && p[i + 1] == '\n') ? 2 : 1;
			continue;
		}
		if (c == '\n') {
			buf_puts(out, "\\n");
			i++;
			continue;
		}
		if (c == '\\' || c == ';' || c == ',') {
			buf_putc(out, '\\');
			buf_putc(out, (char)c);
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			i++;  /* tab and other controls: dropped */
			continue;
		}
		k = utf8_seq(p + i, n - i);
		if (k == 0) {
			if (c >= 0xc2 && c <= 0xdf && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] < 0xa0) {
				i += 2;  /* a C1 control, dropped whole */
				continue;
			}
			buf_puts(out, "\xef\xbf\xbd");  /* U+FFFD for a byte that starts no valid character */
			i++;
			continue;
		}
		buf_append(out, p + i, k);
		i += k;
	}
	return !out->oom;
}

bool
ics_fold(buf_t *out, const char *line, size_t n)
{
	size_t i = 0, limit = ICS_LINE_OCTETS, k;

	for (;;) {
		if (n - i <= limit) {
			buf_append(out, line + i, n - i);
			buf_puts(out, "\r\n");
			break;
		}
		/* the longest piece that ends on a character boundary */
		k = limit;
		while (k > 0 && ((unsigned char)line[i + k] & 0xc0) == 0x80)
			k--;
		if (k == 0)
			k = limit;  /* not UTF-8 at all (callers pass escaped text): cut anyway */
		buf_append(out, line + i, k);
		buf_puts(out, "\r\n ");
		i += k;
		limit = ICS_LINE_OCTETS - 1;  /* the leading space counts */
	}
	return !out->oom;
}

bool
ics_datetime(buf_t *out, int64_t epoch)
{
	struct tm tm;
	time_t t;

	/* 1970-01-01 .. 9999-12-31T23:59:59Z */
	if (epoch < 0 || epoch > INT64_C(253402300799))
		return false;
	t = (time_t)epoch;
	if (gmtime_r(&t, &tm) == NULL)
		return false;
	return buf_printf(out, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* NAME:escaped value, folded */
static bool
text_prop(buf_t *out, const char *name, const char *value)
{
	buf_t line = BUF_INIT;
	bool ok;

	buf_puts(&line, name);
	buf_putc(&line, ':');
	ics_escape_text(&line, value, strlen(value));
	ok = !line.oom && ics_fold(out, line.data, line.len);
	buf_free(&line);
	return ok;
}

static bool
time_prop(buf_t *out, const char *name, int64_t epoch)
{
	buf_t line = BUF_INIT;
	bool ok;

	buf_puts(&line, name);
	buf_putc(&line, ':');
	ok = ics_datetime(&line, epoch) && !line.oom && ics_fold(out, line.data, line.len);
	buf_free(&line);
	return ok;
}

/* NAME:value for a value that needs no escaping (checked by the caller), folded */
static bool
raw_prop(buf_t *out, const char *name, const char *value)
{
	buf_t line = BUF_INIT;
	bool ok;

	buf_puts(&line, name);
	buf_putc(&line, ':');
	buf_puts(&line, value);
	ok = !line.oom && ics_fold(out, line.data, line.len);
	buf_free(&line);
	return ok;
}

static bool
url_ok(const char *u)
{
	const char *p;

	if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
		return false;
	for (p = u; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return false;
	return true;
}

static bool
too_long(const char *s)
{
	return s != NULL && strlen(s) > ICS_TEXT_MAX;
}

bool
ics_build(buf_t *out, const ics_event_t *e)
{
	if (e->uid == NULL || e->uid[0] == '\0' || e->summary == NULL || e->summary[0] == '\0' || e->end < e->start ||
	    too_long(e->uid) || too_long(e->summary) || too_long(e->location) || too_long(e->url) ||
	    too_long(e->description))
		return false;
	buf_puts(out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tsunagu//events//JA\r\nCALSCALE:GREGORIAN\r\n"
	    "METHOD:PUBLISH\r\nBEGIN:VEVENT\r\n");
	if (!text_prop(out, "UID", e->uid) || !time_prop(out, "DTSTAMP", e->dtstamp) ||
	    !time_prop(out, "DTSTART", e->start) || !time_prop(out, "DTEND", e->end) ||
	    !text_prop(out, "SUMMARY", e->summary))
		return false;
	if (e->location != NULL && e->location[0] != '\0' && !text_prop(out, "LOCATION", e->location))
		return false;
	if (e->url != NULL && url_ok(e->url) && !raw_prop(out, "URL", e->url))
		return false;
	if (e->description != NULL && e->description[0] != '\0' && !text_prop(out, "DESCRIPTION", e->description))
		return false;
	buf_puts(out, "END:VEVENT\r\nEND:VCALENDAR\r\n");
	return !out->oom;
}
