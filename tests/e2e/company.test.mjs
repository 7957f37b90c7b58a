// company.test.mjs - the company's My Page (issue 5 items 5, 7 and 8; REQUIREMENTS G22-G25): a company edits its
// information (text, a real photo, a non-image refused with the other values kept), the edit waits for staff
// approval, staff approve it with a diff and the company is public with the new photo; a rejection mails
// its reason; the renew button (更新) extends the period from the old end date; `tick` under the clock
// override sends the 14- and 3-day notices once each and archives the company at the end (public 404), and
// renewing restores it. Real SMTP (tests/tools/smtp_sink.py), axe on every new page, 320 px reflow, keyboard.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, startServer, launchBrowser, assertAccessible, assertReflows, login } from './harness.mjs';

const PW = 'Seimitsu-Buhin-2026!';
const STAFF_PW = 'Kensho-Shonin-2026!';
const START = '2026-04-01T09:00:00+09:00'; // the server's clock (TSUNAGU_NOW)

/** Every message the sink kept: { to, subject, body }. */
function readMails(dir) {
  return readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().map((f) => {
    const raw = readFileSync(join(dir, f), 'utf8');
    const cut = raw.indexOf('\r\n\r\n');
    const head = raw.slice(0, cut).replace(/\r\n[ \t]+/g, ' ');
    const h = {};
    for (const line of head.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0 && !(line.slice(0, i).toLowerCase() in h)) h[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    const subject = (h.subject || '').replace(/\?=\s+=\?/g, '?==?')
      .replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_, b) => Buffer.from(b, 'base64').toString('utf8'));
    let body = raw.slice(cut + 4);
    if (/base64/i.test(h['content-transfer-encoding'] || '')) body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    return { to: h['x-sink-rcpt-to'], subject, body };
  });
}

