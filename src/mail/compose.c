/*
 * compose.c - what may go into a message, and the message itself (RFC 5322 headers, MIME, RFC 2047).
 *
 * Header lines are fixed text plus values that passed a check here: addresses by str_email_valid,
 * everything else one line without control characters, and then encoded so that no byte a user chose
 * appears in a header as such: text goes into RFC 2047 encoded-words (base64), attachment names into
 * RFC 2231 percent-encoding unless they are a plain [A-Za-z0-9._-] name. Bodies are base64 too, which
 * also keeps every line short and free of leading dots.
 */
#include "mail/mail.h"
#include "core/jtime.h"
#include "core/str.h"

#include <sodium.h>
#include <string.h>

#define WORD_FIRST_BYTES 39 /* raw bytes in an encoded-word after "Subject: ": a 73-character line */
#define WORD_BYTES       45 /* in a word on a folded line: " =?UTF-8?B?" + 60 + "?=", 73 characters */
#define PLAIN_SUBJECT_MAX 69 /* an ASCII subject this short stays as it is: "Subject: " + 69 = 78 */
#define B64_LINE_BYTES   57 /* raw bytes per body line: 76 base64 characters */
#define BOUNDARY_RANDOM  16

/* Bytes of the UTF-8 sequence led by c (input already checked). */
static size_t
u8_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c < 0xe0)
		return 2;
	if (c < 0xf0)
		return 3;
	return 4;
}

/* One line of text: well-formed UTF-8 without C0 controls (TAB, CR and LF included), DEL or C1 controls,
 * which could end or disguise a header line. */
static bool
one_line(const char *s, size_t n)
{
	size_t i;

	if (!str_utf8_valid(s, n, false) || memchr(s, '\t', n) != NULL)
		return false;
	for (i = 0; i + 1 < n; i++)
		if ((unsigned char)s[i] == 0xc2 && (unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] <= 0x9f)
			return false;
	return true;
}

static bool
kind_ok(const char *k)
{
	size_t n = k != NULL ? strlen(k) : 0, i;

	if (n == 0 || n > MAIL_KIND_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || k[i] == '_'))
			return false;
	return true;
}

static bool
token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    strchr("!#$&^_.+-", c) != NULL;
}

/* Advances over a MIME token; false when there is none. */
static bool
token(const char **p)
{
	const char *s = *p;

	while (**p != '\0' && token_char(**p))
		(*p)++;
	return *p > s;
}

/* type/subtype *(";" [" "] attribute "=" token): a media type made only of token characters, so it can be
 * copied into Content-Type as it is. */
static bool
mime_ok(const char *m)
{
	const char *p = m;

	if (m == NULL || strlen(m) > MAIL_ATT_MIME_MAX || !token(&p) || *p++ != '/' || !token(&p))
		return false;
	while (*p == ';') {
		p++;
		if (*p == ' ')
			p++;
		if (!token(&p) || *p++ != '=' || !token(&p))
			return false;
	}
	return *p == '\0';
}

static bool
subject_ok(const char *s, char *err, size_t errlen)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0) {
		str_errf(err, errlen, "件名がありません。");
		return false;
	}
	if (!one_line(s, n)) {
		str_errf(err, errlen, "件名に改行や制御文字は使えません。");
		return false;
	}
	if (str_utf8_len(s, n) > MAIL_SUBJECT_MAX) {
		str_errf(err, errlen, "件名は%d文字以内にしてください。", MAIL_SUBJECT_MAX);
		return false;
	}
	return true;
}

static bool
body_ok(const char *s, char *err, size_t errlen)
{
	size_t n;

	if (s == NULL) {
		str_errf(err, errlen, "本文がありません。");
		return false;
	}
	n = strlen(s);
	if (n > MAIL_BODY_MAX) {
		str_errf(err, errlen, "本文は%dKB以内にしてください。", MAIL_BODY_MAX / 1024);
		return false;
	}
	if (!str_utf8_valid(s, n, true)) {
		str_errf(err, errlen, "本文に使えない文字（UTF-8 以外のバイトや制御文字）があります。");
		return false;
	}
	return true;
}

static bool
attachment_ok(const mail_msg_t *m, char *err, size_t errlen)
{
	size_t n;

	if (m->att_name == NULL)
		return true;
	n = strlen(m->att_name);
	if (n == 0 || n > MAIL_ATT_NAME_MAX || !one_line(m->att_name, n)) {
		str_errf(err, errlen, "添付ファイル名は改行や制御文字を含まない%dバイト以内の名前にしてください。",
		    MAIL_ATT_NAME_MAX);
		return false;
	}
	if (!mime_ok(m->att_mime)) {
		str_errf(err, errlen, "添付ファイルの種類（MIME タイプ）が正しくありません。");
		return false;
	}
	if (m->att_data == NULL || m->att_len == 0 || m->att_len > MAIL_ATT_MAX) {
		str_errf(err, errlen, "添付ファイルは1バイト以上%dKB以内にしてください。", MAIL_ATT_MAX / 1024);
		return false;
	}
	return true;
}

