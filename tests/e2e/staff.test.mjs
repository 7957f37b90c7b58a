// staff.test.mjs - issue 6 items 1 and 2: the staff master (G50), the department master (G51), member
// account lifecycle (SEC15) and the department rule on direct POSTs (G62, SECURITY.md item 11).
// Every new page is checked with axe (WCAG 2.1 AA) and at 320px; the forms are used by keyboard too.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, assertAccessible, assertReflows, login, cli, DEMO_PASSWORD,
} from './harness.mjs';

const NEW_PW = 'Tomioka-Silk-2026';
const OWN_PW = 'Kusatsu-Onsen-88';

describe('staff back office', () => {
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

  async function as(loginId, password = DEMO_PASSWORD) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    await login(page, srv.url, loginId, password);
    return page;
  }

  /** The CSRF token of the signed-in page (the header's logout form carries one). */
  async function token(page) {
    await page.goto(srv.url + '/mypage');
    return page.locator('input[name="csrf_token"]').first().getAttribute('value');
  }

  async function loginFails(loginId, password) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await login(page, srv.url, loginId, password);
    // either the login form again with the error, or signed in (My Page, or the password change first)
    await page.waitForURL((u) => u.pathname !== '/login' || u.search === '', { waitUntil: 'load' });
    await page.waitForLoadState('load');
    const onLogin = new URL(page.url()).pathname === '/login';
    const failed = onLogin && await page.getByText('ログインIDまたはパスワードが正しくありません。').isVisible();
    const signedIn = !onLogin && await page.getByRole('button', { name: 'ログアウト' }).isVisible();
    await ctx.close();
    assert.ok(failed !== signedIn, `login of ${loginId} neither clearly failed nor succeeded`);
    return failed;
  }

  async function memberUrl(page, loginId) {
    await page.goto(srv.url + '/staff/members?q=' + encodeURIComponent(loginId));
    const href = await page.getByRole('row', { name: new RegExp(loginId) }).getByRole('link').getAttribute('href');
    return srv.url + href;
  }

  it('G50: the CLI needs --role for an admin; edit is the default', () => {
    const r = cli(['user', 'add', '--data', srv.data, '--kind', 'staff', '--login', 'cli-bad', '--email', 'cli@example.jp',
      '--department', 'pref', '--role', 'root'], { input: NEW_PW + '\n' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /権限/);
  });

  it('G50: an admin registers a staff member, who must change the initial password first; edit role; suspend → no login', async () => {
    const page = await as('demo-pref');
    await page.goto(srv.url + '/staff');
    await assertAccessible(page, '/staff');
    await page.getByRole('link', { name: '担当者マスタ' }).click();
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), '担当者マスタ');
    await assertAccessible(page, '/staff/accounts');
    await page.getByRole('link', { name: '担当者を登録する' }).click();
    await assertAccessible(page, '/staff/accounts/new');

    // empty form: field errors next to the fields, nothing created
    await page.getByRole('button', { name: '登録する' }).click();
    const loginBox = page.getByLabel('ログインID');
    assert.equal(await loginBox.getAttribute('aria-invalid'), 'true');
    await assertAccessible(page, '/staff/accounts/new with errors');

    // filled in by keyboard alone
    await loginBox.focus();
    await page.keyboard.type('new-tanto');
    await page.keyboard.press('Tab'); // to 氏名
    await page.keyboard.type('新井 花子');
    await page.keyboard.press('Tab');
    await page.keyboard.type('arai@example.jp');
    await page.getByLabel('担当部署').selectOption({ label: '企業支援部門（企業支援部門）' });
    await page.getByLabel('権限', { exact: true }).selectOption({ label: '編集' });
    await page.getByLabel('初期パスワード', { exact: true }).fill(NEW_PW);
    await page.getByLabel('初期パスワード（確認）').fill(NEW_PW);
    await page.getByLabel('初期パスワード（確認）').press('Enter');
    await page.getByText('担当者を登録しました。').waitFor();
    const row = page.getByRole('row', { name: /new-tanto/ });
    assert.match(await row.textContent(), /企業支援部門/);
    assert.match(await row.textContent(), /編集/);
    await page.setViewportSize({ width: 320, height: 640 });
    await assertReflows(page, '/staff/accounts at 320px');
    await page.setViewportSize({ width: 390, height: 844 });

    // the new staff member signs in and is sent to change the initial password before anything else
    const newbie = await as('new-tanto', NEW_PW);
    assert.match(newbie.url(), /\/mypage\/password/);
    await newbie.goto(srv.url + '/staff');
    assert.match(newbie.url(), /\/mypage\/password/);
    await newbie.getByLabel('現在のパスワード').fill(NEW_PW);
    await newbie.getByLabel('新しいパスワード', { exact: true }).fill(OWN_PW);
    await newbie.getByLabel('新しいパスワード（確認）').fill(OWN_PW);
    await newbie.getByRole('button', { name: '変更する' }).click();
    await newbie.goto(srv.url + '/staff');
    assert.equal(await newbie.getByRole('heading', { level: 1 }).textContent(), '業務管理メニュー');

    // the admin changes the role to view
    await row.getByRole('link').click();
    await assertAccessible(page, '/staff/accounts/:id');
    await page.getByLabel('権限', { exact: true }).selectOption({ label: '閲覧' });
    await page.getByRole('button', { name: '変更を保存する' }).click();
    await page.getByText('変更を保存しました。').waitFor();
    assert.equal(await page.getByLabel('権限', { exact: true }).inputValue(), 'view');

    // suspended with a reason: the open session ends and a new login is refused (SEC15)
    await page.getByLabel('利用を停止する').check();
    await page.getByLabel('理由').fill('異動のため');
    await page.getByRole('button', { name: '実行する' }).click();
    await page.getByText('状態を変更しました。').waitFor();
    assert.match(await page.locator('.status-history').textContent(), /停止中.*異動のため/);
    await newbie.goto(srv.url + '/staff');
    assert.match(newbie.url(), /\/login/);
    assert.ok(await loginFails('new-tanto', OWN_PW), 'a suspended staff member cannot log in');
  });

  it('G50/SEC17: the last admin cannot be demoted or removed (message shown)', async () => {
    const page = await as('demo-pref');
    await page.goto(srv.url + '/staff/accounts');
    await page.getByRole('row', { name: /demo-pref/ }).getByRole('link').click();
    await page.getByLabel('権限', { exact: true }).selectOption({ label: '編集' });
    await page.getByRole('button', { name: '変更を保存する' }).click();
    const err = page.locator('#role-error');
    assert.match(await err.textContent(), /最後の管理者/);
    assert.equal(await page.getByLabel('権限', { exact: true }).getAttribute('aria-invalid'), 'true');
    await assertAccessible(page, 'last-admin error');
    // nothing changed
    await page.goto(srv.url + '/staff/accounts');
    assert.match(await page.getByRole('row', { name: /demo-pref/ }).textContent(), /管理/);
    // and one's own account has no suspend form
    await page.getByRole('row', { name: /demo-pref/ }).getByRole('link').click();
    await page.getByText('自分自身のアカウントは停止・削除できません。').waitFor();
  });

  it('G62: an edit-role staff member gets 403 on staff management, also on a direct POST', async () => {
    const page = await as('demo-kigyo');
    const res = await page.goto(srv.url + '/staff/accounts');
    assert.equal(res.status(), 403);
    await assertAccessible(page, '403 page');
    const csrf = await token(page);
    const post = await page.request.post(srv.url + '/staff/accounts/new', {
      form: { csrf_token: csrf, login: 'sneaky', display_name: 'x', email: 'x@example.jp', department: 'pref',
        role: 'admin', password: NEW_PW, password_confirm: NEW_PW },
      maxRedirects: 0,
    });
    assert.equal(post.status(), 403);
    assert.match(await post.text(), /権限がありません/);
    const promote = await page.request.post(srv.url + '/staff/accounts/3', {
      form: { csrf_token: csrf, display_name: 'x', email: 'kigyo@demo.tsunagu.invalid', department: 'pref', role: 'admin' },
      maxRedirects: 0,
    });
    assert.equal(promote.status(), 403);
    const adds = await page.request.post(srv.url + '/staff/departments', {
      form: { csrf_token: csrf, code: 'x1', name: 'x', kind: 'pref' }, maxRedirects: 0,
    });
    assert.equal(adds.status(), 403);
    // the admin's list shows no such account
    const admin = await as('demo-pref');
    await admin.goto(srv.url + '/staff/accounts');
    assert.equal(await admin.getByRole('row', { name: /sneaky/ }).count(), 0);
  });

  it('G62: a view-role staff member gets 403 on a direct POST to suspend a member; company support may not suspend a seeker', async () => {
    const admin = await as('demo-pref');
    const seekerUrl = await memberUrl(admin, 'demo-seeker');
    const path = new URL(seekerUrl).pathname;

    const viewer = await as('demo-viewer');
    await viewer.goto(seekerUrl);
    assert.equal(await viewer.getByRole('button', { name: '実行する' }).count(), 0);
    const csrf = await token(viewer);
    const res = await viewer.request.post(srv.url + path + '/status', {
      form: { csrf_token: csrf, status: 'suspended', reason: 'test' }, maxRedirects: 0,
    });
    assert.equal(res.status(), 403);

    const kigyo = await as('demo-kigyo');
    const csrf2 = await token(kigyo);
    const res2 = await kigyo.request.post(srv.url + path + '/status', {
      form: { csrf_token: csrf2, status: 'deleted', reason: 'test' }, maxRedirects: 0,
    });
    assert.equal(res2.status(), 403);
    // without a CSRF token: refused before anything else
    const res3 = await kigyo.request.post(srv.url + path + '/status', { form: { status: 'suspended', reason: 'x' }, maxRedirects: 0 });
    assert.equal(res3.status(), 403);
    assert.ok(!(await loginFails('demo-seeker', DEMO_PASSWORD)), 'the seeker still logs in');
  });

  it('SEC15: employment support suspends a seeker with a reason → no login; reactivates → login works', async () => {
    const page = await as('demo-shushoku');
    await page.goto(srv.url + '/staff');
    await page.getByRole('link', { name: /会員管理/ }).click();
    await assertAccessible(page, '/staff/members');
    await page.getByLabel('ログインID・氏名・名称・メールアドレス').fill('demo-seeker');
    await page.getByRole('button', { name: '検索する' }).click();
    await assertAccessible(page, '/staff/members?q=');
    await page.getByRole('row', { name: /demo-seeker/ }).getByRole('link').click();
    await assertAccessible(page, '/staff/members/:id');
    await page.setViewportSize({ width: 320, height: 640 });
    await assertReflows(page, '/staff/members/:id at 320px');
    await page.setViewportSize({ width: 390, height: 844 });

    // no reason: refused with the message next to the field
    await page.getByRole('button', { name: '実行する' }).click();
    assert.equal(await page.getByLabel('理由').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#reason-error').textContent(), /理由/);
    await assertAccessible(page, 'member status error');

    // by keyboard: the reason, then Tab to the button and Enter
    await page.getByLabel('理由').focus();
    await page.keyboard.type('なりすましの疑いがあるため');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('状態を変更しました。').waitFor();
    assert.match(await page.locator('.facts').textContent(), /停止中/);
    assert.match(await page.locator('.status-history').textContent(), /なりすましの疑いがあるため/);
    assert.ok(await loginFails('demo-seeker', DEMO_PASSWORD), 'a suspended seeker cannot log in');

    await page.getByLabel('利用を再開する').check();
    await page.getByLabel('理由').fill('本人確認が取れたため');
    await page.getByRole('button', { name: '実行する' }).click();
    await page.getByText('状態を変更しました。').waitFor();
    assert.match(await page.locator('.facts').textContent(), /利用中/);
    assert.ok(!(await loginFails('demo-seeker', DEMO_PASSWORD)), 'a reactivated seeker logs in again');

    // the audit chain still verifies and holds both changes
    const r = cli(['audit', 'verify', '--data', srv.data]);
    assert.equal(r.status, 0, r.stderr);
  });

  it('G51: department master: add, rename, retire (kept while it has staff), accessible', async () => {
    const page = await as('demo-pref');
    await page.goto(srv.url + '/staff/departments');
    await assertAccessible(page, '/staff/departments');
    await page.getByRole('button', { name: '追加する' }).click();
    assert.equal(await page.getByLabel('部署コード').getAttribute('aria-invalid'), 'true');
    await assertAccessible(page, '/staff/departments with errors');
    await page.getByLabel('部署コード').fill('kigyo2');
    await page.getByLabel('部署名', { exact: true }).fill('企業支援第二課');
    await page.getByLabel('部署の種類').selectOption({ label: '企業支援部門' });
    await page.getByRole('button', { name: '追加する' }).click();
    await page.getByText('部署を追加しました。').waitFor();
    await page.getByLabel('部署名（kigyo2）').fill('企業支援第2課');
    await page.getByLabel('部署名（kigyo2）').press('Enter');
    await page.getByText('部署名を変更しました。').waitFor();
    await page.getByRole('button', { name: '「企業支援第2課」を廃止する' }).click();
    await page.getByText('部署を削除しました。').waitFor();
    // the company-support department has staff: retired, not deleted
    await page.getByRole('button', { name: '「企業支援部門」を廃止する' }).click();
    await page.getByText(/部署を廃止しました/).waitFor();
    await page.getByRole('heading', { name: '企業支援部門（廃止）' }).waitFor();
    await page.setViewportSize({ width: 320, height: 640 });
    await assertReflows(page, '/staff/departments at 320px');
    // a view-role staff member sees the list but no forms
    const viewer = await as('demo-viewer');
    await viewer.goto(srv.url + '/staff/departments');
    assert.equal(await viewer.getByRole('button', { name: '追加する' }).count(), 0);
  });
});
