/* tmpl_filters.c - the template filters, and how a value is written into a page. */
#include "view/tmpl_int.h"
#include "core/jtime.h"
#include "core/str.h"

#include <string.h>

#define INT_DIGITS 24 /* enough for any int64_t with sign and NUL */

static const struct {
	const char   *name;
	tmpl_filter_t f;
	bool          wants_arg;
} filters[] = {
	{ "date", TF_DATE, false },
	{ "datetime", TF_DATETIME, false },
	{ "time", TF_TIME, false },
	{ "wareki", TF_WAREKI, false },
	{ "iso", TF_ISO, false },
	{ "yen", TF_YEN, false },
	{ "number", TF_NUMBER, false },
	{ "t", TF_T, false },
	{ "url", TF_URL, false },
	{ "urlenc", TF_URLENC, false },
	{ "json", TF_JSON, false },
	{ "default", TF_DEFAULT, true },
	{ "raw", TF_RAW, false },
};

bool
tmpl_filter_find(const char *name, size_t n, tmpl_filter_t *f, bool *wants_arg)
{
	size_t k;

	for (k = 0; k < sizeof(filters) / sizeof(filters[0]); k++) {
		if (strlen(filters[k].name) == n && memcmp(filters[k].name, name, n) == 0) {
			*f = filters[k].f;
			*wants_arg = filters[k].wants_arg;
			return true;
		}
	}
	return false;
}

void
tmpl_rv_from(const tv_t *v, tmpl_rv_t *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = RV_NULL;
	if (v == NULL)
		return;
	switch (v->kind) {
	case TV_NULL:
		break;
	case TV_BOOL:
		out->kind = RV_BOOL;
		out->b = v->u.b;
		break;
	case TV_INT:
		out->kind = RV_INT;
		out->i = v->u.i;
		break;
	case TV_STR:
	case TV_HTML:
		out->kind = v->kind == TV_STR ? RV_STR : RV_SAFE;
		out->s = v->u.str.s != NULL ? v->u.str.s : "";
		out->n = v->u.str.s != NULL ? v->u.str.n : 0;
		break;
	case TV_LIST:
		out->kind = RV_LIST;
		out->tv = v;
		break;
	case TV_MAP:
		out->kind = RV_MAP;
		out->tv = v;
		break;
	}
}

bool
tmpl_rv_truthy(const tmpl_rv_t *v)
{
	switch (v->kind) {
	case RV_NULL:
		return false;
	case RV_BOOL:
		return v->b;
	case RV_INT:
		return v->i != 0;
	case RV_STR:
	case RV_SAFE:
		return v->n > 0;
	case RV_LIST:
		return v->tv->u.list.n > 0;
	case RV_MAP:
		return true;
	}
	return false;
}

/* Decimal digits of i at the end of buf[INT_DIGITS]; returns where they start. */
static char *
fmt_int(char *buf, int64_t i)
{
	char    *p = buf + INT_DIGITS - 1;
	uint64_t u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;

	*p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (i < 0)
		*--p = '-';
	return p;
}

static void
set_str(tmpl_rv_t *v, tmpl_rv_kind_t kind, const char *s, size_t n)
{
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	v->s = s;
	v->n = n;
}

static void
set_null(tmpl_rv_t *v)
{
	memset(v, 0, sizeof(*v));
	v->kind = RV_NULL;
}

/* The value as text: strings as they are, numbers in decimal; tmp[INT_DIGITS] holds a number's digits. */
static const char *
rv_text(const tmpl_rv_t *v, char *tmp, size_t *n)
{
	const char *s;

	switch (v->kind) {
	case RV_STR:
	case RV_SAFE:
		*n = v->n;
		return v->s;
	case RV_INT:
		s = fmt_int(tmp, v->i);
		*n = strlen(s);
		return s;
	case RV_BOOL:
		*n = v->b ? 4 : 5;
		return v->b ? "true" : "false";
	default:
		*n = 0;
		return "";
	}
}

