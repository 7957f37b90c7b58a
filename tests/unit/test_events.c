/* test_events.c - event sessions and applications at the SQL level (issue 5 items 4 and 6; G12, G41, B06):
 * the last seat taken twice in sequence (one confirmed, one waiting), the waiting list promoted in order on
 * a cancellation, deadline rules, duplicates, unpublished events, no-limit sessions, and JST parsing. */
#include "testutil.h"
#include "dbtest.h"

#include "content/event.h"
#include "core/log.h"
#include "core/str.h"

#include <pthread.h>
#include <time.h>

#define T0    1800000000  /* a fixed "now" */
#define HOUR  3600
#define DAY   86400

typedef struct fx {
	db_t   *db;
	int64_t event, hidden, acc[5];
} fx_t;

static int64_t
add_entity(db_t *db, const char *type, const char *status, const char *title)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO entities (type, status, listing_start, created_at, updated_at, title) "
	    "VALUES (?, ?, ?, ?, ?, ?)");

	db_bind_str(st, 1, type);
	db_bind_str(st, 2, status);
	db_bind_i64(st, 3, T0 - 30 * DAY);
	db_bind_i64(st, 4, T0 - DAY);
	db_bind_i64(st, 5, T0 - DAY);
	db_bind_str(st, 6, title);
	assert_int_equal(db_run(st), DB_DONE);
	return db_last_id(db);
}

static int64_t
add_account(db_t *db, int i)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO accounts (kind, login, login_key, email, password_hash, created_at, "
	    "updated_at, password_changed_at) VALUES ('seeker', ?, ?, ?, 'x', ?, ?, ?)");
	char login[32], email[64];

	snprintf(login, sizeof(login), "seeker%d", i);
	snprintf(email, sizeof(email), "seeker%d@example.jp", i);
	db_bind_str(st, 1, login);
	db_bind_str(st, 2, login);
	db_bind_str(st, 3, email);
	db_bind_i64(st, 4, T0);
	db_bind_i64(st, 5, T0);
	db_bind_i64(st, 6, T0);
	assert_int_equal(db_run(st), DB_DONE);
	return db_last_id(db);
}

static int
setup(void **state)
{
	fx_t *f = calloc(1, sizeof(*f));
	int i;

	log_set_quiet(true);
	if (f == NULL || (f->db = dbtest_open()) == NULL)
		return -1;
	f->event = add_entity(f->db, "event", "published", "合同企業説明会");
	f->hidden = add_entity(f->db, "event", "draft", "準備中のセミナー");
	for (i = 0; i < 5; i++)
		f->acc[i] = add_account(f->db, i);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fx_t *f = *state;

	dbtest_close(f->db);
	free(f);
	return 0;
}

static int64_t
session(fx_t *f, int64_t entity, int64_t capacity, int64_t deadline)
{
	event_session_t s;
	char err[256];
	int64_t id = 0;

	memset(&s, 0, sizeof(s));
	s.entity_id = entity;
	s.starts_at = T0 + 10 * DAY;
	s.ends_at = s.starts_at + 2 * HOUR;
	s.capacity = capacity;
	s.apply_deadline = deadline;
	str_copy(s.place, sizeof(s.place), "上州つなぐホール");
	assert_true(event_session_add(f->db, &s, T0, &id, err, sizeof(err)));
	return id;
}

/* one application in its own write transaction, as the web handler does */
static event_outcome_t
apply(fx_t *f, int64_t sid, int64_t acc, int64_t now, int64_t *app)
{
	event_outcome_t r;
	int64_t dummy;

	assert_true(db_begin_write(f->db));
	r = event_apply(f->db, sid, 0, acc, now, app ? app : &dummy);
	if (r == EVENT_CONFIRMED || r == EVENT_WAITING)
		assert_true(db_commit(f->db));
	else
		db_rollback(f->db);
	return r;
}

static event_outcome_t
cancel(fx_t *f, int64_t app, int64_t acc, int64_t now, int64_t *promoted, int *np)
{
	event_outcome_t r;
	int64_t p[EVENT_PROMOTE_MAX];
	int n;

	assert_true(db_begin_write(f->db));
	r = event_cancel(f->db, app, acc, now, promoted ? promoted : p, EVENT_PROMOTE_MAX, np ? np : &n);
	if (r == EVENT_CONFIRMED)
		assert_true(db_commit(f->db));
	else
		db_rollback(f->db);
	return r;
}

static void
status_is(fx_t *f, int64_t app, const char *status, int64_t rank)
{
	event_application_t a;

	assert_true(event_application_get(f->db, app, &a));
	assert_string_equal(a.status, status);
	assert_int_equal(a.waiting_rank, rank);
}

