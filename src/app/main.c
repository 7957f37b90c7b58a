/* main.c - the tsunagu command: serve, migrate, seed, user, audit, import, search, tick. */
#include "app/web.h"
#include "app/seed.h"
#include "auth/account.h"
#include "auth/antispam.h"
#include "auth/audit.h"
#include "auth/password.h"
#include "auth/seal.h"
#include "member/records.h"
#include "auth/secret.h"
#include "core/config.h"
#include "core/jtime.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"
#include "http/http.h"
#include "jobs/jobs.h"
#include "mail/mail.h"
#include "content/event.h"
#include "content/cms.h"
#include "content/company.h"
#include "content/import.h"
#include "jobs/expiry.h"
#include "media/media.h"
#include "content/schema.h"
#include "search/search.h"
#include "stats/stats.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PEM_MAX (64 * 1024)
#define TICK_MAIL_MAX 100000 /* bounds one tick; each message is tried at most once per tick anyway */

static const char usage[] =
    "usage:\n"
    "  tsunagu serve [--listen HOST:PORT] [--data DIR] [--site NAME] [--config FILE] [--root DIR] [--dev]\n"
    "  tsunagu migrate [--data DIR]\n"
    "  tsunagu seed --demo [--data DIR]\n"
    "  tsunagu user add [--data DIR] --kind KIND --login ID --email ADDRESS [--department CODE] [--name NAME]\n"
    "                   [--role view|edit|admin]   (staff; default edit; the first administrator needs --role admin)\n"
    "                   (the password is read from standard input)\n"
    "  tsunagu audit verify [--data DIR]\n"
    "  tsunagu seeker export [--data DIR] ID     (SEC09: everything held about a job seeker, JSON on stdout)\n"
    "  tsunagu seeker erase [--data DIR] ID --reason TEXT   (SEC09: wipe the personal data, keep statistics)\n"
    "  tsunagu import [--data DIR] [--site NAME] --type TYPE [--skip-bad] [--dry-run] FILE   (CSV or JSON Lines file;\n"
    "                 --dry-run checks every row and writes nothing)\n"
    "  tsunagu search [--data DIR] [--site NAME] --type TYPE [--facet VOCAB=CODE ...] [--sort relevance|newest|deadline]\n"
    "                 [--staff] [--page N] [QUERY]\n"
    "  tsunagu media add [--data DIR] FILE...   (JPEG, PNG, WebP or GIF; prints: id, key, width x height)\n"
    "  tsunagu event session add [--data DIR] --event ID --start YYYY-MM-DDTHH:MM --end YYYY-MM-DDTHH:MM\n"
    "                   [--place TEXT] [--online-url URL] [--capacity N (0: no limit)] [--deadline YYYY-MM-DDTHH:MM]\n"
    "                   (times in JST; the deadline defaults to the start)\n"
    "  tsunagu tick [--data DIR] [--config FILE]   (one round of due work: listing-period notices and archive,\n"
    "                                             booked publications, audit retention, then queued mail)\n"
    "  tsunagu company link [--data DIR] --login ID --entity ID   (a company account edits that company entity)\n"
    "  tsunagu company set [--data DIR] KEY VALUE   (company_approval 0|1, listing_unit_months N, notice_days 14,3)\n"
    "  tsunagu ip-rules show [--data DIR] [--area staff|member|public]\n"
    "  tsunagu ip-rules set [--data DIR] --area staff|member|public [--keep-ip ADDRESS] FILE   (- for standard input)\n"
    "  tsunagu ip-rules check [--data DIR] ADDRESS   (which areas ADDRESS may reach)\n"
    "clock override for tests and demos: TSUNAGU_NOW=2026-04-01T09:00:00+09:00 with --dev or\n"
    "TSUNAGU_ALLOW_CLOCK_OVERRIDE=1 (refused otherwise)\n";

struct opts {
	const char *config_file;
	const char *listen, *data, *site, *root;
	const char *kind, *login, *email, *department, *name, *role, *type, *sort, *page, *entity;
	const char *event, *start, *end, *place, *online_url, *capacity, *deadline; /* event session add */
	const char *area, *keep_ip;  /* ip-rules */
	const char *facets[SEARCH_MAX_FILTERS * 4];
	int         nfacets;
	const char *args[16];       /* positional arguments */
	int         nargs;
	bool        dev, demo, skip_bad, dry_run, staff;
};

