/* test_search_tokenize.c - the search tokenizer and query parser, end to end through an FTS5 table. */
#include "testutil.h"

#include "search/query.h"
#include "search/tokenize.h"

#include <sqlite3.h>

#define MAX_TOKENS 64
#define RESULT_MAX 256

typedef struct tok {
	token_kind_t kind;
	char   text[TOKEN_MAX_BYTES + 1];
	size_t start, end;
	bool   colocated;
} tok_t;

typedef struct toks {
	tok_t t[MAX_TOKENS];
	int   n;
} toks_t;

static int
collect(void *ctx, token_kind_t kind, const char *tok, size_t len, size_t start, size_t end, bool colocated)
{
	toks_t *ts = ctx;
	tok_t  *t;

	assert_true(ts->n < MAX_TOKENS);
	assert_true(len > 0 && len <= TOKEN_MAX_BYTES);
	t = &ts->t[ts->n++];
	t->kind = kind;
	memcpy(t->text, tok, len);
	t->text[len] = '\0';
	t->start = start;
	t->end = end;
	t->colocated = colocated;
	return 0;
}

static int
tokenize(const char *s, bool unigrams, toks_t *ts)
{
	memset(ts, 0, sizeof(*ts));
	return search_tokenize(s, strlen(s), unigrams, ts, collect);
}

static void
assert_tok(const toks_t *ts, int i, token_kind_t kind, const char *text, size_t start, size_t end, bool colocated)
{
	assert_true(i < ts->n);
	assert_int_equal(ts->t[i].kind, kind);
	assert_string_equal(ts->t[i].text, text);
	assert_int_equal(ts->t[i].start, start);
	assert_int_equal(ts->t[i].end, end);
	assert_int_equal(ts->t[i].colocated, colocated);
}

/* ---- tokenizer ---- */

static void
test_offsets_map_to_original(void **state)
{
	const char *se = "ＳＥ募集";
	const char *eng = "ｴﾝｼﾞﾆｱ";
	toks_t ts;

	(void)state;
	assert_int_equal(tokenize(se, true, &ts), 0);
	assert_int_equal(ts.n, 3);
	assert_tok(&ts, 0, TOKEN_WORD, "se", 0, 6, false);
	assert_tok(&ts, 1, TOKEN_BIGRAM, "募集", 6, 12, false);
	assert_tok(&ts, 2, TOKEN_UNIGRAM, "集", 9, 12, true);

	/* ｼﾞ is two code points in the original and one (ジ) after normalisation */
	assert_int_equal(tokenize(eng, true, &ts), 0);
	assert_int_equal(ts.n, 5);
	assert_tok(&ts, 0, TOKEN_BIGRAM, "エン", 0, 6, false);
	assert_tok(&ts, 1, TOKEN_BIGRAM, "ンジ", 3, 12, false);
	assert_tok(&ts, 2, TOKEN_BIGRAM, "ジニ", 6, 15, false);
	assert_tok(&ts, 3, TOKEN_BIGRAM, "ニア", 12, 18, false);
	assert_tok(&ts, 4, TOKEN_UNIGRAM, "ア", 15, 18, true);
	assert_memory_equal(eng + 3, "ﾝｼﾞ", 9);

	/* e + combining tilde composes across the ASCII fast path */
	assert_int_equal(tokenize("Sa\xcc\x83o Paulo", true, &ts), 0);
	assert_int_equal(ts.n, 2);
	assert_tok(&ts, 0, TOKEN_WORD, "s\xc3\xa3o", 0, 5, false);
	assert_tok(&ts, 1, TOKEN_WORD, "paulo", 6, 11, false);
}

