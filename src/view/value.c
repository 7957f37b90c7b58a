/* value.c - template values in an arena; maps are small arrays searched linearly. */
#include "view/value.h"

#include <stdint.h>
#include <string.h>

#define TV_INITIAL_CAP 4

static tv_t *
tv_new(arena_t *a, tv_kind_t kind)
{
	tv_t *v;

	if (a == NULL)
		return NULL;
	v = arena_zalloc(a, sizeof(*v));
	if (v != NULL)
		v->kind = kind;
	return v;
}

tv_t *
tv_map(arena_t *a)
{
	return tv_new(a, TV_MAP);
}

tv_t *
tv_list(arena_t *a)
{
	return tv_new(a, TV_LIST);
}

tv_t *
tv_null(arena_t *a)
{
	return tv_new(a, TV_NULL);
}

tv_t *
tv_bool(arena_t *a, bool b)
{
	tv_t *v = tv_new(a, TV_BOOL);

	if (v != NULL)
		v->u.b = b;
	return v;
}

tv_t *
tv_int(arena_t *a, int64_t i)
{
	tv_t *v = tv_new(a, TV_INT);

	if (v != NULL)
		v->u.i = i;
	return v;
}

static tv_t *
tv_text(arena_t *a, tv_kind_t kind, const char *s, size_t n)
{
	tv_t *v;
	char *copy;

	if (s == NULL)
		return tv_null(a);
	v = tv_new(a, kind);
	if (v == NULL)
		return NULL;
	copy = arena_strndup(a, s, n);
	if (copy == NULL)
		return NULL;
	v->u.str.s = copy;
	v->u.str.n = n;
	return v;
}

tv_t *
tv_str(arena_t *a, const char *s)
{
	return tv_text(a, TV_STR, s, s != NULL ? strlen(s) : 0);
}

tv_t *
tv_strn(arena_t *a, const char *s, size_t n)
{
	return tv_text(a, TV_STR, s, n);
}

tv_t *
tv_html_trusted(arena_t *a, const char *html, size_t n)
{
	return tv_text(a, TV_HTML, html, n);
}

/* A copy of an n-element array with room for ncap elements; the old one is abandoned to the arena. */
static void *
grow_array(arena_t *a, const void *old, size_t n, size_t ncap, size_t elem)
{
	void *p = arena_calloc(a, ncap, elem);

	if (p != NULL && n > 0)
		memcpy(p, old, n * elem);
	return p;
}

static size_t
next_cap(size_t cap)
{
	if (cap == 0)
		return TV_INITIAL_CAP;
	if (cap > SIZE_MAX / 2 / sizeof(void *))
		return 0;
	return cap * 2;
}

void
tv_set(arena_t *a, tv_t *map, const char *key, tv_t *v)
{
	size_t       i, n, ncap;
	const char **keys;
	tv_t       **vals;

	if (map == NULL || map->kind != TV_MAP || key == NULL)
		return;
	n = map->u.map.n;
	for (i = 0; i < n; i++) {
		if (strcmp(map->u.map.keys[i], key) == 0) {
			map->u.map.vals[i] = v;
			return;
		}
	}
	if (n == map->u.map.cap) {
		if ((ncap = next_cap(map->u.map.cap)) == 0)
			return;
		keys = grow_array(a, map->u.map.keys, n, ncap, sizeof(*keys));
		vals = grow_array(a, map->u.map.vals, n, ncap, sizeof(*vals));
		if (keys == NULL || vals == NULL)
			return;
		map->u.map.keys = keys;
		map->u.map.vals = vals;
		map->u.map.cap = ncap;
	}
	map->u.map.keys[n] = key;
	map->u.map.vals[n] = v;
	map->u.map.n = n + 1;
}

void
tv_set_str(arena_t *a, tv_t *map, const char *key, const char *s)
{
	tv_set(a, map, key, tv_str(a, s));
}

void
tv_set_int(arena_t *a, tv_t *map, const char *key, int64_t i)
{
	tv_set(a, map, key, tv_int(a, i));
}

void
tv_set_bool(arena_t *a, tv_t *map, const char *key, bool b)
{
	tv_set(a, map, key, tv_bool(a, b));
}

void
tv_push(arena_t *a, tv_t *list, tv_t *v)
{
	size_t n, ncap;
	tv_t **items;

	if (list == NULL || list->kind != TV_LIST)
		return;
	n = list->u.list.n;
	if (n == list->u.list.cap) {
		if ((ncap = next_cap(list->u.list.cap)) == 0)
			return;
		items = grow_array(a, list->u.list.items, n, ncap, sizeof(*items));
		if (items == NULL)
			return;
		list->u.list.items = items;
		list->u.list.cap = ncap;
	}
	list->u.list.items[n] = v;
	list->u.list.n = n + 1;
}

tv_t *
tv_get(const tv_t *map, const char *key)
{
	size_t i;

	if (map == NULL || map->kind != TV_MAP || key == NULL)
		return NULL;
	for (i = 0; i < map->u.map.n; i++)
		if (strcmp(map->u.map.keys[i], key) == 0)
			return map->u.map.vals[i];
	return NULL;
}

bool
tv_truthy(const tv_t *v)
{
	if (v == NULL)
		return false;
	switch (v->kind) {
	case TV_NULL:
		return false;
	case TV_BOOL:
		return v->u.b;
	case TV_INT:
		return v->u.i != 0;
	case TV_STR:
	case TV_HTML:
		return v->u.str.n > 0;
	case TV_LIST:
		return v->u.list.n > 0;
	case TV_MAP:
		return true;
	}
	return false;
}
