/*
 * i18n.c - gettext .po catalogs, one open-addressing hash table per language.
 *
 * The parser takes the subset of the .po format that translators' tools write: comments (# ...,
 * including "#, fuzzy", whose entries are still used, and "#~" obsolete entries, which are skipped),
 * msgctxt (parsed, then ignored: a context-less entry wins over one with a context), msgid,
 * msgid_plural (ignored), msgstr and msgstr[N] (only [0] kept), and "..." strings continued on the
 * following lines, with the escapes \n \t \r \" \\. The file must be UTF-8. Entries with an empty
 * msgstr and the header (msgid "") are left out, so lookups fall back to the msgid.
 */
#include "view/i18n.h"
#include "core/file.h"
#include "core/str.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/str.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define I18N_MAX_FILE   (4 * 1024 * 1024) /* one .po file */
#define I18N_MAX_LANGS  64
#define I18N_MAX_LANG   32                /* length of a language tag */
#define I18N_MAX_PATH   1024
#define I18N_ARENA_BLOCK (64 * 1024)

struct entry {
	const char *id;
	const char *str;
	uint32_t    hash;
	bool        ctxt;
};

struct lang {
	char         *name;
	struct entry *tab;   /* cap slots, power of two; id NULL = empty */
	size_t        cap;
	size_t        n;
};

struct i18n {
	arena_t     arena;
	struct lang langs[I18N_MAX_LANGS];
	size_t      nlangs;
};

/* Entries as parsed, before they go into the table. */
struct entries {
	struct entry *v;
	size_t        n, cap;
};

enum field { F_NONE, F_CTXT, F_ID, F_PLURAL, F_STR, F_SKIP };

struct po {
	i18n_t        *i;
	const char    *label;
	char          *err;
	size_t         errlen;
	int            line;
	enum field     field;
	bool           has_ctxt, has_id, has_str;
	buf_t          id, str, junk;
	struct entries ents;
};

i18n_t *
i18n_new(void)
{
	i18n_t *i = calloc(1, sizeof(*i));

	if (i == NULL)
		return NULL;
	arena_init(&i->arena, I18N_ARENA_BLOCK, 0);
	return i;
}

void
i18n_free(i18n_t *i)
{
	if (i == NULL)
		return;
	arena_free(&i->arena);
	free(i);
}

static const struct lang *
find_lang(const i18n_t *i, const char *lang)
{
	size_t k;

	for (k = 0; k < i->nlangs; k++)
		if (strcmp(i->langs[k].name, lang) == 0)
			return &i->langs[k];
	return NULL;
}

static bool
is_source_lang(const char *lang)
{
	return lang == NULL || strcmp(lang, "ja") == 0;
}

const char *
i18n_get(const i18n_t *i, const char *lang, const char *msgid)
{
	const struct lang *l;
	uint32_t           h;
	size_t             k, mask;

	if (i == NULL || msgid == NULL || is_source_lang(lang))
		return msgid;
	if ((l = find_lang(i, lang)) == NULL || l->cap == 0)
		return msgid;
	h = str_hash32(msgid);
	mask = l->cap - 1;
	for (k = h & mask; l->tab[k].id != NULL; k = (k + 1) & mask)
		if (l->tab[k].hash == h && strcmp(l->tab[k].id, msgid) == 0)
			return l->tab[k].str;
	return msgid;
}

bool
i18n_has_lang(const i18n_t *i, const char *lang)
{
	if (lang == NULL)
		return false;
	if (strcmp(lang, "ja") == 0)
		return true;
	return i != NULL && find_lang(i, lang) != NULL;
}

static bool
valid_lang(const char *s, size_t n)
{
	size_t k;

	if (n == 0 || n > I18N_MAX_LANG)
		return false;
	for (k = 0; k < n; k++) {
		char c = s[k];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_'))
			return false;
	}
	return true;
}

static bool
entries_push(struct entries *e, struct entry en)
{
	if (e->n == e->cap) {
		size_t        ncap = e->cap ? e->cap * 2 : 64;
		struct entry *p;

		if (ncap > SIZE_MAX / sizeof(*p))
			return false;
		p = realloc(e->v, ncap * sizeof(*p));
		if (p == NULL)
			return false;
		e->v = p;
		e->cap = ncap;
	}
	e->v[e->n++] = en;
	return true;
}

/* Builds the language's table from the parsed entries, replacing any earlier catalog for it. */
static bool
install(i18n_t *i, const char *lang, const struct entries *e)
{
	struct lang  *l = NULL;
	struct entry *tab;
	size_t        cap = 8, k, j, mask;

	for (k = 0; k < i->nlangs; k++)
		if (strcmp(i->langs[k].name, lang) == 0)
			l = &i->langs[k];
	while (cap < e->n * 2)
		cap *= 2;
	if ((tab = arena_calloc(&i->arena, cap, sizeof(*tab))) == NULL)
		return false;
	mask = cap - 1;
	for (j = 0; j < e->n; j++) {
		const struct entry *en = &e->v[j];
		for (k = en->hash & mask; tab[k].id != NULL; k = (k + 1) & mask)
			if (tab[k].hash == en->hash && strcmp(tab[k].id, en->id) == 0)
				break;
		if (tab[k].id == NULL)
			tab[k] = *en;
		else if (tab[k].ctxt && !en->ctxt)
			tab[k] = *en;
	}
	if (l == NULL) {
		if (i->nlangs == I18N_MAX_LANGS)
			return false;
		l = &i->langs[i->nlangs];
		if ((l->name = arena_strdup(&i->arena, lang)) == NULL)
			return false;
		i->nlangs++;
	}
	l->tab = tab;
	l->cap = cap;
	l->n = e->n;
	return true;
}

