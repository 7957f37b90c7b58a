/* seed.c - demo accounts, one of each kind the foundation knows, all with the documented demo password,
 * and the demo content (demo.c). */
#include "app/seed.h"
#include "app/demo.h"
#include "auth/account.h"
#include "content/company.h"
#include "core/jtime.h"

#include <stdio.h>
#include <string.h>

/* Demo only (README): never used outside `seed --demo`. */
#define DEMO_PASSWORD "Tsunagu-Demo-2026"

static const account_new_t demo[] = {
	{ "staff", "demo-pref", "pref@demo.tsunagu.invalid", "県 担当者（デモ）", DEMO_PASSWORD, "pref" },
	{ "staff", "demo-shushoku", "shushoku@demo.tsunagu.invalid", "就職支援部門 担当者（デモ）", DEMO_PASSWORD, "shushoku" },
	{ "staff", "demo-kigyo", "kigyo@demo.tsunagu.invalid", "企業支援部門 担当者（デモ）", DEMO_PASSWORD, "kigyo" },
	{ "staff", "demo-viewer", "viewer@demo.tsunagu.invalid", "閲覧のみ 担当者（デモ）", DEMO_PASSWORD, "kigyo" },
	{ "seeker", "demo-seeker", "seeker@demo.tsunagu.invalid", "上州 太郎（デモ）", DEMO_PASSWORD, NULL },
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

/* A profile for demo-seeker (fictitious), so its My Page has something to show and edit. */
static bool
seed_demo_seeker(db_t *db)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO seekers (account_id, name, kana, birth_date, phone, postal_code, address, "
	    "school, graduation, target, wishes, mail_ok, created_at, updated_at) "
	    "SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ? FROM accounts WHERE login_key = 'demo-seeker' "
	    "ON CONFLICT (account_id) DO NOTHING");
	int64_t now = jtime_now();

	if (st == NULL)
		return false;
	db_bind_str(st, 1, "上州 太郎（デモ）");
	db_bind_str(st, 2, "じょうしゅう たろう");
	db_bind_str(st, 3, "2003-04-01");
	db_bind_str(st, 4, "027-000-0000");
	db_bind_str(st, 5, "371-0000");
	db_bind_str(st, 6, "群馬県前橋市（デモ）");
	db_bind_str(st, 7, "つなぐ大学（デモ）");
	db_bind_str(st, 8, "2026-03");
	db_bind_str(st, 9, "kisotsu");
	db_bind_str(st, 10, "事務職・前橋市内を希望（デモ）");
	db_bind_i64(st, 11, now);
	db_bind_i64(st, 12, now);
	if (db_run(st) != DB_DONE) {
		fprintf(stderr, "seed: demo-seeker profile: %s\n", db_errmsg(db));
		return false;
	}
	return true;
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
	return seed_company_link(db) ? 0 : 1;
}
