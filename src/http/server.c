/*
 * server.c - libmicrohttpd wiring: thread pool on epoll, limits, one arena per request, bodies read up
 * to a limit, then routing; the response gets the security headers, gzip when the client takes it,
 * and one access-log line.
 *
 * A request begins in uri_begin (MHD's URI log callback, the earliest hook), which allocates the
 * req_t that MHD then hands to every later callback; request_done frees it.
 */
#include "http/http.h"
#include "http/ipacl.h"
#include "core/log.h"
#include "core/str.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <libdeflate.h>

#define REQ_ARENA_BLOCK  16384
#define REQ_ARENA_LIMIT  ((size_t)64 * 1024 * 1024)
#define GZIP_MIN_BYTES   512
#define GZIP_LEVEL       4
#define HTTP_XFF_MAX     2048  /* X-Forwarded-For bytes read (all header lines together) */

static struct MHD_Daemon *daemon_;
static const server_opts_t *opts;
static atomic_int inflight;
static int bound_port;

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void *
uri_begin(void *cls, const char *uri, struct MHD_Connection *con)
{
	req_t *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	arena_init(&r->arena, REQ_ARENA_BLOCK, REQ_ARENA_LIMIT);
	r->conn = con;
	r->started_us = now_us();
	r->raw_uri = arena_strndup(&r->arena, uri, strnlen(uri, HTTP_MAX_PATH + HTTP_MAX_QUERY + 1));
	atomic_fetch_add(&inflight, 1);
	return r;
}

static void
request_done(void *cls, struct MHD_Connection *con, void **req_cls, enum MHD_RequestTerminationCode toe)
{
	req_t *r = *req_cls;

	if (r == NULL)
		return;
	if (r->stream != NULL)  /* a stream that never became a response */
		r->stream_free(r->stream_arg);
	buf_free(&r->body);
	buf_free(&r->out);
	arena_free(&r->arena);
	free(r);
	*req_cls = NULL;
	atomic_fetch_sub(&inflight, 1);
}

/* [server] trusted_proxies as a CIDR list (ipacl.h), parsed once by server_start */
static ipacl_list_t trusted;

static bool
proxy_trusted(const uint8_t a[16])
{
	return trusted.n > 0 && ipacl_match(&trusted, a);
}

/* An address as it is logged and matched: IPv4 (also an IPv4-mapped IPv6 peer) dotted, else RFC 5952. */
static void
addr_text(const uint8_t a[16], char *out, size_t n)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (memcmp(a, mapped, 12) == 0)
		inet_ntop(AF_INET, a + 12, out, (socklen_t)n);
	else
		inet_ntop(AF_INET6, a, out, (socklen_t)n);
}

struct xff {
	char   buf[HTTP_XFF_MAX];
	size_t len;
	bool   over;
};

/* Every X-Forwarded-For header, in order, joined with commas (a proxy may add its own header line). */
static enum MHD_Result
xff_collect(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct xff *x = cls;
	size_t n;

	if (key == NULL || value == NULL || strcasecmp(key, "X-Forwarded-For") != 0)
		return MHD_YES;
	n = strlen(value);
	if (x->len + n + 2 > sizeof(x->buf)) {
		x->over = true;
		return MHD_NO;
	}
	if (x->len > 0)
		x->buf[x->len++] = ',';
	memcpy(x->buf + x->len, value, n);
	x->len += n;
	x->buf[x->len] = '\0';
	return MHD_YES;
}

/*
 * The client address: the socket peer, unless the peer is a trusted proxy; then X-Forwarded-For is read
 * from the right (each proxy appends the address it saw) and the first address that is not itself a
 * trusted proxy is the client. An entry that is not an address stops the walk: what lies left of it
 * was written by someone no trusted proxy vouches for.
 */
