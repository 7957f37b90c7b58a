/*
 * joblaw.c - the publication check of job offers (B01): required items, the age-limit reason and
 * gender-specific job titles. See joblaw.h for the sources.
 */
#include "content/joblaw.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 職業安定法施行規則第4条の2第3項: the clause of each row of required_job_disclosures.csv. */
static const struct {
	int         no;
	const char *clause;
} clauses[] = {
	{ 1, "第1号" }, { 2, "第1号" }, { 3, "第2号" }, { 4, "第2号の2" }, { 5, "第2号の3" }, { 6, "第3号" },
	{ 7, "第3号" }, { 8, "第4号" }, { 9, "第5号" }, { 10, "第6号" }, { 11, "第7号" }, { 12, "第8号" },
	{ 13, "第9号" },
};

/*
 * Expressions that name one sex where the 指針 of 男女雇用機会均等法第5条 asks for a neutral title, with
 * the neutral one to suggest. Matched as substrings of the title and text fields.
 */
static const struct {
	const char *word;
	const char *instead;
} gendered[] = {
	{ "看護婦", "看護師" }, { "看護士", "看護師" }, { "保母", "保育士" }, { "保父", "保育士" },
	{ "スチュワーデス", "客室乗務員" }, { "ウェイトレス", "ホールスタッフ" }, { "ウエイトレス", "ホールスタッフ" },
	{ "ウェイター", "ホールスタッフ" }, { "ウエイター", "ホールスタッフ" }, { "セールスマン", "営業職" },
	{ "営業マン", "営業職" }, { "営業レディ", "営業職" }, { "ビジネスマン", "会社員" }, { "カメラマン", "撮影スタッフ" },
	{ "ガードマン", "警備員" }, { "家政婦", "家事代行スタッフ" }, { "女子社員", "社員" }, { "男子社員", "社員" },
	{ "ＯＬ", "事務職" }, { "女性限定", "性別を限定しない表現" }, { "男性限定", "性別を限定しない表現" },
	{ "女性のみ", "性別を限定しない表現" }, { "男性のみ", "性別を限定しない表現" },
	{ "女性歓迎", "性別を限定しない表現" }, { "男性歓迎", "性別を限定しない表現" },
	{ "女性スタッフ募集", "スタッフ募集" }, { "男性スタッフ募集", "スタッフ募集" },
};

/* Values of an age-limit field that mean "no limit". */
static const char *const no_limit[] = { "不問", "年齢不問", "なし", "無し", "制限なし", "年齢制限なし", "-", "－" };

static const char *
clause_of(int no)
{
	size_t i;

	for (i = 0; i < sizeof(clauses) / sizeof(clauses[0]); i++)
		if (clauses[i].no == no)
			return clauses[i].clause;
	return "";
}

static bool
blank(const char *s)
{
	if (s == NULL)
		return true;
	for (; *s; s++) {
		if (isspace((unsigned char)*s))
			continue;
		if ((unsigned char)s[0] == 0xe3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80) {
			s += 2; /* U+3000 */
			continue;
		}
		return false;
	}
	return true;
}

static bool
truthy(const char *v)
{
	return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "はい") == 0 ||
	    strcmp(v, "あり") == 0);
}

static bool
is_no_limit(const char *v)
{
	const char *b = v, *e;
	size_t i, n;

	while (*b == ' ')
		b++;
	e = b + strlen(b);
	while (e > b && e[-1] == ' ')
		e--;
	n = (size_t)(e - b);
	for (i = 0; i < sizeof(no_limit) / sizeof(no_limit[0]); i++)
		if (strlen(no_limit[i]) == n && memcmp(no_limit[i], b, n) == 0)
			return true;
	return false;
}

static void
line(buf_t *b, const char *label, const char *msg)
{
	if (b->len > 0)
		buf_putc(b, '\n');
	buf_printf(b, "「%s」%s", label, msg);
}