/* A List-Unsubscribe address: http(s), printable ASCII without space, quotes or angle brackets (it goes
 * between < and > in a header line), at most MAIL_URL_MAX bytes. */
bool
mail_url_ok(const char *u)
{
	size_t n = u != NULL ? strlen(u) : 0, i;

	if (n == 0 || n > MAIL_URL_MAX || (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0))
		return false;
	for (i = 0; i < n; i++)
		if (u[i] <= ' ' || u[i] > '~' || u[i] == '<' || u[i] == '>' || u[i] == '"' || u[i] == '\\')
			return false;
	return true;
}

bool
mail_check(const mail_msg_t *m, char *err, size_t errlen)
{
	if (m->unsubscribe != NULL && !mail_url_ok(m->unsubscribe)) {
		str_errf(err, errlen, "配信停止のURLが正しくありません。");
		return false;
	}
	if (!kind_ok(m->kind)) {
		str_errf(err, errlen, "メールの種類が正しくありません。");
		return false;
	}
	if (m->to == NULL || !str_email_valid(m->to)) {
		str_errf(err, errlen, "宛先のメールアドレスが正しくありません。");
		return false;
	}
	return subject_ok(m->subject, err, errlen) && body_ok(m->body, err, errlen) &&
	    attachment_ok(m, err, errlen);
}

/* Our own "<hex@domain>", checked again because it comes back from the database: inside the brackets
 * it must pass as an address. */
static bool
msgid_ok(const char *id)
{
	char inner[MAIL_MSGID_MAX];
	size_t n = id != NULL ? strlen(id) : 0;

	if (n < 3 || n >= sizeof(inner) || id[0] != '<' || id[n - 1] != '>')
		return false;
	memcpy(inner, id + 1, n - 2);
	inner[n - 2] = '\0';
	return str_email_valid(inner);
}

bool
mail_message_id(char *out, size_t outlen, const char *from)
{
	unsigned char rnd[16];
	char hex[33];
	int n;

	if (from == NULL || !str_email_valid(from))
		return false;
	randombytes_buf(rnd, sizeof(rnd));
	str_hex(hex, rnd, sizeof(rnd));
	n = snprintf(out, outlen, "<%s@%s>", hex, strrchr(from, '@') + 1);
	/* a very long domain would make an ID that mail_build refuses: better no ID at all */
	return n > 0 && (size_t)n < outlen && msgid_ok(out);
}

/* RFC 2047 encoded-words for s, each at most 75 characters and never splitting a UTF-8 sequence (so
 * every word decodes on its own); the second and later words begin a folded line. */
