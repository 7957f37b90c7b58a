// pow-agree.test.mjs - static/js/pow.js computes the same check as the server (src/auth/antispam.c), with
// its own SHA-256 and with crypto.subtle, in Node and in Chromium; and the form partial behaves in a real
// browser under the site's CSP: solved before sending, a submit that comes early waits and says so, the
// page stays responsive, the honeypot is skipped by Tab and passes axe (SEC05, B04; issue 5 item 2).
// No tsunagu server is needed: the page is the real partial and stylesheet served by the test itself.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { ROOT, launchBrowser, assertAccessible } from './harness.mjs';

const POW_SRC = readFileSync(join(ROOT, 'static/js/pow.js'), 'utf8');

// The pairs tests/unit/test_antispam.c (test_agrees_with_pow_js) checks in C: the smallest counter and
// the exact number of zero bits its hash starts with.
const AGREE = [
  { token: 'v1.agree.1790000000.12.AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', n: '21242', bits: 15 },
  { token: 'v1.agree-test_with-32-characters.1790000000.12.AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', n: '6256', bits: 12 },
];
// A challenge whose smallest solution is far out (351,252 tries), so a browser cannot finish before a
// click that comes right after the page has loaded.
const SLOW = { token: 'v1.contact.1790000000.16.OOgonecpONLQgtJBWPLW8w.CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC', n: '351252' };

function zeroBits(buf) {
  let bits = 0;
  for (const b of buf) {
    if (b === 0) { bits += 8; continue; }
    return bits + Math.clz32(b) - 24;
  }
  return bits;
}
const bitsOf = (token, n) => zeroBits(createHash('sha256').update(`${token}:${n}`).digest());

/** pow.js evaluated in a fresh context, as a browser without a document would run it. */
function loadPow(withSubtle) {
  const ctx = { setTimeout, MessageChannel, Date };
  if (withSubtle) ctx.crypto = webcrypto;
  vm.runInNewContext(POW_SRC, ctx, { filename: 'pow.js' });
  return ctx.tsunaguPow;
}

