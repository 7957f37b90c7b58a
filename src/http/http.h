/*
 * http.h - requests and responses as handlers see them, the router, and the server.
 *
 * A request owns an arena; every allocation a handler makes for the request comes from it and is
 * freed when the response has been sent. Handlers fill in the response (status, type, body, headers)
 * and return; the server adds the security headers, compresses, logs and sends.
 */
#ifndef TSUNAGU_HTTP_H
#define TSUNAGU_HTTP_H

#include "core/arena.h"
#include "core/buf.h"
#include "http/form.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_PARAMS   8
#define HTTP_MAX_HEADERS  16
#define HTTP_MAX_COOKIES  8
#define HTTP_MAX_PATH     2048
#define HTTP_MAX_QUERY    8192

typedef enum { M_GET = 1, M_HEAD = 2, M_POST = 4, M_OTHER = 8 } http_method_t;

#define HTTP_CSP_DEFAULT "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " \
	"connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

typedef struct http_header {
	const char *name;
	const char *value;
} http_header_t;

struct auth_ctx; /* defined by the auth layer; opaque here */

typedef struct req {
	arena_t          arena;
	void            *conn;       /* struct MHD_Connection */
	http_method_t    method;
	const char      *method_str;
	const char      *path;       /* decoded path, without the query */
	const char      *raw_uri;    /* as sent, for the access log */
	char             ip[64];     /* client address (from the socket or a trusted proxy) */
	form_t           query;
	form_t           cookies;
	form_t           form;       /* urlencoded or multipart body */
	buf_t            body;       /* raw body as received */
	int              body_status; /* 0, or 413 when the body was too large */
	bool             tls;
	bool             accepts_gzip;
	const char      *params[HTTP_MAX_PARAMS]; /* :name segments of the matched route, in order */
	int              nparams;
	int64_t          started_us;

	/* filled in by the auth layer */
	struct auth_ctx *auth;

	/* the response */
	unsigned         status;
	const char      *content_type;
	buf_t            out;
	http_header_t    headers[HTTP_MAX_HEADERS];
	int              nheaders;
	const char      *cookies_out[HTTP_MAX_COOKIES]; /* whole Set-Cookie values */
	int              ncookies_out;
	bool             no_store;   /* Cache-Control: no-store (My Pages, back office, forms) */
	const char      *csp;        /* Content-Security-Policy instead of the default (NULL: HTTP_CSP_DEFAULT) */
	const char      *cache_control;
	const unsigned char *static_body; /* set by the static file handler instead of out */
	size_t           static_len;
	const void      *copy_body;   /* a body the server copies (a cached page), with content_encoding as it is */
	size_t           copy_len;
	const char      *content_encoding;
	const char      *etag;
	/* A body produced piece by piece after the handler returned (a large CSV export): the server calls
	 * stream(stream_arg, buf, max) for up to max bytes each time until it returns 0 (the end) or -1 (an
	 * error: the connection is closed), then stream_free(stream_arg) once, whatever happened. The state
	 * must not live in the request arena (it may outlive the request's bookkeeping); calls come from the
	 * thread that serves the connection. Not compressed. */
	long           (*stream)(void *arg, char *buf, size_t max);
	void           (*stream_free)(void *arg);
	void            *stream_arg;
} req_t;

/* Header from the request (case-insensitive name), or NULL. */
const char *http_header(req_t *r, const char *name);
/* Adds a response header; name and value must live as long as the request (literals or arena). */
void        http_set_header(req_t *r, const char *name, const char *value);
/* Adds a Set-Cookie value. Name and value must be cookie-safe (checked: false otherwise). */
bool        http_set_cookie(req_t *r, const char *name, const char *value, int64_t max_age_s, bool http_only);
/* Deletes a cookie in the browser. */
void        http_clear_cookie(req_t *r, const char *name);
/* 303 See Other to a local path (must start with a single '/'; anything else redirects to '/'). */
void        http_redirect(req_t *r, const char *local_path);
/* Plain-text response (for errors the HTML layer could not render). */
void        http_text(req_t *r, unsigned status, const char *text);
const char *http_query(req_t *r, const char *name);
/* gzip of a whole buffer with the server's compressor (malloc'd into *out). */
bool        http_gzip(const char *in, size_t n, char **out, size_t *outlen);
const char *http_form(req_t *r, const char *name);
const char *http_cookie(req_t *r, const char *name);
/* Value of a :name route parameter by position. */
const char *http_param(req_t *r, int i);

/* --- router --- */

typedef void (*http_handler_t)(req_t *r);

typedef struct route {
	unsigned        methods;   /* M_GET | M_POST ... (M_GET also answers HEAD) */
	const char     *pattern;   /* "/", "/login", "/jobs/:id" */
	int             role;      /* meaning given by the app's authorize hook; 0 = anyone */
	http_handler_t  handler;
} route_t;

typedef struct router {
	const route_t  *routes;
	size_t          nroutes;
	/* Called before the handler when the route's role is not 0: returns true to go on; on false it has
	 * already filled in the response (login redirect, 403). */
	bool          (*authorize)(req_t *r, int role);
	/* Called for every request once the route is known (sessions, CSRF); routed is false when no route
	 * matched (the answer will be 404/405, so no state can change). False when it has answered. */
	bool          (*before)(req_t *r, bool routed);
	/* Renders an error page for status (404, 405, 403, 400, 413, 500). */
	void          (*error)(req_t *r, unsigned status, const char *message);
	/* Called first of all, as soon as the method, path and client address are known: before the body
	 * is read, before sessions and CSRF (the IP rules, G54). False when it has answered. May be NULL. */
	bool          (*admit)(req_t *r);
} router_t;

/* Matches r->path against the table; 0 when handled, else the status to show (404 or 405). */
void        router_dispatch(const router_t *rt, req_t *r);
/* Pattern matching alone (exposed for tests): true and params filled when path matches. */
bool        router_match(const char *pattern, const char *path, arena_t *a, const char **params, int *nparams);

/* --- server --- */

typedef struct server_opts {
	const char     *listen;       /* host:port, port 0 = any free port */
	int             threads;
	int             max_connections;
	int             max_connections_per_ip;
	int             connection_timeout_s;
	size_t          max_body;
	size_t          max_header_bytes;
	const char     *tls_cert_pem; /* contents, not paths; NULL for plain HTTP */
	const char     *tls_key_pem;
	const char     *trusted_proxies; /* CIDR list (ipacl.h) of proxies whose X-Forwarded-For is believed */
	const router_t *router;
} server_opts_t;

/* Starts listening; prints "listening on http://HOST:PORT" on stdout; false on failure. */
bool        server_start(const server_opts_t *o);
/* Blocks until SIGTERM or SIGINT, then stops taking connections, lets requests in flight finish
 * (up to grace_s seconds) and stops. Signals must have been blocked with server_block_signals first. */
void        server_wait(int grace_s);
void        server_block_signals(void);
int         server_port(void);

#endif
