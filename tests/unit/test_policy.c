/* test_policy.c - the department rule walked cell by cell (G62, G50, G51, SEC16, SEC17; SECURITY.md item 11),
 * last-admin protection and the account lifecycle (SEC15): issue 6 items 1 and 2. */
#include "testutil.h"
#include "dbtest.h"

#include "auth/account.h"
#include "auth/policy.h"
#include "auth/session.h"
#include "auth/staff.h"
#include "core/log.h"

#define T0 1790000000
#define PW "Maebashi-Kiryu-42"

/* the departments migration 001 creates, by id */
#define D_PREF 1
#define D_EMPLOYMENT 2
#define D_COMPANY 3

enum owner { OWN, OTHER, NONE };

/*
 * Every cell of the matrix. expect: 9 answers, grouped by role (view, edit, admin), each group in
 * department order (県 pref, 就職支援 employment, 企業支援 company); '1' allowed, '0' refused.
 * OWN: the record is registered to the actor's department; OTHER: to another department; NONE: to none.
 */
static const struct {
	policy_record_t kind;
	policy_action_t action;
	enum owner      owner;
	const char     *expect;
} matrix[] = {
	{ POLICY_COMPANY, POLICY_VIEW, OWN, "111 111 111" },
	{ POLICY_COMPANY, POLICY_VIEW, OTHER, "111 111 111" },
	{ POLICY_COMPANY, POLICY_VIEW, NONE, "111 111 111" },
	{ POLICY_COMPANY, POLICY_CREATE, OWN, "000 111 111" },
	{ POLICY_COMPANY, POLICY_CREATE, OTHER, "000 100 100" },
	{ POLICY_COMPANY, POLICY_CREATE, NONE, "000 100 100" },
	{ POLICY_COMPANY, POLICY_UPDATE, OWN, "000 111 111" },
	{ POLICY_COMPANY, POLICY_UPDATE, OTHER, "000 100 100" },
	{ POLICY_COMPANY, POLICY_UPDATE, NONE, "000 100 100" },
	{ POLICY_COMPANY, POLICY_DELETE, OWN, "000 111 111" },
	{ POLICY_COMPANY, POLICY_DELETE, OTHER, "000 100 100" },
	{ POLICY_COMPANY, POLICY_DELETE, NONE, "000 100 100" },
	{ POLICY_COMPANY, POLICY_STATUS, OWN, "000 111 111" },
	{ POLICY_COMPANY, POLICY_STATUS, OTHER, "000 100 100" },
	{ POLICY_COMPANY, POLICY_STATUS, NONE, "000 100 100" },
	{ POLICY_COMPANY, POLICY_EXPORT, OWN, "000 111 111" },
	{ POLICY_COMPANY, POLICY_EXPORT, OTHER, "000 111 111" },
	{ POLICY_COMPANY, POLICY_EXPORT, NONE, "000 111 111" },
	{ POLICY_COMPANY, POLICY_PRINT, OWN, "111 111 111" },
	{ POLICY_COMPANY, POLICY_PRINT, OTHER, "111 111 111" },
	{ POLICY_COMPANY, POLICY_PRINT, NONE, "111 111 111" },
	{ POLICY_COMPANY, POLICY_BULK_MAIL, OWN, "000 101 101" },
	{ POLICY_COMPANY, POLICY_BULK_MAIL, OTHER, "000 101 101" },
	{ POLICY_COMPANY, POLICY_BULK_MAIL, NONE, "000 101 101" },
	{ POLICY_JOB, POLICY_VIEW, OWN, "111 111 111" },
	{ POLICY_JOB, POLICY_VIEW, OTHER, "111 111 111" },
	{ POLICY_JOB, POLICY_VIEW, NONE, "111 111 111" },
	{ POLICY_JOB, POLICY_CREATE, OWN, "000 111 111" },
	{ POLICY_JOB, POLICY_CREATE, OTHER, "000 100 100" },
	{ POLICY_JOB, POLICY_CREATE, NONE, "000 100 100" },
	{ POLICY_JOB, POLICY_UPDATE, OWN, "000 111 111" },
	{ POLICY_JOB, POLICY_UPDATE, OTHER, "000 100 100" },
	{ POLICY_JOB, POLICY_UPDATE, NONE, "000 100 100" },
	{ POLICY_JOB, POLICY_DELETE, OWN, "000 111 111" },
	{ POLICY_JOB, POLICY_DELETE, OTHER, "000 100 100" },
	{ POLICY_JOB, POLICY_DELETE, NONE, "000 100 100" },
	{ POLICY_JOB, POLICY_STATUS, OWN, "000 111 111" },
	{ POLICY_JOB, POLICY_STATUS, OTHER, "000 100 100" },
	{ POLICY_JOB, POLICY_STATUS, NONE, "000 100 100" },
	{ POLICY_JOB, POLICY_EXPORT, OWN, "000 111 111" },
	{ POLICY_JOB, POLICY_EXPORT, OTHER, "000 111 111" },
	{ POLICY_JOB, POLICY_EXPORT, NONE, "000 111 111" },
	{ POLICY_JOB, POLICY_PRINT, OWN, "111 111 111" },
	{ POLICY_JOB, POLICY_PRINT, OTHER, "111 111 111" },
	{ POLICY_JOB, POLICY_PRINT, NONE, "111 111 111" },
	{ POLICY_JOB, POLICY_BULK_MAIL, OWN, "000 000 000" },
	{ POLICY_JOB, POLICY_BULK_MAIL, OTHER, "000 000 000" },
	{ POLICY_JOB, POLICY_BULK_MAIL, NONE, "000 000 000" },
	{ POLICY_INTERNSHIP, POLICY_VIEW, OWN, "111 111 111" },
	{ POLICY_INTERNSHIP, POLICY_VIEW, OTHER, "111 111 111" },
	{ POLICY_INTERNSHIP, POLICY_VIEW, NONE, "111 111 111" },
	{ POLICY_INTERNSHIP, POLICY_CREATE, OWN, "000 111 111" },
	{ POLICY_INTERNSHIP, POLICY_CREATE, OTHER, "000 100 100" },
	{ POLICY_INTERNSHIP, POLICY_CREATE, NONE, "000 100 100" },
	{ POLICY_INTERNSHIP, POLICY_UPDATE, OWN, "000 111 111" },
	{ POLICY_INTERNSHIP, POLICY_UPDATE, OTHER, "000 100 100" },
	{ POLICY_INTERNSHIP, POLICY_UPDATE, NONE, "000 100 100" },
	{ POLICY_INTERNSHIP, POLICY_DELETE, OWN, "000 111 111" },
	{ POLICY_INTERNSHIP, POLICY_DELETE, OTHER, "000 100 100" },
	{ POLICY_INTERNSHIP, POLICY_DELETE, NONE, "000 100 100" },
	{ POLICY_INTERNSHIP, POLICY_STATUS, OWN, "000 111 111" },
	{ POLICY_INTERNSHIP, POLICY_STATUS, OTHER, "000 100 100" },
	{ POLICY_INTERNSHIP, POLICY_STATUS, NONE, "000 100 100" },
	{ POLICY_INTERNSHIP, POLICY_EXPORT, OWN, "000 111 111" },
	{ POLICY_INTERNSHIP, POLICY_EXPORT, OTHER, "000 111 111" },
	{ POLICY_INTERNSHIP, POLICY_EXPORT, NONE, "000 111 111" },
	{ POLICY_INTERNSHIP, POLICY_PRINT, OWN, "111 111 111" },
	{ POLICY_INTERNSHIP, POLICY_PRINT, OTHER, "111 111 111" },
	{ POLICY_INTERNSHIP, POLICY_PRINT, NONE, "111 111 111" },
	{ POLICY_INTERNSHIP, POLICY_BULK_MAIL, OWN, "000 000 000" },
	{ POLICY_INTERNSHIP, POLICY_BULK_MAIL, OTHER, "000 000 000" },
	{ POLICY_INTERNSHIP, POLICY_BULK_MAIL, NONE, "000 000 000" },
	{ POLICY_SEEKER, POLICY_VIEW, OWN, "111 111 111" },
	{ POLICY_SEEKER, POLICY_VIEW, OTHER, "111 111 111" },
	{ POLICY_SEEKER, POLICY_VIEW, NONE, "111 111 111" },
	{ POLICY_SEEKER, POLICY_CREATE, OWN, "000 110 110" },
	{ POLICY_SEEKER, POLICY_CREATE, OTHER, "000 100 100" },
	{ POLICY_SEEKER, POLICY_CREATE, NONE, "000 110 110" },
	{ POLICY_SEEKER, POLICY_UPDATE, OWN, "000 110 110" },
	{ POLICY_SEEKER, POLICY_UPDATE, OTHER, "000 100 100" },
	{ POLICY_SEEKER, POLICY_UPDATE, NONE, "000 110 110" },
	{ POLICY_SEEKER, POLICY_DELETE, OWN, "000 110 110" },
	{ POLICY_SEEKER, POLICY_DELETE, OTHER, "000 100 100" },
	{ POLICY_SEEKER, POLICY_DELETE, NONE, "000 110 110" },
	{ POLICY_SEEKER, POLICY_STATUS, OWN, "000 110 110" },
	{ POLICY_SEEKER, POLICY_STATUS, OTHER, "000 100 100" },
	{ POLICY_SEEKER, POLICY_STATUS, NONE, "000 110 110" },
	{ POLICY_SEEKER, POLICY_EXPORT, OWN, "000 111 111" },
	{ POLICY_SEEKER, POLICY_EXPORT, OTHER, "000 111 111" },
	{ POLICY_SEEKER, POLICY_EXPORT, NONE, "000 111 111" },
	{ POLICY_SEEKER, POLICY_PRINT, OWN, "111 111 111" },
	{ POLICY_SEEKER, POLICY_PRINT, OTHER, "111 111 111" },
	{ POLICY_SEEKER, POLICY_PRINT, NONE, "111 111 111" },
	{ POLICY_SEEKER, POLICY_BULK_MAIL, OWN, "000 110 110" },
	{ POLICY_SEEKER, POLICY_BULK_MAIL, OTHER, "000 110 110" },
	{ POLICY_SEEKER, POLICY_BULK_MAIL, NONE, "000 110 110" },
	{ POLICY_CONSULTATION, POLICY_VIEW, OWN, "111 111 111" },
	{ POLICY_CONSULTATION, POLICY_VIEW, OTHER, "111 111 111" },
	{ POLICY_CONSULTATION, POLICY_VIEW, NONE, "111 111 111" },
	{ POLICY_CONSULTATION, POLICY_CREATE, OWN, "000 111 111" },
	{ POLICY_CONSULTATION, POLICY_CREATE, OTHER, "000 100 100" },
	{ POLICY_CONSULTATION, POLICY_CREATE, NONE, "000 100 100" },
	{ POLICY_CONSULTATION, POLICY_UPDATE, OWN, "000 111 111" },
	{ POLICY_CONSULTATION, POLICY_UPDATE, OTHER, "000 100 100" },
	{ POLICY_CONSULTATION, POLICY_UPDATE, NONE, "000 100 100" },
	{ POLICY_CONSULTATION, POLICY_DELETE, OWN, "000 111 111" },
	{ POLICY_CONSULTATION, POLICY_DELETE, OTHER, "000 100 100" },
	{ POLICY_CONSULTATION, POLICY_DELETE, NONE, "000 100 100" },
	{ POLICY_CONSULTATION, POLICY_STATUS, OWN, "000 111 111" },
	{ POLICY_CONSULTATION, POLICY_STATUS, OTHER, "000 100 100" },
	{ POLICY_CONSULTATION, POLICY_STATUS, NONE, "000 100 100" },
	{ POLICY_CONSULTATION, POLICY_EXPORT, OWN, "000 111 111" },
	{ POLICY_CONSULTATION, POLICY_EXPORT, OTHER, "000 111 111" },
	{ POLICY_CONSULTATION, POLICY_EXPORT, NONE, "000 111 111" },
	{ POLICY_CONSULTATION, POLICY_PRINT, OWN, "111 111 111" },
	{ POLICY_CONSULTATION, POLICY_PRINT, OTHER, "111 111 111" },
	{ POLICY_CONSULTATION, POLICY_PRINT, NONE, "111 111 111" },
	{ POLICY_CONSULTATION, POLICY_BULK_MAIL, OWN, "000 000 000" },
	{ POLICY_CONSULTATION, POLICY_BULK_MAIL, OTHER, "000 000 000" },
	{ POLICY_CONSULTATION, POLICY_BULK_MAIL, NONE, "000 000 000" },
	{ POLICY_CMS, POLICY_VIEW, OWN, "111 111 111" },
	{ POLICY_CMS, POLICY_VIEW, OTHER, "111 111 111" },
	{ POLICY_CMS, POLICY_VIEW, NONE, "111 111 111" },
	{ POLICY_CMS, POLICY_CREATE, OWN, "000 111 111" },
	{ POLICY_CMS, POLICY_CREATE, OTHER, "000 100 100" },
	{ POLICY_CMS, POLICY_CREATE, NONE, "000 100 100" },
	{ POLICY_CMS, POLICY_UPDATE, OWN, "000 111 111" },
	{ POLICY_CMS, POLICY_UPDATE, OTHER, "000 100 100" },
	{ POLICY_CMS, POLICY_UPDATE, NONE, "000 100 100" },
	{ POLICY_CMS, POLICY_DELETE, OWN, "000 111 111" },
	{ POLICY_CMS, POLICY_DELETE, OTHER, "000 100 100" },
	{ POLICY_CMS, POLICY_DELETE, NONE, "000 100 100" },
	{ POLICY_CMS, POLICY_STATUS, OWN, "000 111 111" },
	{ POLICY_CMS, POLICY_STATUS, OTHER, "000 100 100" },
	{ POLICY_CMS, POLICY_STATUS, NONE, "000 100 100" },
	{ POLICY_CMS, POLICY_EXPORT, OWN, "000 111 111" },
	{ POLICY_CMS, POLICY_EXPORT, OTHER, "000 111 111" },
	{ POLICY_CMS, POLICY_EXPORT, NONE, "000 111 111" },
	{ POLICY_CMS, POLICY_PRINT, OWN, "111 111 111" },
	{ POLICY_CMS, POLICY_PRINT, OTHER, "111 111 111" },
	{ POLICY_CMS, POLICY_PRINT, NONE, "111 111 111" },
	{ POLICY_CMS, POLICY_BULK_MAIL, OWN, "000 000 000" },
	{ POLICY_CMS, POLICY_BULK_MAIL, OTHER, "000 000 000" },
	{ POLICY_CMS, POLICY_BULK_MAIL, NONE, "000 000 000" },
	{ POLICY_MASTER, POLICY_VIEW, OWN, "111 111 111" },
	{ POLICY_MASTER, POLICY_VIEW, OTHER, "111 111 111" },
	{ POLICY_MASTER, POLICY_VIEW, NONE, "111 111 111" },
	{ POLICY_MASTER, POLICY_CREATE, OWN, "000 000 111" },
	{ POLICY_MASTER, POLICY_CREATE, OTHER, "000 000 111" },
	{ POLICY_MASTER, POLICY_CREATE, NONE, "000 000 111" },
	{ POLICY_MASTER, POLICY_UPDATE, OWN, "000 000 111" },
	{ POLICY_MASTER, POLICY_UPDATE, OTHER, "000 000 111" },
	{ POLICY_MASTER, POLICY_UPDATE, NONE, "000 000 111" },
	{ POLICY_MASTER, POLICY_DELETE, OWN, "000 000 111" },
	{ POLICY_MASTER, POLICY_DELETE, OTHER, "000 000 111" },
	{ POLICY_MASTER, POLICY_DELETE, NONE, "000 000 111" },
	{ POLICY_MASTER, POLICY_STATUS, OWN, "000 000 111" },
	{ POLICY_MASTER, POLICY_STATUS, OTHER, "000 000 111" },
	{ POLICY_MASTER, POLICY_STATUS, NONE, "000 000 111" },
	{ POLICY_MASTER, POLICY_EXPORT, OWN, "000 111 111" },
	{ POLICY_MASTER, POLICY_EXPORT, OTHER, "000 111 111" },
	{ POLICY_MASTER, POLICY_EXPORT, NONE, "000 111 111" },
	{ POLICY_MASTER, POLICY_PRINT, OWN, "111 111 111" },
	{ POLICY_MASTER, POLICY_PRINT, OTHER, "111 111 111" },
	{ POLICY_MASTER, POLICY_PRINT, NONE, "111 111 111" },
	{ POLICY_MASTER, POLICY_BULK_MAIL, OWN, "000 000 000" },
	{ POLICY_MASTER, POLICY_BULK_MAIL, OTHER, "000 000 000" },
	{ POLICY_MASTER, POLICY_BULK_MAIL, NONE, "000 000 000" },
	{ POLICY_STAFF, POLICY_VIEW, OWN, "000 000 111" },
	{ POLICY_STAFF, POLICY_VIEW, OTHER, "000 000 111" },
	{ POLICY_STAFF, POLICY_VIEW, NONE, "000 000 111" },
	{ POLICY_STAFF, POLICY_CREATE, OWN, "000 000 111" },
	{ POLICY_STAFF, POLICY_CREATE, OTHER, "000 000 100" },
	{ POLICY_STAFF, POLICY_CREATE, NONE, "000 000 100" },
	{ POLICY_STAFF, POLICY_UPDATE, OWN, "000 000 111" },
	{ POLICY_STAFF, POLICY_UPDATE, OTHER, "000 000 100" },
	{ POLICY_STAFF, POLICY_UPDATE, NONE, "000 000 100" },
	{ POLICY_STAFF, POLICY_DELETE, OWN, "000 000 111" },
	{ POLICY_STAFF, POLICY_DELETE, OTHER, "000 000 100" },
	{ POLICY_STAFF, POLICY_DELETE, NONE, "000 000 100" },
	{ POLICY_STAFF, POLICY_STATUS, OWN, "000 000 111" },
	{ POLICY_STAFF, POLICY_STATUS, OTHER, "000 000 100" },
	{ POLICY_STAFF, POLICY_STATUS, NONE, "000 000 100" },
	{ POLICY_STAFF, POLICY_EXPORT, OWN, "000 000 111" },
	{ POLICY_STAFF, POLICY_EXPORT, OTHER, "000 000 111" },
	{ POLICY_STAFF, POLICY_EXPORT, NONE, "000 000 111" },
	{ POLICY_STAFF, POLICY_PRINT, OWN, "000 000 111" },
	{ POLICY_STAFF, POLICY_PRINT, OTHER, "000 000 111" },
	{ POLICY_STAFF, POLICY_PRINT, NONE, "000 000 111" },
	{ POLICY_STAFF, POLICY_BULK_MAIL, OWN, "000 000 000" },
	{ POLICY_STAFF, POLICY_BULK_MAIL, OTHER, "000 000 000" },
	{ POLICY_STAFF, POLICY_BULK_MAIL, NONE, "000 000 000" },
	{ POLICY_SETTINGS, POLICY_VIEW, OWN, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_VIEW, OTHER, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_VIEW, NONE, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_CREATE, OWN, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_CREATE, OTHER, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_CREATE, NONE, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_UPDATE, OWN, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_UPDATE, OTHER, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_UPDATE, NONE, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_DELETE, OWN, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_DELETE, OTHER, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_DELETE, NONE, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_STATUS, OWN, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_STATUS, OTHER, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_STATUS, NONE, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_EXPORT, OWN, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_EXPORT, OTHER, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_EXPORT, NONE, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_PRINT, OWN, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_PRINT, OTHER, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_PRINT, NONE, "000 000 111" },
	{ POLICY_SETTINGS, POLICY_BULK_MAIL, OWN, "000 000 000" },
	{ POLICY_SETTINGS, POLICY_BULK_MAIL, OTHER, "000 000 000" },
	{ POLICY_SETTINGS, POLICY_BULK_MAIL, NONE, "000 000 000" },
};