static void
test_runs_and_classes(void **state)
{
	toks_t ts;

	(void)state;
	/* digits next to kanji are their own word */
	assert_int_equal(tokenize("2026年度", true, &ts), 0);
	assert_int_equal(ts.n, 3);
	assert_tok(&ts, 0, TOKEN_WORD, "2026", 0, 4, false);
	assert_tok(&ts, 1, TOKEN_BIGRAM, "年度", 4, 10, false);
	assert_tok(&ts, 2, TOKEN_UNIGRAM, "度", 7, 10, true);

	assert_int_equal(tokenize("2026年", true, &ts), 0);
	assert_int_equal(ts.n, 2);
	assert_tok(&ts, 1, TOKEN_UNIGRAM, "年", 4, 7, false);

	/* 々 and ー stay inside the run */
	assert_int_equal(tokenize("人々", true, &ts), 0);
	assert_int_equal(ts.n, 2);
	assert_tok(&ts, 0, TOKEN_BIGRAM, "人々", 0, 6, false);
	assert_tok(&ts, 1, TOKEN_UNIGRAM, "々", 3, 6, true);
	assert_int_equal(tokenize("サーバー", false, &ts), 0);
	assert_int_equal(ts.n, 3);
	assert_tok(&ts, 0, TOKEN_BIGRAM, "サー", 0, 6, false);
	assert_tok(&ts, 1, TOKEN_BIGRAM, "ーバ", 3, 9, false);
	assert_tok(&ts, 2, TOKEN_BIGRAM, "バー", 6, 12, false);

	/* queries: no trailing unigram, except a lone character */
	assert_int_equal(tokenize("看護師", false, &ts), 0);
	assert_int_equal(ts.n, 2);
	assert_string_equal(ts.t[1].text, "護師");
	assert_int_equal(tokenize("看", false, &ts), 0);
	assert_int_equal(ts.n, 1);
	assert_tok(&ts, 0, TOKEN_UNIGRAM, "看", 0, 3, false);

	/* the katakana middle dot, brackets and spaces separate; foreign letters are words */
	assert_int_equal(tokenize("法人・営業（Việt Nam）", false, &ts), 0);
	assert_int_equal(ts.n, 4);
	assert_string_equal(ts.t[0].text, "法人");
	assert_string_equal(ts.t[1].text, "営業");
	assert_string_equal(ts.t[2].text, "vi\xe1\xbb\x87t");
	assert_string_equal(ts.t[3].text, "nam");

	/* compatibility characters expand; every piece points at the original character */
	assert_int_equal(tokenize("㈱", true, &ts), 0);
	assert_int_equal(ts.n, 1);
	assert_tok(&ts, 0, TOKEN_UNIGRAM, "株", 0, 3, false);
}

static void
test_long_word_split(void **state)
{
	char   s[151];
	toks_t ts;

	(void)state;
	memset(s, 'A', 150);
	s[150] = '\0';
	assert_int_equal(tokenize(s, true, &ts), 0);
	assert_int_equal(ts.n, 3);
	assert_int_equal(strlen(ts.t[0].text), TOKEN_MAX_BYTES);
	assert_int_equal(ts.t[0].text[0], 'a');
	assert_int_equal(ts.t[1].start, 64);
	assert_int_equal(ts.t[1].end, 128);
	assert_int_equal(ts.t[2].start, 128);
	assert_int_equal(ts.t[2].end, 150);
}

static void
test_input_limit(void **state)
{
	size_t n = TOKENIZE_MAX_INPUT + 16;
	char  *s = malloc(n);
	toks_t ts;

	(void)state;
	assert_non_null(s);
	memset(s, ' ', n);
	memcpy(s + 10, "first", 5);
	memcpy(s + n - 8, "last", 4);  /* past the limit: not tokenized */
	memset(&ts, 0, sizeof(ts));
	assert_int_equal(search_tokenize(s, n, true, &ts, collect), 0);
	assert_int_equal(ts.n, 1);
	assert_string_equal(ts.t[0].text, "first");
	free(s);
}

static int
stop_at_second(void *ctx, token_kind_t kind, const char *tok, size_t len, size_t start, size_t end, bool colocated)
{
	int *count = ctx;

	return ++*count == 2 ? 7 : 0;
}

