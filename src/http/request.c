/* request.c - request accessors and response helpers shared by every handler. */
#include "http/http.h"
#include "core/str.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

const char *
http_header(req_t *r, const char *name)
{
	if (r->conn == NULL)
		return NULL;
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

void
http_set_header(req_t *r, const char *name, const char *value)
{
	if (r->nheaders >= HTTP_MAX_HEADERS)
		return;
	/* CR/LF must never reach a header line */
	if (strpbrk(value, "\r\n") != NULL || strpbrk(name, "\r\n: ") != NULL)
		return;
	r->headers[r->nheaders].name = name;
	r->headers[r->nheaders].value = value;
	r->nheaders++;
}

static bool
cookie_token_ok(const char *s, bool is_name)
{
	if (*s == '\0' && is_name)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c <= 0x20 || c >= 0x7f || c == ';' || c == ',' || c == '"' || c == '\\')
			return false;
		if (is_name && (c == '=' || c == '(' || c == ')' || c == '<' || c == '>' || c == '@' ||
		    c == ':' || c == '/' || c == '[' || c == ']' || c == '?' || c == '{' || c == '}'))
			return false;
	}
	return true;
}

bool
http_set_cookie(req_t *r, const char *name, const char *value, int64_t max_age_s, bool http_only)
{
	char *c;

	if (r->ncookies_out >= HTTP_MAX_COOKIES || !cookie_token_ok(name, true) || !cookie_token_ok(value, false))
		return false;
	if (max_age_s >= 0)
		c = arena_printf(&r->arena, "%s=%s; Path=/; Max-Age=%lld; SameSite=Lax%s%s", name, value,
		    (long long)max_age_s, http_only ? "; HttpOnly" : "", r->tls ? "; Secure" : "");
	else
		c = arena_printf(&r->arena, "%s=%s; Path=/; SameSite=Lax%s%s", name, value,
		    http_only ? "; HttpOnly" : "", r->tls ? "; Secure" : "");
	if (c == NULL)
		return false;
	r->cookies_out[r->ncookies_out++] = c;
	return true;
}

void
http_clear_cookie(req_t *r, const char *name)
{
	http_set_cookie(r, name, "", 0, true);
}

void
http_redirect(req_t *r, const char *local_path)
{
	/* only local paths: "/x" but not "//host" or "/\host" */
	if (local_path == NULL || local_path[0] != '/' || local_path[1] == '/' || local_path[1] == '\\' ||
	    strpbrk(local_path, "\r\n") != NULL)
		local_path = "/";
	r->status = 303;
	http_set_header(r, "Location", arena_strdup(&r->arena, local_path));
	r->content_type = "text/plain; charset=utf-8";
	buf_clear(&r->out);
}

void
http_text(req_t *r, unsigned status, const char *text)
{
	r->status = status;
	r->content_type = "text/plain; charset=utf-8";
	buf_clear(&r->out);
	buf_puts(&r->out, text);
}

const char *
http_query(req_t *r, const char *name)
{
	return form_get(&r->query, name);
}

const char *
http_form(req_t *r, const char *name)
{
	return form_get(&r->form, name);
}

const char *
http_cookie(req_t *r, const char *name)
{
	return form_get(&r->cookies, name);
}

const char *
http_param(req_t *r, int i)
{
	return i >= 0 && i < r->nparams ? r->params[i] : NULL;
}
