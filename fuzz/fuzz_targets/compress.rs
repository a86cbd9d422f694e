//! The compressor (`wsframe::deflate::Compressor`) round-trips through the
//! system zlib: any window (8..=15; zlib inflates window 8 with 9, which
//! its raw API requires here), level, context-takeover mode, input piece
//! size and output buffer size; 1 to 4 messages, each inflated as an
//! RFC 7692 §7.2.2 receiver does (trailer appended), on one zlib stream
//! with context takeover or a fresh one per message without.
//!
//! Input: a window byte, a flags byte (bit 0 level, bit 1 no takeover,
//! bits 2-3 messages - 1), two bytes of piece size, two of output buffer
//! size, then the data (split evenly into the messages).
#![no_main]

use flate2::{Decompress, FlushDecompress};
use libfuzzer_sys::fuzz_target;
use wsframe::deflate::{Compressor, Flush, Level, Params, Status, TRAILER};

fuzz_target!(|data: &[u8]| {
    let Some((&[w, flags, p0, p1, o0, o1], rest)) = data.split_first_chunk::<6>() else {
        return;
    };
    let bits = 8 + w % 8;
    let level = if flags & 1 == 0 { Level::Fast } else { Level::Default };
    let takeover = flags & 2 == 0;
    let count = usize::from(flags >> 2 & 3) + 1;
    let piece = usize::from(u16::from_le_bytes([p0, p1])).max(1);
    let out_len = usize::from(u16::from_le_bytes([o0, o1]) % 4096).max(1);
    let params = Params::new(bits, level).unwrap().with_context_takeover(takeover);
    let mut storage = vec![0u8; params.storage_len()];
    let mut c = Compressor::new(params, &mut storage).unwrap();
    let mut out = vec![0u8; out_len];
    let zbits = bits.max(9);
    let mut shared = Decompress::new_with_window_bits(false, zbits);
    let per = rest.len().div_ceil(count).max(1);
    let mut msgs: Vec<&[u8]> = rest.chunks(per).collect();
    msgs.resize(count, &[]);
    for msg in msgs {
        let mut payload = Vec::new();
        let pieces: Vec<&[u8]> = if msg.is_empty() { vec![&[]] } else { msg.chunks(piece).collect() };
        for (k, p) in pieces.iter().enumerate() {
            let flush = if k + 1 == pieces.len() { Flush::Message } else { Flush::None };
            let mut at = 0;
            loop {
                let r = c.compress(&p[at..], &mut out, flush);
                assert!(r.written > 0 || r.consumed > 0 || r.status != Status::NeedsOutput);
                payload.extend_from_slice(&out[..r.written]);
                at += r.consumed;
                match r.status {
                    Status::MessageEnd => break,
                    Status::NeedsInput if flush == Flush::None => break,
                    Status::NeedsOutput => {}
                    other => panic!("{other:?} while flushing"),
                }
            }
            assert_eq!(at, p.len());
        }
        payload.extend_from_slice(&TRAILER);
        let mut fresh = Decompress::new_with_window_bits(false, zbits);
        let z = if takeover { &mut shared } else { &mut fresh };
        let mut back = Vec::with_capacity(msg.len() + 64);
        let start = z.total_in();
        loop {
            let used = (z.total_in() - start) as usize;
            z.decompress_vec(&payload[used..], &mut back, FlushDecompress::Sync)
                .expect("zlib inflates the payload");
            if (z.total_in() - start) as usize == payload.len() && back.len() < back.capacity() {
                break;
            }
            back.reserve(back.capacity().max(1024));
        }
        assert_eq!(back, msg);
    }
});
