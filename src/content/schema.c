/* schema.c - loading schema.json (jansson) and keeping vocabularies and terms in the database. */
#include "content/schema.h"
#include "core/csv.h"
#include "core/file.h"
#include "core/str.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct { const char *name; field_type_t type; } field_types[] = {
	{ "text", F_TEXT }, { "longtext", F_LONGTEXT }, { "number", F_NUMBER }, { "yen", F_YEN },
	{ "date", F_DATE }, { "url", F_URL }, { "email", F_EMAIL }, { "phone", F_PHONE },
	{ "boolean", F_BOOLEAN }, { "terms", F_TERMS }, { "image", F_IMAGE }, { "markdown", F_MARKDOWN }, { "video", F_VIDEO },
	{ "links", F_LINKS },
};

const char *
schema_field_type_name(field_type_t t)
{
	size_t i;

	for (i = 0; i < sizeof(field_types) / sizeof(field_types[0]); i++)
		if (field_types[i].type == t)
			return field_types[i].name;
	return "?";
}

static char *
dup_str(json_t *o, const char *key, const char *fallback)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (s == NULL)
		s = fallback;
	return s ? strdup(s) : NULL;
}

static bool
name_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 40)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/* A boolean flag: absent gives dflt; anything but true or false is an error. */
static bool
flag(json_t *jf, const char *key, bool dflt, bool *out)
{
	json_t *v = json_object_get(jf, key);

	if (v == NULL) {
		*out = dflt;
		return true;
	}
	if (!json_is_boolean(v))
		return false;
	*out = json_is_true(v);
	return true;
}

static bool
load_field(schema_field_t *f, json_t *jf, const char *tname, char *err, size_t errlen)
{
	const char *type = json_string_value(json_object_get(jf, "type"));
	const char *name = json_string_value(json_object_get(jf, "name"));
	json_t *max = json_object_get(jf, "max");
	size_t i;
	bool known = false;

	if (name == NULL || !name_ok(name)) {
		str_errf(err, errlen, "type %s: a field has no valid name", tname);
		return false;
	}
	for (i = 0; type != NULL && i < sizeof(field_types) / sizeof(field_types[0]); i++) {
		if (strcmp(type, field_types[i].name) == 0) {
			f->type = field_types[i].type;
			known = true;
		}
	}
	if (!known) {
		str_errf(err, errlen, "type %s, field %s: unknown field type", tname, name);
		return false;
	}
	f->name = strdup(name);
	f->label = dup_str(jf, "label", name);
	f->label_en = dup_str(jf, "label_en", name);
	f->vocab = dup_str(jf, "vocab", NULL);
	f->thumbnail = dup_str(jf, "thumbnail", NULL);
	f->disclosure_if = dup_str(jf, "disclosure_if", NULL);
	f->reason = dup_str(jf, "reason", NULL);
	{
		json_t *dj = json_object_get(jf, "disclosure");
		if (dj != NULL && (!json_is_integer(dj) || json_integer_value(dj) < 1 || json_integer_value(dj) > 17)) {
			str_errf(err, errlen, "type %s, field %s: disclosure takes a number from 1 to 17", tname, name);
			return false;
		}
		f->disclosure = dj != NULL ? (int)json_integer_value(dj) : 0;
	}
	if (!flag(jf, "required", false, &f->required) || !flag(jf, "searchable", false, &f->searchable) ||
	    !flag(jf, "internal", false, &f->internal) || !flag(jf, "csv", true, &f->csv) ||
	    !flag(jf, "print", !f->internal, &f->print)) {
		str_errf(err, errlen, "type %s, field %s: required, searchable, internal, csv and print take true or false",
		    tname, name);
		return false;
	}
	if (f->internal && f->searchable) {
		/* the search body is public: an internal field in it would be found by anyone */
		str_errf(err, errlen, "type %s, field %s: an internal field cannot be searchable", tname, name);
		return false;
	}
	f->max = json_is_integer(max) ? (int)json_integer_value(max) : 0;
	if (f->max < 0 || f->max > 100000) {
		str_errf(err, errlen, "type %s, field %s: max out of range", tname, name);
		return false;
	}
	if (f->type == F_TERMS && f->vocab == NULL) {
		str_errf(err, errlen, "type %s, field %s: terms field without vocab", tname, name);
		return false;
	}
	return f->name && f->label && f->label_en;
}

/* A video field's thumbnail names an image field of the same type; disclosure_if names a boolean field
 * and reason a terms field of the same type. */
