//! Streaming UTF-8 validation for text messages (kernels layer, RFC 6455
//! §5.6, §8.1); the safe face of the kernels' UTF-8 paths.
//!
//! A text message arrives in chunks that may split a code point anywhere —
//! inside a frame, or across fragments. [`Utf8Validator`] checks each chunk
//! as it comes (fail-fast: an invalid byte is reported as soon as it is
//! seen, not at the end of the message, as Autobahn 6.4.x checks) and carries
//! at most 3 bytes of an unfinished code point into the next chunk.
//! Bulk validation is `simdutf8`'s one-shot `basic` validator run on the
//! longest prefix that ends on a code-point boundary (so a chunk that
//! splits a code point costs no second pass); the carry logic is the only
//! code here. Masked text skips even that when it can: the connection
//! unmasks with [`crate::mask::apply_mask_ascii`], and a chunk found all
//! ASCII while unmasking is valid as it stands unless a split code point
//! is waiting for it (`Utf8Validator::feed_ascii`, crate-private).
//!
//! Which `simdutf8` kernel runs depends on the target (see
//! `kernels::utf8::is_valid`; the kernels' room owns CPU dispatch and every
//! `unsafe`, this module is safe code): with the `std`
//! feature x86-64 picks AVX2 or SSE4.2 at run time; without `std` only
//! what the build enables (`-C target-feature=+avx2`); aarch64 always gets
//! NEON, wasm32 gets `simd128` if built with it; embedded targets such as
//! Cortex-M get `core::str::from_utf8` (scalar, with an ASCII fast path).
//!
//! With the `small` feature the validator is instead a table-free DFA
//! that reads one byte at a time (`utf8/small.rs`): the same API and
//! verdicts in some 100 B of code, for flash-constrained targets. It is
//! compiled for the tests of every build, which compare it with
//! `core::str::from_utf8`; the tests below run against whichever
//! validator the build selects.

/// The part of the API both validators share, written once: it needs only
/// `new`, `is_mid_code_point` and `feed` from the validator it is expanded
/// in (the carry-and-bulk one below, or the `small` DFA).
macro_rules! shared_api {
    () => {
        /// [`Utf8Validator::feed`] for a chunk the caller already knows is
        /// all ASCII (from [`crate::mask::apply_mask_ascii`], which finds
        /// out while unmasking): valid without another look at it, unless
        /// a code point split at the end of the last chunk is waiting for
        /// its continuation bytes, which `feed` then rejects as usual (an
        /// ASCII byte cannot continue it). Same verdicts and state as
        /// `feed`.
        pub(crate) fn feed_ascii(&mut self, chunk: &[u8]) -> Result<(), InvalidUtf8> {
            debug_assert!(chunk.is_ascii());
            if !self.is_mid_code_point() {
                return Ok(());
            }
            self.feed(chunk)
        }

        /// Ends the message: valid only if no code point is left
        /// unfinished. Resets the validator for the next message either
        /// way.
        ///
        /// # Errors
        /// [`InvalidUtf8`] if the message ended inside a code point.
        pub fn finish(&mut self) -> Result<(), InvalidUtf8> {
            let mid = self.is_mid_code_point();
            self.reset();
            if mid { Err(InvalidUtf8) } else { Ok(()) }
        }

        /// Forgets any unfinished code point.
        pub fn reset(&mut self) {
            *self = Self::new();
        }
    };
}

#[cfg(any(feature = "small", test))]
mod small;
#[cfg(feature = "small")]
pub use small::Utf8Validator;

/// `bytes` as a `&str` if it is valid UTF-8 (for a Close reason or a
/// header value, which the API hands out as `&str`).
///
/// By default this is `core::str::from_utf8`. With the `small` feature it
/// is the byte-at-a-time DFA (`kernels::utf8::dfa_str`, the one that
/// `utf8/small.rs`'s validator steps) and then `from_utf8_unchecked`, so a
/// firmware links neither `from_utf8`'s code nor its 256-byte width table
/// (~620 B on thumbv7m).
#[inline]
#[must_use]
pub(crate) fn utf8_str(bytes: &[u8]) -> Option<&str> {
    #[cfg(feature = "small")]
    return crate::kernels::utf8::dfa_str(bytes);
    #[cfg(not(feature = "small"))]
    core::str::from_utf8(bytes).ok()
}

/// A chunk (or the end of the message) is not valid UTF-8.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct InvalidUtf8;

