// journeys.test.mjs - issue 5 item 8 as two unbroken journeys against the real binary and a real SMTP server,
// with the clock set by TSUNAGU_NOW (2026-04-01 09:00 JST) so dates can be asserted exactly:
//  1. a job seeker registers on the site (proof of work solved by pow.js), confirms by the mailed link, gets
//     a J login ID, logs in, applies to a one-seat event session and receives the confirmation with an .ics;
//     another seeker waits; the first cancels; the second is promoted and mailed (G11, G12, G41, B06);
//  2. a company registers, submits its information, staff approve it, it is public, and 更新 extends the
//     listing period from its old end date (G21, G22, G25).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, startServer, launchBrowser, assertAccessible, login } from './harness.mjs';
import { startSink } from './mailsink.mjs';

const NOW = '2026-04-01T09:00:00+09:00';
const PW = 'Joshu-Tsunagu-2026!';
const STAFF = { kind: 'staff', login: 'journey-staff', email: 'journey-staff@example.jp', department: 'pref', password: 'Staff-Journey-2026!' };
const OTHER = { kind: 'seeker', login: 'journey-b', email: 'journey-b@example.jp', name: '伊勢崎 次郎', password: 'Seeker-Journey-2026!' };
const PHONE = { viewport: { width: 390, height: 844 }, locale: 'ja-JP' };