static void
client_ip(req_t *r)
{
	const union MHD_ConnectionInfo *ci;
	uint8_t peer[16], a[16];
	struct xff *x;
	size_t end;

	str_copy(r->ip, sizeof(r->ip), "-");
	ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	if (ci->client_addr->sa_family == AF_INET) {
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		memcpy(peer, mapped, 12);
		memcpy(peer + 12, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr, 4);
	} else if (ci->client_addr->sa_family == AF_INET6) {
		memcpy(peer, &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr, 16);
	} else {
		return;
	}
	addr_text(peer, r->ip, sizeof(r->ip));
	if (!proxy_trusted(peer))
		return;
	x = arena_zalloc(&r->arena, sizeof(*x));
	if (x == NULL)
		return;
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, xff_collect, x);
	if (x->over || x->len == 0)
		return;  /* no header, or one longer than any honest chain: the proxy itself is the client */
	end = x->len;
	while (end > 0) {
		size_t start = end, b, e;
		while (start > 0 && x->buf[start - 1] != ',')
			start--;
		for (b = start; b < end && (x->buf[b] == ' ' || x->buf[b] == '\t'); b++)
			;
		for (e = end; e > b && (x->buf[e - 1] == ' ' || x->buf[e - 1] == '\t'); e--)
			;
		if (!ipacl_addr_parse(x->buf + b, e - b, a, NULL))
			break;
		addr_text(a, r->ip, sizeof(r->ip));
		if (!proxy_trusted(a))
			break;
		end = start > 0 ? start - 1 : 0;
	}
}

/* True when Accept-Encoding lists gzip (or *) without q=0. */
static bool
accepts_gzip(req_t *r)
{
	const char *p = http_header(r, "Accept-Encoding");

	while (p != NULL && *p != '\0') {
		size_t len, name;
		const char *q;
		p += strspn(p, " ,");
		len = strcspn(p, ",");
		name = strcspn(p, " ;,");
		if ((name == 4 && strncasecmp(p, "gzip", 4) == 0) || (name == 1 && *p == '*')) {
			q = memmem(p, len, "q=", 2);
			/* q=0, q=0.0, q=0.000 refuse; any other weight accepts */
			if (q == NULL || strspn(q + 2, "0.") < strcspn(q + 2, " ,;"))
				return true;
			return false;
		}
		p += len;
	}
	return false;
}

static void
begin(req_t *r, const char *url, const char *method)
{
	const char *q;
	int rc;

	r->method_str = method;
	if (strcmp(method, "GET") == 0)
		r->method = M_GET;
	else if (strcmp(method, "HEAD") == 0)
		r->method = M_HEAD;
	else if (strcmp(method, "POST") == 0)
		r->method = M_POST;
	else
		r->method = M_OTHER;
	r->path = arena_strndup(&r->arena, url, strnlen(url, HTTP_MAX_PATH));
	r->tls = opts->tls_cert_pem != NULL;
	r->accepts_gzip = accepts_gzip(r);
	client_ip(r);

	q = r->raw_uri ? strchr(r->raw_uri, '?') : NULL;
	/* a NUL in the path would cut it short when decoded: refuse it outright */
	if (r->raw_uri != NULL) {
		size_t plen = q ? (size_t)(q - r->raw_uri) : strlen(r->raw_uri);
		if (memmem(r->raw_uri, plen, "%00", 3) != NULL)
			r->body_status = 400;
	}
	if (q != NULL && r->body_status == 0) {
		size_t n = strlen(q + 1);
		if (n > HTTP_MAX_QUERY)
			r->body_status = 414;
		else if ((rc = form_parse_urlencoded(&r->arena, q + 1, n, &form_default_limits, &r->query)) != 0)
			r->body_status = rc;
	}
	q = http_header(r, "Cookie");
	if (q != NULL)
		form_parse_cookies(&r->arena, q, strlen(q), &form_default_limits, &r->cookies);

	q = http_header(r, "Content-Length");
	if (q != NULL) {
		int64_t len;
		if (!str_to_i64(q, 0, INT64_MAX, &len))
			r->body_status = 400;
		else if ((uint64_t)len > opts->max_body)
			r->body_status = 413;
	}
}

static void
parse_body(req_t *r)
{
	const char *ct = http_header(r, "Content-Type");
	int rc = 0;

	if (r->body.len == 0 || ct == NULL)
		return;
	if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
		rc = form_parse_urlencoded(&r->arena, r->body.data, r->body.len, &form_default_limits, &r->form);
	else if (strncasecmp(ct, "multipart/form-data", 19) == 0)
		rc = form_parse_multipart(&r->arena, ct, r->body.data, r->body.len, &form_default_limits, &r->form);
	if (rc != 0)
		r->body_status = rc;
}

/* One libdeflate compressor per worker thread (whole-buffer gzip, several times faster than zlib's
 * streaming deflate on page-sized input). Freed when the thread ends. */
