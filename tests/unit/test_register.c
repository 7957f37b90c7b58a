/* test_register.c - member registration, password reset and the seeker profile without HTTP (issue 5 items
 * 3, 4, 7; G11, G12, G21, SEC04): tokens and their hashes, login IDs, every field check, the JSON the
 * pending registration keeps, registration → confirmation → account in one transaction, duplicate
 * addresses, reset links (single use, one hour, sessions ended) and the profile round trip. */
#include "testutil.h"
#include "dbtest.h"

#include "auth/account.h"
#include "auth/session.h"
#include "content/schema.h"
#include "core/jtime.h"
#include "core/log.h"
#include "member/member.h"

#include <regex.h>

#define T0 1790000000 /* 2026-09-21 */
#define PW "Haruna-Akagi-2026"

typedef struct fixture {
	db_t     *db;
	schema_t *s;
} fixture_t;

static const member_site_t site = {
	"ぐんまジョブナビ", "https://job.example.jp/register/confirm?token=", "https://job.example.jp/login",
	"https://job.example.jp/password/forgot",
};
static const member_site_t reset_site = {
	"ぐんまジョブナビ", "https://job.example.jp/password/reset?token=", "https://job.example.jp/login",
	"https://job.example.jp/password/forgot",
};

static int
setup(void **state)
{
	fixture_t *f = calloc(1, sizeof(*f));
	char err[512];

	log_set_quiet(true);
	if (f == NULL || (f->db = dbtest_open()) == NULL)
		return -1;
	f->s = schema_load(".", "gunma", err, sizeof(err));
	if (f->s == NULL || !schema_sync_terms(f->s, f->db, ".", err, sizeof(err))) {
		fprintf(stderr, "schema: %s\n", err);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture_t *f = *state;

	schema_free(f->s);
	dbtest_close(f->db);
	free(f);
	return 0;
}

static bool
matches(const char *s, const char *re)
{
	regex_t rx;
	bool ok;

	assert_int_equal(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
	ok = regexec(&rx, s, 0, NULL, 0) == 0;
	regfree(&rx);
	return ok;
}

static int64_t
count(db_t *db, const char *sql)
{
	db_stmt_t *st = db_prepare(db, sql);
	int64_t n = -1;

	assert_non_null(st);
	if (db_step(st) == DB_ROW)
		n = db_col_i64(st, 0);
	db_done(st);
	return n;
}

/* The body of the newest outbox row to addr with a subject containing subj (malloc'd), or NULL. */
static char *
last_mail(db_t *db, const char *addr, const char *subj)
{
	db_stmt_t *st = db_prepare(db, "SELECT body FROM outbox WHERE to_addr = ? AND instr(subject, ?) > 0 ORDER BY id DESC LIMIT 1");
	char *body = NULL;

	assert_non_null(st);
	db_bind_str(st, 1, addr);
	db_bind_str(st, 2, subj);
	if (db_step(st) == DB_ROW)
		body = strdup(db_col_text(st, 0));
	db_done(st);
	return body;
}

/* The token after "token=" in a mail body, into out. */
static void
token_of(const char *body, char out[MEMBER_TOKEN_LEN + 1])
{
	const char *p = strstr(body, "token=");

	assert_non_null(p);
	memcpy(out, p + 6, MEMBER_TOKEN_LEN);
	out[MEMBER_TOKEN_LEN] = '\0';
}

static void
seeker_values(member_form_t *f, const char *email)
{
	member_form_init(f, MEMBER_SEEKER_REG);
	f->values[member_form_index(f, "email")] = email;
	f->values[member_form_index(f, "name")] = "高崎 花子";
	f->values[member_form_index(f, "kana")] = "たかさき はなこ";
	f->values[member_form_index(f, "birth_date")] = "2004-05-06";
	f->values[member_form_index(f, "phone")] = "027-123-4567";
	f->values[member_form_index(f, "graduation")] = "2027-03";
	f->values[member_form_index(f, "target")] = "shinsotsu";
	f->values[member_form_index(f, "wishes")] = "事務職\n高崎市内";
	f->values[member_form_index(f, "mail_ok")] = "1";
}

static void
test_token(void **state)
{
	char a[MEMBER_TOKEN_LEN + 1], b[MEMBER_TOKEN_LEN + 1], bad[MEMBER_TOKEN_LEN + 2];
	unsigned char ha[32], hb[32], h[32];

	(void)state;
	member_token_new(a, ha);
	member_token_new(b, hb);
	assert_int_equal(strlen(a), MEMBER_TOKEN_LEN);
	assert_true(matches(a, "^[A-Za-z0-9_-]{43}$"));
	assert_string_not_equal(a, b);
	assert_true(member_token_hash(a, h));
	assert_memory_equal(h, ha, 32);
	assert_memory_not_equal(ha, hb, 32);
	/* what a link may not carry */
	assert_false(member_token_hash(NULL, h));
	assert_false(member_token_hash("", h));
	assert_false(member_token_hash("abc", h));
	memcpy(bad, a, sizeof(a));
	bad[5] = '+';
	assert_false(member_token_hash(bad, h));
	bad[5] = '/';
	assert_false(member_token_hash(bad, h));
	memcpy(bad, a, MEMBER_TOKEN_LEN);
	bad[MEMBER_TOKEN_LEN] = 'A';
	bad[MEMBER_TOKEN_LEN + 1] = '\0';
	assert_false(member_token_hash(bad, h));
}

static void
test_login_ids(void **state)
{
	fixture_t *fx = *state;
	char ids[50][MEMBER_LOGIN_LEN + 1];
	int i, j;

	for (i = 0; i < 50; i++) {
		assert_true(member_login_new(fx->db, i % 2 ? 'C' : 'J', ids[i]));
		assert_true(matches(ids[i], i % 2 ? "^C[1-9][0-9]{7}$" : "^J[1-9][0-9]{7}$"));
		assert_true(account_login_valid(ids[i]));
		for (j = 0; j < i; j++)
			assert_string_not_equal(ids[i], ids[j]);
	}
}

/* One field set to value in an otherwise valid seeker registration: the check's verdict and message. */
static bool
check_one(db_t *db, const char *field, const char *value, char *msg, size_t msglen)
{
	member_form_t f;
	bool ok;
	int i;

	seeker_values(&f, "hanako@example.jp");
	i = member_form_index(&f, field);
	assert_true(i >= 0);
	f.values[i] = value;
	ok = member_form_check(db, &f, T0);
	if (msg != NULL)
		str_copy(msg, msglen, f.errors[i]);
	for (int k = 0; k < f.n; k++)
		if (k != i)
			assert_string_equal(f.errors[k], "");
	return ok;
}

static void
test_field_checks(void **state)
{
	fixture_t *fx = *state;
	db_t *db = fx->db;
	char msg[MEMBER_ERR_MAX];
	member_form_t f;

	seeker_values(&f, "hanako@example.jp");
	assert_true(member_form_check(db, &f, T0));

	/* kana: hiragana or katakana, spaces (also the full-width one), the long vowel mark */
	assert_true(check_one(db, "kana", "タカサキ　ハナコ", NULL, 0));
	assert_true(check_one(db, "kana", "らーめん・たろう", NULL, 0));
	assert_false(check_one(db, "kana", "Hanako", msg, sizeof(msg)));
	assert_non_null(strstr(msg, "ひらがなまたはカタカナ"));
	assert_false(check_one(db, "kana", "高崎", NULL, 0));
	assert_false(check_one(db, "kana", "ﾀｶｻｷ", NULL, 0)); /* half-width katakana */
	/* a real date, not in the future */
	assert_true(check_one(db, "birth_date", "2004-02-29", NULL, 0));
	assert_false(check_one(db, "birth_date", "2003-02-29", msg, sizeof(msg)));
	assert_non_null(strstr(msg, "実在する日付"));
	assert_false(check_one(db, "birth_date", "2003-4-1", NULL, 0));
	assert_false(check_one(db, "birth_date", "2030-01-01", NULL, 0));
	assert_false(check_one(db, "birth_date", "1899-12-31", NULL, 0));
	/* phone: digits and single hyphens, 10 or 11 digits */
	assert_true(check_one(db, "phone", "0271234567", NULL, 0));
	assert_true(check_one(db, "phone", "090-1234-5678", NULL, 0));
	assert_false(check_one(db, "phone", "027--123-4567", NULL, 0));
	assert_false(check_one(db, "phone", "-027-123-4567", NULL, 0));
	assert_false(check_one(db, "phone", "027-123-4567-", NULL, 0));
	assert_false(check_one(db, "phone", "027-ABC", NULL, 0));
	assert_false(check_one(db, "phone", "12345", NULL, 0));
	assert_false(check_one(db, "phone", "０２７-１２３-４５６７", NULL, 0));
	/* postal code */
	assert_true(check_one(db, "postal_code", "371-0026", NULL, 0));
	assert_true(check_one(db, "postal_code", "3710026", NULL, 0));
	assert_false(check_one(db, "postal_code", "371-002", NULL, 0));
	assert_false(check_one(db, "postal_code", "3710-026", NULL, 0));
	/* graduation YYYY-MM */
	assert_true(check_one(db, "graduation", "2026-12", NULL, 0));
	assert_false(check_one(db, "graduation", "2027-13", NULL, 0));
	assert_false(check_one(db, "graduation", "2027-00", NULL, 0));
	assert_false(check_one(db, "graduation", "2027-3", NULL, 0));
	assert_false(check_one(db, "graduation", "1800-03", NULL, 0));
	/* target: a code of the vocabulary "target" */
	assert_true(check_one(db, "target", "kisotsu", NULL, 0));
	assert_false(check_one(db, "target", "nosuch", msg, sizeof(msg)));
	assert_non_null(strstr(msg, "一覧から選んで"));
	assert_false(check_one(db, "target", "", msg, sizeof(msg)));
	assert_non_null(strstr(msg, "を選んでください"));
	/* required, lengths in characters */
	assert_false(check_one(db, "name", NULL, msg, sizeof(msg)));
	assert_string_equal(msg, "「氏名」を入力してください。");
	assert_true(check_one(db, "name", "群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬", NULL, 0));
	assert_false(check_one(db, "name", "群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群馬群", msg, sizeof(msg)));
	assert_non_null(strstr(msg, "50文字以内"));
	assert_true(check_one(db, "phone", NULL, NULL, 0)); /* optional */
	/* SEC04: CR/LF (or any control character) never in a one-line field; newlines fine in a long one */
	assert_false(check_one(db, "name", "太郎\r\nBcc: victim@example.org", msg, sizeof(msg)));
	assert_non_null(strstr(msg, "使えない文字"));
	assert_false(check_one(db, "email", "a@example.jp\r\nBcc: victim@example.org", msg, sizeof(msg)));
	assert_non_null(strstr(msg, "使えない文字"));
	assert_false(check_one(db, "email", "a@example.jp\nBcc:v@example.org", NULL, 0));
	assert_false(check_one(db, "school", "大学\x01", NULL, 0));
	assert_false(check_one(db, "email", "a b@example.jp", NULL, 0));
	assert_false(check_one(db, "email", "\"a\"@example.jp", NULL, 0));
	assert_false(check_one(db, "name", "\xff\xfe", NULL, 0)); /* not UTF-8 */
	assert_true(check_one(db, "wishes", "一行目\r\n二行目", NULL, 0));
	assert_false(check_one(db, "mail_ok", "yes", NULL, 0));
	assert_true(check_one(db, "mail_ok", NULL, NULL, 0));
}

static void
test_company_form(void **state)
{
	fixture_t *fx = *state;
	member_form_t f;

	member_form_init(&f, MEMBER_COMPANY_REG);
	assert_false(member_form_check(fx->db, &f, T0));
	assert_string_equal(f.errors[member_form_index(&f, "municipality")], "「所在地（市町村）」を選んでください。");
	assert_string_equal(f.errors[member_form_index(&f, "name")], "「企業名」を入力してください。");
	assert_string_equal(f.errors[member_form_index(&f, "name_kana")], ""); /* optional */
	assert_int_equal(member_form_index(&f, "nosuch"), -1);
	/* the reset request form: one address, checked without the database */
	member_form_init(&f, MEMBER_FORGOT);
	assert_int_equal(f.n, 1);
	f.values[0] = "taro@example.jp\r\nBcc: v@example.org";
	assert_false(member_form_check(NULL, &f, T0));
	f.values[0] = "taro@example.jp";
	assert_true(member_form_check(NULL, &f, T0));
	assert_string_equal(member_form_value(&f, "nosuch"), "");
}

static void
test_json_roundtrip(void **state)
{
	member_form_t f, g;
	arena_t A;
	char *json;
	int i;

	(void)state;
	arena_init(&A, 1024, 64 * 1024);
	seeker_values(&f, "hanako@example.jp");
	f.values[member_form_index(&f, "name")] = "\"引用\" <b>&amp;</b>";
	json = member_form_json(&f);
	assert_non_null(json);
	member_form_init(&g, MEMBER_SEEKER_REG);
	assert_true(member_form_from_json(&g, json, &A));
	for (i = 0; i < f.n; i++)
		assert_string_equal(member_form_value(&f, f.defs[i].name), member_form_value(&g, g.defs[i].name));
	free(json);
	/* unknown keys ignored, non-strings dropped, a non-object refused */
	member_form_init(&g, MEMBER_SEEKER_REG);
	assert_true(member_form_from_json(&g, "{\"name\":\"x\",\"role\":\"staff\",\"kana\":5}", &A));
	assert_string_equal(member_form_value(&g, "name"), "x");
	assert_string_equal(member_form_value(&g, "kana"), "");
	assert_false(member_form_from_json(&g, "[1]", &A));
	assert_false(member_form_from_json(&g, "{", &A));
	arena_free(&A);
}

static void
test_seeker_registration(void **state)
{
	fixture_t *fx = *state;
	db_t *db = fx->db;
	member_form_t f;
	member_reg_outcome_t out;
	member_reg_t reg;
	member_link_t link;
	int64_t reg_id;
	char token[MEMBER_TOKEN_LEN + 1], err[512], *body;

	seeker_values(&f, "hanako@example.jp");
	assert_true(member_form_check(db, &f, T0));
	assert_true(member_register(db, &f, false, "192.0.2.1", &site, T0, &out, &reg_id));
	assert_int_equal(out, MEMBER_REG_SENT);
	assert_true(reg_id > 0);
	body = last_mail(db, "hanako@example.jp", "メールアドレスの確認");
	assert_non_null(body);
	assert_non_null(strstr(body, "https://job.example.jp/register/confirm?token="));
	token_of(body, token);
	free(body);
	/* the table keeps the token's hash, never the token */
	{
		unsigned char h[32];
		db_stmt_t *st = db_prepare(db, "SELECT COUNT(*) FROM registrations WHERE token_hash = ? AND instr(form_json, ?) = 0 "
		    "AND instr(CAST(token_hash AS TEXT), ?) = 0");
		assert_true(member_token_hash(token, h));
		db_bind_blob(st, 1, h, sizeof(h));
		db_bind_str(st, 2, token);
		db_bind_str(st, 3, token);
		assert_int_equal(db_step(st), DB_ROW);
		assert_int_equal(db_col_i64(st, 0), 1);
		db_done(st);
	}

	assert_int_equal(member_register_lookup(db, token, T0, &reg), MEMBER_LINK_OK);
	assert_string_equal(reg.kind, "seeker");
	assert_true(matches(reg.login, "^J[0-9]{8}$"));
	assert_int_equal(member_register_lookup(db, token, T0 + MEMBER_REG_TTL_S, &reg), MEMBER_LINK_EXPIRED);
	assert_int_equal(member_register_lookup(db, "A234567890123456789012345678901234567890123", T0, &reg), MEMBER_LINK_UNKNOWN);

	/* the password policy applies; nothing is created on a refusal */
	assert_false(member_register_complete(db, fx->s, token, "short", "192.0.2.1", &site, T0 + 60, &link, &reg, err, sizeof(err)));
	assert_int_equal(link, MEMBER_LINK_OK);
	assert_non_null(strstr(err, "12文字"));
	assert_int_equal(count(db, "SELECT COUNT(*) FROM accounts WHERE kind = 'seeker'"), 0);

	assert_true(member_register_complete(db, fx->s, token, PW, "192.0.2.1", &site, T0 + 60, &link, &reg, err, sizeof(err)));
	/* the name and kana are sealed (SEC06): not in clear in seekers nor copied into the account */
	assert_int_equal(count(db, "SELECT COUNT(*) FROM accounts a JOIN seekers s ON s.account_id = a.id "
	    "WHERE a.kind = 'seeker' AND a.display_name = '' AND s.sealed = 1 AND typeof(s.name) = 'blob' "
	    "AND s.kana <> 'たかさき はなこ' AND s.target = 'shinsotsu' "
	    "AND s.wishes = '事務職' || char(10) || '高崎市内' AND s.mail_ok = 1 AND s.held = 0"), 1);
	{
		member_form_t g;
		arena_t A;
		arena_init(&A, 4096, 1 << 20);
		assert_true(member_seeker_load(db, count(db, "SELECT account_id FROM seekers"), &g, &A));
		assert_string_equal(member_form_value(&g, "name"), "高崎 花子");
		assert_string_equal(member_form_value(&g, "kana"), "たかさき はなこ");
		arena_free(&A);
	}
	assert_int_equal(count(db, "SELECT COUNT(*) FROM registrations WHERE used_at IS NOT NULL AND form_json = '{}' AND account_id IS NOT NULL"), 1);
	body = last_mail(db, "hanako@example.jp", "ログインIDのお知らせ");
	assert_non_null(body);
	assert_non_null(strstr(body, reg.login));
	assert_null(strstr(body, PW));
	free(body);
	/* the account logs in with the ID and the password */
	{
		login_policy_t p = { 5, 900 };
		account_t acc;
		assert_int_equal(account_login(db, reg.login, PW, "192.0.2.1", T0 + 120, &p, &acc), LOGIN_OK);
		assert_string_equal(acc.kind, "seeker");
	}
	/* the link is single use */
	assert_int_equal(member_register_lookup(db, token, T0 + 120, &reg), MEMBER_LINK_USED);
	assert_false(member_register_complete(db, fx->s, token, PW, "192.0.2.1", &site, T0 + 120, &link, &reg, err, sizeof(err)));
	assert_int_equal(link, MEMBER_LINK_USED);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM accounts WHERE kind = 'seeker'"), 1);
	assert_true(count(db, "SELECT COUNT(*) FROM audit_log WHERE action IN ('register.request', 'register.complete')") >= 2);

	/* the same address again: no registration, a mail saying it is registered */
	seeker_values(&f, "HANAKO@example.jp");
	assert_true(member_register(db, &f, false, "192.0.2.1", &site, T0 + 200, &out, &reg_id));
	assert_int_equal(out, MEMBER_REG_DUPLICATE);
	assert_int_equal(reg_id, 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM registrations"), 1);
	body = last_mail(db, "HANAKO@example.jp", "お申し込みについて");
	assert_non_null(body);
	assert_non_null(strstr(body, "すでに登録されています"));
	assert_null(strstr(body, "token="));
	free(body);
}

static void
test_held_and_race(void **state)
{
	fixture_t *fx = *state;
	db_t *db = fx->db;
	member_form_t f;
	member_reg_outcome_t out;
	member_reg_t reg;
	member_link_t link;
	int64_t id1, id2;
	char t1[MEMBER_TOKEN_LEN + 1], t2[MEMBER_TOKEN_LEN + 1], err[512], *body;

	/* two pending registrations of one address: the first completed wins, the second is refused */
	seeker_values(&f, "twice@example.jp");
	assert_true(member_register(db, &f, true, "192.0.2.1", &site, T0, &out, &id1));
	body = last_mail(db, "twice@example.jp", "確認");
	token_of(body, t1);
	free(body);
	assert_true(member_register(db, &f, false, "192.0.2.1", &site, T0 + 1, &out, &id2));
	body = last_mail(db, "twice@example.jp", "確認");
	token_of(body, t2);
	free(body);
	assert_string_not_equal(t1, t2);
	/* housekeeping keeps what is still valid */
	assert_int_equal(member_prune(db, T0 + 10), 0);
	assert_true(member_register_complete(db, fx->s, t1, PW, "192.0.2.1", &site, T0 + 5, &link, &reg, err, sizeof(err)));
	assert_true(reg.held);
	assert_int_equal(count(db, "SELECT held FROM seekers"), 1);
	assert_false(member_register_complete(db, fx->s, t2, PW, "192.0.2.1", &site, T0 + 6, &link, &reg, err, sizeof(err)));
	assert_non_null(strstr(err, "すでに登録されています"));
	assert_int_equal(count(db, "SELECT COUNT(*) FROM accounts WHERE kind = 'seeker'"), 1);
	/* once expired, the unconfirmed registration (and the personal data it holds) goes; the used one stays */
	assert_int_equal(member_prune(db, T0 + 1 + MEMBER_REG_TTL_S + 1), 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM registrations WHERE used_at IS NOT NULL"), 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM registrations"), 1);
}

static void
test_company_registration(void **state)
{
	fixture_t *fx = *state;
	db_t *db = fx->db;
	member_form_t f;
	member_reg_outcome_t out;
	member_reg_t reg;
	member_link_t link;
	int64_t id;
	char token[MEMBER_TOKEN_LEN + 1], err[512], *body;

	member_form_init(&f, MEMBER_COMPANY_REG);
	f.values[member_form_index(&f, "email")] = "jinji@example.co.jp";
	f.values[member_form_index(&f, "name")] = "つなぐ精機株式会社";
	f.values[member_form_index(&f, "representative")] = "代表取締役 赤城 一郎";
	f.values[member_form_index(&f, "municipality")] = "10201";
	f.values[member_form_index(&f, "address")] = "前橋市大手町1-1-1";
	f.values[member_form_index(&f, "phone")] = "027-223-1111";
	f.values[member_form_index(&f, "industry")] = "E";
	f.values[member_form_index(&f, "business")] = "精密部品の製造";
	f.values[member_form_index(&f, "contact")] = "人事部 榛名 花子";
	if (!member_form_check(db, &f, T0)) {
		for (int i = 0; i < f.n; i++)
			if (f.errors[i][0])
				fprintf(stderr, "%s\n", f.errors[i]);
		fail();
	}
	assert_true(member_register(db, &f, false, "192.0.2.1", &site, T0, &out, &id));
	body = last_mail(db, "jinji@example.co.jp", "企業登録");
	assert_non_null(body);
	token_of(body, token);
	free(body);
	assert_true(member_register_complete(db, fx->s, token, PW, "192.0.2.1", &site, T0 + 60, &link, &reg, err, sizeof(err)));
	assert_true(matches(reg.login, "^C[0-9]{8}$"));
	assert_int_equal(count(db, "SELECT COUNT(*) FROM company_accounts c JOIN accounts a ON a.id = c.account_id "
	    "JOIN entities e ON e.id = c.entity_id WHERE a.kind = 'company' AND e.type = 'company' AND e.status = 'draft' "
	    "AND e.owner_id = a.id "
	    "AND e.title = 'つなぐ精機株式会社' AND c.mail_ok = 0"), 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM entities WHERE type = 'company' AND json_extract(fields, '$.representative') = '代表取締役 赤城 一郎' "
	    "AND json_extract(fields, '$.contact') = '人事部 榛名 花子' AND json_extract(fields, '$.email') = 'jinji@example.co.jp'"), 1);
}

static void
test_reset(void **state)
{
	fixture_t *fx = *state;
	db_t *db = fx->db;
	account_new_t seeker = { "seeker", "taro-1", "taro@example.jp", "太郎", "Old-Password-2026", NULL };
	account_new_t staff = { "staff", "staff-1", "staff@example.jp", "職員", "Old-Password-2026", "pref" };
	session_policy_t sp = { 1800, 43200 };
	session_t s, s2;
	member_link_t link;
	int64_t id, acc;
	int sent;
	char login[65], token[MEMBER_TOKEN_LEN + 1], old_token[MEMBER_TOKEN_LEN + 1], err[512], *body;

	assert_true(account_create(db, &seeker, "test", "", T0, &id, err, sizeof(err)));
	assert_true(account_create(db, &staff, "test", "", T0, &acc, err, sizeof(err)));
	assert_true(session_create(db, id, "192.0.2.1", T0, &s));

	/* unknown address, malformed address, staff address: nothing sent, same true answer */
	assert_true(member_reset_request(db, "nobody@example.jp", "192.0.2.1", &reset_site, T0, &sent));
	assert_int_equal(sent, 0);
	assert_true(member_reset_request(db, "x\r\nBcc: y@example.jp", "192.0.2.1", &reset_site, T0, &sent));
	assert_int_equal(sent, 0);
	assert_true(member_reset_request(db, "staff@example.jp", "192.0.2.1", &reset_site, T0, &sent));
	assert_int_equal(sent, 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM outbox"), 0);

	assert_true(member_reset_request(db, "Taro@Example.jp", "192.0.2.1", &reset_site, T0, &sent));
	assert_int_equal(sent, 1);
	body = last_mail(db, "taro@example.jp", "パスワードの再設定");
	assert_non_null(body);
	assert_non_null(strstr(body, "taro-1"));
	assert_non_null(strstr(body, "https://job.example.jp/password/reset?token="));
	token_of(body, old_token);
	free(body);
	assert_true(member_reset_request(db, "taro@example.jp", "192.0.2.1", &reset_site, T0 + 10, &sent));
	body = last_mail(db, "taro@example.jp", "パスワードの再設定");
	token_of(body, token);
	free(body);

	assert_int_equal(member_reset_lookup(db, token, T0 + 10, &acc, login), MEMBER_LINK_OK);
	assert_int_equal(acc, id);
	assert_string_equal(login, "taro-1");
	assert_int_equal(member_reset_lookup(db, token, T0 + 10 + MEMBER_RESET_TTL_S, &acc, login), MEMBER_LINK_EXPIRED);
	assert_int_equal(member_reset_lookup(db, "bad", T0, &acc, login), MEMBER_LINK_UNKNOWN);

	assert_false(member_reset_complete(db, token, "taro-1-Password", "192.0.2.1", T0 + 20, &link, err, sizeof(err)));
	assert_int_equal(link, MEMBER_LINK_OK);
	assert_false(member_reset_complete(db, token, "password", "192.0.2.1", T0 + 20, &link, err, sizeof(err)));
	assert_true(member_reset_complete(db, token, PW, "192.0.2.1", T0 + 20, &link, err, sizeof(err)));
	/* sessions ended; both links spent; old password out, new in */
	assert_int_equal(session_lookup(db, s.id, T0 + 30, &sp, &s2), 0);
	assert_int_equal(member_reset_lookup(db, token, T0 + 30, &acc, login), MEMBER_LINK_USED);
	assert_int_equal(member_reset_lookup(db, old_token, T0 + 30, &acc, login), MEMBER_LINK_USED);
	assert_false(member_reset_complete(db, old_token, "Another-Pass-2026", "192.0.2.1", T0 + 30, &link, err, sizeof(err)));
	assert_int_equal(link, MEMBER_LINK_USED);
	{
		login_policy_t p = { 5, 900 };
		account_t a;
		assert_int_equal(account_login(db, "taro-1", "Old-Password-2026", "192.0.2.1", T0 + 40, &p, &a), LOGIN_FAILED);
		assert_int_equal(account_login(db, "taro-1", PW, "192.0.2.1", T0 + 41, &p, &a), LOGIN_OK);
	}
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'password.reset'"), 1);
	assert_int_equal(member_prune(db, T0 + 10 + MEMBER_RESET_TTL_S + 1), 2);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM password_resets"), 0);
}

static void
test_profile(void **state)
{
	fixture_t *fx = *state;
	db_t *db = fx->db;
	account_new_t seeker = { "seeker", "jiro-1", "jiro@example.jp", "次郎", "Old-Password-2026", NULL };
	member_form_t f, g;
	arena_t A;
	int64_t id;
	char err[256];

	arena_init(&A, 1024, 64 * 1024);
	assert_true(account_create(db, &seeker, "test", "", T0, &id, err, sizeof(err)));
	assert_false(member_seeker_load(db, id, &f, &A)); /* no row yet */
	assert_int_equal(f.kind, MEMBER_SEEKER_PROFILE);
	assert_int_equal(member_form_index(&f, "email"), -1); /* the address is not edited here */
	f.values[member_form_index(&f, "name")] = "上州 次郎";
	f.values[member_form_index(&f, "kana")] = "じょうしゅう じろう";
	f.values[member_form_index(&f, "birth_date")] = "2000-01-02";
	f.values[member_form_index(&f, "target")] = "chuto";
	assert_true(member_form_check(db, &f, T0));
	assert_true(member_seeker_save(db, id, "jiro-1", "192.0.2.1", &f, T0));
	assert_true(member_seeker_load(db, id, &g, &A));
	assert_string_equal(member_form_value(&g, "kana"), "じょうしゅう じろう");
	assert_string_equal(member_form_value(&g, "mail_ok"), "");
	f.values[member_form_index(&f, "mail_ok")] = "1";
	f.values[member_form_index(&f, "school")] = "前橋工科大学";
	assert_true(member_seeker_save(db, id, "jiro-1", "192.0.2.1", &f, T0 + 5));
	assert_true(member_seeker_load(db, id, &g, &A));
	assert_string_equal(member_form_value(&g, "mail_ok"), "1");
	assert_string_equal(member_form_value(&g, "school"), "前橋工科大学");
	/* SEC06: the name is sealed in seekers, never copied into the account */
	assert_int_equal(count(db, "SELECT COUNT(*) FROM accounts WHERE login = 'jiro-1' AND display_name = '上州 次郎'"), 0);
	assert_string_equal(member_form_value(&g, "name"), "上州 次郎");
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'seeker.profile_update'"), 2);
	/* a form of another kind is not saved as a profile */
	member_form_init(&g, MEMBER_COMPANY_REG);
	assert_false(member_seeker_save(db, id, "jiro-1", "192.0.2.1", &g, T0));
	arena_free(&A);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token),
		cmocka_unit_test_setup_teardown(test_login_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_field_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_company_form, setup, teardown),
		cmocka_unit_test(test_json_roundtrip),
		cmocka_unit_test_setup_teardown(test_seeker_registration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_and_race, setup, teardown),
		cmocka_unit_test_setup_teardown(test_company_registration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
