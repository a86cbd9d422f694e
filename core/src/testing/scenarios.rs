//! The conversations every platform runs through a [`Pair`] (test support):
//! the host and wasm32-wasip1 tests assert on them, the Cortex-M3 firmware
//! logs each result over defmt. Each scenario gets the two wire buffers and
//! builds its own pair.

use super::{Failure, Pair, Side, Transfer, TransferReport};
use crate::close_code::CloseCode;
use crate::config::{Config, HandshakeLimits};
use crate::connection::State;
use crate::error::{Error, HandshakeError, ProtocolError};
use crate::event::{DataKind, Event};
use crate::handshake::{ClientHandshake, Request, write_rejection};
use crate::keepalive::{KeepAlive, KeepAliveAction};
use crate::reassemble::Reassembler;

/// A named conversation.
#[derive(Clone, Copy, Debug)]
pub struct Scenario {
    /// What it checks.
    pub name: &'static str,
    /// Runs it on two wire buffers (each ≥ 256 bytes).
    pub run: fn(&mut [u8], &mut [u8]) -> Result<(), Failure>,
}

/// Every scenario, cheapest first.
pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "handshake",
        run: handshake,
    },
    Scenario {
        name: "handshake refused (426, bad accept)",
        run: handshake_refused,
    },
    Scenario {
        name: "messages 0..=65536 bytes, both ways",
        run: messages,
    },
    Scenario {
        name: "fragments with pings between",
        run: fragments_with_pings,
    },
    Scenario {
        name: "ping and pong",
        run: ping_pong,
    },
    Scenario {
        name: "reassembled message",
        run: reassembled,
    },
    Scenario {
        name: "keep-alive",
        run: keep_alive,
    },
    Scenario {
        name: "close handshake from the client",
        run: close_from_client,
    },
    Scenario {
        name: "close handshake from the server",
        run: close_from_server,
    },
    Scenario {
        name: "unmasked client frame -> 1002",
        run: unmasked_client_frame,
    },
    Scenario {
        name: "masked server frame -> 1002",
        run: masked_server_frame,
    },
    Scenario {
        name: "reserved opcode -> 1002",
        run: reserved_opcode,
    },
    Scenario {
        name: "close code 1005 on the wire -> 1002",
        run: bad_close_code,
    },
    Scenario {
        name: "invalid UTF-8 across fragments -> 1007",
        run: invalid_utf8,
    },
    Scenario {
        name: "frame over the limit -> 1009",
        run: frame_too_big,
    },
    Scenario {
        name: "message over the limit -> 1009",
        run: message_too_big,
    },
    Scenario {
        name: "1 MiB messages, both ways",
        run: large_messages,
    },
];

/// Message sizes sent whole, both ways, text and binary: the edges of the
/// 7-bit, 16-bit and 64-bit length encodings (§5.2).
pub const SIZES: [u64; 7] = [0, 1, 125, 126, 65535, 65536, 70_000];

fn connected<'b>(client: &'b mut [u8], server: &'b mut [u8]) -> Result<Pair<'b>, Failure> {
    let mut pair = Pair::new(client, server);
    pair.handshake([0x42; 16])?;
    Ok(pair)
}

fn check(ok: bool) -> Result<(), Failure> {
    if ok {
        Ok(())
    } else {
        Err(Failure::WrongOutcome)
    }
}

fn handshake(a: &mut [u8], b: &mut [u8]) -> Result<(), Failure> {
    let pair = connected(a, b)?;
    check(pair.client.conn.state() == State::Open && pair.server.conn.state() == State::Open)?;
    check(pair.client.buffered() == 0 && pair.server.buffered() == 0)
}

fn handshake_refused(a: &mut [u8], _: &mut [u8]) -> Result<(), Failure> {
    let request = b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
        Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 12\r\n\r\n";
    let limits = HandshakeLimits::new();
    let error = match Request::parse(request, &limits) {
        Err(e) => e,
        Ok(_) => return Err(Failure::WrongOutcome),
    };
    check(error == HandshakeError::UnsupportedVersion)?;
    let n = write_rejection(error, a)?;
    check(a.get(..13) == Some(b"HTTP/1.1 426 ") && n > 13)?;

    let response = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\
        Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    let client = ClientHandshake::from_nonce(&[1; 16]);
    let result = client.check_response(response, &[], &[], &limits);
    check(result == Err(HandshakeError::ResponseAccept))
}

fn messages(a: &mut [u8], b: &mut [u8]) -> Result<(), Failure> {
    let mut pair = connected(a, b)?;
    for from in [Side::Client, Side::Server] {
        for kind in [DataKind::Text, DataKind::Binary] {
            for len in SIZES {
                let report = pair.transfer(&Transfer::whole(from, kind, len))?;
                check(report.frames == 1)?;
            }
        }
    }
    Ok(())
}

