/* fuzz_po.c - parses the input as a .po catalog and looks a few ids up in it. */
#include "view/i18n.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ids[] = { "", "ホーム", "a", "x\ny", "\"", "長い文章" };
	char        err[256];
	i18n_t     *i = i18n_new();
	size_t      k;

	if (i == NULL)
		return 0;
	if (i18n_add_po(i, "en", (const char *)data, size, err, sizeof(err))) {
		for (k = 0; k < sizeof(ids) / sizeof(ids[0]); k++) {
			const char *s = i18n_get(i, "en", ids[k]);

			/* a translation comes from the input, so it cannot be longer */
			if (s == NULL || (s != ids[k] && strlen(s) > size))
				__builtin_trap();
		}
		/* a second catalog for the same language replaces the first */
		(void)i18n_add_po(i, "en", (const char *)data, size, err, sizeof(err));
	} else if (memchr(err, '\0', sizeof(err)) == NULL) {
		__builtin_trap();
	}
	i18n_free(i);
	return 0;
}
