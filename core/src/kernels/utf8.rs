//! UTF-8 validation kernels (kernels layer, RFC 6455 §8.1): the one-shot
//! validator with the best kernel for this CPU, and the `small` feature's
//! table-free DFA with the one `unsafe` it permits (a `&str` of what the
//! DFA accepted, without `core::str::from_utf8`'s code and table).
//!
//! The streaming validator and its API live in `crate::utf8`, which calls
//! `is_valid` on the longest prefix of a chunk that ends on a code-point
//! boundary, or steps `Dfa` with `small`.
#![allow(unsafe_code)]

/// Whether `input` is valid UTF-8, by `simdutf8`'s one-shot `basic`
/// validator with the best kernel for this CPU. What each target gets:
///
/// - x86-64 with `std`: AVX2 or SSE4.2, detected at run time (cached);
/// - x86-64 without `std`: AVX2 or SSE4.2 only if compiled with
///   `-C target-feature=+avx2` (or `+sse4.2`), else scalar;
/// - aarch64: NEON, always; wasm32: `simd128` if compiled with it;
/// - everything else (Cortex-M, RISC-V, …), Miri, and inputs under 64
///   bytes: `core::str::from_utf8`, a scalar validator with an ASCII fast
///   path.
///
/// On x86-64 with AVX2, an input of 65 to 127 bytes (a 125-byte frame or
/// fragment) is cut at a code-point start and validated as exactly two
/// 64-byte blocks, zero-filled where they overlap, built in registers
/// (`x86_utf8.rs`): simdutf8's own handling of the bytes after the last
/// whole block (a byte-wise copy into a zeroed block, then vector loads of
/// it: a failed store-to-load forward) cost about as much as validating
/// them. Tests compare it with `core::str::from_utf8` on every length
/// around it.
///
/// The `small` feature's validator reads byte by byte and does not call
/// this (nor, then, the x86 kernels behind it): unused there, not linked.
#[inline]
#[cfg_attr(feature = "small", allow(dead_code))]
pub(crate) fn is_valid(input: &[u8]) -> bool {
    #[cfg(all(wsframe_vector, any(target_arch = "x86", target_arch = "x86_64")))]
    return super::x86_utf8::is_valid(input);
    #[cfg(any(miri, wsframe_force_scalar))]
    return core::str::from_utf8(input).is_ok();
    #[allow(unreachable_code)]
    simdutf8::basic::from_utf8(input).is_ok()
}

/// A table-free UTF-8 DFA that reads one byte at a time: the state of the
/// `small` feature's streaming validator (`utf8/small.rs`, whose tests
/// prove it the scalar twin of `core::str::from_utf8`), and the check
/// behind [`dfa_str`]. The state is the number of continuation bytes still
/// needed and the range the next byte must fall in, so a chunk boundary
/// needs no carry. The well-formed sequences are those of RFC 3629 §4 and
/// Unicode Table 3-7, tabled in `utf8/small.rs`.
#[cfg(any(feature = "small", test))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Dfa {
    /// Continuation bytes the current code point still needs (0..=3).
    need: u8,
    /// The lowest value the next continuation byte may take.
    lo: u8,
    /// The highest value the next continuation byte may take.
    hi: u8,
}

/// The range of every continuation byte but the narrowed second ones.
#[cfg(any(feature = "small", test))]
const CONT_LO: u8 = 0x80;
#[cfg(any(feature = "small", test))]
const CONT_HI: u8 = 0xBF;

#[cfg(any(feature = "small", test))]
impl Dfa {
    /// The state at the start of a stream (and between code points).
    #[must_use]
    pub(crate) const fn new() -> Self {
        // Between code points the range is the plain one, so a DFA that
        // just finished a code point equals a new one.
        Self {
            need: 0,
            lo: CONT_LO,
            hi: CONT_HI,
        }
    }

    /// Whether a code point is split at the end of what was fed so far.
    #[must_use]
    pub(crate) const fn is_mid_code_point(&self) -> bool {
        self.need != 0
    }

    /// Steps over `chunk`; `false` at the first byte that no continuation
    /// can make valid (the state is then unspecified). Never inlined: one
    /// copy serves the streaming validator and [`dfa_str`] (flash first).
    #[inline(never)]
    pub(crate) fn feed(&mut self, chunk: &[u8]) -> bool {
        chunk.iter().all(|&byte| self.step(byte))
    }

