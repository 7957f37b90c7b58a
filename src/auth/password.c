/*
 * password.c - argon2id hashes and the password policy.
 *
 * The policy checks run in a fixed order (invalid, short, long, one kind, login, e-mail, common) so the form
 * shows the first problem a user can act on. The containment and common checks work on a folded copy: ASCII
 * lower-cased and full-width ASCII (what a Japanese IME types in full-width mode) mapped to ASCII, so that
 * "ＰＡＳＳＷＯＲＤ" and "password" are the same word. The common-password list is a read-mostly open-addressing
 * hash set behind a rwlock; a reload builds a new set and swaps it in.
 */
#include "auth/password.h"
#include "core/log.h"
#include "core/str.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uchar.h>

#define COMMON_MAX_BYTES   (8u * 1024 * 1024)
#define COMMON_MAX_ENTRIES 200000
#define COMMON_CORE_MIN    4   /* code points left after stripping digits and symbols */
#define REPEAT_MAX_PERIOD  4   /* "aaaa…", "abab…", "Ab1!Ab1!…" */
#define FOLD_IN_MAX        (3 * PASSWORD_MAX_BYTES) /* a longer login or address cannot fit in any password */

typedef struct {
	char        *blob;   /* the file, lines NUL-terminated in place */
	const char **slot;   /* open addressing, NULL = empty */
	size_t       mask;
	size_t       count;
} common_set_t;

static common_set_t    *common;
static pthread_rwlock_t common_lock = PTHREAD_RWLOCK_INITIALIZER;

static char           dummy_hash[PASSWORD_HASH_MAX];
static bool           dummy_ok;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

/* Runs of neighbouring keys or letters, walked either way and wrapping around. Each has no repeated character. */
static const char32_t *const runs[] = {
	U"abcdefghijklmnopqrstuvwxyz",
	U"0123456789",
	U"`1234567890-=",
	U"~!@#$%^&*()_+",
	U"qwertyuiopasdfghjklzxcvbnm",
	U"qwertyuiop[]\\",
	U"asdfghjkl;'",
	U"zxcvbnm,./",
	U"qazwsxedcrfvtgbyhnujmikolp",
	U"1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/",
	U"zaq1xsw2cde3vfr4bgt5nhy6mju7,ki8.lo9/;p0",
	U"1q2w3e4r5t6y7u8i9o0p",
	U"q1w2e3r4t5y6u7i8o9p0",
	U"あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん",
	U"アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン",
	U"いろはにほへとちりぬるをわかよたれそつねならむうゐのおくやまけふこえてあさきゆめみしゑひもせすん",
	/* JIS kana keyboard rows, for kana input */
	U"ぬふあうえおやゆよわほへたていすかんなにらせちとしはきくまのりれけむつさそひこみもねるめろ",
};

/* Folds in[0..n) into out (at least n bytes; may be in itself); returns the folded length. */
static size_t
fold(const char *in, size_t n, char *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, o = 0;

	while (i < n) {
		if (p[i] >= 'A' && p[i] <= 'Z') {
			out[o++] = (char)(p[i] + ('a' - 'A'));
			i++;
		} else if (i + 2 < n && p[i] == 0xef && p[i + 1] == 0xbc && p[i + 2] >= 0x81 && p[i + 2] <= 0xbf) {
			/* U+FF01..U+FF3F -> U+0021..U+003F, upper case folded too */
			unsigned c = 0x21 + (p[i + 2] - 0x81u);
			out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
			i += 3;
		} else if (i + 2 < n && p[i] == 0xef && p[i + 1] == 0xbd && p[i + 2] >= 0x80 && p[i + 2] <= 0x9e) {
			/* U+FF40..U+FF5E -> U+0040..U+007E */
			unsigned c = 0x40 + (p[i + 2] - 0x80u);
			out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
			i += 3;
		} else if (i + 2 < n && p[i] == 0xe3 && p[i + 1] == 0x80 && p[i + 2] == 0x80) {
			out[o++] = ' '; /* U+3000 ideographic space */
			i += 3;
		} else {
			out[o++] = (char)p[i++];
		}
	}
	return o;
}

/* Decodes well-formed UTF-8 into at most max code points; returns how many. */
static size_t
decode(const char *s, size_t n, uint32_t *out, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k = 0;

	while (i < n && k < max) {
		uint32_t c = p[i];
		size_t   extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

		if (extra > 0)
			c &= 0x3fu >> extra;
		for (i++; extra > 0 && i < n; extra--, i++)
			c = (c << 6) | (p[i] & 0x3fu);
		out[k++] = c;
	}
	return k;
}

