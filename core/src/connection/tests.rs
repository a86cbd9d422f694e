//! Connection tests: one per rule with the close code it answers, the
//! closing handshake, streaming, and split feeding (every input fed whole,
//! at every split point and byte by byte gives the same events).

use super::*;
use crate::frame::{self, Decoded, FrameHeader, encode};
use crate::mask::apply_mask;
use crate::testing::record::{Seen, record};
use std::vec::Vec;

/// The masking key of every frame a test sends to a server.
pub(super) const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// Encodes a frame as a peer of `to` would send it (masked iff `to` is a server);
/// `opcode` is a byte so that tests can send reserved ones.
pub(super) fn wire(to: Role, fin: bool, rsv: u8, opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mask = (to == Role::Server).then_some(KEY);
    let op = OpCode::from_u8(opcode).unwrap_or(OpCode::Binary);
    let h = FrameHeader {
        fin,
        rsv,
        opcode: op,
        mask,
        payload_len: payload.len() as u64,
    };
    let mut out = vec![0u8; 14 + payload.len()];
    let n = encode(&h, &mut out).unwrap();
    out[0] = (out[0] & 0xF0) | opcode; // allow reserved opcodes in tests
    out.truncate(n);
    let start = out.len();
    out.extend_from_slice(payload);
    if let Some(k) = mask {
        apply_mask(&mut out[start..], k, 0);
    }
    out
}

/// [`record`] of `stream` fed in pieces of `chunks`, messages joined.
fn drive_with<const P: usize>(
    conn: &mut Connection<P>,
    stream: &[u8],
    chunks: &[usize],
) -> Vec<Seen> {
    record(conn, stream, chunks).messages()
}

fn drive(role: Role, config: Config, stream: &[u8]) -> (Connection, Vec<Seen>) {
    let mut conn = Connection::new(role, config);
    let seen = drive_with(&mut conn, stream, &[stream.len().max(1)]);
    (conn, seen)
}

/// The pending frame, unmasked: (opcode byte, payload).
fn pending<const P: usize>(conn: &mut Connection<P>) -> Option<(u8, Vec<u8>)> {
    let mut out = [0u8; MAX_PENDING_FRAME];
    let n = conn.write_pending(KEY, &mut out).unwrap();
    if n == 0 {
        return None;
    }
    let Decoded::Complete(h, hl) = frame::decode(&out[..n]).unwrap() else {
        panic!("partial")
    };
    let mut payload = out[hl..n].to_vec();
    if let Some(k) = h.mask {
        apply_mask(&mut payload, k, 0);
    }
    Some((out[0], payload))
}

/// Asserts that `stream` fails a connection of `role` with `want`, that the
/// pending Close carries the right code, and that the failure sticks.
fn assert_fails(role: Role, config: Config, stream: &[u8], want: ProtocolError, code: u16) {
    let (mut conn, seen) = drive(role, config, stream);
    assert_eq!(seen.last(), Some(&Seen::Failed(want)), "{stream:02x?}");
    assert_eq!(want.close_code().get(), code);
    assert_eq!(conn.state(), State::Failed);
    let (op, payload) = pending(&mut conn).expect("a Close is pending");
    assert_eq!(op, 0x88);
    assert_eq!(u16::from_be_bytes([payload[0], payload[1]]), code);
    assert!(conn.is_finished());
    assert_eq!(
        conn.recv(&mut [0x81, 0x80, 0, 0, 0, 0]).err(),
        Some(Error::Protocol(want))
    );
}

/// [`assert_fails`] for a server with the default config on `stream`:
/// invalid UTF-8, answered with 1007 (§8.1).
fn assert_invalid_utf8(stream: &[u8]) {
    assert_fails(
        Role::Server,
        Config::new(),
        stream,
        ProtocolError::InvalidUtf8,
        1007,
    );
}

fn srv(frames: &[Vec<u8>]) -> Vec<u8> {
    frames.concat()
}

#[test]
fn rfc_5_7_single_masked_text_frame() {
    let mut input = [
        0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ];
    let mut conn = Connection::new(Role::Server, Config::new());
    let r = conn.recv(&mut input).unwrap();
    assert_eq!(r.consumed, 11);
    assert_eq!(
        r.event,
        Some(Event::Data {
            kind: DataKind::Text,
            payload: b"Hello",
            frame_end: true,
            message_end: true
        })
    );
    // Unmasked in place: the payload now sits in the caller's buffer.
    assert_eq!(&input[6..], b"Hello");
}

