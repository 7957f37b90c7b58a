// medialib.test.mjs - 画像ライブラリ (issue 6 item 5; G05 CMS without technical skills, G40-G44 articles and
// G80 banners use its images, SEC03 no file names from requests): upload with required alt text, search,
// editing the alt text, deleting an unused image, refusing to delete a used one and saying where, the JSON
// the editor's picker reads, the picker dialog used by keyboard, and the department rule (view role: 403).
// Every page is checked with axe (WCAG 2.1 AA) and at 320px.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import {
  startServer, launchBrowser, assertAccessible, assertReflows, login, cli, DEMO_PASSWORD,
} from './harness.mjs';

// A real PNG made here: w×h RGB, different bytes for every seed (the library keeps one medium per content).
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(seed, w = 400, h = 300) {
  const stride = w * 3 + 1;
  const raw = Buffer.alloc(stride * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = y * stride + 1 + x * 3;
      raw[o] = (x + seed * 37) & 255;
      raw[o + 1] = (y + seed * 11) & 255;
      raw[o + 2] = (seed * 53) & 255;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
const file = (name, seed) => ({ name, mimeType: 'image/png', buffer: png(seed) });

describe('media library (issue 6 item 5)', () => {
  let srv, browser;

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await srv?.stop();
    srv?.cleanup();
  });

  async function as(loginId) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    await login(page, srv.url, loginId, DEMO_PASSWORD);
    await page.waitForURL((u) => u.pathname !== '/login');
    return page;
  }

  async function token(page) {
    return page.locator('input[name="csrf_token"]').first().getAttribute('value');
  }

  async function upload(page, files, alt, label = '') {
    await page.goto(srv.url + '/staff/media');
    await page.getByLabel('画像ファイル').setInputFiles(files);
    await page.getByLabel('代替テキスト（必須）').fill(alt);
    await page.getByLabel('管理用メモ（任意）').fill(label);
    await page.getByRole('button', { name: '登録する' }).click();
  }

  async function search(page, q) {
    await page.goto(srv.url + '/staff/media');
    await page.getByLabel('代替テキスト・管理用メモ・ファイル名で検索').fill(q);
    await page.getByRole('button', { name: '検索する' }).click();
    await page.waitForURL(/\/staff\/media\?q=/);
  }

  it('G05: the staff menu links the library; an upload without alt text is refused and keeps what was typed (axe, 320px)', async () => {
    const page = await as('demo-kigyo');
    await page.goto(srv.url + '/staff');
    await page.getByRole('link', { name: '画像ライブラリ' }).click();
    await page.waitForURL(/\/staff\/media$/);
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /画像ライブラリ/);
    assert.equal((await page.request.get(srv.url + '/staff/media')).headers()['cache-control'], 'no-store');
    await assertAccessible(page, 'media library');
    await upload(page, [file('kencho.png', 1)], '　', '広報誌');
    const alt = page.getByLabel('代替テキスト（必須）');
    assert.equal(await alt.getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#alt-error').innerText(), /代替テキストを入力してください/);
    assert.equal(await page.getByLabel('管理用メモ（任意）').inputValue(), '広報誌');
    await assertAccessible(page, 'upload refused');
    await page.setViewportSize({ width: 320, height: 800 });
    await assertReflows(page, 'media library at 320px');
    await page.context().close();
  });

  it('uploads images with alt text (several at once), refuses SVG in Japanese, and finds them by alt text and note', async () => {
    const page = await as('demo-kigyo');
    await upload(page, [file('kencho.png', 1)], '群馬県庁の外観', '広報誌用');
    await page.waitForURL(/done=1/);
    assert.match(await page.getByRole('status').innerText(), /画像を1件登録しました/);
    assert.ok(await page.getByRole('img', { name: '群馬県庁の外観' }).first().isVisible());
    // two files in one upload share the alt text
    await upload(page, [file('akagi1.png', 2), file('akagi2.png', 3)], '赤城山の紅葉');
    await page.waitForURL(/done=2/);
    assert.match(await page.getByRole('status').innerText(), /画像を2件登録しました/);
    // the same bytes again are the same image, not a copy
    await upload(page, [file('again.png', 1)], '別の説明');
    await page.waitForURL(/dup=1/);
    assert.match(await page.getByRole('status').innerText(), /すでに登録|既存の画像/);
    // markup is refused before any image library sees it; the form keeps the alt text
    await upload(page, [{ name: 'x.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>') }], 'ロゴ');
    assert.match(await page.locator('#file-error').innerText(), /SVG・HTML/);
    assert.equal(await page.getByLabel('代替テキスト（必須）').inputValue(), 'ロゴ');
    // one upload is one transaction: a bad second file leaves the good first one unstored, and says which
    await upload(page, [file('good.png', 60), { name: 'bad.html', mimeType: 'text/html', buffer: Buffer.from('<!DOCTYPE html><p>x') }],
      '途中で失敗する登録');
    assert.match(await page.locator('#file-error').innerText(), /「bad\.html」.*何も登録していません/);
    await search(page, '途中で失敗');
    assert.ok(await page.getByText('該当する画像はありません。').isVisible(), 'nothing half-written');
    // at most 10 files at once
    await upload(page, Array.from({ length: 11 }, (_, i) => file(`many${i}.png`, 70 + i)), '多すぎる登録');
    assert.match(await page.locator('#file-error').innerText(), /一度に登録できる画像は10件まで/);
    // search: alt text, note
    await search(page, '紅葉');
    assert.match(await page.getByRole('heading', { name: /「紅葉」の検索結果/ }).innerText(), /（2件）/);
    assert.equal(await page.getByRole('img', { name: '赤城山の紅葉' }).count(), 2);
    await search(page, '広報誌');
    assert.equal(await page.getByRole('img', { name: '群馬県庁の外観' }).count(), 1);
    await search(page, '見つからない言葉');
    assert.ok(await page.getByText('該当する画像はありません。').isVisible());
    // pages of 24, newest first: with ten more images there are more than 24 (the demo has its own too)
    await upload(page, Array.from({ length: 10 }, (_, i) => file(`page${i}.png`, 100 + i)), 'ページ送りの確認用');
    await page.waitForURL(/done=10/);
    await page.goto(srv.url + '/staff/media');
    const total = Number((await page.getByRole('heading', { name: /登録されている画像/ }).innerText()).match(/（(\d+)件）/)[1]);
    assert.ok(total > 24, `${total} images`);
    assert.equal(await page.locator('.media-card').count(), 24);
    const pager = page.getByRole('navigation', { name: 'ページ送り' });
    await pager.getByRole('link', { name: '次のページ' }).click();
    await page.waitForURL(/page=2/);
    assert.ok(await page.getByText(`${total}件中 25〜${Math.min(total, 48)}件目`).isVisible());
    assert.equal(await page.locator('.media-card').count(), Math.min(total, 48) - 24);
    assert.equal(await pager.getByRole('link', { name: '前のページ' }).count(), 1);
    await page.context().close();
  });

  it('edits the alt text of an image (required, 200 characters) and the change is audited', async () => {
    const page = await as('demo-kigyo');
    await search(page, '群馬県庁');
    await page.getByRole('link', { name: /詳細・変更\s*（群馬県庁の外観）/ }).click();
    await page.waitForURL(/\/staff\/media\/\d+$/);
    await assertAccessible(page, 'image page');
    // the browser stops at 200 characters; the server checks too
    await page.getByLabel('代替テキスト（必須）').evaluate((el) => el.removeAttribute('maxlength'));
    await page.getByLabel('代替テキスト（必須）').fill('あ'.repeat(201));
    await page.getByRole('button', { name: '保存する' }).click();
    assert.match(await page.locator('#alt-error').innerText(), /200文字以内/);
    await page.getByLabel('代替テキスト（必須）').fill('群馬県庁舎（前橋市）の外観');
    await page.getByRole('button', { name: '保存する' }).click();
    await page.waitForURL(/done=saved/);
    assert.ok(await page.getByText('代替テキストと管理用メモを保存しました。').isVisible());
    assert.ok(await page.getByRole('img', { name: '群馬県庁舎（前橋市）の外観' }).isVisible());
    const md = await page.getByLabel('本文（Markdown）に貼り付ける文字列').inputValue();
    assert.match(md, /^!\[群馬県庁舎（前橋市）の外観\]\(\/media\/[0-9a-f]{32}-400\.jpg\)$/);
    await page.setViewportSize({ width: 320, height: 800 });
    await assertReflows(page, 'image page at 320px');
    await page.context().close();

    const admin = await as('demo-pref');
    await admin.goto(srv.url + '/staff/audit?action=media');
    const rows = admin.getByRole('row', { name: /画像の代替テキスト・管理用メモの変更/ });
    assert.ok(await rows.count() >= 1, 'media.update audited');
    assert.ok(await admin.getByRole('row', { name: /画像の登録（画像ライブラリ）/ }).count() >= 3, 'media.upload audited');
    await admin.context().close();
  });

  it('deletes an unused image (confirmation required); its URL is gone', async () => {
    const page = await as('demo-kigyo');
    await upload(page, [file('temp.png', 9)], '消す予定の画像');
    await search(page, '消す予定');
    await page.getByRole('link', { name: /詳細・変更\s*（消す予定の画像）/ }).click();
    await page.waitForURL(/\/staff\/media\/\d+$/);
    // currentSrc is empty until a (lazy) image has loaded: fall back to its src, a real variant URL too
    const src = await page.getByRole('img', { name: '消す予定の画像' }).evaluate((img) => img.currentSrc || img.src);
    assert.equal((await page.request.get(src)).status(), 200);
    assert.ok(await page.getByText('この画像はどの記事・ページでも使われていません。').isVisible());
    await page.getByRole('button', { name: '削除する' }).click();
    assert.match(await page.locator('#confirm-error').innerText(), /確認するチェック/);
    await page.getByLabel('この画像を削除します（元に戻せません）').check();
    await page.getByRole('button', { name: '削除する' }).click();
    await page.waitForURL(/done=deleted/);
    assert.ok(await page.getByText('画像を削除しました。').isVisible());
    assert.equal((await page.request.get(src)).status(), 404);
    await page.context().close();
  });

  it('refuses to delete an image used by a record and says where (image field and Markdown body)', async () => {
    // a demo banner's image is used by its image field (G80); only the prefecture manages images without a department
    const admin = await as('demo-pref');
    const json = await (await admin.request.get(srv.url + '/staff/media.json?q=demo&page=1')).json();
    let used = null;
    for (const it of json.items) {
      await admin.goto(srv.url + '/staff/media/' + it.id);
      if (await admin.getByRole('heading', { name: /使用箇所（[1-9]/ }).count()) { used = it; break; }
    }
    assert.ok(used, 'a demo image in use');
    assert.equal(await admin.getByRole('button', { name: '削除する' }).count(), 0, 'no delete button for a used image');
    const where = await admin.locator('.media-uses').innerText();
    assert.match(where, /「.+」（ID \d+）/);
    let r = await admin.request.post(srv.url + `/staff/media/${used.id}/delete`,
      { form: { csrf_token: await token(admin), confirm: '1' } });
    assert.equal(r.status(), 409);
    assert.match(await r.text(), /使われているため削除できません/);

    // an image referred to only by its URL in a news article's Markdown (G40)
    const kigyo = await as('demo-kigyo');
    await upload(kigyo, [file('inbody.png', 21)], '本文で使う画像');
    const item = (await (await kigyo.request.get(srv.url + '/staff/media.json?q=' + encodeURIComponent('本文で使う'))).json()).items[0];
    const jsonl = join(srv.data, 'news.jsonl');
    writeFileSync(jsonl, JSON.stringify({
      title: '画像入りのお知らせ', published_on: '2026-11-01', status: 'published',
      body: `本文です。\n\n![本文で使う画像](${item.src})\n`,
    }) + '\n');
    const imp = cli(['import', '--data', srv.data, '--type', 'news', jsonl]);
    assert.equal(imp.status, 0, imp.stderr);
    await kigyo.goto(srv.url + '/staff/media/' + item.id);
    assert.match(await kigyo.locator('.media-uses').innerText(), /新着情報「画像入りのお知らせ」.*本文中のURL/);
    r = await kigyo.request.post(srv.url + `/staff/media/${item.id}/delete`,
      { form: { csrf_token: await token(kigyo), confirm: '1' } });
    assert.equal(r.status(), 409);
    assert.match(await r.text(), /新着情報「画像入りのお知らせ」/);
    // the public page shows the image: libcmark's safe mode keeps it and the CSP allows it
    await kigyo.goto(srv.url + '/news?q=' + encodeURIComponent('画像入りのお知らせ'));
    await kigyo.getByRole('link', { name: '画像入りのお知らせ' }).first().click();
    const img = kigyo.getByRole('img', { name: '本文で使う画像' });
    await img.scrollIntoViewIfNeeded();
    await kigyo.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    await admin.context().close();
    await kigyo.context().close();
  });

  it('GET /staff/media.json and POST /staff/media with Accept: application/json answer JSON for the picker', async () => {
    const page = await as('demo-kigyo');
    await page.goto(srv.url + '/staff/media');
    const r = await page.request.get(srv.url + '/staff/media.json?q=' + encodeURIComponent('紅葉') + '&page=1');
    assert.equal(r.status(), 200);
    assert.match(r.headers()['content-type'], /^application\/json; charset=utf-8/);
    assert.equal(r.headers()['cache-control'], 'no-store');
    const j = await r.json();
    assert.equal(j.total, 2);
    assert.equal(j.page, 1);
    assert.equal(j.pages, 1);
    const it0 = j.items[0];
    assert.equal(typeof it0.id, 'number');
    assert.equal(it0.alt, '赤城山の紅葉');
    assert.equal(it0.width, 400);
    assert.equal(it0.height, 300);
    assert.match(it0.thumb, /^\/media\/[0-9a-f]{32}-320\.jpg$/);
    assert.match(it0.src, /^\/media\/[0-9a-f]{32}-400\.jpg$/);
    assert.deepEqual(it0.variants.map((v) => v.width), [320, 400]);
    assert.match(it0.variants[0].webp, /-320\.webp$/);
    assert.equal((await page.request.get(srv.url + it0.variants[1].webp)).headers()['content-type'], 'image/webp');
    // upload errors come back as JSON with a Japanese message
    const csrf = await token(page);
    let p = await page.request.post(srv.url + '/staff/media', {
      headers: { Accept: 'application/json' }, multipart: { csrf_token: csrf, alt: '', file: file('j.png', 30) },
    });
    assert.equal(p.status(), 400);
    assert.match((await p.json()).error, /代替テキストを入力してください/);
    p = await page.request.post(srv.url + '/staff/media', {
      headers: { Accept: 'application/json' }, multipart: { csrf_token: csrf, alt: 'JSONで登録', file: file('j.png', 30) },
    });
    assert.equal(p.status(), 201);
    const made = await p.json();
    assert.equal(made.items.length, 1);
    assert.equal(made.items[0].alt, 'JSONで登録');
    assert.equal(made.items[0].existing, false);
    // without the header the same POST answers the library page (a redirect)
    p = await page.request.post(srv.url + '/staff/media', {
      maxRedirects: 0, multipart: { csrf_token: csrf, alt: 'フォームで登録', file: file('k.png', 31) },
    });
    assert.equal(p.status(), 303);
    assert.match(p.headers().location, /^\/staff\/media\?done=1/);
    // no CSRF token: refused
    p = await page.request.post(srv.url + '/staff/media', {
      headers: { Accept: 'application/json' }, multipart: { alt: 'x', file: file('l.png', 32) },
    });
    assert.equal(p.status(), 403);
    await page.context().close();
  });

  it('G62: view-role staff see the library but get 403 on upload, edit and delete', async () => {
    const page = await as('demo-viewer');
    await page.goto(srv.url + '/staff/media');
    assert.equal(await page.getByRole('button', { name: '登録する' }).count(), 0, 'no upload form');
    const csrf = await token(page);
    let r = await page.request.post(srv.url + '/staff/media', {
      multipart: { csrf_token: csrf, alt: '閲覧者', file: file('v.png', 40) },
    });
    assert.equal(r.status(), 403);
    assert.match(await r.text(), /権限がありません/);
    r = await page.request.post(srv.url + '/staff/media', {
      headers: { Accept: 'application/json' }, multipart: { csrf_token: csrf, alt: '閲覧者', file: file('v.png', 40) },
    });
    assert.equal(r.status(), 403);
    assert.match((await r.json()).error, /権限がありません/);
    const id = (await (await page.request.get(srv.url + '/staff/media.json')).json()).items[0].id;
    r = await page.request.post(srv.url + `/staff/media/${id}`, { form: { csrf_token: csrf, alt: '書き換え' } });
    assert.equal(r.status(), 403);
    r = await page.request.post(srv.url + `/staff/media/${id}/delete`, { form: { csrf_token: csrf, confirm: '1' } });
    assert.equal(r.status(), 403);
    await page.context().close();
    // another department's edit role cannot change 企業支援部門's image either; the prefecture can
    const other = await as('demo-shushoku');
    await search(other, '赤城山');
    await other.getByRole('link', { name: /詳細・変更\s*（赤城山の紅葉）/ }).first().click();
    assert.ok(await other.getByText(/変更・削除できるのは、管理する部署（企業支援部門/).isVisible());
    const oid = other.url().match(/(\d+)$/)[1];
    r = await other.request.post(srv.url + `/staff/media/${oid}`, { form: { csrf_token: await token(other), alt: '書き換え' } });
    assert.equal(r.status(), 403);
    await other.context().close();
  });

  it('the picker: a hidden [data-md-image] button is shown, opens a labelled dialog by keyboard and inserts Markdown at the cursor', async () => {
    const page = await as('demo-kigyo');
    await page.goto(srv.url + '/staff/media');
    // a stand-in for the content editor: textarea, toolbar button (hidden until the script runs), the script
    await page.evaluate(() => {
      const main = document.querySelector('main');
      const label = document.createElement('label');
      label.htmlFor = 'body';
      label.textContent = '本文';
      const ta = document.createElement('textarea');
      ta.id = 'body';
      ta.value = '一行目';
      const b = document.createElement('button');
      b.type = 'button';
      b.hidden = true;
      b.setAttribute('data-md-image', '');
      b.setAttribute('aria-controls', 'body');
      b.textContent = '画像';
      window.inputEvents = 0;
      ta.addEventListener('input', () => { window.inputEvents++; });
      main.prepend(label, ta, b);
      const s = document.createElement('script');
      s.src = '/static/js/media-picker.js';
      document.body.appendChild(s);
    });
    const button = page.getByRole('button', { name: '画像', exact: true });
    await button.waitFor({ state: 'visible' });
    const ta = page.getByLabel('本文', { exact: true });
    await ta.focus();
    await ta.evaluate((el) => el.setSelectionRange(el.value.length, el.value.length));
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), '画像');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: '画像を選ぶ' });
    await dialog.waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => document.activeElement.id), 'media-picker-q', 'focus moved into the dialog');
    await page.keyboard.type('紅葉');
    await page.keyboard.press('Enter');
    await dialog.getByRole('status').filter({ hasText: '2件の画像' }).waitFor();
    await assertAccessible(page, 'picker dialog');
    // Tab from the search box: the search button, then the first image (named by its alt text)
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), '赤城山の紅葉');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    const value = await ta.inputValue();
    assert.match(value, /^一行目\n!\[赤城山の紅葉\]\(\/media\/[0-9a-f]{32}-400\.jpg\)$/);
    assert.equal(await page.evaluate(() => window.inputEvents), 1, 'an input event for the live preview');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'body', 'focus back in the textarea');
    // Escape closes without inserting; focus goes back to the button
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement.textContent), '画像');
    assert.equal(await ta.inputValue(), value);
    // upload inside the picker: the new image is inserted with its alt text
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'visible' });
    await dialog.getByLabel(/画像ファイル/).setInputFiles([file('picker.png', 50)]);
    await dialog.getByLabel('代替テキスト（必須）').fill('ピッカーから登録 [新]');
    await dialog.getByRole('button', { name: '登録して挿入' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.match(await ta.inputValue(), /\n!\[ピッカーから登録 \\\[新\\\]\]\(\/media\/[0-9a-f]{32}-400\.jpg\)$/);
    await page.context().close();
  });
});
