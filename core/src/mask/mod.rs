//! Masking (frame layer, RFC 6455 §5.3): XOR of the payload with a
//! repeating 4-byte key.
//!
//! [`apply_mask`] is the single entry point for masking in place, and
//! [`copy_mask`] its fused copy-and-mask twin for callers that move the
//! payload anyway (out of a ring buffer, into a send buffer). Both work on
//! any chunk of a payload: `phase` says which key byte the chunk's first
//! byte lines up with, and the returned phase feeds the next chunk, so a
//! frame can be unmasked piecewise as it arrives (§5.3: octet i is XORed
//! with key\[i mod 4\]).
//!
//! [`apply_mask_ascii`] is [`apply_mask`] that also reports whether every
//! unmasked byte is ASCII, found in the same pass (the unmasked vectors are
//! ORed into an accumulator register; loads and stores are the same). The
//! connection unmasks text with it, and an all-ASCII chunk that does not
//! continue a split code point then needs no UTF-8 pass at all. Each kernel
//! writes its in-place algorithm once for both (a `const` parameter; the
//! accumulator is compiled out of [`apply_mask`]).
//!
//! # Kernels
//!
//! Behind the entry points sit kernels that must agree byte for byte:
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
//! Buffers shorter than 16 bytes never reach a vector kernel: [`word`]'s
//! overlapping-word path handles them with two loads and two stores
//! ([`compact`]'s byte loop with `small`).
//!
//! Every vector kernel has the same shape, written once (the
//! `vector_kernels!` macro) over a handful of per-ISA primitives. Up to 8
//! vectors: unaligned vectors from the start, and the last vector of the
//! buffer, loaded first, stored last, overlapping the one before it, in
//! place of a byte loop. Longer: the first and last vectors (unaligned)
//! and the first aligned vector are loaded up front, and the body between
//! them runs on aligned vectors, 4 per step (an unaligned body costs
//! 20–25 %). The head is stored first and the tail last, so that no later
//! load of the same bytes has to be assembled from two recent overlapping
//! stores. Because head and tail are computed from the original bytes
//! before anything is stored, the bytes written twice get the same value
//! twice.
//!
//! AVX-512 is not used: in-place XOR is bound by stores, AVX2 already runs
//! at memset's speed from 1 KiB to 1 MiB on Zen 4, and a 512-bit kernel
//! measured the same (see `BENCHMARKS.md`); its intrinsics would also need
//! Rust 1.89, above this crate's MSRV.
//!
//! Tests compare every kernel with the oracle for all lengths 0..=257, all
//! four phases and 16 misalignments, plus random large buffers; the
//! ASCII-reporting kernels also on text that unmasks to ASCII, with one
//! non-ASCII byte at every position (`scalar::apply_ascii` is their
//! oracle). With `small` on, the entry points under test route to
//! [`compact`], which is also tested by name either way.

pub mod compact;
pub mod scalar;
pub mod word;

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