#[test]
fn rfc_5_7_fragmented_unmasked_text_for_a_client() {
    let stream = [0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f];
    let (_, seen) = drive(Role::Client, Config::new(), &stream);
    assert_eq!(seen, [Seen::message(DataKind::Text, b"Hello".to_vec())]);
}

#[test]
fn rule_reserved_bits_1002() {
    for rsv in 1..8 {
        assert_fails(
            Role::Server,
            Config::new(),
            &wire(Role::Server, true, rsv, 1, b"x"),
            ProtocolError::ReservedBits,
            1002,
        );
    }
}

#[test]
fn rule_reserved_opcodes_1002() {
    for op in [3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF] {
        assert_fails(
            Role::Server,
            Config::new(),
            &wire(Role::Server, true, 0, op, b""),
            ProtocolError::ReservedOpcode,
            1002,
        );
    }
}

#[test]
fn rule_control_frames_1002() {
    let mut long = vec![0x89, 0xFE, 0x00, 0x7E];
    long.extend_from_slice(&KEY);
    assert_fails(
        Role::Server,
        Config::new(),
        &long,
        ProtocolError::ControlFrameTooLong,
        1002,
    );
    assert_fails(
        Role::Server,
        Config::new(),
        &wire(Role::Server, false, 0, 9, b"a"),
        ProtocolError::FragmentedControlFrame,
        1002,
    );
    assert_fails(
        Role::Server,
        Config::new(),
        &wire(Role::Server, false, 0, 8, b""),
        ProtocolError::FragmentedControlFrame,
        1002,
    );
}

#[test]
fn rule_length_encoding_1002() {
    assert_fails(
        Role::Client,
        Config::new(),
        &[0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 1],
        ProtocolError::LengthTopBitSet,
        1002,
    );
    assert_fails(
        Role::Client,
        Config::new(),
        &[0x82, 0x7E, 0x00, 0x05, 1, 2, 3, 4, 5],
        ProtocolError::NonMinimalLength,
        1002,
    );
    assert_fails(
        Role::Client,
        Config::new(),
        &[0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF],
        ProtocolError::NonMinimalLength,
        1002,
    );
}

#[test]
fn rule_mask_direction_1002() {
    // A server receives an unmasked frame; a client receives a masked one.
    assert_fails(
        Role::Server,
        Config::new(),
        &wire(Role::Client, true, 0, 2, b"abc"),
        ProtocolError::UnmaskedClientFrame,
        1002,
    );
    assert_fails(
        Role::Client,
        Config::new(),
        &wire(Role::Server, true, 0, 2, b"abc"),
        ProtocolError::MaskedServerFrame,
        1002,
    );
}

#[test]
fn rule_fragment_sequencing_1002() {
    assert_fails(
        Role::Server,
        Config::new(),
        &wire(Role::Server, true, 0, 0, b"x"),
        ProtocolError::UnexpectedContinuation,
        1002,
    );
    let s = srv(&[
        wire(Role::Server, false, 0, 1, b"a"),
        wire(Role::Server, true, 0, 2, b"b"),
    ]);
    assert_fails(
        Role::Server,
        Config::new(),
        &s,
        ProtocolError::ExpectedContinuation,
        1002,
    );
    let s = srv(&[
        wire(Role::Server, false, 0, 2, b"a"),
        wire(Role::Server, true, 0, 2, b"b"),
    ]);
    assert_fails(
        Role::Server,
        Config::new(),
        &s,
        ProtocolError::ExpectedContinuation,
        1002,
    );
}

