/* entity.c - field validation by schema type, and entity writes. */
#include "content/entity.h"
#include "content/joblaw.h"
#include "core/jtime.h"
#include "core/str.h"
#include "media/media.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
add_error(buf_t *errors, const schema_field_t *f, const char *msg)
{
	if (errors->len > 0)
		buf_putc(errors, '\n');
	if (f != NULL)
		buf_printf(errors, "「%s」%s", f->label, msg);
	else
		buf_puts(errors, msg);
}

static bool
blank(const char *s)
{
	if (s == NULL)
		return true;
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

/* Starts a member of the fields object: ,"name": */
static void
json_key(buf_t *j, const char *name)
{
	buf_putc(j, j->len > 1 ? ',' : '{');
	buf_putc(j, '"');
	buf_append_json(j, name, strlen(name));
	buf_puts(j, "\":");
}

static void
json_str(buf_t *j, const char *v, size_t n)
{
	buf_putc(j, '"');
	buf_append_json(j, v, n);
	buf_putc(j, '"');
}

/* ---- the terms table in memory (entity_terms_load) ---- */

typedef struct term_row {
	int64_t id, parent;
	bool    retired;    /* 016_masters.sql: kept on old records, refused for new values */
	char   *key_code;   /* vocab '\0' code */
	size_t  code_len;
	char   *key_name;   /* vocab '\0' name */
	size_t  name_len;
} term_row_t;

struct entity_terms {
	term_row_t *rows;    /* by id */
	size_t      n;
	uint32_t   *by_code, *by_name;  /* open addressing: row index + 1 */
	uint32_t    mask;
};

static uint32_t
key_hash(const char *k, size_t n)
{
	uint64_t h = str_hash64(k, n);
	return (uint32_t)(h ^ (h >> 32));
}

static char *
make_key(const char *vocab, const char *v, size_t n, size_t *len)
{
	size_t vl = strlen(vocab);
	char *k = malloc(vl + 1 + n + 1);

	if (k == NULL)
		return NULL;
	memcpy(k, vocab, vl + 1);
	memcpy(k + vl + 1, v, n);
	k[vl + 1 + n] = '\0';
	*len = vl + 1 + n;
	return k;
}

static void
table_put(uint32_t *table, uint32_t mask, const term_row_t *rows, size_t i, bool code)
{
	const char *k = code ? rows[i].key_code : rows[i].key_name;
	size_t n = code ? rows[i].code_len : rows[i].name_len;
	uint32_t h = key_hash(k, n) & mask;

	while (table[h] != 0) {
		const term_row_t *o = &rows[table[h] - 1];
		if ((code ? o->code_len : o->name_len) == n && memcmp(code ? o->key_code : o->key_name, k, n) == 0)
			return;  /* the first (lowest id) stays */
		h = (h + 1) & mask;
	}
	table[h] = (uint32_t)i + 1;
}

entity_terms_t *
entity_terms_load(db_t *db)
{
	db_stmt_t *st = db_prepare(db, "SELECT id, COALESCE(parent_id, 0), vocab, code, name, retired_at IS NOT NULL FROM terms ORDER BY id");
	entity_terms_t *t = calloc(1, sizeof(*t));
	size_t cap = 0, i, size = 64;
	int rc = DB_ERR;

	if (st == NULL || t == NULL)
		goto fail;
	while ((rc = db_step(st)) == DB_ROW) {
		term_row_t *r;
		if (t->n == cap) {
			term_row_t *more;
			cap = cap ? cap * 2 : 256;
			more = realloc(t->rows, sizeof(*more) * cap);
			if (more == NULL) {
				rc = DB_ERR;
				break;
			}
			t->rows = more;
		}
		r = &t->rows[t->n];
		r->id = db_col_i64(st, 0);
		r->parent = db_col_i64(st, 1);
		r->retired = db_col_i64(st, 5) != 0;
		r->key_code = make_key(db_col_text(st, 2), db_col_text(st, 3), db_col_len(st, 3), &r->code_len);
		r->key_name = make_key(db_col_text(st, 2), db_col_text(st, 4), db_col_len(st, 4), &r->name_len);
		t->n++;
		if (r->key_code == NULL || r->key_name == NULL) {
			rc = DB_ERR;
			break;
		}
	}
	db_done(st);
	st = NULL;
	if (rc != DB_DONE)
		goto fail;
	while (size < t->n * 2 + 2)
		size *= 2;
	t->mask = (uint32_t)size - 1;
	t->by_code = calloc(size, sizeof(uint32_t));
	t->by_name = calloc(size, sizeof(uint32_t));
	if (t->by_code == NULL || t->by_name == NULL)
		goto fail;
	for (i = 0; i < t->n; i++) {
		table_put(t->by_code, t->mask, t->rows, i, true);
		table_put(t->by_name, t->mask, t->rows, i, false);
	}
	return t;
fail:
	if (st != NULL)
		db_done(st);
	entity_terms_free(t);
	return NULL;
}

void
entity_terms_free(entity_terms_t *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->rows[i].key_code);
		free(t->rows[i].key_name);
	}
	free(t->rows);
	free(t->by_code);
	free(t->by_name);
	free(t);
}

