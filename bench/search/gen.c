/*
 * gen.c - writes N realistic Japanese job offers for the Gunma site as JSON Lines (issue 3 item 7).
 *
 *   gen N [seed]
 *
 * Standalone on purpose (no project code), deterministic for a given seed (xorshift64*). Each line is
 * one object with the fields of the "job" type in sites/gunma/schema.json plus status and listing
 * dates, so `tsunagu import --type job` takes it as it is. Vocabulary codes are the ones the master
 * data in data/master/ loads; an offer with a wrong code would make the whole import fail, which is
 * the check that the copies below are right.
 *
 * Titles come from a catalogue of jobs (job word, occupation code, likely industries, title variants,
 * work sentences, qualifications) plus employment labels and selling points; some titles are written
 * in full-width Latin (ＳＥ) or half-width katakana (ｴﾝｼﾞﾆｱ) so the search normalisation has work to do.
 * Descriptions are 500-1,500 characters assembled from sectioned sentence templates with slots for
 * the job, the town, stations, numbers and the company.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define DESC_MIN 500
#define DESC_MAX 1500
#define SENTENCE_MAX 100   /* characters, so a body stopped at the first sentence past its target stays under DESC_MAX */

/* ---- random numbers ---- */

static uint64_t rng_state;

static uint64_t
rng_next(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static void
rng_seed(uint64_t seed)
{
	/* splitmix64 so that small seeds give well-mixed states; never zero */
	uint64_t z = seed + 0x9E3779B97F4A7C15ULL;

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	rng_state = (z ^ (z >> 31)) | 1;
}

/* 0 .. n-1 */
static int
rnd(int n)
{
	return n <= 1 ? 0 : (int)((rng_next() >> 11) % (uint64_t)n);
}

static int
between(int lo, int hi)
{
	return lo + rnd(hi - lo + 1);
}

static int
chance(int percent)
{
	return rnd(100) < percent;
}

static int
pick_weighted(const int *w, int n)
{
	int i, total = 0, r;

	for (i = 0; i < n; i++)
		total += w[i];
	r = rnd(total);
	for (i = 0; i < n; i++) {
		if (r < w[i])
			return i;
		r -= w[i];
	}
	return n - 1;
}

#define PICK(a) ((a)[rnd((int)NELEM(a))])

/* ---- growable string ---- */

typedef struct sb {
	char  *p;
	size_t len, cap;
} sb_t;

static void
sb_grow(sb_t *s, size_t more)
{
	size_t cap = s->cap ? s->cap : 4096;

	if (s->len + more + 1 <= s->cap)
		return;
	while (cap < s->len + more + 1)
		cap *= 2;
	s->p = realloc(s->p, cap);
	if (s->p == NULL) {
		fputs("gen: out of memory\n", stderr);
		exit(1);
	}
	s->cap = cap;
}

static void
sb_putn(sb_t *s, const char *p, size_t n)
{
	sb_grow(s, n);
	memcpy(s->p + s->len, p, n);
	s->len += n;
	s->p[s->len] = '\0';
}

static void
sb_puts(sb_t *s, const char *p)
{
	sb_putn(s, p, strlen(p));
}

static void
sb_putc(sb_t *s, char c)
{
	sb_putn(s, &c, 1);
}

static void
sb_int(sb_t *s, long v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%ld", v);

	if (n > 0 && (size_t)n < sizeof(tmp))
		sb_putn(s, tmp, (size_t)n);
}

/* 1200 -> "1,200" */
static void
sb_grouped(sb_t *s, long v)
{
	if (v >= 1000) {
		char tmp[8];
		sb_grouped(s, v / 1000);
		snprintf(tmp, sizeof(tmp), ",%03ld", v % 1000);
		sb_puts(s, tmp);
	} else {
		sb_int(s, v);
	}
}

static void
sb_clear(sb_t *s)
{
	s->len = 0;
	if (s->p)
		s->p[0] = '\0';
}

static size_t
utf8_chars(const char *p, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)p[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* ---- JSON ---- */

static void
json_string(sb_t *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	sb_putc(o, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[7];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		sb_putn(o, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			memcpy(u, "\\u00", 4);
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			u[6] = '\0';
			esc = u;
		}
		sb_puts(o, esc);
	}
	sb_putn(o, s + run, n - run);
	sb_putc(o, '"');
}

static void
json_field(sb_t *o, const char *key, const char *v, size_t n, int first)
{
	if (!first)
		sb_putc(o, ',');
	json_string(o, key, strlen(key));
	sb_putc(o, ':');
	json_string(o, v, n);
}

/* ---- master data (codes copied from the CSV files in data/master) ---- */

typedef struct town {
	const char *code, *name;
	int         weight;      /* roughly the population in thousands: more offers in big cities */
	const char *station;     /* a station of the town, or "" */
	const char *road;        /* a nearby interchange, or "" */
} town_t;

static const town_t towns[] = {
	{ "10201", "前橋市", 330, "前橋駅", "関越自動車道前橋IC" },
	{ "10202", "高崎市", 370, "高崎駅", "関越自動車道高崎IC" },
	{ "10203", "桐生市", 105, "桐生駅", "北関東自動車道太田藪塚IC" },
	{ "10204", "伊勢崎市", 210, "伊勢崎駅", "北関東自動車道伊勢崎IC" },
	{ "10205", "太田市", 220, "太田駅", "北関東自動車道太田桐生IC" },
	{ "10206", "沼田市", 45, "沼田駅", "関越自動車道沼田IC" },
	{ "10207", "館林市", 74, "館林駅", "東北自動車道館林IC" },
	{ "10208", "渋川市", 74, "渋川駅", "関越自動車道渋川伊香保IC" },
	{ "10209", "藤岡市", 62, "群馬藤岡駅", "関越自動車道藤岡IC" },
	{ "10210", "富岡市", 47, "上州富岡駅", "上信越自動車道富岡IC" },
	{ "10211", "安中市", 56, "安中駅", "上信越自動車道松井田妙義IC" },
	{ "10212", "みどり市", 49, "大間々駅", "北関東自動車道太田藪塚IC" },
	{ "10344", "榛東村", 14, "", "関越自動車道駒寄スマートIC" },
	{ "10345", "吉岡町", 22, "八木原駅", "関越自動車道駒寄スマートIC" },
	{ "10366", "上野村", 1, "", "" },
	{ "10367", "神流町", 2, "", "" },
	{ "10382", "下仁田町", 7, "下仁田駅", "上信越自動車道下仁田IC" },
	{ "10383", "南牧村", 2, "", "上信越自動車道下仁田IC" },
	{ "10384", "甘楽町", 13, "上州福島駅", "上信越自動車道富岡IC" },
	{ "10421", "中之条町", 15, "中之条駅", "" },
	{ "10424", "長野原町", 5, "長野原草津口駅", "" },
	{ "10425", "嬬恋村", 9, "万座・鹿沢口駅", "" },
	{ "10426", "草津町", 6, "", "" },
	{ "10428", "高山村", 3, "", "" },
	{ "10429", "東吾妻町", 13, "群馬原町駅", "" },
	{ "10443", "片品村", 4, "", "関越自動車道沼田IC" },
	{ "10444", "川場村", 3, "", "関越自動車道沼田IC" },
	{ "10448", "昭和村", 7, "", "関越自動車道昭和IC" },
	{ "10449", "みなかみ町", 18, "水上駅", "関越自動車道水上IC" },
	{ "10464", "玉村町", 36, "", "関越自動車道高崎玉村スマートIC" },
	{ "10521", "板倉町", 14, "板倉東洋大前駅", "東北自動車道館林IC" },
	{ "10522", "明和町", 11, "川俣駅", "東北自動車道館林IC" },
	{ "10523", "千代田町", 11, "", "東北自動車道館林IC" },
	{ "10524", "大泉町", 42, "西小泉駅", "北関東自動車道太田桐生IC" },
	{ "10525", "邑楽町", 26, "篠塚駅", "東北自動車道館林IC" },
};

static const char *const targets[] = { "shinsotsu", "kisotsu", "daini", "koukou", "gakusei", "uij", "chuto" };
static const int target_w[] = { 16, 10, 13, 5, 8, 10, 38 };

enum { E_SEISHAIN, E_KEIYAKU, E_PART, E_HAKEN, E_SHOKUTAKU };
static const char *const emp_code[] = { "seishain", "keiyaku", "part", "haken", "shokutaku" };
static const char *const emp_label[] = { "【正社員】", "【契約社員】", "【パート】", "【派遣】", "【嘱託】" };

/* ---- the job catalogue ---- */

typedef struct job {
	const char *word;          /* %J: what the work is called in sentences */
	const char *occ;           /* occupation_major code */
	const char *ind;           /* likely industry codes, first most likely */
	int         weight;
	int         part;          /* percent of offers that are part-time */
	int         sal_lo, sal_hi;/* monthly salary range in thousand yen (full-time) */
	const char *titles[6];     /* %C = town name */
	const char *work[6];       /* sentences only this job has */
	const char *qual[3];
} job_t;

static const job_t jobs[] = {
	{ "法人営業", "07", "EIGJ", 60, 0, 210, 350,
	  { "法人営業（ルート営業）", "法人営業（新規開拓）", "ソリューション営業", "技術営業（セールスエンジニア）", "法人営業", NULL },
	  { "県内の製造業を中心とした既存のお取引先を訪問し、製品のご提案やお見積りの作成を行っていただきます。",
	    "新規のお客様へのアプローチは反響営業が中心で、飛び込み営業はありません。",
	    "担当エリアは%Cを中心とした県内一円で、社用車で1日%n件ほど訪問します。",
	    "受注後は社内の製造部門や品質管理部門と連携し、納期調整までを担当します。",
	    "ITツールを活用した営業活動を推進しており、移動中もタブレットで見積りを確認できます。", NULL },
	  { "普通自動車運転免許（AT限定可）", "法人営業の経験がある方は優遇します", NULL } },
	{ "ルート営業", "07", "IEH", 40, 0, 200, 320,
	  { "ルート営業（既存顧客のみ）", "ルート営業／ノルマなし", "ルート営業（食品卸）", "ルート営業（建材）", NULL },
	  { "決まったお取引先を定期的に訪問し、商品の補充や新商品のご案内を行うルート営業です。",
	    "1日の訪問件数は%n〜%N件程度で、%Cや近隣の市町村が中心です。",
	    "お客様との信頼関係を大切にする仕事で、ノルマはありません。",
	    "受発注の入力や在庫の確認など、社内での事務作業も担当していただきます。", NULL },
	  { "普通自動車運転免許（AT限定可）", NULL } },
	{ "住宅営業", "07", "DK", 20, 0, 220, 400,
	  { "住宅営業（注文住宅）", "リフォーム営業", "不動産営業（賃貸仲介）", "住宅アドバイザー", NULL },
	  { "住宅展示場や見学会にご来場いただいたお客様に、注文住宅のプランをご提案します。",
	    "お客様のご要望をお伺いし、設計担当と一緒に間取りや資金計画を考えます。",
	    "%Cを中心に年間%N棟ほどの住宅を手がけています。",
	    "契約から引き渡しまで一貫して担当するため、お客様から直接感謝の言葉をいただけます。", NULL },
	  { "普通自動車運転免許", "宅地建物取引士の資格をお持ちの方は優遇します", NULL } },
	{ "一般事務", "06", "EIDPLR", 70, 25, 170, 240,
	  { "一般事務（経理補助）", "一般事務（受付・電話応対）", "一般事務", "総務事務", "事務スタッフ（データ入力）", NULL },
	  { "電話応対や来客対応、書類の作成やファイリングなどの一般事務をお任せします。",
	    "ExcelやWordを使った書類作成、伝票の入力、郵便物の仕分けなどが主な業務です。",
	    "経理担当の補助として、請求書の発行や経費精算のチェックもお願いします。",
	    "社内の各部署から頼られる、会社の縁の下の力持ちのような存在です。", NULL },
	  { "基本的なパソコン操作（Word・Excel）ができる方", "日商簿記3級以上をお持ちの方は優遇します", NULL } },
	{ "営業事務", "06", "EIH", 30, 15, 180, 250,
	  { "営業事務", "営業アシスタント", "受発注事務", "営業事務（英語を活かせる）", NULL },
	  { "営業担当のサポートとして、見積書や請求書の作成、受発注の管理を行います。",
	    "お取引先からの電話やメールでのお問い合わせに対応していただきます。",
	    "販売管理システムへの入力や在庫の確認など、PCを使った業務が中心です。", NULL },
	  { "PCの基本操作ができる方", NULL } },
	{ "経理", "06", "EIJLD", 25, 10, 200, 330,
	  { "経理", "経理・財務スタッフ", "経理（月次決算）", "経理事務", NULL },
	  { "日々の仕訳入力から月次決算、年次決算の補助までを担当していただきます。",
	    "会計システムへの入力や、売掛金・買掛金の管理、支払業務をお願いします。",
	    "税理士事務所と連携しながら、決算業務にも携わることができます。", NULL },
	  { "日商簿記2級以上", "経理の実務経験がある方", NULL } },
	{ "人事", "06", "EPIR", 15, 0, 220, 350,
	  { "人事・総務", "人事（採用担当）", "労務管理スタッフ", NULL },
	  { "新卒採用・中途採用の企画から面接、入社手続きまでを担当します。",
	    "勤怠管理や給与計算、社会保険の手続きなどの労務業務もお任せします。",
	    "県内の大学や高校を訪問し、会社説明会を開催することもあります。", NULL },
	  { "社会保険労務士の資格があれば尚可", NULL } },
	{ "看護師", "04", "P", 55, 20, 250, 380,
	  { "看護師（病棟）夜勤なし", "看護師（病棟）", "看護師（外来）", "看護師（訪問看護）", "看護師（クリニック）", "看護師（介護施設）" },
	  { "病棟での看護業務全般をお願いします。病床数は%N床で、急性期から回復期まで幅広く対応しています。",
	    "外来での診療補助、採血、点滴、患者様への説明などが主な業務です。",
	    "訪問看護ステーションから%C内のご利用者様のお宅を訪問し、医療的ケアを行います。",
	    "電子カルテを導入しており、記録業務の負担を減らしています。",
	    "看護師の配置は手厚く、プリセプター制度で新人をしっかり支えます。", NULL },
	  { "正看護師免許", "ブランクのある方も歓迎します", NULL } },
	{ "准看護師", "04", "P", 12, 30, 210, 290,
	  { "准看護師（クリニック）", "准看護師（デイサービス）", "准看護師", NULL },
	  { "クリニックでの診療補助や検査の介助、受付の補助などをお願いします。",
	    "デイサービスでご利用者様の健康管理やバイタルチェックを行います。", NULL },
	  { "准看護師免許", NULL } },
	{ "薬剤師", "04", "PI", 15, 20, 300, 500,
	  { "薬剤師（調剤薬局）", "薬剤師（ドラッグストア）", "病院薬剤師", "管理薬剤師", NULL },
	  { "処方箋に基づく調剤、服薬指導、薬歴管理をお願いします。",
	    "1日の処方箋枚数は%N枚程度で、近隣の病院やクリニックの処方箋が中心です。",
	    "在宅医療にも力を入れており、施設への訪問服薬指導も行っています。", NULL },
	  { "薬剤師免許", NULL } },
	{ "介護職員", "08", "P", 60, 30, 190, 270,
	  { "介護職員（特別養護老人ホーム）", "介護職員（デイサービス）", "介護スタッフ（グループホーム）", "介護職員／無資格OK", "介護福祉士", "訪問介護員（ホームヘルパー）" },
	  { "ご利用者様の食事、入浴、排せつなど日常生活のお手伝いをしていただきます。",
	    "定員%N名のデイサービスで、送迎やレクリエーションの企画も担当します。",
	    "ユニットケアを取り入れており、少人数のご利用者様と丁寧に関わることができます。",
	    "介護記録はタブレットで入力するため、手書きの書類はほとんどありません。",
	    "介護ロボットや見守りセンサーを導入し、職員の身体的負担を軽減しています。", NULL },
	  { "介護職員初任者研修以上の方は優遇します（無資格の方も応募できます）", "介護福祉士", NULL } },
	{ "ケアマネジャー", "08", "P", 10, 10, 240, 320,
	  { "ケアマネジャー（居宅介護支援）", "介護支援専門員", "施設ケアマネジャー", NULL },
	  { "居宅介護支援事業所で、ケアプランの作成やご利用者様・ご家族との面談を行います。",
	    "担当件数は%N件程度で、%Cの地域包括支援センターとも連携しています。", NULL },
	  { "介護支援専門員", NULL } },
	{ "生活相談員", "08", "P", 8, 5, 210, 290,
	  { "生活相談員", "生活支援員（障害者支援施設）", "社会福祉士（相談員）", NULL },
	  { "ご利用者様やご家族からのご相談に応じ、入所の手続きや関係機関との調整を行います。",
	    "障害のある方の日中活動の支援や、就労に向けたサポートを行います。", NULL },
	  { "社会福祉士または社会福祉主事任用資格", NULL } },
	{ "保育士", "05", "PO", 35, 25, 190, 260,
	  { "保育士（認定こども園）", "保育士（企業内保育所）", "保育士", "保育補助", "放課後児童支援員", NULL },
	  { "0歳から5歳までのお子さんの保育をお願いします。1クラス%n〜%N名程度です。",
	    "行事の準備や保護者の方との連絡帳のやりとりもお任せします。",
	    "ICTシステムを導入し、登降園の管理や連絡帳をアプリで行っています。",
	    "園庭が広く、%Pの山々を望む自然豊かな環境で子どもたちがのびのびと過ごしています。", NULL },
	  { "保育士資格", NULL } },
	{ "教員", "05", "O", 15, 30, 220, 350,
	  { "高校教員（数学）", "塾講師（小中学生）", "専門学校講師（IT分野）", "日本語教師", "英会話講師", NULL },
	  { "生徒一人ひとりの理解度に合わせた授業を担当していただきます。",
	    "授業のほか、教材の作成や保護者面談、進路指導も行います。",
	    "担当する授業は週%N時間程度で、研修期間中は先輩講師の授業を見学できます。", NULL },
	  { "教員免許（担当教科）", "大学卒業以上", NULL } },
	{ "エンジニア", "02", "GEL", 45, 0, 250, 450,
	  { "ITエンジニア（Java）", "ITエンジニア（Python）", "インフラエンジニア（AWS）", "組込みエンジニア（C言語）", "社内SE", "Webエンジニア（PHP）" },
	  { "業務系システムの設計、開発、テストを担当していただきます。主な言語はJavaとSQLです。",
	    "自社サービスのサーバー構築・運用を行います。AWSやLinuxの経験を活かせます。",
	    "県内の自治体や企業向けのシステム開発プロジェクトに参加していただきます。",
	    "自動車部品メーカー向けの組込みソフトウェア開発で、C言語を使用します。",
	    "リモートワークと出社を組み合わせたハイブリッド勤務が可能です。",
	    "GitやSlackを使ったチーム開発で、コードレビューの文化が根づいています。" },
	  { "何らかのプログラミング経験", "基本情報技術者試験の資格があれば尚可", NULL } },
	{ "システムエンジニア", "02", "GL", 35, 0, 240, 420,
	  { "SE（システムエンジニア）", "ＳＥ（システムエンジニア）", "システムエンジニア（業務系）", "SE・プログラマー／未経験OK", NULL },
	  { "お客様へのヒアリングから要件定義、基本設計、開発、導入支援までを担当します。",
	    "医療機関向けの電子カルテシステムや、製造業向けの生産管理システムを開発しています。",
	    "DX推進のプロジェクトが増えており、IT企業として地域の課題解決に取り組んでいます。", NULL },
	  { "SE・プログラマーの実務経験（未経験の方は研修から始められます）", NULL } },
	{ "プログラマー", "02", "G", 25, 5, 220, 360,
	  { "プログラマー（未経験歓迎）", "Webプログラマー", "アプリ開発プログラマー", "プログラマー（C#）", NULL },
	  { "設計書に基づいてプログラムの作成や単体テストを行います。",
	    "スマートフォンアプリやWebシステムの開発が中心で、使用言語はJavaScriptやC#です。",
	    "入社後は%nか月間の研修でプログラミングの基礎から学ぶことができます。", NULL },
	  { "プログラミングに興味のある方", NULL } },
	{ "Webデザイナー", "03", "GN", 12, 15, 200, 300,
	  { "Webデザイナー", "グラフィックデザイナー", "DTPデザイナー", NULL },
	  { "企業や自治体のホームページ、チラシ、パンフレットなどのデザインを担当します。",
	    "IllustratorやPhotoshopを使ったデザイン制作、HTMLやCSSでのコーディングをお願いします。", NULL },
	  { "Illustrator・Photoshopの使用経験", NULL } },
	{ "製造スタッフ", "12", "E", 80, 20, 190, 270,
	  { "製造ライン作業スタッフ", "製造スタッフ（自動車部品）", "食品製造スタッフ", "製造オペレーター（日勤のみ）", "組立スタッフ（精密機器）", "製造スタッフ（2交替）" },
	  { "自動車部品の製造ラインで、部品のセットや組立、目視検査を担当していただきます。",
	    "食品工場での製造ライン作業です。材料の計量、盛り付け、包装などをお願いします。",
	    "NC旋盤やマシニングセンタを使った金属部品の加工をお任せします。",
	    "作業はマニュアル化されており、未経験の方でも%n週間ほどで一人立ちできます。",
	    "工場内は空調完備で、夏でも快適な環境で働くことができます。",
	    "2交替制の勤務で、夜勤手当がつくため収入アップを目指せます。" },
	  { "学歴不問", "フォークリフト免許をお持ちの方は優遇します", NULL } },
	{ "機械オペレーター", "12", "E", 25, 5, 200, 290,
	  { "機械オペレーター", "NCオペレーター", "CADオペレーター", "プレス機オペレーター", NULL },
	  { "NC工作機械の操作、プログラムの入力、加工品の寸法測定を担当していただきます。",
	    "CADを使って図面の作成や修正を行います。AutoCADの経験を活かせます。", NULL },
	  { "機械加工の経験がある方は優遇します", NULL } },
	{ "品質管理", "02", "E", 25, 5, 220, 330,
	  { "品質管理", "品質保証（自動車部品）", "品質管理・検査スタッフ", "QC検査員", NULL },
	  { "製品の寸法測定や外観検査、検査データの集計・分析を担当していただきます。",
	    "取引先からの品質に関するお問い合わせへの対応や、不具合の原因調査を行います。",
	    "ISO9001に基づく品質マネジメントシステムの運用にも関わっていただきます。", NULL },
	  { "品質管理の経験がある方", NULL } },
	{ "生産技術", "02", "E", 15, 0, 240, 400,
	  { "生産技術", "生産技術エンジニア", "設備保全", NULL },
	  { "生産ラインの改善や新しい設備の導入を担当していただきます。",
	    "設備の定期点検や故障時の修理など、工場の設備保全をお任せします。", NULL },
	  { "機械・電気系の知識がある方", NULL } },
	{ "設計", "02", "ELD", 25, 0, 240, 420,
	  { "機械設計", "電気設計（制御盤）", "建築設計", "設計（3D CAD）", NULL },
	  { "産業用機械の設計を担当します。3D CADを使用して部品図や組立図を作成します。",
	    "制御盤の電気設計や、PLCのプログラム作成を行います。",
	    "住宅や店舗の設計図の作成、確認申請の書類作成をお願いします。", NULL },
	  { "CADの使用経験", "一級・二級建築士の資格があれば尚可", NULL } },
	{ "研究開発", "02", "E", 10, 0, 260, 450,
	  { "研究開発（食品）", "研究開発（化学品）", "開発エンジニア", NULL },
	  { "新しい製品の研究開発や、既存製品の改良を担当していただきます。",
	    "大学や公設試験研究機関との共同研究にも取り組んでいます。", NULL },
	  { "理系の大学・大学院を卒業された方", NULL } },
	{ "施工管理", "02", "D", 35, 0, 260, 450,
	  { "施工管理（建築）", "施工管理（土木）", "電気工事施工管理", "管工事施工管理", "施工管理／未経験OK", NULL },
	  { "公共工事や民間の建築工事の現場で、工程管理、安全管理、品質管理を担当していただきます。",
	    "道路や河川などの土木工事の施工管理をお任せします。現場は%Cを中心とした県内です。",
	    "書類作成はタブレットやクラウドサービスを活用し、現場の効率化を進めています。",
	    "創業%Y年、地域のインフラを支えてきた会社で、公共工事の実績が豊富です。", NULL },
	  { "1級・2級施工管理技士の資格をお持ちの方は優遇します", NULL } },
	{ "電気工事士", "14", "D", 15, 0, 220, 350,
	  { "電気工事士", "電気工事スタッフ（見習い可）", "設備工事スタッフ", NULL },
	  { "住宅やビル、工場の電気設備工事を担当していただきます。",
	    "エアコンの取付けや照明器具の交換など、一般家庭の工事も多くあります。", NULL },
	  { "第二種電気工事士の資格があれば尚可", NULL } },
	{ "建設作業員", "14", "D", 15, 10, 220, 340,
	  { "大工（見習い可）", "型枠大工", "土木作業員", "解体工", NULL },
	  { "住宅の新築工事やリフォーム工事の現場作業を担当していただきます。",
	    "道路工事や造成工事などの土木作業です。重機の操作もお任せします。", NULL },
	  { "普通自動車運転免許", NULL } },
	{ "ドライバー", "13", "H", 40, 15, 230, 380,
	  { "配送ドライバー（中型）", "大型トラックドライバー", "ルート配送ドライバー（2t）", "送迎ドライバー（介護施設）", "タクシードライバー", "路線バス運転士" },
	  { "決まったルートでスーパーやコンビニへ商品を配送していただきます。",
	    "関東一円への長距離輸送を担当します。北関東自動車道や関越自動車道を使った運行が中心です。",
	    "積み込みはフォークリフトが中心で、手積み・手降ろしはほとんどありません。",
	    "デジタルタコグラフやドライブレコーダーを搭載した車両で、安全運転をサポートしています。", NULL },
	  { "中型自動車免許", "大型自動車免許", NULL } },
	{ "倉庫作業", "15", "HI", 30, 35, 190, 250,
	  { "倉庫内作業スタッフ", "フォークリフトオペレーター", "ピッキングスタッフ", "物流センター仕分けスタッフ", NULL },
	  { "物流センターでの入出荷作業、ピッキング、検品をお願いします。",
	    "フォークリフトを使った荷物の積み降ろしや、倉庫内の整理を担当していただきます。",
	    "ハンディターミナルを使うので、商品の確認も簡単です。", NULL },
	  { "フォークリフト運転技能講習修了の方は優遇します", NULL } },
	{ "販売スタッフ", "07", "I", 45, 45, 180, 260,
	  { "販売スタッフ（スーパー）", "販売スタッフ（ホームセンター）", "店舗スタッフ（ドラッグストア）", "アパレル販売", "携帯ショップスタッフ", "販売・レジスタッフ" },
	  { "レジ業務、商品の品出し、売場づくり、お客様へのご案内をお願いします。",
	    "地元の農産物を多く扱う店舗で、%Pの野菜や果物が人気です。",
	    "季節ごとの売場レイアウトやPOP作成もお任せします。", NULL },
	  { "接客が好きな方", NULL } },
	{ "店長候補", "01", "IM", 20, 0, 240, 380,
	  { "店長候補", "店長候補（飲食店）", "エリアマネージャー候補", "工場長候補", "管理職（課長クラス）", NULL },
	  { "店舗の運営全般、スタッフの採用・育成、売上管理などをお任せします。",
	    "入社後は店舗スタッフとして経験を積み、%n年ほどで店長を目指していただきます。",
	    "複数の店舗を統括し、各店の数値管理や改善提案を行います。", NULL },
	  { "管理職またはリーダーの経験がある方", NULL } },
	{ "調理", "09", "MP", 30, 40, 190, 270,
	  { "調理師（ホテル）", "調理スタッフ（病院給食）", "調理補助", "給食調理員", "寿司職人", NULL },
	  { "病院や介護施設の給食の調理、盛り付け、食器洗浄をお願いします。",
	    "ホテルのレストランで、和食・洋食の調理を担当していただきます。",
	    "地元の食材を使ったメニューづくりにも挑戦できます。", NULL },
	  { "調理師免許があれば尚可", NULL } },
	{ "ホールスタッフ", "09", "M", 20, 60, 180, 240,
	  { "ホールスタッフ", "カフェスタッフ", "レストランサービス", NULL },
	  { "お客様のご案内、オーダー、料理の提供、レジ対応をお願いします。",
	    "ランチタイムの%n時間だけの勤務も歓迎します。", NULL },
	  { "未経験の方も歓迎します", NULL } },
	{ "旅館スタッフ", "09", "M", 15, 25, 190, 260,
	  { "旅館フロントスタッフ", "ホテルスタッフ（温泉旅館）", "客室係", "ナイトフロント", NULL },
	  { "温泉旅館でのチェックイン・チェックアウト、ご予約の管理、観光案内をお願いします。",
	    "草津や伊香保、四万、水上など県内の温泉地には国内外から多くのお客様が訪れます。",
	    "外国人のお客様も多く、英語や中国語を活かすことができます。", NULL },
	  { "接客の経験がある方は優遇します", NULL } },
	{ "清掃スタッフ", "15", "R", 20, 65, 170, 220,
	  { "清掃スタッフ（病院）", "ビル清掃スタッフ", "ホテル客室清掃", NULL },
	  { "病院やオフィスビルの共用部分の清掃をお願いします。",
	    "ホテルの客室清掃とベッドメイクを担当していただきます。", NULL },
	  { "未経験の方も歓迎します", NULL } },
	{ "警備員", "10", "R", 15, 30, 190, 260,
	  { "施設警備員", "交通誘導警備員", "警備スタッフ（日勤のみ）", NULL },
	  { "商業施設や工場の出入管理、巡回、防災センターでの監視業務を行います。",
	    "工事現場やイベント会場での交通誘導をお願いします。", NULL },
	  { "警備業務検定の資格があれば尚可", NULL } },
	{ "農業スタッフ", "11", "A", 20, 35, 180, 250,
	  { "農業スタッフ（野菜の生産・出荷）", "農業（こんにゃく芋の栽培）", "酪農スタッフ", "農業法人スタッフ（キャベツ）", "林業作業員", NULL },
	  { "キャベツやレタスなど高原野菜の栽培、収穫、出荷作業をお願いします。",
	    "%Pのふもとの畑で、こんにゃく芋やねぎを栽培しています。",
	    "乳牛の飼養管理、搾乳、牛舎の清掃などの酪農作業です。",
	    "森林の下刈りや間伐など、県内の森林を守る仕事です。", NULL },
	  { "普通自動車運転免許（AT限定可）", "体力に自信のある方", NULL } },
	{ "理学療法士", "04", "P", 12, 15, 240, 340,
	  { "理学療法士", "作業療法士", "言語聴覚士", "リハビリスタッフ（訪問）", NULL },
	  { "回復期リハビリテーション病棟で、患者様の機能回復訓練を担当していただきます。",
	    "訪問リハビリで、ご利用者様のご自宅での生活を支えます。", NULL },
	  { "理学療法士・作業療法士・言語聴覚士のいずれかの免許", NULL } },
	{ "管理栄養士", "04", "PM", 8, 20, 210, 290,
	  { "管理栄養士（病院）", "栄養士（保育園）", "管理栄養士（給食委託）", NULL },
	  { "献立の作成、栄養管理、食材の発注、調理業務をお願いします。",
	    "患者様への栄養指導や、多職種と連携した栄養ケアにも携わります。", NULL },
	  { "管理栄養士免許または栄養士免許", NULL } },
	{ "自動車整備士", "12", "RI", 15, 5, 210, 330,
	  { "自動車整備士", "整備スタッフ（ディーラー）", "整備士見習い", NULL },
	  { "車検や定期点検、一般整備、タイヤ交換などを担当していただきます。",
	    "県内に%n店舗を展開する自動車ディーラーのサービス工場での勤務です。", NULL },
	  { "2級自動車整備士の資格があれば尚可", NULL } },
	{ "コールセンター", "06", "RJG", 15, 50, 180, 240,
	  { "コールセンタースタッフ", "カスタマーサポート", "テレフォンオペレーター", NULL },
	  { "お客様からのお問い合わせに電話やメールで対応していただきます。",
	    "マニュアルが整っており、わからないことはSV（スーパーバイザー）がすぐにフォローします。", NULL },
	  { "PCでの文字入力ができる方", NULL } },
	{ "公務", "06", "SQ", 6, 30, 190, 260,
	  { "会計年度任用職員（事務補助）", "臨時職員（窓口案内）", "JA職員（営農指導）", NULL },
	  { "役場の窓口での案内や、書類の受付・整理などの事務補助をお願いします。",
	    "組合員の農家を訪問し、営農の相談や資材のご案内を行います。", NULL },
	  { "PCの基本操作ができる方", NULL } },
};

/* Selling points after the job name in a title. */
static const char *const title_suffix[] = {
	"／未経験歓迎", "／経験者優遇", "／土日祝休み", "／年間休日120日以上", "／残業少なめ", "／転勤なし",
	"／U・Iターン歓迎", "／資格取得支援あり", "／車通勤OK", "／賞与年2回", "／第二新卒歓迎", "／週休2日制",
	"　未経験OK", "／育休取得実績あり", "／退職金制度あり", "／駅から徒歩5分",
};
static const char *const title_suffix_part[] = {
	"／週3日〜OK", "／扶養内勤務可", "／主婦（夫）歓迎", "／短時間OK", "／学生歓迎", "／シニア歓迎",
};
static const char *const title_prefix_other[] = { "【急募】", "【新卒採用】", "【未経験OK】", "【U・Iターン歓迎】", "【高卒採用】" };

/* Half-width katakana spellings of words found in titles (NFKC turns them back). */
static const struct { const char *full, *half; } hankaku[] = {
	{ "エンジニア", "ｴﾝｼﾞﾆｱ" }, { "プログラマー", "ﾌﾟﾛｸﾞﾗﾏｰ" }, { "スタッフ", "ｽﾀｯﾌ" },
	{ "ドライバー", "ﾄﾞﾗｲﾊﾞｰ" }, { "オペレーター", "ｵﾍﾟﾚｰﾀｰ" }, { "デザイナー", "ﾃﾞｻﾞｲﾅｰ" },
	{ "ルート", "ﾙｰﾄ" }, { "パート", "ﾊﾟｰﾄ" }, { "ホーム", "ﾎｰﾑ" }, { "ケアマネジャー", "ｹｱﾏﾈｼﾞｬｰ" },
};

/* ---- companies ---- */

static const char *const places[] = {
	"赤城", "榛名", "妙義", "利根", "前橋", "高崎", "桐生", "碓氷", "吾妻", "尾瀬", "浅間", "谷川", "鏑川",
	"渡良瀬", "烏川", "広瀬", "水上", "伊香保", "上毛", "両毛", "関東", "武尊", "白根", "片品", "妙高",
	"上州", "群馬", "ぐんま", "太田", "館林", "富岡", "中之条", "沼田", "藤岡", "草津",
};
static const char *const co_words[] = {
	"精機", "工業", "物流", "電機", "建設", "フーズ", "システム", "テクノ", "商事", "運輸", "製作所",
	"食品", "化成", "電子", "産業", "興業", "技研", "ソフト", "情報サービス", "ネットワーク", "住宅",
	"ホーム", "開発", "エンジニアリング", "メタル", "プラスチック", "観光", "交通", "サービス", "設備",
};
static const char *const katakana_names[] = {
	"アルファ", "サンライズ", "グリーンフィールド", "ミライ", "ネクスト", "ブリッジ", "ハーモニー",
	"クレスト", "フォレスト", "リンクス", "コスモ", "ベル", "アクア", "スマイル",
};

static void
company_name(sb_t *o, const job_t *j, char industry)
{
	const char *pl = PICK(places), *w = PICK(co_words);

	if (industry == 'P' && chance(80)) {
		switch (rnd(4)) {
		case 0: sb_puts(o, "医療法人"); sb_puts(o, pl); sb_puts(o, "会"); break;
		case 1: sb_puts(o, "社会福祉法人"); sb_puts(o, pl); sb_puts(o, "福祉会"); break;
		case 2: sb_puts(o, "医療法人社団"); sb_puts(o, pl); sb_puts(o, "会 "); sb_puts(o, pl); sb_puts(o, "病院"); break;
		default: sb_puts(o, "株式会社"); sb_puts(o, pl); sb_puts(o, "ケアサービス"); break;
		}
		return;
	}
	if (industry == 'O' && chance(70)) {
		sb_puts(o, chance(50) ? "学校法人" : "社会福祉法人");
		sb_puts(o, pl);
		sb_puts(o, chance(50) ? "学園" : "会");
		return;
	}
	if (industry == 'A' && chance(70)) {
		sb_puts(o, chance(50) ? "農業生産法人株式会社" : "有限会社");
		sb_puts(o, pl);
		sb_puts(o, chance(50) ? "ファーム" : "農園");
		return;
	}
	if ((industry == 'S' || industry == 'Q') && chance(70)) {
		sb_puts(o, chance(50) ? "JA" : "");
		sb_puts(o, pl);
		sb_puts(o, chance(50) ? "農業協同組合" : "地域振興公社");
		return;
	}
	if (industry == 'M' && chance(50)) {
		sb_puts(o, "株式会社");
		sb_puts(o, pl);
		sb_puts(o, chance(50) ? "温泉ホテル" : "観光");
		return;
	}
	switch (rnd(7)) {
	case 0: case 1: sb_puts(o, "株式会社上州"); sb_puts(o, w); break;
	case 2: sb_puts(o, pl); sb_puts(o, w); sb_puts(o, "株式会社"); break;
	case 3: sb_puts(o, "有限会社"); sb_puts(o, pl); sb_puts(o, w); break;
	case 4: sb_puts(o, "株式会社"); sb_puts(o, pl); sb_puts(o, w); break;
	case 5: sb_puts(o, "株式会社"); sb_puts(o, PICK(katakana_names)); sb_puts(o, w); break;
	default: sb_puts(o, PICK(katakana_names)); sb_puts(o, j->occ[1] == '2' ? "テクノロジーズ株式会社" : "合同会社"); break;
	}
}

/* ---- description sentences ---- */

/*
 * Slots: %J job word, %C town, %S station (or the town when it has none), %R interchange, %P place word,
 * %K company, %n 2-9, %N 10-60, %Y 10-90 (years), %E 15-900 (employees), %H 100-500 (yen), %A 20-50 (age),
 * %W a work sentence of the job, %Q a qualification of the job.
 */
static const char *const s_intro[] = {
	"%Kは%Cに本社を置き、創業%Y年を迎えた地域に根ざした会社です。",
	"当社は%Cを拠点に、従業員%E名で県内外のお客様と取引をしています。",
	"%Pのふもと、%Cで%Y年にわたり事業を続けてきました。",
	"地元%Cで長く愛されてきた会社で、ここ数年は新しい分野にも挑戦しています。",
	"業績は安定しており、昨年度は売上が前年比%N%%増となりました。",
	"今回は事業拡大に伴う増員募集で、%J職として%n名の採用を予定しています。",
	"欠員補充ではなく増員のための募集です。",
	"群馬県の「いきいきGカンパニー」の認証を受けた、働きやすい職場づくりに取り組む会社です。",
};
static const char *const s_work[] = {
	"%Jとして、まずは先輩社員と一緒に基本的な業務から覚えていただきます。",
	"慣れてきたら、%Jとしてより幅広い業務をお任せしたいと考えています。",
	"%Jの仕事は、チームで協力しながら進めることが多い仕事です。",
	"1日の流れは、朝礼のあと各自の担当業務に取りかかり、夕方に日報を提出して終了です。",
	"担当する業務量は経験や希望に合わせて調整しますので、ご安心ください。",
	"繁忙期は年度末の2月から3月ごろですが、事前に計画を立てて無理のないよう進めています。",
	"業務の%N%%ほどはPCを使った作業です。",
	"新しいシステムやツールで業務の効率化を進めており、紙の書類は年々減っています。",
	"入社後しばらくは%Cの本社で勤務し、その後は希望や適性に応じて配属先を決めます。",
};
static const char *const s_training[] = {
	"入社後は%n週間の研修があり、会社のことや仕事の進め方を基礎から学べます。",
	"OJTで先輩がマンツーマンで指導しますので、未経験の方も安心してスタートできます。",
	"資格取得支援制度があり、受験費用や講習費用は会社が全額負担します。",
	"外部研修やセミナーへの参加も積極的に支援しています。",
	"年に%n回、上司との面談の機会があり、目標や悩みを相談できます。",
	"社内の勉強会で、%Jとしての知識や技術を身につけることができます。",
	"マニュアルや動画教材がそろっており、自分のペースで学ぶことができます。",
	"入社%n年目までは教育担当の先輩がつき、困ったときはいつでも相談できます。",
	"%A代・%A代のスタッフが中心となって、新しく入った方をフォローします。",
};
static const char *const s_mood[] = {
	"職場には%A代から60代まで幅広い年代のスタッフが在籍しています。",
	"平均年齢は%A歳で、和気あいあいとした雰囲気の職場です。",
	"子育て中のスタッフも多く、急なお休みにも互いにフォローし合っています。",
	"社員同士の仲が良く、休日に一緒にゴルフや釣りに出かけることもあります。",
	"男女ともに育児休業の取得実績があり、復帰後も短時間勤務で活躍しています。",
	"風通しの良い職場で、若手の意見も積極的に取り入れています。",
	"年に一度の社員旅行や、夏のバーベキュー大会などの行事があります。",
	"離職率が低く、10年以上勤めているスタッフが半数以上です。",
	"県外から%CにUターン・Iターンしてきた社員も活躍しています。",
	"定時で帰る日が多く、仕事とプライベートを両立しやすい環境です。",
	"残業は月平均%n時間程度で、ほとんどない月もあります。",
	"%Pの山並みが見える明るいオフィスで、のびのびと働けます。",
};
static const char *const s_benefit[] = {
	"昇給は年1回、賞与は年2回（昨年度実績%n.%nか月分）です。",
	"通勤手当は規定に基づき支給します（上限月%N,000円）。",
	"社会保険完備（雇用・労災・健康・厚生年金）、退職金制度があります。",
	"家族手当、住宅手当、資格手当など各種手当を支給します。",
	"制服は貸与します。社員食堂では1食%H円で昼食がとれます。",
	"年間休日は%N日以上で、有給休暇も取得しやすい環境です。",
	"敷地内に無料駐車場があり、マイカー通勤ができます。",
	"定年は65歳で、その後も希望者は再雇用制度で70歳まで働けます。",
	"健康診断のほか、インフルエンザの予防接種費用を会社が負担します。",
	"財形貯蓄制度、社員持株会、慶弔見舞金制度があります。",
	"転居を伴う場合は引越し費用を補助し、社宅も用意しています。",
	"時間単位で有給休暇を取得できる制度があります。",
};
static const char *const s_access_station[] = {
	"%Sから徒歩%n分、雨の日も通いやすい立地です。",
	"最寄りは%Sで、駅から送迎バスが出ています。",
	"%Sから車で約%N分です。",
};
static const char *const s_access_road[] = {
	"%Rから車で約%n分で、県外からの通勤にも便利です。",
	"%Rに近く、幹線道路沿いでわかりやすい場所です。",
};
static const char *const s_access_car[] = {
	"群馬県は車社会のため、ほとんどのスタッフがマイカーで通勤しています。",
	"%C内はもちろん、近隣の市町村から通勤しているスタッフも多くいます。",
	"公共交通機関での通勤が難しい場所のため、マイカー通勤をお願いします。",
};
static const char *const s_apply[] = {
	"応募書類（履歴書・職務経歴書）を郵送またはメールでお送りください。書類選考のうえ面接日をご連絡します。",
	"まずはお気軽に職場見学にお越しください。見学だけでも歓迎します。",
	"面接は%n回を予定しています。オンラインでの面接にも対応します。",
	"ご応募から内定までは%n週間程度です。入社日はご相談に応じます。",
	"在職中の方も、面接日や入社日は柔軟に調整しますので、お気軽にご応募ください。",
	"ジョブカフェぐんまやハローワーク%Cからのご紹介も受け付けています。",
};
static const char *const s_industry_fill[] = {
	"%Cの企業として、地域の雇用と経済を支えていくことを大切にしています。",
	"県内の高校・大学からの新卒採用も毎年行っています。",
	"群馬県内の取引先は%N社以上にのぼります。",
	"地元の小学校での出前授業など、地域貢献活動にも取り組んでいます。",
	"SDGsの取組として、工場の屋根に太陽光パネルを設置しました。",
	"DX推進のため、業務システムのクラウド化を進めています。",
};

typedef struct offer {
	const job_t  *job;
	const town_t *town;
	const char   *place;
	sb_t          company;
} offer_t;

static void
expand(sb_t *o, const char *tpl, const offer_t *of)
{
	const char *p = tpl;

	while (*p != '\0') {
		const char *pct = strchr(p, '%');
		if (pct == NULL) {
			sb_puts(o, p);
			return;
		}
		sb_putn(o, p, (size_t)(pct - p));
		p = pct + 1;
		switch (*p) {
		case 'J': sb_puts(o, of->job->word); break;
		case 'C': sb_puts(o, of->town->name); break;
		case 'S':
			if (of->town->station[0] != '\0')
				sb_puts(o, of->town->station);
			else {
				sb_puts(o, of->town->name);
				sb_puts(o, "役場");
			}
			break;
		case 'R': sb_puts(o, of->town->road); break;
		case 'P': sb_puts(o, of->place); break;
		case 'K': sb_putn(o, of->company.p, of->company.len); break;
		case 'n': sb_int(o, between(2, 9)); break;
		case 'N': sb_int(o, between(10, 60)); break;
		case 'Y': sb_int(o, between(10, 90)); break;
		case 'E': sb_int(o, between(15, 900)); break;
		case 'H': sb_int(o, between(1, 5) * 100); break;
		case 'A': sb_int(o, between(2, 5) * 10); break;
		case '%': sb_putc(o, '%'); break;
		case '\0': return;
		default: sb_putc(o, '%'); sb_putc(o, *p); break;
		}
		p++;
	}
}

typedef struct pool {
	const char *const *s;
	int               n;
	const char       *heading;
	uint64_t          used;     /* templates already in this body */
	sb_t              text;
} pool_t;

/* Appends one unused template of the pool; 0 when all are used. */
static int
pool_add(pool_t *pl, const offer_t *of)
{
	int i, k = rnd(pl->n);

	for (i = 0; i < pl->n; i++, k = (k + 1) % pl->n) {
		if (pl->used & (1ULL << k))
			continue;
		pl->used |= 1ULL << k;
		expand(&pl->text, pl->s[k], of);
		return 1;
	}
	return 0;
}

static void
description(sb_t *o, const offer_t *of)
{
	enum { P_WORK, P_TRAIN, P_MOOD, P_BENEFIT, P_ACCESS, P_APPLY, NPOOLS };
	static const char *const headings[NPOOLS] = {
		"【仕事内容】", "【研修・教育】", "【職場の雰囲気】", "【待遇・福利厚生】", "【アクセス】", "【応募について】",
	};
	const char *job_work[8], *access[8];
	const char *const *jw = of->job->work;
	pool_t pools[NPOOLS];
	int i, nj = 0, na = 0, target = between(DESC_MIN, DESC_MAX - SENTENCE_MAX), open;
	size_t chars = 0;
	for (i = 0; i < 6 && jw[i] != NULL; i++)
		job_work[nj++] = jw[i];
	if (of->town->station[0] != '\0')
		for (i = 0; i < (int)NELEM(s_access_station); i++)
			access[na++] = s_access_station[i];
	if (of->town->road[0] != '\0')
		for (i = 0; i < (int)NELEM(s_access_road); i++)
			access[na++] = s_access_road[i];
	for (i = 0; i < (int)NELEM(s_access_car) && na < (int)NELEM(access); i++)
		access[na++] = s_access_car[i];

	memset(pools, 0, sizeof(pools));
	pools[P_WORK].s = s_work; pools[P_WORK].n = (int)NELEM(s_work);
	pools[P_TRAIN].s = s_training; pools[P_TRAIN].n = (int)NELEM(s_training);
	pools[P_MOOD].s = s_mood; pools[P_MOOD].n = (int)NELEM(s_mood);
	pools[P_BENEFIT].s = s_benefit; pools[P_BENEFIT].n = (int)NELEM(s_benefit);
	pools[P_ACCESS].s = access; pools[P_ACCESS].n = na;
	pools[P_APPLY].s = s_apply; pools[P_APPLY].n = (int)NELEM(s_apply);
	for (i = 0; i < NPOOLS; i++)
		pools[i].heading = headings[i];

	/* what every body has: the company, the job's own work, one line of each other section */
	expand(&pools[P_WORK].text, PICK(s_intro), of);
	for (i = 0; i < nj; i++)
		if (i < 2 || chance(60))
			expand(&pools[P_WORK].text, job_work[(i + nj - 1) % nj], of);
	for (i = P_TRAIN; i < NPOOLS; i++)
		pool_add(&pools[i], of);
	pool_add(&pools[P_WORK], of);

	for (i = 0; i < NPOOLS; i++) /* with its heading, its newline and the blank line before it */
		chars += utf8_chars(pools[i].text.p, pools[i].text.len) + utf8_chars(headings[i], strlen(headings[i])) +
		    (i > 0 ? 3 : 1);
	while ((int)chars < target) {
		/* more of the long sections than of the short ones */
		static const int w[NPOOLS] = { 30, 18, 22, 22, 4, 4 };
		int k = pick_weighted(w, NPOOLS), tries;
		size_t before;
		for (tries = 0; tries < NPOOLS; tries++, k = (k + 1) % NPOOLS) {
			before = pools[k].text.len;
			if (pool_add(&pools[k], of))
				break;
		}
		if (tries == NPOOLS) {
			/* every pool used up: company lines */
			k = P_WORK;
			before = pools[k].text.len;
			expand(&pools[k].text, PICK(s_industry_fill), of);
		}
		chars += utf8_chars(pools[k].text.p + before, pools[k].text.len - before);
	}
	open = 0;
	for (i = 0; i < NPOOLS; i++) {
		if (pools[i].text.len == 0)
			continue;
		if (open)
			sb_puts(o, "\n\n");
		sb_puts(o, pools[i].heading);
		sb_putc(o, '\n');
		sb_putn(o, pools[i].text.p, pools[i].text.len);
		open = 1;
		free(pools[i].text.p);
	}
	/* a body must stay within what the generator promises */
	chars = utf8_chars(o->p, o->len);
	if (chars > DESC_MAX) {
		/* cut at the last sentence end inside the limit; sentences are short, so this is rare */
		size_t i2, c = 0, cut = 0;
		for (i2 = 0; i2 < o->len; i2++) {
			if (((unsigned char)o->p[i2] & 0xc0) != 0x80)
				c++;
			if (c > DESC_MAX)
				break;
			if (i2 >= 2 && memcmp(o->p + i2 - 2, "。", 3) == 0)
				cut = i2 + 1;
		}
		o->len = cut;
		o->p[cut] = '\0';
	}
}

/* ---- titles ---- */

static void
replace_first(sb_t *s, const char *from, const char *to)
{
	char *at = strstr(s->p, from);
	sb_t t = { 0 };

	if (at == NULL)
		return;
	sb_putn(&t, s->p, (size_t)(at - s->p));
	sb_puts(&t, to);
	sb_puts(&t, at + strlen(from));
	free(s->p);
	*s = t;
}

/* ASCII letters and digits to their full-width forms (A -> Ａ, U+FF21). */
static void
to_fullwidth(sb_t *s)
{
	sb_t t = { 0 };
	size_t i;

	for (i = 0; i < s->len; i++) {
		unsigned char c = (unsigned char)s->p[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			unsigned cp = 0xff01 + (c - 0x21);
			char u[3] = { (char)(0xe0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3f)), (char)(0x80 | (cp & 0x3f)) };
			sb_putn(&t, u, 3);
		} else {
			sb_putc(&t, (char)c);
		}
	}
	free(s->p);
	*s = t;
}

static void
title(sb_t *o, const offer_t *of, int emp)
{
	const job_t *j = of->job;
	sb_t t = { 0 };
	int nt = 0, i;

	while (nt < 6 && j->titles[nt] != NULL)
		nt++;
	if (chance(35))
		sb_puts(&t, emp_label[emp]);
	else if (chance(8))
		sb_puts(&t, PICK(title_prefix_other));
	/* earlier variants are the common ones */
	i = rnd(nt) < nt / 2 + 1 ? rnd(nt / 2 + 1) : rnd(nt);
	expand(&t, j->titles[i], of);
	if (emp == E_PART && chance(50))
		sb_puts(&t, PICK(title_suffix_part));
	else if (chance(45))
		sb_puts(&t, PICK(title_suffix));
	if (chance(15))
		sb_puts(&t, PICK(title_suffix));
	if (chance(10)) {
		sb_puts(&t, "（");
		sb_puts(&t, of->town->name);
		sb_puts(&t, "）");
	}
	if (chance(6))
		to_fullwidth(&t);
	if (chance(8))
		for (i = 0; i < (int)NELEM(hankaku); i++)
			replace_first(&t, hankaku[i].full, hankaku[i].half);
	sb_putn(o, t.p, t.len);
	free(t.p);
}

/* ---- one offer ---- */

static const char *const streets[] = {
	"大手町", "本町", "元町", "中央町", "駅南町", "新町", "栄町", "緑町", "末広町", "旭町", "東町", "西町",
	"若宮町", "昭和町", "問屋町", "上大島町", "下小鳥町", "日吉町", "住吉町", "宮本町",
};

static void
salary(sb_t *o, const job_t *j, int emp)
{
	if (emp == E_PART || (emp == E_HAKEN && chance(70))) {
		int lo = between(98, 140) * 10;
		sb_puts(o, "時給");
		sb_grouped(o, lo);
		sb_puts(o, "円〜");
		sb_grouped(o, lo + between(1, 6) * 50);
		sb_puts(o, "円");
		if (chance(40))
			sb_puts(o, "（経験・資格により優遇）");
		return;
	}
	{
		int lo = between(j->sal_lo, (j->sal_lo + j->sal_hi) / 2), hi = between(lo + 20, j->sal_hi + 20);
		if (chance(15)) {
			sb_puts(o, "年収");
			sb_int(o, lo * 14 / 100 * 10);
			sb_puts(o, "万円〜");
			sb_int(o, hi * 15 / 100 * 10);
			sb_puts(o, "万円");
		} else {
			sb_puts(o, "月給");
			sb_int(o, lo / 10);
			sb_puts(o, "万");
			if (lo % 10) {
				sb_int(o, lo % 10);
				sb_puts(o, ",000");
			}
			sb_puts(o, "円〜");
			sb_int(o, hi / 10);
			sb_puts(o, "万円");
		}
		if (chance(50))
			sb_puts(o, "（固定残業代なし）");
		else if (chance(30))
			sb_puts(o, "＋各種手当");
	}
}

static void
hours(sb_t *o, const job_t *j, int emp)
{
	static const char *const day[] = {
		"8:30〜17:30（休憩60分）", "9:00〜18:00（実働8時間）", "8:00〜17:00（休憩75分）", "8:15〜17:15",
		"9:00〜17:30（休憩60分）", "8:30〜17:15（実働7時間45分）",
	};
	static const char *const shift[] = {
		"シフト制（早番7:00〜16:00、日勤8:30〜17:30、遅番10:30〜19:30）",
		"2交替制（8:00〜17:00／20:00〜翌5:00）", "シフト制（実働8時間、月%n回程度の夜勤あり）",
		"シフト制（9:00〜22:00の間で実働8時間）",
	};
	static const char *const part[] = {
		"9:00〜15:00の間で1日4時間以上、週3日〜", "10:00〜14:00（週%n日程度）", "17:00〜22:00の間で3時間以上",
		"6:00〜9:00（早朝のみ）", "9:00〜16:00（扶養内の勤務もご相談ください）",
	};
	offer_t dummy = { j, &towns[0], "", { 0 } };

	if (emp == E_PART)
		expand(o, PICK(part), &dummy);
	else if (j->occ[1] == '4' || j->occ[1] == '8' || j->occ[1] == '9' || (j->occ[1] == '2' && j->occ[0] == '1' && chance(40)))
		expand(o, PICK(shift), &dummy);
	else
		sb_puts(o, PICK(day));
}

/* The items a published job offer must state (B01, src/content/joblaw.h), short and plausible. */
static void
law_items(sb_t *o, int emp)
{
	static const char *const smoking[] = { "屋内禁煙", "屋内原則禁煙（喫煙専用室あり）", "敷地内禁煙" };
	const char *s;
	int permanent = strcmp(emp_code[emp], "seishain") == 0;

	s = chance(50) ? "会社の定める業務" : "変更なし";
	json_field(o, "duties_scope", s, strlen(s), 0);
	s = permanent ? "期間の定めなし" : "期間の定めあり（1年）";
	json_field(o, "contract_period", s, strlen(s), 0);
	if (!permanent) {
		json_field(o, "fixed_term_renewable", "はい", strlen("はい"), 0);
		s = "契約更新の可能性あり（業務量・勤務成績により判断）。通算契約期間の上限5年";
		json_field(o, "renewal_rule", s, strlen(s), 0);
	}
	s = permanent ? "あり（3か月）" : "なし";
	json_field(o, "trial_period", s, strlen(s), 0);
	s = chance(30) ? "会社の定める県内の事業所" : "変更なし";
	json_field(o, "workplace_scope", s, strlen(s), 0);
	s = chance(50) ? "あり（月平均10時間）" : "なし";
	json_field(o, "overtime", s, strlen(s), 0);
	s = chance(70) ? "60分" : "45分";
	json_field(o, "breaks", s, strlen(s), 0);
	s = "雇用保険、労災保険、健康保険、厚生年金";
	json_field(o, "insurance", s, strlen(s), 0);
	s = PICK(smoking);
	json_field(o, "smoking", s, strlen(s), 0);
}

static void
holidays(sb_t *o, int emp)
{
	switch (rnd(6)) {
	case 0: sb_puts(o, "土日祝（年間休日"); sb_int(o, between(115, 125)); sb_puts(o, "日）"); break;
	case 1: sb_puts(o, "週休2日制（シフト制）、年間休日"); sb_int(o, between(105, 120)); sb_puts(o, "日"); break;
	case 2: sb_puts(o, "日曜・祝日、第2・第4土曜日"); break;
	case 3: sb_puts(o, "完全週休2日制（土日）、祝日"); break;
	case 4: sb_puts(o, "4週8休（シフト制）"); break;
	default: sb_puts(o, "会社カレンダーによる（年間休日"); sb_int(o, between(105, 122)); sb_puts(o, "日）"); break;
	}
	sb_puts(o, emp == E_PART ? "、有給休暇" : "、夏季休暇、年末年始休暇、有給休暇");
}

static void
date_text(sb_t *o, int y, int m, int d)
{
	char tmp[16];
	int n = snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, m, d);

	if (n > 0 && (size_t)n < sizeof(tmp))
		sb_putn(o, tmp, (size_t)n);
}

