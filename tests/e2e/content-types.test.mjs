// content-types.test.mjs - issue 6 item 5 follow-up: every public content type the staff editor writes besides
// news — events (G41), the prefecture's projects (G42), tips for companies (G43), columns (G44) and banners (G80)
// — is written in 記事・ページの編集 by a staff member who may (clicking through the menu to the type's new-record
// form, every required field found by its Japanese label), published, found by a visitor where a visitor looks
// for it (the list and the detail page; a banner on the top page), renamed (the public sees the new title at
// once) and withdrawn (非公開にする: 404 and gone from the list). A required field left empty is reported next to
// it, in Japanese, with everything else typed kept (an uploaded image too). Every editor form passes axe and
// reflows at 320 px. The department rule (G62) holds for an event as cms.test.mjs shows it for companies: other
// departments and viewers cannot change it by the form or by a direct POST; the prefecture can.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, startServer, launchBrowser, assertAccessible, assertReflows, login, DEMO_PASSWORD,
} from './harness.mjs';

const SCHEMA = JSON.parse(readFileSync(join(ROOT, 'sites', 'gunma', 'schema.json'), 'utf8'));
const DEPT_KIGYO = '3';     // 001_foundation.sql: 1 県, 2 就職支援部門, 3 企業支援部門
const DEPT_SHUSHOKU = '2';