/* An integer from TV_INT or from a string of decimal digits (with an optional minus). */
static bool
rv_int(const tmpl_rv_t *v, int64_t *out)
{
	char num[INT_DIGITS];

	if (v->kind == RV_INT) {
		*out = v->i;
		return true;
	}
	if ((v->kind != RV_STR && v->kind != RV_SAFE) || v->n == 0 || v->n >= sizeof(num))
		return false;
	memcpy(num, v->s, v->n);
	num[v->n] = '\0';
	return str_to_i64(num, INT64_MIN, INT64_MAX, out);
}

/* 1234567 -> "1,234,567" */
static bool
put_grouped(buf_t *b, int64_t i)
{
	char   tmp[INT_DIGITS];
	char  *d = fmt_int(tmp, i);
	size_t n, k;

	if (*d == '-') {
		if (!buf_putc(b, '-'))
			return false;
		d++;
	}
	n = strlen(d);
	for (k = 0; k < n; k++) {
		if (k > 0 && (n - k) % 3 == 0 && !buf_putc(b, ','))
			return false;
		if (!buf_putc(b, d[k]))
			return false;
	}
	return true;
}

bool
tmpl_url_allowed(const char *s, size_t n)
{
	static const char *const schemes[] = { "http", "https", "mailto", "tel" };
	char   scheme[8];
	size_t i, k = 0, j;

	/*
	 * Browsers drop leading spaces and controls and ignore tabs and newlines anywhere, so those are
	 * skipped while looking for the scheme. A '&' before the first ':' '/' '?' '#' could be a
	 * character reference hiding a ':' (as in "javascript&colon;") if the result were written raw.
	 */
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c == 0x7f)
			continue;
		if (c == '/' || c == '?' || c == '#')
			return true;
		if (c == ':')
			break;
		if (c == '&')
			return false;
		if (k < sizeof(scheme))
			scheme[k] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		k++;
	}
	if (i == n)
		return true; /* no scheme: a relative URL */
	for (j = 0; j < sizeof(schemes) / sizeof(schemes[0]); j++)
		if (strlen(schemes[j]) == k && memcmp(schemes[j], scheme, k) == 0)
			return true;
	return false;
}

static bool
put_json_tv(buf_t *b, const tv_t *v, int depth)
{
	size_t k;

	if (v == NULL || depth > TMPL_MAX_DEPTH)
		return buf_puts(b, "null");
	switch (v->kind) {
	case TV_NULL:
		return buf_puts(b, "null");
	case TV_BOOL:
		return buf_puts(b, v->u.b ? "true" : "false");
	case TV_INT:
		return buf_printf(b, "%lld", (long long)v->u.i);
	case TV_STR:
	case TV_HTML:
		return buf_putc(b, '"') && buf_append_json(b, v->u.str.s, v->u.str.s ? v->u.str.n : 0) &&
		    buf_putc(b, '"');
	case TV_LIST:
		if (!buf_putc(b, '['))
			return false;
		for (k = 0; k < v->u.list.n; k++)
			if ((k > 0 && !buf_putc(b, ',')) || !put_json_tv(b, v->u.list.items[k], depth + 1))
				return false;
		return buf_putc(b, ']');
	case TV_MAP:
		if (!buf_putc(b, '{'))
			return false;
		for (k = 0; k < v->u.map.n; k++) {
			const char *key = v->u.map.keys[k];
			if ((k > 0 && !buf_putc(b, ',')) || !buf_putc(b, '"') ||
			    !buf_append_json(b, key, strlen(key)) || !buf_puts(b, "\":") ||
			    !put_json_tv(b, v->u.map.vals[k], depth + 1))
				return false;
		}
		return buf_putc(b, '}');
	}
	return buf_puts(b, "null");
}

static bool
put_json(buf_t *b, const tmpl_rv_t *v)
{
	char tmp[INT_DIGITS];

	switch (v->kind) {
	case RV_NULL:
		return buf_puts(b, "null");
	case RV_BOOL:
		return buf_puts(b, v->b ? "true" : "false");
	case RV_INT:
		return buf_puts(b, fmt_int(tmp, v->i));
	case RV_STR:
	case RV_SAFE:
		return buf_putc(b, '"') && buf_append_json(b, v->s, v->n) && buf_putc(b, '"');
	case RV_LIST:
	case RV_MAP:
		return put_json_tv(b, v->tv, 0);
	}
	return false;
}

