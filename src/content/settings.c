/* settings.c - site settings: defaults from site.ini, overrides from the settings table, one snapshot per process. */
#include "content/settings.h"
#include "content/company.h"
#include "core/buf.h"
#include "core/log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct {
	const char *key;
	const char *field;
} keys[SET_COUNT] = {
	{ "site.name", "site_name" },
	{ "site.nickname", "nickname" },
	{ "site.migration_url", "migration_url" },
	{ "site.google_analytics", "ga_id" },
	{ "site.search_console", "gsc_token" },
	{ "listing_unit_months", "unit_months" },
	{ "company_approval", "approval" },
	{ "notice_days", "notice_days" },
	{ "security.alert_mail", "alert_mail" },
};

struct snap {
	site_settings_t s;
	struct snap    *prev;
};

static _Atomic(struct snap *) head;
static pthread_mutex_t publish_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t refresh_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t seen_seq = -1;
static int64_t seen_at = -1; /* CLOCK_MONOTONIC seconds of the last read */

const char *
settings_key(settings_key_t k)
{
	return (unsigned)k < SET_COUNT ? keys[k].key : "";
}

const char *
settings_field(settings_key_t k)
{
	return (unsigned)k < SET_COUNT ? keys[k].field : "";
}

static void
notice_str(const company_settings_t *c, char *out, size_t n)
{
	size_t k = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < c->nnotice && k < n; i++) {
		int w = snprintf(out + k, n - k, "%s%d", i > 0 ? "," : "", c->notice_days[i]);
		if (w < 0 || (size_t)w >= n - k)
			break;
		k += (size_t)w;
	}
}

static void
company_values(const company_settings_t *c, site_settings_t *s)
{
	snprintf(s->v[SET_UNIT], sizeof(s->v[SET_UNIT]), "%d", c->unit_months);
	str_copy(s->v[SET_APPROVAL], sizeof(s->v[SET_APPROVAL]), c->approval ? "1" : "0");
	notice_str(c, s->v[SET_NOTICE], sizeof(s->v[SET_NOTICE]));
}

void
settings_defaults(site_settings_t *s)
{
	company_settings_t c = { true, 1, { 14, 3 }, 2 };

	memset(s, 0, sizeof(*s));
	str_copy(s->v[SET_NAME], sizeof(s->v[SET_NAME]), config.site_name);
	str_copy(s->v[SET_NICKNAME], sizeof(s->v[SET_NICKNAME]), config.site_nickname);
	str_copy(s->v[SET_MIGRATION], sizeof(s->v[SET_MIGRATION]), config.site_migration_url);
	/* a malformed default from site.ini is never put in a page (web.c checks the same) */
	if (settings_ga_valid(config.site_ga_id))
		str_copy(s->v[SET_GA], sizeof(s->v[SET_GA]), config.site_ga_id);
	if (settings_gsc_valid(config.site_gsc_token))
		str_copy(s->v[SET_GSC], sizeof(s->v[SET_GSC]), config.site_gsc_token);
	str_copy(s->v[SET_ALERT_MAIL], sizeof(s->v[SET_ALERT_MAIL]), config.security_alert_mail);
	company_values(&c, s);
}

bool
settings_read(db_t *db, site_settings_t *s)
{
	company_settings_t c;
	db_stmt_t *st;
	int rc, k;

	settings_defaults(s);
	if (!company_settings_load(db, &c))
		return false;
	company_values(&c, s);
	st = db_prepare(db, "SELECT key, value FROM settings WHERE key IN "
	    "('site.name', 'site.nickname', 'site.migration_url', 'site.google_analytics', 'site.search_console', "
	    "'security.alert_mail')");
	if (st == NULL)
		return false;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *key = db_col_text(st, 0), *val = db_col_text(st, 1);
		for (k = 0; k < SET_COUNT; k++)
			if (strcmp(key, keys[k].key) == 0)
				str_copy(s->v[k], sizeof(s->v[k]), val);
	}
	db_done(st);
	return rc == DB_DONE;
}

bool
settings_ga_valid(const char *id)
{
	size_t i, n = strlen(id);

	if (n < 6 || n > SETTINGS_GA_MAX || strncmp(id, "G-", 2) != 0)
		return false;
	for (i = 2; i < n; i++)
		if (!((id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= '0' && id[i] <= '9')))
			return false;
	return true;
}

