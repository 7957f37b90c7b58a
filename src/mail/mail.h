/*
 * mail.h - outgoing mail. Every message is first a row of the outbox table, written in the caller's
 * transaction (so a registration and its confirmation mail commit together); the sender thread of
 * `serve`, or `tsunagu tick`, claims due rows with a lease, delivers them by SMTP through libcurl and
 * marks them sent, or schedules a retry with exponential back-off, or after [mail] max_attempts marks
 * them failed. A message is never lost when the SMTP server is down or a sender dies mid-delivery.
 *
 * Headers are made only of fixed text and checked values (SEC04): the recipient is a plain address
 * (str_email_valid), the subject and attachment name are one line without control characters, and
 * all text beyond plain ASCII travels RFC 2047-encoded (headers) or base64 (body). One recipient per
 * message, never Cc or Bcc, so nobody sees another recipient's address (SEC08).
 */
#ifndef TSUNAGU_MAIL_H
#define TSUNAGU_MAIL_H

#include "core/buf.h"
#include "core/config.h"
#include "core/str.h"
#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAIL_SUBJECT_MAX       200                 /* characters (code points) */
#define MAIL_BODY_MAX          (100 * 1024)        /* bytes of UTF-8 */
#define MAIL_ATT_MAX           (256 * 1024)        /* bytes of the attachment */
#define MAIL_ATT_NAME_MAX      100                 /* bytes of the attachment's file name */
#define MAIL_ATT_MIME_MAX      100                 /* bytes of its media type with parameters */
#define MAIL_KIND_MAX          16                  /* bytes of the kind tag: [a-z_] */
#define MAIL_URL_MAX           500                 /* bytes of the List-Unsubscribe address */
#define MAIL_MSGID_MAX         (2 + 32 + 1 + STR_EMAIL_MAX + 1)
#define MAIL_LEASE_S           300                 /* a claimed row goes back to the queue after this */
#define MAIL_BACKOFF_FIRST_S   60                  /* wait after the first failure; doubles each time */
#define MAIL_BACKOFF_MAX_S     3600
#define MAIL_CONNECT_TIMEOUT_S 10
#define MAIL_TIMEOUT_S         30                  /* one whole SMTP delivery */
#define MAIL_POLL_S            5                   /* the sender thread looks for due mail this often */
#define MAIL_ROUND_MAX         50                  /* messages the sender thread sends between looks */

/* One message as the caller gives it; every pointer is borrowed. */
typedef struct mail_msg {
	const char *kind;     /* short tag for logs and statistics: 'confirm', 'reset', 'notice', 'bulk' */
	const char *to;       /* one plain address */
	const char *subject;  /* UTF-8, one line */
	const char *body;     /* UTF-8 text; line ends become CRLF when sent */
	const char *att_name; /* NULL: no attachment; else a file name such as "event.ics" */
	const char *att_mime; /* e.g. "text/calendar; method=PUBLISH; charset=UTF-8" */
	const void *att_data;
	size_t      att_len;
	const char *unsubscribe; /* NULL, or an http(s) URL of printable ASCII: List-Unsubscribe with one-click
	                            List-Unsubscribe-Post (RFC 2369, RFC 8058); bulk mail only */
} mail_msg_t;

/* What the sender adds to a message. */
typedef struct mail_head {
	const char *from;       /* checked address: envelope sender and From: */
	const char *from_name;  /* display name or NULL/"" */
	const char *message_id; /* "<...@domain>" from mail_message_id */
	int64_t     date;       /* the Date: header (the time the message was queued) */
} mail_head_t;

/* What one round of sending did. */
typedef struct mail_round {
	int sent;
	int retried; /* failed, queued again for later */
	int failed;  /* failed for good */
} mail_round_t;

/* True when u may be a List-Unsubscribe address (mail_msg_t.unsubscribe). */
bool    mail_url_ok(const char *u);
/* True when m may be queued; otherwise false with a Japanese message in err. */
bool    mail_check(const mail_msg_t *m, char *err, size_t errlen);
/* Checks m and adds it to the outbox as 'queued', due at now. Runs inside the caller's transaction when
 * one is open (call mail_wake() after committing to send at once rather than within MAIL_POLL_S).
 * False with a Japanese message in err on a bad message or a database error. */
bool    mail_enqueue(db_t *db, const mail_msg_t *m, int64_t now, int64_t *id_out, char *err, size_t errlen);

/* A new random Message-ID "<32 hex digits@domain of from>"; false when from is not an address. */
bool    mail_message_id(char *out, size_t outlen, const char *from);
/* The whole message (RFC 5322 + MIME, CRLF line ends) appended to out: text/plain UTF-8 in base64, or
 * multipart/mixed with the attachment. Checks m and h again; false with a message in err. */
bool    mail_build(buf_t *out, const mail_msg_t *m, const mail_head_t *h, char *err, size_t errlen);

/* True when c has what sending needs ([mail] smtp_url and from); else why (for the log) in why. */
bool    mail_configured(const config_t *c, char *why, size_t whylen);
/* Seconds to wait after the attempts-th failed attempt: 60, 120, 240 ... at most MAIL_BACKOFF_MAX_S. */
int64_t mail_backoff_s(int attempts);
/* Claims the next due queued row for MAIL_LEASE_S in its own transaction (attempts + 1; its Message-ID
 * chosen with from's domain if it has none). Returns the row id, 0 when none is due, -1 on error;
 * *attempts gets the claim's number, which marking the row checks, so a stale sender cannot. */
int64_t mail_claim(db_t *db, int64_t now, const char *from, int *attempts);
/* Rows whose lease ran out go back to 'queued' (or 'failed' if that was their last attempt).
 * Returns how many, or -1 on error. */
int64_t mail_release_expired(db_t *db, int64_t now, int max_attempts);
/* One round: releases expired leases, then claims and delivers up to max due messages with c's [mail]
 * settings. Does nothing when mail is not configured. Stops early when the server cannot be reached.
 * Returns the number of messages tried, -1 on a database error; r (may be NULL) gets the counts. */
int     mail_send_due(db_t *db, const config_t *c, int64_t now, int max, mail_round_t *r);
/* Rows with this status ('queued', 'sending', 'sent', 'failed'); -1 on error. */
int64_t mail_count(db_t *db, const char *status);

/* The sender thread of `serve`: runs mail_send_due every MAIL_POLL_S, or at once after mail_wake().
 * When c has no SMTP settings it logs that mail stays queued and starts nothing. c must outlive it. */
bool    mail_sender_start(const config_t *c);
/* Ends the thread; a delivery in flight is cut short and retried later. */
void    mail_sender_stop(void);
void    mail_wake(void);

#endif
