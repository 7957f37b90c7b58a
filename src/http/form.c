/*
 * form.c - parsers for what a client sends as data: urlencoded bodies and query strings,
 * multipart/form-data bodies (RFC 7578) and Cookie headers (RFC 6265 section 5.4).
 *
 * Every parser works in one forward pass over its input: multipart finds the end of a part
 * with memmem() from the current position and only then reads the part's headers inside it,
 * so no byte is scanned more than a bounded number of times. Limits are checked while
 * parsing, before anything large is copied into the arena. On any error the output is left
 * empty; what was allocated dies with the arena.
 */
#include "http/form.h"

#include "core/str.h"

#include <string.h>
#include <strings.h>

#define FORM_FIELDS_INITIAL        8      /* first size of the field array; it doubles */
#define FORM_MAX_BOUNDARY          70     /* RFC 2046 section 5.1.1 */
#define FORM_MAX_PART_HEADER_BYTES 8192   /* one part's header block */
#define FORM_MAX_PART_HEADERS      16     /* header lines in one part */
#define FORM_MAX_FILENAME          255    /* bytes of a file name once reduced to its last component */

#define FORM_OK        0
#define FORM_BAD       400
#define FORM_TOO_LARGE 413

const form_limits_t form_default_limits = {
	.max_fields = 200,
	.max_name = 128,
	.max_value = 64 * 1024,
	.max_file = 10 * 1024 * 1024,
	.max_files = 20,
};

static void
form_clear(form_t *f)
{
	f->fields = NULL;
	f->count = 0;
}

/* Appends a zeroed field, growing the array by doubling (the arena keeps the old copies). */
static int
field_add(arena_t *a, form_t *f, size_t *cap, size_t max, form_field_t **fp)
{
	form_field_t *nv;
	size_t        ncap;

	if (f->count >= max)
		return FORM_TOO_LARGE;
	if (f->count == *cap) {
		ncap = *cap ? *cap * 2 : FORM_FIELDS_INITIAL;
		if (ncap < *cap || ncap > max)
			ncap = max;
		nv = arena_calloc(a, ncap, sizeof(*nv));
		if (nv == NULL)
			return FORM_TOO_LARGE;
		if (f->count > 0)
			memcpy(nv, f->fields, f->count * sizeof(*nv));
		f->fields = nv;
		*cap = ncap;
	}
	*fp = &f->fields[f->count++];
	memset(*fp, 0, sizeof(**fp));
	return FORM_OK;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A name: valid UTF-8 on one line (no NUL, no control characters but TAB). */
static bool
name_ok(const char *s, size_t n)
{
	return str_utf8_valid(s, n, false);
}

/*
 * Decodes s[0..n) ('+' and %XX) into a NUL-terminated arena copy of at most max bytes.
 * The copy is sized min(n, max) + 1, so a long input cannot make a large allocation.
 */
static int
url_decode(arena_t *a, const char *s, size_t n, size_t max, char **outp, size_t *outlen)
{
	size_t i = 0, j = 0, cap;
	char  *d;
	int    hi, lo;

	cap = n < max ? n : max;
	if ((d = arena_alloc(a, cap + 1)) == NULL)
		return FORM_TOO_LARGE;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (j >= max)
			return FORM_TOO_LARGE;
		if (c == '+') {
			c = ' ';
			i++;
		} else if (c == '%') {
			if (n - i < 3)
				return FORM_BAD;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return FORM_BAD;
			c = (unsigned char)(hi << 4 | lo);
			i += 3;
		} else {
			i++;
		}
		if (c == '\0')
			return FORM_BAD;
		d[j++] = (char)c;
	}
	d[j] = '\0';
	*outp = d;
	*outlen = j;
	return FORM_OK;
}

