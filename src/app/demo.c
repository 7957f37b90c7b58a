/*
 * demo.c - the demo content of `seed --demo`, made the way real input is: each entity is a draft of text
 * values validated by entity_validate against the site's schema, then written by entity_insert.
 *
 * Everything is invented. Company names join a Gunma place word with a coined word; street addresses use
 * made-up town names; web and e-mail addresses are under the reserved domain example.jp; telephone numbers
 * have a subscriber part starting with 0, which no real Japanese number has. A fixed xorshift seed makes the
 * content the same on every run (dates are relative to the day it runs).
 */
#include "app/demo.h"
#include "content/entity.h"
#include "content/event.h"
#include "core/buf.h"
#include "core/jtime.h"
#include "core/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEMO_SEED  0x2545f4914f6cdd1dULL
#define DEMO_POOL  (64 * 1024)   /* bytes of text values of one entity */
#define DEMO_PICTURES 32      /* distinct drawn pictures, shared among entities */
#define DAY        86400
#define JST_OFFSET (9 * 3600)

typedef struct gen {
	db_t                *db;
	const schema_t      *s;
	int64_t              today;   /* JST midnight of the day the seed runs */
	int64_t              now;
	uint64_t             rng;
	char                *err;
	size_t               errlen;
	bool                 ok;
	const schema_type_t *t;       /* the entity being filled */
	entity_draft_t       d;
	char                 pool[DEMO_POOL];
	size_t               used;
	struct { demo_picture_t kind; unsigned seed; int64_t id; } pictures[DEMO_PICTURES]; /* drawn so far */
	size_t               npictures;
	int64_t              last_id;  /* the entity save() wrote last */
} gen_t;

/* ---- generator primitives ---- */

