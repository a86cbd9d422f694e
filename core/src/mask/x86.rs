//! Masking kernels for x86 and x86-64 (frame layer, RFC 6455 §5.3): SSE2
//! (16-byte vectors, baseline on x86-64) and AVX2 (32-byte vectors), plus
//! the CPU detection both masking and UTF-8 validation use.
//!
//! # Dispatch
//! - 16 to 63 bytes: SSE2, always (inlined into the caller; no detection
//!   is paid). 16 bytes are one load and one store.
//! - 64 bytes and more: AVX2 if the CPU has it, else SSE2. With the `std`
//!   feature the CPU is asked once and the answer cached in an atomic
//!   (one relaxed load per call afterwards); without `std` the choice is
//!   made at compile time from `target_feature = "avx2"`.
#![allow(unsafe_code)]

#[cfg(target_arch = "x86")]
use core::arch::x86::{
    __m128i, __m256i, _mm_load_si128, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
    _mm_set1_epi32, _mm_store_si128, _mm_storeu_si128, _mm_xor_si128, _mm256_load_si256,
    _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi32,
    _mm256_store_si256, _mm256_storeu_si256, _mm256_xor_si256,
};
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::{
    __m128i, __m256i, _mm_load_si128, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
    _mm_set1_epi32, _mm_store_si128, _mm_storeu_si128, _mm_xor_si128, _mm256_load_si256,
    _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi32,
    _mm256_store_si256, _mm256_storeu_si256, _mm256_xor_si256,
};

/// From this length on, AVX2 (when present) takes over from SSE2.
const AVX2_FROM: usize = 64;

/// Inputs shorter than this are validated by `core::str::from_utf8`
/// (simdutf8's own cut-off: one 64-byte SIMD block).
const UTF8_SIMD_FROM: usize = 64;

/// XORs `buf` in place (fastest from 16 bytes on); returns the next phase.
#[inline]
pub(super) fn apply(buf: &mut [u8], key: [u8; 4], phase: usize) -> usize {
    if buf.len() >= AVX2_FROM && cpu::has_avx2() {
        // SAFETY: the CPU has AVX2 (checked above) and len >= 64 >= W.
        return unsafe { avx2::apply(buf, key, phase) };
    }
    if buf.len() < sse2::W {
        return super::word::apply_short(buf, key, phase);
    }
    // SAFETY: SSE2 is enabled for this target (baseline on x86-64, and this
    // module is only compiled for x86 with SSE2); len >= W checked above.
    unsafe { sse2::apply(buf, key, phase) }
}

/// [`apply`], also telling whether every unmasked byte is ASCII; same
/// dispatch.
#[inline]
pub(super) fn apply_ascii(buf: &mut [u8], key: [u8; 4], phase: usize) -> (usize, bool) {
    if buf.len() >= AVX2_FROM && cpu::has_avx2() {
        // SAFETY: the CPU has AVX2 (checked above) and len >= 64 >= W.
        return unsafe { avx2::apply_ascii(buf, key, phase) };
    }
    if buf.len() < sse2::W {
        return super::word::apply_short_ascii(buf, key, phase);
    }
    // SAFETY: SSE2 is enabled for this target; len >= W checked above.
    unsafe { sse2::apply_ascii(buf, key, phase) }
}

/// Copies `src` into `dst` (same length, at least 16 bytes) XORed with
/// `key`; returns the next phase.
#[inline]
pub(super) fn copy(src: &[u8], dst: &mut [u8], key: [u8; 4], phase: usize) -> usize {
    if src.len() != dst.len() || dst.len() < sse2::W {
        return super::word::copy(src, dst, key, phase);
    }
    if dst.len() >= AVX2_FROM && cpu::has_avx2() {
        // SAFETY: the CPU has AVX2; equal lengths >= 64 >= W checked above.
        return unsafe { avx2::copy(src, dst, key, phase) };
    }
    // SAFETY: SSE2 is enabled for this target; equal lengths >= W.
    unsafe { sse2::copy(src, dst, key, phase) }
}

/// Up to this length, an all-ASCII input is recognised by a plain SSE2
/// check before simdutf8 is called: for a 125-byte fragment the SIMD
/// validator's fixed costs (a call, its padded last block) outweigh the
/// work.
const UTF8_ASCII_PRECHECK_UP_TO: usize = 512;

