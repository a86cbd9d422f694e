//! Panic-freedom, proven by the linker (see panic-check.sh).
//!
//! This release firmware calls every public entry point of wsframe with
//! inputs the optimiser cannot see (random bytes made at run time, passed
//! through `black_box`), so every path that any input could take is
//! compiled in. Its panic handler (in the library, without `log`) calls a
//! function that does not exist: if any panic path survived optimisation
//! the firmware does not link.
//!
//! The HTTP parsers (`Request::parse`, `ClientHandshake::check_response`)
//! run on `httparse`, whose code keeps two panic sites the optimiser cannot
//! remove; they are compiled in only with the `parsers` feature (and with
//! `scenarios`, whose handshakes use them), which panic-check.sh builds
//! with a linking panic handler and audits instead.
//!
//! At run time it then does what it proves: a few thousand rounds of random
//! input into every parser and state machine (a fault or a hang fails the
//! QEMU run; permessage-deflate's `recv_deflate` and `send_deflate`
//! included), random compress → inflate round trips (permessage-deflate,
//! memory on the stack; through the codec and through a pair of
//! connections) that must come back byte-exact, and with `scenarios` the
//! loopback and deflate scenarios too.
#![no_std]
#![no_main]

use core::hint::black_box;

use cortex_m_rt::entry;
use wsframe::close::ClosePayload;
use wsframe::deflate::{
    self, Compression, Compressor, Decompression, DeflateConfig, DeflateParams, Flush,
    InflateError, Inflater, Level, Params, ResponseError,
};
use wsframe::frame::{self, FrameHeader, OpCode};
use wsframe::handshake::{
    self, ClientHandshake, ClientRequest, ExtensionOffers, Header, Request, Response,
};
use wsframe::mask::apply_mask;
use wsframe::utf8::Utf8Validator;
use wsframe::{
    CloseCode, Config, Connection, DataKind, Event, HandshakeError, KeepAlive, MIN_RECV_BUFFER,
    ProtocolError, Reassembler, Role,
};
use wsframe_qemu::deflate::{Codec, RING, STORAGE};
use wsframe_qemu::link::Link;
use wsframe_qemu::{exit, report, sink, wires};

/// Rounds of random input.
const ROUNDS: usize = 3000;

#[entry]
fn main() -> ! {
    let Some((a, b)) = wires() else { exit(false) };
    #[allow(unused_mut)]
    let (mut passed, mut failed) = (0usize, 0usize);
    #[cfg(feature = "scenarios")]
    for size in wsframe_qemu::WIRE_SIZES {
        let (Some(a), Some(b)) = (a.get_mut(..size), b.get_mut(..size)) else {
            exit(false)
        };
        for scenario in wsframe::testing::scenarios::SCENARIOS {
            match (scenario.run)(a, b) {
                Ok(()) => passed += 1,
                Err(failure) => {
                    sink(failure);
                    failed += 1;
                }
            }
        }
        for scenario in &wsframe_qemu::deflate::SCENARIOS {
            match scenario.run(a, b) {
                Ok(()) => passed += 1,
                Err(failure) => {
                    sink(failure);
                    failed += 1;
                }
            }
        }
        match wsframe_qemu::deflate::bad_input(a, b) {
            Ok(()) => passed += 1,
            Err(failure) => {
                sink(failure);
                failed += 1;
            }
        }
    }
    #[cfg(feature = "canary")]
    {
        // Negative control: an index the optimiser cannot check.
        let table = black_box([1u8, 2, 3]);
        sink(table[black_box(7)]);
    }
    let mut rng = Rng(black_box(0x2545_f491));
    let (mut exact, mut wrong) = (0, 0);
    for _ in 0..ROUNDS {
        match round(&mut rng, a, b) {
            Some(true) => exact += 1,
            Some(false) => wrong += 1,
            None => {}
        }
    }
    passed += 1; // the random rounds ended without a fault
    report(b"random rounds without a fault: ", ROUNDS);
    report(b"deflate round trips byte-exact: ", exact);
    report(b"deflate round trips wrong: ", wrong);
    // Every accepted parameter set must round-trip; most are accepted.
    if wrong > 0 || exact < ROUNDS / 2 {
        failed += 1;
    }
    report(b"scenarios and rounds passed: ", passed);
    report(b"failed: ", failed);
    exit(failed == 0)
}

