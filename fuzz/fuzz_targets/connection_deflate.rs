//! permessage-deflate through the connection (RFC 7692 §6–§7), two modes
//! chosen by the top bit of the first byte:
//!
//! - **receive** (bit 7 clear): arbitrary bytes fed to a connection with
//!   `recv_deflate` in pieces, under the invariants that
//!   `wsframe_fuzz::deflate_conn::receive` checks on every call (consumed
//!   ≤ offered, inflated bytes lent per message ≤ `max_message_size`,
//!   after an error: Failed, the Close with the error's code, final); the
//!   same stream fed whole must report the same events, or, when it
//!   fails, the same messages before the failure (a known core bug is
//!   tolerated, see `receive_mode`). Byte 0: window bits 8 + bits 0-2, bit 3 no context takeover,
//!   bit 4 client role (unmasked frames; server otherwise), bit 5 no UTF-8
//!   validation, bit 6 no auto-pong. Byte 1: `max_message_size` / 64.
//!   Then a count and that many piece sizes, then the stream.
//! - **round trip** (bit 7 set): the data as 1-8 messages, sent by a
//!   client with `send_deflate` (or `send_data` for a message marked
//!   uncompressed), received by a server with `recv_deflate`: the same
//!   messages come out, with the Pings sent between frames. Byte 0: the
//!   server's window bits 8 + bits 0-2, bit 3 no context takeover (both),
//!   bit 4 the client drops its history anyway, bit 5 level Default, bit 6
//!   a Ping after every frame. Byte 1: bits 0-2 how much smaller the
//!   client's window is (at least 8), bits 3-5 messages - 1. Byte 2: bit i
//!   sends message i uncompressed; byte 3: bit i makes it binary (else
//!   text if it is UTF-8). Bytes 4-5: piece size; 6-7: output buffer size
//!   - 7 (mod 4096); 8: receive piece size (n² + 1); then the data, split
//!     evenly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wsframe::deflate::{Compression, DeflateParams, Level};
use wsframe::{Config, DataKind, Role};
use wsframe_fuzz::chunk_sizes;
use wsframe_fuzz::deflate_conn::{Got, Sending, receive, send};

fn params(bits: u8, no_takeover: bool) -> DeflateParams {
    DeflateParams {
        send_window_bits: bits,
        send_no_context_takeover: no_takeover,
        receive_window_bits: bits,
        receive_no_context_takeover: no_takeover,
    }
}

fn receive_mode(flags: u8, rest: &[u8]) {
    let Some((&limit, rest)) = rest.split_first() else {
        return;
    };
    let p = params(8 + (flags & 7), flags & 8 != 0);
    let role = if flags & 16 == 0 {
        Role::Server
    } else {
        Role::Client
    };
    let mut config = Config::new();
    config.max_message_size = usize::from(limit) * 64;
    config.validate_utf8 = flags & 32 == 0;
    config.auto_pong = flags & 64 == 0;
    let (pieces, stream) = chunk_sizes(rest);
    let split = receive(role, config, &p, stream, &pieces);
    let whole = receive(role, config, &p, stream, &[stream.len()]);
    use wsframe::ProtocolError::{InvalidUtf8, MessageTooBig};
    // The same error however the bytes are split, with one exception: a
    // piece's limit check comes before its UTF-8 check, and inflated
    // pieces follow the input pieces, so a piece holding both an invalid
    // sequence and the limit's crossing may name either. (An error the
    // inflater finds after output it returned is no longer overtaken by
    // the next frame: seed `server-deferred-error-then-close`.)
    let piece_dependent = |e| matches!(e, Some(InvalidUtf8 | MessageTooBig));
    if split.error != whole.error {
        assert!(
            piece_dependent(split.error) && piece_dependent(whole.error),
            "{:?} split, {:?} whole\n{split:?}\n{whole:?}",
            split.error,
            whole.error
        );
    } else if whole.error.is_none() {
        assert_eq!(split.events, whole.events, "pieces {pieces:?}");
        return;
    }
    // Both failed: the whole messages before the failure are the same.
    let messages = |r: &[Got]| -> Vec<Got> {
        r.iter()
            .filter(|g| matches!(g, Got::Message(..)))
            .cloned()
            .collect()
    };
    assert_eq!(messages(&split.events), messages(&whole.events));
}

fn round_trip(flags: u8, rest: &[u8]) {
    let Some((&[b1, plain, binary, p0, p1, o0, o1, r], data)) = rest.split_first_chunk::<8>()
    else {
        return;
    };
    let bits = 8 + (flags & 7);
    let no_takeover = flags & 8 != 0;
    let level = if flags & 32 == 0 {
        Level::Fast
    } else {
        Level::Default
    };
    let send_bits = bits.saturating_sub(b1 & 7).max(8);
    let tx = DeflateParams {
        send_window_bits: send_bits,
        send_no_context_takeover: no_takeover || flags & 16 != 0,
        ..params(bits, no_takeover)
    };
    let mut storage = vec![0u8; Compression::storage_len(&tx, level)];
    let mut z = Compression::new(&tx, level, &mut storage).expect("storage_len bytes");
    let count = usize::from(b1 >> 3 & 7) + 1;
    let per = data.len().div_ceil(count).max(1);
    let mut parts: Vec<&[u8]> = data.chunks(per).collect();
    parts.resize(count, &[]);
    let messages: Vec<(DataKind, &[u8], bool)> = parts
        .iter()
        .enumerate()
        .map(|(i, &m)| {
            let kind = if binary >> i & 1 == 0 && std::str::from_utf8(m).is_ok() {
                DataKind::Text
            } else {
                DataKind::Binary
            };
            (kind, m, plain >> i & 1 == 0)
        })
        .collect();
    let how = Sending {
        piece: usize::from(u16::from_le_bytes([p0, p1])).max(1),
        out_len: 7 + usize::from(u16::from_le_bytes([o0, o1]) % 4096),
        pings: flags & 64 != 0,
        key_seed: u32::from_le_bytes([p0, p1, o0, o1]),
    };
    let (wire, expected) = send(&mut z, &messages, how);
    let r = usize::from(r);
    let got = receive(
        Role::Server,
        Config::new(),
        &params(bits, no_takeover),
        &wire,
        &[r * r + 1],
    );
    assert_eq!(got.error, None, "{how:?}");
    assert!(got.events == expected, "{how:?}: the messages differ");
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    if flags & 0x80 == 0 {
        receive_mode(flags, rest);
    } else {
        round_trip(flags, rest);
    }
});
