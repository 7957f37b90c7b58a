/*
 * csv.c - RFC 4180 reader and Excel-safe writer.
 *
 * The reader decodes one record per call into field_buf and points fields[] into it only once the record is
 * complete, because the buffer may move while it grows. A malformed record is skipped by lexing the rest of it
 * leniently (a stray quote is then an ordinary byte, a quoted field still runs to its closing quote) up to its line
 * end, so one bad record costs one error rather than a cascade; a quote that never closes ends the input. Each byte
 * is looked at a bounded number of times, so reading is linear in the input.
 */
#include "core/csv.h"

#include "core/str.h"

#include <limits.h>
#include <string.h>

#define CSV_BOM       "\xEF\xBB\xBF"
#define CSV_BOM_LEN   3
#define CSV_FIELD_MAX ((size_t)CSV_MAX_FIELD)
#define CSV_MSG_MAX   96

/* Shown to staff importing a file, next to the line number the caller takes from r->line. */
#define ERR_QUOTE_OPEN  "引用符が閉じられていません"
#define ERR_AFTER_QUOTE "閉じた引用符の後に文字があります"
#define ERR_STRAY_QUOTE "引用符で囲まれていない項目に引用符があります"
#define ERR_TOO_MANY    "項目が多すぎます（%d項目まで）"
#define ERR_TOO_LONG    "項目が長すぎます"
#define ERR_UTF8        "文字コードがUTF-8ではありません"
#define ERR_CONTROL     "制御文字が含まれています"
#define ERR_NOMEM       "データが大きすぎます"

/* Length of the line end at p (CRLF, LF or a lone CR), 0 when there is none. */
static size_t
eol_len(const csv_reader_t *r, size_t p)
{
	if (p >= r->len)
		return 0;
	if (r->data[p] == '\n')
		return 1;
	if (r->data[p] != '\r')
		return 0;
	return p + 1 < r->len && r->data[p + 1] == '\n' ? 2 : 1;
}

/* True when the byte at p ends a physical line (an LF, or a CR not followed by LF). */
static bool
ends_line(const csv_reader_t *r, size_t p)
{
	return r->data[p] == '\n' || (r->data[p] == '\r' && (p + 1 >= r->len || r->data[p + 1] != '\n'));
}

static void
line_add(int *line, size_t n)
{
	if (n > (size_t)(INT_MAX - *line))
		*line = INT_MAX;
	else
		*line += (int)n;
}

static bool
has_control(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f)
			return true;
	}
	return false;
}

/*
 * Lexes the rest of a bad record from p without storing anything and returns where the next record starts
 * (r->len when a quote never closes). Line breaks passed are added to *lines.
 */
static size_t
skip_record(const csv_reader_t *r, size_t p, bool in_quotes, bool at_start, size_t *lines)
{
	const char *d = r->data;
	size_t      n;

	for (;;) {
		if (in_quotes) {
			while (p < r->len && d[p] != '"') {
				if (ends_line(r, p))
					(*lines)++;
				p++;
			}
			if (p >= r->len)
				return r->len;
			if (p + 1 < r->len && d[p + 1] == '"') {
				p += 2;
				continue;
			}
			p++;
			in_quotes = false;
			at_start = false;
			continue;
		}
		if (p >= r->len)
			return p;
		if ((n = eol_len(r, p)) > 0) {
			(*lines)++;
			return p + n;
		}
		if (d[p] == '"' && at_start) {
			in_quotes = true;
		} else {
			at_start = d[p] == ',';
		}
		p++;
	}
}

static int
fail(csv_reader_t *r, size_t p, bool in_quotes, bool at_start, size_t lines, const char *msg)
{
	str_copy(r->err, sizeof(r->err), msg);
	r->pos = skip_record(r, p, in_quotes, at_start, &lines);
	line_add(&r->next_line, lines);
	r->nfields = 0;
	buf_clear(&r->field_buf);
	return -1;
}

/* Appends to the current field; NULL on success, else the error message. */
static const char *
field_add(csv_reader_t *r, const char *s, size_t n, size_t *flen)
{
	if (n > CSV_FIELD_MAX - *flen)
		return ERR_TOO_LONG;
	if (!buf_append(&r->field_buf, s, n))
		return ERR_NOMEM;
	*flen += n;
	return NULL;
}

void
csv_reader_init(csv_reader_t *r, const char *data, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->data = data;
	r->len = data != NULL ? len : 0;
	if (r->len >= CSV_BOM_LEN && memcmp(data, CSV_BOM, CSV_BOM_LEN) == 0)
		r->pos = CSV_BOM_LEN;
	r->line = r->next_line = 1;
	buf_init(&r->field_buf);
}