static account_t
actor(const char *role, int64_t dept)
{
	static const char *const kinds[] = { "", "pref", "employment", "company" };
	account_t a;

	memset(&a, 0, sizeof(a));
	a.id = 100 + dept;
	strcpy(a.kind, "staff");
	strcpy(a.login, "actor");
	strcpy(a.status, "active");
	strcpy(a.role, role);
	a.department_id = dept;
	strcpy(a.department_kind, kinds[dept]);
	return a;
}

static void
test_matrix_complete(void **state)
{
	/* every record kind x action x owner appears exactly once */
	int seen[POLICY_RECORD_COUNT][POLICY_ACTION_COUNT][3];
	size_t i;
	int k, ac, o;

	(void)state;
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < sizeof(matrix) / sizeof(matrix[0]); i++)
		seen[matrix[i].kind][matrix[i].action][matrix[i].owner]++;
	for (k = 0; k < POLICY_RECORD_COUNT; k++)
		for (ac = 0; ac < POLICY_ACTION_COUNT; ac++)
			for (o = 0; o < 3; o++)
				if (seen[k][ac][o] != 1)
					fail_msg("matrix row %s/%s/%d appears %d times", policy_record_name(k),
					    policy_action_name(ac), o, seen[k][ac][o]);
}

/* G62: role x department x record kind x action x own/other/no department, each answer asserted. */
static void
test_policy_matrix(void **state)
{
	static const char *const roles[] = { "view", "edit", "admin" };
	size_t i;
	int r, d, wrong = 0, checked = 0;

	(void)state;
	for (i = 0; i < sizeof(matrix) / sizeof(matrix[0]); i++) {
		for (r = 0; r < 3; r++) {
			for (d = 0; d < 3; d++) {
				int64_t dept = d + 1;
				int64_t rec = matrix[i].owner == OWN ? dept : matrix[i].owner == OTHER ? dept % 3 + 1 : 0;
				account_t a = actor(roles[r], dept);
				bool want = matrix[i].expect[r * 4 + d] == '1';
				bool got = policy_can(&a, matrix[i].action, matrix[i].kind, rec);
				checked++;
				if (got != want) {
					print_error("%s %s on %s (record department %lld) by %s of department %lld: got %d, want %d\n",
					    roles[r], policy_action_name(matrix[i].action), policy_record_name(matrix[i].kind),
					    (long long)rec, roles[r], (long long)dept, got, want);
					wrong++;
				}
			}
		}
	}
	assert_int_equal(checked, POLICY_RECORD_COUNT * POLICY_ACTION_COUNT * 3 * 9);
	assert_int_equal(wrong, 0);
}

