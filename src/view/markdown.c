/* markdown.c - libcmark in safe mode, with headings moved under the page's own heading (markdown.h). */
#include "view/markdown.h"

#include <cmark.h>
#include <stdlib.h>

bool
markdown_html(const char *md, size_t n, int top, buf_t *out)
{
	cmark_node *doc, *node;
	cmark_iter *it;
	cmark_event_type ev;
	char *html;
	int highest = 7, shift;
	bool ok;

	if (n > MARKDOWN_MAX)
		return false;
	doc = cmark_parse_document(md, n, CMARK_OPT_SAFE);
	if (doc == NULL)
		return false;
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		node = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(node) == CMARK_NODE_HEADING &&
		    cmark_node_get_heading_level(node) < highest)
			highest = cmark_node_get_heading_level(node);
	}
	cmark_iter_free(it);
	shift = highest <= 6 ? top - highest : 0;
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		node = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(node) == CMARK_NODE_HEADING) {
			int level = cmark_node_get_heading_level(node) + shift;
			cmark_node_set_heading_level(node, level > 6 ? 6 : level < 1 ? 1 : level);
		}
	}
	cmark_iter_free(it);
	html = cmark_render_html(doc, CMARK_OPT_SAFE);
	cmark_node_free(doc);
	if (html == NULL)
		return false;
	ok = buf_puts(out, html);
	free(html);
	return ok;
}
