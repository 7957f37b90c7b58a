/*
 * ipacl_page.c - the IP rules screen /staff/ip-rules (G54) and the save both it and
 * `tsunagu ip-rules set` go through: parse, refuse a lock-out, audit old and new, store.
 */
#include "app/web.h"
#include "auth/audit.h"
#include "auth/policy.h"
#include "core/jtime.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const ipacl_area_t screen_order[IPACL_NAREAS] = { IPACL_STAFF, IPACL_MEMBER, IPACL_PUBLIC };

/* The list on one line for the audit detail: "10.0.0.0/8 2001:db8::/32", or "(制限なし)". */
static void
one_line(const ipacl_list_t *l, buf_t *out)
{
	size_t i;
	char s[IPACL_RULE_STR];

	if (l->n == 0) {
		buf_puts(out, "(制限なし)");
		return;
	}
	for (i = 0; i < l->n; i++) {
		ipacl_rule_str(&l->rules[i], s);
		if (i > 0)
			buf_putc(out, ' ');
		buf_puts(out, s);
	}
}

/* Message when current_ip would be shut out by rules for area (NULL when not). */
const char *
ip_rules_lockout_message(const ipacl_list_t *rules, ipacl_area_t area, const char *current_ip, char *msg, size_t n)
{
	if (current_ip == NULL || !ipacl_would_lock_out(rules, area, current_ip))
		return NULL;
	snprintf(msg, n, "この内容では、現在お使いのアドレス（%s）から%sに入れなくなるため、保存できません。"
	    "お使いのアドレスを含む範囲を追加してください。", current_ip,
	    area == IPACL_STAFF ? "職員用管理画面" : "ログイン画面などの公開ページ");
	return msg;
}

/* Saves the lists whose text is not NULL in one write transaction: the old lists are read, one audit
 * entry names each changed list's old and new entries, the lists are stored; the entry commits or rolls
 * back with the change (a change that cannot be recorded does not happen). */
bool
ip_rules_save(db_t *db, const char *const texts[IPACL_NAREAS], const ipacl_list_t *parsed, int64_t actor_id,
    const char *actor, const char *ip, int64_t now)
{
	buf_t detail = BUF_INIT, target = BUF_INIT;
	ipacl_list_t *prev = calloc(1, sizeof(*prev));
	bool ok = false, any = false;
	int i;

	if (prev == NULL)
		return false;
	for (i = 0; i < IPACL_NAREAS; i++)
		any = any || texts[i] != NULL;
	if (!any) {
		free(prev);
		return true;
	}
	if (!db_begin_write(db)) {
		free(prev);
		return false;
	}
	buf_puts(&target, "ip_rules:");
	any = false;
	for (i = 0; i < IPACL_NAREAS; i++) {
		ipacl_area_t a = screen_order[i];
		buf_t old = BUF_INIT;
		if (texts[a] == NULL)
			continue;
		if (!ipacl_store_get(db, a, &old)) {
			buf_free(&old);
			goto fail;
		}
		/* a stored list that no longer parses is recorded with what could be read of it */
		ipacl_parse(old.data ? old.data : "", old.len, prev, NULL);
		buf_free(&old);
		if (any) {
			buf_putc(&target, ',');
			buf_puts(&detail, "; ");
		}
		buf_puts(&target, ipacl_area_name(a));
		buf_printf(&detail, "%s old: ", ipacl_area_name(a));
		one_line(prev, &detail);
		buf_puts(&detail, " new: ");
		one_line(&parsed[a], &detail);
		any = true;
	}
	if (detail.oom || target.oom)
		goto fail;
	{
		audit_entry_t e = { actor_id, actor, ip, "ip_rules.change", target.data, detail.data };
		if (!audit_append(db, &e, now))
			goto fail;
	}
	for (i = 0; i < IPACL_NAREAS; i++)
		if (texts[i] != NULL && !ipacl_store_set(db, (ipacl_area_t)i, texts[i], actor, now))
			goto fail;
	if (!db_commit(db))
		goto fail;
	(void)audit_sync_head(db);
	ok = true;
	goto done;
fail:
	db_rollback(db);
done:
	buf_free(&detail);
	buf_free(&target);
	free(prev);
	return ok;
}

