/* event.c - event sessions and applications: capacity, waiting list, promotion, deadlines. See event.h. */
#include "content/event.h"
#include "content/entity.h"
#include "core/jtime.h"
#include "core/str.h"

#include <string.h>

#define SESSION_COLS "s.id, s.entity_id, s.starts_at, s.ends_at, s.apply_deadline, s.capacity, s.sort, s.place, " \
	"s.online_url, s.status, " \
	"(SELECT COUNT(*) FROM event_applications c WHERE c.session_id = s.id AND c.status = 'confirmed'), " \
	"(SELECT COUNT(*) FROM event_applications w WHERE w.session_id = s.id AND w.status = 'waiting')"
#define SESSION_NCOLS 12

static void
read_session(db_stmt_t *st, int c, event_session_t *s)
{
	memset(s, 0, sizeof(*s));
	s->id = db_col_i64(st, c + 0);
	s->entity_id = db_col_i64(st, c + 1);
	s->starts_at = db_col_i64(st, c + 2);
	s->ends_at = db_col_i64(st, c + 3);
	s->apply_deadline = db_col_i64(st, c + 4);
	s->capacity = db_col_i64(st, c + 5);
	s->sort = db_col_i64(st, c + 6);
	str_copy(s->place, sizeof(s->place), db_col_text(st, c + 7));
	str_copy(s->online_url, sizeof(s->online_url), db_col_text(st, c + 8));
	str_copy(s->status, sizeof(s->status), db_col_text(st, c + 9));
	s->confirmed = db_col_i64(st, c + 10);
	s->waiting = db_col_i64(st, c + 11);
}

static bool
two_digits(const char *s, int *v)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return false;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return true;
}

bool
event_parse_jst(const char *s, int64_t *epoch)
{
	char ymd[11];
	int h, m, sec = 0;
	size_t n;
	int64_t day;

	if (s == NULL)
		return false;
	n = strnlen(s, 20);
	if ((n != 16 && n != 19) || (s[10] != 'T' && s[10] != ' ') || s[13] != ':')
		return false;
	memcpy(ymd, s, 10);
	ymd[10] = '\0';
	if (!jtime_parse_ymd(ymd, &day) || !two_digits(s + 11, &h) || !two_digits(s + 14, &m) || h > 23 || m > 59)
		return false;
	if (n == 19 && (s[16] != ':' || !two_digits(s + 17, &sec) || sec > 59))
		return false;
	*epoch = day + h * 3600 + m * 60 + sec;
	return true;
}

bool
event_session_open(const event_session_t *s, int64_t now)
{
	return strcmp(s->status, "open") == 0 && now < s->apply_deadline && now < s->starts_at;
}

int64_t
event_seats_left(const event_session_t *s)
{
	if (s->capacity == 0)
		return -1;
	return s->confirmed >= s->capacity ? 0 : s->capacity - s->confirmed;
}

static bool
url_ok(const char *u)
{
	const char *p;

	if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
		return false;
	for (p = u; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '"' || *p == '<' || *p == '>')
			return false;
	return strlen(u) <= EVENT_URL_MAX;
}

static bool
check_fail(const char **field, const char *name)
{
	if (field != NULL)
		*field = name;
	return false;
}

