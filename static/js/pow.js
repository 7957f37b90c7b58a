/* pow.js - solves the proof-of-work challenge of public forms (SEC05, B04; src/auth/antispam.h), so a
   submission is accepted at once instead of being held for staff review. Everything happens here: no
   third-party service sees the visitor.

   The challenge is the token in the form's [data-pow-token] field, "v1.<form>.<issued>.<difficulty>.<nonce>.<mac>";
   the work is to find a counter n such that SHA-256(token + ":" + n) begins with <difficulty> zero bits
   (about 2^difficulty tries). n goes into [data-pow-solution]. The search runs in short slices between
   which the browser handles input, so typing and keyboard use never wait for it; a submit before it is
   done waits for it, saying so in the form's live region. If anything goes wrong the form is sent without
   a solution, which the server holds for review rather than refuses.

   Two hash engines give the same answers: crypto.subtle (only on secure contexts: HTTPS, localhost) and
   the small SHA-256 below, which also hashes the unchanging "token:" prefix once and then only the last
   block or two per try. The plain one is the default because it is the faster for this many tiny inputs
   (crypto.subtle pays a promise per hash; measured in docs/architecture.md "Spam protection"); subtle is
   used when asked for ({ engine: 'subtle' }) and checks the plain one in the tests
   (tests/e2e/pow-agree.test.mjs). Exposed as globalThis.tsunaguPow so the tests can load this file. */