/* Text as kept: CR removed (browsers send CRLF from a textarea). */
static char *
without_cr(arena_t *A, const char *s)
{
	size_t n = strlen(s), i, k = 0;
	char *o = arena_alloc(A, n + 1);

	if (o == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (s[i] != '\r')
			o[k++] = s[i];
	o[k] = '\0';
	return o;
}

struct area_form {
	const char *text;
	tv_t       *errors;  /* list of strings, or NULL */
};

static void
render(req_t *r, struct area_form f[IPACL_NAREAS], const char *error, bool done)
{
	arena_t *A = &r->arena;
	tv_t *ctx = web_ctx(r, "IPアドレスアクセス制限"), *areas = tv_list(A);
	int i;

	r->no_store = true;
	tv_set_str(A, ctx, "csrf", web_csrf(r));
	tv_set_str(A, ctx, "error", error);
	tv_set_bool(A, ctx, "done", done);
	tv_set_str(A, ctx, "current_ip", r->ip);
	tv_set_int(A, ctx, "max_rules", IPACL_MAX_RULES);
	tv_set_int(A, ctx, "max_text", IPACL_MAX_TEXT);
	for (i = 0; i < IPACL_NAREAS; i++) {
		ipacl_area_t a = screen_order[i];
		tv_t *m = tv_map(A);
		tv_set_str(A, m, "name", ipacl_area_name(a));
		tv_set_str(A, m, "label", ipacl_area_label(a));
		tv_set_str(A, m, "text", f[a].text ? f[a].text : "");
		tv_set_str(A, m, "paths", a == IPACL_STAFF ? "/staff で始まるページ（職員のログインにも適用）"
		    : a == IPACL_MEMBER ? "/mypage で始まるページ（求職者・企業のログインにも適用）"
		    : "上記以外のすべてのページ（トップ、求人情報、ログイン画面など）");
		if (f[a].errors != NULL) {
			tv_set(A, m, "errors", f[a].errors);
			tv_set_bool(A, m, "invalid", true);
		}
		tv_push(A, areas, m);
	}
	tv_set(A, ctx, "areas", areas);
	web_render(r, "ip_rules", ctx);
}

void
page_ip_rules(req_t *r)
{
	struct area_form f[IPACL_NAREAS];
	db_t *db = db_thread();
	int i;

	memset(f, 0, sizeof(f));
	/* site settings: administrators only (policy.c, POLICY_SETTINGS) */
	if (!web_can(r, POLICY_VIEW, POLICY_SETTINGS, 0))
		return;
	if (db == NULL) {
		web_error(r, 500, NULL);
		return;
	}
	for (i = 0; i < IPACL_NAREAS; i++) {
		buf_t b = BUF_INIT;
		if (!ipacl_store_get(db, (ipacl_area_t)i, &b)) {
			buf_free(&b);
			web_error(r, 500, NULL);
			return;
		}
		f[i].text = arena_strndup(&r->arena, b.data ? b.data : "", b.len);
		buf_free(&b);
	}
	render(r, f, NULL, http_query(r, "done") != NULL);
}

void
page_ip_rules_post(req_t *r)
{
	struct area_form f[IPACL_NAREAS];
	ipacl_list_t *lists = calloc(IPACL_NAREAS, sizeof(*lists));
	ipacl_errors_t *errs = calloc(1, sizeof(*errs));
	struct auth_ctx *a = r->auth;
	arena_t *A = &r->arena;
	db_t *db = db_thread();
	const char *texts[IPACL_NAREAS] = { NULL, NULL, NULL };
	bool bad = false;
	int i, k;

	memset(f, 0, sizeof(f));
	if (!web_can(r, POLICY_UPDATE, POLICY_SETTINGS, 0))
		goto done;
	if (lists == NULL || errs == NULL || db == NULL) {
		web_error(r, 500, NULL);
		goto done;
	}
	for (i = 0; i < IPACL_NAREAS; i++) {
		char field[32], msg[512];
		const char *v;
		snprintf(field, sizeof(field), "rules_%s", ipacl_area_name((ipacl_area_t)i));
		v = http_form(r, field);
		if (v == NULL) {
			/* every textarea is always sent: a missing one is not this form, and must not clear a list */
			web_error(r, 400, NULL);
			goto done;
		}
		f[i].text = without_cr(A, v);
		if (f[i].text == NULL) {
			web_error(r, 500, NULL);
			goto done;
		}
		{
			/* only a list that changed is checked, saved and recorded */
			buf_t cur = BUF_INIT;
			if (!ipacl_store_get(db, (ipacl_area_t)i, &cur)) {
				buf_free(&cur);
				web_error(r, 500, NULL);
				goto done;
			}
			if (!(cur.len == strlen(f[i].text) && (cur.len == 0 || memcmp(cur.data, f[i].text, cur.len) == 0)))
				texts[i] = f[i].text;
			buf_free(&cur);
		}
		if (!ipacl_parse(f[i].text, strlen(f[i].text), &lists[i], errs)) {
			f[i].errors = tv_list(A);
			for (k = 0; k < errs->n; k++)
				tv_push(A, f[i].errors, tv_str(A, errs->e[k].msg));
			if (errs->more > 0) {
				snprintf(msg, sizeof(msg), "ほかに%d件の誤りがあります。", errs->more);
				tv_push(A, f[i].errors, tv_str(A, msg));
			}
			bad = true;
		} else if (texts[i] != NULL && ip_rules_lockout_message(&lists[i], (ipacl_area_t)i, r->ip, msg, sizeof(msg)) != NULL) {
			f[i].errors = tv_list(A);
			tv_push(A, f[i].errors, tv_str(A, msg));
			bad = true;
		}
	}
	if (bad) {
		render(r, f, "保存できませんでした。各欄のメッセージをご確認ください。", false);
		goto done;
	}
	if (!ip_rules_save(db, texts, lists, a->account.id, a->account.login, r->ip, jtime_now())) {
		web_error(r, 500, NULL);
		goto done;
	}
	http_redirect(r, "/staff/ip-rules?done=1");
done:
	free(lists);
	free(errs);
}
