/*
 * bench/seekers/gen.c - N fictitious job seekers for the staff search benchmark (issue 7 item 9;
 * bench/staff.sh). Bench-only: never part of the server or the CLI.
 *
 *   build/bench/seeker-gen --data DIR --key SEAL_KEY_FILE N [seed]
 *
 * Writes into an already migrated data directory (`tsunagu migrate`), through the functions the app uses:
 * each profile is sealed and name-indexed by rec_seeker_store (member/records.h, auth/seal.h), exactly as a
 * registration or a staff edit writes it. Accounts get a fixed password hash that matches no password (as
 * the demo seekers do: no argon2 per seeker), and rows are committed 2,000 per transaction. Names are
 * drawn from 40 family names x 40 given names (so a family-name prefix such as 高橋 finds about 1/40 of
 * them), all followed by （ベンチ）; phones use the exchange 000; login IDs B0000001...; e-mail addresses
 * under .invalid. A fixed xorshift seed gives the same people on every run.
 */
#include "auth/seal.h"
#include "core/arena.h"
#include "core/jtime.h"
#include "core/str.h"
#include "db/db.h"
#include "member/member.h"
#include "member/records.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 2000

static const char *const family[][2] = {
	{ "佐藤", "さとう" }, { "鈴木", "すずき" }, { "高橋", "たかはし" }, { "田中", "たなか" }, { "伊藤", "いとう" },
	{ "渡辺", "わたなべ" }, { "山本", "やまもと" }, { "中村", "なかむら" }, { "小林", "こばやし" }, { "加藤", "かとう" },
	{ "吉田", "よしだ" }, { "山田", "やまだ" }, { "佐々木", "ささき" }, { "山口", "やまぐち" }, { "松本", "まつもと" },
	{ "井上", "いのうえ" }, { "木村", "きむら" }, { "林", "はやし" }, { "斎藤", "さいとう" }, { "清水", "しみず" },
	{ "山崎", "やまざき" }, { "森", "もり" }, { "池田", "いけだ" }, { "橋本", "はしもと" }, { "阿部", "あべ" },
	{ "石川", "いしかわ" }, { "山下", "やました" }, { "中島", "なかじま" }, { "石井", "いしい" }, { "小川", "おがわ" },
	{ "前田", "まえだ" }, { "岡田", "おかだ" }, { "長谷川", "はせがわ" }, { "藤田", "ふじた" }, { "後藤", "ごとう" },
	{ "近藤", "こんどう" }, { "村上", "むらかみ" }, { "遠藤", "えんどう" }, { "青木", "あおき" }, { "坂本", "さかもと" },
};
static const char *const given[][2] = {
	{ "一郎", "いちろう" }, { "花子", "はなこ" }, { "次郎", "じろう" }, { "さくら", "さくら" }, { "健太", "けんた" },
	{ "美咲", "みさき" }, { "翔", "しょう" }, { "葵", "あおい" }, { "大輝", "だいき" }, { "結衣", "ゆい" },
	{ "蓮", "れん" }, { "陽菜", "ひな" }, { "悠真", "ゆうま" }, { "凛", "りん" }, { "湊", "みなと" },
	{ "芽依", "めい" }, { "大和", "やまと" }, { "心春", "こはる" }, { "陽翔", "はると" }, { "紬", "つむぎ" },
	{ "蒼", "あお" }, { "結菜", "ゆいな" }, { "樹", "いつき" }, { "莉子", "りこ" }, { "颯", "はやて" },
	{ "美月", "みつき" }, { "拓海", "たくみ" }, { "彩花", "あやか" }, { "直樹", "なおき" }, { "由美", "ゆみ" },
	{ "誠", "まこと" }, { "恵", "めぐみ" }, { "浩二", "こうじ" }, { "真由美", "まゆみ" }, { "隆", "たかし" },
	{ "裕子", "ゆうこ" }, { "剛", "つよし" }, { "智子", "ともこ" }, { "修", "おさむ" }, { "久美子", "くみこ" },
};
static const char *const towns[] = { "前橋市", "高崎市", "桐生市", "伊勢崎市", "太田市", "沼田市", "館林市", "渋川市" };
static const char *const schools[] = { "", "つなぐ大学（ベンチ）", "ぐんま専門学校（ベンチ）", "上州高等学校（ベンチ）",
	"赤城工業高等専門学校（ベンチ）" };
static const char *const wishes[] = { "事務職・前橋市内を希望", "製造・高崎市周辺を希望", "営業職を希望。普通免許あり",
	"介護職・夜勤なしを希望", "ITエンジニアを希望。UIJターン", "販売・接客を希望", "保育士を希望", "" };
static const char *const targets[] = { "shinsotsu", "kisotsu", "daini", "gakusei", "uij", "chuto" };
static const char *const industries[] = { "", "D", "E", "G", "H", "I", "P" };

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