bool
event_session_check(const event_session_t *s, const char **field, char *err, size_t errlen)
{
	size_t pl = strlen(s->place);

	if (field != NULL)
		*field = "";
	if (s->starts_at <= 0) {
		str_errf(err, errlen, "開始日時を入力してください。");
		return check_fail(field, "starts_at");
	}
	if (s->ends_at < s->starts_at) {
		str_errf(err, errlen, "終了日時は開始日時より後にしてください。");
		return check_fail(field, "ends_at");
	}
	if (s->apply_deadline <= 0 || s->apply_deadline > s->starts_at) {
		str_errf(err, errlen, "申込締切は開始日時までの日時にしてください。");
		return check_fail(field, "apply_deadline");
	}
	if (s->capacity < 0 || s->capacity > EVENT_CAPACITY_MAX) {
		str_errf(err, errlen, "定員は0（制限なし）から%dまでの数で入力してください。", EVENT_CAPACITY_MAX);
		return check_fail(field, "capacity");
	}
	if (!str_utf8_valid(s->place, pl, false) || str_utf8_len(s->place, pl) > EVENT_PLACE_MAX) {
		str_errf(err, errlen, "会場は改行なしの%d文字以内で入力してください。", EVENT_PLACE_MAX);
		return check_fail(field, "place");
	}
	if (s->online_url[0] != '\0' && !url_ok(s->online_url)) {
		str_errf(err, errlen, "オンライン参加のURLは http:// か https:// で始まる%dバイト以内のURLにしてください。", EVENT_URL_MAX);
		return check_fail(field, "online_url");
	}
	if (pl == 0 && s->online_url[0] == '\0') {
		str_errf(err, errlen, "会場かオンライン参加のURLのどちらかを入力してください。");
		return check_fail(field, "place");
	}
	return true;
}

bool
event_session_add(db_t *db, const event_session_t *s, int64_t now, int64_t *id, char *err, size_t errlen)
{
	db_stmt_t *st;
	bool found;
	int rc;

	if (!event_session_check(s, NULL, err, errlen))
		return false;
	st = db_prepare(db, "SELECT 1 FROM entities WHERE id = ? AND type = 'event'");
	if (st == NULL)
		goto dberr;
	db_bind_i64(st, 1, s->entity_id);
	rc = db_step(st);
	found = rc == DB_ROW;
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		goto dberr;
	if (!found) {
		str_errf(err, errlen, "イベント %lld が見つかりません。", (long long)s->entity_id);
		return false;
	}
	st = db_prepare(db, "INSERT INTO event_sessions (entity_id, starts_at, ends_at, place, online_url, capacity, "
	    "apply_deadline, status, sort, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)");
	if (st == NULL)
		goto dberr;
	db_bind_i64(st, 1, s->entity_id);
	db_bind_i64(st, 2, s->starts_at);
	db_bind_i64(st, 3, s->ends_at);
	db_bind_str(st, 4, s->place);
	db_bind_str(st, 5, s->online_url);
	db_bind_i64(st, 6, s->capacity);
	db_bind_i64(st, 7, s->apply_deadline);
	db_bind_i64(st, 8, s->sort);
	db_bind_i64(st, 9, now);
	if (db_run(st) != DB_DONE)
		goto dberr;
	*id = db_last_id(db);
	return true;
dberr:
	str_errf(err, errlen, "データベースに書き込めませんでした: %s", db_errmsg(db));
	return false;
}

int
event_sessions_of(db_t *db, int64_t entity_id, event_session_t *out, int max)
{
	db_stmt_t *st = db_prepare(db, "SELECT " SESSION_COLS " FROM event_sessions s WHERE s.entity_id = ? "
	    "ORDER BY s.sort, s.starts_at, s.id LIMIT ?");
	int n = 0, rc;

	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, entity_id);
	db_bind_i64(st, 2, max);
	while (n < max && (rc = db_step(st)) == DB_ROW)
		read_session(st, 0, &out[n++]);
	db_done(st);
	return n;
}

bool
event_session_get(db_t *db, int64_t id, event_session_t *out)
{
	db_stmt_t *st = db_prepare(db, "SELECT " SESSION_COLS " FROM event_sessions s WHERE s.id = ?");
	bool found = false;

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW) {
		read_session(st, 0, out);
		found = true;
	}
	db_done(st);
	return found;
}

