//! Masking kernels for x86 and x86-64 (kernels layer, RFC 6455 §5.3):
//! SSE2 (16-byte vectors, baseline on x86-64) and AVX2 (32-byte vectors).
//!
//! # Dispatch
//! - 16 to 63 bytes: SSE2, always (inlined into the caller; no detection
//!   is paid). 16 bytes are one load and one store.
//! - 64 bytes and more: AVX2 if the CPU has it (`cpu.rs`), else SSE2.
//!   With the `std` feature the CPU is asked once and the answer cached in
//!   an atomic (one relaxed load per call afterwards); without `std` the
//!   choice is made at compile time from `target_feature = "avx2"`.
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

use super::cpu;

/// From this length on, AVX2 (when present) takes over from SSE2.
const AVX2_FROM: usize = 64;

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

/// The kernel the dispatch reaches from 64 bytes on in this build on
/// this CPU, for the tests: AVX2, or SSE2 with the reason AVX2 did not run.
#[cfg(test)]
pub(super) fn test_wide_kernel() -> super::tests::WideKernel {
    use core::cell::Cell;
    if cpu::has_avx2() {
        return super::tests::WideKernel {
            name: "AVX2",
            calls: || avx2::CALLS.with(Cell::get),
            not_run: None,
        };
    }
    let why = if std::is_x86_feature_detected!("avx2") {
        "AVX2 kernel: not reached by the entry points in this build (without the `std` \
         feature the choice is made at compile time); the tests ran it by name"
    } else {
        "AVX2 kernel: NOT RUN: this CPU has no AVX2; its tests (the kernel lists, the \
         UTF-8 two-block path) checked SSE2 only"
    };
    super::tests::WideKernel {
        name: "SSE2",
        calls: || sse2::CALLS.with(Cell::get),
        not_run: Some(why),
    }
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