static pthread_key_t gz_key;
static pthread_once_t gz_once = PTHREAD_ONCE_INIT;

static void
gz_free(void *p)
{
	libdeflate_free_compressor(p);
}

static void
gz_key_make(void)
{
	pthread_key_create(&gz_key, gz_free);
}

bool
http_gzip(const char *in, size_t n, char **out, size_t *outlen)
{
	struct libdeflate_compressor *c;
	size_t bound, got;
	char *p;

	pthread_once(&gz_once, gz_key_make);
	c = pthread_getspecific(gz_key);
	if (c == NULL) {
		c = libdeflate_alloc_compressor(GZIP_LEVEL);
		if (c == NULL)
			return false;
		pthread_setspecific(gz_key, c);
	}
	bound = libdeflate_gzip_compress_bound(c, n);
	p = malloc(bound);
	if (p == NULL)
		return false;
	got = libdeflate_gzip_compress(c, in, n, p, bound);
	if (got == 0) {
		free(p);
		return false;
	}
	*outlen = got;
	*out = p;
	return true;
}

static bool
compressible(const char *ct)
{
	return ct != NULL && (strncmp(ct, "text/", 5) == 0 || strncmp(ct, "application/json", 16) == 0 ||
	    strncmp(ct, "application/xml", 15) == 0 || strncmp(ct, "image/svg", 9) == 0);
}

/* A streamed body (req_t.stream): the handler's producer and its state, owned by the response. */
struct stream {
	long (*fn)(void *arg, char *buf, size_t max);
	void (*free)(void *arg);
	void  *arg;
};

static ssize_t
stream_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *st = cls;
	long n = st->fn(st->arg, buf, max);

	(void)pos;
	if (n == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n < 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	return (ssize_t)n;
}

static void
stream_done(void *cls)
{
	struct stream *st = cls;

	st->free(st->arg);
	free(st);
}