static bool
one(db_t *db, arena_t *A, uint64_t *s, long i, int64_t now)
{
	const char *const *fam = family[rnd(s) % 40], *const *giv = given[rnd(s) % 40];
	char login[32], email[64];
	int64_t id, created = now - 86400 - (int64_t)(rnd(s) % (3 * 365 * 86400ULL));
	member_form_t f;
	db_stmt_t *st;

	snprintf(login, sizeof(login), "B%07ld", i + 1);
	snprintf(email, sizeof(email), "bench%07ld@bench.tsunagu.invalid", i + 1);
	st = db_prepare(db, "INSERT INTO accounts (kind, login, login_key, email, display_name, password_hash, created_at, "
	    "updated_at, password_changed_at) VALUES ('seeker', ?, lower(?), ?, '', '!bench: no login', ?, ?, ?)");
	if (st == NULL)
		return false;
	db_bind_str(st, 1, login);
	db_bind_str(st, 2, login);
	db_bind_str(st, 3, email);
	db_bind_i64(st, 4, created);
	db_bind_i64(st, 5, created);
	db_bind_i64(st, 6, created);
	if (db_run(st) != DB_DONE)
		return false;
	id = db_last_id(db);
	member_form_init(&f, MEMBER_SEEKER_PROFILE);
	f.values[member_form_index(&f, "name")] = arena_printf(A, "%s %s（ベンチ）", fam[0], giv[0]);
	f.values[member_form_index(&f, "kana")] = arena_printf(A, "%s %s", fam[1], giv[1]);
	f.values[member_form_index(&f, "birth_date")] = arena_printf(A, "%04d-%02d-%02d", 1965 + (int)(rnd(s) % 45),
	    1 + (int)(rnd(s) % 12), 1 + (int)(rnd(s) % 28));
	f.values[member_form_index(&f, "phone")] = arena_printf(A, "0%d-000-%04d", 270 + (int)(rnd(s) % 10),
	    (int)(i % 10000));
	f.values[member_form_index(&f, "postal_code")] = "371-0000";
	f.values[member_form_index(&f, "address")] = arena_printf(A, "群馬県%sつなぐ町%d-%d（ベンチ）", PICK(s, towns),
	    1 + (int)(rnd(s) % 30), 1 + (int)(rnd(s) % 20));
	f.values[member_form_index(&f, "school")] = PICK(s, schools);
	f.values[member_form_index(&f, "graduation")] = arena_printf(A, "%04d-03", 1985 + (int)(rnd(s) % 42));
	f.values[member_form_index(&f, "target")] = PICK(s, targets);
	f.values[member_form_index(&f, "wishes")] = PICK(s, wishes);
	if (rnd(s) % 4 != 0)
		f.values[member_form_index(&f, "mail_ok")] = "1";
	if (!rec_seeker_store(db, A, id, &f, false, created))
		return false;
	st = db_prepare(db, "UPDATE seekers SET industry = ?, created_at = ? WHERE account_id = ?");
	if (st == NULL)
		return false;
	db_bind_str(st, 1, PICK(s, industries));
	db_bind_i64(st, 2, created);
	db_bind_i64(st, 3, id);
	return db_run(st) == DB_DONE;
}

int
main(int argc, char **argv)
{
	const char *data = NULL, *key = NULL;
	long n = -1, i;
	uint64_t s = 0x2545f4914f6cdd1dULL;
	int64_t now = (int64_t)time(NULL);
	struct timespec t0, t1;
	db_t *db;
	arena_t A;
	int a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--data") == 0 && a + 1 < argc)
			data = argv[++a];
		else if (strcmp(argv[a], "--key") == 0 && a + 1 < argc)
			key = argv[++a];
		else if (n < 0)
			n = strtol(argv[a], NULL, 10);
		else
			s ^= (uint64_t)strtoull(argv[a], NULL, 10) * 0x9e3779b97f4a7c15ULL;
	}
	if (data == NULL || key == NULL || n <= 0 || n > 10000000) {
		fprintf(stderr, "usage: seeker-gen --data DIR --key SEAL_KEY_FILE N [seed]\n");
		return 2;
	}
	if (!seal_open(key, false) || !db_configure(data) || (db = db_open()) == NULL) {
		fprintf(stderr, "seeker-gen: cannot open the key %s or the database in %s\n", key, data);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	arena_init(&A, 64 * 1024, (size_t)1 << 26);
	for (i = 0; i < n;) {
		long end = i + BATCH < n ? i + BATCH : n;
		if (!db_begin_write(db))
			goto fail;
		for (; i < end; i++)
			if (!one(db, &A, &s, i, now))
				goto fail;
		if (!db_commit(db))
			goto fail;
		arena_reset(&A);
	}
	arena_free(&A);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("seeker-gen: %ld seekers in %.1f s\n", n, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	db_close(db);
	return 0;
fail:
	fprintf(stderr, "seeker-gen: seeker %ld: %s\n", i + 1, db_errmsg(db));
	db_rollback(db);
	return 1;
}
