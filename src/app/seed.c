/* seed.c - demo accounts, one of each kind the foundation knows, all with the documented demo password,
 * and the demo content (demo.c). */
#include "app/seed.h"
#include "app/demo.h"
#include "auth/account.h"
#include "content/company.h"
#include "core/jtime.h"
#include "member/records.h"

#include <stdio.h>
#include <string.h>

/* Demo only (README): never used outside `seed --demo`. */
#define DEMO_PASSWORD "Tsunagu-Demo-2026"

static const account_new_t demo[] = {
	{ "staff", "demo-pref", "pref@demo.tsunagu.invalid", "県 担当者（デモ）", DEMO_PASSWORD, "pref" },
	{ "staff", "demo-shushoku", "shushoku@demo.tsunagu.invalid", "就職支援部門 担当者（デモ）", DEMO_PASSWORD, "shushoku" },
	{ "staff", "demo-kigyo", "kigyo@demo.tsunagu.invalid", "企業支援部門 担当者（デモ）", DEMO_PASSWORD, "kigyo" },
	{ "staff", "demo-viewer", "viewer@demo.tsunagu.invalid", "閲覧のみ 担当者（デモ）", DEMO_PASSWORD, "kigyo" },
	{ "seeker", "demo-seeker", "seeker@demo.tsunagu.invalid", "", DEMO_PASSWORD, NULL }, /* name: sealed in seekers */
	{ "company", "demo-company", "company@demo.tsunagu.invalid", "株式会社つなぐ商事（デモ）", DEMO_PASSWORD, NULL },
};

/* the role of each demo staff account (demo[] keeps account_new_t's shape) */
static const char *
demo_role(const char *login)
{
	if (strcmp(login, "demo-pref") == 0)
		return "admin";
	if (strcmp(login, "demo-viewer") == 0)
		return "view";
	return "edit";
}

static int64_t
count_entities(db_t *db)
{
	db_stmt_t *st = db_prepare(db, "SELECT COUNT(*) FROM entities");
	int64_t n = -1;

	if (st == NULL)
		return -1;
	if (db_step(st) == DB_ROW)
		n = db_col_i64(st, 0);
	db_done(st);
	return n;
}

/* A profile for demo-seeker (fictitious), so its My Page has something to show and edit; sealed (SEC06). */
static bool
seed_demo_seeker(db_t *db)
{
	static const char *const v[][2] = { { "name", "上州 太郎（デモ）" }, { "kana", "じょうしゅう たろう" },
		{ "birth_date", "2003-04-01" }, { "phone", "027-000-0000" }, { "postal_code", "371-0000" },
		{ "address", "群馬県前橋市（デモ）" }, { "school", "つなぐ大学（デモ）" }, { "graduation", "2026-03" },
		{ "target", "kisotsu" }, { "wishes", "事務職・前橋市内を希望（デモ）" }, { "mail_ok", "1" } };
	db_stmt_t *st = db_prepare(db, "SELECT a.id FROM accounts a WHERE a.login_key = 'demo-seeker' "
	    "AND NOT EXISTS (SELECT 1 FROM seekers s WHERE s.account_id = a.id)");
	int64_t now = jtime_now(), id = 0;
	member_form_t f;
	arena_t A;
	size_t i;
	bool ok;

	if (st == NULL)
		return false;
	if (db_step(st) == DB_ROW)
		id = db_col_i64(st, 0);
	db_done(st);
	if (id == 0)
		return true;
	member_form_init(&f, MEMBER_SEEKER_PROFILE);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int k = member_form_index(&f, v[i][0]);
		if (k >= 0)
			f.values[k] = v[i][1];
	}
	arena_init(&A, 4096, (size_t)1 << 20);
	ok = db_begin_write(db) && rec_seeker_store(db, &A, id, &f, false, now) && db_commit(db);
	if (!ok) {
		db_rollback(db);
		fprintf(stderr, "seed: demo-seeker profile: %s\n", db_errmsg(db));
	}
	arena_free(&A);
	return ok;
}

/* demo-company edits the first demo company (My Page, G22), unless it is linked already. */
static bool
seed_company_link(db_t *db)
{
	db_stmt_t *st = db_prepare(db, "SELECT a.id, (SELECT MIN(id) FROM entities WHERE type = 'company') FROM accounts a "
	    "WHERE a.login = 'demo-company' AND NOT EXISTS (SELECT 1 FROM company_accounts ca WHERE ca.account_id = a.id)");
	int64_t account = 0, entity = 0;
	char err[256];

	if (st == NULL)
		return false;
	if (db_step(st) == DB_ROW) {
		account = db_col_i64(st, 0);
		entity = db_col_i64(st, 1);
	}
	db_done(st);
	if (account == 0 || entity == 0)
		return true;
	if (!company_link(db, account, entity, jtime_now(), err, sizeof(err))) {
		/* that company may already be registered to another account */
		fprintf(stderr, "seed: demo-company not linked: %s\n", err);
		return true;
	}
	printf("seed: demo-company edits company %lld\n", (long long)entity);
	return true;
}

int
seed_demo(db_t *db, const schema_t *s)
{
	size_t i;
	int made = 0;
	int64_t before, after;
	char cerr[1024];

	for (i = 0; i < sizeof(demo) / sizeof(demo[0]); i++) {
		db_stmt_t *st = db_prepare(db, "SELECT 1 FROM accounts WHERE login_key = ?");
		char err[512];
		int64_t id;
		bool exists;

		if (st == NULL)
			return 1;
		db_bind_str(st, 1, demo[i].login);
		exists = db_step(st) == DB_ROW;
		db_done(st);
		if (exists)
			continue;
		if (!account_create_staff(db, &demo[i], demo_role(demo[i].login), false, "seed", "local", jtime_now(), &id,
		    err, sizeof(err))) {
			fprintf(stderr, "seed: %s: %s\n", demo[i].login, err);
			return 1;
		}
		made++;
	}
	if (!seed_demo_seeker(db))
		return 1;
	printf("seed: demo accounts ready (%d new): demo-pref (admin), demo-shushoku, demo-kigyo, demo-viewer (view), demo-seeker, demo-company\n", made);
	before = count_entities(db);
	if (!demo_content(db, s, jtime_now(), cerr, sizeof(cerr))) {
		fprintf(stderr, "seed: %s\n", cerr);
		return 1;
	}
	after = count_entities(db);
	printf("seed: demo content ready (%lld new entities)\n", (long long)(after - before));
	{
		int nseekers;
		if (!demo_seekers(db, jtime_now(), &nseekers, cerr, sizeof(cerr))) {
			fprintf(stderr, "seed: %s\n", cerr);
			return 1;
		}
		printf("seed: demo job seekers ready (%d new, with consultant records and referrals)\n", nseekers);
	}
	return seed_company_link(db) ? 0 : 1;
}