static int
parse_opts(int argc, char **argv, int start, struct opts *o)
{
	bool rest = false;
	int i;

	for (i = start; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		if (strcmp(a, "--dev") == 0) { o->dev = true; continue; }
		if (strcmp(a, "--demo") == 0) { o->demo = true; continue; }
		if (strcmp(a, "--skip-bad") == 0) { o->skip_bad = true; continue; }
		if (strcmp(a, "--dry-run") == 0) { o->dry_run = true; continue; }
		if (strcmp(a, "--staff") == 0) { o->staff = true; continue; }
		if (strcmp(a, "--facet") == 0 && i + 1 < argc) {
			if (o->nfacets >= (int)(sizeof(o->facets) / sizeof(o->facets[0]))) {
				fprintf(stderr, "tsunagu: too many --facet options\n");
				return -1;
			}
			o->facets[o->nfacets++] = argv[++i];
			continue;
		}
		if (strcmp(a, "--") == 0 && !rest) {
			rest = true; /* everything after -- is an argument */
			continue;
		}
		/* options all start with "--": "-派遣" is a query word, "-" standard input */
		if (rest || strncmp(a, "--", 2) != 0) {
			if (o->nargs >= (int)(sizeof(o->args) / sizeof(o->args[0]))) {
				fprintf(stderr, "tsunagu: too many arguments\n");
				return -1;
			}
			o->args[o->nargs++] = a;
			continue;
		}
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
		else if (strcmp(a, "--role") == 0) slot = &o->role;
		else if (strcmp(a, "--type") == 0) slot = &o->type;
		else if (strcmp(a, "--sort") == 0) slot = &o->sort;
		else if (strcmp(a, "--page") == 0) slot = &o->page;
		else if (strcmp(a, "--event") == 0) slot = &o->event;
		else if (strcmp(a, "--start") == 0) slot = &o->start;
		else if (strcmp(a, "--end") == 0) slot = &o->end;
		else if (strcmp(a, "--place") == 0) slot = &o->place;
		else if (strcmp(a, "--online-url") == 0) slot = &o->online_url;
		else if (strcmp(a, "--capacity") == 0) slot = &o->capacity;
		else if (strcmp(a, "--deadline") == 0) slot = &o->deadline;
		else if (strcmp(a, "--entity") == 0) slot = &o->entity;
		else if (strcmp(a, "--area") == 0) slot = &o->area;
		else if (strcmp(a, "--keep-ip") == 0) slot = &o->keep_ip;
		if (slot == NULL || i + 1 >= argc) {
			fprintf(stderr, "tsunagu: unknown or incomplete option %s\n%s", a, usage);
			return -1;
		}
		*slot = argv[++i];
	}
	return 0;
}

/*
 * The clock override (issue 5 item 8): TSUNAGU_NOW=2026-04-01T09:00:00+09:00 makes every command run as if
 * the clock had been set to that moment when it started (time still passes). A production server must
 * never run on a wrong clock by accident, so it is refused unless --dev or TSUNAGU_ALLOW_CLOCK_OVERRIDE=1.
 */
static bool
clock_override(bool dev)
{
	const char *v = getenv("TSUNAGU_NOW"), *allow = getenv("TSUNAGU_ALLOW_CLOCK_OVERRIDE");
	int64_t at;

	if (v == NULL || v[0] == '\0')
		return true;
	if (!dev && (allow == NULL || strcmp(allow, "1") != 0)) {
		fprintf(stderr, "tsunagu: TSUNAGU_NOW is set, but the clock may only be overridden with --dev or "
		    "TSUNAGU_ALLOW_CLOCK_OVERRIDE=1 (tests); unset TSUNAGU_NOW\n");
		return false;
	}
	if (!jtime_parse_iso(v, &at)) {
		fprintf(stderr, "tsunagu: TSUNAGU_NOW must look like 2026-04-01T09:00:00+09:00\n");
		return false;
	}
	jtime_set_offset(0);
	jtime_set_offset(at - jtime_now());
	fprintf(stderr, "tsunagu: clock overridden: now is %s\n", v);
	return true;
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
	if (!clock_override(o->dev))
		return false;
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
	/* sealed personal data (SEC06): no key, no start */
	if (!seal_open(config.seal_key_file, create)) {
		fprintf(stderr, "tsunagu: cannot use the seal key file %s ([security] seal_key_file)\n", config.seal_key_file);
		return NULL;
	}
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

static schema_t *
load_schema(void)
{
	char err[1024];
	schema_t *s = schema_load(config.root, config.site, err, sizeof(err));

	if (s == NULL)
		fprintf(stderr, "tsunagu: %s\n", err);
	return s;
}

static int
cmd_migrate(db_t *db)
{
	char err[1024] = "";
	schema_t *s;
	int applied;
	bool ok;

	if (!db_migrate(db, &applied)) {
		fprintf(stderr, "tsunagu: migration failed\n");
		return 1;
	}
	printf("migrate: schema version %d (%d applied)\n", db_schema_version(db), applied);
	{
		/* SQL cannot encrypt: rows written in clear before migration 020 are sealed here (SEC06) */
		int64_t sealed = rec_seal_migrate(db);
		if (sealed < 0) {
			fprintf(stderr, "tsunagu: sealing personal data failed\n");
			return 1;
		}
		if (sealed > 0)
			printf("migrate: %lld rows of personal data sealed\n", (long long)sealed);
	}
	if ((s = load_schema()) == NULL)
		return 1;
	ok = schema_sync_terms(s, db, config.root, err, sizeof(err));
	schema_free(s);
	if (!ok) {
		fprintf(stderr, "tsunagu: master data: %s\n", err);
		return 1;
	}
	printf("migrate: master data of site %s loaded\n", config.site);
	return 0;
}

/* Maps a file named by the operator on the command line (never by a request); files of any size. */
static char *
read_input(const char *path, size_t *len)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*len = (size_t)st.st_size;
	return p;
}

