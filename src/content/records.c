/*
 * records.c - staff records of companies and offers (issue 7 items 1 and 2; G60-G65): search, recruiting
 * contacts, interaction history and the 対応状況 of offers.
 *
 * Phone search: phone numbers live inside the entities' JSON fields in whatever notation was typed
 * (027-123-4567, (027)123-4567, ０２７－…). Rather than keep a second, normalised copy in step with every
 * entity write (the generic editor, imports, company approvals all write entities), each process keeps
 * the digits of every record's phone fields in memory (below) and hands the matching ids to the search.
 *
 * Every other filter, the count and the order come from the type's in-memory search index (search.h),
 * which holds each record's status, listing period, terms, title, kana and company name: a count under
 * any filter is one pass over memory, and SQL reads only the rows of the page shown (issue 7 item 9).
 * Only while the index is not built yet (at start-up, in the background) does the unfiltered list come
 * from SQL alone, so that the first page answers at once.
 */
#include "content/records.h"
#include "auth/audit.h"
#include "auth/policy.h"
#include "core/buf.h"
#include "core/str.h"
#include "core/text.h"
#include "search/search.h"

#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const records_channels[6] = { "visit_in", "phone", "mail", "visit", "online", "other" };
static const char *const channel_labels[6] = { "来所", "電話", "メール", "訪問", "オンライン", "その他" };
const char *const records_offer_statuses[4] = { "received", "open", "filled", "closed" };
static const char *const offer_status_labels[4] = { "受付", "公開中", "充足", "終了" };

const char *
records_channel_label(const char *code)
{
	for (size_t i = 0; code != NULL && i < 6; i++)
		if (strcmp(code, records_channels[i]) == 0)
			return channel_labels[i];
	return NULL;
}

const char *
records_offer_status_label(const char *code)
{
	for (size_t i = 0; code != NULL && i < 4; i++)
		if (strcmp(code, records_offer_statuses[i]) == 0)
			return offer_status_labels[i];
	return NULL;
}

int
records_phone_digits(const char *in, char *out, size_t outlen)
{
	arena_t a;
	char *f;
	size_t n = 0;
	int rc = 0;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if (in == NULL)
		return 0;
	arena_init(&a, 1024, 1 << 16);
	f = text_fold(&a, in, strlen(in));
	if (f == NULL) {
		arena_free(&a);
		return -1;
	}
	for (const char *p = f; *p != '\0' && rc >= 0; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= '0' && c <= '9') {
			if (n + 1 >= outlen || n >= RECORDS_PHONE_DIGITS)
				rc = -1;
			else
				out[n++] = (char)c;
		} else if (c == '-' || c == ' ' || c == '(' || c == ')' || c == '.' || c == '/' || c == '+' || c == '\t') {
			continue;
		} else if (strncmp(p, "\xe2\x80\x90", 3) == 0 || strncmp(p, "\xe2\x80\x91", 3) == 0 ||
		    strncmp(p, "\xe2\x80\x92", 3) == 0 || strncmp(p, "\xe2\x80\x93", 3) == 0 ||
		    strncmp(p, "\xe2\x80\x94", 3) == 0 || strncmp(p, "\xe2\x88\x92", 3) == 0 ||
		    strncmp(p, "\xe3\x83\xbc", 3) == 0) {
			p += 2;  /* ‐ ‑ ‒ – — − ー typed as hyphens */
		} else {
			rc = -1;
		}
	}
	out[rc < 0 ? 0 : n] = '\0';
	arena_free(&a);
	return rc < 0 ? -1 : (int)n;
}

int
records_kind(const char *type)
{
	if (type == NULL)
		return -1;
	if (strcmp(type, "company") == 0)
		return POLICY_COMPANY;
	if (strcmp(type, "job") == 0)
		return POLICY_JOB;
	if (strcmp(type, "internship") == 0)
		return POLICY_INTERNSHIP;
	return -1;
}

bool
records_entity(db_t *db, int64_t id, char *type, size_t typelen, int64_t *department)
{
	db_stmt_t *st = db_prepare(db, "SELECT type, COALESCE(department_id, 0) FROM entities WHERE id = ?");
	bool found = false;

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW) {
		found = str_copy(type, typelen, db_col_text(st, 0));
		*department = db_col_i64(st, 1);
	}
	db_done(st);
	return found;
}

int64_t
records_offer_company(db_t *db, int64_t offer_id)
{
	db_stmt_t *st = db_prepare(db, "SELECT c.id FROM entities o JOIN entities c ON c.type = 'company' "
	    "AND c.title = json_extract(o.fields, '$.company_name') WHERE o.id = ? ORDER BY c.id LIMIT 1");
	int64_t id = 0;

	if (st == NULL)
		return 0;
	db_bind_i64(st, 1, offer_id);
	if (db_step(st) == DB_ROW)
		id = db_col_i64(st, 0);
	db_done(st);
	return id;
}

/* ---- search ----
 *
 * Every filter of the staff lists is tested by the type's in-memory search index (search.h: keyword,
 * terms, status, listing period, parts of the title, kana and company name, and a phone number's matches
 * as an id list), which also counts and orders the matches; SQL then reads only the page's rows. Only
 * while the index is still being built (at start-up) is the unfiltered list in update order read from SQL
 * alone: entities_staff_order (migration 024) walked backwards. */

