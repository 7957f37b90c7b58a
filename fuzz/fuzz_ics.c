/*
 * fuzz_ics.c - ics_build on arbitrary values (issue 5 item 4, B06). The first 24 bytes are the times, the rest
 * the text values separated by NUL bytes (uid, summary, location, url, description). When a calendar is made it
 * must be what calendar programs and mail rely on: valid UTF-8, every line ended by CRLF and at most 75 octets,
 * continuation lines starting with a space, after unfolding only the properties we write (no value can start a
 * property of its own), and in TEXT values every ; , and \ escaped. Folding and escaping are also checked alone.
 */
#include "content/ics.h"
#include "core/buf.h"
#include "core/str.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static const char *const props[] = {
	"BEGIN", "VERSION", "PRODID", "CALSCALE", "METHOD", "UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY",
	"LOCATION", "URL", "DESCRIPTION", "END",
};

static bool
is_text_prop(const char *name, size_t n)
{
	return (n == 3 && memcmp(name, "UID", 3) == 0) || (n == 7 && memcmp(name, "SUMMARY", 7) == 0) ||
	    (n == 8 && memcmp(name, "LOCATION", 8) == 0) || (n == 11 && memcmp(name, "DESCRIPTION", 11) == 0);
}

/* checks the physical lines and returns the unfolded text (logical lines joined by \n) */
static void
check_lines(const char *s, size_t n, buf_t *unfolded, bool single)
{
	size_t i = 0;
	bool first = true;

	CHECK(str_utf8_valid(s, n, true));
	while (i < n) {
		const char *eol = memchr(s + i, '\r', n - i);
		size_t len;
		CHECK(eol != NULL && (size_t)(eol - s) + 1 < n && eol[1] == '\n');
		len = (size_t)(eol - (s + i));
		CHECK(len <= ICS_LINE_OCTETS);
		CHECK(memchr(s + i, '\n', len) == NULL);
		if (single)
			CHECK(first || s[i] == ' ');
		if (!first && s[i] == ' ') {
			CHECK(unfolded->len > 0);
			unfolded->len--;  /* drop the \n of the previous line */
			buf_append(unfolded, s + i + 1, len - 1);
		} else {
			buf_append(unfolded, s + i, len);
		}
		buf_putc(unfolded, '\n');
		first = false;
		i += len + 2;
	}
}

static void
check_logical(const char *u, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		const char *eol = memchr(u + i, '\n', n - i), *colon;
		size_t len, name_len;
		bool known = false;
		CHECK(eol != NULL);
		len = (size_t)(eol - (u + i));
		colon = memchr(u + i, ':', len);
		CHECK(colon != NULL);
		name_len = (size_t)(colon - (u + i));
		for (k = 0; k < sizeof(props) / sizeof(props[0]); k++)
			if (strlen(props[k]) == name_len && memcmp(props[k], u + i, name_len) == 0)
				known = true;
		CHECK(known);
		if (is_text_prop(u + i, name_len)) {
			/* an escaped value: every \ starts a pair \\ \; \, \n; no bare ; or , */
			const char *p = colon + 1;
			while (p < eol) {
				if (*p == '\\') {
					CHECK(p + 1 < eol && strchr("\\;,n", p[1]) != NULL);
					p += 2;
					continue;
				}
				CHECK(*p != ';' && *p != ',');
				p++;
			}
		}
		i += len + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *vals[5] = { "", "", "", "", "" };
	char *copy;
	int64_t t[3];
	size_t i, nv = 0, start;
	ics_event_t e;
	buf_t out = BUF_INIT, unfolded = BUF_INIT, esc = BUF_INIT, folded = BUF_INIT;

	if (size < sizeof(t))
		return 0;
	memcpy(t, data, sizeof(t));
	copy = malloc(size - sizeof(t) + 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data + sizeof(t), size - sizeof(t));
	copy[size - sizeof(t)] = '\0';
	for (i = 0, start = 0; i <= size - sizeof(t) && nv < 5; i++) {
		if (copy[i] == '\0') {
			vals[nv++] = copy + start;
			start = i + 1;
		}
	}
	e.uid = vals[0];
	e.summary = vals[1];
	e.location = vals[2];
	e.url = vals[3];
	e.description = vals[4];
	/* times: small offsets around now mostly, sometimes anything */
	e.dtstamp = (t[0] & 1) ? t[0] : (int64_t)1790000000 + (t[0] % 100000000);
	e.start = (t[1] & 1) ? t[1] : (int64_t)1790000000 + (t[1] % 100000000);
	e.end = (t[2] & 1) ? t[2] : e.start + (t[2] % 1000000);
	if (ics_build(&out, &e)) {
		CHECK(!out.oom);
		check_lines(out.data, out.len, &unfolded, false);
		check_logical(unfolded.data, unfolded.len);
		CHECK(strstr(unfolded.data, "\nDTSTART:") != NULL);
	}
	/* escaping then folding any value alone */
	CHECK(ics_escape_text(&esc, copy, size - sizeof(t)));
	CHECK(ics_fold(&folded, esc.data ? esc.data : "", esc.len));
	buf_clear(&unfolded);
	check_lines(folded.data, folded.len, &unfolded, true);
	CHECK(unfolded.len == esc.len + 1);
	CHECK(esc.len == 0 || memcmp(unfolded.data, esc.data, esc.len) == 0);
	buf_free(&out);
	buf_free(&unfolded);
	buf_free(&esc);
	buf_free(&folded);
	free(copy);
	return 0;
}