/* Nobody but an active staff account with a role and a department is allowed anything. */
static void
test_policy_non_staff(void **state)
{
	account_t a;
	int k, ac;

	(void)state;
	for (k = 0; k < POLICY_RECORD_COUNT; k++) {
		for (ac = 0; ac < POLICY_ACTION_COUNT; ac++) {
			assert_false(policy_can(NULL, ac, k, D_PREF));
			a = actor("admin", D_PREF);
			strcpy(a.kind, "seeker");
			assert_false(policy_can(&a, ac, k, 0));
			strcpy(a.kind, "company");
			assert_false(policy_can(&a, ac, k, D_PREF));
			a = actor("admin", D_PREF);
			strcpy(a.status, "suspended");
			assert_false(policy_can(&a, ac, k, D_PREF));
			strcpy(a.status, "deleted");
			assert_false(policy_can(&a, ac, k, D_PREF));
			a = actor("", D_PREF);
			assert_false(policy_can(&a, ac, k, D_PREF));
			a = actor("root", D_PREF);
			assert_false(policy_can(&a, ac, k, D_PREF));
			a = actor("admin", D_PREF);
			a.department_id = 0;
			assert_false(policy_can(&a, ac, k, 0));
		}
	}
	a = actor("admin", D_PREF);
	assert_false(policy_can(&a, POLICY_ACTION_COUNT, POLICY_COMPANY, D_PREF));
	assert_false(policy_can(&a, POLICY_UPDATE, POLICY_RECORD_COUNT, D_PREF));
	assert_false(policy_can(&a, (policy_action_t)-1, POLICY_COMPANY, D_PREF));
}

