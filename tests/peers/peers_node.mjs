// Node `ws` (package-lock.json) with perMessageDeflate against the Rust echo examples.
//
//   node peers_node.mjs ECHO_SERVER ECHO_CLIENT
//
// Both directions, like peers_python.py:
//   * ws client -> Rust echo_server (`ECHO_SERVER [OPTIONS] 127.0.0.1:PORT`): the client checks the
//     Sec-WebSocket-Extensions answer (exact text) and that every message comes back byte-exact;
//     the server's log must name the same parameters.
//   * Rust echo_client (`ECHO_CLIENT --check [OPTIONS] ws://127.0.0.1:PORT/`) -> ws echo server:
//     the server checks its own answer, the client's lines must report the same answer and
//     every message echoed byte-exact.
// threshold: 0 makes ws compress every message (its default leaves those under 1 KiB alone).
// ws does not tell whether a frame was compressed, so compression is proven on the socket: with
// these compressible messages (1.1 MB in all) the bytes on the wire must be under a quarter of the
// payload in each direction. The last line is `peers: N passed, M failed`. 127.0.0.1 only; each
// Rust process is stopped by its PID; each scenario is bounded in time.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, mkdtempSync, rmSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket, WebSocketServer } from 'ws';

const SCENARIO_TIMEOUT_MS = 60_000;
const MAX_PAYLOAD = 4 << 20;

/** Same bytes as echo_client's messages(): (i % 239) ^ (i >> 12), every byte value. */
function binary(n) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = ((i % 239) ^ (i >> 12)) & 0xff;
  return b;
}

const MESSAGES = [
  ['ASCII text', 'Hello, permessage-deflate! '.repeat(4)],
  ['non-ASCII text', 'Grüße aus Zürich, ¿qué tal? Ωμέγα — 日本語のテキスト — 🦀🚀 '.repeat(8)],
  ['empty text', ''],
  ['empty binary', Buffer.alloc(0)],
  ['125 B binary', binary(125)],
  ['64 KiB binary', binary(64 * 1024)],
  ['1 MiB binary', binary(1024 * 1024)],
];
const PAYLOAD = MESSAGES.reduce((n, [, m]) => n + Buffer.byteLength(m), 0);

let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) passed++;
  else failed++;
  console.log(`  ${ok ? 'ok  ' : 'FAIL'}  ${what}`);
}

function checkWire(who, read, written) {
  check(read * 4 < PAYLOAD, `${who} read ${read} bytes for ${PAYLOAD} payload bytes (compressed)`);
  check(written * 4 < PAYLOAD,
    `${who} wrote ${written} bytes for ${PAYLOAD} payload bytes (compressed)`);
}

/** A Rust example, output to a log file, stopped by its PID. */
class Rust {
  constructor(argv) {
    this.dir = mkdtempSync(join(tmpdir(), 'peers-'));
    this.log = join(this.dir, 'log');
    const fd = openSync(this.log, 'w');
    this.proc = spawn(argv[0], argv.slice(1), { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    this.exited = once(this.proc, 'exit');
  }

  text() {
    return readFileSync(this.log, 'utf8');
  }

  async waitFor(pattern, ms = 30_000) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (pattern.test(this.text())) return true;
      if (this.proc.exitCode !== null) return false;
      await sleep(50);
    }
    return false;
  }

