/* web.h - what every page shares: the signed-in account, CSRF, page rendering, error pages, roles. */
#ifndef TSUNAGU_WEB_H
#define TSUNAGU_WEB_H

#include "auth/account.h"
#include "auth/antispam.h"
#include "auth/session.h"
#include "http/http.h"
#include "view/tmpl.h"

#include <stdbool.h>

enum role {
	ROLE_ANY = 0,
	ROLE_USER,     /* any signed-in account */
	ROLE_STAFF,
	ROLE_SEEKER,
	ROLE_COMPANY,
};

struct auth_ctx {
	bool       signed_in;
	account_t  account;
	session_t  session;
	const char *pre_id;   /* pre-login cookie value (CSRF binding before login) */
	bool       cache_ok;  /* a visitor the public page cache may serve (pagecache.h) */
	int64_t    cache_seq; /* search_log sequence read before rendering */
	bool       cacheable; /* set by a handler: this page is the same for every such visitor */
};

/* Loads templates, translations and static files from config.root; false with a message on failure. */
bool        web_init(char *err, size_t errlen);
void        web_free(void);
extern const router_t web_router;

/* A new template context holding site, user, csrf token, static version. */
tv_t       *web_ctx(req_t *r, const char *title);
/* How to address an account: its display name; for a job seeker (whose name is sealed, SEC06, and not
 * copied into display_name) the opened name; else the login ID. In r's arena. */
const char *web_person_name(req_t *r, db_t *db, const account_t *acc);
/* Renders template name with ctx as the response (status 200 unless r->status is set). */
void        web_render(req_t *r, const char *name, tv_t *ctx);
/* Marks the page being rendered as one the public page cache may keep (pagecache.h). */
void        web_cacheable(req_t *r);
/* Japanese error page. message NULL: the standard one for the status. */
void        web_error(req_t *r, unsigned status, const char *message);
/* The CSRF token for this request's forms (sets the pre-login cookie when needed). */
const char *web_csrf(req_t *r);
/* Spam protection of a public form (auth/antispam.h). web_antispam puts a fresh challenge for form into
 * ctx as "antispam", which templates/partials/antispam.html writes into the form; the page is then
 * no-store and never kept by the page cache, since a challenge is good for one submission. */
void        web_antispam(req_t *r, tv_t *ctx, const char *form);
/* Judges the submitted anti-spam fields of form from this request and its address; false on a
 * database error (answer 500). */
bool        web_antispam_check(req_t *r, const char *form, antispam_verdict_t *v);
/* Cookie names (with the __Host- prefix under TLS). */
const char *web_cookie_session(req_t *r);
const char *web_cookie_pre(req_t *r);
/* A local redirect target from user input: "/..." only, else fallback. */
const char *web_safe_next(const char *next, const char *fallback);

/* page handlers (pages.c) */
void page_home(req_t *r);
void page_login(req_t *r);
void page_login_post(req_t *r);
void page_logout_post(req_t *r);
void page_mypage(req_t *r);
void page_password(req_t *r);
void page_password_post(req_t *r);
void page_health(req_t *r);

/* images (picture.c): /media/<key>-<width>.<fmt>, and a <picture> value for templates/partials/picture.html
 * from an image field's value (NULL when it names no stored image) */
void  page_media(req_t *r);
/* This page may embed a video player once the visitor asks for it (widens the CSP's frame-src). */
void  web_allow_video(req_t *r);
struct db;
tv_t *web_picture(req_t *r, struct db *db, const char *ref, const char *alt, const char *sizes);

/* search engines (seo.c): an absolute URL of this site for path (config base_url) */
const char *web_abs(req_t *r, const char *path);
void page_robots(req_t *r);
void page_sitemap_index(req_t *r);
void page_sitemap(req_t *r);

/* public list and detail pages (listing.c) */
bool listing_init(char *err, size_t errlen);
void listing_free(void);
void page_jobs(req_t *r);
void page_companies(req_t *r);
void page_internships(req_t *r);
void page_job(req_t *r);
void page_company(req_t *r);
void page_internship(req_t *r);
void page_news_list(req_t *r);
void page_news_item(req_t *r);
void page_events(req_t *r);
void page_event(req_t *r);
void page_projects(req_t *r);
void page_project(req_t *r);
void page_tips_list(req_t *r);
void page_tips_item(req_t *r);
void page_columns(req_t *r);
void page_column(req_t *r);
void page_fixed(req_t *r);

