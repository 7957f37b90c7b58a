/* seeker.c - the job seeker's own profile (seekers row, migration 007; issue 5 item 4; G12). */
#include "member/member.h"
#include "auth/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* seekers columns in the order of the MEMBER_SEEKER_PROFILE form's text fields */
static const char *const cols[] = { "name", "kana", "birth_date", "phone", "postal_code", "address", "school",
	"graduation", "target", "wishes" };
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

bool
member_seeker_load(db_t *db, int64_t account_id, member_form_t *f, arena_t *A)
{
	db_stmt_t *st = db_prepare(db, "SELECT name, kana, birth_date, phone, postal_code, address, school, graduation, "
	    "target, wishes, mail_ok FROM seekers WHERE account_id = ?");
	size_t i;
	bool found;

	member_form_init(f, MEMBER_SEEKER_PROFILE);
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, account_id);
	found = db_step(st) == DB_ROW;
	if (found) {
		for (i = 0; i < NCOLS; i++) {
			int k = member_form_index(f, cols[i]);
			if (k >= 0)
				f->values[k] = f->prev[k] = arena_strdup(A, db_col_text(st, (int)i));
		}
		if (db_col_i64(st, (int)NCOLS) != 0)
			f->values[member_form_index(f, "mail_ok")] = "1";
	}
	db_done(st);
	return found;
}

bool
member_seeker_save(db_t *db, int64_t account_id, const char *actor, const char *ip, const member_form_t *f,
    int64_t now)
{
	char target[48];
	db_stmt_t *st;
	size_t i;

	if (f->kind != MEMBER_SEEKER_PROFILE)
		return false;
	snprintf(target, sizeof(target), "account:%" PRId64, account_id);
	if (!db_begin_write(db))
		return false;
	{
		/* inside the transaction: no entry, no change (SEC07) */
		audit_entry_t e = { account_id, actor, ip, "seeker.profile_update", target, "" };
		if (!audit_append(db, &e, now))
			goto fail;
	}
	st = db_prepare(db, "INSERT INTO seekers (account_id, name, kana, birth_date, phone, postal_code, address, school, "
	    "graduation, target, wishes, mail_ok, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT (account_id) DO UPDATE SET name = excluded.name, kana = excluded.kana, "
	    "birth_date = excluded.birth_date, phone = excluded.phone, postal_code = excluded.postal_code, "
	    "address = excluded.address, school = excluded.school, graduation = excluded.graduation, "
	    "target = excluded.target, wishes = excluded.wishes, mail_ok = excluded.mail_ok, updated_at = excluded.updated_at");
	if (st == NULL)
		goto fail;
	db_bind_i64(st, 1, account_id);
	for (i = 0; i < NCOLS; i++)
		db_bind_str(st, (int)i + 2, member_form_value(f, cols[i]));
	db_bind_i64(st, 12, member_form_value(f, "mail_ok")[0] != '\0');
	db_bind_i64(st, 13, now);
	db_bind_i64(st, 14, now);
	if (db_run(st) != DB_DONE)
		goto fail;
	st = db_prepare(db, "UPDATE accounts SET display_name = ?, updated_at = ? WHERE id = ?");
	if (st == NULL)
		goto fail;
	db_bind_str(st, 1, member_form_value(f, "name"));
	db_bind_i64(st, 2, now);
	db_bind_i64(st, 3, account_id);
	if (db_run(st) != DB_DONE || !db_commit(db))
		goto fail;
	audit_sync_head(db);
	return true;
fail:
	db_rollback(db);
	return false;
}
