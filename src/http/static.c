/*
 * static.c - static files. The directory is walked once at start; requests are answered from an
 * in-memory table looked up by the exact URL path, so nothing a client sends ever reaches open().
 */
#include "http/static.h"
#include "core/buf.h"
#include "core/file.h"
#include "core/log.h"
#include "core/str.h"

#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

struct sfile {
	char          *url;
	unsigned char *data;
	size_t         len;
	unsigned char *gz;
	size_t         gzlen;
	const char    *type;
	char           etag[24];
};

static struct sfile *files;
static size_t nfiles, total_bytes;
static char version[17];

static const struct { const char *ext; const char *type; } types[] = {
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".jpeg", "image/jpeg" },
	{ ".webp", "image/webp" },
	{ ".ico", "image/x-icon" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".pdf", "application/pdf" },
	{ ".woff2", "font/woff2" },
	{ ".json", "application/json" },
};

static const char *
type_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot == NULL)
		return NULL;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

/* gzip at start for text types that have no precompressed .gz beside them */
static unsigned char *
gzip_mem(const unsigned char *in, size_t n, size_t *outlen)
{
	z_stream z;
	uLong bound;
	unsigned char *p;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	bound = deflateBound(&z, (uLong)n);
	p = malloc(bound);
	if (p == NULL) {
		deflateEnd(&z);
		return NULL;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = p;
	z.avail_out = (uInt)bound;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END || z.total_out >= n) {
		deflateEnd(&z);
		free(p);
		return NULL; /* not worth it */
	}
	*outlen = z.total_out;
	deflateEnd(&z);
	return p;
}

static struct sfile *
find(const char *url)
{
	size_t i;

	for (i = 0; i < nfiles; i++)
		if (strcmp(files[i].url, url) == 0)
			return &files[i];
	return NULL;
}

static bool
walk(int dirfd, const char *prefix, int depth)
{
	DIR *d;
	struct dirent *e;
	bool ok = true;

	if (depth > 8)
		return true;
	d = fdopendir(dirfd);
	if (d == NULL) {
		close(dirfd);
		return false;
	}
	while (ok && (e = readdir(d)) != NULL) {
		char url[1024];
		struct stat st;
		int n;

		if (e->d_name[0] == '.')
			continue;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		n = snprintf(url, sizeof(url), "%s/%s", prefix, e->d_name);
		if (n < 0 || (size_t)n >= sizeof(url))
			continue;
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				ok = walk(sub, url, depth + 1);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		size_t nl = strlen(e->d_name);
		if (nl > 3 && strcmp(e->d_name + nl - 3, ".gz") == 0)
			continue; /* picked up beside its original below */
		const char *type = type_of(e->d_name);
		if (type == NULL || nfiles >= STATIC_MAX_FILES)
			continue;
		struct sfile f = { 0 };
		f.data = (unsigned char *)file_read_at(dirfd, e->d_name, STATIC_MAX_FILE, &f.len, NULL);
		if (f.data == NULL || total_bytes + f.len > STATIC_MAX_TOTAL) {
			free(f.data);
			continue;
		}
		char gzname[512];
		n = snprintf(gzname, sizeof(gzname), "%s.gz", e->d_name);
		if (n > 0 && (size_t)n < sizeof(gzname))
			f.gz = (unsigned char *)file_read_at(dirfd, gzname, STATIC_MAX_FILE, &f.gzlen, NULL);
		if (f.gz == NULL && (strncmp(type, "text/", 5) == 0 || strncmp(type, "image/svg", 9) == 0 ||
		    strncmp(type, "application/json", 16) == 0))
			f.gz = gzip_mem(f.data, f.len, &f.gzlen);
		f.url = strdup(url);
		f.type = type;
		unsigned char h[8];
		crypto_generichash(h, sizeof(h), f.data, f.len, NULL, 0);
		f.etag[0] = '"';
		str_hex(f.etag + 1, h, sizeof(h));
		f.etag[17] = '"';
		f.etag[18] = '\0';
		struct sfile *nf = realloc(files, (nfiles + 1) * sizeof(*files));
		if (nf == NULL || f.url == NULL) {
			free(f.data);
			free(f.gz);
			free(f.url);
			ok = false;
			break;
		}
		files = nf;
		files[nfiles++] = f;
		total_bytes += f.len + f.gzlen;
	}
	closedir(d);
	return ok;
}

bool
static_load(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	crypto_generichash_state st;
	unsigned char h[8];
	size_t i;

	if (fd < 0) {
		log_error("static: cannot open %s", dir);
		return false;
	}
	if (!walk(fd, "/static", 0))
		return false;
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	for (i = 0; i < nfiles; i++)
		crypto_generichash_update(&st, (const unsigned char *)files[i].etag, strlen(files[i].etag));
	crypto_generichash_final(&st, h, sizeof(h));
	str_hex(version, h, sizeof(h));
	return true;
}

void
static_free(void)
{
	size_t i;

	for (i = 0; i < nfiles; i++) {
		free(files[i].url);
		free(files[i].data);
		free(files[i].gz);
	}
	free(files);
	files = NULL;
	nfiles = total_bytes = 0;
}

const char *
static_version(void)
{
	return version;
}

bool
static_has(const char *url)
{
	return url != NULL && find(url) != NULL;
}

void
static_serve(req_t *r)
{
	struct sfile *f = find(r->path);
	const char *inm;

	if (f == NULL) {
		r->status = 404;
		r->content_type = "text/plain; charset=utf-8";
		buf_puts(&r->out, "404 ページが見つかりません。\n");
		return;
	}
	r->etag = f->etag;
	r->content_type = f->type;
	/* versioned URLs (?v=...) never change; others are revalidated daily */
	r->cache_control = http_query(r, "v") != NULL ? "public, max-age=31536000, immutable" : "public, max-age=86400";
	inm = http_header(r, "If-None-Match");
	if (inm != NULL && strcmp(inm, f->etag) == 0) {
		r->status = 304;
		r->static_body = (const unsigned char *)"";
		r->static_len = 0;
		return;
	}
	r->status = 200;
	if (f->gz != NULL && r->accepts_gzip) {
		r->static_body = f->gz;
		r->static_len = f->gzlen;
		r->content_encoding = "gzip";
	} else {
		r->static_body = f->data;
		r->static_len = f->len;
	}
}
