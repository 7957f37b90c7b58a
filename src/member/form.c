/* form.c - the member forms' fields, their checks and their JSON form (registration keeps the values
 * as JSON until the address is confirmed). One table per form serves the page and the checks. */
#include "member/member.h"
#include "core/jtime.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HINT_KANA  "ひらがなまたはカタカナで入力してください。"
#define HINT_PHONE "半角数字とハイフンで入力してください（例：027-123-4567）。"
#define HINT_MONTH "西暦の年と月を入力してください（例：2027-03）。"

/* name, label, check, max, required, vocab, input, autocomplete, hint */
#define F_MAIL  { "email", "メールアドレス", MF_EMAIL, 254, true, NULL, "email", "email", \
	"このアドレスに確認のためのメールをお送りします。" }
#define F_SEEKER_REST \
	{ "name", "氏名", MF_TEXT, MEMBER_NAME_MAX, true, NULL, "text", "name", NULL }, \
	{ "kana", "ふりがな", MF_KANA, MEMBER_NAME_MAX, true, NULL, "text", NULL, HINT_KANA }, \
	{ "birth_date", "生年月日", MF_DATE, 10, true, NULL, "date", "bday", "例：2003-04-01" }, \
	{ "phone", "電話番号", MF_PHONE, 20, false, NULL, "tel", "tel", HINT_PHONE }, \
	{ "postal_code", "郵便番号", MF_POSTAL, 8, false, NULL, "text", "postal-code", "例：371-0026" }, \
	{ "address", "住所", MF_TEXT, 200, false, NULL, "text", "street-address", NULL }, \
	{ "school", "学校名（在学中・最終学歴）", MF_TEXT, 100, false, NULL, "text", NULL, NULL }, \
	{ "graduation", "卒業（予定）年月", MF_MONTH, 7, false, NULL, "month", NULL, HINT_MONTH }, \
	{ "target", "あてはまる区分", MF_TERM, 64, true, "target", "select", NULL, NULL }, \
	{ "wishes", "希望する職種・勤務地など", MF_LONG, 1000, false, NULL, "textarea", NULL, "1000文字以内" }, \
	{ "mail_ok", "セミナー・イベントなどのお知らせメールを受け取る", MF_BOOL, 1, false, NULL, "checkbox", NULL, NULL }

static const member_field_t seeker_reg[] = { F_MAIL, F_SEEKER_REST };
static const member_field_t seeker_profile[] = { F_SEEKER_REST };
static const member_field_t company_reg[] = {
	{ "email", "ご担当者のメールアドレス", MF_EMAIL, 254, true, NULL, "email", "email",
	  "このアドレスに確認のためのメールをお送りします。ログインIDもこのアドレスにお知らせします。" },
	{ "name", "企業名", MF_TEXT, 100, true, NULL, "text", "organization", NULL },
	{ "name_kana", "企業名（ふりがな）", MF_KANA, 100, false, NULL, "text", NULL, HINT_KANA },
	{ "representative", "代表者", MF_TEXT, 100, true, NULL, "text", NULL, "例：代表取締役 上州 一郎" },
	{ "municipality", "所在地（市町村）", MF_TERM, 64, true, "municipality", "select", NULL, NULL },
	{ "address", "所在地（住所）", MF_TEXT, 200, true, NULL, "text", "street-address", NULL },
	{ "phone", "電話番号", MF_PHONE, 20, true, NULL, "tel", "tel", HINT_PHONE },
	{ "industry", "業種", MF_TERM, 64, true, "industry", "select", NULL, NULL },
	{ "business", "事業内容", MF_LONG, 4000, true, NULL, "textarea", NULL, "4000文字以内" },
	{ "contact", "ご担当者名", MF_TEXT, 100, true, NULL, "text", "name", "例：人事部 前橋 花子" },
	{ "mail_ok", "セミナー・イベントなどのお知らせメールを受け取る", MF_BOOL, 1, false, NULL, "checkbox", NULL, NULL },
};
static const member_field_t forgot[] = {
	{ "email", "ご登録のメールアドレス", MF_EMAIL, 254, true, NULL, "email", "email",
	  "パスワード再設定のためのメールをお送りします。" },
};