/* mail consultation (consult_pages.c; issue 5 items 4 and 8): the seeker's pages, the staff's pages, and
 * the My Page section (puts "consult" into ctx) */
void page_consult_list(req_t *r);
void page_consult_new(req_t *r);
void page_consult_new_post(req_t *r);
void page_consult_view(req_t *r);
void page_consult_reply_post(req_t *r);
void page_staff_consult_list(req_t *r);
void page_staff_consult_view(req_t *r);
void page_staff_consult_reply_post(req_t *r);
void page_staff_consult_status_post(req_t *r);
void consult_mypage(req_t *r, tv_t *ctx);
/* staff back office: roles, the department rule, staff and member accounts (staff.c, members.c; issue 6).
 * web_can asks policy_can (auth/policy.h) for the signed-in account and, when the answer is no, answers
 * 403 with a Japanese page: `if (!web_can(r, POLICY_UPDATE, POLICY_JOB, job_department)) return;` */
bool web_can(req_t *r, int action, int kind, int64_t record_department);
void page_staff_home(req_t *r);
void page_staff_accounts(req_t *r);
void page_staff_account_new(req_t *r);
void page_staff_account_new_post(req_t *r);
void page_staff_account(req_t *r);
void page_staff_account_post(req_t *r);
void page_staff_account_status_post(req_t *r);
void page_staff_departments(req_t *r);
void page_staff_departments_post(req_t *r);
void page_staff_department_post(req_t *r);
void page_staff_department_retire_post(req_t *r);
void page_staff_members(req_t *r);
void page_staff_member(req_t *r);
void page_staff_member_status_post(req_t *r);
void page_staff_member_release_post(req_t *r);
/* event sessions and applications (events.c; issue 5 items 4 and 6, G12, G41, B06) */
struct db;
/* Puts an event's sessions (seats left, the viewer's own state, apply buttons) into ctx; false on error. */
bool events_page_ctx(req_t *r, struct db *db, int64_t entity_id, tv_t *ctx);
void page_event_apply_post(req_t *r);
void page_mypage_events(req_t *r);
void page_mypage_event_cancel_post(req_t *r);
void page_mypage_event_ics(req_t *r);
/* member registration, password reset by mail, the job seeker's profile (register.c; issue 5 items 3, 4, 7) */
void register_free(void);
void page_register_seeker(req_t *r);
void page_register_seeker_post(req_t *r);
void page_register_company(req_t *r);
void page_register_company_post(req_t *r);
void page_register_sent(req_t *r);
void page_register_confirm(req_t *r);
void page_register_confirm_post(req_t *r);
void page_password_forgot(req_t *r);
void page_password_forgot_post(req_t *r);
void page_password_reset(req_t *r);
void page_password_reset_post(req_t *r);
void page_profile(req_t *r);
void page_profile_post(req_t *r);
/* company My Page, renewal and staff approvals (company_page.c; issue 5 items 5 and 7, G22-G25) */
void company_mypage_section(req_t *r, tv_t *ctx); /* the company's part of My Page (staff: the link to approvals) */
void company_pages_free(void);
void page_company_edit(req_t *r);
void page_company_edit_post(req_t *r);
void page_company_renew_post(req_t *r);
void page_staff_approvals(req_t *r);
void page_staff_approval_post(req_t *r);
/* staff two-factor sign-in (twofactor.c; issue 6 item 6, B05) */
const char *web_cookie_2fa(req_t *r);
/* After a right password: true when the account must give a TOTP code first (the answer is then sent). */
bool twofactor_login_step(req_t *r, const account_t *acc, const char *next);
/* True when the signed-in staff member's role needs 2FA that is not active yet (web_before redirects). */
bool twofactor_enrolment_due(req_t *r);
void page_login_2fa(req_t *r);
void page_login_2fa_post(req_t *r);
void page_mypage_2fa(req_t *r);
void page_mypage_2fa_post(req_t *r);
void page_staff_account_2fa_reset_post(req_t *r);

