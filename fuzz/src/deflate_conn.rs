//! permessage-deflate through the connection (RFC 7692 §6–§7) for the
//! `connection_deflate` target: a receiver driven by `recv_deflate` that
//! checks the call's invariants as it goes, and a sender driven by
//! `send_deflate` that records what the receiver must report.
//!
//! Invariants checked on every `recv_deflate` call:
//! - it never panics and never reports a usage error (the caller here
//!   always offers what it was asked for);
//! - `consumed` ≤ the bytes offered;
//! - the bytes lent for one message never exceed
//!   `Config::max_message_size` (they count inflated bytes, §7.2.2, so a
//!   decompression bomb stops at the limit);
//! - a message's pieces keep its kind, `message_end` comes with
//!   `frame_end`, and a whole text message is UTF-8 when validation is on;
//! - after an error the state is `Failed`, `error()` is that error, the
//!   pending Close carries its close code (RFC 6455 §7.4.1) and the next
//!   call reports the same error (failure is final);
//! - it makes progress: a bounded number of calls between new input.

use wsframe::close::ClosePayload;
use wsframe::deflate::{Compression, Decompression, DeflateParams};
use wsframe::frame::{self, Decoded, OpCode};
use wsframe::mask::apply_mask;
use wsframe::{
    Config, Connection, DataKind, Error, Event, MAX_PENDING_FRAME, ProtocolError, Role, State,
};

/// What a receiver reported: whole messages and control frames, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Got {
    /// A whole data message (its pieces joined).
    Message(DataKind, Vec<u8>),
    /// A Ping's payload.
    Ping(Vec<u8>),
    /// A Pong's payload.
    Pong(Vec<u8>),
    /// A Close's code.
    Close(u16),
}

/// Everything one receiving run reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// Events in order.
    pub events: Vec<Got>,
    /// The protocol error that failed the connection, if any.
    pub error: Option<ProtocolError>,
}

/// Calls allowed between two pieces of new input before "no progress".
const MAX_IDLE_CALLS: u32 = 1 << 20;

/// Feeds `stream` to a new `role` connection with `config` and
/// permessage-deflate `params`, through a caller buffer that gets the
/// next `pieces` bytes (cycled; 0 counts as 1) whenever the connection
/// needs input, keeping what was not consumed, as a real caller does.
///
/// # Panics
/// When an invariant (module docs) breaks: that is the finding.
#[must_use]
pub fn receive(
    role: Role,
    config: Config,
    params: &DeflateParams,
    stream: &[u8],
    pieces: &[usize],
) -> Received {
    let mut conn = Connection::new(role, config);
    let mut ring = vec![0u8; Decompression::ring_len(params)];
    let mut z = Decompression::new(params, &mut ring).expect("a ring of ring_len bytes");
    let mut events = Vec::new();
    // Unconsumed input is `buf[at..]` (dropped only when input is added,
    // so a whole stream is not shifted once per frame).
    let (mut buf, mut at): (Vec<u8>, usize) = (Vec::new(), 0);
    let mut message: Option<(DataKind, Vec<u8>)> = None;
    let (mut fed, mut turn, mut idle) = (0, 0, 0u32);
    loop {
        let offered = buf.len() - at;
        let r = match conn.recv_deflate(&mut buf[at..], &mut z) {
            Ok(r) => r,
            Err(Error::Protocol(e)) => {
                check_failed(&mut conn, &mut z, e);
                return Received {
                    events,
                    error: Some(e),
                };
            }
            Err(e) => panic!("recv_deflate: not a protocol error: {e:?}"),
        };
        let (consumed, needs_input) = (r.consumed, r.needs_input());
        assert!(consumed <= offered, "consumed {consumed} of {offered}");
        match r.event {
            Some(Event::Data {
                kind,
                payload,
                frame_end,
                message_end,
            }) => {
                assert!(frame_end || !message_end, "message_end without frame_end");
                let (k, data) = message.get_or_insert_with(|| (kind, Vec::new()));
                assert_eq!(*k, kind, "a message's pieces change kind");
                data.extend_from_slice(payload);
                assert!(
                    data.len() <= config.max_message_size,
                    "{} bytes lent for one message, limit {}",
                    data.len(),
                    config.max_message_size
                );
                if message_end {
                    let (kind, data) = message.take().unwrap_or((kind, Vec::new()));
                    if kind == DataKind::Text && config.validate_utf8 {
                        assert!(std::str::from_utf8(&data).is_ok(), "text lent as invalid");
                    }
                    events.push(Got::Message(kind, data));
                }
            }
            Some(Event::Ping(p)) => events.push(Got::Ping(p.to_vec())),
            Some(Event::Pong(p)) => events.push(Got::Pong(p.to_vec())),
            Some(Event::Close { code, .. }) => events.push(Got::Close(code.get())),
            Some(_) | None => {}
        }
        at += consumed;
        if needs_input {
            if fed == stream.len() {
                return Received {
                    events,
                    error: None,
                };
            }
            let n = pieces[turn % pieces.len()].clamp(1, stream.len() - fed);
            buf.drain(..at);
            at = 0;
            buf.extend_from_slice(&stream[fed..fed + n]);
            fed += n;
            turn += 1;
            idle = 0;
        } else {
            idle += 1;
            assert!(idle < MAX_IDLE_CALLS, "no progress without new input");
        }
    }
}