/// The vector algorithm, written once; each ISA module supplies, in the
/// scope where it expands this macro, `W` (vector width in bytes), `V`
/// (the vector type) and `loadu`/`load`/`storeu`/`store` (unaligned and
/// `W`-aligned), `xor`, `or`, `splat` (a little-endian `u32` in every
/// lane) and `is_ascii` (no byte has its top bit set), all `#[inline]` and
/// carrying the same target features as the attributes given to the
/// macro. It defines `apply`, `apply_ascii` and `copy` for buffers of at
/// least `W` bytes.
#[cfg(all(
    any(
        target_arch = "x86_64",
        all(target_arch = "x86", target_feature = "sse2"),
        all(target_arch = "aarch64", target_feature = "neon"),
        all(target_arch = "wasm32", target_feature = "simd128")
    ),
    not(any(miri, wsframe_force_scalar))
))]
macro_rules! vector_kernels {
    ($(#[$attr:meta])*) => {
        /// XORs `buf` in place with `key` from key byte `phase % 4`;
        /// returns the next phase.
        ///
        /// # Safety
        /// `buf.len() >= W`, and the CPU has this module's features.
        $(#[$attr])*
        pub(super) unsafe fn apply(buf: &mut [u8], key: [u8; 4], phase: usize) -> usize {
            // SAFETY: the caller's contract is `apply_impl`'s.
            unsafe { apply_impl::<false>(buf, key, phase) }.0
        }

        /// [`apply`], also telling whether every unmasked byte is ASCII
        /// (the OR of all unmasked vectors has no top bit set), in the
        /// same pass.
        ///
        /// # Safety
        /// As for [`apply`].
        $(#[$attr])*
        pub(super) unsafe fn apply_ascii(buf: &mut [u8], key: [u8; 4], phase: usize) -> (usize, bool) {
            // SAFETY: the caller's contract is `apply_impl`'s.
            unsafe { apply_impl::<true>(buf, key, phase) }
        }

        /// The in-place algorithm, once for both: with `ASCII` the unmasked
        /// vectors are also ORed into an accumulator (a register; the
        /// loads and stores are the same), else the flag is `false` and
        /// the accumulator is compiled out.
        ///
        /// # Safety
        /// `buf.len() >= W`, and the CPU has this module's features.
        $(#[$attr])*
        unsafe fn apply_impl<const ASCII: bool>(
            buf: &mut [u8],
            key: [u8; 4],
            phase: usize,
        ) -> (usize, bool) {
            let len = buf.len();
            debug_assert!(len >= W);
            let key = $crate::mask::rotate_key(key, phase);
            let p = buf.as_mut_ptr();
            if len <= 8 * W {
                // Short: unaligned vectors from the start, then the last W
                // bytes (loaded first, as they may overlap the loop's).
                // SAFETY: every access is a W-byte range inside `buf`
                // (`i + W < len`, and `len >= W` for the tail); the CPU
                // has this module's features.
                unsafe {
                    let tail = xor(loadu(p.add(len - W)), splat($crate::mask::key_word(key, len - W)));
                    let k = splat($crate::mask::key_word(key, 0));
                    let mut acc = tail;
                    let mut i = 0;
                    while i + W < len {
                        let v = xor(loadu(p.add(i)), k);
                        if ASCII {
                            acc = or(acc, v);
                        }
                        storeu(p.add(i), v);
                        i += W;
                    }
                    storeu(p.add(len - W), tail);
                    return ($crate::mask::next_phase(phase, len), ASCII && is_ascii(acc));
                }
            }
            // Long: the head vector, the first aligned vector after it and
            // the tail vector are computed from the original bytes before
            // anything is stored. The head and that first body vector are
            // stored at once, in that order (where they overlap, both hold
            // the same values), and the tail last. So a load that spans two
            // stores of this call (the next call's head, or its last body
            // vector) comes long after them, when they have left the store
            // buffer: stored at the end, the head cost the next call on the
            // same bytes a failed store-to-load forward (1 KiB from an
            // unaligned start: 15 ns against 10 ns aligned).
            let mut i = $crate::mask::body_start(p, W);
            // SAFETY: the CPU has this module's features.
            let k = unsafe { splat($crate::mask::key_word(key, i)) };
            // SAFETY: `len > 8W` and `i <= W`, so [0, W), [i, i + W) and
            // [len - W, len) are in `buf`, and p + i is W-aligned; the head
            // and the first body vector are loaded before either is
            // stored.
            let (tail, mut acc) = unsafe {
                let head = xor(loadu(p), splat($crate::mask::key_word(key, 0)));
                let first = xor(load(p.add(i)), k);
                let tail = xor(loadu(p.add(len - W)), splat($crate::mask::key_word(key, len - W)));
                storeu(p, head);
                store(p.add(i), first);
                (tail, or(or(head, first), tail))
            };
            i += W;
            while i + 4 * W <= len {
                // SAFETY: i + 4W <= len keeps all four vectors in
                // `buf`, and p + i is W-aligned (body_start, then
                // steps of W).
                unsafe {
                    let a = xor(load(p.add(i)), k);
                    let b = xor(load(p.add(i + W)), k);
                    let c = xor(load(p.add(i + 2 * W)), k);
                    let d = xor(load(p.add(i + 3 * W)), k);
                    store(p.add(i), a);
                    store(p.add(i + W), b);
                    store(p.add(i + 2 * W), c);
                    store(p.add(i + 3 * W), d);
                    if ASCII {
                        acc = or(acc, or(or(a, b), or(c, d)));
                    }
                }
                i += 4 * W;
            }
            while i + W <= len {
                // SAFETY: as above, for one vector.
                unsafe {
                    let v = xor(load(p.add(i)), k);
                    store(p.add(i), v);
                    if ASCII {
                        acc = or(acc, v);
                    }
                }
                i += W;
            }
            // The tail covers what the body left (fewer than W bytes; none
            // when the body ended at `len`, as for an aligned buffer whose
            // length is a multiple of W). It was computed from the original
            // bytes, so where it overlaps the body it stores the body's
            // values.
            if i < len {
                // SAFETY: the same range as its load above.
                unsafe { storeu(p.add(len - W), tail) };
            }
            // SAFETY: the CPU has this module's features.
            ($crate::mask::next_phase(phase, len), ASCII && unsafe { is_ascii(acc) })
        }

        /// Copies `src` into `dst` XORed with `key` from key byte
        /// `phase % 4`; returns the next phase.
        ///
        /// # Safety
        /// `src.len() == dst.len() >= W`, and the CPU has this module's
        /// features.
        $(#[$attr])*
        pub(super) unsafe fn copy(src: &[u8], dst: &mut [u8], key: [u8; 4], phase: usize) -> usize {
            let len = dst.len();
            debug_assert!(len >= W && src.len() == len);
            let key = $crate::mask::rotate_key(key, phase);
            let (s, d) = (src.as_ptr(), dst.as_mut_ptr());
            // SAFETY: both slices are `len >= W` long; `&` and `&mut` do not
            // overlap, so the order of the stores does not matter.
            unsafe {
                let tail = loadu(s.add(len - W));
                storeu(d.add(len - W), xor(tail, splat($crate::mask::key_word(key, len - W))));
            }
            if len <= 8 * W {
                // Short: unaligned vectors from the start; the tail above
                // covers what is left.
                // SAFETY: `i + W < len` keeps each vector in both slices.
                unsafe {
                    let k = splat($crate::mask::key_word(key, 0));
                    let mut i = 0;
                    while i + W < len {
                        storeu(d.add(i), xor(loadu(s.add(i)), k));
                        i += W;
                    }
                }
                return $crate::mask::next_phase(phase, len);
            }
            // SAFETY: as above, for the first W bytes.
            unsafe { storeu(d, xor(loadu(s), splat($crate::mask::key_word(key, 0)))) };
            {
                let mut i = $crate::mask::body_start(d, W);
                // SAFETY: the CPU has this module's features.
                let k = unsafe { splat($crate::mask::key_word(key, i)) };
                while i + 4 * W <= len {
                    // SAFETY: i + 4W <= len keeps all four vectors in both
                    // slices; d + i is W-aligned, s + i need not be.
                    unsafe {
                        let a = loadu(s.add(i));
                        let b = loadu(s.add(i + W));
                        let c = loadu(s.add(i + 2 * W));
                        let e = loadu(s.add(i + 3 * W));
                        store(d.add(i), xor(a, k));
                        store(d.add(i + W), xor(b, k));
                        store(d.add(i + 2 * W), xor(c, k));
                        store(d.add(i + 3 * W), xor(e, k));
                    }
                    i += 4 * W;
                }
                while i + W <= len {
                    // SAFETY: as above, for one vector.
                    unsafe { store(d.add(i), xor(loadu(s.add(i)), k)) };
                    i += W;
                }
            }
            $crate::mask::next_phase(phase, len)
        }
    };
}

#[cfg(all(
    any(
        target_arch = "x86_64",
        all(target_arch = "x86", target_feature = "sse2")
    ),
    not(any(miri, wsframe_force_scalar))
))]
mod x86;

#[cfg(all(
    target_arch = "aarch64",
    target_feature = "neon",
    not(any(miri, wsframe_force_scalar))
))]
mod aarch64;

