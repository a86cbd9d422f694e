//! The connection in either role, fed arbitrary bytes in arbitrary chunk
//! sizes, reports exactly what it reports when fed the same bytes whole
//! (and byte by byte), and keeps the invariants the core's test recorder
//! checks on every call (`wsframe::testing::record::record`).
//!
//! Input: one flags byte (role and config, see `role_and_config`), a count
//! and that many chunk sizes, then the stream.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wsframe_fuzz::{chunk_sizes, drive, role_and_config};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let (role, config) = role_and_config(flags);
    let (chunks, stream) = chunk_sizes(rest);
    let whole = drive(role, config, stream, &[stream.len().max(1)]);
    assert_eq!(
        drive(role, config, stream, &chunks),
        whole,
        "chunks {chunks:?}"
    );
    if stream.len() <= 512 {
        assert_eq!(drive(role, config, stream, &[1]), whole, "byte by byte");
    }
});
