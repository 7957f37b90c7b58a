// alerts.test.mjs - issue 6 item 8: intrusion signals (REQUIREMENTS SEC13). A burst of failed logins, of
// CSRF failures and of IP-rule refusals each raises one alert on the administrators' dashboard
// (「セキュリティ警告」 with count, period and addresses); the security address gets exactly one mail per
// kind however long the burst goes on (real SMTP sink); 確認済みにする removes the alert from the
// dashboard, is audited (security.ack) and the alert stays in /staff/security. axe, 320 px.
// The IP-rule burst comes through a trusted proxy (127.0.0.1) with X-Forwarded-For, as ipacl.test.mjs does,
// so the test client itself is never refused.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, launchBrowser, assertAccessible, assertReflows, login, cli, DEMO_PASSWORD } from './harness.mjs';
import { startSink } from './mailsink.mjs';

const SECURITY = 'security@example.jp';

/** Raw HTTP request (no redirects, no cookies) so the status is the server's own. */
function raw(base, path, { method = 'GET', headers = {}, body } = {}) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

describe('intrusion signals (SEC13)', () => {
  let srv, browser, sink;

  before(async () => {
    sink = await startSink({ timeout: 600 });
    srv = await startServer({
      env: {
        TSUNAGU_SMTP_URL: sink.url, TSUNAGU_MAIL_FROM: 'noreply@example.jp',
        TSUNAGU_SECURITY_ALERT_MAIL: SECURITY, TSUNAGU_SERVER_TRUSTED_PROXIES: '127.0.0.1',
      },
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
    srv?.cleanup();
    sink?.stop();
  });

  async function admin(width = 390) {
    const ctx = await browser.newContext({ viewport: { width, height: 844 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await login(page, srv.url, 'demo-pref', DEMO_PASSWORD);
    await page.waitForURL((u) => u.pathname !== '/login');
    return page;
  }

  /** n failed logins from 127.0.0.1 through the real form (token and pre-login cookie of one browser). */
  async function failLogins(n) {
    const ctx = await browser.newContext();
    const req = ctx.request;
    const form = await (await req.get(srv.url + '/login')).text();
    const token = form.match(/name="csrf_token" value="([^"]+)"/)[1];
    for (let i = 0; i < n; i++) {
      const r = await req.post(srv.url + '/login', { form: { csrf_token: token, login: 'intruder', password: 'wrong-password-' + i }, maxRedirects: 0 });
      assert.equal(r.status(), 200, 'the login form again');
      assert.match(await r.text(), /ログインIDまたはパスワードが正しくありません|ログインを\d+分間停止/);
    }
    await ctx.close();
  }

  const region = (page) => page.getByRole('region', { name: 'セキュリティ警告' });

  it('SEC13: 12 failed logins from 127.0.0.1 → the admin dashboard shows the alert and exactly one mail arrives, even after more failures', async () => {
    await failLogins(12);
    const page = await admin();
    await page.goto(srv.url + '/staff');
    const r = region(page);
    await r.waitFor();
    const text = await r.innerText();
    assert.match(text, /ログイン失敗の急増/);
    assert.match(text, /127\.0\.0\.1（12件）/, 'the top address with its count');
    assert.match(text, /12件/);
    assert.match(text, /\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} 〜 /, 'the period in JST');
    await assertAccessible(page, 'dashboard with an alert');
    const [mail] = await sink.waitFor((m) => m.to === SECURITY, 1);
    assert.match(mail.subject, /セキュリティ警告：ログイン失敗の急増/);
    assert.match(mail.text, /件数：1\d件/);
    assert.match(mail.text, /127\.0\.0\.1/);
    assert.ok(!mail.text.includes('intruder') && !mail.text.includes('wrong-password'), 'no login ID or password in the mail');
    // more failures extend the alert, and no second mail within the hour
    await failLogins(5);
    await page.reload();
    assert.match(await region(page).innerText(), /17件/);
    assert.equal(await region(page).getByRole('listitem').count(), 1, 'one alert, extended');
    await new Promise((res) => setTimeout(res, 6000)); // longer than the sender's poll
    assert.equal(sink.mails().filter((m) => m.to === SECURITY).length, 1, 'exactly one mail');
    await page.context().close();
  });

  it('SEC13: a burst of CSRF failures raises its own alert', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await raw(srv.url, '/login', { method: 'POST', body: 'login=a&password=b',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      assert.equal(r.status, 403);
    }
    const page = await admin();
    await page.goto(srv.url + '/staff');
    await region(page).getByRole('heading', { name: '不正なフォーム送信（CSRF）の急増' }).waitFor();
    await page.context().close();
  });

  it('SEC13: a burst of IP-rule refusals (X-Forwarded-For through the trusted proxy) raises its own alert', async () => {
    const set = cli(['ip-rules', 'set', '--data', srv.data, '--area', 'public', '-'], { input: '127.0.0.1\n' });
    assert.equal(set.status, 0, set.stderr);
    let refused = 0;
    for (let i = 0; i < 60 && refused < 20; i++) {
      const r = await raw(srv.url, '/jobs', { headers: { 'X-Forwarded-For': '203.0.113.77' } });
      if (r.status === 403) refused++;
      else await new Promise((res) => setTimeout(res, 100)); // the rule reaches the server within a second
    }
    assert.equal(refused, 20);
    const page = await admin();
    await page.goto(srv.url + '/staff');
    const r = region(page);
    await r.getByRole('heading', { name: 'IPアドレス制限による拒否の急増' }).waitFor();
    assert.match(await r.innerText(), /203\.0\.113\.77（20件）/);
    await page.context().close();
    assert.equal(cli(['ip-rules', 'set', '--data', srv.data, '--area', 'public', '-'], { input: '' }).status, 0);
  });

  it('SEC13: 確認済みにする removes the alert from the dashboard, is audited, and the history keeps it; 403 for other staff', async () => {
    const page = await admin();
    await page.goto(srv.url + '/staff');
    const item = region(page).getByRole('listitem').filter({ hasText: 'ログイン失敗の急増' });
    await item.getByRole('button', { name: '確認済みにする' }).click();
    await page.getByText('警告を確認済みにしました。').waitFor();
    assert.equal(await region(page).getByRole('heading', { name: 'ログイン失敗の急増' }).count(), 0, 'gone from the dashboard');
    assert.equal(await region(page).getByRole('heading', { name: '不正なフォーム送信（CSRF）の急増' }).count(), 1, 'the others stay');
    await page.goto(srv.url + '/staff/audit?action=security');
    const log = page.getByRole('region', { name: '監査ログの一覧' });
    await log.getByText('セキュリティ警告の確認').first().waitFor();
    assert.match(await log.innerText(), /security_alert:\d+/, 'the alert named as the record');
    const res = await page.goto(srv.url + '/staff/security');
    assert.equal(res.status(), 200);
    const history = page.getByRole('region', { name: 'セキュリティ警告の一覧' });
    assert.match(await history.innerText(), /確認済み（demo-pref/);
    await assertAccessible(page, 'security history');
    await page.setViewportSize({ width: 320, height: 800 });
    await page.goto(srv.url + '/staff');
    await assertReflows(page, 'dashboard with alerts at 320 px');
    await page.context().close();
    // another staff member sees neither the region nor the history
    const ctx = await browser.newContext();
    const other = await ctx.newPage();
    await login(other, srv.url, 'demo-kigyo', DEMO_PASSWORD);
    await other.waitForURL((u) => u.pathname !== '/login');
    await other.goto(srv.url + '/staff');
    assert.equal(await region(other).count(), 0);
    assert.equal((await other.goto(srv.url + '/staff/security')).status(), 403);
    await ctx.close();
  });
});
