// bulkmail.test.mjs - issue 7 item 5: 一斉メール (G55, G56, SEC08) through the real SMTP sink. Three job
// seekers who accepted mail and one who did not: a bulk mail to the filter arrives as exactly three messages,
// each with one envelope recipient and one To address and the name filled in; the preview shows a real
// recipient; the test send reaches the staff member only; the unsubscribe link → confirm → mail_ok 0 → the
// next send leaves that person out; company support is refused the seekers audience (department rule,
// G62) and a view-role account every page (403). axe on every page, reflow at 320 px, compose by keyboard.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  startServer, launchBrowser, assertAccessible, assertReflows, login, DEMO_PASSWORD,
} from './harness.mjs';
import { startSink } from './mailsink.mjs';

const VIEW = { width: 390, height: 844 };
const PW = 'Haruna-Lake-2026x';
const SEEKERS = [
  { kind: 'seeker', login: 'bm-s1', email: 'bm-s1@example.jp', name: '赤城 一郎', password: PW },
  { kind: 'seeker', login: 'bm-s2', email: 'bm-s2@example.jp', name: '榛名 花子', password: PW },
  { kind: 'seeker', login: 'bm-s3', email: 'bm-s3@example.jp', name: '妙義 三郎', password: PW },
  { kind: 'seeker', login: 'bm-s4', email: 'bm-s4@example.jp', name: '配信 拒否', password: PW }, // mail_ok = 0
];
const STAFF_EMAIL = 'shushoku@demo.tsunagu.invalid'; // demo-shushoku (src/app/seed.c)

