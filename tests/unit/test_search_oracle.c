/* test_search_oracle.c - the in-memory search index (src/search/index.c, search.c) against FTS5 with the
 * same tokenizer as the reference (REQUIREMENTS B10; issue 3 items 2 and 6). Random job offers and random
 * queries are made from a small alphabet of fragments, so that words, one-character prefixes, phrases,
 * width and case variants collide often. For each query, the set of entities search_run finds (every
 * page, staff view) must equal the set the query's FTS5 expression finds in a plain FTS5 table holding
 * the same stored text (search_query_parse: q.match, minus q.exclude; everything minus q.exclude when
 * only words to exclude were typed). Checked after the import (a full build), after updates, deletes
 * and inserts made with SQL behind the index's back (it must follow search_log; SQLite hands out the id
 * of a deleted last row again), and after a rebuild. Then relevance: a title hit ranks above a body hit
 * (BM25, title weighted tenfold). Last, the same comparison with characters that keep a combining mark
 * after normalisation (ｱﾞ, がﾞ, 葛 + a variation selector), smallest known cases first. The seed is
 * fixed; TSUNAGU_ORACLE_SEED=<number> tries another one.
 */
#include "testutil.h"
#include "dbtest.h"

#include "content/import.h"
#include "content/schema.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "search/query.h"
#include "search/search.h"
#include "search/tokenize.h"

#include <inttypes.h>
#include <sqlite3.h>

#define NOW            1790000000 /* 2026-09-21 */
#define SEED           UINT64_C(0x7a5e11a9c0ffee42)
#define NDOCS          300
#define NQUERIES       400
#define ROUNDS         5          /* of changes in the second test */
#define CHANGES        10         /* updates and deletes per round */
#define INSERTS        2          /* new documents per round */
#define ROUND_QUERIES  40
#define MAX_DOCS       (NDOCS + ROUNDS * INSERTS + 64)
#define MAX_REPORTS    8          /* mismatches described in full */

/* the last columns are the items a published job offer must state (B01, content/joblaw.h) */
#define LAW_COLS ",duties_scope,contract_period,trial_period,workplace,workplace_scope,hours,overtime,breaks,holidays," \
	"salary,insurance,smoking"
#define LAW ",変更なし,期間の定めなし,なし,本社,変更なし,9:00〜18:00,月10時間程度,60分,土日祝,月給20万円,雇用保険・労災保険," \
	"屋内禁煙"
static const char HEADER[] = "title,company_name,description,occupation,employment,municipality,target,industry,status,"
    "listing_start,listing_end" LAW_COLS "\n";

/* What documents are made of: words that collide often, single CJK characters (one-character prefix
 * queries), width and case variants, long-vowel and iteration marks, and separators. */
static const char *const words[] = {
	"営業", "法人", "事務", "看護", "師", "看", "護", "職", "員", "介護", "前橋", "高崎", "エンジニア",
	"ｴﾝｼﾞﾆｱ", "データ", "ﾃﾞｰﾀ", "サーバー", "サーバ", "営", "業", "人", "々", "ー", "の", "ア", "ｶﾞ", "ガ",
	"ＳＥ", "SE", "se", "Se", "IT", "ＩＴ", "it", "Java", "JAVA", "ｊａｖａ", "2026", "２０２６", "1", "０",
};
#define NWORDS ((int)(sizeof(words) / sizeof(words[0])))

static const char *const seps[] = {
	"、", "。", " ", "　", "「", "」", "・", "（", "）", "/", ",", "\"", "-", "！",
};
#define NSEPS ((int)(sizeof(seps) / sizeof(seps[0])))

/* Characters that carry a combining mark after normalisation, which the tokenizer keeps with the
 * character: a half-width voiced-sound mark that composes with nothing (ｱﾞ -> ア + U+3099, がﾞ), an
 * ideographic variation sequence (葛 + U+E0100, as in 葛󠄀飾区), next to their plain forms; ｳﾞ composes (ヴ). */
