/*
 * medialib_pages.c - 画像ライブラリ (/staff/media; issue 6 item 5, G05, G40-G44, G80, SEC03): the list with
 * search and pages, uploads (several files, one alt text), an image's page with where it is used, its alt
 * text and note, deletion of an unused image; and the JSON the editor's picker (static/js/media-picker.js)
 * reads and uploads through.
 *
 * The department rule (POLICY_CMS): every staff member views the library and may use any image in it;
 * edit and admin roles upload; an image is changed or deleted by the department of the staff member who
 * uploaded it, or by the prefecture (an image without a department, from the command line, the demo or a
 * company's own page, by the prefecture only). Every change is audited inside its transaction.
 */
#include "app/web.h"
#include "auth/audit.h"
#include "auth/policy.h"
#include "content/schema.h"
#include "core/config.h"
#include "core/jtime.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"
#include "media/library.h"
#include "media/media.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define MEDIALIB_MAX_PAGE 100000
#define DETAIL_SIZES      "(min-width: 48rem) 40rem, 100vw"

static schema_t *schema;
static pthread_mutex_t schema_lock = PTHREAD_MUTEX_INITIALIZER;

static const schema_t *
site_schema(void)
{
	char err[512];
	const schema_t *s;

	pthread_mutex_lock(&schema_lock);
	if (schema == NULL && (schema = schema_load(config.root, config.site, err, sizeof(err))) == NULL)
		log_error("media library: %s", err);
	s = schema;
	pthread_mutex_unlock(&schema_lock);
	return s;
}

void
medialib_pages_free(void)
{
	pthread_mutex_lock(&schema_lock);
	schema_free(schema);
	schema = NULL;
	pthread_mutex_unlock(&schema_lock);
}

/* The site schema decides which fields hold a media id. Without a schema every field would be a guess:
 * then every field counts, so an image is never deleted from under a record. */
static bool
is_image_field(const char *type, const char *field, void *arg)
{
	const schema_t *s = arg;
	const schema_type_t *t;
	int i;

	if (s == NULL)
		return true;
	if ((t = schema_type(s, type)) == NULL || (i = schema_field_index(t, field)) < 0)
		return false;
	return t->fields[i].type == F_IMAGE;
}

static account_t *
me(req_t *r)
{
	return &r->auth->account;
}

static bool
wants_json(req_t *r)
{
	const char *accept = http_header(r, "Accept");

	return accept != NULL && strstr(accept, "application/json") != NULL;
}

/* A JSON answer: {"error": message} or the body in b. Never cached. */
static void
json_answer(req_t *r, unsigned status, const buf_t *b, const char *message)
{
	buf_clear(&r->out);
	if (message != NULL) {
		buf_puts(&r->out, "{\"error\":\"");
		buf_append_json(&r->out, message, strlen(message));
		buf_puts(&r->out, "\"}");
	} else {
		buf_append(&r->out, b->data, b->len);
	}
	if (r->out.oom) {
		buf_clear(&r->out);
		buf_puts(&r->out, "{\"error\":\"\"}");
		status = 500;
	}
	r->status = status;
	r->content_type = "application/json; charset=utf-8";
	r->no_store = true;
}

static void
json_str(buf_t *b, const char *key, const char *v)
{
	buf_printf(b, "\"%s\":\"", key);
	buf_append_json(b, v, strlen(v));
	buf_putc(b, '"');
}

/* One image as the picker reads it. */
static void
json_item(db_t *db, buf_t *b, const medialib_item_t *it)
{
	media_info_t mi;
	int i;

	buf_printf(b, "{\"id\":%" PRId64 ",", it->id);
	json_str(b, "alt", it->alt);
	buf_putc(b, ',');
	json_str(b, "label", it->label);
	buf_putc(b, ',');
	json_str(b, "name", it->name);
	buf_printf(b, ",\"width\":%d,\"height\":%d,\"thumb\":\"/media/%s-%d.jpg\",\"thumb_width\":%d,\"thumb_height\":%d",
	    it->width, it->height, it->key, it->thumb_width, it->thumb_width, it->thumb_height);
	/* what an article shows: the widest JPEG (at most 1280 px), which every browser reads */
	buf_printf(b, ",\"src\":\"/media/%s-%d.jpg\",\"variants\":[", it->key, it->width);
	if (media_info(db, it->id, &mi))
		for (i = 0; i < mi.nvariants; i++)
			buf_printf(b, "%s{\"width\":%d,\"height\":%d,\"jpg\":\"/media/%s-%d.jpg\",\"webp\":\"/media/%s-%d.webp\"}",
			    i ? "," : "", mi.widths[i], mi.heights[i], mi.key, mi.widths[i], mi.key, mi.widths[i]);
	buf_puts(b, "]}");
}