int
form_parse_urlencoded(arena_t *a, const char *s, size_t n, const form_limits_t *lim, form_t *out)
{
	const char   *p, *end, *amp, *eq;
	form_field_t *fld;
	char         *name, *value;
	size_t        cap = 0, nlen, vlen;
	int           rc;

	form_clear(out);
	if (lim == NULL)
		lim = &form_default_limits;
	if (n == 0)
		return FORM_OK;
	if (s == NULL)
		return FORM_BAD;

	p = s;
	end = s + n;
	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p) {
			p++;
			continue;
		}
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		if ((rc = url_decode(a, p, (size_t)(eq - p), lim->max_name, &name, &nlen)) != 0)
			goto fail;
		if (!name_ok(name, nlen)) {
			rc = FORM_BAD;
			goto fail;
		}
		if (eq == amp)
			rc = url_decode(a, "", 0, lim->max_value, &value, &vlen);
		else
			rc = url_decode(a, eq + 1, (size_t)(amp - eq - 1), lim->max_value, &value, &vlen);
		if (rc != 0)
			goto fail;
		if (!str_utf8_valid(value, vlen, true)) {
			rc = FORM_BAD;
			goto fail;
		}
		if ((rc = field_add(a, out, &cap, lim->max_fields, &fld)) != 0)
			goto fail;
		fld->name = name;
		fld->value = value;
		fld->value_len = vlen;
		p = amp < end ? amp + 1 : end;
	}
	if (out->count == 0)
		form_clear(out);
	return FORM_OK;

fail:
	form_clear(out);
	return rc;
}

/* ---- header values: type *( ";" param "=" ( token / quoted-string ) ) ---- */

static bool
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

static bool
is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Lenient unquoted parameter value: what clients send unquoted in practice (e.g. ':' '/' '=' '?'). */
static bool
is_bare_value_char(unsigned char c)
{
	return c > 0x20 && c != 0x7f && c != ';' && c != '"';
}

typedef struct hparser {
	const char *p;
	const char *end;
} hparser_t;

static void
hp_skip_ows(hparser_t *h)
{
	while (h->p < h->end && is_ows(*h->p))
		h->p++;
}

/* The leading type/subtype or disposition type; true when it equals want (ASCII case-insensitive). */
static bool
hp_type_is(hparser_t *h, const char *want)
{
	const char *start;
	size_t      wlen = strlen(want);

	hp_skip_ows(h);
	start = h->p;
	while (h->p < h->end && (is_tchar((unsigned char)*h->p) || *h->p == '/'))
		h->p++;
	return (size_t)(h->p - start) == wlen && strncasecmp(start, want, wlen) == 0;
}

/* A backslash escapes only '"' and '\\'. */
static bool
quoted_pair(const char *p, const char *end)
{
	return *p == '\\' && end - p >= 2 && (p[1] == '"' || p[1] == '\\');
}

/*
 * Next parameter. Returns 0 with *name NULL at the end, 0 with a parameter, or 400.
 * Quoted values are unescaped into the arena: a backslash escapes only '"' and '\\' and is
 * otherwise kept (browsers never escape backslashes, and old ones sent "C:\dir\file").
 */
static int
hp_param(arena_t *a, hparser_t *h, const char **name, size_t *nlen, char **value, size_t *vlen)
{
	const char *start;
	char       *d;
	size_t      j = 0;

	*name = NULL;
	hp_skip_ows(h);
	if (h->p == h->end)
		return FORM_OK;
	if (*h->p != ';')
		return FORM_BAD;
	h->p++;
	hp_skip_ows(h);
	if (h->p == h->end)
		return FORM_OK; /* a trailing ';' */
	start = h->p;
	while (h->p < h->end && is_tchar((unsigned char)*h->p))
		h->p++;
	if (h->p == start)
		return FORM_BAD;
	*name = start;
	*nlen = (size_t)(h->p - start);
	hp_skip_ows(h);
	if (h->p == h->end || *h->p != '=')
		return FORM_BAD;
	h->p++;
	hp_skip_ows(h);
	if (h->p < h->end && *h->p == '"') {
		/* measure first, so the copy is sized by this value and not by the rest of the header */
		start = ++h->p;
		for (;;) {
			if (h->p == h->end)
				return FORM_BAD; /* unterminated */
			if (*h->p == '"')
				break;
			if (quoted_pair(h->p, h->end))
				h->p++;
			h->p++;
		}
		if ((d = arena_alloc(a, (size_t)(h->p - start) + 1)) == NULL)
			return FORM_TOO_LARGE;
		while (start < h->p) {
			if (quoted_pair(start, h->p))
				start++;
			d[j++] = *start++;
		}
		h->p++;
		d[j] = '\0';
		*value = d;
		*vlen = j;
		return FORM_OK;
	}
	start = h->p;
	while (h->p < h->end && is_bare_value_char((unsigned char)*h->p))
		h->p++;
	if (h->p == start)
		return FORM_BAD;
	if ((*value = arena_strndup(a, start, (size_t)(h->p - start))) == NULL)
		return FORM_TOO_LARGE;
	*vlen = (size_t)(h->p - start);
	return FORM_OK;
}