static bool
po_fail(struct po *p, const char *msg)
{
	str_errf(p->err, p->errlen, "%s:%d: %s", p->label, p->line, msg);
	return false;
}

/* Ends the entry being read (if any) and keeps it when it has a translation. */
static bool
po_finish(struct po *p)
{
	struct entry en;

	if (!p->has_id) {
		if (p->has_ctxt)
			return po_fail(p, "msgctxt without msgid");
		goto reset;
	}
	if (!p->has_str)
		return po_fail(p, "msgid without msgstr");
	if (p->id.oom || p->str.oom)
		return po_fail(p, "out of memory");
	if (p->id.len == 0 || p->str.len == 0)
		goto reset; /* the header, or not translated yet */
	if (memchr(p->id.data, '\0', p->id.len) != NULL || memchr(p->str.data, '\0', p->str.len) != NULL)
		return po_fail(p, "NUL in string");
	en.id = arena_strndup(&p->i->arena, p->id.data, p->id.len);
	en.str = arena_strndup(&p->i->arena, p->str.data, p->str.len);
	if (en.id == NULL || en.str == NULL)
		return po_fail(p, "out of memory");
	en.hash = str_hash32(en.id);
	en.ctxt = p->has_ctxt;
	if (!entries_push(&p->ents, en))
		return po_fail(p, "out of memory");
reset:
	p->has_ctxt = p->has_id = p->has_str = false;
	p->field = F_NONE;
	buf_clear(&p->id);
	buf_clear(&p->str);
	return true;
}

/* Appends the quoted string at s (to the end of the line) to the current field. */
static bool
po_string(struct po *p, const char *s, const char *end)
{
	buf_t *b;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s == end || *s != '"')
		return po_fail(p, "expected a \"string\"");
	s++;
	switch (p->field) {
	case F_ID:
		b = &p->id;
		break;
	case F_STR:
		b = &p->str;
		break;
	default:
		b = &p->junk;
		buf_clear(b);
		break;
	}
	for (;;) {
		const char *q = s;
		char        c;

		while (q < end && *q != '"' && *q != '\\')
			q++;
		if (!buf_append(b, s, (size_t)(q - s)))
			return po_fail(p, "out of memory");
		if (q == end)
			return po_fail(p, "unterminated string");
		if (*q == '"') {
			s = q + 1;
			break;
		}
		if (q + 1 == end)
			return po_fail(p, "unterminated string");
		switch (q[1]) {
		case 'n': c = '\n'; break;
		case 't': c = '\t'; break;
		case 'r': c = '\r'; break;
		case '"': c = '"'; break;
		case '\\': c = '\\'; break;
		default:
			return po_fail(p, "unknown escape in string");
		}
		if (!buf_putc(b, c))
			return po_fail(p, "out of memory");
		s = q + 2;
	}
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s != end)
		return po_fail(p, "junk after string");
	return true;
}

static bool
keyword(const char **s, const char *end, const char *kw)
{
	size_t n = strlen(kw);

	if ((size_t)(end - *s) < n || memcmp(*s, kw, n) != 0)
		return false;
	if (*s + n < end && (*s)[n] != ' ' && (*s)[n] != '\t' && (*s)[n] != '"')
		return false;
	*s += n;
	return true;
}

static bool
po_line(struct po *p, const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s == end || *s == '#')
		return true;
	if (*s == '"') {
		if (p->field == F_NONE)
			return po_fail(p, "string without a keyword");
		return po_string(p, s, end);
	}
	if (keyword(&s, end, "msgctxt")) {
		if ((p->has_id || p->has_ctxt) && !po_finish(p))
			return false;
		p->has_ctxt = true;
		p->field = F_CTXT;
		return po_string(p, s, end);
	}
	if (keyword(&s, end, "msgid")) {
		if (p->has_id && !po_finish(p))
			return false;
		p->has_id = true;
		p->field = F_ID;
		return po_string(p, s, end);
	}
	if (keyword(&s, end, "msgid_plural")) {
		if (!p->has_id || p->has_str)
			return po_fail(p, "msgid_plural out of place");
		p->field = F_PLURAL;
		return po_string(p, s, end);
	}
	if (keyword(&s, end, "msgstr")) {
		if (!p->has_id || p->has_str)
			return po_fail(p, "msgstr out of place");
		p->has_str = true;
		p->field = F_STR;
		return po_string(p, s, end);
	}
	if (end - s > 7 && memcmp(s, "msgstr[", 7) == 0) {
		const char *q = s + 7;
		int         idx = 0;

		if (!p->has_id)
			return po_fail(p, "msgstr out of place");
		while (q < end && *q >= '0' && *q <= '9' && idx < 1000)
			idx = idx * 10 + (*q++ - '0');
		if (q == s + 7 || q == end || *q != ']')
			return po_fail(p, "bad msgstr[N]");
		if (idx == 0) {
			if (p->has_str)
				return po_fail(p, "msgstr out of place");
			p->has_str = true;
			p->field = F_STR;
		} else {
			if (!p->has_str)
				return po_fail(p, "msgstr[N] before msgstr[0]");
			p->field = F_SKIP;
		}
		return po_string(p, q + 1, end);
	}
	return po_fail(p, "unknown keyword");
}