static const term_row_t *
cache_find(const entity_terms_t *t, const uint32_t *table, bool code, const char *vocab, const char *v, size_t n)
{
	char stack[512];
	size_t vl = strlen(vocab), kl = vl + 1 + n;
	uint32_t h;

	if (kl > sizeof(stack))
		return NULL;
	memcpy(stack, vocab, vl + 1);
	memcpy(stack + vl + 1, v, n);
	h = key_hash(stack, kl) & t->mask;
	while (table[h] != 0) {
		const term_row_t *r = &t->rows[table[h] - 1];
		if ((code ? r->code_len : r->name_len) == kl && memcmp(code ? r->key_code : r->key_name, stack, kl) == 0)
			return r;
		h = (h + 1) & t->mask;
	}
	return NULL;
}

static int64_t
cache_parent(const entity_terms_t *t, int64_t id)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t->rows[mid].id == id)
			return t->rows[mid].parent;
		if (t->rows[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Looks a term up by code or by name within a vocabulary (the code wins); *retired tells whether it was
 * retired on the screen マスタ管理. */
static int64_t
term_lookup(db_t *db, const entity_terms_t *tc, const char *vocab, const char *v, size_t n, int64_t *parent,
    bool *retired)
{
	db_stmt_t *st = db_prepare(db, "SELECT id, COALESCE(parent_id, 0), retired_at IS NOT NULL FROM terms "
	    "WHERE vocab = ? AND (code = ? OR name = ?) ORDER BY code = ? DESC LIMIT 1");
	int64_t id = 0;

	if (tc != NULL) {
		const term_row_t *r = cache_find(tc, tc->by_code, true, vocab, v, n);
		if (r == NULL)
			r = cache_find(tc, tc->by_name, false, vocab, v, n);
		if (r == NULL)
			return 0;
		*parent = r->parent;
		*retired = r->retired;
		return r->id;
	}
	if (st == NULL)
		return -1;
	db_bind_str(st, 1, vocab);
	db_bind_text(st, 2, v, n);
	db_bind_text(st, 3, v, n);
	db_bind_text(st, 4, v, n);
	if (db_step(st) == DB_ROW) {
		id = db_col_i64(st, 0);
		*parent = db_col_i64(st, 1);
		*retired = db_col_i64(st, 2) != 0;
	}
	db_done(st);
	return id;
}

static int64_t
term_parent(db_t *db, const entity_terms_t *tc, int64_t id)
{
	db_stmt_t *st;
	int64_t p = 0;

	if (tc != NULL)
		return cache_parent(tc, id);
	st = db_prepare(db, "SELECT COALESCE(parent_id, 0) FROM terms WHERE id = ?");
	if (st == NULL)
		return 0;
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW)
		p = db_col_i64(st, 0);
	db_done(st);
	return p;
}

/* Does the record being re-saved link the term already? (A retired term may stay where it was.) */
static bool
entity_has_term(db_t *db, int64_t entity_id, int64_t term_id)
{
	db_stmt_t *st;
	bool found;

	if (db == NULL || entity_id <= 0 || (st = db_prepare(db, "SELECT 1 FROM entity_terms WHERE entity_id = ? AND term_id = ?")) == NULL)
		return false;
	db_bind_i64(st, 1, entity_id);
	db_bind_i64(st, 2, term_id);
	found = db_step(st) == DB_ROW;
	db_done(st);
	return found;
}

static bool
add_term(entity_ready_t *e, int64_t id)
{
	int i;

	for (i = 0; i < e->nterms; i++)
		if (e->term_ids[i] == id)
			return true;
	if (e->nterms >= ENTITY_MAX_TERMS)
		return false;
	e->term_ids[e->nterms++] = id;
	return true;
}

/* Terms field: "a|b" or "a、b"; each value by code or name; ancestors added. */
static bool
parse_terms(db_t *db, const entity_terms_t *tc, const schema_field_t *f, const char *v, entity_ready_t *e, buf_t *arr,
    buf_t *errors)
{
	const char *p = v;
	int count = 0;
	bool ok = true;

	while (*p != '\0') {
		const char *end = p;
		size_t n;
		int64_t id, parent = 0, depth;
		bool retired = false;
		while (*end != '\0' && *end != '|' && strncmp(end, "、", 3) != 0)
			end++;
		n = (size_t)(end - p);
		while (n > 0 && isspace((unsigned char)*p)) { p++; n--; }
		while (n > 0 && isspace((unsigned char)p[n - 1])) n--;
		if (n > 0) {
			char msg[300];
			if (++count > ENTITY_MAX_VALUES) {
				add_error(errors, f, "に指定できる値が多すぎます。");
				return false;
			}
			id = term_lookup(db, tc, f->vocab, p, n, &parent, &retired);
			if (id <= 0) {
				snprintf(msg, sizeof(msg), "に「%.*s」という選択肢はありません。", (int)(n > 120 ? 120 : n), p);
				add_error(errors, f, msg);
				ok = false;
			} else if (retired && !entity_has_term(db, e->entity_id, id)) {
				/* retired: kept on a record that had it, never chosen anew (issue 6 item 3) */
				snprintf(msg, sizeof(msg), "の「%.*s」は廃止されたため、新たに選ぶことはできません。",
				    (int)(n > 120 ? 120 : n), p);
				add_error(errors, f, msg);
				ok = false;
			} else {
				if (arr->data[arr->len - 1] != '[')
					buf_putc(arr, ',');
				json_str(arr, p, n);
				if (!add_term(e, id))
					ok = false;
				for (depth = 0; parent > 0 && depth < 8; depth++) {
					add_term(e, parent);
					parent = term_parent(db, tc, parent);
				}
			}
		}
		p = *end == '|' ? end + 1 : (*end != '\0' ? end + 3 : end);
	}
	if (count == 0 && f->required) {
		add_error(errors, f, "を選んでください。");
		return false;
	}
	return ok;
}

static bool
parse_date(const char *v, int64_t *out)
{
	char tmp[16];
	size_t i;

	if (strlen(v) != 10)
		return false;
	for (i = 0; i < 10; i++)
		tmp[i] = v[i] == '/' ? '-' : v[i];
	tmp[10] = '\0';
	return jtime_parse_ymd(tmp, out);
}

static bool
url_ok(const char *v, size_t n)
{
	size_t scheme = strncmp(v, "https://", 8) == 0 ? 8 : strncmp(v, "http://", 7) == 0 ? 7 : 0;

	return scheme > 0 && n > scheme && n <= 2000 && str_utf8_valid(v, n, false) &&
	    strcspn(v, " \"<>\\^`{|}") >= n;
}

/* An image field holds the id of a stored image (media.h); with a database, it must exist. */
static bool
image_ok(db_t *db, const char *v, size_t n)
{
	int64_t id;
	db_stmt_t *st;
	bool found;

	if (!media_ref_parse(v, n, &id))
		return false;
	if (db == NULL)
		return true;
	if ((st = db_prepare(db, "SELECT 1 FROM media WHERE id = ?")) == NULL)
		return false;
	db_bind_i64(st, 1, id);
	found = db_step(st) == DB_ROW;
	db_done(st);
	return found;
}

/* Links: one "label|URL" per line (blank lines skipped), kept as [{"label":…,"url":…}]. */
static bool
check_links(const schema_field_t *f, const char *v, buf_t *fields, buf_t *errors)
{
	const char *p = v;
	char msg[200];
	int line = 0, count = 0;
	bool ok = true;
	buf_t arr = BUF_INIT;

	if (!str_utf8_valid(v, strlen(v), true)) {
		add_error(errors, f, "に使えない文字が含まれています。");
		return false;
	}
	buf_putc(&arr, '[');
	while (*p != '\0') {
		size_t n = strcspn(p, "\n"), ln, un;
		const char *bar, *url, *next = p[n] == '\n' ? p + n + 1 : p + n;

		line++;
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		while (n > 0 && isspace((unsigned char)*p)) {
			p++;
			n--;
		}
		if (n == 0) {
			p = next;
			continue;
		}
		if (++count > ENTITY_MAX_LINKS) {
			snprintf(msg, sizeof(msg), "は%d件までにしてください。", ENTITY_MAX_LINKS);
			add_error(errors, f, msg);
			ok = false;
			break;
		}
		for (bar = p + n; bar > p && bar[-1] != '|'; bar--)
			;
		ln = bar > p ? (size_t)(bar - 1 - p) : 0;
		url = bar;
		un = (size_t)(p + n - url);
		while (ln > 0 && isspace((unsigned char)p[ln - 1]))
			ln--;
		while (un > 0 && isspace((unsigned char)*url)) {
			url++;
			un--;
		}
		if (bar == p || ln == 0) {
			snprintf(msg, sizeof(msg), "の%d行目は「名前|https://…」の形で入力してください。", line);
			add_error(errors, f, msg);
			ok = false;
		} else if (str_utf8_len(p, ln) > ENTITY_MAX_LINK_LABEL) {
			snprintf(msg, sizeof(msg), "の%d行目の名前は%d文字以内で入力してください。", line, ENTITY_MAX_LINK_LABEL);
			add_error(errors, f, msg);
			ok = false;
		} else {
			char u[2048];
			bool good = un < sizeof(u);
			if (good) {
				memcpy(u, url, un);
				u[un] = '\0';
				good = url_ok(u, un);
			}
			if (!good) {
				snprintf(msg, sizeof(msg), "の%d行目のURLは http:// または https:// で始まるURLにしてください。", line);
				add_error(errors, f, msg);
				ok = false;
			} else {
				if (arr.len > 1)
					buf_putc(&arr, ',');
				buf_puts(&arr, "{\"label\":");
				json_str(&arr, p, ln);
				buf_puts(&arr, ",\"url\":");
				json_str(&arr, u, un);
				buf_putc(&arr, '}');
			}
		}
		p = next;
	}
	buf_putc(&arr, ']');
	if (ok && !arr.oom) {
		json_key(fields, f->name);
		buf_append(fields, arr.data, arr.len);
	}
	buf_free(&arr);
	return ok;
}

static bool
check_value(db_t *db, const entity_terms_t *tc, const schema_field_t *f, const char *v, entity_ready_t *e, buf_t *fields,
    buf_t *errors)
{
	char msg[200];
	size_t n = strlen(v), chars;
	int64_t num;
	int max;

	switch (f->type) {
	case F_TEXT:
	case F_LONGTEXT:
	case F_MARKDOWN:
		if (!str_utf8_valid(v, n, f->type != F_TEXT)) {
			add_error(errors, f, f->type == F_TEXT ? "に改行や使えない文字が含まれています。" : "に使えない文字が含まれています。");
			return false;
		}
		chars = str_utf8_len(v, n);
		max = f->max ? f->max : f->type == F_TEXT ? ENTITY_DEFAULT_TEXT :
		    f->type == F_LONGTEXT ? ENTITY_DEFAULT_LONG : ENTITY_DEFAULT_MARKDOWN;
		if (chars > (size_t)max) {
			snprintf(msg, sizeof(msg), "は%d文字以内で入力してください（現在%zu文字）。", max, chars);
			add_error(errors, f, msg);
			return false;
		}
		json_key(fields, f->name);
		json_str(fields, v, n);
		return true;
	case F_NUMBER:
	case F_YEN: {
		char digits[32];
		size_t k = 0, i;
		for (i = 0; i < n && k < sizeof(digits) - 1; i++) {
			if (v[i] == ',')
				continue; /* 1,200,000 */
			if (f->type == F_YEN && i + 3 == n && strncmp(v + i, "円", 3) == 0)
				break;    /* 250000円 */
			digits[k++] = v[i];
		}
		digits[k] = '\0';
		if (n >= sizeof(digits) || !str_to_i64(digits, -999999999999LL, 999999999999LL, &num)) {
			add_error(errors, f, "は半角数字で入力してください。");
			return false;
		}
		json_key(fields, f->name);
		buf_printf(fields, "%lld", (long long)num);
		return true;
	}
	case F_DATE:
		if (!parse_date(v, &num)) {
			add_error(errors, f, "は「2026-04-01」の形で、実在する日付を入力してください。");
			return false;
		}
		json_key(fields, f->name);
		json_str(fields, v, n);
		if (e->type->deadline_field >= 0 && &e->type->fields[e->type->deadline_field] == f)
			e->deadline = num + 86400 - 1; /* the end of that day in JST */
		return true;
	case F_URL:
	case F_VIDEO:
		if (!url_ok(v, n)) {
			add_error(errors, f, "は http:// または https:// で始まるURLを入力してください。");
			return false;
		}
		json_key(fields, f->name);
		json_str(fields, v, n);
		return true;
	case F_EMAIL:
		if (!str_email_valid(v)) {
			add_error(errors, f, "の形式が正しくありません。");
			return false;
		}
		json_key(fields, f->name);
		json_str(fields, v, n);
		return true;
	case F_PHONE: {
		size_t i, digits = 0;
		for (i = 0; i < n; i++) {
			if (isdigit((unsigned char)v[i]))
				digits++;
			else if (!strchr("-+() ", v[i]))
				break;
		}
		if (i < n || digits < 6 || n > 24) {
			add_error(errors, f, "は半角数字とハイフンで入力してください（例：027-123-4567）。");
			return false;
		}
		json_key(fields, f->name);
		json_str(fields, v, n);
		return true;
	}
	case F_BOOLEAN:
		if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "はい") == 0 || strcmp(v, "あり") == 0) {
			json_key(fields, f->name);
			buf_puts(fields, "true");
		} else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0 || strcmp(v, "いいえ") == 0 || strcmp(v, "なし") == 0) {
			json_key(fields, f->name);
			buf_puts(fields, "false");
		} else {
			add_error(errors, f, "は「はい」か「いいえ」で指定してください。");
			return false;
		}
		return true;
	case F_IMAGE:
		if (!image_ok(db, v, n)) {
			add_error(errors, f, "は登録済みの画像を選んでください。");
			return false;
		}
		json_key(fields, f->name);
		json_str(fields, v, n);
		return true;
	case F_LINKS:
		return check_links(f, v, fields, errors);
	case F_TERMS: {
		bool ok;
		json_key(fields, f->name);
		buf_putc(fields, '[');
		ok = parse_terms(db, tc, f, v, e, fields, errors);
		buf_putc(fields, ']');
		return ok;
	}
	}
	return false;
}