static bool
param_is(const char *name, size_t nlen, const char *want)
{
	return nlen == strlen(want) && strncasecmp(name, want, nlen) == 0;
}

/* RFC 2046 bchars; a space is allowed but not as the last character. */
static bool
boundary_ok(const char *b, size_t n)
{
	size_t i;

	if (n == 0 || n > FORM_MAX_BOUNDARY || b[n - 1] == ' ')
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c != '\0' && strchr("'()+_,-./:=? ", c) != NULL)))
			return false;
	}
	return true;
}

static int
boundary_parse(arena_t *a, const char *content_type, const char **bp, size_t *blen)
{
	hparser_t   h;
	const char *pname;
	char       *v;
	size_t      pnlen, vlen;
	int         rc;

	*bp = NULL;
	*blen = 0;
	if (content_type == NULL)
		return FORM_BAD;
	h.p = content_type;
	h.end = content_type + strlen(content_type);
	if (!hp_type_is(&h, "multipart/form-data"))
		return FORM_BAD;
	for (;;) {
		if ((rc = hp_param(a, &h, &pname, &pnlen, &v, &vlen)) != 0)
			return rc;
		if (pname == NULL)
			break;
		if (!param_is(pname, pnlen, "boundary"))
			continue;
		if (*bp != NULL)
			return FORM_BAD; /* two boundaries: refuse to guess */
		*bp = v;
		*blen = vlen;
	}
	if (*bp == NULL || !boundary_ok(*bp, *blen))
		return FORM_BAD;
	return FORM_OK;
}

/* ---- multipart parts ---- */

typedef struct part {
	const char *name;
	size_t      name_len;
	const char *filename;  /* NULL when the part has no filename parameter */
	size_t      filename_len;
	const char *content_type;
	const char *body;
	size_t      body_len;
} part_t;

static int
disposition_parse(arena_t *a, const char *v, size_t n, const form_limits_t *lim, part_t *pt)
{
	hparser_t   h = { v, v + n };
	const char *pname, *base;
	char       *pv;
	size_t      pnlen, pvlen, i;
	int         rc;

	if (!hp_type_is(&h, "form-data"))
		return FORM_BAD;
	for (;;) {
		if ((rc = hp_param(a, &h, &pname, &pnlen, &pv, &pvlen)) != 0)
			return rc;
		if (pname == NULL)
			break;
		if (param_is(pname, pnlen, "name")) {
			if (pt->name != NULL)
				return FORM_BAD;
			if (pvlen > lim->max_name)
				return FORM_TOO_LARGE;
			if (!name_ok(pv, pvlen))
				return FORM_BAD;
			pt->name = pv;
			pt->name_len = pvlen;
		} else if (param_is(pname, pnlen, "filename")) {
			if (pt->filename != NULL)
				return FORM_BAD;
			/* display only: keep the last path component of whatever the client sent */
			base = pv;
			for (i = 0; i < pvlen; i++)
				if (pv[i] == '/' || pv[i] == '\\')
					base = pv + i + 1;
			pvlen -= (size_t)(base - pv);
			if (pvlen > FORM_MAX_FILENAME)
				return FORM_TOO_LARGE;
			if (!str_utf8_valid(base, pvlen, false) || memchr(base, '\t', pvlen) != NULL)
				return FORM_BAD;
			pt->filename = base;
			pt->filename_len = pvlen;
		}
		/* other parameters (filename* among them, RFC 7578 section 4.2) are ignored */
	}
	if (pt->name == NULL)
		return FORM_BAD;
	return FORM_OK;
}

/*
 * Reads the headers at the start of the part p[0..n) and sets the part's body to what follows
 * the blank line (empty when there is none: the last header's CRLF was the delimiter's).
 */