/* IP address access restriction (G54; http/ipacl.h, ipacl_page.c) */
#include "http/ipacl.h"
/* Whether this request's client address may reach area (cached rules). */
bool web_ip_allowed(req_t *r, ipacl_area_t area);
/* The short 403 page for a refused address (says nothing about the rules). */
void web_ip_denied(req_t *r);
void page_ip_rules(req_t *r);
void page_ip_rules_post(req_t *r);
/* The save behind the screen and `tsunagu ip-rules set`: lists whose text is not NULL are stored, after
 * one audit entry naming each list's old and new entries; false on a database or audit failure. */
bool ip_rules_save(struct db *db, const char *const texts[IPACL_NAREAS], const ipacl_list_t *parsed,
    int64_t actor_id, const char *actor, const char *ip, int64_t now);
/* The refusal when saving rules for area would shut current_ip out (ipacl_would_lock_out), in msg;
 * NULL when it would not. */
const char *ip_rules_lockout_message(const ipacl_list_t *rules, ipacl_area_t area, const char *current_ip,
    char *msg, size_t n);

/* audit viewer (audit_pages.c; issue 6 item 7, SEC07/SEC12/B08): administrators only */
void page_staff_audit(req_t *r);
void page_staff_audit_csv(req_t *r);
/* 求職者管理 (seekers.c; issue 7 items 3 and 7; G66, SEC06, SEC09) */
void page_staff_seekers(req_t *r);
void page_staff_seeker(req_t *r);
void page_staff_seeker_edit(req_t *r);
void page_staff_seeker_edit_post(req_t *r);
void page_staff_seeker_new(req_t *r);
void page_staff_seeker_new_post(req_t *r);
void page_staff_seeker_record_add_post(req_t *r);
void page_staff_seeker_record(req_t *r);
void page_staff_seeker_record_post(req_t *r);
void page_staff_seeker_interaction_post(req_t *r);
void page_staff_seeker_referral_post(req_t *r);
void page_staff_seeker_outcome_post(req_t *r);
void page_staff_seeker_print(req_t *r);
void page_staff_seeker_export(req_t *r);
void page_staff_seeker_erase(req_t *r);
void page_staff_seeker_erase_post(req_t *r);
/* The Japanese label of an audit action code ("login.success" → ログイン成功), NULL when unknown. */
const char *audit_action_label(const char *code);

/* job sheet (jobsheet.c; issue 7 item 2, G65, B01): 求人票印刷, staff only, audited */
void page_staff_job_sheet(req_t *r);
/* company and offer records (records_pages.c; issue 7 items 1 and 2, G60-G65): 企業管理, 求人管理,
 * インターンシップ管理 — search lists, record pages, contacts, interaction history, 対応状況 */
void page_staff_records_companies(req_t *r);
void page_staff_records_jobs(req_t *r);
void page_staff_records_internships(req_t *r);
void page_staff_record(req_t *r);
void page_staff_contact_add_post(req_t *r);
void page_staff_contact(req_t *r);
void page_staff_contact_post(req_t *r);
void page_staff_contact_delete_post(req_t *r);
void page_staff_interaction_add_post(req_t *r);
void page_staff_interaction(req_t *r);
void page_staff_interaction_post(req_t *r);
void page_staff_offer_status_post(req_t *r);
/* From listing.c, for other pages: the site's schema and a field's value as display text (terms as names
 * joined with 、, booleans as あり/なし), NULL when empty. */
