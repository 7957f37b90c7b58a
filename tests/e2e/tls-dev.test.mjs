// tls-dev.test.mjs - built-in TLS (issue 2 item 8: HSTS, Secure + __Host- cookies; SEC02, G88) and
// template reloading with --dev (item 5, G06).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, cpSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, ROOT, DEMO_PASSWORD } from './harness.mjs';

function get(base, path, { method = 'GET', headers = {}, body } = {}) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: u.hostname, port: u.port, path, method, headers, rejectUnauthorized: false,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

describe('built-in TLS', () => {
  let srv, dir;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsunagu-tls-'));
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
      '-nodes', '-subj', '/CN=127.0.0.1', '-days', '2', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
    { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    srv = await startServer({ env: { TSUNAGU_TLS_CERT: join(dir, 'cert.pem'), TSUNAGU_TLS_KEY: join(dir, 'key.pem') } });
  });

  after(async () => {
    await srv?.stop();
    srv?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with HSTS, and cookies with Secure and the __Host- prefix', async () => {
    assert.match(srv.url, /^https:/);
    const home = await get(srv.url, '/');
    assert.equal(home.status, 200);
    assert.match(home.headers['strict-transport-security'], /max-age=63072000/);
    const form = await get(srv.url, '/login');
    const pre = form.headers['set-cookie'].find((c) => c.startsWith('__Host-tsunagu_pre='));
    assert.ok(pre, 'pre-login cookie has the __Host- prefix');
    assert.match(pre, /; Path=\//);
    assert.match(pre, /; HttpOnly/);
    assert.match(pre, /; Secure/);
    assert.match(pre, /; SameSite=Lax/);
    const token = form.body.match(/name="csrf_token" value="([^"]+)"/)[1];
    const res = await get(srv.url, '/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: pre.split(';')[0] },
      body: `csrf_token=${token}&login=demo-seeker&password=${encodeURIComponent(DEMO_PASSWORD)}`,
    });
    assert.equal(res.status, 303);
    const sid = res.headers['set-cookie'].find((c) => c.startsWith('__Host-tsunagu_sid='));
    assert.ok(sid, 'session cookie has the __Host- prefix');
    assert.match(sid, /; Secure/);
    assert.match(sid, /; HttpOnly/);
    const my = await get(srv.url, '/mypage', { headers: { Cookie: sid.split(';')[0] } });
    assert.equal(my.status, 200);
    assert.match(my.body, /demo-seeker/);
    // the plain-HTTP cookie name is not accepted under TLS
    const plainName = await get(srv.url, '/mypage', { headers: { Cookie: 'tsunagu_sid=' + sid.split(';')[0].split('=')[1] } });
    assert.equal(plainName.status, 303);
  });
});

describe('--dev reloads templates', () => {
  let srv, root;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'tsunagu-root-'));
    for (const d of ['templates', 'static', 'sites', 'data', 'i18n']) cpSync(join(ROOT, d), join(root, d), { recursive: true });
    srv = await startServer({ args: ['--dev', '--root', root] });
  });

  after(async () => {
    await srv?.stop();
    srv?.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('a changed template shows on the next request; a broken one keeps the last good set', async () => {
    const base = srv.url;
    const first = await (await fetch(base + '/')).text();
    assert.doesNotMatch(first, /RELOAD-MARK/);
    const file = join(root, 'templates', 'home.html');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('群馬で働きたい人と', 'RELOAD-MARK 群馬で働きたい人と'));
    let body = '';
    for (let i = 0; i < 40 && !body.includes('RELOAD-MARK'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      body = await (await fetch(base + '/')).text();
    }
    assert.match(body, /RELOAD-MARK/);
    writeFileSync(file, original + '{{# unclosed }}');
    await new Promise((r) => setTimeout(r, 1500));
    const after = await fetch(base + '/');
    assert.equal(after.status, 200);
    assert.match(await after.text(), /RELOAD-MARK/, 'the last good templates stay in use');
    assert.match(srv.stderr(), /reload failed/);
  });
});
