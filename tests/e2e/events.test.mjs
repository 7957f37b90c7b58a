// events.test.mjs - event sessions and applications (issue 5 items 4 and 6; G12, G41, B06), with a real SMTP
// server (tests/tools/smtp_sink.py): seeker A takes the only seat of a session by keyboard (Tab/Enter) and gets a
// confirmation mail with a text/calendar attachment; the .ics downloads for A only; a second application is
// refused politely; seeker B goes on the waiting list (1番目); A cancels, B is promoted and mailed; the seats the
// public page shows follow; applying past the deadline is refused; anonymous visitors get a login link, no button;
// zero axe violations on the event page and My Page events; reflow at 320 px.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, startServer, launchBrowser, assertAccessible, assertReflows, login } from './harness.mjs';

const A = { kind: 'seeker', login: 'ev-seeker-a', email: 'ev-a@example.jp', name: '試験 一郎', password: 'Kaede-Momiji-7391' };
const B = { kind: 'seeker', login: 'ev-seeker-b', email: 'ev-b@example.jp', name: '試験 花子', password: 'Sakura-Tsubaki-4826' };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

// "YYYY-MM-DDTHH:MM" in JST, days from now at the given hour
function jst(days, hour) {
  const d = new Date(Date.now() + days * 86400e3 + 9 * 3600e3);
  return d.toISOString().slice(0, 10) + `T${String(hour).padStart(2, '0')}:00`;
}

// ---- a small reader of the sink's .eml files (RFC 2047 subjects, base64 parts, multipart/mixed) ----
function decodeWords(s) {
  return s.replace(/\r\n[ \t]/g, ' ').replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/gi, (_, b) => Buffer.from(b, 'base64').toString('utf8')).trim();
}
function splitHead(raw) {
  const i = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, i), body = raw.slice(i + 4);
  const headers = {};
  for (const line of head.replace(/\r\n[ \t]/g, ' ').split('\r\n')) {
    const m = line.match(/^([A-Za-z-]+):\s*(.*)$/);
    if (m) headers[m[1].toLowerCase()] = headers[m[1].toLowerCase()] ?? m[2];
  }
  return { headers, body };
}
function decodeBody(headers, body) {
  return /base64/i.test(headers['content-transfer-encoding'] || '') ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body;
}
function readMail(file) {
  const { headers, body } = splitHead(readFileSync(file, 'latin1'));
  const mail = { to: headers['x-sink-rcpt-to'], subject: decodeWords(Buffer.from(headers.subject || '', 'latin1').toString()), text: '', attachments: [] };
  const b = (headers['content-type'] || '').match(/boundary="?([^";]+)"?/);
  if (!b) {
    mail.text = decodeBody(headers, body);
    return mail;
  }
  for (const part of body.split('--' + b[1]).slice(1)) {
    if (part.startsWith('--')) break;
    const p = splitHead(part.replace(/^\r\n/, ''));
    const type = (p.headers['content-type'] || '').toLowerCase();
    const content = decodeBody(p.headers, p.body.replace(/\r\n$/, ''));
    if (type.startsWith('text/plain') && !/attachment/i.test(p.headers['content-disposition'] || '')) mail.text = content;
    else mail.attachments.push({ type, content });
  }
  return mail;
}
async function waitMail(dir, pred, what) {
  for (let i = 0; i < 100; i++) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.eml')).sort()) {
      const m = readMail(join(dir, f));
      if (pred(m)) return m;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('no mail: ' + what);
}

