/* master.c - マスタ管理: vocabularies' terms added, edited, reordered, retired and deleted (master.h). */
#include "app/master.h"
#include "auth/audit.h"
#include "auth/policy.h"
#include "core/buf.h"
#include "core/str.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSG_DENIED "マスタの変更は管理者だけができます。"
#define MSG_DB     "データベースの処理に失敗しました。時間をおいてもう一度お試しください。"
#define MSG_NONE   "その項目は見つかりません。"
#define MAX_DEPTH  8   /* ancestors followed (entity.c follows as many) */

/* What uses a term, as one SQL expression over the row t. */
#define USES_SQL \
	"((SELECT COUNT(*) FROM entity_terms et WHERE et.term_id = t.id) + " \
	"(SELECT COUNT(*) FROM terms c WHERE c.parent_id = t.id) + " \
	"CASE WHEN t.vocab = 'target' THEN (SELECT COUNT(*) FROM seekers s WHERE s.target = t.code) ELSE 0 END)"

static master_result_t
fail(master_result_t rc, const char *msg, char *err, size_t errlen)
{
	str_errf(err, errlen, "%s", msg);
	return rc;
}

static master_result_t
rollback_fail(db_t *db, master_result_t rc, const char *msg, char *err, size_t errlen)
{
	db_rollback(db);
	return fail(rc, msg, err, errlen);
}

static bool
audit(db_t *db, const account_t *actor, const char *ip, const char *action, int64_t id, const char *detail,
    int64_t now)
{
	char target[64];
	audit_entry_t e = { actor->id, actor->login, ip ? ip : "", action, target, detail ? detail : "" };

	snprintf(target, sizeof(target), "term:%" PRId64, id);
	return audit_append(db, &e, now);
}

static bool
code_ok(const char *s)
{
	size_t n, i;

	if (s == NULL || (n = strlen(s)) == 0 || n > MASTER_CODE_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/* One line, 1..MASTER_NAME_MAX characters, without the separators of a terms field ('|', '、'). */
static const char *
name_problem(const char *s)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0)
		return "名称を入力してください。";
	if (!str_utf8_valid(s, n, false))
		return "名称に改行や使えない文字が含まれています。";
	if (str_utf8_len(s, n) > MASTER_NAME_MAX)
		return "名称は100文字以内で入力してください。";
	if (strchr(s, '|') != NULL || strstr(s, "、") != NULL)
		return "名称に「|」と「、」は使えません（複数の値の区切りに使うため）。";
	return NULL;
}

bool
master_vocab_get(db_t *db, const char *code, master_vocab_t *out)
{
	db_stmt_t *st;
	bool found;

	memset(out, 0, sizeof(*out));
	if (code == NULL || strlen(code) > MASTER_VOCAB_MAX)
		return false;
	st = db_prepare(db, "SELECT v.code, v.name, v.facet, COALESCE(v.parent_vocab, ''), COALESCE(p.name, ''), "
	    "(SELECT COUNT(*) FROM terms t WHERE t.vocab = v.code), "
	    "(SELECT COUNT(*) FROM terms t WHERE t.vocab = v.code AND t.retired_at IS NULL) "
	    "FROM vocabularies v LEFT JOIN vocabularies p ON p.code = v.parent_vocab WHERE v.code = ?");
	if (st == NULL)
		return false;
	db_bind_str(st, 1, code);
	found = db_step(st) == DB_ROW;
	if (found) {
		str_copy(out->code, sizeof(out->code), db_col_text(st, 0));
		str_copy(out->name, sizeof(out->name), db_col_text(st, 1));
		out->facet = db_col_i64(st, 2) != 0;
		str_copy(out->parent_vocab, sizeof(out->parent_vocab), db_col_text(st, 3));
		str_copy(out->parent_name, sizeof(out->parent_name), db_col_text(st, 4));
		out->terms = db_col_i64(st, 5);
		out->active = db_col_i64(st, 6);
	}
	db_done(st);
	return found;
}

