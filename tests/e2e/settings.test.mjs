// settings.test.mjs - issue 6 item 5: the site settings screen /staff/settings (REQUIREMENTS G01 site name
// and nickname, G45 migration-site link, G86 Google Analytics and Search Console; listing settings).
// Administrators only (403 for other staff on GET and on a direct POST); a saved value shows on the public
// pages at once (the page cache drops its pages); the GA tag and the widened CSP appear only while an ID is
// set; a malformed ID is refused in Japanese with every typed value kept; the change is audited; axe, 320 px.
// The tests run without network: the browser resolves no outside host, and only HTML and headers are checked.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, assertAccessible, assertReflows, login, DEMO_PASSWORD } from './harness.mjs';

describe('site settings screen (G01, G45, G86)', () => {
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

  async function as(loginId, width = 390) {
    const ctx = await browser.newContext({ viewport: { width, height: 844 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await login(page, srv.url, loginId, DEMO_PASSWORD);
    await page.waitForURL((u) => u.pathname !== '/login');
    return page;
  }

  /** The public top page as a visitor who is not signed in (the page cache may answer). */
  async function publicTop(path = '/') {
    const res = await fetch(srv.url + path);
    return { html: await res.text(), csp: res.headers.get('content-security-policy') };
  }

  async function save(page) {
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForLoadState();
  }

  it('G01: an admin changes the site name and nickname; the public header shows them at once (page cache dropped)', async () => {
    // fill the page cache first
    let top = await publicTop();
    assert.match(top.html, /群馬県就職支援情報サイト/);
    top = await publicTop();
    const page = await as('demo-pref');
    const res = await page.goto(srv.url + '/staff/settings');
    assert.equal(res.status(), 200);
    assert.equal(res.headers()['cache-control'], 'no-store');
    await assertAccessible(page, 'settings');
    await page.getByLabel('サイト名').fill('ぐんま就職テストサイト');
    await page.getByLabel('愛称').fill('テストナビ');
    await page.getByLabel('移住マッチングサイトのURL').fill('https://iju.example.jp/match');
    await save(page);
    await page.getByText('サイト設定を保存しました。').waitFor();
    assert.equal(await page.getByLabel('サイト名').inputValue(), 'ぐんま就職テストサイト');
    top = await publicTop();
    assert.match(top.html, /<span class="brand-name">ぐんま就職テストサイト<\/span>/, 'the new name, not the cached page');
    assert.match(top.html, /<span class="brand-nick">テストナビ<\/span>/);
    assert.ok(top.html.includes('https://iju.example.jp/match'), 'G45: the migration-site link on the top page');
    // the change is in the audit log with its keys
    await page.goto(srv.url + '/staff/audit?action=settings');
    const log = page.getByRole('region', { name: '監査ログの一覧' });
    await log.getByText('サイト設定の変更').first().waitFor();
    assert.match(await log.innerText(), /site\.name/, 'changed keys named in the audit entry');
    await page.context().close();
  });

  it('G86: the GA tag and the widened CSP appear only while a measurement ID is set; Search Console meta on the top page', async () => {
    let top = await publicTop();
    assert.ok(!top.html.includes('googletagmanager'), 'no tag before');
    assert.match(top.csp, /script-src 'self';/);
    const page = await as('demo-pref');
    await page.goto(srv.url + '/staff/settings');
    await page.getByLabel('Google アナリティクス測定ID').fill('G-TEST1234');
    await page.getByLabel('Search Console 確認コード').fill('abcDEF_123-token');
    await save(page);
    await page.getByText('サイト設定を保存しました。').waitFor();
    top = await publicTop();
    assert.match(top.html, /<script async src="https:\/\/www\.googletagmanager\.com\/gtag\/js\?id=G-TEST1234"><\/script>/);
    assert.match(top.html, /<meta name="google-site-verification" content="abcDEF_123-token">/);
    assert.match(top.csp, /script-src 'self' https:\/\/www\.googletagmanager\.com;/);
    assert.ok(!top.csp.includes('unsafe-inline'));
    // never in the back office (personal pages)
    const staffRes = await page.goto(srv.url + '/staff/settings');
    assert.ok(!(await page.content()).includes('googletagmanager.com/gtag'), 'no tag on staff pages');
    assert.match(staffRes.headers()['content-security-policy'], /script-src 'self';/);
    // cleared: gone again
    await page.getByLabel('Google アナリティクス測定ID').fill('');
    await save(page);
    await page.getByText('サイト設定を保存しました。').waitFor();
    top = await publicTop('/jobs');
    assert.ok(!top.html.includes('googletagmanager'), 'no tag after clearing');
    assert.match(top.csp, /script-src 'self';/);
    await page.context().close();
  });

  it('G86: a malformed GA ID is refused in Japanese next to the field, with every typed value kept; nothing saved', async () => {
    const page = await as('demo-pref');
    await page.goto(srv.url + '/staff/settings');
    await page.getByLabel('サイト名').fill('保存されないサイト名');
    await page.getByLabel('Google アナリティクス測定ID').fill('UA-12345-1');
    await page.getByLabel('掲載終了のお知らせ（日前）').fill('30,7');
    await save(page);
    const ga = page.getByLabel('Google アナリティクス測定ID');
    assert.equal(await ga.getAttribute('aria-invalid'), 'true');
    await page.getByText('Google アナリティクス測定IDは「G-」に続く英字と数字').waitFor();
    assert.equal(await ga.inputValue(), 'UA-12345-1');
    assert.equal(await page.getByLabel('サイト名').inputValue(), '保存されないサイト名');
    assert.equal(await page.getByLabel('掲載終了のお知らせ（日前）').inputValue(), '30,7');
    await page.getByRole('alert').getByText('保存できませんでした').waitFor();
    await assertAccessible(page, 'settings with errors');
    const top = await publicTop();
    assert.ok(!top.html.includes('保存されないサイト名'), 'nothing was saved');
    await page.context().close();
  });

  it('SEC17: other staff get 403 on GET and on a direct POST, and no menu link', async () => {
    const page = await as('demo-kigyo');
    const res = await page.goto(srv.url + '/staff/settings');
    assert.equal(res.status(), 403);
    // a direct POST with this member's own valid CSRF token (from the header's logout form)
    await page.goto(srv.url + '/staff');
    assert.equal(await page.getByRole('link', { name: 'サイト設定' }).count(), 0);
    const token = await page.locator('input[name="csrf_token"]').first().inputValue();
    const post = await page.context().request.post(srv.url + '/staff/settings', {
      form: { csrf_token: token, site_name: '乗っ取り', nickname: '', migration_url: '', ga_id: '', gsc_token: '',
        unit_months: '1', approval: '1', notice_days: '14,3', alert_mail: '' },
      maxRedirects: 0,
    });
    assert.equal(post.status(), 403);
    const top = await publicTop();
    assert.ok(!top.html.includes('乗っ取り'));
    await page.context().close();
  });

  it('the screen reflows at 320 px and is usable by keyboard (labels, one tab order)', async () => {
    const page = await as('demo-pref', 320);
    await page.goto(srv.url + '/staff/settings');
    await assertReflows(page, 'settings at 320 px');
    await page.getByLabel('サイト名').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'nickname');
    await page.context().close();
  });
});