static int
cmd_import(db_t *db, const struct opts *o)
{
	schema_t *s;
	import_report_t rep;
	char *data;
	size_t len;
	bool ok;

	if (o->type == NULL || o->nargs != 1) {
		fprintf(stderr, "tsunagu: import needs --type TYPE and one FILE\n%s", usage);
		return 2;
	}
	if ((data = read_input(o->args[0], &len)) == NULL) {
		fprintf(stderr, "tsunagu: cannot read %s (a non-empty regular file is needed)\n", o->args[0]);
		return 1;
	}
	if ((s = load_schema()) == NULL) {
		munmap(data, len);
		return 1;
	}
	ok = import_entities_ex(db, s, o->type, import_guess_format(o->args[0], data, len), data, len,
	    &(import_opts_t){ .skip_bad = o->skip_bad, .dry_run = o->dry_run }, jtime_now(), &rep);
	if (rep.errors.len > 0)
		fputs(rep.errors.data, stderr);
	if (o->dry_run)
		printf("import (dry run, nothing written): %lld rows read, %lld would be written, %lld with errors\n",
		    (long long)rep.rows, (long long)rep.written, (long long)rep.bad);
	else
		printf("import: %lld rows read, %lld written, %lld with errors%s\n", (long long)rep.rows,
		    (long long)rep.written, (long long)rep.bad,
		    rep.bad > 0 && !o->skip_bad ? " (nothing written; fix the rows or use --skip-bad)" : "");
	if (rep.updated > 0)  /* rows with 番号/id: updates of those records, counted in "written" */
		printf("import: %lld of them update the record their id names\n", (long long)rep.updated);
	buf_free(&rep.errors);
	schema_free(s);
	munmap(data, len);
	return ok ? 0 : 1;
}

/* Stores images from files named on the command line (an operator's own files, never a request's). */
static int
cmd_media_add(db_t *db, const struct opts *o)
{
	int i, rc = 0;

	if (o->nargs < 1) {
		fprintf(stderr, "tsunagu: media add needs at least one FILE\n%s", usage);
		return 2;
	}
	for (i = 0; i < o->nargs; i++) {
		char err[256];
		size_t len;
		int64_t id;
		media_info_t mi;
		char *data = read_input(o->args[i], &len);
		const char *base = strrchr(o->args[i], '/');
		if (data == NULL) {
			fprintf(stderr, "tsunagu: cannot read %s (a non-empty regular file is needed)\n", o->args[i]);
			rc = 1;
			continue;
		}
		if (media_store(db, data, len, base ? base + 1 : o->args[i], 0, jtime_now(), &id, err, sizeof(err)) &&
		    media_info(db, id, &mi)) {
			printf("%lld\t%s\t%dx%d\n", (long long)id, mi.key, mi.width, mi.height);
		} else {
			fprintf(stderr, "%s: %s\n", o->args[i], err);
			rc = 1;
		}
		munmap(data, len);
	}
	return rc;
}

