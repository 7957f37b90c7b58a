/*
 * publish.c - the scheduler thread of `serve` (issue 6 item 5): a publication booked for a time happens at
 * that time whether or not anyone visits. The thread sleeps until the earliest booking, but never longer than
 * CMS_SCHEDULER_POLL_S (a booking saved by another process, or a clock override, is seen within that), and
 * is woken at once when this process saves a booking (cms_scheduler_wake).
 */
#include "content/cms.h"
#include "core/jtime.h"
#include "core/log.h"
#include "db/db.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

static pthread_t thread;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static bool stopping, running, woken;

static void *
loop(void *arg)
{
	db_t *db = db_open();

	(void)arg;
	if (db == NULL) {
		log_error("cms scheduler: no database connection; booked publications wait for `tsunagu tick`");
		return NULL;
	}
	pthread_mutex_lock(&mu);
	while (!stopping) {
		int64_t next, wait_s = CMS_SCHEDULER_POLL_S, now;
		struct timespec until;
		int n;
		woken = false;
		pthread_mutex_unlock(&mu);
		now = jtime_now();
		if ((n = cms_publish_due(db, now)) < 0)
			log_error("cms scheduler: booked publications could not be published");
		else if (n > 0)
			log_info("cms scheduler: %d booked publication(s) published", n);
		next = cms_schedule_next(db);
		if (next > 0) {
			now = jtime_now();
			wait_s = next <= now ? 1 : next - now;
			if (wait_s > CMS_SCHEDULER_POLL_S)
				wait_s = CMS_SCHEDULER_POLL_S;
		}
		pthread_mutex_lock(&mu);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += wait_s;
		while (!stopping && !woken && pthread_cond_timedwait(&cv, &mu, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&mu);
	db_close(db);
	return NULL;
}

bool
cms_scheduler_start(void)
{
	stopping = false;
	if (pthread_create(&thread, NULL, loop, NULL) != 0)
		return false;
	running = true;
	return true;
}

void
cms_scheduler_wake(void)
{
	pthread_mutex_lock(&mu);
	woken = true;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

void
cms_scheduler_stop(void)
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