static const char *
size_text(arena_t *A, int64_t bytes)
{
	if (bytes >= 1024 * 1024)
		return arena_printf(A, "%" PRId64 ".%" PRId64 " MB", bytes / (1024 * 1024), bytes % (1024 * 1024) * 10 / (1024 * 1024));
	return arena_printf(A, "%" PRId64 " KB", (bytes + 1023) / 1024);
}

static const char *
type_label(const char *type)
{
	const schema_t *s = site_schema();
	const schema_type_t *t = s != NULL ? schema_type(s, type) : NULL;

	return t != NULL ? t->label : type;
}

static const char *
field_label(const char *type, const char *field)
{
	const schema_t *s = site_schema();
	const schema_type_t *t = s != NULL ? schema_type(s, type) : NULL;
	int i = t != NULL ? schema_field_index(t, field) : -1;

	return i >= 0 ? t->fields[i].label : field;
}

/* "新着情報「タイトル」（ID 12）の画像", with (承認待ちの変更) for a pending company edit. */
static tv_t *
uses_list(req_t *r, const medialib_use_t *uses, int n)
{
	arena_t *A = &r->arena;
	tv_t *list = tv_list(A);
	int i;

	for (i = 0; i < n && i < MEDIALIB_MAX_USES; i++) {
		tv_t *m = tv_map(A);
		tv_set_str(A, m, "text", arena_printf(A, "%s「%s」（ID %" PRId64 "）の%s%s%s", type_label(uses[i].type),
		    uses[i].title, uses[i].entity_id, field_label(uses[i].type, uses[i].field),
		    uses[i].by_url ? "（本文中のURL）" : "", uses[i].pending ? "（承認待ちの変更）" : ""));
		tv_push(A, list, m);
	}
	return list;
}

/* The uses as one line for an error message. */
static const char *
uses_line(req_t *r, const medialib_use_t *uses, int n)
{
	arena_t *A = &r->arena;
	buf_t b = BUF_INIT;
	const char *s;
	int i;

	for (i = 0; i < n && i < MEDIALIB_MAX_USES; i++)
		buf_printf(&b, "%s%s「%s」（ID %" PRId64 "）", i ? "、" : "", type_label(uses[i].type), uses[i].title,
		    uses[i].entity_id);
	if (n > MEDIALIB_MAX_USES)
		buf_printf(&b, "ほか%d件", n - MEDIALIB_MAX_USES);
	s = b.oom || b.data == NULL ? "" : arena_strdup(A, b.data);
	buf_free(&b);
	return s;
}

static tv_t *
item_value(req_t *r, db_t *db, const medialib_item_t *it, bool with_uses)
{
	arena_t *A = &r->arena;
	tv_t *m = tv_map(A);

	tv_set_int(A, m, "id", it->id);
	tv_set_str(A, m, "thumb", arena_printf(A, "/media/%s-%d.jpg", it->key, it->thumb_width));
	tv_set_int(A, m, "thumb_width", it->thumb_width);
	tv_set_int(A, m, "thumb_height", it->thumb_height);
	tv_set_str(A, m, "alt", it->alt);
	tv_set_str(A, m, "label", it->label);
	tv_set_str(A, m, "name", it->name);
	tv_set_int(A, m, "width", it->width);
	tv_set_int(A, m, "height", it->height);
	tv_set_str(A, m, "bytes", size_text(A, it->bytes_in));
	tv_set_str(A, m, "uploader", it->uploader[0] ? it->uploader : "システム（コマンドライン・デモ）");
	tv_set_str(A, m, "department", it->department[0] ? it->department : "なし（県が管理）");
	tv_set_int(A, m, "created_at", it->created_at);
	tv_set_int(A, m, "updated_at", it->updated_at);
	tv_set_str(A, m, "src", arena_printf(A, "/media/%s-%d.jpg", it->key, it->width));
	if (with_uses) {
		int n = medialib_usage(db, it->id, it->key, is_image_field, (void *)site_schema(), NULL, 0);
		tv_set_int(A, m, "uses", n > 0 ? n : 0);
		tv_set_bool(A, m, "used", n != 0);  /* an error counts as used: never offer to delete then */
	}
	return m;
}

