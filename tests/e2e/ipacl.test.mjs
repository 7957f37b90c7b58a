// ipacl.test.mjs - issue 6 item 4: IP address access restriction (REQUIREMENTS G54; SECURITY.md "client
// address from the socket; X-Forwarded-For believed only from configured trusted proxies").
// Rules set through `tsunagu ip-rules set` reach the running server within a second; a refused address
// gets a short 403 before sessions, CSRF or routing; the screen /staff/ip-rules refuses a change that
// would lock out the current address; X-Forwarded-For counts only from trusted_proxies.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  startServer, launchBrowser, assertAccessible, assertReflows, login, cli, DEMO_PASSWORD,
} from './harness.mjs';

/** Raw HTTP request (no redirects followed), so the status is the server's own. */
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

/** Sets the list of one area through the CLI (standard input). */
function setRules(srv, area, text, extra = []) {
  return cli(['ip-rules', 'set', '--data', srv.data, '--area', area, ...extra, '-'], { input: text });
}

/** Polls until path answers want (the server reads the rule version at most once a second). */
async function waitStatus(base, path, want, opts = {}) {
  let last;
  for (let i = 0; i < 50; i++) {
    last = await raw(base, path, opts);
    if (last.status === want) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(last.status, want, `${path} never answered ${want}`);
  return last;
}

describe('IP address access restriction (G54)', () => {
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

  it('G54: a staff rule set through the CLI that excludes 127.0.0.1 closes /staff… with a short 403, public pages still work', async () => {
    assert.equal((await raw(srv.url, '/staff/ip-rules')).status, 303, 'before: the login redirect');
    const r = setRules(srv, 'staff', '# 庁内LANのみ\n10.0.0.0/8\n');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /staff: 1 entry saved/);
    const denied = await waitStatus(srv.url, '/staff/ip-rules', 403);
    assert.match(denied.body, /アクセスできません/);
    assert.doesNotMatch(denied.body, /10\.0\.0\.0|staff|職員/, 'the page says nothing about the rules');
    assert.equal(denied.headers['cache-control'], 'no-store');
    assert.equal((await raw(srv.url, '/staff')).status, 403);
    assert.equal((await raw(srv.url, '/staff/anything/else')).status, 403, 'refused before routing (no 404)');
    // a POST without a CSRF token is refused by the IP rule first (its page, not the CSRF one)
    const post = await raw(srv.url, '/staff/ip-rules', { method: 'POST', body: 'x=1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(post.status, 403);
    assert.match(post.body, /お使いのネットワークからは/);
    assert.equal(post.headers['set-cookie'], undefined, 'no session or CSRF cookie work was done');
    assert.equal((await raw(srv.url, '/jobs')).status, 200, 'public pages are not affected');
    assert.equal((await raw(srv.url, '/')).status, 200);
    assert.equal((await raw(srv.url, '/mypage')).status, 303, 'member area not affected');
    const show = cli(['ip-rules', 'show', '--data', srv.data, '--area', 'staff']);
    assert.equal(show.stdout, '# 庁内LANのみ\n10.0.0.0/8\n');
    const check = cli(['ip-rules', 'check', '--data', srv.data, '127.0.0.1']);
    assert.match(check.stdout, /staff: refused/);
    assert.match(check.stdout, /public: allowed/);
  });

  it('G54: staff signing in from outside the staff range are refused after authentication too', async () => {
    const page = await browser.newPage();
    await login(page, srv.url, 'demo-pref', DEMO_PASSWORD);
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /ログインIDまたはパスワードが正しくありません/);
    assert.match(new URL(page.url()).pathname, /^\/login/);
    await page.close();
    const r = setRules(srv, 'staff', '');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /no restriction/);
    await waitStatus(srv.url, '/staff/ip-rules', 303);
  });

  it('G54: a public rule excluding 127.0.0.0/8 closes everything (pages, login, static files), and clearing it reopens', async () => {
    const r = setRules(srv, 'public', '192.0.2.0/24 2001:db8::/32');
    assert.equal(r.status, 0, r.stderr);
    await waitStatus(srv.url, '/', 403);
    for (const path of ['/jobs', '/login', '/static/css/site.css', '/robots.txt', '/no-such-page']) {
      assert.equal((await raw(srv.url, path)).status, 403, path);
    }
    assert.equal((await raw(srv.url, '/login', { method: 'POST', body: 'login=a&password=b',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status, 403);
    // the CLI with --keep-ip refuses a list that would lock that address out
    const keep = setRules(srv, 'staff', '10.0.0.0/8', ['--keep-ip', '127.0.0.1']);
    assert.equal(keep.status, 1);
    assert.match(keep.stderr, /127\.0\.0\.1.*入れなくなる/);
    // bad input: line-numbered Japanese errors, nothing saved
    const badList = setRules(srv, 'public', '10.0.0.0/8\n1.2.3.4/33\n');
    assert.equal(badList.status, 1);
    assert.match(badList.stderr, /2行目: 「1\.2\.3\.4\/33」のプレフィックス長/);
    assert.equal((await raw(srv.url, '/')).status, 403, 'the bad list was not saved');
    const clear = setRules(srv, 'public', '');
    assert.equal(clear.status, 0, clear.stderr);
    await waitStatus(srv.url, '/', 200);
    assert.equal((await raw(srv.url, '/static/css/site.css')).status, 200);
  });

  it('G54: the screen /staff/ip-rules shows the lists, refuses a lock-out of 127.0.0.1 and bad lines, saves a good change (axe, 320px)', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await login(page, srv.url, 'demo-pref', DEMO_PASSWORD);
    const res = await page.goto(srv.url + '/staff/ip-rules');
    assert.equal(res.status(), 200);
    assert.equal(res.headers()['cache-control'], 'no-store');
    await assertAccessible(page, 'ip rules');
    await page.setViewportSize({ width: 320, height: 640 });
    await assertReflows(page, 'ip rules at 320px');
    await page.setViewportSize({ width: 390, height: 844 });
    const staff = page.getByLabel('職員用管理画面', { exact: true });
    const member = page.getByLabel('会員マイページ', { exact: true });
    const pub = page.getByLabel('公開ページ', { exact: true });
    assert.equal(await staff.inputValue(), '');
    assert.match(await page.locator('main').innerText(), /現在お使いのアドレス: 127\.0\.0\.1/);

    // a staff list without 127.0.0.1: refused with a message, the typed text kept
    await staff.fill('10.0.0.0/8\n192.168.0.0/16');
    await member.fill('203.0.113.0/24');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /保存できませんでした/);
    assert.match(await page.locator('#rules_staff_error').innerText(), /現在お使いのアドレス（127\.0\.0\.1）から職員用管理画面に入れなくなる/);
    assert.equal(await staff.getAttribute('aria-invalid'), 'true');
    assert.match(await staff.getAttribute('aria-describedby'), /rules_staff_error/);
    assert.equal(await staff.inputValue(), '10.0.0.0/8\n192.168.0.0/16');
    assert.equal(await member.inputValue(), '203.0.113.0/24');
    assert.equal(await member.getAttribute('aria-invalid'), null);
    await assertAccessible(page, 'ip rules with errors');
    assert.equal(cli(['ip-rules', 'show', '--data', srv.data, '--area', 'member']).stdout, '', 'nothing saved');

    // a public list without 127.0.0.1 is refused too (the login page is public)
    await staff.fill('');
    await pub.fill('192.0.2.0/24');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.locator('#rules_public_error').innerText(), /ログイン画面などの公開ページに入れなくなる/);

    // bad lines: one message per line, with its number
    await pub.fill('');
    await member.fill('203.0.113.0/24\n# memo\n10.0.0.1/8\n256.0.0.1');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('alert').waitFor();
    const errors = await page.locator('#rules_member_error li').allInnerTexts();
    assert.equal(errors.length, 2);
    assert.match(errors[0], /^3行目: 「10\.0\.0\.1\/8」はネットワークアドレスではありません（10\.0\.0\.0\/8 としてください）/);
    assert.match(errors[1], /^4行目: 「256\.0\.0\.1」/);

    // a good change: saved, shown, audited, effective
    await staff.fill('127.0.0.1 # この端末\n10.0.0.0/8');
    await member.fill('203.0.113.0/24');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').waitFor();
    assert.match(await page.getByRole('status').innerText(), /保存しました/);
    assert.equal(await staff.inputValue(), '127.0.0.1 # この端末\n10.0.0.0/8');
    assert.equal(await member.inputValue(), '203.0.113.0/24');
    assert.equal(cli(['ip-rules', 'show', '--data', srv.data, '--area', 'staff']).stdout, '127.0.0.1 # この端末\n10.0.0.0/8\n');
    await waitStatus(srv.url, '/mypage', 403);   // the member area now excludes 127.0.0.1
    assert.equal((await page.goto(srv.url + '/staff/ip-rules')).status(), 200);
    const verify = cli(['audit', 'verify', '--data', srv.data]);
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);

    // clear the member list again from the screen
    await member.fill('');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').waitFor();
    await waitStatus(srv.url, '/mypage', 303);
    await page.close();
  });

  it('G54: the screen is for administrators only: an edit-role staff member gets 403 (GET and POST), the admin sees it in the menu', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await login(page, srv.url, 'demo-shushoku', DEMO_PASSWORD);
    assert.equal((await page.goto(srv.url + '/staff/ip-rules')).status(), 403);
    await page.goto(srv.url + '/staff');
    assert.equal(await page.getByRole('link', { name: 'IPアドレスアクセス制限' }).count(), 0);
    // a direct POST with a valid CSRF token from this session is refused as well
    const csrf = await page.locator('input[name="csrf_token"]').first().getAttribute('value');
    const status = await page.evaluate(async (token) => {
      const body = new URLSearchParams({ csrf_token: token, rules_staff: '', rules_member: '203.0.113.0/24', rules_public: '' });
      return (await fetch('/staff/ip-rules', { method: 'POST', body })).status;
    }, csrf);
    assert.equal(status, 403);
    assert.equal(cli(['ip-rules', 'show', '--data', srv.data, '--area', 'member']).stdout, '', 'nothing saved');
    await page.close();
    const admin = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await login(admin, srv.url, 'demo-pref', DEMO_PASSWORD);
    await admin.goto(srv.url + '/staff');
    await admin.getByRole('link', { name: 'IPアドレスアクセス制限' }).click();
    await admin.getByRole('heading', { name: 'IPアドレスアクセス制限' }).waitFor();
    assert.equal(new URL(admin.url()).pathname, '/staff/ip-rules');
    await admin.close();
  });

  it('G54: a POST to the screen without its CSRF token changes nothing', async () => {
    const r = await raw(srv.url, '/staff/ip-rules', { method: 'POST', body: 'rules_staff=&rules_member=&rules_public=10.0.0.0%2F8',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.status, 403);
    assert.equal(cli(['ip-rules', 'show', '--data', srv.data, '--area', 'public']).stdout, '');
  });
});

