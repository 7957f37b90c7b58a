/* web.c - the request pipeline above HTTP: session from cookie, CSRF on unsafe methods, roles, rendering. */
#include "app/web.h"
#include "mail/bulk.h"
#include "member/records.h"
#include "app/pagecache.h"
#include "auth/alerts.h"
#include "auth/csrf.h"
#include "auth/policy.h"
#include "content/settings.h"
#include "core/config.h"
#include "core/jtime.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"
#include "http/ipacl.h"
#include "http/static.h"
#include "search/search.h"
#include "stats/stats.h"
#include "view/i18n.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static tmpl_set_t *templates;
static i18n_t *catalogs;
static pthread_rwlock_t tmpl_lock = PTHREAD_RWLOCK_INITIALIZER;
static int64_t last_check;
static pthread_mutex_t check_lock = PTHREAD_MUTEX_INITIALIZER;

static const route_t routes[] = {
	{ M_GET, "/", ROLE_ANY, page_home },
	{ M_GET, "/login", ROLE_ANY, page_login },
	{ M_POST, "/login", ROLE_ANY, page_login_post },
	{ M_POST, "/logout", ROLE_ANY, page_logout_post },
	{ M_GET, "/mypage", ROLE_USER, page_mypage },
	{ M_GET, "/mypage/password", ROLE_USER, page_password },
	{ M_POST, "/mypage/password", ROLE_USER, page_password_post },
	{ M_GET, "/healthz", ROLE_ANY, page_health },
	{ M_GET, "/robots.txt", ROLE_ANY, page_robots },
	{ M_GET, "/sitemap.xml", ROLE_ANY, page_sitemap_index },
	{ M_GET, "/sitemaps/:name", ROLE_ANY, page_sitemap },
	{ M_GET, "/jobs", ROLE_ANY, page_jobs },
	{ M_GET, "/jobs/:id", ROLE_ANY, page_job },
	{ M_GET, "/companies", ROLE_ANY, page_companies },
	{ M_GET, "/companies/:id", ROLE_ANY, page_company },
	{ M_GET, "/internships", ROLE_ANY, page_internships },
	{ M_GET, "/internships/:id", ROLE_ANY, page_internship },
	{ M_GET, "/news", ROLE_ANY, page_news_list },
	{ M_GET, "/news/:id", ROLE_ANY, page_news_item },
	{ M_GET, "/events", ROLE_ANY, page_events },
	{ M_GET, "/events/:id", ROLE_ANY, page_event },
	{ M_GET, "/projects", ROLE_ANY, page_projects },
	{ M_GET, "/projects/:id", ROLE_ANY, page_project },
	{ M_GET, "/tips", ROLE_ANY, page_tips_list },
	{ M_GET, "/tips/:id", ROLE_ANY, page_tips_item },
	{ M_GET, "/columns", ROLE_ANY, page_columns },
	{ M_GET, "/columns/:id", ROLE_ANY, page_column },
	{ M_GET, "/pages/:slug", ROLE_ANY, page_fixed },
	{ M_GET, "/static/*", ROLE_ANY, static_serve },
	{ M_GET, "/media/:file", ROLE_ANY, page_media },
	/* mail consultation (consult_pages.c): "new" before ":id" */
	{ M_GET, "/mypage/consultations", ROLE_SEEKER, page_consult_list },
	{ M_GET, "/mypage/consultations/new", ROLE_SEEKER, page_consult_new },
	{ M_POST, "/mypage/consultations/new", ROLE_SEEKER, page_consult_new_post },
	{ M_GET, "/mypage/consultations/:id", ROLE_SEEKER, page_consult_view },
	{ M_POST, "/mypage/consultations/:id", ROLE_SEEKER, page_consult_reply_post },
	{ M_GET, "/staff/consultations", ROLE_STAFF, page_staff_consult_list },
	{ M_GET, "/staff/consultations/:id", ROLE_STAFF, page_staff_consult_view },
	{ M_POST, "/staff/consultations/:id", ROLE_STAFF, page_staff_consult_reply_post },
	{ M_POST, "/staff/consultations/:id/status", ROLE_STAFF, page_staff_consult_status_post },
	/* staff back office (issue 6: staff.c, members.c) */
	{ M_GET, "/staff", ROLE_STAFF, page_staff_home },
	{ M_GET, "/staff/accounts", ROLE_STAFF, page_staff_accounts },
	{ M_GET, "/staff/accounts/new", ROLE_STAFF, page_staff_account_new },
	{ M_POST, "/staff/accounts/new", ROLE_STAFF, page_staff_account_new_post },
	{ M_GET, "/staff/accounts/:id", ROLE_STAFF, page_staff_account },
	{ M_POST, "/staff/accounts/:id", ROLE_STAFF, page_staff_account_post },
	{ M_POST, "/staff/accounts/:id/status", ROLE_STAFF, page_staff_account_status_post },
	{ M_GET, "/staff/departments", ROLE_STAFF, page_staff_departments },
	{ M_POST, "/staff/departments", ROLE_STAFF, page_staff_departments_post },
	{ M_POST, "/staff/departments/:id", ROLE_STAFF, page_staff_department_post },
	{ M_POST, "/staff/departments/:id/retire", ROLE_STAFF, page_staff_department_retire_post },
	{ M_GET, "/staff/members", ROLE_STAFF, page_staff_members },
	{ M_GET, "/staff/members/:id", ROLE_STAFF, page_staff_member },
	{ M_POST, "/staff/members/:id/status", ROLE_STAFF, page_staff_member_status_post },
	{ M_POST, "/staff/members/:id/release", ROLE_STAFF, page_staff_member_release_post },
	/* events (events.c) */
	{ M_POST, "/events/:id/apply", ROLE_SEEKER, page_event_apply_post },
	{ M_GET, "/mypage/events", ROLE_SEEKER, page_mypage_events },
	{ M_POST, "/mypage/events/:id/cancel", ROLE_SEEKER, page_mypage_event_cancel_post },
	{ M_GET, "/mypage/events/:file", ROLE_SEEKER, page_mypage_event_ics },
	/* member registration, password reset, seeker profile (register.c) */
	{ M_GET, "/register/seeker", ROLE_ANY, page_register_seeker },
	{ M_POST, "/register/seeker", ROLE_ANY, page_register_seeker_post },
	{ M_GET, "/register/company", ROLE_ANY, page_register_company },
	{ M_POST, "/register/company", ROLE_ANY, page_register_company_post },
	{ M_GET, "/register/sent", ROLE_ANY, page_register_sent },
	{ M_GET, "/register/confirm", ROLE_ANY, page_register_confirm },
	{ M_POST, "/register/confirm", ROLE_ANY, page_register_confirm_post },
	{ M_GET, "/password/forgot", ROLE_ANY, page_password_forgot },
	{ M_POST, "/password/forgot", ROLE_ANY, page_password_forgot_post },
	{ M_GET, "/password/reset", ROLE_ANY, page_password_reset },
	{ M_POST, "/password/reset", ROLE_ANY, page_password_reset_post },
	{ M_GET, "/mypage/profile", ROLE_SEEKER, page_profile },
	{ M_POST, "/mypage/profile", ROLE_SEEKER, page_profile_post },
	/* company My Page and approvals (company_page.c) */
	{ M_GET, "/mypage/company", ROLE_COMPANY, page_company_edit },
	{ M_POST, "/mypage/company", ROLE_COMPANY, page_company_edit_post },
	{ M_POST, "/mypage/company/renew", ROLE_COMPANY, page_company_renew_post },
	{ M_GET, "/staff/approvals", ROLE_STAFF, page_staff_approvals },
	{ M_POST, "/staff/approvals/:id", ROLE_STAFF, page_staff_approval_post },
	/* IP address access restriction (G54): staff route, and the handlers ask web_can(POLICY_SETTINGS), i.e.
	 * administrators only */
	{ M_GET, "/staff/ip-rules", ROLE_STAFF, page_ip_rules },
	{ M_POST, "/staff/ip-rules", ROLE_STAFF, page_ip_rules_post },
	/* staff two-factor sign-in (twofactor.c; issue 6 item 6) */
	{ M_GET, "/login/2fa", ROLE_ANY, page_login_2fa },
	{ M_POST, "/login/2fa", ROLE_ANY, page_login_2fa_post },
	{ M_GET, "/mypage/2fa", ROLE_STAFF, page_mypage_2fa },
	{ M_POST, "/mypage/2fa", ROLE_STAFF, page_mypage_2fa_post },
	{ M_POST, "/staff/accounts/:id/2fa-reset", ROLE_STAFF, page_staff_account_2fa_reset_post },
	/* audit viewer (audit_pages.c; issue 6 item 7) */
	{ M_GET, "/staff/audit", ROLE_STAFF, page_staff_audit },
	{ M_GET, "/staff/audit.csv", ROLE_STAFF, page_staff_audit_csv },
	/* job sheet (jobsheet.c; issue 7 item 2) */
	{ M_GET, "/staff/jobs/:id/sheet", ROLE_STAFF, page_staff_job_sheet },
	/* マスタ管理 (master_pages.c; issue 6 item 3): the handlers ask web_can(POLICY_MASTER) */
	{ M_GET, "/staff/masters", ROLE_STAFF, page_staff_masters },
	{ M_GET, "/staff/masters/:vocab", ROLE_STAFF, page_staff_master },
	{ M_POST, "/staff/masters/:vocab", ROLE_STAFF, page_staff_master_add_post },
	{ M_GET, "/staff/masters/:vocab/:id", ROLE_STAFF, page_staff_master_term },
	{ M_POST, "/staff/masters/:vocab/:id", ROLE_STAFF, page_staff_master_term_post },
	{ M_POST, "/staff/masters/:vocab/:id/move", ROLE_STAFF, page_staff_master_move_post },
	{ M_POST, "/staff/masters/:vocab/:id/retire", ROLE_STAFF, page_staff_master_retire_post },
	{ M_POST, "/staff/masters/:vocab/:id/restore", ROLE_STAFF, page_staff_master_restore_post },
	{ M_POST, "/staff/masters/:vocab/:id/delete", ROLE_STAFF, page_staff_master_delete_post },
	{ M_POST, "/staff/masters/:vocab/:id/logo", ROLE_STAFF, page_staff_master_logo_post },
	/* staff content editor (cms_pages.c; issue 6 item 5): "new" before ":id"; the preview answers 404 to
	 * anyone but staff itself, as the public address of a draft does */
	{ M_GET, "/staff/content", ROLE_STAFF, page_staff_content_types },
	{ M_GET, "/staff/content/:type", ROLE_STAFF, page_staff_content_list },
	{ M_GET, "/staff/content/:type/new", ROLE_STAFF, page_staff_content_new },
	{ M_POST, "/staff/content/:type/new", ROLE_STAFF, page_staff_content_new_post },
	{ M_GET, "/staff/content/:type/:id", ROLE_STAFF, page_staff_content_edit },
	{ M_POST, "/staff/content/:type/:id", ROLE_STAFF, page_staff_content_edit_post },
	{ M_GET, "/staff/content/:type/:id/revisions", ROLE_STAFF, page_staff_content_revisions },
	{ M_GET, "/staff/content/:type/:id/revisions/:rev", ROLE_STAFF, page_staff_content_diff },
	{ M_POST, "/staff/content/:type/:id/revisions/:rev/restore", ROLE_STAFF, page_staff_content_restore_post },
	{ M_GET, "/staff/content/:type/:id/delete", ROLE_STAFF, page_staff_content_delete },
	{ M_POST, "/staff/content/:type/:id/delete", ROLE_STAFF, page_staff_content_delete_post },
	{ M_GET, "/staff/content/:type/:id/preview", ROLE_ANY, page_staff_content_preview },
	{ M_POST, "/staff/preview/markdown", ROLE_STAFF, page_staff_preview_markdown },
	/* site settings and intrusion signals (settings_page.c; issue 6 items 5 and 8): admins via web_can */
	{ M_GET, "/staff/settings", ROLE_STAFF, page_staff_settings },
	{ M_POST, "/staff/settings", ROLE_STAFF, page_staff_settings_post },
	{ M_GET, "/staff/security", ROLE_STAFF, page_staff_security },
	{ M_POST, "/staff/security/:id/ack", ROLE_STAFF, page_staff_security_ack_post },
	/* media library (medialib_pages.c; issue 6 item 5): the handlers ask web_can(POLICY_CMS) */
	{ M_GET, "/staff/media", ROLE_STAFF, page_staff_media },
	{ M_POST, "/staff/media", ROLE_STAFF, page_staff_media_post },
	{ M_GET, "/staff/media.json", ROLE_STAFF, page_staff_media_json },
	{ M_GET, "/staff/media/:id", ROLE_STAFF, page_staff_media_item },
	{ M_POST, "/staff/media/:id", ROLE_STAFF, page_staff_media_item_post },
	{ M_POST, "/staff/media/:id/delete", ROLE_STAFF, page_staff_media_delete_post },
	/* CSV in and out (csvio.c; issue 7 item 4) */
	{ M_GET, "/staff/import", ROLE_STAFF, page_staff_import },
	{ M_POST, "/staff/import", ROLE_STAFF, page_staff_import_post },
	{ M_GET, "/staff/import/template/:file", ROLE_STAFF, page_staff_import_template },
	{ M_GET, "/staff/export/:file", ROLE_STAFF, page_staff_export },
	/* statistics (stats_pages.c; issue 7 item 6) */
	{ M_GET, "/staff/stats", ROLE_STAFF, page_staff_stats },
	{ M_GET, "/staff/stats/:page", ROLE_STAFF, page_staff_stats_report },
	/* company and offer records (records_pages.c; issue 7 items 1 and 2) */
	{ M_GET, "/staff/companies", ROLE_STAFF, page_staff_records_companies },
	{ M_GET, "/staff/companies/:id", ROLE_STAFF, page_staff_record },
	{ M_POST, "/staff/companies/:id/contacts", ROLE_STAFF, page_staff_contact_add_post },
	{ M_GET, "/staff/companies/:id/contacts/:cid", ROLE_STAFF, page_staff_contact },
	{ M_POST, "/staff/companies/:id/contacts/:cid", ROLE_STAFF, page_staff_contact_post },
	{ M_POST, "/staff/companies/:id/contacts/:cid/delete", ROLE_STAFF, page_staff_contact_delete_post },
	{ M_POST, "/staff/companies/:id/interactions", ROLE_STAFF, page_staff_interaction_add_post },
	{ M_GET, "/staff/companies/:id/interactions/:iid", ROLE_STAFF, page_staff_interaction },
	{ M_POST, "/staff/companies/:id/interactions/:iid", ROLE_STAFF, page_staff_interaction_post },
	{ M_GET, "/staff/jobs", ROLE_STAFF, page_staff_records_jobs },
	{ M_GET, "/staff/jobs/:id", ROLE_STAFF, page_staff_record },
	{ M_POST, "/staff/jobs/:id/status", ROLE_STAFF, page_staff_offer_status_post },
	{ M_POST, "/staff/jobs/:id/interactions", ROLE_STAFF, page_staff_interaction_add_post },
	{ M_GET, "/staff/jobs/:id/interactions/:iid", ROLE_STAFF, page_staff_interaction },
	{ M_POST, "/staff/jobs/:id/interactions/:iid", ROLE_STAFF, page_staff_interaction_post },
	{ M_GET, "/staff/internships", ROLE_STAFF, page_staff_records_internships },
	{ M_GET, "/staff/internships/:id", ROLE_STAFF, page_staff_record },
	{ M_POST, "/staff/internships/:id/status", ROLE_STAFF, page_staff_offer_status_post },
	{ M_POST, "/staff/internships/:id/interactions", ROLE_STAFF, page_staff_interaction_add_post },
	{ M_GET, "/staff/internships/:id/interactions/:iid", ROLE_STAFF, page_staff_interaction },
	{ M_POST, "/staff/internships/:id/interactions/:iid", ROLE_STAFF, page_staff_interaction_post },
	/* 求職者管理: seeker records, print, export, erasure (seekers.c; issue 7 items 3 and 7; G66, SEC09) */
	{ M_GET, "/staff/seekers", ROLE_STAFF, page_staff_seekers },
	{ M_GET, "/staff/seekers/new", ROLE_STAFF, page_staff_seeker_new },
	{ M_POST, "/staff/seekers/new", ROLE_STAFF, page_staff_seeker_new_post },
	{ M_GET, "/staff/seekers/:id", ROLE_STAFF, page_staff_seeker },
	{ M_GET, "/staff/seekers/:id/edit", ROLE_STAFF, page_staff_seeker_edit },
	{ M_POST, "/staff/seekers/:id/edit", ROLE_STAFF, page_staff_seeker_edit_post },
	{ M_POST, "/staff/seekers/:id/records", ROLE_STAFF, page_staff_seeker_record_add_post },
	{ M_GET, "/staff/seekers/:id/records/:rid", ROLE_STAFF, page_staff_seeker_record },
	{ M_POST, "/staff/seekers/:id/records/:rid", ROLE_STAFF, page_staff_seeker_record_post },
	{ M_POST, "/staff/seekers/:id/interactions", ROLE_STAFF, page_staff_seeker_interaction_post },
	{ M_POST, "/staff/seekers/:id/referrals", ROLE_STAFF, page_staff_seeker_referral_post },
	{ M_POST, "/staff/seekers/:id/referrals/:rid", ROLE_STAFF, page_staff_seeker_outcome_post },
	{ M_GET, "/staff/seekers/:id/print", ROLE_STAFF, page_staff_seeker_print },
	{ M_GET, "/staff/seekers/:id/export", ROLE_STAFF, page_staff_seeker_export },
	{ M_GET, "/staff/seekers/:id/erase", ROLE_STAFF, page_staff_seeker_erase },
	{ M_POST, "/staff/seekers/:id/erase", ROLE_STAFF, page_staff_seeker_erase_post },
	/* 一斉メール (bulkmail_pages.c; issue 7 item 5): the handlers ask web_can(POLICY_BULK_MAIL); "new"
	 * before ":id"; the unsubscribe link of every bulk mail is public (an HMAC token, CSRF on the POST) */
	{ M_GET, "/staff/bulkmail", ROLE_STAFF, page_staff_bulkmail },
	{ M_GET, "/staff/bulkmail/new", ROLE_STAFF, page_staff_bulkmail_new },
	{ M_POST, "/staff/bulkmail/new", ROLE_STAFF, page_staff_bulkmail_new_post },
	{ M_GET, "/staff/bulkmail/:id", ROLE_STAFF, page_staff_bulkmail_view },
	{ M_GET, "/unsubscribe", ROLE_ANY, page_unsubscribe },
	{ M_POST, "/unsubscribe", ROLE_ANY, page_unsubscribe_post },
	/* 開催日程と申込者 (event_staff.c): the handlers ask web_can with the event's department */
	{ M_GET, "/staff/events/:id", ROLE_STAFF, page_staff_event },
	{ M_POST, "/staff/events/:id/sessions", ROLE_STAFF, page_staff_event_session_post },
	{ M_GET, "/staff/events/:id/sessions/:sid", ROLE_STAFF, page_staff_event_applicants },
	{ M_GET, "/staff/events/:id/sessions/:sid/csv", ROLE_STAFF, page_staff_event_applicants_csv },
};

