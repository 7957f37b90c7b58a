/* test_ipacl.c - IP address access restriction (G54): the CIDR parser and its Japanese line-numbered
 * messages, matching (IPv4, IPv6, IPv4-mapped), the canonical printer, areas, the lock-out rule, and the
 * stored lists with the per-process cache and its version check. */
#include "testutil.h"
#include "dbtest.h"

#include "core/str.h"
#include "http/ipacl.h"

#include <arpa/inet.h>

static ipacl_list_t list;
static ipacl_errors_t errs;

static bool
parse(const char *s)
{
	return ipacl_parse(s, strlen(s), &list, &errs);
}

/* One entry that must parse, printing back as want. */
static void
good(const char *in, const char *want)
{
	char s[IPACL_RULE_STR];

	if (!parse(in))
		fail_msg("%s: %s", in, errs.n > 0 ? errs.e[0].msg : "?");
	assert_int_equal(list.n, 1);
	ipacl_rule_str(&list.rules[0], s);
	assert_string_equal(s, want);
}

/* One entry that must be refused, with a message containing part. */
static void
bad(const char *in, const char *part)
{
	if (parse(in))
		fail_msg("accepted: %s", in);
	assert_int_equal(errs.n, 1);
	assert_int_equal(errs.e[0].line, 1);
	if (strstr(errs.e[0].msg, part) == NULL)
		fail_msg("%s: message \"%s\" lacks \"%s\"", in, errs.e[0].msg, part);
	assert_true(strncmp(errs.e[0].msg, "1行目: ", strlen("1行目: ")) == 0);
}

static void
test_ipv4_forms(void **state)
{
	good("192.168.1.5", "192.168.1.5");
	good("192.168.1.5/32", "192.168.1.5");
	good("10.0.0.0/8", "10.0.0.0/8");
	good("0.0.0.0/0", "0.0.0.0/0");
	good("255.255.255.255", "255.255.255.255");
	good("172.16.0.0/12", "172.16.0.0/12");
	good("192.0.2.128/25", "192.0.2.128/25");
	good("0.0.0.0", "0.0.0.0");
}

static void
test_ipv6_forms(void **state)
{
	good("2001:db8::/32", "2001:db8::/32");
	good("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1");
	good("2001:DB8::1", "2001:db8::1");
	good("::1", "::1");
	good("::", "::");
	good("::/0", "::/0");
	good("fe80::/10", "fe80::/10");
	good("1::", "1::");
	good("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0");
	good("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8");
	good("1:2:3:4:5:6:7:8/128", "1:2:3:4:5:6:7:8");
	good("::ffff:1.2.3.4", "::ffff:1.2.3.4");
	good("::ffff:10.0.0.0/104", "::ffff:10.0.0.0/104");
	good("64:ff9b::192.0.2.33", "64:ff9b::c000:221");
	good("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304");
	good("2001:db8:0:0:1::/80", "2001:db8:0:0:1::/80");
}