static int
part_parse(arena_t *a, const char *p, size_t n, const form_limits_t *lim, part_t *pt)
{
	const char *cur = p, *end = p + n, *eol, *line_end, *colon, *v, *vend;
	size_t      lines = 0, used, window;
	bool        have_cd = false, have_ct = false;
	int         rc;

	memset(pt, 0, sizeof(*pt));
	pt->body = end;
	while (cur < end) {
		/* header lines and their CRLFs (the last may be the delimiter's) stay within the limit */
		used = (size_t)(cur - p);
		window = FORM_MAX_PART_HEADER_BYTES + 2 - used;
		if (window > (size_t)(end - cur))
			window = (size_t)(end - cur);
		eol = memmem(cur, window, "\r\n", 2);
		if (eol == NULL && window < (size_t)(end - cur))
			return FORM_TOO_LARGE;
		line_end = eol != NULL ? eol : end;
		if (line_end == cur) {
			pt->body = cur + 2; /* the blank line */
			break;
		}
		if ((size_t)(line_end - p) + 2 > FORM_MAX_PART_HEADER_BYTES)
			return FORM_TOO_LARGE;
		if (++lines > FORM_MAX_PART_HEADERS)
			return FORM_TOO_LARGE;
		if (!str_utf8_valid(cur, (size_t)(line_end - cur), false))
			return FORM_BAD;
		/* a line folded onto the previous one (leading space) fails here too */
		for (colon = cur; colon < line_end && is_tchar((unsigned char)*colon); colon++)
			;
		if (colon == cur || colon == line_end || *colon != ':')
			return FORM_BAD;
		v = colon + 1;
		vend = line_end;
		while (v < vend && is_ows(*v))
			v++;
		while (vend > v && is_ows(vend[-1]))
			vend--;
		if (param_is(cur, (size_t)(colon - cur), "content-disposition")) {
			if (have_cd)
				return FORM_BAD;
			have_cd = true;
			if ((rc = disposition_parse(a, v, (size_t)(vend - v), lim, pt)) != 0)
				return rc;
		} else if (param_is(cur, (size_t)(colon - cur), "content-type")) {
			if (have_ct)
				return FORM_BAD;
			have_ct = true;
			if ((pt->content_type = arena_strndup(a, v, (size_t)(vend - v))) == NULL)
				return FORM_TOO_LARGE;
		}
		if (eol == NULL)
			break;
		cur = eol + 2;
	}
	if (!have_cd)
		return FORM_BAD;
	pt->body_len = (size_t)(end - pt->body);
	return FORM_OK;
}

int
form_parse_multipart(arena_t *a, const char *content_type, const char *body, size_t n,
    const form_limits_t *lim, form_t *out)
{
	char          key[4 + FORM_MAX_BOUNDARY];  /* CRLF "--" boundary */
	const char   *b, *hit;
	form_field_t *fld;
	part_t        pt;
	size_t        blen = 0, klen, pos, cap = 0, files = 0;
	char         *value;
	int           rc;

	form_clear(out);
	if (lim == NULL)
		lim = &form_default_limits;
	if ((rc = boundary_parse(a, content_type, &b, &blen)) != 0)
		goto fail;
	if (body == NULL || n == 0) {
		rc = FORM_BAD; /* not even a closing delimiter */
		goto fail;
	}
	memcpy(key, "\r\n--", 4);
	memcpy(key + 4, b, blen);
	klen = 4 + blen;

	/* the first delimiter may open the body without its CRLF; anything before it is preamble */
	if (n >= klen - 2 && memcmp(body, key + 2, klen - 2) == 0) {
		pos = klen - 2;
	} else if ((hit = memmem(body, n, key, klen)) != NULL) {
		pos = (size_t)(hit - body) + klen;
	} else {
		rc = FORM_BAD;
		goto fail;
	}

	for (;;) {
		/* pos is just past a delimiter: "--" closes, else padding and CRLF open a part */
		if (n - pos >= 2 && body[pos] == '-' && body[pos + 1] == '-')
			break; /* the epilogue is ignored */
		while (pos < n && is_ows(body[pos]))
			pos++;
		if (n - pos < 2 || body[pos] != '\r' || body[pos + 1] != '\n') {
			rc = FORM_BAD;
			goto fail;
		}
		pos += 2;
		if ((hit = memmem(body + pos, n - pos, key, klen)) == NULL) {
			rc = FORM_BAD; /* no closing delimiter */
			goto fail;
		}
		if ((rc = part_parse(a, body + pos, (size_t)(hit - (body + pos)), lim, &pt)) != 0)
			goto fail;
		pos = (size_t)(hit - body) + klen;

		if (pt.filename != NULL) {
			if (pt.filename_len == 0 && pt.body_len == 0)
				continue; /* a file input left empty */
			if (pt.body_len > lim->max_file || files >= lim->max_files) {
				rc = FORM_TOO_LARGE;
				goto fail;
			}
			files++;
		} else {
			if (pt.body_len > lim->max_value) {
				rc = FORM_TOO_LARGE;
				goto fail;
			}
			if (!str_utf8_valid(pt.body, pt.body_len, true)) {
				rc = FORM_BAD;
				goto fail;
			}
		}
		if ((rc = field_add(a, out, &cap, lim->max_fields, &fld)) != 0)
			goto fail;
		if ((value = arena_strndup(a, pt.body, pt.body_len)) == NULL) {
			rc = FORM_TOO_LARGE;
			goto fail;
		}
		fld->name = pt.name;
		fld->value = value;
		fld->value_len = pt.body_len;
		fld->content_type = pt.content_type;
		if (pt.filename != NULL &&
		    (fld->filename = arena_strndup(a, pt.filename, pt.filename_len)) == NULL) {
			rc = FORM_TOO_LARGE;
			goto fail;
		}
	}
	if (out->count == 0)
		form_clear(out);
	return FORM_OK;

fail:
	form_clear(out);
	return rc;
}