static enum MHD_Result
respond(req_t *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t   len;
	int      i;
	const char *enc = r->content_encoding;

	if (r->status == 0)
		r->status = 200;
	if (r->stream != NULL) {
		struct stream *st = malloc(sizeof(*st));
		if (st == NULL) {
			r->stream_free(r->stream_arg);
			r->stream = NULL;
			return MHD_NO;
		}
		st->fn = r->stream;
		st->free = r->stream_free;
		st->arg = r->stream_arg;
		r->stream = NULL;  /* the response owns the state from here (stream_done frees it) */
		len = 0;           /* not known: the access log shows 0 for a streamed body */
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_reader, st, stream_done);
		if (resp == NULL) {
			stream_done(st);
			return MHD_NO;
		}
	} else if (r->static_body != NULL) {
		len = r->static_len;
		resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)r->static_body, MHD_RESPMEM_PERSISTENT);
	} else if (r->copy_body != NULL) {
		len = r->copy_len;
		resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)r->copy_body, MHD_RESPMEM_MUST_COPY);
	} else {
		char *body, *gz;
		size_t gzlen;
		if (r->out.oom) {
			buf_clear(&r->out);
			r->out.oom = false;
			r->status = 500;
			r->content_type = "text/plain; charset=utf-8";
			buf_puts(&r->out, "500 サーバーエラーが発生しました。\n");
		}
		if (r->accepts_gzip && r->out.len >= GZIP_MIN_BYTES && compressible(r->content_type) &&
		    http_gzip(r->out.data, r->out.len, &gz, &gzlen)) {
			body = gz;
			len = gzlen;
			enc = "gzip";
		} else {
			body = buf_steal(&r->out, &len);
		}
		resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	}
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", r->content_type ? r->content_type : "text/html; charset=utf-8");
	if (enc != NULL)
		MHD_add_response_header(resp, "Content-Encoding", enc);
	MHD_add_response_header(resp, "Vary", "Accept-Encoding, Cookie");
	/* security headers on every response (SECURITY.md) */
	MHD_add_response_header(resp, "Content-Security-Policy", r->csp != NULL ? r->csp : HTTP_CSP_DEFAULT);
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "strict-origin-when-cross-origin");
	MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	if (r->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=63072000; includeSubDomains");
	if (r->no_store)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	else if (r->cache_control != NULL)
		MHD_add_response_header(resp, "Cache-Control", r->cache_control);
	else
		MHD_add_response_header(resp, "Cache-Control", "no-cache");
	if (r->etag != NULL)
		MHD_add_response_header(resp, "ETag", r->etag);
	for (i = 0; i < r->nheaders; i++)
		MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
	for (i = 0; i < r->ncookies_out; i++)
		MHD_add_response_header(resp, "Set-Cookie", r->cookies_out[i]);
	ret = MHD_queue_response(r->conn, r->status, resp);
	MHD_destroy_response(resp);
	log_access(r->ip, r->method_str ? r->method_str : "-", r->path ? r->path : "-", r->status,
	    (uint64_t)len, (uint64_t)(now_us() - r->started_us));
	return ret;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *con, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls)
{
	req_t *r = *req_cls;

	if (r == NULL)
		return MHD_NO; /* out of memory at the start */
	if (r->method_str == NULL) {
		begin(r, url, method);
		/* the IP rules come before everything else, even the answer to a body that is too large */
		if (opts->router->admit != NULL && !opts->router->admit(r)) {
			r->body_status = (int)r->status;
			return respond(r);
		}
		if (r->body_status != 0) {
			/* refuse before reading a body that is too large */
			opts->router->error(r, (unsigned)r->body_status, NULL);
			return respond(r);
		}
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		if (r->body_status == 0) {
			if (r->body.len + *upload_data_size > opts->max_body) {
				r->body_status = 413;
				buf_free(&r->body);
			} else if (!buf_append(&r->body, upload_data, *upload_data_size)) {
				r->body_status = 413;
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->body_status == 0)
		parse_body(r);
	if (r->body_status != 0)
		opts->router->error(r, (unsigned)r->body_status, NULL);
	else
		router_dispatch(opts->router, r);
	return respond(r);
}

static bool
parse_listen(const char *listen, struct sockaddr_in *sa)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	int64_t port;

	if (colon == NULL || (size_t)(colon - listen) >= sizeof(host))
		return false;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	if (!str_to_i64(colon + 1, 0, 65535, &port))
		return false;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (strcmp(host, "localhost") == 0)
		str_copy(host, sizeof(host), "127.0.0.1");
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_error("http: %s", msg);
}

void
server_block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

bool
server_start(const server_opts_t *o)
{
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *di;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;

	opts = o;
	if (o->trusted_proxies != NULL) {
		ipacl_errors_t errs;
		if (!ipacl_parse(o->trusted_proxies, strlen(o->trusted_proxies), &trusted, &errs)) {
			log_error("server: [server] trusted_proxies: %s", errs.n > 0 ? errs.e[0].msg : "not a list of addresses");
			return false;
		}
	}
	if (!parse_listen(o->listen, &sa)) {
		log_error("server: bad listen address %s (expected IPv4:port)", o->listen);
		return false;
	}
	if (o->tls_cert_pem != NULL) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			log_error("server: this libmicrohttpd has no TLS support");
			return false;
		}
		flags |= MHD_USE_TLS;
	}
	daemon_ = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)o->max_connections_per_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->connection_timeout_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, o->max_header_bytes,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_begin, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
	    o->tls_cert_pem ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, o->tls_cert_pem,
	    MHD_OPTION_HTTPS_MEM_KEY, o->tls_key_pem,
	    MHD_OPTION_END);
	if (daemon_ == NULL) {
		log_error("server: cannot listen on %s: %s", o->listen, strerror(errno));
		return false;
	}
	di = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
	bound_port = di ? di->port : ntohs(sa.sin_port);
	{
		char host[64];
		inet_ntop(AF_INET, &sa.sin_addr, host, sizeof(host));
		printf("listening on %s://%s:%d\n", o->tls_cert_pem ? "https" : "http", host, bound_port);
		fflush(stdout);
	}
	return true;
}

int
server_port(void)
{
	return bound_port;
}

void
server_wait(int grace_s)
{
	sigset_t set;
	int sig = 0, waited_ms = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigwait(&set, &sig);
	log_info("server: signal %d, finishing requests in flight", sig);
	MHD_quiesce_daemon(daemon_);
	while (atomic_load(&inflight) > 0 && waited_ms < grace_s * 1000) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		waited_ms += 20;
	}
	MHD_stop_daemon(daemon_);
	daemon_ = NULL;
	log_info("server: stopped");
}