async function waitForMails(dir, pred, n) {
  const until = Date.now() + 20_000;
  for (;;) {
    const got = readMails(dir).filter(pred);
    if (got.length >= n || Date.now() > until) return got;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('company My Page, approval, listing period, notices and archive (G22-G25)', () => {
  let srv, browser, page, staff, sink, mailDir, smtpEnv, entityId, publicUrl;

  before(async () => {
    mailDir = mkdtempSync(join(tmpdir(), 'tsunagu-mail-'));
    sink = spawn('/usr/bin/python3', ['tests/tools/smtp_sink.py', '--dir', mailDir, '--timeout', '600'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const port = await new Promise((resolve, reject) => {
      sink.stdout.once('data', (d) => resolve(String(d).trim().split('\n')[0]));
      sink.once('exit', (c) => reject(new Error('smtp sink exited ' + c)));
    });
    smtpEnv = { TSUNAGU_SMTP_URL: `smtp://127.0.0.1:${port}`, TSUNAGU_MAIL_FROM: 'noreply@example.jp' };
    srv = await startServer({
      env: { ...smtpEnv, TSUNAGU_NOW: START, TSUNAGU_ALLOW_CLOCK_OVERRIDE: '1' },
      users: [
        { kind: 'company', login: 'acme-e2e', email: 'acme@example.jp', name: 'アクメ精工株式会社', password: PW },
        { kind: 'staff', login: 'staff-e2e', email: 'staff@example.jp', department: 'pref', name: '県 職員', password: STAFF_PW },
      ],
    });
    // what registration will do: a draft company entity linked to the company account
    const file = join(srv.data, 'acme.jsonl');
    writeFileSync(file, JSON.stringify({ name: 'アクメ精工株式会社', business: '精密部品の製造をしています。', industry: 'E',
      municipality: '高崎市', status: 'draft' }) + '\n');
    let r = cli(['import', '--data', srv.data, '--site', 'gunma', '--type', 'company', file]);
    assert.equal(r.status, 0, r.stderr);
    r = cli(['search', '--data', srv.data, '--site', 'gunma', '--type', 'company', '--staff', 'アクメ精工']);
    entityId = r.stdout.match(/^(\d+)\tアクメ精工株式会社$/m)[1];
    r = cli(['company', 'link', '--data', srv.data, '--login', 'acme-e2e', '--entity', entityId]);
    assert.equal(r.status, 0, r.stderr);
    publicUrl = `${srv.url}/companies/${entityId}`;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    staff = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
    srv?.cleanup();
    sink?.kill();
    if (mailDir) rmSync(mailDir, { recursive: true, force: true });
  });

  it('G22: a draft company is not public; My Page shows it as a draft with a link to edit', async () => {
    assert.equal((await fetch(publicUrl)).status, 404);
    await login(page, srv.url, 'acme-e2e', PW);
    await page.waitForURL(/\/mypage$/);
    const section = page.getByRole('region', { name: '企業情報' });
    await assert.doesNotReject(section.getByText('未公開（下書き）').waitFor());
    await assertAccessible(page, 'My Page of a company');
    await page.setViewportSize({ width: 320, height: 700 });
    await assertReflows(page, 'My Page of a company at 320 px');
    await page.setViewportSize({ width: 390, height: 844 });
  });

  it('G22: the edit form keeps typed values when a non-image is uploaded, then takes a real JPEG; the edit waits for approval', async () => {
    await page.getByRole('link', { name: '企業情報を編集する' }).click();
    await page.waitForURL(/\/mypage\/company$/);
    assert.equal(await page.getByLabel('企業名（必須）').inputValue(), 'アクメ精工株式会社');
    await assertAccessible(page, 'company edit form');
    await page.setViewportSize({ width: 320, height: 700 });
    await assertReflows(page, 'company edit form at 320 px');
    await page.setViewportSize({ width: 390, height: 844 });

    await page.getByLabel('魅力・仕事データ').fill('若手が設計から関われます。');
    await page.getByLabel('代表者').fill('代表取締役 群馬 太郎');
    await page.getByRole('group', { name: '認証制度ロゴ' }).getByRole('checkbox', { name: 'くるみん', exact: true }).check();
    await page.getByLabel('企業写真の説明').fill('アクメ精工の工場');
    await page.getByLabel('企業写真', { exact: true }).setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a picture') });
    await page.getByRole('button', { name: '承認を申請する' }).click();
    // refused: a Japanese message next to the photo field, the other values kept
    const photo = page.getByLabel('企業写真', { exact: true });
    assert.equal(await photo.getAttribute('aria-invalid'), 'true');
    const errId = (await photo.getAttribute('aria-describedby')).split(' ').find((x) => x.endsWith('-error'));
    const msg = await page.locator(`#${errId}`).textContent();
    assert.match(msg, /「企業写真」.*(画像|形式)/);
    assert.equal(await page.getByLabel('魅力・仕事データ').inputValue(), '若手が設計から関われます。');
    assert.equal(await page.getByLabel('代表者').inputValue(), '代表取締役 群馬 太郎');
    assert.equal(await page.getByLabel('代表者').getAttribute('aria-invalid'), null, 'only the photo is marked invalid');
    assert.equal(await page.locator('[aria-invalid="true"]').count(), 1);
    assert.ok(await page.getByRole('checkbox', { name: 'くるみん', exact: true }).isChecked());
    await assert.doesNotReject(page.getByRole('alert').filter({ hasText: '入力内容に' }).waitFor());
    // the summary links to the field
    assert.equal(await page.getByRole('link', { name: /「企業写真」/ }).getAttribute('href'), '#f-photo');
    await assertAccessible(page, 'company edit form with errors');
    // nothing was stored
    assert.match(await (await page.request.get(srv.url + '/mypage')).text(), /未公開（下書き）/);

    // a real JPEG, drawn by the browser
    const jpeg = Buffer.from((await page.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 800; c.height = 500;
      const g = c.getContext('2d');
      g.fillStyle = '#2a6f97'; g.fillRect(0, 0, 800, 500);
      g.fillStyle = '#f4d35e'; g.fillRect(100, 100, 300, 200);
      return c.toDataURL('image/jpeg', 0.9);
    })).split(',')[1], 'base64');
    await page.goto(srv.url + '/mypage/company');
    await page.getByLabel('魅力・仕事データ').fill('若手が設計から関われます。');
    await page.getByLabel('代表者').fill('代表取締役 群馬 太郎');
    await page.getByRole('checkbox', { name: 'くるみん', exact: true }).check();
    await page.getByLabel('企業写真の説明').fill('アクメ精工の工場');
    await page.getByLabel('企業写真', { exact: true }).setInputFiles({ name: 'factory.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await page.getByRole('button', { name: '承認を申請する' }).click();
    await page.waitForURL(/\/mypage\?done=company_pending$/);
    await assert.doesNotReject(page.getByRole('status').filter({ hasText: '変更を受け付けました' }).waitFor());
    await assert.doesNotReject(page.getByRole('region', { name: '企業情報' }).getByText('承認待ち', { exact: true }).waitFor());
    assert.equal((await fetch(publicUrl)).status, 404, 'not public before approval');
  });

  it('G22: staff see the diff at /staff/approvals and approve; the company is public with its new photo', async () => {
    await login(staff, srv.url, 'staff-e2e', STAFF_PW);
    await staff.goto(srv.url + '/staff/approvals');
    const rev = staff.getByRole('region', { name: 'アクメ精工株式会社（新規掲載）' });
    const row = rev.getByRole('row', { name: /魅力・仕事データ/ });
    assert.match(await row.textContent(), /（なし）.*若手が設計から関われます。/s);
    assert.match(await rev.getByRole('row', { name: /認証制度ロゴ/ }).textContent(), /くるみん/);
    await assert.doesNotReject(rev.getByRole('img', { name: '変更後の企業写真' }).waitFor());
    await assertAccessible(staff, 'staff approvals');
    await staff.setViewportSize({ width: 320, height: 700 });
    await assertReflows(staff, 'staff approvals at 320 px');
    await staff.setViewportSize({ width: 390, height: 844 });
    await rev.getByRole('button', { name: '承認' }).click();
    await staff.waitForURL(/done=approved/);
    await assert.doesNotReject(staff.getByText('承認待ちの企業情報はありません。').waitFor());

    const res = await fetch(publicUrl);
    assert.equal(res.status, 200);
    await page.goto(publicUrl);
    const img = page.getByRole('img', { name: 'アクメ精工の工場' });
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    assert.match(await img.evaluate((el) => el.currentSrc), /\/media\/[0-9a-f]{32}-\d+\.(webp|jpg)$/);
    await assert.doesNotReject(page.getByText('若手が設計から関われます。').waitFor());
    const mails = await waitForMails(mailDir, (m) => m.subject === '企業情報が承認されました', 1);
    assert.equal(mails.length, 1);
    assert.equal(mails[0].to, 'acme@example.jp');
    assert.match(mails[0].body, /2026年4月30日/);
    // My Page: the period, JST dates, days left
    await page.goto(srv.url + '/mypage');
    const facts = await page.getByRole('region', { name: '企業情報' }).textContent();
    assert.match(facts, /公開中/);
    assert.match(facts, /2026年4月1日〜2026年4月30日（残り30日）/);
  });

  it('G22: a rejection needs a reason, mails it, and leaves the public version as it was', async () => {
    await page.goto(srv.url + '/mypage/company');
    await page.getByLabel('代表者').fill('代表取締役 差戻 次郎');
    await page.getByRole('button', { name: '承認を申請する' }).click();
    await page.waitForURL(/done=company_pending/);
    await staff.goto(srv.url + '/staff/approvals');
    const rev = staff.getByRole('region', { name: 'アクメ精工株式会社' });
    assert.match(await rev.getByRole('row', { name: /代表者/ }).textContent(), /群馬 太郎.*差戻 次郎/s);
    // only what changed: no line-end or code-versus-name differences
    assert.equal(await rev.getByRole('row').count(), 2, 'the header and the one changed field');
    await rev.getByRole('button', { name: '差し戻し' }).click();
    await assert.doesNotReject(staff.getByRole('alert').filter({ hasText: '差し戻しの理由を入力してください。' }).waitFor());
    await assertAccessible(staff, 'staff approvals with an error');
    await staff.getByLabel('差し戻しの理由（必須）').fill('代表者のお名前を正式な表記にしてください。');
    await staff.getByRole('button', { name: '差し戻し' }).click();
    await staff.waitForURL(/done=rejected/);
    const mails = await waitForMails(mailDir, (m) => m.subject === '企業情報が差し戻されました', 1);
    assert.equal(mails.length, 1);
    assert.equal(mails[0].to, 'acme@example.jp');
    assert.match(mails[0].body, /代表者のお名前を正式な表記にしてください。/);
    assert.doesNotMatch(await (await fetch(publicUrl)).text(), /差戻 次郎/);
    await page.goto(srv.url + '/mypage');
    assert.match(await page.getByRole('region', { name: '企業情報' }).textContent(), /差し戻し.*代表者のお名前を正式な表記にしてください。/s);
  });

  it('G25: 更新 extends the period by one month from the old end date (not from today)', async () => {
    await page.goto(srv.url + '/mypage');
    const section = page.getByRole('region', { name: '企業情報' });
    assert.match(await section.textContent(), /2026年5月31日までになります/);
    await section.getByRole('button', { name: '更新' }).click();
    await page.waitForURL(/done=renewed/);
    const text = await page.getByRole('region', { name: '企業情報' }).textContent();
    assert.match(text, /2026年4月1日〜2026年5月31日（残り61日）/);
    assert.match(text, /掲載終了日の1か月前から行えます/);
    assert.equal(await page.getByRole('button', { name: '更新' }).count(), 0, 'no second renewal two units ahead');
    await assertAccessible(page, 'My Page after renewal');
  });

  it('the clock override is refused unless tests or --dev allow it', () => {
    const r = cli(['tick', '--data', srv.data], { env: { TSUNAGU_NOW: START, TSUNAGU_ALLOW_CLOCK_OVERRIDE: '' } });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /TSUNAGU_NOW.*--dev.*TSUNAGU_ALLOW_CLOCK_OVERRIDE=1/);
    const bad = cli(['tick', '--data', srv.data], { env: { TSUNAGU_NOW: '2026-04-01 09:00', TSUNAGU_ALLOW_CLOCK_OVERRIDE: '1' } });
    assert.equal(bad.status, 2);
  });

  it('G23-G25: tick at T-14 and T-3 sends each notice once (mail and My Page); at T+0 the company is archived (404) and 更新 restores it', async () => {
    const tick = (at) => {
      const r = cli(['tick', '--data', srv.data], { env: { ...smtpEnv, TSUNAGU_NOW: at, TSUNAGU_ALLOW_CLOCK_OVERRIDE: '1' } });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    const notices = (days) => readMails(mailDir).filter((m) => m.to === 'acme@example.jp' && m.subject === `企業情報の掲載期間が残り${days}日です`);
    // the period ends 2026-06-01 00:00 JST (last day 5/31)
    assert.match(tick('2026-05-17T09:00:00+09:00'), /listing notices 0 sent, 0 companies archived/);
    assert.match(tick('2026-05-18T09:00:00+09:00'), /listing notices 1 sent/);
    assert.match(tick('2026-05-18T09:30:00+09:00'), /listing notices 0 sent/);
    await waitForMails(mailDir, (m) => m.subject.includes('残り14日'), 1);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(notices(14).length, 1, 'the 14-day notice once');
    assert.match(notices(14)[0].body, /2026年5月31日/);
    assert.match(tick('2026-05-29T09:00:00+09:00'), /listing notices 1 sent/);
    assert.match(tick('2026-05-30T09:00:00+09:00'), /listing notices 0 sent, 0 companies archived/);
    await waitForMails(mailDir, (m) => m.subject.includes('残り3日'), 1);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(notices(3).length, 1, 'the 3-day notice once');
    assert.equal(notices(14).length, 1);
    await page.goto(srv.url + '/mypage');
    const list = page.getByRole('region', { name: '企業情報' }).getByRole('listitem');
    const items = await list.allTextContents();
    assert.match(items.join('\n'), /残り3日[\s\S]*残り14日/);
    assert.equal(items.filter((t) => t.includes('（残り3日）')).length, 1, 'the 3-day notice once on My Page');
    assert.equal(items.filter((t) => t.includes('（残り14日）')).length, 1, 'the 14-day notice once on My Page');

    assert.equal((await fetch(publicUrl)).status, 200);
    assert.match(tick('2026-06-01T09:00:00+09:00'), /1 companies archived/);
    assert.match(tick('2026-06-01T09:10:00+09:00'), /0 companies archived/);
    assert.equal((await fetch(publicUrl)).status, 404, 'archived: not public (G24)');
    const ended = await waitForMails(mailDir, (m) => m.subject === '企業情報の掲載期間が終了しました', 1);
    assert.equal(ended.length, 1);
    await page.goto(srv.url + '/mypage');
    const section = page.getByRole('region', { name: '企業情報' });
    assert.match(await section.textContent(), /アーカイブ/);
    await assertAccessible(page, 'My Page of an archived company');
    await section.getByRole('button', { name: '更新' }).click();
    await page.waitForURL(/done=renewed/);
    // kept, and restored: one more month after the old end
    assert.match(await page.getByRole('region', { name: '企業情報' }).textContent(), /公開中[\s\S]*2026年4月1日〜2026年6月30日/);
    assert.equal((await fetch(publicUrl)).status, 200);
    assert.match(await (await fetch(publicUrl)).text(), /若手が設計から関われます。/);
  });

  it('the edit form works with the keyboard alone', async () => {
    await page.goto(srv.url + '/mypage/company');
    const seen = [];
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => ({ id: document.activeElement.id, tag: document.activeElement.tagName,
        text: document.activeElement.textContent.trim() }));
      seen.push(f.id || f.text);
      if (f.id === 'f-attractions') { await page.keyboard.press('Control+End'); await page.keyboard.type('（キーボードで追記）'); }
      if (f.id === 'f-certifications-2') await page.keyboard.press('Space');
      if (f.tag === 'BUTTON' && f.text === '承認を申請する') break;
    }
    for (const id of ['f-name', 'f-business', 'f-industry-1', 'f-photo', 'f-certifications-1', 'f-website', 'f-video_url']) {
      assert.ok(seen.includes(id), `Tab reaches ${id}`);
    }
    assert.equal(seen.at(-1), '承認を申請する', 'Tab reaches the submit button');
    await page.keyboard.press('Enter');
    await page.waitForURL(/done=company_pending/);
    await page.goto(srv.url + '/mypage/company');
    assert.match(await page.getByLabel('魅力・仕事データ').inputValue(), /（キーボードで追記）$/);
    assert.ok(await page.locator('#f-certifications-2').isChecked(), 'Space ticked a checkbox');
  });

  it('access: only the company edits its information, only staff see approvals, each POST needs its CSRF token', async () => {
    let res = await page.request.get(srv.url + '/staff/approvals', { maxRedirects: 0 });
    assert.equal(res.status(), 403, 'a company cannot see the approvals');
    res = await staff.request.get(srv.url + '/mypage/company', { maxRedirects: 0 });
    assert.equal(res.status(), 403, 'staff have no company My Page');
    res = await page.request.post(srv.url + '/mypage/company/renew', { form: { csrf_token: 'forged' }, maxRedirects: 0 });
    assert.equal(res.status(), 403, 'renewal without a valid token');
    res = await staff.request.post(srv.url + '/staff/approvals/1', { form: { decision: 'approve' }, maxRedirects: 0 });
    assert.equal(res.status(), 403, 'a decision without a token');
    res = await fetch(srv.url + '/mypage/company', { redirect: 'manual' });
    assert.equal(res.status, 303, 'signed out: to the login page');
    res = await page.request.get(srv.url + '/mypage/company');
    assert.equal(res.status(), 200);
    assert.match(res.headers()['cache-control'] || '', /no-store/, 'the company My Page is never cached');
  });
});
