/* test_http.c - router patterns and settings parsing (issue 2 items 2 and 3). */
#include "testutil.h"

#include "core/config.h"
#include "core/str.h"

#include <unistd.h>
#include "http/http.h"

static void
test_router_match(void **state)
{
	arena_t a;
	const char *p[HTTP_MAX_PARAMS];
	int n;

	(void)state;
	arena_init(&a, 4096, 0);
	assert_true(router_match("/", "/", &a, p, &n));
	assert_int_equal(n, 0);
	assert_false(router_match("/", "/x", &a, p, &n));
	assert_true(router_match("/login", "/login", &a, p, &n));
	assert_false(router_match("/login", "/login/", &a, p, &n));
	assert_false(router_match("/login", "/logi", &a, p, &n));
	assert_true(router_match("/jobs/:id", "/jobs/42", &a, p, &n));
	assert_int_equal(n, 1);
	assert_string_equal(p[0], "42");
	assert_false(router_match("/jobs/:id", "/jobs/", &a, p, &n));
	assert_false(router_match("/jobs/:id", "/jobs/42/x", &a, p, &n));
	assert_true(router_match("/a/:x/b/:y", "/a/1/b/two", &a, p, &n));
	assert_int_equal(n, 2);
	assert_string_equal(p[1], "two");
	assert_true(router_match("/static/*", "/static/css/site.css", &a, p, &n));
	assert_string_equal(p[0], "css/site.css");
	assert_false(router_match("/static/*", "/static/", &a, p, &n));
	arena_free(&a);
}

static void
test_config_values(void **state)
{
	config_t c;
	char err[256];

	(void)state;
	config_defaults(&c);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_string_equal(c.data_dir, "./var");
	assert_int_equal(c.session_idle_min, 30);
	assert_int_equal(c.session_absolute_h, 12);
	assert_int_equal(c.login_max_failures, 5);
	assert_int_equal(c.login_lockout_min, 15);
	assert_true(config_set(&c, "session", "idle_minutes", "10", err, sizeof(err)));
	assert_int_equal(c.session_idle_min, 10);
	assert_false(config_set(&c, "session", "idle_minutes", "0", err, sizeof(err)));
	assert_false(config_set(&c, "session", "idle_minutes", "10x", err, sizeof(err)));
	assert_false(config_set(&c, "session", "idle_minute", "10", err, sizeof(err)));
	assert_non_null(strstr(err, "unknown"));
	assert_true(config_set(&c, "server", "dev", "true", err, sizeof(err)));
	assert_true(c.dev);
	assert_false(config_set(&c, "server", "dev", "maybe", err, sizeof(err)));
	assert_true(config_set(&c, "server", "max_body", "1048576", err, sizeof(err)));
	assert_int_equal(c.max_body, 1048576);
	assert_false(config_tls(&c));
}

static void
test_config_env(void **state)
{
	config_t c;
	char err[256];

	(void)state;
	config_defaults(&c);
	setenv("TSUNAGU_LOGIN_MAX_FAILURES", "3", 1);
	setenv("TSUNAGU_SERVER_LISTEN", "127.0.0.1:9999", 1);
	assert_true(config_load_env(&c, err, sizeof(err)));
	assert_int_equal(c.login_max_failures, 3);
	assert_string_equal(c.listen, "127.0.0.1:9999");
	setenv("TSUNAGU_LOGIN_MAX_FAILURES", "-1", 1);
	assert_false(config_load_env(&c, err, sizeof(err)));
	unsetenv("TSUNAGU_LOGIN_MAX_FAILURES");
	unsetenv("TSUNAGU_SERVER_LISTEN");
}

static void
test_config_file(void **state)
{
	config_t c;
	char err[256], path[] = "/tmp/tsunagu-ini-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("[server]\nlisten = 127.0.0.1:8181\nthreads = 2\n[login]\nlockout_minutes = 30\n", f);
	fclose(f);
	config_defaults(&c);
	assert_true(config_load_file(&c, path, err, sizeof(err)));
	assert_string_equal(c.listen, "127.0.0.1:8181");
	assert_int_equal(c.threads, 2);
	assert_int_equal(c.login_lockout_min, 30);
	f = fopen(path, "w");
	fputs("[server]\nno_such = 1\n", f);
	fclose(f);
	assert_false(config_load_file(&c, path, err, sizeof(err)));
	assert_non_null(strstr(err, "no_such"));
	unlink(path);
	assert_false(config_load_file(&c, "/nonexistent/tsunagu.ini", err, sizeof(err)));
}

static void
test_site_name_checked(void **state)
{
	config_t c;
	char err[256];

	(void)state;
	config_defaults(&c);
	snprintf(c.site, sizeof(c.site), "../etc");
	assert_false(config_load_site(&c, err, sizeof(err)));
	snprintf(c.site, sizeof(c.site), "gunma");
	assert_true(config_load_site(&c, err, sizeof(err)));
	assert_string_equal(c.site_name, "群馬県就職支援情報サイト");
	assert_true(c.site_nickname[0] != '\0');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_router_match),
		cmocka_unit_test(test_config_values),
		cmocka_unit_test(test_config_env),
		cmocka_unit_test(test_config_file),
		cmocka_unit_test(test_site_name_checked),
	};

	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
