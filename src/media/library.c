/* library.c - the media library's data: alt texts and notes, search, and where an image is used (library.h). */
#include "media/library.h"
#include "core/str.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* One line of text: valid UTF-8, no control character (not even a tab), at most max characters. */
static bool
line_check(const char *s, const char *what, size_t max, bool required, char *err, size_t errlen)
{
	size_t n = s != NULL ? strlen(s) : 0, i;
	bool blank = true;

	if (n > 0 && (!str_utf8_valid(s, n, false) || strchr(s, '\t') != NULL)) {
		str_errf(err, errlen, "%sに使えない文字（改行や制御文字など）が含まれています。", what);
		return false;
	}
	if (n > 0 && str_utf8_len(s, n) > max) {
		str_errf(err, errlen, "%sは%zu文字以内で入力してください。", what, max);
		return false;
	}
	for (i = 0; i < n; i++) {
		if (s[i] != ' ') {
			/* U+3000 (the ideographic space) is as empty as ' ' */
			if (strncmp(s + i, "\xe3\x80\x80", 3) == 0) {
				i += 2;
				continue;
			}
			blank = false;
			break;
		}
	}
	if (required && blank) {
		str_errf(err, errlen, "%sを入力してください。画像の内容を、見えない人にも伝わるように短く書きます。", what);
		return false;
	}
	return true;
}

bool
medialib_alt_check(const char *s, bool required, char *err, size_t errlen)
{
	return line_check(s, "代替テキスト", MEDIALIB_ALT_MAX, required, err, errlen);
}

bool
medialib_label_check(const char *s, char *err, size_t errlen)
{
	return line_check(s, "管理用メモ", MEDIALIB_LABEL_MAX, false, err, errlen);
}

bool
medialib_is_markup(const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t i = 0;

	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n' || p[i] == '\f'))
		i++;
	return i < n && p[i] == '<';
}

/* Fills the alt text and the note of medium id where they are empty ("" values leave them alone). */
static bool
fill_empty(db_t *db, int64_t id, const char *alt, const char *label, int64_t now)
{
	db_stmt_t *st = db_prepare(db, "UPDATE media SET alt = CASE WHEN alt = '' THEN ?1 ELSE alt END, "
	    "label = CASE WHEN label = '' THEN ?2 ELSE label END, updated_at = ?3 WHERE id = ?4 AND "
	    "((alt = '' AND ?1 <> '') OR (label = '' AND ?2 <> ''))");

	if (st == NULL)
		return false;
	db_bind_str(st, 1, alt != NULL ? alt : "");
	db_bind_str(st, 2, label != NULL ? label : "");
	db_bind_i64(st, 3, now);
	db_bind_i64(st, 4, id);
	return db_run(st) == DB_DONE;
}

bool
medialib_upload(db_t *db, const void *data, size_t n, const char *filename, const char *alt,
    const char *label, int64_t account, int64_t department, int64_t now, int64_t *id, bool *existing,
    char *err, size_t errlen)
{
	db_stmt_t *st;
	int64_t before = 0;
	bool ok;

	*id = 0;
	*existing = false;
	if (medialib_is_markup(data, n)) {
		str_errf(err, errlen, "SVG・HTMLなどのファイルは安全のため受け付けていません。JPEG・PNG・WebP・GIF の画像を選んでください。");
		return false;
	}
	/* the highest id before: a medium at or below it was there already (media_store dedups by content) */
	if ((st = db_prepare(db, "SELECT COALESCE(MAX(id), 0) FROM media")) == NULL)
		goto dberr;
	if (db_step(st) == DB_ROW)
		before = db_col_i64(st, 0);
	db_done(st);
	if (!media_store(db, data, n, filename, account, now, id, err, errlen))
		return false;
	if (*id <= before) {
		*existing = true;
		if (!fill_empty(db, *id, alt, label, now))
			goto dberr;
		return true;
	}
	if ((st = db_prepare(db, "UPDATE media SET alt = ?, label = ?, department_id = ?, updated_at = ? WHERE id = ?")) == NULL)
		goto dberr;
	db_bind_str(st, 1, alt != NULL ? alt : "");
	db_bind_str(st, 2, label != NULL ? label : "");
	if (department > 0)
		db_bind_i64(st, 3, department);
	else
		db_bind_null(st, 3);
	db_bind_i64(st, 4, now);
	db_bind_i64(st, 5, *id);
	ok = db_run(st) == DB_DONE;
	if (ok)
		return true;
dberr:
	*id = 0;
	str_errf(err, errlen, "画像を保存できませんでした。");
	return false;
}

