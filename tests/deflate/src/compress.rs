//! The compressor's side: a driver that compresses messages with
//! wsframe's compressor in pieces, and the check that zlib's raw inflate
//! at the same window gives every message back (RFC 7692 §7.2.2: the
//! trailer appended). Shared by tests/compress.rs and the `compress` fuzz
//! target.

use crate::zlib::{RawInflate, Verdict};
use wsframe::deflate::{Compressor, Flush, Params, Status, TRAILER};

/// Compresses `msgs` in order with one compressor (input in `piece`-byte
/// pieces, output in `out_len`-byte buffers); each message's payload
/// (RFC 7692 §7.2.1: the trailer already removed). Panics if a call makes
/// no progress, a piece is not taken whole, or a flush stops early.
pub fn compress(params: Params, msgs: &[&[u8]], piece: usize, out_len: usize) -> Vec<Vec<u8>> {
    let mut storage = vec![0u8; params.storage_len()];
    let mut c = Compressor::new(params, &mut storage).expect("storage is large enough");
    let mut out = vec![0u8; out_len.max(1)];
    let mut payloads = Vec::new();
    for msg in msgs {
        let mut payload = Vec::with_capacity(msg.len() / 2 + 16);
        let pieces: Vec<&[u8]> = if msg.is_empty() {
            vec![&[]]
        } else {
            msg.chunks(piece.max(1)).collect()
        };
        for (k, p) in pieces.iter().enumerate() {
            let flush = if k + 1 == pieces.len() {
                Flush::Message
            } else {
                Flush::None
            };
            let mut at = 0;
            loop {
                let r = c.compress(&p[at..], &mut out, flush);
                assert!(
                    r.written > 0 || r.consumed > 0 || r.status != Status::NeedsOutput,
                    "no progress"
                );
                payload.extend_from_slice(&out[..r.written]);
                at += r.consumed;
                match r.status {
                    Status::MessageEnd => break,
                    Status::NeedsInput if flush == Flush::None => break,
                    Status::NeedsOutput => {}
                    other => panic!("{other:?} while flushing"),
                }
            }
            assert_eq!(at, p.len(), "piece {k} not taken whole");
        }
        payloads.push(payload);
    }
    payloads
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
