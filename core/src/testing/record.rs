//! Test support (connection layer, std only): [`record`] feeds a byte
//! stream to a [`Connection`] in pieces of chosen sizes and records what it
//! reported as owned [`Seen`] events that do not depend on how the stream
//! was cut, checking on every `recv` what must hold for any input.
//!
//! One driver for the crate's connection tests, the fuzz targets and the
//! differential suite (tungstenite reports [`Seen`] too), so that "fed
//! whole, at every split point and byte by byte gives the same events" is
//! checked the same way everywhere. It needs `Vec` and `String`, so it is
//! compiled for `cfg(test)` and with the `std` feature only: the no_std
//! users of [`crate::testing`] (wasm32, QEMU) never see it.

// Test support: a broken invariant is the finding, reported by panicking.
#![allow(clippy::panic)]

use std::string::String;
use std::vec::Vec;

use crate::MIN_RECV_BUFFER;
use crate::connection::Connection;
use crate::error::{Error, ProtocolError};
use crate::event::{DataKind, Event};

/// What a connection reported, owned, with the pieces of each data frame
/// joined: the same whatever the cut of the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seen {
    /// A data frame's payload, unmasked, its pieces joined; in
    /// [`Record::messages`], a whole message's.
    Data {
        /// Text or binary.
        kind: DataKind,
        /// The payload.
        payload: Vec<u8>,
        /// The frame ended the message.
        message_end: bool,
    },
    /// A Ping.
    Ping(Vec<u8>),
    /// A Pong.
    Pong(Vec<u8>),
    /// The peer's Close: its code (1005 when it carried none) and reason.
    Close(u16, String),
    /// The connection failed with this error (and queued its Close).
    Failed(ProtocolError),
}

impl Seen {
    /// A whole message, as [`Record::messages`] reports it.
    #[must_use]
    pub fn message(kind: DataKind, payload: impl Into<Vec<u8>>) -> Self {
        Self::Data {
            kind,
            payload: payload.into(),
            message_end: true,
        }
    }
}

/// Everything [`record`] saw, none of it depending on the cut.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// Events in order, data joined per wire frame.
    pub seen: Vec<Seen>,
    /// Payload of a data frame the input ended inside (empty after a
    /// failure: how much of the failing frame arrived depends on the cut).
    pub partial: Vec<u8>,
    /// Stream offset where the last frame that ended ended: where the frame
    /// being read (or the one that failed) starts.
    pub frame_start: usize,
}

impl Record {
    /// [`Record::seen`] with each message's frames joined into one
    /// [`Seen::message`], placed where its last frame ended; a message
    /// still unfinished is left out.
    #[must_use]
    pub fn messages(&self) -> Vec<Seen> {
        let mut out = Vec::new();
        let mut joined = Vec::new();
        for seen in &self.seen {
            match seen {
                Seen::Data {
                    kind,
                    payload,
                    message_end,
                } => {
                    joined.extend_from_slice(payload);
                    if *message_end {
                        out.push(Seen::message(*kind, core::mem::take(&mut joined)));
                    }
                }
                other => out.push(other.clone()),
            }
        }
        out
    }

    /// The error the connection failed with, if it did.
    #[must_use]
    pub fn error(&self) -> Option<ProtocolError> {
        match self.seen.last() {
            Some(Seen::Failed(e)) => Some(*e),
            _ => None,
        }
    }
}

/// Feeds `stream` to `conn` in pieces of the sizes in `pieces` (cycled; 0
/// counts as 1, so `&[stream.len()]` feeds it whole and `&[1]` byte by
/// byte): before each piece and after the last, `recv` on what is buffered
/// until it needs input. Stops at the first failure.
///
/// Checks on every call what holds for any input:
/// - `consumed` never exceeds the input;
/// - a call that needs input leaves fewer than `MIN_RECV_BUFFER` bytes
///   unused (that size always makes progress, connection.rs rule 1);
/// - a message ends only with a frame, and a whole text message is valid
///   UTF-8 when the connection validates it;
/// - a failure answers 1002, 1007 or 1009 and is repeated by the next call;
/// - the calls make progress (at most 4 per input byte, plus 16).
///
/// # Panics
/// When one of those breaks, or `recv` returns a usage error.
pub fn record<const P: usize>(conn: &mut Connection<P>, stream: &[u8], pieces: &[usize]) -> Record {
    let mut recorder = Recorder {
        record: Record::default(),
        message: Vec::new(),
        validate: conn.config().validate_utf8,
        consumed: 0,
    };
    let mut buf: Vec<u8> = Vec::new();
    let mut rest = stream;
    let mut sizes = pieces.iter().cycle();
    let mut calls = 0usize;
    loop {
        loop {
            calls += 1;
            assert!(calls <= 4 * stream.len() + 16, "no progress");
            let len = buf.len();
            match conn.recv(&mut buf) {
                Ok(r) => {
                    let (consumed, idle) = (r.consumed, r.needs_input());
                    assert!(consumed <= len, "consumed {consumed} of {len}");
                    recorder.consumed += consumed;
                    recorder.on_event(r.event);
                    buf.drain(..consumed);
                    if idle {
                        assert!(buf.len() < MIN_RECV_BUFFER, "stuck with {}", buf.len());
                        break;
                    }
                }
                Err(Error::Protocol(e)) => {
                    assert!(matches!(e.close_code().get(), 1002 | 1007 | 1009));
                    assert_eq!(conn.recv(&mut buf).err(), Some(Error::Protocol(e)));
                    recorder.record.seen.push(Seen::Failed(e));
                    recorder.record.partial.clear();
                    return recorder.record;
                }
                Err(e) => panic!("recv returned a non-protocol error {e:?}"),
            }
        }
        if rest.is_empty() {
            return recorder.record;
        }
        let n = sizes.next().copied().unwrap_or(1).clamp(1, rest.len());
        let (piece, tail) = rest.split_at(n);
        buf.extend_from_slice(piece);
        rest = tail;
    }
}