#[test]
fn rule_invalid_utf8_1007_fail_fast_across_fragments() {
    // "κόσμε" then a code point > U+10FFFF split across two fragments, and a
    // third fragment that never arrives: the error comes without it.
    let s = srv(&[
        wire(Role::Server, false, 0, 1, "κόσμε".as_bytes()),
        wire(Role::Server, false, 0, 0, b"\xf4"),
        wire(Role::Server, false, 0, 0, b"\x90\x80"),
    ]);
    assert_invalid_utf8(&s);
    // A message ending inside a code point.
    let s = srv(&[
        wire(Role::Server, false, 0, 1, b"a\xe2\x82"),
        wire(Role::Server, true, 0, 0, b""),
    ]);
    assert_invalid_utf8(&s);
    // A code point split across fragments is fine.
    let s = srv(&[
        wire(Role::Server, false, 0, 1, b"a\xe2\x82"),
        wire(Role::Server, true, 0, 0, b"\xac"),
    ]);
    assert_eq!(
        drive(Role::Server, Config::new(), &s).1,
        [Seen::message(DataKind::Text, "a€")]
    );
    // Binary is never checked; validation can be turned off.
    assert_eq!(
        drive(
            Role::Server,
            Config::new(),
            &wire(Role::Server, true, 0, 2, b"\xff")
        )
        .1
        .len(),
        1
    );
    let off = Config {
        validate_utf8: false,
        ..Config::new()
    };
    assert_eq!(
        drive(Role::Server, off, &wire(Role::Server, true, 0, 1, b"\xff"))
            .1
            .len(),
        1
    );
}

#[test]
fn rule_limits_1009() {
    let cfg = Config {
        max_frame_size: 10,
        max_message_size: 15,
        max_fragments: 3,
        ..Config::new()
    };
    assert_fails(
        Role::Server,
        cfg,
        &wire(Role::Server, true, 0, 2, &[0; 11]),
        ProtocolError::FrameTooBig,
        1009,
    );
    let s = srv(&[
        wire(Role::Server, false, 0, 2, &[0; 10]),
        wire(Role::Server, true, 0, 0, &[0; 6]),
    ]);
    assert_fails(Role::Server, cfg, &s, ProtocolError::MessageTooBig, 1009);
    let s = srv(&[
        wire(Role::Server, false, 0, 2, b""),
        wire(Role::Server, false, 0, 0, b""),
        wire(Role::Server, false, 0, 0, b""),
        wire(Role::Server, true, 0, 0, b""),
    ]);
    assert_fails(Role::Server, cfg, &s, ProtocolError::TooManyFragments, 1009);
    // At the limits exactly: fine.
    let s = srv(&[
        wire(Role::Server, false, 0, 2, &[1; 10]),
        wire(Role::Server, false, 0, 0, b""),
        wire(Role::Server, true, 0, 0, &[2; 5]),
    ]);
    assert_eq!(drive(Role::Server, cfg, &s).1.len(), 1);
}

/// A 15-byte frame declaring a 1 GiB payload is refused from its header
/// alone: nothing is reserved, nothing waits for the payload.
#[test]
fn huge_declared_length_answered_from_header() {
    let header = [0x82, 0xFF, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4, 0xAA];
    assert_fails(
        Role::Server,
        Config::new(),
        &header,
        ProtocolError::FrameTooBig,
        1009,
    );
}

#[test]
fn rule_close_payloads() {
    assert_fails(
        Role::Server,
        Config::new(),
        &wire(Role::Server, true, 0, 8, &[0x03]),
        ProtocolError::CloseFrameTooShort,
        1002,
    );
    for code in [0u16, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535] {
        assert_fails(
            Role::Server,
            Config::new(),
            &wire(Role::Server, true, 0, 8, &code.to_be_bytes()),
            ProtocolError::InvalidCloseCode,
            1002,
        );
    }
    assert_invalid_utf8(&wire(Role::Server, true, 0, 8, b"\x03\xe8\xce\xba\xff"));
}

#[test]
fn close_handshake_peer_first() {
    let mut conn = Connection::new(Role::Server, Config::new());
    let mut close = wire(Role::Server, true, 0, 8, b"\x0b\xb8bye");
    let r = conn.recv(&mut close).unwrap();
    assert_eq!(
        r.event,
        Some(Event::Close {
            code: CloseCode::new(3000),
            reason: "bye"
        })
    );
    assert_eq!(conn.state(), State::CloseReceived);
    assert!(!conn.is_finished());
    // Further input is discarded.
    let mut more = wire(Role::Server, true, 0, 1, b"late");
    let len = more.len();
    assert_eq!(
        conn.recv(&mut more).unwrap(),
        Recv {
            consumed: len,
            event: None
        }
    );
    assert_eq!(pending(&mut conn), Some((0x88, vec![0x0b, 0xb8])));
    assert_eq!(conn.state(), State::Closed);
    assert!(conn.is_finished());
    let mut out = [0u8; 64];
    assert_eq!(
        conn.send_data(DataKind::Text, true, b"x", KEY, &mut out),
        Err(Error::Usage(UsageError::Closed))
    );
}

