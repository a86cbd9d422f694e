//! The inflater against the system zlib's raw inflate (the harness of
//! tests/deflate): the same verdict (complete, truncated, or corrupt with
//! zlib's own message) and the same output up to it, at every window size,
//! with the input fed in pieces and the output taken in small slices.
//!
//! Input: a control byte (window bits 8 + low 3 bits; piece size and
//! output limit from the high bits), then the raw DEFLATE stream.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wsframe_deflate_tests::compare;

fuzz_target!(|data: &[u8]| {
    let Some((&control, stream)) = data.split_first() else {
        return;
    };
    let bits = 8 + (control & 7);
    let piece = [usize::MAX, 1, 3, 64][usize::from(control >> 3) & 3];
    let max_out = [usize::MAX, 1, 7, 300][usize::from(control >> 5) & 3];
    if let Err(difference) = compare(bits, stream, piece, max_out) {
        panic!("{difference}");
    }
});
