// listings.test.mjs - the public list and detail pages (issue 4 items 4, 5 and 8; G30-G35, G87, B02): a
// visitor on a phone finds a job by keyword and by a facet, opens it, reads its fields, follows it to the company and sees
// the disclaimer (G32); an expired job is neither found nor reachable; zero axe violations; reflow at 320 px.
// The data is imported by another process while the server runs: the server's index must follow it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, startServer, launchBrowser, assertAccessible, assertReflows } from './harness.mjs';
import { lawColumns } from './joblaw-fixture.mjs';

describe('job, company and internship pages', () => {
  let srv, browser, page;

  before(async () => {
    srv = await startServer();
    const jobs = join(srv.data, 'jobs.csv');
    const law = lawColumns(['workplace', 'salary']);
    writeFileSync(jobs, 'title,company_name,description,occupation,employment,municipality,target,industry,workplace,salary,status,listing_start,listing_end' + law.header + '\n'
      + 'ゼット営業スタッフ,ゼット試験商事,県内企業へのゼット提案営業です。<script>alert(1)</script>,07,seishain,10201,新卒|既卒,I,前橋市本町,月給22万円,,,' + law.cells + '\n'
      + 'ゼット事務スタッフ,ゼット試験商事,受発注のゼット事務です。,06,part,10202,既卒,I,高崎市,時給1100円,,,' + law.cells + '\n'
      + 'ゼット期限切れ営業,ゼット試験商事,掲載が終わったゼット求人です。,07,seishain,10201,,I,本社,月給20万円,,2026-01-01,2026-03-31' + law.cells + '\n');
    let r = cli(['import', '--data', srv.data, '--type', 'job', jobs]);
    assert.equal(r.status, 0, r.stderr);
    const companies = join(srv.data, 'companies.csv');
    writeFileSync(companies, 'name,business,industry,municipality,address\n'
      + 'ゼット試験商事,事務用品の卸売,I,10201,前橋市大手町1-1-1\n');
    r = cli(['import', '--data', srv.data, '--type', 'company', companies]);
    assert.equal(r.status, 0, r.stderr);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  });

  after(async () => {
    await browser?.close();
    assert.equal(await srv.stop(), 0);
    srv.cleanup();
  });

  it('finds a job by keyword, shows its fields, leads to the company and its disclaimer', async () => {
    await page.goto(srv.url + '/jobs');
    await assertAccessible(page, 'job list');
    await page.getByLabel('キーワード').fill('ゼット提案');
    await page.getByLabel('キーワード').press('Enter');
    await page.waitForURL(/\/jobs\?q=/);
    await assert.doesNotReject(page.getByRole('heading', { level: 1, name: '「ゼット提案」の求人情報一覧' }).waitFor());
    assert.match(await page.getByRole('status').textContent(), /^1件/);
    const hit = page.getByRole('link', { name: 'ゼット営業スタッフ' });
    assert.equal(await hit.count(), 1);
    // the match is highlighted and the description's markup is shown as text, never run
    assert.equal(await page.locator('.snippet mark').first().textContent(), 'ゼット提案');
    assert.match(await page.locator('.snippet').textContent(), /<script>alert\(1\)<\/script>/);
    await assertAccessible(page, 'job list with results');
    await hit.click();
    await page.getByRole('heading', { level: 1, name: 'ゼット営業スタッフ' }).waitFor();
    const text = await page.locator('article').textContent();
    for (const s of ['ゼット試験商事', '販売・営業の職業', '正社員', '前橋市', '新卒、既卒', '月給22万円', '前橋市本町']) {
      assert.ok(text.includes(s), `the job page shows ${s}`);
    }
    await assertAccessible(page, 'job detail');
    await assertReflows(page, 'job detail at 390 px');
    await page.getByRole('link', { name: 'ゼット試験商事の企業情報を見る' }).click();
    await page.getByRole('heading', { level: 1, name: 'ゼット試験商事' }).waitFor();
    assert.match(await page.getByRole('note').textContent(), /群馬県はその内容について責任を負いません/);
    // the company page lists its open job offers, not the expired one
    const offers = page.getByRole('region', { name: 'この企業の求人情報' });
    assert.equal(await offers.getByRole('link', { name: 'ゼット営業スタッフ' }).count(), 1);
    assert.equal(await offers.getByRole('link', { name: 'ゼット事務スタッフ' }).count(), 1);
    assert.equal(await offers.getByRole('link', { name: 'ゼット期限切れ営業' }).count(), 0);
    await assertAccessible(page, 'company detail');
  });

  it('filters by a facet with counts, in a URL that can be bookmarked', async () => {
    await page.goto(srv.url + '/jobs?q=' + encodeURIComponent('ゼット'));
    assert.match(await page.getByRole('status').textContent(), /^2件/, 'the expired job is not counted');
    await page.locator('summary').filter({ hasText: /^条件で絞り込む/ }).click();
    await page.locator('summary').filter({ hasText: /^雇用形態/ }).click();
    const part = page.getByRole('checkbox', { name: /パート・アルバイト \(1\)/ });
    await part.check();
    await page.getByRole('button', { name: 'この条件で表示' }).click();
    await page.waitForURL(/employment=part/);
    assert.match(await page.getByRole('status').textContent(), /^1件/);
    assert.equal(await page.getByRole('link', { name: 'ゼット事務スタッフ' }).count(), 1);
    assert.equal(await page.getByRole('link', { name: 'ゼット営業スタッフ' }).count(), 0);
    assert.ok(await page.getByRole('checkbox', { name: /パート・アルバイト/ }).isChecked(), 'the filter stays ticked');
    // the other employment types stay offered with what they would add (disjunctive counts)
    assert.equal(await page.getByRole('checkbox', { name: /正社員 \(1\)/ }).count(), 1);
    assert.ok(!(await page.getByRole('checkbox', { name: /正社員/ }).isChecked()));
    // the same URL opened afresh gives the same page
    const again = await browser.newPage();
    await again.goto(page.url());
    assert.match(await again.getByRole('status').textContent(), /^1件/);
    await again.close();
    await page.setViewportSize({ width: 320, height: 640 });
    await assertReflows(page, 'job list at 320 px');
    await assertAccessible(page, 'job list filtered');
  });

  it('each facet narrows the list to the count its checkbox showed', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(srv.url + '/jobs');
    const vocabs = await page.locator('.filter summary').allTextContents();
    assert.deepEqual(vocabs.map((v) => v.trim()), ['職種', '業種', '雇用形態', '地域', '市町村', '対象者']);
    for (const name of vocabs) {
      await page.goto(srv.url + '/jobs');
      await page.locator('summary').filter({ hasText: /^条件で絞り込む/ }).click();
      await page.locator('.filter summary').filter({ hasText: name }).click();
      const box = page.locator('.filter').filter({ has: page.locator('summary', { hasText: name }) }).getByRole('checkbox').first();
      const label = await page.locator(`label[for="${await box.getAttribute('id')}"]`).textContent();
      const expected = Number(label.match(/\(([\d,]+)\)/)[1].replace(/,/g, ''));
      await box.check();
      await page.getByRole('button', { name: 'この条件で表示' }).click();
      await page.waitForURL(/\?.*=/);
      const status = await page.getByRole('status').textContent();
      assert.equal(Number(status.match(/^([\d,]+)件/)[1].replace(/,/g, '')), expected, `${name}: ${label.trim()} -> ${status}`);
    }
  });

  it('an expired job is neither found nor reachable', async () => {
    await page.goto(srv.url + '/jobs?q=' + encodeURIComponent('ゼット期限切れ'));
    assert.match(await page.getByRole('status').textContent(), /^0件/);
    assert.equal(await page.getByRole('link', { name: 'ゼット期限切れ営業' }).count(), 0);
    const r = cli(['search', '--data', srv.data, '--type', 'job', '--staff', 'ゼット期限切れ']);
    const id = r.stdout.match(/^(\d+)\tゼット期限切れ営業$/m)?.[1];
    assert.ok(id, 'staff search finds the expired job: ' + r.stdout);
    const res = await page.goto(srv.url + '/jobs/' + id);
    assert.equal(res.status(), 404);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await assertAccessible(page, 'not found');
    const bad = await page.goto(srv.url + '/jobs/abc');
    assert.equal(bad.status(), 404);
  });

  it('B02, G87: job pages carry JobPosting JSON-LD, canonical and Open Graph tags; robots.txt and sitemaps list public pages', async () => {
    await page.goto(srv.url + '/jobs?q=' + encodeURIComponent('ゼット営業スタッフ'));
    await page.getByRole('link', { name: 'ゼット営業スタッフ' }).click();
    await page.getByRole('heading', { level: 1, name: 'ゼット営業スタッフ' }).waitFor();
    const ld = JSON.parse(await page.locator('script[type="application/ld+json"]').textContent());
    assert.equal(ld['@type'], 'JobPosting');
    assert.equal(ld.title, 'ゼット営業スタッフ');
    assert.match(ld.description, /ゼット提案営業/);
    assert.match(ld.datePosted, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/);
    assert.deepEqual(ld.employmentType, ['FULL_TIME']);
    assert.equal(ld.hiringOrganization.name, 'ゼット試験商事');
    assert.equal(ld.jobLocation.address.addressLocality, '前橋市');
    assert.equal(ld.jobLocation.address.addressRegion, '群馬県');
    assert.deepEqual(ld.baseSalary, { '@type': 'MonetaryAmount', currency: 'JPY',
      value: { '@type': 'QuantitativeValue', unitText: 'MONTH', value: 220000 } });
    const canonical = await page.locator('link[rel="canonical"]').getAttribute('href');
    assert.equal(new URL(canonical).pathname, new URL(page.url()).pathname);
    assert.equal(await page.locator('meta[property="og:url"]').getAttribute('content'), canonical);
    assert.equal(await page.locator('meta[property="og:title"]').getAttribute('content'), 'ゼット営業スタッフ');
    assert.equal(await page.locator('h1').count(), 1);
    let res = await fetch(srv.url + '/robots.txt');
    assert.match(await res.text(), /^Sitemap: http:\/\/127\.0\.0\.1:\d+\/sitemap\.xml$/m);
    res = await fetch(srv.url + '/sitemap.xml');
    const index = await res.text();
    assert.match(index, /<loc>[^<]*\/sitemaps\/job-1\.xml<\/loc>/);
    res = await fetch(srv.url + '/sitemaps/job-1.xml');
    const jobs = await res.text();
    assert.ok(jobs.includes(new URL(canonical).pathname + '</loc>'), 'the job is in the sitemap');
    const r = cli(['search', '--data', srv.data, '--type', 'job', '--staff', 'ゼット期限切れ']);
    const expired = r.stdout.match(/^(\d+)\tゼット期限切れ営業$/m)[1];
    assert.ok(!jobs.includes('/jobs/' + expired + '</loc>'), 'the expired job is not');
  });

  it('a page kept in the public page cache changes at once when another process writes', async () => {
    const url = srv.url + '/jobs?q=' + encodeURIComponent('ワイ印刷');
    for (let i = 0; i < 2; i++) {  // the second answer comes from the cache
      const html = await (await fetch(url)).text();
      assert.match(html, /<h2 id="results-heading" role="status">0件/);
    }
    const jobs = join(srv.data, 'more.csv');
    const law = lawColumns();
    writeFileSync(jobs, 'title,company_name,description,occupation,employment,municipality' + law.header + '\n'
      + 'ワイ印刷オペレーター,ワイ試験印刷,印刷機の操作,08,seishain,10202' + law.cells + '\n');
    const r = cli(['import', '--data', srv.data, '--type', 'job', jobs]);
    assert.equal(r.status, 0, r.stderr);
    const html = await (await fetch(url)).text();
    assert.match(html, /<h2 id="results-heading" role="status">1件/);
    assert.match(html, /ワイ印刷オペレーター/);
  });

  it('companies and internships have list pages of their own', async () => {
    let res = await page.goto(srv.url + '/companies?q=' + encodeURIComponent('ゼット'));
    assert.equal(res.status(), 200);
    assert.equal(await page.getByRole('link', { name: 'ゼット試験商事' }).count(), 1);
    await assertAccessible(page, 'company list');
    res = await page.goto(srv.url + '/internships');
    assert.equal(res.status(), 200);
    await page.getByRole('heading', { level: 1, name: 'インターンシップ情報一覧' }).waitFor();
    await assertAccessible(page, 'internship list');
  });
});