/// Rule 7 of `connection.rs` after `recv_deflate` returned `error`.
fn check_failed(conn: &mut Connection, z: &mut Decompression<'_>, error: ProtocolError) {
    assert_eq!(conn.state(), State::Failed);
    assert_eq!(conn.error(), Some(error));
    let mut out = [0u8; MAX_PENDING_FRAME];
    let n = conn
        .write_pending([0x5a, 0x11, 0xc3, 0x07], &mut out)
        .expect("MAX_PENDING_FRAME always fits");
    let Ok(Decoded::Complete(header, at)) = frame::decode(&out[..n]) else {
        panic!(
            "the pending frame after {error:?} is not a whole frame: {:?}",
            &out[..n]
        );
    };
    assert_eq!(header.opcode, OpCode::Close, "pending after {error:?}");
    let payload = &mut out[at..n];
    if let Some(key) = header.mask {
        apply_mask(payload, key, 0);
    }
    let close = ClosePayload::parse(payload).expect("our own Close parses");
    assert_eq!(close.code, error.close_code(), "Close code for {error:?}");
    assert!(
        matches!(conn.recv_deflate(&mut [0x81, 0x00], z), Err(Error::Protocol(e)) if e == error),
        "failure is not final"
    );
}

/// A tiny deterministic generator for masking keys.
fn next_key(state: &mut u32) -> [u8; 4] {
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    state.to_le_bytes()
}

/// How a client sends: message pieces offered per `send_deflate` call,
/// the size of its output buffer (one frame each), a Ping after every
/// frame or not, and the seed of its masking keys.
#[derive(Clone, Copy, Debug)]
pub struct Sending {
    /// Payload bytes offered per `send_deflate` call (at least 1).
    pub piece: usize,
    /// The output buffer's length (header room + at least 1 byte).
    pub out_len: usize,
    /// Send a Ping after every frame (control frames between a compressed
    /// message's fragments, RFC 6455 §5.4).
    pub pings: bool,
    /// Seed of the masking keys (not 0).
    pub key_seed: u32,
}

/// Sends `messages` (kind, bytes, compressed?) from a new client with
/// `z`: compressed ones with `send_deflate` in pieces, the others with
/// `send_data` (what §6 always allows). Returns the wire bytes and the
/// events a receiver must report for them.
///
/// # Panics
/// If a send fails or makes no progress.
pub fn send(
    z: &mut Compression<'_>,
    messages: &[(DataKind, &[u8], bool)],
    how: Sending,
) -> (Vec<u8>, Vec<Got>) {
    let mut conn = Connection::new(Role::Client, Config::new());
    let (mut wire, mut expected) = (Vec::new(), Vec::new());
    let mut out = vec![0u8; how.out_len];
    let mut keys = how.key_seed | 1;
    for &(kind, data, compressed) in messages {
        if !compressed {
            let mut frame = vec![0u8; data.len() + frame::MAX_HEADER_LEN];
            let key = next_key(&mut keys);
            let n = conn
                .send_data(kind, true, data, key, &mut frame)
                .expect("send_data");
            wire.extend_from_slice(&frame[..n]);
            expected.push(Got::Message(kind, data.to_vec()));
            if how.pings {
                ping(&mut conn, &mut wire, &mut expected, &mut keys);
            }
            continue;
        }
        let mut at = 0usize;
        loop {
            let end = at.saturating_add(how.piece).min(data.len());
            let last = end == data.len();
            let key = next_key(&mut keys);
            let sent = conn
                .send_deflate(kind, &data[at..end], last, z, key, &mut out)
                .expect("send_deflate");
            assert!(sent.consumed <= end - at, "consumed more than offered");
            assert!(sent.written <= out.len(), "wrote more than the buffer");
            assert!(
                sent.consumed > 0 || sent.written > 0 || sent.message_end,
                "send_deflate made no progress ({} of {} bytes sent, out {})",
                at,
                data.len(),
                out.len()
            );
            wire.extend_from_slice(&out[..sent.written]);
            at += sent.consumed;
            if sent.message_end {
                assert_eq!(at, data.len(), "message ended before its last byte");
                expected.push(Got::Message(kind, data.to_vec()));
            }
            if sent.written > 0 {
                if how.pings {
                    ping(&mut conn, &mut wire, &mut expected, &mut keys);
                }
            }
            if sent.message_end {
                break;
            }
        }
    }
    (wire, expected)
}

/// A 1-byte Ping from the client (its payload: the count of events so far).
fn ping(conn: &mut Connection, wire: &mut Vec<u8>, expected: &mut Vec<Got>, keys: &mut u32) {
    let payload = [expected.len() as u8];
    let mut buf = [0u8; MAX_PENDING_FRAME];
    let n = conn
        .send_ping(&payload, next_key(keys), &mut buf)
        .expect("a 1-byte Ping fits");
    wire.extend_from_slice(&buf[..n]);
    expected.push(Got::Ping(payload.to_vec()));
}