void
member_form_init(member_form_t *f, member_form_kind_t kind)
{
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	switch (kind) {
	case MEMBER_SEEKER_REG:
		f->defs = seeker_reg;
		f->n = (int)(sizeof(seeker_reg) / sizeof(seeker_reg[0]));
		break;
	case MEMBER_SEEKER_PROFILE:
		f->defs = seeker_profile;
		f->n = (int)(sizeof(seeker_profile) / sizeof(seeker_profile[0]));
		break;
	case MEMBER_COMPANY_REG:
		f->defs = company_reg;
		f->n = (int)(sizeof(company_reg) / sizeof(company_reg[0]));
		break;
	case MEMBER_FORGOT:
		f->defs = forgot;
		f->n = (int)(sizeof(forgot) / sizeof(forgot[0]));
		break;
	}
}

int
member_form_index(const member_form_t *f, const char *name)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->defs[i].name, name) == 0)
			return i;
	return -1;
}

const char *
member_form_value(const member_form_t *f, const char *name)
{
	int i = member_form_index(f, name);

	return i < 0 || f->values[i] == NULL ? "" : f->values[i];
}

/* Decodes one UTF-8 code point at s (well-formedness already checked); returns its length. */
static size_t
utf8_next(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) { *cp = s[0]; return 1; }
	if (s[0] < 0xe0) { *cp = ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f); return 2; }
	if (s[0] < 0xf0) {
		*cp = ((uint32_t)(s[0] & 0x0f) << 12) | ((uint32_t)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		return 3;
	}
	*cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3f) << 12) | ((uint32_t)(s[2] & 0x3f) << 6) |
	    (s[3] & 0x3f);
	return 4;
}

/* Hiragana, katakana (full width), the long vowel mark, middle dot and spaces. */
static bool
kana_ok(const char *v)
{
	const unsigned char *p = (const unsigned char *)v;
	uint32_t cp;

	while (*p) {
		p += utf8_next(p, &cp);
		if ((cp >= 0x3041 && cp <= 0x3096) || (cp >= 0x309d && cp <= 0x309e) || (cp >= 0x30a1 && cp <= 0x30fa) ||
		    (cp >= 0x30fc && cp <= 0x30fe) || cp == 0x30fb || cp == ' ' || cp == 0x3000)
			continue;
		return false;
	}
	return true;
}