function sql(srv, query) {
  const r = spawnSync('sqlite3', [join(srv.data, 'tsunagu.db'), query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

describe('issue 5 journeys (item 8) with mail', () => {
  let srv, sink, browser, eventUrl;

  before(async () => {
    sink = await startSink();
    srv = await startServer({
      users: [STAFF, OTHER],
      env: {
        TSUNAGU_SMTP_URL: sink.url, TSUNAGU_MAIL_FROM: 'noreply@example.jp',
        TSUNAGU_NOW: NOW, TSUNAGU_ALLOW_CLOCK_OVERRIDE: '1',
      },
    });
    const csv = join(srv.data, 'journey-event.csv');
    writeFileSync(csv, 'title,category,event_date,schedule,place,content,how_to_apply,apply_online\n'
      + 'ジャーニー企業説明会,seminar,2026-04-20,13:00〜15:00,つなぐ会館,"## 内容\n\n説明会です。",マイページから申し込んでください。,はい\n');
    let r = cli(['import', '--data', srv.data, '--type', 'event', csv]);
    assert.equal(r.status, 0, r.stderr);
    r = cli(['search', '--data', srv.data, '--type', 'event', '--staff', 'ジャーニー企業説明会']);
    const id = r.stdout.match(/^(\d+)\t/m)[1];
    eventUrl = `${srv.url}/events/${id}`;
    r = cli(['event', 'session', 'add', '--data', srv.data, '--event', id, '--start', '2026-04-20T13:00',
      '--end', '2026-04-20T15:00', '--place', 'つなぐ会館 大会議室', '--capacity', '1', '--deadline', '2026-04-18T17:00']);
    assert.equal(r.status, 0, r.stderr);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await srv?.stop();
    srv?.cleanup();
    sink?.stop();
  });

  it('a job seeker registers, logs in, applies, gets the .ics; cancelling promotes the waiting seeker (G11, G12, B06)', async () => {
    const email = 'journey-a@example.jp';
    const page = await (await browser.newContext(PHONE)).newPage();
    await page.goto(srv.url + '/login');
    await page.getByRole('link', { name: '利用者登録（求職者の方）' }).click();
    await page.getByLabel('メールアドレス').fill(email);
    await page.getByLabel('氏名').fill('前橋 一花');
    await page.getByLabel('ふりがな').fill('まえばし いちか');
    await page.getByLabel('生年月日').fill('2004-07-08');
    await page.getByLabel('電話番号').fill('027-200-3000');
    await page.getByLabel('卒業（予定）年月').fill('2027-03');
    await page.getByLabel('あてはまる区分').selectOption({ label: '新卒' });
    await page.getByRole('button', { name: '確認メールを送信する' }).click();
    await page.getByRole('heading', { name: '確認メールを送信しました' }).waitFor();

    const confirm = await sink.waitMail(email, 'メールアドレスの確認');
    await page.goto(confirm.text.match(/https?:\/\/\S+\/register\/confirm\?token=[A-Za-z0-9_-]+/)[0]);
    const loginId = (await page.locator('.login-id-value').innerText()).trim();
    assert.match(loginId, /^J\d{8}$/);
    await page.getByLabel('パスワード', { exact: true }).fill(PW);
    await page.getByLabel('パスワード（確認）').fill(PW);
    await page.getByRole('button', { name: 'パスワードを設定して登録を完了する' }).click();
    await page.getByRole('heading', { name: '登録が完了しました' }).waitFor();
    assert.ok((await sink.waitMail(email, 'ログインIDのお知らせ')).text.includes(loginId));
    // the proof of work was solved in the browser by pow.js, so nothing is held for review
    assert.equal(sql(srv, `SELECT held FROM registrations WHERE email = '${email}'`), '0');

    await login(page, srv.url, loginId, PW);
    await page.waitForURL(srv.url + '/mypage');
    await page.goto(eventUrl);
    assert.match(await page.locator('main').innerText(), /残り1席/);
    await page.getByRole('button', { name: '申し込む' }).click();
    await page.waitForURL(/\/mypage\/events/);
    assert.match(await page.getByRole('status').textContent(), /お申し込みを受け付けました/);
    const applied = await sink.waitMail(email, 'イベントのお申し込みを受け付けました');
    const ics = applied.attachments.find((a) => a.type === 'text/calendar');
    assert.ok(ics, 'the confirmation carries a calendar file');
    assert.match(ics.content, /BEGIN:VEVENT/);
    assert.match(ics.content, /DTSTART:20260420T040000Z/);
    assert.match(ics.content, /SUMMARY:ジャーニー企業説明会/);
    // and the same file can be downloaded from My Page
    const href = await page.getByRole('link', { name: /カレンダーに登録する/ }).getAttribute('href');
    const dl = await page.request.get(srv.url + href);
    assert.equal(dl.status(), 200);
    assert.match(dl.headers()['content-type'], /^text\/calendar/);
    assert.match(await dl.text(), /DTSTART:20260420T040000Z/);
    await assertAccessible(page, 'My Page events of a registered seeker');

    // another seeker finds the session full and waits
    const other = await (await browser.newContext(PHONE)).newPage();
    await login(other, srv.url, OTHER.login, OTHER.password);
    await other.waitForURL(srv.url + '/mypage');
    await other.goto(eventUrl);
    await other.getByRole('button', { name: 'キャンセル待ちに申し込む' }).click();
    await other.waitForURL(/\/mypage\/events/);
    assert.match(await other.getByRole('status').textContent(), /キャンセル待ち/);
    await sink.waitMail(OTHER.email, 'キャンセル待ちを受け付けました');

    // the first cancels: the waiting one is promoted in the same step and told so, with the calendar file
    await page.goto(srv.url + '/mypage/events');
    await page.getByRole('button', { name: 'この申込をキャンセルする' }).click();
    await page.waitForURL(/done=cancelled/);
    await sink.waitMail(email, 'キャンセルしました');
    const promoted = await sink.waitMail(OTHER.email, '参加できるようになりました');
    assert.ok(promoted.attachments.some((a) => a.type === 'text/calendar' && /DTSTART:20260420T040000Z/.test(a.content)));
    await other.goto(srv.url + '/mypage/events');
    assert.match(await other.locator('main').innerText(), /申込済み/);
    await page.goto(eventUrl);
    assert.match(await page.locator('main').innerText(), /満席|残り0席/);
  });

  it('a company registers, submits, is approved and public; 更新 extends from the old end date (G21, G22, G25)', async () => {
    const email = 'journey-co@example.co.jp';
    const name = 'ジャーニー工業株式会社';
    const page = await (await browser.newContext(PHONE)).newPage();
    await page.goto(srv.url + '/');
    await page.getByRole('link', { name: '企業登録（無料）はこちら' }).click();
    await page.getByLabel('ご担当者のメールアドレス').fill(email);
    await page.getByLabel('企業名', { exact: false }).first().fill(name);
    await page.getByLabel('企業名（ふりがな）').fill('じゃーにーこうぎょう');
    await page.getByLabel('代表者').fill('代表取締役 妙義 三郎');
    await page.getByLabel('所在地（市町村）').selectOption({ label: '高崎市' });
    await page.getByLabel('所在地（住所）').fill('群馬県高崎市高松町1-1');
    await page.getByLabel('電話番号').fill('027-300-4000');
    await page.getByLabel('業種').selectOption({ index: 1 });
    await page.getByLabel('事業内容').fill('産業用ロボットの部品を作っています。');
    await page.getByLabel('ご担当者名').fill('総務部 赤城 花');
    await page.getByRole('button', { name: '確認メールを送信する' }).click();
    await page.getByRole('heading', { name: '確認メールを送信しました' }).waitFor();
    const confirm = await sink.waitMail(email, 'メールアドレスの確認');
    await page.goto(confirm.text.match(/https?:\/\/\S+\/register\/confirm\?token=[A-Za-z0-9_-]+/)[0]);
    const loginId = (await page.locator('.login-id-value').innerText()).trim();
    assert.match(loginId, /^C\d{8}$/);
    await page.getByLabel('パスワード', { exact: true }).fill(PW);
    await page.getByLabel('パスワード（確認）').fill(PW);
    await page.getByRole('button', { name: 'パスワードを設定して登録を完了する' }).click();
    await page.getByRole('heading', { name: '登録が完了しました' }).waitFor();

    await login(page, srv.url, loginId, PW);
    await page.waitForURL(srv.url + '/mypage');
    await page.getByRole('link', { name: '企業情報を編集する' }).click();
    assert.equal(await page.getByLabel('企業名（必須）').inputValue(), name);
    await page.getByLabel('魅力・仕事データ').fill('入社1年目から設計に関われます。');
    await page.getByRole('button', { name: '承認を申請する' }).click();
    await page.waitForURL(/\/mypage/);
    const mine = page.getByRole('region', { name: '企業情報' });
    await mine.getByText('承認待ち', { exact: true }).waitFor();
    let res = await fetch(srv.url + '/companies?q=' + encodeURIComponent('ジャーニー工業'));
    assert.ok(!(await res.text()).includes(name), 'not public before approval');

    const staff = await (await browser.newContext(PHONE)).newPage();
    await login(staff, srv.url, STAFF.login, STAFF.password);
    await staff.waitForURL(srv.url + '/mypage');
    await staff.goto(srv.url + '/staff/approvals');
    await staff.getByRole('region', { name: `${name}（新規掲載）` }).getByRole('button', { name: '承認' }).click();
    await staff.waitForURL(/done=approved/);
    await sink.waitMail(email, '企業情報が承認されました');

    res = await fetch(srv.url + '/companies?q=' + encodeURIComponent('ジャーニー工業'));
    const html = await res.text();
    assert.ok(html.includes(name), 'public after approval');
    const publicUrl = srv.url + html.match(/href="(\/companies\/\d+)"/)[1];
    await page.goto(publicUrl);
    await page.getByText('入社1年目から設計に関われます。').waitFor();
    assert.match(await page.locator('main').innerText(), /群馬県はその内容について責任を負いません/);

    // approved on 2026-04-01 for one month; 更新 adds a month to the old end, not to today
    await page.goto(srv.url + '/mypage');
    const section = page.getByRole('region', { name: '企業情報' });
    assert.match(await section.textContent(), /2026年4月1日〜2026年4月30日/);
    await section.getByRole('button', { name: '更新' }).click();
    await page.waitForURL(/done=renewed/);
    assert.match(await page.getByRole('region', { name: '企業情報' }).textContent(), /2026年4月1日〜2026年5月31日/);
    await assertAccessible(page, 'company My Page after renewal');
  });
});
