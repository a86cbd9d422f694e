//! Masking kernels for aarch64 (kernels layer, RFC 6455 §5.3): NEON, 16-byte
//! vectors. NEON is part of the aarch64 baseline, so there is no run-time
//! detection; the module is only built when `target_feature = "neon"`.
#![allow(unsafe_code)]

use core::arch::aarch64::{
    uint8x16_t, vdupq_n_u32, veorq_u8, vld1q_u8, vmaxvq_u8, vorrq_u8, vreinterpretq_u8_u32,
    vst1q_u8,
};

const W: usize = 16;
type V = uint8x16_t;

/// XORs `buf` (at least 16 bytes) in place; returns the next phase.
#[inline]
pub(super) fn apply(buf: &mut [u8], key: [u8; 4], phase: usize) -> usize {
    if buf.len() < W {
        return super::word::apply_short(buf, key, phase);
    }
    // SAFETY: NEON is enabled for this target (module cfg); len >= W.
    unsafe { kernels::apply(buf, key, phase) }
}

/// [`apply`], also telling whether every unmasked byte is ASCII.
#[inline]
pub(super) fn apply_ascii(buf: &mut [u8], key: [u8; 4], phase: usize) -> (usize, bool) {
    if buf.len() < W {
        return super::word::apply_short_ascii(buf, key, phase);
    }
    // SAFETY: NEON is enabled for this target (module cfg); len >= W.
    unsafe { kernels::apply_ascii(buf, key, phase) }
}

/// Copies `src` into `dst` (same length) XORed with `key`; returns the
/// next phase.
#[inline]
pub(super) fn copy(src: &[u8], dst: &mut [u8], key: [u8; 4], phase: usize) -> usize {
    if src.len() != dst.len() || dst.len() < W {
        return super::word::copy(src, dst, key, phase);
    }
    // SAFETY: NEON is enabled for this target; equal lengths >= W.
    unsafe { kernels::copy(src, dst, key, phase) }
}

mod kernels {
    use super::{
        V, W, vdupq_n_u32, veorq_u8, vld1q_u8, vmaxvq_u8, vorrq_u8, vreinterpretq_u8_u32, vst1q_u8,
    };

    /// # Safety
    /// `p..p + 16` is readable (NEON loads need no alignment).
    #[inline(always)]
    unsafe fn loadu(p: *const u8) -> V {
        // SAFETY: the caller's.
        unsafe { vld1q_u8(p) }
    }
    /// # Safety
    /// As for `loadu`.
    #[inline(always)]
    unsafe fn load(p: *const u8) -> V {
        // SAFETY: the caller's.
        unsafe { loadu(p) }
    }
    /// # Safety
    /// `p..p + 16` is writable.
    #[inline(always)]
    unsafe fn storeu(p: *mut u8, v: V) {
        // SAFETY: the caller's.
        unsafe { vst1q_u8(p, v) }
    }
    /// # Safety
    /// As for `storeu`.
    #[inline(always)]
    unsafe fn store(p: *mut u8, v: V) {
        // SAFETY: the caller's.
        unsafe { storeu(p, v) }
    }
    /// # Safety
    /// None beyond NEON, which this module's target has.
    #[inline(always)]
    unsafe fn xor(a: V, b: V) -> V {
        // SAFETY: NEON is enabled.
        unsafe { veorq_u8(a, b) }
    }
    /// # Safety
    /// As for `xor`.
    #[inline(always)]
    unsafe fn or(a: V, b: V) -> V {
        // SAFETY: NEON is enabled.
        unsafe { vorrq_u8(a, b) }
    }
    /// # Safety
    /// As for `xor`.
    #[inline(always)]
    unsafe fn splat(k: u32) -> V {
        // SAFETY: NEON is enabled.
        unsafe { vreinterpretq_u8_u32(vdupq_n_u32(k)) }
    }
    /// # Safety
    /// As for `xor`.
    #[inline(always)]
    unsafe fn is_ascii(v: V) -> bool {
        // SAFETY: NEON is enabled.
        unsafe { vmaxvq_u8(v) < 0x80 }
    }

    vector_kernels!(#[inline]);
}

/// The kernel the dispatch reaches from 16 bytes on, for the tests: this
/// one, always.
#[cfg(test)]
pub(super) fn test_wide_kernel() -> super::tests::WideKernel {
    super::tests::WideKernel {
        name: "NEON",
        calls: || kernels::CALLS.with(core::cell::Cell::get),
        not_run: None,
    }
}

/// The kernels this CPU can run, for the tests: name, in place, copying.
#[cfg(test)]
pub(super) fn test_kernels()
-> std::vec::Vec<(&'static str, super::tests::InPlace, super::tests::Copying)> {
    std::vec![(
        "neon",
        apply as super::tests::InPlace,
        copy as super::tests::Copying
    )]
}

/// The ASCII-reporting kernels this CPU can run, for the tests.
#[cfg(test)]
pub(super) fn test_ascii_kernels() -> std::vec::Vec<(&'static str, super::tests::InPlaceAscii)> {
    std::vec![("neon", apply_ascii as super::tests::InPlaceAscii)]
}