static void
test_callback_stops(void **state)
{
	int count = 0;

	(void)state;
	assert_int_equal(search_tokenize("a b c", 5, true, &count, stop_at_second), 7);
	assert_int_equal(count, 2);
}

static void
test_normalize(void **state)
{
	size_t len;
	char  *s;

	(void)state;
	s = search_normalize("ｻｰﾊﾞｰ", strlen("ｻｰﾊﾞｰ"), &len);
	assert_non_null(s);
	assert_string_equal(s, "サーバー");
	assert_int_equal(len, strlen("サーバー"));
	free(s);
	s = search_normalize("ゝゞヽヾ々ー", strlen("ゝゞヽヾ々ー"), &len);
	assert_non_null(s);
	assert_string_equal(s, "ゝゞヽヾ々ー");
	free(s);
	s = search_normalize("ＳＥ Ｗｅｂ　２０２６", strlen("ＳＥ Ｗｅｂ　２０２６"), &len);
	assert_non_null(s);
	assert_string_equal(s, "se web 2026");
	free(s);
	s = search_normalize("", 0, &len);
	assert_non_null(s);
	assert_int_equal(len, 0);
	free(s);
}

static void
test_invalid_utf8(void **state)
{
	static const char *bad[] = { "\xff", "営業\xe5\x96", "\xc0\xaf", "\xed\xa0\x80", "a\x80" };
	search_query_t q;
	toks_t ts;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(tokenize(bad[i], true, &ts), -1);
		assert_int_equal(ts.n, 0);  /* nothing reported before the error */
		assert_null(search_normalize(bad[i], strlen(bad[i]), NULL));
		assert_false(search_query_parse(bad[i], strlen(bad[i]), &q));
		assert_null(q.match.data);
		search_query_free(&q);
	}
}

/* ---- query parser ---- */

/* Outside the quoted strings only ( ) * AND OR and spaces may appear. */
static void
assert_safe_expr(const char *e)
{
	const char *p = e;

	while (*p != '\0') {
		if (*p == '"') {
			for (p++; *p != '\0'; p++) {
				if (*p == '"' && p[1] == '"')
					p++;
				else if (*p == '"')
					break;
			}
			assert_int_equal(*p, '"');
			p++;
			if (*p == '*')
				p++;
		} else if (*p == ' ' || *p == '(' || *p == ')')
			p++;
		else if (strncmp(p, "AND ", 4) == 0)
			p += 4;
		else if (strncmp(p, "OR ", 3) == 0)
			p += 3;
		else
			fail_msg("unexpected syntax at \"%s\" in %s", p, e);
	}
}

static void
parse(const char *s, search_query_t *q)
{
	assert_true(search_query_parse(s, strlen(s), q));
	assert_safe_expr(q->match.len > 0 ? q->match.data : "");
	assert_safe_expr(q->exclude.len > 0 ? q->exclude.data : "");
}

static void
assert_parse(const char *s, const char *match, const char *exclude, int nterms)
{
	search_query_t q;

	parse(s, &q);
	assert_string_equal(q.match.len > 0 ? q.match.data : "", match);
	assert_string_equal(q.exclude.len > 0 ? q.exclude.data : "", exclude);
	assert_int_equal(q.nterms, nterms);
	search_query_free(&q);
}

