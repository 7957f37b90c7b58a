/* fuzz_tmpl.c - compiles the input as a template and, when it compiles, renders it against a fixed context. */
#include "core/arena.h"
#include "core/buf.h"
#include "view/i18n.h"
#include "view/tmpl.h"
#include "view/value.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static i18n_t *
catalog(void)
{
	static i18n_t *i;
	static const char po[] = "msgid \"ホーム\"\nmsgstr \"<Home>\"\n\nmsgid \"x\"\nmsgstr \"X&\"\n";
	char err[128];

	if (i == NULL) {
		i = i18n_new();
		if (i != NULL)
			(void)i18n_add_po(i, "en", po, sizeof(po) - 1, err, sizeof(err));
	}
	return i;
}

static tv_t *
context(arena_t *a)
{
	tv_t *root = tv_map(a), *user = tv_map(a), *addr = tv_map(a), *jobs = tv_list(a), *tags = tv_list(a);
	int   k;

	tv_set_str(a, addr, "city", "前橋市 <&>\"'");
	tv_set(a, user, "address", addr);
	tv_set_str(a, user, "name", "山田 \"太郎\"");
	tv_set_int(a, user, "age", 42);
	tv_set_bool(a, user, "admin", false);
	tv_set(a, root, "user", user);
	for (k = 0; k < 3; k++) {
		tv_t *j = tv_map(a);

		tv_set_int(a, j, "id", k);
		tv_set_str(a, j, "title", k == 1 ? "javascript:alert(1)" : "https://example.jp/?a=1&b=2");
		tv_set_int(a, j, "wage", 1234567 * (k - 1));
		tv_set_int(a, j, "posted", 1795309500LL + k * 86400 * 200);
		/* the last job leads back to the list: a cycle only the depth limit ends */
		tv_set(a, j, "jobs", k == 2 ? jobs : tv_null(a));
		tv_push(a, jobs, j);
	}
	tv_push(a, tags, tv_str(a, "x"));
	tv_push(a, tags, tv_html_trusted(a, "<b>t</b>", 8));
	tv_push(a, tags, tv_null(a));
	tv_push(a, tags, tv_list(a));
	tv_set(a, root, "jobs", jobs);
	tv_set(a, root, "tags", tags);
	tv_set_str(a, root, "ts", "1795309500");
	tv_set_str(a, root, "empty", "");
	tv_set_int(a, root, "min", INT64_MIN);
	tv_set_int(a, root, "max", INT64_MAX);
	tv_set(a, root, "html", tv_html_trusted(a, "<p>ok</p>", 9));
	return root;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char partial[] = "[{{ name }}{{# jobs }}{{> p }}{{/ jobs }}{{ @index }}]";
	char        err[256];
	tmpl_set_t *set;
	arena_t     a;
	buf_t       out = BUF_INIT;
	tv_t       *ctx;

	set = tmpl_set_from_string("main", (const char *)data, size, err, sizeof(err));
	if (set == NULL)
		return 0;
	/* a self-including partial the input may call as {{> p }} */
	if (!tmpl_set_add(set, "p", partial, sizeof(partial) - 1, err, sizeof(err)))
		__builtin_trap();
	(void)tmpl_set_link(set, err, sizeof(err));
	arena_init(&a, 0, 0);
	ctx = context(&a);
	(void)tmpl_render(set, "main", ctx, catalog(), "en", &out);
	buf_clear(&out);
	(void)tmpl_render(set, "main", ctx, NULL, "ja", &out);
	buf_free(&out);
	arena_free(&a);
	tmpl_set_free(set);
	return 0;
}
