// wsframe's C ABI compiled to wasm32-unknown-unknown (tests/wasm/module),
// driven from Node.js: a client and a server connection in one module,
// pumping bytes to each other through buffers in the module's memory, the
// way tests/qemu's firmware and the host tests do with wsframe's Pair.
//
//   node ffi.test.mjs MODULE.wasm
//
// The module has no allocator: everything lives in its exported scratch
// area, laid out here. Struct layouts come from the module itself
// (wasm_layout_ptr). Ends with "N passed, M failed"; exits 1 on any
// failure.
import { readFile } from 'node:fs/promises';
import { argv, exit } from 'node:process';
import zlib from 'node:zlib';

const file = argv[2];
const bytes = await readFile(file);
const module = await WebAssembly.compile(bytes);
const imports = WebAssembly.Module.imports(module);
const { exports: w } = await WebAssembly.instantiate(module, {});

// ---- memory -------------------------------------------------------------
// Views are re-made on each use: memory growth would detach old ones.
const u8 = () => new Uint8Array(w.memory.buffer);
const dv = () => new DataView(w.memory.buffer);
const get32 = (p) => dv().getUint32(p, true);
const set32 = (p, v) => dv().setUint32(p, v, true);
const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

const names = [
  'str', 'str_len', 'header', 'header_value', 'header_value_len',
  'creq', 'creq_host', 'creq_path', 'creq_nonce', 'creq_subprotocols', 'creq_subprotocol_count',
  'creq_extensions', 'creq_origin', 'creq_extra_headers', 'creq_extra_header_count',
  'sresp', 'sresp_head_len', 'sresp_subprotocol',
  'req', 'req_path', 'req_head_len',
  'resp', 'resp_subprotocol',
  'event', 'ev_kind', 'ev_frame_end', 'ev_message_end', 'ev_close_code', 'ev_payload',
  'ev_payload_len', 'ev_reason', 'ev_reason_len', 'ev_consumed',
  'usize', 'config', 'cfg_max_frame_size', 'cfg_max_message_size', 'cfg_max_fragments',
  'deflate_config', 'deflate_params', 'sent', 'sent_written', 'sent_message_end',
];
const table = new Uint32Array(w.memory.buffer, w.wasm_layout_ptr(), w.wasm_layout_len());
if (table.length !== names.length) throw new Error('layout table does not match this script');
const L = Object.fromEntries(names.map((n, i) => [n, table[i]]));

let top = w.wasm_scratch_ptr();
const scratchEnd = top + w.wasm_scratch_len();
function alloc(size, align = 8) {
  top = Math.ceil(top / align) * align;
  const p = top;
  top += size;
  if (top > scratchEnd) throw new Error('scratch area exhausted');
  return p;
}
function putBytes(data) {
  const p = alloc(Math.max(data.length, 1), 1);
  u8().set(data, p);
  return p;
}
function putStr(p, s) { // writes a wsf_str at p
  const b = enc.encode(s);
  set32(p, b.length ? putBytes(b) : 0);
  set32(p + L.str_len, b.length);
}
function readStr(p) {
  const ptr = get32(p), len = get32(p + L.str_len);
  return dec.decode(u8().slice(ptr, ptr + len));
}

// ---- constants (include/wsframe.h) ---------------------------------------
const S = {
  OK: 0, BUFFER_TOO_SMALL: 103, CLOSED: 110,
  RESERVED_OPCODE: 1002, UNMASKED_CLIENT_FRAME: 1007, MASKED_SERVER_FRAME: 1008,
  INVALID_CLOSE_CODE: 1012, INVALID_UTF8: 1014, FRAME_TOO_BIG: 1015, MESSAGE_TOO_BIG: 1016,
  UNSUPPORTED_VERSION: 2010,
  COMPRESSED_CONTINUATION: 1018, CORRUPT_COMPRESSED_DATA: 1020, HANDSHAKE_DEFLATE_WINDOW_TOO_LARGE: 2113,
};
const LEVEL = { FAST: 0, DEFAULT: 1 };
const ROLE = { CLIENT: 0, SERVER: 1 };
const EV = { NONE: 0, TEXT: 1, BINARY: 2, PING: 3, PONG: 4, CLOSE: 5 };
const KIND = { TEXT: 1, BINARY: 2 };
const STATE = { OPEN: 0, CLOSE_SENT: 1, CLOSE_RECEIVED: 2, CLOSED: 3, FAILED: 4 };

const retStr = alloc(L.str);
function statusStr(status) {
  w.wsf_status_str(retStr, status);
  return readStr(retStr);
}
const written = alloc(L.usize, 4);
const eventPtr = alloc(L.event);
const limits = alloc(L.usize, 4);
set32(limits, w.wsf_handshake_limits_default());

// ---- results --------------------------------------------------------------
let passed = 0, failed = 0;
function check(what, ok, detail = '') {
  if (ok) {
    passed++;
    console.log(`ok    ${what}`);
  } else {
    failed++;
    console.log(`FAIL  ${what}${detail ? `: ${detail}` : ''}`);
  }
  return ok;
}
function expectStatus(what, got, want) {
  if (got !== want) throw new Error(`${what}: status ${got} (${statusStr(got)}), expected ${want}`);
}

