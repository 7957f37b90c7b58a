/*
 * fuzz_csv.c - csv_read on arbitrary bytes. Checks what importers rely on (1..CSV_MAX_FIELDS fields, each
 * NUL-terminated at its length and valid UTF-8, line numbers that never go back, progress on every call, so the
 * loop ends) and that each record written back with csv_write_cell reads as the same fields (a formula-like cell
 * then carries the ' the writer adds).
 */
#include "core/buf.h"
#include "core/csv.h"
#include "core/str.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static bool
formula_start(const char *s, size_t n)
{
	return n > 0 && strchr("=+-@\t\r\n", s[0]) != NULL;
}

static void
check_record(const csv_reader_t *r)
{
	int i;

	CHECK(r->nfields >= 1 && r->nfields <= CSV_MAX_FIELDS);
	for (i = 0; i < r->nfields; i++) {
		CHECK(r->fields[i] != NULL);
		CHECK(r->lens[i] <= CSV_MAX_FIELD);
		CHECK(r->fields[i][r->lens[i]] == '\0');
		CHECK(strlen(r->fields[i]) == r->lens[i]);
		CHECK(str_utf8_valid(r->fields[i], r->lens[i], true));
	}
}

static void
roundtrip(const csv_reader_t *r, bool bom)
{
	static csv_reader_t g; /* large: kept off the stack */
	buf_t out = BUF_INIT;
	int   i;

	if (bom)
		CHECK(csv_write_bom(&out));
	for (i = 0; i < r->nfields; i++)
		CHECK(csv_write_cell(&out, r->fields[i], r->lens[i], i == r->nfields - 1));
	csv_reader_init(&g, out.data, out.len);
	CHECK(csv_read(&g) == 1);
	CHECK(g.line == 1);
	CHECK(g.nfields == r->nfields);
	for (i = 0; i < r->nfields; i++) {
		const char *got = g.fields[i];
		size_t      n = g.lens[i];

		if (formula_start(r->fields[i], r->lens[i])) {
			CHECK(n > 0 && got[0] == '\'');
			got++;
			n--;
		}
		CHECK(n == r->lens[i]);
		CHECK(memcmp(got, r->fields[i], n) == 0);
	}
	CHECK(csv_read(&g) == 0);
	CHECK(g.pos == out.len);
	csv_reader_free(&g);
	buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static csv_reader_t r; /* large: kept off the stack */
	size_t calls = 0, last_pos;
	int    last_line, rc;

	csv_reader_init(&r, (const char *)data, size);
	last_pos = r.pos;
	last_line = r.line;
	for (;;) {
		rc = csv_read(&r);
		CHECK(rc >= -1 && rc <= 1);
		CHECK(r.pos <= r.len);
		CHECK(r.line >= last_line);
		if (rc == 0)
			break;
		/* every record or error consumes input, so there are at most size + 1 calls */
		CHECK(r.pos > last_pos);
		CHECK(++calls <= size);
		if (rc == 1) {
			check_record(&r);
			roundtrip(&r, (calls & 1) != 0);
		} else {
			CHECK(r.nfields == 0);
			CHECK(r.err[0] != '\0');
		}
		last_pos = r.pos;
		last_line = r.line;
	}
	CHECK(r.nfields == 0);
	CHECK(r.pos == r.len);
	CHECK(csv_read(&r) == 0);
	csv_reader_free(&r);
	return 0;
}