static void
test_refused(void **state)
{
	bad("1.2.3.4/33", "0〜32");
	bad("2001:db8::/129", "0〜128");
	bad("256.1.1.1", "IPアドレスとして正しくありません");
	bad("1.2.3", "IPアドレスとして正しくありません");
	bad("1.2.3.4.5", "IPアドレスとして正しくありません");
	bad("1..2.3", "IPアドレスとして正しくありません");
	bad("01.2.3.4", "先頭に0を付けない");
	bad("1.2.3.010", "先頭に0を付けない");
	bad("1.2.3.4/", "プレフィックス長");
	bad("1.2.3.4/08", "プレフィックス長");
	bad("1.2.3.4/-1", "プレフィックス長");
	bad("1.2.3.4/8/8", "プレフィックス長");
	bad("1.2.3.4/abc", "プレフィックス長");
	bad("/24", "IPアドレスとして正しくありません");
	bad("::::", "IPアドレスとして正しくありません");
	bad(":::", "IPアドレスとして正しくありません");
	bad("1::2::3", "IPアドレスとして正しくありません");
	bad(":1::2", "IPアドレスとして正しくありません");
	bad("1::2:", "IPアドレスとして正しくありません");
	bad("1:2:3:4:5:6:7:8:9", "IPアドレスとして正しくありません");
	bad("1:2:3:4:5:6:7:8::", "IPアドレスとして正しくありません");
	bad("1:2:3:4:5:6:7", "IPアドレスとして正しくありません");
	bad("12345::1", "IPアドレスとして正しくありません");
	bad("g::1", "IPアドレスとして正しくありません");
	bad("fe80::1%eth0", "IPアドレスとして正しくありません");
	bad("[::1]", "IPアドレスとして正しくありません");
	bad("::ffff:1.2.3.256", "IPアドレスとして正しくありません");
	bad("1:2:3:4:5:6:7:1.2.3.4", "IPアドレスとして正しくありません");
	bad("::1.2.3.4:5", "IPアドレスとして正しくありません");
	bad("localhost", "IPアドレスとして正しくありません");
	bad("10.0.0.1/8", "10.0.0.0/8 としてください");
	bad("2001:db8::1/32", "2001:db8::/32 としてください");
	bad("１．２．３．４", "全角");
	bad("192.168.0.0／24", "全角");
	bad("1.2.3.4\x01", "制御文字");
}

static void
test_separators_comments_lines(void **state)
{
	const char *text =
	    "# 本庁舎\n"
	    "10.0.0.0/8, 192.168.1.0/24\t172.16.0.1 # 出先機関\r\n"
	    "\n"
	    "2001:db8::/32\xE3\x80\x80" "198.51.100.7\xE3\x80\x81" "203.0.113.0/24\xEF\xBC\x8C" "::1\n"
	    "#10.9.9.9\n";

	assert_true(parse(text));
	assert_int_equal(list.n, 7);
	assert_true(parse(""));
	assert_int_equal(list.n, 0);
	assert_true(parse("  \n# only a comment\n,,,\n"));
	assert_int_equal(list.n, 0);
	/* a comment directly after an entry ends it */
	assert_true(parse("10.0.0.0/8#office"));
	assert_int_equal(list.n, 1);
}

static void
test_errors_carry_line_numbers(void **state)
{
	assert_false(parse("10.0.0.0/8\n1.2.3.4/33\n\n# x\n256.0.0.0 ok.bad\n"));
	assert_int_equal(errs.n, 3);
	assert_int_equal(errs.e[0].line, 2);
	assert_int_equal(errs.e[1].line, 5);
	assert_int_equal(errs.e[2].line, 5);
	assert_true(strncmp(errs.e[0].msg, "2行目: ", strlen("2行目: ")) == 0);
	assert_non_null(strstr(errs.e[2].msg, "「ok.bad」"));
	/* the good entries are kept in the list even so (callers store nothing on false) */
	assert_int_equal(list.n, 1);
}

static void
test_error_limits(void **state)
{
	buf_t b = BUF_INIT;
	int i;

	for (i = 0; i < IPACL_MAX_ERRORS + 5; i++)
		buf_puts(&b, "x\n");
	assert_false(ipacl_parse(b.data, b.len, &list, &errs));
	assert_int_equal(errs.n, IPACL_MAX_ERRORS);
	assert_int_equal(errs.more, 5);
	buf_clear(&b);
	for (i = 0; i < IPACL_MAX_RULES + 1; i++)
		buf_printf(&b, "10.0.%d.%d\n", i / 256, i % 256);
	assert_false(ipacl_parse(b.data, b.len, &list, &errs));
	assert_int_equal(list.n, IPACL_MAX_RULES);
	assert_non_null(strstr(errs.e[0].msg, "256件まで"));
	buf_clear(&b);
	for (i = 0; i < IPACL_MAX_TEXT + 1; i++)
		buf_putc(&b, ' ');
	assert_false(ipacl_parse(b.data, b.len, &list, &errs));
	assert_int_equal(errs.e[0].line, 0);
	assert_non_null(strstr(errs.e[0].msg, "長すぎます"));
	/* a long bad entry is quoted cut short, on a character boundary */
	buf_clear(&b);
	for (i = 0; i < 40; i++)
		buf_puts(&b, "あ");
	assert_false(ipacl_parse(b.data, b.len, &list, &errs));
	assert_non_null(strstr(errs.e[0].msg, "…"));
	assert_true(str_utf8_valid(errs.e[0].msg, strlen(errs.e[0].msg), false));
	/* invalid UTF-8 is never quoted back */
	assert_false(parse("\xff\xfe"));
	assert_null(strstr(errs.e[0].msg, "「"));
	buf_free(&b);
}