  async stop() {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      process.kill(this.proc.pid, 'SIGTERM');
      await Promise.race([this.exited, sleep(5000)]);
      if (this.proc.exitCode === null && this.proc.signalCode === null) {
        process.kill(this.proc.pid, 'SIGKILL');
        await this.exited;
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A free TCP port on 127.0.0.1 (the kernel's pick; closed again before use). */
async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out`)), SCENARIO_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// --- ws client -> Rust echo_server ---------------------------------------------------------------
async function clientScenario(serverBin, serverOpts, deflate, wantAnswer, wantParams) {
  console.log(`ws client -> echo_server ${serverOpts.join(' ') || '(defaults)'} ` +
    `(perMessageDeflate ${JSON.stringify(deflate)})`);
  const port = await freePort();
  const server = new Rust([serverBin, ...serverOpts, `127.0.0.1:${port}`]);
  try {
    if (!(await server.waitFor(/^echo_server: listening/m))) {
      check(false, `echo_server started:\n${server.text()}`);
      return;
    }
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, {
      perMessageDeflate: deflate,
      maxPayload: MAX_PAYLOAD,
      handshakeTimeout: 10_000,
    });
    let answer = null;
    let socket = null;
    ws.on('upgrade', (res) => {
      answer = res.headers['sec-websocket-extensions'] ?? null;
      socket = res.socket;
    });
    const inbox = [];
    let wake = null;
    ws.on('message', (data, isBinary) => {
      inbox.push([data, isBinary]);
      if (wake) wake();
    });
    const closed = once(ws, 'close');
    ws.on('error', (e) => console.log(`  ws error: ${e.message}`));
    await once(ws, 'open');
    check(answer === wantAnswer, `answer ${JSON.stringify(answer)} (expected ${JSON.stringify(wantAnswer)})`);
    check(ws.extensions === 'permessage-deflate', `ws negotiated ${JSON.stringify(ws.extensions)}`);
    for (const [name, message] of MESSAGES) {
      const isText = typeof message === 'string';
      ws.send(message, { binary: !isText, compress: true });
      while (inbox.length === 0) await new Promise((resolve) => (wake = resolve));
      wake = null;
      const [data, isBinary] = inbox.shift();
      const want = isText ? Buffer.from(message, 'utf8') : message;
      check(isBinary === !isText && Buffer.from(data).equals(want),
        `${name} (${want.length} bytes) echoed byte-exact`);
    }
    ws.close(1000);
    await closed;
    checkWire('ws client', socket.bytesRead, socket.bytesWritten);
    await server.waitFor(/^echo_server: permessage-deflate: /m, 5000);
    const logged = [...server.text().matchAll(/^echo_server: permessage-deflate: (.*)$/gm)].map((m) => m[1]);
    check(logged.length === 1 && logged[0] === wantParams,
      `echo_server negotiated ${JSON.stringify(logged)} (expected ${JSON.stringify(wantParams)})`);
  } finally {
    await server.stop();
  }
}

// --- Rust echo_client -> ws echo server ----------------------------------------------------------
async function serverScenario(clientBin, clientOpts, deflate, wantAnswer) {
  console.log(`echo_client ${clientOpts.join(' ') || '(defaults)'} -> ws server ` +
    `(perMessageDeflate ${JSON.stringify(deflate)})`);
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: deflate, maxPayload: MAX_PAYLOAD });
  await once(wss, 'listening');
  const answers = [];
  const sockets = [];
  wss.on('headers', (headers) => {
    const line = headers.find((h) => /^sec-websocket-extensions:/i.test(h));
    answers.push(line ? line.replace(/^[^:]*:\s*/, '') : null);
  });
  wss.on('connection', (ws, req) => {
    sockets.push(req.socket);
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary, compress: true }));
  });
  const client = new Rust([clientBin, '--check', ...clientOpts, `ws://127.0.0.1:${wss.address().port}/`]);
  let out = '';
  try {
    await client.exited;
    out = client.text();
  } finally {
    await client.stop();
    for (const ws of wss.clients) ws.terminate();
    await new Promise((resolve) => wss.close(resolve));
  }
  check(answers.length === 1 && answers[0] === wantAnswer,
    `ws answered ${JSON.stringify(answers)} (expected ${JSON.stringify(wantAnswer)})`);
  const seen = [...out.matchAll(/^echo_client: extensions: (.*?) \(/gm)].map((m) => m[1]);
  check(seen.length === 1 && seen[0] === wantAnswer, `echo_client saw ${JSON.stringify(seen)}`);
  for (const [name] of MESSAGES) {
    const line = new RegExp(`^echo_client: ${name} \\(\\d+ bytes\\): echoed byte-exact$`, 'm');
    check(line.test(out), `${name} echoed byte-exact (echo_client)`);
  }
  check(client.proc.exitCode === 0, `echo_client exit status ${client.proc.exitCode}`);
  if (sockets.length === 1) checkWire('ws server', sockets[0].bytesRead, sockets[0].bytesWritten);
  else check(false, `${sockets.length} connections to the ws server`);
  if (failed) console.log(out);
}

const CLIENT_SCENARIOS = [
  // ws's default offer: permessage-deflate; client_max_window_bits
  [[], { threshold: 0 }, 'permessage-deflate; client_max_window_bits=15',
    'send window 2^15, receive window 2^15'],
  // everything offered: no context takeover both ways, windows 10 (server) and 9 (client)
  [[], { threshold: 0, serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 10, clientMaxWindowBits: 9 },
    'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9',
    'send window 2^10 (no context takeover), receive window 2^9 (no context takeover)'],
  // our server's memory allows 2^9 windows only
  [['--deflate-window-bits=9'], { threshold: 0 },
    'permessage-deflate; server_max_window_bits=9; client_max_window_bits=9',
    'send window 2^9, receive window 2^9'],
];

const SERVER_SCENARIOS = [
  // ws's default server drops a valueless client_max_window_bits from its answer (allowed: the
  // client may then use 15, RFC 7692 7.1.2.2)
  [[], { threshold: 0 }, 'permessage-deflate'],
  // our client asks for 2^9 windows and no context takeover both ways; it compresses with 9
  [['--deflate-window-bits=9', '--deflate-no-context-takeover', '--deflate-peer-no-context-takeover'],
    { threshold: 0 },
    'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9'],
  // a ws server that asks for small windows itself (server_max_window_bits unsolicited, 7.1.2.1)
  [[], { threshold: 0, serverMaxWindowBits: 11, clientMaxWindowBits: 10 },
    'permessage-deflate; client_max_window_bits=10; server_max_window_bits=11'],
];

const [serverBin, clientBin] = process.argv.slice(2);
if (!serverBin || !clientBin) {
  console.error('usage: node peers_node.mjs ECHO_SERVER ECHO_CLIENT');
  process.exit(2);
}
for (const [opts, deflate, answer, params] of CLIENT_SCENARIOS) {
  try {
    await withTimeout(clientScenario(serverBin, opts, deflate, answer, params), 'scenario');
  } catch (e) {
    check(false, `scenario ended with ${e.message}`);
  }
}
for (const [opts, deflate, answer] of SERVER_SCENARIOS) {
  try {
    await withTimeout(serverScenario(clientBin, opts, deflate, answer), 'scenario');
  } catch (e) {
    check(false, `scenario ended with ${e.message}`);
  }
}
console.log('node ws against the Rust examples:');
console.log(`peers: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
