/*
 * demo_seekers.c - fictitious job seekers for `seed --demo` (issue 7 item 8): profiles sealed like real ones,
 * with consultant records, interactions and referrals to the demo jobs and internships. A fixed xorshift
 * seed (as demo.c) gives the same people on every run. Names are Gunma mountains and rivers followed by
 * （デモ）, phone numbers have the exchange 000, addresses end in （デモ）: nobody real.
 */
#include "app/demo.h"
#include "auth/seal.h"
#include "core/arena.h"
#include "core/jtime.h"
#include "core/str.h"
#include "member/member.h"
#include "member/records.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define SEEKERS      50
#define SEEKER_SEED  0x9e3779b97f4a7c15ULL

static const char *const family[][2] = {
	{ "赤城", "あかぎ" }, { "榛名", "はるな" }, { "妙義", "みょうぎ" }, { "浅間", "あさま" }, { "谷川", "たにがわ" },
	{ "尾瀬", "おぜ" }, { "草津", "くさつ" }, { "利根", "とね" }, { "吾妻", "あがつま" }, { "碓氷", "うすい" },
};
static const char *const given[][2] = {
	{ "一郎", "いちろう" }, { "花子", "はなこ" }, { "次郎", "じろう" }, { "さくら", "さくら" }, { "健太", "けんた" },
	{ "美咲", "みさき" }, { "翔", "しょう" }, { "葵", "あおい" }, { "大輝", "だいき" }, { "結衣", "ゆい" },
};
static const char *const targets[] = { "shinsotsu", "kisotsu", "daini", "gakusei", "uij", "chuto" };
static const char *const industries[] = { "D", "E", "G", "H", "I", "P" };
static const char *const channels[] = { "visit", "phone", "mail", "online" };
static const char *const topics[] = { "job", "documents", "interview", "aptitude", "retention", "other" };
static const char *const notes[] = {
	"応募書類の書き方を一緒に確認した（デモ）。", "面接の受け答えを練習した。次回は志望動機を整理する（デモ）。",
	"適職診断の結果をもとに希望職種を話し合った（デモ）。", "就職後の職場の様子を聞いた。困りごとは特になし（デモ）。",
	"UIJターンの住まい探しについて情報を伝えた（デモ）。", "求人票の見方と応募の流れを説明した（デモ）。",
};
static const char *const summaries[] = {
	"履歴書の下書きをメールで受け取った（デモ）。", "面接日程の確認で電話した（デモ）。",
	"セミナーの案内を手渡した（デモ）。",
};
static const char *const flows[][4] = {
	{ "applied", NULL, NULL, NULL }, { "applied", "interview", NULL, NULL }, { "applied", "interview", "offer", NULL },
	{ "applied", "interview", "offer", "hired" }, { "applied", "declined", NULL, NULL },
	{ "applied", "interview", "declined", NULL },
};