#[test]
fn close_handshake_we_first() {
    let mut conn = Connection::new(Role::Client, Config::new());
    let mut out = [0u8; 64];
    let n = conn
        .send_close(CloseCode::NORMAL, "done", KEY, &mut out)
        .unwrap();
    assert_eq!(n, 2 + 4 + 6);
    assert_eq!(conn.state(), State::CloseSent);
    // No more data or control from us (§5.5.1)...
    assert_eq!(
        conn.send_data(DataKind::Binary, true, b"", KEY, &mut out),
        Err(Error::Usage(UsageError::Closed))
    );
    assert_eq!(
        conn.send_close(CloseCode::NORMAL, "", KEY, &mut out),
        Err(Error::Usage(UsageError::Closed))
    );
    // ...but the peer's data still arrives, and a Ping gets no Pong.
    let s = srv(&[
        wire(Role::Client, true, 0, 2, b"tail"),
        wire(Role::Client, true, 0, 9, b"p"),
        wire(Role::Client, true, 0, 8, &1000u16.to_be_bytes()),
    ]);
    let seen = drive_with(&mut conn, &s, &[1000]);
    assert_eq!(
        seen,
        [
            Seen::message(DataKind::Binary, b"tail".to_vec()),
            Seen::Ping(b"p".to_vec()),
            Seen::Close(1000, "".into())
        ]
    );
    assert_eq!(pending(&mut conn), None);
    assert_eq!(conn.state(), State::Closed);
    assert!(conn.is_finished());
}

#[test]
fn empty_close_is_echoed_empty() {
    let (mut conn, seen) = drive(
        Role::Server,
        Config::new(),
        &wire(Role::Server, true, 0, 8, b""),
    );
    assert_eq!(seen, [Seen::Close(1005, "".into())]);
    assert_eq!(pending(&mut conn), Some((0x88, vec![])));
}

#[test]
fn auto_pong_latest_ping_and_close_priority() {
    let s = srv(&[
        wire(Role::Server, true, 0, 9, b"one"),
        wire(Role::Server, true, 0, 9, b"two"),
    ]);
    let (mut conn, seen) = drive(Role::Server, Config::new(), &s);
    assert_eq!(seen.len(), 2);
    assert_eq!(pending(&mut conn), Some((0x8A, b"two".to_vec())));
    assert_eq!(pending(&mut conn), None);
    // A Close displaces a pending Pong; a later Ping does not displace the Close.
    let s = srv(&[
        wire(Role::Server, true, 0, 9, b"one"),
        wire(Role::Server, true, 0, 8, b"\x03\xe8"),
    ]);
    let (mut conn, _) = drive(Role::Server, Config::new(), &s);
    assert_eq!(pending(&mut conn), Some((0x88, vec![0x03, 0xe8])));
    // auto_pong off: nothing queued.
    let cfg = Config {
        auto_pong: false,
        ..Config::new()
    };
    let (mut conn, _) = drive(Role::Server, cfg, &wire(Role::Server, true, 0, 9, b"x"));
    assert_eq!(pending(&mut conn), None);
}

/// Rule 5: the default slot holds the largest Ping (§5.5: 125 bytes).
#[test]
fn default_slot_answers_a_125_byte_ping() {
    let ping: Vec<u8> = (0..125).collect();
    for role in [Role::Server, Role::Client] {
        let (mut conn, seen) = drive(role, Config::new(), &wire(role, true, 0, 9, &ping));
        assert_eq!(seen, [Seen::Ping(ping.clone())]);
        assert_eq!(pending(&mut conn), Some((0x8A, ping.clone())));
    }
}