typedef struct upload_form {
	const char *alt, *label;
	const char *err_file, *err_alt, *err_label, *error;
} upload_form_t;

/* q and page of the request; false (and a message in *err) when q is not acceptable. */
static bool
read_search(req_t *r, const char **q, int64_t *page, const char **err)
{
	const char *p = http_query(r, "page");

	*q = http_query(r, "q");
	if (*q == NULL)
		*q = "";
	*page = 1;
	if (p != NULL && p[0] != '\0' && !str_to_i64(p, 1, MEDIALIB_MAX_PAGE, page))
		*page = 1;
	if (!str_utf8_valid(*q, strlen(*q), false) || str_utf8_len(*q, strlen(*q)) > MEDIALIB_QUERY_MAX) {
		*err = "検索語は改行を含まない100文字以内で入力してください。";
		*q = "";
		return false;
	}
	return true;
}

static void
render_list(req_t *r, db_t *db, upload_form_t *f)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "画像ライブラリ"), *list = tv_list(A), *form = tv_map(A), *err = tv_map(A);
	medialib_item_t *items = arena_alloc(A, sizeof(*items) * MEDIALIB_PER_PAGE);
	const char *q, *qerr = NULL, *done = http_query(r, "done"), *dup = http_query(r, "dup");
	int64_t page, total = 0, pages, nd = 0, ndup = 0;
	int n, i;

	if (items == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	read_search(r, &q, &page, &qerr);
	n = medialib_search(db, q, (page - 1) * MEDIALIB_PER_PAGE, MEDIALIB_PER_PAGE, items, &total);
	if (n < 0) {
		web_error(r, 500, NULL);
		return;
	}
	for (i = 0; i < n; i++)
		tv_push(A, list, item_value(r, db, &items[i], true));
	pages = total == 0 ? 1 : (total + MEDIALIB_PER_PAGE - 1) / MEDIALIB_PER_PAGE;
	tv_set(A, ctx, "items", list);
	tv_set_int(A, ctx, "total", total);
	tv_set_str(A, ctx, "q", q);
	tv_set_str(A, ctx, "q_error", qerr);
	tv_set_bool(A, ctx, "searching", q[0] != '\0');
	tv_set_int(A, ctx, "page", page);
	tv_set_int(A, ctx, "pages", pages);
	tv_set_bool(A, ctx, "paged", pages > 1);
	if (n > 0) {
		tv_set_int(A, ctx, "from", (page - 1) * MEDIALIB_PER_PAGE + 1);
		tv_set_int(A, ctx, "to", (page - 1) * MEDIALIB_PER_PAGE + n);
	}
	if (page > 1)
		tv_set_str(A, ctx, "prev", arena_printf(A, "%" PRId64, page - 1));
	if (page < pages)
		tv_set_str(A, ctx, "next", arena_printf(A, "%" PRId64, page + 1));
	tv_set_bool(A, ctx, "can_upload", policy_can(me(r), POLICY_CREATE, POLICY_CMS, me(r)->department_id));
	tv_set_int(A, ctx, "max_files", MEDIALIB_MAX_FILES);
	tv_set_int(A, ctx, "max_mb", MEDIA_MAX_BYTES / (1024 * 1024));
	tv_set_int(A, ctx, "total_mb", (int64_t)(config.max_body / (1024 * 1024)));
	tv_set_int(A, ctx, "alt_max", MEDIALIB_ALT_MAX);
	tv_set_int(A, ctx, "label_max", MEDIALIB_LABEL_MAX);
	tv_set_str(A, form, "alt", f->alt);
	tv_set_str(A, form, "label", f->label);
	tv_set(A, ctx, "form", form);
	tv_set_str(A, err, "file", f->err_file);
	tv_set_str(A, err, "alt", f->err_alt);
	tv_set_str(A, err, "label", f->err_label);
	tv_set(A, ctx, "err", err);
	tv_set_str(A, ctx, "error", f->error);
	if (done != NULL && str_to_i64(done, 0, MEDIALIB_MAX_FILES, &nd) &&
	    (dup == NULL || str_to_i64(dup, 0, MEDIALIB_MAX_FILES, &ndup))) {
		if (nd > 0 && ndup > 0)
			tv_set_str(A, ctx, "done", arena_printf(A, "画像を%" PRId64 "件登録しました（うち%" PRId64
			    "件は登録済みの画像と同じだったため、既存の画像を使います）。", nd, ndup));
		else if (nd > 0)
			tv_set_str(A, ctx, "done", arena_printf(A, "画像を%" PRId64 "件登録しました。", nd));
		else if (ndup > 0)
			tv_set_str(A, ctx, "done", "選んだ画像はすでに登録されています。");
	} else if (done != NULL && strcmp(done, "deleted") == 0) {
		tv_set_str(A, ctx, "done", "画像を削除しました。");
	}
	r->no_store = true;
	web_render(r, "staff/media", ctx);
}