/* ---- cookies ---- */

static bool
cookie_name_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x21 || c > 0x7e || c == ';' || c == ',' || c == '=')
			return false;
	}
	return true;
}

/* Printable ASCII but ';' ','; '"' too, so that a value's quoting is never ambiguous. */
static bool
cookie_value_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x21 || c > 0x7e || c == ';' || c == ',' || c == '"')
			return false;
	}
	return true;
}

int
form_parse_cookies(arena_t *a, const char *header, size_t n, const form_limits_t *lim, form_t *out)
{
	const char   *p, *end, *semi, *eq, *ns, *ne, *vs, *ve;
	form_field_t *fld;
	char         *name, *value;
	size_t        cap = 0;
	int           rc;

	form_clear(out);
	if (lim == NULL)
		lim = &form_default_limits;
	if (n == 0)
		return FORM_OK;
	if (header == NULL)
		return FORM_BAD;

	p = header;
	end = header + n;
	for (; p < end; p = semi < end ? semi + 1 : end) {
		if ((semi = memchr(p, ';', (size_t)(end - p))) == NULL)
			semi = end;
		if ((eq = memchr(p, '=', (size_t)(semi - p))) == NULL)
			continue;
		ns = p;
		ne = eq;
		while (ns < ne && is_ows(*ns))
			ns++;
		while (ne > ns && is_ows(ne[-1]))
			ne--;
		vs = eq + 1;
		ve = semi;
		while (vs < ve && is_ows(*vs))
			vs++;
		while (ve > vs && is_ows(ve[-1]))
			ve--;
		if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"') {
			vs++;
			ve--;
		}
		/* a malformed or oversized pair is someone else's cookie: skip it, keep the rest */
		if (ne == ns || (size_t)(ne - ns) > lim->max_name || (size_t)(ve - vs) > lim->max_value ||
		    !cookie_name_ok(ns, (size_t)(ne - ns)) || !cookie_value_ok(vs, (size_t)(ve - vs)))
			continue;
		if ((rc = field_add(a, out, &cap, lim->max_fields, &fld)) != 0)
			goto fail;
		name = arena_strndup(a, ns, (size_t)(ne - ns));
		value = arena_strndup(a, vs, (size_t)(ve - vs));
		if (name == NULL || value == NULL) {
			rc = FORM_TOO_LARGE;
			goto fail;
		}
		fld->name = name;
		fld->value = value;
		fld->value_len = (size_t)(ve - vs);
	}
	if (out->count == 0)
		form_clear(out);
	return FORM_OK;

fail:
	form_clear(out);
	return rc;
}

/* ---- lookup ---- */

const form_field_t *
form_get_field(const form_t *f, const char *name)
{
	size_t i;

	if (f == NULL || name == NULL)
		return NULL;
	for (i = 0; i < f->count; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return &f->fields[i];
	return NULL;
}

const char *
form_get(const form_t *f, const char *name)
{
	const form_field_t *fld = form_get_field(f, name);

	return fld != NULL ? fld->value : NULL;
}
