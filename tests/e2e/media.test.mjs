// media.test.mjs - photos, banners and the company video (issue 4 item 4: "the company's video as a
// thumbnail that loads the player only on click"; G31 企業写真・企業紹介動画, G80 banners, G04 light pages).
// Images are served from the database at unguessable URLs, as WebP to a browser that takes it, cached for
// good; the video player is not contacted until the visitor asks for it, by mouse or keyboard.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, startServer, launchBrowser, assertAccessible, assertReflows } from './harness.mjs';

describe('photos, banners and videos', () => {
  let srv, browser, page;

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
    srv?.cleanup();
  });

  it('a company page shows its photo with a description, as WebP in the size the phone needs', async () => {
    await page.goto(srv.url + '/companies?q=' + encodeURIComponent('妙義クリーンスタッフ'));
    await page.getByRole('link', { name: '株式会社妙義クリーンスタッフ' }).first().click();
    await page.waitForURL(/\/companies\/\d+$/);
    const photo = page.getByRole('img', { name: '株式会社妙義クリーンスタッフの社屋と周りの街並み（イメージ）' });
    await photo.scrollIntoViewIfNeeded();
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await photo.elementHandle());
    const { src, natural, shown } = await photo.evaluate((el) => ({
      src: el.currentSrc, natural: el.naturalWidth, shown: el.getBoundingClientRect().width,
    }));
    assert.match(src, /\/media\/[0-9a-f]{32}-\d+\.webp$/, 'the browser picked a WebP variant');
    assert.ok(natural >= shown && natural <= 800, `variant ${natural}px for a ${shown}px slot`);
    // link previews use the first photo
    const og = await page.locator('meta[property="og:image"]').getAttribute('content');
    assert.match(og, /^http:\/\/127\.0\.0\.1:\d+\/media\/[0-9a-f]{32}-\d+\.jpg$/);
    await assertAccessible(page, 'company page with photos');
    await assertReflows(page, 'company page with photos');
  });

  it('image URLs: cached for good, typed, and nothing else answers under /media', async () => {
    const html = await (await fetch(srv.url + '/')).text();
    const m = html.match(/\/media\/([0-9a-f]{32})-(\d+)\.jpg/);
    assert.ok(m, 'the top page shows banner images');
    let res = await fetch(srv.url + m[0]);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 2)], [0xff, 0xd8]);
    res = await fetch(srv.url + `/media/${m[1]}-${m[2]}.webp`);
    assert.equal(res.headers.get('content-type'), 'image/webp');
    for (const bad of [`/media/${m[1]}-${Number(m[2]) + 1}.jpg`, `/media/${m[1]}-${m[2]}.png`, '/media/1-320.jpg',
      `/media/${'0'.repeat(32)}-320.jpg`, `/media/${m[1].toUpperCase()}-${m[2]}.jpg`, '/media/..%2Fkeys%2Fcsrf.key']) {
      res = await fetch(srv.url + bad);
      assert.equal(res.status, 404, bad);
    }
  });

  it('banners on the top page are images named by their titles, inside their links (G80)', async () => {
    await page.goto(srv.url + '/');
    const banners = page.getByRole('region', { name: '関連リンク' }).getByRole('link');
    assert.ok(await banners.count() >= 4);
    const img = page.getByRole('link', { name: 'ぐんまの暮らし情報' }).getByRole('img', { name: 'ぐんまの暮らし情報' });
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    await assertAccessible(page, 'top page with banner images');
  });

  it('a video: thumbnail first, the player only after a click or Enter, and only then a request to it', async () => {
    // an operator stores a thumbnail and a company with a YouTube video
    const thumb = join(srv.data, 'thumb.jpg');
    const html = await (await fetch(srv.url + '/')).text();
    const src = html.match(/\/media\/[0-9a-f]{32}-\d+\.jpg/)[0];
    writeFileSync(thumb, Buffer.from(await (await fetch(srv.url + src)).arrayBuffer()));
    let r = cli(['media', 'add', '--data', srv.data, thumb]);
    assert.equal(r.status, 0, r.stderr);
    const id = r.stdout.split('\t')[0];
    assert.match(id, /^\d+$/);
    r = cli(['media', 'add', '--data', srv.data, join(srv.data, 'keys', 'csrf.key')]);
    assert.equal(r.status, 1, 'a file that is not an image is refused');
    assert.match(r.stderr, /この形式のファイルは使えません/);
    const jsonl = join(srv.data, 'video.jsonl');
    writeFileSync(jsonl, JSON.stringify({
      name: 'ワイ動画試験工業', business: '精密部品の加工', industry: 'E', municipality: '10201',
      video_url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', video_thumbnail: id,
    }) + '\n');
    r = cli(['import', '--data', srv.data, '--type', 'company', jsonl]);
    assert.equal(r.status, 0, r.stderr);

    const requests = [];
    page.on('request', (req) => requests.push(req.url()));
    await page.goto(srv.url + '/companies?q=' + encodeURIComponent('ワイ動画試験工業'));
    const res = await Promise.all([
      page.waitForResponse((x) => /\/companies\/\d+$/.test(x.url())),
      page.getByRole('link', { name: 'ワイ動画試験工業' }).first().click(),
    ]).then(([x]) => x);
    const csp = res.headers()['content-security-policy'];
    assert.match(csp, /frame-src https:\/\/www\.youtube-nocookie\.com https:\/\/player\.vimeo\.com/);
    const play = page.getByRole('link', { name: /動画を再生\s*：ワイ動画試験工業の企業紹介動画/ });
    await play.scrollIntoViewIfNeeded();
    assert.equal(await page.locator('iframe').count(), 0, 'no player before it is asked for');
    await assertAccessible(page, 'company page with a video thumbnail');
    assert.equal(requests.filter((u) => !u.startsWith(srv.url)).length, 0, 'nothing but this site was contacted');
    await play.focus();
    await page.keyboard.press('Enter');
    const frame = page.getByTitle('ワイ動画試験工業の企業紹介動画');
    await frame.waitFor();
    assert.equal(await frame.getAttribute('src'), 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1');
    assert.ok(await frame.evaluate((el) => document.activeElement === el), 'focus moves to the player');
    assert.ok(requests.some((u) => u.startsWith('https://www.youtube-nocookie.com/embed/')), 'the player is requested now');

    // a page without a video keeps the strict policy
    const other = await fetch(srv.url + '/jobs');
    assert.doesNotMatch(other.headers.get('content-security-policy'), /frame-src/);
  });

  it('a video on an unknown site is a plain link that opens in a new tab', async () => {
    await page.goto(srv.url + '/companies?q=' + encodeURIComponent('妙義クリーンスタッフ'));
    await page.getByRole('link', { name: '株式会社妙義クリーンスタッフ' }).first().click();
    const link = page.getByRole('link', { name: /動画を再生\s*：.*（新しいタブで開きます）/ });
    assert.equal(await link.getAttribute('href'), 'https://video.example.jp/watch/myogi-clean');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('data-embed'), null);
  });
});