// ---- the pair ---------------------------------------------------------------
let seed = 0x2545f491;
function nextKey() { // xorshift32: masking keys are the caller's randomness
  seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
  return seed >>> 0;
}

const WIRE = 192 * 1024;
const connSize = w.wsf_conn_size(), connAlign = w.wsf_conn_align();
const slots = [0, 1].map(() => ({ storage: alloc(connSize, connAlign), wire: alloc(WIRE, 16) }));
const staging = alloc(70 * 1024, 16);
const configPtr = alloc(L.config);
const connOut = alloc(4, 4);

// Each peer owns the bytes sent *to* it: wire[0..len).
function makePeer(slot, role, config = {}) {
  w.wsf_config_default(configPtr);
  if (config.maxFrameSize !== undefined) dv().setBigUint64(configPtr + L.cfg_max_frame_size, BigInt(config.maxFrameSize), true);
  if (config.maxMessageSize !== undefined) dv().setBigUint64(configPtr + L.cfg_max_message_size, BigInt(config.maxMessageSize), true);
  expectStatus('wsf_conn_init', w.wsf_conn_init(role, configPtr, slot.storage, connSize, connOut), S.OK);
  return { role, conn: get32(connOut), wire: slot.wire, len: 0, name: role === ROLE.CLIENT ? 'client' : 'server' };
}
function makePair(clientConfig, serverConfig) {
  const client = makePeer(slots[0], ROLE.CLIENT, clientConfig);
  const server = makePeer(slots[1], ROLE.SERVER, serverConfig);
  client.peer = server;
  server.peer = client;
  return { client, server };
}
const free = (p) => WIRE - p.len;
const tail = (p) => p.wire + p.len;

/// Calls a writer `fn(...args, out, out_len, written)` aimed at `to`'s wire.
function sendTo(to, fn, ...args) {
  const st = fn(...args, tail(to), free(to), written);
  if (st === S.OK) to.len += get32(written);
  return st;
}
function flush(from) {
  if (!w.wsf_conn_has_pending(from.conn)) return;
  const st = sendTo(from.peer, w.wsf_conn_write_pending, from.conn, nextKey());
  if (st !== S.OK && st !== S.BUFFER_TOO_SMALL) throw new Error(`write_pending: ${statusStr(st)}`);
}
/// One wsf_conn_recv at `at`: the event (payload copied out), its bytes
/// dropped, and anything it queued written onto the peer's wire.
function recv(at) {
  const st = w.wsf_conn_recv(at.conn, at.wire, at.len, eventPtr);
  let ev = { status: st };
  if (st === S.OK) {
    const p = eventPtr, d = dv();
    const payload = get32(p + L.ev_payload), payloadLen = get32(p + L.ev_payload_len);
    const reason = get32(p + L.ev_reason), reasonLen = get32(p + L.ev_reason_len);
    ev = {
      status: st,
      kind: get32(p + L.ev_kind),
      frameEnd: d.getUint8(p + L.ev_frame_end) !== 0,
      messageEnd: d.getUint8(p + L.ev_message_end) !== 0,
      closeCode: d.getUint16(p + L.ev_close_code, true),
      payload: u8().slice(payload, payload + payloadLen),
      reason: dec.decode(u8().slice(reason, reason + reasonLen)),
      consumed: get32(p + L.ev_consumed),
    };
    u8().copyWithin(at.wire, at.wire + ev.consumed, at.wire + at.len);
    at.len -= ev.consumed;
  }
  flush(at);
  return ev;
}
function sendRaw(to, data) {
  u8().set(data, tail(to));
  to.len += data.length;
}

// ---- the opening handshake --------------------------------------------------
const creq = alloc(L.creq);
const sresp = alloc(L.sresp);
const reqPtr = alloc(L.req);
const respPtr = alloc(L.resp);
const subprotocols = alloc(2 * L.str);
putStr(subprotocols, 'wsframe.wasm');
putStr(subprotocols + L.str, 'chat');
u8().fill(0, creq, creq + L.creq);
putStr(creq + L.creq_host, 'wsframe.test');
putStr(creq + L.creq_path, '/ffi?wasm=1');
u8().set(enc.encode('the sample nonce'), creq + L.creq_nonce);
set32(creq + L.creq_subprotocols, subprotocols);
set32(creq + L.creq_subprotocol_count, 2);

function handshake(pair) {
  const { client, server } = pair;
  expectStatus('wsf_client_request_write', sendTo(server, w.wsf_client_request_write, creq), S.OK);
  expectStatus('wsf_request_parse', w.wsf_request_parse(server.wire, server.len, limits, reqPtr), S.OK);
  const headLen = get32(reqPtr + L.req_head_len);
  if (readStr(reqPtr + L.req_path) !== '/ffi?wasm=1') throw new Error('request path');
  // Pick the client's second choice, to see the choice travel.
  expectStatus('wsf_request_subprotocol', w.wsf_request_subprotocol(reqPtr, 1, retStr), S.OK);
  u8().fill(0, respPtr, respPtr + L.resp);
  u8().copyWithin(respPtr + L.resp_subprotocol, retStr, retStr + L.str);
  expectStatus('wsf_request_write_response',
    sendTo(client, w.wsf_request_write_response, reqPtr, respPtr), S.OK);
  u8().copyWithin(server.wire, server.wire + headLen, server.wire + server.len);
  server.len -= headLen;
  expectStatus('wsf_client_request_check_response',
    w.wsf_client_request_check_response(creq, client.wire, client.len, limits, sresp), S.OK);
  const chosen = readStr(sresp + L.sresp_subprotocol);
  if (chosen !== 'chat') throw new Error(`subprotocol ${chosen}`);
  const answerLen = get32(sresp + L.sresp_head_len);
  u8().copyWithin(client.wire, client.wire + answerLen, client.wire + client.len);
  client.len -= answerLen;
  return pair;
}
const connected = (c, s) => handshake(makePair(c, s));

