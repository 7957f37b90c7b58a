/*
 * markdown.h - Markdown written by staff (news, columns, pages) as HTML for the public, through libcmark
 * in safe mode: raw HTML is dropped and javascript:/vbscript:/file:/data: links (but images' data:
 * PNG, GIF, JPEG, WebP) are removed, so the output may be written unescaped into a page.
 */
#ifndef TSUNAGU_MARKDOWN_H
#define TSUNAGU_MARKDOWN_H

#include "core/buf.h"

#include <stdbool.h>
#include <stddef.h>

#define MARKDOWN_MAX (256 * 1024)  /* longer input is refused */

/* Appends the HTML of md[0..n) to out. Headings are moved so that the highest one in the text becomes
 * <h{top}> and the others keep their distance (at most <h6>): "# 見出し" or "## 見出し" in a body both sit
 * right under the page's own <h1> with top = 2. False on oversize input or no memory. */
bool markdown_html(const char *md, size_t n, int top, buf_t *out);

#endif
