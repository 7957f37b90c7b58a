/*
 * fuzz_search_query.c - search_query_parse on arbitrary bytes. A parsed query must be made of quoted
 * strings, AND, OR, parentheses and '*' only, within the term limit, and SQLite must accept both of
 * its expressions against a real FTS5 table with the tsunagu tokenizer: an FTS5 syntax error here
 * is a bug in query.c.
 */
#include "search/query.h"
#include "search/tokenize.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static sqlite3      *db;
static sqlite3_stmt *count_st;

static void
setup(void)
{
	static const char *rows[] = {
		"営業職募集 群馬県前橋市", "法人営業", "ＳＥ募集", "ｴﾝｼﾞﾆｱ（前橋）", "看護師",
		"手厚い看", "ＩＴ営業（派遣）", "サーバーエンジニア", "人々の暮らし", "2026年度 新卒",
		"São Paulo",
	};
	sqlite3_stmt *st;
	size_t i;

	CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
	CHECK(search_register_tokenizer(db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='tsunagu')",
	    NULL, NULL, NULL) == SQLITE_OK);
	CHECK(sqlite3_prepare_v2(db, "INSERT INTO t(title, body) VALUES (?1, ?1)", -1, &st, NULL) == SQLITE_OK);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		sqlite3_bind_text(st, 1, rows[i], -1, SQLITE_STATIC);
		CHECK(sqlite3_step(st) == SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	CHECK(sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?1", -1, &count_st, NULL) == SQLITE_OK);
}

/* Outside quoted strings only spaces, parentheses, '*' after a string, AND and OR. */
static void
check_syntax(const char *e, size_t n)
{
	size_t i = 0;
	int depth = 0;

	while (i < n) {
		if (e[i] == '"') {
			for (i++; i < n; i++) {
				if (e[i] == '"' && i + 1 < n && e[i + 1] == '"')
					i++;
				else if (e[i] == '"')
					break;
			}
			CHECK(i < n);
			i++;
			if (i < n && e[i] == '*')
				i++;
		} else if (e[i] == ' ')
			i++;
		else if (e[i] == '(') {
			depth++;
			i++;
		} else if (e[i] == ')') {
			CHECK(--depth >= 0);
			i++;
		} else if (n - i >= 4 && memcmp(e + i, "AND ", 4) == 0)
			i += 4;
		else if (n - i >= 3 && memcmp(e + i, "OR ", 3) == 0)
			i += 3;
		else
			CHECK(0);
	}
	CHECK(depth == 0);
}

static void
check_sqlite(const char *e, size_t n)
{
	int rc;

	sqlite3_bind_text(count_st, 1, e, (int)n, SQLITE_STATIC);
	rc = sqlite3_step(count_st);
	CHECK(rc == SQLITE_ROW);
	sqlite3_reset(count_st);
	sqlite3_clear_bindings(count_st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	search_query_t q;

	if (db == NULL)
		setup();
	if (!search_query_parse((const char *)data, size, &q)) {
		CHECK(q.match.len == 0 && q.exclude.len == 0);
		return 0;
	}
	CHECK(!q.match.oom && !q.exclude.oom);
	CHECK(q.nterms >= 0 && q.nterms <= QUERY_MAX_TERMS);
	CHECK((q.nterms == 0) == (q.match.len == 0));
	CHECK(size <= QUERY_MAX_BYTES || q.truncated);
	check_syntax(q.match.data, q.match.len);
	check_syntax(q.exclude.data, q.exclude.len);
	if (q.match.len > 0)
		check_sqlite(q.match.data, q.match.len);
	if (q.exclude.len > 0)
		check_sqlite(q.exclude.data, q.exclude.len);
	search_query_free(&q);
	return 0;
}
