/* audit_pages.c - 監査ログ (issue 6 item 7; SEC07, SEC12, B08): administrators search the audit chain by
 * who, what, record and period, page through it newest first and download the filtered result as CSV
 * (UTF-8 with BOM, RFC 4180, formula-neutralised: core/csv.h). Who may: policy_can(VIEW, SETTINGS), i.e.
 * administrators only. Every look at the log (audit.view) and every download (audit.export) is itself an
 * entry, written before anything is shown: no entry, no page. */
#include "app/web.h"
#include "auth/audit.h"
#include "auth/policy.h"
#include "core/csv.h"
#include "core/jtime.h"
#include "core/str.h"
#include "db/db.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define AUDIT_PAGE_ROWS 50
#define AUDIT_MAX_PAGE  2000
#define AUDIT_CSV_MAX   100000   /* rows in one download; narrow the filter for more */
#define AUDIT_TEXT_MAX  100      /* bytes of who and record */

/* Every action the code writes today, with its label on screen and in the CSV. */
static const struct { const char *code, *label; } ACTIONS[] = {
	{ "login.success", "ログイン成功" },
	{ "login.failure", "ログイン失敗" },
	{ "login.lockout", "ログインの一時停止（ロックアウト）" },
	{ "login.refused", "ログイン拒否（停止中）" },
	{ "logout", "ログアウト" },
	{ "account.create", "アカウントの作成" },
	{ "account.password_change", "パスワードの変更" },
	{ "account.suspend", "アカウントの利用停止" },
	{ "account.reactivate", "アカウントの利用再開" },
	{ "account.delete", "アカウントの削除" },
	{ "password.reset_request", "パスワード再設定の申込み" },
	{ "password.reset", "パスワードの再設定" },
	{ "register.request", "会員登録の申込み" },
	{ "register.complete", "会員登録の完了" },
	{ "seeker.profile_update", "求職者情報の更新" },
	{ "seeker.view", "求職者の個人情報の閲覧" },
	{ "event.session_add", "イベントの開催日程の追加" },
	{ "event.applicants_view", "イベント申込者一覧の閲覧" },
	{ "event.applicants_export", "イベント申込者一覧のCSV出力" },
	{ "seeker.update", "求職者情報の更新（職員）" },
	{ "seeker.create", "求職者の新規登録（窓口）" },
	{ "seeker.record_add", "コンサルタント記録の追加" },
	{ "seeker.record_update", "コンサルタント記録の変更" },
	{ "seeker.interaction_add", "対応履歴の追加" },
	{ "seeker.referral_add", "紹介履歴の追加" },
	{ "seeker.referral_outcome", "紹介結果の変更" },
	{ "seeker.print", "登録票の印刷" },
	{ "seeker.export", "求職者データの書き出し（本人開示）" },
	{ "seeker.export_list", "求職者の一覧のCSVダウンロード" },
	{ "seeker.erase", "求職者の個人情報の削除" },
	{ "staff.update", "担当者情報の更新" },
	{ "department.create", "担当部署の登録" },
	{ "department.rename", "担当部署の名称変更" },
	{ "department.retire", "担当部署の廃止" },
	{ "department.delete", "担当部署の削除" },
	{ "master.term_add", "マスタ項目の追加" },
	{ "master.term_update", "マスタ項目の変更" },
	{ "master.term_move", "マスタ項目の並び替え" },
	{ "master.term_retire", "マスタ項目の廃止" },
	{ "master.term_restore", "マスタ項目の再開" },
	{ "master.term_delete", "マスタ項目の削除" },
	{ "master.term_logo", "マスタ項目のロゴ変更" },
	{ "company.edit.live", "企業情報の更新（即時公開）" },
	{ "company.edit.submit", "企業情報の承認申請" },
	{ "company.approve", "企業情報の承認" },
	{ "company.reject", "企業情報の差し戻し" },
	{ "company.renew", "掲載期間の更新" },
	{ "company.notice", "掲載期限のお知らせ" },
	{ "company.archive", "掲載期間終了による非公開" },
	{ "company.link", "企業アカウントの紐付け" },
	{ "consultation.create", "相談の作成" },
	{ "consultation.seeker_reply", "相談への求職者の返信" },
	{ "consultation.view", "相談の閲覧（職員）" },
	{ "consultation.reply", "相談への職員の回答" },
	{ "consultation.close", "相談の終了" },
	{ "consultation.reopen", "相談の再開" },
	{ "event.apply", "イベントの申込み" },
	{ "event.cancel", "イベント申込みの取消し" },
	{ "event.promote", "キャンセル待ちの繰り上げ" },
	{ "audit.view", "監査ログの閲覧" },
	{ "audit.export", "監査ログのCSVダウンロード" },
	{ "audit.prune", "保存期間を過ぎた監査ログの削除" },
	{ "job.print", "求人票の印刷" },
	/* staff content editor (issue 6 item 5) */
	{ "content.create", "記事の作成" },
	{ "content.update", "記事の更新" },
	{ "content.publish", "記事の公開" },
	{ "content.schedule", "記事の予約公開の設定" },
	{ "content.unpublish", "記事の非公開" },
	{ "content.restore", "記事の版の復元" },
	{ "content.delete", "記事の削除" },
	{ "settings.update", "サイト設定の変更" },
	{ "security.ack", "セキュリティ警告の確認" },
	{ "media.upload", "画像の登録（画像ライブラリ）" },
	{ "media.update", "画像の代替テキスト・管理用メモの変更" },
	{ "media.delete", "画像の削除（画像ライブラリ）" },
	{ "content.import", "CSV一括取り込み" },
	{ "content.export", "一覧のCSVダウンロード" },
	{ "stats.export", "統計のCSVダウンロード" },
	/* company and offer records (issue 7 items 1 and 2; G63-G65) */
	{ "company.contact_add", "採用担当者の登録" },
	{ "company.contact_update", "採用担当者の変更" },
	{ "company.contact_delete", "採用担当者の削除" },
	{ "company.interaction_add", "企業対応履歴の登録" },
	{ "company.interaction_update", "企業対応履歴の変更" },
	{ "job.status", "求人の対応状況の変更" },
	{ "internship.status", "インターンシップの対応状況の変更" },
	/* 一斉メール (issue 7 item 5) */
	{ "bulk_mail.send", "一斉メールの送信" },
	{ "bulk_mail.test", "一斉メールのテスト送信" },
	{ "bulk_mail.preview", "一斉メールのプレビュー（求職者あて）" },
	{ "member.unsubscribe", "お知らせメールの配信停止" },
};
#define NACTIONS (sizeof(ACTIONS) / sizeof(ACTIONS[0]))

