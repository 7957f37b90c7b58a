/* test_tmpl.c - the template engine: escaping, lookup, sections, partials, filters, load errors, loading a tree. */
#include "testutil.h"

#include "core/arena.h"
#include "core/buf.h"
#include "view/i18n.h"
#include "view/tmpl.h"
#include "view/value.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

static arena_t A;

static int
setup(void **state)
{
	arena_init(&A, 0, 0);
	return 0;
}

static int
teardown(void **state)
{
	arena_free(&A);
	return 0;
}

/* Compiles src as "t", renders it with ctx; the result is malloc'd. */
static char *
render_with(const char *src, const tv_t *ctx, const i18n_t *i18n, const char *lang)
{
	char        err[256] = "";
	tmpl_set_t *set = tmpl_set_from_string("t", src, strlen(src), err, sizeof(err));
	buf_t       b = BUF_INIT;
	bool        ok;

	if (set == NULL)
		fail_msg("compile failed: %s", err);
	ok = tmpl_render(set, "t", ctx, i18n, lang, &b);
	tmpl_set_free(set);
	if (!ok) {
		buf_free(&b);
		fail_msg("render of '%s' failed", src);
	}
	return buf_steal(&b, NULL);
}

#define assert_render_i18n(src, ctx, i18n, lang, expect) do { \
	char *s_ = render_with((src), (ctx), (i18n), (lang)); \
	assert_string_equal(s_, (expect)); \
	free(s_); \
} while (0)
#define assert_render(src, ctx, expect) assert_render_i18n(src, ctx, NULL, NULL, expect)

/* Compiling src must fail with exactly want. */
static void
expect_compile_error(const char *src, size_t len, const char *want)
{
	char        err[256] = "";
	tmpl_set_t *set = tmpl_set_from_string("t", src, len, err, sizeof(err));

	if (set != NULL) {
		tmpl_set_free(set);
		fail_msg("'%s' compiled, expected: %s", src, want);
	}
	assert_string_equal(err, want);
}
#define assert_compile_error(src, want) expect_compile_error((src), strlen(src), (want))

static tv_t *
one(const char *key, const char *val)
{
	tv_t *m = tv_map(&A);

	tv_set_str(&A, m, key, val);
	return m;
}

/* ---- escaping ---- */

static void
test_escape_each_char(void **state)
{
	assert_render("{{ s }}", one("s", "<"), "&lt;");
	assert_render("{{ s }}", one("s", ">"), "&gt;");
	assert_render("{{ s }}", one("s", "&"), "&amp;");
	assert_render("{{ s }}", one("s", "\""), "&quot;");
	assert_render("{{ s }}", one("s", "'"), "&#39;");
	assert_render("<p>{{ s }}</p>", one("s", "<script>alert('x' & \"y\")</script>"),
	    "<p>&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;</p>");
	assert_render("{{ s }}", one("s", "日本語 ok"), "日本語 ok");
}

static void
test_escape_in_attribute(void **state)
{
	assert_render("<a title=\"{{ s }}\">", one("s", "\" onmouseover=\"alert(1)"),
	    "<a title=\"&quot; onmouseover=&quot;alert(1)\">");
	assert_render("<a title='{{ s }}'>", one("s", "' onclick='x()"),
	    "<a title='&#39; onclick=&#39;x()'>");
	assert_render("<input value=\"{{ s }}\">", one("s", "<>&\"'"),
	    "<input value=\"&lt;&gt;&amp;&quot;&#39;\">");
}

static void
test_raw_and_trusted(void **state)
{
	tv_t *m = tv_map(&A);

	tv_set_str(&A, m, "s", "<b>bold</b> & \"q\"");
	tv_set(&A, m, "h", tv_html_trusted(&A, "<em>x</em>'", 11));
	assert_render("{{ s | raw }}", m, "<b>bold</b> & \"q\"");
	assert_render("{{ h }}", m, "<em>x</em>'");
	assert_render("{{s|raw}}", m, "<b>bold</b> & \"q\"");
	/* raw after a filter that made a string */
	assert_render("{{ missing | default \"<i>\" | raw }}", m, "<i>");
	assert_render("{{ missing | default \"<i>\" }}", m, "&lt;i&gt;");
}

static void
test_scalars(void **state)
{
	tv_t *m = tv_map(&A);

	tv_set_int(&A, m, "n", -42);
	tv_set_int(&A, m, "big", INT64_MIN);
	tv_set_bool(&A, m, "yes", true);
	tv_set_bool(&A, m, "no", false);
	tv_set(&A, m, "null", tv_null(&A));
	tv_set(&A, m, "list", tv_list(&A));
	assert_render("[{{ n }}][{{ big }}][{{ yes }}][{{ no }}][{{ null }}][{{ missing }}][{{ list }}][{{ . }}]", m,
	    "[-42][-9223372036854775808][true][false][][][][]");
	assert_render("", m, "");
	assert_render("plain text only\n", m, "plain text only\n");
	assert_render("{{ n }}", NULL, "");
}

static void
test_whitespace_in_tags(void **state)
{
	tv_t *m = tv_map(&A), *l = tv_list(&A);

	tv_set_str(&A, m, "x", "X");
	tv_push(&A, l, tv_str(&A, "a"));
	tv_set(&A, m, "l", l);
	assert_render("{{x}}{{ x }}{{  x\t}}{{\nx\n}}", m, "XXXX");
	assert_render("{{#l}}{{.}}{{/l}}{{# l }}{{ . }}{{/ l }}{{ #l }}{{.}}{{ /l }}", m, "aaa");
	assert_render("{{x|default \"d\"}}{{ x | default \"d\" }}{{ y|default\"d\" }}", m, "XXd");
	assert_render("a{{! a comment }}b{{!no space}}c{{! it's \"odd }}d", m, "abcd");
	assert_render("{{ \"}}\" }}", m, "}}");
}

