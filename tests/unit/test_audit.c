/* test_audit.c - the audit hash chain (B08, SEC12): verify finds the first edited, deleted, reordered
 * or cut-off entry. */
#include "testutil.h"
#include "dbtest.h"

#include "auth/audit.h"
#include "core/log.h"

#define T0 1790000000

static int
setup(void **state)
{
	db_t *db = dbtest_open();
	int i;

	log_set_quiet(true);
	if (db == NULL)
		return -1;
	for (i = 1; i <= 6; i++) {
		char detail[32];
		audit_entry_t e = { i, "staff-a", "192.0.2.1", "login.success", "account:1", detail };
		snprintf(detail, sizeof(detail), "entry %d", i);
		if (!audit_append(db, &e, T0 + i))
			return -1;
	}
	*state = db;
	return 0;
}

static int
teardown(void **state)
{
	dbtest_close(*state);
	return 0;
}

static void
sql(db_t *db, const char *s)
{
	assert_int_equal(db_exec(db, s), DB_DONE);
}

static int64_t
verify(db_t *db, char *why)
{
	return audit_verify(db, why, 256);
}

static void
test_intact(void **state)
{
	char why[256];

	assert_int_equal(verify(*state, why), 0);
}

static void
test_edited_field(void **state)
{
	char why[256];

	sql(*state, "UPDATE audit_log SET detail = 'harmless' WHERE id = 3");
	assert_int_equal(verify(*state, why), 3);
	assert_non_null(strstr(why, "altered"));
}

static void
test_edited_ip_of_last(void **state)
{
	char why[256];

	sql(*state, "UPDATE audit_log SET ip = '203.0.113.9' WHERE id = 6");
	assert_int_equal(verify(*state, why), 6);
}

static void
test_edited_time(void **state)
{
	char why[256];

	sql(*state, "UPDATE audit_log SET at = at + 3600 WHERE id = 2");
	assert_int_equal(verify(*state, why), 2);
}

static void
test_deleted_middle(void **state)
{
	char why[256];

	sql(*state, "DELETE FROM audit_log WHERE id = 4");
	assert_int_equal(verify(*state, why), 4);
	assert_non_null(strstr(why, "missing"));
}

static void
test_deleted_and_renumbered(void **state)
{
	char why[256];

	/* hide the gap by renumbering: the chain no longer links */
	sql(*state, "DELETE FROM audit_log WHERE id = 4");
	sql(*state, "UPDATE audit_log SET id = id - 1 WHERE id > 4");
	assert_int_equal(verify(*state, why), 4);
}

static void
test_reordered(void **state)
{
	char why[256];

	/* swap the contents of entries 2 and 5 (ids stay in order) */
	sql(*state, "UPDATE audit_log SET id = 100 WHERE id = 2");
	sql(*state, "UPDATE audit_log SET id = 2 WHERE id = 5");
	sql(*state, "UPDATE audit_log SET id = 5 WHERE id = 100");
	assert_int_equal(verify(*state, why), 2);
}

static void
test_truncated(void **state)
{
	char why[256];

	sql(*state, "DELETE FROM audit_log WHERE id >= 5");
	assert_int_equal(verify(*state, why), 5);
	assert_non_null(strstr(why, "cut off"));
}

static void
test_all_deleted(void **state)
{
	char why[256];

	sql(*state, "DELETE FROM audit_log");
	assert_int_equal(verify(*state, why), 1);
}

static void
test_head_missing(void **state)
{
	char why[256];

	dbtest_rm("audit.head");
	assert_int_equal(verify(*state, why), 6);
	assert_non_null(strstr(why, "head"));
}

static void
test_append_after_verify(void **state)
{
	char why[256];
	audit_entry_t e = { 0, "system", "", "account.create", "account:9", "seeker" };

	assert_true(audit_append(*state, &e, T0 + 100));
	assert_int_equal(verify(*state, why), 0);
	sql(*state, "UPDATE audit_log SET action = 'account.delete' WHERE id = 7");
	assert_int_equal(verify(*state, why), 7);
}

static void
test_newlines_stay_data(void **state)
{
	char why[256];
	audit_entry_t e = { 0, "evil\r\nactor", "", "login.failure", "", "line1\nline2" };
	db_stmt_t *st;

	assert_true(audit_append(*state, &e, T0 + 200));
	assert_int_equal(verify(*state, why), 0);
	st = db_prepare(*state, "SELECT actor FROM audit_log WHERE id = 7");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "evil\r\nactor");
	db_done(st);
}

/* Inside the caller's transaction an entry shares its fate: rolled back, it never was; committed, the head
 * follows after audit_sync_head (no entry, no action; issue 6 item 7). */