/* Groups offered in the select: an action code prefix ("login" matches login.*). */
static const struct { const char *code, *label; } GROUPS[] = {
	{ "login", "ログイン関係すべて" },
	{ "account", "アカウント関係すべて" },
	{ "company", "企業情報関係すべて" },
	{ "consultation", "相談関係すべて" },
	{ "department", "担当部署関係すべて" },
	{ "master", "マスタ管理関係すべて" },
	{ "event", "イベント関係すべて" },
	{ "seeker", "求職者情報関係すべて" },
	{ "audit", "監査ログ関係すべて" },
	{ "content", "記事・ページの編集関係すべて" },
	{ "settings", "サイト設定関係すべて" },
	{ "security", "セキュリティ警告関係すべて" },
	{ "media", "画像ライブラリ関係すべて" },
	{ "stats", "統計関係すべて" },
	{ "bulk_mail", "一斉メール関係すべて" },
};
#define NGROUPS (sizeof(GROUPS) / sizeof(GROUPS[0]))

/* The Japanese label of an action code, or NULL when unknown. */
const char *
audit_action_label(const char *code)
{
	size_t i;

	for (i = 0; i < NACTIONS; i++)
		if (strcmp(ACTIONS[i].code, code) == 0)
			return ACTIONS[i].label;
	return NULL;
}

typedef struct filter {
	const char *who, *action, *target, *from, *to;
	int64_t     from_at, to_at;  /* 0: open */
	int64_t     page;
	/* messages next to the fields */
	const char *e_who, *e_action, *e_target, *e_from, *e_to;
	bool        bad;
} filter_t;

static const char *
q(req_t *r, const char *name)
{
	const char *v = http_query(r, name);

	return v != NULL ? v : "";
}

static bool
known_action(const char *a)
{
	size_t i;

	for (i = 0; i < NGROUPS; i++)
		if (strcmp(GROUPS[i].code, a) == 0)
			return true;
	return audit_action_label(a) != NULL;
}

