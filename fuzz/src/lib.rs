//! Helpers shared by the fuzz targets: a connection driver that feeds a
//! stream in given chunk sizes and records what the connection reported in
//! a form that does not depend on the chunking, plus the checks every
//! target makes on the way.

use wsframe::{Config, Connection, DataKind, Error, Event, MIN_RECV_BUFFER, Role};

/// What a connection reported, independent of how the input was chunked:
/// data is joined per wire frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seen {
    /// One whole wire frame of a data message.
    Frame {
        /// Text or binary.
        kind: DataKind,
        /// The frame's payload, unmasked.
        payload: Vec<u8>,
        /// The frame ended the message.
        message_end: bool,
    },
    /// A Ping.
    Ping(Vec<u8>),
    /// A Pong.
    Pong(Vec<u8>),
    /// The peer's Close.
    Close(u16, String),
    /// The connection failed; the close code it queued.
    Failed(wsframe::ProtocolError),
}

/// Everything a run produced: events, the bytes of the last frame still in
/// progress when the input ran out (unless it failed), and the final state
/// with the pending frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Events in order.
    pub seen: Vec<Seen>,
    /// Payload of a data frame that had not ended when the input did.
    pub partial: Vec<u8>,
    /// `Connection::state` at the end.
    pub state: wsframe::State,
    /// The frame in the "must send" slot at the end.
    pub pending: Vec<u8>,
}

/// The first byte of a connection input selects the role and config.
#[must_use]
pub fn role_and_config(flags: u8) -> (Role, Config) {
    let role = if flags & 1 == 0 {
        Role::Server
    } else {
        Role::Client
    };
    let mut config = Config::new();
    if flags & 2 != 0 {
        // Small limits, so the fuzzer reaches 1009 with short inputs.
        config.max_frame_size = 64;
        config.max_message_size = 100;
        config.max_fragments = 4;
    }
    config.validate_utf8 = flags & 4 == 0;
    config.auto_pong = flags & 8 == 0;
    (role, config)
}

/// Feeds `stream` to a new connection in chunks of `chunks` bytes (cycled;
/// 0 counts as 1) and checks the invariants of `Connection::recv` on every
/// call:
///
/// - `consumed` never exceeds the input;
/// - a call that needs input never leaves `MIN_RECV_BUFFER` or more bytes
///   unused (that size always makes progress, connection.rs rule 1);
/// - a completed text message is valid UTF-8 when validation is on;
/// - a failure answers 1002, 1007 or 1009 and is repeated by later calls;
/// - the loop makes progress (no call reports nothing while consuming
///   nothing, except when it needs more input).
///
/// # Panics
/// When an invariant breaks: that is the finding.
#[must_use]
pub fn drive(role: Role, config: Config, stream: &[u8], chunks: &[usize]) -> Run {
    let mut conn = Connection::new(role, config);
    let mut seen = Vec::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut frame: Vec<u8> = Vec::new();
    let mut message: Vec<u8> = Vec::new();
    let mut pos = 0;
    let mut sizes = chunks.iter().cycle();
    let mut calls = 0usize;
    let failed = 'outer: loop {
        loop {
            calls += 1;
            assert!(calls <= 4 * stream.len() + 16, "no progress");
            let len = buf.len();
            match conn.recv(&mut buf) {
                Ok(r) => {
                    let consumed = r.consumed;
                    assert!(consumed <= len, "consumed {consumed} of {len}");
                    let idle = r.needs_input();
                    match r.event {
                        Some(Event::Data {
                            kind,
                            payload,
                            frame_end,
                            message_end,
                        }) => {
                            frame.extend_from_slice(payload);
                            assert!(!message_end || frame_end, "message ends mid-frame");
                            if frame_end {
                                message.extend_from_slice(&frame);
                                seen.push(Seen::Frame {
                                    kind,
                                    payload: core::mem::take(&mut frame),
                                    message_end,
                                });
                            }
                            if message_end {
                                if kind == DataKind::Text && config.validate_utf8 {
                                    assert!(core::str::from_utf8(&message).is_ok(), "bad text");
                                }
                                message.clear();
                            }
                        }
                        Some(Event::Ping(p)) => seen.push(Seen::Ping(p.to_vec())),
                        Some(Event::Pong(p)) => seen.push(Seen::Pong(p.to_vec())),
                        Some(Event::Close { code, reason }) => {
                            seen.push(Seen::Close(code.get(), reason.into()));
                        }
                        Some(_) => unreachable!("unknown event"),
                        None => {}
                    }
                    buf.drain(..consumed);
                    if idle {
                        assert!(
                            buf.len() < MIN_RECV_BUFFER,
                            "stuck with {} bytes",
                            buf.len()
                        );
                        break;
                    }
                }
                Err(Error::Protocol(e)) => {
                    assert!(matches!(e.close_code().get(), 1002 | 1007 | 1009));
                    seen.push(Seen::Failed(e));
                    assert_eq!(conn.recv(&mut buf).err(), Some(Error::Protocol(e)));
                    break 'outer true;
                }
                Err(e) => panic!("recv returned a non-protocol error {e:?}"),
            }
        }
        if pos >= stream.len() {
            break false;
        }
        let n = (*sizes.next().unwrap_or(&1)).max(1).min(stream.len() - pos);
        buf.extend_from_slice(&stream[pos..pos + n]);
        pos += n;
    };
    let state = conn.state();
    let mut out = [0u8; wsframe::MAX_PENDING_FRAME];
    let n = conn
        .write_pending([1, 2, 3, 4], &mut out)
        .expect("MAX_PENDING_FRAME always fits");
    Run {
        seen,
        // Pieces of a frame that failed part-way depend on the chunking.
        partial: if failed { Vec::new() } else { frame },
        state,
        pending: out[..n].to_vec(),
    }
}

/// Splits fuzz input into a few chunk sizes (from the `n` bytes after the
/// first) and the rest.
#[must_use]
pub fn chunk_sizes(data: &[u8]) -> (Vec<usize>, &[u8]) {
    let Some((&n, rest)) = data.split_first() else {
        return (vec![1], data);
    };
    let n = usize::from(n % 8) + 1;
    let n = n.min(rest.len());
    let (sizes, rest) = rest.split_at(n);
    let mut sizes: Vec<usize> = sizes.iter().map(|&b| usize::from(b) + 1).collect();
    if sizes.is_empty() {
        sizes.push(1);
    }
    (sizes, rest)
}

/// Header lines `httparse` parsed, as the core's own `Header`s (what a host
/// whose HTTP stack parsed the head hands to `from_parsed`/`check_parsed`).
pub fn core_headers<'b>(parsed: &[httparse::Header<'b>]) -> Vec<wsframe::handshake::Header<'b>> {
    parsed
        .iter()
        .map(|h| wsframe::handshake::Header {
            name: h.name,
            value: h.value,
        })
        .collect()
}
