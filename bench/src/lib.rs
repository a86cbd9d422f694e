//! Inputs shared by the `wsframe` benchmarks: every implementation is fed
//! the same bytes, built here with `wsframe`'s own client encoder.
//!
//! The benchmarks themselves are in `benches/` (criterion); the peers are
//! dev-dependencies and are driven from `benches/common/`.

use wsframe::{Config, Connection, DataKind, Role};

/// The masking key of every client frame in the benchmarks.
pub const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// A payload of `len` bytes that is not all one value.
#[must_use]
pub fn payload(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(7))
        .collect()
}

/// `len` bytes of printable ASCII text.
#[must_use]
pub fn ascii_text(len: usize) -> Vec<u8> {
    (0..len).map(|i| b' ' + (i % 95) as u8).collect()
}

/// About `len` bytes (never more) of UTF-8 text mixing 1-, 2-, 3- and
/// 4-byte code points, so fragment boundaries split code points.
#[must_use]
pub fn mixed_text(len: usize) -> Vec<u8> {
    const PIECES: [&str; 6] = ["a", "é", "€", "𝄞", "κόσμε", "日本語"];
    let mut out = String::with_capacity(len);
    for i in 0.. {
        let piece = PIECES[i % PIECES.len()];
        if out.len() + piece.len() > len {
            break;
        }
        out.push_str(piece);
    }
    out.into_bytes()
}

/// Masked client frames carrying `messages`, each message cut into frames
/// of at most `fragment` bytes of payload, as a client would send them.
#[must_use]
pub fn client_wire(kind: DataKind, messages: &[&[u8]], fragment: usize) -> Vec<u8> {
    let mut client = Connection::new(Role::Client, Config::new());
    let total: usize = messages
        .iter()
        .map(|m| m.len() + 14 * (m.len() / fragment.max(1) + 1))
        .sum();
    let mut wire = vec![0u8; total];
    let mut at = 0;
    for message in messages {
        let mut chunks = message.chunks(fragment.max(1)).peekable();
        if chunks.peek().is_none() {
            at += client
                .send_data(kind, true, &[], KEY, &mut wire[at..])
                .expect("fits");
        }
        while let Some(chunk) = chunks.next() {
            let fin = chunks.peek().is_none();
            at += client
                .send_data(kind, fin, chunk, KEY, &mut wire[at..])
                .expect("fits");
        }
    }
    wire.truncate(at);
    wire
}

/// `n` masked binary frames of `len` bytes each (one message per frame).
#[must_use]
pub fn small_frames(n: usize, len: usize) -> Vec<u8> {
    let p = payload(len);
    let messages = vec![&p[..]; n];
    client_wire(DataKind::Binary, &messages, len.max(1))
}

/// A server configuration with the fragment limit lifted (1 MiB in
/// 125-byte fragments is 8389 frames; the default cap is 4096).
#[must_use]
pub fn config() -> Config {
    Config {
        max_fragments: u32::MAX,
        ..Config::new()
    }
}

/// What a decoder saw: messages completed and payload bytes delivered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Seen {
    /// Complete messages.
    pub messages: usize,
    /// Payload bytes.
    pub bytes: usize,
}

/// Decodes `wire` with a `wsframe` server connection (unmasking and
/// validating in place).
///
/// # Panics
/// On a protocol error (the inputs are valid).
pub fn wsframe_decode(wire: &mut [u8], config: Config) -> Seen {
    let mut conn = Connection::new(Role::Server, config);
    let mut seen = Seen::default();
    let mut at = 0;
    while at < wire.len() {
        let recv = conn.recv(&mut wire[at..]).expect("valid input");
        if let Some(wsframe::Event::Data {
            payload,
            message_end,
            ..
        }) = recv.event
        {
            seen.bytes += payload.len();
            seen.messages += usize::from(message_end);
        }
        if recv.needs_input() {
            break;
        }
        at += recv.consumed;
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_round_trip() {
        let mut wire = small_frames(1000, 16);
        assert_eq!(wire.len(), 1000 * 22);
        assert_eq!(
            wsframe_decode(&mut wire, config()),
            Seen {
                messages: 1000,
                bytes: 16_000
            }
        );
        for text in [ascii_text(1 << 20), mixed_text(1 << 20)] {
            assert!(std::str::from_utf8(&text).is_ok());
            for frag in [125, 16 * 1024] {
                let mut wire = client_wire(DataKind::Text, &[&text], frag);
                let seen = wsframe_decode(&mut wire, config());
                assert_eq!(
                    seen,
                    Seen {
                        messages: 1,
                        bytes: text.len()
                    }
                );
            }
        }
    }
}