static void
test_inside_transaction(void **state)
{
	db_t *db = *state;
	char why[256];
	audit_entry_t e = { 3, "staff-a", "192.0.2.1", "event.apply", "event_application:1", "" };
	db_stmt_t *st;

	assert_true(db_begin_write(db));
	assert_true(audit_append(db, &e, T0 + 300));
	db_rollback(db);
	assert_int_equal(verify(db, why), 0);
	st = db_prepare(db, "SELECT count(*) FROM audit_log");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_i64(st, 0), 6);
	db_done(st);

	assert_true(db_begin_write(db));
	assert_true(audit_append(db, &e, T0 + 301));
	assert_true(audit_append(db, &e, T0 + 302));
	assert_true(db_commit(db));
	/* committed, the head file is behind until it is synced: verify says so */
	assert_int_not_equal(verify(db, why), 0);
	assert_true(audit_sync_head(db));
	assert_int_equal(verify(db, why), 0);
	/* an append on its own afterwards continues the chain */
	assert_true(audit_append(db, &e, T0 + 303));
	assert_int_equal(verify(db, why), 0);
}

/* ---- retention (issue 6 item 7; SEC12): prune keeps the chain verifiable from its new start ---- */

static int64_t
count_rows(db_t *db, const char *q)
{
	db_stmt_t *st = db_prepare(db, q);
	int64_t n;

	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	n = db_col_i64(st, 0);
	db_done(st);
	return n;
}

static void
test_prune_then_verify(void **state)
{
	db_t *db = *state;
	char why[256];
	int64_t boundary = -1;
	audit_entry_t e = { 2, "staff-b", "192.0.2.2", "login.success", "account:2", "after" };

	/* entries 1..4 are at T0+1..T0+4: everything before T0+5 goes */
	assert_int_equal(audit_prune(db, T0 + 5, "system", "local", T0 + 1000, &boundary), 4);
	assert_int_equal(boundary, 4);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM audit_log WHERE id <= 4"), 0);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM audit_log WHERE id = 7 AND action = 'audit.prune' "
	    "AND target = 'audit:4'"), 1);
	assert_int_equal(count_rows(db, "SELECT id FROM audit_anchor"), 4);
	assert_int_equal(verify(db, why), 0);
	/* later appends continue the chain */
	assert_true(audit_append(db, &e, T0 + 1001));
	assert_int_equal(verify(db, why), 0);
	/* nothing old enough: nothing pruned, no entry written */
	assert_int_equal(audit_prune(db, T0 + 1, "system", "local", T0 + 1002, &boundary), 0);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM audit_log WHERE action = 'audit.prune'"), 1);
	/* a second prune moves the anchor and verifies again */
	assert_int_equal(audit_prune(db, T0 + 1001, "system", "local", T0 + 2000, &boundary), 3);
	assert_int_equal(boundary, 7);
	assert_int_equal(verify(db, why), 0);
}

static void
test_prune_everything(void **state)
{
	db_t *db = *state;
	char why[256];
	int64_t boundary = 0;

	assert_int_equal(audit_prune(db, T0 + 100, "system", "local", T0 + 200, &boundary), 6);
	assert_int_equal(boundary, 6);
	/* the prune entry follows the anchor even with the table emptied */
	assert_int_equal(count_rows(db, "SELECT id FROM audit_log WHERE action = 'audit.prune'"), 7);
	assert_int_equal(verify(db, why), 0);
}

static void
test_prune_then_edit(void **state)
{
	db_t *db = *state;
	char why[256];
	int64_t boundary = 0;

	assert_int_equal(audit_prune(db, T0 + 3, "system", "local", T0 + 100, &boundary), 2);
	assert_int_equal(verify(db, why), 0);
	sql(db, "UPDATE audit_log SET actor = 'someone' WHERE id = 5");
	assert_int_equal(verify(db, why), 5);
	assert_non_null(strstr(why, "altered"));
}

static void
test_prune_anchor_deleted(void **state)
{
	db_t *db = *state;
	char why[256];
	int64_t boundary = 0;

	assert_int_equal(audit_prune(db, T0 + 3, "system", "local", T0 + 100, &boundary), 2);
	sql(db, "DELETE FROM audit_anchor");
	assert_int_equal(verify(db, why), 1);
	assert_non_null(strstr(why, "cut at its start"));
}

static void
test_prune_anchor_moved(void **state)
{
	db_t *db = *state;
	char why[256];
	int64_t boundary = 0;

	/* hiding entries 3 and 4 by moving the anchor to entry 4 (a genuine mac) still shows */
	assert_int_equal(audit_prune(db, T0 + 3, "system", "local", T0 + 100, &boundary), 2);
	sql(db, "DELETE FROM audit_anchor");
	sql(db, "INSERT INTO audit_anchor (id, mac, pruned_at) SELECT id, mac, 0 FROM audit_log WHERE id = 4");
	sql(db, "DELETE FROM audit_log WHERE id <= 4");
	assert_int_equal(verify(db, why), 5);
	assert_non_null(strstr(why, "audit.prune"));
	(void)boundary;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inside_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edited_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edited_ip_of_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edited_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted_middle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted_and_renumbered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reordered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_head_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append_after_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newlines_stay_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune_then_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune_then_edit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune_anchor_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune_anchor_moved, setup, teardown),
	};

	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