static bool
phone_matches(const char *value, const char *digits)
{
	char d[RECORDS_PHONE_DIGITS + 8];

	return records_phone_digits(value, d, sizeof(d)) > 0 && strstr(d, digits) != NULL;
}

/* ---- phone numbers in memory (issue 7 item 9) ----
 *
 * Reading and parsing every record's fields JSON for each phone search took seconds at 100,000 offers.
 * Instead each process keeps, per type, the digits of every record's phone fields ("0271234567|0279..|",
 * one part per field, so a match never spans two fields), sorted by id. Before each search it applies
 * the search_log entries written since (migration 003: every insert, update and delete of an entity, by
 * any process, in the writer's transaction), re-reading only those records; it reads everything again
 * when the log was pruned past what it had applied, when the database is another one (search_state's
 * instance), or when the type's phone fields change. The sequence is read before the records, so a write
 * that lands in between is applied again next time rather than missed. */

#define PHONE_TYPES 4

typedef struct phone_ent {
	int64_t id;
	char   *digits;
} phone_ent_t;

typedef struct phone_cache {
	char         type[32];
	char         fields[256];  /* the phone field names, each followed by '|' */
	char         instance[64];
	int64_t      seq;          /* search_log applied up to here; 0: nothing held */
	phone_ent_t *v;
	size_t       n, cap;
} phone_cache_t;

static phone_cache_t phone_caches[PHONE_TYPES];
static pthread_mutex_t phone_mu = PTHREAD_MUTEX_INITIALIZER;

/* The digits of each phone field of a fields JSON text, each followed by '|' (malloc'd; NULL when out of
 * memory). */
static char *
phone_entity_digits(const char *json, const records_query_t *q)
{
	char d[RECORDS_PHONE_DIGITS + 8];
	json_t *f = json_loads(json != NULL ? json : "{}", 0, NULL);
	buf_t b = BUF_INIT;
	char *out;

	for (int i = 0; f != NULL && i < q->nphone_fields; i++) {
		json_t *v = json_object_get(f, q->phone_fields[i]);
		if (json_is_string(v) && records_phone_digits(json_string_value(v), d, sizeof(d)) > 0)
			buf_puts(&b, d);
		buf_putc(&b, '|');
	}
	json_decref(f);
	out = b.oom ? NULL : strdup(b.data != NULL ? b.data : "");
	buf_free(&b);
	return out;
}

static void
phone_clear(phone_cache_t *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].digits);
	c->n = 0;
	c->seq = 0;
}

/* Index of id in c (found) or where it goes. */
static size_t
phone_find(const phone_cache_t *c, int64_t id, bool *found)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < c->n && c->v[lo].id == id;
	return lo;
}

/* Sets (digits != NULL, taken over) or removes (NULL) the record id. */
static bool
phone_put(phone_cache_t *c, int64_t id, char *digits)
{
	bool found;
	size_t i = phone_find(c, id, &found);

	if (found) {
		free(c->v[i].digits);
		if (digits != NULL) {
			c->v[i].digits = digits;
		} else {
			memmove(&c->v[i], &c->v[i + 1], (c->n - i - 1) * sizeof(c->v[0]));
			c->n--;
		}
		return true;
	}
	if (digits == NULL)
		return true;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		phone_ent_t *v = realloc(c->v, cap * sizeof(*v));
		if (v == NULL) {
			free(digits);
			return false;
		}
		c->v = v;
		c->cap = cap;
	}
	memmove(&c->v[i + 1], &c->v[i], (c->n - i) * sizeof(c->v[0]));
	c->v[i].id = id;
	c->v[i].digits = digits;
	c->n++;
	return true;
}

/* Brings c up to date with the database; phone_mu held. */
static bool
phone_refresh(db_t *db, phone_cache_t *c, const records_query_t *q, const char *fields)
{
	char instance[64] = "";
	int64_t pruned = 0, seq = search_log_seq(db);
	db_stmt_t *st = db_prepare(db, "SELECT instance, pruned_upto FROM search_state WHERE id = 1");
	bool ok = true, full;

	if (st == NULL || seq < 0) {
		if (st != NULL)
			db_done(st);
		return false;
	}
	if (db_step(st) == DB_ROW) {
		str_copy(instance, sizeof(instance), db_col_text(st, 0));
		pruned = db_col_i64(st, 1);
	}
	db_done(st);
	full = c->seq == 0 || pruned > c->seq || strcmp(c->instance, instance) != 0 || strcmp(c->fields, fields) != 0;
	if (!full && seq == c->seq)
		return true;
	if (full) {
		phone_clear(c);
		st = db_prepare(db, "SELECT id, fields FROM entities WHERE type = ? ORDER BY id");
		if (st == NULL)
			return false;
		db_bind_str(st, 1, q->type);
	} else {
		st = db_prepare(db, "SELECT l.entity_id, e.type, e.fields FROM (SELECT DISTINCT entity_id FROM search_log "
		    "WHERE seq > ? AND entity_id <> 0) l LEFT JOIN entities e ON e.id = l.entity_id");
		if (st == NULL)
			return false;
		db_bind_i64(st, 1, c->seq);
	}
	while (ok && db_step(st) == DB_ROW) {
		int64_t id = db_col_i64(st, 0);
		if (full) {
			char *d = phone_entity_digits(db_col_text(st, 1), q);
			ok = d != NULL && phone_put(c, id, d);
		} else if (db_col_text(st, 1) != NULL && strcmp(db_col_text(st, 1), q->type) == 0) {
			char *d = phone_entity_digits(db_col_text(st, 2), q);
			ok = d != NULL && phone_put(c, id, d);
		} else {
			ok = phone_put(c, id, NULL);  /* deleted (or another type) */
		}
	}
	db_done(st);
	if (!ok) {
		phone_clear(c);
		return false;
	}
	str_copy(c->instance, sizeof(c->instance), instance);
	str_copy(c->fields, sizeof(c->fields), fields);
	c->seq = seq;
	return true;
}