describe('client address and X-Forwarded-For (G54, SECURITY.md)', () => {
  it('X-Forwarded-For is ignored without trusted_proxies', async () => {
    const srv = await startServer();
    try {
      assert.equal(setRules(srv, 'staff', '10.0.0.0/8').status, 0);
      await waitStatus(srv.url, '/staff/ip-rules', 403);
      const r = await raw(srv.url, '/staff/ip-rules', { headers: { 'X-Forwarded-For': '10.1.2.3' } });
      assert.equal(r.status, 403, 'a client cannot claim an address');
      const log = readFileSync(join(srv.data, 'log', 'access.log'), 'utf8');
      assert.doesNotMatch(log, /10\.1\.2\.3/);
    } finally {
      await srv.stop();
      srv.cleanup();
    }
  });

  it('X-Forwarded-For is honoured from a trusted proxy (TSUNAGU_SERVER_TRUSTED_PROXIES=127.0.0.1): right-most untrusted address', async () => {
    const srv = await startServer({ env: { TSUNAGU_SERVER_TRUSTED_PROXIES: '127.0.0.1, 192.0.2.0/24' } });
    try {
      assert.equal(setRules(srv, 'staff', '10.0.0.0/8').status, 0);
      await waitStatus(srv.url, '/staff/ip-rules', 403);
      const via = (xff) => raw(srv.url, '/staff/ip-rules', { headers: { 'X-Forwarded-For': xff } });
      assert.equal((await via('10.1.2.3')).status, 303, 'the client behind the proxy is inside 10.0.0.0/8');
      assert.equal((await via('10.1.2.3, 192.0.2.7')).status, 303, 'a second trusted proxy is skipped');
      assert.equal((await via('10.1.2.3, 198.51.100.9')).status, 403, 'a spoofed left part does not count');
      assert.equal((await via('198.51.100.9, 10.1.2.3')).status, 303, 'the right-most untrusted address is the client');
      assert.equal((await via('10.1.2.3, junk')).status, 403, 'a bad entry stops the walk at the proxy');
      assert.equal((await via('127.0.0.1')).status, 403, 'only trusted addresses: the left-most of them');
      assert.equal((await raw(srv.url, '/staff/ip-rules')).status, 403, 'no header: the proxy itself');
      assert.equal((await via('::ffff:10.9.9.9')).status, 303, 'an IPv4-mapped address matches the IPv4 rule');
      // the access log shows the client address, not the proxy's
      await new Promise((r) => setTimeout(r, 200));
      const log = readFileSync(join(srv.data, 'log', 'access.log'), 'utf8').split('\n');
      assert.ok(log.some((l) => l.includes('10.1.2.3') && l.includes('/staff/ip-rules')), 'access log has the forwarded address');
      assert.ok(log.some((l) => l.includes('10.9.9.9')), 'mapped address logged as IPv4');
    } finally {
      await srv.stop();
      srv.cleanup();
    }
  });

  it('a bad trusted_proxies value stops the server at start with a Japanese line-numbered message', async () => {
    await assert.rejects(startServer({ env: { TSUNAGU_SERVER_TRUSTED_PROXIES: '10.0.0.1/8' } }),
      /trusted_proxies.*ネットワークアドレスではありません/);
  });
});