static void
read_filter(req_t *r, filter_t *f)
{
	memset(f, 0, sizeof(*f));
	f->who = q(r, "who");
	f->action = q(r, "action");
	f->target = q(r, "target");
	f->from = q(r, "from");
	f->to = q(r, "to");
	f->page = 1;
	if (strlen(f->who) > AUDIT_TEXT_MAX || !str_utf8_valid(f->who, strlen(f->who), false)) {
		f->e_who = "操作者は100バイト以内の文字で入力してください。";
		f->bad = true;
	}
	if (f->action[0] != '\0' && !known_action(f->action)) {
		f->e_action = "操作は一覧から選んでください。";
		f->bad = true;
	}
	if (strlen(f->target) > AUDIT_TEXT_MAX || !str_utf8_valid(f->target, strlen(f->target), false)) {
		f->e_target = "対象は100バイト以内で、「account:5」のように入力してください。";
		f->bad = true;
	}
	if (f->from[0] != '\0' && !jtime_parse_ymd(f->from, &f->from_at)) {
		f->e_from = "開始日は 2026-04-01 の形の日付で入力してください。";
		f->bad = true;
	}
	if (f->to[0] != '\0') {
		if (!jtime_parse_ymd(f->to, &f->to_at)) {
			f->e_to = "終了日は 2026-04-30 の形の日付で入力してください。";
			f->bad = true;
		} else {
			f->to_at += 86400; /* through the end of that JST day */
			if (f->from_at > 0 && f->to_at <= f->from_at) {
				f->e_to = "終了日は開始日と同じか、それより後の日付にしてください。";
				f->bad = true;
			}
		}
	}
	if (http_query(r, "page") != NULL && !str_to_i64(http_query(r, "page"), 1, AUDIT_MAX_PAGE, &f->page))
		f->page = 1;
	if (f->bad) {
		/* nothing of a rejected filter goes into the query */
		f->from_at = f->to_at = 0;
	}
}

/* "who=...; action=..." for the audit entry of a look or a download. */
static const char *
filter_detail(arena_t *A, const filter_t *f)
{
	return arena_printf(A, "who=%s; action=%s; target=%s; from=%s; to=%s", f->bad ? "" : f->who,
	    f->bad ? "" : f->action, f->bad ? "" : f->target, f->bad ? "" : f->from, f->bad ? "" : f->to);
}

static bool
write_entry(req_t *r, db_t *db, const char *action, const char *detail)
{
	account_t *a = &r->auth->account;
	audit_entry_t e = { a->id, a->login, r->ip, action, "audit", detail };

	return audit_append(db, &e, jtime_now());
}

/* LIKE pattern matching s anywhere, with % _ and \ taken literally. */
static const char *
like_any(arena_t *A, const char *s)
{
	size_t n = strlen(s), i, k = 0;
	char *out = arena_alloc(A, 2 * n + 3);

	out[k++] = '%';
	for (i = 0; i < n; i++) {
		if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
			out[k++] = '\\';
		out[k++] = s[i];
	}
	out[k++] = '%';
	out[k] = '\0';
	return out;
}

static db_stmt_t *
run_query(req_t *r, db_t *db, const filter_t *f, int64_t limit, int64_t offset)
{
	db_stmt_t *st = db_prepare(db, "SELECT l.id, l.at, l.actor, COALESCE(a.display_name, ''), l.ip, l.action, "
	    "l.target, l.detail FROM audit_log l LEFT JOIN accounts a ON a.id = l.actor_id "
	    "WHERE (?1 = '' OR l.actor LIKE ?2 ESCAPE '\\' OR a.display_name LIKE ?2 ESCAPE '\\') "
	    "AND (?3 = '' OR l.action = ?3 OR substr(l.action, 1, length(?3) + 1) = ?3 || '.') "
	    "AND (?4 = '' OR l.target = ?4) AND (?5 = 0 OR l.at >= ?5) AND (?6 = 0 OR l.at < ?6) "
	    "ORDER BY l.id DESC LIMIT ?7 OFFSET ?8");
	const char *who = f->bad ? "" : f->who;

	if (st == NULL)
		return NULL;
	db_bind_str(st, 1, who);
	db_bind_str(st, 2, like_any(&r->arena, who));
	db_bind_str(st, 3, f->bad ? "" : f->action);
	db_bind_str(st, 4, f->bad ? "" : f->target);
	db_bind_i64(st, 5, f->from_at);
	db_bind_i64(st, 6, f->to_at);
	db_bind_i64(st, 7, limit);
	db_bind_i64(st, 8, offset);
	return st;
}