/* Appends an id to a malloc'd list. */
static bool
ids_push(int64_t **ids, int *n, int *cap, int64_t id)
{
	if (*n == *cap) {
		int c = *cap ? *cap * 2 : 256;
		int64_t *m = c > 0 && c < INT32_MAX / 16 ? realloc(*ids, sizeof(int64_t) * (size_t)c) : NULL;
		if (m == NULL)
			return false;
		*ids = m;
		*cap = c;
	}
	(*ids)[(*n)++] = id;
	return true;
}

/* Ids of entities of the type with a phone field (or, for companies, a contact's phone) containing the
 * digits, into *ids (malloc'd, *n of them; a company may be there twice). */
static bool
phone_ids(db_t *db, const records_query_t *q, const char *digits, int64_t **ids, int *n)
{
	int cap = 0;
	char fields[256] = "";
	phone_cache_t *c = NULL;
	db_stmt_t *st;
	bool ok = true;

	*ids = NULL;
	*n = 0;
	for (int i = 0, k = 0; i < q->nphone_fields; i++) {
		size_t len = strlen(q->phone_fields[i]);
		if (k + len + 2 > sizeof(fields))
			return false;
		memcpy(fields + k, q->phone_fields[i], len);
		k += (int)len;
		fields[k++] = '|';
		fields[k] = '\0';
	}
	pthread_mutex_lock(&phone_mu);
	for (int i = 0; i < PHONE_TYPES && c == NULL; i++)
		if (strcmp(phone_caches[i].type, q->type) == 0)
			c = &phone_caches[i];
	for (int i = 0; i < PHONE_TYPES && c == NULL; i++)
		if (phone_caches[i].type[0] == '\0') {
			c = &phone_caches[i];
			str_copy(c->type, sizeof(c->type), q->type);
		}
	if (c == NULL) {
		c = &phone_caches[0];  /* more types than slots: reuse the first */
		phone_clear(c);
		str_copy(c->type, sizeof(c->type), q->type);
	}
	ok = phone_refresh(db, c, q, fields);
	for (size_t i = 0; ok && i < c->n; i++)
		if (strstr(c->v[i].digits, digits) != NULL)
			ok = ids_push(ids, n, &cap, c->v[i].id);
	pthread_mutex_unlock(&phone_mu);
	if (ok && strcmp(q->type, "company") == 0) {
		st = db_prepare(db, "SELECT DISTINCT entity_id, phone FROM company_contacts WHERE phone <> ''");
		if (st == NULL)
			return false;
		while (ok && db_step(st) == DB_ROW)
			if (phone_matches(db_col_text(st, 1), digits))
				ok = ids_push(ids, n, &cap, db_col_i64(st, 0));
		db_done(st);
	}
	return ok;
}

#define RECORDS_COLS \
	"SELECT e.id, e.title, COALESCE(json_extract(e.fields, '$.name_kana'), ''), " \
	"COALESCE(json_extract(e.fields, '$.company_name'), ''), e.status, COALESCE(d.name, ''), " \
	"COALESCE(e.department_id, 0), COALESCE(e.listing_start, 0), COALESCE(e.listing_end, 0), e.updated_at" \
	" FROM entities e LEFT JOIN departments d ON d.id = e.department_id"

static bool
set(const char *s)
{
	return s != NULL && s[0] != '\0';
}

static const char *
opt(const char *s)
{
	return set(s) ? s : NULL;
}

static void
add_filter(search_params_t *p, const char *vocab, const char *alt, const char *code)
{
	search_filter_t *f;

	if (!set(code) || p->nfilters >= SEARCH_MAX_FILTERS)
		return;
	f = &p->filters[p->nfilters++];
	f->vocab = vocab;
	f->vocab_alt = alt;
	f->codes[0] = code;
	f->ncodes = 1;
}

/* The index's parameters for a staff query (without the phone number, which the caller resolves). */
static void
staff_params(const records_query_t *q, search_params_t *p)
{
	memset(p, 0, sizeof(*p));
	p->type = q->type;
	p->q = opt(q->q);
	p->staff = true;
	p->now = q->now;
	p->sort = q->sort_name ? SORT_NAME : SORT_UPDATED;
	add_filter(p, "area", "municipality", q->region);
	add_filter(p, "industry", NULL, q->industry);
	add_filter(p, "occupation", NULL, q->occupation);
	p->status = opt(q->status);
	p->ends_before = q->ends_before;
	p->ends_after = q->ends_after;
	p->active_on = q->active_on;
	p->title_part = opt(q->name);
	p->kana_part = opt(q->kana);
	p->company_part = opt(q->company);
}

/* Resolves the phone filter into p (only_ids, malloc'd into *ids). False on an error; *too_short when the
 * number has too few digits to search (nothing matches then). */