static bool
is_ascii_symbol_or_digit(unsigned char c)
{
	return (c >= 0x20 && c <= 0x2f) || (c >= 0x30 && c <= 0x39) || (c >= 0x3a && c <= 0x40) ||
	    (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

/* True when the whole of cp[0..n) repeats a unit of at most REPEAT_MAX_PERIOD characters. */
static bool
is_repeat(const uint32_t *cp, size_t n)
{
	size_t p, i;

	for (p = 1; p <= REPEAT_MAX_PERIOD && 2 * p <= n; p++) {
		for (i = p; i < n && cp[i] == cp[i - p]; i++)
			;
		if (i == n)
			return true;
	}
	return false;
}

/* True when cp[0..n) walks one of the runs forwards or backwards. */
static bool
is_run(const uint32_t *cp, size_t n)
{
	size_t r;

	if (n < 2)
		return false;
	for (r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
		const char32_t *seq = runs[r];
		size_t len = 0, start, i;
		int    dir;

		while (seq[len] != 0)
			len++;
		for (start = 0; start < len && seq[start] != cp[0]; start++)
			;
		if (start == len)
			continue;
		for (dir = 0; dir < 2; dir++) {
			for (i = 1; i < n; i++) {
				size_t at = dir == 0 ? (start + i) % len : (start + len - i % len) % len;
				if (seq[at] != cp[i])
					break;
			}
			if (i == n)
				return true;
		}
	}
	return false;
}

/* Undoes the usual letter-for-digit swaps: "p@55w0rd" -> "password". */
static void
unleet(char *s, size_t n)
{
	static const char from[] = "@4031$5!7";
	static const char to[]   = "aaoeissit";
	size_t i;

	for (i = 0; i < n; i++) {
		const char *f = memchr(from, s[i], sizeof(from) - 1);
		if (f != NULL)
			s[i] = to[f - from];
	}
}

/* Caller holds common_lock for reading. */
static bool
common_has(const common_set_t *set, const char *s, size_t n)
{
	size_t i;

	if (set == NULL || set->count == 0)
		return false;
	for (i = (size_t)str_hash64(s, n) & set->mask; set->slot[i] != NULL; i = (i + 1) & set->mask)
		if (strncmp(set->slot[i], s, n) == 0 && set->slot[i][n] == '\0')
			return true;
	return false;
}

static void
common_set_free(common_set_t *set)
{
	if (set == NULL)
		return;
	free(set->slot);
	free(set->blob);
	free(set);
}

static bool
common_grow(common_set_t *set)
{
	size_t       cap = (set->mask + 1) * 2, i, j;
	const char **slot = calloc(cap, sizeof(*slot));

	if (slot == NULL)
		return false;
	for (i = 0; i <= set->mask; i++) {
		if (set->slot[i] == NULL)
			continue;
		for (j = (size_t)str_hash64(set->slot[i], strlen(set->slot[i])) & (cap - 1); slot[j] != NULL;
		    j = (j + 1) & (cap - 1))
			;
		slot[j] = set->slot[i];
	}
	free(set->slot);
	set->slot = slot;
	set->mask = cap - 1;
	return true;
}

/* Adds the NUL-terminated entry s (n bytes), skipping duplicates; false when out of memory. */
static bool
common_add(common_set_t *set, const char *s, size_t n)
{
	size_t i;

	if (common_has(set, s, n))
		return true;
	if ((set->count + 1) * 2 > set->mask + 1 && !common_grow(set))
		return false;
	for (i = (size_t)str_hash64(s, n) & set->mask; set->slot[i] != NULL; i = (i + 1) & set->mask)
		;
	set->slot[i] = s;
	set->count++;
	return true;
}

static char *
read_file_max(const char *path, size_t max, size_t *len)
{
	FILE  *f = fopen(path, "rbe");
	char  *data = NULL, *p;
	size_t cap = 0, n = 0, got;
	int    err;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n == cap) {
			if (cap > max)
				goto fail;
			cap = cap == 0 ? 65536 : cap * 2;
			if (cap > max + 1)
				cap = max + 1;
			if ((p = realloc(data, cap + 1)) == NULL)
				goto fail;
			data = p;
		}
		got = fread(data + n, 1, cap - n, f);
		n += got;
		if (n > max) {
			errno = EFBIG;
			goto fail;
		}
		if (got == 0) {
			if (ferror(f))
				goto fail;
			break;
		}
	}
	fclose(f);
	data[n] = '\0';
	*len = n;
	return data;
fail:
	err = errno;
	fclose(f);
	free(data);
	errno = err;
	return NULL;
}