static bool
references_ok(const schema_type_t *t, char *err, size_t errlen)
{
	int i, k;

	for (i = 0; i < t->nfields; i++) {
		const schema_field_t *f = &t->fields[i];
		if (f->thumbnail != NULL && ((k = schema_field_index(t, f->thumbnail)) < 0 || f->type != F_VIDEO ||
		    t->fields[k].type != F_IMAGE)) {
			str_errf(err, errlen, "type %s, field %s: thumbnail must name an image field of a video field", t->name,
			    f->name);
			return false;
		}
		if (f->disclosure_if != NULL &&
		    ((k = schema_field_index(t, f->disclosure_if)) < 0 || t->fields[k].type != F_BOOLEAN)) {
			str_errf(err, errlen, "type %s, field %s: disclosure_if must name a boolean field", t->name, f->name);
			return false;
		}
		if (f->reason != NULL && ((k = schema_field_index(t, f->reason)) < 0 || t->fields[k].type != F_TERMS)) {
			str_errf(err, errlen, "type %s, field %s: reason must name a terms field", t->name, f->name);
			return false;
		}
	}
	return true;
}

schema_t *
schema_load(const char *root, const char *site, char *err, size_t errlen)
{
	char path[1024], *text = NULL;
	schema_t *s = NULL;
	json_t *doc = NULL, *types, *vocabs, *jt, *jv;
	json_error_t je;
	const char *key;
	size_t len;
	int dfd;

	if (snprintf(path, sizeof(path), "%s/sites/%s", root, site) >= (int)sizeof(path)) {
		str_errf(err, errlen, "path too long");
		return NULL;
	}
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		str_errf(err, errlen, "%s: cannot open", path);
		return NULL;
	}
	text = file_read_at(dfd, "schema.json", SCHEMA_MAX_FILE, &len, NULL);
	close(dfd);
	if (text == NULL) {
		str_errf(err, errlen, "%s/schema.json: cannot read", path);
		return NULL;
	}
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	free(text);
	if (doc == NULL) {
		str_errf(err, errlen, "%s/schema.json:%d: %s", path, je.line, je.text);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		goto fail;
	s->json = doc;
	vocabs = json_object_get(doc, "vocabularies");
	json_object_foreach(vocabs, key, jv) {
		schema_vocab_t *v;
		if (s->nvocabs >= SCHEMA_MAX_VOCABS || !name_ok(key)) {
			str_errf(err, errlen, "%s/schema.json: bad or too many vocabularies (%s)", path, key);
			goto fail;
		}
		v = &s->vocabs[s->nvocabs++];
		v->code = strdup(key);
		v->name = dup_str(jv, "name", key);
		v->facet = json_is_true(json_object_get(jv, "facet"));
	}
	types = json_object_get(doc, "types");
	json_object_foreach(types, key, jt) {
		schema_type_t *t;
		json_t *fields = json_object_get(jt, "fields"), *jf;
		const char *title = json_string_value(json_object_get(jt, "title"));
		const char *deadline = json_string_value(json_object_get(jt, "deadline"));
		size_t i;

		if (s->ntypes >= SCHEMA_MAX_TYPES || !name_ok(key)) {
			str_errf(err, errlen, "%s/schema.json: bad or too many types (%s)", path, key);
			goto fail;
		}
		t = &s->types[s->ntypes++];
		t->name = strdup(key);
		t->label = dup_str(jt, "name", key);
		t->label_en = dup_str(jt, "name_en", key);
		if (!json_is_array(fields) || json_array_size(fields) > SCHEMA_MAX_FIELDS) {
			str_errf(err, errlen, "%s/schema.json: type %s needs at most %d fields", path, key, SCHEMA_MAX_FIELDS);
			goto fail;
		}
		json_array_foreach(fields, i, jf) {
			if (!load_field(&t->fields[t->nfields], jf, key, err, errlen)) {
				t->nfields++; /* so what it allocated is freed */
				goto fail;
			}
			if (t->fields[t->nfields].type == F_TERMS && schema_vocab(s, t->fields[t->nfields].vocab) == NULL) {
				str_errf(err, errlen, "type %s, field %s: unknown vocabulary %s", key,
				    t->fields[t->nfields].name, t->fields[t->nfields].vocab);
				t->nfields++;
				goto fail;
			}
			t->nfields++;
		}
		if (!references_ok(t, err, errlen))
			goto fail;
		t->title_field = title ? schema_field_index(t, title) : -1;
		t->deadline_field = deadline ? schema_field_index(t, deadline) : -1;
		if (t->title_field < 0 || t->fields[t->title_field].type != F_TEXT) {
			str_errf(err, errlen, "%s/schema.json: type %s needs \"title\" naming a text field", path, key);
			goto fail;
		}
		if (deadline != NULL && (t->deadline_field < 0 || t->fields[t->deadline_field].type != F_DATE)) {
			str_errf(err, errlen, "%s/schema.json: type %s: \"deadline\" must name a date field", path, key);
			goto fail;
		}
	}
	return s;
fail:
	if (s != NULL)
		schema_free(s);
	else
		json_decref(doc);
	return NULL;
}

