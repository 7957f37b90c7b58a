/* test_antispam.c - spam protection of public forms (SEC05, B04; issue 5 item 2): signed proof-of-work
 * challenges (tampering, expiry, replay, difficulty), honeypot, the per-address rate limit (IPv6 by /64),
 * housekeeping, the settings, the partial template, and the hash check static/js/pow.js must agree with. */
#include "testutil.h"
#include "dbtest.h"

#include "auth/antispam.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/log.h"
#include "core/str.h"
#include "jobs/jobs.h"
#include "view/tmpl.h"
#include "view/value.h"

#define T0 1790000000 /* a fixed "now" */

static const antispam_policy_t test_policy = { 8, 1800, 1000, 600 };

static int
setup(void **state)
{
	db_t *db = dbtest_open();

	log_set_quiet(true);
	antispam_configure(&test_policy);
	*state = db;
	return db == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	dbtest_close(*state);
	return 0;
}

/* The smallest counter that solves token at difficulty d (the browser's job). */
static void
solve(const char *token, int d, char out[24])
{
	unsigned long n;

	for (n = 0; n < 100000000UL; n++) {
		snprintf(out, 24, "%lu", n);
		if (antispam_solution_ok(token, out, d))
			return;
	}
	fail_msg("no solution for %s", token);
}

/* A counter that does not solve token at difficulty d. */
static void
unsolve(const char *token, int d, char out[24])
{
	unsigned long n;

	for (n = 0; n < 1000; n++) {
		snprintf(out, 24, "%lu", n);
		if (!antispam_solution_ok(token, out, d))
			return;
	}
	fail_msg("every counter solves %s", token);
}

static antispam_verdict_t
check_at(db_t *db, const char *form, const char *token, const char *solution, const char *hp, const char *addr,
    int64_t now)
{
	antispam_input_t in = { form, token, solution, hp, addr };
	antispam_verdict_t v = ANTISPAM_ACCEPT;

	assert_true(antispam_check(db, &in, now, &v));
	return v;
}

/* A challenge for form at T0 and its solution. */
static void
fresh(const char *form, char token[ANTISPAM_TOKEN_MAX], char sol[24])
{
	assert_true(antispam_challenge(token, ANTISPAM_TOKEN_MAX, form, T0));
	solve(token, test_policy.difficulty, sol);
}

static int64_t
count_rows(db_t *db, const char *sql)
{
	db_stmt_t *st = db_prepare(db, sql);
	int64_t n;

	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	n = db_col_i64(st, 0);
	db_done(st);
	return n;
}

static void
test_round_trip(void **state)
{
	db_t *db = *state;
	char tok[ANTISPAM_TOKEN_MAX], tok2[ANTISPAM_TOKEN_MAX], sol[24];
	int dots = 0;

	fresh("contact", tok, sol);
	assert_true(str_has_prefix(tok, "v1.contact.1790000000.8."));
	for (const char *p = tok; *p; p++)
		dots += *p == '.';
	assert_int_equal(dots, 5);
	assert_true(strlen(tok) < 3 + 7 + 1 + 10 + 1 + 1 + 1 + 22 + 1 + 43 + 1);
	/* two challenges for the same form at the same second still differ (the nonce) */
	assert_true(antispam_challenge(tok2, sizeof(tok2), "contact", T0));
	assert_string_not_equal(tok, tok2);
	assert_int_equal(check_at(db, "contact", tok, sol, "", "192.0.2.1", T0 + 5), ANTISPAM_ACCEPT);
	assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM antispam_used"), 1);
	/* the stored value is a hash, not the token */
	{
		db_stmt_t *st = db_prepare(db, "SELECT COUNT(*) FROM antispam_used WHERE CAST(token_hash AS TEXT) = ?");
		db_bind_str(st, 1, tok);
		assert_int_equal(db_step(st), DB_ROW);
		assert_int_equal(db_col_i64(st, 0), 0);
		db_done(st);
	}
}