bool
master_term_get(db_t *db, const char *vocab, int64_t id, master_term_t *out)
{
	db_stmt_t *st = db_prepare(db, "SELECT t.id, t.vocab, t.code, t.name, COALESCE(t.parent_id, 0), "
	    "COALESCE(p.code, ''), COALESCE(p.name, ''), t.sort, COALESCE(t.retired_at, 0), COALESCE(t.logo_media_id, 0) "
	    "FROM terms t LEFT JOIN terms p ON p.id = t.parent_id WHERE t.id = ? AND t.vocab = ?");
	bool found;

	memset(out, 0, sizeof(*out));
	if (st == NULL || vocab == NULL)
		return false;
	db_bind_i64(st, 1, id);
	db_bind_str(st, 2, vocab);
	found = db_step(st) == DB_ROW;
	if (found) {
		out->id = db_col_i64(st, 0);
		str_copy(out->vocab, sizeof(out->vocab), db_col_text(st, 1));
		str_copy(out->code, sizeof(out->code), db_col_text(st, 2));
		str_copy(out->name, sizeof(out->name), db_col_text(st, 3));
		out->parent_id = db_col_i64(st, 4);
		str_copy(out->parent_code, sizeof(out->parent_code), db_col_text(st, 5));
		str_copy(out->parent_name, sizeof(out->parent_name), db_col_text(st, 6));
		out->sort = db_col_i64(st, 7);
		out->retired_at = db_col_i64(st, 8);
		out->logo_media_id = db_col_i64(st, 9);
	}
	db_done(st);
	return found;
}

int64_t
master_term_uses(db_t *db, int64_t id)
{
	db_stmt_t *st = db_prepare(db, "SELECT " USES_SQL " FROM terms t WHERE t.id = ?");
	int64_t n = -1;

	if (st == NULL)
		return -1;
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW)
		n = db_col_i64(st, 0);
	db_done(st);
	return n;
}

/* Another term of vocab (not self) whose name or code is name: its id, 0 when none, -1 on error. */
static int64_t
name_taken(db_t *db, const char *vocab, const char *name, int64_t self)
{
	db_stmt_t *st = db_prepare(db, "SELECT id FROM terms WHERE vocab = ? AND (name = ? OR code = ?) AND id <> ? LIMIT 1");
	int64_t id = 0;

	if (st == NULL)
		return -1;
	db_bind_str(st, 1, vocab);
	db_bind_str(st, 2, name);
	db_bind_str(st, 3, name);
	db_bind_i64(st, 4, self);
	if (db_step(st) == DB_ROW)
		id = db_col_i64(st, 0);
	db_done(st);
	return id;
}

/* The parent chosen by code in the parent vocabulary: its id (0 when none was needed), or an error. The
 * current parent (keep) is accepted even when it has been retired since. */
static master_result_t
resolve_parent(db_t *db, const master_vocab_t *v, const char *code, int64_t keep, int64_t *parent, char *err,
    size_t errlen)
{
	db_stmt_t *st;

	*parent = 0;
	if (v->parent_vocab[0] == '\0')
		return MASTER_OK;
	if (code == NULL || code[0] == '\0')
		return fail(MASTER_INVALID, "上位の区分を選んでください。", err, errlen);
	st = db_prepare(db, "SELECT id, retired_at IS NOT NULL FROM terms WHERE vocab = ? AND code = ?");
	if (st == NULL)
		return fail(MASTER_ERROR, MSG_DB, err, errlen);
	db_bind_str(st, 1, v->parent_vocab);
	db_bind_str(st, 2, code);
	if (db_step(st) == DB_ROW && (db_col_i64(st, 1) == 0 || db_col_i64(st, 0) == keep))
		*parent = db_col_i64(st, 0);
	db_done(st);
	if (*parent == 0)
		return fail(MASTER_INVALID, "上位の区分は一覧から選んでください。", err, errlen);
	return MASTER_OK;
}