bool
settings_gsc_valid(const char *t)
{
	size_t i, n = strlen(t);

	if (n < 10 || n > SETTINGS_GSC_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') ||
		    t[i] == '-' || t[i] == '_'))
			return false;
	return true;
}

/* Full-width digits, full-width commas and 、 typed by a Japanese keyboard become ASCII; spaces go. */
static void
ascii_digits(char *v)
{
	unsigned char *p = (unsigned char *)v, *o = p;

	while (*p != '\0') {
		if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99) {
			*o++ = (unsigned char)('0' + (p[2] - 0x90));
			p += 3;
		} else if ((p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x8C) || (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x81)) {
			*o++ = ',';
			p += 3;
		} else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
			p += 3; /* ideographic space */
		} else if (*p == ' ') {
			p++;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
}

static bool
url_ok(const char *v)
{
	const char *host;
	size_t i, n = strlen(v);

	if (strncmp(v, "https://", 8) == 0)
		host = v + 8;
	else if (strncmp(v, "http://", 7) == 0)
		host = v + 7;
	else
		return false;
	if (n > SETTINGS_URL_MAX || *host == '\0' || *host == '/' || *host == '.')
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' || c == '`')
			return false;
	}
	return true;
}

static const char *
text_check(const char *v, size_t max_chars, bool required, const char *empty, const char *too_long, const char *bad)
{
	size_t n = strlen(v);

	if (n == 0)
		return required ? empty : NULL;
	if (!str_utf8_valid(v, n, false))
		return bad;
	if (str_utf8_len(v, n) > max_chars || n > SETTINGS_FIELD_MAX)
		return too_long;
	return NULL;
}

const char *
settings_check(settings_key_t k, char *v, size_t n)
{
	company_settings_t c;
	int64_t x;
	size_t i;

	switch (k) {
	case SET_NAME:
		return text_check(v, SETTINGS_NAME_CHARS, true, "サイト名を入力してください。",
		    "サイト名は60文字以内で入力してください。", "サイト名に使えない文字が含まれています。");
	case SET_NICKNAME:
		return text_check(v, SETTINGS_NICK_CHARS, false, NULL, "愛称は30文字以内で入力してください。",
		    "愛称に使えない文字が含まれています。");
	case SET_MIGRATION:
		if (v[0] == '\0' || url_ok(v))
			return NULL;
		return "移住マッチングサイトのURLは、https:// または http:// で始まるURL（500文字以内、空白なし）で入力してください。";
	case SET_GA:
		for (i = 0; v[i] != '\0'; i++)
			if (v[i] >= 'a' && v[i] <= 'z')
				v[i] = (char)(v[i] - 'a' + 'A');
		if (v[0] == '\0' || settings_ga_valid(v))
			return NULL;
		return "Google アナリティクス測定IDは「G-」に続く英字と数字（例: G-ABC123XYZ）で入力してください。";
	case SET_GSC:
		/* the whole <meta ... content="TOKEN"> pasted from Search Console: its content value */
		if (strstr(v, "content=\"") != NULL) {
			const char *s = strstr(v, "content=\"") + 9;
			size_t len = strcspn(s, "\"");
			if (s[len] == '"' && len < n) {
				memmove(v, s, len);
				v[len] = '\0';
			}
		}
		if (v[0] == '\0' || settings_gsc_valid(v))
			return NULL;
		return "Search Console 確認コードは、確認用メタタグの content の値（英数字と「-」「_」、10〜100文字）を入力してください。";
	case SET_UNIT:
		ascii_digits(v);
		if (str_to_i64(v, 1, COMPANY_MAX_UNIT, &x))
			return NULL;
		return "掲載期間の単位は、1から12までの月数を半角数字で入力してください。";
	case SET_APPROVAL:
		if (strcmp(v, "1") == 0 || strcmp(v, "on") == 0) {
			str_copy(v, n, "1");
			return NULL;
		}
		if (v[0] == '\0' || strcmp(v, "0") == 0) {
			str_copy(v, n, "0");
			return NULL;
		}
		return "企業情報の承認の指定が正しくありません。";
	case SET_NOTICE:
		ascii_digits(v);
		if (strlen(v) <= SETTINGS_NOTICE_MAX && company_parse_notice_days(v, &c)) {
			notice_str(&c, v, n);
			return NULL;
		}
		return "掲載終了のお知らせは、1から365までの日数を「14,3」のようにカンマで区切って入力してください"
		    "（同じ日数は1回まで、8件まで）。";
	case SET_ALERT_MAIL:
		if (v[0] == '\0' || str_email_valid(v))
			return NULL;
		return "メールアドレスの形式が正しくありません（例: security@example.jp）。";
	case SET_COUNT:
		break;
	}
	return "この項目は変更できません。";
}

bool
settings_store(db_t *db, const site_settings_t *cur, const site_settings_t *next, buf_t *changed, int *nchanged)
{
	db_stmt_t *st;
	int k;

	*nchanged = 0;
	for (k = 0; k < SET_COUNT; k++) {
		if (strcmp(cur->v[k], next->v[k]) == 0)
			continue;
		st = db_prepare(db, "INSERT INTO settings (key, value) VALUES (?, ?) "
		    "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
		if (st == NULL)
			return false;
		db_bind_str(st, 1, keys[k].key);
		db_bind_str(st, 2, next->v[k]);
		if (db_run(st) != DB_DONE)
			return false;
		buf_printf(changed, "%s%s", *nchanged > 0 ? "," : "", keys[k].key);
		(*nchanged)++;
	}
	if (*nchanged == 0)
		return true;
	st = db_prepare(db, "INSERT INTO search_log (entity_id) VALUES (0)");
	return st != NULL && db_run(st) == DB_DONE && !changed->oom;
}

/* ---- the snapshot ---- */

void
settings_publish(const site_settings_t *s)
{
	struct snap *n = malloc(sizeof(*n));

	if (n == NULL) {
		log_error("settings: out of memory; keeping the previous settings");
		return;
	}
	n->s = *s;
	pthread_mutex_lock(&publish_lock);
	n->prev = atomic_load(&head);
	atomic_store(&head, n);
	pthread_mutex_unlock(&publish_lock);
}

const site_settings_t *
settings_current(void)
{
	struct snap *h = atomic_load(&head);

	if (h == NULL) {
		site_settings_t d;
		settings_defaults(&d);
		pthread_mutex_lock(&publish_lock);
		h = atomic_load(&head);
		pthread_mutex_unlock(&publish_lock);
		if (h == NULL) {
			settings_publish(&d);
			h = atomic_load(&head);
		}
		if (h == NULL) {
			static site_settings_t fallback;
			return &fallback;
		}
	}
	return &h->s;
}

static bool
same(const site_settings_t *a, const site_settings_t *b)
{
	int k;

	for (k = 0; k < SET_COUNT; k++)
		if (strcmp(a->v[k], b->v[k]) != 0)
			return false;
	return true;
}

static int64_t
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

void
settings_refresh(db_t *db, int64_t seq)
{
	site_settings_t *s;
	int64_t now = mono_s();

	if (db == NULL || pthread_mutex_trylock(&refresh_lock) != 0)
		return;
	if (atomic_load(&head) != NULL && (seq < 0 || seq == seen_seq) && seen_at >= 0 && now - seen_at < SETTINGS_RECHECK_S) {
		pthread_mutex_unlock(&refresh_lock);
		return;
	}
	s = malloc(sizeof(*s));
	if (s != NULL && settings_read(db, s)) {
		struct snap *h = atomic_load(&head);
		if (h == NULL || !same(&h->s, s))
			settings_publish(s);
		if (seq >= 0)
			seen_seq = seq;
		seen_at = now;
	}
	free(s);
	pthread_mutex_unlock(&refresh_lock);
}

void
settings_free(void)
{
	struct snap *h, *p;

	pthread_mutex_lock(&publish_lock);
	h = atomic_exchange(&head, NULL);
	pthread_mutex_unlock(&publish_lock);
	for (; h != NULL; h = p) {
		p = h->prev;
		free(h);
	}
	seen_seq = -1;
	seen_at = -1;
}

const char *
settings_site_name(void)
{
	return settings_current()->v[SET_NAME];
}

const char *
settings_site_nickname(void)
{
	const site_settings_t *s = settings_current();

	return s->v[SET_NICKNAME][0] ? s->v[SET_NICKNAME] : s->v[SET_NAME];
}