static void
test_literals(void **state)
{
	assert_render("{{ \"a<b\" }}", NULL, "a&lt;b");
	assert_render("{{ \"say \\\"hi\\\"\" }}", NULL, "say &quot;hi&quot;");
	assert_render("{{ \"back\\\\slash\" }}", NULL, "back\\slash");
	assert_render("{{ \"ホーム\" }}", NULL, "ホーム");
}

/* ---- lookup and sections ---- */

static tv_t *
person(const char *name, int64_t age)
{
	tv_t *p = tv_map(&A);

	tv_set_str(&A, p, "name", name);
	tv_set_int(&A, p, "age", age);
	return p;
}

static void
test_dotted_lookup(void **state)
{
	tv_t *m = tv_map(&A), *user = tv_map(&A), *addr = tv_map(&A);

	tv_set_str(&A, addr, "city", "前橋市");
	tv_set(&A, user, "address", addr);
	tv_set_str(&A, user, "name", "山田");
	tv_set(&A, m, "user", user);
	tv_set_str(&A, m, "city", "outer");
	assert_render("{{ user.address.city }}/{{ user.name }}", m, "前橋市/山田");
	assert_render("[{{ user.nope.city }}][{{ user.name.x }}][{{ nope.city }}]", m, "[][][]");
	/* a dotted name does not fall back once its first part is found */
	assert_render("{{# user }}[{{ address.city }}][{{ name.city }}][{{ city }}]{{/ user }}", m, "[前橋市][][outer]");
}

static void
test_outer_context(void **state)
{
	tv_t *m = tv_map(&A), *items = tv_list(&A);

	tv_push(&A, items, person("a", 1));
	tv_push(&A, items, person("b", 2));
	tv_set(&A, m, "items", items);
	tv_set_str(&A, m, "site", "群馬");
	tv_set_str(&A, m, "name", "root");
	assert_render("{{# items }}{{ name }}@{{ site }};{{/ items }}{{ name }}", m, "a@群馬;b@群馬;root");
	/* a key present with a null value stops the search outwards */
	tv_set(&A, items->u.list.items[0], "site", tv_null(&A));
	assert_render("{{# items }}[{{ site }}]{{/ items }}", m, "[][群馬]");
}

static void
test_nested_sections(void **state)
{
	tv_t *m = tv_map(&A), *groups = tv_list(&A);
	int   g;

	for (g = 0; g < 2; g++) {
		tv_t *grp = tv_map(&A), *members = tv_list(&A);

		tv_set_str(&A, grp, "title", g == 0 ? "G1" : "G2");
		tv_push(&A, members, person(g == 0 ? "x" : "z", 1));
		if (g == 0)
			tv_push(&A, members, person("y", 2));
		tv_set(&A, grp, "members", members);
		tv_push(&A, groups, grp);
	}
	tv_set(&A, m, "groups", groups);
	assert_render("{{# groups }}<h2>{{ title }}</h2><ul>{{# members }}<li>{{ title }}:{{ name }}({{ age }})"
	    "</li>{{/ members }}</ul>{{/ groups }}", m,
	    "<h2>G1</h2><ul><li>G1:x(1)</li><li>G1:y(2)</li></ul><h2>G2</h2><ul><li>G2:z(1)</li></ul>");
}

static void
test_list_vars(void **state)
{
	tv_t *m = tv_map(&A), *l = tv_list(&A), *one_item = tv_list(&A);

	tv_push(&A, l, tv_str(&A, "a"));
	tv_push(&A, l, tv_str(&A, "b"));
	tv_push(&A, l, tv_str(&A, "c"));
	tv_push(&A, one_item, tv_str(&A, "only"));
	tv_set(&A, m, "l", l);
	tv_set(&A, m, "one", one_item);
	assert_render("{{# l }}{{ @index }}:{{ . }}{{# @first }}F{{/ @first }}{{# @last }}L{{/ @last }}"
	    "{{^ @last }},{{/ @last }}{{/ l }}", m, "1:aF,2:b,3:cL");
	assert_render("{{# l }}{{ @first }}/{{ @last }} {{/ l }}", m, "true/false false/false false/true ");
	assert_render("{{# one }}{{ @index }}{{ @first }}{{ @last }}{{/ one }}", m, "1truetrue");
	/* outside any list they are empty */
	assert_render("[{{ @index }}][{{ @first }}]{{# @first }}no{{/ @first }}", m, "[][]");
	/* a map section inside an item still sees the item's position */
	{
		tv_t *rows = tv_list(&A);
		tv_t *r1 = tv_map(&A), *r2 = tv_map(&A);

		tv_set(&A, r1, "p", person("p1", 1));
		tv_set(&A, r2, "p", person("p2", 2));
		tv_push(&A, rows, r1);
		tv_push(&A, rows, r2);
		tv_set(&A, m, "rows", rows);
		assert_render("{{# rows }}{{# p }}{{ @index }}={{ name }} {{/ p }}{{/ rows }}", m, "1=p1 2=p2 ");
	}
	/* nested lists: the innermost list counts */
	{
		tv_t *outer = tv_list(&A);

		tv_push(&A, outer, l);
		tv_push(&A, outer, one_item);
		tv_set(&A, m, "outer", outer);
		assert_render("{{# outer }}{{ @index }}[{{# . }}{{ @index }}{{/ . }}]{{ @index }} {{/ outer }}", m,
		    "1[123]1 2[1]2 ");
	}
}

