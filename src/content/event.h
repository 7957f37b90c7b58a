/*
 * event.h - sessions (開催回) of event entities and seekers' applications to them (issue 5 items 4 and 6;
 * G12, G41, B06).
 *
 * Capacity is enforced by counting confirmed applications inside the caller's write transaction
 * (db_begin_write takes the write lock at once), so two seekers can never both get the last seat: the
 * second one waits for the lock, then sees the first one's row and goes on the waiting list. A
 * cancellation frees the seat and promotes the first waiting applicant in the same transaction.
 * event_apply and event_cancel run inside the caller's transaction so that the mails they cause are
 * queued in it too (mail_enqueue) and commit or roll back with the change.
 */
#ifndef TSUNAGU_EVENT_H
#define TSUNAGU_EVENT_H

#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVENT_PLACE_MAX     200     /* characters of a session's place */
#define EVENT_URL_MAX       500     /* bytes of an online session's URL */
#define EVENT_TITLE_BYTES   1024    /* an event's title as kept here (schema max 100 characters) */
#define EVENT_CAPACITY_MAX  100000
#define EVENT_SESSIONS_MAX  50      /* sessions of one event shown on its page */
#define EVENT_PROMOTE_MAX   16      /* applicants one cancellation can promote (normally one) */

typedef struct event_session {
	int64_t id;
	int64_t entity_id;
	int64_t starts_at, ends_at;   /* UTC epoch seconds */
	int64_t apply_deadline;       /* applications and cancellations before this moment */
	int64_t capacity;             /* 0: no limit */
	int64_t sort;
	char    place[EVENT_PLACE_MAX * 4 + 1];
	char    online_url[EVENT_URL_MAX + 1];
	char    status[16];           /* open, cancelled */
	int64_t confirmed, waiting;   /* counts of applications (filled by the readers) */
} event_session_t;

typedef struct event_application {
	int64_t id;
	int64_t session_id;
	int64_t account_id;
	char    status[16];           /* confirmed, waiting, cancelled */
	int64_t created_at, cancelled_at, promoted_at;
	int64_t waiting_rank;         /* 1-based place on the waiting list; 0 when not waiting */
	event_session_t session;
	char    event_title[EVENT_TITLE_BYTES];
} event_application_t;

typedef enum {
	EVENT_CONFIRMED,   /* a seat */
	EVENT_WAITING,     /* on the waiting list */
	EVENT_DUPLICATE,   /* this account already has an active application for the session */
	EVENT_CLOSED,      /* past the deadline, started, or the session is cancelled */
	EVENT_NOT_FOUND,   /* no such session of a public event (or, cancelling: not this account's) */
	EVENT_ERROR,
} event_outcome_t;

/* Parses "YYYY-MM-DDTHH:MM" (or with a space, or ":SS") as a JST moment; false when malformed. */
bool event_parse_jst(const char *s, int64_t *epoch);
/* True while the session takes applications and cancellations: open, before its deadline and start. */
bool event_session_open(const event_session_t *s, int64_t now);
/* Seats left (capacity - confirmed, never below 0); -1 when there is no limit. */
int64_t event_seats_left(const event_session_t *s);

/* The checks of event_session_add that need no database (times, capacity, place, URL): false with a
 * Japanese message in err and, in *field when field is not NULL, the form field it is about ("ends_at",
 * "apply_deadline", "capacity", "place", "online_url"; "starts_at" when there is no start). */
bool event_session_check(const event_session_t *s, const char **field, char *err, size_t errlen);
/* Validates s (event_session_check, then an entity of type event) and inserts it (in the caller's
 * transaction when one is open). False with a Japanese message in err. */
bool event_session_add(db_t *db, const event_session_t *s, int64_t now, int64_t *id, char *err, size_t errlen);
/* The sessions of an event with their counts, in display order; returns how many (at most max), -1 on error. */
int  event_sessions_of(db_t *db, int64_t entity_id, event_session_t *out, int max);
/* One session with its counts; false when there is none. */
bool event_session_get(db_t *db, int64_t id, event_session_t *out);

/* Applies account to session (which must belong to entity_id when that is not 0, a published event)
 * inside the caller's write transaction. *app_id gets the new application's id. */
event_outcome_t event_apply(db_t *db, int64_t session_id, int64_t entity_id, int64_t account_id, int64_t now,
    int64_t *app_id);
/* Cancels account's active application inside the caller's write transaction (before the session's
 * deadline only), then fills a freed seat from the waiting list in order; promoted[] gets the ids of
 * the applications moved up (*npromoted of them). Returns EVENT_CONFIRMED on success, EVENT_CLOSED past
 * the deadline, EVENT_NOT_FOUND when the application is not this account's or not active. */
event_outcome_t event_cancel(db_t *db, int64_t app_id, int64_t account_id, int64_t now,
    int64_t *promoted, int max_promoted, int *npromoted);
/* One application with its session, the event's title and its waiting-list rank; false when none. */
bool event_application_get(db_t *db, int64_t app_id, event_application_t *out);
/* An account's applications, sessions still to come first (soonest first), then past ones (latest
 * first); returns how many (at most max), -1 on error. */
int  event_applications_of(db_t *db, int64_t account_id, int64_t now, event_application_t *out, int max);
/* The applications of one session for staff (申込者一覧), cancelled ones included, in the order they came
 * (the waiting list's order), each with its status and waiting-list rank; how many (at most max), -1 on error. */
int  event_session_applications(db_t *db, int64_t session_id, event_application_t *out, int max);

#endif