static bool web_before(req_t *r, bool routed);
static void web_count_view(req_t *r);
static const char *site_csp(const req_t *r);
static bool web_authorize(req_t *r, int role);
static bool web_admit(req_t *r);

const router_t web_router = {
	routes, sizeof(routes) / sizeof(routes[0]), web_authorize, web_before, web_error, web_admit,
};

static bool
path_join(char *out, size_t n, const char *a, const char *b)
{
	int k = snprintf(out, n, "%s/%s", a, b);

	return k > 0 && (size_t)k < n;
}

bool
web_init(char *err, size_t errlen)
{
	char path[1024];

	if (!path_join(path, sizeof(path), config.root, "templates"))
		return false;
	templates = tmpl_set_load(path, err, errlen);
	if (templates == NULL)
		return false;
	/* bulk mail's {{氏名}} of a job seeker: the sealed profile name (issue 7 items 3 and 5) */
	bulk_set_seeker_name(rec_seeker_name);
	if (!path_join(path, sizeof(path), config.root, "i18n"))
		return false;
	catalogs = i18n_load(path, err, errlen);
	if (catalogs == NULL)
		return false;
	if (!path_join(path, sizeof(path), config.root, "static") || !static_load(path)) {
		snprintf(err, errlen, "cannot load static files from %s", path);
		return false;
	}
	return listing_init(err, errlen);
}