static void
test_map_and_scalar_sections(void **state)
{
	tv_t *m = tv_map(&A);

	tv_set(&A, m, "user", person("花子", 30));
	tv_set(&A, m, "empty", tv_map(&A));
	tv_set_str(&A, m, "s", "str");
	tv_set_int(&A, m, "n", 7);
	tv_set_bool(&A, m, "t", true);
	assert_render("{{# user }}{{ name }}={{ age }}{{/ user }}", m, "花子=30");
	assert_render("{{# empty }}entered{{/ empty }}", m, "entered");
	assert_render("{{# s }}<{{ . }}>{{/ s }}{{# n }}[{{ . }}]{{/ n }}{{# t }}yes{{/ t }}", m, "<str>[7]yes");
	assert_render("{{# missing }}no{{/ missing }}", m, "");
}

static void
test_inverted(void **state)
{
	tv_t *m = tv_map(&A), *l = tv_list(&A);

	tv_set(&A, m, "empty_list", tv_list(&A));
	tv_push(&A, l, tv_int(&A, 1));
	tv_set(&A, m, "list", l);
	tv_set_bool(&A, m, "f", false);
	tv_set_bool(&A, m, "t", true);
	tv_set_int(&A, m, "zero", 0);
	tv_set_int(&A, m, "one", 1);
	tv_set_str(&A, m, "es", "");
	tv_set_str(&A, m, "s", "x");
	tv_set(&A, m, "null", tv_null(&A));
	tv_set(&A, m, "map", tv_map(&A));
	assert_render("{{^ missing }}a{{/ missing }}{{^ f }}b{{/ f }}{{^ zero }}c{{/ zero }}{{^ es }}d{{/ es }}"
	    "{{^ empty_list }}e{{/ empty_list }}{{^ null }}f{{/ null }}", m, "abcdef");
	assert_render("{{^ t }}a{{/ t }}{{^ one }}b{{/ one }}{{^ s }}c{{/ s }}{{^ list }}d{{/ list }}"
	    "{{^ map }}e{{/ map }}", m, "");
	assert_render("{{# f }}no{{/ f }}{{# zero }}no{{/ zero }}{{# es }}no{{/ es }}{{# empty_list }}no{{/ empty_list }}",
	    m, "");
	/* the inverted body keeps the current context */
	assert_render("{{# list }}{{^ f }}{{ . }}{{/ f }}{{/ list }}", m, "1");
}

/* ---- partials ---- */

static tmpl_set_t *
set_with(const char *main_src, const char *pname, const char *psrc)
{
	char        err[256] = "";
	tmpl_set_t *set = tmpl_set_from_string("main", main_src, strlen(main_src), err, sizeof(err));

	if (set == NULL)
		fail_msg("compile: %s", err);
	if (!tmpl_set_add(set, pname, psrc, strlen(psrc), err, sizeof(err)))
		fail_msg("add: %s", err);
	if (!tmpl_set_link(set, err, sizeof(err)))
		fail_msg("link: %s", err);
	return set;
}

static void
test_partials(void **state)
{
	tv_t       *m = tv_map(&A), *items = tv_list(&A);
	tmpl_set_t *set;
	buf_t       b = BUF_INIT;

	tv_push(&A, items, person("a<", 1));
	tv_push(&A, items, person("b", 2));
	tv_set(&A, m, "items", items);
	tv_set_str(&A, m, "title", "T");
	set = set_with("<ul>{{# items }}{{>partials/item}}{{/ items }}</ul>",
	    "partials/item", "<li>{{ @index }}.{{ name }} ({{ title }})</li>");
	assert_true(tmpl_set_has(set, "main"));
	assert_true(tmpl_set_has(set, "partials/item"));
	assert_true(tmpl_render(set, "main", m, NULL, NULL, &b));
	assert_string_equal(b.data, "<ul><li>1.a&lt; (T)</li><li>2.b (T)</li></ul>");
	buf_clear(&b);
	/* a partial renders alone too */
	assert_true(tmpl_render(set, "partials/item", person("solo", 3), NULL, NULL, &b));
	assert_string_equal(b.data, "<li>.solo ()</li>");
	buf_free(&b);
	tmpl_set_free(set);
}

static void
test_unknown_partial(void **state)
{
	char        err[256] = "";
	tmpl_set_t *set = tmpl_set_from_string("t", "a\n\n{{> nope }}", 14, err, sizeof(err));
	buf_t       b = BUF_INIT;

	/* compiling alone leaves it for linking; linking names file and line; rendering fails */
	assert_non_null(set);
	assert_false(tmpl_set_link(set, err, sizeof(err)));
	assert_string_equal(err, "t:3: unknown partial 'nope'");
	assert_false(tmpl_render(set, "t", NULL, NULL, NULL, &b));
	buf_free(&b);
	/* adding it later makes the set whole */
	assert_true(tmpl_set_add(set, "nope", "P", 1, err, sizeof(err)));
	assert_true(tmpl_set_link(set, err, sizeof(err)));
	assert_true(tmpl_render(set, "t", NULL, NULL, NULL, &b));
	assert_string_equal(b.data, "a\n\nP");
	buf_free(&b);
	/* the same name twice is an error */
	assert_false(tmpl_set_add(set, "nope", "Q", 1, err, sizeof(err)));
	assert_string_equal(err, "nope:1: template 'nope' defined twice");
	tmpl_set_free(set);
}

static void
test_recursive_partial(void **state)
{
	tmpl_set_t *set = set_with("before{{> p }}after", "p", "x{{> p }}");
	buf_t       b = BUF_INIT;

	assert_true(buf_puts(&b, "kept|"));
	assert_false(tmpl_render(set, "main", NULL, NULL, NULL, &b));
	/* no half-rendered output is left behind */
	assert_string_equal(b.data, "kept|");
	assert_int_equal(b.len, 5);
	buf_free(&b);
	tmpl_set_free(set);

	/* mutual recursion too */
	set = set_with("{{> a }}", "a", "{{> main }}");
	assert_false(tmpl_render(set, "main", NULL, NULL, NULL, &b));
	buf_free(&b);
	tmpl_set_free(set);
}