/// Rule 5 with a small slot: a Ping that fits is answered; a longer one is
/// reported but not answered, and drops the older Pong (only the latest
/// Ping is answered, §5.5.3), so the caller answers it with `send_pong`.
#[test]
fn ping_longer_than_the_slot_is_left_to_the_caller() {
    let mut conn = Connection::<4>::with_pong_slot(Role::Server, Config::new());
    let s = srv(&[
        wire(Role::Server, true, 0, 9, b"four"),
        wire(Role::Server, true, 0, 9, b"fives"),
    ]);
    let seen = drive_with(&mut conn, &s, &[s.len()]);
    assert_eq!(
        seen,
        [Seen::Ping(b"four".to_vec()), Seen::Ping(b"fives".to_vec())]
    );
    assert!(!conn.has_pending());
    let mut out = [0u8; 16];
    assert_eq!(conn.send_pong(b"fives", KEY, &mut out), Ok(7));
    assert_eq!(&out[..7], b"\x8a\x05fives");
    // A Ping that fits again is answered automatically.
    let s = wire(Role::Server, true, 0, 9, b"ok");
    assert_eq!(
        drive_with(&mut conn, &s, &[1]),
        [Seen::Ping(b"ok".to_vec())]
    );
    assert_eq!(pending(&mut conn), Some((0x8A, b"ok".to_vec())));
    // A slot of 0 still answers empty Pings; a Close still displaces a Pong.
    let mut conn = Connection::<0>::with_pong_slot(Role::Client, Config::new());
    let s = wire(Role::Client, true, 0, 9, b"");
    assert_eq!(drive_with(&mut conn, &s, &[2]), [Seen::Ping(vec![])]);
    assert!(conn.has_pending());
    let s = wire(Role::Client, true, 0, 8, b"\x03\xe8");
    drive_with(&mut conn, &s, &[4]);
    assert_eq!(pending(&mut conn), Some((0x88, vec![0x03, 0xe8])));
    assert_eq!(conn.state(), State::Closed);
}

/// Rule 7: the failure Close carries the error's code and, with the
/// `close-reasons` feature, its description; without it, the code only.
#[test]
fn failure_close_reason_follows_the_feature() {
    for error in [
        ProtocolError::ReservedOpcode,
        ProtocolError::InvalidUtf8,
        ProtocolError::TooManyFragments,
    ] {
        let mut conn = Connection::new(Role::Client, Config::new());
        assert_eq!(conn.fail(error), Error::Protocol(error));
        let (op, payload) = pending(&mut conn).expect("a Close is pending");
        assert_eq!(op, 0x88);
        let close = ClosePayload::parse(&payload).unwrap();
        assert_eq!(close.code, error.close_code());
        let want = if cfg!(feature = "close-reasons") {
            error.as_str()
        } else {
            ""
        };
        assert_eq!((close.reason, error.close_reason()), (want, want));
    }
}

/// Rule 5: a failure displaces the pending echo of the peer's Close, and a
/// Ping after a queued Close changes nothing.
#[test]
fn failure_displaces_the_echo() {
    let s = srv(&[wire(Role::Server, true, 0, 8, b"\x03\xe8")]);
    let (mut conn, _) = drive(Role::Server, Config::new(), &s);
    conn.fail(ProtocolError::MessageTooBig);
    let (op, payload) = pending(&mut conn).expect("a Close is pending");
    assert_eq!((op, &payload[..2]), (0x88, &[0x03, 0xf1][..]));
    assert_eq!(conn.state(), State::Failed);
    let mut conn = Connection::new(Role::Server, Config::new());
    conn.fail(ProtocolError::ReservedBits);
    assert!(conn.on_control(OpCode::Ping, b"late").is_ok());
    assert_eq!(pending(&mut conn).map(|p| p.0), Some(0x88));
}

#[test]
fn control_frames_between_fragments() {
    let s = srv(&[
        wire(Role::Server, false, 0, 1, b"Hel"),
        wire(Role::Server, true, 0, 9, b"ping"),
        wire(Role::Server, false, 0, 0, b"lo, "),
        wire(Role::Server, true, 0, 10, b"pong"),
        wire(Role::Server, true, 0, 0, b"world"),
    ]);
    let (_, seen) = drive(Role::Server, Config::new(), &s);
    assert_eq!(
        seen,
        [
            Seen::Ping(b"ping".to_vec()),
            Seen::Pong(b"pong".to_vec()),
            Seen::message(DataKind::Text, b"Hello, world".to_vec())
        ]
    );
}