/// Whether `input` is valid UTF-8 (see `mask::utf8_is_valid`).
#[inline]
pub(super) fn utf8_is_valid(input: &[u8]) -> bool {
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

/// What the CPU can do: fixed at compile time without `std` (or when the
/// build already assumes AVX2), asked once and cached with `std`.
mod cpu {
    #[cfg(all(feature = "std", not(target_feature = "avx2")))]
    use core::sync::atomic::{AtomicU8, Ordering};

    /// The cache: 0 = not asked yet, else `KNOWN` | features.
    #[cfg(all(feature = "std", not(target_feature = "avx2")))]
    static FEATURES: AtomicU8 = AtomicU8::new(0);
    #[cfg(all(feature = "std", not(target_feature = "avx2")))]
    const KNOWN: u8 = 1;
    #[cfg(all(feature = "std", not(target_feature = "avx2")))]
    const AVX2: u8 = 2;
    #[cfg(all(feature = "std", not(target_feature = "avx2")))]
    const SSE42: u8 = 4;

    /// The cached feature bits, detecting them on first use.
    #[cfg(all(feature = "std", not(target_feature = "avx2")))]
    #[inline(always)]
    fn features() -> u8 {
        let f = FEATURES.load(Ordering::Relaxed);
        if f != 0 { f } else { detect() }
    }

    /// Asks the CPU (through std's detection) and caches the answer. Racing
    /// threads store the same value.
    #[cfg(all(feature = "std", not(target_feature = "avx2")))]
    #[cold]
    #[inline(never)]
    fn detect() -> u8 {
        let mut f = KNOWN;
        if std::is_x86_feature_detected!("avx2") {
            f |= AVX2;
        }
        if std::is_x86_feature_detected!("sse4.2") {
            f |= SSE42;
        }
        FEATURES.store(f, Ordering::Relaxed);
        f
    }

    /// Whether the AVX2 kernels may run.
    #[inline(always)]
    pub(super) fn has_avx2() -> bool {
        #[cfg(target_feature = "avx2")]
        return true;
        #[cfg(all(feature = "std", not(target_feature = "avx2")))]
        return features() & AVX2 != 0;
        #[cfg(all(not(feature = "std"), not(target_feature = "avx2")))]
        false
    }

    /// Whether SSE4.2 is there (for simdutf8's SSE4.2 kernel).
    #[cfg(all(feature = "std", not(target_feature = "avx2")))]
    #[inline(always)]
    pub(super) fn has_sse42() -> bool {
        features() & SSE42 != 0
    }
}

/// 16-byte kernels. SSE2 is part of x86-64 (and required for this module
/// on 32-bit x86), so they run without any check.
mod sse2 {
    use super::{
        __m128i, _mm_load_si128, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi32,
        _mm_store_si128, _mm_storeu_si128, _mm_xor_si128,
    };

    pub(super) const W: usize = 16;
    type V = __m128i;

    /// # Safety
    /// `p..p + 16` is readable.
    #[inline(always)]
    unsafe fn loadu(p: *const u8) -> V {
        // SAFETY: the caller's; no alignment needed.
        unsafe { _mm_loadu_si128(p.cast()) }
    }
    /// # Safety
    /// `p..p + 16` is readable and `p` is 16-aligned.
    #[inline(always)]
    unsafe fn load(p: *const u8) -> V {
        // SAFETY: the caller's.
        unsafe { _mm_load_si128(p.cast()) }
    }
    /// # Safety
    /// `p..p + 16` is writable.
    #[inline(always)]
    unsafe fn storeu(p: *mut u8, v: V) {
        // SAFETY: the caller's; no alignment needed.
        unsafe { _mm_storeu_si128(p.cast(), v) }
    }
    /// # Safety
    /// `p..p + 16` is writable and `p` is 16-aligned.
    #[inline(always)]
    unsafe fn store(p: *mut u8, v: V) {
        // SAFETY: the caller's.
        unsafe { _mm_store_si128(p.cast(), v) }
    }
    /// # Safety
    /// None beyond SSE2, which every target of this module has.
    #[inline(always)]
    unsafe fn xor(a: V, b: V) -> V {
        // SAFETY: SSE2 is enabled for every target this module builds for.
        unsafe { _mm_xor_si128(a, b) }
    }
    /// # Safety
    /// As for `xor`.
    #[inline(always)]
    unsafe fn or(a: V, b: V) -> V {
        // SAFETY: as for `xor`.
        unsafe { _mm_or_si128(a, b) }
    }
    /// # Safety
    /// As for `xor`.
    #[inline(always)]
    unsafe fn splat(k: u32) -> V {
        // SAFETY: as for `xor`.
        unsafe { _mm_set1_epi32(k as i32) }
    }
    /// # Safety
    /// As for `xor`.
    #[inline(always)]
    unsafe fn is_ascii(v: V) -> bool {
        // SAFETY: as for `xor`.
        unsafe { _mm_movemask_epi8(v) == 0 }
    }

    vector_kernels!(#[inline]);
}

/// 32-byte kernels, for CPUs with AVX2 (Haswell, Zen and later).
mod avx2 {
    use super::{
        __m256i, _mm256_load_si256, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256,
        _mm256_set1_epi32, _mm256_store_si256, _mm256_storeu_si256, _mm256_xor_si256,
    };

    pub(super) const W: usize = 32;
    type V = __m256i;

    /// # Safety
    /// `p..p + 32` is readable; the CPU has AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn loadu(p: *const u8) -> V {
        // SAFETY: the caller's; no alignment needed.
        unsafe { _mm256_loadu_si256(p.cast()) }
    }
    /// # Safety
    /// `p..p + 32` is readable and `p` is 32-aligned; the CPU has AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn load(p: *const u8) -> V {
        // SAFETY: the caller's.
        unsafe { _mm256_load_si256(p.cast()) }
    }
    /// # Safety
    /// `p..p + 32` is writable; the CPU has AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn storeu(p: *mut u8, v: V) {
        // SAFETY: the caller's; no alignment needed.
        unsafe { _mm256_storeu_si256(p.cast(), v) }
    }
    /// # Safety
    /// `p..p + 32` is writable and `p` is 32-aligned; the CPU has AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn store(p: *mut u8, v: V) {
        // SAFETY: the caller's.
        unsafe { _mm256_store_si256(p.cast(), v) }
    }
    /// # Safety
    /// The CPU has AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn xor(a: V, b: V) -> V {
        _mm256_xor_si256(a, b)
    }
    /// # Safety
    /// The CPU has AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn or(a: V, b: V) -> V {
        _mm256_or_si256(a, b)
    }
    /// # Safety
    /// The CPU has AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn splat(k: u32) -> V {
        _mm256_set1_epi32(k as i32)
    }
    /// # Safety
    /// The CPU has AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn is_ascii(v: V) -> bool {
        _mm256_movemask_epi8(v) == 0
    }

    vector_kernels!(#[target_feature(enable = "avx2")]);
}