/// [`record`]'s state between calls.
struct Recorder {
    record: Record,
    /// The message in progress, for the UTF-8 check.
    message: Vec<u8>,
    /// The connection validates text.
    validate: bool,
    /// Stream bytes consumed so far.
    consumed: usize,
}

impl Recorder {
    /// Records one event; `consumed` already counts its bytes.
    fn on_event(&mut self, event: Option<Event<'_>>) {
        let record = &mut self.record;
        let seen = match event {
            None => return,
            Some(Event::Data {
                kind,
                payload,
                frame_end,
                message_end,
            }) => {
                record.partial.extend_from_slice(payload);
                assert!(!message_end || frame_end, "message ends mid-frame");
                if !frame_end {
                    return;
                }
                self.message.extend_from_slice(&record.partial);
                if message_end {
                    let text = kind == DataKind::Text && self.validate;
                    assert!(!text || core::str::from_utf8(&self.message).is_ok());
                    self.message.clear();
                }
                let payload = core::mem::take(&mut record.partial);
                Seen::Data {
                    kind,
                    payload,
                    message_end,
                }
            }
            Some(Event::Ping(p)) => Seen::Ping(p.to_vec()),
            Some(Event::Pong(p)) => Seen::Pong(p.to_vec()),
            Some(Event::Close { code, reason }) => Seen::Close(code.get(), reason.into()),
        };
        record.frame_start = self.consumed;
        record.seen.push(seen);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::role::Role;

    /// Unmasked frames to a client: "Hel" (text, not final), an empty
    /// Ping between the fragments, then "lo" ending the message.
    const STREAM: [u8; 11] = [
        0x01, 0x03, b'H', b'e', b'l', 0x89, 0x00, 0x80, 0x02, b'l', b'o',
    ];

    fn fed(stream: &[u8], pieces: &[usize]) -> Record {
        record(
            &mut Connection::new(Role::Client, Config::new()),
            stream,
            pieces,
        )
    }

    #[test]
    fn frames_are_joined_per_frame_then_per_message() {
        let hel = Seen::Data {
            kind: DataKind::Text,
            payload: b"Hel".to_vec(),
            message_end: false,
        };
        let lo = Seen::Data {
            kind: DataKind::Text,
            payload: b"lo".to_vec(),
            message_end: true,
        };
        let whole = fed(&STREAM, &[STREAM.len()]);
        assert_eq!(whole.seen, [hel, Seen::Ping(Vec::new()), lo]);
        assert_eq!((whole.partial.len(), whole.frame_start), (0, 11));
        assert_eq!(
            whole.messages(),
            [
                Seen::Ping(Vec::new()),
                Seen::message(DataKind::Text, "Hello")
            ]
        );
        assert_eq!(fed(&STREAM, &[1]), whole);
        assert_eq!(fed(&STREAM, &[0, 4]), whole);
    }

    #[test]
    fn the_frame_in_progress_and_a_failure() {
        let cut = fed(&STREAM[..10], &[3]);
        assert_eq!((&cut.partial[..], cut.frame_start), (&b"l"[..], 7));
        assert_eq!(cut.messages(), [Seen::Ping(Vec::new())]);
        // A reserved opcode inside the second fragment's place: 1002, and
        // the record says where the failing frame starts.
        let mut bad = STREAM;
        bad[7] = 0x83;
        let failed = fed(&bad, &[2]);
        assert_eq!(failed.error(), Some(ProtocolError::ReservedOpcode));
        assert_eq!((failed.partial.len(), failed.frame_start), (0, 7));
    }
}