#[test]
fn pending_write_needs_room_and_keeps_the_frame() {
    let (mut conn, _) = drive(
        Role::Server,
        Config::new(),
        &wire(Role::Server, true, 0, 9, &[7; 125]),
    );
    let mut small = [0u8; 100];
    assert_eq!(
        conn.write_pending(KEY, &mut small),
        Err(Error::Usage(UsageError::BufferTooSmall { needed: 127 }))
    );
    assert_eq!(small, [0; 100]);
    assert!(conn.has_pending());
    assert_eq!(pending(&mut conn).map(|p| p.1.len()), Some(125));
}

#[test]
fn send_sequencing_and_errors_leave_state() {
    let mut conn = Connection::new(Role::Server, Config::new());
    let mut out = [0u8; 32];
    assert_eq!(
        conn.send_data(DataKind::Text, false, b"ab", KEY, &mut out),
        Ok(4)
    );
    assert_eq!(out[0], 0x01);
    assert_eq!(
        conn.send_data(DataKind::Binary, true, b"c", KEY, &mut out),
        Err(Error::Usage(UsageError::MessageInProgress))
    );
    let mut tiny = [0u8; 2];
    assert_eq!(
        conn.send_data(DataKind::Text, true, b"cd", KEY, &mut tiny),
        Err(Error::Usage(UsageError::BufferTooSmall { needed: 4 }))
    );
    assert_eq!(tiny, [0, 0]);
    assert_eq!(
        conn.send_data(DataKind::Text, true, b"cd", KEY, &mut out),
        Ok(4)
    );
    assert_eq!(out[0], 0x80);
    assert_eq!(
        conn.send_data(DataKind::Binary, true, b"", KEY, &mut out),
        Ok(2)
    );
    assert_eq!(out[..2], [0x82, 0x00]);
    assert_eq!(
        conn.send_ping(&[0; 126], KEY, &mut [0; 200]),
        Err(Error::Usage(UsageError::ControlTooLong))
    );
    assert_eq!(
        conn.send_close(CloseCode::ABNORMAL, "", KEY, &mut out),
        Err(Error::Usage(UsageError::InvalidCloseCode))
    );
    assert_eq!(conn.state(), State::Open);
}

#[test]
fn header_only_send_for_payload_in_place() {
    let mut client = Connection::new(Role::Client, Config::new());
    let mut server = Connection::new(Role::Server, Config::new());
    let mut payload = b"zero-copy".to_vec();
    let mut head = [0u8; 14];
    let n = client
        .send_data_header(DataKind::Binary, true, payload.len() as u64, KEY, &mut head)
        .unwrap();
    apply_mask(&mut payload, KEY, 0);
    let stream = [&head[..n], &payload[..]].concat();
    assert_eq!(
        drive_with(&mut server, &stream, &[3]),
        [Seen::message(DataKind::Binary, b"zero-copy".to_vec())]
    );
}

/// A large message streams through a 4 KiB buffer: no event is larger than
/// the buffer and the bytes arrive intact.
#[test]
fn large_message_streams_through_small_buffer() {
    // Miri: 9 000 bytes still take three trips through the 4 KiB buffer.
    let len = if cfg!(miri) { 9_000 } else { 8 << 20 };
    let payload: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
    let mut client = Connection::new(Role::Client, Config::new());
    let mut stream = vec![0u8; len + 14];
    let n = client
        .send_data(DataKind::Binary, true, &payload, KEY, &mut stream)
        .unwrap();
    stream.truncate(n);
    let mut server = Connection::new(Role::Server, Config::new());
    let mut buf = [0u8; 4096];
    let (mut filled, mut pos, mut got) = (0, 0, Vec::with_capacity(len));
    while got.len() < len {
        let take = (buf.len() - filled).min(stream.len() - pos);
        buf[filled..filled + take].copy_from_slice(&stream[pos..pos + take]);
        filled += take;
        pos += take;
        let r = server.recv(&mut buf[..filled]).unwrap();
        let consumed = r.consumed;
        if let Some(Event::Data { payload, .. }) = r.event {
            got.extend_from_slice(payload);
        }
        buf.copy_within(consumed..filled, 0);
        filled -= consumed;
    }
    assert!(got == payload);
}

