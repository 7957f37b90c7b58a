/* config.c - INI (libinih) + environment settings with range checks. */
#include "core/config.h"
#include "core/str.h"

#include <ctype.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

config_t config;

enum ktype { K_STR, K_INT, K_BOOL };

struct key {
	const char *section;
	const char *name;
	enum ktype  type;
	size_t      off;
	size_t      size;  /* K_STR: buffer size */
	int64_t     min, max;
	bool        wide;  /* K_INT stored as int64_t */
	/* K_STR: a value that fails this is refused with the message (an empty value is always allowed) */
	bool      (*check)(const char *value);
	const char *expect;
};

static bool check_email(const char *v);
static bool check_smtp_url(const char *v);
static bool check_line(const char *v);
static bool check_roles(const char *v);

#define S(sec, nm, field) { sec, nm, K_STR, offsetof(config_t, field), sizeof(((config_t *)0)->field), 0, 0, false, \
	NULL, NULL }
#define V(sec, nm, field, fn, what) { sec, nm, K_STR, offsetof(config_t, field), sizeof(((config_t *)0)->field), \
	0, 0, false, fn, what }
#define I(sec, nm, field, lo, hi) { sec, nm, K_INT, offsetof(config_t, field), 0, lo, hi, false, NULL, NULL }
#define L(sec, nm, field, lo, hi) { sec, nm, K_INT, offsetof(config_t, field), 0, lo, hi, true, NULL, NULL }
#define B(sec, nm, field) { sec, nm, K_BOOL, offsetof(config_t, field), 0, 0, 1, false, NULL, NULL }

static const struct key keys[] = {
	S("server", "listen", listen),
	S("server", "data", data_dir),
	S("server", "site", site),
	S("server", "root", root),
	S("server", "base_url", base_url),
	S("server", "trusted_proxies", trusted_proxies),
	I("server", "threads", threads, 1, 256),
	I("server", "max_connections", max_connections, 8, 100000),
	I("server", "max_connections_per_ip", max_connections_per_ip, 1, 10000),
	I("server", "connection_timeout", connection_timeout_s, 1, 600),
	L("server", "max_body", max_body, 1024, (int64_t)256 * 1024 * 1024),
	I("server", "max_header_kb", max_header_kb, 8, 1024),
	B("server", "dev", dev),
	B("server", "access_log_stderr", access_log_stderr),
	S("tls", "cert", tls_cert),
	S("tls", "key", tls_key),
	I("session", "idle_minutes", session_idle_min, 1, 24 * 60),
	I("session", "absolute_hours", session_absolute_h, 1, 24 * 30),
	I("login", "max_failures", login_max_failures, 1, 100),
	I("login", "lockout_minutes", login_lockout_min, 1, 24 * 60),
	V("login", "require_2fa_roles", login_require_2fa_roles, check_roles, "staff roles separated by commas (view, edit, admin)"),
	V("mail", "smtp_url", mail_smtp_url, check_smtp_url, "an smtp:// or smtps:// URL"),
	V("mail", "smtp_user", mail_smtp_user, check_line, "one line of printable text"),
	V("mail", "smtp_password", mail_smtp_password, check_line, "one line of printable text"),
	V("mail", "from", mail_from, check_email, "a plain address such as info@example.jp"),
	V("mail", "from_name", mail_from_name, check_line, "one line of printable text"),
	B("mail", "require_tls", mail_require_tls),
	I("mail", "max_attempts", mail_max_attempts, 1, 100),
	I("antispam", "pow_difficulty", antispam_difficulty, 1, 28),  /* 28: ANTISPAM_DIFFICULTY_MAX */
	I("antispam", "pow_ttl_s", antispam_ttl_s, 60, 24 * 3600),
	I("antispam", "rate_max", antispam_rate_max, 1, 10000),
	I("antispam", "rate_window_s", antispam_rate_window_s, 10, 24 * 3600),
	I("audit", "keep_days", audit_keep_days, 92, 36500), /* 92: at least three months (SEC12) */
	V("security", "alert_mail", security_alert_mail, check_email, "a plain address such as security@example.jp"),
	I("security", "window_s", security_window_s, 60, 3600),
	I("security", "login_per_ip", security_login_per_ip, 1, 100),
	I("security", "login_total", security_login_total, 1, 100),
	I("security", "ipblock", security_ipblock, 1, 100),
	I("security", "csrf", security_csrf, 1, 100),
	I("security", "mail_interval_min", security_mail_interval_min, 1, 24 * 60),
	I("stats", "flush_seconds", stats_flush_s, 1, 3600),
	B("stats", "count_headless", stats_count_headless),
	S("security", "seal_key_file", seal_key_file),
	S("site", "name", site_name),
	S("site", "nickname", site_nickname),
	S("site", "short_name", site_short),
	S("site", "owner", site_owner),
	S("site", "contact", site_contact),
	S("site", "migration_url", site_migration_url),
	S("site", "google_analytics", site_ga_id),
	S("site", "search_console", site_gsc_token),
};

