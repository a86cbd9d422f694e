// Headless Debian Chromium against the C echo server's page (ffi/examples/index.html, served by
// ffi/examples/build/echo_server). Started by run.sh, which owns the server process:
//
//   node echo.test.mjs http://127.0.0.1:PORT/ SCREENSHOT.png [EXTENSIONS]
//
// EXTENSIONS is the Sec-WebSocket-Extensions answer the server must give to Chromium's offer
// (`permessage-deflate; client_max_window_bits`): its permessage-deflate parameters for the
// window caps run.sh started it with, or "" (the default) for a server that declines.
//
// Prints one line per check and `N passed, M failed`; exits non-zero on any failure.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [url, screenshot, wantExtensions = ''] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error('usage: node echo.test.mjs http://127.0.0.1:PORT/ SCREENSHOT.png [EXTENSIONS]');
  process.exit(2);
}
const deflate = wantExtensions !== '';

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const TEXT = 'héllo wörld — 日本語テキスト — Ελληνικά — emoji 🚀🎉 — NUL\u0000inside';
const BINARY_LEN = 1 << 20;
// Compressible text well beyond any window (2^8..2^15): the inflater's ring wraps many times.
const LONG_TEXT = Array.from({ length: 6000 }, (_, i) =>
  `{"id":${i},"name":"wörld ${i % 97}","tags":["α","β","${'γ'.repeat(i % 7)}"]}`).join('\n');
const SEED = 0x5eed1234;

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
}

// The page's pattern(): xorshift32 bytes, recomputed here independently of the browser.
function pattern(n, seed) {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

const profile = mkdtempSync(join(tmpdir(), 'wsframe-chromium-'));
let context;
try {
  // A fresh, empty profile for every run.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ARGS,
    viewport: { width: 900, height: 640 },
    timeout: 60_000,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (e) => console.log(`page error: ${e.message}`));

  // The handshake as the network stack saw it (DevTools protocol).
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const handshake = {};
  cdp.on('Network.webSocketWillSendHandshakeRequest', (e) => { handshake.request = e.request.headers; });
  cdp.on('Network.webSocketHandshakeResponseReceived', (e) => { handshake.response = e.response; });

  const resp = await page.goto(url);
  check('page served', resp && resp.status() === 200, `HTTP ${resp && resp.status()}`);

  const info = await page.evaluate(() => window.wsInfo());
  check('WebSocket open', info.readyState === 1, `readyState ${info.readyState}, ${info.url}`);
  if (deflate) {
    check('permessage-deflate negotiated with the server\'s parameters (ws.extensions)',
      info.extensions === wantExtensions && /^permessage-deflate(;|$)/.test(info.extensions),
      `${JSON.stringify(info.extensions)}, want ${JSON.stringify(wantExtensions)}`);
  } else {
    check('no extension negotiated (ws.extensions === "")', info.extensions === '',
      JSON.stringify(info.extensions));
  }

  for (let i = 0; i < 50 && !handshake.response; i++) await page.waitForTimeout(100);
  const offered = Object.entries(handshake.request || {})
    .find(([k]) => k.toLowerCase() === 'sec-websocket-extensions');
  check('Chromium offered permessage-deflate', !!offered && /permessage-deflate/.test(offered[1]),
    offered ? offered[1] : 'no offer seen');
  const answered = Object.entries(handshake.response?.headers || {})
    .filter(([k]) => k.toLowerCase() === 'sec-websocket-extensions');
  if (deflate) {
    check('101 answers the offer with those parameters', handshake.response?.status === 101 &&
      answered.length === 1 && answered[0][1] === wantExtensions,
      `status ${handshake.response?.status}, ${JSON.stringify(answered)}`);
  } else {
    check('101 has no Sec-WebSocket-Extensions', handshake.response?.status === 101 &&
      answered.length === 0, `status ${handshake.response?.status}, headers ${
      JSON.stringify(Object.keys(handshake.response?.headers || {}))}`);
  }

  const echoed = await page.evaluate((t) => window.echoText(t), TEXT);
  check('non-ASCII text echoed exactly', echoed === TEXT, `${Buffer.byteLength(TEXT)} UTF-8 bytes`);

  const long = await page.evaluate((t) => window.echoText(t), LONG_TEXT);
  check('compressible non-ASCII text echoed exactly', long === LONG_TEXT,
    `${Buffer.byteLength(LONG_TEXT)} UTF-8 bytes`);

  const expected = createHash('sha256').update(pattern(BINARY_LEN, SEED)).digest('hex');
  const bin = await page.evaluate(([n, s]) => window.echoBinary(n, s), [BINARY_LEN, SEED]);
  check('1 MiB binary echoed byte-exact', bin.same && bin.received === BINARY_LEN &&
    bin.sha256 === expected, `received ${bin.received} bytes, sha256 ${bin.sha256.slice(0, 16)}…`);

  // As a person would: type, press Send, read the log.
  const typed = 'typed by a person: ça marche ✓';
  await page.fill('#text', typed);
  await page.click('#send');
  const row = page.locator('#log .recv', { hasText: `← ${typed}` });
  await row.waitFor();
  check('typed message echoed into the log', (await row.count()) === 1);

  await page.click('#blob');
  await page.locator('#log .recv', { hasText: 'byte-exact echo of 65536 bytes' }).waitFor();
  check('"Send 64 KiB binary" button echoed', true);

  const status = await page.textContent('#status');
  check('status line shows the open connection and its extensions',
    status === `open (extensions: "${wantExtensions}")`, status);
  const shown = await page.textContent('#extensions');
  check('the page shows the negotiated extension', deflate
    ? shown.startsWith(wantExtensions) && /compressed/.test(shown) : /^none/.test(shown), shown);
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshot: ${screenshot}`);
} catch (e) {
  check('browser session', false, e.stack || String(e));
} finally {
  if (context) await context.close();
  rmSync(profile, { recursive: true, force: true });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