static const char *const marked[] = {
	"ｱﾞ", "がﾞ", "が", "葛\xf3\xa0\x84\x80", "葛", "西", "飾", "ｳﾞ", "ヴ",
};
#define NMARKED ((int)(sizeof(marked) / sizeof(marked[0])))

typedef struct oracle {
	db_t     *db;
	schema_t *schema;
	sqlite3  *ref;       /* FTS5 table t(title, body) with the tsunagu tokenizer, rowid = entity id */
	uint64_t  seed, rng;
	int64_t   newest;    /* highest entity id mirror_new added */
	int64_t   live[MAX_DOCS];
	int       nlive;
	int       nonempty;  /* checked queries whose reference set was not empty */
	int       checked;
	bool      marks;     /* words from marked[] too */
} oracle_t;

/* ---- random ---- */

static uint64_t
rnd(oracle_t *o)
{
	uint64_t x = o->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	o->rng = x;
	return x;
}

static int
rnd_below(oracle_t *o, int n)
{
	return (int)(rnd(o) % (uint64_t)n);
}

static const char *
pick_word(oracle_t *o)
{
	if (o->marks && rnd_below(o, 4) == 0)
		return marked[rnd_below(o, NMARKED)];
	return words[rnd_below(o, NWORDS)];
}

static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Random text of about minc..maxc characters; it starts with a word so that it is never blank. */
static void
gen_text(oracle_t *o, buf_t *b, int minc, int maxc)
{
	size_t target = (size_t)(minc + rnd_below(o, maxc - minc + 1)), start = b->len;
	const char *prev = NULL, *f;

	while (utf8_chars(b->data != NULL ? b->data + start : "") < target) {
		int r = rnd_below(o, 16);
		if (prev != NULL && r == 0)
			f = prev;                          /* repeated fragments make phrases recur */
		else if (prev != NULL && r < 5)
			f = seps[rnd_below(o, NSEPS)];
		else
			f = pick_word(o);
		buf_puts(b, f);
		prev = f;
	}
	assert_false(b->oom);
}

/* One query word: one to three fragments, sometimes with punctuation inside. */
static void
gen_word(oracle_t *o, buf_t *b)
{
	int n = 1 + rnd_below(o, 3), i;

	if (rnd_below(o, 3) == 0)
		n = 1;
	for (i = 0; i < n; i++) {
		if (i > 0 && rnd_below(o, 8) == 0)
			buf_puts(b, rnd_below(o, 2) ? "・" : "、");
		buf_puts(b, pick_word(o));
	}
}

static void
gen_space(oracle_t *o, buf_t *b)
{
	buf_puts(b, rnd_below(o, 3) == 0 ? "　" : " ");
}

static void
gen_query(oracle_t *o, buf_t *b)
{
	buf_clear(b);
	switch (rnd_below(o, 10)) {
	case 0:
	case 1:
		gen_word(o, b);
		break;
	case 2:  /* AND */
		gen_word(o, b);
		gen_space(o, b);
		gen_word(o, b);
		break;
	case 3:  /* OR */
		gen_word(o, b);
		buf_puts(b, rnd_below(o, 4) == 0 ? " ＯＲ " : " OR ");
		gen_word(o, b);
		break;
	case 4:  /* phrase */
		buf_puts(b, rnd_below(o, 3) == 0 ? "「" : "\"");
		gen_word(o, b);
		gen_space(o, b);
		gen_word(o, b);
		buf_puts(b, strncmp(b->data, "「", 3) == 0 ? "」" : "\"");
		break;
	case 5:  /* exclusion */
		gen_word(o, b);
		gen_space(o, b);
		buf_puts(b, rnd_below(o, 4) == 0 ? "－" : "-");
		gen_word(o, b);
		break;
	case 6:  /* a AND (b OR c) */
		gen_word(o, b);
		gen_space(o, b);
		gen_word(o, b);
		buf_puts(b, " OR ");
		gen_word(o, b);
		break;
	case 7:  /* exclusion only: everything but */
		buf_puts(b, "-");
		gen_word(o, b);
		break;
	case 8:  /* a single character */
		buf_puts(b, pick_word(o));
		break;
	default: /* a longer mix */
		gen_word(o, b);
		gen_space(o, b);
		buf_puts(b, "\"");
		gen_word(o, b);
		buf_puts(b, " ");
		gen_word(o, b);
		buf_puts(b, "\" -");
		gen_word(o, b);
		buf_puts(b, " OR ");
		gen_word(o, b);
		break;
	}
	assert_false(b->oom);
}

