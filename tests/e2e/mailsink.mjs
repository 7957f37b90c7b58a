// mailsink.mjs - a real SMTP server for end-to-end tests (tests/tools/smtp_sink.py on Debian's python3-aiosmtpd)
// and the messages it received, decoded: envelope recipient, Subject (RFC 2047), text body and attachments
// (base64 MIME parts). The sink stops by itself after its timeout, or when stop() is called.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';

function headers(block) {
  const unfolded = block.replace(/\r\n[ \t]+/g, ' ');
  return (name) => {
    const m = unfolded.match(new RegExp(`^${name}: (.*)$`, 'mi'));
    return m ? m[1] : '';
  };
}

function decodeWords(s) {
  return s.replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/gi, (_, b) => Buffer.from(b, 'base64').toString('utf8'));
}

function decodeBody(h, body) {
  return /base64/i.test(h('Content-Transfer-Encoding'))
    ? Buffer.from(body.replace(/\s+/g, ''), 'base64') : Buffer.from(body, 'utf8');
}

/** One stored message: { file, to, subject, text, head, raw, attachments: [{ type, name, content }] }. */
export function readMail(file) {
  const raw = readFileSync(file, 'utf8');
  const cut = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, cut);
  const h = headers(head);
  const body = raw.slice(cut + 4);
  const mail = { file, to: h('X-Sink-Rcpt-To'), subject: decodeWords(h('Subject')), head, raw, text: '', attachments: [] };
  const boundary = h('Content-Type').match(/boundary="?([^";]+)"?/);
  if (!boundary) {
    mail.text = decodeBody(h, body).toString('utf8');
    return mail;
  }
  for (const part of body.split('--' + boundary[1]).slice(1)) {
    if (part.startsWith('--')) break;
    const p = part.replace(/^\r\n/, '');
    const pc = p.indexOf('\r\n\r\n');
    const ph = headers(p.slice(0, pc));
    const content = decodeBody(ph, p.slice(pc + 4));
    if (/^text\/plain/i.test(ph('Content-Type')) && !/attachment/i.test(ph('Content-Disposition'))) {
      mail.text = content.toString('utf8');
    } else {
      const name = (ph('Content-Disposition') + ph('Content-Type')).match(/(?:file)?name\*?="?([^";]+)"?/);
      mail.attachments.push({ type: ph('Content-Type').split(';')[0].trim(), name: name ? name[1] : '', content: content.toString('utf8') });
    }
  }
  return mail;
}

/** Starts the sink on a free loopback port: { url, dir, mails(), waitMail(to, subject, seen), stop() }. */
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
  const mails = () => readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().map((f) => readMail(join(dir, f)));
  return {
    url: `smtp://127.0.0.1:${port}`,
    dir,
    mails,
    /** The first message to `to` whose subject contains `subject` and whose file is not in `seen` (20 s at most). */
    async waitMail(to, subject, seen = new Set()) {
      const until = Date.now() + 20_000;
      while (Date.now() < until) {
        const m = mails().find((x) => x.to === to && x.subject.includes(subject) && !seen.has(x.file));
        if (m) return m;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`no mail "${subject}" to ${to}; have: ${mails().map((x) => `${x.to} ${x.subject}`).join('; ')}`);
    },
    stop() {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