fn fragments_with_pings(a: &mut [u8], b: &mut [u8]) -> Result<(), Failure> {
    let mut pair = connected(a, b)?;
    for from in [Side::Client, Side::Server] {
        for kind in [DataKind::Text, DataKind::Binary] {
            let report = pair.transfer(&Transfer {
                from,
                kind,
                len: 10_007,
                fragment: 1000,
                ping_between_fragments: true,
            })?;
            let TransferReport {
                frames,
                pings,
                pings_seen,
                pongs,
                ..
            } = report;
            check(frames == 11 && pings == 10 && pings_seen == 10 && pongs == 10)?;
        }
    }
    // Empty fragments count too.
    let report = pair.transfer(&Transfer {
        from: Side::Client,
        kind: DataKind::Text,
        len: 3,
        fragment: 1,
        ping_between_fragments: true,
    })?;
    check(report.frames == 3 && report.pongs == 2)
}

fn ping_pong(a: &mut [u8], b: &mut [u8]) -> Result<(), Failure> {
    let mut pair = connected(a, b)?;
    for from in [Side::Client, Side::Server] {
        let payload = [0xa5; 125];
        pair.send_ping(from, &payload)?;
        check(matches!(pair.recv(from.peer())?, Some(Event::Ping(p)) if p == payload))?;
        check(matches!(pair.recv(from)?, Some(Event::Pong(p)) if p == payload))?;
        check(pair.recv(from)?.is_none())?;
    }
    Ok(())
}

fn reassembled(a: &mut [u8], b: &mut [u8]) -> Result<(), Failure> {
    let mut pair = connected(a, b)?;
    let mut store = [0u8; 64];
    let mut reassembler = Reassembler::new(&mut store, 8);
    pair.send_data(Side::Client, DataKind::Text, false, "Hello, ".as_bytes())?;
    pair.send_data(Side::Client, DataKind::Text, false, b"")?;
    pair.send_ping(Side::Client, b"!")?;
    pair.send_data(Side::Client, DataKind::Text, true, "w\u{f6}rld".as_bytes())?;
    let mut whole = 0;
    for _ in 0..8 {
        if let Some(message) = pair.recv_message(Side::Server, &mut reassembler)? {
            check(message.kind == DataKind::Text)?;
            check(message.payload == "Hello, w\u{f6}rld".as_bytes())?;
            whole += 1;
        }
    }
    check(whole == 1)?;
    check(matches!(pair.recv(Side::Client)?, Some(Event::Pong(b"!"))))?;
    // A message larger than the store fails the connection with 1009.
    pair.send_data(Side::Client, DataKind::Binary, true, &[0; 65])?;
    let outcome = pair
        .recv_message(Side::Server, &mut reassembler)
        .map(|_| ());
    check(outcome == Err(ProtocolError::MessageTooBig.into()))?;
    let code = CloseCode::MESSAGE_TOO_BIG;
    check(matches!(pair.recv(Side::Client)?, Some(Event::Close { code: c, .. }) if c == code))
}

fn keep_alive(a: &mut [u8], b: &mut [u8]) -> Result<(), Failure> {
    let mut pair = connected(a, b)?;
    let mut keep_alive = KeepAlive::new(1000, 500);
    check(keep_alive.poll(0, &mut pair.client.conn) == KeepAliveAction::Idle)?;
    check(keep_alive.poll(1000, &mut pair.client.conn) == KeepAliveAction::SendPing)?;
    pair.send_ping(Side::Client, b"ka")?;
    check(matches!(pair.recv(Side::Server)?, Some(Event::Ping(b"ka"))))?;
    check(matches!(pair.recv(Side::Client)?, Some(Event::Pong(b"ka"))))?;
    check(keep_alive.poll(1200, &mut pair.client.conn) == KeepAliveAction::Idle)?;
    check(keep_alive.poll(2200, &mut pair.client.conn) == KeepAliveAction::SendPing)?;
    check(keep_alive.poll(2700, &mut pair.client.conn) == KeepAliveAction::TimedOut)
}

/// `from` closes with 1000 "bye"; the peer sees it and echoes the code;
/// both end Closed with nothing pending.
fn close_handshake(a: &mut [u8], b: &mut [u8], from: Side) -> Result<(), Failure> {
    let mut pair = connected(a, b)?;
    pair.send_close(from, CloseCode::NORMAL, "bye")?;
    check(pair.peer(from).conn.state() == State::CloseSent)?;
    let event = pair.recv(from.peer())?;
    check(matches!(
        event,
        Some(Event::Close {
            code: CloseCode::NORMAL,
            reason: "bye"
        })
    ))?;
    let event = pair.recv(from)?;
    check(matches!(
        event,
        Some(Event::Close {
            code: CloseCode::NORMAL,
            reason: ""
        })
    ))?;
    let both = [pair.peer(from), pair.peer(from.peer())];
    check(
        both.iter()
            .all(|p| p.conn.state() == State::Closed && p.conn.is_finished()),
    )?;
    // Nothing more may be sent.
    let late = pair.send_data(from.peer(), DataKind::Text, true, b"late");
    check(late == Err(crate::UsageError::Closed.into()))
}

fn close_from_client(a: &mut [u8], b: &mut [u8]) -> Result<(), Failure> {
    close_handshake(a, b, Side::Client)
}