static bool
phone_filter(db_t *db, const records_query_t *q, search_params_t *p, int64_t **ids, bool *too_short)
{
	char digits[RECORDS_PHONE_DIGITS + 8];
	int n = 0;

	*ids = NULL;
	*too_short = false;
	if (!set(q->phone))
		return true;
	if (records_phone_digits(q->phone, digits, sizeof(digits)) < RECORDS_PHONE_MIN) {
		*too_short = true;
		return true;
	}
	if (!phone_ids(db, q, digits, ids, &n))
		return false;
	p->only = true;
	p->only_ids = *ids;
	p->nonly_ids = n;
	return true;
}

/* Reads the row of entity id into r; false when it is gone (deleted since the index was read). */
static bool
read_row(db_t *db, arena_t *a, int64_t id, records_row_t *r)
{
	db_stmt_t *st = db_prepare(db, RECORDS_COLS " WHERE e.id = ?");
	bool found = false;

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW) {
		r->id = db_col_i64(st, 0);
		r->title = arena_strdup(a, db_col_text(st, 1));
		r->kana = arena_strdup(a, db_col_text(st, 2));
		r->company = arena_strdup(a, db_col_text(st, 3));
		r->status = arena_strdup(a, db_col_text(st, 4));
		r->department = arena_strdup(a, db_col_text(st, 5));
		r->department_id = db_col_i64(st, 6);
		r->listing_start = db_col_i64(st, 7);
		r->listing_end = db_col_i64(st, 8);
		r->updated_at = db_col_i64(st, 9);
		found = r->title != NULL && r->kana != NULL && r->company != NULL && r->status != NULL &&
		    r->department != NULL;
	}
	db_done(st);
	return found;
}

/* No filter at all, newest update first, while the index is not built: the count and the page from SQL
 * (the count reads the narrow entities_list index's entries, the page stops after per rows). */
static bool
unfiltered(db_t *db, const records_query_t *q, int per, int page, records_list_t *out)
{
	db_stmt_t *st = db_prepare(db, "SELECT COUNT(*) FROM entities WHERE type = ?1");

	if (st == NULL)
		return false;
	db_bind_str(st, 1, q->type);
	if (db_step(st) != DB_ROW) {
		db_done(st);
		return false;
	}
	out->total = db_col_i64(st, 0);
	db_done(st);
	st = db_prepare(db, "SELECT id FROM entities WHERE type = ?1 ORDER BY updated_at DESC, id DESC LIMIT ?2 OFFSET ?3");
	if (st == NULL)
		return false;
	db_bind_str(st, 1, q->type);
	db_bind_i64(st, 2, per);
	db_bind_i64(st, 3, (int64_t)(page - 1) * per);
	while (out->nrows < per && db_step(st) == DB_ROW)
		out->rows[out->nrows++].id = db_col_i64(st, 0);
	db_done(st);
	return true;
}

bool
records_search(db_t *db, arena_t *a, const records_query_t *q, records_list_t *out)
{
	search_params_t p;
	search_result_t res;
	int64_t *ph = NULL, *ids;
	int per = q->per_page > 0 && q->per_page <= 100 ? q->per_page : RECORDS_PER_PAGE;
	int page = q->page >= 1 && q->page <= RECORDS_MAX_PAGE ? q->page : 1;
	int nids, k = 0;
	bool ok = false, too_short;

	memset(out, 0, sizeof(*out));
	out->rows = arena_calloc(a, (size_t)per, sizeof(records_row_t));
	if (out->rows == NULL)
		return false;
	staff_params(q, &p);
	if (!phone_filter(db, q, &p, &ph, &too_short))
		return false;
	if (too_short) {
		out->problem = "電話番号は4桁以上の数字で入力してください（ハイフンや全角数字も使えます）。";
		return true;
	}
	if (p.q == NULL && !p.only && p.nfilters == 0 && p.status == NULL && p.ends_before == 0 && p.ends_after == 0 &&
	    p.active_on == 0 && p.title_part == NULL && p.kana_part == NULL && p.company_part == NULL &&
	    p.sort == SORT_UPDATED && !search_ready(q->type)) {
		if (!unfiltered(db, q, per, page, out))
			return false;
		ids = NULL;
		nids = out->nrows;
	} else {
		p.page = page;
		p.per_page = per;
		if (p.only && p.nonly_ids == 0) {
			free(ph);
			return true;  /* no phone match: nothing to count or list */
		}
		ok = search_run(db, a, &p, &res);
		free(ph);
		if (!ok)
			return false;
		out->total = res.total;
		ids = res.ids;
		nids = res.nids;
		for (int i = 0; i < nids && i < per; i++)
			out->rows[i].id = ids[i];
		out->nrows = nids < per ? nids : per;
	}
	/* the page's rows by id, in the order found (a row deleted in between is left out) */
	for (int i = 0; i < out->nrows; i++)
		if (read_row(db, a, out->rows[i].id, &out->rows[k]))
			k++;
	out->nrows = k;
	return true;
}