// ---- streaming one generated message ---------------------------------------
const TEXT = enc.encode('a\u00e9\u20ac\u{1f600}'); // code points of 1, 2, 3, 4 bytes
function byteAt(kind, len, i) {
  if (kind === KIND.BINARY) return (Math.imul(i, 0x9e3779b1) >>> 24) ^ Math.floor(i / 2 ** 32) & 0xff;
  return i < len - (len % 10) ? TEXT[i % 10] : 0x7a;
}
function fnv(sum, b) { return Math.imul(sum ^ b, 0x01000193) >>> 0; }

/// Sends `len` bytes from `from` to its peer in frames of `fragment`
/// bytes, a Ping after each non-final frame if asked, through whatever room
/// the wire has; `whole` sends each frame with wsf_conn_send_data from a
/// staging copy, otherwise wsf_conn_send_data_header then the payload
/// written (and masked with wsf_mask) straight onto the wire.
function transfer(from, kind, len, { fragment = len || 1, pings = false, whole = false } = {}) {
  const to = from.peer;
  const tx = { offset: 0, frames: 0, left: 0, key: 0, phase: 0, pingDue: false, sum: 0x811c9dc5 };
  const rx = { offset: 0, sum: 0x811c9dc5, done: false, pieces: 0, pings: 0 };
  let pongs = 0;
  const phase = alloc(4, 4);
  const sentAll = () => tx.frames > 0 && tx.offset === len && tx.left === 0 && !tx.pingDue;
  for (let rounds = 0; !(sentAll() && rx.done); rounds++) {
    if (rounds > 1e6) throw new Error('stalled');
    // sender
    for (;;) {
      if (tx.left > 0) {
        const n = Math.min(tx.left, free(to));
        if (n === 0) break;
        const m = u8(), at = tail(to);
        for (let i = 0; i < n; i++) {
          const b = byteAt(kind, len, tx.offset + i);
          m[at + i] = b;
          tx.sum = fnv(tx.sum, b);
        }
        if (from.role === ROLE.CLIENT) {
          expectStatus('wsf_mask', w.wsf_mask(at, n, tx.key, tx.phase, phase), S.OK);
          tx.phase = get32(phase);
        }
        to.len += n;
        tx.offset += n;
        tx.left -= n;
      } else if (tx.pingDue) {
        const st = sendTo(to, w.wsf_conn_send_ping, from.conn, staging, 4, nextKey());
        if (st === S.BUFFER_TOO_SMALL) break;
        expectStatus('wsf_conn_send_ping', st, S.OK);
        tx.pingDue = false;
      } else if (!sentAll()) {
        const n = Math.min(fragment, len - tx.offset);
        const fin = tx.offset + n === len ? 1 : 0;
        tx.key = nextKey();
        if (whole) {
          if (free(to) < n + 14) break;
          const m = u8();
          for (let i = 0; i < n; i++) {
            const b = byteAt(kind, len, tx.offset + i);
            m[staging + i] = b;
            tx.sum = fnv(tx.sum, b);
          }
          expectStatus('wsf_conn_send_data',
            sendTo(to, w.wsf_conn_send_data, from.conn, kind, fin, staging, n, tx.key), S.OK);
          tx.offset += n;
        } else {
          const st = sendTo(to, w.wsf_conn_send_data_header, from.conn, kind, fin, BigInt(n), tx.key);
          if (st === S.BUFFER_TOO_SMALL) break;
          expectStatus('wsf_conn_send_data_header', st, S.OK);
          tx.left = n;
          tx.phase = 0;
        }
        tx.frames++;
        tx.pingDue = pings && !fin;
      } else {
        break;
      }
    }
    // receiver
    for (let ev = recv(to); ev.status === S.OK && ev.consumed > 0; ev = recv(to)) {
      if (ev.kind === EV.PING) { rx.pings++; continue; }
      if (ev.kind === EV.NONE) continue;
      if (ev.kind !== (kind === KIND.TEXT ? EV.TEXT : EV.BINARY)) throw new Error(`event ${ev.kind}`);
      for (const b of ev.payload) {
        if (b !== byteAt(kind, len, rx.offset)) throw new Error(`byte ${rx.offset} differs`);
        rx.sum = fnv(rx.sum, b);
        rx.offset++;
      }
      rx.pieces++;
      rx.done = ev.messageEnd;
    }
    // Pongs coming back to the sender
    for (let ev = recv(from); ev.status === S.OK && ev.consumed > 0; ev = recv(from)) {
      if (ev.kind !== EV.PONG) throw new Error(`sender got event ${ev.kind}`);
      pongs++;
    }
  }
  return { frames: tx.frames, pieces: rx.pieces, pings: rx.pings, pongs, same: tx.sum === rx.sum && rx.offset === len };
}

