/* test_mail.c - the outbox and mail delivery (issue 5 item 1, SEC04, SEC08): header injection refused,
 * limits, RFC 2047 subjects, base64 bodies, an .ics attachment, back-off, leases, [mail] settings, and
 * delivery to a real SMTP server (tests/tools/smtp_sink.py, Debian's python3-aiosmtpd) on loopback,
 * stopped and restarted without losing a message. */
#include "testutil.h"
#include "dbtest.h"

#include "core/buf.h"
#include "core/config.h"
#include "core/log.h"
#include "core/str.h"
#include "mail/mail.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define T0 1790000000 /* a fixed "now" */
#define SINK "tests/tools/smtp_sink.py"
#define FROM "noreply@example.jp"
#define ICS "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tsunagu//test//JA\r\nMETHOD:PUBLISH\r\n" \
	"BEGIN:VEVENT\r\nUID:1@example.jp\r\nDTSTART:20261201T010000Z\r\nSUMMARY:合同企業説明会\r\n" \
	"END:VEVENT\r\nEND:VCALENDAR\r\n"
#define ICS_MIME "text/calendar; method=PUBLISH; charset=UTF-8"

static const char long_subject[] =
    "【群馬県就職支援サイト】合同企業説明会（前橋会場）のお申し込みを受け付けました。当日は受付で"
    "このメールをご提示ください。🎌 会場：群馬県庁 昭和庁舎 ABC-123 / 持ち物：筆記用具、履歴書";

static int
setup(void **state)
{
	db_t *db = dbtest_open();

	log_set_quiet(true);
	*state = db;
	return db == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	dbtest_close(*state);
	return 0;
}

static void
mail_config(config_t *c, const char *url)
{
	config_defaults(c);
	str_copy(c->mail_smtp_url, sizeof(c->mail_smtp_url), url);
	str_copy(c->mail_from, sizeof(c->mail_from), FROM);
	str_copy(c->mail_from_name, sizeof(c->mail_from_name), "群馬県 就職支援サイト");
}

static mail_msg_t
msg(const char *to, const char *subject, const char *body)
{
	return (mail_msg_t){ "notice", to, subject, body, NULL, NULL, NULL, 0, NULL };
}

static int64_t
row_i64(db_t *db, const char *sql, int64_t id)
{
	db_stmt_t *st = db_prepare(db, sql);
	int64_t v = -1;

	assert_non_null(st);
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW)
		v = db_col_i64(st, 0);
	db_done(st);
	return v;
}

static char *
row_text(db_t *db, const char *sql, int64_t id)
{
	db_stmt_t *st = db_prepare(db, sql);
	char *v = NULL;

	assert_non_null(st);
	db_bind_i64(st, 1, id);
	if (db_step(st) == DB_ROW && !db_col_null(st, 0))
		v = strdup(db_col_text(st, 0));
	db_done(st);
	return v;
}