void
page_staff_media(req_t *r)
{
	db_t *db;
	upload_form_t f;

	if (!web_can(r, POLICY_VIEW, POLICY_CMS, 0))
		return;
	if ((db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	memset(&f, 0, sizeof(f));
	render_list(r, db, &f);
}

void
page_staff_media_json(req_t *r)
{
	db_t *db;
	medialib_item_t *items;
	const char *q, *err = NULL;
	int64_t page, total = 0;
	buf_t b = BUF_INIT;
	int n, i;

	if (!web_can(r, POLICY_VIEW, POLICY_CMS, 0))
		return;
	if ((db = db_thread()) == NULL || (items = arena_alloc(&r->arena, sizeof(*items) * MEDIALIB_PER_PAGE)) == NULL) {
		json_answer(r, 500, NULL, "サーバーエラーが発生しました。");
		return;
	}
	if (!read_search(r, &q, &page, &err)) {
		json_answer(r, 400, NULL, err);
		return;
	}
	if ((n = medialib_search(db, q, (page - 1) * MEDIALIB_PER_PAGE, MEDIALIB_PER_PAGE, items, &total)) < 0) {
		json_answer(r, 500, NULL, "サーバーエラーが発生しました。");
		return;
	}
	buf_puts(&b, "{\"items\":[");
	for (i = 0; i < n; i++) {
		if (i)
			buf_putc(&b, ',');
		json_item(db, &b, &items[i]);
	}
	buf_printf(&b, "],\"page\":%" PRId64 ",\"pages\":%" PRId64 ",\"total\":%" PRId64 "}", page,
	    total == 0 ? 1 : (total + MEDIALIB_PER_PAGE - 1) / MEDIALIB_PER_PAGE, total);
	json_answer(r, 200, &b, b.oom ? "サーバーエラーが発生しました。" : NULL);
	buf_free(&b);
}

static bool
audit_media(req_t *r, db_t *db, const char *action, int64_t id, const char *detail)
{
	char target[48];
	audit_entry_t e = { me(r)->id, me(r)->login, r->ip, action, target, detail };

	snprintf(target, sizeof(target), "media:%" PRId64, id);
	return audit_append(db, &e, jtime_now());
}

/* Refusal of an upload: JSON for the picker, the library page with the messages otherwise. */
static void
upload_refused(req_t *r, db_t *db, bool json, unsigned status, upload_form_t *f)
{
	if (json) {
		const char *m = f->error ? f->error : f->err_file ? f->err_file : f->err_alt ? f->err_alt : f->err_label;
		json_answer(r, status, NULL, m != NULL ? m : "画像を登録できませんでした。");
		return;
	}
	r->status = status;
	render_list(r, db, f);
}

void
page_staff_media_post(req_t *r)
{
	bool json = wants_json(r), existing;
	const form_field_t *files[MEDIALIB_MAX_FILES];
	int64_t ids[MEDIALIB_MAX_FILES], now = jtime_now();
	bool dups[MEDIALIB_MAX_FILES];
	int nfiles = 0, ndup = 0, i;
	size_t k;
	upload_form_t f;
	char err[256];
	db_t *db = db_thread();
	buf_t b = BUF_INIT;

	memset(&f, 0, sizeof(f));
	if (json) {
		r->no_store = true;
		if (!policy_can(me(r), POLICY_CREATE, POLICY_CMS, me(r)->department_id)) {
			json_answer(r, 403, NULL, "画像を登録する権限がありません。担当部署または権限をご確認ください。");
			return;
		}
	} else if (!web_can(r, POLICY_CREATE, POLICY_CMS, me(r)->department_id)) {
		return;
	}
	if (db == NULL) {
		if (json)
			json_answer(r, 500, NULL, "サーバーエラーが発生しました。");
		else
			web_error(r, 500, NULL);
		return;
	}
	f.alt = http_form(r, "alt");
	f.label = http_form(r, "label");
	if (f.alt == NULL)
		f.alt = "";
	if (f.label == NULL)
		f.label = "";
	for (k = 0; k < r->form.count; k++) {
		const form_field_t *x = &r->form.fields[k];
		if (x->filename == NULL || strcmp(x->name, "file") != 0 || (x->value_len == 0 && x->filename[0] == '\0'))
			continue;  /* a browser sends an empty part when no file was chosen */
		if (nfiles == MEDIALIB_MAX_FILES) {
			f.err_file = arena_printf(&r->arena, "一度に登録できる画像は%d件までです。", MEDIALIB_MAX_FILES);
			break;
		}
		files[nfiles++] = x;
	}
	if (nfiles == 0 && f.err_file == NULL)
		f.err_file = "画像ファイルを選んでください。";
	if (!medialib_alt_check(f.alt, true, err, sizeof(err)))
		f.err_alt = arena_strdup(&r->arena, err);
	if (!medialib_label_check(f.label, err, sizeof(err)))
		f.err_label = arena_strdup(&r->arena, err);
	if (f.err_alt != NULL && strlen(f.alt) > MEDIALIB_ALT_MAX * 4)
		f.alt = "";  /* too long to be anything valid: not shown again */
	if (f.err_label != NULL && strlen(f.label) > MEDIALIB_LABEL_MAX * 4)
		f.label = "";
	if (f.err_file != NULL || f.err_alt != NULL || f.err_label != NULL) {
		upload_refused(r, db, json, 400, &f);
		return;
	}
	if (!db_begin_write(db)) {
		f.error = "画像を保存できませんでした。時間をおいてもう一度お試しください。";
		upload_refused(r, db, json, 500, &f);
		return;
	}
	for (i = 0; i < nfiles; i++) {
		const char *name = files[i]->filename;
		if (!medialib_upload(db, files[i]->value, files[i]->value_len, name, f.alt, f.label, me(r)->id,
		    me(r)->department_id, now, &ids[i], &existing, err, sizeof(err))) {
			db_rollback(db);
			f.err_file = nfiles > 1 ? arena_printf(&r->arena, "「%s」：%s何も登録していません。もう一度ファイルを選んでください。",
			    name, err) : arena_printf(&r->arena, "%sもう一度ファイルを選んでください。", err);
			upload_refused(r, db, json, 400, &f);
			return;
		}
		dups[i] = existing;
		ndup += existing;
		if (!audit_media(r, db, "media.upload", ids[i], arena_printf(&r->arena, "%s; alt=%s",
		    existing ? "same bytes as the existing image" : "new", f.alt))) {
			db_rollback(db);
			f.error = "画像を保存できませんでした（記録に失敗しました）。";
			upload_refused(r, db, json, 500, &f);
			return;
		}
	}
	if (!db_commit(db)) {
		db_rollback(db);
		f.error = "画像を保存できませんでした。時間をおいてもう一度お試しください。";
		upload_refused(r, db, json, 500, &f);
		return;
	}
	(void)audit_sync_head(db);
	if (!json) {
		http_redirect(r, arena_printf(&r->arena, "/staff/media?done=%d&dup=%d", nfiles, ndup));
		return;
	}
	buf_puts(&b, "{\"items\":[");
	for (i = 0; i < nfiles; i++) {
		medialib_item_t it;
		if (b.oom || !medialib_get(db, ids[i], &it))
			continue;
		if (b.data[b.len - 1] != '[')
			buf_putc(&b, ',');
		json_item(db, &b, &it);
		b.len--;  /* reopen the item to say whether it was there already */
		buf_printf(&b, ",\"existing\":%s}", dups[i] ? "true" : "false");
	}
	buf_puts(&b, "]}");
	json_answer(r, 201, &b, b.oom ? "サーバーエラーが発生しました。" : NULL);
	buf_free(&b);
}

/* The image of /staff/media/:id, or 404. */
static bool
load_item(req_t *r, db_t *db, medialib_item_t *it)
{
	int64_t id;

	if (!str_to_i64(http_param(r, 0), 1, INT64_MAX, &id) || !medialib_get(db, id, it)) {
		web_error(r, 404, "お探しの画像は見つかりませんでした。削除された可能性があります。");
		return false;
	}
	return true;
}

typedef struct item_form {
	const char *alt, *label;
	const char *err_alt, *err_label, *err_confirm, *error, *done;
} item_form_t;

static void
render_item(req_t *r, db_t *db, const medialib_item_t *it, const item_form_t *f)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "画像の詳細"), *v, *form = tv_map(A), *err = tv_map(A), *widths = tv_list(A);
	medialib_use_t uses[MEDIALIB_MAX_USES];
	media_info_t mi;
	int n, i;
	const char *src;

	v = item_value(r, db, it, false);
	n = medialib_usage(db, it->id, it->key, is_image_field, (void *)site_schema(), uses, MEDIALIB_MAX_USES);
	if (n < 0) {
		web_error(r, 500, NULL);
		return;
	}
	tv_set(A, ctx, "item", v);
	tv_set(A, ctx, "picture", web_picture(r, db, arena_printf(A, "%" PRId64, it->id), it->alt, DETAIL_SIZES));
	tv_set_int(A, ctx, "nuses", n);
	tv_set(A, ctx, "uses", uses_list(r, uses, n));
	tv_set_bool(A, ctx, "more_uses", n > MEDIALIB_MAX_USES);
	src = arena_printf(A, "/media/%s-%d.jpg", it->key, it->width);
	tv_set_str(A, ctx, "markdown", arena_printf(A, "![%s](%s)", it->alt, src));
	if (media_info(db, it->id, &mi)) {
		for (i = 0; i < mi.nvariants; i++) {
			tv_t *w = tv_map(A);
			tv_set_int(A, w, "width", mi.widths[i]);
			tv_set_int(A, w, "height", mi.heights[i]);
			tv_set_str(A, w, "jpg", arena_printf(A, "/media/%s-%d.jpg", mi.key, mi.widths[i]));
			tv_set_str(A, w, "webp", arena_printf(A, "/media/%s-%d.webp", mi.key, mi.widths[i]));
			tv_push(A, widths, w);
		}
	}
	tv_set(A, ctx, "variants", widths);
	tv_set_bool(A, ctx, "can_edit", policy_can(me(r), POLICY_UPDATE, POLICY_CMS, it->department_id));
	tv_set_bool(A, ctx, "can_delete", policy_can(me(r), POLICY_DELETE, POLICY_CMS, it->department_id));
	tv_set_int(A, ctx, "alt_max", MEDIALIB_ALT_MAX);
	tv_set_int(A, ctx, "label_max", MEDIALIB_LABEL_MAX);
	tv_set_str(A, form, "alt", f->alt != NULL ? f->alt : it->alt);
	tv_set_str(A, form, "label", f->label != NULL ? f->label : it->label);
	tv_set(A, ctx, "form", form);
	tv_set_str(A, err, "alt", f->err_alt);
	tv_set_str(A, err, "label", f->err_label);
	tv_set_str(A, err, "confirm", f->err_confirm);
	tv_set(A, ctx, "err", err);
	tv_set_str(A, ctx, "error", f->error);
	tv_set_str(A, ctx, "done", f->done);
	r->no_store = true;
	web_render(r, "staff/media_item", ctx);
}

