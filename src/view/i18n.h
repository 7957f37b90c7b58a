/* i18n.h - translation catalogs (gettext .po files, msgid = the Japanese source text). */
#ifndef TSUNAGU_I18N_H
#define TSUNAGU_I18N_H

#include <stdbool.h>
#include <stddef.h>

typedef struct i18n i18n_t;

/* Loads dir/LANG.po for every .po file there (LANG = the file's stem, e.g. en, zh-Hans). */
i18n_t     *i18n_load(const char *dir, char *err, size_t errlen);
/* Parses one catalog from memory and adds it under lang (tests, fuzzing). */
bool        i18n_add_po(i18n_t *i, const char *lang, const char *src, size_t len, char *err, size_t errlen);
i18n_t     *i18n_new(void);
void        i18n_free(i18n_t *i);
/* The translation, or msgid itself when lang is NULL/"ja" or the catalog has none (or an empty msgstr). */
const char *i18n_get(const i18n_t *i, const char *lang, const char *msgid);
bool        i18n_has_lang(const i18n_t *i, const char *lang);

#endif