/* B06: two applications for the last seat, one after the other: one gets it, the other waits */
static void
test_last_seat_once(void **state)
{
	fx_t *f = *state;
	int64_t sid = session(f, f->event, 2, T0 + 5 * DAY), a0, a1, a2;
	event_session_t s;

	assert_int_equal(apply(f, sid, f->acc[0], T0, &a0), EVENT_CONFIRMED);
	assert_true(event_session_get(f->db, sid, &s));
	assert_int_equal(event_seats_left(&s), 1);
	assert_int_equal(apply(f, sid, f->acc[1], T0 + 1, &a1), EVENT_CONFIRMED);
	assert_int_equal(apply(f, sid, f->acc[2], T0 + 2, &a2), EVENT_WAITING);
	assert_true(event_session_get(f->db, sid, &s));
	assert_int_equal(s.confirmed, 2);
	assert_int_equal(s.waiting, 1);
	assert_int_equal(event_seats_left(&s), 0);
	status_is(f, a2, "waiting", 1);
}

/* Two connections race for the last seat: the second one's write transaction waits for the first one's lock
 * (the busy timeout), then counts the first one's committed row and goes on the waiting list. */
struct racer {
	int64_t         sid, acc;
	event_outcome_t res;
	bool            began;
};

static void *
race_second(void *arg)
{
	struct racer *x = arg;
	db_t *db = db_open();
	int64_t app;

	x->res = EVENT_ERROR;
	if (db == NULL)
		return NULL;
	x->began = db_begin_write(db);  /* blocks until the first connection commits */
	if (x->began) {
		x->res = event_apply(db, x->sid, 0, x->acc, T0 + 1, &app);
		if (!db_commit(db))
			x->res = EVENT_ERROR;
	}
	db_close(db);
	return NULL;
}

static void
test_last_seat_two_connections(void **state)
{
	fx_t *f = *state;
	int64_t sid = session(f, f->event, 1, T0 + 5 * DAY), app;
	struct racer second = { sid, f->acc[1], EVENT_ERROR, false };
	struct timespec pause = { 0, 200 * 1000 * 1000 };
	event_session_t s;
	pthread_t t;

	assert_true(db_begin_write(f->db));
	assert_int_equal(event_apply(f->db, sid, 0, f->acc[0], T0, &app), EVENT_CONFIRMED);
	assert_int_equal(pthread_create(&t, NULL, race_second, &second), 0);
	nanosleep(&pause, NULL);  /* the second one is now waiting for the write lock */
	assert_true(db_commit(f->db));
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_true(second.began);
	assert_int_equal(second.res, EVENT_WAITING);
	assert_true(event_session_get(f->db, sid, &s));
	assert_int_equal(s.confirmed, 1);
	assert_int_equal(s.waiting, 1);
}

/* the count happens inside the caller's transaction: outside one, event_apply refuses to run */
static void
test_needs_transaction(void **state)
{
	fx_t *f = *state;
	int64_t sid = session(f, f->event, 1, T0 + 5 * DAY), app;

	assert_int_equal(event_apply(f->db, sid, 0, f->acc[0], T0, &app), EVENT_ERROR);
}

/* a rolled-back application leaves the seat free */
static void
test_rollback_frees_seat(void **state)
{
	fx_t *f = *state;
	int64_t sid = session(f, f->event, 1, T0 + 5 * DAY), app;

	assert_true(db_begin_write(f->db));
	assert_int_equal(event_apply(f->db, sid, 0, f->acc[0], T0, &app), EVENT_CONFIRMED);
	db_rollback(f->db);
	assert_int_equal(apply(f, sid, f->acc[1], T0, &app), EVENT_CONFIRMED);
}

