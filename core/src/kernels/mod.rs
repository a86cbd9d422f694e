//! The kernels' room (kernels layer): every masking kernel (RFC 6455
//! §5.3), the CPU dispatch, and the UTF-8 validation paths that need
//! `unsafe` (§8.1). This is the only module of the crate allowed `unsafe`
//! (the crate denies it; the ISA files and `utf8` allow it for
//! themselves), and it imports nothing from the layers above it: `mask`
//! and `utf8` are its safe faces.
//!
//! # Masking kernels
//!
//! `apply`, `apply_ascii` and `copy` are what `mask::apply_mask`,
//! `mask::apply_mask_ascii` and `mask::copy_mask` run. Behind them sit
//! kernels that must agree byte for byte:
//!
//! | kernel | where | chosen |
//! | --- | --- | --- |
//! | [`scalar`] | everywhere | the oracle; forced by `cfg(miri)` or `--cfg wsframe_force_scalar` |
//! | [`word`] | everywhere | targets without a vector kernel below (Cortex-M, RISC-V, wasm32 without `simd128`, …) |
//! | [`compact`] | everywhere | instead of [`word`] with the `small` feature: a byte loop, ~150 B of flash for all entry points instead of ~1.1 KiB on thumbv7m |
//! | `x86` SSE2 | x86-64 (and x86 with SSE2) | always for 16–63 bytes (SSE2 is baseline, inlined, no detection); from 16 bytes on when AVX2 is absent |
//! | `x86` AVX2 | x86-64 | 64 bytes and more: at run time with the `std` feature (detected once, cached), else when compiled with `target-feature=+avx2` |
//! | `aarch64` NEON | aarch64 | always (NEON is baseline on aarch64) |
//! | `wasm32` `simd128` | wasm32 | when compiled with `target-feature=+simd128` |
//!
//! Whether the target has one of the vector kernels is decided once, by
//! `build.rs`, as `cfg(wsframe_vector)` (off under Miri and with
//! `--cfg wsframe_force_scalar`, which force [`scalar`]).
//!
//! Buffers shorter than [`word::SHORT`] bytes never reach a vector kernel:
//! [`word`]'s overlapping-word path handles them with two loads and two
//! stores ([`compact`]'s byte loop with `small`). Every vector kernel has
//! the same shape, written once (`vector.rs`) over a handful of per-ISA
//! primitives.
//!
//! AVX-512 is not used: in-place XOR is bound by stores, AVX2 already runs
//! at memset's speed from 1 KiB to 1 MiB on Zen 4, and a 512-bit kernel
//! measured the same (see `BENCHMARKS.md`); its intrinsics would also need
//! Rust 1.89, above this crate's MSRV.
//!
//! Tests (`tests.rs`) compare every kernel with the oracle for all lengths
//! 0..=257, all four phases and 16 misalignments, plus random large
//! buffers; the ASCII-reporting kernels also on text that unmasks to
//! ASCII, with one non-ASCII byte at every position (`scalar::apply_ascii`
//! is their oracle). With `small` on, the dispatch routes to [`compact`],
//! which is also tested by name either way.
//!
//! The kernel modules are `pub` inside this private room only so that the
//! `testing` feature can show [`scalar`], [`word`] and [`compact`] to the
//! fuzz targets and benchmarks (as `wsframe::kernels`); they are not API.

// Each build calls a subset of these three (`word` or `compact` by the
// `small` feature; `scalar` under Miri and in the tests); with `testing`
// the fuzz targets and benchmarks call every one.
#[cfg_attr(not(any(test, feature = "testing")), allow(dead_code))]
pub mod compact;
pub(crate) mod lz;
#[cfg_attr(not(any(test, feature = "testing")), allow(dead_code))]
pub mod scalar;
pub mod utf8;
#[cfg_attr(not(any(test, feature = "testing")), allow(dead_code))]
pub mod word;

#[cfg(wsframe_vector)]
#[macro_use]
mod vector;

#[cfg(all(wsframe_vector, any(target_arch = "x86", target_arch = "x86_64")))]
mod cpu;
#[cfg(all(wsframe_vector, any(target_arch = "x86", target_arch = "x86_64")))]
mod x86;
#[cfg(all(wsframe_vector, any(target_arch = "x86", target_arch = "x86_64")))]
mod x86_utf8;

#[cfg(all(wsframe_vector, target_arch = "aarch64"))]
mod aarch64;

#[cfg(all(wsframe_vector, target_arch = "wasm32"))]
mod wasm32;