/* A free code "t<n>" for vocab. */
static bool
make_code(db_t *db, const char *vocab, char *out, size_t outlen)
{
	db_stmt_t *st = db_prepare(db, "SELECT COUNT(*) FROM terms WHERE vocab = ?");
	int64_t n = 0, tries;

	if (st == NULL)
		return false;
	db_bind_str(st, 1, vocab);
	if (db_step(st) == DB_ROW)
		n = db_col_i64(st, 0);
	db_done(st);
	for (tries = 0; tries < 1000; tries++) {
		bool used;
		snprintf(out, outlen, "t%" PRId64, n + 1 + tries);
		if ((st = db_prepare(db, "SELECT 1 FROM terms WHERE vocab = ? AND (code = ? OR name = ?)")) == NULL)
			return false;
		db_bind_str(st, 1, vocab);
		db_bind_str(st, 2, out);
		db_bind_str(st, 3, out);
		used = db_step(st) == DB_ROW;
		db_done(st);
		if (!used)
			return true;
	}
	return false;
}

master_result_t
master_term_add(db_t *db, const account_t *actor, const char *vocab, const char *code, const char *name,
    const char *parent, const char *ip, int64_t now, int64_t *id, const char **field, char *err, size_t errlen)
{
	master_vocab_t v;
	master_result_t rc;
	char made[MASTER_CODE_MAX + 1];
	const char *msg;
	int64_t parent_id, taken;
	db_stmt_t *st;
	buf_t detail = BUF_INIT;
	bool ok;

	*id = 0;
	*field = NULL;
	if (!policy_can(actor, POLICY_CREATE, POLICY_MASTER, 0))
		return fail(MASTER_DENIED, MSG_DENIED, err, errlen);
	if (!master_vocab_get(db, vocab, &v))
		return fail(MASTER_NOT_FOUND, MSG_NONE, err, errlen);
	if (code != NULL && code[0] != '\0' && !code_ok(code)) {
		*field = "code";
		return fail(MASTER_INVALID, "コードは半角英数字と _ - で32文字以内にしてください（空欄なら自動で付けます）。", err, errlen);
	}
	if ((msg = name_problem(name)) != NULL) {
		*field = "name";
		return fail(MASTER_INVALID, msg, err, errlen);
	}
	if (!db_begin_write(db))
		return fail(MASTER_ERROR, MSG_DB, err, errlen);
	if ((rc = resolve_parent(db, &v, parent, 0, &parent_id, err, errlen)) != MASTER_OK) {
		*field = "parent";
		db_rollback(db);
		return rc;
	}
	if ((taken = name_taken(db, vocab, name, 0)) != 0) {
		*field = "name";
		return rollback_fail(db, taken < 0 ? MASTER_ERROR : MASTER_INVALID,
		    taken < 0 ? MSG_DB : "同じ名称（またはコード）の項目がすでにあります。", err, errlen);
	}
	if (code == NULL || code[0] == '\0') {
		if (!make_code(db, vocab, made, sizeof(made)))
			return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
		code = made;
	} else if ((taken = name_taken(db, vocab, code, 0)) != 0) {
		*field = "code";
		return rollback_fail(db, taken < 0 ? MASTER_ERROR : MASTER_INVALID,
		    taken < 0 ? MSG_DB : "このコードはすでに使われています。", err, errlen);
	}
	st = db_prepare(db, "INSERT INTO terms (vocab, code, name, parent_id, sort) "
	    "VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(sort), 0) + 1 FROM terms WHERE vocab = ?))");
	if (st == NULL)
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	db_bind_str(st, 1, vocab);
	db_bind_str(st, 2, code);
	db_bind_str(st, 3, name);
	if (parent_id)
		db_bind_i64(st, 4, parent_id);
	else
		db_bind_null(st, 4);
	db_bind_str(st, 5, vocab);
	if (db_run(st) != DB_DONE)
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	*id = db_last_id(db);
	if ((st = db_prepare(db, "DELETE FROM terms_deleted WHERE vocab = ? AND code = ?")) == NULL)
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	db_bind_str(st, 1, vocab);
	db_bind_str(st, 2, code);
	if (db_run(st) != DB_DONE)
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	buf_printf(&detail, "vocab=%s code=%s name=%s", vocab, code, name);
	if (parent_id)
		buf_printf(&detail, " parent=%s", parent);
	ok = !detail.oom && audit(db, actor, ip, "master.term_add", *id, detail.data, now) && db_commit(db);
	buf_free(&detail);
	if (!ok) {
		*id = 0;
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	}
	audit_sync_head(db);
	return MASTER_OK;
}