bool
records_search_ids(db_t *db, arena_t *a, const records_query_t *q, int64_t **ids, size_t *n)
{
	search_params_t p;
	search_result_t res;
	int64_t *ph = NULL;
	bool ok, too_short;

	*ids = NULL;
	*n = 0;
	staff_params(q, &p);
	if (!phone_filter(db, q, &p, &ph, &too_short))
		return false;
	if (too_short || (p.only && p.nonly_ids == 0)) {
		free(ph);
		*ids = arena_alloc(a, sizeof(int64_t));
		return *ids != NULL;
	}
	p.page = 1;
	p.per_page = SEARCH_MAX_PER_PAGE;
	p.all = true;
	ok = search_run(db, a, &p, &res);
	free(ph);
	if (!ok)
		return false;
	*ids = res.ids != NULL ? res.ids : arena_alloc(a, sizeof(int64_t));
	*n = res.nids > RECORDS_EXPORT_MAX ? RECORDS_EXPORT_MAX : (size_t)res.nids;
	return *ids != NULL;
}

/* ---- writes: the rule, the transaction and the audit entry ---- */

/* Whether actor may update the record id (its kind and department); into *kind the policy kind. */
static records_rc_t
may_update(db_t *db, const account_t *actor, int64_t id, const char *want_type, int *kind, char *err, size_t errlen)
{
	char type[32];
	int64_t dept = 0;
	int k;

	if (!records_entity(db, id, type, sizeof(type), &dept) ||
	    (want_type != NULL && strcmp(type, want_type) != 0) || (k = records_kind(type)) < 0) {
		str_copy(err, errlen, "対象の情報が見つかりません。");
		return RECORDS_NOT_FOUND;
	}
	if (kind != NULL)
		*kind = k;
	if (!policy_can(actor, POLICY_UPDATE, (policy_record_t)k, dept)) {
		str_copy(err, errlen, "この情報を変更する権限がありません（担当部署の情報のみ変更できます）。");
		return RECORDS_DENIED;
	}
	return RECORDS_OK;
}

/* Checks a text value: valid UTF-8 (newlines only where allowed), at most max characters. */
static bool
text_ok(const char *v, size_t max, bool lines)
{
	size_t n = v != NULL ? strlen(v) : 0;

	return v == NULL || (n <= max * 4 && str_utf8_valid(v, n, lines) && str_utf8_len(v, n) <= max);
}

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

static records_rc_t
invalid(const char **field, const char *name, char *err, size_t errlen, const char *msg)
{
	*field = name;
	str_copy(err, errlen, msg);
	return RECORDS_INVALID;
}

/* Commits with the audit entry, or rolls everything back. */
static records_rc_t
finish(db_t *db, const account_t *actor, const char *ip, const char *action, const char *target, const char *detail,
    int64_t now, char *err, size_t errlen)
{
	audit_entry_t e = { actor->id, actor->login, ip, action, target, detail };

	if (!audit_append(db, &e, now) || !db_commit(db)) {
		db_rollback(db);
		str_copy(err, errlen, "記録できませんでした。もう一度お試しください。");
		return RECORDS_ERROR;
	}
	audit_sync_head(db);
	return RECORDS_OK;
}

static records_rc_t
fail(db_t *db, char *err, size_t errlen)
{
	db_rollback(db);
	str_copy(err, errlen, "保存できませんでした。もう一度お試しください。");
	return RECORDS_ERROR;
}

/* ---- contacts ---- */