static int
cmd_search(db_t *db, const struct opts *o)
{
	search_params_t p;
	search_result_t res;
	arena_t a;
	buf_t q = BUF_INIT;
	schema_t *s;
	int i, rc = 0;
	int64_t page = 1;

	if (o->type == NULL) {
		fprintf(stderr, "tsunagu: search needs --type TYPE\n%s", usage);
		return 2;
	}
	if ((s = load_schema()) == NULL)
		return 1;
	if (schema_type(s, o->type) == NULL) {
		fprintf(stderr, "tsunagu: no type %s in site %s\n", o->type, config.site);
		schema_free(s);
		return 2;
	}
	memset(&p, 0, sizeof(p));
	p.type = o->type;
	for (i = 0; i < o->nargs; i++) {
		if (i > 0)
			buf_putc(&q, ' ');
		buf_puts(&q, o->args[i]);
	}
	p.q = q.data ? q.data : "";
	for (i = 0; i < o->nfacets; i++) {
		const char *eq = strchr(o->facets[i], '=');
		int f;
		if (eq == NULL || eq == o->facets[i]) {
			fprintf(stderr, "tsunagu: --facet takes VOCAB=CODE\n");
			rc = 2;
			goto done;
		}
		for (f = 0; f < p.nfilters; f++)
			if (strncmp(p.filters[f].vocab, o->facets[i], (size_t)(eq - o->facets[i])) == 0 &&
			    p.filters[f].vocab[eq - o->facets[i]] == '\0')
				break;
		if (f == p.nfilters) {
			if (p.nfilters >= SEARCH_MAX_FILTERS) {
				fprintf(stderr, "tsunagu: too many facet vocabularies\n");
				rc = 2;
				goto done;
			}
			p.filters[f].vocab = strndup(o->facets[i], (size_t)(eq - o->facets[i]));
			p.nfilters++;
		}
		if (p.filters[f].ncodes < SEARCH_MAX_CODES)
			p.filters[f].codes[p.filters[f].ncodes++] = eq + 1;
	}
	p.sort = SORT_RELEVANCE;
	if (o->sort != NULL) {
		if (strcmp(o->sort, "newest") == 0)
			p.sort = SORT_NEWEST;
		else if (strcmp(o->sort, "deadline") == 0)
			p.sort = SORT_DEADLINE;
		else if (strcmp(o->sort, "relevance") != 0) {
			fprintf(stderr, "tsunagu: --sort is relevance, newest or deadline\n");
			rc = 2;
			goto done;
		}
	}
	if (o->page != NULL && !str_to_i64(o->page, 1, SEARCH_MAX_PAGE, &page)) {
		fprintf(stderr, "tsunagu: --page takes 1 to %d\n", SEARCH_MAX_PAGE);
		rc = 2;
		goto done;
	}
	p.page = (int)page;
	p.per_page = 20;
	p.staff = o->staff;
	p.facets = true;
	p.now = jtime_now();
	arena_init(&a, 65536, 0);
	if (!search_run(db, &a, &p, &res)) {
		fprintf(stderr, "tsunagu: search failed\n");
		rc = 1;
	} else {
		printf("total %lld\n", (long long)res.total);
		for (i = 0; i < res.nids; i++) {
			db_stmt_t *st = db_prepare(db, "SELECT title FROM entities WHERE id = ?");
			if (st == NULL)
				break;
			db_bind_i64(st, 1, res.ids[i]);
			if (db_step(st) == DB_ROW)
				printf("%lld\t%s\n", (long long)res.ids[i], db_col_text(st, 0));
			db_done(st);
		}
		for (i = 0; i < res.nfacets; i++)
			printf("facet\t%s\t%s\t%s\t%lld\n", res.facets[i].vocab, res.facets[i].code, res.facets[i].name,
			    (long long)res.facets[i].count);
	}
	arena_free(&a);
done:
	for (i = 0; i < p.nfilters; i++)
		free((void *)p.filters[i].vocab);
	buf_free(&q);
	schema_free(s);
	return rc;
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
	if (!account_create_staff(db, &n, o->role, false, "cli", "local", jtime_now(), &id, err, sizeof(err))) {
		sodium_memzero(pw, sizeof(pw));
		fprintf(stderr, "tsunagu: %s\n", err);
		return 1;
	}
	sodium_memzero(pw, sizeof(pw));
	printf("user: created account %" PRId64 " (%s, %s)\n", id, o->kind, o->login);
	return 0;
}