static bool
put_words(buf_t *b, const char *s, size_t n)
{
	char enc[sodium_base64_ENCODED_LEN(WORD_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	size_t i = 0, room = WORD_FIRST_BYTES;

	while (i < n) {
		size_t k = 0;
		while (i + k < n && k + u8_len((unsigned char)s[i + k]) <= room)
			k += u8_len((unsigned char)s[i + k]);
		sodium_bin2base64(enc, sizeof(enc), (const unsigned char *)s + i, k, sodium_base64_VARIANT_ORIGINAL);
		if (i > 0)
			buf_puts(b, "\r\n ");
		buf_printf(b, "=?UTF-8?B?%s?=", enc);
		i += k;
		room = WORD_BYTES;
	}
	return !b->oom;
}

/* Printable ASCII short enough for one line, and nothing a reader could take for an encoded-word. */
static bool
plain_ascii(const char *s, size_t n)
{
	size_t i;

	if (n > PLAIN_SUBJECT_MAX || strstr(s, "=?") != NULL)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static void
put_date(buf_t *b, int64_t epoch)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
		"Oct", "Nov", "Dec" };
	struct tm tm;

	/* in JST, the time every reader of this site lives in; names fixed, never the C locale's */
	jtime_jst(epoch, &tm);
	buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0900\r\n", days[tm.tm_wday % 7], tm.tm_mday,
	    months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static bool
put_headers(buf_t *b, const mail_msg_t *m, const mail_head_t *h)
{
	size_t n = strlen(m->subject);

	put_date(b, h->date);
	buf_puts(b, "From: ");
	if (h->from_name != NULL && h->from_name[0] != '\0') {
		put_words(b, h->from_name, strlen(h->from_name));
		buf_puts(b, "\r\n");
		buf_printf(b, " <%s>\r\n", h->from);
	} else
		buf_printf(b, "%s\r\n", h->from);
	buf_printf(b, "To: %s\r\n", m->to);
	buf_puts(b, "Subject: ");
	if (plain_ascii(m->subject, n))
		buf_append(b, m->subject, n);
	else
		put_words(b, m->subject, n);
	buf_puts(b, "\r\n");
	buf_printf(b, "Message-ID: %s\r\n", h->message_id);
	/* RFC 2369 and RFC 8058: the mail program's own "unsubscribe", one POST without a page */
	if (m->unsubscribe != NULL)
		buf_printf(b, "List-Unsubscribe: <%s>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n", m->unsubscribe);
	/* RFC 3834: no vacation auto-replies to a system's mail */
	buf_puts(b, "Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n");
	return !b->oom;
}

/* base64 in lines of 76 characters, each ended by CRLF. */
static bool
put_base64(buf_t *b, const unsigned char *p, size_t n)
{
	char line[sodium_base64_ENCODED_LEN(B64_LINE_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	size_t i, k;

	for (i = 0; i < n; i += k) {
		k = n - i < B64_LINE_BYTES ? n - i : B64_LINE_BYTES;
		sodium_bin2base64(line, sizeof(line), p + i, k, sodium_base64_VARIANT_ORIGINAL);
		buf_puts(b, line);
		buf_puts(b, "\r\n");
	}
	return !b->oom;
}

/* The body with every CR, LF and CRLF made CRLF, as SMTP and RFC 5322 want. */
static bool
crlf_body(buf_t *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\r' || *s == '\n') {
			buf_puts(out, "\r\n");
			if (*s == '\r' && s[1] == '\n')
				s++;
		} else
			buf_putc(out, *s);
	}
	return !out->oom;
}

static bool
put_text_part(buf_t *b, const char *body)
{
	buf_t t = BUF_INIT;
	bool ok;

	buf_puts(b, "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
	ok = crlf_body(&t, body) && put_base64(b, (const unsigned char *)t.data, t.len);
	buf_free(&t);
	return ok;
}

static bool
plain_filename(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		    *s == '.' || *s == '_' || *s == '-'))
			return false;
	return true;
}

/* A file-name parameter: plain when the name is [A-Za-z0-9._-], else RFC 2231 UTF-8 percent-encoding. */
static void
put_filename(buf_t *b, const char *param, const char *name)
{
	const unsigned char *p;

	if (plain_filename(name)) {
		buf_printf(b, "%s=\"%s\"", param, name);
		return;
	}
	buf_printf(b, "%s*=UTF-8''", param);
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (token_char((char)*p))
			buf_putc(b, (char)*p);
		else
			buf_printf(b, "%%%02X", *p);
	}
}

static bool
put_attachment(buf_t *b, const mail_msg_t *m)
{
	buf_printf(b, "Content-Type: %s;\r\n ", m->att_mime);
	put_filename(b, "name", m->att_name);
	buf_puts(b, "\r\nContent-Disposition: attachment;\r\n ");
	put_filename(b, "filename", m->att_name);
	buf_puts(b, "\r\nContent-Transfer-Encoding: base64\r\n\r\n");
	return put_base64(b, m->att_data, m->att_len);
}

static bool
put_multipart(buf_t *b, const mail_msg_t *m)
{
	unsigned char rnd[BOUNDARY_RANDOM];
	char boundary[16 + 2 * BOUNDARY_RANDOM + 1];

	/* "=_" can occur in no base64 line, and the random part in no header we write */
	randombytes_buf(rnd, sizeof(rnd));
	memcpy(boundary, "=_tsunagu_", 11);
	str_hex(boundary + 10, rnd, sizeof(rnd));
	buf_printf(b, "Content-Type: multipart/mixed;\r\n boundary=\"%s\"\r\n\r\n", boundary);
	buf_printf(b, "--%s\r\n", boundary);
	put_text_part(b, m->body);
	buf_printf(b, "--%s\r\n", boundary);
	put_attachment(b, m);
	buf_printf(b, "--%s--\r\n", boundary);
	return !b->oom;
}

static bool
head_ok(const mail_head_t *h, char *err, size_t errlen)
{
	size_t n = h->from_name != NULL ? strlen(h->from_name) : 0;

	if (h->from == NULL || !str_email_valid(h->from)) {
		str_errf(err, errlen, "差出人のメールアドレスが正しくありません。");
		return false;
	}
	if (n > 0 && !one_line(h->from_name, n)) {
		str_errf(err, errlen, "差出人名に改行や制御文字は使えません。");
		return false;
	}
	if (!msgid_ok(h->message_id)) {
		str_errf(err, errlen, "Message-ID が正しくありません。");
		return false;
	}
	return true;
}

bool
mail_build(buf_t *out, const mail_msg_t *m, const mail_head_t *h, char *err, size_t errlen)
{
	if (!mail_check(m, err, errlen) || !head_ok(h, err, errlen))
		return false;
	put_headers(out, m, h);
	if (m->att_name == NULL)
		put_text_part(out, m->body);
	else
		put_multipart(out, m);
	if (out->oom) {
		str_errf(err, errlen, "メールを組み立てるメモリが足りません。");
		return false;
	}
	return true;
}