static uint64_t
rnd(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

#define PICK(s, a) ((a)[rnd(s) % (sizeof(a) / sizeof((a)[0]))])

static const char *
ymd(arena_t *A, int64_t t)
{
	struct tm tm;

	jtime_jst(t, &tm);
	return arena_printf(A, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static int64_t
one(db_t *db, const char *sql)
{
	db_stmt_t *st = db_prepare(db, sql);
	int64_t v = 0;

	if (st != NULL && db_step(st) == DB_ROW)
		v = db_col_i64(st, 0);
	if (st != NULL)
		db_done(st);
	return v;
}

static bool
run(db_stmt_t *st)
{
	return st != NULL && db_run(st) == DB_DONE;
}

/* one seeker with its records; inside the caller's transaction */
static bool
one_seeker(db_t *db, arena_t *A, uint64_t *s, int i, int64_t staff, int64_t dept, const int64_t *ents, int nents,
    int64_t now)
{
	const char *const *fam = family[i % 10], *const *giv = given[(i / 10 + i) % 10];
	char login[16], email[64];
	int64_t id, created = now - (int64_t)(rnd(s) % (720 * 86400ULL)) - 86400;
	member_form_t f;
	db_stmt_t *st;
	int k, n;

	snprintf(login, sizeof(login), "J9%07d", i + 1);
	snprintf(email, sizeof(email), "seeker%02d@demo.tsunagu.invalid", i + 1);
	st = db_prepare(db, "INSERT INTO accounts (kind, login, login_key, email, display_name, password_hash, created_at, "
	    "updated_at, password_changed_at) VALUES ('seeker', ?, lower(?), ?, '', '!demo: no login', ?, ?, ?)");
	if (st == NULL)
		return false;
	db_bind_str(st, 1, login);
	db_bind_str(st, 2, login);
	db_bind_str(st, 3, email);
	db_bind_i64(st, 4, created);
	db_bind_i64(st, 5, created);
	db_bind_i64(st, 6, created);
	if (!run(st))
		return false;
	id = db_last_id(db);
	member_form_init(&f, MEMBER_SEEKER_PROFILE);
	f.values[member_form_index(&f, "name")] = arena_printf(A, "%s %s（デモ）", fam[0], giv[0]);
	f.values[member_form_index(&f, "kana")] = arena_printf(A, "%s %s", fam[1], giv[1]);
	f.values[member_form_index(&f, "birth_date")] = arena_printf(A, "%04d-%02d-%02d", 1990 + (int)(rnd(s) % 16),
	    1 + (int)(rnd(s) % 12), 1 + (int)(rnd(s) % 28));
	f.values[member_form_index(&f, "phone")] = arena_printf(A, "027-000-%04d", 1000 + i);
	f.values[member_form_index(&f, "postal_code")] = "371-0000";
	f.values[member_form_index(&f, "address")] = arena_printf(A, "群馬県前橋市つなぐ町%d-%d（デモ）", i + 1, (int)(rnd(s) % 20) + 1);
	f.values[member_form_index(&f, "school")] = i % 3 == 0 ? "つなぐ大学（デモ）" : i % 3 == 1 ? "ぐんま専門学校（デモ）" : "";
	f.values[member_form_index(&f, "graduation")] = arena_printf(A, "%04d-03", 2020 + (int)(rnd(s) % 7));
	f.values[member_form_index(&f, "target")] = PICK(s, targets);
	f.values[member_form_index(&f, "wishes")] = i % 2 ? "事務職・前橋市内を希望（デモ）" : "製造・高崎市周辺を希望（デモ）";
	if (i % 4 != 0)
		f.values[member_form_index(&f, "mail_ok")] = "1";
	if (!rec_seeker_store(db, A, id, &f, false, created))
		return false;
	st = db_prepare(db, "UPDATE seekers SET industry = ?, created_at = ? WHERE account_id = ?");
	if (st == NULL)
		return false;
	db_bind_str(st, 1, PICK(s, industries));
	db_bind_i64(st, 2, created);
	db_bind_i64(st, 3, id);
	if (!run(st))
		return false;
	n = (int)(rnd(s) % 4);
	for (k = 0; k < n; k++) {
		int64_t at = created + (int64_t)(rnd(s) % (uint64_t)(now - created));
		int64_t rid;
		st = db_prepare(db, "INSERT INTO consultant_records (seeker_id, held_on, staff_id, channel, department_id, topic, "
		    "notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, X'', ?, ?)");
		if (st == NULL)
			return false;
		db_bind_i64(st, 1, id);
		db_bind_str(st, 2, ymd(A, at));
		db_bind_i64(st, 3, staff);
		db_bind_str(st, 4, PICK(s, channels));
		db_bind_i64(st, 5, dept);
		db_bind_str(st, 6, PICK(s, topics));
		db_bind_i64(st, 7, at);
		db_bind_i64(st, 8, at);
		if (!run(st))
			return false;
		rid = db_last_id(db);
		st = db_prepare(db, "UPDATE consultant_records SET notes = ? WHERE id = ?");
		if (st == NULL || !seal_bind(st, 1, A, "consultant_records", "notes", rid, PICK(s, notes)))
			return false;
		db_bind_i64(st, 2, rid);
		if (!run(st))
			return false;
	}
	n = (int)(rnd(s) % 3);
	for (k = 0; k < n; k++) {
		int64_t at = created + (int64_t)(rnd(s) % (uint64_t)(now - created)), iid;
		st = db_prepare(db, "INSERT INTO seeker_interactions (seeker_id, happened_on, staff_id, summary, created_at) "
		    "VALUES (?, ?, ?, X'', ?)");
		if (st == NULL)
			return false;
		db_bind_i64(st, 1, id);
		db_bind_str(st, 2, ymd(A, at));
		db_bind_i64(st, 3, staff);
		db_bind_i64(st, 4, at);
		if (!run(st))
			return false;
		iid = db_last_id(db);
		st = db_prepare(db, "UPDATE seeker_interactions SET summary = ? WHERE id = ?");
		if (st == NULL || !seal_bind(st, 1, A, "seeker_interactions", "summary", iid, PICK(s, summaries)))
			return false;
		db_bind_i64(st, 2, iid);
		if (!run(st))
			return false;
	}
	n = nents > 0 ? (int)(rnd(s) % 3) : 0;
	for (k = 0; k < n; k++) {
		const char *const *flow = flows[rnd(s) % (sizeof(flows) / sizeof(flows[0]))];
		int64_t at = created + (int64_t)(rnd(s) % (uint64_t)(now - created)), fid;
		int step, last = 0;
		for (step = 0; step < 4 && flow[step] != NULL; step++)
			last = step;
		st = db_prepare(db, "INSERT INTO referrals (seeker_id, entity_id, referred_on, staff_id, department_id, outcome, "
		    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
		if (st == NULL)
			return false;
		db_bind_i64(st, 1, id);
		db_bind_i64(st, 2, ents[rnd(s) % (uint64_t)nents]);
		db_bind_str(st, 3, ymd(A, at));
		db_bind_i64(st, 4, staff);
		db_bind_i64(st, 5, dept);
		db_bind_str(st, 6, flow[last]);
		db_bind_i64(st, 7, at);
		db_bind_i64(st, 8, at + last * 7 * 86400);
		if (!run(st))
			return false;
		fid = db_last_id(db);
		for (step = 0; step <= last; step++) {
			st = db_prepare(db, "INSERT INTO referral_outcomes (referral_id, outcome, staff_id, at) VALUES (?, ?, ?, ?)");
			if (st == NULL)
				return false;
			db_bind_i64(st, 1, fid);
			db_bind_str(st, 2, flow[step]);
			db_bind_i64(st, 3, staff);
			db_bind_i64(st, 4, at + step * 7 * 86400);
			if (!run(st))
				return false;
		}
	}
	return true;
}

bool
demo_seekers(db_t *db, int64_t now, int *made, char *err, size_t errlen)
{
	uint64_t s = SEEKER_SEED;
	int64_t ents[200], staff, dept;
	int nents = 0, i;
	db_stmt_t *st;
	arena_t A;
	bool ok = false;

	*made = 0;
	if (one(db, "SELECT COUNT(*) FROM accounts WHERE login_key = 'j90000001'") > 0)
		return true; /* already seeded */
	staff = one(db, "SELECT id FROM accounts WHERE login_key = 'demo-shushoku'");
	dept = one(db, "SELECT id FROM departments WHERE code = 'shushoku'");
	if (staff == 0 || dept == 0) {
		str_errf(err, errlen, "demo seekers: demo-shushoku or the department shushoku is missing");
		return false;
	}
	st = db_prepare(db, "SELECT id FROM entities WHERE type IN ('job', 'internship') AND status = 'published' "
	    "ORDER BY id LIMIT 200");
	if (st == NULL)
		return false;
	while (db_step(st) == DB_ROW && nents < 200)
		ents[nents++] = db_col_i64(st, 0);
	db_done(st);
	arena_init(&A, 64 * 1024, (size_t)1 << 26);
	if (!db_begin_write(db))
		goto done;
	for (i = 0; i < SEEKERS; i++)
		if (!one_seeker(db, &A, &s, i, staff, dept, ents, nents, now))
			goto done;
	if (!db_commit(db))
		goto done;
	*made = SEEKERS;
	ok = true;
done:
	if (!ok) {
		str_errf(err, errlen, "demo seekers: %s", db_errmsg(db));
		db_rollback(db);
	}
	arena_free(&A);
	return ok;
}