void
csv_reader_free(csv_reader_t *r)
{
	buf_free(&r->field_buf);
	r->nfields = 0;
}

int
csv_read(csv_reader_t *r)
{
	const char *d = r->data;
	const char *msg;
	char        toomany[CSV_MSG_MAX];
	size_t      p, q, n, start, flen, off;
	size_t      lines = 0; /* line breaks passed since the record's first line */
	int         i;

	buf_clear(&r->field_buf);
	r->nfields = 0;
	r->err[0] = '\0';
	while ((n = eol_len(r, r->pos)) > 0) {
		r->pos += n;
		line_add(&r->next_line, 1);
	}
	r->line = r->next_line;
	if (r->pos >= r->len)
		return 0;

	p = r->pos;
	for (;;) {
		if (r->nfields == CSV_MAX_FIELDS) {
			str_errf(toomany, sizeof(toomany), ERR_TOO_MANY, CSV_MAX_FIELDS);
			return fail(r, p, false, true, lines, toomany);
		}
		start = r->field_buf.len;
		flen = 0;
		if (p < r->len && d[p] == '"') {
			for (p++;;) {
				for (q = p; q < r->len && d[q] != '"' && d[q] != '\0'; q++)
					if (ends_line(r, q))
						lines++;
				if ((msg = field_add(r, d + p, q - p, &flen)) != NULL)
					return fail(r, q, true, false, lines, msg);
				if (q >= r->len) /* the record runs to the end: nothing left to resume at */
					return fail(r, r->len, false, false, lines, ERR_QUOTE_OPEN);
				if (d[q] == '\0')
					return fail(r, q + 1, true, false, lines, ERR_CONTROL);
				if (q + 1 < r->len && d[q + 1] == '"') {
					if ((msg = field_add(r, "\"", 1, &flen)) != NULL)
						return fail(r, q + 2, true, false, lines, msg);
					p = q + 2;
					continue;
				}
				p = q + 1;
				break;
			}
			if (p < r->len && d[p] != ',' && eol_len(r, p) == 0)
				return fail(r, p, false, false, lines, ERR_AFTER_QUOTE);
		} else {
			for (q = p; q < r->len; q++)
				if (d[q] == ',' || d[q] == '\r' || d[q] == '\n' || d[q] == '"' || d[q] == '\0')
					break;
			if ((msg = field_add(r, d + p, q - p, &flen)) != NULL)
				return fail(r, q, false, false, lines, msg);
			if (q < r->len && d[q] == '"')
				return fail(r, q + 1, false, false, lines, ERR_STRAY_QUOTE);
			if (q < r->len && d[q] == '\0')
				return fail(r, q + 1, false, false, lines, ERR_CONTROL);
			p = q;
		}
		if (!buf_putc(&r->field_buf, '\0'))
			return fail(r, p, false, false, lines, ERR_NOMEM);
		if (!str_utf8_valid(r->field_buf.data + start, flen, true))
			return fail(r, p, false, false, lines,
			    has_control(r->field_buf.data + start, flen) ? ERR_CONTROL : ERR_UTF8);
		r->lens[r->nfields++] = flen;
		if (p >= r->len)
			break;
		if (d[p] == ',') {
			p++;
			continue;
		}
		p += eol_len(r, p);
		lines++;
		break;
	}

	for (i = 0, off = 0; i < r->nfields; i++) {
		r->fields[i] = r->field_buf.data + off;
		off += r->lens[i] + 1;
	}
	r->pos = p;
	line_add(&r->next_line, lines);
	return 1;
}

bool
csv_write_bom(buf_t *out)
{
	return buf_append(out, CSV_BOM, CSV_BOM_LEN);
}

/* A spreadsheet would run a cell starting with one of these as a formula (SECURITY.md). */
static bool
starts_formula(const char *s, size_t n)
{
	return n > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	    s[0] == '\t' || s[0] == '\r' || s[0] == '\n');
}

bool
csv_write_cell(buf_t *out, const char *s, size_t n, bool last)
{
	size_t i, start = 0;

	if (s == NULL) {
		s = "";
		n = 0;
	}
	buf_putc(out, '"');
	if (starts_formula(s, n))
		buf_putc(out, '\'');
	for (i = 0; i < n; i++) {
		if (s[i] != '"')
			continue;
		buf_append(out, s + start, i + 1 - start);
		buf_putc(out, '"');
		start = i + 1;
	}
	buf_append(out, s + start, n - start);
	buf_putc(out, '"');
	if (last)
		buf_append(out, "\r\n", 2);
	else
		buf_putc(out, ',');
	return !out->oom;
}
