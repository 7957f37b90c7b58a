// harness.mjs - starts the real tsunagu binary on a free port with a temporary data directory,
// and Debian's Chromium through playwright-core; axe-core checks pages (WCAG 2.1 A/AA).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'build', 'tsunagu');
export const DEMO_PASSWORD = 'Tsunagu-Demo-2026';
// Sealed personal data (issue 7 item 3; SEC06): the seal key file lives outside every data directory;
// one per test process, inherited by the server and every cli() call.
process.env.TSUNAGU_SECURITY_SEAL_KEY_FILE ??= join(mkdtempSync(join(tmpdir(), 'tsunagu-seal-')), 'seal.key');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs a tsunagu sub-command synchronously; returns { status, stdout, stderr }. */
export function cli(args, { input, env } = {}) {
  const r = spawnSync(BIN, args, {
    cwd: ROOT, input, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A migrated, seeded data directory and a server on 127.0.0.1:<free port>. */
export async function startServer({ env = {}, users = [], args = [] } = {}) {
  const data = mkdtempSync(join(tmpdir(), 'tsunagu-e2e-'));
  let r = cli(['migrate', '--data', data]);
  assert.equal(r.status, 0, r.stderr);
  r = cli(['seed', '--demo', '--data', data]);
  assert.equal(r.status, 0, r.stderr);
  for (const u of users) {
    const args = ['user', 'add', '--data', data, '--kind', u.kind, '--login', u.login, '--email', u.email];
    if (u.department) args.push('--department', u.department);
    if (u.name) args.push('--name', u.name);
    if (u.role) args.push('--role', u.role);
    r = cli(args, { input: u.password + '\n' });
    assert.equal(r.status, 0, r.stderr);
  }
  // Staff TOTP (issue 6 item 6) is off for tests that are not about it; production requires it for
  // edit and admin. totp.test.mjs turns it on with env: { TSUNAGU_LOGIN_REQUIRE_2FA_ROLES: 'edit,admin' }.
  const child = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--data', data, '--site', 'gunma', ...args], {
    cwd: ROOT, env: { ...process.env, TSUNAGU_LOGIN_REQUIRE_2FA_ROLES: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  // the server never outlives the tests, whatever happens to them
  const killer = setTimeout(() => child.kill('SIGKILL'), 20 * 60_000);
  killer.unref();
  process.on('exit', () => child.kill('SIGKILL'));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error('server did not start: ' + stderr)), 15_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (https?:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(t); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(t); reject(new Error(`server exited ${code}: ${stderr}`)); });
  });
  return {
    url, data, child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const code = await new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.on('exit', (c) => resolve(c));
        child.kill('SIGTERM');
      });
      clearTimeout(killer);
      return code;
    },
    cleanup() { rmSync(data, { recursive: true, force: true }); },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'],
  });
}

/** Zero axe-core violations for WCAG 2.0/2.1 A and AA on the page as it is now. */
export async function assertAccessible(page, label) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  const problems = result.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`);
  assert.equal(result.violations.length, 0, `${label}: axe violations:\n${problems.join('\n')}`);
  assert.ok(result.passes.length > 10, `${label}: axe ran too few checks (${result.passes.length})`);
}

/** No horizontal scrolling at the current viewport width (WCAG 1.4.10 reflow). */
export async function assertReflows(page, label) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, width: window.innerWidth,
  }));
  assert.ok(scroll <= width, `${label}: page is ${scroll}px wide in a ${width}px viewport`);
}

export async function login(page, base, loginId, password) {
  await page.goto(base + '/login');
  await page.getByLabel('ログインID').fill(loginId);
  await page.getByLabel('パスワード', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'ログインする' }).click();
}