records_rc_t
records_contact_save(db_t *db, const account_t *actor, const char *ip, records_contact_t *c, int64_t now,
    const char **field, char *err, size_t errlen)
{
	char target[64], detail[48], ph[RECORDS_PHONE_DIGITS + 8];
	bool adding = c->id == 0;
	records_rc_t rc;
	db_stmt_t *st;
	int64_t count = 0;

	*field = NULL;
	if (c->name == NULL || c->name[0] == '\0')
		return invalid(field, "name", err, errlen, "「氏名」を入力してください。");
	if (!text_ok(c->name, RECORDS_NAME_MAX, false))
		return invalid(field, "name", err, errlen, "「氏名」は100文字以内で入力してください。");
	if (!text_ok(c->kana, RECORDS_NAME_MAX, false))
		return invalid(field, "kana", err, errlen, "「ふりがな」は100文字以内で入力してください。");
	if (!text_ok(c->department_title, RECORDS_NAME_MAX, false))
		return invalid(field, "department_title", err, errlen, "「部署・役職」は100文字以内で入力してください。");
	if (c->phone != NULL && c->phone[0] != '\0' && records_phone_digits(c->phone, ph, sizeof(ph)) < 6)
		return invalid(field, "phone", err, errlen, "「電話番号」は数字とハイフンで入力してください（例：027-123-4567）。");
	if (c->email != NULL && c->email[0] != '\0' && (strlen(c->email) > 254 || !str_email_valid(c->email)))
		return invalid(field, "email", err, errlen, "「メールアドレス」の形式が正しくありません（例：saiyo@example.jp）。");
	if (!text_ok(c->note, RECORDS_NOTE_MAX, true))
		return invalid(field, "note", err, errlen, "「メモ」は2000文字以内で入力してください。");
	if (c->sort < 0 || c->sort > 999)
		return invalid(field, "sort", err, errlen, "「表示順」は0から999の数字で入力してください。");
	if (!db_begin_write(db))
		return fail(db, err, errlen);
	if ((rc = may_update(db, actor, c->entity_id, "company", NULL, err, errlen)) != RECORDS_OK) {
		db_rollback(db);
		return rc;
	}
	if (adding) {
		st = db_prepare(db, "SELECT COUNT(*) FROM company_contacts WHERE entity_id = ?");
		if (st == NULL)
			return fail(db, err, errlen);
		db_bind_i64(st, 1, c->entity_id);
		if (db_step(st) == DB_ROW)
			count = db_col_i64(st, 0);
		db_done(st);
		if (count >= RECORDS_CONTACTS_MAX) {
			db_rollback(db);
			return invalid(field, "name", err, errlen, "採用担当者は1社50人まで登録できます。");
		}
		st = db_prepare(db, "INSERT INTO company_contacts (entity_id, name, kana, department_title, phone, email, "
		    "note, sort, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	} else {
		st = db_prepare(db, "UPDATE company_contacts SET entity_id = ?, name = ?, kana = ?, department_title = ?, "
		    "phone = ?, email = ?, note = ?, sort = ?, updated_at = ?10 WHERE id = ?11 AND entity_id = ?1");
	}
	if (st == NULL)
		return fail(db, err, errlen);
	db_bind_i64(st, 1, c->entity_id);
	db_bind_str(st, 2, c->name);
	db_bind_str(st, 3, nz(c->kana));
	db_bind_str(st, 4, nz(c->department_title));
	db_bind_str(st, 5, nz(c->phone));
	db_bind_str(st, 6, nz(c->email));
	db_bind_str(st, 7, nz(c->note));
	db_bind_i64(st, 8, c->sort);
	db_bind_i64(st, 9, now);
	db_bind_i64(st, 10, now);
	if (!adding)
		db_bind_i64(st, 11, c->id);
	if (db_run(st) != DB_DONE)
		return fail(db, err, errlen);
	if (!adding && db_changes(db) != 1) {
		db_rollback(db);
		str_copy(err, errlen, "対象の採用担当者が見つかりません。");
		return RECORDS_NOT_FOUND;
	}
	if (adding)
		c->id = db_last_id(db);
	c->updated_at = now;
	snprintf(target, sizeof(target), "entity:%" PRId64, c->entity_id);
	snprintf(detail, sizeof(detail), "contact:%" PRId64, c->id);
	return finish(db, actor, ip, adding ? "company.contact_add" : "company.contact_update", target, detail, now,
	    err, errlen);
}

records_rc_t
records_contact_delete(db_t *db, const account_t *actor, const char *ip, int64_t entity_id, int64_t contact_id,
    int64_t now, char *err, size_t errlen)
{
	char target[64], detail[48];
	records_rc_t rc;
	db_stmt_t *st;

	if (!db_begin_write(db))
		return fail(db, err, errlen);
	if ((rc = may_update(db, actor, entity_id, "company", NULL, err, errlen)) != RECORDS_OK) {
		db_rollback(db);
		return rc;
	}
	st = db_prepare(db, "DELETE FROM company_contacts WHERE id = ? AND entity_id = ?");
	if (st == NULL)
		return fail(db, err, errlen);
	db_bind_i64(st, 1, contact_id);
	db_bind_i64(st, 2, entity_id);
	if (db_run(st) != DB_DONE)
		return fail(db, err, errlen);
	if (db_changes(db) != 1) {
		db_rollback(db);
		str_copy(err, errlen, "対象の採用担当者が見つかりません。");
		return RECORDS_NOT_FOUND;
	}
	snprintf(target, sizeof(target), "entity:%" PRId64, entity_id);
	snprintf(detail, sizeof(detail), "contact:%" PRId64, contact_id);
	return finish(db, actor, ip, "company.contact_delete", target, detail, now, err, errlen);
}

bool
records_contacts(db_t *db, arena_t *a, int64_t entity_id, records_contact_t **out, int *n)
{
	db_stmt_t *st = db_prepare(db, "SELECT id, name, kana, department_title, phone, email, note, sort, updated_at "
	    "FROM company_contacts WHERE entity_id = ? ORDER BY sort, id LIMIT ?");

	*n = 0;
	*out = arena_calloc(a, RECORDS_CONTACTS_MAX, sizeof(records_contact_t));
	if (st == NULL || *out == NULL)
		return false;
	db_bind_i64(st, 1, entity_id);
	db_bind_i64(st, 2, RECORDS_CONTACTS_MAX);
	while (*n < RECORDS_CONTACTS_MAX && db_step(st) == DB_ROW) {
		records_contact_t *c = &(*out)[(*n)++];
		c->id = db_col_i64(st, 0);
		c->entity_id = entity_id;
		c->name = arena_strdup(a, db_col_text(st, 1));
		c->kana = arena_strdup(a, db_col_text(st, 2));
		c->department_title = arena_strdup(a, db_col_text(st, 3));
		c->phone = arena_strdup(a, db_col_text(st, 4));
		c->email = arena_strdup(a, db_col_text(st, 5));
		c->note = arena_strdup(a, db_col_text(st, 6));
		c->sort = db_col_i64(st, 7);
		c->updated_at = db_col_i64(st, 8);
	}
	db_done(st);
	return true;
}

/* ---- interaction history ---- */

static bool
channel_valid(const char *c)
{
	return records_channel_label(c) != NULL;
}

records_rc_t
records_interaction_save(db_t *db, const account_t *actor, const char *ip, records_interaction_t *in, int64_t now,
    const char **field, char *err, size_t errlen)
{
	char target[64], detail[48];
	bool adding = in->id == 0;
	records_rc_t rc;
	db_stmt_t *st;
	int kind = -1;

	*field = NULL;
	if (in->at <= 0)
		return invalid(field, "at", err, errlen, "「対応日時」を入力してください（例：2026-04-01 と 10:30）。");
	if (!channel_valid(in->channel))
		return invalid(field, "channel", err, errlen, "「対応方法」を選んでください。");
	if (in->summary == NULL || in->summary[0] == '\0')
		return invalid(field, "summary", err, errlen, "「対応内容」を入力してください。");
	if (!text_ok(in->summary, RECORDS_SUMMARY_MAX, true))
		return invalid(field, "summary", err, errlen, "「対応内容」は4000文字以内で入力してください。");
	if (!text_ok(in->next_action, RECORDS_LINE_MAX, true))
		return invalid(field, "next_action", err, errlen, "「次回対応」は200文字以内で入力してください。");
	if (in->next_action_due < 0)
		return invalid(field, "next_action_due", err, errlen, "「次回対応の期日」は日付で入力してください（例：2026-04-10）。");
	if (!db_begin_write(db))
		return fail(db, err, errlen);
	if (!adding) {
		/* where it is filed comes from the stored row, never from the form */
		st = db_prepare(db, "SELECT COALESCE(entity_id, 0), COALESCE(offer_entity_id, 0) FROM company_interactions "
		    "WHERE id = ?");
		if (st == NULL)
			return fail(db, err, errlen);
		db_bind_i64(st, 1, in->id);
		if (db_step(st) != DB_ROW) {
			db_done(st);
			db_rollback(db);
			str_copy(err, errlen, "対象の対応履歴が見つかりません。");
			return RECORDS_NOT_FOUND;
		}
		in->entity_id = db_col_i64(st, 0);
		in->offer_entity_id = db_col_i64(st, 1);
		db_done(st);
	}
	rc = in->offer_entity_id != 0 ? may_update(db, actor, in->offer_entity_id, NULL, &kind, err, errlen) :
	    may_update(db, actor, in->entity_id, "company", &kind, err, errlen);
	if (rc == RECORDS_OK && in->offer_entity_id != 0 && kind == POLICY_COMPANY)
		rc = RECORDS_NOT_FOUND;
	if (rc != RECORDS_OK) {
		db_rollback(db);
		return rc;
	}
	if (adding) {
		st = db_prepare(db, "INSERT INTO company_interactions (entity_id, offer_entity_id, at, staff_account_id, "
		    "department_id, channel, summary, next_action, next_action_due, created_at, updated_at) "
		    "VALUES (NULLIF(?1, 0), NULLIF(?2, 0), ?3, ?4, NULLIF(?5, 0), ?6, ?7, ?8, NULLIF(?9, 0), ?10, ?10)");
		if (st == NULL)
			return fail(db, err, errlen);
		db_bind_i64(st, 1, in->entity_id);
		db_bind_i64(st, 2, in->offer_entity_id);
		db_bind_i64(st, 4, actor->id);
		db_bind_i64(st, 5, actor->department_id);
	} else {
		st = db_prepare(db, "UPDATE company_interactions SET at = ?3, channel = ?6, summary = ?7, next_action = ?8, "
		    "next_action_due = NULLIF(?9, 0), updated_at = ?10 WHERE id = ?1");
		if (st == NULL)
			return fail(db, err, errlen);
		db_bind_i64(st, 1, in->id);
	}
	db_bind_i64(st, 3, in->at);
	db_bind_str(st, 6, in->channel);
	db_bind_str(st, 7, in->summary);
	db_bind_str(st, 8, nz(in->next_action));
	db_bind_i64(st, 9, in->next_action_due);
	db_bind_i64(st, 10, now);
	if (db_run(st) != DB_DONE)
		return fail(db, err, errlen);
	if (adding) {
		in->id = db_last_id(db);
		in->staff_account_id = actor->id;
		in->department_id = actor->department_id;
	}
	snprintf(target, sizeof(target), "entity:%" PRId64, in->offer_entity_id != 0 ? in->offer_entity_id : in->entity_id);
	snprintf(detail, sizeof(detail), "interaction:%" PRId64, in->id);
	return finish(db, actor, ip, adding ? "company.interaction_add" : "company.interaction_update", target, detail,
	    now, err, errlen);
}

#define INTERACTION_COLS \
	"SELECT i.id, COALESCE(i.entity_id, 0), COALESCE(i.offer_entity_id, 0), i.at, COALESCE(i.staff_account_id, 0), " \
	"COALESCE(i.department_id, 0), i.channel, i.summary, i.next_action, COALESCE(i.next_action_due, 0), " \
	"COALESCE(a.display_name, ''), COALESCE(d.name, '') FROM company_interactions i " \
	"LEFT JOIN accounts a ON a.id = i.staff_account_id LEFT JOIN departments d ON d.id = i.department_id "

static void
read_interaction(db_stmt_t *st, arena_t *a, records_interaction_t *x)
{
	x->id = db_col_i64(st, 0);
	x->entity_id = db_col_i64(st, 1);
	x->offer_entity_id = db_col_i64(st, 2);
	x->at = db_col_i64(st, 3);
	x->staff_account_id = db_col_i64(st, 4);
	x->department_id = db_col_i64(st, 5);
	x->channel = arena_strdup(a, db_col_text(st, 6));
	x->summary = arena_strdup(a, db_col_text(st, 7));
	x->next_action = arena_strdup(a, db_col_text(st, 8));
	x->next_action_due = db_col_i64(st, 9);
	x->staff = arena_strdup(a, db_col_text(st, 10));
	x->department = arena_strdup(a, db_col_text(st, 11));
}

bool
records_interactions(db_t *db, arena_t *a, int64_t id, bool by_offer, records_interaction_t **out, int *n)
{
	db_stmt_t *st = db_prepare(db, by_offer ?
	    INTERACTION_COLS "WHERE i.offer_entity_id = ? ORDER BY i.at DESC, i.id DESC LIMIT ?" :
	    INTERACTION_COLS "WHERE i.entity_id = ? ORDER BY i.at DESC, i.id DESC LIMIT ?");

	*n = 0;
	*out = arena_calloc(a, RECORDS_HISTORY_SHOWN, sizeof(records_interaction_t));
	if (st == NULL || *out == NULL)
		return false;
	db_bind_i64(st, 1, id);
	db_bind_i64(st, 2, RECORDS_HISTORY_SHOWN);
	while (*n < RECORDS_HISTORY_SHOWN && db_step(st) == DB_ROW)
		read_interaction(st, a, &(*out)[(*n)++]);
	db_done(st);
	return true;
}

bool
records_interaction_get(db_t *db, arena_t *a, int64_t id, records_interaction_t *out)
{
	db_stmt_t *st = db_prepare(db, INTERACTION_COLS "WHERE i.id = ?");
	bool found = false;

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW) {
		read_interaction(st, a, out);
		found = true;
	}
	db_done(st);
	return found;
}