/* tsunagu event session add: a session of an event entity (until the back office edits them, issue 6) */
static int
cmd_event_session_add(db_t *db, const struct opts *o)
{
	event_session_t s;
	char err[512];
	int64_t id;

	memset(&s, 0, sizeof(s));
	if (o->event == NULL || o->start == NULL || o->end == NULL) {
		fprintf(stderr, "tsunagu: event session add needs --event, --start and --end\n%s", usage);
		return 2;
	}
	if (!str_to_i64(o->event, 1, INT64_MAX, &s.entity_id) ||
	    (o->capacity != NULL && !str_to_i64(o->capacity, 0, EVENT_CAPACITY_MAX, &s.capacity))) {
		fprintf(stderr, "tsunagu: --event and --capacity take whole numbers\n");
		return 2;
	}
	if (!event_parse_jst(o->start, &s.starts_at) || !event_parse_jst(o->end, &s.ends_at) ||
	    !event_parse_jst(o->deadline != NULL ? o->deadline : o->start, &s.apply_deadline)) {
		fprintf(stderr, "tsunagu: times are YYYY-MM-DDTHH:MM in JST\n");
		return 2;
	}
	if ((o->place != NULL && !str_copy(s.place, sizeof(s.place), o->place)) ||
	    (o->online_url != NULL && !str_copy(s.online_url, sizeof(s.online_url), o->online_url))) {
		fprintf(stderr, "tsunagu: --place or --online-url is too long\n");
		return 2;
	}
	if (!event_session_add(db, &s, jtime_now(), &id, err, sizeof(err))) {
		fprintf(stderr, "tsunagu: %s\n", err);
		return 1;
	}
	printf("event: session %" PRId64 " added to event %" PRId64 "\n", id, s.entity_id);
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

/* One round of the work the server's threads do on a schedule, for hosts that run it from cron or a
 * systemd timer instead (or as well: claims keep two senders from sending the same message). */
static int
cmd_tick(db_t *db)
{
	char why[256];
	mail_round_t r;
	expiry_report_t er;

	if (!expiry_round(db, jtime_now(), &er)) {
		fprintf(stderr, "tsunagu: the listing-period round failed\n");
		return 1;
	}
	printf("tick: listing notices %d sent, %d companies archived\n", er.notices, er.archived);
	{
		/* publications booked in the content editor (issue 6 item 5), as the scheduler thread does them */
		int n = cms_publish_due(db, jtime_now());
		if (n < 0) {
			fprintf(stderr, "tsunagu: booked publications could not be published\n");
			return 1;
		}
		printf("tick: booked publications %d published\n", n);
	}
	{
		/* audit retention ([audit] keep_days; SEC12), as the housekeeping thread does it */
		int64_t boundary = 0, n = audit_prune(db, jtime_now() - (int64_t)config.audit_keep_days * 86400, "system",
		    "local", jtime_now(), &boundary);
		if (n < 0) {
			fprintf(stderr, "tsunagu: the audit log could not be pruned\n");
			return 1;
		}
		printf("tick: audit entries pruned %lld (kept %d days)\n", (long long)n, config.audit_keep_days);
	}

	if (!mail_configured(&config, why, sizeof(why))) {
		printf("tick: mail not sent (%s); %lld queued\n", why, (long long)mail_count(db, "queued"));
		return 0;
	}
	if (mail_send_due(db, &config, jtime_now(), TICK_MAIL_MAX, &r) < 0) {
		fprintf(stderr, "tsunagu: the outbox could not be read or updated\n");
		return 1;
	}
	printf("tick: mail %d sent, %d to retry, %d failed\n", r.sent, r.retried, r.failed);
	return 0;
}

/* company link: a company account edits a company entity (registration does this itself; this is for
 * operators and tests). company set: the settings of approval, listing unit and notices. */
static int
cmd_company(db_t *db, const struct opts *o, bool link)
{
	char err[256];
	int64_t entity, account = 0;

	if (!link) {
		if (o->nargs != 2) {
			fprintf(stderr, "tsunagu: company set needs KEY VALUE\n%s", usage);
			return 2;
		}
		if (!company_setting_set(db, o->args[0], o->args[1], err, sizeof(err))) {
			fprintf(stderr, "tsunagu: %s\n", err);
			return 1;
		}
		printf("company: %s = %s\n", o->args[0], o->args[1]);
		return 0;
	}
	if (o->login == NULL || o->entity == NULL || !str_to_i64(o->entity, 1, INT64_MAX, &entity)) {
		fprintf(stderr, "tsunagu: company link needs --login ID --entity ID\n%s", usage);
		return 2;
	}
	{
		db_stmt_t *st = db_prepare(db, "SELECT id FROM accounts WHERE login = ? OR login_key = lower(?)");
		if (st != NULL) {
			db_bind_str(st, 1, o->login);
			db_bind_str(st, 2, o->login);
			if (db_step(st) == DB_ROW)
				account = db_col_i64(st, 0);
			db_done(st);
		}
	}
	if (account == 0) {
		fprintf(stderr, "tsunagu: no account %s\n", o->login);
		return 1;
	}
	if (!company_link(db, account, entity, jtime_now(), err, sizeof(err))) {
		fprintf(stderr, "tsunagu: %s\n", err);
		return 1;
	}
	{
		char target[48];
		audit_entry_t e = { 0, "cli", "local", "company.link", target, o->login };
		snprintf(target, sizeof(target), "entity:%" PRId64, entity);
		if (!audit_append(db, &e, jtime_now()))
			fprintf(stderr, "tsunagu: warning: the audit entry could not be written\n");
	}
	printf("company: account %s now edits entity %" PRId64 "\n", o->login, entity);
	return 0;
}

/* ---- ip-rules (G54): for operators, also when the screen has locked them out ---- */

static int
cmd_ip_rules_show(db_t *db, const struct opts *o)
{
	ipacl_area_t only = IPACL_STAFF;
	int i;

	if (o->area != NULL && !ipacl_area_parse(o->area, &only)) {
		fprintf(stderr, "tsunagu: --area must be staff, member or public\n");
		return 2;
	}
	for (i = 0; i < IPACL_NAREAS; i++) {
		static const ipacl_area_t order[IPACL_NAREAS] = { IPACL_STAFF, IPACL_MEMBER, IPACL_PUBLIC };
		ipacl_area_t a = order[i];
		buf_t b = BUF_INIT;
		if (o->area != NULL && a != only)
			continue;
		if (!ipacl_store_get(db, a, &b)) {
			buf_free(&b);
			fprintf(stderr, "tsunagu: cannot read the IP rules\n");
			return 1;
		}
		if (o->area == NULL)
			printf("# --- %s (%s)%s\n", ipacl_area_name(a), ipacl_area_label(a), b.len == 0 ? ": no restriction" : "");
		if (b.len > 0)
			printf("%s%s", b.data, b.data[b.len - 1] == '\n' ? "" : "\n");
		buf_free(&b);
	}
	return 0;
}

/* The new list from a file named by the operator, or standard input for "-"; NULL when unreadable or
 * over the limit (an empty file is an empty list: no restriction). */
static char *
read_rules(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	char *p;
	size_t n = 0, got;

	if (f == NULL)
		return NULL;
	p = malloc(IPACL_MAX_TEXT + 2);
	if (p != NULL) {
		while (n <= IPACL_MAX_TEXT && (got = fread(p + n, 1, IPACL_MAX_TEXT + 1 - n, f)) > 0)
			n += got;
		if (ferror(f) || n > IPACL_MAX_TEXT) {
			free(p);
			p = NULL;
		} else {
			p[n] = '\0';
			*len = n;
		}
	}
	if (f != stdin)
		fclose(f);
	return p;
}

static int
cmd_ip_rules_set(db_t *db, const struct opts *o)
{
	ipacl_area_t area;
	ipacl_list_t *lists = NULL;
	ipacl_errors_t errs;
	const char *texts[IPACL_NAREAS] = { NULL, NULL, NULL };
	char msg[512], *text;
	size_t len = 0;
	int i, rc = 1;

	if (o->area == NULL || !ipacl_area_parse(o->area, &area) || o->nargs != 1) {
		fprintf(stderr, "tsunagu: ip-rules set needs --area staff|member|public and one FILE (- for standard input)\n%s", usage);
		return 2;
	}
	if ((text = read_rules(o->args[0], &len)) == NULL) {
		fprintf(stderr, "tsunagu: cannot read %s (at most %d bytes)\n", o->args[0], IPACL_MAX_TEXT);
		return 1;
	}
	if (len > 0 && !str_utf8_valid(text, len, true)) {
		fprintf(stderr, "tsunagu: %s is not UTF-8 text\n", o->args[0]);
		goto done;
	}
	lists = calloc(IPACL_NAREAS, sizeof(*lists));
	if (lists == NULL)
		goto done;
	if (!ipacl_parse(text, len, &lists[area], &errs)) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.e[i].msg);
		if (errs.more > 0)
			fprintf(stderr, "ほかに%d件の誤りがあります。\n", errs.more);
		fprintf(stderr, "tsunagu: nothing saved\n");
		goto done;
	}
	if (o->keep_ip != NULL && ip_rules_lockout_message(&lists[area], area, o->keep_ip, msg, sizeof(msg)) != NULL) {
		fprintf(stderr, "%s\ntsunagu: nothing saved\n", msg);
		goto done;
	}
	texts[area] = text;
	if (!ip_rules_save(db, texts, lists, 0, "cli", "local", jtime_now())) {
		fprintf(stderr, "tsunagu: the IP rules could not be saved (database or audit log)\n");
		goto done;
	}
	printf("ip-rules: %s: %zu %s saved%s\n", ipacl_area_name(area), lists[area].n,
	    lists[area].n == 1 ? "entry" : "entries", lists[area].n == 0 ? " (no restriction)" : "");
	rc = 0;