void
config_defaults(config_t *c)
{
	memset(c, 0, sizeof(*c));
	str_copy(c->listen, sizeof(c->listen), "127.0.0.1:8080");
	str_copy(c->data_dir, sizeof(c->data_dir), "./var");
	str_copy(c->site, sizeof(c->site), "gunma");
	str_copy(c->root, sizeof(c->root), ".");
	c->threads = 4;
	c->max_connections = 1024;
	c->max_connections_per_ip = 64;
	c->connection_timeout_s = 15;
	c->max_body = 12 * 1024 * 1024;
	c->max_header_kb = 32;
	c->session_idle_min = 30;
	c->session_absolute_h = 12;
	c->login_max_failures = 5;
	c->login_lockout_min = 15;
	str_copy(c->login_require_2fa_roles, sizeof(c->login_require_2fa_roles), "edit,admin");
	c->mail_max_attempts = 10;
	c->antispam_difficulty = 16;
	c->antispam_ttl_s = 30 * 60;
	c->antispam_rate_max = 5;
	c->antispam_rate_window_s = 10 * 60;
	c->audit_keep_days = 92;
	c->security_window_s = 300;
	c->security_login_per_ip = 10;
	c->security_login_total = 50;
	c->security_ipblock = 20;
	c->security_csrf = 10;
	c->security_mail_interval_min = 60;
	c->stats_flush_s = 60;
	str_copy(c->seal_key_file, sizeof(c->seal_key_file), "/etc/tsunagu/seal.key");
}

static bool
check_email(const char *v)
{
	return str_email_valid(v);
}

static bool
check_smtp_url(const char *v)
{
	/* libcurl gets this URL; only the two mail schemes, and nothing that could end a line */
	return (str_has_prefix(v, "smtp://") || str_has_prefix(v, "smtps://")) && check_line(v) &&
	    strchr(v, ' ') == NULL;
}

/* [login] require_2fa_roles: a list of the staff roles view, edit and admin (commas or spaces between). */
static bool
check_roles(const char *v)
{
	while (*v) {
		size_t k;
		while (*v == ',' || *v == ' ')
			v++;
		k = strcspn(v, ", ");
		if (k != 0 && !((k == 4 && strncmp(v, "view", 4) == 0) || (k == 4 && strncmp(v, "edit", 4) == 0) ||
		    (k == 5 && strncmp(v, "admin", 5) == 0)))
			return false;
		v += k;
	}
	return true;
}

/* Values that reach an SMTP command or a mail header: UTF-8 without any control character. */
static bool
check_line(const char *v)
{
	return str_utf8_valid(v, strlen(v), false) && strchr(v, '\t') == NULL;
}

bool
config_set(config_t *c, const char *section, const char *name, const char *value, char *err, size_t errlen)
{
	size_t i;
	int64_t v;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct key *k = &keys[i];
		char *field = (char *)c + k->off;
		if (strcmp(k->section, section) != 0 || strcmp(k->name, name) != 0)
			continue;
		switch (k->type) {
		case K_STR:
			if (value[0] != '\0' && k->check != NULL && !k->check(value)) {
				snprintf(err, errlen, "[%s] %s: expected %s", section, name, k->expect);
				return false;
			}
			if (!str_copy(field, k->size, value)) {
				snprintf(err, errlen, "[%s] %s: value too long", section, name);
				return false;
			}
			return true;
		case K_INT:
			if (!str_to_i64(value, k->min, k->max, &v)) {
				snprintf(err, errlen, "[%s] %s: expected a whole number from %lld to %lld",
				    section, name, (long long)k->min, (long long)k->max);
				return false;
			}
			if (k->wide)
				*(int64_t *)(void *)field = v;
			else
				*(int *)(void *)field = (int)v;
			return true;
		case K_BOOL:
			if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0 || strcmp(value, "yes") == 0)
				*(bool *)(void *)field = true;
			else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0 || strcmp(value, "no") == 0)
				*(bool *)(void *)field = false;
			else {
				snprintf(err, errlen, "[%s] %s: expected true or false", section, name);
				return false;
			}
			return true;
		}
	}
	snprintf(err, errlen, "unknown setting [%s] %s", section, name);
	return false;
}

