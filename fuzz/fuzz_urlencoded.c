/*
 * fuzz_urlencoded.c - form_parse_urlencoded on arbitrary bytes. Checks what callers rely on
 * (NUL-terminated values of value_len bytes, names and values valid UTF-8, limits kept) and
 * that re-encoding the fields and parsing again gives the same fields.
 */
#include "core/arena.h"
#include "core/buf.h"
#include "core/str.h"
#include "http/form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ARENA_BLOCK 4096
#define FUZZ_ARENA_LIMIT ((size_t)8 * 1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static void
check_form(const form_t *f, int rc, const form_limits_t *lim)
{
	size_t i;

	if (rc != 0) {
		CHECK(rc == 400 || rc == 413);
		CHECK(f->fields == NULL && f->count == 0);
		return;
	}
	CHECK(f->count <= lim->max_fields);
	CHECK((f->count == 0) == (f->fields == NULL));
	for (i = 0; i < f->count; i++) {
		const form_field_t *fl = &f->fields[i];
		size_t nlen;

		CHECK(fl->name != NULL && fl->value != NULL);
		CHECK(fl->filename == NULL && fl->content_type == NULL);
		nlen = strlen(fl->name);
		CHECK(nlen <= lim->max_name);
		CHECK(str_utf8_valid(fl->name, nlen, false));
		CHECK(fl->value_len <= lim->max_value);
		CHECK(fl->value[fl->value_len] == '\0');
		CHECK(strlen(fl->value) == fl->value_len);
		CHECK(str_utf8_valid(fl->value, fl->value_len, true));
	}
	if (f->count > 0)
		CHECK(form_get(f, f->fields[0].name) == f->fields[0].value);
}

static void
roundtrip(arena_t *a, const form_t *f, const form_limits_t *lim)
{
	buf_t  b = BUF_INIT;
	form_t g;
	size_t i;

	for (i = 0; i < f->count; i++) {
		if (i > 0)
			buf_putc(&b, '&');
		buf_append_urlenc(&b, f->fields[i].name, strlen(f->fields[i].name));
		buf_putc(&b, '=');
		buf_append_urlenc(&b, f->fields[i].value, f->fields[i].value_len);
	}
	CHECK(!b.oom);
	CHECK(form_parse_urlencoded(a, b.data, b.len, lim, &g) == 0);
	CHECK(g.count == f->count);
	for (i = 0; i < f->count; i++) {
		CHECK(strcmp(g.fields[i].name, f->fields[i].name) == 0);
		CHECK(g.fields[i].value_len == f->fields[i].value_len);
		CHECK(memcmp(g.fields[i].value, f->fields[i].value, f->fields[i].value_len) == 0);
	}
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const form_limits_t small = {
		.max_fields = 8, .max_name = 16, .max_value = 64, .max_file = 256, .max_files = 2,
	};
	const form_limits_t *lim;
	arena_t a;
	form_t  f;
	int     rc;

	/* the first byte picks the limits, so that both sides of each limit are reached */
	if (size == 0)
		return 0;
	lim = data[0] & 1 ? &small : &form_default_limits;
	data++;
	size--;

	arena_init(&a, FUZZ_ARENA_BLOCK, FUZZ_ARENA_LIMIT);
	rc = form_parse_urlencoded(&a, (const char *)data, size, lim, &f);
	check_form(&f, rc, lim);
	if (rc == 0)
		roundtrip(&a, &f, lim);
	/* a query string uses the same parser: the same bytes behind a NULL limit pointer */
	if (lim == &form_default_limits) {
		form_t g;
		int    rc2 = form_parse_urlencoded(&a, (const char *)data, size, NULL, &g);

		CHECK(rc2 == rc && g.count == f.count);
	}
	arena_free(&a);
	return 0;
}
