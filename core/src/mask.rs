//! Masking (kernels layer, RFC 6455 §5.3): XOR of the payload with a
//! repeating 4-byte key; the safe face of the kernels' room.
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
//! continue a split code point then needs no UTF-8 pass at all.
//!
//! Which kernel runs (scalar, word, byte loop, SSE2, AVX2, NEON,
//! `simd128`) is chosen in `kernels/` (see its table); every one of them
//! gives the same bytes and phase.

use crate::kernels;

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
    kernels::apply(buf, key, phase)
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
    kernels::apply_ascii(buf, key, phase)
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
    kernels::copy(src, dst, key, phase)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 4] = [0x9d, 0x01, 0xfe, 0x42];

    /// 257 bytes of a pattern, masked whole by the oracle or in two pieces
    /// (cut at every point, the phase carried) by the entry points: the
    /// same bytes.
    #[test]
    fn chunked_equals_whole() {
        let pattern: std::vec::Vec<u8> = (0..257u32).map(|i| (i * 31 + 7) as u8).collect();
        let mut whole = pattern.clone();
        crate::kernels::scalar::apply(&mut whole, KEY, 0);
        for cut in 0..=257 {
            let mut parts = pattern.clone();
            let (a, b) = parts.split_at_mut(cut);
            let p = apply_mask(a, KEY, 0);
            apply_mask(b, KEY, p);
            assert_eq!(parts, whole, "cut {cut}");
            let mut ascii = pattern.clone();
            let (a, b) = ascii.split_at_mut(cut);
            let (p, _) = apply_mask_ascii(a, KEY, 0);
            apply_mask_ascii(b, KEY, p);
            assert_eq!(ascii, whole, "ascii cut {cut}");
            let mut dst = std::vec![0u8; 257];
            let (a, b) = dst.split_at_mut(cut);
            let p = copy_mask(&pattern[..cut], a, KEY, 0);
            copy_mask(&pattern[cut..], b, KEY, p);
            assert_eq!(dst, whole, "copy cut {cut}");
        }
    }

    /// `copy_mask` with slices of different lengths copies the shorter
    /// length.
    #[test]
    fn copy_mask_uses_the_common_length() {
        let src = [0u8; 40];
        let mut dst = [0xAAu8; 50];
        assert_eq!(copy_mask(&src, &mut dst, KEY, 1), (1 + 40) % 4);
        assert_eq!(dst[0], KEY[1]);
        assert!(dst[40..].iter().all(|&b| b == 0xAA));
        let mut dst = [0u8; 20];
        assert_eq!(copy_mask(&src, &mut dst, KEY, 0), 0);
        assert_eq!(dst[19], KEY[3]);
    }
}