/** Runs SQL (with parameters) on the server's database with Debian's python3 sqlite3; returns the rows. */
function sql(data, query, params = []) {
  const r = spawnSync('/usr/bin/python3', ['-c',
    'import sqlite3, sys, json\n'
    + 'c = sqlite3.connect(sys.argv[1], timeout=10)\n'
    + 'rows = c.execute(sys.argv[2], json.loads(sys.argv[3])).fetchall()\n'
    + 'c.commit()\n'
    + 'print(json.dumps(rows))',
    join(data, 'tsunagu.db'), query, JSON.stringify(params)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Presses Tab until the element matching selector has the focus (keyboard-only use). */
async function tabTo(page, selector, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe('bulk mail (G55, G56, SEC08)', () => {
  let srv, browser, sink, staff;

  before(async () => {
    sink = await startSink({ timeout: 300 });
    srv = await startServer({
      users: SEEKERS,
      env: { TSUNAGU_SMTP_URL: sink.url, TSUNAGU_MAIL_FROM: 'noreply@example.jp' },
    });
    // job seekers' profiles (registration makes them; here straight in the database)
    for (const s of SEEKERS) {
      sql(srv.data, "INSERT INTO seekers (account_id, name, kana, mail_ok, created_at, updated_at) "
        + "SELECT id, ?, 'てすと', ?, 0, 0 FROM accounts WHERE login = ?", [s.name, s.login === 'bm-s4' ? 0 : 1, s.login]);
    }
    browser = await launchBrowser();
    staff = await (await browser.newContext({ viewport: VIEW })).newPage();
    await login(staff, srv.url, 'demo-shushoku', DEMO_PASSWORD);
    await staff.waitForURL(/\/mypage$/);
  });

  after(async () => {
    await browser?.close();
    await srv?.stop();
    srv?.cleanup();
    sink?.stop();
  });

  async function compose(keyword) {
    await staff.goto(srv.url + '/staff/bulkmail/new');
    await staff.getByLabel('キーワード（ログインID・氏名・名称）').fill(keyword);
    await staff.getByRole('button', { name: '対象者を確認' }).click();
    await staff.locator('#bm-count').waitFor();
  }

  it('G55: the menu links to 一斉メール; the list and the compose form pass axe and reflow at 320 px', async () => {
    await staff.goto(srv.url + '/staff');
    await staff.getByRole('link', { name: /一斉メール/ }).click();
    await staff.waitForURL(/\/staff\/bulkmail$/);
    assert.equal(await staff.getByRole('heading', { level: 1 }).textContent(), '一斉メール');
    await assertAccessible(staff, 'bulk mail list');
    await staff.getByRole('link', { name: '新しく作る' }).click();
    await staff.waitForURL(/\/staff\/bulkmail\/new$/);
    // the placeholders are documented on screen
    assert.match(await staff.locator('#bm-ph').textContent(), /\{\{氏名\}\}[\s\S]*\{\{ログインID\}\}/);
    await assertAccessible(staff, 'bulk mail compose');
    await staff.setViewportSize({ width: 320, height: 640 });
    await assertReflows(staff, 'bulk mail compose at 320px');
    await staff.setViewportSize(VIEW);
  });

  it('G55: the count honours mail_ok (3 of 4); an unknown placeholder is refused in Japanese', async () => {
    await compose('bm-s');
    assert.match(await staff.locator('#bm-count').textContent(), /3件/);
    await staff.getByLabel('件名（必須）').fill('{{住所}}さんへ');
    await staff.getByLabel('本文（必須）').fill('本文');
    await staff.getByRole('button', { name: 'プレビュー' }).click();
    await staff.getByRole('alert').first().waitFor();
    assert.match(await staff.locator('#bm-subject-error').textContent(), /「\{\{住所\}\}」は使えない差し込み項目です/);
    assert.equal(await staff.getByLabel('件名（必須）').getAttribute('aria-invalid'), 'true');
    // what was typed is kept
    assert.equal(await staff.getByLabel('件名（必須）').inputValue(), '{{住所}}さんへ');
    await assertAccessible(staff, 'bulk mail compose with errors');
  });

  it('G55/G56: the preview shows a real recipient with the footer; 次の対象者で見る moves on', async () => {
    await compose('bm-s');
    await staff.getByLabel('件名（必須）').fill('{{氏名}}様 合同企業説明会のご案内');
    await staff.getByLabel('本文（必須）').fill('{{氏名}} 様（ログインID: {{ログインID}}）\n説明会を開きます。');
    await staff.getByRole('button', { name: 'プレビュー' }).click();
    const pv = staff.getByRole('region', { name: /プレビュー/ });
    await pv.waitFor();
    let text = await pv.textContent();
    assert.match(text, /bm-s1@example\.jp/);
    assert.match(text, /赤城 一郎様 合同企業説明会のご案内/);
    assert.match(text, /赤城 一郎 様（ログインID: bm-s1）/);
    assert.match(text, /\/unsubscribe\?t=\d+\.[0-9a-f]{64}/);
    await assertAccessible(staff, 'bulk mail preview');
    await staff.setViewportSize({ width: 320, height: 640 });
    await assertReflows(staff, 'bulk mail preview at 320px');
    await staff.setViewportSize(VIEW);
    await staff.getByRole('button', { name: '次の対象者で見る' }).click();
    text = await staff.getByRole('region', { name: /プレビュー/ }).textContent();
    assert.match(text, /bm-s2@example\.jp/);
    assert.match(text, /榛名 花子/);
    // each look at a job seeker's name and address is audited (SEC07)
    const seen = sql(srv.data, "SELECT target FROM audit_log WHERE action = 'bulk_mail.preview' ORDER BY id").map((x) => x[0]);
    assert.equal(seen.length, 2);
    assert.notEqual(seen[0], seen[1]);
  });

  it('G55: the test send reaches the staff member only, marked 【テスト】', async () => {
    await compose('bm-s');
    await staff.getByLabel('件名（必須）').fill('{{氏名}}様 テスト送信の確認');
    await staff.getByLabel('本文（必須）').fill('{{氏名}} 様');
    await staff.getByRole('button', { name: '自分あてにテスト送信' }).click();
    await staff.getByRole('status').filter({ hasText: 'テストメール' }).waitFor();
    const [m] = await sink.waitFor((x) => x.subject.includes('テスト送信の確認'), 1);
    assert.equal(m.to, STAFF_EMAIL);
    assert.match(m.subject, /^【テスト】/);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(sink.mails().filter((x) => x.subject.includes('テスト送信の確認')).length, 1);
  });

  it('SEC08: a bulk mail to three seekers arrives as three messages, each with one recipient', async () => {
    await compose('bm-s');
    await staff.getByLabel('件名（必須）').fill('{{氏名}}様 合同企業説明会のご案内');
    await staff.getByLabel('本文（必須）').fill('{{氏名}} 様（ログインID: {{ログインID}}）\n説明会を開きます。');
    // without the confirmation nothing is sent
    await staff.getByRole('button', { name: '送信する' }).click();
    await staff.locator('#bm-confirm-error').waitFor();
    await staff.getByLabel('3件に送信します').check();
    await staff.getByRole('button', { name: '送信する' }).click();
    await staff.waitForURL(/\/staff\/bulkmail\/\d+\?done=sent$/);
    const got = await sink.waitFor((x) => x.subject.includes('合同企業説明会のご案内'), 3);
    await new Promise((r) => setTimeout(r, 1500));
    const all = sink.mails().filter((x) => x.subject.includes('合同企業説明会のご案内'));
    assert.equal(all.length, 3, 'exactly three messages');
    const byTo = new Map(got.map((m) => [m.to, m]));
    assert.deepEqual([...byTo.keys()].sort(), ['bm-s1@example.jp', 'bm-s2@example.jp', 'bm-s3@example.jp']);
    for (const m of all) {
      assert.equal(m.headers['x-sink-rcpt-to'].split(/[,\n]/).filter(Boolean).length, 1, 'one RCPT');
      assert.equal(m.headers.to.split('\n').length, 1, 'one To header');
      assert.equal((m.headers.to.match(/@/g) || []).length, 1, 'one address in To');
      assert.equal(m.headers.cc, undefined);
      assert.equal(m.headers.bcc, undefined);
    }
    assert.match(byTo.get('bm-s2@example.jp').subject, /^榛名 花子様/);
    assert.match(byTo.get('bm-s3@example.jp').text, /妙義 三郎 様（ログインID: bm-s3）/);
    assert.ok(!all.some((m) => m.to === 'bm-s4@example.jp'), 'mail_ok = 0 left out');
    // one audit entry for the whole send, with audience and count (SEC07)
    const audit = sql(srv.data, "SELECT detail FROM audit_log WHERE action = 'bulk_mail.send'");
    assert.equal(audit.length, 1);
    assert.match(audit[0][0], /audience=seeker count=3 filter=\{.*"keyword":"bm-s"/);
    // progress: totals and the per-recipient list with masked addresses
    await staff.reload();
    for (let i = 0; i < 20 && !(await staff.locator('dd').filter({ hasText: /^3件$/ }).count() >= 2); i++) {
      await staff.getByRole('link', { name: '更新' }).click();
      await new Promise((r) => setTimeout(r, 300));
    }
    const facts = await staff.locator('dl.facts').textContent();
    assert.match(facts, /送信済み\s*3件/);
    assert.match(await staff.locator('details').textContent(), /キーワード: bm-s/);
    const table = await staff.getByRole('table').textContent();
    assert.match(table, /bm\*\*\*@example\.jp/);
    assert.doesNotMatch(table, /bm-s1@example\.jp/);
    await assertAccessible(staff, 'bulk mail progress');
    await staff.setViewportSize({ width: 320, height: 640 });
    await assertReflows(staff, 'bulk mail progress at 320px');
    await staff.setViewportSize(VIEW);
    // and the list shows it
    await staff.goto(srv.url + '/staff/bulkmail');
    assert.match(await staff.getByRole('table').textContent(), /合同企業説明会のご案内[\s\S]*求職者[\s\S]*3件/);
  });

  it('G56: the unsubscribe link → confirm → mail_ok 0, audited; the next send leaves that person out', async () => {
    const m = sink.mails().find((x) => x.to === 'bm-s1@example.jp' && x.subject.includes('合同企業説明会'));
    const link = m.text.match(/https?:\/\/\S+\/unsubscribe\?t=(\S+)/);
    assert.ok(link, 'the footer has the unsubscribe link');
    const visitor = await (await browser.newContext({ viewport: VIEW })).newPage();
    // a tampered token is refused
    const bad = await visitor.goto(srv.url + '/unsubscribe?t=' + link[1].replace(/.$/, (c) => (c === '0' ? '1' : '0')));
    assert.equal(bad.status(), 404);
    await visitor.goto(srv.url + '/unsubscribe?t=' + link[1]);
    await assertAccessible(visitor, 'unsubscribe confirmation');
    await visitor.setViewportSize({ width: 320, height: 640 });
    await assertReflows(visitor, 'unsubscribe at 320px');
    await visitor.setViewportSize(VIEW);
    assert.deepEqual(sql(srv.data, "SELECT s.mail_ok FROM seekers s JOIN accounts a ON a.id = s.account_id WHERE a.login = 'bm-s1'"), [[1]]);
    await visitor.getByRole('button', { name: '配信を停止する' }).click();
    await visitor.getByRole('status').filter({ hasText: '配信を停止しました' }).waitFor();
    await assertAccessible(visitor, 'unsubscribe done');
    assert.deepEqual(sql(srv.data, "SELECT s.mail_ok FROM seekers s JOIN accounts a ON a.id = s.account_id WHERE a.login = 'bm-s1'"), [[0]]);
    assert.equal(sql(srv.data, "SELECT count(*) FROM audit_log WHERE action = 'member.unsubscribe'")[0][0], 1);
    await compose('bm-s');
    assert.match(await staff.locator('#bm-count').textContent(), /2件/);
  });

  it('G55: compose, count, preview and send work by keyboard alone', async () => {
    await staff.goto(srv.url + '/staff/bulkmail/new');
    await tabTo(staff, '#bm-keyword');
    await staff.keyboard.type('bm-s');
    await tabTo(staff, 'button[value="count"]');
    await staff.keyboard.press('Enter');
    await staff.locator('#bm-count').waitFor();
    await tabTo(staff, '#bm-subject');
    await staff.keyboard.type('キーボードからのお知らせ');
    await tabTo(staff, '#bm-body');
    await staff.keyboard.type('{{ログインID}} さんへ');
    await tabTo(staff, 'button[value="preview"]');
    await staff.keyboard.press('Enter');
    await staff.getByRole('region', { name: /プレビュー/ }).waitFor();
    await tabTo(staff, 'input[name="confirm"]');
    await staff.keyboard.press('Space');
    await tabTo(staff, 'button[value="send"]');
    await staff.keyboard.press('Enter');
    await staff.waitForURL(/\/staff\/bulkmail\/\d+\?done=sent$/);
    const got = await sink.waitFor((x) => x.subject === 'キーボードからのお知らせ', 2);
    assert.deepEqual(got.map((x) => x.to).sort(), ['bm-s2@example.jp', 'bm-s3@example.jp']);
    assert.match(got.find((x) => x.to === 'bm-s2@example.jp').text, /^bm-s2 さんへ/);
  });

  it('G56, RFC 8058: List-Unsubscribe names the footer\'s page; the mail program\'s one-click POST stops the mail', async () => {
    const m = sink.mails().find((x) => x.to === 'bm-s2@example.jp' && x.subject === 'キーボードからのお知らせ');
    const one = (v) => [].concat(v)[0];
    const header = one(m.headers['list-unsubscribe']);
    const url = header.match(/^<(https?:\/\/[^>]+\/unsubscribe\?t=\d+\.[0-9a-f]{64})>$/);
    assert.ok(url, header);
    assert.ok(m.text.includes(url[1]), 'the same page as the footer link');
    assert.equal(one(m.headers['list-unsubscribe-post']), 'List-Unsubscribe=One-Click');
    const path = new URL(url[1]).pathname + new URL(url[1]).search;
    // without the one-click field it is an ordinary form POST: no CSRF token, refused, nothing changed
    let res = await fetch(srv.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'x=1' });
    assert.equal(res.status, 403);
    assert.deepEqual(sql(srv.data, "SELECT s.mail_ok FROM seekers s JOIN accounts a ON a.id = s.account_id WHERE a.login = 'bm-s2'"), [[1]]);
    // a tampered token with the one-click field: 404, nothing changed
    res = await fetch(srv.url + path.replace(/.$/, (c) => (c === '0' ? '1' : '0')), { method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    assert.equal(res.status, 404);
    assert.deepEqual(sql(srv.data, "SELECT s.mail_ok FROM seekers s JOIN accounts a ON a.id = s.account_id WHERE a.login = 'bm-s2'"), [[1]]);
    // the one click as a mail program sends it: no cookie, no form token
    res = await fetch(srv.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click' });
    assert.equal(res.status, 200);
    assert.deepEqual(sql(srv.data, "SELECT s.mail_ok FROM seekers s JOIN accounts a ON a.id = s.account_id WHERE a.login = 'bm-s2'"), [[0]]);
    assert.equal(sql(srv.data, "SELECT count(*) FROM audit_log WHERE action = 'member.unsubscribe'")[0][0], 2);
  });

  it('G62: company support is refused the seekers audience; view role gets 403 everywhere', async () => {
    const kigyo = await (await browser.newContext({ viewport: VIEW })).newPage();
    await login(kigyo, srv.url, 'demo-kigyo', DEMO_PASSWORD);
    await kigyo.waitForURL(/\/mypage$/);
    await kigyo.goto(srv.url + '/staff/bulkmail/new');
    assert.equal(await kigyo.getByRole('radio', { name: '求職者' }).count(), 0);
    assert.equal(await kigyo.getByRole('radio', { name: '企業' }).count(), 1);
    await assertAccessible(kigyo, 'bulk mail compose (companies)');
    // a direct POST for seekers is refused
    const token = await kigyo.locator('input[name="csrf_token"]').first().getAttribute('value');
    const res = await kigyo.request.post(srv.url + '/staff/bulkmail/new', {
      form: { csrf_token: token, audience: 'seeker', keyword: 'bm-s', op: 'count' },
    });
    assert.equal(res.status(), 403);
    const viewer = await (await browser.newContext({ viewport: VIEW })).newPage();
    await login(viewer, srv.url, 'demo-viewer', DEMO_PASSWORD);
    await viewer.waitForURL(/\/mypage$/);
    for (const path of ['/staff/bulkmail', '/staff/bulkmail/new', '/staff/bulkmail/1']) {
      const r = await viewer.goto(srv.url + path);
      assert.equal(r.status(), 403, path);
    }
    const vtoken = await viewer.locator('input[name="csrf_token"]').first().getAttribute('value');
    const vres = await viewer.request.post(srv.url + '/staff/bulkmail/new', {
      form: { csrf_token: vtoken, audience: 'company', op: 'count' },
    });
    assert.equal(vres.status(), 403);
  });

  it('G56: company support mails the companies a filter selects (one message, name filled in)', async () => {
    const kigyo = await (await browser.newContext({ viewport: VIEW })).newPage();
    await login(kigyo, srv.url, 'demo-kigyo', DEMO_PASSWORD);
    await kigyo.waitForURL(/\/mypage$/);
    await kigyo.goto(srv.url + '/staff/bulkmail/new');
    await kigyo.getByRole('radio', { name: '企業' }).check();
    await kigyo.getByLabel('掲載状態').selectOption({ label: '掲載中' });
    await kigyo.getByLabel('キーワード（ログインID・氏名・名称）').fill('demo-company');
    await kigyo.getByRole('button', { name: '対象者を確認' }).click();
    await kigyo.locator('#bm-count').waitFor();
    assert.match(await kigyo.locator('#bm-count').textContent(), /企業: 1件/);
    await kigyo.getByLabel('件名（必須）').fill('{{氏名}} 御中 求人掲載のご案内');
    await kigyo.getByLabel('本文（必須）').fill('{{氏名}} ご担当者様');
    await kigyo.getByLabel('1件に送信します').check();
    await kigyo.getByRole('button', { name: '送信する' }).click();
    await kigyo.waitForURL(/\/staff\/bulkmail\/\d+\?done=sent$/);
    assert.match(await kigyo.locator('details').textContent(), /掲載状態: 掲載中[\s\S]*キーワード: demo-company/);
    const [m] = await sink.waitFor((x) => x.subject.includes('求人掲載のご案内'), 1);
    assert.equal(m.to, 'company@demo.tsunagu.invalid');
    assert.match(m.subject, /^株式会社つなぐ商事（デモ） 御中/);
    await assertAccessible(kigyo, 'bulk mail progress (companies)');
    // the employment-support list does not show company sends
    await staff.goto(srv.url + '/staff/bulkmail');
    assert.doesNotMatch(await staff.locator('main').textContent(), /求人掲載のご案内/);
  });
});
