//! The compressor (`wsframe::deflate::Compressor`) round-trips through the
//! system zlib's raw inflate at the same window (the harness of
//! tests/deflate): any window 8..=15, level, context-takeover mode, input
//! piece size and output buffer size; 1 to 4 messages, each inflated as an
//! RFC 7692 §7.2.2 receiver does (trailer appended), on one zlib stream
//! with context takeover or a fresh one per message without. The driver
//! also panics if a compressor call makes no progress.
//!
//! Input: a window byte, a flags byte (bit 0 level, bit 1 no takeover,
//! bits 2-3 messages - 1), two bytes of piece size, two of output buffer
//! size, then the data (split evenly into the messages).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wsframe::deflate::{Level, Params};
use wsframe_deflate_tests::compress::{compress, zlib_inflates};

fuzz_target!(|data: &[u8]| {
    let Some((&[w, flags, p0, p1, o0, o1], rest)) = data.split_first_chunk::<6>() else {
        return;
    };
    let bits = 8 + w % 8;
    let level = if flags & 1 == 0 {
        Level::Fast
    } else {
        Level::Default
    };
    let takeover = flags & 2 == 0;
    let count = usize::from(flags >> 2 & 3) + 1;
    let piece = usize::from(u16::from_le_bytes([p0, p1])).max(1);
    let out_len = usize::from(u16::from_le_bytes([o0, o1]) % 4096).max(1);
    let params = Params::new(bits, level)
        .unwrap()
        .with_context_takeover(takeover);
    let per = rest.len().div_ceil(count).max(1);
    let mut msgs: Vec<&[u8]> = rest.chunks(per).collect();
    msgs.resize(count, &[]);
    let payloads = compress(params, &msgs, piece, out_len);
    if let Err(difference) = zlib_inflates(bits, &msgs, &payloads, takeover) {
        panic!("{difference}");
    }
});