/* The session of a published event that is public now, with its counts; 1 found, 0 not, -1 error. */
static int
public_session(db_t *db, int64_t session_id, int64_t now, event_session_t *s)
{
	db_stmt_t *st = db_prepare(db, "SELECT " SESSION_COLS " FROM event_sessions s JOIN entities e ON e.id = s.entity_id "
	    "WHERE s.id = ? AND e.type = 'event' AND e." ENTITY_PUBLIC_SQL);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, session_id);
	db_bind_i64(st, 2, now);
	db_bind_i64(st, 3, now);
	rc = db_step(st);
	if (rc == DB_ROW)
		read_session(st, 0, s);
	db_done(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

event_outcome_t
event_apply(db_t *db, int64_t session_id, int64_t entity_id, int64_t account_id, int64_t now, int64_t *app_id)
{
	event_session_t s;
	db_stmt_t *st;
	int64_t position = 1;
	const char *status;
	int rc;

	if (!db_in_transaction(db))
		return EVENT_ERROR;  /* the count and the insert must be one write transaction */
	rc = public_session(db, session_id, now, &s);
	if (rc < 0)
		return EVENT_ERROR;
	if (rc == 0 || (entity_id != 0 && s.entity_id != entity_id))
		return EVENT_NOT_FOUND;
	if (!event_session_open(&s, now))
		return EVENT_CLOSED;
	st = db_prepare(db, "SELECT 1 FROM event_applications WHERE session_id = ? AND account_id = ? AND status <> 'cancelled'");
	if (st == NULL)
		return EVENT_ERROR;
	db_bind_i64(st, 1, session_id);
	db_bind_i64(st, 2, account_id);
	rc = db_step(st);
	db_done(st);
	if (rc == DB_ROW)
		return EVENT_DUPLICATE;
	if (rc != DB_DONE)
		return EVENT_ERROR;
	st = db_prepare(db, "SELECT COALESCE(MAX(position), 0) + 1 FROM event_applications WHERE session_id = ?");
	if (st == NULL)
		return EVENT_ERROR;
	db_bind_i64(st, 1, session_id);
	if (db_step(st) == DB_ROW)
		position = db_col_i64(st, 0);
	db_done(st);
	status = s.capacity == 0 || s.confirmed < s.capacity ? "confirmed" : "waiting";
	st = db_prepare(db, "INSERT INTO event_applications (session_id, account_id, status, position, created_at) "
	    "VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		return EVENT_ERROR;
	db_bind_i64(st, 1, session_id);
	db_bind_i64(st, 2, account_id);
	db_bind_str(st, 3, status);
	db_bind_i64(st, 4, position);
	db_bind_i64(st, 5, now);
	rc = db_run(st);
	if (rc == DB_CONSTRAINT)
		return EVENT_DUPLICATE;
	if (rc != DB_DONE)
		return EVENT_ERROR;
	*app_id = db_last_id(db);
	return status[0] == 'c' ? EVENT_CONFIRMED : EVENT_WAITING;
}

event_outcome_t
event_cancel(db_t *db, int64_t app_id, int64_t account_id, int64_t now, int64_t *promoted, int max_promoted,
    int *npromoted)
{
	db_stmt_t *st;
	event_session_t s;
	char status[16] = "";
	int64_t session_id = 0;
	int rc;

	*npromoted = 0;
	if (!db_in_transaction(db))
		return EVENT_ERROR;
	st = db_prepare(db, "SELECT status, session_id FROM event_applications WHERE id = ? AND account_id = ?");
	if (st == NULL)
		return EVENT_ERROR;
	db_bind_i64(st, 1, app_id);
	db_bind_i64(st, 2, account_id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		str_copy(status, sizeof(status), db_col_text(st, 0));
		session_id = db_col_i64(st, 1);
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return EVENT_ERROR;
	if (rc == DB_DONE || strcmp(status, "cancelled") == 0)
		return EVENT_NOT_FOUND;
	if (!event_session_get(db, session_id, &s))
		return EVENT_ERROR;
	if (!event_session_open(&s, now))
		return EVENT_CLOSED;
	st = db_prepare(db, "UPDATE event_applications SET status = 'cancelled', cancelled_at = ? WHERE id = ?");
	if (st == NULL)
		return EVENT_ERROR;
	db_bind_i64(st, 1, now);
	db_bind_i64(st, 2, app_id);
	if (db_run(st) != DB_DONE)
		return EVENT_ERROR;
	if (strcmp(status, "confirmed") != 0 || s.capacity == 0)
		return EVENT_CONFIRMED;  /* no seat freed (a waiting one left), or no waiting list (no limit) */
	/* fill every free seat from the head of the waiting list */
	for (s.confirmed--; s.confirmed < s.capacity && *npromoted < max_promoted; s.confirmed++) {
		int64_t next;
		st = db_prepare(db, "SELECT id FROM event_applications WHERE session_id = ? AND status = 'waiting' "
		    "ORDER BY position, id LIMIT 1");
		if (st == NULL)
			return EVENT_ERROR;
		db_bind_i64(st, 1, session_id);
		rc = db_step(st);
		next = rc == DB_ROW ? db_col_i64(st, 0) : 0;
		db_done(st);
		if (rc != DB_ROW && rc != DB_DONE)
			return EVENT_ERROR;
		if (next == 0)
			break;
		st = db_prepare(db, "UPDATE event_applications SET status = 'confirmed', promoted_at = ? WHERE id = ?");
		if (st == NULL)
			return EVENT_ERROR;
		db_bind_i64(st, 1, now);
		db_bind_i64(st, 2, next);
		if (db_run(st) != DB_DONE)
			return EVENT_ERROR;
		promoted[(*npromoted)++] = next;
	}
	return EVENT_CONFIRMED;
}

#define APP_COLS "a.id, a.session_id, a.account_id, a.status, a.created_at, COALESCE(a.cancelled_at, 0), " \
	"COALESCE(a.promoted_at, 0), " \
	"CASE WHEN a.status = 'waiting' THEN (SELECT COUNT(*) FROM event_applications r WHERE r.session_id = a.session_id " \
	"AND r.status = 'waiting' AND (r.position < a.position OR (r.position = a.position AND r.id <= a.id))) ELSE 0 END, " \
	"e.title, " SESSION_COLS
#define APP_FROM " FROM event_applications a JOIN event_sessions s ON s.id = a.session_id JOIN entities e ON e.id = s.entity_id "

static void
read_app(db_stmt_t *st, event_application_t *a)
{
	memset(a, 0, sizeof(*a));
	a->id = db_col_i64(st, 0);
	a->session_id = db_col_i64(st, 1);
	a->account_id = db_col_i64(st, 2);
	str_copy(a->status, sizeof(a->status), db_col_text(st, 3));
	a->created_at = db_col_i64(st, 4);
	a->cancelled_at = db_col_i64(st, 5);
	a->promoted_at = db_col_i64(st, 6);
	a->waiting_rank = db_col_i64(st, 7);
	str_copy(a->event_title, sizeof(a->event_title), db_col_text(st, 8));
	read_session(st, 9, &a->session);
}

bool
event_application_get(db_t *db, int64_t app_id, event_application_t *out)
{
	db_stmt_t *st = db_prepare(db, "SELECT " APP_COLS APP_FROM "WHERE a.id = ?");
	bool found = false;

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, app_id);
	if (db_step(st) == DB_ROW) {
		read_app(st, out);
		found = true;
	}
	db_done(st);
	return found;
}

int
event_applications_of(db_t *db, int64_t account_id, int64_t now, event_application_t *out, int max)
{
	db_stmt_t *st = db_prepare(db, "SELECT " APP_COLS APP_FROM "WHERE a.account_id = ? "
	    "ORDER BY CASE WHEN s.ends_at >= ? THEN 0 ELSE 1 END, CASE WHEN s.ends_at >= ? THEN s.starts_at ELSE -s.starts_at END, "
	    "a.id DESC LIMIT ?");
	int n = 0, rc;

	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, account_id);
	db_bind_i64(st, 2, now);
	db_bind_i64(st, 3, now);
	db_bind_i64(st, 4, max);
	while (n < max && (rc = db_step(st)) == DB_ROW)
		read_app(st, &out[n++]);
	db_done(st);
	return n;
}

int
event_session_applications(db_t *db, int64_t session_id, event_application_t *out, int max)
{
	db_stmt_t *st = db_prepare(db, "SELECT " APP_COLS APP_FROM "WHERE a.session_id = ? ORDER BY a.position, a.id LIMIT ?");
	int n = 0, rc = DB_DONE;

	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, session_id);
	db_bind_i64(st, 2, max);
	while (n < max && (rc = db_step(st)) == DB_ROW)
		read_app(st, &out[n++]);
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? n : -1;
}
