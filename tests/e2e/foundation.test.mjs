// foundation.test.mjs - issue 2: home, login, logout, wrong password, lock-out, CSRF, 404, security
// headers, static files, limits, password change, audit verify, graceful stop; axe on every page.
// REQUIREMENTS: G02, G03, G81, SEC02, SEC03, SEC05, SEC07, SEC12, SEC14; SECURITY.md items 3, 4, 6, 9.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  startServer, launchBrowser, assertAccessible, assertReflows, login, cli, DEMO_PASSWORD, ROOT,
} from './harness.mjs';

const LOCK_USER = { kind: 'seeker', login: 'lock-target', email: 'lock-target@example.jp', password: 'Haruna-Lake-2026' };
const PW_USER = { kind: 'company', login: 'pw-changer', email: 'pw@example.jp', password: 'Akagi-Mountain-77' };

/** Raw HTTP request (no automatic decompression or redirects), so headers and bytes are as sent. */
function raw(base, path, { method = 'GET', headers = {}, body } = {}) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

describe('foundation', () => {
  let srv, browser;

  before(async () => {
    srv = await startServer({ users: [LOCK_USER, PW_USER] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await srv?.stop();
    srv?.cleanup();
  });

  it('home page: Japanese layout with the site name and nickname, accessible, reflows at 320px', async () => {
    const page = await browser.newPage();
    const res = await page.goto(srv.url + '/');
    assert.equal(res.status(), 200);
    assert.equal(await page.getAttribute('html', 'lang'), 'ja');
    assert.match(await page.title(), /ぐんまジョブナビ/);
    const banner = page.getByRole('banner');
    await assert.doesNotReject(banner.getByText('群馬県就職支援情報サイト').waitFor());
    await assert.doesNotReject(banner.getByText('ぐんまジョブナビ').waitFor());
    await assert.doesNotReject(page.getByRole('navigation', { name: 'サイト内メニュー' }).getByRole('link', { name: 'ログイン' }).waitFor());
    await assert.doesNotReject(page.getByRole('contentinfo').waitFor());
    assert.equal(await page.locator('h1').count(), 1);
    await assertAccessible(page, 'home');
    await page.setViewportSize({ width: 320, height: 640 });
    await assertReflows(page, 'home at 320px');
    await page.close();
  });

  it('every response carries the security headers; HTML is gzip-compressed when accepted', async () => {
    for (const path of ['/', '/login', '/no-such-page', '/static/css/site.css']) {
      const r = await raw(srv.url, path, { headers: { 'Accept-Encoding': 'gzip' } });
      const csp = r.headers['content-security-policy'] || '';
      assert.match(csp, /default-src 'self'/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.doesNotMatch(csp, /unsafe-inline/, path);
      assert.equal(r.headers['x-frame-options'], 'DENY', path);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', path);
      assert.equal(r.headers['referrer-policy'], 'strict-origin-when-cross-origin', path);
      assert.equal(r.headers['strict-transport-security'], undefined, `${path}: no HSTS over plain HTTP`);
      assert.equal(r.headers['content-encoding'], 'gzip', path);
    }
    const home = await raw(srv.url, '/', { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(home.headers['content-type'], 'text/html; charset=utf-8');
    for (const refuse of ['gzip;q=0', 'gzip; q=0.0, identity', 'br, gzip;q=0']) {
      const r = await raw(srv.url, '/', { headers: { 'Accept-Encoding': refuse } });
      assert.equal(r.headers['content-encoding'], undefined, refuse);
    }
    for (const take of ['deflate, gzip;q=0.5', '*', 'GZIP']) {
      const r = await raw(srv.url, '/', { headers: { 'Accept-Encoding': take } });
      assert.equal(r.headers['content-encoding'], 'gzip', take);
    }
    const plain = await raw(srv.url, '/');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.match(plain.body.toString('utf8'), /<html lang="ja">/);
  });

  it('static files: cache headers, ETag revalidation, and no path from the request reaches the disk', async () => {
    const css = await raw(srv.url, '/static/css/site.css');
    assert.equal(css.status, 200);
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    assert.match(css.headers['cache-control'], /max-age=86400/);
    assert.equal(css.body.toString(), readFileSync(join(ROOT, 'static/css/site.css'), 'utf8'));
    const again = await raw(srv.url, '/static/css/site.css', { headers: { 'If-None-Match': css.headers.etag } });
    assert.equal(again.status, 304);
    const versioned = await raw(srv.url, '/static/css/site.css?v=1');
    assert.match(versioned.headers['cache-control'], /immutable/);
    for (const p of ['/static/../Makefile', '/static/%2e%2e/Makefile', '/static/css/%2e%2e%2f%2e%2e%2fMakefile',
      '/static/css/..%252f..%252fMakefile', '/static/css/site.css%00.txt', '/static//etc/passwd',
      '/static/css/../../src/app/main.c', '/static/..%5c..%5cMakefile']) {
      const r = await raw(srv.url, p);
      assert.ok(r.status >= 400 && r.status < 500, `${p} answered ${r.status}`);
      assert.doesNotMatch(r.body.toString(), /tsunagu - one C program|root:x:0|#include/, p);
    }
  });

  it('404 page is Japanese, has status 404 and no accessibility violations', async () => {
    const page = await browser.newPage();
    const res = await page.goto(srv.url + '/no-such-page');
    assert.equal(res.status(), 404);
    await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'ページが見つかりません' }).waitFor());
    await assert.doesNotReject(page.getByRole('link', { name: 'ホーム' }).first().waitFor());
    await assertAccessible(page, '404');
    await page.close();
  });

  it('login with the right password opens My Page; the session cookie is HttpOnly, SameSite=Lax and new each time', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(srv.url + '/login');
    await assertAccessible(page, 'login');
    await login(page, srv.url, 'demo-seeker', DEMO_PASSWORD);
    await page.waitForURL(srv.url + '/mypage');
    await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'マイページ' }).waitFor());
    // the login ID row; the name row shows the seeker's (sealed) name, not the login ID
    await assert.doesNotReject(page.locator('div').filter({ hasText: /^ログインID/ }).getByText('demo-seeker', { exact: true }).waitFor());
    assert.equal((await page.locator('div').filter({ hasText: /^お名前・名称/ }).locator('dd').textContent()).trim(), '上州 太郎（デモ）');
    await assert.doesNotReject(page.getByText('求職者', { exact: true }).waitFor());
    // dates in JST: the password was set today (和暦 and 西暦)
    const jst = new Date(Date.now() + 9 * 3600 * 1000);
    const ymd = `${jst.getUTCFullYear()}年${jst.getUTCMonth() + 1}月${jst.getUTCDate()}日`;
    const reiwa = `令和${jst.getUTCFullYear() - 2018}年${jst.getUTCMonth() + 1}月${jst.getUTCDate()}日`;
    await assert.doesNotReject(page.getByText(`${reiwa}（${ymd}）`).waitFor());
    await assert.doesNotReject(page.getByText('今回が初めてです').waitFor());
    await assertAccessible(page, 'mypage');
    const cookies = await context.cookies();
    const sid = cookies.find((c) => c.name === 'tsunagu_sid');
    assert.ok(sid, 'session cookie set');
    assert.equal(sid.httpOnly, true);
    assert.equal(sid.sameSite, 'Lax');
    assert.ok(sid.value.length >= 43, 'at least 256 bits, base64url');
    assert.ok(!page.url().includes(sid.value), 'session ID never in the URL');
    const r = await raw(srv.url, '/mypage', { headers: { Cookie: `tsunagu_sid=${sid.value}` } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['cache-control'], 'no-store');

    // logging in again (new browser) gets a different session ID; the first stays its own
    const other = await browser.newContext();
    const page2 = await other.newPage();
    await login(page2, srv.url, 'demo-seeker', DEMO_PASSWORD);
    await page2.waitForURL(srv.url + '/mypage');
    const sid2 = (await other.cookies()).find((c) => c.name === 'tsunagu_sid');
    // the second login shows when the first one was
    await assert.doesNotReject(page2.getByText(new RegExp(`^${ymd} \\d\\d:\\d\\d$`)).waitFor());
    assert.notEqual(sid2.value, sid.value);
    await other.close();
    await context.close();
  });

  it('a session cookie the server did not issue is ignored (no fixation)', async () => {
    const fixed = 'A'.repeat(43);
    const r = await raw(srv.url, '/mypage', { headers: { Cookie: `tsunagu_sid=${fixed}` } });
    assert.equal(r.status, 303);
    assert.match(r.headers.location, /^\/login\?next=%2Fmypage$/);
    const context = await browser.newContext();
    await context.addCookies([{ name: 'tsunagu_sid', value: fixed, url: srv.url }]);
    const page = await context.newPage();
    await login(page, srv.url, 'demo-company', DEMO_PASSWORD);
    await page.waitForURL(srv.url + '/mypage');
    const sid = (await context.cookies()).find((c) => c.name === 'tsunagu_sid');
    assert.notEqual(sid.value, fixed, 'login issues a fresh ID whatever the browser sent');
    await context.close();
  });

  it('logout ends the session; the old cookie replayed afterwards is refused', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await login(page, srv.url, 'demo-kigyo', DEMO_PASSWORD);
    await page.waitForURL(srv.url + '/mypage');
    await assert.doesNotReject(page.getByText('企業支援部門', { exact: true }).waitFor());
    const sid = (await context.cookies()).find((c) => c.name === 'tsunagu_sid').value;
    await page.getByRole('button', { name: 'ログアウト' }).click();
    await page.waitForURL(/\/\?logged_out=1$/);
    await assert.doesNotReject(page.getByRole('status').getByText('ログアウトしました。').waitFor());
    await assertAccessible(page, 'home after logout');
    assert.equal((await context.cookies()).find((c) => c.name === 'tsunagu_sid'), undefined);
    const r = await raw(srv.url, '/mypage', { headers: { Cookie: `tsunagu_sid=${sid}` } });
    assert.equal(r.status, 303, 'replayed cookie after logout');
    await page.goto(srv.url + '/mypage');
    await page.waitForURL(/\/login\?next=%2Fmypage$/);
    await context.close();
  });

  it('wrong password: a Japanese error, the login ID kept, the password not', async () => {
    const page = await browser.newPage();
    await login(page, srv.url, 'demo-pref', 'not-the-password-1');
    const alert = page.getByRole('alert');
    await assert.doesNotReject(alert.getByText('ログインIDまたはパスワードが正しくありません。').waitFor());
    assert.equal(await page.getByLabel('ログインID').inputValue(), 'demo-pref');
    assert.equal(await page.getByLabel('パスワード', { exact: true }).inputValue(), '');
    assert.equal(await page.getByLabel('ログインID').getAttribute('aria-invalid'), 'true');
    assert.ok(page.url().endsWith('/login'));
    await assertAccessible(page, 'login with error');
    // an unknown ID gets exactly the same answer
    await login(page, srv.url, 'nobody-at-all', 'not-the-password-1');
    await assert.doesNotReject(page.getByRole('alert').getByText('ログインIDまたはパスワードが正しくありません。').waitFor());
    await page.close();
  });

  it('lock-out after 5 failed logins: even the right password is refused, unknown IDs behave the same', async () => {
    const page = await browser.newPage();
    for (let i = 1; i <= 4; i++) {
      await login(page, srv.url, LOCK_USER.login, `wrong-password-${i}`);
      await assert.doesNotReject(page.getByRole('alert').getByText('ログインIDまたはパスワードが正しくありません。').waitFor());
    }
    await login(page, srv.url, LOCK_USER.login, 'wrong-password-5');
    await assert.doesNotReject(page.getByRole('alert').getByText(/5回続けて失敗したため.*15分間停止/).waitFor());
    await login(page, srv.url, LOCK_USER.login, LOCK_USER.password);
    await assert.doesNotReject(page.getByRole('alert').getByText(/15分間停止/).waitFor());
    assert.ok(page.url().endsWith('/login'), 'still on the login page');
    for (let i = 1; i <= 5; i++) await login(page, srv.url, 'ghost-user', `wrong-password-${i}`);
    await assert.doesNotReject(page.getByRole('alert').getByText(/15分間停止/).waitFor());
    await page.close();
  });

  it('CSRF: a POST without or with a wrong token gets 403 and a Japanese message; nothing changes', async () => {
    const form = 'login=demo-seeker&password=' + encodeURIComponent(DEMO_PASSWORD);
    const noToken = await raw(srv.url, '/login', {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form,
    });
    assert.equal(noToken.status, 403);
    assert.match(noToken.body.toString(), /フォームの有効期限が切れているか、正しくない送信です/);
    assert.equal(noToken.headers['set-cookie'], undefined, 'no session for a forged login');

    // signed in, a forged logout from another site does not end the session
    const context = await browser.newContext();
    const page = await context.newPage();
    await login(page, srv.url, 'demo-shushoku', DEMO_PASSWORD);
    await page.waitForURL(srv.url + '/mypage');
    const sid = (await context.cookies()).find((c) => c.name === 'tsunagu_sid').value;
    for (const token of ['', 'x'.repeat(43), 'csrf_token=' + 'A'.repeat(43)]) {
      const r = await raw(srv.url, '/logout', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `tsunagu_sid=${sid}` },
        body: token.startsWith('csrf_token=') ? token : `csrf_token=${token}`,
      });
      assert.equal(r.status, 403);
    }
    const still = await raw(srv.url, '/mypage', { headers: { Cookie: `tsunagu_sid=${sid}` } });
    assert.equal(still.status, 200, 'session survives forged logouts');
    // the 403 page itself is accessible
    await page.goto(srv.url + '/mypage');
    await page.evaluate(() => {
      const f = document.querySelector('form[action="/logout"]');
      f.querySelector('input[name="csrf_token"]').value = 'forged';
      f.submit();
    });
    await page.waitForLoadState();
    await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'アクセスできません' }).waitFor());
    await assertAccessible(page, '403');
    await context.close();
  });

  it('request limits: too large a body is 413, too many fields 413, a malformed body 400', async () => {
    const big = await raw(srv.url, '/login', {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(64 * 1024 * 1024) },
    }).catch((e) => ({ status: 'reset', error: e }));
    assert.ok(big.status === 413 || big.status === 'reset', `huge body: ${big.status}`);
    const many = Array.from({ length: 500 }, (_, i) => `f${i}=1`).join('&');
    const r1 = await raw(srv.url, '/login', {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: many,
    });
    assert.equal(r1.status, 413);
    assert.match(r1.body.toString(), /大きすぎます/);
    const r2 = await raw(srv.url, '/login', {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'login=%FF%FE&password=%zz',
    });
    assert.equal(r2.status, 400);
    assert.match(r2.body.toString(), /リクエストが正しくありません/);
    assert.doesNotMatch(r2.body.toString(), /sqlite|\.c:|Traceback|stack/i);
    const r3 = await raw(srv.url, '/', { method: 'DELETE' });
    assert.equal(r3.status, 405);
  });

  it('keyboard only: tab to the login link, sign in, change the password, sign out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(srv.url + '/');
    // skip link comes first
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), '本文へ移動');
    const focusOn = async (predicate, label) => {
      for (let i = 0; i < 30; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(predicate)) return;
      }
      assert.fail(`could not reach ${label} by keyboard`);
    };
    await focusOn(() => document.activeElement.textContent.trim() === 'ログイン', 'the login link');
    await page.keyboard.press('Enter');
    await page.waitForURL(srv.url + '/login');
    await focusOn(() => document.activeElement.id === 'login', 'the login ID field');
    await page.keyboard.type(PW_USER.login);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PW_USER.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(srv.url + '/mypage');
    await focusOn(() => document.activeElement.textContent.trim() === 'パスワードを変更する', 'the password link');
    await page.keyboard.press('Enter');
    await page.waitForURL(srv.url + '/mypage/password');
    await assertAccessible(page, 'password change');
    // a weak new password is refused with the reason, in Japanese
    await page.getByLabel('現在のパスワード').fill(PW_USER.password);
    await page.getByLabel('新しいパスワード', { exact: true }).fill('password1234');
    await page.getByLabel('新しいパスワード（確認）').fill('password1234');
    await page.getByRole('button', { name: '変更する' }).click();
    await assert.doesNotReject(page.getByRole('alert').getByText('よく使われているパスワードや推測されやすいパスワードは使えません。').waitFor());
    await assertAccessible(page, 'password change with error');
    await page.getByLabel('現在のパスワード').fill(PW_USER.password);
    await page.getByLabel('新しいパスワード', { exact: true }).fill('Tomioka-Silk-1872');
    await page.getByLabel('新しいパスワード（確認）').fill('Tomioka-Silk-1872');
    await page.getByRole('button', { name: '変更する' }).click();
    await page.waitForURL(srv.url + '/mypage?done=password');
    await assert.doesNotReject(page.getByRole('status').getByText('パスワードを変更しました。').waitFor());
    await focusOn(() => document.activeElement.textContent.trim() === 'ログアウト', 'the logout button');
    await page.keyboard.press('Enter');
    await page.waitForURL(/logged_out=1/);
    // the old password no longer works, the new one does
    await login(page, srv.url, PW_USER.login, PW_USER.password);
    await assert.doesNotReject(page.getByRole('alert').waitFor());
    await login(page, srv.url, PW_USER.login, 'Tomioka-Silk-1872');
    await page.waitForURL(srv.url + '/mypage');
    await context.close();
  });

  it('every page so far reflows at 320px', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    for (const p of ['/', '/login', '/no-such-page']) {
      await page.goto(srv.url + p);
      await assertReflows(page, p);
    }
    await login(page, srv.url, 'demo-pref', DEMO_PASSWORD);
    await page.waitForURL(srv.url + '/mypage');
    for (const p of ['/mypage', '/mypage/password']) {
      await page.goto(srv.url + p);
      await assertReflows(page, p);
    }
    await context.close();
  });

  it('the access log has a line per request and the audit chain verifies', async () => {
    const log = readFileSync(join(srv.data, 'log', 'access.log'), 'utf8').trim().split('\n');
    assert.ok(log.length > 20);
    assert.match(log.at(-1), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ 127\.0\.0\.1 [A-Z]+ \/\S* \d{3} \d+ \d+$/);
    assert.ok(!log.some((l) => l.includes(DEMO_PASSWORD)), 'no password in the access log');
    const v = cli(['audit', 'verify', '--data', srv.data]);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /chain intact/);
  });

  it('SIGTERM stops the server cleanly (exit 0)', async () => {
    const code = await srv.stop();
    assert.equal(code, 0, srv.stderr());
  });
});
