//! The `small` feature's UTF-8 validator (kernels layer, RFC 6455 §8.1): a
//! table-free streaming DFA that reads one byte at a time, for
//! flash-constrained targets. The DFA's transition itself is
//! `kernels::utf8::Dfa`, next to the `unsafe` that trusts it.
//!
//! Same API and verdicts as the default validator in `utf8.rs`, which
//! carries up to 3 bytes of a split code point and validates the rest in
//! bulk (`simdutf8`, or `core::str::from_utf8` with its 256-byte width
//! table). Here the whole state is the number of continuation bytes still
//! needed and the range the next byte must fall in, so a chunk boundary
//! needs no carry at all. The well-formed sequences are those of RFC 3629
//! §4 and Unicode Table 3-7 ("Well-Formed UTF-8 Byte Sequences"):
//!
//! | lead        | 2nd byte  | 3rd byte | 4th byte |
//! |-------------|-----------|----------|----------|
//! | 00..7F      |           |          |          |
//! | C2..DF      | 80..BF    |          |          |
//! | E0          | **A0**..BF| 80..BF   |          |
//! | E1..EC      | 80..BF    | 80..BF   |          |
//! | ED          | 80..**9F**| 80..BF   |          |
//! | EE..EF      | 80..BF    | 80..BF   |          |
//! | F0          | **90**..BF| 80..BF   | 80..BF   |
//! | F1..F3      | 80..BF    | 80..BF   | 80..BF   |
//! | F4          | 80..**8F**| 80..BF   | 80..BF   |
//!
//! The narrowed second-byte ranges exclude overlong forms (E0, F0),
//! UTF-16 surrogates (ED) and code points above U+10FFFF (F4); C0, C1 and
//! F5..FF never lead, and a continuation byte (80..BF) never starts a
//! sequence. Every byte is judged as it arrives, so the stream fails at
//! the first byte that no continuation can make valid (fail-fast, as
//! Autobahn 6.4.x checks). Slower than the bulk validator on long text
//! (one compare-and-branch per byte), and some 100 B of code where the
//! default links ~1.1 KB on thumbv7m (`BENCHMARKS.md`, README Footprint).

use super::InvalidUtf8;
use crate::kernels::utf8::Dfa;

/// Validates a UTF-8 stream chunk by chunk; state is 3 bytes (the DFA's,
/// which lives in the kernels' room because `utf8_str` hands out a `&str`
/// on its word alone).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Utf8Validator {
    dfa: Dfa,
}

impl Default for Utf8Validator {
    fn default() -> Self {
        Self::new()
    }
}

impl Utf8Validator {
    /// A validator at the start of a message.
    #[must_use]
    pub const fn new() -> Self {
        Self { dfa: Dfa::new() }
    }

    /// Whether a code point is split at the end of what was fed so far.
    #[must_use]
    pub const fn is_mid_code_point(&self) -> bool {
        self.dfa.is_mid_code_point()
    }