static bool
phone_ok(const char *v)
{
	size_t i, digits = 0, n = strlen(v);

	if (v[0] == '-' || n == 0 || v[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++) {
		if (v[i] >= '0' && v[i] <= '9')
			digits++;
		else if (v[i] != '-' || v[i + 1] == '-')
			return false;
	}
	return digits >= 10 && digits <= 11;
}

static bool
postal_ok(const char *v)
{
	size_t i, n = strlen(v);

	if (n == 7) {
		for (i = 0; i < 7; i++)
			if (v[i] < '0' || v[i] > '9')
				return false;
		return true;
	}
	if (n != 8 || v[3] != '-')
		return false;
	for (i = 0; i < 8; i++)
		if (i != 3 && (v[i] < '0' || v[i] > '9'))
			return false;
	return true;
}

static bool
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* YYYY-MM with a month 1..12 and a year 1950..2100. */
static bool
month_ok(const char *v)
{
	int64_t y, m;
	char buf[8];

	if (strlen(v) != 7 || v[4] != '-' || !digits(v, 4) || !digits(v + 5, 2))
		return false;
	memcpy(buf, v, 4);
	buf[4] = '\0';
	if (!str_to_i64(buf, 1950, 2100, &y))
		return false;
	return str_to_i64(v + 5 + (v[5] == '0'), 1, 12, &m);
}

/* A real date YYYY-MM-DD, from 1900 up to today (JST). */
static bool
date_ok(const char *v, int64_t now)
{
	int64_t t;

	if (strlen(v) != 10 || v[4] != '-' || v[7] != '-' || !digits(v, 4) || !digits(v + 5, 2) || !digits(v + 8, 2))
		return false;
	if (strncmp(v, "1900", 4) < 0)
		return false;
	return jtime_parse_ymd(v, &t) && t <= now;
}

bool
member_term_name(db_t *db, const char *vocab, const char *code, char *out, size_t outlen)
{
	db_stmt_t *st = db_prepare(db, "SELECT name FROM terms WHERE vocab = ? AND code = ?");
	bool found;

	if (st == NULL)
		return false;
	db_bind_str(st, 1, vocab);
	db_bind_str(st, 2, code);
	found = db_step(st) == DB_ROW;
	if (found && out != NULL)
		str_copy(out, outlen, db_col_text(st, 0));
	db_done(st);
	return found;
}

bool
member_term_choosable(db_t *db, const char *vocab, const char *code, const char *prev)
{
	db_stmt_t *st = db_prepare(db, "SELECT retired_at IS NOT NULL FROM terms WHERE vocab = ? AND code = ?");
	bool ok = false;

	if (st == NULL)
		return false;
	db_bind_str(st, 1, vocab);
	db_bind_str(st, 2, code);
	if (db_step(st) == DB_ROW)
		ok = db_col_i64(st, 0) == 0 || (prev != NULL && strcmp(prev, code) == 0);
	db_done(st);
	return ok;
}

static void
seterr(member_form_t *f, int i, const char *what)
{
	str_errf(f->errors[i], sizeof(f->errors[i]), "「%s」%s", f->defs[i].label, what);
}

bool
member_form_check(db_t *db, member_form_t *f, int64_t now)
{
	int i;
	bool ok = true;

	for (i = 0; i < f->n; i++) {
		const member_field_t *d = &f->defs[i];
		const char *v = f->values[i];
		size_t n = v ? strlen(v) : 0;
		char msg[64];

		f->errors[i][0] = '\0';
		if (n == 0) {
			f->values[i] = NULL;
			if (d->required) {
				seterr(f, i, d->check == MF_TERM ? "を選んでください。" : "を入力してください。");
				ok = false;
			}
			continue;
		}
		if (n > MEMBER_VALUE_MAX || !str_utf8_valid(v, n, d->check == MF_LONG)) {
			/* a CR/LF or other control character in a one-line field: never near a mail header (SEC04) */
			seterr(f, i, "に使えない文字（改行や制御文字など）が含まれています。");
			ok = false;
			continue;
		}
		if (str_utf8_len(v, n) > (size_t)d->max) {
			snprintf(msg, sizeof(msg), "は%d文字以内で入力してください。", d->max);
			seterr(f, i, msg);
			ok = false;
			continue;
		}
		switch (d->check) {
		case MF_TEXT:
		case MF_LONG:
			continue;
		case MF_KANA:
			if (kana_ok(v))
				continue;
			seterr(f, i, "はひらがなまたはカタカナで入力してください。");
			break;
		case MF_DATE:
			if (date_ok(v, now))
				continue;
			seterr(f, i, "は実在する日付を「2003-04-01」の形で入力してください。");
			break;
		case MF_MONTH:
			if (month_ok(v))
				continue;
			seterr(f, i, "は西暦の年と月を「2027-03」の形で入力してください。");
			break;
		case MF_PHONE:
			if (phone_ok(v))
				continue;
			seterr(f, i, "は半角数字（10桁または11桁）とハイフンで入力してください（例：027-123-4567）。");
			break;
		case MF_POSTAL:
			if (postal_ok(v))
				continue;
			seterr(f, i, "は「371-0026」のように半角数字7桁で入力してください。");
			break;
		case MF_EMAIL:
			if (str_email_valid(v))
				continue;
			seterr(f, i, "の形式が正しくありません（例：taro@example.jp）。");
			break;
		case MF_TERM:
			if (db == NULL || member_term_choosable(db, d->vocab, v, f->prev[i]))
				continue;
			seterr(f, i, "は一覧から選んでください。");
			break;
		case MF_BOOL:
			if (strcmp(v, "1") == 0)
				continue;
			seterr(f, i, "の値が正しくありません。");
			break;
		}
		ok = false;
	}
	return ok;
}

char *
member_form_json(const member_form_t *f)
{
	json_t *o = json_object();
	char *s;
	int i;

	if (o == NULL)
		return NULL;
	for (i = 0; i < f->n; i++)
		if (f->values[i] != NULL && f->values[i][0] != '\0' &&
		    json_object_set_new(o, f->defs[i].name, json_string(f->values[i])) != 0) {
			json_decref(o);
			return NULL;
		}
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

bool
member_form_from_json(member_form_t *f, const char *json, arena_t *A)
{
	json_t *o = json_loads(json, 0, NULL);
	int i;

	if (o == NULL || !json_is_object(o)) {
		json_decref(o);
		return false;
	}
	for (i = 0; i < f->n; i++) {
		json_t *v = json_object_get(o, f->defs[i].name);
		f->values[i] = json_is_string(v) ? arena_strdup(A, json_string_value(v)) : NULL;
	}
	json_decref(o);
	return true;
}