#[cfg(all(
    target_arch = "wasm32",
    target_feature = "simd128",
    not(any(miri, wsframe_force_scalar))
))]
mod wasm32;

/// XORs `buf` in place with `key`, starting at key byte `phase` (taken
/// modulo 4), and returns the phase for the byte after `buf`.
///
/// Masking and unmasking are the same operation.
///
/// ```
/// use wsframe::mask::apply_mask;
/// let key = [0x37, 0xfa, 0x21, 0x3d];
/// let mut payload = *b"Hello";
/// // Two chunks, as if the frame arrived in two reads:
/// let phase = apply_mask(&mut payload[..2], key, 0);
/// let phase = apply_mask(&mut payload[2..], key, phase);
/// assert_eq!(payload, [0x7f, 0x9f, 0x4d, 0x51, 0x58]); // RFC 6455 §5.7
/// assert_eq!(phase, 1);
/// ```
#[inline]
pub fn apply_mask(buf: &mut [u8], key: [u8; 4], phase: usize) -> usize {
    if buf.len() < word::SHORT {
        return portable::apply_short(buf, key, phase);
    }
    bulk::apply(buf, key, phase)
}

/// [`apply_mask`], also returning whether every byte of `buf` is ASCII
/// after unmasking, for free: the kernels OR the unmasked vectors (or
/// words) into an accumulator in the same pass, with the same loads and
/// stores. A text message's chunk that is all ASCII and does not continue
/// a split code point is valid UTF-8 without a second pass over it.
///
/// ```
/// use wsframe::mask::apply_mask_ascii;
/// let key = [0x37, 0xfa, 0x21, 0x3d];
/// let mut payload = [0x7f, 0x9f, 0x4d, 0x51, 0x58]; // RFC 6455 §5.7
/// assert_eq!(apply_mask_ascii(&mut payload, key, 0), (1, true));
/// assert_eq!(&payload, b"Hello");
/// let mut payload = "\u{e9}t\u{e9}".as_bytes().to_vec();
/// apply_mask_ascii(&mut payload, key, 0); // masking: not ASCII any more
/// assert_eq!(apply_mask_ascii(&mut payload, key, 0), (1, false));
/// ```
#[inline]
pub fn apply_mask_ascii(buf: &mut [u8], key: [u8; 4], phase: usize) -> (usize, bool) {
    if buf.len() < word::SHORT {
        return portable::apply_short_ascii(buf, key, phase);
    }
    bulk::apply_ascii(buf, key, phase)
}

