// consultation.test.mjs - mail consultation both ways (issue 5 items 4 and 8; G12 メール相談フォーム, SEC04, SEC07,
// SEC08; SECURITY.md 6 CSRF, 8 mail headers, 11 access control). A seeker starts a thread, staff of the
// employment-support department answer, the seeker gets a notice by real SMTP that links to the thread but
// carries none of its text, reads the answer (未読 goes), writes back; another seeker gets 404; company-support
// staff read but cannot answer. Every new page: zero axe violations, reflow at 320 px; forms by keyboard.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startServer, launchBrowser, assertAccessible, assertReflows, login, cli, DEMO_PASSWORD, ROOT,
} from './harness.mjs';

const STAFF = {
  kind: 'staff', login: 'soudan-shushoku', email: 'soudan-shushoku@example.jp', password: 'Tone-River-Staff-2026',
  department: 'shushoku', name: '利根 花子',
};
const KIGYO = {
  kind: 'staff', login: 'soudan-kigyo', email: 'soudan-kigyo@example.jp', password: 'Myogi-Company-2026',
  department: 'kigyo', name: '妙義 次郎',
};
const OTHER = { kind: 'seeker', login: 'other-seeker', email: 'other-seeker@example.jp', password: 'Kusatsu-Onsen-2026' };
const SEEKER_EMAIL = 'seeker@demo.tsunagu.invalid'; // demo-seeker (src/app/seed.c)

const SUBJECT = '面接の練習をお願いしたいです';
const TEXT1 = '来週、前橋市の会社で面接があります。\n練習の時間をとっていただけますか。控えの番号：赤城山７７３１';
const REPLY = '承知しました。水曜日の14時はいかがでしょうか。\n持ち物：履歴書の写し（合言葉：榛名湖の朝霧）';
const TEXT2 = '水曜日の14時で大丈夫です。<b onmouseover="x()">よろしく</b>お願いします。（伊香保の石段）';
const VIEW = { width: 390, height: 844 };

/** A message as the sink kept it: envelope lines, headers (unfolded, encoded-words decoded) and body text. */
function readMail(file) {
  const raw = readFileSync(file, 'utf8');
  const split = raw.indexOf('\r\n\r\n');
  assert.ok(split > 0, 'the message has a header and a body');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = {};
  for (const line of head.split('\r\n')) {
    const m = /^([!-9;-~]+):\s?(.*)$/.exec(line);
    assert.ok(m, `header line: ${JSON.stringify(line)}`);
    const name = m[1].toLowerCase();
    headers[name] = headers[name] === undefined ? m[2] : headers[name] + '\n' + m[2];
  }
  const decodeWords = (v) => v.replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=/gi, (_, b) => Buffer.from(b, 'base64').toString('utf8'));
  let body = raw.slice(split + 4);
  if (/base64/i.test(headers['content-transfer-encoding'] || '')) {
    body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return { raw, headers, subject: decodeWords(headers.subject || ''), body };
}

