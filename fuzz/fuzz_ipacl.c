/*
 * fuzz_ipacl.c - the IP rule parser (G54) on arbitrary bytes. Checks what the screen and the request
 * path rely on: messages are valid UTF-8 and numbered with real lines, the list stays within its limit,
 * every entry is a network address (no host bits), printing the list and parsing it again gives the
 * same list (and prints the same text), every entry matches its own network address, and the address
 * parser agrees with inet_pton on IPv6 text it accepts.
 */
#include "core/buf.h"
#include "core/str.h"
#include "http/ipacl.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static ipacl_list_t a, b;
static ipacl_errors_t errs;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	buf_t out = BUF_INIT, out2 = BUF_INIT;
	size_t i;
	int lines = 1, k;
	bool ok;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	ok = ipacl_parse(text, size, &a, &errs);
	CHECK(a.n <= IPACL_MAX_RULES);
	CHECK(ok == (errs.n == 0));
	CHECK(errs.n <= IPACL_MAX_ERRORS && errs.more >= 0);
	for (k = 0; k < errs.n; k++) {
		CHECK(errs.e[k].line >= 0 && errs.e[k].line <= lines);
		CHECK(str_utf8_valid(errs.e[k].msg, strlen(errs.e[k].msg), false));
	}
	for (i = 0; i < a.n; i++) {
		const ipacl_rule_t *r = &a.rules[i];
		ipacl_list_t one;
		CHECK(r->prefix <= 128);
		CHECK(!r->v4 || r->prefix >= 96);
		one.n = 1;
		one.rules[0] = *r;
		CHECK(ipacl_match(&one, r->addr));
	}
	/* parse -> print -> parse gives the same list, and printing again the same text */
	CHECK(ipacl_format(&a, &out));
	CHECK(ipacl_parse(out.data ? out.data : "", out.len, &b, NULL));
	CHECK(b.n == a.n);
	for (i = 0; i < a.n; i++) {
		CHECK(memcmp(a.rules[i].addr, b.rules[i].addr, 16) == 0);
		CHECK(a.rules[i].prefix == b.rules[i].prefix);
		CHECK(a.rules[i].v4 == b.rules[i].v4);
	}
	CHECK(ipacl_format(&b, &out2));
	CHECK(out.len == out2.len && (out.len == 0 || memcmp(out.data, out2.data, out.len) == 0));
	buf_free(&out);
	buf_free(&out2);

	/* the whole input as one client address: matching never reads past it; IPv6 agrees with inet_pton */
	if (size <= 64) {
		char s[65];
		uint8_t x[16], y[16];
		bool v4;
		memcpy(s, data, size);
		s[size] = '\0';
		if (strlen(s) == size && ipacl_addr_parse(s, size, x, &v4)) {
			if (!v4)
				CHECK(inet_pton(AF_INET6, s, y) == 1 && memcmp(x, y, 16) == 0);
			else
				CHECK(inet_pton(AF_INET, s, y) == 1 && memcmp(x + 12, y, 4) == 0);
			(void)ipacl_allows(&a, s);
		}
	}
	return 0;
}
