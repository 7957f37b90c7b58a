/* main.c - the tsunagu command: serve, migrate, seed, user, audit. */
#include "app/web.h"
#include "app/seed.h"
#include "auth/account.h"
#include "auth/audit.h"
#include "auth/password.h"
#include "auth/secret.h"
#include "core/config.h"
#include "core/jtime.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"
#include "http/http.h"
#include "jobs/jobs.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PEM_MAX (64 * 1024)

static const char usage[] =
    "usage:\n"
    "  tsunagu serve [--listen HOST:PORT] [--data DIR] [--site NAME] [--config FILE] [--root DIR] [--dev]\n"
    "  tsunagu migrate [--data DIR]\n"
    "  tsunagu seed --demo [--data DIR]\n"
    "  tsunagu user add [--data DIR] --kind KIND --login ID --email ADDRESS [--department CODE] [--name NAME]\n"
    "                   (the password is read from standard input)\n"
    "  tsunagu audit verify [--data DIR]\n";

struct opts {
	const char *config_file;
	const char *listen, *data, *site, *root;
	const char *kind, *login, *email, *department, *name;
	bool        dev, demo;
};

static int
parse_opts(int argc, char **argv, int start, struct opts *o)
{
	int i;

	for (i = start; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		if (strcmp(a, "--dev") == 0) { o->dev = true; continue; }
		if (strcmp(a, "--demo") == 0) { o->demo = true; continue; }
		if (strcmp(a, "--config") == 0) slot = &o->config_file;
		else if (strcmp(a, "--listen") == 0) slot = &o->listen;
		else if (strcmp(a, "--data") == 0) slot = &o->data;
		else if (strcmp(a, "--site") == 0) slot = &o->site;
		else if (strcmp(a, "--root") == 0) slot = &o->root;
		else if (strcmp(a, "--kind") == 0) slot = &o->kind;
		else if (strcmp(a, "--login") == 0) slot = &o->login;
		else if (strcmp(a, "--email") == 0) slot = &o->email;
		else if (strcmp(a, "--department") == 0) slot = &o->department;
		else if (strcmp(a, "--name") == 0) slot = &o->name;
		if (slot == NULL || i + 1 >= argc) {
			fprintf(stderr, "tsunagu: unknown or incomplete option %s\n%s", a, usage);
			return -1;
		}
		*slot = argv[++i];
	}
	return 0;
}

/* Settings: defaults, then --config file, then TSUNAGU_* environment, then flags. */
static bool
setup(const struct opts *o, bool need_site)
{
	char err[1024];

	config_defaults(&config);
	if (o->config_file != NULL && !config_load_file(&config, o->config_file, err, sizeof(err))) {
		fprintf(stderr, "tsunagu: %s\n", err);
		return false;
	}
	if (!config_load_env(&config, err, sizeof(err))) {
		fprintf(stderr, "tsunagu: %s\n", err);
		return false;
	}
	if ((o->listen && !str_copy(config.listen, sizeof(config.listen), o->listen)) ||
	    (o->data && !str_copy(config.data_dir, sizeof(config.data_dir), o->data)) ||
	    (o->site && !str_copy(config.site, sizeof(config.site), o->site)) ||
	    (o->root && !str_copy(config.root, sizeof(config.root), o->root))) {
		fprintf(stderr, "tsunagu: option value too long\n");
		return false;
	}
	if (o->dev)
		config.dev = true;
	if (need_site && !config_load_site(&config, err, sizeof(err))) {
		fprintf(stderr, "tsunagu: %s\n", err);
		return false;
	}
	return true;
}

/* Opens the data directory: keys (created when create), database, audit head, password list. */
static db_t *
open_data(bool create)
{
	char path[1100];
	db_t *db;

	if (sodium_init() < 0) {
		fprintf(stderr, "tsunagu: libsodium failed to start\n");
		return NULL;
	}
	if (create && mkdir(config.data_dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "tsunagu: cannot create %s: %s\n", config.data_dir, strerror(errno));
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/keys", config.data_dir);
	if (!secret_init(path, create))
		return NULL;
	if (!db_configure(config.data_dir) || !audit_init(config.data_dir))
		return NULL;
	snprintf(path, sizeof(path), "%s/data/common-passwords.txt", config.root);
	if (!password_load_common(path))
		log_error("passwords: cannot read %s; the common-password rule is off", path);
	db = db_open();
	if (db == NULL)
		fprintf(stderr, "tsunagu: cannot open the database in %s\n", config.data_dir);
	return db;
}

static int
cmd_migrate(db_t *db)
{
	int applied;

	if (!db_migrate(db, &applied)) {
		fprintf(stderr, "tsunagu: migration failed\n");
		return 1;
	}
	printf("migrate: schema version %d (%d applied)\n", db_schema_version(db), applied);
	return 0;
}

static bool
read_password(char *out, size_t n)
{
	size_t len;

	if (fgets(out, (int)n, stdin) == NULL)
		return false;
	len = strlen(out);
	if (len > 0 && out[len - 1] != '\n' && !feof(stdin))
		return false; /* longer than the buffer */
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	return len > 0;
}

static int
cmd_user_add(db_t *db, const struct opts *o)
{
	char pw[PASSWORD_MAX_BYTES + 2], err[512];
	account_new_t n = { o->kind, o->login, o->email, o->name, pw, o->department };
	int64_t id;

	if (o->kind == NULL || o->login == NULL || o->email == NULL) {
		fprintf(stderr, "tsunagu: user add needs --kind, --login and --email\n%s", usage);
		return 2;
	}
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "password: ");
	if (!read_password(pw, sizeof(pw))) {
		fprintf(stderr, "tsunagu: no password on standard input (or too long)\n");
		return 2;
	}
	if (!account_create(db, &n, "cli", "local", jtime_now(), &id, err, sizeof(err))) {
		sodium_memzero(pw, sizeof(pw));
		fprintf(stderr, "tsunagu: %s\n", err);
		return 1;
	}
	sodium_memzero(pw, sizeof(pw));
	printf("user: created account %" PRId64 " (%s, %s)\n", id, o->kind, o->login);
	return 0;
}

