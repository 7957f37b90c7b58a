/*
 * consult.h - mail consultation (メール相談): a job seeker starts a thread, staff answer, both write back
 * (issue 5 items 4 and 8; G12, SEC04, SEC08). The data side, without HTTP: the pages are consult_pages.c.
 *
 * Every text a person wrote (subject, message body) is one column, so issue 7 can seal it. The notice a
 * seeker gets when staff answer carries only a link, never the text of the consultation (mail is not a
 * safe place for it). Ownership is part of every seeker query: another seeker's thread is "not found".
 */
#ifndef TSUNAGU_CONSULT_H
#define TSUNAGU_CONSULT_H

#include "auth/account.h"
#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSULT_SUBJECT_MAX  100   /* characters, one line */
#define CONSULT_BODY_MAX     4000  /* characters of one message (line ends counted as one) */
#define CONSULT_SEEKER_LIST  200   /* threads shown to one seeker (newest first) */
#define CONSULT_STAFF_PAGE   50    /* threads per page of the staff list */
#define CONSULT_NOTICE_SUBJECT "メール相談に返信がありました"

typedef struct consult {
	int64_t id;
	int64_t account_id;           /* the seeker who owns it */
	int64_t department_id;        /* 0: none */
	char    subject[CONSULT_SUBJECT_MAX * 4 + 1];
	bool    closed;
	int64_t created_at;
	int64_t updated_at;
	int64_t last_staff_reply_at;  /* 0: staff have not answered */
	int64_t unread;               /* staff messages the seeker has not read yet */
	int64_t messages;             /* messages in the thread */
	bool    awaiting_staff;       /* the newest message is the seeker's (未返信) */
	char    seeker_name[400];     /* the seeker's name (seekers.name, else the account's display name) */
	char    seeker_login[LOGIN_MAX + 1];
	char    department_name[64];
} consult_t;

typedef struct consult_msg {
	int64_t     id;
	bool        staff;            /* written by staff (else by the seeker) */
	const char *author_name;      /* display name of the author's account ("" when it is gone) */
	const char *author_department;/* staff: their department's name */
	const char *body;
	int64_t     created_at;
	int64_t     read_at;          /* 0: the other side has not read it */
} consult_msg_t;

/* Input checks with a Japanese message for the form. The subject is one line (CR/LF refused, not
 * removed) of at most CONSULT_SUBJECT_MAX characters; a body at most CONSULT_BODY_MAX characters. Both
 * refuse empty or blank text and control characters (a body may have line breaks and tabs). */
bool consult_subject_check(const char *s, char *err, size_t errlen);
bool consult_body_check(const char *s, char *err, size_t errlen);
/* The body as stored: CRLF and lone CR become LF (the browser sends CRLF). In a. */
char *consult_body_normalise(arena_t *a, const char *s);

/* The department rule for consultations (issue 6 widens it into the general one): any staff member may
 * read every thread; staff of the prefecture or of an employment-support department may answer, close
 * and reopen; company-support staff may only read. */
bool consult_staff_may_reply(const account_t *staff, const consult_t *c);

/* Starts a thread of seeker with its first message and its "consultation.create" audit entry (from ip), in
 * one transaction: no entry, no thread (SEC07). False with a message in err. */
bool consult_create(db_t *db, const account_t *seeker, const char *ip, const char *subject, const char *body, int64_t now,
         int64_t *id, char *err, size_t errlen);
/* The thread id: 1 found, 0 not found, -1 database error. consult_get_owned finds it only when it
 * belongs to account_id (another seeker's thread is "not found"). */
int  consult_get(db_t *db, int64_t id, consult_t *out);
int  consult_get_owned(db_t *db, int64_t id, int64_t account_id, consult_t *out);
/* The messages of a thread, oldest first, in a; false on a database error. */
bool consult_messages(db_t *db, arena_t *a, int64_t id, consult_msg_t **out, size_t *n);
/* Marks what the other side wrote as read by reader ("seeker": staff messages; "staff": the seeker's). */
bool consult_mark_read(db_t *db, int64_t id, const char *reader, int64_t now);
/* The seeker writes back: one message; a closed thread opens again. False with a message in err. */
bool consult_reply_seeker(db_t *db, const consult_t *c, const account_t *seeker, const char *body,
         int64_t now, char *err, size_t errlen);
/* Staff answer (the caller has checked consult_staff_may_reply): the message and the notice mail to the
 * seeker (consult_notice_compose with url, the thread's address) in one transaction; call mail_wake()
 * after. *mail_id gets the outbox row. False with a message in err. */
bool consult_reply_staff(db_t *db, const consult_t *c, const account_t *staff, const char *body,
         const char *site_name, const char *url, int64_t now, int64_t *mail_id, char *err, size_t errlen);
/* Closes or reopens a thread. */
bool consult_set_closed(db_t *db, int64_t id, bool closed, int64_t now);
/* Staff messages not yet read in all of a seeker's threads; -1 on a database error. */
int64_t consult_unread_total(db_t *db, int64_t account_id);
/* A seeker's threads, newest first (at most CONSULT_SEEKER_LIST), in a. */
bool consult_list_seeker(db_t *db, arena_t *a, int64_t account_id, consult_t **out, size_t *n);
/* Threads for staff, newest first: all, or only those waiting for an answer (open, newest message the
 * seeker's); page from 1, CONSULT_STAFF_PAGE a page; *total counts every match. */
bool consult_list_staff(db_t *db, arena_t *a, bool awaiting_only, int64_t page, consult_t **out, size_t *n,
         int64_t *total);
/* The notice body: who sends it, that there is an answer, the link; never any text of the thread. */
bool consult_notice_compose(buf_t *out, const char *site_name, const char *url);

#endif
