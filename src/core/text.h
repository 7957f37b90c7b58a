/* text.h - Unicode folding (utf8proc): the one place text is normalised for comparison. */
#ifndef TSUNAGU_TEXT_H
#define TSUNAGU_TEXT_H

#include "core/arena.h"

#include <stddef.h>

/* NFKC + case folding + surrounding white space removed: "ＡＢＣ　" -> "abc". NULL on invalid UTF-8. */
char *text_fold(arena_t *a, const char *s, size_t n);

#endif
