/*
 * fuzz_multipart.c - form_parse_multipart on arbitrary bodies. The first input byte picks a
 * Content-Type (mode 4: the Content-Type is the input's first line, the body the rest) and,
 * with its top bit, small limits. Checks the fields callers rely on, then writes the fields
 * back as a multipart body with a boundary of our own and checks that it parses to the same.
 */
#include "core/arena.h"
#include "core/buf.h"
#include "core/str.h"
#include "http/form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ARENA_BLOCK      4096
#define FUZZ_ARENA_LIMIT      ((size_t)32 * 1024 * 1024)
#define FUZZ_PART_HEADER_MAX  8192  /* form.c's header block limit, to know when a rewrite may exceed it */
#define FUZZ_FILENAME_MAX     255
#define RT_BOUNDARY           "tsunagu-roundtrip-7f3a9c2e1b5d4f60a8e2c7b9"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static const char *const content_types[] = {
	"multipart/form-data; boundary=XyZ",
	"multipart/form-data; charset=utf-8; boundary=\"a b:c\"",
	"MULTIPART/FORM-DATA;BOUNDARY=----WebKitFormBoundaryAbC123",
	"multipart/form-data; boundary=-",
};
#define N_CONTENT_TYPES (sizeof(content_types) / sizeof(content_types[0]))

static void
check_form(const form_t *f, const form_limits_t *lim)
{
	size_t i, files = 0;

	CHECK(f->count <= lim->max_fields);
	CHECK((f->count == 0) == (f->fields == NULL));
	for (i = 0; i < f->count; i++) {
		const form_field_t *fl = &f->fields[i];
		size_t nlen;

		CHECK(fl->name != NULL && fl->value != NULL);
		nlen = strlen(fl->name);
		CHECK(nlen <= lim->max_name);
		CHECK(str_utf8_valid(fl->name, nlen, false));
		CHECK(fl->value[fl->value_len] == '\0');
		if (fl->content_type != NULL)
			CHECK(str_utf8_valid(fl->content_type, strlen(fl->content_type), false));
		if (fl->filename != NULL) {
			size_t flen = strlen(fl->filename);

			files++;
			CHECK(fl->value_len <= lim->max_file);
			CHECK(flen <= FUZZ_FILENAME_MAX);
			CHECK(str_utf8_valid(fl->filename, flen, false));
			CHECK(strpbrk(fl->filename, "/\\\t") == NULL);
			CHECK(flen > 0 || fl->value_len > 0);
		} else {
			CHECK(fl->value_len <= lim->max_value);
			CHECK(strlen(fl->value) == fl->value_len);
			CHECK(str_utf8_valid(fl->value, fl->value_len, true));
		}
	}
	CHECK(files <= lim->max_files);
	if (f->count > 0)
		CHECK(form_get_field(f, f->fields[0].name) == &f->fields[0]);
}

static void
put_quoted(buf_t *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

static void
roundtrip(arena_t *a, const form_t *f, const form_limits_t *lim)
{
	buf_t  b = BUF_INIT;
	form_t g;
	size_t i, hstart;
	int    rc;

	for (i = 0; i < f->count; i++) {
		const form_field_t *fl = &f->fields[i];

		if (memmem(fl->value, fl->value_len, RT_BOUNDARY, strlen(RT_BOUNDARY)) != NULL)
			goto done; /* our boundary is in the data: nothing to compare */
		buf_puts(&b, "--" RT_BOUNDARY "\r\n");
		hstart = b.len;
		buf_puts(&b, "Content-Disposition: form-data; name=");
		put_quoted(&b, fl->name);
		if (fl->filename != NULL) {
			buf_puts(&b, "; filename=");
			put_quoted(&b, fl->filename);
		}
		buf_puts(&b, "\r\n");
		if (fl->content_type != NULL) {
			buf_puts(&b, "Content-Type:");
			buf_puts(&b, fl->content_type);
			buf_puts(&b, "\r\n");
		}
		if (b.len - hstart > FUZZ_PART_HEADER_MAX)
			goto done; /* escaping made the headers longer than the original's */
		buf_puts(&b, "\r\n");
		buf_append(&b, fl->value, fl->value_len);
		buf_puts(&b, "\r\n");
	}
	buf_puts(&b, "--" RT_BOUNDARY "--\r\n");
	CHECK(!b.oom);
	rc = form_parse_multipart(a, "multipart/form-data; boundary=" RT_BOUNDARY, b.data, b.len, lim, &g);
	CHECK(rc == 0);
	CHECK(g.count == f->count);
	for (i = 0; i < f->count; i++) {
		const form_field_t *x = &f->fields[i], *y = &g.fields[i];

		CHECK(strcmp(x->name, y->name) == 0);
		CHECK(x->value_len == y->value_len && memcmp(x->value, y->value, x->value_len) == 0);
		CHECK((x->filename == NULL) == (y->filename == NULL));
		CHECK(x->filename == NULL || strcmp(x->filename, y->filename) == 0);
		CHECK((x->content_type == NULL) == (y->content_type == NULL));
		CHECK(x->content_type == NULL || strcmp(x->content_type, y->content_type) == 0);
	}
done:
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const form_limits_t small = {
		.max_fields = 6, .max_name = 16, .max_value = 64, .max_file = 512, .max_files = 2,
	};
	const form_limits_t *lim;
	const char *ct, *body;
	char       *header = NULL;
	size_t      n, mode;
	arena_t     a;
	form_t      f;
	int         rc;

	if (size == 0)
		return 0;
	lim = data[0] & 0x80 ? &small : &form_default_limits;
	mode = (data[0] & 0x7f) % (N_CONTENT_TYPES + 1);
	body = (const char *)data + 1;
	n = size - 1;
	if (mode < N_CONTENT_TYPES) {
		ct = content_types[mode];
	} else {
		const char *nl = memchr(body, '\n', n);
		size_t      hl = nl != NULL ? (size_t)(nl - body) : n;

		if ((header = malloc(hl + 1)) == NULL)
			return 0;
		memcpy(header, body, hl);
		header[hl] = '\0';
		ct = header;
		body = nl != NULL ? nl + 1 : body + n;
		n -= nl != NULL ? hl + 1 : hl;
	}

	arena_init(&a, FUZZ_ARENA_BLOCK, FUZZ_ARENA_LIMIT);
	rc = form_parse_multipart(&a, ct, n > 0 ? body : NULL, n, lim, &f);
	if (rc != 0) {
		CHECK(rc == 400 || rc == 413);
		CHECK(f.fields == NULL && f.count == 0);
	} else {
		check_form(&f, lim);
		roundtrip(&a, &f, lim);
	}
	arena_free(&a);
	free(header);
	return 0;
}