/* a cancellation promotes the first waiting applicant, in arrival order, and ranks move up */
static void
test_promotion_order(void **state)
{
	fx_t *f = *state;
	int64_t sid = session(f, f->event, 1, T0 + 5 * DAY), a[4], promoted[EVENT_PROMOTE_MAX];
	int i, np = 0;

	for (i = 0; i < 4; i++)
		assert_int_equal(apply(f, sid, f->acc[i], T0 + i, &a[i]), i == 0 ? EVENT_CONFIRMED : EVENT_WAITING);
	status_is(f, a[1], "waiting", 1);
	status_is(f, a[2], "waiting", 2);
	status_is(f, a[3], "waiting", 3);
	/* a waiting one leaving frees no seat and promotes nobody, but those behind move up */
	assert_int_equal(cancel(f, a[2], f->acc[2], T0 + 10, promoted, &np), EVENT_CONFIRMED);
	assert_int_equal(np, 0);
	status_is(f, a[3], "waiting", 2);
	/* the confirmed one leaving: the first in line gets the seat */
	assert_int_equal(cancel(f, a[0], f->acc[0], T0 + 20, promoted, &np), EVENT_CONFIRMED);
	assert_int_equal(np, 1);
	assert_int_equal(promoted[0], a[1]);
	status_is(f, a[0], "cancelled", 0);
	status_is(f, a[1], "confirmed", 0);
	status_is(f, a[3], "waiting", 1);
	{
		event_application_t x;
		assert_true(event_application_get(f->db, a[1], &x));
		assert_int_equal(x.promoted_at, T0 + 20);
		assert_int_equal(x.session.confirmed, 1);
	}
	/* a second cancellation of the same application is refused */
	assert_int_equal(cancel(f, a[0], f->acc[0], T0 + 30, NULL, NULL), EVENT_NOT_FOUND);
}

/* someone else's application cannot be cancelled */
static void
test_cancel_other_account(void **state)
{
	fx_t *f = *state;
	int64_t sid = session(f, f->event, 3, T0 + 5 * DAY), app;

	assert_int_equal(apply(f, sid, f->acc[0], T0, &app), EVENT_CONFIRMED);
	assert_int_equal(cancel(f, app, f->acc[1], T0 + 1, NULL, NULL), EVENT_NOT_FOUND);
	status_is(f, app, "confirmed", 0);
}

/* deadlines: applying and cancelling only before the deadline; the deadline moment itself is too late */
static void
test_deadline(void **state)
{
	fx_t *f = *state;
	int64_t deadline = T0 + DAY, sid = session(f, f->event, 5, deadline), app;

	assert_int_equal(apply(f, sid, f->acc[0], deadline - 1, &app), EVENT_CONFIRMED);
	assert_int_equal(apply(f, sid, f->acc[1], deadline, NULL), EVENT_CLOSED);
	assert_int_equal(apply(f, sid, f->acc[1], deadline + DAY, NULL), EVENT_CLOSED);
	assert_int_equal(cancel(f, app, f->acc[0], deadline, NULL, NULL), EVENT_CLOSED);
	status_is(f, app, "confirmed", 0);
	assert_int_equal(cancel(f, app, f->acc[0], deadline - 1, NULL, NULL), EVENT_CONFIRMED);
}

/* a cancelled session takes nothing */
static void
test_cancelled_session(void **state)
{
	fx_t *f = *state;
	int64_t sid = session(f, f->event, 5, T0 + DAY);
	db_stmt_t *st = db_prepare(f->db, "UPDATE event_sessions SET status = 'cancelled' WHERE id = ?");

	db_bind_i64(st, 1, sid);
	assert_int_equal(db_run(st), DB_DONE);
	assert_int_equal(apply(f, sid, f->acc[0], T0, NULL), EVENT_CLOSED);
}

/* one active application per session and account; after a cancellation one may apply again */
static void
test_duplicate(void **state)
{
	fx_t *f = *state;
	int64_t sid = session(f, f->event, 1, T0 + DAY), a0, a1;

	assert_int_equal(apply(f, sid, f->acc[0], T0, &a0), EVENT_CONFIRMED);
	assert_int_equal(apply(f, sid, f->acc[0], T0 + 1, NULL), EVENT_DUPLICATE);
	assert_int_equal(apply(f, sid, f->acc[1], T0 + 2, &a1), EVENT_WAITING);
	assert_int_equal(apply(f, sid, f->acc[1], T0 + 3, NULL), EVENT_DUPLICATE);
	assert_int_equal(cancel(f, a0, f->acc[0], T0 + 4, NULL, NULL), EVENT_CONFIRMED);
	status_is(f, a1, "confirmed", 0);
	/* the one who cancelled comes back: the seat went to the waiting list, so they wait */
	assert_int_equal(apply(f, sid, f->acc[0], T0 + 5, &a0), EVENT_WAITING);
	status_is(f, a0, "waiting", 1);
}

/* capacity 0 is no limit: nobody waits */
static void
test_no_limit(void **state)
{
	fx_t *f = *state;
	int64_t sid = session(f, f->event, 0, T0 + DAY);
	event_session_t s;
	int i;

	for (i = 0; i < 5; i++)
		assert_int_equal(apply(f, sid, f->acc[i], T0, NULL), EVENT_CONFIRMED);
	assert_true(event_session_get(f->db, sid, &s));
	assert_int_equal(event_seats_left(&s), -1);
}

