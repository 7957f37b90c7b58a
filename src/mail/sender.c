/* sender.c - the mail thread of `serve`: a round of mail_send_due every MAIL_POLL_S, or at once when
 * mail_wake() says a message was queued. */
#include "mail/mail.h"
#include "mail/mail_int.h"
#include "core/jtime.h"
#include "core/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

static pthread_t thread;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static bool stopping, running, woken;
static atomic_bool abort_transfer; /* read by libcurl's progress callback, outside mu */
static const config_t *cfg;

bool
mail_stopping(void)
{
	return atomic_load(&abort_transfer);
}

void
mail_wake(void)
{
	pthread_mutex_lock(&mu);
	woken = true;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

/* Waits (mu held) until woken, stopped or MAIL_POLL_S have passed. */
static void
nap(void)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += MAIL_POLL_S;
	while (!stopping && !woken && pthread_cond_timedwait(&cv, &mu, &until) != ETIMEDOUT)
		;
	woken = false;
}

static void *
loop(void *arg)
{
	db_t *db = db_open();
	int n = 0;

	(void)arg;
	if (db == NULL) {
		log_error("mail: no database connection; mail stays queued");
		return NULL;
	}
	pthread_mutex_lock(&mu);
	while (!stopping) {
		woken = false;
		pthread_mutex_unlock(&mu);
		n = mail_send_due(db, cfg, jtime_now(), MAIL_ROUND_MAX, NULL);
		if (n < 0)
			log_error("mail: the outbox could not be read or updated");
		pthread_mutex_lock(&mu);
		if (n < MAIL_ROUND_MAX) /* a full round means more may be due (bulk mail): go on at once */
			nap();
	}
	pthread_mutex_unlock(&mu);
	db_close(db);
	return NULL;
}

bool
mail_sender_start(const config_t *c)
{
	char why[256];

	if (!mail_configured(c, why, sizeof(why))) {
		log_info("mail: %s; messages stay queued until it is", why);
		return true;
	}
	if (c->mail_smtp_user[0] != '\0' && !c->mail_require_tls && str_has_prefix(c->mail_smtp_url, "smtp://"))
		log_info("mail: [mail] require_tls is off; the SMTP password goes in clear if the server offers no STARTTLS");
	cfg = c;
	stopping = false;
	atomic_store(&abort_transfer, false);
	if (pthread_create(&thread, NULL, loop, NULL) != 0)
		return false;
	running = true;
	log_info("mail: sender started"); /* not the URL: it may hold a password */
	return true;
}

void
mail_sender_stop(void)
{
	if (!running)
		return;
	atomic_store(&abort_transfer, true);
	pthread_mutex_lock(&mu);
	stopping = true;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(thread, NULL);
	atomic_store(&abort_transfer, false);
	running = false;
}