static void
test_recursion_bounded_by_data(void **state)
{
	/* a tree menu: the partial includes itself for each child, and stops where the data stops */
	tv_t       *root = tv_map(&A), *cur = root;
	tmpl_set_t *set = set_with("{{> node }}", "node",
	    "({{ name }}{{# children }}{{> node }}{{/ children }})");
	buf_t       b = BUF_INIT;
	int         d;

	for (d = 0; d < 5; d++) {
		tv_t *kids = tv_list(&A), *kid = tv_map(&A);

		tv_set_str(&A, cur, "name", d == 0 ? "r" : "n");
		tv_push(&A, kids, kid);
		tv_set(&A, cur, "children", kids);
		cur = kid;
	}
	tv_set_str(&A, cur, "name", "leaf");
	/* without this the leaf's "children" would be found in its parent (mustache lookup) */
	tv_set(&A, cur, "children", tv_null(&A));
	assert_true(tmpl_render(set, "main", root, NULL, NULL, &b));
	assert_string_equal(b.data, "(r(n(n(n(n(leaf))))))");
	buf_clear(&b);

	/* 20 levels need 41 (section + partial each), past TMPL_MAX_DEPTH: refused */
	for (d = 0; d < 15; d++) {
		tv_t *kids = tv_list(&A), *kid = tv_map(&A);

		tv_set_str(&A, kid, "name", "deep");
		tv_push(&A, kids, kid);
		tv_set(&A, cur, "children", kids);
		cur = kid;
	}
	tv_set(&A, cur, "children", tv_null(&A));
	assert_false(tmpl_render(set, "main", root, NULL, NULL, &b));
	buf_free(&b);
	tmpl_set_free(set);
}

static void
test_depth_limit(void **state)
{
	/* 32 nested sections render at the top level, but not once a section and a partial are around them */
	tv_t       *m = tv_map(&A);
	buf_t       src = BUF_INIT, b = BUF_INIT;
	tmpl_set_t *set;
	int         k;

	tv_set_bool(&A, m, "a", true);
	for (k = 0; k < 32; k++)
		assert_true(buf_puts(&src, "{{# a }}"));
	assert_true(buf_puts(&src, "deep"));
	for (k = 0; k < 32; k++)
		assert_true(buf_puts(&src, "{{/ a }}"));
	set = set_with("{{# a }}{{> p }}{{/ a }}", "p", src.data);
	assert_true(tmpl_render(set, "p", m, NULL, NULL, &b));
	assert_string_equal(b.data, "deep");
	buf_clear(&b);
	assert_false(tmpl_render(set, "main", m, NULL, NULL, &b));
	tmpl_set_free(set);
	buf_free(&b);
	buf_free(&src);
}

static void
test_render_errors(void **state)
{
	tmpl_set_t *set = set_with("x", "y", "y");
	buf_t       b = BUF_INIT;

	assert_false(tmpl_render(set, "nope", NULL, NULL, NULL, &b));
	assert_false(tmpl_render(set, NULL, NULL, NULL, NULL, &b));
	assert_false(tmpl_render(NULL, "x", NULL, NULL, NULL, &b));
	assert_false(tmpl_set_has(set, "nope"));
	assert_false(tmpl_set_changed(set)); /* not from a directory */
	buf_free(&b);
	tmpl_set_free(set);
}

static void
test_step_limit(void **state)
{
	/* 16 nested sections over the same outer list of 4: 4^16 iterations, refused instead of hanging */
	tv_t *m = tv_map(&A), *l = tv_list(&A);
	buf_t b = BUF_INIT, src = BUF_INIT;
	char *s;
	int   k;

	for (k = 0; k < 4; k++)
		tv_push(&A, l, tv_int(&A, k));
	tv_set(&A, m, "l", l);
	for (k = 0; k < 16; k++)
		assert_true(buf_puts(&src, "{{# l }}"));
	for (k = 0; k < 16; k++)
		assert_true(buf_puts(&src, "{{/ l }}"));
	{
		char        err[256];
		tmpl_set_t *set = tmpl_set_from_string("t", src.data, src.len, err, sizeof(err));

		assert_non_null(set);
		assert_false(tmpl_render(set, "t", m, NULL, NULL, &b));
		tmpl_set_free(set);
	}
	/* a big but sane page is fine: 100,000 rows */
	l = tv_list(&A);
	for (k = 0; k < 100000; k++)
		tv_push(&A, l, tv_int(&A, k));
	tv_set(&A, m, "l", l);
	s = render_with("{{# l }}{{# @last }}{{ @index }}:{{ . }}{{/ @last }}{{/ l }}", m, NULL, NULL);
	assert_string_equal(s, "100000:99999");
	free(s);
	buf_free(&b);
	buf_free(&src);
}

/* ---- filters ---- */

#define T_2026_11_22_1005 1795309500LL /* 2026-11-22 10:05:00 JST */

static void
test_date_filters(void **state)
{
	tv_t *m = tv_map(&A);

	tv_set_int(&A, m, "t", T_2026_11_22_1005);
	tv_set_str(&A, m, "ts", "1795309500");
	tv_set(&A, m, "null", tv_null(&A));
	tv_set_str(&A, m, "junk", "yesterday");
	assert_render("{{ t | date }}|{{ t | datetime }}|{{ t | time }}|{{ t | wareki }}|{{ t | iso }}", m,
	    "2026年11月22日|2026年11月22日 10:05|10:05|令和8年11月22日|2026-11-22T10:05:00+09:00");
	assert_render("{{ ts | date }}|{{ ts | iso }}", m, "2026年11月22日|2026-11-22T10:05:00+09:00");
	assert_render("[{{ null | date }}][{{ missing | datetime }}][{{ junk | time }}][{{ null | wareki }}]", m,
	    "[][][][]");
	assert_render("{{ missing | date | default \"未定\" }}", m, "未定");
}

