/* buf.c - growable buffer with overflow-checked growth and escaping helpers. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
buf_init(buf_t *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}

void
buf_free(buf_t *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_clear(buf_t *b)
{
	b->len = 0;
	b->oom = false;
	if (b->data != NULL)
		b->data[0] = '\0';
}

char *
buf_steal(buf_t *b, size_t *len)
{
	char *p = b->data;

	if (len != NULL)
		*len = b->len;
	if (p == NULL)
		p = calloc(1, 1);
	buf_init(b);
	return p;
}

bool
buf_reserve(buf_t *b, size_t extra)
{
	size_t need, ncap;
	char  *p;

	if (b->oom)
		return false;
	if (extra > BUF_MAX || b->len > BUF_MAX - extra) {
		b->oom = true;
		return false;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap *= 2;
	if (ncap > BUF_MAX + 1)
		ncap = BUF_MAX + 1;
	p = realloc(b->data, ncap);
	if (p == NULL) {
		b->oom = true;
		return false;
	}
	b->data = p;
	b->cap = ncap;
	return true;
}

bool
buf_append(buf_t *b, const void *p, size_t n)
{
	if (!buf_reserve(b, n))
		return false;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return true;
}

bool
buf_puts(buf_t *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

bool
buf_putc(buf_t *b, char c)
{
	return buf_append(b, &c, 1);
}

bool
buf_printf(buf_t *b, const char *fmt, ...)
{
	va_list ap;
	int     n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_reserve(b, (size_t)n))
		return false;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return true;
}

bool
buf_append_html(buf_t *b, const char *s, size_t n)
{
	size_t i, start = 0;
	const char *rep;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if (!buf_append(b, s + start, i - start) || !buf_puts(b, rep))
			return false;
		start = i + 1;
	}
	return buf_append(b, s + start, n - start);
}

bool
buf_append_urlenc(buf_t *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			if (!buf_putc(b, (char)c))
				return false;
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			if (!buf_append(b, e, 3))
				return false;
		}
	}
	return true;
}

bool
buf_append_logsafe(buf_t *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '\\' || c == '"') {
			char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
			if (!buf_append(b, e, 4))
				return false;
		} else if (!buf_putc(b, (char)c)) {
			return false;
		}
	}
	return true;
}

bool
buf_append_json(buf_t *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, run;

	while (i < n) {
		unsigned char c;
		bool ok;
		/* a run that needs no escaping goes in one append */
		for (run = i; run < n; run++) {
			c = (unsigned char)s[run];
			if (c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c == '\'')
				break;
		}
		if (run > i && !buf_append(b, s + i, run - i))
			return false;
		if (run == n)
			break;
		c = (unsigned char)s[run];
		switch (c) {
		case '"': ok = buf_puts(b, "\\\""); break;
		case '\\': ok = buf_puts(b, "\\\\"); break;
		case '\n': ok = buf_puts(b, "\\n"); break;
		case '\r': ok = buf_puts(b, "\\r"); break;
		case '\t': ok = buf_puts(b, "\\t"); break;
		default: {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			ok = buf_append(b, e, 6);
		}
		}
		if (!ok)
			return false;
		i = run + 1;
	}
	return true;
}