bool
joblaw_applies(const schema_type_t *t)
{
	int i;

	for (i = 0; t != NULL && i < t->nfields; i++)
		if (t->fields[i].disclosure > 0 || t->fields[i].reason != NULL)
			return true;
	return false;
}

bool
joblaw_check(const schema_type_t *t, const char *const values[], buf_t *errors)
{
	buf_t m = BUF_INIT;
	bool ok = true;
	int i, k;

	for (i = 0; i < t->nfields; i++) {
		const schema_field_t *f = &t->fields[i];
		if (f->disclosure > 0 && blank(values[i])) {
			if (f->disclosure_if != NULL) {
				k = schema_field_index(t, f->disclosure_if);
				if (k < 0 || !truthy(values[k]))
					continue;
			}
			buf_clear(&m);
			buf_printf(&m, "は、求人を公開するときに必ず明示する事項です（職業安定法施行規則第4条の2第3項%s）。",
			    clause_of(f->disclosure));
			line(errors, f->label, m.oom ? "は公開に必要です。" : m.data);
			ok = false;
		}
		if (f->reason != NULL && !blank(values[i]) && !is_no_limit(values[i])) {
			k = schema_field_index(t, f->reason);
			if (k >= 0 && blank(values[k])) {
				line(errors, t->fields[k].label,
				    "を選んでください。年齢制限を設けるときは、法律が認める例外事由のいずれかに当てはまる必要があります"
				    "（労働施策総合推進法第9条、同施行規則第1条の3第1項）。");
				ok = false;
			}
		}
	}
	buf_free(&m);
	return ok;
}

/* Words that say a wage includes a fixed amount for overtime (固定残業代). */
static const char *const fixed_overtime[] = { "固定残業", "みなし残業", "定額残業", "見込み残業", "固定時間外" };

/* Whether s has a number (ASCII or full-width digits) followed, maybe after a space or 万/千, by unit. */
static bool
number_then(const char *s, const char *unit)
{
	size_t ul = strlen(unit);

	for (const char *p = strstr(s, unit); p != NULL; p = strstr(p + ul, unit)) {
		const unsigned char *q = (const unsigned char *)p;
		while (q > (const unsigned char *)s && q[-1] == ' ')
			q--;
		/* 「4万円」「5千円」: the unit may follow 万 (E4 B8 87) or 千 (E5 8D 83) */
		if (q - (const unsigned char *)s >= 3 && ((q[-3] == 0xe4 && q[-2] == 0xb8 && q[-1] == 0x87) ||
		    (q[-3] == 0xe5 && q[-2] == 0x8d && q[-1] == 0x83)))
			q -= 3;
		if (q > (const unsigned char *)s && isdigit(q[-1]))
			return true;
		/* full-width digits ０-９: EF BC 90..99 */
		if (q - (const unsigned char *)s >= 3 && q[-3] == 0xef && q[-2] == 0xbc && q[-1] >= 0x90 && q[-1] <= 0x99)
			return true;
	}
	return false;
}

/*
 * 固定残業代 (職業安定法の指針 第三の一の(三)ハ, 青少年雇用促進法の指針): an advertisement that pays a fixed
 * amount for overtime must state the basic wage without it, the hours and the amount it covers, and that
 * overtime beyond those hours is paid on top. A warning when a field mentions it and the advertisement's
 * text does not show hours (「…時間」), an amount (「…円」) and the extra payment (「超」).
 */