static void
test_wareki_boundaries(void **state)
{
	tv_t *m = tv_map(&A);

	tv_set_int(&A, m, "a", 1556636399LL);  /* 2019-04-30 23:59:59 JST */
	tv_set_int(&A, m, "b", 1556636400LL);  /* 2019-05-01 00:00:00 JST */
	tv_set_int(&A, m, "c", 600145200LL);   /* 1989-01-07 12:00 JST */
	tv_set_int(&A, m, "d", 600188400LL);   /* 1989-01-08 00:00 JST */
	assert_render("{{ a | wareki }},{{ b | wareki }},{{ c | wareki }},{{ d | wareki }}", m,
	    "平成31年4月30日,令和元年5月1日,昭和64年1月7日,平成元年1月8日");
	assert_render("{{ a | date }},{{ b | date }}", m, "2019年4月30日,2019年5月1日");
}

static void
test_tz_independent(void **state)
{
	tv_t *m = tv_map(&A);
	char *saved = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	const char *zones[] = { "America/New_York", "UTC" };
	size_t k;

	tv_set_int(&A, m, "t", T_2026_11_22_1005);
	for (k = 0; k < 2; k++) {
		assert_int_equal(setenv("TZ", zones[k], 1), 0);
		tzset();
		assert_render("{{ t | datetime }} {{ t | iso }} {{ t | wareki }}", m,
		    "2026年11月22日 10:05 2026-11-22T10:05:00+09:00 令和8年11月22日");
	}
	if (saved != NULL) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();
}

static void
test_yen_number(void **state)
{
	tv_t *m = tv_map(&A);

	tv_set_int(&A, m, "a", 1234567);
	tv_set_int(&A, m, "b", -1234);
	tv_set_int(&A, m, "z", 0);
	tv_set_int(&A, m, "h", 999);
	tv_set_int(&A, m, "k", 1000);
	tv_set_int(&A, m, "min", INT64_MIN);
	tv_set_str(&A, m, "s", "250000");
	tv_set_str(&A, m, "bad", "12a");
	assert_render("{{ a | yen }} {{ b | yen }} {{ z | yen }} {{ h | yen }} {{ k | yen }}", m,
	    "1,234,567円 -1,234円 0円 999円 1,000円");
	assert_render("{{ a | number }} {{ b | number }} {{ s | number }} {{ s | yen }}", m,
	    "1,234,567 -1,234 250,000 250,000円");
	assert_render("{{ min | number }}", m, "-9,223,372,036,854,775,808");
	assert_render("[{{ bad | yen }}][{{ missing | number }}]", m, "[][]");
}

static void
test_t_filter(void **state)
{
	static const char po[] = "msgid \"ホーム\"\nmsgstr \"Home\"\n\n"
	    "msgid \"求人\"\nmsgstr \"<Jobs>\"\n";
	char    err[256];
	i18n_t *i = i18n_new();
	tv_t   *m = tv_map(&A);

	assert_true(i18n_add_po(i, "en", po, strlen(po), err, sizeof(err)));
	tv_set_str(&A, m, "label", "求人");
	assert_render_i18n("{{ \"ホーム\" | t }}", m, i, "en", "Home");
	assert_render_i18n("{{ \"ホーム\" | t }}", m, i, "ja", "ホーム");
	assert_render_i18n("{{ \"ホーム\" | t }}", m, i, NULL, "ホーム");
	assert_render_i18n("{{ \"ホーム\" | t }}", m, NULL, "en", "ホーム");
	assert_render_i18n("{{ \"ホーム\" | t }}", m, i, "fr", "ホーム");
	assert_render_i18n("{{ \"未知\" | t }}", m, i, "en", "未知");
	/* translations are escaped like any text */
	assert_render_i18n("{{ label | t }}", m, i, "en", "&lt;Jobs&gt;");
	assert_render_i18n("{{ label | t | raw }}", m, i, "en", "<Jobs>");
	i18n_free(i);
}

static void
test_url_filter(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "https://example.jp/a?b=1&c=2", "https://example.jp/a?b=1&amp;c=2" },
		{ "http://example.jp/", "http://example.jp/" },
		{ "HTTPS://EXAMPLE.JP/", "HTTPS://EXAMPLE.JP/" },
		{ "mailto:info@example.jp", "mailto:info@example.jp" },
		{ "tel:+81-27-000-0000", "tel:+81-27-000-0000" },
		{ "/jobs/12?q=a", "/jobs/12?q=a" },
		{ "//example.jp/x", "//example.jp/x" },
		{ "#top", "#top" },
		{ "?page=2", "?page=2" },
		{ "jobs/12", "jobs/12" },
		{ "page.html", "page.html" },
		{ "", "" },
		{ "  https://example.jp/", "  https://example.jp/" },
		{ "\thttp://example.jp/", "\thttp://example.jp/" },
		{ "javascript:alert(1)", "#" },
		{ "JaVaScRiPt:alert(1)", "#" },
		{ "JAVASCRIPT:alert(1)", "#" },
		{ " javascript:alert(1)", "#" },
		{ "   JavaScript:alert(1)", "#" },
		{ "\tjavascript:alert(1)", "#" },
		{ "\x01javascript:alert(1)", "#" },
		{ "java\tscript:alert(1)", "#" },
		{ "java\nscript:alert(1)", "#" },
		{ "java\rscript:alert(1)", "#" },
		{ "javascript&colon;alert(1)", "#" },
		{ "data:text/html,<script>alert(1)</script>", "#" },
		{ "DaTa:text/html;base64,PHNjcmlwdD4=", "#" },
		{ "  data:text/html,x", "#" },
		{ "vbscript:msgbox(1)", "#" },
		{ "VBScript:msgbox(1)", "#" },
		{ " \tVbScRiPt:msgbox(1)", "#" },
		{ "file:///etc/passwd", "#" },
		{ "ftp://example.jp/", "#" },
		{ ":nothing", "#" },
		{ "\"><script>", "&quot;&gt;&lt;script&gt;" },
	};
	size_t k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char *s = render_with("{{ u | url }}", one("u", cases[k].in), NULL, NULL);

		if (strcmp(s, cases[k].out) != 0)
			fail_msg("url filter on '%s': got '%s', want '%s'", cases[k].in, s, cases[k].out);
		free(s);
	}
	assert_render("<a href=\"{{ u | url }}\">", one("u", "javascript:alert('x')"), "<a href=\"#\">");
	assert_render("[{{ missing | url }}]", NULL, "[]");
}