static void
test_query_syntax(void **state)
{
	(void)state;
	assert_parse("営業", "\"営業\"", "", 1);
	assert_parse("IT営業", "\"it 営業\"", "", 1);
	assert_parse("看", "\"看\"*", "", 1);
	assert_parse("営業職", "\"営業 業職\"", "", 1);
	assert_parse("営業 事務", "\"営業\" AND \"事務\"", "", 2);
	assert_parse("営業　事務", "\"営業\" AND \"事務\"", "", 2);
	assert_parse("営業 事務 OR 看護", "\"営業\" AND (\"事務\" OR \"看護\")", "", 3);
	assert_parse("a OR b OR c d", "(\"a\" OR \"b\" OR \"c\") AND \"d\"", "", 4);
	assert_parse("OR a OR OR", "\"a\"", "", 1);
	assert_parse("\"法人 営業\" 「前橋」", "\"法人 営業\" AND \"前橋\"", "", 2);
	assert_parse("＂法人営業＂", "\"法人 人営 営業\"", "", 1);
	assert_parse("営業 -派遣 －契約", "\"営業\"", "\"派遣\" OR \"契約\"", 1);
	assert_parse("営業 - 事務", "\"営業\" AND \"事務\"", "", 2);
	assert_parse("-\"法人 営業\"", "", "\"法人 営業\"", 0);
	assert_parse("a OR -b", "\"a\"", "\"b\"", 1);
	assert_parse("！？ ・・・ ---", "", "", 0);
	assert_parse("e-mail", "\"e mail\"", "", 1);
	assert_parse("or", "\"or\"", "", 1);
}

static void
test_query_limits(void **state)
{
	search_query_t q;
	char   s[1024];
	size_t i;

	(void)state;
	s[0] = '\0';
	for (i = 0; i < 20; i++) {
		char w[8];

		assert_true(snprintf(w, sizeof(w), "w%zu ", i) < (int)sizeof(w));
		strcat(s, w);
	}
	parse(s, &q);
	assert_int_equal(q.nterms, QUERY_MAX_TERMS);
	assert_true(q.truncated);
	search_query_free(&q);

	/* 200 あ = 600 bytes: cut at a character boundary */
	for (i = 0; i < 200; i++)
		memcpy(s + 3 * i, "あ", 3);
	s[600] = '\0';
	parse(s, &q);
	assert_true(q.truncated);
	assert_int_equal(q.nterms, 1);
	assert_true(q.match.len > 0);
	search_query_free(&q);

	parse("", &q);
	assert_int_equal(q.match.len, 0);
	assert_false(q.truncated);
	search_query_free(&q);
}

/* ---- through FTS5 ---- */

static const char *docs[][2] = {
	/*  1 */ { "営業職募集", "群馬県前橋市" },
	/*  2 */ { "法人営業", "高崎" },
	/*  3 */ { "ＳＥ募集", "" },
	/*  4 */ { "ｴﾝｼﾞﾆｱ（前橋）", "" },
	/*  5 */ { "エンジニア", "高崎 勤務" },
	/*  6 */ { "看護師", "" },
	/*  7 */ { "介護", "手厚い看" },
	/*  8 */ { "ＩＴ営業（派遣）", "" },
	/*  9 */ { "事務スタッフ", "" },
	/* 10 */ { "法人 営業 アシスタント", "" },
	/* 11 */ { "サーバーエンジニア", "" },
	/* 12 */ { "人々の暮らし", "" },
	/* 13 */ { "2026年度 新卒", "" },
	/* 14 */ { "サーバ保守", "" },
	/* 15 */ { "営業事務", "" },
	/* 16 */ { "法人営業職", "" },
	/* 17 */ { "Vagas para brasileiros", "São Paulo" },
};
#define NDOCS ((int)(sizeof(docs) / sizeof(docs[0])))

