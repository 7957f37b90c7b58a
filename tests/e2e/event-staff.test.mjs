// event-staff.test.mjs - the staff screens of event sessions (開催日程) and applicants (申込者一覧) (G12, G41, G62,
// SEC06, SEC07): 就職支援部門 reaches the screen from the event's editor, adds a session by the form (first with
// 終了 before 開始: the message next to the field, every value kept, 422), a seeker applies on the public page, the
// applicant list shows the seeker's opened name, login ID and 申込済み, is no-store and leaves an
// event.applicants_view audit entry; the CSV is audited too; 企業支援部門 gets 403 on a direct POST; the view role
// sees the list but no form; axe and 320 px reflow on both pages.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, startServer, launchBrowser, assertAccessible, assertReflows, login, DEMO_PASSWORD } from './harness.mjs';

// demo-seeker's name is sealed in seekers (SEC06): the list opens it
const SEEKER = { login: 'demo-seeker', name: '上州 太郎（デモ）', password: DEMO_PASSWORD };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const TITLE = 'ワイ就職フェア';

// "YYYY-MM-DDTHH:MM" in JST, days from now at the given hour
function jst(days, hour) {
  const d = new Date(Date.now() + days * 86400e3 + 9 * 3600e3);
  return d.toISOString().slice(0, 10) + `T${String(hour).padStart(2, '0')}:00`;
}