static bool
allows(const char *rules, const char *ip)
{
	assert_true(parse(rules));
	return ipacl_allows(&list, ip);
}

static void
test_matching(void **state)
{
	assert_true(allows("", "203.0.113.9"));         /* empty list: no restriction */
	assert_true(allows("", "-"));
	assert_true(allows("10.0.0.0/8", "10.255.1.2"));
	assert_false(allows("10.0.0.0/8", "11.0.0.1"));
	assert_false(allows("10.0.0.0/8", "-"));         /* no address: refused when restricted */
	assert_false(allows("10.0.0.0/8", ""));
	assert_true(allows("192.0.2.128/25", "192.0.2.200"));
	assert_false(allows("192.0.2.128/25", "192.0.2.127"));
	assert_true(allows("192.0.2.5", "192.0.2.5"));
	assert_false(allows("192.0.2.5", "192.0.2.6"));
	assert_true(allows("0.0.0.0/0", "198.51.100.1"));
	assert_false(allows("0.0.0.0/0", "2001:db8::1")); /* every IPv4 address, not IPv6 */
	assert_true(allows("::/0", "2001:db8::1"));
	assert_true(allows("::/0", "192.0.2.1"));         /* IPv4 is held inside IPv6 */
	assert_true(allows("2001:db8::/32", "2001:db8:ffff::1"));
	assert_false(allows("2001:db8::/32", "2001:db9::1"));
	assert_true(allows("2001:db8::/33", "2001:db8:7fff::1"));
	assert_false(allows("2001:db8::/33", "2001:db8:8000::1"));
	/* IPv4-mapped client addresses match IPv4 rules, and mapped rules match IPv4 clients */
	assert_true(allows("127.0.0.0/8", "::ffff:127.0.0.1"));
	assert_false(allows("127.0.0.0/8", "::ffff:128.0.0.1"));
	assert_true(allows("::ffff:10.0.0.0/104", "10.1.2.3"));
	assert_false(allows("::1", "127.0.0.1"));
	assert_true(allows("10.0.0.0/8 ::1", "::1"));
	assert_true(allows("10.0.0.0/8 ::1", "10.0.0.1"));
	assert_false(allows("10.0.0.0/8", "10.0.0.1 "));  /* client strings are exact */
}

static void
test_addr_parse(void **state)
{
	uint8_t a[16], b[16];
	bool v4;

	assert_true(ipacl_addr_parse("192.0.2.1", 9, a, &v4));
	assert_true(v4);
	assert_true(ipacl_addr_parse("::ffff:192.0.2.1", 16, b, &v4));
	assert_false(v4);
	assert_memory_equal(a, b, 16);
	/* agrees with inet_pton on what both accept */
	{
		static const char *const v6[] = { "::", "::1", "1::", "2001:db8::1", "1:2:3:4:5:6:7:8", "::ffff:1.2.3.4",
			"fe80::1:2", "1:0:0:2::3", "abcd:ef01:2345:6789:abcd:ef01:2345:6789" };
		size_t i;
		for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
			assert_true(ipacl_addr_parse(v6[i], strlen(v6[i]), a, NULL));
			assert_int_equal(inet_pton(AF_INET6, v6[i], b), 1);
			assert_memory_equal(a, b, 16);
		}
	}
	assert_false(ipacl_addr_parse("", 0, a, NULL));
	assert_false(ipacl_addr_parse("1.2.3.4/8", 9, a, NULL));
}

