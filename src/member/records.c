/* records.c - job-seeker records in the back office (issue 7 items 3 and 7; G66, SEC06, SEC09); see records.h. */
#include "member/records.h"
#include "auth/audit.h"
#include "auth/seal.h"
#include "core/jtime.h"
#include "core/log.h"
#include "core/str.h"
#include "mail/mail.h"

#include <sodium.h>

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSG_DB "保存できませんでした。時間をおいてもう一度お試しください。"

const char *const rec_seeker_cols[REC_SEEKER_NCOLS] = { "name", "kana", "birth_date", "phone", "postal_code",
	"address", "school", "graduation", "target", "wishes" };
/* the first REC_SEALED columns are sealed; school, graduation, target and wishes stay searchable */
#define REC_SEALED 6

static bool
is_sealed_col(size_t i)
{
	return i < REC_SEALED;
}

bool
rec_seeker_index(db_t *db, arena_t *A, int64_t account_id, const char *name, const char *kana)
{
	unsigned char idx[SEAL_INDEX_MAX][SEAL_INDEX_BYTES];
	const char *kinds[2] = { "name", "kana" };
	const char *texts[2] = { name, kana };
	db_stmt_t *st = db_prepare(db, "DELETE FROM seeker_name_index WHERE seeker_id = ?");
	int k, i, n;

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, account_id);
	if (db_run(st) != DB_DONE)
		return false;
	for (k = 0; k < 2; k++) {
		n = seal_index_all(A, kinds[k], texts[k] ? texts[k] : "", idx);
		for (i = 0; i < n; i++) {
			st = db_prepare(db, "INSERT OR IGNORE INTO seeker_name_index (hash, seeker_id) VALUES (?, ?)");
			if (st == NULL)
				return false;
			db_bind_blob(st, 1, idx[i], SEAL_INDEX_BYTES);
			db_bind_i64(st, 2, account_id);
			if (db_run(st) != DB_DONE)
				return false;
		}
	}
	return true;
}

bool
rec_seeker_store(db_t *db, arena_t *A, int64_t account_id, const member_form_t *f, bool held, int64_t now)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO seekers (account_id, name, kana, birth_date, phone, postal_code, "
	    "address, school, graduation, target, wishes, mail_ok, held, sealed, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) "
	    "ON CONFLICT (account_id) DO UPDATE SET name = excluded.name, kana = excluded.kana, "
	    "birth_date = excluded.birth_date, phone = excluded.phone, postal_code = excluded.postal_code, "
	    "address = excluded.address, school = excluded.school, graduation = excluded.graduation, "
	    "target = excluded.target, wishes = excluded.wishes, mail_ok = excluded.mail_ok, sealed = 1, "
	    "updated_at = excluded.updated_at");
	size_t i;

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, account_id);
	for (i = 0; i < REC_SEEKER_NCOLS; i++) {
		const char *v = member_form_value(f, rec_seeker_cols[i]);
		if (is_sealed_col(i)) {
			if (!seal_bind(st, (int)i + 2, A, "seekers", rec_seeker_cols[i], account_id, v))
				return false;
		} else {
			db_bind_str(st, (int)i + 2, v);
		}
	}
	db_bind_i64(st, 12, member_form_value(f, "mail_ok")[0] != '\0');
	db_bind_i64(st, 13, held ? 1 : 0);
	db_bind_i64(st, 14, now);
	db_bind_i64(st, 15, now);
	if (db_run(st) != DB_DONE)
		return false;
	return rec_seeker_index(db, A, account_id, member_form_value(f, "name"), member_form_value(f, "kana"));
}

const char *
rec_seeker_name(db_t *db, arena_t *A, int64_t account_id)
{
	db_stmt_t *st = db_prepare(db, "SELECT name, sealed FROM seekers WHERE account_id = ?");
	const char *name = "";

	if (st == NULL)
		return NULL;
	db_bind_i64(st, 1, account_id);
	if (db_step(st) == DB_ROW)
		name = db_col_i64(st, 1) ? seal_col(st, 0, A, "seekers", "name", account_id) :
		    arena_strdup(A, db_col_text(st, 0));
	db_done(st);
	return name;
}

/* ---- sealing rows written before migration 020 ---- */

typedef struct clear_row {
	int64_t     id;
	const char *v[REC_SEALED];
} clear_row_t;

/* Collects rows of a "SELECT id, text... WHERE sealed = 0" statement (ncols texts) into A. */
static clear_row_t *
collect(db_stmt_t *st, arena_t *A, int ncols, int64_t *n)
{
	clear_row_t *v = NULL;
	int64_t cap = 0;
	int c, rc;

	*n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			int64_t ncap = cap ? cap * 2 : 64;
			clear_row_t *nv = arena_calloc(A, (size_t)ncap, sizeof(*nv));
			if (nv == NULL)
				break;
			if (*n)
				memcpy(nv, v, (size_t)*n * sizeof(*nv));
			v = nv;
			cap = ncap;
		}
		v[*n].id = db_col_i64(st, 0);
		for (c = 0; c < ncols; c++)
			if ((v[*n].v[c] = arena_strdup(A, db_col_text(st, c + 1))) == NULL)
				break;
		(*n)++;
	}
	db_done(st);
	return rc == DB_DONE ? (v != NULL ? v : arena_calloc(A, 1, sizeof(*v))) : NULL;
}

/* one text column of a table (fixed SQL per table: no SQL is built from strings) */
static bool
seal_one(db_t *db, arena_t *A, const char *select_sql, const char *update_sql, const char *table, const char *col,
    int64_t *count)
{
	db_stmt_t *st = db_prepare(db, select_sql);
	clear_row_t *rows;
	int64_t n, i;

	if (st == NULL || (rows = collect(st, A, 1, &n)) == NULL)
		return false;
	for (i = 0; i < n; i++) {
		if ((st = db_prepare(db, update_sql)) == NULL || !seal_bind(st, 1, A, table, col, rows[i].id, rows[i].v[0]))
			return false;
		db_bind_i64(st, 2, rows[i].id);
		if (db_run(st) != DB_DONE)
			return false;
	}
	*count += n;
	return true;
}

