/*
 * alerts.h - intrusion signals (issue 6 item 8; SEC13). Failed logins, IP-rule refusals and CSRF failures
 * are recorded as security events; a burst over a threshold inside a sliding window opens an alert for
 * the staff dashboard (one open alert per kind, later events extend it) and queues a mail to the
 * security address at most once per kind per mail interval.
 *
 * Cost on the request path: one small write transaction per event (an INSERT, two indexed counts and,
 * during an alert, one UPDATE). A flood cannot turn into a flood of writes: each process writes at most
 * ALERTS_ROWS_PER_MIN rows a minute per kind; events beyond that are only counted in memory and added to
 * the open alert's count with the next row written. Housekeeping deletes events older than
 * ALERTS_EVENT_KEEP_S (alerts_prune); alerts stay as the history /staff/security lists.
 */
#ifndef TSUNAGU_ALERTS_H
#define TSUNAGU_ALERTS_H

#include "db/db.h"

#include <stdbool.h>
#include <stdint.h>

#define ALERTS_ROWS_PER_MIN  120     /* rows one process writes per kind and minute */
#define ALERTS_EVENT_KEEP_S  86400   /* security_events older than this are pruned */
#define ALERTS_SUMMARY_SPAN  3600    /* the top addresses of an alert are taken from this last span */
#define ALERTS_TOP_IPS       5
#define ALERTS_DETAIL_MAX    120     /* bytes of an event's detail (printable ASCII; others become '?') */
#define ALERTS_IP_MAX        64
#define ALERTS_SUMMARY_MAX   400

typedef enum { ALERT_LOGIN = 0, ALERT_IPBLOCK, ALERT_CSRF, ALERT_NKINDS } alert_kind_t;

typedef struct alerts_policy {
	int64_t     window_s;         /* the sliding window thresholds count in */
	int         login_per_ip;     /* failed logins from one address in the window */
	int         login_total;      /* failed logins from anywhere in the window */
	int         ipblock;          /* IP-rule refusals in the window */
	int         csrf;             /* CSRF failures in the window */
	int64_t     mail_interval_s;  /* at most one mail per kind in this span */
	const char *mail_to;          /* security address; NULL or "": no mail, the dashboard only */
	const char *site_name;        /* for the mail's subject and body */
	const char *staff_url;        /* absolute URL of /staff for the mail, or "" */
} alerts_policy_t;

/* "login", "ipblock", "csrf" (stored), and the Japanese names shown on screen and in mail. */
const char *alerts_kind_name(alert_kind_t k);
const char *alerts_kind_label(alert_kind_t k);
/* The kind of a stored name; false when unknown. */
bool        alerts_kind_parse(const char *name, alert_kind_t *k);

/*
 * Records one event from ip at now (in its own write transaction, or in the caller's when one is open).
 * Returns 1 when the event is part of an open alert (opened or extended by it), 0 when not, -1 on a
 * database error. *mailed is set when an alert mail was queued (call mail_wake() then).
 */
int         alerts_record(db_t *db, alert_kind_t kind, const char *ip, const char *detail, int64_t now,
                const alerts_policy_t *p, bool *mailed);
/* Acknowledges open alert id as actor (audited "security.ack" in the same transaction): 1 done, 0 no
 * such open alert, -1 on a database or audit error. */
int         alerts_ack(db_t *db, int64_t id, int64_t actor_id, const char *actor, const char *ip, int64_t now);
/* Deletes events older than now - ALERTS_EVENT_KEEP_S; the number deleted, -1 on error. */
int64_t     alerts_prune(db_t *db, int64_t now);
/* Forgets the in-memory per-minute row counts (tests). */
void        alerts_gate_reset(void);

#endif