static int
cmd_audit_verify(db_t *db)
{
	char why[512];
	int64_t bad = audit_verify(db, why, sizeof(why));

	if (bad == 0) {
		printf("audit: chain intact\n");
		return 0;
	}
	if (bad < 0) {
		fprintf(stderr, "audit: cannot read the audit log\n");
		return 2;
	}
	printf("audit: first bad entry %" PRId64 ": %s\n", bad, why);
	return 1;
}

static char *
read_pem(const char *path)
{
	FILE *f = fopen(path, "re");
	char *p;
	size_t n;

	if (f == NULL)
		return NULL;
	p = calloc(1, PEM_MAX + 1);
	if (p == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(p, 1, PEM_MAX, f);
	fclose(f);
	if (n == 0 || n == PEM_MAX) {
		free(p);
		return NULL;
	}
	return p;
}

static int
cmd_serve(db_t *db)
{
	char err[1024], path[1100];
	server_opts_t so;
	char *cert = NULL, *key = NULL;
	int applied;

	if (db_schema_version(db) == 0) {
		fprintf(stderr, "tsunagu: the database is empty; run `tsunagu migrate --data %s` first\n", config.data_dir);
		return 1;
	}
	if (!db_migrate(db, &applied)) {
		fprintf(stderr, "tsunagu: migration failed\n");
		return 1;
	}
	if (!web_init(err, sizeof(err))) {
		fprintf(stderr, "tsunagu: %s\n", err);
		return 1;
	}
	if (config.access_log_stderr) {
		log_access_open(NULL);
	} else {
		snprintf(path, sizeof(path), "%s/log", config.data_dir);
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			fprintf(stderr, "tsunagu: cannot create %s\n", path);
			return 1;
		}
		snprintf(path, sizeof(path), "%s/log/access.log", config.data_dir);
		if (!log_access_open(path)) {
			fprintf(stderr, "tsunagu: cannot open %s\n", path);
			return 1;
		}
	}
	if (config_tls(&config)) {
		cert = read_pem(config.tls_cert);
		key = read_pem(config.tls_key);
		if (cert == NULL || key == NULL) {
			fprintf(stderr, "tsunagu: cannot read the TLS certificate or key\n");
			free(cert);
			free(key);
			return 1;
		}
	}
	memset(&so, 0, sizeof(so));
	so.listen = config.listen;
	so.threads = config.threads;
	so.max_connections = config.max_connections;
	so.max_connections_per_ip = config.max_connections_per_ip;
	so.connection_timeout_s = config.connection_timeout_s;
	so.max_body = (size_t)config.max_body;
	so.max_header_bytes = (size_t)config.max_header_kb * 1024;
	so.tls_cert_pem = cert;
	so.tls_key_pem = key;
	so.trusted_proxies = config.trusted_proxies;
	so.router = &web_router;
	server_block_signals();
	if (!server_start(&so))
		return 1;
	{
		jobs_policy_t jp = { (int64_t)config.session_idle_min * 60, (int64_t)config.session_absolute_h * 3600,
		    (int64_t)config.login_lockout_min * 60 * 4 };
		if (!jobs_start(&jp))
			log_error("jobs: cannot start the housekeeping thread");
	}
	log_info("serving site %s (%s) from %s", config.site, config.site_name, config.data_dir);
	server_wait(30);
	jobs_stop();
	web_free();
	log_access_close();
	if (key != NULL)
		sodium_memzero(key, strlen(key));
	free(cert);
	free(key);
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	const char *cmd;
	int start = 2, rc;
	db_t *db;
	enum { SERVE, MIGRATE, SEED, USER_ADD, AUDIT_VERIFY } which;

	memset(&o, 0, sizeof(o));
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	cmd = argv[1];
	if (strcmp(cmd, "serve") == 0) which = SERVE;
	else if (strcmp(cmd, "migrate") == 0) which = MIGRATE;
	else if (strcmp(cmd, "seed") == 0) which = SEED;
	else if (strcmp(cmd, "user") == 0 && argc > 2 && strcmp(argv[2], "add") == 0) { which = USER_ADD; start = 3; }
	else if (strcmp(cmd, "audit") == 0 && argc > 2 && strcmp(argv[2], "verify") == 0) { which = AUDIT_VERIFY; start = 3; }
	else if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0) { fputs(usage, stdout); return 0; }
	else {
		fprintf(stderr, "tsunagu: unknown command %s\n%s", cmd, usage);
		return 2;
	}
	if (parse_opts(argc, argv, start, &o) != 0)
		return 2;
	if (which == SEED && !o.demo) {
		fprintf(stderr, "tsunagu: seed needs --demo (demo data is the only kind there is)\n");
		return 2;
	}
	if (!setup(&o, which == SERVE))
		return 2;
	if (which != SERVE)
		log_set_quiet(true);
	db = open_data(which == MIGRATE);
	if (db == NULL)
		return 1;
	switch (which) {
	case SERVE: rc = cmd_serve(db); break;
	case MIGRATE: rc = cmd_migrate(db); break;
	case SEED: rc = seed_demo(db); break;
	case USER_ADD: rc = cmd_user_add(db, &o); break;
	case AUDIT_VERIFY: rc = cmd_audit_verify(db); break;
	default: rc = 2;
	}
	db_close(db);
	password_free_common();
	return rc;
}