/// Validates a UTF-8 stream chunk by chunk; state is 5 bytes.
#[cfg(not(feature = "small"))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Utf8Validator {
    /// The start of a code point split at the end of the last chunk.
    carry: [u8; 4],
    /// How many bytes of `carry` are used (0..=3).
    carry_len: u8,
}

#[cfg(not(feature = "small"))]
impl Utf8Validator {
    /// A validator at the start of a message.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            carry: [0; 4],
            carry_len: 0,
        }
    }

    /// Whether a code point is split at the end of what was fed so far.
    #[must_use]
    pub const fn is_mid_code_point(&self) -> bool {
        self.carry_len != 0
    }

    /// Validates the next chunk.
    ///
    /// # Errors
    /// [`InvalidUtf8`] as soon as the stream so far cannot be the prefix of
    /// valid UTF-8. The validator is then in an unspecified state; call
    /// [`Utf8Validator::reset`] before reusing it.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), InvalidUtf8> {
        let rest = self.finish_carried(chunk)?;
        let (body, tail) = rest
            .split_at_checked(split_point(rest))
            .ok_or(InvalidUtf8)?;
        // `body` ends on a code-point boundary unless it is invalid, so
        // one-shot validation of it is exact; `tail` is the start of a
        // code point, at most 3 bytes, checked as a prefix right away.
        if !crate::kernels::utf8::is_valid(body) {
            return Err(InvalidUtf8);
        }
        self.carry_tail(tail)
    }

    shared_api!();

    /// Completes a carried code point with the first bytes of `chunk` and
    /// returns the rest of the chunk.
    fn finish_carried<'c>(&mut self, chunk: &'c [u8]) -> Result<&'c [u8], InvalidUtf8> {
        let have = usize::from(self.carry_len);
        if have == 0 {
            return Ok(chunk);
        }
        let want = sequence_len(self.carry[0]);
        let take = want.saturating_sub(have).min(chunk.len());
        let rest = chunk.get(take..).ok_or(InvalidUtf8)?;
        let end = have + take;
        copy_up_to_3(&mut self.carry, have, chunk, take);
        let seq = self.carry.get(..end).ok_or(InvalidUtf8)?;
        // Complete: go on after it; still a valid prefix: the chunk is
        // used up.
        self.carry_len = if code_point(seq)? { 0 } else { end as u8 };
        Ok(rest)
    }

    /// Stores an unfinished code point of at most 3 bytes, if it is a
    /// valid prefix of one (fail-fast: `ED A0` fails here, not later).
    fn carry_tail(&mut self, tail: &[u8]) -> Result<(), InvalidUtf8> {
        if tail.is_empty() {
            return Ok(());
        }
        if code_point(tail)? {
            return Err(InvalidUtf8); // `split_point` only cuts unfinished ones
        }
        copy_up_to_3(&mut self.carry, 0, tail, tail.len());
        self.carry_len = tail.len() as u8;
        Ok(())
    }
}

#[cfg(not(feature = "small"))]
/// Copies the first `n` (at most 3) bytes of `src` into `carry` from
/// index `at`; what does not fit is left out. A fixed three-step loop:
/// for a copy of one to three bytes, the general one (`copy_from_slice`,
/// or a zipped loop, which LLVM turns into one) was a call into libc's
/// `memcpy` twice per chunk, some 4 ns of a 125-byte fragment's 25.
#[inline(always)]
fn copy_up_to_3(carry: &mut [u8; 4], at: usize, src: &[u8], n: usize) {
    for j in 0..3 {
        if j < n {
            if let (Some(d), Some(s)) = (carry.get_mut(at + j), src.get(j)) {
                *d = *s;
            }
        }
    }
}

#[cfg(not(feature = "small"))]
/// Where the code point that `bytes` ends inside starts, or `bytes.len()`
/// when `bytes` does not end inside one. Looks at the last 3 bytes only:
/// the last byte that is not a continuation byte (`10xxxxxx`) must be a
/// lead byte announcing more bytes than follow it.
fn split_point(bytes: &[u8]) -> usize {
    let len = bytes.len();
    for back in 1..=3.min(len) {
        let i = len - back;
        let Some(&b) = bytes.get(i) else { break };
        if b & 0xC0 != 0x80 {
            return if sequence_len(b) > back { i } else { len };
        }
    }
    len
}