bool
password_load_common(const char *path)
{
	common_set_t *set, *old;
	size_t        size, pos = 0;

	if (path == NULL)
		return false;
	if ((set = calloc(1, sizeof(*set))) == NULL)
		return false;
	errno = 0;
	if ((set->blob = read_file_max(path, COMMON_MAX_BYTES, &size)) == NULL) {
		log_error("password: cannot read common-password list %s: %s", path,
		    errno == EFBIG ? "larger than 8 MiB" : strerror(errno));
		goto fail;
	}
	set->mask = 1023;
	if ((set->slot = calloc(set->mask + 1, sizeof(*set->slot))) == NULL)
		goto fail;
	while (pos < size) {
		char  *line = set->blob + pos, *nl = memchr(line, '\n', size - pos);
		size_t n = nl != NULL ? (size_t)(nl - line) : size - pos;

		pos += n + 1;
		while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			n--;
		while (n > 0 && (line[0] == ' ' || line[0] == '\t')) {
			line++;
			n--;
		}
		if (n == 0 || line[0] == '#' || n > PASSWORD_MAX_BYTES || !str_utf8_valid(line, n, false))
			continue;
		n = fold(line, n, line);
		line[n] = '\0';
		if (set->count >= COMMON_MAX_ENTRIES) {
			log_error("password: %s has more than %d entries", path, COMMON_MAX_ENTRIES);
			goto fail;
		}
		if (!common_add(set, line, n))
			goto fail;
	}
	pthread_rwlock_wrlock(&common_lock);
	old = common;
	common = set;
	pthread_rwlock_unlock(&common_lock);
	common_set_free(old);
	log_info("password: %zu common passwords loaded", set->count);
	return true;
fail:
	common_set_free(set);
	return false;
}

void
password_free_common(void)
{
	common_set_t *old;

	pthread_rwlock_wrlock(&common_lock);
	old = common;
	common = NULL;
	pthread_rwlock_unlock(&common_lock);
	common_set_free(old);
}

/* Folded needle (login or address part) contained in the folded password? Needles under 3 characters never match. */
static bool
contains_folded(const char *fpw, size_t fn, const char *needle, size_t n)
{
	char   buf[FOLD_IN_MAX];
	size_t m;

	if (n == 0 || n > FOLD_IN_MAX)
		return false;
	m = fold(needle, n, buf);
	return str_utf8_len(buf, m) >= 3 && str_contains_ci(fpw, fn, buf, m);
}

static bool
is_common(const char *f, size_t fn, const uint32_t *cp, size_t ncp)
{
	char     core[PASSWORD_MAX_BYTES];
	uint32_t ccp[PASSWORD_MAX_CHARS];
	size_t   b = 0, e = fn, cn, nccp;
	bool     hit = false;

	if (is_repeat(cp, ncp) || is_run(cp, ncp))
		return true;
	while (b < e && is_ascii_symbol_or_digit((unsigned char)f[b]))
		b++;
	while (e > b && is_ascii_symbol_or_digit((unsigned char)f[e - 1]))
		e--;
	cn = e - b;
	memcpy(core, f + b, cn);
	nccp = decode(core, cn, ccp, PASSWORD_MAX_CHARS);

	pthread_rwlock_rdlock(&common_lock);
	hit = common_has(common, f, fn);
	if (!hit && nccp >= COMMON_CORE_MIN) {
		hit = common_has(common, core, cn);
		if (!hit) {
			unleet(core, cn);
			hit = common_has(common, core, cn);
		}
	}
	pthread_rwlock_unlock(&common_lock);
	if (!hit && nccp >= COMMON_CORE_MIN && nccp < ncp)
		hit = is_repeat(ccp, nccp) || is_run(ccp, nccp);
	sodium_memzero(core, sizeof(core));
	sodium_memzero(ccp, sizeof(ccp));
	return hit;
}