/* ---- setup ---- */

static int
setup(void **state)
{
	char err[512];
	oracle_t *o = calloc(1, sizeof(*o));
	const char *env = getenv("TSUNAGU_ORACLE_SEED");

	log_set_quiet(true);
	if (o == NULL || (o->db = dbtest_open()) == NULL)
		return -1;
	o->schema = schema_load(".", "gunma", err, sizeof(err));
	if (o->schema == NULL || !schema_sync_terms(o->schema, o->db, ".", err, sizeof(err))) {
		print_error("schema: %s\n", err);
		return -1;
	}
	if (sqlite3_open(":memory:", &o->ref) != SQLITE_OK || search_register_tokenizer(o->ref) != SQLITE_OK ||
	    sqlite3_exec(o->ref, "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='tsunagu')", NULL, NULL,
	    NULL) != SQLITE_OK) {
		print_error("fts5: %s\n", sqlite3_errmsg(o->ref));
		return -1;
	}
	o->seed = env != NULL && *env != '\0' ? strtoull(env, NULL, 0) : SEED;
	if (o->seed == 0)
		o->seed = SEED;
	o->rng = o->seed;
	*state = o;
	return 0;
}

static int
teardown(void **state)
{
	oracle_t *o = *state;

	sqlite3_close(o->ref);
	search_reset();
	schema_free(o->schema);
	dbtest_close(o->db);
	free(o);
	return 0;
}

/* ---- the two sides ---- */