/* The ancestors of term (itself excluded), nearest first; their number. */
static int
ancestors(db_t *db, int64_t term, int64_t *out)
{
	int n = 0;

	while (term > 0 && n < MAX_DEPTH) {
		db_stmt_t *st = db_prepare(db, "SELECT COALESCE(parent_id, 0) FROM terms WHERE id = ?");
		int64_t p = 0;
		if (st == NULL)
			return -1;
		db_bind_i64(st, 1, term);
		if (db_step(st) == DB_ROW)
			p = db_col_i64(st, 0);
		db_done(st);
		if (p <= 0)
			break;
		out[n++] = p;
		term = p;
	}
	return n;
}

/* Records that use term follow its move from old_parent to new_parent: the new ancestors are linked; an
 * old ancestor is unlinked unless it is also a new one or another of the record's terms has it as parent. */
static bool
relink_ancestors(db_t *db, int64_t term, int64_t old_parent, int64_t new_parent)
{
	int64_t olds[MAX_DEPTH + 1], news[MAX_DEPTH + 1];
	int no = 0, nn = 0, i, j;
	db_stmt_t *st;

	if (old_parent > 0) {
		olds[no++] = old_parent;
		if ((i = ancestors(db, old_parent, olds + no)) < 0)
			return false;
		no += i;
	}
	if (new_parent > 0) {
		news[nn++] = new_parent;
		if ((i = ancestors(db, new_parent, news + nn)) < 0)
			return false;
		nn += i;
	}
	for (i = 0; i < no; i++) {
		bool kept = false;
		for (j = 0; j < nn; j++)
			kept |= news[j] == olds[i];
		if (kept)
			continue;
		st = db_prepare(db, "DELETE FROM entity_terms WHERE term_id = ? AND entity_id IN "
		    "(SELECT entity_id FROM entity_terms WHERE term_id = ?) AND NOT EXISTS "
		    "(SELECT 1 FROM entity_terms o JOIN terms ot ON ot.id = o.term_id "
		    "WHERE o.entity_id = entity_terms.entity_id AND ot.parent_id = ? AND ot.id <> ?)");
		if (st == NULL)
			return false;
		db_bind_i64(st, 1, olds[i]);
		db_bind_i64(st, 2, term);
		db_bind_i64(st, 3, olds[i]);
		db_bind_i64(st, 4, term);
		if (db_run(st) != DB_DONE)
			return false;
	}
	for (j = 0; j < nn; j++) {
		st = db_prepare(db, "INSERT OR IGNORE INTO entity_terms (entity_id, term_id) "
		    "SELECT entity_id, ? FROM entity_terms WHERE term_id = ?");
		if (st == NULL)
			return false;
		db_bind_i64(st, 1, news[j]);
		db_bind_i64(st, 2, term);
		if (db_run(st) != DB_DONE)
			return false;
	}
	return true;
}

