// masters.test.mjs - マスタ管理 (issue 6 item 3; G52 職種マスタ, G53 業種マスタ and the other vocabularies):
// an administrator adds, renames, reorders, retires, takes back and deletes terms by keyboard alone; the
// public /jobs facets follow on the very next load (the page cache included); a retired term disappears
// from the facets and from the company's 認証制度 choices but stays on the records that have it; a term in
// use has no delete button and the page says why; an edit-role staff member gets 403 on direct POSTs;
// zero axe violations on both screens and reflow at 320 px.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cli, startServer, launchBrowser, assertAccessible, assertReflows, login, DEMO_PASSWORD,
} from './harness.mjs';
import { lawColumns } from './joblaw-fixture.mjs';

const KEY = 'マスタ試験';

describe('masters (issue 6 item 3; G52, G53)', () => {
  let srv, browser, admin, visitor, jobId;

  before(async () => {
    srv = await startServer();
    const jobs = join(srv.data, 'jobs.csv');
    const law = lawColumns();
    writeFileSync(jobs, 'title,company_name,description,occupation,employment,municipality,industry' + law.header + '\n'
      + `${KEY}プログラマー,${KEY}情報,${KEY}のソフトウェア開発です。,02,seishain,10201,G${law.cells}\n`
      + `${KEY}営業,${KEY}情報,${KEY}の営業です。,07,seishain,10202,I${law.cells}\n`);
    let r = cli(['import', '--data', srv.data, '--type', 'job', jobs]);
    assert.equal(r.status, 0, r.stderr);
    const companies = join(srv.data, 'companies.csv');
    writeFileSync(companies, 'name,business,industry,municipality,address,certifications\n'
      + `${KEY}ロゴ商事,事務用品の卸売,I,10201,前橋市大手町1-1-1,えるぼし\n`);
    r = cli(['import', '--data', srv.data, '--type', 'company', companies]);
    assert.equal(r.status, 0, r.stderr);
    browser = await launchBrowser();
    admin = await signedIn('demo-pref');
    // a visitor who is not signed in: the public page cache serves them
    visitor = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await visitor.goto(srv.url + '/jobs?q=' + encodeURIComponent(KEY + 'プログラマー'));
    jobId = (await visitor.getByRole('link', { name: new RegExp(KEY + 'プログラマー') }).first().getAttribute('href'))
      .split('/').pop();
  });

  after(async () => {
    await browser?.close();
    assert.equal(await srv.stop(), 0);
    srv.cleanup();
  });

  async function signedIn(loginId) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    await login(page, srv.url, loginId, DEMO_PASSWORD);
    await page.waitForURL((u) => u.pathname !== '/login');
    return page;
  }

  /** The 業種 facet labels a visitor sees on /jobs for our two jobs. */
  async function industryFacets() {
    await visitor.goto(srv.url + '/jobs?q=' + encodeURIComponent(KEY));
    const facet = visitor.locator('details.filter').filter({ has: visitor.locator('summary', { hasText: /^業種/ }) });
    return (await facet.locator('.filter-terms label').allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim());
  }

  /** The accessible name of a row's button or link: the verb, then the term (visually hidden). */
  function act(verb, term) {
    return new RegExp('^' + verb + '\\s*（' + term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '）$');
  }

  /** Presses Enter on the focused control and waits for the page it leads to. */
  async function enter(page = admin) {
    await Promise.all([page.waitForEvent('framenavigated'), page.keyboard.press('Enter')]);
    await page.waitForLoadState('load');
  }

  /** Activates a control by keyboard alone: focus, then Enter. */
  async function press(locator) {
    await locator.focus();
    await enter(locator.page());
  }

  async function typeInto(locator, text) {
    await locator.focus();
    await admin.keyboard.press('Control+A');
    await admin.keyboard.press('Delete');
    await admin.keyboard.type(text);
  }

  async function termNames(page) {
    return (await page.locator('.master-term-name').allTextContents()).map((s) => s.trim());
  }

  it('G52/G53: both screens pass axe and reflow at 320 px; the menu links to them', async () => {
    await admin.goto(srv.url + '/staff');
    await press(admin.getByRole('link', { name: /マスタ管理/ }));
    assert.equal(await admin.getByRole('heading', { level: 1 }).textContent(), 'マスタ管理');
    for (const name of ['業種マスタ', '職種マスタ', '市町村マスタ', '認証制度マスタ']) {
      assert.ok(await admin.getByRole('link', { name }).isVisible(), name);
    }
    await assertAccessible(admin, '/staff/masters');
    await admin.setViewportSize({ width: 320, height: 640 });
    await assertReflows(admin, '/staff/masters at 320px');
    await admin.setViewportSize({ width: 390, height: 844 });
    await press(admin.getByRole('link', { name: '業種マスタ' }));
    assert.equal(await admin.getByRole('heading', { level: 1 }).textContent(), '業種マスタ');
    await assertAccessible(admin, '/staff/masters/industry');
    await admin.setViewportSize({ width: 320, height: 640 });
    await assertReflows(admin, '/staff/masters/industry at 320px');
    await admin.setViewportSize({ width: 390, height: 844 });
    // municipalities have a parent (地域)
    await admin.goto(srv.url + '/staff/masters/municipality');
    assert.match(await admin.locator('main').textContent(), /上位：中毛/);
    assert.ok(await admin.getByRole('combobox', { name: /上位の区分/ }).isVisible());
    await assertAccessible(admin, '/staff/masters/municipality');
  });

  it('G53: a rename shows in the public /jobs facet on the next load (page cache included)', async () => {
    const before = await industryFacets();
    assert.ok(before.some((s) => s.startsWith('情報通信業 ')), before.join(','));
    await admin.goto(srv.url + '/staff/masters/industry');
    await press(admin.getByRole('link', { name: act('編集', '情報通信業') }));
    await assertAccessible(admin, 'term edit form');
    await admin.setViewportSize({ width: 320, height: 640 });
    await assertReflows(admin, 'term edit form at 320px');
    await admin.setViewportSize({ width: 390, height: 844 });
    // refused first: the message is next to the field and the typed text is kept
    await typeInto(admin.getByLabel('名称', { exact: true }), 'IT|通信');
    await enter();
    const box = admin.getByLabel('名称', { exact: true });
    assert.equal(await box.getAttribute('aria-invalid'), 'true');
    assert.equal(await box.inputValue(), 'IT|通信');
    assert.match(await admin.locator('#name-error').textContent(), /「\|」と「、」は使えません/);
    await assertAccessible(admin, 'term edit form with an error');
    await typeInto(admin.getByLabel('名称', { exact: true }), '情報通信・IT業');
    await Promise.all([admin.waitForURL(/\/staff\/masters\/industry\?done=updated/), admin.keyboard.press('Enter')]);
    assert.match(await admin.getByRole('status').textContent(), /変更しました/);
    assert.ok((await termNames(admin)).includes('情報通信・IT業'));

    const after = await industryFacets();
    assert.ok(after.some((s) => s.startsWith('情報通信・IT業 ')), after.join(','));
    assert.ok(!after.some((s) => s.startsWith('情報通信業 ')), after.join(','));
    // the detail page names it too
    await visitor.goto(srv.url + '/jobs/' + jobId);
    assert.match(await visitor.locator('main').textContent(), /情報通信・IT業/);
  });

  it('G52/G53: 上へ/下へ reorder by keyboard without JavaScript; the public facet order follows', async () => {
    await admin.goto(srv.url + '/staff/masters/industry');
    let names = await termNames(admin);
    const i = names.indexOf('情報通信・IT業');
    const above = names[i - 1];
    await press(admin.getByRole('button', { name: act('上へ', '情報通信・IT業') }));
    names = await termNames(admin);
    assert.equal(names.indexOf('情報通信・IT業'), i - 1);
    assert.equal(names[i], above);
    // 卸売業，小売業 (I) and 情報通信・IT業 (G): move I above G in several steps, the facet order follows
    const pos = () => termNames(admin).then((n) => [n.indexOf('卸売業，小売業'), n.indexOf('情報通信・IT業')]);
    let [wi, gi] = await pos();
    while (wi > gi) {
      await press(admin.getByRole('button', { name: act('上へ', '卸売業，小売業') }));
      [wi, gi] = await pos();
    }
    const facets = await industryFacets();
    const fi = facets.findIndex((s) => s.startsWith('卸売業，小売業 '));
    const fg = facets.findIndex((s) => s.startsWith('情報通信・IT業 '));
    assert.ok(fi >= 0 && fg >= 0 && fi < fg, facets.join(','));
    // the first term has no 上へ, the last no 下へ
    names = await termNames(admin);
    assert.equal(await admin.getByRole('button', { name: act('上へ', names[0]) }).count(), 0);
    assert.equal(await admin.getByRole('button', { name: act('下へ', names[names.length - 1]) }).count(), 0);
  });

  it('G53: a retired term leaves the facets but stays on the job; 再開 brings it back', async () => {
    await admin.goto(srv.url + '/staff/masters/industry');
    // in use: no delete button, the page says why
    const row = admin.locator('li.master-term').filter({ has: admin.getByRole('heading', { name: '情報通信・IT業' }) });
    assert.equal(await row.getByRole('button', { name: /削除/ }).count(), 0);
    assert.match(await row.textContent(), /使われているため削除できません/);
    await press(admin.getByRole('button', { name: act('廃止', '情報通信・IT業') }));
    assert.match(await admin.getByRole('status').textContent(), /廃止しました/);
    assert.match(await admin.locator('li.master-term.retired').first().textContent(), /状態：廃止/);

    const facets = await industryFacets();
    assert.ok(!facets.some((s) => s.startsWith('情報通信・IT業')), facets.join(','));
    assert.ok(facets.some((s) => s.startsWith('卸売業，小売業 ')), facets.join(','));
    await visitor.goto(srv.url + '/jobs/' + jobId);
    assert.match(await visitor.locator('main').textContent(), /情報通信・IT業/, 'the job still shows its industry');

    await admin.goto(srv.url + '/staff/masters/industry');
    await press(admin.getByRole('button', { name: act('再開', '情報通信・IT業') }));
    assert.match(await admin.getByRole('status').textContent(), /再開しました/);
    assert.ok((await industryFacets()).some((s) => s.startsWith('情報通信・IT業 ')));
  });

  it('G52: add (generated and typed code, refusal kept next to the field) and delete an unused term', async () => {
    await admin.goto(srv.url + '/staff/masters/occupation');
    // empty name: refused, the typed code kept
    await typeInto(admin.getByLabel('コード（任意）'), 'drone-01');
    await press(admin.getByRole('button', { name: '追加する' }));
    const name = admin.getByLabel('名称', { exact: true });
    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    assert.match(await admin.locator('#name-error').textContent(), /名称を入力してください/);
    assert.equal(await admin.getByLabel('コード（任意）').inputValue(), 'drone-01');
    await assertAccessible(admin, 'add form with an error');
    await typeInto(name, 'ドローン操縦の職業');
    await Promise.all([admin.waitForURL(/done=added/), admin.keyboard.press('Enter')]);
    let names = await termNames(admin);
    assert.equal(names[names.length - 1], 'ドローン操縦の職業');
    assert.match(await admin.locator('main').textContent(), /コード：drone-01/);
    // a generated code
    await typeInto(admin.getByLabel('名称', { exact: true }), '宇宙関連の職業');
    await Promise.all([admin.waitForURL(/done=added/), admin.keyboard.press('Enter')]);
    const row = admin.locator('li.master-term').filter({ has: admin.getByRole('heading', { name: '宇宙関連の職業' }) });
    assert.match(await row.textContent(), /コード：t\d+/);
    // unused: 削除 is offered and works
    await press(admin.getByRole('button', { name: act('削除', '宇宙関連の職業') }));
    assert.match(await admin.getByRole('status').textContent(), /削除しました/);
    names = await termNames(admin);
    assert.ok(!names.includes('宇宙関連の職業'));
    assert.ok(names.includes('ドローン操縦の職業'));
    // every change is in the audit log with its Japanese label
    await admin.goto(srv.url + '/staff/audit?action=master');
    const text = await admin.locator('main').textContent();
    for (const label of ['マスタ項目の追加', 'マスタ項目の変更', 'マスタ項目の並び替え', 'マスタ項目の廃止', 'マスタ項目の再開', 'マスタ項目の削除']) {
      assert.ok(text.includes(label), label);
    }
  });

  it('認証制度 (optional part): a logo uploaded on the term is shown on company pages instead of the name', async () => {
    await admin.goto(srv.url + '/staff/masters/certification');
    await press(admin.getByRole('link', { name: act('編集', 'えるぼし') }));
    // not an image: refused next to the field, nothing linked
    await admin.getByLabel('ロゴの画像ファイル').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('not a picture') });
    await press(admin.getByRole('button', { name: 'ロゴを保存する' }));
    const input = admin.getByLabel('ロゴの画像ファイル');
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    assert.ok((await admin.locator('#logo-error').textContent()).length > 0);
    await assertAccessible(admin, 'logo form with an error');
    const jpeg = Buffer.from((await admin.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 400; c.height = 200;
      const g = c.getContext('2d');
      g.fillStyle = '#c0392b'; g.fillRect(0, 0, 400, 200);
      g.fillStyle = '#ffffff'; g.fillRect(50, 50, 300, 100);
      return c.toDataURL('image/jpeg', 0.9);
    })).split(',')[1], 'base64');
    await admin.getByLabel('ロゴの画像ファイル').setInputFiles({ name: 'eruboshi.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await press(admin.getByRole('button', { name: 'ロゴを保存する' }));
    assert.match(await admin.getByRole('status').textContent(), /ロゴを保存しました/);

    await visitor.goto(srv.url + '/companies?q=' + encodeURIComponent(KEY + 'ロゴ商事'));
    await visitor.getByRole('link', { name: new RegExp(KEY + 'ロゴ商事') }).first().click();
    const logo = visitor.getByRole('img', { name: 'えるぼし' });
    assert.ok(await logo.isVisible(), 'the logo with the name as its alt text');
    await assertAccessible(visitor, 'company page with a certification logo');

    // 外す: the name comes back
    await admin.goto(srv.url + '/staff/masters/certification');
    await press(admin.getByRole('link', { name: act('編集', 'えるぼし') }));
    await assertAccessible(admin, 'logo form with the current logo');
    await admin.getByLabel('ロゴを外す（名称を表示する）').check();
    await press(admin.getByRole('button', { name: 'ロゴを保存する' }));
    assert.match(await admin.getByRole('status').textContent(), /ロゴを外しました/);
    await visitor.reload();
    assert.equal(await visitor.getByRole('img', { name: 'えるぼし' }).count(), 0);
    assert.match(await visitor.locator('main').textContent(), /えるぼし/);
  });

  it('認証制度: a retired certification is not offered to a company, unless it already has it', async () => {
    const company = await signedIn('demo-company');
    await company.goto(srv.url + '/mypage/company');
    const boxes = company.locator('fieldset').filter({ hasText: '認証制度' }).getByRole('checkbox');
    const labels = [];
    for (let i = 0; i < await boxes.count(); i++) {
      const b = boxes.nth(i);
      const id = await b.getAttribute('id');
      labels.push({ name: (await company.locator(`label[for="${id}"]`).textContent()).trim(), checked: await b.isChecked() });
    }
    const unchecked = labels.find((l) => !l.checked);
    const checked = labels.find((l) => l.checked);
    assert.ok(unchecked, 'an unchecked certification');
    await admin.goto(srv.url + '/staff/masters/certification');
    await press(admin.getByRole('button', { name: act('廃止', unchecked.name) }));
    if (checked) {
      await press(admin.getByRole('button', { name: act('廃止', checked.name) }));
    }
    await company.goto(srv.url + '/mypage/company');
    const now = (await company.locator('fieldset').filter({ hasText: '認証制度' }).locator('label').allTextContents())
      .map((t) => t.trim());
    assert.ok(now.length > 0);
    assert.ok(!now.includes(unchecked.name), `${unchecked.name} is still offered`);
    if (checked) {
      assert.ok(now.includes(`${checked.name}（廃止）`), `${checked.name} (already chosen) is kept`);
      assert.ok(await company.getByRole('checkbox', { name: `${checked.name}（廃止）` }).isChecked());
    }
    await company.context().close();
  });

  it('G62: staff without the admin role see the masters but every direct POST answers 403', async () => {
    const editor = await signedIn('demo-shushoku');
    await editor.goto(srv.url + '/staff/masters/industry');
    assert.equal(await editor.getByRole('heading', { level: 1 }).textContent(), '業種マスタ');
    assert.equal(await editor.getByRole('button', { name: '追加する' }).count(), 0);
    assert.equal(await editor.getByRole('button', { name: /^廃止/ }).count(), 0);
    await assertAccessible(editor, 'masters read-only');
    const href = await admin.goto(srv.url + '/staff/masters/industry')
      .then(() => admin.getByRole('link', { name: /^編集\s*（/ }).first().getAttribute('href'));
    await editor.goto(srv.url + '/mypage');
    const csrf = await editor.locator('input[name="csrf_token"]').first().getAttribute('value');
    const posts = [
      ['/staff/masters/industry', { name: '不正な追加' }],
      [href, { name: '不正な変更' }],
      [href + '/move', { dir: 'up' }],
      [href + '/retire', {}],
      [href + '/restore', {}],
      [href + '/delete', {}],
      [href + '/logo', { logo_delete: '1' }],
    ];
    for (const [path, form] of posts) {
      const res = await editor.request.post(srv.url + path, { form: { csrf_token: csrf, ...form }, maxRedirects: 0 });
      assert.equal(res.status(), 403, path);
    }
    await admin.goto(srv.url + '/staff/masters/industry');
    assert.ok(!(await termNames(admin)).includes('不正な追加'));
    await editor.context().close();
  });
});
