/*
 * settings.h - site settings set on the screen /staff/settings (issue 6 item 5; G01, G45, G86, SEC13).
 *
 * Precedence: a row of the settings table (key below) overrides the default from sites/<site>/site.ini
 * [site] or the config's [security]; a key without a row takes that default. The listing settings
 * (company_approval, listing_unit_months, notice_days) are read by content/company.c as before.
 *
 * Every process keeps the settings it reads as an immutable snapshot (settings_current), replaced when a
 * save in this process commits (settings_publish) and re-read by settings_refresh when the search_log
 * sequence changes (a save appends to it, so the public page cache drops its pages in every process at
 * the same moment) or at least every SETTINGS_RECHECK_S seconds. Replaced snapshots are kept until
 * settings_free, so a pointer from settings_current stays valid for the whole request.
 */
#ifndef TSUNAGU_SETTINGS_H
#define TSUNAGU_SETTINGS_H

#include "core/buf.h"
#include "core/config.h"
#include "core/str.h"
#include "db/db.h"

#include <stdbool.h>
#include <stdint.h>

#define SETTINGS_RECHECK_S      2
#define SETTINGS_NAME_CHARS     60     /* サイト名 */
#define SETTINGS_NICK_CHARS     30     /* 愛称 */
#define SETTINGS_URL_MAX        500    /* bytes of the migration-site URL */
#define SETTINGS_GA_MAX         24     /* G-XXXXXXXX */
#define SETTINGS_GSC_MAX        100    /* Search Console token */
#define SETTINGS_NOTICE_MAX     40     /* bytes of "14,3" */
#define SETTINGS_FIELD_MAX      (CONFIG_STR - 1)

typedef enum {
	SET_NAME = 0,     /* site.name            G01 */
	SET_NICKNAME,     /* site.nickname        G01 */
	SET_MIGRATION,    /* site.migration_url   G45 */
	SET_GA,           /* site.google_analytics G86 */
	SET_GSC,          /* site.search_console  G86 */
	SET_UNIT,         /* listing_unit_months  (company.c) */
	SET_APPROVAL,     /* company_approval     (company.c) "1" / "0" */
	SET_NOTICE,       /* notice_days          (company.c) "14,3" */
	SET_ALERT_MAIL,   /* security.alert_mail  SEC13 */
	SET_COUNT
} settings_key_t;

/* Effective values (defaults overridden by stored rows); one line each, checked when saved. */
typedef struct site_settings {
	char v[SET_COUNT][CONFIG_STR];
} site_settings_t;

/* The settings table key and the form field name of k. */
const char *settings_key(settings_key_t k);
const char *settings_field(settings_key_t k);
/* Defaults from config (site.ini [site], [security] alert_mail) and content/company.c's defaults. */
void        settings_defaults(site_settings_t *s);
/* Defaults, then every stored row; false on a database error. */
bool        settings_read(db_t *db, site_settings_t *s);
/*
 * Checks one typed value (already trimmed); NULL when fine, otherwise a Japanese message for the field.
 * v is normalised in place where the form allows it (notice days sorted, "on" → "1").
 */
const char *settings_check(settings_key_t k, char *v, size_t n);
bool        settings_ga_valid(const char *id);
bool        settings_gsc_valid(const char *token);
/*
 * Writes the values of next that differ from cur (inside the caller's open write transaction), appends to
 * search_log (the page caches drop their pages), and lists the changed keys in changed ("site.name,
 * notice_days"); *nchanged is their number. False on a database error.
 */
bool        settings_store(db_t *db, const site_settings_t *cur, const site_settings_t *next, buf_t *changed,
                int *nchanged);

/* The snapshot in use (defaults until the first read). Never NULL. */
const site_settings_t *settings_current(void);
/* Makes s the snapshot (copied). */
void        settings_publish(const site_settings_t *s);
/* Re-reads the settings when seq differs from the one last seen (seq < 0: unknown) or the last read is
 * SETTINGS_RECHECK_S old; keeps the snapshot on a database error. */
void        settings_refresh(db_t *db, int64_t seq);
void        settings_free(void);

/* Convenience views of the current snapshot. */
const char *settings_site_name(void);      /* サイト名 */
const char *settings_site_nickname(void);  /* 愛称, or the name when none */

#endif