static int64_t
department_id(db_t *db, const char *code)
{
	db_stmt_t *st = db_prepare(db, "SELECT id FROM departments WHERE code = ? OR name = ?");
	int64_t id = 0;

	if (st == NULL)
		return 0;
	db_bind_str(st, 1, code);
	db_bind_str(st, 2, code);
	if (db_step(st) == DB_ROW)
		id = db_col_i64(st, 0);
	db_done(st);
	return id;
}

bool
entity_validate(db_t *db, const entity_draft_t *d, entity_ready_t *out, buf_t *errors)
{
	return entity_validate_with(db, NULL, d, out, errors);
}

bool
entity_validate_with(db_t *db, const entity_terms_t *tc, const entity_draft_t *d, entity_ready_t *out, buf_t *errors)
{
	const schema_type_t *t = d->type;
	buf_t fields = BUF_INIT;
	size_t before = errors->len;
	int i;

	memset(out, 0, sizeof(*out));
	out->type = t;
	out->entity_id = d->entity_id;
	buf_init(&out->body);
	str_copy(out->status, sizeof(out->status), d->status && d->status[0] ? d->status : "published");
	if (strcmp(out->status, "draft") && strcmp(out->status, "pending") && strcmp(out->status, "published") &&
	    strcmp(out->status, "archived"))
		add_error(errors, NULL, "「状態」は draft, pending, published, archived のいずれかです。");
	if (!blank(d->listing_start) && !parse_date(d->listing_start, &out->listing_start))
		add_error(errors, NULL, "「掲載開始日」は「2026-04-01」の形で、実在する日付を入力してください。");
	if (!blank(d->listing_end)) {
		if (!parse_date(d->listing_end, &out->listing_end))
			add_error(errors, NULL, "「掲載終了日」は「2026-04-01」の形で、実在する日付を入力してください。");
		else
			out->listing_end += 86400; /* listed through the end of that day */
	}
	if (out->listing_start && out->listing_end && out->listing_end <= out->listing_start)
		add_error(errors, NULL, "「掲載終了日」は掲載開始日より後の日付にしてください。");
	if (!blank(d->department) && (out->department_id = department_id(db, d->department)) == 0)
		add_error(errors, NULL, "「担当部署」に登録されていない部署が指定されています。");

	for (i = 0; i < t->nfields; i++) {
		const schema_field_t *f = &t->fields[i];
		const char *v = d->values[i];
		if (blank(v)) {
			if (f->required)
				add_error(errors, f, f->type == F_TERMS ? "を選んでください。" : "を入力してください。");
			continue;
		}
		if (!check_value(db, tc, f, v, out, &fields, errors))
			continue;
		if (i == t->title_field)
			out->title = strdup(v);
		else if (f->searchable) {
			if (out->body.len > 0)
				buf_putc(&out->body, '\n');
			buf_puts(&out->body, v);
		}
	}
	/* B01: a job offer is published only with every item the law requires it to state */
	if (strcmp(out->status, "published") == 0 && joblaw_applies(t))
		(void)joblaw_check(t, d->values, errors);
	if (errors->len != before || out->title == NULL) {
		buf_free(&fields);
		entity_ready_free(out);
		return false;
	}
	buf_puts(&fields, fields.len > 0 ? "}" : "{}");
	out->fields_json = fields.oom ? NULL : buf_steal(&fields, NULL);
	buf_free(&fields);
	if (out->fields_json == NULL || out->body.oom) {
		entity_ready_free(out);
		add_error(errors, NULL, "メモリが不足しています。");
		return false;
	}
	return true;
}

