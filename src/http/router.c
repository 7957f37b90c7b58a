/* router.c - method + path pattern + role; segments ":name" capture one segment, a final "*" the rest. */
#include "http/http.h"

#include <string.h>

bool
router_match(const char *pattern, const char *path, arena_t *a, const char **params, int *nparams)
{
	const char *p = pattern, *s = path;

	*nparams = 0;
	while (*p != '\0') {
		if (*p == '*' && p[1] == '\0') {
			if (*nparams >= HTTP_MAX_PARAMS)
				return false;
			params[(*nparams)++] = arena_strdup(a, s);
			return *s != '\0';
		}
		if (*p == ':') {
			const char *end = s;
			while (*end != '\0' && *end != '/')
				end++;
			if (end == s || *nparams >= HTTP_MAX_PARAMS)
				return false;
			params[(*nparams)++] = arena_strndup(a, s, (size_t)(end - s));
			while (*p != '\0' && *p != '/')
				p++;
			s = end;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return *s == '\0';
}

void
router_dispatch(const router_t *rt, req_t *r)
{
	size_t i;
	bool   path_known = false;
	unsigned m = r->method == M_HEAD ? M_GET : r->method, allowed = 0;
	const route_t *found = NULL;

	for (i = 0; i < rt->nroutes && found == NULL; i++) {
		const route_t *ro = &rt->routes[i];
		const char *params[HTTP_MAX_PARAMS];
		int n;
		if (!router_match(ro->pattern, r->path, &r->arena, params, &n))
			continue;
		path_known = true;
		allowed |= ro->methods;
		if ((ro->methods & m) == 0)
			continue;
		memcpy(r->params, params, sizeof(params[0]) * (size_t)n);
		r->nparams = n;
		found = ro;
	}
	if (rt->before != NULL && !rt->before(r, found != NULL))
		return;
	if (found == NULL) {
		if (path_known) {
			http_set_header(r, "Allow", (allowed & M_POST) ? ((allowed & M_GET) ? "GET, HEAD, POST" : "POST")
			    : "GET, HEAD");
			rt->error(r, 405, NULL);
		} else {
			rt->error(r, 404, NULL);
		}
		return;
	}
	if (found->role != 0 && rt->authorize != NULL && !rt->authorize(r, found->role))
		return;
	found->handler(r);
}