static void
test_bad_form_names(void **state)
{
	char tok[ANTISPAM_TOKEN_MAX];

	assert_false(antispam_challenge(tok, sizeof(tok), "", T0));
	assert_false(antispam_challenge(tok, sizeof(tok), "Contact", T0));
	assert_false(antispam_challenge(tok, sizeof(tok), "a.b", T0));
	assert_false(antispam_challenge(tok, sizeof(tok), "abcdefghijklmnopqrstuvwxyz0123456", T0)); /* 33 */
	assert_true(antispam_challenge(tok, sizeof(tok), "abcdefghijklmnopqrstuvwxyz-_0123", T0));   /* 32 */
	assert_false(antispam_challenge(tok, 40, "contact", T0));                                     /* too small */
	(void)state;
}

/* Replaces part i (0-based, '.'-separated) of token with repl. */
static void
replace_part(const char *token, int i, const char *repl, char out[ANTISPAM_TOKEN_MAX])
{
	const char *s = token, *e;
	int k;

	for (k = 0; k < i; k++)
		s = strchr(s, '.') + 1;
	e = strchr(s, '.');
	if (e == NULL)
		e = s + strlen(s);
	snprintf(out, ANTISPAM_TOKEN_MAX, "%.*s%s%s", (int)(s - token), token, repl, e);
}

/* Flips one character of part i to another of the same alphabet. */
static void
flip_part(const char *token, int i, char out[ANTISPAM_TOKEN_MAX])
{
	const char *s = token;
	char part[ANTISPAM_TOKEN_MAX];
	size_t n;
	int k;

	for (k = 0; k < i; k++)
		s = strchr(s, '.') + 1;
	n = strcspn(s, ".");
	snprintf(part, sizeof(part), "%.*s", (int)n, s);
	part[n / 2] = part[n / 2] == 'A' ? 'B' : part[n / 2] == '1' ? '2' : part[n / 2] == 'c' ? 'd' :
	    part[n / 2] == '0' ? '3' : 'A';
	replace_part(token, i, part, out);
}

static void
test_tampered_parts(void **state)
{
	db_t *db = *state;
	char tok[ANTISPAM_TOKEN_MAX], sol[24], bad[ANTISPAM_TOKEN_MAX], bsol[24];
	static const char *const swaps[][2] = {
		{ "0", "v2" }, { "1", "contacu" }, { "2", "1790000001" }, { "3", "1" }, { "3", "9" },
	};
	size_t i;
	int part;

	fresh("contact", tok, sol);
	/* each part changed, and the changed token even solved: the signature still gives it away */
	for (i = 0; i < sizeof(swaps) / sizeof(swaps[0]); i++) {
		replace_part(tok, swaps[i][0][0] - '0', swaps[i][1], bad);
		solve(bad, 9, bsol);
		assert_int_equal(check_at(db, "contact", bad, bsol, NULL, "192.0.2.2", T0), ANTISPAM_REJECT_BAD);
	}
	for (part = 0; part < 6; part++) {
		flip_part(tok, part, bad);
		assert_string_not_equal(bad, tok);
		solve(bad, 8, bsol);
		assert_int_equal(check_at(db, "contact", bad, bsol, NULL, "192.0.2.2", T0), ANTISPAM_REJECT_BAD);
	}
	/* shapes that are not a token at all */
	{
		char longer[ANTISPAM_TOKEN_MAX + 8];
		snprintf(longer, sizeof(longer), "%s.x", tok);
		assert_int_equal(check_at(db, "contact", longer, sol, NULL, "192.0.2.2", T0), ANTISPAM_REJECT_BAD);
	}
	snprintf(bad, sizeof(bad), "%.*s", (int)strlen(tok) - 1, tok);
	assert_int_equal(check_at(db, "contact", bad, sol, NULL, "192.0.2.2", T0), ANTISPAM_REJECT_BAD);
	assert_int_equal(check_at(db, "contact", "garbage", "1", NULL, "192.0.2.2", T0), ANTISPAM_REJECT_BAD);
	replace_part(tok, 3, "99", bad);
	assert_int_equal(check_at(db, "contact", bad, sol, NULL, "192.0.2.2", T0), ANTISPAM_REJECT_BAD);
	/* nothing of it was recorded as used, and the genuine token still works */
	assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM antispam_used"), 0);
	assert_int_equal(check_at(db, "contact", tok, sol, NULL, "192.0.2.2", T0), ANTISPAM_ACCEPT);
}