master_result_t
master_term_update(db_t *db, const account_t *actor, const char *vocab, int64_t id, const char *name,
    const char *parent, const char *ip, int64_t now, const char **field, char *err, size_t errlen)
{
	master_vocab_t v;
	master_term_t t;
	master_result_t rc;
	const char *msg;
	int64_t parent_id, taken;
	db_stmt_t *st;
	buf_t detail = BUF_INIT;
	bool ok;

	*field = NULL;
	if (!policy_can(actor, POLICY_UPDATE, POLICY_MASTER, 0))
		return fail(MASTER_DENIED, MSG_DENIED, err, errlen);
	if (!master_vocab_get(db, vocab, &v))
		return fail(MASTER_NOT_FOUND, MSG_NONE, err, errlen);
	if ((msg = name_problem(name)) != NULL) {
		*field = "name";
		return fail(MASTER_INVALID, msg, err, errlen);
	}
	if (!db_begin_write(db))
		return fail(MASTER_ERROR, MSG_DB, err, errlen);
	if (!master_term_get(db, vocab, id, &t))
		return rollback_fail(db, MASTER_NOT_FOUND, MSG_NONE, err, errlen);
	if ((rc = resolve_parent(db, &v, parent, t.parent_id, &parent_id, err, errlen)) != MASTER_OK) {
		*field = "parent";
		db_rollback(db);
		return rc;
	}
	if ((taken = name_taken(db, vocab, name, id)) != 0) {
		*field = "name";
		return rollback_fail(db, taken < 0 ? MASTER_ERROR : MASTER_INVALID,
		    taken < 0 ? MSG_DB : "同じ名称（またはコード）の項目がすでにあります。", err, errlen);
	}
	if (strcmp(t.name, name) == 0 && parent_id == t.parent_id) {
		db_rollback(db);
		return MASTER_OK;  /* nothing changed: nothing written, nothing audited */
	}
	st = db_prepare(db, "UPDATE terms SET name = ?, parent_id = ? WHERE id = ?");
	if (st == NULL)
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	db_bind_str(st, 1, name);
	if (parent_id)
		db_bind_i64(st, 2, parent_id);
	else
		db_bind_null(st, 2);
	db_bind_i64(st, 3, id);
	if (db_run(st) != DB_DONE)
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	if (parent_id != t.parent_id && !relink_ancestors(db, id, t.parent_id, parent_id))
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	buf_printf(&detail, "vocab=%s code=%s", vocab, t.code);
	if (strcmp(t.name, name) != 0)
		buf_printf(&detail, " name=%s → %s", t.name, name);
	if (parent_id != t.parent_id)
		buf_printf(&detail, " parent=%s → %s", t.parent_code, parent);
	ok = !detail.oom && audit(db, actor, ip, "master.term_update", id, detail.data, now) && db_commit(db);
	buf_free(&detail);
	if (!ok)
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	audit_sync_head(db);
	return MASTER_OK;
}