describe('event applications with capacity, waiting list and calendar file (G12, G41, B06)', () => {
  let srv, sink, mailDir, browser, anon, pageA, pageB, eventUrl, seatSession, closedSession;

  before(async () => {
    mailDir = mkdtempSync(join(tmpdir(), 'tsunagu-ev-mail-'));
    sink = spawn('/usr/bin/python3', ['tests/tools/smtp_sink.py', '--dir', mailDir, '--timeout', '300'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const port = await new Promise((resolve, reject) => {
      sink.stdout.once('data', (d) => resolve(String(d).trim().split('\n')[0]));
      sink.once('exit', (c) => reject(new Error('smtp sink exited ' + c)));
    });
    srv = await startServer({
      users: [A, B],
      env: { TSUNAGU_SMTP_URL: `smtp://127.0.0.1:${port}`, TSUNAGU_MAIL_FROM: 'noreply@example.jp' },
    });
    // an event of our own with two sessions: one seat; and one whose deadline has passed
    const csv = join(srv.data, 'events.csv');
    writeFileSync(csv, 'title,category,event_date,schedule,place,content,how_to_apply,apply_online\n'
      + `ゼット就活セミナー,seminar,${jst(10, 13).slice(0, 10)},13:00〜15:00,ゼット会館,"## 内容\n\n試験のセミナーです。",マイページから申し込んでください。,はい\n`);
    let r = cli(['import', '--data', srv.data, '--type', 'event', csv]);
    assert.equal(r.status, 0, r.stderr);
    browser = await launchBrowser();
    anon = await (await browser.newContext(PHONE)).newPage();
    await anon.goto(srv.url + '/events?q=' + encodeURIComponent('ゼット就活セミナー'));
    const href = await anon.getByRole('link', { name: 'ゼット就活セミナー' }).first().getAttribute('href');
    const eventId = href.match(/\/events\/(\d+)/)[1];
    eventUrl = srv.url + '/events/' + eventId;
    r = cli(['event', 'session', 'add', '--data', srv.data, '--event', eventId, '--start', jst(10, 13), '--end', jst(10, 15),
      '--place', 'ゼット会館 第1会議室', '--capacity', '1', '--deadline', jst(8, 17)]);
    assert.equal(r.status, 0, r.stderr);
    seatSession = r.stdout.match(/session (\d+)/)[1];
    r = cli(['event', 'session', 'add', '--data', srv.data, '--event', eventId, '--start', jst(3, 10), '--end', jst(3, 12),
      '--online-url', 'https://meet.example.jp/zetto', '--capacity', '5', '--deadline', jst(-1, 17)]);
    assert.equal(r.status, 0, r.stderr);
    closedSession = r.stdout.match(/session (\d+)/)[1];
    // the CLI checks what it is given
    r = cli(['event', 'session', 'add', '--data', srv.data, '--event', eventId, '--start', jst(3, 10), '--end', jst(3, 9), '--place', 'x']);
    assert.notEqual(r.status, 0);
    pageA = await (await browser.newContext(PHONE)).newPage();
    pageB = await (await browser.newContext(PHONE)).newPage();
  });

  after(async () => {
    await browser?.close();
    if (srv) {
      assert.equal(await srv.stop(), 0);
      srv.cleanup();
    }
    sink?.kill('SIGTERM');
    rmSync(mailDir, { recursive: true, force: true });
  });

  function session(page, when) {
    return page.locator('li.session').filter({ has: page.getByRole('heading', { level: 3, name: new RegExp(when) }) });
  }
  const seatWhen = () => jst(10, 13).slice(5, 10).replace(/^0?(\d+)-0?(\d+)$/, '年$1月$2日 ');

  it('shows seats and a login link, not the button, to anonymous visitors (G41)', async () => {
    await anon.goto(eventUrl);
    const sessions = anon.getByRole('region', { name: '開催日程・お申し込み' });
    await sessions.waitFor();
    assert.match(await session(anon, seatWhen()).textContent(), /残り1席/);
    assert.match(await sessions.textContent(), /受付終了/, 'the session past its deadline');
    assert.match(await sessions.textContent(), /オンライン開催/);
    assert.equal(await sessions.getByText('meet.example.jp').count(), 0, 'the online URL goes to applicants only');
    assert.equal(await anon.getByRole('button', { name: /申し込む/ }).count(), 0);
    const loginLink = sessions.getByRole('link', { name: 'ログイン' });
    assert.match(await loginLink.getAttribute('href'), /^\/login\?next=%2Fevents%2F\d+$/);
    assert.equal(await sessions.getByRole('link', { name: '利用者登録' }).getAttribute('href'), '/register/seeker');
    await assertAccessible(anon, 'event page (anonymous)');
    await assertReflows(anon, 'event page at 390 px');
    await anon.setViewportSize({ width: 320, height: 640 });
    await assertReflows(anon, 'event page at 320 px');
    await anon.setViewportSize({ width: 390, height: 844 });
    // a direct POST without signing in changes nothing
    const res = await anon.request.post(eventUrl + '/apply', { form: { session: seatSession }, maxRedirects: 0 });
    assert.equal(res.status(), 403);
  });

  it('A takes the last seat by keyboard and gets a mail with a calendar file (G12, B06)', async () => {
    await login(pageA, srv.url, A.login, A.password);
    await pageA.waitForURL(/\/mypage/);
    // My Page leads a seeker to their applications (G12)
    assert.equal(await pageA.getByRole('link', { name: '申し込んだセミナー・イベントを見る・キャンセルする' }).getAttribute('href'), '/mypage/events');
    await pageA.goto(srv.url + '/mypage/events');
    assert.match(await pageA.locator('main').textContent(), /お申し込みはまだありません/);
    await pageA.goto(eventUrl);
    // a second tab of A's with the form still on it, for the duplicate below
    const stale = await pageA.context().newPage();
    await stale.goto(eventUrl);
    await assertAccessible(pageA, 'event page (seeker)');
    const button = session(pageA, seatWhen()).getByRole('button', { name: '申し込む' });
    assert.equal(await button.count(), 1);
    const closedLi = pageA.locator('li.session').filter({ hasText: '受付終了' });
    assert.equal(await closedLi.count(), 1);
    assert.equal(await closedLi.getByRole('button').count(), 0, 'no button for the session past its deadline');
    // keyboard only: Tab until the button has focus, then Enter
    await pageA.locator('h1').click();
    for (let i = 0; i < 150 && !(await button.evaluate((b) => b === document.activeElement)); i++) await pageA.keyboard.press('Tab');
    assert.ok(await button.evaluate((b) => b === document.activeElement), 'the apply button is reachable by Tab');
    await pageA.keyboard.press('Enter');
    await pageA.waitForURL(/\/mypage\/events\?done=applied/);
    assert.match(await pageA.getByRole('status').textContent(), /お申し込みを受け付けました/);
    const item = pageA.locator('li.application').filter({ hasText: 'ゼット就活セミナー' });
    assert.match(await item.textContent(), /申込済み/);
    await assertAccessible(pageA, 'My Page events');
    await assertReflows(pageA, 'My Page events at 390 px');

    const mail = await waitMail(mailDir, (m) => m.to === A.email && /お申し込みを受け付けました/.test(m.subject), 'confirmation to A');
    assert.match(mail.text, /ゼット就活セミナー/);
    assert.match(mail.text, /ゼット会館 第1会議室/);
    const cal = mail.attachments.find((a) => a.type.startsWith('text/calendar'));
    assert.ok(cal, 'a text/calendar attachment');
    assert.match(cal.content, /^BEGIN:VCALENDAR\r\n/);
    assert.match(cal.content, /\r\nMETHOD:PUBLISH\r\n/);
    assert.match(cal.content, /\r\nDTSTART:\d{8}T\d{6}Z\r\n/);
    assert.match(cal.content, /\r\nSUMMARY:ゼット就活セミナー\r\n/);

    // the .ics download works for A
    const icsHref = await item.getByRole('link', { name: /カレンダーに登録する/ }).getAttribute('href');
    const ics = await pageA.request.get(srv.url + icsHref);
    assert.equal(ics.status(), 200);
    assert.match(ics.headers()['content-type'], /^text\/calendar/);
    assert.match(ics.headers()['cache-control'] || '', /no-store/);
    const body = await ics.text();
    assert.match(body, /\r\nDTSTART:\d{8}T\d{6}Z\r\n/);
    assert.match(body, /\r\nUID:event-application-\d+\.gunma@tsunagu\r\n/);
    // ... and for nobody else: B gets 404, an anonymous visitor is sent to log in
    await login(pageB, srv.url, B.login, B.password);
    await pageB.waitForURL(/\/mypage/);
    assert.equal((await pageB.request.get(srv.url + icsHref)).status(), 404);
    assert.equal((await anon.request.get(srv.url + icsHref, { maxRedirects: 0 })).status(), 303);

    // the stale tab: a second application to the same session is refused politely
    await stale.getByRole('button', { name: '申し込む' }).first().click();
    await stale.getByRole('heading', { level: 1, name: 'すでにお申し込みいただいています' }).waitFor();
    assert.match(await stale.getByRole('alert').textContent(), /すでにお申し込みいただいています/);
    await assertAccessible(stale, 'duplicate notice');
    await stale.close();

    // the public page now says the session is full
    await anon.goto(eventUrl);
    assert.match(await session(anon, seatWhen()).textContent(), /満席・キャンセル待ち受付中/);
  });

  it('B goes on the waiting list, is promoted when A cancels, and is mailed (B06)', async () => {
    await pageB.goto(eventUrl);
    await session(pageB, seatWhen()).getByRole('button', { name: 'キャンセル待ちに申し込む' }).click();
    await pageB.waitForURL(/\/mypage\/events\?done=waiting/);
    assert.match(await pageB.getByRole('status').textContent(), /キャンセル待ち/);
    const itemB = pageB.locator('li.application').filter({ hasText: 'ゼット就活セミナー' });
    assert.match(await itemB.textContent(), /キャンセル待ち（1番目）/);
    assert.equal(await itemB.getByRole('link', { name: /カレンダーに登録する/ }).count(), 0, 'no calendar file while waiting');
    const waitMailB = await waitMail(mailDir, (m) => m.to === B.email && /キャンセル待ち/.test(m.subject), 'waiting notice to B');
    assert.match(waitMailB.text, /1番目/);
    assert.equal(waitMailB.attachments.length, 0);

    // A cancels on My Page
    await pageA.goto(srv.url + '/mypage/events');
    const itemA = pageA.locator('li.application').filter({ hasText: 'ゼット就活セミナー' });
    await itemA.getByRole('button', { name: 'この申込をキャンセルする' }).click();
    await pageA.waitForURL(/\/mypage\/events\?done=cancelled/);
    assert.match(await pageA.getByRole('status').textContent(), /キャンセルしました/);
    assert.match(await pageA.locator('li.application').filter({ hasText: 'ゼット就活セミナー' }).textContent(), /キャンセル済み/);
    await waitMail(mailDir, (m) => m.to === A.email && /キャンセルしました/.test(m.subject), 'cancellation to A');

    // B was promoted in the same transaction and mailed with the calendar file
    const promo = await waitMail(mailDir, (m) => m.to === B.email && /参加できるようになりました/.test(m.subject), 'promotion to B');
    assert.match(promo.text, /申込済み/);
    assert.ok(promo.attachments.some((a) => a.type.startsWith('text/calendar') && /DTSTART:/.test(a.content)));
    await pageB.goto(srv.url + '/mypage/events');
    assert.match(await pageB.locator('li.application').filter({ hasText: 'ゼット就活セミナー' }).textContent(), /申込済み/);
    await assertAccessible(pageB, 'My Page events (B)');

    // still full for the public (B has the seat); when B cancels too, the seat is free again
    await anon.goto(eventUrl);
    assert.match(await session(anon, seatWhen()).textContent(), /満席/);
    await pageB.locator('li.application').filter({ hasText: 'ゼット就活セミナー' }).getByRole('button', { name: 'この申込をキャンセルする' }).click();
    await pageB.waitForURL(/done=cancelled/);
    await anon.goto(eventUrl);
    assert.match(await session(anon, seatWhen()).textContent(), /残り1席/);
  });

  it('refuses an application past the deadline, and cancelling what is not yours (B06)', async () => {
    await pageA.goto(eventUrl);
    const csrf = await pageA.locator('input[name="csrf_token"]').first().getAttribute('value');
    const res = await pageA.request.post(eventUrl + '/apply', { form: { csrf_token: csrf, session: closedSession }, maxRedirects: 0 });
    assert.equal(res.status(), 409);
    assert.match(await res.text(), /受付を終了しています/);
    // a session of another event through this event's URL is not there
    const other = await pageA.request.post(srv.url + '/events/1/apply', { form: { csrf_token: csrf, session: seatSession }, maxRedirects: 0 });
    assert.equal(other.status(), 404);
    // B cannot cancel A's (cancelled) or anybody's application by number
    await pageB.goto(srv.url + '/mypage/events');
    const csrfB = await pageB.locator('input[name="csrf_token"]').first().getAttribute('value');
    for (const id of [1, 2, 3]) {
      const r = await pageB.request.post(srv.url + `/mypage/events/${id}/cancel`, { form: { csrf_token: csrfB }, maxRedirects: 0 });
      assert.equal(r.status(), 404, `application ${id}`);
    }
    // without the CSRF token nothing happens
    const noToken = await pageA.request.post(eventUrl + '/apply', { form: { session: seatSession }, maxRedirects: 0 });
    assert.equal(noToken.status(), 403);
    // every application, cancellation and promotion went into the audit chain, which is intact
    const v = cli(['audit', 'verify', '--data', srv.data]);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    const counts = spawnSync('sqlite3', [join(srv.data, 'tsunagu.db'),
      "SELECT action || '=' || COUNT(*) FROM audit_log WHERE action LIKE 'event.%' GROUP BY action ORDER BY action"], { encoding: 'utf8' });
    assert.equal(counts.stdout.trim().split('\n').join(' '), 'event.apply=2 event.cancel=2 event.promote=1');
  });
});
