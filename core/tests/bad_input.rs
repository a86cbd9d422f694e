//! Bad-input catalogue rows that no unit test covered yet (see
//! docs/BAD_INPUT.md, which maps every row to its test). Only the public
//! API is used, as a caller would.

use wsframe::frame::{FrameHeader, OpCode, encode};
use wsframe::handshake::{ClientHandshake, Request, Status};
use wsframe::mask::apply_mask;
use wsframe::{
    CloseCode, Config, Connection, DataKind, Error, Event, HandshakeError, HandshakeLimits,
    MAX_PENDING_FRAME, ProtocolError, Reassembler, Role, State,
};

const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// A frame as the peer of `to` sends it: masked iff `to` is a server.
/// `opcode` may be reserved.
fn wire(to: Role, fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mask = (to == Role::Server).then_some(KEY);
    let header = FrameHeader {
        fin,
        rsv: 0,
        opcode: OpCode::from_u8(opcode).unwrap_or(OpCode::Binary),
        mask,
        payload_len: payload.len() as u64,
    };
    let mut out = vec![0u8; 14];
    let n = encode(&header, &mut out).unwrap();
    out.truncate(n);
    out[0] = (out[0] & 0xF0) | opcode;
    let start = out.len();
    out.extend_from_slice(payload);
    if let Some(key) = mask {
        apply_mask(&mut out[start..], key, 0);
    }
    out
}

/// Feeds `stream` through a 4 KiB receive buffer, as a caller with a fixed
/// buffer would. Returns the data pieces' total length, the number of
/// frames that ended, and the error that stopped it, if any.
fn stream_through(conn: &mut Connection, stream: &[u8]) -> (usize, usize, Option<ProtocolError>) {
    let mut buf = [0u8; 4096];
    let (mut filled, mut pos, mut bytes, mut frames) = (0, 0, 0, 0);
    loop {
        let take = (buf.len() - filled).min(stream.len() - pos);
        buf[filled..filled + take].copy_from_slice(&stream[pos..pos + take]);
        filled += take;
        pos += take;
        let r = match conn.recv(&mut buf[..filled]) {
            Ok(r) => r,
            Err(Error::Protocol(e)) => return (bytes, frames, Some(e)),
            Err(e) => panic!("{e:?}"),
        };
        let (consumed, idle) = (r.consumed, r.needs_input());
        if let Some(Event::Data {
            payload, frame_end, ..
        }) = r.event
        {
            bytes += payload.len();
            frames += usize::from(frame_end);
        }
        buf.copy_within(consumed..filled, 0);
        filled -= consumed;
        if idle && pos == stream.len() {
            return (bytes, frames, None);
        }
    }
}

/// The pending Close's code, unmasked.
fn pending_close_code(conn: &mut Connection) -> Option<u16> {
    let mut out = [0u8; MAX_PENDING_FRAME];
    let n = conn.write_pending(KEY, &mut out).unwrap();
    if n == 0 {
        return None;
    }
    assert_eq!(out[0], 0x88, "a Close");
    let (len, at) = (
        usize::from(out[1] & 0x7F),
        if out[1] & 0x80 != 0 { 6 } else { 2 },
    );
    let mut payload = out[at..at + len].to_vec();
    if out[1] & 0x80 != 0 {
        apply_mask(&mut payload, [out[2], out[3], out[4], out[5]], 0);
    }
    Some(u16::from_be_bytes([payload[0], payload[1]]))
}

// ---------------------------------------------------------------- handshake

/// Every length below `n` (under Miri, where each parse is slow: every
/// 17th and the last).
fn lengths_below(n: usize) -> impl Iterator<Item = usize> {
    let step = if cfg!(miri) { 17 } else { 1 };
    (0..n).step_by(step).chain(n.checked_sub(1))
}

const REQUEST: &[u8] = b"GET /chat HTTP/1.1\r\nHost: server.example.com\r\n\
    Upgrade: websocket\r\nConnection: Upgrade\r\n\
    Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