static void
csv_field(buf_t *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

static void
ref_exec(oracle_t *o, const char *sql, int64_t id, const char *title, const char *body)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(o->ref, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	if (title != NULL)
		sqlite3_bind_text(st, 2, title, -1, SQLITE_TRANSIENT);
	if (body != NULL)
		sqlite3_bind_text(st, 3, body, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		fail_msg("fts5: %s", sqlite3_errmsg(o->ref));
	sqlite3_finalize(st);
}

static bool
is_live(const oracle_t *o, int64_t id)
{
	int i;

	for (i = 0; i < o->nlive; i++)
		if (o->live[i] == id)
			return true;
	return false;
}

/* Copies the entities written since the last call into the FTS5 table, text exactly as stored. Not by
 * "id > the last one": SQLite hands the id of a deleted last row out again, which is worth testing. */
static void
mirror_new(oracle_t *o)
{
	db_stmt_t *st = db_prepare(o->db, "SELECT id, title, body FROM entities WHERE type = 'job' ORDER BY id");
	int rc;

	assert_non_null(st);
	assert_int_equal(sqlite3_exec(o->ref, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	o->newest = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t id = db_col_i64(st, 0);
		if (is_live(o, id))
			continue;
		ref_exec(o, "INSERT INTO t (rowid, title, body) VALUES (?1, ?2, ?3)", id, db_col_text(st, 1),
		    db_col_text(st, 2));
		assert_true(o->nlive < MAX_DOCS);
		o->live[o->nlive++] = id;
		o->newest = id;
	}
	db_done(st);
	assert_int_equal(rc, DB_DONE);
	assert_int_equal(sqlite3_exec(o->ref, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
}

/* Imports n random job offers through the CSV import and mirrors them. */
static void
add_docs(oracle_t *o, int n)
{
	buf_t csv = BUF_INIT, t = BUF_INIT;
	import_report_t rep;
	int i;

	buf_puts(&csv, HEADER);
	for (i = 0; i < n; i++) {
		buf_clear(&t);
		gen_text(o, &t, 5, 20);
		csv_field(&csv, t.data);
		buf_putc(&csv, ',');
		buf_clear(&t);
		gen_text(o, &t, 1, 6);
		csv_field(&csv, t.data);
		buf_putc(&csv, ',');
		buf_clear(&t);
		gen_text(o, &t, 20, 200);
		csv_field(&csv, t.data);
		buf_puts(&csv, ",07,seishain,10201,,E,,," LAW "\n");
	}
	assert_false(csv.oom);
	import_entities(o->db, o->schema, "job", IMPORT_CSV, csv.data, csv.len, false, NOW, &rep);
	if (rep.bad != 0)
		print_error("import (seed %#" PRIx64 "): %s\n", o->seed, rep.errors.data);
	assert_int_equal(rep.bad, 0);
	assert_int_equal(rep.written, n);
	buf_free(&rep.errors);
	buf_free(&csv);
	buf_free(&t);
	mirror_new(o);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The reference: rowids matching match (everything when empty) and not matching exclude (when not empty). */
static int
ref_ids(oracle_t *o, const char *match, const char *exclude, int64_t *ids)
{
	sqlite3_stmt *st;
	const char *sql;
	bool m = match[0] != '\0', x = exclude[0] != '\0';
	int n = 0, rc;

	if (m && x)
		sql = "SELECT rowid FROM t WHERE t MATCH ?1 AND rowid NOT IN (SELECT rowid FROM t WHERE t MATCH ?2)";
	else if (m)
		sql = "SELECT rowid FROM t WHERE t MATCH ?1";
	else
		sql = "SELECT rowid FROM t WHERE rowid NOT IN (SELECT rowid FROM t WHERE t MATCH ?2)";
	assert_int_equal(sqlite3_prepare_v2(o->ref, sql, -1, &st, NULL), SQLITE_OK);
	if (m)
		sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	if (x)
		sqlite3_bind_text(st, 2, exclude, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		assert_true(n < MAX_DOCS);
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE)
		fail_msg("fts5 MATCH %s / %s (seed %#" PRIx64 "): %s", match, exclude, o->seed, sqlite3_errmsg(o->ref));
	sqlite3_finalize(st);
	qsort(ids, (size_t)n, sizeof(int64_t), cmp_i64);
	return n;
}

static search_result_t
engine(oracle_t *o, arena_t *a, const char *q, int page)
{
	search_params_t p;
	search_result_t r;

	memset(&p, 0, sizeof(p));
	p.type = "job";
	p.q = q;
	p.sort = SORT_RELEVANCE;
	p.page = page;
	p.per_page = SEARCH_MAX_PER_PAGE;
	p.staff = true;
	p.facets = false;
	p.now = NOW;
	if (!search_run(o->db, a, &p, &r))
		fail_msg("search_run failed for %s (seed %#" PRIx64 ")", q, o->seed);
	return r;
}

static void
put_ids(buf_t *b, const int64_t *ids, int n)
{
	int i;

	buf_putc(b, '{');
	for (i = 0; i < n; i++)
		buf_printf(b, "%s%" PRId64, i > 0 ? "," : "", ids[i]);
	buf_putc(b, '}');
}

static bool
contains(const int64_t *ids, int n, int64_t id)
{
	return bsearch(&id, ids, (size_t)n, sizeof(int64_t), cmp_i64) != NULL;
}

/* The stored text of one entity, for a report. */
static void
put_doc(oracle_t *o, buf_t *b, int64_t id)
{
	db_stmt_t *st = db_prepare(o->db, "SELECT title, body FROM entities WHERE id = ?");

	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW)
		buf_printf(b, "\n    doc %" PRId64 ": title [%s] body [%s]", id, db_col_text(st, 0), db_col_text(st, 1));
	else
		buf_printf(b, "\n    doc %" PRId64 ": (deleted)", id);
	db_done(st);
}

/* Compares one query; false (and a description in report) when the sets differ. */
static bool
check_query(oracle_t *o, const char *q, buf_t *report)
{
	search_query_t sq;
	int64_t want[MAX_DOCS], got[MAX_DOCS], total;
	int nwant, ngot, i, page, shown = 0;
	arena_t a;
	search_result_t r;
	bool ok = true;

	assert_true(search_query_parse(q, strlen(q), &sq));
	arena_init(&a, 65536, 0);
	r = engine(o, &a, q, 1);
	if (sq.nwords == 0) {
		/* nothing searchable was typed: nothing is found */
		ok = r.total == 0 && r.nids == 0 && r.empty_query;
		if (!ok)
			buf_printf(report, "query [%s]: no searchable word, yet total %" PRId64 "\n", q, r.total);
		goto done;
	}
	o->checked++;
	nwant = ref_ids(o, sq.match.data != NULL ? sq.match.data : "", sq.exclude.data != NULL ? sq.exclude.data : "",
	    want);
	if (nwant > 0)
		o->nonempty++;
	/* every page, so that the whole set is compared */
	ngot = 0;
	for (page = 1;; page++) {
		assert_true(r.nids <= SEARCH_MAX_PER_PAGE && ngot + r.nids <= MAX_DOCS);
		memcpy(got + ngot, r.ids, sizeof(int64_t) * (size_t)r.nids);
		ngot += r.nids;
		if (r.nids < SEARCH_MAX_PER_PAGE || ngot >= r.total)
			break;
		total = r.total;
		r = engine(o, &a, q, page + 1);
		if (r.total != total) {
			buf_printf(report, "query [%s]: total %" PRId64 " on page 1, %" PRId64 " on page %d\n", q, total,
			    r.total, page + 1);
			ok = false;
			goto done;
		}
	}
	qsort(got, (size_t)ngot, sizeof(int64_t), cmp_i64);
	if (r.total != nwant || ngot != nwant)
		ok = false;
	for (i = 0; ok && i < ngot; i++)
		if (got[i] != want[i])
			ok = false;
	if (ok)
		goto done;
	buf_printf(report, "query [%s] (match [%s] exclude [%s]): FTS5 finds %d, the engine %" PRId64 " (%d listed)",
	    q, sq.match.data != NULL ? sq.match.data : "", sq.exclude.data != NULL ? sq.exclude.data : "", nwant, r.total,
	    ngot);
	if (nwant <= 30 && ngot <= 30) {
		buf_puts(report, "\n  expected ");
		put_ids(report, want, nwant);
		buf_puts(report, "\n  got      ");
		put_ids(report, got, ngot);
	}
	/* the first few documents on one side only */
	for (i = 0; i < nwant && shown < 3; i++)
		if (!contains(got, ngot, want[i])) {
			buf_puts(report, "\n  missing:");
			put_doc(o, report, want[i]);
			shown++;
		}
	for (i = 0; i < ngot && shown < 6; i++)
		if (!contains(want, nwant, got[i]) || (i > 0 && got[i] == got[i - 1])) {
			buf_puts(report, i > 0 && got[i] == got[i - 1] ? "\n  twice:" : "\n  extra:");
			put_doc(o, report, got[i]);
			shown++;
		}
	buf_putc(report, '\n');
done:
	arena_free(&a);
	search_query_free(&sq);
	return ok;
}

/* Runs n random queries; the number that differ (the first few described on stderr). */
static int
check_queries(oracle_t *o, int n, const char *when)
{
	buf_t q = BUF_INIT, report = BUF_INIT;
	int i, bad = 0;

	for (i = 0; i < n; i++) {
		gen_query(o, &q);
		buf_clear(&report);
		if (!check_query(o, q.data, &report)) {
			if (bad < MAX_REPORTS)  /* not print_error: cmocka cuts long messages */
				fprintf(stderr, "oracle mismatch %s (seed %#" PRIx64 ", query %d): %s", when, o->seed, i,
				    report.data);
			bad++;
		}
	}
	buf_free(&q);
	buf_free(&report);
	return bad;
}

/* Deletes an entity on both sides. */
static void
delete_doc(oracle_t *o, int64_t id)
{
	db_stmt_t *st = db_prepare(o->db, "DELETE FROM entities WHERE id = ?");
	int i;

	db_bind_i64(st, 1, id);
	assert_int_equal(db_run(st), DB_DONE);
	assert_int_equal(db_changes(o->db), 1);
	ref_exec(o, "DELETE FROM t WHERE rowid = ?1", id, NULL, NULL);
	for (i = 0; i < o->nlive; i++)
		if (o->live[i] == id) {
			o->live[i] = o->live[--o->nlive];
			break;
		}
}

static int64_t
import_one(oracle_t *o, const char *title, const char *company, const char *description)
{
	buf_t csv = BUF_INIT;
	import_report_t rep;

	buf_puts(&csv, HEADER);
	csv_field(&csv, title);
	buf_putc(&csv, ',');
	csv_field(&csv, company);
	buf_putc(&csv, ',');
	csv_field(&csv, description);
	buf_puts(&csv, ",07,seishain,10201,,E,,," LAW "\n");
	import_entities(o->db, o->schema, "job", IMPORT_CSV, csv.data, csv.len, false, NOW, &rep);
	assert_int_equal(rep.written, 1);
	buf_free(&rep.errors);
	buf_free(&csv);
	mirror_new(o);
	assert_true(o->newest > 0);
	return o->newest;
}

/* ---- tests ---- */

static void
test_oracle_random(void **state)
{
	oracle_t *o = *state;
	int bad;

	add_docs(o, NDOCS);
	bad = check_queries(o, NQUERIES, "after import");
	if (bad > 0)
		fail_msg("%d of %d queries differ from FTS5 (seed %#" PRIx64 ")", bad, NQUERIES, o->seed);
	/* the generator is not degenerate: most queries were compared and many found something */
	assert_true(o->checked >= NQUERIES * 3 / 4);
	assert_true(o->nonempty >= o->checked / 3);
}

/* Updates, deletes and inserts after the index was built: it follows search_log. */
static void
test_oracle_after_changes(void **state)
{
	oracle_t *o = *state;
	buf_t title = BUF_INIT, body = BUF_INIT;
	int round, i, bad = 0;

	add_docs(o, NDOCS);
	bad += check_queries(o, 20, "after import");  /* builds the index */
	for (round = 0; round < ROUNDS; round++) {
		for (i = 0; i < CHANGES; i++) {
			int k = rnd_below(o, o->nlive);
			int64_t id = o->live[k];
			db_stmt_t *st;

			if (rnd_below(o, 3) == 0) {
				delete_doc(o, id);
				continue;
			}
			buf_clear(&title);
			buf_clear(&body);
			gen_text(o, &title, 5, 20);
			gen_text(o, &body, 20, 200);
			st = db_prepare(o->db, "UPDATE entities SET title = ?, body = ? WHERE id = ?");
			db_bind_str(st, 1, title.data);
			db_bind_str(st, 2, body.data);
			db_bind_i64(st, 3, id);
			assert_int_equal(db_run(st), DB_DONE);
			assert_int_equal(db_changes(o->db), 1);
			ref_exec(o, "UPDATE t SET title = ?2, body = ?3 WHERE rowid = ?1", id, title.data, body.data);
		}
		add_docs(o, INSERTS);
		bad += check_queries(o, ROUND_QUERIES, "after changes");
	}
	/* a full rebuild from the database agrees as well */
	search_reset();
	bad += check_queries(o, ROUND_QUERIES, "after a rebuild");
	buf_free(&title);
	buf_free(&body);
	if (bad > 0)
		fail_msg("%d queries differ from FTS5 after changes (seed %#" PRIx64 ")", bad, o->seed);
	assert_true(o->nonempty >= o->checked / 3);
}

/* A word in one document's title ranks it above a document that has the word only in its body. */
static void
test_title_ranks_first(void **state)
{
	oracle_t *o = *state;
	int64_t in_title, in_body;
	arena_t a;
	search_result_t r;
	sqlite3_stmt *st;
	static const char *const queries[] = { "保育", "保", "保育 募集" };
	size_t i;

	add_docs(o, NDOCS);
	/* B after A: equal scores would list the higher id (B) first, so only the title weight puts A first */
	in_title = import_one(o, "保育スタッフ募集", "上州会", "園での仕事です。日々の業務を担当します。");
	in_body = import_one(o, "スタッフ募集です", "上州会", "保育園での仕事です。日々の業務を担当します。");
	arena_init(&a, 65536, 0);
	for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		r = engine(o, &a, queries[i], 1);
		assert_int_equal(r.total, 2);
		if (r.ids[0] != in_title || r.ids[1] != in_body)
			fail_msg("query [%s]: order %" PRId64 ",%" PRId64 "; expected the title hit %" PRId64 " first",
			    queries[i], r.ids[0], r.ids[1], in_title);
	}
	arena_free(&a);
	/* the reference agrees on the order */
	assert_int_equal(sqlite3_prepare_v2(o->ref, "SELECT rowid FROM t WHERE t MATCH '\"保育\"' ORDER BY bm25(t, 10.0, 1.0)",
	    -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), in_title);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), in_body);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* One small case: the titles are imported (company and description "x"), the query is compared, the
 * entities are deleted again. False when the two sides differ (described on stderr). */
static bool
check_case(oracle_t *o, const char *const *titles, int n, const char *q)
{
	buf_t report = BUF_INIT;
	int64_t ids[8];
	int i;
	bool ok;

	assert_true(n <= 8);
	for (i = 0; i < n; i++)
		ids[i] = import_one(o, titles[i], "x", "x");
	ok = check_query(o, q, &report);
	if (!ok)
		fprintf(stderr, "oracle mismatch in a fixed case: %s", report.data);
	for (i = 0; i < n; i++)
		delete_doc(o, ids[i]);
	buf_free(&report);
	return ok;
}

/* A CJK character followed by a combining mark (kept with it by the tokenizer) is one character to a
 * one-character prefix query, on both sides: the smallest known cases first, then random text. */
static void
test_oracle_combining_marks(void **state)
{
	static const struct {
		const char *titles[2];
		int         n;
		const char *q;
	} cases[] = {
		{ { "ｱﾞ営", "営ｱﾞ" }, 2, "ｱﾞ" },                                   /* 営ｱﾞ's trailing ア゙ hides ｱﾞ営 */
		{ { "営ｱﾞ", "アイ" }, 2, "ア" },                                     /* FTS5's ア* also matches ア゙ */
		{ { "IT アイ" }, 1, "ITｱﾞ" },                                        /* ア゙* must not match アイ */
		{ { "葛\xf3\xa0\x84\x80飾区", "東葛西" }, 2, "葛\xf3\xa0\x84\x80" },  /* 葛󠄀* must not match 葛西 */
		{ { "葛\xf3\xa0\x84\x80", "葛西" }, 2, "葛" },                      /* 葛* matches 葛󠄀 */
	};
	oracle_t *o = *state;
	size_t i;
	int bad = 0;

	add_docs(o, 20);  /* a few others around them */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!check_case(o, cases[i].titles, cases[i].n, cases[i].q))
			bad++;
	o->marks = true;
	add_docs(o, NDOCS);
	bad += check_queries(o, NQUERIES, "with combining marks");
	if (bad > 0)
		fail_msg("%d queries differ from FTS5 with combining marks (seed %#" PRIx64 ")", bad, o->seed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_oracle_random, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oracle_after_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_title_ranks_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oracle_combining_marks, setup, teardown),
	};

	return cmocka_run_group_tests_name("search_oracle", tests, NULL, NULL);
}