static void
test_wrong_form(void **state)
{
	char tok[ANTISPAM_TOKEN_MAX], sol[24];

	fresh("contact", tok, sol);
	assert_int_equal(check_at(*state, "register", tok, sol, NULL, "192.0.2.3", T0), ANTISPAM_REJECT_BAD);
	assert_int_equal(check_at(*state, "contact", tok, sol, NULL, "192.0.2.3", T0), ANTISPAM_ACCEPT);
}

static void
test_expiry(void **state)
{
	db_t *db = *state;
	char tok[ANTISPAM_TOKEN_MAX], sol[24];

	fresh("contact", tok, sol);
	assert_int_equal(check_at(db, "contact", tok, sol, NULL, "192.0.2.4", T0 + 1800 + 1), ANTISPAM_REJECT_EXPIRED);
	assert_int_equal(check_at(db, "contact", tok, sol, NULL, "192.0.2.4", T0 - ANTISPAM_SKEW_S - 1),
	    ANTISPAM_REJECT_EXPIRED);
	/* the edges are inside */
	assert_int_equal(check_at(db, "contact", tok, sol, NULL, "192.0.2.4", T0 + 1800), ANTISPAM_ACCEPT);
	fresh("contact", tok, sol);
	assert_int_equal(check_at(db, "contact", tok, sol, NULL, "192.0.2.4", T0 - ANTISPAM_SKEW_S), ANTISPAM_ACCEPT);
}

static void
test_replay(void **state)
{
	db_t *db = *state;
	char tok[ANTISPAM_TOKEN_MAX], sol[24], other[24];
	unsigned long n;

	fresh("contact", tok, sol);
	assert_int_equal(check_at(db, "contact", tok, sol, NULL, "192.0.2.5", T0), ANTISPAM_ACCEPT);
	assert_int_equal(check_at(db, "contact", tok, sol, NULL, "192.0.2.5", T0 + 1), ANTISPAM_REJECT_REPLAY);
	/* from elsewhere, and with another valid solution of the same token: still the same token */
	assert_int_equal(check_at(db, "contact", tok, sol, NULL, "198.51.100.7", T0 + 2), ANTISPAM_REJECT_REPLAY);
	for (n = strtoul(sol, NULL, 10) + 1;; n++) {
		snprintf(other, sizeof(other), "%lu", n);
		if (antispam_solution_ok(tok, other, 8))
			break;
	}
	assert_int_equal(check_at(db, "contact", tok, other, NULL, "192.0.2.5", T0 + 3), ANTISPAM_REJECT_REPLAY);
}

static void
test_honeypot(void **state)
{
	db_t *db = *state;
	char tok[ANTISPAM_TOKEN_MAX], sol[24];

	fresh("contact", tok, sol);
	assert_int_equal(check_at(db, "contact", tok, sol, "http://spam.example/", "192.0.2.6", T0),
	    ANTISPAM_REJECT_HONEYPOT);
	assert_int_equal(check_at(db, "contact", NULL, NULL, " ", "192.0.2.6", T0), ANTISPAM_REJECT_HONEYPOT);
	/* nothing stored: the token is not spent and the address not counted */
	assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM antispam_used"), 0);
	assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM antispam_rate"), 0);
	assert_null(antispam_message(ANTISPAM_REJECT_HONEYPOT));
	assert_int_equal(check_at(db, "contact", tok, sol, "", "192.0.2.6", T0), ANTISPAM_ACCEPT);
}