async function waitForMail(dir, count, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
    if (files.length >= count) return files.map((f) => join(dir, f));
    if (Date.now() > end) throw new Error(`expected ${count} mail(s) in ${dir}, found ${files.length}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Audit entries (action, target, detail) straight from the database, with Debian's python3 sqlite3. */
function auditEntries(data, prefix) {
  const r = spawnSync('/usr/bin/python3', ['-c',
    'import sqlite3, sys, json\n'
    + 'c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)\n'
    + 'print(json.dumps(c.execute("SELECT action, target, detail, actor FROM audit_log WHERE action LIKE ? ORDER BY id",'
    + ' (sys.argv[2] + "%",)).fetchall()))',
    join(data, 'tsunagu.db'), prefix], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).map(([action, target, detail, actor]) => ({ action, target, detail, actor }));
}

/** Presses Tab until the element matching selector has the focus (keyboard-only use). */
async function tabTo(page, selector, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe('mail consultation (G12, SEC04, SEC08)', () => {
  let srv, browser, sink, mailDir, seeker, staff, threadUrl, threadPath, id;

  before(async () => {
    mailDir = mkdtempSync(join(tmpdir(), 'tsunagu-consult-mail-'));
    sink = spawn('/usr/bin/python3', ['tests/tools/smtp_sink.py', '--dir', mailDir, '--timeout', '300'],
      { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    const port = await new Promise((resolve, reject) => {
      let out = '';
      sink.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/^(\d+)\n/);
        if (m) resolve(m[1]);
      });
      sink.on('exit', (c) => reject(new Error('smtp sink exited ' + c)));
    });
    srv = await startServer({
      users: [STAFF, KIGYO, OTHER],
      env: { TSUNAGU_SMTP_URL: `smtp://127.0.0.1:${port}`, TSUNAGU_MAIL_FROM: 'noreply@example.jp' },
    });
    browser = await launchBrowser();
    // browser.newPage gives each person a context of their own (own cookies)
    seeker = await browser.newPage({ viewport: VIEW, isMobile: true, hasTouch: true });
  });

  after(async () => {
    await browser?.close();
    await srv?.stop();
    srv?.cleanup();
    sink?.stdin.end();
    sink?.kill('SIGTERM');
    if (mailDir) rmSync(mailDir, { recursive: true, force: true });
  });

  it('G12: the seeker starts a consultation from My Page (CSRF-protected form, axe, reflow)', async () => {
    await login(seeker, srv.url, 'demo-seeker', DEMO_PASSWORD);
    await seeker.waitForURL(/\/mypage$/);
    const section = seeker.getByRole('region', { name: 'メール相談' });
    await section.getByRole('link', { name: '新しく相談する' }).click();
    await seeker.waitForURL(/\/mypage\/consultations\/new$/);
    assert.equal(await seeker.getByRole('heading', { level: 1 }).textContent(), 'メール相談を始める');
    assert.equal(await seeker.locator('form[action="/mypage/consultations/new"] input[name="csrf_token"]').count(), 1);
    await assertAccessible(seeker, 'new consultation form');
    await seeker.setViewportSize({ width: 320, height: 640 });
    await assertReflows(seeker, 'new consultation form at 320px');
    await seeker.setViewportSize(VIEW);

    // an empty form: messages next to each field, nothing stored
    await seeker.getByRole('button', { name: '相談を送信する' }).click();
    await seeker.getByRole('alert').waitFor();
    assert.equal(await seeker.getByLabel('件名').getAttribute('aria-invalid'), 'true');
    assert.match(await seeker.locator('#subject-error').textContent(), /件名を入力してください/);
    assert.match(await seeker.getByLabel('件名').getAttribute('aria-describedby'), /subject-error/);
    assert.match(await seeker.locator('#body-error').textContent(), /相談内容を入力してください/);
    await assertAccessible(seeker, 'new consultation form with errors');

    await seeker.getByLabel('件名').fill(SUBJECT);
    await seeker.getByLabel('相談内容').fill(TEXT1);
    await seeker.getByRole('button', { name: '相談を送信する' }).click();
    await seeker.waitForURL(/\/mypage\/consultations\/\d+\?done=new$/);
    threadPath = new URL(seeker.url()).pathname;
    id = Number(threadPath.split('/').pop());
    threadUrl = srv.url + threadPath;
    assert.equal(await seeker.getByRole('heading', { level: 1 }).textContent(), SUBJECT);
    assert.match(await seeker.getByRole('status').textContent(), /相談を受け付けました/);
    // the text as typed, line break kept, shown as text
    const first = seeker.locator('.consult-body').first();
    assert.equal(await first.innerText(), TEXT1);
    await assertAccessible(seeker, 'consultation thread (seeker)');
    await seeker.setViewportSize({ width: 320, height: 640 });
    await assertReflows(seeker, 'consultation thread at 320px');
    await seeker.setViewportSize(VIEW);

    const res = await seeker.goto(srv.url + '/mypage/consultations');
    assert.match(res.headers()['cache-control'] || '', /no-store/, 'personal data is never cached');
    const item = seeker.locator('.consult-item', { hasText: SUBJECT });
    assert.equal(await item.count(), 1);
    assert.equal(await item.getByText('未読').count(), 0, 'nothing unread before staff answer');
    await assertAccessible(seeker, 'consultation list (seeker)');
    await seeker.setViewportSize({ width: 320, height: 640 });
    await assertReflows(seeker, 'consultation list at 320px');
    await seeker.setViewportSize(VIEW);
  });

  it('SEC04: a subject with CR/LF is refused with a message; the typed body stays; nothing stored', async () => {
    await seeker.goto(srv.url + '/mypage/consultations/new');
    const body = '改行入りの件名のテストです。\n二行目もそのまま残ります。';
    await seeker.getByLabel('相談内容').fill(body);
    // a browser's text field cannot hold a line break: send one the way a forged request would
    await seeker.evaluate(() => {
      const s = document.getElementById('subject');
      s.type = 'hidden';
      s.value = '件名\r\nBcc: victim@example.jp';
    });
    await seeker.getByRole('button', { name: '相談を送信する' }).click();
    await seeker.getByRole('alert').waitFor();
    assert.match(seeker.url(), /\/mypage\/consultations\/new$/);
    assert.match(await seeker.locator('#subject-error').textContent(), /1行で入力してください（改行は使えません）/);
    assert.equal(await seeker.getByLabel('件名').getAttribute('aria-invalid'), 'true');
    assert.equal(await seeker.getByLabel('相談内容').inputValue(), body, 'the typed body is kept');
    await assertAccessible(seeker, 'new consultation form, subject refused');
    await seeker.goto(srv.url + '/mypage/consultations');
    assert.equal(await seeker.locator('.consult-item').count(), 1, 'no thread was stored');

    // and a POST without the CSRF token changes nothing (SECURITY.md 6)
    const r = await seeker.request.post(srv.url + '/mypage/consultations/new', {
      form: { subject: '偽の相談', body: 'CSRF' }, maxRedirects: 0,
    });
    assert.equal(r.status(), 403);
    await seeker.reload();
    assert.equal(await seeker.locator('.consult-item').count(), 1);
  });

  it('staff of 就職支援部門 find it under 未返信, read it (audited) and answer by keyboard', async () => {
    staff = await browser.newPage({ viewport: VIEW, isMobile: true, hasTouch: true });
    await login(staff, srv.url, STAFF.login, STAFF.password);
    await staff.waitForURL(/\/mypage$/);
    await staff.getByRole('link', { name: 'メール相談の一覧（職員用）' }).click();
    await staff.waitForURL(/\/staff\/consultations$/);
    const filter = staff.getByRole('navigation', { name: '表示する相談' });
    assert.equal(await filter.getByRole('link', { name: '未返信' }).getAttribute('aria-current'), 'page');
    const item = staff.locator('.consult-item', { hasText: SUBJECT });
    assert.equal(await item.count(), 1);
    assert.equal(await item.locator('.badge', { hasText: '未返信' }).count(), 1);
    assert.match(await item.textContent(), /demo-seeker/);
    await assertAccessible(staff, 'staff consultation list');
    await staff.setViewportSize({ width: 320, height: 640 });
    await assertReflows(staff, 'staff consultation list at 320px');
    await staff.setViewportSize(VIEW);

    const [res] = await Promise.all([
      staff.waitForResponse((r) => new URL(r.url()).pathname === `/staff/consultations/${id}`),
      item.getByRole('link', { name: SUBJECT }).click(),
    ]);
    assert.match(res.headers()['cache-control'] || '', /no-store/);
    await staff.waitForURL(new RegExp(`/staff/consultations/${id}$`));
    assert.equal(await staff.locator('.consult-body').first().innerText(), TEXT1);
    await assertAccessible(staff, 'staff consultation thread');
    await staff.setViewportSize({ width: 320, height: 640 });
    await assertReflows(staff, 'staff consultation thread at 320px');
    await staff.setViewportSize(VIEW);
    const views = auditEntries(srv.data, 'consultation.view');
    assert.ok(views.some((e) => e.target === `consultation:${id}` && e.actor === STAFF.login), 'the view is audited (SEC07)');

    // keyboard only: Tab to the answer field, type, Tab to the button, Enter
    await tabTo(staff, 'textarea#body');
    await staff.keyboard.type(REPLY);
    await tabTo(staff, 'button[type="submit"]:not(.link-button)', 5);
    assert.equal(await staff.evaluate(() => document.activeElement.textContent.trim()), '返信する');
    await staff.keyboard.press('Enter');
    await staff.waitForURL(new RegExp(`/staff/consultations/${id}\\?done=reply`));
    assert.match(await staff.getByRole('status').textContent(), /返信を送信しました/);
    assert.equal(await staff.locator('.consult-body').nth(1).innerText(), REPLY);
    const replies = auditEntries(srv.data, 'consultation.reply');
    assert.equal(replies.length, 1);
    assert.equal(replies[0].target, `consultation:${id}`);
    for (const e of auditEntries(srv.data, 'consultation')) {
      assert.ok(!e.detail.includes('水曜日') && !e.detail.includes('面接'), 'no consultation text in the audit log');
    }
    assert.equal(cli(['audit', 'verify', '--data', srv.data]).status, 0, 'the audit chain is intact');

    // answered: no longer waiting, still under すべて
    await staff.goto(srv.url + '/staff/consultations');
    assert.equal(await staff.locator('.consult-item', { hasText: SUBJECT }).count(), 0);
    await staff.getByRole('navigation', { name: '表示する相談' }).getByRole('link', { name: 'すべて' }).click();
    await staff.waitForURL(/filter=all/);
    assert.equal(await staff.locator('.consult-item', { hasText: SUBJECT }).count(), 1);
    await assertAccessible(staff, 'staff consultation list, all');
  });

  it('SEC04/SEC08: the seeker gets a notice with the link and without any consultation text', async () => {
    const [file] = await waitForMail(mailDir, 1);
    const mail = readMail(file);
    assert.equal(mail.headers['x-sink-rcpt-to'], SEEKER_EMAIL, 'one recipient: the seeker');
    assert.match(mail.headers.to, new RegExp(SEEKER_EMAIL.replace(/\./g, '\\.')));
    assert.equal(mail.headers.cc, undefined);
    assert.equal(mail.headers.bcc, undefined);
    assert.equal(mail.subject, 'メール相談に返信がありました');
    assert.ok(mail.body.includes(threadUrl), `the body links to the thread: ${mail.body}`);
    for (const text of [SUBJECT, TEXT1, REPLY, ...TEXT1.split('\n'), ...REPLY.split('\n'), '赤城山７７３１', '榛名湖の朝霧']) {
      assert.ok(!mail.raw.includes(text), `raw mail must not contain ${text}`);
      assert.ok(!mail.body.includes(text), `decoded body must not contain ${text}`);
      assert.ok(!mail.subject.includes(text), `subject must not contain ${text}`);
    }
    // base64 of a distinctive piece of the texts is not hiding in the raw message either
    for (const text of ['赤城山７７３１', '榛名湖の朝霧']) {
      assert.ok(!mail.raw.includes(Buffer.from(text).toString('base64').slice(0, 12)));
    }
  });

  it('the seeker sees 未読, reads the answer from the mail link (未読 goes) and writes back by keyboard', async () => {
    await seeker.goto(srv.url + '/mypage');
    const section = seeker.getByRole('region', { name: 'メール相談' });
    assert.match(await section.textContent(), /未読の返信 1件/);
    await assertAccessible(seeker, 'My Page with unread consultation');
    await seeker.goto(srv.url + '/mypage/consultations');
    const item = seeker.locator('.consult-item', { hasText: SUBJECT });
    assert.equal(await item.locator('.badge', { hasText: '未読 1件' }).count(), 1);

    const mail = readMail((await waitForMail(mailDir, 1))[0]);
    const link = mail.body.match(/https?:\/\/\S+\/mypage\/consultations\/\d+/)[0];
    await seeker.goto(link);
    const answer = seeker.locator('.consult-msg-staff');
    assert.equal(await answer.locator('.consult-body').innerText(), REPLY);
    assert.match(await answer.textContent(), /担当者（就職支援部門）/);
    assert.equal(await answer.locator('.badge', { hasText: '新着' }).count(), 1, 'new at the first look');
    await assertAccessible(seeker, 'consultation thread with an answer');

    await seeker.goto(srv.url + '/mypage/consultations');
    assert.equal(await seeker.locator('.consult-item', { hasText: SUBJECT }).locator('.badge').count(), 0, '未読 is gone');
    await seeker.goto(srv.url + '/mypage');
    assert.doesNotMatch(await seeker.getByRole('region', { name: 'メール相談' }).textContent(), /未読/);

    await seeker.goto(threadUrl);
    assert.equal(await seeker.locator('.consult-msg-staff .badge').count(), 0, 'no longer new');
    await tabTo(seeker, 'textarea#body');
    await seeker.keyboard.type(TEXT2);
    await seeker.keyboard.press('Tab');
    assert.equal(await seeker.evaluate(() => document.activeElement.textContent.trim()), '返信する');
    await seeker.keyboard.press('Enter');
    await seeker.waitForURL(/\?done=reply/);
    assert.match(await seeker.getByRole('status').textContent(), /返信を送信しました/);
    assert.equal(await seeker.locator('.consult-body').nth(2).innerText(), TEXT2, 'markup shown as typed text');
    assert.equal(await seeker.locator('.consult-body b').count(), 0, 'no HTML from a message (SECURITY.md 5)');
  });

  it('staff see the seeker’s answer: the thread waits again (未返信)', async () => {
    await staff.goto(srv.url + '/staff/consultations');
    const item = staff.locator('.consult-item', { hasText: SUBJECT });
    assert.equal(await item.count(), 1);
    await item.getByRole('link', { name: SUBJECT }).click();
    assert.equal(await staff.locator('.consult-body').nth(2).innerText(), TEXT2);
    assert.equal(await staff.locator('.consult-msg').nth(2).locator('.badge', { hasText: '新着' }).count(), 1);
  });

  it('SECURITY.md 11: another seeker gets 404 for the thread, by GET and by a direct POST', async () => {
    const ctx = await browser.newContext({ viewport: VIEW });
    const other = await ctx.newPage();
    await login(other, srv.url, OTHER.login, OTHER.password);
    await other.waitForURL(/\/mypage$/);
    const res = await other.goto(threadUrl);
    assert.equal(res.status(), 404);
    assert.doesNotMatch(await other.content(), new RegExp(SUBJECT));
    await assertAccessible(other, '404 for another seeker');
    const token = await other.locator('input[name="csrf_token"]').first().inputValue();
    const post = await other.request.post(threadUrl, { form: { csrf_token: token, body: '横から書き込み' }, maxRedirects: 0 });
    assert.equal(post.status(), 404);
    await other.goto(srv.url + '/mypage/consultations');
    assert.equal(await other.locator('.consult-item').count(), 0);
    assert.match(await other.textContent('main'), /まだ相談はありません/);
    await ctx.close();
    // the owner's thread did not change
    await seeker.goto(threadUrl);
    assert.equal(await seeker.locator('.consult-msg').count(), 3);
  });

  it('company-support staff (kigyo) read the thread but cannot answer: 403 with a Japanese message on direct POST', async () => {
    const ctx = await browser.newContext({ viewport: VIEW });
    const k = await ctx.newPage();
    await login(k, srv.url, KIGYO.login, KIGYO.password);
    await k.waitForURL(/\/mypage$/);
    await k.goto(srv.url + `/staff/consultations/${id}`);
    assert.equal(await k.locator('.consult-body').first().innerText(), TEXT1);
    assert.equal(await k.getByRole('button', { name: '返信する' }).count(), 0, 'no answer form');
    assert.equal(await k.getByRole('button', { name: 'この相談を終了する' }).count(), 0);
    assert.match(await k.textContent('main'), /企業支援部門の職員は閲覧のみできます/);
    await assertAccessible(k, 'staff thread, read only');
    const token = await k.locator('input[name="csrf_token"]').first().inputValue();
    const post = await k.request.post(srv.url + `/staff/consultations/${id}`,
      { form: { csrf_token: token, body: '企業支援部門からの返信' }, maxRedirects: 0 });
    assert.equal(post.status(), 403);
    assert.match(await post.text(), /メール相談に返信できるのは、県または就職支援部門の職員です/);
    const close = await k.request.post(srv.url + `/staff/consultations/${id}/status`,
      { form: { csrf_token: token, action: 'close' }, maxRedirects: 0 });
    assert.equal(close.status(), 403);
    // a seeker's page is not for staff
    assert.equal((await k.goto(srv.url + '/mypage/consultations')).status(), 403);
    await ctx.close();
    await seeker.goto(threadUrl);
    assert.equal(await seeker.locator('.consult-msg').count(), 3, 'nothing was added');
    assert.equal(readdirSync(mailDir).filter((f) => f.endsWith('.eml')).length, 1, 'no second notice');
  });

  it('staff close the thread and reopen it; the seeker sees the state', async () => {
    await staff.goto(srv.url + `/staff/consultations/${id}`);
    await staff.getByRole('button', { name: 'この相談を終了する' }).click();
    await staff.waitForURL(/done=close/);
    assert.match(await staff.getByRole('status').textContent(), /終了にしました/);
    await seeker.goto(srv.url + '/mypage/consultations');
    assert.match(await seeker.locator('.consult-item', { hasText: SUBJECT }).textContent(), /状態：終了/);
    await staff.getByRole('button', { name: '相談を再開する' }).click();
    await staff.waitForURL(/done=reopen/);
    await seeker.reload();
    assert.match(await seeker.locator('.consult-item', { hasText: SUBJECT }).textContent(), /状態：受付中/);
    const acts = auditEntries(srv.data, 'consultation.').map((e) => e.action);
    assert.ok(acts.includes('consultation.close') && acts.includes('consultation.reopen'));
  });
});