static void
test_urlenc_json(void **state)
{
	tv_t *m = tv_map(&A), *l = tv_list(&A), *inner = tv_map(&A);

	tv_set_str(&A, m, "q", "a b&c=d/日本");
	tv_set_str(&A, m, "x", "</script><script>alert(\"x\")</script>");
	tv_set_str(&A, m, "nl", "a\nb'\\");
	tv_set_int(&A, m, "n", 42);
	tv_push(&A, l, tv_int(&A, 1));
	tv_push(&A, l, tv_str(&A, "<"));
	tv_push(&A, l, tv_bool(&A, true));
	tv_push(&A, l, tv_null(&A));
	tv_set_str(&A, inner, "k", "v");
	tv_push(&A, l, inner);
	tv_set(&A, m, "l", l);
	assert_render("/search?q={{ q | urlenc }}", m, "/search?q=a%20b%26c%3Dd%2F%E6%97%A5%E6%9C%AC");
	assert_render("<script>var x = {{ x | json }};</script>", m,
	    "<script>var x = \"\\u003c/script\\u003e\\u003cscript\\u003ealert(\\\"x\\\")\\u003c/script\\u003e\";</script>");
	assert_render("{{ nl | json }}", m, "\"a\\nb\\u0027\\\\\"");
	assert_render("{{ n | json }} {{ missing | json }}", m, "42 null");
	assert_render("{{ l | json }}", m, "[1,\"\\u003c\",true,null,{\"k\":\"v\"}]");
	assert_render("{{ n | urlenc }}", m, "42");
}

static void
test_default_filter(void **state)
{
	tv_t *m = tv_map(&A);

	tv_set_str(&A, m, "es", "");
	tv_set_int(&A, m, "zero", 0);
	tv_set_bool(&A, m, "f", false);
	tv_set(&A, m, "el", tv_list(&A));
	tv_set_str(&A, m, "s", "値");
	tv_set_int(&A, m, "n", 5);
	assert_render("{{ missing | default \"x\" }}{{ es | default \"x\" }}{{ zero | default \"x\" }}"
	    "{{ f | default \"x\" }}{{ el | default \"x\" }}", m, "xxxxx");
	assert_render("{{ s | default \"x\" }}{{ n | default \"x\" }}", m, "値5");
	assert_render("{{ missing | default \"\" }}|", m, "|");
	assert_render("{{ missing | default \"0\" | yen }}", m, "0円");
	assert_render("{{ missing | default \"ホーム\" | t }}", m, "ホーム");
}

static void
test_filter_chain_scratch(void **state)
{
	/* several filters in a row, each reading what the previous one wrote */
	tv_t *m = tv_map(&A);

	tv_set_int(&A, m, "n", 1234567);
	assert_render("{{ n | number | urlenc | urlenc | json }}", m, "\"1%252C234%252C567\"");
	assert_render("{{ n | yen | default \"x\" | url | raw }}", m, "1,234,567円");
}

/* ---- compile errors ---- */

static void
test_compile_errors(void **state)
{
	assert_compile_error("a\nb\n{{ x | nope }}", "t:3: unknown filter 'nope'");
	assert_compile_error("a\n{{ x ", "t:2: unterminated tag");
	assert_compile_error("a\n{{ x\n\n", "t:2: unterminated tag");
	assert_compile_error("{{! never closed", "t:1: unterminated tag");
	assert_compile_error("{{ \"}} }}", "t:1: unterminated tag");
	assert_compile_error("\n{{# a }}\nx", "t:2: {{# a }} is never closed");
	assert_compile_error("{{# a }}{{^ b }}\n{{/ b }}\n\n", "t:1: {{# a }} is never closed");
	assert_compile_error("{{# a }}\n{{/ b }}", "t:2: {{/ b }} does not close {{# a }} from line 1");
	assert_compile_error("{{# a }}\n{{^ b }}\n{{/ a }}", "t:3: {{/ a }} does not close {{^ b }} from line 2");
	assert_compile_error("x\n\n{{/ a }}", "t:3: {{/ a }} without an open section");
	assert_compile_error("\n{{ x | default }}", "t:2: filter 'default' needs a \"string\" argument");
	assert_compile_error("\n\n{{ x | date \"y\" }}", "t:3: filter 'date' takes no argument");
	assert_compile_error("{{ }}", "t:1: empty tag");
	assert_compile_error("\n{{{ x }}}", "t:2: {{{ }}} is not supported: use {{ x | raw }}");
	assert_compile_error("{{ @nope }}", "t:1: unknown variable '@nope' (@index, @first, @last)");
	assert_compile_error("{{# a | raw }}{{/ a }}", "t:1: filters are not allowed in a section tag");
	assert_compile_error("{{# \"lit\" }}{{/ a }}", "t:1: a section needs a name, not a string literal");
	assert_compile_error("{{ a..b }}", "t:1: bad name 'a..b'");
	assert_compile_error("{{ a b }}", "t:1: unexpected 'b' in tag");
	assert_compile_error("{{ x | }}", "t:1: expected a filter name after '|'");
	assert_compile_error("{{ \"a\\n\" }}", "t:1: bad escape in string literal (only \\\" and \\\\)");
	assert_compile_error("{{> }}", "t:1: bad partial name ''");
	assert_compile_error("{{> a b }}", "t:1: bad partial name 'a b'");
	/* lines are counted through multi-line comments and tags */
	assert_compile_error("{{! a\nb\nc }}\n{{ x | bad }}", "t:4: unknown filter 'bad'");
	assert_compile_error("{{ x\n|\ndate }}\n{{ y |\nbad }}", "t:4: unknown filter 'bad'");
	assert_compile_error("\r\n\r\n{{ x | bad }}", "t:3: unknown filter 'bad'");
}

