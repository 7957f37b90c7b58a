// csvio.test.mjs - issue 7 item 4 (G67, SEC07, G62): CSV import on screen. A check (dry run) reports
// line-numbered errors in Japanese and writes nothing; an import of a file with a bad row writes nothing; with
// "skip bad rows" the good ones are written and audited (content.import); rows outside the prefecture belong to
// the importer's own department and may not name another; view-role staff get 403; the header template
// downloads with a BOM; keyboard only; axe and 320 px reflow.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cli, startServer, launchBrowser, assertAccessible, assertReflows, login, DEMO_PASSWORD } from './harness.mjs';
import { lawColumns } from './joblaw-fixture.mjs';

const law = lawColumns();
function csv(rows, head = 'title,company_name,description,occupation,employment,municipality' + law.header) {
  return Buffer.from('\ufeff' + head + '\n' + rows.map((r) => r + law.cells).join('\n') + '\n', 'utf8');
}

describe('CSV import on screen (G67)', () => {
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

  async function as(loginId) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await login(page, srv.url, loginId, DEMO_PASSWORD);
    await page.waitForURL((u) => u.pathname !== '/login');
    return page;
  }
  const total = (q) => Number(cli(['search', '--data', srv.data, '--type', 'job', '--staff', q]).stdout.match(/^total (\d+)$/m)[1]);

  async function submit(page, file, { mode = '確認する（登録しない）', skip = false } = {}) {
    await page.goto(srv.url + '/staff/import');
    await page.getByLabel('取り込む情報の種類').selectOption({ label: '求人情報' });
    await page.getByLabel('ファイル（CSV・JSON Lines、10MBまで）').setInputFiles({ name: 'jobs.csv', mimeType: 'text/csv', buffer: file });
    if (skip) await page.getByLabel('誤りのある行を飛ばして、正しい行だけ登録する').check();
    await page.getByRole('button', { name: mode }).click();
    return page.getByRole('status').filter({ hasText: /の結果/ });
  }

  it('a check reports each bad row by line in Japanese and writes nothing; axe, 320 px', async () => {
    const page = await as('demo-shushoku');
    const file = csv([
      'エックス営業,エックス商事,提案営業,07,seishain,10201',
      'エックス事務,エックス商事,受発注事務,06,seishain,大阪市',
      ',エックス商事,タイトルなし,06,seishain,10201',
    ]);
    const result = await submit(page, file);
    await result.getByText('確認の結果（まだ登録していません）').waitFor();
    await result.getByText('3行目: 「就業場所（市町村）」に「大阪市」という選択肢はありません。').waitFor();
    await result.getByText('4行目: 「求人タイトル」を入力してください。').waitFor();
    await result.getByText(/2行に誤りがあります。正しい行は1件です。/).waitFor();
    assert.equal(total('エックス'), 0, 'a check writes nothing');
    await assertAccessible(page, 'import result');
    await assertReflows(page, 'import result');
    // importing the same file without skipping writes nothing at all
    const r2 = await submit(page, file, { mode: '取り込む' });
    await r2.getByText(/登録していません。2行に誤りがあるため、ファイル全体を登録しませんでした/).waitFor();
    assert.equal(total('エックス'), 0);
    // with "skip bad rows" the good one is written and audited
    const r3 = await submit(page, file, { mode: '取り込む', skip: true });
    await r3.getByText(/1件を登録しました。誤りのある2行は登録していません。/).waitFor();
    assert.equal(total('エックス営業'), 1);
    await page.context().close();
    const admin = await as('demo-pref');
    await admin.goto(srv.url + '/staff/audit?action=content.import');
    const row = await admin.getByRole('region', { name: '監査ログの一覧' }).locator('tbody tr').first().textContent();
    assert.match(row, /CSV一括取り込み/);
    assert.match(row, /type:job/);
    assert.match(row, /written=1 bad=2/);
    await admin.context().close();
  });

  it('G62: outside the prefecture rows belong to one\'s own department and may not name another', async () => {
    const page = await as('demo-shushoku');
    const file = csv(['ワイ営業,ワイ商事,提案営業,07,seishain,10201,kigyo'],
      'title,company_name,description,occupation,employment,municipality,department' + law.header);
    const result = await submit(page, file);
    await result.getByText('2行目: 「担当部署」には自分の部署しか指定できません。').waitFor();
    const ok = await submit(page, csv(['ワイ事務,ワイ商事,受発注事務,06,seishain,10201']), { mode: '取り込む' });
    await ok.getByText('1件を登録しました。').waitFor();
    // the new record belongs to the importer's department (就職支援部門), read straight from the database
    const q = spawnSync('/usr/bin/python3', ['-c',
      'import sqlite3, sys\n'
      + 'c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)\n'
      + 'print(c.execute("SELECT d.code FROM entities e JOIN departments d ON d.id = e.department_id WHERE e.title = ?",'
      + ' (sys.argv[2],)).fetchone()[0])', join(srv.data, 'tsunagu.db'), 'ワイ事務'], { encoding: 'utf8' });
    assert.equal(q.status, 0, q.stderr);
    assert.equal(q.stdout.trim(), 'shushoku');
    await page.context().close();
  });

  it('view-role staff get 403 on the import POST; the template downloads with a BOM; keyboard only', async () => {
    const viewer = await as('demo-viewer');
    await viewer.goto(srv.url + '/staff/import');
    const token = await viewer.locator('form[action="/staff/import"] input[name=csrf_token]').inputValue();
    const res = await viewer.context().request.post(srv.url + '/staff/import', {
      multipart: { csrf_token: token, type: 'job', mode: 'import',
        file: { name: 'x.csv', mimeType: 'text/csv', buffer: csv(['ブイ営業,ブイ商事,提案営業,07,seishain,10201']) } },
    });
    assert.equal(res.status(), 403);
    assert.equal(total('ブイ営業'), 0);
    const tpl = await viewer.context().request.get(srv.url + '/staff/import/template/job.csv');
    assert.equal(tpl.status(), 200);
    const body = (await tpl.body()).toString('utf8');
    assert.ok(body.startsWith('\ufeff"求人タイトル","企業名"'), body.slice(0, 40));
    assert.match(body, /"受動喫煙防止措置"/);
    assert.equal((await viewer.context().request.get(srv.url + '/staff/import/template/..%2Fetc.csv')).status(), 404);
    await viewer.context().close();
    // keyboard only: choose the type, tab through to the check button
    const page = await as('demo-shushoku');
    await page.goto(srv.url + '/staff/import');
    await page.getByLabel('取り込む情報の種類').focus();
    await page.keyboard.press('ArrowDown'); // 企業情報
    await page.keyboard.press('ArrowDown'); // 求人情報
    assert.equal(await page.getByLabel('取り込む情報の種類').inputValue(), 'job');
    await page.getByLabel('ファイル（CSV・JSON Lines、10MBまで）').setInputFiles({ name: 'k.csv', mimeType: 'text/csv', buffer: csv(['ケー営業,ケー商事,提案営業,07,seishain,10201']) });
    await page.getByRole('button', { name: '確認する（登録しない）' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText(/誤りはありません。1件を登録できます。/).waitFor();
    await page.context().close();
  });

  it('G67/item 9: the job list as CSV: BOM, labels, formula cells neutralised, filters, audited, streamed; the file imports back', async () => {
    const page = await as('demo-shushoku');
    const file = csv(['"=HYPERLINK(""http://example.com"",""クリック"")",ゼット商事,提案営業,07,seishain,10201']);
    await submit(page, file, { mode: '取り込む' });
    const req = page.context().request;
    let res = await req.get(srv.url + '/staff/export/job.csv?q=' + encodeURIComponent('HYPERLINK'));
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-type'], /^text\/csv; charset=utf-8/);
    assert.match(res.headers()['content-disposition'], /attachment; filename="job-\d{4}-\d{2}-\d{2}\.csv"/);
    assert.equal(res.headers()['cache-control'], 'no-store');
    let body = (await res.body()).toString('utf8');
    assert.ok(body.startsWith('\ufeff"番号","求人タイトル","企業名"'), body.slice(0, 60));
    const lines = body.trim().split('\r\n');
    assert.equal(lines.length, 2, 'the header and the one match');
    assert.ok(lines[1].includes('"\'=HYPERLINK(""http://example.com"",""クリック"")"'), lines[1]);
    assert.ok(lines[1].includes('"販売・営業の職業"') || lines[1].includes('"07"') || /"[^"]*営業[^"]*"/.test(lines[1]));
    // everything: as many rows as the staff search has, and the whole file passes the import check
    res = await req.get(srv.url + '/staff/export/job.csv');
    body = (await res.body()).toString('utf8');
    const rows = body.trim().split('\r\n').length - 1;
    const total = Number(cli(['search', '--data', srv.data, '--type', 'job', '--staff']).stdout.match(/^total (\d+)$/m)[1]);
    assert.equal(rows, total);
    // (the prefecture: an employment-support importer may not name the company-support department)
    const pref = await as('demo-pref');
    const check = await submit(pref, Buffer.from(body, 'utf8'));
    await check.getByText(/確認の結果/).waitFor();
    assert.match(await check.textContent(), new RegExp(`誤りはありません。${total}件を登録できます。`));
    // the export's 番号 column: read back, every row is an update of its own record, not a duplicate
    assert.match(await check.textContent(), new RegExp(`うち${total}件は「番号」が一致する記録の更新です`));
    await pref.context().close();
    // a status filter
    res = await req.get(srv.url + '/staff/export/job.csv?status=draft');
    body = (await res.body()).toString('utf8');
    const drafts = body.trim().split('\r\n').slice(1);
    assert.ok(drafts.length >= 1 && drafts.every((l) => l.includes(',"draft",')), 'only drafts');
    await page.context().close();
    // audited with the filter
    const admin = await as('demo-pref');
    await admin.goto(srv.url + '/staff/audit?action=content.export');
    const first = await admin.getByRole('region', { name: '監査ログの一覧' }).locator('tbody tr').last().textContent();
    assert.match(first, /一覧のCSVダウンロード/);
    assert.match(first, /rows=1 filter=q=HYPERLINK/);
    await admin.context().close();
    // view-role staff may not export; unknown types are 404
    const viewer = await as('demo-viewer');
    assert.equal((await viewer.context().request.get(srv.url + '/staff/export/job.csv')).status(), 403);
    assert.equal((await viewer.context().request.get(srv.url + '/staff/export/news.csv')).status(), 404);
    await viewer.context().close();
  });

  it('G67: 求人管理 offers the filtered list as CSV — the same rows as on screen, streamed, audited', async () => {
    const page = await as('demo-pref');
    await page.goto(srv.url + '/staff/jobs?industry=E&status=published');
    const total = Number((await page.locator('.records-total').textContent()).replace(/\D/g, ''));
    assert.ok(total > 0);
    const link = page.getByRole('link', { name: `この条件の${total}件をCSVでダウンロード` });
    const href = await link.getAttribute('href');
    assert.match(href, /format=csv/);
    const res = await page.context().request.get(srv.url + href);
    assert.equal(res.status(), 200);
    const body = (await res.body()).toString('utf8');
    assert.ok(body.startsWith('\ufeff"番号"'));
    const lines = body.trim().split('\r\n').slice(1);
    // rows may hold line breaks inside quotes: count records by their leading number cell
    const records = body.split('\r\n').filter((l) => /^"\d+",/.test(l));
    assert.equal(records.length, total, `${lines.length} lines`);
    assert.ok(records.every((l) => l.includes(',"published",')));
    await page.context().close();
    // view-role staff see the list without the link and get 403 on the URL
    const viewer = await as('demo-viewer');
    await viewer.goto(srv.url + '/staff/jobs?industry=E');
    assert.equal(await viewer.getByRole('link', { name: /CSVでダウンロード/ }).count(), 0);
    assert.equal((await viewer.context().request.get(srv.url + href)).status(), 403);
    await viewer.context().close();
  });
});
