// limits.test.mjs - connection limits (issue 2 item 3, SEC10): slow clients are cut off after the
// connection timeout, one address cannot hold more than its share of connections, oversized headers
// are refused, and the server keeps serving others throughout.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from './harness.mjs';

function connect(url) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port) }, () => resolve(s));
    s.on('error', reject);
  });
}

/** Resolves with how the socket ended: 'closed' or 'open' after ms. */
function waitClose(sock, ms) {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve('open'), ms);
    sock.on('close', () => { clearTimeout(t); resolve('closed'); });
    sock.on('error', () => {});
  });
}

describe('connection limits', () => {
  let srv;

  before(async () => {
    srv = await startServer({
      env: { TSUNAGU_SERVER_CONNECTION_TIMEOUT: '2', TSUNAGU_SERVER_MAX_CONNECTIONS_PER_IP: '8' },
    });
  });

  after(async () => {
    await srv?.stop();
    srv?.cleanup();
  });

  it('a client that sends its headers slowly is disconnected after the timeout', async () => {
    const s = await connect(srv.url);
    s.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const how = await waitClose(s, 6000);
    assert.equal(how, 'closed', 'slow client still connected after 6 s with a 2 s timeout');
    const ok = await fetch(srv.url + '/');
    assert.equal(ok.status, 200);
  });

  it('one address cannot open more than its connection limit', async () => {
    const socks = [];
    for (let i = 0; i < 8; i++) socks.push(await connect(srv.url));
    const extra = await connect(srv.url).catch(() => null);
    const how = extra ? await waitClose(extra, 1500) : 'closed';
    assert.equal(how, 'closed', 'the ninth connection from one address is refused');
    for (const s of socks) s.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const ok = await fetch(srv.url + '/');
    assert.equal(ok.status, 200, 'served again once the connections are gone');
  });

  it('oversized request headers are refused', async () => {
    const s = await connect(srv.url);
    const chunks = [];
    s.on('data', (c) => chunks.push(c));
    s.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ' + 'a'.repeat(256 * 1024) + '\r\n\r\n');
    await waitClose(s, 5000);
    const head = Buffer.concat(chunks).toString().split('\r\n')[0];
    assert.match(head, /^HTTP\/1\.1 4\d\d/, `answer was: ${head}`);
  });

  it('an over-long query string is refused with 414', async () => {
    const r = await fetch(srv.url + '/?q=' + 'x'.repeat(9000));
    assert.ok(r.status === 414 || r.status === 431 || r.status === 413, `status ${r.status}`);
  });
});