#[cfg(not(feature = "small"))]
/// Checks one code point, or the start of one, against the well-formed
/// byte sequences of Unicode (Table 3-7): `Ok(true)` when `seq` is a whole
/// code point, `Ok(false)` when it is a valid but unfinished start (or
/// empty), `Err` when no continuation can make it valid (overlongs,
/// surrogates, above U+10FFFF, stray continuation bytes, too many bytes).
/// Replaces `core::str::from_utf8` on these ≤ 4-byte pieces, which costs
/// a call and a general loop per chunk.
fn code_point(seq: &[u8]) -> Result<bool, InvalidUtf8> {
    let [lead, rest @ ..] = seq else {
        return Ok(false);
    };
    // Continuation bytes needed, and the range of the first of them.
    let (need, first) = match lead {
        0x00..=0x7F => (0, 0x80..=0xBF),
        0xC2..=0xDF => (1, 0x80..=0xBF),
        0xE0 => (2, 0xA0..=0xBF),
        0xE1..=0xEC | 0xEE..=0xEF => (2, 0x80..=0xBF),
        0xED => (2, 0x80..=0x9F),
        0xF0 => (3, 0x90..=0xBF),
        0xF1..=0xF3 => (3, 0x80..=0xBF),
        0xF4 => (3, 0x80..=0x8F),
        _ => return Err(InvalidUtf8),
    };
    if rest.len() > need {
        return Err(InvalidUtf8);
    }
    for (i, b) in rest.iter().enumerate() {
        let ok = if i == 0 {
            first.contains(b)
        } else {
            (0x80..=0xBF).contains(b)
        };
        if !ok {
            return Err(InvalidUtf8);
        }
    }
    Ok(rest.len() == need)
}