/* ---- with a database: staff master, last admin, lifecycle ---- */

static int
setup(void **state)
{
	db_t *db = dbtest_open();

	log_set_quiet(true);
	*state = db;
	return db == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	dbtest_close(*state);
	return 0;
}

static int64_t
make(db_t *db, const char *kind, const char *login, const char *dept, const char *role)
{
	char email[128], err[256] = "";
	int64_t id = 0;
	account_new_t n = { kind, login, email, "テスト", PW, dept };

	snprintf(email, sizeof(email), "%s@example.jp", login);
	if (!account_create_staff(db, &n, role, false, "test", "127.0.0.1", T0, &id, err, sizeof(err)))
		print_error("account_create_staff: %s\n", err);
	return id;
}

static account_t
load(db_t *db, int64_t id)
{
	account_t a;

	memset(&a, 0, sizeof(a));
	assert_true(account_get(db, id, &a));
	return a;
}

static login_result_t
try_login(db_t *db, const char *login)
{
	login_policy_t p = { 5, 900 };
	account_t a;

	return account_login(db, login, PW, "127.0.0.1", T0 + 10, &p, &a);
}

static void
test_roles_from_create(void **state)
{
	db_t *db = *state;
	account_t a = load(db, make(db, "staff", "s-default", "kigyo", NULL));

	/* user add without --role gives edit; a member never has a role */
	assert_string_equal(a.role, "edit");
	assert_int_equal(a.department_id, D_COMPANY);
	assert_string_equal(a.department_kind, "company");
	a = load(db, make(db, "seeker", "m-seeker", NULL, "admin"));
	assert_string_equal(a.role, "");
	/* an unknown role is refused */
	{
		char err[256];
		int64_t id;
		account_new_t n = { "staff", "s-bad", "s-bad@example.jp", "x", PW, "pref" };
		assert_false(account_create_staff(db, &n, "root", false, "test", "", T0, &id, err, sizeof(err)));
	}
}