void
page_staff_media_item(req_t *r)
{
	db_t *db;
	medialib_item_t it;
	item_form_t f;
	const char *done = http_query(r, "done");

	if (!web_can(r, POLICY_VIEW, POLICY_CMS, 0))
		return;
	if ((db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (!load_item(r, db, &it))
		return;
	memset(&f, 0, sizeof(f));
	if (done != NULL && strcmp(done, "saved") == 0)
		f.done = "代替テキストと管理用メモを保存しました。";
	render_item(r, db, &it, &f);
}

void
page_staff_media_item_post(req_t *r)
{
	db_t *db;
	medialib_item_t it;
	item_form_t f;
	char err[256];

	if ((db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (!load_item(r, db, &it) || !web_can(r, POLICY_UPDATE, POLICY_CMS, it.department_id))
		return;
	memset(&f, 0, sizeof(f));
	f.alt = http_form(r, "alt");
	f.label = http_form(r, "label");
	if (f.alt == NULL)
		f.alt = "";
	if (f.label == NULL)
		f.label = "";
	if (!medialib_alt_check(f.alt, true, err, sizeof(err)))
		f.err_alt = arena_strdup(&r->arena, err);
	if (!medialib_label_check(f.label, err, sizeof(err)))
		f.err_label = arena_strdup(&r->arena, err);
	if (f.err_alt != NULL || f.err_label != NULL) {
		if (strlen(f.alt) > MEDIALIB_ALT_MAX * 4)
			f.alt = "";
		if (strlen(f.label) > MEDIALIB_LABEL_MAX * 4)
			f.label = "";
		r->status = 400;
		render_item(r, db, &it, &f);
		return;
	}
	if (!db_begin_write(db)) {
		web_error(r, 500, NULL);
		return;
	}
	if (!medialib_update(db, it.id, f.alt, f.label, jtime_now()) ||
	    !audit_media(r, db, "media.update", it.id, arena_printf(&r->arena, "alt: %s -> %s; label: %s -> %s", it.alt,
	    f.alt, it.label, f.label)) || !db_commit(db)) {
		db_rollback(db);
		web_error(r, 500, NULL);
		return;
	}
	(void)audit_sync_head(db);
	http_redirect(r, arena_printf(&r->arena, "/staff/media/%" PRId64 "?done=saved", it.id));
}

void
page_staff_media_delete_post(req_t *r)
{
	db_t *db;
	medialib_item_t it;
	medialib_use_t uses[MEDIALIB_MAX_USES];
	medialib_result_t res;
	item_form_t f;
	int n = 0;

	if ((db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	if (!load_item(r, db, &it) || !web_can(r, POLICY_DELETE, POLICY_CMS, it.department_id))
		return;
	memset(&f, 0, sizeof(f));
	if (http_form(r, "confirm") == NULL) {
		f.err_confirm = "削除してよいことを確認するチェックを入れてください。";
		r->status = 400;
		render_item(r, db, &it, &f);
		return;
	}
	if (!db_begin_write(db)) {
		web_error(r, 500, NULL);
		return;
	}
	res = medialib_delete(db, it.id, is_image_field, (void *)site_schema(), uses, MEDIALIB_MAX_USES, &n);
	if (res == MEDIALIB_OK && !audit_media(r, db, "media.delete", it.id, arena_printf(&r->arena, "key=%s; name=%s; alt=%s",
	    it.key, it.name, it.alt)))
		res = MEDIALIB_ERROR;
	if (res != MEDIALIB_OK || !db_commit(db)) {
		db_rollback(db);
		if (res == MEDIALIB_IN_USE) {
			f.error = arena_printf(&r->arena, "この画像は次の%d件で使われているため削除できません：%s。"
			    "先にそれぞれの記事から画像を外してください。", n, uses_line(r, uses, n));
			r->status = 409;
			render_item(r, db, &it, &f);
		} else if (res == MEDIALIB_NOT_FOUND) {
			web_error(r, 404, "お探しの画像は見つかりませんでした。削除された可能性があります。");
		} else {
			web_error(r, 500, NULL);
		}
		return;
	}
	(void)audit_sync_head(db);
	http_redirect(r, "/staff/media?done=deleted");
}