/* sessions of drafts (or of another event than the URL names) are not there */
static void
test_not_public(void **state)
{
	fx_t *f = *state;
	int64_t hidden = session(f, f->hidden, 5, T0 + DAY), open = session(f, f->event, 5, T0 + DAY), app;

	assert_int_equal(apply(f, hidden, f->acc[0], T0, NULL), EVENT_NOT_FOUND);
	assert_int_equal(apply(f, 999999, f->acc[0], T0, NULL), EVENT_NOT_FOUND);
	assert_true(db_begin_write(f->db));
	assert_int_equal(event_apply(f->db, open, f->hidden, f->acc[0], T0, &app), EVENT_NOT_FOUND);
	assert_int_equal(event_apply(f->db, open, f->event, f->acc[0], T0, &app), EVENT_CONFIRMED);
	db_rollback(f->db);
}

/* validation of new sessions */
static void
test_session_validation(void **state)
{
	fx_t *f = *state;
	event_session_t s;
	char err[256];
	int64_t id, job = add_entity(f->db, "job", "published", "求人");

	memset(&s, 0, sizeof(s));
	s.entity_id = f->event;
	s.starts_at = T0 + DAY;
	s.ends_at = T0 + DAY + HOUR;
	s.apply_deadline = T0;
	assert_false(event_session_add(f->db, &s, T0, &id, err, sizeof(err)));  /* neither place nor URL */
	assert_non_null(strstr(err, "会場"));
	str_copy(s.online_url, sizeof(s.online_url), "javascript:alert(1)");
	assert_false(event_session_add(f->db, &s, T0, &id, err, sizeof(err)));
	str_copy(s.online_url, sizeof(s.online_url), "https://meet.example.jp/a b");
	assert_false(event_session_add(f->db, &s, T0, &id, err, sizeof(err)));
	str_copy(s.online_url, sizeof(s.online_url), "https://meet.example.jp/abc");
	assert_true(event_session_add(f->db, &s, T0, &id, err, sizeof(err)));
	s.apply_deadline = s.starts_at + 1;  /* a deadline after the start */
	assert_false(event_session_add(f->db, &s, T0, &id, err, sizeof(err)));
	s.apply_deadline = T0;
	s.ends_at = s.starts_at - 1;
	assert_false(event_session_add(f->db, &s, T0, &id, err, sizeof(err)));
	s.ends_at = s.starts_at;
	s.capacity = -1;
	assert_false(event_session_add(f->db, &s, T0, &id, err, sizeof(err)));
	s.capacity = 0;
	str_copy(s.place, sizeof(s.place), "会場\n2行目");
	assert_false(event_session_add(f->db, &s, T0, &id, err, sizeof(err)));
	s.place[0] = '\0';
	s.entity_id = job;  /* not an event */
	assert_false(event_session_add(f->db, &s, T0, &id, err, sizeof(err)));
}

/* G12/G41 staff 申込者一覧: a session's applications in the order they came, cancelled ones included, each with
 * its status and waiting rank; another session's applications are not listed */
static void
test_session_applications(void **state)
{
	fx_t *f = *state;
	int64_t sid = session(f, f->event, 1, T0 + 5 * DAY), other = session(f, f->event, 0, T0 + 5 * DAY);
	int64_t a0, a1, a2, a3, x;
	event_application_t list[8];
	int np = 0;

	assert_int_equal(apply(f, sid, f->acc[0], T0, &a0), EVENT_CONFIRMED);
	assert_int_equal(apply(f, sid, f->acc[1], T0 + 1, &a1), EVENT_WAITING);
	assert_int_equal(apply(f, sid, f->acc[2], T0 + 2, &a2), EVENT_WAITING);
	assert_int_equal(apply(f, sid, f->acc[3], T0 + 3, &a3), EVENT_WAITING);
	assert_int_equal(apply(f, other, f->acc[4], T0 + 4, &x), EVENT_CONFIRMED);
	assert_int_equal(cancel(f, a0, f->acc[0], T0 + 5, NULL, &np), EVENT_CONFIRMED);
	assert_int_equal(np, 1);
	assert_int_equal(event_session_applications(f->db, sid, list, 8), 4);
	assert_int_equal(list[0].id, a0);
	assert_string_equal(list[0].status, "cancelled");
	assert_int_equal(list[0].cancelled_at, T0 + 5);
	assert_int_equal(list[1].id, a1);
	assert_string_equal(list[1].status, "confirmed");
	assert_int_equal(list[1].waiting_rank, 0);
	assert_int_equal(list[2].id, a2);
	assert_string_equal(list[2].status, "waiting");
	assert_int_equal(list[2].waiting_rank, 1);
	assert_int_equal(list[3].id, a3);
	assert_int_equal(list[3].waiting_rank, 2);
	assert_int_equal(list[3].account_id, f->acc[3]);
	assert_int_equal(list[3].created_at, T0 + 3);
	assert_string_equal(list[3].event_title, "合同企業説明会");
	assert_int_equal(event_session_applications(f->db, sid, list, 2), 2);  /* at most max */
	assert_int_equal(event_session_applications(f->db, other, list, 8), 1);
	assert_int_equal(list[0].account_id, f->acc[4]);
	assert_int_equal(event_session_applications(f->db, 999999, list, 8), 0);
}