static void
test_staff_create_and_update(void **state)
{
	db_t *db = *state;
	account_t admin = load(db, make(db, "staff", "admin1", "pref", "admin"));
	account_t editor = load(db, make(db, "staff", "editor1", "shushoku", "edit"));
	account_t kadmin = load(db, make(db, "staff", "kadmin", "kigyo", "admin"));
	staff_input_t in = { "newstaff", "Takasaki-Ota-2026", "new@example.jp", "新規 担当", "shushoku", "view" };
	const char *field;
	char err[256];
	int64_t id;
	account_t got;

	/* an edit-role staff member cannot register staff (G50: only admins manage staff) */
	assert_int_equal(staff_create(db, &editor, &in, "127.0.0.1", T0, &id, &field, err, sizeof(err)), STAFF_DENIED);
	/* a company-support admin registers only in its own department */
	assert_int_equal(staff_create(db, &kadmin, &in, "127.0.0.1", T0, &id, &field, err, sizeof(err)), STAFF_INVALID);
	assert_string_equal(field, "department");
	/* bad inputs name their field */
	in.role = "root";
	assert_int_equal(staff_create(db, &admin, &in, "", T0, &id, &field, err, sizeof(err)), STAFF_INVALID);
	assert_string_equal(field, "role");
	in.role = "view";
	in.password = "short";
	assert_int_equal(staff_create(db, &admin, &in, "", T0, &id, &field, err, sizeof(err)), STAFF_INVALID);
	assert_string_equal(field, "password");
	in.password = "Takasaki-Ota-2026";
	in.login = "admin1";
	assert_int_equal(staff_create(db, &admin, &in, "", T0, &id, &field, err, sizeof(err)), STAFF_INVALID);
	assert_string_equal(field, "login");
	in.login = "newstaff";
	assert_int_equal(staff_create(db, &admin, &in, "127.0.0.1", T0, &id, &field, err, sizeof(err)), STAFF_OK);
	got = load(db, id);
	assert_string_equal(got.role, "view");
	assert_string_equal(got.department_kind, "employment");
	/* an initial password given by an admin must be changed at the first login */
	assert_true(got.must_change_password);

	/* edit: the role changes; an editor may not */
	in.role = "edit";
	assert_int_equal(staff_update(db, &editor, id, &in, "", T0, &field, err, sizeof(err)), STAFF_DENIED);
	assert_int_equal(staff_update(db, &kadmin, id, &in, "", T0, &field, err, sizeof(err)), STAFF_DENIED);
	assert_int_equal(staff_update(db, &admin, id, &in, "", T0, &field, err, sizeof(err)), STAFF_OK);
	assert_string_equal(load(db, id).role, "edit");
}