static void
test_hold_without_work(void **state)
{
	db_t *db = *state;
	char tok[ANTISPAM_TOKEN_MAX], sol[24];
	static const char *const nowork[] = { NULL, "", "abc", "1.5", "-1", " 12", "12345678901234567" };
	size_t i;

	fresh("contact", tok, sol);
	for (i = 0; i < sizeof(nowork) / sizeof(nowork[0]); i++)
		assert_int_equal(check_at(db, "contact", tok, nowork[i], NULL, "192.0.2.7", T0), ANTISPAM_HOLD);
	/* no token at all (a page without the partial, a script that stripped it) */
	assert_int_equal(check_at(db, "contact", NULL, sol, NULL, "192.0.2.7", T0), ANTISPAM_HOLD);
	assert_int_equal(check_at(db, "contact", "", sol, NULL, "192.0.2.7", T0), ANTISPAM_HOLD);
	/* holding does not spend the token */
	assert_int_equal(check_at(db, "contact", tok, sol, NULL, "192.0.2.7", T0), ANTISPAM_ACCEPT);
	assert_non_null(strstr(antispam_message(ANTISPAM_HOLD), "JavaScript"));
}

static void
test_too_few_bits(void **state)
{
	db_t *db = *state;
	char tok[ANTISPAM_TOKEN_MAX], sol[24], weak[24];

	fresh("contact", tok, sol);
	unsolve(tok, 8, weak);
	assert_int_equal(check_at(db, "contact", tok, weak, NULL, "192.0.2.8", T0), ANTISPAM_REJECT_BAD);
	assert_int_equal(check_at(db, "contact", tok, sol, NULL, "192.0.2.8", T0), ANTISPAM_ACCEPT);
}

static void
test_difficulty_raised(void **state)
{
	db_t *db = *state;
	char tok[ANTISPAM_TOKEN_MAX], sol[24];
	antispam_policy_t harder = test_policy;

	fresh("contact", tok, sol);
	harder.difficulty = 10;
	antispam_configure(&harder);
	/* issued under the old difficulty: stale, so the visitor sends again with a new challenge */
	assert_int_equal(check_at(db, "contact", tok, sol, NULL, "192.0.2.9", T0), ANTISPAM_REJECT_EXPIRED);
	assert_true(antispam_challenge(tok, sizeof(tok), "contact", T0));
	assert_true(str_has_prefix(tok, "v1.contact.1790000000.10."));
	solve(tok, 10, sol);
	assert_int_equal(check_at(db, "contact", tok, sol, NULL, "192.0.2.9", T0), ANTISPAM_ACCEPT);
	antispam_configure(&test_policy);
}