static void
test_nesting_limit(void **state)
{
	buf_t b = BUF_INIT;
	char *s;
	int   k;

	for (k = 0; k < 32; k++)
		assert_true(buf_puts(&b, "{{# a }}"));
	for (k = 0; k < 32; k++)
		assert_true(buf_puts(&b, "{{/ a }}"));
	s = render_with(b.data, NULL, NULL, NULL);
	assert_string_equal(s, "");
	free(s);
	buf_clear(&b);
	for (k = 0; k < 33; k++)
		assert_true(buf_puts(&b, "{{# a }}\n"));
	expect_compile_error(b.data, b.len, "t:33: sections nested deeper than 32");
	buf_free(&b);
}

static void
test_too_large(void **state)
{
	size_t n = TMPL_MAX_FILE + 1;
	char  *big = malloc(n);
	char   err[256];
	tmpl_set_t *set;

	assert_non_null(big);
	memset(big, 'x', n);
	expect_compile_error(big, n, "t:1: template larger than 524288 bytes");
	set = tmpl_set_from_string("t", big, n - 1, err, sizeof(err));
	assert_non_null(set);
	tmpl_set_free(set);
	free(big);
}

/* ---- loading a directory ---- */

static void
write_file(const char *dir, const char *rel, const char *s)
{
	char  path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(s, 1, strlen(s), f), strlen(s));
	assert_int_equal(fclose(f), 0);
}

static void
rm_rf(const char *path)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	assert_int_equal(system(cmd), 0);
}

