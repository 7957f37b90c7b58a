// register.test.mjs - member registration confirmed by e-mail, login ID issue, password set and reset by mail,
// the job seeker's profile (issue 5 items 3, 4, 7; G11, G12, G21, SEC04, SEC05, B04), against the real binary
// and a real SMTP server (tests/tools/smtp_sink.py). Every new page passes axe and reflows at 320 px.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DEMO_PASSWORD, cli, startServer, launchBrowser, assertAccessible, assertReflows, login } from './harness.mjs';
import { startSink } from './mailsink.mjs';

const NEW_PASSWORD = 'Gunma-Shushoku-2026!';
const RESET_PASSWORD = 'Akagi-Haruna-Myogi-3';

let srv;
let browser;
let sink;

function sql(query) {
  const r = spawnSync('sqlite3', [join(srv.data, 'tsunagu.db'), query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

async function newPage() {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'ja-JP' });
  return ctx.newPage();
}

/** axe, then reflow at 320 px, then back to the phone size. */
async function checkPage(page, label) {
  await assertAccessible(page, label);
  await page.setViewportSize({ width: 320, height: 800 });
  await assertReflows(page, label + ' at 320 px');
  await page.setViewportSize({ width: 390, height: 844 });
}

async function fillSeeker(page, { email, name = '高崎 花子', kana = 'たかさき はなこ' }) {
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('氏名').fill(name);
  await page.getByLabel('ふりがな').fill(kana);
  await page.getByLabel('生年月日').fill('2004-05-06');
  await page.getByLabel('電話番号').fill('027-123-4567');
  await page.getByLabel('卒業（予定）年月').fill('2027-03');
  await page.getByLabel('あてはまる区分').selectOption({ label: '新卒' });
  await page.getByLabel('希望する職種・勤務地など').fill('事務職、高崎市内');
}

/** The form's fields as a browser would send them, from a freshly opened form page (no proof of work). */
async function formFields(page, path) {
  await page.goto(srv.url + path);
  return page.evaluate(() => Object.fromEntries(new FormData(document.querySelector('main form')).entries()));
}

async function post(page, path, fields) {
  return page.evaluate(async ({ path, fields }) => {
    const res = await fetch(path, { method: 'POST', body: new URLSearchParams(fields), redirect: 'follow' });
    return { status: res.status, url: res.url, text: await res.text() };
  }, { path, fields });
}

/** The proof of work pow.js would find: SHA-256(token ":" n) starting with the token's difficulty in zero bits. */
function solve(token) {
  const bits = Number(token.split('.')[3]);
  for (let n = 0; ; n++) {
    const h = createHash('sha256').update(`${token}:${n}`).digest();
    let z = 0;
    for (const b of h) { if (b === 0) { z += 8; continue; } z += Math.clz32(b) - 24; break; }
    if (z >= bits) return String(n);
  }
}

before(async () => {
  sink = await startSink({ timeout: 600 });
  srv = await startServer({
    env: {
      TSUNAGU_SMTP_URL: sink.url, TSUNAGU_MAIL_FROM: 'noreply@example.jp',
      TSUNAGU_ANTISPAM_RATE_MAX: '200',
    },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  srv?.cleanup();
  sink?.stop();
});

describe('registration by e-mail (G11, G21, issue 5 item 3)', () => {
  it('G11: a job seeker registers, confirms by the mailed link, gets a J login ID on screen and by mail, sets a password, logs in and edits the profile (G12)', async () => {
    const page = await newPage();
    const email = 'hanako.e2e@example.jp';
    await page.goto(srv.url + '/login');
    await checkPage(page, 'login page with the registration links');
    await page.getByRole('link', { name: '利用者登録（求職者の方）' }).click();
    await page.waitForURL(srv.url + '/register/seeker');
    await checkPage(page, 'seeker registration form');

    // a rejected form keeps what was typed and says what is wrong next to the field
    await fillSeeker(page, { email, kana: 'Hanako' });
    await page.getByRole('button', { name: '確認メールを送信する' }).click();
    await page.getByRole('alert').waitFor();
    assert.equal(await page.getByLabel('ふりがな').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#f-kana-error').innerText(), /ひらがなまたはカタカナ/);
    assert.equal(await page.getByLabel('氏名').inputValue(), '高崎 花子');
    assert.equal(await page.getByLabel('メールアドレス').inputValue(), email);
    assert.equal(await page.getByLabel('あてはまる区分').inputValue(), 'shinsotsu');
    await checkPage(page, 'seeker registration form with errors');
    await page.getByLabel('ふりがな').fill('たかさき はなこ');
    await page.getByRole('button', { name: '確認メールを送信する' }).click();
    await page.getByRole('heading', { name: '確認メールを送信しました' }).waitFor();
    await checkPage(page, 'registration sent page');

    const confirm = await sink.waitMail(email, 'メールアドレスの確認');
    assert.match(confirm.subject, /利用者登録/);
    const link = confirm.text.match(/https?:\/\/\S+\/register\/confirm\?token=[A-Za-z0-9_-]{43}/);
    assert.ok(link, confirm.text);
    assert.equal(sql(`SELECT held FROM registrations WHERE email = '${email}'`), '0');

    await page.goto(link[0]);
    const loginId = (await page.locator('.login-id-value').innerText()).trim();
    assert.match(loginId, /^J\d{8}$/);
    await checkPage(page, 'set password page');
    // the policy of the foundation applies
    await page.getByLabel('パスワード', { exact: true }).fill('short');
    await page.getByLabel('パスワード（確認）').fill('short');
    await page.getByRole('button', { name: 'パスワードを設定して登録を完了する' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /12文字以上/);
    await checkPage(page, 'set password page with an error');
    await page.getByLabel('パスワード', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('パスワード（確認）').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'パスワードを設定して登録を完了する' }).click();
    await page.getByRole('heading', { name: '登録が完了しました' }).waitFor();
    assert.equal((await page.locator('.login-id-value').innerText()).trim(), loginId);
    await checkPage(page, 'registration done page');

    const notice = await sink.waitMail(email, 'ログインIDのお知らせ');
    assert.ok(notice.text.includes(loginId), notice.text);
    assert.ok(!notice.text.includes(NEW_PASSWORD), 'the password is never mailed');
    assert.ok(!/\r\n(Bcc|Cc):/i.test(notice.head));

    // the link is single use
    await page.goto(link[0]);
    assert.match(await page.locator('main').innerText(), /すでに使われています/);
    await checkPage(page, 'used link page');

    await login(page, srv.url, loginId, NEW_PASSWORD);
    await page.waitForURL(srv.url + '/mypage');
    await checkPage(page, 'My Page of the new job seeker');
    // the name is sealed in the database (SEC06), yet My Page addresses the seeker by it, not by the login ID
    assert.equal((await page.locator('div').filter({ hasText: /^お名前・名称/ }).locator('dd').textContent()).trim(), '高崎 花子');
    await page.getByRole('link', { name: 'プロフィールの確認・変更' }).click();
    await page.waitForURL(srv.url + '/mypage/profile');
    assert.equal(await page.getByLabel('氏名').inputValue(), '高崎 花子');
    assert.equal(await page.getByLabel('生年月日').inputValue(), '2004-05-06');
    assert.equal(await page.getByLabel('あてはまる区分').inputValue(), 'shinsotsu');
    await checkPage(page, 'profile page');

    // wrong values: messages next to the fields, everything typed kept, nothing saved
    const phoneBefore = sql(`SELECT typeof(phone) || ':' || hex(phone) FROM seekers s JOIN accounts a ON a.id = s.account_id WHERE a.login = '${loginId}'`);
    assert.equal(await page.getByLabel('電話番号').inputValue(), '027-123-4567');
    await page.getByLabel('電話番号').fill('027-ABC');
    await page.getByLabel('希望する職種・勤務地など').fill('営業職、前橋市');
    await page.getByRole('button', { name: '変更を保存する' }).click();
    await page.getByRole('alert').waitFor();
    assert.equal(await page.getByLabel('電話番号').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#f-phone-error').innerText(), /半角数字/);
    assert.equal(await page.getByLabel('希望する職種・勤務地など').inputValue(), '営業職、前橋市');
    // the phone is sealed (issue 7 item 3; SEC06): the stored value is a blob, unchanged, and opens to the old number
    assert.equal(sql(`SELECT typeof(phone) || ':' || hex(phone) FROM seekers s JOIN accounts a ON a.id = s.account_id WHERE a.login = '${loginId}'`), phoneBefore);
    assert.match(phoneBefore, /^blob:/);
    await checkPage(page, 'profile page with errors');

    await page.getByLabel('電話番号').fill('090-1234-5678');
    await page.getByLabel('卒業（予定）年月').fill('2026-09');
    await page.getByLabel('あてはまる区分').selectOption({ label: '既卒' });
    await page.getByLabel('セミナー・イベントなどのお知らせメールを受け取る').uncheck();
    await page.getByRole('button', { name: '変更を保存する' }).click();
    await page.waitForURL(srv.url + '/mypage/profile?done=1');
    assert.match(await page.getByRole('status').first().innerText(), /保存しました/);
    await page.reload();
    assert.equal(await page.getByLabel('電話番号').inputValue(), '090-1234-5678');
    assert.equal(await page.getByLabel('卒業（予定）年月').inputValue(), '2026-09');
    assert.equal(await page.getByLabel('あてはまる区分').inputValue(), 'kisotsu');
    assert.equal(await page.getByLabel('希望する職種・勤務地など').inputValue(), '営業職、前橋市');
    assert.equal(await page.getByLabel('セミナー・イベントなどのお知らせメールを受け取る').isChecked(), false);
    const resp = await page.goto(srv.url + '/mypage/profile');
    assert.match(resp.headers()['cache-control'] || '', /no-store/);
    assert.match(sql("SELECT action FROM audit_log WHERE action = 'seeker.profile_update'"), /seeker\.profile_update/);
    await page.context().close();
  });

  it('G21: a company registers, gets a C login ID, sets a password and lands on My Page; its company entity is a draft the public cannot see', async () => {
    const page = await newPage();
    const email = 'jinji.e2e@example.co.jp';
    const name = 'つなぐ精機テスト株式会社';
    await page.goto(srv.url + '/');
    await page.getByRole('link', { name: '企業登録（無料）はこちら' }).click();
    await page.waitForURL(srv.url + '/register/company');
    await checkPage(page, 'company registration form');
    await page.getByLabel('ご担当者のメールアドレス').fill(email);
    await page.getByLabel('企業名', { exact: false }).first().fill(name);
    await page.getByLabel('企業名（ふりがな）').fill('つなぐせいきてすと');
    await page.getByLabel('代表者').fill('代表取締役 赤城 一郎');
    await page.getByLabel('所在地（市町村）').selectOption({ index: 1 });
    await page.getByLabel('所在地（住所）').fill('群馬県前橋市大手町1-1-1');
    await page.getByLabel('電話番号').fill('027-223-1111');
    await page.getByLabel('業種').selectOption({ index: 1 });
    await page.getByLabel('事業内容').fill('精密部品の製造');
    await page.getByLabel('ご担当者名').fill('人事部 榛名 花子');
    await page.getByRole('button', { name: '確認メールを送信する' }).click();
    await page.getByRole('heading', { name: '確認メールを送信しました' }).waitFor();

    const confirm = await sink.waitMail(email, 'メールアドレスの確認');
    assert.match(confirm.subject, /企業登録/);
    const link = confirm.text.match(/https?:\/\/\S+\/register\/confirm\?token=[A-Za-z0-9_-]{43}/);
    await page.goto(link[0]);
    const loginId = (await page.locator('.login-id-value').innerText()).trim();
    assert.match(loginId, /^C\d{8}$/);
    await page.getByLabel('パスワード', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('パスワード（確認）').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'パスワードを設定して登録を完了する' }).click();
    await page.getByRole('heading', { name: '登録が完了しました' }).waitFor();
    const notice = await sink.waitMail(email, 'ログインIDのお知らせ');
    assert.ok(notice.text.includes(loginId));

    await login(page, srv.url, loginId, NEW_PASSWORD);
    await page.waitForURL(srv.url + '/mypage');
    assert.match(await page.locator('main').innerText(), new RegExp(loginId));
    // a draft company entity linked to the account, not on the public list or search
    assert.equal(sql(`SELECT e.status FROM company_accounts c JOIN accounts a ON a.id = c.account_id JOIN entities e ON e.id = c.entity_id WHERE a.login = '${loginId}'`), 'draft');
    assert.equal(sql(`SELECT e.title FROM company_accounts c JOIN accounts a ON a.id = c.account_id JOIN entities e ON e.id = c.entity_id WHERE a.login = '${loginId}'`), name);
    const pub = await newPage();
    await pub.goto(srv.url + '/companies?q=' + encodeURIComponent('つなぐ精機テスト'));
    assert.ok(!(await pub.locator('main').innerText()).includes(name), 'a draft is not public');
    await pub.goto(srv.url + '/companies');
    assert.ok(!(await pub.locator('main').innerText()).includes(name));
    // a company has no seeker profile
    const r = await page.goto(srv.url + '/mypage/profile');
    assert.equal(r.status(), 403);
    await pub.context().close();
    await page.context().close();
  });

  it('G11: an address already registered gets the same screen, and the mail says it is registered instead of a link', async () => {
    const page = await newPage();
    const texts = [];
    for (const email of ['seeker@demo.tsunagu.invalid', 'fresh.e2e@example.jp']) {
      await page.goto(srv.url + '/register/seeker');
      await fillSeeker(page, { email });
      await page.getByRole('button', { name: '確認メールを送信する' }).click();
      await page.getByRole('heading', { name: '確認メールを送信しました' }).waitFor();
      texts.push({ url: page.url(), text: await page.locator('main').innerText() });
    }
    assert.deepEqual(texts[0], texts[1]);
    const dup = await sink.waitMail('seeker@demo.tsunagu.invalid', '利用者登録のお申し込みについて');
    assert.match(dup.text, /すでに登録されています/);
    assert.ok(!/register\/confirm/.test(dup.text), 'no registration link for a registered address');
    assert.match(dup.text, /\/password\/forgot/);
    await sink.waitMail('fresh.e2e@example.jp', 'メールアドレスの確認');
    assert.equal(sql("SELECT COUNT(*) FROM registrations WHERE email = 'seeker@demo.tsunagu.invalid'"), '0');
    await page.context().close();
  });
});

describe('password reset by e-mail (issue 5 item 7)', () => {
  it('SEC14: request → mail → link (one hour, single use) → new password; sessions end, the old password fails, the new one works', async () => {
    const page = await newPage();
    const other = await newPage();
    await login(other, srv.url, 'demo-seeker', DEMO_PASSWORD);
    await other.waitForURL(srv.url + '/mypage');

    await page.goto(srv.url + '/login');
    await page.getByRole('link', { name: 'パスワードをお忘れの方' }).click();
    await page.waitForURL(srv.url + '/password/forgot');
    await checkPage(page, 'forgot form');
    // a malformed address: message next to the field, value kept
    await page.getByLabel('ご登録のメールアドレス').fill('seeker@');
    await page.getByRole('button', { name: '再設定のメールを送信する' }).click();
    await page.getByRole('alert').waitFor();
    assert.equal(await page.getByLabel('ご登録のメールアドレス').inputValue(), 'seeker@');
    assert.equal(await page.getByLabel('ご登録のメールアドレス').getAttribute('aria-invalid'), 'true');
    // an unknown address gets the same answer as a known one
    await page.getByLabel('ご登録のメールアドレス').fill('nobody.e2e@example.jp');
    await page.getByRole('button', { name: '再設定のメールを送信する' }).click();
    await page.getByRole('heading', { name: 'メールを送信しました' }).waitFor();
    const unknownText = await page.locator('main').innerText();
    await page.goto(srv.url + '/password/forgot');
    await page.getByLabel('ご登録のメールアドレス').fill('SEEKER@demo.tsunagu.invalid');
    await page.getByRole('button', { name: '再設定のメールを送信する' }).click();
    await page.getByRole('heading', { name: 'メールを送信しました' }).waitFor();
    assert.equal(await page.locator('main').innerText(), unknownText);
    await checkPage(page, 'forgot sent page');

    const mail = await sink.waitMail('seeker@demo.tsunagu.invalid', 'パスワードの再設定');
    assert.match(mail.text, /demo-seeker/);
    const link = mail.text.match(/https?:\/\/\S+\/password\/reset\?token=[A-Za-z0-9_-]{43}/);
    assert.ok(link, mail.text);
    assert.ok(!sink.mails().some((m) => m.to === 'nobody.e2e@example.jp'));

    await page.goto(link[0]);
    assert.equal((await page.locator('.login-id-value').innerText()).trim(), 'demo-seeker');
    await checkPage(page, 'reset form');
    await page.getByLabel('新しいパスワード', { exact: true }).fill(RESET_PASSWORD);
    await page.getByLabel('新しいパスワード（確認）').fill(RESET_PASSWORD + 'x');
    await page.getByRole('button', { name: 'パスワードを再設定する' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /一致しません/);
    await page.getByLabel('新しいパスワード', { exact: true }).fill(RESET_PASSWORD);
    await page.getByLabel('新しいパスワード（確認）').fill(RESET_PASSWORD);
    await page.getByRole('button', { name: 'パスワードを再設定する' }).click();
    await page.getByRole('heading', { name: 'パスワードを再設定しました' }).waitFor();
    await checkPage(page, 'reset done page');

    // the other browser's session has ended
    await other.goto(srv.url + '/mypage');
    assert.match(other.url(), /\/login\?next=/);
    // reuse of the link is refused, with a way to ask again
    const again = await page.goto(link[0]);
    assert.equal(again.status(), 410);
    assert.match(await page.locator('main').innerText(), /すでに使われています/);
    await page.getByRole('link', { name: 'パスワードの再設定をもう一度申し込む' }).waitFor();
    await checkPage(page, 'used reset link page');
    // a made-up token
    const bad = await page.goto(srv.url + '/password/reset?token=' + 'A'.repeat(43));
    assert.equal(bad.status(), 404);

    await login(page, srv.url, 'demo-seeker', DEMO_PASSWORD);
    await page.getByRole('alert').waitFor();
    assert.match(page.url(), /\/login/);
    await login(page, srv.url, 'demo-seeker', RESET_PASSWORD);
    await page.waitForURL(srv.url + '/mypage');
    assert.match(sql("SELECT action FROM audit_log WHERE action = 'password.reset'"), /password\.reset/);
    await other.context().close();
    await page.context().close();
  });

  it('an expired reset link (older than an hour) is refused with a clear message; the request form works by keyboard alone', async () => {
    const page = await newPage();
    await page.goto(srv.url + '/password/forgot');
    // keyboard alone: Tab to the field (the honeypot is never reached), type, Enter
    const seen = new Set(sink.mails().map((m) => m.file));
    let focused = '';
    for (let i = 0; i < 40 && focused !== 'f-email'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.id || '');
      assert.notEqual(focused, 'hp-password_forgot', 'the honeypot is out of the tab order');
    }
    assert.equal(focused, 'f-email');
    await page.keyboard.type('company@demo.tsunagu.invalid');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'メールを送信しました' }).waitFor();
    const mail = await sink.waitMail('company@demo.tsunagu.invalid', 'パスワードの再設定', seen);
    const link = mail.text.match(/https?:\/\/\S+\/password\/reset\?token=[A-Za-z0-9_-]{43}/);
    sql('UPDATE password_resets SET expires_at = expires_at - 3601 WHERE used_at IS NULL');
    const r = await page.goto(link[0]);
    assert.equal(r.status(), 410);
    assert.match(await page.locator('main').innerText(), /有効期限が切れています/);
    await page.context().close();
  });
});

describe('public forms refuse abuse (SEC04, SEC05, B04)', () => {
  it('SEC04: a CR/LF header injection in the name or the address is refused with a message, and no mail is sent', async () => {
    const page = await newPage();
    const before = sink.count();
    for (const [field, value] of [['name', '太郎\r\nBcc: victim@example.org'], ['email', 'a@example.jp\r\nBcc: victim@example.org']]) {
      const f = await formFields(page, '/register/seeker');
      Object.assign(f, {
        email: 'inject.e2e@example.jp', name: '上州 次郎', kana: 'じょうしゅう じろう', birth_date: '2001-01-01',
        target: 'kisotsu',
      }, { [field]: value });
      const res = await post(page, '/register/seeker', f);
      assert.equal(res.status, 200);
      assert.ok(!res.url.includes('/register/sent'), 'not accepted');
      assert.match(res.text, new RegExp(`id="f-${field}-error">[^<]*使えない文字`));
      assert.match(res.text, /aria-invalid="true"/);
    }
    const f = await formFields(page, '/password/forgot');
    const res = await post(page, '/password/forgot', { ...f, email: 'seeker@demo.tsunagu.invalid\r\nBcc: victim@example.org' });
    assert.match(res.text, /id="f-email-error">[^<]*使えない文字/);
    await new Promise((r) => setTimeout(r, 7000)); // the sender looks every 5 s
    assert.equal(sink.count(), before, 'no mail was sent');
    assert.ok(!sink.mails().some((m) => /victim/.test(m.head)));
    assert.equal(sql("SELECT COUNT(*) FROM registrations WHERE email LIKE 'inject%'"), '0');
    await page.context().close();
  });

  it('B04: a registration sent without the proof of work is stored but held, and staff review it (確認待ち → 確認済み)', async () => {
    const page = await newPage();
    const f = await formFields(page, '/register/seeker');
    // as a browser without JavaScript sends it: no proof of work (pow.js may already have filled it in here)
    const res = await post(page, '/register/seeker', {
      ...f, as_pow: '', email: 'nojs.e2e@example.jp', name: '渋川 三郎', kana: 'しぶかわ さぶろう', birth_date: '1999-09-09', target: 'chuto',
    });
    assert.match(res.url, /\/register\/sent\?held=1$/);
    assert.match(res.text, /担当者が内容を確認/);
    assert.equal(sql("SELECT held FROM registrations WHERE email = 'nojs.e2e@example.jp'"), '1');
    // the honeypot: the same answer, nothing stored
    const g = await formFields(page, '/register/seeker');
    const hp = await post(page, '/register/seeker', {
      ...g, website: 'http://spam.example', email: 'bot.e2e@example.jp', name: 'bot', kana: 'ぼっと', birth_date: '1999-09-09', target: 'chuto',
    });
    assert.match(hp.url, /\/register\/sent$/);
    assert.equal(sql("SELECT COUNT(*) FROM registrations WHERE email = 'bot.e2e@example.jp'"), '0');

    // the held registrant confirms as anyone would; the account stays 確認待ち until staff look at it
    const confirm = await sink.waitMail('nojs.e2e@example.jp', 'メールアドレスの確認');
    await page.goto(confirm.text.match(/https?:\/\/\S+\/register\/confirm\?token=[A-Za-z0-9_-]+/)[0]);
    const loginId = (await page.locator('.login-id-value').innerText()).trim();
    await page.getByLabel('パスワード', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('パスワード（確認）').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'パスワードを設定して登録を完了する' }).click();
    await page.getByRole('heading', { name: '登録が完了しました' }).waitFor();
    assert.equal(sql(`SELECT s.held FROM seekers s JOIN accounts a ON a.id = s.account_id WHERE a.login = '${loginId}'`), '1');

    // employment-support staff find it among the held members and mark it reviewed (B04 "held for staff review")
    const r = cli(['user', 'add', '--data', srv.data, '--kind', 'staff', '--login', 'held-reviewer', '--email', 'held-reviewer@example.jp',
      '--department', 'shushoku', '--name', '確認 担当'], { input: 'Review-Held-2026!\n' });
    assert.equal(r.status, 0, r.stderr);
    const staff = await newPage();
    await login(staff, srv.url, 'held-reviewer', 'Review-Held-2026!');
    await staff.waitForURL(srv.url + '/mypage');
    await staff.goto(srv.url + '/staff/members');
    await staff.getByLabel('確認待ち（スパム対策の確認なしで登録）の会員だけ').check();
    await staff.getByRole('button', { name: '検索する' }).click();
    const row = staff.getByRole('row', { name: new RegExp(loginId) });
    assert.match(await row.textContent(), /確認待ち/);
    assert.equal(await staff.getByRole('row').count(), 2, 'the header row and the one held member');
    await row.getByRole('link').click();
    await staff.getByRole('heading', { name: '確認待ちの登録' }).waitFor();
    await checkPage(staff, 'held member for review');
    await staff.getByRole('button', { name: '確認済みにする' }).click();
    await staff.getByRole('status').filter({ hasText: '確認済みにしました。' }).waitFor();
    assert.equal(await staff.getByRole('heading', { name: '確認待ちの登録' }).count(), 0);
    assert.equal(sql(`SELECT s.held FROM seekers s JOIN accounts a ON a.id = s.account_id WHERE a.login = '${loginId}'`), '0');
    assert.equal(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'member.release' AND actor = 'held-reviewer'"), '1');
  });

  it('B04: a proof-of-work token used once is refused when sent again (replay), with the values kept', async () => {
    const page = await newPage();
    const f = await formFields(page, '/register/seeker');
    const fields = {
      ...f, as_pow: solve(f.as_token), email: 'replay.e2e@example.jp', name: '桐生 四郎', kana: 'きりゅう しろう',
      birth_date: '1998-08-08', target: 'daini',
    };
    const first = await post(page, '/register/seeker', fields);
    assert.match(first.url, /\/register\/sent$/);
    const second = await post(page, '/register/seeker', fields);
    assert.ok(!second.url.includes('/register/sent'));
    assert.match(second.text, /すでに送信されています/);
    assert.match(second.text, /value="桐生 四郎"/);
    assert.equal(sql("SELECT COUNT(*) FROM registrations WHERE email = 'replay.e2e@example.jp'"), '1');
    // the same for the password reset request
    const g = await formFields(page, '/password/forgot');
    const rf = { ...g, as_pow: solve(g.as_token), email: 'nobody.e2e@example.jp' };
    assert.match((await post(page, '/password/forgot', rf)).url, /sent=1/);
    assert.match((await post(page, '/password/forgot', rf)).text, /すでに送信されています/);
    await page.context().close();
  });

  it('CSRF (SECURITY.md IPA 6): a registration POST without the form token is refused', async () => {
    const page = await newPage();
    const f = await formFields(page, '/register/seeker');
    delete f.csrf_token;
    const res = await post(page, '/register/seeker', { ...f, email: 'csrf.e2e@example.jp', name: 'x', kana: 'えっくす', birth_date: '2000-01-01', target: 'chuto' });
    assert.equal(res.status, 403);
    assert.equal(sql("SELECT COUNT(*) FROM registrations WHERE email = 'csrf.e2e@example.jp'"), '0');
    await page.context().close();
  });
});