describe('staff editing of every public content type (G41-G44, G80; issue 6 item 5)', () => {
  let srv, browser, jpeg;

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    // an image to upload through the editor's file field: one of the demo banners, as a visitor gets it
    const html = await (await fetch(srv.url + '/')).text();
    const src = html.match(/\/media\/[0-9a-f]{32}-\d+\.jpg/);
    assert.ok(src, 'the top page shows a banner image');
    jpeg = Buffer.from(await (await fetch(srv.url + src[0])).arrayBuffer());
    assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8]);
  });

  after(async () => {
    await browser?.close();
    await srv?.stop();
    srv?.cleanup();
  });

  async function as(loginId) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    if (loginId) {
      await login(page, srv.url, loginId, DEMO_PASSWORD);
      await page.waitForURL((u) => u.pathname !== '/login');
    }
    return page;
  }

  /** The control of a field by its label as the editor shows it: 「タイトル（必須）」 for a required one. */
  function field(page, label, required = false) {
    return page.getByLabel(required ? `${label}（必須）` : label, { exact: true });
  }

  /** A checkbox of a vocabulary field, inside the group its legend names. */
  function term(page, groupLabel, name) {
    return page.getByRole('group', { name: new RegExp(`^${groupLabel}`) }).getByLabel(name, { exact: true });
  }

  /** 業務管理メニュー → 記事・ページの編集 → the type → its new-record form, as a person clicks through. */
  async function openNewForm(page, type) {
    const label = SCHEMA.types[type].name;
    await page.goto(srv.url + '/staff');
    await page.getByRole('link', { name: /記事・ページの編集/ }).click();
    await page.waitForURL(/\/staff\/content$/);
    await page.getByRole('link', { name: label, exact: true }).click();
    await page.waitForURL(new RegExp(`/staff/content/${type}$`));
    await page.getByRole('link', { name: `${label}を新しく作る` }).click();
    await page.waitForURL(new RegExp(`/staff/content/${type}/new$`));
    await assert.doesNotReject(page.getByRole('heading', { level: 1, name: `${label}の新規作成` }).waitFor());
  }

  /** Every required field of the schema's type has one control named by its label with 「（必須）」. */
  async function assertRequiredLabelled(page, type) {
    for (const f of SCHEMA.types[type].fields.filter((x) => x.required && !x.internal)) {
      const n = f.type === 'terms'
        ? await page.getByRole('group', { name: new RegExp(`^${f.label}\\s*（必須）$`) }).count()
        : await field(page, f.label, true).count();
      assert.equal(n, 1, `${type}: the required field 「${f.label}」 by its label`);
    }
  }

  /** axe at 390 px, then no horizontal scrolling at 320 px (WCAG 1.4.10). */
  async function checkForm(page, what) {
    await assertAccessible(page, what);
    await page.setViewportSize({ width: 320, height: 844 });
    await assertReflows(page, `${what} (320)`);
    await page.setViewportSize({ width: 390, height: 844 });
  }

  /** The message is next to the field: one of the texts its aria-describedby names, the field marked invalid. */
  async function assertFieldError(page, input, message) {
    await assert.doesNotReject(page.getByText(message, { exact: true }).first().waitFor(), message);
    assert.equal(await input.getAttribute('aria-invalid'), 'true', `${message}: aria-invalid`);
    const ids = ((await input.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
    const texts = [];
    for (const id of ids)
      texts.push(((await page.locator(`[id="${id}"]`).textContent()) ?? '').trim());
    assert.ok(texts.includes(message), `「${message}」 is not among the field's descriptions: ${texts.join(' / ')}`);
    // the summary at the top links to the field
    await assert.doesNotReject(page.locator('.error-list a', { hasText: message }).first().waitFor());
  }

  /** 公開 on the form as it is: the record's edit page with 公開中; its id. */
  async function publish(page, type) {
    await page.getByRole('button', { name: '公開', exact: true }).click();
    await page.waitForURL(new RegExp(`/staff/content/${type}/\\d+\\?done=published$`));
    await assert.doesNotReject(page.getByText('公開しました。').waitFor());
    await assert.doesNotReject(page.getByText('公開中', { exact: true }).first().waitFor());
    return Number(new URL(page.url()).pathname.split('/').pop());
  }

  /** A new title, saved while published. */
  async function rename(page, titleInput, title) {
    await titleInput.fill(title);
    await page.getByRole('button', { name: /^保存/ }).click();
    await page.waitForURL(/\?done=saved$/);
    assert.equal(await titleInput.inputValue(), title);
    await assert.doesNotReject(page.getByText('公開中', { exact: true }).first().waitFor());
  }

  async function unpublish(page) {
    await page.getByRole('button', { name: '非公開にする', exact: true }).click();
    await page.waitForURL(/\?done=unpublished$/);
    await assert.doesNotReject(page.getByText('非公開', { exact: true }).first().waitFor());
    assert.equal(await page.getByRole('link', { name: '公開ページを見る' }).count(), 0);
  }

  /** A visitor finds the title in the list at base, follows it, and reads it as the page's heading. */
  async function visitorFinds(anon, base, title, id) {
    await anon.goto(srv.url + base);
    const link = anon.getByRole('link', { name: title, exact: true });
    await assert.doesNotReject(link.first().waitFor({ timeout: 5000 }), `「${title}」 on ${base}`);
    await link.first().click();
    await anon.waitForURL(new RegExp(`${base}/${id}$`));
    await assert.doesNotReject(anon.getByRole('heading', { level: 1, name: title, exact: true }).waitFor());
  }

  /** Neither in the list at base nor at its address (404). */
  async function visitorMisses(anon, base, title, id) {
    await anon.goto(srv.url + base);
    await assert.doesNotReject(anon.getByRole('heading', { level: 1 }).first().waitFor());
    assert.equal(await anon.getByRole('link', { name: title, exact: true }).count(), 0, `「${title}」 still on ${base}`);
    const res = await anon.request.get(`${srv.url}${base}/${id}`);
    assert.equal(res.status(), 404, `${base}/${id}`);
    assert.doesNotMatch(await res.text(), new RegExp(title));
  }

  /** The banner links on the top page (関連リンク). */
  function banners(anon) {
    return anon.getByRole('region', { name: '関連リンク' }).getByRole('link');
  }

  /** The department shown in the record's 公開の状態 panel (担当部署). */
  async function department(page) {
    return ((await page.locator('.cms-state-list dt', { hasText: '担当部署' }).locator('xpath=following-sibling::dd[1]').textContent()) ?? '').trim();
  }

  async function close(...pages) {
    for (const p of pages)
      await p.context().close();
  }

  it('G80: a banner with an uploaded image links from the top page; renamed; withdrawn', async () => {
    const TITLE = 'テスト用バナー 県の移住相談窓口';
    const TITLE2 = 'テスト用バナー 県の移住・就職相談窓口';
    const URL1 = 'https://www.pref.gunma.jp/site/ctest-banner/';
    const page = await as('demo-pref');
    await openNewForm(page, 'banner');
    await assertRequiredLabelled(page, 'banner');
    await checkForm(page, 'new banner form');

    // the link left empty: its message next to it; the name, the order and the uploaded image kept
    await field(page, 'バナー名（代替テキスト）', true).fill(TITLE);
    await field(page, 'バナー画像', true).setInputFiles({ name: 'banner.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await field(page, '表示順').fill('1');
    await page.getByRole('button', { name: '公開', exact: true }).click();
    await assertFieldError(page, field(page, 'リンク先URL', true), '「リンク先URL」を入力してください。');
    assert.match(page.url(), /\/staff\/content\/banner\/new$/);
    assert.equal(await field(page, 'バナー名（代替テキスト）', true).inputValue(), TITLE);
    assert.equal(await field(page, '表示順').inputValue(), '1');
    await assert.doesNotReject(page.getByRole('img', { name: '現在のバナー画像' }).waitFor());
    await checkForm(page, 'banner form with an error');

    // published: on the top page, an image named by the banner's name inside a link to the address typed
    await field(page, 'リンク先URL', true).fill(URL1);
    const id = await publish(page, 'banner');
    assert.ok(id > 0);
    await assert.doesNotReject(page.getByRole('img', { name: '現在のバナー画像' }).waitFor());
    await checkForm(page, 'banner edit form');
    const anon = await as(null);
    await anon.goto(srv.url + '/');
    const link = banners(anon).filter({ has: anon.getByRole('img', { name: TITLE, exact: true }) });
    assert.equal(await link.count(), 1, 'the banner on the top page');
    assert.equal(await link.getAttribute('href'), URL1);
    await assert.doesNotReject(anon.getByRole('link', { name: TITLE, exact: true }).waitFor());

    // 表示順 1: before the demo banners (10, 20, ...)
    assert.equal(await banners(anon).first().getAttribute('href'), URL1, 'display order 1 comes first');
    // no preview page of its own on the public site, but the staff preview shows its fields
    const pv = await page.request.get(`${srv.url}/staff/content/banner/${id}/preview`);
    assert.equal(pv.status(), 200);
    assert.match(await pv.text(), new RegExp(TITLE));

    // renamed, its order emptied: the new name is the link's (and the image's) name at once, and a banner
    // without a display order comes after those with one
    await field(page, '表示順').fill('');
    await rename(page, field(page, 'バナー名（代替テキスト）', true), TITLE2);
    await anon.goto(srv.url + '/');
    await assert.doesNotReject(banners(anon).getByRole('img', { name: TITLE2, exact: true }).waitFor());
    assert.equal(await anon.getByRole('link', { name: TITLE2, exact: true }).getAttribute('href'), URL1);
    assert.equal(await anon.getByRole('link', { name: TITLE, exact: true }).count(), 0);
    const n = await banners(anon).count();
    assert.ok(n >= 2);
    assert.equal(await banners(anon).nth(n - 1).getAttribute('href'), URL1, 'no display order: last');

    // withdrawn: gone from the top page, the other banners stay
    await unpublish(page);
    await anon.goto(srv.url + '/');
    await assert.doesNotReject(banners(anon).first().waitFor());
    assert.equal(await anon.getByRole('link', { name: TITLE2, exact: true }).count(), 0);
    assert.doesNotMatch(await (await anon.request.get(srv.url + '/')).text(), new RegExp(URL1));
    await close(page, anon);
  });

  it('G41: an event is on /events and its own page with what was typed; renamed; withdrawn', async () => {
    const TITLE = 'テスト用イベント 冬の企業交流会';
    const TITLE2 = 'テスト用イベント 冬の企業交流会（会場変更）';
    const PLACE = '前橋市 県庁32階 テスト会議室';
    const SCHEDULE = '2027年2月14日（日）13時30分～16時';
    const ALT = '交流会の会場の様子（テスト）';
    const page = await as('demo-shushoku');
    await openNewForm(page, 'event');
    await assertRequiredLabelled(page, 'event');
    await checkForm(page, 'new event form');

    // the place left empty: its message next to it, everything else (the category, the image) kept
    await field(page, 'イベント名', true).fill(TITLE);
    await term(page, 'イベントの種類', '交流会').check();
    await field(page, '開催日', true).fill('2027-02-14');
    await field(page, '開催日時', true).fill(SCHEDULE);
    await field(page, '内容', true).fill('## 当日の流れ\n\n県内企業の採用担当者と話せます。');
    await field(page, '申込方法', true).fill('電話でお申し込みください。');
    await field(page, '画像').setInputFiles({ name: 'event.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await field(page, '画像の説明').fill(ALT);
    await page.getByRole('button', { name: '公開', exact: true }).click();
    await assertFieldError(page, field(page, '開催場所', true), '「開催場所」を入力してください。');
    assert.equal(await field(page, 'イベント名', true).inputValue(), TITLE);
    assert.equal(await term(page, 'イベントの種類', '交流会').isChecked(), true);
    assert.equal(await term(page, 'イベントの種類', 'セミナー').isChecked(), false);
    assert.equal(await field(page, '開催日', true).inputValue(), '2027-02-14');
    assert.equal(await field(page, '開催日時', true).inputValue(), SCHEDULE);
    assert.equal(await field(page, '内容', true).inputValue(), '## 当日の流れ\n\n県内企業の採用担当者と話せます。');
    assert.equal(await field(page, '申込方法', true).inputValue(), '電話でお申し込みください。');
    assert.equal(await field(page, '画像の説明').inputValue(), ALT);
    await assert.doesNotReject(page.getByRole('img', { name: '現在の画像' }).waitFor());
    await checkForm(page, 'event form with an error');

    await field(page, '開催場所', true).fill(PLACE);
    const id = await publish(page, 'event');
    assert.equal(await department(page), '就職支援部門');
    assert.equal(await page.getByRole('link', { name: '公開ページを見る' }).getAttribute('href'), `/events/${id}`);
    await checkForm(page, 'event edit form');

    // a visitor: the list, then the page with the place, the time, the rendered content and the photo
    const anon = await as(null);
    await visitorFinds(anon, '/events', TITLE, id);
    await assert.doesNotReject(anon.getByText(PLACE).first().waitFor());
    await assert.doesNotReject(anon.getByText(SCHEDULE).first().waitFor());
    await assert.doesNotReject(anon.getByRole('heading', { name: '当日の流れ' }).waitFor());
    await assert.doesNotReject(anon.getByText('交流会', { exact: true }).first().waitFor());
    await assert.doesNotReject(anon.getByRole('img', { name: ALT }).waitFor());

    await rename(page, field(page, 'イベント名', true), TITLE2);
    await visitorFinds(anon, '/events', TITLE2, id);
    await anon.goto(srv.url + '/events');
    assert.equal(await anon.getByRole('link', { name: TITLE, exact: true }).count(), 0, 'the old title is gone');

    await unpublish(page);
    await visitorMisses(anon, '/events', TITLE2, id);
    await close(page, anon);
  });

  it('G42: a prefecture project is on /projects and its page; renamed; withdrawn', async () => {
    const TITLE = 'テスト用事業 若者の県内就職応援事業';
    const TITLE2 = 'テスト用事業 若者・UIJターンの県内就職応援事業';
    const BODY = '## 事業の目的\n\n県内企業への就職を応援します。';
    const DIVISION = '産業経済部 労働政策課（テスト）';
    const PERIOD = '2026年4月～2027年3月';
    const page = await as('demo-pref');
    await openNewForm(page, 'project');
    await assertRequiredLabelled(page, 'project');
    await checkForm(page, 'new project form');

    // the body left empty
    await field(page, 'タイトル', true).fill(TITLE);
    await field(page, '日付', true).fill('2026-11-20');
    await field(page, '実施期間').fill(PERIOD);
    await field(page, '担当課').fill(DIVISION);
    await field(page, '事業のページ').fill('https://www.pref.gunma.jp/site/ctest-project/');
    await page.getByRole('button', { name: '公開', exact: true }).click();
    await assertFieldError(page, field(page, '本文', true), '「本文」を入力してください。');
    assert.equal(await field(page, 'タイトル', true).inputValue(), TITLE);
    assert.equal(await field(page, '日付', true).inputValue(), '2026-11-20');
    assert.equal(await field(page, '実施期間').inputValue(), PERIOD);
    assert.equal(await field(page, '担当課').inputValue(), DIVISION);
    assert.equal(await field(page, '事業のページ').inputValue(), 'https://www.pref.gunma.jp/site/ctest-project/');
    await checkForm(page, 'project form with an error');

    await field(page, '本文', true).fill(BODY);
    const id = await publish(page, 'project');
    assert.equal(await page.getByRole('link', { name: '公開ページを見る' }).getAttribute('href'), `/projects/${id}`);
    await checkForm(page, 'project edit form');

    const anon = await as(null);
    await visitorFinds(anon, '/projects', TITLE, id);
    await assert.doesNotReject(anon.getByRole('heading', { name: '事業の目的' }).waitFor());
    await assert.doesNotReject(anon.getByText(DIVISION).first().waitFor());
    await assert.doesNotReject(anon.getByText(PERIOD).first().waitFor());
    await assert.doesNotReject(anon.getByRole('link', { name: /ctest-project/ }).waitFor());

    await rename(page, field(page, 'タイトル', true), TITLE2);
    await visitorFinds(anon, '/projects', TITLE2, id);
    await anon.goto(srv.url + '/projects');
    assert.equal(await anon.getByRole('link', { name: TITLE, exact: true }).count(), 0, 'the old title is gone');

    await unpublish(page);
    await visitorMisses(anon, '/projects', TITLE2, id);
    await close(page, anon);
  });

  it('G43: a tip for companies is on /tips and its page; a date left empty or impossible is refused; renamed; withdrawn', async () => {
    const TITLE = 'テスト用お役立ち情報 インターンシップの受け入れ方';
    const TITLE2 = 'テスト用お役立ち情報 インターンシップの受け入れ方（改訂）';
    const BODY = '## 準備すること\n\n受け入れ担当者を決めましょう。';
    const SOURCE = '群馬県 企業支援部門（テスト）';
    const page = await as('demo-kigyo');
    await openNewForm(page, 'tips');
    await assertRequiredLabelled(page, 'tips');
    await checkForm(page, 'new tips form');

    // the date left empty, then a day that does not exist
    await field(page, 'タイトル', true).fill(TITLE);
    await field(page, '本文', true).fill(BODY);
    await field(page, '出典・提供').fill(SOURCE);
    await page.getByRole('button', { name: '公開', exact: true }).click();
    await assertFieldError(page, field(page, '日付', true), '「日付」を入力してください。');
    assert.equal(await field(page, 'タイトル', true).inputValue(), TITLE);
    assert.equal(await field(page, '本文', true).inputValue(), BODY);
    assert.equal(await field(page, '出典・提供').inputValue(), SOURCE);
    await checkForm(page, 'tips form with an error');
    await field(page, '日付', true).fill('2026-02-30');
    await page.getByRole('button', { name: '公開', exact: true }).click();
    await assertFieldError(page, field(page, '日付', true), '「日付」は「2026-04-01」の形で、実在する日付を入力してください。');
    assert.equal(await field(page, '日付', true).inputValue(), '2026-02-30');
    assert.equal(await field(page, 'タイトル', true).inputValue(), TITLE);

    await field(page, '日付', true).fill('2026-11-19');
    const id = await publish(page, 'tips');
    assert.equal(await department(page), '企業支援部門');
    assert.equal(await page.getByRole('link', { name: '公開ページを見る' }).getAttribute('href'), `/tips/${id}`);
    await checkForm(page, 'tips edit form');

    const anon = await as(null);
    await visitorFinds(anon, '/tips', TITLE, id);
    await assert.doesNotReject(anon.getByRole('heading', { name: '準備すること' }).waitFor());
    await assert.doesNotReject(anon.getByText(SOURCE).first().waitFor());

    await rename(page, field(page, 'タイトル', true), TITLE2);
    await visitorFinds(anon, '/tips', TITLE2, id);
    await anon.goto(srv.url + '/tips');
    assert.equal(await anon.getByRole('link', { name: TITLE, exact: true }).count(), 0, 'the old title is gone');

    await unpublish(page);
    await visitorMisses(anon, '/tips', TITLE2, id);
    await close(page, anon);
  });

  it('G44: a column by a staff member is on /columns and its page; renamed; withdrawn', async () => {
    const TITLE = 'テスト用コラム 就職相談の現場から';
    const TITLE2 = 'テスト用コラム 就職相談の現場から（第1回）';
    const BODY = '## はじめに\n\n**相談員**が日々の相談で感じたことを書きます。';
    const AUTHOR = 'ジョブカフェぐんま 相談員（テスト）';
    const page = await as('demo-shushoku');
    await openNewForm(page, 'column');
    await assertRequiredLabelled(page, 'column');
    await checkForm(page, 'new column form');

    // the title left empty
    await field(page, '日付', true).fill('2026-11-18');
    await field(page, '本文', true).fill(BODY);
    await field(page, '執筆者').fill(AUTHOR);
    await page.getByRole('button', { name: '公開', exact: true }).click();
    await assertFieldError(page, field(page, 'タイトル', true), '「タイトル」を入力してください。');
    assert.equal(await field(page, '日付', true).inputValue(), '2026-11-18');
    assert.equal(await field(page, '本文', true).inputValue(), BODY);
    assert.equal(await field(page, '執筆者').inputValue(), AUTHOR);
    await checkForm(page, 'column form with an error');

    await field(page, 'タイトル', true).fill(TITLE);
    const id = await publish(page, 'column');
    assert.equal(await page.getByRole('link', { name: '公開ページを見る' }).getAttribute('href'), `/columns/${id}`);
    await checkForm(page, 'column edit form');

    const anon = await as(null);
    await visitorFinds(anon, '/columns', TITLE, id);
    await assert.doesNotReject(anon.getByRole('heading', { name: 'はじめに' }).waitFor());
    await assert.doesNotReject(anon.locator('strong', { hasText: '相談員' }).first().waitFor());
    await assert.doesNotReject(anon.getByText(AUTHOR).first().waitFor());
    await assertAccessible(anon, 'public column page');

    await rename(page, field(page, 'タイトル', true), TITLE2);
    await visitorFinds(anon, '/columns', TITLE2, id);
    await anon.goto(srv.url + '/columns');
    assert.equal(await anon.getByRole('link', { name: TITLE, exact: true }).count(), 0, 'the old title is gone');

    await unpublish(page);
    await visitorMisses(anon, '/columns', TITLE2, id);
    await close(page, anon);
  });

  it('G62: a company-support event is changed neither by employment support nor by a viewer, by the form or directly; the prefecture may', async () => {
    const TITLE = 'テスト用イベント 企業支援部門の説明会';
    const kigyo = await as('demo-kigyo');
    await openNewForm(kigyo, 'event');
    await field(kigyo, 'イベント名', true).fill(TITLE);
    await term(kigyo, 'イベントの種類', '合同企業説明会').check();
    await field(kigyo, '開催日', true).fill('2027-03-05');
    await field(kigyo, '開催日時', true).fill('2027年3月5日（金）10時～12時');
    await field(kigyo, '開催場所', true).fill('高崎市 テスト会館');
    await field(kigyo, '内容', true).fill('企業支援部門が開く説明会です。');
    await field(kigyo, '申込方法', true).fill('当日受付');
    const id = await publish(kigyo, 'event');
    assert.equal(await department(kigyo), '企業支援部門');
    const href = `/staff/content/event/${id}`;
    const anon = await as(null);

    for (const who of ['demo-shushoku', 'demo-viewer']) {
      const other = await as(who);
      // every department may look (G62), but the form is read-only
      await other.goto(srv.url + href);
      await assert.doesNotReject(other.getByText('この記事を編集する権限がありません').waitFor(), who);
      assert.equal(await other.getByRole('button', { name: /保存|公開/ }).count(), 0, `${who}: no save or publish button`);
      assert.equal(await field(other, 'イベント名', true).inputValue(), TITLE);
      await assertAccessible(other, `read-only event (${who})`);
      const token = await other.locator('input[name="csrf_token"]').first().getAttribute('value');
      // a direct POST of the whole form, the department edited to the sender's own
      const multipart = {
        csrf_token: token, title: '乗っ取られたイベント', category: 'seminar', event_date: '2027-03-05',
        schedule: '書き換え', place: '書き換え', content: '書き換え', how_to_apply: '書き換え', action: 'save',
        department: DEPT_SHUSHOKU,
      };
      let res = await other.request.post(srv.url + href, { multipart, maxRedirects: 0 });
      assert.equal(res.status(), 403, `${who}: save`);
      res = await other.request.post(srv.url + href, { multipart: { ...multipart, action: 'unpublish' }, maxRedirects: 0 });
      assert.equal(res.status(), 403, `${who}: unpublish`);
      res = await other.request.post(srv.url + href + '/delete', { form: { csrf_token: token }, maxRedirects: 0 });
      assert.equal(res.status(), 403, `${who}: delete`);
      res = await other.request.post(srv.url + href + '/revisions/1/restore', { form: { csrf_token: token }, maxRedirects: 0 });
      assert.ok([403, 404].includes(res.status()), `${who}: restore answered ${res.status()}`);
      // a new event sent into company support's department
      res = await other.request.post(srv.url + '/staff/content/event/new', {
        multipart: { ...multipart, title: '部署を偽ったイベント', department: DEPT_KIGYO }, maxRedirects: 0,
      });
      if (who === 'demo-viewer') {
        // view role: no new records at all
        assert.equal(res.status(), 403, 'viewer: new event');
        assert.equal((await other.request.get(srv.url + '/staff/content/event/new')).status(), 403);
      } else {
        // an editor's new record belongs to the editor's own department, whatever was sent
        assert.equal(res.status(), 303, 'employment support: new event');
        await other.goto(srv.url + res.headers().location);
        await assert.doesNotReject(other.getByText('下書き', { exact: true }).first().waitFor());
        assert.equal(await department(other), '就職支援部門');
      }
      await other.context().close();
    }

    // unchanged, still public
    await kigyo.reload();
    assert.equal(await field(kigyo, 'イベント名', true).inputValue(), TITLE);
    await assert.doesNotReject(kigyo.getByText('公開中', { exact: true }).first().waitFor());
    let pub = await anon.request.get(`${srv.url}/events/${id}`);
    assert.equal(pub.status(), 200);
    assert.doesNotMatch(await pub.text(), /乗っ取られたイベント/);

    // the prefecture edits every department's record (G62)
    const pref = await as('demo-pref');
    await pref.goto(srv.url + href);
    assert.equal(await pref.getByText('この記事を編集する権限がありません').count(), 0);
    await rename(pref, field(pref, 'イベント名', true), TITLE + '（県が修正）');
    pub = await anon.request.get(`${srv.url}/events/${id}`);
    assert.match(await pub.text(), /企業支援部門の説明会（県が修正）/);
    await close(kigyo, anon, pref);
  });
});