static void
test_rate_limit(void **state)
{
	db_t *db = *state;
	antispam_policy_t p = test_policy;
	int i;

	p.rate_max = 5;
	antispam_configure(&p);
	/* T0 is 200 s into its 600 s window; no earlier window has counts */
	for (i = 0; i < 5; i++)
		assert_int_equal(check_at(db, "contact", NULL, NULL, NULL, "203.0.113.5", T0 + i), ANTISPAM_HOLD);
	assert_int_equal(check_at(db, "contact", NULL, NULL, NULL, "203.0.113.5", T0 + 5), ANTISPAM_REJECT_RATE);
	assert_int_equal(check_at(db, "contact", NULL, NULL, NULL, "203.0.113.5", T0 + 6), ANTISPAM_REJECT_RATE);
	/* another address, another form of the same address: their own counts */
	assert_int_equal(check_at(db, "contact", NULL, NULL, NULL, "203.0.113.6", T0 + 6), ANTISPAM_HOLD);
	assert_int_equal(check_at(db, "register", NULL, NULL, NULL, "203.0.113.5", T0 + 6), ANTISPAM_HOLD);
	/* a rejected visitor sees a message; a valid challenge does not get past the limit either */
	{
		char tok[ANTISPAM_TOKEN_MAX], sol[24];
		fresh("contact", tok, sol);
		assert_int_equal(check_at(db, "contact", tok, sol, NULL, "203.0.113.5", T0 + 7), ANTISPAM_REJECT_RATE);
	}
	/* the window slides: just after the boundary most of the old window still counts, two windows on it is over */
	assert_int_equal(check_at(db, "contact", NULL, NULL, NULL, "203.0.113.5", T0 + 401), ANTISPAM_REJECT_RATE);
	assert_int_equal(check_at(db, "contact", NULL, NULL, NULL, "203.0.113.5", T0 + 400 + 600), ANTISPAM_HOLD);

	/* IPv6: one /64 is one visitor; the next /64 is another */
	for (i = 0; i < 3; i++)
		assert_int_equal(check_at(db, "contact", NULL, NULL, NULL, "2001:db8:1:2::1", T0), ANTISPAM_HOLD);
	assert_int_equal(check_at(db, "contact", NULL, NULL, NULL, "2001:db8:1:2:aaaa::9", T0), ANTISPAM_HOLD);
	assert_int_equal(check_at(db, "contact", NULL, NULL, NULL, "2001:0db8:0001:0002:ffff:ffff:ffff:ffff", T0),
	    ANTISPAM_HOLD);
	assert_int_equal(check_at(db, "contact", NULL, NULL, NULL, "2001:db8:1:2:1:2:3:4", T0), ANTISPAM_REJECT_RATE);
	assert_int_equal(check_at(db, "contact", NULL, NULL, NULL, "2001:db8:1:3::1", T0), ANTISPAM_HOLD);
	antispam_configure(&test_policy);
}

static void
test_addr_key(void **state)
{
	char k[64];

	antispam_addr_key("192.0.2.1", k);
	assert_string_equal(k, "192.0.2.1");
	antispam_addr_key("::ffff:192.0.2.1", k);
	assert_string_equal(k, "192.0.2.1");
	antispam_addr_key("2001:db8:1:2:3:4:5:6", k);
	assert_string_equal(k, "2001:db8:1:2::/64");
	antispam_addr_key("2001:DB8:0:0:1::1", k);
	assert_string_equal(k, "2001:db8::/64");
	antispam_addr_key("::1", k);
	assert_string_equal(k, "::/64");
	antispam_addr_key("a b<c>\n", k);
	assert_string_equal(k, "a_b_c__");
	antispam_addr_key(NULL, k);
	assert_string_equal(k, "");
	(void)state;
}

static void
test_prune(void **state)
{
	db_t *db = *state;
	char tok[ANTISPAM_TOKEN_MAX], sol[24];
	jobs_policy_t jp = { 1800, 12 * 3600, 3600, { { 0 } }, 0, 0 };

	fresh("contact", tok, sol);
	assert_int_equal(check_at(db, "contact", tok, sol, NULL, "192.0.2.10", T0), ANTISPAM_ACCEPT);
	assert_int_equal(check_at(db, "contact", NULL, NULL, NULL, "192.0.2.11", T0 - 600), ANTISPAM_HOLD);
	/* still needed: the token has not expired, the windows are the current and the previous one */
	assert_int_equal(antispam_prune(db, T0 + 10), 0);
	assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM antispam_used"), 1);
	assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM antispam_rate"), 2);
	/* one window later the older window goes */
	assert_int_equal(antispam_prune(db, T0 + 600), 1);
	/* the housekeeping round removes the rest once the token has expired */
	assert_true(jobs_housekeeping(db, T0 + 1800 + 1200, &jp) >= 2);
	assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM antispam_used"), 0);
	assert_int_equal(count_rows(db, "SELECT COUNT(*) FROM antispam_rate"), 0);
	/* and a pruned token is still refused: it has expired */
	assert_int_equal(check_at(db, "contact", tok, sol, NULL, "192.0.2.10", T0 + 1800 + 1200),
	    ANTISPAM_REJECT_EXPIRED);
}