/// xorshift32: the random input, made at run time.
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u32) -> usize {
        (self.next() % n.max(1)) as usize
    }

    /// Fills a random-length prefix of `buf` with bytes, biased towards
    /// the bytes that matter to WebSocket and HTTP parsers.
    fn fill<'b>(&mut self, buf: &'b mut [u8]) -> &'b mut [u8] {
        const SPICE: &[u8] = b"\x81\x82\x88\x89\x8a\x00\x7e\x7f\xff\r\n: ,;=\"GET HTTP/1.1";
        let len = self.below(buf.len() as u32 + 1);
        let buf = buf.get_mut(..len).unwrap_or_default();
        for b in buf.iter_mut() {
            let r = self.next();
            *b = if r & 3 == 0 {
                SPICE
                    .get((r >> 8) as usize % SPICE.len())
                    .copied()
                    .unwrap_or(0)
            } else {
                (r >> 16) as u8
            };
        }
        buf
    }
}

/// One round: random bytes into everything. Returns its deflate round
/// trip's verdict: `None` if the random parameters were refused.
fn round(rng: &mut Rng, a: &mut [u8], b: &mut [u8]) -> Option<bool> {
    let role = if rng.next() & 1 == 0 {
        Role::Client
    } else {
        Role::Server
    };
    let config = Config {
        max_frame_size: rng.next() as usize,
        max_message_size: rng.next() as usize,
        max_fragments: rng.next() % 8,
        validate_utf8: rng.next() & 1 == 0,
        auto_pong: rng.next() & 1 == 0,
    };
    let key = rng.next().to_le_bytes();
    let input = black_box(rng.fill(a));
    connection(Connection::new(role, config), input, key, b);
    // A small Pong slot: Pings that do not fit are left to the caller.
    let input = black_box(rng.fill(a));
    connection(Connection::<4>::with_pong_slot(role, config), input, key, b);
    let input = black_box(rng.fill(a));
    codec(input, key, b);
    let input = black_box(rng.fill(a));
    handshakes(input, rng.next(), b);
    let input = black_box(rng.fill(a));
    sink(inflate_random(input, rng.next()));
    let input = black_box(rng.fill(a));
    negotiation(input, rng.next());
    let input = black_box(rng.fill(a));
    let r = rng.next();
    connection_deflate(role, config, input, key, r, b);
    let r = rng.next();
    let len = (r as usize >> 20) % 640;
    let message = black_box(rng.fill(a.get_mut(..len).unwrap_or_default()));
    // Compressible: a few distinct byte values.
    let mask = [0xff, 0x0f, 0x03, 0x01]
        .get((r & 3) as usize)
        .copied()
        .unwrap_or(0xff);
    message.iter_mut().for_each(|b| *b &= mask);
    let r2 = rng.next();
    let codec = compress_trip(message, r, r2, b)?;
    Some(codec && link_trip(message, r, r2, b)?)
}

/// Window bits 8..=10 (8..=11 for the errors past the storage) from `r`.
fn window_bits(r: u32) -> u8 {
    8 + (r % 4) as u8
}