describe('staff screens of event sessions and applicants (G12, G41, G62, SEC06, SEC07)', () => {
  let srv, browser, eventId, staffUrl, sessionUrl;

  before(async () => {
    srv = await startServer();
    // a published event of 就職支援部門
    const csv = join(srv.data, 'events.csv');
    writeFileSync(csv, 'title,category,event_date,schedule,place,content,how_to_apply,apply_online,department\n'
      + `${TITLE},seminar,${jst(12, 13).slice(0, 10)},13:00〜16:00,ワイ会館,"## 内容\n\n試験のフェアです。",マイページから申し込んでください。,はい,shushoku\n`);
    const r = cli(['import', '--data', srv.data, '--type', 'event', csv]);
    assert.equal(r.status, 0, r.stderr);
    browser = await launchBrowser();
    const anon = await (await browser.newContext(PHONE)).newPage();
    await anon.goto(srv.url + '/events?q=' + encodeURIComponent(TITLE));
    const href = await anon.getByRole('link', { name: TITLE }).first().getAttribute('href');
    eventId = href.match(/\/events\/(\d+)/)[1];
    staffUrl = srv.url + '/staff/events/' + eventId;
  });

  after(async () => {
    await browser?.close();
    if (srv) {
      assert.equal(await srv.stop(), 0);
      srv.cleanup();
    }
  });

  async function as(loginId, password = DEMO_PASSWORD) {
    const page = await (await browser.newContext(PHONE)).newPage();
    await login(page, srv.url, loginId, password);
    await page.waitForURL((u) => u.pathname !== '/login');
    return page;
  }

  it('G41/G62: the department adds a session by the form; 終了 before 開始 is refused next to the field, values kept', async () => {
    const page = await as('demo-shushoku');
    // 業務管理メニュー → the events in the editor → the event → its sessions
    await page.goto(srv.url + '/staff');
    await page.getByRole('link', { name: /イベントの開催日程と申込者/ }).click();
    await page.waitForURL(/\/staff\/content\/event$/);
    await page.getByRole('link', { name: TITLE }).first().click();
    await page.waitForURL(new RegExp(`/staff/content/event/${eventId}$`));
    await page.getByRole('link', { name: '開催日程と申込者' }).click();
    await page.waitForURL(/\/staff\/events\/\d+$/);
    assert.equal(await page.getByRole('heading', { level: 2, name: TITLE }).count(), 1);
    assert.match(await page.locator('main').textContent(), /開催日程はまだありません/);
    await assertAccessible(page, 'event sessions (empty)');

    await page.getByLabel('開始日時（必須）').fill(jst(12, 13));
    await page.getByLabel('終了日時（必須）').fill(jst(12, 11));
    await page.getByLabel('会場').fill('ワイ会館 大ホール');
    await page.getByLabel('定員（人）').fill('30');
    await page.getByLabel('申込締切（必須）').fill(jst(10, 17));
    const [res] = await Promise.all([
      page.waitForResponse((x) => x.request().method() === 'POST'),
      page.getByRole('button', { name: '開催日程を追加する' }).click(),
    ]);
    assert.equal(res.status(), 422);
    await page.waitForLoadState();
    const ends = page.getByLabel('終了日時（必須）');
    assert.equal(await ends.getAttribute('aria-invalid'), 'true');
    assert.equal(await ends.getAttribute('aria-describedby'), 's-ends_at-error');
    assert.match(await page.locator('#s-ends_at-error').textContent(), /終了日時は開始日時より後/);
    assert.equal(await page.getByLabel('開始日時（必須）').inputValue(), jst(12, 13));
    assert.equal(await page.getByLabel('会場').inputValue(), 'ワイ会館 大ホール');
    assert.equal(await page.getByLabel('定員（人）').inputValue(), '30');
    assert.equal(await page.getByLabel('申込締切（必須）').inputValue(), jst(10, 17));
    assert.match(await page.getByRole('alert').first().textContent(), /入力内容を確認してください/);
    await assertAccessible(page, 'session form with an error');

    await ends.fill(jst(12, 16));
    await page.getByRole('button', { name: '開催日程を追加する' }).click();
    await page.waitForURL(/\/staff\/events\/\d+\?added=\d+$/);
    assert.match(await page.getByRole('status').textContent(), /開催日程を追加しました/);
    const item = page.locator('li.evstaff-session');
    assert.equal(await item.count(), 1);
    const text = await item.textContent();
    assert.match(text, /ワイ会館 大ホール/);
    assert.match(text, /30人/);
    assert.match(text, /受付中/);
    assert.match(text, /残席30席/);
    sessionUrl = srv.url + await item.getByRole('link', { name: 'この回の申込者一覧' }).getAttribute('href');
    await assertAccessible(page, 'event sessions');
    await page.setViewportSize({ width: 320, height: 640 });
    await assertReflows(page, 'event sessions at 320 px');
  });

  it('G12/SEC06/SEC07: a seeker applies on the public page; staff see the name and 申込済み, audited, no-store', async () => {
    assert.ok(sessionUrl, 'the session was added');
    const seeker = await as(SEEKER.login, SEEKER.password);
    await seeker.goto(srv.url + '/events/' + eventId);
    await seeker.getByRole('button', { name: '申し込む' }).click();
    await seeker.waitForURL(/\/mypage\/events\?done=applied/);

    const page = await as('demo-shushoku');
    await page.goto(staffUrl);
    assert.match(await page.locator('li.evstaff-session').textContent(), /申込数1人/);
    const res = await page.goto(sessionUrl);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['cache-control'] || '', /no-store/);
    const row = page.getByRole('row').filter({ hasText: SEEKER.name });
    assert.equal(await row.count(), 1);
    const cells = await row.textContent();
    assert.match(cells, new RegExp(SEEKER.login));
    assert.match(cells, /申込済み/);
    await assertAccessible(page, 'applicants');
    // print: A4 portrait sheet without the navigation
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.getByRole('navigation', { name: 'パンくずリスト' }).isVisible(), false);
    assert.equal(await row.isVisible(), true);
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 320, height: 640 });
    await assertReflows(page, 'applicants at 320 px');

    // the CSV: BOM, the name, audited
    const csv = await page.request.get(sessionUrl + '/csv');
    assert.equal(csv.status(), 200);
    const body = await csv.body();
    assert.deepEqual([...body.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.ok(body.toString('utf8').includes(`"${SEEKER.name}","${SEEKER.login}","申込済み"`), body.toString('utf8'));

    const admin = await as('demo-pref');
    await admin.goto(srv.url + '/staff/audit?action=event.applicants_view');
    const audit = await admin.locator('main').textContent();
    assert.match(audit, /イベント申込者一覧の閲覧/);
    assert.match(audit, /demo-shushoku/);
    await admin.goto(srv.url + '/staff/audit?action=event.session_add');
    assert.match(await admin.locator('main').textContent(), /イベントの開催日程の追加/);
    await admin.goto(srv.url + '/staff/audit?action=event.applicants_export');
    assert.match(await admin.locator('main').textContent(), /イベント申込者一覧のCSV出力/);
  });

  it('G62: another department gets 403 on the add POST; the view role sees the list but no form', async () => {
    const kigyo = await as('demo-kigyo');
    await kigyo.goto(staffUrl);
    assert.equal(await kigyo.getByRole('button', { name: '開催日程を追加する' }).count(), 0);
    await kigyo.goto(srv.url + '/mypage/password');
    const token = await kigyo.locator('input[name="csrf_token"]').first().getAttribute('value');
    const res = await kigyo.request.post(staffUrl + '/sessions', {
      form: { csrf_token: token, starts_at: jst(20, 10), ends_at: jst(20, 12), place: '乗っ取り会場', apply_deadline: jst(19, 10) },
      maxRedirects: 0,
    });
    assert.equal(res.status(), 403);

    const viewer = await as('demo-viewer');
    await viewer.goto(staffUrl);
    assert.equal(await viewer.locator('li.evstaff-session').count(), 1, 'still one session');
    assert.doesNotMatch(await viewer.locator('main').textContent(), /乗っ取り会場/);
    assert.equal(await viewer.getByRole('button', { name: '開催日程を追加する' }).count(), 0);
    assert.match(await viewer.locator('main').textContent(), /追加する権限がありません/);
    await assertAccessible(viewer, 'event sessions (view role)');
    await viewer.goto(sessionUrl);
    assert.equal(await viewer.getByRole('row').filter({ hasText: SEEKER.name }).count(), 1);
  });
});