void
schema_free(schema_t *s)
{
	int i, j;

	if (s == NULL)
		return;
	for (i = 0; i < s->ntypes; i++) {
		schema_type_t *t = &s->types[i];
		for (j = 0; j < t->nfields; j++) {
			free(t->fields[j].name);
			free(t->fields[j].label);
			free(t->fields[j].label_en);
			free(t->fields[j].vocab);
			free(t->fields[j].thumbnail);
			free(t->fields[j].disclosure_if);
			free(t->fields[j].reason);
		}
		free(t->name);
		free(t->label);
		free(t->label_en);
	}
	for (i = 0; i < s->nvocabs; i++) {
		free(s->vocabs[i].code);
		free(s->vocabs[i].name);
	}
	json_decref(s->json);
	free(s);
}

const schema_type_t *
schema_type(const schema_t *s, const char *name)
{
	int i;

	for (i = 0; name != NULL && i < s->ntypes; i++)
		if (strcmp(s->types[i].name, name) == 0)
			return &s->types[i];
	return NULL;
}

const schema_vocab_t *
schema_vocab(const schema_t *s, const char *code)
{
	int i;

	for (i = 0; code != NULL && i < s->nvocabs; i++)
		if (strcmp(s->vocabs[i].code, code) == 0)
			return &s->vocabs[i];
	return NULL;
}

int
schema_field_index(const schema_type_t *t, const char *name)
{
	int i;

	for (i = 0; i < t->nfields; i++)
		if (strcmp(t->fields[i].name, name) == 0)
			return i;
	return -1;
}

/* --- terms --- */

static bool
add_term(db_t *db, const char *vocab, const char *code, const char *name, const char *parent_vocab,
    const char *parent_name, char *err, size_t errlen)
{
	db_stmt_t *st;
	int64_t parent = 0;
	bool exists;

	/* an existing term is not looked at again (its parent may have been renamed on the screen), and one
	 * deleted on the screen is not brought back */
	if ((st = db_prepare(db, "SELECT 1 FROM terms WHERE vocab = ? AND code = ? "
	    "UNION ALL SELECT 1 FROM terms_deleted WHERE vocab = ? AND code = ?")) == NULL)
		return false;
	db_bind_str(st, 1, vocab);
	db_bind_str(st, 2, code);
	db_bind_str(st, 3, vocab);
	db_bind_str(st, 4, code);
	exists = db_step(st) == DB_ROW;
	db_done(st);
	if (exists)
		return true;
	if (parent_vocab != NULL && parent_name != NULL && parent_name[0] != '\0') {
		st = db_prepare(db, "SELECT id FROM terms WHERE vocab = ? AND (name = ? OR code = ?)");
		if (st == NULL)
			return false;
		db_bind_str(st, 1, parent_vocab);
		db_bind_str(st, 2, parent_name);
		db_bind_str(st, 3, parent_name);
		if (db_step(st) == DB_ROW)
			parent = db_col_i64(st, 0);
		db_done(st);
		if (parent == 0) {
			str_errf(err, errlen, "vocabulary %s, term %s: no parent %s in %s", vocab, code, parent_name, parent_vocab);
			return false;
		}
	}
	/* Decision (issue 6 item 3): an existing term is left as the screen マスタ管理 made it (name, parent,
	 * order, retirement); only a term the database lacks is added, after the vocabulary's last one (in a
	 * fresh database that is the file's order). */
	st = db_prepare(db, "INSERT INTO terms (vocab, code, name, parent_id, sort) "
	    "VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(sort), 0) + 1 FROM terms WHERE vocab = ?))");
	if (st == NULL)
		return false;
	db_bind_str(st, 1, vocab);
	db_bind_str(st, 2, code);
	db_bind_str(st, 3, name);
	if (parent)
		db_bind_i64(st, 4, parent);
	else
		db_bind_null(st, 4);
	db_bind_str(st, 5, vocab);
	if (db_run(st) != DB_DONE) {
		str_errf(err, errlen, "vocabulary %s, term %s: cannot be saved", vocab, code);
		return false;
	}
	return true;
}

static int
column(const csv_reader_t *r, const char *name)
{
	int i;

	for (i = 0; name != NULL && i < r->nfields; i++)
		if (strcmp(r->fields[i], name) == 0)
			return i;
	return -1;
}