int64_t
rec_seal_migrate(db_t *db)
{
	arena_t A;
	clear_row_t *rows;
	db_stmt_t *st;
	int64_t n = 0, count = 0, i;
	size_t c;
	bool ok = false;

	if (!seal_ready())
		return -1;
	arena_init(&A, 64 * 1024, (size_t)1 << 30);
	if (!db_begin_write(db))
		goto done;
	st = db_prepare(db, "SELECT account_id, name, kana, birth_date, phone, postal_code, address FROM seekers "
	    "WHERE sealed = 0");
	if (st == NULL || (rows = collect(st, &A, REC_SEALED, &n)) == NULL)
		goto done;
	for (i = 0; i < n; i++) {
		st = db_prepare(db, "UPDATE seekers SET name = ?, kana = ?, birth_date = ?, phone = ?, postal_code = ?, "
		    "address = ?, sealed = 1 WHERE account_id = ?");
		if (st == NULL)
			goto done;
		for (c = 0; c < REC_SEALED; c++)
			if (!seal_bind(st, (int)c + 1, &A, "seekers", rec_seeker_cols[c], rows[i].id, rows[i].v[c]))
				goto done;
		db_bind_i64(st, REC_SEALED + 1, rows[i].id);
		if (db_run(st) != DB_DONE || !rec_seeker_index(db, &A, rows[i].id, rows[i].v[0], rows[i].v[1]))
			goto done;
	}
	count += n;
	/* a seeker's name is no longer copied into the account: screens open it from seekers */
	st = db_prepare(db, "UPDATE accounts SET display_name = '' WHERE kind = 'seeker' AND display_name <> ''");
	if (st == NULL || db_run(st) != DB_DONE)
		goto done;
	if (!seal_one(db, &A, "SELECT id, subject FROM consultations WHERE sealed = 0",
	        "UPDATE consultations SET subject = ?, sealed = 1 WHERE id = ?", "consultations", "subject", &count) ||
	    !seal_one(db, &A, "SELECT id, body FROM consultation_messages WHERE sealed = 0",
	        "UPDATE consultation_messages SET body = ?, sealed = 1 WHERE id = ?", "consultation_messages", "body", &count) ||
	    !seal_one(db, &A, "SELECT id, form_json FROM registrations WHERE sealed = 0",
	        "UPDATE registrations SET form_json = ?, sealed = 1 WHERE id = ?", "registrations", "form_json", &count))
		goto done;
	if (!db_commit(db))
		goto done;
	ok = true;
	if (count > 0) {
		/* secure_delete zeroes what the updates freed; the checkpoint empties the WAL of the old pages */
		(void)db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
		log_info("seal: %" PRId64 " rows sealed", count);
	}
done:
	if (!ok)
		db_rollback(db);
	arena_free(&A);
	return ok ? count : -1;
}

/* ---- reading ---- */

int
rec_seeker_get(db_t *db, arena_t *A, int64_t id, rec_seeker_t *out)
{
	db_stmt_t *st = db_prepare(db, "SELECT a.login, a.email, a.status, s.name, s.kana, s.birth_date, s.phone, "
	    "s.postal_code, s.address, s.school, s.graduation, s.target, s.wishes, s.industry, s.internal_memo, s.remarks, "
	    "s.mail_ok, s.held, s.sealed, s.created_at, s.updated_at, COALESCE(s.erased_at, 0) "
	    "FROM seekers s JOIN accounts a ON a.id = s.account_id WHERE s.account_id = ? AND a.kind = 'seeker'");
	int rc, res = -1;
	size_t i;
	bool sealed;

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, id);
	rc = db_step(st);
	if (rc != DB_ROW) {
		db_done(st);
		return rc == DB_DONE ? 0 : -1;
	}
	out->id = id;
	out->login = arena_strdup(A, db_col_text(st, 0));
	out->email = arena_strdup(A, db_col_text(st, 1));
	out->status = arena_strdup(A, db_col_text(st, 2));
	sealed = db_col_i64(st, 18) != 0;
	for (i = 0; i < REC_SEEKER_NCOLS; i++) {
		out->v[i] = is_sealed_col(i) && sealed ? seal_col(st, (int)i + 3, A, "seekers", rec_seeker_cols[i], id) :
		    arena_strdup(A, db_col_text(st, (int)i + 3));
		if (out->v[i] == NULL)
			goto done;
	}
	out->industry = arena_strdup(A, db_col_text(st, 13));
	out->internal_memo = seal_col(st, 14, A, "seekers", "internal_memo", id);
	out->remarks = seal_col(st, 15, A, "seekers", "remarks", id);
	if (out->internal_memo == NULL || out->remarks == NULL)
		goto done;
	out->mail_ok = db_col_i64(st, 16) != 0;
	out->held = db_col_i64(st, 17) != 0;
	out->created_at = db_col_i64(st, 19);
	out->updated_at = db_col_i64(st, 20);
	out->erased_at = db_col_i64(st, 21);
	out->erased = out->erased_at != 0;
	res = 1;
done:
	db_done(st);
	if (res < 0)
		log_error("records: seeker %" PRId64 " has a sealed value that does not open (wrong seal key?)", id);
	return res;
}