static int
db_setup(void **state)
{
	sqlite3      *db;
	sqlite3_stmt *st;
	int i;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return -1;
	if (search_register_tokenizer(db) != SQLITE_OK ||
	    sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='tsunagu')",
	    NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO t(rowid, title, body) VALUES (?1, ?2, ?3)", -1, &st, NULL)
	    != SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	for (i = 0; i < NDOCS; i++) {
		sqlite3_bind_int(st, 1, i + 1);
		sqlite3_bind_text(st, 2, docs[i][0], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, docs[i][1], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			return -1;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	*state = db;
	return 0;
}

static int
db_teardown(void **state)
{
	sqlite3_close(*state);
	return 0;
}

/* Runs a raw MATCH (and exclusion) expression; the matching rowids as "1,2,3". */
static void
run_match(sqlite3 *db, const char *match, const char *exclude, char *out)
{
	sqlite3_stmt *st;
	size_t len = 0;
	int    rc;

	out[0] = '\0';
	if (exclude != NULL && exclude[0] != '\0')
		rc = sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?1 AND rowid NOT IN "
		    "(SELECT rowid FROM t WHERE t MATCH ?2) ORDER BY rowid", -1, &st, NULL);
	else
		rc = sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rowid", -1, &st, NULL);
	assert_int_equal(rc, SQLITE_OK);
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	if (exclude != NULL && exclude[0] != '\0')
		sqlite3_bind_text(st, 2, exclude, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int n = snprintf(out + len, RESULT_MAX - len, "%s%d", len > 0 ? "," : "", sqlite3_column_int(st, 0));

		assert_true(n > 0 && (size_t)n < RESULT_MAX - len);
		len += (size_t)n;
	}
	if (rc != SQLITE_DONE)
		fail_msg("MATCH %s: %s", match, sqlite3_errmsg(db));
	sqlite3_finalize(st);
}

/* The rowids a search box query finds. */
static void
search(sqlite3 *db, const char *query, char *out)
{
	search_query_t q;

	parse(query, &q);
	if (q.match.len == 0)
		out[0] = '\0';
	else
		run_match(db, q.match.data, q.exclude.data, out);
	search_query_free(&q);
}

static void
assert_finds(sqlite3 *db, const char *query, const char *expect)
{
	char got[RESULT_MAX];

	search(db, query, got);
	if (strcmp(got, expect) != 0)
		fail_msg("query %s: found {%s}, expected {%s}", query, got, expect);
}

static void
test_fts_short_words(void **state)
{
	sqlite3 *db = *state;

	assert_finds(db, "営業", "1,2,8,10,15,16");
	assert_finds(db, "営業職", "1,16");
	assert_finds(db, "事務", "9,15");
	assert_finds(db, "前橋", "1,4");
	assert_finds(db, "2026", "13");
	assert_finds(db, "年度", "13");
	assert_finds(db, "2026年度", "13");
	assert_finds(db, "São", "17");
	assert_finds(db, "SÃO", "17");
}

static void
test_fts_width_and_case(void **state)
{
	sqlite3 *db = *state;

	assert_finds(db, "se", "3");
	assert_finds(db, "SE", "3");
	assert_finds(db, "ＳＥ", "3");
	assert_finds(db, "ｓｅ", "3");
	assert_finds(db, "ｴﾝｼﾞﾆｱ", "4,5,11");
	assert_finds(db, "エンジニア", "4,5,11");
	assert_finds(db, "IT営業", "8");
	assert_finds(db, "ＩＴ営業", "8");
	assert_finds(db, "it", "8");
}

static void
test_fts_one_character(void **state)
{
	sqlite3 *db = *state;

	assert_finds(db, "看", "6,7");
	assert_finds(db, "看護", "6");
	assert_finds(db, "護", "6,7");
	assert_finds(db, "々", "12");
	assert_finds(db, "一", "");
	assert_finds(db, "x", "");
}

static void
test_fts_marks(void **state)
{
	sqlite3 *db = *state;

	assert_finds(db, "サーバー", "11");
	assert_finds(db, "ｻｰﾊﾞｰ", "11");
	assert_finds(db, "サーバ", "11,14");
	assert_finds(db, "人々", "12");
}

static void
test_fts_operators(void **state)
{
	sqlite3 *db = *state;

	assert_finds(db, "\"法人 営業\"", "10");
	assert_finds(db, "「法人 営業」", "10");
	assert_finds(db, "\"法人営業\"", "2,16");
	assert_finds(db, "法人営業", "2,16");
	assert_finds(db, "法人 営業", "2,10,16");
	assert_finds(db, "営業\xe3\x80\x80法人", "2,10,16");
	assert_finds(db, "営業 -派遣", "1,2,10,15,16");
	assert_finds(db, "営業 －派遣 -職", "2,10,15");
	assert_finds(db, "事務 OR 看護", "6,9,15");
	assert_finds(db, "営業 事務 OR 看護", "15");
	assert_finds(db, "高崎 エンジニア OR 法人", "2,5");
}

/* FTS5 runs our tokenizer (query mode) on every string of a MATCH expression. */
static void
test_fts_requery(void **state)
{
	sqlite3 *db = *state;
	char got[RESULT_MAX];

	run_match(db, "\"営業職\"", NULL, got);
	assert_string_equal(got, "1,16");
	run_match(db, "\"it営業\"", NULL, got);
	assert_string_equal(got, "8");
	run_match(db, "\"ｴﾝｼﾞﾆｱ\"", NULL, got);
	assert_string_equal(got, "4,5,11");
}

static void
test_fts_highlight(void **state)
{
	sqlite3      *db = *state;
	sqlite3_stmt *st;
	search_query_t q;

	parse("ｴﾝｼﾞﾆｱ", &q);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH ?1 "
	    "ORDER BY rowid", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, q.match.data, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "[ｴﾝｼﾞﾆｱ]（前橋）");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "[エンジニア]");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "サーバー[エンジニア]");
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	search_query_free(&q);

	parse("SE", &q);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH ?1",
	    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, q.match.data, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "[ＳＥ]募集");
	sqlite3_finalize(st);
	search_query_free(&q);
}