void
entity_ready_free(entity_ready_t *e)
{
	free(e->title);
	free(e->fields_json);
	buf_free(&e->body);
	e->title = e->fields_json = NULL;
}

bool
entity_insert(db_t *db, const entity_ready_t *e, int64_t now, int64_t *id)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO entities (type, status, title, body, fields, department_id, "
	    "listing_start, listing_end, deadline, created_at, updated_at, published_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	int i;

	if (st == NULL)
		return false;
	db_bind_str(st, 1, e->type->name);
	db_bind_str(st, 2, e->status);
	db_bind_str(st, 3, e->title);
	db_bind_text(st, 4, e->body.data ? e->body.data : "", e->body.len);
	db_bind_str(st, 5, e->fields_json);
	if (e->department_id) db_bind_i64(st, 6, e->department_id); else db_bind_null(st, 6);
	if (e->listing_start) db_bind_i64(st, 7, e->listing_start); else db_bind_null(st, 7);
	if (e->listing_end) db_bind_i64(st, 8, e->listing_end); else db_bind_null(st, 8);
	if (e->deadline) db_bind_i64(st, 9, e->deadline); else db_bind_null(st, 9);
	db_bind_i64(st, 10, now);
	db_bind_i64(st, 11, now);
	if (strcmp(e->status, "published") == 0)
		db_bind_i64(st, 12, e->listing_start ? e->listing_start : now);
	else
		db_bind_null(st, 12);
	if (db_run(st) != DB_DONE)
		return false;
	*id = db_last_id(db);
	for (i = 0; i < e->nterms; i++) {
		st = db_prepare(db, "INSERT INTO entity_terms (entity_id, term_id) VALUES (?, ?)");
		if (st == NULL)
			return false;
		db_bind_i64(st, 1, *id);
		db_bind_i64(st, 2, e->term_ids[i]);
		if (db_run(st) != DB_DONE)
			return false;
	}
	return true;
}

