// mailsink.mjs - a real SMTP server for end-to-end tests (tests/tools/smtp_sink.py on Debian's python3-aiosmtpd)
// and the messages it received, decoded: envelope recipients, headers, Subject (RFC 2047), text body and
// attachments (base64 MIME parts). The sink stops by itself after its timeout, or when stop() is called.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';

/** A header block, unfolded: { map: lower-case name → value (repeats joined by "\n"), bad: lines that are no header }. */
function parseHead(block) {
  const map = {};
  const bad = [];
  for (const line of block.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const m = /^([!-9;-~]+):\s?(.*)$/.exec(line);
    if (!m) { bad.push(line); continue; }
    const name = m[1].toLowerCase();
    map[name] = map[name] === undefined ? m[2] : map[name] + '\n' + m[2];
  }
  return { map, bad };
}

/** The first value of a header, or ''. */
function first(map, name) {
  return (map[name.toLowerCase()] ?? '').split('\n')[0];
}

function decodeWords(s) {
  return s.replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/gi, (_, b) => Buffer.from(b, 'base64').toString('utf8'));
}

function decodeBody(map, body) {
  return /base64/i.test(first(map, 'Content-Transfer-Encoding'))
    ? Buffer.from(body.replace(/\s+/g, ''), 'base64') : Buffer.from(body, 'utf8');
}

/**
 * One stored message: { file, to, subject, headers, text, head, raw, attachments: [{ type, name, content }] }.
 * to is the first envelope recipient (headers['x-sink-rcpt-to'] has them all); headers maps each lower-case header name to its raw value
 * (a repeated header's values joined by "\n"); head is the header block as received; attachment types are lower
 * case without parameters. Throws when the message has no header block or a header line is malformed.
 */
export function readMail(file) {
  const raw = readFileSync(file, 'utf8');
  const cut = raw.indexOf('\r\n\r\n');
  if (cut <= 0) throw new Error(`${file}: no header block`);
  const head = raw.slice(0, cut);
  const { map, bad } = parseHead(head);
  if (bad.length) throw new Error(`${file}: not a header line: ${JSON.stringify(bad[0])}`);
  const body = raw.slice(cut + 4);
  const mail = {
    file, to: first(map, 'X-Sink-Rcpt-To'), subject: decodeWords(first(map, 'Subject')), headers: map, head, raw, text: '', attachments: [],
  };
  const boundary = first(map, 'Content-Type').match(/boundary="?([^";]+)"?/);
  if (!boundary) {
    mail.text = decodeBody(map, body).toString('utf8');
    return mail;
  }
  for (const part of body.split('--' + boundary[1]).slice(1)) {
    if (part.startsWith('--')) break;
    const p = part.replace(/^\r\n/, '');
    const pc = p.indexOf('\r\n\r\n');
    const ph = parseHead(p.slice(0, pc)).map;
    const type = first(ph, 'Content-Type');
    const disposition = first(ph, 'Content-Disposition');
    const content = decodeBody(ph, p.slice(pc + 4));
    if (/^text\/plain/i.test(type) && !/attachment/i.test(disposition)) {
      mail.text = content.toString('utf8');
    } else {
      const name = (disposition + type).match(/(?:file)?name\*?="?([^";]+)"?/);
      mail.attachments.push({ type: type.split(';')[0].trim().toLowerCase(), name: name ? name[1] : '', content: content.toString('utf8') });
    }
  }
  return mail;
}

/**
 * Starts the sink on a free loopback port:
 * { url, dir, mails(), count(), waitFor(pred, n, ms), waitMail(to, subject, seen), stop() }.
 */
export async function startSink({ timeout = 900 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagu-sink-'));
  const child = spawn('/usr/bin/python3', ['tests/tools/smtp_sink.py', '--dir', dir, '--timeout', String(timeout)],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => { out += d; const m = out.match(/^(\d+)\s/); if (m) resolve(m[1]); });
    child.on('exit', (c) => reject(new Error('smtp sink exited ' + c)));
  });
  process.on('exit', () => child.kill('SIGKILL'));
  const files = () => readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
  const mails = () => files().map((f) => readMail(join(dir, f)));
  const have = () => mails().map((x) => `${x.to} ${x.subject}`).join('; ');
  /** Every message matching pred once there are at least n of them (in the order received); throws after ms. */
  async function poll(pred, n, ms, what) {
    const until = Date.now() + ms;
    for (;;) {
      const got = mails().filter(pred);
      if (got.length >= n) return got;
      if (Date.now() > until) throw new Error(`${what} (${got.length} of ${n} within ${ms} ms); have: ${have()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url: `smtp://127.0.0.1:${port}`,
    dir,
    /** Every message received so far, in the order received. */
    mails,
    /** How many messages were received so far (files counted, none parsed). */
    count: () => files().length,
    /**
     * Waits (ms, 20 s by default) until at least n messages match pred, then resolves with ALL the matching
     * messages, in the order received (so a caller can still check that there are no more than expected).
     */
    waitFor(pred = () => true, n = 1, ms = 20_000) {
      return poll(pred, n, ms, 'too few matching mails');
    },
    /** The first message to `to` whose subject contains `subject` and whose file is not in `seen` (20 s at most). */
    async waitMail(to, subject, seen = new Set()) {
      const [m] = await poll((x) => x.to === to && x.subject.includes(subject) && !seen.has(x.file), 1, 20_000,
        `no mail "${subject}" to ${to}`);
      return m;
    },
    stop() {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