#[cfg(not(feature = "small"))]
/// Length of the sequence a lead byte starts (1 for anything that cannot
/// lead a multi-byte sequence; such bytes are never carried).
const fn sequence_len(lead: u8) -> usize {
    match lead {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Long inputs (so the SIMD validators and the ASCII pre-check run),
    /// mostly valid, sometimes corrupted, fed in random chunk sizes: the
    /// verdict is std's.
    #[test]
    fn long_random_chunkings_match_std() {
        const PIECES: [&[u8]; 8] = [
            b"abcdefgh",
            b"x",
            "\u{e9}".as_bytes(),
            "\u{20ac}".as_bytes(),
            "\u{1d11e}".as_bytes(),
            b"\xed\xa0\x80",
            b"\xc0\xaf",
            b"\xf4\x90\x80\x80",
        ];
        let mut x: u32 = 0x9e37_79b9;
        let mut next = move || crate::testing::xorshift(&mut x);
        let mut buf = std::vec::Vec::new();
        for round in 0..3000 {
            buf.clear();
            let target = 16 + (next() % 700) as usize;
            while buf.len() < target {
                // Mostly valid pieces; an invalid one in about 1 of 4 inputs.
                let r = next() % 400;
                let piece = if r == 0 {
                    PIECES[5 + (next() % 3) as usize]
                } else {
                    PIECES[(r % 5) as usize]
                };
                buf.extend_from_slice(piece);
            }
            if round % 7 == 0 {
                buf.truncate(buf.len() - 1); // may end inside a code point
            }
            let want = core::str::from_utf8(&buf).is_ok();
            let mut v = Utf8Validator::new();
            let mut rest = &buf[..];
            let mut got = Ok(());
            while !rest.is_empty() && got.is_ok() {
                let n = (1 + next() % 300) as usize;
                let (chunk, tail) = rest.split_at(n.min(rest.len()));
                got = v.feed(chunk);
                rest = tail;
            }
            let got = got.and_then(|()| v.finish());
            assert_eq!(got.is_ok(), want, "round {round}: {buf:x?}");
        }
    }

    /// `code_point` agrees with `core::str::from_utf8` on every 1- and
    /// 2-byte sequence and on 3- and 4-byte sequences of boundary bytes.
    #[cfg(not(feature = "small"))]
    #[test]
    fn code_point_matches_std() {
        fn expected(seq: &[u8]) -> Result<bool, InvalidUtf8> {
            match core::str::from_utf8(seq) {
                Ok(s) if s.chars().count() == 1 => Ok(true),
                Err(e) if e.valid_up_to() == 0 && e.error_len().is_none() => Ok(false),
                _ => Err(InvalidUtf8),
            }
        }
        for a in 0..=255u8 {
            assert_eq!(code_point(&[a]), expected(&[a]), "{a:02x}");
            for b in 0..=255u8 {
                assert_eq!(code_point(&[a, b]), expected(&[a, b]), "{a:02x} {b:02x}");
            }
        }
        let edges = [
            0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0,
            0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF,
        ];
        for a in edges {
            for b in edges {
                for c in edges {
                    assert_eq!(
                        code_point(&[a, b, c]),
                        expected(&[a, b, c]),
                        "{a:02x} {b:02x} {c:02x}"
                    );
                    for d in edges {
                        let seq = [a, b, c, d];
                        assert_eq!(code_point(&seq), expected(&seq), "{seq:02x?}");
                    }
                }
            }
        }
    }

    fn split_everywhere(input: &[u8]) {
        let whole = core::str::from_utf8(input).is_ok();
        for a in 0..=input.len() {
            for b in a..=input.len() {
                let mut v = Utf8Validator::new();
                let got = v
                    .feed(&input[..a])
                    .and_then(|()| v.feed(&input[a..b]))
                    .and_then(|()| v.feed(&input[b..]))
                    .and_then(|()| v.finish());
                assert_eq!(got.is_ok(), whole, "{input:x?} split at {a},{b}");
            }
        }
    }

    #[test]
    fn valid_and_invalid_at_all_splits() {
        let cases: &[&[u8]] = &[
            "κόσμε".as_bytes(),
            "a€𝄞b".as_bytes(),
            b"\xf0\x9f\x98\x80\xe2\x82\xac",
            b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited", // surrogate
            b"\xf4\x90\x80\x80",                                               // > U+10FFFF
            b"\xc0\xaf",                                                       // overlong
            b"\xe0\x80\xaf",
            b"abc\xe2\x82", // truncated at end
            b"\x80",
            b"\xf8\x88\x80\x80\x80",
        ];
        for c in cases {
            split_everywhere(c);
        }
    }

    /// Fail-fast: the error shows in the chunk that makes the stream
    /// invalid, not at `finish` (Autobahn 6.4.x).
    #[test]
    fn fail_fast() {
        let mut v = Utf8Validator::new();
        assert!(v.feed("κόσμε".as_bytes()).is_ok());
        assert_eq!(v.feed(b"\xf4\x90"), Err(InvalidUtf8));
        let mut v = Utf8Validator::new();
        assert!(v.feed(b"\xed").is_ok());
        assert_eq!(v.feed(b"\xa0"), Err(InvalidUtf8)); // surrogate, seen at its 2nd byte
        let mut v = Utf8Validator::new();
        assert!(v.feed(b"\xe2\x82").is_ok());
        assert!(v.is_mid_code_point());
        assert!(v.feed(b"\xac").is_ok());
        assert!(v.finish().is_ok());
        let mut v = Utf8Validator::new();
        assert!(v.feed(b"\xe2\x82").is_ok());
        assert_eq!(v.finish(), Err(InvalidUtf8));
        assert!(!v.is_mid_code_point());
    }

    /// `feed_ascii` gives `feed`'s verdict and carry for ASCII chunks,
    /// whatever is carried before them.
    #[test]
    fn feed_ascii_is_feed_for_ascii() {
        let prefixes: &[&[u8]] = &[b"", b"a", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\xed"];
        let chunks: &[&[u8]] = &[b"", b"x", b"hello, world", &[b'z'; 300]];
        for prefix in prefixes {
            for chunk in chunks {
                let mut a = Utf8Validator::new();
                let mut b = Utf8Validator::new();
                assert!(a.feed(prefix).is_ok() && b.feed(prefix).is_ok());
                let (ra, rb) = (a.feed(chunk), b.feed_ascii(chunk));
                assert_eq!(ra, rb, "{prefix:x?} {}", chunk.len());
                if ra.is_ok() {
                    assert_eq!(a, b, "{prefix:x?} {}", chunk.len());
                }
            }
        }
    }

    #[test]
    fn byte_by_byte_matches_std() {
        let mut state: u32 = 12345;
        for _ in 0..2000 {
            let mut buf = [0u8; 12];
            for b in &mut buf {
                let x = crate::testing::xorshift(&mut state);
                // Bias towards bytes that form multi-byte sequences.
                *b = [
                    0x41,
                    0xc3,
                    0xa9,
                    0xe2,
                    0x82,
                    0xac,
                    0xf0,
                    0x9f,
                    0x98,
                    0x80,
                    0xed,
                    0xbf,
                    (x >> 8) as u8,
                ][(x % 13) as usize];
            }
            let want = core::str::from_utf8(&buf).is_ok();
            let mut v = Utf8Validator::new();
            let got = buf
                .iter()
                .try_for_each(|b| v.feed(core::slice::from_ref(b)))
                .and_then(|()| v.finish());
            assert_eq!(got.is_ok(), want, "{buf:x?}");
        }
    }
}