static void
test_last_admin(void **state)
{
	db_t *db = *state;
	int64_t a1 = make(db, "staff", "only-admin", "pref", "admin");
	int64_t other = make(db, "staff", "other-staff", "pref", "edit");
	account_t admin = load(db, a1);
	staff_input_t demote = { NULL, NULL, "only-admin@example.jp", "テスト", "pref", "edit" };
	const char *field;
	char err[256];
	int64_t a2;

	/* the only admin cannot demote, suspend or delete itself (and never itself anyway) */
	assert_int_equal(staff_update(db, &admin, a1, &demote, "", T0, &field, err, sizeof(err)), STAFF_LAST_ADMIN);
	assert_non_null(strstr(err, "最後の管理者"));
	assert_string_equal(load(db, a1).role, "admin");
	assert_int_equal(account_set_status(db, &admin, a1, "suspended", "テスト", "", T0, err, sizeof(err)), STAFF_INVALID);

	/* a second admin exists: the first may now be suspended by it, but then the second is the last */
	a2 = make(db, "staff", "second-admin", "pref", "admin");
	{
		account_t second = load(db, a2);
		assert_int_equal(account_set_status(db, &second, a1, "suspended", "異動のため", "", T0, err, sizeof(err)),
		    STAFF_OK);
		assert_int_equal(staff_count_admins(db, 0), 1);
		demote.email = "second-admin@example.jp";
		assert_int_equal(staff_update(db, &second, a2, &demote, "", T0, &field, err, sizeof(err)), STAFF_LAST_ADMIN);
		/* another admin account that is suspended does not count; so the active one cannot be deleted */
		assert_int_equal(account_set_status(db, &second, a2, "deleted", "x", "", T0, err, sizeof(err)), STAFF_INVALID);
		/* the other staff member can be deleted */
		assert_int_equal(account_set_status(db, &second, other, "deleted", "退職", "", T0, err, sizeof(err)), STAFF_OK);
		assert_string_equal(load(db, other).status, "deleted");
		/* deleted is final */
		assert_int_equal(account_set_status(db, &second, other, "active", "戻す", "", T0, err, sizeof(err)),
		    STAFF_INVALID);
	}
}