static const char *
date_kind(tmpl_filter_t f)
{
	switch (f) {
	case TF_DATE: return "date";
	case TF_DATETIME: return "datetime";
	case TF_TIME: return "time";
	case TF_WAREKI: return "wareki";
	default: return "iso";
	}
}

static bool
translate(const tmpl_fenv_t *env, tmpl_rv_t *v, buf_t *scratch)
{
	char        tmp[INT_DIGITS];
	const char *s, *tr;
	size_t      n;

	if (env->i18n == NULL || env->lang == NULL || strcmp(env->lang, "ja") == 0)
		return true;
	if (v->kind == RV_NULL || v->kind == RV_LIST || v->kind == RV_MAP)
		return true;
	s = rv_text(v, tmp, &n);
	if (memchr(s, '\0', n) != NULL)
		return true; /* cannot be a msgid */
	if (!buf_append(scratch, s, n))
		return false;
	tr = i18n_get(env->i18n, env->lang, scratch->data);
	if (tr == scratch->data)
		set_str(v, RV_STR, scratch->data, scratch->len);
	else
		set_str(v, RV_STR, tr, strlen(tr));
	return true;
}

bool
tmpl_filter_apply(tmpl_filter_t f, const tmpl_fenv_t *env, tmpl_rv_t *v, buf_t *scratch)
{
	char        tmp[INT_DIGITS];
	const char *s;
	size_t      n;
	int64_t     i;

	buf_clear(scratch);
	switch (f) {
	case TF_DATE:
	case TF_DATETIME:
	case TF_TIME:
	case TF_WAREKI:
	case TF_ISO:
		if (!rv_int(v, &i)) {
			set_null(v);
			return true;
		}
		if (!jtime_format(scratch, i, date_kind(f)))
			return false;
		set_str(v, RV_STR, scratch->data, scratch->len);
		return true;
	case TF_YEN:
	case TF_NUMBER:
		if (!rv_int(v, &i)) {
			set_null(v);
			return true;
		}
		if (!put_grouped(scratch, i) || (f == TF_YEN && !buf_puts(scratch, "円")))
			return false;
		set_str(v, RV_STR, scratch->data, scratch->len);
		return true;
	case TF_T:
		return translate(env, v, scratch);
	case TF_URL:
		if (v->kind == RV_NULL || v->kind == RV_LIST || v->kind == RV_MAP) {
			set_null(v);
			return true;
		}
		s = rv_text(v, tmp, &n);
		if (!tmpl_url_allowed(s, n)) {
			set_str(v, RV_STR, "#", 1);
			return true;
		}
		if (!buf_append(scratch, s, n))
			return false;
		set_str(v, RV_STR, scratch->data, scratch->len);
		return true;
	case TF_URLENC:
		if (v->kind == RV_LIST || v->kind == RV_MAP) {
			set_null(v);
			return true;
		}
		s = rv_text(v, tmp, &n);
		if (!buf_append_urlenc(scratch, s, n) || !buf_reserve(scratch, 0))
			return false;
		set_str(v, RV_STR, scratch->data != NULL ? scratch->data : "", scratch->len);
		return true;
	case TF_JSON:
		if (!put_json(scratch, v))
			return false;
		set_str(v, RV_SAFE, scratch->data, scratch->len);
		return true;
	case TF_DEFAULT:
		if (!tmpl_rv_truthy(v))
			set_str(v, RV_STR, env->arg != NULL ? env->arg : "", env->arg != NULL ? env->argn : 0);
		return true;
	case TF_RAW:
		if (v->kind == RV_STR)
			v->kind = RV_SAFE;
		return true;
	}
	return true;
}

bool
tmpl_rv_write(buf_t *out, const tmpl_rv_t *v)
{
	char tmp[INT_DIGITS];

	switch (v->kind) {
	case RV_NULL:
	case RV_LIST:
	case RV_MAP:
		return true;
	case RV_BOOL:
		return buf_puts(out, v->b ? "true" : "false");
	case RV_INT:
		return buf_puts(out, fmt_int(tmp, v->i));
	case RV_STR:
		return buf_append_html(out, v->s, v->n);
	case RV_SAFE:
		return buf_append(out, v->s, v->n);
	}
	return true;
}
