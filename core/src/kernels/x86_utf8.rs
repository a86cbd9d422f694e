//! UTF-8 validation on x86 and x86-64 (kernels layer, RFC 6455 §8.1):
//! simdutf8's AVX2 / SSE4.2 kernels chosen with the masking's CPU
//! detection (`cpu.rs`), an SSE2 all-ASCII pre-check for short inputs,
//! and the two-block path for 65–127-byte inputs with AVX2.
#![allow(unsafe_code)]

#[cfg(target_arch = "x86")]
use core::arch::x86::{_mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128};
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::{_mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128};

use super::cpu;

/// Inputs shorter than this are validated by `core::str::from_utf8`
/// (simdutf8's own cut-off: one 64-byte SIMD block).
const UTF8_SIMD_FROM: usize = 64;

/// Up to this length, an all-ASCII input is recognised by a plain SSE2
/// check before simdutf8 is called: for a 125-byte fragment the SIMD
/// validator's fixed costs (a call, its padded last block) outweigh the
/// work.
const UTF8_ASCII_PRECHECK_UP_TO: usize = 512;

/// Whether `input` is valid UTF-8 (see `kernels::utf8::is_valid`).
#[inline]
pub(super) fn is_valid(input: &[u8]) -> bool {
    if input.len() < UTF8_SIMD_FROM {
        return core::str::from_utf8(input).is_ok();
    }
    if input.len() <= UTF8_ASCII_PRECHECK_UP_TO && is_ascii(input) {
        return true;
    }
    if let Some(cut) = two_block_cut(input).filter(|_| cpu::has_avx2()) {
        // SAFETY: the CPU has AVX2 (checked above); `two_block_cut`
        // returned `Some`, so 64 < len < 128 and `cut` is in [len - 64, 64].
        return unsafe { two_blocks::validate(input, cut) };
    }
    simdutf8_validate(input)
}

/// simdutf8's one-shot `basic` validator with the best kernel for this
/// CPU.
#[inline]
fn simdutf8_validate(input: &[u8]) -> bool {
    #[cfg(all(feature = "std", not(target_feature = "avx2")))]
    {
        if cpu::has_avx2() {
            // SAFETY: the CPU has AVX2 (run-time detection, cached).
            return unsafe { simdutf8::basic::imp::x86::avx2::validate_utf8(input) }.is_ok();
        }
        if cpu::has_sse42() {
            // SAFETY: the CPU has SSE4.2 (run-time detection, cached).
            return unsafe { simdutf8::basic::imp::x86::sse42::validate_utf8(input) }.is_ok();
        }
    }
    // Without `std`, simdutf8 picks AVX2 / SSE4.2 / scalar at compile time.
    simdutf8::basic::from_utf8(input).is_ok()
}

/// For 64 < `input.len()` < 128: a place `cut` in [len - 64, 64] where no
/// continuation byte (`10xxxxxx`) stands, so that `input` is valid UTF-8
/// exactly when `input[..cut]` and `input[cut..]` both are. `None` when
/// there is no such place: the range holds fewer than 4 places (len 126
/// or 127) and all are continuation bytes, or len is out of range.
#[inline]
fn two_block_cut(input: &[u8]) -> Option<usize> {
    let len = input.len();
    if len <= UTF8_SIMD_FROM || len >= 2 * UTF8_SIMD_FROM {
        return None;
    }
    let from = len - UTF8_SIMD_FROM;
    // Valid UTF-8 has a code point start in any 4 consecutive bytes, so
    // on valid input this looks at 4 bytes at most.
    (from..=UTF8_SIMD_FROM.min(from + 3)).find(|&i| input.get(i).is_some_and(|&b| b & 0xC0 != 0x80))
}

/// Validation of a short input (64 to 128 bytes) as exactly two 64-byte
/// blocks, with no remainder.
///
/// simdutf8 validates the bytes after the last whole 64-byte block by
/// copying them into a zeroed block first. For a 125-byte text frame or
/// fragment that copy (byte-sized stores, then 32-byte loads of the same
/// bytes: a failed store-to-load forward) costs about as much as the
/// validation itself. Here the input is cut at a code-point start `cut`:
/// the first block is `input[..64]` with the bytes from `cut` on zeroed,
/// the second `input[len - 64..]` with the bytes before `cut` zeroed (NUL
/// is ASCII, so valid), both built in registers, stored with the same
/// 32-byte stores simdutf8 then loads, and validated together.
mod two_blocks {
    #[cfg(target_arch = "x86")]
    use core::arch::x86::{__m256i, _mm256_and_si256, _mm256_andnot_si256, _mm256_loadu_si256};
    #[cfg(target_arch = "x86_64")]
    use core::arch::x86_64::{__m256i, _mm256_and_si256, _mm256_andnot_si256, _mm256_loadu_si256};