/// Streams used by the split-feeding tests: valid traffic and failures.
fn sample_streams() -> Vec<(Role, Vec<u8>)> {
    vec![
        (
            Role::Server,
            srv(&[
                wire(Role::Server, false, 0, 1, "κόσ".as_bytes()),
                wire(Role::Server, true, 0, 9, b"p"),
                wire(Role::Server, false, 0, 0, b"\xce"),
                wire(Role::Server, true, 0, 0, "\u{bc}ε".as_bytes()),
                wire(Role::Server, true, 0, 2, &[9; 300]),
                wire(Role::Server, true, 0, 2, b""),
                wire(Role::Server, true, 0, 10, b""),
                wire(Role::Server, true, 0, 8, b"\x03\xe8ok"),
            ]),
        ),
        (
            Role::Client,
            srv(&[
                wire(Role::Client, true, 0, 1, &[b'a'; 70_000]),
                wire(Role::Client, true, 0, 8, b""),
            ]),
        ),
        (
            Role::Server,
            srv(&[
                wire(Role::Server, false, 0, 1, b"ok"),
                wire(Role::Server, true, 0, 0, b"\xed\xa0\x80"),
            ]),
        ),
        (
            Role::Server,
            srv(&[
                wire(Role::Server, true, 0, 2, b"x"),
                wire(Role::Server, true, 4, 2, b"y"),
            ]),
        ),
    ]
}