master_result_t
master_term_move(db_t *db, const account_t *actor, const char *vocab, int64_t id, bool up, const char *ip,
    int64_t now, char *err, size_t errlen)
{
	master_term_t t;
	db_stmt_t *st;
	int64_t *ids = NULL, k, n = 0, at = -1, other;
	char detail[200];
	master_result_t rc = MASTER_ERROR;

	if (!policy_can(actor, POLICY_UPDATE, POLICY_MASTER, 0))
		return fail(MASTER_DENIED, MSG_DENIED, err, errlen);
	if (!db_begin_write(db))
		return fail(MASTER_ERROR, MSG_DB, err, errlen);
	if (!master_term_get(db, vocab, id, &t))
		return rollback_fail(db, MASTER_NOT_FOUND, MSG_NONE, err, errlen);
	ids = malloc(sizeof(*ids) * MASTER_TERMS_MAX);
	st = ids ? db_prepare(db, "SELECT id FROM terms WHERE vocab = ? ORDER BY sort, code") : NULL;
	if (st == NULL)
		goto fail;
	db_bind_str(st, 1, vocab);
	while (db_step(st) == DB_ROW && n < MASTER_TERMS_MAX) {
		ids[n] = db_col_i64(st, 0);
		if (ids[n] == id)
			at = n;
		n++;
	}
	db_done(st);
	if (at < 0) {
		rc = MASTER_NOT_FOUND;  /* beyond MASTER_TERMS_MAX */
		str_errf(err, errlen, "%s", MSG_NONE);
		goto out;
	}
	if ((up && at == 0) || (!up && at == n - 1)) {
		rc = MASTER_INVALID;
		str_errf(err, errlen, up ? "「%s」はすでに先頭です。" : "「%s」はすでに末尾です。", t.name);
		goto out;
	}
	other = ids[up ? at - 1 : at + 1];
	ids[up ? at - 1 : at + 1] = id;
	ids[at] = other;
	/* the order becomes 1..n (ties and gaps from files or older edits resolved); only changed rows written */
	for (k = 0; k < n; k++) {
		st = db_prepare(db, "UPDATE terms SET sort = ? WHERE id = ? AND sort <> ?");
		if (st == NULL)
			goto fail;
		db_bind_i64(st, 1, k + 1);
		db_bind_i64(st, 2, ids[k]);
		db_bind_i64(st, 3, k + 1);
		if (db_run(st) != DB_DONE)
			goto fail;
	}
	snprintf(detail, sizeof(detail), "vocab=%s code=%.60s %s", vocab, t.code, up ? "up" : "down");
	if (!audit(db, actor, ip, "master.term_move", id, detail, now) || !db_commit(db))
		goto fail;
	free(ids);
	audit_sync_head(db);
	return MASTER_OK;
fail:
	str_errf(err, errlen, "%s", MSG_DB);
	rc = MASTER_ERROR;
out:
	free(ids);
	db_rollback(db);
	return rc;
}

master_result_t
master_term_retire(db_t *db, const account_t *actor, const char *vocab, int64_t id, bool retire, const char *ip,
    int64_t now, char *err, size_t errlen)
{
	master_term_t t;
	db_stmt_t *st;
	char detail[300];

	if (!policy_can(actor, POLICY_STATUS, POLICY_MASTER, 0))
		return fail(MASTER_DENIED, MSG_DENIED, err, errlen);
	if (!db_begin_write(db))
		return fail(MASTER_ERROR, MSG_DB, err, errlen);
	if (!master_term_get(db, vocab, id, &t))
		return rollback_fail(db, MASTER_NOT_FOUND, MSG_NONE, err, errlen);
	if ((t.retired_at != 0) == retire) {
		db_rollback(db);
		return MASTER_OK;  /* already so (a second click) */
	}
	st = db_prepare(db, "UPDATE terms SET retired_at = ? WHERE id = ?");
	if (st == NULL)
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	if (retire)
		db_bind_i64(st, 1, now);
	else
		db_bind_null(st, 1);
	db_bind_i64(st, 2, id);
	if (db_run(st) != DB_DONE)
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	snprintf(detail, sizeof(detail), "vocab=%s code=%.60s name=%.200s", vocab, t.code, t.name);
	if (!audit(db, actor, ip, retire ? "master.term_retire" : "master.term_restore", id, detail, now) ||
	    !db_commit(db))
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	audit_sync_head(db);
	return MASTER_OK;
}

