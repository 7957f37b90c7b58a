/*
 * csv.h - RFC 4180 CSV: a reader (UTF-8, optional BOM, quoted fields with "" escapes and line breaks
 * inside quotes, CRLF or LF line ends) and a writer that opens in Excel (UTF-8 with BOM, every cell
 * quoted, cells starting with = + - @ TAB CR or LF prefixed with ' against formula injection).
 */
#ifndef TSUNAGU_CSV_H
#define TSUNAGU_CSV_H

#include "core/buf.h"

#include <stdbool.h>
#include <stddef.h>

#define CSV_MAX_FIELDS 512          /* per record */
#define CSV_MAX_FIELD  (1 << 20)    /* bytes of one field */

typedef struct csv_reader {
	const char *data;   /* the whole input (not copied) */
	size_t      len;
	size_t      pos;
	int         line;   /* physical line where the current record starts (1-based) */
	int         next_line; /* physical line at pos (internal: line must keep naming the record) */
	buf_t       field_buf; /* decoded fields, NUL-separated */
	const char *fields[CSV_MAX_FIELDS];
	size_t      lens[CSV_MAX_FIELDS];
	int         nfields;
	char        err[160];
} csv_reader_t;

/* Starts reading data[0..len) (a leading UTF-8 BOM is skipped). */
void csv_reader_init(csv_reader_t *r, const char *data, size_t len);
void csv_reader_free(csv_reader_t *r);
/* Reads the next record into r->fields / r->lens / r->nfields (fields NUL-terminated).
 * Returns 1 for a record, 0 at the end, -1 on a malformed record (message in r->err, e.g. a quote
 * in the middle of an unquoted field, an unterminated quoted field, too many or too long fields,
 * invalid UTF-8). A blank line is skipped. After -1 the reader resumes at the next line. */
int  csv_read(csv_reader_t *r);

/* Writer: the BOM once, then rows. */
bool csv_write_bom(buf_t *out);
/* Appends one cell (quoted, formula-neutralised) followed by ',' unless last, then CRLF when last. */
bool csv_write_cell(buf_t *out, const char *s, size_t n, bool last);

#endif