/* the staff form puts each message next to its field: event_session_check names the field */
static void
test_session_check_field(void **state)
{
	event_session_t s;
	char err[256];
	const char *field = NULL;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_false(event_session_check(&s, &field, err, sizeof(err)));
	assert_string_equal(field, "starts_at");
	s.starts_at = T0 + DAY;
	s.ends_at = T0;
	assert_false(event_session_check(&s, &field, err, sizeof(err)));
	assert_string_equal(field, "ends_at");
	assert_non_null(strstr(err, "終了日時"));
	s.ends_at = T0 + DAY + HOUR;
	assert_false(event_session_check(&s, &field, err, sizeof(err)));
	assert_string_equal(field, "apply_deadline");
	s.apply_deadline = T0;
	s.capacity = EVENT_CAPACITY_MAX + 1;
	assert_false(event_session_check(&s, &field, err, sizeof(err)));
	assert_string_equal(field, "capacity");
	s.capacity = 10;
	assert_false(event_session_check(&s, &field, err, sizeof(err)));
	assert_string_equal(field, "place");
	str_copy(s.online_url, sizeof(s.online_url), "ftp://x");
	assert_false(event_session_check(&s, &field, err, sizeof(err)));
	assert_string_equal(field, "online_url");
	str_copy(s.online_url, sizeof(s.online_url), "https://meet.example.jp/x");
	assert_true(event_session_check(&s, &field, err, sizeof(err)));
	assert_string_equal(field, "");
}

/* My Page order: sessions to come first (soonest first), past ones after */
static void
test_list_order(void **state)
{
	fx_t *f = *state;
	event_session_t s;
	event_application_t list[8];
	char err[256];
	int64_t ids[3], app;
	int i, n;
	static const int64_t starts[3] = { T0 + 20 * DAY, T0 - 5 * DAY, T0 + 3 * DAY };

	for (i = 0; i < 3; i++) {
		memset(&s, 0, sizeof(s));
		s.entity_id = f->event;
		s.starts_at = starts[i];
		s.ends_at = starts[i] + HOUR;
		s.apply_deadline = starts[i] - DAY;
		str_copy(s.place, sizeof(s.place), "会場");
		assert_true(event_session_add(f->db, &s, T0, &ids[i], err, sizeof(err)));
		/* apply while each was open */
		assert_int_equal(apply(f, ids[i], f->acc[0], starts[i] - 2 * DAY, &app), EVENT_CONFIRMED);
	}
	n = event_applications_of(f->db, f->acc[0], T0, list, 8);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].session_id, ids[2]);
	assert_int_equal(list[1].session_id, ids[0]);
	assert_int_equal(list[2].session_id, ids[1]);
	assert_string_equal(list[0].event_title, "合同企業説明会");
	assert_int_equal(event_applications_of(f->db, f->acc[1], T0, list, 8), 0);
}

static void
test_parse_jst(void **state)
{
	int64_t t;

	(void)state;
	assert_true(event_parse_jst("2026-12-01T13:00", &t));
	assert_int_equal(t, 1796097600);  /* 2026-12-01T04:00:00Z */
	assert_true(event_parse_jst("2026-12-01 13:00:30", &t));
	assert_int_equal(t, 1796097630);
	assert_false(event_parse_jst("2026-12-01T24:00", &t));
	assert_false(event_parse_jst("2026-02-30T10:00", &t));
	assert_false(event_parse_jst("2026-12-01T13:0", &t));
	assert_false(event_parse_jst("2026-12-01T13:00Z", &t));
	assert_false(event_parse_jst("", &t));
	assert_false(event_parse_jst(NULL, &t));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_last_seat_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_seat_two_connections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_needs_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_frees_seat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_promotion_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_other_account, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancelled_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_public, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_applications, setup, teardown),
		cmocka_unit_test(test_session_check_field),
		cmocka_unit_test(test_parse_jst),
	};

	return cmocka_run_group_tests_name("events", tests, NULL, NULL);
}