(function (root) {
  'use strict';

  var K = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ]);
  var H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  var MAX_TRIES = 1e16;     /* the server takes at most 16 digits */
  var SLICE_MS = 12;        /* work per slice: well under the 50 ms after which input feels late */

  /* One SHA-256 block (64 bytes of blk from off) into the state h; w is 64 words of scratch. */
  function compress(h, blk, off, w) {
    var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    var i, x, y, t1, t2;

    for (i = 0; i < 16; i++, off += 4)
      w[i] = (blk[off] << 24) | (blk[off + 1] << 16) | (blk[off + 2] << 8) | blk[off + 3];
    for (i = 16; i < 64; i++) {
      x = w[i - 15];
      y = w[i - 2];
      w[i] = (w[i - 16] + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w[i - 7] +
        (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
    }
    for (i = 0; i < 64; i++) {
      t1 = (k + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
        ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
      t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
        ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
    h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
  }

  function utf8(s) {
    var out = [], i, c;

    for (i = 0; i < s.length; i++) {
      c = s.charCodeAt(i);
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
        c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      }
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return out;
  }

  /* Writes the SHA-256 padding for a message of total bytes after its last len bytes at blk[at]; returns
     the number of bytes (64 or 128) to compress from blk[0]. blk must be zero past at. */
  function pad(blk, at, total) {
    var end = at + 9 <= 64 ? 64 : 128, bits = total * 8;

    blk[at] = 0x80;
    blk[end - 4] = (bits >>> 24) & 255; blk[end - 3] = (bits >>> 16) & 255;
    blk[end - 2] = (bits >>> 8) & 255; blk[end - 1] = bits & 255;
    blk[end - 5] = Math.floor(bits / 4294967296) & 255;
    return end;
  }

  /* SHA-256 of a string (UTF-8) or an array of bytes; a Uint8Array of 32 bytes. */
  function sha256(msg) {
    var bytes = typeof msg === 'string' ? utf8(msg) : msg, n = bytes.length, full = n - n % 64;
    var h = new Int32Array(H0), w = new Int32Array(64), blk = new Uint8Array(128), out = new Uint8Array(32);
    var off, end, i;

    for (off = 0; off < full; off += 64)
      compress(h, bytes, off, w);
    for (i = full; i < n; i++)
      blk[i - full] = bytes[i];
    end = pad(blk, n - full, n);
    for (off = 0; off < end; off += 64)
      compress(h, blk, off, w);
    for (i = 0; i < 32; i++)
      out[i] = (h[i >> 2] >>> (24 - 8 * (i & 3))) & 255;
    return out;
  }

  /* Leading zero bits of a digest. */
  function zeroBits(d) {
    var bits = 0, i, m;

    for (i = 0; i < d.length; i++) {
      if (d[i] !== 0) {
        for (m = 0x80; (d[i] & m) === 0; m >>= 1) bits++;
        return bits;
      }
      bits += 8;
    }
    return bits;
  }

  /* The difficulty a token asks for (its fourth part), or 0 when it is not a token. */
  function difficultyOf(token) {
    var p = String(token).split('.'), d = p.length === 6 ? Number(p[3]) : 0;

    return d >= 1 && d <= 32 && Math.floor(d) === d ? d : 0;
  }

  /* A function n -> the first 32 bits of SHA-256(token ":" n) (unsigned). The prefix's whole blocks are
     hashed once here; each call hashes only what follows them. */
  function prefixHasher(token) {
    var pre = utf8(token + ':'), full = pre.length - pre.length % 64, tail = pre.length - full;
    var mid = new Int32Array(H0), h = new Int32Array(8), w = new Int32Array(64), blk = new Uint8Array(128);
    var off;

    for (off = 0; off < full; off += 64)
      compress(mid, pre, off, w);
    return function (n) {
      var s = String(n), at = tail, end, i;

      blk.fill(0);
      for (i = 0; i < tail; i++) blk[i] = pre[full + i];
      for (i = 0; i < s.length; i++) blk[at++] = s.charCodeAt(i);
      end = pad(blk, at, pre.length + s.length);
      h.set(mid);
      compress(h, blk, 0, w);
      if (end === 128) compress(h, blk, 64, w);
      return h[0] >>> 0;
    };
  }

  /* Runs step (which returns a result, or undefined to go on) in slices of SLICE_MS, yielding to the
     browser in between: MessageChannel when there is one (setTimeout is clamped to 4 ms when nested). */
  function sliced(step) {
    return new Promise(function (resolve, reject) {
      var ch = typeof MessageChannel === 'function' ? new MessageChannel() : null;
      function later() {
        if (ch) ch.port2.postMessage(0);
        else setTimeout(run, 0);
      }
      function run() {
        var until = Date.now() + SLICE_MS, r;
        try {
          do {
            r = step();
            if (r !== undefined) {
              if (ch) ch.port1.close();
              resolve(r);
              return;
            }
          } while (Date.now() < until);
        } catch (e) {
          if (ch) ch.port1.close();
          reject(e);
          return;
        }
        later();
      }
      if (ch) ch.port1.onmessage = run;
      later();
    });
  }

  function solvePlain(token, d) {
    var hash = prefixHasher(token), n = 0, shift = 32 - d;

    return sliced(function () {
      var stop = n + 2048;
      for (; n < stop; n++)
        if ((d >= 32 ? hash(n) : hash(n) >>> shift) === 0) return String(n);
      if (n >= MAX_TRIES) throw new Error('pow: no solution');
      return undefined;
    });
  }

  /* crypto.subtle: one promise per hash, so batches of them at a time; the smallest n still wins. */
  function solveSubtle(token, d, subtle) {
    var pre = utf8(token + ':'), BATCH = 256;

    function batch(from) {
      var jobs = [], n, s, m, i;
      for (n = from; n < from + BATCH; n++) {
        s = String(n);
        m = new Uint8Array(pre.length + s.length);
        m.set(pre);
        for (i = 0; i < s.length; i++) m[pre.length + i] = s.charCodeAt(i);
        jobs.push(subtle.digest('SHA-256', m));
      }
      return Promise.all(jobs).then(function (ds) {
        for (var j = 0; j < ds.length; j++)
          if (zeroBits(new Uint8Array(ds[j])) >= d) return String(from + j);
        if (from + BATCH >= MAX_TRIES) throw new Error('pow: no solution');
        return batch(from + BATCH);
      });
    }
    return batch(0);
  }

  /* Finds the smallest n for token; a Promise of n as a string. opts.engine: 'plain' (default) or 'subtle'. */
  function solve(token, opts) {
    var d = difficultyOf(token), engine = (opts && opts.engine) || 'plain';
    var subtle = root.crypto && root.crypto.subtle;

    if (d === 0) return Promise.reject(new Error('pow: not a challenge'));
    if (engine === 'subtle') {
      if (!subtle) return Promise.reject(new Error('pow: crypto.subtle needs a secure context'));
      return solveSubtle(token, d, subtle);
    }
    return solvePlain(token, d);
  }

  root.tsunaguPow = { sha256: sha256, zeroBits: zeroBits, difficultyOf: difficultyOf, prefixHasher: prefixHasher,
    solve: solve };

  /* ---- the page: every form that carries a challenge ---- */
  if (typeof document === 'undefined' || root.tsunaguPowForms) return;
  root.tsunaguPowForms = true;   /* the partial may be on a page twice; one run serves every form */

  function protect(form) {
    var token = form.querySelector('[data-pow-token]'), out = form.querySelector('[data-pow-solution]');
    var status = form.querySelector('[data-pow-status]'), job = null, settled = false, waiting = false;

    if (!token || !out || !token.value || form.getAttribute('data-pow') === 'on') return;
    form.setAttribute('data-pow', 'on');
    function start() {
      if (!job) {
        job = solve(token.value).then(function (n) { out.value = n; }, function () { out.value = ''; })
          .then(function () { settled = true; });
      }
      return job;
    }
    form.addEventListener('focusin', start);
    form.addEventListener('submit', function (ev) {
      var by = ev.submitter;
      if (settled) return;           /* solved (or given up): the submission goes as it is */
      ev.preventDefault();
      if (waiting) return;           /* pressed again while waiting */
      waiting = true;
      if (status) status.textContent = '送信の準備をしています…';
      start().then(function () {
        waiting = false;
        if (status) status.textContent = '';
        if (typeof form.requestSubmit === 'function') form.requestSubmit(by && by.form === form ? by : undefined);
        else form.submit();
      });
    });
    return start;
  }

  function init() {
    var forms = document.querySelectorAll('form'), starts = [], i, s;

    for (i = 0; i < forms.length; i++) {
      s = protect(forms[i]);
      if (s) starts.push(s);
    }
    /* solve soon after the page has loaded, before anyone presses send; a focus starts it sooner */
    function all() { for (var j = 0; j < starts.length; j++) starts[j](); }
    if (typeof root.requestIdleCallback === 'function') root.requestIdleCallback(all, { timeout: 1500 });
    else setTimeout(all, 300);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
}(typeof globalThis !== 'undefined' ? globalThis : this));