static void
test_format_round_trip(void **state)
{
	const char *text = "10.0.0.0/8 # x\n192.0.2.7, 2001:DB8:0:0::/64\n::ffff:1.2.3.0/120 ::/0 0.0.0.0/0 fe80::1";
	ipacl_list_t again;
	buf_t b = BUF_INIT;

	assert_true(parse(text));
	assert_true(ipacl_format(&list, &b));
	assert_string_equal(b.data, "10.0.0.0/8\n192.0.2.7\n2001:db8::/64\n::ffff:1.2.3.0/120\n::/0\n0.0.0.0/0\nfe80::1\n");
	assert_true(ipacl_parse(b.data, b.len, &again, NULL));
	assert_int_equal(again.n, list.n);
	assert_memory_equal(again.rules, list.rules, sizeof(list.rules[0]) * list.n);
	buf_free(&b);
}

static void
test_areas(void **state)
{
	ipacl_area_t a;

	assert_int_equal(ipacl_area_of("/staff"), IPACL_STAFF);
	assert_int_equal(ipacl_area_of("/staff/ip-rules"), IPACL_STAFF);
	assert_int_equal(ipacl_area_of("/staffroom"), IPACL_STAFF);  /* restrictive on purpose */
	assert_int_equal(ipacl_area_of("/mypage"), IPACL_MEMBER);
	assert_int_equal(ipacl_area_of("/mypage/password"), IPACL_MEMBER);
	assert_int_equal(ipacl_area_of("/"), IPACL_PUBLIC);
	assert_int_equal(ipacl_area_of("/login"), IPACL_PUBLIC);
	assert_int_equal(ipacl_area_of("/jobs/1"), IPACL_PUBLIC);
	assert_int_equal(ipacl_area_of("/static/css/site.css"), IPACL_PUBLIC);
	assert_int_equal(ipacl_area_of("/pages/staff"), IPACL_PUBLIC);
	assert_int_equal(ipacl_area_of(NULL), IPACL_PUBLIC);
	assert_true(ipacl_area_parse("staff", &a));
	assert_int_equal(a, IPACL_STAFF);
	assert_true(ipacl_area_parse("member", &a));
	assert_int_equal(a, IPACL_MEMBER);
	assert_true(ipacl_area_parse("public", &a));
	assert_int_equal(a, IPACL_PUBLIC);
	assert_false(ipacl_area_parse("admin", &a));
	assert_false(ipacl_area_parse(NULL, &a));
	assert_string_equal(ipacl_area_name(IPACL_MEMBER), "member");
	assert_string_equal(ipacl_area_label(IPACL_STAFF), "職員用管理画面");
}

static void
test_lock_out(void **state)
{
	assert_true(parse("10.0.0.0/8"));
	assert_true(ipacl_would_lock_out(&list, IPACL_STAFF, "127.0.0.1"));
	assert_true(ipacl_would_lock_out(&list, IPACL_PUBLIC, "127.0.0.1"));  /* /login is public */
	assert_false(ipacl_would_lock_out(&list, IPACL_MEMBER, "127.0.0.1"));
	assert_false(ipacl_would_lock_out(&list, IPACL_STAFF, "10.1.1.1"));
	assert_true(ipacl_would_lock_out(&list, IPACL_STAFF, "-"));
	assert_true(parse(""));
	assert_false(ipacl_would_lock_out(&list, IPACL_STAFF, "127.0.0.1"));  /* emptying never locks out */
	assert_true(parse("127.0.0.1 10.0.0.0/8"));
	assert_false(ipacl_would_lock_out(&list, IPACL_STAFF, "::ffff:127.0.0.1"));
}

/* ---- storage and cache ---- */

static int
setup_db(void **state)
{
	db_t *db = dbtest_open();

	*state = db;
	return db != NULL ? 0 : -1;
}

static int
teardown_db(void **state)
{
	dbtest_close(*state);
	return 0;
}