master_result_t
master_term_delete(db_t *db, const account_t *actor, const char *vocab, int64_t id, const char *ip, int64_t now,
    char *err, size_t errlen)
{
	master_term_t t;
	db_stmt_t *st;
	int64_t uses;
	char detail[300];

	if (!policy_can(actor, POLICY_DELETE, POLICY_MASTER, 0))
		return fail(MASTER_DENIED, MSG_DENIED, err, errlen);
	if (!db_begin_write(db))
		return fail(MASTER_ERROR, MSG_DB, err, errlen);
	if (!master_term_get(db, vocab, id, &t))
		return rollback_fail(db, MASTER_NOT_FOUND, MSG_NONE, err, errlen);
	/* counted inside the write transaction: nothing can start using it before the DELETE */
	if ((uses = master_term_uses(db, id)) != 0) {
		if (uses < 0)
			return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
		db_rollback(db);
		str_errf(err, errlen, "「%s」は%" PRId64 "件で使われているため削除できません。廃止にすると、使っている登録には残したまま新しい選択肢から外せます。",
		    t.name, uses);
		return MASTER_IN_USE;
	}
	st = db_prepare(db, "DELETE FROM terms WHERE id = ?");
	if (st == NULL)
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	db_bind_i64(st, 1, id);
	if (db_run(st) != DB_DONE)
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	/* so that `migrate` does not add it again from the schema file */
	st = db_prepare(db, "INSERT INTO terms_deleted (vocab, code, deleted_at) VALUES (?, ?, ?) "
	    "ON CONFLICT (vocab, code) DO UPDATE SET deleted_at = excluded.deleted_at");
	if (st == NULL)
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	db_bind_str(st, 1, vocab);
	db_bind_str(st, 2, t.code);
	db_bind_i64(st, 3, now);
	if (db_run(st) != DB_DONE)
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	snprintf(detail, sizeof(detail), "vocab=%s code=%.60s name=%.200s", vocab, t.code, t.name);
	if (!audit(db, actor, ip, "master.term_delete", id, detail, now) || !db_commit(db))
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	audit_sync_head(db);
	return MASTER_OK;
}

master_result_t
master_term_set_logo(db_t *db, const account_t *actor, const char *vocab, int64_t id, int64_t media_id,
    const char *ip, int64_t now, char *err, size_t errlen)
{
	master_term_t t;
	db_stmt_t *st;
	char detail[300];

	if (!policy_can(actor, POLICY_UPDATE, POLICY_MASTER, 0))
		return fail(MASTER_DENIED, MSG_DENIED, err, errlen);
	if (vocab == NULL || strcmp(vocab, MASTER_LOGO_VOCAB) != 0)
		return fail(MASTER_NOT_FOUND, MSG_NONE, err, errlen);
	if (!db_begin_write(db))
		return fail(MASTER_ERROR, MSG_DB, err, errlen);
	if (!master_term_get(db, vocab, id, &t))
		return rollback_fail(db, MASTER_NOT_FOUND, MSG_NONE, err, errlen);
	if (media_id > 0) {
		bool found;
		if ((st = db_prepare(db, "SELECT 1 FROM media WHERE id = ?")) == NULL)
			return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
		db_bind_i64(st, 1, media_id);
		found = db_step(st) == DB_ROW;
		db_done(st);
		if (!found)
			return rollback_fail(db, MASTER_INVALID, "ロゴの画像が見つかりません。もう一度アップロードしてください。", err, errlen);
	}
	if (t.logo_media_id == (media_id > 0 ? media_id : 0)) {
		db_rollback(db);
		return MASTER_OK;
	}
	if ((st = db_prepare(db, "UPDATE terms SET logo_media_id = ? WHERE id = ?")) == NULL)
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	if (media_id > 0)
		db_bind_i64(st, 1, media_id);
	else
		db_bind_null(st, 1);
	db_bind_i64(st, 2, id);
	if (db_run(st) != DB_DONE)
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	snprintf(detail, sizeof(detail), "vocab=%s code=%.60s logo=%s%" PRId64, vocab, t.code, media_id > 0 ? "media:" : "",
	    media_id > 0 ? media_id : 0);
	if (!audit(db, actor, ip, "master.term_logo", id, detail, now) || !db_commit(db))
		return rollback_fail(db, MASTER_ERROR, MSG_DB, err, errlen);
	audit_sync_head(db);
	return MASTER_OK;
}
