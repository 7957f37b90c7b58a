// totp.test.mjs - staff two-factor sign-in (issue 6 item 6; B05, SEC14, SEC16, SEC17): forced enrolment of an
// edit-role member, QR page with the manual key, code computed here with HMAC-SHA1 (RFC 6238), recovery codes
// shown once and single use, replay refused, wrong codes counted in the password lock-out, admin reset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startServer, launchBrowser, assertAccessible, assertReflows, login } from './harness.mjs';

const PW = 'Akagi-Haruna-Myogi-26';
const ADMIN_PW = 'Kusatsu-Ikaho-Minakami-26';

function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0; let acc = 0; const out = [];
  for (const ch of s.replace(/[\s=]/g, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    assert.ok(v >= 0, `base32 character ${ch}`);
    acc = (acc << 5) | v; bits += 5;
    if (bits >= 8) { out.push((acc >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}

function hotp(key, counter) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
  return String(bin % 1_000_000).padStart(6, '0');
}

const step = () => Math.floor(Date.now() / 1000 / 30);

/** A six-digit code that is none of the codes of the steps around now. */
function wrongCode(key) {
  const near = new Set([-2, -1, 0, 1, 2, 3].map((d) => hotp(key, step() + d)));
  for (let i = 0; ; i++) {
    const c = String((123456 + i * 7919) % 1_000_000).padStart(6, '0');
    if (!near.has(c)) return c;
  }
}

async function logout(page) {
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await page.waitForURL(/logged_out=1/);
}

/** Forced enrolment after login; returns { key, usedStep, codes }. */
async function enrol(page, url, label) {
  await page.waitForURL(/\/mypage\/2fa\?required=1$/);
  await assert.doesNotReject(page.getByText('二段階認証を設定するまで、ほかの画面は使えません').waitFor());
  await assertAccessible(page, `${label}: 2fa start`);
  // nothing else until enrolled
  await page.goto(url + '/staff');
  assert.match(page.url(), /\/mypage\/2fa\?required=1$/);
  await page.getByRole('button', { name: '設定を始める' }).click();
  await page.waitForURL(/\/mypage\/2fa$/);
  const qr = page.getByRole('img', { name: /認証アプリで読み取るQRコード/ });
  assert.equal(await qr.count(), 1, 'the QR code with its text alternative');
  const shown = (await page.locator('#totp-key').textContent()).trim();
  assert.match(shown, /^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/, 'the manual key in groups of four');
  await assertAccessible(page, `${label}: 2fa enrolment`);
  await assertReflows(page, `${label}: 2fa enrolment`);
  await page.setViewportSize({ width: 320, height: 640 });
  await assertReflows(page, `${label}: 2fa enrolment at 320 px`);
  await page.setViewportSize({ width: 390, height: 844 });
  const key = base32Decode(shown);
  assert.equal(key.length, 20);
  // a wrong code is refused next to the field
  await page.getByLabel('確認コード（6桁）').fill(wrongCode(key));
  await page.getByRole('button', { name: '設定を完了する' }).click();
  await assert.doesNotReject(page.getByRole('alert').getByText('確認コードが正しくありません').waitFor());
  assert.equal(await page.getByLabel('確認コード（6桁）').getAttribute('aria-invalid'), 'true');
  await assertAccessible(page, `${label}: 2fa enrolment error`);
  const usedStep = step();
  await page.getByLabel('確認コード（6桁）').fill(hotp(key, usedStep));
  await page.getByRole('button', { name: '設定を完了する' }).click();
  await page.getByRole('heading', { name: 'リカバリーコード' }).waitFor();
  const codes = (await page.getByRole('list', { name: /リカバリーコード/ }).getByRole('listitem').allTextContents())
    .map((c) => c.trim());
  assert.equal(codes.length, 10);
  for (const c of codes) assert.match(c, /^[A-Z2-7]{5}-[A-Z2-7]{5}$/);
  assert.equal(new Set(codes).size, 10);
  await assertAccessible(page, `${label}: recovery codes`);
  await assertReflows(page, `${label}: recovery codes`);
  // shown once: the page never shows them again
  await page.goto(url + '/mypage/2fa');
  assert.equal(await page.getByText(codes[0]).count(), 0);
  await assert.doesNotReject(page.getByText('使えるリカバリーコードの残り：10個').waitFor());
  await assertAccessible(page, `${label}: 2fa active`);
  return { key, usedStep, codes };
}

test('B05/SEC14: edit staff enrols TOTP, signs in with password + code; replay, recovery codes, lock-out, admin reset',
  { timeout: 240_000 }, async () => {
    const srv = await startServer({
      env: { TSUNAGU_LOGIN_REQUIRE_2FA_ROLES: 'edit,admin', TSUNAGU_LOGIN_MAX_FAILURES: '3' },
      users: [
        { kind: 'staff', login: 'totp-edit', email: 'totp-edit@example.jp', department: 'pref', name: '二段 編集', password: PW, role: 'edit' },
        { kind: 'staff', login: 'totp-admin', email: 'totp-admin@example.jp', department: 'pref', name: '二段 管理', password: ADMIN_PW, role: 'admin' },
      ],
    });
    const browser = await launchBrowser();
    try {
      const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'ja-JP' });
      const page = await ctx.newPage();
      await login(page, srv.url, 'totp-edit', PW);
      const { key, usedStep, codes } = await enrol(page, srv.url, 'edit');
      await logout(page);

      // password, then the second step; no session before it
      await login(page, srv.url, 'totp-edit', PW);
      await page.waitForURL(/\/login\/2fa$/);
      await assertAccessible(page, 'login 2fa');
      await assertReflows(page, 'login 2fa');
      const cookies = await ctx.cookies();
      assert.ok(!cookies.some((c) => c.name.endsWith('tsunagu_sid')), 'no session before the second step');
      await page.goto(srv.url + '/mypage');
      assert.match(page.url(), /\/login\?next=/, 'My Page needs the full login');
      await page.goto(srv.url + '/login/2fa');
      // the code that confirmed enrolment was spent: the same step is refused (replay)
      await page.getByLabel('確認コード').fill(hotp(key, usedStep));
      await page.getByRole('button', { name: '確認する' }).click();
      await assert.doesNotReject(page.getByRole('alert').getByText('確認コードが正しくありません').waitFor());
      assert.equal(await page.getByLabel('確認コード').getAttribute('aria-invalid'), 'true');
      await assertAccessible(page, 'login 2fa error');
      // keyboard only: the field, type, Enter
      await page.getByLabel('確認コード').focus();
      await page.keyboard.type(hotp(key, usedStep + 1));
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/mypage$/);
      assert.ok((await ctx.cookies()).some((c) => c.name.endsWith('tsunagu_sid')), 'a session after the code');
      await page.goto(srv.url + '/staff');
      assert.match(page.url(), /\/staff$/, 'the back office opens once enrolled');
      await logout(page);

      // a recovery code works once
      await login(page, srv.url, 'totp-edit', PW);
      await page.waitForURL(/\/login\/2fa$/);
      await page.getByLabel('確認コード').fill(codes[0].toLowerCase());
      await page.getByRole('button', { name: '確認する' }).click();
      await page.waitForURL(/\/mypage\/2fa\?recovery=1$/);
      await assert.doesNotReject(page.getByText('使えるリカバリーコードの残り：9個').waitFor());
      await logout(page);
      await login(page, srv.url, 'totp-edit', PW);
      await page.waitForURL(/\/login\/2fa$/);
      await page.getByLabel('確認コード').fill(codes[0]);
      await page.getByRole('button', { name: '確認する' }).click();
      await assert.doesNotReject(page.getByRole('alert').getByText('確認コードが正しくありません').waitFor());
      // wrong codes count in the password lock-out (3 failures here): two more lock the ID
      await page.getByLabel('確認コード').fill(wrongCode(key));
      await page.getByRole('button', { name: '確認する' }).click();
      await assert.doesNotReject(page.getByRole('alert').getByText('確認コードが正しくありません').waitFor());
      await page.getByLabel('確認コード').fill(wrongCode(key));
      await page.getByRole('button', { name: '確認する' }).click();
      await assert.doesNotReject(page.getByRole('alert').getByText('ログインを15分間停止しています').waitFor());
      // the right password is refused too while locked
      await login(page, srv.url, 'totp-edit', PW);
      await assert.doesNotReject(page.getByRole('alert').getByText('ログインを15分間停止しています').waitFor());
      assert.match(page.url(), /\/login$/);

      // an administrator resets the edit member's 2FA from the staff master (audited)
      const admin = await (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'ja-JP' })).newPage();
      await login(admin, srv.url, 'totp-admin', ADMIN_PW);
      const adm = await enrol(admin, srv.url, 'admin');
      // new recovery codes need a current code; the old ones are replaced
      await admin.getByLabel('確認コード（6桁）').fill(hotp(adm.key, adm.usedStep + 1));
      await admin.getByRole('button', { name: 'リカバリーコードを作り直す' }).click();
      await admin.getByRole('heading', { name: 'リカバリーコード' }).waitFor();
      const fresh = (await admin.getByRole('list', { name: /リカバリーコード/ }).getByRole('listitem').allTextContents())
        .map((c) => c.trim());
      assert.equal(fresh.length, 10);
      assert.ok(!fresh.some((c) => adm.codes.includes(c)), 'regenerated codes are new');
      await admin.goto(srv.url + '/staff/accounts');
      await admin.getByRole('link', { name: /二段 編集|totp-edit/ }).first().click();
      await assert.doesNotReject(admin.getByRole('region', { name: '二段階認証' }).getByText('設定済み').waitFor());
      await assertAccessible(admin, 'staff account with 2fa');
      await admin.getByRole('button', { name: '二段階認証をリセットする' }).click();
      await assert.doesNotReject(admin.getByText('二段階認証をリセットしました').waitFor());
      await assert.doesNotReject(admin.getByRole('region', { name: '二段階認証' }).getByText('未設定').waitFor());
    } finally {
      await browser.close();
      await srv.stop();
      srv.cleanup();
    }
  });

test('B05: with require_2fa_roles empty (the harness default) an edit member signs in with the password alone; 2FA stays optional',
  { timeout: 60_000 }, async () => {
    const srv = await startServer({
      users: [{ kind: 'staff', login: 'plain-edit', email: 'plain-edit@example.jp', department: 'pref', name: '従来 編集', password: PW, role: 'edit' }],
    });
    const browser = await launchBrowser();
    try {
      const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
      await login(page, srv.url, 'plain-edit', PW);
      await page.waitForURL(/\/mypage$/);
      await page.goto(srv.url + '/mypage/2fa');
      await assert.doesNotReject(page.getByRole('button', { name: '設定を始める' }).waitFor());
      assert.equal(await page.getByText('ほかの画面は使えません').count(), 0, 'not forced when the setting is empty');
    } finally {
      await browser.close();
      await srv.stop();
      srv.cleanup();
    }
  });
