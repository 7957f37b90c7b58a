/* seeker.c - the job seeker's own profile (seekers row, migration 007; issue 5 item 4; G12). */
#include "member/member.h"
#include "auth/audit.h"
#include "member/records.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

bool
member_seeker_load(db_t *db, int64_t account_id, member_form_t *f, arena_t *A)
{
	rec_seeker_t s;
	size_t i;

	member_form_init(f, MEMBER_SEEKER_PROFILE);
	if (rec_seeker_get(db, A, account_id, &s) != 1)
		return false;
	for (i = 0; i < REC_SEEKER_NCOLS; i++) {
		int k = member_form_index(f, rec_seeker_cols[i]);
		if (k >= 0)
			f->values[k] = f->prev[k] = s.v[i]; /* prev: a retired term already chosen stays choosable */
	}
	if (s.mail_ok)
		f->values[member_form_index(f, "mail_ok")] = "1";
	return true;
}

bool
member_seeker_save(db_t *db, int64_t account_id, const char *actor, const char *ip, const member_form_t *f,
    int64_t now)
{
	char target[48];
	arena_t A;
	bool ok = false;

	if (f->kind != MEMBER_SEEKER_PROFILE)
		return false;
	snprintf(target, sizeof(target), "account:%" PRId64, account_id);
	arena_init(&A, 4096, (size_t)1 << 20);
	if (!db_begin_write(db))
		goto done;
	{
		/* inside the transaction: no entry, no change (SEC07) */
		audit_entry_t e = { account_id, actor, ip, "seeker.profile_update", target, "" };
		if (!audit_append(db, &e, now))
			goto fail;
	}
	/* sealed (SEC06); the name is no longer copied into accounts.display_name */
	if (!rec_seeker_store(db, &A, account_id, f, false, now) || !db_commit(db))
		goto fail;
	audit_sync_head(db);
	ok = true;
	goto done;
fail:
	db_rollback(db);
done:
	arena_free(&A);
	return ok;
}
