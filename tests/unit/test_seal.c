/* test_seal.c - sealed personal fields and blind indexes (issue 7 item 3; SEC06). */
#include "testutil.h"

#include "auth/seal.h"

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

static arena_t A;

static int
setup(void **state)
{
	unsigned char k[SEAL_KEY_BYTES];

	(void)state;
	if (sodium_init() < 0)
		return -1;
	randombytes_buf(k, sizeof(k));
	seal_set_key(k);
	arena_init(&A, 4096, 1 << 22);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(&A);
	return 0;
}

/* SEC06: a value comes back as it went in and is not there in clear */
static void
test_round_trip(void **state)
{
	static const char name[] = "群馬 花子";
	size_t n;
	unsigned char *c = seal_encrypt(&A, "seekers", "name", 7, name, strlen(name), &n);
	char *p;

	(void)state;
	assert_non_null(c);
	assert_int_equal(n, strlen(name) + SEAL_OVERHEAD);
	assert_null(memmem(c, n, "花子", strlen("花子")));
	p = seal_decrypt(&A, "seekers", "name", 7, c, n);
	assert_non_null(p);
	assert_string_equal(p, name);
	/* a random nonce per value: the same text seals differently */
	{
		size_t m;
		unsigned char *d = seal_encrypt(&A, "seekers", "name", 7, name, strlen(name), &m);
		assert_int_equal(m, n);
		assert_memory_not_equal(c, d, n);
	}
	/* the empty text seals and opens too */
	c = seal_encrypt(&A, "seekers", "phone", 7, "", 0, &n);
	assert_non_null(c);
	p = seal_decrypt(&A, "seekers", "phone", 7, c, n);
	assert_non_null(p);
	assert_string_equal(p, "");
}

static void
test_tamper_detected(void **state)
{
	size_t n, i;
	unsigned char *c = seal_encrypt(&A, "consultation_messages", "body", 3, "相談の本文です", strlen("相談の本文です"), &n);

	(void)state;
	assert_non_null(c);
	for (i = 0; i < n; i += 5) {
		c[i] ^= 0x01;
		assert_null(seal_decrypt(&A, "consultation_messages", "body", 3, c, n));
		c[i] ^= 0x01;
	}
	assert_non_null(seal_decrypt(&A, "consultation_messages", "body", 3, c, n));
	assert_null(seal_decrypt(&A, "consultation_messages", "body", 3, c, n - 1));
	assert_null(seal_decrypt(&A, "consultation_messages", "body", 3, c, 10));
}

/* associated data = table/column/row: a value moved to another row or column does not open */
static void
test_wrong_ad_refused(void **state)
{
	size_t n;
	unsigned char *c = seal_encrypt(&A, "seekers", "phone", 41, "090-1234-5678", 13, &n);

	(void)state;
	assert_non_null(c);
	assert_null(seal_decrypt(&A, "seekers", "phone", 42, c, n));
	assert_null(seal_decrypt(&A, "seekers", "name", 41, c, n));
	assert_null(seal_decrypt(&A, "seeker_x", "phone", 41, c, n));
	assert_non_null(seal_decrypt(&A, "seekers", "phone", 41, c, n));
	/* another key does not open it either */
	{
		unsigned char k[SEAL_KEY_BYTES];
		randombytes_buf(k, sizeof(k));
		seal_set_key(k);
		assert_null(seal_decrypt(&A, "seekers", "phone", 41, c, n));
	}
}

static bool
has(unsigned char idx[SEAL_INDEX_MAX][SEAL_INDEX_BYTES], int n, const unsigned char q[SEAL_INDEX_BYTES])
{
	int i;

	for (i = 0; i < n; i++)
		if (memcmp(idx[i], q, SEAL_INDEX_BYTES) == 0)
			return true;
	return false;
}

/* 「山田」 finds 山田太郎; spaces, width and katakana do not matter; kinds do not mix */
static void
test_blind_index_prefix(void **state)
{
	unsigned char idx[SEAL_INDEX_MAX][SEAL_INDEX_BYTES], q[SEAL_INDEX_BYTES];
	int n = seal_index_all(&A, "name", "山田　太郎", idx);

	(void)state;
	assert_int_equal(n, 4);
	assert_true(seal_index_query(&A, "name", "山田", q));
	assert_true(has(idx, n, q));
	assert_true(seal_index_query(&A, "name", "山田太郎", q));
	assert_true(has(idx, n, q));
	assert_true(seal_index_query(&A, "name", " 山田 太郎 ", q));
	assert_true(has(idx, n, q));
	assert_true(seal_index_query(&A, "name", "山本", q));
	assert_false(has(idx, n, q));
	assert_true(seal_index_query(&A, "kana", "山田", q));
	assert_false(has(idx, n, q));
	assert_false(seal_index_query(&A, "name", "　", q));

	n = seal_index_all(&A, "kana", "やまだ たろう", idx);
	assert_int_equal(n, 6);
	assert_true(seal_index_query(&A, "kana", "ヤマダ", q));
	assert_true(has(idx, n, q));

	/* longer than SEAL_PREFIX_MAX: prefixes up to the limit and the whole, exact */
	n = seal_index_all(&A, "name", "ABCDEFGHIJKLMN", idx);
	assert_int_equal(n, SEAL_PREFIX_MAX + 1);
	assert_true(seal_index_query(&A, "name", "ａｂｃｄｅｆｇｈｉｊ", q));
	assert_true(has(idx, n, q));
	assert_true(seal_index_query(&A, "name", "abcdefghijklmn", q));
	assert_true(has(idx, n, q));
	assert_true(seal_index_query(&A, "name", "abcdefghijkl", q));
	assert_false(has(idx, n, q));
	/* the index is keyed: nothing in it is the plain hash of the text */
	assert_null(memmem(idx, sizeof(idx), "ab", 2));
}

/* the key file is made 0600 and refused when others may read it or it is the wrong size */
static void
test_key_file_perms(void **state)
{
	char dir[] = "/tmp/tsunagu-seal-XXXXXX", path[128];
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/k/seal.key", dir);
	assert_false(seal_open(path, false));
	assert_true(seal_open(path, true));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, SEAL_KEY_BYTES);
	assert_true(seal_ready());
	/* the same key on the next start */
	{
		size_t n;
		unsigned char *c = seal_encrypt(&A, "t", "c", 1, "x", 1, &n);
		assert_true(seal_open(path, true));
		assert_non_null(seal_decrypt(&A, "t", "c", 1, c, n));
	}
	assert_int_equal(chmod(path, 0644), 0);
	assert_false(seal_open(path, false));
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(truncate(path, 16), 0);
	assert_false(seal_open(path, false));
	unlink(path);
	snprintf(path, sizeof(path), "%s/k", dir);
	rmdir(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tamper_detected),
		cmocka_unit_test(test_wrong_ad_refused),
		cmocka_unit_test(test_blind_index_prefix),
		cmocka_unit_test(test_key_file_perms),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