static void
test_member_lifecycle(void **state)
{
	db_t *db = *state;
	int64_t seeker = make(db, "seeker", "life-seeker", NULL, NULL);
	account_t emp = load(db, make(db, "staff", "emp-edit", "shushoku", "edit"));
	account_t comp = load(db, make(db, "staff", "comp-edit", "kigyo", "edit"));
	account_t viewer = load(db, make(db, "staff", "pref-view", "pref", "view"));
	session_t s;
	session_policy_t sp = { 1800, 43200 };
	char err[256];
	db_stmt_t *st;

	assert_int_equal(try_login(db, "life-seeker"), LOGIN_OK);
	assert_true(session_create(db, seeker, "127.0.0.1", T0, &s));

	/* a view-role account and a company-support account may not suspend a job seeker (G62, G66) */
	assert_int_equal(account_set_status(db, &viewer, seeker, "suspended", "理由", "", T0, err, sizeof(err)),
	    STAFF_DENIED);
	assert_int_equal(account_set_status(db, &comp, seeker, "suspended", "理由", "", T0, err, sizeof(err)),
	    STAFF_DENIED);
	/* the reason is required */
	assert_int_equal(account_set_status(db, &emp, seeker, "suspended", " ", "", T0, err, sizeof(err)), STAFF_INVALID);
	assert_int_equal(account_set_status(db, &emp, seeker, "suspended", NULL, "", T0, err, sizeof(err)), STAFF_INVALID);
	assert_int_equal(account_set_status(db, &emp, seeker, "locked", "理由", "", T0, err, sizeof(err)), STAFF_INVALID);
	assert_int_equal(account_set_status(db, &emp, seeker, "suspended", "迷惑行為の報告があったため", "", T0, err,
	    sizeof(err)), STAFF_OK);
	/* suspended: no login, and the open session is gone (SEC15) */
	assert_int_equal(try_login(db, "life-seeker"), LOGIN_FAILED);
	assert_int_equal(session_lookup(db, s.id, T0 + 5, &sp, &s), 0);
	assert_int_equal(account_set_status(db, &emp, seeker, "suspended", "again", "", T0, err, sizeof(err)),
	    STAFF_INVALID);
	/* reactivated: login works again */
	assert_int_equal(account_set_status(db, &emp, seeker, "active", "確認が取れたため", "", T0 + 1, err, sizeof(err)),
	    STAFF_OK);
	assert_int_equal(try_login(db, "life-seeker"), LOGIN_OK);

	/* the history keeps both changes with their reasons and who made them */
	st = db_prepare(db, "SELECT status, reason, by_id FROM account_status_log WHERE account_id = ? ORDER BY id");
	db_bind_i64(st, 1, seeker);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "suspended");
	assert_string_equal(db_col_text(st, 1), "迷惑行為の報告があったため");
	assert_int_equal(db_col_i64(st, 2), emp.id);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "active");
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
	/* and the audit log has them too */
	st = db_prepare(db, "SELECT COUNT(*) FROM audit_log WHERE action IN ('account.suspend', 'account.reactivate') "
	    "AND target = ?");
	{
		char target[48];
		snprintf(target, sizeof(target), "account:%lld", (long long)seeker);
		db_bind_str(st, 1, target);
	}
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_i64(st, 0), 2);
	db_done(st);
	/* the audit chain is intact */
	{
		char why[256];
		assert_int_equal(audit_verify(db, why, sizeof(why)), 0);
	}
	/* an unknown account */
	assert_int_equal(account_set_status(db, &emp, 999999, "suspended", "x", "", T0, err, sizeof(err)), STAFF_NOT_FOUND);
}