static uint64_t
rnd(gen_t *g)
{
	uint64_t x = g->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	g->rng = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static void set(gen_t *g, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* An image field: a drawn picture (demo_images.c), or nothing when it cannot be made. */
static void
picture(gen_t *g, const char *field, demo_picture_t kind, unsigned seed, const char *text)
{
	int64_t id = 0;
	size_t i;

	for (i = 0; i < g->npictures && id == 0; i++)
		if (g->pictures[i].kind == kind && g->pictures[i].seed == seed && kind != DEMO_PICTURE_BANNER)
			id = g->pictures[i].id;
	if (id == 0) {
		id = demo_picture(g->db, kind, seed, text, g->now);
		if (id > 0 && g->npictures < DEMO_PICTURES && kind != DEMO_PICTURE_BANNER) {
			g->pictures[g->npictures].kind = kind;
			g->pictures[g->npictures].seed = seed;
			g->pictures[g->npictures++].id = id;
		}
	}
	if (id > 0)
		set(g, field, "%lld", (long long)id);
}

static int
pick(gen_t *g, int n)
{
	return (int)(rnd(g) % (uint64_t)n);
}

#define ONE_OF(g, arr) ((arr)[pick((g), (int)(sizeof(arr) / sizeof((arr)[0])))])

static void __attribute__((format(printf, 2, 3)))
fail(gen_t *g, const char *fmt, ...)
{
	va_list ap;

	if (!g->ok)
		return;
	g->ok = false;
	va_start(ap, fmt);
	vsnprintf(g->err, g->errlen, fmt, ap);
	va_end(ap);
}

/* Copies formatted text into the entity's pool; the draft points into it. */
static const char * __attribute__((format(printf, 2, 3)))
keep(gen_t *g, const char *fmt, ...)
{
	va_list ap;
	size_t room = sizeof(g->pool) - g->used;
	char *p = g->pool + g->used;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(p, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		fail(g, "demo: the text of one %s does not fit in %d bytes", g->t ? g->t->name : "entity", DEMO_POOL);
		return "";
	}
	g->used += (size_t)n + 1;
	return p;
}

static void
begin(gen_t *g, const char *type)
{
	g->t = schema_type(g->s, type);
	if (g->t == NULL)
		fail(g, "demo: the site has no content type %s", type);
	memset(&g->d, 0, sizeof(g->d));
	g->d.type = g->t;
	g->used = 0;
}

static void __attribute__((format(printf, 3, 4)))
set(gen_t *g, const char *field, const char *fmt, ...)
{
	char tmp[DEMO_POOL];
	va_list ap;
	int i, n;

	if (g->t == NULL)
		return;
	if ((i = schema_field_index(g->t, field)) < 0) {
		fail(g, "demo: type %s has no field %s (sites/*/schema.json and src/app/demo.c disagree)", g->t->name, field);
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		fail(g, "demo: %s.%s is too long", g->t->name, field);
		return;
	}
	g->d.values[i] = keep(g, "%s", tmp);
}

/* A date `days` from today, as YYYY-MM-DD. */
static const char *
ymd(gen_t *g, int days)
{
	buf_t b = BUF_INIT;
	const char *s;

	jtime_format(&b, g->today + (int64_t)days * DAY, "ymd");
	s = keep(g, "%s", b.data ? b.data : "");
	buf_free(&b);
	return s;
}

/* A date `days` from today as shown on a page: 2026年8月20日（木）. */
static const char *
jdate(gen_t *g, int days)
{
	static const char *const wd[] = { "日", "月", "火", "水", "木", "金", "土" };
	struct tm tm;

	jtime_jst(g->today + (int64_t)days * DAY + 12 * 3600, &tm);
	return keep(g, "%d年%d月%d日（%s）", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, wd[tm.tm_wday % 7]);
}

static void
listing(gen_t *g, const char *status, int start_days, int end_days, const char *department)
{
	g->d.status = status;
	g->d.listing_start = ymd(g, start_days);
	g->d.listing_end = end_days != 0 ? ymd(g, end_days) : NULL;
	g->d.department = department;
}

/* Validates and writes the filled entity. */
static void
save(gen_t *g, int *count)
{
	entity_ready_t e;
	buf_t errors = BUF_INIT;
	int64_t id;
	int ti;

	if (!g->ok || g->t == NULL)
		return;
	if (!entity_validate(g->db, &g->d, &e, &errors)) {
		ti = g->t->title_field;
		fail(g, "demo: %s「%s」: %s", g->t->label, g->d.values[ti] ? g->d.values[ti] : "",
		    errors.data ? errors.data : "invalid");
		buf_free(&errors);
		return;
	}
	buf_free(&errors);
	if (!entity_insert(g->db, &e, g->now, &id))
		fail(g, "demo: %s「%s」: cannot be written: %s", g->t->label, e.title, db_errmsg(g->db));
	else {
		(*count)++;
		g->last_id = id;
	}
	entity_ready_free(&e);
}

/* 1234567 -> "1,234,567" */
static const char *
yen(gen_t *g, long v)
{
	char digits[32], out[48];
	size_t n, i, k = 0;

	snprintf(digits, sizeof(digits), "%ld", v);
	n = strlen(digits);
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = digits[i];
	}
	out[k] = '\0';
	return keep(g, "%s", out);
}

/* ---- companies ---- */

typedef struct company {
	const char   *name;
	const char   *kana;
	const char   *slug;      /* web and mail host under example.jp */
	char          industry;  /* JSIC major group */
	const char   *muni;      /* 市町村 name */
	const char   *product;   /* what it makes or does */
	const char   *strength;  /* one sentence for 魅力 */
	unsigned char jobs[3];   /* job_kinds */
} company_t;

static const company_t companies[] = {
	{ "株式会社榛名クラフトメタル", "はるなくらふとめたる", "haruna-craftmetal", 'E', "高崎市", "自動車用の精密プレス部品",
	  "金型の設計から量産までを社内で一貫して行い、若手が早くから設計に関われます。", { 4, 6, 0 } },
	{ "上州ミナモ精機株式会社", "じょうしゅうみなもせいき", "minamo-seiki", 'E', "前橋市", "食品工場向けの充填機・包装機",
	  "お客様ごとに一台ずつ設計する機械で、完成まで見届けるやりがいがあります。", { 7, 0, 5 } },
	{ "株式会社利根ハーモ工業", "とねはーもこうぎょう", "tone-harmo", 'E', "沼田市", "住宅用アルミサッシの部材",
	  "地元出身の社員が多く、子育てと両立しながら長く働く先輩がたくさんいます。", { 4, 5, 33 } },
	{ "妙義フロウテック株式会社", "みょうぎふろうてっく", "myogi-flowtech", 'E', "安中市", "産業用のバルブと配管継手",
	  "国内外の化学プラントで使われる製品を、少人数のチームで開発しています。", { 6, 1, 3 } },
	{ "株式会社からっ風モビリティ", "からっかぜもびりてぃ", "karakkaze-mobility", 'E', "太田市", "電動車向けのワイヤーハーネス",
	  "電動化で伸びる分野の部品を手がけ、改善提案制度で現場の声が形になります。", { 4, 5, 7 } },
	{ "碓氷ソラノ化成株式会社", "うすいそらのかせい", "usui-sorano", 'E', "安中市", "医療機器向けの樹脂成形品",
	  "クリーンルームでの製造で、人の命を支える製品に携わることができます。", { 5, 4, 2 } },
	{ "株式会社赤城ルミナ食品", "あかぎるみなしょくひん", "akagi-lumina", 'E', "前橋市", "群馬県産の小麦を使った冷凍めん",
	  "県産の原料にこだわった商品づくりで、新商品の試食会には全社員が参加します。", { 4, 0, 5 } },
	{ "株式会社浅間リーフ製菓", "あさまりーふせいか", "asama-leaf", 'E', "富岡市", "焼き菓子とギフト用の菓子",
	  "直営店もあり、自分たちが作ったお菓子をお客様が選ぶ姿を見ることができます。", { 4, 15, 33 } },
	{ "株式会社鏑川ナノマテリアル", "かぶらがわなのまてりある", "kaburagawa-nano", 'E', "富岡市", "電子部品用の機能性コーティング材",
	  "大学との共同研究を続けており、研究開発職の半数が県内の大学の出身です。", { 6, 5, 1 } },
	{ "株式会社桐生オリノテキスタイル", "きりゅうおりのてきすたいる", "kiryu-orino", 'E', "桐生市", "ジャカード織物とオリジナル生地",
	  "伝統の織物の技術に新しいデザインを組み合わせ、アパレル各社に生地を届けています。", { 4, 1, 10 } },
	{ "株式会社千代田ミツルギ電機", "ちよだみつるぎでんき", "mitsurugi-denki", 'E', "千代田町", "工場向けの制御盤と配電盤",
	  "設計・製造・据付までを担うため、電気の仕事を幅広く覚えられます。", { 7, 13, 0 } },
	{ "株式会社伊勢崎コモレビ工房", "いせさきこもれびこうぼう", "komorebi-kobo", 'E', "伊勢崎市", "木製の家具と子ども向けの遊具",
	  "県産材を使った家具づくりで、保育園や図書館など地域の施設にも製品が並びます。", { 4, 1, 3 } },
	{ "株式会社赤城ピクセラボ", "あかぎぴくせらぼ", "akagi-pixelab", 'G', "前橋市", "自治体・医療機関向けの業務システム",
	  "県内のお客様が中心のため出張が少なく、リモートワークも選べます。", { 8, 9, 35 } },
	{ "上州データノーツ株式会社", "じょうしゅうでーたのーつ", "datanotes", 'G', "高崎市", "製造業向けのデータ分析とIoTシステム",
	  "工場の現場に出向いて課題を聞き、データで解決するところまで担当します。", { 8, 1, 9 } },
	{ "株式会社烏川クラウドリンク", "からすがわくらうどりんく", "karasugawa-cloudlink", 'G', "高崎市", "中小企業向けのクラウド会計・勤怠サービス",
	  "自社サービスの開発で、利用者の声を聞きながら毎週機能を改善しています。", { 9, 35, 2 } },
	{ "株式会社ぐんまカナデ映像企画", "ぐんまかなでえいぞうきかく", "kanade-eizo", 'G', "前橋市", "地域の番組と企業PR動画の制作",
	  "企画から撮影・編集まで少人数で担当し、群馬の魅力を映像で伝えています。", { 11, 10, 1 } },
	{ "株式会社わたらせスマートワークス", "わたらせすまーとわーくす", "watarase-smart", 'G', "みどり市", "スマートフォンアプリとウェブサイトの開発",
	  "自然に囲まれたオフィスで、首都圏の企業の仕事にも群馬から携わっています。", { 8, 10, 3 } },
	{ "株式会社吾妻ミヤビ建設", "あがつまみやびけんせつ", "agatsuma-miyabi", 'D', "東吾妻町", "道路・河川の公共工事と住宅の基礎工事",
	  "地域の道や川を守る仕事で、災害時には町の復旧にも力を尽くしています。", { 12, 2, 14 } },
	{ "株式会社子持山ホーム工房", "こもちやまほーむこうぼう", "komochiyama-home", 'D', "渋川市", "県産材を使った木造の注文住宅",
	  "設計から引き渡しまで同じ担当者がお客様に寄り添う家づくりを続けています。", { 12, 26, 1 } },
	{ "株式会社前橋アオゾラ設備", "まえばしあおぞらせつび", "aozora-setsubi", 'D', "前橋市", "空調と給排水の設備工事",
	  "資格取得の費用は会社が負担し、毎年数名が国家資格に合格しています。", { 14, 12, 2 } },
	{ "株式会社藤岡トモシビ電設", "ふじおかともしびでんせつ", "tomoshibi-densetsu", 'D', "藤岡市", "工場・学校の電気工事と太陽光発電設備",
	  "再生可能エネルギーの工事が増えており、未経験から電気工事士を目指せます。", { 13, 12, 1 } },
	{ "株式会社上州まほろば商事", "じょうしゅうまほろばしょうじ", "mahoroba-shoji", 'I', "高崎市", "飲食店向けの業務用食品の卸売",
	  "県内約800店の飲食店と取引があり、地域の食を支える仕事です。", { 0, 16, 33 } },
	{ "株式会社ひがしもうフレッシュマート", "ひがしもうふれっしゅまーと", "higashimo-fresh", 'I', "館林市", "地域密着型の食品スーパー（県内6店舗）",
	  "地元の農家と直接取引した野菜を並べ、売場づくりを任される機会が多くあります。", { 15, 34, 17 } },
	{ "株式会社玉村ソヨカ", "たまむらそよか", "tamamura-soyoka", 'I', "玉村町", "住宅設備機器の専門商社",
	  "工務店や設備会社との長い取引が強みで、営業は既存のお客様が中心です。", { 1, 33, 16 } },
	{ "株式会社伊勢崎ミツバ農機", "いせさきみつばのうき", "mitsuba-noki", 'I', "伊勢崎市", "農業機械の販売と整備",
	  "農家の皆さんと顔なじみになり、頼りにされる喜びがある仕事です。", { 0, 36, 2 } },
	{ "株式会社高崎ヒカリノ薬局", "たかさきひかりのやっきょく", "hikarino-pharmacy", 'I', "高崎市", "調剤薬局とドラッグストア（県内9店舗）",
	  "地域のかかりつけ薬局として、在宅訪問や健康相談にも取り組んでいます。", { 32, 15, 34 } },
	{ "医療法人社団 榛名ほほえみ会", "はるなほほえみかい", "haruna-hohoemi", 'P', "高崎市", "内科・リハビリテーション科の病院と訪問看護",
	  "院内保育所があり、育児休業からの復帰率はほぼ100%です。", { 18, 19, 2 } },
	{ "社会福祉法人 わたらせ陽だまり会", "わたらせひだまりかい", "watarase-hidamari", 'P', "桐生市", "特別養護老人ホームとデイサービス",
	  "介護福祉士の資格取得を法人が支援し、未経験から始めた職員が多く活躍しています。", { 19, 18, 22 } },
	{ "社会福祉法人 赤城ツムギ福祉会", "あかぎつむぎふくしかい", "akagi-tsumugi", 'P', "前橋市", "障害者支援施設とグループホーム",
	  "利用者一人ひとりの「できた」を一緒に喜べる、あたたかい職場です。", { 21, 19, 3 } },
	{ "医療法人 利根すずかけクリニック", "とねすずかけくりにっく", "tone-suzukake", 'P', "沼田市", "地域の診療所と健診センター",
	  "夜勤がなく、日曜・祝日は休みのため、生活のリズムを保って働けます。", { 18, 2, 19 } },
	{ "株式会社ぐんまココネ保育", "ぐんまここねほいく", "kokone-hoiku", 'P', "伊勢崎市", "企業主導型の保育園と学童クラブ",
	  "少人数の保育で、子ども一人ひとりとじっくり向き合えます。", { 20, 22, 2 } },
	{ "利根ウィングロジ株式会社", "とねうぃんぐろじ", "tone-winglogi", 'H', "伊勢崎市", "食品・日用品の共同配送と倉庫管理",
	  "北関東の物流の拠点として、県内の店舗に毎日商品を届けています。", { 16, 17, 3 } },
	{ "株式会社からっ風エクスプレス", "からっかぜえくすぷれす", "karakkaze-express", 'H', "太田市", "自動車部品の輸送",
	  "決まったルートの運行が中心で、日帰りの勤務です。", { 16, 33, 17 } },
	{ "株式会社榛東ミドリ交通", "しんとうみどりこうつう", "shinto-midori", 'H', "榛東村", "路線バスと福祉タクシー",
	  "大型二種免許の取得費用を全額補助し、未経験から運転士を育てています。", { 31, 2, 16 } },
	{ "株式会社草津ユケムリ企画", "くさつゆけむりきかく", "kusatsu-yukemuri", 'M', "草津町", "温泉旅館2館の運営",
	  "国内外からのお客様を迎える仕事で、語学を生かせる場面もあります。", { 23, 22, 29 } },
	{ "株式会社みなかみシズク観光", "みなかみしずくかんこう", "minakami-shizuku", 'M', "みなかみ町", "ホテルとアウトドア体験施設の運営",
	  "ラフティングなどの体験プログラムの企画にも、若手が挑戦しています。", { 23, 1, 22 } },
	{ "株式会社前橋ハルニレ食堂", "まえばしはるにれしょくどう", "harunire-shokudo", 'M', "前橋市", "定食・カフェレストラン（県内5店舗）",
	  "県産の野菜を使ったメニューづくりに、店舗のスタッフも参加できます。", { 22, 34, 15 } },
	{ "株式会社嬬恋ソライロ農園", "つまごいそらいろのうえん", "tsumagoi-sorairo", 'A', "嬬恋村", "高原キャベツの栽培と加工品",
	  "農業を会社として営み、冬は加工品づくりや営業で一年を通して働けます。", { 24, 17, 33 } },
	{ "株式会社高崎ユイマール不動産", "たかさきゆいまーるふどうさん", "yuimaru-fudosan", 'K', "高崎市", "賃貸住宅の仲介と管理",
	  "転勤や進学で群馬に来る方の住まい探しを、地域を知り尽くした目で手伝います。", { 25, 2, 3 } },
	{ "株式会社赤城ミトラ設計", "あかぎみとらせっけい", "akagi-mitra", 'L', "前橋市", "公共施設と住宅の建築設計",
	  "学校や図書館など、地域に長く残る建物の設計に携われます。", { 26, 12, 2 } },
	{ "上州ルクス検査センター株式会社", "じょうしゅうるくすけんさせんたー", "lux-kensa", 'L', "高崎市", "食品・水質の分析検査",
	  "理系の知識を生かして、食と水の安全を支える仕事です。", { 27, 0, 33 } },
	{ "学校法人 赤城マナビノ学園", "あかぎまなびのがくえん", "manabino-gakuen", 'O', "前橋市", "情報・医療事務系の専門学校の運営",
	  "学生の就職を一緒に喜べる仕事で、教員の多くが業界の経験者です。", { 28, 3, 1 } },
	{ "株式会社妙義クリーンスタッフ", "みょうぎくりーんすたっふ", "myogi-clean", 'R', "高崎市", "オフィスビルや病院の清掃と設備管理",
	  "短時間勤務や午前のみの勤務など、生活に合わせた働き方を選べます。", { 29, 0, 3 } },
	{ "株式会社吉岡ヨリソイ警備", "よしおかよりそいけいび", "yorisoi-keibi", 'R', "吉岡町", "施設警備とイベントの交通誘導",
	  "研修を終えてから現場に出るので、未経験でも安心して始められます。", { 30, 2, 29 } },
};
#define NCOMPANIES ((int)(sizeof(companies) / sizeof(companies[0])))
#define EXPIRED_COMPANY (NCOMPANIES - 1)  /* its listing period has ended (an archive, G24) */

static const char *const towns[] = { "ゆいの丘", "こもれび台", "ひばり野", "あかね台", "みずほ野", "つばさ町", "ほたる野", "かざはや町" };

static bool
is_kabushiki(const company_t *c)
{
	return strstr(c->name, "株式会社") != NULL;
}

static const char *
address(gen_t *g, int ci)
{
	const company_t *c = &companies[ci];

	return keep(g, "%s%s%d丁目%d-%d", c->muni, towns[ci % 8], ci % 5 + 1, (ci * 7) % 20 + 1, (ci * 3) % 15 + 1);
}

/* 027-0NN-NNNN: a subscriber part starting with 0 is never assigned. */
static const char *
phone(gen_t *g, int ci, int line)
{
	return keep(g, "027-0%02d-%04d", (ci * 13 + 11) % 100, (ci * 379 + line * 17 + 1234) % 10000);
}

static const char *const surnames[] = { "高橋", "小林", "新井", "斎藤", "清水", "星野", "金子", "吉田", "佐藤", "関口",
	"茂木", "須藤", "阿部", "松本", "田村", "中島" };
static const char *const given[] = { "健一", "由美子", "誠", "直樹", "美穂", "隆", "恵子", "大輔", "真理", "浩二", "智子", "亮" };

/* Fills {c} (the company's name) and {p} (its product) into a text. */
static const char *
expand(gen_t *g, const char *tmpl, const company_t *c)
{
	buf_t b = BUF_INIT;
	const char *p, *s;

	for (p = tmpl; *p != '\0'; p++) {
		if (strncmp(p, "{c}", 3) == 0) {
			buf_puts(&b, c->name);
			p += 2;
		} else if (strncmp(p, "{p}", 3) == 0) {
			buf_puts(&b, c->product);
			p += 2;
		} else {
			buf_putc(&b, *p);
		}
	}
	s = keep(g, "%s", b.data ? b.data : "");
	buf_free(&b);
	return s;
}

/* ---- job offers ---- */

typedef struct job_kind {
	const char *title;
	const char *occupation;  /* 職種 code */
	const char *employment;  /* 雇用形態 code */
	int         pay;         /* monthly (thousand yen), or hourly yen for part-time */
	const char *hours;       /* NULL: office hours */
	const char *description; /* {c} company, {p} product */
	const char *qualifications;
} job_kind_t;

static const job_kind_t job_kinds[] = {
	/* 0 */ { "法人営業（ルート営業）", "07", "seishain", 210, NULL,
	  "既存のお取引先を訪問し、{p}の提案から受注後のフォローまでを担当します。入社後3か月は先輩社員に同行し、商品知識と提案の進め方を身につけていただきます。",
	  "普通自動車運転免許（AT限定可）" },
	/* 1 */ { "提案営業（新規開拓）", "07", "seishain", 220, NULL,
	  "{c}の{p}を、県内外の新しいお客様に提案する営業です。展示会やウェブからのお問い合わせが中心で、飛び込み営業はありません。",
	  "普通自動車運転免許（AT限定可）。営業経験は問いません。" },
	/* 2 */ { "一般事務", "06", "seishain", 185, NULL,
	  "受発注の入力、電話・来客対応、書類の作成など、事務全般をお任せします。部署を越えて社員を支える大切な仕事です。",
	  "基本的なパソコン操作（Word・Excel）ができる方" },
	/* 3 */ { "経理・総務スタッフ", "06", "seishain", 195, NULL,
	  "請求書の発行、経費の精算、給与計算の補助、社内行事の準備などを担当します。会計ソフトの使い方は入社後に覚えられます。",
	  "日商簿記3級以上があれば尚可" },
	/* 4 */ { "製造スタッフ（機械オペレーター）", "12", "seishain", 200, "8:00〜17:00（休憩60分）※繁忙期は交替勤務あり",
	  "{p}の製造ラインで、機械の操作、材料の補充、製品の検査を担当します。手順書と先輩の指導があるので、未経験の方も安心です。",
	  "特になし（フォークリフト免許は入社後に取得支援）" },
	/* 5 */ { "品質管理スタッフ", "02", "seishain", 205, NULL,
	  "{p}の寸法・外観の検査、検査記録の作成、不具合が出たときの原因調査と対策を担当します。",
	  "理系の学校を卒業した方、または品質管理の経験がある方" },
	/* 6 */ { "生産技術エンジニア", "02", "seishain", 230, NULL,
	  "{p}の製造工程の改善、新しい設備の導入、作業の自動化の企画を担当します。現場と一緒に考え、形にするまで関われます。",
	  "機械・電気系の知識がある方。CADの経験があれば尚可。" },
	/* 7 */ { "機械設計エンジニア（CAD）", "02", "seishain", 235, NULL,
	  "3次元CADを使って{p}の設計を担当します。お客様との打合せから試作・評価まで、先輩とチームで進めます。",
	  "機械設計の経験、またはCADの使用経験がある方" },
	/* 8 */ { "システムエンジニア", "02", "seishain", 240, NULL,
	  "{p}の要件の打合せ、設計、開発、導入後のサポートを担当します。開発言語は主にJavaとTypeScriptです。",
	  "システム開発の経験が1年以上ある方" },
	/* 9 */ { "プログラマー（未経験歓迎）", "02", "seishain", 205, NULL,
	  "入社後2か月の研修でプログラミングの基礎を学び、その後は{p}の開発チームで先輩と一緒にプログラムを作ります。",
	  "特になし（プログラミングに興味のある方）" },
	/* 10 */ { "Webデザイナー", "03", "seishain", 210, NULL,
	  "{c}の製品やお客様のウェブサイト、パンフレットのデザインを担当します。使いやすさと分かりやすさを大切にしたデザインを目指しています。",
	  "デザインソフトの使用経験がある方。作品の提出をお願いします。" },
	/* 11 */ { "映像制作アシスタント", "03", "keiyaku", 195, NULL,
	  "撮影の準備、機材の管理、映像の編集補助を担当します。経験を積んだ後はディレクターとして企画から担当していただきます。",
	  "普通自動車運転免許。映像編集の経験があれば尚可。" },
	/* 12 */ { "施工管理（建築・土木）", "14", "seishain", 250, "8:00〜17:00（休憩90分）",
	  "工事現場の工程・品質・安全の管理、職人さんとの打合せ、書類の作成を担当します。資格取得まで会社が支援します。",
	  "普通自動車運転免許。施工管理技士の資格があれば優遇します。" },
	/* 13 */ { "電気工事スタッフ", "14", "seishain", 215, "8:00〜17:00（休憩90分）",
	  "工場や学校、太陽光発電設備の配線工事、照明や分電盤の取付けを担当します。未経験の方は先輩の補助から始めます。",
	  "普通自動車運転免許。第二種電気工事士があれば尚可。" },
	/* 14 */ { "設備工事スタッフ（空調・給排水）", "14", "seishain", 215, "8:00〜17:00（休憩90分）",
	  "住宅や店舗、工場の空調機器・給排水設備の取付けと点検を担当します。",
	  "普通自動車運転免許" },
	/* 15 */ { "店舗スタッフ（販売）", "07", "part", 1080, "9:00〜20:00の間で1日4時間〜（シフト制）",
	  "レジ、商品の品出し、売場づくり、お客様のご案内を担当します。扶養の範囲内での勤務も相談できます。",
	  "特になし" },
	/* 16 */ { "配送ドライバー（中型）", "13", "seishain", 240, "6:00〜15:00（休憩60分）",
	  "県内の店舗や取引先へ、決まったルートで商品を配送します。荷物の積み下ろしは台車やパワーゲートを使います。",
	  "中型自動車運転免許（8t限定可）" },
	/* 17 */ { "倉庫内作業スタッフ", "15", "part", 1100, "8:30〜17:30の間で1日5時間〜（シフト制）",
	  "商品の仕分け、ピッキング、検品、梱包を担当します。ハンディ端末の使い方は丁寧にお教えします。",
	  "特になし" },
	/* 18 */ { "看護師", "04", "seishain", 260, "日勤 8:30〜17:00／夜勤 16:30〜翌9:00（月4回程度）",
	  "外来・病棟での看護業務を担当します。プリセプター制度があり、ブランクのある方も段階的に業務に慣れていただけます。",
	  "看護師免許" },
	/* 19 */ { "介護職員", "08", "seishain", 205, "シフト制（早番 7:00〜16:00／日勤 9:00〜18:00／遅番 11:00〜20:00）",
	  "食事・入浴・排せつの介助、レクリエーションの企画、ご家族との連絡を担当します。",
	  "特になし（介護職員初任者研修の取得を支援します）" },
	/* 20 */ { "保育士", "05", "seishain", 200, "7:30〜19:00の間で実働8時間（シフト制）",
	  "0〜5歳児の保育、保護者との連絡、行事の企画を担当します。1クラスの人数が少なく、一人ひとりに目が届きます。",
	  "保育士資格" },
	/* 21 */ { "生活支援員", "08", "seishain", 200, "シフト制（日勤 8:30〜17:30／宿直 月2回程度）",
	  "障害のある方の日中活動や生活の支援、作業の付き添い、記録の作成を担当します。",
	  "特になし（福祉の資格があれば優遇）" },
	/* 22 */ { "調理スタッフ", "09", "part", 1100, "6:00〜20:00の間で1日4時間〜（シフト制）",
	  "決められたレシピに沿った調理、盛り付け、食器洗浄を担当します。",
	  "特になし（調理師免許があれば優遇）" },
	/* 23 */ { "フロント・接客スタッフ", "09", "seishain", 200, "シフト制（7:00〜16:00／13:00〜22:00）",
	  "チェックイン・アウトの手続き、ご予約の管理、館内のご案内を担当します。",
	  "特になし（英語など語学ができる方は優遇）" },
	/* 24 */ { "農業スタッフ（野菜の栽培・出荷）", "11", "keiyaku", 195, "5:00〜14:00（夏季）／8:00〜17:00（冬季）",
	  "キャベツの植付け、収穫、出荷作業を担当します。冬季は加工品の製造や出荷作業が中心です。",
	  "普通自動車運転免許（MT）" },
	/* 25 */ { "不動産の賃貸営業", "07", "seishain", 210, "9:30〜18:30（休憩60分）",
	  "賃貸住宅をお探しのお客様へのご案内、契約手続き、入居後のサポートを担当します。",
	  "普通自動車運転免許（AT限定可）。宅地建物取引士があれば優遇します。" },
	/* 26 */ { "建築設計スタッフ", "02", "seishain", 230, NULL,
	  "公共施設や住宅の基本設計・実施設計、図面の作成、役所との協議を担当します。",
	  "建築系の学校を卒業した方。二級建築士以上があれば尚可。" },
	/* 27 */ { "分析スタッフ（食品・水質）", "02", "seishain", 210, NULL,
	  "食品や水の分析検査、機器の保守、報告書の作成を担当します。",
	  "化学・生物系の学校を卒業した方" },
	/* 28 */ { "専門学校の教員（情報分野）", "05", "seishain", 240, NULL,
	  "プログラミングや情報処理の授業、資格試験の指導、学生の就職支援を担当します。",
	  "IT業界での実務経験が3年以上ある方" },
	/* 29 */ { "清掃スタッフ", "15", "part", 1080, "7:00〜12:00の間で1日3時間〜",
	  "オフィスや客室の清掃、備品の補充を担当します。午前のみの勤務も歓迎します。",
	  "特になし" },
	/* 30 */ { "施設警備員", "10", "seishain", 200, "24時間勤務（8:00〜翌8:00、仮眠あり）の交替制",
	  "商業施設や工場の出入管理、巡回、防災設備の監視を担当します。法定の新任研修を受けてから配属します。",
	  "特になし" },
	/* 31 */ { "バス運転士", "13", "seishain", 230, "シフト制（1日実働8時間）",
	  "路線バスと福祉タクシーの運転を担当します。大型二種免許がない方は、取得費用を会社が負担します。",
	  "普通自動車運転免許（取得後3年以上）" },
	/* 32 */ { "薬剤師", "04", "seishain", 330, "9:00〜18:30の間で実働8時間（シフト制）",
	  "調剤、服薬指導、在宅訪問、地域の健康相談会を担当します。",
	  "薬剤師免許" },
	/* 33 */ { "営業事務", "06", "seishain", 190, NULL,
	  "受注の入力、納期の調整、見積書の作成など、営業担当者をサポートする事務です。",
	  "基本的なパソコン操作（Word・Excel）ができる方" },
	/* 34 */ { "店長候補", "01", "seishain", 240, "シフト制（1日実働8時間）",
	  "店舗での業務を覚えた後、スタッフの育成、売上の管理、売場づくりなど店舗運営を担当します。",
	  "特になし（接客や販売の経験があれば尚可）" },
	/* 35 */ { "ITサポート営業", "07", "seishain", 215, NULL,
	  "{p}を導入したお客様を訪問し、使い方の説明や困りごとの相談、追加機能の提案を担当します。",
	  "普通自動車運転免許（AT限定可）" },
	/* 36 */ { "農業機械の整備スタッフ", "12", "seishain", 205, NULL,
	  "トラクターやコンバインの点検・修理、農家への納品を担当します。",
	  "普通自動車運転免許（MT）。整備士資格は入社後に取得を支援します。" },
};

static const char *const office_hours[] = { "8:30〜17:30（休憩60分）", "9:00〜18:00（休憩60分）", "8:30〜17:15（休憩45分）" };
static const struct { const char *text; int days; } holidays[] = {
	{ "土日祝（会社カレンダーによる）、夏季・年末年始休暇、有給休暇", 120 },
	{ "週休2日制（シフト制・月9日）、夏季休暇、有給休暇", 110 },
	{ "日曜・祝日、第2・第4土曜、年末年始休暇、有給休暇", 105 },
	{ "土日（祝日は出勤の週あり）、GW・夏季・年末年始休暇、有給休暇", 115 },
	{ "完全週休2日制（土日）、祝日、年末年始休暇、有給休暇、慶弔休暇", 125 },
};
static const char *const targets[] = { "新卒|既卒|第二新卒", "既卒|中途|UIJターン", "新卒|高校生", "第二新卒|中途",
	"新卒|既卒|UIJターン", "大学・短大・専門学校生|新卒" };
static const char *const openings[] = { "1名", "2名", "3名", "若干名", "1〜2名" };
static const char *const overtime[] = { "月平均10時間程度", "月平均20時間程度", "原則なし", "繁忙期（12月・3月）に月15時間程度" };
static const char *const education[] = { "高卒以上", "大卒以上", "専門卒以上", "不問" };
static const char *const allowances[] = {
	"通勤手当（上限月2万円）、家族手当、資格手当",
	"通勤手当（規定による）、住宅手当（月1万円）、役職手当",
	"通勤手当、皆勤手当、時間外手当（全額支給）",
	"通勤手当、夜勤手当、資格手当、処遇改善手当",
};
static const char *const welfare[] = {
	"社会保険完備、退職金制度、資格取得支援制度、マイカー通勤可（無料駐車場あり）",
	"社会保険完備、退職金制度、社員食堂、制服貸与、育児・介護休業の取得実績あり",
	"社会保険完備、財形貯蓄、社員旅行、インフルエンザ予防接種の費用補助",
	"社会保険完備、企業型確定拠出年金、院内保育所、奨学金返済の支援",
};
static const char *const notes[] = {
	"職場見学を随時受け付けています。お気軽にお問い合わせください。",
	"UIJターンで応募される方には、面接時の交通費を支給します。",
	"入社後1か月は座学と実習の研修があります。",
	"子育て中の方は勤務時間の相談に応じます。",
};

static void
job(gen_t *g, int ci, int k, int n, int *count)
{
	const company_t *c = &companies[ci];
	const job_kind_t *j = &job_kinds[c->jobs[k]];
	bool part = strcmp(j->employment, "part") == 0, expired = n % 13 == 7 || ci == EXPIRED_COMPANY;
	const char *employment = j->employment;
	int h = pick(g, 5), end, retire;
	bool care = c->industry == 'P';

	begin(g, "job");
	if (n % 4 == 1)
		set(g, "title", "【%s】%s", c->muni, j->title);
	else
		set(g, "title", "%s", j->title);
	set(g, "company_name", "%s", c->name);
	set(g, "description", "%s\n%s", expand(g, j->description, c), c->strength);
	set(g, "occupation", "%s", j->occupation);
	set(g, "industry", "%c", c->industry);
	if (!part && pick(g, 8) == 0)
		employment = "keiyaku";
	set(g, "employment", "%s", employment);
	/* the items a job offer must state (B01, content/joblaw.h) */
	set(g, "duties_scope", "%s", pick(g, 2) ? "会社の定める業務" : "変更なし（雇入れ直後の業務に限る）");
	if (strcmp(employment, "seishain") == 0) {
		set(g, "contract_period", "期間の定めなし");
		set(g, "trial_period", "あり（3か月・労働条件は本採用と同じ）");
	} else {
		set(g, "contract_period", "期間の定めあり（1年）");
		set(g, "fixed_term_renewable", "はい");
		set(g, "renewal_rule", "契約更新の可能性あり（勤務成績・業務量により判断）。通算契約期間の上限5年");
		set(g, "trial_period", "なし");
	}
	set(g, "openings", "%s", ONE_OF(g, openings));
	set(g, "municipality", "%s", c->muni);
	set(g, "workplace", "本社（%s）", address(g, ci));
	set(g, "workplace_scope", "%s", pick(g, 3) == 0 ? "会社の定める県内の事業所" : "変更なし（本社）");
	set(g, "target", "%s", part ? "既卒|中途" : ONE_OF(g, targets));
	set(g, "hours", "%s", j->hours ? j->hours : ONE_OF(g, office_hours));
	set(g, "overtime", "%s", ONE_OF(g, overtime));
	set(g, "breaks", "%s", j->hours != NULL && strstr(j->hours, "45分") ? "45分" : "60分");
	set(g, "transfer", "%s", pick(g, 3) == 0 ? "あり（県内の事業所間）" : "なし");
	set(g, "education", "%s", ONE_OF(g, education));
	set(g, "qualifications", "%s", j->qualifications);
	retire = pick(g, 4) == 0 ? 65 : 60;
	set(g, "retirement_age", "%d歳", retire);
	set(g, "reemployment", "あり");
	set(g, "reemployment_age_limit", "%d", retire + 5);
	switch (pick(g, 3)) {
	case 0: set(g, "age_limit", "不問"); break;
	case 1:
		set(g, "age_limit", "%d歳以下（定年が%d歳のため）", retire - 1, retire);
		set(g, "age_limit_reason", "a");
		break;
	default:
		set(g, "age_limit", "35歳以下（長期勤続によるキャリア形成を図るため、若年者を期間の定めのない労働契約で募集）");
		set(g, "age_limit_reason", "c");
		break;
	}
	if (part) {
		int lo = j->pay + pick(g, 5) * 10;
		set(g, "salary", "時給 %s円〜%s円（経験により決定）", yen(g, lo), yen(g, lo + 100 + pick(g, 3) * 50));
		set(g, "bonus", "%s", pick(g, 2) ? "寸志あり（年2回）" : "なし");
		set(g, "raises", "あり（勤務評価による）");
	} else {
		long lo = (j->pay + pick(g, 4) * 5) * 1000L;
		set(g, "salary", "月給 %s円〜%s円（経験・能力を考慮して決定）", yen(g, lo), yen(g, lo + (30 + pick(g, 6) * 10) * 1000L));
		set(g, "bonus", "年2回（前年度実績 計%d.%dか月分）", 2 + pick(g, 3), pick(g, 2) * 5);
		set(g, "raises", "年1回（4月）");
	}
	set(g, "allowances", "%s", allowances[care ? 3 : pick(g, 3)]);
	set(g, "holidays", "%s", holidays[h].text);
	set(g, "annual_holidays", "%d", holidays[h].days);
	set(g, "welfare", "%s", welfare[care ? 3 : pick(g, 3)]);
	set(g, "insurance", "%s", part ? "雇用保険、労災保険（週20時間以上の勤務で健康保険・厚生年金）" : "雇用保険、労災保険、健康保険、厚生年金");
	set(g, "smoking", "%s", pick(g, 3) == 0 ? "屋内原則禁煙（喫煙専用室あり）" : "屋内禁煙");
	set(g, "notes", "%s", ONE_OF(g, notes));
	set(g, "how_to_apply", "履歴書（写真貼付）を下記の問い合わせ先まで郵送、またはメール（saiyo@%s.example.jp）でお送りください。書類選考の上、面接の日時をご連絡します。", c->slug);
	set(g, "contact", "%s 総務部 採用担当", c->name);
	set(g, "phone", "%s", phone(g, ci, 0));
	set(g, "handling_status", "%s", expired ? "掲載終了" : "掲載中");
	if (n % 6 == 0)
		set(g, "internal_memo", "掲載内容は電話で確認済み（デモデータ）。");
	if (expired) {
		end = -(1 + pick(g, 20));
		set(g, "deadline", "%s", ymd(g, end - 3));
		listing(g, "published", end - 60, end, n % 2 ? "shushoku" : "kigyo");
	} else {
		end = 30 + pick(g, 90);
		set(g, "deadline", "%s", ymd(g, end - pick(g, 10)));
		listing(g, n % 41 == 5 ? "draft" : "published", -(3 + pick(g, 60)), end, n % 2 ? "shushoku" : "kigyo");
	}
	save(g, count);
}

static const char *const certifications[] = { "くるみん", "えるぼし", "ユースエール", "健康経営優良法人", "プラチナくるみん",
	"群馬県いきいきGカンパニー", "トライくるみん", "もにす" };

static void
company(gen_t *g, int ci, int *count)
{
	const company_t *c = &companies[ci];
	char occ[64] = "";
	int k, employees = 12 + pick(g, 60) * (1 + pick(g, 8));

	begin(g, "company");
	set(g, "name", "%s", c->name);
	set(g, "name_kana", "%s", c->kana);
	set(g, "business", "%sに本社を置き、%sを手がけています。%s", c->muni, c->product,
	    c->industry == 'E' ? "材料の調達から加工・検査・出荷までを自社の工場で行っています。" :
	    c->industry == 'P' ? "地域の医療・福祉を支える事業所として、利用者とご家族に寄り添ったサービスを心がけています。" :
	    "地域のお客様との長いお付き合いを大切に、事業を広げてきました。");
	set(g, "industry", "%c", c->industry);
	for (k = 0; k < 3; k++) {
		const char *o = job_kinds[c->jobs[k]].occupation;
		if (strstr(occ, o) == NULL) {
			size_t l = strlen(occ);
			snprintf(occ + l, sizeof(occ) - l, "%s%s", l ? "|" : "", o);
		}
	}
	set(g, "occupation", "%s", occ);
	set(g, "target", "%s", ONE_OF(g, targets));
	set(g, "attractions", "%s\n・年間休日 %d日\n・平均勤続年数 %d.%d年\n・有給休暇の取得率 %d%%\n・平均年齢 %d歳", c->strength,
	    holidays[pick(g, 5)].days, 8 + pick(g, 10), pick(g, 10), 55 + pick(g, 40), 32 + pick(g, 14));
	set(g, "municipality", "%s", c->muni);
	set(g, "address", "%s", address(g, ci));
	set(g, "representative", "%s %s %s", is_kabushiki(c) ? "代表取締役" : "理事長", ONE_OF(g, surnames), ONE_OF(g, given));
	if (employees > 150)
		set(g, "offices", "本社（%s）\n第二事業所（%s）", c->muni, ci % 2 ? "前橋市" : "高崎市");
	else
		set(g, "offices", "本社（%s）", c->muni);
	k = 1948 + pick(g, 68);
	if (pick(g, 2))
		set(g, "founded", "創業 %d年／設立 %d年", k, k + 1 + pick(g, 10));
	else
		set(g, "founded", "設立 %d年", k);
	if (is_kabushiki(c))
		set(g, "capital", "%ld", (long)(10 + pick(g, 30) * 5) * 1000000L);
	set(g, "sales", "%d億%d,000万円（2025年3月期）", 1 + employees / 20 + pick(g, 20), pick(g, 10));
	set(g, "employees", "%d", employees);
	switch (pick(g, 4)) {
	case 0: break;
	case 1: set(g, "certifications", "%s", ONE_OF(g, certifications)); break;
	default: {
		int a = pick(g, 8), b = (a + 1 + pick(g, 7)) % 8;
		set(g, "certifications", "%s|%s", certifications[a], certifications[b]);
		break;
	}
	}
	set(g, "website", "https://%s.example.jp/", c->slug);
	if (ci % 2 == 0)
		set(g, "other_links", "採用情報|https://%s.example.jp/recruit/\n社員インタビュー|https://%s.example.jp/recruit/voice/",
		    c->slug, c->slug);
	set(g, "contact", "総務部 採用担当");
	set(g, "phone", "%s", phone(g, ci, 0));
	set(g, "email", "saiyo@%s.example.jp", c->slug);
	/* a few drawn pictures shared among the companies: drawing and encoding each takes a while */
	picture(g, "photo", DEMO_PICTURE_PHOTO, (unsigned)ci % 7, NULL);
	set(g, "photo_alt", "%sの社屋と周りの街並み（イメージ）", c->name);
	if (ci % 4 == 0)
		picture(g, "photo_2", DEMO_PICTURE_PHOTO, 7 + (unsigned)ci % 3, NULL);
	if (ci % 3 == 0) {
		set(g, "video_url", "https://video.example.jp/watch/%s", c->slug);
		picture(g, "video_thumbnail", DEMO_PICTURE_VIDEO, (unsigned)ci % 3, "企業紹介動画");
	}
	set(g, "recruiter_name", "%s（総務部）", ONE_OF(g, surnames));
	set(g, "recruiter_phone", "%s", phone(g, ci, 1));
	set(g, "recruiter_email", "jinji@%s.example.jp", c->slug);
	set(g, "internal_data", "前年度の採用実績：新卒%d名、中途%d名（デモデータ）", 1 + pick(g, 4), 1 + pick(g, 3));
	if (ci % 5 == 0)
		set(g, "internal_memo", "合同企業説明会への出展を希望（デモデータ）。");
	if (ci == EXPIRED_COMPANY)
		listing(g, "published", -400, -10, "kigyo");
	else
		listing(g, "published", -(30 + pick(g, 300)), 30 + pick(g, 120), "kigyo");
	save(g, count);
}

/* ---- internships ---- */

static const struct { char industry; const char *title; const char *content; int days; } internship_kinds[] = {
	{ 'E', "1day 仕事体験「ものづくりの現場を見てみよう」",
	  "工場を見学し、{p}ができるまでを学びます。午後は製造工程の一部を体験し、若手社員との座談会で働き方や職場の雰囲気を聞くことができます。", 1 },
	{ 'G', "3日間 プログラミング体験インターンシップ",
	  "社員と同じ開発環境で、小さなウェブアプリを作ります。最終日には作ったものを発表し、エンジニアからフィードバックを受けます。", 3 },
	{ 'D', "建設の仕事体験（現場見学と測量体験）",
	  "施工中の現場を見学し、測量機器を使った体験をします。建設の仕事の流れと、地域を支えるやりがいを知ることができます。", 1 },
	{ 'I', "1day 仕事体験（営業・店舗運営）",
	  "先輩社員の営業に同行したり、店舗の売場づくりを体験したりします。{p}の仕事の面白さを知ることができます。", 1 },
	{ 'P', "医療・福祉の仕事体験（施設見学と先輩との交流）",
	  "施設を見学し、利用者との交流やレクリエーションを体験します。資格取得の支援制度や働き方について、先輩職員に質問できます。", 1 },
	{ 'H', "物流センター見学と配送計画の体験",
	  "物流センターを見学し、配送ルートを考えるグループワークを行います。物流が地域の暮らしをどう支えているかを学びます。", 1 },
	{ 'M', "おもてなしの現場体験（2日間）",
	  "フロントでの接客、客室の準備、体験プログラムの運営を社員と一緒に行います。", 2 },
	{ 0, "1day 仕事体験（{c}の仕事を知る）",
	  "会社説明、職場見学、社員との座談会を通して、{p}に関わる仕事の内容を知ることができます。", 1 },
};

static void
internship(gen_t *g, int i, int ci, int *count)
{
	const company_t *c = &companies[ci];
	size_t k, nk = sizeof(internship_kinds) / sizeof(internship_kinds[0]);
	bool online = i % 4 == 3, past = i % 9 == 4;
	int start = past ? -20 - i : 14 + i * 3, days;

	for (k = 0; k + 1 < nk && internship_kinds[k].industry != c->industry; k++)
		;
	days = internship_kinds[k].days;
	begin(g, "internship");
	set(g, "title", "%s%s", expand(g, internship_kinds[k].title, c), online ? "【オンライン】" : "");
	set(g, "company_name", "%s", c->name);
	set(g, "content", "%s\n%s", expand(g, internship_kinds[k].content, c), c->strength);
	set(g, "occupation", "%s", job_kinds[c->jobs[0]].occupation);
	set(g, "industry", "%c", c->industry);
	if (days > 1)
		set(g, "schedule", "%s〜%s 各日10:00〜16:00（%d日間）", jdate(g, start), jdate(g, start + days - 1), days);
	else
		set(g, "schedule", "%s 10:00〜16:00", jdate(g, start));
	set(g, "start_date", "%s", ymd(g, start));
	set(g, "place", "%s", online ? "オンライン（ウェブ会議システム。URLは参加の確定後にお送りします）" : address(g, ci));
	set(g, "municipality", "%s", c->muni);
	set(g, "capacity", "%s", online ? "10名" : ONE_OF(g, openings) );
	set(g, "target", "%s", i % 5 == 2 ? "高校生" : "大学・短大・専門学校生");
	set(g, "eligibility", "%s", i % 5 == 2 ? "県内の高校に在学中の方（2年生以上）" : "大学・短大・専門学校に在学中の方（学年・学部は問いません）");
	set(g, "application_period", "%s〜%s", jdate(g, start - 40), jdate(g, start - 7));
	set(g, "deadline", "%s", ymd(g, start - 7));
	set(g, "flow", "このサイトの申込先へ連絡 → 参加確定のご連絡（メール） → 当日参加 → 参加後アンケート");
	set(g, "notes", "会場までの交通費は自己負担です。服装は自由です。%s", online ? "カメラとマイクが使える環境でご参加ください。" : "昼食は会社で用意します。");
	set(g, "apply_to", "%s 総務部 採用担当\nメール：saiyo@%s.example.jp", c->name, c->slug);
	set(g, "phone", "%s", phone(g, ci, 0));
	set(g, "email", "saiyo@%s.example.jp", c->slug);
	set(g, "handling_status", "%s", past ? "実施済み" : "募集中");
	listing(g, "published", past ? start - 60 : -(10 + pick(g, 30)), past ? start : start + days, i % 2 ? "shushoku" : "kigyo");
	save(g, count);
}

/* ---- events, articles, pages, banners ---- */

static const struct {
	const char *title, *category;
	int         days;
	const char *time, *place, *muni;
	int         capacity;
	const char *audience, *target, *content;
	bool        online;
} events[] = {
	{ "就活準備セミナー「自己分析から始めよう」", "seminar", 12, "13:30〜15:30", "上州つなぐホール 第1会議室", "前橋市", 30,
	  "就職活動を始める大学生・既卒の方", "大学・短大・専門学校生|既卒",
	  "## 内容\n\n自分の強みや大切にしたいことを、ワークシートを使って整理します。\n\n- 自己分析の進め方\n- 強みを伝える言葉の見つけ方\n- 個別相談（希望者のみ）", true },
	{ "ぐんま合同企業説明会", "setsumeikai", 26, "12:00〜16:30（受付 11:30〜）", "上州つなぐホール 大展示場", "高崎市", 400,
	  "2027年3月卒業予定の学生、既卒3年以内の方", "新卒|既卒|第二新卒",
	  "## 内容\n\n県内の企業約60社が出展します。入退場は自由です。\n\n- 企業ブースでの説明\n- 履歴書の書き方コーナー\n- 写真撮影コーナー（無料）", true },
	{ "面接対策セミナー（模擬面接つき）", "seminar", 19, "10:00〜12:00", "オンライン（ウェブ会議システム）", NULL, 20,
	  "面接を控えている方", "新卒|既卒|中途",
	  "## 内容\n\nよく聞かれる質問への答え方を学び、少人数で模擬面接を行います。", true },
	{ "ものづくり企業見学バスツアー（東毛コース）", "kengaku", 33, "9:00〜17:00（前橋駅集合・解散）", "太田市・館林市の企業3社", "太田市", 25,
	  "製造業に関心のある学生・若手求職者", "大学・短大・専門学校生|既卒",
	  "## 内容\n\nバスで県内の製造業3社を訪問し、工場見学と社員との座談会を行います。昼食つき、参加費無料。", true },
	{ "UIJターン就職相談会（東京会場）", "sodan", 40, "13:00〜17:00", "東京都内の会議室（申込者にご案内します）", NULL, 60,
	  "群馬での就職を考えている首都圏在住の方", "UIJターン|中途",
	  "## 内容\n\nキャリアカウンセラーが群馬での就職について個別に相談に応じます。住まいや暮らしの相談コーナーもあります。", true },
	{ "女性のための再就職応援セミナー", "seminar", 16, "10:00〜12:00（託児あり・要予約）", "上州つなぐホール 第2会議室", "前橋市", 20,
	  "子育てなどで離職し、再就職を考えている方", "中途",
	  "## 内容\n\n仕事と家庭の両立のコツ、ブランクの伝え方、応募書類の書き方を学びます。", true },
	{ "若手社員交流会「先輩と話そう」", "koryu", 47, "18:30〜20:00", "オンライン（ウェブ会議システム）", NULL, 40,
	  "県内企業への就職を考えている学生", "大学・短大・専門学校生",
	  "## 内容\n\n県内企業で働く入社1〜3年目の社員と、少人数のグループで自由に話せます。", true },
	{ "企業向け 採用力アップセミナー", "seminar", 22, "14:00〜16:00", "上州つなぐホール 第1会議室", "前橋市", 50,
	  "県内企業の採用担当者", NULL,
	  "## 内容\n\n若手に伝わる求人票の書き方と、インターンシップの企画の仕方を、事例を交えて紹介します。", false },
	{ "高校生のための職場見学会", "kengaku", 54, "13:00〜16:00", "高崎市内の企業2社", "高崎市", 30,
	  "県内の高校2年生", "高校生",
	  "## 内容\n\n地元の企業を訪問し、働く人の話を聞きます。引率の先生の参加も歓迎します。", false },
	{ "ぐんま合同企業説明会（第2回）", "setsumeikai", 75, "12:00〜16:00", "上州つなぐホール 大展示場", "高崎市", 300,
	  "就職活動中の学生・既卒者・UIJターン希望者", "新卒|既卒|UIJターン",
	  "## 内容\n\n県内企業約40社が出展予定です。出展企業は決まり次第このページでお知らせします。", true },
	{ "就活準備セミナー「履歴書の書き方」", "seminar", -14, "13:30〜15:00", "上州つなぐホール 第1会議室", "前橋市", 30,
	  "就職活動中の方", "新卒|既卒",
	  "## 内容\n\n採用担当者の目に留まる履歴書の書き方を学びます（終了しました）。", true },
	{ "キャリアカウンセラーによる個別相談会", "sodan", 9, "10:00〜16:00（1人45分）", "上州つなぐホール 相談室", "前橋市", 8,
	  "就職や転職に悩んでいる方", "既卒|第二新卒|中途",
	  "## 内容\n\nキャリアカウンセラーが一人ひとりの相談に応じます。秘密は守られます。", true },
};

/* Sessions (開催回) of the events above that take applications on My Page (issue 5 item 6, B06): a few upcoming
 * ones, one nearly full (capacity 2, one seat taken by demo-seeker), an online one, one whose deadline has
 * passed although it is still to come, and one of a past event. Days from today; deadlines at 17:00 JST. */
static const struct {
	int  event, day, sh, sm, eh, em;
	int  capacity;
	int  deadline_day;
	bool online, taken;
} demo_sessions[] = {
	{ 0, 12, 13, 30, 15, 30, 30, 9, false, false },
	{ 0, 19, 13, 30, 15, 30, 2, 16, false, true },
	{ 1, 26, 12, 0, 16, 30, 400, 23, false, false },
	{ 2, 19, 10, 0, 12, 0, 20, 16, true, false },
	{ 3, 33, 9, 0, 17, 0, 25, 30, false, false },
	{ 4, 40, 13, 0, 17, 0, 60, 37, false, false },
	{ 5, 16, 10, 0, 12, 0, 20, 13, false, false },
	{ 6, 47, 18, 30, 20, 0, 40, 44, true, false },
	{ 9, 75, 12, 0, 16, 0, 0, 72, false, false },
	{ 10, -14, 13, 30, 15, 0, 30, -17, false, false },
	{ 11, 9, 10, 0, 10, 45, 1, -1, false, false },
	{ 11, 9, 11, 0, 11, 45, 1, 6, false, false },
};

static const struct { const char *type, *title; int days; const char *body, *extra_field, *extra; } articles[] = {
	{ "news", "ぐんまジョブナビを公開しました", -30,
	  "群馬県の就職支援情報サイト「ぐんまジョブナビ」を公開しました。\n\n企業情報、インターンシップ情報、求人情報をまとめて検索できます。", NULL, NULL },
	{ "news", "合同企業説明会の申込受付を開始しました", -12,
	  "ぐんま合同企業説明会の参加申込を受け付けています。マイページから申し込むことができます。", NULL, NULL },
	{ "news", "インターンシップ情報を追加しました（製造業・IT）", -9,
	  "製造業とIT企業のインターンシップ情報を新たに掲載しました。", NULL, NULL },
	{ "news", "年末年始の窓口休業のお知らせ", -6,
	  "年末年始は窓口での相談をお休みします。メール相談は受け付けますが、お返事は休み明けになります。", NULL, NULL },
	{ "news", "利用者登録の画面を分かりやすくしました", -5,
	  "利用者登録の入力項目を見直し、スマートフォンからも登録しやすくしました。", NULL, NULL },
	{ "news", "企業の皆さまへ：求人情報の掲載方法のご案内を更新しました", -4,
	  "「企業の方へ」のページに、インターンシップ・求人情報の掲載までの流れを追加しました。", NULL, NULL },
	{ "news", "面接対策セミナーを追加開催します", -3,
	  "ご好評につき、面接対策セミナーを追加で開催します。詳しくはイベント情報をご覧ください。", NULL, NULL },
	{ "news", "UIJターン就職相談会（東京会場）を開催します", -2,
	  "群馬での就職を考えている首都圏在住の方を対象に、東京で相談会を開催します。", NULL, NULL },
	{ "news", "メンテナンスのお知らせ（デモ）", -1,
	  "システムのメンテナンスのため、深夜の一部の時間帯にサイトを停止します。", NULL, NULL },
	{ "news", "高校生のための職場見学会の参加校を募集します", 0,
	  "県内の高校を対象に、職場見学会の参加校を募集します。", NULL, NULL },
	{ "project", "若者就職支援事業（ジョブカフェぐんま）", -60,
	  "## 事業の概要\n\n若者の就職を支援するため、キャリアカウンセリング、セミナー、職業紹介を一体で行っています。\n\n## 対象\n\n- おおむね40歳未満の求職者\n- 県内で就職を希望する学生",
	  "period", "通年" },
	{ "project", "県内企業インターンシップ促進事業", -45,
	  "## 事業の概要\n\n県内の中小企業がインターンシップを始められるよう、プログラムの企画から受入れまでを支援します。",
	  "period", "4月〜翌年3月" },
	{ "project", "UIJターン就職支援事業", -40,
	  "## 事業の概要\n\n首都圏などから群馬へ移り住んで働きたい方に、求人情報の提供と相談会を行っています。",
	  "period", "通年" },
	{ "tips", "若手に伝わる求人票の書き方", -20,
	  "## ポイント\n\n1. 仕事の内容は1日の流れで書く\n2. 給与は月給の幅と手当を分けて書く\n3. 職場の雰囲気が分かる写真を1枚添える",
	  "source", "ジョブカフェぐんま 企業支援担当" },
	{ "tips", "初めてのインターンシップ受入れガイド", -15,
	  "## 準備すること\n\n- 受入れの目的を決める\n- 1日のプログラムを作る\n- 担当する社員を決める\n\n半日の職場見学からでも始められます。",
	  "source", "ジョブカフェぐんま 企業支援担当" },
	{ "tips", "両立支援の認定制度を知っていますか", -10,
	  "くるみん、えるぼし、ユースエールなど、国の認定制度を取得すると、求人情報にロゴを表示できます。認定の要件は各制度の案内をご確認ください。",
	  "source", "ジョブカフェぐんま 企業支援担当" },
	{ "tips", "オンライン会社説明会を上手に行うコツ", -7,
	  "画面越しでも伝わるよう、資料は文字を大きく、説明は1回15分以内にまとめるのがおすすめです。",
	  "source", "ジョブカフェぐんま 企業支援担当" },
	{ "column", "群馬で働く魅力って何だろう", -25,
	  "県内の企業を訪ねて感じるのは、通勤のしやすさと、地域とのつながりの近さです。休日に山や温泉へすぐ行けるのも群馬ならではです。",
	  "author", "県 就職支援担当" },
	{ "column", "就活は「知ること」から", -18,
	  "知らない会社は選べません。合同企業説明会では、名前を知らなかった会社のブースにも一つ立ち寄ってみてください。",
	  "author", "キャリアカウンセラー" },
	{ "column", "からっ風の季節の面接対策", -11,
	  "冬の群馬は風が強い日が続きます。面接の日は早めに家を出て、身だしなみを整える時間をとりましょう。",
	  "author", "県 就職支援担当" },
	{ "column", "インターンシップで見えたこと", -8,
	  "参加した学生からは「働く人の表情が見られてよかった」という声が多く聞かれます。",
	  "author", "県 企業支援担当" },
	{ "column", "UIJターンで群馬へ", -4,
	  "首都圏から戻ってきた方の多くが、家族と過ごす時間が増えたと話します。",
	  "author", "県 就職支援担当" },
	{ "column", "初任給だけで比べないで", -1,
	  "年間休日、手当、通勤の負担も合わせて比べると、見え方が変わります。",
	  "author", "キャリアカウンセラー" },
};

static const struct { const char *title, *slug, *menu, *body; } pages[] = {
	{ "求職者の方へ", "for-job-seekers", "求職者の方へ",
	  "## ジョブカフェぐんまの使い方\n\nジョブカフェぐんまは、群馬県で働きたい方の就職を無料で支援しています。\n\n"
	  "1. **利用者登録**：このサイトで登録すると、IDとパスワードが発行されます。\n"
	  "2. **マイページ**：セミナー・イベントへの申込と、メール相談ができます。\n"
	  "3. **求人・インターンシップを探す**：キーワード、地域、業種、職種、対象者で検索できます。\n\n"
	  "## 相談の流れ\n\nキャリアカウンセラーが、自己分析から応募書類の作成、面接の準備まで一緒に考えます。" },
	{ "企業の方へ", "for-companies", "企業の方へ",
	  "## ジョブカフェぐんま（企業）の使い方\n\n県内企業の採用活動を支援しています。\n\n"
	  "1. **利用者登録**：企業として登録すると、IDとパスワードが発行されます。\n"
	  "2. **企業情報の掲載**：マイページから企業情報を掲載・編集できます。掲載期間が終わる前にお知らせが届き、更新ボタンで期間を延長できます。\n"
	  "3. **インターンシップ・求人情報の掲載**：内容を担当者にお送りください。担当者が確認して掲載します。\n\n"
	  "掲載の内容に県は責任を持ちません。掲載内容は各企業の責任で登録してください。" },
	{ "このサイトについて", "about", "サイト案内",
	  "「ぐんまジョブナビ」は、群馬県が運営する就職支援情報サイトです。ジョブカフェぐんまと、ぐんま de 就活ナビの情報をまとめています。\n\n"
	  "このデモに掲載している企業・求人・イベントはすべて架空のものです。" },
};

static const struct { const char *title, *url; } banners[] = {
	{ "移住希望者向け 群馬県マッチングサイト", "https://matching.example.jp/" },
	{ "ジョブカフェぐんま 利用者登録はこちら", "https://jobcafe.example.jp/register" },
	{ "群馬の企業を知る動画チャンネル", "https://video.example.jp/gunma-companies" },
	{ "ぐんまの暮らし情報", "https://life.example.jp/" },
	{ "合同企業説明会 特設ページ（終了）", "https://fair.example.jp/" },
};

static int64_t
demo_seeker(gen_t *g)
{
	db_stmt_t *st = db_prepare(g->db, "SELECT id FROM accounts WHERE login_key = 'demo-seeker'");
	int64_t id = 0;

	if (st != NULL && db_step(st) == DB_ROW)
		id = db_col_i64(st, 0);
	if (st != NULL)
		db_done(st);
	return id;
}

static void
sessions(gen_t *g, const int64_t *event_ids)
{
	size_t i;
	int64_t seeker = demo_seeker(g);

	for (i = 0; g->ok && i < sizeof(demo_sessions) / sizeof(demo_sessions[0]); i++) {
		event_session_t s;
		int64_t day = g->today + (int64_t)demo_sessions[i].day * DAY, id, app;
		char err[256];
		int ev = demo_sessions[i].event;
		memset(&s, 0, sizeof(s));
		s.entity_id = event_ids[ev];
		s.starts_at = day + demo_sessions[i].sh * 3600 + demo_sessions[i].sm * 60;
		s.ends_at = day + demo_sessions[i].eh * 3600 + demo_sessions[i].em * 60;
		s.capacity = demo_sessions[i].capacity;
		s.apply_deadline = g->today + (int64_t)demo_sessions[i].deadline_day * DAY + 17 * 3600;
		s.sort = (int64_t)i;
		if (demo_sessions[i].online)
			snprintf(s.online_url, sizeof(s.online_url), "https://meet.example.jp/gunma-%02d", ev);
		else
			str_copy(s.place, sizeof(s.place), events[ev].place);
		if (!event_session_add(g->db, &s, g->now, &id, err, sizeof(err))) {
			fail(g, "demo: session of「%s」: %s", events[ev].title, err);
			return;
		}
		if (demo_sessions[i].taken && seeker > 0 && event_apply(g->db, id, s.entity_id, seeker, g->now, &app) != EVENT_CONFIRMED)
			fail(g, "demo: the demo application to「%s」failed", events[ev].title);
	}
}

static void
extras(gen_t *g, int *count)
{
	size_t i;

	int64_t event_ids[sizeof(events) / sizeof(events[0])] = { 0 };

	for (i = 0; g->ok && i < sizeof(events) / sizeof(events[0]); i++) {
		int d = events[i].days;
		begin(g, "event");
		set(g, "title", "%s", events[i].title);
		set(g, "category", "%s", events[i].category);
		set(g, "event_date", "%s", ymd(g, d));
		set(g, "schedule", "%s %s", jdate(g, d), events[i].time);
		set(g, "place", "%s%s%s%s", events[i].place, events[i].muni ? "（" : "", events[i].muni ? events[i].muni : "",
		    events[i].muni ? "）" : "");
		if (events[i].muni)
			set(g, "municipality", "%s", events[i].muni);
		set(g, "capacity", "%d", events[i].capacity);
		set(g, "audience", "%s", events[i].audience);
		if (events[i].target)
			set(g, "target", "%s", events[i].target);
		set(g, "deadline", "%s", ymd(g, d - 3));
		set(g, "content", "%s", events[i].content);
		set(g, "how_to_apply", "%s", events[i].online ? "マイページの「セミナー・イベント申込」から申し込んでください（先着順）。" :
		    "申込書に記入のうえ、ジョブカフェぐんま企業支援担当（kigyo@jobcafe.example.jp）までメールでお送りください。");
		set(g, "apply_online", "%s", events[i].online ? "はい" : "いいえ");
		set(g, "fee", "無料");
		set(g, "organizer", "群馬県・ジョブカフェぐんま");
		set(g, "contact", "ジョブカフェぐんま 電話 027-099-%04d", (int)(1200 + i));
		listing(g, "published", -(20 + (int)i), d > 0 ? d + 1 : d + 30, i % 3 == 2 ? "kigyo" : "shushoku");
		save(g, count);
		event_ids[i] = g->last_id;
	}
	sessions(g, event_ids);
	for (i = 0; g->ok && i < sizeof(articles) / sizeof(articles[0]); i++) {
		begin(g, articles[i].type);
		set(g, "title", "%s", articles[i].title);
		set(g, "published_on", "%s", ymd(g, articles[i].days));
		set(g, "body", "%s", articles[i].body);
		if (articles[i].extra_field)
			set(g, articles[i].extra_field, "%s", articles[i].extra);
		if (strcmp(articles[i].type, "project") == 0)
			set(g, "department_name", "群馬県 就職支援担当課（デモ）");
		if (i == 1)
			set(g, "links", "イベント情報|https://jobnavi.example.jp/events\n申込方法|https://jobnavi.example.jp/pages/for-job-seekers");
		listing(g, i == 8 ? "draft" : "published", articles[i].days, 0, "pref");
		save(g, count);
	}
	for (i = 0; g->ok && i < sizeof(pages) / sizeof(pages[0]); i++) {
		begin(g, "page");
		set(g, "title", "%s", pages[i].title);
		set(g, "slug", "%s", pages[i].slug);
		set(g, "menu", "%s", pages[i].menu);
		set(g, "published_on", "%s", ymd(g, -30));
		set(g, "body", "%s", pages[i].body);
		listing(g, "published", -30, 0, "pref");
		save(g, count);
	}
	for (i = 0; g->ok && i < sizeof(banners) / sizeof(banners[0]); i++) {
		begin(g, "banner");
		set(g, "title", "%s", banners[i].title);
		picture(g, "image", DEMO_PICTURE_BANNER, (unsigned)i, banners[i].title);
		set(g, "link_url", "%s", banners[i].url);
		set(g, "sort_order", "%d", (int)(i + 1) * 10);
		if (i + 1 == sizeof(banners) / sizeof(banners[0]))
			listing(g, "published", -60, -5, "pref");  /* its period has ended */
		else
			listing(g, "published", -30, 0, "pref");
		save(g, count);
	}
}

static bool
has_companies(db_t *db, bool *yes)
{
	db_stmt_t *st = db_prepare(db, "SELECT 1 FROM entities WHERE type = ? LIMIT 1");
	int rc;

	if (st == NULL)
		return false;
	db_bind_str(st, 1, "company");
	rc = db_step(st);
	db_done(st);
	*yes = rc == DB_ROW;
	return rc == DB_ROW || rc == DB_DONE;
}

bool
demo_content(db_t *db, const schema_t *s, int64_t now, char *err, size_t errlen)
{
	gen_t *g;
	bool exists = false;
	int count = 0, ci, k, i, n = 0;

	err[0] = '\0';
	if (!db_begin_write(db)) {
		str_errf(err, errlen, "demo: database busy");
		return false;
	}
	if (!has_companies(db, &exists)) {
		str_errf(err, errlen, "demo: %s", db_errmsg(db));
		db_rollback(db);
		return false;
	}
	if (exists) {
		db_rollback(db);
		return true;
	}
	g = calloc(1, sizeof(*g));
	if (g == NULL) {
		db_rollback(db);
		str_errf(err, errlen, "demo: out of memory");
		return false;
	}
	g->db = db;
	g->s = s;
	g->now = now;
	g->today = now - (now + JST_OFFSET) % DAY;
	g->rng = DEMO_SEED;
	g->err = err;
	g->errlen = errlen;
	g->ok = true;
	for (ci = 0; g->ok && ci < NCOMPANIES; ci++)
		company(g, ci, &count);
	for (ci = 0; g->ok && ci < NCOMPANIES; ci++)
		for (k = 0; g->ok && k < 3; k++)
			job(g, ci, k, n++, &count);
	/* 34 internships from companies spread over the table (7 is prime to its size) */
	for (i = 0, n = 0; g->ok && n < 34; i++) {
		ci = (i * 7) % NCOMPANIES;
		if (ci != EXPIRED_COMPANY)
			internship(g, n++, ci, &count);
	}
	if (g->ok)
		extras(g, &count);
	if (g->ok && !db_commit(db))
		fail(g, "demo: cannot commit: %s", db_errmsg(db));
	if (!g->ok) {
		db_rollback(db);
		free(g);
		return false;
	}
	free(g);
	return true;
}