/// The inflater on random bytes: every entry point, then the error
/// texts. Returns how many bytes came out.
#[inline(never)] // ~20 KiB of stack each: not summed into `round`
fn inflate_random(input: &[u8], r: u32) -> usize {
    let bits = window_bits(r);
    sink((Inflater::memory(bits), Inflater::window_len(bits)));
    let Some(mut inflater) = Inflater::new(bits) else {
        return 0;
    };
    sink(inflater.window_bits());
    let mut ring = [0u8; RING];
    // Sometimes a ring of the wrong length (a usage error).
    let len = Inflater::window_len(bits) >> (r >> 30 & 1);
    let ring = ring.get_mut(..len).unwrap_or_default();
    let max_out = 1 + (r as usize >> 8) % 300;
    let (mut at, mut out) = (0, 0);
    for _ in 0..64 {
        let rest = input.get(at..).unwrap_or_default();
        match inflater.inflate(rest, ring, max_out) {
            Ok(done) => {
                at += done.consumed;
                out += done.output.len();
                if rest.is_empty() || done.consumed == 0 && done.output.is_empty() {
                    break;
                }
            }
            Err(e) => {
                sink(e.as_str());
                break;
            }
        }
    }
    for _ in 0..8 {
        match inflater.finish_message(ring, max_out) {
            Ok(done) => {
                out += done.output.len();
                if done.status == deflate::InflateStatus::MessageEnd {
                    break;
                }
            }
            Err(e) => {
                sink(e.as_str());
                break;
            }
        }
    }
    sink(inflater.reset_with_window_bits(r as u8 & 15));
    inflater.reset();
    sink(InflateError::WindowBits.as_str());
    out
}

/// Random parameters for the compressor: window 8..=11, both levels,
/// hash and token bits around the defaults (some past [`STORAGE`]),
/// context takeover on or off.
fn params(r: u32) -> Option<(Params, bool)> {
    let level = if r & 16 == 0 {
        Level::Fast
    } else {
        Level::Default
    };
    let takeover = r & 32 == 0;
    let mut params = Params::new(window_bits(r), level)?.with_context_takeover(takeover);
    if r & 64 != 0 {
        params = params.with_hash_bits(7 + (r >> 8) as u8 % 6)?;
    }
    if r & 128 != 0 {
        params = params.with_token_bits(7 + (r >> 12) as u8 % 5)?;
    }
    sink((
        params.window_bits(),
        params.window_len(),
        params.storage_len(),
    ));
    sink((
        Compressor::memory(&params),
        Compressor::max_expansion(&params, r as usize),
    ));
    Some((params, takeover))
}

/// Compresses `message` with random parameters, piece and output sizes,
/// inflates it back and compares; then once more after a reset, and a
/// flushless call. True if both came back byte-exact and the same size;
/// `None` if the parameters or their storage were refused.
#[inline(never)] // ~20 KiB of stack each: not summed into `round`
fn compress_trip(message: &[u8], r: u32, r2: u32, out: &mut [u8]) -> Option<bool> {
    let (params, takeover) = params(black_box(r))?;
    let mut storage = [0u8; STORAGE];
    let mut ring = [0u8; RING];
    let mut codec = match Codec::new(params, takeover, &mut storage, &mut ring) {
        Ok(codec) => codec,
        // Storage or ring too small for these parameters: a usage error.
        Err(e) => {
            sink(e);
            return None;
        }
    };
    codec.max_out = 1 + (r2 as usize % 512);
    let wire = out
        .get_mut(..1 + (r2 as usize >> 9) % 300)
        .unwrap_or_default();
    let piece = 1 + (r2 as usize >> 18) % 700;
    let first = codec.round_trip(message, piece, wire);
    codec.compressor.reset();
    codec.inflater.reset();
    let second = codec.round_trip(message, piece, wire);
    // A piece of a next message, not ended.
    sink(codec.compressor.compress(message, wire, Flush::None));
    Some(matches!((first, second), (Ok(a), Ok(b)) if a == b))
}

/// Random negotiated parameters: windows 8..=11 (11 is past [`RING`]
/// and [`STORAGE`]: a usage error), context takeover either way.
fn deflate_params(r: u32) -> DeflateParams {
    DeflateParams {
        send_window_bits: window_bits(r),
        send_no_context_takeover: r & 4 != 0,
        receive_window_bits: window_bits(r >> 3),
        receive_no_context_takeover: r & 32 != 0,
    }
}

/// The level from a random bit.
fn level(r: u32) -> Level {
    if r & 64 == 0 {
        Level::Fast
    } else {
        Level::Default
    }
}

