// audit.test.mjs - issue 6 item 7 (REQUIREMENTS SEC07, SEC12, B08): the audit viewer /staff/audit for
// administrators (filters by who, what, record and JST period; Japanese action labels), the CSV download
// (UTF-8 BOM, header row, RFC 4180 quoting, formula-looking cells prefixed with '), 403 for other staff on
// both URLs, seeker.view on a staff look at a job seeker's record, audit.view / audit.export entries, and
// retention: `tick` under the clock override prunes with keep_days 92 and `audit verify` still exits 0.
// axe on the page, 320 px reflow.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, startServer, launchBrowser, assertAccessible, assertReflows, login, DEMO_PASSWORD } from './harness.mjs';

const START = '2026-04-01T09:00:00+09:00'; // the server's clock (TSUNAGU_NOW)
const CLOCK = { TSUNAGU_NOW: START, TSUNAGU_ALLOW_CLOCK_OVERRIDE: '1' };

describe('audit viewer, CSV and retention (SEC07, SEC12, B08)', () => {
  let srv, browser;

  before(async () => {
    srv = await startServer({ env: CLOCK });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
    srv?.cleanup();
  });

  async function as(loginId) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await login(page, srv.url, loginId, DEMO_PASSWORD);
    await page.waitForURL((u) => u.pathname !== '/login');
    return page;
  }

  /** The rows of the result table as arrays of cell texts. */
  async function rows(page) {
    return page.getByRole('region', { name: '監査ログの一覧' }).locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
  }

  it('SEC07: other staff get 403 on the screen and on the CSV URL directly', async () => {
    const page = await as('demo-kigyo');
    let res = await page.goto(srv.url + '/staff/audit');
    assert.equal(res.status(), 403);
    res = await page.context().request.get(srv.url + '/staff/audit.csv', { maxRedirects: 0 });
    assert.equal(res.status(), 403);
    assert.ok(!(await res.body()).toString('utf8').includes('番号'), 'no CSV for a non-admin');
    // the menu offers the screen only to administrators
    await page.goto(srv.url + '/staff');
    assert.equal(await page.getByRole('link', { name: '監査ログ' }).count(), 0);
    await page.context().close();
  });

  it('SEC07/B08: an admin filters by actor, action and period and sees the expected rows; axe, 320 px', async () => {
    // a failed login under a formula-looking ID (valid characters, no such account)
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await login(p, srv.url, '@SUM-1', 'wrong-password-1');
    await p.getByText('ログインIDまたはパスワードが正しくありません。').waitFor();
    await ctx.close();

    const page = await as('demo-pref');
    await page.goto(srv.url + '/staff');
    await page.getByRole('link', { name: '監査ログ' }).click();
    await page.waitForURL(/\/staff\/audit$/);
    assert.ok((await rows(page)).length > 0, 'the unfiltered log has rows');
    await assertAccessible(page, 'audit log');

    await page.getByLabel('操作者（ログインIDまたは氏名）').fill('demo-kigyo');
    await page.getByLabel('操作', { exact: true }).selectOption({ label: 'ログイン成功' });
    await page.getByLabel('期間の開始日').fill('2026-04-01');
    await page.getByLabel('期間の終了日').fill('2026-04-01');
    await page.getByRole('button', { name: '検索する' }).click();
    await page.waitForURL(/who=demo-kigyo/);
    const found = await rows(page);
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.match(found[0][0], /^2026年4月1日 /);
    assert.match(found[0][1], /demo-kigyo/);
    assert.match(found[0][3], /ログイン成功/);
    await assertAccessible(page, 'audit log filtered');
    await page.setViewportSize({ width: 320, height: 700 });
    await assertReflows(page, 'audit log filtered at 320px');
    await page.setViewportSize({ width: 390, height: 844 });

    // the next day: nothing
    await page.getByLabel('期間の開始日').fill('2026-04-02');
    await page.getByLabel('期間の終了日').fill('2026-04-02');
    await page.getByRole('button', { name: '検索する' }).click();
    await page.waitForURL(/from=2026-04-02/);
    assert.equal((await rows(page)).length, 0);
    await page.getByText('条件に合う記録はありません。').waitFor();

    // a bad date is refused next to the field, with the typed values kept
    await page.goto(srv.url + '/staff/audit?who=demo-kigyo&from=2026-13-40');
    await page.getByText('開始日は 2026-04-01 の形の日付で入力してください。').waitFor();
    assert.equal(await page.getByLabel('操作者（ログインIDまたは氏名）').inputValue(), 'demo-kigyo');
    assert.equal(await page.getByLabel('期間の開始日').getAttribute('aria-invalid'), 'true');
    await assertAccessible(page, 'audit log with an error');

    // looking is itself recorded
    await page.goto(srv.url + '/staff/audit?action=audit.view&who=demo-pref');
    const views = await rows(page);
    assert.ok(views.length >= 3, `audit.view rows: ${views.length}`);
    assert.match(views[0][3], /監査ログの閲覧/);
    await page.context().close();
  });

  it('SEC07: a staff look at a job seeker\'s record is written as seeker.view', async () => {
    const page = await as('demo-pref');
    await page.goto(srv.url + '/staff/members?q=demo-seeker');
    const href = await page.getByRole('row', { name: /demo-seeker/ }).getByRole('link').getAttribute('href');
    const id = href.match(/(\d+)$/)[1];
    await page.goto(srv.url + href);
    await page.getByRole('heading', { name: '会員の詳細' }).waitFor();
    await page.goto(srv.url + `/staff/audit?action=seeker.view&target=account:${id}`);
    const found = await rows(page);
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.match(found[0][3], /求職者の個人情報の閲覧/);
    assert.equal(found[0][4], `account:${id}`);
    await page.context().close();
  });

  it('SEC12: the CSV has the BOM, the header row, quoting and formula cells prefixed with \'; the download is audited', async () => {
    const page = await as('demo-pref');
    await page.goto(srv.url + '/staff/audit?action=login');
    const href = await page.getByRole('link', { name: 'この条件でCSVをダウンロード' }).getAttribute('href');
    assert.equal(href, '/staff/audit.csv?action=login');
    const res = await page.context().request.get(srv.url + href);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-type'], /^text\/csv; charset=utf-8/);
    assert.match(res.headers()['content-disposition'], /^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    assert.match(res.headers()['cache-control'] || '', /no-store/);
    const body = await res.body();
    assert.deepEqual([...body.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
    const text = body.subarray(3).toString('utf8');
    const lines = text.split('\r\n');
    assert.equal(lines[0], '"番号","日時（日本時間）","操作者","氏名","IPアドレス","操作","操作コード","対象","詳細"');
    assert.equal(lines.at(-1), '', 'ends with CRLF');
    // the failed login under "@SUM-1" is neutralised
    const bad = lines.find((l) => l.includes('SUM-1'));
    assert.ok(bad, 'the @SUM-1 login failure is in the CSV');
    assert.match(bad, /,"'@SUM-1",/);
    assert.ok(lines.slice(1, -1).every((l) => /^"\d+","2026-04-01T|^"\d+","\d{4}-/.test(l)), 'every row is quoted');
    assert.ok(lines.slice(1, -1).every((l) => /"login\.[a-z]+"/.test(l)), 'only login.* rows');
    // the export is in the log, with its filter
    await page.goto(srv.url + '/staff/audit?action=audit.export');
    const found = await rows(page);
    assert.ok(found.length >= 1);
    assert.match(found[0][5], /action=login/);
    await page.context().close();
  });

  it('SEC12: keep_days below 92 is refused; tick 100 days later prunes and audit verify still exits 0', async () => {
    let r = cli(['tick', '--data', srv.data], { env: { TSUNAGU_AUDIT_KEEP_DAYS: '30' } });
    assert.notEqual(r.status, 0, 'keep_days 30 must be refused');
    assert.match(r.stderr, /keep_days/);
    r = cli(['audit', 'verify', '--data', srv.data]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    r = cli(['tick', '--data', srv.data], {
      env: { TSUNAGU_NOW: '2026-07-10T09:00:00+09:00', TSUNAGU_ALLOW_CLOCK_OVERRIDE: '1', TSUNAGU_AUDIT_KEEP_DAYS: '92' },
    });
    assert.equal(r.status, 0, r.stderr);
    const m = r.stdout.match(/audit entries pruned (\d+)/);
    assert.ok(m && Number(m[1]) > 0, r.stdout);
    r = cli(['audit', 'verify', '--data', srv.data]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    // the screen shows the prune as the newest entry with its count and boundary; the April entries are gone
    const page = await as('demo-pref');
    await page.goto(srv.url + '/staff/audit?action=audit.prune');
    const found = await rows(page);
    assert.equal(found.length, 1);
    assert.match(found[0][3], /保存期間を過ぎた監査ログの削除/);
    assert.match(found[0][5], /entries up to \d+ pruned/);
    await page.goto(srv.url + '/staff/audit?who=demo-kigyo&action=login.success&from=2026-04-01&to=2026-04-01');
    assert.equal((await rows(page)).length, 0);
    // and the chain still verifies after the server appended to it again
    r = cli(['audit', 'verify', '--data', srv.data]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    await page.context().close();
  });
});
