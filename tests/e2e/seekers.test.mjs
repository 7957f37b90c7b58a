// seekers.test.mjs - 求職者管理 (issue 7 items 3 and 7; REQUIREMENTS G66, SEC06, SEC09, B08): an employment-
// support editor finds a seeker by a name prefix (blind index), adds a consultant record and a referral and
// changes its outcome; a company-support editor sees the same record read-only and gets 403 on a direct POST;
// the 登録票 prints on one A4 portrait page and is audited; the export is a JSON file with the records; the
// erasure wipes the person (name gone from the staff screens) and `audit verify` still passes; the raw
// database file holds no seeker name, phone or consultation text in clear. axe on every page, 320 px reflow.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cli, startServer, launchBrowser, assertAccessible, assertReflows, login, DEMO_PASSWORD } from './harness.mjs';

const DEMO_NAME = '上州 太郎（デモ）';
const DEMO_PHONE = '027-000-0000';
const NOTES = 'E2E面接練習の記録：志望動機を一緒に整理した';

describe('job-seeker records in the back office (G66, SEC06, SEC09, B08)', () => {
  let srv, browser, seekerPath;

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
    srv?.cleanup();
  });

  async function as(loginId) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
      acceptDownloads: true });
    const page = await ctx.newPage();
    await login(page, srv.url, loginId, DEMO_PASSWORD);
    await page.waitForURL((u) => u.pathname !== '/login');
    return page;
  }

  async function reflow(page, label) {
    const size = page.viewportSize();
    await page.setViewportSize({ width: 320, height: 800 });
    await assertReflows(page, label + ' at 320px');
    await page.setViewportSize(size);
  }

  function rawDb() {
    return ['tsunagu.db', 'tsunagu.db-wal'].map((f) => join(srv.data, f)).filter(existsSync)
      .map((f) => readFileSync(f)).reduce((a, b) => Buffer.concat([a, b]), Buffer.alloc(0));
  }

  it('SEC06: the raw database file has no demo seeker name, phone or consultation text in clear', () => {
    const raw = rawDb();
    assert.ok(raw.length > 100000, 'the database file was read');
    assert.ok(raw.includes(Buffer.from('株式会社')), 'the check can fail: clear text is found');
    // demo-seeker and the 50 demo seekers of `seed --demo` (issue 7 item 8)
    for (const s of [DEMO_NAME, '上州 太郎', DEMO_PHONE, 'じょうしゅう たろう', '赤城 一郎', 'あかぎ いちろう', '027-000-1000',
      '面接の受け答えを練習した', 'つなぐ町1-']) {
      assert.ok(!raw.includes(Buffer.from(s)), `${s} is in the database file in clear`);
    }
  });

  it('issue 7 item 8: seed --demo made at least 50 demo seekers with records; the list filters by kana, target and period', async () => {
    const page = await as('demo-viewer');
    await page.goto(srv.url + '/staff/seekers?kana=' + encodeURIComponent('アカギ'));
    const rows = page.getByRole('region', { name: '求職者の一覧' }).locator('tbody tr');
    assert.equal(await rows.count(), 5, 'five 赤城 among the demo seekers (kana in katakana finds hiragana)');
    await page.goto(srv.url + '/staff/seekers');
    assert.equal(await rows.count(), 51, 'the demo seekers and demo-seeker');
    await page.getByLabel('対象区分').selectOption({ label: 'UIJターン' });
    await page.getByRole('button', { name: '検索する' }).click();
    const uij = await rows.count();
    assert.ok(uij > 0 && uij < 51, `UIJ filter: ${uij}`);
    await page.getByLabel('対象区分').selectOption({ label: '指定しない' });
    await page.getByLabel('から', { exact: true }).fill('2000-01-01');
    await page.getByLabel('まで', { exact: true }).fill('2000-12-31');
    await page.getByRole('button', { name: '検索する' }).click();
    await page.getByText('該当する求職者はいません。').waitFor();
    await page.goto(srv.url + '/staff/seekers?name=' + encodeURIComponent('赤城'));
    await rows.first().getByRole('link').click();
    await page.getByRole('heading', { name: 'コンサルタント記録' }).waitFor();
    // a view-only account sees no forms (G66)
    assert.equal(await page.getByRole('button', { name: '記録を追加する' }).count(), 0);
    await assertAccessible(page, 'demo seeker detail (view role)');
    await page.context().close();
  });

  it('G67: the seeker list downloads as CSV with its filters (names opened), audited; view role has no link', async () => {
    const viewer = await as('demo-viewer');
    await viewer.goto(srv.url + '/staff/seekers?kana=' + encodeURIComponent('アカギ'));
    assert.equal(await viewer.getByRole('link', { name: /CSVでダウンロード/ }).count(), 0);
    await viewer.context().close();
    const page = await as('demo-shushoku');
    await page.goto(srv.url + '/staff/seekers?kana=' + encodeURIComponent('アカギ'));
    const href = await page.getByRole('link', { name: 'この条件の求職者の一覧をCSVでダウンロード' }).getAttribute('href');
    const res = await page.context().request.get(new URL(href, page.url()).href);
    assert.equal(res.status(), 200);
    const body = (await res.body()).toString('utf8');
    assert.ok(body.startsWith('\ufeff"ログインID","氏名","ふりがな"'), body.slice(0, 40));
    const lines = body.trim().split('\r\n').slice(1);
    assert.equal(lines.length, 5, 'the five 赤城 of the list');
    assert.ok(lines.every((l) => l.includes('"赤城')), lines.join('\n'));
    await page.context().close();
    const admin = await as('demo-pref');
    await admin.goto(srv.url + '/staff/audit?action=seeker.export_list');
    const row = await admin.getByRole('region', { name: '監査ログの一覧' }).locator('tbody tr').first().textContent();
    assert.match(row, /求職者の一覧のCSVダウンロード/);
    await admin.context().close();
  });

  it('G66: an employment-support editor finds a seeker by a name prefix, records a consultation and a referral and changes its outcome', async () => {
    const page = await as('demo-shushoku');
    await page.goto(srv.url + '/staff');
    await page.getByRole('link', { name: /求職者管理/ }).click();
    await page.waitForURL(/\/staff\/seekers$/);
    await assertAccessible(page, 'seeker list');
    await reflow(page, 'seeker list');
    // a prefix of the sealed name finds it (blind index); another prefix does not
    await page.getByLabel('氏名（前方一致）').fill('上州');
    await page.getByRole('button', { name: '検索する' }).click();
    const link = page.getByRole('region', { name: '求職者の一覧' }).getByRole('link', { name: DEMO_NAME });
    await link.waitFor();
    await assertAccessible(page, 'seeker list searched');
    await page.getByLabel('氏名（前方一致）').fill('下州');
    await page.getByRole('button', { name: '検索する' }).click();
    await page.getByText('該当する求職者はいません。').waitFor();
    await page.getByLabel('氏名（前方一致）').fill('上州太郎');
    await page.getByRole('button', { name: '検索する' }).click();
    await page.getByRole('region', { name: '求職者の一覧' }).getByRole('link', { name: DEMO_NAME }).click();
    await page.getByRole('heading', { level: 1, name: DEMO_NAME }).waitFor();
    seekerPath = new URL(page.url()).pathname;
    assert.match(seekerPath, /^\/staff\/seekers\/\d+$/);
    assert.ok(await page.getByText(DEMO_PHONE).isVisible());
    await assertAccessible(page, 'seeker detail');
    await reflow(page, 'seeker detail');

    // a record without notes is refused next to the field, the choices kept
    await page.getByRole('radio', { name: '電話' }).check();
    await page.getByLabel('相談区分').selectOption({ label: '面接対策' });
    await page.getByRole('button', { name: '記録を追加する' }).click();
    const notes = page.getByLabel('記録', { exact: true });
    assert.equal(await notes.getAttribute('aria-invalid'), 'true');
    assert.ok(await page.getByRole('radio', { name: '電話' }).isChecked());
    assert.equal(await page.getByLabel('相談区分').inputValue(), 'interview');
    await assertAccessible(page, 'record form with an error');
    await notes.fill(NOTES);
    await page.getByRole('button', { name: '記録を追加する' }).click();
    await page.getByText('コンサルタント記録を保存しました。').waitFor();
    await page.getByText(NOTES).waitFor();
    assert.match(await page.locator('.record-meta').first().textContent(), /電話　面接対策/);

    // a referral to a demo job, then its outcome 応募 → 面接
    const entity = page.getByLabel('紹介先（求人・インターンシップ）');
    const first = await entity.locator('option').nth(1).getAttribute('value');
    await entity.selectOption(first);
    await page.getByRole('button', { name: '紹介を記録する' }).click();
    await page.getByText('紹介履歴を追加しました。').waitFor();
    await page.getByText('経過：応募）').waitFor();
    await page.getByLabel(/^結果を変更/).first().selectOption({ label: '面接' });
    await page.getByRole('button', { name: /^結果を変更する/ }).first().click();
    await page.getByText('紹介の結果を変更しました。').waitFor();
    await page.getByText('経過：応募 → 面接）').waitFor();
    await assertAccessible(page, 'seeker detail with records');

    // the interaction history (対応履歴)
    await page.getByLabel('内容').fill('履歴書の下書きをメールで受け取った');
    await page.getByRole('button', { name: '対応履歴を追加する' }).click();
    await page.getByText('対応履歴を追加しました。').waitFor();

    // the internal data edit: 備考 saved sealed and shown
    await page.getByRole('link', { name: '求職者情報・内部データを編集する' }).click();
    await assertAccessible(page, 'seeker edit');
    await reflow(page, 'seeker edit');
    await page.getByLabel(/^備考/).fill('E2E備考：午前中の連絡を希望');
    await page.getByRole('button', { name: '変更を保存する' }).click();
    await page.getByText('求職者情報を保存しました。').waitFor();
    await page.getByText('E2E備考：午前中の連絡を希望').waitFor();
    assert.ok(!rawDb().includes(Buffer.from('E2E備考')), 'remarks are sealed');
    assert.ok(!rawDb().includes(Buffer.from(NOTES)), 'consultant notes are sealed');
    await page.context().close();
  });

  it('G66: a company-support editor sees the record read-only and gets 403 on a direct POST', async () => {
    const page = await as('demo-kigyo');
    await page.goto(srv.url + seekerPath);
    await page.getByRole('heading', { level: 1, name: DEMO_NAME }).waitFor();
    await page.getByText('この画面は閲覧のみです。').waitFor();
    assert.equal(await page.getByRole('button', { name: '記録を追加する' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: '求職者情報・内部データを編集する' }).count(), 0);
    await assertAccessible(page, 'seeker detail read-only');
    const csrf = await page.locator('input[name="csrf_token"]').first().inputValue();
    assert.ok(csrf.length > 10, 'a CSRF token on the page (logout form)');
    for (const path of ['/records', '/referrals', '/interactions', '/edit']) {
      const status = await page.evaluate(async ({ url, token }) => {
        const body = new URLSearchParams({ csrf_token: token, held_on: '2026-04-01', channel: 'visit', topic: 'job',
          notes: 'should not be saved', happened_on: '2026-04-01', summary: 'x', entity_id: '1', referred_on: '2026-04-01',
          outcome: 'applied' });
        const res = await fetch(url, { method: 'POST', body, redirect: 'manual' });
        return res.status;
      }, { url: srv.url + seekerPath + path, token: csrf });
      assert.equal(status, 403, `POST ${path}`);
    }
    const res = await page.goto(srv.url + seekerPath + '/edit');
    assert.equal(res.status(), 403);
    await page.context().close();
  });

  it('G66, SEC07: the 登録票 prints on one A4 portrait page and the print is audited', async () => {
    const page = await as('demo-shushoku');
    await page.goto(srv.url + seekerPath);
    await page.getByRole('link', { name: '登録票を印刷する' }).click();
    await page.getByRole('heading', { level: 1, name: '登録票' }).waitFor();
    await assertAccessible(page, 'registration card');
    await reflow(page, 'registration card');
    assert.ok(await page.getByText(DEMO_PHONE).isVisible());
    await page.emulateMedia({ media: 'print' });
    const nav = await page.evaluate(() => {
      const n = document.querySelector('.site-nav');
      return n && n.getClientRects().length > 0;
    });
    assert.ok(!nav, 'navigation hidden in print');
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) || []).length;
    assert.equal(pages, 1, 'one A4 page');
    const box = pdf.toString('latin1').match(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/);
    assert.ok(Math.abs(Number(box[1]) - 595.92) < 2 && Math.abs(Number(box[2]) - 842.88) < 2, 'A4 portrait');
    await page.context().close();

    const admin = await as('demo-pref');
    const id = seekerPath.match(/(\d+)$/)[1];
    await admin.goto(srv.url + `/staff/audit?action=seeker.print&target=account:${id}`);
    const rows = await admin.getByRole('region', { name: '監査ログの一覧' }).locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
    assert.equal(rows.length, 1, 'one seeker.print entry');
    assert.match(rows[0][3], /登録票の印刷/);
    await admin.context().close();
  });

  it('SEC09: the export downloads a JSON file with the profile, the records and the referrals, audited', async () => {
    const page = await as('demo-shushoku');
    await page.goto(srv.url + seekerPath);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '本人のデータを書き出す（JSON）' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^seeker-\d+\.json$/);
    const doc = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.equal(doc.profile.name, DEMO_NAME);
    assert.equal(doc.profile.phone, DEMO_PHONE);
    assert.equal(doc.account.login, 'demo-seeker');
    assert.ok(!JSON.stringify(doc).includes('argon2'), 'no password hash');
    assert.ok(doc.consultant_records.some((r) => r.notes === NOTES && r.channel === 'phone'));
    assert.ok(doc.referrals.some((r) => r.outcome === 'interview'));
    assert.equal(doc.referral_outcomes.length >= 2, true);
    assert.ok(doc.audit_entries.some((e) => e.action === 'seeker.export'), 'the export itself is in the audit entries');
    await page.context().close();
  });

  it('SEC09, B08: an administrator erases the seeker; the name is gone from the staff screens and audit verify passes', async () => {
    // an editor who is not an administrator has no erase
    const editor = await as('demo-shushoku');
    const res = await editor.goto(srv.url + seekerPath + '/erase');
    assert.equal(res.status(), 403);
    await editor.context().close();

    const page = await as('demo-pref');
    await page.goto(srv.url + seekerPath);
    await page.getByRole('link', { name: '個人情報を削除する' }).click();
    await assertAccessible(page, 'erase form');
    await reflow(page, 'erase form');
    await page.getByLabel('確認のため、この求職者のログインIDを入力してください').fill('demo-seekerX');
    await page.getByLabel('削除の理由').fill('本人からの削除依頼（E2E）');
    await page.getByRole('button', { name: '個人情報を削除する' }).click();
    const confirm = page.getByLabel('確認のため、この求職者のログインIDを入力してください');
    assert.equal(await confirm.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('削除の理由').inputValue(), '本人からの削除依頼（E2E）');
    await assertAccessible(page, 'erase form with an error');
    await confirm.fill('demo-seeker');
    await page.getByRole('button', { name: '個人情報を削除する' }).click();
    await page.getByText('個人情報を削除しました。').waitFor();
    assert.equal(await page.getByText(DEMO_PHONE).count(), 0);
    assert.equal(await page.getByText(NOTES).count(), 0);
    await assertAccessible(page, 'seeker detail after erasure');
    // gone from the staff list and from 会員管理
    await page.goto(srv.url + '/staff/seekers?name=' + encodeURIComponent('上州'));
    await page.getByText('該当する求職者はいません。').waitFor();
    await page.goto(srv.url + '/staff/members?q=demo-seeker');
    assert.equal(await page.getByText(DEMO_NAME).count(), 0);
    await page.context().close();
    // the seeker cannot sign in any more
    const gone = await browser.newContext();
    const p2 = await gone.newPage();
    await login(p2, srv.url, 'demo-seeker', DEMO_PASSWORD);
    assert.equal(new URL(p2.url()).pathname, '/login');
    await gone.close();
    const v = cli(['audit', 'verify', '--data', srv.data]);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    const raw = rawDb();
    assert.ok(!raw.includes(Buffer.from('seeker@demo.tsunagu.invalid')), 'the mail address is gone from the file');
  });

  it('SEC09: the command line exports a demo seeker as JSON and erases it with a reason; audit verify passes', () => {
    const id = '8'; // the second demo seeker (J90000002): accounts 1-6 are the demo staff, seeker and company
    let r = cli(['seeker', 'export', '--data', srv.data, id]);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.account.login, 'J90000002');
    assert.match(doc.profile.name, /（デモ）$/);
    r = cli(['seeker', 'erase', '--data', srv.data, id]);
    assert.equal(r.status, 2, 'a reason is required');
    r = cli(['seeker', 'erase', '--data', srv.data, id, '--reason', '契約終了（E2E）']);
    assert.equal(r.status, 0, r.stderr);
    r = cli(['seeker', 'export', '--data', srv.data, id]);
    assert.equal(r.status, 0, r.stderr);
    const after = JSON.parse(r.stdout);
    assert.equal(after.profile.name, '');
    assert.equal(after.account.status, 'deleted');
    assert.ok(after.audit_entries.some((e) => e.action === 'seeker.erase' && e.actor === 'cli'));
    r = cli(['audit', 'verify', '--data', srv.data]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('G66: employment support registers a walk-in seeker; the seeker gets the login ID by mail and chooses the password', async () => {
    const sql = (q) => spawnSync('sqlite3', [join(srv.data, 'tsunagu.db'), q], { encoding: 'utf8' }).stdout.trim();
    const EMAIL = 'madoguchi.e2e@example.jp';
    const page = await as('demo-shushoku');
    await page.goto(srv.url + '/staff/seekers');
    await page.getByRole('link', { name: '求職者を新規登録する' }).click();
    await page.getByRole('heading', { level: 1, name: '求職者の新規登録' }).waitFor();
    await assertAccessible(page, 'seeker registration by staff');
    await reflow(page, 'seeker registration by staff');
    // a required field left empty: a Japanese message at the field, the rest kept, nothing written
    await page.getByLabel('メールアドレス').fill(EMAIL);
    await page.getByLabel('ふりがな').fill('まどぐち とうろくこ');
    await page.getByLabel('生年月日').fill('2001-02-03');
    await page.getByLabel('あてはまる区分').selectOption({ index: 1 });
    await page.getByLabel('内部メモ').fill('窓口で受付（E2E）');
    await page.getByRole('button', { name: '登録してメールを送る' }).click();
    await page.getByRole('alert').first().waitFor();
    assert.equal(await page.getByLabel('氏名').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('メールアドレス').inputValue(), EMAIL);
    assert.equal(await page.getByLabel('内部メモ').inputValue(), '窓口で受付（E2E）');
    assert.equal(sql(`SELECT count(*) FROM accounts WHERE email = '${EMAIL}'`), '0');
    await assertAccessible(page, 'seeker registration with an error');
    await page.getByLabel('氏名').fill('窓口 登録子');
    await page.getByRole('button', { name: '登録してメールを送る' }).click();
    await page.waitForURL(/\/staff\/seekers\/\d+\?done=created$/);
    await page.getByText('求職者を登録しました。').waitFor();
    assert.ok((await page.locator('main').innerText()).includes('窓口 登録子'));
    assert.equal(sql("SELECT count(*) FROM audit_log WHERE action = 'seeker.create'"), '1');
    // the mail: the login ID and a single-use link; no password anywhere, the name sealed in the database
    const body = sql(`SELECT body FROM outbox WHERE to_addr = '${EMAIL}'`);
    const loginId = body.match(/ログインID：(J\d{8})/);
    const link = body.match(/https?:\/\/\S+\/password\/reset\?token=[A-Za-z0-9_-]{43}/);
    assert.ok(loginId && link, body);
    assert.ok(!rawDb().includes(Buffer.from('窓口 登録子')), 'the name is sealed');
    // the same address again: refused at the e-mail field
    await page.goto(srv.url + '/staff/seekers/new');
    await page.getByLabel('メールアドレス').fill(EMAIL);
    await page.getByLabel('氏名').fill('窓口 二重');
    await page.getByLabel('ふりがな').fill('まどぐち にじゅう');
    await page.getByLabel('生年月日').fill('2001-02-03');
    await page.getByLabel('あてはまる区分').selectOption({ index: 1 });
    await page.getByRole('button', { name: '登録してメールを送る' }).click();
    await page.getByText('このメールアドレスの求職者はすでに登録されています。').waitFor();
    assert.equal(sql(`SELECT count(*) FROM accounts WHERE email = '${EMAIL}'`), '1');
    await page.context().close();
    // the seeker sets a password through the link, signs in with the mailed ID and is addressed by name
    const seeker = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await seeker.goto(srv.url + '/password/reset?' + link[0].split('?')[1]);
    await seeker.getByLabel('新しいパスワード', { exact: true }).fill('Madoguchi-Kaede-4821');
    await seeker.getByLabel('新しいパスワード（確認）').fill('Madoguchi-Kaede-4821');
    await seeker.getByRole('button', { name: 'パスワードを再設定する' }).click();
    await seeker.getByRole('heading', { name: 'パスワードを再設定しました' }).waitFor();
    await login(seeker, srv.url, loginId[1], 'Madoguchi-Kaede-4821');
    await seeker.waitForURL(srv.url + '/mypage');
    assert.equal((await seeker.locator('div').filter({ hasText: /^お名前・名称/ }).locator('dd').textContent()).trim(), '窓口 登録子');
    await seeker.context().close();
    // company support views seekers but registers none (G66): no link, 403 on the form and on a direct POST
    const kigyo = await as('demo-kigyo');
    await kigyo.goto(srv.url + '/staff/seekers');
    assert.equal(await kigyo.getByRole('link', { name: '求職者を新規登録する' }).count(), 0);
    assert.equal((await kigyo.goto(srv.url + '/staff/seekers/new')).status(), 403);
    const res = await kigyo.context().request.post(srv.url + '/staff/seekers/new', { form: { email: 'x.e2e@example.jp' } });
    assert.equal(res.status(), 403);
    await kigyo.context().close();
  });
});