/// Copies `src` into `dst` XORed with `key`, starting at key byte `phase`
/// (taken modulo 4), and returns the phase for the byte after the copied
/// part. One pass over the data instead of a copy and then [`apply_mask`].
///
/// Copies `min(src.len(), dst.len())` bytes: pass slices of equal length
/// (the rest of the longer one is not touched).
///
/// ```
/// use wsframe::mask::copy_mask;
/// let key = [0x37, 0xfa, 0x21, 0x3d];
/// let wire = [0x7f, 0x9f, 0x4d, 0x51, 0x58]; // RFC 6455 §5.7
/// let mut text = [0u8; 5];
/// let phase = copy_mask(&wire, &mut text, key, 0);
/// assert_eq!(&text, b"Hello");
/// assert_eq!(phase, 1);
/// ```
#[inline]
pub fn copy_mask(src: &[u8], dst: &mut [u8], key: [u8; 4], phase: usize) -> usize {
    let len = src.len().min(dst.len());
    let (Some(src), Some(dst)) = (src.get(..len), dst.get_mut(..len)) else {
        return phase % 4; // unreachable: both are at least `len` long
    };
    if len < word::SHORT {
        return portable::copy_short(src, dst, key, phase);
    }
    bulk::copy(src, dst, key, phase)
}

#[cfg(all(
    target_arch = "aarch64",
    target_feature = "neon",
    not(any(miri, wsframe_force_scalar))
))]
use aarch64 as bulk;
#[cfg(not(any(
    miri,
    wsframe_force_scalar,
    target_arch = "x86_64",
    all(target_arch = "x86", target_feature = "sse2"),
    all(target_arch = "aarch64", target_feature = "neon"),
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
use portable as bulk;
/// The kernels for 16 bytes and more on this target, chosen once here for
/// the three entry points: the scalar oracle under Miri (or with
/// `--cfg wsframe_force_scalar`), else the target's vector module, else
/// [`portable`]. Every module has `apply`, `apply_ascii` and `copy`.
#[cfg(any(miri, wsframe_force_scalar))]
use scalar as bulk;
#[cfg(all(
    target_arch = "wasm32",
    target_feature = "simd128",
    not(any(miri, wsframe_force_scalar))
))]
use wasm32 as bulk;
#[cfg(all(
    any(
        target_arch = "x86_64",
        all(target_arch = "x86", target_feature = "sse2")
    ),
    not(any(miri, wsframe_force_scalar))
))]
use x86 as bulk;

/// The key rotated so that index 0 is the byte for `phase`.
#[inline]
#[must_use]
pub(crate) const fn rotate_key(key: [u8; 4], phase: usize) -> [u8; 4] {
    let p = phase % 4;
    u32::from_le_bytes(key)
        .rotate_right((p * 8) as u32)
        .to_le_bytes()
}

#[cfg(all(
    any(
        target_arch = "x86_64",
        all(target_arch = "x86", target_feature = "sse2"),
        all(target_arch = "aarch64", target_feature = "neon"),
        all(target_arch = "wasm32", target_feature = "simd128")
    ),
    not(any(miri, wsframe_force_scalar))
))]
/// The key as a little-endian `u32`, for a vector starting `offset`
/// bytes into a buffer whose first byte takes key byte 0.
#[inline(always)]
#[must_use]
pub(crate) const fn key_word(key: [u8; 4], offset: usize) -> u32 {
    u32::from_le_bytes(rotate_key(key, offset))
}

