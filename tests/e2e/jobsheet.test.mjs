// jobsheet.test.mjs - issue 7 item 2 (G65, B01): a job offer missing a legally required item
// (受動喫煙防止措置) cannot be published — the import refuses it with the clause named and takes it as a
// draft; an age limit without a lawful reason is refused; the staff's 求人票 prints on one A4 portrait page
// with every section, flags what is missing, warns on a gender-specific title, is audited (job.print),
// and is refused to members and visitors. axe and 320 px reflow on the sheet.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, startServer, launchBrowser, assertAccessible, assertReflows, login, DEMO_PASSWORD } from './harness.mjs';
import { LAW_FIELDS } from './joblaw-fixture.mjs';

const A4_PRINTABLE_PX = Math.floor((210 - 2 * 12) / 25.4 * 96);

function jsonl(rows) {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

const BASE = {
  title: 'ゼット看護婦（病棟）', company_name: 'ゼット試験病院', description: '病棟での看護業務です。',
  occupation: ['04'], employment: 'seishain', municipality: ['10201'], ...LAW_FIELDS,
};

describe('job offers: the legally required items and the 求人票 (B01, G65)', () => {
  let srv, browser, data;

  before(async () => {
    srv = await startServer();
    data = srv.data;
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

  function idOf(title) {
    const r = cli(['search', '--data', data, '--type', 'job', '--staff', title]);
    const m = r.stdout.match(/^(\d+)\t/m);
    return m ? Number(m[1]) : null;
  }

  it('B01: a job offer without 受動喫煙防止措置 cannot be published; as a draft it is kept', () => {
    const file = join(data, 'no-smoking.jsonl');
    const { smoking, ...rest } = BASE;
    assert.ok(smoking);
    writeFileSync(file, jsonl([{ ...rest, title: 'ゼット喫煙未記入' }]));
    let r = cli(['import', '--data', data, '--type', 'job', file]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /1行目: 「受動喫煙防止措置」は、求人を公開するときに必ず明示する事項です（職業安定法施行規則第4条の2第3項第9号）。/);
    r = cli(['search', '--data', data, '--type', 'job', 'ゼット喫煙未記入']);
    assert.match(r.stdout, /^total 0$/m, 'nothing published');
    writeFileSync(file, jsonl([{ ...rest, title: 'ゼット喫煙未記入', status: 'draft' }]));
    r = cli(['import', '--data', data, '--type', 'job', file]);
    assert.equal(r.status, 0, r.stderr);
  });

  it('B01: an age limit needs one of the lawful exception reasons', () => {
    const file = join(data, 'age.jsonl');
    writeFileSync(file, jsonl([{ ...BASE, title: 'ゼット年齢制限', age_limit: '35歳以下' }]));
    let r = cli(['import', '--data', data, '--type', 'job', file]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /「年齢制限の理由」を選んでください。/);
    writeFileSync(file, jsonl([{ ...BASE, title: 'ゼット年齢制限', age_limit: '35歳以下', age_limit_reason: ['c'] }]));
    r = cli(['import', '--data', data, '--type', 'job', file]);
    assert.equal(r.status, 0, r.stderr);
  });

  it('G65: the 求人票 of a complete offer: every section, A4 portrait on one page, audited; axe, 320 px', async () => {
    const file = join(data, 'ok.jsonl');
    writeFileSync(file, jsonl([BASE]));
    assert.equal(cli(['import', '--data', data, '--type', 'job', file]).status, 0);
    const id = idOf('ゼット看護婦');
    assert.ok(id, 'the imported offer is found');
    const page = await as('demo-viewer'); // view role: may print
    const res = await page.goto(`${srv.url}/staff/jobs/${id}/sheet`);
    assert.equal(res.status(), 200);
    assert.equal(res.headers()['cache-control'], 'no-store');
    const sheet = page.getByRole('article', { name: /求人票/ });
    for (const h of ['求人事業所', '仕事内容', '求める人材', '賃金・手当', '労働時間', 'その他の労働条件等', '選考等'])
      await sheet.getByRole('heading', { name: h, level: 2 }).waitFor();
    const smokingRow = sheet.getByRole('row', { name: /受動喫煙防止措置/ });
    assert.match(await smokingRow.textContent(), /屋内禁煙/);
    assert.equal(await sheet.getByText('未記入').count(), 0);
    // the gender-specific title is pointed out, with the neutral word
    await page.getByText(/「看護婦」があります。.*「看護師」/).waitFor();
    await assertAccessible(page, 'job sheet');
    await assertReflows(page, 'job sheet');
    // print: A4 portrait, one page, nothing runs off, the menu and the notes are hidden
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: A4_PRINTABLE_PX, height: 1000 });
    const layout = await page.evaluate(() => {
      const w = document.documentElement.clientWidth;
      const over = [...document.querySelectorAll('.job-sheet *')]
        .filter((e) => e.getClientRects().length > 0 && e.getBoundingClientRect().right > w + 1).map((e) => e.tagName);
      const shown = (sel) => [...document.querySelectorAll(sel)].some((e) => e.getClientRects().length > 0);
      return { over, nav: shown('.site-nav'), tools: shown('.sheet-tools'), checks: shown('.sheet-check') };
    });
    assert.deepEqual(layout.over, []);
    assert.ok(!layout.nav && !layout.tools && !layout.checks, 'only the sheet prints');
    const pdf = await page.pdf({ format: 'A4', printBackground: false, preferCSSPageSize: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) || []).length;
    assert.equal(pages, 1, `the sheet fits one A4 page, got ${pages}`);
    const box = pdf.toString('latin1').match(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/);
    assert.ok(Math.abs(Number(box[1]) - 595.92) < 2 && Math.abs(Number(box[2]) - 842.88) < 2, 'A4 portrait');
    await page.context().close();
    // audited
    const admin = await as('demo-pref');
    await admin.goto(`${srv.url}/staff/audit?action=job.print`);
    const cells = await admin.getByRole('region', { name: '監査ログの一覧' }).locator('tbody tr').first().textContent();
    assert.match(cells, /求人票の印刷/);
    assert.match(cells, new RegExp(`entity:${id}`));
    await admin.context().close();
  });

  it('B01: the sheet of a draft flags each missing item', async () => {
    const id = idOf('ゼット喫煙未記入');
    assert.ok(id);
    const page = await as('demo-shushoku');
    await page.goto(`${srv.url}/staff/jobs/${id}/sheet`);
    await page.getByRole('alert').getByText(/「受動喫煙防止措置」は、求人を公開するときに必ず明示する事項です/).waitFor();
    const row = page.getByRole('row', { name: /受動喫煙防止措置/ });
    assert.match(await row.textContent(), /未記入/);
    await assertAccessible(page, 'job sheet with problems');
    await page.context().close();
  });

  it('members and visitors cannot open a sheet; an unknown id is 404', async () => {
    const id = idOf('ゼット看護婦');
    let res = await fetch(`${srv.url}/staff/jobs/${id}/sheet`, { redirect: 'manual' });
    assert.ok([302, 303, 403].includes(res.status), `anonymous: ${res.status}`);
    const page = await as('demo-seeker');
    res = await page.goto(`${srv.url}/staff/jobs/${id}/sheet`);
    assert.equal(res.status(), 403);
    await page.context().close();
    const staff = await as('demo-viewer');
    res = await staff.goto(`${srv.url}/staff/jobs/99999999/sheet`);
    assert.equal(res.status(), 404);
    await staff.context().close();
  });

  it('B01 on screen: the editor refuses to publish a job offer without 受動喫煙防止措置, next to the field; a draft saves', async () => {
    const id = idOf('ゼット看護婦');
    const page = await as('demo-pref');
    await page.goto(`${srv.url}/staff/content/job/${id}`);
    await page.getByRole('link', { name: '求人票を印刷' }).waitFor();
    // the gender-specific title is pointed out in the editor too
    await page.getByText(/「看護婦」があります。/).waitFor();
    const smoking = page.getByLabel('受動喫煙防止措置', { exact: true });
    assert.equal(await smoking.inputValue(), '屋内禁煙');
    await smoking.fill('');
    await page.getByRole('button', { name: /^保存/ }).click();
    await page.getByText('「受動喫煙防止措置」は、求人を公開するときに必ず明示する事項です（職業安定法施行規則第4条の2第3項第9号）。').first().waitFor();
    assert.equal(await page.getByLabel('受動喫煙防止措置', { exact: true }).getAttribute('aria-invalid'), 'true');
    // nothing changed: the public page still states it
    const pub = await (await fetch(`${srv.url}/jobs/${id}`)).text();
    assert.match(pub, /屋内禁煙/);
    // unpublished, it may be saved incomplete as a draft; publishing it again is refused
    await page.goto(`${srv.url}/staff/content/job/${id}`);
    await page.getByRole('button', { name: '非公開にする' }).click();
    await page.getByLabel('受動喫煙防止措置', { exact: true }).fill('');
    await page.getByRole('button', { name: '下書き保存' }).click();
    await page.getByRole('status').first().waitFor();
    assert.equal(await page.getByLabel('受動喫煙防止措置', { exact: true }).inputValue(), '');
    await page.getByRole('button', { name: '公開', exact: true }).click();
    await page.getByText(/「受動喫煙防止措置」は、求人を公開するときに必ず明示する事項です/).first().waitFor();
    assert.equal((await fetch(`${srv.url}/jobs/${id}`)).status, 404, 'not public');
    await page.context().close();
  });
});