bool
i18n_add_po(i18n_t *i, const char *lang, const char *src, size_t len, char *err, size_t errlen)
{
	struct po   p;
	const char *s, *end, *nl, *le;
	bool        ok = false;

	memset(&p, 0, sizeof(p));
	p.i = i;
	p.label = lang != NULL ? lang : "?";
	p.err = err;
	p.errlen = errlen;
	buf_init(&p.id);
	buf_init(&p.str);
	buf_init(&p.junk);
	if (i == NULL || lang == NULL || !valid_lang(lang, strlen(lang))) {
		str_errf(err, errlen, "%s: bad language name", p.label);
		goto done;
	}
	if (src == NULL && len > 0) {
		str_errf(err, errlen, "%s: no data", p.label);
		goto done;
	}
	if (len > I18N_MAX_FILE) {
		str_errf(err, errlen, "%s: catalog larger than %d bytes", p.label, I18N_MAX_FILE);
		goto done;
	}
	s = src;
	end = src + len;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	if (!str_utf8_valid(s, (size_t)(end - s), true)) {
		str_errf(err, errlen, "%s: not valid UTF-8 text", p.label);
		goto done;
	}
	while (s < end) {
		p.line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		le = nl != NULL ? nl : end;
		if (le > s && le[-1] == '\r')
			le--;
		if (!po_line(&p, s, le))
			goto done;
		s = nl != NULL ? nl + 1 : end;
	}
	if (!po_finish(&p))
		goto done;
	if (!install(i, lang, &p.ents)) {
		str_errf(err, errlen, "%s: out of memory or too many languages", p.label);
		goto done;
	}
	ok = true;
done:
	free(p.ents.v);
	buf_free(&p.id);
	buf_free(&p.str);
	buf_free(&p.junk);
	return ok;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

i18n_t *
i18n_load(const char *dir, char *err, size_t errlen)
{
	i18n_t        *i = NULL;
	DIR           *d = NULL;
	struct dirent *de;
	char          *names[I18N_MAX_LANGS];
	size_t         nnames = 0, k, len;
	int            dfd;

	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		str_errf(err, errlen, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	if ((d = fdopendir(dfd)) == NULL) {
		str_errf(err, errlen, "%s: %s", dir, strerror(errno));
		close(dfd);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.' || n < 4 || strcmp(de->d_name + n - 3, ".po") != 0)
			continue;
		if (nnames == I18N_MAX_LANGS) {
			str_errf(err, errlen, "%s: more than %d catalogs", dir, I18N_MAX_LANGS);
			goto fail;
		}
		if ((names[nnames] = strdup(de->d_name)) == NULL) {
			str_errf(err, errlen, "%s: out of memory", dir);
			goto fail;
		}
		nnames++;
	}
	qsort(names, nnames, sizeof(names[0]), cmp_names);
	if ((i = i18n_new()) == NULL) {
		str_errf(err, errlen, "%s: out of memory", dir);
		goto fail;
	}
	for (k = 0; k < nnames; k++) {
		char   lang[I18N_MAX_LANG + 1], label[I18N_MAX_PATH], sub[I18N_MAX_PATH];
		size_t stem = strlen(names[k]) - 3;
		char  *data;
		int    w;
		bool   ok;

		w = snprintf(label, sizeof(label), "%s/%s", dir, names[k]);
		if (w < 0 || (size_t)w >= sizeof(label)) {
			str_errf(err, errlen, "%s: path too long", dir);
			goto fail;
		}
		if (!valid_lang(names[k], stem)) {
			str_errf(err, errlen, "%s: bad language name", label);
			goto fail;
		}
		memcpy(lang, names[k], stem);
		lang[stem] = '\0';
		if ((data = file_read_at(dirfd(d), names[k], I18N_MAX_FILE, &len, NULL)) == NULL) {
			str_errf(err, errlen, "%s: %s", label, strerror(errno));
			goto fail;
		}
		ok = i18n_add_po(i, lang, data, len, sub, sizeof(sub));
		free(data);
		if (!ok) {
			/* sub starts with the language; give the file's path instead */
			str_errf(err, errlen, "%s/%s.po%s", dir, lang, sub + strlen(lang));
			goto fail;
		}
	}
	for (k = 0; k < nnames; k++)
		free(names[k]);
	closedir(d);
	return i;
fail:
	for (k = 0; k < nnames; k++)
		free(names[k]);
	closedir(d);
	i18n_free(i);
	return NULL;
}