fn close_from_server(a: &mut [u8], b: &mut [u8]) -> Result<(), Failure> {
    close_handshake(a, b, Side::Server)
}

/// `inject` breaks the protocol towards `at`; `at` must fail with
/// `expected`, and its peer must receive a Close with that error's code.
fn violation(
    mut pair: Pair<'_>,
    at: Side,
    inject: fn(&mut Pair<'_>) -> Result<(), Error>,
    expected: ProtocolError,
) -> Result<(), Failure> {
    pair.handshake([7; 16])?;
    inject(&mut pair)?;
    let mut outcome = pair.recv(at).map(|_| ());
    // A data message may be handed out in pieces before the bad byte.
    while outcome == Ok(()) {
        outcome = pair.recv(at).map(|_| ());
    }
    check(outcome == Err(expected.into()))?;
    check(pair.peer(at).conn.state() == State::Failed)?;
    let code = expected.close_code();
    let event = pair.recv(at.peer())?;
    check(matches!(event, Some(Event::Close { code: c, .. }) if c == code))?;
    // Failure is final.
    check(pair.recv(at).map(|_| ()) == Err(expected.into()))
}

fn unmasked_client_frame(a: &mut [u8], b: &mut [u8]) -> Result<(), Failure> {
    let inject = |p: &mut Pair<'_>| p.send_raw(Side::Client, b"\x81\x02hi");
    violation(
        Pair::new(a, b),
        Side::Server,
        inject,
        ProtocolError::UnmaskedClientFrame,
    )
}

fn masked_server_frame(a: &mut [u8], b: &mut [u8]) -> Result<(), Failure> {
    let inject = |p: &mut Pair<'_>| p.send_raw(Side::Server, b"\x82\x81\x01\x02\x03\x04\x05");
    violation(
        Pair::new(a, b),
        Side::Client,
        inject,
        ProtocolError::MaskedServerFrame,
    )
}

fn reserved_opcode(a: &mut [u8], b: &mut [u8]) -> Result<(), Failure> {
    let inject = |p: &mut Pair<'_>| p.send_raw(Side::Client, b"\x83\x80\x00\x00\x00\x00");
    violation(
        Pair::new(a, b),
        Side::Server,
        inject,
        ProtocolError::ReservedOpcode,
    )
}

fn bad_close_code(a: &mut [u8], b: &mut [u8]) -> Result<(), Failure> {
    let inject = |p: &mut Pair<'_>| p.send_raw(Side::Server, b"\x88\x02\x03\xed");
    violation(
        Pair::new(a, b),
        Side::Client,
        inject,
        ProtocolError::InvalidCloseCode,
    )
}

fn invalid_utf8(a: &mut [u8], b: &mut [u8]) -> Result<(), Failure> {
    // "é" split across two fragments is fine; a lone continuation byte
    // after it is not.
    let inject = |p: &mut Pair<'_>| {
        p.send_data(Side::Client, DataKind::Text, false, b"ok \xc3")?;
        p.send_data(Side::Client, DataKind::Text, true, b"\xa9\xa9")
    };
    violation(
        Pair::new(a, b),
        Side::Server,
        inject,
        ProtocolError::InvalidUtf8,
    )
}

fn frame_too_big(a: &mut [u8], b: &mut [u8]) -> Result<(), Failure> {
    let limits = Config {
        max_frame_size: 1000,
        ..Config::new()
    };
    let pair = Pair::with_configs(a, b, Config::new(), limits);
    // Judged on the header: the 1001 payload bytes never need to arrive.
    let inject = |p: &mut Pair<'_>| {
        let mut header = [0u8; 14];
        let n =
            p.client
                .conn
                .send_data_header(DataKind::Binary, true, 1001, [9; 4], &mut header)?;
        p.send_raw(Side::Client, header.get(..n).unwrap_or_default())
    };
    violation(pair, Side::Server, inject, ProtocolError::FrameTooBig)
}

fn message_too_big(a: &mut [u8], b: &mut [u8]) -> Result<(), Failure> {
    let limits = Config {
        max_message_size: 100,
        ..Config::new()
    };
    let pair = Pair::with_configs(a, b, limits, Config::new());
    let inject = |p: &mut Pair<'_>| {
        p.send_data(Side::Server, DataKind::Binary, false, &[1; 60])?;
        p.send_data(Side::Server, DataKind::Binary, true, &[2; 60])
    };
    violation(pair, Side::Client, inject, ProtocolError::MessageTooBig)
}

fn large_messages(a: &mut [u8], b: &mut [u8]) -> Result<(), Failure> {
    let mut pair = connected(a, b)?;
    pair.transfer(&Transfer::whole(Side::Client, DataKind::Binary, 1 << 20))?;
    pair.transfer(&Transfer::whole(Side::Server, DataKind::Text, 1 << 20))?;
    let report = pair.transfer(&Transfer {
        from: Side::Client,
        kind: DataKind::Text,
        len: 1 << 20,
        fragment: 64 * 1024,
        ping_between_fragments: true,
    })?;
    check(report.frames == 16 && report.pongs == 15)
}
