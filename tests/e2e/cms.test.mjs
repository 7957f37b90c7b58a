// cms.test.mjs - issue 6 item 5: the staff content editor (G05, G40-G44, G80; DESIGN.md). An editor writes a
// news item as a draft (the public URL stays 404), previews it (staff only), publishes it (it appears on
// /news), edits it and restores an old revision (the old text is public again); a booked publication appears
// at its time without anyone calling tick; the Markdown toolbar and live preview work by keyboard; the
// department rule (G62) holds against direct POSTs; every editor page passes axe and reflows at 320 px.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, assertAccessible, assertReflows, login, DEMO_PASSWORD,
} from './harness.mjs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const TITLE = 'CMSテストのお知らせ';
const FIRST_BODY = '最初の本文です。';
const SECOND_BODY = '書き換えた本文です。';

/** "2026-11-22T10:05:30" in JST for a datetime-local input. */
function jstLocal(ms) {
  return new Date(ms + 9 * 3600_000).toISOString().slice(0, 19);
}

describe('staff content editor (issue 6 item 5)', () => {
  let srv, browser;
  const sqlCount = (q) => Number(spawnSync('sqlite3', [join(srv.data, 'tsunagu.db'), q], { encoding: 'utf8' }).stdout.trim());

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
    const ctx = await browser.newContext({ viewport: { width, height: 844 } });
    const page = await ctx.newPage();
    if (loginId) {
      await login(page, srv.url, loginId, DEMO_PASSWORD);
      await page.waitForURL((u) => u.pathname !== '/login');
    }
    return page;
  }

  async function newsDraft(page, title, body) {
    await page.goto(srv.url + '/staff/content/news/new');
    await page.getByLabel(/^タイトル/).fill(title);
    await page.getByLabel(/^日付/).fill('2026-11-20');
    await page.getByLabel(/^本文/).fill(body);
    await page.getByRole('button', { name: '下書き保存' }).click();
    await page.waitForURL(/\/staff\/content\/news\/\d+\?done=created$/);
    return Number(new URL(page.url()).pathname.split('/').pop());
  }

  it('G05/G40: draft → staff preview → publish → edit → restore; the public sees only what is published', async () => {
    const page = await as('demo-shushoku');
    await page.goto(srv.url + '/staff');
    await page.getByRole('link', { name: /記事・ページの編集/ }).click();
    await assertAccessible(page, 'content types');
    await page.getByRole('link', { name: '新着情報' }).click();
    await assertAccessible(page, 'news list');
    await page.getByRole('link', { name: '新着情報を新しく作る' }).click();
    await assertAccessible(page, 'new form');

    // a required field left empty: the message next to it, what was typed kept
    await page.getByLabel(/^タイトル/).fill(TITLE);
    await page.getByRole('button', { name: '下書き保存' }).click();
    await assert.doesNotReject(page.getByText('「日付」を入力してください。').first().waitFor());
    assert.equal(await page.getByLabel(/^タイトル/).inputValue(), TITLE);
    assert.equal(await page.getByLabel(/^日付/).getAttribute('aria-invalid'), 'true');
    await assertAccessible(page, 'form with errors');

    const id = await newsDraft(page, TITLE, FIRST_BODY);
    await assert.doesNotReject(page.getByText('下書き', { exact: true }).first().waitFor());
    await assertAccessible(page, 'edit form');

    // the public URL of a draft is 404; the staff preview is 404 for anonymous visitors and members
    const anon = await as(null);
    assert.equal((await anon.request.get(`${srv.url}/news/${id}`)).status(), 404);
    const pv = await anon.request.get(`${srv.url}/staff/content/news/${id}/preview`, { maxRedirects: 0 });
    assert.equal(pv.status(), 404);
    assert.doesNotMatch(await pv.text(), new RegExp(FIRST_BODY));
    const seeker = await as('demo-seeker');
    const spv = await seeker.request.get(`${srv.url}/staff/content/news/${id}/preview`, { maxRedirects: 0 });
    assert.ok([403, 404].includes(spv.status()), `member got ${spv.status()}`);
    assert.doesNotMatch(await spv.text(), new RegExp(FIRST_BODY));

    // staff preview: the public template, a visible banner, no-store and noindex
    const res = await page.goto(`${srv.url}/staff/content/news/${id}/preview`);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['cache-control'] ?? '', /no-store/);
    assert.match(res.headers()['x-robots-tag'] ?? '', /noindex/);
    await assert.doesNotReject(page.getByText('プレビュー（未公開）').waitFor());
    await assert.doesNotReject(page.getByRole('heading', { level: 1, name: TITLE }).waitFor());
    await assert.doesNotReject(page.getByText(FIRST_BODY).waitFor());

    // publish: on /news for everyone
    await page.goto(`${srv.url}/staff/content/news/${id}`);
    await page.getByRole('button', { name: '公開', exact: true }).click();
    await page.waitForURL(/done=published/);
    await assert.doesNotReject(page.getByText('公開中', { exact: true }).first().waitFor());
    await anon.goto(srv.url + '/news');
    await assert.doesNotReject(anon.getByRole('link', { name: TITLE }).first().waitFor());
    assert.equal((await anon.request.get(`${srv.url}/news/${id}`)).status(), 200);

    // edit while published: the new text is public at once
    await page.getByLabel(/^本文/).fill(SECOND_BODY);
    await page.getByRole('button', { name: /^保存/ }).click();
    await page.waitForURL(/done=saved/);
    assert.match(await (await anon.request.get(`${srv.url}/news/${id}`)).text(), new RegExp(SECOND_BODY));

    // revisions: the diff of the first against now, then restore it (a new revision; history kept)
    await page.getByRole('link', { name: '変更履歴' }).click();
    await assertAccessible(page, 'revisions');
    await assertReflows(page, 'revisions (390)');
    const rows = page.getByRole('row');
    const count = await rows.count();
    assert.ok(count >= 4, `expected three revisions and a header row, got ${count} rows`);
    await rows.nth(count - 1).getByRole('link').click();
    await assert.doesNotReject(page.getByRole('heading', { name: '本文' }).waitFor());
    await assert.doesNotReject(page.locator('del', { hasText: FIRST_BODY }).waitFor());
    await assert.doesNotReject(page.locator('ins', { hasText: SECOND_BODY }).waitFor());
    await assert.doesNotReject(page.getByText('−削除').first().waitFor());  // not by colour alone
    await assertAccessible(page, 'diff');
    await page.getByRole('button', { name: /に戻す（復元）/ }).click();
    await page.waitForURL(/done=restored/);
    assert.equal(await page.getByLabel(/^本文/).inputValue(), FIRST_BODY);
    const pub = await (await anon.request.get(`${srv.url}/news/${id}`)).text();
    assert.match(pub, new RegExp(FIRST_BODY));
    assert.doesNotMatch(pub, new RegExp(SECOND_BODY));
    await page.getByRole('link', { name: '変更履歴' }).click();
    assert.equal(await page.getByRole('row').count(), count + 1);
    await assert.doesNotReject(page.getByText(/から復元/).first().waitFor());
    // every step is in the audit log with its Japanese label (SEC07)
    const admin = await as('demo-pref');
    await admin.goto(srv.url + '/staff/audit');
    for (const code of ['content.create', 'content.publish', 'content.update', 'content.restore']) {
      await assert.doesNotReject(admin.locator('td', { hasText: code }).first().waitFor(), code);
    }
    await assert.doesNotReject(admin.getByRole('cell', { name: /記事の版の復元/ }).first().waitFor());
    await admin.context().close();
    await anon.context().close();
    await seeker.context().close();
    await page.context().close();
  });

  it('G40: a booked publication appears on /news at its time, with nobody calling tick', async () => {
    const page = await as('demo-pref');
    const title = '予約公開のテスト記事';
    const id = await newsDraft(page, title, '時間になったら公開されます。');
    await page.getByLabel('予約公開の日時（日本時間）').fill(jstLocal(Date.now() + 8_000));
    await page.getByRole('button', { name: '予約公開' }).click();
    await page.waitForURL(/done=scheduled/);
    await assert.doesNotReject(page.getByText('公開予約', { exact: true }).first().waitFor());
    const anon = await as(null);
    assert.equal((await anon.request.get(`${srv.url}/news/${id}`)).status(), 404, 'public before its time');
    let seen = false;
    for (let i = 0; i < 60 && !seen; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      seen = (await (await anon.request.get(srv.url + '/news')).text()).includes(title);
    }
    assert.ok(seen, 'the booked item did not appear on /news');
    assert.equal((await anon.request.get(`${srv.url}/news/${id}`)).status(), 200);
    await page.reload();
    await assert.doesNotReject(page.getByText('公開中', { exact: true }).first().waitFor());
    await anon.context().close();
    await page.context().close();
  });

  it('G05: the Markdown toolbar and the live preview work by keyboard; the form reflows at 320 px', async () => {
    const page = await as('demo-pref', 320);
    await page.goto(srv.url + '/staff/content/column/new');
    await assertReflows(page, 'new column (320)');
    const body = page.getByLabel(/^本文/);
    await body.focus();
    await page.keyboard.type('県の取り組み');
    // back to the toolbar by keyboard: 見出し turns the line into a heading
    const heading = page.getByRole('button', { name: '見出し' });
    await heading.focus();
    await page.keyboard.press('Enter');
    assert.equal(await body.inputValue(), '## 県の取り組み');
    const preview = page.locator('[aria-live="polite"]').first();
    await assert.doesNotReject(preview.locator('h2', { hasText: '県の取り組み' }).waitFor({ timeout: 5000 }));
    // bold on a selection, by keyboard
    await body.focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('大事');
    await page.keyboard.down('Shift');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.up('Shift');
    await page.getByRole('button', { name: '太字' }).focus();
    await page.keyboard.press('Enter');
    assert.match(await body.inputValue(), /\*\*大事\*\*/);
    await assert.doesNotReject(preview.locator('strong', { hasText: '大事' }).waitFor({ timeout: 5000 }));
    // raw HTML is dropped by the same safe renderer the public page uses
    await body.fill('<script>window.pwned=1</script>\n\nok <img src=x onerror="window.pwned=1">');
    await assert.doesNotReject(preview.getByText('ok').waitFor({ timeout: 5000 }));
    assert.equal(await preview.locator('script, img').count(), 0);
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    // without JavaScript's preview: the 「プレビュー」 button renders it on the server, nothing saved
    await body.fill('## サーバーのプレビュー');
    await page.getByLabel(/^タイトル/).fill('プレビューだけ');
    await page.getByRole('button', { name: 'プレビュー', exact: true }).click();
    await assert.doesNotReject(page.locator('.md-preview-body h2', { hasText: 'サーバーのプレビュー' }).waitFor());
    assert.equal(await page.getByLabel(/^タイトル/).inputValue(), 'プレビューだけ');
    assert.match(page.url(), /\/staff\/content\/column\/new$/);
    await assertReflows(page, 'preview (320)');
    await assertAccessible(page, 'form with preview');
    await page.context().close();
  });

  it('G05: a draft is deleted after a confirmation; a published item cannot be deleted', async () => {
    const page = await as('demo-pref');
    const title = '削除するテスト記事';
    const id = await newsDraft(page, title, '消します。');
    await page.getByRole('link', { name: '削除' }).click();
    await assert.doesNotReject(page.getByRole('heading', { name: '削除の確認' }).waitFor());
    await assertAccessible(page, 'delete confirmation');
    await page.getByRole('button', { name: '削除する' }).click();
    await page.waitForURL(/\/staff\/content\/news\?done=deleted$/);
    await assert.doesNotReject(page.getByText('削除しました。').waitFor());
    assert.equal((await page.request.get(`${srv.url}/staff/content/news/${id}`)).status(), 404);
    // published: no delete link, and a direct POST is refused with the record kept
    const kept = await newsDraft(page, '消せない記事', '公開中です。');
    await page.getByRole('button', { name: '公開', exact: true }).click();
    await page.waitForURL(/done=published/);
    assert.equal(await page.getByRole('link', { name: '削除' }).count(), 0);
    const token = await page.locator('input[name="csrf_token"]').first().getAttribute('value');
    const res = await page.request.post(`${srv.url}/staff/content/news/${kept}/delete`, { form: { csrf_token: token }, maxRedirects: 0 });
    assert.equal(res.status(), 409);
    assert.equal((await page.request.get(`${srv.url}/news/${kept}`)).status(), 200);
    await page.context().close();
  });

  it('G05: text typed when the session ran out is not lost: after signing in again the editor offers to restore it', async () => {
    const page = await as('demo-pref');
    await page.goto(srv.url + '/staff/content/news/new');
    assert.equal(await page.getByRole('button', { name: '入力内容を復元する' }).count(), 0, 'nothing to restore at first');
    const title = '期限切れでも残る記事';
    const body = '長い本文を書いている途中で、ログインの有効期限が切れました。';
    await page.getByLabel(/^タイトル/).fill(title);
    await page.getByLabel(/^日付/).fill('2026-11-21');
    await page.getByLabel(/^本文/).fill(body);
    await page.waitForTimeout(400); // the draft is kept 300 ms after typing stops
    // the session ends (idle timeout): the save is refused and nothing is written
    await page.context().clearCookies();
    await page.getByRole('button', { name: '下書き保存' }).click();
    await page.getByText('送信されたフォームの有効期限が切れているか').waitFor();
    assert.equal(sqlCount(`SELECT count(*) FROM entities WHERE title = '${title}'`), 0);
    // signed in again in the same tab, the same editor offers the text back; nothing is filled in by itself
    await login(page, srv.url, 'demo-pref', DEMO_PASSWORD);
    await page.waitForURL((u) => u.pathname !== '/login');
    await page.goto(srv.url + '/staff/content/news/new');
    const note = page.getByRole('status').filter({ hasText: '保存されていない入力内容' });
    await note.waitFor();
    assert.equal(await page.getByLabel(/^タイトル/).inputValue(), '');
    await assertAccessible(page, 'editor with the restore notice');
    await note.getByRole('button', { name: '入力内容を復元する' }).click();
    assert.equal(await page.getByLabel(/^タイトル/).inputValue(), title);
    assert.equal(await page.getByLabel(/^本文/).inputValue(), body);
    await page.getByText('入力内容を復元しました。').waitFor();
    await page.getByRole('button', { name: '下書き保存' }).click();
    await page.waitForURL(/\/staff\/content\/news\/\d+\?done=created$/);
    assert.equal(sqlCount(`SELECT count(*) FROM entities WHERE title = '${title}'`), 1);
    // saved: a new form is empty again and offers nothing
    await page.goto(srv.url + '/staff/content/news/new');
    await page.getByLabel(/^タイトル/).waitFor();
    assert.equal(await page.getByRole('button', { name: '入力内容を復元する' }).count(), 0);
    // 破棄する forgets a kept draft
    await page.getByLabel(/^タイトル/).fill('捨てる下書き');
    await page.waitForTimeout(400);
    await page.reload();
    await page.getByRole('button', { name: '破棄する' }).click();
    await page.getByText('残っていた入力内容を破棄しました。').waitFor();
    await page.reload();
    await page.getByLabel(/^タイトル/).waitFor();
    assert.equal(await page.getByRole('button', { name: '入力内容を復元する' }).count(), 0);
    await page.context().close();
  });

  it('G62: an employment-support editor cannot change a company-support record, by the form or directly', async () => {
    const kigyo = await as('demo-kigyo');
    await kigyo.goto(srv.url + '/staff/content/company?status=published');
    const row = kigyo.getByRole('row').filter({ hasText: '企業支援部門' }).first();
    const name = (await row.getByRole('link').textContent()).trim();
    const href = await row.getByRole('link').getAttribute('href');
    await kigyo.goto(srv.url + href);
    // internal fields are shown to staff
    await assert.doesNotReject(kigyo.getByText('内部用').first().waitFor());
    await assertAccessible(kigyo, 'company edit (internal fields)');

    const shu = await as('demo-shushoku');
    await shu.goto(srv.url + href);
    await assert.doesNotReject(shu.getByText('この記事を編集する権限がありません').waitFor());
    assert.equal(await shu.getByRole('button', { name: /保存/ }).count(), 0);
    const token = await shu.locator('input[name="csrf_token"]').first().getAttribute('value');
    // a direct POST of the whole form (hidden fields edited: another department, another status)
    const multipart = { csrf_token: token, name: '乗っ取り株式会社', business: '書き換え', action: 'save', department: '1' };
    let res = await shu.request.post(srv.url + href, { multipart, maxRedirects: 0 });
    assert.equal(res.status(), 403);
    res = await shu.request.post(srv.url + href, { multipart: { ...multipart, action: 'unpublish' }, maxRedirects: 0 });
    assert.equal(res.status(), 403);
    res = await shu.request.post(srv.url + href + '/delete', { form: { csrf_token: token }, maxRedirects: 0 });
    assert.equal(res.status(), 403);
    res = await shu.request.post(srv.url + href + '/revisions/1/restore', { form: { csrf_token: token }, maxRedirects: 0 });
    assert.ok([403, 404].includes(res.status()));
    // unchanged
    await kigyo.reload();
    assert.equal(await kigyo.locator('#f-name').inputValue(), name);
    assert.equal(await kigyo.getByText('公開中', { exact: true }).count() > 0, true);
    // a new record by a non-prefecture editor belongs to the editor's department, whatever is sent
    await shu.goto(srv.url + '/staff/content/news/new');
    const t2 = await shu.locator('input[name="csrf_token"]').first().getAttribute('value');
    res = await shu.request.post(srv.url + '/staff/content/news/new', {
      multipart: { csrf_token: t2, title: '部署のテスト', published_on: '2026-11-20', body: '本文', action: 'save', department: '3' },
      maxRedirects: 0,
    });
    assert.equal(res.status(), 303);
    await shu.goto(srv.url + res.headers().location);
    await assert.doesNotReject(shu.getByText('就職支援部門').first().waitFor());
    await kigyo.context().close();
    await shu.context().close();
  });
});