void
web_free(void)
{
	tmpl_set_free(templates);
	i18n_free(catalogs);
	static_free();
	listing_free();
	register_free();
	company_pages_free();
	cms_pages_free();
	medialib_pages_free();
	pagecache_clear();
	settings_free();
	templates = NULL;
	catalogs = NULL;
}

/* --dev: templates reload when a file changes (checked at most once a second). */
static void
maybe_reload(void)
{
	char path[1024], err[512];
	int64_t now = jtime_now();
	tmpl_set_t *fresh;

	if (!config.dev || now == last_check || pthread_mutex_trylock(&check_lock) != 0)
		return;
	last_check = now;
	if (tmpl_set_changed(templates) && path_join(path, sizeof(path), config.root, "templates")) {
		fresh = tmpl_set_load(path, err, sizeof(err));
		if (fresh == NULL) {
			log_error("templates: reload failed, keeping the old ones: %s", err);
		} else {
			pthread_rwlock_wrlock(&tmpl_lock);
			tmpl_set_free(templates);
			templates = fresh;
			pthread_rwlock_unlock(&tmpl_lock);
			log_info("templates: reloaded");
		}
	}
	pthread_mutex_unlock(&check_lock);
}

const char *
web_cookie_session(req_t *r)
{
	return r->tls ? "__Host-tsunagu_sid" : "tsunagu_sid";
}

