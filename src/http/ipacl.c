/*
 * ipacl.c - CIDR lists: a strict parser with Japanese, line-numbered messages, the canonical printer,
 * matching, areas by path and the lock-out rule (G54). No allocation; a list is a fixed array.
 *
 * Addresses are parsed here rather than with inet_pton so that what is accepted is exactly what the
 * messages describe (inet_pton's rules differ between C libraries on leading zeros and IPv4 forms).
 */
#include "http/ipacl.h"
#include "core/str.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const uint8_t v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* Four decimal parts of 0..255, no leading zeros, nothing else. */
static bool
parse_v4(const char *s, size_t len, uint8_t out[4])
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0;
		size_t start = i;
		while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 4)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start || i - start > 3 || v > 255 || (s[start] == '0' && i - start > 1))
			return false;
		out[part] = (uint8_t)v;
		if (part < 3) {
			if (i >= len || s[i] != '.')
				return false;
			i++;
		}
	}
	return i == len;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 4291 text forms: eight groups of 1-4 hex digits, one "::" for a run of zero groups, the last two
 * groups as a dotted quad. No zone ID, no brackets. */
static bool
parse_v6(const char *s, size_t len, uint8_t out[16])
{
	uint16_t g[8];
	int ng = 0, dc = -1, k;
	size_t i = 0;

	if (len < 2)
		return false;
	if (s[0] == ':') {
		if (s[1] != ':')
			return false;
		dc = 0;
		i = 2;
		if (i == len)
			goto expand;
	}
	for (;;) {
		size_t start = i;
		unsigned v = 0;
		while (i < len && hexval(s[i]) >= 0 && i - start < 5)
			v = (v << 4) | (unsigned)hexval(s[i++]);
		if (i < len && s[i] == '.') {
			uint8_t q[4];
			if (ng > 6 || !parse_v4(s + start, len - start, q))
				return false;
			g[ng++] = (uint16_t)(q[0] << 8 | q[1]);
			g[ng++] = (uint16_t)(q[2] << 8 | q[3]);
			break;
		}
		if (i == start || i - start > 4 || ng >= 8)
			return false;
		g[ng++] = (uint16_t)v;
		if (i == len)
			break;
		if (s[i] != ':')
			return false;
		i++;
		if (i < len && s[i] == ':') {
			if (dc >= 0)
				return false;
			dc = ng;
			i++;
			if (i == len)
				break;
		} else if (i == len) {
			return false;
		}
	}
expand:
	if ((dc < 0 && ng != 8) || (dc >= 0 && ng > 7))
		return false;
	memset(out, 0, 16);
	if (dc < 0) {
		for (k = 0; k < 8; k++) {
			out[2 * k] = (uint8_t)(g[k] >> 8);
			out[2 * k + 1] = (uint8_t)g[k];
		}
	} else {
		int tail = ng - dc;
		for (k = 0; k < dc; k++) {
			out[2 * k] = (uint8_t)(g[k] >> 8);
			out[2 * k + 1] = (uint8_t)g[k];
		}
		for (k = 0; k < tail; k++) {
			int at = 8 - tail + k;
			out[2 * at] = (uint8_t)(g[dc + k] >> 8);
			out[2 * at + 1] = (uint8_t)g[dc + k];
		}
	}
	return true;
}

bool
ipacl_addr_parse(const char *s, size_t len, uint8_t out[16], bool *v4)
{
	bool is4 = memchr(s, ':', len) == NULL;

	if (v4 != NULL)
		*v4 = is4;
	if (len == 0 || len > 45)
		return false;
	if (is4) {
		memcpy(out, v4_mapped, 12);
		return parse_v4(s, len, out + 12);
	}
	return parse_v6(s, len, out);
}

/* ---- lists ---- */

static void
add_error(ipacl_errors_t *errs, int line, const char *fmt, const char *tok, const char *extra)
{
	ipacl_error_t *e;
	int n;

	if (errs == NULL)
		return;
	if (errs->n >= IPACL_MAX_ERRORS) {
		errs->more++;
		return;
	}
	e = &errs->e[errs->n++];
	e->line = line;
	n = line > 0 ? snprintf(e->msg, sizeof(e->msg), "%d行目: ", line) : 0;
	if (n < 0 || (size_t)n >= sizeof(e->msg))
		n = 0;
	/* fmt is one of this file's literals with at most two %s */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(e->msg + n, sizeof(e->msg) - (size_t)n, fmt, tok ? tok : "", extra ? extra : "");
#pragma GCC diagnostic pop
}

/* The entry as it may be quoted back: valid UTF-8 without controls, cut at IPACL_TOKEN_SHOW bytes on a
 * character boundary; NULL when it cannot be shown. */