/* ---- 対応状況 ---- */

records_rc_t
records_offer_status_set(db_t *db, const account_t *actor, const char *ip, int64_t offer_id, const char *status,
    const char *note, int64_t now, char *err, size_t errlen)
{
	char target[64], detail[64], cur[16] = "";
	records_rc_t rc;
	db_stmt_t *st;
	int kind = -1;

	if (records_offer_status_label(status) == NULL) {
		str_copy(err, errlen, "「対応状況」を選んでください。");
		return RECORDS_INVALID;
	}
	if (!text_ok(note, RECORDS_LINE_MAX, true)) {
		str_copy(err, errlen, "「メモ」は200文字以内で入力してください。");
		return RECORDS_INVALID;
	}
	if (!db_begin_write(db))
		return fail(db, err, errlen);
	rc = may_update(db, actor, offer_id, NULL, &kind, err, errlen);
	if (rc == RECORDS_OK && kind == POLICY_COMPANY) {
		str_copy(err, errlen, "対象の情報が見つかりません。");
		rc = RECORDS_NOT_FOUND;
	}
	if (rc != RECORDS_OK) {
		db_rollback(db);
		return rc;
	}
	if (!records_offer_status_current(db, offer_id, cur, sizeof(cur)))
		return fail(db, err, errlen);
	st = db_prepare(db, "INSERT INTO offer_status_history (entity_id, status, note, by_account_id, at) "
	    "VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		return fail(db, err, errlen);
	db_bind_i64(st, 1, offer_id);
	db_bind_str(st, 2, status);
	db_bind_str(st, 3, nz(note));
	db_bind_i64(st, 4, actor->id);
	db_bind_i64(st, 5, now);
	if (db_run(st) != DB_DONE)
		return fail(db, err, errlen);
	snprintf(target, sizeof(target), "entity:%" PRId64, offer_id);
	snprintf(detail, sizeof(detail), "%s→%s", cur[0] ? cur : "-", status);
	return finish(db, actor, ip, kind == POLICY_JOB ? "job.status" : "internship.status", target, detail, now,
	    err, errlen);
}

bool
records_offer_status_current(db_t *db, int64_t offer_id, char *out, size_t outlen)
{
	db_stmt_t *st = db_prepare(db, "SELECT status FROM offer_status_history WHERE entity_id = ? ORDER BY id DESC LIMIT 1");

	out[0] = '\0';
	if (st == NULL)
		return false;
	db_bind_i64(st, 1, offer_id);
	if (db_step(st) == DB_ROW)
		str_copy(out, outlen, db_col_text(st, 0));
	db_done(st);
	return true;
}

bool
records_offer_status_history(db_t *db, arena_t *a, int64_t offer_id, records_status_row_t **out, int *n)
{
	db_stmt_t *st = db_prepare(db, "SELECT h.status, h.note, COALESCE(a.display_name, ''), h.at FROM offer_status_history h "
	    "LEFT JOIN accounts a ON a.id = h.by_account_id WHERE h.entity_id = ? ORDER BY h.id DESC LIMIT ?");

	*n = 0;
	*out = arena_calloc(a, RECORDS_HISTORY_SHOWN, sizeof(records_status_row_t));
	if (st == NULL || *out == NULL)
		return false;
	db_bind_i64(st, 1, offer_id);
	db_bind_i64(st, 2, RECORDS_HISTORY_SHOWN);
	while (*n < RECORDS_HISTORY_SHOWN && db_step(st) == DB_ROW) {
		records_status_row_t *h = &(*out)[(*n)++];
		h->status = arena_strdup(a, db_col_text(st, 0));
		h->note = arena_strdup(a, db_col_text(st, 1));
		h->by = arena_strdup(a, db_col_text(st, 2));
		h->at = db_col_i64(st, 3);
	}
	db_done(st);
	return true;
}