#[test]
fn split_feeding_every_point_and_byte_by_byte() {
    for (role, stream) in sample_streams() {
        let fed =
            |pieces: &[usize]| record(&mut Connection::new(role, Config::new()), &stream, pieces);
        let whole = fed(&[stream.len()]);
        assert!(!whole.messages().is_empty());
        let step = match stream.len() {
            // Miri: every 13th cut, and a few through the 70 000-byte frame.
            0..=2000 if cfg!(miri) => 13,
            0..=2000 => 1,
            _ if cfg!(miri) => 9973,
            _ => 997,
        };
        for cut in (0..=stream.len()).step_by(step) {
            // First read: `cut` bytes; second read: the rest.
            assert_eq!(fed(&[cut, stream.len()]), whole, "cut {cut}");
        }
        if stream.len() <= 2000 {
            assert_eq!(fed(&[1]), whole, "byte by byte");
        }
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    /// One frame of a random but mostly valid stream.
    fn frame_strategy() -> impl Strategy<Value = (bool, u8, Vec<u8>)> {
        prop_oneof![
            (
                any::<bool>(),
                Just(1u8),
                proptest::collection::vec(
                    prop_oneof![
                        Just(b'a'),
                        Just(0xce),
                        Just(0xba),
                        Just(0xe2),
                        Just(0x82),
                        Just(0xac)
                    ],
                    0..40
                )
            ),
            (
                any::<bool>(),
                Just(2u8),
                proptest::collection::vec(any::<u8>(), 0..300)
            ),
            (
                any::<bool>(),
                Just(0u8),
                proptest::collection::vec(any::<u8>(), 0..20)
            ),
            (
                Just(true),
                Just(9u8),
                proptest::collection::vec(any::<u8>(), 0..126)
            ),
            (
                Just(true),
                Just(10u8),
                proptest::collection::vec(any::<u8>(), 0..20)
            ),
            (
                any::<bool>(),
                3u8..16,
                proptest::collection::vec(any::<u8>(), 0..4)
            ),
        ]
    }

    proptest! {
        // Miri: a couple of cases of each, small (the full runs are native).
        #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 2 } else { 256 }))]
        /// Any stream, fed in random chunk sizes, gives the events of
        /// feeding it whole.
        #[test]
        fn chunking_never_changes_events(
            frames in proptest::collection::vec(frame_strategy(), 0..if cfg!(miri) { 4 } else { 12 }),
            chunks in proptest::collection::vec(1usize..64, 1..8),
            server in any::<bool>(),
        ) {
            let role = if server { Role::Server } else { Role::Client };
            let stream: Vec<u8> = frames.iter().flat_map(|(fin, op, p)| wire(role, *fin, 0, *op, p)).collect();
            let fed = |pieces: &[usize]| record(&mut Connection::new(role, Config::new()), &stream, pieces);
            let whole = fed(&[stream.len()]);
            prop_assert_eq!(fed(&chunks), whole.clone());
            prop_assert_eq!(fed(&[1]), whole);
        }

        /// Encode→decode round trip through the public send API: random
        /// messages, fragmented at random points, sent by one role and
        /// received by the other, arrive whole and unchanged.
        #[test]
        fn send_recv_round_trip(
            messages in proptest::collection::vec(
                (any::<bool>(), proptest::collection::vec(any::<u8>(), 0..if cfg!(miri) { 60 } else { 400 }), 1usize..5),
                0..if cfg!(miri) { 3 } else { 8 },
            ),
            key in any::<[u8; 4]>(),
            client_sends in any::<bool>(),
        ) {
            let (tx_role, rx_role) = if client_sends { (Role::Client, Role::Server) } else { (Role::Server, Role::Client) };
            let mut tx = Connection::new(tx_role, Config::new());
            let mut stream = Vec::new();
            let mut want = Vec::new();
            for (text, bytes, parts) in &messages {
                let (kind, bytes) = if *text {
                    (DataKind::Text, std::string::String::from_utf8_lossy(bytes).into_owned().into_bytes())
                } else {
                    (DataKind::Binary, bytes.clone())
                };
                let step = bytes.len().div_ceil(*parts).max(1);
                let pieces: Vec<&[u8]> = if bytes.is_empty() { vec![&[][..]] } else { bytes.chunks(step).collect() };
                for (i, piece) in pieces.iter().enumerate() {
                    let mut out = vec![0u8; piece.len() + 14];
                    let n = tx.send_data(kind, i + 1 == pieces.len(), piece, key, &mut out).unwrap();
                    stream.extend_from_slice(&out[..n]);
                }
                want.push(Seen::message(kind, bytes));
            }
            let mut out = [0u8; 16];
            let n = tx.send_close(CloseCode::NORMAL, "", key, &mut out).unwrap();
            stream.extend_from_slice(&out[..n]);
            want.push(Seen::Close(1000, "".into()));
            let (_, seen) = drive(rx_role, Config::new(), &stream);
            prop_assert_eq!(seen, want);
        }

        /// Arbitrary bytes never panic, and every failure names a 1002,
        /// 1007 or 1009 close.
        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200), server in any::<bool>()) {
            let role = if server { Role::Server } else { Role::Client };
            let (_, seen) = drive(role, Config::new(), &bytes);
            if let Some(Seen::Failed(e)) = seen.last() {
                prop_assert!(matches!(e.close_code().get(), 1002 | 1007 | 1009));
            }
        }
    }
}

/// Masked text is unmasked by the kernel that reports "all ASCII", and an
/// all-ASCII chunk then skips validation; it still cannot finish a code
/// point split before it (short chunks take the word kernel, long ones a
/// vector kernel), and ASCII followed by multi-byte text is still checked.
#[test]
fn masked_ascii_chunks_keep_utf8_rules() {
    for ascii in [&b"b"[..], &[b'b'; 200][..]] {
        let s = srv(&[
            wire(Role::Server, false, 0, 1, b"a\xe2\x82"),
            wire(Role::Server, true, 0, 0, ascii),
        ]);
        assert_invalid_utf8(&s);
        let s = srv(&[
            wire(Role::Server, false, 0, 1, ascii),
            wire(Role::Server, false, 0, 0, "a\u{e9}\u{20ac}".as_bytes()),
            wire(Role::Server, true, 0, 0, ascii),
        ]);
        let mut want = ascii.to_vec();
        want.extend_from_slice("a\u{e9}\u{20ac}".as_bytes());
        want.extend_from_slice(ascii);
        assert_eq!(
            drive(Role::Server, Config::new(), &s).1,
            [Seen::message(DataKind::Text, want)]
        );
        let s = srv(&[
            wire(Role::Server, false, 0, 1, ascii),
            wire(Role::Server, true, 0, 0, b"\xed\xa0\x80"),
        ]);
        assert_invalid_utf8(&s);
    }
}