// ---- the tests --------------------------------------------------------------
const tests = [];
const test = (name, fn) => tests.push([name, fn]);
const SIZES = [0, 1, 125, 126, 65535, 65536];

test('handshake: client request, parse, 101 with a subprotocol, check', () => {
  const { client, server } = connected();
  check('handshake leaves both open and the wires empty',
    w.wsf_conn_state(client.conn) === STATE.OPEN && w.wsf_conn_state(server.conn) === STATE.OPEN &&
    client.len === 0 && server.len === 0);
});

test('handshake refused: version 12 is answered with 426', () => {
  const request = enc.encode('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 12\r\n\r\n');
  const p = putBytes(request);
  const st = w.wsf_request_parse(p, request.length, limits, reqPtr);
  check('wsf_request_parse says WSF_HANDSHAKE_UNSUPPORTED_VERSION', st === S.UNSUPPORTED_VERSION, statusStr(st));
  check('its HTTP status is 426', w.wsf_status_http_status(st) === 426);
  const out = alloc(512, 1);
  const wr = w.wsf_handshake_write_rejection(st, out, 512, written);
  const head = new TextDecoder().decode(u8().slice(out, out + get32(written)));
  check('wsf_handshake_write_rejection writes a 426 with Sec-WebSocket-Version: 13',
    wr === S.OK && head.startsWith('HTTP/1.1 426 ') && head.includes('Sec-WebSocket-Version: 13'));
});

for (const [dir, side] of [['client -> server', 'client'], ['server -> client', 'server']]) {
  test(`whole messages ${dir}: text and binary, ${SIZES.join(', ')} bytes`, () => {
    const pair = connected();
    for (const kind of [KIND.TEXT, KIND.BINARY]) {
      for (const len of SIZES) {
        const r = transfer(pair[side], kind, len, { whole: true });
        check(`${dir} ${kind === KIND.TEXT ? 'text' : 'binary'} ${len} B (wsf_conn_send_data)`,
          r.same && r.frames === 1, JSON.stringify(r));
      }
    }
  });
  test(`1 MiB messages ${dir}, streamed`, () => {
    const pair = connected();
    for (const kind of [KIND.TEXT, KIND.BINARY]) {
      const r = transfer(pair[side], kind, 1 << 20);
      check(`${dir} ${kind === KIND.TEXT ? 'text' : 'binary'} 1 MiB in one frame through a ${WIRE >> 10} KiB wire`,
        r.same && r.frames === 1 && r.pieces > 1, JSON.stringify(r));
    }
    const r = transfer(pair[side], KIND.BINARY, 1 << 20, { fragment: 64 * 1024, whole: true });
    check(`${dir} binary 1 MiB as 16 fragments of wsf_conn_send_data`, r.same && r.frames === 16, JSON.stringify(r));
  });
  test(`fragmented messages ${dir} with pings between fragments`, () => {
    const pair = connected();
    for (const kind of [KIND.TEXT, KIND.BINARY]) {
      const r = transfer(pair[side], kind, 10007, { fragment: 1000, pings: true });
      check(`${dir} ${kind === KIND.TEXT ? 'text' : 'binary'} 10007 B in 11 fragments, 10 pings answered`,
        r.same && r.frames === 11 && r.pings === 10 && r.pongs === 10, JSON.stringify(r));
    }
  });
}

test('ping and pong with 125 bytes both ways', () => {
  const pair = connected();
  for (const from of [pair.client, pair.server]) {
    const payload = putBytes(new Uint8Array(125).fill(0xa5));
    expectStatus('send_ping', sendTo(from.peer, w.wsf_conn_send_ping, from.conn, payload, 125, nextKey()), S.OK);
    const ping = recv(from.peer);
    const pong = recv(from);
    check(`${from.name} ping -> pong`, ping.kind === EV.PING && pong.kind === EV.PONG &&
      pong.payload.length === 125 && pong.payload.every((b) => b === 0xa5));
  }
});

for (const [who, other] of [['client', 'server'], ['server', 'client']]) {
  test(`close handshake from the ${who}`, () => {
    const pair = connected();
    const from = pair[who], to = pair[other];
    const reason = putBytes(enc.encode('bye'));
    expectStatus('send_close', sendTo(to, w.wsf_conn_send_close, from.conn, 1000, reason, 3, nextKey()), S.OK);
    check(`${who} is CLOSE_SENT`, w.wsf_conn_state(from.conn) === STATE.CLOSE_SENT);
    const seen = recv(to);
    check(`${other} sees Close 1000 "bye"`, seen.kind === EV.CLOSE && seen.closeCode === 1000 && seen.reason === 'bye');
    const echo = recv(from);
    check(`${who} gets the echo 1000`, echo.kind === EV.CLOSE && echo.closeCode === 1000);
    check('both CLOSED and finished', [from, to].every((p) =>
      w.wsf_conn_state(p.conn) === STATE.CLOSED && w.wsf_conn_is_finished(p.conn) === 1));
    const st = sendTo(from, w.wsf_conn_send_data, to.conn, KIND.TEXT, 1, reason, 3, nextKey());
    check('sending after the close is WSF_CLOSED', st === S.CLOSED);
  });
}