/// Whether `input` is valid UTF-8, by `simdutf8`'s one-shot `basic`
/// validator with the best kernel for this CPU (used by [`crate::utf8`]).
///
/// It lives here because the kernel choice is the same CPU dispatch as
/// masking, and `mask/` is the only place allowed `unsafe`. What each
/// target gets:
///
/// - x86-64 with `std`: AVX2 or SSE4.2, detected at run time (cached);
/// - x86-64 without `std`: AVX2 or SSE4.2 only if compiled with
///   `-C target-feature=+avx2` (or `+sse4.2`), else scalar;
/// - aarch64: NEON, always; wasm32: `simd128` if compiled with it;
/// - everything else (Cortex-M, RISC-V, …) and inputs under 64 bytes:
///   `core::str::from_utf8`, a scalar validator with an ASCII fast path.
///
/// On x86-64 with AVX2, an input of 65 to 127 bytes (a 125-byte frame or
/// fragment) is cut at a code-point start and validated as exactly two
/// 64-byte blocks, zero-filled where they overlap, built in registers:
/// simdutf8's own handling of the bytes after the last whole block (a
/// byte-wise copy into a zeroed block, then vector loads of it: a failed
/// store-to-load forward) cost about as much as validating them. Tests
/// compare it with `core::str::from_utf8` on every length around it.
///
/// The `small` feature's validator reads byte by byte and does not call
/// this (nor, then, the x86 kernels behind it): unused there, not linked.
#[inline]
#[cfg_attr(feature = "small", allow(dead_code))]
pub(crate) fn utf8_is_valid(input: &[u8]) -> bool {
    #[cfg(all(
        any(
            target_arch = "x86_64",
            all(target_arch = "x86", target_feature = "sse2")
        ),
        not(any(miri, wsframe_force_scalar))
    ))]
    return x86::utf8_is_valid(input);
    #[cfg(any(miri, wsframe_force_scalar))]
    return core::str::from_utf8(input).is_ok();
    #[allow(unreachable_code)]
    simdutf8::basic::from_utf8(input).is_ok()
}

/// `bytes` as a `&str` if it is valid UTF-8 (for a Close reason, which
/// the API hands out as `&str`).
///
/// By default this is `core::str::from_utf8`. With the `small` feature it
/// is the byte-at-a-time DFA of `utf8/small.rs` and then
/// `from_utf8_unchecked`, so a firmware links neither `from_utf8`'s code
/// nor its 256-byte width table (~620 B on thumbv7m). It lives here
/// because `mask/` is the only place allowed `unsafe`.
#[inline]
#[must_use]
pub(crate) fn utf8_str(bytes: &[u8]) -> Option<&str> {
    #[cfg(feature = "small")]
    {
        let mut dfa = crate::utf8::Utf8Validator::new();
        if dfa.feed(bytes).is_err() || dfa.finish().is_err() {
            return None;
        }
        // SAFETY: the DFA accepts exactly what `core::str::from_utf8`
        // accepts: it is its scalar twin, proven by the tests of
        // `utf8/small.rs` (`all_short_sequences_match_std`: every 1-, 2-
        // and 3-byte input; `four_byte_edges_match_std`;
        // `random_inputs_and_chunkings_match_std`), which compare the two
        // in every build. So `bytes` is valid UTF-8 here.
        #[allow(unsafe_code)]
        return Some(unsafe { core::str::from_utf8_unchecked(bytes) });
    }
    #[cfg(not(feature = "small"))]
    core::str::from_utf8(bytes).ok()
}

/// The phase after `len` more bytes.
#[inline]
#[must_use]
pub(crate) const fn next_phase(phase: usize, len: usize) -> usize {
    (phase % 4 + len % 4) % 4
}

/// Where the aligned body of a vector kernel starts: the distance from
/// `ptr` to the next multiple of `align` strictly after it, in `1..=align`.
/// The head vector covers everything before it.
#[cfg(all(
    any(
        target_arch = "x86_64",
        all(target_arch = "x86", target_feature = "sse2"),
        all(target_arch = "aarch64", target_feature = "neon"),
        all(target_arch = "wasm32", target_feature = "simd128")
    ),
    not(any(miri, wsframe_force_scalar))
))]
#[inline(always)]
fn body_start(ptr: *const u8, align: usize) -> usize {
    align - (ptr as usize & (align - 1))
}

#[cfg(test)]
mod tests;
