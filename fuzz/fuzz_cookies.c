/*
 * fuzz_cookies.c - form_parse_cookies on arbitrary bytes: every kept pair is printable ASCII
 * without separators, NUL-terminated at value_len, within the limits; serializing the kept
 * pairs as "n=v; n=v" and parsing again gives them back unchanged.
 */
#include "core/arena.h"
#include "core/buf.h"
#include "http/form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ARENA_BLOCK 4096
#define FUZZ_ARENA_LIMIT ((size_t)8 * 1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static bool
printable(const char *s, size_t n, const char *forbidden)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e || strchr(forbidden, s[i]))
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const form_limits_t small = {
		.max_fields = 4, .max_name = 8, .max_value = 16, .max_file = 0, .max_files = 0,
	};
	const form_limits_t *lim;
	arena_t a;
	form_t  f, g;
	buf_t   b = BUF_INIT;
	size_t  i;
	int     rc;

	if (size == 0)
		return 0;
	lim = data[0] & 1 ? &small : &form_default_limits;
	data++;
	size--;

	arena_init(&a, FUZZ_ARENA_BLOCK, FUZZ_ARENA_LIMIT);
	rc = form_parse_cookies(&a, (const char *)data, size, lim, &f);
	if (rc != 0) {
		CHECK(rc == 413);  /* a malformed pair is skipped, never fatal */
		CHECK(f.fields == NULL && f.count == 0);
		goto done;
	}
	CHECK(f.count <= lim->max_fields);
	for (i = 0; i < f.count; i++) {
		const form_field_t *c = &f.fields[i];
		size_t nlen = strlen(c->name);

		CHECK(nlen > 0 && nlen <= lim->max_name);
		CHECK(printable(c->name, nlen, ";,="));
		CHECK(c->value[c->value_len] == '\0' && strlen(c->value) == c->value_len);
		CHECK(c->value_len <= lim->max_value);
		CHECK(printable(c->value, c->value_len, ";,\""));
		CHECK(c->filename == NULL && c->content_type == NULL);
		if (i > 0)
			buf_puts(&b, "; ");
		buf_puts(&b, c->name);
		buf_putc(&b, '=');
		buf_append(&b, c->value, c->value_len);
	}
	CHECK(!b.oom);
	CHECK(form_parse_cookies(&a, b.data, b.len, lim, &g) == 0);
	CHECK(g.count == f.count);
	for (i = 0; i < f.count; i++) {
		CHECK(strcmp(g.fields[i].name, f.fields[i].name) == 0);
		CHECK(strcmp(g.fields[i].value, f.fields[i].value) == 0);
	}
	if (f.count > 0)
		CHECK(form_get(&f, f.fields[0].name) == f.fields[0].value);
done:
	buf_free(&b);
	arena_free(&a);
	return 0;
}