/// The same message as [`compress_trip`], through the connection:
/// `send_deflate` from a random role into frames of a random size,
/// `recv_deflate` through a receive buffer of a random size, compared
/// byte for byte. `None` if the parameters' memory was refused.
#[inline(never)] // ~20 KiB of stack each: not summed into `round`
fn link_trip(message: &[u8], r: u32, r2: u32, b: &mut [u8]) -> Option<bool> {
    let params = deflate_params(black_box(r));
    sink((
        Decompression::ring_len(&params),
        Decompression::memory(&params),
        Compression::storage_len(&params, level(r)),
        Compression::memory(&params, level(r)),
    ));
    let mut storage = [0u8; STORAGE];
    let mut ring = [0u8; RING];
    let mut tx = Compression::new(&params, level(r), &mut storage)
        .map_err(sink)
        .ok()?;
    // The receiver inflates what the sender compressed: its receive
    // parameters are the sender's send parameters.
    let peer = DeflateParams {
        receive_window_bits: params.send_window_bits,
        receive_no_context_takeover: params.send_no_context_takeover,
        ..params
    };
    let mut rx = Decompression::new(&peer, &mut ring).map_err(sink).ok()?;
    let (out, buf) = b.split_at_mut_checked(b.len() / 2)?;
    let out_len = 15 + (r2 as usize >> 9) % 300;
    let buf_len = MIN_RECV_BUFFER + (r2 as usize >> 20) % 400;
    let role = if r2 & 1 == 0 {
        Role::Client
    } else {
        Role::Server
    };
    let peer_role = if role == Role::Client {
        Role::Server
    } else {
        Role::Client
    };
    let mut link = Link {
        sender: Connection::<8>::with_pong_slot(role, Config::new()),
        tx: &mut tx,
        receiver: Connection::<8>::with_pong_slot(peer_role, Config::new()),
        rx: &mut rx,
        buf: buf.get_mut(..buf_len)?,
        filled: 0,
        keys: r2,
    };
    let out = out.get_mut(..out_len)?;
    let piece = 1 + (r2 as usize >> 18) % 700;
    let kind = if r2 & 2 == 0 {
        DataKind::Binary
    } else {
        DataKind::Text
    };
    let kind = if core::str::from_utf8(message).is_ok() {
        kind
    } else {
        DataKind::Binary
    };
    let first = link.send(kind, message, piece, out);
    let second = link.send(kind, message, piece, out);
    Some(matches!((first, second), (Ok(_), Ok(_))))
}

/// Random bytes into a connection that negotiated permessage-deflate:
/// `recv_deflate` on everything, each data piece sent back compressed
/// with `send_deflate`, and every usage error of the compressed send.
#[inline(never)] // ~20 KiB of stack each: not summed into `round`
fn connection_deflate(
    role: Role,
    config: Config,
    input: &mut [u8],
    key: [u8; 4],
    r: u32,
    out: &mut [u8],
) {
    let params = deflate_params(r);
    let mut storage = [0u8; STORAGE];
    let mut ring = [0u8; RING];
    let (Ok(mut tx), Ok(mut rx)) = (
        Compression::new(&params, level(r), &mut storage),
        Decompression::new(&params, &mut ring),
    ) else {
        return;
    };
    let mut conn = Connection::<4>::with_pong_slot(role, config);
    let mut start = 0;
    while let Some(rest) = input.get_mut(start..) {
        let recv = match conn.recv_deflate(rest, &mut rx) {
            Ok(recv) => recv,
            Err(e) => {
                sink((e.close_code(), e.as_str()));
                break;
            }
        };
        if recv.needs_input() {
            break;
        }
        start += recv.consumed;
        if let Some(Event::Data {
            kind,
            payload,
            message_end,
            ..
        }) = recv.event
        {
            sink(conn.send_deflate(kind, payload, message_end, &mut tx, key, out));
        }
        sink(conn.write_pending(key, out));
    }
    // Plain calls in the middle of compressed messages: usage errors.
    let spare = black_box([0x5a; 8]);
    let payload = spare.get(..black_box(5)).unwrap_or_default();
    sink(conn.recv(input));
    sink(conn.send_deflate(DataKind::Text, payload, false, &mut tx, key, out));
    sink(conn.send_data(DataKind::Binary, true, payload, key, out));
    sink(conn.send_deflate(DataKind::Binary, payload, true, &mut tx, key, out));
    let tiny = out.get_mut(..black_box(3)).unwrap_or_default();
    sink(conn.send_deflate(DataKind::Text, payload, true, &mut tx, key, tiny));
    sink((conn.state(), conn.error()));
}