const char *
web_cookie_pre(req_t *r)
{
	return r->tls ? "__Host-tsunagu_pre" : "tsunagu_pre";
}

const char *
web_safe_next(const char *next, const char *fallback)
{
	if (next == NULL || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > 512)
		return fallback;
	for (const char *p = next; *p; p++)
		if ((unsigned char)*p < 0x21 || *p == '\\' || (unsigned char)*p == 0x7f)
			return fallback;
	return next;
}

static session_policy_t
policy(void)
{
	session_policy_t p = { (int64_t)config.session_idle_min * 60, (int64_t)config.session_absolute_h * 3600 };

	return p;
}

static bool
web_before(req_t *r, bool routed)
{
	struct auth_ctx *a;
	const char *sid, *binding = NULL, *token;
	db_t *db;

	if (strncmp(r->path, "/static/", 8) == 0)
		return true; /* no session work for assets */
	maybe_reload();
	a = arena_zalloc(&r->arena, sizeof(*a));
	if (a == NULL) {
		web_error(r, 500, NULL);
		return false;
	}
	r->auth = a;
	a->pre_id = http_cookie(r, web_cookie_pre(r));
	sid = http_cookie(r, web_cookie_session(r));
	if (sid != NULL) {
		session_policy_t p = policy();
		int rc;
		db = db_thread();
		if (db == NULL) {
			web_error(r, 500, NULL);
			return false;
		}
		rc = session_lookup(db, sid, jtime_now(), &p, &a->session);
		if (rc < 0) {
			web_error(r, 500, NULL);
			return false;
		}
		/* a suspended or deleted account is signed out even if a session of it survived (SEC15) */
		if (rc == 1 && account_get(db, a->session.account_id, &a->account) &&
		    strcmp(a->account.status, "active") == 0)
			a->signed_in = true;
		else
			http_clear_cookie(r, web_cookie_session(r));
	}
	if (a->signed_in && a->account.must_change_password && routed && strcmp(r->path, "/mypage/password") != 0 &&
	    strcmp(r->path, "/logout") != 0) {
		/* an initial password an administrator gave (G50): nothing else until the holder chooses one */
		if (r->method == M_GET || r->method == M_HEAD)
			http_redirect(r, "/mypage/password?first=1");
		else
			web_error(r, 403, "最初にパスワードを変更してください。");
		return false;
	}
	if (a->signed_in && routed && strcmp(r->path, "/mypage/2fa") != 0 && strcmp(r->path, "/logout") != 0 &&
	    twofactor_enrolment_due(r)) {
		/* a role that needs a second factor (issue 6 item 6): nothing else until it is set up */
		if (r->method == M_GET || r->method == M_HEAD)
			http_redirect(r, "/mypage/2fa?required=1");
		else
			web_error(r, 403, "最初に二段階認証を設定してください。");
		return false;
	}
	if (r->method == M_GET && routed && sid == NULL && !config.dev) {
		/* not signed in: a public page may come from the cache */
		db = db_thread();
		if (db != NULL && (a->cache_seq = search_log_seq(db)) >= 0) {
			a->cache_ok = true;
			settings_refresh(db, a->cache_seq); /* a settings change appends to search_log */
			if (pagecache_serve(r, a->cache_seq, jtime_now())) {
				web_count_view(r); /* a cached page is a view too (B03) */
				return false;  /* answered, with the CSP the page was rendered with */
			}
		}
	}
	if (r->method == M_GET || r->method == M_HEAD || !routed)
		return true;
	/* RFC 8058: a mail program's one-click unsubscribe (the List-Unsubscribe-Post header of bulk mail) is a
	 * POST without our cookies or form token; the HMAC token in its URL is the proof — it names one account
	 * and only the server can make it, so a forged request could not do more than its holder can anyway */
	if (r->method == M_POST && strcmp(r->path, "/unsubscribe") == 0 && http_query(r, "t") != NULL &&
	    http_form(r, "List-Unsubscribe") != NULL && strcmp(http_form(r, "List-Unsubscribe"), "One-Click") == 0)
		return true;
	/* every unsafe method carries a token bound to this browser's session or pre-login cookie */
	if (a->signed_in)
		binding = arena_printf(&r->arena, "s:%s", a->session.id);
	else if (a->pre_id != NULL)
		binding = arena_printf(&r->arena, "a:%s", a->pre_id);
	token = http_form(r, CSRF_FIELD);
	if (binding == NULL || !csrf_check(binding, token)) {
		web_security_event(r, ALERT_CSRF, r->path); /* SEC13 */
		web_error(r, 403, "送信されたフォームの有効期限が切れているか、正しくない送信です。"
		    "お手数ですが、ページを開き直してからもう一度送信してください。");
		return false;
	}
	return true;
}