struct json_t;
struct schema;
struct schema_field;
const struct schema *listing_schema(void);
tv_t *listing_field_text(req_t *r, struct db *db, int64_t id, const struct schema_field *f, struct json_t *fields);
/* マスタ管理 (master_pages.c, app/master.h; issue 6 item 3, G52, G53): staff view, administrators write */
void page_staff_masters(req_t *r);
void page_staff_master(req_t *r);
void page_staff_master_add_post(req_t *r);
void page_staff_master_term(req_t *r);
void page_staff_master_term_post(req_t *r);
void page_staff_master_move_post(req_t *r);
void page_staff_master_retire_post(req_t *r);
void page_staff_master_restore_post(req_t *r);
void page_staff_master_delete_post(req_t *r);
void page_staff_master_logo_post(req_t *r);
/* staff content editor (cms_pages.c; issue 6 item 5, G05, G40-G44, G80) */
void cms_pages_free(void);
void page_staff_content_types(req_t *r);
void page_staff_content_list(req_t *r);
void page_staff_content_new(req_t *r);
void page_staff_content_new_post(req_t *r);
void page_staff_content_edit(req_t *r);
void page_staff_content_edit_post(req_t *r);
void page_staff_content_revisions(req_t *r);
void page_staff_content_diff(req_t *r);
void page_staff_content_restore_post(req_t *r);
void page_staff_content_delete(req_t *r);
void page_staff_content_delete_post(req_t *r);
void page_staff_content_preview(req_t *r);
void page_staff_preview_markdown(req_t *r);
/* The public detail page of entity id of type, whatever its status, with the 「プレビュー（未公開）」 banner,
 * noindex and no-store (listing.c); the caller has checked that the viewer is staff. */
void listing_preview(req_t *r, const char *type, int64_t id);

/* site settings and intrusion signals (settings_page.c; issue 6 items 5 and 8, G01/G45/G86/SEC13):
 * administrators only (POLICY_SETTINGS) */
void page_staff_settings(req_t *r);
void page_staff_settings_post(req_t *r);
void page_staff_security(req_t *r);
void page_staff_security_ack_post(req_t *r);
/* Records one security event of kind (auth/alerts.h alert_kind_t) from this request's address; cheap,
 * never fails the request (a database error is logged). */
void web_security_event(req_t *r, int kind, const char *detail);
/* The open alerts for the staff dashboard (administrators only) into ctx as "security_alerts". */
void security_alerts_section(req_t *r, tv_t *ctx);
/* media library (medialib_pages.c; issue 6 item 5, G05, G40-G44, G80): /staff/media, its JSON for the
 * editor's image picker (static/js/media-picker.js), an image's page, alt text, deletion when unused */
void medialib_pages_free(void);
void page_staff_media(req_t *r);
void page_staff_media_post(req_t *r);
void page_staff_media_json(req_t *r);
void page_staff_media_item(req_t *r);
void page_staff_media_item_post(req_t *r);
void page_staff_media_delete_post(req_t *r);

/* CSV in and out (csvio.c, csvio_export.c; issue 7 item 4, G67) */
void page_staff_import(req_t *r);
void page_staff_import_post(req_t *r);
void page_staff_import_template(req_t *r);
void page_staff_export(req_t *r);
/* Answers with the CSV of these records of type t, streamed (app/export.h), after the content.export audit
 * entry (the request's query string as the filter); the caller has checked POLICY_EXPORT. */
struct schema_type;
void web_export_csv(req_t *r, struct db *db, const struct schema_type *t, const int64_t *ids, size_t n);
/* statistics (stats_pages.c; issue 7 item 6, G70-G72, B03): every staff role views, CSV for export roles */
void page_staff_stats(req_t *r);
void page_staff_stats_report(req_t *r);

/* 一斉メール (bulkmail_pages.c, mail/bulk.h; issue 7 item 5, G55, G56, SEC08) */
void page_staff_bulkmail(req_t *r);
void page_staff_bulkmail_new(req_t *r);
void page_staff_bulkmail_new_post(req_t *r);
void page_staff_bulkmail_view(req_t *r);
void page_unsubscribe(req_t *r);
void page_unsubscribe_post(req_t *r);
/* 開催日程と申込者 (event_staff.c; G12, G41, G62, SEC06/SEC07): an event's sessions for staff, adding one,
 * the applicants of a session (audited, no-store) and their CSV */
void page_staff_event(req_t *r);
void page_staff_event_session_post(req_t *r);
void page_staff_event_applicants(req_t *r);
void page_staff_event_applicants_csv(req_t *r);

#endif