    /// Validates the next chunk.
    ///
    /// # Errors
    /// [`InvalidUtf8`] as soon as the stream so far cannot be the prefix of
    /// valid UTF-8. The validator is then in an unspecified state; call
    /// [`Utf8Validator::reset`] before reusing it.
    #[inline(always)] // a bool turned into a Result: no code of its own
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), InvalidUtf8> {
        if self.dfa.feed(chunk) {
            Ok(())
        } else {
            Err(InvalidUtf8)
        }
    }

    shared_api!();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The DFA's verdict on `input` fed in the chunks that `cuts` (sorted
    /// offsets) make, finished.
    fn verdict(input: &[u8], cuts: &[usize]) -> bool {
        let mut v = Utf8Validator::new();
        let mut start = 0;
        for &cut in cuts.iter().chain(Some(&input.len())) {
            if v.feed(&input[start..cut]).is_err() {
                return false;
            }
            start = cut;
        }
        v.finish().is_ok()
    }

    /// Whether `input` is a valid UTF-8 prefix by `core::str::from_utf8`:
    /// either valid, or invalid only by ending early.
    fn std_prefix_ok(input: &[u8]) -> bool {
        match core::str::from_utf8(input) {
            Ok(_) => true,
            Err(e) => e.error_len().is_none(),
        }
    }

    /// The scalar twin of `core::str::from_utf8`: the same verdict on
    /// every 1-, 2- and 3-byte sequence, whole and split at every point,
    /// and fail-fast exactly where std says the stream stops being a
    /// valid prefix.
    #[test]
    fn all_short_sequences_match_std() {
        let mut seq = [0u8; 3];
        // Under Miri (which checks `utf8_str`'s use of this DFA):
        // the 256 1-byte inputs only; the 4-byte edges below cover more.
        let max_len = if cfg!(miri) { 1 } else { 3 };
        for len in 1..=max_len {
            let count = 1usize << (8 * len);
            for n in 0..count {
                for (i, b) in seq.iter_mut().enumerate().take(len) {
                    *b = (n >> (8 * i)) as u8;
                }
                let input = &seq[..len];
                let want = core::str::from_utf8(input).is_ok();
                assert_eq!(verdict(input, &[]), want, "{input:02x?}");
                if len == 3 {
                    // One split point is enough here: the state is the
                    // same whatever the chunking (tested below).
                    assert_eq!(verdict(input, &[1]), want, "{input:02x?} /1");
                }
                // Fail-fast: the chunk fails iff std says no continuation
                // can make it valid.
                let mut v = Utf8Validator::new();
                assert_eq!(v.feed(input).is_ok(), std_prefix_ok(input), "{input:02x?}");
            }
        }
    }

    /// 4-byte sequences over every value class of Table 3-7 (the edges of
    /// each range), at every single split point.
    #[test]
    fn four_byte_edges_match_std() {
        let all: &[u8] = &[
            0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0,
            0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF,
        ];
        // Under Miri: one value per class.
        let few: &[u8] = &[0x41, 0x80, 0x9F, 0xBF, 0xC1, 0xE0, 0xED, 0xF0, 0xF4, 0xF5];
        let edges = if cfg!(miri) { few } else { all };
        for &a in edges {
            for &b in edges {
                for &c in edges {
                    for &d in edges {
                        let input = [a, b, c, d];
                        let want = core::str::from_utf8(&input).is_ok();
                        for cut in 0..=4 {
                            assert_eq!(verdict(&input, &[cut]), want, "{input:02x?} /{cut}");
                        }
                        let mut v = Utf8Validator::new();
                        assert_eq!(v.feed(&input).is_ok(), std_prefix_ok(&input));
                    }
                }
            }
        }
    }

    /// Random inputs up to 40 bytes, half built from valid code points
    /// (with occasional corruption), half from bytes biased to lead and
    /// continuation values, under random chunkings; the state after each
    /// chunk agrees with std on the prefix, and `feed_ascii` with `feed`.
    #[test]
    fn random_inputs_and_chunkings_match_std() {
        const CHARS: [&str; 8] = [
            "a",
            "\u{7f}",
            "\u{80}",
            "\u{7ff}",
            "\u{800}",
            "\u{d7ff}",
            "\u{e000}",
            "\u{10ffff}",
        ];
        const BYTES: [u8; 14] = [
            0x41, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc2, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5,
        ];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || crate::testing::xorshift64(&mut x);
        let mut buf = std::vec::Vec::new();
        let rounds = if cfg!(miri) { 300 } else { 200_000 };
        for round in 0..rounds {
            buf.clear();
            let len = (next() % 41) as usize;
            while buf.len() < len {
                if round % 2 == 0 {
                    let c = CHARS[(next() % 8) as usize];
                    buf.extend_from_slice(c.as_bytes());
                    if next() % 16 == 0 {
                        let i = (next() as usize) % buf.len();
                        buf[i] = next() as u8;
                    }
                } else {
                    let r = next();
                    buf.push(if r % 4 == 0 {
                        (r >> 8) as u8
                    } else {
                        BYTES[(r >> 8) as usize % 14]
                    });
                }
            }
            let want = core::str::from_utf8(&buf).is_ok();
            let mut v = Utf8Validator::new();
            let mut w = Utf8Validator::new();
            let mut start = 0;
            let mut ok = true;
            while start < buf.len() && ok {
                let end = (start + 1 + (next() % 9) as usize).min(buf.len());
                let chunk = &buf[start..end];
                ok = v.feed(chunk).is_ok();
                assert_eq!(ok, std_prefix_ok(&buf[..end]), "{buf:02x?} to {end}");
                if ok {
                    let whole = core::str::from_utf8(&buf[..end]).is_ok();
                    assert_eq!(v.is_mid_code_point(), !whole, "{buf:02x?} to {end}");
                }
                if chunk.is_ascii() {
                    assert_eq!(w.feed_ascii(chunk).is_ok(), ok, "{buf:02x?} to {end}");
                } else {
                    assert_eq!(w.feed(chunk).is_ok(), ok);
                }
                if ok {
                    assert_eq!(v, w);
                }
                start = end;
            }
            let got = ok && v.finish().is_ok();
            assert_eq!(got, want, "round {round}: {buf:02x?}");
            if ok {
                // `finish` left it new, as `reset` does.
                assert_eq!(v, Utf8Validator::default());
                w.reset();
                assert_eq!(w, Utf8Validator::new());
            }
        }
    }
}