static void
test_fts_injection(void **state)
{
	static const char *attempts[] = {
		"\" OR title:*", "NEAR(", "*", "^", ":", "title:営業", "営業 NOT 派遣", "{title body}: 営業",
		"\"unterminated", "a\"b", "(((", ")", "AND", "OR OR", "NEAR(営業 派遣, 3)", "-", "--", "\"\"\"\"",
		"営業\" OR \"", "^営業", "営業*", "\"*\"", "col:*", "-* OR *", "\\\"", "'", "; DROP TABLE t;",
	};
	sqlite3 *db = *state;
	char     got[RESULT_MAX];
	size_t   i;

	for (i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		search(db, attempts[i], got);
		/* never everything: a handful of rows at most */
		if (strcmp(got, "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17") == 0)
			fail_msg("query %s matched every row", attempts[i]);
	}
	assert_finds(db, "*", "");
	assert_finds(db, "title:営業", "");  /* the phrase "title 営業", which no row has */
	assert_finds(db, "営業 NOT 派遣", "");
	assert_finds(db, "^営業", "1,2,8,10,15,16");
	assert_parse("営業\" OR \"", "\"営業\" AND \"or\"", "", 2);  /* the quoted OR is a word */
	assert_parse("NEAR(営業 派遣, 3)", "\"near 営業\" AND \"派遣\" AND \"3\"", "", 3);
}

static void
test_register_twice(void **state)
{
	sqlite3 *db = *state;

	assert_int_equal(search_register_tokenizer(db), SQLITE_OK);
	assert_finds(db, "看護", "6");
}

int
main(void)
{
	const struct CMUnitTest unit[] = {
		cmocka_unit_test(test_offsets_map_to_original),
		cmocka_unit_test(test_runs_and_classes),
		cmocka_unit_test(test_long_word_split),
		cmocka_unit_test(test_input_limit),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_query_syntax),
		cmocka_unit_test(test_query_limits),
	};
	const struct CMUnitTest fts[] = {
		cmocka_unit_test(test_fts_short_words),
		cmocka_unit_test(test_fts_width_and_case),
		cmocka_unit_test(test_fts_one_character),
		cmocka_unit_test(test_fts_marks),
		cmocka_unit_test(test_fts_operators),
		cmocka_unit_test(test_fts_requery),
		cmocka_unit_test(test_fts_highlight),
		cmocka_unit_test(test_fts_injection),
		cmocka_unit_test(test_register_twice),
	};
	int failed;

	failed = cmocka_run_group_tests_name("search_tokenize", unit, NULL, NULL);
	failed += cmocka_run_group_tests_name("search_fts5", fts, db_setup, db_teardown);
	return failed != 0;
}