/// §4.2.1, RFC 6585 §5: a head trickled in one byte per read is `Partial`
/// until the buffer holds `max_head_size` bytes, then refused with 431:
/// a slow client holds at most the head limit, for as long as the caller's
/// own timeout allows.
#[test]
fn slow_request_head_is_cut_at_the_head_limit() {
    let limits = HandshakeLimits { max_head_size: 256 };
    let mut endless = REQUEST[..REQUEST.len() - 2].to_vec();
    // Long lines: this is about bytes, not the header-line limit.
    while endless.len() < 300 {
        endless
            .extend_from_slice(b"X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
    }
    for len in lengths_below(limits.max_head_size) {
        let status = Request::parse(&endless[..len], &limits).map(|s| s.is_partial());
        assert_eq!(status, Ok(true), "at {len} bytes");
    }
    let at_limit = Request::parse(&endless[..limits.max_head_size], &limits);
    assert_eq!(at_limit.map(|_| ()), Err(HandshakeError::HeadTooLarge));
    assert_eq!(HandshakeError::HeadTooLarge.http_status(), Some(431));
    // The same head, slow but complete within the limit, is accepted.
    for len in lengths_below(REQUEST.len()) {
        assert!(
            Request::parse(&REQUEST[..len], &limits)
                .unwrap()
                .is_partial()
        );
    }
    assert!(!Request::parse(REQUEST, &limits).unwrap().is_partial());
}

/// §4.1: the client side is bounded the same way; the client then drops
/// the connection (no HTTP answer).
#[test]
fn slow_response_head_is_cut_at_the_head_limit() {
    let limits = HandshakeLimits { max_head_size: 200 };
    let client = ClientHandshake::from_nonce(b"the sample nonce");
    let mut endless = b"HTTP/1.1 101 Switching Protocols\r\n".to_vec();
    while endless.len() < 260 {
        endless
            .extend_from_slice(b"X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
    }
    for len in lengths_below(limits.max_head_size) {
        let status = client.check_response(&endless[..len], &[], &[], &limits);
        assert_eq!(status.map(|s| s.is_partial()), Ok(true), "at {len} bytes");
    }
    let at_limit = client.check_response(&endless[..200], &[], &[], &limits);
    assert_eq!(at_limit.map(|_| ()), Err(HandshakeError::HeadTooLarge));
    assert!(matches!(
        client.check_response(&endless[..200], &[], &[], &HandshakeLimits::new()),
        Ok(Status::Partial)
    ));
}

// ------------------------------------------------------------------- frames

/// §5.2, §10.4: a 15-byte input declaring a 1 GiB payload, with every limit
/// switched off: nothing is reserved (the connection owns no buffer and its
/// size does not depend on the input); the one payload byte that arrived is
/// handed out and the rest is waited for.
#[test]
fn declared_gib_with_limits_off_reserves_nothing() {
    let config = Config {
        max_frame_size: usize::MAX,
        max_message_size: usize::MAX,
        ..Config::new()
    };
    let mut conn = Connection::new(Role::Server, config);
    let mut input = [0x82, 0xFF, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4, 0xAA];
    let r = conn.recv(&mut input).unwrap();
    assert_eq!(r.consumed, 15);
    assert_eq!(
        r.event,
        Some(Event::Data {
            kind: DataKind::Binary,
            payload: &[0xAA ^ 1],
            frame_end: false,
            message_end: false,
        })
    );
    assert!(conn.recv(&mut []).unwrap().needs_input());
    assert_eq!(conn.state(), State::Open);
    assert!(core::mem::size_of::<Connection>() < 512);
}

/// §5.4, §10.4: endless empty continuation frames stop at the default
/// fragment limit (131 072 frames per message) with 1009; nothing is kept
/// per fragment. Miri runs the same rule with a limit of 3 in
/// `connection::tests::rule_limits_1009`.
#[test]
#[cfg_attr(miri, ignore)]
fn endless_empty_continuations_stop_at_the_default_fragment_limit() {
    let limit = Config::new().max_fragments as usize;
    let mut stream = wire(Role::Server, false, 2, b"");
    let cont = wire(Role::Server, false, 0, b"");
    stream.reserve(cont.len() * limit);
    for _ in 0..limit {
        stream.extend_from_slice(&cont);
    }
    let mut conn = Connection::new(Role::Server, Config::new());
    let (bytes, frames, error) = stream_through(&mut conn, &stream);
    assert_eq!((bytes, frames), (0, limit));
    assert_eq!(error, Some(ProtocolError::TooManyFragments));
    assert_eq!(pending_close_code(&mut conn), Some(1009));
}

/// §5.4, §10.4: endless one-byte continuations with the fragment limit off
/// stop at the message limit with 1009, from the header of the first frame
/// that would exceed it (its byte is never handed out).
#[test]
fn endless_tiny_continuations_stop_at_the_message_limit() {
    let config = Config {
        max_message_size: 40,
        max_fragments: u32::MAX,
        ..Config::new()
    };
    let mut stream = wire(Role::Server, false, 2, b"x");
    for _ in 0..60 {
        stream.extend_from_slice(&wire(Role::Server, false, 0, b"x"));
    }
    let mut conn = Connection::new(Role::Server, config);
    let (bytes, frames, error) = stream_through(&mut conn, &stream);
    assert_eq!((bytes, frames), (40, 40));
    assert_eq!(error, Some(ProtocolError::MessageTooBig));
    assert_eq!(pending_close_code(&mut conn), Some(1009));
}

/// §5.2: the top-bit rule does not depend on the limits.
#[test]
fn length_top_bit_is_1002_even_with_limits_off() {
    let config = Config {
        max_frame_size: usize::MAX,
        max_message_size: usize::MAX,
        ..Config::new()
    };
    let mut conn = Connection::new(Role::Client, config);
    let mut input = [0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(
        conn.recv(&mut input).err(),
        Some(Error::Protocol(ProtocolError::LengthTopBitSet))
    );
    assert_eq!(pending_close_code(&mut conn), Some(1002));
}

/// A reassembly buffer smaller than the message: 1009 through
/// `Connection::fail`, with the Close queued.
#[test]
fn reassembly_overflow_is_1009() {
    let mut conn = Connection::new(Role::Server, Config::new());
    let mut storage = [0u8; 8];
    let mut reassembler = Reassembler::new(&mut storage, 16);
    let mut frame = wire(Role::Server, true, 2, b"nine byte");
    let r = conn.recv(&mut frame).unwrap();
    let event = r.event.unwrap();
    assert_eq!(
        reassembler.push(&mut conn, &event).err(),
        Some(Error::Protocol(ProtocolError::MessageTooBig))
    );
    assert_eq!(conn.state(), State::Failed);
    assert_eq!(pending_close_code(&mut conn), Some(1009));
}

// ------------------------------------------------------------------ closing

/// §1.4, §5.5.1 (connection.rs rule 6): after the peer's Close, whatever
/// follows is discarded, even bytes that are not valid frames — no error,
/// no event; the echo still goes out and the handshake completes.
#[test]
fn garbage_after_the_peers_close_is_discarded() {
    let mut conn = Connection::new(Role::Server, Config::new());
    let mut close = wire(Role::Server, true, 8, &1000u16.to_be_bytes());
    let r = conn.recv(&mut close).unwrap();
    assert!(matches!(r.event, Some(Event::Close { code, .. }) if code == CloseCode::NORMAL));
    for mut garbage in [
        wire(Role::Server, true, 3, b""),
        wire(Role::Client, true, 1, b"unmasked"),
        wire(Role::Server, true, 1, b"\xff"),
        vec![0xFF; 300],
    ] {
        let len = garbage.len();
        let r = conn.recv(&mut garbage).unwrap();
        assert_eq!((r.consumed, r.event), (len, None));
    }
    assert_eq!(conn.state(), State::CloseReceived);
    assert_eq!(pending_close_code(&mut conn), Some(1000));
    assert_eq!(conn.state(), State::Closed);
}

/// §5.5.1, §7.1.7: after OUR Close the peer's frames are still delivered
/// and still checked: a violation fails the connection, but no second
/// Close is queued (ours already went out).
#[test]
fn bad_frames_after_our_close_fail_without_a_second_close() {
    let mut conn = Connection::new(Role::Client, Config::new());
    let mut out = [0u8; 64];
    conn.send_close(CloseCode::NORMAL, "", KEY, &mut out)
        .unwrap();
    let mut data = wire(Role::Client, true, 2, b"late data");
    let r = conn.recv(&mut data).unwrap();
    assert!(matches!(
        r.event,
        Some(Event::Data {
            payload: b"late data",
            ..
        })
    ));
    let mut bad = wire(Role::Client, true, 0xB, b"");
    assert_eq!(
        conn.recv(&mut bad).err(),
        Some(Error::Protocol(ProtocolError::ReservedOpcode))
    );
    assert_eq!(conn.state(), State::Failed);
    assert_eq!(pending_close_code(&mut conn), None);
    assert!(conn.is_finished());
}