static bool
web_authorize(req_t *r, int role)
{
	struct auth_ctx *a = r->auth;
	const char *kind;

	if (a == NULL || !a->signed_in) {
		if (r->method == M_GET || r->method == M_HEAD) {
			buf_t b = BUF_INIT;
			buf_puts(&b, "/login?next=");
			buf_append_urlenc(&b, r->path, strlen(r->path));
			http_redirect(r, b.oom ? "/login" : arena_strdup(&r->arena, b.data));
			buf_free(&b);
		} else {
			web_error(r, 403, "ログインしてからご利用ください。");
		}
		return false;
	}
	kind = a->account.kind;
	switch (role) {
	case ROLE_USER:
		return true;
	case ROLE_STAFF:
		if (strcmp(kind, "staff") == 0)
			return true;
		break;
	case ROLE_SEEKER:
		if (strcmp(kind, "seeker") == 0)
			return true;
		break;
	case ROLE_COMPANY:
		if (strcmp(kind, "company") == 0)
			return true;
		break;
	}
	web_error(r, 403, NULL);
	return false;
}

bool
web_can(req_t *r, int action, int kind, int64_t record_department)
{
	struct auth_ctx *a = r->auth;

	r->no_store = true; /* the back office is never cached */
	if (a != NULL && a->signed_in && policy_can(&a->account, (policy_action_t)action, (policy_record_t)kind,
	    record_department))
		return true;
	web_error(r, 403, "この操作を行う権限がありません。担当部署または権限をご確認ください。");
	return false;
}