static void
test_load_dir(void **state)
{
	char        dir[] = "/tmp/test_tmpl_XXXXXX", outside[] = "/tmp/test_tmpl_out_XXXXXX";
	char        err[512], path[1024];
	tmpl_set_t *set;
	buf_t       b = BUF_INIT;
	tv_t       *m = one("title", "<T>");
	struct timespec later[2];

	assert_non_null(mkdtemp(dir));
	assert_non_null(mkdtemp(outside));
	snprintf(path, sizeof(path), "%s/partials", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/errors", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/.git", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	write_file(dir, "page.html", "{{> partials/header }}<main>{{ title }}</main>");
	write_file(dir, "partials/header.html", "<header>{{ title | raw }}</header>");
	write_file(dir, "errors/404.html", "見つかりません");
	write_file(dir, ".hidden.html", "{{ broken");
	write_file(dir, ".git/x.html", "{{ broken");
	write_file(dir, "notes.txt", "{{ not a template");
	write_file(outside, "secret.html", "SECRET");
	/* symlinks (to a file or a directory out of the tree) are not followed */
	snprintf(path, sizeof(path), "%s/secret.html", outside);
	{
		char link[1024];

		snprintf(link, sizeof(link), "%s/evil.html", dir);
		assert_int_equal(symlink(path, link), 0);
		snprintf(link, sizeof(link), "%s/outdir", dir);
		assert_int_equal(symlink(outside, link), 0);
	}

	set = tmpl_set_load(dir, err, sizeof(err));
	if (set == NULL)
		fail_msg("load: %s", err);
	assert_true(tmpl_set_has(set, "page"));
	assert_true(tmpl_set_has(set, "partials/header"));
	assert_true(tmpl_set_has(set, "errors/404"));
	assert_false(tmpl_set_has(set, ".hidden"));
	assert_false(tmpl_set_has(set, ".git/x"));
	assert_false(tmpl_set_has(set, "evil"));
	assert_false(tmpl_set_has(set, "outdir/secret"));
	assert_false(tmpl_set_has(set, "notes"));
	assert_false(tmpl_set_has(set, "page.html"));
	assert_true(tmpl_render(set, "page", m, NULL, NULL, &b));
	assert_string_equal(b.data, "<header><T></header><main>&lt;T&gt;</main>");
	buf_clear(&b);
	assert_true(tmpl_render(set, "errors/404", m, NULL, NULL, &b));
	assert_string_equal(b.data, "見つかりません");

	/* --dev change detection */
	assert_false(tmpl_set_changed(set));
	write_file(dir, "notes.txt", "changed, but not a template: the directory mtime is unchanged");
	assert_false(tmpl_set_changed(set));
	clock_gettime(CLOCK_REALTIME, &later[0]);
	later[0].tv_sec += 10;
	later[1] = later[0];
	snprintf(path, sizeof(path), "%s/errors/404.html", dir);
	assert_int_equal(utimensat(AT_FDCWD, path, later, 0), 0);
	assert_true(tmpl_set_changed(set));
	tmpl_set_free(set);

	set = tmpl_set_load(dir, err, sizeof(err));
	assert_non_null(set);
	assert_false(tmpl_set_changed(set));
	write_file(dir, "errors/500.html", "new");
	assert_true(tmpl_set_changed(set));
	tmpl_set_free(set);

	set = tmpl_set_load(dir, err, sizeof(err));
	assert_non_null(set);
	snprintf(path, sizeof(path), "%s/errors/500.html", dir);
	assert_int_equal(unlink(path), 0);
	assert_true(tmpl_set_changed(set));
	tmpl_set_free(set);

	/* errors name the file and line */
	write_file(dir, "errors/bad.html", "line 1\n{{ x | shout }}");
	assert_null(tmpl_set_load(dir, err, sizeof(err)));
	assert_string_equal(err, "errors/bad.html:2: unknown filter 'shout'");
	write_file(dir, "errors/bad.html", "ok\n\n\n{{> partials/missing }}");
	assert_null(tmpl_set_load(dir, err, sizeof(err)));
	assert_string_equal(err, "errors/bad.html:4: unknown partial 'partials/missing'");
	snprintf(path, sizeof(path), "%s/errors/bad.html", dir);
	assert_int_equal(unlink(path), 0);
	{
		char *big = malloc(TMPL_MAX_FILE + 2);

		assert_non_null(big);
		memset(big, 'x', TMPL_MAX_FILE + 1);
		big[TMPL_MAX_FILE + 1] = '\0';
		write_file(dir, "big.html", big);
		free(big);
	}
	assert_null(tmpl_set_load(dir, err, sizeof(err)));
	assert_string_equal(err, "big.html:1: template larger than 524288 bytes");

	assert_null(tmpl_set_load("/nonexistent/templates", err, sizeof(err)));
	assert_string_equal(err, "/nonexistent/templates: No such file or directory");

	buf_free(&b);
	rm_rf(dir);
	rm_rf(outside);
}

/* ---- many threads, one set ---- */

struct thread_arg {
	const tmpl_set_t *set;
	const tv_t       *ctx;
	int               failures;
};

#define THREAD_RENDERS 2000

static void *
render_many(void *p)
{
	struct thread_arg *ta = p;
	buf_t              b = BUF_INIT;
	int                k;

	for (k = 0; k < THREAD_RENDERS; k++) {
		buf_clear(&b);
		if (!tmpl_render(ta->set, "main", ta->ctx, NULL, NULL, &b) ||
		    strcmp(b.data, "<ul><li>1:a 1,000円</li><li>2:b 2,000円</li></ul>") != 0)
			ta->failures++;
	}
	buf_free(&b);
	return NULL;
}

static void
test_threads(void **state)
{
	tv_t             *m = tv_map(&A), *l = tv_list(&A);
	tmpl_set_t       *set = set_with("<ul>{{# l }}{{> item }}{{/ l }}</ul>", "item",
	    "<li>{{ @index }}:{{ name }} {{ age | yen }}</li>");
	pthread_t         th[4];
	struct thread_arg ta[4];
	int               k;

	tv_push(&A, l, person("a", 1000));
	tv_push(&A, l, person("b", 2000));
	tv_set(&A, m, "l", l);
	for (k = 0; k < 4; k++) {
		ta[k].set = set;
		ta[k].ctx = m;
		ta[k].failures = 0;
		assert_int_equal(pthread_create(&th[k], NULL, render_many, &ta[k]), 0);
	}
	for (k = 0; k < 4; k++) {
		assert_int_equal(pthread_join(th[k], NULL), 0);
		assert_int_equal(ta[k].failures, 0);
	}
	tmpl_set_free(set);
}

/* ---- values ---- */

static void
test_values(void **state)
{
	tv_t *m = tv_map(&A), *l = tv_list(&A);
	int   k;

	for (k = 0; k < 100; k++) {
		char *key = arena_printf(&A, "k%d", k);

		tv_set_int(&A, m, key, k);
		tv_push(&A, l, tv_int(&A, k));
	}
	assert_int_equal(m->u.map.n, 100);
	assert_int_equal(l->u.list.n, 100);
	assert_int_equal(tv_get(m, "k57")->u.i, 57);
	tv_set_str(&A, m, "k57", "replaced");
	assert_int_equal(m->u.map.n, 100);
	assert_string_equal(tv_get(m, "k57")->u.str.s, "replaced");
	assert_int_equal(l->u.list.items[99]->u.i, 99);
	assert_null(tv_get(m, "nope"));
	assert_null(tv_get(l, "k1"));
	assert_int_equal(tv_str(&A, NULL)->kind, TV_NULL);
	assert_int_equal(tv_strn(&A, "abc", 2)->u.str.n, 2);
	assert_string_equal(tv_strn(&A, "abc", 2)->u.str.s, "ab");
	assert_false(tv_truthy(NULL));
	assert_false(tv_truthy(tv_null(&A)));
	assert_false(tv_truthy(tv_bool(&A, false)));
	assert_false(tv_truthy(tv_int(&A, 0)));
	assert_false(tv_truthy(tv_str(&A, "")));
	assert_false(tv_truthy(tv_list(&A)));
	assert_true(tv_truthy(tv_map(&A)));
	assert_true(tv_truthy(tv_int(&A, -1)));
	assert_true(tv_truthy(tv_str(&A, "0")));
	assert_true(tv_truthy(l));
	/* setters on the wrong kind do nothing */
	tv_set_int(&A, l, "x", 1);
	tv_push(&A, m, tv_int(&A, 1));
	assert_int_equal(l->u.list.n, 100);
	assert_int_equal(m->u.map.n, 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_escape_each_char, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escape_in_attribute, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_and_trusted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scalars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_whitespace_in_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_literals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dotted_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outer_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_sections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_vars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_and_scalar_sections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inverted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partials, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_partial, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recursive_partial, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recursion_bounded_by_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_depth_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_step_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_date_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wareki_boundaries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tz_independent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_yen_number, setup, teardown),
		cmocka_unit_test_setup_teardown(test_t_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_url_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_urlenc_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_chain_scratch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compile_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nesting_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_values, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