static int
days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) ? 29 : d[m - 1];
}

static void
offer(sb_t *o, sb_t *scratch)
{
	static int job_w[NELEM(jobs)], town_w[NELEM(towns)], ready;
	offer_t of;
	const job_t *j;
	int emp, i, r, t1, t2, m;
	char ind[2] = { 0, 0 };

	if (!ready) {
		for (i = 0; i < (int)NELEM(jobs); i++)
			job_w[i] = jobs[i].weight;
		for (i = 0; i < (int)NELEM(towns); i++)
			town_w[i] = towns[i].weight;
		ready = 1;
	}
	memset(&of, 0, sizeof(of));
	j = of.job = &jobs[pick_weighted(job_w, (int)NELEM(jobs))];
	of.town = &towns[pick_weighted(town_w, (int)NELEM(towns))];
	of.place = PICK(places);
	/* the first listed industry is the usual one */
	ind[0] = chance(60) ? j->ind[0] : j->ind[rnd((int)strlen(j->ind))];
	company_name(&of.company, j, ind[0]);

	if (chance(j->part))
		emp = E_PART;
	else {
		static const int w[] = { 76, 11, 0, 8, 5 };
		emp = pick_weighted(w, 5);
	}

	sb_putc(o, '{');
	sb_clear(scratch);
	title(scratch, &of, emp);
	json_field(o, "title", scratch->p, scratch->len, 1);
	json_field(o, "company_name", of.company.p, of.company.len, 0);
	sb_clear(scratch);
	description(scratch, &of);
	json_field(o, "description", scratch->p, scratch->len, 0);
	json_field(o, "occupation", j->occ, strlen(j->occ), 0);
	json_field(o, "industry", ind, 1, 0);
	json_field(o, "employment", emp_code[emp], strlen(emp_code[emp]), 0);
	json_field(o, "municipality", of.town->code, strlen(of.town->code), 0);
	t1 = pick_weighted(target_w, (int)NELEM(targets));
	sb_puts(o, ",\"target\":[");
	json_string(o, targets[t1], strlen(targets[t1]));
	if (chance(40)) {
		t2 = pick_weighted(target_w, (int)NELEM(targets));
		if (t2 != t1) {
			sb_putc(o, ',');
			json_string(o, targets[t2], strlen(targets[t2]));
		}
	}
	sb_putc(o, ']');

	sb_clear(scratch);
	sb_puts(scratch, "群馬県");
	sb_puts(scratch, of.town->name);
	sb_puts(scratch, PICK(streets));
	sb_int(scratch, between(1, 5));
	sb_puts(scratch, "丁目");
	sb_int(scratch, between(1, 30));
	sb_putc(scratch, '-');
	sb_int(scratch, between(1, 20));
	if (chance(30)) {
		sb_puts(scratch, "（");
		sb_puts(scratch, of.town->station[0] ? of.town->station : of.town->name);
		sb_puts(scratch, of.town->station[0] ? "から徒歩" : "役場から車で");
		sb_int(scratch, between(3, 15));
		sb_puts(scratch, "分）");
	}
	json_field(o, "workplace", scratch->p, scratch->len, 0);
	sb_clear(scratch);
	salary(scratch, j, emp);
	json_field(o, "salary", scratch->p, scratch->len, 0);
	sb_clear(scratch);
	hours(scratch, j, emp);
	json_field(o, "hours", scratch->p, scratch->len, 0);
	sb_clear(scratch);
	holidays(scratch, emp);
	json_field(o, "holidays", scratch->p, scratch->len, 0);
	law_items(o, emp);
	sb_clear(scratch);
	for (i = 0; i < 3 && j->qual[i] != NULL; i++) {
		if (i > 0 && !chance(60))
			continue;
		if (scratch->len > 0)
			sb_putc(scratch, '\n');
		sb_puts(scratch, j->qual[i]);
	}
	if (chance(50)) {
		sb_putc(scratch, '\n');
		sb_puts(scratch, chance(50) ? "学歴不問" : "高卒以上");
	}
	json_field(o, "qualifications", scratch->p, scratch->len, 0);

	m = between(1, 12);
	sb_clear(scratch);
	date_text(scratch, 2027, m, between(1, days_in(2027, m)));
	json_field(o, "deadline", scratch->p, scratch->len, 0);

	/* most offers are published and open-ended; some drafts, archives and expired listings */
	r = rnd(100);
	json_field(o, "status", r < 3 ? "draft" : r < 6 ? "archived" : "published",
	    strlen(r < 3 ? "draft" : r < 6 ? "archived" : "published"), 0);
	if (chance(8)) {
		/* an expired listing: started and ended before the benchmark's "now" (2026-11-22 or later) */
		m = between(4, 8);
		sb_clear(scratch);
		date_text(scratch, 2026, m, between(1, 28));
		json_field(o, "listing_start", scratch->p, scratch->len, 0);
		sb_clear(scratch);
		date_text(scratch, 2026, between(m + 1, 10), between(1, 28));
		json_field(o, "listing_end", scratch->p, scratch->len, 0);
	} else {
		m = between(4, 11);
		sb_clear(scratch);
		date_text(scratch, 2026, m, between(1, m == 11 ? 15 : days_in(2026, m)));
		json_field(o, "listing_start", scratch->p, scratch->len, 0);
	}
	sb_puts(o, "}\n");
	free(of.company.p);
}

int
main(int argc, char **argv)
{
	static char obuf[1 << 20];
	sb_t line = { 0 }, scratch = { 0 };
	unsigned long long n, seed = 1, i;
	char *end;

	if (argc < 2 || argc > 3) {
		fputs("usage: gen N [seed]   (writes N job offers as JSON Lines to standard output)\n", stderr);
		return 2;
	}
	n = strtoull(argv[1], &end, 10);
	if (*argv[1] == '\0' || *end != '\0' || n > 100000000ULL) {
		fputs("gen: N must be a number from 0 to 100000000\n", stderr);
		return 2;
	}
	if (argc == 3) {
		seed = strtoull(argv[2], &end, 10);
		if (*argv[2] == '\0' || *end != '\0') {
			fputs("gen: seed must be a number\n", stderr);
			return 2;
		}
	}
	rng_seed(seed);
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	for (i = 0; i < n; i++) {
		sb_clear(&line);
		offer(&line, &scratch);
		if (fwrite(line.p, 1, line.len, stdout) != line.len) {
			perror("gen: write");
			return 1;
		}
	}
	free(line.p);
	free(scratch.p);
	if (fflush(stdout) != 0) {
		perror("gen: write");
		return 1;
	}
	return 0;
}