#define ITEM_COLUMNS \
	"m.id, m.key, m.alt, m.label, m.name, m.width, m.height, m.bytes_in, m.created_at, COALESCE(m.created_by, 0), " \
	"COALESCE(m.department_id, 0), COALESCE(m.updated_at, 0), COALESCE(NULLIF(a.display_name, ''), a.login, ''), " \
	"COALESCE(d.name, ''), (SELECT v.width FROM media_variants v WHERE v.media_id = m.id AND v.format = 'jpg' " \
	"ORDER BY v.width LIMIT 1), (SELECT v.height FROM media_variants v WHERE v.media_id = m.id AND v.format = 'jpg' " \
	"ORDER BY v.width LIMIT 1) FROM media m LEFT JOIN accounts a ON a.id = m.created_by " \
	"LEFT JOIN departments d ON d.id = m.department_id "

static void
item_read(db_stmt_t *st, medialib_item_t *it)
{
	memset(it, 0, sizeof(*it));
	it->id = db_col_i64(st, 0);
	str_copy(it->key, sizeof(it->key), db_col_text(st, 1));
	str_copy(it->alt, sizeof(it->alt), db_col_text(st, 2));
	str_copy(it->label, sizeof(it->label), db_col_text(st, 3));
	str_copy(it->name, sizeof(it->name), db_col_text(st, 4));
	it->width = (int)db_col_i64(st, 5);
	it->height = (int)db_col_i64(st, 6);
	it->bytes_in = db_col_i64(st, 7);
	it->created_at = db_col_i64(st, 8);
	it->created_by = db_col_i64(st, 9);
	it->department_id = db_col_i64(st, 10);
	it->updated_at = db_col_i64(st, 11);
	str_copy(it->uploader, sizeof(it->uploader), db_col_text(st, 12));
	str_copy(it->department, sizeof(it->department), db_col_text(st, 13));
	it->thumb_width = (int)db_col_i64(st, 14);
	it->thumb_height = (int)db_col_i64(st, 15);
}

bool
medialib_get(db_t *db, int64_t id, medialib_item_t *it)
{
	db_stmt_t *st = db_prepare(db, "SELECT " ITEM_COLUMNS "WHERE m.id = ?");
	bool found = false;

	if (st == NULL)
		return false;
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW) {
		item_read(st, it);
		found = true;
	}
	db_done(st);
	return found;
}

bool
medialib_update(db_t *db, int64_t id, const char *alt, const char *label, int64_t now)
{
	db_stmt_t *st = db_prepare(db, "UPDATE media SET alt = ?, label = ?, updated_at = ? WHERE id = ?");

	if (st == NULL)
		return false;
	db_bind_str(st, 1, alt);
	db_bind_str(st, 2, label);
	db_bind_i64(st, 3, now);
	db_bind_i64(st, 4, id);
	return db_run(st) == DB_DONE && db_changes(db) == 1;
}

/* q as a LIKE pattern: %q% with % _ \ escaped by '\'. "" for no search. */
static bool
like_pattern(const char *q, char *out, size_t outlen)
{
	size_t w = 0, i, n = q != NULL ? strlen(q) : 0;

	if (n == 0) {
		out[0] = '\0';
		return true;
	}
	if (outlen < 3)
		return false;
	out[w++] = '%';
	for (i = 0; i < n; i++) {
		if (w + 4 > outlen)
			return false;
		if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
			out[w++] = '\\';
		out[w++] = q[i];
	}
	out[w++] = '%';
	out[w] = '\0';
	return true;
}

int
medialib_search(db_t *db, const char *q, int64_t offset, int limit, medialib_item_t *items, int64_t *total)
{
	char pat[MEDIALIB_QUERY_MAX * 8 + 8];
	db_stmt_t *st;
	int n = 0;

	*total = 0;
	if (!like_pattern(q, pat, sizeof(pat)))
		return -1;
	st = db_prepare(db, "SELECT COUNT(*) FROM media m WHERE ?1 = '' OR m.alt LIKE ?1 ESCAPE '\\' OR "
	    "m.label LIKE ?1 ESCAPE '\\' OR m.name LIKE ?1 ESCAPE '\\'");
	if (st == NULL)
		return -1;
	db_bind_str(st, 1, pat);
	if (db_step(st) == DB_ROW)
		*total = db_col_i64(st, 0);
	db_done(st);
	st = db_prepare(db, "SELECT " ITEM_COLUMNS "WHERE ?1 = '' OR m.alt LIKE ?1 ESCAPE '\\' OR "
	    "m.label LIKE ?1 ESCAPE '\\' OR m.name LIKE ?1 ESCAPE '\\' ORDER BY m.created_at DESC, m.id DESC LIMIT ?2 OFFSET ?3");
	if (st == NULL)
		return -1;
	db_bind_str(st, 1, pat);
	db_bind_i64(st, 2, limit);
	db_bind_i64(st, 3, offset);
	while (n < limit && db_step(st) == DB_ROW)
		item_read(st, &items[n++]);
	db_done(st);
	return n;
}