pw_verdict_t
password_check(const char *pw, const char *login, const char *email)
{
	const unsigned char *p = (const unsigned char *)pw;
	char         f[PASSWORD_MAX_BYTES];
	uint32_t     cp[PASSWORD_MAX_CHARS];
	size_t       n, i, ncp, fn;
	unsigned     kinds = 0;
	pw_verdict_t v = PW_OK;

	if (pw == NULL)
		return PW_INVALID;
	n = strlen(pw);
	if (!str_utf8_valid(pw, n, false))
		return PW_INVALID;
	for (i = 0; i < n; i++) /* TAB (allowed by str_utf8_valid) and C1 controls U+0080..U+009F */
		if (p[i] == '\t' || (p[i] == 0xc2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f))
			return PW_INVALID;
	ncp = str_utf8_len(pw, n);
	if (ncp < PASSWORD_MIN_CHARS)
		return PW_TOO_SHORT;
	if (ncp > PASSWORD_MAX_CHARS || n > PASSWORD_MAX_BYTES)
		return PW_TOO_LONG;

	for (i = 0; i < n; i++) {
		if (p[i] >= 'a' && p[i] <= 'z')
			kinds |= 1;
		else if (p[i] >= 'A' && p[i] <= 'Z')
			kinds |= 2;
		else if (p[i] >= '0' && p[i] <= '9')
			kinds |= 4;
		else if ((p[i] & 0xc0) != 0x80)
			kinds |= 8;
	}
	if (kinds == 1 || kinds == 2 || kinds == 4 || kinds == 8)
		return PW_ONE_KIND;

	fn = fold(pw, n, f);
	if (login != NULL && contains_folded(f, fn, login, strlen(login))) {
		v = PW_CONTAINS_LOGIN;
		goto done;
	}
	if (email != NULL) {
		size_t      en = strlen(email);
		const char *at = memrchr(email, '@', en);

		if (contains_folded(f, fn, email, en) ||
		    (at != NULL && contains_folded(f, fn, email, (size_t)(at - email)))) {
			v = PW_CONTAINS_EMAIL;
			goto done;
		}
	}
	ncp = decode(f, fn, cp, PASSWORD_MAX_CHARS);
	if (is_common(f, fn, cp, ncp))
		v = PW_COMMON;
done:
	sodium_memzero(f, sizeof(f));
	sodium_memzero(cp, sizeof(cp));
	return v;
}

const char *
password_message(pw_verdict_t v)
{
	switch (v) {
	case PW_OK:
		return "";
	case PW_TOO_SHORT:
		return "パスワードは12文字以上で入力してください。";
	case PW_TOO_LONG:
		return "パスワードは128文字以内で入力してください。";
	case PW_ONE_KIND:
		return "パスワードには英大文字・英小文字・数字・記号のうち2種類以上を含めてください。";
	case PW_COMMON:
		return "よく使われているパスワードや推測されやすいパスワードは使えません。";
	case PW_CONTAINS_LOGIN:
		return "パスワードにログインIDを含めることはできません。";
	case PW_CONTAINS_EMAIL:
		return "パスワードにメールアドレスを含めることはできません。";
	case PW_INVALID:
		return "パスワードに使えない文字が含まれています。";
	}
	return "パスワードを確認してください。";
}

bool
password_hash(const char *pw, char out[PASSWORD_HASH_MAX])
{
	size_t n;

	if (pw == NULL || out == NULL || sodium_init() < 0)
		return false;
	/* refused rather than cut: every byte counts */
	if ((n = strlen(pw)) > PASSWORD_MAX_BYTES)
		return false;
	if (crypto_pwhash_str(out, pw, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		log_error("password: hashing failed (out of memory)");
		return false;
	}
	return true;
}

bool
password_verify(const char *hash, const char *pw)
{
	size_t n;

	if (hash == NULL || pw == NULL)
		return false;
	if (strnlen(hash, PASSWORD_HASH_MAX) == PASSWORD_HASH_MAX)
		return false;
	if ((n = strlen(pw)) > PASSWORD_MAX_BYTES)
		return false;
	return crypto_pwhash_str_verify(hash, pw, n) == 0;
}

static void
dummy_init(void)
{
	unsigned char r[16];
	char          pw[2 * sizeof(r) + 1];

	if (sodium_init() < 0)
		return;
	randombytes_buf(r, sizeof(r));
	str_hex(pw, r, sizeof(r));
	dummy_ok = password_hash(pw, dummy_hash);
	sodium_memzero(r, sizeof(r));
	sodium_memzero(pw, sizeof(pw));
}

void
password_verify_dummy(const char *pw)
{
	size_t n;

	pthread_once(&dummy_once, dummy_init);
	if (!dummy_ok)
		return;
	if (pw == NULL)
		pw = "";
	n = strnlen(pw, PASSWORD_MAX_BYTES);
	if (crypto_pwhash_str_verify(dummy_hash, pw, n) == 0) {
		/* the dummy password is random: nobody can know it, and the answer is thrown away anyway */
	}
}
