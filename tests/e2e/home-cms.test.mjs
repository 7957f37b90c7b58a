// home-cms.test.mjs - the top page and the CMS sections of the Gunma site with the demo data (issue 4
// item 4; G10, G20, G40-G45, G80, G93): news first, a search box that leads to job offers, featured offers,
// upcoming events, links to the guides and CMS lists; news, events, projects, tips, columns and fixed
// pages open and pass axe; Markdown is rendered safely under the page's one <h1>.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, assertAccessible, assertReflows } from './harness.mjs';

describe('top page and CMS sections', () => {
  let srv, browser, page;

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  });

  after(async () => {
    await browser?.close();
    assert.equal(await srv.stop(), 0);
    srv.cleanup();
  });

  it('the top page shows news first, then search, offers, events and guides', async () => {
    await page.goto(srv.url + '/');
    const headings = await page.getByRole('heading', { level: 2 }).allTextContents();
    assert.equal(headings[0], '新着情報', 'news come first: ' + headings.join(' / '));
    for (const h of ['新着の求人情報', 'インターンシップ情報', '開催予定のイベント', 'お役立ち情報']) {
      assert.ok(headings.includes(h), 'the top page has ' + h);
    }
    const news = page.getByRole('region', { name: '新着情報' }).getByRole('listitem');
    assert.ok(await news.count() >= 3, 'several news items');
    assert.ok(await page.getByRole('region', { name: '新着の求人情報' }).getByRole('link').count() >= 4);
    // G80: the banners (external links managed by staff) in their display order
    const banners = page.getByRole('region', { name: '関連リンク' }).getByRole('link');
    assert.ok(await banners.count() >= 3, 'the visible demo banners are linked');
    assert.match(await banners.first().getAttribute('href'), /^https:\/\//);
    await assertAccessible(page, 'top page');
    await assertReflows(page, 'top page at 390 px');
    await page.getByLabel('求人情報をキーワードで探す').fill('営業');
    await page.getByRole('button', { name: '検索' }).click();
    await page.waitForURL(/\/jobs\?q=/);
    assert.match(await page.getByRole('status').textContent(), /^[1-9][\d,]*件/);
  });

  it('guides for job seekers and companies are fixed pages with rendered Markdown', async () => {
    for (const [link, title] of [['求職者の方へのご案内', '求職者の方へ'], ['企業の方へのご案内', '企業の方へ']]) {
      await page.goto(srv.url + '/');
      await page.getByRole('link', { name: link }).click();
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      assert.equal(await page.locator('h1').count(), 1);
      assert.ok(await page.locator('.prose h2').count() >= 1, 'Markdown headings sit under the page heading');
      assert.equal(await page.locator('.prose script').count(), 0);
      await assertAccessible(page, title);
    }
    const res = await page.goto(srv.url + '/pages/no-such-page');
    assert.equal(res.status(), 404);
  });

  it('G93: pages are UTF-8 and carry no private-use (外字) or replacement characters', async () => {
    for (const path of ['/', '/jobs', '/companies', '/internships', '/news', '/events', '/pages/for-job-seekers']) {
      const res = await fetch(srv.url + path);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8', path);
      const html = await res.text();
      assert.ok(!/[\uE000-\uF8FF\uFFFD]/u.test(html), path + ': no 外字 or mojibake');
      assert.match(html, /<meta charset="utf-8">/);
    }
  });

  it('news (G40), events (G41), projects (G42), tips (G43) and columns (G44) have lists and detail pages', async () => {
    for (const [path, heading] of [['/news', '新着情報一覧'], ['/events', 'イベント情報一覧'], ['/projects', '県の実施事業一覧'],
      ['/tips', '企業向けお役立ち情報一覧'], ['/columns', 'コラム一覧']]) {
      await page.goto(srv.url + path);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await assertAccessible(page, heading);
      const first = page.locator('.result-title a').first();
      const title = await first.textContent();
      await first.click();
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      assert.equal(await page.locator('h1').count(), 1, path + ': one h1');
      await assertAccessible(page, path + ' detail');
    }
  });
});