static int
fixed_overtime_warning(const schema_type_t *t, const char *const values[], buf_t *warnings)
{
	buf_t all = BUF_INIT;
	int i, at = -1;
	size_t k;
	bool ok;

	for (i = 0; i < t->nfields; i++) {
		const schema_field_t *f = &t->fields[i];
		if (f->internal || values[i] == NULL || !(f->type == F_TEXT || f->type == F_LONGTEXT || f->type == F_MARKDOWN))
			continue;
		buf_puts(&all, values[i]);
		buf_putc(&all, '\n');
		for (k = 0; at < 0 && k < sizeof(fixed_overtime) / sizeof(fixed_overtime[0]); k++)
			if (strstr(values[i], fixed_overtime[k]) != NULL)
				at = i;
	}
	ok = at < 0 || all.oom || (number_then(all.data, "時間") && number_then(all.data, "円") && strstr(all.data, "超") != NULL);
	buf_free(&all);
	if (ok)
		return 0;
	line(warnings, t->fields[at].label, "に固定残業代（みなし残業代）があります。固定残業代を除いた基本給の額、固定残業代の"
	    "時間数と金額、その時間を超える時間外労働には割増賃金を追加で支払うことを書いてください（職業安定法の指針）。");
	return 1;
}

int
joblaw_warnings(const schema_type_t *t, const char *const values[], buf_t *warnings)
{
	buf_t m = BUF_INIT;
	int i, n = fixed_overtime_warning(t, values, warnings);
	size_t w;

	for (w = 0; w < sizeof(gendered) / sizeof(gendered[0]); w++) {
		for (i = 0; i < t->nfields; i++) {
			const schema_field_t *f = &t->fields[i];
			if (f->internal || values[i] == NULL ||
			    !(f->type == F_TEXT || f->type == F_LONGTEXT || f->type == F_MARKDOWN))
				continue;
			if (strstr(values[i], gendered[w].word) == NULL)
				continue;
			buf_clear(&m);
			buf_printf(&m, "に性別を限定する表現「%s」があります。男女雇用機会均等法により、募集では性別にかかわらない"
			    "表現（例：「%s」）を使ってください。", gendered[w].word, gendered[w].instead);
			line(warnings, f->label, m.oom ? "に性別を限定する表現があります。" : m.data);
			n++;
			break; /* one warning per word */
		}
	}
	buf_free(&m);
	return n;
}

/* The fields JSON as text values by field index (terms: "x" when any is chosen; booleans: true/false). */
static json_t *
values_of(const schema_type_t *t, const char *fields_json, const char *values[], char *num[])
{
	json_t *doc = json_loads(fields_json ? fields_json : "{}", JSON_DECODE_ANY, NULL);
	int i;

	memset(num, 0, sizeof(char *) * SCHEMA_MAX_FIELDS);
	for (i = 0; i < t->nfields; i++) {
		json_t *v = doc ? json_object_get(doc, t->fields[i].name) : NULL;
		values[i] = NULL;
		if (json_is_string(v))
			values[i] = json_string_value(v);
		else if (json_is_array(v) && json_array_size(v) > 0)
			values[i] = "x";
		else if (json_is_true(v))
			values[i] = "true";
		else if (json_is_integer(v) || json_is_real(v)) {
			num[i] = malloc(32);
			if (num[i] != NULL) {
				snprintf(num[i], 32, "%g", json_number_value(v));
				values[i] = num[i];
			}
		}
	}
	return doc;
}

static void
free_nums(const schema_type_t *t, char *num[])
{
	int i;

	for (i = 0; i < t->nfields; i++)
		free(num[i]);
}

bool
joblaw_check_json(const schema_type_t *t, const char *fields_json, buf_t *errors)
{
	const char *values[SCHEMA_MAX_FIELDS];
	char *num[SCHEMA_MAX_FIELDS];
	json_t *doc = values_of(t, fields_json, values, num);
	bool ok = joblaw_check(t, values, errors);

	free_nums(t, num);
	json_decref(doc);
	return ok;
}

int
joblaw_warnings_json(const schema_type_t *t, const char *fields_json, buf_t *warnings)
{
	const char *values[SCHEMA_MAX_FIELDS];
	char *num[SCHEMA_MAX_FIELDS];
	json_t *doc = values_of(t, fields_json, values, num);
	int n = joblaw_warnings(t, values, warnings);

	free_nums(t, num);
	json_decref(doc);
	return n;
}