static void
test_messages(void **state)
{
	antispam_verdict_t shown[] = { ANTISPAM_REJECT_RATE, ANTISPAM_REJECT_REPLAY, ANTISPAM_REJECT_EXPIRED,
	    ANTISPAM_REJECT_BAD, ANTISPAM_HOLD };
	size_t i;

	for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		const char *m = antispam_message(shown[i]);
		assert_non_null(m);
		assert_true(str_utf8_valid(m, strlen(m), false));
		assert_non_null(strstr(m, "。"));
	}
	assert_non_null(strstr(antispam_message(ANTISPAM_REJECT_EXPIRED), "入力内容はそのまま"));
	assert_null(antispam_message(ANTISPAM_ACCEPT));
	assert_string_equal(antispam_verdict_name(ANTISPAM_REJECT_REPLAY), "replay");
	assert_string_equal(antispam_verdict_name(ANTISPAM_HOLD), "hold");
	(void)state;
}

static void
test_configure_and_settings(void **state)
{
	antispam_policy_t silly = { 0, 5, 0, 0 };
	config_t c;
	char err[256];

	antispam_configure(&silly); /* every value out of range: nothing changes */
	assert_int_equal(antispam_policy()->difficulty, test_policy.difficulty);
	assert_int_equal(antispam_policy()->ttl_s, test_policy.ttl_s);
	assert_int_equal(antispam_policy()->rate_max, test_policy.rate_max);
	assert_int_equal(antispam_policy()->rate_window_s, test_policy.rate_window_s);
	silly.difficulty = ANTISPAM_DIFFICULTY_MAX + 1;
	antispam_configure(&silly);
	assert_int_equal(antispam_policy()->difficulty, test_policy.difficulty);

	/* [antispam] in the settings file: the module's defaults, range-checked keys */
	config_defaults(&c);
	assert_int_equal(c.antispam_difficulty, ANTISPAM_DEFAULT_DIFFICULTY);
	assert_int_equal(c.antispam_ttl_s, ANTISPAM_DEFAULT_TTL_S);
	assert_int_equal(c.antispam_rate_max, ANTISPAM_DEFAULT_RATE_MAX);
	assert_int_equal(c.antispam_rate_window_s, ANTISPAM_DEFAULT_WINDOW_S);
	assert_true(config_set(&c, "antispam", "pow_difficulty", "18", err, sizeof(err)));
	assert_int_equal(c.antispam_difficulty, 18);
	assert_false(config_set(&c, "antispam", "pow_difficulty", "29", err, sizeof(err)));
	assert_false(config_set(&c, "antispam", "pow_difficulty", "0", err, sizeof(err)));
	assert_true(config_set(&c, "antispam", "pow_ttl_s", "3600", err, sizeof(err)));
	assert_true(config_set(&c, "antispam", "rate_max", "10", err, sizeof(err)));
	assert_true(config_set(&c, "antispam", "rate_window_s", "300", err, sizeof(err)));
	assert_int_equal(c.antispam_rate_window_s, 300);
	assert_false(config_set(&c, "antispam", "rate_window_s", "5", err, sizeof(err)));
	(void)state;
}

/* Fixed pairs that tests/e2e/pow-agree.test.mjs solves with both engines of static/js/pow.js: the C check,
 * Python's hashlib (which found them) and the script agree on the smallest counter and the exact count of
 * zero bits. The first token's "token:" fits one final block, the second's spills into a second. */
#define AGREE_TOKEN1 "v1.agree.1790000000.12.AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
#define AGREE_TOKEN2 "v1.agree-test_with-32-characters.1790000000.12.AAAAAAAAAAAAAAAAAAAAAA." \
	"BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"

