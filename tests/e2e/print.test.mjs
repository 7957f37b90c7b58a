// print.test.mjs - printing job offers and companies (issue 4 items 6 and 7; G92): Chromium prints the
// page to PDF on A4 portrait in one or two pages, navigation is hidden and no text runs off the page.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser } from './harness.mjs';

const A4_PRINTABLE_PX = Math.floor((210 - 2 * 12) / 25.4 * 96);  // 186 mm at 96 px per inch

async function printCheck(page, label) {
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: A4_PRINTABLE_PX, height: 1000 });
  const layout = await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const over = [...document.querySelectorAll('main *')]
      .filter((e) => e.getClientRects().length > 0 && e.getBoundingClientRect().right > w + 1)
      .map((e) => e.tagName + '.' + e.className);
    const nav = document.querySelector('.site-nav');
    return { w, scroll: document.documentElement.scrollWidth, over, navShown: nav && nav.getClientRects().length > 0 };
  });
  assert.ok(layout.scroll <= layout.w, `${label}: ${layout.scroll}px wide on a ${layout.w}px printable width`);
  assert.deepEqual(layout.over, [], `${label}: elements run off the page`);
  assert.ok(!layout.navShown, `${label}: navigation is hidden in print`);
  const pdf = await page.pdf({ format: 'A4', printBackground: false, preferCSSPageSize: true });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) || []).length;
  assert.ok(pages >= 1 && pages <= 2, `${label}: printed on ${pages} A4 pages`);
  const box = pdf.toString('latin1').match(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/);
  assert.ok(box, `${label}: the PDF has a page size`);
  assert.ok(Math.abs(Number(box[1]) - 595.92) < 2 && Math.abs(Number(box[2]) - 842.88) < 2,
    `${label}: A4 portrait, got ${box[1]} x ${box[2]} pt`);
  await page.emulateMedia({ media: 'screen' });
}

describe('printing job offers and companies on A4', () => {
  let srv, browser, page;

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    page = await browser.newPage();
  });

  after(async () => {
    await browser?.close();
    assert.equal(await srv.stop(), 0);
    srv.cleanup();
  });

  it('the job offer with the most text prints on one or two pages', async () => {
    // the demo offers: open the list and take several, the longest last
    await page.goto(srv.url + '/jobs?sort=newest');
    const links = await page.locator('.result-title a').evaluateAll((as) => as.slice(0, 5).map((a) => a.getAttribute('href')));
    assert.ok(links.length >= 3);
    let longest = null, max = 0;
    for (const href of links) {
      await page.goto(srv.url + href);
      const n = (await page.locator('article').textContent()).length;
      if (n > max) { max = n; longest = href; }
    }
    await page.goto(srv.url + longest);
    await printCheck(page, 'job ' + longest);
  });

  it('a company prints with its disclaimer on one or two pages', async () => {
    await page.goto(srv.url + '/companies');
    await page.locator('.result-title a').first().click();
    await page.getByRole('note').waitFor();
    await printCheck(page, 'company');
    await page.emulateMedia({ media: 'print' });
    assert.ok(await page.getByRole('note').isVisible(), 'the disclaimer is printed');
  });
});