/// `inject` breaks the protocol towards `at`; `at` must fail with `status`
/// and its peer must get a Close with `code`.
function violation(name, at, status, code, inject, configs = {}) {
  test(`${name} -> ${code}`, () => {
    const pair = connected(configs.client, configs.server);
    inject(pair);
    let ev = recv(pair[at]);
    while (ev.status === S.OK && ev.consumed > 0) ev = recv(pair[at]); // pieces before the bad byte
    check(`${at} fails with ${statusStr(status)}`, ev.status === status, `${ev.status} ${statusStr(ev.status)}`);
    check(`close code ${code}`, w.wsf_status_close_code(ev.status) === code);
    check(`${at} is FAILED`, w.wsf_conn_state(pair[at].conn) === STATE.FAILED &&
      w.wsf_conn_error(pair[at].conn) === status);
    const close = recv(pair[at].peer);
    check(`the peer receives Close ${code}`, close.kind === EV.CLOSE && close.closeCode === code,
      JSON.stringify({ kind: close.kind, code: close.closeCode, status: close.status }));
  });
}
violation('unmasked client frame', 'server', S.UNMASKED_CLIENT_FRAME, 1002,
  (p) => sendRaw(p.server, [0x81, 0x02, 0x68, 0x69]));
violation('masked server frame', 'client', S.MASKED_SERVER_FRAME, 1002,
  (p) => sendRaw(p.client, [0x82, 0x81, 1, 2, 3, 4, 5]));
violation('reserved opcode', 'server', S.RESERVED_OPCODE, 1002,
  (p) => sendRaw(p.server, [0x83, 0x80, 0, 0, 0, 0]));
violation('close code 1005 on the wire', 'client', S.INVALID_CLOSE_CODE, 1002,
  (p) => sendRaw(p.client, [0x88, 0x02, 0x03, 0xed]));
violation('invalid UTF-8 across fragments', 'server', S.INVALID_UTF8, 1007, (p) => {
  const a = putBytes(new Uint8Array([0x6f, 0x6b, 0x20, 0xc3])); // "ok " and half of "é"
  const b = putBytes(new Uint8Array([0xa9, 0xa9]));
  expectStatus('send 1', sendTo(p.server, w.wsf_conn_send_data, p.client.conn, KIND.TEXT, 0, a, 4, nextKey()), S.OK);
  expectStatus('send 2', sendTo(p.server, w.wsf_conn_send_data, p.client.conn, KIND.TEXT, 1, b, 2, nextKey()), S.OK);
});
violation('frame over the limit', 'server', S.FRAME_TOO_BIG, 1009, (p) => {
  expectStatus('header', sendTo(p.server, w.wsf_conn_send_data_header, p.client.conn, KIND.BINARY, 1, 1001n, nextKey()), S.OK);
}, { server: { maxFrameSize: 1000 } });
violation('message over the limit', 'client', S.MESSAGE_TOO_BIG, 1009, (p) => {
  const a = putBytes(new Uint8Array(60));
  expectStatus('send 1', sendTo(p.client, w.wsf_conn_send_data, p.server.conn, KIND.BINARY, 0, a, 60, 0), S.OK);
  expectStatus('send 2', sendTo(p.client, w.wsf_conn_send_data, p.server.conn, KIND.BINARY, 1, a, 60, 0), S.OK);
}, { client: { maxMessageSize: 100 } });

// ---- permessage-deflate (RFC 7692) -------------------------------------------
// Each peer's deflate blocks, laid out once (sized for window 15, the largest).
const zAlign = w.wsf_deflate_storage_align();
const maxParams = alloc(L.deflate_params, 4);
u8().set([15, 0, 15, 0], maxParams);
const zRxLen = w.wsf_deflate_rx_storage_size(maxParams);
const zTxLen = w.wsf_deflate_tx_storage_size(maxParams, LEVEL.DEFAULT);
const zBlocks = [0, 1].map(() => ({ rx: alloc(zRxLen, zAlign), tx: alloc(zTxLen, zAlign) }));
const sentPtr = alloc(L.sent, 4);
const acceptedPtr = alloc(4, 4);
const TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/// A wsf_deflate_config {receive, send, peer_no_context_takeover, no_context_takeover}.
function deflateConfig(bits, nct) {
  const p = alloc(L.deflate_config, 4);
  u8().set([bits, bits, nct, nct], p);
  return p;
}
const paramsOf = (p) => {
  const b = u8().slice(p, p + 4);
  return { send: b[0], sendNct: b[1], receive: b[2], receiveNct: b[3] };
};

