/*
 * seo.c - what search engines read (issue 4 item 5; G87, B02): absolute URLs from the configured
 * base_url, robots.txt, and sitemaps of every page the public can open. Sitemaps are split into files of
 * at most SITEMAP_CHUNK URLs (the protocol allows 50,000) listed by /sitemap.xml.
 */
#include "app/web.h"
#include "content/entity.h"
#include "core/config.h"
#include "core/jtime.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define SITEMAP_CHUNK 40000

static const struct {
	const char *type, *base;
} sitemap_types[] = {
	{ "job", "/jobs" },
	{ "company", "/companies" },
	{ "internship", "/internships" },
	{ "news", "/news" },
	{ "event", "/events" },
	{ "project", "/projects" },
	{ "tips", "/tips" },
	{ "column", "/columns" },
};

const char *
web_abs(req_t *r, const char *path)
{
	size_t n = strlen(config.base_url);

	if (n > 0)
		return arena_printf(&r->arena, "%.*s%s", (int)(config.base_url[n - 1] == '/' ? n - 1 : n), config.base_url, path);
	/* no base_url configured (development): this server's own address, never the Host header */
	return arena_printf(&r->arena, "%s://127.0.0.1:%d%s", config_tls(&config) ? "https" : "http", server_port(), path);
}

void
page_robots(req_t *r)
{
	buf_clear(&r->out);
	buf_printf(&r->out, "User-agent: *\nAllow: /\nDisallow: /login\nDisallow: /mypage\nDisallow: /logout\n\nSitemap: %s\n",
	    web_abs(r, "/sitemap.xml"));
	r->status = 200;
	r->content_type = "text/plain; charset=utf-8";
}

static void
xml_begin(req_t *r, const char *root)
{
	buf_clear(&r->out);
	buf_printf(&r->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<%s xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n", root);
}

static void
xml_loc(req_t *r, const char *tag, const char *url, int64_t lastmod)
{
	char day[16];
	time_t t = (time_t)(lastmod + 9 * 3600);  /* the JST date */
	struct tm tm;

	buf_printf(&r->out, "<%s><loc>", tag);
	buf_append_html(&r->out, url, strlen(url));
	buf_puts(&r->out, "</loc>");
	if (lastmod > 0 && gmtime_r(&t, &tm) != NULL && strftime(day, sizeof(day), "%Y-%m-%d", &tm) > 0)
		buf_printf(&r->out, "<lastmod>%s</lastmod>", day);
	buf_printf(&r->out, "</%s>\n", tag);
}

static void
xml_end(req_t *r, const char *root)
{
	buf_printf(&r->out, "</%s>\n", root);
	if (r->out.oom) {
		web_error(r, 500, NULL);
		return;
	}
	r->status = 200;
	r->content_type = "application/xml; charset=utf-8";
}

static int64_t
visible_count(db_t *db, const char *type, int64_t now)
{
	db_stmt_t *st = db_prepare(db, "SELECT COUNT(*) FROM entities WHERE type = ? AND " ENTITY_PUBLIC_SQL);
	int64_t n = -1;

	if (st == NULL)
		return -1;
	db_bind_str(st, 1, type);
	db_bind_i64(st, 2, now);
	db_bind_i64(st, 3, now);
	if (db_step(st) == DB_ROW)
		n = db_col_i64(st, 0);
	db_done(st);
	return n;
}

/* /sitemap.xml: the index of the sitemap files */
void
page_sitemap_index(req_t *r)
{
	db_t *db = db_thread();
	int64_t now = jtime_now(), n, k;
	size_t i;

	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	xml_begin(r, "sitemapindex");
	xml_loc(r, "sitemap", web_abs(r, "/sitemaps/pages.xml"), 0);
	for (i = 0; i < sizeof(sitemap_types) / sizeof(sitemap_types[0]); i++) {
		n = visible_count(db, sitemap_types[i].type, now);
		if (n < 0) {
			web_error(r, 500, NULL);
			return;
		}
		for (k = 0; k * SITEMAP_CHUNK < n; k++)
			xml_loc(r, "sitemap", web_abs(r, arena_printf(&r->arena, "/sitemaps/%s-%lld.xml", sitemap_types[i].type,
			    (long long)k + 1)), 0);
	}
	xml_end(r, "sitemapindex");
}

/* /sitemaps/pages.xml and /sitemaps/<type>-<n>.xml */
void
page_sitemap(req_t *r)
{
	const char *name = http_param(r, 0);
	db_t *db = db_thread();
	db_stmt_t *st;
	char type[32];
	long long part;
	int used = 0, rc;
	size_t i;
	int64_t now = jtime_now();

	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (strcmp(name, "pages.xml") == 0) {
		static const char *const pages[] = { "/", "/jobs", "/internships", "/companies", "/news", "/events", "/projects",
			"/tips", "/columns" };
		xml_begin(r, "urlset");
		for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
			xml_loc(r, "url", web_abs(r, pages[i]), 0);
		/* fixed pages by their URL name */
		st = db_prepare(db, "SELECT json_extract(fields, '$.slug'), updated_at FROM entities WHERE type = 'page' "
		    "AND " ENTITY_PUBLIC_SQL " "
		    "ORDER BY id");
		if (st != NULL) {
			db_bind_i64(st, 1, now);
			db_bind_i64(st, 2, now);
			while (db_step(st) == DB_ROW) {
				buf_t path = BUF_INIT;
				if (db_col_len(st, 0) == 0)
					continue;
				buf_puts(&path, "/pages/");
				buf_append_urlenc(&path, db_col_text(st, 0), db_col_len(st, 0));
				if (!path.oom)
					xml_loc(r, "url", web_abs(r, path.data), db_col_i64(st, 1));
				buf_free(&path);
			}
			db_done(st);
		}
		xml_end(r, "urlset");
		return;
	}
	if (sscanf(name, "%31[a-z]-%lld.xml%n", type, &part, &used) != 2 || used != (int)strlen(name) || part < 1 ||
	    part > 1000000)
		goto not_found;
	for (i = 0; i < sizeof(sitemap_types) / sizeof(sitemap_types[0]); i++)
		if (strcmp(sitemap_types[i].type, type) == 0)
			break;
	if (i == sizeof(sitemap_types) / sizeof(sitemap_types[0]))
		goto not_found;
	st = db_prepare(db, "SELECT id, updated_at FROM entities WHERE type = ? AND " ENTITY_PUBLIC_SQL " "
	    "ORDER BY id LIMIT ? OFFSET ?");
	if (st == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	db_bind_str(st, 1, type);
	db_bind_i64(st, 2, now);
	db_bind_i64(st, 3, now);
	db_bind_i64(st, 4, SITEMAP_CHUNK);
	db_bind_i64(st, 5, (part - 1) * SITEMAP_CHUNK);
	xml_begin(r, "urlset");
	used = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		xml_loc(r, "url", web_abs(r, arena_printf(&r->arena, "%s/%lld", sitemap_types[i].base,
		    (long long)db_col_i64(st, 0))), db_col_i64(st, 1));
		used++;
	}
	db_done(st);
	if (rc != DB_DONE) {
		web_error(r, 500, NULL);
		return;
	}
	if (used == 0 && part > 1)
		goto not_found;
	xml_end(r, "urlset");
	return;
not_found:
	web_error(r, 404, NULL);
}
