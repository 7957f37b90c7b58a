/* test_password.c - argon2id hashing and the password policy. Few hashes on purpose: each costs ~0.1 s and 64 MiB. */
#include "testutil.h"

#include "auth/password.h"
#include "core/log.h"

#include <time.h>
#include <unistd.h>

#define LIST "data/common-passwords.txt"

static char list_path[1024];

/* Repeats unit count times into out (cap bytes); returns out. */
static char *
rep(char *out, size_t cap, const char *unit, size_t count)
{
	size_t u = strlen(unit), i;

	assert_true(u * count < cap);
	for (i = 0; i < count; i++)
		memcpy(out + i * u, unit, u);
	out[u * count] = '\0';
	return out;
}

static char *
cat(char *out, size_t cap, const char *a, const char *b)
{
	int n = snprintf(out, cap, "%s%s", a, b);

	assert_true(n >= 0 && (size_t)n < cap);
	return out;
}

static void
load_real_list(void)
{
	assert_true(password_load_common(list_path));
}

static int
setup(void **state)
{
	const char *root = getenv("TSUNAGU_ROOT");
	int         n;

	log_set_quiet(true);
	if (access(LIST, R_OK) == 0 || root == NULL)
		n = snprintf(list_path, sizeof(list_path), "%s", LIST);
	else
		n = snprintf(list_path, sizeof(list_path), "%s/%s", root, LIST);
	if (n < 0 || (size_t)n >= sizeof(list_path))
		return -1;
	return password_load_common(list_path) ? 0 : -1;
}

static int
teardown(void **state)
{
	password_free_common();
	return 0;
}

/* ---- hashing ---- */

#define E0 "\xf0\x9f\x98\x80" /* U+1F600, 4 bytes */

static void
test_hash_verify_whole_password(void **state)
{
	char a[PASSWORD_MAX_BYTES + 1], b[PASSWORD_MAX_BYTES + 1], body[PASSWORD_MAX_BYTES];
	char h1[PASSWORD_HASH_MAX], h2[PASSWORD_HASH_MAX];

	/* 128 characters, 512 bytes: exactly the longest input; a and b differ only in the last character */
	rep(body, sizeof(body), E0, 127);
	cat(a, sizeof(a), body, "\xf0\x9f\x98\x81");
	cat(b, sizeof(b), body, "\xf0\x9f\x98\x82");
	assert_int_equal(strlen(a), PASSWORD_MAX_BYTES);

	assert_true(password_hash(a, h1));
	assert_true(strncmp(h1, "$argon2id$v=19$m=65536,t=2,p=1$", 31) == 0);
	assert_true(password_verify(h1, a));
	assert_false(password_verify(h1, b));
	assert_false(password_verify(h1, "wrong password"));

	/* salted: the same password never gives the same string */
	assert_true(password_hash(a, h2));
	assert_string_not_equal(h1, h2);
}

static void
test_hash_refuses_rather_than_truncates(void **state)
{
	char long_pw[PASSWORD_MAX_BYTES + 2], h[PASSWORD_HASH_MAX];

	rep(long_pw, sizeof(long_pw), "a", PASSWORD_MAX_BYTES + 1);
	assert_false(password_hash(long_pw, h));
	assert_false(password_hash(NULL, h));
	/* the same for verification: no prefix of it can verify */
	assert_false(password_verify("$argon2id$v=19$m=65536,t=2,p=1$", long_pw));
}