/// Negotiation: a server's choice among random offers, a client's offer,
/// and its check of a random answer, for a random configuration.
fn negotiation(input: &[u8], r: u32) {
    let config = DeflateConfig {
        receive_window_bits: (r & 31) as u8,
        send_window_bits: (r >> 5 & 31) as u8,
        peer_no_context_takeover: r & 1024 != 0,
        no_context_takeover: r & 2048 != 0,
    };
    sink((DeflateConfig::new(), DeflateConfig::default()));
    if let Ok(offers) = ExtensionOffers::parse(input) {
        sink(deflate::negotiate(offers.clone(), &config));
        sink(deflate::check_answer(offers, &config).map_err(ResponseError::as_str));
    }
    sink(deflate::client_offer(&config));
    sink((deflate::EXTENSION_NAME, deflate::TRAILER));
}

/// The state machine: receive everything, answer, then every send call.
fn connection<const PONG: usize>(
    mut conn: Connection<PONG>,
    input: &mut [u8],
    key: [u8; 4],
    out: &mut [u8],
) {
    let mut keep_alive = KeepAlive::new(black_box(10), black_box(5));
    let mut store = [0u8; 64];
    let mut reassembler = Reassembler::new(&mut store, black_box(4));
    let mut start = 0;
    let mut now = 0;
    while let Some(rest) = input.get_mut(start..) {
        now += 3;
        sink(keep_alive.poll(now, &mut conn));
        let recv = match conn.recv(rest) {
            Ok(recv) => recv,
            Err(e) => {
                sink((e.close_code(), e.http_status(), e.as_str()));
                break;
            }
        };
        if recv.needs_input() {
            break;
        }
        start += recv.consumed;
        if let Some(event) = recv.event {
            if let Event::Data {
                kind,
                payload,
                message_end,
                ..
            } = event
            {
                sink(conn.send_data(kind, message_end, payload, key, out));
            }
            sink(
                reassembler
                    .push(&mut conn, &event)
                    .map(|m| m.map(|m| m.payload.len())),
            );
        }
        sink(conn.write_pending(key, out));
    }
    sink(conn.take_activity());
    sink((
        conn.state(),
        conn.error(),
        conn.is_finished(),
        conn.has_pending(),
    ));
    let spare = black_box([0x5a; 8]);
    let payload = spare.get(..black_box(3)).unwrap_or_default();
    sink(conn.send_ping(payload, key, out));
    sink(conn.send_pong(payload, key, out));
    sink(conn.send_data_header(DataKind::Text, false, black_box(70_000), key, out));
    sink(conn.send_data(DataKind::Binary, true, payload, key, out));
    let code = CloseCode::new(black_box(1000));
    sink(conn.send_close(code, black_box("bye"), key, out));
    sink(conn.fail(black_box(ProtocolError::InvalidUtf8)));
    sink(conn.write_pending(key, out));
}

/// Frames, close payloads, masking and UTF-8 on their own.
fn codec(input: &mut [u8], key: [u8; 4], out: &mut [u8]) {
    if let Ok(frame::Decoded::Complete(header, n)) = frame::decode(input) {
        sink((header.encoded_len(), n));
        sink(frame::encode(&header, out));
    }
    let header = FrameHeader {
        fin: input.len() & 1 == 0,
        rsv: 0,
        opcode: OpCode::from_u8(input.len() as u8 & 15).unwrap_or(OpCode::Binary),
        mask: Some(key),
        payload_len: input.len() as u64,
    };
    sink(frame::encode(&header, out));
    if let Ok(close) = ClosePayload::parse(input) {
        sink((close.len(), close.is_empty(), close.check_sendable()));
    }
    let phase = apply_mask(input, key, input.len() % 4);
    sink(wsframe::mask::copy_mask(input, out, key, phase));
    sink(wsframe::mask::apply_mask_ascii(input, key, phase));
    let mut utf8 = Utf8Validator::new();
    let (x, y) = input.split_at(input.len() / 2);
    sink((
        utf8.feed(x),
        utf8.feed(y),
        utf8.is_mid_code_point(),
        utf8.finish(),
    ));
    utf8.reset();
}

