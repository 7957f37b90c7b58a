/* config.h - settings: built-in defaults, then the INI file (--config), then TSUNAGU_* environment, then flags. */
#ifndef TSUNAGU_CONFIG_H
#define TSUNAGU_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_STR 512

typedef struct config {
	/* [server] */
	char     listen[CONFIG_STR];      /* host:port; port 0 picks a free one (printed at start) */
	char     data_dir[CONFIG_STR];
	char     site[64];                /* site profile under sites/ */
	char     root[CONFIG_STR];        /* where templates/, static/, sites/, data/, i18n/ are */
	char     base_url[CONFIG_STR];    /* public URL, for links in mail and canonical tags */
	char     trusted_proxies[CONFIG_STR]; /* CIDR list (http/ipacl.h) of proxies whose X-Forwarded-For is believed */
	int      threads;
	int      max_connections;
	int      max_connections_per_ip;
	int      connection_timeout_s;
	int64_t  max_body;                /* bytes of one request body */
	int      max_header_kb;           /* memory for one connection's headers */
	bool     dev;                     /* reload templates on change */
	bool     access_log_stderr;
	/* [tls] */
	char     tls_cert[CONFIG_STR];
	char     tls_key[CONFIG_STR];
	/* [session] */
	int      session_idle_min;
	int      session_absolute_h;
	/* [login] */
	int      login_max_failures;
	int      login_lockout_min;
	char     login_require_2fa_roles[64]; /* staff roles that must sign in with TOTP (issue 6 item 6): "edit,admin" */
	/* [mail] (src/mail/): no smtp_url means messages stay queued until one is configured */
	char     mail_smtp_url[CONFIG_STR];     /* smtp://host:port (STARTTLS when offered) or smtps://host:port */
	char     mail_smtp_user[CONFIG_STR];
	char     mail_smtp_password[CONFIG_STR];
	char     mail_from[CONFIG_STR];         /* envelope sender and From: address */
	char     mail_from_name[CONFIG_STR];    /* display name in From: (UTF-8, encoded per RFC 2047) */
	bool     mail_require_tls;              /* smtp:// must upgrade with STARTTLS or the attempt fails */
	int      mail_max_attempts;             /* then the message is marked failed */
	/* [antispam] public forms (auth/antispam.h; defaults are its ANTISPAM_DEFAULT_*) */
	int      antispam_difficulty;     /* leading zero bits of the proof of work */
	int      antispam_ttl_s;          /* seconds a challenge stays valid */
	int      antispam_rate_max;       /* submissions of one form per address per window */
	int      antispam_rate_window_s;
	/* [audit] retention (issue 6 item 7; SEC12): entries older than this many days are pruned */
	int      audit_keep_days;         /* at least AUDIT_KEEP_DAYS_MIN (92, three months) */
	/* [security] intrusion signals (issue 6 item 8; SEC13, auth/alerts.h); the site settings screen's
	 * security address overrides alert_mail */
	char     security_alert_mail[CONFIG_STR]; /* where alert mail goes; empty: the dashboard only */
	int      security_window_s;       /* sliding window of the thresholds */
	int      security_login_per_ip;   /* failed logins from one address in the window */
	int      security_login_total;    /* failed logins from anywhere in the window */
	int      security_ipblock;        /* IP-rule refusals in the window */
	int      security_csrf;           /* CSRF failures in the window */
	int      security_mail_interval_min; /* at most one alert mail per kind in this many minutes */
	/* [stats] page views (issue 7 item 6; stats/stats.h) */
	int      stats_flush_s;           /* seconds between writes of the in-memory counts */
	bool     stats_count_headless;    /* count HeadlessChrome visits (browser tests); crawlers never count */
	/* [security] sealed personal data (issue 7 item 3; SEC06): the key file lives OUTSIDE the data directory */
	char     seal_key_file[CONFIG_STR];  /* default /etc/tsunagu/seal.key; created 0600 by `migrate` */
	/* [site] from sites/<site>/site.ini */
	char     site_name[CONFIG_STR];
	char     site_nickname[CONFIG_STR];
	char     site_short[CONFIG_STR];
	char     site_owner[CONFIG_STR];
	char     site_contact[CONFIG_STR];
	char     site_migration_url[CONFIG_STR];  /* G45: the migration matching site, linked from the top page */
	char     site_ga_id[CONFIG_STR];          /* G86: Google Analytics 4 measurement ID (G-XXXXXXX); empty: none */
	char     site_gsc_token[CONFIG_STR];      /* G86: Search Console verification token; empty: none */
} config_t;

extern config_t config;

void config_defaults(config_t *c);
/* Reads an INI file into c; false (and a message in err) on a syntax error or an unknown key. */
bool config_load_file(config_t *c, const char *path, char *err, size_t errlen);
/* Applies TSUNAGU_SECTION_KEY environment variables, then TSUNAGU_SMTP_URL, TSUNAGU_SMTP_USER,
 * TSUNAGU_SMTP_PASSWORD and TSUNAGU_MAIL_FROM; false on a bad value. */
bool config_load_env(config_t *c, char *err, size_t errlen);
/* Sets one key (section "server", key "listen" ...) from a string; false on an unknown key or bad value. */
bool config_set(config_t *c, const char *section, const char *key, const char *value, char *err, size_t errlen);
/* Reads sites/<site>/site.ini under root; false when missing or malformed. */
bool config_load_site(config_t *c, char *err, size_t errlen);
/* True when TLS is configured (cookies get Secure and the __Host- prefix, HSTS is sent). */
bool config_tls(const config_t *c);

#endif
