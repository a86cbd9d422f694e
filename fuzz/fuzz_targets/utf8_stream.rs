//! The streaming UTF-8 validator against `core::str::from_utf8` on the same
//! input, split at arbitrary points: the verdict at the end is the same,
//! and it fails fast — exactly at the first chunk after which the input so
//! far can no longer be the start of valid UTF-8.
//!
//! Input: a count and that many split sizes, then the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wsframe::utf8::Utf8Validator;
use wsframe_fuzz::chunk_sizes;

fuzz_target!(|data: &[u8]| {
    let (sizes, text) = chunk_sizes(data);
    let mut v = Utf8Validator::new();
    // `text[..good]` is valid UTF-8 ending on a code-point boundary, so the
    // oracle only re-reads what came after it: linear, not quadratic.
    let mut good = 0;
    let mut end = 0;
    let mut sizes = sizes.iter().cycle();
    while end < text.len() {
        let start = end;
        end = (start + sizes.next().copied().unwrap_or(1)).min(text.len());
        // Whether `text[..end]` is valid UTF-8 or a prefix of it.
        let valid_prefix = match core::str::from_utf8(&text[good..end]) {
            Ok(_) => {
                good = end;
                true
            }
            Err(e) => {
                good += e.valid_up_to();
                e.error_len().is_none()
            }
        };
        let fed = v.feed(&text[start..end]);
        assert_eq!(fed.is_ok(), valid_prefix, "chunk {start}..{end}");
        if fed.is_err() {
            return;
        }
        assert_eq!(v.is_mid_code_point(), good != end);
    }
    assert_eq!(v.finish().is_ok(), core::str::from_utf8(text).is_ok());
    assert!(!v.is_mid_code_point());
});