/// The whole handshake with permessage-deflate offered by the client (its
/// offer from wsf_deflate_client_offer), negotiated by the server, checked
/// by the client; each side's blocks are then given to its connection.
function connectedDeflate(bits, nct, { clientTx = true, serverConfig } = {}) {
  const pair = makePair(undefined, serverConfig);
  const cfg = deflateConfig(bits, nct);
  const offer = alloc(128, 1), answer = alloc(128, 1);
  expectStatus('wsf_deflate_client_offer', w.wsf_deflate_client_offer(cfg, offer, 128, written), S.OK);
  const req = alloc(L.creq);
  u8().copyWithin(req, creq, creq + L.creq);
  set32(req + L.creq_extensions, offer);
  set32(req + L.creq_extensions + L.str_len, get32(written));
  const { client, server } = pair;
  expectStatus('wsf_client_request_write', sendTo(server, w.wsf_client_request_write, req), S.OK);
  expectStatus('wsf_request_parse', w.wsf_request_parse(server.wire, server.len, limits, reqPtr), S.OK);
  const headLen = get32(reqPtr + L.req_head_len);
  const sp = alloc(L.deflate_params, 4), cp = alloc(L.deflate_params, 4);
  expectStatus('wsf_request_deflate_negotiate',
    w.wsf_request_deflate_negotiate(reqPtr, cfg, sp, acceptedPtr, answer, 128, written), S.OK);
  if (u8()[acceptedPtr] !== 1) throw new Error('the server declined');
  u8().fill(0, respPtr, respPtr + L.resp);
  set32(respPtr + L.resp_subprotocol + L.str, answer); // wsf_response.extensions follows subprotocol
  set32(respPtr + L.resp_subprotocol + L.str + L.str_len, get32(written));
  expectStatus('wsf_request_write_response', sendTo(client, w.wsf_request_write_response, reqPtr, respPtr), S.OK);
  u8().copyWithin(server.wire, server.wire + headLen, server.wire + server.len);
  server.len -= headLen;
  expectStatus('wsf_client_request_check_response',
    w.wsf_client_request_check_response(req, client.wire, client.len, limits, sresp), S.OK);
  const ext = sresp + L.sresp_subprotocol + L.str; // wsf_server_response.extensions
  expectStatus('wsf_deflate_check_answer',
    w.wsf_deflate_check_answer(get32(ext), get32(ext + L.str_len), cfg, cp, acceptedPtr), S.OK);
  if (u8()[acceptedPtr] !== 1) throw new Error('the client refused the answer');
  const answerLen = get32(sresp + L.sresp_head_len);
  u8().copyWithin(client.wire, client.wire + answerLen, client.wire + client.len);
  client.len -= answerLen;
  for (const [peer, params, blocks, tx] of [[client, cp, zBlocks[0], clientTx], [server, sp, zBlocks[1], true]]) {
    const level = bits % 2 ? LEVEL.FAST : LEVEL.DEFAULT;
    const rxLen = w.wsf_deflate_rx_storage_size(params), txLen = w.wsf_deflate_tx_storage_size(params, level);
    expectStatus('wsf_conn_deflate_init', w.wsf_conn_deflate_init(peer.conn, params, level,
      blocks.rx, rxLen, tx ? blocks.tx : 0, tx ? txLen : 0), S.OK);
    peer.params = paramsOf(params);
  }
  return pair;
}

