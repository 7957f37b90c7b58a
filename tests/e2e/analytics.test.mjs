// analytics.test.mjs - Google Analytics and Search Console tags only when the site settings name them,
// and the Content-Security-Policy widened only then (issue 4 item 5; G86, SECURITY.md CSP).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

describe('analytics tags follow the site settings', () => {
  it('without settings: no tag, the strict CSP', async () => {
    const srv = await startServer();
    try {
      const res = await fetch(srv.url + '/');
      const html = await res.text();
      assert.ok(!html.includes('googletagmanager'), 'no analytics script');
      assert.ok(!html.includes('google-site-verification'));
      assert.match(res.headers.get('content-security-policy'), /script-src 'self';/);
    } finally {
      assert.equal(await srv.stop(), 0);
      srv.cleanup();
    }
  });

  it('with a measurement ID and a verification token: both tags, and only their hosts added to the CSP', async () => {
    const srv = await startServer({ env: { TSUNAGU_SITE_GOOGLE_ANALYTICS: 'G-TEST1234', TSUNAGU_SITE_SEARCH_CONSOLE: 'token-abc_123' } });
    try {
      const res = await fetch(srv.url + '/jobs');
      const html = await res.text();
      assert.match(html, /<script async src="https:\/\/www\.googletagmanager\.com\/gtag\/js\?id=G-TEST1234"><\/script>/);
      assert.match(html, /<script src="\/static\/js\/ga\.js\?v=[^"]+" data-ga-id="G-TEST1234"><\/script>/);
      assert.match(html, /<meta name="google-site-verification" content="token-abc_123">/);
      const csp = res.headers.get('content-security-policy');
      assert.match(csp, /script-src 'self' https:\/\/www\.googletagmanager\.com;/);
      assert.ok(!csp.includes('unsafe-inline'), 'no inline script is allowed');
      const js = await fetch(srv.url + '/static/js/ga.js');
      assert.equal(js.status, 200);
    } finally {
      assert.equal(await srv.stop(), 0);
      srv.cleanup();
    }
  });

  it('a malformed measurement ID is ignored rather than written into the page', async () => {
    const srv = await startServer({ env: { TSUNAGU_SITE_GOOGLE_ANALYTICS: 'G-"><script>x' } });
    try {
      const res = await fetch(srv.url + '/');
      assert.ok(!(await res.text()).includes('googletagmanager'));
      assert.match(res.headers.get('content-security-policy'), /script-src 'self';/);
    } finally {
      assert.equal(await srv.stop(), 0);
      srv.cleanup();
    }
  });
});