/// The two-block UTF-8 path on its own, for the tests: `None` when this
/// CPU has no AVX2 or `input` has no two-block cut, whatever the build's
/// features (without `std`, `utf8_is_valid` only takes the path when
/// compiled with AVX2).
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

/// The kernels this CPU can run, for the tests: name, in place, copying.
#[cfg(test)]
pub(super) fn test_kernels()
-> std::vec::Vec<(&'static str, super::tests::InPlace, super::tests::Copying)> {
    fn sse2_apply(buf: &mut [u8], key: [u8; 4], phase: usize) -> usize {
        if buf.len() < sse2::W {
            return super::word::apply_short(buf, key, phase);
        }
        // SAFETY: SSE2 is baseline; len >= W.
        unsafe { sse2::apply(buf, key, phase) }
    }
    fn sse2_copy(src: &[u8], dst: &mut [u8], key: [u8; 4], phase: usize) -> usize {
        if dst.len() < sse2::W {
            return super::word::copy_short(src, dst, key, phase);
        }
        // SAFETY: SSE2 is baseline; equal lengths (the tests' contract) >= W.
        unsafe { sse2::copy(src, dst, key, phase) }
    }
    fn avx2_apply(buf: &mut [u8], key: [u8; 4], phase: usize) -> usize {
        if buf.len() < avx2::W {
            return sse2_apply(buf, key, phase);
        }
        // SAFETY: only listed when the CPU has AVX2; len >= W.
        unsafe { avx2::apply(buf, key, phase) }
    }
    fn avx2_copy(src: &[u8], dst: &mut [u8], key: [u8; 4], phase: usize) -> usize {
        if dst.len() < avx2::W {
            return sse2_copy(src, dst, key, phase);
        }
        // SAFETY: only listed when the CPU has AVX2; equal lengths >= W.
        unsafe { avx2::copy(src, dst, key, phase) }
    }
    let mut kernels = std::vec![(
        "sse2",
        sse2_apply as super::tests::InPlace,
        sse2_copy as super::tests::Copying
    )];
    if std::is_x86_feature_detected!("avx2") {
        kernels.push(("avx2", avx2_apply, avx2_copy));
    }
    kernels
}

/// The ASCII-reporting kernels this CPU can run, for the tests.
#[cfg(test)]
pub(super) fn test_ascii_kernels() -> std::vec::Vec<(&'static str, super::tests::InPlaceAscii)> {
    fn sse2_apply(buf: &mut [u8], key: [u8; 4], phase: usize) -> (usize, bool) {
        if buf.len() < sse2::W {
            return super::word::apply_short_ascii(buf, key, phase);
        }
        // SAFETY: SSE2 is baseline; len >= W.
        unsafe { sse2::apply_ascii(buf, key, phase) }
    }
    fn avx2_apply(buf: &mut [u8], key: [u8; 4], phase: usize) -> (usize, bool) {
        if buf.len() < avx2::W {
            return sse2_apply(buf, key, phase);
        }
        // SAFETY: only listed when the CPU has AVX2; len >= W.
        unsafe { avx2::apply_ascii(buf, key, phase) }
    }
    let mut kernels = std::vec![("sse2", sse2_apply as super::tests::InPlaceAscii)];
    if std::is_x86_feature_detected!("avx2") {
        kernels.push(("avx2", avx2_apply));
    }
    kernels
}