static void
test_departments(void **state)
{
	db_t *db = *state;
	account_t admin = load(db, make(db, "staff", "dept-admin", "pref", "admin"));
	account_t editor = load(db, make(db, "staff", "dept-edit", "pref", "edit"));
	const char *field;
	char err[256];
	bool deleted;
	int64_t id;
	db_stmt_t *st;

	assert_int_equal(department_add(db, &editor, "tokyo", "東京事務所", "company", "", T0, &field, err, sizeof(err)),
	    STAFF_DENIED);
	assert_int_equal(department_add(db, &admin, "Bad Code", "x", "company", "", T0, &field, err, sizeof(err)),
	    STAFF_INVALID);
	assert_string_equal(field, "code");
	assert_int_equal(department_add(db, &admin, "tokyo", "東京事務所", "other", "", T0, &field, err, sizeof(err)),
	    STAFF_INVALID);
	assert_string_equal(field, "kind");
	assert_int_equal(department_add(db, &admin, "tokyo", "東京事務所", "company", "", T0, &field, err, sizeof(err)),
	    STAFF_OK);
	assert_int_equal(department_add(db, &admin, "tokyo", "別名", "company", "", T0, &field, err, sizeof(err)),
	    STAFF_INVALID);
	st = db_prepare(db, "SELECT id FROM departments WHERE code = 'tokyo'");
	assert_int_equal(db_step(st), DB_ROW);
	id = db_col_i64(st, 0);
	db_done(st);
	assert_int_equal(department_rename(db, &admin, id, "東京事務所（企業支援）", "", T0, err, sizeof(err)), STAFF_OK);
	assert_int_equal(department_rename(db, &editor, id, "x", "", T0, err, sizeof(err)), STAFF_DENIED);
	/* unused: deleted */
	assert_int_equal(department_retire(db, &admin, id, "", T0, &deleted, err, sizeof(err)), STAFF_OK);
	assert_true(deleted);
	/* used by staff: retired, kept, no longer chosen for new staff */
	assert_true(make(db, "staff", "early-kigyo", "kigyo", "edit") > 0);
	assert_int_equal(department_retire(db, &admin, D_COMPANY, "", T0, &deleted, err, sizeof(err)), STAFF_OK);
	assert_false(deleted);
	assert_int_equal(make(db, "staff", "late-kigyo", "kigyo", "edit"), 0);
	/* the prefecture's department stays */
	assert_int_equal(department_retire(db, &admin, D_PREF, "", T0, &deleted, err, sizeof(err)), STAFF_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix_complete),
		cmocka_unit_test(test_policy_matrix),
		cmocka_unit_test(test_policy_non_staff),
		cmocka_unit_test_setup_teardown(test_roles_from_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staff_create_and_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_admin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_member_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_departments, setup, teardown),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