static void
assert_status(db_t *db, int64_t id, const char *want)
{
	char *s = row_text(db, "SELECT status FROM outbox WHERE id = ?", id);

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

/* ---- reading messages back ---- */

static void
b64dec(const char *s, size_t n, buf_t *out)
{
	size_t cap = n, len = 0;
	unsigned char *p = malloc(cap + 1);

	assert_non_null(p);
	assert_int_equal(sodium_base642bin(p, cap, s, n, "\r\n", &len, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	buf_append(out, p, len);
	free(p);
}

/* The value of header name in the header block of m (up to the first empty line), unfolded. */
static bool
header(const char *m, const char *name, buf_t *out)
{
	const char *end = strstr(m, "\r\n\r\n"), *p = m;
	size_t n = strlen(name);

	assert_non_null(end);
	while (p < end) {
		const char *eol = strstr(p, "\r\n");
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			for (;;) {
				buf_append(out, p, (size_t)(eol - p));
				if (eol[2] != ' ' && eol[2] != '\t')
					return true;
				p = eol + 2; /* unfolding removes only the CRLF */
				eol = strstr(p, "\r\n");
			}
		}
		p = eol + 2;
	}
	return false;
}

/* RFC 2047 decoding of "=?UTF-8?B?...?=" words (whitespace between two words dropped, elsewhere kept);
 * each word must be at most 75 characters and decode to whole UTF-8 characters on its own. */
static void
decode_words(const char *v, buf_t *out, int *nwords)
{
	const char *p = v;
	bool after_word = false;

	*nwords = 0;
	while (*p != '\0') {
		const char *q;
		buf_t w = BUF_INIT;
		if (*p == ' ' && after_word) {
			for (q = p; *q == ' '; q++)
				;
			if (strncmp(q, "=?UTF-8?B?", 10) == 0) {
				p = q;
				continue;
			}
		}
		if (strncmp(p, "=?UTF-8?B?", 10) != 0) {
			buf_putc(out, *p++);
			after_word = false;
			continue;
		}
		q = strstr(p + 10, "?=");
		assert_non_null(q);
		assert_true(q + 2 - p <= 75);
		b64dec(p + 10, (size_t)(q - p - 10), &w);
		assert_true(str_utf8_valid(w.data, w.len, false));
		buf_append(out, w.data, w.len);
		buf_free(&w);
		(*nwords)++;
		after_word = true;
		p = q + 2;
	}
}

/* Every line ends in CRLF and is at most max characters long. */
static void
assert_lines(const char *m, size_t len, size_t max)
{
	size_t i, col = 0;

	for (i = 0; i < len; i++) {
		if (m[i] == '\r') {
			assert_true(i + 1 < len && m[i + 1] == '\n');
			i++;
			col = 0;
			continue;
		}
		assert_true(m[i] != '\n');
		col++;
		if (col > max)
			print_error("line too long at byte %zu\n", i);
		assert_true(col <= max);
	}
}

static void
crlf(const char *s, buf_t *out)
{
	for (; *s != '\0'; s++) {
		if (*s == '\r' || *s == '\n') {
			buf_puts(out, "\r\n");
			if (*s == '\r' && s[1] == '\n')
				s++;
		} else
			buf_putc(out, *s);
	}
}

/* The decoded content of a base64 part (headers, empty line, base64 lines) ending at end. */
static void
part_body(const char *part, const char *end, buf_t *out)
{
	const char *b = strstr(part, "\r\n\r\n");

	assert_non_null(b);
	assert_true(b < end);
	b64dec(b + 4, (size_t)(end - b - 4), out);
}

/* The parts of a multipart message: *text and *att point at the part headers, their ends in the ends. */
static void
split_parts(const char *m, const char **text, const char **text_end, const char **att, const char **att_end)
{
	buf_t ct = BUF_INIT, delim = BUF_INIT;
	const char *b, *p;

	assert_true(header(m, "Content-Type", &ct));
	assert_true(str_has_prefix(ct.data, "multipart/mixed; boundary=\""));
	b = ct.data + strlen("multipart/mixed; boundary=\"");
	buf_puts(&delim, "\r\n--");
	buf_append(&delim, b, strlen(b) - 1);
	p = strstr(m, "\r\n\r\n") + 2; /* the empty line counts as the first delimiter's CRLF */
	p = strstr(p, delim.data);
	assert_non_null(p);
	*text = p + delim.len + 2;
	*text_end = strstr(*text, delim.data);
	assert_non_null(*text_end);
	*att = *text_end + delim.len + 2;
	*att_end = strstr(*att, delim.data);
	assert_non_null(*att_end);
	assert_memory_equal(*att_end + delim.len, "--\r\n", 4);
	buf_free(&ct);
	buf_free(&delim);
}

static void
build(const mail_msg_t *m, buf_t *out)
{
	char err[256] = "", id[MAIL_MSGID_MAX];
	mail_head_t h = { FROM, "群馬県 就職支援サイト", id, T0 };

	assert_true(mail_message_id(id, sizeof(id), FROM));
	if (!mail_build(out, m, &h, err, sizeof(err)))
		fail_msg("mail_build: %s", err);
	assert_lines(out->data, out->len, 78);
}

/* ---- checks ---- */

static void
assert_refused(db_t *db, mail_msg_t m)
{
	char err[256] = "";
	int64_t id = 0;

	assert_false(mail_check(&m, err, sizeof(err)));
	assert_true(strlen(err) > 0);
	err[0] = '\0';
	assert_false(mail_enqueue(db, &m, T0, &id, err, sizeof(err)));
	assert_true(strlen(err) > 0);
}

static void
test_header_injection_refused(void **state)
{
	db_t *db = *state;
	mail_msg_t m = msg("a@example.jp", "件名", "本文");
	char err[256] = "";

	assert_true(mail_check(&m, err, sizeof(err)));
	/* SEC04 / IPA 8: CR, LF and other controls in anything that reaches a header */
	assert_refused(db, msg("a@example.jp\r\nBcc: b@example.jp", "件名", "本文"));
	assert_refused(db, msg("a@example.jp\nBcc: b@example.jp", "件名", "本文"));
	assert_refused(db, msg("a@example.jp, b@example.jp", "件名", "本文"));
	assert_refused(db, msg("<a@example.jp>", "件名", "本文"));
	assert_refused(db, msg("a b@example.jp", "件名", "本文"));
	assert_refused(db, msg("a@example.jp", "お知らせ\r\nBcc: x@example.jp", "本文"));
	assert_refused(db, msg("a@example.jp", "お知らせ\nBcc: x@example.jp", "本文"));
	assert_refused(db, msg("a@example.jp", "お知らせ\rBcc: x@example.jp", "本文"));
	assert_refused(db, msg("a@example.jp", "tab\there", "本文"));
	assert_refused(db, msg("a@example.jp", "bell\a", "本文"));
	assert_refused(db, msg("a@example.jp", "del\x7f", "本文"));
	assert_refused(db, msg("a@example.jp", "c1 \xc2\x85 next line", "本文"));
	assert_refused(db, msg("a@example.jp", "", "本文"));
	/* an attachment name or type with a line break */
	m = msg("a@example.jp", "件名", "本文");
	m.att_name = "event.ics\r\nBcc: x@example.jp";
	m.att_mime = ICS_MIME;
	m.att_data = ICS;
	m.att_len = strlen(ICS);
	assert_refused(db, m);
	m.att_name = "event.ics";
	m.att_mime = "text/calendar\r\nBcc: x@example.jp";
	assert_refused(db, m);
	m.att_mime = "text/calendar; name=\"x\"";
	assert_refused(db, m);
	m.att_mime = "text/calendar; method=PUBLISH;";
	assert_refused(db, m);
	/* a List-Unsubscribe address (bulk mail, RFC 8058): http(s), one printable token, nothing that could
	 * end the header line or the <...> around it */
	m = msg("a@example.jp", "件名", "本文");
	m.unsubscribe = "https://shushoku.example.jp/unsubscribe?t=1.abc\r\nBcc: x@example.jp";
	assert_refused(db, m);
	m.unsubscribe = "https://shushoku.example.jp/unsubscribe?t=1.abc>, <mailto:x@example.jp";
	assert_refused(db, m);
	m.unsubscribe = "javascript:alert(1)";
	assert_refused(db, m);
	m.unsubscribe = "https://shushoku.example.jp/配信停止";
	assert_refused(db, m);
	m.unsubscribe = "";
	assert_refused(db, m);
	m.unsubscribe = "https://shushoku.example.jp/unsubscribe?t=1.abc";
	assert_true(mail_check(&m, err, sizeof(err)));
	/* the kind tag goes into logs: a short [a-z_] word */
	m = msg("a@example.jp", "件名", "本文");
	m.kind = "Notice\n";
	assert_refused(db, m);
	m.kind = NULL;
	assert_refused(db, m);
	/* nothing was queued */
	assert_int_equal(mail_count(db, "queued"), 0);
}

static void
test_limits_and_utf8(void **state)
{
	db_t *db = *state;
	char err[256];
	buf_t s = BUF_INIT, b = BUF_INIT, a = BUF_INIT;
	mail_msg_t m;
	int i;

	for (i = 0; i < MAIL_SUBJECT_MAX; i++)
		buf_puts(&s, "あ");
	m = msg("a@example.jp", s.data, "本文");
	assert_true(mail_check(&m, err, sizeof(err)));
	buf_puts(&s, "x");
	assert_refused(db, msg("a@example.jp", s.data, "本文"));

	for (i = 0; i < MAIL_BODY_MAX; i++)
		buf_putc(&b, i % 80 == 79 ? '\n' : 'a');
	m = msg("a@example.jp", "件名", b.data);
	assert_true(mail_check(&m, err, sizeof(err)));
	buf_putc(&b, 'a');
	assert_refused(db, msg("a@example.jp", "件名", b.data));

	/* UTF-8 only: a lone byte, a cut sequence, an overlong form, a surrogate; NUL and C0 controls */
	assert_refused(db, msg("a@example.jp", "件名", "caf\xe9"));
	assert_refused(db, msg("a@example.jp", "件名", "\xe3\x81"));
	assert_refused(db, msg("a@example.jp", "件名", "\xc0\xaf"));
	assert_refused(db, msg("a@example.jp", "件名", "\xed\xa0\x80"));
	assert_refused(db, msg("a@example.jp", "件名", "esc \x1b[31m"));
	assert_refused(db, msg("a@example.jp", "\xe3\x81", "本文"));
	/* a body may have any line ends and tabs */
	m = msg("a@example.jp", "件名", "一行目\r\n二行目\n三行目\r\tタブ");
	assert_true(mail_check(&m, err, sizeof(err)));

	for (i = 0; i < MAIL_ATT_MAX; i++)
		buf_putc(&a, 'x');
	m = msg("a@example.jp", "件名", "本文");
	m.att_name = "event.ics";
	m.att_mime = ICS_MIME;
	m.att_data = a.data;
	m.att_len = a.len;
	assert_true(mail_check(&m, err, sizeof(err)));
	m.att_len = a.len + 1;
	assert_refused(db, m);
	m.att_len = 0;
	assert_refused(db, m);
	assert_int_equal(mail_count(db, "queued"), 0);
	buf_free(&s);
	buf_free(&b);
	buf_free(&a);
}

/* ---- composition ---- */

static void
test_subject_rfc2047(void **state)
{
	mail_msg_t m = msg("a@example.jp", long_subject, "本文");
	buf_t out = BUF_INIT, subj = BUF_INIT, dec = BUF_INIT, from = BUF_INIT, id = BUF_INIT;
	int nwords;

	(void)state;
	build(&m, &out);
	assert_true(header(out.data, "Subject", &subj));
	assert_null(strchr(subj.data, '\r'));
	decode_words(subj.data, &dec, &nwords);
	assert_true(nwords > 3); /* long enough to need several words */
	assert_string_equal(dec.data, long_subject);

	/* the display name is encoded the same way; the address stays plain in angle brackets */
	assert_true(header(out.data, "From", &from));
	buf_clear(&dec);
	decode_words(from.data, &dec, &nwords);
	assert_string_equal(dec.data, "群馬県 就職支援サイト <" FROM ">");
	assert_true(header(out.data, "Message-ID", &id));
	assert_true(str_has_prefix(id.data, "<"));
	assert_non_null(strstr(id.data, "@example.jp>"));
	assert_non_null(strstr(out.data, "\r\nTo: a@example.jp\r\n"));
	assert_true(str_has_prefix(out.data, "Date: Mon, 21 Sep 2026 23:13:20 +0900\r\n"));
	assert_non_null(strstr(out.data, "+0900\r\n"));
	assert_non_null(strstr(out.data, "\r\nMIME-Version: 1.0\r\n"));
	/* nothing but the one recipient: SEC08 */
	assert_null(strstr(out.data, "\r\nCc:"));
	assert_null(strstr(out.data, "\r\nBcc:"));

	/* a short ASCII subject stays readable; one that looks like an encoded-word does not */
	buf_clear(&out);
	buf_clear(&subj);
	m.subject = "Your application";
	build(&m, &out);
	assert_true(header(out.data, "Subject", &subj));
	assert_string_equal(subj.data, "Your application");
	buf_clear(&out);
	buf_clear(&subj);
	buf_clear(&dec);
	m.subject = "=?UTF-8?B?5YGH?=";
	build(&m, &out);
	assert_true(header(out.data, "Subject", &subj));
	decode_words(subj.data, &dec, &nwords);
	assert_string_equal(dec.data, "=?UTF-8?B?5YGH?=");
	buf_free(&out);
	buf_free(&subj);
	buf_free(&dec);
	buf_free(&from);
	buf_free(&id);
}

/* Every subject length from 1 to 80 characters of 1-, 2-, 3- and 4-byte characters round-trips, in words
 * of at most 75 characters that never split a character. */
static void
test_subject_boundaries(void **state)
{
	static const char *chars[] = { "a", "é", "あ", "😀" };
	buf_t s = BUF_INIT, out = BUF_INIT, subj = BUF_INIT, dec = BUF_INIT;
	size_t c;
	int i, nwords;

	(void)state;
	for (c = 0; c < sizeof(chars) / sizeof(chars[0]); c++) {
		buf_clear(&s);
		for (i = 1; i <= 80; i++) {
			mail_msg_t m;
			buf_puts(&s, chars[(c + (size_t)i / 7) % 4]);
			m = msg("a@example.jp", s.data, "x");
			buf_clear(&out);
			buf_clear(&subj);
			buf_clear(&dec);
			build(&m, &out);
			assert_true(header(out.data, "Subject", &subj));
			decode_words(subj.data, &dec, &nwords);
			assert_string_equal(dec.data, s.data);
		}
	}
	buf_free(&s);
	buf_free(&out);
	buf_free(&subj);
	buf_free(&dec);
}

static void
test_body_base64(void **state)
{
	const char *body = "山田 太郎 様\n\nお申し込みありがとうございます。\r\n.\r\n"
	    "一行だけのドット（上）はSMTPの終わりと紛れないこと。\rCRだけの行末。\n\tタブ\n末尾";
	mail_msg_t m = msg("a@example.jp", "受付のお知らせ", body);
	buf_t out = BUF_INIT, v = BUF_INIT, dec = BUF_INIT, want = BUF_INIT;
	const char *b;

	(void)state;
	build(&m, &out);
	assert_true(header(out.data, "Content-Type", &v));
	assert_string_equal(v.data, "text/plain; charset=UTF-8");
	buf_clear(&v);
	assert_true(header(out.data, "Content-Transfer-Encoding", &v));
	assert_string_equal(v.data, "base64");
	b = strstr(out.data, "\r\n\r\n") + 4;
	assert_lines(b, strlen(b), 76);
	b64dec(b, strlen(b), &dec);
	crlf(body, &want);
	assert_int_equal(dec.len, want.len);
	assert_memory_equal(dec.data, want.data, want.len);
	/* no raw body text anywhere in the message */
	assert_null(strstr(out.data, "山田"));
	buf_free(&out);
	buf_free(&v);
	buf_free(&dec);
	buf_free(&want);
}

static void
test_multipart_ics(void **state)
{
	mail_msg_t m = msg("a@example.jp", "イベントのご案内", "添付のカレンダーを登録してください。\n");
	buf_t out = BUF_INIT, dec = BUF_INIT, want = BUF_INIT;
	const char *text, *text_end, *att, *att_end;

	(void)state;
	m.att_name = "event.ics";
	m.att_mime = ICS_MIME;
	m.att_data = ICS;
	m.att_len = strlen(ICS);
	build(&m, &out);
	split_parts(out.data, &text, &text_end, &att, &att_end);
	assert_true(str_has_prefix(text, "Content-Type: text/plain; charset=UTF-8\r\n"));
	part_body(text, text_end, &dec);
	crlf(m.body, &want);
	assert_int_equal(dec.len, want.len);
	assert_memory_equal(dec.data, want.data, want.len);
	assert_true(str_has_prefix(att, "Content-Type: " ICS_MIME ";\r\n name=\"event.ics\"\r\n"));
	assert_non_null(strstr(att, "Content-Disposition: attachment;\r\n filename=\"event.ics\"\r\n"));
	buf_clear(&dec);
	part_body(att, att_end, &dec);
	assert_int_equal(dec.len, strlen(ICS));
	assert_memory_equal(dec.data, ICS, dec.len);

	/* a Japanese file name travels percent-encoded (RFC 2231), never as raw bytes in a header */
	buf_clear(&out);
	m.att_name = "説明会 \"1\".ics";
	build(&m, &out);
	assert_non_null(strstr(out.data, " filename*=UTF-8''%E8%AA%AC%E6%98%8E%E4%BC%9A%20%221%22.ics\r\n"));
	assert_non_null(strstr(out.data, " name*=UTF-8''%E8%AA%AC"));
	buf_free(&out);
	buf_free(&dec);
	buf_free(&want);
}

/* ---- the outbox ---- */

static void
test_enqueue_in_transaction(void **state)
{
	db_t *db = *state;
	mail_msg_t m = msg("a@example.jp", "登録確認", "本文");
	char err[256] = "";
	int64_t id = 0;

	/* the caller's transaction decides: rolled back, the message is gone with the rest */
	assert_true(db_begin_write(db));
	assert_true(mail_enqueue(db, &m, T0, &id, err, sizeof(err)));
	assert_true(id > 0);
	db_rollback(db);
	assert_int_equal(mail_count(db, "queued"), 0);
	assert_true(db_begin_write(db));
	assert_true(mail_enqueue(db, &m, T0, &id, err, sizeof(err)));
	assert_true(db_commit(db));
	assert_int_equal(mail_count(db, "queued"), 1);
	assert_int_equal(row_i64(db, "SELECT attempts FROM outbox WHERE id = ?", id), 0);
	assert_int_equal(row_i64(db, "SELECT next_attempt_at FROM outbox WHERE id = ?", id), T0);
}

static void
test_backoff_then_failed(void **state)
{
	db_t *db = *state;
	mail_msg_t m = msg("a@example.jp", "お知らせ", "本文");
	config_t c;
	mail_round_t r;
	char err[256] = "", *e;
	int64_t id = 0, t = T0;
	int i;

	assert_int_equal(mail_backoff_s(1), 60);
	assert_int_equal(mail_backoff_s(2), 120);
	assert_int_equal(mail_backoff_s(3), 240);
	assert_int_equal(mail_backoff_s(6), 1920);
	assert_int_equal(mail_backoff_s(7), 3600);
	assert_int_equal(mail_backoff_s(100), 3600);

	/* nothing listens on port 1: connection refused at once */
	mail_config(&c, "smtp://127.0.0.1:1");
	c.mail_max_attempts = 4;
	assert_true(mail_enqueue(db, &m, T0, &id, err, sizeof(err)));
	for (i = 1; i <= 3; i++) {
		assert_int_equal(mail_send_due(db, &c, t, 10, &r), 1);
		assert_int_equal(r.retried, 1);
		assert_int_equal(r.sent + r.failed, 0);
		assert_status(db, id, "queued");
		assert_int_equal(row_i64(db, "SELECT attempts FROM outbox WHERE id = ?", id), i);
		assert_int_equal(row_i64(db, "SELECT next_attempt_at FROM outbox WHERE id = ?", id), t + mail_backoff_s(i));
		/* not due before its time */
		assert_int_equal(mail_send_due(db, &c, t + mail_backoff_s(i) - 1, 10, &r), 0);
		t += mail_backoff_s(i);
	}
	e = row_text(db, "SELECT last_error FROM outbox WHERE id = ?", id);
	assert_non_null(e);
	assert_true(strlen(e) > 0);
	free(e);
	assert_int_equal(mail_send_due(db, &c, t, 10, &r), 1);
	assert_int_equal(r.failed, 1);
	assert_status(db, id, "failed");
	assert_int_equal(row_i64(db, "SELECT attempts FROM outbox WHERE id = ?", id), 4);
	/* failed for good: never tried again */
	assert_int_equal(mail_send_due(db, &c, t + 86400, 10, &r), 0);
}

static void
test_unreachable_ends_round(void **state)
{
	db_t *db = *state;
	mail_msg_t m = msg("a@example.jp", "お知らせ", "本文");
	config_t c;
	mail_round_t r;
	char err[256] = "";
	int i;

	mail_config(&c, "smtp://127.0.0.1:1");
	for (i = 0; i < 3; i++)
		assert_true(mail_enqueue(db, &m, T0, NULL, err, sizeof(err)));
	/* the first failure shows there is no server: the other two are left as they were */
	assert_int_equal(mail_send_due(db, &c, T0, 10, &r), 1);
	assert_int_equal(r.retried, 1);
	assert_int_equal(row_i64(db, "SELECT COUNT(*) FROM outbox WHERE attempts = ?", 0), 2);
	assert_int_equal(mail_count(db, "queued"), 3);
}

static void
test_unconfigured_stays_queued(void **state)
{
	db_t *db = *state;
	mail_msg_t m = msg("a@example.jp", "お知らせ", "本文");
	config_t c;
	char err[256] = "", why[256] = "";
	int64_t id = 0;

	config_defaults(&c);
	assert_false(mail_configured(&c, why, sizeof(why)));
	assert_non_null(strstr(why, "smtp_url"));
	assert_true(mail_enqueue(db, &m, T0, &id, err, sizeof(err)));
	assert_int_equal(mail_send_due(db, &c, T0 + 3600, 10, NULL), 0);
	assert_status(db, id, "queued");
	assert_int_equal(row_i64(db, "SELECT attempts FROM outbox WHERE id = ?", id), 0);
	/* a URL without a sender address is not enough either */
	str_copy(c.mail_smtp_url, sizeof(c.mail_smtp_url), "smtp://127.0.0.1:1");
	assert_false(mail_configured(&c, why, sizeof(why)));
	assert_non_null(strstr(why, "from"));
	/* an address whose domain leaves no room for a Message-ID is caught here, not at every send */
	memset(why, 0, sizeof(why));
	snprintf(c.mail_from, sizeof(c.mail_from), "a@%0226d.jp", 0);
	assert_true(str_email_valid(c.mail_from));
	assert_false(mail_configured(&c, why, sizeof(why)));
	assert_non_null(strstr(why, "Message-ID"));
	str_copy(c.mail_from, sizeof(c.mail_from), FROM);
	assert_true(mail_configured(&c, why, sizeof(why)));
}

static void
test_lease(void **state)
{
	db_t *db = *state;
	mail_msg_t m = msg("a@example.jp", "お知らせ", "本文");
	char err[256] = "", *id1, *id2;
	int64_t id = 0;
	int attempts = 0;

	assert_true(mail_enqueue(db, &m, T0, &id, err, sizeof(err)));
	assert_int_equal(mail_claim(db, T0 + 10, FROM, &attempts), id);
	assert_int_equal(attempts, 1);
	assert_status(db, id, "sending");
	assert_int_equal(row_i64(db, "SELECT lease_until FROM outbox WHERE id = ?", id), T0 + 10 + MAIL_LEASE_S);
	/* claimed rows are nobody else's: a second sender finds nothing */
	assert_int_equal(mail_claim(db, T0 + 20, FROM, &attempts), 0);
	/* the sender "crashed": before the lease ends nothing changes, after it the row is queued again */
	assert_int_equal(mail_release_expired(db, T0 + 9 + MAIL_LEASE_S, 10), 0);
	assert_status(db, id, "sending");
	assert_int_equal(mail_release_expired(db, T0 + 10 + MAIL_LEASE_S, 10), 1);
	assert_status(db, id, "queued");
	id1 = row_text(db, "SELECT message_id FROM outbox WHERE id = ?", id);
	/* the next claim counts the attempt and keeps the Message-ID, so a receiver can spot a duplicate */
	assert_int_equal(mail_claim(db, T0 + 20 + MAIL_LEASE_S, FROM, &attempts), id);
	assert_int_equal(attempts, 2);
	id2 = row_text(db, "SELECT message_id FROM outbox WHERE id = ?", id);
	assert_non_null(id1);
	assert_non_null(id2);
	assert_string_equal(id1, id2);
	free(id1);
	free(id2);
	/* a lease that runs out on the last allowed attempt ends as failed, not in an endless loop */
	assert_int_equal(mail_release_expired(db, T0 + 20 + 2 * MAIL_LEASE_S, 2), 1);
	assert_status(db, id, "failed");
	/* a claim is its own transaction: refused inside the caller's */
	assert_true(db_begin_write(db));
	assert_int_equal(mail_claim(db, T0, FROM, &attempts), -1);
	db_rollback(db);
}

/* ---- settings ---- */

static void
test_config_mail(void **state)
{
	config_t c;
	char err[256];

	(void)state;
	config_defaults(&c);
	assert_int_equal(c.mail_max_attempts, 10);
	assert_true(config_set(&c, "mail", "smtp_url", "smtps://mail.example.jp:465", err, sizeof(err)));
	assert_false(config_set(&c, "mail", "smtp_url", "http://example.jp", err, sizeof(err)));
	assert_false(config_set(&c, "mail", "smtp_url", "smtp://a\r\nb", err, sizeof(err)));
	assert_true(config_set(&c, "mail", "from", "info@example.jp", err, sizeof(err)));
	assert_false(config_set(&c, "mail", "from", "info@example.jp\r\nBcc: x@example.jp", err, sizeof(err)));
	assert_false(config_set(&c, "mail", "from_name", "名前\nBcc: x", err, sizeof(err)));
	assert_true(config_set(&c, "mail", "from_name", "群馬県", err, sizeof(err)));
	assert_true(config_set(&c, "mail", "require_tls", "true", err, sizeof(err)));
	assert_true(c.mail_require_tls);
	assert_false(config_set(&c, "mail", "max_attempts", "0", err, sizeof(err)));
	/* the short environment names win */
	setenv("TSUNAGU_MAIL_SMTP_URL", "smtp://127.0.0.1:25", 1);
	setenv("TSUNAGU_SMTP_URL", "smtp://127.0.0.1:2525", 1);
	setenv("TSUNAGU_SMTP_USER", "user", 1);
	setenv("TSUNAGU_SMTP_PASSWORD", "pass word", 1);
	setenv("TSUNAGU_MAIL_FROM", "noreply@example.jp", 1);
	assert_true(config_load_env(&c, err, sizeof(err)));
	assert_string_equal(c.mail_smtp_url, "smtp://127.0.0.1:2525");
	assert_string_equal(c.mail_smtp_user, "user");
	assert_string_equal(c.mail_smtp_password, "pass word");
	assert_string_equal(c.mail_from, "noreply@example.jp");
	setenv("TSUNAGU_MAIL_FROM", "bad address", 1);
	assert_false(config_load_env(&c, err, sizeof(err)));
	unsetenv("TSUNAGU_MAIL_SMTP_URL");
	unsetenv("TSUNAGU_SMTP_URL");
	unsetenv("TSUNAGU_SMTP_USER");
	unsetenv("TSUNAGU_SMTP_PASSWORD");
	unsetenv("TSUNAGU_MAIL_FROM");
}

/* ---- a real SMTP server ---- */

struct sink {
	pid_t pid;
	int   in;   /* its standard input: closing it ends the sink */
	int   port;
	char  dir[300];
};

static void
sink_path(char *out, size_t n)
{
	const char *root = getenv("TSUNAGU_ROOT");

	if (access(SINK, R_OK) == 0 || root == NULL)
		snprintf(out, n, "%s", SINK);
	else
		snprintf(out, n, "%s/%s", root, SINK);
}

/* Starts tests/tools/smtp_sink.py on a free port and reads the port it prints. */
static void
sink_start(struct sink *s, const char *auth)
{
	const char *py = getenv("TSUNAGU_PYTHON") != NULL ? getenv("TSUNAGU_PYTHON") : "/usr/bin/python3";
	char script[600], line[32];
	char *argv[10] = { (char *)py, script, "--dir", s->dir, "--timeout", "120", NULL, NULL, NULL };
	int in[2], out[2];
	struct pollfd pfd;
	ssize_t n;
	size_t got = 0;
	int64_t port;

	sink_path(script, sizeof(script));
	if (auth != NULL) {
		argv[6] = "--auth";
		argv[7] = (char *)auth;
	}
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		execv(py, argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	s->in = in[1];
	/* the port line comes once it listens; EOF means it could not start (python3-aiosmtpd missing?) */
	pfd = (struct pollfd){ out[0], POLLIN, 0 };
	while (got < sizeof(line) - 1 && memchr(line, '\n', got) == NULL) {
		if (poll(&pfd, 1, 20000) != 1)
			fail_msg("smtp_sink.py did not start within 20 s");
		n = read(out[0], line + got, sizeof(line) - 1 - got);
		if (n <= 0)
			fail_msg("smtp_sink.py exited; is Debian's python3-aiosmtpd installed for %s?", py);
		got += (size_t)n;
	}
	line[got] = '\0';
	close(out[0]);
	*strchr(line, '\n') = '\0';
	assert_true(str_to_i64(line, 1, 65535, &port));
	s->port = (int)port;
}

static void
sink_stop(struct sink *s)
{
	int st;

	close(s->in);
	assert_int_equal(waitpid(s->pid, &st, 0), s->pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void
sink_url(const struct sink *s, config_t *c)
{
	snprintf(c->mail_smtp_url, sizeof(c->mail_smtp_url), "smtp://127.0.0.1:%d", s->port);
}

static void
read_whole(const char *path, buf_t *out)
{
	char chunk[4096];
	FILE *f = fopen(path, "rb");
	size_t n;

	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(out, chunk, n);
	fclose(f);
}

/* The received file dir/NNNN.eml: envelope lines, then the message. *msg points into out. */
static void
received(const struct sink *s, int nth, buf_t *out, const char **msg)
{
	char path[400];
	const char *p;

	snprintf(path, sizeof(path), "%s/%04d.eml", s->dir, nth);
	read_whole(path, out);
	for (p = out->data; str_has_prefix(p, "X-Sink-"); p = strstr(p, "\r\n") + 2)
		;
	*msg = p;
}

static int
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".eml") != NULL)
			n++;
	closedir(d);
	return n;
}

static void
rm_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[600];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static void
assert_subject_body(const char *m, const char *subject, const char *body, bool multipart)
{
	buf_t v = BUF_INIT, dec = BUF_INIT, want = BUF_INIT;
	const char *text, *text_end, *att, *att_end;
	int nwords;

	assert_true(header(m, "Subject", &v));
	decode_words(v.data, &dec, &nwords);
	assert_string_equal(dec.data, subject);
	buf_clear(&dec);
	crlf(body, &want);
	if (multipart) {
		split_parts(m, &text, &text_end, &att, &att_end);
		part_body(text, text_end, &dec);
		assert_int_equal(dec.len, want.len);
		assert_memory_equal(dec.data, want.data, want.len);
		buf_clear(&dec);
		assert_non_null(strstr(att, "filename=\"event.ics\""));
		part_body(att, att_end, &dec);
		assert_int_equal(dec.len, strlen(ICS));
		assert_memory_equal(dec.data, ICS, dec.len);
	} else {
		b64dec(strstr(m, "\r\n\r\n") + 4, strlen(strstr(m, "\r\n\r\n") + 4), &dec);
		assert_int_equal(dec.len, want.len);
		assert_memory_equal(dec.data, want.data, want.len);
	}
	buf_free(&v);
	buf_free(&dec);
	buf_free(&want);
}

static void
test_smtp_delivery(void **state)
{
	db_t *db = *state;
	const char *body1 = "山田 太郎 様\n\nご登録ありがとうございます。\n以下のURLから本登録を完了してください。\n"
	    "https://shushoku.example.jp/confirm?t=abc\n.\n-- \n群馬県 就職支援サイト\n";
	const char *body2 = "合同企業説明会のお申し込みを受け付けました。\r\n添付のファイルをカレンダーに登録できます。\r\n";
	mail_msg_t m1 = msg("taro@example.jp", "【群馬県就職支援サイト】本登録のお願い", body1);
	mail_msg_t m2 = msg("hanako@example.jp", long_subject, body2);
	mail_msg_t m3 = msg("jiro@example.jp", "サーバー停止中に送ったメール", "止まっていても失われません。");
	struct sink s;
	config_t c;
	mail_round_t r;
	buf_t f = BUF_INIT, v = BUF_INIT;
	const char *m;
	char err[256] = "", *mid;
	int64_t id1 = 0, id2 = 0, id3 = 0, next;

	snprintf(s.dir, sizeof(s.dir), "%s/sink", dbtest_dir);
	assert_int_equal(mkdir(s.dir, 0700), 0);
	sink_start(&s, NULL);
	mail_config(&c, "");
	sink_url(&s, &c);
	m2.att_name = "event.ics";
	m2.att_mime = ICS_MIME;
	m2.att_data = ICS;
	m2.att_len = strlen(ICS);
	m1.kind = "confirm";
	m1.unsubscribe = "https://shushoku.example.jp/unsubscribe?t=12.AbC-_9";
	assert_true(mail_enqueue(db, &m1, T0, &id1, err, sizeof(err)));
	assert_true(mail_enqueue(db, &m2, T0, &id2, err, sizeof(err)));
	assert_int_equal(mail_send_due(db, &c, T0, 10, &r), 2);
	assert_int_equal(r.sent, 2);
	assert_status(db, id1, "sent");
	assert_status(db, id2, "sent");
	assert_int_equal(row_i64(db, "SELECT sent_at FROM outbox WHERE id = ?", id1), T0);
	assert_int_equal(count_files(s.dir), 2);

	received(&s, 1, &f, &m);
	assert_true(str_has_prefix(f.data, "X-Sink-Mail-From: " FROM "\r\nX-Sink-Rcpt-To: taro@example.jp\r\n"));
	assert_subject_body(m, m1.subject, body1, false);
	mid = row_text(db, "SELECT message_id FROM outbox WHERE id = ?", id1);
	assert_true(header(m, "Message-ID", &v));
	assert_string_equal(v.data, mid);
	free(mid);
	/* RFC 2369 / RFC 8058: the mail program's unsubscribe button, kept in the outbox row until sent */
	buf_clear(&v);
	assert_true(header(m, "List-Unsubscribe", &v));
	assert_string_equal(v.data, "<https://shushoku.example.jp/unsubscribe?t=12.AbC-_9>");
	buf_clear(&v);
	assert_true(header(m, "List-Unsubscribe-Post", &v));
	assert_string_equal(v.data, "List-Unsubscribe=One-Click");
	buf_clear(&f);
	received(&s, 2, &f, &m);
	assert_false(header(m, "List-Unsubscribe", &v));   /* only where one was given */
	assert_true(str_has_prefix(f.data, "X-Sink-Mail-From: " FROM "\r\nX-Sink-Rcpt-To: hanako@example.jp\r\n"));
	/* one recipient per message: the other address is nowhere in it (SEC08) */
	assert_null(strstr(f.data, "taro@"));
	assert_subject_body(m, long_subject, body2, true);

	/* the server goes away: the message waits, counted and scheduled, nothing lost */
	sink_stop(&s);
	assert_true(mail_enqueue(db, &m3, T0 + 100, &id3, err, sizeof(err)));
	assert_int_equal(mail_send_due(db, &c, T0 + 100, 10, &r), 1);
	assert_int_equal(r.retried, 1);
	assert_status(db, id3, "queued");
	assert_int_equal(row_i64(db, "SELECT attempts FROM outbox WHERE id = ?", id3), 1);
	next = row_i64(db, "SELECT next_attempt_at FROM outbox WHERE id = ?", id3);
	assert_true(next > T0 + 100);

	/* back again (on another port; the row does not remember one): sent when due, not before */
	sink_start(&s, NULL);
	sink_url(&s, &c);
	assert_int_equal(mail_send_due(db, &c, next - 1, 10, &r), 0);
	assert_int_equal(mail_send_due(db, &c, next, 10, &r), 1);
	assert_int_equal(r.sent, 1);
	assert_status(db, id3, "sent");
	assert_int_equal(count_files(s.dir), 3);
	buf_clear(&f);
	received(&s, 3, &f, &m);
	assert_true(str_has_prefix(f.data, "X-Sink-Mail-From: " FROM "\r\nX-Sink-Rcpt-To: jiro@example.jp\r\n"));
	assert_subject_body(m, m3.subject, m3.body, false);
	sink_stop(&s);
	buf_free(&f);
	buf_free(&v);
	rm_dir(s.dir);
}

static void
test_smtp_auth(void **state)
{
	db_t *db = *state;
	mail_msg_t m = msg("taro@example.jp", "認証つき送信", "本文");
	struct sink s;
	config_t c;
	mail_round_t r;
	buf_t f = BUF_INIT;
	const char *msgp;
	char err[256] = "";
	int64_t id = 0;

	snprintf(s.dir, sizeof(s.dir), "%s/sink", dbtest_dir);
	assert_int_equal(mkdir(s.dir, 0700), 0);
	sink_start(&s, "mailer:s3cret-pass");
	mail_config(&c, "");
	sink_url(&s, &c);
	str_copy(c.mail_smtp_user, sizeof(c.mail_smtp_user), "mailer");
	str_copy(c.mail_smtp_password, sizeof(c.mail_smtp_password), "wrong");
	assert_true(mail_enqueue(db, &m, T0, &id, err, sizeof(err)));
	/* refused credentials: retried later, like any failure */
	assert_int_equal(mail_send_due(db, &c, T0, 10, &r), 1);
	assert_int_equal(r.retried, 1);
	assert_status(db, id, "queued");
	str_copy(c.mail_smtp_password, sizeof(c.mail_smtp_password), "s3cret-pass");
	assert_int_equal(mail_send_due(db, &c, T0 + 60, 10, &r), 1);
	assert_int_equal(r.sent, 1);
	received(&s, 1, &f, &msgp);
	assert_non_null(strstr(f.data, "X-Sink-Auth: mailer\r\n"));
	assert_subject_body(msgp, m.subject, m.body, false);
	sink_stop(&s);
	buf_free(&f);
	rm_dir(s.dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_header_injection_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits_and_utf8, setup, teardown),
		cmocka_unit_test(test_subject_rfc2047),
		cmocka_unit_test(test_subject_boundaries),
		cmocka_unit_test(test_body_base64),
		cmocka_unit_test(test_multipart_ics),
		cmocka_unit_test_setup_teardown(test_enqueue_in_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backoff_then_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreachable_ends_round, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unconfigured_stays_queued, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease, setup, teardown),
		cmocka_unit_test(test_config_mail),
		cmocka_unit_test_setup_teardown(test_smtp_delivery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_smtp_auth, setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