static void
test_agrees_with_pow_js(void **state)
{
	char sol[24];

	assert_true(antispam_solution_ok(AGREE_TOKEN1, "21242", 15));
	assert_false(antispam_solution_ok(AGREE_TOKEN1, "21242", 16));
	assert_false(antispam_solution_ok(AGREE_TOKEN1, "21241", 1));
	solve(AGREE_TOKEN1, 12, sol);
	assert_string_equal(sol, "21242");
	assert_true(antispam_solution_ok(AGREE_TOKEN2, "6256", 12));
	assert_false(antispam_solution_ok(AGREE_TOKEN2, "6256", 13));
	assert_false(antispam_solution_ok(AGREE_TOKEN2, "6255", 2));
	solve(AGREE_TOKEN2, 12, sol);
	assert_string_equal(sol, "6256");
	/* the counter is hashed as sent: a leading zero is another message */
	assert_false(antispam_solution_ok(AGREE_TOKEN2, "06256", 12));
	(void)state;
}

static void
test_partial_template(void **state)
{
	const char *root = getenv("TSUNAGU_ROOT");
	char dir[512], err[512] = "";
	const char *page = "<form method=\"post\">{{> partials/antispam }}</form>";
	tmpl_set_t *set;
	arena_t A;
	tv_t *ctx, *m;
	buf_t out = BUF_INIT;

	snprintf(dir, sizeof(dir), "%s/templates", access("templates", R_OK) == 0 || root == NULL ? "." : root);
	set = tmpl_set_load(dir, err, sizeof(err));
	assert_non_null(set);
	assert_true(tmpl_set_add(set, "t", page, strlen(page), err, sizeof(err)));
	assert_true(tmpl_set_link(set, err, sizeof(err)));
	arena_init(&A, 0, 0);
	ctx = tv_map(&A);
	m = tv_map(&A);
	tv_set_str(&A, m, "form", "contact");
	tv_set_str(&A, m, "token", "v1.contact.1.8.x.y");
	tv_set_str(&A, m, "token_field", ANTISPAM_FIELD_TOKEN);
	tv_set_str(&A, m, "solution_field", ANTISPAM_FIELD_SOLUTION);
	tv_set_str(&A, m, "honeypot_field", ANTISPAM_FIELD_HONEYPOT);
	tv_set_str(&A, ctx, "static_v", "abc");
	tv_set(&A, ctx, "antispam", m);
	assert_true(tmpl_render(set, "t", ctx, NULL, NULL, &out));
	assert_non_null(strstr(out.data, "<input type=\"hidden\" name=\"as_token\" value=\"v1.contact.1.8.x.y\" data-pow-token>"));
	assert_non_null(strstr(out.data, "<input type=\"hidden\" name=\"as_pow\" value=\"\" data-pow-solution>"));
	assert_non_null(strstr(out.data, "<label for=\"hp-contact\">この欄は空のままにしてください</label>"));
	assert_non_null(strstr(out.data, "id=\"hp-contact\" name=\"website\" value=\"\" tabindex=\"-1\" autocomplete=\"off\""));
	assert_non_null(strstr(out.data, "role=\"status\" data-pow-status"));
	assert_non_null(strstr(out.data, "<script src=\"/static/js/pow.js?v=abc\" defer></script>"));
	/* a page whose handler did not ask for protection gets nothing */
	buf_clear(&out);
	assert_true(tmpl_render(set, "t", tv_map(&A), NULL, NULL, &out));
	assert_null(strstr(out.data, "input"));
	buf_free(&out);
	arena_free(&A);
	tmpl_set_free(set);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_form_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tampered_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_form, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_honeypot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_without_work, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_few_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_difficulty_raised, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addr_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune, setup, teardown),
		cmocka_unit_test_setup_teardown(test_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_configure_and_settings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agrees_with_pow_js, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_template, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
