//! Masking kernels for wasm32 (kernels layer, RFC 6455 §5.3): `simd128`,
//! 16-byte vectors. WebAssembly has no run-time feature detection; the
//! module is only built with `-C target-feature=+simd128` (and needs
//! opt-level 3 or 2 to pay: opt-level "s" emits no `v128.xor`).
#![allow(unsafe_code)]

use core::arch::wasm32::{
    u8x16_bitmask, u32x4_splat, v128, v128_load, v128_or, v128_store, v128_xor,
};

const W: usize = 16;
type V = v128;

/// XORs `buf` (at least 16 bytes) in place; returns the next phase.
#[inline]
pub(super) fn apply(buf: &mut [u8], key: [u8; 4], phase: usize) -> usize {
    if buf.len() < W {
        return super::word::apply_short(buf, key, phase);
    }
    // SAFETY: simd128 is enabled for this target (module cfg); len >= W.
    unsafe { kernels::apply(buf, key, phase) }
}

/// [`apply`], also telling whether every unmasked byte is ASCII.
#[inline]
pub(super) fn apply_ascii(buf: &mut [u8], key: [u8; 4], phase: usize) -> (usize, bool) {
    if buf.len() < W {
        return super::word::apply_short_ascii(buf, key, phase);
    }
    // SAFETY: simd128 is enabled for this target (module cfg); len >= W.
    unsafe { kernels::apply_ascii(buf, key, phase) }
}

/// Copies `src` into `dst` (same length) XORed with `key`; returns the
/// next phase.
#[inline]
pub(super) fn copy(src: &[u8], dst: &mut [u8], key: [u8; 4], phase: usize) -> usize {
    if src.len() != dst.len() || dst.len() < W {
        return super::word::copy(src, dst, key, phase);
    }
    // SAFETY: simd128 is enabled for this target; equal lengths >= W.
    unsafe { kernels::copy(src, dst, key, phase) }
}

mod kernels {
    use super::{V, W, u8x16_bitmask, u32x4_splat, v128_load, v128_or, v128_store, v128_xor};

    /// # Safety
    /// `p..p + 16` is readable (wasm loads need no alignment).
    #[inline(always)]
    unsafe fn loadu(p: *const u8) -> V {
        // SAFETY: the caller's.
        unsafe { v128_load(p.cast()) }
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
        unsafe { v128_store(p.cast(), v) }
    }
    /// # Safety
    /// As for `storeu`.
    #[inline(always)]
    unsafe fn store(p: *mut u8, v: V) {
        // SAFETY: the caller's.
        unsafe { storeu(p, v) }
    }
    /// # Safety
    /// None (kept `unsafe` to match the other ISAs' helpers).
    #[inline(always)]
    unsafe fn xor(a: V, b: V) -> V {
        v128_xor(a, b)
    }
    /// # Safety
    /// None (as for `xor`).
    #[inline(always)]
    unsafe fn or(a: V, b: V) -> V {
        v128_or(a, b)
    }
    /// # Safety
    /// None (as for `xor`).
    #[inline(always)]
    unsafe fn splat(k: u32) -> V {
        u32x4_splat(k)
    }
    /// # Safety
    /// None (as for `xor`).
    #[inline(always)]
    unsafe fn is_ascii(v: V) -> bool {
        u8x16_bitmask(v) == 0
    }

    vector_kernels!(#[inline]);
}

/// The kernel the dispatch reaches from 16 bytes on, for the tests: this
/// one, always.
#[cfg(test)]
pub(super) fn test_wide_kernel() -> super::tests::WideKernel {
    super::tests::WideKernel {
        name: "simd128",
        calls: || kernels::CALLS.with(core::cell::Cell::get),
        not_run: None,
    }
}

/// The kernels this CPU can run, for the tests: name, in place, copying.
#[cfg(test)]
pub(super) fn test_kernels()
-> std::vec::Vec<(&'static str, super::tests::InPlace, super::tests::Copying)> {
    std::vec![(
        "simd128",
        apply as super::tests::InPlace,
        copy as super::tests::Copying
    )]
}

/// The ASCII-reporting kernels this CPU can run, for the tests.
#[cfg(test)]
pub(super) fn test_ascii_kernels() -> std::vec::Vec<(&'static str, super::tests::InPlaceAscii)> {
    std::vec![("simd128", apply_ascii as super::tests::InPlaceAscii)]
}