static void
url_add(buf_t *b, const char *name, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	if (v == NULL || v[0] == '\0')
		return;
	buf_putc(b, b->len == 0 ? '?' : '&');
	buf_puts(b, name);
	buf_putc(b, '=');
	for (i = 0; v[i] != '\0'; i++) {
		unsigned char c = (unsigned char)v[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '_' || c == '.') {
			buf_putc(b, (char)c);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
}

/* The filter as a query string ("" or "?who=..."), page left out. */
static const char *
filter_query(arena_t *A, const filter_t *f)
{
	buf_t b = BUF_INIT;
	const char *out;

	if (!f->bad) {
		url_add(&b, "who", f->who);
		url_add(&b, "action", f->action);
		url_add(&b, "target", f->target);
		url_add(&b, "from", f->from);
		url_add(&b, "to", f->to);
	}
	out = arena_strdup(A, b.oom || b.data == NULL ? "" : b.data);
	buf_free(&b);
	return out;
}

static const char *
jst(arena_t *A, int64_t at, const char *kind)
{
	buf_t b = BUF_INIT;
	const char *out;

	jtime_format(&b, at, kind);
	out = arena_strdup(A, b.oom || b.data == NULL ? "" : b.data);
	buf_free(&b);
	return out;
}

/* ---- GET /staff/audit ---- */

void
page_staff_audit(req_t *r)
{
	arena_t *A = &r->arena;
	db_t *db;
	db_stmt_t *st;
	filter_t f;
	tv_t *ctx, *rows, *acts, *groups, *err;
	const char *qs;
	int n = 0;
	size_t i;

	if (!web_can(r, POLICY_VIEW, POLICY_SETTINGS, 0))
		return;
	if ((db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	r->no_store = true;
	read_filter(r, &f);
	/* the look itself is recorded first; without the record nothing is shown */
	if (!write_entry(r, db, "audit.view", arena_printf(A, "%s; page=%" PRId64, filter_detail(A, &f), f.page))) {
		web_error(r, 500, "監査ログに記録できなかったため、表示を中止しました。");
		return;
	}
	ctx = web_ctx(r, "監査ログ");
	err = tv_map(A);
	if (f.e_who) tv_set_str(A, err, "who", f.e_who);
	if (f.e_action) tv_set_str(A, err, "action", f.e_action);
	if (f.e_target) tv_set_str(A, err, "target", f.e_target);
	if (f.e_from) tv_set_str(A, err, "from", f.e_from);
	if (f.e_to) tv_set_str(A, err, "to", f.e_to);
	tv_set(A, ctx, "ferr", err);
	if (f.bad) {
		tv_set_str(A, ctx, "error", "検索条件に誤りがあります。各項目のメッセージをご確認ください。");
		r->status = 422;
	}
	tv_set_str(A, ctx, "who", strlen(f.who) <= 4 * AUDIT_TEXT_MAX ? f.who : "");
	tv_set_str(A, ctx, "target", strlen(f.target) <= 4 * AUDIT_TEXT_MAX ? f.target : "");
	tv_set_str(A, ctx, "from", strlen(f.from) <= 32 ? f.from : "");
	tv_set_str(A, ctx, "to", strlen(f.to) <= 32 ? f.to : "");
	groups = tv_list(A);
	for (i = 0; i < NGROUPS; i++) {
		tv_t *m = tv_map(A);
		tv_set_str(A, m, "code", GROUPS[i].code);
		tv_set_str(A, m, "label", GROUPS[i].label);
		tv_set_bool(A, m, "selected", strcmp(f.action, GROUPS[i].code) == 0);
		tv_push(A, groups, m);
	}
	tv_set(A, ctx, "groups", groups);
	acts = tv_list(A);
	for (i = 0; i < NACTIONS; i++) {
		tv_t *m = tv_map(A);
		tv_set_str(A, m, "code", ACTIONS[i].code);
		tv_set_str(A, m, "label", ACTIONS[i].label);
		tv_set_bool(A, m, "selected", strcmp(f.action, ACTIONS[i].code) == 0);
		tv_push(A, acts, m);
	}
	tv_set(A, ctx, "actions", acts);

	st = run_query(r, db, &f, AUDIT_PAGE_ROWS + 1, (f.page - 1) * AUDIT_PAGE_ROWS);
	if (st == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	rows = tv_list(A);
	while (db_step(st) == DB_ROW) {
		tv_t *m;
		const char *label;
		if (++n > AUDIT_PAGE_ROWS)
			break;
		m = tv_map(A);
		label = audit_action_label(db_col_text(st, 5));
		tv_set_int(A, m, "id", db_col_i64(st, 0));
		tv_set_str(A, m, "at", jst(A, db_col_i64(st, 1), "datetime"));
		tv_set_str(A, m, "at_iso", jst(A, db_col_i64(st, 1), "iso"));
		tv_set_str(A, m, "actor", db_col_text(st, 2));
		tv_set_str(A, m, "name", db_col_text(st, 3));
		tv_set_str(A, m, "ip", db_col_text(st, 4));
		tv_set_str(A, m, "code", db_col_text(st, 5));
		tv_set_str(A, m, "label", label != NULL ? label : db_col_text(st, 5));
		tv_set_str(A, m, "target", db_col_text(st, 6));
		tv_set_str(A, m, "detail", db_col_text(st, 7));
		tv_push(A, rows, m);
	}
	db_done(st);
	tv_set(A, ctx, "rows", rows);
	tv_set_bool(A, ctx, "any", n > 0);
	tv_set_int(A, ctx, "page", f.page);
	qs = filter_query(A, &f);
	tv_set_str(A, ctx, "csv_url", arena_printf(A, "/staff/audit.csv%s", qs));
	if (f.page > 1)
		tv_set_str(A, ctx, "prev_url", arena_printf(A, "/staff/audit%s%spage=%" PRId64, qs, qs[0] ? "&" : "?",
		    f.page - 1));
	if (n > AUDIT_PAGE_ROWS && f.page < AUDIT_MAX_PAGE)
		tv_set_str(A, ctx, "next_url", arena_printf(A, "/staff/audit%s%spage=%" PRId64, qs, qs[0] ? "&" : "?",
		    f.page + 1));
	web_render(r, "staff/audit", ctx);
}

/* ---- GET /staff/audit.csv ---- */

void
page_staff_audit_csv(req_t *r)
{
	arena_t *A = &r->arena;
	db_t *db;
	db_stmt_t *st;
	filter_t f;
	buf_t out = BUF_INIT;
	static const char *const head[] = { "番号", "日時（日本時間）", "操作者", "氏名", "IPアドレス", "操作",
		"操作コード", "対象", "詳細" };
	size_t i;

	if (!web_can(r, POLICY_VIEW, POLICY_SETTINGS, 0))
		return;
	if ((db = db_thread()) == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	read_filter(r, &f);
	if (f.bad) {
		web_error(r, 400, "検索条件に誤りがあります。監査ログの画面で条件を確かめてからダウンロードしてください。");
		return;
	}
	if (!write_entry(r, db, "audit.export", filter_detail(A, &f))) {
		web_error(r, 500, "監査ログに記録できなかったため、ダウンロードを中止しました。");
		return;
	}
	st = run_query(r, db, &f, AUDIT_CSV_MAX, 0);
	if (st == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	csv_write_bom(&out);
	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		csv_write_cell(&out, head[i], strlen(head[i]), i + 1 == sizeof(head) / sizeof(head[0]));
	while (db_step(st) == DB_ROW) {
		char id[24];
		const char *at = jst(A, db_col_i64(st, 1), "iso");
		const char *label = audit_action_label(db_col_text(st, 5));
		snprintf(id, sizeof(id), "%" PRId64, db_col_i64(st, 0));
		csv_write_cell(&out, id, strlen(id), false);
		csv_write_cell(&out, at, strlen(at), false);
		for (i = 2; i <= 4; i++)
			csv_write_cell(&out, db_col_text(st, (int)i), db_col_len(st, (int)i), false);
		if (label == NULL)
			label = "";
		csv_write_cell(&out, label, strlen(label), false);
		csv_write_cell(&out, db_col_text(st, 5), db_col_len(st, 5), false);
		csv_write_cell(&out, db_col_text(st, 6), db_col_len(st, 6), false);
		csv_write_cell(&out, db_col_text(st, 7), db_col_len(st, 7), true);
		if (out.oom)
			break;
	}
	db_done(st);
	if (out.oom) {
		buf_free(&out);
		web_error(r, 500, NULL);
		return;
	}
	buf_clear(&r->out);
	buf_append(&r->out, out.data, out.len);
	buf_free(&out);
	r->status = 200;
	r->content_type = "text/csv; charset=utf-8";
	r->no_store = true;
	http_set_header(r, "Content-Disposition", arena_printf(A, "attachment; filename=\"audit-%s.csv\"",
	    jst(A, jtime_now(), "ymd")));
}