/// Both sides of the opening handshake on random text.
fn handshakes(input: &mut [u8], r: u32, out: &mut [u8]) {
    let text = core::str::from_utf8(input).unwrap_or("");
    let (x, y) = text.split_at_checked(text.len() / 2).unwrap_or((text, ""));
    let nonce = [r as u8; 16];
    let offered = [x, "chat"];
    let extra: [(&str, &[u8]); 1] = [(y, x.as_bytes())];
    let request = ClientRequest {
        subprotocols: &offered,
        extensions: Some(y),
        origin: Some(x),
        extra_headers: &extra,
        ..ClientRequest::new(x, y, nonce)
    };
    sink(request.write(out).map(|(n, h)| (n, *h.expected_accept())));
    let headers = [
        Header {
            name: "Host",
            value: x.as_bytes(),
        },
        Header {
            name: "Upgrade",
            value: b"websocket",
        },
        Header {
            name: "Connection",
            value: y.as_bytes(),
        },
        Header {
            name: "Sec-WebSocket-Key",
            value: input,
        },
        Header {
            name: "Sec-WebSocket-Version",
            value: b"13",
        },
        Header {
            name: "Sec-WebSocket-Protocol",
            value: x.as_bytes(),
        },
        Header {
            name: "Sec-WebSocket-Extensions",
            value: y.as_bytes(),
        },
    ];
    let count = (r as usize % headers.len()) + 1;
    let headers = headers.get(..count).unwrap_or(&headers);
    match Request::from_parsed(x, y, (r >> 8) as u8, headers) {
        Ok(request) => served(&request, out),
        Err(e) => sink(handshake::write_rejection(e, out)),
    }
    let client = ClientHandshake::from_nonce(&nonce);
    sink(client.check_parsed((r >> 16) as u16, 1, headers, &offered, &[y]));
    #[cfg(feature = "parsers")]
    parsers(input, &client, &offered, out);
    sink(handshake::write_status((r % 700) as u16, &extra, out));
    sink(handshake::write_response(input, &Response::new(), out));
    sink((handshake::accept_key(input), handshake::decode_key(input)));
    sink(handshake::is_token(input));
    if let Ok(offers) = ExtensionOffers::parse(input) {
        for offer in offers {
            sink(offer.name);
            offer.params.for_each(sink);
        }
    }
    sink(HandshakeError::BadKey.http_status());
}

/// What a server does with an accepted request.
fn served(request: &Request<'_>, out: &mut [u8]) {
    sink((
        request.path(),
        request.host(),
        request.origin(),
        request.key(),
    ));
    sink((request.head_len(), request.header("Origin")));
    request.headers().for_each(sink);
    let chosen = request.subprotocols().next();
    for offer in request.extensions() {
        sink(offer.name);
        offer.params.for_each(sink);
    }
    let response = Response {
        subprotocol: chosen,
        ..Response::new()
    };
    sink(request.write_response(&response, out));
}

/// The two parsers on httparse (audited, not linker-proven).
#[cfg(feature = "parsers")]
fn parsers(input: &[u8], client: &ClientHandshake, offered: &[&str], out: &mut [u8]) {
    let limits = wsframe::HandshakeLimits {
        max_head_size: input.len() / 2 + 8,
    };
    match Request::parse(input, &limits) {
        Ok(handshake::Status::Complete(request)) => served(&request, out),
        Ok(handshake::Status::Partial) => {}
        Err(e) => sink(handshake::write_rejection(e, out)),
    }
    sink(client.check_response(input, offered, &["permessage-deflate"], &limits));
}