    /// One transition (Table 3-7); `false` when `byte` is invalid here.
    #[inline(always)]
    fn step(&mut self, byte: u8) -> bool {
        if self.need != 0 {
            if byte < self.lo || byte > self.hi {
                return false;
            }
            self.need -= 1;
            self.lo = CONT_LO;
            self.hi = CONT_HI;
            return true;
        }
        // A lead byte: how many continuation bytes follow, and the range
        // of the first of them. Comparisons, not a match, so no lookup
        // table lands in flash.
        let (need, lo, hi) = if byte < 0x80 {
            return true;
        } else if byte < 0xC2 {
            return false; // a continuation byte, or overlong C0/C1
        } else if byte < 0xE0 {
            (1, CONT_LO, CONT_HI)
        } else if byte < 0xF0 {
            let lo = if byte == 0xE0 { 0xA0 } else { CONT_LO }; // overlong
            let hi = if byte == 0xED { 0x9F } else { CONT_HI }; // surrogates
            (2, lo, hi)
        } else if byte < 0xF5 {
            let lo = if byte == 0xF0 { 0x90 } else { CONT_LO }; // overlong
            let hi = if byte == 0xF4 { 0x8F } else { CONT_HI }; // > U+10FFFF
            (3, lo, hi)
        } else {
            return false; // F5..FF: beyond U+10FFFF
        };
        *self = Self { need, lo, hi };
        true
    }
}

/// `bytes` as a `&str` if [`Dfa`] accepts it whole (the `small` build's
/// `utf8::utf8_str`): the DFA, then `from_utf8_unchecked`, so a firmware
/// links neither `core::str::from_utf8`'s code nor its 256-byte width
/// table (~620 B on thumbv7m).
#[cfg(feature = "small")]
#[inline]
#[must_use]
pub(crate) fn dfa_str(bytes: &[u8]) -> Option<&str> {
    let mut dfa = Dfa::new();
    if !dfa.feed(bytes) || dfa.is_mid_code_point() {
        return None;
    }
    // SAFETY: the DFA accepts exactly what `core::str::from_utf8` accepts:
    // it is its scalar twin, proven by the tests of `utf8/small.rs`, whose
    // validator is this DFA (`all_short_sequences_match_std`: every 1-, 2-
    // and 3-byte input; `four_byte_edges_match_std`;
    // `random_inputs_and_chunkings_match_std`), which compare the two in
    // every build. So `bytes` is valid UTF-8 here.
    Some(unsafe { core::str::from_utf8_unchecked(bytes) })
}

#[cfg(test)]
mod tests {
    /// `is_valid` against `core::str::from_utf8` for every length 60..=131
    /// around the two-block path (65..=127 bytes with AVX2): mixed text cut
    /// at each of its 10 byte phases, and with every byte replaced by each
    /// of a set of bad or boundary-moving bytes (stray continuation,
    /// overlong and surrogate leads, leads above U+10FFFF, 0xFF, ASCII).
    #[test]
    fn short_inputs_match_std() {
        let text = "a\u{e9}\u{20ac}\u{1d11e}".repeat(20).into_bytes(); // 10 bytes a round
        let (starts, lens) = if cfg!(miri) {
            (0..2, 64..=66)
        } else {
            (0..10, 60..=131)
        };
        // Checks one input; 1 if the two-block path ran on it too.
        let check = |input: &[u8]| -> usize {
            let want = core::str::from_utf8(input).is_ok();
            assert_eq!(super::is_valid(input), want, "{input:x?}");
            #[cfg(all(wsframe_vector, target_arch = "x86_64"))]
            if let Some(got) = super::super::x86_utf8::test_two_blocks(input) {
                assert_eq!(got, want, "two blocks: {input:x?}");
                return 1;
            }
            0
        };
        let mut two_block_runs = 0;
        for start in starts {
            for len in lens.clone() {
                let Some(input) = text.get(start..start + len) else {
                    continue;
                };
                two_block_runs += check(input);
                let mut bad = input.to_vec();
                for pos in 0..len {
                    for b in [0x80, 0xBF, 0xC0, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF, b'a'] {
                        let was = core::mem::replace(&mut bad[pos], b);
                        two_block_runs += check(&bad);
                        bad[pos] = was;
                    }
                }
            }
        }
        // Without AVX2 the path cannot run; `kernels::tests::
        // wide_kernel_ran` says so in the log.
        #[cfg(all(wsframe_vector, target_arch = "x86_64"))]
        let avx2 = std::is_x86_feature_detected!("avx2");
        #[cfg(not(all(wsframe_vector, target_arch = "x86_64")))]
        let avx2 = false;
        if avx2 {
            assert!(
                two_block_runs > 100_000,
                "two-block path ran {two_block_runs} times"
            );
        } else {
            assert_eq!(two_block_runs, 0, "two-block path without AVX2");
        }
    }
}
