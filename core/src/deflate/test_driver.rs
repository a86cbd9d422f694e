//! Driving the compressor over messages in pieces (test support): core's
//! compressor tests and tests/deflate (which includes this file by path,
//! its crate root naming the same `Compressor`, `Flush` and `Status`) use
//! the one driver.

use super::{Compressor, Flush, Status};

/// Compresses `msgs` in order with `c` (input in `piece`-byte pieces,
/// output in `out_len`-byte buffers); each message's payload (RFC 7692
/// §7.2.1: the trailer already removed). Panics if a call makes no
/// progress, a piece is not taken whole, or a flush stops early.
pub fn compress_messages<M: AsRef<[u8]>>(
    c: &mut Compressor<'_>,
    msgs: &[M],
    piece: usize,
    out_len: usize,
) -> Vec<Vec<u8>> {
    let mut out = vec![0u8; out_len.max(1)];
    let mut payloads = Vec::new();
    for msg in msgs {
        let msg = msg.as_ref();
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
                    Status::MessageEnd => {
                        assert_eq!(flush, Flush::Message, "message end without a flush");
                        break;
                    }
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