static void
test_store_and_cache(void **state)
{
	db_t *db = *state;
	buf_t b = BUF_INIT;
	db_stmt_t *st;

	/* the migration leaves three empty lists: nothing restricted */
	assert_true(ipacl_store_get(db, IPACL_STAFF, &b));
	assert_int_equal(b.len, 0);
	assert_true(ipacl_cache_load(db));
	assert_true(ipacl_cache_allows(db, IPACL_STAFF, "203.0.113.1", 100));

	assert_true(ipacl_store_set(db, IPACL_STAFF, "10.0.0.0/8 # 庁内\n", "tester", 1000));
	assert_true(ipacl_store_get(db, IPACL_STAFF, &b));
	assert_string_equal(b.data, "10.0.0.0/8 # 庁内\n");
	/* this process invalidated its cache: the next check sees the change */
	assert_false(ipacl_cache_allows(db, IPACL_STAFF, "203.0.113.1", 101));
	assert_true(ipacl_cache_allows(db, IPACL_STAFF, "10.2.3.4", 101));
	assert_true(ipacl_cache_allows(db, IPACL_PUBLIC, "203.0.113.1", 101));
	assert_true(ipacl_cache_allows(db, IPACL_MEMBER, "203.0.113.1", 101));

	/* another node's change (written behind the cache's back) shows at the next second, not before */
	st = db_prepare(db, "UPDATE ip_rules SET rules = '192.0.2.0/24', version = version + 10 WHERE area = 'public'");
	assert_non_null(st);
	assert_int_equal(db_run(st), DB_DONE);
	assert_true(ipacl_cache_allows(db, IPACL_PUBLIC, "203.0.113.1", 101));   /* same second: cached */
	assert_false(ipacl_cache_allows(db, IPACL_PUBLIC, "203.0.113.1", 102));
	assert_true(ipacl_cache_allows(db, IPACL_PUBLIC, "192.0.2.9", 102));

	/* a stored list that does not parse closes its area (fail closed) */
	st = db_prepare(db, "UPDATE ip_rules SET rules = 'not-an-address', version = version + 100 WHERE area = 'member'");
	assert_int_equal(db_run(st), DB_DONE);
	assert_false(ipacl_cache_allows(db, IPACL_MEMBER, "192.0.2.9", 103));
	/* without a database the cache keeps answering from memory */
	assert_false(ipacl_cache_allows(NULL, IPACL_MEMBER, "192.0.2.9", 104));
	assert_true(ipacl_cache_allows(NULL, IPACL_STAFF, "10.0.0.1", 104));

	/* clearing restores access */
	assert_true(ipacl_store_set(db, IPACL_MEMBER, "", "tester", 1001));
	assert_true(ipacl_store_set(db, IPACL_PUBLIC, "", "tester", 1001));
	assert_true(ipacl_store_set(db, IPACL_STAFF, "", "tester", 1001));
	assert_true(ipacl_cache_allows(db, IPACL_MEMBER, "192.0.2.9", 105));
	assert_true(ipacl_cache_allows(db, IPACL_STAFF, "203.0.113.1", 105));
	/* versions only grow */
	st = db_prepare(db, "SELECT MIN(version), MAX(version) FROM ip_rules");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_i64(st, 1), 103);
	db_done(st);
	buf_free(&b);
}

static void
test_store_in_callers_transaction(void **state)
{
	db_t *db = *state;
	buf_t b = BUF_INIT;

	assert_true(db_begin_write(db));
	assert_true(ipacl_store_set(db, IPACL_STAFF, "10.0.0.0/8", "tester", 1000));
	db_rollback(db);
	assert_true(ipacl_store_get(db, IPACL_STAFF, &b));
	assert_int_equal(b.len, 0);  /* rolled back with the caller */
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_forms),
		cmocka_unit_test(test_ipv6_forms),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_separators_comments_lines),
		cmocka_unit_test(test_errors_carry_line_numbers),
		cmocka_unit_test(test_error_limits),
		cmocka_unit_test(test_matching),
		cmocka_unit_test(test_addr_parse),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_areas),
		cmocka_unit_test(test_lock_out),
		cmocka_unit_test_setup_teardown(test_store_and_cache, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_store_in_callers_transaction, setup_db, teardown_db),
	};

	return cmocka_run_group_tests_name("ipacl", tests, NULL, NULL);
}