static void
test_verify_malformed(void **state)
{
	char *unterminated;

	assert_false(password_verify(NULL, "Kiso-Gunma-7#tr"));
	assert_false(password_verify("$argon2id$v=19$m=65536,t=2,p=1$", NULL));
	assert_false(password_verify("", "Kiso-Gunma-7#tr"));
	assert_false(password_verify("not a hash", "Kiso-Gunma-7#tr"));
	assert_false(password_verify("$argon2id$v=19$m=65536,t=2,p=1$", "Kiso-Gunma-7#tr"));
	assert_false(password_verify("$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA", "Kiso-Gunma-7#tr"));
	assert_false(password_verify("$2y$10$abcdefghijklmnopqrstuu5Wd0Qb5cBLpVEbyZH9GQ3NbBzHDuHnq", "Kiso-Gunma-7#tr"));
	assert_false(password_verify("Kiso-Gunma-7#tr", "Kiso-Gunma-7#tr"));

	/* no NUL within PASSWORD_HASH_MAX bytes: refused without reading past the buffer (ASan watches) */
	unterminated = malloc(PASSWORD_HASH_MAX);
	assert_non_null(unterminated);
	memset(unterminated, '$', PASSWORD_HASH_MAX);
	assert_false(password_verify(unterminated, "Kiso-Gunma-7#tr"));
	free(unterminated);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_verify_dummy_burns_time(void **state)
{
	double t;

	password_verify_dummy(NULL); /* first call also computes the dummy hash */
	t = now();
	password_verify_dummy("Kiso-Gunma-7#tr");
	/* a real argon2id verification (64 MiB, 2 passes) cannot be this fast on any machine */
	assert_true(now() - t >= 0.01);
}

/* ---- policy ---- */

static void
test_check_length_counts_characters(void **state)
{
	char buf[64];

	/* 11 characters (33 bytes) */
	assert_int_equal(password_check("前橋と高崎で仕事を探そ", NULL, NULL), PW_TOO_SHORT);
	assert_int_equal(password_check("群馬で働く未来のため7", NULL, NULL), PW_TOO_SHORT);
	assert_int_equal(password_check("Gunma-7#tr1", NULL, NULL), PW_TOO_SHORT);
	assert_int_equal(password_check("", NULL, NULL), PW_TOO_SHORT);
	/* 12 characters */
	assert_int_equal(password_check("群馬で働く未来のために7", NULL, NULL), PW_OK);
	assert_int_equal(password_check("Gunma-7#tr1x", NULL, NULL), PW_OK);
	/* 12 Japanese characters and a digit */
	assert_int_equal(password_check(cat(buf, sizeof(buf), "前橋と高崎で仕事を探そう", "7"), NULL, NULL), PW_OK);
	assert_int_equal(password_check("Kiso-Gunma-7#tr", NULL, NULL), PW_OK);
}

static void
test_check_too_long(void **state)
{
	char big[1024], body[1024];
	size_t i, o;

	/* 15 ASCII characters repeated and cut: 128 is fine, 129 is not */
	rep(big, sizeof(big), "Kiso-Gunma-7#tr", 9);
	big[128] = '\0';
	assert_int_equal(password_check(big, NULL, NULL), PW_OK);
	rep(big, sizeof(big), "Kiso-Gunma-7#tr", 9);
	big[129] = '\0';
	assert_int_equal(password_check(big, NULL, NULL), PW_TOO_LONG);

	/* 120 Japanese characters + 8 ASCII = 128 characters, 368 bytes */
	rep(body, sizeof(body), "前橋と高崎で仕事を探そう", 10);
	assert_int_equal(password_check(cat(big, sizeof(big), body, "Kiso-Gu7"), NULL, NULL), PW_OK);
	assert_int_equal(password_check(cat(big, sizeof(big), body, "Kiso-Gu7x"), NULL, NULL), PW_TOO_LONG);

	/* 127 different 4-byte characters + a digit = 128 characters in 509 bytes; one more is too long */
	for (i = 0, o = 0; i < 127; i++, o += 4) {
		unsigned cp = 0x1f600 + (unsigned)i;
		body[o] = (char)(0xf0 | (cp >> 18));
		body[o + 1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		body[o + 2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		body[o + 3] = (char)(0x80 | (cp & 0x3f));
	}
	body[o] = '\0';
	assert_int_equal(password_check(cat(big, sizeof(big), body, "7"), NULL, NULL), PW_OK);
	assert_int_equal(password_check(cat(big, sizeof(big), body, E0 "7"), NULL, NULL), PW_TOO_LONG);

	/* a long one is too long before it is one kind */
	rep(big, sizeof(big), "a", 600);
	assert_int_equal(password_check(big, NULL, NULL), PW_TOO_LONG);
}

static void
test_check_one_kind(void **state)
{
	assert_int_equal(password_check("abcdefghijkmn", NULL, NULL), PW_ONE_KIND);
	assert_int_equal(password_check("qwhzmtpvbxrk", NULL, NULL), PW_ONE_KIND);
	assert_int_equal(password_check("QWHZMTPVBXRK", NULL, NULL), PW_ONE_KIND);
	assert_int_equal(password_check("382749105738", NULL, NULL), PW_ONE_KIND);
	assert_int_equal(password_check("!#$%&()*+,-./", NULL, NULL), PW_ONE_KIND);
	/* Japanese alone is one kind (symbols/other), so is full-width ASCII */
	assert_int_equal(password_check("前橋と高崎で仕事を探そう", NULL, NULL), PW_ONE_KIND);
	assert_int_equal(password_check("ｑｗｈｚｍｔｐｖｂｘｒ７", NULL, NULL), PW_ONE_KIND);
	/* two kinds are enough */
	assert_int_equal(password_check("qwhzmtpvbxrK", NULL, NULL), PW_OK);
	assert_int_equal(password_check("qwhzmtpvbxr7", NULL, NULL), PW_OK);
	assert_int_equal(password_check("qwhzmtpvbxr-", NULL, NULL), PW_OK);
	assert_int_equal(password_check("qwhzmtpvbxr群", NULL, NULL), PW_OK);
	assert_int_equal(password_check("qwhzmtpvbxr ", NULL, NULL), PW_OK);
}

static void
test_check_login(void **state)
{
	assert_int_equal(password_check("xxTANAKAxx-93", "tanaka", NULL), PW_CONTAINS_LOGIN);
	assert_int_equal(password_check("Vb7-tanaka-plmr", "TaNaKa", NULL), PW_CONTAINS_LOGIN);
	assert_int_equal(password_check("Vb7-KZQ-plmr8", "kzq", NULL), PW_CONTAINS_LOGIN);
	/* full-width letters typed by an IME are the same letters */
	assert_int_equal(password_check("ｔａｎａｋａ-Xy7-plm", "tanaka", NULL), PW_CONTAINS_LOGIN);
	assert_int_equal(password_check("Vb7-さとう-plmr8", "さとう", NULL), PW_CONTAINS_LOGIN);
	/* under three characters, or absent: no rule */
	assert_int_equal(password_check("Vb7-KZ-plmr8x", "kz", NULL), PW_OK);
	assert_int_equal(password_check("Vb7-KZQ-plmr8", "", NULL), PW_OK);
	assert_int_equal(password_check("Vb7-KZQ-plmr8", "tanaka", NULL), PW_OK);
}

static void
test_check_email(void **state)
{
	const char *mail = "Hanako.Sato@Example.jp";

	assert_int_equal(password_check("hanako.sato-Zq7!", NULL, mail), PW_CONTAINS_EMAIL);
	assert_int_equal(password_check("7xHANAKO.SATOx!", NULL, mail), PW_CONTAINS_EMAIL);
	assert_int_equal(password_check("Q7-hanako.sato@example.JP", NULL, mail), PW_CONTAINS_EMAIL);
	/* a short local part alone is fine, the whole address is not */
	assert_int_equal(password_check("Vb7-ab-plmr8x", NULL, "ab@x.jp"), PW_OK);
	assert_int_equal(password_check("Vb7-ab@x.jp-plmr", NULL, "ab@x.jp"), PW_CONTAINS_EMAIL);
	assert_int_equal(password_check("Vb7-hanako-plmr", NULL, mail), PW_OK);
	assert_int_equal(password_check("Vb7-hanako-plmr", NULL, ""), PW_OK);
}

static void
test_check_common(void **state)
{
	assert_int_equal(password_check("Password1234!", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("qwerty123456", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("1qaz2wsx3edc", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("ILOVEYOU1234", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("!!Sakura2024!!", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("Tsunagu12345!", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("Gunmajob-2025", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("2025/Jobcafegunma", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("Doraemon#0903", NULL, NULL), PW_COMMON);
	/* letter-for-digit swaps in the middle */
	assert_int_equal(password_check("P@55w0rd2024!", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("L3tm31n-2024!", NULL, NULL), PW_COMMON);
	/* full-width typing is folded to ASCII first */
	assert_int_equal(password_check("Ｐａｓｓｗｏｒｄ1234!", NULL, NULL), PW_COMMON);
	/* Japanese-script entries */
	assert_int_equal(password_check("パスワード1234567", NULL, NULL), PW_COMMON);
	/* strong ones pass */
	assert_int_equal(password_check("Kiso-Gunma-7#tr", NULL, NULL), PW_OK);
	assert_int_equal(password_check("群馬で働く未来のために2025", NULL, NULL), PW_OK);
	assert_int_equal(password_check("correct horse Battery staple", NULL, NULL), PW_OK);
	/* a list word inside other words is not refused */
	assert_int_equal(password_check("myPasswordIsLong-97", NULL, NULL), PW_OK);
}

static void
test_check_runs_and_repeats(void **state)
{
	/* these hold without any list */
	password_free_common();
	assert_int_equal(password_check("Abcdefghijkl", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("Zyxwvutsrqpo", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("Qwertyuiopas", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("1qaz2wsx3edc", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("1q2w3e4r5t6y", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("Abcdefghijkl!", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("2024Qwertyuiop!", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("aaaaaaaaaaaA", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("Ab1!Ab1!Ab1!", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("ＡＢＣＤＥＦＧＨＩＪＫＬ1", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("あいうえおかきくけこ12", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("77たていすかんなにらせち", NULL, NULL), PW_COMMON);
	/* the digits-only ones are already one kind */
	assert_int_equal(password_check("123456789012", NULL, NULL), PW_ONE_KIND);
	/* without a list, list words pass; everything else still applies */
	assert_int_equal(password_check("Password1234!", NULL, NULL), PW_OK);
	assert_int_equal(password_check("Kiso-Gunma-7#tr", NULL, NULL), PW_OK);
	assert_int_equal(password_check("Kiso-Gunma-7#tr", "gunma", NULL), PW_CONTAINS_LOGIN);
	load_real_list();
	assert_int_equal(password_check("Password1234!", NULL, NULL), PW_COMMON);
}

static void
test_check_invalid(void **state)
{
	assert_int_equal(password_check(NULL, NULL, NULL), PW_INVALID);
	assert_int_equal(password_check("Kiso-Gunma\t7#tr", NULL, NULL), PW_INVALID);
	assert_int_equal(password_check("Kiso-Gunma\n7#tr", NULL, NULL), PW_INVALID);
	assert_int_equal(password_check("Kiso-Gunma\r7#tr", NULL, NULL), PW_INVALID);
	assert_int_equal(password_check("Kiso-Gunma\x01" "7#tr", NULL, NULL), PW_INVALID);
	assert_int_equal(password_check("Kiso-Gunma\x1b" "7#tr", NULL, NULL), PW_INVALID);
	assert_int_equal(password_check("Kiso-Gunma\x7f" "7#tr", NULL, NULL), PW_INVALID);
	assert_int_equal(password_check("Kiso-Gunma\xc2\x85" "7#tr", NULL, NULL), PW_INVALID);  /* U+0085 NEL */
	assert_int_equal(password_check("Kiso-Gunma\xc2\x9f" "7#tr", NULL, NULL), PW_INVALID);  /* U+009F */
	assert_int_equal(password_check("Kiso-Gunma\xff" "7#tr", NULL, NULL), PW_INVALID);
	assert_int_equal(password_check("Kiso-Gunma\xc0\xaf" "7#tr", NULL, NULL), PW_INVALID);  /* overlong */
	assert_int_equal(password_check("Kiso-Gunma\xed\xa0\x80" "7#tr", NULL, NULL), PW_INVALID); /* surrogate */
	assert_int_equal(password_check("Kiso-Gunma-7#tr\xe3\x81", NULL, NULL), PW_INVALID);   /* cut short */
	/* invalid wins over too short */
	assert_int_equal(password_check("ab\x01", NULL, NULL), PW_INVALID);
	/* U+00A0 is not a control character */
	assert_int_equal(password_check("Kiso-Gunma\xc2\xa0" "7#tr", NULL, NULL), PW_OK);
}

static void
test_check_order(void **state)
{
	assert_int_equal(password_check("password", NULL, NULL), PW_TOO_SHORT);
	assert_int_equal(password_check("xtanakataroxyz", "tanakataro", NULL), PW_ONE_KIND);
	assert_int_equal(password_check("Tanaka-hanako@ex.jp1", "tanaka", "hanako@ex.jp"), PW_CONTAINS_LOGIN);
	assert_int_equal(password_check("Password1234!", NULL, "password@example.jp"), PW_CONTAINS_EMAIL);
	assert_int_equal(password_check("Password1234!", "passw", NULL), PW_CONTAINS_LOGIN);
}

static void
test_messages(void **state)
{
	assert_string_equal(password_message(PW_OK), "");
	assert_string_equal(password_message(PW_TOO_SHORT), "パスワードは12文字以上で入力してください。");
	assert_string_equal(password_message(PW_TOO_LONG), "パスワードは128文字以内で入力してください。");
	assert_string_equal(password_message(PW_ONE_KIND),
	    "パスワードには英大文字・英小文字・数字・記号のうち2種類以上を含めてください。");
	assert_string_equal(password_message(PW_COMMON),
	    "よく使われているパスワードや推測されやすいパスワードは使えません。");
	assert_string_equal(password_message(PW_CONTAINS_LOGIN), "パスワードにログインIDを含めることはできません。");
	assert_string_equal(password_message(PW_CONTAINS_EMAIL), "パスワードにメールアドレスを含めることはできません。");
	assert_string_equal(password_message(PW_INVALID), "パスワードに使えない文字が含まれています。");
	assert_non_null(password_message((pw_verdict_t)99));
}

/* Writes a temporary file; returns its path in out (caller unlinks). */
static void
temp_list(char *out, size_t cap, const char *data, size_t n, size_t times)
{
	const char *dir = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
	int         fd, w;
	size_t      i;

	w = snprintf(out, cap, "%s/test_password.XXXXXX", dir);
	assert_true(w >= 0 && (size_t)w < cap);
	fd = mkstemp(out);
	assert_true(fd >= 0);
	for (i = 0; i < times; i++)
		assert_int_equal(write(fd, data, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
}

static void
test_load_list(void **state)
{
	static const char text[] = "# Quimbledor is a comment\r\n  ZorbULAX  \r\n\n\t\r\n#frobnitz\nFrobNitz\r\nＷｉｄｇｅｔｉｆｙ\nlast-no-newline";
	char   path[1024], *many;
	size_t i, o;

	assert_false(password_load_common("/nonexistent/common-passwords.txt"));
	assert_false(password_load_common(NULL));
	/* a failed load keeps the list in force */
	assert_int_equal(password_check("Password1234!", NULL, NULL), PW_COMMON);

	temp_list(path, sizeof(path), text, sizeof(text) - 1, 1);
	assert_true(password_load_common(path));
	unlink(path);
	assert_int_equal(password_check("Zorbulax-2024!", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("FROBNITZ1234", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("Widgetify-2024", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("2024-Last-no-newline", NULL, NULL), PW_COMMON);
	assert_int_equal(password_check("Quimbledor99", NULL, NULL), PW_OK);
	/* the new list replaced the old one */
	assert_int_equal(password_check("Password1234!", NULL, NULL), PW_OK);

	/* over 8 MiB */
	many = malloc(65536);
	assert_non_null(many);
	memset(many, 'a', 65536);
	for (i = 63; i < 65536; i += 64)
		many[i] = '\n';
	temp_list(path, sizeof(path), many, 65536, 128);
	assert_true(password_load_common(path)); /* exactly 8 MiB is allowed */
	unlink(path);
	temp_list(path, sizeof(path), many, 65536, 129);
	assert_false(password_load_common(path));
	unlink(path);

	/* entries: 200,000 allowed, one more is not */
	free(many);
	many = malloc(200001 * 9 + 1);
	assert_non_null(many);
	for (i = 0, o = 0; i < 200000; i++, o += 9)
		snprintf(many + o, 10, "w%06zuq\n", i % 1000000);
	temp_list(path, sizeof(path), many, o, 1);
	assert_true(password_load_common(path));
	unlink(path);
	assert_int_equal(password_check("W000123q-2024", NULL, NULL), PW_COMMON);
	snprintf(many + o, 10, "x%06zuq\n", i % 1000000);
	temp_list(path, sizeof(path), many, o + 9, 1);
	assert_false(password_load_common(path));
	unlink(path);
	free(many);

	load_real_list();
	assert_int_equal(password_check("Password1234!", NULL, NULL), PW_COMMON);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_verify_whole_password),
		cmocka_unit_test(test_hash_refuses_rather_than_truncates),
		cmocka_unit_test(test_verify_malformed),
		cmocka_unit_test(test_verify_dummy_burns_time),
		cmocka_unit_test(test_check_length_counts_characters),
		cmocka_unit_test(test_check_too_long),
		cmocka_unit_test(test_check_one_kind),
		cmocka_unit_test(test_check_login),
		cmocka_unit_test(test_check_email),
		cmocka_unit_test(test_check_common),
		cmocka_unit_test(test_check_runs_and_repeats),
		cmocka_unit_test(test_check_invalid),
		cmocka_unit_test(test_check_order),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_load_list),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