static bool
sync_csv(db_t *db, const char *vocab, json_t *src, const char *root, char *err, size_t errlen)
{
	const char *file = json_string_value(json_object_get(src, "file"));
	const char *ccode = json_string_value(json_object_get(src, "code"));
	const char *cname = json_string_value(json_object_get(src, "name"));
	const char *pvocab = json_string_value(json_object_get(src, "parent_vocab"));
	const char *pname = json_string_value(json_object_get(src, "parent_name"));
	char *data;
	size_t len;
	csv_reader_t r;
	int icode, iname, iparent = -1, rc, dfd;
	bool ok = true;

	if (file == NULL || ccode == NULL || cname == NULL || strstr(file, "..") != NULL || file[0] == '/') {
		str_errf(err, errlen, "vocabulary %s: csv needs file (under the root), code and name", vocab);
		return false;
	}
	dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return false;
	data = file_read_at(dfd, file, 16 << 20, &len, NULL);
	close(dfd);
	if (data == NULL) {
		str_errf(err, errlen, "vocabulary %s: cannot read %s", vocab, file);
		return false;
	}
	csv_reader_init(&r, data, len);
	if (csv_read(&r) != 1 || (icode = column(&r, ccode)) < 0 || (iname = column(&r, cname)) < 0 ||
	    (pname != NULL && (iparent = column(&r, pname)) < 0)) {
		str_errf(err, errlen, "vocabulary %s: %s lacks the named columns", vocab, file);
		ok = false;
	}
	while (ok && (rc = csv_read(&r)) != 0) {
		if (rc < 0 || icode >= r.nfields || iname >= r.nfields || iparent >= r.nfields) {
			str_errf(err, errlen, "vocabulary %s: %s line %d: %s", vocab, file, r.line, rc < 0 ? r.err : "too few columns");
			ok = false;
			break;
		}
		ok = add_term(db, vocab, r.fields[icode], r.fields[iname], pvocab,
		    iparent >= 0 ? r.fields[iparent] : NULL, err, errlen);
	}
	csv_reader_free(&r);
	free(data);
	return ok;
}

bool
schema_sync_terms(const schema_t *s, db_t *db, const char *root, char *err, size_t errlen)
{
	json_t *vocabs = json_object_get(s->json, "vocabularies"), *jv;
	const char *key;
	db_stmt_t *st;

	if (!db_begin_write(db)) {
		str_errf(err, errlen, "database busy");
		return false;
	}
	/* vocabularies in file order: a parent vocabulary is listed before its children */
	json_object_foreach(vocabs, key, jv) {
		const schema_vocab_t *v = schema_vocab(s, key);
		json_t *terms = json_object_get(jv, "terms"), *jterm, *csv = json_object_get(jv, "csv");
		size_t i;

		const char *parent_vocab = json_string_value(json_object_get(jv, "parent_vocab"));

		if (parent_vocab == NULL && csv != NULL)
			parent_vocab = json_string_value(json_object_get(csv, "parent_vocab"));
		st = db_prepare(db, "INSERT INTO vocabularies (code, name, facet, parent_vocab) VALUES (?, ?, ?, ?) "
		    "ON CONFLICT (code) DO UPDATE SET name = excluded.name, facet = excluded.facet, "
		    "parent_vocab = excluded.parent_vocab WHERE name IS NOT excluded.name OR facet IS NOT excluded.facet "
		    "OR parent_vocab IS NOT excluded.parent_vocab");
		if (st == NULL)
			goto fail;
		db_bind_str(st, 1, v->code);
		db_bind_str(st, 2, v->name);
		db_bind_i64(st, 3, v->facet);
		if (parent_vocab != NULL)
			db_bind_str(st, 4, parent_vocab);
		else
			db_bind_null(st, 4);
		if (db_run(st) != DB_DONE)
			goto fail;
		json_array_foreach(terms, i, jterm) {
			const char *code = json_string_value(json_object_get(jterm, "code"));
			const char *name = json_string_value(json_object_get(jterm, "name"));
			const char *parent = json_string_value(json_object_get(jterm, "parent"));
			const char *pv = json_string_value(json_object_get(jv, "parent_vocab"));
			if (code == NULL || name == NULL) {
				str_errf(err, errlen, "vocabulary %s: a term lacks code or name", key);
				goto fail;
			}
			if (!add_term(db, key, code, name, pv, parent, err, errlen))
				goto fail;
		}
		if (csv != NULL && !sync_csv(db, key, csv, root, err, errlen))
			goto fail;
	}
	if (!db_commit(db))
		goto fail;
	return true;
fail:
	if (err[0] == '\0')
		str_errf(err, errlen, "cannot save vocabularies: %s", db_errmsg(db));
	db_rollback(db);
	return false;
}
