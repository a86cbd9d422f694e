//! The compressor's side: a driver that compresses messages with
//! wsframe's compressor in pieces, and the check that zlib's raw inflate
//! at the same window gives every message back (RFC 7692 §7.2.2: the
//! trailer appended). Shared by tests/compress.rs and the `compress` fuzz
//! target.

use crate::zlib::{RawDeflate, RawInflate, Verdict};
use wsframe::deflate::{Compressor, Flush, Params, Status, TRAILER};

/// Compresses `msgs` in order with one compressor (input in `piece`-byte
/// pieces, output in `out_len`-byte buffers); each message's payload
/// (RFC 7692 §7.2.1: the trailer already removed). Panics if a call makes
/// no progress, a piece is not taken whole, or a flush stops early.
pub fn compress(params: Params, msgs: &[&[u8]], piece: usize, out_len: usize) -> Vec<Vec<u8>> {
    let mut storage = vec![0u8; params.storage_len()];
    let mut c = Compressor::new(params, &mut storage).expect("storage is large enough");
    crate::test_driver::compress_messages(&mut c, msgs, piece, out_len)
}

/// Inflates each payload + trailer with zlib at window 2^`bits`, one
/// stream across messages (context takeover) or a fresh one per message,
/// one output byte per call (so every distance beyond 2^`bits` is
/// refused): `Err` names the first message not given back exactly.
pub fn zlib_inflates(
    bits: u8,
    msgs: &[&[u8]],
    payloads: &[Vec<u8>],
    takeover: bool,
) -> Result<(), String> {
    let mut shared = RawInflate::new(bits);
    for (i, (m, p)) in msgs.iter().zip(payloads).enumerate() {
        let mut fresh;
        let z = if takeover {
            &mut shared
        } else {
            fresh = RawInflate::new(bits);
            &mut fresh
        };
        let wire = [p.as_slice(), &TRAILER].concat();
        let (got, verdict) = z.push(&wire, 1);
        if verdict != Verdict::Truncated {
            return Err(format!("window {bits} msg {i}: zlib {verdict:?}"));
        }
        if got != *m {
            return Err(format!(
                "window {bits} msg {i}: {} bytes back of {}",
                got.len(),
                m.len()
            ));
        }
    }
    Ok(())
}

/// One message on a long-lived compressor (between messages without
/// context takeover, as a sender is): the payload's length (RFC 7692
/// §7.2.1: the trailer left off), written flat into `out`, which must
/// hold it (`Compressor::max_expansion`). For the speed figures.
pub fn message_len(c: &mut Compressor<'_>, msg: &[u8], out: &mut [u8]) -> usize {
    let (mut at, mut total) = (0, 0);
    loop {
        let r = c.compress(&msg[at..], &mut out[total..], Flush::Message);
        at += r.consumed;
        total += r.written;
        if r.status == Status::MessageEnd {
            return total;
        }
    }
}

/// zlib's raw deflate of one message with a sync flush, the trailer left
/// off; the stream is reset first (a message without context takeover).
pub fn zlib_message_len(z: &mut RawDeflate, msg: &[u8], out: &mut Vec<u8>) -> usize {
    z.reset();
    out.clear();
    z.push(msg, false, out);
    assert!(out.ends_with(&TRAILER));
    out.len() - 4
}