bool
entity_set_status(db_t *db, int64_t id, const char *status, int64_t now)
{
	db_stmt_t *st = db_prepare(db, "UPDATE entities SET status = ?, updated_at = ?, "
	    "published_at = CASE WHEN ? = 'published' THEN COALESCE(published_at, ?) ELSE published_at END WHERE id = ?");

	if (st == NULL)
		return false;
	db_bind_str(st, 1, status);
	db_bind_i64(st, 2, now);
	db_bind_str(st, 3, status);
	db_bind_i64(st, 4, now);
	db_bind_i64(st, 5, id);
	return db_run(st) == DB_DONE && db_changes(db) == 1;
}

bool
entity_publish_check(db_t *db, const schema_type_t *t, int64_t id, buf_t *errors)
{
	db_stmt_t *st;
	bool ok = false;

	if (!joblaw_applies(t))
		return true;
	st = db_prepare(db, "SELECT fields FROM entities WHERE id = ? AND type = ?");
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, id);
	db_bind_str(st, 2, t->name);
	if (db_step(st) == DB_ROW)
		ok = joblaw_check_json(t, db_col_text(st, 0), errors);
	else
		add_error(errors, NULL, "対象の記事が見つかりません。");
	db_done(st);
	return ok;
}

bool
entity_set_listing(db_t *db, int64_t id, int64_t start, int64_t end, int64_t now)
{
	db_stmt_t *st = db_prepare(db, "UPDATE entities SET listing_start = ?, listing_end = ?, updated_at = ? WHERE id = ?");

	if (st == NULL)
		return false;
	if (start) db_bind_i64(st, 1, start); else db_bind_null(st, 1);
	if (end) db_bind_i64(st, 2, end); else db_bind_null(st, 2);
	db_bind_i64(st, 3, now);
	db_bind_i64(st, 4, id);
	return db_run(st) == DB_DONE && db_changes(db) == 1;
}

bool
entity_delete(db_t *db, int64_t id)
{
	db_stmt_t *st = db_prepare(db, "DELETE FROM entities WHERE id = ?");

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, id);
	return db_run(st) == DB_DONE && db_changes(db) == 1;
}
