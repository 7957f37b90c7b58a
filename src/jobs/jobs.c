/* jobs.c - the housekeeping thread: wakes every few minutes, or at once when asked to stop. */
#include "jobs/jobs.h"
#include "jobs/expiry.h"
#include "mail/mail.h"
#include "auth/alerts.h"
#include "auth/antispam.h"
#include "auth/totp.h"
#include "auth/audit.h"
#include "auth/session.h"
#include "core/jtime.h"
#include "core/log.h"
#include "member/member.h"
#include "search/search.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

static pthread_t thread;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static bool stopping, running;
static jobs_policy_t policy;

int64_t
jobs_housekeeping(db_t *db, int64_t now, const jobs_policy_t *p)
{
	session_policy_t sp = { p->session_idle_s, p->session_absolute_s };
	int64_t n = session_purge(db, now, &sp), m;
	db_stmt_t *st;
	int i;

	if (n < 0)
		return -1;
	st = db_prepare(db, "DELETE FROM login_throttle WHERE locked_until < ? AND last_failure < ?");
	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, now);
	db_bind_i64(st, 2, now - p->throttle_keep_s);
	if (db_run(st) != DB_DONE)
		return -1;
	m = db_changes(db);
	n += m;
	m = search_log_prune(db, now - SEARCH_LOG_KEEP_S);
	if (m < 0)
		return -1;
	n += m;
	m = antispam_prune(db, now);
	if (m < 0)
		return -1;
	n += m;
	m = member_prune(db, now); /* unconfirmed registrations and reset links past their expiry */
	if (m < 0)
		return -1;
	n += m;
	m = alerts_prune(db, now); /* security events past ALERTS_EVENT_KEEP_S (SEC13) */
	if (m < 0)
		return -1;
	n += m;
	m = totp_pending_prune(db, now); /* half-finished two-factor logins past their 5 minutes */
	if (m < 0)
		return -1;
	n += m;
	if (p->audit_keep_s > 0) {
		int64_t boundary;
		m = audit_prune(db, now - p->audit_keep_s, "system", "local", now, &boundary);
		if (m < 0)
			return -1;
		if (m > 0)
			log_info("jobs: %lld audit entries pruned (up to %lld)", (long long)m, (long long)boundary);
		n += m;
	}
	for (i = 0; i < p->ntypes && i < JOBS_MAX_TYPES; i++)
		if (!search_warm(db, p->types[i]))
			log_error("jobs: the search index of %s could not be refreshed", p->types[i]);
	return n;
}

static void *
loop(void *arg)
{
	db_t *db = db_open();
	struct timespec until;

	(void)arg;
	if (db == NULL) {
		log_error("jobs: no database connection; housekeeping is off");
		return NULL;
	}
	pthread_mutex_lock(&mu);
	while (!stopping) {
		pthread_mutex_unlock(&mu);
		if (jobs_housekeeping(db, jtime_now(), &policy) < 0)
			log_error("jobs: housekeeping failed");
		{
			/* listing periods of companies: notices before the end, the archive after it (G23-G25) */
			expiry_report_t er;
			if (!expiry_round(db, jtime_now(), &er))
				log_error("jobs: the listing-period round failed");
			else if (er.notices > 0)
				mail_wake();
		}
		pthread_mutex_lock(&mu);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += JOBS_INTERVAL_S;
		while (!stopping && pthread_cond_timedwait(&cv, &mu, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&mu);
	db_close(db);
	return NULL;
}

bool
jobs_start(const jobs_policy_t *p)
{
	policy = *p;
	stopping = false;
	if (pthread_create(&thread, NULL, loop, NULL) != 0)
		return false;
	running = true;
	return true;
}

void
jobs_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&mu);
	stopping = true;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(thread, NULL);
	running = false;
}