describe('pow.js agrees with the server in Node', () => {
  const pow = loadPow(true);

  it('its SHA-256 matches node:crypto, across block boundaries and UTF-8', () => {
    const hex = (u) => Buffer.from(u).toString('hex');
    const msgs = ['', 'abc', 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', 'ぐんまジョブナビ🙂'];
    for (let len = 50; len <= 130; len++) msgs.push('x'.repeat(len));
    for (const m of msgs) assert.equal(hex(pow.sha256(m)), createHash('sha256').update(m).digest('hex'), `length ${m.length}`);
    assert.equal(hex(pow.sha256('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('the prefix hasher gives the first word of SHA-256(token ":" n) for tokens of every length', () => {
    for (let len = 40; len <= 170; len++) {
      const token = 'v1.' + 'a'.repeat(len);
      const h = pow.prefixHasher(token);
      for (const n of [0, 9, 10, 123456, 9999999999999999]) {
        assert.equal(h(n), createHash('sha256').update(`${token}:${n}`).digest().readUInt32BE(0), `${len} ${n}`);
      }
    }
  });

  it('reads the difficulty from the token', () => {
    assert.equal(pow.difficultyOf(AGREE[0].token), 12);
    assert.equal(pow.difficultyOf('v1.a.1.x.n.m'), 0);
    assert.equal(pow.difficultyOf('garbage'), 0);
  });

  for (const engine of ['plain', 'subtle']) {
    it(`${engine}: finds the same smallest counters as the C check`, async () => {
      for (const a of AGREE) {
        const n = await pow.solve(a.token, { engine });
        assert.equal(n, a.n);
        assert.equal(bitsOf(a.token, n), a.bits);
        assert.equal(pow.zeroBits(pow.sha256(`${a.token}:${n}`)), a.bits);
      }
    });
  }

  it('without a secure context (no crypto.subtle) the plain engine still works, and subtle says why not', async () => {
    const bare = loadPow(false);
    assert.equal(await bare.solve(AGREE[1].token), AGREE[1].n);
    await assert.rejects(bare.solve(AGREE[1].token, { engine: 'subtle' }), /secure context/);
    await assert.rejects(bare.solve('not a token'), /not a challenge/);
  });
});

/** The real partial, rendered the way src/view/tmpl.c would with web_antispam's values. */
function renderPartial(token) {
  const vals = {
    form: 'contact', token, token_field: 'as_token', solution_field: 'as_pow', honeypot_field: 'website', static_v: 't',
  };
  let src = readFileSync(join(ROOT, 'templates/partials/antispam.html'), 'utf8');
  src = src.replace(/\{\{![\s\S]*?\}\}\n?/g, '').replace(/\{\{[#/] antispam \}\}\n?/g, '');
  return src.replace(/\{\{ (\w+) \}\}/g, (_, k) => {
    assert.ok(k in vals, `unexpected template value ${k}`);
    return vals[k];
  });
}

function formPage(token) {
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>お問い合わせ（試験）</title><link rel="stylesheet" href="/static/css/site.css"></head>
<body><main id="main" class="wrap"><h1>お問い合わせ（試験）</h1>
<form method="post" action="/submit" novalidate>
  <div class="field"><label for="name">お名前</label><input id="name" name="name" type="text"></div>
  ${renderPartial(token)}
  <button type="submit" class="button">送信する</button>
</form></main></body></html>`;
}

const ORIGIN = 'http://127.0.0.1:9'; // never contacted: every request is answered by the route below
const CSP = readFileSync(join(ROOT, 'src/http/http.h'), 'utf8').match(/HTTP_CSP_DEFAULT ("[^"]*")\s*\\\s*\n\s*("[^"]*")/)
  .slice(1).map((s) => JSON.parse(s)).join('');

describe('pow.js and the form partial in Chromium', () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  /** A page at ORIGIN serving the form for token; posts to /submit are recorded. */
  async function open(token, { noIdleStart = false } = {}) {
    const page = await browser.newPage();
    const posts = [];
    const errors = [];
    // pow.js starts when the page is idle or a field gets focus; without the idle start the work begins at
    // the first focus in the form, so a test can be sure it is still running when the form is submitted
    if (noIdleStart) {
      await page.addInitScript(() => {
        window.requestIdleCallback = () => 0;
        // what the live region said, kept across the navigation the submit causes
        new MutationObserver(() => {
          for (const el of document.querySelectorAll('[role="status"]')) {
            if (el.textContent.includes('送信の準備をしています…')) sessionStorage.setItem('powWaitShown', '1');
          }
        }).observe(document, { subtree: true, childList: true, characterData: true });
      });
    }
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    // a chain of zero-delay timers counts how often the page's event loop gets a turn while the work runs;
    // a solver that never yielded would let it run once (a count, not a time: it holds on a loaded machine)
    await page.addInitScript(() => {
      window.loopTurns = 0;
      const turn = () => {
        const sol = document.querySelector('[data-pow-solution]');
        if (sol && sol.value !== '') return;
        window.loopTurns++;
        setTimeout(turn, 0);
      };
      setTimeout(turn, 0);
    });
    await page.route(`${ORIGIN}/**`, (route) => {
      const req = route.request();
      const path = new URL(req.url()).pathname;
      const headers = { 'content-security-policy': CSP };
      if (path === '/form') return route.fulfill({ contentType: 'text/html; charset=utf-8', headers, body: formPage(token) });
      if (path === '/static/js/pow.js') return route.fulfill({ contentType: 'text/javascript', headers, body: POW_SRC });
      if (path === '/static/css/site.css') {
        return route.fulfill({ contentType: 'text/css', headers, body: readFileSync(join(ROOT, 'static/css/site.css')) });
      }
      if (path === '/submit' && req.method() === 'POST') {
        posts.push(new URLSearchParams(req.postData()));
        return route.fulfill({ contentType: 'text/html; charset=utf-8', headers,
          body: '<!doctype html><html lang="ja"><title>送信しました</title><h1>送信しました</h1></html>' });
      }
      return route.fulfill({ status: 404, body: '' });
    });
    await page.goto(`${ORIGIN}/form`);
    return { page, posts, errors };
  }

  it('both engines agree with the C check in the browser (a secure context: crypto.subtle is there)', async () => {
    const { page, errors } = await open(AGREE[0].token);
    const got = await page.evaluate(async (agree) => {
      const out = [];
      for (const a of agree) {
        out.push([await window.tsunaguPow.solve(a.token), await window.tsunaguPow.solve(a.token, { engine: 'subtle' })]);
      }
      return { out, secure: window.isSecureContext };
    }, AGREE);
    assert.equal(got.secure, true);
    assert.deepEqual(got.out, AGREE.map((a) => [a.n, a.n]));
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('a submit before the work is done waits for it, says so, and sends a valid solution with an empty honeypot', async () => {
    const { page, posts, errors } = await open(SLOW.token, { noIdleStart: true });
    // typed without focusing the field (a paste, an autofill): the first focus in the form is the submit click
    await page.getByLabel('お名前').evaluate((el) => { el.value = '群馬 太郎'; });
    assert.equal(await page.inputValue('[data-pow-solution]'), '', 'no work done before the click');
    await page.getByRole('button', { name: '送信する' }).click();
    await page.waitForURL(`${ORIGIN}/submit`, { timeout: 30_000 });
    assert.equal(await page.evaluate(() => sessionStorage.getItem('powWaitShown')), '1',
      'the live region said 送信の準備をしています… while the submit waited');
    assert.equal(posts.length, 1, 'sent once');
    const body = posts[0];
    assert.equal(body.get('name'), '群馬 太郎');
    assert.equal(body.get('as_token'), SLOW.token);
    assert.equal(body.get('as_pow'), SLOW.n, 'the smallest counter, as the server would find it');
    assert.ok(bitsOf(SLOW.token, body.get('as_pow')) >= 16);
    assert.equal(body.get('website'), '');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('solving in slices keeps the page responsive (the event loop gets turns while it works)', async () => {
    const { page } = await open(SLOW.token);
    await page.getByLabel('お名前').focus();
    await page.waitForFunction(() => document.querySelector('[data-pow-solution]').value !== '', null, { timeout: 30_000 });
    assert.equal(await page.inputValue('[data-pow-solution]'), SLOW.n);
    const turns = await page.evaluate(() => window.loopTurns);
    assert.ok(turns >= 3, `the event loop ran ${turns} times while the solver worked`);
    await page.close();
  });

  it('the honeypot is out of the tab order and off-screen, and axe finds nothing wrong', async () => {
    const { page } = await open(AGREE[1].token);
    await page.getByLabel('お名前').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), '送信する');
    const box = await page.getByLabel('この欄は空のままにしてください').boundingBox();
    assert.ok(box === null || box.x + box.width <= 0, `honeypot at ${JSON.stringify(box)}`);
    await assertAccessible(page, 'form with the anti-spam partial');
    await page.close();
  });
});