done:
	free(lists);
	free(text);
	return rc;
}

static int
cmd_ip_rules_check(db_t *db, const struct opts *o)
{
	uint8_t a[16];
	int i;

	if (o->nargs != 1 || !ipacl_addr_parse(o->args[0], strlen(o->args[0]), a, NULL)) {
		fprintf(stderr, "tsunagu: ip-rules check needs one IPv4 or IPv6 ADDRESS\n");
		return 2;
	}
	if (!ipacl_cache_load(db)) {
		fprintf(stderr, "tsunagu: cannot read the IP rules\n");
		return 1;
	}
	for (i = 0; i < IPACL_NAREAS; i++)
		printf("%s: %s\n", ipacl_area_name((ipacl_area_t)i),
		    ipacl_cache_allows(NULL, (ipacl_area_t)i, o->args[0], 0) ? "allowed" : "refused");
	return 0;
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

/* tsunagu seeker export ID | seeker erase ID --reason TEXT (issue 7 item 7; SEC09): the same data subject
 * requests as /staff/seekers/:id/export and /erase, audited with the actor "cli". */
static int
cmd_seeker(int argc, char **argv)
{
	char *rest[64];
	const char *reason = NULL;
	char err[512];
	account_t actor;
	struct opts o;
	int64_t id;
	int n = 0, i, rc = 1;
	bool erase;
	db_t *db;

	if (argc < 4 || (strcmp(argv[2], "export") != 0 && strcmp(argv[2], "erase") != 0)) {
		fputs(usage, stderr);
		return 2;
	}
	erase = strcmp(argv[2], "erase") == 0;
	for (i = 0; i < argc && n < 63; i++) {
		if (i >= 3 && strcmp(argv[i], "--reason") == 0 && i + 1 < argc) {
			reason = argv[++i];
			continue;
		}
		rest[n++] = argv[i];
	}
	memset(&o, 0, sizeof(o));
	if (parse_opts(n, rest, 3, &o) != 0 || o.nargs != 1 || !str_to_i64(o.args[0], 1, INT64_MAX, &id) ||
	    (erase && reason == NULL)) {
		fputs(usage, stderr);
		return 2;
	}
	if (!setup(&o, false))
		return 2;
	log_set_quiet(true);
	if ((db = open_data(false)) == NULL)
		return 1;
	memset(&actor, 0, sizeof(actor));
	str_copy(actor.login, sizeof(actor.login), "cli");
	if (erase) {
		if (rec_seeker_erase(db, &actor, "local", id, reason, jtime_now(), err, sizeof(err))) {
			printf("seeker %lld: personal data erased\n", (long long)id);
			rc = 0;
		} else {
			fprintf(stderr, "tsunagu: %s\n", err);
		}
	} else {
		char target[48], *json = NULL;
		size_t len = 0;
		arena_t A;
		audit_entry_t e = { 0, "cli", "local", "seeker.export", target, "json" };
		snprintf(target, sizeof(target), "account:%lld", (long long)id);
		rec_seeker_t sk;
		arena_init(&A, 64 * 1024, (size_t)1 << 28);
		/* the entry first: an export that cannot be recorded does not happen (SEC07) */
		if (rec_seeker_get(db, &A, id, &sk) == 1 && db_begin_write(db) && audit_append(db, &e, jtime_now()) && db_commit(db) && audit_sync_head(db) &&
		    rec_seeker_export(db, &A, id, &json, &len)) {
			rc = fwrite(json, 1, len, stdout) == len && fputc('\n', stdout) != EOF ? 0 : 1;
		} else {
			db_rollback(db);
			fprintf(stderr, "tsunagu: seeker %lld: no such job seeker, or the export failed\n", (long long)id);
		}
		free(json);
		arena_free(&A);
	}
	db_close(db);
	password_free_common();
	return rc;
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
	if (rec_seal_migrate(db) < 0) {
		fprintf(stderr, "tsunagu: sealing personal data failed (is [security] seal_key_file the key this database was sealed with?)\n");
		return 1;
	}
	if (!web_init(err, sizeof(err))) {
		fprintf(stderr, "tsunagu: %s\n", err);
		return 1;
	}
	if (!ipacl_cache_load(db)) {
		fprintf(stderr, "tsunagu: cannot read the IP rules (table ip_rules)\n");
		return 1;
	}
	{
		antispam_policy_t ap = { config.antispam_difficulty, config.antispam_ttl_s, config.antispam_rate_max,
		    config.antispam_rate_window_s };
		antispam_configure(&ap);
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
		    (int64_t)config.login_lockout_min * 60 * 4, { { 0 } }, 0, (int64_t)config.audit_keep_days * 86400 };
		schema_t *s = load_schema();
		int i;
		/* the search indexes are built by the housekeeping thread, so the server answers at once */
		for (i = 0; s != NULL && i < s->ntypes && jp.ntypes < JOBS_MAX_TYPES; i++)
			snprintf(jp.types[jp.ntypes++], sizeof(jp.types[0]), "%s", s->types[i].name);
		schema_free(s);
		if (!jobs_start(&jp))
			log_error("jobs: cannot start the housekeeping thread");
		if (!mail_sender_start(&config))
			log_error("mail: cannot start the sender thread; mail stays queued");
		/* booked publications of the content editor (issue 6 item 5) */
		if (!cms_scheduler_start())
			log_error("cms: cannot start the scheduler thread; booked publications wait for `tsunagu tick`");
		if (!stats_start(config.stats_flush_s))
			log_error("stats: cannot start the page-view flush thread");
	}
	log_info("serving site %s (%s) from %s", config.site, config.site_name, config.data_dir);
	server_wait(30);
	cms_scheduler_stop();
	stats_stop(); /* the last page views of this run */
	mail_sender_stop();
	jobs_stop();
	search_reset();
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
	enum { SERVE, MIGRATE, SEED, USER_ADD, AUDIT_VERIFY, IMPORT, SEARCH, MEDIA_ADD, TICK, EVENT_SESSION_ADD, COMPANY_LINK,
	    COMPANY_SET, IP_SHOW, IP_SET, IP_CHECK } which;

	memset(&o, 0, sizeof(o));
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	cmd = argv[1];
	if (strcmp(cmd, "seeker") == 0)
		return cmd_seeker(argc, argv); /* issue 7 item 7: its own option handling (--reason) */
	if (strcmp(cmd, "serve") == 0) which = SERVE;
	else if (strcmp(cmd, "migrate") == 0) which = MIGRATE;
	else if (strcmp(cmd, "seed") == 0) which = SEED;
	else if (strcmp(cmd, "user") == 0 && argc > 2 && strcmp(argv[2], "add") == 0) { which = USER_ADD; start = 3; }
	else if (strcmp(cmd, "audit") == 0 && argc > 2 && strcmp(argv[2], "verify") == 0) { which = AUDIT_VERIFY; start = 3; }
	else if (strcmp(cmd, "import") == 0) which = IMPORT;
	else if (strcmp(cmd, "media") == 0 && argc > 2 && strcmp(argv[2], "add") == 0) { which = MEDIA_ADD; start = 3; }
	else if (strcmp(cmd, "search") == 0) which = SEARCH;
	else if (strcmp(cmd, "tick") == 0) which = TICK;
	else if (strcmp(cmd, "event") == 0 && argc > 3 && strcmp(argv[2], "session") == 0 && strcmp(argv[3], "add") == 0) {
		which = EVENT_SESSION_ADD;
		start = 4;
	}
	else if (strcmp(cmd, "company") == 0 && argc > 2 && strcmp(argv[2], "link") == 0) { which = COMPANY_LINK; start = 3; }
	else if (strcmp(cmd, "company") == 0 && argc > 2 && strcmp(argv[2], "set") == 0) { which = COMPANY_SET; start = 3; }
	else if (strcmp(cmd, "ip-rules") == 0 && argc > 2 && strcmp(argv[2], "show") == 0) { which = IP_SHOW; start = 3; }
	else if (strcmp(cmd, "ip-rules") == 0 && argc > 2 && strcmp(argv[2], "set") == 0) { which = IP_SET; start = 3; }
	else if (strcmp(cmd, "ip-rules") == 0 && argc > 2 && strcmp(argv[2], "check") == 0) { which = IP_CHECK; start = 3; }
	else if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0) { fputs(usage, stdout); return 0; }
	else {
		fprintf(stderr, "tsunagu: unknown command %s\n%s", cmd, usage);
		return 2;
	}
	if (parse_opts(argc, argv, start, &o) != 0)
		return 2;
	if (o.nargs > 0 && which != IMPORT && which != SEARCH && which != MEDIA_ADD && which != COMPANY_SET &&
	    which != IP_SET && which != IP_CHECK) {
		fprintf(stderr, "tsunagu: unexpected argument %s\n%s", o.args[0], usage);
		return 2;
	}
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
	case SEED: {
		schema_t *s = load_schema();
		rc = s != NULL ? seed_demo(db, s) : 1;
		schema_free(s);
		break;
	}
	case USER_ADD: rc = cmd_user_add(db, &o); break;
	case AUDIT_VERIFY: rc = cmd_audit_verify(db); break;
	case IMPORT: rc = cmd_import(db, &o); break;
	case MEDIA_ADD: rc = cmd_media_add(db, &o); break;
	case SEARCH: rc = cmd_search(db, &o); break;
	case TICK: rc = cmd_tick(db); break;
	case EVENT_SESSION_ADD: rc = cmd_event_session_add(db, &o); break;
	case COMPANY_LINK: rc = cmd_company(db, &o, true); break;
	case COMPANY_SET: rc = cmd_company(db, &o, false); break;
	case IP_SHOW: rc = cmd_ip_rules_show(db, &o); break;
	case IP_SET: rc = cmd_ip_rules_set(db, &o); break;
	case IP_CHECK: rc = cmd_ip_rules_check(db, &o); break;
	default: rc = 2;
	}
	db_close(db);
	password_free_common();
	return rc;
}