/* The top-level field of a json_tree fullkey: $.name, $.name[0].url, $."odd name".x */
static void
top_field(const char *fullkey, char *out, size_t outlen)
{
	const char *p = fullkey, *end;

	out[0] = '\0';
	if (strncmp(p, "$.", 2) != 0)
		return;
	p += 2;
	if (*p == '"') {
		p++;
		end = strchr(p, '"');
	} else {
		end = p + strcspn(p, ".[");
	}
	if (end == NULL || (size_t)(end - p) >= outlen)
		return;
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
}

/* A title cut to fit without splitting a character. */
static void
title_copy(char *dst, const char *src)
{
	size_t n = strlen(src);

	if (n > MEDIALIB_TITLE_MAX) {
		n = MEDIALIB_TITLE_MAX;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;  /* src[n] starts the first character left out */
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * One query per table: rows whose JSON text holds the id as a string or the URL prefix at all (instr, a
 * plain scan), then json_tree for the values that do. An id only counts in an image field at the top level.
 */
static int
scan(db_t *db, const char *sql, const char *idstr, const char *quoted, const char *url, bool pending,
    medialib_image_field_fn is_image, void *arg, medialib_use_t *uses, int max, int total)
{
	db_stmt_t *st = db_prepare(db, sql);
	medialib_use_t last;

	if (st == NULL)
		return -1;
	db_bind_str(st, 1, idstr);
	db_bind_str(st, 2, quoted);
	db_bind_str(st, 3, url);
	memset(&last, 0, sizeof(last));
	while (db_step(st) == DB_ROW) {
		medialib_use_t u;
		bool by_url = db_col_i64(st, 5) != 0;
		memset(&u, 0, sizeof(u));
		u.entity_id = db_col_i64(st, 0);
		str_copy(u.type, sizeof(u.type), db_col_text(st, 1));
		title_copy(u.title, db_col_text(st, 2));
		top_field(db_col_text(st, 3), u.field, sizeof(u.field));
		u.by_url = by_url;
		u.pending = pending;
		if (u.field[0] == '\0')
			continue;
		if (!by_url && (db_col_i64(st, 4) != 0 || is_image == NULL || !is_image(u.type, u.field, arg)))
			continue;  /* the id's digits in a field that is not an image field: a number, not a reference */
		/* rows come in document order, so the values under one field (a links array) are neighbours */
		if (last.entity_id == u.entity_id && strcmp(last.field, u.field) == 0)
			continue;
		last = u;
		if (total < max)
			uses[total] = u;
		total++;
	}
	db_done(st);
	return total;
}

int
medialib_usage(db_t *db, int64_t id, const char *key, medialib_image_field_fn is_image, void *arg,
    medialib_use_t *uses, int max)
{
	char idstr[24], quoted[28], url[MEDIA_KEY_LEN + 16];
	int total;

	snprintf(idstr, sizeof(idstr), "%" PRId64, id);
	snprintf(quoted, sizeof(quoted), "\"%" PRId64 "\"", id);
	snprintf(url, sizeof(url), "/media/%s-", key);
	/* columns: entity id, type, title, fullkey, nested (not top level), by URL */
	total = scan(db, "SELECT e.id, e.type, e.title, j.fullkey, j.path <> '$', "
	    "instr(j.value, ?3) > 0 FROM entities e, json_tree(e.fields) j "
	    "WHERE (instr(e.fields, ?2) > 0 OR instr(e.fields, ?3) > 0) AND json_valid(e.fields) AND j.type = 'text' "
	    "AND (j.value = ?1 OR instr(j.value, ?3) > 0) ORDER BY e.id, j.id",
	    idstr, quoted, url, false, is_image, arg, uses, max, 0);
	if (total < 0)
		return -1;
	return scan(db, "SELECT e.id, e.type, e.title, j.fullkey, j.path <> '$', "
	    "instr(j.value, ?3) > 0 FROM company_revisions r JOIN entities e ON e.id = r.entity_id, json_tree(r.fields) j "
	    "WHERE r.status = 'pending' AND (instr(r.fields, ?2) > 0 OR instr(r.fields, ?3) > 0) AND json_valid(r.fields) "
	    "AND j.type = 'text' AND (j.value = ?1 OR instr(j.value, ?3) > 0) ORDER BY r.id, j.id",
	    idstr, quoted, url, true, is_image, arg, uses, max, total);
}

medialib_result_t
medialib_delete(db_t *db, int64_t id, medialib_image_field_fn is_image, void *arg,
    medialib_use_t *uses, int max, int *nuses)
{
	medialib_item_t it;
	int n;

	*nuses = 0;
	if (!medialib_get(db, id, &it))
		return MEDIALIB_NOT_FOUND;
	if ((n = medialib_usage(db, id, it.key, is_image, arg, uses, max)) < 0)
		return MEDIALIB_ERROR;
	if (n > 0) {
		*nuses = n;
		return MEDIALIB_IN_USE;
	}
	return media_delete(db, id) ? MEDIALIB_OK : MEDIALIB_ERROR;
}