struct ini_ctx {
	config_t   *c;
	char       *err;
	size_t      errlen;
	bool        ok;
	const char *only; /* accept only this section (site.ini) */
};

static int
ini_cb(void *user, const char *section, const char *name, const char *value)
{
	struct ini_ctx *x = user;

	if (!x->ok)
		return 0;
	if (x->only != NULL && strcmp(section, x->only) != 0)
		return 1; /* other sections of site.ini belong to later features */
	if (!config_set(x->c, section, name, value, x->err, x->errlen)) {
		x->ok = false;
		return 0;
	}
	return 1;
}

static bool
load_ini(config_t *c, const char *path, const char *only, char *err, size_t errlen)
{
	struct ini_ctx x = { c, err, errlen, true, only };
	int rc = ini_parse(path, ini_cb, &x);

	if (rc == -1) {
		snprintf(err, errlen, "%s: cannot be read", path);
		return false;
	}
	if (!x.ok) {
		char tmp[512];
		snprintf(tmp, sizeof(tmp), "%s", err);
		snprintf(err, errlen, "%s: %s", path, tmp);
		return false;
	}
	if (rc != 0) {
		snprintf(err, errlen, "%s:%d: syntax error", path, rc);
		return false;
	}
	return true;
}

bool
config_load_file(config_t *c, const char *path, char *err, size_t errlen)
{
	return load_ini(c, path, NULL, err, errlen);
}

/* Shorter names for the mail settings a deployment most often passes in the environment; they win over
 * the TSUNAGU_MAIL_* forms (TSUNAGU_MAIL_FROM is both). */
static const struct alias {
	const char *var, *section, *name;
} aliases[] = {
	{ "TSUNAGU_SMTP_URL", "mail", "smtp_url" },
	{ "TSUNAGU_SMTP_USER", "mail", "smtp_user" },
	{ "TSUNAGU_SMTP_PASSWORD", "mail", "smtp_password" },
	{ "TSUNAGU_MAIL_FROM", "mail", "from" },
};

static bool
load_aliases(config_t *c, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		const char *v = getenv(aliases[i].var);
		if (v != NULL && !config_set(c, aliases[i].section, aliases[i].name, v, err, errlen))
			return false;
	}
	return true;
}

bool
config_load_env(config_t *c, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char  var[128];
		char *p, *v;
		int   n = snprintf(var, sizeof(var), "TSUNAGU_%s_%s", keys[i].section, keys[i].name);
		if (n < 0 || (size_t)n >= sizeof(var))
			continue;
		for (p = var; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		v = getenv(var);
		if (v != NULL && !config_set(c, keys[i].section, keys[i].name, v, err, errlen))
			return false;
	}
	return load_aliases(c, err, errlen);
}

static bool
site_name_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_' || *s == '-'))
			return false;
	return true;
}

bool
config_load_site(config_t *c, char *err, size_t errlen)
{
	char path[1024];
	int  n;

	if (!site_name_ok(c->site)) {
		snprintf(err, errlen, "site name must be lower-case letters, digits, '-' or '_'");
		return false;
	}
	n = snprintf(path, sizeof(path), "%s/sites/%s/site.ini", c->root, c->site);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(err, errlen, "site path too long");
		return false;
	}
	if (!load_ini(c, path, "site", err, errlen))
		return false;
	if (c->site_name[0] == '\0') {
		snprintf(err, errlen, "%s: [site] name is required", path);
		return false;
	}
	return true;
}

bool
config_tls(const config_t *c)
{
	return c->tls_cert[0] != '\0' && c->tls_key[0] != '\0';
}