static const char *
show_token(const char *t, size_t n, char out[IPACL_TOKEN_SHOW + 8])
{
	size_t k = n;

	if (!str_utf8_valid(t, n, false))
		return NULL;
	if (k > IPACL_TOKEN_SHOW) {
		k = IPACL_TOKEN_SHOW;
		while (k > 0 && ((unsigned char)t[k] & 0xC0) == 0x80)
			k--;
	}
	memcpy(out, t, k);
	memcpy(out + k, k < n ? "…" : "", k < n ? sizeof("…") : 1);
	return out;
}

static bool
host_bits_zero(const uint8_t a[16], int prefix)
{
	int i;

	for (i = prefix; i < 128; i++)
		if (a[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

static void
clear_host_bits(uint8_t a[16], int prefix)
{
	int i;

	for (i = prefix; i < 128; i++)
		a[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
}

/* A dotted part such as "01" or "007" (which some programs read as octal). */
static bool
leading_zero(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++)
		if (s[i] == '0' && (i == 0 || s[i - 1] == '.') && s[i + 1] >= '0' && s[i + 1] <= '9')
			return true;
	return false;
}

/* One entry; true when added. */
static bool
parse_entry(const char *t, size_t n, int line, ipacl_list_t *out, ipacl_errors_t *errs)
{
	char shown[IPACL_TOKEN_SHOW + 8], fix[IPACL_RULE_STR];
	const char *q = show_token(t, n, shown);
	const char *slash = memchr(t, '/', n);
	size_t alen = slash ? (size_t)(slash - t) : n, i;
	ipacl_rule_t r;
	bool v4;
	int64_t prefix;

	for (i = 0; i < n; i++) {
		if ((unsigned char)t[i] >= 0x80) {
			add_error(errs, line, q ? "「%s」に全角文字などが含まれています。IPアドレスは半角英数字で入力してください。"
			    : "全角文字などが含まれています。IPアドレスは半角英数字で入力してください。", q, NULL);
			return false;
		}
	}
	if (q == NULL) {
		add_error(errs, line, "制御文字が含まれています。IPアドレスまたはCIDR表記（例: 192.168.0.0/24）で入力してください。",
		    NULL, NULL);
		return false;
	}
	memset(&r, 0, sizeof(r));
	if (!ipacl_addr_parse(t, alen, r.addr, &v4)) {
		if (v4 && leading_zero(t, alen)) {
			add_error(errs, line, "「%s」: IPv4アドレスの各数字の先頭に0を付けないでください（8進数と誤解されるため）。", q, NULL);
			return false;
		}
		add_error(errs, line, "「%s」はIPアドレスとして正しくありません。"
		    "192.168.0.0/24 や 2001:db8::/32 の形で入力してください。", q, NULL);
		return false;
	}
	r.v4 = v4;
	if (slash == NULL) {
		r.prefix = 128;
	} else {
		const char *p = slash + 1;
		size_t plen = n - alen - 1;
		char num[4];
		size_t digits = 0;
		while (digits < plen && p[digits] >= '0' && p[digits] <= '9')
			digits++;
		if (plen == 0 || plen > 3 || (p[0] == '0' && plen > 1) || digits < plen) {
			add_error(errs, line, "「%s」のプレフィックス長（/の後）は数字で入力してください（先頭に0は付けません）。", q, NULL);
			return false;
		}
		memcpy(num, p, plen);
		num[plen] = '\0';
		if (!str_to_i64(num, 0, v4 ? 32 : 128, &prefix)) {
			add_error(errs, line, v4 ? "「%s」のプレフィックス長はIPv4では0〜32で指定してください。"
			    : "「%s」のプレフィックス長はIPv6では0〜128で指定してください。", q, NULL);
			return false;
		}
		r.prefix = (uint8_t)(v4 ? 96 + prefix : prefix);
	}
	if (!host_bits_zero(r.addr, r.prefix)) {
		clear_host_bits(r.addr, r.prefix);
		ipacl_rule_str(&r, fix);
		add_error(errs, line, "「%s」はネットワークアドレスではありません（%s としてください）。", q, fix);
		return false;
	}
	if (out->n >= IPACL_MAX_RULES) {
		char lim[32];
		snprintf(lim, sizeof(lim), "%d", IPACL_MAX_RULES);
		add_error(errs, line, "登録できるのは1つの区分につき%s件までです。", lim, NULL);
		return false;
	}
	out->rules[out->n++] = r;
	return true;
}

/* Length of a separator at p (0 when none): ASCII blanks, ',', U+3000, '、', '，'. */
static size_t
sep_len(const char *p, size_t left)
{
	unsigned char c = (unsigned char)p[0];

	if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f' || c == ',')
		return 1;
	if (left >= 3 && (memcmp(p, "\xE3\x80\x80", 3) == 0 || memcmp(p, "\xE3\x80\x81", 3) == 0 ||
	    memcmp(p, "\xEF\xBC\x8C", 3) == 0))
		return 3;
	return 0;
}

bool
ipacl_parse(const char *text, size_t len, ipacl_list_t *out, ipacl_errors_t *errs)
{
	size_t i = 0;
	int line = 1;
	bool ok = true;

	out->n = 0;
	if (errs != NULL)
		memset(errs, 0, sizeof(*errs));
	if (len > IPACL_MAX_TEXT) {
		char lim[32];
		snprintf(lim, sizeof(lim), "%d", IPACL_MAX_TEXT);
		add_error(errs, 0, "入力が長すぎます（%sバイトまで）。", lim, NULL);
		return false;
	}
	while (i < len) {
		size_t s = sep_len(text + i, len - i), start;
		if (s > 0) {
			if (text[i] == '\n')
				line++;
			i += s;
			continue;
		}
		if (text[i] == '#') {
			while (i < len && text[i] != '\n')
				i++;
			continue;
		}
		start = i;
		while (i < len && text[i] != '#' && sep_len(text + i, len - i) == 0)
			i++;
		if (!parse_entry(text + start, i - start, line, out, errs))
			ok = false;
	}
	return ok;
}

void
ipacl_rule_str(const ipacl_rule_t *r, char out[IPACL_RULE_STR])
{
	char a[INET6_ADDRSTRLEN];
	int plen = r->v4 ? r->prefix - 96 : r->prefix;

	if (r->v4)
		inet_ntop(AF_INET, r->addr + 12, a, sizeof(a));
	else
		inet_ntop(AF_INET6, r->addr, a, sizeof(a));
	if (r->prefix == 128)
		snprintf(out, IPACL_RULE_STR, "%s", a);
	else
		snprintf(out, IPACL_RULE_STR, "%s/%d", a, plen);
}

bool
ipacl_format(const ipacl_list_t *l, buf_t *out)
{
	size_t i;
	char s[IPACL_RULE_STR];

	for (i = 0; i < l->n; i++) {
		ipacl_rule_str(&l->rules[i], s);
		buf_puts(out, s);
		buf_putc(out, '\n');
	}
	return !out->oom;
}

static bool
rule_match(const ipacl_rule_t *r, const uint8_t a[16])
{
	int full = r->prefix / 8, rest = r->prefix % 8;

	if (memcmp(r->addr, a, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((r->addr[full] ^ a[full]) & (uint8_t)(0xFF << (8 - rest))) == 0;
}

bool
ipacl_match(const ipacl_list_t *l, const uint8_t addr[16])
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (rule_match(&l->rules[i], addr))
			return true;
	return false;
}

bool
ipacl_allows(const ipacl_list_t *l, const char *ip)
{
	uint8_t a[16];

	if (l->n == 0)
		return true;
	if (ip == NULL || !ipacl_addr_parse(ip, strlen(ip), a, NULL))
		return false;
	return ipacl_match(l, a);
}

bool
ipacl_would_lock_out(const ipacl_list_t *rules, ipacl_area_t area, const char *current_ip)
{
	if (area == IPACL_MEMBER)
		return false;
	return !ipacl_allows(rules, current_ip);
}

/* ---- areas ---- */

static const struct {
	const char *name;
	const char *label;
} areas[IPACL_NAREAS] = {
	[IPACL_PUBLIC] = { "public", "公開ページ" },
	[IPACL_MEMBER] = { "member", "会員マイページ" },
	[IPACL_STAFF] = { "staff", "職員用管理画面" },
};

/* A prefix followed by the end or anything: "/staff", "/staff/x" and also "/staffx" (better one
 * path too many restricted than a back-office page left open). */
ipacl_area_t
ipacl_area_of(const char *path)
{
	if (path == NULL)
		return IPACL_PUBLIC;
	if (strncmp(path, "/staff", 6) == 0)
		return IPACL_STAFF;
	if (strncmp(path, "/mypage", 7) == 0)
		return IPACL_MEMBER;
	return IPACL_PUBLIC;
}

const char *
ipacl_area_name(ipacl_area_t a)
{
	return (unsigned)a < IPACL_NAREAS ? areas[a].name : "public";
}

const char *
ipacl_area_label(ipacl_area_t a)
{
	return (unsigned)a < IPACL_NAREAS ? areas[a].label : areas[IPACL_PUBLIC].label;
}

bool
ipacl_area_parse(const char *name, ipacl_area_t *out)
{
	int i;

	for (i = 0; name != NULL && i < IPACL_NAREAS; i++) {
		if (strcmp(name, areas[i].name) == 0) {
			*out = (ipacl_area_t)i;
			return true;
		}
	}
	return false;
}