/// Sends `data` (at most the staging area) from `from` with
/// wsf_conn_send_deflate into frames of at most `outCap` bytes; returns the
/// frames written.
function sendDeflate(from, kind, data, outCap = WIRE) {
  const to = from.peer;
  u8().set(data, staging);
  let offset = 0, frames = 0, end = false;
  while (!end) {
    const room = Math.min(free(to), outCap);
    const st = w.wsf_conn_send_deflate(from.conn, kind, 1, staging + offset, data.length - offset,
      nextKey(), tail(to), room, sentPtr);
    expectStatus('wsf_conn_send_deflate', st, S.OK);
    const consumed = get32(sentPtr), n = get32(sentPtr + L.sent_written);
    end = u8()[sentPtr + L.sent_message_end] !== 0;
    offset += consumed;
    to.len += n;
    if (n) frames++;
  }
  if (offset !== data.length) throw new Error('payload not all taken');
  return frames;
}
/// Receives one whole data message at `at` (inflated by wsf_conn_recv).
function receiveMessage(at) {
  const parts = [];
  for (let rounds = 0; rounds < 1e6; rounds++) {
    const ev = recv(at);
    if (ev.status !== S.OK) throw new Error(`recv: ${statusStr(ev.status)}`);
    if (ev.kind === EV.TEXT || ev.kind === EV.BINARY) {
      parts.push(ev.payload);
      if (ev.messageEnd) return { kind: ev.kind, data: Buffer.concat(parts) };
    } else if (ev.kind === EV.NONE && ev.consumed === 0) {
      throw new Error('message incomplete');
    }
  }
  throw new Error('stalled');
}
/// Takes one whole message of server frames off the client's wire without
/// the library: RSV1 on the first frame only; the payloads joined.
function takeServerFrames(client) {
  const m = u8();
  let at = client.wire, fin = false, first = true;
  const parts = [];
  while (!fin) {
    const b0 = m[at], b1 = m[at + 1];
    let len = b1 & 0x7f, head = 2;
    if (len === 126) { len = (m[at + 2] << 8) | m[at + 3]; head = 4; }
    else if (len === 127) { len = Number(dv().getBigUint64(at + 2)); head = 10; }
    if (((b0 & 0x40) !== 0) !== first || (b1 & 0x80)) throw new Error('bad RSV1 or mask on a server frame');
    parts.push(Buffer.from(m.slice(at + head, at + head + len)));
    at += head + len;
    fin = (b0 & 0x80) !== 0;
    first = false;
  }
  const used = at - client.wire;
  u8().copyWithin(client.wire, client.wire + used, client.wire + client.len);
  client.len -= used;
  return Buffer.concat(parts);
}
/// A masked client frame built here, not by the library.
function clientFrame(fin, rsv1, opcode, payload) {
  const len = payload.length;
  const head = [(fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode];
  if (len < 126) head.push(0x80 | len);
  else if (len < 65536) head.push(0x80 | 126, len >> 8, len & 0xff);
  else { head.push(0x80 | 127, 0, 0, 0, 0, (len >>> 24) & 0xff, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff); }
  const key = [0x37, 0xfa, 0x21, 0x3d];
  return Buffer.concat([Buffer.from([...head, ...key]), Buffer.from(payload.map((b, i) => b ^ key[i % 4]))]);
}
function words(len, seed) {
  const vocab = ['deflate ', 'inflate ', 'wasm ', 'window ', 'ring ', 'node '];
  let s = '', x = seed;
  while (s.length < len) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; s += vocab[(x >>> 16) % vocab.length]; }
  return Buffer.from(s.slice(0, len));
}
function noise(len, seed) {
  const b = Buffer.alloc(len);
  let x = seed | 1;
  for (let i = 0; i < len; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; b[i] = (x >>> 24) & 0xff; }
  return b;
}
/// A zlib stream (context takeover) used one message at a time: write,
/// flush with Z_SYNC_FLUSH, and resolve with everything it produced.
/// A zlib error (e.g. a distance beyond the window) rejects at once.
function zlibStream(stream) {
  const chunks = [];
  let failure = null, pending = null;
  stream.on('data', (c) => chunks.push(c));
  stream.on('error', (e) => {
    failure = e;
    if (pending) pending(e);
  });
  return (data) => new Promise((resolve, reject) => {
    if (failure) return reject(failure);
    pending = reject;
    stream.write(data);
    stream.flush(zlib.constants.Z_SYNC_FLUSH, () => setImmediate(() => {
      pending = null;
      if (failure) reject(failure);
      else resolve(Buffer.concat(chunks.splice(0)));
    }));
  });
}
const DEFLATE_SIZES = [0, 1, 200, 5000, 60000];
const deflateMessages = (seed) => DEFLATE_SIZES.flatMap((n) =>
  [[KIND.TEXT, words(n, seed + n)], [KIND.BINARY, noise(n, seed + n)]]);

for (const bits of [9, 10, 12, 15]) {
  for (const nct of [0, 1]) {
    const label = `window ${bits}, ${nct ? 'no ' : ''}context takeover`;
    test(`deflate ${label}: negotiated, client <-> server round trips`, () => {
      const pair = connectedDeflate(bits, nct);
      check(`${label}: both ends agree`, pair.client.params.send === bits && pair.server.params.receive === bits &&
        pair.server.params.send === bits && pair.client.params.receive === bits &&
        pair.client.params.sendNct === nct && pair.server.params.receiveNct === nct);
      for (const [from, to] of [[pair.client, pair.server], [pair.server, pair.client]]) {
        let ok = true, wireBytes = 0, plain = 0;
        for (const [kind, data] of deflateMessages(bits)) {
          for (const outCap of [WIRE, 64]) {
            sendDeflate(from, kind, data, outCap);
            if (outCap === WIRE && kind === KIND.TEXT) { wireBytes += to.len; plain += data.length; }
            const got = receiveMessage(to);
            ok &&= got.kind === (kind === KIND.TEXT ? EV.TEXT : EV.BINARY) && got.data.equals(data);
          }
        }
        check(`${label}: ${from.name} -> ${to.name}, ${DEFLATE_SIZES.join(', ')} B text and binary, ` +
          `whole and in 64-byte frames`, ok);
        check(`${label}: ${from.name}'s text compressed (${wireBytes} B on the wire for ${plain} B)`,
          wireBytes < plain / 3);
      }
    });
    test(`deflate ${label}: Node's zlib -> our server`, async () => {
      const pair = connectedDeflate(bits, nct);
      // Without context takeover each message is its own raw stream
      // (deflateRawSync); with it, one stream flushed per message.
      const stream = nct ? null : zlibStream(zlib.createDeflateRaw({ windowBits: bits }));
      let ok = true;
      for (const [kind, data] of deflateMessages(bits + 100)) {
        const z = nct ? zlib.deflateRawSync(data, { windowBits: bits, finishFlush: zlib.constants.Z_SYNC_FLUSH })
          : await stream(data);
        let payload = z.subarray(z.length - 4).equals(TRAILER) ? z.subarray(0, z.length - 4) : null;
        if (payload === null) throw new Error('zlib output lacks the 00 00 ff ff trailer');
        if (payload.length === 0) payload = Buffer.from([0]); // an empty message (§7.2.3.6)
        const third = Math.floor(payload.length / 3);
        if (payload.length >= 3 && data.length % 2 === 0) {
          sendRaw(pair.server, clientFrame(false, true, kind, payload.subarray(0, third)));
          sendRaw(pair.server, clientFrame(false, false, 0, payload.subarray(third, 2 * third)));
          sendRaw(pair.server, clientFrame(true, false, 0, payload.subarray(2 * third)));
        } else {
          sendRaw(pair.server, clientFrame(true, true, kind, payload));
        }
        const got = receiveMessage(pair.server);
        ok &&= got.data.equals(data);
      }
      check(`${label}: our server inflates zlib.deflateRaw${nct ? 'Sync' : ' (one stream)'} messages, whole and in 3 frames`, ok);
    });
    test(`deflate ${label}: our server -> Node's zlib`, async () => {
      const pair = connectedDeflate(bits, nct);
      const stream = nct ? null : zlibStream(zlib.createInflateRaw({ windowBits: bits }));
      let ok = true;
      for (const [kind, data] of deflateMessages(bits + 200)) {
        sendDeflate(pair.server, kind, data, 1000);
        const payload = Buffer.concat([takeServerFrames(pair.client), TRAILER]);
        // zlib's inflater enforces the window: a longer distance would throw.
        const out = nct ? zlib.inflateRawSync(payload, { windowBits: bits, finishFlush: zlib.constants.Z_SYNC_FLUSH })
          : await stream(payload);
        ok &&= out.equals(data);
      }
      check(`${label}: zlib.inflateRaw${nct ? 'Sync' : ' (one stream)'} restores every message of our server`, ok);
    });
  }
}