const char *
web_csrf(req_t *r)
{
	struct auth_ctx *a = r->auth;
	char token[CSRF_TOKEN_LEN + 1];
	const char *binding;

	if (a == NULL)
		return "";
	if (a->signed_in) {
		binding = arena_printf(&r->arena, "s:%s", a->session.id);
	} else {
		if (a->pre_id == NULL) {
			unsigned char raw[24];
			char *id = arena_alloc(&r->arena, 33);
			if (id == NULL)
				return "";
			randombytes_buf(raw, sizeof(raw));
			sodium_bin2base64(id, 33, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
			a->pre_id = id;
			/* a session cookie (no Max-Age): it only protects forms */
			http_set_cookie(r, web_cookie_pre(r), id, -1, true);
		}
		binding = arena_printf(&r->arena, "a:%s", a->pre_id);
	}
	if (binding == NULL)
		return "";
	csrf_token(binding, token);
	return arena_strdup(&r->arena, token);
}

void
web_antispam(req_t *r, tv_t *ctx, const char *form)
{
	arena_t *A = &r->arena;
	tv_t *m = tv_map(A);
	char token[ANTISPAM_TOKEN_MAX];

	if (!antispam_challenge(token, sizeof(token), form, jtime_now())) {
		/* a form name the code got wrong; without a token the form still works, held for review */
		log_error("antispam: no challenge for form name %s", form);
		token[0] = '\0';
	}
	tv_set_str(A, m, "form", form);
	tv_set_str(A, m, "token", token);
	tv_set_str(A, m, "token_field", ANTISPAM_FIELD_TOKEN);
	tv_set_str(A, m, "solution_field", ANTISPAM_FIELD_SOLUTION);
	tv_set_str(A, m, "honeypot_field", ANTISPAM_FIELD_HONEYPOT);
	tv_set(A, ctx, "antispam", m);
	r->no_store = true;
}

bool
web_antispam_check(req_t *r, const char *form, antispam_verdict_t *v)
{
	antispam_input_t in = {
		form, http_form(r, ANTISPAM_FIELD_TOKEN), http_form(r, ANTISPAM_FIELD_SOLUTION),
		http_form(r, ANTISPAM_FIELD_HONEYPOT), r->ip,
	};
	db_t *db = db_thread();

	return db != NULL && antispam_check(db, &in, jtime_now(), v);
}

/* Content-Security-Policy when Google Analytics is on: its script and collection hosts, nothing else */
#define CSP_WITH_GA "default-src 'self'; script-src 'self' https://www.googletagmanager.com; style-src 'self'; " \
	"img-src 'self' data: https://*.google-analytics.com https://*.googletagmanager.com; font-src 'self'; " \
	"connect-src 'self' https://*.google-analytics.com https://*.analytics.google.com https://*.googletagmanager.com; " \
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
/* ... and on a page with a video, the two players it may load after a click (picture.c web_video) */
#define CSP_FRAMES "; frame-src https://www.youtube-nocookie.com https://player.vimeo.com"

static const char *const csps[2][2] = {
	{ NULL, HTTP_CSP_DEFAULT CSP_FRAMES },
	{ CSP_WITH_GA, CSP_WITH_GA CSP_FRAMES },
};

/* Google Analytics is on when the site settings (settings.h: the screen, else site.ini) hold a valid ID,
 * on public pages only: never on My Pages or the back office, whose addresses and visitors are personal. */
static bool
ga_on(const req_t *r)
{
	const char *id = settings_current()->v[SET_GA];

	if (str_has_prefix(r->path, "/staff") || str_has_prefix(r->path, "/mypage") || str_has_prefix(r->path, "/login"))
		return false;
	return id[0] != '\0' && settings_ga_valid(id);
}

/* The CSP of this page: the default one unless Google Analytics is on (NULL: the default). */
static const char *
site_csp(const req_t *r)
{
	return csps[ga_on(r)][0];
}

void
web_allow_video(req_t *r)
{
	r->csp = csps[ga_on(r)][1];
}

const char *
web_person_name(req_t *r, db_t *db, const account_t *acc)
{
	const char *name;

	if (acc->display_name[0] != '\0')
		return acc->display_name;
	if (db != NULL && strcmp(acc->kind, "seeker") == 0 && (name = rec_seeker_name(db, &r->arena, acc->id)) != NULL &&
	    name[0] != '\0')
		return name;
	return acc->login;
}

tv_t *
web_ctx(req_t *r, const char *title)
{
	arena_t *A = &r->arena;
	tv_t *ctx = tv_map(A), *site = tv_map(A);
	struct auth_ctx *a = r->auth;

	const site_settings_t *ss;

	/* the site settings screen's values over site.ini (content/settings.h), re-read when changed */
	settings_refresh(db_thread(), -1);
	ss = settings_current();
	tv_set_str(A, site, "name", ss->v[SET_NAME]);
	tv_set_str(A, site, "nickname", settings_site_nickname());
	tv_set_str(A, site, "short_name", config.site_short[0] ? config.site_short : settings_site_nickname());
	tv_set_str(A, site, "owner", config.site_owner);
	tv_set_str(A, site, "contact", config.site_contact);
	/* Google Analytics and Search Console only when set in the site settings, and the CSP only then */
	if ((r->csp = site_csp(r)) != NULL)
		tv_set_str(A, site, "ga_id", ss->v[SET_GA]);
	if (ss->v[SET_GSC][0] != '\0' && settings_gsc_valid(ss->v[SET_GSC]))
		tv_set_str(A, site, "search_console", ss->v[SET_GSC]);
	tv_set(A, ctx, "site", site);
	tv_set_str(A, ctx, "title", title);
	tv_set_str(A, ctx, "static_v", static_version());
	tv_set_str(A, ctx, "path", r->path);
	tv_set_int(A, ctx, "now", jtime_now());
	if (a != NULL && a->signed_in) {
		tv_t *u = tv_map(A);
		tv_set_str(A, u, "login", a->account.login);
		tv_set_str(A, u, "display_name", web_person_name(r, db_thread(), &a->account));
		tv_set_str(A, u, "kind", a->account.kind);
		tv_set_str(A, u, "kind_label", account_kind_label(a->account.kind));
		tv_set_str(A, u, "email", a->account.email);
		tv_set_str(A, u, "department", a->account.department_name);
		tv_set_int(A, u, "last_login_at", a->account.last_login_at);
		tv_set_int(A, u, "password_changed_at", a->account.password_changed_at);
		tv_set_bool(A, u, "staff", strcmp(a->account.kind, "staff") == 0);
		tv_set_bool(A, u, "seeker", strcmp(a->account.kind, "seeker") == 0);
		tv_set(A, ctx, "user", u);
		/* the header's logout button is a form */
		tv_set_str(A, ctx, "csrf", web_csrf(r));
		r->no_store = true;
	}
	return ctx;
}

void
web_cacheable(req_t *r)
{
	if (r->auth != NULL)
		r->auth->cacheable = true;
}

void
web_render(req_t *r, const char *name, tv_t *ctx)
{
	bool ok;

	buf_clear(&r->out);
	pthread_rwlock_rdlock(&tmpl_lock);
	ok = tmpl_render(templates, name, ctx, catalogs, "ja", &r->out);
	pthread_rwlock_unlock(&tmpl_lock);
	if (!ok) {
		log_error("render: template %s failed", name);
		buf_clear(&r->out);
		http_text(r, 500, "500 サーバーエラーが発生しました。\n");
		return;
	}
	if (r->status == 0)
		r->status = 200;
	r->content_type = "text/html; charset=utf-8";
	if (r->status == 200)
		web_count_view(r);
	/* a no-store page (a form with a one-time challenge, anything personal) is never shared either */
	if (r->auth != NULL && r->auth->cacheable && r->auth->cache_ok && !r->auth->signed_in && r->status == 200 &&
	    r->ncookies_out == 0 && !r->no_store)
		pagecache_store(r, r->auth->cache_seq, jtime_now());
}

/* Page views (issue 7 item 6; B03, G71, G72): a 200 GET of a public HTML page, not from a crawler; the
 * path filter and the counting are stats.h's. Nothing about the visitor is kept. */
static void
web_count_view(req_t *r)
{
	if (r->method != M_GET || stats_is_bot(http_header(r, "User-Agent"), config.stats_count_headless))
		return;
	stats_count(r->path, jtime_now());
}

static const struct {
	unsigned    status;
	const char *title;
	const char *message;
} errors[] = {
	{ 400, "リクエストが正しくありません", "送信された内容を読み取れませんでした。入力内容をご確認のうえ、もう一度お試しください。" },
	{ 403, "アクセスできません", "このページを表示する権限がありません。" },
	{ 404, "ページが見つかりません", "お探しのページは移動または削除されたか、URLが間違っている可能性があります。" },
	{ 405, "この操作はできません", "このページではその操作を受け付けていません。" },
	{ 413, "送信された内容が大きすぎます", "送信できるデータの大きさを超えています。添付ファイルなどを小さくしてからお試しください。" },
	{ 414, "URLが長すぎます", "URLが長すぎるため処理できません。" },
	{ 429, "アクセスが集中しています", "しばらく時間をおいてから、もう一度お試しください。" },
	{ 500, "サーバーエラーが発生しました", "申し訳ありません。処理中にエラーが発生しました。時間をおいてもう一度お試しください。" },
};

void
web_error(req_t *r, unsigned status, const char *message)
{
	size_t i;
	const char *title = "エラーが発生しました";
	const char *msg = message;
	tv_t *ctx;
	char code[8];

	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		if (errors[i].status == status) {
			title = errors[i].title;
			if (msg == NULL)
				msg = errors[i].message;
		}
	}
	if (msg == NULL)
		msg = "";
	/* drop anything the handler wrote; keep headers such as Allow */
	r->ncookies_out = 0;
	r->status = status;
	r->static_body = NULL;
	ctx = web_ctx(r, title);
	snprintf(code, sizeof(code), "%u", status);
	tv_set_str(&r->arena, ctx, "status", code);
	tv_set_str(&r->arena, ctx, "message", msg);
	tv_set_bool(&r->arena, ctx, "not_found", status == 404);
	web_render(r, "error", ctx);
	r->status = status; /* web_render keeps it, but a failed render must not turn it into 200 */
}

/* ---- IP address access restriction (G54, ipacl.h) ---- */

/* A fixed page: no template, no style sheet (which may be refused too), nothing about the rules. */
static const char ip_denied_page[] =
    "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>アクセスできません</title>\n</head>\n<body>\n<main>\n<h1>アクセスできません</h1>\n"
    "<p>お使いのネットワークからは、このページをご利用いただけません。</p>\n</main>\n</body>\n</html>\n";

void
web_ip_denied(req_t *r)
{
	r->status = 403;
	r->content_type = "text/html; charset=utf-8";
	r->no_store = true;
	r->ncookies_out = 0;
	r->static_body = (const unsigned char *)ip_denied_page;
	r->static_len = sizeof(ip_denied_page) - 1;
}

bool
web_ip_allowed(req_t *r, ipacl_area_t area)
{
	return ipacl_cache_allows(db_thread(), area, r->ip, jtime_now());
}

static bool
web_admit(req_t *r)
{
	if (web_ip_allowed(r, ipacl_area_of(r->path)))
		return true;
	web_security_event(r, ALERT_IPBLOCK, r->path); /* SEC13 */
	web_ip_denied(r);
	return false;
}
