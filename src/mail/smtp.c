/*
 * smtp.c - delivery through libcurl's SMTP client. Only smtp:// and smtps:// are allowed (no other
 * protocol, no redirect), STARTTLS is used whenever the server offers it (and required with
 * [mail] require_tls), certificates are verified, and every transfer has connect and total timeouts.
 * The easy handle lives for one round of sending, so its connection is reused from message to message.
 */
#include "mail/mail.h"
#include "mail/mail_int.h"
#include "core/log.h"
#include "core/str.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct smtp {
	CURL           *curl;
	const config_t *c;
};

struct reader {
	const char *p;
	size_t      left;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static bool curl_ready;

static void
curl_start(void)
{
	/* once per process, before any handle exists; never cleaned up (the process ends first) */
	curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

smtp_t *
mail_smtp_open(const config_t *c)
{
	smtp_t *s;

	pthread_once(&curl_once, curl_start);
	if (!curl_ready || (s = calloc(1, sizeof(*s))) == NULL) {
		log_error("mail: libcurl could not start");
		return NULL;
	}
	s->c = c;
	if ((s->curl = curl_easy_init()) == NULL) {
		log_error("mail: libcurl could not start");
		free(s);
		return NULL;
	}
	return s;
}

void
mail_smtp_close(smtp_t *s)
{
	if (s == NULL)
		return;
	curl_easy_cleanup(s->curl);
	free(s);
}

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *user)
{
	struct reader *r = user;
	size_t n = size * nmemb;

	if (n > r->left)
		n = r->left;
	memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

/* libcurl asks this now and then during a transfer: a stopping server cuts its delivery short. */
static int
progress_cb(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	(void)user;
	return mail_stopping() ? 1 : 0;
}

static bool
set_options(smtp_t *s, struct curl_slist *rcpt, struct reader *rd, char *from, char *errbuf)
{
	const config_t *c = s->c;
	CURL *h = s->curl;
	long tls = str_has_prefix(c->mail_smtp_url, "smtps://") || c->mail_require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY;

	curl_easy_reset(h); /* keeps the open connection, forgets the last message's settings */
	return curl_easy_setopt(h, CURLOPT_URL, c->mail_smtp_url) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps") == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_USE_SSL, tls) == CURLE_OK &&
	    (c->mail_smtp_user[0] == '\0' ||
	    (curl_easy_setopt(h, CURLOPT_USERNAME, c->mail_smtp_user) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_PASSWORD, c->mail_smtp_password) == CURLE_OK)) &&
	    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_READDATA, rd) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)rd->left) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)MAIL_CONNECT_TIMEOUT_S) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)MAIL_TIMEOUT_S) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress_cb) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK;
}

/* Failures that say nothing about this message, only that no server answered: the round should end. */
static bool
unreachable(CURLcode rc)
{
	return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
	    rc == CURLE_COULDNT_RESOLVE_PROXY || rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_LOGIN_DENIED ||
	    rc == CURLE_USE_SSL_FAILED || rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR ||
	    rc == CURLE_ABORTED_BY_CALLBACK;
}

/* "<address>" as MAIL FROM and RCPT TO want it. */
static bool
angle(char *out, size_t n, const char *addr)
{
	int k = snprintf(out, n, "<%s>", addr);

	return k > 0 && (size_t)k < n;
}

int
mail_smtp_send(smtp_t *s, const char *to, const char *msg, size_t len, char *err, size_t errlen)
{
	char errbuf[CURL_ERROR_SIZE] = "", from[STR_EMAIL_MAX + 3], rcpt_addr[STR_EMAIL_MAX + 3];
	struct reader rd = { msg, len };
	struct curl_slist *rcpt;
	CURLcode rc;
	long code = 0;

	/* both were checked by str_email_valid: no CR, LF, spaces or angle brackets reach the SMTP commands */
	if (!str_email_valid(to) || !str_email_valid(s->c->mail_from)) {
		str_errf(err, errlen, "invalid address");
		return SMTP_FAILED;
	}
	if (!angle(from, sizeof(from), s->c->mail_from) || !angle(rcpt_addr, sizeof(rcpt_addr), to) ||
	    (rcpt = curl_slist_append(NULL, rcpt_addr)) == NULL) {
		str_errf(err, errlen, "out of memory");
		return SMTP_FAILED;
	}
	if (!set_options(s, rcpt, &rd, from, errbuf)) {
		curl_slist_free_all(rcpt);
		str_errf(err, errlen, "libcurl refused an SMTP option");
		return SMTP_UNREACHABLE;
	}
	rc = curl_easy_perform(s->curl);
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
	/* the handle outlives this call: it must not keep pointers into this stack frame */
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(s->curl, CURLOPT_READDATA, NULL);
	curl_slist_free_all(rcpt);
	if (rc == CURLE_OK)
		return SMTP_OK;
	str_errf(err, errlen, "%s (SMTP %ld)", errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc), code);
	return unreachable(rc) ? SMTP_UNREACHABLE : SMTP_FAILED;
}