test('deflate: a client that only inflates sends plain messages', () => {
  const pair = connectedDeflate(15, 0, { clientTx: false });
  const data = words(3000, 5);
  const frames = sendDeflate(pair.client, KIND.TEXT, data, 1024);
  const rsv1 = (u8()[pair.server.wire] & 0x40) !== 0;
  const got = receiveMessage(pair.server);
  check('3 plain frames (RSV1 clear), received whole', frames === 3 && !rsv1 && got.data.equals(data));
  sendDeflate(pair.server, KIND.TEXT, data);
  check('the server still compresses toward it', pair.client.len < 1000 && receiveMessage(pair.client).data.equals(data));
});

test('deflate: the client refuses a window larger than it offered', () => {
  const value = putBytes(enc.encode('permessage-deflate; server_max_window_bits=12'));
  const st = w.wsf_deflate_check_answer(value, 45, deflateConfig(10, 0), alloc(4, 4), acceptedPtr);
  check('WSF_HANDSHAKE_DEFLATE_WINDOW_TOO_LARGE', st === S.HANDSHAKE_DEFLATE_WINDOW_TOO_LARGE, statusStr(st));
});

/// As violation(), on a pair with permessage-deflate at window 15.
function deflateViolation(name, at, status, code, inject, serverConfig) {
  test(`deflate: ${name} -> ${code}`, () => {
    const pair = connectedDeflate(15, 0, { serverConfig });
    inject(pair);
    let ev = recv(pair[at]);
    while (ev.status === S.OK && ev.consumed > 0) ev = recv(pair[at]);
    check(`${at} fails with ${statusStr(status)}`, ev.status === status, `${ev.status} ${statusStr(ev.status)}`);
    check(`close code ${code}`, w.wsf_status_close_code(ev.status) === code);
    const close = recv(pair[at].peer);
    check(`the peer receives Close ${code}`, close.kind === EV.CLOSE && close.closeCode === code);
  });
}
deflateViolation('RSV1 on a continuation', 'server', S.COMPRESSED_CONTINUATION, 1002, (p) => {
  sendRaw(p.server, clientFrame(false, false, KIND.TEXT, Buffer.from('ab')));
  sendRaw(p.server, clientFrame(true, true, 0, Buffer.from('cd')));
});
deflateViolation('corrupt compressed data', 'server', S.CORRUPT_COMPRESSED_DATA, 1007, (p) => {
  sendRaw(p.server, clientFrame(true, true, KIND.BINARY, Buffer.from([0x07, 0x00]))); // block type 3
});
deflateViolation('a bomb over max_message_size', 'server', S.MESSAGE_TOO_BIG, 1009, (p) => {
  const bomb = zlib.deflateRawSync(Buffer.alloc(1 << 20), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  if (bomb.length > 2000) throw new Error('bomb too large');
  sendRaw(p.server, clientFrame(true, true, KIND.BINARY, bomb.subarray(0, bomb.length - 4)));
}, { maxMessageSize: 100000 });

// ---- run --------------------------------------------------------------------
const mark = top;
console.log(`module ${file}: ${bytes.length} bytes, ${imports.length} imports, ` +
  `wsf_conn_size() = ${connSize}, version ${(() => { w.wsf_version(retStr); return readStr(retStr); })()}`);
for (const [name, fn] of tests) {
  top = mark; // each test lays out its own scratch data
  try {
    await fn();
  } catch (error) {
    check(name, false, error.message);
  }
}
console.log(`${passed} passed, ${failed} failed`);
exit(failed === 0 && passed > 0 ? 0 : 1);