    /// 128 contiguous bytes: read 64 of them from offset `64 - k`, and the
    /// first `k` are 0xFF, the rest zeros.
    static KEEP: [[u8; 64]; 2] = [[0xFF; 64], [0; 64]];

    /// Whether `input` is valid UTF-8, given a code-point start `cut`.
    ///
    /// # Safety
    /// The CPU has AVX2; 64 <= `input.len()` <= 128 and
    /// `input.len() - 64 <= cut <= 64`.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn validate(input: &[u8], cut: usize) -> bool {
        let len = input.len();
        debug_assert!((64..=128).contains(&len) && len - 64 <= cut && cut <= 64);
        let (p, t) = (input.as_ptr(), KEEP.as_ptr().cast::<u8>());
        // Bytes of the second block that lie before `cut`.
        let before = cut + 64 - len;
        // SAFETY: `len >= 64`, so [0, 64) and [len - 64, len) are inside
        // `input`; `cut` and `before` are in [0, 64], so every table load
        // [64 - k, 128 - k) is inside KEEP's 128 contiguous bytes; the CPU has AVX2
        // (the caller's contract).
        let blocks: [__m256i; 4] = unsafe {
            let (k1, k2) = (t.add(64 - cut), t.add(64 - before));
            [
                _mm256_and_si256(_mm256_loadu_si256(p.cast()), _mm256_loadu_si256(k1.cast())),
                _mm256_and_si256(
                    _mm256_loadu_si256(p.add(32).cast()),
                    _mm256_loadu_si256(k1.add(32).cast()),
                ),
                _mm256_andnot_si256(
                    _mm256_loadu_si256(k2.cast()),
                    _mm256_loadu_si256(p.add(len - 64).cast()),
                ),
                _mm256_andnot_si256(
                    _mm256_loadu_si256(k2.add(32).cast()),
                    _mm256_loadu_si256(p.add(len - 32).cast()),
                ),
            ]
        };
        // SAFETY: `blocks` is 128 initialised bytes, borrowed for the call.
        let bytes = unsafe { core::slice::from_raw_parts(blocks.as_ptr().cast::<u8>(), 128) };
        // SAFETY: the CPU has AVX2 (the caller's contract).
        unsafe { simdutf8::basic::imp::x86::avx2::validate_utf8(bytes) }.is_ok()
    }
}

/// Whether every byte of `input` (at least 16 bytes) is ASCII: the OR of
/// all 16-byte vectors (the last one overlapping) has no top bit set.
/// The first vector is tested on its own first, so that text which is
/// not ASCII (nearly always visible in its first 16 bytes) does not pay
/// for a whole pass before simdutf8 runs.
#[inline]
fn is_ascii(input: &[u8]) -> bool {
    let len = input.len();
    if len < 16 {
        return input.is_ascii();
    }
    let p = input.as_ptr();
    // SAFETY: len >= 16, so [len - 16, len) and every [i, i + 16) with
    // i + 16 <= len are inside `input`; SSE2 is enabled for this target.
    unsafe {
        let first = _mm_loadu_si128(p.cast());
        if _mm_movemask_epi8(first) != 0 {
            return false;
        }
        let mut acc = _mm_loadu_si128(p.add(len - 16).cast());
        let mut i = 16;
        while i + 16 <= len {
            acc = _mm_or_si128(acc, _mm_loadu_si128(p.add(i).cast()));
            i += 16;
        }
        _mm_movemask_epi8(acc) == 0
    }
}

/// The two-block UTF-8 path on its own, for the tests: `None` when this
/// CPU has no AVX2 or `input` has no two-block cut, whatever the build's
/// features (without `std`, `is_valid` only takes the path when compiled
/// with AVX2).
#[cfg(test)]
pub(super) fn test_two_blocks(input: &[u8]) -> Option<bool> {
    if !std::is_x86_feature_detected!("avx2") {
        return None;
    }
    let cut = two_block_cut(input)?;
    // SAFETY: the CPU has AVX2 (detected above); `two_block_cut` returned
    // `Some`, which is `validate`'s contract.
    Some(unsafe { two_blocks::validate(input, cut) })
}
