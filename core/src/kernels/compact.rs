//! Masking in a byte loop of a few instructions (kernels layer, RFC 6455
//! §5.3): the `small` feature's replacement for [`super::word`] on
//! flash-constrained targets without a vector kernel (Cortex-M0/M3/M4).
//!
//! Safe code only. One byte per step (the word kernel does 16); the key is
//! kept as a `u32` rotated by 8 bits per byte, so the loop needs no index
//! arithmetic. On thumbv7m at opt-level "z" the three functions take
//! 134 B, against 1 076 B for the word kernels they replace (measured on
//! the footprint firmware, see `BENCHMARKS.md`). Not inlined: one copy
//! serves every call site.

/// XORs `buf` with `key` starting at key byte `phase % 4`; returns the next phase.
#[inline(never)]
pub fn apply(buf: &mut [u8], key: [u8; 4], phase: usize) -> usize {
    let mut k = u32::from_le_bytes(super::rotate_key(key, phase));
    for byte in buf.iter_mut() {
        *byte ^= k as u8;
        k = k.rotate_right(8);
    }
    super::next_phase(phase, buf.len())
}

/// [`apply`], also telling whether every unmasked byte is ASCII.
#[inline(never)]
pub fn apply_ascii(buf: &mut [u8], key: [u8; 4], phase: usize) -> (usize, bool) {
    let mut k = u32::from_le_bytes(super::rotate_key(key, phase));
    let mut acc = 0;
    for byte in buf.iter_mut() {
        *byte ^= k as u8;
        acc |= *byte;
        k = k.rotate_right(8);
    }
    (super::next_phase(phase, buf.len()), acc < 0x80)
}

/// Copies `src` into `dst` XORed with `key` starting at key byte
/// `phase % 4`, for `min(src.len(), dst.len())` bytes; returns the next phase.
#[inline(never)]
pub fn copy(src: &[u8], dst: &mut [u8], key: [u8; 4], phase: usize) -> usize {
    let mut k = u32::from_le_bytes(super::rotate_key(key, phase));
    let mut n = 0;
    for (d, s) in dst.iter_mut().zip(src) {
        *d = s ^ k as u8;
        k = k.rotate_right(8);
        n += 1;
    }
    super::next_phase(phase, n)
}
