// records.test.mjs - issue 7 items 1 and 2 (G60-G65): the back office's 企業管理, 求人管理 and
// インターンシップ管理. The demo company's phone number is found in three notations; industry + status
// filter; a company-support editor adds a recruiting contact and an interaction (keyboard only); an
// employment-support editor sees the record read-only and a direct POST is refused with 403 and changes
// nothing; a job's 対応状況 goes 受付 → 公開中 → 充足 with its history; links to 求人票 and 編集; axe and
// 320 px reflow on the list and record pages.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, launchBrowser, assertAccessible, assertReflows, login, DEMO_PASSWORD } from './harness.mjs';

function sql(data, query) {
  const r = spawnSync('sqlite3', [join(data, 'tsunagu.db'), query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// On a phone-like context the layout viewport grows with the content, so besides the harness's check the
// page must fit the 320 px it was given.
async function assertFits320(page, label) {
  await page.setViewportSize({ width: 320, height: 700 });
  await assertReflows(page, label);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 320, `${label}: ${width}px wide`);
}

describe('company and offer records (G60-G65)', () => {
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

  async function as(loginId, width = 390) {
    const ctx = await browser.newContext({ viewport: { width, height: 844 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await login(page, srv.url, loginId, DEMO_PASSWORD);
    await page.waitForURL((u) => u.pathname !== '/login');
    return page;
  }

  // the demo data's first company: phone 027-011-1234 (src/app/demo.c phone())
  function demoCompany() {
    const row = sql(srv.data, "SELECT id, title FROM entities WHERE type = 'company' AND " +
      "json_extract(fields, '$.phone') = '027-011-1234'");
    const [id, title] = row.split('|');
    assert.ok(Number(id) > 0, 'the demo company exists');
    return { id: Number(id), title };
  }

  it('G60: the phone search finds the demo company as 027-011-1234, 0270111234 and ０２７－０１１－１２３４', async () => {
    const { id, title } = demoCompany();
    const page = await as('demo-kigyo');
    for (const phone of ['027-011-1234', '0270111234', '０２７－０１１－１２３４']) {
      await page.goto(srv.url + '/staff/companies');
      await page.getByLabel('電話番号').fill(phone);
      await page.getByRole('button', { name: '検索する' }).click();
      await page.waitForURL(/phone=/);
      assert.equal(await page.locator('.records-total').textContent(), '1件', phone);
      const link = page.getByRole('table').getByRole('link', { name: title });
      assert.equal(await link.getAttribute('href'), `/staff/companies/${id}`, phone);
    }
    // bookmarkable: the same search by its URL
    await page.goto(srv.url + '/staff/companies?phone=' + encodeURIComponent('０２７０１１１２３４'));
    assert.equal(await page.getByRole('table').getByRole('link', { name: title }).count(), 1);
    await page.context().close();
  });

  it('G60: industry + status filter; count; axe and 320 px on the list', async () => {
    const want = Number(sql(srv.data, "SELECT COUNT(*) FROM entities e WHERE type = 'company' AND status = 'published' " +
      "AND id IN (SELECT et.entity_id FROM entity_terms et JOIN terms t ON t.id = et.term_id WHERE t.vocab = 'industry' AND t.code = 'E')"));
    const all = Number(sql(srv.data, "SELECT COUNT(*) FROM entities WHERE type = 'company'"));
    assert.ok(want > 0 && want < all, `some but not all companies are published manufacturers (${want}/${all})`);
    const page = await as('demo-viewer');
    await page.goto(srv.url + '/staff');
    await page.getByRole('link', { name: '企業管理' }).click();
    await page.waitForURL(/\/staff\/companies$/);
    assert.equal(await page.locator('.records-total').textContent(), `${all}件`);
    await page.getByLabel('業種').selectOption('E');
    await page.getByLabel('状態').selectOption('published');
    await page.getByRole('button', { name: '検索する' }).click();
    await page.waitForURL(/industry=E/);
    assert.equal(await page.locator('.records-total').textContent(), `${want}件`);
    const rows = await page.getByRole('table').locator('tbody tr').count();
    assert.equal(rows, Math.min(want, 20));
    assert.equal(await page.getByRole('table').getByText('下書き').count(), 0);
    await assertAccessible(page, 'company list');
    await assertFits320(page, 'company list at 320 px');
    await page.context().close();
  });

  it('G61, G63: a company-support editor adds a contact and, by keyboard only, an interaction; audited', async () => {
    const { id } = demoCompany();
    const page = await as('demo-kigyo');
    await page.goto(`${srv.url}/staff/companies/${id}`);
    assert.equal(await page.getByRole('link', { name: '編集', exact: true }).getAttribute('href'), `/staff/content/company/${id}`);
    await assertAccessible(page, 'company record');

    await page.getByLabel('氏名（必須）').fill('採用 花子');
    await page.getByLabel('部署・役職').fill('人事課');
    await page.getByLabel('電話番号', { exact: true }).fill('027-555-0101');
    await page.getByLabel('メールアドレス').fill('bad-address');
    await page.getByRole('button', { name: '採用担当者を追加する' }).click();
    const email = page.getByLabel('メールアドレス');
    assert.equal(await email.getAttribute('aria-invalid'), 'true');
    assert.equal(await email.inputValue(), 'bad-address', 'what was typed is kept');
    assert.equal(await page.getByLabel('氏名（必須）').inputValue(), '採用 花子');
    await email.fill('hanako@example.jp');
    await page.getByRole('button', { name: '採用担当者を追加する' }).click();
    await page.getByRole('status').getByText('保存しました。').waitFor();
    const contacts = page.getByRole('table', { name: /採用担当者/ });
    await contacts.getByRole('rowheader', { name: '採用 花子' }).waitFor();

    // keyboard only: Tab to the summary field of the interaction form, type, submit with Enter on the button
    await page.getByLabel('対応内容（必須）').focus();
    await page.keyboard.type('電話で求人の相談を受けた');
    await page.keyboard.press('Tab');
    await page.keyboard.type('求人票の下書きを送る');
    // on past the due date (a date input takes several Tabs) to the button
    let focused = '';
    for (let i = 0; i < 8 && focused !== '対応を記録する'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.textContent);
    }
    assert.equal(focused, '対応を記録する');
    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText('保存しました。').waitFor();
    const hist = page.getByRole('table', { name: /対応履歴/ });
    await hist.getByText('電話で求人の相談を受けた').waitFor();
    await hist.getByText('企業支援部門', { exact: false }).waitFor();
    assert.equal(sql(srv.data, `SELECT COUNT(*) FROM company_contacts WHERE entity_id = ${id}`), '1');
    assert.equal(sql(srv.data, "SELECT COUNT(*) FROM audit_log WHERE action IN ('company.contact_add', 'company.interaction_add')"), '2');
    await assertFits320(page, 'company record at 320 px');
    await page.context().close();
  });

  it('G62: an employment-support editor sees the company read-only; a direct POST is 403 and changes nothing', async () => {
    const { id } = demoCompany();
    const before = sql(srv.data, `SELECT COUNT(*) FROM company_contacts WHERE entity_id = ${id}`);
    const page = await as('demo-shushoku');
    await page.goto(`${srv.url}/staff/companies/${id}`);
    await page.getByText('閲覧のみです', { exact: false }).waitFor();
    assert.equal(await page.getByRole('button', { name: '採用担当者を追加する' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: '対応を記録する' }).count(), 0);
    const token = await page.locator('input[name=csrf_token]').first().inputValue();
    const res = await page.request.post(`${srv.url}/staff/companies/${id}/contacts`, {
      form: { csrf_token: token, name: '不正 登録' }, maxRedirects: 0,
    });
    assert.equal(res.status(), 403);
    assert.match(await res.text(), /権限がありません/);
    const res2 = await page.request.post(`${srv.url}/staff/companies/${id}/interactions`, {
      form: { csrf_token: token, at_date: '2026-04-01', at_time: '10:00', channel: 'phone', summary: '不正' }, maxRedirects: 0,
    });
    assert.equal(res2.status(), 403);
    assert.equal(sql(srv.data, `SELECT COUNT(*) FROM company_contacts WHERE entity_id = ${id}`), before);
    assert.equal(sql(srv.data, "SELECT COUNT(*) FROM company_interactions WHERE summary = '不正'"), '0');
    await page.context().close();
  });

  it('G64, G65: a job offer: 受付 → 公開中 → 充足 with history; 求人票 and 編集 links; company link; axe', async () => {
    const row = sql(srv.data, "SELECT o.id, o.title FROM entities o JOIN departments d ON d.id = o.department_id " +
      "WHERE o.type = 'job' AND d.code = 'kigyo' AND EXISTS (SELECT 1 FROM entities c WHERE c.type = 'company' " +
      "AND c.title = json_extract(o.fields, '$.company_name')) ORDER BY o.id LIMIT 1");
    const [jid, jtitle] = row.split('|');
    assert.ok(Number(jid) > 0);
    const page = await as('demo-kigyo');
    await page.goto(srv.url + '/staff');
    await page.getByRole('link', { name: '求人管理' }).click();
    await page.waitForURL(/\/staff\/jobs$/);
    await page.getByLabel('タイトル').fill(jtitle);
    await page.getByRole('button', { name: '検索する' }).click();
    // demo offers may share a title: the row of this one
    await page.getByRole('table').locator(`a[href="/staff/jobs/${jid}"]`).click();
    await page.waitForURL(new RegExp(`/staff/jobs/${jid}$`));
    assert.equal(await page.getByRole('link', { name: '求人票を印刷' }).getAttribute('href'), `/staff/jobs/${jid}/sheet`);
    assert.equal(await page.getByRole('link', { name: '編集', exact: true }).getAttribute('href'), `/staff/content/job/${jid}`);
    assert.match(await page.locator('dd a[href^="/staff/companies/"]').getAttribute('href'), /^\/staff\/companies\/\d+$/);
    for (const [label, note] of [['受付', '電話で受付'], ['公開中', ''], ['充足', '2名採用']]) {
      await page.getByLabel('新しい対応状況').selectOption({ label });
      await page.getByLabel('メモ（任意）').fill(note);
      await page.getByRole('button', { name: '対応状況を変更する' }).click();
      await page.getByRole('status').getByText('保存しました。').waitFor();
      await page.getByText(`現在：${label}`, { exact: false }).waitFor();
    }
    const hist = page.getByRole('table', { name: /対応状況の履歴/ });
    const cells = await hist.locator('tbody tr td:nth-child(2)').allTextContents();
    assert.deepEqual(cells, ['充足', '公開中', '受付']);
    assert.equal(sql(srv.data, `SELECT COUNT(*) FROM audit_log WHERE action = 'job.status' AND target = 'entity:${jid}'`), '3');
    await assertAccessible(page, 'job record');
    await assertFits320(page, 'job record at 320 px');
    // G64: an interaction about the offer is on the offer's page and on its company's
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByLabel('対応内容（必須）').fill('求人の充足を企業に確認');
    await page.getByRole('button', { name: '対応を記録する' }).click();
    await page.getByRole('status').getByText('保存しました。').waitFor();
    await page.getByRole('table', { name: /対応履歴/ }).getByText('求人の充足を企業に確認').waitFor();
    await page.locator('dd a[href^="/staff/companies/"]').click();
    await page.waitForURL(/\/staff\/companies\/\d+$/);
    const offerRow = page.getByRole('table', { name: /対応履歴/ }).getByRole('row').filter({ hasText: '求人の充足を企業に確認' });
    await offerRow.getByText('（求人・インターンシップについて）').waitFor();
    // another department may not change it
    const other = await as('demo-shushoku');
    await other.goto(`${srv.url}/staff/jobs/${jid}`);
    const token = await other.locator('input[name=csrf_token]').first().inputValue();
    const res = await other.request.post(`${srv.url}/staff/jobs/${jid}/status`, {
      form: { csrf_token: token, handling_status: 'closed' }, maxRedirects: 0,
    });
    assert.equal(res.status(), 403);
    assert.equal(sql(srv.data, `SELECT status FROM offer_status_history WHERE entity_id = ${jid} ORDER BY id DESC LIMIT 1`), 'filled');
    await other.context().close();
    await page.context().close();
  });

  it('G64: the internship list filters by job type and region; axe on list and record', async () => {
    // a job type and an area that some internships have (an area finds the towns under it)
    const [occ, area] = sql(srv.data, "SELECT t.code, a.code FROM entities e JOIN entity_terms et ON et.entity_id = e.id " +
      "JOIN terms t ON t.id = et.term_id AND t.vocab = 'occupation' JOIN entity_terms ea ON ea.entity_id = e.id " +
      "JOIN terms a ON a.id = ea.term_id AND a.vocab = 'area' WHERE e.type = 'internship' LIMIT 1").split('|');
    const want = Number(sql(srv.data, "SELECT COUNT(*) FROM entities e WHERE e.type = 'internship' " +
      `AND e.id IN (SELECT entity_id FROM entity_terms et JOIN terms t ON t.id = et.term_id WHERE t.vocab = 'occupation' AND t.code = '${occ}') ` +
      `AND e.id IN (SELECT entity_id FROM entity_terms et JOIN terms t ON t.id = et.term_id WHERE t.vocab = 'area' AND t.code = '${area}')`));
    const all = Number(sql(srv.data, "SELECT COUNT(*) FROM entities WHERE type = 'internship'"));
    assert.ok(want > 0 && want < all, `${want} of ${all}`);
    const page = await as('demo-viewer');
    await page.goto(srv.url + '/staff/internships');
    await assertAccessible(page, 'internship list');
    await page.getByLabel('職種').selectOption(occ);
    await page.getByLabel('地域・市町村').selectOption(area);
    await page.getByRole('button', { name: '検索する' }).click();
    await page.waitForURL(/occupation=/);
    assert.equal(await page.locator('.records-total').textContent(), `${want}件`);
    const first = page.getByRole('table').locator('tbody tr th a').first();
    const href = await first.getAttribute('href');
    assert.match(href, /^\/staff\/internships\/\d+$/);
    await first.click();
    await page.waitForURL(new RegExp(href + '$'));
    await page.getByRole('heading', { name: '対応状況' }).waitFor();
    assert.equal(await page.getByRole('button', { name: '対応状況を変更する' }).count(), 0, 'view role: read-only');
    await assertAccessible(page, 'internship record');
    await page.goto(srv.url + '/staff/internships?region=nonexistent-code');
    assert.equal(await page.locator('.records-total').textContent(), '0件');
    await page.context().close();
  });

  it('G63: a contact is changed and removed; an interaction is corrected (a bad date keeps what was typed); axe', async () => {
    const { id } = demoCompany();
    const page = await as('demo-kigyo');
    await page.goto(`${srv.url}/staff/companies/${id}`);
    await page.getByLabel('氏名（必須）').fill('編集 用子');
    await page.getByRole('button', { name: '採用担当者を追加する' }).click();
    await page.getByRole('status').getByText('保存しました。').waitFor();
    await page.getByLabel('対応内容（必須）').fill('直す前の記録');
    await page.getByRole('button', { name: '対応を記録する' }).click();
    await page.getByRole('status').getByText('保存しました。').waitFor();
    await page.getByRole('link', { name: '変更・削除（編集 用子）' }).click();
    await page.waitForURL(/\/contacts\/\d+$/);
    await assertAccessible(page, 'contact edit');
    await page.getByLabel('部署・役職').fill('人事課長');
    await page.getByRole('button', { name: '変更を保存する' }).click();
    await page.getByRole('status').getByText('保存しました。').waitFor();
    await page.getByRole('table', { name: /採用担当者/ }).getByText('人事課長').waitFor();

    await page.getByRole('link', { name: /^変更（/ }).first().click();  // newest first: the one just recorded
    await page.waitForURL(/\/interactions\/\d+$/);
    await assertAccessible(page, 'interaction edit');
    await page.getByLabel('対応内容（必須）').fill('訪問して求人内容を確認した');
    await page.getByLabel('対応日').fill('');
    await page.getByRole('button', { name: '変更を保存する' }).click();
    assert.equal(await page.getByLabel('対応日').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('対応内容（必須）').inputValue(), '訪問して求人内容を確認した');
    await page.getByLabel('対応日').fill('2026-04-02');
    await page.getByLabel('対応方法').selectOption({ label: '訪問' });
    await page.getByRole('button', { name: '変更を保存する' }).click();
    await page.getByRole('status').getByText('保存しました。').waitFor();
    const hist = page.getByRole('table', { name: /対応履歴/ });
    await hist.getByText('訪問して求人内容を確認した').waitFor();
    assert.equal(sql(srv.data, "SELECT COUNT(*) FROM audit_log WHERE action = 'company.interaction_update'"), '1');

    await page.getByRole('link', { name: '変更・削除（編集 用子）' }).click();
    // a deletion cannot be undone: without the box ticked nothing is removed and the page says why
    await page.getByRole('button', { name: '削除する' }).click();
    await page.getByText('削除する場合は「この採用担当者を削除します」にチェックを入れてください。').waitFor();
    assert.equal(await page.getByLabel('この採用担当者を削除します（元に戻せません）').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('部署・役職').inputValue(), '人事課長', 'the stored values are shown');
    assert.equal(sql(srv.data, `SELECT COUNT(*) FROM company_contacts WHERE entity_id = ${id} AND name = '編集 用子'`), '1');
    await assertAccessible(page, 'contact delete refused');
    await page.getByLabel('この採用担当者を削除します（元に戻せません）').check();
    await page.getByRole('button', { name: '削除する' }).click();
    await page.getByRole('status').getByText('保存しました。').waitFor();
    assert.equal(sql(srv.data, `SELECT COUNT(*) FROM company_contacts WHERE entity_id = ${id} AND name = '編集 用子'`), '0');
    assert.equal(sql(srv.data, "SELECT COUNT(*) FROM audit_log WHERE action = 'company.contact_delete'"), '1');
    await page.context().close();
  });
});