/// The kernels for targets without a vector kernel and for buffers under
/// [`word::SHORT`] bytes everywhere: [`word`], or [`compact`] with the
/// `small` feature.
#[cfg(not(feature = "small"))]
mod portable {
    // `apply`, `apply_ascii` and `copy` serve as `bulk` only on targets
    // without a vector module.
    #[allow(unused_imports)]
    pub(super) use super::word::{
        apply, apply_ascii, apply_short, apply_short_ascii, copy, copy_short,
    };
}
#[cfg(feature = "small")]
mod portable {
    #[allow(unused_imports)]
    pub(super) use super::compact::{
        apply, apply as apply_short, apply_ascii, apply_ascii as apply_short_ascii, copy,
        copy as copy_short,
    };
}

#[cfg(all(wsframe_vector, target_arch = "aarch64"))]
use aarch64 as bulk;
#[cfg(not(any(miri, wsframe_force_scalar, wsframe_vector)))]
use portable as bulk;
/// The kernels for [`word::SHORT`] bytes and more on this target, chosen
/// once here for the three entry points: the scalar oracle under Miri (or
/// with `--cfg wsframe_force_scalar`), else the target's vector module,
/// else [`portable`]. Every module has `apply`, `apply_ascii` and `copy`.
#[cfg(any(miri, wsframe_force_scalar))]
use scalar as bulk;
#[cfg(all(wsframe_vector, target_arch = "wasm32"))]
use wasm32 as bulk;
#[cfg(all(wsframe_vector, any(target_arch = "x86", target_arch = "x86_64")))]
use x86 as bulk;

/// XORs `buf` in place with `key`, starting at key byte `phase` (taken
/// modulo 4); returns the phase for the byte after `buf`
/// (`mask::apply_mask`).
#[inline]
pub(crate) fn apply(buf: &mut [u8], key: [u8; 4], phase: usize) -> usize {
    if buf.len() < word::SHORT {
        return portable::apply_short(buf, key, phase);
    }
    bulk::apply(buf, key, phase)
}

/// [`apply`], also returning whether every byte of `buf` is ASCII after
/// unmasking, found in the same pass (`mask::apply_mask_ascii`).
#[inline]
pub(crate) fn apply_ascii(buf: &mut [u8], key: [u8; 4], phase: usize) -> (usize, bool) {
    if buf.len() < word::SHORT {
        return portable::apply_short_ascii(buf, key, phase);
    }
    bulk::apply_ascii(buf, key, phase)
}

/// Copies the first `min(src.len(), dst.len())` bytes of `src` into `dst`
/// XORed with `key` from key byte `phase % 4`; returns the next phase
/// (`mask::copy_mask`). The vector kernels want equal lengths, so both
/// slices are cut to the common length first.
#[inline]
pub(crate) fn copy(src: &[u8], dst: &mut [u8], key: [u8; 4], phase: usize) -> usize {
    let len = src.len().min(dst.len());
    let (Some(src), Some(dst)) = (src.get(..len), dst.get_mut(..len)) else {
        return dead_arm!("both slices are at least `len` long", phase % 4);
    };
    if len < word::SHORT {
        return portable::copy_short(src, dst, key, phase);
    }
    bulk::copy(src, dst, key, phase)
}

/// The key rotated so that index 0 is the byte for `phase`.
#[inline]
#[must_use]
pub(crate) const fn rotate_key(key: [u8; 4], phase: usize) -> [u8; 4] {
    let p = phase % 4;
    u32::from_le_bytes(key)
        .rotate_right((p * 8) as u32)
        .to_le_bytes()
}

/// The phase after `len` more bytes.
#[inline]
#[must_use]
pub(crate) const fn next_phase(phase: usize, len: usize) -> usize {
    (phase % 4 + len % 4) % 4
}

/// The key as a little-endian `u32`, for a vector starting `offset`
/// bytes into a buffer whose first byte takes key byte 0.
#[cfg(wsframe_vector)]
#[inline(always)]
#[must_use]
pub(crate) const fn key_word(key: [u8; 4], offset: usize) -> u32 {
    u32::from_le_bytes(rotate_key(key, offset))
}

/// Where the aligned body of a vector kernel starts: the distance from
/// `ptr` to the next multiple of `align` strictly after it, in `1..=align`.
/// The head vector covers everything before it.
#[cfg(wsframe_vector)]
#[inline(always)]
fn body_start(ptr: *const u8, align: usize) -> usize {
    align - (ptr as usize & (align - 1))
}

#[cfg(test)]
mod tests;