bool
rec_seeker_search(db_t *db, arena_t *A, const rec_filter_t *f, rec_row_t **out, size_t *n)
{
	unsigned char hn[SEAL_INDEX_BYTES], hk[SEAL_INDEX_BYTES];
	bool by_name = f->name && f->name[0] && seal_index_query(A, "name", f->name, hn);
	bool by_kana = f->kana && f->kana[0] && seal_index_query(A, "kana", f->kana, hk);
	const char *kw = f->keyword ? f->keyword : "";
	db_stmt_t *st;
	rec_row_t *v;
	size_t k = 0;
	int rc, page = f->page > 0 ? f->page : 1;

	*out = NULL;
	*n = 0;
	/* a name or kana that normalises to nothing matches nobody rather than everybody */
	if ((f->name && f->name[0] && !by_name) || (f->kana && f->kana[0] && !by_kana))
		return true;
	v = arena_calloc(A, REC_LIST_MAX + 1, sizeof(*v));
	st = db_prepare(db, "SELECT s.account_id, a.login, s.name, s.kana, s.sealed, s.target, s.industry, a.status, "
	    "s.created_at, COALESCE(s.erased_at, 0) FROM seekers s JOIN accounts a ON a.id = s.account_id "
	    "WHERE a.kind = 'seeker' "
	    "AND (?1 IS NULL OR s.account_id IN (SELECT seeker_id FROM seeker_name_index WHERE hash = ?1)) "
	    "AND (?2 IS NULL OR s.account_id IN (SELECT seeker_id FROM seeker_name_index WHERE hash = ?2)) "
	    "AND (?3 = '' OR instr(lower(a.login), lower(?3)) > 0 OR instr(lower(a.email), lower(?3)) > 0 "
	    "  OR instr(s.school, ?3) > 0 OR instr(s.wishes, ?3) > 0) "
	    "AND (?4 = '' OR s.industry = ?4) AND (?5 = '' OR s.target = ?5) "
	    "AND (?6 = 0 OR s.created_at >= ?6) AND (?7 = 0 OR s.created_at < ?7) "
	    "ORDER BY s.created_at DESC, s.account_id DESC LIMIT ?8 OFFSET ?9");
	if (v == NULL || st == NULL)
		return false;
	if (by_name)
		db_bind_blob(st, 1, hn, sizeof(hn));
	else
		db_bind_null(st, 1);
	if (by_kana)
		db_bind_blob(st, 2, hk, sizeof(hk));
	else
		db_bind_null(st, 2);
	db_bind_str(st, 3, kw);
	db_bind_str(st, 4, f->industry ? f->industry : "");
	db_bind_str(st, 5, f->target ? f->target : "");
	db_bind_i64(st, 6, f->from);
	db_bind_i64(st, 7, f->to);
	db_bind_i64(st, 8, REC_LIST_MAX + 1);
	db_bind_i64(st, 9, (int64_t)(page - 1) * REC_LIST_MAX);
	while ((rc = db_step(st)) == DB_ROW && k <= REC_LIST_MAX) {
		rec_row_t *r = &v[k];
		bool sealed = db_col_i64(st, 4) != 0;
		r->id = db_col_i64(st, 0);
		r->login = arena_strdup(A, db_col_text(st, 1));
		r->name = sealed ? seal_col(st, 2, A, "seekers", "name", r->id) : arena_strdup(A, db_col_text(st, 2));
		r->kana = sealed ? seal_col(st, 3, A, "seekers", "kana", r->id) : arena_strdup(A, db_col_text(st, 3));
		r->target = arena_strdup(A, db_col_text(st, 5));
		r->industry = arena_strdup(A, db_col_text(st, 6));
		r->status = arena_strdup(A, db_col_text(st, 7));
		r->created_at = db_col_i64(st, 8);
		r->erased = db_col_i64(st, 9) != 0;
		if (r->name == NULL)
			r->name = "（復号できません）";
		if (r->kana == NULL)
			r->kana = "";
		k++;
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return false;
	*out = v;
	*n = k;
	return true;
}

/* ---- writing ---- */

static bool
audit_in(db_t *db, const account_t *actor, const char *ip, const char *action, int64_t seeker_id,
    const char *detail, int64_t now)
{
	char target[48];
	audit_entry_t e = { actor->id, actor->login, ip ? ip : "", action, target, detail };

	snprintf(target, sizeof(target), "account:%" PRId64, seeker_id);
	return audit_append(db, &e, now);
}

static bool
text_ok(const char *s, size_t max_chars, bool lines)
{
	size_t n = s ? strlen(s) : 0;

	return n == 0 || (n <= max_chars * 4 && str_utf8_valid(s, n, lines) && str_utf8_len(s, n) <= max_chars);
}

/* The internal data columns of a seeker (industry code, sealed memo and remarks); inside the caller's
 * transaction. */
static bool
store_internal(db_t *db, arena_t *A, int64_t id, const char *industry, const char *memo, const char *remarks)
{
	db_stmt_t *st = db_prepare(db, "UPDATE seekers SET industry = ?, internal_memo = ?, remarks = ? WHERE account_id = ?");

	if (st == NULL)
		return false;
	db_bind_str(st, 1, industry ? industry : "");
	if (!seal_bind(st, 2, A, "seekers", "internal_memo", id, memo) ||
	    !seal_bind(st, 3, A, "seekers", "remarks", id, remarks)) {
		db_done(st);
		return false;
	}
	db_bind_i64(st, 4, id);
	return db_run(st) == DB_DONE && db_changes(db) == 1;
}

bool
rec_seeker_update(db_t *db, arena_t *A, const account_t *actor, const char *ip, int64_t id,
    const member_form_t *f, const char *industry, const char *memo, const char *remarks, int64_t now,
    char *err, size_t errlen)
{
	rec_seeker_t old;
	buf_t changed = BUF_INIT;
	size_t i;
	bool ok = false;

	if (!text_ok(memo, REC_NOTES_MAX, true) || !text_ok(remarks, REC_NOTES_MAX, true)) {
		str_errf(err, errlen, "内部メモと備考は%d文字以内で入力してください。", REC_NOTES_MAX);
		return false;
	}
	if (!db_begin_write(db))
		goto dbfail;
	if (rec_seeker_get(db, A, id, &old) != 1 || old.erased)
		goto dbfail;
	for (i = 0; i < REC_SEEKER_NCOLS; i++)
		if (strcmp(old.v[i], member_form_value(f, rec_seeker_cols[i])) != 0)
			buf_printf(&changed, "%s%s", changed.len ? "," : "", rec_seeker_cols[i]);
	if ((member_form_value(f, "mail_ok")[0] != '\0') != old.mail_ok)
		buf_printf(&changed, "%smail_ok", changed.len ? "," : "");
	if (strcmp(old.industry, industry ? industry : "") != 0)
		buf_printf(&changed, "%sindustry", changed.len ? "," : "");
	if (strcmp(old.internal_memo, memo ? memo : "") != 0)
		buf_printf(&changed, "%sinternal_memo", changed.len ? "," : "");
	if (strcmp(old.remarks, remarks ? remarks : "") != 0)
		buf_printf(&changed, "%sremarks", changed.len ? "," : "");
	if (changed.oom || !audit_in(db, actor, ip, "seeker.update", id, changed.len ? changed.data : "", now))
		goto dbfail;
	if (!rec_seeker_store(db, A, id, f, old.held, now) || !store_internal(db, A, id, industry, memo, remarks) ||
	    !db_commit(db))
		goto dbfail;
	audit_sync_head(db);
	ok = true;
	goto done;
dbfail:
	db_rollback(db);
	str_errf(err, errlen, "%s", MSG_DB);
done:
	buf_free(&changed);
	return ok;
}

rec_create_rc_t
rec_seeker_create(db_t *db, arena_t *A, const account_t *actor, const char *ip, const member_form_t *f,
    const char *industry, const char *memo, const char *remarks, const member_site_t *site, int64_t now,
    int64_t *id, char login[MEMBER_LOGIN_LEN + 1], char *err, size_t errlen)
{
	char token[MEMBER_TOKEN_LEN + 1], subject[200];
	const char *email = member_form_value(f, "email");
	buf_t body = BUF_INIT;
	db_stmt_t *st;
	rec_create_rc_t rc = REC_CREATE_ERROR;
	int step;

	*id = 0;
	login[0] = '\0';
	token[0] = '\0';
	if (!text_ok(memo, REC_NOTES_MAX, true) || !text_ok(remarks, REC_NOTES_MAX, true)) {
		str_errf(err, errlen, "内部メモと備考は%d文字以内で入力してください。", REC_NOTES_MAX);
		return REC_CREATE_INVALID;
	}
	if (!db_begin_write(db))
		goto dbfail;
	/* one job seeker account per address, as the registration by mail has it */
	st = db_prepare(db, "SELECT 1 FROM accounts WHERE kind = 'seeker' AND lower(email) = lower(?) AND status <> 'deleted'");
	if (st == NULL)
		goto dbfail;
	db_bind_str(st, 1, email);
	step = db_step(st);
	db_done(st);
	if (step != DB_ROW && step != DB_DONE)
		goto dbfail;
	if (step == DB_ROW) {
		db_rollback(db);
		str_errf(err, errlen, "このメールアドレスの求職者はすでに登録されています。一覧で検索してください。");
		return REC_CREATE_DUPLICATE;
	}
	/* no password yet (an empty hash never verifies): the seeker chooses one through the mailed link */
	if (!member_login_new(db, 'J', login) || !member_account_insert(db, "seeker", login, email, "", "", now, id))
		goto dbfail;
	if (!audit_in(db, actor, ip, "seeker.create", *id, "", now) || !rec_seeker_store(db, A, *id, f, false, now) ||
	    !store_internal(db, A, *id, industry, memo, remarks) ||
	    !member_reset_token(db, *id, now, REC_WELCOME_TTL_S, token))
		goto dbfail;
	snprintf(subject, sizeof(subject), "【%s】利用者登録のお知らせ", site->name);
	buf_printf(&body, "%sの窓口で、利用者登録をしました。\n\nログインID：%s\n\n"
	    "次のリンクを開いて、ご自分でパスワードを設定してください。リンクは%d日間有効で、1回だけ使えます。\n\n%s%s\n\n"
	    "期限が過ぎた場合は、ログイン画面の「パスワードをお忘れの方」から、このメールアドレスで設定できます。\n"
	    "ログインはこちらから：%s\n"
	    "\n-- \n%s\nこのメールは送信専用のアドレスからお送りしています。\n",
	    site->name, login, (int)(REC_WELCOME_TTL_S / 86400), site->link_base, token, site->login_url, site->name);
	sodium_memzero(token, sizeof(token));
	{
		mail_msg_t m = { "notice", email, subject, body.data, NULL, NULL, NULL, 0, NULL };
		char merr[256];
		if (body.oom || !mail_enqueue(db, &m, now, NULL, merr, sizeof(merr)))
			goto dbfail;
	}
	if (!db_commit(db))
		goto dbfail;
	audit_sync_head(db);
	rc = REC_CREATE_OK;
	goto done;
dbfail:
	db_rollback(db);
	*id = 0;
	str_errf(err, errlen, "%s", MSG_DB);
done:
	if (body.data != NULL)
		sodium_memzero(body.data, body.len);
	buf_free(&body);
	return rc;
}

static bool
date_ok(const char *s)
{
	int64_t t;

	return s != NULL && strlen(s) == 10 && jtime_parse_ymd(s, &t);
}

static void
seterr(rec_err_t *e, const char *field, const char *msg)
{
	e->field = field;
	str_copy(e->msg, sizeof(e->msg), msg);
}

static const char *const channels[][2] = { { "visit", "来所" }, { "phone", "電話" }, { "mail", "メール" },
	{ "online", "オンライン" } };
static const char *const outcomes[][2] = { { "applied", "応募" }, { "interview", "面接" }, { "offer", "内定" },
	{ "hired", "就職" }, { "declined", "辞退" } };

const char *
rec_channel_label(const char *code)
{
	size_t i;

	for (i = 0; code && i < sizeof(channels) / sizeof(channels[0]); i++)
		if (strcmp(code, channels[i][0]) == 0)
			return channels[i][1];
	return NULL;
}

const char *
rec_outcome_label(const char *code)
{
	size_t i;

	for (i = 0; code && i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
		if (strcmp(code, outcomes[i][0]) == 0)
			return outcomes[i][1];
	return NULL;
}

static int
exists(db_t *db, const char *sql, int64_t a, const char *s)
{
	db_stmt_t *st = db_prepare(db, sql);
	int rc;

	if (st == NULL)
		return -1;
	if (s != NULL)
		db_bind_str(st, 1, s);
	else
		db_bind_i64(st, 1, a);
	rc = db_step(st);
	db_done(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

bool
rec_consult_check(db_t *db, const rec_consult_in_t *in, rec_err_t *e)
{
	if (!date_ok(in->held_on)) {
		seterr(e, "held_on", "日付を正しく入力してください（例：2026-04-01）。");
		return false;
	}
	if (in->staff_id < 0 || (in->staff_id > 0 &&
	    exists(db, "SELECT 1 FROM accounts WHERE id = ? AND kind = 'staff'", in->staff_id, NULL) != 1)) {
		seterr(e, "staff_id", "担当者を選んでください。");
		return false;
	}
	if (rec_channel_label(in->channel) == NULL) {
		seterr(e, "channel", "相談方法を選んでください。");
		return false;
	}
	if (in->department_id < 0 || (in->department_id > 0 &&
	    exists(db, "SELECT 1 FROM departments WHERE id = ?", in->department_id, NULL) != 1)) {
		seterr(e, "department_id", "部門を選んでください。");
		return false;
	}
	if (in->topic == NULL || exists(db, "SELECT 1 FROM consult_topics WHERE code = ?", 0, in->topic) != 1) {
		seterr(e, "topic", "相談区分を選んでください。");
		return false;
	}
	if (in->notes == NULL || in->notes[0] == '\0' || !text_ok(in->notes, REC_NOTES_MAX, true)) {
		seterr(e, "notes", "記録を" "4000文字以内で入力してください。");
		return false;
	}
	return true;
}

bool
rec_consult_save(db_t *db, arena_t *A, const account_t *actor, const char *ip, int64_t seeker_id,
    int64_t record_id, const rec_consult_in_t *in, int64_t now, int64_t *id, rec_err_t *e)
{
	db_stmt_t *st;
	int64_t staff = in->staff_id > 0 ? in->staff_id : actor->id;
	int64_t dept = in->department_id > 0 ? in->department_id : actor->department_id;

	if (!rec_consult_check(db, in, e))
		return false;
	if (!db_begin_write(db))
		goto fail;
	if (record_id > 0) {
		st = db_prepare(db, "UPDATE consultant_records SET held_on = ?, staff_id = ?, channel = ?, department_id = ?, "
		    "topic = ?, notes = ?, updated_at = ? WHERE id = ? AND seeker_id = ? AND notes IS NOT NULL");
		if (st == NULL)
			goto fail;
		db_bind_str(st, 1, in->held_on);
		db_bind_i64(st, 2, staff);
		db_bind_str(st, 3, in->channel);
		if (dept > 0)
			db_bind_i64(st, 4, dept);
		else
			db_bind_null(st, 4);
		db_bind_str(st, 5, in->topic);
		if (!seal_bind(st, 6, A, "consultant_records", "notes", record_id, in->notes))
			goto fail;
		db_bind_i64(st, 7, now);
		db_bind_i64(st, 8, record_id);
		db_bind_i64(st, 9, seeker_id);
		if (db_run(st) != DB_DONE || db_changes(db) != 1)
			goto fail;
		*id = record_id;
	} else {
		st = db_prepare(db, "INSERT INTO consultant_records (seeker_id, held_on, staff_id, channel, department_id, "
		    "topic, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, X'', ?, ?)");
		if (st == NULL)
			goto fail;
		db_bind_i64(st, 1, seeker_id);
		db_bind_str(st, 2, in->held_on);
		db_bind_i64(st, 3, staff);
		db_bind_str(st, 4, in->channel);
		if (dept > 0)
			db_bind_i64(st, 5, dept);
		else
			db_bind_null(st, 5);
		db_bind_str(st, 6, in->topic);
		db_bind_i64(st, 7, now);
		db_bind_i64(st, 8, now);
		if (db_run(st) != DB_DONE)
			goto fail;
		*id = db_last_id(db);
		/* the row id is the seal's associated data: sealed once the row exists, in the same transaction */
		st = db_prepare(db, "UPDATE consultant_records SET notes = ? WHERE id = ?");
		if (st == NULL || !seal_bind(st, 1, A, "consultant_records", "notes", *id, in->notes))
			goto fail;
		db_bind_i64(st, 2, *id);
		if (db_run(st) != DB_DONE)
			goto fail;
	}
	{
		char detail[96];
		snprintf(detail, sizeof(detail), "consultant_record:%" PRId64 " held_on,staff,channel,department,topic,notes", *id);
		if (!audit_in(db, actor, ip, record_id > 0 ? "seeker.record_update" : "seeker.record_add", seeker_id, detail, now))
			goto fail;
	}
	if (!db_commit(db))
		goto fail;
	audit_sync_head(db);
	return true;
fail:
	db_rollback(db);
	seterr(e, "", MSG_DB);
	return false;
}

bool
rec_interaction_add(db_t *db, arena_t *A, const account_t *actor, const char *ip, int64_t seeker_id,
    const char *happened_on, const char *summary, int64_t now, rec_err_t *e)
{
	db_stmt_t *st;
	int64_t id;

	if (!date_ok(happened_on)) {
		seterr(e, "happened_on", "日付を正しく入力してください（例：2026-04-01）。");
		return false;
	}
	if (summary == NULL || summary[0] == '\0' || !text_ok(summary, REC_SUMMARY_MAX, true)) {
		seterr(e, "summary", "内容を1000文字以内で入力してください。");
		return false;
	}
	if (!db_begin_write(db))
		goto fail;
	st = db_prepare(db, "INSERT INTO seeker_interactions (seeker_id, happened_on, staff_id, summary, created_at) "
	    "VALUES (?, ?, ?, X'', ?)");
	if (st == NULL)
		goto fail;
	db_bind_i64(st, 1, seeker_id);
	db_bind_str(st, 2, happened_on);
	db_bind_i64(st, 3, actor->id);
	db_bind_i64(st, 4, now);
	if (db_run(st) != DB_DONE)
		goto fail;
	id = db_last_id(db);
	st = db_prepare(db, "UPDATE seeker_interactions SET summary = ? WHERE id = ?");
	if (st == NULL || !seal_bind(st, 1, A, "seeker_interactions", "summary", id, summary))
		goto fail;
	db_bind_i64(st, 2, id);
	if (db_run(st) != DB_DONE || !audit_in(db, actor, ip, "seeker.interaction_add", seeker_id, "happened_on,summary", now) ||
	    !db_commit(db))
		goto fail;
	audit_sync_head(db);
	return true;
fail:
	db_rollback(db);
	seterr(e, "", MSG_DB);
	return false;
}

static bool
outcome_log(db_t *db, int64_t referral_id, const char *outcome, int64_t staff, int64_t now)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO referral_outcomes (referral_id, outcome, staff_id, at) VALUES (?, ?, ?, ?)");

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, referral_id);
	db_bind_str(st, 2, outcome);
	db_bind_i64(st, 3, staff);
	db_bind_i64(st, 4, now);
	return db_run(st) == DB_DONE;
}

bool
rec_referral_add(db_t *db, const account_t *actor, const char *ip, int64_t seeker_id, int64_t entity_id,
    const char *referred_on, const char *outcome, int64_t now, int64_t *id, rec_err_t *e)
{
	db_stmt_t *st;

	if (entity_id <= 0 || exists(db, "SELECT 1 FROM entities WHERE id = ? AND type IN ('job', 'internship')",
	    entity_id, NULL) != 1) {
		seterr(e, "entity_id", "紹介先の求人・インターンシップを選んでください。");
		return false;
	}
	if (!date_ok(referred_on)) {
		seterr(e, "referred_on", "紹介日を正しく入力してください（例：2026-04-01）。");
		return false;
	}
	if (rec_outcome_label(outcome) == NULL) {
		seterr(e, "outcome", "結果を選んでください。");
		return false;
	}
	if (!db_begin_write(db))
		goto fail;
	st = db_prepare(db, "INSERT INTO referrals (seeker_id, entity_id, referred_on, staff_id, department_id, outcome, "
	    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		goto fail;
	db_bind_i64(st, 1, seeker_id);
	db_bind_i64(st, 2, entity_id);
	db_bind_str(st, 3, referred_on);
	db_bind_i64(st, 4, actor->id);
	if (actor->department_id > 0)
		db_bind_i64(st, 5, actor->department_id);
	else
		db_bind_null(st, 5);
	db_bind_str(st, 6, outcome);
	db_bind_i64(st, 7, now);
	db_bind_i64(st, 8, now);
	if (db_run(st) != DB_DONE)
		goto fail;
	*id = db_last_id(db);
	{
		char detail[96];
		snprintf(detail, sizeof(detail), "referral:%" PRId64 " entity:%" PRId64 " outcome=%s", *id, entity_id, outcome);
		if (!outcome_log(db, *id, outcome, actor->id, now) ||
		    !audit_in(db, actor, ip, "seeker.referral_add", seeker_id, detail, now) || !db_commit(db))
			goto fail;
	}
	audit_sync_head(db);
	return true;
fail:
	db_rollback(db);
	seterr(e, "", MSG_DB);
	return false;
}

bool
rec_referral_outcome(db_t *db, const account_t *actor, const char *ip, int64_t seeker_id, int64_t referral_id,
    const char *outcome, int64_t now, rec_err_t *e)
{
	db_stmt_t *st;

	if (rec_outcome_label(outcome) == NULL) {
		seterr(e, "outcome", "結果を選んでください。");
		return false;
	}
	if (!db_begin_write(db))
		goto fail;
	st = db_prepare(db, "UPDATE referrals SET outcome = ?, updated_at = ? WHERE id = ? AND seeker_id = ? AND outcome <> ?");
	if (st == NULL)
		goto fail;
	db_bind_str(st, 1, outcome);
	db_bind_i64(st, 2, now);
	db_bind_i64(st, 3, referral_id);
	db_bind_i64(st, 4, seeker_id);
	db_bind_str(st, 5, outcome);
	if (db_run(st) != DB_DONE)
		goto fail;
	if (db_changes(db) == 1) {
		char detail[80];
		snprintf(detail, sizeof(detail), "referral:%" PRId64 " outcome=%s", referral_id, outcome);
		if (!outcome_log(db, referral_id, outcome, actor->id, now) ||
		    !audit_in(db, actor, ip, "seeker.referral_outcome", seeker_id, detail, now))
			goto fail;
	}
	if (!db_commit(db))
		goto fail;
	audit_sync_head(db);
	return true;
fail:
	db_rollback(db);
	seterr(e, "", MSG_DB);
	return false;
}

/* ---- SEC09: export and erasure ---- */

static json_t *
jstr(const char *s)
{
	return json_string(s != NULL ? s : "");
}

/* rows of one query as an array of objects; sealed_col >= 0 opens that column under table/column/id(col 0) */
static json_t *
rows_json(db_t *db, arena_t *A, const char *sql, int64_t id, const char *const *names, int ncols, int sealed_col,
    const char *table, const char *column)
{
	db_stmt_t *st = db_prepare(db, sql);
	json_t *arr = json_array();
	int c, rc;

	if (st == NULL || arr == NULL) {
		json_decref(arr);
		return NULL;
	}
	db_bind_i64(st, 1, id);
	while ((rc = db_step(st)) == DB_ROW) {
		json_t *o = json_object();
		for (c = 0; c < ncols; c++) {
			if (c == sealed_col) {
				const char *p = seal_col(st, c, A, table, column, db_col_i64(st, 0));
				json_object_set_new(o, names[c], p != NULL ? jstr(p) : json_null());
			} else if (names[c][0] == '#') {
				json_object_set_new(o, names[c] + 1, json_integer(db_col_i64(st, c)));
			} else {
				json_object_set_new(o, names[c], jstr(db_col_text(st, c)));
			}
		}
		json_array_append_new(arr, o);
	}
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

bool
rec_seeker_export(db_t *db, arena_t *A, int64_t id, char **json, size_t *len)
{
	static const char *const cr[] = { "#id", "held_on", "staff", "channel", "department", "topic", "notes",
		"#created_at", "#updated_at" };
	static const char *const it[] = { "#id", "happened_on", "staff", "summary", "#created_at" };
	static const char *const rf[] = { "#id", "entity_type", "entity_title", "referred_on", "staff", "department",
		"outcome", "#created_at", "#updated_at" };
	static const char *const ro[] = { "#referral_id", "outcome", "staff", "#at" };
	static const char *const cs[] = { "#id", "subject", "status", "department", "#created_at", "#updated_at" };
	static const char *const ms[] = { "#id", "body", "#consultation_id", "author_kind", "author", "#created_at", "#read_at" };
	static const char *const ev[] = { "#id", "event", "#starts_at", "status", "#created_at", "#cancelled_at" };
	static const char *const au[] = { "#id", "#at", "actor", "ip", "action", "target", "detail" };
	rec_seeker_t s;
	json_t *root = NULL, *p, *acc, *x;
	size_t i;
	bool ok = false;

	*json = NULL;
	if (!db_begin(db))
		return false;
	if (rec_seeker_get(db, A, id, &s) != 1)
		goto done;
	root = json_object();
	p = json_object();
	acc = json_object();
	json_object_set_new(root, "format", json_string("tsunagu-seeker-export/1"));
	json_object_set_new(root, "exported_at", json_integer(jtime_now()));
	json_object_set_new(acc, "id", json_integer(id));
	json_object_set_new(acc, "login", jstr(s.login));
	json_object_set_new(acc, "email", jstr(s.email));
	json_object_set_new(acc, "status", jstr(s.status));
	json_object_set_new(root, "account", acc);
	for (i = 0; i < REC_SEEKER_NCOLS; i++)
		json_object_set_new(p, rec_seeker_cols[i], jstr(s.v[i]));
	json_object_set_new(p, "industry", jstr(s.industry));
	json_object_set_new(p, "mail_ok", json_boolean(s.mail_ok));
	json_object_set_new(p, "internal_memo", jstr(s.internal_memo));
	json_object_set_new(p, "remarks", jstr(s.remarks));
	json_object_set_new(p, "created_at", json_integer(s.created_at));
	json_object_set_new(p, "updated_at", json_integer(s.updated_at));
	json_object_set_new(p, "erased_at", s.erased ? json_integer(s.erased_at) : json_null());
	json_object_set_new(root, "profile", p);
#define ADD(key, expr) do { if ((x = (expr)) == NULL) goto done; json_object_set_new(root, key, x); } while (0)
	ADD("consultant_records", rows_json(db, A, "SELECT r.id, r.held_on, COALESCE(a.login, ''), r.channel, "
	    "COALESCE(d.name, ''), t.name, r.notes, r.created_at, r.updated_at FROM consultant_records r "
	    "LEFT JOIN accounts a ON a.id = r.staff_id LEFT JOIN departments d ON d.id = r.department_id "
	    "JOIN consult_topics t ON t.code = r.topic WHERE r.seeker_id = ? ORDER BY r.held_on, r.id",
	    id, cr, 9, 6, "consultant_records", "notes"));
	ADD("interactions", rows_json(db, A, "SELECT i.id, i.happened_on, COALESCE(a.login, ''), i.summary, i.created_at "
	    "FROM seeker_interactions i LEFT JOIN accounts a ON a.id = i.staff_id WHERE i.seeker_id = ? "
	    "ORDER BY i.happened_on, i.id", id, it, 5, 3, "seeker_interactions", "summary"));
	ADD("referrals", rows_json(db, A, "SELECT f.id, e.type, e.title, f.referred_on, COALESCE(a.login, ''), "
	    "COALESCE(d.name, ''), f.outcome, f.created_at, f.updated_at FROM referrals f JOIN entities e ON e.id = f.entity_id "
	    "LEFT JOIN accounts a ON a.id = f.staff_id LEFT JOIN departments d ON d.id = f.department_id "
	    "WHERE f.seeker_id = ? ORDER BY f.referred_on, f.id", id, rf, 9, -1, NULL, NULL));
	ADD("referral_outcomes", rows_json(db, A, "SELECT o.referral_id, o.outcome, COALESCE(a.login, ''), o.at "
	    "FROM referral_outcomes o JOIN referrals f ON f.id = o.referral_id LEFT JOIN accounts a ON a.id = o.staff_id "
	    "WHERE f.seeker_id = ? ORDER BY o.id", id, ro, 4, -1, NULL, NULL));
	ADD("consultations", rows_json(db, A, "SELECT c.id, c.subject, c.status, COALESCE(d.name, ''), c.created_at, "
	    "c.updated_at FROM consultations c LEFT JOIN departments d ON d.id = c.department_id WHERE c.account_id = ? "
	    "ORDER BY c.id", id, cs, 6, 1, "consultations", "subject"));
	ADD("consultation_messages", rows_json(db, A, "SELECT m.id, m.body, m.consultation_id, m.author_kind, "
	    "COALESCE(a.login, ''), m.created_at, COALESCE(m.read_at, 0) FROM consultation_messages m "
	    "JOIN consultations c ON c.id = m.consultation_id LEFT JOIN accounts a ON a.id = m.author_account_id "
	    "WHERE c.account_id = ? ORDER BY m.id", id, ms, 7, 1, "consultation_messages", "body"));
	ADD("event_applications", rows_json(db, A, "SELECT p.id, e.title, s.starts_at, p.status, p.created_at, "
	    "COALESCE(p.cancelled_at, 0) FROM event_applications p JOIN event_sessions s ON s.id = p.session_id "
	    "JOIN entities e ON e.id = s.entity_id WHERE p.account_id = ? ORDER BY p.id", id, ev, 6, -1, NULL, NULL));
	ADD("audit_entries", rows_json(db, A, "SELECT l.id, l.at, l.actor, l.ip, l.action, l.target, l.detail "
	    "FROM audit_log l WHERE l.target = 'account:' || ?1 OR l.actor_id = ?1 ORDER BY l.id", id, au, 7, -1, NULL, NULL));
#undef ADD
	*json = json_dumps(root, JSON_INDENT(1));
	ok = *json != NULL;
	if (ok)
		*len = strlen(*json);
done:
	json_decref(root);
	db_rollback(db); /* a read: nothing to commit */
	return ok;
}

bool
rec_seeker_erase(db_t *db, const account_t *actor, const char *ip, int64_t id, const char *reason, int64_t now,
    char *err, size_t errlen)
{
	static const char *const wipe[] = {
		/* personal fields: empty, the blind index gone (SEC09) */
		"UPDATE seekers SET name = X'', kana = X'', birth_date = X'', phone = X'', postal_code = X'', address = X'', "
		"school = '', graduation = '', wishes = '', internal_memo = NULL, remarks = NULL, mail_ok = 0, sealed = 1, "
		"erased_at = ?2, updated_at = ?2 WHERE account_id = ?1",
		"DELETE FROM seeker_name_index WHERE seeker_id = ?1",
		/* texts go, the rows (date, department, channel, topic, outcome) stay as statistics */
		"UPDATE consultant_records SET notes = NULL, updated_at = ?2 WHERE seeker_id = ?1",
		"UPDATE seeker_interactions SET summary = NULL WHERE seeker_id = ?1",
		"UPDATE consultations SET subject = X'', sealed = 1, status = 'closed', updated_at = ?2 WHERE account_id = ?1",
		"UPDATE consultation_messages SET body = X'', sealed = 1 WHERE consultation_id IN "
		"(SELECT id FROM consultations WHERE account_id = ?1)",
		"UPDATE registrations SET form_json = X'', sealed = 1, email = '' WHERE account_id = ?1",
		/* the account: disabled, address removed, signed out everywhere */
		"UPDATE accounts SET status = 'deleted', email = '', display_name = '', updated_at = ?2 WHERE id = ?1",
		"DELETE FROM sessions WHERE account_id = ?1",
		"DELETE FROM password_resets WHERE account_id = ?1",
	};
	char detail[REC_REASON_MAX * 4 + 16];
	rec_seeker_t s;
	arena_t A;
	size_t i;
	bool ok = false;

	if (reason == NULL || reason[0] == '\0' || !text_ok(reason, REC_REASON_MAX, false)) {
		str_errf(err, errlen, "理由を%d文字以内で入力してください。", REC_REASON_MAX);
		return false;
	}
	arena_init(&A, 8192, (size_t)1 << 24);
	if (!db_begin_write(db))
		goto dbfail;
	if (rec_seeker_get(db, &A, id, &s) != 1)
		goto dbfail;
	if (s.erased) {
		str_errf(err, errlen, "この求職者の個人情報はすでに削除されています。");
		goto fail;
	}
	snprintf(detail, sizeof(detail), "reason=%s", reason);
	if (!audit_in(db, actor, ip, "seeker.erase", id, detail, now))
		goto dbfail;
	for (i = 0; i < sizeof(wipe) / sizeof(wipe[0]); i++) {
		db_stmt_t *st = db_prepare(db, wipe[i]);
		if (st == NULL)
			goto dbfail;
		db_bind_i64(st, 1, id);
		if (strstr(wipe[i], "?2") != NULL)
			db_bind_i64(st, 2, now);
		if (db_run(st) != DB_DONE)
			goto dbfail;
	}
	{
		db_stmt_t *st = db_prepare(db, "INSERT INTO account_status_log (account_id, status, reason, by_id, at) "
		    "VALUES (?, 'deleted', ?, ?, ?)");
		if (st == NULL)
			goto dbfail;
		db_bind_i64(st, 1, id);
		db_bind_str(st, 2, reason);
		if (actor->id > 0)
			db_bind_i64(st, 3, actor->id);
		else
			db_bind_null(st, 3); /* the command line */
		db_bind_i64(st, 4, now);
		if (db_run(st) != DB_DONE)
			goto dbfail;
	}
	if (!db_commit(db))
		goto dbfail;
	audit_sync_head(db);
	(void)db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	ok = true;
	goto done;
dbfail:
	str_errf(err, errlen, "%s", MSG_DB);
fail:
	db_rollback(db);
done:
	arena_free(&A);
	return ok;
}
